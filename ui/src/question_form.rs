//! The bank editor's form per question type: what a teacher types, turned into
//! the question's `QuestionKind`, with a problem named at its field. Kept apart
//! from the page so every type's parsing and validation is tested without a
//! browser. A key the forms cannot show (a weighted choice, several numeric
//! answers, a calculated question…) stays in the JSON view.
//!
//! A cloze is written as text with gaps in double brackets:
//! - `[[Paris|paris]]`: a text gap; each alternative is accepted (`*` matches
//!   anything; case does not count);
//! - `[[# 9.81 ± 0.1]]` (or `+-`): a number, with a tolerance; a decimal comma
//!   reads as a point; `[[# 9.7 .. 9.9]]`: any number in a range, both ends
//!   included;
//! - `[[? *Paris | Rome | Berlin]]`: a choice, the right option marked `*`.

use crate::authoring::parse_decimal;
use examhall_protocol::{
    ChoiceOption, ClozePart, Gap, GapKind, MatchPair, MultiScoring, NumericAnswer, OrderScoring,
    QuestionKind, ScoredOption, TextAnswer, Tolerance,
};

/// The types the forms write (the nine of the bank's "new question").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FormType {
    #[default]
    SingleChoice,
    MultipleResponse,
    TrueFalse,
    Numeric,
    ShortText,
    Essay,
    Matching,
    Ordering,
    Cloze,
}

impl FormType {
    pub const ALL: [FormType; 9] = [
        FormType::SingleChoice,
        FormType::MultipleResponse,
        FormType::TrueFalse,
        FormType::Numeric,
        FormType::ShortText,
        FormType::Essay,
        FormType::Matching,
        FormType::Ordering,
        FormType::Cloze,
    ];

    /// Its name in the type selector's values and the message ids (`qform-type-…`).
    pub fn name(self) -> &'static str {
        match self {
            FormType::SingleChoice => "single-choice",
            FormType::MultipleResponse => "multiple-response",
            FormType::TrueFalse => "true-false",
            FormType::Numeric => "numeric",
            FormType::ShortText => "short-text",
            FormType::Essay => "essay",
            FormType::Matching => "matching",
            FormType::Ordering => "ordering",
            FormType::Cloze => "cloze",
        }
    }

    pub fn from_name(name: &str) -> Option<FormType> {
        FormType::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// One option of a choice: its text and whether it is right.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OptionRow {
    pub text: String,
    pub right: bool,
    /// Shown to a candidate who picked it (single choice), with their result.
    pub feedback: String,
}

/// One pair of a matching question.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PairRow {
    pub item: String,
    pub answer: String,
}

/// Every field of every type's form; the type says which are read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KindForm {
    pub form_type: FormType,
    /// Single choice and multiple response.
    pub options: Vec<OptionRow>,
    /// Multiple response: partial credit (wrong ticks subtract) rather than all or nothing.
    pub partial: bool,
    pub true_false: bool,
    /// Numeric: the value and its ± tolerance, as typed.
    pub value: String,
    pub tolerance: String,
    /// Numeric: a range (`from` to `to`, both included) instead of value ± tolerance.
    pub range: bool,
    pub from: String,
    pub to: String,
    /// Short text: accepted answers, one per line.
    pub accepted: String,
    pub case_sensitive: bool,
    pub pairs: Vec<PairRow>,
    /// Matching: answers that belong to no item, one per line.
    pub distractors: String,
    /// Ordering: the items in the right order, one per line.
    pub items: String,
    /// Ordering: a share for each item in its place rather than all or nothing.
    pub by_position: bool,
    pub cloze: String,
    /// Essay: what markers look for (never shown to candidates).
    pub guidance: String,
}

/// What is wrong, and at which field (`options`, `option-2`, `value`, `pair-1`,
/// `gap-3`…: the page puts the message beside that field).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

