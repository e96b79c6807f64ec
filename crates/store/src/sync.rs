//! Sync tables: enrolment and devices, packages, the desktop's outbox, and HQ's
//! ingestion of attempts uploaded by devices.

use crate::attempts::project;
use crate::error::conflict_on_unique;
use crate::{Backend, Result, Store, StoreError};
use examhall_domain::events::StoredEvent;
use examhall_domain::{AttemptEvent, AttemptStatus, EventHash, SheetResult, Timestamp};
use sqlx::AnyConnection;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeviceRow {
    pub id: String,
    pub centre: String,
    pub name: String,
    pub public_key: String,
    pub secret_hash: String,
    /// When staff revoked it (`None`: in good standing).
    pub revoked_at: Option<i64>,
}

/// An enrolled device as the console lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeviceListing {
    pub id: String,
    pub centre: String,
    pub name: String,
    pub enrolled_at: i64,
    pub last_seen_at: Option<i64>,
    pub app_version: Option<String>,
    pub revoked_at: Option<i64>,
    /// A hub serving HTTPS has its certificate's fingerprint here.
    pub tls_fingerprint: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewDevice<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub public_key: &'a str,
    pub secret_hash: &'a str,
    /// A hub's own serving certificate's fingerprint, if it serves HTTPS.
    pub tls_fingerprint: Option<&'a str>,
}

/// Why an enrolment token did not enrol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnrolRefusal {
    Unknown,
    Used,
    Expired,
}

/// An enrolment token as HQ keeps it (its hash, never the token).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EnrolmentTokenRow {
    pub token_hash: String,
    pub centre: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_by: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PackageRow {
    pub id: String,
    pub origin: String,
    pub centre: String,
    pub title: String,
    pub roster_size: i64,
    pub size_bytes: i64,
    pub exam_id: Option<i64>,
    pub sitting_id: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewPackageRow<'a> {
    pub id: &'a str,
    pub centre: &'a str,
    pub title: &'a str,
    pub roster_size: i64,
    pub bytes: &'a [u8],
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EnrolmentRow {
    pub server_url: String,
    pub device_id: String,
    pub centre: String,
    pub hq_public_key: String,
    pub device_key: String,
    pub device_secret: String,
    pub enrolled_at: i64,
    /// The pinned certificate fingerprint of `server_url` (None: plain HTTP).
    pub server_fingerprint: Option<String>,
    /// The centre's roster key (hex), from the enrolment answer.
    pub centre_key: Option<String>,
}

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct SyncStateRow {
    pub last_success_at: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub pending: i64,
    pub synced: i64,
    pub conflicts: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub attempt_id: String,
    pub head_seq: i64,
    pub receipt_seq: i64,
    pub receipt_hash: Option<String>,
}

/// What a desktop sends up for one attempt: the facts fixed at its start.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UploadHead {
    pub attempt_id: String,
    /// `None`: an exam built on this machine (see `centre_exam_ref`).
    pub package_id: Option<String>,
    pub exam_id: i64,
    pub username: String,
    pub started_at: i64,
    pub duration_secs: i64,
    pub time_multiplier: f64,
}

/// HQ's answer for one uploaded attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum ReceiptOutcome {
    /// New events were stored.
    Stored,
    /// Nothing new: HQ already held all of it.
    AlreadyHeld,
    /// Refused for good and recorded as an incident of this kind.
    Conflict { kind: &'static str, message: String },
}

#[derive(Debug, Clone)]
pub struct IngestReceipt {
    pub attempt_id: String,
    pub head_seq: i64,
    pub head_hash: String,
    pub outcome: ReceiptOutcome,
}

/// One attempt to ingest at HQ: its chain already verified by the caller.
#[derive(Debug, Clone)]
pub struct IngestAttempt {
    pub attempt_id: String,
    pub device_id: String,
    pub exam_id: i64,
    pub sitting_id: i64,
    pub user_id: i64,
    pub started_at: Timestamp,
    pub duration_secs: u32,
    pub time_multiplier: f64,
    pub events: Vec<(StoredEvent, AttemptEvent)>,
    pub result: Option<SheetResult>,
    /// Something the administrator should see even though the attempt is
    /// taken (the device's own total differs from HQ's): recorded as a
    /// `device_total_differs` incident in the same transaction when new events
    /// are stored.
    pub notice: Option<String>,
}

/// What HQ holds of an attempt listed in a manifest.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HeldHash {
    pub device_id: Option<String>,
    /// The hash of the event at the asked-for seq; None if HQ holds fewer events.
    pub hash: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IncidentRow {
    pub id: i64,
    pub attempt_id: String,
    pub device_id: String,
    pub kind: String,
    pub detail: String,
    pub at: i64,
}

const PACKAGE_COLS: &str = "id, origin, centre, title, roster_size, length(bytes) AS size_bytes, exam_id, sitting_id, created_at";

