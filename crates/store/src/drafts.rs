//! Builder drafts, and the builder's description of each exam it published
//! (kept so the exam can be cloned, or edited until its first attempt).

use crate::{Result, Store, StoreError};
use examhall_domain::{ExamSpec, Timestamp};

/// One saved draft. `body` is the builder's form as JSON (the protocol's
/// `PublishExam`); the store does not read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DraftRow {
    pub id: i64,
    pub owner_id: i64,
    pub title: String,
    pub body: String,
    pub exam_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Whether a published exam may still change in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExamLock {
    /// Nobody has started it and it has not gone out: it may change.
    Open,
    NoSuchExam,
    /// A candidate has started it: it is no longer changed.
    Started,
    /// It went out in a package (to a centre or a room's seats), which carries
    /// the exam as it was.
    Packaged,
}

const DRAFT_COLS: &str = "id, owner_id, title, body, exam_id, created_at, updated_at";

impl Store {
    pub async fn insert_draft(
        &self,
        owner_id: i64,
        title: &str,
        body: &str,
        exam_id: Option<i64>,
        now: Timestamp,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO exam_drafts (owner_id, title, body, exam_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(owner_id)
        .bind(title)
        .bind(body)
        .bind(exam_id)
        .bind(now.0)
        .fetch_one(&self.write)
        .await?)
    }

    /// Overwrites a draft's title and body; false if there is no such draft.
    pub async fn update_draft(
        &self,
        id: i64,
        title: &str,
        body: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE exam_drafts SET title = $2, body = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(title)
        .bind(body)
        .bind(now.0)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn draft(&self, id: i64) -> Result<Option<DraftRow>> {
        let sql = format!("SELECT {DRAFT_COLS} FROM exam_drafts WHERE id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.read)
            .await?)
    }

    /// A user's drafts, the latest changed first.
    pub async fn drafts_of(&self, owner_id: i64) -> Result<Vec<DraftRow>> {
        let sql = format!(
            "SELECT {DRAFT_COLS} FROM exam_drafts WHERE owner_id = $1 ORDER BY updated_at DESC, id DESC"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(owner_id)
            .fetch_all(&self.read)
            .await?)
    }

    /// The user's draft editing the exam, if they have one open.
    pub async fn draft_editing(&self, owner_id: i64, exam_id: i64) -> Result<Option<DraftRow>> {
        let sql = format!(
            "SELECT {DRAFT_COLS} FROM exam_drafts WHERE owner_id = $1 AND exam_id = $2 ORDER BY id LIMIT 1"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(owner_id)
            .bind(exam_id)
            .fetch_optional(&self.read)
            .await?)
    }

    pub async fn delete_draft(&self, id: i64) -> Result<bool> {
        let done = sqlx::query("DELETE FROM exam_drafts WHERE id = $1")
            .bind(id)
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The builder's draft behind an exam (JSON), if the builder made it.
    pub async fn exam_draft(&self, exam_id: i64) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar::<_, Option<String>>("SELECT draft FROM exams WHERE id = $1")
                .bind(exam_id)
                .fetch_optional(&self.read)
                .await?
                .flatten(),
        )
    }

    /// The exams that have the builder's draft behind them (they can be
    /// cloned, and edited until they start).
    pub async fn exams_with_draft(&self) -> Result<std::collections::HashSet<i64>> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM exams WHERE draft IS NOT NULL")
            .fetch_all(&self.read)
            .await?;
        Ok(ids.into_iter().collect())
    }

    /// Records the builder's draft behind a just-published exam.
    pub async fn set_exam_draft(&self, exam_id: i64, draft: &str) -> Result<()> {
        sqlx::query("UPDATE exams SET draft = $2 WHERE id = $1")
            .bind(exam_id)
            .bind(draft)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Whether the exam can still be changed in place: no attempt, no package.
    pub async fn exam_lock(&self, exam_id: i64) -> Result<ExamLock> {
        let (exists, started, packaged): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM exams WHERE id = $1), \
                    (SELECT COUNT(*) FROM attempts WHERE exam_id = $1), \
                    (SELECT COUNT(*) FROM packages WHERE exam_id = $1)",
        )
        .bind(exam_id)
        .fetch_one(&self.read)
        .await?;
        Ok(if exists == 0 {
            ExamLock::NoSuchExam
        } else if started > 0 {
            ExamLock::Started
        } else if packaged > 0 {
            ExamLock::Packaged
        } else {
            ExamLock::Open
        })
    }

    /// Changes a published exam to `spec` (built from `draft`), in one statement
    /// that does nothing once a candidate has started it or it went out in a
    /// package (`Open` when it was changed).
    pub async fn replace_exam(
        &self,
        exam_id: i64,
        spec: &ExamSpec,
        draft: &str,
        now: Timestamp,
    ) -> Result<ExamLock> {
        let json = serde_json::to_string(spec).map_err(|e| StoreError::corrupt("exam spec", e))?;
        let done = sqlx::query(
            "UPDATE exams SET title = $2, spec = $3, draft = $4, edited_at = $5 WHERE id = $1 \
             AND NOT EXISTS (SELECT 1 FROM attempts WHERE exam_id = $1) \
             AND NOT EXISTS (SELECT 1 FROM packages WHERE exam_id = $1)",
        )
        .bind(exam_id)
        .bind(&spec.title)
        .bind(json)
        .bind(draft)
        .bind(now.0)
        .execute(&self.write)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(ExamLock::Open);
        }
        match self.exam_lock(exam_id).await? {
            // Refused a moment ago, so something changed in between: say started.
            ExamLock::Open => Ok(ExamLock::Started),
            other => Ok(other),
        }
    }
}
