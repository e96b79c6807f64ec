//! Room set-up on the hub desktop (issue 15, point 3): enrolment tokens for the
//! room's seats, the list of enrolled seats with revoke, and publishing an exam
//! to the seats as the signed package they already understand. No HTTP by hand.
//!
//! The hub is the seats' "HQ" for enrolment and packages unless it relays to an
//! upstream: then tokens and packages come from HQ, and these use cases say so.

use crate::auth::random_hex;
use crate::sync::sha256_hex;
use crate::transport::EnrolmentTokenParts;
use crate::{App, AppError, AppResult};
use examhall_domain::room::RoomState;
use examhall_domain::{Role, Timestamp};
use examhall_protocol::room::SessionRef;
use examhall_protocol::sync::{
    DeviceDto, IssueSeatTokens, NewPackage, PublishedPackage, RevokeDevice, SeatTokens,
};
use examhall_store::LogLine;

/// A seat token is good for a day: enough to set up a lab the day before.
pub(crate) const SEAT_TOKEN_TTL_MS: i64 = 24 * 3600 * 1000;
/// Tokens issued at once, at most (a lab of 100 seats).
const MAX_SEAT_TOKENS: u32 = 100;
/// A device's `last_seen_at` is written at most this often.
pub(crate) const TOUCH_EVERY_MS: i64 = 30_000;
/// The centre a hub serves when neither its configuration nor an enrolment names one.
pub const LOCAL_CENTRE: &str = "local";

impl App {
    /// The centre this machine serves its seats for: its configured centre, else
    /// the one it is enrolled for, else [`LOCAL_CENTRE`].
    pub async fn served_centre(&self) -> AppResult<String> {
        if let Some(c) = self.inner.centre.get() {
            return Ok(c.clone());
        }
        Ok(match self.store().enrolment().await? {
            Some(e) => e.centre,
            None => LOCAL_CENTRE.to_owned(),
        })
    }

    /// The centre named by the machine's configuration (checked against its
    /// enrolment with [`App::check_centre`]).
    pub fn set_centre(&self, centre: String) {
        let _ = self.inner.centre.set(centre);
    }

    /// This machine hands out seat tokens and packages itself: it serves (has a
    /// signing key) and does not relay to HQ.
    async fn room_hub(&self, what: &str) -> AppResult<String> {
        if self.inner.hq_key.get().is_none() {
            return Err(AppError::Conflict(format!(
                "This desktop is not the room hub, so it cannot {what}: start the room's hub \
                 with --serve ADDRESS (or `serve` in its configuration file)."
            )));
        }
        let centre = self.served_centre().await?;
        if self.relaying().await? {
            return Err(AppError::Conflict(format!(
                "This hub relays to HQ, so it cannot {what} itself: HQ issues the tokens for \
                 centre {centre}'s seats (through this hub) and publishes its exams."
            )));
        }
        Ok(centre)
    }

