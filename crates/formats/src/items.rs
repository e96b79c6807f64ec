//! A file's questions as Examhall questions. Each format's parser reads the file
//! faithfully; this maps what it read onto the domain's question types, checks
//! every question as the exam builder would (`Question::validate`), and keeps
//! each error with its place in the file. Nothing here decides whether to import:
//! the caller sees every item and every error and chooses.

use crate::{aiken, gift};
use examhall_domain::{
    ChoiceOption, MatchPair, NumericAnswer, Question, QuestionId, QuestionKind, ScoredOption,
    TextAnswer, Tolerance,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// The formats Examhall reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Gift,
    Aiken,
    MoodleXml,
    Qti,
    Csv,
    /// Examhall's own lossless JSON form.
    Json,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Gift,
        Format::Aiken,
        Format::MoodleXml,
        Format::Qti,
        Format::Csv,
        Format::Json,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Gift => "gift",
            Format::Aiken => "aiken",
            Format::MoodleXml => "moodle-xml",
            Format::Qti => "qti",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    pub fn parse(raw: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == raw)
    }
}

/// The text format a question's wording is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextFormat {
    #[default]
    Plain,
    Html,
    Markdown,
    /// Moodle's own auto-format (plain text with line breaks kept).
    Moodle,
}

/// Where something is in its file: a line, an XML element path, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Location {
    pub fn line(line: usize) -> Location {
        Location {
            line: Some(line),
            path: None,
        }
    }
    pub fn path(path: impl Into<String>) -> Location {
        Location {
            line: None,
            path: Some(path.into()),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.line, &self.path) {
            (Some(l), Some(p)) => write!(f, "{l}: {p}"),
            (Some(l), None) => write!(f, "{l}"),
            (None, Some(p)) => write!(f, "{p}"),
            (None, None) => f.write_str("?"),
        }
    }
}

/// One question read from a file, ready for the bank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportedItem {
    pub location: Location,
    /// The bank category, outermost first (`$CATEGORY: a/b` is `["a", "b"]`).
    #[serde(default)]
    pub category: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub text_format: TextFormat,
    /// Shown with the result, whatever was answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general_feedback: Option<String>,
    pub question: Question,
}

/// Something in the file that is not imported, with where it is and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportError {
    pub location: Location,
    pub message: String,
}

impl ImportError {
    /// Where the error is, for people: `FILE:LINE`, `FILE:LINE: path` or `FILE: path`.
    pub fn place(&self, file: &str) -> String {
        match self.location.line {
            Some(_) => format!("{file}:{}", self.location),
            None => format!("{file}: {}", self.location),
        }
    }

    pub fn new(location: Location, message: impl Into<String>) -> ImportError {
        ImportError {
            location,
            message: message.into(),
        }
    }
}

/// Everything a file holds: the questions that can be imported, the errors,
/// and the warnings: what the file holds that is left out on purpose (a GIFT
/// description), which does not stop an all-or-nothing import.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    pub items: Vec<ImportedItem>,
    pub errors: Vec<ImportError>,
    #[serde(default)]
    pub warnings: Vec<ImportError>,
}

impl Imported {
    /// `FILE:LINE: message` (or `FILE: path: message`) per error, as compilers
    /// print them.
    pub fn error_lines(&self, file: &str) -> Vec<String> {
        self.errors
            .iter()
            .map(|e| format!("{}: {}", e.place(file), e.message))
            .collect()
    }

    /// `FILE:LINE: warning: message` per warning.
    pub fn warning_lines(&self, file: &str) -> Vec<String> {
        self.warnings
            .iter()
            .map(|e| format!("{}: warning: {}", e.place(file), e.message))
            .collect()
    }

    /// Validates each item as a question of an exam would be, turning failures
    /// into errors at the item's place; gives questions distinct ids.
    pub fn checked(items: Vec<ImportedItem>, mut errors: Vec<ImportError>) -> Imported {
        let mut ids = BTreeSet::new();
        let mut kept = Vec::with_capacity(items.len());
        for mut item in items {
            match item.question.validate() {
                Ok(()) => {
                    item.question.id = distinct_id(&item.question.id, &mut ids);
                    kept.push(item);
                }
                Err(p) => errors.push(ImportError::new(
                    item.location.clone(),
                    format!("{}: {}", p.field, p.problem),
                )),
            }
        }
        errors.sort_by_key(|e| e.location.line.unwrap_or(0));
        Imported {
            items: kept,
            errors,
            warnings: Vec::new(),
        }
    }
}

