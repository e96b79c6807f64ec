//! `examhall import --format … --dry-run --json` prints a file's questions as
//! Examhall will store them and names each error by line; `examhall score`
//! prints what a response earns under the file's own scoring rules.

use serde_json::Value;
use std::process::Command;

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_examhall"))
        .args(args)
        .output()
        .unwrap()
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn a_dry_run_prints_the_normalised_questions_and_names_each_error_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bank.gift");
    std::fs::write(
        &file,
        "$CATEGORY: $course$/Science/Planets\n\n::Sun::Which planet is closest to the Sun?{~Venus =Mercury ~Mars}\n\n\
         Broken {=a ~b\n\nWhen was Grant born?{#1822:5}\n\n\
         Pick two.{~%50%Grant ~%50%Lincoln ~%-100%Lee}\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let out = run(&["import", "--format", "gift", "--dry-run", "--json", path]);
    assert_eq!(out.status.code(), Some(1), "a file with an error");
    let v = json(&out);
    let qs = v["questions"].as_array().unwrap();
    assert_eq!(qs.len(), 3);
    assert_eq!(qs[0]["title"], "Sun");
    assert_eq!(qs[0]["category"], serde_json::json!(["Science", "Planets"]));
    assert_eq!(qs[0]["location"]["line"], 3);
    let sun = &qs[0]["question"];
    assert_eq!(sun["id"], "sun");
    assert_eq!(sun["kind"]["type"], "single_choice");
    assert_eq!(sun["kind"]["correct"], "b");
    assert_eq!(sun["kind"]["options"][1]["text"], "Mercury");
    let grant = &qs[1]["question"];
    assert_eq!(grant["id"], "q7");
    assert_eq!(grant["kind"]["type"], "numeric");
    assert_eq!(grant["kind"]["value"], 1822.0);
    assert_eq!(grant["kind"]["tolerance"]["value"], 5.0);
    let two = &qs[2]["question"]["kind"];
    assert_eq!(two["type"], "weighted_choice");
    assert_eq!(two["multiple"], true);
    assert_eq!(two["options"][2]["credit"], -1.0);
    assert_eq!(v["errors"][0]["location"]["line"], 5);
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
    let v = json(&out);
    assert_eq!(v["questions"][0]["question"]["kind"]["correct"], "b");
    assert_eq!(v["errors"][0]["location"]["line"], 9);

    // A GIFT file saved on Windows (Windows-1252, not UTF-8) is read as such,
    // with a warning that says where the first non-UTF-8 byte is.
    let latin = dir.path().join("latin1.gift");
    std::fs::write(&latin, b"Caf\xe9?{T}\n").unwrap();
    let out = run(&[
        "import",
        "--format",
        "gift",
        "--dry-run",
        "--json",
        latin.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["questions"][0]["question"]["prompt"], "Café?");
    assert_eq!(v["warnings"][0]["location"]["line"], 1);
    assert!(
        v["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("read as Windows-1252"),
        "{v}"
    );
    // Moodle XML is not guessed at: a file that is not UTF-8 is refused with where.
    let latin = dir.path().join("latin1.xml");
    std::fs::write(&latin, b"<quiz>\n<!-- Caf\xe9 -->\n</quiz>\n").unwrap();
    let out = run(&[
        "import",
        "--format",
        "moodle-xml",
        "--dry-run",
        latin.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(":2: the file is not UTF-8"), "{err}");

    // Without --dry-run the CLI points to the bank page; a missing file is named.
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

#[test]
fn score_prints_what_a_response_earns_under_the_imported_rules() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("weights.gift");
    std::fs::write(
        &file,
        "::Pick two::Who were presidents?{~%50%Grant ~%50%Lincoln ~%-100%Lee}\n\n\
         ::Grant::When was Grant born?{#=1822:0 =%50%1822:2}\n\n\
         ::Capitals::Match them.{=France -> Paris =Italy -> Rome =Norway -> Oslo}\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let score = |q: &str, response: &str| {
        let out = run(&[
            "score",
            "--format",
            "gift",
            path,
            "--question",
            q,
            "--response",
            response,
            "--json",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        json(&out)
    };
    let v = score("pick-two", r#"["a","b"]"#);
    assert_eq!(
        (v["awarded"].as_f64(), v["outcome"].as_str()),
        (Some(1.0), Some("correct"))
    );
    // Options may be named by their text.
    let v = score("pick-two", "Grant");
    assert_eq!(v["awarded"], 0.5);
    assert_eq!(v["outcome"], "partial");
    let v = score("pick-two", "Grant,Lee");
    assert_eq!(v["awarded"], 0.0);
    assert_eq!(v["awarded_with_negative_marking"], -0.5);
    assert_eq!(score("grant", "1822")["awarded"], 1.0);
    assert_eq!(score("grant", "1823.5")["awarded"], 0.5);
    assert_eq!(score("grant", "1825")["awarded"], 0.0);
    let v = score("capitals", r#"{"m1": "Paris", "m2": "Oslo", "m3": "Oslo"}"#);
    assert!(
        (v["awarded"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-6,
        "{v}"
    );

    // An unknown question lists the file's ids; a response of the wrong shape is named.
    let out = run(&[
        "score",
        "--format",
        "gift",
        path,
        "--question",
        "nope",
        "--response",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pick-two, grant, capitals"), "{err}");
    let out = run(&[
        "score",
        "--format",
        "gift",
        path,
        "--question",
        "pick-two",
        "--response",
        "Washington",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--response"));
}
