//! Fixtures for tests: a real SQLite file in a temp dir, and a clock tests move by hand.

use examhall_domain::{Clock, Timestamp};
use examhall_store::Store;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct FakeClock(AtomicI64);

impl FakeClock {
    /// 2026-06-01T09:00:00Z, a plausible exam morning.
    pub const EXAM_MORNING: Timestamp = Timestamp(1_780_304_400_000);

    pub fn new(at: Timestamp) -> Arc<FakeClock> {
        Arc::new(FakeClock(AtomicI64::new(at.0)))
    }
    pub fn advance_secs(&self, s: i64) {
        self.0.fetch_add(s * 1000, Ordering::SeqCst);
    }
    pub fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

/// A fresh database file with every migration applied; deleted on drop.
#[derive(Debug)]
pub struct TempDb {
    pub store: Store,
    pub path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl TempDb {
    pub async fn new() -> TempDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("examhall.sqlite");
        let store = Store::open(&path).await.expect("open a fresh store");
        TempDb {
            store,
            path,
            _dir: dir,
        }
    }
}
