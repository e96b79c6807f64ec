//! Time is passed in. Domain code receives instants; it never asks for "now".

use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn millis(self) -> i64 {
        self.0
    }
    pub fn plus_millis(self, ms: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(ms))
    }
    /// `self - earlier` in milliseconds (negative if `earlier` is later).
    pub fn since(self, earlier: Timestamp) -> i64 {
        self.0.saturating_sub(earlier.0)
    }
}

/// Where the outer layers get the current instant from. The real clock lives in
/// the application layer; tests use a fake one they can move by hand.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}
