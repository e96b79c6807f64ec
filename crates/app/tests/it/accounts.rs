//! Account administration: edit, disable and enable (sessions end at once),
//! one-time passwords that must be changed, one's own password, the record of
//! changes, and the refusals.

use crate::Ctx;
use examhall_app::AppError;
use examhall_protocol::{
    EditUser, LoginRequest, NewUser, PasswordChange, Role, UserPatch, UserQuery,
};

fn login(username: &str, password: &str) -> LoginRequest {
    LoginRequest {
        username: username.into(),
        password: password.into(),
    }
}

async fn new_user(ctx: &Ctx, admin: &str, username: &str, role: Role) -> i64 {
    ctx.app
        .create_user(
            admin,
            NewUser {
                username: username.into(),
                display_name: format!("{username} name"),
                password: "first-password".into(),
                role,
                email: None,
                candidate_number: Some(format!("C-{username}")),
            },
        )
        .await
        .unwrap()
        .id
}

fn edit(user_id: i64, patch: UserPatch) -> EditUser {
    EditUser { user_id, patch }
}

#[tokio::test]
async fn disabling_an_account_ends_its_session_at_once_and_refuses_sign_in() {
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let id = new_user(&ctx, &admin, "amira", Role::Teacher).await;
    let session = ctx
        .app
        .login(login("amira", "first-password"))
        .await
        .unwrap();
    assert!(ctx.app.list_exams(&session.token).await.is_ok());

    let disabled = ctx
        .app
        .update_user(
            &admin,
            edit(
                id,
                UserPatch {
                    disabled: Some(true),
                    ..Default::default()
                },
            ),
        )
        .await
        .unwrap();
    assert!(disabled.disabled);
    assert!(
        matches!(
            ctx.app.list_exams(&session.token).await,
            Err(AppError::Unauthenticated)
        ),
        "the session made before the account was disabled is refused"
    );
    let e = ctx
        .app
        .login(login("amira", "first-password"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("disabled"), "{e}");

    // Disabled accounts are listed only when asked for.
    let listed = |include_disabled| UserQuery {
        search: Some("AMIRA".into()),
        include_disabled,
        ..Default::default()
    };
    assert!(ctx
        .app
        .list_users(&admin, listed(false))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        ctx.app
            .list_users(&admin, listed(true))
            .await
            .unwrap()
            .len(),
        1
    );

    ctx.app
        .update_user(
            &admin,
            edit(
                id,
                UserPatch {
                    disabled: Some(false),
                    ..Default::default()
                },
            ),
        )
        .await
        .unwrap();
    let again = ctx
        .app
        .login(login("amira", "first-password"))
        .await
        .unwrap();
    assert!(ctx.app.list_exams(&again.token).await.is_ok());
    let actions: Vec<String> = ctx
        .app
        .account_changes(&admin, id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| format!("{} by {}", c.action, c.by.unwrap_or_default()))
        .collect();
    assert_eq!(
        actions,
        ["created by admin", "disabled by admin", "enabled by admin"]
    );
}

#[tokio::test]
async fn a_reset_password_works_once_and_must_be_replaced_before_anything_else() {
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let id = new_user(&ctx, &admin, "bilal", Role::Candidate).await;
    let old = ctx
        .app
        .login(login("bilal", "first-password"))
        .await
        .unwrap();

    let otp = ctx.app.reset_password(&admin, id).await.unwrap();
    assert_eq!(otp.username, "bilal");
    assert_eq!(otp.candidate_number.as_deref(), Some("C-bilal"));
    assert_eq!(otp.password.len(), 11, "{}", otp.password);
    assert!(
        matches!(
            ctx.app.my_exams(&old.token).await,
            Err(AppError::Unauthenticated)
        ),
        "a reset ends the sessions the account had"
    );
    assert!(matches!(
        ctx.app.login(login("bilal", "first-password")).await,
        Err(AppError::BadCredentials)
    ));

    let s = ctx.app.login(login("bilal", &otp.password)).await.unwrap();
    assert!(s.must_change_password);
    assert!(
        matches!(
            ctx.app.my_exams(&s.token).await,
            Err(AppError::PasswordChangeRequired)
        ),
        "nothing but a password change until the one-time password is replaced"
    );
    let same = ctx
        .app
        .change_own_password(
            &s.token,
            PasswordChange {
                current_password: otp.password.clone(),
                new_password: otp.password.clone(),
            },
        )
        .await;
    assert!(matches!(same, Err(AppError::Invalid { ref field, .. }) if field == "new_password"));
    let wrong = ctx
        .app
        .change_own_password(
            &s.token,
            PasswordChange {
                current_password: "not-it-at-all".into(),
                new_password: "my-own-secret".into(),
            },
        )
        .await;
    assert!(
        matches!(wrong, Err(AppError::Invalid { ref field, .. }) if field == "current_password")
    );
    let fresh = ctx
        .app
        .change_own_password(
            &s.token,
            PasswordChange {
                current_password: otp.password.clone(),
                new_password: "my-own-secret".into(),
            },
        )
        .await
        .unwrap();
    assert!(!fresh.must_change_password);
    assert!(ctx.app.my_exams(&fresh.token).await.is_ok());
    assert!(
        matches!(
            ctx.app.my_exams(&s.token).await,
            Err(AppError::Unauthenticated)
        ),
        "the session that changed the password is replaced by the new one"
    );
    assert!(
        matches!(
            ctx.app.login(login("bilal", &otp.password)).await,
            Err(AppError::BadCredentials)
        ),
        "the one-time password works once"
    );
    let back = ctx
        .app
        .login(login("bilal", "my-own-secret"))
        .await
        .unwrap();
    assert!(!back.must_change_password);
    let actions: Vec<String> = ctx
        .app
        .account_changes(&admin, id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.action)
        .collect();
    assert_eq!(actions, ["created", "password reset", "password changed"]);
}

#[tokio::test]
async fn a_reset_lifts_the_sign_in_block() {
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let id = new_user(&ctx, &admin, "chen", Role::Candidate).await;
    for _ in 0..6 {
        let _ = ctx.app.login(login("chen", "wrong-password")).await;
    }
    assert!(matches!(
        ctx.app.login(login("chen", "first-password")).await,
        Err(AppError::Throttled { .. })
    ));
    let otp = ctx.app.reset_password(&admin, id).await.unwrap();
    assert!(ctx.app.login(login("chen", &otp.password)).await.is_ok());
}

#[tokio::test]
async fn a_role_change_takes_effect_at_once_and_the_edit_is_recorded() {
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let id = new_user(&ctx, &admin, "dara", Role::Teacher).await;
    let s = ctx
        .app
        .login(login("dara", "first-password"))
        .await
        .unwrap();
    assert!(ctx.app.list_exams(&s.token).await.is_ok());
    let u = ctx
        .app
        .update_user(
            &admin,
            edit(
                id,
                UserPatch {
                    role: Some(Role::Candidate),
                    display_name: Some("Dara Okafor".into()),
                    email: Some("Dara@Example.ORG".into()),
                    ..Default::default()
                },
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        (u.role, u.display_name.as_str(), u.email.as_deref()),
        (Role::Candidate, "Dara Okafor", Some("Dara@example.org"))
    );
    assert!(matches!(
        ctx.app.list_exams(&s.token).await,
        Err(AppError::Unauthenticated)
    ));
    let s = ctx
        .app
        .login(login("dara", "first-password"))
        .await
        .unwrap();
    assert!(matches!(
        ctx.app.list_exams(&s.token).await,
        Err(AppError::Forbidden { .. })
    ));
    let changes = ctx.app.account_changes(&admin, id).await.unwrap();
    let last = changes.last().unwrap();
    assert_eq!(last.action, "edited");
    assert!(
        last.detail.contains("role teacher -> candidate"),
        "{}",
        last.detail
    );
    assert!(last.detail.contains("\"Dara Okafor\""), "{}", last.detail);

    // Filtering by role and searching by candidate number.
    let by_role = ctx
        .app
        .list_users(
            &admin,
            UserQuery {
                role: Some(Role::Candidate),
                search: Some("c-dara".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(by_role.iter().map(|u| u.id).collect::<Vec<_>>(), [id]);
}

#[tokio::test]
async fn administrators_cannot_lock_themselves_or_the_centre_out() {
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let me = ctx.app.profile(&admin).await.unwrap().id;
    let disable_me = ctx
        .app
        .update_user(
            &admin,
            edit(
                me,
                UserPatch {
                    disabled: Some(true),
                    ..Default::default()
                },
            ),
        )
        .await;
    assert!(
        matches!(disable_me, Err(AppError::Conflict(_))),
        "{disable_me:?}"
    );
    let demote_me = ctx
        .app
        .update_user(
            &admin,
            edit(
                me,
                UserPatch {
                    role: Some(Role::Teacher),
                    ..Default::default()
                },
            ),
        )
        .await;
    assert!(
        matches!(demote_me, Err(AppError::Conflict(_))),
        "{demote_me:?}"
    );

    // Another administrator can; and then cannot demote themselves, the last
    // enabled administrator.
    let other = new_user(&ctx, &admin, "erin", Role::Admin).await;
    let erin = ctx
        .app
        .login(login("erin", "first-password"))
        .await
        .unwrap();
    ctx.app
        .update_user(
            &erin.token,
            edit(
                me,
                UserPatch {
                    disabled: Some(true),
                    ..Default::default()
                },
            ),
        )
        .await
        .expect("another administrator remains");
    let admin_back = ctx
        .app
        .update_user(
            &erin.token,
            edit(
                other,
                UserPatch {
                    role: Some(Role::Teacher),
                    ..Default::default()
                },
            ),
        )
        .await;
    assert!(
        matches!(admin_back, Err(AppError::Conflict(_))),
        "{admin_back:?}"
    );
}

#[tokio::test]
async fn bad_edits_name_their_field_and_change_nothing() {
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let id = new_user(&ctx, &admin, "femi", Role::Candidate).await;
    let other = new_user(&ctx, &admin, "gita", Role::Candidate).await;
    for (patch, field) in [
        (
            UserPatch {
                email: Some("not an email".into()),
                ..Default::default()
            },
            "email",
        ),
        (
            UserPatch {
                display_name: Some("   ".into()),
                ..Default::default()
            },
            "display_name",
        ),
        (
            UserPatch {
                candidate_number: Some("has spaces in it".into()),
                ..Default::default()
            },
            "candidate_number",
        ),
    ] {
        let e = ctx
            .app
            .update_user(&admin, edit(id, patch))
            .await
            .unwrap_err();
        assert!(
            matches!(e, AppError::Invalid { field: ref f, .. } if f == field),
            "{e:?}"
        );
    }
    let taken = ctx
        .app
        .update_user(
            &admin,
            edit(
                id,
                UserPatch {
                    candidate_number: Some("C-gita".into()),
                    ..Default::default()
                },
            ),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(taken, AppError::Conflict(ref m) if m.contains("candidate number")),
        "{taken:?}"
    );
    assert!(matches!(
        ctx.app.reset_password(&admin, 9_999).await,
        Err(AppError::NotFound(_))
    ));
    let femi = ctx
        .app
        .list_users(
            &admin,
            UserQuery {
                search: Some("femi".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(femi[0].candidate_number.as_deref(), Some("C-femi"));
    assert_eq!(femi[0].display_name, "femi name");
    assert_eq!(ctx.app.account_changes(&admin, id).await.unwrap().len(), 1);
    assert_eq!(
        ctx.app.account_changes(&admin, other).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn only_administrators_manage_accounts() {
    let ctx = Ctx::demo().await;
    let admin = ctx.login("admin").await;
    let id = new_user(&ctx, &admin, "hana", Role::Candidate).await;
    for who in ["teacher", "invigilator", "candidate"] {
        let t = ctx.login(who).await;
        let forbidden = |r: Result<(), AppError>| {
            assert!(matches!(r, Err(AppError::Forbidden { .. })), "{who}: {r:?}")
        };
        forbidden(
            ctx.app
                .update_user(&t, edit(id, UserPatch::default()))
                .await
                .map(|_| ()),
        );
        forbidden(ctx.app.reset_password(&t, id).await.map(|_| ()));
        forbidden(ctx.app.account_changes(&t, id).await.map(|_| ()));
        forbidden(
            ctx.app
                .list_users(&t, UserQuery::default())
                .await
                .map(|_| ()),
        );
    }
}
