//! The room over HTTP, on both database backends: the hub (HQ here) runs the
//! session through its room API; a lab desktop (its own SQLite file) follows it
//! through its heartbeat: the opening, a pause, an extension, a lock after a
//! restart answered with an offline unlock code, a downtime credit, and the
//! attempt's arrival at the hub with the same projection the desktop holds.

use crate::common::{Desk, Hq, Hub, STUDENT_PASSWORD};
use examhall_app::{App, AppError};
use examhall_protocol::room::SessionRef;
use examhall_protocol::room::UnlockSeat;
use examhall_protocol::sync::{EnrolDesktop, OpenPackage};
use examhall_protocol::{AttemptRef, LoginRequest, StartAttempt};
use examhall_testkit::{on_both_backends, TestBackend};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    a_desktop_follows_the_hubs_room_session,
    a_relay_hub_runs_the_room_and_forwards_its_results,
    a_seat_speaks_only_for_its_own_attempt_and_credits_are_capped_by_what_the_hub_saw,
    hq_reconciles_every_roster_line_from_the_rooms_reports,
    an_attempt_voided_for_misconduct_is_kept_graded_and_counts_for_nothing
);

async fn candidate(app: &App) -> String {
    app.login(LoginRequest {
        username: "ann".into(),
        password: STUDENT_PASSWORD.into(),
    })
    .await
    .unwrap()
    .token
}