    /// Staff at the hub issue single-use enrolment tokens for `count` seats. Each
    /// carries the hub's certificate fingerprint, which the seat pins.
    pub async fn issue_seat_tokens(
        &self,
        token: &str,
        req: IssueSeatTokens,
    ) -> AppResult<SeatTokens> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Admin, Role::Invigilator], "enrol seats")?;
        if !(1..=MAX_SEAT_TOKENS).contains(&req.count) {
            return Err(AppError::invalid(
                "count",
                format!("between 1 and {MAX_SEAT_TOKENS} seats at a time"),
            ));
        }
        let centre = self.room_hub("issue seat tokens").await?;
        let fingerprint = self.link().serving_fingerprint;
        let now = self.now();
        let expires = Timestamp(now.0 + SEAT_TOKEN_TTL_MS);
        let mut tokens = Vec::with_capacity(req.count as usize);
        for _ in 0..req.count {
            let secret = random_hex(16);
            self.store()
                .insert_enrolment_token(&sha256_hex(&secret), &centre, actor.user_id, now, expires)
                .await?;
            tokens.push(
                EnrolmentTokenParts {
                    secret,
                    fingerprint: fingerprint.clone(),
                }
                .to_string(),
            );
        }
        tracing::info!(count = req.count, %centre, "seat tokens issued");
        Ok(SeatTokens {
            centre,
            tokens,
            expires_at_ms: expires.0,
            fingerprint,
        })
    }

    /// The devices enrolled with this machine (its seats; at HQ, every centre's
    /// desktops and hubs), newest first.
    pub async fn devices(&self, token: &str) -> AppResult<Vec<DeviceDto>> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Admin, Role::Invigilator], "see enrolled seats")?;
        Ok(self
            .store()
            .devices(None)
            .await?
            .into_iter()
            .map(|d| DeviceDto {
                device_id: d.id,
                name: d.name,
                centre: d.centre,
                enrolled_at_ms: d.enrolled_at,
                last_seen_at_ms: d.last_seen_at,
                app_version: d.app_version,
                revoked_at_ms: d.revoked_at,
                is_hub: d.tls_fingerprint.is_some(),
            })
            .collect())
    }

    /// Revokes a device: from now on this machine refuses its heartbeats and
    /// package pulls. Results it already signed are still accepted.
    pub async fn revoke_device(&self, token: &str, req: RevokeDevice) -> AppResult<DeviceDto> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Admin, Role::Invigilator], "revoke seats")?;
        let id = req.device_id.trim();
        if !self.store().revoke_device(id, self.now()).await? {
            return Err(AppError::NotFound(format!("Device {id}")));
        }
        self.inner
            .device_touches
            .lock()
            .expect("device touches")
            .remove(id);
        tracing::warn!(device = %id, by = actor.user_id, "device revoked");
        self.devices(token)
            .await?
            .into_iter()
            .find(|d| d.device_id == id)
            .ok_or_else(|| AppError::NotFound(format!("Device {id}")))
    }

    /// Notes that a device called (and the app version it reported), at most
    /// every [`TOUCH_EVERY_MS`] unless the version changed. Never fails the call.
    pub(crate) async fn seen_device(&self, id: &str, app_version: Option<&str>) {
        let now = self.now();
        let version = app_version.map(|v| v.chars().take(32).collect::<String>());
        {
            let mut seen = self.inner.device_touches.lock().expect("device touches");
            match seen.get(id) {
                Some((at, v))
                    if now.0 - at < TOUCH_EVERY_MS
                        && (version.is_none() || version.as_ref() == v.as_ref()) =>
                {
                    return
                }
                Some((_, v)) => {
                    let kept = version.clone().or_else(|| v.clone());
                    seen.insert(id.to_owned(), (now.0, kept));
                }
                None => {
                    seen.insert(id.to_owned(), (now.0, version.clone()));
                }
            }
        }
        if let Err(e) = self.store().touch_device(id, now, version.as_deref()).await {
            tracing::warn!(device = %id, error = %e, "cannot note that the device was seen");
        }
    }

    /// Publishes the session's exam to the room's seats: a package signed by this
    /// hub for its centre, with the session's candidates, under the exam's open
    /// sitting (its start code and window) or a new one. The session's seats sit
    /// that package from their next heartbeat.
    pub async fn publish_to_room(&self, token: &str, r: SessionRef) -> AppResult<PublishedPackage> {
        let actor = self.actor(token).await?;
        actor.require(
            &[Role::Admin, Role::Invigilator],
            "publish exams to the room's seats",
        )?;
        let centre = self.room_hub("publish exams to seats").await?;
        let s = self
            .store()
            .room_session(r.session_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Room session {}", r.session_id)))?;
        if s.state == RoomState::Closed {
            return Err(AppError::Conflict(format!(
                "Room session {} is closed.",
                s.id
            )));
        }
        let candidates: Vec<String> = self
            .store()
            .room_candidates(s.id)
            .await?
            .into_iter()
            .map(|c| c.username)
            .collect();
        if candidates.is_empty() {
            return Err(AppError::invalid(
                "session_id",
                "the session expects no candidates: assign candidates to the exam in the \
                 builder, then create the room session",
            ));
        }
        let req = NewPackage {
            exam_id: s.exam_id,
            centre: centre.clone(),
            candidates,
        };
        let p = self.build_package(actor.user_id, &req, true).await?;
        let detail = format!(
            "exam published to the seats: package {}, {} candidates",
            p.package_id,
            req.candidates.len()
        );
        self.store()
            .set_room_session_package(
                s.id,
                &p.package_id,
                LogLine::of("published", None, &detail, Some(actor.user_id)),
                self.now(),
            )
            .await?;
        Ok(p)
    }

    /// The sheet of seat tokens to cut into strips, one per seat, as just issued.
    /// The tokens come from the caller that was shown them: they are stored only
    /// as hashes.
    pub async fn print_seat_tokens(
        &self,
        token: &str,
        issued: SeatTokens,
    ) -> AppResult<crate::reports::Report> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Admin, Role::Invigilator], "print seat tokens")?;
        if issued.tokens.is_empty() || issued.tokens.len() > MAX_SEAT_TOKENS as usize {
            return Err(AppError::invalid(
                "tokens",
                format!("between 1 and {MAX_SEAT_TOKENS} tokens on a sheet"),
            ));
        }
        let mut strips = Vec::with_capacity(issued.tokens.len());
        for (i, t) in issued.tokens.into_iter().enumerate() {
            let t = t.trim().to_owned();
            if t.is_empty() || t.len() > 512 || t.chars().any(char::is_whitespace) {
                return Err(AppError::invalid(
                    format!("tokens[{i}]"),
                    "not a seat token",
                ));
            }
            strips.push(examhall_reports::SeatTokenStrip { token: t });
        }
        let centre = self.served_centre().await?;
        let printed = crate::reports::local_time(self.now());
        let expires = crate::reports::local_time(Timestamp(issued.expires_at_ms));
        let bytes = examhall_reports::seat_token_sheet(&centre, &printed, &expires, &strips);
        tracing::info!(
            tokens = strips.len(),
            by = actor.user_id,
            "seat tokens printed"
        );
        Ok(crate::reports::Report {
            file_name: format!("seat-tokens-{}.pdf", self.now().0),
            bytes,
        })
    }
}
