//! The room session's rules, on the demo centre with the console and the seats on
//! one machine (the LAN path is tested with real processes in the CLI's tests).

use crate::Ctx;
use examhall_app::{App, AppError};
use examhall_domain::room::{Attendance, CommandKind, IncidentCategory};
use examhall_domain::{Answer, AttemptEvent};
use examhall_protocol::room::{
    AccountedFor, CheckIn, CloseRoomSession, CreateRoomSession, DecideCredit, OfflineUnlock,
    RecordIncident, RoomAction, RoomSessionDto, SessionRef, UnlockSeat,
};
use examhall_protocol::{AttemptRef, LoginRequest, SetAnswer, StartAttempt};

const THIRTY_MIN_MS: i64 = 30 * 60_000;

/// A session without the check-in gate: these tests are about the room's other
/// rules (the gate has its own, in `sittings.rs`).
async fn session(ctx: &Ctx, inv: &str, late: Option<u32>) -> RoomSessionDto {
    let exam_id = ctx.app.list_exams(inv).await.unwrap()[0].exam_id;
    ctx.app
        .create_room_session(
            inv,
            CreateRoomSession {
                exam_id,
                room: "Lab 2".into(),
                seats: 40,
                late_start_minutes: late,
                check_in_required: false,
            },
        )
        .await
        .unwrap()
}

async fn open(ctx: &Ctx, inv: &str, late: Option<u32>) -> RoomSessionDto {
    let s = session(ctx, inv, late).await;
    ctx.app
        .open_room_session(
            inv,
            SessionRef {
                session_id: s.session_id,
            },
        )
        .await
        .unwrap()
}

async fn start(app: &App, token: &str, exam_id: i64, code: &str) -> Result<String, AppError> {
    app.start_attempt(
        token,
        StartAttempt {
            exam_id,
            start_code: code.into(),
        },
    )
    .await
    .map(|v| v.attempt_id)
}

fn action(
    session_id: i64,
    username: Option<&str>,
    kind: CommandKind,
    minutes: Option<u32>,
) -> RoomAction {
    RoomAction {
        session_id,
        username: username.map(Into::into),
        kind,
        minutes,
        reason: "fire alarm".into(),
    }
}

async fn remaining(app: &App, token: &str, attempt: &str) -> examhall_protocol::ClockDto {
    app.heartbeat(
        token,
        AttemptRef {
            attempt_id: attempt.into(),
        },
    )
    .await
    .unwrap()
}

/// Answers q1 ("b") in `attempt` as its candidate.
async fn save_q1(
    app: &App,
    token: &str,
    attempt: &str,
) -> Result<examhall_protocol::SaveAck, AppError> {
    app.set_answer(
        token,
        SetAnswer {
            attempt_id: attempt.into(),
            question_id: "q1".into(),
            answer: Some(Answer::Text("b".into())),
        },
    )
    .await
}

async fn kinds(ctx: &Ctx, attempt: &str) -> Vec<AttemptEvent> {
    ctx.db
        .store
        .events(attempt)
        .await
        .unwrap()
        .iter()
        .map(|e| serde_json::from_str(&e.payload).unwrap())
        .collect()
}

/// The whole-room console view, as the invigilator sees it.
async fn view_room(
    ctx: &Ctx,
    inv: &str,
    session_id: i64,
) -> examhall_protocol::room::RoomConsoleDto {
    ctx.app
        .room_console(inv, SessionRef { session_id })
        .await
        .unwrap()
}

/// The same database opened by a new process: what a seat sees after kill -9.
async fn restarted(ctx: &Ctx) -> (App, String) {
    let app = App::new(
        examhall_store::Store::open(&ctx.db.path).await.unwrap(),
        ctx.clock.clone(),
    );
    let token = app
        .login(LoginRequest {
            username: "candidate".into(),
            password: "demo-candidate-pass".into(),
        })
        .await
        .unwrap()
        .token;
    (app, token)
}

