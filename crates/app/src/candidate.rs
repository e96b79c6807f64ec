//! The candidate's exam: my exams, start with a code, answer, flag, navigate,
//! heartbeat, submit. Every change is acknowledged only after its commit.

use crate::auth::{random_hex, Actor};
use crate::{App, AppError, AppResult};
use examhall_domain::timer::{check_clock, excluded_at, ClockCheck};
use examhall_domain::{
    Answer, AttemptEvent, AttemptStatus, Backoff, ExamSpec, Navigation, QuestionId, Role,
    StartCode, SubmitReason, TimeAllowance, Timestamp,
};
use examhall_protocol::sync::TakeoverAnswer;
use examhall_protocol::{
    AttemptRef, AttemptView, CandidateQuestion, ClockDto, ExamCard, ExamCardState, Navigate,
    SaveAck, SetAnswer, SetFlag, StartAttempt, SubmitAck,
};
use examhall_store::{AppendError, AttemptRow, LoginGate, NewAttempt, NewJob, StoreError};

/// The start-code throttle's key for this machine (a seat): every candidate's
/// wrong codes typed here count against it.
const SEAT_KEY: &str = "seat";
use std::collections::BTreeMap;

pub(crate) const GRADE_JOB: &str = "grade_attempt";

#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct GradePayload {
    pub attempt_id: String,
}

fn allowance(a: &AttemptRow) -> TimeAllowance {
    TimeAllowance {
        duration_secs: a.duration_secs,
        multiplier: a.time_multiplier,
        credited_ms: a.credited_ms,
    }
}

/// Whether a change arriving `now` comes later than the deadline plus `grace_ms`.
pub(crate) fn past_deadline(a: &AttemptRow, now: Timestamp, grace_ms: i64) -> bool {
    now.since(allowance(a).deadline(a.started_at, a.excluded_ms)) > grace_ms
}

/// The job that grades a just-submitted attempt.
pub(crate) fn grade_job(attempt_id: &str) -> NewJob<'static> {
    let payload = serde_json::to_string(&GradePayload {
        attempt_id: attempt_id.to_owned(),
    })
    .expect("one string field always serialises");
    NewJob {
        kind: GRADE_JOB,
        payload,
    }
}

/// Whether an attempt's time ran out more than `grace_ms` ago, as of `now`
/// (a paused attempt's clock stands still, so it never runs out while paused).
pub(crate) fn time_ran_out(a: &AttemptRow, now: Timestamp, grace_ms: i64) -> bool {
    a.paused_at.is_none() && remaining_now(a, now) == 0 && past_deadline(a, now, grace_ms)
}

/// Time consumed and left, for an attempt that may be paused.
pub(crate) fn remaining_now(a: &AttemptRow, now: Timestamp) -> i64 {
    allowance(a).remaining_ms(
        a.started_at,
        excluded_at(a.excluded_ms, a.paused_at, now),
        now,
    )
}

/// The refusal of a seat whose candidate the invigilator moved elsewhere.
fn moved_away(why: &str) -> AppError {
    AppError::Conflict(format!(
        "This exam continues on another seat ({why}); nothing more is saved here."
    ))
}

pub(crate) fn clock_dto(a: &AttemptRow, now: Timestamp) -> ClockDto {
    let allow = allowance(a);
    let remaining_ms = match a.status {
        AttemptStatus::InProgress => remaining_now(a, now),
        _ => 0,
    };
    ClockDto {
        remaining_ms,
        allowed_ms: allow.allowed_ms(),
        status: a.status,
        paused: a.paused_at.is_some(),
        locked: a.locked_seq.is_some(),
        room_copy: None,
    }
}

