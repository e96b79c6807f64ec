use crate::Ctx;
use examhall_app::demo::DEMO_START_CODE;
use examhall_app::AppError;
use examhall_domain::AttemptStatus;
use examhall_protocol::{
    Answer, AttemptRef, ExamCardState, Navigate, ResultState, SetAnswer, SetFlag, StartAttempt,
};

fn text(s: &str) -> Option<Answer> {
    Some(Answer::Text(s.into()))
}
fn choices(ids: &[&str]) -> Option<Answer> {
    Some(Answer::Choices(ids.iter().map(|s| (*s).into()).collect()))
}

fn set(attempt_id: &str, q: &str, answer: Option<Answer>) -> SetAnswer {
    SetAnswer {
        attempt_id: attempt_id.into(),
        question_id: q.into(),
        answer,
    }
}

#[tokio::test]
async fn the_start_code_gates_the_exam() {
    let ctx = Ctx::demo().await;
    let t = ctx.login("candidate").await;
    let exam_id = ctx.app.my_exams(&t).await.unwrap()[0].exam_id;
    // Three tries are free (the throttle after them is tested in `sittings`).
    for bad in ["WRONG2", "EXAM2", "exam-2"] {
        let r = ctx
            .app
            .start_attempt(
                &t,
                StartAttempt {
                    exam_id,
                    start_code: bad.into(),
                },
            )
            .await;
        assert!(matches!(r, Err(AppError::WrongStartCode)), "{bad:?}: {r:?}");
    }
    assert_eq!(
        ctx.card_state(&t).await,
        ExamCardState::NotStarted,
        "a wrong code changes nothing"
    );
    // Case and separators do not matter.
    let v = ctx
        .app
        .start_attempt(
            &t,
            StartAttempt {
                exam_id,
                start_code: "exam-24".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(v.questions.len(), 7);
    assert_eq!(
        v.clock.remaining_ms,
        30 * 60 * 1000,
        "full time at the start"
    );

    // A new sitting replaces the code; the old one stops working for others.
    let inv = ctx.login("invigilator").await;
    let sitting = ctx
        .app
        .open_sitting(&inv, examhall_protocol::OpenSitting::unscheduled(exam_id))
        .await
        .unwrap();
    assert_ne!(sitting.start_code, DEMO_START_CODE);
    let t2 = ctx.login("candidate2").await;
    let old = ctx
        .app
        .start_attempt(
            &t2,
            StartAttempt {
                exam_id,
                start_code: DEMO_START_CODE.into(),
            },
        )
        .await;
    assert!(matches!(old, Err(AppError::WrongStartCode)), "{old:?}");
    let v2 = ctx
        .app
        .start_attempt(
            &t2,
            StartAttempt {
                exam_id,
                start_code: sitting.start_code,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        v2.clock.allowed_ms,
        30 * 60 * 1000 * 5 / 4,
        "candidate2 has a 1.25 accommodation"
    );
}

#[tokio::test]
async fn answers_flags_and_position_survive_a_restart_and_grade_correctly() {
    let ctx = Ctx::demo().await;
    let (t, v) = ctx.started().await;
    let a = &v.attempt_id;
    let answers = [
        ("q1", text("b")),
        ("q2", choices(&["a", "c"])),
        ("q3", choices(&["a", "b"])),
        ("q4", text("True")),
        ("q5", text("9.8")),
        ("q6", text("Na")),
        ("q7", text("Rayleigh scattering of sunlight.")),
    ];
    let mut last_seq = 0;
    for (q, ans) in answers.clone() {
        let ack = ctx.app.set_answer(&t, set(a, q, ans)).await.unwrap();
        assert!(
            ack.seq > last_seq,
            "every acknowledged change has a new sequence number"
        );
        last_seq = ack.seq;
        ctx.clock.advance_secs(10);
    }
    ctx.app
        .set_flag(
            &t,
            SetFlag {
                attempt_id: a.clone(),
                question_id: "q5".into(),
                flagged: true,
            },
        )
        .await
        .unwrap();
    ctx.app
        .navigate(
            &t,
            Navigate {
                attempt_id: a.clone(),
                index: 4,
            },
        )
        .await
        .unwrap();

    // "Restart": a new App over the same database file, a new session, 60 s later.
    ctx.clock.advance_secs(60);
    let app2 = examhall_app::App::new(
        examhall_store::Store::open(&ctx.db.path).await.unwrap(),
        ctx.clock.clone(),
    );
    let t2 = app2
        .login(examhall_protocol::LoginRequest {
            username: "candidate".into(),
            password: "demo-candidate-pass".into(),
        })
        .await
        .unwrap()
        .token;
    let cards = app2.my_exams(&t2).await.unwrap();
    assert_eq!(
        cards[0].state,
        ExamCardState::InProgress {
            attempt_id: a.clone()
        }
    );
    let back = app2
        .open_attempt(
            &t2,
            AttemptRef {
                attempt_id: a.clone(),
            },
        )
        .await
        .unwrap();
    for (q, ans) in &answers {
        assert_eq!(
            back.answers.get(*q),
            ans.as_ref(),
            "answer to {q} survives the restart"
        );
    }
    assert_eq!(back.flagged, vec!["q5".to_string()]);
    assert_eq!(back.current_index, 4, "resumes at the same question");
    let elapsed_ms = (7 * 10 + 60) * 1000;
    assert_eq!(
        back.clock.remaining_ms,
        30 * 60 * 1000 - elapsed_ms,
        "time kept running while the app was down"
    );

    let ack = app2
        .submit(
            &t2,
            AttemptRef {
                attempt_id: a.clone(),
            },
        )
        .await
        .unwrap();
    let worker = app2.worker();
    assert_eq!(
        worker.try_run_next().await.unwrap(),
        examhall_app::Outcome::Ran {
            graded: 1,
            failed: 0
        }
    );
    let status = app2.task_status(&t2, ack.task_id).await.unwrap();
    assert_eq!(status.status, examhall_protocol::TaskState::Done);
    let result = app2
        .attempt_result(
            &t2,
            AttemptRef {
                attempt_id: a.clone(),
            },
        )
        .await
        .unwrap();
    let ResultState::Released {
        total,
        max,
        passed,
        awaiting_marking,
        questions,
        ..
    } = result.result
    else {
        panic!("the demo exam releases results immediately: {result:?}");
    };
    // q1 1 + q2 2 + q3 (a right, b wrong: 1 - 1 = 0) + q4 1 + q5 2 (9.8 within ±0.1 of 9.81) + q6 1 + essay 0 pending.
    assert_eq!((total, max), (7.0, 12.0));
    assert!(passed, "7/12 = 58% is above the 50% pass mark");
    assert!(awaiting_marking, "the essay waits for a teacher");
    assert_eq!(questions.len(), 7);

    // The log verifies end to end and records the downtime.
    let admin = ctx.login("admin").await;
    let n = ctx.app.verify_attempt(&admin, a).await.unwrap();
    let events = ctx.db.store.events(a).await.unwrap();
    assert_eq!(n, events.len());
    assert!(
        events
            .iter()
            .any(|e| e.payload.contains("\"resumed\"") && e.payload.contains("60000")),
        "the 60 s gap is logged"
    );
}

#[tokio::test]
async fn bad_answers_are_refused_and_change_nothing() {
    let ctx = Ctx::demo().await;
    let (t, v) = ctx.started().await;
    let a = &v.attempt_id;
    let before = ctx.db.store.attempt(a).await.unwrap().unwrap().head_seq;
    let cases = [
        (set(a, "q1", text("z")), "answer"),
        (set(a, "q1", choices(&["b"])), "answer"),
        (set(a, "q2", choices(&["a", "nope"])), "answer"),
        (set(a, "q4", text("perhaps")), "answer"),
        (set(a, "q7", text(&"x".repeat(70_000))), "answer"),
        (set(a, "q99", text("b")), "question_id"),
    ];
    for (req, field) in cases {
        let q = req.question_id.clone();
        let e = ctx.app.set_answer(&t, req).await.unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid { field: f, .. } if f == field),
            "{q}: {e:?}"
        );
    }
    let nav = ctx
        .app
        .navigate(
            &t,
            Navigate {
                attempt_id: a.clone(),
                index: 7,
            },
        )
        .await;
    assert!(
        matches!(nav, Err(AppError::Invalid { .. })),
        "index past the end"
    );
    let after = ctx.db.store.attempt(a).await.unwrap().unwrap().head_seq;
    assert_eq!(before, after, "refused input appended nothing to the log");
}

#[tokio::test]
async fn the_deadline_is_enforced_by_the_backend() {
    let ctx = Ctx::demo().await;
    let (t, v) = ctx.started().await;
    let a = &v.attempt_id;
    ctx.clock.advance_secs(29 * 60);
    let hb = ctx
        .app
        .heartbeat(
            &t,
            AttemptRef {
                attempt_id: a.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(hb.remaining_ms, 60_000);
    assert_eq!(hb.status, AttemptStatus::InProgress);
    ctx.app
        .set_answer(&t, set(a, "q1", text("b")))
        .await
        .unwrap();

    // Within the grace after the deadline, an in-flight save still lands.
    ctx.clock.advance_ms(60_000 + 1_500);
    ctx.app
        .set_answer(&t, set(a, "q4", text("true")))
        .await
        .expect("saves in flight at the deadline are kept");
    ctx.clock.advance_ms(1_000);
    let late = ctx.app.set_answer(&t, set(a, "q6", text("Na"))).await;
    assert!(matches!(late, Err(AppError::TimeUp)), "{late:?}");
    assert_eq!(
        ctx.card_state(&t).await,
        ExamCardState::Submitted {
            attempt_id: a.clone()
        },
        "time-out submits"
    );
    assert_eq!(ctx.drain().await, 1);
    let r = ctx
        .app
        .attempt_result(
            &t,
            AttemptRef {
                attempt_id: a.clone(),
            },
        )
        .await
        .unwrap();
    let ResultState::Released { total, .. } = r.result else {
        panic!("{r:?}")
    };
    assert_eq!(total, 2.0, "q1 and q4 count; the late q6 does not");
    let events = ctx.db.store.events(a).await.unwrap();
    assert!(
        events.iter().any(|e| e.payload.contains("time_up")),
        "submitted with reason time_up"
    );
}

#[tokio::test]
async fn an_attempt_left_past_its_deadline_is_submitted_on_the_next_look() {
    let ctx = Ctx::demo().await;
    let (t, v) = ctx.started().await;
    ctx.app
        .set_answer(&t, set(&v.attempt_id, "q1", text("b")))
        .await
        .unwrap();
    ctx.clock.advance_secs(2 * 3600);
    let hb = ctx
        .app
        .heartbeat(
            &t,
            AttemptRef {
                attempt_id: v.attempt_id.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(hb.status, AttemptStatus::Submitted);
    assert_eq!(hb.remaining_ms, 0);
    assert_eq!(ctx.drain().await, 1, "and graded");
}

#[tokio::test]
async fn a_candidate_cannot_see_or_touch_another_candidates_attempt() {
    let ctx = Ctx::demo().await;
    let (_, v) = ctx.started().await;
    let other = ctx.login("candidate2").await;
    let r = ctx
        .app
        .open_attempt(
            &other,
            AttemptRef {
                attempt_id: v.attempt_id.clone(),
            },
        )
        .await;
    assert!(matches!(r, Err(AppError::NotFound(_))), "{r:?}");
    let w = ctx
        .app
        .set_answer(&other, set(&v.attempt_id, "q1", text("a")))
        .await;
    assert!(matches!(w, Err(AppError::NotFound(_))), "{w:?}");
    let res = ctx
        .app
        .attempt_result(
            &other,
            AttemptRef {
                attempt_id: v.attempt_id.clone(),
            },
        )
        .await;
    assert!(matches!(res, Err(AppError::NotFound(_))), "{res:?}");
}

#[tokio::test]
async fn nothing_is_accepted_after_submission() {
    let ctx = Ctx::demo().await;
    let (t, v) = ctx.started().await;
    let a = &v.attempt_id;
    ctx.app
        .submit(
            &t,
            AttemptRef {
                attempt_id: a.clone(),
            },
        )
        .await
        .unwrap();
    let r = ctx.app.set_answer(&t, set(a, "q1", text("b"))).await;
    assert!(matches!(r, Err(AppError::TimeUp)), "{r:?}");
    let again = ctx
        .app
        .submit(
            &t,
            AttemptRef {
                attempt_id: a.clone(),
            },
        )
        .await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    let exam_id = ctx.app.my_exams(&t).await.unwrap()[0].exam_id;
    let restart = ctx
        .app
        .start_attempt(
            &t,
            StartAttempt {
                exam_id,
                start_code: DEMO_START_CODE.into(),
            },
        )
        .await;
    assert!(
        matches!(restart, Err(AppError::Conflict(_))),
        "one attempt per candidate: {restart:?}"
    );
    let pending = ctx
        .app
        .attempt_result(
            &t,
            AttemptRef {
                attempt_id: a.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        pending.result,
        ResultState::Grading,
        "before the worker runs"
    );
}

#[tokio::test]
async fn results_after_review_are_withheld_from_the_candidate() {
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    let mut spec = examhall_app::demo::demo_exam();
    spec.title = "Reviewed exam".into();
    spec.release = examhall_domain::ResultRelease::AfterReview;
    let exam_id = ctx.app.create_exam(&teacher, spec).await.unwrap();
    ctx.app
        .assign_exam(&teacher, exam_id, 4, 1.0)
        .await
        .unwrap();
    let inv = ctx.login("invigilator").await;
    let code = ctx
        .app
        .open_sitting(&inv, examhall_protocol::OpenSitting::unscheduled(exam_id))
        .await
        .unwrap()
        .start_code;
    let t = ctx.login("candidate").await;
    let v = ctx
        .app
        .start_attempt(
            &t,
            StartAttempt {
                exam_id,
                start_code: code,
            },
        )
        .await
        .unwrap();
    ctx.app
        .submit(
            &t,
            AttemptRef {
                attempt_id: v.attempt_id.clone(),
            },
        )
        .await
        .unwrap();
    ctx.drain().await;
    let mine = ctx
        .app
        .attempt_result(
            &t,
            AttemptRef {
                attempt_id: v.attempt_id.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(mine.result, ResultState::Withheld);
    let staff = ctx
        .app
        .attempt_result(
            &teacher,
            AttemptRef {
                attempt_id: v.attempt_id,
            },
        )
        .await
        .unwrap();
    assert!(
        matches!(staff.result, ResultState::Released { .. }),
        "staff see it: {staff:?}"
    );
}

#[tokio::test]
async fn exams_are_validated_with_errors_naming_the_question_and_field() {
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    let mut spec = examhall_app::demo::demo_exam();
    if let examhall_domain::QuestionKind::MultipleResponse { correct, .. } =
        &mut spec.questions[1].kind
    {
        correct.clear();
    }
    let e = ctx.app.create_exam(&teacher, spec).await.unwrap_err();
    match e {
        AppError::Invalid { field, message } => {
            assert_eq!(field, "questions[1].correct");
            assert!(message.contains("question 2 (q2)"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}
