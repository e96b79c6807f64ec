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
            && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
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
