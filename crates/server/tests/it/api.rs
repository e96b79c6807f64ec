//! Black-box tests of the platform REST API: the real server on loopback over a
//! fresh database per test (a SQLite file, and a new PostgreSQL database when
//! `EXAMHALL_TEST_PG` names a server), driven with an HTTP client.

use examhall_app::App;
use examhall_protocol::NewUser;
use examhall_testkit::{on_both_backends, FakeClock, TempDb, TestBackend};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::Arc;

on_both_backends!(
    the_platform_flow_from_registration_to_analytics,
    bad_input_gets_a_clear_4xx_and_stores_nothing,
    tokens_are_checked_and_expire,
    the_openapi_document_and_offline_docs_page_are_served,
    the_bank_imports_searches_and_publishes_over_http,
    login_throttles_hold_under_concurrency_and_follow_the_source,
    an_administrator_creates_accounts_of_every_role,
    accounts_are_edited_disabled_and_reset_over_http,
    a_roster_csv_imports_over_http_after_a_dry_run
);

struct Server {
    base: String,
    http: reqwest::Client,
    clock: Arc<FakeClock>,
    db: TempDb,
    fingerprint: String,
    _tls_dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Server {
    /// A server with one administrator (`admin` / `admin-password-1`).
    async fn start(backend: TestBackend) -> Server {
        let db = TempDb::on(backend).await;
        let clock = FakeClock::new(FakeClock::EXAM_MORNING);
        let app = App::new(db.store.clone(), clock.clone());
        app.enable_jwt(b"0123456789abcdef0123456789abcdef-test-secret")
            .unwrap();
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
        // Served over HTTPS, as `examhall serve` does by default.
        let tls_dir = tempfile::tempdir().unwrap();
        let tls = examhall_server::tls::TlsIdentity::load_or_create(tls_dir.path(), &[]).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("https://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(examhall_server::serve_with(
            app,
            listener,
            Some(tls.clone()),
            async {
                let _ = rx.await;
            },
        ));
        Server {
            base,
            http: examhall_app::transport::pinned_http_client(tls.fingerprint()).unwrap(),
            fingerprint: tls.fingerprint().to_owned(),
            _tls_dir: tls_dir,
            clock,
            db,
            _stop: tx,
        }
    }

