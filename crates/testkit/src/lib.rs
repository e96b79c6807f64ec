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
    /// The SQLite file, or the PostgreSQL database's URL.
    pub path: std::path::PathBuf,
    _dir: tempfile::TempDir,
    /// PostgreSQL: (server URL, database name), dropped with the TempDb.
    pg: Option<(String, String)>,
}

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

/// The environment variable naming the PostgreSQL server the tests use
/// (`scripts/pg-test-server.sh` starts one and prints its URL).
pub const PG_ENV: &str = "EXAMHALL_TEST_PG";

impl TestBackend {
    /// Whether this backend can run here. PostgreSQL needs `EXAMHALL_TEST_PG`;
    /// without it a PostgreSQL test is skipped with a note, unless
    /// `EXAMHALL_REQUIRE_PG` is set (as the project's test command sets it), in
    /// which case it fails.
    pub fn available(self) -> bool {
        match self {
            TestBackend::Sqlite => true,
            TestBackend::Postgres => {
                if std::env::var_os(PG_ENV).is_some() {
                    return true;
                }
                assert!(
                    std::env::var_os("EXAMHALL_REQUIRE_PG").is_none(),
                    "EXAMHALL_REQUIRE_PG is set but {PG_ENV} is not: start a server with scripts/pg-test-server.sh"
                );
                eprintln!(
                    "skipped on PostgreSQL: set {PG_ENV} (scripts/pg-test-server.sh prints it)"
                );
                false
            }
        }
    }
}

impl TempDb {
    /// Rows of `table` matching the SQL `filter` (what a test checks was stored).
    pub async fn count(&self, table: &str, filter: &str) -> i64 {
        self.store
            .count_rows(table, filter)
            .await
            .unwrap_or_else(|e| panic!("counting {table} where {filter}: {e}"))
    }

    /// A fresh SQLite file.
    pub async fn new() -> TempDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("examhall.sqlite");
        let store = Store::open(&path).await.expect("open a fresh store");
        TempDb {
            store,
            path,
            _dir: dir,
            pg: None,
        }
    }

    /// A fresh database on `backend` (a new, empty PostgreSQL database per call).
    pub async fn on(backend: TestBackend) -> TempDb {
        match backend {
            TestBackend::Sqlite => TempDb::new().await,
            TestBackend::Postgres => {
                static SEQ: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
                let server = std::env::var(PG_ENV).expect("EXAMHALL_TEST_PG names the server");
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .expect("clock after 1970")
                    .subsec_nanos();
                let name = format!(
                    "eh_test_{}_{}_{nanos}",
                    std::process::id(),
                    SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                );
                let url = examhall_store::create_postgres_database(&server, &name)
                    .await
                    .expect("create a test database");
                let store = Store::connect(&url).await.expect("open the test database");
                TempDb {
                    store,
                    path: url.into(),
                    _dir: tempfile::tempdir().expect("temp dir"),
                    pg: Some((server, name)),
                }
            }
        }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        if let Some((server, name)) = self.pg.take() {
            // Drop runs outside any runtime guarantee: use a thread with its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(examhall_store::drop_postgres_database(&server, &name))
            })
            .join();
        }
    }
}

/// Turns `async fn name(backend: TestBackend)` test bodies into two tests each,
/// `name::sqlite` and `name::postgres` (the latter skipped, with a note, when no
/// PostgreSQL server is configured; see [`TestBackend::available`]).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::TestBackend::Sqlite).await
                }
                #[tokio::test]
                async fn postgres() {
                    if $crate::TestBackend::Postgres.available() {
                        super::$name($crate::TestBackend::Postgres).await
                    }
                }
            }
        )*
    };
}

/// What a started `examhall serve` process printed about itself.
#[derive(Debug, Clone)]
pub struct ServerBanner {
    /// `https://addr` (or `http://addr` with `--plain-http`).
    pub base: String,
    /// The certificate's SHA-256 fingerprint, when it serves HTTPS.
    pub fingerprint: Option<String>,
}

/// Reads a starting `examhall serve`'s stderr until it prints its address, then
/// keeps draining it on a thread so the server never blocks on a full pipe.
pub fn server_banner(stderr: std::process::ChildStderr) -> ServerBanner {
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(stderr).lines();
    let mut fingerprint = None;
    let base = loop {
        let line = lines
            .next()
            .expect("the server prints its address")
            .expect("stderr is text");
        if let Some(rest) = line.split("SHA-256 fingerprint ").nth(1) {
            fingerprint = Some(rest.trim_end_matches(')').trim().to_owned());
        }
        if let Some(rest) = line.strip_prefix("Examhall server on ") {
            let url = rest.split_whitespace().next().unwrap_or_default();
            break url.trim_end_matches("/api/docs/").to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines.by_ref() {});
    ServerBanner { base, fingerprint }
}
