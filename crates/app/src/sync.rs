//! Sync use cases, both ends.
//!
//! **HQ** (the server): enrolment tokens and device enrolment, publishing an exam
//! sitting as a package for a centre, serving packages to enrolled devices,
//! ingesting signed result batches (from the network or a USB file) with receipts,
//! and checking a room's manifest.
//!
//! **Desktop**: enrolling with HQ, receiving packages (pulled, or dropped into the
//! watched inbox), opening a package with its start code, pushing the outbox with
//! receipts, and exporting results and a manifest to a folder (a USB stick).

use crate::auth::random_hex;
use crate::transport::{self, EnrolmentTokenParts, Transport};
use crate::{App, AppError, AppResult};
use examhall_domain::events::{verify_chain, StoredEvent};
use examhall_domain::{AttemptEvent, EventHash, Role, StartCode, Timestamp};
use examhall_protocol::sync::*;
use examhall_protocol::SittingDto;
use examhall_store::{
    EnrolRefusal, EnrolmentRow, IngestAttempt, NewDevice, NewPackageRow, NewUserRow, ReceiptOutcome,
};
use examhall_sync::{envelope, package, HqClient, PublicKey, SigningKey, SyncError};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// File name endings on a USB stick.
pub const PACKAGE_EXT: &str = "exhpkg";
pub const RESULTS_EXT: &str = "exhres";
pub const MANIFEST_EXT: &str = "exhman";
/// A room's signed account of itself, for HQ's reconciliation.
pub const ROOM_REPORT_EXT: &str = "exhroom";
/// An exam built on the desktop, written before the results taken at it.
pub const CENTRE_EXAM_EXT: &str = "exhexam";
/// How HQ's device ids begin (`dev-` and 16 hex digits).
pub(crate) const DEVICE_ID_PREFIX: &str = "dev-";

/// Enrolment tokens are valid this long.
const ENROLMENT_TTL_MS: i64 = 7 * 24 * 3600 * 1000;
/// Attempts per uploaded batch.
const UPLOAD_BATCH: i64 = 50;
/// Attempts per batch HQ accepts.
const MAX_BATCH: usize = 500;

pub(crate) fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

fn enrol_refused(r: EnrolRefusal) -> AppError {
    let m = match r {
        EnrolRefusal::Unknown => "is not a token HQ issued",
        EnrolRefusal::Used => "has already enrolled a device; ask HQ for a new one",
        EnrolRefusal::Expired => "has expired; ask HQ for a new one",
    };
    AppError::invalid("token", format!("This enrolment token {m}."))
}

fn package_error(e: package::PackageError) -> AppError {
    match e {
        package::PackageError::WrongStartCode => AppError::WrongStartCode,
        other => AppError::invalid("package", other.to_string()),
    }
}

/// The centre's roster key this device received when it enrolled.
fn centre_key_of(enr: &EnrolmentRow) -> AppResult<[u8; 32]> {
    enr.centre_key
        .as_deref()
        .and_then(|k| hex::decode(k).ok())
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| {
            AppError::Conflict(
                "This machine enrolled before package rosters were sealed to the centre's \
                 devices: enrol it again to read new packages."
                    .into(),
            )
        })
}

pub(crate) fn unavailable(e: SyncError) -> AppError {
    match e {
        // Throttled upstream: passed on as such (a hub relaying an enrolment
        // answers its seat with the same wait), so the caller waits and retries.
        SyncError::Refused {
            status: 429,
            retry_after_secs,
            ..
        } => AppError::Throttled {
            retry_after_secs: retry_after_secs.unwrap_or(1).clamp(1, 3600) as i64,
        },
        SyncError::Refused {
            status: 400..=499,
            message,
            ..
        } => AppError::invalid("hq", message),
        other => AppError::Unavailable(other.to_string()),
    }
}

pub(crate) fn event_upload(e: &StoredEvent) -> EventUpload {
    EventUpload {
        seq: e.seq,
        at_ms: e.at.0,
        payload: e.payload.clone(),
        prev_hash: e.prev_hash.0.clone(),
        hash: e.hash.0.clone(),
    }
}

/// An attempt as it travels: its facts, these events, and its result if any.
pub(crate) fn attempt_upload(
    head: examhall_store::UploadHead,
    events: &[StoredEvent],
    result: Option<examhall_domain::SheetResult>,
) -> AttemptUpload {
    AttemptUpload {
        attempt_id: head.attempt_id,
        package_id: head
            .package_id
            .unwrap_or_else(|| examhall_protocol::sync::centre_exam_ref(head.exam_id)),
        username: head.username,
        started_at_ms: head.started_at,
        duration_secs: head.duration_secs as u32,
        time_multiplier: head.time_multiplier,
        events: events.iter().map(event_upload).collect(),
        result,
    }
}

/// A refusal of a seat's upload because the attempt's copy here belongs to
/// another seat (see `App::fence`).
pub(crate) fn fenced_receipt(attempt_id: &str, outcome: ReceiptStatus, why: &str) -> Receipt {
    Receipt {
        outcome,
        message: Some(why.to_owned()),
        ..rejected(attempt_id, String::new())
    }
}

pub(crate) fn stored_event(e: &EventUpload) -> StoredEvent {
    StoredEvent {
        seq: e.seq,
        at: Timestamp(e.at_ms),
        payload: e.payload.clone(),
        prev_hash: EventHash(e.prev_hash.clone()),
        hash: EventHash(e.hash.clone()),
    }
}

/// The desktop's signing key, as stored at enrolment.
pub(crate) fn device_key(enr: &EnrolmentRow) -> AppResult<SigningKey> {
    SigningKey::from_hex(&enr.device_key)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("stored device key: {e}")))
}

