//! Moodle's GIFT format, as its documentation describes it
//! (<https://docs.moodle.org/en/GIFT_format>):
//!
//! - Questions are separated by blank lines. Lines starting with `//` are comments.
//! - `$CATEGORY: a/b/c` sets the category of the questions that follow.
//! - `::Title::` names a question; `[html]`, `[moodle]`, `[markdown]` or `[plain]`
//!   sets its text format.
//! - The answers are in one `{…}` block. Text on both sides of it makes a
//!   missing-word question. No block at all is a description.
//!   - `{}` is an essay; `{T}` / `{TRUE}` / `{F}` / `{FALSE}` a true/false question,
//!     with optional `#feedback` for a wrong and then a right answer.
//!   - `=` marks right answers and `~` wrong ones. `=a ~b ~c` is multiple choice.
//!     Only `=` answers make a short-answer question. `=a -> b` pairs make a
//!     matching question.
//!   - `%50%` before an answer gives its weight (partial credit; negative for a
//!     penalty). `#text` after an answer is its feedback. `####text` at the end of
//!     the block is the question's general feedback.
//!   - `{#…}` is numeric: `value`, `value:tolerance` or `min..max`, or several
//!     `=%w%value:tolerance` answers.
//! - `\~ \= \# \{ \} \: \\` escape those characters; `\n` is a line break.
//!
//! `parse` returns every question it could read and every error it found, each
//! error with its line (1-based) and what was expected. Nothing is guessed: a
//! question with an error is not in the list.

use serde::{Deserialize, Serialize};

/// The text format a question declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Markup {
    #[default]
    Moodle,
    Html,
    Markdown,
    Plain,
}