    async fn call(
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

    async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call("GET", path, Some(token), None).await
    }
    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call("POST", path, token, Some(body)).await
    }

    async fn login(&self, user: &str, password: &str) -> String {
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

    async fn student(&self, name: &str) -> (i64, String) {
        let (s, v) = self
            .post(
                "/api/users/register/",
                None,
                json!({"username": name, "password": "student-pass-1"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["role"], "student");
        (
            v["id"].as_i64().unwrap(),
            self.login(name, "student-pass-1").await,
        )
    }

    /// An approved teacher, three bank questions and an exam of them.
    async fn exam(&self, admin: &str) -> (String, i64) {
        let (s, v) = self
            .post(
                "/api/users/register/",
                None,
                json!({"username": "tess", "password": "teacher-pass-1", "role": "teacher"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["approved"], false);
        let (s, v) = self
            .post(
                "/api/users/login/",
                None,
                json!({"username": "tess", "password": "teacher-pass-1"}),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::CONFLICT,
            "a pending teacher cannot sign in: {v}"
        );
        let id = v.get("id").and_then(Value::as_i64);
        assert!(id.is_none());
        let (_, users) = self.get("/api/users/", admin).await;
        let tess = users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == "tess")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let (s, v) = self
            .post(
                &format!("/api/users/{tess}/approve/"),
                Some(admin),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let teacher = self.login("tess", "teacher-pass-1").await;
        for q in [
            json!({"text": "Closest planet to the Sun?", "type": "single_choice",
                   "options": [{"key": "A", "text": "Venus"}, {"key": "B", "text": "Mercury"}], "answer": "B"}),
            json!({"text": "Water boils at 100 °C at sea level.", "type": "true_false", "answer": "True"}),
            json!({"text": "6 × 7?", "type": "numeric", "answer": "42", "marks": 2}),
        ] {
            let (s, v) = self.post("/api/exams/questions/", Some(&teacher), q).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        let (s, v) = self
            .post("/api/exams/create/", Some(&teacher),
                json!({"title": "Science", "duration_minutes": 30, "questions": ["q1", "q2", "q3"]}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        (teacher, v["id"].as_i64().unwrap())
    }

    /// The teacher assigns the students; each starts the exam (the clock runs
    /// from there).
    async fn assign_and_start(&self, teacher: &str, exam: i64, students: &[(i64, &str)]) {
        let ids: Vec<i64> = students.iter().map(|s| s.0).collect();
        let (s, v) = self
            .post(
                &format!("/api/exams/{exam}/assign/"),
                Some(teacher),
                json!({"user_ids": ids}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        for (_, token) in students {
            let (s, v) = self
                .post(&format!("/api/exams/{exam}/start/"), Some(token), json!({}))
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
            assert!(!has_key_anywhere(&v, "answer"), "{v}");
        }
    }

    async fn wait_task(&self, token: &str, task: i64) -> Value {
        for _ in 0..200 {
            let (s, v) = self.get(&format!("/api/tasks/status/{task}/"), token).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            if v["status"] == "done" || v["status"] == "failed" {
                return v;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("task {task} did not finish");
    }
}

fn has_key_anywhere(v: &Value, key: &str) -> bool {
    match v {
        Value::Object(m) => m.contains_key(key) || m.values().any(|x| has_key_anywhere(x, key)),
        Value::Array(a) => a.iter().any(|x| has_key_anywhere(x, key)),
        _ => false,
    }
}

async fn the_platform_flow_from_registration_to_analytics(backend: TestBackend) {
    let srv = Server::start(backend).await;
    let admin = srv.login("admin", "admin-password-1").await;
    let (teacher, exam) = srv.exam(&admin).await;
    let (ann_id, ann) = srv.student("ann").await;
    let (bob_id, bob) = srv.student("bob").await;

    // Keys: teachers see them; students read no bank, and get questions only
    // inside an attempt they started (never with keys).
    let (_, staff_view) = srv.get("/api/exams/questions/", &teacher).await;
    assert_eq!(staff_view[0]["answer"], "B");
    let (s, _) = srv.get("/api/exams/questions/", &ann).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    srv.assign_and_start(&teacher, exam, &[(ann_id, &ann), (bob_id, &bob)])
        .await;
    let (_, exams) = srv.get("/api/exams/", &ann).await;
    assert_eq!(exams[0]["id"], exam, "{exams}");
    assert!(!has_key_anywhere(&exams, "answer"), "{exams}");

    // Submit: 202 with a task; grading runs in the background.
    let (s, v) = srv
        .post(
            &format!("/api/exams/{exam}/submit/"),
            Some(&ann),
            json!({"answers": {"q1": "B", "q2": "True", "q3": "42"}}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let done = srv.wait_task(&ann, v["task_id"].as_i64().unwrap()).await;
    assert_eq!(done["status"], "done", "{done}");
    let (s, v) = srv
        .post(
            &format!("/api/exams/{exam}/submit/"),
            Some(&bob),
            json!({"answers": {"q1": "a", "q2": "false"}}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    srv.wait_task(&bob, v["task_id"].as_i64().unwrap()).await;
    // A student cannot follow someone else's task.
    let (s, _) = srv
        .get(&format!("/api/tasks/status/{}/", v["task_id"]), &ann)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Twice is refused.
    let (s, v) = srv
        .post(
            &format!("/api/exams/{exam}/submit/"),
            Some(&ann),
            json!({"answers": {"q1": "B"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");

    // Results: the teacher sees both; a student sees only their own.
    let (_, all) = srv.get(&format!("/api/results/{exam}/"), &teacher).await;
    assert_eq!(all.as_array().unwrap().len(), 2, "{all}");
    let (_, mine) = srv.get(&format!("/api/results/{exam}/"), &ann).await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine[0]["score"], 4.0);
    assert_eq!(mine[0]["max_score"], 4.0);
    assert_eq!(mine[0]["passed"], true);
    let (s, v) = srv.get(&format!("/api/results/user/{ann_id}/"), &bob).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = srv.get(&format!("/api/results/user/{ann_id}/"), &ann).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), 1);

    // Analytics, the platform's shape.
    let (s, a) = srv
        .get(&format!("/api/results/analytics/?exam_id={exam}"), &teacher)
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["exam_id"], exam);
    assert_eq!(a["average_score"], 2.0, "(4 + 0) / 2: {a}");
    assert_eq!(a["pass_rate"], 50.0);
    assert_eq!(a["highest_score"], 4.0);
    assert_eq!(a["lowest_score"], 0.0);
    let (s, _) = srv
        .get(&format!("/api/results/analytics/?exam_id={exam}"), &ann)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = srv.get("/api/results/analytics/", &teacher).await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("exam_id")),
        "{v}"
    );

    // A receipt checked over REST (staff): ann's attempt, its submitted event.
    let attempt = srv
        .db
        .store
        .attempt_for(exam, ann_id)
        .await
        .unwrap()
        .unwrap()
        .id;
    let events = srv.db.store.events(&attempt).await.unwrap();
    let submitted = events
        .iter()
        .find(|e| e.payload.contains("\"submitted\""))
        .unwrap();
    let code = examhall_domain::receipt_code(submitted.seq, &submitted.hash);
    let (s, v) = srv
        .get(
            &format!("/api/attempts/{attempt}/verify/?receipt={code}"),
            &teacher,
        )
        .await;
    assert_eq!(
        (s, v["outcome"].as_str()),
        (StatusCode::OK, Some("valid")),
        "{v}"
    );
    assert_eq!(v["seq"], submitted.seq);
    let (s, v) = srv
        .get(
            &format!("/api/attempts/nobody-here/verify/?receipt={code}"),
            &teacher,
        )
        .await;
    assert_eq!(
        (s, v["outcome"].as_str()),
        (StatusCode::OK, Some("unknown_attempt")),
        "{v}"
    );
    let (s, v) = srv
        .get(
            &format!("/api/attempts/{attempt}/verify/?receipt=zz"),
            &teacher,
        )
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("receipt")),
        "{v}"
    );
    let (s, _) = srv
        .get(
            &format!("/api/attempts/{attempt}/verify/?receipt={code}"),
            &ann,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a student checks nothing");

    // Profile and the admin-only user list.
    let (_, me) = srv.get("/api/users/profile/", &ann).await;
    assert_eq!(
        (me["username"].as_str(), me["role"].as_str()),
        (Some("ann"), Some("student"))
    );
    let (s, _) = srv.get("/api/users/", &ann).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn bad_input_gets_a_clear_4xx_and_stores_nothing(backend: TestBackend) {
    let srv = Server::start(backend).await;
    let admin = srv.login("admin", "admin-password-1").await;
    let (teacher, exam) = srv.exam(&admin).await;
    let (ann_id, ann) = srv.student("ann").await;
    srv.assign_and_start(&teacher, exam, &[(ann_id, &ann)])
        .await;

    // Nobody registers as an administrator.
    let (s, v) = srv
        .post(
            "/api/users/register/",
            None,
            json!({"username": "mallory", "password": "password-123", "role": "admin"}),
        )
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("role")),
        "{v}"
    );
    let (_, users) = srv.get("/api/users/", &admin).await;
    assert!(!users
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["username"] == "mallory"));
    // Unknown fields and wrong types are named.
    let (s, v) = srv
        .post(
            "/api/users/register/",
            None,
            json!({"username": "eve", "password": "password-123", "is_admin": true}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["message"].as_str().unwrap().contains("is_admin"), "{v}");

    // Issue 15: a client of the original platform sends `email`; before, it was
    // refused as an unknown field. It is kept and shown; a malformed one is
    // refused by name and creates nobody.
    let (s, v) = srv
        .post(
            "/api/users/register/",
            None,
            json!({"username": "erin", "password": "password-123", "email": "Erin@Lycee.EXAMPLE"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["email"], "Erin@lycee.example");
    let erin = srv.login("erin", "password-123").await;
    let (_, me) = srv.get("/api/users/profile/", &erin).await;
    assert_eq!(me["email"], "Erin@lycee.example", "{me}");
    let (s, v) = srv
        .post(
            "/api/users/register/",
            None,
            json!({"username": "frank", "password": "password-123", "email": "frank at home"}),
        )
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("email")),
        "{v}"
    );
    let (_, users) = srv.get("/api/users/", &admin).await;
    assert!(!users
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["username"] == "frank"));

    // An unknown question id: 400 naming it, and no attempt is stored.
    let (s, v) = srv
        .post(
            &format!("/api/exams/{exam}/submit/"),
            Some(&ann),
            json!({"answers": {"q1": "B", "q99": "x"}}),
        )
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("answers.q99")),
        "{v}"
    );
    let (s, v) = srv
        .post(
            &format!("/api/exams/{exam}/submit/"),
            Some(&ann),
            json!({"answers": {"q1": "Z"}}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("not an option"),
        "{v}"
    );
    assert_eq!(
        srv.db.store.count_jobs("pending").await.unwrap()
            + srv.db.store.count_jobs("done").await.unwrap(),
        0
    );

    // Malformed JSON.
    let resp = srv
        .http
        .post(format!("{}/api/exams/{exam}/submit/", srv.base))
        .bearer_auth(&ann)
        .header("content-type", "application/json")
        .body("{\"answers\": {\"q1\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["code"], "invalid", "{v}");
    // An oversized body.
    let big = "x".repeat(examhall_server::BODY_LIMIT + 1);
    let (s, v) = srv
        .post(
            &format!("/api/exams/{exam}/submit/"),
            Some(&ann),
            json!({"answers": {"q1": big}}),
        )
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    // A question with no key, and an exam naming a question the bank lacks.
    let (s, v) = srv
        .post(
            "/api/exams/questions/",
            Some(&teacher),
            json!({"text": "?", "type": "numeric"}),
        )
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("answer")),
        "{v}"
    );
    let (s, v) = srv
        .post(
            "/api/exams/create/",
            Some(&teacher),
            json!({"title": "T", "duration_minutes": 10, "questions": ["q1", "q42"]}),
        )
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("questions[1]")),
        "{v}"
    );
    // Students do not write questions.
    let (s, _) = srv
        .post(
            "/api/exams/questions/",
            Some(&ann),
            json!({"text": "Mine?", "type": "true_false", "answer": "True"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // After all that, a good submission still goes through (nothing was half-stored).
    let (s, v) = srv
        .post(
            &format!("/api/exams/{exam}/submit/"),
            Some(&ann),
            json!({"answers": {"q1": "B"}}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
}

async fn tokens_are_checked_and_expire(backend: TestBackend) {
    let srv = Server::start(backend).await;
    let (s, v) = srv.call("GET", "/api/users/profile/", None, None).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated")),
        "{v}"
    );
    let (s, _) = srv.get("/api/users/profile/", "not.a.jwt").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let admin = srv.login("admin", "admin-password-1").await;
    // A token signed with another secret.
    let mut forged = admin.clone();
    forged.pop();
    forged.push(if admin.ends_with('A') { 'B' } else { 'A' });
    let (s, _) = srv.get("/api/users/profile/", &forged).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = srv.get("/api/users/profile/", &admin).await;
    assert_eq!(s, StatusCode::OK);
    srv.clock
        .advance_secs(examhall_app::platform::JWT_TTL_SECS + 1);
    let (s, _) = srv.get("/api/users/profile/", &admin).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "expired");
    let (s, v) = srv
        .post(
            "/api/users/login/",
            None,
            json!({"username": "admin", "password": "wrong"}),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("bad_credentials")),
        "{v}"
    );
    let (s, v) = srv.get("/api/no/such/thing/", &admin).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

async fn the_openapi_document_and_offline_docs_page_are_served(backend: TestBackend) {
    let srv = Server::start(backend).await;
    let doc: Value = srv
        .http
        .get(format!("{}/api/openapi.json", srv.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    for path in [
        "/api/users/register/",
        "/api/users/login/",
        "/api/users/profile/",
        "/api/users/",
        "/api/exams/questions/",
        "/api/exams/create/",
        "/api/exams/",
        "/api/exams/{exam_id}/submit/",
        "/api/tasks/status/{task_id}/",
        "/api/results/{exam_id}/",
        "/api/results/user/{user_id}/",
        "/api/results/analytics/",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
    assert!(doc["components"]["schemas"].get("ApiSubmission").is_some());
    assert_eq!(
        doc,
        serde_json::to_value(examhall_server::openapi()).unwrap()
    );
    let page = srv
        .http
        .get(format!("{}/api/docs/", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("/api/openapi.json"));
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no remote assets"
    );
}

/// The bank's use cases over HTTP: a dry run, "all" refused for a file with an
/// error, the valid ones imported, a search, a draw too big refused naming the
/// section, then an exam published with a section and a draw.
async fn the_bank_imports_searches_and_publishes_over_http(backend: TestBackend) {
    let srv = Server::start(backend).await;
    let admin = srv.login("admin", "admin-password-1").await;
    let file = "$CATEGORY: Maths\n\n::Two::1 + 1?{#2}\n\n::Bad::{=unclosed\n\n\
                ::Odd::3 is odd.{T}\n\n::Even::4 is even.{T}\n";
    let import = |mode: &str| json!({"format": "gift", "file_name": "maths.gift", "content": file, "mode": mode});
    let (s, v) = srv
        .post("/api/bank/import/", Some(&admin), import("check"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["items"].as_array().unwrap().len(), v["imported"].as_u64()),
        (3, Some(0))
    );
    assert_eq!(v["errors"][0]["location"], "maths.gift:5");
    let (s, v) = srv
        .post("/api/bank/import/", Some(&admin), import("all"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = srv
        .post("/api/bank/import/", Some(&admin), import("valid_only"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["imported"].as_u64(), v["skipped"].as_u64()),
        (Some(3), Some(1))
    );
    let two = v["items"][0]["id"].as_i64().unwrap();
    let (s, v) = srv
        .post("/api/bank/search/", Some(&admin), json!({"text": "odd"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v.as_array().unwrap().len(), 1);
    let draft = |count: u32| {
        json!({"draft": {
        "title": "Maths quiz", "duration_minutes": 10, "pass_mark_pct": 50,
        "release": "immediately",
        "sections": [
            {"title": "Sums", "items": [{"kind": "fixed", "bank_id": two}]},
            {"title": "Parity", "items": [{"kind": "draw", "count": count, "category": ["Maths"], "tag": null}]}
        ]}})
    };
    let (s, v) = srv.post("/api/bank/exams/", Some(&admin), draft(5)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v.to_string().contains("section 2 (Parity)"), "{v}");
    // The pool is the category's questions without the one asked as fixed.
    let (s, v) = srv
        .post("/api/bank/exams/preview/", Some(&admin), draft(2))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = srv
        .post("/api/bank/exams/preview/", Some(&admin), draft(3))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v.to_string().contains("but the bank has 2"), "{v}");
    let (s, v) = srv
        .post(
            "/api/bank/questions/",
            Some(&admin),
            json!({"id": two, "question": {
            "id": "two", "prompt": "1 + 1?", "marks": 1,
            "kind": {"type": "numeric", "value": 2.0, "tolerance": {"kind": "exact"}}},
            "category": ["Arithmetic"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = srv
        .post("/api/bank/exams/preview/", Some(&admin), draft(2))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["questions"].as_array().unwrap().len(), 3);
    let (s, v) = srv.post("/api/bank/exams/", Some(&admin), draft(2)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(v["exam_id"].as_i64().unwrap() > 0);
    // Students have no bank.
    let (_, student) = srv.student("pupil").await;
    let (s, _) = srv
        .post("/api/bank/search/", Some(&student), json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

/// A client whose connections come from `ip` (any address of 127.0.0.0/8).
fn client_from(srv: &Server, ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_backend_preconfigured(
            examhall_app::transport::pinned_client_config(&srv.fingerprint).unwrap(),
        )
        .local_address(std::net::IpAddr::from(ip))
        .build()
        .unwrap()
}

async fn login_status(
    srv: &Server,
    http: &reqwest::Client,
    user: &str,
    password: &str,
) -> StatusCode {
    login_at(&srv.base, http, user, password).await
}

async fn login_token(http: &reqwest::Client, base: &str, user: &str, password: &str) -> String {
    let resp = http
        .post(format!("{base}/api/users/login/"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json::<Value>().await.unwrap()["access"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn login_at(base: &str, http: &reqwest::Client, user: &str, password: &str) -> StatusCode {
    http.post(format!("{base}/api/users/login/"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

/// Issue 16, point 3. Before the fix, failures were read and written back in
/// two steps (twenty parallel wrong guesses counted a handful), the block
/// followed the username wherever the attempt came from (anyone knowing a staff
/// username could keep that person out), and nothing limited one source.
async fn login_throttles_hold_under_concurrency_and_follow_the_source(backend: TestBackend) {
    let srv = Server::start(backend).await;
    let attacker = client_from(&srv, [127, 0, 0, 1]);
    let guesses: Vec<_> = (0..20)
        .map(|i| {
            let (base, http) = (srv.base.clone(), attacker.clone());
            tokio::spawn(async move {
                login_at(&base, &http, "admin", &format!("guess-{i}-wrong")).await
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for g in guesses {
        statuses.push(g.await.unwrap());
    }
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert_eq!(
        srv.db.count("login_throttle", "failures = 20").await,
        1,
        "twenty parallel guesses count twenty"
    );
    // The attacker's source is blocked, even with the right password...
    assert_eq!(
        login_status(&srv, &attacker, "admin", "admin-password-1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...but the administrator, elsewhere, is not kept out.
    let elsewhere = client_from(&srv, [127, 0, 0, 2]);
    let admin = login_token(&elsewhere, &srv.base, "admin", "admin-password-1").await;
    // An administrator lifts the block; only administrators may.
    let (s, _) = srv
        .post(
            "/api/users/register/",
            None,
            json!({"username": "sam", "password": "student-pass-1"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let student = login_token(&elsewhere, &srv.base, "sam", "student-pass-1").await;
    let (s, v) = srv
        .post(
            "/api/users/unblock/",
            Some(&student),
            json!({"username": "admin"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = srv
        .post(
            "/api/users/unblock/",
            Some(&admin),
            json!({"username": "admin"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["lifted"], 1, "{v}");
    assert_eq!(
        login_status(&srv, &attacker, "admin", "admin-password-1").await,
        StatusCode::OK
    );

    // One source flooding registration is limited, with the API's JSON error.
    let flood = client_from(&srv, [127, 0, 0, 3]);
    let mut limited = None;
    for i in 0..60 {
        let resp = flood
            .post(format!("{}/api/users/register/", srv.base))
            .json(&json!({"username": format!("x{i}"), "password": "short"}))
            .send()
            .await
            .unwrap();
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some((i, resp.json::<Value>().await.unwrap()));
            break;
        }
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    }
    let (after, body) = limited.expect("a flood from one source is limited");
    assert!(
        after >= 10,
        "a burst is allowed first (limited after {after})"
    );
    assert_eq!(body["code"], "throttled", "{body}");
    // Another source is unaffected.
    assert_eq!(
        elsewhere
            .post(format!("{}/api/users/register/", srv.base))
            .json(&json!({"username": "x", "password": "short"}))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );
}

/// Issue 15, accounts: before, a centre started without `--demo` had no way at
/// all to create an invigilator or a candidate (`App::create_user` was called
/// only by tests). `POST /api/users/` lets an administrator create an account of
/// any role, approved at once, with an optional email; nobody else may.
async fn an_administrator_creates_accounts_of_every_role(backend: TestBackend) {
    let srv = Server::start(backend).await;
    let admin = srv.login("admin", "admin-password-1").await;
    for (name, role) in [
        ("ivan", "invigilator"),
        ("tess", "teacher"),
        ("cand01", "student"),
        ("ada2", "admin"),
    ] {
        let (s, v) = srv
            .post(
                "/api/users/",
                Some(&admin),
                json!({"username": name, "password": "initial-pass-1", "role": role,
                       "display_name": format!("{name} (lab 2)"), "email": format!("{name}@centre.example")}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{name}: {v}");
        assert_eq!(
            (v["role"].as_str(), v["approved"].as_bool()),
            (Some(role), Some(true))
        );
        // The account works at once, with its role (a teacher needs no approval).
        let t = srv.login(name, "initial-pass-1").await;
        let (_, me) = srv.get("/api/users/profile/", &t).await;
        assert_eq!(me["role"], role, "{me}");
        assert_eq!(me["email"], format!("{name}@centre.example"));
    }
    // The same name again: a conflict, and still one account.
    let (s, _) = srv
        .post(
            "/api/users/",
            Some(&admin),
            json!({"username": "ivan", "password": "initial-pass-1", "role": "student"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // Bad input is named by field.
    let (s, v) = srv
        .post(
            "/api/users/",
            Some(&admin),
            json!({"username": "x", "password": "initial-pass-1", "role": "student"}),
        )
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("username")),
        "{v}"
    );
    // A teacher and a student may not create accounts.
    let teacher = srv.login("tess", "initial-pass-1").await;
    let (_, pupil) = srv.student("pupil").await;
    for who in [&teacher, &pupil] {
        let (s, _) = srv
            .post(
                "/api/users/",
                Some(who),
                json!({"username": "sneaky", "password": "initial-pass-1", "role": "admin"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    let (_, users) = srv.get("/api/users/", &admin).await;
    let names: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert!(
        !names.contains(&"sneaky") && !names.contains(&"x"),
        "{names:?}"
    );
    assert_eq!(names.iter().filter(|n| **n == "ivan").count(), 1);
}

async fn accounts_are_edited_disabled_and_reset_over_http(backend: TestBackend) {
    let srv = Server::start(backend).await;
    let admin = srv.login("admin", "admin-password-1").await;
    let (s, v) = srv
        .post(
            "/api/users/",
            Some(&admin),
            json!({"username": "tess", "password": "initial-pass-1", "role": "teacher"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let tess_id = v["id"].as_i64().unwrap();
    let (pupil_id, pupil) = srv.student("pupil").await;
    let tess = srv.login("tess", "initial-pass-1").await;
    assert_eq!(srv.get("/api/exams/", &tess).await.0, StatusCode::OK);

    // Search and filter.
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_owned())
            .collect()
    };
    let (s, v) = srv.get("/api/users/?role=teacher", &admin).await;
    assert_eq!((s, names(&v)), (StatusCode::OK, vec!["tess".to_owned()]));
    let (_, v) = srv.get("/api/users/?search=PUP", &admin).await;
    assert_eq!(names(&v), ["pupil"]);
    let (s, v) = srv.get("/api/users/?role=wizard", &admin).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    // Disabling ends the token already issued, at once, and sign-in is refused.
    let (s, v) = srv
        .call(
            "PATCH",
            &format!("/api/users/{tess_id}/"),
            Some(&admin),
            Some(json!({"disabled": true, "display_name": "Tess Teacher"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["disabled"].as_bool(), v["display_name"].as_str()),
        (Some(true), Some("Tess Teacher"))
    );
    assert_eq!(
        srv.get("/api/exams/", &tess).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (s, v) = srv
        .post(
            "/api/users/login/",
            None,
            json!({"username": "tess", "password": "initial-pass-1"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["message"].as_str().unwrap().contains("disabled"), "{v}");
    let (_, v) = srv.get("/api/users/?role=teacher", &admin).await;
    assert!(
        names(&v).is_empty(),
        "disabled accounts are hidden by default"
    );
    let (_, v) = srv
        .get("/api/users/?role=teacher&include_disabled=true", &admin)
        .await;
    assert_eq!(names(&v), ["tess"]);
    let (s, _) = srv
        .call(
            "PATCH",
            &format!("/api/users/{tess_id}/"),
            Some(&admin),
            Some(json!({"disabled": false})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        srv.get("/api/exams/", &tess).await.0,
        StatusCode::UNAUTHORIZED,
        "enabling again does not revive the old token"
    );
    srv.login("tess", "initial-pass-1").await;

    // Unknown fields and bad values are refused by name; nothing changes.
    for (body, field) in [
        (json!({"nickname": "T"}), "body"),
        (json!({"email": "no-at-sign"}), "email"),
    ] {
        let (s, v) = srv
            .call(
                "PATCH",
                &format!("/api/users/{tess_id}/"),
                Some(&admin),
                Some(body),
            )
            .await;
        assert_eq!(
            (s, v["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some(field)),
            "{v}"
        );
    }
    let (s, _) = srv
        .call(
            "PATCH",
            "/api/users/9999/",
            Some(&admin),
            Some(json!({"disabled": true})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A reset: the old token ends, the one-time password signs in once and
    // allows nothing but choosing a new password.
    let (s, otp) = srv
        .post(
            &format!("/api/users/{pupil_id}/reset-password/"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{otp}");
    let one_time = otp["password"].as_str().unwrap().to_owned();
    assert_eq!(
        srv.get("/api/users/profile/", &pupil).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (s, v) = srv
        .post(
            "/api/users/login/",
            None,
            json!({"username": "pupil", "password": one_time}),
        )
        .await;
    assert_eq!(
        (s, v["must_change_password"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{v}"
    );
    let forced = v["access"].as_str().unwrap().to_owned();
    let (s, v) = srv.get("/api/users/profile/", &forced).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("password_change_required")),
        "{v}"
    );
    let (s, v) = srv
        .post(
            "/api/users/me/password/",
            Some(&forced),
            json!({"current_password": "guess-guess", "new_password": "pupil-own-pass"}),
        )
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("current_password")),
        "{v}"
    );
    let (s, v) = srv
        .post(
            "/api/users/me/password/",
            Some(&forced),
            json!({"current_password": one_time, "new_password": "pupil-own-pass"}),
        )
        .await;
    assert_eq!(
        (s, v["must_change_password"].as_bool()),
        (StatusCode::OK, Some(false)),
        "{v}"
    );
    let fresh = v["access"].as_str().unwrap().to_owned();
    assert_eq!(
        srv.get("/api/users/profile/", &fresh).await.0,
        StatusCode::OK
    );
    assert_eq!(
        srv.get("/api/users/profile/", &forced).await.0,
        StatusCode::UNAUTHORIZED,
        "the token that changed the password is replaced"
    );
    let (s, _) = srv
        .post(
            "/api/users/login/",
            None,
            json!({"username": "pupil", "password": one_time}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "a one-time password works once"
    );
    srv.login("pupil", "pupil-own-pass").await;

    // Only administrators edit, list and reset; nobody disables themselves.
    for (method, path) in [
        ("PATCH", format!("/api/users/{pupil_id}/")),
        ("POST", format!("/api/users/{pupil_id}/reset-password/")),
        ("GET", "/api/users/?role=student".to_owned()),
    ] {
        let (s, _) = srv.call(method, &path, Some(&fresh), Some(json!({}))).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{method} {path}");
    }
    let (_, me) = srv.get("/api/users/profile/", &admin).await;
    let (s, v) = srv
        .call(
            "PATCH",
            &format!("/api/users/{}/", me["id"]),
            Some(&admin),
            Some(json!({"disabled": true})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
}

async fn a_roster_csv_imports_over_http_after_a_dry_run(backend: TestBackend) {
    let srv = Server::start(backend).await;
    let admin = srv.login("admin", "admin-password-1").await;
    let csv = "username;display_name;candidate_number;role\n\
               cand01;Amara Obi;N-1;\n\
               cand02;Bo Chen;N-2;wizard\n\
               ivan;Ivan Ivanov;;invigilator\n";
    let (s, dry) = srv
        .post(
            "/api/users/import/",
            Some(&admin),
            json!({"csv": csv, "dry_run": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{dry}");
    assert_eq!(
        (
            dry["applied"].as_bool(),
            dry["created"].as_array().unwrap().len()
        ),
        (Some(false), 2)
    );
    assert_eq!(dry["errors"][0]["line"], 3);
    assert_eq!(dry["errors"][0]["column"], "role");
    let (_, refused) = srv
        .post("/api/users/import/", Some(&admin), json!({"csv": csv}))
        .await;
    assert_eq!(
        refused["applied"], false,
        "all-or-nothing by default: {refused}"
    );
    let (_, users) = srv.get("/api/users/?search=cand", &admin).await;
    assert!(users.as_array().unwrap().is_empty(), "{users}");
    let (s, done) = srv
        .post(
            "/api/users/import/",
            Some(&admin),
            json!({"csv": csv, "valid_only": true}),
        )
        .await;
    assert_eq!(
        (s, done["applied"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{done}"
    );
    let passwords = done["passwords"].as_array().unwrap();
    assert_eq!(passwords.len(), 2);
    let ivan = passwords.iter().find(|p| p["username"] == "ivan").unwrap();
    let (s, v) = srv
        .post(
            "/api/users/login/",
            None,
            json!({"username": "ivan", "password": ivan["password"]}),
        )
        .await;
    assert_eq!(
        (s, v["must_change_password"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{v}"
    );
    assert_eq!(v["user"]["role"], "invigilator");
    let (_, again) = srv
        .post(
            "/api/users/import/",
            Some(&admin),
            json!({"csv": csv, "valid_only": true}),
        )
        .await;
    assert_eq!(
        (
            again["unchanged"].as_u64(),
            again["created"].as_array().unwrap().len()
        ),
        (Some(2), 0)
    );
    let (s, v) = srv
        .post(
            "/api/users/import/",
            Some(&admin),
            json!({"csv": csv, "mode": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (_, pupil) = srv.student("pupil").await;
    let (s, _) = srv
        .post(
            "/api/users/import/",
            Some(&pupil),
            json!({"csv": csv, "dry_run": true}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
