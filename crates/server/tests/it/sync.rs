//! The sync protocol end to end: a real HQ server on loopback, desktops with their
//! own database files, packages down (network and USB inbox), results up
//! (network and USB file), receipts, manifests, tampering and conflicts.

use crate::common::{Desk, Fault, FaultyLink, Hq, Hub};
use examhall_app::sync::IngestedFile;
use examhall_app::AppError;
use examhall_protocol::sync::{EnrolDesktop, OpenPackage, ReceiptStatus, SignedEnvelope};
use examhall_testkit::{on_both_backends, TestBackend};
use reqwest::StatusCode;
use serde_json::json;

// HQ runs on each backend; desktops always keep a SQLite file, as in a lab.
on_both_backends!(
    a_package_travels_down_and_a_graded_attempt_comes_back_with_matching_receipts,
    tampered_foreign_and_misdirected_packages_are_refused_and_change_nothing,
    the_usb_path_inbox_to_results_file_to_manifest_reports_what_is_missing,
    the_same_attempt_from_a_second_device_is_an_incident_never_a_merge,
    results_go_up_first_and_no_package_trouble_keeps_them_down,
    hq_grades_uploads_itself_and_takes_only_the_roster,
    enrolment_pins_the_certificate_in_the_token_and_plain_http_needs_permission,
    a_machine_answering_in_hqs_place_cannot_make_results_look_safe,
    a_package_file_carries_no_credential_and_tokens_expire,
    results_travel_by_stick_when_it_appears_and_hqs_receipts_come_back_on_it,
    a_resit_supersedes_the_old_attempt_and_hq_takes_the_new_one,
    results_of_an_exam_built_on_the_desktop_go_up_with_their_exam,
    a_desktop_exam_travels_by_stick_before_its_results,
    a_desktop_exam_behind_a_relay_hub_reaches_hq_before_its_results,
    the_stick_is_written_as_soon_as_its_folder_appears_without_waiting_for_a_look
);

/// A centre's own exam on an enrolled desktop: HQ's "Science" rebuilt there
/// (the same spec), a local account `zoe` HQ has never heard of with extra
/// time, and `ann`, who has an account at HQ too. Returns the desktop's exam
/// id and its start code.
async fn desktop_exam(hq: &Hq, desk: &Desk, hq_exam: i64) -> (i64, String) {
    let spec = hq.app.exam_with_keys(&hq.admin, hq_exam).await.unwrap();
    let exam = desk.app.create_exam(&desk.admin, spec).await.unwrap();
    for (name, display) in [("zoe", "Zoé Local"), ("ann", "Ann at the centre")] {
        let id = desk
            .app
            .create_user(
                &desk.admin,
                examhall_protocol::NewUser {
                    username: name.into(),
                    display_name: display.into(),
                    password: crate::common::STUDENT_PASSWORD.into(),
                    role: examhall_protocol::Role::Candidate,
                    email: None,
                    candidate_number: None,
                },
            )
            .await
            .unwrap()
            .id;
        let m = if name == "zoe" { 1.25 } else { 1.0 };
        desk.app
            .assign_exam(&desk.admin, exam, id, m)
            .await
            .unwrap();
    }
    let sitting = desk
        .app
        .open_sitting(
            &desk.invigilator,
            examhall_protocol::OpenSitting {
                exam_id: exam,
                opens_at_ms: None,
                closes_at_ms: None,
                late_start_minutes: None,
            },
        )
        .await
        .unwrap();
    (exam, sitting.start_code)
}

async fn enrolled_desk(hq: &Hq, name: &str) -> Desk {
    let desk = Desk::new().await;
    desk.app
        .enrol_with_hq(
            &desk.admin,
            EnrolDesktop {
                server_url: hq.base.clone(),
                token: hq.enrolment("north").await.token,
                device_name: name.into(),
            },
        )
        .await
        .unwrap();
    desk
}

async fn results_of_an_exam_built_on_the_desktop_go_up_with_their_exam(backend: TestBackend) {
    let (hq, hq_exam) = Hq::start(backend).await;
    let ann = hq.student("ann").await;
    let bob = hq.student("bob").await;
    // North knows Ann from a package HQ published to it; Bob is another
    // centre's candidate as far as north can tell.
    hq.publish(hq_exam, "north", &["ann"]).await;
    let desk = enrolled_desk(&hq, "Lab 3 hub").await;
    let (exam, code) = desktop_exam(&hq, &desk, hq_exam).await;
    let zoe_attempt = desk.sit("zoe", exam, &code, "42").await;
    let ann_attempt = desk.sit("ann", exam, &code, "41").await;
    desk.grade_all().await;
    assert_eq!(
        desk.db.store.outbox_counts().await.unwrap().pending,
        2,
        "the desktop's own exam queues its results once it is enrolled"
    );

    let round = desk.app.sync_round().await.unwrap();
    assert_eq!(round.attempts_sent, 2, "{round:?}");
    assert_eq!(round.receipts_recorded, 2, "{round:?}");
    assert_eq!(round.conflicts, 0, "{round:?}");
    let counts = desk.db.store.outbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.synced), (0, 2));

    // HQ holds the exam under a new id, and both results, graded by HQ.
    let exams = hq.db.store.list_exams().await.unwrap();
    let held = exams
        .iter()
        .find(|e| e.id != hq_exam)
        .expect("the centre's exam is held at HQ");
    assert_eq!(held.spec.title, "Science");
    let (s, v) = hq
        .get(&format!("/api/results/{}/", held.id), &hq.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{v}");
    let row = |id: &str| rows.iter().find(|r| r["attempt_id"] == id).unwrap().clone();
    assert_eq!(row(&zoe_attempt)["score"], 4.0);
    assert_eq!(row(&ann_attempt)["score"], 2.0);
    // Ann is HQ's Ann; Zoé is held as the centre's candidate, who cannot sign in.
    assert_eq!(row(&ann_attempt)["user_id"], ann);
    let zoe = hq.db.store.user_by_username("zoe").await.unwrap().unwrap();
    assert!(zoe.disabled);
    assert_eq!(zoe.display_name, "Zoé Local");
    let (s, _) = hq
        .post(
            "/api/users/login/",
            None,
            json!({"username": "zoe", "password": crate::common::STUDENT_PASSWORD}),
        )
        .await;
    assert_ne!(s, StatusCode::OK);
    // Her extra time is on HQ's record of the attempt as on the desktop.
    assert_eq!(
        hq.db.store.assignment(held.id, zoe.id).await.unwrap(),
        Some(1.25)
    );

    // Nothing new: a second round sends neither the exam nor the results.
    let round = desk.app.sync_round().await.unwrap();
    assert_eq!(round.attempts_sent, 0, "{round:?}");
    assert_eq!(hq.db.store.list_exams().await.unwrap().len(), 2);

    // A centre cannot put results in the name of a candidate HQ never sent it:
    // Bob's name on north's own exam refuses the exam, and changes nothing.
    let spec = hq.app.exam_with_keys(&hq.admin, hq_exam).await.unwrap();
    let foreign = desk.app.create_exam(&desk.admin, spec).await.unwrap();
    let id = desk
        .app
        .create_user(
            &desk.admin,
            examhall_protocol::NewUser {
                username: "bob".into(),
                display_name: "Bob at north".into(),
                password: crate::common::STUDENT_PASSWORD.into(),
                role: examhall_protocol::Role::Candidate,
                email: None,
                candidate_number: None,
            },
        )
        .await
        .unwrap()
        .id;
    desk.app
        .assign_exam(&desk.admin, foreign, id, 1.0)
        .await
        .unwrap();
    let code = desk
        .app
        .open_sitting(
            &desk.invigilator,
            examhall_protocol::OpenSitting {
                exam_id: foreign,
                opens_at_ms: None,
                closes_at_ms: None,
                late_start_minutes: None,
            },
        )
        .await
        .unwrap()
        .start_code;
    desk.sit("bob", foreign, &code, "42").await;
    desk.grade_all().await;
    let round = desk.app.sync_round().await.unwrap();
    assert_eq!(round.attempts_sent, 0, "{round:?}");
    let why = round.package_error.unwrap_or_default();
    assert!(
        why.contains("`bob` is a candidate at HQ whom centre north was never sent"),
        "{why}"
    );
    assert_eq!(hq.db.store.list_exams().await.unwrap().len(), 2);
    assert!(hq
        .app
        .api_results_for_user(&hq.admin, bob)
        .await
        .unwrap()
        .is_empty());

    // A roster that names one of HQ's staff is refused, and changes nothing.
    let staff = hq
        .db
        .store
        .user_by_username("admin")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(staff.role, examhall_protocol::Role::Admin);
    let spec = hq.app.exam_with_keys(&hq.admin, hq_exam).await.unwrap();
    let bad = desk.app.create_exam(&desk.admin, spec).await.unwrap();
    let id = desk
        .app
        .create_user(
            &desk.admin,
            examhall_protocol::NewUser {
                username: "admin".into(),
                display_name: "A candidate called admin".into(),
                password: crate::common::STUDENT_PASSWORD.into(),
                role: examhall_protocol::Role::Candidate,
                email: None,
                candidate_number: None,
            },
        )
        .await
        .unwrap()
        .id;
    desk.app
        .assign_exam(&desk.admin, bad, id, 1.0)
        .await
        .unwrap();
    let code = desk
        .app
        .open_sitting(
            &desk.invigilator,
            examhall_protocol::OpenSitting {
                exam_id: bad,
                opens_at_ms: None,
                closes_at_ms: None,
                late_start_minutes: None,
            },
        )
        .await
        .unwrap()
        .start_code;
    desk.sit("admin", bad, &code, "42").await;
    desk.grade_all().await;
    let round = desk.app.sync_round().await.unwrap();
    assert_eq!(round.attempts_sent, 0, "held back until HQ takes its exam");
    let why = round.package_error.unwrap_or_default();
    assert!(why.contains("`admin` is a admin at HQ"), "{why}");
    assert_eq!(hq.db.store.list_exams().await.unwrap().len(), 2);
    assert_eq!(desk.db.store.outbox_counts().await.unwrap().pending, 2);
}

