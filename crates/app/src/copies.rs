//! Copy as you go: a seat sends every committed event of its attempts to its
//! room hub within about a second, after the local commit and never instead of
//! it; the hub keeps them after the checks HQ makes of an upload. A dead disk
//! then loses at most what the copy lag held.
//!
//! The seat's side is a loop of its own (`copy_loop`): it reads what the hub
//! has not acknowledged and never touches the save path, so a slow or absent
//! hub costs the candidate nothing.

use crate::sync::{
    attempt_id_ok, attempt_upload, device_key, event_upload, stored_event, unavailable,
};
use crate::{App, AppError, AppResult};
use examhall_domain::events::verify_chain_from;
use examhall_domain::{AttemptEvent, AttemptStatus, EventHash};
use examhall_protocol::sync::{
    AttemptUpload, CopyBatch, Receipt, ReceiptStatus, Receipts, SignedEnvelope, TakeoverAnswer,
    TakeoverRequest,
};
use examhall_store::{CopyAppend, CopyHead, DeviceRow};
use examhall_sync::envelope;
use std::time::Duration;

/// Attempts per copy envelope (a seat has one or two; a desktop at HQ more).
const COPY_ATTEMPTS: i64 = 50;
/// Events per attempt per envelope: a seat that was cut off for a long time
/// catches up over several rounds.
const COPY_EVENTS: i64 = 500;

/// One copy round's work, for tests and the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CopyRound {
    pub attempts: u32,
    pub events: u32,
    /// Attempts the hub acknowledged whole.
    pub acked: u32,
    /// Attempts the hub refused for good (moved to another seat, or held from
    /// another).
    pub refused: u32,
}

enum CopyCheck {
    Answer(Receipt),
    Append(CopyAppend),
}

fn answer(
    id: &str,
    head: Option<&CopyHead>,
    outcome: ReceiptStatus,
    why: Option<String>,
) -> Receipt {
    Receipt {
        attempt_id: id.to_owned(),
        head_seq: head.map_or(0, |h| h.head_seq),
        head_hash: head.map_or_else(String::new, |h| h.head_hash.clone()),
        outcome,
        message: why,
    }
}

impl App {
    /// The hub's side: takes a seat's `copy` envelope. The signature must be the
    /// seat's; per attempt, the events must continue the chain this hub holds
    /// from that seat (or start it). What is new is stored in one transaction
    /// before the answer, which says how far the hub holds each attempt.
    pub async fn take_copies(&self, env: SignedEnvelope) -> AppResult<Receipts> {
        let (device, key) = self.device_key_of(&env.device_id).await?;
        let batch: CopyBatch = envelope::open(&env, envelope::ENVELOPE_COPY, &key)
            .map_err(|e| AppError::invalid("envelope", e.to_string()))?;
        if batch.attempts.len() > COPY_ATTEMPTS as usize {
            return Err(AppError::invalid(
                "attempts",
                format!("at most {COPY_ATTEMPTS} attempts per copy"),
            ));
        }
        let ids: Vec<String> = batch
            .attempts
            .iter()
            .map(|a| a.attempt_id.clone())
            .collect();
        let held = self.store().copy_heads(&ids).await?;
        let mut slots = Vec::with_capacity(batch.attempts.len());
        let mut appends = Vec::new();
        for up in &batch.attempts {
            match self
                .check_copy(&device, up, held.get(&up.attempt_id))
                .await?
            {
                CopyCheck::Answer(r) => slots.push(Some(r)),
                CopyCheck::Append(a) => {
                    slots.push(None);
                    appends.push(a);
                }
            }
        }
        let stored = self.store().copy_append(&appends, self.now()).await?;
        let mut done = appends.into_iter().zip(stored);
        let receipts = slots
            .into_iter()
            .map(|slot| {
                slot.unwrap_or_else(|| {
                    let (a, ok) = done.next().expect("one outcome per append");
                    let last = a.events.last().expect("an append has events");
                    if ok {
                        Receipt {
                            attempt_id: a.attempt_id,
                            head_seq: last.seq,
                            head_hash: last.hash.0.clone(),
                            outcome: ReceiptStatus::Stored,
                            message: None,
                        }
                    } else {
                        // The copy moved on between the check and the write (the
                        // same seat twice at once, or a move): send again.
                        Receipt {
                            attempt_id: a.attempt_id,
                            head_seq: a.after_seq,
                            head_hash: a.after_hash,
                            outcome: ReceiptStatus::Rejected,
                            message: Some("the hub's copy changed meanwhile; send again".into()),
                        }
                    }
                })
            })
            .collect();
        Ok(Receipts { receipts })
    }