fn problem(field: impl Into<String>, message: impl Into<String>) -> FieldProblem {
    FieldProblem {
        field: field.into(),
        message: message.into(),
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Option ids `a`, `b`, … `z`, `aa`, `ab`…
fn option_id(i: usize) -> String {
    let letters = b"abcdefghijklmnopqrstuvwxyz";
    if i < 26 {
        (letters[i] as char).to_string()
    } else {
        format!(
            "{}{}",
            letters[(i / 26 - 1) % 26] as char,
            letters[i % 26] as char
        )
    }
}

impl KindForm {
    /// A new form of `t`, with the rows it needs to start.
    pub fn new(t: FormType) -> KindForm {
        let two = vec![OptionRow::default(), OptionRow::default()];
        KindForm {
            form_type: t,
            options: two,
            pairs: vec![PairRow::default(), PairRow::default()],
            true_false: true,
            ..KindForm::default()
        }
    }

    /// The form showing `kind`, or `None` when the forms cannot (the JSON view can).
    pub fn of(kind: &QuestionKind) -> Option<KindForm> {
        let rows = |options: &[ChoiceOption], right: &dyn Fn(&str) -> bool| {
            options
                .iter()
                .map(|o| OptionRow {
                    text: o.text.clone(),
                    right: right(&o.id),
                    feedback: String::new(),
                })
                .collect()
        };
        let f = match kind {
            QuestionKind::SingleChoice { options, correct } => KindForm {
                form_type: FormType::SingleChoice,
                options: rows(options, &|id| id == correct),
                ..KindForm::default()
            },
            // A single choice with feedback on its options: one option right.
            QuestionKind::WeightedChoice {
                options,
                multiple: false,
            } if options.iter().all(|o| o.credit == 0.0 || o.credit == 1.0)
                && options.iter().filter(|o| o.credit == 1.0).count() == 1 =>
            {
                KindForm {
                    form_type: FormType::SingleChoice,
                    options: options
                        .iter()
                        .map(|o| OptionRow {
                            text: o.text.clone(),
                            right: o.credit == 1.0,
                            feedback: o.feedback.clone().unwrap_or_default(),
                        })
                        .collect(),
                    ..KindForm::default()
                }
            }
            QuestionKind::MultipleResponse {
                options,
                correct,
                scoring,
            } => KindForm {
                form_type: FormType::MultipleResponse,
                options: rows(options, &|id| correct.iter().any(|c| c == id)),
                partial: *scoring == MultiScoring::Partial,
                ..KindForm::default()
            },
            QuestionKind::TrueFalse { correct } => KindForm {
                form_type: FormType::TrueFalse,
                true_false: *correct,
                ..KindForm::default()
            },
            QuestionKind::Numeric { value, tolerance } => KindForm {
                form_type: FormType::Numeric,
                value: value.to_string(),
                tolerance: match tolerance {
                    Tolerance::Exact => String::new(),
                    Tolerance::Absolute(t) => t.to_string(),
                    Tolerance::Relative(_) => return None,
                },
                ..KindForm::default()
            },
            QuestionKind::ShortText {
                accepted,
                case_sensitive,
            } => KindForm {
                form_type: FormType::ShortText,
                accepted: accepted.join("\n"),
                case_sensitive: *case_sensitive,
                ..KindForm::default()
            },
            QuestionKind::Essay { guidance } => KindForm {
                guidance: guidance.clone().unwrap_or_default(),
                ..KindForm::new(FormType::Essay)
            },
            QuestionKind::Matching {
                pairs,
                distractors,
                scores: None,
            } => KindForm {
                form_type: FormType::Matching,
                pairs: pairs
                    .iter()
                    .map(|p| PairRow {
                        item: p.prompt.clone(),
                        answer: p.answer.clone(),
                    })
                    .collect(),
                distractors: distractors.join("\n"),
                ..KindForm::default()
            },
            QuestionKind::Ordering { items, scoring } => KindForm {
                form_type: FormType::Ordering,
                items: items
                    .iter()
                    .map(|i| i.text.clone())
                    .collect::<Vec<_>>()
                    .join("\n"),
                by_position: *scoring == OrderScoring::ByPosition,
                ..KindForm::default()
            },
            QuestionKind::Cloze { parts } => KindForm {
                form_type: FormType::Cloze,
                cloze: cloze_text(parts)?,
                ..KindForm::default()
            },
            _ => return None,
        };
        Some(f)
    }

    /// The key the form describes, or the first problem, at its field.
    pub fn to_kind(&self) -> Result<QuestionKind, FieldProblem> {
        match self.form_type {
            FormType::SingleChoice | FormType::MultipleResponse => self.choice(),
            FormType::TrueFalse => Ok(QuestionKind::TrueFalse {
                correct: self.true_false,
            }),
            FormType::Numeric if self.range => {
                let from = parse_decimal(&self.from)
                    .ok_or_else(|| problem("from", "a number, like 9.7 or 9,7"))?;
                let to = parse_decimal(&self.to)
                    .ok_or_else(|| problem("to", "a number, like 9.9 or 9,9"))?;
                let (value, tolerance) =
                    between(from, to).ok_or_else(|| problem("to", "at least the first number"))?;
                Ok(QuestionKind::Numeric { value, tolerance })
            }
            FormType::Numeric => {
                let value = parse_decimal(&self.value)
                    .ok_or_else(|| problem("value", "a number, like 9.81 or 9,81"))?;
                let tolerance = if self.tolerance.trim().is_empty() {
                    Tolerance::Exact
                } else {
                    match parse_decimal(&self.tolerance) {
                        Some(t) if t > 0.0 => Tolerance::Absolute(t),
                        Some(0.0) => Tolerance::Exact,
                        _ => return Err(problem("tolerance", "a number 0 or more, or empty")),
                    }
                };
                Ok(QuestionKind::Numeric { value, tolerance })
            }
            FormType::ShortText => {
                let accepted = lines(&self.accepted);
                if accepted.is_empty() {
                    return Err(problem("accepted", "at least one accepted answer"));
                }
                Ok(QuestionKind::ShortText {
                    accepted,
                    case_sensitive: self.case_sensitive,
                })
            }
            FormType::Essay => {
                let guidance = self.guidance.trim();
                if guidance.chars().count() > examhall_protocol::MAX_GUIDANCE_CHARS {
                    return Err(problem(
                        "guidance",
                        format!(
                            "at most {} characters",
                            examhall_protocol::MAX_GUIDANCE_CHARS
                        ),
                    ));
                }
                Ok(QuestionKind::Essay {
                    guidance: Some(guidance.to_owned()).filter(|g| !g.is_empty()),
                })
            }
            FormType::Matching => {
                let mut pairs = vec![];
                for (i, p) in self.pairs.iter().enumerate() {
                    let (item, answer) = (p.item.trim(), p.answer.trim());
                    if item.is_empty() && answer.is_empty() {
                        continue;
                    }
                    if item.is_empty() || answer.is_empty() {
                        return Err(problem(
                            format!("pair-{}", i + 1),
                            "an item and its answer, both",
                        ));
                    }
                    pairs.push(MatchPair {
                        id: format!("p{}", pairs.len() + 1),
                        prompt: item.to_owned(),
                        answer: answer.to_owned(),
                    });
                }
                if pairs.len() < 2 {
                    return Err(problem("pairs", "at least two pairs"));
                }
                Ok(QuestionKind::Matching {
                    pairs,
                    distractors: lines(&self.distractors),
                    scores: None,
                })
            }
            FormType::Ordering => {
                let items = lines(&self.items);
                if items.len() < 2 {
                    return Err(problem("items", "at least two items, one per line"));
                }
                Ok(QuestionKind::Ordering {
                    items: items
                        .into_iter()
                        .enumerate()
                        .map(|(i, text)| ChoiceOption {
                            id: option_id(i),
                            text,
                        })
                        .collect(),
                    scoring: if self.by_position {
                        OrderScoring::ByPosition
                    } else {
                        OrderScoring::Exact
                    },
                })
            }
            FormType::Cloze => parse_cloze(&self.cloze).map(|parts| QuestionKind::Cloze { parts }),
        }
    }

    /// The numbers a numeric key accepts, lowest and highest, as the form
    /// now reads (shown beside the fields, whichever way they were written).
    pub fn accepts(&self) -> Option<(f64, f64)> {
        match self.to_kind() {
            Ok(QuestionKind::Numeric {
                value,
                tolerance: Tolerance::Absolute(t),
            }) => Some((value - t, value + t)),
            Ok(QuestionKind::Numeric { value, .. }) => Some((value, value)),
            _ => None,
        }
    }

    fn choice(&self) -> Result<QuestionKind, FieldProblem> {
        let mut options = vec![];
        let mut right = vec![];
        for (i, o) in self.options.iter().enumerate() {
            let text = o.text.trim();
            if text.is_empty() {
                if o.right {
                    return Err(problem(
                        format!("option-{}", i + 1),
                        "a right option needs its text",
                    ));
                }
                continue;
            }
            let id = option_id(options.len());
            if o.right {
                right.push(id.clone());
            }
            options.push(ChoiceOption {
                id,
                text: text.to_owned(),
            });
        }
        if options.len() < 2 {
            return Err(problem("options", "at least two options"));
        }
        if self.form_type == FormType::SingleChoice {
            // Feedback on an option: the weighted form, which carries it.
            let feedback: Vec<Option<String>> = self
                .options
                .iter()
                .filter(|o| !o.text.trim().is_empty())
                .map(|o| Some(o.feedback.trim().to_owned()).filter(|f| !f.is_empty()))
                .collect();
            return match right.as_slice() {
                [one] if feedback.iter().any(Option::is_some) => Ok(QuestionKind::WeightedChoice {
                    options: options
                        .into_iter()
                        .zip(feedback)
                        .map(|(o, feedback)| ScoredOption {
                            credit: if &o.id == one { 1.0 } else { 0.0 },
                            id: o.id,
                            text: o.text,
                            feedback,
                        })
                        .collect(),
                    multiple: false,
                }),
                [one] => Ok(QuestionKind::SingleChoice {
                    options,
                    correct: one.clone(),
                }),
                [] => Err(problem("options", "mark the right option")),
                _ => Err(problem(
                    "options",
                    "one right option (for several, choose multiple response)",
                )),
            };
        }
        if right.is_empty() {
            return Err(problem("options", "mark at least one right option"));
        }
        Ok(QuestionKind::MultipleResponse {
            options,
            correct: right,
            scoring: if self.partial {
                MultiScoring::Partial
            } else {
                MultiScoring::AllOrNothing
            },
        })
    }
}

/// The kinds of gap the cloze form's gap editor writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GapType {
    #[default]
    Word,
    Number,
    Choice,
}

impl GapType {
    pub const ALL: [GapType; 3] = [GapType::Word, GapType::Number, GapType::Choice];

    /// Its value in the selector and its message id (`qform-gap-…`).
    pub fn name(self) -> &'static str {
        match self {
            GapType::Word => "word",
            GapType::Number => "number",
            GapType::Choice => "choice",
        }
    }

    pub fn from_name(name: &str) -> Option<GapType> {
        GapType::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// The gap editor: one gap described in fields, written into the text in the
/// cloze syntax (so a teacher need not learn it; the text stays the key).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GapForm {
    pub gap_type: GapType,
    /// Word: the accepted answers, one per line. Choice: the wrong options,
    /// one per line.
    pub answers: String,
    /// Choice: the right option. Number: the value.
    pub right: String,
    /// Number: the ± tolerance (empty: exact).
    pub tolerance: String,
}

impl GapForm {
    /// The gap in the cloze syntax, or what is wrong at which field
    /// (`gap-answers`, `gap-right`, `gap-tolerance`).
    pub fn syntax(&self) -> Result<String, FieldProblem> {
        // What would end the gap or split its alternatives cannot be in a text.
        let plain = |field: &str, t: &str| -> Result<(), FieldProblem> {
            if t.contains('|') || t.contains("]]") || t.contains("[[") {
                return Err(problem(
                    field,
                    format!("{t:?}: a gap's text cannot hold | or [[ ]]"),
                ));
            }
            Ok(())
        };
        match self.gap_type {
            GapType::Word => {
                let answers = lines(&self.answers);
                if answers.is_empty() {
                    return Err(problem("gap-answers", "at least one accepted answer"));
                }
                for a in &answers {
                    plain("gap-answers", a)?;
                }
                Ok(format!("[[{}]]", answers.join(" | ")))
            }
            GapType::Number => {
                // Written as typed (a decimal comma stays), once it reads.
                let value = self.right.trim();
                if parse_decimal(value).is_none() {
                    return Err(problem("gap-right", "a number, like 9.81 or 9,81"));
                }
                let tol = self.tolerance.trim();
                match parse_decimal(tol) {
                    _ if tol.is_empty() => Ok(format!("[[# {value}]]")),
                    Some(t) if t >= 0.0 => Ok(format!("[[# {value} ± {tol}]]")),
                    _ => Err(problem("gap-tolerance", "a number 0 or more, or empty")),
                }
            }
            GapType::Choice => {
                let right = self.right.trim();
                if right.is_empty() {
                    return Err(problem("gap-right", "the right option"));
                }
                plain("gap-right", right)?;
                let wrong = lines(&self.answers);
                if wrong.is_empty() {
                    return Err(problem("gap-answers", "at least one wrong option"));
                }
                for w in &wrong {
                    plain("gap-answers", w)?;
                    if w.starts_with('*') {
                        // The syntax's mark of the right option.
                        return Err(problem(
                            "gap-answers",
                            format!("{w:?}: a wrong option cannot start with *"),
                        ));
                    }
                }
                // The right option first is a giveaway only to the author: the
                // candidate's options are shuffled per attempt.
                let mut options = vec![format!("*{right}")];
                options.extend(wrong);
                Ok(format!("[[? {}]]", options.join(" | ")))
            }
        }
    }
}

/// `text` with `gap` written in at `at`, counted in UTF-16 units as a text
/// field's cursor (`selectionStart`) counts; past the end: appended.
pub fn insert_at(text: &str, at: usize, gap: &str) -> String {
    let mut units = 0;
    let mut byte = text.len();
    for (i, c) in text.char_indices() {
        if units >= at {
            byte = i;
            break;
        }
        units += c.len_utf16();
    }
    format!("{}{gap}{}", &text[..byte], &text[byte..])
}

/// A range `from..=to` as a key: its middle, give or take half its width
/// (`None` if `to < from`). Grading includes both ends.
fn between(from: f64, to: f64) -> Option<(f64, Tolerance)> {
    if !(from.is_finite() && to.is_finite()) || to < from {
        return None;
    }
    let half = (to - from) / 2.0;
    let middle = from + half;
    Some(if half == 0.0 {
        (middle, Tolerance::Exact)
    } else {
        (middle, Tolerance::Absolute(half))
    })
}

/// A number gap's key: `9,81 ± 0,1` (or `+-`, or no tolerance) or a range
/// `9,7 .. 9,9`.
fn gap_number(num: &str, field: &str) -> Result<(f64, Tolerance), FieldProblem> {
    let number = |b: &str| {
        parse_decimal(b).ok_or_else(|| problem(field, format!("{:?} is not a number", b.trim())))
    };
    if let Some((from, to)) = num.split_once("..") {
        return between(number(from)?, number(to)?)
            .ok_or_else(|| problem(field, "a range runs from the lower number to the higher"));
    }
    let (value, tol) = match num.split_once('±').or_else(|| num.split_once("+-")) {
        Some((v, t)) => (v, Some(t)),
        None => (num, None),
    };
    let value = number(value)?;
    let tolerance = match tol.map(parse_decimal) {
        None => Tolerance::Exact,
        Some(Some(t)) if t >= 0.0 => Tolerance::Absolute(t),
        Some(_) => return Err(problem(field, "the tolerance after ± is not a number")),
    };
    Ok((value, tolerance))
}

/// A cloze text's parts from the form's text (see the module documentation).
pub fn parse_cloze(text: &str) -> Result<Vec<ClozePart>, FieldProblem> {
    let mut parts = vec![];
    let mut rest = text;
    let mut n = 0;
    while let Some(open) = rest.find("[[") {
        n += 1;
        let field = format!("gap-{n}");
        if open > 0 {
            parts.push(ClozePart::Text {
                text: rest[..open].to_owned(),
            });
        }
        let after = &rest[open + 2..];
        let close = after
            .find("]]")
            .ok_or_else(|| problem(&field, "a gap opened with [[ is not closed with ]]"))?;
        let inner = after[..close].trim();
        rest = &after[close + 2..];
        let kind = if let Some(num) = inner.strip_prefix('#') {
            let (value, tolerance) = gap_number(num, &field)?;
            GapKind::Numeric {
                answers: vec![NumericAnswer {
                    value,
                    tolerance,
                    credit: 1.0,
                    feedback: None,
                }],
            }
        } else if let Some(choices) = inner.strip_prefix('?') {
            let mut options = vec![];
            for (i, c) in choices.split('|').map(str::trim).enumerate() {
                let (text, right) = match c.strip_prefix('*') {
                    Some(t) => (t.trim(), true),
                    None => (c, false),
                };
                if text.is_empty() {
                    return Err(problem(&field, format!("option {} has no text", i + 1)));
                }
                options.push(ScoredOption {
                    id: option_id(i),
                    text: text.to_owned(),
                    credit: if right { 1.0 } else { 0.0 },
                    feedback: None,
                });
            }
            match options.iter().filter(|o| o.credit > 0.0).count() {
                1 if options.len() >= 2 => {}
                1 => return Err(problem(&field, "a choice needs at least two options")),
                _ => {
                    return Err(problem(
                        &field,
                        "mark the one right option with *, as in [[? *Paris | Rome]]",
                    ))
                }
            }
            GapKind::Choice { options }
        } else {
            let answers: Vec<TextAnswer> = inner
                .split('|')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| TextAnswer {
                    pattern: a.to_owned(),
                    credit: 1.0,
                    feedback: None,
                })
                .collect();
            if answers.is_empty() {
                return Err(problem(
                    &field,
                    "an empty gap: write its answer inside [[ ]]",
                ));
            }
            GapKind::Text {
                answers,
                case_sensitive: false,
            }
        };
        parts.push(ClozePart::Gap(Gap {
            id: format!("g{n}"),
            weight: 1.0,
            kind,
        }));
    }
    if !rest.is_empty() {
        parts.push(ClozePart::Text {
            text: rest.to_owned(),
        });
    }
    if n == 0 {
        return Err(problem("cloze", "no gap: write each as [[answer]]"));
    }
    Ok(parts)
}

