//! A room over loopback: the hub (the real `examhall serve`) and 20 seats, each
//! its own `examhall seat` process with its own database. The console (the
//! hub's room API) opens the session and pauses the room; every seat must follow
//! within 3 s. Two seats are killed with SIGKILL and the hub is killed for 60 s
//! mid-exam; the seats keep examining on their own clocks, the killed ones come
//! back locked, the console unlocks them once the hub is back, and the downtime
//! ledger proposes credit for exactly those two. A third seat dies with its
//! disk (killed, its data directory deleted); the console moves its candidate
//! and a spare seat continues the same attempt from the copy the hub kept as
//! answers were saved. Every attempt reaches the hub exactly once.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SEATS: usize = 20;
const KILLED: [usize; 2] = [3, 11];
/// The seat whose disk dies; its candidate moves to a spare seat.
const DEAD_DISK: usize = 7;
const PASSWORD: &str = "student-pass-1";

/// The room hub as a process over HTTPS; returns it and its fingerprint.
fn start_hub(dir: &std::path::Path, addr: SocketAddr) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_examhall"))
        .args(["serve", "--init-admin", "admin", "--addr"])
        .arg(addr.to_string())
        .arg("--data-dir")
        .arg(dir)
        .env("EXAMHALL_ADMIN_PASSWORD", "admin-password-1")
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let banner = examhall_testkit::server_banner(child.stderr.take().unwrap());
    (child, banner.fingerprint.expect("the hub serves HTTPS"))
}

/// A seat process; its JSON milestones are collected as they come.
struct Seat {
    child: Child,
    events: Arc<Mutex<Vec<Value>>>,
}

fn start_seat(
    dir: &std::path::Path,
    hub: &str,
    token: &str,
    i: usize,
    code: &str,
    min_secs: u64,
) -> Seat {
    start_seat_as(
        dir,
        hub,
        token,
        i,
        code,
        min_secs,
        &format!("Lab 2 seat {i}"),
    )
}

fn seat_dir(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    dir.join(name.replace(' ', "-"))
}

/// A seat process named `name` (its data directory follows the name) for
/// candidate `i`.
fn start_seat_as(
    dir: &std::path::Path,
    hub: &str,
    token: &str,
    i: usize,
    code: &str,
    min_secs: u64,
    name: &str,
) -> Seat {
    let mut child = Command::new(env!("CARGO_BIN_EXE_examhall"))
        .arg("seat")
        .arg("--data-dir")
        .arg(seat_dir(dir, name))
        .args([
            "--hub",
            hub,
            "--enrolment-token",
            token,
            "--start-code",
            code,
        ])
        .args(["--name", name, "--candidate", &format!("cand{i:02}")])
        .args(["--answer-every-ms", "3000", "--heartbeat-ms", "2000"])
        .args(["--min-secs", &min_secs.to_string()])
        .env("EXAMHALL_PASSWORD", PASSWORD)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let out = BufReader::new(child.stdout.take().unwrap());
    std::thread::spawn(move || {
        for line in out.lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str(&line) {
                sink.lock().unwrap().push(v);
            }
        }
    });
    Seat { child, events }
}

/// Kills every process left when the test ends, also when it fails.
struct Reaper(Arc<Mutex<Vec<Child>>>);

