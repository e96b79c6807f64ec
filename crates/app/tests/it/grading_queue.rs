use crate::Ctx;
use examhall_app::{AppError, Outcome};
use examhall_domain::Timestamp;
use examhall_protocol::{AttemptRef, TaskState};
use examhall_store::NewJob;

#[tokio::test]
async fn a_job_survives_a_restart_and_a_dead_workers_job_is_claimed_again() {
    let ctx = Ctx::demo().await;
    let (t, v) = ctx.started().await;
    let ack = ctx
        .app
        .submit(
            &t,
            AttemptRef {
                attempt_id: v.attempt_id.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        ctx.app.task_status(&t, ack.task_id).await.unwrap().status,
        TaskState::Pending
    );

    // A worker claims the job and dies before finishing (nothing completes it).
    let claimed = ctx
        .db
        .store
        .claim_jobs(ctx.clock_now(), 60_000, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(
        ctx.app.task_status(&t, ack.task_id).await.unwrap().status,
        TaskState::Running
    );

    // "Restart": a new App over the same file. The lease still holds...
    let app2 = examhall_app::App::new(
        examhall_store::Store::open(&ctx.db.path).await.unwrap(),
        ctx.clock.clone(),
    );
    assert_eq!(
        app2.worker().try_run_next().await.unwrap(),
        Outcome::Idle,
        "a live lease is respected"
    );
    // ...until it expires; then the job is picked up again and finished.
    ctx.clock.advance_secs(61);
    assert_eq!(
        app2.worker().try_run_next().await.unwrap(),
        Outcome::Ran {
            graded: 1,
            failed: 0
        }
    );
    let status = ctx.app.task_status(&t, ack.task_id).await.unwrap();
    assert_eq!(
        (status.status, status.tries),
        (TaskState::Done, 2),
        "done on its second claim"
    );
    assert!(ctx.db.store.result(&v.attempt_id).await.unwrap().is_some());
}

#[tokio::test]
async fn a_failing_job_is_retried_with_backoff_then_marked_failed_with_its_error() {
    let ctx = Ctx::demo().await;
    let job = NewJob {
        kind: "grade_attempt",
        payload: r#"{"attempt_id":"does-not-exist"}"#.into(),
    };
    let id = ctx.db.store.enqueue(&job, ctx.clock_now()).await.unwrap();
    let worker = ctx.app.worker();
    for round in 1..=5 {
        assert_eq!(
            worker.try_run_next().await.unwrap(),
            Outcome::Ran {
                graded: 0,
                failed: 1
            },
            "round {round}"
        );
        assert_eq!(
            worker.try_run_next().await.unwrap(),
            Outcome::Idle,
            "backing off after round {round}"
        );
        ctx.clock.advance_secs(2000);
    }
    let admin = ctx.login("admin").await;
    let s = ctx.app.task_status(&admin, id).await.unwrap();
    assert_eq!(s.status, TaskState::Failed);
    assert!(
        s.error.as_deref().unwrap_or("").contains("does-not-exist"),
        "{s:?}"
    );
    assert_eq!(
        worker.try_run_next().await.unwrap(),
        Outcome::Idle,
        "failed for good"
    );
}

#[tokio::test]
async fn task_status_is_private_to_the_candidate_and_unknown_ids_are_not_found() {
    let ctx = Ctx::demo().await;
    let (t, v) = ctx.started().await;
    let ack = ctx
        .app
        .submit(
            &t,
            AttemptRef {
                attempt_id: v.attempt_id,
            },
        )
        .await
        .unwrap();
    let other = ctx.login("candidate2").await;
    let r = ctx.app.task_status(&other, ack.task_id).await;
    assert!(matches!(r, Err(AppError::NotFound(_))), "{r:?}");
    let r = ctx.app.task_status(&t, 9999).await;
    assert!(matches!(r, Err(AppError::NotFound(_))), "{r:?}");
}

#[tokio::test]
async fn the_worker_grades_many_sheets_in_batches() {
    let ctx = Ctx::demo().await;
    let teacher = ctx.login("teacher").await;
    let admin = ctx.login("admin").await;
    let inv = ctx.login("invigilator").await;
    let exam_id = 1;
    let code = ctx
        .app
        .open_sitting(&inv, examhall_protocol::OpenSitting::unscheduled(exam_id))
        .await
        .unwrap()
        .start_code;
    let n = 150;
    for i in 0..n {
        let (t, v) = ctx
            .new_candidate_started(&admin, &teacher, &format!("cand{i:03}"), exam_id, &code)
            .await;
        let ans = if i % 2 == 0 { "b" } else { "a" };
        ctx.app
            .set_answer(
                &t,
                examhall_protocol::SetAnswer {
                    attempt_id: v.attempt_id.clone(),
                    question_id: "q1".into(),
                    answer: Some(examhall_domain::Answer::Text(ans.into())),
                },
            )
            .await
            .unwrap();
        ctx.app
            .submit(
                &t,
                AttemptRef {
                    attempt_id: v.attempt_id,
                },
            )
            .await
            .unwrap();
    }
    let first = ctx.app.worker().try_run_next().await.unwrap();
    assert_eq!(
        first,
        Outcome::Ran {
            graded: 64,
            failed: 0
        },
        "one batch is 64 sheets in one commit"
    );
    assert_eq!(ctx.drain().await, n - 64);
    let rows = ctx.app.attempt_summaries(&admin).await.unwrap();
    let right = rows
        .iter()
        .filter(|r| r.percentage.is_some_and(|p| p > 0.0))
        .count();
    assert_eq!(
        right,
        n / 2,
        "exactly the even-numbered candidates chose the key"
    );
}

impl Ctx {
    pub fn clock_now(&self) -> Timestamp {
        use examhall_domain::Clock;
        self.clock.now()
    }
}
