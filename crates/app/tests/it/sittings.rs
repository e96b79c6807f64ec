//! Sittings with a schedule, the start-code throttle and the check-in gate, on
//! the demo centre with the console and the seats on one machine.

use crate::Ctx;
use examhall_app::{App, AppError};
use examhall_domain::room::Attendance;
use examhall_protocol::room::{CheckIn, CreateRoomSession, SeatAlert, SessionRef};
use examhall_protocol::{OpenSitting, SetAnswer, StartAttempt};

const MIN_MS: i64 = 60_000;

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

async fn demo_exam(ctx: &Ctx, staff: &str) -> i64 {
    ctx.app.list_exams(staff).await.unwrap()[0].exam_id
}

/// Nothing was written for the exam: no attempt by anybody.
async fn no_attempts(ctx: &Ctx) -> bool {
    ctx.db.store.attempt_summaries().await.unwrap().is_empty()
}

#[tokio::test]
async fn a_scheduled_sitting_refuses_starts_before_it_opens_and_after_its_late_limit() {
    let ctx = Ctx::demo().await;
    let inv = ctx.login("invigilator").await;
    let exam_id = demo_exam(&ctx, &inv).await;
    let now = examhall_domain::Clock::now(&*ctx.clock).0;
    let sitting = ctx
        .app
        .open_sitting(
            &inv,
            OpenSitting {
                exam_id,
                opens_at_ms: Some(now + 30 * MIN_MS),
                closes_at_ms: Some(now + 180 * MIN_MS),
                late_start_minutes: Some(15),
            },
        )
        .await
        .unwrap();
    // The exam shows its upcoming sitting with the schedule.
    let listed = ctx.app.list_exams(&inv).await.unwrap()[0]
        .open_sitting
        .clone()
        .expect("the upcoming sitting is listed");
    assert_eq!(listed.opens_at_ms, Some(now + 30 * MIN_MS));
    assert_eq!(listed.closes_at_ms, Some(now + 180 * MIN_MS));
    assert_eq!(listed.late_start_minutes, Some(15));
    assert_eq!(listed.start_code, sitting.start_code);

    let cand = ctx.login("candidate").await;
    let early = start(&ctx.app, &cand, exam_id, &sitting.start_code)
        .await
        .unwrap_err();
    assert!(matches!(early, AppError::OutsideWindow(_)), "{early:?}");
    let msg = early.to_string();
    assert!(
        msg.contains("opens at") && msg.contains("in 30 min"),
        "says when it opens: {msg}"
    );
    assert!(no_attempts(&ctx).await, "a refused start writes nothing");

    // Ten minutes after the opening: within the late-start limit.
    ctx.clock.advance_secs(40 * 60);
    start(&ctx.app, &cand, exam_id, &sitting.start_code)
        .await
        .expect("inside the window the code starts the exam");

    // Twenty minutes after the opening: past the 15-minute limit.
    ctx.clock.advance_secs(10 * 60);
    let c2 = ctx.login("candidate2").await;
    let late = start(&ctx.app, &c2, exam_id, &sitting.start_code)
        .await
        .unwrap_err();
    assert!(
        matches!(late, AppError::OutsideWindow(_))
            && late.to_string().contains("Late starts closed"),
        "{late}"
    );
}

