//! A sitting's schedule and the rules that guard its start code: when a
//! candidate may start, and how long someone who keeps typing wrong codes
//! waits. Pure: instants are passed in.

use crate::clock::Timestamp;
use serde::{Deserialize, Serialize};

/// When a sitting may be started. Every bound is optional: a sitting without
/// any is open from the moment it is opened until it is closed, as before
/// schedules existed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SittingWindow {
    /// Nobody starts before this.
    pub opens_at: Option<Timestamp>,
    /// Nobody starts after this (attempts already running go on).
    pub closes_at: Option<Timestamp>,
    /// Minutes after the opening (`opens_at`, or when the sitting was opened)
    /// during which a late candidate may still start.
    pub late_start_minutes: Option<u32>,
}

/// The longest late start a sitting allows: ten hours.
pub const MAX_LATE_START_MINUTES: u32 = 600;
/// The longest window: a week.
pub const MAX_WINDOW_MS: i64 = 7 * 24 * 3_600_000;

/// What is wrong with a proposed window.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    #[error("closes_at: must be after opens_at")]
    ClosesBeforeOpening,
    #[error("closes_at: the window may be at most 7 days long")]
    TooLong,
    #[error("closes_at: already past")]
    AlreadyClosed,
    #[error("late_start_minutes: at most {MAX_LATE_START_MINUTES}")]
    LateStartTooLong,
}

impl WindowError {
    /// The field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            WindowError::LateStartTooLong => "late_start_minutes",
            _ => "closes_at",
        }
    }
}

/// Why a candidate may not start the sitting now. Instants are carried so the
/// caller can say them in the user's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowRefusal {
    NotYetOpen { opens_at: Timestamp },
    Closed { closed_at: Timestamp },
    LateStartOver { limit: Timestamp, minutes: u32 },
}

impl SittingWindow {
    /// Checks a window being set at `now`.
    pub fn validate(&self, now: Timestamp) -> Result<(), WindowError> {
        if self
            .late_start_minutes
            .is_some_and(|m| m > MAX_LATE_START_MINUTES)
        {
            return Err(WindowError::LateStartTooLong);
        }
        if let Some(close) = self.closes_at {
            if close.0 <= now.0 {
                return Err(WindowError::AlreadyClosed);
            }
            let open = self.opens_at.unwrap_or(now);
            if close.0 <= open.0 {
                return Err(WindowError::ClosesBeforeOpening);
            }
            if close.0 - open.0 > MAX_WINDOW_MS {
                return Err(WindowError::TooLong);
            }
        }
        Ok(())
    }

    /// Whether a candidate may start at `now` a sitting opened at `opened_at`.
    /// The late-start limit counts from the scheduled opening, or from when the
    /// sitting was opened if it has no schedule, and never reaches past the close.
    pub fn may_start(&self, opened_at: Timestamp, now: Timestamp) -> Result<(), WindowRefusal> {
        if let Some(open) = self.opens_at {
            if now.0 < open.0 {
                return Err(WindowRefusal::NotYetOpen { opens_at: open });
            }
        }
        if let Some(close) = self.closes_at {
            if now.0 >= close.0 {
                return Err(WindowRefusal::Closed { closed_at: close });
            }
        }
        if let Some(minutes) = self.late_start_minutes {
            let from = self.opens_at.unwrap_or(opened_at);
            let limit = from.plus_millis(i64::from(minutes) * 60_000);
            if now.0 > limit.0 {
                return Err(WindowRefusal::LateStartOver { limit, minutes });
            }
        }
        Ok(())
    }

    /// Whether the sitting is still to come or running at `now` (an exam shows
    /// these as its upcoming sittings).
    pub fn is_current(&self, now: Timestamp) -> bool {
        self.closes_at.is_none_or(|c| now.0 < c.0)
    }
}

/// A growing wait after repeated failures: `free` failures cost nothing, then
/// each further one doubles the wait from `base_ms`, up to `cap_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub free: i64,
    pub base_ms: i64,
    pub cap_ms: i64,
}

