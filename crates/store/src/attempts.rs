use crate::error::conflict_on_unique;
use crate::jobs::{enqueue_in, NewJob};
use crate::{Result, Store, StoreError};
use examhall_domain::events::StoredEvent;
use examhall_domain::{
    Answer, AttemptEvent, AttemptStatus, EventHash, Mark, QuestionId, SheetResult, Timestamp,
};
use sqlx::AnyConnection;

#[derive(Debug, Clone)]
pub struct NewAttempt<'a> {
    pub id: &'a str,
    pub exam_id: i64,
    pub sitting_id: i64,
    pub user_id: i64,
    pub duration_secs: u32,
    pub time_multiplier: f64,
}

#[derive(Debug, Clone)]
pub struct AttemptRow {
    pub id: String,
    pub exam_id: i64,
    pub sitting_id: i64,
    pub user_id: i64,
    pub status: AttemptStatus,
    pub started_at: Timestamp,
    pub duration_secs: u32,
    pub time_multiplier: f64,
    pub credited_ms: i64,
    pub excluded_ms: i64,
    pub current_index: u32,
    pub last_seen_at: Timestamp,
    pub head_seq: i64,
    pub head_hash: String,
    /// Set while the invigilator has the attempt paused.
    pub paused_at: Option<Timestamp>,
    /// The seq of the `Locked` event while the attempt waits to be unlocked.
    pub locked_seq: Option<i64>,
    /// Wrong unlock codes typed since the last unlock.
    pub unlock_failures: u32,
    /// On a seat: the room hub refused this attempt's copies because the
    /// invigilator moved the candidate to another seat (the hub's words).
    /// Nothing more is written to it here.
    pub moved_to: Option<String>,
    /// Voided for misconduct, with this reason (the last `voided` event).
    pub void_reason: Option<String>,
    /// Reset for a resit, with this reason: kept, no longer the candidate's
    /// attempt at the exam.
    pub superseded_reason: Option<String>,
}

#[derive(sqlx::FromRow)]
struct RawAttempt {
    id: String,
    exam_id: i64,
    sitting_id: i64,
    user_id: i64,
    status: String,
    started_at: i64,
    duration_secs: i64,
    time_multiplier: f64,
    credited_ms: i64,
    excluded_ms: i64,
    current_index: i64,
    last_seen_at: i64,
    head_seq: i64,
    head_hash: String,
    paused_at: Option<i64>,
    locked_seq: Option<i64>,
    unlock_failures: i64,
    moved_to: Option<String>,
    void_reason: Option<String>,
    superseded_reason: Option<String>,
}

