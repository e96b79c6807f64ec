//! Printed reports: result sheets (one or a whole exam's batch), the exam summary
//! and the room session report. The use cases gather the data and hand it to
//! `examhall-reports`, which renders off the async runtime.

use crate::analysis::off_runtime;
use crate::{App, AppError, AppResult};
use examhall_domain::room::Attendance;
use examhall_domain::AttemptStatus;
use examhall_domain::{Outcome, Role, Timestamp};
use examhall_protocol::{ExportFormat, ExportRequest, PrintJobDto, PrintJobState};
use examhall_reports as pdf;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const PRINTERS: &[Role] = &[Role::Teacher, Role::Admin];
const ROOM_STAFF: &[Role] = &[Role::Invigilator, Role::Teacher, Role::Admin];

/// A rendered report or export: a suggested file name and its bytes.
#[derive(Debug, Clone)]
pub struct Report {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Formats a time in the machine's time zone, as printed on reports.
pub fn local_time(t: Timestamp) -> String {
    match jiff::Timestamp::from_millisecond(t.0) {
        Ok(ts) => ts
            .to_zoned_datetime(jiff::tz::TimeZone::system())
            .strftime("%Y-%m-%d %H:%M %Z")
            .to_string(),
        Err(_) => format!("{} ms", t.0),
    }
}

/// Writes `bytes` to `dir/name` through a temporary file and a rename, so a
/// half-written PDF never appears under the final name.
pub fn save_report(dir: &Path, report: &Report) -> AppResult<PathBuf> {
    let io = |what: &str, e: std::io::Error| {
        AppError::Internal(anyhow::Error::new(e).context(format!("{what} {}", dir.display())))
    };
    std::fs::create_dir_all(dir).map_err(|e| io("creating", e))?;
    let path = dir.join(&report.file_name);
    crate::files::write_atomically(&path, &report.bytes).map_err(|e| io("writing into", e))?;
    Ok(path)
}

impl App {
    /// The saved report `file_name` in the reports folder `dir`, for a member of
    /// staff to save a copy of elsewhere ("Save as…"). Only a plain file name is
    /// taken: nothing outside the folder can be named.
    pub async fn saved_report(
        &self,
        token: &str,
        dir: &Path,
        file_name: &str,
    ) -> AppResult<PathBuf> {
        let actor = self.actor(token).await?;
        actor.require(ROOM_STAFF, "save a copy of a report")?;
        let mut parts = Path::new(file_name).components();
        let plain = matches!(
            (parts.next(), parts.next()),
            (Some(std::path::Component::Normal(_)), None)
        ) && !file_name.starts_with('.');
        if !plain {
            return Err(AppError::invalid(
                "file_name",
                format!("{file_name:?} is not the name of a file in the reports folder"),
            ));
        }
        let path = dir.join(file_name);
        if !path.is_file() {
            return Err(AppError::NotFound(format!(
                "The report {file_name} (in {})",
                dir.display()
            )));
        }
        Ok(path)
    }
}

/// Copies a saved report to `dest`, which the user chose, through a temporary
/// file and a rename: a copy cut short never appears under the chosen name.
/// Returns the bytes written.
pub fn save_copy(source: &Path, dest: &Path) -> AppResult<u64> {
    let bytes = std::fs::read(source).map_err(|e| {
        AppError::Internal(anyhow::Error::new(e).context(format!("reading {}", source.display())))
    })?;
    if dest.is_dir() {
        return Err(AppError::invalid(
            "destination",
            format!("{} is a folder: choose a file name", dest.display()),
        ));
    }
    crate::files::write_atomically(dest, &bytes).map_err(|e| {
        AppError::invalid(
            "destination",
            format!("cannot write {}: {e}", dest.display()),
        )
    })?;
    Ok(bytes.len() as u64)
}

/// A file-name-safe slug of a title.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').chars().take(60).collect()
}

fn outcome_text(o: Outcome) -> &'static str {
    match o {
        Outcome::Correct => "correct",
        Outcome::Partial => "partly correct",
        Outcome::Incorrect => "incorrect",
        Outcome::Unanswered => "not answered",
        Outcome::AwaitingMarking => "awaiting marking",
        Outcome::Voided => "void: full marks to all",
    }
}

/// A batch of result sheets rendering in the background: progress for the UI's
/// bar, and a flag the cancel button sets.
#[derive(Debug, Default)]
pub(crate) struct PrintJob {
    done: AtomicUsize,
    total: AtomicUsize,
    cancel: AtomicBool,
    state: Mutex<PrintJobState>,
}

