//! The only crate that speaks SQL.
//!
//! One SQLite file in WAL mode. Writes go through a single connection with
//! `synchronous=FULL`, so a commit has reached the disk when it returns and writers
//! never race each other for the lock; reads use a small read-only pool.
//!
//! Everything an attempt does is appended to `attempt_events` (hash-chained) and
//! projected into `attempts`/`attempt_answers` in the same transaction.

mod attempts;
mod bank;
pub mod baseline;
mod error;
mod exams;
mod jobs;
mod regrade;
mod reports;
mod sync;
mod users;

pub use attempts::{AnswerRow, AppendError, AttemptRow, AttemptSummaryRow, NewAttempt, ResultRow};
pub use bank::BankQuestionRow;
pub use error::StoreError;
pub use exams::{ExamRow, SittingRow};
pub use jobs::{JobRow, NewJob};
pub use regrade::{KeyCorrectionRow, NewKeyCorrection};
pub use reports::{ResultListRow, RoomEventData, RoomRowData, SheetRow, SittingInfo};
pub use sync::{
    DeviceRow, EnrolRefusal, EnrolmentRow, HeldHash, IncidentRow, IngestAttempt, IngestReceipt,
    NewDevice, NewPackageRow, OutboxCounts, OutboxRow, PackageRow, ReceiptOutcome, SyncStateRow,
    UploadHead,
};
pub use users::{NewUserRow, ThrottleRow, UserRow};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::time::Duration;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Clone, Debug)]
pub struct Store {
    write: SqlitePool,
    read: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the database file and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Store> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            // A local file connection does not go stale; a ping per acquire would cost
            // a round trip to SQLite's worker thread on every answer.
            .test_before_acquire(false)
            .connect_with(opts.clone())
            .await?;
        sqlx::migrate!("../../migrations").run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .test_before_acquire(false)
            .connect_with(opts.read_only(true))
            .await?;
        Ok(Store { write, read })
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
        sqlx::query("INSERT INTO centre (id, name, created_at) VALUES (1, ?1, ?2) ON CONFLICT(id) DO UPDATE SET name = excluded.name")
            .bind(name)
            .bind(now.0)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
