//! Chaos over loopback. Four desktops (each its own database file) sync 2,000
//! attempts with HQ, the real `examhall serve` process, through a proxy that cuts
//! connections mid-request and mid-response. HQ is killed with SIGKILL and
//! restarted during uploads, and old results files are replayed out of order
//! throughout. At the end HQ must hold every attempt exactly once, from the
//! device that took it, with every receipt equal to the desktop's chain head.

use examhall_app::App;
use examhall_protocol::sync::{EnrolDesktop, OpenPackage, PublishedPackage, SignedEnvelope};
use examhall_protocol::{Answer, AttemptRef, LoginRequest, NewUser, SetAnswer, StartAttempt};
use examhall_testkit::{FakeClock, TempDb, TestBackend};
use rand::Rng;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const DESKS: usize = 4;
const PER_DESK: usize = 10; // candidates per desktop
const EXAMS: usize = 50; // 4 × 10 × 50 = 2,000 attempts
const PASSWORD: &str = "student-pass-1";

/// HQ as a process over HTTPS (its self-signed certificate, kept in `dir`, so
/// every restart has the same fingerprint); returns it and that fingerprint.
fn start_hq(dir: &std::path::Path, addr: SocketAddr, database: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_examhall"))
        .args(["serve", "--init-admin", "admin", "--addr"])
        .arg(addr.to_string())
        .arg("--data-dir")
        .arg(dir)
        .args(["--database", database])
        .env("EXAMHALL_ADMIN_PASSWORD", "admin-password-1")
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let banner = examhall_testkit::server_banner(child.stderr.take().unwrap());
    assert!(banner.base.starts_with("https://"), "{banner:?}");
    (
        child,
        banner.fingerprint.expect("HQ prints its fingerprint"),
    )
}

/// Forwards connections to HQ; cuts about one in five, at a random byte, in
/// either direction (a cut response means HQ stored what the desktop never saw
/// acknowledged: the desktop must resend, and HQ must not store it twice).
async fn proxy(listener: TcpListener, upstream: SocketAddr, cuts: Arc<AtomicU64>) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            return;
        };
        let cuts = cuts.clone();
        tokio::spawn(async move {
            let Ok(server) = TcpStream::connect(upstream).await else {
                return; // HQ is down: the desktop sees the connection close.
            };
            let (fault, at) = {
                let mut r = rand::rng();
                (r.random_range(0..10u8), r.random_range(0..4000usize))
            };
            let (cr, cw) = client.into_split();
            let (sr, sw) = server.into_split();
            let up_limit = if fault == 0 { Some(at) } else { None };
            let down_limit = if fault == 1 { Some(at) } else { None };
            if fault < 2 {
                cuts.fetch_add(1, Ordering::Relaxed);
            }
            let mut a = tokio::spawn(pipe(cr, sw, up_limit));
            let mut b = tokio::spawn(pipe(sr, cw, down_limit));
            // A cut is a cut both ways: once one direction is cut the other is
            // dropped too, so the desktop never receives HQ's answer to a
            // request HQ only half read (a half-close would hand it HQ's 400
            // "failed to buffer the request body", which is not what a dead
            // link does).
            tokio::select! {
                cut = &mut a => if matches!(cut, Ok(true)) { b.abort() } else { let _ = b.await; },
                cut = &mut b => if matches!(cut, Ok(true)) { a.abort() } else { let _ = a.await; },
            }
        });
    }
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    limit: Option<usize>,
) -> bool {
    let mut buf = vec![0u8; 8192];
    let mut sent = 0usize;
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let n = match limit {
            Some(l) if sent + n >= l => {
                let _ = to.write_all(&buf[..l.saturating_sub(sent)]).await;
                return true; // cut: the caller drops the other direction too
            }
            _ => n,
        };
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
        sent += n;
    }
    let _ = to.shutdown().await;
    false
}

/// A POST that, like a well-behaved client, waits out the server's per-source
/// limit (429 with Retry-After) a bounded number of times.
async fn call(http: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> Value {
    let mut tries = 0;
    let resp = loop {
        let mut req = http.post(url.clone()).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        if resp.status() != reqwest::StatusCode::TOO_MANY_REQUESTS || tries == 30 {
            break resp;
        }
        tries += 1;
        let wait = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()?.parse().ok())
            .unwrap_or(1u64);
        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    };
    let status = resp.status();
    let v: Value = resp.json().await.unwrap();
    assert!(status.is_success(), "{status}: {v}");
    v
}

/// Kills HQ when the test ends, also when it fails (no orphan server holding the
/// test's output open).
struct KillOnDrop(Arc<Mutex<Child>>);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Ok(mut c) = self.0.lock() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