/// One answer of a choice or short-answer question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub text: String,
    /// Percent of the question's marks: 100 for a plain `=`, 0 for a plain `~`.
    pub weight: f64,
    pub feedback: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NumericValue {
    /// `value` or `value:tolerance` (tolerance 0 when absent).
    Tolerance { value: f64, tolerance: f64 },
    /// `min..max`.
    Range { min: f64, max: f64 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericAnswer {
    pub value: NumericValue,
    pub weight: f64,
    pub feedback: Option<String>,
}

/// What the answer block says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Answers {
    /// No answer block: text only.
    Description,
    /// `{}`.
    Essay,
    TrueFalse {
        correct: bool,
        feedback_wrong: Option<String>,
        feedback_right: Option<String>,
    },
    /// `=` and `~` answers: one or more right ones, with weights.
    MultipleChoice {
        choices: Vec<Choice>,
        /// No answer is marked `=`: Moodle makes such a question multiple
        /// answer (check boxes), whatever the weights.
        #[serde(default)]
        multiple: bool,
    },
    /// Moodle's ordering (`{>settings` then one item per line): the items in
    /// the right order; scored by position when the settings say ABSOLUTE.
    Ordering {
        items: Vec<String>,
        by_position: bool,
    },
    /// Only `=` answers: any of them is accepted (with its weight).
    ShortAnswer {
        answers: Vec<Choice>,
    },
    Matching {
        pairs: Vec<(String, String)>,
    },
    Numeric {
        answers: Vec<NumericAnswer>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GiftQuestion {
    /// The line the question starts on.
    pub line: usize,
    pub category: Option<String>,
    pub title: Option<String>,
    pub markup: Markup,
    /// The question text; for a missing-word question, the text before the blank.
    pub text: String,
    /// For a missing-word question, the text after the blank.
    pub text_after: Option<String>,
    pub answers: Answers,
    pub general_feedback: Option<String>,
    /// `[tag:…]` in the comment lines before or inside the question, as
    /// Moodle's GIFT export writes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// An error with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct GiftError {
    pub line: usize,
    pub message: String,
}

/// Reads a whole GIFT file.
pub fn parse(src: &str) -> (Vec<GiftQuestion>, Vec<GiftError>) {
    let mut questions = Vec::new();
    let mut errors = Vec::new();
    let mut category: Option<String> = None;
    for (line, chunk, tags) in chunks(src) {
        let trimmed = chunk.trim();
        if let Some(rest) = trimmed.strip_prefix("$CATEGORY:") {
            let c = rest.trim();
            if c.is_empty() {
                errors.push(GiftError {
                    line,
                    message: "$CATEGORY: expected a category path after the colon".into(),
                });
            } else {
                category = Some(c.to_owned());
            }
            continue;
        }
        match question(line, trimmed) {
            Ok(mut q) => {
                q.category = category.clone();
                q.tags = tags;
                questions.push(q);
            }
            Err(e) => errors.push(e),
        }
    }
    (questions, errors)
}

/// `[tag:…]` in a comment line.
fn comment_tags(comment: &str, into: &mut Vec<String>) {
    let mut rest = comment;
    while let Some(at) = rest.find("[tag:") {
        let after = &rest[at + 5..];
        let Some(end) = after.find(']') else { break };
        let tag = after[..end].trim();
        if !tag.is_empty() && !into.iter().any(|t| t == tag) {
            into.push(tag.to_owned());
        }
        rest = &after[end..];
    }
}

/// The file cut into questions: (first line, text, tags from its comments),
/// comments dropped. As in Moodle's importer, a blank line always ends a
/// question (a block left open is reported there, and the next question is
/// still read).
fn chunks(src: &str) -> Vec<(usize, String, Vec<String>)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut tags = Vec::new();
    let mut start = 0;
    for (i, raw) in src.lines().enumerate() {
        let line = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        if let Some(comment) = line.trim_start().strip_prefix("//") {
            comment_tags(comment, &mut tags);
            continue;
        }
        if line.trim().is_empty() {
            if !cur.trim().is_empty() {
                out.push((start, std::mem::take(&mut cur), std::mem::take(&mut tags)));
            }
            cur.clear();
            continue;
        }
        if cur.is_empty() {
            start = i + 1;
        } else {
            cur.push('\n');
        }
        // A category line stands alone even without a blank line after it.
        if cur.is_empty() && line.trim_start().starts_with("$CATEGORY:") {
            out.push((i + 1, line.to_owned(), vec![]));
            continue;
        }
        cur.push_str(line);
    }
    if !cur.trim().is_empty() {
        out.push((start, cur, tags));
    }
    out
}

/// Byte offsets of the unescaped occurrences of `target` in `s`.
fn unescaped(s: &str, target: char) -> Vec<usize> {
    let mut out = Vec::new();
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == target {
            out.push(i);
        }
    }
    out
}

/// Removes GIFT escapes and trims. Only `\~ \= \# \{ \} \: \\`, `\n`, `\%` and `\>`
/// (which Examhall's export writes before a `%` or the `>` of a `->`) are escapes; a
/// backslash before anything else is a backslash (`\ ` is "\ "), as Moodle
/// reads it.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) if "~=#{}:%>\\".contains(other) => out.push(other),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out.trim().to_owned()
}

fn line_of(start: usize, text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    start + text[..o].matches('\n').count()
}