fn distinct_id(id: &QuestionId, taken: &mut BTreeSet<String>) -> QuestionId {
    let base = id.as_str().to_owned();
    let mut candidate = base.clone();
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        let suffix = format!("-{n}");
        let keep = base.len().min(64 - suffix.len());
        candidate = format!("{}{suffix}", &base[..keep]);
        n += 1;
    }
    QuestionId::parse(&candidate).expect("ids are made of valid characters")
}

/// A question id from a title (`Sun` → `sun`), else from where it is (`q12`).
pub fn make_id(title: Option<&str>, fallback: &str) -> QuestionId {
    let slug: String = title
        .unwrap_or("")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug: String = slug.chars().take(48).collect();
    QuestionId::parse(slug.trim_end_matches('-'))
        .or_else(|| QuestionId::parse(fallback))
        .expect("the fallback id is valid")
}

/// Option ids by position: `a` … `z`, then `o27`, `o28` ….
pub fn option_id(i: usize) -> String {
    if i < 26 {
        ((b'a' + i as u8) as char).to_string()
    } else {
        format!("o{}", i + 1)
    }
}

pub fn question(id: QuestionId, prompt: String, kind: QuestionKind) -> Question {
    Question {
        id,
        prompt,
        marks: 1.0,
        penalty: 0.0,
        general_feedback: None,
        kind,
    }
}

/// Choices with percentage weights as the simplest question type that scores
/// them the same way: one right answer and no feedback is a plain single
/// choice; otherwise weighted, several right ones making it multiple-response.
pub fn choice_kind(choices: &[(String, f64, Option<String>)]) -> QuestionKind {
    let plain = choices
        .iter()
        .all(|(_, w, f)| f.is_none() && (*w == 0.0 || *w == 100.0))
        && choices.iter().filter(|(_, w, _)| *w == 100.0).count() == 1;
    if plain {
        let options: Vec<ChoiceOption> = choices
            .iter()
            .enumerate()
            .map(|(i, (text, _, _))| ChoiceOption {
                id: option_id(i),
                text: text.clone(),
            })
            .collect();
        let correct = choices
            .iter()
            .position(|(_, w, _)| *w == 100.0)
            .map(option_id)
            .unwrap_or_default();
        return QuestionKind::SingleChoice { options, correct };
    }
    let full = choices.iter().any(|(_, w, _)| *w >= 100.0 - 1e-4);
    let positive = choices.iter().filter(|(_, w, _)| *w > 0.0).count();
    QuestionKind::WeightedChoice {
        options: choices
            .iter()
            .enumerate()
            .map(|(i, (text, w, f))| ScoredOption {
                id: option_id(i),
                text: text.clone(),
                credit: w / 100.0,
                feedback: f.clone(),
            })
            .collect(),
        multiple: !full && positive > 1,
    }
}

fn gift_format(m: gift::Markup) -> TextFormat {
    match m {
        gift::Markup::Moodle => TextFormat::Moodle,
        gift::Markup::Html => TextFormat::Html,
        gift::Markup::Markdown => TextFormat::Markdown,
        gift::Markup::Plain => TextFormat::Plain,
    }
}

/// `$course$`, `$system$` and the like: Moodle's context roots, not categories.
fn is_moodle_root(s: &str) -> bool {
    s.len() > 1 && s.starts_with('$') && s.ends_with('$')
}

/// The category path of `$CATEGORY: a/b/c`, without Moodle's `$course$` or
/// `$system$` root.
pub fn category_path(raw: Option<&str>) -> Vec<String> {
    raw.unwrap_or("")
        .split('/')
        .map(str::trim)
        .filter(|s| !s.is_empty() && !is_moodle_root(s))
        .map(str::to_owned)
        .collect()
}

