//! A server with an upstream: a centre or room hub between desktops and HQ.
//!
//! The hub is enrolled with HQ like a desktop (`examhall serve --upstream URL
//! --enrolment-token T`). It then:
//! - pulls its centre's packages from HQ (the ordinary sync round) and serves them,
//!   still signed by HQ, to its desktops;
//! - passes desktop enrolments through to HQ (an HQ token; HQ learns each desktop's
//!   key) and records each desktop, so it can check their uploads and pulls itself;
//! - takes custody of its desktops' signed result envelopes: each is checked
//!   (signature, every attempt's hash chain) and stored durably before the desktop
//!   gets its receipt, then forwarded verbatim to HQ whenever the link is up. HQ
//!   checks the desktop's own signature, so the hub cannot alter a result.
//!
//! Re-sent attempts are acknowledged without being forwarded twice; the same
//! attempt from a second desktop is refused at the hub as HQ would refuse it.

use crate::sync::{fenced_receipt, rejected, stored_event, unavailable, upload_shape_error};
use crate::{App, AppError, AppResult};
use examhall_domain::events::verify_chain;
use examhall_protocol::sync::{
    EnrolRequest, Enrolled, Receipt, ReceiptStatus, Receipts, RelayStatusDto, ResultBatch,
    SignedEnvelope,
};
use examhall_store::{DeviceRow, RelayAttempt, RelayOutcome};
use examhall_sync::{envelope, HqClient, PublicKey};

/// Envelopes forwarded per sync round.
const FORWARD_BATCH: i64 = 20;

impl App {
    /// Whether this server relays to an upstream (it is enrolled with one).
    pub(crate) async fn relaying(&self) -> AppResult<bool> {
        if let Some(r) = self.inner.sync_cache.lock().expect("sync cache").relaying {
            return Ok(r);
        }
        let r = self.store().enrolment().await?.is_some();
        self.inner.sync_cache.lock().expect("sync cache").relaying = Some(r);
        Ok(r)
    }

    /// Enrols this machine with its upstream: a hub with HQ (`examhall serve
    /// --upstream`), or a lab seat with its hub (`--hub`, `examhall seat`). The
    /// operator's set-up step, so no user session. Does nothing if it is enrolled
    /// already.
    pub async fn enrol_machine(&self, upstream: &str, token: &str, name: &str) -> AppResult<()> {
        if self.store().enrolment().await?.is_some() {
            return Ok(());
        }
        let name = name.trim();
        if name.is_empty() || name.len() > 100 {
            return Err(AppError::invalid("device_name", "1 to 100 characters"));
        }
        self.enrol_upstream(upstream, token, name.to_owned()).await
    }

    /// A desktop enrols through the hub: the request goes to HQ unchanged (the
    /// token is HQ's), and the hub records the device HQ enrolled.
    pub(crate) async fn relay_enrol(&self, req: EnrolRequest) -> AppResult<Enrolled> {
        let key = req.device_public_key.trim().to_lowercase();
        PublicKey::from_hex(&key, "device_public_key")
            .map_err(|e| AppError::invalid("device_public_key", e.to_string()))?;
        let enr = self.enrolled().await?;
        let client = self.upstream(&enr)?;
        let e = client.enrol(&req).await.map_err(unavailable)?;
        if e.hq_public_key != enr.hq_public_key || e.centre != enr.centre {
            return Err(AppError::Unavailable(format!(
                "HQ enrolled the desktop for centre {}, but this hub serves {}",
                e.centre, enr.centre
            )));
        }
        // The hub checks the desktop's pulls itself: it needs the secret HQ issued.
        let secret = match e.device_token.split_once('.') {
            Some((id, secret)) if id == e.device_id && secret.len() >= 32 => secret,
            _ => {
                return Err(AppError::Unavailable(
                    "HQ's enrolment answer has no usable device token".into(),
                ))
            }
        };
        self.store()
            .record_relayed_device(
                &DeviceRow {
                    id: e.device_id.clone(),
                    centre: e.centre.clone(),
                    name: req.device_name.trim().to_owned(),
                    public_key: key,
                    secret_hash: crate::sync::sha256_hex(secret),
                    revoked_at: None,
                },
                self.now(),
            )
            .await?;
        tracing::info!(device = %e.device_id, "desktop enrolled through this hub");
        Ok(e)
    }