impl Drop for Reaper {
    fn drop(&mut self) {
        for c in self.0.lock().unwrap().iter_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

async fn call(
    http: &reqwest::Client,
    method: &str,
    url: String,
    token: Option<&str>,
    body: Value,
) -> Value {
    // Waits out the server's per-source limit (429 with Retry-After), as a
    // well-behaved client does, a bounded number of times.
    let mut tries = 0;
    let resp = loop {
        let mut req = match method {
            "GET" => http.get(url.clone()),
            _ => http.post(url.clone()).json(&body),
        };
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

/// Polls the console until `pred` holds for it, or fails after `limit`.
async fn until(
    http: &reqwest::Client,
    hub: &str,
    admin: &str,
    session: i64,
    limit: Duration,
    what: &str,
    pred: impl Fn(&Value) -> bool,
) -> (Value, Duration) {
    let t0 = Instant::now();
    loop {
        let c = call(
            http,
            "GET",
            format!("{hub}/api/room/sessions/{session}/"),
            Some(admin),
            Value::Null,
        )
        .await;
        if pred(&c) {
            return (c, t0.elapsed());
        }
        assert!(t0.elapsed() < limit, "{what}: not within {limit:?}: {c:#}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn seats(c: &Value) -> &Vec<Value> {
    c["seats"].as_array().unwrap()
}

fn progress<'a>(c: &'a Value, username: &str) -> &'a Value {
    &seats(c).iter().find(|s| s["username"] == username).unwrap()["progress"]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_seats_follow_the_console_through_a_hub_outage() {
    let dir = tempfile::tempdir().unwrap();
    let hub_dir = dir.path().join("hub");
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let procs = Arc::new(Mutex::new(Vec::new()));
    let _reaper = Reaper(procs.clone());
    let (child, fingerprint) = start_hub(&hub_dir, addr);
    procs.lock().unwrap().push(child);
    // The seats reach the hub over HTTPS, pinned by the fingerprint in their tokens.
    let hub = format!("https://{addr}");
    let http = examhall_app::transport::pinned_http_client(&fingerprint).unwrap();

    // ---- the exam, its package, and an enrolment token per seat ------------------
    let admin = call(
        &http,
        "POST",
        format!("{hub}/api/users/login/"),
        None,
        json!({"username": "admin", "password": "admin-password-1"}),
    )
    .await["access"]
        .as_str()
        .unwrap()
        .to_owned();
    let students: Vec<String> = (0..SEATS).map(|i| format!("cand{i:02}")).collect();
    for s in &students {
        call(
            &http,
            "POST",
            format!("{hub}/api/users/register/"),
            None,
            json!({"username": s, "password": PASSWORD}),
        )
        .await;
    }
    let mut qids = Vec::new();
    for i in 0..10 {
        let q = call(
            &http,
            "POST",
            format!("{hub}/api/exams/questions/"),
            Some(&admin),
            json!({"text": format!("Question {i}: 6 × 7?"), "type": "numeric", "answer": "42"}),
        )
        .await;
        qids.push(q["id"].clone());
    }
    let exam = call(
        &http,
        "POST",
        format!("{hub}/api/exams/create/"),
        Some(&admin),
        json!({"title": "Room paper", "duration_minutes": 60, "questions": qids}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let pkg = call(
        &http,
        "POST",
        format!("{hub}/api/sync/packages/"),
        Some(&admin),
        json!({"exam_id": exam, "centre": "north", "candidates": students}),
    )
    .await;
    let code = pkg["start_code"].as_str().unwrap().to_owned();
    let mut tokens = Vec::new();
    // One more than the seats: the spare the dead disk's candidate moves to.
    for _ in 0..=SEATS {
        let t = call(
            &http,
            "POST",
            format!("{hub}/api/sync/enrolments/"),
            Some(&admin),
            json!({"centre": "north"}),
        )
        .await;
        tokens.push(t["token"].as_str().unwrap().to_owned());
    }

    // ---- the room session, and the seats waiting for it ------------------------
    let session = call(
        &http,
        "POST",
        format!("{hub}/api/room/sessions/"),
        Some(&admin),
        json!({"exam_id": exam, "room": "Lab 2", "seats": 24}),
    )
    .await;
    let sid = session["session_id"].as_i64().unwrap();
    assert_eq!(session["state"], "planned");
    let mut seat_procs: Vec<Seat> = (0..SEATS)
        .map(|i| start_seat(dir.path(), &hub, &tokens[i], i, &code, 75))
        .collect();
    for (i, s) in students.iter().enumerate() {
        call(&http, "POST", format!("{hub}/api/room/check-in/"), Some(&admin),
            json!({"session_id": sid, "username": s, "attendance": "present", "id_checked": true, "seat": format!("A{i}")})).await;
    }
    // Nobody starts before the session opens.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let (c, _) = until(
        &http,
        &hub,
        &admin,
        sid,
        Duration::from_secs(1),
        "planned",
        |_| true,
    )
    .await;
    assert!(
        seats(&c).iter().all(|s| s["progress"].is_null()),
        "no attempt before opening: {c:#}"
    );
    let opened = call(
        &http,
        "POST",
        format!("{hub}/api/room/open/"),
        Some(&admin),
        json!({"session_id": sid}),
    )
    .await;
    assert_eq!(opened["start_code"], code.as_str());

    // ---- the console sees every seat start --------------------------------------
    let (c, took) = until(
        &http,
        &hub,
        &admin,
        sid,
        Duration::from_secs(60),
        "all seats in progress",
        |c| {
            seats(c)
                .iter()
                .all(|s| s["progress"]["status"] == "in_progress")
        },
    )
    .await;
    eprintln!("all {SEATS} seats started {took:?} after opening");
    assert_eq!(seats(&c).len(), SEATS);
    assert!(seats(&c)
        .iter()
        .all(|s| s["device"].as_str().unwrap().starts_with("Lab 2 seat")));

    // ---- a room pause reaches every seat within 3 s -----------------------------
    let ack = call(
        &http,
        "POST",
        format!("{hub}/api/room/actions/"),
        Some(&admin),
        json!({"session_id": sid, "kind": "pause", "reason": "fire alarm"}),
    )
    .await;
    let cmd = ack["command_id"].as_i64().unwrap();
    let (_, took) = until(
        &http,
        &hub,
        &admin,
        sid,
        Duration::from_secs(10),
        "room paused",
        |c| {
            seats(c).iter().all(|s| {
                s["progress"]["paused"] == true && s["applied_command"].as_i64().unwrap() >= cmd
            })
        },
    )
    .await;
    eprintln!("room pause reached all {SEATS} seats in {took:?}");
    assert!(took < Duration::from_secs(3), "the pause took {took:?}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    call(
        &http,
        "POST",
        format!("{hub}/api/room/actions/"),
        Some(&admin),
        json!({"session_id": sid, "kind": "resume", "reason": "all clear"}),
    )
    .await;
    let (_, took) = until(
        &http,
        &hub,
        &admin,
        sid,
        Duration::from_secs(10),
        "room resumed",
        |c| seats(c).iter().all(|s| s["progress"]["paused"] == false),
    )
    .await;
    assert!(took < Duration::from_secs(3), "the resume took {took:?}");

    // ---- a seat dies with its disk; its candidate moves to a spare ---------------
    let dead = format!("cand{DEAD_DISK:02}");
    {
        let s = &mut seat_procs[DEAD_DISK];
        s.child.kill().unwrap();
        s.child.wait().unwrap();
    }
    // What the seat had acknowledged to the candidate when it died, against
    // what the hub's copy held: the answers a dead disk loses.
    let dead_dir = seat_dir(dir.path(), &format!("Lab 2 seat {DEAD_DISK}"));
    let (attempt, seat_head) = {
        let store = examhall_store::Store::open(&dead_dir.join("examhall.sqlite"))
            .await
            .unwrap();
        let a = store.open_attempts_here().await.unwrap().remove(0);
        store.close().await;
        (a.id, a.head_seq)
    };
    let c = call(
        &http,
        "GET",
        format!("{hub}/api/room/sessions/{sid}/"),
        Some(&admin),
        Value::Null,
    )
    .await;
    let line = seats(&c)
        .iter()
        .find(|s| s["username"] == dead.as_str())
        .unwrap();
    let held = line["copy"]["held_seq"]
        .as_i64()
        .expect("the hub holds a copy");
    let lost = seat_head - held;
    eprintln!("dead disk: the seat had {seat_head} events, the hub's copy {held}: {lost} lost");
    assert!(
        (0..=2).contains(&lost),
        "at most what the copy lag held is lost (a save every 3 s, a copy within 1 s): {lost}"
    );
    std::fs::remove_dir_all(&dead_dir).unwrap();
    let moved = call(
        &http,
        "POST",
        format!("{hub}/api/room/move/"),
        Some(&admin),
        json!({"session_id": sid, "username": dead, "reason": "seat 7's disk failed"}),
    )
    .await;
    let line = seats(&moved)
        .iter()
        .find(|s| s["username"] == dead.as_str())
        .unwrap();
    assert_eq!(line["copy"]["moving"], true, "{line:#}");
    seat_procs[DEAD_DISK] = start_seat_as(
        dir.path(),
        &hub,
        &tokens[SEATS],
        DEAD_DISK,
        &code,
        0,
        "Lab 2 spare seat",
    );
    until(
        &http,
        &hub,
        &admin,
        sid,
        Duration::from_secs(60),
        "the spare seat takes the move",
        |c| {
            let line = seats(c)
                .iter()
                .find(|s| s["username"] == dead.as_str())
                .unwrap();
            line["device"] == "Lab 2 spare seat" && line["copy"]["moving"] == false
        },
    )
    .await;

    // ---- two seats lose power, then the hub goes away for 60 s ------------------
    for &i in &KILLED {
        let s = &mut seat_procs[i];
        s.child.kill().unwrap();
        s.child.wait().unwrap();
    }
    {
        let mut p = procs.lock().unwrap();
        p[0].kill().unwrap();
        p[0].wait().unwrap();
    }
    let down = Instant::now();
    tokio::time::sleep(Duration::from_secs(20)).await;
    for &i in &KILLED {
        seat_procs[i] = start_seat(dir.path(), &hub, &tokens[i], i, &code, 0);
    }
    tokio::time::sleep(Duration::from_secs(60).saturating_sub(down.elapsed())).await;
    let (restarted, again) = start_hub(&hub_dir, addr);
    assert_eq!(
        again, fingerprint,
        "the hub keeps its certificate across restarts"
    );
    procs.lock().unwrap()[0] = restarted;
    eprintln!("hub back after {:?}", down.elapsed());

    // ---- the killed seats report locked, with their gaps ------------------------
    let killed: Vec<String> = KILLED.iter().map(|i| format!("cand{i:02}")).collect();
    let (c, _) = until(
        &http,
        &hub,
        &admin,
        sid,
        Duration::from_secs(20),
        "locked seats report",
        |c| killed.iter().all(|u| progress(c, u)["locked"] == true),
    )
    .await;
    // The ledger proposes credit for the two seats that were down, and nobody else:
    // the hub's outage cost the other candidates nothing.
    // (The moved candidate's gap, from the dead seat's last save to the spare
    // seat's start, is offered too when it passed the 15 s threshold.)
    let ledger = c["ledger"].as_array().unwrap();
    let mut who: Vec<&str> = ledger
        .iter()
        .map(|p| p["username"].as_str().unwrap())
        .filter(|u| *u != dead)
        .collect();
    who.sort();
    assert_eq!(
        who,
        killed.iter().map(String::as_str).collect::<Vec<_>>(),
        "{ledger:#?}"
    );
    for p in ledger {
        let gap = p["gap_ms"].as_i64().unwrap();
        if p["username"] == dead.as_str() {
            assert!(gap >= 15_000, "the move's gap: {p}");
            continue;
        }
        assert!((19_000..40_000).contains(&gap), "a gap of about 20 s: {p}");
        assert_eq!(p["minutes"], 1, "rounded up to a whole minute: {p}");
    }
    let offered = ledger.len();
    for u in &killed {
        call(&http, "POST", format!("{hub}/api/room/actions/"), Some(&admin),
            json!({"session_id": sid, "username": u, "kind": "unlock", "reason": "power cut at the seat"})).await;
    }
    for p in ledger {
        call(&http, "POST", format!("{hub}/api/room/credits/"), Some(&admin),
            json!({"session_id": sid, "attempt_id": p["attempt_id"], "gap_seq": p["gap_seq"], "accept": true})).await;
    }

    // ---- every seat finishes and the hub holds every attempt once ----------------
    let t0 = Instant::now();
    for (i, s) in seat_procs.iter_mut().enumerate() {
        let left = Duration::from_secs(240).saturating_sub(t0.elapsed());
        let status = loop {
            if let Some(st) = s.child.try_wait().unwrap() {
                break st;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(240),
                "seat {i} did not finish: {:?}",
                s.events.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(200).min(left)).await;
        };
        assert!(
            status.success(),
            "seat {i} failed: {:?}",
            s.events.lock().unwrap()
        );
        let ev = s.events.lock().unwrap();
        assert!(
            ev.iter().any(|e| e["event"] == "synced"),
            "seat {i}: {ev:?}"
        );
    }
    let spare = seat_procs[DEAD_DISK].events.lock().unwrap().clone();
    assert!(
        spare
            .iter()
            .any(|e| e["event"] == "started" && e["attempt"] == attempt.as_str()),
        "the spare seat continued attempt {attempt}: {spare:?}"
    );
    for &i in &KILLED {
        let ev = seat_procs[i].events.lock().unwrap();
        assert!(
            ev.iter()
                .any(|e| e["event"] == "resumed" && e["locked"] == true),
            "seat {i} came back locked: {ev:?}"
        );
    }
    let (c, _) = until(
        &http,
        &hub,
        &admin,
        sid,
        Duration::from_secs(20),
        "all graded",
        |c| seats(c).iter().all(|s| s["progress"]["status"] == "graded"),
    )
    .await;
    let credited: Vec<&Value> = c["ledger"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["decision"] == "credited")
        .collect();
    assert_eq!(credited.len(), offered);
    let results = call(
        &http,
        "GET",
        format!("{hub}/api/results/{exam}/"),
        Some(&admin),
        Value::Null,
    )
    .await;
    let rows = results.as_array().unwrap();
    let mut users: Vec<&str> = rows
        .iter()
        .map(|r| r["username"].as_str().unwrap())
        .collect();
    users.sort();
    assert_eq!(
        users,
        students.iter().map(String::as_str).collect::<Vec<_>>(),
        "one result per candidate"
    );
    assert!(
        rows.iter().all(|r| r["percentage"] == 100.0),
        "every answer the seats gave was kept: {results:#}"
    );
    let incidents = call(
        &http,
        "GET",
        format!("{hub}/api/sync/incidents/"),
        Some(&admin),
        Value::Null,
    )
    .await;
    assert_eq!(
        incidents,
        json!([]),
        "no attempt arrived twice or from two seats"
    );
    let close = call(
        &http,
        "POST",
        format!("{hub}/api/room/close/"),
        Some(&admin),
        json!({"session_id": sid}),
    )
    .await;
    assert_eq!(close["state"], "closed");
}
