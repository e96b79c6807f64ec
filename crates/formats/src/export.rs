//! Writing questions out: Examhall's lossless JSON form, and GIFT for the types
//! GIFT can express. Reading the output back gives the same items
//! (`import(export(x)) == x`, property-tested in `tests/roundtrip.rs`).

use crate::items::{option_id, ImportedItem, TextFormat};
use examhall_domain::{QuestionKind, Tolerance};
use serde::{Deserialize, Serialize};

/// The lossless JSON form: a bank's items with everything Examhall keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankFile {
    /// Always `examhall-bank`.
    pub format: String,
    /// 1.
    pub version: u32,
    pub items: Vec<BankItem>,
}

/// One item of the JSON form (an `ImportedItem` without its place in a file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankItem {
    #[serde(default)]
    pub category: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub text_format: TextFormat,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general_feedback: Option<String>,
    pub question: examhall_domain::Question,
}

pub const BANK_FORMAT: &str = "examhall-bank";

pub fn to_json(items: &[ImportedItem]) -> String {
    let file = BankFile {
        format: BANK_FORMAT.into(),
        version: 1,
        items: items
            .iter()
            .map(|i| BankItem {
                category: i.category.clone(),
                title: i.title.clone(),
                tags: i.tags.clone(),
                text_format: i.text_format,
                general_feedback: i.general_feedback.clone(),
                question: i.question.clone(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&file).expect("questions serialise")
}

/// Why a question cannot be written in a format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("question {id}: {problem}")]
pub struct ExportError {
    pub id: String,
    pub problem: String,
}

/// GIFT's escapes for text: `\ ~ = # { } :` and also `%` and `>` (so a weight
/// or a matching arrow is never read into the text), and `\n` for a line break.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '~' | '=' | '#' | '{' | '}' | ':' | '%' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// A number written so it reads back exactly.
fn num(x: f64) -> String {
    format!("{x}")
}

/// A credit (0.5) as a GIFT weight (`%50%`), rounded so it reads back exactly.
fn weight(credit: f64) -> String {
    let pct = (credit * 100.0 * 1e7).round() / 1e7;
    format!("%{}%", num(pct))
}

fn feedback(f: &Option<String>) -> String {
    f.as_ref()
        .map(|f| format!("#{}", esc(f)))
        .unwrap_or_default()
}

fn tol(t: Tolerance, id: &str) -> Result<String, ExportError> {
    match t {
        Tolerance::Exact => Ok(String::new()),
        Tolerance::Absolute(t) => Ok(format!(":{}", num(t))),
        Tolerance::Relative(_) => Err(ExportError {
            id: id.into(),
            problem: "GIFT has no relative (percentage) tolerance".into(),
        }),
    }
}

/// GIFT numbers options itself (a, b, c… on import): other ids would not survive.
fn lettered<'a>(ids: impl Iterator<Item = &'a str>) -> Result<(), &'static str> {
    for (i, id) in ids.enumerate() {
        if id != option_id(i) {
            return Err("option ids are not a, b, c…: GIFT would renumber them");
        }
    }
    Ok(())
}

/// Writes the items as GIFT. Marks, penalties and tags are not part of GIFT and
/// are left out; every other difference is an error naming the question.
pub fn to_gift(items: &[ImportedItem]) -> Result<String, ExportError> {
    let mut out = String::new();
    let mut category: Vec<String> = vec![];
    for item in items {
        let q = &item.question;
        let id = q.id.as_str();
        let fail = |problem: &str| ExportError {
            id: id.into(),
            problem: problem.into(),
        };
        if item.category != category {
            if item.category.is_empty() {
                return Err(fail(
                    "GIFT cannot return to no category after a $CATEGORY line; export it first",
                ));
            }
            out.push_str(&format!("$CATEGORY: {}\n\n", item.category.join("/")));
            category = item.category.clone();
        }
        // Tags as Moodle's GIFT export writes them: in a comment line.
        let tags: Vec<String> = item
            .tags
            .iter()
            .filter(|t| !t.is_empty() && !t.contains(']') && !t.contains('\n'))
            .map(|t| format!("[tag:{t}]"))
            .collect();
        if tags.len() != item.tags.len() {
            return Err(fail("a tag holds ] or a line break, which GIFT cannot say"));
        }
        if !tags.is_empty() {
            out.push_str(&format!("// {}\n", tags.join(" ")));
        }
        if let Some(t) = &item.title {
            out.push_str(&format!("::{}::", esc(t)));
        }
        out.push_str(match item.text_format {
            TextFormat::Plain => "[plain]",
            TextFormat::Html => "[html]",
            TextFormat::Markdown => "[markdown]",
            TextFormat::Moodle => "[moodle]",
        });
        out.push_str(&esc(&q.prompt));
        let block = match &q.kind {
            QuestionKind::Essay { guidance: None } => String::new(),
            QuestionKind::Essay { guidance: Some(_) } => return Err(fail(
                "GIFT has no place for an essay's marking guidance (Moodle XML, QTI and JSON keep it)",
            )),
            QuestionKind::TrueFalse { correct } => if *correct { "TRUE" } else { "FALSE" }.into(),
            QuestionKind::SingleChoice { options, correct } => {
                lettered(options.iter().map(|o| o.id.as_str())).map_err(&fail)?;
                options
                    .iter()
                    .map(|o| {
                        format!(
                            "{}{}",
                            if &o.id == correct { "=" } else { "~" },
                            esc(&o.text)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            QuestionKind::WeightedChoice { options, multiple } => {
                lettered(options.iter().map(|o| o.id.as_str())).map_err(&fail)?;
                options
                    .iter()
                    .map(|o| {
                        // One pick: its full-marks answers written `=`, since a
                        // choice with no `=` reads back (as in Moodle) as check boxes.
                        if !multiple && o.credit == 1.0 {
                            format!("={}{}", esc(&o.text), feedback(&o.feedback))
                        } else {
                            format!(
                                "~{}{}{}",
                                weight(o.credit),
                                esc(&o.text),
                                feedback(&o.feedback)
                            )
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            QuestionKind::ShortText {
                accepted,
                case_sensitive: false,
            } => accepted
                .iter()
                .map(|a| format!("={}", esc(a)))
                .collect::<Vec<_>>()
                .join(" "),
            QuestionKind::TextSet {
                answers,
                case_sensitive: false,
            } => answers
                .iter()
                .map(|a| {
                    format!(
                        "={}{}{}",
                        weight(a.credit),
                        esc(&a.pattern),
                        feedback(&a.feedback)
                    )
                })
                .collect::<Vec<_>>()
                .join(" "),
            QuestionKind::Numeric { value, tolerance } => {
                format!("#{}{}", num(*value), tol(*tolerance, id)?)
            }
            QuestionKind::NumericSet { answers } => {
                let mut s = String::from("#");
                for a in answers {
                    s.push_str(&format!(
                        "={}{}{}{} ",
                        weight(a.credit),
                        num(a.value),
                        tol(a.tolerance, id)?,
                        feedback(&a.feedback)
                    ));
                }
                s.trim_end().to_owned()
            }
            QuestionKind::Matching {
                pairs,
                distractors,
                scores,
            } => {
                if scores.is_some() {
                    return Err(fail(
                        "its pairs are worth different amounts: GIFT matching gives every pair an equal share",
                    ));
                }
                for (i, p) in pairs.iter().enumerate() {
                    if p.id != format!("m{}", i + 1) {
                        return Err(fail("pair ids are not m1, m2…: GIFT would renumber them"));
                    }
                }
                pairs
                    .iter()
                    .map(|p| format!("={} -> {}", esc(&p.prompt), esc(&p.answer)))
                    .chain(distractors.iter().map(|d| format!("= -> {}", esc(d))))
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            QuestionKind::ShortText { .. } | QuestionKind::TextSet { .. } => {
                return Err(fail("GIFT short answers are never case-sensitive"))
            }
            QuestionKind::MultipleResponse { .. } => {
                return Err(fail(
                    "GIFT cannot say all-or-nothing multiple response; give the options weights",
                ))
            }
            // Moodle's ordering GIFT: settings, then one item per line in order.
            QuestionKind::Ordering { items, scoring } => {
                lettered(items.iter().map(|o| o.id.as_str())).map_err(&fail)?;
                let grading = match scoring {
                    examhall_domain::OrderScoring::Exact => "ALL_OR_NOTHING",
                    examhall_domain::OrderScoring::ByPosition => "ABSOLUTE_POSITION",
                };
                let mut block = format!(">{} ALL VERTICAL {grading}\n", items.len());
                for item in items {
                    block.push_str(&esc(&item.text));
                    block.push('\n');
                }
                block
            }
            QuestionKind::Cloze { .. } => return Err(fail("GIFT has no cloze questions")),
            QuestionKind::Calculated { .. } => {
                return Err(fail("GIFT has no calculated questions"))
            }
        };
        let general = item
            .general_feedback
            .as_ref()
            .map(|g| format!(" ####{}", esc(g)))
            .unwrap_or_default();
        out.push_str(&format!("{{{block}{general}}}\n\n"));
    }
    Ok(out)
}
