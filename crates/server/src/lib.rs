//! The central server: the platform REST API over the same use cases as the
//! desktop. Handlers only translate HTTP to a use-case call and back: take the
//! bearer token and the body, call one `App` method, map the error to a status
//! and a JSON body `{code, message, field}`.

pub mod tls;
pub mod ui;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{
    ConnectInfo, DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, State,
};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use examhall_app::{App, AppError};
use examhall_protocol::bank::*;
use examhall_protocol::platform::*;
use examhall_protocol::room::*;
use examhall_protocol::sync::*;
use examhall_protocol::{
    AssignCandidates, AssignedCandidates, CloseSitting, ErrorCode, ErrorDto, ExamCandidateDto,
    ExamCandidatesDto, ExamSummaryDto, OpenSitting, ReleaseResults, ReleasedResults, SittingDto,
    StaffHomeDto, UnassignCandidate, UpdateAssignment,
};
use serde::Deserialize;
use std::net::SocketAddr;
use utoipa::OpenApi;

/// Request bodies larger than this are refused with 413.
pub const BODY_LIMIT: usize = 256 * 1024;
/// Result batches and manifests may be larger (a batch holds up to 500 attempts).
pub const SYNC_BODY_LIMIT: usize = 32 * 1024 * 1024;

/// An error as the API returns it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorDto,
    /// Seconds a throttled client should wait (sent as `Retry-After`).
    retry_after_secs: Option<i64>,
}

impl ApiError {
    fn new(status: StatusCode, code: ErrorCode, message: String, field: Option<String>) -> Self {
        ApiError {
            status,
            body: ErrorDto {
                code,
                message,
                field,
            },
            retry_after_secs: None,
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        let status = match &e {
            AppError::BadCredentials | AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Throttled { .. } | AppError::StartCodeThrottled { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::Forbidden { .. }
            | AppError::PasswordChangeRequired
            | AppError::NotCheckedIn
            | AppError::DeviceRevoked => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Invalid { .. } | AppError::WrongStartCode => StatusCode::BAD_REQUEST,
            AppError::Conflict(_)
            | AppError::SittingClosed
            | AppError::TimeUp
            | AppError::NotYet(_)
            | AppError::OutsideWindow(_)
            | AppError::Paused
            | AppError::Locked => StatusCode::CONFLICT,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let retry_after_secs = match &e {
            AppError::Throttled { retry_after_secs }
            | AppError::StartCodeThrottled { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        ApiError {
            status,
            body: e.to_dto(),
            retry_after_secs,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, Json(self.body)).into_response();
        if let Some(v) = self
            .retry_after_secs
            .and_then(|s| s.max(1).to_string().parse().ok())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

type Reply<T> = Result<T, ApiError>;

/// A JSON body whose rejections (malformed JSON, wrong types, unknown fields, too
/// large) come back as the API's JSON errors, naming what was wrong and where.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(r) => Err(json_rejection(r)),
        }
    }
}

fn json_rejection(r: JsonRejection) -> ApiError {
    let status = r.status();
    let message = match &r {
        JsonRejection::BytesRejection(_) if status == StatusCode::PAYLOAD_TOO_LARGE => {
            format!(
                "The request body is too large (the limit is {} KiB; {} MiB for sync uploads).",
                BODY_LIMIT / 1024,
                SYNC_BODY_LIMIT / (1024 * 1024)
            )
        }
        _ => r.body_text(),
    };
    let status = if status == StatusCode::UNPROCESSABLE_ENTITY {
        StatusCode::BAD_REQUEST
    } else {
        status
    };
    ApiError::new(status, ErrorCode::Invalid, message, Some("body".into()))
}

/// The `Authorization: Bearer <JWT>` of a request.
pub struct Bearer(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| Bearer(t.trim().to_owned()))
            .ok_or_else(|| ApiError::from(AppError::Unauthenticated))
    }
}

/// Where a request came from, for throttling: the peer's address, as the
/// listener saw it (forwarding headers are not trusted), or "unknown" when the
/// router is served without connection info.
pub struct Source(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Source {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Source(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string()),
        ))
    }
}

/// The nonce a device sent with a request whose answer it will act on (room
/// heartbeats, result uploads, manifest checks); see [`device_answer`].
pub struct Nonce(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Nonce {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Nonce(
            parts
                .headers
                .get(examhall_app::transport::NONCE_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_owned()),
        ))
    }
}

/// A JSON answer to a device, with a MAC under that device's enrolment secret
/// over the request's nonce, the route and the exact bytes, when it sent a nonce.
async fn device_answer<T: serde::Serialize>(
    app: &App,
    device: examhall_app::sync::DeviceRef<'_>,
    path: &str,
    nonce: Nonce,
    value: &T,
) -> Reply<Response> {
    let body = serde_json::to_vec(value).map_err(|e| AppError::Internal(e.into()))?;
    let mac = match nonce.0 {
        Some(n) => Some(app.device_answer_mac(device, path, &n, &body).await?),
        None => None,
    };
    let mut resp = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    if let Some(mac) = mac {
        resp.headers_mut().insert(
            examhall_app::transport::MAC_HEADER,
            header::HeaderValue::from_str(&mac).expect("hex is a valid header value"),
        );
    }
    Ok(resp)
}

/// Requests one source may make to the routes that check a secret (sign-in,
/// registration, enrolment, start codes): a burst, then one more every
/// `SOURCE_REFILL_MS`. A lab behind one NAT address still signs in together.
pub const SOURCE_BURST: u32 = 30;
pub const SOURCE_REFILL_MS: u64 = 500;

/// The governor's key: the peer address, or one shared key without connection info.
#[derive(Debug, Clone, Copy)]
struct PeerKey;

impl tower_governor::key_extractor::KeyExtractor for PeerKey {
    type Key = std::net::IpAddr;
    fn extract<T>(
        &self,
        req: &axum::http::Request<T>,
    ) -> Result<Self::Key, tower_governor::GovernorError> {
        Ok(req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(std::net::IpAddr::from([0, 0, 0, 0]), |c| c.0.ip()))
    }
}

