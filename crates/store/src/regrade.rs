//! Answer-key corrections and the regrade jobs they start.

use crate::attempts::{append_in, attempt_in, result_in, update_result_in, ResultRow};
use crate::jobs::{enqueue_in, NewJob};
use crate::{Result, Store, StoreError};
use examhall_domain::{AttemptEvent, QuestionKind, SheetResult, Timestamp};

#[derive(Debug, Clone)]
pub struct KeyCorrectionRow {
    pub id: i64,
    pub exam_id: i64,
    pub question_id: String,
    pub key: QuestionKind,
    /// The question is void: full marks to every candidate who got it.
    pub voided: bool,
    pub reason: String,
    pub by_user: i64,
    pub at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct RawCorrection {
    id: i64,
    exam_id: i64,
    question_id: String,
    key: String,
    voided: i64,
    reason: String,
    by_user: i64,
    at: i64,
}

/// A correction to store: the exam, the question and its new key.
#[derive(Debug, Clone)]
pub struct NewKeyCorrection<'a> {
    pub exam_id: i64,
    pub question_id: &'a str,
    pub key: &'a QuestionKind,
    pub voided: bool,
    pub reason: &'a str,
    pub by_user: i64,
}

impl Store {
    /// Every key correction of an exam, oldest first.
    pub async fn key_corrections(&self, exam_id: i64) -> Result<Vec<KeyCorrectionRow>> {
        sqlx::query_as::<_, RawCorrection>(
            "SELECT id, exam_id, question_id, key, voided, reason, by_user, at FROM key_corrections \
             WHERE exam_id = $1 ORDER BY id",
        )
        .bind(exam_id)
        .fetch_all(&self.read)
        .await?
        .into_iter()
        .map(|r| {
            Ok(KeyCorrectionRow {
                key: serde_json::from_str(&r.key).map_err(|e| {
                    StoreError::corrupt(format!("key_corrections.key of {}", r.id), e)
                })?,
                voided: r.voided != 0,
                id: r.id,
                exam_id: r.exam_id,
                question_id: r.question_id,
                reason: r.reason,
                by_user: r.by_user,
                at: Timestamp(r.at),
            })
        })
        .collect()
    }

    /// Stores a key correction and enqueues one job per attempt to regrade, in
    /// one transaction: either the correction and all its jobs exist, or neither.
    /// `job` builds each job's payload from (correction id, attempt id).
    pub async fn correct_key(
        &self,
        c: NewKeyCorrection<'_>,
        attempts: &[String],
        job_kind: &str,
        job: impl Fn(i64, &str) -> String,
        now: Timestamp,
    ) -> Result<(i64, Vec<i64>)> {
        let key = serde_json::to_string(c.key).map_err(|e| StoreError::corrupt("key", e))?;
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO key_corrections (exam_id, question_id, key, voided, reason, by_user, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(c.exam_id)
        .bind(c.question_id)
        .bind(key)
        .bind(i64::from(c.voided))
        .bind(c.reason)
        .bind(c.by_user)
        .bind(now.0)
        .fetch_one(&mut *tx)
        .await?;
        let mut jobs = Vec::with_capacity(attempts.len());
        for a in attempts {
            let new = NewJob {
                kind: job_kind,
                payload: job(id, a),
            };
            jobs.push(enqueue_in(&mut tx, &new, now).await?);
        }
        tx.commit().await?;
        Ok((id, jobs))
    }

    /// Records one attempt's regrade: its `Regraded` event, the new result and the
    /// job's completion, in one transaction. The new result is computed by
    /// `regrade` from the result as it stands inside that transaction, so a hand
    /// mark committed meanwhile is kept. A job finished already (claimed twice
    /// after a lease ran out) changes nothing and returns `false`. An attempt
    /// without a result is `NotFound` (the job fails and is retried).
    pub async fn record_regrade(
        &self,
        job_id: i64,
        attempt_id: &str,
        now: Timestamp,
        regrade: impl FnOnce(ResultRow) -> (AttemptEvent, SheetResult),
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1")
            .bind(job_id)
            .fetch_optional(&mut *tx)
            .await?;
        if status.as_deref() == Some("done") {
            return Ok(false);
        }
        let head = attempt_in(&mut tx, attempt_id).await?;
        let current = result_in(&mut tx, attempt_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("the result of attempt {attempt_id}")))?;
        let (event, result) = regrade(current);
        append_in(&mut tx, &head, std::slice::from_ref(&event), now).await?;
        update_result_in(&mut tx, attempt_id, &result).await?;
        sqlx::query(
            "UPDATE jobs SET status = 'done', finished_at = $2, lease_until = NULL, error = NULL WHERE id = $1",
        )
        .bind(job_id)
        .bind(now.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
