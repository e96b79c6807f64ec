//! The only crate that speaks SQL.
//!
//! SQLite by default (one file in WAL mode, one writer connection, commits that
//! reach the disk before they return); PostgreSQL when given a `postgres://` URL,
//! so HQ can run several stateless servers over one database. Both through sqlx's
//! `Any` driver, with one schema written twice (`migrations/` and its twin
//! `migrations/postgres/`).
//!
//! Everything an attempt does is appended to `attempt_events` (hash-chained) and
//! projected into `attempts`/`attempt_answers` in the same transaction.

mod assignments;
mod attempts;
mod bank;
pub mod baseline;
mod centre_exams;
mod copies;
mod drafts;
mod error;
mod exams;
mod jobs;
mod reconcile;
mod regrade;
mod relay;
mod reports;
mod room;
mod sync;
mod users;

pub use assignments::{
    AssignOutcome, AssignmentChangeRow, AssignmentWrite, ExamCandidateRow, UnassignOutcome,
};
pub use attempts::{AnswerRow, AppendError, AttemptRow, AttemptSummaryRow, NewAttempt, ResultRow};
pub use bank::{BankQuestionRow, NewBankQuestion};
pub use centre_exams::{CentreCandidateRow, CentreExamHeld, NewCentreExam};
pub use copies::{CopyAppend, CopyHead, CopyPending};
pub use drafts::{DraftRow, ExamLock};
pub use error::StoreError;
pub use exams::{ExamAccessRow, ExamRow, ShareKind, SittingRow};
pub use jobs::{JobRow, NewJob};
pub use reconcile::{HeldAttemptRow, RoomReportRow};
pub use regrade::{KeyCorrectionRow, NewKeyCorrection};
pub use relay::{RelayAttempt, RelayCounts, RelayOutcome, RelayRow};
pub use reports::{ResultListRow, RoomEventData, RoomRowData, SheetRow, SittingInfo};
pub use room::{
    CheckInRow, CreditDecision, CreditRow, GradeJobFor, Issuer, LocalProgress, LogLine,
    NewRoomSession, NewSeatReport, RoomCandidateRow, RoomLogRow, RoomSeatRow, RoomSessionRow,
    SeatRoomRow, StartRefusalRow,
};
pub use sync::{
    DeviceListing, DeviceRow, EnrolRefusal, EnrolmentRow, EnrolmentTokenRow, HeldHash, IncidentRow,
    IngestAttempt, IngestReceipt, NewDevice, NewPackageRow, OutboxCounts, OutboxRow, PackageRow,
    ReceiptOutcome, SyncStateRow, UploadHead,
};
pub use users::{
    AccountChangeRow, LoginGate, NewUserRow, RosterWrite, UserEdit, UserGate, UserRow,
};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Executor as _};
use std::path::Path;
use std::str::FromStr as _;
use std::time::Duration;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database the store is on. The SQL is written once, in the dialect both
/// share; the few statements that cannot be (JSON arrays, row locks) ask this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn of(conn: &AnyConnection) -> Backend {
        if conn.backend_name().eq_ignore_ascii_case("postgresql") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// A table source with one row per element of the JSON array bound as `$n`,
    /// the element in a column named `value` (for arrays of arrays, read fields
    /// with `value ->> i`; for arrays of strings, see [`Backend::json_texts`]).
    pub(crate) fn json_rows(self, n: u8) -> String {
        match self {
            Backend::Sqlite => format!("json_each(${n})"),
            Backend::Postgres => format!("jsonb_array_elements(CAST(${n} AS jsonb))"),
        }
    }

    /// Like [`Backend::json_rows`] for a JSON array of strings: `value` is the text.
    pub(crate) fn json_texts(self, n: u8) -> String {
        match self {
            Backend::Sqlite => format!("json_each(${n})"),
            Backend::Postgres => format!("jsonb_array_elements_text(CAST(${n} AS jsonb))"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Store {
    write: AnyPool,
    read: AnyPool,
    backend: Backend,
}

/// Every SQLite connection: WAL, commits that reach the disk, foreign keys, and a
/// patient busy timeout.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                              PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";

/// Creates the database file readable by its owner only (0600), or tightens an
/// existing one, before SQLite opens it. SQLite gives its `-wal` and `-shm`
/// files the database file's permissions, so they follow.
fn owner_only(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        let io = |e: std::io::Error| StoreError::File(format!("{}: {e}", path.display()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let mode = std::fs::metadata(path).map_err(io)?.permissions().mode();
                if mode & 0o077 != 0 {
                    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))
                        .map_err(io)?;
                    for side in ["-wal", "-shm"] {
                        let mut p = path.as_os_str().to_owned();
                        p.push(side);
                        let p = std::path::PathBuf::from(p);
                        if p.exists() {
                            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))
                                .map_err(io)?;
                        }
                    }
                }
            }
            Err(e) => return Err(io(e)),
        }
    }
    Ok(())
}

