//! Room set-up without HTTP by hand (issue 15, point 3), on both backends: the
//! hub's staff issue single-use seat tokens, a seat enrols with one, the hub
//! lists its seats (last seen, app version) and revokes one, and the console
//! publishes the session's exam to the seats as a signed package.

use crate::common::{Desk, Hq, STUDENT_PASSWORD};
use examhall_app::AppError;
use examhall_protocol::room::{CreateRoomSession, SessionRef};
use examhall_protocol::sync::{EnrolDesktop, IssueSeatTokens, RevokeDevice, SeatTokens};
use examhall_protocol::{LoginRequest, NewUser, Role, StartAttempt};
use examhall_testkit::{on_both_backends, TestBackend};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    the_staff_home_shows_the_centres_day,
    the_console_enrols_seats_and_publishes_the_exam_to_them,
    a_revoked_seat_is_refused_but_its_signed_results_still_count,
    seat_tokens_and_publishing_refuse_what_they_cannot_do
);

async fn staff(hq: &Hq, username: &str, role: Role) -> String {
    hq.app
        .create_user(
            &hq.admin,
            NewUser {
                username: username.into(),
                display_name: username.into(),
                password: "staff-password-1".into(),
                role,
                email: None,
                candidate_number: None,
            },
        )
        .await
        .unwrap();
    hq.login(username, "staff-password-1").await
}

/// A room session for `exam` with `ann` assigned, as the builder and the
/// console leave it.
async fn session_with_ann(hq: &Hq, exam: i64) -> i64 {
    let ann = hq.student("ann").await;
    hq.app.assign_exam(&hq.admin, exam, ann, 1.5).await.unwrap();
    hq.app
        .create_room_session(
            &hq.admin,
            CreateRoomSession {
                exam_id: exam,
                room: "Lab 2".into(),
                seats: 30,
                late_start_minutes: Some(15),
                check_in_required: false,
            },
        )
        .await
        .unwrap()
        .session_id
}

/// Ann signs in at the seat (her account came down with the package's roster).
async fn ann_at(seat: &Desk) -> String {
    seat.app
        .login(LoginRequest {
            username: "ann".into(),
            password: STUDENT_PASSWORD.into(),
        })
        .await
        .unwrap()
        .token
}

async fn enrol(desk: &Desk, hq: &Hq, token: &str, name: &str) -> Result<(), AppError> {
    desk.app
        .enrol_with_hq(
            &desk.admin,
            EnrolDesktop {
                server_url: hq.base.clone(),
                token: token.into(),
                device_name: name.into(),
            },
        )
        .await
        .map(|_| ())
}