/// What is wrong with an uploaded attempt's shape, before anything is looked up
/// (HQ and a relaying hub both refuse these).
/// An attempt id as Examhall writes them: 1 to 64 letters, digits or dashes.
pub(crate) fn attempt_id_ok(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

pub(crate) fn upload_shape_error(up: &AttemptUpload) -> Option<String> {
    let id = &up.attempt_id;
    if !attempt_id_ok(id) {
        return Some("attempt_id: 1 to 64 letters, digits or dashes".into());
    }
    if up.events.is_empty() {
        return Some(format!("attempt {id}: no events"));
    }
    if up.duration_secs == 0 || !(1.0..=4.0).contains(&up.time_multiplier) {
        return Some(format!(
            "attempt {id}: duration_secs must be positive and time_multiplier within 1–4"
        ));
    }
    None
}

pub(crate) fn rejected(attempt_id: &str, why: String) -> Receipt {
    Receipt {
        attempt_id: attempt_id.to_owned(),
        head_seq: 0,
        head_hash: String::new(),
        outcome: ReceiptStatus::Rejected,
        message: Some(why),
    }
}

impl App {
    // ======================================================================
    // HQ
    // ======================================================================

    /// Gives the server its package-signing key.
    pub fn enable_hq_signing(&self, key: SigningKey) {
        let _ = self.inner.hq_key.set(key);
    }

    /// The machine's configuration names its centre: an enrolment for another
    /// centre (a disk image copied from another lab) stops the start. Otherwise
    /// it is the centre this machine serves its seats for.
    pub async fn check_centre(&self, centre: &str) -> AppResult<()> {
        match self.store().enrolment().await? {
            Some(e) if e.centre != centre => Err(AppError::Conflict(format!(
                "This machine is enrolled for centre \"{}\", but its configuration says \"{centre}\". \
                 Fix the configuration, or give this machine a fresh data directory and enrol it again.",
                e.centre
            ))),
            _ => {
                self.set_centre(centre.to_owned());
                Ok(())
            }
        }
    }

    /// The folder the machine's configuration names for results on a USB stick;
    /// the sync page offers it as the export folder.
    pub fn set_outbox(&self, folder: std::path::PathBuf) {
        let _ = self.inner.outbox.set(folder);
    }

    pub(crate) fn hq_key(&self) -> AppResult<&SigningKey> {
        self.inner.hq_key.get().ok_or_else(|| {
            AppError::Conflict(
                "This server has no package-signing key (run it with `examhall serve`).".into(),
            )
        })
    }

    /// An administrator creates a one-time enrolment token for a centre.
    pub async fn create_enrolment(
        &self,
        token: &str,
        req: NewEnrolment,
    ) -> AppResult<EnrolmentToken> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Admin], "enrol desktops")?;
        let centre = req.centre.trim();
        if centre.is_empty() || centre.len() > 100 {
            return Err(AppError::invalid("centre", "1 to 100 characters"));
        }
        // The token carries the fingerprint of the server the device will talk
        // to: this one, or the centre's hub it enrols through.
        let fingerprint = match req.via_hub.as_deref().map(str::trim) {
            None | Some("") => self.link().serving_fingerprint,
            Some(hub) => match self.store().device_tls_fingerprint(hub).await? {
                Some((c, Some(fp))) if c == centre => Some(fp),
                Some((c, Some(_))) => {
                    return Err(AppError::invalid(
                        "via_hub",
                        format!("hub `{hub}` serves centre `{c}`, not `{centre}`"),
                    ))
                }
                Some((_, None)) => {
                    return Err(AppError::invalid(
                        "via_hub",
                        format!("`{hub}` did not enrol as a hub serving HTTPS"),
                    ))
                }
                None => {
                    return Err(AppError::invalid(
                        "via_hub",
                        format!("`{hub}` is not an enrolled device"),
                    ))
                }
            },
        };
        let secret = random_hex(16);
        let now = self.now();
        let expires = Timestamp(now.0 + ENROLMENT_TTL_MS);
        self.store()
            .insert_enrolment_token(&sha256_hex(&secret), centre, actor.user_id, now, expires)
            .await?;
        Ok(EnrolmentToken {
            token: EnrolmentTokenParts {
                secret,
                fingerprint,
            }
            .to_string(),
            centre: centre.to_owned(),
            expires_at_ms: expires.0,
        })
    }

    /// A desktop enrols with a token and its public key; it gets its id, HQ's
    /// public key and a secret for pulling packages.
    pub async fn enrol_device(&self, req: EnrolRequest) -> AppResult<Enrolled> {
        if self.relaying().await? {
            return self.relay_enrol(req).await;
        }
        let hq = self.hq_key()?;
        PublicKey::from_hex(&req.device_public_key, "device_public_key")
            .map_err(|e| AppError::invalid("device_public_key", e.to_string()))?;
        let name = req.device_name.trim();
        if name.is_empty() || name.len() > 100 {
            return Err(AppError::invalid("device_name", "1 to 100 characters"));
        }
        let parts =
            EnrolmentTokenParts::parse(&req.token).map_err(|m| AppError::invalid("token", m))?;
        let tls_fingerprint = match req.tls_fingerprint.as_deref() {
            None => None,
            Some(f) => Some(hex::encode(
                transport::parse_fingerprint(f)
                    .map_err(|m| AppError::invalid("tls_fingerprint", m))?,
            )),
        };
        let new_id = format!("{DEVICE_ID_PREFIX}{}", random_hex(8));
        let secret = random_hex(32);
        let (centre, device_id) = self
            .store()
            .enrol_device(
                &sha256_hex(&parts.secret),
                NewDevice {
                    id: &new_id,
                    name,
                    public_key: &req.device_public_key.trim().to_lowercase(),
                    secret_hash: &sha256_hex(&secret),
                    tls_fingerprint: tls_fingerprint.as_deref(),
                },
                self.now(),
            )
            .await?
            .map_err(enrol_refused)?;
        tracing::info!(device = %device_id, %centre, "device enrolled");
        let centre_key = self.centre_roster_key(&centre).await?;
        Ok(Enrolled {
            device_token: format!("{device_id}.{secret}"),
            device_id,
            centre,
            hq_public_key: hq.public().to_hex(),
            centre_key: hex::encode(centre_key),
        })
    }

    /// The key `centre`'s package rosters are sealed under (made on first use).
    pub(crate) async fn centre_roster_key(&self, centre: &str) -> AppResult<[u8; 32]> {
        let fresh = random_hex(32);
        let k = self.store().centre_key(centre, &fresh, self.now()).await?;
        hex::decode(&k)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("stored roster key of {centre}")))
    }

    /// An administrator publishes an exam as a package for a centre: a sitting is
    /// opened at HQ with a fresh start code, and the package carries the roster.
    pub async fn publish_package(
        &self,
        token: &str,
        req: NewPackage,
    ) -> AppResult<PublishedPackage> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Admin], "publish exam packages")?;
        let centre = req.centre.trim();
        if centre.is_empty() || centre.len() > 100 {
            return Err(AppError::invalid("centre", "1 to 100 characters"));
        }
        self.build_package(actor.user_id, &req, false).await
    }

    /// Builds, signs and stores a package of `req.exam_id` for `req.centre`
    /// with its roster, and assigns the roster here. With `keep_sitting`, the
    /// exam's open sitting (its start code and window) is the package's, if
    /// it has one; otherwise a new sitting opens with a fresh code.
    pub(crate) async fn build_package(
        &self,
        publisher: i64,
        req: &NewPackage,
        keep_sitting: bool,
    ) -> AppResult<PublishedPackage> {
        let hq = self.hq_key()?;
        let centre = req.centre.trim();
        let spec = self.exam(req.exam_id).await.map_err(|e| match e {
            AppError::NotFound(_) => {
                AppError::invalid("exam_id", format!("no exam {}", req.exam_id))
            }
            other => other,
        })?;
        if req.candidates.is_empty() {
            return Err(AppError::invalid(
                "candidates",
                "name at least one candidate",
            ));
        }
        let mut roster = Vec::with_capacity(req.candidates.len());
        let mut assigned = Vec::with_capacity(req.candidates.len());
        for (i, name) in req.candidates.iter().enumerate() {
            let field = format!("candidates[{i}]");
            let u = self
                .store()
                .user_by_username(&name.trim().to_lowercase())
                .await?
                .filter(|u| u.role == Role::Candidate)
                .ok_or_else(|| {
                    AppError::invalid(&field, format!("`{name}` is not a student here"))
                })?;
            let mult = self
                .store()
                .assignment(req.exam_id, u.id)
                .await?
                .unwrap_or(1.0);
            assigned.push((u.id, mult));
            let display_preset = self
                .store()
                .display_preset(req.exam_id, u.id)
                .await?
                .and_then(|j| serde_json::from_str(&j).ok());
            roster.push(RosterEntry {
                username: u.username,
                display_name: u.display_name,
                password_hash: u.password_hash,
                time_multiplier: mult,
                display_preset,
            });
        }
        let kept = if keep_sitting {
            self.store().open_sitting_for(req.exam_id).await?
        } else {
            None
        };
        let code = match &kept {
            Some(s) => StartCode::parse(&s.start_code).map_err(|m| {
                AppError::Internal(anyhow::anyhow!(
                    "stored start code of sitting {}: {m}",
                    s.id
                ))
            })?,
            None => StartCode::from_random(crate::auth::random_bytes()),
        };
        let package_id = format!("pkg-{}", random_hex(12));
        let now = self.now();
        let content = PackageContent {
            spec: (*spec).clone(),
        };
        let roster_size = roster.len() as i64;
        let centre_key = self.centre_roster_key(centre).await?;
        let bytes = package::build(
            &package::PackageInput {
                package_id: &package_id,
                centre,
                created_at_ms: now.0,
                roster,
                centre_key: &centre_key,
                content: &content,
                start_code: &code,
            },
            hq,
        );
        let sitting_id = match kept {
            Some(s) => s.id,
            None => {
                self.store()
                    .open_sitting(req.exam_id, code.as_str(), publisher, now)
                    .await?
            }
        };
        self.store()
            .insert_published_package(
                NewPackageRow {
                    id: &package_id,
                    centre,
                    title: &spec.title,
                    roster_size,
                    bytes: &bytes,
                },
                req.exam_id,
                sitting_id,
                now,
            )
            .await?;
        // The roster is assigned here too, so HQ (or a room run from HQ) expects them.
        for (user_id, mult) in assigned {
            self.store().assign(req.exam_id, user_id, mult).await?;
        }
        tracing::info!(package = %package_id, exam = req.exam_id, %centre, "package published");
        Ok(PublishedPackage {
            package_id,
            exam_id: req.exam_id,
            sitting_id,
            centre: centre.to_owned(),
            start_code: code.as_str().to_owned(),
            size_bytes: bytes.len() as u64,
        })
    }

    /// The device holding `device_token` (`<device id>.<secret>`).
    pub(crate) async fn device_by_token(
        &self,
        device_token: &str,
    ) -> AppResult<examhall_store::DeviceRow> {
        let (id, secret) = device_token
            .split_once('.')
            .ok_or(AppError::Unauthenticated)?;
        let d = self
            .store()
            .device(id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let given = sha256_hex(secret);
        // Both are SHA-256 hex digests: comparing them leaks nothing about the secret.
        if given != d.secret_hash {
            return Err(AppError::Unauthenticated);
        }
        // Revoked: no more packages, heartbeats or answer checks. Results it
        // already signed are still taken (they carry candidates' work).
        if d.revoked_at.is_some() {
            return Err(AppError::DeviceRevoked);
        }
        self.seen_device(&d.id, None).await;
        Ok(d)
    }

    /// Packages published for the device's centre.
    pub async fn device_packages(&self, device_token: &str) -> AppResult<Vec<PackageListing>> {
        let d = self.device_by_token(device_token).await?;
        let origin = self.served_origin().await?;
        Ok(self
            .store()
            .packages(origin, Some(&d.centre))
            .await?
            .into_iter()
            .map(|p| PackageListing {
                package_id: p.id,
                exam_title: p.title,
                size_bytes: p.size_bytes as u64,
                created_at_ms: p.created_at,
            })
            .collect())
    }

    /// The packages this server serves to devices: those it published (HQ), or
    /// those it received from upstream (a hub).
    async fn served_origin(&self) -> AppResult<&'static str> {
        Ok(if self.relaying().await? {
            "received"
        } else {
            "published"
        })
    }

    /// One package's bytes, if it was published for the device's centre.
    pub async fn device_package(&self, device_token: &str, id: &str) -> AppResult<Vec<u8>> {
        let d = self.device_by_token(device_token).await?;
        let origin = self.served_origin().await?;
        let p = self
            .store()
            .package(id)
            .await?
            .filter(|p| p.origin == origin && p.centre == d.centre)
            .ok_or_else(|| AppError::NotFound(format!("Package {id}")))?;
        self.store()
            .package_bytes(&p.id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Package {id}")))
    }

    pub(crate) async fn device_key_of(
        &self,
        device_id: &str,
    ) -> AppResult<(examhall_store::DeviceRow, PublicKey)> {
        let d = self.store().device(device_id).await?.ok_or_else(|| {
            AppError::invalid(
                "device_id",
                format!("`{device_id}` is not an enrolled device"),
            )
        })?;
        let key = PublicKey::from_hex(&d.public_key, "device key")
            .map_err(|e| AppError::Internal(anyhow::anyhow!("stored device key: {e}")))?;
        // A device's id, centre and key never change: remember them.
        self.inner
            .sync_cache
            .lock()
            .expect("sync cache")
            .devices
            .insert(device_id.to_owned(), (d.clone(), key));
        Ok((d, key))
    }

    /// Ingests a device's signed result batch: checks the signature, then each
    /// attempt's package, candidate, chain and result, and stores what is new in
    /// one transaction. Idempotent: sending the same batch again changes nothing.
    pub async fn ingest_results(&self, env: SignedEnvelope) -> AppResult<Receipts> {
        if self.relaying().await? {
            return self.relay_results(env).await;
        }
        let (device, key) = self.device_key_of(&env.device_id).await?;
        let batch: ResultBatch = envelope::open(&env, envelope::ENVELOPE_RESULTS, &key)
            .map_err(|e| AppError::invalid("envelope", e.to_string()))?;
        if batch.attempts.len() > MAX_BATCH {
            return Err(AppError::invalid(
                "attempts",
                format!("at most {MAX_BATCH} attempts per batch"),
            ));
        }
        let mut slots: Vec<Option<Receipt>> = Vec::with_capacity(batch.attempts.len());
        let mut todo = Vec::new();
        let ids: Vec<String> = batch
            .attempts
            .iter()
            .map(|a| a.attempt_id.clone())
            .collect();
        let fenced = self.fenced_uploads(&device.id, &ids).await?;
        for up in &batch.attempts {
            if let Some((outcome, why)) = fenced.get(&up.attempt_id) {
                slots.push(Some(fenced_receipt(&up.attempt_id, *outcome, why)));
                continue;
            }
            if self.awaits_its_exam(&device, up).await? {
                slots.push(Some(Receipt {
                    attempt_id: up.attempt_id.clone(),
                    head_seq: 0,
                    head_hash: String::new(),
                    outcome: ReceiptStatus::Later,
                    message: Some(format!(
                        "attempt {}: the exam it was taken at (built at the centre) has not reached HQ yet; send the exam first",
                        up.attempt_id
                    )),
                }));
                continue;
            }
            match self.check_upload(&device, up).await? {
                Ok(a) => {
                    slots.push(None);
                    todo.push(a);
                }
                Err(why) => slots.push(Some(rejected(&up.attempt_id, why))),
            }
        }
        let mut stored = self.ingest(todo).await?.into_iter();
        let receipts = slots
            .into_iter()
            .map(|slot| {
                slot.unwrap_or_else(|| {
                    let r = stored.next().expect("one receipt per ingested attempt");
                    let (outcome, message) = match r.outcome {
                        ReceiptOutcome::Stored => (ReceiptStatus::Stored, None),
                        ReceiptOutcome::AlreadyHeld => (ReceiptStatus::AlreadyHeld, None),
                        ReceiptOutcome::Conflict { message, .. } => {
                            (ReceiptStatus::Conflict, Some(message))
                        }
                    };
                    Receipt {
                        attempt_id: r.attempt_id,
                        head_seq: r.head_seq,
                        head_hash: r.head_hash,
                        outcome,
                        message,
                    }
                })
            })
            .collect();
        Ok(Receipts { receipts })
    }

    /// Stores validated attempts through the group committer: uploads arriving
    /// together share one transaction (one fsync), each attempt in its own
    /// savepoint. Returns once the commit holding them has reached the disk.
    async fn ingest(
        &self,
        todo: Vec<IngestAttempt>,
    ) -> AppResult<Vec<examhall_store::IngestReceipt>> {
        if todo.is_empty() {
            return Ok(Vec::new());
        }
        let tx = self.inner.ingestor.get_or_init(|| {
            let (tx, rx) = tokio::sync::mpsc::channel(4096);
            tokio::spawn(group_commit(
                self.store().clone(),
                self.inner.clock.clone(),
                rx,
            ));
            tx
        });
        let (reply, answer) = tokio::sync::oneshot::channel();
        tx.send(IngestJob { items: todo, reply })
            .await
            .map_err(|_| AppError::Unavailable("the ingest queue has stopped".into()))?;
        answer
            .await
            .map_err(|_| AppError::Unavailable("the ingest queue has stopped".into()))?
            .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
    }

    /// A package HQ published (cached: published packages never change).
    async fn published_package(&self, id: &str) -> AppResult<Option<examhall_store::PackageRow>> {
        if let Some(p) = self
            .inner
            .sync_cache
            .lock()
            .expect("sync cache")
            .packages
            .get(id)
        {
            return Ok(Some(p.clone()));
        }
        let p = self
            .store()
            .package(id)
            .await?
            .filter(|p| p.origin == "published");
        if let Some(p) = &p {
            self.inner
                .sync_cache
                .lock()
                .expect("sync cache")
                .packages
                .insert(id.to_owned(), p.clone());
        }
        Ok(p)
    }

    /// A student's id by username (cached: usernames and roles do not change).
    async fn candidate_id(&self, username: &str) -> AppResult<Option<i64>> {
        if let Some(id) = self
            .inner
            .sync_cache
            .lock()
            .expect("sync cache")
            .candidates
            .get(username)
        {
            return Ok(Some(*id));
        }
        let id = self
            .store()
            .user_by_username(username)
            .await?
            .filter(|u| u.role == Role::Candidate)
            .map(|u| u.id);
        if let Some(id) = id {
            self.inner
                .sync_cache
                .lock()
                .expect("sync cache")
                .candidates
                .insert(username.to_owned(), id);
        }
        Ok(id)
    }

    /// The upload names an exam its device's centre built itself, which HQ
    /// does not hold yet.
    async fn awaits_its_exam(
        &self,
        device: &examhall_store::DeviceRow,
        up: &AttemptUpload,
    ) -> AppResult<bool> {
        Ok(
            match examhall_protocol::sync::parse_centre_exam_ref(&up.package_id) {
                Some(local) => self.store().centre_exam(&device.id, local).await?.is_none(),
                None => false,
            },
        )
    }

    /// The exam and sitting an upload is taken at: its package's, or for an
    /// exam the device's centre built itself, the one HQ holds for it.
    async fn upload_exam(
        &self,
        device: &examhall_store::DeviceRow,
        up: &AttemptUpload,
    ) -> AppResult<Result<Option<(i64, i64)>, String>> {
        if let Some(local) = examhall_protocol::sync::parse_centre_exam_ref(&up.package_id) {
            return Ok(Ok(self.store().centre_exam(&device.id, local).await?));
        }
        let Some(pkg) = self.published_package(&up.package_id).await? else {
            return Ok(Err(format!(
                "package {} was not published here",
                up.package_id
            )));
        };
        if pkg.centre != device.centre {
            return Ok(Err(format!(
                "package {} is for centre {}, the device is in {}",
                up.package_id, pkg.centre, device.centre
            )));
        }
        match (pkg.exam_id, pkg.sitting_id) {
            (Some(exam_id), Some(sitting_id)) => Ok(Ok(Some((exam_id, sitting_id)))),
            _ => Ok(Err(format!("package {} has no sitting", up.package_id))),
        }
    }

    /// Validates one uploaded attempt. `Ok(Err(why))` rejects just this attempt.
    async fn check_upload(
        &self,
        device: &examhall_store::DeviceRow,
        up: &AttemptUpload,
    ) -> AppResult<Result<IngestAttempt, String>> {
        let id = &up.attempt_id;
        if let Some(why) = upload_shape_error(up) {
            return Ok(Err(why));
        }
        let (exam_id, sitting_id) = match self.upload_exam(device, up).await? {
            Ok(Some(ids)) => ids,
            // The caller answers `later` before asking (see `awaits_its_exam`).
            Ok(None) => return Ok(Err(format!("attempt {id}: its exam is not held here"))),
            Err(why) => return Ok(Err(format!("attempt {id}: {why}"))),
        };
        let Some(user_id) = self.candidate_id(&up.username).await? else {
            return Ok(Err(format!(
                "attempt {id}: `{}` is not a student here",
                up.username
            )));
        };
        // Only a candidate on the package's roster (assigned here when it was
        // published) may have an attempt at it.
        let Some(multiplier) = self.store().assignment(exam_id, user_id).await? else {
            return Ok(Err(format!(
                "attempt {id}: `{}` is not on the roster of package {}",
                up.username, up.package_id
            )));
        };
        let stored: Vec<StoredEvent> = up.events.iter().map(stored_event).collect();
        let events = match verify_chain(id, &stored) {
            Ok(e) => e,
            Err(e) => return Ok(Err(format!("attempt {id}: {e}"))),
        };
        if let Some(r) = &up.result {
            let last_total = events.iter().rev().find_map(|e| match e {
                AttemptEvent::Graded { total, .. }
                | AttemptEvent::EssayMarked { total, .. }
                | AttemptEvent::Regraded { total, .. } => Some(*total),
                _ => None,
            });
            if last_total.is_none_or(|t| (t - r.total).abs() > 1e-6) {
                return Ok(Err(format!(
                    "attempt {id}: the result does not match the last grading event in its log"
                )));
            }
        }
        // HQ believes the device's events, never its arithmetic: a graded
        // attempt is graded again here, with HQ's own keys (and corrections).
        let exam = self.exam(exam_id).await?;
        let (result, notice) = match &up.result {
            None => (None, None),
            Some(claimed) => match examhall_domain::grade_log(&exam, id, &events) {
                Err(e) => return Ok(Err(format!("attempt {id}: {e}"))),
                Ok(ours) => {
                    let notice = ((ours.total - claimed.total).abs() > 1e-6).then(|| {
                        format!(
                            "the device reported {} of {}; HQ's grading of the same answers gives {}",
                            claimed.total, claimed.max, ours.total
                        )
                    });
                    (Some(ours), notice)
                }
            },
        };
        Ok(Ok(IngestAttempt {
            attempt_id: id.clone(),
            device_id: device.id.clone(),
            exam_id,
            sitting_id,
            user_id,
            started_at: Timestamp(up.started_at_ms),
            duration_secs: exam.duration_secs,
            time_multiplier: multiplier,
            events: stored.into_iter().zip(events).collect(),
            result,
            notice,
        }))
    }

    /// Checks a device's manifest against what HQ holds.
    pub async fn check_manifest(&self, env: SignedEnvelope) -> AppResult<ManifestCheck> {
        let (device, key) = self.device_key_of(&env.device_id).await?;
        let m: Manifest = envelope::open(&env, envelope::ENVELOPE_MANIFEST, &key)
            .map_err(|e| AppError::invalid("envelope", e.to_string()))?;
        let wanted: Vec<(String, i64)> = m
            .entries
            .iter()
            .map(|e| (e.attempt_id.clone(), e.head_seq))
            .collect();
        let held = self.store().held_hashes(&wanted).await?;
        let mut check = ManifestCheck {
            device_id: device.id.clone(),
            listed: m.entries.len() as u64,
            complete: 0,
            missing: vec![],
            behind: vec![],
        };
        for (entry, held) in m.entries.into_iter().zip(held) {
            match held.filter(|h| h.device_id.as_deref() == Some(device.id.as_str())) {
                // Held from this device: complete if HQ has the same event at that seq.
                Some(h) if h.hash.as_deref() == Some(entry.head_hash.as_str()) => {
                    check.complete += 1
                }
                Some(_) => check.behind.push(entry),
                // Not held at all, or held from another device: this device's copy is missing.
                None => check.missing.push(entry.attempt_id),
            }
        }
        Ok(check)
    }

    /// Reads a results or manifest file from a USB stick (or anywhere) and ingests
    /// or checks it, exactly as if it had arrived over the network.
    pub async fn ingest_file(&self, path: &Path) -> AppResult<IngestedFile> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            AppError::invalid(path.display().to_string(), format!("cannot read: {e}"))
        })?;
        let env: SignedEnvelope = serde_json::from_str(&text).map_err(|e| {
            AppError::invalid(
                path.display().to_string(),
                format!(
                    "line {}, column {}: not a signed Examhall file: {e}",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        match env.kind.as_str() {
            envelope::ENVELOPE_RESULTS => {
                let device = env.device_id.clone();
                let receipts = self.ingest_results(env).await?;
                // At HQ, the answer goes back on the stick for the desktop.
                if let Some(dir) = path.parent() {
                    self.write_receipt_file(dir, &device, &receipts)?;
                }
                Ok(IngestedFile::Results(receipts))
            }
            envelope::ENVELOPE_MANIFEST => {
                Ok(IngestedFile::Manifest(self.check_manifest(env).await?))
            }
            envelope::ENVELOPE_ROOM_REPORT => Ok(IngestedFile::RoomReport(
                self.ingest_room_report(env).await?,
            )),
            envelope::ENVELOPE_CENTRE_EXAM => Ok(IngestedFile::CentreExam(
                self.ingest_centre_exam(env).await?,
            )),
            other => Err(AppError::invalid(
                format!("{}: kind", path.display()),
                format!("`{other}` is not `results`, `manifest`, `room_report` or `centre_exam`"),
            )),
        }
    }

    /// What HQ refused to merge.
    pub async fn sync_incidents(&self, token: &str) -> AppResult<Vec<SyncIncident>> {
        self.actor(token)
            .await?
            .require(&[Role::Admin], "see sync incidents")?;
        Ok(self
            .store()
            .sync_incidents()
            .await?
            .into_iter()
            .map(|i| SyncIncident {
                id: i.id,
                attempt_id: i.attempt_id,
                device_id: i.device_id,
                kind: i.kind,
                detail: i.detail,
                at_ms: i.at,
            })
            .collect())
    }

    // ======================================================================
    // Desktop
    // ======================================================================

    /// A client to `url`, pinned to `pin` when it is HTTPS; plain HTTP only when
    /// this machine allows it (and then logged).
    pub(crate) fn client(&self, url: &str, pin: Option<&str>) -> AppResult<HqClient> {
        let link = self.link();
        let transport = Transport::for_address(url.trim(), pin, link.allow_plain_http);
        if transport == Transport::PlainAllowed {
            tracing::warn!(%url, "plain HTTP link (allowed by configuration)");
        }
        HqClient::new(
            url,
            Duration::from_millis(self.settings().sync_timeout_ms as u64),
            &transport,
        )
        .map_err(|e| AppError::invalid("server_url", e.to_string()))
    }

    /// The client to the server this machine enrolled with, pinned as enrolled.
    pub(crate) fn upstream(&self, enr: &EnrolmentRow) -> AppResult<HqClient> {
        self.client(&enr.server_url, enr.server_fingerprint.as_deref())
    }

    /// The key under which the server's answers to this machine are authenticated.
    pub(crate) fn own_answer_key(enr: &EnrolmentRow) -> [u8; 32] {
        transport::answer_key_from_device_token(&enr.device_secret)
    }

    /// The MAC for an answer to a device (see [`transport::answer_mac`]): the
    /// device is named by its token (room heartbeats) or by the id in its signed
    /// envelope (results, manifests).
    pub async fn device_answer_mac(
        &self,
        device: DeviceRef<'_>,
        path: &str,
        nonce: &str,
        body: &[u8],
    ) -> AppResult<String> {
        if nonce.is_empty()
            || nonce.len() > 128
            || !nonce.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(AppError::invalid(
                transport::NONCE_HEADER,
                "1 to 128 letters and digits",
            ));
        }
        let hash = match device {
            DeviceRef::Token(t) => self.device_by_token(t).await?.secret_hash,
            DeviceRef::Id(id) => self.device_key_of(id).await?.0.secret_hash,
        };
        Ok(transport::answer_mac(
            &transport::answer_key_from_hash(&hash),
            path,
            nonce,
            body,
        ))
    }

    pub(crate) async fn enrolled(&self) -> AppResult<EnrolmentRow> {
        self.store().enrolment().await?.ok_or_else(|| {
            AppError::Conflict("This desktop is not enrolled with HQ yet (Sync → Enrol).".into())
        })
    }

    /// An administrator enrols this desktop with HQ using a one-time token.
    pub async fn enrol_with_hq(&self, token: &str, req: EnrolDesktop) -> AppResult<SyncStatusDto> {
        self.actor(token)
            .await?
            .require(&[Role::Admin], "enrol this desktop")?;
        if self.store().enrolment().await?.is_some() {
            return Err(AppError::Conflict(
                "This desktop is already enrolled.".into(),
            ));
        }
        self.enrol_upstream(&req.server_url, &req.token, req.device_name)
            .await?;
        self.sync_status(token).await
    }

    /// Enrols this machine (a desktop, or a hub) with the server at `server_url`
    /// and stores the enrolment: a fresh device key, HQ's public key, the pull secret.
    pub(crate) async fn enrol_upstream(
        &self,
        server_url: &str,
        token: &str,
        device_name: String,
    ) -> AppResult<()> {
        // The pin comes with the token, never from whoever answers first.
        let parts = EnrolmentTokenParts::parse(token).map_err(|m| AppError::invalid("token", m))?;
        let client = self.client(server_url, parts.fingerprint.as_deref())?;
        let key = SigningKey::generate();
        let req = EnrolRequest {
            token: token.trim().to_owned(),
            device_public_key: key.public().to_hex(),
            device_name,
            tls_fingerprint: self.link().serving_fingerprint,
        };
        // A lost answer is retried with the same key, which HQ recognises.
        let mut delays = examhall_sync::client::backoff(Duration::from_secs(2)).take(3);
        let e = loop {
            match client.enrol(&req).await {
                Ok(e) => break e,
                Err(err) if err.is_retryable() => match delays.next() {
                    Some(d) => tokio::time::sleep(d).await,
                    None => return Err(unavailable(err)),
                },
                Err(err) => return Err(unavailable(err)),
            }
        };
        PublicKey::from_hex(&e.hq_public_key, "hq_public_key")
            .map_err(|err| AppError::Unavailable(format!("HQ's answer: {err}")))?;
        if hex::decode(&e.centre_key).map_or(true, |k| k.len() != 32) {
            return Err(AppError::Unavailable(
                "HQ's answer: centre_key is not 64 hex digits".into(),
            ));
        }
        self.store()
            .save_enrolment(&EnrolmentRow {
                server_url: client.base().to_owned(),
                device_id: e.device_id,
                centre: e.centre,
                hq_public_key: e.hq_public_key,
                device_key: key.to_hex(),
                device_secret: e.device_token,
                enrolled_at: self.now().0,
                server_fingerprint: parts.fingerprint.clone(),
                centre_key: Some(e.centre_key),
            })
            .await?;
        self.inner.sync_cache.lock().expect("sync cache").relaying = None;
        Ok(())
    }

    /// Verifies a package against HQ's key and stores it with its roster. Nothing
    /// is stored if the signature does not verify. Receiving it twice is harmless.
    pub async fn receive_package(&self, bytes: &[u8]) -> AppResult<LocalPackageDto> {
        let enr = self.enrolled().await?;
        let hq = PublicKey::from_hex(&enr.hq_public_key, "hq key")
            .map_err(|e| AppError::Internal(anyhow::anyhow!("stored HQ key: {e}")))?;
        let v = package::verify(bytes, &hq).map_err(package_error)?;
        let h = &v.header;
        if h.centre != enr.centre {
            return Err(AppError::invalid(
                "package",
                format!(
                    "this package is for centre `{}`; this desktop is in `{}`",
                    h.centre, enr.centre
                ),
            ));
        }
        let entries = v.roster(&centre_key_of(&enr)?).map_err(package_error)?;
        let roster: Vec<NewUserRow<'_>> = entries
            .iter()
            .map(|r| NewUserRow {
                username: &r.username,
                display_name: &r.display_name,
                role: Role::Candidate,
                password_hash: &r.password_hash,
            })
            .collect();
        let now = self.now();
        let new = self
            .store()
            .receive_package(
                NewPackageRow {
                    id: &h.package_id,
                    centre: &h.centre,
                    title: &h.exam_title,
                    roster_size: entries.len() as i64,
                    bytes,
                },
                &roster,
                now,
            )
            .await?;
        if new {
            tracing::info!(package = %h.package_id, title = %h.exam_title, "package received");
        }
        let row = self
            .store()
            .package(&h.package_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Package {}", h.package_id)))?;
        Ok(local_package(&row))
    }

    /// A package file from the inbox (USB stick).
    pub async fn receive_package_file(&self, path: &Path) -> AppResult<LocalPackageDto> {
        let meta = std::fs::metadata(path)
            .map_err(|e| AppError::invalid(path.display().to_string(), e.to_string()))?;
        if meta.len() > package::MAX_PACKAGE_BYTES as u64 {
            return Err(AppError::invalid(
                path.display().to_string(),
                "larger than 64 MiB: not an exam package",
            ));
        }
        let bytes = std::fs::read(path)
            .map_err(|e| AppError::invalid(path.display().to_string(), e.to_string()))?;
        self.receive_package(&bytes).await.map_err(|e| match e {
            AppError::Invalid { message, .. } => {
                AppError::invalid(path.display().to_string(), message)
            }
            other => other,
        })
    }

    /// The invigilator (or an administrator) enters the start code HQ gave them:
    /// the package opens, its exam and candidates are set up, and a sitting opens
    /// under that same code. A wrong code changes nothing.
    pub async fn open_package(&self, token: &str, req: OpenPackage) -> AppResult<SittingDto> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Invigilator, Role::Admin], "open exam packages")?;
        self.open_package_as(&req.package_id, &req.start_code, actor.user_id)
            .await
    }

    /// A seat opens its package with the start code its hub sent when the
    /// invigilator opened the room session. Returns the exam's id.
    pub(crate) async fn open_package_for_room(
        &self,
        package_id: &str,
        start_code: &str,
    ) -> AppResult<i64> {
        // The sitting records who opened it; on a seat that is the machine's
        // first staff account, or else its first account.
        let by = self
            .store()
            .first_user_for_sitting()
            .await?
            .ok_or_else(|| AppError::Conflict("this seat has no accounts yet".into()))?;
        Ok(self
            .open_package_as(package_id, start_code, by)
            .await?
            .exam_id)
    }

    async fn open_package_as(
        &self,
        package_id: &str,
        start_code: &str,
        opened_by: i64,
    ) -> AppResult<SittingDto> {
        let code = StartCode::parse(start_code).map_err(|_| AppError::WrongStartCode)?;
        let enr = self.enrolled().await?;
        let hq = PublicKey::from_hex(&enr.hq_public_key, "hq key")
            .map_err(|e| AppError::Internal(anyhow::anyhow!("stored HQ key: {e}")))?;
        let bytes = self
            .store()
            .package_bytes(package_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Package {package_id}")))?;
        // Checked again: the file at rest may have been changed since it arrived.
        let v = package::verify(&bytes, &hq).map_err(package_error)?;
        let entries = v.roster(&centre_key_of(&enr)?).map_err(package_error)?;
        let opened = tokio::task::spawn_blocking(move || v.open(&code).map(|o| (o, code)))
            .await
            .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?
            .map_err(package_error)?;
        let (o, code) = opened;
        o.content
            .spec
            .validate()
            .map_err(|e| AppError::invalid("package", e.to_string()))?;
        let roster: Vec<(&str, f64, Option<String>)> = entries
            .iter()
            .map(|r| {
                let display = r
                    .display_preset
                    .filter(|p| p.validate().is_ok())
                    .and_then(|p| serde_json::to_string(&p).ok());
                (
                    r.username.as_str(),
                    r.time_multiplier.clamp(1.0, 4.0),
                    display,
                )
            })
            .collect();
        let now = self.now();
        let (exam_id, sitting_id) = self
            .store()
            .open_received_package(
                package_id,
                &o.content.spec,
                &roster,
                code.as_str(),
                opened_by,
                now,
            )
            .await?;
        tracing::info!(package = %package_id, exam_id, sitting_id, "package opened");
        Ok(SittingDto {
            sitting_id,
            exam_id,
            exam_title: o.content.spec.title.clone(),
            start_code: code.as_str().to_owned(),
            opened_at_ms: now.0,
            opens_at_ms: None,
            closes_at_ms: None,
            late_start_minutes: None,
        })
    }

    /// One upload of the outbox's oldest pending attempts.
    /// The next batch of pending attempts, sealed. Exams built on this machine
    /// go up first; attempts at one HQ has not acknowledged wait.
    async fn upload_batch(
        &self,
        client: &HqClient,
        enr: &EnrolmentRow,
        problems: &mut Vec<String>,
    ) -> AppResult<Option<(Vec<String>, SignedEnvelope)>> {
        let rows = self.store().pending_outbox(UPLOAD_BATCH).await?;
        let mut ids: Vec<String> = rows.iter().map(|r| r.attempt_id.clone()).collect();
        let own = self.own_exams_of(&ids).await?;
        if !own.is_empty() {
            let waiting = self.send_centre_exams(client, enr, &own, problems).await?;
            if !waiting.is_empty() {
                let mut kept = Vec::with_capacity(ids.len());
                for id in ids {
                    let head = self.store().upload_head(&id).await?;
                    if !head.is_some_and(|h| h.package_id.is_none() && waiting.contains(&h.exam_id))
                    {
                        kept.push(id);
                    }
                }
                ids = kept;
            }
        }
        if ids.is_empty() {
            return Ok(None);
        }
        let env = self.results_envelope(enr, &ids).await?;
        Ok(Some((ids, env)))
    }

    /// These attempts whole, as uploaded: facts, events and result, each attempt
    /// read in one snapshot.
    async fn result_batch(&self, ids: &[String]) -> AppResult<ResultBatch> {
        let mut attempts = Vec::with_capacity(ids.len());
        for id in ids {
            let head = self
                .store()
                .upload_head(id)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("Attempt {id}")))?;
            let (events, result) = self.store().upload_parts(id).await?;
            attempts.push(attempt_upload(
                head,
                &events,
                result.map(examhall_store::ResultRow::into_sheet),
            ));
        }
        Ok(ResultBatch { attempts })
    }

    /// A signed results document for these attempts.
    async fn results_envelope(
        &self,
        enr: &EnrolmentRow,
        ids: &[String],
    ) -> AppResult<SignedEnvelope> {
        let batch = self.result_batch(ids).await?;
        Ok(envelope::seal(
            &device_key(enr)?,
            &enr.device_id,
            envelope::ENVELOPE_RESULTS,
            &batch,
        ))
    }

    pub(crate) async fn record(&self, receipts: &Receipts) -> AppResult<(u32, u32)> {
        let mut ok = Vec::new();
        let mut bad = Vec::new();
        for r in &receipts.receipts {
            if r.outcome.is_held() {
                ok.push((r.attempt_id.clone(), r.head_seq, r.head_hash.clone()));
            } else if r.outcome == ReceiptStatus::Later {
                // Still pending: the next round or stick sends it again.
                continue;
            } else {
                bad.push((
                    r.attempt_id.clone(),
                    format!("{:?}: {}", r.outcome, r.message.clone().unwrap_or_default()),
                ));
            }
        }
        let n = self.store().record_receipts(&ok, &bad, self.now()).await?;
        Ok((n as u32, bad.len() as u32))
    }

    /// One sync round with HQ: pull new packages, then push one batch of pending
    /// attempts and record the receipts. The outcome (success or the error) is
    /// recorded for the status screen.
    pub async fn sync_round(&self) -> AppResult<SyncRound> {
        let r = self.sync_round_inner().await;
        let now = self.now();
        let note = match &r {
            Ok(round) => round.package_error.clone(),
            Err(e) => Some(e.to_string()),
        };
        self.store().set_sync_result(note.as_deref(), now).await?;
        r
    }

    async fn sync_round_inner(&self) -> AppResult<SyncRound> {
        let enr = self.enrolled().await?;
        let client = self.upstream(&enr)?;
        let mut round = SyncRound::default();
        let mut problems = Vec::new();
        // Results first: nothing about packages may keep them on this disk.
        if let Some((ids, env)) = self.upload_batch(&client, &enr, &mut problems).await? {
            round.attempts_sent = ids.len() as u32;
            let receipts = client
                .push_results(&env, &Self::own_answer_key(&enr))
                .await
                .map_err(unavailable)?;
            let (n, bad) = self.record(&receipts).await?;
            round.receipts_recorded = n;
            round.conflicts = bad;
            round.more = ids.len() as i64 == UPLOAD_BATCH;
        }
        let (relayed, more) = self.forward_relayed(&client).await?;
        round.relayed = relayed;
        // The rooms this machine ran, for HQ's reconciliation.
        match self.send_room_reports(&client, &enr).await {
            Ok(n) => round.room_reports = n,
            Err(e) => problems.push(format!("room reports: {e}")),
        }
        // Then packages: a listing error stops the pull, a bad package is
        // skipped (the others still come), and either is reported.
        match client.packages(&enr.device_secret).await {
            Err(e) => problems.push(format!("listing packages: {e}")),
            Ok(listing) => {
                for p in listing {
                    if self.store().package(&p.package_id).await?.is_some() {
                        continue;
                    }
                    let got = match client.package(&enr.device_secret, &p.package_id).await {
                        Ok(bytes) => self.receive_package(&bytes).await.map(|_| ()),
                        Err(e) => Err(unavailable(e)),
                    };
                    match got {
                        Ok(()) => round.packages_received += 1,
                        Err(e) => {
                            tracing::warn!(package = %p.package_id, error = %e, "package refused");
                            problems.push(format!("package {}: {e}", p.package_id));
                        }
                    }
                }
            }
        }
        if !problems.is_empty() {
            round.package_error = Some(problems.join("; "));
        }
        round.more |= more;
        Ok(round)
    }

    /// Runs sync rounds until `stop` turns true: straight on while attempts wait,
    /// every `idle` when all is sent, and with exponential backoff and jitter (up
    /// to `max_backoff`) while HQ is unreachable.
    pub async fn sync_loop(
        self,
        idle: Duration,
        max_backoff: Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        let mut delays = examhall_sync::client::backoff(max_backoff);
        loop {
            let enrolled = matches!(self.store().enrolment().await, Ok(Some(_)));
            let outcome = if enrolled {
                self.sync_round().await
            } else {
                Ok(SyncRound::default())
            };
            let wait = match outcome {
                Ok(r) => {
                    delays = examhall_sync::client::backoff(max_backoff);
                    if r.more {
                        Duration::ZERO
                    } else {
                        idle
                    }
                }
                Err(e) => {
                    tracing::debug!(error = %e, "sync round failed");
                    delays.next().unwrap_or(idle)
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                return;
            }
        }
    }

    /// Watches `dir` (a USB stick's folder) and receives every package dropped
    /// into it, until `stop` turns true. Other files are ignored; bad packages are
    /// logged and left where they are.
    pub async fn watch_inbox(
        self,
        dir: PathBuf,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> AppResult<()> {
        let (_w, mut rx) = examhall_sync::watch::watch(&dir)
            .map_err(|e| AppError::invalid(dir.display().to_string(), e.to_string()))?;
        loop {
            tokio::select! {
                p = rx.recv() => {
                    let Some(p) = p else { return Ok(()) };
                    if p.extension().and_then(|e| e.to_str()) != Some(PACKAGE_EXT) {
                        continue;
                    }
                    match self.receive_package_file(&p).await {
                        Ok(pkg) => tracing::info!(package = %pkg.package_id, file = %p.display(), "package imported from inbox"),
                        Err(e) => tracing::warn!(file = %p.display(), error = %e, "inbox file not imported"),
                    }
                }
                _ = stop.changed() => {
                    if *stop.borrow() { return Ok(()) }
                }
            }
        }
    }

    /// Writes every attempt of the outbox (sent or not) as a signed results file,
    /// and a manifest of them, into `dir` (a USB stick). HQ ingests the results
    /// file like an upload and checks the manifest for anything missing.
    pub async fn export_results_to(&self, token: &str, dir: &Path) -> AppResult<ExportedResults> {
        self.actor(token)
            .await?
            .require(&[Role::Invigilator, Role::Admin], "export results")?;
        self.export_results_here(dir).await
    }

    /// The export itself, by the machine (the stick's folder appeared).
    pub(crate) async fn export_results_here(&self, dir: &Path) -> AppResult<ExportedResults> {
        let enr = self.enrolled().await?;
        let rows = self.store().all_outbox().await?;
        let ids: Vec<String> = rows.iter().map(|r| r.attempt_id.clone()).collect();
        let batch = self.result_batch(&ids).await?;
        let now = self.now();
        // The manifest lists each attempt's head as exported (the events in the file).
        let manifest = Manifest {
            created_at_ms: now.0,
            entries: batch
                .attempts
                .iter()
                .filter_map(|a| {
                    a.events.last().map(|e| ManifestEntry {
                        attempt_id: a.attempt_id.clone(),
                        head_seq: e.seq,
                        head_hash: e.hash.clone(),
                    })
                })
                .collect(),
        };
        let key = device_key(&enr)?;
        let results = envelope::seal(&key, &enr.device_id, envelope::ENVELOPE_RESULTS, &batch);
        let manifest = envelope::seal(&key, &enr.device_id, envelope::ENVELOPE_MANIFEST, &manifest);
        std::fs::create_dir_all(dir)
            .map_err(|e| AppError::invalid(dir.display().to_string(), e.to_string()))?;
        let stamp = crate::reports::local_time(now).replace([' ', ':'], "-");
        let base = format!("{}-{}", enr.device_id, stamp);
        let results_file = dir.join(format!("results-{base}.{RESULTS_EXT}"));
        let manifest_file = dir.join(format!("manifest-{base}.{MANIFEST_EXT}"));
        let write = |p: &Path, v: &SignedEnvelope| {
            let json = serde_json::to_vec_pretty(v)
                .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
            crate::files::write_atomically(p, &json)
                .map_err(|e| AppError::invalid(p.display().to_string(), e.to_string()))
        };
        // Exams built here go first (file names sort before `results-`), so an
        // import of the folder in name order holds each exam before its results.
        let mut exam_files = Vec::new();
        for (exam_id, env) in self.centre_exam_envelopes(&enr, &ids).await? {
            let f = dir.join(format!(
                "centre-exam-{}-{exam_id}.{CENTRE_EXAM_EXT}",
                enr.device_id
            ));
            write(&f, &env)?;
            exam_files.push(f.display().to_string());
        }
        write(&results_file, &results)?;
        write(&manifest_file, &manifest)?;
        // The rooms this machine ran, for HQ's reconciliation (one file per
        // session, the newest replacing the last).
        let mut room_files = Vec::new();
        for (session, env) in self.room_report_envelopes(&enr).await? {
            let f = dir.join(format!(
                "room-{}-{session}.{ROOM_REPORT_EXT}",
                enr.device_id
            ));
            write(&f, &env)?;
            room_files.push(f.display().to_string());
        }
        Ok(ExportedResults {
            results_file: results_file.display().to_string(),
            manifest_file: manifest_file.display().to_string(),
            attempts: ids.len() as u32,
            room_files,
            exam_files,
        })
    }

    /// The link's state for the admin and invigilator screens.
    pub async fn sync_status(&self, token: &str) -> AppResult<SyncStatusDto> {
        self.actor(token)
            .await?
            .require(&[Role::Invigilator, Role::Admin], "see the sync status")?;
        let enr = self.store().enrolment().await?;
        let counts = self.store().outbox_counts().await?;
        let state = self.store().sync_state().await?;
        let packages = self
            .store()
            .packages("received", None)
            .await?
            .iter()
            .map(local_package)
            .collect();
        let online = match (state.last_success_at, state.last_error_at) {
            (Some(ok), Some(err)) => ok >= err,
            (Some(_), None) => true,
            _ => false,
        };
        Ok(SyncStatusDto {
            enrolled: enr.is_some(),
            server_url: enr.as_ref().map(|e| e.server_url.clone()),
            device_id: enr.as_ref().map(|e| e.device_id.clone()),
            centre: enr.as_ref().map(|e| e.centre.clone()),
            online,
            pending: counts.pending as u64,
            synced: counts.synced as u64,
            conflicts: counts.conflicts as u64,
            last_success_ms: state.last_success_at,
            last_error: state.last_error,
            last_error_ms: state.last_error_at,
            packages,
            relay: self.relay_status().await?,
            outbox: self.inner.outbox.get().map(|p| p.display().to_string()),
            server_fingerprint: enr
                .as_ref()
                .filter(|e| e.server_url.starts_with("https://"))
                .and_then(|e| e.server_fingerprint.clone()),
        })
    }
}

/// Facts HQ looks up for every upload and that never change once written.
#[derive(Default)]
pub(crate) struct SyncCache {
    devices: std::collections::HashMap<String, (examhall_store::DeviceRow, PublicKey)>,
    packages: std::collections::HashMap<String, examhall_store::PackageRow>,
    candidates: std::collections::HashMap<String, i64>,
    /// Whether this server relays to an upstream (None: not looked up yet).
    pub(crate) relaying: Option<bool>,
    /// Room reports sent up since this process started: session id to a hash
    /// of what was sent, so an unchanged room is not sent again.
    pub(crate) room_reports_sent: std::collections::HashMap<i64, u64>,
    /// Exams built here that HQ acknowledged since this process started: the
    /// exam's id to the digest of what was sent.
    pub(crate) centre_exams_sent: std::collections::HashMap<i64, String>,
}

/// Uploads waiting for the group committer.
pub(crate) struct IngestJob {
    items: Vec<IngestAttempt>,
    reply: tokio::sync::oneshot::Sender<Result<Vec<examhall_store::IngestReceipt>, String>>,
}

/// Attempts per group commit.
const GROUP_COMMIT_MAX: usize = 512;

/// Drains whatever uploads are waiting (up to [`GROUP_COMMIT_MAX`] attempts),
/// stores them in one transaction, and answers each upload with its receipts.
async fn group_commit(
    store: examhall_store::Store,
    clock: std::sync::Arc<dyn examhall_domain::Clock>,
    mut rx: tokio::sync::mpsc::Receiver<IngestJob>,
) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        let mut n = jobs[0].items.len();
        while n < GROUP_COMMIT_MAX {
            match rx.try_recv() {
                Ok(j) => {
                    n += j.items.len();
                    jobs.push(j);
                }
                Err(_) => break,
            }
        }
        let mut all = Vec::with_capacity(n);
        let mut shapes = Vec::with_capacity(jobs.len());
        for j in jobs {
            shapes.push((j.items.len(), j.reply));
            all.extend(j.items);
        }
        match store.ingest_attempts(&all, clock.now()).await {
            Ok(receipts) => {
                let mut it = receipts.into_iter();
                for (len, reply) in shapes {
                    let _ = reply.send(Ok(it.by_ref().take(len).collect()));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, attempts = all.len(), "group commit failed");
                let msg = e.to_string();
                for (_, reply) in shapes {
                    let _ = reply.send(Err(msg.clone()));
                }
            }
        }
    }
}

