//! One attempt as staff review it: the questions as the candidate saw them with
//! their answers, keys and marks, the log's events in order, and whether the
//! log's chain verifies. For the teachers who manage the exam and administrators.

use crate::candidate::answer_map;
use crate::{App, AppError, AppResult};
use examhall_domain::review::{answer_words, key_words};
use examhall_domain::{AttemptEvent, Outcome, QuestionKind, Role};
use examhall_protocol::{AttemptRef, AttemptReviewDto, ReviewEventDto, ReviewQuestionDto};

const REVIEWERS: &[Role] = &[Role::Teacher, Role::Admin];

impl App {
    pub async fn attempt_review(&self, token: &str, r: AttemptRef) -> AppResult<AttemptReviewDto> {
        let actor = self.actor(token).await?;
        actor.require(REVIEWERS, "review attempts")?;
        let attempt = self
            .store()
            .attempt(&r.attempt_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Attempt {}", r.attempt_id)))?;
        self.managed_exam(&actor, attempt.exam_id, "review attempts")
            .await?;
        let exam = self.exam(attempt.exam_id).await?;
        let sat = exam.for_attempt(&attempt.id);
        let answers = answer_map(self.store().answers(&attempt.id).await?);
        let result = self.store().result(&attempt.id).await?;
        let candidate = self
            .store()
            .user_by_id(attempt.user_id)
            .await?
            .map(|u| format!("{} ({})", u.display_name, u.username))
            .unwrap_or_default();
        let questions = sat
            .questions
            .iter()
            .map(|q| {
                let mark = result
                    .as_ref()
                    .and_then(|r| r.marks.iter().find(|(id, _)| id == &q.id))
                    .map(|(_, m)| m.clone());
                let hand_marked = matches!(q.kind, QuestionKind::Essay { .. })
                    && mark.as_ref().is_some_and(|m| {
                        !matches!(
                            m.outcome,
                            Outcome::Voided | Outcome::Unanswered | Outcome::AwaitingMarking
                        )
                    });
                ReviewQuestionDto {
                    question_id: q.id.to_string(),
                    prompt: q.prompt.clone(),
                    answer: answers
                        .get(&q.id)
                        .filter(|a| !a.is_blank())
                        .map(|a| answer_words(q, a)),
                    key: key_words(q),
                    awarded: mark.as_ref().map(|m| m.awarded),
                    max: q.marks,
                    outcome: mark.as_ref().map(|m| m.outcome),
                    comment: mark.and_then(|m| m.comment),
                    hand_marked,
                    essay: matches!(q.kind, QuestionKind::Essay { .. }),
                }
            })
            .collect();
        let stored = self.store().events(&attempt.id).await?;
        let (chain_ok, chain_problem) = match examhall_domain::verify_chain(&attempt.id, &stored) {
            Ok(_) => (true, None),
            Err(e) => (false, Some(e.to_string())),
        };
        let chain_head = stored
            .last()
            .map(|e| examhall_domain::receipt_code(e.seq, &e.hash))
            .unwrap_or_default();
        let events = stored
            .iter()
            .map(|e| {
                let (kind, question, detail) =
                    match serde_json::from_str::<AttemptEvent>(&e.payload) {
                        Ok(ev) => {
                            let question = match &ev {
                                AttemptEvent::AnswerSet { question, .. }
                                | AttemptEvent::Flagged { question, .. }
                                | AttemptEvent::EssayMarked { question, .. }
                                | AttemptEvent::Regraded { question, .. } => {
                                    Some(question.to_string())
                                }
                                _ => None,
                            };
                            let detail = match &ev {
                                AttemptEvent::AnswerSet { question, answer } => answer
                                    .as_ref()
                                    .filter(|a| !a.is_blank())
                                    .map(|a| {
                                        sat.questions
                                            .iter()
                                            .find(|q| &q.id == question)
                                            .map_or_else(
                                                || format!("{a:?}"),
                                                |q| answer_words(q, a),
                                            )
                                    })
                                    .unwrap_or_default(),
                                other => event_detail(other),
                            };
                            (ev.type_name().to_owned(), question, detail)
                        }
                        Err(_) => ("unreadable".to_owned(), None, e.payload.clone()),
                    };
                ReviewEventDto {
                    seq: e.seq,
                    at_ms: e.at.0,
                    kind,
                    question,
                    detail,
                }
            })
            .collect();
        Ok(AttemptReviewDto {
            attempt_id: attempt.id.clone(),
            exam_id: attempt.exam_id,
            exam_title: exam.title.clone(),
            candidate,
            status: attempt.status,
            total: result.as_ref().map(|r| r.total),
            max: result.as_ref().map_or(0.0, |r| r.max),
            passed: result
                .as_ref()
                .map(|r| crate::results::passes(r.passed, attempt.void_reason.as_ref())),
            void_reason: attempt.void_reason.clone(),
            questions,
            events,
            chain_ok,
            chain_problem,
            chain_head,
        })
    }
}

/// What an event says besides its type, in the log's own terms (numbers in
/// seconds, reasons as given).
fn event_detail(e: &AttemptEvent) -> String {
    let secs = |ms: &i64| format!("{} s", ms / 1000);
    match e {
        AttemptEvent::Started { allowed_ms, .. } => secs(allowed_ms),
        AttemptEvent::Flagged { flagged, .. } => flagged.to_string(),
        AttemptEvent::Navigated { index } => (index + 1).to_string(),
        AttemptEvent::Resumed { gap_ms } => secs(gap_ms),
        AttemptEvent::ClockWentBackwards { by_ms } => secs(by_ms),
        AttemptEvent::Moved { from, to } => format!("{from} → {to}"),
        AttemptEvent::Paused { reason, .. }
        | AttemptEvent::Locked { reason }
        | AttemptEvent::Voided { reason, .. }
        | AttemptEvent::Superseded { reason } => reason.clone(),
        AttemptEvent::Unpaused { paused_ms, .. } => secs(paused_ms),
        AttemptEvent::Extended { ms, reason, .. } => format!("{} ({reason})", secs(ms)),
        AttemptEvent::Unlocked { method, .. } => serde_json::to_value(method)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| format!("{method:?}")),
        AttemptEvent::UnlockRefused { attempts } => attempts.to_string(),
        AttemptEvent::FocusLost { hidden } => if *hidden { "hidden" } else { "left" }.into(),
        AttemptEvent::CloseAsked { allowed } => allowed.to_string(),
        AttemptEvent::Submitted { reason } => serde_json::to_value(reason)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        AttemptEvent::Graded { total, max, .. } => format!("{total} / {max}"),
        AttemptEvent::EssayMarked {
            mark,
            comment,
            reason,
            total,
            ..
        } => {
            let mut s = format!("{mark} → {total}");
            if let Some(r) = reason {
                s.push_str(&format!("; {r}"));
            }
            if let Some(c) = comment {
                s.push_str(&format!(" ({c})"));
            }
            s
        }
        AttemptEvent::Regraded {
            correction, total, ..
        } => format!("#{correction} → {total}"),
        AttemptEvent::AnswerSet { .. } => String::new(),
    }
}