/// A GIFT file's questions.
pub fn from_gift(src: &str) -> Imported {
    let (parsed, errs) = gift::parse(src);
    let errors: Vec<ImportError> = errs
        .into_iter()
        .map(|e| ImportError::new(Location::line(e.line), e.message))
        .collect();
    let mut warnings = Vec::new();
    let mut items = Vec::new();
    for g in parsed {
        let here = Location::line(g.line);
        let prompt = match &g.text_after {
            Some(after) => format!("{} _____ {}", g.text.trim_end(), after.trim_start())
                .trim()
                .to_owned(),
            None => g.text.clone(),
        };
        let kind = match &g.answers {
            gift::Answers::Description => {
                // Valid GIFT (Moodle imports it as a Description item): left
                // out with a warning, so the file's questions still import.
                warnings.push(ImportError::new(
                    here,
                    "a description (text without an answer block) is not a question: left out",
                ));
                continue;
            }
            gift::Answers::Essay => QuestionKind::essay(),
            gift::Answers::Ordering { items, by_position } => QuestionKind::Ordering {
                items: items
                    .iter()
                    .enumerate()
                    .map(|(i, text)| ChoiceOption {
                        id: option_id(i),
                        text: text.clone(),
                    })
                    .collect(),
                scoring: if *by_position {
                    examhall_domain::OrderScoring::ByPosition
                } else {
                    examhall_domain::OrderScoring::Exact
                },
            },
            gift::Answers::TrueFalse { correct, .. } => {
                QuestionKind::TrueFalse { correct: *correct }
            }
            gift::Answers::MultipleChoice { choices, multiple } => {
                let kind = choice_kind(
                    &choices
                        .iter()
                        .map(|c| (c.text.clone(), c.weight, c.feedback.clone()))
                        .collect::<Vec<_>>(),
                );
                // Moodle: no `=` answer means check boxes, even when one `~%100%`
                // answer alone earns full marks.
                match kind {
                    QuestionKind::WeightedChoice { options, .. } if *multiple => {
                        QuestionKind::WeightedChoice {
                            options,
                            multiple: true,
                        }
                    }
                    other => other,
                }
            }
            gift::Answers::ShortAnswer { answers } => {
                if answers
                    .iter()
                    .all(|a| a.weight == 100.0 && a.feedback.is_none())
                {
                    QuestionKind::ShortText {
                        accepted: answers.iter().map(|a| a.text.clone()).collect(),
                        case_sensitive: false,
                    }
                } else {
                    QuestionKind::TextSet {
                        answers: answers
                            .iter()
                            .map(|a| TextAnswer {
                                pattern: a.text.clone(),
                                credit: a.weight / 100.0,
                                feedback: a.feedback.clone(),
                            })
                            .collect(),
                        case_sensitive: false,
                    }
                }
            }
            gift::Answers::Matching { pairs } => QuestionKind::Matching {
                pairs: pairs
                    .iter()
                    .filter(|(q, _)| !q.trim().is_empty())
                    .enumerate()
                    .map(|(i, (q, a))| MatchPair {
                        id: format!("m{}", i + 1),
                        prompt: q.clone(),
                        answer: a.clone(),
                    })
                    .collect(),
                distractors: pairs
                    .iter()
                    .filter(|(q, _)| q.trim().is_empty())
                    .map(|(_, a)| a.clone())
                    .collect(),
                scores: None,
            },
            gift::Answers::Numeric { answers } => numeric_kind(
                &answers
                    .iter()
                    .map(|a| {
                        let (value, tolerance) = match a.value {
                            gift::NumericValue::Tolerance { value, tolerance } => {
                                (value, tolerance)
                            }
                            gift::NumericValue::Range { min, max } => {
                                ((min + max) / 2.0, (max - min) / 2.0)
                            }
                        };
                        (value, tolerance, a.weight, a.feedback.clone())
                    })
                    .collect::<Vec<_>>(),
            ),
        };
        // HTML is stored as plain text (see `html_to_text`).
        let (prompt, text_format) = match g.markup {
            gift::Markup::Html => (html_to_text(&prompt), TextFormat::Plain),
            m => (prompt, gift_format(m)),
        };
        items.push(ImportedItem {
            location: here,
            category: category_path(g.category.as_deref()),
            title: g.title.clone(),
            tags: g.tags.clone(),
            text_format,
            general_feedback: g.general_feedback.clone(),
            question: question(
                make_id(g.title.as_deref(), &format!("q{}", g.line)),
                prompt,
                kind,
            ),
        });
    }
    Imported {
        warnings,
        ..Imported::checked(items, errors)
    }
}

