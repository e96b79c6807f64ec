use crate::{Result, Store, StoreError};
use examhall_domain::{ExamSpec, Timestamp};
use sqlx::AnyConnection;

#[derive(Debug, Clone)]
pub struct ExamRow {
    pub id: i64,
    pub spec: ExamSpec,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SittingRow {
    pub id: i64,
    pub exam_id: i64,
    pub start_code: String,
    pub opened_by: i64,
    pub opened_at: i64,
}

fn parse_exam(id: i64, spec: &str) -> Result<ExamRow> {
    let spec = serde_json::from_str(spec)
        .map_err(|e| StoreError::corrupt(format!("exams.spec of exam {id}"), e))?;
    Ok(ExamRow { id, spec })
}

/// Opens a sitting inside the caller's transaction, closing any open one.
pub(crate) async fn open_sitting_in(
    conn: &mut AnyConnection,
    exam_id: i64,
    start_code: &str,
    opened_by: i64,
    now: Timestamp,
) -> Result<i64> {
    sqlx::query("UPDATE sittings SET closed_at = $2 WHERE exam_id = $1 AND closed_at IS NULL")
        .bind(exam_id)
        .bind(now.0)
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO sittings (exam_id, start_code, opened_by, opened_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(exam_id)
    .bind(start_code)
    .bind(opened_by)
    .bind(now.0)
    .fetch_one(&mut *conn)
    .await?)
}

impl Store {
    pub async fn insert_exam(
        &self,
        spec: &ExamSpec,
        created_by: Option<i64>,
        now: Timestamp,
    ) -> Result<i64> {
        let json = serde_json::to_string(spec).map_err(|e| StoreError::corrupt("exam spec", e))?;
        Ok(sqlx::query_scalar(
            "INSERT INTO exams (title, spec, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&spec.title)
        .bind(json)
        .bind(created_by)
        .bind(now.0)
        .fetch_one(&self.write)
        .await?)
    }

    pub async fn exam(&self, id: i64) -> Result<Option<ExamRow>> {
        let row: Option<(i64, String)> = sqlx::query_as("SELECT id, spec FROM exams WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await?;
        row.map(|(id, spec)| parse_exam(id, &spec)).transpose()
    }

    pub async fn list_exams(&self) -> Result<Vec<ExamRow>> {
        let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, spec FROM exams ORDER BY id")
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|(id, spec)| parse_exam(*id, spec))
            .collect()
    }

    pub async fn assign(&self, exam_id: i64, user_id: i64, time_multiplier: f64) -> Result<()> {
        sqlx::query(
            "INSERT INTO assignments (exam_id, user_id, time_multiplier) VALUES ($1, $2, $3) \
             ON CONFLICT(exam_id, user_id) DO UPDATE SET time_multiplier = excluded.time_multiplier",
        )
        .bind(exam_id)
        .bind(user_id)
        .bind(time_multiplier)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// A candidate's planned display accommodation for an exam (JSON; `None` clears it).
    pub async fn set_display_preset(
        &self,
        exam_id: i64,
        user_id: i64,
        preset: Option<&str>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE assignments SET display_preset = $3 WHERE exam_id = $1 AND user_id = $2",
        )
        .bind(exam_id)
        .bind(user_id)
        .bind(preset)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn display_preset(&self, exam_id: i64, user_id: i64) -> Result<Option<String>> {
        Ok(sqlx::query_scalar::<_, Option<String>>(
            "SELECT display_preset FROM assignments WHERE exam_id = $1 AND user_id = $2",
        )
        .bind(exam_id)
        .bind(user_id)
        .fetch_optional(&self.read)
        .await?
        .flatten())
    }

    /// Exams assigned to a candidate, with the candidate's time multiplier.
    pub async fn assigned_exams(&self, user_id: i64) -> Result<Vec<(ExamRow, f64)>> {
        let rows: Vec<(i64, String, f64)> = sqlx::query_as(
            "SELECT e.id, e.spec, a.time_multiplier FROM assignments a JOIN exams e ON e.id = a.exam_id \
             WHERE a.user_id = $1 ORDER BY e.id",
        )
        .bind(user_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|(id, spec, m)| Ok((parse_exam(*id, spec)?, *m)))
            .collect()
    }

    pub async fn assignment(&self, exam_id: i64, user_id: i64) -> Result<Option<f64>> {
        Ok(sqlx::query_scalar(
            "SELECT time_multiplier FROM assignments WHERE exam_id = $1 AND user_id = $2",
        )
        .bind(exam_id)
        .bind(user_id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// Opens a new sitting for the exam with this start code, closing any open one.
    pub async fn open_sitting(
        &self,
        exam_id: i64,
        start_code: &str,
        opened_by: i64,
        now: Timestamp,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id = open_sitting_in(&mut tx, exam_id, start_code, opened_by, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn open_sitting_for(&self, exam_id: i64) -> Result<Option<SittingRow>> {
        Ok(sqlx::query_as(
            "SELECT id, exam_id, start_code, opened_by, opened_at FROM sittings \
             WHERE exam_id = $1 AND closed_at IS NULL ORDER BY id DESC LIMIT 1",
        )
        .bind(exam_id)
        .fetch_optional(&self.read)
        .await?)
    }
}
