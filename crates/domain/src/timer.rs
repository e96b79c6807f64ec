//! Timer maths. The deadline lives in the backend; the UI only shows what this says.
//!
//! remaining = allowed - consumed, where
//! allowed  = duration x accommodation multiplier + credited extensions, and
//! consumed = time since the attempt started, less any time excluded (pauses).
//! Downtime policy (default, as Moodle does): time keeps running while the app is
//! down; the gap is recorded so an invigilator can credit it later.

use crate::clock::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimeAllowance {
    pub duration_secs: u32,
    /// Accommodation (e.g. 1.25 for 25% extra time). 1.0 by default.
    pub multiplier: f64,
    /// Extensions credited by an invigilator, in milliseconds.
    pub credited_ms: i64,
}

impl TimeAllowance {
    pub const MAX_MULTIPLIER: f64 = 4.0;

    pub fn allowed_ms(&self) -> i64 {
        let m = if self.multiplier.is_finite() {
            self.multiplier.clamp(1.0, Self::MAX_MULTIPLIER)
        } else {
            1.0
        };
        (self.duration_secs as f64 * 1000.0 * m).round() as i64 + self.credited_ms.max(0)
    }

    /// Milliseconds left at `now`, never negative.
    pub fn remaining_ms(&self, started_at: Timestamp, excluded_ms: i64, now: Timestamp) -> i64 {
        let consumed = (now.since(started_at) - excluded_ms.max(0)).max(0);
        (self.allowed_ms() - consumed).max(0)
    }

    pub fn deadline(&self, started_at: Timestamp, excluded_ms: i64) -> Timestamp {
        started_at.plus_millis(self.allowed_ms() + excluded_ms.max(0))
    }
}

/// Time excluded from the consumed time at `now`: the pauses that ended, plus the
/// one running (if the attempt is paused).
pub fn excluded_at(excluded_ms: i64, paused_at: Option<Timestamp>, now: Timestamp) -> i64 {
    excluded_ms.max(0) + paused_at.map_or(0, |p| now.since(p).max(0))
}

/// What the backend concluded about the wall clock between two observations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockCheck {
    Normal,
    /// The clock went backwards by more than the tolerance: someone changed it.
    WentBackwards {
        by_ms: i64,
    },
    /// Nothing was observed for longer than `gap_threshold_ms`: the app was down
    /// (or the clock jumped forward, which is indistinguishable from outside).
    Gap {
        gap_ms: i64,
    },
}

pub fn check_clock(last_seen: Timestamp, now: Timestamp, gap_threshold_ms: i64) -> ClockCheck {
    let d = now.since(last_seen);
    if d < -2_000 {
        ClockCheck::WentBackwards { by_ms: -d }
    } else if d > gap_threshold_ms {
        ClockCheck::Gap { gap_ms: d }
    } else {
        ClockCheck::Normal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_time_follows_the_formula() {
        let t0 = Timestamp(1_000_000);
        let a = TimeAllowance {
            duration_secs: 600,
            multiplier: 1.0,
            credited_ms: 0,
        };
        assert_eq!(a.remaining_ms(t0, 0, t0), 600_000, "full time at the start");
        assert_eq!(a.remaining_ms(t0, 0, t0.plus_millis(60_000)), 540_000);
        assert_eq!(
            a.remaining_ms(t0, 0, t0.plus_millis(700_000)),
            0,
            "never negative"
        );

        let extra = TimeAllowance {
            multiplier: 1.25,
            credited_ms: 30_000,
            ..a
        };
        assert_eq!(extra.allowed_ms(), 780_000, "600s x 1.25 + 30s");
        assert_eq!(
            extra.remaining_ms(t0, 10_000, t0.plus_millis(100_000)),
            690_000,
            "pauses are excluded"
        );
        assert_eq!(extra.deadline(t0, 0), t0.plus_millis(780_000));
    }

    #[test]
    fn a_running_pause_stops_the_clock() {
        let t0 = Timestamp(0);
        let a = TimeAllowance {
            duration_secs: 600,
            multiplier: 1.0,
            credited_ms: 0,
        };
        let paused = Some(t0.plus_millis(100_000));
        let at = |ms| t0.plus_millis(ms);
        let left = |now: Timestamp| a.remaining_ms(t0, excluded_at(0, paused, now), now);
        assert_eq!(left(at(100_000)), 500_000);
        assert_eq!(left(at(400_000)), 500_000, "nothing consumed while paused");
        assert_eq!(excluded_at(5_000, None, at(400_000)), 5_000);
    }

    #[test]
    fn silly_multipliers_are_clamped() {
        let a = |m| {
            TimeAllowance {
                duration_secs: 100,
                multiplier: m,
                credited_ms: 0,
            }
            .allowed_ms()
        };
        assert_eq!(a(0.5), 100_000, "accommodations never shorten an exam");
        assert_eq!(a(f64::NAN), 100_000);
        assert_eq!(a(10.0), 400_000);
    }

    #[test]
    fn clock_checks() {
        let t = Timestamp(50_000);
        assert_eq!(
            check_clock(t, t.plus_millis(1_000), 15_000),
            ClockCheck::Normal
        );
        assert_eq!(
            check_clock(t, t.plus_millis(-1_000), 15_000),
            ClockCheck::Normal,
            "jitter tolerated"
        );
        assert_eq!(
            check_clock(t, t.plus_millis(-5_000), 15_000),
            ClockCheck::WentBackwards { by_ms: 5_000 }
        );
        assert_eq!(
            check_clock(t, t.plus_millis(20_000), 15_000),
            ClockCheck::Gap { gap_ms: 20_000 }
        );
    }
}