async fn the_console_enrols_seats_and_publishes_the_exam_to_them(backend: TestBackend) {
    let (hq, exam) = Hq::start(backend).await;
    let ivan = staff(&hq, "ivan", Role::Invigilator).await;
    let sid = session_with_ann(&hq, exam).await;

    // The invigilator issues two tokens over REST; they pin the hub's certificate.
    let (st, v) = hq
        .post("/api/room/seat-tokens/", Some(&ivan), json!({"count": 2}))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let issued: SeatTokens = serde_json::from_value(v).unwrap();
    assert_eq!(issued.tokens.len(), 2);
    assert_ne!(issued.tokens[0], issued.tokens[1]);
    assert_eq!(issued.centre, examhall_app::LOCAL_CENTRE);
    assert_eq!(issued.fingerprint.as_deref(), Some(hq.tls.fingerprint()));
    assert_eq!(
        issued.expires_at_ms,
        examhall_testkit::FakeClock::EXAM_MORNING.0 + 24 * 3600 * 1000
    );
    for t in &issued.tokens {
        assert!(t.contains(hq.tls.fingerprint()), "{t}");
    }

    // A seat enrols with the first; the same token cannot enrol a second seat.
    let seat = Desk::new().await;
    enrol(&seat, &hq, &issued.tokens[0], "Lab 2, seat 7")
        .await
        .unwrap();
    let other = Desk::new().await;
    let again = enrol(&other, &hq, &issued.tokens[0], "Lab 2, seat 8").await;
    assert!(again.is_err(), "a used token enrols no second seat");
    enrol(&other, &hq, &issued.tokens[1], "Lab 2, seat 8")
        .await
        .unwrap();

    // Published from the console: the session's candidates, its open sitting.
    let (st, p) = hq
        .post(
            "/api/room/publish/",
            Some(&ivan),
            json!({"session_id": sid}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{p}");
    let package_id = p["package_id"].as_str().unwrap().to_owned();
    let code = p["start_code"].as_str().unwrap().to_owned();
    let console = hq
        .app
        .room_console(&ivan, SessionRef { session_id: sid })
        .await
        .unwrap();
    assert_eq!(
        console.session.package_id.as_deref(),
        Some(package_id.as_str())
    );
    assert!(
        console.log.iter().any(|l| l.kind == "published"),
        "{:?}",
        console.log
    );
    // Publishing again (a fix to the roster) keeps the sitting's start code.
    let again = hq
        .app
        .publish_to_room(&ivan, SessionRef { session_id: sid })
        .await
        .unwrap();
    assert_eq!(again.start_code, code, "one start code for the sitting");
    assert_ne!(again.package_id, package_id);

    // The seat takes the package and follows the room; the hub sees it.
    seat.app.sync_round().await.unwrap();
    seat.app.room_round().await.unwrap();
    let ann = ann_at(&seat).await;
    assert!(
        seat.app.my_exams(&ann).await.unwrap().is_empty(),
        "the room is not open yet"
    );
    hq.app
        .open_room_session(&ivan, SessionRef { session_id: sid })
        .await
        .unwrap();
    seat.app.room_round().await.unwrap();
    let cards = seat.app.my_exams(&ann).await.unwrap();
    assert_eq!(cards.len(), 1, "the published exam is on the seat");

    let (st, v) = hq.get("/api/sync/devices/", &ivan).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let rows = v.as_array().unwrap();
    let row = rows
        .iter()
        .find(|d| d["name"] == "Lab 2, seat 7")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(row["centre"], examhall_app::LOCAL_CENTRE);
    assert_eq!(row["app_version"], examhall_app::APP_VERSION, "{row}");
    assert_eq!(
        row["last_seen_at_ms"].as_i64(),
        Some(examhall_testkit::FakeClock::EXAM_MORNING.0)
    );
    assert!(row["revoked_at_ms"].is_null());
    let quiet = rows.iter().find(|d| d["name"] == "Lab 2, seat 8").unwrap();
    assert!(
        quiet["app_version"].is_null(),
        "seat 8 has not called: {quiet}"
    );
}

async fn a_revoked_seat_is_refused_but_its_signed_results_still_count(backend: TestBackend) {
    let (hq, exam) = Hq::start(backend).await;
    let sid = session_with_ann(&hq, exam).await;
    let issued = hq
        .app
        .issue_seat_tokens(&hq.admin, IssueSeatTokens { count: 1 })
        .await
        .unwrap();
    let seat = Desk::new().await;
    enrol(&seat, &hq, &issued.tokens[0], "Lab 2, seat 7")
        .await
        .unwrap();
    let p = hq
        .app
        .publish_to_room(&hq.admin, SessionRef { session_id: sid })
        .await
        .unwrap();
    hq.app
        .open_room_session(&hq.admin, SessionRef { session_id: sid })
        .await
        .unwrap();
    seat.app.sync_round().await.unwrap();
    seat.app.room_round().await.unwrap();
    // Ann sits while the seat is trusted; her result waits in the seat's outbox.
    let cards = seat.app.my_exams(&ann_at(&seat).await).await.unwrap();
    let attempt = seat.sit("ann", cards[0].exam_id, &p.start_code, "42").await;
    seat.grade_all().await;

    let id = hq
        .app
        .devices(&hq.admin)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.name == "Lab 2, seat 7")
        .unwrap()
        .device_id;
    let (st, v) = hq
        .post(
            "/api/sync/devices/revoke/",
            Some(&hq.admin),
            json!({"device_id": id}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(
        v["revoked_at_ms"].as_i64(),
        Some(examhall_testkit::FakeClock::EXAM_MORNING.0)
    );

    // From now on the hub refuses the seat's heartbeat and package pulls.
    let secret = seat
        .db
        .store
        .enrolment()
        .await
        .unwrap()
        .unwrap()
        .device_secret;
    let (st, v) = hq
        .post(
            "/api/sync/room/",
            Some(&secret),
            json!({"attempts": [], "cursors": []}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap_or_default()
            .contains("revoked"),
        "{v}"
    );
    let (st, _) = hq.get("/api/sync/packages/", &secret).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert!(seat.app.room_round().await.is_err());

    // What it signed before is still accepted: the result reaches the hub.
    seat.app.sync_round().await.ok();
    let there = hq.db.store.attempt(&attempt).await.unwrap();
    assert!(
        there.is_some(),
        "the revoked seat's signed result is accepted"
    );

    // Unknown devices are named.
    let missing = hq
        .app
        .revoke_device(
            &hq.admin,
            RevokeDevice {
                device_id: "no-such-device".into(),
            },
        )
        .await;
    assert!(matches!(missing, Err(AppError::NotFound(_))), "{missing:?}");
}

async fn seat_tokens_and_publishing_refuse_what_they_cannot_do(backend: TestBackend) {
    let (hq, exam) = Hq::start(backend).await;
    let teacher = staff(&hq, "tess", Role::Teacher).await;
    hq.student("bob").await;
    let bob = hq.login("bob", STUDENT_PASSWORD).await;

    // Wrong role: a candidate or a teacher enrols no seats and sees none.
    for who in [&bob, &teacher] {
        let (st, v) = hq
            .post("/api/room/seat-tokens/", Some(who), json!({"count": 1}))
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
        let (st, _) = hq.get("/api/sync/devices/", who).await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        let (st, _) = hq
            .post(
                "/api/sync/devices/revoke/",
                Some(who),
                json!({"device_id": "x"}),
            )
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN);
    }
    // Counts out of bounds and unknown fields are named.
    for body in [
        json!({"count": 0}),
        json!({"count": 101}),
        json!({"count": 2, "centre": "south"}),
    ] {
        let (st, v) = hq
            .post("/api/room/seat-tokens/", Some(&hq.admin), body.clone())
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{body} → {v}");
    }
    let (_, v) = hq
        .post(
            "/api/room/seat-tokens/",
            Some(&hq.admin),
            json!({"count": 0}),
        )
        .await;
    assert!(v.to_string().contains("count"), "{v}");

    // A session nobody is assigned to has nothing to publish; a closed one neither.
    let empty = hq
        .app
        .create_room_session(
            &hq.admin,
            CreateRoomSession {
                exam_id: exam,
                room: "Lab 9".into(),
                seats: 30,
                late_start_minutes: Some(15),
                check_in_required: false,
            },
        )
        .await
        .unwrap()
        .session_id;
    let (st, v) = hq
        .post(
            "/api/room/publish/",
            Some(&hq.admin),
            json!({"session_id": empty}),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    assert!(v.to_string().contains("no candidates"), "{v}");
    let (st, _) = hq
        .post(
            "/api/room/publish/",
            Some(&teacher),
            json!({"session_id": empty}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = hq
        .post(
            "/api/room/publish/",
            Some(&hq.admin),
            json!({"session_id": 9999}),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // A desktop that does not serve is no room hub: it says how to become one.
    let desk = Desk::new().await;
    let r = desk
        .app
        .issue_seat_tokens(&desk.invigilator, IssueSeatTokens { count: 1 })
        .await;
    match r {
        Err(AppError::Conflict(m)) => assert!(m.contains("--serve"), "{m}"),
        other => panic!("{other:?}"),
    }
}

async fn the_staff_home_shows_the_centres_day(backend: TestBackend) {
    let (hq, exam) = Hq::start(backend).await;
    let ivan = staff(&hq, "ivan", Role::Invigilator).await;
    let teacher = staff(&hq, "tess", Role::Teacher).await;
    let (st, _) = hq.get("/api/centre/today/", &teacher).await;
    assert_eq!(
        st,
        StatusCode::FORBIDDEN,
        "the centre's day is for its staff at the hub"
    );

    let (st, v) = hq.get("/api/centre/today/", &ivan).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    // An exam created over REST is open at once (the platform's online exams).
    assert_eq!(v["sittings"][0]["exam_title"], "Science", "{v}");
    assert_eq!(v["sittings"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["rooms"], json!([]));
    assert_eq!(
        (v["seats_enrolled"].as_u64(), v["seats_online"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(v["enrolled"], false);

    // A second exam scheduled two days ahead is not today's.
    let (_, later) = hq
        .post(
            "/api/exams/create/",
            Some(&hq.admin),
            json!({"title": "Maths", "duration_minutes": 30, "questions": ["q1", "q2"]}),
        )
        .await;
    let in_two_days = examhall_testkit::FakeClock::EXAM_MORNING.0 + 48 * 3600 * 1000;
    let maths = later["id"].as_i64().unwrap();
    hq.app.close_sitting(&ivan, maths).await.unwrap();
    hq.app
        .open_sitting(
            &ivan,
            examhall_protocol::OpenSitting {
                exam_id: maths,
                opens_at_ms: Some(in_two_days),
                closes_at_ms: Some(in_two_days + 3_600_000),
                late_start_minutes: None,
            },
        )
        .await
        .unwrap();
    // Today's: the room for Science, published to a seat that has called.
    let sid = session_with_ann(&hq, exam).await;
    let issued = hq
        .app
        .issue_seat_tokens(&ivan, IssueSeatTokens { count: 2 })
        .await
        .unwrap();
    let seat = Desk::new().await;
    enrol(&seat, &hq, &issued.tokens[0], "Lab 2, seat 7")
        .await
        .unwrap();
    hq.app
        .publish_to_room(&ivan, SessionRef { session_id: sid })
        .await
        .unwrap();
    hq.app
        .open_room_session(&ivan, SessionRef { session_id: sid })
        .await
        .unwrap();
    seat.app.sync_round().await.unwrap();
    seat.app.room_round().await.unwrap();

    let h = hq.app.staff_home(&ivan).await.unwrap();
    let titles: Vec<&str> = h.sittings.iter().map(|s| s.exam_title.as_str()).collect();
    assert_eq!(titles, ["Science"], "{h:?}");
    assert!(h.sittings[0].open_now);
    assert_eq!(h.rooms.len(), 1);
    assert_eq!(
        (
            h.rooms[0].room.as_str(),
            h.rooms[0].state.as_str(),
            h.rooms[0].expected
        ),
        ("Lab 2", "open", 1)
    );
    assert_eq!((h.seats_enrolled, h.seats_online), (1, 1));
    assert_eq!((h.attempts_in_progress, h.awaiting_marking), (0, 0));

    // Ann starts at the seat: the hub's home counts her attempt (it lives on
    // the seat, not in the hub's own database) once, as the room does.
    let ann = ann_at(&seat).await;
    let card = seat.app.my_exams(&ann).await.unwrap().remove(0);
    let code = hq.app.room_sessions(&ivan).await.unwrap()[0]
        .start_code
        .clone()
        .unwrap();
    seat.app
        .start_attempt(
            &ann,
            StartAttempt {
                exam_id: card.exam_id,
                start_code: code,
            },
        )
        .await
        .unwrap();
    seat.app.room_round().await.unwrap();
    let h = hq.app.staff_home(&ivan).await.unwrap();
    assert_eq!((h.rooms[0].in_progress, h.rooms[0].submitted), (1, 0));
    assert_eq!(h.attempts_in_progress, 1, "{h:?}");
    // On the seat itself, the attempt is its own and counted once too.
    let seat_staff = seat.app.staff_home(&seat.admin).await.unwrap();
    assert_eq!(seat_staff.attempts_in_progress, 1, "{seat_staff:?}");

    // Three minutes later the seat has gone quiet; revoked, it is no longer counted.
    hq.clock.advance_secs(180);
    let h = hq.app.staff_home(&ivan).await.unwrap();
    assert_eq!((h.seats_enrolled, h.seats_online), (1, 0));
    let id = hq.app.devices(&ivan).await.unwrap()[0].device_id.clone();
    hq.app
        .revoke_device(&ivan, RevokeDevice { device_id: id })
        .await
        .unwrap();
    assert_eq!(hq.app.staff_home(&ivan).await.unwrap().seats_enrolled, 0);
    // Closing the sitting takes it off today's list.
    hq.app.close_sitting(&ivan, exam).await.unwrap();
    assert!(hq.app.staff_home(&ivan).await.unwrap().sittings.is_empty());
}
