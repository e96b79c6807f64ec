use examhall_protocol::{ErrorCode, ErrorDto};
use examhall_store::StoreError;

/// Every way a use case can fail that a caller may want to branch on, plus
/// `Internal` for the rest (logged in full, shown to the user only as a code).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Wrong username or password.")]
    BadCredentials,
    #[error("Too many failed attempts. Try again in {retry_after_secs} s.")]
    Throttled { retry_after_secs: i64 },
    #[error("You are not signed in (or your session has ended). Please sign in again.")]
    Unauthenticated,
    #[error("Your role ({role}) may not {action}.")]
    Forbidden {
        role: examhall_domain::Role,
        action: &'static str,
    },
    #[error("{0} not found.")]
    NotFound(String),
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("That start code is not right for this exam. Check it with the invigilator.")]
    WrongStartCode,
    #[error("This exam has not been opened by an invigilator yet.")]
    SittingClosed,
    #[error("Time is up: the attempt has been submitted.")]
    TimeUp,
    #[error("You cannot start yet: {0}.")]
    NotYet(String),
    /// Refused by the sitting's schedule; the message says when it opens or closed.
    #[error("{0}")]
    OutsideWindow(String),
    #[error("You are not checked in for this exam. Ask the invigilator to check you in, then try again.")]
    NotCheckedIn,
    #[error("Too many wrong start codes. Wait {}, then check the code with the invigilator.", wait_text(*.retry_after_secs))]
    StartCodeThrottled { retry_after_secs: i64 },
    #[error("The invigilator has paused the exam. Your answers so far are saved.")]
    Paused,
    #[error("This seat is locked: an invigilator must unlock it.")]
    Locked,
    #[error("{0}")]
    Unavailable(String),
    #[error("This machine's enrolment was revoked by the centre's staff: it may no longer pull exams or join the room. Give it a fresh data directory and enrol it again with a new token.")]
    DeviceRevoked,
    #[error("Choose a new password before you go on: the one you signed in with was a one-time password.")]
    PasswordChangeRequired,
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::BadCredentials => ErrorCode::BadCredentials,
            AppError::Throttled { .. } => ErrorCode::Throttled,
            AppError::Unauthenticated => ErrorCode::Unauthenticated,
            AppError::Forbidden { .. } => ErrorCode::Forbidden,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::Invalid { .. } => ErrorCode::Invalid,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::WrongStartCode => ErrorCode::WrongStartCode,
            AppError::SittingClosed => ErrorCode::SittingClosed,
            AppError::TimeUp => ErrorCode::TimeUp,
            AppError::NotYet(_) | AppError::OutsideWindow(_) => ErrorCode::SittingClosed,
            AppError::NotCheckedIn => ErrorCode::NotCheckedIn,
            AppError::StartCodeThrottled { .. } => ErrorCode::Throttled,
            AppError::Paused => ErrorCode::Paused,
            AppError::Locked => ErrorCode::Locked,
            AppError::Unavailable(_) => ErrorCode::Unavailable,
            AppError::DeviceRevoked => ErrorCode::Forbidden,
            AppError::PasswordChangeRequired => ErrorCode::PasswordChangeRequired,
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// What the user sees. Internal details go to the log, not the screen.
    pub fn to_dto(&self) -> ErrorDto {
        let message = match self {
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                "Something went wrong on this computer. Your saved answers are safe; please tell the invigilator.".to_owned()
            }
            other => other.to_string(),
        };
        let field = match self {
            AppError::Invalid { field, .. } => Some(field.clone()),
            _ => None,
        };
        ErrorDto {
            code: self.code(),
            message,
            field,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::Conflict(what) => AppError::Conflict(format!("Conflict: {what}.")),
            StoreError::NotFound(what) => AppError::NotFound(what),
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

/// A wait as a person reads it: seconds under two minutes, else whole minutes
/// (rounded up).
fn wait_text(secs: i64) -> String {
    if secs < 120 {
        format!("{secs} s")
    } else {
        format!("{} min", (secs + 59) / 60)
    }
}
