//! The grading worker: a loop over `try_run_next()` on the tokio runtime. Jobs
//! live in SQLite, so they survive restarts; a job whose worker died is claimed
//! again when its lease runs out.

use crate::candidate::{answer_map, GradePayload, GRADE_JOB};
use crate::{App, AppResult};
use anyhow::Context as _;
use examhall_domain::{grade_sheet, SheetResult, SubmitReason};
use examhall_store::AttemptRow;
use std::collections::HashMap;
use std::time::Duration;

/// How often the worker looks for attempts whose time ran out.
const SWEEP_EVERY: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing was ready.
    Idle,
    /// A batch ran: this many graded (or regraded) and stored, this many failed.
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
        let jobs = store
            .claim_jobs(now, s.job_lease_ms, s.grading_batch)
            .await?;
        if jobs.is_empty() {
            return Ok(Outcome::Idle);
        }
        let mut done = Vec::with_capacity(jobs.len());
        let mut failed = 0;
        let mut regraded = 0;
        // Read everything the batch needs in two queries, then grade in memory.
        let mut todo = Vec::with_capacity(jobs.len());
        for job in jobs {
            if job.tries > job.max_tries {
                let msg = format!("gave up after {} tries", job.max_tries);
                store.fail_job(job.id, &msg, None, now).await?;
                failed += 1;
                continue;
            }
            if job.kind == crate::regrade::REGRADE_JOB {
                match self.app.run_regrade(job.id, &job.payload).await {
                    Ok(()) => regraded += 1,
                    Err(e) => {
                        failed += 1;
                        tracing::error!(job = job.id, error = ?e, "regrade failed");
                        let retry = (job.tries < job.max_tries)
                            .then(|| now.plus_millis(1000 << job.tries.min(10)));
                        store
                            .fail_job(job.id, &format!("{e:#}"), retry, now)
                            .await?;
                    }
                }
                continue;
            }
            let payload = (job.kind == GRADE_JOB)
                .then(|| serde_json::from_str::<GradePayload>(&job.payload).ok())
                .flatten();
            todo.push((job, payload));
        }
        let ids: Vec<String> = todo
            .iter()
            .filter_map(|(_, p)| p.as_ref().map(|p| p.attempt_id.clone()))
            .collect();
        let attempts: HashMap<String, AttemptRow> = store
            .attempts_by_id(&ids)
            .await?
            .into_iter()
            .map(|a| (a.id.clone(), a))
            .collect();
        let mut answers = store.answers_of(&ids).await?;
        for (job, payload) in todo {
            let graded = match payload {
                None => Err(anyhow::anyhow!(
                    "job {} is not a readable grading job ({:?})",
                    job.id,
                    job.kind
                )),
                Some(p) => {
                    self.grade(
                        &p.attempt_id,
                        attempts.get(&p.attempt_id),
                        answers.remove(&p.attempt_id),
                    )
                    .await
                }
            };
            match graded {
                Ok(result) => done.push((job.id, result.0, result.1)),
                Err(e) => {
                    failed += 1;
                    tracing::error!(job = job.id, error = ?e, "grading failed");
                    let retry = (job.tries < job.max_tries)
                        .then(|| now.plus_millis(1000 << job.tries.min(10)));
                    store
                        .fail_job(job.id, &format!("{e:#}"), retry, now)
                        .await?;
                }
            }
        }
        let graded = done.len() + regraded;
        store.complete_gradings(&done, self.app.now()).await?;
        Ok(Outcome::Ran { graded, failed })
    }

    async fn grade(
        &self,
        attempt_id: &str,
        attempt: Option<&AttemptRow>,
        answers: Option<Vec<examhall_store::AnswerRow>>,
    ) -> anyhow::Result<(String, SheetResult)> {
        let attempt = attempt.with_context(|| format!("attempt {attempt_id} is missing"))?;
        let exam = self
            .app
            .exam(attempt.exam_id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let answers = answer_map(answers.unwrap_or_default());
        let sat = exam.for_attempt(&attempt.id);
        Ok((attempt.id.clone(), grade_sheet(&sat, &answers)))
    }

    /// Submits, with reason `time_up`, every attempt this machine holds whose
    /// time ran out (deadline plus the save grace, paused time excluded), even
    /// when no window, heartbeat or console is looking at it. Copies of a
    /// seat's attempts (held at a hub or HQ) are left to the seat, which owns
    /// their chain. Returns how many it submitted; one attempt's failure is
    /// logged and the rest still swept.
    pub async fn sweep_overdue(&self) -> AppResult<usize> {
        let now = self.app.now();
        let grace = self.app.settings().save_grace_ms;
        let mut swept = 0;
        for a in self.app.store().open_attempts_here().await? {
            if !crate::candidate::time_ran_out(&a, now, grace) {
                continue;
            }
            match self.app.submit_now(&a.id, SubmitReason::TimeUp).await {
                Ok(_) => {
                    swept += 1;
                    tracing::info!(attempt = %a.id, "time ran out: submitted by the sweeper");
                }
                // Submitted a moment ago by its window or a heartbeat.
                Err(crate::AppError::Conflict(_)) => {}
                Err(e) => {
                    tracing::error!(attempt = %a.id, error = ?e, "sweeping an attempt failed")
                }
            }
        }
        Ok(swept)
    }

    /// Runs until `shutdown` turns true, sleeping when idle and waking on new
    /// jobs; sweeps attempts whose time ran out every few seconds.
    pub async fn run(self, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        tracing::info!("grading worker started");
        let mut last_sweep: Option<std::time::Instant> = None;
        loop {
            if *shutdown.borrow() {
                break;
            }
            if last_sweep.is_none_or(|t| t.elapsed() >= SWEEP_EVERY) {
                last_sweep = Some(std::time::Instant::now());
                if let Err(e) = self.sweep_overdue().await {
                    tracing::error!(error = ?e, "sweeping attempts past their deadline failed");
                }
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
