use crate::Ctx;
use examhall_app::AppError;
use examhall_domain::Answer;
use examhall_protocol::{AttemptRef, MarkEssay, ResultState, SetAnswer};

/// A candidate below the pass mark until the essay is marked.
async fn graded_with_essay(ctx: &Ctx) -> (String, String) {
    let (t, v) = ctx.started().await;
    for (q, a) in [
        ("q1", "b"),
        ("q4", "true"),
        ("q7", "Light scatters; blue scatters most."),
    ] {
        let req = SetAnswer {
            attempt_id: v.attempt_id.clone(),
            question_id: q.into(),
            answer: Some(Answer::Text(a.into())),
        };
        ctx.app.set_answer(&t, req).await.unwrap();
    }
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
    (t, v.attempt_id)
}

fn released(r: ResultState) -> (f64, bool, bool, Vec<examhall_protocol::QuestionMarkDto>) {
    match r {
        ResultState::Released {
            total,
            passed,
            awaiting_marking,
            questions,
            ..
        } => (total, passed, awaiting_marking, questions),
        other => panic!("expected a released result, got {other:?}"),
    }
}

#[tokio::test]
async fn marking_an_essay_updates_the_total_and_can_cross_the_pass_mark() {
    let ctx = Ctx::demo().await;
    let (cand, attempt) = graded_with_essay(&ctx).await;
    let before = released(
        ctx.app
            .attempt_result(
                &cand,
                AttemptRef {
                    attempt_id: attempt.clone(),
                },
            )
            .await
            .unwrap()
            .result,
    );
    assert_eq!(
        (before.0, before.1, before.2),
        (2.0, false, true),
        "2/12 and the essay pending"
    );

    let teacher = ctx.login("teacher").await;
    let todo = ctx.app.essays_to_mark(&teacher).await.unwrap();
    assert_eq!(todo.len(), 1);
    assert_eq!(
        (
            todo[0].question_id.as_str(),
            todo[0].answer.as_str(),
            todo[0].max
        ),
        ("q7", "Light scatters; blue scatters most.", 3.0)
    );

    let mark = |m: f64, q: &str| MarkEssay {
        attempt_id: attempt.clone(),
        question_id: q.into(),
        mark: m,
        comment: Some("Clear, names the effect.".into()),
        reason: None,
    };
    let seq_before = ctx
        .db
        .store
        .attempt(&attempt)
        .await
        .unwrap()
        .unwrap()
        .head_seq;
    for (bad, field) in [
        (mark(3.5, "q7"), "mark"),
        (mark(-1.0, "q7"), "mark"),
        (mark(1.0, "q1"), "question_id"),
        (mark(1.0, "nope"), "question_id"),
    ] {
        let e = ctx.app.mark_essay(&teacher, bad).await.unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid { field: f, .. } if f == field),
            "{e:?}"
        );
    }
    assert_eq!(
        ctx.db
            .store
            .attempt(&attempt)
            .await
            .unwrap()
            .unwrap()
            .head_seq,
        seq_before,
        "refused marks change nothing"
    );

    let cand_try = ctx.app.mark_essay(&cand, mark(3.0, "q7")).await;
    assert!(
        matches!(cand_try, Err(AppError::Forbidden { .. })),
        "{cand_try:?}"
    );

    ctx.app.mark_essay(&teacher, mark(3.0, "q7")).await.unwrap();
    let after = released(
        ctx.app
            .attempt_result(
                &cand,
                AttemptRef {
                    attempt_id: attempt.clone(),
                },
            )
            .await
            .unwrap()
            .result,
    );
    assert_eq!(
        (after.0, after.2),
        (5.0, false),
        "2 + 3 for the essay; nothing pending"
    );
    assert!(!after.1, "5/12 is still below 50%");
    let essay = after.3.iter().find(|q| q.question_id == "q7").unwrap();
    assert_eq!(
        essay.comment.as_deref(),
        Some("Clear, names the effect."),
        "the candidate sees the comment"
    );
    assert!(
        ctx.app.essays_to_mark(&teacher).await.unwrap().is_empty(),
        "nothing left to mark"
    );

    // Re-marking needs a reason: without one it is refused and changes nothing.
    let e = ctx.app.mark_essay(&teacher, mark(1.5, "q7")).await;
    assert!(
        matches!(e, Err(examhall_app::AppError::Invalid { ref field, .. }) if field == "reason"),
        "{e:?}"
    );
    // With one it replaces the mark; the log keeps both, the reason with the
    // second, and still verifies.
    ctx.app
        .mark_essay(
            &teacher,
            MarkEssay {
                reason: Some("Second marker's moderation".into()),
                ..mark(1.5, "q7")
            },
        )
        .await
        .unwrap();
    let again = released(
        ctx.app
            .attempt_result(
                &teacher,
                AttemptRef {
                    attempt_id: attempt.clone(),
                },
            )
            .await
            .unwrap()
            .result,
    );
    assert_eq!(again.0, 3.5);
    let admin = ctx.login("admin").await;
    ctx.app.verify_attempt(&admin, &attempt).await.unwrap();
    let marked = ctx
        .db
        .store
        .events(&attempt)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.payload.contains("essay_marked"))
        .map(|e| e.payload.contains("Second marker's moderation"))
        .collect::<Vec<_>>();
    assert_eq!(
        marked,
        vec![false, true],
        "each marking is an event, the re-mark with its reason"
    );
}