#[derive(Debug, Default)]
pub(crate) struct PrintJobs {
    next: AtomicUsize,
    jobs: Mutex<std::collections::HashMap<u64, Arc<PrintJob>>>,
}

impl App {
    async fn centre(&self) -> AppResult<String> {
        Ok(self
            .store()
            .centre_name()
            .await?
            .unwrap_or_else(|| "Examhall".into()))
    }

    async fn sheets(&self, exam_id: i64, only: Option<&str>) -> AppResult<Vec<pdf::ResultSheet>> {
        let exam = self.exam(exam_id).await?;
        let centre = self.centre().await?;
        let rows = match only {
            Some(id) => self.store().sheet_row(id).await?.into_iter().collect(),
            None => self.store().sheet_rows(exam_id).await?,
        };
        let printed_at = local_time(self.now());
        Ok(rows
            .into_iter()
            .map(|r| {
                let res = &r.result;
                let questions = exam.question_marks.then(|| {
                    exam.questions
                        .iter()
                        .enumerate()
                        .filter_map(|(i, q)| {
                            let (_, m) = res.marks.iter().find(|(id, _)| id == &q.id)?;
                            Some(pdf::QuestionScore {
                                number: i + 1,
                                // As this attempt read it (its own values).
                                prompt: q.for_attempt(&r.attempt_id).prompt.clone(),
                                awarded: m.awarded,
                                max: m.max,
                                outcome: outcome_text(m.outcome).to_owned(),
                                comment: m.comment.clone(),
                            })
                        })
                        .collect()
                });
                pdf::ResultSheet {
                    centre: centre.clone(),
                    exam_title: exam.title.clone(),
                    sitting: format!(
                        "Sitting {}, opened {}",
                        r.sitting_id,
                        local_time(r.sitting_opened_at)
                    ),
                    candidate_name: r.display_name.clone(),
                    candidate_username: r.username.clone(),
                    submitted_at: r.submitted_at.map_or_else(|| "–".into(), local_time),
                    total: res.total,
                    max: res.max,
                    percentage: res.percentage,
                    passed: crate::results::passes(res.passed, r.void_reason.as_ref()),
                    pass_mark_pct: exam.pass_mark_pct,
                    provisional: res.awaiting_marking,
                    void_reason: r.void_reason.clone(),
                    // Exams have no sections yet: the breakdown is left out.
                    sections: Vec::new(),
                    questions,
                    attempt_id: r.attempt_id.clone(),
                    chain_head: r.head_hash.clone(),
                    events: r.head_seq,
                    printed_at: printed_at.clone(),
                }
            })
            .collect())
    }

