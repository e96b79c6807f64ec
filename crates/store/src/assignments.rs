//! Who may sit an exam, with which accommodations, and the record of every
//! change to that until the candidate starts.

use crate::{Result, Store};
use examhall_domain::Timestamp;

/// One candidate assigned to an exam, with their attempt if they started.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExamCandidateRow {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub candidate_number: Option<String>,
    pub time_multiplier: f64,
    pub display_preset: Option<String>,
    pub attempt_id: Option<String>,
    pub status: Option<String>,
}

/// One recorded change to an exam's assignments.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssignmentChangeRow {
    pub at: i64,
    pub by_username: Option<String>,
    pub username: String,
    pub action: String,
    pub time_multiplier: Option<f64>,
    pub display_preset: Option<String>,
}

/// What an assignment write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignOutcome {
    Assigned,
    Changed,
    Unchanged,
    /// The candidate has started: the assignment is no longer changed.
    Started,
}

/// What an unassignment did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnassignOutcome {
    Removed,
    NotAssigned,
    Started,
}

/// An assignment to write: the accommodations it is to carry.
#[derive(Debug, Clone, Copy)]
pub struct AssignmentWrite<'a> {
    pub exam_id: i64,
    pub user_id: i64,
    pub time_multiplier: f64,
    pub display_preset: Option<&'a str>,
    pub by: Option<i64>,
}

impl Store {
    /// Assigns the candidate, or changes the assignment's accommodations, unless
    /// they have started; the change is recorded in the same transaction.
    pub async fn write_assignment(
        &self,
        w: AssignmentWrite<'_>,
        now: Timestamp,
    ) -> Result<AssignOutcome> {
        let mut tx = self.write.begin().await?;
        if started(&mut tx, w.exam_id, w.user_id).await? {
            return Ok(AssignOutcome::Started);
        }
        let current: Option<(f64, Option<String>)> = sqlx::query_as(
            "SELECT time_multiplier, display_preset FROM assignments WHERE exam_id = $1 AND user_id = $2",
        )
        .bind(w.exam_id)
        .bind(w.user_id)
        .fetch_optional(&mut *tx)
        .await?;
        let outcome = match &current {
            Some((m, p)) if *m == w.time_multiplier && p.as_deref() == w.display_preset => {
                return Ok(AssignOutcome::Unchanged);
            }
            Some(_) => AssignOutcome::Changed,
            None => AssignOutcome::Assigned,
        };
        sqlx::query(
            "INSERT INTO assignments (exam_id, user_id, time_multiplier, display_preset) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (exam_id, user_id) DO UPDATE \
             SET time_multiplier = excluded.time_multiplier, display_preset = excluded.display_preset",
        )
        .bind(w.exam_id)
        .bind(w.user_id)
        .bind(w.time_multiplier)
        .bind(w.display_preset)
        .execute(&mut *tx)
        .await?;
        let action = if outcome == AssignOutcome::Assigned {
            "assigned"
        } else {
            "changed"
        };
        record(
            &mut tx,
            w.exam_id,
            w.user_id,
            w.by,
            action,
            Some((w.time_multiplier, w.display_preset)),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// Removes the candidate from the exam unless they have started; recorded in
    /// the same transaction.
    pub async fn unassign(
        &self,
        exam_id: i64,
        user_id: i64,
        by: Option<i64>,
        now: Timestamp,
    ) -> Result<UnassignOutcome> {
        let mut tx = self.write.begin().await?;
        if started(&mut tx, exam_id, user_id).await? {
            return Ok(UnassignOutcome::Started);
        }
        let gone = sqlx::query("DELETE FROM assignments WHERE exam_id = $1 AND user_id = $2")
            .bind(exam_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() == 0 {
            return Ok(UnassignOutcome::NotAssigned);
        }
        record(&mut tx, exam_id, user_id, by, "unassigned", None, now).await?;
        tx.commit().await?;
        Ok(UnassignOutcome::Removed)
    }

    /// Everyone assigned to the exam, with their attempt, by name.
    pub async fn exam_candidates(&self, exam_id: i64) -> Result<Vec<ExamCandidateRow>> {
        Ok(sqlx::query_as(
            "SELECT u.id AS user_id, u.username, u.display_name, u.candidate_number, \
                    COALESCE(a.time_multiplier, s.time_multiplier) AS time_multiplier, \
                    s.display_preset, a.id AS attempt_id, a.status \
             FROM assignments s JOIN users u ON u.id = s.user_id \
             LEFT JOIN attempts a ON a.exam_id = s.exam_id AND a.user_id = s.user_id \
             WHERE s.exam_id = $1 ORDER BY lower(u.display_name), u.username",
        )
        .bind(exam_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// The exam's recorded assignment changes, oldest first.
    pub async fn assignment_changes(&self, exam_id: i64) -> Result<Vec<AssignmentChangeRow>> {
        Ok(sqlx::query_as(
            "SELECT c.at, b.username AS by_username, u.username, c.action, c.time_multiplier, \
                    c.display_preset \
             FROM assignment_changes c JOIN users u ON u.id = c.user_id \
             LEFT JOIN users b ON b.id = c.by_user \
             WHERE c.exam_id = $1 ORDER BY c.id",
        )
        .bind(exam_id)
        .fetch_all(&self.read)
        .await?)
    }
}

/// Whether the candidate has an attempt at the exam (from then on the
/// assignment is fixed).
async fn started(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    exam_id: i64,
    user_id: i64,
) -> Result<bool> {
    let id: Option<String> =
        sqlx::query_scalar("SELECT id FROM attempts WHERE exam_id = $1 AND user_id = $2")
            .bind(exam_id)
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(id.is_some())
}

/// Appends one change; `values` are the accommodations after it (none for an
/// unassignment).
async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    exam_id: i64,
    user_id: i64,
    by: Option<i64>,
    action: &str,
    values: Option<(f64, Option<&str>)>,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO assignment_changes \
         (exam_id, user_id, at, by_user, action, time_multiplier, display_preset) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(exam_id)
    .bind(user_id)
    .bind(now.0)
    .bind(by)
    .bind(action)
    .bind(values.map(|v| v.0))
    .bind(values.and_then(|v| v.1))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// The accommodation profile on a candidate's account (time multiplier,
    /// display preset JSON), which new assignments start from.
    pub async fn accommodation_profile(
        &self,
        user_id: i64,
    ) -> Result<Option<(f64, Option<String>)>> {
        Ok(
            sqlx::query_as("SELECT time_multiplier, display_preset FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.read)
                .await?,
        )
    }
}
