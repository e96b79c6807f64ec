//! Moodle's Aiken format (<https://docs.moodle.org/en/Aiken_format>): one
//! multiple-choice question per block.
//!
//! ```text
//! What is the correct answer to this question?
//! A. Is it this one?
//! B. Maybe this answer?
//! C. Possibly this one?
//! D. Must be this one!
//! ANSWER: D
//! ```
//!
//! The question is everything before the first option. Options are lettered in
//! order from A, each `A.` or `A)` followed by the text (a space between them
//! is usual but optional, as Moodle reads it). The block ends with
//! `ANSWER: <letter>`, which must name one of its options. Blank lines between
//! questions are optional. Every error names its line; a question with an error is
//! left out and the rest are still read.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AikenQuestion {
    /// The line the question starts on.
    pub line: usize,
    pub text: String,
    pub options: Vec<String>,
    /// Index into `options` of the right one.
    pub answer: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct AikenError {
    pub line: usize,
    pub message: String,
}

/// `A. text` / `A) text` with the expected letter → the text. The space after
/// the `.` or `)` is optional, as in Moodle's reader (`A)text`).
fn option(line: &str, letter: char) -> Option<&str> {
    let mut chars = line.chars();
    if chars.next()? != letter {
        return None;
    }
    let rest = chars.as_str();
    rest.strip_prefix('.')
        .or_else(|| rest.strip_prefix(')'))
        .map(str::trim)
}

/// Whether a line looks like an option with any letter (to report a letter out of order).
fn any_option(line: &str) -> Option<char> {
    let mut chars = line.chars();
    let c = chars.next()?;
    let rest = chars.as_str();
    (c.is_ascii_uppercase() && (rest.starts_with(". ") || rest.starts_with(") "))).then_some(c)
}

/// Reads a whole Aiken file.
pub fn parse(src: &str) -> (Vec<AikenQuestion>, Vec<AikenError>) {
    let mut questions = Vec::new();
    let mut errors = Vec::new();
    // (start line, question text lines, options, a block already broken)
    let mut start = 0;
    let mut text: Vec<String> = Vec::new();
    let mut options: Vec<String> = Vec::new();
    let mut broken = false;
    let reset = |text: &mut Vec<String>, options: &mut Vec<String>, broken: &mut bool| {
        text.clear();
        options.clear();
        *broken = false;
    };
    for (i, raw) in src.lines().enumerate() {
        let n = i + 1;
        let line = raw.strip_prefix('\u{feff}').unwrap_or(raw).trim();
        if line.is_empty() {
            if !text.is_empty() && !broken {
                errors.push(AikenError {
                    line: start,
                    message: "the question ends without an ANSWER: line".into(),
                });
            }
            reset(&mut text, &mut options, &mut broken);
            continue;
        }
        if text.is_empty() && options.is_empty() {
            start = n;
        }
        if let Some(ans) = line.strip_prefix("ANSWER:") {
            if !broken {
                let a = ans.trim();
                let index = a
                    .chars()
                    .next()
                    .filter(|c| a.len() == 1 && c.is_ascii_uppercase())
                    .map(|c| (c as u8 - b'A') as usize);
                if text.is_empty() {
                    errors.push(AikenError {
                        line: n,
                        message: "ANSWER: without a question before it".into(),
                    });
                } else if options.len() < 2 {
                    errors.push(AikenError {
                        line: n,
                        message: format!(
                            "expected at least two options (A. …, B. …) before ANSWER:, found {}",
                            options.len()
                        ),
                    });
                } else {
                    match index.filter(|&k| k < options.len()) {
                        Some(answer) => questions.push(AikenQuestion {
                            line: start,
                            text: text.join("\n"),
                            options: options.clone(),
                            answer,
                        }),
                        None => errors.push(AikenError {
                            line: n,
                            message: format!(
                                "ANSWER: \"{a}\" is not one of the options A to {}",
                                (b'A' + options.len() as u8 - 1) as char
                            ),
                        }),
                    }
                }
            }
            reset(&mut text, &mut options, &mut broken);
            continue;
        }
        if broken {
            continue;
        }
        let next = (b'A' + options.len().min(25) as u8) as char;
        if let Some(t) = option(line, next) {
            if text.is_empty() {
                errors.push(AikenError {
                    line: n,
                    message: "an option before any question text".into(),
                });
                broken = true;
            } else if t.is_empty() {
                errors.push(AikenError {
                    line: n,
                    message: format!("option {next} has no text"),
                });
                broken = true;
            } else {
                options.push(t.to_owned());
            }
        } else if let Some(c) = any_option(line).filter(|_| !options.is_empty()) {
            errors.push(AikenError {
                line: n,
                message: format!("expected option {next}, found option {c}"),
            });
            broken = true;
        } else if options.is_empty() {
            text.push(line.to_owned());
        } else {
            errors.push(AikenError {
                line: n,
                message: format!("expected option {next} or the ANSWER: line"),
            });
            broken = true;
        }
    }
    if !text.is_empty() && !broken {
        errors.push(AikenError {
            line: start,
            message: "the question ends without an ANSWER: line".into(),
        });
    }
    (questions, errors)
}
