//! Questions as authored, with their keys. Keys never leave the backend: the
//! candidate-facing shapes live in `examhall-protocol` and are built from these
//! by an exhaustive match that has nowhere to put a key.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QuestionId(String);

impl QuestionId {
    /// 1 to 64 characters of `A-Z a-z 0-9 _ -`.
    pub fn parse(raw: &str) -> Option<QuestionId> {
        let ok = (1..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        ok.then(|| QuestionId(raw.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChoiceOption {
    pub id: String,
    pub text: String,
}

/// How a multiple-response question is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MultiScoring {
    /// Full marks only for exactly the correct set.
    AllOrNothing,
    /// Each correct pick earns `marks / #correct`; each wrong pick loses
    /// `marks / #incorrect options`; the question's score is floored at 0, so
    /// ticking every box earns nothing.
    Partial,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Tolerance {
    Exact,
    /// Accept `|x - value| <= t`.
    Absolute(f64),
    /// Accept `|x - value| <= r * |value|` (r = 0.05 is ±5%).
    Relative(f64),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    SingleChoice {
        options: Vec<ChoiceOption>,
        correct: String,
    },
    MultipleResponse {
        options: Vec<ChoiceOption>,
        correct: Vec<String>,
        scoring: MultiScoring,
    },
    TrueFalse {
        correct: bool,
    },
    Numeric {
        value: f64,
        tolerance: Tolerance,
    },
    ShortText {
        /// Accepted answers; `*` matches any run of characters.
        accepted: Vec<String>,
        case_sensitive: bool,
    },
    /// Marked by a teacher; never auto-graded.
    Essay,
}

impl QuestionKind {
    pub fn type_name(&self) -> &'static str {
        match self {
            QuestionKind::SingleChoice { .. } => "single choice",
            QuestionKind::MultipleResponse { .. } => "multiple response",
            QuestionKind::TrueFalse { .. } => "true/false",
            QuestionKind::Numeric { .. } => "numeric",
            QuestionKind::ShortText { .. } => "short text",
            QuestionKind::Essay => "essay",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: QuestionId,
    pub prompt: String,
    pub marks: f64,
    /// Marks taken away for a wrong answer when the exam uses negative marking.
    #[serde(default)]
    pub penalty: f64,
    pub kind: QuestionKind,
}

/// What a candidate has given for one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Single choice (option id), true/false ("true"/"false"), numeric, short text, essay.
    Text(String),
    /// Multiple response: the ids of the ticked options.
    Choices(Vec<String>),
}

impl Answer {
    /// Longest answer accepted from a candidate (an essay of a few thousand words).
    pub const MAX_TEXT_BYTES: usize = 64 * 1024;

    pub fn is_blank(&self) -> bool {
        match self {
            Answer::Text(t) => t.trim().is_empty(),
            Answer::Choices(c) => c.is_empty(),
        }
    }
}

/// Why an answer cannot be stored for a question (its shape, not its correctness).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("this question takes {expected}")]
    WrongShape { expected: &'static str },
    #[error("{0:?} is not one of this question's options")]
    UnknownOption(String),
    #[error("the answer is longer than {max} bytes", max = Answer::MAX_TEXT_BYTES)]
    TooLong,
}

impl Question {
    /// Checks that `answer` has a shape this question can take. Correctness is
    /// the grader's business; this only keeps nonsense out of the log.
    pub fn check_answer(&self, answer: &Answer) -> Result<(), AnswerError> {
        let is_option = |opts: &[ChoiceOption], id: &str| opts.iter().any(|o| o.id == id);
        match (&self.kind, answer) {
            (QuestionKind::MultipleResponse { options, .. }, Answer::Choices(ids)) => {
                match ids.iter().find(|id| !is_option(options, id)) {
                    Some(bad) => Err(AnswerError::UnknownOption(bad.clone())),
                    None => Ok(()),
                }
            }
            (QuestionKind::MultipleResponse { .. }, Answer::Text(_)) => {
                Err(AnswerError::WrongShape {
                    expected: "a list of option ids",
                })
            }
            (_, Answer::Choices(_)) => Err(AnswerError::WrongShape {
                expected: "a single text value",
            }),
            (_, Answer::Text(t)) if t.len() > Answer::MAX_TEXT_BYTES => Err(AnswerError::TooLong),
            (QuestionKind::SingleChoice { options, .. }, Answer::Text(t)) => {
                if t.is_empty() || is_option(options, t) {
                    Ok(())
                } else {
                    Err(AnswerError::UnknownOption(t.clone()))
                }
            }
            (QuestionKind::TrueFalse { .. }, Answer::Text(t)) => {
                match t.trim().to_lowercase().as_str() {
                    "" | "true" | "false" => Ok(()),
                    _ => Err(AnswerError::WrongShape {
                        expected: "true or false",
                    }),
                }
            }
            (QuestionKind::Numeric { .. }, Answer::Text(t)) if t.len() > 64 => {
                Err(AnswerError::TooLong)
            }
            (
                QuestionKind::Numeric { .. } | QuestionKind::ShortText { .. } | QuestionKind::Essay,
                Answer::Text(_),
            ) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_of_the_wrong_shape_are_refused() {
        let opts = vec![
            ChoiceOption {
                id: "a".into(),
                text: "A".into(),
            },
            ChoiceOption {
                id: "b".into(),
                text: "B".into(),
            },
        ];
        let q = |kind| Question {
            id: QuestionId::parse("q").unwrap(),
            prompt: "p".into(),
            marks: 1.0,
            penalty: 0.0,
            kind,
        };
        let single = q(QuestionKind::SingleChoice {
            options: opts.clone(),
            correct: "a".into(),
        });
        let multi = q(QuestionKind::MultipleResponse {
            options: opts,
            correct: vec!["a".into()],
            scoring: MultiScoring::AllOrNothing,
        });
        let tf = q(QuestionKind::TrueFalse { correct: true });
        let essay = q(QuestionKind::Essay);
        let text = |s: &str| Answer::Text(s.into());
        assert_eq!(single.check_answer(&text("b")), Ok(()));
        assert_eq!(
            single.check_answer(&text("z")),
            Err(AnswerError::UnknownOption("z".into()))
        );
        assert!(single
            .check_answer(&Answer::Choices(vec!["a".into()]))
            .is_err());
        assert_eq!(
            multi.check_answer(&Answer::Choices(vec!["a".into(), "b".into()])),
            Ok(())
        );
        assert!(multi
            .check_answer(&Answer::Choices(vec!["x".into()]))
            .is_err());
        assert!(multi.check_answer(&text("a")).is_err());
        assert_eq!(tf.check_answer(&text("True")), Ok(()));
        assert!(tf.check_answer(&text("maybe")).is_err());
        assert_eq!(
            essay.check_answer(&text(&"x".repeat(Answer::MAX_TEXT_BYTES + 1))),
            Err(AnswerError::TooLong)
        );
    }
}