#[tokio::test]
async fn nobody_starts_before_the_session_opens_and_late_starters_get_full_time() {
    let ctx = Ctx::demo().await;
    let inv = ctx.login("invigilator").await;
    let s = session(&ctx, &inv, Some(20)).await;
    assert_eq!(s.start_code, None, "no code before opening");
    let cand = ctx.login("candidate").await;
    // The demo's sitting is open and its code known, but the room is not.
    let refused = start(&ctx.app, &cand, s.exam_id, "EXAM24")
        .await
        .unwrap_err();
    assert!(matches!(refused, AppError::NotYet(_)), "{refused:?}");
    assert!(refused.to_string().contains("not opened"), "{refused}");
    assert!(
        ctx.db
            .store
            .attempt_for(s.exam_id, 4)
            .await
            .unwrap()
            .is_none()
            && ctx.db.store.attempt_summaries().await.unwrap().is_empty(),
        "a refused start writes nothing"
    );

    let opened = ctx
        .app
        .open_room_session(
            &inv,
            SessionRef {
                session_id: s.session_id,
            },
        )
        .await
        .unwrap();
    let code = opened.start_code.clone().expect("the code to read out");
    assert_eq!(code, "EXAM24", "the exam's open sitting's code");
    // Five minutes late: still within the limit, and the full 30 minutes.
    ctx.clock.advance_secs(300);
    let a = start(&ctx.app, &cand, s.exam_id, &code).await.unwrap();
    let clock = remaining(&ctx.app, &cand, &a).await;
    assert_eq!(
        clock.remaining_ms, THIRTY_MIN_MS,
        "late starters get their full time"
    );

    // Past the late-start limit, the other candidate cannot start.
    ctx.clock.advance_secs(16 * 60);
    let c2 = ctx.login("candidate2").await;
    let late = start(&ctx.app, &c2, s.exam_id, &code).await.unwrap_err();
    assert!(
        late.to_string().contains("late start closed 20 minutes"),
        "{late}"
    );
}

#[tokio::test]
async fn a_pause_stops_the_clock_and_holds_answers_until_resumed() {
    let ctx = Ctx::demo().await;
    let inv = ctx.login("invigilator").await;
    let s = open(&ctx, &inv, None).await;
    let c1 = ctx.login("candidate").await;
    let c2 = ctx.login("candidate2").await;
    let a1 = start(&ctx.app, &c1, s.exam_id, "EXAM24").await.unwrap();
    let a2 = start(&ctx.app, &c2, s.exam_id, "EXAM24").await.unwrap();
    ctx.clock.advance_secs(60);

    // The fire alarm: the whole room.
    let ack = ctx
        .app
        .room_action(&inv, action(s.session_id, None, CommandKind::Pause, None))
        .await
        .unwrap();
    assert_eq!(ack.applied_here, 2, "both running attempts paused at once");
    ctx.clock.advance_secs(300);
    let clock = remaining(&ctx.app, &c1, &a1).await;
    assert!(clock.paused);
    assert_eq!(
        clock.remaining_ms,
        THIRTY_MIN_MS - 60_000,
        "paused time does not count"
    );
    let save = save_q1(&ctx.app, &c1, &a1).await.unwrap_err();
    assert!(matches!(save, AppError::Paused), "{save:?}");

    ctx.app
        .room_action(&inv, action(s.session_id, None, CommandKind::Resume, None))
        .await
        .unwrap();
    ctx.clock.advance_secs(30);
    let clock = remaining(&ctx.app, &c1, &a1).await;
    assert!(!clock.paused);
    assert_eq!(clock.remaining_ms, THIRTY_MIN_MS - 90_000);
    assert!(kinds(&ctx, &a1).await.contains(&AttemptEvent::Unpaused {
        paused_ms: 300_000,
        command: Some(ack.command_id + 1)
    }));

    // One candidate only: the other's clock runs on.
    ctx.app
        .room_action(
            &inv,
            action(s.session_id, Some("candidate"), CommandKind::Pause, None),
        )
        .await
        .unwrap();
    ctx.clock.advance_secs(100);
    assert_eq!(
        remaining(&ctx.app, &c1, &a1).await.remaining_ms,
        THIRTY_MIN_MS - 90_000
    );
    let other = remaining(&ctx.app, &c2, &a2).await;
    assert!(!other.paused);
    assert_eq!(
        other.remaining_ms,
        (THIRTY_MIN_MS as f64 * 1.25) as i64 - 190_000,
        "candidate2 (25% extra time) lost the 100 s"
    );

    // Leaving the exam window shows on the console.
    ctx.app
        .focus_lost(
            &c2,
            examhall_protocol::room::FocusLost {
                attempt_id: a2.clone(),
                hidden: true,
            },
        )
        .await
        .unwrap();
    let console = view_room(&ctx, &inv, s.session_id).await;
    let seat = console
        .seats
        .iter()
        .find(|x| x.username == "candidate2")
        .unwrap();
    assert!(
        seat.alerts
            .contains(&examhall_protocol::room::SeatAlert::FocusLost { count: 1 }),
        "{:?}",
        seat.alerts
    );
}