    async fn check_copy(
        &self,
        device: &DeviceRow,
        up: &AttemptUpload,
        held: Option<&CopyHead>,
    ) -> AppResult<CopyCheck> {
        let id = &up.attempt_id;
        // Not taken now, but sending again from the hub's head may succeed
        // (a gap after the hub lost its copy, a link the hub cannot follow).
        let reject = |why: String| {
            Ok(CopyCheck::Answer(answer(
                id,
                held.filter(|h| h.device_id == device.id),
                ReceiptStatus::Rejected,
                Some(why),
            )))
        };
        // Never taken, however often sent (an old attempt at a package this hub
        // does not know, a malformed upload): the seat stops sending it.
        let refuse = |why: String| {
            Ok(CopyCheck::Answer(answer(
                id,
                None,
                ReceiptStatus::Conflict,
                Some(why),
            )))
        };
        if !attempt_id_ok(id) {
            return refuse("attempt_id: 1 to 64 letters, digits or dashes".into());
        }
        if up.events.is_empty() || up.events.len() > COPY_EVENTS as usize {
            return refuse(format!("attempt {id}: 1 to {COPY_EVENTS} events per copy"));
        }
        if up.duration_secs == 0 || !(1.0..=4.0).contains(&up.time_multiplier) {
            return refuse(format!(
                "attempt {id}: duration_secs must be positive and time_multiplier within 1–4"
            ));
        }
        let package = self.store().package(&up.package_id).await?;
        if package.as_ref().is_none_or(|p| p.centre != device.centre) {
            return refuse(format!(
                "attempt {id}: package {} is not one of this centre's here",
                up.package_id
            ));
        }
        if let Some(h) = held {
            if let Some((outcome, why)) = self.fence(h, &device.id).await? {
                return Ok(CopyCheck::Answer(answer(id, None, outcome, Some(why))));
            }
            if h.username != up.username || h.package_id != up.package_id {
                return Ok(CopyCheck::Answer(answer(
                    id,
                    None,
                    ReceiptStatus::Conflict,
                    Some(format!(
                        "attempt {id}: its candidate or package differs from the copy held"
                    )),
                )));
            }
        }
        let (after_seq, after_hash, mut status) = match held {
            Some(h) => (
                h.head_seq,
                EventHash(h.head_hash.clone()),
                AttemptStatus::parse(&h.status).unwrap_or(AttemptStatus::InProgress),
            ),
            None => (0, EventHash::genesis(), AttemptStatus::InProgress),
        };
        let events: Vec<_> = up.events.iter().map(stored_event).collect();
        // A seat whose acknowledgement went astray sends some events again:
        // the one at the held head must be the one held.
        if let Some(at_head) = events.iter().find(|e| e.seq == after_seq) {
            if at_head.hash != after_hash {
                return Ok(CopyCheck::Answer(answer(
                    id,
                    held,
                    ReceiptStatus::Conflict,
                    Some(format!(
                        "attempt {id}: event {after_seq} differs from the one this hub holds"
                    )),
                )));
            }
        }
        let new: Vec<_> = events.into_iter().filter(|e| e.seq > after_seq).collect();
        if new.is_empty() {
            return Ok(CopyCheck::Answer(answer(
                id,
                held,
                ReceiptStatus::AlreadyHeld,
                None,
            )));
        }
        let decoded = match verify_chain_from(id, after_seq, &after_hash, &new) {
            Ok(d) => d,
            Err(e) => {
                return reject(format!(
                    "attempt {id}: {e} (this hub holds it up to event {after_seq})"
                ))
            }
        };
        if after_seq == 0 && !matches!(decoded.first(), Some(AttemptEvent::Started { .. })) {
            return refuse(format!("attempt {id}: a chain starts with `started`"));
        }
        for e in &decoded {
            status = e.next_status(status);
        }
        Ok(CopyCheck::Append(CopyAppend {
            attempt_id: id.clone(),
            device_id: device.id.clone(),
            package_id: up.package_id.clone(),
            username: up.username.clone(),
            started_at: up.started_at_ms,
            duration_secs: i64::from(up.duration_secs),
            time_multiplier: up.time_multiplier,
            after_seq,
            after_hash: after_hash.0,
            events: new,
            status: status.as_str().to_owned(),
        }))
    }

    /// Whether `device` may no longer write to the attempt this copy is of:
    /// the candidate was moved away from it (`Moved`, naming where), or another
    /// seat holds it (`Conflict`).
    pub(crate) async fn fence(
        &self,
        h: &CopyHead,
        device_id: &str,
    ) -> AppResult<Option<(ReceiptStatus, String)>> {
        let id = &h.attempt_id;
        if h.move_state.as_deref() == Some("pending") {
            return Ok(Some((
                ReceiptStatus::Moved,
                format!("the invigilator is moving attempt {id} to a spare seat"),
            )));
        }
        if h.device_id == device_id {
            return Ok(None);
        }
        if h.moved_from.as_deref() == Some(device_id) {
            let to = self.device_name(&h.device_id).await?;
            return Ok(Some((
                ReceiptStatus::Moved,
                format!("the invigilator moved attempt {id} to {to}"),
            )));
        }
        Ok(Some((
            ReceiptStatus::Conflict,
            format!("attempt {id} is held from another seat"),
        )))
    }

