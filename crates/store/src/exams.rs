use crate::{Result, Store, StoreError};
use examhall_domain::{ExamSpec, SittingWindow, Timestamp};
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
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub late_start_minutes: Option<i64>,
}

impl SittingRow {
    /// The sitting's schedule (a stored bound out of range is read as none).
    pub fn window(&self) -> SittingWindow {
        SittingWindow {
            opens_at: self.opens_at.map(Timestamp),
            closes_at: self.closes_at.map(Timestamp),
            late_start_minutes: self.late_start_minutes.and_then(|m| u32::try_from(m).ok()),
        }
    }
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
    window: &SittingWindow,
    now: Timestamp,
) -> Result<i64> {
    sqlx::query("UPDATE sittings SET closed_at = $2 WHERE exam_id = $1 AND closed_at IS NULL")
        .bind(exam_id)
        .bind(now.0)
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO sittings (exam_id, start_code, opened_by, opened_at, opens_at, closes_at, late_start_minutes) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(exam_id)
    .bind(start_code)
    .bind(opened_by)
    .bind(now.0)
    .bind(window.opens_at.map(|t| t.0))
    .bind(window.closes_at.map(|t| t.0))
    .bind(window.late_start_minutes.map(i64::from))
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

    /// The attempts held of exam `exam_id` (superseded ones left out).
    pub async fn attempts_of_exam(&self, exam_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT count(*) FROM attempts WHERE exam_id = $1 AND superseded_reason IS NULL",
        )
        .bind(exam_id)
        .fetch_one(&self.read)
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
        self.open_scheduled_sitting(
            exam_id,
            start_code,
            opened_by,
            &SittingWindow::default(),
            now,
        )
        .await
    }

    /// Opens a new sitting with a schedule, closing any open one.
    pub async fn open_scheduled_sitting(
        &self,
        exam_id: i64,
        start_code: &str,
        opened_by: i64,
        window: &SittingWindow,
        now: Timestamp,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id = open_sitting_in(&mut tx, exam_id, start_code, opened_by, window, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Closes the exam's open sitting (its code stops working; started attempts
    /// go on). False if none was open.
    pub async fn close_sitting(&self, exam_id: i64, now: Timestamp) -> Result<bool> {
        let r = sqlx::query(
            "UPDATE sittings SET closed_at = $2 WHERE exam_id = $1 AND closed_at IS NULL",
        )
        .bind(exam_id)
        .bind(now.0)
        .execute(&self.write)
        .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Sittings not closed whose window meets `[from, to)`, earliest first.
    pub async fn sittings_meeting(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<SittingRow>> {
        Ok(sqlx::query_as(
            "SELECT id, exam_id, start_code, opened_by, opened_at, opens_at, closes_at, late_start_minutes \
             FROM sittings WHERE closed_at IS NULL \
               AND COALESCE(opens_at, opened_at) < $2 AND (closes_at IS NULL OR closes_at > $1) \
             ORDER BY COALESCE(opens_at, opened_at), id",
        )
        .bind(from.0)
        .bind(to.0)
        .fetch_all(&self.read)
        .await?)
    }

    /// Attempts running now on this machine: (exam, candidate's username).
    pub async fn attempts_in_progress(&self) -> Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT a.exam_id, u.username FROM attempts a JOIN users u ON u.id = a.user_id \
             WHERE a.status = 'in_progress' ORDER BY a.exam_id, u.username",
        )
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn open_sitting_for(&self, exam_id: i64) -> Result<Option<SittingRow>> {
        Ok(sqlx::query_as(
            "SELECT id, exam_id, start_code, opened_by, opened_at, opens_at, closes_at, late_start_minutes \
             FROM sittings WHERE exam_id = $1 AND closed_at IS NULL ORDER BY id DESC LIMIT 1",
        )
        .bind(exam_id)
        .fetch_optional(&self.read)
        .await?)
    }
}

/// Who may reach an exam: its author, whether any student may start it online,
/// and whether it travels to centres in a package (sealed at HQ until exam day).
#[derive(Debug, Clone, PartialEq)]
pub struct ExamAccessRow {
    pub id: i64,
    /// `None` for an exam that came from a package (made by HQ, not on this machine).
    pub created_by: Option<i64>,
    pub open_online: bool,
    /// Received from HQ in a package, or published from here in one.
    pub packaged: bool,
}

/// What an owner can share with another teacher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareKind {
    Exam,
    Question,
}

impl ShareKind {
    fn as_str(self) -> &'static str {
        match self {
            ShareKind::Exam => "exam",
            ShareKind::Question => "question",
        }
    }
}

macro_rules! access_select {
    ($rest:literal) => {
        concat!(
            "SELECT e.id, e.created_by, e.open_online, \
             CAST(CASE WHEN e.package_id IS NOT NULL OR EXISTS \
               (SELECT 1 FROM packages p WHERE p.exam_id = e.id AND p.origin = 'published') \
               THEN 1 ELSE 0 END AS BIGINT) \
             FROM exams e ",
            $rest
        )
    };
}

type AccessRaw = (i64, Option<i64>, crate::Flag, crate::Flag);

fn access_row((id, created_by, open, packaged): AccessRaw) -> ExamAccessRow {
    ExamAccessRow {
        id,
        created_by,
        open_online: open.0,
        packaged: packaged.0,
    }
}

impl Store {
    pub async fn exam_access(&self, exam_id: i64) -> Result<Option<ExamAccessRow>> {
        let raw: Option<AccessRaw> = sqlx::query_as(access_select!("WHERE e.id = $1"))
            .bind(exam_id)
            .fetch_optional(&self.read)
            .await?;
        Ok(raw.map(access_row))
    }

    /// Every exam's access facts, by id.
    pub async fn exams_access(&self) -> Result<Vec<ExamAccessRow>> {
        let raw: Vec<AccessRaw> = sqlx::query_as(access_select!("ORDER BY e.id"))
            .fetch_all(&self.read)
            .await?;
        Ok(raw.into_iter().map(access_row).collect())
    }

    pub async fn set_exam_open_online(&self, exam_id: i64, open: bool) -> Result<()> {
        sqlx::query("UPDATE exams SET open_online = $2 WHERE id = $1")
            .bind(exam_id)
            .bind(i64::from(open))
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Shares an exam or a bank question with a user (again: nothing changes).
    pub async fn share(
        &self,
        kind: ShareKind,
        object_id: i64,
        user_id: i64,
        by: i64,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO shares (object_kind, object_id, user_id, shared_by, shared_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (object_kind, object_id, user_id) DO NOTHING",
        )
        .bind(kind.as_str())
        .bind(object_id)
        .bind(user_id)
        .bind(by)
        .bind(now.0)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The ids of what was shared with a user.
    pub async fn shared_with(&self, kind: ShareKind, user_id: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT object_id FROM shares WHERE object_kind = $1 AND user_id = $2 ORDER BY object_id",
        )
        .bind(kind.as_str())
        .bind(user_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Rows of `table` matching `filter`. For tests and diagnostics only: both
    /// are SQL written by the caller, never user input.
    #[doc(hidden)]
    pub async fn count_rows(&self, table: &str, filter: &str) -> Result<i64> {
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM {table} WHERE {filter}"
        )))
        .fetch_one(&self.read)
        .await?)
    }
}
