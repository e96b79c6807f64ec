//! Wire types of the platform REST API (`/api/...`), the API this project grew
//! from. With the `openapi` feature they describe themselves for the OpenAPI
//! document.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Roles as the platform names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApiRole {
    Student,
    Teacher,
    Invigilator,
    Admin,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub username: String,
    pub password: String,
    /// The name printed on result sheets; defaults to the username.
    #[serde(default)]
    pub display_name: Option<String>,
    /// `student` (default) or `teacher`; a teacher waits for an administrator's approval.
    #[serde(default)]
    pub role: Option<ApiRole>,
    /// An email address, optional (as the original platform's clients send it).
    #[serde(default)]
    pub email: Option<String>,
}

/// An administrator creates an account of any role (approved at once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiNewUser {
    pub username: String,
    /// The initial password, which the administrator gives the user.
    pub password: String,
    pub role: ApiRole,
    /// The name printed on result sheets; defaults to the username.
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: ApiRole,
    /// False while a self-registered teacher waits for approval.
    pub approved: bool,
    /// The account's email address, if it has one.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub candidate_number: Option<String>,
    /// A disabled account cannot sign in; its tokens are refused.
    #[serde(default)]
    pub disabled: bool,
    /// The account holds a one-time password it must change before anything else.
    #[serde(default)]
    pub must_change_password: bool,
}

/// An administrator's change to an account (`PATCH /api/users/{id}/`); absent
/// fields stay as they are, an empty email or candidate number clears it.
/// Disabling, or changing the role, ends the account's tokens at once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiUserPatch {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub role: Option<ApiRole>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub candidate_number: Option<String>,
    #[serde(default)]
    pub disabled: Option<bool>,
    /// The candidate's accommodation profile: a time multiplier from 1.0 to
    /// 4.0, applied to exams assigned from now on.
    #[serde(default)]
    pub time_multiplier: Option<f64>,
}

/// The one-time password a reset made: shown once, changed at the next sign-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiOneTimePassword {
    pub user_id: i64,
    pub username: String,
    pub password: String,
}

/// A user changes their own password (`POST /api/users/me/password/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiPasswordChange {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiLogin {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer …`.
    pub access: String,
    pub token_type: String,
    pub expires_in: i64,
    pub user: ApiUser,
    /// Signed in with a one-time password: every call but
    /// `POST /api/users/me/password/` is refused until a new one is chosen.
    #[serde(default)]
    pub must_change_password: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApiQuestionType {
    SingleChoice,
    MultipleChoice,
    TrueFalse,
    Numeric,
    ShortText,
    Essay,
    /// Listed only: matching questions come into the bank by import. The answer
    /// key is `item=answer` per line.
    Matching,
    /// Listed only; the key is the option keys in order, comma-separated.
    Ordering,
    /// Listed only (several gaps); no single-string key.
    Cloze,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiOption {
    /// What a candidate answers with, e.g. `A`.
    pub key: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApiQuestion {
    pub text: String,
    #[serde(rename = "type")]
    pub kind: ApiQuestionType,
    /// For choice questions.
    #[serde(default)]
    pub options: Vec<ApiOption>,
    /// The key: an option key (`B`), several (`A,C`), `True`/`False`, a number, or the
    /// accepted text (alternatives separated by `|`). Essays have none.
    #[serde(default)]
    pub answer: Option<String>,
    /// Numeric questions: accepted distance from the answer (default 0).
    #[serde(default)]
    pub tolerance: Option<f64>,
    #[serde(default = "one")]
    pub marks: f64,
}

fn one() -> f64 {
    1.0
}

/// A bank question. `answer` and `tolerance` are present only for teachers and admins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiQuestion {
    /// The id answers use: `q<number>`.
    pub id: String,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: ApiQuestionType,
    pub options: Vec<ApiOption>,
    pub marks: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApiExam {
    pub title: String,
    pub duration_minutes: u32,
    /// Percent of the maximum mark needed to pass (default 50).
    #[serde(default)]
    pub pass_mark: Option<f64>,
    /// Bank question ids (`q1`, `q2`, …) in exam order.
    pub questions: Vec<String>,
    /// Any student may start it online (a practice test). Otherwise only the
    /// students assigned to it see it. Default: false.
    #[serde(default)]
    pub open_to_students: bool,
    /// When a student sees the result (default: as soon as it is graded).
    #[serde(default)]
    pub release: Option<ApiRelease>,
    /// Students (user ids) to assign at once.
    #[serde(default)]
    pub candidates: Vec<i64>,
}

/// When students see their results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApiRelease {
    Immediately,
    /// Held until a teacher has reviewed them.
    AfterReview,
}

/// A username whose sign-in blocks an administrator lifts (from every source).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiUnblock {
    pub username: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiUnblocked {
    pub username: String,
    /// How many blocks (one per source) were lifted.
    pub lifted: u64,
}

/// Students to assign to an exam.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiAssign {
    pub user_ids: Vec<i64>,
    /// Extra time (1.0 to 4.0; 1.25 is 25 % more). Default 1.0.
    #[serde(default)]
    pub time_multiplier: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiAssigned {
    pub exam_id: i64,
    pub assigned: u32,
}

/// A teacher to share an exam or a bank question with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiShare {
    pub user_id: i64,
}

