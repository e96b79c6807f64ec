//! The candidate's receipt (issue 19, point 3): shown with the result whatever
//! its state, and checked by staff against the stored log: valid, unknown
//! attempt, or where the receipt and the log part.

use crate::Ctx;
use examhall_protocol::{AttemptRef, ErrorCode, VerifyReceipt};

#[tokio::test]
async fn a_submitted_attempt_has_a_receipt_that_staff_verify_against_the_log() {
    let ctx = Ctx::demo().await;
    let (token, view) = ctx.started().await;
    let id = view.attempt_id.clone();
    ctx.answer_and_submit(
        &token,
        &id,
        &[("q1", examhall_domain::Answer::Text("b".into()))],
    )
    .await;
    let r = || AttemptRef {
        attempt_id: id.clone(),
    };
    let before_grading = ctx.app.attempt_result(&token, r()).await.unwrap();
    let rc = before_grading
        .receipt
        .expect("a receipt as soon as it is handed in");
    assert_eq!(rc.attempt_id, id);
    assert_eq!(rc.answered, 1);
    assert_eq!(rc.questions as usize, view.questions.len());
    assert!(!rc.candidate.is_empty());
    let (seq, hash) = rc.code.split_once('-').unwrap();
    let events = ctx.db.store.events(&id).await.unwrap();
    let submitted = events
        .iter()
        .find(|e| e.payload.contains("submitted"))
        .unwrap();
    assert_eq!(seq, submitted.seq.to_string());
    assert!(
        submitted.hash.0.starts_with(hash),
        "the code is the submitted event's hash"
    );
    assert_eq!(rc.submitted_at_ms, submitted.at.0);

    // Grading extends the chain; the receipt stays valid and the same.
    ctx.drain().await;
    let after = ctx.app.attempt_result(&token, r()).await.unwrap();
    assert_eq!(after.receipt.as_ref().unwrap().code, rc.code);

    let teacher = ctx.login("teacher").await;
    let check = |receipt: &str, attempt: &str| VerifyReceipt {
        attempt_id: attempt.into(),
        receipt: receipt.into(),
    };
    let ok = ctx
        .app
        .verify_receipt(&teacher, check(&rc.code, &id))
        .await
        .unwrap();
    assert_eq!(ok.outcome, "valid", "{ok:?}");
    assert_eq!(ok.seq, Some(submitted.seq));
    assert!(ok.events.unwrap() > submitted.seq, "graded since");
    // The chain head a result sheet prints is found too.
    let head = ctx.db.store.attempt(&id).await.unwrap().unwrap().head_hash;
    let sheet = ctx
        .app
        .verify_receipt(&teacher, check(&head, &id))
        .await
        .unwrap();
    assert_eq!(sheet.outcome, "valid");
    // A receipt altered by one digit differs from its event on; another
    // attempt's id is unknown here.
    let last = hash.chars().last().unwrap();
    let forged = format!(
        "{seq}-{}{}",
        &hash[..hash.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    let bad = ctx
        .app
        .verify_receipt(&teacher, check(&forged, &id))
        .await
        .unwrap();
    assert_eq!(
        (bad.outcome.as_str(), bad.seq),
        ("differs", Some(submitted.seq)),
        "{bad:?}"
    );
    assert!(
        bad.message
            .contains(&format!("from event {}", submitted.seq)),
        "{}",
        bad.message
    );
    let unknown = ctx
        .app
        .verify_receipt(&teacher, check(&rc.code, "no-such-attempt"))
        .await
        .unwrap();
    assert_eq!(unknown.outcome, "unknown_attempt");
    // Malformed input is refused by field; a candidate checks nothing.
    let e = ctx
        .app
        .verify_receipt(&teacher, check("12-xyz", &id))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Invalid);
    assert!(e.to_string().starts_with("receipt:"), "{e}");
    let e = ctx
        .app
        .verify_receipt(&teacher, check(&rc.code, "a b"))
        .await
        .unwrap_err();
    assert!(e.to_string().starts_with("attempt_id:"), "{e}");
    assert_eq!(
        ctx.app
            .verify_receipt(&token, check(&rc.code, &id))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
}