fn question(line: usize, text: &str) -> Result<GiftQuestion, GiftError> {
    let err = |at: usize, message: String| GiftError {
        line: line_of(line, text, at),
        message,
    };
    let mut rest = text;
    let mut consumed = 0;
    let mut title = None;
    if let Some(after) = rest.strip_prefix("::") {
        let Some(end) = after.find("::") else {
            return Err(err(
                0,
                "a title opened with :: is not closed with ::".into(),
            ));
        };
        title = Some(clean(&after[..end]));
        consumed = 2 + end + 2;
        rest = &after[end + 2..];
    }
    let trimmed = rest.trim_start();
    consumed += rest.len() - trimmed.len();
    rest = trimmed;
    let mut markup = Markup::Moodle;
    for (tag, m) in MARKERS {
        if let Some(r) = rest.strip_prefix(tag) {
            markup = m;
            consumed += tag.len();
            rest = r;
            break;
        }
    }
    let opens = unescaped(rest, '{');
    let closes = unescaped(rest, '}');
    let base = |q_text: String, text_after, answers, general_feedback| GiftQuestion {
        line,
        category: None,
        title: title.clone(),
        markup,
        text: q_text,
        text_after,
        answers,
        general_feedback,
        tags: vec![],
    };
    let Some(&open) = opens.first() else {
        if let Some(&c) = closes.first() {
            return Err(err(consumed + c, "a } without an opening {".into()));
        }
        let t = clean(rest);
        if t.is_empty() {
            return Err(err(consumed, "expected question text".into()));
        }
        return Ok(base(t, None, Answers::Description, None));
    };
    let Some(&close) = closes.iter().find(|&&c| c > open) else {
        return Err(err(
            consumed + open,
            "the answer block opened with { is not closed with }".into(),
        ));
    };
    if opens.len() > 1 || closes.len() > 1 {
        let at = opens.get(1).or(closes.get(1)).copied().unwrap_or(close);
        return Err(err(
            consumed + at,
            "a question has one answer block; escape other braces as \\{ and \\}".into(),
        ));
    }
    let before = clean(&rest[..open]);
    let after = clean(&rest[close + 1..]);
    let block = &rest[open + 1..close];
    let block_at = consumed + open + 1;
    let (answers, general) = answer_block(block).map_err(|(at, m)| err(block_at + at, m))?;
    let text_after = (!after.is_empty()).then_some(after);
    if before.is_empty() && text_after.is_none() {
        return Err(err(
            consumed,
            "expected question text before the answers".into(),
        ));
    }
    Ok(base(before, text_after, answers, general))
}

type BlockResult = Result<(Answers, Option<String>), (usize, String)>;