struct Desk {
    app: App,
    db: TempDb,
    admin: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_attempts_survive_cuts_kills_duplicates_and_reordering() {
    chaos(TestBackend::Sqlite).await
}

/// The same with HQ on PostgreSQL (killed with SIGKILL just the same).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_attempts_survive_on_postgres_too() {
    if TestBackend::Postgres.available() {
        chaos(TestBackend::Postgres).await
    }
}

async fn chaos(backend: TestBackend) {
    // ---- HQ: the real server process, and a proxy in front of it --------------
    let hq_dir = tempfile::tempdir().unwrap();
    // The database outlives every HQ process; dropped when the test ends.
    let (database, _pg) = match backend {
        TestBackend::Sqlite => (
            hq_dir.path().join("examhall.sqlite").display().to_string(),
            None,
        ),
        TestBackend::Postgres => {
            let db = TempDb::on(TestBackend::Postgres).await;
            (db.path.display().to_string(), Some(db))
        }
    };
    let hq_addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let (child, fingerprint) = start_hq(hq_dir.path(), hq_addr, &database);
    let hq = Arc::new(Mutex::new(child));
    let _guard = KillOnDrop(hq.clone());
    // HTTPS end to end: the proxy cuts TCP under TLS, and every desktop pins HQ's
    // certificate from its enrolment token.
    let proxy_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("https://{}", proxy_listener.local_addr().unwrap());
    let cuts = Arc::new(AtomicU64::new(0));
    tokio::spawn(proxy(proxy_listener, hq_addr, cuts.clone()));

    // Set-up goes straight to HQ: students, a question bank, 50 exams, packages.
    let http = examhall_app::transport::pinned_http_client(&fingerprint).unwrap();
    let direct = format!("https://{hq_addr}");
    let admin = call(
        &http,
        format!("{direct}/api/users/login/"),
        None,
        json!({"username": "admin", "password": "admin-password-1"}),
    )
    .await["access"]
        .as_str()
        .unwrap()
        .to_owned();
    let students: Vec<String> = (0..DESKS * PER_DESK)
        .map(|i| format!("cand{i:03}"))
        .collect();
    for s in &students {
        call(
            &http,
            format!("{direct}/api/users/register/"),
            None,
            json!({"username": s, "password": PASSWORD}),
        )
        .await;
    }
    for q in [
        json!({"text": "Closest planet to the Sun?", "type": "single_choice",
               "options": [{"key": "A", "text": "Venus"}, {"key": "B", "text": "Mercury"}], "answer": "B"}),
        json!({"text": "Water boils at 100 °C at sea level.", "type": "true_false", "answer": "True"}),
        json!({"text": "6 × 7?", "type": "numeric", "answer": "42", "marks": 2}),
    ] {
        call(
            &http,
            format!("{direct}/api/exams/questions/"),
            Some(&admin),
            q,
        )
        .await;
    }
    let mut packages: Vec<PublishedPackage> = Vec::new();
    for e in 0..EXAMS {
        let exam = call(
            &http,
            format!("{direct}/api/exams/create/"),
            Some(&admin),
            json!({"title": format!("Paper {e}"), "duration_minutes": 60, "questions": ["q1", "q2", "q3"]}),
        )
        .await["id"]
            .as_i64()
            .unwrap();
        let p = call(
            &http,
            format!("{direct}/api/sync/packages/"),
            Some(&admin),
            json!({"exam_id": exam, "centre": "north", "candidates": students}),
        )
        .await;
        packages.push(serde_json::from_value(p).unwrap());
    }

    // ---- desktops: enrol and receive the packages through the faulty proxy ----
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut desks = Vec::new();
    for d in 0..DESKS {
        let db = TempDb::new().await;
        let app = App::new(db.store.clone(), FakeClock::new(FakeClock::EXAM_MORNING));
        let admin_s = app
            .create_first_admin(NewUser {
                username: "labadmin".into(),
                display_name: "Lab Admin".into(),
                password: "lab-admin-pass-1".into(),
                role: examhall_protocol::Role::Admin,
                email: None,
                candidate_number: None,
            })
            .await
            .unwrap()
            .token;
        let token = call(
            &http,
            format!("{direct}/api/sync/enrolments/"),
            Some(&admin),
            json!({"centre": "north"}),
        )
        .await["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut enrolled = false;
        for _ in 0..20 {
            match app
                .enrol_with_hq(
                    &admin_s,
                    EnrolDesktop {
                        server_url: proxy_url.clone(),
                        token: token.clone(),
                        device_name: format!("seat {d}"),
                    },
                )
                .await
            {
                Ok(_) => {
                    enrolled = true;
                    break;
                }
                Err(examhall_app::AppError::Unavailable(_)) => continue,
                Err(e) => panic!("enrol: {e:?}"),
            }
        }
        assert!(enrolled, "desk {d} enrolled through the proxy");
        tokio::spawn(app.worker().run(stop_rx.clone()));
        tokio::spawn(app.clone().sync_loop(
            Duration::from_millis(100),
            Duration::from_millis(800),
            stop_rx.clone(),
        ));
        desks.push(Arc::new(Desk {
            app,
            db,
            admin: admin_s,
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    for desk in &desks {
        while desk
            .db
            .store
            .packages("received", None)
            .await
            .unwrap()
            .len()
            < EXAMS
        {
            assert!(Instant::now() < deadline, "packages arrive");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        for p in &packages {
            desk.app
                .open_package(
                    &desk.admin,
                    OpenPackage {
                        package_id: p.package_id.clone(),
                        start_code: p.start_code.clone(),
                    },
                )
                .await
                .unwrap();
        }
    }

    // ---- the exam: every candidate of each desk sits every paper --------------
    let sitting_done = Arc::new(AtomicBool::new(false));
    let mut sitters = Vec::new();
    for (d, desk) in desks.iter().enumerate() {
        let desk = desk.clone();
        let mine: Vec<String> = students[d * PER_DESK..(d + 1) * PER_DESK].to_vec();
        let packages = packages.clone();
        sitters.push(tokio::spawn(async move {
            let exams: Vec<(i64, String)> = {
                let mut v = Vec::new();
                for p in &packages {
                    let row = desk.db.store.package(&p.package_id).await.unwrap().unwrap();
                    v.push((row.exam_id.unwrap(), p.start_code.clone()));
                }
                v
            };
            let mut n = 0;
            for user in &mine {
                let s = desk
                    .app
                    .login(LoginRequest {
                        username: user.clone(),
                        password: PASSWORD.into(),
                    })
                    .await
                    .unwrap()
                    .token;
                for (i, (exam_id, code)) in exams.iter().enumerate() {
                    let view = desk
                        .app
                        .start_attempt(
                            &s,
                            StartAttempt {
                                exam_id: *exam_id,
                                start_code: code.clone(),
                            },
                        )
                        .await
                        .unwrap();
                    let q3 = if i % 3 == 0 { "41" } else { "42" };
                    for (q, a) in [("q1", "B"), ("q2", "true"), ("q3", q3)] {
                        desk.app
                            .set_answer(
                                &s,
                                SetAnswer {
                                    attempt_id: view.attempt_id.clone(),
                                    question_id: q.into(),
                                    answer: Some(Answer::Text(a.into())),
                                },
                            )
                            .await
                            .unwrap();
                    }
                    desk.app
                        .submit(
                            &s,
                            AttemptRef {
                                attempt_id: view.attempt_id,
                            },
                        )
                        .await
                        .unwrap();
                    n += 1;
                }
            }
            n
        }));
    }

    // ---- chaos beside it: kills, and old files replayed out of order ----------
    let snapshots: Arc<Mutex<Vec<SignedEnvelope>>> = Arc::default();
    let snap_dir = tempfile::tempdir().unwrap();
    let replayer = {
        let desks = desks.clone();
        let snapshots = snapshots.clone();
        let done = sitting_done.clone();
        let url = format!("{proxy_url}/api/sync/results/");
        let dir = snap_dir.path().to_owned();
        let http = http.clone();
        tokio::spawn(async move {
            let mut replayed = 0u64;
            let mut round = 0usize;
            while !done.load(Ordering::Relaxed) {
                round += 1;
                let desk = &desks[round % desks.len()];
                let sub = dir.join(format!("r{round}"));
                if let Ok(out) = desk.app.export_results_to(&desk.admin, &sub).await {
                    let text = std::fs::read_to_string(out.results_file).unwrap();
                    snapshots
                        .lock()
                        .unwrap()
                        .push(serde_json::from_str(&text).unwrap());
                }
                let old = {
                    let s = snapshots.lock().unwrap();
                    if s.is_empty() {
                        None
                    } else {
                        let i = rand::rng().random_range(0..s.len());
                        Some(s[i].clone())
                    }
                };
                if let Some(env) = old {
                    if let Ok(r) = http.post(&url).json(&env).send().await {
                        if let Ok(v) = r.json::<Value>().await {
                            for rc in v["receipts"].as_array().into_iter().flatten() {
                                let o = rc["outcome"].as_str().unwrap_or("");
                                assert!(o == "stored" || o == "already_held", "replay: {rc}");
                            }
                            replayed += 1;
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            replayed
        })
    };
    let killer = {
        let hq = hq.clone();
        let done = sitting_done.clone();
        let dir = hq_dir.path().to_owned();
        let database = database.clone();
        let fingerprint = fingerprint.clone();
        tokio::task::spawn_blocking(move || {
            let mut kills = 0;
            while !done.load(Ordering::Relaxed) || kills < 3 {
                std::thread::sleep(Duration::from_millis(2500));
                let mut child = hq.lock().unwrap();
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                kills += 1;
                std::thread::sleep(Duration::from_millis(400));
                let (restarted, again) = start_hq(&dir, hq_addr, &database);
                assert_eq!(
                    again, fingerprint,
                    "HQ keeps its certificate across restarts"
                );
                *child = restarted;
                if kills >= 6 {
                    break;
                }
            }
            kills
        })
    };
    let mut sat = 0;
    for s in sitters {
        sat += s.await.unwrap();
    }
    assert_eq!(sat, DESKS * PER_DESK * EXAMS);
    sitting_done.store(true, Ordering::Relaxed);
    let kills = killer.await.unwrap();
    let replayed = replayer.await.unwrap();

    // ---- everything drains ---------------------------------------------------
    let deadline = Instant::now() + Duration::from_secs(300);
    for desk in &desks {
        loop {
            let c = desk.db.store.outbox_counts().await.unwrap();
            let graded_all = desk.db.store.count_jobs("pending").await.unwrap() == 0
                && desk.db.store.count_jobs("running").await.unwrap() == 0;
            if graded_all && c.pending == 0 && c.synced as usize == PER_DESK * EXAMS {
                assert_eq!(c.conflicts, 0);
                break;
            }
            if Instant::now() > deadline || c.conflicts > 0 {
                let incidents: Value = http
                    .get(format!("{direct}/api/sync/incidents/"))
                    .bearer_auth(&admin)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap_or_default();
                panic!("desk does not drain: {c:?}; HQ incidents: {incidents}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    // A last burst of every snapshot, shuffled, after the fact: nothing changes.
    let mut all = snapshots.lock().unwrap().clone();
    {
        let mut r = rand::rng();
        for i in (1..all.len()).rev() {
            all.swap(i, r.random_range(0..=i));
        }
    }
    for env in all.iter().take(20) {
        let v: Value = http
            .post(format!("{direct}/api/sync/results/"))
            .json(env)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for rc in v["receipts"].as_array().unwrap() {
            assert_eq!(rc["outcome"], "already_held", "{rc}");
        }
    }
    let _ = stop_tx.send(true);
    {
        let mut child = hq.lock().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
    }

    // ---- HQ holds each attempt exactly once, with the desktop's head ----------
    let central = examhall_store::Store::connect(&database).await.unwrap();
    let mut total = 0;
    for desk in &desks {
        let enr = desk.db.store.enrolment().await.unwrap().unwrap();
        assert_eq!(
            central.attempts_from_device(&enr.device_id).await.unwrap() as usize,
            PER_DESK * EXAMS
        );
        for row in desk.db.store.all_outbox().await.unwrap() {
            let local = desk
                .db
                .store
                .attempt(&row.attempt_id)
                .await
                .unwrap()
                .unwrap();
            let theirs = central.attempt(&row.attempt_id).await.unwrap().unwrap();
            assert_eq!(theirs.head_hash, local.head_hash, "{}", row.attempt_id);
            assert_eq!(theirs.head_seq, local.head_seq);
            assert_eq!(row.receipt_hash.as_deref(), Some(local.head_hash.as_str()));
            assert_eq!(
                central.events(&row.attempt_id).await.unwrap(),
                desk.db.store.events(&row.attempt_id).await.unwrap()
            );
            assert!(central.result(&row.attempt_id).await.unwrap().is_some());
            assert_eq!(
                central.answers(&row.attempt_id).await.unwrap(),
                desk.db.store.answers(&row.attempt_id).await.unwrap()
            );
            assert_eq!(theirs.status, local.status);
            total += 1;
        }
    }
    assert_eq!(total, DESKS * PER_DESK * EXAMS);
    assert!(central.sync_incidents().await.unwrap().is_empty());
    let cut = cuts.load(Ordering::Relaxed);
    eprintln!(
        "chaos: {total} attempts, {kills} kills, {cut} cut connections, {replayed} replays mid-run"
    );
    assert!(kills >= 3 && cut > 0 && replayed > 0);
}
