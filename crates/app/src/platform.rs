//! The use cases behind the platform REST API (served by `examhall serve`):
//! self-registration with teacher approval, JWT sign-in, the question bank,
//! exams built from it, whole-attempt submission graded as a job, results and
//! analytics. Same rules as everywhere else: role checks here, keys never reach
//! a student.

use crate::auth::Actor;
use crate::candidate::{GradePayload, GRADE_JOB};
use crate::{App, AppError, AppResult};
use examhall_domain::{
    Answer, AttemptEvent, AttemptStatus, ChoiceOption, ExamSpec, MultiScoring, Question,
    QuestionId, QuestionKind, ResultRelease, Role, SubmitReason, TimeAllowance, Tolerance,
};
use examhall_protocol::platform::*;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// How long a JWT stays valid.
pub const JWT_TTL_SECS: i64 = 3600;
const STAFF_KEYS: &[Role] = &[Role::Teacher, Role::Admin];

/// The server's signing keys (HS256 over a secret of at least 32 bytes).
pub(crate) struct JwtKeys {
    enc: EncodingKey,
    dec: DecodingKey,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    role: String,
    iat: i64,
    exp: i64,
    /// The account's credential version when the token was issued.
    #[serde(default)]
    ver: i64,
}

fn api_role(r: Role) -> ApiRole {
    match r {
        Role::Candidate => ApiRole::Student,
        Role::Teacher => ApiRole::Teacher,
        Role::Invigilator => ApiRole::Invigilator,
        Role::Admin => ApiRole::Admin,
    }
}

fn api_user(u: &examhall_store::UserRow) -> ApiUser {
    ApiUser {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: api_role(u.role),
        approved: u.approved,
        email: u.email.clone(),
        candidate_number: u.candidate_number.clone(),
        disabled: u.disabled,
        must_change_password: u.must_change_password,
    }
}

fn domain_role(r: ApiRole) -> Role {
    match r {
        ApiRole::Student => Role::Candidate,
        ApiRole::Teacher => Role::Teacher,
        ApiRole::Invigilator => Role::Invigilator,
        ApiRole::Admin => Role::Admin,
    }
}

/// 32 random bytes for a new server's JWT secret.
/// The JWT secret: `$EXAMHALL_JWT_SECRET`, else `jwt.secret` in `dir` (created,
/// owner-only, on first use). Servers sharing a database must share it.
pub fn jwt_secret_in(dir: &std::path::Path) -> AppResult<Vec<u8>> {
    if let Ok(s) = std::env::var("EXAMHALL_JWT_SECRET") {
        return Ok(s.into_bytes());
    }
    let path = dir.join("jwt.secret");
    let bytes = crate::files::read_or_create_secret(&path, new_secret).map_err(|e| {
        AppError::invalid(
            path.display().to_string(),
            format!("reading or creating: {e}"),
        )
    })?;
    if bytes.len() < 32 {
        return Err(AppError::invalid(
            path.display().to_string(),
            "the secret is shorter than 32 bytes",
        ));
    }
    Ok(bytes)
}