async fn a_desktop_exam_travels_by_stick_before_its_results(backend: TestBackend) {
    let (hq, hq_exam) = Hq::start(backend).await;
    let desk = enrolled_desk(&hq, "offline lab").await;
    let (exam, code) = desktop_exam(&hq, &desk, hq_exam).await;
    let attempt = desk.sit("zoe", exam, &code, "42").await;
    desk.grade_all().await;
    let stick = tempfile::tempdir().unwrap();
    let out = desk
        .app
        .export_results_to(&desk.invigilator, stick.path())
        .await
        .unwrap();
    assert_eq!(out.attempts, 1);
    assert_eq!(out.exam_files.len(), 1, "{out:?}");
    // Results before their exam are not taken, and not refused for good: the
    // desktop keeps them pending when it reads HQ's answer off the stick...
    let early = hq.app.ingest_file(out.results_file.as_ref()).await.unwrap();
    let IngestedFile::Results(r) = early else {
        panic!("{early:?}")
    };
    assert_eq!(r.receipts[0].outcome, ReceiptStatus::Later, "{r:?}");
    assert!(
        r.receipts[0]
            .message
            .as_deref()
            .unwrap_or_default()
            .contains("send the exam first"),
        "{r:?}"
    );
    let mut memory = examhall_app::stick::StickMemory::default();
    desk.app
        .stick_round(stick.path(), false, &mut memory)
        .await
        .unwrap();
    let counts = desk.db.store.outbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.conflicts), (1, 0), "{counts:?}");
    // ...a tampered exam file is refused and holds nothing...
    let text = std::fs::read_to_string(&out.exam_files[0]).unwrap();
    let forged = stick.path().join("forged.exhexam");
    std::fs::write(&forged, text.replace("Science", "Sciences")).unwrap();
    assert!(hq.app.ingest_file(&forged).await.is_err());
    assert_eq!(hq.db.store.list_exams().await.unwrap().len(), 1);
    // ...and in name order (exam first) the whole stick goes in.
    match hq
        .app
        .ingest_file(out.exam_files[0].as_ref())
        .await
        .unwrap()
    {
        IngestedFile::CentreExam(a) => assert_eq!(a.candidates_added, 2),
        other => panic!("{other:?}"),
    }
    match hq.app.ingest_file(out.results_file.as_ref()).await.unwrap() {
        IngestedFile::Results(r) => {
            assert_eq!(r.receipts[0].attempt_id, attempt);
            assert_eq!(r.receipts[0].outcome, ReceiptStatus::Stored, "{r:?}");
        }
        other => panic!("{other:?}"),
    }
    match hq
        .app
        .ingest_file(out.manifest_file.as_ref())
        .await
        .unwrap()
    {
        IngestedFile::Manifest(m) => {
            assert_eq!((m.complete, m.missing.len()), (1, 0), "{m:?}")
        }
        other => panic!("{other:?}"),
    }
}

