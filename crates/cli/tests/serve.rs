//! `examhall serve` as a real process: it creates its JWT secret (owner-only),
//! the first administrator, and answers on the address it prints.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

fn http(addr: &str, request: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn serve_starts_answers_and_keeps_its_secret_private() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_examhall"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--init-admin",
            "root",
            "--data-dir",
        ])
        .arg(dir.path())
        .env("EXAMHALL_ADMIN_PASSWORD", "root-password-1")
        .env_remove("EXAMHALL_JWT_SECRET")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("the server prints its address")
            .unwrap();
        if let Some(rest) = line.strip_prefix("Examhall server on http://") {
            break rest.trim_end_matches("/api/docs/").to_owned();
        }
    };
    let doc = http(
        &addr,
        "GET /api/openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(doc.starts_with("HTTP/1.1 200"), "{doc}");
    let body = r#"{"username":"root","password":"root-password-1"}"#;
    let login = http(
        &addr,
        &format!(
            "POST /api/users/login/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(
        login.starts_with("HTTP/1.1 200") && login.contains("\"access\""),
        "{login}"
    );
    let _ = child.kill();
    let _ = child.wait();
    let secret = dir.path().join("jwt.secret");
    assert_eq!(std::fs::read(&secret).unwrap().len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the JWT secret is readable by its owner only");
    }
}