    pub(crate) async fn device_name(&self, device_id: &str) -> AppResult<String> {
        Ok(self
            .store()
            .device(device_id)
            .await?
            .map_or_else(|| device_id.to_owned(), |d| d.name))
    }

    /// Result uploads of attempts whose copy here belongs to another seat: the
    /// refusal per attempt id. A seat that was moved away from and comes back
    /// cannot hand in the attempt its candidate continues elsewhere.
    pub(crate) async fn fenced_uploads(
        &self,
        device_id: &str,
        ids: &[String],
    ) -> AppResult<std::collections::HashMap<String, (ReceiptStatus, String)>> {
        let mut out = std::collections::HashMap::new();
        for (id, h) in self.store().copy_heads(ids).await? {
            if let Some(f) = self.fence(&h, device_id).await? {
                out.insert(id, f);
            }
        }
        Ok(out)
    }

    /// A seat asks, before it starts a candidate's attempt, whether the room
    /// already has one. A move the invigilator opened is taken by this seat
    /// here (and the console line follows it); the answer then carries the
    /// whole copied chain to continue.
    pub async fn takeover(
        &self,
        device_token: &str,
        req: TakeoverRequest,
    ) -> AppResult<TakeoverAnswer> {
        let d = self.device_by_token(device_token).await?;
        for (field, v) in [("package_id", &req.package_id), ("username", &req.username)] {
            if v.is_empty() || v.len() > 128 {
                return Err(AppError::invalid(field, "1 to 128 characters"));
            }
        }
        let ours = self
            .store()
            .package(&req.package_id)
            .await?
            .is_some_and(|p| p.centre == d.centre);
        let Some(h) = self
            .store()
            .copy_for(&req.package_id, &req.username)
            .await?
            .filter(|_| ours)
        else {
            return Ok(TakeoverAnswer::Fresh);
        };
        let taken_here = match h.move_state.as_deref() {
            Some("pending") => {
                let session = self
                    .seat_sessions(&d.centre)
                    .await?
                    .remove(&req.package_id)
                    .map(|s| s.id);
                let line = session.map(|s| (s, req.username.as_str()));
                if !self
                    .store()
                    .claim_move(&h.attempt_id, &d.id, &d.name, line)
                    .await?
                {
                    return Err(AppError::Conflict(
                        "Another seat took this move at the same moment.".into(),
                    ));
                }
                if let Some(s) = session {
                    let from = match &h.moved_from {
                        Some(f) => self.device_name(f).await?,
                        None => String::new(),
                    };
                    let detail = format!("continues on {} (moved from {from})", d.name);
                    self.store()
                        .room_log_append(
                            s,
                            examhall_store::LogLine {
                                kind: "moved",
                                category: None,
                                username: Some(&req.username),
                                detail: &detail,
                                by_user: None,
                            },
                            self.now(),
                        )
                        .await?;
                }
                true
            }
            // Taken by this seat before, but not installed (a crash, a wrong
            // start code): it may ask again.
            _ => h.device_id == d.id,
        };
        if !taken_here {
            return Ok(TakeoverAnswer::Elsewhere {
                seat: self.device_name(&h.device_id).await?,
                status: h.status,
            });
        }
        let events = self.store().copy_events(&h.attempt_id).await?;
        let from_seat = match &h.moved_from {
            Some(f) => self.device_name(f).await?,
            None => d.name.clone(),
        };
        Ok(TakeoverAnswer::Continue {
            attempt: AttemptUpload {
                attempt_id: h.attempt_id,
                package_id: h.package_id,
                username: h.username,
                started_at_ms: h.started_at,
                duration_secs: u32::try_from(h.duration_secs).unwrap_or(0),
                time_multiplier: h.time_multiplier,
                events: events.iter().map(event_upload).collect(),
                result: None,
            },
            from_seat,
            to_seat: d.name,
        })
    }