impl TryFrom<RawAttempt> for AttemptRow {
    type Error = StoreError;
    fn try_from(r: RawAttempt) -> Result<AttemptRow> {
        let status = AttemptStatus::parse(&r.status).ok_or_else(|| {
            StoreError::corrupt(format!("attempts.status of {}", r.id), &r.status)
        })?;
        Ok(AttemptRow {
            status,
            started_at: Timestamp(r.started_at),
            duration_secs: u32::try_from(r.duration_secs)
                .map_err(|e| StoreError::corrupt("attempts.duration_secs", e))?,
            time_multiplier: r.time_multiplier,
            credited_ms: r.credited_ms,
            excluded_ms: r.excluded_ms,
            current_index: u32::try_from(r.current_index).unwrap_or(0),
            last_seen_at: Timestamp(r.last_seen_at),
            head_seq: r.head_seq,
            head_hash: r.head_hash,
            paused_at: r.paused_at.map(Timestamp),
            locked_seq: r.locked_seq,
            unlock_failures: u32::try_from(r.unlock_failures).unwrap_or(0),
            moved_to: r.moved_to,
            void_reason: r.void_reason,
            superseded_reason: r.superseded_reason,
            id: r.id,
            exam_id: r.exam_id,
            sitting_id: r.sitting_id,
            user_id: r.user_id,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AnswerRow {
    pub question_id: String,
    pub answer: Option<Answer>,
    pub flagged: bool,
    pub seq: i64,
}

#[derive(Debug, Clone)]
pub struct ResultRow {
    pub attempt_id: String,
    pub total: f64,
    pub max: f64,
    pub percentage: f64,
    pub passed: bool,
    pub awaiting_marking: bool,
    pub marks: Vec<(QuestionId, Mark)>,
    pub graded_at: Timestamp,
}

impl ResultRow {
    /// The result as the domain computes it (without the row's bookkeeping).
    pub fn into_sheet(self) -> SheetResult {
        SheetResult {
            marks: self.marks,
            total: self.total,
            max: self.max,
            percentage: self.percentage,
            passed: self.passed,
            awaiting_marking: self.awaiting_marking,
        }
    }
}

const RESULT_COLS: &str = "r.attempt_id, r.total, r.max, r.percentage, r.passed, r.awaiting_marking, r.marks, r.graded_at";

#[derive(sqlx::FromRow)]
pub(crate) struct RawResult {
    attempt_id: String,
    total: f64,
    max: f64,
    percentage: f64,
    #[sqlx(try_from = "crate::Flag")]
    passed: bool,
    #[sqlx(try_from = "crate::Flag")]
    awaiting_marking: bool,
    marks: String,
    graded_at: i64,
}

impl TryFrom<RawResult> for ResultRow {
    type Error = StoreError;
    fn try_from(r: RawResult) -> Result<ResultRow> {
        Ok(ResultRow {
            marks: serde_json::from_str(&r.marks).map_err(|e| {
                StoreError::corrupt(format!("results.marks of {}", r.attempt_id), e)
            })?,
            attempt_id: r.attempt_id,
            total: r.total,
            max: r.max,
            percentage: r.percentage,
            passed: r.passed,
            awaiting_marking: r.awaiting_marking,
            graded_at: Timestamp(r.graded_at),
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptSummaryRow {
    pub attempt_id: String,
    pub username: String,
    pub display_name: String,
    pub exam_title: String,
    pub status: String,
    pub percentage: Option<f64>,
    #[sqlx(try_from = "crate::OptFlag")]
    pub passed: Option<bool>,
    pub void_reason: Option<String>,
    pub superseded_reason: Option<String>,
}

const ATTEMPT_COLS: &str =
    "id, exam_id, sitting_id, user_id, status, started_at, duration_secs, time_multiplier, \
     credited_ms, excluded_ms, current_index, last_seen_at, head_seq, head_hash, paused_at, locked_seq, \
     unlock_failures, moved_to, void_reason, superseded_reason";

/// Appends events to an attempt's chain and applies them to the projection, inside
/// the caller's transaction. `head` is the attempt as read in this transaction.
/// Returns the last sequence number written. (The head columns are advanced by the
/// `attempt_events_advance_head` trigger.)
pub(crate) async fn append_in(
    conn: &mut AnyConnection,
    head: &AttemptRow,
    events: &[AttemptEvent],
    now: Timestamp,
) -> Result<i64> {
    let attempt_id = head.id.as_str();
    let mut seq = head.head_seq;
    let mut status = head.status;
    let mut prev = EventHash(head.head_hash.clone());
    for ev in events {
        if !ev.allowed_in(status) {
            return Err(StoreError::Conflict(format!(
                "attempt {attempt_id} is {}: a {} event",
                status.as_str(),
                ev.type_name()
            )));
        }
        seq += 1;
        let payload = ev.to_payload();
        let hash = EventHash::link(&prev, attempt_id, seq, now, &payload);
        sqlx::query(
            "INSERT INTO attempt_events (attempt_id, seq, at, kind, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(attempt_id)
        .bind(seq)
        .bind(now.0)
        .bind(ev.type_name())
        .bind(&payload)
        .bind(&prev.0)
        .bind(&hash.0)
        .execute(&mut *conn)
        .await?;
        project(conn, attempt_id, seq, ev, now).await?;
        status = ev.next_status(status);
        prev = hash;
    }
    Ok(seq)
}

pub(crate) async fn attempt_in(conn: &mut AnyConnection, attempt_id: &str) -> Result<AttemptRow> {
    let sql = format!("SELECT {ATTEMPT_COLS} FROM attempts WHERE id = $1");
    sqlx::query_as::<_, RawAttempt>(sqlx::AssertSqlSafe(sql))
        .bind(attempt_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(AttemptRow::try_from)
        .transpose()?
        .ok_or_else(|| StoreError::NotFound(format!("attempt {attempt_id}")))
}

/// An attempt's hash-chained log, in order.
pub(crate) async fn events_in(
    conn: &mut AnyConnection,
    attempt_id: &str,
) -> Result<Vec<StoredEvent>> {
    let rows: Vec<EventCols> = sqlx::query_as(
        "SELECT seq, at, payload, prev_hash, hash FROM attempt_events WHERE attempt_id = $1 ORDER BY seq",
    )
    .bind(attempt_id)
    .fetch_all(conn)
    .await?;
    Ok(stored_events(rows))
}

/// `seq, at, payload, prev_hash, hash` of a chain's rows, in that order.
pub(crate) type EventCols = (i64, i64, String, String, String);

/// Chain rows as read (`EventCols`) into events.
pub(crate) fn stored_events(rows: Vec<EventCols>) -> Vec<StoredEvent> {
    rows.into_iter()
        .map(|(seq, at, payload, prev, hash)| StoredEvent {
            seq,
            at: Timestamp(at),
            payload,
            prev_hash: EventHash(prev),
            hash: EventHash(hash),
        })
        .collect()
}

async fn insert_attempt_in(
    conn: &mut AnyConnection,
    a: &NewAttempt<'_>,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO attempts (id, exam_id, sitting_id, user_id, status, started_at, duration_secs, time_multiplier, \
         last_seen_at, head_seq, head_hash) VALUES ($1, $2, $3, $4, 'in_progress', $5, $6, $7, $5, 0, $8)",
    )
    .bind(a.id)
    .bind(a.exam_id)
    .bind(a.sitting_id)
    .bind(a.user_id)
    .bind(now.0)
    .bind(i64::from(a.duration_secs))
    .bind(a.time_multiplier)
    .bind(EventHash::genesis().0)
    .execute(conn)
    .await
    .map_err(|e| conflict_on_unique(e, "an attempt at this exam"))?;
    Ok(())
}

pub(crate) async fn result_in(
    conn: &mut AnyConnection,
    attempt_id: &str,
) -> Result<Option<ResultRow>> {
    sqlx::query_as::<_, RawResult>(sqlx::AssertSqlSafe(format!(
        "SELECT {RESULT_COLS} FROM results r WHERE r.attempt_id = $1"
    )))
    .bind(attempt_id)
    .fetch_optional(conn)
    .await?
    .map(ResultRow::try_from)
    .transpose()
}

/// Rewrites an attempt's stored result (after a hand mark or a regrade).
pub(crate) async fn update_result_in(
    conn: &mut AnyConnection,
    attempt_id: &str,
    result: &SheetResult,
) -> Result<()> {
    let marks =
        serde_json::to_string(&result.marks).map_err(|e| StoreError::corrupt("marks", e))?;
    let updated = sqlx::query(
        "UPDATE results SET total = $2, max = $3, percentage = $4, passed = $5, awaiting_marking = $6, marks = $7 \
         WHERE attempt_id = $1",
    )
    .bind(attempt_id)
    .bind(result.total)
    .bind(result.max)
    .bind(result.percentage)
    .bind(i64::from(result.passed))
    .bind(i64::from(result.awaiting_marking))
    .bind(marks)
    .execute(conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(StoreError::NotFound(format!(
            "result of attempt {attempt_id}"
        )));
    }
    Ok(())
}

/// Why a conditional append did not happen.
#[derive(Debug)]
pub enum AppendError<E> {
    /// The caller's check refused, having seen the attempt as it stands.
    Refused(E),
    Store(StoreError),
}

impl<E> From<StoreError> for AppendError<E> {
    fn from(e: StoreError) -> Self {
        AppendError::Store(e)
    }
}

impl<E> From<sqlx::Error> for AppendError<E> {
    fn from(e: sqlx::Error) -> Self {
        AppendError::Store(e.into())
    }
}

/// The projection: current answers, flags, position and status.
pub(crate) async fn project(
    conn: &mut AnyConnection,
    attempt_id: &str,
    seq: i64,
    ev: &AttemptEvent,
    now: Timestamp,
) -> Result<()> {
    match ev {
        AttemptEvent::AnswerSet { question, answer } => {
            let json = answer
                .as_ref()
                .map(|a| serde_json::to_string(a).expect("answers serialise"));
            sqlx::query(
                "INSERT INTO attempt_answers (attempt_id, question_id, answer, flagged, seq) VALUES ($1, $2, $3, 0, $4) \
                 ON CONFLICT(attempt_id, question_id) DO UPDATE SET answer = excluded.answer, seq = excluded.seq",
            )
            .bind(attempt_id)
            .bind(question.as_str())
            .bind(json)
            .bind(seq)
            .execute(conn)
            .await?;
        }
        AttemptEvent::Flagged { question, flagged } => {
            sqlx::query(
                "INSERT INTO attempt_answers (attempt_id, question_id, answer, flagged, seq) VALUES ($1, $2, NULL, $3, $4) \
                 ON CONFLICT(attempt_id, question_id) DO UPDATE SET flagged = excluded.flagged, seq = excluded.seq",
            )
            .bind(attempt_id)
            .bind(question.as_str())
            .bind(i64::from(*flagged))
            .bind(seq)
            .execute(conn)
            .await?;
        }
        AttemptEvent::Navigated { index } => {
            sqlx::query("UPDATE attempts SET current_index = $2 WHERE id = $1")
                .bind(attempt_id)
                .bind(i64::from(*index))
                .execute(conn)
                .await?;
        }
        AttemptEvent::Submitted { .. } => {
            sqlx::query(
                "UPDATE attempts SET status = 'submitted', submitted_at = $2 WHERE id = $1",
            )
            .bind(attempt_id)
            .bind(now.0)
            .execute(conn)
            .await?;
        }
        AttemptEvent::Superseded { reason } => {
            sqlx::query("UPDATE attempts SET superseded_reason = $2 WHERE id = $1")
                .bind(attempt_id)
                .bind(reason)
                .execute(&mut *conn)
                .await?;
        }
        AttemptEvent::Voided { reason, .. } => {
            sqlx::query("UPDATE attempts SET void_reason = $2 WHERE id = $1")
                .bind(attempt_id)
                .bind(reason)
                .execute(conn)
                .await?;
        }
        AttemptEvent::Graded { .. } => {
            sqlx::query("UPDATE attempts SET status = 'graded' WHERE id = $1")
                .bind(attempt_id)
                .execute(conn)
                .await?;
        }
        AttemptEvent::Paused { .. } => {
            sqlx::query("UPDATE attempts SET paused_at = $2 WHERE id = $1")
                .bind(attempt_id)
                .bind(now.0)
                .execute(conn)
                .await?;
        }
        AttemptEvent::Unpaused { paused_ms, .. } => {
            sqlx::query(
                "UPDATE attempts SET paused_at = NULL, excluded_ms = excluded_ms + $2 WHERE id = $1",
            )
            .bind(attempt_id)
            .bind((*paused_ms).max(0))
            .execute(conn)
            .await?;
        }
        AttemptEvent::Extended { ms, .. } => {
            sqlx::query("UPDATE attempts SET credited_ms = credited_ms + $2 WHERE id = $1")
                .bind(attempt_id)
                .bind((*ms).max(0))
                .execute(conn)
                .await?;
        }
        AttemptEvent::Locked { .. } => {
            sqlx::query("UPDATE attempts SET locked_seq = $2 WHERE id = $1")
                .bind(attempt_id)
                .bind(seq)
                .execute(conn)
                .await?;
        }
        AttemptEvent::Unlocked { .. } => {
            sqlx::query("UPDATE attempts SET locked_seq = NULL, unlock_failures = 0 WHERE id = $1")
                .bind(attempt_id)
                .execute(conn)
                .await?;
        }
        AttemptEvent::UnlockRefused { attempts } => {
            sqlx::query("UPDATE attempts SET unlock_failures = $2 WHERE id = $1")
                .bind(attempt_id)
                .bind(i64::from(*attempts))
                .execute(conn)
                .await?;
        }
        AttemptEvent::Started { .. }
        | AttemptEvent::FocusLost { .. }
        | AttemptEvent::CloseAsked { .. }
        | AttemptEvent::Resumed { .. }
        | AttemptEvent::ClockWentBackwards { .. }
        | AttemptEvent::Moved { .. }
        // The result row is rewritten by `record_manual_mark` / `record_regrade`
        // in the same transaction.
        | AttemptEvent::EssayMarked { .. }
        | AttemptEvent::Regraded { .. } => {}
    }
    Ok(())
}

impl Store {
    /// Creates the attempt and its first event (`Started`) in one transaction.
    /// A candidate has at most one attempt per exam: a second is a `Conflict`.
    pub async fn create_attempt(
        &self,
        a: NewAttempt<'_>,
        started: &AttemptEvent,
        now: Timestamp,
    ) -> Result<AttemptRow> {
        let mut tx = self.begin_write().await?;
        insert_attempt_in(&mut tx, &a, now).await?;
        let head = attempt_in(&mut tx, a.id).await?;
        append_in(&mut tx, &head, std::slice::from_ref(started), now).await?;
        let row = attempt_in(&mut tx, a.id).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// An attempt taken and handed in in one go (the platform API's submit): the
    /// attempt, its events (started, answers, submitted) and its grading job, in one
    /// transaction. Returns the job's id.
    pub async fn record_whole_attempt(
        &self,
        a: NewAttempt<'_>,
        events: &[AttemptEvent],
        job: &NewJob<'_>,
        now: Timestamp,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        insert_attempt_in(&mut tx, &a, now).await?;
        let head = attempt_in(&mut tx, a.id).await?;
        append_in(&mut tx, &head, events, now).await?;
        let job_id = enqueue_in(&mut tx, job, now).await?;
        tx.commit().await?;
        Ok(job_id)
    }

    /// Appends events durably. Returns once the commit has reached the disk.
    pub async fn append(
        &self,
        attempt_id: &str,
        events: &[AttemptEvent],
        now: Timestamp,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let head = attempt_in(&mut tx, attempt_id).await?;
        let seq = append_in(&mut tx, &head, events, now).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Reads the attempt and appends what `decide` returns for it, in one
    /// transaction: the check and the write see the same state. Returns the
    /// attempt as read and the last sequence number written.
    pub async fn append_if<E>(
        &self,
        attempt_id: &str,
        now: Timestamp,
        decide: impl FnOnce(&AttemptRow) -> std::result::Result<Vec<AttemptEvent>, E>,
    ) -> std::result::Result<(AttemptRow, i64), AppendError<E>> {
        let mut tx = self.begin_write().await?;
        let head = attempt_in(&mut tx, attempt_id).await?;
        let events = decide(&head).map_err(AppendError::Refused)?;
        let seq = append_in(&mut tx, &head, &events, now).await?;
        tx.commit().await?;
        Ok((head, seq))
    }

    /// Reads the attempt, appends what `decide` returns for it and enqueues `job`,
    /// in one transaction (the platform API's whole-sheet submit on a started
    /// attempt: the deadline check and the write see the same state). Returns the
    /// job's id.
    pub async fn append_and_enqueue_if<E>(
        &self,
        attempt_id: &str,
        now: Timestamp,
        decide: impl FnOnce(&AttemptRow) -> std::result::Result<Vec<AttemptEvent>, E>,
        job: &NewJob<'_>,
    ) -> std::result::Result<i64, AppendError<E>> {
        let mut tx = self.begin_write().await?;
        let head = attempt_in(&mut tx, attempt_id).await?;
        let events = decide(&head).map_err(AppendError::Refused)?;
        append_in(&mut tx, &head, &events, now).await?;
        let job_id = enqueue_in(&mut tx, job, now).await?;
        tx.commit().await?;
        Ok(job_id)
    }

    /// Appends `Submitted` and enqueues its grading job atomically.
    pub async fn submit(
        &self,
        attempt_id: &str,
        submitted: &AttemptEvent,
        job: &NewJob<'_>,
        now: Timestamp,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let head = attempt_in(&mut tx, attempt_id).await?;
        append_in(&mut tx, &head, std::slice::from_ref(submitted), now).await?;
        let job_id = enqueue_in(&mut tx, job, now).await?;
        tx.commit().await?;
        Ok(job_id)
    }

    /// Stores a batch of grading results, each with its `Graded` event, and marks
    /// their jobs done, in one transaction (one fsync for the batch) and a handful of
    /// set-based statements. An attempt graded already (a job re-run after a crash)
    /// just has its job closed.
    pub async fn complete_gradings(
        &self,
        done: &[(i64, String, SheetResult)],
        now: Timestamp,
    ) -> Result<()> {
        if done.is_empty() {
            return Ok(());
        }
        let ids: Vec<&str> = done.iter().map(|(_, a, _)| a.as_str()).collect();
        let ids_json =
            serde_json::to_string(&ids).map_err(|e| StoreError::corrupt("attempt ids", e))?;
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "SELECT {ATTEMPT_COLS} FROM attempts WHERE id IN (SELECT value FROM {})",
            self.backend.json_texts(1)
        );
        let heads: std::collections::HashMap<String, AttemptRow> =
            sqlx::query_as::<_, RawAttempt>(sqlx::AssertSqlSafe(sql))
                .bind(&ids_json)
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|r| AttemptRow::try_from(r).map(|a| (a.id.clone(), a)))
                .collect::<Result<_>>()?;
        let mut events = Vec::new();
        let mut results = Vec::new();
        let mut graded_ids = Vec::new();
        for (_, attempt_id, r) in done {
            let Some(head) = heads.get(attempt_id) else {
                continue;
            };
            let graded = AttemptEvent::Graded {
                total: r.total,
                max: r.max,
                percentage: r.percentage,
                passed: r.passed,
                awaiting_marking: r.awaiting_marking,
            };
            if !graded.allowed_in(head.status) {
                continue; // graded already
            }
            let seq = head.head_seq + 1;
            let payload = graded.to_payload();
            let prev = EventHash(head.head_hash.clone());
            let hash = EventHash::link(&prev, attempt_id, seq, now, &payload);
            events.push(serde_json::json!([
                attempt_id,
                seq,
                graded.type_name(),
                payload,
                prev.0,
                hash.0
            ]));
            let marks =
                serde_json::to_string(&r.marks).map_err(|e| StoreError::corrupt("marks", e))?;
            results.push(serde_json::json!([
                attempt_id,
                r.total,
                r.max,
                r.percentage,
                i64::from(r.passed),
                i64::from(r.awaiting_marking),
                marks
            ]));
            graded_ids.push(attempt_id.as_str());
        }
        let (rows, texts) = (self.backend.json_rows(1), self.backend.json_texts(1));
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO attempt_events (attempt_id, seq, at, kind, payload, prev_hash, hash) \
             SELECT value ->> 0, CAST(value ->> 1 AS BIGINT), $2, value ->> 2, value ->> 3, value ->> 4, value ->> 5 \
             FROM {rows}"
        )))
        .bind(to_json(&events)?)
        .bind(now.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE attempts SET status = 'graded' WHERE id IN (SELECT value FROM {texts})"
        )))
        .bind(to_json(&graded_ids)?)
        .execute(&mut *tx)
        .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO results (attempt_id, total, max, percentage, passed, awaiting_marking, marks, graded_at) \
             SELECT value ->> 0, CAST(value ->> 1 AS DOUBLE PRECISION), CAST(value ->> 2 AS DOUBLE PRECISION), \
             CAST(value ->> 3 AS DOUBLE PRECISION), CAST(value ->> 4 AS BIGINT), CAST(value ->> 5 AS BIGINT), \
             value ->> 6, $2 FROM {rows}"
        )))
        .bind(to_json(&results)?)
        .bind(now.0)
        .execute(&mut *tx)
        .await?;
        let job_ids: Vec<i64> = done.iter().map(|(j, _, _)| *j).collect();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET status = 'done', finished_at = $2, lease_until = NULL, error = NULL \
             WHERE id IN (SELECT CAST(value AS BIGINT) FROM {texts})"
        )))
        .bind(to_json(&job_ids)?)
        .bind(now.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records that the attempt's window is alive (no event; heartbeat only).
    pub async fn touch_attempt(&self, attempt_id: &str, now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE attempts SET last_seen_at = CASE WHEN last_seen_at > $2 THEN last_seen_at ELSE $2 END WHERE id = $1")
            .bind(attempt_id)
            .bind(now.0)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    pub async fn attempt(&self, id: &str) -> Result<Option<AttemptRow>> {
        let sql = format!("SELECT {ATTEMPT_COLS} FROM attempts WHERE id = $1");
        sqlx::query_as::<_, RawAttempt>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .map(AttemptRow::try_from)
            .transpose()
    }

    /// Attempts still in progress that this machine holds the chain of (not
    /// copies received from a seat or a hub, whose own machine submits them).
    pub async fn open_attempts_here(&self) -> Result<Vec<AttemptRow>> {
        let sql = format!(
            "SELECT {ATTEMPT_COLS} FROM attempts WHERE status = 'in_progress' AND device_id IS NULL AND moved_to IS NULL ORDER BY id"
        );
        sqlx::query_as::<_, RawAttempt>(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.read)
            .await?
            .into_iter()
            .map(AttemptRow::try_from)
            .collect()
    }

    pub async fn attempt_for(&self, exam_id: i64, user_id: i64) -> Result<Option<AttemptRow>> {
        let sql =
            // The live one: an attempt reset for a resit is kept but not theirs.
            format!("SELECT {ATTEMPT_COLS} FROM attempts WHERE exam_id = $1 AND user_id = $2 AND superseded_reason IS NULL");
        sqlx::query_as::<_, RawAttempt>(sqlx::AssertSqlSafe(sql))
            .bind(exam_id)
            .bind(user_id)
            .fetch_optional(&self.read)
            .await?
            .map(AttemptRow::try_from)
            .transpose()
    }

    pub async fn answers(&self, attempt_id: &str) -> Result<Vec<AnswerRow>> {
        let mut all = self.answers_of(&[attempt_id.to_owned()]).await?;
        Ok(all.remove(attempt_id).unwrap_or_default())
    }

    /// Current answers of many attempts in one query (for batch grading).
    pub async fn answers_of(
        &self,
        attempt_ids: &[String],
    ) -> Result<std::collections::HashMap<String, Vec<AnswerRow>>> {
        let ids = serde_json::to_string(attempt_ids)
            .map_err(|e| StoreError::corrupt("attempt ids", e))?;
        let rows: Vec<(String, String, Option<String>, i64, i64)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT attempt_id, question_id, answer, flagged, seq FROM attempt_answers \
                 WHERE attempt_id IN (SELECT value FROM {}) ORDER BY attempt_id, question_id",
                self.backend.json_texts(1)
            )))
            .bind(ids)
            .fetch_all(&self.read)
            .await?;
        let mut out: std::collections::HashMap<String, Vec<AnswerRow>> =
            std::collections::HashMap::new();
        for (attempt_id, question_id, answer, flagged, seq) in rows {
            let answer = answer
                .map(|j| serde_json::from_str(&j))
                .transpose()
                .map_err(|e| {
                    StoreError::corrupt(format!("answer to {question_id} in {attempt_id}"), e)
                })?;
            out.entry(attempt_id).or_default().push(AnswerRow {
                question_id,
                answer,
                flagged: flagged != 0,
                seq,
            });
        }
        Ok(out)
    }

    /// Many attempts in one query (for batch grading).
    pub async fn attempts_by_id(&self, attempt_ids: &[String]) -> Result<Vec<AttemptRow>> {
        let ids = serde_json::to_string(attempt_ids)
            .map_err(|e| StoreError::corrupt("attempt ids", e))?;
        let sql = format!(
            "SELECT {ATTEMPT_COLS} FROM attempts WHERE id IN (SELECT value FROM {})",
            self.backend.json_texts(1)
        );
        sqlx::query_as::<_, RawAttempt>(sqlx::AssertSqlSafe(sql))
            .bind(ids)
            .fetch_all(&self.read)
            .await?
            .into_iter()
            .map(AttemptRow::try_from)
            .collect()
    }

    pub async fn events(&self, attempt_id: &str) -> Result<Vec<StoredEvent>> {
        let mut conn = self.read.acquire().await?;
        events_in(&mut conn, attempt_id).await
    }

    pub async fn result(&self, attempt_id: &str) -> Result<Option<ResultRow>> {
        let mut conn = self.read.acquire().await?;
        result_in(&mut conn, attempt_id).await
    }

    /// Reads the attempt's result, and appends the teacher's `EssayMarked` event
    /// with the result `decide` recomputes from it, in one transaction: a mark
    /// given or a regrade committed meanwhile is never overwritten. `decide` sees
    /// `None` for an attempt not graded yet.
    pub async fn record_manual_mark<E>(
        &self,
        attempt_id: &str,
        now: Timestamp,
        decide: impl FnOnce(Option<ResultRow>) -> std::result::Result<(AttemptEvent, SheetResult), E>,
    ) -> std::result::Result<SheetResult, AppendError<E>> {
        let mut tx = self.begin_write().await?;
        let head = attempt_in(&mut tx, attempt_id).await?;
        let current = result_in(&mut tx, attempt_id).await?;
        let (event, result) = decide(current).map_err(AppendError::Refused)?;
        append_in(&mut tx, &head, std::slice::from_ref(&event), now).await?;
        update_result_in(&mut tx, attempt_id, &result).await?;
        tx.commit().await?;
        Ok(result)
    }

    /// Appends one staff decision (a void, a reset for a resit) to an
    /// attempt's chain, as its status allows, in one transaction.
    pub async fn append_staff_event(
        &self,
        attempt_id: &str,
        event: &AttemptEvent,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let head = attempt_in(&mut tx, attempt_id).await?;
        append_in(&mut tx, &head, std::slice::from_ref(event), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Graded attempts with an essay still unmarked: (attempt, exam, candidate).
    pub async fn awaiting_marking(&self) -> Result<Vec<(String, i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT a.id, a.exam_id, u.display_name || ' (' || u.username || ')' FROM results r \
             JOIN attempts a ON a.id = r.attempt_id JOIN users u ON u.id = a.user_id \
             WHERE r.awaiting_marking = 1 ORDER BY a.submitted_at",
        )
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn attempt_summaries(&self) -> Result<Vec<AttemptSummaryRow>> {
        Ok(sqlx::query_as(
            "SELECT a.id AS attempt_id, u.username, u.display_name, e.title AS exam_title, a.status, r.percentage, r.passed, \
             a.void_reason, a.superseded_reason FROM attempts a JOIN users u ON u.id = a.user_id JOIN exams e ON e.id = a.exam_id \
             LEFT JOIN results r ON r.attempt_id = a.id ORDER BY a.started_at DESC",
        )
        .fetch_all(&self.read)
        .await?)
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::corrupt("batch", e))
}
