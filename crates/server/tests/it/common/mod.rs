//! An HQ server on loopback and desktops that sync with it, for the sync tests.
#![allow(dead_code)]

use examhall_app::App;
use examhall_protocol::sync::{EnrolmentToken, PublishedPackage};
use examhall_protocol::{Answer, AttemptRef, LoginRequest, NewUser, SetAnswer, StartAttempt};
use examhall_testkit::{FakeClock, TempDb, TestBackend};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::Arc;

pub const STUDENT_PASSWORD: &str = "student-pass-1";

/// A reqwest client that trusts only the certificate with fingerprint `fp`.
pub fn pinned_http(fp: &str) -> reqwest::Client {
    examhall_app::transport::pinned_http_client(fp).unwrap()
}

pub struct Hq {
    pub base: String,
    pub http: reqwest::Client,
    /// HQ serves HTTPS with this certificate (self-signed, as `examhall serve`
    /// makes one); its enrolment tokens carry the fingerprint.
    pub tls: examhall_server::tls::TlsIdentity,
    _tls_dir: tempfile::TempDir,
    pub app: App,
    pub clock: Arc<FakeClock>,
    pub db: TempDb,
    pub admin: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Hq {
    /// HQ with an administrator, a teacher's three-question exam ("Science": a
    /// single choice, a true/false and a numeric worth 2) and no students yet.
    pub async fn start(backend: TestBackend) -> (Hq, i64) {
        let db = TempDb::on(backend).await;
        let clock = FakeClock::new(FakeClock::EXAM_MORNING);
        let app = App::new(db.store.clone(), clock.clone());
        app.enable_jwt(b"0123456789abcdef0123456789abcdef-test-secret")
            .unwrap();
        app.enable_hq_signing(examhall_sync::SigningKey::generate());
        let tls_dir = tempfile::tempdir().unwrap();
        let tls = examhall_server::tls::TlsIdentity::load_or_create(tls_dir.path(), &[]).unwrap();
        app.serve_tls_with(tls.fingerprint());
        app.create_first_admin(NewUser {
            username: "admin".into(),
            display_name: "Ada Admin".into(),
            password: "admin-password-1".into(),
            role: examhall_protocol::Role::Admin,
            email: None,
            candidate_number: None,
        })
        .await
        .unwrap();
        let mut hq = Hq {
            base: String::new(),
            http: pinned_http(tls.fingerprint()),
            tls,
            _tls_dir: tls_dir,
            app,
            clock,
            db,
            admin: String::new(),
            stop: None,
            task: None,
        };
        hq.listen("127.0.0.1:0").await;
        hq.admin = hq.login("admin", "admin-password-1").await;
        let exam = hq.exam().await;
        (hq, exam)
    }

    /// Serves on `addr` (port 0: any free port).
    pub async fn listen(&mut self, addr: &str) {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        self.base = format!("https://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        self.task = Some(tokio::spawn(examhall_server::serve_with(
            self.app.clone(),
            listener,
            Some(self.tls.clone()),
            async {
                let _ = rx.await;
            },
        )));
        self.stop = Some(tx);
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let url = format!("{}{path}", self.base);
        let mut req = match method {
            "GET" => self.http.get(url),
            "PATCH" => self.http.patch(url),
            _ => self.http.post(url),
        };
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call("GET", path, Some(token), None).await
    }
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call("POST", path, token, Some(body)).await
    }

    pub async fn login(&self, user: &str, password: &str) -> String {
        let (s, v) = self
            .post(
                "/api/users/login/",
                None,
                json!({"username": user, "password": password}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["access"].as_str().unwrap().to_owned()
    }

    pub async fn student(&self, name: &str) -> i64 {
        let (s, v) = self
            .post(
                "/api/users/register/",
                None,
                json!({"username": name, "password": STUDENT_PASSWORD}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_i64().unwrap()
    }

    async fn exam(&self) -> i64 {
        let admin = self.admin.clone();
        for q in [
            json!({"text": "Closest planet to the Sun?", "type": "single_choice",
                   "options": [{"key": "A", "text": "Venus"}, {"key": "B", "text": "Mercury"}], "answer": "B"}),
            json!({"text": "Water boils at 100 °C at sea level.", "type": "true_false", "answer": "True"}),
            json!({"text": "6 × 7?", "type": "numeric", "answer": "42", "marks": 2}),
        ] {
            let (s, v) = self.post("/api/exams/questions/", Some(&admin), q).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        let (s, v) = self
            .post("/api/exams/create/", Some(&admin),
                json!({"title": "Science", "duration_minutes": 30, "questions": ["q1", "q2", "q3"]}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_i64().unwrap()
    }

    pub async fn enrolment(&self, centre: &str) -> EnrolmentToken {
        let (s, v) = self
            .post(
                "/api/sync/enrolments/",
                Some(&self.admin),
                json!({"centre": centre}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        serde_json::from_value(v).unwrap()
    }

    /// A token for a desktop that enrols through `hub` (it carries the hub's
    /// certificate fingerprint, which the hub gave HQ when it enrolled).
    pub async fn enrolment_via(&self, centre: &str, hub: &Hub) -> EnrolmentToken {
        let (s, v) = self
            .post(
                "/api/sync/enrolments/",
                Some(&self.admin),
                json!({"centre": centre, "via_hub": hub.device_id().await}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        serde_json::from_value(v).unwrap()
    }

    pub async fn publish(&self, exam: i64, centre: &str, candidates: &[&str]) -> PublishedPackage {
        let (s, v) = self
            .post(
                "/api/sync/packages/",
                Some(&self.admin),
                json!({"exam_id": exam, "centre": centre, "candidates": candidates}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        serde_json::from_value(v).unwrap()
    }

    /// Stops serving (the database stays).
    pub async fn stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

/// A lab desktop: its own database, an administrator and an invigilator.
pub struct Desk {
    pub app: App,
    pub clock: Arc<FakeClock>,
    pub db: TempDb,
    pub admin: String,
    pub invigilator: String,
}

impl Desk {
    pub async fn new() -> Desk {
        let db = TempDb::new().await;
        let clock = FakeClock::new(FakeClock::EXAM_MORNING);
        let app = App::new(db.store.clone(), clock.clone());
        let admin = app
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
        app.create_user(
            &admin,
            NewUser {
                username: "ivan".into(),
                display_name: "Ivan Invigilator".into(),
                password: "invigilator-pass-1".into(),
                role: examhall_protocol::Role::Invigilator,
                email: None,
                candidate_number: None,
            },
        )
        .await
        .unwrap();
        let invigilator = app
            .login(LoginRequest {
                username: "ivan".into(),
                password: "invigilator-pass-1".into(),
            })
            .await
            .unwrap()
            .token;
        Desk {
            app,
            clock,
            db,
            admin,
            invigilator,
        }
    }

    /// A candidate sits the Science exam: right, right, and `q3` as given.
    pub async fn sit(&self, user: &str, exam_id: i64, code: &str, q3: &str) -> String {
        let s = self
            .app
            .login(LoginRequest {
                username: user.into(),
                password: STUDENT_PASSWORD.into(),
            })
            .await
            .unwrap()
            .token;
        let view = self
            .app
            .start_attempt(
                &s,
                StartAttempt {
                    exam_id,
                    start_code: code.into(),
                },
            )
            .await
            .unwrap();
        for (q, a) in [("q1", "B"), ("q2", "true"), ("q3", q3)] {
            self.app
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
        self.app
            .submit(
                &s,
                AttemptRef {
                    attempt_id: view.attempt_id.clone(),
                },
            )
            .await
            .unwrap();
        view.attempt_id
    }

    /// Runs grading jobs until none is ready.
    pub async fn grade_all(&self) {
        let w = self.app.worker();
        while !matches!(w.try_run_next().await.unwrap(), examhall_app::Outcome::Idle) {}
    }
}

/// A centre hub: a server on its own SQLite file, enrolled with HQ, serving its
/// desktops over HTTPS with its own certificate.
pub struct Hub {
    pub app: App,
    pub clock: Arc<FakeClock>,
    pub base: String,
    /// An administrator session on the hub (its status screen needs one).
    pub admin: String,
    pub tls: examhall_server::tls::TlsIdentity,
    _tls_dir: tempfile::TempDir,
    pub db: TempDb,
}

impl Hub {
    /// A hub on its own SQLite file, enrolled with HQ, serving on loopback. Its
    /// relay rounds are driven by the test (the `serve` loop would run them every
    /// 10 s).
    pub async fn start(hq: &Hq, token: &str) -> Hub {
        let db = TempDb::new().await;
        let clock = FakeClock::new(FakeClock::EXAM_MORNING);
        let app = App::new(db.store.clone(), clock.clone());
        let admin = app
            .create_first_admin(examhall_protocol::NewUser {
                username: "hubadmin".into(),
                display_name: "Hub Admin".into(),
                password: "hub-admin-pass-1".into(),
                role: examhall_protocol::Role::Admin,
                email: None,
                candidate_number: None,
            })
            .await
            .unwrap()
            .token;
        let tls_dir = tempfile::tempdir().unwrap();
        let tls = examhall_server::tls::TlsIdentity::load_or_create(tls_dir.path(), &[]).unwrap();
        app.serve_tls_with(tls.fingerprint());
        app.enrol_machine(&hq.base, token, "North hub")
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("https://{}", listener.local_addr().unwrap());
        let (served, identity) = (app.clone(), tls.clone());
        tokio::spawn(async move {
            examhall_server::serve_api_tls(served, listener, &identity, std::future::pending())
                .await
        });
        Hub {
            app,
            clock,
            base,
            admin,
            tls,
            _tls_dir: tls_dir,
            db,
        }
    }

    /// The invigilator opens HQ's package on the hub with its start code and
    /// creates a room session for it ("Hall A", check-in required).
    pub async fn room_for(
        &self,
        pkg: &PublishedPackage,
    ) -> examhall_protocol::room::RoomSessionDto {
        let sitting = self
            .app
            .open_package(
                &self.admin,
                examhall_protocol::sync::OpenPackage {
                    package_id: pkg.package_id.clone(),
                    start_code: pkg.start_code.clone(),
                },
            )
            .await
            .unwrap();
        self.app
            .create_room_session(
                &self.admin,
                examhall_protocol::room::CreateRoomSession {
                    exam_id: sitting.exam_id,
                    room: "Hall A".into(),
                    seats: 10,
                    late_start_minutes: None,
                    check_in_required: true,
                },
            )
            .await
            .unwrap()
    }

    /// The hub's device id at HQ.
    pub async fn device_id(&self) -> String {
        self.app
            .sync_status(&self.admin)
            .await
            .unwrap()
            .device_id
            .expect("the hub is enrolled")
    }
}

/// What a [`FaultyLink`] does to package traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Fault {
    /// Everything passes.
    None = 0,
    /// The package listing answers 500.
    ListingFails = 1,
    /// Package downloads arrive with one byte flipped (a bad signature).
    CorruptPackages = 2,
    /// Every answer is passed on without its MAC header (someone in between who
    /// cannot sign answers).
    StripMac = 3,
    /// Result uploads are not passed on: the link answers with the body set by
    /// [`FaultyLink::forge_receipts`] itself, as a machine answering in HQ's place.
    ForgeReceipts = 4,
}

/// A link between a desktop and HQ that forwards every request, except that
/// it can break the package half of the sync protocol on demand: the one
/// fault a real HQ cannot be made to produce.
pub struct FaultyLink {
    pub base: String,
    fault: Arc<std::sync::atomic::AtomicU8>,
    forged: Arc<std::sync::Mutex<String>>,
}

/// What the link's handler holds: HQ's address, the fault, a client pinned to
/// HQ, and the body of forged receipts.
type LinkState = (
    String,
    Arc<std::sync::atomic::AtomicU8>,
    reqwest::Client,
    Arc<std::sync::Mutex<String>>,
);

impl FaultyLink {
    /// A plain-HTTP link in front of HQ (desktops behind it must allow plain HTTP).
    pub async fn to(hq: &Hq) -> FaultyLink {
        let upstream = hq.base.as_str();
        use axum::body::Bytes;
        use axum::extract::State;
        use axum::http::{HeaderMap, Method, Uri};
        use axum::response::IntoResponse;
        use std::sync::atomic::Ordering;
        let fault = Arc::new(std::sync::atomic::AtomicU8::new(Fault::None as u8));
        let forged = Arc::new(std::sync::Mutex::new(String::new()));
        let state = (
            upstream.to_owned(),
            fault.clone(),
            hq.http.clone(),
            forged.clone(),
        );
        async fn forward(
            State((up, fault, http, forged)): State<LinkState>,
            method: Method,
            uri: Uri,
            headers: HeaderMap,
            body: Bytes,
        ) -> axum::response::Response {
            let path = uri.path().to_owned();
            let packages = path.starts_with("/api/sync/packages/") && method == Method::GET;
            let listing = packages && path == "/api/sync/packages/";
            let mode = fault.load(Ordering::SeqCst);
            if path == "/api/sync/results/" && mode == Fault::ForgeReceipts as u8 {
                let body = forged.lock().unwrap().clone();
                let mut out = (axum::http::StatusCode::OK, body).into_response();
                out.headers_mut()
                    .insert("content-type", "application/json".parse().unwrap());
                // A MAC it cannot compute: any 64 hex digits.
                out.headers_mut().insert(
                    examhall_app::transport::MAC_HEADER,
                    "ab".repeat(32).parse().unwrap(),
                );
                return out;
            }
            if listing && mode == Fault::ListingFails as u8 {
                return (
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "listing broke",
                )
                    .into_response();
            }
            let mut req = http.request(
                reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap(),
                format!("{up}{}", uri.path_and_query().map_or("", |p| p.as_str())),
            );
            for (k, v) in &headers {
                if k != "host" && k != "content-length" {
                    req = req.header(k.as_str(), v.as_bytes());
                }
            }
            let resp = req.body(body.to_vec()).send().await.unwrap();
            let status = axum::http::StatusCode::from_u16(resp.status().as_u16()).unwrap();
            let ctype = resp
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap_or("").to_owned());
            let resp_mac = resp
                .headers()
                .get(examhall_app::transport::MAC_HEADER)
                .map(|v| v.to_str().unwrap_or("").to_owned());
            let mut bytes = resp.bytes().await.unwrap().to_vec();
            if packages && !listing && mode == Fault::CorruptPackages as u8 && !bytes.is_empty() {
                let mid = bytes.len() / 2;
                bytes[mid] ^= 0x55;
            }
            let mac = resp_mac.filter(|_| mode != Fault::StripMac as u8);
            let mut out = (status, bytes).into_response();
            if let Some(c) = ctype {
                out.headers_mut().insert("content-type", c.parse().unwrap());
            }
            if let Some(m) = mac {
                out.headers_mut()
                    .insert(examhall_app::transport::MAC_HEADER, m.parse().unwrap());
            }
            out
        }
        let router = axum::Router::new().fallback(forward).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        FaultyLink {
            base,
            fault,
            forged,
        }
    }

    /// The body the link answers result uploads with under [`Fault::ForgeReceipts`].
    pub fn forge_receipts(&self, body: String) {
        *self.forged.lock().unwrap() = body;
    }

    pub fn set(&self, f: Fault) {
        self.fault
            .store(f as u8, std::sync::atomic::Ordering::SeqCst);
    }
}