    /// On a seat about to start `username`'s attempt at `exam_id`: what the
    /// room hub knows of it. `None` when this machine follows no hub, the exam
    /// is not from a package, or the hub cannot be reached (the seat then
    /// starts as it would offline).
    pub(crate) async fn ask_room(
        &self,
        username: &str,
        exam_id: i64,
    ) -> AppResult<Option<TakeoverAnswer>> {
        let Some(enr) = self.store().enrolment().await? else {
            return Ok(None);
        };
        let Some(package_id) = self.store().exam_package_id(exam_id).await? else {
            return Ok(None);
        };
        let req = TakeoverRequest {
            package_id,
            username: username.to_owned(),
        };
        let client = self.upstream(&enr)?;
        match tokio::time::timeout(
            Duration::from_secs(3),
            client.takeover(&enr.device_secret, &req),
        )
        .await
        {
            Ok(Ok(a)) => Ok(Some(a)),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "the room hub did not answer before a start; starting here");
                Ok(None)
            }
            Err(_) => {
                tracing::warn!(
                    "the room hub did not answer within 3 s before a start; starting here"
                );
                Ok(None)
            }
        }
    }

    // ---- the seat's side --------------------------------------------------------

    /// Sends what the hub has not acknowledged of this machine's attempts, and
    /// records its answer. Nothing to send costs one read.
    pub async fn copy_round(&self) -> AppResult<CopyRound> {
        let pending = self.store().copy_pending(COPY_ATTEMPTS).await?;
        if pending.is_empty() {
            return Ok(CopyRound::default());
        }
        // A desktop that follows no hub or HQ has nobody to copy to.
        let Some(enr) = self.store().enrolment().await? else {
            return Ok(CopyRound::default());
        };
        let mut attempts = Vec::with_capacity(pending.len());
        let mut round = CopyRound::default();
        for p in &pending {
            // Only package attempts are copied: a room's hub holds its packages.
            let Some(head) = self
                .store()
                .upload_head(&p.attempt_id)
                .await?
                .filter(|h| h.package_id.is_some())
            else {
                continue;
            };
            let events = self
                .store()
                .events_after(&p.attempt_id, p.acked_seq, COPY_EVENTS)
                .await?;
            if events.is_empty() {
                continue;
            }
            round.events += events.len() as u32;
            attempts.push(attempt_upload(head, &events, None));
        }
        if attempts.is_empty() {
            return Ok(round);
        }
        round.attempts = attempts.len() as u32;
        let heads: Vec<(String, i64)> = pending
            .iter()
            .map(|p| (p.attempt_id.clone(), p.head_seq))
            .collect();
        let env = envelope::seal(
            &device_key(&enr)?,
            &enr.device_id,
            envelope::ENVELOPE_COPY,
            &CopyBatch { attempts },
        );
        let receipts = self
            .upstream(&enr)?
            .push_copies(&env, &Self::own_answer_key(&enr))
            .await
            .map_err(unavailable)?;
        let mut acks = Vec::new();
        let mut refused = Vec::new();
        for r in receipts.receipts {
            if !heads.iter().any(|(id, _)| *id == r.attempt_id) {
                continue; // not asked about: ignored
            }
            match r.outcome {
                ReceiptStatus::Conflict | ReceiptStatus::Moved => {
                    tracing::warn!(attempt = %r.attempt_id, why = ?r.message, "the hub refused this attempt's copy");
                    let moved = r.outcome == ReceiptStatus::Moved;
                    refused.push((r.attempt_id, r.message.unwrap_or_default(), moved));
                }
                outcome => {
                    if outcome == ReceiptStatus::Rejected {
                        tracing::warn!(attempt = %r.attempt_id, why = ?r.message, "the hub did not take this copy; sending again from its head");
                    }
                    if heads
                        .iter()
                        .any(|(id, head)| *id == r.attempt_id && *head == r.head_seq)
                    {
                        round.acked += 1;
                    }
                    acks.push((r.attempt_id, r.head_seq, r.head_hash));
                }
            }
        }
        round.refused = refused.len() as u32;
        self.store()
            .record_copy_acks(&acks, &refused, self.now())
            .await?;
        Ok(round)
    }

    /// Copies this machine's new events to its hub until `stop` turns true:
    /// every `every` while the link is up, backing off (to 5 s) while it is not.
    pub async fn copy_loop(self, every: Duration, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut delays = examhall_sync::client::backoff(Duration::from_secs(5));
        loop {
            let wait = match self.copy_round().await {
                Ok(_) => {
                    delays = examhall_sync::client::backoff(Duration::from_secs(5));
                    every
                }
                Err(e) => {
                    tracing::debug!(error = %e, "copy to the hub failed; trying again");
                    delays.next().unwrap_or(Duration::from_secs(5))
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

    /// How far the hub holds an attempt of this machine, for the exam window:
    /// `None` when this machine does not follow a hub.
    pub(crate) async fn copy_status(
        &self,
        attempt_id: &str,
    ) -> AppResult<Option<examhall_protocol::CopyStatusDto>> {
        if self.store().enrolment().await?.is_none() {
            return Ok(None);
        }
        Ok(self
            .store()
            .copy_state(attempt_id)
            .await?
            .map(|(head, acked, refused)| examhall_protocol::CopyStatusDto {
                behind: (head - acked).max(0),
                refused,
            }))
    }
}
