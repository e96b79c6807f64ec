//! The room session: the invigilator's console (create, check in, open, pause,
//! resume, extend, unlock, incidents, downtime ledger, close) and the seat's side
//! (the rules at start, the lock after an unclean exit, codes typed at a locked
//! seat, and the heartbeat that carries progress up and commands down).
//!
//! A console command is stored, logged and applied to the attempts on the
//! console's own machine in one transaction; seats elsewhere fetch it with their
//! next heartbeat and apply it with their command cursor in one transaction, so
//! each command takes effect once. A seat that cannot reach its hub keeps
//! examining on its own clock and catches up when the link returns.

use crate::auth::Actor;
use crate::candidate::clock_dto;
use crate::invigilation::window_message;
use crate::{App, AppError, AppResult};
use examhall_domain::events::{StoredEvent, SubmitReason};
use examhall_domain::room::StartRefusal;
use examhall_domain::room::{
    check_unlock_code, credit_minutes, invigilator_code, may_start, unlock_challenge,
    unlock_response, Attendance, CommandKind, RoomCommand, RoomState, UnlockMethod,
};
use examhall_domain::{AttemptEvent, AttemptStatus, Role, SittingWindow, StartCode, Timestamp};
use examhall_protocol::room::{
    CheckIn, CloseExamWindow, CloseRoomSession, CreateRoomSession, CreditProposal, DecideCredit,
    GapDto, LockDto, OfflineUnlock, RecordIncident, RoomAction, RoomActionAck, RoomConsoleDto,
    RoomLogDto, RoomSessionDto, RoomUpdate, SeatAlert, SeatAttempt, SeatCopy, SeatCursor,
    SeatReport, SeatSession, SeatView, SessionRef, SittingWindowDto, StartRefusalDto,
    UnlockCodeDto, UnlockSeat,
};
use examhall_protocol::AttemptRef;
use examhall_store::{
    AppendError, AttemptRow, CheckInRow, CreditDecision, LogLine, NewRoomSession, RoomSessionRow,
    SeatRoomRow, SittingRow, StartRefusalRow,
};
use rand::RngCore;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

/// A seat silent for longer than this is flagged on the console.
const SILENT_MS: i64 = 30_000;
/// What the hub adds to the silence it observed before capping a seat's claimed
/// downtime: two heartbeats, for reports in flight.
const SILENCE_SLACK_MS: i64 = 5_000;
/// Time left below which the console flags a seat.
const NEARLY_UP_MS: i64 = 5 * 60_000;
/// Wrong codes a locked seat accepts before only the console can unlock it.
const MAX_UNLOCK_TRIES: u32 = 10;
/// How long a seat still hears about a closed session.
const CLOSED_VISIBLE_MS: i64 = 3_600_000;

/// What an exam's room says, wherever the session lives (here, or at the hub).
pub(crate) struct RoomCtx {
    pub state: RoomState,
    pub opened_at: Option<Timestamp>,
    pub late_start_minutes: Option<u32>,
    pub secret: Vec<u8>,
    pub room: String,
    /// The session's id when it lives on this machine.
    pub local_session: Option<i64>,
    /// The package the room sits, when the session lives at the hub.
    pub package_id: Option<String>,
    /// Whether only `admitted` candidates may start.
    pub check_in_required: bool,
    /// Usernames checked in as present or late.
    pub admitted: BTreeSet<String>,
    /// The hub's sitting schedule (with when that sitting was opened); `None`
    /// when the session lives here and the local sitting carries it.
    pub hub_window: Option<(SittingWindow, Timestamp)>,
}

fn secret_bytes(hex_secret: &str) -> AppResult<Vec<u8>> {
    hex::decode(hex_secret)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("stored room secret: {e}")))
}

fn text_field(field: &str, raw: &str, max: usize) -> AppResult<String> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(AppError::invalid(field, "must not be empty"));
    }
    if t.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("at most {max} characters"),
        ));
    }
    Ok(t.to_owned())
}

impl App {
    // ---- shared -----------------------------------------------------------------

    /// The room an exam is sat in: a session on this machine, or the mirror of the
    /// one the hub runs for the exam's package. `None`: no room session (a
    /// desktop used on its own, as before invigilation existed).
    pub(crate) async fn room_ctx(&self, exam_id: i64) -> AppResult<Option<RoomCtx>> {
        if let Some(s) = self.store().newest_room_session_for_exam(exam_id).await? {
            let admitted = self
                .store()
                .room_candidates(s.id)
                .await?
                .into_iter()
                .filter(|c| c.attendance.in_room())
                .map(|c| c.username)
                .collect();
            return Ok(Some(RoomCtx {
                state: s.state,
                opened_at: s.opened_at,
                late_start_minutes: s.late_start_minutes,
                secret: secret_bytes(&s.secret)?,
                room: s.room,
                local_session: Some(s.id),
                package_id: None,
                check_in_required: s.check_in_required,
                admitted,
                hub_window: None,
            }));
        }
        let Some(pkg) = self.store().exam_package_id(exam_id).await? else {
            return Ok(None);
        };
        let Some(m) = self.store().seat_room(&pkg).await? else {
            return Ok(None);
        };
        let admitted: Vec<String> = serde_json::from_str(&m.admitted).map_err(|e| {
            AppError::Internal(anyhow::anyhow!("seat_rooms.admitted of {pkg}: {e}"))
        })?;
        let hub_window = m.sitting_opened_at.map(|opened| {
            (
                SittingWindow {
                    opens_at: m.opens_at.map(Timestamp),
                    closes_at: m.closes_at.map(Timestamp),
                    late_start_minutes: m
                        .sitting_late_start_minutes
                        .and_then(|v| u32::try_from(v).ok()),
                },
                Timestamp(opened),
            )
        });
        Ok(Some(RoomCtx {
            state: RoomState::parse(&m.state).unwrap_or(RoomState::Planned),
            opened_at: m.opened_at.map(Timestamp),
            late_start_minutes: m.late_start_minutes.and_then(|v| u32::try_from(v).ok()),
            secret: secret_bytes(&m.secret)?,
            room: m.room,
            local_session: None,
            package_id: Some(pkg),
            check_in_required: m.check_in_required,
            admitted: admitted.into_iter().collect(),
            hub_window,
        }))
    }

