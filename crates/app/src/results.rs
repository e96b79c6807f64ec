use crate::candidate::{GradePayload, GRADE_JOB};
use crate::{App, AppError, AppResult};
use examhall_domain::{AttemptEvent, ReceiptCheck, ReceiptClaim};
use examhall_domain::{AttemptStatus, ResultRelease, Role};
use examhall_protocol::{
    AttemptRef, AttemptSummaryDto, QuestionMarkDto, ReceiptCheckDto, ReceiptDto, ReleaseResults,
    ReleasedResults, ResetForResit, ResultState, ResultView, TaskState, TaskStatusDto,
    VerifyReceipt, VoidAttempt,
};

const STAFF: &[Role] = &[Role::Teacher, Role::Invigilator, Role::Admin];

/// The verdict as it stands: a void attempt keeps its score but never passes.
pub(crate) fn passes(passed: bool, void_reason: Option<&String>) -> bool {
    passed && void_reason.is_none()
}

/// What staff decide on a handed-in attempt.
#[derive(Debug, Clone, Copy)]
enum Decision {
    /// Void for misconduct.
    Void,
    /// Reset for a resit (superseded).
    Resit,
}

impl Decision {
    fn action(self) -> &'static str {
        match self {
            Decision::Void => "void attempts",
            Decision::Resit => "reset attempts for a resit",
        }
    }
}

impl App {
    /// Whether `user_id`'s result on `exam` is still kept from them: the exam
    /// releases results after review, and nobody has released them yet.
    pub(crate) async fn withheld(&self, exam_id: i64, user_id: i64) -> AppResult<bool> {
        Ok(
            self.exam(exam_id).await?.release == ResultRelease::AfterReview
                && !self.store().result_released(exam_id, user_id).await?,
        )
    }

    /// Releases results held "after review", for the whole exam or for the
    /// candidates named (each must have sat it). A teacher who manages the exam
    /// or an administrator; recorded with who and when. Releasing what is
    /// already visible changes nothing but the record.
    pub async fn release_results(
        &self,
        token: &str,
        r: ReleaseResults,
    ) -> AppResult<ReleasedResults> {
        let actor = self.actor(token).await?;
        // Authors only (teachers, administrators), and only on exams they manage.
        self.managed_exam(&actor, r.exam_id, "release results")
            .await?;
        let exam = self.exam(r.exam_id).await?;
        if exam.release != ResultRelease::AfterReview {
            return Err(AppError::Conflict(format!(
                "“{}” shows results to candidates as soon as they are graded; there is nothing to release.",
                exam.title
            )));
        }
        let results = self.store().result_list(Some(r.exam_id), None).await?;
        let mut users = Vec::with_capacity(r.usernames.len());
        for (i, name) in r.usernames.iter().enumerate() {
            let user = self
                .store()
                .user_by_username(name.trim())
                .await?
                .filter(|u| results.iter().any(|row| row.user_id == u.id))
                .ok_or_else(|| AppError::Invalid {
                    field: format!("usernames[{i}]"),
                    message: format!("{name:?} has no graded result on “{}”.", exam.title),
                })?;
            if !users.contains(&user.id) {
                users.push(user.id);
            }
        }
        let mut newly_visible = 0u64;
        for row in &results {
            if (users.is_empty() || users.contains(&row.user_id))
                && self.withheld(r.exam_id, row.user_id).await?
            {
                newly_visible += 1;
            }
        }
        self.store()
            .release_results(r.exam_id, &users, actor.user_id, self.now())
            .await?;
        Ok(ReleasedResults {
            exam_id: r.exam_id,
            whole_exam: users.is_empty(),
            newly_visible,
        })
    }