/// The device an answer goes to, for [`App::device_answer_mac`].
#[derive(Debug, Clone, Copy)]
pub enum DeviceRef<'a> {
    /// Its device token (`<id>.<secret>`), as it authenticated the request.
    Token(&'a str),
    /// Its id, from the signed envelope it sent.
    Id(&'a str),
}

/// What reading a USB file did.
#[derive(Debug, Clone, PartialEq)]
pub enum IngestedFile {
    Results(Receipts),
    Manifest(ManifestCheck),
    RoomReport(RoomReportAck),
    CentreExam(examhall_protocol::sync::CentreExamAck),
}

fn local_package(p: &examhall_store::PackageRow) -> LocalPackageDto {
    LocalPackageDto {
        package_id: p.id.clone(),
        exam_title: p.title.clone(),
        candidates: p.roster_size as u32,
        received_at_ms: p.created_at,
        exam_id: p.exam_id,
    }
}

/// HQ's package-signing key from `path` (hex, owner-only), created on first start.
pub fn load_or_create_hq_key(path: &Path) -> AppResult<SigningKey> {
    let bad = |m: String| AppError::invalid(path.display().to_string(), m);
    let text =
        crate::files::read_or_create_secret(path, || SigningKey::generate().to_hex().into_bytes())
            .map_err(|e| bad(e.to_string()))?;
    SigningKey::from_hex(&String::from_utf8_lossy(&text)).map_err(|e| bad(e.to_string()))
}
