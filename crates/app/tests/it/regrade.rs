//! Answer-key correction: the dry run shows old and new scores and who crosses
//! the pass mark and writes nothing; applying it regrades every attempt through
//! the job queue, keeps hand-given essay marks, and leaves a verifiable log.

use crate::Ctx;
use examhall_app::AppError;
use examhall_domain::{Answer, ChoiceOption, QuestionKind};
use examhall_protocol::{AttemptRef, KeyCorrection, MarkEssay, ResultState, TaskState};

fn q1_key(correct: &str) -> QuestionKind {
    let opt = |id: &str, text: &str| ChoiceOption {
        id: id.into(),
        text: text.into(),
    };
    QuestionKind::SingleChoice {
        options: vec![
            opt("a", "Venus"),
            opt("b", "Mercury"),
            opt("c", "Mars"),
            opt("d", "Earth"),
        ],
        correct: correct.into(),
    }
}

fn correction(correct: &str, reason: &str) -> KeyCorrection {
    KeyCorrection {
        exam_id: 1,
        question_id: "q1".into(),
        key: q1_key(correct),
        reason: reason.into(),
    }
}

async fn sit(
    ctx: &Ctx,
    admin: &str,
    teacher: &str,
    user: &str,
    answers: &[(&str, Answer)],
) -> String {
    let (token, v) = ctx
        .new_candidate_started(admin, teacher, user, 1, "EXAM24")
        .await;
    ctx.answer_and_submit(&token, &v.attempt_id, answers).await;
    v.attempt_id
}

async fn total(ctx: &Ctx, token: &str, attempt: &str) -> (f64, bool) {
    match ctx
        .app
        .attempt_result(
            token,
            AttemptRef {
                attempt_id: attempt.into(),
            },
        )
        .await
        .unwrap()
        .result
    {
        ResultState::Released { total, passed, .. } => (total, passed),
        other => panic!("graded: {other:?}"),
    }
}