    /// Whether `username` may start the exam now under its room's rules (the
    /// session is open, late starts, check-in) and its sitting's schedule. A
    /// refusal by the room is recorded so the invigilator sees who tried.
    pub(crate) async fn check_start_rules(
        &self,
        username: &str,
        exam_id: i64,
        sitting: &SittingRow,
    ) -> AppResult<()> {
        let now = self.now();
        let ctx = self.room_ctx(exam_id).await?;
        let (window, opened_at) = ctx
            .as_ref()
            .and_then(|c| c.hub_window)
            .unwrap_or((sitting.window(), Timestamp(sitting.opened_at)));
        let refusal = match &ctx {
            Some(c) => match may_start(c.state, c.opened_at, c.late_start_minutes, now) {
                // Not open yet: nothing to tell the invigilator, who opens it.
                Err(StartRefusal::NotOpen) => {
                    return Err(AppError::NotYet(StartRefusal::NotOpen.to_string()))
                }
                Err(r) => Some(AppError::NotYet(r.to_string())),
                Ok(()) if c.check_in_required && !c.admitted.contains(username) => {
                    Some(AppError::NotCheckedIn)
                }
                Ok(()) => None,
            },
            None => None,
        };
        let refusal = refusal.or_else(|| {
            window
                .may_start(opened_at, now)
                .err()
                .map(|r| AppError::OutsideWindow(window_message(r, now)))
        });
        let Some(refusal) = refusal else {
            return Ok(());
        };
        tracing::warn!(username, exam_id, reason = %refusal, "start refused");
        if let Some(c) = &ctx {
            let reason = match &refusal {
                AppError::NotCheckedIn => "not checked in".to_owned(),
                other => other.to_string(),
            };
            self.store()
                .record_start_refusal(&StartRefusalRow {
                    session_id: c.local_session,
                    package_id: if c.local_session.is_some() {
                        None
                    } else {
                        c.package_id.clone()
                    },
                    username: username.to_owned(),
                    at: now.0,
                    reason,
                    device: c.local_session.map(|_| "this machine".to_owned()),
                })
                .await?;
        }
        Err(refusal)
    }

    /// Called when a running attempt is seen by this process for the first time.
    /// If the attempt is sat under a room session, the app must have stopped
    /// without the attempt being handed in (killed, crashed, power lost): the
    /// attempt is locked until an invigilator unlocks it.
    pub(crate) async fn lock_if_restarted(&self, a: &AttemptRow) -> AppResult<()> {
        let first_sight = self
            .inner
            .live_attempts
            .lock()
            .expect("live attempts")
            .insert(a.id.clone());
        if !first_sight || a.status != AttemptStatus::InProgress || a.locked_seq.is_some() {
            return Ok(());
        }
        if self.room_ctx(a.exam_id).await?.is_none() {
            return Ok(());
        }
        tracing::warn!(attempt = %a.id, "attempt resumed after an unclean exit: locked");
        self.store()
            .append(
                &a.id,
                &[AttemptEvent::Locked {
                    reason: "the exam app stopped during the attempt".into(),
                }],
                self.now(),
            )
            .await?;
        Ok(())
    }

    /// Whether this process has seen the attempt running already.
    pub(crate) fn is_live(&self, attempt_id: &str) -> bool {
        self.inner
            .live_attempts
            .lock()
            .expect("live attempts")
            .contains(attempt_id)
    }

    /// Marks an attempt as live in this process (it was started here).
    pub(crate) fn mark_live(&self, attempt_id: &str) {
        self.inner
            .live_attempts
            .lock()
            .expect("live attempts")
            .insert(attempt_id.to_owned());
    }

    // ---- the candidate at a locked seat ---------------------------------------

    /// What the locked screen shows: the challenge for an offline unlock.
    pub async fn lock_info(&self, token: &str, r: AttemptRef) -> AppResult<LockDto> {
        let actor = self.actor(token).await?;
        let a = self.own_attempt(&actor, &r.attempt_id).await?;
        let a = self.observe(a).await?;
        let Some(lock_seq) = a.locked_seq else {
            return Err(AppError::Conflict("This attempt is not locked.".into()));
        };
        let ctx = self
            .room_ctx(a.exam_id)
            .await?
            .ok_or_else(|| AppError::Conflict("This attempt has no room session.".into()))?;
        Ok(LockDto {
            challenge: unlock_challenge(&ctx.secret, &a.id, lock_seq),
            room: ctx.room,
            failures: a.unlock_failures,
        })
    }

    /// A code typed at the locked seat: the session's invigilator code, or the
    /// response to the seat's challenge. A wrong code is refused and kept in the
    /// attempt's log; after 10, only the console can unlock.
    pub async fn unlock_seat(&self, token: &str, req: UnlockSeat) -> AppResult<LockDto> {
        let actor = self.actor(token).await?;
        let a = self.own_attempt(&actor, &req.attempt_id).await?;
        let ctx = self
            .room_ctx(a.exam_id)
            .await?
            .ok_or_else(|| AppError::Conflict("This attempt has no room session.".into()))?;
        enum Refusal {
            NotLocked,
            TooMany,
            Wrong(u32),
        }
        let secret = ctx.secret.clone();
        let code = req.code.clone();
        let res = self
            .store()
            .append_if(&a.id, self.now(), |h| {
                let Some(lock_seq) = h.locked_seq else {
                    return Err(Refusal::NotLocked);
                };
                if h.unlock_failures >= MAX_UNLOCK_TRIES {
                    return Err(Refusal::TooMany);
                }
                let challenge = unlock_challenge(&secret, &h.id, lock_seq);
                match check_unlock_code(&secret, &challenge, &code) {
                    Some(method) => Ok(vec![AttemptEvent::Unlocked {
                        method,
                        command: None,
                    }]),
                    None => Err(Refusal::Wrong(h.unlock_failures + 1)),
                }
            })
            .await;
        match res {
            Ok(_) => {
                tracing::info!(attempt = %a.id, "seat unlocked with a code");
                if let Some(session) = ctx.local_session {
                    self.room_note(session, "unlocked", &a, "unlocked at the seat with a code")
                        .await?;
                }
                Ok(LockDto {
                    challenge: String::new(),
                    room: ctx.room,
                    failures: 0,
                })
            }
            Err(AppendError::Refused(Refusal::NotLocked)) => {
                Err(AppError::Conflict("This attempt is not locked.".into()))
            }
            Err(AppendError::Refused(Refusal::TooMany)) => Err(AppError::Conflict(
                "Too many wrong codes: the invigilator must unlock this seat from the console."
                    .into(),
            )),
            Err(AppendError::Refused(Refusal::Wrong(n))) => {
                self.store()
                    .append(
                        &a.id,
                        &[AttemptEvent::UnlockRefused { attempts: n }],
                        self.now(),
                    )
                    .await?;
                tracing::warn!(attempt = %a.id, failures = n, "wrong unlock code");
                if let Some(session) = ctx.local_session {
                    self.room_note(
                        session,
                        "unlock_refused",
                        &a,
                        "a wrong unlock code was typed",
                    )
                    .await?;
                }
                Err(AppError::invalid(
                    "code",
                    format!(
                        "That code is not right ({n} of {MAX_UNLOCK_TRIES} tries). Ask the invigilator."
                    ),
                ))
            }
            Err(AppendError::Store(e)) => Err(e.into()),
        }
    }

