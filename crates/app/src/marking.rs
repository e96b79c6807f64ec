//! Manual marking: teachers mark essay answers; totals, verdicts and statistics follow.

use crate::{App, AppError, AppResult};
use examhall_domain::{Answer, AttemptEvent, Outcome, QuestionKind, Role, SheetResult};
use examhall_protocol::{AttemptRef, EssayToMarkDto, MarkEssay, ResultView};
use examhall_store::AppendError;

const MARKERS: &[Role] = &[Role::Teacher, Role::Admin];
const MAX_COMMENT_CHARS: usize = 2000;

impl App {
    /// Every essay answer on a graded attempt that still waits for a mark.
    pub async fn essays_to_mark(&self, token: &str) -> AppResult<Vec<EssayToMarkDto>> {
        let actor = self.actor(token).await?;
        actor.require(MARKERS, "mark essays")?;
        let mut out = Vec::new();
        for (attempt_id, exam_id, candidate) in self.store().awaiting_marking().await? {
            let exam = self.exam(exam_id).await?;
            let Some(result) = self.store().result(&attempt_id).await? else {
                continue;
            };
            let answers = self.store().answers(&attempt_id).await?;
            for (qid, mark) in result
                .marks
                .iter()
                .filter(|(_, m)| m.outcome == Outcome::AwaitingMarking)
            {
                let Some(q) = exam.questions.iter().find(|q| &q.id == qid) else {
                    continue;
                };
                let q = q.for_attempt(&attempt_id);
                let answer = answers
                    .iter()
                    .find(|a| a.question_id == qid.as_str())
                    .and_then(|a| match &a.answer {
                        Some(Answer::Text(t)) => Some(t.clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                out.push(EssayToMarkDto {
                    attempt_id: attempt_id.clone(),
                    candidate: candidate.clone(),
                    exam_title: exam.title.clone(),
                    question_id: qid.to_string(),
                    prompt: q.prompt.clone(),
                    answer,
                    max: mark.max,
                    guidance: match &q.kind {
                        QuestionKind::Essay { guidance } => guidance.clone(),
                        _ => None,
                    },
                });
            }
        }
        Ok(out)
    }

    /// Marks (or re-marks) one essay on a graded attempt. The result's total,
    /// percentage and verdict are recomputed, and an `essay_marked` event records
    /// who gave which mark, in the same transaction.
    pub async fn mark_essay(&self, token: &str, req: MarkEssay) -> AppResult<ResultView> {
        let actor = self.actor(token).await?;
        actor.require(MARKERS, "mark essays")?;
        let attempt = self
            .store()
            .attempt(&req.attempt_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Attempt {}", req.attempt_id)))?;
        let exam = self.exam(attempt.exam_id).await?;
        let question = crate::candidate::find_question(&exam, &req.question_id)?;
        // As this attempt sat it: a calculated question whose numbers could not
        // be computed for the attempt is marked by hand.
        let question = question.for_attempt(&attempt.id);
        if exam.voided.contains(&question.id) {
            return Err(AppError::invalid(
                "question_id",
                format!(
                    "{} is void: every candidate has its full marks",
                    question.id
                ),
            ));
        }
        if !matches!(question.kind, QuestionKind::Essay { .. }) {
            return Err(AppError::invalid(
                "question_id",
                format!(
                    "{} is not an essay; it is marked automatically",
                    question.id
                ),
            ));
        }
        let comment = req
            .comment
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        if comment
            .as_ref()
            .is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS)
        {
            return Err(AppError::invalid(
                "comment",
                format!("at most {MAX_COMMENT_CHARS} characters"),
            ));
        }
        let reason = req
            .reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if reason
            .as_ref()
            .is_some_and(|r| r.chars().count() > MAX_COMMENT_CHARS)
        {
            return Err(AppError::invalid(
                "reason",
                format!("at most {MAX_COMMENT_CHARS} characters"),
            ));
        }
        enum Refused {
            NotGraded,
            Mark(String),
            NoReason,
        }
        let by_user = actor.user_id();
        let pass_mark = exam.pass_mark_pct;
        // The result is read inside the transaction that rewrites it: another
        // marker's mark or a regrade committed meanwhile is never lost.
        self.store()
            .record_manual_mark(&attempt.id, self.now(), |row| {
                let row = row.ok_or(Refused::NotGraded)?;
                // A mark already given changes only with a reason, kept in the log.
                let marked = row
                    .marks
                    .iter()
                    .any(|(q, m)| q == &question.id && m.outcome != Outcome::AwaitingMarking);
                if marked && reason.is_none() {
                    return Err(Refused::NoReason);
                }
                let sheet = SheetResult::from_marks(row.marks, pass_mark)
                    .with_manual_mark(&question.id, req.mark, comment.clone(), pass_mark)
                    .map_err(|e| Refused::Mark(e.to_string()))?;
                let event = AttemptEvent::EssayMarked {
                    question: question.id.clone(),
                    mark: req.mark,
                    comment,
                    by_user,
                    total: sheet.total,
                    percentage: sheet.percentage,
                    passed: sheet.passed,
                    reason: reason.clone().filter(|_| marked),
                };
                Ok((event, sheet))
            })
            .await
            .map_err(|e| match e {
                AppendError::Refused(Refused::NotGraded) => {
                    AppError::Conflict("This attempt has not been graded yet.".into())
                }
                AppendError::Refused(Refused::Mark(m)) => AppError::invalid("mark", m),
                AppendError::Refused(Refused::NoReason) => AppError::invalid(
                    "reason",
                    "this essay is marked already: say why the mark changes (it is kept in the attempt's log)",
                ),
                AppendError::Store(e) => e.into(),
            })?;
        tracing::info!(attempt = %attempt.id, question = %question.id, mark = req.mark, by = actor.user_id(), "essay marked");
        self.attempt_result(
            token,
            AttemptRef {
                attempt_id: attempt.id,
            },
        )
        .await
    }
}