/// The form's text of a cloze, when every gap is of a kind the syntax writes.
fn cloze_text(parts: &[ClozePart]) -> Option<String> {
    let mut out = String::new();
    for p in parts {
        match p {
            ClozePart::Text { text } => out.push_str(text),
            ClozePart::Gap(g) => {
                let inner = match &g.kind {
                    GapKind::Text {
                        answers,
                        case_sensitive: false,
                    } if answers.iter().all(|a| a.credit == 1.0) => answers
                        .iter()
                        .map(|a| a.pattern.clone())
                        .collect::<Vec<_>>()
                        .join(" | "),
                    GapKind::Numeric { answers } => match answers.as_slice() {
                        [a] if a.credit == 1.0 => match a.tolerance {
                            Tolerance::Exact => format!("# {}", a.value),
                            Tolerance::Absolute(t) => format!("# {} ± {t}", a.value),
                            Tolerance::Relative(_) => return None,
                        },
                        _ => return None,
                    },
                    GapKind::Choice { options }
                        if options.iter().filter(|o| o.credit == 1.0).count() == 1
                            && options.iter().all(|o| o.credit == 0.0 || o.credit == 1.0) =>
                    {
                        format!(
                            "? {}",
                            options
                                .iter()
                                .map(|o| if o.credit == 1.0 {
                                    format!("*{}", o.text)
                                } else {
                                    o.text.clone()
                                })
                                .collect::<Vec<_>>()
                                .join(" | ")
                        )
                    }
                    _ => return None,
                };
                out.push_str(&format!("[[{inner}]]"));
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(t: FormType, rows: &[(&str, bool)]) -> KindForm {
        KindForm {
            options: rows
                .iter()
                .map(|(text, right)| OptionRow {
                    text: (*text).into(),
                    right: *right,
                    feedback: String::new(),
                })
                .collect(),
            ..KindForm::new(t)
        }
    }

    /// Every type: the form makes a key, and the key shows in the form again.
    fn round_trip(f: &KindForm) -> QuestionKind {
        let k = f
            .to_kind()
            .unwrap_or_else(|p| panic!("{:?}: {p:?}", f.form_type));
        let again = KindForm::of(&k).unwrap_or_else(|| panic!("{k:?}"));
        assert_eq!(again.to_kind(), Ok(k.clone()), "{:?}", f.form_type);
        k
    }

    #[test]
    fn single_choice_needs_one_right_option_of_two_or_more() {
        let k = round_trip(&choice(
            FormType::SingleChoice,
            &[("Venus", false), ("", false), ("Mercury", true)],
        ));
        let QuestionKind::SingleChoice { options, correct } = k else {
            panic!()
        };
        assert_eq!(options.len(), 2, "an empty row is left out");
        assert_eq!(
            (correct.as_str(), options[1].text.as_str()),
            ("b", "Mercury")
        );
        let p = choice(FormType::SingleChoice, &[("A", false), ("B", false)])
            .to_kind()
            .unwrap_err();
        assert_eq!(p.field, "options");
        let p = choice(FormType::SingleChoice, &[("A", true), ("B", true)])
            .to_kind()
            .unwrap_err();
        assert!(p.message.contains("multiple response"), "{p:?}");
        let p = choice(FormType::SingleChoice, &[("A", false), ("", true)])
            .to_kind()
            .unwrap_err();
        assert_eq!(p.field, "option-2");
        let p = choice(FormType::SingleChoice, &[("A", true)])
            .to_kind()
            .unwrap_err();
        assert_eq!(p.message, "at least two options");
    }

    #[test]
    fn feedback_on_a_single_choices_options_keeps_it_through_the_form() {
        let mut f = choice(
            FormType::SingleChoice,
            &[("Venus", false), ("Mercury", true)],
        );
        f.options[0].feedback = " Venus is second. ".into();
        let k = round_trip(&f);
        let QuestionKind::WeightedChoice { options, multiple } = &k else {
            panic!("{k:?}")
        };
        assert!(!multiple);
        assert_eq!(options[0].feedback.as_deref(), Some("Venus is second."));
        assert_eq!(
            (
                options[0].credit,
                options[1].credit,
                options[1].feedback.clone()
            ),
            (0.0, 1.0, None)
        );
        assert_eq!(
            KindForm::of(&k).unwrap().options[0].feedback,
            "Venus is second."
        );
    }

    #[test]
    fn multiple_response_with_partial_credit() {
        let mut f = choice(
            FormType::MultipleResponse,
            &[("2", true), ("9", false), ("13", true)],
        );
        f.partial = true;
        let k = round_trip(&f);
        assert_eq!(
            k,
            QuestionKind::MultipleResponse {
                options: vec![
                    ChoiceOption {
                        id: "a".into(),
                        text: "2".into()
                    },
                    ChoiceOption {
                        id: "b".into(),
                        text: "9".into()
                    },
                    ChoiceOption {
                        id: "c".into(),
                        text: "13".into()
                    },
                ],
                correct: vec!["a".into(), "c".into()],
                scoring: MultiScoring::Partial,
            }
        );
        assert_eq!(
            choice(FormType::MultipleResponse, &[("a", false), ("b", false)])
                .to_kind()
                .unwrap_err()
                .field,
            "options"
        );
    }

    #[test]
    fn true_false_numeric_short_text_and_essay() {
        let tf = KindForm {
            true_false: false,
            ..KindForm::new(FormType::TrueFalse)
        };
        assert_eq!(round_trip(&tf), QuestionKind::TrueFalse { correct: false });
        let num = KindForm {
            value: "9,81".into(),
            tolerance: "0,1".into(),
            ..KindForm::new(FormType::Numeric)
        };
        assert_eq!(
            round_trip(&num),
            QuestionKind::Numeric {
                value: 9.81,
                tolerance: Tolerance::Absolute(0.1)
            }
        );
        let exact = KindForm {
            value: "-3".into(),
            ..KindForm::new(FormType::Numeric)
        };
        assert_eq!(
            exact.to_kind(),
            Ok(QuestionKind::Numeric {
                value: -3.0,
                tolerance: Tolerance::Exact
            })
        );
        for (value, tolerance, field) in [
            ("", "", "value"),
            ("1,2,3", "", "value"),
            ("1", "-1", "tolerance"),
            ("1", "x", "tolerance"),
        ] {
            let f = KindForm {
                value: value.into(),
                tolerance: tolerance.into(),
                ..KindForm::new(FormType::Numeric)
            };
            assert_eq!(
                f.to_kind().unwrap_err().field,
                field,
                "{value:?} {tolerance:?}"
            );
        }
        let st = KindForm {
            accepted: "Na\n\n  sodium* \n".into(),
            case_sensitive: true,
            ..KindForm::new(FormType::ShortText)
        };
        assert_eq!(
            round_trip(&st),
            QuestionKind::ShortText {
                accepted: vec!["Na".into(), "sodium*".into()],
                case_sensitive: true
            }
        );
        assert_eq!(
            KindForm::new(FormType::ShortText)
                .to_kind()
                .unwrap_err()
                .field,
            "accepted"
        );
        assert_eq!(
            round_trip(&KindForm::new(FormType::Essay)),
            QuestionKind::essay()
        );
        let guided = KindForm {
            guidance: "  One mark per cause named.\n".into(),
            ..KindForm::new(FormType::Essay)
        };
        assert_eq!(
            round_trip(&guided),
            QuestionKind::Essay {
                guidance: Some("One mark per cause named.".into())
            }
        );
        let long = KindForm {
            guidance: "x".repeat(examhall_protocol::MAX_GUIDANCE_CHARS + 1),
            ..KindForm::new(FormType::Essay)
        };
        assert_eq!(long.to_kind().unwrap_err().field, "guidance");
    }

    #[test]
    fn a_numeric_range_accepts_both_ends_and_shows_as_value_and_tolerance() {
        let range = |from: &str, to: &str| KindForm {
            range: true,
            from: from.into(),
            to: to.into(),
            ..KindForm::new(FormType::Numeric)
        };
        let k = round_trip(&range("9,7", "9,9"));
        let QuestionKind::Numeric {
            value,
            tolerance: Tolerance::Absolute(t),
        } = k
        else {
            panic!("{k:?}")
        };
        assert!(
            (value - 9.8).abs() < 1e-9 && (t - 0.1).abs() < 1e-9,
            "{k:?}"
        );
        let (lo, hi) = range("9,7", "9,9").accepts().unwrap();
        assert!((lo - 9.7).abs() < 1e-9 && (hi - 9.9).abs() < 1e-9);
        // Read back, the same key shows as value ± tolerance and accepts the same.
        let back = KindForm::of(&k).unwrap();
        assert!(!back.range);
        let (blo, bhi) = back.accepts().unwrap();
        assert!((blo - lo).abs() < 1e-9 && (bhi - hi).abs() < 1e-9);
        assert_eq!(
            range("-2", "-2").to_kind(),
            Ok(QuestionKind::Numeric {
                value: -2.0,
                tolerance: Tolerance::Exact
            })
        );
        for (from, to, field) in [("", "1", "from"), ("1", "x", "to"), ("5", "4", "to")] {
            assert_eq!(
                range(from, to).to_kind().unwrap_err().field,
                field,
                "{from:?}..{to:?}"
            );
        }
    }

    #[test]
    fn matching_and_ordering() {
        let m = KindForm {
            pairs: vec![
                PairRow {
                    item: "France".into(),
                    answer: "Paris".into(),
                },
                PairRow::default(),
                PairRow {
                    item: "Italy".into(),
                    answer: "Rome".into(),
                },
            ],
            distractors: "Madrid\n".into(),
            ..KindForm::new(FormType::Matching)
        };
        let QuestionKind::Matching {
            pairs, distractors, ..
        } = round_trip(&m)
        else {
            panic!()
        };
        assert_eq!(pairs.len(), 2);
        assert_eq!(
            (pairs[1].prompt.as_str(), pairs[1].answer.as_str()),
            ("Italy", "Rome")
        );
        assert_eq!(distractors, vec!["Madrid"]);
        let half = KindForm {
            pairs: vec![PairRow {
                item: "Spain".into(),
                answer: String::new(),
            }],
            ..KindForm::new(FormType::Matching)
        };
        assert_eq!(half.to_kind().unwrap_err().field, "pair-1");
        let o = KindForm {
            items: "Mercury\nVenus\nEarth".into(),
            by_position: true,
            ..KindForm::new(FormType::Ordering)
        };
        let QuestionKind::Ordering { items, scoring } = round_trip(&o) else {
            panic!()
        };
        assert_eq!(items[2].text, "Earth");
        assert_eq!(scoring, OrderScoring::ByPosition);
        let one = KindForm {
            items: "Mercury".into(),
            ..KindForm::new(FormType::Ordering)
        };
        assert_eq!(one.to_kind().unwrap_err().field, "items");
    }

    #[test]
    fn cloze_gaps_of_text_number_and_choice() {
        let f = KindForm {
            cloze: "The capital of France is [[Paris|paris]]; g is [[# 9,81 ± 0,1]] m/s²; \
                    Rome is in [[? *Italy | Spain]]."
                .into(),
            ..KindForm::new(FormType::Cloze)
        };
        let QuestionKind::Cloze { parts } = round_trip(&f) else {
            panic!()
        };
        let gaps: Vec<&Gap> = parts
            .iter()
            .filter_map(|p| match p {
                ClozePart::Gap(g) => Some(g),
                _ => None,
            })
            .collect();
        assert_eq!(gaps.len(), 3);
        assert!(matches!(&gaps[0].kind, GapKind::Text { answers, .. } if answers.len() == 2));
        assert!(matches!(&gaps[1].kind, GapKind::Numeric { answers }
            if answers[0].value == 9.81 && answers[0].tolerance == Tolerance::Absolute(0.1)));
        assert!(matches!(&gaps[2].kind, GapKind::Choice { options }
            if options[0].credit == 1.0 && options[1].text == "Spain"));
        assert!(
            matches!(&parts[0], ClozePart::Text { text } if text == "The capital of France is ")
        );
        let QuestionKind::Cloze { parts } = round_trip(&KindForm {
            cloze: "g is [[# 9,7 .. 9,9]].".into(),
            ..KindForm::new(FormType::Cloze)
        }) else {
            panic!()
        };
        assert!(
            matches!(&parts[1], ClozePart::Gap(Gap { kind: GapKind::Numeric { answers }, .. })
            if (answers[0].value - 9.8).abs() < 1e-9
                && matches!(answers[0].tolerance, Tolerance::Absolute(t) if (t - 0.1).abs() < 1e-9)),
            "{parts:?}"
        );
        for (text, field, says) in [
            ("No gap here.", "cloze", "no gap"),
            ("[[# 2 .. 1]]", "gap-1", "lower number"),
            ("[[# 1 .. two]]", "gap-1", "not a number"),
            ("A [[Paris", "gap-1", "not closed"),
            ("A [[x]] and [[ ]]", "gap-2", "empty gap"),
            ("[[# nine]]", "gap-1", "not a number"),
            ("[[? Italy | Spain]]", "gap-1", "mark the one right"),
            ("[[? *Italy]]", "gap-1", "two options"),
        ] {
            let p = parse_cloze(text).unwrap_err();
            assert_eq!(p.field, field, "{text}");
            assert!(p.message.contains(says), "{text}: {p:?}");
        }
    }

    #[test]
    fn the_gap_editor_writes_gaps_the_cloze_reads() {
        let gap = |t: GapType, answers: &str, right: &str, tolerance: &str| GapForm {
            gap_type: t,
            answers: answers.into(),
            right: right.into(),
            tolerance: tolerance.into(),
        };
        let word = gap(GapType::Word, "Paris\n\n paris \n", "", "")
            .syntax()
            .unwrap();
        let number = gap(GapType::Number, "", "9,81", "0,1").syntax().unwrap();
        let exact = gap(GapType::Number, "", "-3", "").syntax().unwrap();
        let choice = gap(GapType::Choice, "Espagne\nGrèce", "Italie", "")
            .syntax()
            .unwrap();
        assert_eq!(word, "[[Paris | paris]]");
        assert_eq!(choice, "[[? *Italie | Espagne | Grèce]]");
        // Written into a text at the cursor (characters, not bytes), each reads back.
        let text = insert_at("Où ? ", 3, &word);
        assert_eq!(text, format!("Où {word}? "));
        assert_eq!(
            insert_at("😀x", 2, "[[a]]"),
            "😀[[a]]x",
            "an emoji is two units"
        );
        let text = insert_at(&format!("{text} g = "), 1000, &number);
        let text = insert_at(&format!("{text}; n = "), 1000, &exact);
        let text = insert_at(&format!("{text}; Rome : "), 1000, &choice);
        let parts = parse_cloze(&text).unwrap();
        let kinds: Vec<&GapKind> = parts
            .iter()
            .filter_map(|p| match p {
                ClozePart::Gap(g) => Some(&g.kind),
                _ => None,
            })
            .collect();
        assert!(matches!(kinds[0], GapKind::Text { answers, .. } if answers.len() == 2));
        assert!(matches!(kinds[1], GapKind::Numeric { answers }
            if answers[0].value == 9.81 && answers[0].tolerance == Tolerance::Absolute(0.1)));
        assert!(matches!(kinds[2], GapKind::Numeric { answers }
            if answers[0].value == -3.0 && answers[0].tolerance == Tolerance::Exact));
        assert!(matches!(kinds[3], GapKind::Choice { options }
            if options.len() == 3 && options[0].credit == 1.0 && options[0].text == "Italie"));
        for (g, field) in [
            (gap(GapType::Word, " \n", "", ""), "gap-answers"),
            (gap(GapType::Word, "a|b", "", ""), "gap-answers"),
            (gap(GapType::Word, "x]]y", "", ""), "gap-answers"),
            (gap(GapType::Number, "", "neuf", ""), "gap-right"),
            (gap(GapType::Number, "", "9", "-1"), "gap-tolerance"),
            (gap(GapType::Choice, "Rome", "", ""), "gap-right"),
            (gap(GapType::Choice, "", "Rome", ""), "gap-answers"),
            (gap(GapType::Choice, "Paris", "Ro|me", ""), "gap-right"),
            (gap(GapType::Choice, "*Paris", "Rome", ""), "gap-answers"),
        ] {
            assert_eq!(g.syntax().unwrap_err().field, field, "{g:?}");
        }
    }

    #[test]
    fn keys_the_forms_cannot_show_stay_in_json() {
        let weighted = QuestionKind::WeightedChoice {
            options: vec![],
            multiple: false,
        };
        assert_eq!(KindForm::of(&weighted), None);
        let relative = QuestionKind::Numeric {
            value: 1.0,
            tolerance: Tolerance::Relative(0.1),
        };
        assert_eq!(KindForm::of(&relative), None);
        for t in FormType::ALL {
            assert_eq!(FormType::from_name(t.name()), Some(t));
        }
    }
}
