//! The staff UI over HTTP (issue 18): every command of the one table has its
//! route, answering as the table says where it is served, with the same use
//! case (and the same role checks) the desktop's command calls.

use crate::common::{Hq, STUDENT_PASSWORD};
use examhall_protocol::commands::{Surface, UI_COMMANDS};
use examhall_testkit::{on_both_backends, TestBackend};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    every_command_of_the_table_has_its_route_and_answers_where_it_is_served,
    a_signed_in_browser_gets_the_same_answers_as_the_use_cases_and_their_role_checks
);

async fn every_command_of_the_table_has_its_route_and_answers_where_it_is_served(
    backend: TestBackend,
) {
    let (hq, _) = Hq::start(backend).await;
    let mut in_browser = 0;
    for (name, surface) in UI_COMMANDS {
        let (s, v) = hq
            .call("POST", &format!("/api/ui/{name}/"), None, Some(json!(null)))
            .await;
        assert_ne!(s, StatusCode::NOT_FOUND, "{name} has no route: {v}");
        match surface {
            Surface::Both => {
                in_browser += 1;
                assert_eq!(s, StatusCode::UNAUTHORIZED, "{name} without a token: {v}");
                assert_eq!(v["code"], "unauthenticated", "{name}: {v}");
            }
            Surface::Report => {
                in_browser += 1;
                assert_eq!(s, StatusCode::UNAUTHORIZED, "{name} without a token: {v}");
            }
            Surface::Public => {
                in_browser += 1;
                assert!(
                    s == StatusCode::OK || s == StatusCode::BAD_REQUEST,
                    "{name}: {s} {v}"
                );
            }
            Surface::Desktop | Surface::PublicDesktop | Surface::Shell => {
                assert_eq!(s, StatusCode::FORBIDDEN, "{name} is desktop only: {v}");
                assert!(
                    v["message"].as_str().unwrap().contains("desktop app"),
                    "{v}"
                );
            }
        }
    }
    assert!(
        in_browser > 60,
        "the staff screens' commands ({in_browser})"
    );
    // Nothing outside the table answers.
    let (s, v) = hq
        .call("POST", "/api/ui/drop_database/", None, Some(json!(null)))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    // Nobody becomes the first administrator of a server from a browser.
    let (s, _) = hq
        .post(
            "/api/ui/create_first_admin/",
            None,
            json!({"username": "mallory", "display_name": "M", "password": "long-enough-1", "role": "admin"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn a_signed_in_browser_gets_the_same_answers_as_the_use_cases_and_their_role_checks(
    backend: TestBackend,
) {
    let (hq, _) = Hq::start(backend).await;
    hq.student("ann").await;
    // Sign-in as the desktop does it: the table's `login`, argon2id and the throttle.
    let (s, v) = hq
        .post(
            "/api/ui/login/",
            None,
            json!({"username": "admin", "password": "admin-password-1"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let admin = v["token"].as_str().unwrap().to_owned();
    assert_eq!(v["user"]["role"], "admin");
    let (s, v) = hq
        .post(
            "/api/ui/login/",
            None,
            json!({"username": "admin", "password": "wrong-password"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");

    // The same reply as the use case gives the desktop.
    let (s, home) = hq
        .post("/api/ui/staff_home/", Some(&admin), json!(null))
        .await;
    assert_eq!(s, StatusCode::OK, "{home}");
    let direct = serde_json::to_value(hq.app.staff_home(&admin).await.unwrap()).unwrap();
    assert_eq!(home, direct);

    // A teacher made from the browser exists, and can sign in.
    let (s, v) = hq
        .post(
            "/api/ui/create_user/",
            Some(&admin),
            json!({"username": "tara", "display_name": "Tara Teacher",
                   "password": "teacher-pass-1", "role": "teacher"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let tara = hq.db.store.user_by_username("tara").await.unwrap().unwrap();
    assert_eq!(tara.display_name, "Tara Teacher");
    let (s, v) = hq
        .post(
            "/api/ui/list_users/",
            Some(&admin),
            json!({"search": "tar"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");

    // Bad input is refused by name, and changes nothing.
    let (s, v) = hq
        .post(
            "/api/ui/create_user/",
            Some(&admin),
            json!({"username": "x", "display_name": "X", "password": "long-enough-1", "role": "teacher"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["field"], "username", "{v}");
    assert!(hq.db.store.user_by_username("x").await.unwrap().is_none());
    let (s, v) = hq
        .post("/api/ui/create_user/", Some(&admin), json!({"username": 7}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("create_user: line 1"),
        "{v}"
    );

    // Role checks stay in the use cases: a candidate is refused staff commands,
    // and the exam itself stays on the desktop.
    let (s, v) = hq
        .post(
            "/api/ui/login/",
            None,
            json!({"username": "ann", "password": STUDENT_PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let ann = v["token"].as_str().unwrap().to_owned();
    let (s, v) = hq.post("/api/ui/list_users/", Some(&ann), json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = hq.post("/api/ui/my_exams/", Some(&ann), json!(null)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    // A report comes back as the file itself, to download.
    let resp = hq
        .http
        .post(format!("{}/api/ui/print_login_slips/", hq.base))
        .bearer_auth(&admin)
        .json(
            &json!([{"user_id": tara.id, "username": "tara", "display_name": "Tara Teacher",
                        "candidate_number": null, "password": "slip-pass-1"}]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    let pdf = resp.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    let (s, v) = hq
        .post("/api/ui/print_login_slips/", Some(&ann), json!([]))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

    // HQ's screen: a token issued, listed by its hash (never the token), and
    // withdrawn: it stops working at once; withdrawing it again is refused.
    let (s, v) = hq
        .post(
            "/api/ui/create_enrolment/",
            Some(&admin),
            json!({"centre": "north"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let issued = v["token"].as_str().unwrap().to_owned();
    let (s, o) = hq
        .post("/api/ui/hq_overview/", Some(&admin), json!(null))
        .await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(o["is_hq"], true);
    assert_eq!(o["centres"], json!([]), "no device and no package yet");
    let listed = o["tokens"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{o}");
    assert!(
        !o.to_string().contains(&issued),
        "the token itself is never listed"
    );
    let id = listed[0]["id"].as_str().unwrap().to_owned();
    let (s, v) = hq
        .post("/api/ui/withdraw_enrolment_token/", Some(&ann), json!(id))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = hq
        .post("/api/ui/withdraw_enrolment_token/", Some(&admin), json!(id))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = hq
        .post("/api/ui/withdraw_enrolment_token/", Some(&admin), json!(id))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = hq
        .post(
            "/api/sync/enrol/",
            None,
            json!({"token": issued, "device_public_key": "00".repeat(32), "device_name": "late"}),
        )
        .await;
    assert!(
        s.is_client_error(),
        "a withdrawn token enrols nothing: {s} {v}"
    );
    assert!(hq.db.store.devices(None).await.unwrap().is_empty());

    // Signing out ends the session for the browser too.
    let (s, _) = hq.post("/api/ui/logout/", Some(&admin), json!(null)).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = hq
        .post("/api/ui/staff_home/", Some(&admin), json!(null))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}
