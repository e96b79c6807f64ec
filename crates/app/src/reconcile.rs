//! Reconciliation at HQ (issue 17, point 5).
//!
//! The machine that runs a room's console (a relay hub, or a desktop that is
//! its own room) sends up, with each sync round in which the room changed, a
//! signed account of it: every roster line with its attendance and what the
//! room knows of the candidate's attempt (in progress included, with how far
//! its copy goes), and the room log. The same envelope travels on a USB stick.
//!
//! HQ keeps the newest report per device and session and reconciles each
//! package's roster (read back from the sealed package it signed) against the
//! attempts it holds and those reports: every candidate is absent, never
//! started, in progress, moved, submitted, graded, or missing, with the
//! evidence. A package is complete when every line is accounted for.

use crate::sync::device_key;
use crate::{App, AppError, AppResult};
use examhall_domain::room::Attendance;
use examhall_domain::Role;
use examhall_protocol::room::RoomConsoleDto;
use examhall_protocol::sync::{
    ReconLine, ReconRoom, ReconStatus, Reconciliation, RoomReport, RoomReportAck, RoomReportLine,
    SignedEnvelope,
};
use examhall_protocol::AttemptStatus;
use examhall_store::{EnrolmentRow, RoomReportRow};
use examhall_sync::{envelope, package, HqClient};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// Closed sessions are reported again after a restart for this long.
const REPORT_CLOSED_FOR_MS: i64 = 7 * 24 * 3600 * 1000;
/// Bounds on what HQ accepts in one report.
const MAX_LINES: usize = 5_000;
const MAX_LOG: usize = 50_000;

impl App {
    /// The room's account of session `session_id`, as it stands now.
    pub(crate) async fn room_report(&self, session_id: i64) -> AppResult<Option<RoomReport>> {
        let s = self.session_row(session_id).await?;
        let Some(package_id) = s.package_id.clone() else {
            return Ok(None);
        };
        let c = self.console_of(&s).await?;
        Ok(Some(report_from_console(package_id, c)))
    }

    /// Sends up every room this machine ran whose account changed since it was
    /// last sent (all of them once after a start). Returns how many HQ stored.
    pub(crate) async fn send_room_reports(
        &self,
        client: &HqClient,
        enr: &EnrolmentRow,
    ) -> AppResult<u32> {
        let now = self.now();
        let key = device_key(enr)?;
        let mut stored = 0;
        for s in self.store().room_sessions().await? {
            if s.package_id.is_none()
                || s.closed_at
                    .is_some_and(|c| now.0 - c.0 > REPORT_CLOSED_FOR_MS)
            {
                continue;
            }
            let Some(report) = self.room_report(s.id).await? else {
                continue;
            };
            let digest = report_digest(&report);
            let sent = self
                .inner
                .sync_cache
                .lock()
                .expect("sync cache")
                .room_reports_sent
                .get(&s.id)
                .copied();
            if sent == Some(digest) {
                continue;
            }
            let env = seal(&key, enr, &report);
            let ack = client
                .push_room_report(&env, &Self::own_answer_key(enr))
                .await
                .map_err(crate::sync::unavailable)?;
            stored += u32::from(ack.stored);
            self.inner
                .sync_cache
                .lock()
                .expect("sync cache")
                .room_reports_sent
                .insert(s.id, digest);
        }
        Ok(stored)
    }

    /// The signed accounts of every room this machine ran (for a USB stick).
    pub(crate) async fn room_report_envelopes(
        &self,
        enr: &EnrolmentRow,
    ) -> AppResult<Vec<(i64, SignedEnvelope)>> {
        let key = device_key(enr)?;
        let mut out = Vec::new();
        for s in self.store().room_sessions().await? {
            if let Some(report) = self.room_report(s.id).await? {
                out.push((s.id, seal(&key, enr, &report)));
            }
        }
        Ok(out)
    }

