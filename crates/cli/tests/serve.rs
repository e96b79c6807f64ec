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

/// Issue 16, point 4: `examhall serve` speaks HTTPS by default, with a
/// self-signed certificate it creates once (key 0600) and whose fingerprint it
/// prints. A client pinned to that fingerprint signs in; a plain-HTTP request
/// gets no answer; a client pinned to another certificate is refused in the
/// handshake; a restart keeps the same certificate.
#[tokio::test]
async fn serve_speaks_https_with_the_certificate_it_prints_and_keeps_secrets_private() {
    let dir = tempfile::tempdir().unwrap();
    let server = replica(dir.path(), None, &[]);
    assert!(server.base.starts_with("https://"), "{}", server.base);
    let fp = server
        .fingerprint
        .clone()
        .expect("the fingerprint is printed");
    let addr = server.base.trim_start_matches("https://").to_owned();

    // Plain HTTP on the same port: no HTTP answer comes back.
    let plain = http(
        &addr,
        "GET /api/openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(!plain.starts_with("HTTP/1.1 200"), "{plain}");

    let client = pinned(&fp);
    let (status, v) = call(
        &client,
        &server,
        "/api/users/login/",
        None,
        Some(serde_json::json!({"username": "root", "password": "root-password-1"})),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert!(v["access"].is_string());

    // Pinned to someone else's certificate: the handshake fails, nothing is sent.
    let other = "00".repeat(32);
    let err = pinned(&other)
        .get(format!("{}/api/openapi.json", server.base))
        .send()
        .await
        .unwrap_err();
    let chain = format!("{err:?}");
    assert!(chain.contains("not the pinned one"), "{chain}");

    drop(server);
    // The same certificate after a restart: every device's pin still holds.
    let again = replica(dir.path(), None, &[]);
    assert_eq!(again.fingerprint.as_deref(), Some(fp.as_str()));
    drop(again);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let secret = dir.path().join("jwt.secret");
        assert_eq!(std::fs::read(&secret).unwrap().len(), 32);
        assert_eq!(
            mode(&secret),
            0o600,
            "the JWT secret is readable by its owner only"
        );
        assert_eq!(
            mode(&dir.path().join("tls/key.pem")),
            0o600,
            "the TLS key too"
        );
        assert_eq!(mode(&dir.path().join("tls")), 0o700);
    }
}

/// Plain HTTP only when asked for, and then said so at start.
#[test]
fn plain_http_is_served_only_when_asked_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let server = replica(dir.path(), None, &["--plain-http"]);
    assert!(server.base.starts_with("http://"), "{}", server.base);
    assert!(server.fingerprint.is_none());
    assert!(server.banner.contains("plain HTTP"), "{}", server.banner);
    let addr = server.base.trim_start_matches("http://").to_owned();
    let doc = http(
        &addr,
        "GET /api/openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(doc.starts_with("HTTP/1.1 200"), "{doc}");
    assert!(
        !dir.path().join("tls").exists(),
        "no certificate is made for plain HTTP"
    );
}

/// The operator's own certificate (--tls-cert/--tls-key) is served as given.
#[tokio::test]
async fn the_operators_certificate_is_served_and_its_fingerprint_printed() {
    let made = tempfile::tempdir().unwrap();
    // A certificate made elsewhere: the self-signed one of another server.
    drop(replica(made.path(), None, &[]));
    let (cert, key) = (
        made.path().join("tls/cert.pem"),
        made.path().join("tls/key.pem"),
    );
    let dir = tempfile::tempdir().unwrap();
    let server = replica(
        dir.path(),
        None,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    let fp = server.fingerprint.clone().unwrap();
    // The fingerprint is what openssl reports for the certificate (SHA-256 of its DER).
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(&cert)
        .output()
        .expect("openssl (Debian's package) is installed");
    let text = String::from_utf8_lossy(&out.stdout);
    let theirs: String = text
        .split('=')
        .nth(1)
        .unwrap_or_default()
        .trim()
        .replace(':', "")
        .to_lowercase();
    assert_eq!(fp, theirs, "{text}");
    let (status, _) = call(&pinned(&fp), &server, "/api/openapi.json", None, None).await;
    assert_eq!(status, 200);
    assert!(
        !dir.path().join("tls").exists(),
        "no certificate of its own is made"
    );
    // A key that is not PEM stops the start, naming the file.
    std::fs::write(dir.path().join("bad.pem"), "not a key").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_examhall"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .args(["--tls-cert", cert.to_str().unwrap(), "--tls-key"])
        .arg(dir.path().join("bad.pem"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.pem") && err.contains("private key"),
        "{err}"
    );
}

fn pinned(fp: &str) -> reqwest::Client {
    examhall_app::transport::pinned_http_client(fp).unwrap()
}

/// A running `examhall serve`, killed when dropped.
struct Replica {
    child: std::process::Child,
    base: String,
    fingerprint: Option<String>,
    /// The line announcing the address.
    banner: String,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `examhall serve` on a free port, creating the administrator `root`; on the
/// data directory's SQLite file unless `database` names another.
fn replica(dir: &std::path::Path, database: Option<&str>, extra: &[&str]) -> Replica {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_examhall"));
    cmd.args(["serve", "--addr", "127.0.0.1:0", "--init-admin", "root"])
        .arg("--data-dir")
        .arg(dir)
        .args(extra);
    if let Some(db) = database {
        cmd.args(["--database", db]);
    }
    let mut child = cmd
        .env("EXAMHALL_ADMIN_PASSWORD", "root-password-1")
        .env_remove("EXAMHALL_JWT_SECRET")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut fingerprint = None;
    let (base, banner) = loop {
        let line = lines
            .next()
            .expect("the server prints its address")
            .unwrap();
        if let Some(fp) = line.split("SHA-256 fingerprint ").nth(1) {
            fingerprint = Some(fp.trim_end_matches(')').to_owned());
        }
        if let Some(rest) = line.strip_prefix("Examhall server on ") {
            let url = rest.split_whitespace().next().unwrap_or_default();
            break (url.trim_end_matches("/api/docs/").to_owned(), line.clone());
        }
    };
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    Replica {
        child,
        base,
        fingerprint,
        banner,
    }
}

async fn call(
    http: &reqwest::Client,
    r: &Replica,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let url = format!("{}{path}", r.base);
    let mut req = match &body {
        Some(b) => http.post(url).json(b),
        None => http.get(url),
    };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(serde_json::Value::Null))
}

/// HQ outgrows one box: two `examhall serve` processes over one PostgreSQL
/// database. Accounts, exams, submissions and grading jobs made through one are
/// seen through the other, and every submission is graded exactly once although
/// both servers run a grading worker.
#[tokio::test]
async fn two_servers_share_one_postgres_database() {
    use examhall_testkit::{TempDb, TestBackend};
    use serde_json::json;
    if !TestBackend::Postgres.available() {
        return;
    }
    let db = TempDb::on(TestBackend::Postgres).await;
    let url = db.path.display().to_string();
    let dir = tempfile::tempdir().unwrap();
    let a = replica(dir.path(), Some(&url), &[]);
    let b = replica(dir.path(), Some(&url), &[]); // shares a's jwt.secret and certificate
    assert_eq!(a.fingerprint, b.fingerprint);
    let http = pinned(a.fingerprint.as_deref().unwrap());

    let login = |r: &'static str, who: &'static str, pw: &'static str| {
        let (http, srv) = (http.clone(), if r == "a" { &a } else { &b });
        let url = format!("{}/api/users/login/", srv.base);
        async move {
            let v: serde_json::Value = http
                .post(url)
                .json(&json!({"username": who, "password": pw}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["access"].as_str().expect("signed in").to_owned()
        }
    };
    let root = login("b", "root", "root-password-1").await;

    // A teacher registers on one server and is approved on the other.
    let (s, t) = call(
        &http,
        &a,
        "/api/users/register/",
        None,
        Some(json!({"username": "tess", "password": "teacher-pass-1", "role": "teacher"})),
    )
    .await;
    assert_eq!(s, 201, "{t}");
    let (s, v) = call(
        &http,
        &b,
        &format!("/api/users/{}/approve/", t["id"]),
        Some(&root),
        Some(json!({})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let teacher = login("a", "tess", "teacher-pass-1").await;
    for q in [
        json!({"text": "Closest planet to the Sun?", "type": "single_choice",
               "options": [{"key": "A", "text": "Venus"}, {"key": "B", "text": "Mercury"}], "answer": "B"}),
        json!({"text": "6 × 7?", "type": "numeric", "answer": "42", "marks": 2}),
    ] {
        let (s, v) = call(&http, &a, "/api/exams/questions/", Some(&teacher), Some(q)).await;
        assert_eq!(s, 201, "{v}");
    }
    let (s, exam) = call(
        &http,
        &b,
        "/api/exams/create/",
        Some(&teacher),
        Some(
            json!({"title": "Science", "duration_minutes": 30, "questions": ["q1", "q2"],
            "open_to_students": true}),
        ),
    )
    .await;
    assert_eq!(s, 201, "{exam}");
    let exam = exam["id"].as_i64().unwrap();

    // Twelve students, registering and submitting alternately on each server.
    let mut tasks = Vec::new();
    for i in 0..12 {
        let (here, there) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let name = format!("student{i:02}");
        let (s, v) = call(
            &http,
            here,
            "/api/users/register/",
            None,
            Some(json!({"username": name, "password": "student-pass-1"})),
        )
        .await;
        assert_eq!(s, 201, "{v}");
        let (_, v) = call(
            &http,
            there,
            "/api/users/login/",
            None,
            Some(json!({"username": name, "password": "student-pass-1"})),
        )
        .await;
        let token = v["access"].as_str().unwrap().to_owned();
        // The attempt starts on one server and is handed in on the other.
        let (s, v) = call(
            &http,
            there,
            &format!("/api/exams/{exam}/start/"),
            Some(&token),
            Some(json!({})),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        // Half answer both questions right (3 marks), half only the first (1 mark).
        let answers = if i < 6 {
            json!({"q1": "B", "q2": "42"})
        } else {
            json!({"q1": "B", "q2": "41"})
        };
        let (s, v) = call(
            &http,
            here,
            &format!("/api/exams/{exam}/submit/"),
            Some(&token),
            Some(json!({"answers": answers})),
        )
        .await;
        assert_eq!(s, 202, "{v}");
        tasks.push((token, v["task_id"].as_i64().unwrap(), there));
    }
    for (token, task, there) in &tasks {
        let mut done = false;
        for _ in 0..400 {
            let (s, v) = call(
                &http,
                there,
                &format!("/api/tasks/status/{task}/"),
                Some(token),
                None,
            )
            .await;
            assert_eq!(s, 200, "{v}");
            assert_ne!(v["status"], "failed", "{v}");
            if v["status"] == "done" {
                done = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        assert!(done, "task {task} finished");
    }
    // Both servers report the same twelve results, each graded once.
    for srv in [&a, &b] {
        let (s, all) = call(
            &http,
            srv,
            &format!("/api/results/{exam}/"),
            Some(&teacher),
            None,
        )
        .await;
        assert_eq!(s, 200, "{all}");
        let all = all.as_array().unwrap();
        assert_eq!(all.len(), 12, "{all:?}");
        let full = all.iter().filter(|r| r["score"] == 3.0).count();
        assert_eq!(full, 6, "{all:?}");
        let (_, stats) = call(
            &http,
            srv,
            &format!("/api/results/analytics/?exam_id={exam}"),
            Some(&teacher),
            None,
        )
        .await;
        assert_eq!(stats["average_score"], 2.0, "{stats}");
    }
    let graded_events = db.store.count_jobs("done").await.unwrap();
    assert_eq!(
        graded_events, 12,
        "one grading job per submission, each done once"
    );
}

/// A hub started with `--upstream … --init-admin NAME` on an empty data
/// directory enrols with HQ and still gets its administrator (it used to skip
/// `--init-admin` once enrolled, leaving a hub nobody could sign in to).
#[tokio::test]
async fn a_hub_gets_its_first_administrator_when_it_enrols() {
    use serde_json::json;
    let hq_dir = tempfile::tempdir().unwrap();
    let hq = replica(hq_dir.path(), None, &[]);
    let http = pinned(hq.fingerprint.as_deref().unwrap());
    let (s, v) = call(
        &http,
        &hq,
        "/api/users/login/",
        None,
        Some(json!({"username": "root", "password": "root-password-1"})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let root = v["access"].as_str().unwrap().to_owned();
    let (s, tok) = call(
        &http,
        &hq,
        "/api/sync/enrolments/",
        Some(&root),
        Some(json!({"centre": "north"})),
    )
    .await;
    assert_eq!(s, 201, "{tok}");
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = replica(
        hub_dir.path(),
        None,
        &[
            "--upstream",
            &hq.base,
            "--enrolment-token",
            tok["token"].as_str().unwrap(),
        ],
    );
    let hub_http = pinned(hub.fingerprint.as_deref().unwrap());
    let (s, v) = call(
        &hub_http,
        &hub,
        "/api/users/login/",
        None,
        Some(json!({"username": "root", "password": "root-password-1"})),
    )
    .await;
    assert_eq!(s, 200, "the hub's administrator signs in: {v}");
    assert_eq!(v["user"]["role"], "admin");
}

/// `examhall reconcile` at HQ, as a signed-in administrator: a package nobody
/// has reported on is not complete (exit status 1), every roster line says why;
/// a wrong password reconciles nothing (exit status 2).
#[tokio::test]
async fn reconcile_accounts_for_a_packages_roster_from_the_command_line() {
    use serde_json::json;
    let dir = tempfile::tempdir().unwrap();
    let hq = replica(dir.path(), None, &[]);
    let http = pinned(hq.fingerprint.as_deref().unwrap());
    let (_, v) = call(
        &http,
        &hq,
        "/api/users/login/",
        None,
        Some(json!({"username": "root", "password": "root-password-1"})),
    )
    .await;
    let root = v["access"].as_str().unwrap().to_owned();
    for who in ["ann", "bob"] {
        let (s, v) = call(
            &http,
            &hq,
            "/api/users/register/",
            None,
            Some(json!({"username": who, "password": "student-pass-1"})),
        )
        .await;
        assert_eq!(s, 201, "{v}");
    }
    let (s, q) = call(
        &http,
        &hq,
        "/api/exams/questions/",
        Some(&root),
        Some(json!({"text": "6 × 7?", "type": "numeric", "answer": "42"})),
    )
    .await;
    assert_eq!(s, 201, "{q}");
    let (_, exam) = call(
        &http,
        &hq,
        "/api/exams/create/",
        Some(&root),
        Some(json!({"title": "Maths", "duration_minutes": 30, "questions": [q["id"]]})),
    )
    .await;
    let (s, pkg) = call(
        &http,
        &hq,
        "/api/sync/packages/",
        Some(&root),
        Some(json!({"exam_id": exam["id"], "centre": "north", "candidates": ["ann", "bob"]})),
    )
    .await;
    assert_eq!(s, 201, "{pkg}");
    let package = pkg["package_id"].as_str().unwrap();
    let run = |password: &str| {
        Command::new(env!("CARGO_BIN_EXE_examhall"))
            .args([
                "reconcile",
                "--user",
                "root",
                "--json",
                "--package",
                package,
            ])
            .arg("--data-dir")
            .arg(dir.path())
            .env("EXAMHALL_PASSWORD", password)
            .output()
            .unwrap()
    };
    let out = run("root-password-1");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["complete"], false);
    let lines = r["lines"].as_array().unwrap();
    let who: Vec<&str> = lines
        .iter()
        .map(|l| l["username"].as_str().unwrap())
        .collect();
    assert_eq!(who, ["ann", "bob"]);
    assert!(lines
        .iter()
        .all(|l| l["status"] == "missing" && l["evidence"].as_str().unwrap().contains("no room")));
    let out = run("wrong-password");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("examhall reconcile"));
}