/// Numeric answers `(value, absolute tolerance, weight %, feedback)` as the
/// simplest type that scores them the same way.
pub fn numeric_kind(answers: &[(f64, f64, f64, Option<String>)]) -> QuestionKind {
    let tol = |t: f64| {
        if t == 0.0 {
            Tolerance::Exact
        } else {
            Tolerance::Absolute(t)
        }
    };
    match answers {
        [(value, t, w, None)] if *w == 100.0 => QuestionKind::Numeric {
            value: *value,
            tolerance: tol(*t),
        },
        _ => QuestionKind::NumericSet {
            answers: answers
                .iter()
                .map(|(value, t, w, f)| NumericAnswer {
                    value: *value,
                    tolerance: tol(*t),
                    credit: w / 100.0,
                    feedback: f.clone(),
                })
                .collect(),
        },
    }
}

/// An Aiken file's questions: each a single choice.
pub fn from_aiken(src: &str) -> Imported {
    let (parsed, errs) = aiken::parse(src);
    let errors = errs
        .into_iter()
        .map(|e| ImportError::new(Location::line(e.line), e.message))
        .collect();
    let items = parsed
        .into_iter()
        .map(|a| ImportedItem {
            location: Location::line(a.line),
            category: vec![],
            title: None,
            tags: vec![],
            text_format: TextFormat::Plain,
            general_feedback: None,
            question: question(
                make_id(None, &format!("q{}", a.line)),
                a.text,
                QuestionKind::SingleChoice {
                    options: a
                        .options
                        .iter()
                        .enumerate()
                        .map(|(i, t)| ChoiceOption {
                            id: option_id(i),
                            text: t.clone(),
                        })
                        .collect(),
                    correct: option_id(a.answer),
                },
            ),
        })
        .collect();
    Imported::checked(items, errors)
}

/// Examhall's own JSON form (`export::to_json`).
pub fn from_json(src: &str) -> Imported {
    let file: crate::export::BankFile = match serde_json::from_str(src) {
        Ok(f) => f,
        Err(e) => {
            return Imported {
                errors: vec![ImportError::new(
                    Location::line(e.line().max(1)),
                    format!("column {}: {e}", e.column()),
                )],
                ..Imported::default()
            }
        }
    };
    if file.format != crate::export::BANK_FORMAT || file.version != 1 {
        return Imported {
            warnings: vec![],
            items: vec![],
            errors: vec![ImportError::new(
                Location::path("format"),
                format!(
                    "expected format \"{}\" version 1, got {:?} version {}",
                    crate::export::BANK_FORMAT,
                    file.format,
                    file.version
                ),
            )],
        };
    }
    let items = file
        .items
        .into_iter()
        .enumerate()
        .map(|(i, b)| ImportedItem {
            location: Location::path(format!("items[{i}]")),
            category: b.category,
            title: b.title,
            tags: b.tags,
            text_format: b.text_format,
            general_feedback: b.general_feedback,
            question: b.question,
        })
        .collect();
    Imported::checked(items, vec![])
}

/// Reads a file's bytes: text formats must be UTF-8 (a byte-order mark is
/// skipped); a QTI content package may be a zip.
pub fn import_bytes(format: Format, bytes: &[u8]) -> Imported {
    if format == Format::Qti && bytes.starts_with(b"PK\x03\x04") {
        return crate::qti::from_package(bytes);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => import(format, text),
        // Teachers on Windows save GIFT and Aiken files in Windows-1252 ("ANSI"),
        // as Moodle's fixture questions_encoding_windows-1252.gift.txt is; read
        // them so, and say so. (XML declares its own encoding; CSV rosters and
        // JSON are UTF-8 by their definition.)
        Err(e) if matches!(format, Format::Gift | Format::Aiken) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            let mut read = import(format, &text);
            read.warnings.insert(
                0,
                ImportError::new(
                    Location::line(line),
                    format!(
                        "the file is not UTF-8 (byte {} is not): read as Windows-1252; check its accented letters, or save it as UTF-8",
                        e.valid_up_to() + 1
                    ),
                ),
            );
            read
        }
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            Imported {
                warnings: vec![],
                items: vec![],
                errors: vec![ImportError::new(
                    Location::line(line),
                    format!(
                        "the file is not UTF-8 text (byte {} is not); save it as UTF-8",
                        e.valid_up_to() + 1
                    ),
                )],
            }
        }
    }
}

