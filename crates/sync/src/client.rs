//! The desktop's (or hub's) HTTP client to HQ. Every call has a timeout; callers
//! decide about retrying with [`SyncError::is_retryable`] and [`backoff`].

use crate::tls::{verify_answer_mac, Transport, MAC_HEADER, NONCE_HEADER};
use examhall_protocol::sync::{
    EnrolRequest, Enrolled, ManifestCheck, PackageListing, Receipts, SignedEnvelope,
};
use serde::de::DeserializeOwned;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    /// No answer: refused, reset, timed out, cut mid-body. Worth retrying.
    #[error("HQ is unreachable: {0}")]
    Unreachable(String),
    /// HQ answered with an error.
    #[error("HQ refused ({status} {code}): {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
        /// The server's `Retry-After` (429: it throttles this source).
        retry_after_secs: Option<u64>,
    },
    #[error("HQ's answer is unreadable: {0}")]
    BadResponse(String),
    /// The configured server address is not usable (or its transport is not
    /// allowed: see [`crate::tls::Transport`]).
    #[error("{0}")]
    BadAddress(String),
    /// An answer the device would act on did not carry a valid MAC under its
    /// enrolment secret: something else answered in the server's place.
    #[error("{0}")]
    Unauthenticated(String),
}

impl SyncError {
    /// Whether trying again later may succeed (no answer, or a server-side failure).
    pub fn is_retryable(&self) -> bool {
        match self {
            SyncError::Unreachable(_)
            | SyncError::BadResponse(_)
            | SyncError::Unauthenticated(_) => true,
            SyncError::Refused { status, .. } => *status >= 500 || *status == 429,
            SyncError::BadAddress(_) => false,
        }
    }
}

/// Delays between consecutive failed rounds: exponential from 1 s (or `max`, if
/// smaller) up to `max`, with jitter so a room of desktops coming back online
/// does not stampede. Desktops use a 5-minute cap.
pub fn backoff(max: Duration) -> impl Iterator<Item = Duration> {
    use backon::BackoffBuilder;
    backon::ExponentialBuilder::default()
        .with_min_delay(Duration::from_secs(1).min(max))
        .with_max_delay(max)
        .with_factor(2.0)
        .with_jitter()
        .without_max_times()
        .build()
}

#[derive(Debug, Clone)]
pub struct HqClient {
    base: String,
    http: reqwest::Client,
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    code: String,
    message: String,
}

