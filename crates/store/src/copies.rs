//! Copy as you go (migration 21): a hub's copy of its seats' chains, and a
//! seat's record of how far its hub holds each of its attempts.

use crate::attempts::{stored_events, EventCols};
use crate::{Result, Store};
use examhall_domain::{StoredEvent, Timestamp};
use std::collections::HashMap;

/// What the hub holds of one attempt.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CopyHead {
    pub attempt_id: String,
    /// The seat that may extend the copy.
    pub device_id: String,
    pub package_id: String,
    pub username: String,
    pub started_at: i64,
    pub duration_secs: i64,
    pub time_multiplier: f64,
    pub head_seq: i64,
    pub head_hash: String,
    pub status: String,
    /// The hub's clock, when events last arrived.
    pub copied_at: i64,
    pub moved_from: Option<String>,
    /// `pending`: moved by the invigilator, not taken by a spare seat yet;
    /// `done`: taken.
    pub move_state: Option<String>,
}

/// Checked events to add to a copy, after the head the check was made from.
#[derive(Debug, Clone)]
pub struct CopyAppend {
    pub attempt_id: String,
    pub device_id: String,
    pub package_id: String,
    pub username: String,
    pub started_at: i64,
    pub duration_secs: i64,
    pub time_multiplier: f64,
    /// The head the events continue (0 and the genesis hash for a first copy).
    pub after_seq: i64,
    pub after_hash: String,
    pub events: Vec<StoredEvent>,
    /// The attempt's status after these events.
    pub status: String,
}

/// An attempt of this seat that its hub does not hold whole yet.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CopyPending {
    pub attempt_id: String,
    pub head_seq: i64,
    /// How far the hub confirmed holding it (0: nothing yet).
    pub acked_seq: i64,
}