#[tokio::test]
async fn a_marked_essay_can_take_a_candidate_over_the_pass_mark() {
    let ctx = Ctx::demo().await;
    let (t, v) = ctx.started().await;
    for (q, a) in [
        ("q1", Answer::Text("b".into())),
        ("q4", Answer::Text("true".into())),
        ("q5", Answer::Text("9.8".into())),
        ("q7", Answer::Text("Essay".into())),
    ] {
        ctx.app
            .set_answer(
                &t,
                SetAnswer {
                    attempt_id: v.attempt_id.clone(),
                    question_id: q.into(),
                    answer: Some(a),
                },
            )
            .await
            .unwrap();
    }
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
    let before = released(
        ctx.app
            .attempt_result(
                &t,
                AttemptRef {
                    attempt_id: v.attempt_id.clone(),
                },
            )
            .await
            .unwrap()
            .result,
    );
    assert_eq!(
        (before.0, before.1),
        (4.0, false),
        "4/12 fails before marking"
    );
    let teacher = ctx.login("teacher").await;
    let req = MarkEssay {
        attempt_id: v.attempt_id.clone(),
        question_id: "q7".into(),
        mark: 2.0,
        comment: None,
        reason: None,
    };
    let view = ctx.app.mark_essay(&teacher, req).await.unwrap();
    let after = released(view.result);
    assert_eq!((after.0, after.1), (6.0, true), "6/12 = 50% passes");
    let stats = ctx.app.exam_analysis(&teacher, 1).await.unwrap();
    assert_eq!(
        (stats.mean, stats.provisional),
        (6.0, 0),
        "statistics follow the marked total"
    );
}