async fn incident(
    conn: &mut AnyConnection,
    a: &IngestAttempt,
    kind: &str,
    detail: &str,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sync_incidents (attempt_id, device_id, kind, detail, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&a.attempt_id)
    .bind(&a.device_id)
    .bind(kind)
    .bind(detail)
    .bind(now.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ingests one attempt inside the caller's savepoint. A conflict is returned as an
/// outcome (the caller rolls the savepoint back and records the incident); only
/// database failures are errors.
async fn ingest_in(
    conn: &mut AnyConnection,
    a: &IngestAttempt,
    now: Timestamp,
) -> Result<IngestReceipt> {
    let existing: Option<(Option<String>, i64, String, String)> =
        sqlx::query_as("SELECT device_id, head_seq, head_hash, status FROM attempts WHERE id = $1")
            .bind(&a.attempt_id)
            .fetch_optional(&mut *conn)
            .await?;
    let conflict = |kind: &'static str, message: String| -> IngestReceipt {
        IngestReceipt {
            attempt_id: a.attempt_id.clone(),
            head_seq: 0,
            head_hash: String::new(),
            outcome: ReceiptOutcome::Conflict { kind, message },
        }
    };
    let (held_seq, held_hash, mut status) = match existing {
        None => {
            let inserted = sqlx::query(
                "INSERT INTO attempts (id, exam_id, sitting_id, user_id, status, started_at, duration_secs, \
                 time_multiplier, last_seen_at, head_seq, head_hash, device_id) \
                 VALUES ($1, $2, $3, $4, 'in_progress', $5, $6, $7, $5, 0, $8, $9)",
            )
            .bind(&a.attempt_id)
            .bind(a.exam_id)
            .bind(a.sitting_id)
            .bind(a.user_id)
            .bind(a.started_at.0)
            .bind(i64::from(a.duration_secs))
            .bind(a.time_multiplier)
            .bind(EventHash::genesis().0)
            // Empty: this machine's own attempt (a spare seat taking a move).
            .bind((!a.device_id.is_empty()).then_some(a.device_id.as_str()))
            .execute(&mut *conn)
            .await
            .map_err(|e| conflict_on_unique(e, "attempt"));
            match inserted {
                Ok(_) => (0, EventHash::genesis().0, AttemptStatus::InProgress),
                Err(StoreError::Conflict(_)) => {
                    let msg = "the candidate already has another attempt at this exam".to_owned();
                    return Ok(conflict("second_attempt", msg));
                }
                Err(e) => return Err(e),
            }
        }
        Some((device, seq, hash, status)) => {
            if device.as_deref() != Some(a.device_id.as_str()) {
                let msg = format!(
                    "attempt {} belongs to {}; it is never merged",
                    a.attempt_id,
                    device
                        .as_deref()
                        .map_or("this server".to_owned(), |d| format!("device {d}"))
                );
                return Ok(conflict("two_devices", msg));
            }
            let status = AttemptStatus::parse(&status)
                .ok_or_else(|| StoreError::corrupt("attempts.status", &status))?;
            (seq, hash, status)
        }
    };
    let sent = a.events.len() as i64;
    // The upload must extend what is held: it contains our head at our head's seq.
    if held_seq > 0 {
        let ours_in_theirs = a
            .events
            .get(held_seq as usize - 1)
            .map(|(e, _)| e.hash.0.as_str());
        let matches = match ours_in_theirs {
            Some(h) => h == held_hash,
            // Shorter than what we hold: it must be a prefix of ours.
            None => {
                let (last, _) = a.events.last().expect("uploads carry at least one event");
                let h: Option<String> = sqlx::query_scalar(
                    "SELECT hash FROM attempt_events WHERE attempt_id = $1 AND seq = $2",
                )
                .bind(&a.attempt_id)
                .bind(last.seq)
                .fetch_optional(&mut *conn)
                .await?;
                h.as_deref() == Some(last.hash.0.as_str())
            }
        };
        if !matches {
            let msg = format!(
                "attempt {}: the uploaded chain differs from the one held (fork at or before event {})",
                a.attempt_id,
                held_seq.min(sent)
            );
            return Ok(conflict("forked_chain", msg));
        }
    }
    let mut stored_any = false;
    for (e, ev) in a.events.iter().skip(held_seq as usize) {
        if !ev.allowed_in(status) {
            let msg = format!(
                "attempt {}: event {} ({}) is not allowed once the attempt is {}",
                a.attempt_id,
                e.seq,
                ev.type_name(),
                status.as_str()
            );
            return Ok(conflict("invalid_chain", msg));
        }
        sqlx::query(
            "INSERT INTO attempt_events (attempt_id, seq, at, kind, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&a.attempt_id)
        .bind(e.seq)
        .bind(e.at.0)
        .bind(ev.type_name())
        .bind(&e.payload)
        .bind(&e.prev_hash.0)
        .bind(&e.hash.0)
        .execute(&mut *conn)
        .await?;
        project(conn, &a.attempt_id, e.seq, ev, e.at).await?;
        status = ev.next_status(status);
        stored_any = true;
    }
    if stored_any {
        if let Some(n) = &a.notice {
            incident(conn, a, "device_total_differs", n, now).await?;
        }
        if let Some(r) = &a.result {
            let marks =
                serde_json::to_string(&r.marks).map_err(|e| StoreError::corrupt("marks", e))?;
            sqlx::query(
                "INSERT INTO results (attempt_id, total, max, percentage, passed, awaiting_marking, marks, graded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT(attempt_id) DO UPDATE SET total = excluded.total, max = excluded.max, \
                 percentage = excluded.percentage, passed = excluded.passed, \
                 awaiting_marking = excluded.awaiting_marking, marks = excluded.marks",
            )
            .bind(&a.attempt_id)
            .bind(r.total)
            .bind(r.max)
            .bind(r.percentage)
            .bind(i64::from(r.passed))
            .bind(i64::from(r.awaiting_marking))
            .bind(marks)
            .bind(now.0)
            .execute(&mut *conn)
            .await?;
        }
    }
    let (head_seq, head_hash): (i64, String) =
        sqlx::query_as("SELECT head_seq, head_hash FROM attempts WHERE id = $1")
            .bind(&a.attempt_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(IngestReceipt {
        attempt_id: a.attempt_id.clone(),
        head_seq,
        head_hash,
        outcome: if stored_any {
            ReceiptOutcome::Stored
        } else {
            ReceiptOutcome::AlreadyHeld
        },
    })
}

/// An attempt's projection after all its events, as `project` would leave it;
/// None if the events do not form a valid life (the careful path reports why).
struct Projection {
    status: AttemptStatus,
    current_index: u32,
    submitted_at: Option<i64>,
    credited_ms: i64,
    excluded_ms: i64,
    paused_at: Option<i64>,
    locked_seq: Option<i64>,
    unlock_failures: i64,
    void_reason: Option<String>,
    superseded_reason: Option<String>,
    /// question -> (answer JSON, flagged, seq of the last change)
    answers: std::collections::BTreeMap<String, (Option<String>, bool, i64)>,
}

fn projection(a: &IngestAttempt) -> Option<Projection> {
    let mut p = Projection {
        status: AttemptStatus::InProgress,
        current_index: 0,
        submitted_at: None,
        credited_ms: 0,
        excluded_ms: 0,
        paused_at: None,
        locked_seq: None,
        unlock_failures: 0,
        void_reason: None,
        superseded_reason: None,
        answers: Default::default(),
    };
    for (i, (e, ev)) in a.events.iter().enumerate() {
        if e.seq != i as i64 + 1 || !ev.allowed_in(p.status) {
            return None;
        }
        match ev {
            AttemptEvent::AnswerSet { question, answer } => {
                let json = answer
                    .as_ref()
                    .map(|x| serde_json::to_string(x).expect("answers serialise"));
                let slot = p
                    .answers
                    .entry(question.as_str().to_owned())
                    .or_insert((None, false, 0));
                slot.0 = json;
                slot.2 = e.seq;
            }
            AttemptEvent::Flagged { question, flagged } => {
                let slot = p
                    .answers
                    .entry(question.as_str().to_owned())
                    .or_insert((None, false, 0));
                slot.1 = *flagged;
                slot.2 = e.seq;
            }
            AttemptEvent::Navigated { index } => p.current_index = *index,
            AttemptEvent::Submitted { .. } => p.submitted_at = Some(e.at.0),
            AttemptEvent::Paused { .. } => p.paused_at = Some(e.at.0),
            AttemptEvent::Unpaused { paused_ms, .. } => {
                p.paused_at = None;
                p.excluded_ms += (*paused_ms).max(0);
            }
            AttemptEvent::Extended { ms, .. } => p.credited_ms += (*ms).max(0),
            AttemptEvent::Locked { .. } => p.locked_seq = Some(e.seq),
            AttemptEvent::Unlocked { .. } => {
                p.locked_seq = None;
                p.unlock_failures = 0;
            }
            AttemptEvent::UnlockRefused { attempts } => {
                p.unlock_failures = i64::from(*attempts);
            }
            AttemptEvent::Voided { reason, .. } => p.void_reason = Some(reason.clone()),
            AttemptEvent::Superseded { reason } => p.superseded_reason = Some(reason.clone()),
            _ => {}
        }
        p.status = ev.next_status(p.status);
    }
    (!a.events.is_empty()).then_some(p)
}

/// Writes attempts new to HQ with one statement per table for the whole batch.
async fn insert_new_in(
    conn: &mut AnyConnection,
    batch: &[IngestAttempt],
    fast: &[(usize, Projection)],
    now: Timestamp,
) -> Result<()> {
    use serde_json::json;
    let mut attempts = Vec::with_capacity(fast.len());
    let mut events = Vec::new();
    let mut answers = Vec::new();
    let mut results = Vec::new();
    for (i, p) in fast {
        let a = &batch[*i];
        attempts.push(json!([
            a.attempt_id,
            a.exam_id,
            a.sitting_id,
            a.user_id,
            p.status.as_str(),
            a.started_at.0,
            a.duration_secs,
            a.time_multiplier,
            a.started_at.0,
            a.device_id,
            p.current_index,
            p.submitted_at,
            p.credited_ms,
            p.excluded_ms,
            p.paused_at,
            p.locked_seq,
            p.unlock_failures,
            p.void_reason,
            p.superseded_reason
        ]));
        for (e, ev) in &a.events {
            events.push(json!([
                a.attempt_id,
                e.seq,
                e.at.0,
                ev.type_name(),
                e.payload,
                e.prev_hash.0,
                e.hash.0
            ]));
        }
        for (q, (ans, flagged, seq)) in &p.answers {
            answers.push(json!([a.attempt_id, q, ans, i64::from(*flagged), seq]));
        }
        if let Some(r) = &a.result {
            let marks =
                serde_json::to_string(&r.marks).map_err(|e| StoreError::corrupt("marks", e))?;
            results.push(json!([
                a.attempt_id,
                r.total,
                r.max,
                r.percentage,
                i64::from(r.passed),
                i64::from(r.awaiting_marking),
                marks,
                now.0
            ]));
        }
    }
    let text = |v: &Vec<serde_json::Value>| {
        serde_json::to_string(v).map_err(|e| StoreError::corrupt("batch", e))
    };
    let backend = Backend::of(conn);
    let rows = backend.json_rows(1);
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO attempts (id, exam_id, sitting_id, user_id, status, started_at, duration_secs, time_multiplier, \
         last_seen_at, head_seq, head_hash, device_id, current_index, submitted_at, credited_ms, excluded_ms, \
         paused_at, locked_seq, unlock_failures, void_reason, superseded_reason) \
         SELECT value ->> 0, CAST(value ->> 1 AS BIGINT), CAST(value ->> 2 AS BIGINT), CAST(value ->> 3 AS BIGINT), \
         value ->> 4, CAST(value ->> 5 AS BIGINT), CAST(value ->> 6 AS BIGINT), CAST(value ->> 7 AS DOUBLE PRECISION), \
         CAST(value ->> 8 AS BIGINT), 0, $2, value ->> 9, CAST(value ->> 10 AS BIGINT), CAST(value ->> 11 AS BIGINT), \
         CAST(value ->> 12 AS BIGINT), CAST(value ->> 13 AS BIGINT), CAST(value ->> 14 AS BIGINT), \
         CAST(value ->> 15 AS BIGINT), CAST(value ->> 16 AS BIGINT), value ->> 17, value ->> 18 \
         FROM {rows}"
    )))
    .bind(text(&attempts)?)
    .bind(EventHash::genesis().0)
    .execute(&mut *conn)
    .await
    .map_err(|e| conflict_on_unique(e, "attempt"))?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO attempt_events (attempt_id, seq, at, kind, payload, prev_hash, hash) \
         SELECT value ->> 0, CAST(value ->> 1 AS BIGINT), CAST(value ->> 2 AS BIGINT), value ->> 3, value ->> 4, \
         value ->> 5, value ->> 6 FROM {rows}"
    )))
    .bind(text(&events)?)
    .execute(&mut *conn)
    .await?;
    if !answers.is_empty() {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO attempt_answers (attempt_id, question_id, answer, flagged, seq) \
             SELECT value ->> 0, value ->> 1, value ->> 2, CAST(value ->> 3 AS BIGINT), CAST(value ->> 4 AS BIGINT) \
             FROM {rows}"
        )))
        .bind(text(&answers)?)
        .execute(&mut *conn)
        .await?;
    }
    if !results.is_empty() {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO results (attempt_id, total, max, percentage, passed, awaiting_marking, marks, graded_at) \
             SELECT value ->> 0, CAST(value ->> 1 AS DOUBLE PRECISION), CAST(value ->> 2 AS DOUBLE PRECISION), \
             CAST(value ->> 3 AS DOUBLE PRECISION), CAST(value ->> 4 AS BIGINT), CAST(value ->> 5 AS BIGINT), \
             value ->> 6, CAST(value ->> 7 AS BIGINT) FROM {rows}"
        )))
        .bind(text(&results)?)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