    /// Someone asks to close the exam window during an attempt. Under a room
    /// session it takes the invigilator's code; every request is an integrity
    /// event in the attempt's log (and in the room log on the hub's machine). `Ok`
    /// means the window may close: the attempt stays running, and the next start
    /// meets it as an unclean exit (locked until an invigilator unlocks it).
    pub async fn close_exam_window(&self, token: &str, req: CloseExamWindow) -> AppResult<()> {
        let actor = self.actor(token).await?;
        let a = self.own_attempt(&actor, &req.attempt_id).await?;
        if a.status != AttemptStatus::InProgress {
            return Ok(());
        }
        // No room, no invigilator: the close is allowed; the answers are saved and
        // the attempt resumes on the next start.
        let ctx = self.room_ctx(a.exam_id).await?;
        let allowed = ctx.as_ref().is_none_or(|ctx| {
            req.code.as_deref().is_some_and(|code| {
                check_unlock_code(&ctx.secret, "", code) == Some(UnlockMethod::InvigilatorCode)
            })
        });
        self.store()
            .append(&a.id, &[AttemptEvent::CloseAsked { allowed }], self.now())
            .await?;
        if let Some(session) = ctx.and_then(|c| c.local_session) {
            let detail = if allowed {
                "the exam window was closed with the invigilator's code"
            } else {
                "a close of the exam window was refused (no or a wrong code)"
            };
            self.room_note(session, "close_asked", &a, detail).await?;
        }
        if allowed {
            tracing::info!(attempt = %a.id, "exam window closed");
            Ok(())
        } else {
            tracing::warn!(attempt = %a.id, "exam window close refused");
            Err(AppError::invalid(
                "code",
                "Closing the exam needs the invigilator's code. Your exam goes on.",
            ))
        }
    }

    async fn room_note(
        &self,
        session: i64,
        kind: &str,
        a: &AttemptRow,
        detail: &str,
    ) -> AppResult<()> {
        let username = self.store().username_of(a.user_id).await?;
        self.store()
            .room_log_append(
                session,
                LogLine {
                    kind,
                    category: None,
                    username: username.as_deref(),
                    detail,
                    by_user: None,
                },
                self.now(),
            )
            .await?;
        Ok(())
    }

    // ---- the console ------------------------------------------------------------

    async fn staff(&self, token: &str, action: &'static str) -> AppResult<Actor> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Invigilator, Role::Admin], action)?;
        Ok(actor)
    }

    pub(crate) async fn session_row(&self, id: i64) -> AppResult<RoomSessionRow> {
        self.store()
            .room_session(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Room session {id}")))
    }

    async fn session_dto(&self, s: &RoomSessionRow) -> AppResult<RoomSessionDto> {
        let title = self.exam(s.exam_id).await?.title.clone();
        Ok(RoomSessionDto {
            session_id: s.id,
            exam_id: s.exam_id,
            exam_title: title,
            package_id: s.package_id.clone(),
            room: s.room.clone(),
            seats: u32::try_from(s.seats).unwrap_or(0),
            state: s.state,
            late_start_minutes: s.late_start_minutes,
            start_code: s.start_code.clone(),
            invigilator_code: invigilator_code(&secret_bytes(&s.secret)?),
            created_at_ms: s.created_at.0,
            opened_at_ms: s.opened_at.map(|t| t.0),
            closed_at_ms: s.closed_at.map(|t| t.0),
            check_in_required: s.check_in_required,
        })
    }

    /// A planned session for an exam, with the exam's candidates expected.
    pub async fn create_room_session(
        &self,
        token: &str,
        req: CreateRoomSession,
    ) -> AppResult<RoomSessionDto> {
        let actor = self.staff(token, "run room sessions").await?;
        let room = text_field("room", &req.room, 64)?;
        if !(1..=500).contains(&req.seats) {
            return Err(AppError::invalid("seats", "between 1 and 500"));
        }
        if req.late_start_minutes.is_some_and(|m| m > 600) {
            return Err(AppError::invalid(
                "late_start_minutes",
                "at most 600 minutes",
            ));
        }
        self.exam(req.exam_id).await?;
        if let Some(s) = self
            .store()
            .newest_room_session_for_exam(req.exam_id)
            .await?
        {
            if s.state != RoomState::Closed {
                return Err(AppError::Conflict(format!(
                    "Room session {} ({}) for this exam is not closed yet.",
                    s.id, s.room
                )));
            }
        }
        let roster: Vec<(String, String, f64)> = self
            .store()
            .room_rows(req.exam_id)
            .await?
            .into_iter()
            .map(|r| (r.username, r.display_name, r.time_multiplier))
            .collect();
        if roster.len() > req.seats as usize {
            return Err(AppError::invalid(
                "seats",
                format!(
                    "{} candidates are expected but the room has {} seats",
                    roster.len(),
                    req.seats
                ),
            ));
        }
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        let package_id = self.store().exam_package_id(req.exam_id).await?;
        let id = self
            .store()
            .create_room_session(
                NewRoomSession {
                    exam_id: req.exam_id,
                    package_id: package_id.as_deref(),
                    room: &room,
                    seats: i64::from(req.seats),
                    secret: &hex::encode(secret),
                    late_start_minutes: req.late_start_minutes,
                    check_in_required: req.check_in_required,
                    created_by: actor.user_id,
                },
                &roster,
                self.now(),
            )
            .await?;
        tracing::info!(session = id, exam = req.exam_id, %room, "room session created");
        self.session_dto(&self.session_row(id).await?).await
    }

    pub async fn room_sessions(&self, token: &str) -> AppResult<Vec<RoomSessionDto>> {
        self.staff(token, "run room sessions").await?;
        let mut out = Vec::new();
        for s in self.store().room_sessions().await? {
            out.push(self.session_dto(&s).await?);
        }
        Ok(out)
    }

    /// Opens the session: the start code (the exam's open sitting's, or a new
    /// one) is shown for the invigilator to read out, and seats may start.
    pub async fn open_room_session(&self, token: &str, r: SessionRef) -> AppResult<RoomSessionDto> {
        let actor = self.staff(token, "run room sessions").await?;
        let s = self.session_row(r.session_id).await?;
        if s.state != RoomState::Planned {
            return Err(AppError::Conflict(format!(
                "Room session {} is already {}.",
                s.id,
                s.state.as_str()
            )));
        }
        let code = match self.store().open_sitting_for(s.exam_id).await? {
            Some(sitting) => sitting.start_code,
            None => {
                let mut bytes = [0u8; StartCode::LEN];
                rand::rng().fill_bytes(&mut bytes);
                let code = StartCode::from_random(bytes).as_str().to_owned();
                self.store()
                    .open_sitting(s.exam_id, &code, actor.user_id, self.now())
                    .await?;
                code
            }
        };
        self.store()
            .open_room_session(s.id, &code, actor.user_id, self.now())
            .await?;
        tracing::info!(session = s.id, "room session opened");
        self.session_dto(&self.session_row(s.id).await?).await
    }

    pub async fn check_in(&self, token: &str, req: CheckIn) -> AppResult<RoomConsoleDto> {
        let actor = self.staff(token, "check candidates in").await?;
        let s = self.session_row(req.session_id).await?;
        if s.state == RoomState::Closed {
            return Err(AppError::Conflict("The session is closed.".into()));
        }
        let seat = match req.seat.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(x) => Some(text_field("seat", x, 16)?),
        };
        if let Some(seat) = &seat {
            let taken = self
                .store()
                .room_candidates(s.id)
                .await?
                .into_iter()
                .find(|c| c.seat.as_deref() == Some(seat) && c.username != req.username);
            if let Some(c) = taken {
                return Err(AppError::invalid(
                    "seat",
                    format!("seat {seat} is already {}'s", c.username),
                ));
            }
        }
        self.store()
            .check_in(
                s.id,
                CheckInRow {
                    username: &req.username,
                    attendance: req.attendance,
                    id_checked: req.id_checked,
                    seat: seat.as_deref(),
                },
                actor.user_id,
                self.now(),
            )
            .await
            .map_err(|e| match e {
                examhall_store::StoreError::NotFound(_) => AppError::invalid(
                    "username",
                    format!("{} is not expected in this session", req.username),
                ),
                other => other.into(),
            })?;
        self.room_console(token, SessionRef { session_id: s.id })
            .await
    }

