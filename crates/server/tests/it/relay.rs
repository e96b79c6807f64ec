//! A centre hub between desktops and HQ: a server enrolled with an upstream. It
//! serves HQ's packages to its desktops, passes their enrolments through, takes
//! custody of their results while HQ is unreachable, and forwards them verbatim
//! once the link is back: HQ ends with each attempt exactly once, under the
//! desktop's own device id and signature.

use crate::common::{Desk, Hq, Hub};
use examhall_protocol::sync::{EnrolDesktop, OpenPackage, ReceiptStatus, SignedEnvelope};
use examhall_testkit::{on_both_backends, TestBackend};
use reqwest::StatusCode;

on_both_backends!(a_hub_relays_packages_down_and_results_up_across_an_hq_outage);

async fn a_hub_relays_packages_down_and_results_up_across_an_hq_outage(backend: TestBackend) {
    let (mut hq, exam) = Hq::start(backend).await;
    hq.student("ann").await;
    hq.student("bob").await;
    let pkg = hq.publish(exam, "north", &["ann", "bob"]).await;

    // The hub enrols with an HQ token and pulls its centre's package.
    let hub = Hub::start(&hq, &hq.enrolment("north").await.token).await;
    let round = hub.app.sync_round().await.unwrap();
    assert_eq!(round.packages_received, 1);

    // A desktop enrols through the hub with its own HQ token: HQ knows it.
    let desk = Desk::new().await;
    let st = desk
        .app
        .enrol_with_hq(
            &desk.admin,
            EnrolDesktop {
                server_url: hub.base.clone(),
                token: hq.enrolment_via("north", &hub).await.token,
                device_name: "Lab 1, seat 1".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(st.centre.as_deref(), Some("north"));
    let device_id = st.device_id.unwrap();
    assert!(hq.db.store.device(&device_id).await.unwrap().is_some());
    // A token HQ never issued is refused by HQ, through the hub, and records nothing.
    let stranger = Desk::new().await;
    let e = stranger
        .app
        .enrol_with_hq(
            &stranger.admin,
            EnrolDesktop {
                server_url: hub.base.clone(),
                token: "not-a-token".into(),
                device_name: "intruder".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(!e.to_string().is_empty());
    assert!(stranger.db.store.enrolment().await.unwrap().is_none());

    // The desktop pulls HQ's package from the hub (verified against HQ's key).
    let round = desk.app.sync_round().await.unwrap();
    assert_eq!(round.packages_received, 1);
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
    let bob = desk
        .sit("bob", sitting.exam_id, &pkg.start_code, "41")
        .await;
    desk.grade_all().await;

    // HQ goes away. The hub takes custody: the desktop's results are receipted.
    let hq_addr = hq.base.trim_start_matches("https://").to_owned();
    hq.stop().await;
    let round = desk.app.sync_round().await.unwrap();
    assert_eq!((round.attempts_sent, round.receipts_recorded), (2, 2));
    let st = desk.app.sync_status(&desk.admin).await.unwrap();
    assert_eq!((st.pending, st.synced, st.conflicts), (0, 2, 0));
    assert!(hub.app.sync_round().await.is_err(), "HQ is unreachable");
    let hub_admin = hub.admin.clone();
    let hst = hub.app.sync_status(&hub_admin).await.unwrap();
    assert_eq!((hst.relay.pending, hst.relay.forwarded), (1, 0));
    assert!(hst.last_error.is_some());

    // The same results again (a USB copy posted to the hub): acknowledged, not queued twice.
    let dir = tempfile::tempdir().unwrap();
    let out = desk
        .app
        .export_results_to(&desk.admin, dir.path())
        .await
        .unwrap();
    let env: SignedEnvelope =
        serde_json::from_str(&std::fs::read_to_string(&out.results_file).unwrap()).unwrap();
    let resp = crate::common::pinned_http(hub.tls.fingerprint())
        .post(format!("{}/api/sync/results/", hub.base))
        .json(&env)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let receipts: examhall_protocol::sync::Receipts = resp.json().await.unwrap();
    assert!(receipts
        .receipts
        .iter()
        .all(|r| r.outcome == ReceiptStatus::AlreadyHeld));
    let hst = hub.app.sync_status(&hub_admin).await.unwrap();
    assert_eq!(hst.relay.pending, 1);
    // A result whose log was altered on the way is refused by the hub by name.
    let mut batch: examhall_protocol::sync::ResultBatch =
        serde_json::from_str(&env.payload).unwrap();
    batch.attempts[0].events[1].payload = batch.attempts[0].events[1].payload.replace("B", "A");
    let enr = desk.db.store.enrolment().await.unwrap().unwrap();
    let key = examhall_sync::SigningKey::from_hex(&enr.device_key).unwrap();
    let forged = examhall_sync::envelope::seal(&key, &enr.device_id, "results", &batch);
    let r = hub.app.ingest_results(forged).await.unwrap();
    assert_eq!(r.receipts[0].outcome, ReceiptStatus::Rejected, "{r:?}");
    assert_eq!(
        hub.app.sync_status(&hub_admin).await.unwrap().relay.pending,
        1
    );

    // HQ is back: the hub forwards, HQ holds both attempts once, as the desktop's.
    hq.listen(&hq_addr).await;
    let round = hub.app.sync_round().await.unwrap();
    assert_eq!(round.relayed, 1);
    assert_eq!(
        hq.db.store.attempts_from_device(&device_id).await.unwrap(),
        2
    );
    for a in [&ann, &bob] {
        assert!(
            hq.db.store.attempt(a).await.unwrap().is_some(),
            "HQ holds {a}"
        );
        assert_eq!(
            hq.db.store.events(a).await.unwrap(),
            desk.db.store.events(a).await.unwrap()
        );
    }
    let (s, v) = hq.get(&format!("/api/results/{exam}/"), &hq.admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v.as_array().unwrap().len(), 2, "{v}");
    let hst = hub.app.sync_status(&hub_admin).await.unwrap();
    assert_eq!(
        (hst.relay.pending, hst.relay.forwarded, hst.relay.refused),
        (0, 1, 0)
    );
    // Nothing is forwarded twice.
    let before = hq.db.store.events(&ann).await.unwrap().len();
    assert_eq!(hub.app.sync_round().await.unwrap().relayed, 0);
    assert_eq!(hq.db.store.events(&ann).await.unwrap().len(), before);

    // A second desktop sending the first one's attempt is refused at the hub.
    let desk2 = Desk::new().await;
    desk2
        .app
        .enrol_with_hq(
            &desk2.admin,
            EnrolDesktop {
                server_url: hub.base.clone(),
                token: hq.enrolment_via("north", &hub).await.token,
                device_name: "Lab 1, seat 2".into(),
            },
        )
        .await
        .unwrap();
    let enr2 = desk2.db.store.enrolment().await.unwrap().unwrap();
    let key2 = examhall_sync::SigningKey::from_hex(&enr2.device_key).unwrap();
    let mut theirs: examhall_protocol::sync::ResultBatch =
        serde_json::from_str(&env.payload).unwrap();
    theirs.attempts.truncate(1);
    let replay = examhall_sync::envelope::seal(&key2, &enr2.device_id, "results", &theirs);
    let r = hub.app.ingest_results(replay).await.unwrap();
    assert_eq!(r.receipts[0].outcome, ReceiptStatus::Conflict, "{r:?}");
    assert_eq!(
        hub.app.sync_status(&hub_admin).await.unwrap().relay.pending,
        0
    );
}