#[tokio::test]
async fn extensions_add_credited_time_and_accommodations_multiply() {
    let ctx = Ctx::demo().await;
    let inv = ctx.login("invigilator").await;
    let s = open(&ctx, &inv, None).await;
    let c2 = ctx.login("candidate2").await;
    let a2 = start(&ctx.app, &c2, s.exam_id, "EXAM24").await.unwrap();
    let before = remaining(&ctx.app, &c2, &a2).await;
    assert_eq!(before.allowed_ms, 2_250_000, "30 min x 1.25");
    ctx.app
        .room_action(
            &inv,
            action(
                s.session_id,
                Some("candidate2"),
                CommandKind::Extend,
                Some(10),
            ),
        )
        .await
        .unwrap();
    let after = remaining(&ctx.app, &c2, &a2).await;
    assert_eq!(
        after.allowed_ms, 2_850_000,
        "the extension is added, not multiplied"
    );
    let row = ctx.db.store.attempt(&a2).await.unwrap().unwrap();
    assert_eq!((row.time_multiplier, row.credited_ms), (1.25, 600_000));
    let console = view_room(&ctx, &inv, s.session_id).await;
    let line = console.log.iter().find(|l| l.kind == "extend").unwrap();
    assert_eq!(line.username.as_deref(), Some("candidate2"));
    assert!(line.detail.starts_with("+10 min"), "{}", line.detail);

    // Bad input names its field and changes nothing.
    let n = console.log.len();
    for (bad, field) in [
        (
            action(
                s.session_id,
                Some("candidate2"),
                CommandKind::Extend,
                Some(0),
            ),
            "minutes",
        ),
        (
            action(s.session_id, Some("nobody"), CommandKind::Pause, None),
            "username",
        ),
        (
            action(s.session_id, None, CommandKind::Unlock, None),
            "username",
        ),
        (
            RoomAction {
                reason: "  ".into(),
                ..action(s.session_id, None, CommandKind::Pause, None)
            },
            "reason",
        ),
    ] {
        match ctx.app.room_action(&inv, bad).await {
            Err(AppError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("expected an error on {field}, got {other:?}"),
        }
    }
    let again = view_room(&ctx, &inv, s.session_id).await;
    assert_eq!(again.log.len(), n, "refused actions log nothing");
    assert_eq!(remaining(&ctx.app, &c2, &a2).await.allowed_ms, 2_850_000);
}

#[tokio::test]
async fn an_unclean_exit_locks_the_seat_until_an_invigilator_unlocks_it() {
    let ctx = Ctx::demo().await;
    let inv = ctx.login("invigilator").await;
    let s = open(&ctx, &inv, None).await;
    let c1 = ctx.login("candidate").await;
    let a = start(&ctx.app, &c1, s.exam_id, "EXAM24").await.unwrap();
    let r = || AttemptRef {
        attempt_id: a.clone(),
    };

    // kill -9, restart: the attempt comes back locked, and nothing can be saved.
    let (app, tok) = restarted(&ctx).await;
    let view = app.open_attempt(&tok, r()).await.unwrap();
    assert!(view.clock.locked, "locked after an unclean exit");
    let save = save_q1(&app, &tok, &a).await.unwrap_err();
    assert!(matches!(save, AppError::Locked), "{save:?}");

    // A wrong code is refused and kept in the attempt's log and the room log.
    let wrong = app
        .unlock_seat(
            &tok,
            UnlockSeat {
                attempt_id: a.clone(),
                code: "AAAAAA".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(wrong, AppError::Invalid { ref field, .. } if field == "code"),
        "{wrong:?}"
    );
    assert!(kinds(&ctx, &a)
        .await
        .contains(&AttemptEvent::UnlockRefused { attempts: 1 }));
    assert!(
        app.open_attempt(&tok, r()).await.unwrap().clock.locked,
        "still locked"
    );
    let console = view_room(&ctx, &inv, s.session_id).await;
    assert!(console.log.iter().any(|l| l.kind == "unlock_refused"));
    let me = console
        .seats
        .iter()
        .find(|x| x.username == "candidate")
        .unwrap();
    assert!(me
        .alerts
        .contains(&examhall_protocol::room::SeatAlert::Locked));

    // The invigilator's code, typed at the seat.
    app.unlock_seat(
        &tok,
        UnlockSeat {
            attempt_id: a.clone(),
            code: s.invigilator_code.clone(),
        },
    )
    .await
    .unwrap();
    assert!(!app.open_attempt(&tok, r()).await.unwrap().clock.locked);
    let (app, tok) = restarted(&ctx).await;
    assert!(
        app.open_attempt(&tok, r()).await.unwrap().clock.locked,
        "each restart locks again"
    );
    // The offline challenge-response: the console answers the seat's challenge.
    let lock = app.lock_info(&tok, r()).await.unwrap();
    let code = ctx
        .app
        .offline_unlock_code(
            &inv,
            OfflineUnlock {
                session_id: s.session_id,
                challenge: lock.challenge.clone(),
            },
        )
        .await
        .unwrap();
    assert_ne!(code.response, s.invigilator_code);
    app.unlock_seat(
        &tok,
        UnlockSeat {
            attempt_id: a.clone(),
            code: code.response.clone(),
        },
    )
    .await
    .unwrap();
    // The console's unlock command.
    let (app, tok) = restarted(&ctx).await;
    let lock2 = app.lock_info(&tok, r()).await.unwrap();
    assert_ne!(
        lock2.challenge, lock.challenge,
        "a new lock, a new challenge"
    );
    let stale = app
        .unlock_seat(
            &tok,
            UnlockSeat {
                attempt_id: a.clone(),
                code: code.response,
            },
        )
        .await;
    assert!(stale.is_err(), "a response answers one challenge only");
    app.room_action(
        &inv,
        action(s.session_id, Some("candidate"), CommandKind::Unlock, None),
    )
    .await
    .unwrap_err(); // the invigilator's token belongs to the first process
    ctx.app
        .room_action(
            &inv,
            action(s.session_id, Some("candidate"), CommandKind::Unlock, None),
        )
        .await
        .unwrap();
    assert!(!app.open_attempt(&tok, r()).await.unwrap().clock.locked);
    let methods: Vec<_> = kinds(&ctx, &a)
        .await
        .into_iter()
        .filter_map(|e| match e {
            AttemptEvent::Unlocked { method, .. } => Some(method),
            _ => None,
        })
        .collect();
    use examhall_domain::room::UnlockMethod::*;
    assert_eq!(methods, vec![InvigilatorCode, ChallengeResponse, Console]);
}

#[tokio::test]
async fn without_a_room_session_a_restart_does_not_lock() {
    let ctx = Ctx::demo().await;
    let (_, view) = ctx.started().await;
    let (app, tok) = restarted(&ctx).await;
    let back = app
        .open_attempt(
            &tok,
            AttemptRef {
                attempt_id: view.attempt_id,
            },
        )
        .await
        .unwrap();
    assert!(
        !back.clock.locked,
        "a desktop used on its own keeps its old behaviour"
    );
}

#[tokio::test]
async fn the_downtime_ledger_proposes_the_gap_and_credits_it_once() {
    let ctx = Ctx::demo().await;
    let inv = ctx.login("invigilator").await;
    let s = open(&ctx, &inv, None).await;
    let c1 = ctx.login("candidate").await;
    let a = start(&ctx.app, &c1, s.exam_id, "EXAM24").await.unwrap();
    // The seat is down for 95 s (power cut), then comes back.
    ctx.clock.advance_secs(95);
    let (app, tok) = restarted(&ctx).await;
    app.open_attempt(
        &tok,
        AttemptRef {
            attempt_id: a.clone(),
        },
    )
    .await
    .unwrap();
    let console = view_room(&ctx, &inv, s.session_id).await;
    assert_eq!(console.ledger.len(), 1, "{:?}", console.ledger);
    let p = &console.ledger[0];
    assert_eq!(
        (p.username.as_str(), p.gap_ms, p.minutes),
        ("candidate", 95_000, 2)
    );
    assert_eq!(p.decision, None);
    let decide = |accept| DecideCredit {
        session_id: s.session_id,
        attempt_id: a.clone(),
        gap_seq: p.gap_seq,
        accept,
    };
    let after = ctx.app.decide_credit(&inv, decide(true)).await.unwrap();
    assert_eq!(after.ledger[0].decision.as_deref(), Some("credited"));
    assert!(kinds(&ctx, &a).await.iter().any(|e| matches!(e,
        AttemptEvent::Extended { ms: 120_000, reason, .. } if reason == "downtime")));
    let twice = ctx
        .app
        .decide_credit(&inv, decide(false))
        .await
        .unwrap_err();
    assert!(matches!(twice, AppError::Conflict(_)), "{twice:?}");
    let row = ctx.db.store.attempt(&a).await.unwrap().unwrap();
    assert_eq!(row.credited_ms, 120_000, "credited exactly once");
}

#[tokio::test]
async fn check_in_incidents_and_closing_account_for_everyone() {
    let ctx = Ctx::demo().await;
    let inv = ctx.login("invigilator").await;
    let s = open(&ctx, &inv, None).await;
    let check = |who: &str, attendance, seat: Option<&str>| CheckIn {
        session_id: s.session_id,
        username: who.into(),
        attendance,
        id_checked: true,
        seat: seat.map(Into::into),
    };
    ctx.app
        .check_in(&inv, check("candidate", Attendance::Present, Some("A1")))
        .await
        .unwrap();
    let taken = ctx
        .app
        .check_in(&inv, check("candidate2", Attendance::Late, Some("A1")))
        .await
        .unwrap_err();
    assert!(
        matches!(taken, AppError::Invalid { ref field, .. } if field == "seat"),
        "{taken:?}"
    );
    let unknown = ctx
        .app
        .check_in(&inv, check("stranger", Attendance::Present, None))
        .await;
    assert!(matches!(unknown, Err(AppError::Invalid { ref field, .. }) if field == "username"));
    ctx.app
        .record_incident(
            &inv,
            RecordIncident {
                session_id: s.session_id,
                username: None,
                category: IncidentCategory::Environment,
                text: "Fire alarm test at 09:40, room evacuated for 4 minutes".into(),
            },
        )
        .await
        .unwrap();

    let c1 = ctx.login("candidate").await;
    let a = start(&ctx.app, &c1, s.exam_id, "EXAM24").await.unwrap();
    let close = |accounted: Vec<AccountedFor>| CloseRoomSession {
        session_id: s.session_id,
        accounted,
    };
    let early = ctx
        .app
        .close_room_session(&inv, close(vec![]))
        .await
        .unwrap_err();
    let msg = early.to_string();
    assert!(
        msg.contains("candidate (not submitted)") && msg.contains("candidate2 (not checked in)"),
        "{msg}"
    );

    ctx.app
        .submit(&c1, AttemptRef { attempt_id: a })
        .await
        .unwrap();
    ctx.app
        .check_in(&inv, check("candidate2", Attendance::Absent, None))
        .await
        .unwrap();
    let closed = ctx
        .app
        .close_room_session(&inv, close(vec![]))
        .await
        .unwrap();
    assert_eq!(closed.state, examhall_domain::room::RoomState::Closed);
    let console = view_room(&ctx, &inv, s.session_id).await;
    let kinds: Vec<&str> = console.log.iter().map(|l| l.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["created", "opened", "check_in", "incident", "check_in", "closed"]
    );
    let incident = &console.log[3];
    assert_eq!(incident.category.as_deref(), Some("environment"));
    // The room report prints the room's log beside the attendance.
    let pdf = ctx.app.print_room_report(&inv, s.exam_id).await.unwrap();
    let text = crate::reports::text_of(&pdf.bytes);
    let flat = crate::reports::squash(&text);
    for needle in [
        "incident (environment): Fire alarm test at 09:40",
        "check in: present, ID checked, seat A1",
        "session closed",
    ] {
        assert!(
            flat.contains(&crate::reports::squash(needle)),
            "missing {needle:?} in {text}"
        );
    }
    // Once closed, nobody starts, and the room log cannot be edited.
    let c2 = ctx.login("candidate2").await;
    assert!(start(&ctx.app, &c2, s.exam_id, "EXAM24").await.is_err());
    assert!(ctx
        .app
        .room_action(&inv, action(s.session_id, None, CommandKind::Pause, None))
        .await
        .is_err());
}

#[tokio::test]
async fn only_staff_run_the_room() {
    let ctx = Ctx::demo().await;
    let inv = ctx.login("invigilator").await;
    let s = open(&ctx, &inv, None).await;
    for who in ["candidate", "teacher"] {
        let t = ctx.login(who).await;
        let e = ctx
            .app
            .room_action(&t, action(s.session_id, None, CommandKind::Pause, None))
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden { .. }), "{who}: {e:?}");
        let e = ctx
            .app
            .room_console(
                &t,
                SessionRef {
                    session_id: s.session_id,
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden { .. }), "{who}: {e:?}");
    }
    let bad = ctx
        .app
        .create_room_session(
            &inv,
            CreateRoomSession {
                exam_id: s.exam_id,
                room: "".into(),
                seats: 0,
                late_start_minutes: None,
                check_in_required: false,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(bad, AppError::Invalid { ref field, .. } if field == "room"),
        "{bad:?}"
    );
    let dup = ctx
        .app
        .create_room_session(
            &inv,
            CreateRoomSession {
                exam_id: s.exam_id,
                room: "Lab 3".into(),
                seats: 10,
                late_start_minutes: None,
                check_in_required: false,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(dup, AppError::Conflict(_)),
        "one live session per exam: {dup:?}"
    );
}

#[tokio::test]
async fn closing_the_exam_window_needs_the_invigilators_code_under_a_room() {
    use examhall_protocol::room::CloseExamWindow;
    let ctx = Ctx::demo().await;
    let inv = ctx.login("invigilator").await;
    let s = open(&ctx, &inv, None).await;
    let cand = ctx.login("candidate").await;
    let attempt = start(&ctx.app, &cand, s.exam_id, s.start_code.as_deref().unwrap())
        .await
        .unwrap();
    let close = |code: Option<&str>| CloseExamWindow {
        attempt_id: attempt.clone(),
        code: code.map(Into::into),
    };
    for code in [None, Some("AAAAAA"), Some("not a code")] {
        let e = ctx
            .app
            .close_exam_window(&cand, close(code))
            .await
            .unwrap_err();
        assert_eq!(e.to_dto().field.as_deref(), Some("code"), "{code:?}: {e}");
    }
    // Another candidate cannot close (or probe) this attempt.
    let other = ctx.login("candidate2").await;
    assert!(ctx
        .app
        .close_exam_window(&other, close(Some(&s.invigilator_code)))
        .await
        .is_err());
    ctx.app
        .close_exam_window(&cand, close(Some(&s.invigilator_code.to_lowercase())))
        .await
        .expect("the invigilator's code closes the window");
    let asked: Vec<bool> = kinds(&ctx, &attempt)
        .await
        .into_iter()
        .filter_map(|e| match e {
            AttemptEvent::CloseAsked { allowed } => Some(allowed),
            _ => None,
        })
        .collect();
    assert_eq!(asked, vec![false, false, false, true]);
    let console = view_room(&ctx, &inv, s.session_id).await;
    let lines = console
        .log
        .iter()
        .filter(|l| l.kind == "close_asked")
        .count();
    assert_eq!(lines, 4, "every request is in the room log");
    let seat = console
        .seats
        .iter()
        .find(|x| x.username == "candidate")
        .unwrap();
    assert!(
        seat.alerts
            .contains(&examhall_protocol::room::SeatAlert::CloseAsked { count: 4 }),
        "{:?}",
        seat.alerts
    );
}

#[tokio::test]
async fn without_a_room_the_exam_window_closes_and_the_attempt_resumes() {
    use examhall_protocol::room::CloseExamWindow;
    let ctx = Ctx::demo().await;
    let (cand, view) = ctx.started().await;
    ctx.app
        .close_exam_window(
            &cand,
            CloseExamWindow {
                attempt_id: view.attempt_id.clone(),
                code: None,
            },
        )
        .await
        .unwrap();
    let (app, tok) = restarted(&ctx).await;
    let back = app
        .open_attempt(
            &tok,
            AttemptRef {
                attempt_id: view.attempt_id,
            },
        )
        .await
        .unwrap();
    assert!(!back.clock.locked);
    assert!(back.clock.remaining_ms > 0);
}

#[tokio::test]
async fn a_planned_display_accommodation_opens_the_exam_window_with_it() {
    use examhall_domain::DisplayPreset;
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    let exam_id = ctx.app.list_exams(&teacher).await.unwrap()[0].exam_id;
    // The demo's second candidate (id 5) is planned with larger text and the guide.
    let zoe = ctx.login("candidate2").await;
    let view = start(&ctx.app, &zoe, exam_id, "EXAM24").await.unwrap();
    let opened = ctx
        .app
        .open_attempt(&zoe, AttemptRef { attempt_id: view })
        .await
        .unwrap();
    assert_eq!(
        opened.display_preset,
        Some(DisplayPreset {
            text_step: 2,
            high_contrast: false,
            reading_guide: true
        })
    );
    // Chidi (id 4) has none until a teacher plans one, before he starts.
    let high = DisplayPreset {
        text_step: 4,
        high_contrast: true,
        reading_guide: false,
    };
    ctx.app
        .set_display_preset(&teacher, exam_id, 4, Some(high))
        .await
        .unwrap();
    let (chidi, v) = ctx.started().await;
    assert_eq!(v.display_preset, Some(high));
    let again = ctx
        .app
        .open_attempt(
            &chidi,
            AttemptRef {
                attempt_id: v.attempt_id,
            },
        )
        .await
        .unwrap();
    assert_eq!(again.display_preset, Some(high));
    // Once he has started, the assignment is fixed (he can still change his
    // own display in the exam window).
    let e = ctx
        .app
        .set_display_preset(&teacher, exam_id, 4, None)
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Conflict(_)), "{e}");
    // Bad input changes nothing; only staff plan accommodations.
    let too_big = DisplayPreset {
        text_step: 9,
        ..high
    };
    let e = ctx
        .app
        .set_display_preset(&teacher, exam_id, 4, Some(too_big))
        .await
        .unwrap_err();
    assert_eq!(e.to_dto().field.as_deref(), Some("display_preset"), "{e}");
    assert!(matches!(
        ctx.app
            .set_display_preset(&teacher, exam_id, 999, Some(high))
            .await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        ctx.app.set_display_preset(&chidi, exam_id, 4, None).await,
        Err(AppError::Forbidden { .. })
    ));
    assert_eq!(
        ctx.db.store.display_preset(exam_id, 4).await.unwrap(),
        Some(serde_json::to_string(&high).unwrap())
    );
}