    async fn expected(&self, session: i64, username: &str) -> AppResult<()> {
        let known = self
            .store()
            .room_candidates(session)
            .await?
            .iter()
            .any(|c| c.username == username);
        if known {
            Ok(())
        } else {
            Err(AppError::invalid(
                "username",
                format!("{username} is not expected in this session"),
            ))
        }
    }

    /// Pause, resume, extend or unlock one candidate or the whole room, or hand
    /// one candidate's attempt in (with the reason, which the room log keeps; the
    /// attempt's chain records `submitted {reason: invigilator}`), or void it for
    /// misconduct (`voided {reason}`, then the hand-in: kept, graded, marked void).
    pub async fn room_action(&self, token: &str, req: RoomAction) -> AppResult<RoomActionAck> {
        let actor = self
            .staff(token, "pause, extend or unlock candidates")
            .await?;
        let s = self.session_row(req.session_id).await?;
        if s.state != RoomState::Open {
            return Err(AppError::Conflict(format!(
                "The session is {}: open it first.",
                s.state.as_str()
            )));
        }
        let reason = text_field("reason", &req.reason, 500)?;
        let ms = match req.kind {
            CommandKind::Extend => match req.minutes {
                Some(m) if (1..=600).contains(&m) => i64::from(m) * 60_000,
                _ => {
                    return Err(AppError::invalid(
                        "minutes",
                        "an extension is 1 to 600 minutes",
                    ))
                }
            },
            _ => 0,
        };
        if let Some(u) = &req.username {
            self.expected(s.id, u).await?;
        } else if req.kind == CommandKind::Unlock {
            return Err(AppError::invalid(
                "username",
                "unlock one candidate at a time",
            ));
        } else if req.kind == CommandKind::Submit {
            return Err(AppError::invalid(
                "username",
                "hand in one candidate at a time",
            ));
        } else if req.kind == CommandKind::Void {
            return Err(AppError::invalid(
                "username",
                "void one candidate's attempt at a time",
            ));
        }

        let cmd = RoomCommand {
            id: 0,
            username: req.username.clone(),
            kind: req.kind,
            ms,
            reason,
        };
        let (command_id, applied_here) = self
            .store()
            .issue_room_command(
                s.id,
                s.exam_id,
                &cmd,
                None,
                examhall_store::Issuer {
                    by_user: actor.user_id,
                    grade: crate::candidate::grade_job,
                },
                self.now(),
            )
            .await?;
        if matches!(req.kind, CommandKind::Submit | CommandKind::Void) {
            self.inner.jobs_ready.notify_one();
        }
        tracing::info!(
            session = s.id,
            command = command_id,
            kind = req.kind.as_str(),
            "room command"
        );
        Ok(RoomActionAck {
            command_id,
            applied_here,
        })
    }

    /// Moves a candidate whose seat failed to a spare seat. The hub must hold
    /// a copy of the attempt in progress (seats copy each save within about a
    /// second). The seat holding it is fenced at once: its further copies and
    /// its hand-in are refused, and its window says where the exam went. The
    /// next seat the candidate starts at (with the start code) continues the
    /// same attempt from the copy.
    pub async fn move_candidate(
        &self,
        token: &str,
        req: examhall_protocol::room::MoveCandidate,
    ) -> AppResult<RoomConsoleDto> {
        let actor = self.staff(token, "move candidates").await?;
        let s = self.session_row(req.session_id).await?;
        self.expected(s.id, &req.username).await?;
        let reason = text_field("reason", &req.reason, 500)?;
        let Some(package) = s.package_id.as_deref() else {
            return Err(AppError::invalid(
                "session_id",
                "this room's exam is not from a package, so its seats keep no copy here to move",
            ));
        };
        let Some(copy) = self.store().copy_for(package, &req.username).await? else {
            return Err(AppError::Conflict(format!(
                "This hub holds no copy of {}'s attempt, so there is nothing to continue on another seat. \
                 (A seat copies each answer within a second while it can reach the hub.)",
                req.username
            )));
        };
        if copy.status != AttemptStatus::InProgress.as_str() {
            return Err(AppError::Conflict(format!(
                "{} has already handed in; there is nothing to move.",
                req.username
            )));
        }
        if !self.store().open_move(&copy.attempt_id, self.now()).await? {
            return Err(AppError::Conflict(format!(
                "{} is already being moved: sign them in at a spare seat.",
                req.username
            )));
        }
        let from = self.device_name(&copy.device_id).await?;
        let detail = format!(
            "moved away from {from} ({reason}); the next seat {} starts at continues the attempt",
            req.username
        );
        self.store()
            .room_log_append(
                s.id,
                LogLine {
                    kind: "moved",
                    category: None,
                    username: Some(&req.username),
                    detail: &detail,
                    by_user: Some(actor.user_id),
                },
                self.now(),
            )
            .await?;
        tracing::info!(session = s.id, username = %req.username, attempt = %copy.attempt_id, "candidate moved");
        self.room_console(token, SessionRef { session_id: s.id })
            .await
    }

