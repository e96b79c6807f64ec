//! Copy as you go (issue 17, point 1), over HTTPS on loopback: a seat copies
//! each saved event of its attempt to its relay hub; the hub keeps exactly the
//! seat's chain, takes only what is new, refuses a forgery or another seat's
//! claim on the attempt, and the exam window learns how far the copy is.

use crate::common::{Desk, Hq, Hub, STUDENT_PASSWORD};
use examhall_app::{App, CopyRound};
use examhall_domain::room::Attendance;
use examhall_domain::AttemptEvent;
use examhall_protocol::room::{CheckIn, CloseRoomSession, MoveCandidate, SessionRef};
use examhall_protocol::sync::{
    AttemptUpload, CopyBatch, EnrolDesktop, EventUpload, OpenPackage, ReceiptStatus,
};
use examhall_protocol::{Answer, AttemptRef, LoginRequest, SetAnswer, StartAttempt};
use examhall_sync::{envelope, SigningKey};
use examhall_testkit::{on_both_backends, TestBackend};

on_both_backends!(
    a_seat_copies_each_saved_event_to_its_hub,
    a_candidate_moves_to_a_spare_seat_and_the_dead_one_is_fenced,
    a_seat_dead_past_the_deadline_is_counted_and_its_move_hands_in_at_once
);

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
    let head = hub
        .db
        .store
        .copy_heads(std::slice::from_ref(&id))
        .await
        .unwrap();
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
    let head = hub
        .db
        .store
        .copy_heads(std::slice::from_ref(&id))
        .await
        .unwrap();
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
    // An attempt at a package this hub does not know (an old exam, another
    // hub's) is refused for good, not "send again": the seat stops sending it.
    let mut elsewhere = batch.clone();
    elsewhere.attempts[0].attempt_id = "an-older-attempt".into();
    elsewhere.attempts[0].package_id = "pkg-of-another-hub".into();
    let env = envelope::seal(&key, &enr.device_id, envelope::ENVELOPE_COPY, &elsewhere);
    let r = hub.app.take_copies(env).await.unwrap().receipts.remove(0);
    assert_eq!(r.outcome, ReceiptStatus::Conflict, "{r:?}");
    assert!(r.message.unwrap().contains("not one of this centre's"));
}