    /// Takes custody of a desktop's signed results (see the module docs).
    pub(crate) async fn relay_results(&self, env: SignedEnvelope) -> AppResult<Receipts> {
        let (device, key) = self.device_key_of(&env.device_id).await?;
        let batch: ResultBatch = envelope::open(&env, envelope::ENVELOPE_RESULTS, &key)
            .map_err(|e| AppError::invalid("envelope", e.to_string()))?;
        let mut receipts: Vec<Option<Receipt>> = Vec::with_capacity(batch.attempts.len());
        let mut take = Vec::new();
        let mut chains = Vec::new();
        let ids: Vec<String> = batch
            .attempts
            .iter()
            .map(|a| a.attempt_id.clone())
            .collect();
        let fenced = self.fenced_uploads(&device.id, &ids).await?;
        for up in &batch.attempts {
            if let Some(why) = upload_shape_error(up) {
                receipts.push(Some(rejected(&up.attempt_id, why)));
                continue;
            }
            if let Some((outcome, why)) = fenced.get(&up.attempt_id) {
                receipts.push(Some(fenced_receipt(&up.attempt_id, *outcome, why)));
                continue;
            }
            let stored: Vec<_> = up.events.iter().map(stored_event).collect();
            match (verify_chain(&up.attempt_id, &stored), stored.last()) {
                (Ok(events), Some(last)) => {
                    receipts.push(None);
                    take.push(RelayAttempt {
                        attempt_id: up.attempt_id.clone(),
                        head_seq: last.seq,
                        head_hash: last.hash.0.clone(),
                    });
                    chains.push((up, stored.into_iter().zip(events).collect::<Vec<_>>()));
                }
                (Err(e), _) => receipts.push(Some(rejected(
                    &up.attempt_id,
                    format!("attempt {}: {e}", up.attempt_id),
                ))),
                (Ok(_), None) => unreachable!("upload_shape_error refuses an empty log"),
            }
        }
        let json = serde_json::to_string(&env)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("envelope: {e}")))?;
        let outcomes = self
            .store()
            .relay_take(&env.device_id, &json, &take, self.now())
            .await?;
        for ((up, chain), outcome) in chains.iter().zip(&outcomes) {
            if matches!(
                outcome,
                RelayOutcome::Stored | RelayOutcome::AlreadyHeld { .. }
            ) {
                // The envelope is already in custody: a console that could not
                // be told is no reason to refuse the seat its receipt.
                if let Err(e) = self.console_learns_hand_in(&device, up, chain).await {
                    tracing::warn!(attempt = %up.attempt_id, error = %e, "the console did not learn of a hand-in");
                }
            }
        }
        let mut outcomes = take.into_iter().zip(outcomes);
        let receipts = receipts
            .into_iter()
            .map(|slot| {
                slot.unwrap_or_else(|| {
                    let (a, o) = outcomes.next().expect("one outcome per attempt taken");
                    let (head_seq, head_hash, outcome, message) = match o {
                        RelayOutcome::Stored => {
                            (a.head_seq, a.head_hash, ReceiptStatus::Stored, None)
                        }
                        RelayOutcome::AlreadyHeld {
                            head_seq,
                            head_hash,
                        } => (head_seq, head_hash, ReceiptStatus::AlreadyHeld, None),
                        RelayOutcome::OtherDevice(dev) => (
                            0,
                            String::new(),
                            ReceiptStatus::Conflict,
                            Some(format!(
                                "attempt {} was already sent by device {dev}",
                                a.attempt_id
                            )),
                        ),
                        RelayOutcome::Forked => (
                            0,
                            String::new(),
                            ReceiptStatus::Conflict,
                            Some(format!(
                                "attempt {}: its log differs from the one this hub holds",
                                a.attempt_id
                            )),
                        ),
                    };
                    Receipt {
                        attempt_id: a.attempt_id,
                        head_seq,
                        head_hash,
                        outcome,
                        message,
                    }
                })
            })
            .collect();
        Ok(Receipts { receipts })
    }

    /// Forwards held envelopes to HQ, oldest first, and records HQ's answers.
    /// Returns how many were forwarded and whether more wait.
    pub(crate) async fn forward_relayed(&self, client: &HqClient) -> AppResult<(u32, bool)> {
        let rows = self.store().relay_pending(FORWARD_BATCH).await?;
        let mut n = 0;
        for row in &rows {
            let env: SignedEnvelope = serde_json::from_str(&row.envelope)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("relay_queue {}: {e}", row.id)))?;
            // HQ authenticates its receipts to the desktop whose envelope this is;
            // the hub holds that desktop's secret hash, so it can check them.
            let (device, _) = self.device_key_of(&env.device_id).await?;
            let key = crate::transport::answer_key_from_hash(&device.secret_hash);
            let receipts = client.push_results(&env, &key).await.map_err(unavailable)?;
            let refused: Vec<&Receipt> = receipts
                .receipts
                .iter()
                .filter(|r| {
                    !matches!(
                        r.outcome,
                        ReceiptStatus::Stored | ReceiptStatus::AlreadyHeld
                    )
                })
                .collect();
            let refused = if refused.is_empty() {
                None
            } else {
                tracing::warn!(envelope = row.id, "HQ refused relayed attempts");
                Some(serde_json::to_string(&refused).expect("receipts serialise"))
            };
            self.store()
                .relay_forwarded(row.id, refused.as_deref(), self.now())
                .await?;
            n += 1;
        }
        Ok((n, rows.len() as i64 == FORWARD_BATCH))
    }

    pub(crate) async fn relay_status(&self) -> AppResult<RelayStatusDto> {
        let c = self.store().relay_counts().await?;
        Ok(RelayStatusDto {
            pending: c.pending as u64,
            forwarded: c.forwarded as u64,
            refused: c.refused as u64,
        })
    }
}
