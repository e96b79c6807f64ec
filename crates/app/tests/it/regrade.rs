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
        key: Some(q1_key(correct)),
        void: false,
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
                reason: None,
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
                    // Whichever lands second is a re-mark, which needs a reason.
                    reason: Some("Moderation".into()),
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

/// Applies one correction and runs its regrade jobs.
async fn apply(ctx: &Ctx, teacher: &str, c: KeyCorrection) {
    let started = ctx.app.apply_regrade(teacher, c).await.unwrap();
    assert_eq!(ctx.drain().await, started.task_ids.len());
}

fn fix(question: &str, key: QuestionKind, reason: &str) -> KeyCorrection {
    KeyCorrection {
        exam_id: 1,
        question_id: question.into(),
        key: Some(key),
        void: false,
        reason: reason.into(),
    }
}

/// Every kind of correction goes through the same dry run, record and regrade:
/// accepting another option as well, a tolerance, a text rule, a multiple
/// response's key, and voiding a question (an essay already marked included).
/// Totals follow each; the logs still verify; a voided essay cannot be marked.
#[tokio::test]
async fn every_kind_of_correction_regrades_every_attempt() {
    use examhall_domain::{MultiScoring, ScoredOption, Tolerance};
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let teacher = ctx.login("teacher").await;
    let t = |s: &str| Answer::Text(s.into());
    // Ann: Venus (q1), He+Ne+N2 (q2), 9,7 with a decimal comma (q5), "na" (q6),
    // an essay marked 1 of 3 (q7). Bob: all right where he answered, no essay.
    let ann = sit(
        &ctx,
        &admin,
        &teacher,
        "ann",
        &[
            ("q1", t("a")),
            (
                "q2",
                Answer::Choices(vec!["a".into(), "b".into(), "c".into()]),
            ),
            ("q5", t("9,7")),
            ("q6", t("na")),
            ("q7", t("Because of scattering.")),
        ],
    )
    .await;
    let bob = sit(
        &ctx,
        &admin,
        &teacher,
        "bob",
        &[
            ("q1", t("b")),
            ("q2", Answer::Choices(vec!["a".into(), "c".into()])),
            ("q5", t("9.81")),
            ("q6", t("Na")),
        ],
    )
    .await;
    ctx.drain().await;
    ctx.app
        .mark_essay(
            &teacher,
            MarkEssay {
                attempt_id: ann.clone(),
                question_id: "q7".into(),
                mark: 1.0,
                comment: None,
                reason: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(total(&ctx, &teacher, &ann).await.0, 1.0);
    assert_eq!(total(&ctx, &teacher, &bob).await.0, 6.0);

    // Accept Venus as well: q1 becomes a weighted choice over the same options.
    let scored = |id: &str, text: &str, credit: f64| ScoredOption {
        id: id.into(),
        text: text.into(),
        credit,
        feedback: None,
    };
    let both = QuestionKind::WeightedChoice {
        options: vec![
            scored("a", "Venus", 1.0),
            scored("b", "Mercury", 1.0),
            scored("c", "Mars", 0.0),
            scored("d", "Earth", 0.0),
        ],
        multiple: false,
    };
    let p = ctx
        .app
        .preview_regrade(
            &teacher,
            fix("q1", both.clone(), "The figure was ambiguous"),
        )
        .await
        .unwrap();
    let row = p.rows.iter().find(|r| r.attempt_id == ann).unwrap();
    assert_eq!((row.old_total, row.new_total), (1.0, 2.0));
    apply(&ctx, &teacher, fix("q1", both, "The figure was ambiguous")).await;
    assert_eq!(total(&ctx, &teacher, &ann).await.0, 2.0);
    assert_eq!(total(&ctx, &teacher, &bob).await.0, 6.0);

    // A wider tolerance: 9,7 is within ±0.2 of 9.81.
    let wider = QuestionKind::Numeric {
        value: 9.81,
        tolerance: Tolerance::Absolute(0.2),
    };
    apply(&ctx, &teacher, fix("q5", wider, "g varies with latitude")).await;
    assert_eq!(total(&ctx, &teacher, &ann).await.0, 4.0);

    // A text rule: the symbol in any case.
    let any_case = QuestionKind::ShortText {
        accepted: vec!["Na".into()],
        case_sensitive: false,
    };
    apply(
        &ctx,
        &teacher,
        fix("q6", any_case, "Case was not asked for"),
    )
    .await;
    assert_eq!(total(&ctx, &teacher, &ann).await.0, 5.0);

    // Nitrogen counted too (a multiple response's key).
    let three = QuestionKind::MultipleResponse {
        options: match &examhall_app::demo::demo_exam().questions[1].kind {
            QuestionKind::MultipleResponse { options, .. } => options.clone(),
            other => panic!("{other:?}"),
        },
        correct: vec!["a".into(), "b".into(), "c".into()],
        scoring: MultiScoring::AllOrNothing,
    };
    apply(&ctx, &teacher, fix("q2", three, "Question asked for gases")).await;
    assert_eq!(total(&ctx, &teacher, &ann).await.0, 7.0);
    assert_eq!(total(&ctx, &teacher, &bob).await.0, 4.0);

    // What candidates saw may not change: a reworded option is refused.
    let reworded = QuestionKind::SingleChoice {
        options: vec![
            ChoiceOption {
                id: "a".into(),
                text: "Venus (planet)".into(),
            },
            ChoiceOption {
                id: "b".into(),
                text: "Mercury".into(),
            },
        ],
        correct: "b".into(),
    };
    let e = ctx
        .app
        .preview_regrade(&teacher, fix("q1", reworded, "x"))
        .await;
    assert!(
        matches!(e, Err(AppError::Invalid { ref field, .. }) if field == "key"),
        "{e:?}"
    );

    // Void the essay: full marks to both, Ann's hand mark of 1 included.
    let void = KeyCorrection {
        exam_id: 1,
        question_id: "q7".into(),
        key: None,
        void: true,
        reason: "The question was not taught".into(),
    };
    let p = ctx
        .app
        .preview_regrade(&teacher, void.clone())
        .await
        .unwrap();
    let rows: Vec<(f64, f64)> = [&ann, &bob]
        .iter()
        .map(|id| {
            let r = p.rows.iter().find(|r| &&r.attempt_id == id).unwrap();
            (r.old_total, r.new_total)
        })
        .collect();
    assert_eq!(rows, vec![(7.0, 9.0), (4.0, 7.0)]);
    apply(&ctx, &teacher, void.clone()).await;
    assert_eq!(total(&ctx, &teacher, &ann).await.0, 9.0);
    assert_eq!(total(&ctx, &teacher, &bob).await.0, 7.0);
    let again = ctx.app.apply_regrade(&teacher, void).await;
    assert!(
        matches!(again, Err(AppError::Invalid { ref message, .. }) if message.contains("already void")),
        "{again:?}"
    );
    let mark = ctx
        .app
        .mark_essay(
            &teacher,
            MarkEssay {
                attempt_id: ann.clone(),
                question_id: "q7".into(),
                mark: 0.0,
                comment: None,
                reason: None,
            },
        )
        .await;
    assert!(
        matches!(mark, Err(AppError::Invalid { ref message, .. }) if message.contains("is void")),
        "{mark:?}"
    );
    let both_ways = KeyCorrection {
        exam_id: 1,
        question_id: "q4".into(),
        key: Some(QuestionKind::TrueFalse { correct: false }),
        void: true,
        reason: "x".into(),
    };
    assert!(ctx.app.preview_regrade(&teacher, both_ways).await.is_err());

    // The corrections are on record, in order, and survive a reload; the logs verify.
    let stored = ctx.db.store.key_corrections(1).await.unwrap();
    assert_eq!(stored.len(), 5);
    assert!(stored[4].voided && !stored[3].voided);
    let result = ctx
        .app
        .attempt_result(
            &teacher,
            AttemptRef {
                attempt_id: bob.clone(),
            },
        )
        .await
        .unwrap();
    let ResultState::Released { questions, .. } = result.result else {
        panic!()
    };
    let q7 = questions.iter().find(|q| q.question_id == "q7").unwrap();
    assert_eq!(q7.outcome, examhall_domain::Outcome::Voided);
    for id in [&ann, &bob] {
        ctx.app.verify_attempt(&teacher, id).await.unwrap();
    }
}