pub fn new_secret() -> Vec<u8> {
    let mut bytes = vec![0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    bytes
}

impl App {
    /// Turns on JWT bearer tokens (the server does; the desktop uses sessions).
    pub fn enable_jwt(&self, secret: &[u8]) -> AppResult<()> {
        if secret.len() < 32 {
            return Err(AppError::invalid("jwt_secret", "must be at least 32 bytes"));
        }
        let keys = JwtKeys {
            enc: EncodingKey::from_secret(secret),
            dec: DecodingKey::from_secret(secret),
        };
        let _ = self.inner.jwt.set(keys);
        Ok(())
    }

    /// A JWT's holder, checked against the key and this app's clock.
    pub(crate) fn jwt_actor(&self, token: &str) -> Option<AppResult<Actor>> {
        let keys = self.inner.jwt.get()?;
        if token.matches('.').count() != 2 {
            return None;
        }
        let mut v = Validation::new(Algorithm::HS256);
        // Expiry is checked below against the app's clock, not the OS clock.
        v.validate_exp = false;
        v.required_spec_claims.clear();
        let claims = match jsonwebtoken::decode::<Claims>(token, &keys.dec, &v) {
            Ok(d) => d.claims,
            Err(_) => return Some(Err(AppError::Unauthenticated)),
        };
        let now_s = self.now().0 / 1000;
        let (Ok(user_id), Ok(role)) = (claims.sub.parse::<i64>(), Role::parse(&claims.role)) else {
            return Some(Err(AppError::Unauthenticated));
        };
        if claims.exp <= now_s {
            return Some(Err(AppError::Unauthenticated));
        }
        Some(Ok(Actor {
            user_id,
            role,
            version: claims.ver,
        }))
    }

    /// Signs in from `source` (the client's address, for throttling) and
    /// returns a JWT (requires [`App::enable_jwt`]).
    pub async fn login_jwt(&self, req: ApiLogin, source: &str) -> AppResult<TokenResponse> {
        let keys = self
            .inner
            .jwt
            .get()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("JWT is not enabled")))?;
        let user = self
            .authenticate(
                examhall_protocol::LoginRequest {
                    username: req.username,
                    password: req.password,
                },
                source,
            )
            .await?;
        if !user.approved {
            return Err(AppError::Conflict(
                "This teacher account waits for an administrator's approval.".into(),
            ));
        }
        self.issue_jwt(keys, &user)
    }

    fn issue_jwt(
        &self,
        keys: &JwtKeys,
        user: &examhall_store::UserRow,
    ) -> AppResult<TokenResponse> {
        let now_s = self.now().0 / 1000;
        let claims = Claims {
            sub: user.id.to_string(),
            role: user.role.as_str().to_owned(),
            iat: now_s,
            exp: now_s + JWT_TTL_SECS,
            ver: user.credential_version,
        };
        let access = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.enc)
            .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
        Ok(TokenResponse {
            access,
            token_type: "Bearer".into(),
            expires_in: JWT_TTL_SECS,
            must_change_password: user.must_change_password,
            user: api_user(user),
        })
    }

    /// Self-registration: students are active at once, teachers wait for an
    /// administrator; nobody registers as an administrator or invigilator.
    /// An administrator creates an account of any role, approved at once.
    pub async fn api_create_user(&self, token: &str, req: ApiNewUser) -> AppResult<ApiUser> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Admin], "create user accounts")?;
        let role = domain_role(req.role);
        self.add_account(
            RegisterRequest {
                username: req.username,
                password: req.password,
                display_name: req.display_name,
                role: None,
                email: req.email,
            },
            role,
            true,
            Some(actor.user_id),
        )
        .await
    }

    pub async fn register(&self, req: RegisterRequest) -> AppResult<ApiUser> {
        let role = match req.role.unwrap_or(ApiRole::Student) {
            ApiRole::Student => Role::Candidate,
            ApiRole::Teacher => Role::Teacher,
            other => {
                return Err(AppError::invalid(
                    "role",
                    format!(
                        "{} accounts are created by an administrator, not by registering",
                        serde_json::to_string(&other)
                            .unwrap_or_default()
                            .trim_matches('"')
                    ),
                ))
            }
        };
        let approved = role == Role::Candidate;
        self.add_account(req, role, approved, None).await
    }

    /// Stores a registration or an administrator's new account.
    async fn add_account(
        &self,
        req: RegisterRequest,
        role: Role,
        approved: bool,
        by: Option<i64>,
    ) -> AppResult<ApiUser> {
        let row = self
            .insert_account(
                crate::accounts::AccountInput {
                    username: req.username,
                    display_name: req.display_name,
                    password: req.password,
                    role,
                    approved,
                    email: req.email,
                    candidate_number: None,
                },
                by,
            )
            .await?;
        Ok(api_user(&row))
    }

    /// An administrator approves a waiting teacher.
    pub async fn approve_user(&self, token: &str, user_id: i64) -> AppResult<ApiUser> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Admin], "approve accounts")?;
        if !self.store().approve_user(user_id).await? {
            return Err(AppError::NotFound(format!("User {user_id}")));
        }
        self.profile_of(user_id).await
    }

    async fn profile_of(&self, user_id: i64) -> AppResult<ApiUser> {
        let u = self
            .store()
            .user_by_id(user_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("User {user_id}")))?;
        Ok(api_user(&u))
    }

    pub async fn profile(&self, token: &str) -> AppResult<ApiUser> {
        let actor = self.actor(token).await?;
        self.profile_of(actor.user_id).await
    }

    /// Administrators list accounts (see [`App::list_users`]).
    pub async fn api_users(
        &self,
        token: &str,
        search: Option<String>,
        role: Option<ApiRole>,
        include_disabled: bool,
    ) -> AppResult<Vec<ApiUser>> {
        Ok(self
            .find_users(
                token,
                examhall_protocol::UserQuery {
                    search,
                    role: role.map(domain_role),
                    include_disabled,
                },
            )
            .await?
            .iter()
            .map(api_user)
            .collect())
    }

    /// `PATCH /api/users/{id}/` (see [`App::update_user`]).
    pub async fn api_update_user(
        &self,
        token: &str,
        user_id: i64,
        patch: ApiUserPatch,
    ) -> AppResult<ApiUser> {
        self.update_user(
            token,
            examhall_protocol::EditUser {
                user_id,
                patch: examhall_protocol::UserPatch {
                    display_name: patch.display_name,
                    role: patch.role.map(domain_role),
                    email: patch.email,
                    candidate_number: patch.candidate_number,
                    disabled: patch.disabled,
                    time_multiplier: patch.time_multiplier,
                    display_preset: None,
                },
            },
        )
        .await?;
        self.profile_of(user_id).await
    }

    /// `POST /api/users/import/` (see [`App::import_users`]).
    pub async fn api_import_users(
        &self,
        token: &str,
        req: ApiUserImport,
    ) -> AppResult<ApiUserImportReport> {
        let r = self
            .import_users(
                token,
                examhall_protocol::ImportUsers {
                    csv: req.csv,
                    dry_run: req.dry_run,
                    mode: if req.valid_only {
                        examhall_protocol::ImportMode::ValidOnly
                    } else {
                        examhall_protocol::ImportMode::AllOrNothing
                    },
                },
                |_, _| {},
            )
            .await?;
        let row = |u: examhall_protocol::ImportedUserDto| ApiImportedUser {
            line: u.line,
            username: u.username,
            changes: u.changes,
        };
        Ok(ApiUserImportReport {
            dry_run: r.dry_run,
            applied: r.applied,
            created: r.created.into_iter().map(row).collect(),
            updated: r.updated.into_iter().map(row).collect(),
            unchanged: r.unchanged,
            errors: r
                .errors
                .into_iter()
                .map(|e| ApiImportError {
                    line: e.line,
                    column: e.column,
                    message: e.message,
                })
                .collect(),
            passwords: r
                .passwords
                .into_iter()
                .map(|p| ApiOneTimePassword {
                    user_id: p.user_id,
                    username: p.username,
                    password: p.password,
                })
                .collect(),
        })
    }

    /// `POST /api/users/{id}/reset-password/` (see [`App::reset_password`]).
    pub async fn api_reset_password(
        &self,
        token: &str,
        user_id: i64,
    ) -> AppResult<ApiOneTimePassword> {
        let otp = self.reset_password(token, user_id).await?;
        Ok(ApiOneTimePassword {
            user_id: otp.user_id,
            username: otp.username,
            password: otp.password,
        })
    }

    /// `POST /api/users/me/password/`: the caller's own password; every older
    /// token of the account stops working, and a new one is returned.
    pub async fn api_change_own_password(
        &self,
        token: &str,
        change: ApiPasswordChange,
    ) -> AppResult<TokenResponse> {
        let keys = self
            .inner
            .jwt
            .get()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("JWT is not enabled")))?;
        let actor = self.checked_actor(token, true).await?;
        let user = self
            .verify_own_password(
                &actor,
                examhall_protocol::PasswordChange {
                    current_password: change.current_password,
                    new_password: change.new_password,
                },
            )
            .await?;
        self.issue_jwt(keys, &user)
    }

    /// Adds a question to the bank (teachers and admins).
    pub async fn add_bank_question(
        &self,
        token: &str,
        q: NewApiQuestion,
    ) -> AppResult<ApiQuestion> {
        let actor = self.actor(token).await?;
        actor.require(STAFF_KEYS, "write questions")?;
        // Validate with the domain's own rules, under a placeholder id.
        let question = to_question(QuestionId::parse("q0").expect("a valid id"), &q)?;
        probe_exam(vec![question.clone()])
            .validate()
            .map_err(|e| match e {
                examhall_domain::ExamError::Question { field, problem, .. } => {
                    AppError::invalid(field, problem)
                }
                other => AppError::invalid("question", other.to_string()),
            })?;
        let id = self
            .store()
            .insert_bank_question(&question, actor.user_id, self.now())
            .await?;
        Ok(api_question(&format!("q{id}"), &question, true))
    }

    /// The bank, for staff only: a teacher sees their own questions and those
    /// shared with them (with keys), an administrator all of them.
    pub async fn list_bank_questions(&self, token: &str) -> AppResult<Vec<ApiQuestion>> {
        let actor = self.actor(token).await?;
        Ok(self
            .visible_bank(&actor, "read the question bank")
            .await?
            .iter()
            .map(|r| api_question(&format!("q{}", r.id), &r.question, true))
            .collect())
    }

    /// Builds an exam from bank questions and opens it for online submission.
    pub async fn create_api_exam(&self, token: &str, req: NewApiExam) -> AppResult<ApiExam> {
        let actor = self.actor(token).await?;
        let bank = self.visible_bank(&actor, "create exams").await?;
        let mut questions = Vec::with_capacity(req.questions.len());
        for (i, qid) in req.questions.iter().enumerate() {
            let row = qid
                .strip_prefix('q')
                .and_then(|n| n.parse::<i64>().ok())
                .and_then(|n| bank.iter().find(|r| r.id == n))
                .ok_or_else(|| {
                    AppError::invalid(
                        format!("questions[{i}]"),
                        format!("{qid:?} is not a question in the bank"),
                    )
                })?;
            let mut q = row.question.clone();
            q.id = QuestionId::parse(qid)
                .ok_or_else(|| AppError::invalid(format!("questions[{i}]"), "not a question id"))?;
            questions.push(q);
        }
        let spec = ExamSpec {
            voided: vec![],
            feedback: Default::default(),
            window: Default::default(),
            order: Default::default(),
            navigation: Default::default(),
            sections: vec![],
            title: req.title.trim().to_owned(),
            duration_secs: req.duration_minutes.saturating_mul(60),
            pass_mark_pct: req.pass_mark.unwrap_or(50.0),
            negative_marking: false,
            release: match req.release {
                Some(ApiRelease::AfterReview) => ResultRelease::AfterReview,
                Some(ApiRelease::Immediately) | None => ResultRelease::Immediately,
            },
            question_marks: true,
            questions,
        };
        // Every student is checked before anything is stored.
        for (i, id) in req.candidates.iter().enumerate() {
            self.student(*id, format!("candidates[{i}]")).await?;
        }
        let exam_id = self.create_exam(token, spec.clone()).await?;
        if req.open_to_students {
            self.store().set_exam_open_online(exam_id, true).await?;
        }
        for id in &req.candidates {
            self.assign_candidate(Some(actor.user_id), exam_id, *id, None)
                .await?;
        }
        // Online submission goes into a sitting of its own, opened now.
        let mut bytes = [0u8; examhall_domain::StartCode::LEN];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        let code = examhall_domain::StartCode::from_random(bytes);
        self.store()
            .open_sitting(exam_id, code.as_str(), actor.user_id, self.now())
            .await?;
        Ok(api_exam(exam_id, &spec, true))
    }

    /// The exams the caller may reach. A student: those assigned to them or open
    /// to all students for online sitting, never one packaged for centres, and
    /// without questions (they come with the attempt, from `start`). Staff: the
    /// exams they own or that were shared with them (administrators: all), with
    /// questions but never keys.
    pub async fn list_api_exams(&self, token: &str) -> AppResult<Vec<ApiExam>> {
        let actor = self.actor(token).await?;
        let access = self.store().exams_access().await?;
        if actor.role == Role::Candidate {
            let assigned: std::collections::BTreeSet<i64> = self
                .store()
                .assigned_exams(actor.user_id)
                .await?
                .into_iter()
                .map(|(e, _)| e.id)
                .collect();
            let mut out = Vec::new();
            for a in access.iter().filter(|a| !a.packaged) {
                if assigned.contains(&a.id) || a.open_online {
                    let exam = self.exam(a.id).await?;
                    out.push(api_exam(a.id, &exam, false));
                }
            }
            return Ok(out);
        }
        let reach = self.reach(&actor, "list exams").await?;
        let mut out = Vec::new();
        for a in access.iter().filter(|a| reach.exam(a)) {
            let exam = self.exam(a.id).await?;
            out.push(api_exam(a.id, &exam, true));
        }
        Ok(out)
    }

    /// Assigns students to an exam the caller manages. An exam packaged for
    /// centres is sat there, never online at HQ.
    pub async fn assign_api_exam(
        &self,
        token: &str,
        exam_id: i64,
        req: ApiAssign,
    ) -> AppResult<ApiAssigned> {
        let actor = self.actor(token).await?;
        let exam = self
            .managed_exam(&actor, exam_id, "assign exams to students")
            .await?;
        if exam.packaged {
            return Err(AppError::Conflict(
                "This exam is packaged for centres: candidates sit it there, not online.".into(),
            ));
        }
        if let Some(m) = req.time_multiplier {
            crate::assignments::check_multiplier("time_multiplier", m)?;
        }
        for (i, id) in req.user_ids.iter().enumerate() {
            self.student(*id, format!("user_ids[{i}]")).await?;
        }
        // Without a multiplier, each student's accommodation profile applies.
        for id in &req.user_ids {
            self.assign_candidate(Some(actor.user_id), exam_id, *id, req.time_multiplier)
                .await?;
        }
        Ok(ApiAssigned {
            exam_id,
            assigned: req.user_ids.len() as u32,
        })
    }

    /// Checks that `id` names a student; otherwise an error naming `field`.
    async fn student(&self, id: i64, field: String) -> AppResult<()> {
        match self.store().user_by_id(id).await? {
            Some(u) if u.role == Role::Candidate => Ok(()),
            Some(u) => Err(AppError::invalid(
                field,
                format!("{} is not a student", u.username),
            )),
            None => Err(AppError::invalid(
                field,
                format!("user {id} does not exist"),
            )),
        }
    }

    /// The exam a student may sit online, with their time multiplier: assigned
    /// (or open to all students, which assigns them now), not packaged for
    /// centres. Anything else is "not found", as for an exam that does not
    /// exist. Only starting (`assign_if_open`) assigns; a refused submit stores
    /// nothing.
    async fn sittable(&self, actor: &Actor, exam_id: i64, assign_if_open: bool) -> AppResult<f64> {
        actor.require(&[Role::Candidate], "sit exams")?;
        let not_found = || AppError::NotFound(format!("Exam {exam_id}"));
        let access = self
            .store()
            .exam_access(exam_id)
            .await?
            .filter(|a| !a.packaged)
            .ok_or_else(not_found)?;
        match self.store().assignment(exam_id, actor.user_id).await? {
            Some(m) => Ok(m),
            None if access.open_online => {
                // The student's accommodation profile applies to an open exam too.
                if assign_if_open {
                    self.assign_candidate(None, exam_id, actor.user_id, None)
                        .await?;
                }
                Ok(self
                    .store()
                    .accommodation_profile(actor.user_id)
                    .await?
                    .map_or(1.0, |p| p.0))
            }
            None => Err(not_found()),
        }
    }

    /// Starts the student's attempt (or returns the one in progress): the
    /// deadline is fixed here, by the backend's clock, and the questions come in
    /// this attempt's own order without keys.
    pub async fn start_api_attempt(&self, token: &str, exam_id: i64) -> AppResult<ApiAttempt> {
        let actor = self.actor(token).await?;
        let multiplier = self.sittable(&actor, exam_id, true).await?;
        let exam = self.exam(exam_id).await?;
        let attempt = match self.store().attempt_for(exam_id, actor.user_id).await? {
            Some(a) if a.status == AttemptStatus::InProgress => a,
            Some(_) => {
                return Err(AppError::Conflict(
                    "You have already submitted this exam.".into(),
                ))
            }
            None => {
                let sitting = self
                    .store()
                    .open_sitting_for(exam_id)
                    .await?
                    .ok_or(AppError::SittingClosed)?;
                let now = self.now();
                sitting
                    .window()
                    .may_start(examhall_domain::Timestamp(sitting.opened_at), now)
                    .map_err(|r| {
                        AppError::OutsideWindow(crate::invigilation::window_message(r, now))
                    })?;
                let id = crate::auth::random_hex(16);
                let allow = TimeAllowance {
                    duration_secs: exam.duration_secs,
                    multiplier,
                    credited_ms: 0,
                };
                let started = AttemptEvent::Started {
                    exam_id,
                    sitting_id: sitting.id,
                    allowed_ms: allow.allowed_ms(),
                };
                let new = examhall_store::NewAttempt {
                    id: &id,
                    exam_id,
                    sitting_id: sitting.id,
                    user_id: actor.user_id,
                    duration_secs: exam.duration_secs,
                    time_multiplier: multiplier,
                };
                match self.store().create_attempt(new, &started, self.now()).await {
                    Ok(a) => a,
                    // Two requests raced: the other one's attempt stands.
                    Err(examhall_store::StoreError::Conflict(_)) => self
                        .store()
                        .attempt_for(exam_id, actor.user_id)
                        .await?
                        .ok_or_else(|| AppError::Conflict("attempt vanished".into()))?,
                    Err(e) => return Err(e.into()),
                }
            }
        };
        let now = self.now();
        let remaining = crate::candidate::remaining_now(&attempt, now);
        let questions = exam
            .questions_for_attempt(&attempt.id)
            .into_iter()
            .map(|q| student_question(q, &attempt.id, exam.order.shuffle_options))
            .collect();
        Ok(ApiAttempt {
            deadline_at: now.0 + remaining,
            remaining_seconds: remaining / 1000,
            started_at: attempt.started_at.0,
            attempt_id: attempt.id,
            exam_id,
            title: exam.title.clone(),
            questions,
        })
    }

    /// A student hands in the whole answer sheet of the attempt they started;
    /// grading runs as a job. Every answer is checked first, and the deadline
    /// (plus the grace for a request in flight) is checked in the same
    /// transaction that writes: a bad or late sheet stores nothing.
    pub async fn submit_answers(
        &self,
        token: &str,
        exam_id: i64,
        sub: ApiSubmission,
    ) -> AppResult<SubmissionAccepted> {
        let actor = self.actor(token).await?;
        self.sittable(&actor, exam_id, false).await?;
        let attempt = self
            .store()
            .attempt_for(exam_id, actor.user_id)
            .await?
            .ok_or_else(|| {
                AppError::Conflict(format!(
                    "Start the exam first (POST /api/exams/{exam_id}/start/): the time runs from the start."
                ))
            })?;
        if attempt.status != AttemptStatus::InProgress {
            return Err(AppError::Conflict(
                "You have already submitted this exam.".into(),
            ));
        }
        let exam = self.exam(exam_id).await?;
        let exam = exam.for_attempt(&attempt.id);
        let mut events = Vec::with_capacity(sub.answers.len() + 1);
        for (qid, raw) in &sub.answers {
            let field = format!("answers.{qid}");
            let q = exam
                .questions
                .iter()
                .find(|q| q.id.as_str() == qid)
                .ok_or_else(|| AppError::invalid(&field, "no such question in this exam"))?;
            let answer = to_answer(q, raw).map_err(|m| AppError::invalid(&field, m))?;
            events.push(AttemptEvent::AnswerSet {
                question: q.id.clone(),
                answer: Some(answer),
            });
        }
        events.push(AttemptEvent::Submitted {
            reason: SubmitReason::Candidate,
        });
        let payload = serde_json::to_string(&GradePayload {
            attempt_id: attempt.id.clone(),
        })
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
        enum Late {
            Closed,
            PastDeadline,
        }
        let now = self.now();
        let grace = self.settings().save_grace_ms;
        let res = self
            .store()
            .append_and_enqueue_if(
                &attempt.id,
                now,
                |a| {
                    if a.status != AttemptStatus::InProgress {
                        Err(Late::Closed)
                    } else if crate::candidate::past_deadline(a, now, grace) {
                        Err(Late::PastDeadline)
                    } else {
                        Ok(events)
                    }
                },
                &examhall_store::NewJob {
                    kind: GRADE_JOB,
                    payload,
                },
            )
            .await;
        let task_id = match res {
            Ok(id) => id,
            Err(examhall_store::AppendError::Refused(Late::Closed)) => {
                return Err(AppError::Conflict(
                    "You have already submitted this exam.".into(),
                ))
            }
            Err(examhall_store::AppendError::Refused(Late::PastDeadline)) => {
                // The attempt ends as time-up, with what it held: nothing.
                tracing::warn!(attempt = %attempt.id, "a sheet arrived after the deadline");
                self.submit_now(&attempt.id, SubmitReason::TimeUp)
                    .await
                    .or_else(|e| match e {
                        AppError::Conflict(_) => Ok(0),
                        e => Err(e),
                    })?;
                return Err(AppError::TimeUp);
            }
            Err(examhall_store::AppendError::Store(e)) => return Err(e.into()),
        };
        self.inner.jobs_ready.notify_one();
        Ok(SubmissionAccepted {
            task_id,
            attempt_id: attempt.id,
            status: "pending".into(),
        })
    }

    pub async fn api_task_status(&self, token: &str, task_id: i64) -> AppResult<ApiTaskStatus> {
        let s = self.task_status(token, task_id).await?;
        Ok(ApiTaskStatus {
            task_id: s.task_id,
            status: serde_json::to_value(s.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            tries: s.tries,
            error: s.error,
        })
    }

    /// Results of an exam: staff who manage it see everyone's, a student only
    /// their own, and only once the exam releases them.
    pub async fn api_results_for_exam(
        &self,
        token: &str,
        exam_id: i64,
    ) -> AppResult<Vec<ApiResult>> {
        let actor = self.actor(token).await?;
        if actor.role != Role::Candidate {
            self.managed_exam(&actor, exam_id, "read results").await?;
        }
        if actor.role == Role::Candidate && self.withheld(exam_id, actor.user_id).await? {
            return Ok(vec![]);
        }
        let rows = self.store().result_list(Some(exam_id), None).await?;
        Ok(rows
            .into_iter()
            .filter(|r| actor.role != Role::Candidate || r.user_id == actor.user_id)
            .map(api_result)
            .collect())
    }

    /// One user's results: a student may only ask for their own, and sees only
    /// released ones; a teacher sees those of the exams they manage.
    pub async fn api_results_for_user(
        &self,
        token: &str,
        user_id: i64,
    ) -> AppResult<Vec<ApiResult>> {
        let actor = self.actor(token).await?;
        if actor.role == Role::Candidate && actor.user_id != user_id {
            return Err(AppError::Forbidden {
                role: actor.role,
                action: "read another user's results",
            });
        }
        let rows = self.store().result_list(None, Some(user_id)).await?;
        let mut out = Vec::with_capacity(rows.len());
        if actor.role == Role::Candidate {
            for r in rows {
                if !self.withheld(r.exam_id, r.user_id).await? {
                    out.push(api_result(r));
                }
            }
        } else {
            let reach = self.reach(&actor, "read results").await?;
            let access = self.store().exams_access().await?;
            for r in rows {
                if access.iter().any(|a| a.id == r.exam_id && reach.exam(a)) {
                    out.push(api_result(r));
                }
            }
        }
        Ok(out)
    }

    /// The platform's analytics shape, from the same polars analysis.
    pub async fn api_analytics(&self, token: &str, exam_id: i64) -> AppResult<ApiAnalytics> {
        let a = self.exam_analysis(token, exam_id).await?;
        Ok(ApiAnalytics {
            exam_id,
            attempts: a.attempts,
            average_score: a.mean,
            median_score: a.median,
            pass_rate: a.pass_rate_pct,
            highest_score: a.max,
            lowest_score: a.min,
            max_score: a.max_possible,
            cronbach_alpha: a.alpha,
        })
    }
}