    /// A graded result. Candidates see only their own, and only once the exam
    /// releases it; staff see any.
    pub async fn attempt_result(&self, token: &str, r: AttemptRef) -> AppResult<ResultView> {
        let actor = self.actor(token).await?;
        let attempt = self
            .store()
            .attempt(&r.attempt_id)
            .await?
            .filter(|a| actor.role != Role::Candidate || a.user_id == actor.user_id)
            .ok_or_else(|| AppError::NotFound(format!("Attempt {}", r.attempt_id)))?;
        let exam = self.exam(attempt.exam_id).await?;
        if attempt.status == AttemptStatus::InProgress {
            return Err(AppError::Conflict(
                "This attempt has not been submitted yet.".into(),
            ));
        }
        // The answers, for the feedback they earn (when the exam gives it).
        let answers = if exam.feedback == examhall_domain::Feedback::WithResults {
            crate::candidate::answer_map(self.store().answers(&attempt.id).await?)
        } else {
            Default::default()
        };
        let sat = exam.for_attempt(&attempt.id);
        let result = match self.store().result(&attempt.id).await? {
            None => ResultState::Grading,
            Some(_)
                if actor.role == Role::Candidate
                    && self.withheld(attempt.exam_id, attempt.user_id).await? =>
            {
                ResultState::Withheld
            }
            Some(res) => ResultState::Released {
                total: res.total,
                max: res.max,
                percentage: res.percentage,
                passed: passes(res.passed, attempt.void_reason.as_ref()),
                pass_mark_pct: exam.pass_mark_pct,
                awaiting_marking: res.awaiting_marking,
                // An exam may keep per-question marks from candidates.
                questions: res
                    .marks
                    .iter()
                    .filter(|_| actor.role != Role::Candidate || exam.question_marks)
                    .map(|(qid, m)| {
                        // As the attempt read it (its own values and draws).
                        let q = sat.questions.iter().find(|q| &q.id == qid);
                        QuestionMarkDto {
                            question_id: qid.to_string(),
                            prompt: q.map(|q| q.prompt.clone()).unwrap_or_default(),
                            awarded: m.awarded,
                            max: m.max,
                            outcome: m.outcome,
                            comment: m.comment.clone(),
                            feedback: q
                                .filter(|_| exam.feedback == examhall_domain::Feedback::WithResults)
                                .map(|q| examhall_domain::feedback_for(q, answers.get(qid)))
                                .unwrap_or_default(),
                        }
                    })
                    .collect(),
            },
        };
        let receipt = self.receipt(&attempt, &exam).await?;
        Ok(ResultView {
            attempt_id: attempt.id,
            exam_title: exam.title.clone(),
            result,
            receipt,
            void_reason: attempt.void_reason,
        })
    }

    /// The proof of submission of a handed-in attempt: its `submitted` event
    /// and the start of that event's hash, with what was answered.
    async fn receipt(
        &self,
        attempt: &examhall_store::AttemptRow,
        exam: &examhall_domain::ExamSpec,
    ) -> AppResult<Option<ReceiptDto>> {
        let events = self.store().events(&attempt.id).await?;
        let Some(submitted) = events.iter().find(|e| {
            matches!(
                serde_json::from_str::<AttemptEvent>(&e.payload),
                Ok(AttemptEvent::Submitted { .. })
            )
        }) else {
            return Ok(None);
        };
        let answered = self
            .store()
            .answers(&attempt.id)
            .await?
            .iter()
            .filter(|a| a.answer.is_some())
            .count();
        let candidate = self
            .store()
            .user_by_id(attempt.user_id)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default();
        Ok(Some(ReceiptDto {
            attempt_id: attempt.id.clone(),
            exam_title: exam.title.clone(),
            candidate,
            submitted_at_ms: submitted.at.0,
            answered: u32::try_from(answered).unwrap_or(u32::MAX),
            questions: exam.questions_per_attempt() as u32,
            code: examhall_domain::receipt_code(submitted.seq, &submitted.hash),
        }))
    }

    /// Checks a candidate's receipt, or a result sheet's chain head, against
    /// the attempt's stored log: valid, unknown attempt, or where they part.
    /// For staff (a candidate keeps their receipt; the staff check it).
    pub async fn verify_receipt(
        &self,
        token: &str,
        req: VerifyReceipt,
    ) -> AppResult<ReceiptCheckDto> {
        let actor = self.actor(token).await?;
        actor.require(STAFF, "verify receipts")?;
        self.verify_receipt_here(&req).await
    }

