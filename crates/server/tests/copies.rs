//! Copy as you go (issue 17, point 1), over HTTPS on loopback: a seat copies
//! each saved event of its attempt to its relay hub; the hub keeps exactly the
//! seat's chain, takes only what is new, refuses a forgery or another seat's
//! claim on the attempt, and the exam window learns how far the copy is.

mod common;

use common::{Desk, Hq, Hub, STUDENT_PASSWORD};
use examhall_app::{App, CopyRound};
use examhall_protocol::sync::{
    AttemptUpload, CopyBatch, EnrolDesktop, EventUpload, OpenPackage, ReceiptStatus,
};
use examhall_protocol::{Answer, AttemptRef, LoginRequest, SetAnswer, StartAttempt};
use examhall_sync::{envelope, SigningKey};
use examhall_testkit::{on_both_backends, TestBackend};

on_both_backends!(a_seat_copies_each_saved_event_to_its_hub);

async fn seat(hq: &Hq, hub: &Hub, name: &str) -> Desk {
    let desk = Desk::new().await;
    desk.app
        .enrol_with_hq(
            &desk.admin,
            EnrolDesktop {
                server_url: hub.base.clone(),
                token: hq.enrolment_via("north", hub).await.token,
                device_name: name.into(),
            },
        )
        .await
        .unwrap();
    desk.app.sync_round().await.unwrap();
    desk
}

async fn login(app: &App, user: &str) -> String {
    app.login(LoginRequest {
        username: user.into(),
        password: STUDENT_PASSWORD.into(),
    })
    .await
    .unwrap()
    .token
}

async fn answer(app: &App, token: &str, attempt: &str, q: &str, a: &str) {
    app.set_answer(
        token,
        SetAnswer {
            attempt_id: attempt.into(),
            question_id: q.into(),
            answer: Some(Answer::Text(a.into())),
        },
    )
    .await
    .unwrap();
}

async fn behind(app: &App, token: &str, attempt: &str) -> Option<i64> {
    app.heartbeat(
        token,
        AttemptRef {
            attempt_id: attempt.into(),
        },
    )
    .await
    .unwrap()
    .room_copy
    .map(|c| c.behind)
}

async fn a_seat_copies_each_saved_event_to_its_hub(backend: TestBackend) {
    let (hq, exam) = Hq::start(backend).await;
    hq.student("ann").await;
    let pkg = hq.publish(exam, "north", &["ann"]).await;
    let hub = Hub::start(&hq, &hq.enrolment("north").await.token).await;
    hub.app.sync_round().await.unwrap();
    let desk = seat(&hq, &hub, "Hall A, seat 1").await;
    let sitting = desk
        .app
        .open_package(
            &desk.admin,
            OpenPackage {
                package_id: pkg.package_id.clone(),
                start_code: pkg.start_code.clone(),
            },
        )
        .await
        .unwrap();
    let ann = login(&desk.app, "ann").await;
    let view = desk
        .app
        .start_attempt(
            &ann,
            StartAttempt {
                exam_id: sitting.exam_id,
                start_code: pkg.start_code.clone(),
            },
        )
        .await
        .unwrap();
    let id = view.attempt_id.clone();
    answer(&desk.app, &ann, &id, "q1", "B").await;
    let local_head = || async { desk.db.store.events_after(&id, 0, 1000).await.unwrap() };
    let before = local_head().await.len() as i64;
    assert_eq!(
        behind(&desk.app, &ann, &id).await,
        Some(before),
        "nothing is copied before the first round"
    );
    assert!(hub.db.store.copy_events(&id).await.unwrap().is_empty());

    let r = desk.app.copy_round().await.unwrap();
    assert_eq!(
        r,
        CopyRound {
            attempts: 1,
            events: before as u32,
            acked: 1,
            refused: 0
        }
    );
    assert_eq!(
        hub.db.store.copy_events(&id).await.unwrap(),
        local_head().await
    );
    assert_eq!(behind(&desk.app, &ann, &id).await, Some(0));

    // Only what is new goes next time; nothing new sends nothing.
    answer(&desk.app, &ann, &id, "q2", "true").await;
    answer(&desk.app, &ann, &id, "q3", "8").await;
    assert_eq!(behind(&desk.app, &ann, &id).await, Some(2));
    let r = desk.app.copy_round().await.unwrap();
    assert_eq!((r.events, r.acked), (2, 1));
    assert_eq!(desk.app.copy_round().await.unwrap(), CopyRound::default());
    let held = hub.db.store.copy_events(&id).await.unwrap();
    assert_eq!(held, local_head().await);
    let head = hub.db.store.copy_heads(&[id.clone()]).await.unwrap();
    assert_eq!(head[&id].head_seq, held.last().unwrap().seq);
    assert_eq!(head[&id].status, "in_progress");
    assert_eq!(head[&id].username, "ann");

    // An acknowledgement lost on the way: the seat sends from its old head
    // again, and the hub keeps one copy of each event.
    desk.db
        .store
        .record_copy_acks(
            &[(id.clone(), 1, held[0].hash.0.clone())],
            &[],
            examhall_domain::Clock::now(&*desk.clock),
        )
        .await
        .unwrap();
    let r = desk.app.copy_round().await.unwrap();
    assert_eq!((r.events as usize, r.acked), (held.len() - 1, 1));
    assert_eq!(hub.db.store.copy_events(&id).await.unwrap(), held);
    assert_eq!(behind(&desk.app, &ann, &id).await, Some(0));

    // The hand-in is copied too, and the copy's status follows it.
    desk.app
        .submit(
            &ann,
            AttemptRef {
                attempt_id: id.clone(),
            },
        )
        .await
        .unwrap();
    desk.app.copy_round().await.unwrap();
    let head = hub.db.store.copy_heads(&[id.clone()]).await.unwrap();
    assert_eq!(head[&id].status, "submitted");
    assert_eq!(
        hub.db.store.copy_events(&id).await.unwrap(),
        local_head().await
    );

    // Another seat of the centre cannot claim or extend the attempt: the same
    // events under its own signature are refused for good, a forged signature
    // is refused outright, and the hub's copy is untouched.
    let other = seat(&hq, &hub, "Hall A, seat 2").await;
    let enr = other.db.store.enrolment().await.unwrap().unwrap();
    let events = local_head().await;
    let batch = CopyBatch {
        attempts: vec![AttemptUpload {
            attempt_id: id.clone(),
            package_id: pkg.package_id.clone(),
            username: "ann".into(),
            started_at_ms: 0,
            duration_secs: 600,
            time_multiplier: 1.0,
            events: events
                .iter()
                .map(|e| EventUpload {
                    seq: e.seq,
                    at_ms: e.at.0,
                    payload: e.payload.clone(),
                    prev_hash: e.prev_hash.0.clone(),
                    hash: e.hash.0.clone(),
                })
                .collect(),
            result: None,
        }],
    };
    let key = SigningKey::from_hex(&enr.device_key).unwrap();
    let env = envelope::seal(&key, &enr.device_id, envelope::ENVELOPE_COPY, &batch);
    let r = hub.app.take_copies(env).await.unwrap().receipts.remove(0);
    assert_eq!(r.outcome, ReceiptStatus::Conflict, "{r:?}");
    assert!(r.message.unwrap().contains("another seat"));
    let forged = envelope::seal(
        &SigningKey::generate(),
        &enr.device_id,
        envelope::ENVELOPE_COPY,
        &batch,
    );
    assert!(hub.app.take_copies(forged).await.is_err());
    assert_eq!(hub.db.store.copy_events(&id).await.unwrap(), events);
}
