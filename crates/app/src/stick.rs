//! Results by USB stick, both ways, without anyone pressing a button.
//!
//! On a desktop with an outbox folder configured (`outbox = "/media/usb/out"`),
//! `stick_loop` looks for that folder every few seconds. When it appears (the
//! stick is plugged in and mounted) the desktop writes its signed results file
//! and manifest there, and again whenever its results change while the stick
//! stays. At HQ, importing a results file (`examhall import-results`) writes
//! HQ's signed receipts beside it; the next time the stick is in the desktop,
//! the desktop reads them and counts those attempts as held by HQ, exactly as
//! if the receipts had come over the network.
//!
//! The folder is watched with `notify` (`examhall_sync::watch::FolderBell`):
//! the folder itself once it is there, else its nearest existing ancestor, so
//! a stick mounted at a new mount point is seen at once. A mount onto a folder
//! that already exists raises no event, so the loop also looks every few
//! seconds.

use crate::{App, AppError, AppResult};
use examhall_protocol::sync::{ReceiptFile, Receipts, SignedEnvelope};
use examhall_sync::{envelope, PublicKey};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Extension of HQ's receipt files.
pub const RECEIPTS_EXT: &str = "exhrcpt";

/// What one look at the stick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StickRound {
    /// The folder is there.
    pub present: bool,
    /// A results file and manifest were written now.
    pub exported: Option<u32>,
    /// Receipts from HQ's files on the stick that matched an attempt here
    /// (a file read again records the same again, which changes nothing).
    pub receipts_recorded: u32,
    /// Files on the stick that were not HQ's receipts for this desktop: why.
    pub refused: Vec<String>,
}

impl App {
    /// HQ's side: after importing `device`'s results file from `dir`, writes
    /// HQ's signed receipts beside it. Only HQ (a server with the signing key)
    /// writes them; elsewhere nothing is written.
    pub(crate) fn write_receipt_file(
        &self,
        dir: &Path,
        device: &str,
        receipts: &Receipts,
    ) -> AppResult<Option<PathBuf>> {
        let Ok(key) = self.hq_key() else {
            return Ok(None);
        };
        let now = self.now();
        let doc = ReceiptFile {
            device_id: device.to_owned(),
            created_at_ms: now.0,
            receipts: receipts.receipts.clone(),
        };
        let env = envelope::seal(key, "hq", envelope::ENVELOPE_RECEIPTS, &doc);
        let stamp = crate::reports::local_time(now).replace([' ', ':'], "-");
        let file = dir.join(format!("{}{stamp}.{RECEIPTS_EXT}", receipts_prefix(device)));
        let json = serde_json::to_vec_pretty(&env)
            .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
        crate::files::write_atomically(&file, &json)
            .map_err(|e| AppError::invalid(file.display().to_string(), e.to_string()))?;
        tracing::info!(file = %file.display(), "receipts written back to the stick");
        Ok(Some(file))
    }