#[tokio::test]
async fn the_sweeper_hands_in_an_attempt_nobody_looks_at_when_its_time_runs_out() {
    let ctx = Ctx::demo().await;
    let inv = ctx.login("invigilator").await;
    let s = open(&ctx, &inv, None).await;
    let c1 = ctx.login("candidate").await;
    let c2 = ctx.login("candidate2").await;
    let a1 = start(&ctx.app, &c1, s.exam_id, "EXAM24").await.unwrap();
    let a2 = start(&ctx.app, &c2, s.exam_id, "EXAM24").await.unwrap();
    save_q1(&ctx.app, &c1, &a1).await.unwrap();
    // Candidate 2 is paused (she felt unwell); nobody looks at either window
    // again: no heartbeat, no save, no console.
    ctx.app
        .room_action(
            &inv,
            action(s.session_id, Some("candidate2"), CommandKind::Pause, None),
        )
        .await
        .unwrap();
    let worker = ctx.app.worker();

    // At the deadline, and within the grace for a save in flight: nothing yet.
    ctx.clock.advance_ms(THIRTY_MIN_MS + 1_000);
    assert_eq!(worker.sweep_overdue().await.unwrap(), 0, "inside the grace");
    ctx.clock.advance_ms(1_500);
    assert_eq!(
        worker.sweep_overdue().await.unwrap(),
        1,
        "candidate 1's time ran out; candidate 2's clock stands still while paused"
    );
    assert!(
        kinds(&ctx, &a1).await.contains(&AttemptEvent::Submitted {
            reason: examhall_domain::SubmitReason::TimeUp
        }),
        "handed in with reason time_up"
    );
    assert_eq!(worker.sweep_overdue().await.unwrap(), 0, "once only");
    assert_eq!(ctx.drain().await, 1, "and queued for grading with it");
    let a2_row = ctx.db.store.attempt(&a2).await.unwrap().unwrap();
    assert_eq!(a2_row.status, examhall_domain::AttemptStatus::InProgress);

    // The console counts it as handed in by the clock.
    let room = view_room(&ctx, &inv, s.session_id).await;
    let seat = |name: &str| {
        room.seats
            .iter()
            .find(|x| x.username == name)
            .and_then(|x| x.progress.clone())
            .unwrap()
    };
    assert!(seat("candidate").time_up);
    assert!(!seat("candidate2").time_up);

    // Resumed half an hour later, she has all her time left (37.5 minutes: the
    // demo gives her 25 % extra); then the sweeper hands her in too.
    ctx.app
        .room_action(
            &inv,
            action(s.session_id, Some("candidate2"), CommandKind::Resume, None),
        )
        .await
        .unwrap();
    ctx.clock.advance_ms(THIRTY_MIN_MS * 5 / 4 - 10_000);
    assert_eq!(worker.sweep_overdue().await.unwrap(), 0, "time left");
    ctx.clock.advance_ms(10_000 + 2_500);
    assert_eq!(worker.sweep_overdue().await.unwrap(), 1);
    let room = view_room(&ctx, &inv, s.session_id).await;
    assert!(room.seats.iter().all(|x| x
        .progress
        .as_ref()
        .is_some_and(|p| p.time_up && p.status != examhall_domain::AttemptStatus::InProgress)));
}