fn api_result(r: examhall_store::ResultListRow) -> ApiResult {
    ApiResult {
        attempt_id: r.attempt_id,
        exam_id: r.exam_id,
        user_id: r.user_id,
        username: r.username,
        score: r.total,
        max_score: r.max,
        percentage: r.percentage,
        passed: crate::results::passes(r.passed, r.void_reason.as_ref()),
        provisional: r.awaiting_marking,
        void_reason: r.void_reason,
    }
}

fn probe_exam(questions: Vec<Question>) -> ExamSpec {
    ExamSpec {
        voided: vec![],
        feedback: Default::default(),
        window: Default::default(),
        order: Default::default(),
        navigation: Default::default(),
        sections: vec![],
        title: "probe".into(),
        duration_secs: 60,
        pass_mark_pct: 50.0,
        negative_marking: false,
        release: ResultRelease::Immediately,
        question_marks: true,
        questions,
    }
}

fn split_keys(s: &str) -> Vec<String> {
    s.split(',')
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
        .collect()
}

/// A platform question as a domain question (not yet validated).
fn to_question(id: QuestionId, q: &NewApiQuestion) -> AppResult<Question> {
    let answer = || {
        q.answer
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .ok_or_else(|| AppError::invalid("answer", "this question type needs an answer key"))
    };
    let options = || {
        q.options
            .iter()
            .map(|o| ChoiceOption {
                id: o.key.trim().to_owned(),
                text: o.text.clone(),
            })
            .collect::<Vec<_>>()
    };
    let kind = match q.kind {
        ApiQuestionType::SingleChoice => QuestionKind::SingleChoice {
            options: options(),
            correct: answer()?.to_owned(),
        },
        ApiQuestionType::MultipleChoice => QuestionKind::MultipleResponse {
            options: options(),
            correct: split_keys(answer()?),
            scoring: MultiScoring::AllOrNothing,
        },
        ApiQuestionType::TrueFalse => QuestionKind::TrueFalse {
            correct: match answer()?.to_lowercase().as_str() {
                "true" => true,
                "false" => false,
                _ => return Err(AppError::invalid("answer", "must be True or False")),
            },
        },
        ApiQuestionType::Numeric => QuestionKind::Numeric {
            value: answer()?
                .parse()
                .map_err(|_| AppError::invalid("answer", "must be a number"))?,
            tolerance: Tolerance::Absolute(q.tolerance.unwrap_or(0.0)),
        },
        ApiQuestionType::ShortText => QuestionKind::ShortText {
            accepted: answer()?.split('|').map(|a| a.trim().to_owned()).collect(),
            case_sensitive: false,
        },
        ApiQuestionType::Essay => QuestionKind::essay(),
        ApiQuestionType::Matching | ApiQuestionType::Ordering | ApiQuestionType::Cloze => {
            return Err(AppError::invalid(
                "type",
                "matching, ordering and cloze questions come into the bank by import (examhall import, or the bank's import page)",
            ))
        }
    };
    if q.text.trim().is_empty() {
        return Err(AppError::invalid("text", "a question needs its text"));
    }
    Ok(Question {
        id,
        prompt: q.text.trim().to_owned(),
        marks: q.marks,
        penalty: 0.0,
        general_feedback: None,
        kind,
    })
}