    pub async fn record_incident(
        &self,
        token: &str,
        req: RecordIncident,
    ) -> AppResult<RoomConsoleDto> {
        let actor = self.staff(token, "record incidents").await?;
        let s = self.session_row(req.session_id).await?;
        let text = text_field("text", &req.text, 2000)?;
        if let Some(u) = &req.username {
            self.expected(s.id, u).await?;
        }
        self.store()
            .room_log_append(
                s.id,
                LogLine {
                    kind: "incident",
                    category: Some(req.category.as_str()),
                    username: req.username.as_deref(),
                    detail: &text,
                    by_user: Some(actor.user_id),
                },
                self.now(),
            )
            .await?;
        self.room_console(token, SessionRef { session_id: s.id })
            .await
    }

    /// The code that answers a locked seat's challenge (logged).
    pub async fn offline_unlock_code(
        &self,
        token: &str,
        req: OfflineUnlock,
    ) -> AppResult<UnlockCodeDto> {
        let actor = self.staff(token, "unlock seats").await?;
        let s = self.session_row(req.session_id).await?;
        let challenge = StartCode::parse(&req.challenge).map_err(|_| {
            AppError::invalid("challenge", "the 6 characters shown on the locked seat")
        })?;
        let response = unlock_response(&secret_bytes(&s.secret)?, challenge.as_str());
        let detail = format!("unlock code given for challenge {}", challenge.as_str());
        self.store()
            .room_log_append(
                s.id,
                LogLine::of("unlock_code", None, &detail, Some(actor.user_id)),
                self.now(),
            )
            .await?;
        Ok(UnlockCodeDto { response })
    }

    /// Accepts (an extension with reason "downtime") or dismisses a gap the
    /// ledger proposed.
    pub async fn decide_credit(&self, token: &str, req: DecideCredit) -> AppResult<RoomConsoleDto> {
        let actor = self.staff(token, "credit downtime").await?;
        let s = self.session_row(req.session_id).await?;
        let console = self
            .room_console(token, SessionRef { session_id: s.id })
            .await?;
        let p = console
            .ledger
            .iter()
            .find(|p| p.attempt_id == req.attempt_id && p.gap_seq == req.gap_seq)
            .ok_or_else(|| {
                AppError::NotFound(format!(
                    "Downtime proposal {}/{}",
                    req.attempt_id, req.gap_seq
                ))
            })?;
        if p.decision.is_some() {
            return Err(AppError::Conflict(
                "That gap has been decided already.".into(),
            ));
        }
        if req.accept && s.state != RoomState::Open {
            return Err(AppError::Conflict(
                "Credits can be given while the session is open.".into(),
            ));
        }
        let ms = i64::from(p.minutes) * 60_000;
        let cmd = RoomCommand {
            id: 0,
            username: Some(p.username.clone()),
            kind: CommandKind::Extend,
            ms,
            reason: "downtime".into(),
        };
        let decision = CreditDecision {
            attempt_id: &p.attempt_id,
            gap_seq: p.gap_seq,
            username: &p.username,
            credited: req.accept,
            ms: if req.accept { ms } else { p.gap_ms },
        };
        self.store()
            .issue_room_command(
                s.id,
                s.exam_id,
                &cmd,
                Some(decision),
                examhall_store::Issuer {
                    by_user: actor.user_id,
                    grade: crate::candidate::grade_job,
                },
                self.now(),
            )
            .await?;
        self.room_console(token, SessionRef { session_id: s.id })
            .await
    }

    /// Closes the session once every candidate is accounted for.
    pub async fn close_room_session(
        &self,
        token: &str,
        req: CloseRoomSession,
    ) -> AppResult<RoomSessionDto> {
        let actor = self.staff(token, "run room sessions").await?;
        let console = self
            .room_console(
                token,
                SessionRef {
                    session_id: req.session_id,
                },
            )
            .await?;
        if console.session.state == RoomState::Closed {
            return Err(AppError::Conflict("The session is already closed.".into()));
        }
        let mut accounted = Vec::new();
        for a in &req.accounted {
            self.expected(req.session_id, &a.username).await?;
            accounted.push((a.username.clone(), text_field("reason", &a.reason, 500)?));
        }
        let mut missing = Vec::new();
        for seat in &console.seats {
            let done = seat
                .progress
                .as_ref()
                .is_some_and(|p| p.status != AttemptStatus::InProgress);
            let excused =
                seat.accounted.is_some() || accounted.iter().any(|(u, _)| *u == seat.username);
            let unchecked = seat.attendance == Attendance::Expected && seat.progress.is_none();
            if excused || seat.attendance == Attendance::Absent && seat.progress.is_none() {
                continue;
            }
            if unchecked {
                missing.push(format!("{} (not checked in)", seat.username));
            } else if !done {
                missing.push(format!("{} (not submitted)", seat.username));
            }
        }
        if !missing.is_empty() {
            return Err(AppError::invalid(
                "accounted",
                format!(
                    "account for every candidate before closing: {}",
                    missing.join(", ")
                ),
            ));
        }
        self.store()
            .close_room_session(req.session_id, &accounted, actor.user_id, self.now())
            .await?;
        tracing::info!(session = req.session_id, "room session closed");
        self.session_dto(&self.session_row(req.session_id).await?)
            .await
    }

    /// The room at a glance: every expected candidate with their seat's newest
    /// report (or this machine's own attempt), alerts, the ledger and the log.
    pub async fn room_console(&self, token: &str, r: SessionRef) -> AppResult<RoomConsoleDto> {
        self.staff(token, "run room sessions").await?;
        let s = self.session_row(r.session_id).await?;
        self.console_of(&s).await
    }