#[tokio::test]
async fn the_console_hands_in_one_candidate_with_a_reason_and_grading_follows() {
    let ctx = Ctx::demo().await;
    let inv = ctx.login("invigilator").await;
    let s = open(&ctx, &inv, None).await;
    let c1 = ctx.login("candidate").await;
    let c2 = ctx.login("candidate2").await;
    let a1 = start(&ctx.app, &c1, s.exam_id, "EXAM24").await.unwrap();
    let a2 = start(&ctx.app, &c2, s.exam_id, "EXAM24").await.unwrap();
    ctx.clock.advance_secs(120);
    let submit = |who: Option<&str>, reason: &str| RoomAction {
        reason: reason.into(),
        ..action(s.session_id, who, CommandKind::Submit, None)
    };

    // Refused: the whole room at once, no reason, someone not in the room.
    for (req, field) in [
        (submit(None, "end of exam"), "username"),
        (submit(Some("candidate"), "   "), "reason"),
        (submit(Some("nobody"), "left the room"), "username"),
    ] {
        let e = ctx.app.room_action(&inv, req).await.unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid { field: f, .. } if f == field),
            "{e:?}"
        );
    }
    let candidate = ctx.login("candidate").await;
    assert!(matches!(
        ctx.app
            .room_action(&candidate, submit(Some("candidate2"), "spite"))
            .await
            .unwrap_err(),
        AppError::Forbidden { .. }
    ));
    let before = view_room(&ctx, &inv, s.session_id).await.log.len();
    assert_eq!(
        ctx.db.store.attempt(&a1).await.unwrap().unwrap().status,
        examhall_domain::AttemptStatus::InProgress,
        "refusals hand nobody in"
    );

    // Candidate 1 fell ill and cannot go on: handed in with the reason, even
    // while paused; candidate 2 carries on.
    ctx.app
        .room_action(
            &inv,
            action(s.session_id, Some("candidate"), CommandKind::Pause, None),
        )
        .await
        .unwrap();
    let ack = ctx
        .app
        .room_action(
            &inv,
            submit(Some("candidate"), "taken ill, cannot continue"),
        )
        .await
        .unwrap();
    assert_eq!(ack.applied_here, 1);
    assert_eq!(
        kinds(&ctx, &a1).await.last(),
        Some(&AttemptEvent::Submitted {
            reason: examhall_domain::SubmitReason::Invigilator
        }),
        "the chain records who handed it in"
    );
    let log = view_room(&ctx, &inv, s.session_id).await.log;
    assert_eq!(log.len(), before + 2, "the pause and the hand-in");
    let line = log.iter().find(|l| l.kind == "submit").unwrap();
    assert_eq!(line.username.as_deref(), Some("candidate"));
    assert_eq!(line.detail, "taken ill, cannot continue");
    assert_eq!(
        ctx.drain().await,
        1,
        "the grading job was queued with the hand-in"
    );
    let save = save_q1(&ctx.app, &c1, &a1).await;
    assert!(save.is_err(), "nothing more is saved after the hand-in");
    assert_eq!(
        ctx.db.store.attempt(&a2).await.unwrap().unwrap().status,
        examhall_domain::AttemptStatus::InProgress
    );
    // Handing in again changes nothing.
    let again = ctx
        .app
        .room_action(&inv, submit(Some("candidate"), "twice"))
        .await
        .unwrap();
    assert_eq!(again.applied_here, 0);
}