/// A student's started attempt: the questions in this attempt's own order, and
/// the time left by the backend's clock. Submit before `deadline_at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiAttempt {
    pub attempt_id: String,
    pub exam_id: i64,
    pub title: String,
    pub started_at: i64,
    /// Milliseconds since the Unix epoch.
    pub deadline_at: i64,
    pub remaining_seconds: i64,
    pub questions: Vec<ApiQuestion>,
}

/// An exam as students see it: no keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiExam {
    pub id: i64,
    pub title: String,
    pub duration_minutes: u32,
    pub pass_mark: f64,
    pub questions: Vec<ApiQuestion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiSubmission {
    /// Question id → answer, e.g. `{"q1": "B", "q2": "True", "q3": "42"}`.
    pub answers: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SubmissionAccepted {
    pub task_id: i64,
    pub attempt_id: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiTaskStatus {
    pub task_id: i64,
    /// `pending`, `running`, `done` or `failed`.
    pub status: String,
    pub tries: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiResult {
    pub attempt_id: String,
    pub exam_id: i64,
    pub user_id: i64,
    pub username: String,
    pub score: f64,
    pub max_score: f64,
    pub percentage: f64,
    pub passed: bool,
    /// Essays still await a marker.
    pub provisional: bool,
    /// Voided for misconduct, with this reason (the score is kept; a void
    /// attempt never passes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub void_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiAnalytics {
    pub exam_id: i64,
    pub attempts: usize,
    pub average_score: f64,
    pub median_score: f64,
    pub pass_rate: f64,
    pub highest_score: f64,
    pub lowest_score: f64,
    pub max_score: f64,
    pub cronbach_alpha: Option<f64>,
}

/// `POST /api/users/import/`: a roster CSV (columns in the README); `dry_run`
/// only reports; `valid_only` imports the good rows even if some are bad.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiUserImport {
    pub csv: String,
    #[serde(default)]
    pub dry_run: bool,
    #[serde(default)]
    pub valid_only: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiImportedUser {
    pub line: usize,
    pub username: String,
    pub changes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiImportError {
    pub line: usize,
    pub column: Option<String>,
    pub message: String,
}

/// What an import did, or would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiUserImportReport {
    pub dry_run: bool,
    pub applied: bool,
    pub created: Vec<ApiImportedUser>,
    pub updated: Vec<ApiImportedUser>,
    pub unchanged: usize,
    pub errors: Vec<ApiImportError>,
    /// The new accounts' one-time passwords, when applied.
    pub passwords: Vec<ApiOneTimePassword>,
}