/// A response typed by a teacher (`examhall score --response`) as an answer to
/// `q`: a JSON list (several picks, an order) or object (matching, cloze), else
/// the text itself; an option may be named by its id or its exact text.
pub fn parse_response(q: &Question, raw: &str) -> Result<examhall_domain::Answer, String> {
    use examhall_domain::Answer;
    let option_ids: Vec<(String, String)> = match &q.kind {
        QuestionKind::SingleChoice { options, .. }
        | QuestionKind::MultipleResponse { options, .. }
        | QuestionKind::Ordering { items: options, .. } => options
            .iter()
            .map(|o| (o.id.clone(), o.text.clone()))
            .collect(),
        QuestionKind::WeightedChoice { options, .. } => options
            .iter()
            .map(|o| (o.id.clone(), o.text.clone()))
            .collect(),
        _ => vec![],
    };
    let by_text = |v: String| {
        option_ids
            .iter()
            .find(|(id, text)| *id != v && *text == v)
            .map(|(id, _)| id.clone())
            .unwrap_or(v)
    };
    let answer = match serde_json::from_str::<serde_json::Value>(raw) {
        Ok(serde_json::Value::Array(xs)) => Answer::Choices(
            xs.into_iter()
                .map(|x| match x {
                    serde_json::Value::String(s) => Ok(by_text(s)),
                    other => Err(format!("{other} is not an option id (a string)")),
                })
                .collect::<Result<_, _>>()?,
        ),
        Ok(serde_json::Value::Object(m)) => Answer::Map(
            m.into_iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => Ok((k, s)),
                    serde_json::Value::Number(n) => Ok((k, n.to_string())),
                    other => Err(format!("{k}: {other} is not a text or a number")),
                })
                .collect::<Result<_, _>>()?,
        ),
        _ => match &q.kind {
            QuestionKind::MultipleResponse { .. }
            | QuestionKind::WeightedChoice { multiple: true, .. }
            | QuestionKind::Ordering { .. } => Answer::Choices(
                raw.split(',')
                    .map(|s| by_text(s.trim().to_owned()))
                    .filter(|s| !s.is_empty())
                    .collect(),
            ),
            _ => Answer::Text(by_text(raw.to_owned())),
        },
    };
    q.check_answer(&answer).map_err(|e| e.to_string())?;
    Ok(answer)
}

/// Reads a file of the given format.
pub fn import(format: Format, src: &str) -> Imported {
    match format {
        Format::Gift => from_gift(src),
        Format::Aiken => from_aiken(src),
        Format::Json => from_json(src),
        Format::MoodleXml => crate::moodle_xml::from_text(src),
        Format::Qti => crate::qti::from_text(src),
        Format::Csv => crate::csv_format::from_text(src),
    }
}

/// HTML as readable plain text: paragraphs, headings, divs and table rows become
/// paragraphs, `<br>` a line break, list items `• ` lines; other tags are
/// dropped and entities decoded. Imported HTML (Moodle's usual format) is
/// stored this way, so a candidate never sees markup.
pub fn html_to_text(html: &str) -> String {
    html_to_text_with(html, &|_| None)
}

/// A `data:` URL of an image type a webview shows safely (not SVG, which can
/// hold scripts).
pub fn is_image_data_url(s: &str) -> bool {
    ["png", "jpeg", "gif", "webp"]
        .iter()
        .any(|t| s.starts_with(&format!("data:image/{t};base64,")))
}

/// The value of `name="…"` (or `'…'`) in a tag's text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = tag[at + name.len()..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let rest = rest[1..].trim_start();
        let q = rest.chars().next()?;
        if q == '"' || q == '\'' {
            return rest[1..].split(q).next().map(str::to_owned);
        }
        return rest.split_whitespace().next().map(str::to_owned);
    }
    None
}

