use crate::Ctx;
use examhall_app::AppError;
use examhall_protocol::{LoginRequest, NewUser, Role};

fn forbidden<T: std::fmt::Debug>(r: Result<T, AppError>, what: &str) {
    assert!(
        matches!(r, Err(AppError::Forbidden { .. })),
        "{what} must be refused for this role, got {r:?}"
    );
}

#[tokio::test]
async fn a_candidate_cannot_call_teacher_invigilator_or_admin_use_cases() {
    let ctx = Ctx::demo().await;
    let t = ctx.login("candidate").await;
    let app = &ctx.app;
    let new_user = NewUser {
        username: "mallory".into(),
        display_name: "M".into(),
        password: "password123".into(),
        role: Role::Admin,
        email: None,
        candidate_number: None,
    };
    forbidden(app.create_user(&t, new_user).await, "create_user (admin)");
    forbidden(
        app.list_users(&t, Default::default()).await,
        "list_users (admin)",
    );
    forbidden(
        app.create_exam(&t, examhall_app::demo::demo_exam()).await,
        "create_exam (teacher)",
    );
    forbidden(app.exam_with_keys(&t, 1).await, "exam_with_keys (teacher)");
    forbidden(
        app.assign_exam(&t, 1, 4, 2.0).await,
        "assign_exam (teacher)",
    );
    forbidden(
        app.open_sitting(&t, examhall_protocol::OpenSitting::unscheduled(1))
            .await,
        "open_sitting (invigilator)",
    );
    forbidden(app.list_exams(&t).await, "list_exams (invigilator)");
    forbidden(app.attempt_summaries(&t).await, "attempt_summaries (staff)");
    forbidden(app.verify_attempt(&t, "x").await, "verify_attempt (staff)");
}

#[tokio::test]
async fn staff_cannot_sit_exams_and_roles_are_separate() {
    let ctx = Ctx::demo().await;
    let inv = ctx.login("invigilator").await;
    forbidden(ctx.app.my_exams(&inv).await, "my_exams for an invigilator");
    forbidden(
        ctx.app
            .create_exam(&inv, examhall_app::demo::demo_exam())
            .await,
        "create_exam for an invigilator",
    );
    let teacher = ctx.login("teacher").await;
    forbidden(
        ctx.app
            .open_sitting(&teacher, examhall_protocol::OpenSitting::unscheduled(1))
            .await,
        "open_sitting for a teacher",
    );
    forbidden(
        ctx.app.list_users(&teacher, Default::default()).await,
        "list_users for a teacher",
    );
    // And the allowed paths do work, so the refusals above are about roles.
    assert!(ctx
        .app
        .open_sitting(&inv, examhall_protocol::OpenSitting::unscheduled(1))
        .await
        .is_ok());
    assert!(ctx.app.exam_with_keys(&teacher, 1).await.is_ok());
    let admin = ctx.login("admin").await;
    assert_eq!(
        ctx.app
            .list_users(&admin, Default::default())
            .await
            .unwrap()
            .len(),
        5
    );
}

#[tokio::test]
async fn unknown_tokens_are_unauthenticated() {
    let ctx = Ctx::demo().await;
    let r = ctx.app.my_exams("not-a-token").await;
    assert!(matches!(r, Err(AppError::Unauthenticated)), "{r:?}");
    let t = ctx.login("candidate").await;
    ctx.app.logout(&t).await.unwrap();
    assert!(
        matches!(ctx.app.my_exams(&t).await, Err(AppError::Unauthenticated)),
        "a logged-out token is dead"
    );
}

#[tokio::test]
async fn wrong_passwords_get_a_plain_message_and_repeated_failures_are_throttled() {
    let ctx = Ctx::demo().await;
    let bad = || LoginRequest {
        username: "candidate".into(),
        password: "wrong-password".into(),
    };
    for i in 0..5 {
        let e = ctx.app.login(bad()).await.unwrap_err();
        assert!(matches!(e, AppError::BadCredentials), "failure {i}: {e:?}");
        assert_eq!(e.to_string(), "Wrong username or password.");
    }
    // Now even the right password is refused until the block expires.
    let good = LoginRequest {
        username: "Candidate".into(),
        password: "demo-candidate-pass".into(),
    };
    let e = ctx.app.login(good.clone()).await.unwrap_err();
    assert!(
        matches!(
            e,
            AppError::Throttled {
                retry_after_secs: 30
            }
        ),
        "{e:?}"
    );
    ctx.clock.advance_secs(31);
    assert!(
        ctx.app.login(good).await.is_ok(),
        "the block expires and the counter resets"
    );
    // Unknown users get the same message (no account enumeration).
    let e = ctx
        .app
        .login(LoginRequest {
            username: "nobody".into(),
            password: "whatever1".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "Wrong username or password.");
}

#[tokio::test]
async fn an_empty_database_asks_for_a_first_admin_and_never_has_default_credentials() {
    let db = examhall_testkit::TempDb::new().await;
    let clock = examhall_testkit::FakeClock::new(examhall_testkit::FakeClock::EXAM_MORNING);
    let app = examhall_app::App::new(db.store.clone(), clock);
    assert!(app.setup_status().await.unwrap().needs_first_admin);
    for (u, p, _, _) in examhall_app::demo::DEMO_ACCOUNTS {
        let r = app
            .login(LoginRequest {
                username: (*u).into(),
                password: (*p).into(),
            })
            .await;
        assert!(r.is_err(), "demo credentials must not exist without --demo");
    }
    let weak = NewUser {
        username: "root".into(),
        display_name: "Root".into(),
        password: "short".into(),
        role: Role::Admin,
        email: None,
        candidate_number: None,
    };
    let e = app.create_first_admin(weak).await.unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid { field, .. } if field == "password"),
        "{e:?}"
    );
    let first = NewUser {
        username: "head".into(),
        display_name: "Head of Centre".into(),
        password: "a long passphrase".into(),
        role: Role::Admin,
        email: None,
        candidate_number: None,
    };
    let session = app.create_first_admin(first.clone()).await.unwrap();
    assert_eq!(session.user.role, Role::Admin);
    assert!(!app.setup_status().await.unwrap().needs_first_admin);
    let again = app
        .create_first_admin(NewUser {
            username: "head2".into(),
            ..first
        })
        .await;
    assert!(
        matches!(again, Err(AppError::Conflict(_))),
        "only an empty database takes a first admin"
    );
}
