//! Store tests on a real SQLite file with every migration applied.

use examhall_domain::{
    verify_chain, Answer, AttemptEvent, QuestionId, Role, SubmitReason, Timestamp,
};
use examhall_store::{AppendError, NewAttempt, NewJob, NewUserRow, Store, StoreError};

const T0: Timestamp = Timestamp(1_780_304_400_000);

async fn with_attempt() -> (tempfile::TempDir, Store, String) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.sqlite")).await.unwrap();
    let u = store
        .insert_user(
            NewUserRow {
                username: "c",
                display_name: "C",
                role: Role::Candidate,
                password_hash: "h",
            },
            T0,
        )
        .await
        .unwrap();
    let exam = store
        .insert_exam(&one_question_exam(), None, T0)
        .await
        .unwrap();
    let sitting = store.open_sitting(exam, "ABCDEF", u, T0).await.unwrap();
    let started = AttemptEvent::Started {
        exam_id: exam,
        sitting_id: sitting,
        allowed_ms: 60_000,
    };
    let a = NewAttempt {
        id: "att1",
        exam_id: exam,
        sitting_id: sitting,
        user_id: u,
        duration_secs: 60,
        time_multiplier: 1.0,
    };
    store.create_attempt(a, &started, T0).await.unwrap();
    (dir, store, "att1".into())
}

fn one_question_exam() -> examhall_domain::ExamSpec {
    serde_json::from_str(
        r#"{"title":"T","duration_secs":60,"pass_mark_pct":50,"release":"immediately",
            "questions":[{"id":"q1","prompt":"?","marks":1,"kind":{"type":"true_false","correct":true}}]}"#,
    )
    .unwrap()
}

fn answer(v: &str) -> AttemptEvent {
    AttemptEvent::AnswerSet {
        question: QuestionId::parse("q1").unwrap(),
        answer: Some(Answer::Text(v.into())),
    }
}

#[tokio::test]
async fn the_log_is_append_only_at_the_database_level() {
    let (_d, store, id) = with_attempt().await;
    store.append(&id, &[answer("true")], T0).await.unwrap();
    let path = _d.path().join("t.sqlite");
    let raw = shell_exec(
        &path,
        "UPDATE attempt_events SET payload = 'x' WHERE seq = 2",
    )
    .await;
    assert!(
        raw.contains("append-only"),
        "updates are refused by a trigger: {raw}"
    );
    let raw = shell_exec(&path, "DELETE FROM attempt_events").await;
    assert!(
        raw.contains("append-only"),
        "deletes are refused by a trigger: {raw}"
    );
}

/// Runs a statement through the sqlite3 shell, an independent client that knows
/// nothing of Examhall, and returns what it printed on stderr.
async fn shell_exec(path: &std::path::Path, sql: &'static str) -> String {
    let out = std::process::Command::new("sqlite3")
        .arg(path)
        .arg(sql)
        .output();
    match out {
        Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
        Err(e) => {
            panic!("the sqlite3 shell is needed for this test (apt-get install sqlite3): {e}")
        }
    }
}

#[tokio::test]
async fn the_head_always_names_the_last_event_and_the_chain_verifies() {
    let (_d, store, id) = with_attempt().await;
    for v in ["true", "false", "true"] {
        store.append(&id, &[answer(v)], T0).await.unwrap();
    }
    let a = store.attempt(&id).await.unwrap().unwrap();
    let events = store.events(&id).await.unwrap();
    assert_eq!(a.head_seq, 4, "started + three answers");
    assert_eq!(
        a.head_hash,
        events.last().unwrap().hash.0,
        "the trigger moved the head"
    );
    assert_eq!(verify_chain(&id, &events).unwrap().len(), 4);
    let answers = store.answers(&id).await.unwrap();
    assert_eq!(
        answers[0].answer,
        Some(Answer::Text("true".into())),
        "projection holds the latest value"
    );
}

#[tokio::test]
async fn a_refused_conditional_append_writes_nothing() {
    let (_d, store, id) = with_attempt().await;
    let r = store
        .append_if(&id, T0, |_| Err::<Vec<AttemptEvent>, _>("closed"))
        .await;
    assert!(matches!(r, Err(AppendError::Refused("closed"))));
    assert_eq!(
        store.events(&id).await.unwrap().len(),
        1,
        "only the start event"
    );
    let (row, seq) = store
        .append_if(&id, T0, |a| {
            Ok::<_, ()>(vec![answer(if a.head_seq == 1 { "true" } else { "false" })])
        })
        .await
        .unwrap();
    assert_eq!(
        (row.head_seq, seq),
        (1, 2),
        "decide sees the state before the append"
    );
}

#[tokio::test]
async fn nothing_follows_submission_and_a_second_attempt_is_a_conflict() {
    let (_d, store, id) = with_attempt().await;
    let job = NewJob {
        kind: "grade_attempt",
        payload: "{}".into(),
    };
    store
        .submit(
            &id,
            &AttemptEvent::Submitted {
                reason: SubmitReason::Candidate,
            },
            &job,
            T0,
        )
        .await
        .unwrap();
    let late = store.append(&id, &[answer("true")], T0).await;
    assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");
    let again = store
        .create_attempt(
            NewAttempt {
                id: "att2",
                exam_id: 1,
                sitting_id: 1,
                user_id: 1,
                duration_secs: 60,
                time_multiplier: 1.0,
            },
            &AttemptEvent::Started {
                exam_id: 1,
                sitting_id: 1,
                allowed_ms: 1,
            },
            T0,
        )
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "one attempt per candidate and exam: {again:?}"
    );
}

#[tokio::test]
async fn every_migration_applies_to_a_fresh_file_and_reopening_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.sqlite");
    let s = Store::open(&path).await.unwrap();
    s.close().await;
    let s = Store::open(&path).await.unwrap();
    assert_eq!(s.user_count().await.unwrap(), 0);
}

/// Issue 16, point 6. Before the fix the database (and its WAL) were created
/// with the process umask (0644 here): any account on a lab PC could copy every
/// answer, key and device secret.
#[cfg(unix)]
#[tokio::test]
async fn the_database_and_its_journal_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite");
    let store = Store::open(&path).await.unwrap();
    store.set_centre_name("North", T0).await.unwrap();
    for name in ["new.sqlite", "new.sqlite-wal", "new.sqlite-shm"] {
        let p = dir.path().join(name);
        let mode = std::fs::metadata(&p)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name} is {:o}", mode & 0o777);
    }
    drop(store);
    // A file made readable by someone else is tightened when opened again.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let _store = Store::open(&path).await.unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}