/// Like `html_to_text`, with images kept as `![alt](data:…)` when `image` turns
/// their `src` into a data URL (the file came with the question), or when the
/// `src` already is one.
pub fn html_to_text_with(html: &str, image: &dyn Fn(&str) -> Option<String>) -> String {
    // Inside <pre>, spaces and line breaks are the text (code's indentation):
    // held as private-use characters through the tidying below, then restored.
    const PRE_SPACE: char = '\u{E000}';
    const PRE_BREAK: char = '\u{E001}';
    let keep = |s: &str, first: bool| -> String {
        let s = if first {
            s.strip_prefix("\r\n")
                .or_else(|| s.strip_prefix('\n'))
                .unwrap_or(s)
        } else {
            s
        };
        s.chars()
            .filter(|c| *c != '\r')
            .map(|c| match c {
                ' ' | '\t' => PRE_SPACE,
                '\n' => PRE_BREAK,
                c => c,
            })
            .collect()
    };
    let mut pre = 0usize;
    let mut pre_start = false;
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        if pre > 0 {
            out.push_str(&keep(&rest[..i], pre_start));
        } else {
            out.push_str(&rest[..i]);
        }
        pre_start = false;
        rest = &rest[i..];
        if rest.starts_with('<') {
            let Some(end) = rest.find('>') else {
                out.push_str(rest);
                rest = "";
                break;
            };
            let raw_tag = rest[1..end].trim();
            let tag = raw_tag.to_ascii_lowercase();
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            // A <pre> becomes a fenced code block, which the screens show as code.
            if name == "pre" {
                if tag.starts_with('/') {
                    pre = pre.saturating_sub(1);
                    // The line break before </pre> is not part of the text.
                    while out.ends_with(PRE_BREAK) || out.ends_with(PRE_SPACE) {
                        out.pop();
                    }
                    if pre == 0 {
                        out.push_str("\n```\n\n");
                    }
                } else {
                    pre += 1;
                    pre_start = true;
                    if pre == 1 {
                        out.push_str("\n\n```\n");
                    }
                }
            }
            match name.as_str() {
                "br" => out.push('\n'),
                "li" if !tag.starts_with('/') => out.push_str("\n• "),
                "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "tr"
                | "blockquote" | "table" => out.push_str("\n\n"),
                "td" | "th" if tag.starts_with('/') => out.push(' '),
                "img" => {
                    let alt: String = attribute(raw_tag, "alt")
                        .unwrap_or_default()
                        .chars()
                        .filter(|c| !matches!(c, '[' | ']' | '\n'))
                        .collect();
                    let src = attribute(raw_tag, "src").unwrap_or_default();
                    let data = if is_image_data_url(&src) {
                        Some(src)
                    } else {
                        image(&src)
                    };
                    match data {
                        Some(url) => out.push_str(&format!("![{alt}]({url})")),
                        None => out.push_str(&format!(
                            "[image{}{}]",
                            if alt.is_empty() { "" } else { ": " },
                            alt
                        )),
                    }
                }
                _ => {}
            }
            rest = &rest[end + 1..];
        } else {
            // An entity is short: look for its `;` among the next few characters.
            let end = rest
                .char_indices()
                .take(12)
                .find(|&(_, c)| c == ';')
                .map(|(i, _)| i);
            let decoded = end.and_then(|e| {
                let ent = &rest[1..e];
                let c = match ent {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" => Some(' '),
                    _ => ent
                        .strip_prefix("#x")
                        .or_else(|| ent.strip_prefix("#X"))
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32),
                };
                c.map(|c| (c, e))
            });
            match decoded {
                Some((c, e)) => {
                    out.push(c);
                    rest = &rest[e + 1..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    if pre > 0 {
        out.push_str(&keep(rest, pre_start));
    } else {
        out.push_str(rest);
    }
    // Tidy: no trailing spaces, at most one blank line in a row.
    let mut tidy = String::with_capacity(out.len());
    let mut blank = 0;
    for line in out
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
    {
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !tidy.is_empty() {
            tidy.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        tidy.push_str(&line);
    }
    tidy.chars()
        .map(|c| match c {
            PRE_SPACE => ' ',
            PRE_BREAK => '\n',
            c => c,
        })
        .collect()
}

/// An ordering item's id that does not give its position away (FNV-1a of the
/// item's place, so the same file always gives the same ids).
pub fn opaque_id(path: &str, i: usize) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in format!("{path}#{i}").bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    format!("i{h:08x}")
}
