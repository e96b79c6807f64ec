//! `examhall import-results` refuses bad files by name and line, and changes nothing.

use std::process::Command;

#[tokio::test]
async fn bad_results_files_are_named_and_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("examhall.sqlite");
    let store = examhall_store::Store::open(&db).await.unwrap();
    store.close().await;
    let garbage = dir.path().join("stick.exhres");
    std::fs::write(&garbage, "{\n  \"device_id\": 5\n}").unwrap();
    let stranger = dir.path().join("stranger.exhres");
    std::fs::write(
        &stranger,
        r#"{"device_id":"dev-unknown","kind":"results","payload":"{\"attempts\":[]}","signature":"00"}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_examhall"))
        .arg("import-results")
        .arg("--data-dir")
        .arg(dir.path())
        .arg(&garbage)
        .arg(&stranger)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("stick.exhres") && err.contains("line 2"),
        "{err}"
    );
    assert!(
        err.contains("dev-unknown") && err.contains("not an enrolled device"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let store = examhall_store::Store::open(&db).await.unwrap();
    assert!(store.sync_incidents().await.unwrap().is_empty());
    assert_eq!(store.attempt_summaries().await.unwrap().len(), 0);
}