    /// The same check for the operator of the machine holding the database
    /// (`examhall verify --data-dir`).
    pub async fn verify_receipt_here(&self, req: &VerifyReceipt) -> AppResult<ReceiptCheckDto> {
        let id = req.attempt_id.trim();
        if !crate::sync::attempt_id_ok(id) {
            return Err(AppError::invalid(
                "attempt_id",
                "1 to 64 letters, digits or dashes",
            ));
        }
        let claim =
            ReceiptClaim::parse(&req.receipt).map_err(|e| AppError::invalid("receipt", e))?;
        // Ids are lower-case hex; one read off paper may come upper-cased.
        let mut events = self.store().events(id).await?;
        let lower = id.to_ascii_lowercase();
        let id = if events.is_empty() && lower != id {
            events = self.store().events(&lower).await?;
            lower.as_str()
        } else {
            id
        };
        Ok(match examhall_domain::check_receipt(id, &events, &claim) {
            ReceiptCheck::Valid { seq, events } => ReceiptCheckDto {
                outcome: "valid".into(),
                seq: Some(seq),
                events: Some(events),
                message: format!(
                    "Valid: attempt {id}'s log verifies and held this hash at event {seq} (it has {events} events now)."
                ),
            },
            ReceiptCheck::UnknownAttempt => ReceiptCheckDto {
                outcome: "unknown_attempt".into(),
                seq: None,
                events: None,
                message: format!("No attempt {id} is held here."),
            },
            ReceiptCheck::Differs { seq } => ReceiptCheckDto {
                outcome: "differs".into(),
                seq,
                events: Some(events.len() as i64),
                message: match seq {
                    Some(n) => format!(
                        "Differs: attempt {id}'s stored log and this receipt part from event {n} on."
                    ),
                    None => format!("Differs: no event of attempt {id} has this hash."),
                },
            },
        })
    }

    /// Status of a background task (as the platform's `/api/tasks/status/{id}`).
    /// A candidate may only ask about the grading of their own attempt.
    pub async fn task_status(&self, token: &str, task_id: i64) -> AppResult<TaskStatusDto> {
        let actor = self.actor(token).await?;
        let not_found = || AppError::NotFound(format!("Task {task_id}"));
        let job = self.store().job(task_id).await?.ok_or_else(not_found)?;
        if actor.role == Role::Candidate {
            let owner = match (
                job.kind.as_str(),
                serde_json::from_str::<GradePayload>(&job.payload),
            ) {
                (GRADE_JOB, Ok(p)) => self
                    .store()
                    .attempt(&p.attempt_id)
                    .await?
                    .map(|a| a.user_id),
                _ => None,
            };
            if owner != Some(actor.user_id) {
                return Err(not_found());
            }
        }
        let status = match job.status.as_str() {
            "pending" => TaskState::Pending,
            "running" => TaskState::Running,
            "done" => TaskState::Done,
            _ => TaskState::Failed,
        };
        Ok(TaskStatusDto {
            task_id: job.id,
            kind: job.kind,
            status,
            tries: job.tries,
            error: job.error,
        })
    }

    /// Every attempt at this centre with its result, newest first (staff only).
    pub async fn attempt_summaries(&self, token: &str) -> AppResult<Vec<AttemptSummaryDto>> {
        let actor = self.actor(token).await?;
        actor.require(STAFF, "see all attempts")?;
        Ok(self
            .store()
            .attempt_summaries()
            .await?
            .into_iter()
            .map(|r| AttemptSummaryDto {
                status: AttemptStatus::parse(&r.status).unwrap_or(AttemptStatus::InProgress),
                attempt_id: r.attempt_id,
                candidate: format!("{} ({})", r.display_name, r.username),
                exam_title: r.exam_title,
                percentage: r.percentage,
                passed: r.passed.map(|p| passes(p, r.void_reason.as_ref())),
                void_reason: r.void_reason,
                superseded_reason: r.superseded_reason,
            })
            .collect())
    }