    /// HQ takes a room's signed account of itself (over the link or from a
    /// stick): the device must be enrolled for the package's centre. A report
    /// older than the one held for the same session changes nothing.
    pub async fn ingest_room_report(&self, env: SignedEnvelope) -> AppResult<RoomReportAck> {
        let (device, key) = self.device_key_of(&env.device_id).await?;
        let report: RoomReport = envelope::open(&env, envelope::ENVELOPE_ROOM_REPORT, &key)
            .map_err(|e| AppError::invalid("envelope", e.to_string()))?;
        if report.lines.len() > MAX_LINES {
            return Err(AppError::invalid(
                "lines",
                format!("at most {MAX_LINES} roster lines per room"),
            ));
        }
        if report.log.len() > MAX_LOG {
            return Err(AppError::invalid(
                "log",
                format!("at most {MAX_LOG} room log lines per report"),
            ));
        }
        if !matches!(report.state.as_str(), "planned" | "open" | "closed") {
            return Err(AppError::invalid(
                "state",
                format!("`{}` is not planned, open or closed", report.state),
            ));
        }
        // A package of another centre is refused exactly like an unknown one.
        if self
            .store()
            .package(&report.package_id)
            .await?
            .is_none_or(|p| p.centre != device.centre)
        {
            return Err(AppError::invalid(
                "package_id",
                format!(
                    "package {} is not one of centre {}'s here",
                    report.package_id, device.centre
                ),
            ));
        }
        let stored = self
            .store()
            .save_room_report(&RoomReportRow {
                device_id: device.id.clone(),
                session_id: report.session_id,
                package_id: report.package_id.clone(),
                room: report.room.clone(),
                state: report.state.clone(),
                made_at: report.made_at_ms,
                received_at: self.now().0,
                envelope: serde_json::to_string(&env)
                    .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?,
            })
            .await?;
        tracing::info!(device = %device.id, session = report.session_id, package = %report.package_id, stored, "room report");
        Ok(RoomReportAck { stored })
    }

    /// An administrator at HQ reconciles a package: every rostered candidate
    /// with where they stand and on what evidence, per room and in all.
    pub async fn reconcile(
        &self,
        token: &str,
        package_id: impl AsRef<str>,
    ) -> AppResult<Reconciliation> {
        let package_id = package_id.as_ref();
        self.actor(token)
            .await?
            .require(&[Role::Admin], "reconcile packages")?;
        let hq = self.hq_key()?;
        let pkg = self
            .store()
            .package(package_id)
            .await?
            .filter(|p| p.origin == "published")
            .ok_or_else(|| AppError::NotFound(format!("package {package_id}")))?;
        let bytes = self
            .store()
            .package_bytes(&pkg.id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("package {package_id}")))?;
        let centre_key = self.centre_roster_key(&pkg.centre).await?;
        let roster = package::verify(&bytes, &hq.public())
            .and_then(|v| v.roster(&centre_key))
            .map_err(|e| AppError::Internal(anyhow::anyhow!("stored package {}: {e}", pkg.id)))?;
        let held: HashMap<String, examhall_store::HeldAttemptRow> = match pkg.exam_id {
            Some(exam) => self
                .store()
                .held_attempts(exam)
                .await?
                .into_iter()
                .map(|a| (a.username.clone(), a))
                .collect(),
            None => HashMap::new(),
        };
        // The rooms' reports, verified again with their device's key.
        let mut rooms = Vec::new();
        for row in self.store().room_reports_of(&pkg.id).await? {
            let env: SignedEnvelope = serde_json::from_str(&row.envelope)
                .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
            let (device, key) = self.device_key_of(&row.device_id).await?;
            let report: RoomReport = envelope::open(&env, envelope::ENVELOPE_ROOM_REPORT, &key)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("stored room report: {e}")))?;
            rooms.push((row, device.name, report));
        }
        let mut lines = Vec::new();
        for entry in &roster {
            let u = &entry.username;
            // The newest word of any room on this candidate.
            let said = rooms.iter().rev().find_map(|(row, device, r)| {
                r.lines
                    .iter()
                    .find(|l| &l.username == u)
                    .map(|l| (row, device.as_str(), r, l))
            });
            lines.push(match held.get(u) {
                Some(a) => held_line(u, a, said.map(|(_, _, r, _)| r.room.clone())),
                None => match said {
                    Some((_, device, r, l)) => room_line(u, device, r, l),
                    None => ReconLine {
                        username: u.clone(),
                        status: ReconStatus::Missing,
                        room: None,
                        attempt_id: None,
                        evidence: "no room has reported this candidate, and HQ holds no attempt"
                            .into(),
                        accounted: false,
                    },
                },
            });
        }
        let rooms: Vec<ReconRoom> = rooms
            .iter()
            .map(|(row, device, r)| ReconRoom {
                device_id: row.device_id.clone(),
                device_name: device.clone(),
                session_id: row.session_id,
                room: row.room.clone(),
                state: row.state.clone(),
                made_at_ms: row.made_at,
                received_at_ms: row.received_at,
                log_lines: r.log.len() as u64,
                complete: r.lines.iter().all(|l| {
                    lines
                        .iter()
                        .find(|x| x.username == l.username)
                        .is_none_or(|x| x.accounted)
                }),
            })
            .collect();
        Ok(Reconciliation {
            package_id: pkg.id,
            centre: pkg.centre,
            title: pkg.title,
            complete: lines.iter().all(|l| l.accounted),
            rooms,
            lines,
        })
    }
}