async fn a_desktop_follows_the_hubs_room_session(backend: TestBackend) {
    let (hq, exam) = Hq::start(backend).await;
    hq.student("ann").await;
    let pkg = hq.publish(exam, "north", &["ann"]).await;
    let desk = Desk::new().await;
    desk.app
        .enrol_with_hq(
            &desk.admin,
            EnrolDesktop {
                server_url: hq.base.clone(),
                token: hq.enrolment("north").await.token,
                device_name: "Lab 2, seat 7".into(),
            },
        )
        .await
        .unwrap();
    desk.app.sync_round().await.unwrap();

    // A planned session: the desktop learns of it and refuses to open the exam.
    let (st, s) = hq
        .post(
            "/api/room/sessions/",
            Some(&hq.admin),
            json!({"exam_id": exam, "room": "Lab 2", "seats": 30, "late_start_minutes": 15}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{s}");
    let sid = s["session_id"].as_i64().unwrap();
    assert_eq!(s["package_id"], pkg.package_id.as_str());
    let (st, bad) = hq
        .post(
            "/api/room/sessions/",
            Some(&hq.admin),
            json!({"exam_id": exam, "room": "Lab 3", "seats": 30, "colour": "red"}),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}");
    let (st, c) = hq
        .post("/api/room/check-in/", Some(&hq.admin), json!({"session_id": sid, "username": "ann", "attendance": "present", "id_checked": true, "seat": "7"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    desk.app.room_round().await.unwrap();
    let ann = candidate(&desk.app).await;
    assert!(
        desk.app.my_exams(&ann).await.unwrap().is_empty(),
        "nothing to start before the opening"
    );

    // Open: the desktop opens its package with the code the hub sends.
    let (st, opened) = hq
        .post(
            "/api/room/open/",
            Some(&hq.admin),
            json!({"session_id": sid}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{opened}");
    assert_eq!(opened["start_code"], pkg.start_code.as_str());
    desk.app.room_round().await.unwrap();
    let card = desk.app.my_exams(&ann).await.unwrap().remove(0);
    let view = desk
        .app
        .start_attempt(
            &ann,
            StartAttempt {
                exam_id: card.exam_id,
                start_code: pkg.start_code.clone(),
            },
        )
        .await
        .unwrap();
    let r = || AttemptRef {
        attempt_id: view.attempt_id.clone(),
    };
    desk.app.room_round().await.unwrap();
    let (_, c) = hq
        .get(&format!("/api/room/sessions/{sid}/"), &hq.admin)
        .await;
    let seat = &c["seats"][0];
    assert_eq!(seat["progress"]["status"], "in_progress", "{c}");
    assert_eq!(seat["device"], "Lab 2, seat 7");
    assert_eq!(seat["seat"], "7");

    // Pause and extend from the console; the desktop applies each once.
    desk.clock.advance_secs(60);
    hq.clock.advance_secs(60);
    let (st, ack) = hq
        .post(
            "/api/room/actions/",
            Some(&hq.admin),
            json!({"session_id": sid, "kind": "pause", "reason": "fire alarm"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{ack}");
    let (_, ext) = hq
        .post("/api/room/actions/", Some(&hq.admin), json!({"session_id": sid, "username": "ann", "kind": "extend", "minutes": 10, "reason": "toilet emergency"}))
        .await;
    assert!(ext["command_id"].as_i64().unwrap() > ack["command_id"].as_i64().unwrap());
    assert!(desk.app.room_round().await.unwrap() >= 2);
    assert_eq!(
        desk.app.room_round().await.unwrap(),
        0,
        "commands apply once"
    );
    let clock = desk.app.heartbeat(&ann, r()).await.unwrap();
    assert!(clock.paused);
    assert_eq!(clock.allowed_ms, 30 * 60_000 + 600_000);
    desk.clock.advance_secs(120);
    hq.post(
        "/api/room/actions/",
        Some(&hq.admin),
        json!({"session_id": sid, "kind": "resume", "reason": "all clear"}),
    )
    .await;
    desk.app.room_round().await.unwrap();
    let clock = desk.app.heartbeat(&ann, r()).await.unwrap();
    assert_eq!(
        clock.remaining_ms,
        30 * 60_000 + 600_000 - 60_000,
        "the 2 paused minutes cost nothing"
    );

    // The seat loses power for 40 s: it comes back locked; offline, the console's
    // answer to its challenge unlocks it.
    desk.clock.advance_secs(40);
    let restarted = App::new(desk.db.store.clone(), desk.clock.clone());
    let ann2 = candidate(&restarted).await;
    assert!(
        restarted
            .open_attempt(&ann2, r())
            .await
            .unwrap()
            .clock
            .locked
    );
    let challenge = restarted.lock_info(&ann2, r()).await.unwrap().challenge;
    let (st, code) = hq
        .post(
            "/api/room/unlock-code/",
            Some(&hq.admin),
            json!({"session_id": sid, "challenge": challenge}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{code}");
    let wrong = restarted
        .unlock_seat(
            &ann2,
            UnlockSeat {
                attempt_id: view.attempt_id.clone(),
                code: "ZZZZZZ".into(),
            },
        )
        .await;
    assert!(matches!(wrong, Err(AppError::Invalid { .. })), "{wrong:?}");
    restarted
        .unlock_seat(
            &ann2,
            UnlockSeat {
                attempt_id: view.attempt_id.clone(),
                code: code["response"].as_str().unwrap().into(),
            },
        )
        .await
        .unwrap();
    restarted.room_round().await.unwrap();
    let (_, c) = hq
        .get(&format!("/api/room/sessions/{sid}/"), &hq.admin)
        .await;
    let ledger = c["ledger"].as_array().unwrap();
    assert_eq!(ledger.len(), 1, "{c}");
    assert_eq!(
        (ledger[0]["gap_ms"].as_i64(), ledger[0]["minutes"].as_i64()),
        (Some(40_000), Some(1))
    );
    let (st, c) = hq
        .post("/api/room/credits/", Some(&hq.admin), json!({"session_id": sid, "attempt_id": view.attempt_id, "gap_seq": ledger[0]["gap_seq"], "accept": true}))
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    restarted.room_round().await.unwrap();
    assert_eq!(
        restarted.heartbeat(&ann2, r()).await.unwrap().allowed_ms,
        30 * 60_000 + 600_000 + 60_000,
        "the downtime credit arrived"
    );

    // The console hands her in (issue 17, point 3): the seat applies the
    // command with its next heartbeat, its chain records who handed it in, and
    // the grading job comes with it; the hub then holds the attempt with the
    // desktop's projection.
    let (st, ack) = hq
        .post("/api/room/actions/", Some(&hq.admin), json!({"session_id": sid, "username": "ann", "kind": "submit", "reason": "end of her session (medical)"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{ack}");
    assert!(restarted.room_round().await.unwrap() >= 1);
    let events = desk.db.store.events(&view.attempt_id).await.unwrap();
    assert!(
        events
            .last()
            .is_some_and(|e| e.payload.contains("\"reason\":\"invigilator\"")),
        "{:?}",
        events.last()
    );
    let w = restarted.worker();
    while !matches!(w.try_run_next().await.unwrap(), examhall_app::Outcome::Idle) {}
    restarted.sync_round().await.unwrap();
    let here = desk
        .db
        .store
        .attempt(&view.attempt_id)
        .await
        .unwrap()
        .unwrap();
    let there = hq
        .db
        .store
        .attempt(&view.attempt_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            there.credited_ms,
            there.excluded_ms,
            there.paused_at,
            there.locked_seq,
            there.head_seq
        ),
        (
            here.credited_ms,
            here.excluded_ms,
            here.paused_at,
            here.locked_seq,
            here.head_seq
        ),
        "HQ projects the room events as the desktop did"
    );
    assert_eq!(here.credited_ms, 660_000);
    assert_eq!(here.excluded_ms, 120_000);
    restarted.room_round().await.unwrap();
    let (st, closed) = hq
        .post(
            "/api/room/close/",
            Some(&hq.admin),
            json!({"session_id": sid}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{closed}");
    let (_, c) = hq
        .get(&format!("/api/room/sessions/{sid}/"), &hq.admin)
        .await;
    let kinds: Vec<&str> = c["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "check_in",
            "opened",
            "pause",
            "extend",
            "resume",
            "unlock_code",
            "extend",
            "submit",
            "closed"
        ]
    );

    // A seat of another centre hears nothing of this room (nor its secret).
    let south = Desk::new().await;
    south
        .app
        .enrol_with_hq(
            &south.admin,
            EnrolDesktop {
                server_url: hq.base.clone(),
                token: hq.enrolment("south").await.token,
                device_name: "South, seat 1".into(),
            },
        )
        .await
        .unwrap();
    let heard = |token: String| {
        let hq = &hq;
        async move {
            let (st, v) = hq
                .post(
                    "/api/sync/room/",
                    Some(&token),
                    json!({"attempts": [], "cursors": []}),
                )
                .await;
            assert_eq!(st, StatusCode::OK, "{v}");
            v["sessions"].as_array().unwrap().len()
        }
    };
    let token_of = |d: &Desk| {
        let store = d.db.store.clone();
        async move { store.enrolment().await.unwrap().unwrap().device_secret }
    };
    assert_eq!(
        heard(token_of(&desk).await).await,
        1,
        "the room's own seat hears of it"
    );
    assert_eq!(
        heard(token_of(&south).await).await,
        0,
        "another centre's seat does not"
    );

    // The heartbeat needs a device's token, and a well-formed body.
    let (st, _) = hq
        .post(
            "/api/sync/room/",
            Some("nobody.secret"),
            json!({"attempts": [], "cursors": []}),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

/// A centre hub (relaying to HQ) runs the room: the invigilator opens HQ's package
/// on the hub with its code, the room session follows the package to the seat,
/// and the seat's result goes up through the hub to HQ.
async fn a_relay_hub_runs_the_room_and_forwards_its_results(backend: TestBackend) {
    let (hq, exam) = Hq::start(backend).await;
    hq.student("ann").await;
    let pkg = hq.publish(exam, "north", &["ann"]).await;
    let hub = Hub::start(&hq, &hq.enrolment("north").await.token).await;
    hub.app.sync_round().await.unwrap();
    let wrong = hub
        .app
        .open_package(
            &hub.admin,
            OpenPackage {
                package_id: pkg.package_id.clone(),
                start_code: "AAAAAA".into(),
            },
        )
        .await;
    assert!(wrong.is_err(), "a wrong code opens nothing");
    let session = hub.room_for(&pkg).await;
    assert_eq!(session.package_id.as_deref(), Some(pkg.package_id.as_str()));

    let desk = Desk::new().await;
    desk.app
        .enrol_with_hq(
            &desk.admin,
            EnrolDesktop {
                server_url: hub.base.clone(),
                token: hq.enrolment_via("north", &hub).await.token,
                device_name: "Hall A, seat 1".into(),
            },
        )
        .await
        .unwrap();
    desk.app.sync_round().await.unwrap();
    desk.app.room_round().await.unwrap();
    let ann = candidate(&desk.app).await;
    assert!(
        desk.app.my_exams(&ann).await.unwrap().is_empty(),
        "planned: nothing to start"
    );
    hub.app
        .open_room_session(
            &hub.admin,
            SessionRef {
                session_id: session.session_id,
            },
        )
        .await
        .unwrap();
    desk.app.room_round().await.unwrap();
    let card = desk.app.my_exams(&ann).await.unwrap().remove(0);
    // The session gates the start on check-in: the seat refuses Ann, and the
    // hub's console learns who tried, and where.
    let refused = desk
        .app
        .start_attempt(
            &ann,
            StartAttempt {
                exam_id: card.exam_id,
                start_code: pkg.start_code.clone(),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(refused, AppError::NotCheckedIn), "{refused:?}");
    desk.app.room_round().await.unwrap();
    let console = hub
        .app
        .room_console(
            &hub.admin,
            SessionRef {
                session_id: session.session_id,
            },
        )
        .await
        .unwrap();
    let tried: Vec<_> = console
        .refused
        .iter()
        .map(|r| (r.username.as_str(), r.reason.as_str(), r.device.as_deref()))
        .collect();
    assert_eq!(tried, [("ann", "not checked in", Some("Hall A, seat 1"))]);
    desk.app.room_round().await.unwrap();
    let again = hub
        .app
        .room_console(
            &hub.admin,
            SessionRef {
                session_id: session.session_id,
            },
        )
        .await
        .unwrap();
    assert_eq!(again.refused.len(), 1, "a refusal is reported once");
    hub.app
        .check_in(
            &hub.admin,
            examhall_protocol::room::CheckIn {
                session_id: session.session_id,
                username: "ann".into(),
                attendance: examhall_domain::room::Attendance::Present,
                id_checked: true,
                seat: None,
            },
        )
        .await
        .unwrap();
    desk.app.room_round().await.unwrap();
    let view = desk
        .app
        .start_attempt(
            &ann,
            StartAttempt {
                exam_id: card.exam_id,
                start_code: pkg.start_code.clone(),
            },
        )
        .await
        .unwrap();
    desk.app.room_round().await.unwrap();
    let console = || async {
        hub.app
            .room_console(
                &hub.admin,
                SessionRef {
                    session_id: session.session_id,
                },
            )
            .await
            .unwrap()
    };
    assert_eq!(console().await.seats[0].copy, None, "nothing copied yet");
    // Copy as you go: the console shows how far the hub's copy is.
    desk.app.copy_round().await.unwrap();
    let copy = console().await.seats[0].copy.clone().expect("a copy");
    let reported = console().await.seats[0].progress.as_ref().unwrap().head_seq;
    assert!(reported > 0);
    assert_eq!((copy.held_seq, copy.behind), (reported, 0));
    desk.app
        .submit(
            &ann,
            AttemptRef {
                attempt_id: view.attempt_id.clone(),
            },
        )
        .await
        .unwrap();
    desk.grade_all().await;
    // The seat's last heartbeat said "in progress"; it hands in, its result
    // reaches the hub, and it goes dark (switched off, or a headless seat that
    // exits) without another heartbeat. The hub learns the hand-in from the
    // result it holds.
    desk.app.sync_round().await.unwrap();
    let c = hub
        .app
        .room_console(
            &hub.admin,
            SessionRef {
                session_id: session.session_id,
            },
        )
        .await
        .unwrap();
    assert_eq!(c.seats[0].device.as_deref(), Some("Hall A, seat 1"));
    assert_eq!(
        c.seats[0].progress.as_ref().map(|p| p.status),
        Some(examhall_protocol::AttemptStatus::Graded)
    );
    hub.app
        .close_room_session(
            &hub.admin,
            examhall_protocol::room::CloseRoomSession {
                session_id: session.session_id,
                accounted: vec![],
            },
        )
        .await
        .expect("every candidate is accounted for");
    // Up through the hub to HQ.
    hub.app.sync_round().await.unwrap();
    let at_hq = hq.db.store.attempt(&view.attempt_id).await.unwrap();
    assert!(at_hq.is_some(), "HQ holds the room's attempt");
}

/// A seat's heartbeat report for `ann`, as the seat would send it.
fn report(
    package: &str,
    attempt: &str,
    status: &str,
    gaps: serde_json::Value,
) -> serde_json::Value {
    json!({"attempts": [{
        "package_id": package, "username": "ann", "attempt_id": attempt, "status": status,
        "answered": 1, "total": 3, "flagged": 0, "last_saved_at_ms": null,
        "remaining_ms": 1_000_000, "paused": false, "locked": false, "focus_lost": 0,
        "close_asked": 0, "gaps": gaps
    }], "cursors": []})
}

/// Issue 16, point 2 (the room). Before the fix any enrolled seat of the centre
/// could overwrite another candidate's line on the console, and a seat claiming
/// an hour of downtime was offered an hour of credit, whatever the hub had seen.
async fn a_seat_speaks_only_for_its_own_attempt_and_credits_are_capped_by_what_the_hub_saw(
    backend: TestBackend,
) {
    let (hq, exam) = Hq::start(backend).await;
    hq.student("ann").await;
    let pkg = hq.publish(exam, "north", &["ann"]).await;
    let mut tokens = Vec::new();
    for name in ["Lab 2, seat 1", "Lab 2, seat 2"] {
        let d = Desk::new().await;
        d.app
            .enrol_with_hq(
                &d.admin,
                EnrolDesktop {
                    server_url: hq.base.clone(),
                    token: hq.enrolment("north").await.token,
                    device_name: name.into(),
                },
            )
            .await
            .unwrap();
        tokens.push(d.db.store.enrolment().await.unwrap().unwrap().device_secret);
    }
    let (st, s) = hq
        .post(
            "/api/room/sessions/",
            Some(&hq.admin),
            json!({"exam_id": exam, "room": "Lab 2", "seats": 30}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{s}");
    let sid = s["session_id"].as_i64().unwrap();
    let (st, v) = hq
        .post(
            "/api/room/open/",
            Some(&hq.admin),
            json!({"session_id": sid}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let beat = |token: &str, body: serde_json::Value| {
        let (hq, token) = (&hq, token.to_owned());
        async move {
            let (st, v) = hq.post("/api/sync/room/", Some(&token), body).await;
            assert_eq!(st, StatusCode::OK, "{v}");
        }
    };
    let p = pkg.package_id.as_str();
    beat(&tokens[0], report(p, "att-ann", "in_progress", json!([]))).await;
    // Two minutes of silence seen by the hub, then the seat claims an hour.
    hq.clock.advance_secs(120);
    beat(
        &tokens[0],
        report(
            p,
            "att-ann",
            "in_progress",
            json!([{"seq": 5, "gap_ms": 3_600_000}]),
        ),
    )
    .await;
    // Another seat speaks for Ann: it is not heard.
    beat(&tokens[1], report(p, "att-forged", "submitted", json!([]))).await;

    let (_, c) = hq
        .get(&format!("/api/room/sessions/{sid}/"), &hq.admin)
        .await;
    let seat = &c["seats"][0];
    assert_eq!(seat["device"], "Lab 2, seat 1", "{c}");
    assert_eq!(seat["progress"]["attempt_id"], "att-ann", "{c}");
    assert_eq!(seat["progress"]["status"], "in_progress", "{c}");
    let proposal = &c["ledger"][0];
    assert_eq!(proposal["attempt_id"], "att-ann", "{c}");
    let gap = proposal["gap_ms"].as_i64().unwrap();
    assert!(
        gap <= 125_000,
        "capped by the 120 s the hub heard nothing (plus a heartbeat's slack): {gap}"
    );
    assert!(proposal["minutes"].as_i64().unwrap() <= 3, "{proposal}");
}

/// Issue 17, point 5: the relay hub's room reports itself up to HQ (over the
/// link, and as a file on a stick), and HQ accounts for every line of the
/// package's roster with the evidence: a graded attempt it holds, a candidate
/// marked absent, one still in progress at a seat (with how far the room's copy
/// goes), one never started; complete only once the room has closed with every
/// candidate accounted for. A tampered report changes nothing.
async fn hq_reconciles_every_roster_line_from_the_rooms_reports(backend: TestBackend) {
    use examhall_protocol::sync::ReconStatus;
    let (hq, exam) = Hq::start(backend).await;
    for s in ["ann", "bob", "cid", "dan"] {
        hq.student(s).await;
    }
    let pkg = hq
        .publish(exam, "north", &["ann", "bob", "cid", "dan"])
        .await;
    let hub = Hub::start(&hq, &hq.enrolment("north").await.token).await;
    hub.app.sync_round().await.unwrap();
    let session = hub.room_for(&pkg).await;
    let sid = SessionRef {
        session_id: session.session_id,
    };
    hub.app
        .open_room_session(&hub.admin, sid.clone())
        .await
        .unwrap();
    // Before any room has spoken, HQ can account for nobody.
    let r = hq.app.reconcile(&hq.admin, &pkg.package_id).await.unwrap();
    assert_eq!(r.lines.len(), 4);
    assert!(r
        .lines
        .iter()
        .all(|l| l.status == ReconStatus::Missing && !l.accounted));
    assert!(!r.complete);

    let mut desks = Vec::new();
    for name in ["Hall A, seat 1", "Hall A, seat 2"] {
        let d = Desk::new().await;
        d.app
            .enrol_with_hq(
                &d.admin,
                EnrolDesktop {
                    server_url: hub.base.clone(),
                    token: hq.enrolment_via("north", &hub).await.token,
                    device_name: name.into(),
                },
            )
            .await
            .unwrap();
        d.app.sync_round().await.unwrap();
        desks.push(d);
    }
    for (who, attendance) in [
        ("ann", examhall_domain::room::Attendance::Present),
        ("cid", examhall_domain::room::Attendance::Present),
        ("bob", examhall_domain::room::Attendance::Absent),
    ] {
        hub.app
            .check_in(
                &hub.admin,
                examhall_protocol::room::CheckIn {
                    session_id: session.session_id,
                    username: who.into(),
                    attendance,
                    id_checked: true,
                    seat: None,
                },
            )
            .await
            .unwrap();
    }
    for d in &desks {
        d.app.room_round().await.unwrap();
    }
    let exam_here = {
        let ann = candidate(&desks[0].app).await;
        desks[0].app.my_exams(&ann).await.unwrap().remove(0).exam_id
    };
    let ann_attempt = desks[0].sit("ann", exam_here, &pkg.start_code, "42").await;
    desks[0].grade_all().await;
    // Cid starts on seat 2 and answers once; the room's copy follows.
    let cid = desks[1]
        .app
        .login(LoginRequest {
            username: "cid".into(),
            password: STUDENT_PASSWORD.into(),
        })
        .await
        .unwrap()
        .token;
    let cid_view = desks[1]
        .app
        .start_attempt(
            &cid,
            StartAttempt {
                exam_id: exam_here,
                start_code: pkg.start_code.clone(),
            },
        )
        .await
        .unwrap();
    desks[1]
        .app
        .set_answer(
            &cid,
            examhall_protocol::SetAnswer {
                attempt_id: cid_view.attempt_id.clone(),
                question_id: "q1".into(),
                answer: Some(examhall_protocol::Answer::Text("B".into())),
            },
        )
        .await
        .unwrap();
    for d in &desks {
        d.app.copy_round().await.unwrap();
        d.app.room_round().await.unwrap();
        d.app.sync_round().await.unwrap();
    }
    // The hub forwards Ann's result and reports the room.
    let round = hub.app.sync_round().await.unwrap();
    assert_eq!(round.room_reports, 1, "{round:?}");
    let again = hub.app.sync_round().await.unwrap();
    assert_eq!(again.room_reports, 0, "an unchanged room is not sent again");
    let r = hq.app.reconcile(&hq.admin, &pkg.package_id).await.unwrap();
    let line = |r: &examhall_protocol::sync::Reconciliation, u: &str| {
        r.lines.iter().find(|l| l.username == u).unwrap().clone()
    };
    let ann = line(&r, "ann");
    assert_eq!(ann.status, ReconStatus::Graded, "{ann:?}");
    assert_eq!(ann.attempt_id.as_deref(), Some(ann_attempt.as_str()));
    assert!(ann.accounted);
    let bob = line(&r, "bob");
    assert_eq!(
        (bob.status, bob.accounted),
        (ReconStatus::Absent, true),
        "{bob:?}"
    );
    let c = line(&r, "cid");
    assert_eq!(
        (c.status, c.accounted),
        (ReconStatus::InProgress, false),
        "{c:?}"
    );
    assert_eq!(c.attempt_id.as_deref(), Some(cid_view.attempt_id.as_str()));
    assert!(
        c.evidence.contains("Hall A, seat 2") && c.evidence.contains("copy holds"),
        "{c:?}"
    );
    let d = line(&r, "dan");
    assert_eq!(
        (d.status, d.accounted),
        (ReconStatus::NeverStarted, false),
        "{d:?}"
    );
    assert!(!r.complete);
    assert_eq!(r.rooms.len(), 1);
    assert_eq!(
        (r.rooms[0].room.as_str(), r.rooms[0].state.as_str()),
        ("Hall A", "open")
    );
    assert!(!r.rooms[0].complete);
    assert!(
        r.rooms[0].log_lines > 0,
        "the room log travels with the report"
    );

    // Cid hands in; the room closes with Dan accounted for.
    desks[1]
        .app
        .submit(
            &cid,
            AttemptRef {
                attempt_id: cid_view.attempt_id.clone(),
            },
        )
        .await
        .unwrap();
    desks[1].grade_all().await;
    desks[1].app.room_round().await.unwrap();
    desks[1].app.sync_round().await.unwrap();
    // A stick in the hub: the room's account goes on it while the room is open…
    let stick = tempfile::tempdir().unwrap();
    let mut memory = examhall_app::stick::StickMemory::default();
    let r = hub
        .app
        .stick_round(stick.path(), true, &mut memory)
        .await
        .unwrap();
    assert_eq!(r.exported, Some(0), "{r:?}");
    let r = hub
        .app
        .stick_round(stick.path(), false, &mut memory)
        .await
        .unwrap();
    assert_eq!(r.exported, None, "nothing changed, nothing written");
    hub.app
        .close_room_session(
            &hub.admin,
            examhall_protocol::room::CloseRoomSession {
                session_id: session.session_id,
                accounted: vec![examhall_protocol::room::AccountedFor {
                    username: "dan".into(),
                    reason: "did not come; no answer on the phone".into(),
                }],
            },
        )
        .await
        .unwrap();
    // …and again once it has closed. A tampered copy is refused at HQ and
    // changes nothing; the true one is taken.
    let r = hub
        .app
        .stick_round(stick.path(), false, &mut memory)
        .await
        .unwrap();
    assert_eq!(
        r.exported,
        Some(0),
        "the closed room is written again: {r:?}"
    );
    let rooms: Vec<_> = std::fs::read_dir(stick.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "exhroom"))
        .collect();
    assert_eq!(rooms.len(), 1, "{rooms:?}");
    let file = rooms[0].clone();
    let text = std::fs::read_to_string(&file).unwrap();
    let forged = stick.path().join("forged.exhroom");
    std::fs::write(&forged, text.replace("did not come", "sat the exam")).unwrap();
    assert!(
        hq.app.ingest_file(&forged).await.is_err(),
        "a tampered report is refused"
    );
    let r = hq.app.reconcile(&hq.admin, &pkg.package_id).await.unwrap();
    assert!(
        !line(&r, "dan").accounted,
        "the forged report changed nothing"
    );
    match hq.app.ingest_file(&file).await.unwrap() {
        examhall_app::sync::IngestedFile::RoomReport(ack) => assert!(ack.stored),
        other => panic!("{other:?}"),
    }
    // And over the link, with Cid's result.
    hub.app.sync_round().await.unwrap();
    let r = hq.app.reconcile(&hq.admin, &pkg.package_id).await.unwrap();
    assert_eq!(line(&r, "cid").status, ReconStatus::Graded);
    let d = line(&r, "dan");
    assert_eq!(
        (d.status, d.accounted),
        (ReconStatus::NeverStarted, true),
        "{d:?}"
    );
    assert!(d.evidence.contains("did not come"), "{d:?}");
    assert!(r.complete, "{r:#?}");
    assert!(
        r.rooms[0].complete && r.rooms[0].state == "closed",
        "{r:#?}"
    );
    // Through the REST API, for the administrator only.
    let (st, v) = hq
        .get(
            &format!("/api/sync/packages/{}/reconciliation/", pkg.package_id),
            &hq.admin,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["complete"], true);
    let student = hq.login("ann", STUDENT_PASSWORD).await;
    let (st, _) = hq
        .get(
            &format!("/api/sync/packages/{}/reconciliation/", pkg.package_id),
            &student,
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

/// Issue 17, point 3: the console voids a running attempt for misconduct (the
/// seat hands it in with `voided {reason}` in its chain; it is graded and kept,
/// and reaches HQ marked void); HQ's administrator voids a handed-in one after
/// the fact. A void attempt never passes and counts in no statistic.
async fn an_attempt_voided_for_misconduct_is_kept_graded_and_counts_for_nothing(
    backend: TestBackend,
) {
    use examhall_domain::AttemptEvent;
    use examhall_protocol::room::{CheckIn, RoomAction};
    let (hq, exam) = Hq::start(backend).await;
    for s in ["ann", "bob", "cid"] {
        hq.student(s).await;
    }
    let pkg = hq.publish(exam, "north", &["ann", "bob", "cid"]).await;
    let hub = Hub::start(&hq, &hq.enrolment("north").await.token).await;
    hub.app.sync_round().await.unwrap();
    let session = hub.room_for(&pkg).await.session_id;
    hub.app
        .open_room_session(
            &hub.admin,
            SessionRef {
                session_id: session,
            },
        )
        .await
        .unwrap();
    for who in ["ann", "bob", "cid"] {
        hub.app
            .check_in(
                &hub.admin,
                CheckIn {
                    session_id: session,
                    username: who.into(),
                    attendance: examhall_domain::room::Attendance::Present,
                    id_checked: true,
                    seat: None,
                },
            )
            .await
            .unwrap();
    }
    let desk = Desk::new().await;
    desk.app
        .enrol_with_hq(
            &desk.admin,
            EnrolDesktop {
                server_url: hub.base.clone(),
                token: hq.enrolment_via("north", &hub).await.token,
                device_name: "Hall A, seat 1".into(),
            },
        )
        .await
        .unwrap();
    desk.app.sync_round().await.unwrap();
    desk.app.room_round().await.unwrap();
    let ann = candidate(&desk.app).await;
    let exam_here = desk.app.my_exams(&ann).await.unwrap().remove(0).exam_id;
    let view = desk
        .app
        .start_attempt(
            &ann,
            StartAttempt {
                exam_id: exam_here,
                start_code: pkg.start_code.clone(),
            },
        )
        .await
        .unwrap();
    desk.app
        .set_answer(
            &ann,
            examhall_protocol::SetAnswer {
                attempt_id: view.attempt_id.clone(),
                question_id: "q1".into(),
                answer: Some(examhall_protocol::Answer::Text("B".into())),
            },
        )
        .await
        .unwrap();
    desk.app.room_round().await.unwrap();

    // The console voids one candidate at a time, with a reason.
    let void = |username: Option<&str>, reason: &str| RoomAction {
        session_id: session,
        username: username.map(str::to_owned),
        kind: examhall_domain::room::CommandKind::Void,
        minutes: None,
        reason: reason.into(),
    };
    assert!(hub
        .app
        .room_action(&hub.admin, void(None, "everyone"))
        .await
        .is_err());
    assert!(hub
        .app
        .room_action(&hub.admin, void(Some("ann"), "  "))
        .await
        .is_err());
    hub.app
        .room_action(
            &hub.admin,
            void(Some("ann"), "phone out under the desk, seen by J. Smith"),
        )
        .await
        .unwrap();
    desk.app.room_round().await.unwrap();
    desk.grade_all().await;
    let at_seat = desk
        .db
        .store
        .attempt(&view.attempt_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(at_seat.status, examhall_protocol::AttemptStatus::Graded);
    assert_eq!(
        at_seat.void_reason.as_deref(),
        Some("phone out under the desk, seen by J. Smith")
    );
    let kinds: Vec<AttemptEvent> = desk
        .db
        .store
        .events_after(&view.attempt_id, 0, 1000)
        .await
        .unwrap()
        .iter()
        .map(|e| serde_json::from_str(&e.payload).unwrap())
        .collect();
    let tail: Vec<&str> = kinds
        .iter()
        .rev()
        .take(3)
        .rev()
        .map(|e| e.type_name())
        .collect();
    assert_eq!(tail, ["voided", "submitted", "graded"], "{kinds:?}");
    // Ann sees her result is void.
    let mine = desk
        .app
        .attempt_result(
            &ann,
            AttemptRef {
                attempt_id: view.attempt_id.clone(),
            },
        )
        .await
        .unwrap();
    assert!(mine.void_reason.is_some());

    // Bob and Cid sit normally; everything goes up to HQ.
    let bob = desk.sit("bob", exam_here, &pkg.start_code, "42").await;
    desk.sit("cid", exam_here, &pkg.start_code, "42").await;
    desk.grade_all().await;
    desk.app.sync_round().await.unwrap();
    hub.app.sync_round().await.unwrap();
    let at_hq = hq
        .db
        .store
        .attempt(&view.attempt_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        at_hq.void_reason.as_deref(),
        Some("phone out under the desk, seen by J. Smith"),
        "the void travels in the chain"
    );

    // At HQ, the administrator voids Bob's handed-in attempt after the fact.
    let (st, v) = hq
        .post(
            "/api/attempts/void/",
            Some(&hq.admin),
            json!({"attempt_id": bob, "reason": "copied from a neighbour's screen (CCTV)"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["passed"], false);
    let (st, v) = hq
        .post(
            "/api/attempts/void/",
            Some(&hq.admin),
            json!({"attempt_id": bob, "reason": "again"}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "voided once: {v}");
    let as_bob = hq.login("bob", STUDENT_PASSWORD).await;
    let (st, _) = hq
        .post(
            "/api/attempts/void/",
            Some(&as_bob),
            json!({"attempt_id": bob, "reason": "I regret"}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, rows) = hq.get(&format!("/api/results/{exam}/"), &hq.admin).await;
    assert_eq!(st, StatusCode::OK);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3, "void attempts are kept: {rows:?}");
    let voided: Vec<&str> = rows
        .iter()
        .filter(|r| r["void_reason"].is_string())
        .map(|r| r["username"].as_str().unwrap())
        .collect();
    assert_eq!(voided.len(), 2, "{rows:?}");
    assert!(rows
        .iter()
        .filter(|r| r["void_reason"].is_string())
        .all(|r| r["passed"] == false));
    // Statistics count Cid alone.
    let stats = hq.app.exam_analysis(&hq.admin, exam).await.unwrap();
    assert_eq!(stats.attempts, 1);
}