impl Store {
    /// The hub's copies of these attempts, by id.
    pub async fn copy_heads(&self, ids: &[String]) -> Result<HashMap<String, CopyHead>> {
        let mut out = HashMap::with_capacity(ids.len());
        let mut conn = self.read.acquire().await?;
        for id in ids {
            let row: Option<CopyHead> = sqlx::query_as(
                "SELECT attempt_id, device_id, package_id, username, started_at, duration_secs, time_multiplier, head_seq, head_hash, status, \
                 copied_at, moved_from, move_state FROM copy_attempts WHERE attempt_id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
            if let Some(r) = row {
                out.insert(id.clone(), r);
            }
        }
        Ok(out)
    }

    /// The hub's copies of a package's attempts.
    pub async fn package_copies(&self, package_id: &str) -> Result<Vec<CopyHead>> {
        Ok(sqlx::query_as(
            "SELECT attempt_id, device_id, package_id, username, started_at, duration_secs, time_multiplier, head_seq, head_hash, status, \
             copied_at, moved_from, move_state FROM copy_attempts WHERE package_id = $1 ORDER BY username",
        )
        .bind(package_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// The hub's copy of a candidate's attempt at a package, if it holds one.
    pub async fn copy_for(&self, package_id: &str, username: &str) -> Result<Option<CopyHead>> {
        Ok(sqlx::query_as(
            "SELECT attempt_id, device_id, package_id, username, started_at, duration_secs, time_multiplier, head_seq, head_hash, status, \
             copied_at, moved_from, move_state FROM copy_attempts \
             WHERE package_id = $1 AND username = $2 ORDER BY started_at DESC LIMIT 1",
        )
        .bind(package_id)
        .bind(username)
        .fetch_optional(&self.read)
        .await?)
    }

    /// The invigilator moves the candidate away from the seat holding the
    /// attempt: from now on that seat's copies are refused, and the next spare
    /// seat the candidate starts at takes the attempt. Only an attempt in
    /// progress that is not already being moved; `false` otherwise.
    pub async fn open_move(&self, attempt_id: &str, now: Timestamp) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE copy_attempts SET move_state = 'pending', moved_from = device_id, moved_at = $2 \
             WHERE attempt_id = $1 AND status = 'in_progress' \
               AND (move_state IS NULL OR move_state = 'done')",
        )
        .bind(attempt_id)
        .bind(now.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    /// A spare seat takes a pending move: the copy (and the console line of
    /// `session_id`, if any) now belong to it. `false` if no move was pending.
    pub async fn claim_move(
        &self,
        attempt_id: &str,
        device_id: &str,
        device_name: &str,
        line: Option<(i64, &str)>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE copy_attempts SET device_id = $2, move_state = 'done' \
             WHERE attempt_id = $1 AND move_state = 'pending'",
        )
        .bind(attempt_id)
        .bind(device_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 1 {
            if let Some((session_id, username)) = line {
                sqlx::query(
                    "UPDATE room_seats SET device_id = $3, device = $4 WHERE session_id = $1 AND username = $2",
                )
                .bind(session_id)
                .bind(username)
                .bind(device_id)
                .bind(device_name)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Adds checked events to the hub's copies in one transaction (one fsync
    /// for the whole batch). An append whose head moved since it was checked,
    /// or whose seat no longer holds the attempt, is left out: `false` at its
    /// place.
    pub async fn copy_append(&self, items: &[CopyAppend], now: Timestamp) -> Result<Vec<bool>> {
        let mut tx = self.begin_write().await?;
        let mut out = Vec::with_capacity(items.len());
        for c in items {
            let Some(last) = c.events.last() else {
                out.push(false);
                continue;
            };
            let moved = if c.after_seq == 0 {
                sqlx::query(
                    "INSERT INTO copy_attempts (attempt_id, device_id, package_id, username, started_at, \
                     duration_secs, time_multiplier, head_seq, head_hash, status, copied_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (attempt_id) DO NOTHING",
                )
                .bind(&c.attempt_id)
                .bind(&c.device_id)
                .bind(&c.package_id)
                .bind(&c.username)
                .bind(c.started_at)
                .bind(c.duration_secs)
                .bind(c.time_multiplier)
                .bind(last.seq)
                .bind(&last.hash.0)
                .bind(&c.status)
                .bind(now.0)
                .execute(&mut *tx)
                .await?
            } else {
                sqlx::query(
                    "UPDATE copy_attempts SET head_seq = $1, head_hash = $2, status = $3, copied_at = $4 \
                     WHERE attempt_id = $5 AND device_id = $6 AND head_seq = $7 AND head_hash = $8 \
                       AND (move_state IS NULL OR move_state = 'done')",
                )
                .bind(last.seq)
                .bind(&last.hash.0)
                .bind(&c.status)
                .bind(now.0)
                .bind(&c.attempt_id)
                .bind(&c.device_id)
                .bind(c.after_seq)
                .bind(&c.after_hash)
                .execute(&mut *tx)
                .await?
            };
            if moved.rows_affected() == 0 {
                out.push(false);
                continue;
            }
            for e in &c.events {
                sqlx::query(
                    "INSERT INTO copy_events (attempt_id, seq, at, payload, prev_hash, hash, received_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&c.attempt_id)
                .bind(e.seq)
                .bind(e.at.0)
                .bind(&e.payload)
                .bind(&e.prev_hash.0)
                .bind(&e.hash.0)
                .bind(now.0)
                .execute(&mut *tx)
                .await?;
            }
            out.push(true);
        }
        tx.commit().await?;
        Ok(out)
    }

    /// The hub's copied chain of an attempt, whole.
    pub async fn copy_events(&self, attempt_id: &str) -> Result<Vec<StoredEvent>> {
        let rows: Vec<EventCols> = sqlx::query_as(
            "SELECT seq, at, payload, prev_hash, hash FROM copy_events WHERE attempt_id = $1 ORDER BY seq",
        )
        .bind(attempt_id)
        .fetch_all(&self.read)
        .await?;
        Ok(stored_events(rows))
    }

    /// For the benchmark: how long each event saved at or after `since` took to
    /// reach the copy (`received_at - at`, ms; seat and hub on one clock).
    pub async fn copy_lags(&self, since: Timestamp) -> Result<Vec<i64>> {
        Ok(
            sqlx::query_scalar("SELECT received_at - at FROM copy_events WHERE at >= $1")
                .bind(since.0)
                .fetch_all(&self.read)
                .await?,
        )
    }

    // ---- the seat's side ------------------------------------------------------

    /// This seat's own attempts at package exams that its hub does not hold
    /// whole yet (and has not refused for good), oldest acknowledgement first.
    pub async fn copy_pending(&self, limit: i64) -> Result<Vec<CopyPending>> {
        Ok(sqlx::query_as(
            "SELECT a.id AS attempt_id, a.head_seq, COALESCE(c.head_seq, 0) AS acked_seq \
             FROM attempts a JOIN exams e ON e.id = a.exam_id \
             LEFT JOIN copy_acks c ON c.attempt_id = a.id \
             WHERE a.device_id IS NULL AND e.package_id IS NOT NULL \
               AND a.head_seq > COALESCE(c.head_seq, 0) AND c.refused IS NULL \
             ORDER BY COALESCE(c.acked_at, 0), a.id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// An attempt's events after `after_seq`, at most `limit` of them.
    pub async fn events_after(
        &self,
        attempt_id: &str,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<StoredEvent>> {
        let rows: Vec<EventCols> = sqlx::query_as(
            "SELECT seq, at, payload, prev_hash, hash FROM attempt_events \
             WHERE attempt_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(attempt_id)
        .bind(after_seq)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        Ok(stored_events(rows))
    }

    /// Records the hub's answers. An acknowledgement counts only when its hash
    /// is the one this seat holds at that seq (a hub that lost its copy may
    /// acknowledge less than before: the seat then sends again from there).
    /// A refusal is kept, and stops further copies of that attempt; a refusal
    /// because the candidate moved (`true`) also fences the attempt here.
    pub async fn record_copy_acks(
        &self,
        acks: &[(String, i64, String)],
        refused: &[(String, String, bool)],
        now: Timestamp,
    ) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let mut n = 0;
        for (id, seq, hash) in acks {
            n += sqlx::query(
                "INSERT INTO copy_acks (attempt_id, head_seq, acked_at) \
                 SELECT $1, $2, $4 WHERE $2 = 0 OR EXISTS \
                   (SELECT 1 FROM attempt_events WHERE attempt_id = $1 AND seq = $2 AND hash = $3) \
                 ON CONFLICT (attempt_id) DO UPDATE SET head_seq = excluded.head_seq, acked_at = excluded.acked_at",
            )
            .bind(id)
            .bind(seq)
            .bind(hash)
            .bind(now.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        for (id, why, moved) in refused {
            sqlx::query(
                "INSERT INTO copy_acks (attempt_id, head_seq, acked_at, refused) VALUES ($1, 0, $2, $3) \
                 ON CONFLICT (attempt_id) DO UPDATE SET acked_at = excluded.acked_at, refused = excluded.refused",
            )
            .bind(id)
            .bind(now.0)
            .bind(why)
            .execute(&mut *tx)
            .await?;
            if *moved {
                sqlx::query("UPDATE attempts SET moved_to = $2 WHERE id = $1")
                    .bind(id)
                    .bind(why)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(n)
    }

    /// How far the hub holds this attempt: `(head_seq here, acked_seq, refusal)`.
    pub async fn copy_state(&self, attempt_id: &str) -> Result<Option<(i64, i64, Option<String>)>> {
        Ok(sqlx::query_as(
            "SELECT a.head_seq, COALESCE(c.head_seq, 0), c.refused FROM attempts a \
             LEFT JOIN copy_acks c ON c.attempt_id = a.id WHERE a.id = $1",
        )
        .bind(attempt_id)
        .fetch_optional(&self.read)
        .await?)
    }
}