    /// The desktop's side: one look at the stick's folder. Reads HQ's receipt
    /// files there (a forged or foreign one is refused and changes nothing),
    /// then writes the results file and manifest if the folder just appeared
    /// (`fresh`) or the results changed since the last write (`last`).
    pub async fn stick_round(
        &self,
        dir: &Path,
        fresh: bool,
        memory: &mut StickMemory,
    ) -> AppResult<StickRound> {
        let mut round = StickRound::default();
        if !dir.is_dir() {
            return Ok(round);
        }
        round.present = true;
        let Some(enr) = self.store().enrolment().await? else {
            return Ok(round);
        };
        let hq = PublicKey::from_hex(&enr.hq_public_key, "hq key")
            .map_err(|e| AppError::Internal(anyhow::anyhow!("stored HQ key: {e}")))?;
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| AppError::invalid(dir.display().to_string(), e.to_string()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == RECEIPTS_EXT))
            // HQ names each receipt file after its desktop: the other
            // desktops' files on a shared stick are theirs to read.
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                let a_desktops = format!("{RECEIPTS_NAME}{}", crate::sync::DEVICE_ID_PREFIX);
                !name.starts_with(&a_desktops) || name.starts_with(&receipts_prefix(&enr.device_id))
            })
            .collect();
        files.sort();
        for f in files {
            // A file is read once, and again only when it changes: a refused
            // one is reported once, not at every look.
            let stamp = std::fs::metadata(&f)
                .ok()
                .map(|m| (m.modified().ok(), m.len()));
            if stamp.is_some() && memory.seen.get(&f) == stamp.as_ref() {
                continue;
            }
            if let Some(st) = stamp {
                memory.seen.insert(f.clone(), st);
            }
            match read_receipts(&f, &hq, &enr.device_id) {
                Ok(receipts) => {
                    let (n, _) = self.record(&receipts).await?;
                    round.receipts_recorded += n;
                }
                Err(why) => {
                    tracing::warn!(file = %f.display(), %why, "not HQ's receipts for this desktop");
                    round.refused.push(format!("{}: {why}", f.display()));
                }
            }
        }
        let counts = self.store().outbox_counts().await?;
        // The rooms this machine ran travel too: a room that closes after the
        // results were written is written again.
        let rooms: Vec<_> = self
            .store()
            .room_sessions()
            .await?
            .into_iter()
            .filter(|s| s.package_id.is_some())
            .collect();
        let closed = rooms.iter().filter(|s| s.closed_at.is_some()).count() as i64;
        let now_sig = (counts.pending, counts.synced + counts.conflicts, closed);
        // A relay hub holds no results of its own, but its rooms' reports.
        let has_results =
            counts.pending + counts.synced + counts.conflicts > 0 || !rooms.is_empty();
        if has_results && (fresh || memory.last != Some(now_sig)) {
            let out = self.export_results_here(dir).await?;
            tracing::info!(attempts = out.attempts, folder = %dir.display(), "results written to the stick");
            round.exported = Some(out.attempts);
            memory.last = Some(now_sig);
        }
        Ok(round)
    }

    /// Looks at the stick's folder every `every` until `stop` turns true.
    pub async fn stick_loop(
        self,
        dir: PathBuf,
        every: Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        let mut was_present = false;
        let mut memory = StickMemory::default();
        let (mut bell, mut rings) = match examhall_sync::watch::FolderBell::new(&dir) {
            Ok((b, r)) => (Some(b), Some(r)),
            Err(e) => {
                tracing::warn!(folder = %dir.display(), error = %e, "cannot watch; looking every few seconds");
                (None, None)
            }
        };
        loop {
            if let Some(b) = bell.as_mut() {
                b.rearm();
            }
            match self.stick_round(&dir, !was_present, &mut memory).await {
                Ok(r) => was_present = r.present,
                Err(e) => tracing::warn!(folder = %dir.display(), error = %e, "the stick's folder"),
            }
            let ring = async {
                match rings.as_mut() {
                    Some(r) => {
                        if r.recv().await.is_none() {
                            std::future::pending::<()>().await;
                        }
                        // A copy raises a burst of events: let it settle.
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        while r.try_recv().is_ok() {}
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = ring => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                return;
            }
        }
    }
}

/// How HQ names receipt files: this, the desktop's id, a dash, the time.
const RECEIPTS_NAME: &str = "receipts-";

/// How HQ begins the name of a receipt file for `device`.
fn receipts_prefix(device: &str) -> String {
    format!("{RECEIPTS_NAME}{device}-")
}

/// What the desktop remembers of the stick between looks.
#[derive(Debug, Default)]
pub struct StickMemory {
    /// The outbox's counts (and the rooms closed) when the results were last
    /// written there.
    last: Option<(i64, i64, i64)>,
    /// Receipt files already read, by modification time and length.
    seen: std::collections::HashMap<PathBuf, (Option<std::time::SystemTime>, u64)>,
}

/// HQ's receipts in `file`, if it is HQ's signed receipt file for `device`.
fn read_receipts(file: &Path, hq: &PublicKey, device: &str) -> Result<Receipts, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))?;
    let env: SignedEnvelope = serde_json::from_str(&text).map_err(|e| {
        format!(
            "line {}, column {}: not a signed Examhall file: {e}",
            e.line(),
            e.column()
        )
    })?;
    let doc: ReceiptFile =
        envelope::open(&env, envelope::ENVELOPE_RECEIPTS, hq).map_err(|e| e.to_string())?;
    if doc.device_id != device {
        return Err(format!(
            "receipts for device {}, not this one",
            doc.device_id
        ));
    }
    Ok(Receipts {
        receipts: doc.receipts,
    })
}