    /// The console of session `s`, as the invigilator sees it (and as the room
    /// reports itself to HQ).
    pub(crate) async fn console_of(
        &self,
        s: &examhall_store::RoomSessionRow,
    ) -> AppResult<RoomConsoleDto> {
        let now = self.now();
        let exam = self.exam(s.exam_id).await?;
        let total = exam.questions_per_attempt() as u32;
        // This machine's own attempts (a desktop that is both console and seat).
        let mut local: HashMap<String, (SeatAttempt, i64)> = HashMap::new();
        for p in self.store().local_progress(s.exam_id).await? {
            let heard = p.attempt.last_seen_at.0;
            local.insert(
                p.username.clone(),
                (
                    seat_attempt(&p, s.package_id.as_deref().unwrap_or(""), total, now),
                    heard,
                ),
            );
        }
        let mut remote: HashMap<String, (SeatAttempt, String, i64, i64)> = HashMap::new();
        // The hub believes a seat's downtime only as far as it saw the seat
        // silent (plus a heartbeat's slack).
        let mut observed: HashMap<String, i64> = HashMap::new();
        for row in self.store().room_seats(s.id).await? {
            if let Ok(rep) = serde_json::from_str::<SeatAttempt>(&row.report) {
                observed.insert(
                    row.username.clone(),
                    row.longest_silence_ms + SILENCE_SLACK_MS,
                );
                remote.insert(
                    row.username.clone(),
                    (rep, row.device, row.received_at, row.applied_command),
                );
            }
        }
        let copies = match &s.package_id {
            Some(p) => self
                .store()
                .package_copies(p)
                .await?
                .into_iter()
                .map(|c| (c.attempt_id.clone(), c))
                .collect(),
            None => HashMap::new(),
        };
        let last_command = self.store().last_room_command(s.id).await?;
        let credits: HashMap<(String, i64), String> = self
            .store()
            .room_credits(s.id)
            .await?
            .into_iter()
            .map(|c| ((c.attempt_id, c.gap_seq), c.decision))
            .collect();
        let refused: Vec<StartRefusalDto> = self
            .store()
            .session_start_refusals(s.id)
            .await?
            .into_iter()
            .map(|r| StartRefusalDto {
                package_id: r.package_id.unwrap_or_default(),
                username: r.username,
                at_ms: r.at,
                reason: r.reason,
                device: r.device,
            })
            .collect();
        let mut seats = Vec::new();
        let mut ledger = Vec::new();
        for c in self.store().room_candidates(s.id).await? {
            let (progress, device, heard, applied, remaining) =
                if let Some((p, heard)) = local.remove(&c.username) {
                    let rem = p.remaining_ms;
                    (
                        Some(p),
                        Some("this machine".to_owned()),
                        Some(heard),
                        last_command,
                        Some(rem),
                    )
                } else if let Some((p, device, received, applied)) = remote.remove(&c.username) {
                    let rem = if p.status == AttemptStatus::InProgress && !p.paused {
                        (p.remaining_ms - (now.0 - received).max(0)).max(0)
                    } else {
                        p.remaining_ms
                    };
                    (Some(p), Some(device), Some(received), applied, Some(rem))
                } else {
                    (None, None, None, 0, None)
                };
            let mut alerts = Vec::new();
            let tries: Vec<&StartRefusalDto> = refused
                .iter()
                .filter(|r| r.username == c.username)
                .collect();
            if let (Some(last), None) = (tries.last(), &progress) {
                alerts.push(SeatAlert::StartRefused {
                    count: tries.len() as i64,
                    reason: last.reason.clone(),
                });
            }
            if let Some(p) = &progress {
                if p.status == AttemptStatus::InProgress {
                    if let Some(h) = heard {
                        if now.0 - h > SILENT_MS {
                            alerts.push(SeatAlert::Silent {
                                secs: (now.0 - h) / 1000,
                            });
                        }
                    }
                    if p.locked {
                        alerts.push(SeatAlert::Locked);
                    }
                    if p.paused {
                        alerts.push(SeatAlert::Paused);
                    }
                    if let (Some(rem), Some(h)) = (remaining, heard) {
                        if rem == 0 && !p.paused {
                            // Still running when its time ran out, as last
                            // heard: the seat could not hand it in.
                            let over = now.0 - (h + p.remaining_ms);
                            alerts.push(SeatAlert::TimeOver {
                                secs: over.max(0) / 1000,
                            });
                        } else if rem < NEARLY_UP_MS && !p.paused {
                            alerts.push(SeatAlert::TimeNearlyUp { secs: rem / 1000 });
                        }
                    }
                }
                if p.focus_lost > 0 {
                    alerts.push(SeatAlert::FocusLost {
                        count: i64::from(p.focus_lost),
                    });
                }
                if p.close_asked > 0 {
                    alerts.push(SeatAlert::CloseAsked {
                        count: i64::from(p.close_asked),
                    });
                }
                for g in &p.gaps {
                    let gap_ms = observed
                        .get(&c.username)
                        .map_or(g.gap_ms, |cap| g.gap_ms.min(*cap));
                    if let Some(minutes) = credit_minutes(gap_ms, self.settings().gap_threshold_ms)
                    {
                        ledger.push(CreditProposal {
                            username: c.username.clone(),
                            attempt_id: p.attempt_id.clone(),
                            gap_seq: g.seq,
                            gap_ms,
                            minutes,
                            decision: credits.get(&(p.attempt_id.clone(), g.seq)).cloned(),
                        });
                    }
                }
            }
            let copy = match progress
                .as_ref()
                .and_then(|p| copies.get(&p.attempt_id).map(|h| (p, h)))
            {
                Some((p, h)) => Some(SeatCopy {
                    held_seq: h.head_seq,
                    behind: (p.head_seq - h.head_seq).max(0),
                    copied_at_ms: h.copied_at,
                    moving: h.move_state.as_deref() == Some("pending"),
                    moved_from: match &h.moved_from {
                        Some(d) => Some(self.device_name(d).await?),
                        None => None,
                    },
                }),
                None => None,
            };
            seats.push(SeatView {
                username: c.username,
                display_name: c.display_name,
                seat: c.seat,
                attendance: c.attendance,
                id_checked: c.id_checked,
                time_multiplier: c.time_multiplier,
                accounted: c.accounted,
                device,
                progress,
                last_heard_ms: heard,
                applied_command: applied,
                remaining_ms: remaining,
                alerts,
                copy,
            });
        }
        let log = self
            .store()
            .room_log(s.id)
            .await?
            .into_iter()
            .map(|l| RoomLogDto {
                at_ms: l.at,
                kind: l.kind,
                category: l.category,
                username: l.username,
                detail: l.detail,
            })
            .collect();
        Ok(RoomConsoleDto {
            session: self.session_dto(s).await?,
            seats,
            ledger,
            log,
            refused,
            now_ms: now.0,
        })
    }

    // ---- the hub's side of the seats' heartbeat ---------------------------------

