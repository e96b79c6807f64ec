//! Reconciliation at HQ (migration 22): the rooms' signed accounts of
//! themselves, and what HQ holds of a package's attempts.

use crate::{Result, Store};

/// A room report as HQ keeps it (the newest per device and session).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RoomReportRow {
    pub device_id: String,
    pub session_id: i64,
    pub package_id: String,
    pub room: String,
    pub state: String,
    pub made_at: i64,
    pub received_at: i64,
    /// The signed envelope as received (its body is the report).
    pub envelope: String,
}

/// What HQ holds of one candidate's attempt at an exam.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct HeldAttemptRow {
    pub username: String,
    pub attempt_id: String,
    pub status: String,
    pub device_id: Option<String>,
    pub head_seq: i64,
    /// The chain records a move to a spare seat.
    #[sqlx(try_from = "crate::Flag")]
    pub moved: bool,
}

impl Store {
    /// Keeps `r` unless a report of the same session from the same device made
    /// later is already held. Returns whether it was stored.
    pub async fn save_room_report(&self, r: &RoomReportRow) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "INSERT INTO room_reports \
               (device_id, session_id, package_id, room, state, made_at, received_at, envelope) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (device_id, session_id) DO UPDATE SET \
               package_id = excluded.package_id, room = excluded.room, state = excluded.state, \
               made_at = excluded.made_at, received_at = excluded.received_at, \
               envelope = excluded.envelope \
             WHERE room_reports.made_at <= excluded.made_at",
        )
        .bind(&r.device_id)
        .bind(r.session_id)
        .bind(&r.package_id)
        .bind(&r.room)
        .bind(&r.state)
        .bind(r.made_at)
        .bind(r.received_at)
        .bind(&r.envelope)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    /// The rooms that reported on a package, oldest report first.
    pub async fn room_reports_of(&self, package_id: &str) -> Result<Vec<RoomReportRow>> {
        Ok(sqlx::query_as(
            "SELECT device_id, session_id, package_id, room, state, made_at, received_at, envelope \
             FROM room_reports WHERE package_id = $1 ORDER BY made_at, device_id, session_id",
        )
        .bind(package_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Every attempt HQ holds at `exam_id`, with its candidate's username.
    pub async fn held_attempts(&self, exam_id: i64) -> Result<Vec<HeldAttemptRow>> {
        Ok(sqlx::query_as(
            "SELECT u.username AS username, a.id AS attempt_id, a.status AS status, \
                    a.device_id AS device_id, a.head_seq AS head_seq, \
                    CAST(CASE WHEN EXISTS (SELECT 1 FROM attempt_events e \
                            WHERE e.attempt_id = a.id AND e.kind = 'moved') \
                         THEN 1 ELSE 0 END AS BIGINT) AS moved \
             FROM attempts a JOIN users u ON u.id = a.user_id \
             WHERE a.exam_id = $1 AND a.superseded_reason IS NULL ORDER BY u.username",
        )
        .bind(exam_id)
        .fetch_all(&self.read)
        .await?)
    }
}
