//! `examhall users …` against a real data directory: every command, and the
//! refusals (not an administrator, a duplicate, an unknown name).

use examhall_app::protocol::{LoginRequest, NewUser, Role};
use examhall_app::{App, AppError, SystemClock};
use std::process::{Command, Output};
use std::sync::Arc;

async fn centre() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("examhall.sqlite"), Arc::new(SystemClock))
        .await
        .unwrap();
    let admin = app
        .create_first_admin(NewUser {
            username: "head".into(),
            display_name: "Head of Centre".into(),
            password: "head-password-1".into(),
            role: Role::Admin,
            email: None,
            candidate_number: None,
        })
        .await
        .unwrap()
        .token;
    app.create_user(
        &admin,
        NewUser {
            username: "tess".into(),
            display_name: "Tess".into(),
            password: "teacher-pass-1".into(),
            role: Role::Teacher,
            email: None,
            candidate_number: None,
        },
    )
    .await
    .unwrap();
    app.shutdown().await;
    dir
}

fn users(dir: &tempfile::TempDir, who: (&str, &str), args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_examhall"))
        .arg("users")
        .args(args)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--user", who.0])
        .env("EXAMHALL_PASSWORD", who.1)
        .output()
        .unwrap()
}

fn ok_json(out: Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn sign_in(
    dir: &tempfile::TempDir,
    username: &str,
    password: &str,
) -> Result<bool, AppError> {
    let app = App::open(&dir.path().join("examhall.sqlite"), Arc::new(SystemClock))
        .await
        .unwrap();
    let r = app
        .login(LoginRequest {
            username: username.into(),
            password: password.into(),
        })
        .await
        .map(|s| s.must_change_password);
    app.shutdown().await;
    r
}

const HEAD: (&str, &str) = ("head", "head-password-1");

#[tokio::test]
async fn an_administrator_manages_accounts_from_the_command_line() {
    let dir = centre().await;
    let made = ok_json(users(
        &dir,
        HEAD,
        &[
            "add",
            "--username",
            "cand01",
            "--display-name",
            "Amara Obi",
            "--candidate-number",
            "N-0001",
            "--json",
        ],
    ));
    assert_eq!(made["username"], "cand01");
    let otp = made["password"].as_str().unwrap().to_owned();
    assert!(
        sign_in(&dir, "cand01", &otp).await.unwrap(),
        "the printed password is one-time"
    );

    let list = ok_json(users(
        &dir,
        HEAD,
        &["list", "--role", "candidate", "--json"],
    ));
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{list}");
    assert_eq!(
        (
            rows[0]["candidate_number"].as_str(),
            rows[0]["display_name"].as_str()
        ),
        (Some("N-0001"), Some("Amara Obi"))
    );
    let table = users(&dir, HEAD, &["list"]);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(
        text.contains("cand01") && text.contains("tess") && text.contains("N-0001"),
        "{text}"
    );

    let off = ok_json(users(&dir, HEAD, &["disable", "cand01", "--json"]));
    assert_eq!(off["disabled"], true);
    let e = sign_in(&dir, "cand01", &otp).await.unwrap_err();
    assert!(e.to_string().contains("disabled"), "{e}");
    let hidden = ok_json(users(
        &dir,
        HEAD,
        &["list", "--role", "candidate", "--json"],
    ));
    assert!(hidden.as_array().unwrap().is_empty());
    ok_json(users(&dir, HEAD, &["enable", "cand01", "--json"]));
    assert!(sign_in(&dir, "cand01", &otp).await.is_ok());

    let reset = ok_json(users(&dir, HEAD, &["reset-password", "cand01", "--json"]));
    let new_otp = reset["password"].as_str().unwrap();
    assert_ne!(new_otp, otp);
    assert!(matches!(
        sign_in(&dir, "cand01", &otp).await,
        Err(AppError::BadCredentials)
    ));
    assert!(sign_in(&dir, "cand01", new_otp).await.unwrap());
}

#[tokio::test]
async fn the_command_line_refuses_what_the_screens_refuse() {
    let dir = centre().await;
    let fails = |out: Output, needle: &str| {
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "wanted {needle:?} in {err}");
    };
    fails(
        users(&dir, ("tess", "teacher-pass-1"), &["list"]),
        "may not list user accounts",
    );
    fails(
        users(
            &dir,
            ("tess", "teacher-pass-1"),
            &["reset-password", "head"],
        ),
        "may not",
    );
    fails(
        users(&dir, ("head", "wrong-password"), &["list"]),
        "Wrong username or password",
    );
    fails(
        users(&dir, HEAD, &["add", "--username", "tess"]),
        "Conflict",
    );
    fails(users(&dir, HEAD, &["add", "--username", "x"]), "username");
    fails(
        users(&dir, HEAD, &["disable", "nobody"]),
        "no account named",
    );
    fails(users(&dir, HEAD, &["disable", "head"]), "your own account");
    let empty = tempfile::tempdir().unwrap();
    fails(users(&empty, HEAD, &["list"]), "no Examhall database here");
    // Nothing was changed by the refusals.
    let list = ok_json(users(&dir, HEAD, &["list", "--include-disabled", "--json"]));
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["head", "tess"]);
}

