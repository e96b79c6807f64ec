//! PDF reports with printpdf: the candidate result sheet, the exam summary for the
//! exam board, the room session report, and login slips for new accounts.
//!
//! Inputs are plain data prepared by the use-case layer (dates already formatted in
//! the centre's time zone); this crate reads no clock, no database and no files.
//! Text is set in DejaVu Sans (embedded, subset per document), so names such as
//! "Zoë Łukasiewicz", "Ngozi Ọkafọ" or "Дмитрий" print as written.

pub mod export;
mod layout;
mod room;
mod sheet;
mod slips;
mod summary;

pub use room::{room_report, RoomEvent, RoomReport, RoomRow};
pub use sheet::{result_sheet, result_sheets, QuestionScore, ResultSheet, SectionScore};
pub use slips::{login_slips, seat_token_sheet, LoginSlip, SeatTokenStrip};
pub use summary::{exam_summary, SummaryReport};

/// Returned when the caller's progress callback asked to stop a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the report was cancelled")]
pub struct Cancelled;

/// A mark as people write it: `8`, `8.5`, `8.25`.
pub fn fmt_mark(m: f64) -> String {
    let s = format!("{m:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

fn fmt_opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "–".to_owned(), |x| format!("{x:.decimals$}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn marks_drop_trailing_zeros() {
        assert_eq!(super::fmt_mark(8.0), "8");
        assert_eq!(super::fmt_mark(8.5), "8.5");
        assert_eq!(super::fmt_mark(8.25), "8.25");
        assert_eq!(super::fmt_mark(-0.0001), "0");
        assert_eq!(super::fmt_mark(-1.5), "-1.5");
    }
}