async fn a_package_travels_down_and_a_graded_attempt_comes_back_with_matching_receipts(
    backend: TestBackend,
) {
    let (hq, exam) = Hq::start(backend).await;
    hq.student("ann").await;
    let ann_id = hq.student("bob").await - 1;
    // Ann's planned accommodation travels in the package with her time multiplier.
    let ann_display = examhall_protocol::DisplayPreset {
        text_step: 3,
        high_contrast: true,
        reading_guide: false,
    };
    hq.app
        .assign_exam(&hq.admin, exam, ann_id, 1.5)
        .await
        .unwrap();
    hq.app
        .set_display_preset(&hq.admin, exam, ann_id, Some(ann_display))
        .await
        .unwrap();
    let pkg = hq.publish(exam, "north", &["ann", "bob"]).await;
    let enrol = hq.enrolment("north").await;

    let desk = Desk::new().await;
    let st = desk
        .app
        .enrol_with_hq(
            &desk.admin,
            EnrolDesktop {
                server_url: hq.base.clone(),
                token: enrol.token.clone(),
                device_name: "Lab 1, seat 1".into(),
            },
        )
        .await
        .unwrap();
    assert!(st.enrolled);
    assert_eq!(st.centre.as_deref(), Some("north"));
    // The token is spent.
    let again = Desk::new().await;
    let e = again
        .app
        .enrol_with_hq(
            &again.admin,
            EnrolDesktop {
                server_url: hq.base.clone(),
                token: enrol.token.clone(),
                device_name: "Lab 1, seat 2".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, AppError::Invalid { ref field, .. } if field == "hq"),
        "{e:?}"
    );

    let round = desk.app.sync_round().await.unwrap();
    assert_eq!(round.packages_received, 1);
    assert_eq!(round.attempts_sent, 0);
    let st = desk.app.sync_status(&desk.admin).await.unwrap();
    assert!(st.online);
    assert_eq!(st.packages.len(), 1);
    assert_eq!(st.packages[0].candidates, 2);
    assert_eq!(st.packages[0].exam_id, None, "sealed until the start code");

    // A wrong start code opens nothing; the right one sets up exam, roster, sitting.
    let e = desk
        .app
        .open_package(
            &desk.invigilator,
            OpenPackage {
                package_id: pkg.package_id.clone(),
                start_code: "ZZZZZZ".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::WrongStartCode), "{e:?}");
    assert!(desk
        .app
        .list_exams(&desk.invigilator)
        .await
        .unwrap()
        .is_empty());
    let sitting = desk
        .app
        .open_package(
            &desk.invigilator,
            OpenPackage {
                package_id: pkg.package_id.clone(),
                start_code: pkg.start_code.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(sitting.exam_title, "Science");
    assert_eq!(sitting.start_code, pkg.start_code);
    let ann_here = desk
        .db
        .store
        .user_by_username("ann")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(
        desk.db
            .store
            .display_preset(sitting.exam_id, ann_here)
            .await
            .unwrap(),
        Some(serde_json::to_string(&ann_display).unwrap()),
        "the seat opens Ann's exam with her planned display"
    );

    // Ann sits it on the desktop (offline from HQ's point of view) and is graded there.
    let attempt = desk
        .sit("ann", sitting.exam_id, &pkg.start_code, "42")
        .await;
    desk.grade_all().await;
    let st = desk.app.sync_status(&desk.admin).await.unwrap();
    assert_eq!(st.pending, 1);

    let round = desk.app.sync_round().await.unwrap();
    assert_eq!((round.attempts_sent, round.receipts_recorded), (1, 1));
    let st = desk.app.sync_status(&desk.admin).await.unwrap();
    assert_eq!((st.pending, st.synced, st.conflicts), (0, 1, 0));
    assert!(st.last_success_ms.is_some());

    // Receipt = desktop's chain head = HQ's chain head.
    let local = desk.db.store.attempt(&attempt).await.unwrap().unwrap();
    let outbox = desk.db.store.all_outbox().await.unwrap();
    assert_eq!(
        outbox[0].receipt_hash.as_deref(),
        Some(local.head_hash.as_str())
    );
    assert_eq!(outbox[0].receipt_seq, local.head_seq);
    let central = hq.db.store.attempt(&attempt).await.unwrap().unwrap();
    assert_eq!(
        (central.head_seq, central.head_hash.clone()),
        (local.head_seq, local.head_hash.clone())
    );
    assert_eq!(central.user_id, ann_id);
    assert_eq!(
        hq.db.store.events(&attempt).await.unwrap(),
        desk.db.store.events(&attempt).await.unwrap()
    );
    // HQ's projection (written set-based for new attempts) equals the desktop's
    // (written event by event).
    assert_eq!(
        hq.db.store.answers(&attempt).await.unwrap(),
        desk.db.store.answers(&attempt).await.unwrap()
    );
    assert_eq!(central.status, local.status);
    assert_eq!(central.current_index, local.current_index);
    assert_eq!(central.status, examhall_protocol::AttemptStatus::Graded);

    // HQ's REST API shows it.
    let (s, v) = hq.get(&format!("/api/results/{exam}/"), &hq.admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{v}");
    assert_eq!(rows[0]["percentage"], 100.0);
    let (s, v) = hq
        .get(
            &format!("/api/results/analytics/?exam_id={exam}"),
            &hq.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["average_score"], 4.0, "{v}");
    assert_eq!(v["pass_rate"], 100.0);

    // Nothing new: another round sends nothing; resending the same batch changes nothing.
    let round = desk.app.sync_round().await.unwrap();
    assert_eq!(round.attempts_sent, 0);
    let dir = tempfile::tempdir().unwrap();
    let out = desk
        .app
        .export_results_to(&desk.admin, dir.path())
        .await
        .unwrap();
    assert_eq!(out.attempts, 1);
    let before = hq.db.store.events(&attempt).await.unwrap().len();
    match hq.app.ingest_file(out.results_file.as_ref()).await.unwrap() {
        IngestedFile::Results(r) => {
            assert_eq!(r.receipts.len(), 1);
            assert_eq!(r.receipts[0].outcome, ReceiptStatus::AlreadyHeld);
            assert_eq!(r.receipts[0].head_hash, local.head_hash);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(hq.db.store.events(&attempt).await.unwrap().len(), before);
}

async fn tampered_foreign_and_misdirected_packages_are_refused_and_change_nothing(
    backend: TestBackend,
) {
    let (hq, exam) = Hq::start(backend).await;
    hq.student("ann").await;
    let pkg = hq.publish(exam, "north", &["ann"]).await;
    let enrol = hq.enrolment("north").await;
    let desk = Desk::new().await;
    desk.app
        .enrol_with_hq(
            &desk.admin,
            EnrolDesktop {
                server_url: hq.base.clone(),
                token: enrol.token.clone(),
                device_name: "seat".into(),
            },
        )
        .await
        .unwrap();
    let bytes = hq
        .db
        .store
        .package_bytes(&pkg.package_id)
        .await
        .unwrap()
        .unwrap();

    // One byte changed anywhere (header, sealed content, signature).
    for at in [20, bytes.len() / 2, bytes.len() - 1] {
        let mut b = bytes.clone();
        b[at] ^= 0x40;
        let e = desk.app.receive_package(&b).await.unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("signature does not verify"),
            "byte {at}: {msg}"
        );
    }
    // Signed by someone other than HQ.
    let (other_hq, other_exam) = Hq::start(backend).await;
    other_hq.student("ann").await;
    let foreign = other_hq.publish(other_exam, "north", &["ann"]).await;
    let foreign = other_hq
        .db
        .store
        .package_bytes(&foreign.package_id)
        .await
        .unwrap()
        .unwrap();
    let e = desk.app.receive_package(&foreign).await.unwrap_err();
    assert!(e.to_string().contains("signature does not verify"), "{e}");
    // HQ's own package for another centre.
    let south = hq.publish(exam, "south", &["ann"]).await;
    let south = hq
        .db
        .store
        .package_bytes(&south.package_id)
        .await
        .unwrap()
        .unwrap();
    let e = desk.app.receive_package(&south).await.unwrap_err();
    assert!(e.to_string().contains("for centre `south`"), "{e}");
    // None of that stored a package or a candidate.
    let st = desk.app.sync_status(&desk.admin).await.unwrap();
    assert!(st.packages.is_empty());
    assert!(desk
        .db
        .store
        .user_by_username("ann")
        .await
        .unwrap()
        .is_none());

    // The genuine package is received; a wrong start code still opens nothing.
    desk.app.receive_package(&bytes).await.unwrap();
    let e = desk
        .app
        .open_package(
            &desk.invigilator,
            OpenPackage {
                package_id: pkg.package_id.clone(),
                start_code: "AAAAAA".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::WrongStartCode));
    assert!(desk.db.store.list_exams().await.unwrap().is_empty());
    // A candidate (now on the roster) cannot open packages.
    let ann = desk
        .app
        .login(examhall_protocol::LoginRequest {
            username: "ann".into(),
            password: crate::common::STUDENT_PASSWORD.into(),
        })
        .await
        .unwrap()
        .token;
    let e = desk
        .app
        .open_package(
            &ann,
            OpenPackage {
                package_id: pkg.package_id.clone(),
                start_code: pkg.start_code.clone(),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Forbidden { .. }), "{e:?}");
    assert!(desk.db.store.list_exams().await.unwrap().is_empty());
}

async fn the_usb_path_inbox_to_results_file_to_manifest_reports_what_is_missing(
    backend: TestBackend,
) {
    let (hq, exam) = Hq::start(backend).await;
    for s in ["ann", "bob", "cat"] {
        hq.student(s).await;
    }
    let pkg = hq.publish(exam, "north", &["ann", "bob", "cat"]).await;
    let enrol = hq.enrolment("north").await;
    let desk = Desk::new().await;
    desk.app
        .enrol_with_hq(
            &desk.admin,
            EnrolDesktop {
                server_url: hq.base.clone(),
                token: enrol.token.clone(),
                device_name: "seat".into(),
            },
        )
        .await
        .unwrap();

    // The package arrives on a stick: dropped into the watched inbox.
    let inbox = tempfile::tempdir().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let watcher = tokio::spawn(
        desk.app
            .clone()
            .watch_inbox(inbox.path().to_owned(), stop_rx),
    );
    std::fs::write(inbox.path().join("notes.txt"), "not a package").unwrap();
    let bytes = hq
        .db
        .store
        .package_bytes(&pkg.package_id)
        .await
        .unwrap()
        .unwrap();
    std::fs::write(inbox.path().join("science.exhpkg"), &bytes).unwrap();
    let mut got = false;
    for _ in 0..100 {
        if desk
            .db
            .store
            .package(&pkg.package_id)
            .await
            .unwrap()
            .is_some()
        {
            got = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(got, "the dropped package was imported");
    let _ = stop_tx.send(true);
    watcher.await.unwrap().unwrap();

    let sitting = desk
        .app
        .open_package(
            &desk.invigilator,
            OpenPackage {
                package_id: pkg.package_id.clone(),
                start_code: pkg.start_code.clone(),
            },
        )
        .await
        .unwrap();
    let a1 = desk
        .sit("ann", sitting.exam_id, &pkg.start_code, "42")
        .await;
    desk.grade_all().await;

    // First trip: ann's attempt.
    let stick1 = tempfile::tempdir().unwrap();
    let out1 = desk
        .app
        .export_results_to(&desk.invigilator, stick1.path())
        .await
        .unwrap();
    assert_eq!(out1.attempts, 1);
    match hq
        .app
        .ingest_file(out1.results_file.as_ref())
        .await
        .unwrap()
    {
        IngestedFile::Results(r) => assert_eq!(r.receipts[0].outcome, ReceiptStatus::Stored),
        other => panic!("{other:?}"),
    }
    match hq
        .app
        .ingest_file(out1.manifest_file.as_ref())
        .await
        .unwrap()
    {
        IngestedFile::Manifest(m) => {
            assert_eq!((m.listed, m.complete), (1, 1));
            assert!(m.missing.is_empty() && m.behind.is_empty());
        }
        other => panic!("{other:?}"),
    }

    // Second trip: bob and cat sat too, but the results file is left behind.
    let a2 = desk
        .sit("bob", sitting.exam_id, &pkg.start_code, "41")
        .await;
    let a3 = desk
        .sit("cat", sitting.exam_id, &pkg.start_code, "42")
        .await;
    desk.grade_all().await;
    let stick2 = tempfile::tempdir().unwrap();
    let out2 = desk
        .app
        .export_results_to(&desk.invigilator, stick2.path())
        .await
        .unwrap();
    assert_eq!(out2.attempts, 3);
    match hq
        .app
        .ingest_file(out2.manifest_file.as_ref())
        .await
        .unwrap()
    {
        IngestedFile::Manifest(m) => {
            assert_eq!((m.listed, m.complete), (3, 1));
            let mut missing = m.missing.clone();
            missing.sort();
            let mut want = vec![a2.clone(), a3.clone()];
            want.sort();
            assert_eq!(missing, want);
        }
        other => panic!("{other:?}"),
    }
    // The file arrives after all (through the server's HTTP endpoint this time).
    let env: SignedEnvelope =
        serde_json::from_str(&std::fs::read_to_string(&out2.results_file).unwrap()).unwrap();
    let (s, v) = hq
        .post(
            "/api/sync/results/",
            None,
            serde_json::to_value(&env).unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let outcomes: Vec<&str> = v["receipts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes.iter().filter(|o| **o == "stored").count(), 2);
    assert_eq!(outcomes.iter().filter(|o| **o == "already_held").count(), 1);
    match hq
        .app
        .ingest_file(out2.manifest_file.as_ref())
        .await
        .unwrap()
    {
        IngestedFile::Manifest(m) => assert_eq!((m.complete, m.missing.len()), (3, 0)),
        other => panic!("{other:?}"),
    }
    assert_eq!(hq.db.store.attempt(&a1).await.unwrap().unwrap().head_seq, {
        desk.db.store.attempt(&a1).await.unwrap().unwrap().head_seq
    });

    // A results file changed on the stick is refused whole, and stores nothing.
    let mut forged = env.clone();
    forged.payload = forged.payload.replacen("\"bob\"", "\"cat\"", 1);
    assert_ne!(forged.payload, env.payload);
    let path = stick2.path().join("forged.exhres");
    std::fs::write(&path, serde_json::to_vec(&forged).unwrap()).unwrap();
    let e = hq.app.ingest_file(&path).await.unwrap_err();
    assert!(e.to_string().contains("signature"), "{e}");
    std::fs::write(&path, b"{not json").unwrap();
    let e = hq.app.ingest_file(&path).await.unwrap_err();
    assert!(e.to_string().contains("line 1, column 2"), "{e}");
}

async fn the_same_attempt_from_a_second_device_is_an_incident_never_a_merge(backend: TestBackend) {
    let (hq, exam) = Hq::start(backend).await;
    hq.student("ann").await;
    let pkg = hq.publish(exam, "north", &["ann"]).await;
    let d1 = Desk::new().await;
    let d2 = Desk::new().await;
    for d in [&d1, &d2] {
        let t = hq.enrolment("north").await;
        d.app
            .enrol_with_hq(
                &d.admin,
                EnrolDesktop {
                    server_url: hq.base.clone(),
                    token: t.token.clone(),
                    device_name: "seat".into(),
                },
            )
            .await
            .unwrap();
        d.app.sync_round().await.unwrap();
        d.app
            .open_package(
                &d.invigilator,
                OpenPackage {
                    package_id: pkg.package_id.clone(),
                    start_code: pkg.start_code.clone(),
                },
            )
            .await
            .unwrap();
    }
    let exam1 = d1.db.store.list_exams().await.unwrap()[0].id;
    let exam2 = d2.db.store.list_exams().await.unwrap()[0].id;
    let a = d1.sit("ann", exam1, &pkg.start_code, "42").await;
    let b = d2.sit("ann", exam2, &pkg.start_code, "41").await;
    d1.grade_all().await;
    d2.grade_all().await;
    assert_eq!(d1.app.sync_round().await.unwrap().receipts_recorded, 1);
    let r2 = d2.app.sync_round().await.unwrap();
    assert_eq!((r2.receipts_recorded, r2.conflicts), (0, 1));
    let st = d2.app.sync_status(&d2.admin).await.unwrap();
    assert_eq!((st.pending, st.conflicts), (0, 1), "not retried forever");
    // HQ holds ann's first attempt only, and the administrator sees why.
    assert!(hq.db.store.attempt(&a).await.unwrap().is_some());
    assert!(hq.db.store.attempt(&b).await.unwrap().is_none());
    let (s, v) = hq.get("/api/sync/incidents/", &hq.admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v[0]["kind"], "second_attempt");
    assert_eq!(v[0]["attempt_id"], b.as_str());

    // Device 2 replaying device 1's attempt under its own signature: also refused.
    let hq_events_before = hq.db.store.events(&a).await.unwrap();
    let mut batch: examhall_protocol::sync::ResultBatch = {
        let dir = tempfile::tempdir().unwrap();
        let out = d1
            .app
            .export_results_to(&d1.admin, dir.path())
            .await
            .unwrap();
        let env: SignedEnvelope =
            serde_json::from_str(&std::fs::read_to_string(out.results_file).unwrap()).unwrap();
        serde_json::from_str(&env.payload).unwrap()
    };
    batch.attempts.truncate(1);
    let enr2 = d2.db.store.enrolment().await.unwrap().unwrap();
    let key2 = examhall_sync::SigningKey::from_hex(&enr2.device_key).unwrap();
    let env = examhall_sync::envelope::seal(&key2, &enr2.device_id, "results", &batch);
    let r = hq.app.ingest_results(env).await.unwrap();
    assert_eq!(r.receipts[0].outcome, ReceiptStatus::Conflict);
    assert_eq!(hq.db.store.events(&a).await.unwrap(), hq_events_before);
    let (_, v) = hq.get("/api/sync/incidents/", &hq.admin).await;
    assert_eq!(v[1]["kind"], "two_devices");

    // Device 1's own upload, but wrong: each bad attempt is rejected by name, stores
    // nothing and is not an incident; a good attempt in the same batch still goes in.
    let enr1 = d1.db.store.enrolment().await.unwrap().unwrap();
    let key1 = examhall_sync::SigningKey::from_hex(&enr1.device_key).unwrap();
    let good = batch.attempts[0].clone();
    let mut unknown_pkg = good.clone();
    unknown_pkg.attempt_id = "bad-package".into();
    unknown_pkg.package_id = "pkg-nope".into();
    let mut broken = good.clone();
    broken.attempt_id = "bad-chain".into();
    let mut odd_time = good.clone();
    odd_time.attempt_id = "bad-time".into();
    odd_time.time_multiplier = 0.0;
    let env = examhall_sync::envelope::seal(
        &key1,
        &enr1.device_id,
        "results",
        &examhall_protocol::sync::ResultBatch {
            attempts: vec![unknown_pkg, broken, odd_time, good],
        },
    );
    let r = hq.app.ingest_results(env).await.unwrap();
    let outcomes: Vec<ReceiptStatus> = r.receipts.iter().map(|x| x.outcome).collect();
    assert_eq!(
        outcomes,
        [
            ReceiptStatus::Rejected,
            ReceiptStatus::Rejected,
            ReceiptStatus::Rejected,
            ReceiptStatus::AlreadyHeld
        ]
    );
    let why = |i: usize| r.receipts[i].message.clone().unwrap_or_default();
    assert!(why(0).contains("pkg-nope"), "{}", why(0));
    // The events were hashed with the original attempt id: under another id the chain breaks.
    assert!(why(1).contains("hash does not match"), "{}", why(1));
    assert!(why(2).contains("time_multiplier"), "{}", why(2));
    for id in ["bad-package", "bad-chain", "bad-time"] {
        assert!(hq.db.store.attempt(id).await.unwrap().is_none());
    }
    let (_, v) = hq.get("/api/sync/incidents/", &hq.admin).await;
    assert_eq!(
        v.as_array().unwrap().len(),
        2,
        "rejections are not incidents"
    );

    // Students cannot read incidents; nobody unauthenticated can pull packages.
    let (s, _) = hq.get("/api/sync/packages/", "dev-nope.secret").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = hq
        .post(
            "/api/sync/enrol/",
            None,
            json!({"token": "x", "device_public_key": "00", "device_name": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["field"], "device_public_key");
}

/// Issue 16, point 9. Before the fix a round pulled packages first and stopped
/// at the first error, so a broken listing or one bad package kept every result
/// on the desktop.
async fn results_go_up_first_and_no_package_trouble_keeps_them_down(backend: TestBackend) {
    let (hq, exam) = Hq::start(backend).await;
    hq.student("ann").await;
    hq.student("bob").await;
    let pkg = hq.publish(exam, "north", &["ann", "bob"]).await;
    let enrol = hq.enrolment("north").await;
    let link = FaultyLink::to(&hq).await;
    let desk = Desk::new().await;
    desk.app.allow_plain_http(); // the faulty link is plain HTTP on loopback
    desk.app
        .enrol_with_hq(
            &desk.admin,
            EnrolDesktop {
                server_url: link.base.clone(),
                token: enrol.token.clone(),
                device_name: "Lab 1, seat 1".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(desk.app.sync_round().await.unwrap().packages_received, 1);
    let sitting = desk
        .app
        .open_package(
            &desk.invigilator,
            OpenPackage {
                package_id: pkg.package_id.clone(),
                start_code: pkg.start_code.clone(),
            },
        )
        .await
        .unwrap();
    let held = || async { hq.db.count("attempts", "device_id IS NOT NULL").await };

    // The listing fails: Ann's result goes up all the same.
    desk.sit("ann", sitting.exam_id, &pkg.start_code, "42")
        .await;
    desk.grade_all().await;
    link.set(Fault::ListingFails);
    let round = desk.app.sync_round().await.unwrap();
    assert_eq!(
        (round.attempts_sent, round.receipts_recorded),
        (1, 1),
        "{round:?}"
    );
    assert!(round.package_error.is_some(), "{round:?}");
    assert_eq!(held().await, 1);

    // A bad package: Bob's result goes up, the package is refused by name.
    let second = hq.publish(exam, "north", &["ann", "bob"]).await;
    desk.sit("bob", sitting.exam_id, &pkg.start_code, "41")
        .await;
    desk.grade_all().await;
    link.set(Fault::CorruptPackages);
    let round = desk.app.sync_round().await.unwrap();
    assert_eq!(
        (round.attempts_sent, round.packages_received),
        (1, 0),
        "{round:?}"
    );
    let why = round.package_error.clone().unwrap_or_default();
    assert!(why.contains(&second.package_id), "names the package: {why}");
    assert_eq!(held().await, 2);
    assert!(
        desk.db
            .store
            .package(&second.package_id)
            .await
            .unwrap()
            .is_none(),
        "the bad copy is not kept"
    );
    // The status screen shows the trouble.
    let st = desk.app.sync_status(&desk.admin).await.unwrap();
    assert!(
        st.last_error
            .as_ref()
            .is_some_and(|e| e.contains(&second.package_id)),
        "{st:?}"
    );

    // Once the link is sound, the package arrives.
    link.set(Fault::None);
    let round = desk.app.sync_round().await.unwrap();
    assert_eq!(round.packages_received, 1, "{round:?}");
    assert_eq!(round.package_error, None);
}

/// Rewrites an upload's chain so that its grading event and result claim
/// `total`, re-hashing every event: what the holder of a seat's key can do.
fn forge_total(up: &mut examhall_protocol::sync::AttemptUpload, total: f64) {
    use examhall_domain::{EventHash, Timestamp};
    let mut prev = EventHash::genesis();
    for e in &mut up.events {
        let mut v: serde_json::Value = serde_json::from_str(&e.payload).unwrap();
        if v["type"] == "graded" {
            v["total"] = json!(total);
            v["percentage"] = json!(100.0);
            v["passed"] = json!(true);
            e.payload = v.to_string();
        }
        e.prev_hash = prev.0.clone();
        prev = EventHash::link(&prev, &up.attempt_id, e.seq, Timestamp(e.at_ms), &e.payload);
        e.hash = prev.0.clone();
    }
    let r = up.result.as_mut().expect("a graded upload");
    r.total = total;
    r.percentage = 100.0;
    r.passed = true;
}

/// Issue 16, point 2. Before the fix HQ stored the total a device computed
/// (checked only against the device's own grading event) and took an attempt
/// for any student it knew, on the roster or not.
async fn hq_grades_uploads_itself_and_takes_only_the_roster(backend: TestBackend) {
    let (hq, exam) = Hq::start(backend).await;
    hq.student("ann").await;
    hq.student("bob").await;
    hq.student("carl").await;
    let pkg = hq.publish(exam, "north", &["ann", "bob"]).await;
    let desk = Desk::new().await;
    let enrol = hq.enrolment("north").await;
    desk.app
        .enrol_with_hq(
            &desk.admin,
            EnrolDesktop {
                server_url: hq.base.clone(),
                token: enrol.token.clone(),
                device_name: "Lab 1, seat 1".into(),
            },
        )
        .await
        .unwrap();
    desk.app.sync_round().await.unwrap();
    let sitting = desk
        .app
        .open_package(
            &desk.invigilator,
            OpenPackage {
                package_id: pkg.package_id.clone(),
                start_code: pkg.start_code.clone(),
            },
        )
        .await
        .unwrap();
    // Ann gets q3 wrong: 2 of 4 marks.
    desk.sit("ann", sitting.exam_id, &pkg.start_code, "41")
        .await;
    desk.grade_all().await;
    let dir = tempfile::tempdir().unwrap();
    let out = desk
        .app
        .export_results_to(&desk.admin, dir.path())
        .await
        .unwrap();
    let env: SignedEnvelope =
        serde_json::from_str(&std::fs::read_to_string(out.results_file).unwrap()).unwrap();
    let batch: examhall_protocol::sync::ResultBatch = serde_json::from_str(&env.payload).unwrap();
    let honest = batch.attempts[0].clone();
    assert_eq!(honest.result.as_ref().unwrap().total, 2.0);

    let mut forged = honest.clone();
    forge_total(&mut forged, 4.0);
    // Carl was never on the roster; his attempt is refused by name.
    let mut stranger = honest.clone();
    stranger.attempt_id = "carl-attempt".into();
    stranger.username = "carl".into();
    forge_total(&mut stranger, 2.0);
    let enr = desk.db.store.enrolment().await.unwrap().unwrap();
    let key = examhall_sync::SigningKey::from_hex(&enr.device_key).unwrap();
    let env = examhall_sync::envelope::seal(
        &key,
        &enr.device_id,
        "results",
        &examhall_protocol::sync::ResultBatch {
            attempts: vec![stranger, forged],
        },
    );
    let r = hq.app.ingest_results(env).await.unwrap();
    assert_eq!(r.receipts[0].outcome, ReceiptStatus::Rejected, "{r:?}");
    let why = r.receipts[0].message.clone().unwrap_or_default();
    assert!(why.contains("roster"), "{why}");
    assert!(hq.db.store.attempt("carl-attempt").await.unwrap().is_none());
    // Ann's attempt is taken (its events are hers), but graded by HQ: 2, not 4.
    assert_eq!(r.receipts[1].outcome, ReceiptStatus::Stored, "{r:?}");
    let held = hq
        .db
        .store
        .result(&honest.attempt_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        held.total, 2.0,
        "HQ's own arithmetic, from the chain's answers"
    );
    assert_eq!(held.percentage, 50.0, "not the 100 % the device claimed");
    // ...and the disagreement is on the administrator's list.
    let (_, v) = hq.get("/api/sync/incidents/", &hq.admin).await;
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "device_total_differs"
                && i["attempt_id"] == honest.attempt_id.as_str()),
        "{v}"
    );
}

/// Issue 16, point 4. A desktop trusts exactly the certificate whose fingerprint
/// its enrolment token carries: another server at the address (someone on the LAN
/// answering first) is refused in the handshake and nothing is stored; a token
/// without a fingerprint cannot enrol over HTTPS; plain HTTP needs the machine's
/// permission.
async fn enrolment_pins_the_certificate_in_the_token_and_plain_http_needs_permission(
    backend: TestBackend,
) {
    let (hq, _) = Hq::start(backend).await;
    let token = hq.enrolment("north").await.token;
    let (secret, fp) = token
        .split_once('-')
        .expect("the token carries a fingerprint");
    assert_eq!(fp, hq.tls.fingerprint());

    // An impostor: a real Examhall server with its own certificate.
    let (impostor, _) = Hq::start(TestBackend::Sqlite).await;
    let desk = Desk::new().await;
    let enrol = |url: &str, token: &str| EnrolDesktop {
        server_url: url.to_owned(),
        token: token.to_owned(),
        device_name: "Lab 1, seat 1".into(),
    };
    let e = desk
        .app
        .enrol_with_hq(&desk.admin, enrol(&impostor.base, &token))
        .await
        .unwrap_err();
    assert!(format!("{e}").contains("not the pinned one"), "{e}");
    assert!(desk.db.store.enrolment().await.unwrap().is_none());
    assert_eq!(impostor.db.count("devices", "1 = 1").await, 0);

    // The bare secret (the fingerprint cut off): no pin, no HTTPS enrolment.
    let e = desk
        .app
        .enrol_with_hq(&desk.admin, enrol(&hq.base, secret))
        .await
        .unwrap_err();
    assert!(format!("{e}").contains("fingerprint"), "{e}");
    // Plain HTTP is refused unless this machine allows it.
    let link = FaultyLink::to(&hq).await;
    let e = desk
        .app
        .enrol_with_hq(&desk.admin, enrol(&link.base, &token))
        .await
        .unwrap_err();
    assert!(format!("{e}").contains("plain HTTP"), "{e}");
    assert_eq!(
        hq.db.count("devices", "1 = 1").await,
        0,
        "nothing reached HQ"
    );

    // The real server, with the token as issued: enrolled, and the pin kept.
    desk.app
        .enrol_with_hq(&desk.admin, enrol(&hq.base, &token))
        .await
        .unwrap();
    let enr = desk.db.store.enrolment().await.unwrap().unwrap();
    assert_eq!(
        enr.server_fingerprint.as_deref(),
        Some(hq.tls.fingerprint())
    );
    // The sync screen says which certificate this machine trusts.
    let st = desk.app.sync_status(&desk.admin).await.unwrap();
    assert_eq!(st.server_fingerprint.as_deref(), Some(hq.tls.fingerprint()));
    // The token worked once: replayed (by another machine), it is refused.
    let other = Desk::new().await;
    let e = other
        .app
        .enrol_with_hq(&other.admin, enrol(&hq.base, &token))
        .await
        .unwrap_err();
    assert!(format!("{e}").contains("already enrolled"), "{e}");
    assert_eq!(hq.db.count("devices", "1 = 1").await, 1);
    // Later rounds keep the pin: the desktop syncs with HQ over HTTPS.
    desk.app.sync_round().await.unwrap();
}

/// Issue 16, point 4. Something between a desktop and HQ (here a plain-HTTP
/// link the desktop was allowed to use) answers result uploads itself with
/// receipts that look right: the attempt, its chain head, "stored". Before
/// answers were authenticated the desktop recorded them, and the result never
/// left its disk while the status said it had. Now the desktop acts only on an
/// answer whose MAC verifies under its enrolment secret, so the attempt stays
/// pending and goes up once the link is honest. An answer with its MAC
/// stripped is refused the same way.
async fn a_machine_answering_in_hqs_place_cannot_make_results_look_safe(backend: TestBackend) {
    let (hq, exam) = Hq::start(backend).await;
    hq.student("ann").await;
    let pkg = hq.publish(exam, "north", &["ann"]).await;
    let enrol = hq.enrolment("north").await;
    let link = FaultyLink::to(&hq).await;
    let desk = Desk::new().await;
    desk.app.allow_plain_http();
    desk.app
        .enrol_with_hq(
            &desk.admin,
            EnrolDesktop {
                server_url: link.base.clone(),
                token: enrol.token.clone(),
                device_name: "Lab 1, seat 1".into(),
            },
        )
        .await
        .unwrap();
    desk.app.sync_round().await.unwrap();
    // Over the plain link the sync screen names no pinned certificate.
    let st = desk.app.sync_status(&desk.admin).await.unwrap();
    assert_eq!(st.server_fingerprint, None);
    let sitting = desk
        .app
        .open_package(
            &desk.invigilator,
            OpenPackage {
                package_id: pkg.package_id.clone(),
                start_code: pkg.start_code.clone(),
            },
        )
        .await
        .unwrap();
    let ann = desk
        .sit("ann", sitting.exam_id, &pkg.start_code, "42")
        .await;
    desk.grade_all().await;
    let events = desk.db.store.events(&ann).await.unwrap();
    let head = events.last().unwrap();
    link.forge_receipts(
        json!({"receipts": [{"attempt_id": ann, "head_seq": head.seq,
                              "head_hash": head.hash.0, "outcome": "stored"}]})
        .to_string(),
    );
    link.set(Fault::ForgeReceipts);
    let e = desk.app.sync_round().await.unwrap_err();
    assert!(format!("{e}").contains("not authenticated"), "{e}");
    let st = desk.app.sync_status(&desk.admin).await.unwrap();
    assert_eq!((st.pending, st.synced), (1, 0), "{st:?}");
    assert_eq!(hq.db.count("attempts", "device_id IS NOT NULL").await, 0);

    // HQ's own answer without its MAC: not acted on either (HQ holds the
    // attempt now; the desktop resends it later and HQ says it already has it).
    link.set(Fault::StripMac);
    let e = desk.app.sync_round().await.unwrap_err();
    assert!(format!("{e}").contains("unsigned"), "{e}");
    let st = desk.app.sync_status(&desk.admin).await.unwrap();
    assert_eq!((st.pending, st.synced), (1, 0), "{st:?}");

    // An honest link: the receipt is recorded.
    link.set(Fault::None);
    let round = desk.app.sync_round().await.unwrap();
    assert_eq!(round.receipts_recorded, 1, "{round:?}");
    let st = desk.app.sync_status(&desk.admin).await.unwrap();
    assert_eq!((st.pending, st.synced), (0, 1), "{st:?}");
    assert_eq!(hq.db.count("attempts", "device_id IS NOT NULL").await, 1);
}

/// Issue 16, point 5. Before, every rostered candidate's argon2 hash travelled
/// in the package header in clear: whoever copied the file (a USB stick left in
/// a lab) could try the passwords offline. The roster is now sealed under the
/// centre's key, which HQ hands only to that centre's devices when they enrol;
/// the file shows neither the hashes nor the names. An enrolment token that was
/// never used stops working after a week.
async fn a_package_file_carries_no_credential_and_tokens_expire(backend: TestBackend) {
    let (hq, exam) = Hq::start(backend).await;
    hq.student("annabel").await;
    let pkg = hq.publish(exam, "north", &["annabel"]).await;
    let desk = Desk::new().await;
    let south = Desk::new().await;
    for (d, centre) in [(&desk, "north"), (&south, "south")] {
        d.app
            .enrol_with_hq(
                &d.admin,
                EnrolDesktop {
                    server_url: hq.base.clone(),
                    token: hq.enrolment(centre).await.token,
                    device_name: format!("{centre} seat"),
                },
            )
            .await
            .unwrap();
    }
    let enr = desk.db.store.enrolment().await.unwrap().unwrap();
    let (s, bytes) = {
        let resp = hq
            .http
            .get(format!("{}/api/sync/packages/{}/", hq.base, pkg.package_id))
            .bearer_auth(&enr.device_secret)
            .send()
            .await
            .unwrap();
        (resp.status(), resp.bytes().await.unwrap().to_vec())
    };
    assert_eq!(s, StatusCode::OK);
    for clear in ["$argon2id", "annabel"] {
        assert!(
            !bytes.windows(clear.len()).any(|w| w == clear.as_bytes()),
            "`{clear}` is readable in the package file"
        );
    }
    // The centre's own device reads the roster; another centre's key does not.
    let hq_key = examhall_sync::PublicKey::from_hex(&enr.hq_public_key, "hq").unwrap();
    let v = examhall_sync::package::verify(&bytes, &hq_key).unwrap();
    let key = |k: &Option<String>| -> [u8; 32] {
        hex::decode(k.as_deref().unwrap())
            .unwrap()
            .try_into()
            .unwrap()
    };
    assert_eq!(
        v.roster(&key(&enr.centre_key)).unwrap()[0].username,
        "annabel"
    );
    let south_enr = south.db.store.enrolment().await.unwrap().unwrap();
    assert_ne!(south_enr.centre_key, enr.centre_key);
    assert_eq!(
        v.roster(&key(&south_enr.centre_key)).unwrap_err(),
        examhall_sync::PackageError::WrongCentreKey
    );
    // The desk receives and opens it: its candidate can sign in there.
    assert_eq!(desk.app.sync_round().await.unwrap().packages_received, 1);
    desk.app
        .open_package(
            &desk.invigilator,
            OpenPackage {
                package_id: pkg.package_id.clone(),
                start_code: pkg.start_code.clone(),
            },
        )
        .await
        .unwrap();
    desk.app
        .login(examhall_protocol::LoginRequest {
            username: "annabel".into(),
            password: crate::common::STUDENT_PASSWORD.into(),
        })
        .await
        .unwrap();

    // A token left unused for longer than a week is refused, and enrols nothing.
    let stale = hq.enrolment("north").await.token;
    hq.clock.advance_secs(7 * 24 * 3600 + 1);
    let late = Desk::new().await;
    let e = late
        .app
        .enrol_with_hq(
            &late.admin,
            EnrolDesktop {
                server_url: hq.base.clone(),
                token: stale,
                device_name: "late seat".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(format!("{e}").contains("expired"), "{e}");
    assert!(late.db.store.enrolment().await.unwrap().is_none());
}

/// Issue 17, point 5: the stick's folder is the outbox. The desktop writes its
/// results there as soon as the folder appears (and again when they change);
/// importing them at HQ writes HQ's signed receipts beside them; back in the
/// desktop, the stick's receipts mark the attempt as held by HQ. A receipt file
/// forged or addressed to another desktop changes nothing.
async fn results_travel_by_stick_when_it_appears_and_hqs_receipts_come_back_on_it(
    backend: TestBackend,
) {
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
                device_name: "offline lab".into(),
            },
        )
        .await
        .unwrap();
    desk.app.sync_round().await.unwrap();
    let sitting = desk
        .app
        .open_package(
            &desk.invigilator,
            OpenPackage {
                package_id: pkg.package_id.clone(),
                start_code: pkg.start_code.clone(),
            },
        )
        .await
        .unwrap();
    let attempt = desk
        .sit("ann", sitting.exam_id, &pkg.start_code, "42")
        .await;
    desk.grade_all().await;
    // The link to HQ is gone from here on: only the stick carries results.
    let mounts = tempfile::tempdir().unwrap();
    let stick = mounts.path().join("EXAMHALL");
    let mut last = examhall_app::stick::StickMemory::default();
    let r = desk.app.stick_round(&stick, true, &mut last).await.unwrap();
    assert_eq!(
        r,
        examhall_app::stick::StickRound::default(),
        "no stick, nothing"
    );

    std::fs::create_dir(&stick).unwrap();
    let r = desk.app.stick_round(&stick, true, &mut last).await.unwrap();
    assert_eq!((r.present, r.exported), (true, Some(1)));
    let files = |ext: &str| -> Vec<std::path::PathBuf> {
        let mut v: Vec<_> = std::fs::read_dir(&stick)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == ext))
            .collect();
        v.sort();
        v
    };
    assert_eq!(files("exhres").len(), 1);
    assert_eq!(files("exhman").len(), 1);
    // Still there, nothing changed: nothing written again.
    let r = desk
        .app
        .stick_round(&stick, false, &mut last)
        .await
        .unwrap();
    assert_eq!(r.exported, None);

    // A forged receipt file (not HQ's key) and one for another desktop are
    // refused; the attempt stays pending.
    let forged = |key: &examhall_sync::SigningKey, device: &str| {
        let doc = examhall_protocol::sync::ReceiptFile {
            device_id: device.into(),
            created_at_ms: 0,
            receipts: vec![examhall_protocol::sync::Receipt {
                attempt_id: attempt.clone(),
                head_seq: 99,
                head_hash: "ff".into(),
                outcome: ReceiptStatus::Stored,
                message: None,
            }],
        };
        serde_json::to_vec(&examhall_sync::envelope::seal(
            key,
            "hq",
            examhall_sync::ENVELOPE_RECEIPTS,
            &doc,
        ))
        .unwrap()
    };
    let device = desk.db.store.enrolment().await.unwrap().unwrap().device_id;
    std::fs::write(
        stick.join("receipts-forged.exhrcpt"),
        forged(&examhall_sync::SigningKey::generate(), &device),
    )
    .unwrap();
    std::fs::write(stick.join("receipts-broken.exhrcpt"), b"{ not json").unwrap();
    let r = desk
        .app
        .stick_round(&stick, false, &mut last)
        .await
        .unwrap();
    assert_eq!((r.receipts_recorded, r.refused.len()), (0, 2), "{r:?}");
    assert!(r.refused.iter().any(|w| w.contains("line 1")), "{r:?}");
    assert_eq!(desk.db.store.outbox_counts().await.unwrap().pending, 1);
    // Each refused file is reported once, not at every look; another
    // desktop's receipts on a shared stick are left to it.
    std::fs::write(
        stick.join("receipts-dev-00000000deadbeef-2026-12-06.exhrcpt"),
        forged(
            &examhall_sync::SigningKey::generate(),
            "dev-00000000deadbeef",
        ),
    )
    .unwrap();
    let r = desk
        .app
        .stick_round(&stick, false, &mut last)
        .await
        .unwrap();
    assert!(r.refused.is_empty(), "{r:?}");

    // At HQ: the import writes HQ's receipts beside the results.
    match hq.app.ingest_file(&files("exhres")[0]).await.unwrap() {
        IngestedFile::Results(r) => assert_eq!(r.receipts[0].outcome, ReceiptStatus::Stored),
        other => panic!("{other:?}"),
    }
    assert!(hq.db.store.attempt(&attempt).await.unwrap().is_some());
    let hq_receipts: Vec<_> = files("exhrcpt")
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(&device))
        .collect();
    assert_eq!(hq_receipts.len(), 1, "{:?}", files("exhrcpt"));

    // Back at the desktop: the attempt is held by HQ, as over the network.
    // The same look writes the updated state (nothing pending) to the stick.
    let r = desk
        .app
        .stick_round(&stick, false, &mut last)
        .await
        .unwrap();
    assert_eq!((r.receipts_recorded, r.exported), (1, Some(1)), "{r:?}");
    let counts = desk.db.store.outbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.synced), (0, 1));
    // Reading the same receipts again changes nothing and writes nothing.
    let r = desk
        .app
        .stick_round(&stick, false, &mut last)
        .await
        .unwrap();
    assert_eq!(r.exported, None);
    let counts = desk.db.store.outbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.synced), (0, 1));
}

/// Issue 17, point 3: a resit. Without a reset, a candidate's second attempt at
/// an exam is refused at HQ as an incident. An administrator resets Ann's
/// handed-in attempt (kept, marked superseded, out of the results); she sits a
/// new package of the same exam, and HQ takes the new attempt as hers.
async fn a_resit_supersedes_the_old_attempt_and_hq_takes_the_new_one(backend: TestBackend) {
    let (hq, exam) = Hq::start(backend).await;
    hq.student("ann").await;
    let first = hq.publish(exam, "north", &["ann"]).await;
    let desk = Desk::new().await;
    desk.app
        .enrol_with_hq(
            &desk.admin,
            EnrolDesktop {
                server_url: hq.base.clone(),
                token: hq.enrolment("north").await.token,
                device_name: "Hall A".into(),
            },
        )
        .await
        .unwrap();
    desk.app.sync_round().await.unwrap();
    let sit_package = |pkg: examhall_protocol::sync::PublishedPackage, q3: &'static str| {
        let desk = &desk;
        async move {
            let sitting = desk
                .app
                .open_package(
                    &desk.invigilator,
                    OpenPackage {
                        package_id: pkg.package_id.clone(),
                        start_code: pkg.start_code.clone(),
                    },
                )
                .await
                .unwrap();
            let id = desk.sit("ann", sitting.exam_id, &pkg.start_code, q3).await;
            desk.grade_all().await;
            desk.app.sync_round().await.unwrap();
            id
        }
    };
    let old = sit_package(first, "1").await;
    assert!(hq.db.store.attempt(&old).await.unwrap().is_some());

    // Only an administrator resets, with a reason, once, a handed-in attempt.
    let resit = |attempt: &str, reason: &str| json!({"attempt_id": attempt, "reason": reason});
    let ann = hq.login("ann", crate::common::STUDENT_PASSWORD).await;
    let (st, _) = hq
        .post(
            "/api/attempts/resit/",
            Some(&ann),
            resit(&old, "I would like another go"),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = hq
        .post("/api/attempts/resit/", Some(&hq.admin), resit(&old, " "))
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _) = hq
        .post("/api/attempts/resit/", Some(&hq.admin), resit("nope", "x"))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, v) = hq
        .post(
            "/api/attempts/resit/",
            Some(&hq.admin),
            resit(
                &old,
                "fire alarm evacuation at 10:20; board approved a resit",
            ),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert!(v["superseded_reason"]
        .as_str()
        .unwrap()
        .contains("fire alarm"));
    let (st, _) = hq
        .post(
            "/api/attempts/resit/",
            Some(&hq.admin),
            resit(&old, "again"),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (_, results) = hq.get(&format!("/api/results/{exam}/"), &hq.admin).await;
    assert_eq!(results, json!([]), "a superseded attempt is no result");

    // The resit: a new package of the same exam; HQ takes the new attempt.
    let second = hq.publish(exam, "north", &["ann"]).await;
    desk.app.sync_round().await.unwrap();
    let new = sit_package(second.clone(), "42").await;
    assert_ne!(new, old);
    let incidents = hq.app.sync_incidents(&hq.admin).await.unwrap();
    assert!(incidents.is_empty(), "{incidents:?}");
    let (_, results) = hq.get(&format!("/api/results/{exam}/"), &hq.admin).await;
    let rows = results.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{results}");
    assert_eq!(rows[0]["attempt_id"], new.as_str());
    let kept = hq.db.store.attempt(&old).await.unwrap().unwrap();
    assert!(kept.superseded_reason.is_some(), "the old attempt is kept");
    let recon = hq
        .app
        .reconcile(&hq.admin, &second.package_id)
        .await
        .unwrap();
    assert_eq!(recon.lines[0].attempt_id.as_deref(), Some(new.as_str()));
}

async fn a_desktop_exam_behind_a_relay_hub_reaches_hq_before_its_results(backend: TestBackend) {
    let (mut hq, hq_exam) = Hq::start(backend).await;
    let hub = Hub::start(&hq, &hq.enrolment("north").await.token).await;
    let desk = Desk::new().await;
    desk.app
        .enrol_with_hq(
            &desk.admin,
            EnrolDesktop {
                server_url: hub.base.clone(),
                token: hq.enrolment_via("north", &hub).await.token,
                device_name: "Hall A, teacher's desk".into(),
            },
        )
        .await
        .unwrap();
    let (exam, code) = desktop_exam(&hq, &desk, hq_exam).await;
    let attempt = desk.sit("zoe", exam, &code, "42").await;
    desk.grade_all().await;

    // HQ unreachable: the hub cannot pass the exam on, so the results wait on
    // the desktop (the hub takes nothing it could not forward).
    let addr = hq.base.trim_start_matches("https://").to_owned();
    hq.stop().await;
    let round = desk.app.sync_round().await.unwrap();
    assert_eq!(round.attempts_sent, 0, "{round:?}");
    assert!(round.package_error.is_some(), "{round:?}");
    assert_eq!(desk.db.store.outbox_counts().await.unwrap().pending, 1);

    hq.listen(&addr).await;
    let round = desk.app.sync_round().await.unwrap();
    assert_eq!(
        (round.attempts_sent, round.receipts_recorded),
        (1, 1),
        "{round:?}"
    );
    hub.app.sync_round().await.unwrap();
    let held = hq
        .db
        .store
        .list_exams()
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.id != hq_exam)
        .expect("held at HQ");
    let (s, v) = hq
        .get(&format!("/api/results/{}/", held.id), &hq.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v[0]["attempt_id"], attempt.as_str());
    assert_eq!(v[0]["score"], 4.0);
}

async fn the_stick_is_written_as_soon_as_its_folder_appears_without_waiting_for_a_look(
    backend: TestBackend,
) {
    let (hq, hq_exam) = Hq::start(backend).await;
    let desk = enrolled_desk(&hq, "offline lab").await;
    let (exam, code) = desktop_exam(&hq, &desk, hq_exam).await;
    desk.sit("zoe", exam, &code, "42").await;
    desk.grade_all().await;
    let mounts = tempfile::tempdir().unwrap();
    let stick = mounts.path().join("STICK").join("EXAMHALL");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    // The slow look is ten minutes away: only the folder's watch can be quick.
    let looking = tokio::spawn(desk.app.clone().stick_loop(
        stick.clone(),
        std::time::Duration::from_secs(600),
        stop_rx,
    ));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    std::fs::create_dir_all(&stick).unwrap();
    let written = |ext: &str| {
        std::fs::read_dir(&stick)
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| e.path().extension().is_some_and(|x| x == ext))
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while !(written("exhres") && written("exhexam")) {
        assert!(
            std::time::Instant::now() < deadline,
            "results not written on the stick 15 s after its folder appeared"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    stop_tx.send(true).unwrap();
    looking.await.unwrap();
}