impl HqClient {
    /// `base` is the server's root, e.g. `https://hq.example:8443`. `transport`
    /// says how it may be reached: HTTPS trusting only a pinned certificate, or
    /// plain HTTP where this machine allows it; anything else is refused here.
    pub fn new(
        base: &str,
        timeout: Duration,
        transport: &Transport,
    ) -> Result<HqClient, SyncError> {
        let base = base.trim().trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(SyncError::BadAddress(format!(
                "server address `{base}` must start with http:// or https://"
            )));
        }
        transport.check(&base).map_err(SyncError::BadAddress)?;
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)));
        builder = match transport {
            Transport::Pinned(pin) => builder
                .tls_backend_preconfigured(
                    crate::tls::pinned_client_config(pin).map_err(SyncError::BadAddress)?,
                )
                .https_only(true),
            _ => builder.tls_backend_preconfigured(crate::tls::no_tls_client_config()),
        };
        let http = builder
            .build()
            .map_err(|e| SyncError::BadAddress(error_chain(&e)))?;
        Ok(HqClient { base, http })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<reqwest::Response, SyncError> {
        let resp = req
            .send()
            .await
            .map_err(|e| SyncError::Unreachable(error_chain(&e)))?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        let status = resp.status().as_u16();
        let retry_after_secs = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok()?.trim().parse().ok());
        let body = resp
            .bytes()
            .await
            .map_err(|e| SyncError::Unreachable(error_chain(&e)))?;
        let (code, message) = match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(b) => (b.code, b.message),
            Err(_) => (
                "http".into(),
                String::from_utf8_lossy(&body).chars().take(200).collect(),
            ),
        };
        Err(SyncError::Refused {
            status,
            code,
            message,
            retry_after_secs,
        })
    }

    async fn json<T: DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<T, SyncError> {
        let body = self
            .send(req)
            .await?
            .bytes()
            .await
            .map_err(|e| SyncError::Unreachable(error_chain(&e)))?;
        serde_json::from_slice(&body).map_err(|e| SyncError::BadResponse(e.to_string()))
    }

    /// A request whose answer the device acts on: it carries a fresh nonce, and
    /// the answer must carry a MAC over that nonce, the path and its exact bytes
    /// under the key from the device's enrolment secret.
    async fn authenticated<T: DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
        path: &str,
        key: &[u8; 32],
    ) -> Result<T, SyncError> {
        let nonce = hex::encode(crate::random::<16>());
        let resp = self.send(req.header(NONCE_HEADER, &nonce)).await?;
        let mac = resp
            .headers()
            .get(MAC_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = resp
            .bytes()
            .await
            .map_err(|e| SyncError::Unreachable(error_chain(&e)))?;
        match mac {
            Some(m) if verify_answer_mac(key, path, &nonce, &body, &m) => {}
            found => {
                return Err(SyncError::Unauthenticated(format!(
                    "the answer from {} to {path} is {} under this device's enrolment secret; \
                     it was not acted on",
                    self.base,
                    if found.is_some() {
                        "not authenticated"
                    } else {
                        "unsigned"
                    }
                )))
            }
        }
        serde_json::from_slice(&body).map_err(|e| SyncError::BadResponse(e.to_string()))
    }

    pub async fn enrol(&self, req: &EnrolRequest) -> Result<Enrolled, SyncError> {
        self.json(
            self.http
                .post(format!("{}/api/sync/enrol/", self.base))
                .json(req),
        )
        .await
    }

    pub async fn packages(&self, device_token: &str) -> Result<Vec<PackageListing>, SyncError> {
        self.json(
            self.http
                .get(format!("{}/api/sync/packages/", self.base))
                .bearer_auth(device_token),
        )
        .await
    }

    pub async fn package(&self, device_token: &str, id: &str) -> Result<Vec<u8>, SyncError> {
        let resp = self
            .send(
                self.http
                    .get(format!("{}/api/sync/packages/{id}/", self.base))
                    .bearer_auth(device_token),
            )
            .await?;
        Ok(resp
            .bytes()
            .await
            .map_err(|e| SyncError::Unreachable(error_chain(&e)))?
            .to_vec())
    }

    /// Uploads a signed result batch. The receipts must be authenticated under
    /// `answer_key`, the key of the device whose envelope this is
    /// ([`crate::tls::answer_key_from_secret`]): a forged receipt would make the
    /// device believe results are safe that are not.
    pub async fn push_results(
        &self,
        env: &SignedEnvelope,
        answer_key: &[u8; 32],
    ) -> Result<Receipts, SyncError> {
        const PATH: &str = "/api/sync/results/";
        self.authenticated(
            self.http.post(format!("{}{PATH}", self.base)).json(env),
            PATH,
            answer_key,
        )
        .await
    }

    /// A seat's new events to its room hub (a `copy` envelope). The hub's
    /// answer says how far it holds each attempt, authenticated like receipts:
    /// a forged one would make the seat believe a copy exists that does not.
    pub async fn push_copies(
        &self,
        env: &SignedEnvelope,
        answer_key: &[u8; 32],
    ) -> Result<Receipts, SyncError> {
        const PATH: &str = "/api/sync/copy/";
        self.authenticated(
            self.http.post(format!("{}{PATH}", self.base)).json(env),
            PATH,
            answer_key,
        )
        .await
    }

    /// Before a start: does the room already hold this candidate's attempt
    /// (on another seat, or moved here)? The answer is authenticated: it may
    /// carry a chain the seat continues.
    pub async fn takeover(
        &self,
        device_token: &str,
        req: &examhall_protocol::sync::TakeoverRequest,
    ) -> Result<examhall_protocol::sync::TakeoverAnswer, SyncError> {
        const PATH: &str = "/api/sync/takeover/";
        self.authenticated(
            self.http
                .post(format!("{}{PATH}", self.base))
                .bearer_auth(device_token)
                .json(req),
            PATH,
            &crate::tls::answer_key_from_device_token(device_token),
        )
        .await
    }

    /// A seat's heartbeat to its room hub: its attempts' progress up, the room's
    /// sessions and new console commands down.
    pub async fn room_heartbeat(
        &self,
        device_token: &str,
        report: &examhall_protocol::room::SeatReport,
    ) -> Result<examhall_protocol::room::RoomUpdate, SyncError> {
        const PATH: &str = "/api/sync/room/";
        self.authenticated(
            self.http
                .post(format!("{}{PATH}", self.base))
                .bearer_auth(device_token)
                .json(report),
            PATH,
            &crate::tls::answer_key_from_device_token(device_token),
        )
        .await
    }

    /// The room console of a session on the hub (an invigilator's JWT).
    pub async fn room_console(
        &self,
        token: &str,
        session_id: i64,
    ) -> Result<examhall_protocol::room::RoomConsoleDto, SyncError> {
        self.json(
            self.http
                .get(format!("{}/api/room/sessions/{session_id}/", self.base))
                .bearer_auth(token),
        )
        .await
    }

    /// A console command (pause, resume, extend, unlock) on the hub.
    pub async fn room_action(
        &self,
        token: &str,
        action: &examhall_protocol::room::RoomAction,
    ) -> Result<examhall_protocol::room::RoomActionAck, SyncError> {
        self.json(
            self.http
                .post(format!("{}/api/room/actions/", self.base))
                .bearer_auth(token)
                .json(action),
        )
        .await
    }

    /// Sends a room's signed account of itself (a `room_report` envelope) up
    /// to HQ; the answer is authenticated like receipts.
    pub async fn push_room_report(
        &self,
        env: &SignedEnvelope,
        answer_key: &[u8; 32],
    ) -> Result<examhall_protocol::sync::RoomReportAck, SyncError> {
        const PATH: &str = "/api/sync/room-report/";
        self.authenticated(
            self.http.post(format!("{}{PATH}", self.base)).json(env),
            PATH,
            answer_key,
        )
        .await
    }

    /// Sends an exam the centre built on this machine (a `centre_exam`
    /// envelope) up before its results; the answer is authenticated like
    /// receipts.
    pub async fn push_centre_exam(
        &self,
        env: &SignedEnvelope,
        answer_key: &[u8; 32],
    ) -> Result<examhall_protocol::sync::CentreExamAck, SyncError> {
        const PATH: &str = "/api/sync/centre-exam/";
        self.authenticated(
            self.http.post(format!("{}{PATH}", self.base)).json(env),
            PATH,
            answer_key,
        )
        .await
    }

    /// Asks the server to check a signed manifest; the answer is authenticated
    /// like receipts are.
    pub async fn check_manifest(
        &self,
        env: &SignedEnvelope,
        answer_key: &[u8; 32],
    ) -> Result<ManifestCheck, SyncError> {
        const PATH: &str = "/api/sync/manifest/";
        self.authenticated(
            self.http.post(format!("{}{PATH}", self.base)).json(env),
            PATH,
            answer_key,
        )
        .await
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(x) = src {
        s.push_str(": ");
        s.push_str(&x.to_string());
        src = x.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_stays_capped() {
        let d: Vec<Duration> = backoff(Duration::from_secs(300)).take(20).collect();
        assert_eq!(d.len(), 20);
        // Jitter adds up to one delay again, so every delay lies in [base, 2·base].
        for (i, x) in d.iter().enumerate().take(8) {
            let base = Duration::from_secs(1 << i);
            assert!(*x >= base && *x <= base * 2, "delay {i}: {x:?}");
        }
        assert!(d.iter().all(|x| *x <= Duration::from_secs(600)));
    }

    #[tokio::test]
    async fn an_unreachable_server_is_a_retryable_error() {
        // Nothing listens on port 9 of loopback (discard, never started here).
        let c = HqClient::new(
            "http://127.0.0.1:9",
            Duration::from_secs(2),
            &Transport::PlainAllowed,
        )
        .unwrap();
        let e = c.packages("x").await.unwrap_err();
        assert!(matches!(e, SyncError::Unreachable(_)), "{e:?}");
        assert!(e.is_retryable());
        let bad =
            HqClient::new("ftp://x", Duration::from_secs(1), &Transport::PlainAllowed).unwrap_err();
        assert!(matches!(bad, SyncError::BadAddress(_)) && !bad.is_retryable());
        // Plain HTTP that the machine does not allow, and HTTPS without a pin.
        for (url, t) in [
            ("http://127.0.0.1:9", Transport::Refused),
            ("https://127.0.0.1:9", Transport::Refused),
            ("https://127.0.0.1:9", Transport::PlainAllowed),
        ] {
            let e = HqClient::new(url, Duration::from_secs(1), &t).unwrap_err();
            assert!(matches!(e, SyncError::BadAddress(_)), "{url} {t:?}: {e:?}");
        }
    }
}