/// The per-source limit, answering with the API's JSON error and `Retry-After`.
fn source_limit() -> tower_governor::GovernorLayer<
    PeerKey,
    ::governor::middleware::NoOpMiddleware<::governor::clock::QuantaInstant>,
    axum::body::Body,
> {
    let config = tower_governor::governor::GovernorConfigBuilder::default()
        .per_millisecond(SOURCE_REFILL_MS)
        .burst_size(SOURCE_BURST)
        .key_extractor(PeerKey)
        .finish()
        .expect("a non-zero burst and period");
    let config = std::sync::Arc::new(config);
    // Forget sources that have been quiet, so memory stays bounded.
    if let Ok(rt) = tokio::runtime::Handle::try_current() {
        let limiter = std::sync::Arc::downgrade(config.limiter());
        rt.spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                match limiter.upgrade() {
                    Some(l) => l.retain_recent(),
                    None => return,
                }
            }
        });
    }
    tower_governor::GovernorLayer::new(config).error_handler(|e| {
        let wait = match &e {
            tower_governor::GovernorError::TooManyRequests { wait_time, .. } => *wait_time,
            _ => 1,
        };
        ApiError::from(AppError::Throttled {
            retry_after_secs: wait.max(1) as i64,
        })
        .into_response()
    })
}

/// A path parameter, with rejections as API errors.
pub struct Param<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for Param<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| Param(v))
            .map_err(|r: PathRejection| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::Invalid,
                    r.body_text(),
                    Some("path".into()),
                )
            })
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnalyticsQuery {
    /// The exam to summarise.
    pub exam_id: i64,
}

