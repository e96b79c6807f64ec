//! Read models for printed reports: one query per report, joined in SQL.

use crate::attempts::{RawResult, ResultRow};
use crate::{Result, Store, StoreError};
use examhall_domain::Timestamp;

/// One graded attempt with everything its result sheet prints.
#[derive(Debug, Clone)]
pub struct SheetRow {
    pub attempt_id: String,
    pub username: String,
    pub display_name: String,
    pub sitting_id: i64,
    pub sitting_opened_at: Timestamp,
    pub submitted_at: Option<Timestamp>,
    pub head_seq: i64,
    pub head_hash: String,
    pub result: ResultRow,
    /// Voided for misconduct, with this reason.
    pub void_reason: Option<String>,
}

#[derive(sqlx::FromRow)]
struct RawSheet {
    username: String,
    display_name: String,
    sitting_id: i64,
    sitting_opened_at: i64,
    submitted_at: Option<i64>,
    head_seq: i64,
    head_hash: String,
    void_reason: Option<String>,
    #[sqlx(flatten)]
    result: RawResult,
}

impl TryFrom<RawSheet> for SheetRow {
    type Error = StoreError;
    fn try_from(r: RawSheet) -> Result<SheetRow> {
        let result = ResultRow::try_from(r.result)?;
        Ok(SheetRow {
            attempt_id: result.attempt_id.clone(),
            result,
            username: r.username,
            display_name: r.display_name,
            sitting_id: r.sitting_id,
            sitting_opened_at: Timestamp(r.sitting_opened_at),
            submitted_at: r.submitted_at.map(Timestamp),
            head_seq: r.head_seq,
            head_hash: r.head_hash,
            void_reason: r.void_reason,
        })
    }
}

const SHEET_SQL: &str = "SELECT r.attempt_id, u.username, u.display_name, a.sitting_id, \
     s.opened_at AS sitting_opened_at, a.submitted_at, a.head_seq, a.head_hash, a.void_reason, \
     r.total, r.max, r.percentage, r.passed, r.awaiting_marking, r.marks, r.graded_at \
     FROM results r JOIN attempts a ON a.id = r.attempt_id JOIN users u ON u.id = a.user_id \
     JOIN sittings s ON s.id = a.sitting_id";

/// A candidate expected at an exam, with their attempt if they started one.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoomRowData {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub time_multiplier: f64,
    pub attempt_id: Option<String>,
    pub status: Option<String>,
    pub started_at: Option<i64>,
    pub submitted_at: Option<i64>,
    pub credited_ms: Option<i64>,
}

/// An event that belongs in the room report.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoomEventData {
    pub attempt_id: String,
    pub at: i64,
    pub kind: String,
    pub payload: String,
}

/// A sitting (a start code's lifetime) with who opened it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SittingInfo {
    pub id: i64,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub opened_by: String,
}

/// A graded result with whose and which exam it is.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResultListRow {
    pub attempt_id: String,
    pub exam_id: i64,
    pub user_id: i64,
    pub username: String,
    pub total: f64,
    pub max: f64,
    pub percentage: f64,
    #[sqlx(try_from = "crate::Flag")]
    pub passed: bool,
    #[sqlx(try_from = "crate::Flag")]
    pub awaiting_marking: bool,
    /// Voided for misconduct, with this reason.
    pub void_reason: Option<String>,
}