fn answer_block(block: &str) -> BlockResult {
    // General feedback: the first unescaped "####".
    let (body, general) = match find_unescaped_str(block, "####") {
        Some(at) => (&block[..at], Some(field(&block[at + 4..]))),
        None => (block, None),
    };
    let lead = body.len() - body.trim_start().len();
    let t = body.trim();
    if t.is_empty() {
        return Ok((Answers::Essay, general));
    }
    if let Some(num) = t.strip_prefix('#') {
        return numeric(num, lead + 1).map(|a| (a, general));
    }
    if let Some(tf) = true_false(t) {
        return tf.map(|a| (a, general)).map_err(|m| (lead, m));
    }
    // Moodle's ordering question (qtype_ordering's GIFT): `>` and its settings
    // on the first line, then one item per line in the right order.
    if let Some(rest) = t.strip_prefix('>') {
        let mut lines = rest.lines();
        let settings: Vec<String> = lines
            .next()
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_ascii_uppercase)
            .collect();
        let items: Vec<String> = lines.map(field).filter(|l| !l.is_empty()).collect();
        if items.len() < 2 {
            return Err((
                lead,
                "an ordering question ({>…}) needs at least two items, one per line".into(),
            ));
        }
        let by_position = settings.iter().any(|s| s.starts_with("ABSOLUTE"));
        return Ok((Answers::Ordering { items, by_position }, general));
    }
    // `=` and `~` answers.
    let marks: Vec<usize> = {
        let mut m: Vec<usize> = unescaped(t, '=');
        m.extend(unescaped(t, '~'));
        m.sort_unstable();
        m
    };
    if marks.is_empty() {
        // A lone answer, `{One}`: a short answer with that one right answer.
        let (text, feedback) = split_feedback(t);
        return Ok((
            Answers::ShortAnswer {
                answers: vec![Choice {
                    text,
                    weight: 100.0,
                    feedback,
                }],
            },
            general,
        ));
    }
    if marks.first() != Some(&0) {
        return Err((
            lead,
            "expected answers starting with = (right) or ~ (wrong), {T} or {F}, {#…} for a number, or {} for an essay"
                .into(),
        ));
    }
    let mut items = Vec::new();
    for (i, &at) in marks.iter().enumerate() {
        let end = marks.get(i + 1).copied().unwrap_or(t.len());
        items.push((at, t.as_bytes()[at] == b'=', &t[at + 1..end]));
    }
    // `->` makes a matching question only where no answer is wrong (`~`): in a
    // multiple choice it is text, as Moodle reads it.
    let matching = items.iter().all(|(_, right, _)| *right)
        && items
            .iter()
            .any(|(_, _, s)| find_unescaped_str(s, "->").is_some());
    if matching {
        let mut pairs = Vec::new();
        for (at, right, s) in &items {
            let Some(arrow) = find_unescaped_str(s, "->").filter(|_| *right) else {
                return Err((
                    lead + at,
                    "a matching question has only =question -> answer pairs".into(),
                ));
            };
            let (q, a) = (field(&s[..arrow]), clean(&s[arrow + 2..]));
            if a.is_empty() {
                return Err((lead + at, "a matching pair needs an answer after ->".into()));
            }
            pairs.push((q, a));
        }
        if pairs.len() < 2 {
            return Err((lead, "a matching question needs at least two pairs".into()));
        }
        return Ok((Answers::Matching { pairs }, general));
    }
    let mut choices = Vec::new();
    for (at, right, s) in &items {
        let (weight, s, w_len) =
            weight(s, if *right { 100.0 } else { 0.0 }).map_err(|m| (lead + at + 1, m))?;
        let (text, feedback) = split_feedback(s);
        if text.is_empty() {
            return Err((lead + at + 1 + w_len, "an answer has no text".into()));
        }
        choices.push(Choice {
            text,
            weight,
            feedback,
        });
    }
    let any_wrong = items.iter().any(|(_, right, _)| !right);
    if any_wrong {
        if !choices.iter().any(|c| c.weight > 0.0) {
            return Err((
                lead,
                "a multiple-choice question needs a right answer (=) or a positive weight".into(),
            ));
        }
        let multiple = !items.iter().any(|(_, right, _)| *right);
        Ok((Answers::MultipleChoice { choices, multiple }, general))
    } else {
        Ok((Answers::ShortAnswer { answers: choices }, general))
    }
}

fn find_unescaped_str(s: &str, pat: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        if c == '\\' {
            escaped = true;
            continue;
        }
        if s[i..].starts_with(pat) {
            return Some(i);
        }
    }
    None
}

/// `%50%rest` → (50, rest, length of the weight marker); no marker → the default.
fn weight(s: &str, default: f64) -> Result<(f64, &str, usize), String> {
    let Some(r) = s.strip_prefix('%') else {
        return Ok((default, s, 0));
    };
    let Some(end) = r.find('%') else {
        return Err("a weight opened with % is not closed with %".into());
    };
    let w: f64 = r[..end]
        .trim()
        .parse()
        .map_err(|_| format!("weight %{}%: expected a percentage such as %50%", &r[..end]))?;
    if !w.is_finite() || !(-100.0..=100.0).contains(&w) {
        return Err(format!(
            "weight %{w}%: expected a percentage from -100 to 100"
        ));
    }
    Ok((w, &r[end + 1..], end + 2))
}

/// The format markers Moodle reads at the start of a text.
const MARKERS: [(&str, Markup); 4] = [
    ("[html]", Markup::Html),
    ("[moodle]", Markup::Moodle),
    ("[markdown]", Markup::Markdown),
    ("[plain]", Markup::Plain),
];

/// An answer's, a feedback's or a matching question's text: cleaned, without
/// the format marker Moodle reads at its start (`[html]wrong` is "wrong").
fn field(s: &str) -> String {
    let t = clean(s);
    for (tag, _) in MARKERS {
        if t.get(..tag.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(tag))
        {
            return t[tag.len()..].trim().to_owned();
        }
    }
    t
}