/// Staff open one attempt: every question with the candidate's answer and the
/// key in words, marks and outcomes, the log's events in order (answers,
/// hand-in, grading, the mark), and the chain verified with its head. The
/// candidate and the invigilator may not; an unknown attempt is not found.
#[tokio::test]
async fn staff_review_one_attempt_its_answers_keys_marks_and_events() {
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    let (_, attempt) = graded_with_essay(&ctx).await;
    let review = |token: String, id: String| {
        let app = ctx.app.clone();
        async move {
            app.attempt_review(&token, AttemptRef { attempt_id: id })
                .await
        }
    };
    let r = review(teacher.clone(), attempt.clone()).await.unwrap();
    assert_eq!(r.questions.len(), 7);
    let q = |id: &str| r.questions.iter().find(|q| q.question_id == id).unwrap();
    assert_eq!(
        q("q1").answer.as_deref(),
        Some("Mercury"),
        "option text, not its id"
    );
    assert_eq!(q("q1").key, "Mercury");
    assert_eq!((q("q1").awarded, q("q1").max), (Some(1.0), 1.0));
    assert_eq!(q("q4").answer.as_deref(), Some("True"));
    assert_eq!(q("q5").answer, None, "not answered");
    assert_eq!(q("q5").key, "9.81 ± 0.1");
    assert_eq!(q("q2").key, "Helium; Neon");
    assert_eq!(
        q("q7").outcome,
        Some(examhall_domain::Outcome::AwaitingMarking)
    );
    assert!(!q("q7").hand_marked, "not marked yet");
    assert!(
        q("q7").essay && !q("q1").essay,
        "an essay is marked here, by its kind"
    );
    let kinds: Vec<&str> = r.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"started"));
    assert!(kinds.ends_with(&["submitted", "graded"]), "{kinds:?}");
    let answered: Vec<(&str, &str)> = r
        .events
        .iter()
        .filter(|e| e.kind == "answer_set")
        .map(|e| (e.question.as_deref().unwrap(), e.detail.as_str()))
        .collect();
    assert_eq!(answered[0], ("q1", "Mercury"));
    assert!(r.events.windows(2).all(|w| w[1].seq == w[0].seq + 1));
    assert!(r.chain_ok && r.chain_problem.is_none());
    let last = r.events.last().unwrap().seq;
    assert!(
        r.chain_head.starts_with(&format!("{last}-")),
        "{}",
        r.chain_head
    );
    assert!(r.candidate.contains("candidate"), "{}", r.candidate);

    // Marked, then re-marked with a reason: both in the timeline.
    let mark = |m: f64, reason: Option<&str>| MarkEssay {
        attempt_id: attempt.clone(),
        question_id: "q7".into(),
        mark: m,
        comment: None,
        reason: reason.map(str::to_owned),
    };
    ctx.app.mark_essay(&teacher, mark(1.0, None)).await.unwrap();
    ctx.app
        .mark_essay(&teacher, mark(3.0, Some("Moderated up")))
        .await
        .unwrap();
    let r = review(teacher.clone(), attempt.clone()).await.unwrap();
    let q7 = r.questions.iter().find(|q| q.question_id == "q7").unwrap();
    assert_eq!((q7.awarded, q7.hand_marked), (Some(3.0), true));
    let marks: Vec<&str> = r
        .events
        .iter()
        .filter(|e| e.kind == "essay_marked")
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(marks.len(), 2);
    assert!(marks[1].contains("Moderated up"), "{marks:?}");
    assert!(r.chain_ok);

    for who in ["candidate", "invigilator"] {
        let token = ctx.login(who).await;
        let e = review(token, attempt.clone()).await;
        assert!(matches!(e, Err(AppError::Forbidden { .. })), "{who}: {e:?}");
    }
    let e = review(teacher, "nope".into()).await;
    assert!(matches!(e, Err(AppError::NotFound(_))), "{e:?}");
}

/// An essay's marking guidance is for markers: it comes with the essay to mark
/// and in the attempt's review, and never in what the candidate's screen gets.
#[tokio::test]
async fn marking_guidance_reaches_markers_and_never_the_candidate() {
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    let guidance = "air molecules scatter";
    let (t, v) = ctx.started().await;
    let seen = serde_json::to_string(&v).unwrap();
    assert!(
        seen.contains("why the sky is blue") && !seen.contains(guidance),
        "the candidate's view of the attempt"
    );
    let answer = SetAnswer {
        attempt_id: v.attempt_id.clone(),
        question_id: "q7".into(),
        answer: Some(Answer::Text("Rayleigh.".into())),
    };
    ctx.app.set_answer(&t, answer).await.unwrap();
    let attempt = AttemptRef {
        attempt_id: v.attempt_id.clone(),
    };
    ctx.app.submit(&t, attempt.clone()).await.unwrap();
    ctx.drain().await;

    let todo = ctx.app.essays_to_mark(&teacher).await.unwrap();
    let q7 = todo.iter().find(|e| e.question_id == "q7").unwrap();
    assert!(
        q7.guidance.as_deref().is_some_and(|g| g.contains(guidance)),
        "{q7:?}"
    );
    let review = ctx
        .app
        .attempt_review(&teacher, attempt.clone())
        .await
        .unwrap();
    let key = &review
        .questions
        .iter()
        .find(|q| q.question_id == "q7")
        .unwrap()
        .key;
    assert!(key.contains(guidance), "{key}");

    let mark = MarkEssay {
        attempt_id: v.attempt_id.clone(),
        question_id: "q7".into(),
        mark: 1.0,
        comment: None,
        reason: None,
    };
    ctx.app.mark_essay(&teacher, mark).await.unwrap();
    let result = ctx.app.attempt_result(&t, attempt).await.unwrap();
    let shown = serde_json::to_string(&result).unwrap();
    assert!(!shown.contains(guidance), "the candidate's result: {shown}");
}