impl Store {
    /// Graded results, optionally of one exam and/or one user, oldest first.
    pub async fn result_list(
        &self,
        exam_id: Option<i64>,
        user_id: Option<i64>,
    ) -> Result<Vec<ResultListRow>> {
        Ok(sqlx::query_as(
            "SELECT a.id AS attempt_id, a.exam_id, a.user_id, u.username, r.total, r.max, r.percentage, \
             r.passed, r.awaiting_marking, a.void_reason FROM results r JOIN attempts a ON a.id = r.attempt_id \
             JOIN users u ON u.id = a.user_id \
             WHERE ($1 IS NULL OR a.exam_id = $1) AND ($2 IS NULL OR a.user_id = $2) \
               AND a.superseded_reason IS NULL ORDER BY r.graded_at, a.id",
        )
        .bind(exam_id)
        .bind(user_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Whether a result of `user_id` on `exam_id` held "after review" has been
    /// released: for the whole exam, or for that candidate.
    pub async fn result_released(&self, exam_id: i64, user_id: i64) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM result_releases WHERE exam_id = $1 AND (user_id IS NULL OR user_id = $2)",
        )
        .bind(exam_id)
        .bind(user_id)
        .fetch_one(&self.read)
        .await?;
        Ok(n > 0)
    }

    /// Whether results held "after review" were released for the whole exam.
    pub async fn released_for_exam(&self, exam_id: i64) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM result_releases WHERE exam_id = $1 AND user_id IS NULL",
        )
        .bind(exam_id)
        .fetch_one(&self.read)
        .await?;
        Ok(n > 0)
    }

    /// Records a release: for the whole exam (`users` empty) or for each of
    /// `users`, in one transaction.
    pub async fn release_results(
        &self,
        exam_id: i64,
        users: &[i64],
        by: i64,
        at: Timestamp,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let targets: Vec<Option<i64>> = if users.is_empty() {
            vec![None]
        } else {
            users.iter().copied().map(Some).collect()
        };
        for user in targets {
            sqlx::query(
                "INSERT INTO result_releases (exam_id, user_id, released_by, released_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(exam_id)
            .bind(user)
            .bind(by)
            .bind(at.0)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Result-sheet rows for every graded attempt of an exam, by candidate name.
    pub async fn sheet_rows(&self, exam_id: i64) -> Result<Vec<SheetRow>> {
        let sql =
            // An attempt reset for a resit is kept, but it is no result.
            format!("{SHEET_SQL} WHERE a.exam_id = $1 AND a.superseded_reason IS NULL ORDER BY lower(u.display_name), u.username");
        sqlx::query_as::<_, RawSheet>(sqlx::AssertSqlSafe(sql))
            .bind(exam_id)
            .fetch_all(&self.read)
            .await?
            .into_iter()
            .map(SheetRow::try_from)
            .collect()
    }

    /// The result-sheet row of one attempt, if it is graded.
    pub async fn sheet_row(&self, attempt_id: &str) -> Result<Option<SheetRow>> {
        let sql = format!("{SHEET_SQL} WHERE a.id = $1");
        sqlx::query_as::<_, RawSheet>(sqlx::AssertSqlSafe(sql))
            .bind(attempt_id)
            .fetch_optional(&self.read)
            .await?
            .map(SheetRow::try_from)
            .transpose()
    }

    /// Everyone assigned to the exam (and anyone who sat it without an
    /// assignment), with their attempt.
    pub async fn room_rows(&self, exam_id: i64) -> Result<Vec<RoomRowData>> {
        Ok(sqlx::query_as(
            "WITH expected AS ( \
                 SELECT user_id, time_multiplier FROM assignments WHERE exam_id = $1 \
                 UNION SELECT user_id, time_multiplier FROM attempts WHERE exam_id = $1 \
             ) \
             SELECT u.id AS user_id, u.username, u.display_name, \
                    COALESCE(a.time_multiplier, MAX(e.time_multiplier)) AS time_multiplier, \
                    a.id AS attempt_id, a.status, a.started_at, a.submitted_at, a.credited_ms \
             FROM expected e JOIN users u ON u.id = e.user_id \
             LEFT JOIN attempts a ON a.exam_id = $1 AND a.user_id = e.user_id \
             GROUP BY u.id, a.id ORDER BY lower(u.display_name), u.username",
        )
        .bind(exam_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Restarts, clock anomalies and submissions of the exam's attempts, in time order.
    pub async fn room_events(&self, exam_id: i64) -> Result<Vec<RoomEventData>> {
        Ok(sqlx::query_as(
            "SELECT ev.attempt_id, ev.at, ev.kind, ev.payload FROM attempt_events ev \
             JOIN attempts a ON a.id = ev.attempt_id \
             WHERE a.exam_id = $1 AND ev.kind IN ('resumed', 'clock_went_backwards', 'locked', 'submitted') \
             ORDER BY ev.at, ev.attempt_id, ev.seq",
        )
        .bind(exam_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Every sitting of the exam, oldest first.
    pub async fn sittings_of(&self, exam_id: i64) -> Result<Vec<SittingInfo>> {
        Ok(sqlx::query_as(
            "SELECT s.id, s.opened_at, s.closed_at, u.display_name AS opened_by FROM sittings s \
             JOIN users u ON u.id = s.opened_by WHERE s.exam_id = $1 ORDER BY s.id",
        )
        .bind(exam_id)
        .fetch_all(&self.read)
        .await?)
    }
}