    /// A seat's heartbeat: stores its attempts' progress against the session for
    /// their package, and answers with the sessions it may be in and the commands
    /// after its cursors.
    pub async fn room_heartbeat(
        &self,
        device_token: &str,
        report: SeatReport,
    ) -> AppResult<RoomUpdate> {
        let d = self.device_by_token(device_token).await?;
        if report.app_version.is_some() {
            self.seen_device(&d.id, report.app_version.as_deref()).await;
        }
        if report.attempts.len() > 500 || report.cursors.len() > 100 {
            return Err(AppError::invalid(
                "attempts",
                "at most 500 attempts and 100 cursors",
            ));
        }
        for (i, a) in report.attempts.iter().enumerate() {
            let field = |f: &str| format!("attempts[{i}].{f}");
            for (name, v) in [
                ("package_id", &a.package_id),
                ("username", &a.username),
                ("attempt_id", &a.attempt_id),
            ] {
                if v.is_empty() || v.len() > 128 {
                    return Err(AppError::invalid(field(name), "1 to 128 characters"));
                }
            }
            if a.gaps.len() > 1000 {
                return Err(AppError::invalid(field("gaps"), "at most 1000"));
            }
        }
        let now = self.now();
        let by_package = self.seat_sessions(&d.centre).await?;
        let cursor = |session: i64| {
            report
                .cursors
                .iter()
                .find(|c| c.session_id == session)
                .map_or(0, |c| c.applied)
        };
        let mut rows = Vec::new();
        for a in &report.attempts {
            if let Some(s) = by_package.get(&a.package_id) {
                let json = serde_json::to_string(a).map_err(anyhow::Error::from)?;
                rows.push(examhall_store::NewSeatReport {
                    session_id: s.id,
                    username: a.username.clone(),
                    device_name: d.name.clone(),
                    device_id: d.id.clone(),
                    report: json,
                    applied: cursor(s.id),
                    silence_before_ms: s.opened_at.map_or(0, |o| now.since(o)),
                });
            }
        }
        for r in report.refused.iter().take(200) {
            let Some(s) = by_package.get(&r.package_id) else {
                continue;
            };
            if r.username.is_empty() || r.username.len() > 128 || r.reason.len() > 500 {
                return Err(AppError::invalid(
                    "refused",
                    "username 1 to 128 characters, reason at most 500",
                ));
            }
            self.store()
                .record_start_refusal(&StartRefusalRow {
                    session_id: Some(s.id),
                    package_id: Some(r.package_id.clone()),
                    username: r.username.clone(),
                    at: r.at_ms,
                    reason: r.reason.clone(),
                    device: Some(d.name.clone()),
                })
                .await?;
        }
        // A seat speaks only for the candidates it reported first.
        for username in self.store().record_seat_reports(&rows, now).await? {
            tracing::warn!(device = %d.id, %username, "a seat reported for a candidate another seat holds; ignored");
        }
        let mut out = Vec::new();
        for (package_id, s) in by_package {
            let commands = self.store().room_commands_after(s.id, cursor(s.id)).await?;
            let sitting = self.store().open_sitting_for(s.exam_id).await?.map(|row| {
                let w = row.window();
                SittingWindowDto {
                    opened_at_ms: row.opened_at,
                    opens_at_ms: w.opens_at.map(|t| t.0),
                    closes_at_ms: w.closes_at.map(|t| t.0),
                    late_start_minutes: w.late_start_minutes,
                }
            });
            let admitted = self
                .store()
                .room_candidates(s.id)
                .await?
                .into_iter()
                .filter(|c| c.attendance.in_room())
                .map(|c| c.username)
                .collect();
            out.push(SeatSession {
                sitting,
                check_in_required: s.check_in_required,
                admitted,
                session_id: s.id,
                package_id,
                room: s.room,
                state: s.state,
                secret: s.secret,
                start_code: s.start_code,
                late_start_minutes: s.late_start_minutes,
                opened_at_ms: s.opened_at.map(|t| t.0),
                commands,
            });
        }
        Ok(RoomUpdate { sessions: out })
    }

    /// The newest session per package that seats of `centre` may see (a
    /// session's secret goes only to the seats that may sit it).
    pub(crate) async fn seat_sessions(
        &self,
        centre: &str,
    ) -> AppResult<BTreeMap<String, RoomSessionRow>> {
        let sessions = self
            .store()
            .room_sessions_for_seats(self.now().plus_millis(-CLOSED_VISIBLE_MS))
            .await?;
        let mut by_package: BTreeMap<String, RoomSessionRow> = BTreeMap::new();
        for s in sessions {
            let Some(p) = s.package_id.clone() else {
                continue;
            };
            let ours = self
                .store()
                .package(&p)
                .await?
                .is_some_and(|row| row.centre == centre);
            if ours {
                by_package.insert(p, s);
            }
        }
        Ok(by_package)
    }

    /// A relay hub holds its seats' results only as envelopes for HQ, so its
    /// console hears of an attempt only from the seat's heartbeat. A seat that
    /// hands in and is switched off (or a windowless seat that exits once the
    /// hub holds its result) sends no further heartbeat: the console would show
    /// the candidate in progress for ever and the room could not close. The
    /// verified chain of a handed-in attempt stands in for that last report,
    /// under the same rule as a heartbeat (a seat speaks only for the
    /// candidates it reported first).
    pub(crate) async fn console_learns_hand_in(
        &self,
        device: &examhall_store::DeviceRow,
        up: &examhall_protocol::sync::AttemptUpload,
        chain: &[(StoredEvent, AttemptEvent)],
    ) -> AppResult<()> {
        let Some(s) = self
            .seat_sessions(&device.centre)
            .await?
            .remove(&up.package_id)
        else {
            return Ok(());
        };
        let total = match self.store().exam_for_package(&up.package_id).await? {
            Some(exam_id) => self.exam(exam_id).await?.questions_per_attempt() as u32,
            None => 0,
        };
        let report = seat_attempt_from_chain(up, chain, total);
        if report.status == AttemptStatus::InProgress {
            return Ok(());
        }
        let applied = self
            .store()
            .room_seats(s.id)
            .await?
            .into_iter()
            .find(|r| r.username == up.username)
            .map_or(0, |r| r.applied_command);
        let row = examhall_store::NewSeatReport {
            session_id: s.id,
            username: up.username.clone(),
            device_name: device.name.clone(),
            device_id: device.id.clone(),
            report: serde_json::to_string(&report).map_err(anyhow::Error::from)?,
            applied,
            silence_before_ms: s.opened_at.map_or(0, |o| self.now().since(o)),
        };
        for username in self.store().record_seat_reports(&[row], self.now()).await? {
            tracing::warn!(device = %device.id, %username, "a seat sent a result for a candidate another seat holds; the console keeps the other seat's line");
        }
        Ok(())
    }

    // ---- the seat's side --------------------------------------------------------

    /// This seat's attempts at exams from packages, as the hub wants them.
    async fn seat_report(&self) -> AppResult<SeatReport> {
        let now = self.now();
        let mut attempts = Vec::new();
        let mut cursors = Vec::new();
        for m in self.store().seat_rooms().await? {
            cursors.push(SeatCursor {
                session_id: m.session_id,
                applied: m.command_cursor,
            });
            let Some(exam_id) = self.store().exam_for_package(&m.package_id).await? else {
                continue;
            };
            let total = self.exam(exam_id).await?.questions_per_attempt() as u32;
            for p in self.store().local_progress(exam_id).await? {
                attempts.push(seat_attempt(&p, &m.package_id, total, now));
            }
        }
        let refused = self
            .store()
            .seat_start_refusals(now.plus_millis(-CLOSED_VISIBLE_MS))
            .await?
            .into_iter()
            .filter_map(|r| {
                Some(StartRefusalDto {
                    package_id: r.package_id?,
                    username: r.username,
                    at_ms: r.at,
                    reason: r.reason,
                    device: None,
                })
            })
            .collect();
        Ok(SeatReport {
            attempts,
            cursors,
            refused,
            app_version: Some(crate::APP_VERSION.to_owned()),
        })
    }

