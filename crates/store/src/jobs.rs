use crate::{Backend, Result, Store};
use examhall_domain::Timestamp;
use sqlx::AnyConnection;

#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub kind: &'a str,
    pub payload: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub status: String,
    pub tries: i64,
    pub max_tries: i64,
    pub error: Option<String>,
}

pub(crate) async fn enqueue_in(
    conn: &mut AnyConnection,
    job: &NewJob<'_>,
    now: Timestamp,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, status, run_after, created_at) VALUES ($1, $2, 'pending', $3, $3) RETURNING id",
    )
    .bind(job.kind)
    .bind(&job.payload)
    .bind(now.0)
    .fetch_one(conn)
    .await?)
}

impl Store {
    pub async fn enqueue(&self, job: &NewJob<'_>, now: Timestamp) -> Result<i64> {
        let mut conn = self.write.acquire().await?;
        enqueue_in(&mut conn, job, now).await
    }

    /// Claims up to `limit` ready jobs: pending ones whose time has come, and running
    /// ones whose lease expired (their worker died). Each claim takes a lease.
    pub async fn claim_jobs(
        &self,
        now: Timestamp,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<JobRow>> {
        // On PostgreSQL several workers (on several servers) may claim at once: each
        // skips the rows another is claiming. SQLite has one writer; no locks needed.
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET status = 'running', tries = tries + 1, lease_until = $2 \
             WHERE id IN (SELECT id FROM jobs \
                          WHERE (status = 'pending' AND run_after <= $1) OR (status = 'running' AND lease_until < $1) \
                          ORDER BY id LIMIT $3{lock}) \
             RETURNING id, kind, payload, status, tries, max_tries, error"
        )))
        .bind(now.0)
        .bind(now.0 + lease_ms)
        .bind(limit)
        .fetch_all(&self.write)
        .await?)
    }

    /// Records a failure: retried at `retry_at`, or failed for good when `retry_at` is `None`.
    pub async fn fail_job(
        &self,
        job_id: i64,
        error: &str,
        retry_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<()> {
        match retry_at {
            Some(at) => sqlx::query("UPDATE jobs SET status = 'pending', run_after = $2, lease_until = NULL, error = $3 WHERE id = $1")
                .bind(job_id)
                .bind(at.0)
                .bind(error),
            None => sqlx::query("UPDATE jobs SET status = 'failed', finished_at = $2, lease_until = NULL, error = $3 WHERE id = $1")
                .bind(job_id)
                .bind(now.0)
                .bind(error),
        }
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn job(&self, id: i64) -> Result<Option<JobRow>> {
        Ok(sqlx::query_as(
            "SELECT id, kind, payload, status, tries, max_tries, error FROM jobs WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn count_jobs(&self, status: &str) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status = $1")
                .bind(status)
                .fetch_one(&self.read)
                .await?,
        )
    }
}