/// `text#feedback` → (text, feedback).
fn split_feedback(s: &str) -> (String, Option<String>) {
    match unescaped(s, '#').first() {
        Some(&at) => (field(&s[..at]), Some(field(&s[at + 1..]))),
        None => (field(s), None),
    }
}

fn true_false(t: &str) -> Option<Result<Answers, String>> {
    let hashes = unescaped(t, '#');
    let head = hashes.first().map_or(t, |&h| &t[..h]).trim();
    let correct = match head {
        "T" | "TRUE" => true,
        "F" | "FALSE" => false,
        _ => return None,
    };
    let part = |i: usize| {
        hashes.get(i).map(|&h| {
            let end = hashes.get(i + 1).copied().unwrap_or(t.len());
            field(&t[h + 1..end])
        })
    };
    if hashes.len() > 2 {
        return Some(Err(
            "a true/false question has at most two feedbacks: #for a wrong answer#for a right one"
                .into(),
        ));
    }
    Some(Ok(Answers::TrueFalse {
        correct,
        feedback_wrong: part(0),
        feedback_right: part(1),
    }))
}

fn number(s: &str) -> Result<f64, String> {
    let t = s.trim();
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("\"{t}\" is not a number"))
}

fn numeric_value(s: &str) -> Result<NumericValue, String> {
    if let Some((lo, hi)) = s.split_once("..") {
        let (min, max) = (number(lo)?, number(hi)?);
        if min > max {
            return Err(format!("the range {min}..{max} runs backwards"));
        }
        return Ok(NumericValue::Range { min, max });
    }
    match s.split_once(':') {
        Some((v, tol)) => {
            let tolerance = number(tol)?;
            if tolerance < 0.0 {
                return Err(format!("the tolerance {tolerance} is negative"));
            }
            Ok(NumericValue::Tolerance {
                value: number(v)?,
                tolerance,
            })
        }
        None => Ok(NumericValue::Tolerance {
            value: number(s)?,
            tolerance: 0.0,
        }),
    }
}

fn numeric(body: &str, at: usize) -> Result<Answers, (usize, String)> {
    let lead = body.len() - body.trim_start().len();
    let t = body.trim();
    if t.is_empty() {
        return Err((at, "a numeric question needs a value after #".into()));
    }
    // Answers start at each unescaped `=` (right, 100 % unless weighted) and `~`
    // (wrong, 0 % unless weighted); text before the first mark is one right
    // answer (`{#3:2}`, `{#3:2~#wrong}`).
    let mut marks: Vec<usize> = unescaped(t, '=');
    marks.extend(unescaped(t, '~'));
    marks.sort_unstable();
    let mut items: Vec<(usize, bool, &str)> = Vec::new();
    if marks.first() != Some(&0) {
        let end = marks.first().copied().unwrap_or(t.len());
        items.push((0, true, &t[..end]));
    }
    for (i, &m) in marks.iter().enumerate() {
        let end = marks.get(i + 1).copied().unwrap_or(t.len());
        items.push((m + 1, t.as_bytes()[m] == b'=', &t[m + 1..end]));
    }
    let mut answers = Vec::new();
    for (pos, right, item) in items {
        let here = at + lead + pos;
        let (w, rest, _) = weight(item, if right { 100.0 } else { 0.0 }).map_err(|e| (here, e))?;
        let (v, feedback) = split_feedback(rest);
        if v.is_empty() && !right {
            // `~#feedback`: Moodle's "any other number". Worth nothing, it
            // scores as a number matching no answer does (its feedback is not
            // kept); worth something, it has no Examhall form.
            if w == 0.0 {
                continue;
            }
            return Err((
                here,
                format!("a ~ answer without a value stands for any other number; worth {w} % it is not supported"),
            ));
        }
        let value = numeric_value(&v).map_err(|e| (here, e))?;
        answers.push(NumericAnswer {
            value,
            weight: w,
            feedback,
        });
    }
    if answers.is_empty() {
        return Err((at, "a numeric question needs a value after #".into()));
    }
    Ok(Answers::Numeric { answers })
}
