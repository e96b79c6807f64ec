//! `examhall report` against a real centre database: the PDF lands where asked,
//! and bad input (wrong password, no database) fails with a message and no file.

use examhall_app::{App, Outcome, SystemClock};
use examhall_protocol::{AttemptRef, LoginRequest, SetAnswer, StartAttempt};
use std::process::Command;
use std::sync::Arc;

/// A demo centre where the demo candidate has sat and been graded.
fn centre() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("examhall.sqlite");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let app = App::open(&db, Arc::new(SystemClock)).await.unwrap();
        assert!(app.seed_demo().await.unwrap());
        let token = app
            .login(LoginRequest {
                username: "candidate".into(),
                password: "demo-candidate-pass".into(),
            })
            .await
            .unwrap()
            .token;
        let v = app
            .start_attempt(
                &token,
                StartAttempt {
                    exam_id: 1,
                    start_code: "EXAM24".into(),
                },
            )
            .await
            .unwrap();
        let save = SetAnswer {
            attempt_id: v.attempt_id.clone(),
            question_id: "q1".into(),
            answer: Some(examhall_protocol::Answer::Text("b".into())),
        };
        app.set_answer(&token, save).await.unwrap();
        app.submit(
            &token,
            AttemptRef {
                attempt_id: v.attempt_id,
            },
        )
        .await
        .unwrap();
        let w = app.worker();
        while w.try_run_next().await.unwrap() != Outcome::Idle {}
        app.shutdown().await;
    });
    dir
}

fn examhall() -> Command {
    Command::new(env!("CARGO_BIN_EXE_examhall"))
}

#[test]
fn report_writes_the_summary_and_the_sheets() {
    let dir = centre();
    let out = dir.path().join("printed");
    for (kind, file) in [
        ("summary", "exam-summary"),
        ("sheets", "result-sheets"),
        ("room", "room-report"),
    ] {
        let run = examhall()
            .args(["report", "--user", "teacher", "--out"])
            .arg(&out)
            .arg("--data-dir")
            .arg(dir.path())
            .args([kind, "--exam", "1"])
            .env("EXAMHALL_PASSWORD", "demo-teacher-pass")
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let path = String::from_utf8(run.stdout).unwrap().trim().to_owned();
        assert!(path.contains(file) && path.ends_with(".pdf"), "{path}");
        let text = Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8(text.stdout).unwrap();
        assert!(text.contains("Demo: General Science"), "{kind}: {text}");
        if kind == "room" {
            // The demo's second candidate never came.
            assert!(
                text.contains("Zoë Łukasiewicz") && text.contains("absent"),
                "{text}"
            );
        }
        if kind == "sheets" {
            assert!(text.contains("Chidi Candidate"), "{text}");
            assert!(text.contains("PASS") || text.contains("FAIL"), "{text}");
        }
    }
}

#[test]
fn a_wrong_password_or_a_missing_database_prints_nothing() {
    let dir = centre();
    let out = dir.path().join("printed");
    let run = examhall()
        .args(["report", "--user", "teacher", "--out"])
        .arg(&out)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["summary", "--exam", "1"])
        .env("EXAMHALL_PASSWORD", "not-the-password")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("examhall report:"), "{err}");
    assert!(!out.exists(), "nothing written");

    let empty = tempfile::tempdir().unwrap();
    let run = examhall()
        .args(["report", "--user", "teacher", "--data-dir"])
        .arg(empty.path())
        .args(["summary", "--exam", "1"])
        .env("EXAMHALL_PASSWORD", "demo-teacher-pass")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("examhall.sqlite") && err.contains("no Examhall database"),
        "{err}"
    );
}
