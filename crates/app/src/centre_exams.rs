//! Results of exams built on an enrolled desktop travel up (issue 17, point 5).
//!
//! An exam a centre builds on its own desktop has no HQ package, so HQ cannot
//! check, grade or list its attempts as they arrive. Before the first results
//! of such an exam go up (over the link or on a stick), the desktop sends the
//! exam itself: its spec and its candidates, signed with the device key (a
//! `centre_exam` envelope). HQ holds it as an exam of its own with one closed
//! sitting, under the device and the desktop's exam id, and the attempts that
//! follow name it `centre-exam-<id>` where a package attempt names its package.
//! The exam is sent again when it changes (a key correction), and HQ grades
//! with the newest spec, as the desktop does.
//!
//! Candidates HQ does not know are held as the centre's: candidates without a
//! sign-in at HQ. A roster name that is a staff account at HQ refuses the exam.

use crate::sync::{device_key, sha256_hex, unavailable};
use crate::{App, AppError, AppResult};
use examhall_protocol::sync::{CentreCandidate, CentreExam, CentreExamAck, SignedEnvelope};
use examhall_store::{EnrolmentRow, NewCentreExam};
use examhall_sync::{envelope, HqClient};
use std::collections::{BTreeSet, HashSet};

/// Bound on the candidates of one centre exam HQ accepts.
const MAX_ROSTER: usize = 10_000;

impl App {
    /// This machine's own exam `exam_id` as it goes up, with the digest that
    /// tells whether HQ already holds it as it is.
    async fn centre_exam(&self, exam_id: i64) -> AppResult<(String, CentreExam)> {
        let spec = self.load_exam(exam_id).await?;
        let roster = self
            .store()
            .centre_exam_roster(exam_id)
            .await?
            .into_iter()
            .map(
                |(username, display_name, time_multiplier)| CentreCandidate {
                    username,
                    display_name,
                    time_multiplier,
                },
            )
            .collect::<Vec<_>>();
        let exam = CentreExam {
            local_exam_id: exam_id,
            spec: (*spec).clone(),
            roster,
            made_at_ms: self.now().0,
        };
        Ok((digest(&exam)?, exam))
    }

    /// The machine's own exams among these attempts' exams (`None` package).
    pub(crate) async fn own_exams_of(&self, attempt_ids: &[String]) -> AppResult<BTreeSet<i64>> {
        let mut own = BTreeSet::new();
        for id in attempt_ids {
            if let Some(head) = self.store().upload_head(id).await? {
                if head.package_id.is_none() {
                    own.insert(head.exam_id);
                }
            }
        }
        Ok(own)
    }

    /// Sends up each of these exams HQ does not hold as it is now. Returns the
    /// ones HQ has not acknowledged: their attempts wait for a later round, so
    /// results never reach HQ before their exam. A refusal is logged and named
    /// in `problems`; an unreachable HQ stops the sending.
    pub(crate) async fn send_centre_exams(
        &self,
        client: &HqClient,
        enr: &EnrolmentRow,
        exams: &BTreeSet<i64>,
        problems: &mut Vec<String>,
    ) -> AppResult<HashSet<i64>> {
        let key = device_key(enr)?;
        let mut waiting = HashSet::new();
        let mut reachable = true;
        for &exam_id in exams {
            let (digest, exam) = self.centre_exam(exam_id).await?;
            let sent = self
                .inner
                .sync_cache
                .lock()
                .expect("sync cache")
                .centre_exams_sent
                .get(&exam_id)
                .cloned();
            if sent.as_deref() == Some(digest.as_str()) {
                continue;
            }
            if !reachable {
                waiting.insert(exam_id);
                continue;
            }
            let env = envelope::seal(&key, &enr.device_id, envelope::ENVELOPE_CENTRE_EXAM, &exam);
            match client
                .push_centre_exam(&env, &Self::own_answer_key(enr))
                .await
                .map_err(unavailable)
            {
                Ok(ack) => {
                    tracing::info!(
                        exam = exam_id,
                        hq_exam = ack.exam_id,
                        "centre exam held at HQ"
                    );
                    self.inner
                        .sync_cache
                        .lock()
                        .expect("sync cache")
                        .centre_exams_sent
                        .insert(exam_id, digest);
                }
                Err(e) => {
                    if matches!(e, AppError::Unavailable(_) | AppError::Throttled { .. }) {
                        reachable = false;
                    }
                    tracing::warn!(exam = exam_id, error = %e, "centre exam not taken");
                    problems.push(format!("exam {exam_id}: {e}"));
                    waiting.insert(exam_id);
                }
            }
        }
        Ok(waiting)
    }