impl App {
    /// The candidate's assigned exams and where each one stands.
    pub async fn my_exams(&self, token: &str) -> AppResult<Vec<ExamCard>> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Candidate], "list a candidate's exams")?;
        let mut cards = Vec::new();
        for (exam, multiplier) in self.store().assigned_exams(actor.user_id).await? {
            let state = match self.store().attempt_for(exam.id, actor.user_id).await? {
                None => ExamCardState::NotStarted,
                Some(a) => {
                    let a = self.observe(a).await?;
                    match a.status {
                        AttemptStatus::InProgress => ExamCardState::InProgress { attempt_id: a.id },
                        _ => ExamCardState::Submitted { attempt_id: a.id },
                    }
                }
            };
            let allow = TimeAllowance {
                duration_secs: exam.spec.duration_secs,
                multiplier,
                credited_ms: 0,
            };
            cards.push(ExamCard {
                exam_id: exam.id,
                title: exam.spec.title.clone(),
                question_count: exam.spec.questions_per_attempt() as u32,
                allowed_secs: allow.allowed_ms() / 1000,
                sitting_open: self.store().open_sitting_for(exam.id).await?.is_some(),
                state,
            });
        }
        Ok(cards)
    }

    /// Starts an attempt with the sitting's start code. A candidate who already has
    /// an attempt in progress at this exam simply gets it back.
    pub async fn start_attempt(&self, token: &str, req: StartAttempt) -> AppResult<AttemptView> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Candidate], "sit exams")?;
        let multiplier = self
            .store()
            .assignment(req.exam_id, actor.user_id)
            .await?
            .ok_or_else(|| {
                AppError::NotFound(format!("Exam {} (not assigned to you)", req.exam_id))
            })?;
        if let Some(existing) = self.store().attempt_for(req.exam_id, actor.user_id).await? {
            if existing.status != AttemptStatus::InProgress {
                return Err(AppError::Conflict(
                    "You have already submitted this exam.".into(),
                ));
            }
            return self
                .open_attempt(
                    token,
                    AttemptRef {
                        attempt_id: existing.id,
                    },
                )
                .await;
        }
        let sitting = self
            .store()
            .open_sitting_for(req.exam_id)
            .await?
            .ok_or(AppError::SittingClosed)?;
        let me = self
            .store()
            .user_by_id(actor.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        // The start code first: asking the room below may take a pending move
        // for this seat, which only a candidate with the code may do.
        self.check_start_code(actor.user_id, &req.start_code, &sitting.start_code)
            .await?;
        // A seat following a room hub asks it: the candidate may have started
        // on another seat (refused), or been moved here (continued).
        match self.ask_room(&me.username, req.exam_id).await? {
            None | Some(TakeoverAnswer::Fresh) => {}
            Some(TakeoverAnswer::Elsewhere { seat, status }) => {
                return Err(AppError::Conflict(if status == "in_progress" {
                    format!(
                        "Your exam is running on {seat}. If that seat has failed, \
                         the invigilator can move you to this one."
                    )
                } else {
                    format!("You have already handed in this exam, on {seat}.")
                }));
            }
            Some(TakeoverAnswer::Continue {
                attempt,
                from_seat,
                to_seat,
            }) => {
                return self
                    .continue_moved(&actor, &me.username, &sitting, attempt, from_seat, to_seat)
                    .await;
            }
        }
        self.check_start_rules(&me.username, req.exam_id, &sitting)
            .await?;
        let exam = self.exam(req.exam_id).await?;
        let now = self.now();
        let id = random_hex(16);
        let allow = TimeAllowance {
            duration_secs: exam.duration_secs,
            multiplier,
            credited_ms: 0,
        };
        let started = AttemptEvent::Started {
            exam_id: req.exam_id,
            sitting_id: sitting.id,
            allowed_ms: allow.allowed_ms(),
        };
        let new = NewAttempt {
            id: &id,
            exam_id: req.exam_id,
            sitting_id: sitting.id,
            user_id: actor.user_id,
            duration_secs: exam.duration_secs,
            time_multiplier: multiplier,
        };
        let attempt = match self.store().create_attempt(new, &started, now).await {
            Ok(a) => a,
            // Two windows raced: the other one won; resume its attempt.
            Err(StoreError::Conflict(_)) => {
                let a = self.store().attempt_for(req.exam_id, actor.user_id).await?;
                a.ok_or_else(|| AppError::Conflict("attempt vanished".into()))?
            }
            Err(e) => return Err(e.into()),
        };
        self.mark_live(&attempt.id);
        tracing::info!(attempt = %attempt.id, user = actor.user_id, "attempt started");
        self.view(attempt, &exam).await
    }

    /// Continues here an attempt the invigilator moved to this seat: the room
    /// hub's copy of its chain, checked link by link, becomes this seat's own
    /// attempt (same id, same answers, same deadline), followed by a `moved`
    /// event and, if the move took longer than the gap threshold, a `resumed`
    /// gap that the room's downtime ledger offers back as credit.
    async fn continue_moved(
        &self,
        actor: &Actor,
        username: &str,
        sitting: &examhall_store::SittingRow,
        up: examhall_protocol::sync::AttemptUpload,
        from_seat: String,
        to_seat: String,
    ) -> AppResult<AttemptView> {
        let broken = |why: String| {
            AppError::Unavailable(format!(
                "the room hub's copy of this attempt cannot be continued: {why}"
            ))
        };
        if up.username != username || !crate::sync::attempt_id_ok(&up.attempt_id) {
            return Err(broken("it is not this candidate's".into()));
        }
        let stored: Vec<_> = up.events.iter().map(crate::sync::stored_event).collect();
        let events = examhall_domain::verify_chain(&up.attempt_id, &stored)
            .map_err(|e| broken(e.to_string()))?;
        let Some(last) = stored.last() else {
            return Err(broken("it has no events".into()));
        };
        let now = self.now();
        let gap_ms = now.since(last.at).max(0);
        let mut then = vec![AttemptEvent::Moved {
            from: from_seat.clone(),
            to: to_seat,
        }];
        if gap_ms >= self.settings().gap_threshold_ms {
            then.push(AttemptEvent::Resumed { gap_ms });
        }
        let adopt = examhall_store::IngestAttempt {
            attempt_id: up.attempt_id.clone(),
            device_id: String::new(),
            exam_id: sitting.exam_id,
            sitting_id: sitting.id,
            user_id: actor.user_id,
            started_at: Timestamp(up.started_at_ms),
            duration_secs: up.duration_secs,
            time_multiplier: up.time_multiplier,
            events: stored.into_iter().zip(events).collect(),
            result: None,
            notice: None,
        };
        let row = self
            .store()
            .adopt_attempt(&adopt, &then, now)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(m) => broken(m),
                e => e.into(),
            })?;
        // The invigilator moved the candidate here: not an unclean exit to lock.
        self.mark_live(&row.id);
        tracing::info!(attempt = %row.id, from = %from_seat, gap_ms, "attempt continued after a move");
        let exam = self.exam(sitting.exam_id).await?;
        self.view(row, &exam).await
    }

    /// Checks a typed start code, throttled per candidate and per seat: a few
    /// wrong tries cost nothing, then each costs a growing wait (which holds
    /// even for the right code, or guessing would go on between waits).
    async fn check_start_code(&self, user_id: i64, typed: &str, code: &str) -> AppResult<()> {
        let now = self.now();
        let candidate = format!("candidate/{user_id}");
        let mut wait_if_wrong: Option<Timestamp> = None;
        for (key, policy) in [
            (candidate.as_str(), Backoff::START_CODE_CANDIDATE),
            (SEAT_KEY, Backoff::START_CODE_SEAT),
        ] {
            let gate = self
                .store()
                .count_start_code_try(key, now, |f| policy.block_ms(f))
                .await?;
            match gate {
                LoginGate::Blocked { until } => {
                    tracing::warn!(user = user_id, key, "start code refused while throttled");
                    return Err(AppError::StartCodeThrottled {
                        retry_after_secs: (until.since(now) + 999) / 1000,
                    });
                }
                LoginGate::Proceed {
                    blocked_if_wrong: Some(until),
                } => {
                    wait_if_wrong = wait_if_wrong.max(Some(until));
                }
                LoginGate::Proceed { .. } => {}
            }
        }
        let right = StartCode::parse(typed).is_ok_and(|c| c.as_str() == code);
        if !right {
            tracing::warn!(user = user_id, "wrong start code");
            // The candidate learns at once that the next try must wait.
            return Err(match wait_if_wrong {
                Some(until) => AppError::StartCodeThrottled {
                    retry_after_secs: (until.since(now) + 999) / 1000,
                },
                None => AppError::WrongStartCode,
            });
        }
        self.store().clear_start_code_tries(&candidate).await?;
        self.store().clear_start_code_tries(SEAT_KEY).await?;
        Ok(())
    }

    /// Reopens the candidate's attempt (after a restart, or on every page load).
    /// Silence longer than the gap threshold is recorded as a `Resumed` event.
    pub async fn open_attempt(&self, token: &str, r: AttemptRef) -> AppResult<AttemptView> {
        let actor = self.actor(token).await?;
        let attempt = self.own_attempt(&actor, &r.attempt_id).await?;
        let attempt = self.observe(attempt).await?;
        let exam = self.exam(attempt.exam_id).await?;
        self.view(attempt, &exam).await
    }

    pub async fn set_answer(&self, token: &str, req: SetAnswer) -> AppResult<SaveAck> {
        let actor = self.actor(token).await?;
        let exam = self
            .exam(self.attempt_exam(&actor, &req.attempt_id).await?)
            .await?;
        let exam = exam.for_attempt(&req.attempt_id);
        let question = find_question(&exam, &req.question_id)?;
        self.check_forward(&exam, &req.attempt_id, &question.id)
            .await?;
        let answer = req.answer.filter(|a| !a.is_blank());
        if let Some(a) = &answer {
            question
                .check_answer(a)
                .map_err(|e| AppError::invalid("answer", e.to_string()))?;
        }
        let ev = AttemptEvent::AnswerSet {
            question: question.id.clone(),
            answer,
        };
        self.append_checked(&actor, &req.attempt_id, ev).await
    }

    pub async fn set_flag(&self, token: &str, req: SetFlag) -> AppResult<SaveAck> {
        let actor = self.actor(token).await?;
        let exam = self
            .exam(self.attempt_exam(&actor, &req.attempt_id).await?)
            .await?;
        let exam = exam.for_attempt(&req.attempt_id);
        let question = find_question(&exam, &req.question_id)?.id.clone();
        self.check_forward(&exam, &req.attempt_id, &question)
            .await?;
        self.append_checked(
            &actor,
            &req.attempt_id,
            AttemptEvent::Flagged {
                question,
                flagged: req.flagged,
            },
        )
        .await
    }

    pub async fn navigate(&self, token: &str, req: Navigate) -> AppResult<SaveAck> {
        let actor = self.actor(token).await?;
        let exam = self
            .exam(self.attempt_exam(&actor, &req.attempt_id).await?)
            .await?;
        let count = exam.questions_per_attempt();
        if req.index as usize >= count {
            return Err(AppError::invalid(
                "index",
                format!("this exam has {count} questions"),
            ));
        }
        if exam.navigation == Navigation::ForwardOnly {
            let current = self.forward_position(&req.attempt_id).await?;
            if (req.index as usize) < current {
                return Err(AppError::invalid(
                    "index",
                    format!(
                        "this exam goes forward only: question {} is behind you",
                        req.index + 1
                    ),
                ));
            }
        }
        self.append_checked(
            &actor,
            &req.attempt_id,
            AttemptEvent::Navigated { index: req.index },
        )
        .await
    }

    /// Called by the exam window every few seconds: returns the backend's clock,
    /// records liveness, and submits the attempt when time is up.
    pub async fn heartbeat(&self, token: &str, r: AttemptRef) -> AppResult<ClockDto> {
        let actor = self.actor(token).await?;
        let attempt = self.own_attempt(&actor, &r.attempt_id).await?;
        let attempt = self.observe(attempt).await?;
        Ok(ClockDto {
            room_copy: self.copy_status(&attempt.id).await?,
            ..clock_dto(&attempt, self.now())
        })
    }

    pub async fn submit(&self, token: &str, r: AttemptRef) -> AppResult<SubmitAck> {
        let actor = self.actor(token).await?;
        let attempt = self.own_attempt(&actor, &r.attempt_id).await?;
        if let Some(why) = &attempt.moved_to {
            return Err(moved_away(why));
        }
        if attempt.status != AttemptStatus::InProgress {
            return Err(AppError::Conflict(
                "This attempt has already been submitted.".into(),
            ));
        }
        let attempt = self.observe(attempt).await?;
        if attempt.locked_seq.is_some() {
            return Err(AppError::Locked);
        }
        if attempt.paused_at.is_some() {
            return Err(AppError::Paused);
        }
        if attempt.status != AttemptStatus::InProgress {
            return Err(AppError::TimeUp);
        }
        let task_id = self
            .submit_now(&attempt.id, SubmitReason::Candidate)
            .await?;
        Ok(SubmitAck {
            attempt_id: attempt.id,
            task_id,
        })
    }

    /// The exam window lost focus or was hidden: an integrity event in the log,
    /// shown to the invigilator.
    pub async fn focus_lost(
        &self,
        token: &str,
        req: examhall_protocol::room::FocusLost,
    ) -> AppResult<SaveAck> {
        let actor = self.actor(token).await?;
        self.attempt_exam(&actor, &req.attempt_id).await?;
        self.append_checked(
            &actor,
            &req.attempt_id,
            AttemptEvent::FocusLost { hidden: req.hidden },
        )
        .await
    }

    // ----- internals -----

    pub(crate) async fn own_attempt(
        &self,
        actor: &Actor,
        attempt_id: &str,
    ) -> AppResult<AttemptRow> {
        actor.require(&[Role::Candidate], "sit exams")?;
        match self.store().attempt(attempt_id).await? {
            Some(a) if a.user_id == actor.user_id => Ok(a),
            // Someone else's attempt is reported exactly like a missing one.
            _ => Err(AppError::NotFound(format!("Attempt {attempt_id}"))),
        }
    }

    /// The exam of one of the candidate's own attempts. Which exam and which
    /// candidate an attempt belongs to never change, so the answer is cached.
    /// Where a forward-only attempt stands (the furthest it may not go back from).
    async fn forward_position(&self, attempt_id: &str) -> AppResult<usize> {
        let a = self
            .store()
            .attempt(attempt_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Attempt {attempt_id}")))?;
        Ok(a.current_index as usize)
    }

    /// In a forward-only exam, a question behind the candidate can no longer be
    /// answered or flagged. `exam` is the attempt's own (`for_attempt`).
    async fn check_forward(
        &self,
        exam: &ExamSpec,
        attempt_id: &str,
        question: &QuestionId,
    ) -> AppResult<()> {
        if exam.navigation != Navigation::ForwardOnly {
            return Ok(());
        }
        let position = exam
            .questions_for_attempt(attempt_id)
            .iter()
            .position(|q| &q.id == question)
            .unwrap_or(usize::MAX);
        if position < self.forward_position(attempt_id).await? {
            return Err(AppError::invalid(
                "question_id",
                format!(
                    "this exam goes forward only: question {} is behind you",
                    position + 1
                ),
            ));
        }
        Ok(())
    }

    async fn attempt_exam(&self, actor: &Actor, attempt_id: &str) -> AppResult<i64> {
        actor.require(&[Role::Candidate], "sit exams")?;
        let cached = self
            .inner
            .attempt_owners
            .lock()
            .expect("attempt cache")
            .get(attempt_id)
            .copied();
        let (user_id, exam_id) = match cached {
            Some(k) => k,
            None => {
                let a = self.own_attempt(actor, attempt_id).await?;
                self.inner
                    .attempt_owners
                    .lock()
                    .expect("attempt cache")
                    .insert(a.id.clone(), (a.user_id, a.exam_id));
                (a.user_id, a.exam_id)
            }
        };
        if user_id != actor.user_id {
            return Err(AppError::NotFound(format!("Attempt {attempt_id}")));
        }
        Ok(exam_id)
    }

    /// Appends a candidate's change if, in the same transaction, the attempt is
    /// theirs, still open, and within its deadline (plus a short grace for changes
    /// already in flight). Past the deadline the attempt is submitted instead.
    async fn append_checked(
        &self,
        actor: &Actor,
        attempt_id: &str,
        ev: AttemptEvent,
    ) -> AppResult<SaveAck> {
        enum Refusal {
            NotYours,
            Closed,
            PastDeadline,
            Paused,
            Locked,
            Moved(String),
        }
        if !self.is_live(attempt_id) {
            // The first change this process sees (no page load came first): the
            // unclean-exit rule applies here too.
            if let Some(a) = self.store().attempt(attempt_id).await? {
                if a.user_id == actor.user_id {
                    self.lock_if_restarted(&a).await?;
                }
            }
        }
        let now = self.now();
        let grace = self.settings().save_grace_ms;
        let user = actor.user_id;
        let res = self
            .store()
            .append_if(attempt_id, now, |a| {
                if a.user_id != user {
                    Err(Refusal::NotYours)
                } else if let Some(why) = &a.moved_to {
                    Err(Refusal::Moved(why.clone()))
                } else if a.status != AttemptStatus::InProgress {
                    Err(Refusal::Closed)
                } else if a.locked_seq.is_some() {
                    Err(Refusal::Locked)
                } else if a.paused_at.is_some() {
                    Err(Refusal::Paused)
                } else if past_deadline(a, now, grace) {
                    Err(Refusal::PastDeadline)
                } else {
                    Ok(vec![ev])
                }
            })
            .await;
        match res {
            Ok((mut row, seq)) => {
                row.head_seq = seq;
                Ok(SaveAck {
                    seq,
                    clock: clock_dto(&row, now),
                })
            }
            Err(AppendError::Refused(Refusal::NotYours)) => {
                Err(AppError::NotFound(format!("Attempt {attempt_id}")))
            }
            Err(AppendError::Refused(Refusal::Closed)) => Err(AppError::TimeUp),
            Err(AppendError::Refused(Refusal::Paused)) => Err(AppError::Paused),
            Err(AppendError::Refused(Refusal::Locked)) => Err(AppError::Locked),
            Err(AppendError::Refused(Refusal::Moved(why))) => Err(moved_away(&why)),
            Err(AppendError::Refused(Refusal::PastDeadline)) => {
                self.submit_quietly(attempt_id, SubmitReason::TimeUp)
                    .await?;
                Err(AppError::TimeUp)
            }
            Err(AppendError::Store(e)) => Err(e.into()),
        }
    }

    /// Liveness, downtime and deadline bookkeeping; returns the attempt as it now stands.
    pub(crate) async fn observe(&self, a: AttemptRow) -> AppResult<AttemptRow> {
        if a.status != AttemptStatus::InProgress {
            return Ok(a);
        }
        self.lock_if_restarted(&a).await?;
        let now = self.now();
        let s = self.settings();
        match check_clock(a.last_seen_at, now, s.gap_threshold_ms) {
            ClockCheck::Gap { gap_ms } => {
                tracing::warn!(attempt = %a.id, gap_ms, "attempt resumed after a gap");
                self.store()
                    .append(&a.id, &[AttemptEvent::Resumed { gap_ms }], now)
                    .await?;
            }
            ClockCheck::WentBackwards { by_ms } => {
                tracing::warn!(attempt = %a.id, by_ms, "wall clock went backwards");
                self.store()
                    .append(&a.id, &[AttemptEvent::ClockWentBackwards { by_ms }], now)
                    .await?;
            }
            ClockCheck::Normal => {
                if now.since(a.last_seen_at) >= s.touch_every_ms {
                    self.store().touch_attempt(&a.id, now).await?;
                }
            }
        }
        if remaining_now(&a, now) == 0 {
            self.submit_quietly(&a.id, SubmitReason::TimeUp).await?;
        }
        let fresh = self.store().attempt(&a.id).await?;
        fresh.ok_or_else(|| AppError::NotFound(format!("Attempt {}", a.id)))
    }

    pub(crate) async fn submit_now(
        &self,
        attempt_id: &str,
        reason: SubmitReason,
    ) -> AppResult<i64> {
        let job = grade_job(attempt_id);
        let id = self
            .store()
            .submit(
                attempt_id,
                &AttemptEvent::Submitted { reason },
                &job,
                self.now(),
            )
            .await?;
        tracing::info!(
            attempt = attempt_id,
            ?reason,
            task = id,
            "attempt submitted"
        );
        self.inner.jobs_ready.notify_one();
        Ok(id)
    }

    /// Submits unless something else already did (a race with another call).
    async fn submit_quietly(&self, attempt_id: &str, reason: SubmitReason) -> AppResult<()> {
        match self.submit_now(attempt_id, reason).await {
            Ok(_) | Err(AppError::Conflict(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn view(&self, attempt: AttemptRow, exam: &ExamSpec) -> AppResult<AttemptView> {
        let rows = self.store().answers(&attempt.id).await?;
        let mut answers = BTreeMap::new();
        let mut flagged = Vec::new();
        for r in rows {
            if r.flagged {
                flagged.push(r.question_id.clone());
            }
            if let Some(a) = r.answer {
                answers.insert(r.question_id, a);
            }
        }
        // A preset that no longer parses is dropped, not fatal: it only sets the
        // window's starting display.
        let display_preset = self
            .store()
            .display_preset(attempt.exam_id, attempt.user_id)
            .await?
            .and_then(|j| serde_json::from_str(&j).ok());
        let (questions, sections) = exam.attempt_layout(&attempt.id);
        let count = questions.len();
        Ok(AttemptView {
            navigation: exam.navigation,
            sections,
            display_preset,
            attempt_id: attempt.id.clone(),
            exam_title: exam.title.clone(),
            questions: questions
                .into_iter()
                .map(|q| CandidateQuestion::for_attempt(q, &attempt.id, exam.order.shuffle_options))
                .collect(),
            answers,
            flagged,
            current_index: attempt.current_index.min(count.saturating_sub(1) as u32),
            clock: clock_dto(&attempt, self.now()),
            window: exam.window,
        })
    }
}

/// The exam's question with this id, or an error naming the field.
pub(crate) fn find_question<'a>(
    exam: &'a ExamSpec,
    raw: &str,
) -> AppResult<&'a examhall_domain::Question> {
    exam.questions
        .iter()
        .find(|q| q.id.as_str() == raw)
        .ok_or_else(|| AppError::invalid("question_id", format!("{raw:?} is not in this exam")))
}

/// Answers as the grader wants them.
pub(crate) fn answer_map(rows: Vec<examhall_store::AnswerRow>) -> BTreeMap<QuestionId, Answer> {
    rows.into_iter()
        .filter_map(|r| Some((QuestionId::parse(&r.question_id)?, r.answer?)))
        .collect()
}