    /// One candidate's result sheet (teachers and admins).
    pub async fn print_result_sheet(
        &self,
        token: &str,
        attempt_id: impl AsRef<str>,
    ) -> AppResult<Report> {
        let attempt_id = attempt_id.as_ref();
        let actor = self.actor(token).await?;
        actor.require(PRINTERS, "print result sheets")?;
        let attempt = self
            .store()
            .attempt(attempt_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Attempt {attempt_id}")))?;
        let sheet = self
            .sheets(attempt.exam_id, Some(attempt_id))
            .await?
            .pop()
            .ok_or_else(|| AppError::Conflict("This attempt has not been graded yet.".into()))?;
        let file_name = format!(
            "result-{}-{}.pdf",
            slug(&sheet.exam_title),
            slug(&sheet.candidate_username)
        );
        let bytes = off_runtime(move || pdf::result_sheet(&sheet)).await?;
        Ok(Report { file_name, bytes })
    }

    /// Every graded attempt's result sheet in one PDF, by candidate name.
    /// `progress(done, total)` runs after each sheet; `Break` cancels.
    pub async fn result_sheets_pdf(
        &self,
        token: &str,
        exam_id: i64,
        mut progress: impl FnMut(usize, usize) -> ControlFlow<()> + Send + 'static,
    ) -> AppResult<Report> {
        let actor = self.actor(token).await?;
        actor.require(PRINTERS, "print result sheets")?;
        let exam = self.exam(exam_id).await?;
        let sheets = self.sheets(exam_id, None).await?;
        if sheets.is_empty() {
            return Err(AppError::Conflict(format!(
                "{} has no graded attempts to print.",
                exam.title
            )));
        }
        let total = sheets.len();
        let title = format!("Result sheets — {}", exam.title);
        let bytes =
            off_runtime(move || pdf::result_sheets(&title, &sheets, |done| progress(done, total)))
                .await?
                .map_err(|_| AppError::Conflict("Printing was cancelled.".into()))?;
        Ok(Report {
            file_name: format!("result-sheets-{}.pdf", slug(&exam.title)),
            bytes,
        })
    }

    /// The exam board's summary: figures, histogram, item analysis.
    pub async fn print_exam_summary(&self, token: &str, exam_id: i64) -> AppResult<Report> {
        let analysis = self.exam_analysis(token, exam_id).await?;
        let report = pdf::SummaryReport {
            centre: self.centre().await?,
            printed_at: local_time(self.now()),
            analysis,
        };
        let file_name = format!("exam-summary-{}.pdf", slug(&report.analysis.exam_title));
        let bytes = off_runtime(move || pdf::exam_summary(&report)).await?;
        Ok(Report { file_name, bytes })
    }

    /// Attendance, timing, accommodations and restarts for an exam's room.
    pub async fn print_room_report(&self, token: &str, exam_id: i64) -> AppResult<Report> {
        let actor = self.actor(token).await?;
        actor.require(ROOM_STAFF, "print the room report")?;
        let exam = self.exam(exam_id).await?;
        let sittings = self.store().sittings_of(exam_id).await?;
        let (Some(first), Some(last)) = (sittings.first(), sittings.last()) else {
            return Err(AppError::Conflict(format!(
                "{} has not been opened in this room yet.",
                exam.title
            )));
        };
        let rows = self.store().room_rows(exam_id).await?;
        let events = self.store().room_events(exam_id).await?;
        let name_of = |attempt: &str| {
            rows.iter()
                .find(|r| r.attempt_id.as_deref() == Some(attempt))
                .map_or_else(|| attempt.to_owned(), |r| r.display_name.clone())
        };
        let mut restarts: std::collections::HashMap<&str, (usize, i64)> = Default::default();
        let mut timed_out: std::collections::HashSet<&str> = Default::default();
        let mut notes = Vec::new();
        for e in &events {
            let payload: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
            let ms = |k: &str| payload[k].as_i64().unwrap_or(0);
            let what = match e.kind.as_str() {
                "resumed" => {
                    let r = restarts.entry(e.attempt_id.as_str()).or_default();
                    r.0 += 1;
                    r.1 += ms("gap_ms");
                    format!(
                        "the app was restarted; nothing heard for {:.1} min",
                        ms("gap_ms") as f64 / 60_000.0
                    )
                }
                "clock_went_backwards" => format!(
                    "the seat's clock went back by {:.1} s",
                    ms("by_ms") as f64 / 1000.0
                ),
                "locked" => "came back locked after an unclean exit".into(),
                "submitted" if payload["reason"] == "time_up" => {
                    timed_out.insert(e.attempt_id.as_str());
                    "time ran out; the attempt was submitted automatically".into()
                }
                _ => continue,
            };
            notes.push((
                e.at,
                pdf::RoomEvent {
                    at: local_time(Timestamp(e.at)),
                    candidate: name_of(&e.attempt_id),
                    what,
                },
            ));
        }
        // The room session's own log: check-in, opening, pauses, extensions,
        // incidents, unlocks and closing, as the invigilator recorded them.
        if let Some(session) = self.store().newest_room_session_for_exam(exam_id).await? {
            for l in self.store().room_log(session.id).await? {
                let candidate = match &l.username {
                    Some(u) => rows
                        .iter()
                        .find(|r| &r.username == u)
                        .map_or_else(|| u.clone(), |r| r.display_name.clone()),
                    None => format!("room {}", session.room),
                };
                let kind = l.kind.replace('_', " ");
                let what = match &l.category {
                    Some(c) => format!("{kind} ({c}): {}", l.detail),
                    None => format!("{kind}: {}", l.detail),
                };
                notes.push((
                    l.at,
                    pdf::RoomEvent {
                        at: local_time(Timestamp(l.at)),
                        candidate,
                        what,
                    },
                ));
            }
        }
        // With a room session: attendance from the check-in, and seats whose
        // results have not arrived yet from their own reports.
        let mut attendance = std::collections::HashMap::new();
        let mut seat_status = std::collections::HashMap::new();
        if let Some(session) = self.store().newest_room_session_for_exam(exam_id).await? {
            for c in self.store().room_candidates(session.id).await? {
                attendance.insert(c.username, c.attendance);
            }
            for seat in self.store().room_seats(session.id).await? {
                if let Ok(p) =
                    serde_json::from_str::<examhall_protocol::room::SeatAttempt>(&seat.report)
                {
                    seat_status.insert(seat.username, p.status);
                }
            }
        }
        notes.sort_by_key(|(at, _)| *at);
        let notes: Vec<pdf::RoomEvent> = notes.into_iter().map(|(_, n)| n).collect();
        let report = pdf::RoomReport {
            centre: self.centre().await?,
            exam_title: exam.title.clone(),
            sitting: if sittings.len() == 1 {
                format!("Sitting {}", first.id)
            } else {
                format!(
                    "Sittings {}–{} ({} start codes)",
                    first.id,
                    last.id,
                    sittings.len()
                )
            },
            opened_at: local_time(Timestamp(first.opened_at)),
            opened_by: first.opened_by.clone(),
            closed_at: last.closed_at.map(|t| local_time(Timestamp(t))),
            printed_at: local_time(self.now()),
            rows: rows
                .iter()
                .map(|r| {
                    let id = r.attempt_id.as_deref().unwrap_or("");
                    let (exits, silent_ms) = restarts.get(id).copied().unwrap_or_default();
                    pdf::RoomRow {
                        candidate: r.display_name.clone(),
                        username: r.username.clone(),
                        started_at: r.started_at.map(|t| local_time(Timestamp(t))),
                        finished_at: r.submitted_at.map(|t| local_time(Timestamp(t))),
                        status: match r.status.as_deref() {
                            None => {
                                match (seat_status.get(&r.username), attendance.get(&r.username)) {
                                    (Some(AttemptStatus::InProgress), _) => {
                                        "in progress at its seat"
                                    }
                                    (Some(_), _) => "submitted at its seat",
                                    (None, Some(Attendance::Present | Attendance::Late)) => {
                                        "present, not started"
                                    }
                                    (None, Some(Attendance::Expected)) => "not checked in",
                                    (None, _) => "absent",
                                }
                            }
                            Some("in_progress") => "in progress",
                            Some(_) if timed_out.contains(id) => "time up",
                            Some(_) => "submitted",
                        }
                        .to_owned(),
                        time_multiplier: r.time_multiplier,
                        credited_minutes: r.credited_ms.unwrap_or(0) as f64 / 60_000.0,
                        unclean_exits: exits,
                        silent_minutes: silent_ms as f64 / 60_000.0,
                    }
                })
                .collect(),
            events: notes,
        };
        let file_name = format!("room-report-{}.pdf", slug(&exam.title));
        let bytes = off_runtime(move || pdf::room_report(&report)).await?;
        Ok(Report { file_name, bytes })
    }

    /// Results and item analysis as CSV or as one XLSX workbook (teachers, admins).
    pub async fn export_results(&self, token: &str, req: ExportRequest) -> AppResult<Report> {
        use pdf::export::{Table, Value};
        let analysis = self.exam_analysis(token, req.exam_id).await?;
        let exam = self.exam(req.exam_id).await?;
        let rows = self.store().sheet_rows(req.exam_id).await?;
        let mut headers: Vec<String> = [
            "attempt_id",
            "username",
            "candidate",
            "total",
            "max",
            "percentage",
            "passed",
            "provisional",
            "void",
        ]
        .map(String::from)
        .to_vec();
        headers.extend(exam.questions.iter().map(|q| q.id.to_string()));
        let results = Table {
            name: "Results".into(),
            headers,
            rows: rows
                .iter()
                .map(|r| {
                    let res = &r.result;
                    let mut row: Vec<Value> = vec![
                        r.attempt_id.clone().into(),
                        r.username.clone().into(),
                        r.display_name.clone().into(),
                        res.total.into(),
                        res.max.into(),
                        res.percentage.into(),
                        crate::results::passes(res.passed, r.void_reason.as_ref()).into(),
                        res.awaiting_marking.into(),
                        r.void_reason.clone().map_or(Value::Empty, Value::from),
                    ];
                    row.extend(exam.questions.iter().map(|q| {
                        res.marks
                            .iter()
                            .find(|(id, _)| id == &q.id)
                            .map_or(Value::Empty, |(_, m)| m.awarded.into())
                    }));
                    row
                })
                .collect(),
        };
        let items = Table {
            name: "Item analysis".into(),
            headers: [
                "question_id",
                "prompt",
                "max",
                "facility_pct",
                "sd",
                "discrimination_index",
                "discriminative_efficiency",
                "flags",
            ]
            .map(String::from)
            .to_vec(),
            rows: analysis
                .items
                .iter()
                .map(|i| {
                    vec![
                        i.question_id.clone().into(),
                        i.prompt.clone().into(),
                        i.max.into(),
                        i.facility.into(),
                        i.sd.into(),
                        i.discrimination_index.into(),
                        i.discriminative_efficiency.into(),
                        i.flags.join("; ").into(),
                    ]
                })
                .collect(),
        };
        let a = &analysis;
        let summary = Table {
            name: "Summary".into(),
            headers: vec!["figure".into(), "value".into()],
            rows: [
                ("attempts", Value::from(a.attempts as f64)),
                ("max_possible", a.max_possible.into()),
                ("mean", a.mean.into()),
                ("median", a.median.into()),
                ("sd", a.sd.into()),
                ("min", a.min.into()),
                ("max", a.max.into()),
                ("pass_mark_pct", a.pass_mark_pct.into()),
                ("pass_rate_pct", a.pass_rate_pct.into()),
                ("skewness", a.skewness.into()),
                ("kurtosis", a.kurtosis.into()),
                ("cronbach_alpha", a.alpha.into()),
                ("error_ratio", a.error_ratio.into()),
                ("standard_error", a.standard_error.into()),
            ]
            .into_iter()
            .map(|(k, v)| vec![k.into(), v])
            .collect(),
        };
        let base = slug(&exam.title);
        let export = |e: pdf::export::ExportError| AppError::Internal(anyhow::Error::new(e));
        let (file_name, bytes) = match req.format {
            ExportFormat::ResultsCsv => (
                format!("results-{base}.csv"),
                pdf::export::to_csv(&results).map_err(export)?,
            ),
            ExportFormat::ItemsCsv => (
                format!("item-analysis-{base}.csv"),
                pdf::export::to_csv(&items).map_err(export)?,
            ),
            ExportFormat::Xlsx => (
                format!("results-{base}.xlsx"),
                pdf::export::to_xlsx(&[summary, results, items]).map_err(export)?,
            ),
        };
        Ok(Report { file_name, bytes })
    }

    /// Starts printing every result sheet of an exam into `out_dir` in the
    /// background; returns the print job's id for [`App::print_job`].
    pub async fn start_printing_sheets(
        &self,
        token: &str,
        exam_id: i64,
        out_dir: PathBuf,
    ) -> AppResult<u64> {
        let actor = self.actor(token).await?;
        actor.require(PRINTERS, "print result sheets")?;
        self.exam(exam_id).await?;
        let job = Arc::new(PrintJob::default());
        let jobs = &self.inner.print_jobs;
        let id = jobs.next.fetch_add(1, Ordering::Relaxed) as u64 + 1;
        jobs.jobs
            .lock()
            .expect("print jobs")
            .insert(id, job.clone());
        let app = self.clone();
        let token = token.to_owned();
        tokio::spawn(async move {
            let progress = job.clone();
            let result = app
                .result_sheets_pdf(&token, exam_id, move |done, total| {
                    progress.done.store(done, Ordering::Relaxed);
                    progress.total.store(total, Ordering::Relaxed);
                    if progress.cancel.load(Ordering::Relaxed) {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                })
                .await
                .and_then(|report| save_report(&out_dir, &report));
            let state = match result {
                Ok(path) => PrintJobState::Done {
                    path: path.display().to_string(),
                },
                Err(_) if job.cancel.load(Ordering::Relaxed) => PrintJobState::Cancelled,
                Err(e) => PrintJobState::Failed {
                    error: e.to_string(),
                },
            };
            *job.state.lock().expect("print job") = state;
        });
        Ok(id)
    }

    /// Progress of a background print job.
    pub async fn print_job(&self, token: &str, id: u64) -> AppResult<PrintJobDto> {
        let actor = self.actor(token).await?;
        actor.require(PRINTERS, "print result sheets")?;
        let job = self.find_print_job(id)?;
        let state = job.state.lock().expect("print job").clone();
        Ok(PrintJobDto {
            id,
            done: job.done.load(Ordering::Relaxed),
            total: job.total.load(Ordering::Relaxed),
            state,
        })
    }

    /// Asks a running print job to stop after the sheet it is drawing.
    pub async fn cancel_print_job(&self, token: &str, id: u64) -> AppResult<()> {
        let actor = self.actor(token).await?;
        actor.require(PRINTERS, "print result sheets")?;
        self.find_print_job(id)?
            .cancel
            .store(true, Ordering::Relaxed);
        Ok(())
    }

    fn find_print_job(&self, id: u64) -> AppResult<Arc<PrintJob>> {
        self.inner
            .print_jobs
            .jobs
            .lock()
            .expect("print jobs")
            .get(&id)
            .cloned()
            .ok_or_else(|| AppError::NotFound(format!("Print job {id}")))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_safe_file_names() {
        assert_eq!(super::slug("Demo: General Science"), "demo-general-science");
        assert_eq!(super::slug("Физика / Paper 1"), "физика-paper-1");
        assert_eq!(super::slug("../../etc"), "etc");
    }
}