impl Store {
    /// Opens (creating if needed) the SQLite database file and applies pending
    /// migrations.
    ///
    /// One file in WAL mode. Writes go through a single connection with
    /// `synchronous=FULL`, so a commit has reached the disk when it returns and
    /// writers never race each other for the lock; reads use a small read-only pool.
    pub async fn open(path: &Path) -> Result<Store> {
        sqlx::any::install_default_drivers();
        owner_only(path)?;
        let url = sqlite_url(path, "rwc");
        let write = AnyPoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            // A local file connection does not go stale; a ping per acquire would cost
            // a round trip to SQLite's worker thread on every answer.
            .test_before_acquire(false)
            .after_connect(|conn, _| {
                Box::pin(async move { conn.execute(SQLITE_PRAGMAS).await.map(drop) })
            })
            .connect_with(AnyConnectOptions::from_str(&url)?)
            .await?;
        sqlx::migrate!("../../migrations").run(&write).await?;
        let read = AnyPoolOptions::new()
            .max_connections(4)
            .test_before_acquire(false)
            .after_connect(|conn, _| {
                Box::pin(
                    async move { conn.execute("PRAGMA busy_timeout = 10000;").await.map(drop) },
                )
            })
            .connect_with(AnyConnectOptions::from_str(&sqlite_url(path, "ro"))?)
            .await?;
        Ok(Store {
            write,
            read,
            backend: Backend::Sqlite,
        })
    }

    /// Opens the database named by `target`: a `postgres://` (or `postgresql://`)
    /// URL, or else a path to a SQLite file.
    pub async fn connect(target: &str) -> Result<Store> {
        if target.starts_with("postgres://") || target.starts_with("postgresql://") {
            Store::open_postgres(target).await
        } else {
            Store::open(Path::new(
                target.strip_prefix("sqlite://").unwrap_or(target),
            ))
            .await
        }
    }

    /// Opens a PostgreSQL database and applies pending migrations (the twins of the
    /// SQLite ones, in `migrations/postgres`). Several servers may share it: every
    /// write transaction that reads before it writes takes one transaction-scoped
    /// advisory lock (see [`Store::begin_write`]), which keeps SQLite's
    /// single-writer rules across replicas; reads run in parallel.
    pub async fn open_postgres(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(AnyConnectOptions::from_str(url)?)
            .await?;
        sqlx::migrate!("../../migrations/postgres")
            .run(&pool)
            .await?;
        Ok(Store {
            write: pool.clone(),
            read: pool,
            backend: Backend::Postgres,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a write transaction. On PostgreSQL it first takes the store-wide
    /// write lock (a transaction-scoped advisory lock, released at commit or
    /// rollback), so check-then-write sequences behave as they do on SQLite's
    /// single writer connection, whichever replica runs them.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        let mut tx = self.write.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(7220318)")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }

    pub async fn centre_name(&self) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT name FROM centre WHERE id = 1")
            .fetch_optional(&self.read)
            .await?)
    }

    pub async fn set_centre_name(&self, name: &str, now: examhall_domain::Timestamp) -> Result<()> {
        sqlx::query("INSERT INTO centre (id, name, created_at) VALUES (1, $1, $2) ON CONFLICT(id) DO UPDATE SET name = excluded.name")
            .bind(name)
            .bind(now.0)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}

/// A `sqlite://` URL for a file path (percent-encoded, so any file name works).
fn sqlite_url(path: &Path, mode: &str) -> String {
    let mut enc = String::new();
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    format!("sqlite://{enc}?mode={mode}")
}

/// A 0/1 flag column read as a `bool`. Flags are integers in both schemas (SQLite
/// has no boolean type), so rows read them through this.
pub(crate) struct Flag(bool);

impl sqlx::Type<sqlx::Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <i64 as sqlx::Type<sqlx::Any>>::type_info()
    }
    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <i64 as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(Flag(<i64 as sqlx::Decode<sqlx::Any>>::decode(value)? != 0))
    }
}

impl From<Flag> for bool {
    fn from(f: Flag) -> bool {
        f.0
    }
}

/// A nullable 0/1 flag column read as an `Option<bool>`.
pub(crate) struct OptFlag(Option<bool>);

impl sqlx::Type<sqlx::Any> for OptFlag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <i64 as sqlx::Type<sqlx::Any>>::type_info()
    }
    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <i64 as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for OptFlag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(OptFlag(
            <Option<i64> as sqlx::Decode<sqlx::Any>>::decode(value)?.map(|v| v != 0),
        ))
    }
}

impl From<OptFlag> for Option<bool> {
    fn from(f: OptFlag) -> Option<bool> {
        f.0
    }
}

/// Creates an empty database `name` on the PostgreSQL server at `server_url` (a
/// URL naming any existing database, such as `postgres`) and returns its URL.
/// For tests and first-time set-up; `name` must be a plain identifier.
pub async fn create_postgres_database(server_url: &str, name: &str) -> Result<String> {
    let db_url = postgres_database_url(server_url, name)?;
    sqlx::any::install_default_drivers();
    let mut conn = <AnyConnection as sqlx::Connection>::connect(server_url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut conn)
        .await?;
    Ok(db_url)
}

/// Drops database `name` on the PostgreSQL server at `server_url`, closing any
/// connections still open to it.
pub async fn drop_postgres_database(server_url: &str, name: &str) -> Result<()> {
    postgres_database_url(server_url, name)?;
    sqlx::any::install_default_drivers();
    let mut conn = <AnyConnection as sqlx::Connection>::connect(server_url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut conn)
    .await?;
    Ok(())
}

/// The URL of database `name` on the server `server_url` names (checking `name`).
fn postgres_database_url(server_url: &str, name: &str) -> Result<String> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(StoreError::Corrupt(format!(
            "database name {name:?}: use letters, digits and underscores"
        )));
    }
    let (prefix, query) = match server_url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (server_url, None),
    };
    let scheme_end = prefix.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match prefix[scheme_end..].find('/') {
        Some(i) => &prefix[..scheme_end + i],
        None => prefix,
    };
    Ok(match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    })
}
