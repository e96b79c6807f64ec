//! A room over loopback, chaos included: HQ (the real `examhall serve`), a
//! relay hub enrolled with it (`examhall serve --upstream`), and 30 seats, each
//! its own `examhall seat` process with its own database, enrolled through the
//! hub with HQ's tokens. The console (the hub's room API) opens the session and
//! pauses the room; every seat must follow within 3 s. Three seats die with
//! their disks (killed, data directory deleted): the console moves their
//! candidates and spare seats continue the same attempts from the copies the
//! hub kept as answers were saved. HQ is cut off; two seats are killed with
//! SIGKILL and the hub is killed for 60 s mid-exam; the seats keep examining on
//! their own clocks, the killed ones come back locked, the console unlocks them
//! once the hub is back, and the downtime ledger proposes credit for exactly
//! those. The invigilator closes the room on the hub; when HQ comes back it
//! holds every attempt once, every event the hub had copied, and accounts for
//! every line of the roster.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SEATS: usize = 30;
const KILLED: [usize; 2] = [3, 11];
/// The seats whose disks die; their candidates move to spare seats.
const DEAD_DISKS: [usize; 3] = [7, 19, 26];
const PASSWORD: &str = "student-pass-1";

/// A server process (HQ, or with `extra` a relay hub) over HTTPS; returns it
/// and its certificate's fingerprint.
fn start_server(dir: &std::path::Path, addr: SocketAddr, extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_examhall"))
        .args(["serve", "--init-admin", "admin", "--addr"])
        .arg(addr.to_string())
        .arg("--data-dir")
        .arg(dir)
        .args(extra)
        .env("EXAMHALL_ADMIN_PASSWORD", "admin-password-1")
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let banner = examhall_testkit::server_banner(child.stderr.take().unwrap());
    (child, banner.fingerprint.expect("the server serves HTTPS"))
}

fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
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
async fn thirty_seats_through_a_relay_hub_survive_dead_disks_a_hub_outage_and_an_hq_cut() {
    let dir = tempfile::tempdir().unwrap();
    let procs = Arc::new(Mutex::new(Vec::new()));
    let _reaper = Reaper(procs.clone());

    // ---- HQ: the candidates, the exam, its package for centre north --------------
    let hq_dir = dir.path().join("hq");
    let hq_addr = free_addr();
    let (child, hq_fp) = start_server(&hq_dir, hq_addr, &[]);
    procs.lock().unwrap().push(child); // [0]: HQ
    let hq = format!("https://{hq_addr}");
    let hq_http = examhall_app::transport::pinned_http_client(&hq_fp).unwrap();
    let root = call(
        &hq_http,
        "POST",
        format!("{hq}/api/users/login/"),
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
            &hq_http,
            "POST",
            format!("{hq}/api/users/register/"),
            None,
            json!({"username": s, "password": PASSWORD}),
        )
        .await;
    }
    let mut qids = Vec::new();
    for i in 0..10 {
        let q = call(
            &hq_http,
            "POST",
            format!("{hq}/api/exams/questions/"),
            Some(&root),
            json!({"text": format!("Question {i}: 6 × 7?"), "type": "numeric", "answer": "42"}),
        )
        .await;
        qids.push(q["id"].clone());
    }
    let exam = call(
        &hq_http,
        "POST",
        format!("{hq}/api/exams/create/"),
        Some(&root),
        json!({"title": "Room paper", "duration_minutes": 60, "questions": qids}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let pkg = call(
        &hq_http,
        "POST",
        format!("{hq}/api/sync/packages/"),
        Some(&root),
        json!({"exam_id": exam, "centre": "north", "candidates": students}),
    )
    .await;
    let package = pkg["package_id"].as_str().unwrap().to_owned();
    let code = pkg["start_code"].as_str().unwrap().to_owned();
    let hub_token = call(
        &hq_http,
        "POST",
        format!("{hq}/api/sync/enrolments/"),
        Some(&root),
        json!({"centre": "north"}),
    )
    .await["token"]
        .as_str()
        .unwrap()
        .to_owned();

    // ---- the relay hub enrols with HQ and receives the package -------------------
    let hub_dir = dir.path().join("hub");
    let addr = free_addr();
    let hub_args = [
        "--upstream",
        hq.as_str(),
        "--enrolment-token",
        hub_token.as_str(),
        "--hub-name",
        "Lab 2 hub",
    ];
    let (child, fingerprint) = start_server(&hub_dir, addr, &hub_args);
    procs.lock().unwrap().push(child); // [1]: the hub
    let hub = format!("https://{addr}");
    let http = examhall_app::transport::pinned_http_client(&fingerprint).unwrap();
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
    let devices = call(
        &hq_http,
        "GET",
        format!("{hq}/api/sync/devices/"),
        Some(&root),
        Value::Null,
    )
    .await;
    let hub_device = devices
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "Lab 2 hub" && d["is_hub"] == true)
        .expect("HQ lists the hub")["device_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // HQ's tokens for the seats, to be used through the hub; one per seat, and
    // one spare per dead disk.
    let mut tokens = Vec::new();
    for _ in 0..SEATS + DEAD_DISKS.len() {
        let t = call(
            &hq_http,
            "POST",
            format!("{hq}/api/sync/enrolments/"),
            Some(&root),
            json!({"centre": "north", "via_hub": hub_device}),
        )
        .await;
        tokens.push(t["token"].as_str().unwrap().to_owned());
    }
    // The hub pulls the package on its sync round; the invigilator opens it
    // with the start code HQ sent (the hub's own exam id comes back).
    let t0 = Instant::now();
    let hub_exam = loop {
        let resp = http
            .post(format!("{hub}/api/sync/open-package/"))
            .bearer_auth(&admin)
            .json(&json!({"package_id": package, "start_code": code}))
            .send()
            .await
            .unwrap();
        if resp.status().is_success() {
            let v: Value = resp.json().await.unwrap();
            break v["exam_id"].as_i64().unwrap();
        }
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "the hub never received the package: {}",
            resp.text().await.unwrap()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };

    // ---- the room session, and the seats waiting for it ------------------------
    let session = call(
        &http,
        "POST",
        format!("{hub}/api/room/sessions/"),
        Some(&admin),
        json!({"exam_id": hub_exam, "room": "Lab 2", "seats": 36}),
    )
    .await;
    let sid = session["session_id"].as_i64().unwrap();
    assert_eq!(session["state"], "planned");
    let mut seat_procs: Vec<Seat> = (0..SEATS)
        .map(|i| start_seat(dir.path(), &hub, &tokens[i], i, &code, 90))
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
        Duration::from_secs(90),
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

    // ---- three seats die with their disks; their candidates move to spares -------
    let mut moved = Vec::new();
    for (k, &d) in DEAD_DISKS.iter().enumerate() {
        // At a random moment of the candidate's answering.
        tokio::time::sleep(Duration::from_millis(rand::random_range(500..3500))).await;
        let who = format!("cand{d:02}");
        {
            let s = &mut seat_procs[d];
            s.child.kill().unwrap();
            s.child.wait().unwrap();
        }
        // What the seat had acknowledged to the candidate when it died, against
        // what the hub's copy held: the answers a dead disk loses.
        let dead_dir = seat_dir(dir.path(), &format!("Lab 2 seat {d}"));
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
            .find(|s| s["username"] == who.as_str())
            .unwrap();
        let held = line["copy"]["held_seq"]
            .as_i64()
            .expect("the hub holds a copy");
        let lost = seat_head - held;
        eprintln!(
            "dead disk {who}: the seat had {} events, the hub's copy {}: {lost} lost",
            seat_head + 1,
            held + 1
        );
        assert!(
            (0..=2).contains(&lost),
            "at most what the copy lag held is lost (a save every 3 s, a copy within 1 s): {lost}"
        );
        std::fs::remove_dir_all(&dead_dir).unwrap();
        let after = call(
            &http,
            "POST",
            format!("{hub}/api/room/move/"),
            Some(&admin),
            json!({"session_id": sid, "username": who, "reason": format!("seat {d}'s disk failed")}),
        )
        .await;
        let line = seats(&after)
            .iter()
            .find(|s| s["username"] == who.as_str())
            .unwrap();
        assert_eq!(line["copy"]["moving"], true, "{line:#}");
        let spare = format!("Lab 2 spare seat {k}");
        seat_procs[d] = start_seat_as(dir.path(), &hub, &tokens[SEATS + k], d, &code, 0, &spare);
        moved.push((who, attempt, spare));
    }
    for (who, _, spare) in &moved {
        until(
            &http,
            &hub,
            &admin,
            sid,
            Duration::from_secs(60),
            "a spare seat takes the move",
            |c| {
                let line = seats(c)
                    .iter()
                    .find(|s| s["username"] == who.as_str())
                    .unwrap();
                line["device"] == spare.as_str() && line["copy"]["moving"] == false
            },
        )
        .await;
    }

    // ---- HQ is cut off (it stays away until the room has closed). A spare seat
    // enrols through the hub with HQ, so the spares came first. -------------------
    {
        let mut p = procs.lock().unwrap();
        p[0].kill().unwrap();
        p[0].wait().unwrap();
    }

    // ---- two seats lose power, then the hub goes away for 60 s ------------------
    for &i in &KILLED {
        let s = &mut seat_procs[i];
        s.child.kill().unwrap();
        s.child.wait().unwrap();
    }
    {
        let mut p = procs.lock().unwrap();
        p[1].kill().unwrap();
        p[1].wait().unwrap();
    }
    let down = Instant::now();
    tokio::time::sleep(Duration::from_secs(20)).await;
    for &i in &KILLED {
        seat_procs[i] = start_seat(dir.path(), &hub, &tokens[i], i, &code, 0);
    }
    tokio::time::sleep(Duration::from_secs(60).saturating_sub(down.elapsed())).await;
    let (restarted, again) = start_server(&hub_dir, addr, &hub_args);
    assert_eq!(
        again, fingerprint,
        "the hub keeps its certificate across restarts"
    );
    procs.lock().unwrap()[1] = restarted;
    eprintln!("hub back after {:?}", down.elapsed());

    // ---- the killed seats report locked, with their gaps ------------------------
    let killed: Vec<String> = KILLED.iter().map(|i| format!("cand{i:02}")).collect();
    let (c, _) = until(
        &http,
        &hub,
        &admin,
        sid,
        Duration::from_secs(30),
        "locked seats report",
        |c| killed.iter().all(|u| progress(c, u)["locked"] == true),
    )
    .await;
    // The ledger proposes credit for the two seats that were down, and nobody else:
    // the hub's outage cost the other candidates nothing. (A moved candidate's
    // gap, from the dead seat's last save to the spare seat's start, is offered
    // too when it passed the 15 s threshold.)
    let ledger = c["ledger"].as_array().unwrap();
    let is_moved = |u: &str| moved.iter().any(|(w, _, _)| w == u);
    let mut who: Vec<&str> = ledger
        .iter()
        .map(|p| p["username"].as_str().unwrap())
        .filter(|u| !is_moved(u))
        .collect();
    who.sort();
    assert_eq!(
        who,
        killed.iter().map(String::as_str).collect::<Vec<_>>(),
        "{ledger:#?}"
    );
    for p in ledger {
        let gap = p["gap_ms"].as_i64().unwrap();
        if is_moved(p["username"].as_str().unwrap()) {
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

    // ---- every seat finishes; the hub holds every attempt once -------------------
    let t0 = Instant::now();
    for (i, s) in seat_procs.iter_mut().enumerate() {
        let left = Duration::from_secs(300).saturating_sub(t0.elapsed());
        let status = loop {
            if let Some(st) = s.child.try_wait().unwrap() {
                break st;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(300),
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
    for ((_, attempt, _), &d) in moved.iter().zip(&DEAD_DISKS) {
        let spare = seat_procs[d].events.lock().unwrap().clone();
        assert!(
            spare
                .iter()
                .any(|e| e["event"] == "started" && e["attempt"] == attempt.as_str()),
            "the spare seat continued attempt {attempt}: {spare:?}"
        );
    }
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
        Duration::from_secs(30),
        "all handed in",
        |c| {
            seats(c)
                .iter()
                .all(|s| s["progress"]["status"] != "in_progress")
        },
    )
    .await;
    let credited: Vec<&Value> = c["ledger"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["decision"] == "credited")
        .collect();
    assert_eq!(credited.len(), offered);
    // The invigilator closes the room on the relay hub, HQ still away.
    let close = call(
        &http,
        "POST",
        format!("{hub}/api/room/close/"),
        Some(&admin),
        json!({"session_id": sid}),
    )
    .await;
    assert_eq!(close["state"], "closed");

    // ---- HQ comes back, and reconciles every line of the roster ------------------
    let (child, again) = start_server(&hq_dir, hq_addr, &[]);
    assert_eq!(again, hq_fp);
    procs.lock().unwrap()[0] = child;
    let root = call(
        &hq_http,
        "POST",
        format!("{hq}/api/users/login/"),
        None,
        json!({"username": "admin", "password": "admin-password-1"}),
    )
    .await["access"]
        .as_str()
        .unwrap()
        .to_owned();
    let t0 = Instant::now();
    let recon = loop {
        let r = call(
            &hq_http,
            "GET",
            format!("{hq}/api/sync/packages/{package}/reconciliation/"),
            Some(&root),
            Value::Null,
        )
        .await;
        if r["complete"] == true {
            break r;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(180),
            "HQ did not reconcile the room: {r:#}"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    eprintln!(
        "HQ reconciled the room {:?} after it came back",
        t0.elapsed()
    );
    let lines = recon["lines"].as_array().unwrap();
    assert_eq!(lines.len(), SEATS);
    for l in lines {
        assert!(
            matches!(l["status"].as_str(), Some("graded" | "submitted")),
            "{l}"
        );
        let u = l["username"].as_str().unwrap();
        assert_eq!(
            l["evidence"].as_str().unwrap().contains("moved"),
            is_moved(u),
            "{l}"
        );
    }
    let rooms = recon["rooms"].as_array().unwrap();
    assert_eq!(rooms.len(), 1, "{recon:#}");
    assert_eq!(rooms[0]["state"], "closed");
    assert_eq!(rooms[0]["device_name"], "Lab 2 hub");
    assert!(rooms[0]["log_lines"].as_u64().unwrap() > 0);

    // Every event the hub copied is in HQ's copy, with the same hash.
    let hub_store = examhall_store::Store::open(&hub_dir.join("examhall.sqlite"))
        .await
        .unwrap();
    let copies = hub_store.package_copies(&package).await.unwrap();
    hub_store.close().await;
    assert_eq!(copies.len(), SEATS, "the hub copied every attempt");
    let hq_store = examhall_store::Store::open(&hq_dir.join("examhall.sqlite"))
        .await
        .unwrap();
    let wanted: Vec<(String, i64)> = copies
        .iter()
        .map(|c| (c.attempt_id.clone(), c.head_seq))
        .collect();
    let held = hq_store.held_hashes(&wanted).await.unwrap();
    hq_store.close().await;
    for (c, h) in copies.iter().zip(held) {
        assert_eq!(
            h.and_then(|h| h.hash).as_deref(),
            Some(c.head_hash.as_str()),
            "HQ holds {} up to the hub's copy (event {})",
            c.attempt_id,
            c.head_seq
        );
    }
    let results = call(
        &hq_http,
        "GET",
        format!("{hq}/api/results/{exam}/"),
        Some(&root),
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
        "one result per candidate at HQ"
    );
    assert!(
        rows.iter().all(|r| r["percentage"] == 100.0),
        "every answer the seats gave was kept: {results:#}"
    );
    let incidents = call(
        &hq_http,
        "GET",
        format!("{hq}/api/sync/incidents/"),
        Some(&root),
        Value::Null,
    )
    .await;
    assert_eq!(
        incidents,
        json!([]),
        "no attempt arrived twice or from two seats"
    );
}
