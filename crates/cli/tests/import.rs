//! `examhall import --format gift --dry-run` reports a file's questions and its
//! errors by line, as JSON when asked, and exits 1 when the file has errors.

use std::process::Command;

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_examhall"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_dry_run_prints_the_questions_and_names_each_error_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bank.gift");
    std::fs::write(
        &file,
        "$CATEGORY: Science\n\n::Sun::Which planet is closest to the Sun?{~Venus =Mercury ~Mars}\n\n\
         Broken {=a ~b\n\nWhen was Grant born?{#1822:5}\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let out = run(&["import", "--format", "gift", "--dry-run", "--json", path]);
    assert_eq!(out.status.code(), Some(1), "a file with an error");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let qs = v["questions"].as_array().unwrap();
    assert_eq!(qs.len(), 2);
    assert_eq!(qs[0]["title"], "Sun");
    assert_eq!(qs[0]["category"], "Science");
    assert_eq!(qs[0]["answers"]["type"], "multiple_choice");
    assert_eq!(qs[0]["answers"]["choices"][1]["weight"], 100.0);
    assert_eq!(qs[1]["answers"]["type"], "numeric");
    assert_eq!(v["errors"][0]["line"], 5);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{path}:5: ")) && err.contains("not closed"),
        "{err}"
    );

    // A clean file: exit 0 and a one-line summary without --json.
    std::fs::write(&file, "Two plus two?{=4 =four}\n\nThe Sun is a star.{T}\n").unwrap();
    let out = run(&["import", "--format", "gift", "--dry-run", path]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 question(s) read, 0 with errors"));

    // Aiken, the same way.
    let aiken = dir.path().join("bank.txt");
    std::fs::write(
        &aiken,
        "Closest planet?\nA. Venus\nB. Mercury\nANSWER: B\n\nBad?\nA. x\nB. y\nANSWER: Z\n",
    )
    .unwrap();
    let out = run(&[
        "import",
        "--format",
        "aiken",
        "--dry-run",
        "--json",
        aiken.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["questions"][0]["answer"], 1);
    assert_eq!(v["errors"][0]["line"], 9);

    // Without --dry-run nothing is imported yet, and it says so; a missing file is named.
    let out = run(&["import", "--format", "gift", path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--dry-run"));
    let out = run(&[
        "import",
        "--format",
        "gift",
        "--dry-run",
        "/nonexistent/bank.gift",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/bank.gift"));
}