#[tokio::test]
async fn a_window_that_cannot_be_kept_is_refused_naming_the_field() {
    let ctx = Ctx::demo().await;
    let inv = ctx.login("invigilator").await;
    let exam_id = demo_exam(&ctx, &inv).await;
    let now = examhall_domain::Clock::now(&*ctx.clock).0;
    let before = ctx.app.list_exams(&inv).await.unwrap()[0]
        .open_sitting
        .clone();
    for (window, field) in [
        (
            (Some(now + 60 * MIN_MS), Some(now + 30 * MIN_MS), None),
            "closes_at",
        ),
        ((None, Some(now - MIN_MS), None), "closes_at"),
        ((None, None, Some(601)), "late_start_minutes"),
        ((None, Some(now + 8 * 24 * 60 * MIN_MS), None), "closes_at"),
    ] {
        let (opens_at_ms, closes_at_ms, late_start_minutes) = window;
        let e = ctx
            .app
            .open_sitting(
                &inv,
                OpenSitting {
                    exam_id,
                    opens_at_ms,
                    closes_at_ms,
                    late_start_minutes,
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(e, AppError::Invalid { field: ref f, .. } if f == field),
            "{window:?}: {e:?}"
        );
    }
    let after = ctx.app.list_exams(&inv).await.unwrap()[0]
        .open_sitting
        .clone();
    assert_eq!(before, after, "a refused window changes nothing");
}

#[tokio::test]
async fn closing_a_sitting_ends_its_code_and_started_attempts_go_on() {
    let ctx = Ctx::demo().await;
    let inv = ctx.login("invigilator").await;
    let exam_id = demo_exam(&ctx, &inv).await;
    let (cand, view) = ctx.started().await;
    ctx.app.close_sitting(&inv, exam_id).await.unwrap();
    assert!(
        ctx.app.list_exams(&inv).await.unwrap()[0]
            .open_sitting
            .is_none(),
        "no open sitting is listed"
    );
    let c2 = ctx.login("candidate2").await;
    let closed = start(&ctx.app, &c2, exam_id, examhall_app::demo::DEMO_START_CODE)
        .await
        .unwrap_err();
    assert!(matches!(closed, AppError::SittingClosed), "{closed:?}");
    // The attempt already started is unaffected.
    let q = view.questions[0].id.clone();
    let saved = ctx
        .app
        .set_answer(
            &cand,
            SetAnswer {
                attempt_id: view.attempt_id.clone(),
                question_id: q,
                answer: Some(examhall_domain::Answer::Text("x".into())),
            },
        )
        .await;
    assert!(
        !matches!(saved, Err(AppError::SittingClosed)),
        "closing does not stop a started attempt: {saved:?}"
    );
    let again = ctx.app.close_sitting(&inv, exam_id).await.unwrap_err();
    assert!(matches!(again, AppError::NotFound(_)), "{again:?}");
    let cand_closes = ctx.app.close_sitting(&cand, exam_id).await.unwrap_err();
    assert!(
        matches!(cand_closes, AppError::Forbidden { .. }),
        "{cand_closes:?}"
    );
}

#[tokio::test]
async fn wrong_start_codes_are_throttled_per_candidate_with_a_growing_wait() {
    let ctx = Ctx::demo().await;
    let cand = ctx.login("candidate").await;
    let exam_id = ctx.app.my_exams(&cand).await.unwrap()[0].exam_id;
    for bad in ["AAAAAA", "BBBBBB", "CCCCCC"] {
        let r = start(&ctx.app, &cand, exam_id, bad).await.unwrap_err();
        assert!(matches!(r, AppError::WrongStartCode), "free try: {r:?}");
    }
    // The fourth wrong code says at once that the next try must wait.
    let fourth = start(&ctx.app, &cand, exam_id, "DDDDDD").await.unwrap_err();
    assert!(
        matches!(
            fourth,
            AppError::StartCodeThrottled {
                retry_after_secs: 30
            }
        ),
        "{fourth:?}"
    );
    assert!(fourth.to_string().contains("Wait 30 s"), "{fourth}");
    // While blocked even the right code is refused, with the time left.
    ctx.clock.advance_secs(10);
    let blocked = start(&ctx.app, &cand, exam_id, "EXAM24").await.unwrap_err();
    assert!(
        matches!(
            blocked,
            AppError::StartCodeThrottled {
                retry_after_secs: 20
            }
        ),
        "{blocked:?}"
    );
    assert!(no_attempts(&ctx).await);
    // Another candidate at the same machine is not held up by this one.
    let c2 = ctx.login("candidate2").await;
    start(&ctx.app, &c2, exam_id, "EXAM24")
        .await
        .expect("the throttle is per candidate");
    // After the wait, another wrong code doubles it (30 s, then 60 s…).
    ctx.clock.advance_secs(25);
    let sixth = start(&ctx.app, &cand, exam_id, "EEEEEE").await.unwrap_err();
    assert!(
        matches!(sixth, AppError::StartCodeThrottled { retry_after_secs } if retry_after_secs > 30),
        "the wait grows: {sixth:?}"
    );
    ctx.clock.advance_secs(20 * 60);
    start(&ctx.app, &cand, exam_id, "exam-24")
        .await
        .expect("after the wait the right code works");
}

#[tokio::test]
async fn wrong_start_codes_at_one_seat_are_throttled_whoever_types_them() {
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let teacher = ctx.login("teacher").await;
    let exam_id = demo_exam(&ctx, &teacher).await;
    // Four candidates at one machine, three wrong codes each: each stays
    // within their own free tries, but the seat's ten are spent.
    let mut tokens = Vec::new();
    for i in 0..4 {
        let name = format!("guesser{i}");
        let u = ctx
            .app
            .create_user(
                &admin,
                examhall_protocol::NewUser {
                    username: name.clone(),
                    display_name: name.to_uppercase(),
                    password: "password-123".into(),
                    role: examhall_protocol::Role::Candidate,
                    email: None,
                    candidate_number: None,
                },
            )
            .await
            .unwrap();
        ctx.app
            .assign_exam(&teacher, exam_id, u.id, 1.0)
            .await
            .unwrap();
        let login = examhall_protocol::LoginRequest {
            username: name,
            password: "password-123".into(),
        };
        tokens.push(ctx.app.login(login).await.unwrap().token);
    }
    let mut outcomes = Vec::new();
    for t in &tokens {
        for _ in 0..3 {
            outcomes.push(start(&ctx.app, t, exam_id, "ZZZZZZ").await.unwrap_err());
        }
    }
    let wrong = outcomes
        .iter()
        .filter(|e| matches!(e, AppError::WrongStartCode))
        .count();
    assert_eq!(wrong, 10, "ten free tries at the seat: {outcomes:?}");
    assert!(
        matches!(outcomes[10], AppError::StartCodeThrottled { .. }),
        "the eleventh: {:?}",
        outcomes[10]
    );
    // A candidate who never typed a wrong code waits at this seat too.
    let fresh = ctx.login("candidate").await;
    let held = start(&ctx.app, &fresh, exam_id, "EXAM24")
        .await
        .unwrap_err();
    assert!(
        matches!(held, AppError::StartCodeThrottled { .. }),
        "{held:?}"
    );
    // The wait over, the right code clears the seat's count.
    ctx.clock.advance_secs(10 * 60 + 1);
    start(&ctx.app, &fresh, exam_id, "EXAM24").await.unwrap();
    let c2 = ctx.login("candidate2").await;
    let one_wrong = start(&ctx.app, &c2, exam_id, "ZZZZZZ").await.unwrap_err();
    assert!(
        matches!(one_wrong, AppError::WrongStartCode),
        "a right code reset the seat: {one_wrong:?}"
    );
}

#[tokio::test]
async fn check_in_gates_the_start_and_the_console_shows_who_tried() {
    let ctx = Ctx::demo().await;
    let inv = ctx.login("invigilator").await;
    let exam_id = demo_exam(&ctx, &inv).await;
    let s = ctx
        .app
        .create_room_session(
            &inv,
            CreateRoomSession {
                exam_id,
                room: "Lab 2".into(),
                seats: 40,
                late_start_minutes: None,
                check_in_required: true,
            },
        )
        .await
        .unwrap();
    assert!(s.check_in_required);
    let s = ctx
        .app
        .open_room_session(
            &inv,
            SessionRef {
                session_id: s.session_id,
            },
        )
        .await
        .unwrap();
    let code = s.start_code.clone().unwrap();
    let check = |who: &str, attendance| CheckIn {
        session_id: s.session_id,
        username: who.into(),
        attendance,
        id_checked: true,
        seat: None,
    };

    let cand = ctx.login("candidate").await;
    let refused = start(&ctx.app, &cand, exam_id, &code).await.unwrap_err();
    assert!(matches!(refused, AppError::NotCheckedIn), "{refused:?}");
    assert!(
        refused.to_string().contains("Ask the invigilator"),
        "{refused}"
    );
    assert!(no_attempts(&ctx).await, "a refused start writes nothing");

    // Marked absent: still refused.
    let c2 = ctx.login("candidate2").await;
    ctx.app
        .check_in(&inv, check("candidate2", Attendance::Absent))
        .await
        .unwrap();
    let absent = start(&ctx.app, &c2, exam_id, &code).await.unwrap_err();
    assert!(matches!(absent, AppError::NotCheckedIn), "{absent:?}");

    // The console lists who tried, and flags them on their row.
    let console = ctx
        .app
        .room_console(
            &inv,
            SessionRef {
                session_id: s.session_id,
            },
        )
        .await
        .unwrap();
    let who: Vec<_> = console
        .refused
        .iter()
        .map(|r| (r.username.as_str(), r.reason.as_str()))
        .collect();
    assert_eq!(
        who,
        [
            ("candidate", "not checked in"),
            ("candidate2", "not checked in")
        ]
    );
    let row = console
        .seats
        .iter()
        .find(|v| v.username == "candidate")
        .unwrap();
    assert!(
        row.alerts
            .iter()
            .any(|a| matches!(a, SeatAlert::StartRefused { count: 1, .. })),
        "{:?}",
        row.alerts
    );

    // Checked in as present (or late), the same code starts the exam.
    ctx.app
        .check_in(&inv, check("candidate", Attendance::Present))
        .await
        .unwrap();
    start(&ctx.app, &cand, exam_id, &code)
        .await
        .expect("a checked-in candidate starts");
    ctx.app
        .check_in(&inv, check("candidate2", Attendance::Late))
        .await
        .unwrap();
    start(&ctx.app, &c2, exam_id, &code)
        .await
        .expect("a late arrival checked in starts");
    let console = ctx
        .app
        .room_console(
            &inv,
            SessionRef {
                session_id: s.session_id,
            },
        )
        .await
        .unwrap();
    assert!(
        console.seats.iter().all(|v| !v
            .alerts
            .iter()
            .any(|a| matches!(a, SeatAlert::StartRefused { .. }))),
        "once started, the refusal is no longer an alert"
    );
}