    /// Voids a handed-in attempt for misconduct where it is held (HQ, or the
    /// desktop that is its own room): a `voided {reason}` event goes into its
    /// chain; it stays graded and its result is marked void. A running
    /// attempt is voided from the room console, which hands it in.
    pub async fn void_attempt(
        &self,
        token: &str,
        req: VoidAttempt,
    ) -> AppResult<AttemptSummaryDto> {
        self.staff_decision(
            token,
            &[Role::Invigilator, Role::Admin],
            &req.attempt_id,
            &req.reason,
            Decision::Void,
        )
        .await
    }

    /// An administrator resets a handed-in attempt for a resit where it is
    /// held (HQ, or the desktop that ran the exam): `superseded {reason}` goes
    /// into its chain; it is kept, leaves the results and statistics, and the
    /// candidate may sit the exam again (a new package, or a new sitting here).
    pub async fn reset_for_resit(
        &self,
        token: &str,
        req: ResetForResit,
    ) -> AppResult<AttemptSummaryDto> {
        self.staff_decision(
            token,
            &[Role::Admin],
            &req.attempt_id,
            &req.reason,
            Decision::Resit,
        )
        .await
    }

    /// A staff decision on a handed-in attempt held here, recorded in its
    /// chain with the reason, once.
    async fn staff_decision(
        &self,
        token: &str,
        roles: &[Role],
        attempt_id: &str,
        reason: &str,
        decision: Decision,
    ) -> AppResult<AttemptSummaryDto> {
        let actor = self.actor(token).await?;
        actor.require(roles, decision.action())?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(AppError::invalid(
                "reason",
                "say why (what was seen, or what was decided), in at most 500 characters",
            ));
        }
        let a = self.store().attempt(attempt_id).await?.ok_or_else(|| {
            AppError::NotFound(format!(
                "attempt {attempt_id} (decide on a handed-in attempt where its results are held: HQ)"
            ))
        })?;
        if a.status == AttemptStatus::InProgress {
            return Err(AppError::Conflict(
                "The attempt is still running: hand it in (or void it) from the room console first."
                    .into(),
            ));
        }
        let (already, event) = match decision {
            Decision::Void => (
                a.void_reason.as_ref(),
                AttemptEvent::Voided {
                    reason: reason.to_owned(),
                    command: None,
                },
            ),
            Decision::Resit => (
                a.superseded_reason.as_ref(),
                AttemptEvent::Superseded {
                    reason: reason.to_owned(),
                },
            ),
        };
        if let Some(was) = already {
            return Err(AppError::Conflict(format!(
                "Decided already ({}): {was}",
                event.type_name()
            )));
        }
        self.store()
            .append_staff_event(&a.id, &event, self.now())
            .await?;
        tracing::warn!(attempt = %a.id, by = actor.user_id, decision = event.type_name(), "staff decision on an attempt");
        self.summary_of(token, &a.id).await
    }

    async fn summary_of(&self, token: &str, attempt_id: &str) -> AppResult<AttemptSummaryDto> {
        self.attempt_summaries(token)
            .await?
            .into_iter()
            .find(|s| s.attempt_id == attempt_id)
            .ok_or_else(|| AppError::NotFound(format!("attempt {attempt_id}")))
    }

    /// Re-checks an attempt's hash chain; returns the number of events (staff only).
    pub async fn verify_attempt(&self, token: &str, attempt_id: &str) -> AppResult<usize> {
        let actor = self.actor(token).await?;
        actor.require(STAFF, "verify attempt logs")?;
        let events = self.store().events(attempt_id).await?;
        if events.is_empty() {
            return Err(AppError::NotFound(format!("Attempt {attempt_id}")));
        }
        let replayed = examhall_domain::verify_chain(attempt_id, &events).map_err(|e| {
            AppError::Conflict(format!(
                "The event log of attempt {attempt_id} is damaged: {e}"
            ))
        })?;
        Ok(replayed.len())
    }
}