    /// The signed exams of every attempt waiting in the outbox that was taken
    /// at an exam built here (for a USB stick).
    pub(crate) async fn centre_exam_envelopes(
        &self,
        enr: &EnrolmentRow,
        attempt_ids: &[String],
    ) -> AppResult<Vec<(i64, SignedEnvelope)>> {
        let key = device_key(enr)?;
        let mut out = Vec::new();
        for exam_id in self.own_exams_of(attempt_ids).await? {
            let (_, exam) = self.centre_exam(exam_id).await?;
            out.push((
                exam_id,
                envelope::seal(&key, &enr.device_id, envelope::ENVELOPE_CENTRE_EXAM, &exam),
            ));
        }
        Ok(out)
    }

    /// HQ takes a centre's exam (over the link or from a stick). A relay hub
    /// passes it straight on to its upstream: HQ must hold the exam before
    /// the hub may take its results into custody.
    pub async fn ingest_centre_exam(&self, env: SignedEnvelope) -> AppResult<CentreExamAck> {
        let (device, key) = self.device_key_of(&env.device_id).await?;
        let exam: CentreExam = envelope::open(&env, envelope::ENVELOPE_CENTRE_EXAM, &key)
            .map_err(|e| AppError::invalid("envelope", e.to_string()))?;
        if self.relaying().await? {
            let enr = self.enrolled().await?;
            let answer = crate::transport::answer_key_from_hash(&device.secret_hash);
            return self
                .upstream(&enr)?
                .push_centre_exam(&env, &answer)
                .await
                .map_err(unavailable);
        }
        if exam.local_exam_id <= 0 {
            return Err(AppError::invalid(
                "local_exam_id",
                format!("{} is not an exam id", exam.local_exam_id),
            ));
        }
        exam.spec
            .validate()
            .map_err(|e| AppError::invalid("spec", e.to_string()))?;
        if exam.roster.len() > MAX_ROSTER {
            return Err(AppError::invalid(
                "roster",
                format!("at most {MAX_ROSTER} candidates per exam"),
            ));
        }
        let mut roster = Vec::with_capacity(exam.roster.len());
        let mut seen = HashSet::new();
        for (i, c) in exam.roster.iter().enumerate() {
            let at = |field: &str| format!("roster[{i}].{field}");
            let name = examhall_domain::Username::parse(&c.username)
                .map_err(|e| AppError::invalid(at("username"), e.to_string()))?;
            if !seen.insert(name.as_str().to_owned()) {
                return Err(AppError::invalid(
                    at("username"),
                    format!("`{}` is listed twice", name.as_str()),
                ));
            }
            let display = c.display_name.trim();
            if display.is_empty() || display.chars().count() > 100 {
                return Err(AppError::invalid(at("display_name"), "1 to 100 characters"));
            }
            if !(1.0..=4.0).contains(&c.time_multiplier) {
                return Err(AppError::invalid(
                    at("time_multiplier"),
                    format!("{} is not from 1.0 to 4.0", c.time_multiplier),
                ));
            }
            roster.push((
                name.as_str().to_owned(),
                display.to_owned(),
                c.time_multiplier,
            ));
        }
        let digest = digest(&exam)?;
        let held = self
            .store()
            .hold_centre_exam(
                &NewCentreExam {
                    device_id: &device.id,
                    local_exam_id: exam.local_exam_id,
                    spec: &exam.spec,
                    digest: &digest,
                    roster: &roster,
                },
                self.now(),
            )
            .await?
            .map_err(|why| AppError::invalid("roster", why))?;
        // Graded from now on with the spec just held.
        self.load_exam(held.exam_id).await?;
        tracing::info!(device = %device.id, local = exam.local_exam_id, exam = held.exam_id, added = held.candidates_added, "centre exam held");
        Ok(CentreExamAck {
            exam_id: held.exam_id,
            candidates_added: held.candidates_added,
        })
    }
}

/// What identifies a centre's exam as sent: its SHA-256 without the time it was
/// made, so the same exam sent again is recognised on both sides.
fn digest(exam: &CentreExam) -> AppResult<String> {
    let json = serde_json::to_string(&CentreExam {
        made_at_ms: 0,
        ..exam.clone()
    })
    .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    Ok(sha256_hex(&json))
}