#[utoipa::path(post, path = "/api/users/register/", request_body = RegisterRequest,
    responses((status = 201, body = ApiUser), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn register(
    State(app): State<App>,
    Body(req): Body<RegisterRequest>,
) -> Reply<(StatusCode, Json<ApiUser>)> {
    Ok((StatusCode::CREATED, Json(app.register(req).await?)))
}

#[utoipa::path(post, path = "/api/users/login/", request_body = ApiLogin,
    responses((status = 200, body = TokenResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login(
    State(app): State<App>,
    Source(source): Source,
    Body(req): Body<ApiLogin>,
) -> Reply<Json<TokenResponse>> {
    Ok(Json(app.login_jwt(req, &source).await?))
}

#[utoipa::path(post, path = "/api/users/unblock/", request_body = ApiUnblock,
    responses((status = 200, body = ApiUnblocked), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn unblock(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<ApiUnblock>,
) -> Reply<Json<ApiUnblocked>> {
    let lifted = app.lift_login_block(&t, req.username.clone()).await?;
    Ok(Json(ApiUnblocked {
        username: req.username,
        lifted,
    }))
}

#[utoipa::path(get, path = "/api/users/profile/", responses((status = 200, body = ApiUser), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn profile(State(app): State<App>, Bearer(t): Bearer) -> Reply<Json<ApiUser>> {
    Ok(Json(app.profile(&t).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UsersQuery {
    /// Part of a username, name, candidate number or email (case-insensitive).
    pub search: Option<String>,
    /// Only accounts of this role.
    pub role: Option<ApiRole>,
    /// Include disabled accounts (default: only enabled ones).
    #[serde(default)]
    pub include_disabled: bool,
}

#[utoipa::path(get, path = "/api/users/", params(UsersQuery),
    responses((status = 200, body = Vec<ApiUser>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn users(
    State(app): State<App>,
    Bearer(t): Bearer,
    q: Result<Query<UsersQuery>, QueryRejection>,
) -> Reply<Json<Vec<ApiUser>>> {
    let Query(q) = q.map_err(|r| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::Invalid,
            r.body_text(),
            Some("query".into()),
        )
    })?;
    Ok(Json(
        app.api_users(&t, q.search, q.role, q.include_disabled)
            .await?,
    ))
}

#[utoipa::path(patch, path = "/api/users/{user_id}/", params(("user_id" = i64, Path)), request_body = ApiUserPatch,
    responses((status = 200, body = ApiUser), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
/// An administrator edits an account, or disables or enables it.
async fn update_user(
    State(app): State<App>,
    Bearer(t): Bearer,
    Param(id): Param<i64>,
    Body(patch): Body<ApiUserPatch>,
) -> Reply<Json<ApiUser>> {
    Ok(Json(app.api_update_user(&t, id, patch).await?))
}

#[utoipa::path(post, path = "/api/users/{user_id}/reset-password/", params(("user_id" = i64, Path)),
    responses((status = 200, body = ApiOneTimePassword), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// An administrator resets a password to a one-time password (shown once).
async fn reset_password(
    State(app): State<App>,
    Bearer(t): Bearer,
    Param(id): Param<i64>,
) -> Reply<Json<ApiOneTimePassword>> {
    Ok(Json(app.api_reset_password(&t, id).await?))
}

#[utoipa::path(post, path = "/api/users/import/", request_body = ApiUserImport,
    responses((status = 200, body = ApiUserImportReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
/// An administrator imports accounts from a roster CSV (a dry run first).
async fn import_users(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<ApiUserImport>,
) -> Reply<Json<ApiUserImportReport>> {
    Ok(Json(app.api_import_users(&t, req).await?))
}

#[utoipa::path(post, path = "/api/users/me/password/", request_body = ApiPasswordChange,
    responses((status = 200, body = TokenResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
/// Users change their own password; older tokens stop working and a new one is returned.
async fn change_own_password(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(change): Body<ApiPasswordChange>,
) -> Reply<Json<TokenResponse>> {
    Ok(Json(app.api_change_own_password(&t, change).await?))
}

#[utoipa::path(post, path = "/api/users/", request_body = ApiNewUser,
    responses((status = 201, body = ApiUser), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
/// An administrator creates an account of any role (approved at once).
async fn create_user(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<ApiNewUser>,
) -> Reply<(StatusCode, Json<ApiUser>)> {
    Ok((
        StatusCode::CREATED,
        Json(app.api_create_user(&t, req).await?),
    ))
}

#[utoipa::path(post, path = "/api/users/{user_id}/approve/", params(("user_id" = i64, Path)),
    responses((status = 200, body = ApiUser), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn approve(
    State(app): State<App>,
    Bearer(t): Bearer,
    Param(id): Param<i64>,
) -> Reply<Json<ApiUser>> {
    Ok(Json(app.approve_user(&t, id).await?))
}

#[utoipa::path(post, path = "/api/exams/questions/", request_body = NewApiQuestion,
    responses((status = 201, body = ApiQuestion), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn add_question(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(q): Body<NewApiQuestion>,
) -> Reply<(StatusCode, Json<ApiQuestion>)> {
    Ok((
        StatusCode::CREATED,
        Json(app.add_bank_question(&t, q).await?),
    ))
}

#[utoipa::path(get, path = "/api/exams/questions/", responses((status = 200, body = Vec<ApiQuestion>)),
    security(("bearer" = [])))]
async fn questions(State(app): State<App>, Bearer(t): Bearer) -> Reply<Json<Vec<ApiQuestion>>> {
    Ok(Json(app.list_bank_questions(&t).await?))
}

#[utoipa::path(post, path = "/api/exams/create/", request_body = NewApiExam,
    responses((status = 201, body = ApiExam), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_exam(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(e): Body<NewApiExam>,
) -> Reply<(StatusCode, Json<ApiExam>)> {
    Ok((StatusCode::CREATED, Json(app.create_api_exam(&t, e).await?)))
}

#[utoipa::path(get, path = "/api/exams/", responses((status = 200, body = Vec<ApiExam>)), security(("bearer" = [])))]
async fn exams(State(app): State<App>, Bearer(t): Bearer) -> Reply<Json<Vec<ApiExam>>> {
    Ok(Json(app.list_api_exams(&t).await?))
}

#[utoipa::path(post, path = "/api/exams/{exam_id}/submit/", params(("exam_id" = i64, Path)), request_body = ApiSubmission,
    responses((status = 202, body = SubmissionAccepted), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn submit(
    State(app): State<App>,
    Bearer(t): Bearer,
    Param(exam_id): Param<i64>,
    Body(s): Body<ApiSubmission>,
) -> Reply<(StatusCode, Json<SubmissionAccepted>)> {
    Ok((
        StatusCode::ACCEPTED,
        Json(app.submit_answers(&t, exam_id, s).await?),
    ))
}

#[utoipa::path(post, path = "/api/exams/{exam_id}/start/", params(("exam_id" = i64, Path)),
    responses((status = 200, body = ApiAttempt), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn start(
    State(app): State<App>,
    Bearer(t): Bearer,
    Param(exam_id): Param<i64>,
) -> Reply<Json<ApiAttempt>> {
    Ok(Json(app.start_api_attempt(&t, exam_id).await?))
}

#[utoipa::path(post, path = "/api/exams/{exam_id}/assign/", params(("exam_id" = i64, Path)), request_body = ApiAssign,
    responses((status = 200, body = ApiAssigned), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn assign(
    State(app): State<App>,
    Bearer(t): Bearer,
    Param(exam_id): Param<i64>,
    Body(req): Body<ApiAssign>,
) -> Reply<Json<ApiAssigned>> {
    Ok(Json(app.assign_api_exam(&t, exam_id, req).await?))
}

#[utoipa::path(post, path = "/api/exams/{exam_id}/share/", params(("exam_id" = i64, Path)), request_body = ApiShare,
    responses((status = 200, body = ApiShare), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn share_exam(
    State(app): State<App>,
    Bearer(t): Bearer,
    Param(exam_id): Param<i64>,
    Body(req): Body<ApiShare>,
) -> Reply<Json<ApiShare>> {
    app.share_exam(&t, exam_id, req.user_id).await?;
    Ok(Json(req))
}

#[utoipa::path(post, path = "/api/exams/questions/{question_id}/share/", params(("question_id" = String, Path, description = "`q<number>`")),
    request_body = ApiShare,
    responses((status = 200, body = ApiShare), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn share_question(
    State(app): State<App>,
    Bearer(t): Bearer,
    Param(question_id): Param<String>,
    Body(req): Body<ApiShare>,
) -> Reply<Json<ApiShare>> {
    let id = question_id
        .strip_prefix('q')
        .and_then(|n| n.parse::<i64>().ok())
        .ok_or_else(|| {
            ApiError::from(AppError::invalid(
                "question_id",
                format!("{question_id:?} is not a question id (q<number>)"),
            ))
        })?;
    app.share_bank_question(&t, id, req.user_id).await?;
    Ok(Json(req))
}

#[utoipa::path(get, path = "/api/tasks/status/{task_id}/", params(("task_id" = i64, Path)),
    responses((status = 200, body = ApiTaskStatus), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn task(
    State(app): State<App>,
    Bearer(t): Bearer,
    Param(id): Param<i64>,
) -> Reply<Json<ApiTaskStatus>> {
    Ok(Json(app.api_task_status(&t, id).await?))
}

#[utoipa::path(get, path = "/api/results/{exam_id}/", params(("exam_id" = i64, Path)),
    responses((status = 200, body = Vec<ApiResult>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn exam_results(
    State(app): State<App>,
    Bearer(t): Bearer,
    Param(id): Param<i64>,
) -> Reply<Json<Vec<ApiResult>>> {
    Ok(Json(app.api_results_for_exam(&t, id).await?))
}

#[utoipa::path(get, path = "/api/results/user/{user_id}/", params(("user_id" = i64, Path)),
    responses((status = 200, body = Vec<ApiResult>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn user_results(
    State(app): State<App>,
    Bearer(t): Bearer,
    Param(id): Param<i64>,
) -> Reply<Json<Vec<ApiResult>>> {
    Ok(Json(app.api_results_for_user(&t, id).await?))
}

#[utoipa::path(get, path = "/api/results/analytics/", params(AnalyticsQuery),
    responses((status = 200, body = ApiAnalytics), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn analytics(
    State(app): State<App>,
    Bearer(t): Bearer,
    q: Result<Query<AnalyticsQuery>, QueryRejection>,
) -> Reply<Json<ApiAnalytics>> {
    let Query(q) = q.map_err(|r| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::Invalid,
            r.body_text(),
            Some("exam_id".into()),
        )
    })?;
    Ok(Json(app.api_analytics(&t, q.exam_id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VerifyQuery {
    /// The receipt's code (`37-9f3ac1d2e4b7`) or a result sheet's chain head.
    pub receipt: String,
}

/// Voids a handed-in attempt for misconduct where it is held (invigilators and
/// administrators): kept and graded, its result marked void with the reason.
#[utoipa::path(post, path = "/api/attempts/void/", request_body = examhall_protocol::VoidAttempt,
    responses((status = 200, body = examhall_protocol::AttemptSummaryDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn void_attempt(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<examhall_protocol::VoidAttempt>,
) -> Reply<Json<examhall_protocol::AttemptSummaryDto>> {
    Ok(Json(app.void_attempt(&t, req).await?))
}

/// Resets a handed-in attempt for a resit (administrators): kept, marked
/// superseded, out of the results; the candidate may sit the exam again.
#[utoipa::path(post, path = "/api/attempts/resit/", request_body = examhall_protocol::ResetForResit,
    responses((status = 200, body = examhall_protocol::AttemptSummaryDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn reset_for_resit(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<examhall_protocol::ResetForResit>,
) -> Reply<Json<examhall_protocol::AttemptSummaryDto>> {
    Ok(Json(app.reset_for_resit(&t, req).await?))
}

/// Checks a receipt or a result sheet's chain head against the attempt's
/// stored log (staff): `valid`, `unknown_attempt` or `differs` (from event N on).
#[utoipa::path(get, path = "/api/attempts/{attempt_id}/verify/", params(("attempt_id" = String, Path), VerifyQuery),
    responses((status = 200, body = examhall_protocol::ReceiptCheckDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn verify_receipt(
    State(app): State<App>,
    Bearer(t): Bearer,
    Param(attempt_id): Param<String>,
    q: Result<Query<VerifyQuery>, QueryRejection>,
) -> Reply<Json<examhall_protocol::ReceiptCheckDto>> {
    let Query(q) = q.map_err(|r| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::Invalid,
            r.body_text(),
            Some("receipt".into()),
        )
    })?;
    let req = examhall_protocol::VerifyReceipt {
        attempt_id,
        receipt: q.receipt,
    };
    Ok(Json(app.verify_receipt(&t, req).await?))
}

#[utoipa::path(post, path = "/api/sync/enrolments/", request_body = NewEnrolment,
    responses((status = 201, body = EnrolmentToken), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn new_enrolment(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<NewEnrolment>,
) -> Reply<(StatusCode, Json<EnrolmentToken>)> {
    Ok((
        StatusCode::CREATED,
        Json(app.create_enrolment(&t, req).await?),
    ))
}

#[utoipa::path(post, path = "/api/sync/enrol/", request_body = EnrolRequest,
    responses((status = 201, body = Enrolled), (status = 400, body = ErrorBody)))]
async fn enrol(
    State(app): State<App>,
    Body(req): Body<EnrolRequest>,
) -> Reply<(StatusCode, Json<Enrolled>)> {
    Ok((StatusCode::CREATED, Json(app.enrol_device(req).await?)))
}

#[utoipa::path(post, path = "/api/sync/packages/", request_body = NewPackage,
    responses((status = 201, body = PublishedPackage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn publish(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<NewPackage>,
) -> Reply<(StatusCode, Json<PublishedPackage>)> {
    Ok((
        StatusCode::CREATED,
        Json(app.publish_package(&t, req).await?),
    ))
}

#[utoipa::path(get, path = "/api/sync/packages/",
    responses((status = 200, body = Vec<PackageListing>), (status = 401, body = ErrorBody)), security(("device" = [])))]
async fn packages(State(app): State<App>, Bearer(t): Bearer) -> Reply<Json<Vec<PackageListing>>> {
    Ok(Json(app.device_packages(&t).await?))
}

#[utoipa::path(get, path = "/api/sync/packages/{package_id}/", params(("package_id" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ErrorBody)),
    security(("device" = [])))]
async fn package_bytes(
    State(app): State<App>,
    Bearer(t): Bearer,
    Param(id): Param<String>,
) -> Reply<impl IntoResponse> {
    let bytes = app.device_package(&t, &id).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes))
}

#[utoipa::path(post, path = "/api/sync/results/", request_body = SignedEnvelope,
    responses((status = 200, body = Receipts), (status = 400, body = ErrorBody)))]
async fn results_up(
    State(app): State<App>,
    nonce: Nonce,
    Body(env): Body<SignedEnvelope>,
) -> Reply<Response> {
    let device = env.device_id.clone();
    let receipts = app.ingest_results(env).await?;
    device_answer(
        &app,
        examhall_app::sync::DeviceRef::Id(&device),
        "/api/sync/results/",
        nonce,
        &receipts,
    )
    .await
}

#[utoipa::path(post, path = "/api/sync/copy/", request_body = SignedEnvelope,
    responses((status = 200, body = Receipts), (status = 400, body = ErrorBody)))]
/// A seat's new events, copied to its room hub as they are saved (a `copy`
/// envelope); the answer says how far the hub holds each attempt.
async fn copy_up(
    State(app): State<App>,
    nonce: Nonce,
    Body(env): Body<SignedEnvelope>,
) -> Reply<Response> {
    let device = env.device_id.clone();
    let receipts = app.take_copies(env).await?;
    device_answer(
        &app,
        examhall_app::sync::DeviceRef::Id(&device),
        "/api/sync/copy/",
        nonce,
        &receipts,
    )
    .await
}

#[utoipa::path(post, path = "/api/sync/manifest/", request_body = SignedEnvelope,
    responses((status = 200, body = ManifestCheck), (status = 400, body = ErrorBody)))]
async fn manifest(
    State(app): State<App>,
    nonce: Nonce,
    Body(env): Body<SignedEnvelope>,
) -> Reply<Response> {
    let device = env.device_id.clone();
    let check = app.check_manifest(env).await?;
    device_answer(
        &app,
        examhall_app::sync::DeviceRef::Id(&device),
        "/api/sync/manifest/",
        nonce,
        &check,
    )
    .await
}

#[utoipa::path(post, path = "/api/sync/centre-exam/", request_body = SignedEnvelope,
    responses((status = 200, body = CentreExamAck), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
/// An exam a centre built on its own desktop (a `centre_exam` envelope), held
/// at HQ before the results taken at it; a relay hub passes it straight on.
async fn centre_exam_up(
    State(app): State<App>,
    nonce: Nonce,
    Body(env): Body<SignedEnvelope>,
) -> Reply<Response> {
    let device = env.device_id.clone();
    let ack = app.ingest_centre_exam(env).await?;
    device_answer(
        &app,
        examhall_app::sync::DeviceRef::Id(&device),
        "/api/sync/centre-exam/",
        nonce,
        &ack,
    )
    .await
}

#[utoipa::path(post, path = "/api/sync/room-report/", request_body = SignedEnvelope,
    responses((status = 200, body = RoomReportAck), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
/// A room's signed account of itself (a `room_report` envelope from the
/// machine that ran its console), kept for HQ's reconciliation.
async fn room_report_up(
    State(app): State<App>,
    nonce: Nonce,
    Body(env): Body<SignedEnvelope>,
) -> Reply<Response> {
    let device = env.device_id.clone();
    let ack = app.ingest_room_report(env).await?;
    device_answer(
        &app,
        examhall_app::sync::DeviceRef::Id(&device),
        "/api/sync/room-report/",
        nonce,
        &ack,
    )
    .await
}

#[utoipa::path(get, path = "/api/sync/packages/{package_id}/reconciliation/",
    params(("package_id" = String, Path, description = "A package HQ published")),
    responses((status = 200, body = Reconciliation), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// Every rostered candidate of a package, as HQ can account for them: from the
/// attempts it holds and the rooms' reports, with the evidence.
async fn reconciliation(
    State(app): State<App>,
    Bearer(t): Bearer,
    Param(package_id): Param<String>,
) -> Reply<Json<Reconciliation>> {
    Ok(Json(app.reconcile(&t, &package_id).await?))
}

#[utoipa::path(get, path = "/api/sync/incidents/",
    responses((status = 200, body = Vec<SyncIncident>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn incidents(State(app): State<App>, Bearer(t): Bearer) -> Reply<Json<Vec<SyncIncident>>> {
    Ok(Json(app.sync_incidents(&t).await?))
}

#[utoipa::path(post, path = "/api/sync/open-package/", request_body = OpenPackage,
    responses((status = 200, body = SittingDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn open_package(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<OpenPackage>,
) -> Reply<Json<SittingDto>> {
    Ok(Json(app.open_package(&t, req).await?))
}

#[utoipa::path(post, path = "/api/sync/room/", request_body = SeatReport,
    responses((status = 200, body = RoomUpdate), (status = 401, body = ErrorBody)), security(("device" = [])))]
async fn room_heartbeat(
    State(app): State<App>,
    Bearer(t): Bearer,
    nonce: Nonce,
    Body(req): Body<SeatReport>,
) -> Reply<Response> {
    let update = app.room_heartbeat(&t, req).await?;
    device_answer(
        &app,
        examhall_app::sync::DeviceRef::Token(&t),
        "/api/sync/room/",
        nonce,
        &update,
    )
    .await
}

#[utoipa::path(post, path = "/api/bank/import/", request_body = ImportRequest,
    responses((status = 200, body = ImportReportDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
/// Reads a question file (mode `check` is a dry run) and imports it into the bank:
/// all or nothing, or the valid questions only.
async fn bank_import(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<ImportRequest>,
) -> Reply<Json<ImportReportDto>> {
    Ok(Json(app.import_questions(&t, req).await?))
}

#[utoipa::path(post, path = "/api/bank/search/", request_body = BankFilter,
    responses((status = 200, body = Vec<BankItemDto>), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn bank_search(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<BankFilter>,
) -> Reply<Json<Vec<BankItemDto>>> {
    Ok(Json(app.bank(&t, req).await?))
}

#[utoipa::path(post, path = "/api/bank/questions/", request_body = BankEdit,
    responses((status = 200, body = BankItemDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// Writes a new bank question or edits one (a new version once an exam used it).
async fn bank_save(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<BankEdit>,
) -> Reply<Json<BankItemDto>> {
    Ok(Json(app.save_bank_question(&t, req).await?))
}

#[utoipa::path(post, path = "/api/bank/exams/preview/", request_body = PreviewExam,
    responses((status = 200, body = ExamPreviewDto), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
async fn bank_preview(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<PreviewExam>,
) -> Reply<Json<ExamPreviewDto>> {
    Ok(Json(app.preview_exam(&t, req).await?))
}

#[utoipa::path(post, path = "/api/bank/exams/", request_body = PublishExam,
    responses((status = 201, body = PublishedExamDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
/// Publishes an exam built from the bank (sections, fixed questions, random draws).
async fn bank_publish(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<PublishExam>,
) -> Reply<(StatusCode, Json<PublishedExamDto>)> {
    Ok((StatusCode::CREATED, Json(app.publish_exam(&t, req).await?)))
}

#[utoipa::path(post, path = "/api/room/sessions/", request_body = CreateRoomSession,
    responses((status = 201, body = RoomSessionDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_room(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<CreateRoomSession>,
) -> Reply<(StatusCode, Json<RoomSessionDto>)> {
    Ok((
        StatusCode::CREATED,
        Json(app.create_room_session(&t, req).await?),
    ))
}

#[utoipa::path(get, path = "/api/sittings/",
    responses((status = 200, body = Vec<ExamSummaryDto>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
/// Every exam with its open or upcoming sitting (code and schedule), for staff.
async fn sittings(State(app): State<App>, Bearer(t): Bearer) -> Reply<Json<Vec<ExamSummaryDto>>> {
    Ok(Json(app.list_exams(&t).await?))
}

#[utoipa::path(post, path = "/api/sittings/", request_body = OpenSitting,
    responses((status = 201, body = SittingDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)), security(("bearer" = [])))]
/// Opens a sitting with an optional window (opens at, closes at, late-start
/// limit); any sitting open for the exam is closed and its code stops working.
async fn open_sitting(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<OpenSitting>,
) -> Reply<(StatusCode, Json<SittingDto>)> {
    Ok((StatusCode::CREATED, Json(app.open_sitting(&t, req).await?)))
}

#[utoipa::path(post, path = "/api/sittings/close/", request_body = CloseSitting,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
/// Closes the exam's open sitting; attempts already started go on.
async fn close_sitting(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<CloseSitting>,
) -> Reply<StatusCode> {
    app.close_sitting(&t, req.exam_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/room/sessions/",
    responses((status = 200, body = Vec<RoomSessionDto>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn list_rooms(State(app): State<App>, Bearer(t): Bearer) -> Reply<Json<Vec<RoomSessionDto>>> {
    Ok(Json(app.room_sessions(&t).await?))
}

#[utoipa::path(get, path = "/api/room/sessions/{session_id}/", params(("session_id" = i64, Path)),
    responses((status = 200, body = RoomConsoleDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn room_console(
    State(app): State<App>,
    Bearer(t): Bearer,
    Param(session_id): Param<i64>,
) -> Reply<Json<RoomConsoleDto>> {
    Ok(Json(app.room_console(&t, SessionRef { session_id }).await?))
}

#[utoipa::path(post, path = "/api/room/open/", request_body = SessionRef,
    responses((status = 200, body = RoomSessionDto), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn open_room(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<SessionRef>,
) -> Reply<Json<RoomSessionDto>> {
    Ok(Json(app.open_room_session(&t, req).await?))
}

#[utoipa::path(post, path = "/api/room/seat-tokens/", request_body = IssueSeatTokens,
    responses((status = 200, body = SeatTokens), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn seat_tokens(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<IssueSeatTokens>,
) -> Reply<Json<SeatTokens>> {
    Ok(Json(app.issue_seat_tokens(&t, req).await?))
}

#[utoipa::path(post, path = "/api/results/release/", request_body = ReleaseResults,
    responses((status = 200, body = ReleasedResults), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn release_results(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<ReleaseResults>,
) -> Reply<Json<ReleasedResults>> {
    Ok(Json(app.release_results(&t, req).await?))
}

#[utoipa::path(get, path = "/api/exams/{exam_id}/candidates/", params(("exam_id" = i64, Path)),
    responses((status = 200, body = ExamCandidatesDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn exam_candidates(
    State(app): State<App>,
    Bearer(t): Bearer,
    Param(exam_id): Param<i64>,
) -> Reply<Json<ExamCandidatesDto>> {
    Ok(Json(app.exam_candidates(&t, exam_id).await?))
}

#[utoipa::path(post, path = "/api/assignments/", request_body = AssignCandidates,
    responses((status = 200, body = AssignedCandidates), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn assign_candidates(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<AssignCandidates>,
) -> Reply<Json<AssignedCandidates>> {
    Ok(Json(app.assign_candidates(&t, req).await?))
}

#[utoipa::path(patch, path = "/api/assignments/", request_body = UpdateAssignment,
    responses((status = 200, body = ExamCandidateDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn update_assignment(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<UpdateAssignment>,
) -> Reply<Json<ExamCandidateDto>> {
    Ok(Json(app.update_assignment(&t, req).await?))
}

#[utoipa::path(post, path = "/api/assignments/unassign/", request_body = UnassignCandidate,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn unassign_candidate(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<UnassignCandidate>,
) -> Reply<StatusCode> {
    app.unassign_candidate(&t, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/centre/today/",
    responses((status = 200, body = StaffHomeDto), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn centre_today(State(app): State<App>, Bearer(t): Bearer) -> Reply<Json<StaffHomeDto>> {
    Ok(Json(app.staff_home(&t).await?))
}

#[utoipa::path(get, path = "/api/sync/devices/",
    responses((status = 200, body = Vec<DeviceDto>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn devices(State(app): State<App>, Bearer(t): Bearer) -> Reply<Json<Vec<DeviceDto>>> {
    Ok(Json(app.devices(&t).await?))
}

#[utoipa::path(post, path = "/api/sync/devices/revoke/", request_body = RevokeDevice,
    responses((status = 200, body = DeviceDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn revoke_device(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<RevokeDevice>,
) -> Reply<Json<DeviceDto>> {
    Ok(Json(app.revoke_device(&t, req).await?))
}

#[utoipa::path(post, path = "/api/room/publish/", request_body = SessionRef,
    responses((status = 200, body = PublishedPackage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn publish_to_room(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<SessionRef>,
) -> Reply<Json<PublishedPackage>> {
    Ok(Json(app.publish_to_room(&t, req).await?))
}

#[utoipa::path(post, path = "/api/room/check-in/", request_body = CheckIn,
    responses((status = 200, body = RoomConsoleDto), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn room_check_in(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<CheckIn>,
) -> Reply<Json<RoomConsoleDto>> {
    Ok(Json(app.check_in(&t, req).await?))
}

#[utoipa::path(post, path = "/api/room/actions/", request_body = RoomAction,
    responses((status = 200, body = RoomActionAck), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn room_action(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<RoomAction>,
) -> Reply<Json<RoomActionAck>> {
    Ok(Json(app.room_action(&t, req).await?))
}

#[utoipa::path(post, path = "/api/room/incidents/", request_body = RecordIncident,
    responses((status = 200, body = RoomConsoleDto), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn room_incident(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<RecordIncident>,
) -> Reply<Json<RoomConsoleDto>> {
    Ok(Json(app.record_incident(&t, req).await?))
}

#[utoipa::path(post, path = "/api/room/move/", request_body = examhall_protocol::room::MoveCandidate,
    responses((status = 200, body = RoomConsoleDto), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
/// Moves a candidate whose seat failed to a spare seat (the hub must hold a
/// copy of the attempt): the old seat is fenced, the next seat the candidate
/// starts at continues the attempt.
async fn room_move(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<examhall_protocol::room::MoveCandidate>,
) -> Reply<Json<RoomConsoleDto>> {
    Ok(Json(app.move_candidate(&t, req).await?))
}

#[utoipa::path(post, path = "/api/sync/takeover/", request_body = examhall_protocol::sync::TakeoverRequest,
    responses((status = 200, description = "fresh, continue (with the copied chain) or elsewhere"), (status = 401, body = ErrorBody)),
    security(("device" = [])))]
/// A seat, before starting a candidate: does the room already hold their attempt?
async fn takeover(
    State(app): State<App>,
    Bearer(t): Bearer,
    nonce: Nonce,
    Body(req): Body<examhall_protocol::sync::TakeoverRequest>,
) -> Reply<Response> {
    let answer = app.takeover(&t, req).await?;
    device_answer(
        &app,
        examhall_app::sync::DeviceRef::Token(&t),
        "/api/sync/takeover/",
        nonce,
        &answer,
    )
    .await
}

#[utoipa::path(post, path = "/api/room/unlock-code/", request_body = OfflineUnlock,
    responses((status = 200, body = UnlockCodeDto), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn room_unlock_code(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<OfflineUnlock>,
) -> Reply<Json<UnlockCodeDto>> {
    Ok(Json(app.offline_unlock_code(&t, req).await?))
}

#[utoipa::path(post, path = "/api/room/credits/", request_body = DecideCredit,
    responses((status = 200, body = RoomConsoleDto), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn room_credit(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<DecideCredit>,
) -> Reply<Json<RoomConsoleDto>> {
    Ok(Json(app.decide_credit(&t, req).await?))
}

#[utoipa::path(post, path = "/api/room/close/", request_body = CloseRoomSession,
    responses((status = 200, body = RoomSessionDto), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn close_room(
    State(app): State<App>,
    Bearer(t): Bearer,
    Body(req): Body<CloseRoomSession>,
) -> Reply<Json<RoomSessionDto>> {
    Ok(Json(app.close_room_session(&t, req).await?))
}

/// The error body every endpoint returns on failure.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct ErrorBody {
    /// A stable code: `invalid`, `unauthenticated`, `forbidden`, `not_found`, `conflict`, …
    code: String,
    message: String,
    /// The field at fault, for validation errors.
    field: Option<String>,
}

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "device",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("<device id>.<secret>")
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Examhall central server", description = "The platform REST API: accounts (JWT), question bank, exams, submissions graded as background tasks, results and analytics. The sync API: desktop enrolment, signed exam packages down, device-signed results up with receipts, manifests. The room API: the invigilator's console (sessions, check-in, pause/resume/extend/unlock, incidents, the downtime ledger, closing) and the seats' heartbeat."),
    paths(register, login, unblock, profile, users, create_user, update_user, reset_password, change_own_password, import_users, approve, add_question, questions, create_exam, exams, start, assign,
          share_exam, share_question, submit, task,
          exam_results, user_results, analytics, verify_receipt, void_attempt, reset_for_resit, new_enrolment, enrol, publish, packages, package_bytes,
          results_up, copy_up, manifest, room_report_up, centre_exam_up, reconciliation, incidents, open_package, sittings, open_sitting, close_sitting, room_heartbeat, create_room, list_rooms, room_console, open_room, centre_today, release_results,
          exam_candidates, assign_candidates, update_assignment, unassign_candidate,
          seat_tokens, devices, revoke_device, publish_to_room,
          room_check_in, room_action, room_incident, room_move, takeover, room_unlock_code, room_credit, close_room,
          bank_import, bank_search, bank_save, bank_preview, bank_publish),
    components(schemas(ErrorBody)),
    modifiers(&BearerScheme)
)]
pub struct ApiDoc;

/// The OpenAPI document, as served at `/api/openapi.json`. Every response gets
/// a description (OpenAPI requires one): the status's own words where the path
/// declares none.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let mut api = ApiDoc::openapi();
    let error = |why: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(why)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build(),
        )
    };
    for (path, item) in api.paths.paths.iter_mut() {
        let has_path_params = path.contains('{');
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            // Every operation may answer with the API's JSON errors that do not
            // depend on the handler: a malformed request, a missing or stale
            // token, a body too large or not JSON, a per-source limit.
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let has_body = op.request_body.is_some();
            let mut defaults = vec![
                ("400", "The request is malformed (the field is named)."),
                (
                    "429",
                    "Too many requests from this source, or too many failed sign-ins.",
                ),
            ];
            if secured {
                defaults.push(("401", "Not signed in, or the token has expired."));
                defaults.push(("403", "The role may not do this."));
            }
            if has_body {
                defaults.push(("413", "The request body is too large."));
                defaults.push(("415", "The body must be application/json."));
            }
            if has_path_params || secured {
                defaults.push(("404", "Not found, or not the caller's to see."));
            }
            for (code, why) in defaults {
                op.responses
                    .responses
                    .entry(code.to_owned())
                    .or_insert_with(|| error(why));
            }
            for (status, resp) in op.responses.responses.iter_mut() {
                if let utoipa::openapi::RefOr::T(r) = resp {
                    if r.description.is_empty() {
                        r.description = status
                            .parse::<u16>()
                            .ok()
                            .and_then(|c| StatusCode::from_u16(c).ok())
                            .and_then(|c| c.canonical_reason())
                            .unwrap_or("Response")
                            .to_owned();
                    }
                }
            }
        }
    }
    api
}

async fn openapi_json() -> impl IntoResponse {
    Json(openapi())
}

async fn docs() -> Html<&'static str> {
    Html(include_str!("docs.html"))
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "No such endpoint.".into(),
        None,
    )
}

/// Every route, with the body limit, over `app`.
pub fn router(app: App) -> Router {
    // The routes that check a secret get a per-source limit on top of the
    // per-name sign-in throttle.
    let guarded = Router::new()
        .route("/api/users/register/", post(register))
        .route("/api/users/login/", post(login))
        .route("/api/sync/enrol/", post(enrol))
        .route("/api/sync/open-package/", post(open_package))
        .route("/api/ui/login/", post(ui::login))
        .layer(source_limit());
    Router::new()
        .merge(guarded)
        .route("/api/users/unblock/", post(unblock))
        .route("/api/users/profile/", get(profile))
        .route("/api/users/", get(users).post(create_user))
        .route("/api/users/{user_id}/approve/", post(approve))
        .route("/api/users/{user_id}/", axum::routing::patch(update_user))
        .route("/api/users/{user_id}/reset-password/", post(reset_password))
        .route("/api/users/me/password/", post(change_own_password))
        .route("/api/users/import/", post(import_users))
        .route("/api/exams/questions/", post(add_question).get(questions))
        .route("/api/exams/create/", post(create_exam))
        .route("/api/exams/", get(exams))
        .route("/api/exams/{exam_id}/start/", post(start))
        .route("/api/exams/{exam_id}/assign/", post(assign))
        .route("/api/exams/{exam_id}/share/", post(share_exam))
        .route(
            "/api/exams/questions/{question_id}/share/",
            post(share_question),
        )
        .route("/api/exams/{exam_id}/submit/", post(submit))
        .route("/api/tasks/status/{task_id}/", get(task))
        .route("/api/results/analytics/", get(analytics))
        .route("/api/attempts/{attempt_id}/verify/", get(verify_receipt))
        .route("/api/attempts/void/", post(void_attempt))
        .route("/api/attempts/resit/", post(reset_for_resit))
        .route("/api/results/user/{user_id}/", get(user_results))
        .route("/api/results/{exam_id}/", get(exam_results))
        .route("/api/sync/enrolments/", post(new_enrolment))
        .route("/api/sync/packages/", post(publish).get(packages))
        .route("/api/sync/packages/{package_id}/", get(package_bytes))
        .route(
            "/api/sync/results/",
            post(results_up).layer(DefaultBodyLimit::max(SYNC_BODY_LIMIT)),
        )
        .route(
            "/api/sync/copy/",
            post(copy_up).layer(DefaultBodyLimit::max(SYNC_BODY_LIMIT)),
        )
        .route(
            "/api/sync/manifest/",
            post(manifest).layer(DefaultBodyLimit::max(SYNC_BODY_LIMIT)),
        )
        .route(
            "/api/sync/room-report/",
            post(room_report_up).layer(DefaultBodyLimit::max(SYNC_BODY_LIMIT)),
        )
        .route(
            "/api/sync/centre-exam/",
            post(centre_exam_up).layer(DefaultBodyLimit::max(SYNC_BODY_LIMIT)),
        )
        .route(
            "/api/sync/packages/{package_id}/reconciliation/",
            get(reconciliation),
        )
        .route("/api/sync/incidents/", get(incidents))
        .route("/api/sync/room/", post(room_heartbeat))
        .route("/api/sittings/", get(sittings).post(open_sitting))
        .route("/api/sittings/close/", post(close_sitting))
        .route("/api/room/sessions/", post(create_room).get(list_rooms))
        .route("/api/room/sessions/{session_id}/", get(room_console))
        .route("/api/room/open/", post(open_room))
        .route("/api/room/seat-tokens/", post(seat_tokens))
        .route("/api/room/publish/", post(publish_to_room))
        .route("/api/sync/devices/", get(devices))
        .route("/api/centre/today/", get(centre_today))
        .route("/api/results/release/", post(release_results))
        .route("/api/exams/{exam_id}/candidates/", get(exam_candidates))
        .route(
            "/api/assignments/",
            post(assign_candidates).patch(update_assignment),
        )
        .route("/api/assignments/unassign/", post(unassign_candidate))
        .route("/api/sync/devices/revoke/", post(revoke_device))
        .route("/api/room/check-in/", post(room_check_in))
        .route("/api/room/actions/", post(room_action))
        .route("/api/room/incidents/", post(room_incident))
        .route("/api/room/move/", post(room_move))
        .route("/api/sync/takeover/", post(takeover))
        .route("/api/room/unlock-code/", post(room_unlock_code))
        .route("/api/room/credits/", post(room_credit))
        .route("/api/room/close/", post(close_room))
        .route(
            "/api/bank/import/",
            post(bank_import).layer(DefaultBodyLimit::max(
                // base64 of the largest accepted file, and the JSON around it
                examhall_app::bank::MAX_IMPORT_BYTES / 3 * 4 + 64 * 1024,
            )),
        )
        .route("/api/bank/search/", post(bank_search))
        .route("/api/bank/questions/", post(bank_save))
        .route("/api/bank/exams/preview/", post(bank_preview))
        .route("/api/bank/exams/", post(bank_publish))
        .route(
            "/api/ui/{command}/",
            post(ui::command).layer(DefaultBodyLimit::max(
                examhall_app::bank::MAX_IMPORT_BYTES / 3 * 4 + 64 * 1024,
            )),
        )
        .route("/", get(ui::index))
        .route("/{file}", get(ui::file))
        .route("/api/openapi.json", get(openapi_json))
        .route("/api/docs/", get(docs))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(app)
}

/// Serves the API on `listener` and runs the grading worker (and, on a hub, the
/// relay to its upstream) beside it, until `shutdown` resolves.
/// Serves the HTTP API only, for an app that runs its own worker and sync loop
/// (a desktop acting as its room's hub).
pub async fn serve_api(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tracing::info!(addr = ?listener.local_addr().ok(), "serving the API");
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

pub async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(app, listener, None, shutdown).await
}

/// Serves the API over HTTPS with `tls` (see [`tls::TlsIdentity`]).
pub async fn serve_api_tls(
    app: App,
    listener: tokio::net::TcpListener,
    tls: &tls::TlsIdentity,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tracing::info!(addr = ?listener.local_addr().ok(), fingerprint = tls.fingerprint(), "serving the API over HTTPS");
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    let config = axum_server::tls_rustls::RustlsConfig::from_config(tls.server_config());
    axum_server::from_tcp_rustls(listener.into_std()?, config)?
        .handle(handle)
        .serve(router(app).into_make_service_with_connect_info::<SocketAddr>())
        .await
}

/// The server (API, grading worker, relay loop) over HTTPS when `tls` is given,
/// else over plain HTTP (which the caller has been told to allow, and logs).
pub async fn serve_with(
    app: App,
    listener: tokio::net::TcpListener,
    tls: Option<tls::TlsIdentity>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(app.worker().run(stop_rx.clone()));
    // A hub (a server enrolled with an upstream) relays to it: every 10 s when
    // idle, backing off to a minute while the upstream is away. Idle otherwise.
    let relay = tokio::spawn(app.clone().sync_loop(
        std::time::Duration::from_secs(10),
        std::time::Duration::from_secs(60),
        stop_rx,
    ));
    let result = match tls {
        Some(t) => serve_api_tls(app, listener, &t, shutdown).await,
        None => serve_api(app, listener, shutdown).await,
    };
    let _ = stop_tx.send(true);
    let _ = worker.await;
    let _ = relay.await;
    result
}
