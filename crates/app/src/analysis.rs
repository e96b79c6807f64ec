//! Exam statistics from a plain score matrix file (`examhall analyse`): for results
//! that come from elsewhere, and for checking the maths against other tools.

use crate::{AppError, AppResult};
pub use examhall_analytics::{Analysis, CsvOptions};
use std::path::Path;

/// Reads `path` (a CSV of marks: header of item names, one row per attempt) and
/// computes the summary, reliability and item analysis.
pub fn analyse_score_file(
    path: &Path,
    opts: &CsvOptions,
    pass_mark_pct: f64,
    bins: usize,
) -> AppResult<Analysis> {
    let file = std::fs::File::open(path)
        .map_err(|e| AppError::invalid("scores", format!("cannot open {}: {e}", path.display())))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let matrix =
        examhall_analytics::ScoreMatrix::from_csv(std::io::BufReader::new(file), &name, opts)
            .map_err(invalid)?;
    examhall_analytics::analyse(&matrix, pass_mark_pct, bins).map_err(invalid)
}

fn invalid(e: examhall_analytics::AnalyticsError) -> AppError {
    match e {
        examhall_analytics::AnalyticsError::Polars(p) => AppError::Internal(anyhow::Error::new(p)),
        other => AppError::invalid("scores", other.to_string()),
    }
}