impl Store {
    // ---- HQ: enrolment and devices -------------------------------------------

    pub async fn insert_enrolment_token(
        &self,
        token_hash: &str,
        centre: &str,
        by: i64,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO enrolment_tokens (token_hash, centre, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(centre)
        .bind(by)
        .bind(now.0)
        .bind(expires.0)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Spends the token and records the device, atomically. Returns the centre
    /// and the device id. The same device (same public key) enrolling again with
    /// its token (its first answer was lost on the way) gets its id back with the
    /// new secret; any other reuse of a spent token is refused.
    pub async fn enrol_device(
        &self,
        token_hash: &str,
        d: NewDevice<'_>,
        now: Timestamp,
    ) -> Result<std::result::Result<(String, String), EnrolRefusal>> {
        let mut tx = self.begin_write().await?;
        let row: Option<(String, i64, Option<String>)> = sqlx::query_as(
            "SELECT centre, expires_at, used_by FROM enrolment_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let centre = match row {
            None => return Ok(Err(EnrolRefusal::Unknown)),
            Some((centre, _, Some(used_by))) => {
                let same: Option<String> =
                    sqlx::query_scalar("SELECT id FROM devices WHERE id = $1 AND public_key = $2")
                        .bind(&used_by)
                        .bind(d.public_key)
                        .fetch_optional(&mut *tx)
                        .await?;
                let Some(id) = same else {
                    return Ok(Err(EnrolRefusal::Used));
                };
                sqlx::query(
                    "UPDATE devices SET secret_hash = $2, tls_fingerprint = $3 WHERE id = $1",
                )
                .bind(&id)
                .bind(d.secret_hash)
                .bind(d.tls_fingerprint)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                return Ok(Ok((centre, id)));
            }
            Some((_, exp, None)) if exp <= now.0 => return Ok(Err(EnrolRefusal::Expired)),
            Some((centre, _, None)) => centre,
        };
        sqlx::query("UPDATE enrolment_tokens SET used_by = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(d.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO devices (id, centre, name, public_key, secret_hash, enrolled_at, tls_fingerprint) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(d.id)
        .bind(&centre)
        .bind(d.name)
        .bind(d.public_key)
        .bind(d.secret_hash)
        .bind(now.0)
        .bind(d.tls_fingerprint)
        .execute(&mut *tx)
        .await
        .map_err(|e| conflict_on_unique(e, "a device with this public key"))?;
        tx.commit().await?;
        Ok(Ok((centre, d.id.to_owned())))
    }

    /// The centre's roster key (hex), made from `fresh` if the centre has none
    /// yet; one key per centre, whoever asks first.
    pub async fn centre_key(&self, centre: &str, fresh: &str, now: Timestamp) -> Result<String> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO centre_keys (centre, roster_key, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (centre) DO NOTHING",
        )
        .bind(centre)
        .bind(fresh)
        .bind(now.0)
        .execute(&mut *tx)
        .await?;
        let key: String =
            sqlx::query_scalar("SELECT roster_key FROM centre_keys WHERE centre = $1")
                .bind(centre)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(key)
    }

    /// An enrolled device's centre and its serving certificate's fingerprint
    /// (a hub that serves HTTPS has one).
    pub async fn device_tls_fingerprint(
        &self,
        id: &str,
    ) -> Result<Option<(String, Option<String>)>> {
        Ok(
            sqlx::query_as("SELECT centre, tls_fingerprint FROM devices WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.read)
                .await?,
        )
    }

    pub async fn device(&self, id: &str) -> Result<Option<DeviceRow>> {
        Ok(sqlx::query_as(
            "SELECT id, centre, name, public_key, secret_hash, revoked_at FROM devices WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// The devices enrolled here (of one centre, or all), newest first.
    pub async fn devices(&self, centre: Option<&str>) -> Result<Vec<DeviceListing>> {
        Ok(sqlx::query_as(
            "SELECT id, centre, name, enrolled_at, last_seen_at, app_version, revoked_at, tls_fingerprint \
             FROM devices WHERE ($1 IS NULL OR centre = $1) ORDER BY enrolled_at DESC, id",
        )
        .bind(centre)
        .fetch_all(&self.read)
        .await?)
    }

    /// Revokes a device: its token stops working. False if there is no such
    /// device; revoking twice keeps the first time.
    pub async fn revoke_device(&self, id: &str, now: Timestamp) -> Result<bool> {
        let done =
            sqlx::query("UPDATE devices SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
                .bind(id)
                .bind(now.0)
                .execute(&self.write)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Notes that a device was heard from, and the app version it reported.
    pub async fn touch_device(
        &self,
        id: &str,
        now: Timestamp,
        app_version: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE devices SET last_seen_at = $2, app_version = COALESCE($3, app_version) WHERE id = $1",
        )
        .bind(id)
        .bind(now.0)
        .bind(app_version)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    // ---- packages ----------------------------------------------------------

    /// HQ: a published package, tied to the exam and the sitting it opens.
    pub async fn insert_published_package(
        &self,
        p: NewPackageRow<'_>,
        exam_id: i64,
        sitting_id: i64,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO packages (id, origin, centre, title, roster_size, bytes, exam_id, sitting_id, created_at) \
             VALUES ($1, 'published', $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(p.id)
        .bind(p.centre)
        .bind(p.title)
        .bind(p.roster_size)
        .bind(p.bytes)
        .bind(exam_id)
        .bind(sitting_id)
        .bind(now.0)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Desktop: a verified package and its roster's candidates (added if new), in
    /// one transaction. Returns false if the package was already held.
    pub async fn receive_package(
        &self,
        p: NewPackageRow<'_>,
        roster: &[crate::NewUserRow<'_>],
        now: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let new = sqlx::query(
            "INSERT INTO packages (id, origin, centre, title, roster_size, bytes, created_at) \
             VALUES ($1, 'received', $2, $3, $4, $5, $6) ON CONFLICT(id) DO NOTHING",
        )
        .bind(p.id)
        .bind(p.centre)
        .bind(p.title)
        .bind(p.roster_size)
        .bind(p.bytes)
        .bind(now.0)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if new {
            for u in roster {
                sqlx::query(
                    "INSERT INTO users (username, display_name, role, password_hash, created_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT(username) DO NOTHING",
                )
                .bind(u.username)
                .bind(u.display_name)
                .bind(u.role.as_str())
                .bind(u.password_hash)
                .bind(now.0)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(new)
    }

    /// Desktop: the package opened with its start code becomes an exam with its
    /// candidates assigned and a sitting open under that code, in one transaction.
    /// Returns (exam id, sitting id).
    pub async fn open_received_package(
        &self,
        package_id: &str,
        spec: &examhall_domain::ExamSpec,
        roster: &[(&str, f64, Option<String>)],
        start_code: &str,
        opened_by: i64,
        now: Timestamp,
    ) -> Result<(i64, i64)> {
        let json = serde_json::to_string(spec).map_err(|e| StoreError::corrupt("exam spec", e))?;
        let mut tx = self.begin_write().await?;
        let held: Option<(Option<i64>, Option<i64>)> =
            sqlx::query_as("SELECT exam_id, sitting_id FROM packages WHERE id = $1")
                .bind(package_id)
                .fetch_optional(&mut *tx)
                .await?;
        match held {
            None => return Err(StoreError::NotFound(format!("package {package_id}"))),
            Some((Some(e), Some(s))) => return Ok((e, s)),
            Some(_) => {}
        }
        let exam_id: i64 = sqlx::query_scalar(
            "INSERT INTO exams (title, spec, created_by, created_at, package_id) VALUES ($1, $2, NULL, $3, $4) RETURNING id",
        )
        .bind(&spec.title)
        .bind(json)
        .bind(now.0)
        .bind(package_id)
        .fetch_one(&mut *tx)
        .await?;
        for (username, mult, display) in roster {
            sqlx::query(
                "INSERT INTO assignments (exam_id, user_id, time_multiplier, display_preset) \
                 SELECT $1, id, $3, $4 FROM users WHERE username = $2 AND role = 'candidate' \
                 ON CONFLICT(exam_id, user_id) DO NOTHING",
            )
            .bind(exam_id)
            .bind(username)
            .bind(mult)
            .bind(display.as_deref())
            .execute(&mut *tx)
            .await?;
        }
        // The package's sitting has no schedule of its own: a seat learns the
        // window from its hub (`seat_rooms`).
        let sitting_id = crate::exams::open_sitting_in(
            &mut tx,
            exam_id,
            start_code,
            opened_by,
            &examhall_domain::SittingWindow::default(),
            now,
        )
        .await?;
        sqlx::query("UPDATE packages SET exam_id = $2, sitting_id = $3 WHERE id = $1")
            .bind(package_id)
            .bind(exam_id)
            .bind(sitting_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((exam_id, sitting_id))
    }

    pub async fn package(&self, id: &str) -> Result<Option<PackageRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {PACKAGE_COLS} FROM packages WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn package_bytes(&self, id: &str) -> Result<Option<Vec<u8>>> {
        Ok(
            sqlx::query_scalar("SELECT bytes FROM packages WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.read)
                .await?,
        )
    }

    /// Packages of one origin, optionally for one centre, newest first.
    pub async fn packages(&self, origin: &str, centre: Option<&str>) -> Result<Vec<PackageRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {PACKAGE_COLS} FROM packages WHERE origin = $1 AND ($2 IS NULL OR centre = $2) \
             ORDER BY created_at DESC, id"
        )))
        .bind(origin)
        .bind(centre)
        .fetch_all(&self.read)
        .await?)
    }

    // ---- a spare seat: taking a moved attempt ----------------------------------

    /// A spare seat takes over an attempt moved to it from the room hub's copy:
    /// the copied chain is stored as if it had been written here (projection
    /// included), the attempt is this seat's own (`a.device_id` empty), `then` (the move and the
    /// gap) is appended, and the hub is known to hold the chain up to where it
    /// was copied. One transaction: a crash leaves either nothing or all of it.
    pub async fn adopt_attempt(
        &self,
        a: &IngestAttempt,
        then: &[AttemptEvent],
        now: Timestamp,
    ) -> Result<crate::AttemptRow> {
        let mut tx = self.begin_write().await?;
        let r = ingest_in(&mut tx, a, now).await?;
        if let ReceiptOutcome::Conflict { message, .. } = r.outcome {
            return Err(StoreError::Conflict(message));
        }
        sqlx::query(
            "INSERT INTO copy_acks (attempt_id, head_seq, acked_at) VALUES ($1, $2, $3) \
             ON CONFLICT (attempt_id) DO UPDATE SET head_seq = excluded.head_seq, acked_at = excluded.acked_at, refused = NULL",
        )
        .bind(&a.attempt_id)
        .bind(r.head_seq)
        .bind(now.0)
        .execute(&mut *tx)
        .await?;
        let head = crate::attempts::attempt_in(&mut tx, &a.attempt_id).await?;
        crate::attempts::append_in(&mut tx, &head, then, now).await?;
        let row = crate::attempts::attempt_in(&mut tx, &a.attempt_id).await?;
        tx.commit().await?;
        Ok(row)
    }

    // ---- HQ: ingestion -----------------------------------------------------

    /// Ingests uploaded attempts in one transaction (one commit for the batch).
    /// Attempts new to HQ are written with a handful of set-based statements for
    /// the whole batch; the rest (extensions, duplicates, conflicts) one by one,
    /// each in its own savepoint, so one conflict does not undo the others.
    pub async fn ingest_attempts(
        &self,
        batch: &[IngestAttempt],
        now: Timestamp,
    ) -> Result<Vec<IngestReceipt>> {
        let mut tx = self.begin_write().await?;
        let ids: Vec<&str> = batch.iter().map(|a| a.attempt_id.as_str()).collect();
        let held: std::collections::HashSet<String> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT id FROM attempts WHERE id IN (SELECT value FROM {})",
                self.backend.json_texts(1)
            )))
            .bind(serde_json::to_string(&ids).map_err(|e| StoreError::corrupt("ids", e))?)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
        let mut seen = std::collections::HashSet::new();
        let mut fast = Vec::new();
        let mut slow = Vec::new();
        for (i, a) in batch.iter().enumerate() {
            let new = !held.contains(&a.attempt_id) && seen.insert(a.attempt_id.as_str());
            match new.then(|| projection(a)).flatten() {
                Some(p) => fast.push((i, p)),
                None => slow.push(i),
            }
        }
        let mut out: Vec<Option<IngestReceipt>> = vec![None; batch.len()];
        if !fast.is_empty() {
            let mut sp = sqlx::Connection::begin(&mut *tx).await?;
            match insert_new_in(&mut sp, batch, &fast, now).await {
                Ok(()) => {
                    sp.commit().await?;
                    for (i, _) in &fast {
                        let a = &batch[*i];
                        if let Some(n) = &a.notice {
                            incident(&mut tx, a, "device_total_differs", n, now).await?;
                        }
                        let (last, _) = a.events.last().expect("projection needs events");
                        out[*i] = Some(IngestReceipt {
                            attempt_id: a.attempt_id.clone(),
                            head_seq: last.seq,
                            head_hash: last.hash.0.clone(),
                            outcome: ReceiptOutcome::Stored,
                        });
                    }
                }
                // A candidate's second attempt (a unique index) among them: take
                // the careful path for all of them.
                Err(StoreError::Conflict(_)) => {
                    sp.rollback().await?;
                    slow.extend(fast.iter().map(|(i, _)| *i));
                }
                Err(e) => return Err(e),
            }
        }
        for i in slow {
            let a = &batch[i];
            let mut sp = sqlx::Connection::begin(&mut *tx).await?;
            let r = ingest_in(&mut sp, a, now).await?;
            match &r.outcome {
                ReceiptOutcome::Stored => sp.commit().await?,
                ReceiptOutcome::AlreadyHeld => sp.rollback().await?,
                ReceiptOutcome::Conflict { kind, message } => {
                    // Undo anything half-written, keep the incident.
                    sp.rollback().await?;
                    incident(&mut tx, a, kind, message, now).await?;
                }
            }
            out[i] = Some(r);
        }
        tx.commit().await?;
        Ok(out
            .into_iter()
            .map(|r| r.expect("every attempt answered"))
            .collect())
    }

    /// HQ: for each (attempt id, seq), the device that owns the attempt and the
    /// hash of its event at `seq` (None when HQ has no such attempt).
    pub async fn held_hashes(&self, wanted: &[(String, i64)]) -> Result<Vec<Option<HeldHash>>> {
        let mut out = Vec::with_capacity(wanted.len());
        let mut conn = self.read.acquire().await?;
        for (id, seq) in wanted {
            let row: Option<HeldHash> = sqlx::query_as(
                "SELECT a.device_id, e.hash FROM attempts a \
                 LEFT JOIN attempt_events e ON e.attempt_id = a.id AND e.seq = $2 WHERE a.id = $1",
            )
            .bind(id)
            .bind(seq)
            .fetch_optional(&mut *conn)
            .await?;
            out.push(row);
        }
        Ok(out)
    }

    pub async fn sync_incidents(&self) -> Result<Vec<IncidentRow>> {
        Ok(sqlx::query_as(
            "SELECT id, attempt_id, device_id, kind, detail, at FROM sync_incidents ORDER BY id",
        )
        .fetch_all(&self.read)
        .await?)
    }

    /// HQ: how many attempts each device has delivered (for tests and the admin).
    /// HQ's enrolment tokens, newest first (the last 500).
    pub async fn enrolment_tokens(&self) -> Result<Vec<EnrolmentTokenRow>> {
        Ok(sqlx::query_as(
            "SELECT token_hash, centre, created_at, expires_at, used_by FROM enrolment_tokens \
             ORDER BY created_at DESC, token_hash LIMIT 500",
        )
        .fetch_all(&self.read)
        .await?)
    }

    /// Withdraws an unused token that has not expired (it expires now). False
    /// when no such token exists.
    pub async fn expire_enrolment_token(&self, token_hash: &str, now: Timestamp) -> Result<bool> {
        Ok(sqlx::query(
            "UPDATE enrolment_tokens SET expires_at = $2 \
             WHERE token_hash = $1 AND used_by IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now.0)
        .execute(&self.write)
        .await?
        .rows_affected()
            == 1)
    }

    /// Attempts HQ holds per device that sent them.
    pub async fn attempts_by_device(&self) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT device_id, count(*) FROM attempts WHERE device_id IS NOT NULL GROUP BY device_id",
        )
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn attempts_from_device(&self, device_id: &str) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT count(*) FROM attempts WHERE device_id = $1")
                .bind(device_id)
                .fetch_one(&self.read)
                .await?,
        )
    }

    // ---- desktop: enrolment, outbox, state ----------------------------------

    pub async fn enrolment(&self) -> Result<Option<EnrolmentRow>> {
        Ok(sqlx::query_as(
            "SELECT server_url, device_id, centre, hq_public_key, device_key, device_secret, enrolled_at, \
             server_fingerprint, centre_key FROM enrolment WHERE id = 1",
        )
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn save_enrolment(&self, e: &EnrolmentRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO enrolment (id, server_url, device_id, centre, hq_public_key, device_key, device_secret, enrolled_at, server_fingerprint, centre_key) \
             VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&e.server_url)
        .bind(&e.device_id)
        .bind(&e.centre)
        .bind(&e.hq_public_key)
        .bind(&e.device_key)
        .bind(&e.device_secret)
        .bind(e.enrolled_at)
        .bind(&e.server_fingerprint)
        .bind(&e.centre_key)
        .execute(&self.write)
        .await
        .map_err(|e| conflict_on_unique(e, "an enrolment"))?;
        Ok(())
    }

    /// Attempts whose latest events HQ has not confirmed, oldest first.
    pub async fn pending_outbox(&self, limit: i64) -> Result<Vec<OutboxRow>> {
        Ok(sqlx::query_as(
            "SELECT attempt_id, head_seq, receipt_seq, receipt_hash FROM outbox \
             WHERE receipt_seq < head_seq AND conflict IS NULL ORDER BY queued_at, attempt_id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// Every outbox row (for a USB export and its manifest).
    pub async fn all_outbox(&self) -> Result<Vec<OutboxRow>> {
        Ok(sqlx::query_as(
            "SELECT attempt_id, head_seq, receipt_seq, receipt_hash FROM outbox ORDER BY queued_at, attempt_id",
        )
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn outbox_counts(&self) -> Result<OutboxCounts> {
        let (pending, synced, conflicts): (i64, i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE receipt_seq < head_seq AND conflict IS NULL), \
                    count(*) FILTER (WHERE receipt_seq >= head_seq AND conflict IS NULL), \
                    count(*) FILTER (WHERE conflict IS NOT NULL) FROM outbox",
        )
        .fetch_one(&self.read)
        .await?;
        Ok(OutboxCounts {
            pending,
            synced,
            conflicts,
        })
    }

    pub async fn upload_head(&self, attempt_id: &str) -> Result<Option<UploadHead>> {
        Ok(sqlx::query_as(
            "SELECT a.id AS attempt_id, e.package_id AS package_id, a.exam_id, u.username, \
                    a.started_at, a.duration_secs, a.time_multiplier \
             FROM attempts a JOIN exams e ON e.id = a.exam_id JOIN users u ON u.id = a.user_id \
             WHERE a.id = $1",
        )
        .bind(attempt_id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// An attempt's events and result, read in one snapshot (a grading commit
    /// between two separate reads would pair a result with a log that lacks it).
    pub async fn upload_parts(
        &self,
        attempt_id: &str,
    ) -> Result<(Vec<StoredEvent>, Option<crate::ResultRow>)> {
        let mut tx = self.read.begin().await?;
        let events = crate::attempts::events_in(&mut tx, attempt_id).await?;
        let result = crate::attempts::result_in(&mut tx, attempt_id).await?;
        tx.commit().await?;
        Ok((events, result))
    }

    /// Records HQ's receipts. A receipt only ever moves forward, and only when its
    /// hash is the one this desktop holds at that sequence number.
    pub async fn record_receipts(
        &self,
        receipts: &[(String, i64, String)],
        conflicts: &[(String, String)],
        now: Timestamp,
    ) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let mut n = 0;
        for (id, seq, hash) in receipts {
            n += sqlx::query(
                "UPDATE outbox SET receipt_seq = $2, receipt_hash = $3, receipt_at = $4 \
                 WHERE attempt_id = $1 AND receipt_seq <= $2 \
                   AND EXISTS (SELECT 1 FROM attempt_events WHERE attempt_id = $1 AND seq = $2 AND hash = $3)",
            )
            .bind(id)
            .bind(seq)
            .bind(hash)
            .bind(now.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        for (id, why) in conflicts {
            sqlx::query("UPDATE outbox SET conflict = $2 WHERE attempt_id = $1")
                .bind(id)
                .bind(why)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    pub async fn sync_state(&self) -> Result<SyncStateRow> {
        Ok(sqlx::query_as(
            "SELECT last_success_at, last_error, last_error_at FROM sync_state WHERE id = 1",
        )
        .fetch_optional(&self.read)
        .await?
        .unwrap_or_default())
    }

    pub async fn set_sync_result(&self, error: Option<&str>, now: Timestamp) -> Result<()> {
        let sql = if error.is_none() {
            "INSERT INTO sync_state (id, last_success_at) VALUES (1, $1) \
             ON CONFLICT(id) DO UPDATE SET last_success_at = excluded.last_success_at"
        } else {
            "INSERT INTO sync_state (id, last_error, last_error_at) VALUES (1, $2, $1) \
             ON CONFLICT(id) DO UPDATE SET last_error = excluded.last_error, last_error_at = excluded.last_error_at"
        };
        sqlx::query(sql)
            .bind(now.0)
            .bind(error)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