impl Backoff {
    /// Wrong start codes typed by one candidate: three tries, then 30 s,
    /// 1 min, 2 min… up to 10 minutes. A candidate who mistypes the code once
    /// or twice never waits; guessing six characters is hopeless.
    pub const START_CODE_CANDIDATE: Backoff = Backoff {
        free: 3,
        base_ms: 30_000,
        cap_ms: 10 * 60_000,
    };
    /// Wrong start codes typed at one seat, by anyone: more slack (several
    /// candidates may share a console machine), the same growth.
    pub const START_CODE_SEAT: Backoff = Backoff {
        free: 10,
        base_ms: 30_000,
        cap_ms: 10 * 60_000,
    };

    /// How long to block after the `failures`-th failure in a row.
    pub fn block_ms(&self, failures: i64) -> i64 {
        if failures <= self.free {
            return 0;
        }
        let doublings = (failures - self.free - 1).clamp(0, 20) as u32;
        self.base_ms
            .saturating_mul(1i64 << doublings)
            .min(self.cap_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn at(min: i64) -> Timestamp {
        Timestamp(1_800_000_000_000 + min * MIN)
    }

    #[test]
    fn a_window_refuses_before_opening_and_after_closing() {
        let w = SittingWindow {
            opens_at: Some(at(60)),
            closes_at: Some(at(180)),
            late_start_minutes: None,
        };
        assert_eq!(
            w.may_start(at(0), at(59)),
            Err(WindowRefusal::NotYetOpen { opens_at: at(60) })
        );
        assert_eq!(w.may_start(at(0), at(60)), Ok(()));
        assert_eq!(w.may_start(at(0), at(179)), Ok(()));
        assert_eq!(
            w.may_start(at(0), at(180)),
            Err(WindowRefusal::Closed { closed_at: at(180) })
        );
    }

    #[test]
    fn late_start_counts_from_the_scheduled_opening_or_else_from_the_opening() {
        let scheduled = SittingWindow {
            opens_at: Some(at(60)),
            closes_at: None,
            late_start_minutes: Some(15),
        };
        assert_eq!(scheduled.may_start(at(0), at(75)), Ok(()));
        assert_eq!(
            scheduled.may_start(at(0), at(76)),
            Err(WindowRefusal::LateStartOver {
                limit: at(75),
                minutes: 15
            })
        );
        let unscheduled = SittingWindow {
            late_start_minutes: Some(15),
            ..SittingWindow::default()
        };
        assert_eq!(unscheduled.may_start(at(10), at(25)), Ok(()));
        assert!(unscheduled.may_start(at(10), at(26)).is_err());
        assert_eq!(
            SittingWindow::default().may_start(at(0), at(100_000)),
            Ok(())
        );
    }

    #[test]
    fn windows_are_checked_when_set() {
        let now = at(0);
        let w = |o: Option<i64>, c: Option<i64>, l: Option<u32>| SittingWindow {
            opens_at: o.map(at),
            closes_at: c.map(at),
            late_start_minutes: l,
        };
        assert_eq!(w(Some(10), Some(70), Some(15)).validate(now), Ok(()));
        assert_eq!(
            w(Some(10), Some(10), None).validate(now),
            Err(WindowError::ClosesBeforeOpening)
        );
        assert_eq!(
            w(None, Some(-1), None).validate(now),
            Err(WindowError::AlreadyClosed)
        );
        assert_eq!(
            w(Some(0), Some(8 * 24 * 60), None).validate(now),
            Err(WindowError::TooLong)
        );
        let e = w(None, None, Some(601)).validate(now).unwrap_err();
        assert_eq!(e.field(), "late_start_minutes");
        // A window that opened in the past is fine: it is being set while running.
        assert_eq!(w(Some(-30), Some(30), None).validate(now), Ok(()));
    }

    #[test]
    fn start_code_backoff_is_free_for_a_few_tries_then_grows_to_a_cap() {
        let b = Backoff::START_CODE_CANDIDATE;
        assert_eq!((b.block_ms(1), b.block_ms(3)), (0, 0));
        assert_eq!(b.block_ms(4), 30_000);
        assert_eq!(b.block_ms(5), 60_000);
        assert_eq!(b.block_ms(6), 120_000);
        assert_eq!(b.block_ms(40), 10 * MIN);
        assert_eq!(b.block_ms(i64::MAX), 10 * MIN);
        assert_eq!(Backoff::START_CODE_SEAT.block_ms(10), 0);
        assert_eq!(Backoff::START_CODE_SEAT.block_ms(11), 30_000);
    }
}