fn api_question(id: &str, q: &Question, keys: bool) -> ApiQuestion {
    let opts = |o: &[ChoiceOption]| {
        o.iter()
            .map(|o| ApiOption {
                key: o.id.clone(),
                text: o.text.clone(),
            })
            .collect()
    };
    let (kind, options, answer, tolerance) = match &q.kind {
        QuestionKind::SingleChoice { options, correct } => (
            ApiQuestionType::SingleChoice,
            opts(options),
            Some(correct.clone()),
            None,
        ),
        QuestionKind::MultipleResponse {
            options, correct, ..
        } => (
            ApiQuestionType::MultipleChoice,
            opts(options),
            Some(correct.join(",")),
            None,
        ),
        QuestionKind::TrueFalse { correct } => (
            ApiQuestionType::TrueFalse,
            vec![],
            Some(if *correct { "True" } else { "False" }.to_owned()),
            None,
        ),
        QuestionKind::Numeric { value, tolerance } => (
            ApiQuestionType::Numeric,
            vec![],
            Some(value.to_string()),
            match tolerance {
                Tolerance::Absolute(t) => Some(*t),
                _ => None,
            },
        ),
        QuestionKind::ShortText { accepted, .. } => (
            ApiQuestionType::ShortText,
            vec![],
            Some(accepted.join("|")),
            None,
        ),
        QuestionKind::Essay { .. } => (ApiQuestionType::Essay, vec![], None, None),
        QuestionKind::WeightedChoice { options, multiple } => {
            let full: Vec<String> = options
                .iter()
                .filter(|o| {
                    if *multiple {
                        o.credit > 0.0
                    } else {
                        o.credit >= 1.0
                    }
                })
                .map(|o| o.id.clone())
                .collect();
            (
                if *multiple {
                    ApiQuestionType::MultipleChoice
                } else {
                    ApiQuestionType::SingleChoice
                },
                options
                    .iter()
                    .map(|o| ApiOption {
                        key: o.id.clone(),
                        text: o.text.clone(),
                    })
                    .collect(),
                Some(full.join(",")),
                None,
            )
        }
        QuestionKind::NumericSet { answers } => {
            let best = answers.iter().max_by(|a, b| a.credit.total_cmp(&b.credit));
            (
                ApiQuestionType::Numeric,
                vec![],
                best.map(|a| a.value.to_string()),
                best.and_then(|a| match a.tolerance {
                    Tolerance::Absolute(t) => Some(t),
                    _ => None,
                }),
            )
        }
        QuestionKind::TextSet { answers, .. } => (
            ApiQuestionType::ShortText,
            vec![],
            Some(
                answers
                    .iter()
                    .filter(|a| a.credit >= 1.0)
                    .map(|a| a.pattern.as_str())
                    .collect::<Vec<_>>()
                    .join("|"),
            ),
            None,
        ),
        QuestionKind::Matching { pairs, .. } => (
            ApiQuestionType::Matching,
            pairs
                .iter()
                .map(|p| ApiOption {
                    key: p.id.clone(),
                    text: p.prompt.clone(),
                })
                .collect(),
            Some(
                pairs
                    .iter()
                    .map(|p| format!("{}={}", p.id, p.answer))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            None,
        ),
        QuestionKind::Ordering { items, .. } => (
            ApiQuestionType::Ordering,
            opts(items),
            Some(
                items
                    .iter()
                    .map(|o| o.id.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            None,
        ),
        QuestionKind::Cloze { .. } => (ApiQuestionType::Cloze, vec![], None, None),
        // Its key differs per attempt: listed as numeric, with no single key.
        QuestionKind::Calculated { .. } => (ApiQuestionType::Numeric, vec![], None, None),
    };
    ApiQuestion {
        id: id.to_owned(),
        text: q.prompt.clone(),
        kind,
        options,
        marks: q.marks,
        answer: if keys { answer } else { None },
        tolerance: if keys { tolerance } else { None },
    }
}

/// An exam without keys; with its questions for staff only (a student gets
/// them inside an attempt, in that attempt's order).
fn api_exam(id: i64, spec: &ExamSpec, with_questions: bool) -> ApiExam {
    ApiExam {
        id,
        title: spec.title.clone(),
        duration_minutes: spec.duration_secs / 60,
        pass_mark: spec.pass_mark_pct,
        questions: if with_questions {
            spec.questions
                .iter()
                .map(|q| api_question(q.id.as_str(), q, false))
                .collect()
        } else {
            vec![]
        },
    }
}

/// A question as a student's attempt shows it: no key, and every option list
/// in the attempt's own order (ordering items always, never the right order;
/// choices when the exam shuffles them), taken from the candidate view.
fn student_question(q: &Question, attempt_id: &str, shuffle_options: bool) -> ApiQuestion {
    use examhall_protocol::{CandidateQuestion, CandidateWidget};
    let mut out = api_question(q.id.as_str(), q, false);
    let shown = CandidateQuestion::for_attempt(q, attempt_id, shuffle_options);
    let options = match shown.widget {
        CandidateWidget::SingleChoice { options }
        | CandidateWidget::MultipleResponse { options }
        | CandidateWidget::Ordering { items: options }
        | CandidateWidget::Matching { items: options, .. } => options,
        CandidateWidget::TrueFalse
        | CandidateWidget::Numeric
        | CandidateWidget::ShortText
        | CandidateWidget::Essay
        | CandidateWidget::Cloze { .. } => vec![],
    };
    out.options = options
        .into_iter()
        .map(|o| ApiOption {
            key: o.id,
            text: o.text,
        })
        .collect();
    out
}

/// A platform answer string as a domain answer, or what is wrong with it.
fn to_answer(q: &Question, raw: &str) -> Result<Answer, String> {
    let raw = raw.trim();
    if raw.len() > 20_000 {
        return Err("at most 20,000 characters".into());
    }
    let find = |options: &[ChoiceOption], k: &str| {
        options
            .iter()
            .find(|o| o.id.eq_ignore_ascii_case(k))
            .map(|o| o.id.clone())
            .ok_or_else(|| {
                format!(
                    "{k:?} is not an option (options: {})",
                    options
                        .iter()
                        .map(|o| o.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    };
    Ok(match &q.kind {
        QuestionKind::SingleChoice { options, .. } => Answer::Text(find(options, raw)?),
        QuestionKind::MultipleResponse { options, .. } => Answer::Choices(
            split_keys(raw)
                .iter()
                .map(|k| find(options, k))
                .collect::<Result<_, _>>()?,
        ),
        QuestionKind::TrueFalse { .. } => match raw.to_lowercase().as_str() {
            "true" => Answer::Text("true".into()),
            "false" => Answer::Text("false".into()),
            _ => return Err("answer True or False".into()),
        },
        QuestionKind::Numeric { .. } | QuestionKind::Calculated { .. } => {
            raw.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("{raw:?} is not a number"))?;
            Answer::Text(raw.to_owned())
        }
        QuestionKind::ShortText { .. }
        | QuestionKind::TextSet { .. }
        | QuestionKind::Essay { .. } => Answer::Text(raw.to_owned()),
        QuestionKind::WeightedChoice { options, multiple } => {
            let plain: Vec<ChoiceOption> = options
                .iter()
                .map(|o| ChoiceOption {
                    id: o.id.clone(),
                    text: o.text.clone(),
                })
                .collect();
            if *multiple {
                Answer::Choices(
                    split_keys(raw)
                        .iter()
                        .map(|k| find(&plain, k))
                        .collect::<Result<_, _>>()?,
                )
            } else {
                Answer::Text(find(&plain, raw)?)
            }
        }
        QuestionKind::NumericSet { .. } => {
            raw.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("{raw:?} is not a number"))?;
            Answer::Text(raw.to_owned())
        }
        QuestionKind::Ordering { items, .. } => Answer::Choices(
            split_keys(raw)
                .iter()
                .map(|k| find(items, k))
                .collect::<Result<_, _>>()?,
        ),
        QuestionKind::Matching { .. } | QuestionKind::Cloze { .. } => Answer::Map(
            raw.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    l.split_once('=')
                        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                        .ok_or_else(|| format!("{l:?}: write one `item=answer` per line"))
                })
                .collect::<Result<_, _>>()?,
        ),
    })
}