/// Issue 17, point 2: seat 1 fails mid-exam; the invigilator moves Ann; seat 2
/// continues the same attempt from the hub's copy (same id, same answers, the
/// gap offered as credit); seat 1, back on, is refused and says where the exam
/// went; the room closes and HQ gets one attempt, with the move in its chain.
async fn a_candidate_moves_to_a_spare_seat_and_the_dead_one_is_fenced(backend: TestBackend) {
    let (hq, exam) = Hq::start(backend).await;
    hq.student("ann").await;
    let pkg = hq.publish(exam, "north", &["ann"]).await;
    let hub = Hub::start(&hq, &hq.enrolment("north").await.token).await;
    hub.app.sync_round().await.unwrap();
    let session = hub.room_for(&pkg).await.session_id;
    let sref = || SessionRef {
        session_id: session,
    };
    hub.app.open_room_session(&hub.admin, sref()).await.unwrap();
    hub.app
        .check_in(
            &hub.admin,
            CheckIn {
                session_id: session,
                username: "ann".into(),
                attendance: Attendance::Present,
                id_checked: true,
                seat: Some("1".into()),
            },
        )
        .await
        .unwrap();
    let one = seat(&hq, &hub, "Hall A, seat 1").await;
    let two = seat(&hq, &hub, "Hall A, seat 2").await;
    for s in [&one, &two] {
        s.app.room_round().await.unwrap();
    }
    let exam_here = |d: &Desk| {
        let app = d.app.clone();
        async move {
            let ann = login(&app, "ann").await;
            let card = app.my_exams(&ann).await.unwrap().remove(0);
            (ann, card.exam_id)
        }
    };
    let (ann1, exam1) = exam_here(&one).await;
    let start = |app: App, token: String, exam_id: i64| {
        let code = pkg.start_code.clone();
        async move {
            app.start_attempt(
                &token,
                StartAttempt {
                    exam_id,
                    start_code: code,
                },
            )
            .await
        }
    };
    let id = start(one.app.clone(), ann1.clone(), exam1)
        .await
        .unwrap()
        .attempt_id;
    answer(&one.app, &ann1, &id, "q1", "B").await;
    answer(&one.app, &ann1, &id, "q2", "true").await;
    one.app.copy_round().await.unwrap();
    one.app.room_round().await.unwrap();

    // Ann cannot start a second attempt at seat 2 while seat 1 holds hers.
    let (ann2, exam2) = exam_here(&two).await;
    let e = start(two.app.clone(), ann2.clone(), exam2)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("running on Hall A, seat 1"), "{e}");
    // Nor can the console move a candidate the hub holds nothing of.
    let nobody = hub
        .app
        .move_candidate(
            &hub.admin,
            MoveCandidate {
                session_id: session,
                username: "bob".into(),
                reason: "screen".into(),
            },
        )
        .await;
    assert!(nobody.is_err());
    // Only an invigilator or an administrator moves candidates: Ann herself,
    // signed in at the hub, is refused and nothing moves.
    let ann_at_hub = login(&hub.app, "ann").await;
    let refused = hub
        .app
        .move_candidate(
            &ann_at_hub,
            MoveCandidate {
                session_id: session,
                username: "ann".into(),
                reason: "I would rather sit by the window".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(refused, examhall_app::AppError::Forbidden { .. }),
        "{refused:?}"
    );
    let copy = hub
        .db
        .store
        .copy_heads(std::slice::from_ref(&id))
        .await
        .unwrap();
    assert_eq!(copy[&id].move_state, None);

    // Seat 1's screen dies. Two minutes later the invigilator moves Ann.
    for c in [&one.clock, &two.clock, &hub.clock] {
        c.advance_secs(120);
    }
    let c = hub
        .app
        .move_candidate(
            &hub.admin,
            MoveCandidate {
                session_id: session,
                username: "ann".into(),
                reason: "seat 1's screen went black".into(),
            },
        )
        .await
        .unwrap();
    assert!(c.seats[0].copy.as_ref().unwrap().moving);
    assert!(c
        .log
        .iter()
        .any(|l| l.kind == "moved" && l.detail.contains("Hall A, seat 1")));
    let again = hub
        .app
        .move_candidate(
            &hub.admin,
            MoveCandidate {
                session_id: session,
                username: "ann".into(),
                reason: "twice".into(),
            },
        )
        .await;
    assert!(again.is_err(), "one move at a time");

    // A wrong start code at seat 2 takes nothing: the move stays open.
    let (ann2, exam2) = exam_here(&two).await;
    let wrong = two
        .app
        .start_attempt(
            &ann2,
            StartAttempt {
                exam_id: exam2,
                start_code: "AAAAAA".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(wrong, examhall_app::AppError::WrongStartCode),
        "{wrong:?}"
    );
    let copy = hub
        .db
        .store
        .copy_heads(std::slice::from_ref(&id))
        .await
        .unwrap();
    assert_eq!(
        copy[&id].move_state.as_deref(),
        Some("pending"),
        "a wrong start code claims no move"
    );

    // Seat 2 continues the same attempt: same id, same answers.
    let held = hub.db.store.copy_events(&id).await.unwrap();
    let view = start(two.app.clone(), ann2.clone(), exam2).await.unwrap();
    assert_eq!(view.attempt_id, id);
    assert_eq!(
        view.answers.keys().cloned().collect::<Vec<_>>(),
        ["q1", "q2"]
    );
    let chain = two.db.store.events_after(&id, 0, 1000).await.unwrap();
    assert_eq!(chain[..held.len()], held[..], "the hub's copy, verbatim");
    let tail: Vec<AttemptEvent> = chain[held.len()..]
        .iter()
        .map(|e| serde_json::from_str(&e.payload).unwrap())
        .collect();
    assert!(
        matches!(
            &tail[..],
            [AttemptEvent::Moved { from, to }, AttemptEvent::Resumed { gap_ms }]
                if from == "Hall A, seat 1" && to == "Hall A, seat 2" && *gap_ms >= 120_000
        ),
        "{tail:?}"
    );
    assert!(
        view.clock.remaining_ms > 0
            && view.clock.status == examhall_protocol::AttemptStatus::InProgress
    );

    // Seat 1 comes back: what it saved since is refused by the hub, and from
    // then on it refuses to save and says where the exam went.
    answer(&one.app, &ann1, &id, "q3", "1").await;
    let r = one.app.copy_round().await.unwrap();
    assert_eq!(r.refused, 1);
    assert_eq!(
        one.app.copy_round().await.unwrap(),
        CopyRound::default(),
        "a refused attempt is not sent again"
    );
    let moved = one
        .app
        .set_answer(
            &ann1,
            SetAnswer {
                attempt_id: id.clone(),
                question_id: "q3".into(),
                answer: Some(Answer::Text("2".into())),
            },
        )
        .await
        .unwrap_err();
    assert!(
        moved.to_string().contains("continues on another seat"),
        "{moved}"
    );
    assert!(one
        .app
        .submit(
            &ann1,
            AttemptRef {
                attempt_id: id.clone()
            }
        )
        .await
        .is_err());
    let refused = one
        .app
        .heartbeat(
            &ann1,
            AttemptRef {
                attempt_id: id.clone(),
            },
        )
        .await
        .unwrap()
        .room_copy
        .and_then(|c| c.refused)
        .unwrap();
    assert!(
        refused.contains("moved") && refused.contains("Hall A, seat 2"),
        "{refused}"
    );

    // Ann finishes on seat 2; the console follows seat 2 and offers the gap.
    answer(&two.app, &ann2, &id, "q3", "8").await;
    two.app
        .submit(
            &ann2,
            AttemptRef {
                attempt_id: id.clone(),
            },
        )
        .await
        .unwrap();
    two.grade_all().await;
    two.app.copy_round().await.unwrap();
    two.app.room_round().await.unwrap();
    one.app.room_round().await.unwrap();
    let c = hub.app.room_console(&hub.admin, sref()).await.unwrap();
    let line = &c.seats[0];
    assert_eq!(line.device.as_deref(), Some("Hall A, seat 2"));
    assert_eq!(
        line.progress.as_ref().map(|p| p.status),
        Some(examhall_protocol::AttemptStatus::Graded)
    );
    let copy = line.copy.as_ref().unwrap();
    assert_eq!(
        (copy.moving, copy.moved_from.as_deref()),
        (false, Some("Hall A, seat 1"))
    );
    assert_eq!(copy.behind, 0);
    assert!(
        c.ledger
            .iter()
            .any(|p| p.username == "ann" && p.minutes >= 2),
        "the move's gap is offered back: {:?}",
        c.ledger
    );
    assert!(c
        .log
        .iter()
        .any(|l| l.kind == "moved" && l.detail.contains("continues on Hall A, seat 2")));
    hub.app
        .close_room_session(
            &hub.admin,
            CloseRoomSession {
                session_id: session,
                accounted: vec![],
            },
        )
        .await
        .expect("Ann is accounted for");

    // Up to HQ: one attempt, seat 2's chain with the move in it, graded at HQ.
    two.app.sync_round().await.unwrap();
    hub.app.sync_round().await.unwrap();
    let at_hq = hq.db.store.attempt(&id).await.unwrap().expect("at HQ");
    assert_eq!(at_hq.status, examhall_protocol::AttemptStatus::Graded);
    let hq_chain = hq.db.store.events_after(&id, 0, 1000).await.unwrap();
    assert_eq!(
        hq_chain,
        two.db.store.events_after(&id, 0, 1000).await.unwrap()
    );
}

/// Issue 17, point 4, at the hub: a seat that dies and stays dead past the
/// candidate's deadline cannot hand in by itself, and the hub does not hand in
/// from its copy (a seat cut off from the LAN looks the same, and fencing it
/// would throw away what it saved while cut off). The console says so on the
/// line and counts it, the room cannot close over it, and moving the candidate
/// hands the attempt in at once on the spare seat, with reason `time_up` and
/// every answer the copy held.
async fn a_seat_dead_past_the_deadline_is_counted_and_its_move_hands_in_at_once(
    backend: TestBackend,
) {
    use examhall_protocol::room::SeatAlert;
    let (hq, exam) = Hq::start(backend).await;
    hq.student("ann").await;
    let pkg = hq.publish(exam, "north", &["ann"]).await;
    let hub = Hub::start(&hq, &hq.enrolment("north").await.token).await;
    hub.app.sync_round().await.unwrap();
    let session = hub.room_for(&pkg).await.session_id;
    let sref = || SessionRef {
        session_id: session,
    };
    hub.app.open_room_session(&hub.admin, sref()).await.unwrap();
    hub.app
        .check_in(
            &hub.admin,
            CheckIn {
                session_id: session,
                username: "ann".into(),
                attendance: Attendance::Present,
                id_checked: true,
                seat: Some("1".into()),
            },
        )
        .await
        .unwrap();
    let one = seat(&hq, &hub, "Hall A, seat 1").await;
    let two = seat(&hq, &hub, "Hall A, seat 2").await;
    for s in [&one, &two] {
        s.app.room_round().await.unwrap();
    }
    let ann1 = login(&one.app, "ann").await;
    let exam1 = one.app.my_exams(&ann1).await.unwrap().remove(0).exam_id;
    let id = one
        .app
        .start_attempt(
            &ann1,
            StartAttempt {
                exam_id: exam1,
                start_code: pkg.start_code.clone(),
            },
        )
        .await
        .unwrap()
        .attempt_id;
    answer(&one.app, &ann1, &id, "q1", "B").await;
    answer(&one.app, &ann1, &id, "q2", "true").await;
    one.app.copy_round().await.unwrap();
    one.app.room_round().await.unwrap();
    let c = hub.app.room_console(&hub.admin, sref()).await.unwrap();
    assert!(
        !c.seats[0]
            .alerts
            .iter()
            .any(|a| matches!(a, SeatAlert::TimeOver { .. })),
        "time is not over yet: {:?}",
        c.seats[0].alerts
    );

    // Seat 1 dies and stays dead; the exam's time runs out, and ten minutes more.
    for c in [&one.clock, &two.clock, &hub.clock] {
        c.advance_secs(4 * 3600);
    }
    let c = hub.app.room_console(&hub.admin, sref()).await.unwrap();
    let over = c.seats[0]
        .alerts
        .iter()
        .find_map(|a| match a {
            SeatAlert::TimeOver { secs } => Some(*secs),
            _ => None,
        })
        .expect("the console says the time is over and nothing was handed in");
    assert!(over > 3600, "{over}");
    assert_eq!(
        c.seats[0].progress.as_ref().unwrap().status,
        examhall_protocol::AttemptStatus::InProgress,
        "the hub hands nothing in by itself"
    );
    let refused = hub
        .app
        .close_room_session(
            &hub.admin,
            CloseRoomSession {
                session_id: session,
                accounted: vec![],
            },
        )
        .await;
    assert!(refused.is_err(), "the room cannot close over it");

    // The invigilator moves Ann; seat 2 takes the attempt and hands it in at once.
    hub.app
        .move_candidate(
            &hub.admin,
            MoveCandidate {
                session_id: session,
                username: "ann".into(),
                reason: "seat 1 is dead; time is over".into(),
            },
        )
        .await
        .unwrap();
    let ann2 = login(&two.app, "ann").await;
    let exam2 = two.app.my_exams(&ann2).await.unwrap().remove(0).exam_id;
    let _ = two
        .app
        .start_attempt(
            &ann2,
            StartAttempt {
                exam_id: exam2,
                start_code: pkg.start_code.clone(),
            },
        )
        .await;
    two.app.worker().sweep_overdue().await.unwrap();
    let held = two
        .db
        .store
        .attempt(&id)
        .await
        .unwrap()
        .expect("seat 2 holds it");
    assert_ne!(held.status, examhall_protocol::AttemptStatus::InProgress);
    let chain: Vec<AttemptEvent> = two
        .db
        .store
        .events_after(&id, 0, 1000)
        .await
        .unwrap()
        .iter()
        .map(|e| serde_json::from_str(&e.payload).unwrap())
        .collect();
    assert!(
        chain.iter().any(|e| matches!(
            e,
            AttemptEvent::Submitted {
                reason: examhall_domain::SubmitReason::TimeUp
            }
        )),
        "{chain:?}"
    );
    let answered = chain
        .iter()
        .filter(|e| matches!(e, AttemptEvent::AnswerSet { .. }))
        .count();
    assert_eq!(answered, 2, "every answer the copy held");
    two.grade_all().await;
    two.app.copy_round().await.unwrap();
    two.app.room_round().await.unwrap();
    let c = hub.app.room_console(&hub.admin, sref()).await.unwrap();
    assert!(
        c.seats[0].progress.as_ref().unwrap().time_up,
        "{:?}",
        c.seats[0]
    );
    hub.app
        .close_room_session(
            &hub.admin,
            CloseRoomSession {
                session_id: session,
                accounted: vec![],
            },
        )
        .await
        .expect("Ann is accounted for");
}