    /// One heartbeat to the hub: progress up; sessions, the opening and
    /// commands down. Returns how many attempts the commands changed.
    pub async fn room_round(&self) -> AppResult<u32> {
        let enr = self.enrolled().await?;
        let client = self.upstream(&enr)?;
        let report = self.seat_report().await?;
        let update = client
            .room_heartbeat(&enr.device_secret, &report)
            .await
            .map_err(crate::sync::unavailable)?;
        let now = self.now();
        let mut changed = 0;
        for s in update.sessions {
            if self.store().package(&s.package_id).await?.is_none() {
                continue;
            }
            if hex::decode(&s.secret).map_or(true, |b| b.len() != 32) {
                return Err(AppError::Unavailable(format!(
                    "the hub sent session {} with a malformed secret",
                    s.session_id
                )));
            }
            self.store()
                .save_seat_room(&SeatRoomRow {
                    package_id: s.package_id.clone(),
                    session_id: s.session_id,
                    room: s.room.clone(),
                    state: s.state.as_str().to_owned(),
                    secret: s.secret.clone(),
                    start_code: s.start_code.clone(),
                    late_start_minutes: s.late_start_minutes.map(i64::from),
                    opened_at: s.opened_at_ms,
                    command_cursor: 0,
                    updated_at: now.0,
                    opens_at: s.sitting.as_ref().and_then(|w| w.opens_at_ms),
                    closes_at: s.sitting.as_ref().and_then(|w| w.closes_at_ms),
                    sitting_late_start_minutes: s
                        .sitting
                        .as_ref()
                        .and_then(|w| w.late_start_minutes)
                        .map(i64::from),
                    sitting_opened_at: s.sitting.as_ref().map(|w| w.opened_at_ms),
                    check_in_required: s.check_in_required,
                    admitted: serde_json::to_string(&s.admitted).map_err(anyhow::Error::from)?,
                })
                .await?;
            let mut exam_id = self.store().exam_for_package(&s.package_id).await?;
            if exam_id.is_none() && s.state == RoomState::Open {
                if let Some(code) = &s.start_code {
                    match self.open_package_for_room(&s.package_id, code).await {
                        Ok(id) => exam_id = Some(id),
                        Err(e) => {
                            tracing::warn!(package = %s.package_id, error = %e, "package not opened")
                        }
                    }
                }
            }
            changed += self
                .store()
                .apply_seat_commands(
                    &s.package_id,
                    s.session_id,
                    exam_id,
                    &s.commands,
                    crate::candidate::grade_job,
                    now,
                )
                .await?;
            self.inner.jobs_ready.notify_one();
        }
        Ok(changed)
    }

    /// Heartbeats every `every` until `stop` turns true; while the hub is away,
    /// retries at the same pace (a seat must catch up within seconds).
    pub async fn room_loop(self, every: Duration, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            let enrolled = matches!(self.store().enrolment().await, Ok(Some(_)));
            if enrolled {
                match self.room_round().await {
                    // Tell the console at once that its command took effect.
                    Ok(changed) if changed > 0 => {
                        if let Err(e) = self.room_round().await {
                            tracing::debug!(error = %e, "room heartbeat failed");
                        }
                    }
                    Ok(_) => {}
                    Err(e) => tracing::debug!(error = %e, "room heartbeat failed"),
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                return;
            }
        }
    }
}

/// The report of one local attempt.
fn seat_attempt(
    p: &examhall_store::LocalProgress,
    package_id: &str,
    total: u32,
    now: Timestamp,
) -> SeatAttempt {
    let a = &p.attempt;
    SeatAttempt {
        package_id: package_id.to_owned(),
        username: p.username.clone(),
        attempt_id: a.id.clone(),
        status: a.status,
        answered: u32::try_from(p.answered).unwrap_or(0),
        total,
        flagged: u32::try_from(p.flagged).unwrap_or(0),
        last_saved_at_ms: p.last_saved_at,
        remaining_ms: clock_dto(a, now).remaining_ms,
        paused: a.paused_at.is_some(),
        locked: a.locked_seq.is_some(),
        focus_lost: u32::try_from(p.focus_lost).unwrap_or(0),
        close_asked: u32::try_from(p.close_asked).unwrap_or(0),
        gaps: p
            .gaps
            .iter()
            .map(|&(seq, gap_ms)| GapDto { seq, gap_ms })
            .collect(),
        time_up: p.time_up,
        head_seq: a.head_seq,
    }
}

/// What the seat's heartbeat would say of an attempt, read from its verified
/// chain (the projection `local_progress` makes from the tables).
fn seat_attempt_from_chain(
    up: &examhall_protocol::sync::AttemptUpload,
    chain: &[(StoredEvent, AttemptEvent)],
    total: u32,
) -> SeatAttempt {
    let mut status = AttemptStatus::InProgress;
    let mut answered = BTreeMap::new();
    let mut flagged = BTreeMap::new();
    let (mut focus_lost, mut close_asked, mut time_up) = (0u32, 0u32, false);
    let mut last_saved_at_ms = None;
    let mut gaps = Vec::new();
    for (stored, event) in chain {
        status = event.next_status(status);
        match event {
            AttemptEvent::AnswerSet { question, answer } => {
                answered.insert(question.clone(), answer.is_some());
                last_saved_at_ms = Some(stored.at.0);
            }
            AttemptEvent::Flagged {
                question,
                flagged: f,
            } => {
                flagged.insert(question.clone(), *f);
            }
            AttemptEvent::FocusLost { .. } => focus_lost += 1,
            AttemptEvent::CloseAsked { .. } => close_asked += 1,
            AttemptEvent::Resumed { gap_ms } => gaps.push(GapDto {
                seq: stored.seq,
                gap_ms: *gap_ms,
            }),
            AttemptEvent::Submitted { reason } => time_up = *reason == SubmitReason::TimeUp,
            _ => {}
        }
    }
    let count = |m: &BTreeMap<_, bool>| m.values().filter(|v| **v).count() as u32;
    SeatAttempt {
        package_id: up.package_id.clone(),
        username: up.username.clone(),
        attempt_id: up.attempt_id.clone(),
        status,
        answered: count(&answered),
        total,
        flagged: count(&flagged),
        last_saved_at_ms,
        remaining_ms: 0,
        paused: false,
        locked: false,
        focus_lost,
        close_asked,
        gaps,
        time_up,
        head_seq: chain.last().map_or(0, |(e, _)| e.seq),
    }
}