#[tokio::test]
async fn a_key_correction_is_previewed_then_applied_as_jobs() {
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let teacher = ctx.login("teacher").await;
    let t = |s: &str| Answer::Text(s.into());
    let nobles = || Answer::Choices(vec!["a".into(), "c".into()]);
    // 5/12 now; 6/12 (50%: a pass) once "c" is the key.
    let riser = sit(
        &ctx,
        &admin,
        &teacher,
        "riser",
        &[
            ("q1", t("c")),
            ("q2", nobles()),
            ("q5", t("9.81")),
            ("q4", t("true")),
        ],
    )
    .await;
    // 6/12 (a pass) now; 5/12 after.
    let faller = sit(
        &ctx,
        &admin,
        &teacher,
        "faller",
        &[
            ("q1", t("b")),
            ("q2", nobles()),
            ("q5", t("9.81")),
            ("q4", t("true")),
        ],
    )
    .await;
    // Unaffected by q1, with an essay a teacher marks by hand.
    let essayist = sit(
        &ctx,
        &admin,
        &teacher,
        "essayist",
        &[("q1", t("a")), ("q7", t("Rayleigh scattering."))],
    )
    .await;
    ctx.drain().await;
    ctx.app
        .mark_essay(
            &teacher,
            MarkEssay {
                attempt_id: essayist.clone(),
                question_id: "q7".into(),
                mark: 2.0,
                comment: Some("Name the wavelength dependence.".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(total(&ctx, &teacher, &riser).await, (5.0, false));
    assert_eq!(total(&ctx, &teacher, &faller).await, (6.0, true));

    // Bad corrections are refused, naming the field, and change nothing.
    let e = ctx
        .app
        .preview_regrade(&teacher, correction("c", "  "))
        .await;
    assert!(
        matches!(
            e,
            Err(AppError::Invalid { ref field, .. }) if field == "reason"
        ),
        "{e:?}"
    );
    let e = ctx
        .app
        .preview_regrade(&teacher, correction("z", "typo"))
        .await;
    match e {
        Err(AppError::Invalid { field, message }) if field == "key" => {
            assert!(message.contains("question 1 (q1)"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    let e = ctx
        .app
        .preview_regrade(&teacher, correction("b", "typo"))
        .await;
    assert!(
        matches!(e, Err(AppError::Invalid { ref field, .. }) if field == "key"),
        "same key: {e:?}"
    );
    let cand = ctx.login("candidate").await;
    let e = ctx
        .app
        .preview_regrade(&cand, correction("c", "typo"))
        .await;
    assert!(matches!(e, Err(AppError::Forbidden { .. })), "{e:?}");

    // The dry run.
    let jobs_before = ctx.db.store.count_jobs("done").await.unwrap();
    let p = ctx
        .app
        .preview_regrade(
            &teacher,
            correction("c", "The printed paper listed Mars first"),
        )
        .await
        .unwrap();
    assert_eq!(p.rows.len(), 3);
    let row = |id: &str| p.rows.iter().find(|r| r.attempt_id == id).unwrap().clone();
    let r = row(&riser);
    assert_eq!(
        (r.old_total, r.new_total, r.old_passed, r.new_passed),
        (5.0, 6.0, false, true)
    );
    let f = row(&faller);
    assert_eq!(
        (f.old_total, f.new_total, f.old_passed, f.new_passed),
        (6.0, 5.0, true, false)
    );
    let e = row(&essayist);
    assert_eq!(
        (e.old_total, e.new_total),
        (2.0, 2.0),
        "the hand mark stays"
    );
    assert_eq!((p.changed, p.now_passing, p.now_failing), (2, 1, 1));
    assert!(r.candidate.contains("riser"));
    // ...which wrote nothing.
    assert_eq!(total(&ctx, &teacher, &riser).await, (5.0, false));
    assert!(ctx.db.store.key_corrections(1).await.unwrap().is_empty());
    assert_eq!(ctx.db.store.count_jobs("done").await.unwrap(), jobs_before);
    assert_eq!(ctx.db.store.count_jobs("pending").await.unwrap(), 0);

    // Apply: one job per graded attempt, run by the worker.
    let started = ctx
        .app
        .apply_regrade(
            &teacher,
            correction("c", "The printed paper listed Mars first"),
        )
        .await
        .unwrap();
    assert_eq!(started.task_ids.len(), 3);
    assert_eq!(ctx.drain().await, 3);
    for id in &started.task_ids {
        let s = ctx.app.task_status(&teacher, *id).await.unwrap();
        assert_eq!(s.status, TaskState::Done, "{s:?}");
    }
    assert_eq!(total(&ctx, &teacher, &riser).await, (6.0, true));
    assert_eq!(total(&ctx, &teacher, &faller).await, (5.0, false));
    assert_eq!(total(&ctx, &teacher, &essayist).await, (2.0, false));
    let result = ctx
        .app
        .attempt_result(
            &teacher,
            AttemptRef {
                attempt_id: essayist.clone(),
            },
        )
        .await
        .unwrap();
    let ResultState::Released { questions, .. } = result.result else {
        panic!()
    };
    let q7 = questions.iter().find(|q| q.question_id == "q7").unwrap();
    assert_eq!(
        q7.comment.as_deref(),
        Some("Name the wavelength dependence.")
    );

    // The logs record the regrade and still verify.
    for id in [&riser, &faller, &essayist] {
        ctx.app.verify_attempt(&teacher, id).await.unwrap();
        let events = ctx.db.store.events(id).await.unwrap();
        assert!(
            events
                .last()
                .unwrap()
                .payload
                .contains("\"type\":\"regraded\""),
            "{id}"
        );
    }
    let stored = ctx.db.store.key_corrections(1).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].reason, "The printed paper listed Mars first");

    // The corrected key is now the key: statistics and new attempts use it, and
    // correcting to it again is refused.
    let stats = ctx.app.exam_analysis(&teacher, 1).await.unwrap();
    let q1 = stats.items.iter().find(|i| i.question_id == "q1").unwrap();
    assert!((q1.facility - 100.0 / 3.0).abs() < 1e-9, "{}", q1.facility);
    let late = sit(&ctx, &admin, &teacher, "latecomer", &[("q1", t("c"))]).await;
    ctx.drain().await;
    assert_eq!(total(&ctx, &teacher, &late).await.0, 1.0);
    let again = ctx
        .app
        .apply_regrade(&teacher, correction("c", "again"))
        .await;
    assert!(
        matches!(again, Err(AppError::Invalid { ref field, .. }) if field == "key"),
        "{again:?}"
    );
}

#[tokio::test]
async fn corrections_survive_a_restart() {
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let teacher = ctx.login("teacher").await;
    let id = sit(
        &ctx,
        &admin,
        &teacher,
        "mars",
        &[("q1", Answer::Text("c".into()))],
    )
    .await;
    ctx.drain().await;
    ctx.app
        .apply_regrade(&teacher, correction("c", "misprint"))
        .await
        .unwrap();
    // A new App over the same database (a restart) sees the corrected key,
    // and runs the queued jobs.
    let app = examhall_app::App::new(ctx.db.store.clone(), ctx.clock.clone());
    let worker = app.worker();
    while worker.try_run_next().await.unwrap() != examhall_app::Outcome::Idle {}
    let teacher2 = app
        .login(examhall_protocol::LoginRequest {
            username: "teacher".into(),
            password: "demo-teacher-pass".into(),
        })
        .await
        .unwrap()
        .token;
    match app
        .attempt_result(&teacher2, AttemptRef { attempt_id: id })
        .await
        .unwrap()
        .result
    {
        ResultState::Released { total, .. } => assert_eq!(total, 1.0),
        other => panic!("{other:?}"),
    }
}

/// Issue 16, point 8: two markers and a regrade racing on the same attempts
/// lose nothing. Before the fix each read the result outside the transaction
/// that rewrote it, so the last writer erased the others' changes (a hand mark
/// gone from the total while its `essay_marked` event stood in the chain).
#[tokio::test]
async fn markers_and_a_regrade_racing_lose_no_update() {
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let teacher = ctx.login("teacher").await;
    let t = |s: &str| Answer::Text(s.into());
    let mut attempts = Vec::new();
    for i in 0..8 {
        attempts.push(
            sit(
                &ctx,
                &admin,
                &teacher,
                &format!("racer{i}"),
                &[("q1", t("c")), ("q7", t("Rayleigh scattering."))],
            )
            .await,
        );
    }
    ctx.drain().await;
    ctx.app
        .apply_regrade(&teacher, correction("c", "Mars was printed first"))
        .await
        .unwrap();
    // The teacher gives 2, the administrator 3, and the worker regrades, all at once.
    let mark = |token: String, attempt: String, mark: f64| {
        let app = ctx.app.clone();
        async move {
            app.mark_essay(
                &token,
                MarkEssay {
                    attempt_id: attempt,
                    question_id: "q7".into(),
                    mark,
                    comment: None,
                },
            )
            .await
            .unwrap();
        }
    };
    let markers: Vec<_> = attempts
        .iter()
        .flat_map(|a| {
            [
                tokio::spawn(mark(teacher.clone(), a.clone(), 2.0)),
                tokio::spawn(mark(admin.clone(), a.clone(), 3.0)),
            ]
        })
        .collect();
    ctx.drain().await;
    for m in markers {
        m.await.unwrap();
    }
    ctx.drain().await;

    for a in &attempts {
        let events = ctx.db.store.events(a).await.unwrap();
        let last_mark: f64 = events
            .iter()
            .filter_map(|e| serde_json::from_str::<serde_json::Value>(&e.payload).ok())
            .filter(|v| v["type"] == "essay_marked")
            .map(|v| v["mark"].as_f64().unwrap())
            .next_back()
            .expect("both marks are in the chain");
        let view = ctx
            .app
            .attempt_result(
                &teacher,
                AttemptRef {
                    attempt_id: a.clone(),
                },
            )
            .await
            .unwrap();
        let ResultState::Released {
            total, questions, ..
        } = view.result
        else {
            panic!("graded: {:?}", view.result)
        };
        let awarded = |q: &str| {
            questions
                .iter()
                .find(|m| m.question_id == q)
                .map(|m| m.awarded)
        };
        assert_eq!(
            awarded("q7"),
            Some(last_mark),
            "{a}: the result holds the chain's last hand mark"
        );
        assert_eq!(
            awarded("q1"),
            Some(1.0),
            "{a}: the regrade (c is now right) survived the markers"
        );
        assert_eq!(total, 1.0 + last_mark, "{a}: the total adds up");
    }
}
