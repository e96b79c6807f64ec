//! Answer-key corrections: a dry run that shows, per candidate, the old and new
//! score and who crosses the pass mark; then the correction on record and one
//! regrade job per graded attempt, run by the worker.

use crate::candidate::answer_map;
use crate::{App, AppError, AppResult};
use examhall_domain::{regrade_sheet, AttemptEvent, ExamSpec, QuestionId, Role, SheetResult};
use examhall_protocol::{
    KeyCorrection, QuestionKeyDto, RegradePreviewDto, RegradeRowDto, RegradeStartedDto,
};
use serde::{Deserialize, Serialize};

pub(crate) const REGRADE_JOB: &str = "regrade_attempt";
const CORRECTORS: &[Role] = &[Role::Teacher, Role::Admin];
const MAX_REASON_CHARS: usize = 500;

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RegradePayload {
    pub attempt_id: String,
    pub correction: i64,
    pub question_id: String,
}

impl App {
    /// Checks the correction and returns the exam with it applied.
    async fn corrected(&self, c: &KeyCorrection) -> AppResult<(ExamSpec, QuestionId, String)> {
        let reason = c.reason.trim().to_owned();
        if reason.is_empty() {
            return Err(AppError::invalid(
                "reason",
                "say why the key changes (it is kept with the results)",
            ));
        }
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(AppError::invalid(
                "reason",
                format!("at most {MAX_REASON_CHARS} characters"),
            ));
        }
        let exam = self.exam(c.exam_id).await?;
        let qid = QuestionId::parse(&c.question_id).ok_or_else(|| {
            AppError::invalid(
                "question_id",
                format!("{:?} is not a question id", c.question_id),
            )
        })?;
        let corrected = match (&c.key, c.void) {
            (Some(key), false) => exam
                .with_corrected_key(&qid, key.clone())
                .map_err(|e| AppError::invalid("key", e.to_string()))?,
            (None, true) => exam
                .with_voided(&qid)
                .map_err(|e| AppError::invalid("question_id", e.to_string()))?,
            (Some(_), true) => {
                return Err(AppError::invalid(
                    "void",
                    "a question is either voided or given a new key, not both",
                ))
            }
            (None, false) => {
                return Err(AppError::invalid(
                    "key",
                    "give the question's new key, or void it",
                ))
            }
        };
        Ok((corrected, qid, reason))
    }

    /// Every question of an exam with its key as corrected so far, for the
    /// correction screen (staff only: keys never reach candidates).
    pub async fn exam_keys(&self, token: &str, exam_id: i64) -> AppResult<Vec<QuestionKeyDto>> {
        let actor = self.actor(token).await?;
        actor.require(CORRECTORS, "correct answer keys")?;
        // The teachers who manage the exam (and administrators): keys are theirs.
        self.managed_exam(&actor, exam_id, "correct answer keys")
            .await?;
        let exam = self.load_exam(exam_id).await?;
        Ok(exam
            .questions
            .iter()
            .map(|q| QuestionKeyDto {
                question_id: q.id.to_string(),
                prompt: q.prompt.clone(),
                marks: q.marks,
                key: q.kind.clone(),
                voided: exam.voided.contains(&q.id),
            })
            .collect())
    }

    /// What the correction would do to every graded attempt. Writes nothing.
    pub async fn preview_regrade(
        &self,
        token: &str,
        c: KeyCorrection,
    ) -> AppResult<RegradePreviewDto> {
        let actor = self.actor(token).await?;
        actor.require(CORRECTORS, "correct answer keys")?;
        self.managed_exam(&actor, c.exam_id, "correct answer keys")
            .await?;
        let (corrected, _, _) = self.corrected(&c).await?;
        let rows = self.store().sheet_rows(c.exam_id).await?;
        let ids: Vec<String> = rows.iter().map(|r| r.attempt_id.clone()).collect();
        let mut answers = self.store().answers_of(&ids).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let previous = SheetResult::from_marks(r.result.marks.clone(), corrected.pass_mark_pct);
            let sheet = answer_map(answers.remove(&r.attempt_id).unwrap_or_default());
            let new = regrade_sheet(&corrected.for_attempt(&r.attempt_id), &sheet, &previous);
            out.push(RegradeRowDto {
                attempt_id: r.attempt_id,
                candidate: format!("{} ({})", r.display_name, r.username),
                max: new.max,
                old_total: r.result.total,
                new_total: new.total,
                old_passed: r.result.passed,
                new_passed: new.passed,
            });
        }
        Ok(RegradePreviewDto {
            exam_id: c.exam_id,
            question_id: c.question_id,
            pass_mark_pct: corrected.pass_mark_pct,
            changed: out
                .iter()
                .filter(|r| (r.old_total - r.new_total).abs() > 1e-9)
                .count(),
            now_passing: out.iter().filter(|r| r.new_passed && !r.old_passed).count(),
            now_failing: out.iter().filter(|r| !r.new_passed && r.old_passed).count(),
            rows: out,
        })
    }

    /// Puts the correction on record and queues a regrade of every graded attempt
    /// (attempts still waiting for grading are graded with the new key anyway).
    pub async fn apply_regrade(
        &self,
        token: &str,
        c: KeyCorrection,
    ) -> AppResult<RegradeStartedDto> {
        let actor = self.actor(token).await?;
        actor.require(CORRECTORS, "correct answer keys")?;
        self.managed_exam(&actor, c.exam_id, "correct answer keys")
            .await?;
        let (corrected, qid, reason) = self.corrected(&c).await?;
        let key = corrected
            .questions
            .iter()
            .find(|q| q.id == qid)
            .map(|q| q.kind.clone())
            .ok_or_else(|| AppError::NotFound(format!("Question {qid}")))?;
        let attempts: Vec<String> = self
            .store()
            .sheet_rows(c.exam_id)
            .await?
            .into_iter()
            .map(|r| r.attempt_id)
            .collect();
        let (correction_id, task_ids) = self
            .store()
            .correct_key(
                examhall_store::NewKeyCorrection {
                    exam_id: c.exam_id,
                    question_id: qid.as_str(),
                    key: &key,
                    voided: c.void,
                    reason: &reason,
                    by_user: actor.user_id(),
                },
                &attempts,
                REGRADE_JOB,
                |correction, attempt_id| {
                    serde_json::to_string(&RegradePayload {
                        attempt_id: attempt_id.to_owned(),
                        correction,
                        question_id: qid.to_string(),
                    })
                    .expect("payload serialises")
                },
                self.now(),
            )
            .await?;
        self.load_exam(c.exam_id).await?;
        self.inner.jobs_ready.notify_one();
        tracing::info!(exam = c.exam_id, question = %qid, correction_id, jobs = task_ids.len(), by = actor.user_id(), "answer key corrected");
        Ok(RegradeStartedDto {
            correction_id,
            task_ids,
        })
    }

    /// The worker's side: regrade one attempt against the exam as corrected now.
    pub(crate) async fn run_regrade(&self, job_id: i64, payload: &str) -> anyhow::Result<()> {
        let p: RegradePayload = serde_json::from_str(payload)
            .map_err(|e| anyhow::anyhow!("job {job_id}: unreadable regrade payload: {e}"))?;
        let attempt = self
            .store()
            .attempt(&p.attempt_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("attempt {} is missing", p.attempt_id))?;
        // Read the corrections afresh: this job may run before the cache saw them.
        let exam = self
            .load_exam(attempt.exam_id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let answers = answer_map(self.store().answers(&attempt.id).await?);
        let question = QuestionId::parse(&p.question_id)
            .ok_or_else(|| anyhow::anyhow!("bad question id {:?}", p.question_id))?;
        let sat = exam.for_attempt(&attempt.id);
        // The result is read inside the transaction that rewrites it: a hand mark
        // committed since the job was claimed is kept.
        self.store()
            .record_regrade(job_id, &attempt.id, self.now(), |row| {
                let previous = SheetResult::from_marks(row.marks, exam.pass_mark_pct);
                let new = regrade_sheet(&sat, &answers, &previous);
                let event = AttemptEvent::Regraded {
                    correction: p.correction,
                    question,
                    total: new.total,
                    percentage: new.percentage,
                    passed: new.passed,
                };
                (event, new)
            })
            .await?;
        Ok(())
    }
}