#[tokio::test]
async fn a_roster_file_imports_from_the_command_line_after_a_dry_run() {
    let dir = centre().await;
    let file = dir.path().join("roster.csv");
    std::fs::write(
        &file,
        "\u{feff}username,display_name,candidate_number,time_multiplier\n\
         cand01,Amara Obi,N-1,1.25\n\
         cand02,Bo Chen,N-2,nine\n\
         cand03,Chidi Eze,N-3,\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let dry = users(&dir, HEAD, &["import", f, "--dry-run"]);
    assert_eq!(dry.status.code(), Some(2));
    let err = String::from_utf8_lossy(&dry.stderr);
    assert!(err.contains(&format!("{f}:3: time_multiplier:")), "{err}");
    let out = String::from_utf8_lossy(&dry.stdout);
    assert!(out.contains("2 would be created"), "{out}");
    let refused = users(&dir, HEAD, &["import", f]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stdout).contains("nothing imported"));
    let list = ok_json(users(
        &dir,
        HEAD,
        &["list", "--role", "candidate", "--json"],
    ));
    assert!(list.as_array().unwrap().is_empty());
    let slips = dir.path().join("slips.pdf");
    let done = users(
        &dir,
        HEAD,
        &[
            "import",
            f,
            "--valid-only",
            "--json",
            "--slips",
            slips.to_str().unwrap(),
        ],
    );
    assert_eq!(
        done.status.code(),
        Some(2),
        "bad rows still fail the command"
    );
    let report: serde_json::Value = serde_json::from_slice(&done.stdout).unwrap();
    assert_eq!(report["applied"], true);
    let pw = report["passwords"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["username"] == "cand01")
        .unwrap()["password"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(sign_in(&dir, "cand01", &pw).await.unwrap());
    // The slips, read back: a name, number, username and password per new account.
    let text = Command::new("pdftotext")
        .arg(&slips)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8(text.stdout).unwrap();
    for want in [
        "Amara Obi",
        "Candidate number: N-1",
        "Username: cand01",
        &format!("Password: {pw}"),
        "Chidi Eze",
        "Username: cand03",
    ] {
        assert!(text.contains(want), "{want:?} not in the slips:\n{text}");
    }
    assert!(!text.contains("cand02"), "no slip for the bad row");
    let again: serde_json::Value = serde_json::from_slice(
        &users(
            &dir,
            HEAD,
            &["import", f, "--valid-only", "--json", "--dry-run"],
        )
        .stdout,
    )
    .unwrap();
    assert_eq!(again["unchanged"], 2);
}