/// A room report signed with this machine's device key.
fn seal(key: &examhall_sync::SigningKey, enr: &EnrolmentRow, r: &RoomReport) -> SignedEnvelope {
    envelope::seal(key, &enr.device_id, envelope::ENVELOPE_ROOM_REPORT, r)
}

fn report_from_console(package_id: String, c: RoomConsoleDto) -> RoomReport {
    RoomReport {
        session_id: c.session.session_id,
        package_id,
        room: c.session.room.clone(),
        state: c.session.state.as_str().to_owned(),
        made_at_ms: c.now_ms,
        lines: c
            .seats
            .into_iter()
            .map(|v| RoomReportLine {
                attempt_id: v.progress.as_ref().map(|p| p.attempt_id.clone()),
                status: v.progress.as_ref().map(|p| p.status),
                seat_head_seq: v.progress.as_ref().map(|p| p.head_seq),
                copy_head_seq: v.copy.as_ref().map(|c| c.held_seq),
                copied_at_ms: v.copy.as_ref().map(|c| c.copied_at_ms),
                moved_from: v.copy.as_ref().and_then(|c| c.moved_from.clone()),
                moving: v.copy.as_ref().is_some_and(|c| c.moving),
                username: v.username,
                attendance: v.attendance,
                seat: v.seat,
                accounted: v.accounted,
                device: v.device,
                last_heard_ms: v.last_heard_ms,
            })
            .collect(),
        log: c.log,
    }
}

/// What changes a report, leaving out when it was made.
fn report_digest(r: &RoomReport) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut copy = r.clone();
    copy.made_at_ms = 0;
    for l in &mut copy.lines {
        // A seat's heartbeat time moves every few seconds; it is evidence, not
        // a change worth a report of its own.
        l.last_heard_ms = None;
    }
    serde_json::to_string(&copy)
        .unwrap_or_default()
        .hash(&mut h);
    h.finish()
}

/// A candidate whose attempt HQ holds.
fn held_line(u: &str, a: &examhall_store::HeldAttemptRow, room: Option<String>) -> ReconLine {
    let status = match a.status.as_str() {
        "graded" => ReconStatus::Graded,
        "submitted" => ReconStatus::Submitted,
        _ => ReconStatus::InProgress,
    };
    let mut evidence = format!(
        "HQ holds the attempt ({} events{})",
        a.head_seq + 1,
        a.device_id
            .as_deref()
            .map(|d| format!(", from device {d}"))
            .unwrap_or_default()
    );
    if a.moved {
        evidence.push_str("; moved to a spare seat during the exam");
    }
    ReconLine {
        username: u.to_owned(),
        status,
        room,
        attempt_id: Some(a.attempt_id.clone()),
        evidence,
        accounted: status.settled(),
    }
}

/// A candidate HQ holds no attempt of, as a room reports them.
fn room_line(u: &str, device: &str, r: &RoomReport, l: &RoomReportLine) -> ReconLine {
    let copy = match (l.copy_head_seq, l.seat_head_seq) {
        (Some(c), Some(s)) => format!(
            "; the room's copy holds {} of the seat's {} events",
            c + 1,
            s + 1
        ),
        (Some(c), None) => format!("; the room's copy holds {} events", c + 1),
        _ => String::new(),
    };
    let seat = l.device.as_deref().unwrap_or("an unknown seat");
    let (status, evidence, accounted) = if l.attendance == Attendance::Absent {
        (
            ReconStatus::Absent,
            format!("marked absent in {} ({device})", r.room),
            true,
        )
    } else if l.moving {
        (
            ReconStatus::Moved,
            format!(
                "moved away from {} in {}; no spare seat has taken the attempt yet{copy}",
                l.moved_from.as_deref().unwrap_or(seat),
                r.room
            ),
            false,
        )
    } else {
        match l.status {
            None => {
                let why = match &l.accounted {
                    Some(a) => format!("never started in {}: {a}", r.room),
                    None if r.state == "closed" => {
                        format!("never started in {}, which is closed", r.room)
                    }
                    None => format!("in the roster of {} ({}), no attempt yet", r.room, r.state),
                };
                (ReconStatus::NeverStarted, why, r.state == "closed")
            }
            Some(AttemptStatus::InProgress) => (
                ReconStatus::InProgress,
                format!("in progress at {seat} in {}{copy}", r.room),
                false,
            ),
            Some(_) => (
                ReconStatus::Missing,
                format!(
                    "{} reports it handed in at {seat}, but HQ has not received the result{copy}",
                    r.room
                ),
                false,
            ),
        }
    };
    ReconLine {
        username: u.to_owned(),
        status,
        room: Some(r.room.clone()),
        attempt_id: l.attempt_id.clone(),
        evidence,
        accounted,
    }
}
