//! Exam statistics with polars, using the formulas Moodle documents for its quiz
//! statistics report: summary figures, test reliability (Cronbach's α, error ratio,
//! standard error of measurement) and item analysis (facility, discrimination index,
//! discriminative efficiency), with flags a teacher can act on.
//!
//! Input is a score matrix (attempts × items). This crate never touches a
//! database: callers hand it marks.

mod distractors;
mod input;
mod stats;
mod trend;

pub use distractors::{distractors, DistractorTable, OptionRow};
pub use input::{CsvOptions, ScoreMatrix};
pub use stats::{analyse, Analysis, Bin, ItemStats, Reliability, Summary};
pub use trend::{trend, TrendPoint};

#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    /// A problem in an input file, with where it is.
    #[error("{source_name}, line {line}{}: {message}", column.as_ref().map(|c| format!(", column {c:?}")).unwrap_or_default())]
    Input {
        source_name: String,
        line: u64,
        column: Option<String>,
        message: String,
    },
    /// A score matrix that cannot be analysed (no attempts, no items, mismatched sizes).
    #[error("{0}")]
    Invalid(String),
    #[error("polars: {0}")]
    Polars(#[from] polars::prelude::PolarsError),
}

pub type Result<T, E = AnalyticsError> = std::result::Result<T, E>;
