//! The grading worker: a loop over `try_run_next()` on the tokio runtime. Jobs
//! live in SQLite, so they survive restarts; a job whose worker died is claimed
//! again when its lease runs out.

use crate::candidate::{answer_map, GradePayload, GRADE_JOB};
use crate::{App, AppResult};
use anyhow::Context as _;
use examhall_domain::{grade_sheet, SheetResult};
use examhall_store::JobRow;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing was ready.
    Idle,
    /// A batch ran: this many graded and stored, this many failed.
    Ran { graded: usize, failed: usize },
}

#[derive(Debug, Clone)]
pub struct Worker {
    app: App,
}

impl Worker {
    pub(crate) fn new(app: App) -> Worker {
        Worker { app }
    }

    /// Claims a batch of ready jobs, grades them, and commits all their results
    /// in one transaction. Deterministic: tests call it until it says `Idle`.
    pub async fn try_run_next(&self) -> AppResult<Outcome> {
        let store = self.app.store();
        let s = self.app.settings();
        let now = self.app.now();
        let jobs = store.claim_jobs(now, s.job_lease_ms, s.grading_batch).await?;
        if jobs.is_empty() {
            return Ok(Outcome::Idle);
        }
        let mut done = Vec::with_capacity(jobs.len());
        let mut failed = 0;
        for job in jobs {
            if job.tries > job.max_tries {
                let msg = format!("gave up after {} tries", job.max_tries);
                store.fail_job(job.id, &msg, None, now).await?;
                failed += 1;
                continue;
            }
            match self.grade(&job).await {
                Ok((attempt_id, result)) => done.push((job.id, attempt_id, result)),
                Err(e) => {
                    failed += 1;
                    tracing::error!(job = job.id, error = ?e, "grading failed");
                    let retry = (job.tries < job.max_tries).then(|| now.plus_millis(1000 << job.tries.min(10)));
                    store.fail_job(job.id, &format!("{e:#}"), retry, now).await?;
                }
            }
        }
        let graded = done.len();
        store.complete_gradings(&done, self.app.now()).await?;
        Ok(Outcome::Ran { graded, failed })
    }

    async fn grade(&self, job: &JobRow) -> anyhow::Result<(String, SheetResult)> {
        anyhow::ensure!(job.kind == GRADE_JOB, "unknown job kind {:?}", job.kind);
        let p: GradePayload = serde_json::from_str(&job.payload).context("reading the job's payload")?;
        let store = self.app.store();
        let attempt = store.attempt(&p.attempt_id).await?.with_context(|| format!("attempt {} is missing", p.attempt_id))?;
        let exam = self.app.exam(attempt.exam_id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let answers = answer_map(store.answers(&attempt.id).await?);
        Ok((attempt.id, grade_sheet(&exam, &answers)))
    }

    /// Runs until `shutdown` turns true, sleeping when idle and waking on new jobs.
    pub async fn run(self, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        tracing::info!("grading worker started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            let idle = match self.try_run_next().await {
                Ok(Outcome::Idle) => true,
                Ok(Outcome::Ran { graded, failed }) => {
                    tracing::info!(graded, failed, "grading batch done");
                    false
                }
                Err(e) => {
                    tracing::error!(error = ?e, "grading worker step failed");
                    true
                }
            };
            if idle {
                tokio::select! {
                    _ = self.app.inner.jobs_ready.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        tracing::info!("grading worker stopped");
    }
}
