//! Use-case tests: a real SQLite file per test, the fake clock, the worker drained
//! deterministically with `try_run_next()`.

mod accounts;
mod analytics;
mod attempt_flow;
mod bank;
mod drafts;
mod grading_queue;
mod keys;
mod marking;
mod receipts;
mod regrade;
mod reports;
mod roles;
mod room;
mod sittings;

use examhall_app::demo::{DEMO_ACCOUNTS, DEMO_START_CODE};
use examhall_app::{App, Outcome};
use examhall_protocol::{ExamCardState, LoginRequest, StartAttempt};
use examhall_testkit::{FakeClock, TempDb};
use std::sync::Arc;

pub struct Ctx {
    pub db: TempDb,
    pub app: App,
    pub clock: Arc<FakeClock>,
}

impl Ctx {
    /// A fresh demo centre.
    pub async fn demo() -> Ctx {
        let db = TempDb::new().await;
        let clock = FakeClock::new(FakeClock::EXAM_MORNING);
        let app = App::new(db.store.clone(), clock.clone());
        assert!(
            app.seed_demo().await.unwrap(),
            "an empty database gets the demo centre"
        );
        Ctx { db, app, clock }
    }

    pub async fn login(&self, username: &str) -> String {
        let (_, password, _, _) = DEMO_ACCOUNTS
            .iter()
            .find(|a| a.0 == username)
            .expect("a demo account");
        self.app
            .login(LoginRequest {
                username: username.into(),
                password: (*password).into(),
            })
            .await
            .expect("demo credentials work")
            .token
    }

    /// Signs the demo candidate in and starts the demo exam.
    pub async fn started(&self) -> (String, examhall_protocol::AttemptView) {
        let token = self.login("candidate").await;
        let exam_id = self.app.my_exams(&token).await.unwrap()[0].exam_id;
        let view = self
            .app
            .start_attempt(
                &token,
                StartAttempt {
                    exam_id,
                    start_code: DEMO_START_CODE.into(),
                },
            )
            .await
            .expect("the demo start code opens the demo exam");
        (token, view)
    }

    /// Creates a candidate (as `admin`), assigns them `exam_id` (as `teacher`),
    /// signs them in and starts the exam with `code`: (their token, the attempt).
    pub async fn new_candidate_started(
        &self,
        admin: &str,
        teacher: &str,
        username: &str,
        exam_id: i64,
        code: &str,
    ) -> (String, examhall_protocol::AttemptView) {
        let new = examhall_protocol::NewUser {
            username: username.into(),
            display_name: username.to_uppercase(),
            password: "password-123".into(),
            role: examhall_protocol::Role::Candidate,
            email: None,
            candidate_number: None,
        };
        let u = self.app.create_user(admin, new).await.unwrap();
        self.app
            .assign_exam(teacher, exam_id, u.id, 1.0)
            .await
            .unwrap();
        let login = LoginRequest {
            username: u.username,
            password: "password-123".into(),
        };
        let token = self.app.login(login).await.unwrap().token;
        let start = StartAttempt {
            exam_id,
            start_code: code.into(),
        };
        let view = self.app.start_attempt(&token, start).await.unwrap();
        (token, view)
    }

    /// Saves each answer, then submits the attempt.
    pub async fn answer_and_submit(
        &self,
        token: &str,
        attempt_id: &str,
        answers: &[(&str, examhall_domain::Answer)],
    ) {
        for (q, a) in answers {
            let req = examhall_protocol::SetAnswer {
                attempt_id: attempt_id.into(),
                question_id: (*q).into(),
                answer: Some(a.clone()),
            };
            self.app.set_answer(token, req).await.unwrap();
        }
        let r = examhall_protocol::AttemptRef {
            attempt_id: attempt_id.into(),
        };
        self.app.submit(token, r).await.unwrap();
    }

    pub async fn drain(&self) -> usize {
        let worker = self.app.worker();
        let mut graded = 0;
        loop {
            match worker.try_run_next().await.unwrap() {
                Outcome::Idle => return graded,
                Outcome::Ran { graded: g, .. } => graded += g,
            }
        }
    }

    pub async fn card_state(&self, token: &str) -> ExamCardState {
        self.app.my_exams(token).await.unwrap()[0].state.clone()
    }
}
