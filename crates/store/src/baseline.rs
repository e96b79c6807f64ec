//! The raw SQLite baseline for benchmarks: what one durable commit costs on this
//! disk with nothing of Examhall around it (one INSERT per transaction, WAL,
//! synchronous=FULL, a prepared statement, one connection) — the same loop as the
//! peer baseline's `sqlite_commit.c`.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions as _, Connection as _};
use std::path::Path;
use std::time::Instant;

/// One connection to a new, empty file at `path` (WAL, synchronous=FULL).
async fn fresh(path: &Path) -> crate::Result<sqlx::SqliteConnection> {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    Ok(SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .connect()
        .await?)
}

/// Runs `n` single-row commits into a fresh file at `path`; returns each commit's
/// latency in microseconds.
pub async fn raw_commit_loop(path: &Path, n: usize) -> crate::Result<Vec<f64>> {
    let mut conn = fresh(path).await?;
    sqlx::query("CREATE TABLE grade_result (id INTEGER PRIMARY KEY, sheet_id INTEGER, candidate TEXT, total INTEGER)")
        .execute(&mut conn)
        .await?;
    let mut lat = Vec::with_capacity(n);
    for i in 0..n {
        let a = Instant::now();
        let mut tx = conn.begin().await?;
        sqlx::query("INSERT INTO grade_result (sheet_id, candidate, total) VALUES ($1, $2, $3)")
            .bind(i as i64)
            .bind(format!("cand-{i:06}"))
            .bind((i % 51) as i64)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        lat.push(a.elapsed().as_secs_f64() * 1e6);
    }
    conn.close().await?;
    Ok(lat)
}

/// The floor for importing questions: `rows` (questions already as JSON) inserted
/// into a fresh file's table in one transaction, one prepared INSERT each, with
/// the same durability settings as the store. Returns the milliseconds taken.
pub async fn raw_bulk_insert(path: &Path, rows: &[String]) -> crate::Result<f64> {
    let mut conn = fresh(path).await?;
    sqlx::query("CREATE TABLE bank (id INTEGER PRIMARY KEY, question TEXT NOT NULL, created_at INTEGER NOT NULL)")
        .execute(&mut conn)
        .await?;
    let a = Instant::now();
    let mut tx = conn.begin().await?;
    for (i, r) in rows.iter().enumerate() {
        sqlx::query("INSERT INTO bank (question, created_at) VALUES ($1, $2)")
            .bind(r)
            .bind(i as i64)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    let ms = a.elapsed().as_secs_f64() * 1e3;
    conn.close().await?;
    Ok(ms)
}
