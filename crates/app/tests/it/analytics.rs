use crate::Ctx;
use examhall_app::AppError;
use examhall_domain::Answer;
use examhall_protocol::{AttemptRef, ResultState, SetAnswer};

/// Seven candidates of rising skill sit the demo exam; the statistics page must
/// agree with their graded results.
#[tokio::test]
async fn exam_statistics_come_from_the_graded_attempts() {
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let teacher = ctx.login("teacher").await;
    let answers: [(&str, Answer); 6] = [
        ("q1", Answer::Text("b".into())),
        ("q4", Answer::Text("true".into())),
        ("q6", Answer::Text("Na".into())),
        ("q5", Answer::Text("9.81".into())),
        ("q2", Answer::Choices(vec!["a".into(), "c".into()])),
        ("q7", Answer::Text("An essay.".into())),
    ];
    let mut attempts = Vec::new();
    for skill in 0..7 {
        let (t, v) = ctx
            .new_candidate_started(&admin, &teacher, &format!("skill{skill}"), 1, "EXAM24")
            .await;
        for (q, a) in answers.iter().take(skill) {
            let req = SetAnswer {
                attempt_id: v.attempt_id.clone(),
                question_id: (*q).into(),
                answer: Some(a.clone()),
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
        attempts.push(v.attempt_id);
    }
    let forbidden = ctx.app.exam_analysis(&teacher, 1).await;
    assert!(
        matches!(forbidden, Err(AppError::Conflict(_))),
        "nothing graded yet: {forbidden:?}"
    );
    ctx.drain().await;

    let mut totals = Vec::new();
    for a in &attempts {
        match ctx
            .app
            .attempt_result(
                &teacher,
                AttemptRef {
                    attempt_id: a.clone(),
                },
            )
            .await
            .unwrap()
            .result
        {
            ResultState::Released { total, .. } => totals.push(total),
            other => panic!("graded: {other:?}"),
        }
    }
    assert_eq!(
        totals,
        vec![0.0, 1.0, 2.0, 3.0, 5.0, 7.0, 7.0],
        "each candidate answers one more question (the seventh an essay, which scores 0 until marked)"
    );
    let s = ctx.app.exam_analysis(&teacher, 1).await.unwrap();
    assert_eq!(s.attempts, 7);
    assert_eq!(s.max_possible, 12.0);
    assert!(
        (s.mean - 25.0 / 7.0).abs() < 1e-12,
        "mean of the graded totals: {}",
        s.mean
    );
    assert_eq!((s.min, s.max, s.median), (0.0, 7.0, 3.0));
    assert!(
        (s.pass_rate_pct - 200.0 / 7.0).abs() < 1e-9,
        "only the two 7/12 reach the 50% pass mark"
    );
    assert_eq!(s.provisional, 1, "the one essay awaits marking");
    assert_eq!(s.histogram.iter().map(|b| b.count).sum::<usize>(), 7);
    assert_eq!(s.histogram.len(), 12, "one bar per mark of the 12");
    assert_eq!(
        s.histogram[7].count, 2,
        "the two totals of 7 share the 7–8 bar"
    );
    assert_eq!(s.items.len(), 7);
    let q1 = &s.items[0];
    assert_eq!(q1.question_id, "q1");
    assert!(
        (q1.facility - 600.0 / 7.0).abs() < 1e-9,
        "6 of 7 got q1 right: {}",
        q1.facility
    );
    assert!(
        q1.discrimination_index.unwrap() > 0.0,
        "stronger candidates got q1 right"
    );
    let q3 = &s.items[2];
    assert_eq!(q3.facility, 0.0, "nobody answered q3");
    assert!(
        q3.flags.iter().any(|f| f.contains("below 10%")),
        "{:?}",
        q3.flags
    );

    // Distractors: groups of ceil(0.27 x 7) = 2; the top two (totals 7, 7) both chose
    // Mercury, the bottom two (0 and 1) are one blank and one Mercury.
    assert_eq!(s.distractor_group_size, 2);
    let d1 = q1
        .distractors
        .as_ref()
        .expect("single choice has a distractor table");
    let mercury = d1.iter().find(|r| r.option_id == "b").unwrap();
    assert!(mercury.is_key && mercury.option_text == "Mercury");
    assert_eq!((mercury.top_pct, mercury.bottom_pct), (100.0, 50.0));
    assert!((mercury.all_pct - 600.0 / 7.0).abs() < 1e-9);
    assert!(
        d1.iter().filter(|r| !r.is_key).all(|r| r.top_pct == 0.0),
        "no distractor in the top group"
    );
    assert!(
        s.items[3].distractors.is_none(),
        "true/false has no options table"
    );
    let d2 = s.items[1].distractors.as_ref().unwrap();
    assert_eq!(
        d2.iter()
            .filter(|r| r.is_key)
            .map(|r| r.top_pct)
            .collect::<Vec<_>>(),
        vec![100.0, 100.0],
        "both noble gases"
    );

    let essay = &s.items[6];
    assert_eq!(
        essay.flags,
        vec!["answers awaiting marking: these figures are provisional".to_string()],
        "no key advice for unmarked essays"
    );

    let cand = ctx.login("candidate").await;
    assert!(matches!(
        ctx.app.exam_analysis(&cand, 1).await,
        Err(AppError::Forbidden { .. })
    ));
    let inv = ctx.login("invigilator").await;
    assert!(matches!(
        ctx.app.exam_analysis(&inv, 1).await,
        Err(AppError::Forbidden { .. })
    ));
}

/// A second start code opens a second sitting; the trend shows each sitting's figures.
#[tokio::test]
async fn the_trend_has_one_point_per_sitting() {
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let teacher = ctx.login("teacher").await;
    let inv = ctx.login("invigilator").await;
    let sit = |user: &'static str, code: String, answers: Vec<(&'static str, Answer)>| {
        let (ctx, admin, teacher) = (&ctx, admin.clone(), teacher.clone());
        async move {
            let (t, v) = ctx
                .new_candidate_started(&admin, &teacher, user, 1, &code)
                .await;
            ctx.answer_and_submit(&t, &v.attempt_id, &answers).await;
        }
    };
    // Morning sitting: 6/12 and 0/12.
    sit(
        "morning1",
        "EXAM24".into(),
        vec![
            ("q5", Answer::Text("9.81".into())),
            ("q2", Answer::Choices(vec!["a".into(), "c".into()])),
            ("q3", Answer::Choices(vec!["a".into(), "c".into()])),
        ],
    )
    .await;
    sit("morning2", "EXAM24".into(), vec![]).await;
    ctx.clock.advance_ms(4 * 3600 * 1000);
    let code = ctx
        .app
        .open_sitting(&inv, examhall_protocol::OpenSitting::unscheduled(1))
        .await
        .unwrap()
        .start_code;
    // Afternoon sitting: 3/12.
    sit(
        "afternoon1",
        code,
        vec![
            ("q5", Answer::Text("9.81".into())),
            ("q1", Answer::Text("b".into())),
        ],
    )
    .await;
    ctx.drain().await;

    let s = ctx.app.exam_analysis(&teacher, 1).await.unwrap();
    assert_eq!(s.trend.len(), 2, "{:?}", s.trend);
    let (am, pm) = (&s.trend[0], &s.trend[1]);
    assert!(am.sitting_id < pm.sitting_id);
    assert_eq!((am.attempts, pm.attempts), (2, 1));
    assert!(
        (am.mean_pct - 25.0).abs() < 1e-9,
        "(50% + 0%) / 2: {}",
        am.mean_pct
    );
    assert!(
        (am.pass_rate_pct - 50.0).abs() < 1e-9,
        "6/12 is exactly the pass mark"
    );
    assert!((pm.mean_pct - 25.0).abs() < 1e-9, "3/12: {}", pm.mean_pct);
    assert_eq!(pm.pass_rate_pct, 0.0);
    assert_eq!(pm.sd_pct, None);
    assert!(!am.opened_at.is_empty());
}
