//! `examhall bench`: exam-day speed, measured against raw baselines on the same
//! disk in the same run (these machines are noisy; only ratios travel).
//!
//! * answer latency: `App::set_answer` from call to acknowledged commit, against a
//!   raw SQLite loop (one INSERT per transaction, WAL, synchronous=FULL) and a raw
//!   64-byte write+fsync loop, interleaved over several rounds;
//! * grading throughput: submitted 50-answer sheets graded and persisted per second
//!   by the worker (the peer stack's Celery task grades the same sheet shape).

use crate::auth::random_hex;
use crate::{App, AppResult, SystemClock};
use examhall_domain::{
    Answer, AttemptEvent, ChoiceOption, ExamSpec, Question, QuestionId, QuestionKind,
    ResultRelease, Role, SubmitReason, Tolerance,
};
use examhall_protocol::{LoginRequest, SetAnswer, StartAttempt};
use examhall_store::{NewAttempt, NewUserRow, Store};
use serde::Serialize;
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    pub n: usize,
    pub p50_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
    pub ops_per_s: f64,
}

fn summarise(mut lat: Vec<f64>, wall_s: f64) -> Latency {
    lat.sort_by(f64::total_cmp);
    let n = lat.len();
    Latency {
        n,
        p50_us: lat[n / 2],
        p99_us: lat[(n * 99) / 100],
        max_us: lat[n - 1],
        ops_per_s: n as f64 / wall_s,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub rounds: usize,
    pub answer: Vec<Latency>,
    pub raw_sqlite: Vec<Latency>,
    pub raw_fsync: Vec<Latency>,
    /// Median over rounds of answer ops/s divided by raw SQLite ops/s.
    pub answer_vs_raw_sqlite: f64,
    pub grading_sheets: usize,
    pub grading_sheets_per_s: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A 50-question sheet like the peer baseline: 30 single choice, 10 true/false, 10 numeric (±0.01).
fn bench_exam() -> ExamSpec {
    let mut questions = Vec::new();
    let opts = || {
        ["a", "b", "c", "d"]
            .map(|o| ChoiceOption {
                id: o.into(),
                text: o.to_uppercase(),
            })
            .to_vec()
    };
    for i in 0..50 {
        let kind = match i {
            0..=29 => QuestionKind::SingleChoice {
                options: opts(),
                correct: ["a", "b", "c", "d"][i % 4].into(),
            },
            30..=39 => QuestionKind::TrueFalse {
                correct: i % 2 == 0,
            },
            _ => QuestionKind::Numeric {
                value: i as f64 * 1.5,
                tolerance: Tolerance::Absolute(0.01),
            },
        };
        questions.push(Question {
            id: QuestionId::parse(&format!("q{}", i + 1)).expect("id"),
            prompt: format!("Q{}", i + 1),
            marks: 1.0,
            penalty: 0.0,
            general_feedback: None,
            kind,
        });
    }
    ExamSpec {
        voided: vec![],
        feedback: Default::default(),
        window: Default::default(),
        order: Default::default(),
        navigation: Default::default(),
        sections: vec![],
        title: "Bench".into(),
        duration_secs: 3 * 3600,
        pass_mark_pct: 50.0,
        negative_marking: false,
        release: ResultRelease::Immediately,
        question_marks: true,
        questions,
    }
}

fn sheet_answer(i: usize, q: usize) -> Answer {
    match q {
        0..=29 => Answer::Text(["a", "b", "c", "d"][(i + q) % 4].into()),
        30..=39 => Answer::Text(
            if (i + q).is_multiple_of(3) {
                "True"
            } else {
                "false"
            }
            .into(),
        ),
        _ => Answer::Text(format!(
            "{}",
            q as f64 * 1.5 + if i.is_multiple_of(2) { 0.0 } else { 0.5 }
        )),
    }
}

async fn raw_sqlite_loop(dir: &Path, n: usize) -> anyhow::Result<Latency> {
    let t0 = Instant::now();
    let lat = examhall_store::baseline::raw_commit_loop(&dir.join("raw.sqlite"), n).await?;
    Ok(summarise(lat, t0.elapsed().as_secs_f64()))
}

fn raw_fsync_loop(dir: &Path, n: usize) -> anyhow::Result<Latency> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("raw.bin"))?;
    let buf = [7u8; 64];
    let mut lat = Vec::with_capacity(n);
    let t0 = Instant::now();
    for _ in 0..n {
        let a = Instant::now();
        f.write_all(&buf)?;
        f.sync_data()?;
        lat.push(a.elapsed().as_secs_f64() * 1e6);
    }
    Ok(summarise(lat, t0.elapsed().as_secs_f64()))
}

async fn answer_loop(
    app: &App,
    token: &str,
    attempt_id: &str,
    n: usize,
    offset: usize,
) -> AppResult<Latency> {
    let mut lat = Vec::with_capacity(n);
    let t0 = Instant::now();
    for i in 0..n {
        let q = (i + offset) % 50;
        let req = SetAnswer {
            attempt_id: attempt_id.into(),
            question_id: format!("q{}", q + 1),
            answer: Some(sheet_answer(i + offset, q)),
        };
        let a = Instant::now();
        app.set_answer(token, req).await?;
        lat.push(a.elapsed().as_secs_f64() * 1e6);
    }
    Ok(summarise(lat, t0.elapsed().as_secs_f64()))
}

/// Runs every measurement in `dir` (which should be on the disk under test).
pub async fn run(
    dir: &Path,
    answers: usize,
    rounds: usize,
    sheets: usize,
) -> anyhow::Result<Report> {
    std::fs::create_dir_all(dir)?;
    let db = dir.join("bench.sqlite");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let store = Store::open(&db).await?;
    let app = App::new(store.clone(), Arc::new(SystemClock));
    let now = app.now();

    // One candidate sitting the 50-question exam, through the real use cases.
    let admin_hash = crate::auth::hash_password("bench-password")?;
    let cand = store
        .insert_user(
            NewUserRow {
                username: "bench",
                display_name: "Bench",
                role: Role::Candidate,
                password_hash: &admin_hash,
            },
            now,
        )
        .await?;
    let inv = store
        .insert_user(
            NewUserRow {
                username: "proctor",
                display_name: "P",
                role: Role::Invigilator,
                password_hash: &admin_hash,
            },
            now,
        )
        .await?;
    let exam_id = store.insert_exam(&bench_exam(), None, now).await?;
    store.assign(exam_id, cand, 1.0).await?;
    store.open_sitting(exam_id, "BENCH2", inv, now).await?;
    let token = app
        .login(LoginRequest {
            username: "bench".into(),
            password: "bench-password".into(),
        })
        .await?
        .token;
    let view = app
        .start_attempt(
            &token,
            StartAttempt {
                exam_id,
                start_code: "BENCH2".into(),
            },
        )
        .await?;

    let (mut answer, mut raw_sqlite, mut raw_fsync) = (Vec::new(), Vec::new(), Vec::new());
    for r in 0..rounds {
        raw_sqlite.push(raw_sqlite_loop(dir, answers).await?);
        answer.push(answer_loop(&app, &token, &view.attempt_id, answers, r * answers).await?);
        raw_fsync.push(raw_fsync_loop(dir, answers)?);
        eprintln!(
            "round {}: answer {:.0}/s p99 {:.0}us | raw sqlite {:.0}/s p99 {:.0}us | raw fsync {:.0}/s",
            r + 1,
            answer[r].ops_per_s,
            answer[r].p99_us,
            raw_sqlite[r].ops_per_s,
            raw_sqlite[r].p99_us,
            raw_fsync[r].ops_per_s
        );
    }
    let ratio = median(
        answer
            .iter()
            .zip(&raw_sqlite)
            .map(|(a, b)| a.ops_per_s / b.ops_per_s)
            .collect(),
    );

    // Grading: `sheets` submitted attempts with 50 answers each, queued, then drained.
    let exam = bench_exam();
    for i in 0..sheets {
        let username = format!("c{i:06}");
        let uid = store
            .insert_user(
                NewUserRow {
                    username: &username,
                    display_name: &username,
                    role: Role::Candidate,
                    password_hash: "x",
                },
                now,
            )
            .await?;
        let id = random_hex(16);
        let started = AttemptEvent::Started {
            exam_id,
            sitting_id: 1,
            allowed_ms: 3_600_000,
        };
        store
            .create_attempt(
                NewAttempt {
                    id: &id,
                    exam_id,
                    sitting_id: 1,
                    user_id: uid,
                    duration_secs: exam.duration_secs,
                    time_multiplier: 1.0,
                },
                &started,
                now,
            )
            .await?;
        let events: Vec<AttemptEvent> = exam
            .questions
            .iter()
            .enumerate()
            .map(|(q, question)| AttemptEvent::AnswerSet {
                question: question.id.clone(),
                answer: Some(sheet_answer(i, q)),
            })
            .collect();
        store.append(&id, &events, now).await?;
        app.submit_now(&id, SubmitReason::Candidate).await?;
    }
    let worker = app.worker();
    let t0 = Instant::now();
    let mut graded = 0;
    while let crate::Outcome::Ran { graded: g, .. } = worker.try_run_next().await? {
        graded += g;
    }
    let grading_sheets_per_s = graded as f64 / t0.elapsed().as_secs_f64();
    anyhow::ensure!(graded == sheets, "graded {graded} of {sheets} sheets");
    anyhow::ensure!(
        store.count_jobs("done").await? == sheets as i64,
        "every grading job is done"
    );
    app.shutdown().await;
    Ok(Report {
        rounds,
        answer,
        raw_sqlite,
        raw_fsync,
        answer_vs_raw_sqlite: ratio,
        grading_sheets: sheets,
        grading_sheets_per_s,
    })
}

/// Result of `examhall bench-analytics`.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyticsBench {
    pub attempts: usize,
    pub items: usize,
    /// Wall time of each `analyse` run (summary + reliability + item analysis + histogram).
    pub seconds: Vec<f64>,
    pub median_seconds: f64,
    pub mean_total: f64,
    pub alpha: Option<f64>,
}

/// Reads a 2-D int8 `.npy` in C order (what the peer baseline's `gen_data.py` writes).
fn read_npy_i8(path: &Path) -> anyhow::Result<(usize, usize, Vec<i8>)> {
    let bytes = std::fs::read(path)?;
    anyhow::ensure!(
        bytes.len() > 10 && &bytes[..6] == b"\x93NUMPY",
        "{}: not a .npy file",
        path.display()
    );
    let (header_len, start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        _ => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
    };
    let header = std::str::from_utf8(&bytes[start..start + header_len])?;
    anyhow::ensure!(
        header.contains("'|i1'") && header.contains("'fortran_order': False"),
        "{}: expected a C-order int8 array, header {header}",
        path.display()
    );
    let shape = header
        .split("'shape': (")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .ok_or_else(|| anyhow::anyhow!("no shape in {header}"))?;
    let dims: Vec<usize> = shape
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    anyhow::ensure!(dims.len() == 2, "expected a 2-D array, got shape ({shape})");
    let data = &bytes[start + header_len..];
    anyhow::ensure!(
        data.len() == dims[0] * dims[1],
        "data length {} does not match shape ({shape})",
        data.len()
    );
    Ok((dims[0], dims[1], data.iter().map(|b| *b as i8).collect()))
}

/// Times the analytics on a score matrix read from `npy` (loading is not timed,
/// as the pandas baseline does not time building its DataFrame).
pub fn analytics(npy: &Path, max: Vec<f64>, reps: usize) -> anyhow::Result<AnalyticsBench> {
    let (n, k, data) = read_npy_i8(npy)?;
    anyhow::ensure!(
        max.len() == k,
        "--max gives {} maxima for {k} items",
        max.len()
    );
    let columns: Vec<Vec<f64>> = (0..k)
        .map(|j| (0..n).map(|i| f64::from(data[i * k + j])).collect())
        .collect();
    let items = (1..=k).map(|j| format!("item{j}")).collect();
    let ids = (0..n).map(|i| i.to_string()).collect();
    let m = examhall_analytics::ScoreMatrix::new(items, max, ids, columns)?;
    let mut seconds = Vec::with_capacity(reps);
    let mut last = None;
    for _ in 0..reps {
        let t0 = Instant::now();
        let a = examhall_analytics::analyse(&m, 50.0, 20)?;
        seconds.push(t0.elapsed().as_secs_f64());
        last = Some(a);
    }
    let a = last.ok_or_else(|| anyhow::anyhow!("--reps must be at least 1"))?;
    Ok(AnalyticsBench {
        attempts: n,
        items: k,
        median_seconds: median(seconds.clone()),
        seconds,
        mean_total: a.summary.mean,
        alpha: a.reliability.alpha,
    })
}

/// Result of `examhall bench-reports`.
#[derive(Debug, Clone, Serialize)]
pub struct ReportsBench {
    pub sheets: usize,
    /// Wall time to render all sheets into one PDF, per repetition.
    pub single_pdf_seconds: Vec<f64>,
    pub single_pdf_median: f64,
    pub single_pdf_bytes: usize,
    /// Sheets rendered as separate one-page PDFs (at most 100: each embeds its
    /// own copy of the fonts, so this is slow) and the median time per PDF.
    pub separate_pdfs: usize,
    pub separate_pdf_median_ms: f64,
}

/// Sheets shaped like the peer's ReportLab baseline: the same ten names with
/// accents and Greek, Cyrillic and Vietnamese letters, ten section scores each,
/// and a SHA-256 verification line.
pub fn bench_sheets(n: usize) -> Vec<examhall_reports::ResultSheet> {
    use sha2::Digest as _;
    const NAMES: [&str; 10] = [
        "Zoë Łukasiewicz",
        "José Núñez-Ibáñez",
        "Søren Ærø Kierkegård",
        "Antonín Dvořák",
        "Gülşen Öztürk",
        "Þórunn Ólafsdóttir",
        "François Müller-Šimić",
        "Αλέξανδρος Παπαδόπουλος",
        "Đặng Thị Hương",
        "Ирина Кузнецова",
    ];
    const SECTIONS: [&str; 10] = [
        "Algebra",
        "Geometry",
        "Statistics",
        "Probability",
        "Calculus",
        "Number theory",
        "Logic",
        "Mechanics",
        "Optics",
        "Thermodynamics",
    ];
    (0..n)
        .map(|i| {
            let name = NAMES[i % NAMES.len()];
            let scores: Vec<f64> = (0..10).map(|j| ((i * 7 + j * 13) % 11) as f64).collect();
            let total: f64 = scores.iter().sum();
            let hash = hex::encode(sha2::Sha256::digest(format!("{i}|{name}|{scores:?}")));
            examhall_reports::ResultSheet {
                centre: "Examhall Benchmark Centre".into(),
                exam_title: "MATH-2024-06".into(),
                sitting: "Sitting 1, opened 2026-11-25 09:00 UTC".into(),
                candidate_name: name.into(),
                candidate_username: format!("{i:06}"),
                submitted_at: "2026-11-25 11:00 UTC".into(),
                total,
                max: 100.0,
                percentage: total,
                passed: total >= 50.0,
                pass_mark_pct: 50.0,
                provisional: false,
                void_reason: None,
                sections: SECTIONS
                    .iter()
                    .zip(&scores)
                    .map(|(t, s)| examhall_reports::SectionScore {
                        title: (*t).into(),
                        awarded: *s,
                        max: 10.0,
                    })
                    .collect(),
                questions: None,
                attempt_id: format!("bench-{i:06}"),
                chain_head: hash,
                events: 60,
                printed_at: "2026-11-25 12:00 UTC".into(),
            }
        })
        .collect()
}

/// Renders `n` result sheets into one PDF and into `n` separate PDFs, `reps` times.
pub fn reports(n: usize, reps: usize) -> anyhow::Result<ReportsBench> {
    anyhow::ensure!(
        n >= 1 && reps >= 1,
        "--sheets and --reps must be at least 1"
    );
    let sheets = bench_sheets(n);
    // Parse the embedded fonts once, as a running app has.
    let _ = examhall_reports::result_sheet(&sheets[0]);
    let mut single = Vec::with_capacity(reps);
    let mut bytes = 0;
    for _ in 0..reps {
        let t0 = Instant::now();
        let pdf = examhall_reports::result_sheets("bench", &sheets, |_| {
            std::ops::ControlFlow::Continue(())
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        single.push(t0.elapsed().as_secs_f64());
        bytes = pdf.len();
    }
    let few = &sheets[..n.min(100)];
    let mut separate = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t0 = Instant::now();
        let mut total = 0;
        for s in few {
            total += examhall_reports::result_sheet(s).len();
        }
        separate.push(1000.0 * t0.elapsed().as_secs_f64() / few.len() as f64);
        anyhow::ensure!(
            total > few.len() * 1000,
            "suspiciously small PDFs: {total} bytes"
        );
    }
    Ok(ReportsBench {
        sheets: n,
        single_pdf_median: median(single.clone()),
        single_pdf_seconds: single,
        single_pdf_bytes: bytes,
        separate_pdfs: few.len(),
        separate_pdf_median_ms: median(separate),
    })
}

/// `examhall bench-sync`: attempts ingested per second by HQ over HTTP, with
/// `uploaders` devices each uploading its attempts one request at a time.
#[derive(Debug, Clone, Serialize)]
pub struct IngestBench {
    pub uploaders: usize,
    /// Offered load in attempts/s (None: as fast as answers come back).
    pub rate: Option<f64>,
    pub attempts: usize,
    pub events_per_attempt: usize,
    pub request_bytes_mean: usize,
    pub errors: usize,
    pub wall_s: f64,
    pub attempts_per_s: f64,
    pub latency: Latency,
    /// Raw SQLite commits/s (one INSERT per transaction, WAL, FULL) on the same disk.
    pub raw_sqlite: Latency,
    /// attempts_per_s / raw SQLite commits per second.
    pub vs_raw_commits: f64,
    /// Every attempt is held by HQ exactly once with the uploaded chain head.
    pub verified: bool,
}

/// A benchmark HQ's administrator (their session token) and `n` candidates
/// sharing one password hash (hashing is not what is measured).
async fn seed_hq(app: &App, n: usize) -> anyhow::Result<(String, Vec<String>)> {
    let admin = app
        .create_first_admin(examhall_protocol::NewUser {
            username: "admin".into(),
            display_name: "Admin".into(),
            password: "bench-admin-pass".into(),
            role: Role::Admin,
            email: None,
            candidate_number: None,
        })
        .await?
        .token;
    let hash = crate::auth::hash_password("bench-student-pass")?;
    let now = app.now();
    let mut names = Vec::with_capacity(n);
    for u in 0..n {
        let name = format!("cand{u:04}");
        app.store()
            .insert_user(
                NewUserRow {
                    username: &name,
                    display_name: &name,
                    role: Role::Candidate,
                    password_hash: &hash,
                },
                now,
            )
            .await?;
        names.push(name);
    }
    Ok((admin, names))
}

/// A 10-question quiz: the uploads' shape in the ingest benchmark.
fn quiz() -> ExamSpec {
    let mut spec = bench_exam();
    spec.title = "Quiz".into();
    spec.questions.truncate(10);
    spec
}

/// Sets up HQ in `dir` (students, exams, packages, enrolled devices), starts it
/// with `serve` (which returns its base URL), and measures ingestion.
///
/// Without `rate`, every uploader sends its next request as soon as the last is
/// answered (saturation: throughput). With `rate` (attempts/s in total), each
/// uploader sends on a fixed schedule and latency runs from the scheduled time,
/// so a slow answer is not hidden by the sender waiting for it.
pub async fn ingest<F, Fut>(
    dir: &Path,
    uploaders: usize,
    per_uploader: usize,
    rate: Option<f64>,
    serve: F,
) -> anyhow::Result<IngestBench>
where
    F: FnOnce(App) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<String>>,
{
    use examhall_domain::events::StoredEvent;
    use examhall_domain::{grade_sheet, EventHash, Timestamp};
    use examhall_protocol::sync::*;
    use examhall_sync::{envelope, HqClient, SigningKey};

    std::fs::create_dir_all(dir)?;
    let db = dir.join("hq.sqlite");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    let app = App::open(&db, Arc::new(SystemClock)).await?;
    app.enable_hq_signing(SigningKey::generate());
    // One candidate per uploader.
    let (admin, names) = seed_hq(&app, uploaders).await?;
    let now = app.now();
    let spec = quiz();
    let mut papers = Vec::with_capacity(per_uploader);
    for p in 0..per_uploader {
        let mut s = spec.clone();
        s.title = format!("Quiz {p}");
        let exam_id = app.store().insert_exam(&s, None, now).await?;
        let pkg = app
            .publish_package(
                &admin,
                NewPackage {
                    exam_id,
                    centre: "bench".into(),
                    candidates: names.clone(),
                },
            )
            .await?;
        let row = app
            .store()
            .package(&pkg.package_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("package"))?;
        papers.push((pkg.package_id, exam_id, row.sitting_id.unwrap_or(0)));
    }
    // Devices and their pre-signed uploads (one attempt per request).
    let mut bodies: Vec<Vec<SignedEnvelope>> = Vec::with_capacity(uploaders);
    // Each uploader checks its receipts under its own enrolment secret.
    let mut answer_keys: Vec<[u8; 32]> = Vec::with_capacity(uploaders);
    let mut heads = Vec::with_capacity(uploaders * per_uploader);
    let mut events_per_attempt = 0;
    for (u, name) in names.iter().enumerate() {
        let t = app
            .create_enrolment(
                &admin,
                NewEnrolment {
                    centre: "bench".into(),
                    via_hub: None,
                },
            )
            .await?;
        let key = SigningKey::generate();
        let dev = app
            .enrol_device(EnrolRequest {
                token: t.token,
                device_public_key: key.public().to_hex(),
                device_name: format!("seat {u}"),
                tls_fingerprint: None,
            })
            .await?;
        answer_keys.push(crate::transport::answer_key_from_device_token(
            &dev.device_token,
        ));
        let mut mine = Vec::with_capacity(per_uploader);
        for (p, (package_id, exam_id, sitting_id)) in papers.iter().enumerate() {
            let attempt_id = random_hex(16);
            let answers: std::collections::BTreeMap<QuestionId, Answer> = spec
                .questions
                .iter()
                .enumerate()
                .map(|(q, question)| (question.id.clone(), sheet_answer(u + p, q)))
                .collect();
            let result = grade_sheet(&spec, &answers);
            let mut evs = vec![AttemptEvent::Started {
                exam_id: *exam_id,
                sitting_id: *sitting_id,
                allowed_ms: 3_600_000,
            }];
            evs.extend(answers.iter().map(|(q, a)| AttemptEvent::AnswerSet {
                question: q.clone(),
                answer: Some(a.clone()),
            }));
            evs.push(AttemptEvent::Submitted {
                reason: SubmitReason::Candidate,
            });
            evs.push(AttemptEvent::Graded {
                total: result.total,
                max: result.max,
                percentage: result.percentage,
                passed: result.passed,
                awaiting_marking: result.awaiting_marking,
            });
            events_per_attempt = evs.len();
            let mut prev = EventHash::genesis();
            let mut chain = Vec::with_capacity(evs.len());
            for (i, e) in evs.iter().enumerate() {
                let seq = i as i64 + 1;
                let at = Timestamp(now.0 + seq * 1000);
                let payload = e.to_payload();
                let hash = EventHash::link(&prev, &attempt_id, seq, at, &payload);
                chain.push(StoredEvent {
                    seq,
                    at,
                    payload,
                    prev_hash: prev,
                    hash: hash.clone(),
                });
                prev = hash;
            }
            heads.push((attempt_id.clone(), prev.0.clone()));
            let upload = AttemptUpload {
                attempt_id,
                package_id: package_id.clone(),
                username: name.clone(),
                started_at_ms: now.0,
                duration_secs: 3600,
                time_multiplier: 1.0,
                events: chain
                    .iter()
                    .map(|e| EventUpload {
                        seq: e.seq,
                        at_ms: e.at.0,
                        payload: e.payload.clone(),
                        prev_hash: e.prev_hash.0.clone(),
                        hash: e.hash.0.clone(),
                    })
                    .collect(),
                result: Some(result),
            };
            mine.push(envelope::seal(
                &key,
                &dev.device_id,
                envelope::ENVELOPE_RESULTS,
                &ResultBatch {
                    attempts: vec![upload],
                },
            ));
        }
        bodies.push(mine);
    }
    let request_bytes_mean = bodies
        .iter()
        .flatten()
        .map(|e| serde_json::to_vec(e).map(|v| v.len()).unwrap_or(0))
        .sum::<usize>()
        / (uploaders * per_uploader).max(1);

    let raw_sqlite = raw_sqlite_loop(dir, 2000).await?;
    let base = serve(app.clone()).await?;
    // Loopback, plain HTTP: the bench measures the server, not TLS.
    let client = HqClient::new(
        &base,
        std::time::Duration::from_secs(30),
        &crate::transport::Transport::PlainAllowed,
    )?;
    let t0 = Instant::now();
    let start = tokio::time::Instant::now();
    let interval = rate.map(|r| std::time::Duration::from_secs_f64(uploaders as f64 / r));
    let mut tasks = Vec::with_capacity(uploaders);
    for (u, mine) in bodies.into_iter().enumerate() {
        let client = client.clone();
        let answer_key = answer_keys[u];
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(mine.len());
            let mut errors = 0usize;
            let mut receipts = Vec::with_capacity(mine.len());
            for (k, env) in mine.into_iter().enumerate() {
                let a = match interval {
                    Some(iv) => {
                        let due = start + iv.mul_f64(k as f64 + u as f64 / uploaders as f64);
                        tokio::time::sleep_until(due).await;
                        due.into_std()
                    }
                    None => Instant::now(),
                };
                match client.push_results(&env, &answer_key).await {
                    Ok(r) => receipts.extend(r.receipts),
                    Err(_) => errors += 1,
                }
                lat.push(a.elapsed().as_secs_f64() * 1e6);
            }
            (lat, errors, receipts)
        }));
    }
    let mut lat = Vec::new();
    let mut errors = 0;
    let mut receipts = std::collections::HashMap::new();
    for t in tasks {
        let (l, e, r) = t.await?;
        lat.extend(l);
        errors += e;
        for x in r {
            if x.outcome == ReceiptStatus::Stored {
                receipts.insert(x.attempt_id, x.head_hash);
            }
        }
    }
    let wall_s = t0.elapsed().as_secs_f64();
    let attempts = lat.len();
    let mut verified = receipts.len() == heads.len();
    for (id, head) in &heads {
        verified &= receipts.get(id) == Some(head);
        let held = app.store().attempt(id).await?;
        verified &= held.is_some_and(|a| &a.head_hash == head);
    }
    let latency = summarise(lat, wall_s);
    Ok(IngestBench {
        uploaders,
        rate,
        attempts,
        events_per_attempt,
        request_bytes_mean,
        errors,
        wall_s,
        attempts_per_s: attempts as f64 / wall_s,
        vs_raw_commits: (attempts as f64 / wall_s) / raw_sqlite.ops_per_s,
        latency,
        raw_sqlite,
        verified,
    })
}

// ---- the room console under load ---------------------------------------------------

/// What `bench-room` measured.
#[derive(Debug, Clone, Serialize)]
pub struct RoomBench {
    pub seats: usize,
    pub heartbeat_ms: u64,
    pub secs: u64,
    /// Seat heartbeats: round trip to the hub and back (progress up, commands down).
    pub heartbeat: Latency,
    pub heartbeat_errors: usize,
    /// The console's whole-room view (GET, polled every 250 ms).
    pub console_get: Latency,
    /// From a seat sending a change (answered N) to the console first showing it.
    pub console_update: Latency,
    /// From the console issuing a room pause/resume to each seat receiving it.
    pub command_delivery: Latency,
    pub commands: usize,
    /// The hub process's CPU time over the run, as a share of one core.
    pub hub_cpu_pct: f64,
    pub hub_rss_mib: f64,
    /// Raw SQLite commits (one INSERT per transaction) on the same disk.
    pub raw_sqlite: Latency,
    /// heartbeat p50 / raw commit p50: how many bare commits one heartbeat costs.
    pub heartbeat_vs_raw_commit_p50: f64,
}

/// Prepared hub data: the device tokens of the seats, the session, an
/// invigilator's token and the package.
#[derive(Debug, Clone)]
pub struct RoomSetup {
    pub devices: Vec<String>,
    pub session_id: i64,
    pub admin_jwt: String,
    pub package_id: String,
    pub usernames: Vec<String>,
}

/// Fills the hub's database in `dir` (the one `examhall serve --data-dir dir`
/// opens): candidates, an exam published as a package, enrolled seats, and an
/// open room session. `jwt_secret` and the key file must be the ones the hub uses.
pub async fn room_setup(dir: &Path, seats: usize, jwt_secret: &[u8]) -> anyhow::Result<RoomSetup> {
    use examhall_protocol::sync::*;
    use examhall_sync::SigningKey;
    let hub = BenchHub::fill(dir, seats, jwt_secret).await?;
    let app = &hub.app;
    let mut devices = Vec::with_capacity(seats);
    for u in 0..seats {
        let t = app
            .create_enrolment(
                &hub.admin,
                NewEnrolment {
                    centre: "bench".into(),
                    via_hub: None,
                },
            )
            .await?;
        let dev = app
            .enrol_device(EnrolRequest {
                token: t.token,
                device_public_key: SigningKey::generate().public().to_hex(),
                device_name: format!("seat {u}"),
                tls_fingerprint: None,
            })
            .await?;
        devices.push(dev.device_token);
    }
    let jwt = app
        .login_jwt(
            examhall_protocol::platform::ApiLogin {
                username: "admin".into(),
                password: "bench-admin-pass".into(),
            },
            "bench",
        )
        .await?
        .access;
    app.shutdown().await;
    Ok(RoomSetup {
        devices,
        session_id: hub.session_id,
        admin_jwt: jwt,
        package_id: hub.package.package_id,
        usernames: hub.names,
    })
}

/// A hub's database for the room benchmarks, filled in `dir` (the one
/// `examhall serve --data-dir dir` opens): candidates, the quiz published to
/// centre "bench" as a package, and an open room session without check-in (the
/// seats are simulated: nobody walks in). `jwt_secret` and the key file are the
/// ones the hub uses.
struct BenchHub {
    app: App,
    admin: String,
    names: Vec<String>,
    package: examhall_protocol::sync::PublishedPackage,
    session_id: i64,
}

impl BenchHub {
    async fn fill(dir: &Path, seats: usize, jwt_secret: &[u8]) -> anyhow::Result<BenchHub> {
        use examhall_protocol::room::{CreateRoomSession, SessionRef};
        let app = App::open(&dir.join("examhall.sqlite"), Arc::new(SystemClock)).await?;
        app.enable_jwt(jwt_secret)?;
        app.enable_hq_signing(crate::sync::load_or_create_hq_key(
            &dir.join("hq_ed25519.key"),
        )?);
        let (admin, names) = seed_hq(&app, seats).await?;
        let exam_id = app.store().insert_exam(&quiz(), None, app.now()).await?;
        let package = app
            .publish_package(
                &admin,
                examhall_protocol::sync::NewPackage {
                    exam_id,
                    centre: "bench".into(),
                    candidates: names.clone(),
                },
            )
            .await?;
        let session = app
            .create_room_session(
                &admin,
                CreateRoomSession {
                    exam_id,
                    room: "Bench hall".into(),
                    seats: seats as u32,
                    late_start_minutes: None,
                    check_in_required: false,
                },
            )
            .await?;
        app.open_room_session(
            &admin,
            SessionRef {
                session_id: session.session_id,
            },
        )
        .await?;
        Ok(BenchHub {
            app,
            admin,
            names,
            package,
            session_id: session.session_id,
        })
    }
}

/// CPU seconds (user + system) and resident MiB of a process, from /proc.
fn proc_usage(pid: u32) -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss_kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    // USER_HZ is 100 on Linux.
    Some((ticks / 100.0, rss_kb / 1024.0))
}

/// Drives the hub at `base` (process `pid`) with `seats` seats heartbeating every
/// `heartbeat_ms` for `secs`, while a console polls the room every 250 ms and
/// pauses and resumes the room every 5 s.
pub async fn room_load(
    dir: &Path,
    base: &str,
    pid: u32,
    setup: RoomSetup,
    secs: u64,
    heartbeat_ms: u64,
) -> anyhow::Result<RoomBench> {
    use examhall_protocol::room::{
        CommandKind, GapDto, RoomAction, SeatAttempt, SeatCursor, SeatReport,
    };
    use examhall_sync::HqClient;
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::time::Duration;

    let raw_sqlite = raw_sqlite_loop(dir, 2000).await?;
    let seats = setup.devices.len();
    let client = HqClient::new(
        base,
        Duration::from_secs(10),
        &crate::transport::Transport::PlainAllowed,
    )?;
    let t0 = Instant::now();
    let end = t0 + Duration::from_secs(secs);
    // (seat, answered) -> when the seat sent it; command id -> when it was issued.
    let sent: Arc<Mutex<HashMap<(usize, u32), Instant>>> = Default::default();
    let issued: Arc<Mutex<HashMap<i64, Instant>>> = Default::default();
    let delivered: Arc<Mutex<Vec<f64>>> = Default::default();
    let cpu0 = proc_usage(pid).map_or(0.0, |u| u.0);
    let wall0 = Instant::now();
    let mut tasks = Vec::new();
    for (i, token) in setup.devices.iter().cloned().enumerate() {
        let (client, sent, issued, delivered) = (
            client.clone(),
            sent.clone(),
            issued.clone(),
            delivered.clone(),
        );
        let (package_id, username, session_id) = (
            setup.package_id.clone(),
            setup.usernames[i].clone(),
            setup.session_id,
        );
        tasks.push(tokio::spawn(async move {
            // Spread the seats over the period, as real seats drift apart.
            tokio::time::sleep(Duration::from_millis(
                heartbeat_ms * i as u64 / seats as u64,
            ))
            .await;
            let mut tick = tokio::time::interval(Duration::from_millis(heartbeat_ms));
            let (mut answered, mut cursor) = (0u32, 0i64);
            let (mut lat, mut errors) = (Vec::new(), 0usize);
            while Instant::now() < end {
                tick.tick().await;
                answered += 1;
                let report = SeatReport {
                    attempts: vec![SeatAttempt {
                        package_id: package_id.clone(),
                        username: username.clone(),
                        attempt_id: format!("bench-{i}"),
                        status: examhall_domain::AttemptStatus::InProgress,
                        answered,
                        total: 10_000,
                        flagged: 0,
                        last_saved_at_ms: None,
                        remaining_ms: 3_600_000,
                        paused: false,
                        locked: false,
                        focus_lost: 0,
                        close_asked: 0,
                        gaps: Vec::<GapDto>::new(),
                        time_up: false,
                        head_seq: i64::from(answered),
                    }],
                    cursors: vec![SeatCursor {
                        session_id,
                        applied: cursor,
                    }],
                    refused: Vec::new(),
                    app_version: Some(crate::APP_VERSION.to_owned()),
                };
                let t = Instant::now();
                sent.lock().expect("sent").insert((i, answered), t);
                match client.room_heartbeat(&token, &report).await {
                    Ok(update) => {
                        let now = Instant::now();
                        lat.push(now.duration_since(t).as_secs_f64() * 1e6);
                        for s in update
                            .sessions
                            .iter()
                            .filter(|s| s.session_id == session_id)
                        {
                            for c in &s.commands {
                                if let Some(at) = issued.lock().expect("issued").get(&c.id) {
                                    delivered
                                        .lock()
                                        .expect("delivered")
                                        .push(now.duration_since(*at).as_secs_f64() * 1e6);
                                }
                                cursor = cursor.max(c.id);
                            }
                        }
                    }
                    Err(_) => errors += 1,
                }
            }
            (lat, errors)
        }));
    }
    // The console: polls, and pauses/resumes the room every 5 s.
    let mut gets = Vec::new();
    let mut updates = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    let index: HashMap<String, usize> = setup
        .usernames
        .iter()
        .enumerate()
        .map(|(i, u)| (u.clone(), i))
        .collect();
    let mut next_command = Instant::now() + Duration::from_secs(5);
    let mut paused = false;
    let mut commands = 0;
    while Instant::now() < end {
        let t = Instant::now();
        let c = client
            .room_console(&setup.admin_jwt, setup.session_id)
            .await?;
        let now = Instant::now();
        gets.push(now.duration_since(t).as_secs_f64() * 1e6);
        for s in &c.seats {
            let Some(p) = &s.progress else { continue };
            let before = seen
                .insert(s.username.clone(), p.answered)
                .unwrap_or(p.answered);
            if p.answered > before {
                let i = index[&s.username];
                if let Some(at) = sent.lock().expect("sent").get(&(i, p.answered)) {
                    updates.push(now.duration_since(*at).as_secs_f64() * 1e6);
                }
            }
        }
        if now >= next_command {
            let kind = if paused {
                CommandKind::Resume
            } else {
                CommandKind::Pause
            };
            let issued_at = Instant::now();
            let ack = client
                .room_action(
                    &setup.admin_jwt,
                    &RoomAction {
                        session_id: setup.session_id,
                        username: None,
                        kind,
                        minutes: None,
                        reason: "bench".into(),
                    },
                )
                .await?;
            issued
                .lock()
                .expect("issued")
                .insert(ack.command_id, issued_at);
            paused = !paused;
            commands += 1;
            next_command += Duration::from_secs(5);
        }
        tokio::time::sleep(Duration::from_millis(250).saturating_sub(t.elapsed())).await;
    }
    let mut beats = Vec::new();
    let mut heartbeat_errors = 0;
    for t in tasks {
        let (lat, errors) = t.await?;
        beats.extend(lat);
        heartbeat_errors += errors;
    }
    let wall = wall0.elapsed().as_secs_f64();
    let (cpu1, rss) = proc_usage(pid).unwrap_or((cpu0, 0.0));
    let heartbeat = summarise(beats, t0.elapsed().as_secs_f64());
    let delivered = std::mem::take(&mut *delivered.lock().expect("delivered"));
    anyhow::ensure!(!updates.is_empty(), "the console never saw an update");
    anyhow::ensure!(!delivered.is_empty(), "no command reached a seat");
    Ok(RoomBench {
        seats,
        heartbeat_ms,
        secs,
        heartbeat_vs_raw_commit_p50: heartbeat.p50_us / raw_sqlite.p50_us,
        heartbeat,
        heartbeat_errors,
        console_get: summarise(gets, wall),
        console_update: summarise(updates, wall),
        command_delivery: summarise(delivered, wall),
        commands,
        hub_cpu_pct: 100.0 * (cpu1 - cpu0) / wall,
        hub_rss_mib: rss,
        raw_sqlite,
    })
}

// ---- copy as you go under load -----------------------------------------------------

/// What `bench-copy` measured: real seats (each an `App` on its own SQLite
/// file, enrolled with the hub, heartbeating) saving an answer every
/// `save_every_ms`, first without their copy loops and then with them.
#[derive(Debug, Clone, Serialize)]
pub struct CopyBench {
    pub seats: usize,
    pub secs_per_phase: u64,
    pub save_every_ms: u64,
    /// The seat's answer save (`set_answer`, commit included), copy loops off.
    pub save_without_copy: Latency,
    /// The same, with every seat's copy loop running (500 ms).
    pub save_with_copy: Latency,
    /// save p99 with copy / without: what copying costs the save path.
    pub save_p99_ratio: f64,
    /// From an event's commit on its seat to its commit in the hub's copy.
    pub copy_lag: Latency,
    /// The hub process's CPU, as a share of one core, in each phase (room
    /// heartbeats from every seat in both).
    pub hub_cpu_pct_without_copy: f64,
    pub hub_cpu_pct_with_copy: f64,
    pub events_copied: usize,
    pub save_errors: usize,
    /// Raw SQLite commits (one INSERT per transaction) on the same disk.
    pub raw_sqlite: Latency,
}

/// A seat in `bench-copy`: its app, the candidate's session, the attempt, and
/// an answer per question.
type BenchSeat = (
    App,
    String,
    String,
    Vec<(String, examhall_protocol::Answer)>,
);

/// Prepared hub data for `bench-copy`: enrolment tokens for the seats to use,
/// the start code, and an open room session.
#[derive(Debug, Clone)]
pub struct CopySetup {
    pub tokens: Vec<String>,
    pub start_code: String,
    pub usernames: Vec<String>,
}

/// Fills the hub's database in `dir`: candidates, a quiz published as a
/// package, one enrolment token per seat, and an open room session.
pub async fn copy_setup(dir: &Path, seats: usize, jwt_secret: &[u8]) -> anyhow::Result<CopySetup> {
    let hub = BenchHub::fill(dir, seats, jwt_secret).await?;
    let mut tokens = Vec::with_capacity(seats);
    for _ in 0..seats {
        let t = hub
            .app
            .create_enrolment(
                &hub.admin,
                examhall_protocol::sync::NewEnrolment {
                    centre: "bench".into(),
                    via_hub: None,
                },
            )
            .await?;
        tokens.push(t.token);
    }
    hub.app.shutdown().await;
    Ok(CopySetup {
        tokens,
        start_code: hub.package.start_code,
        usernames: hub.names,
    })
}

/// Enrols `setup`'s seats with the hub at `base` (process `pid`), starts each
/// candidate's attempt, then saves an answer per seat every `every_ms` for
/// `secs` with the copy loops off, and `secs` more with them on.
pub async fn copy_load(
    dir: &Path,
    base: &str,
    pid: u32,
    setup: CopySetup,
    secs: u64,
    every_ms: u64,
) -> anyhow::Result<CopyBench> {
    use examhall_protocol::ExamCardState;
    use std::time::Duration;
    let raw_sqlite = raw_sqlite_loop(dir, 2000).await?;
    let n = setup.tokens.len();
    // The seats, set up one after the other (enrol, package, opening, start).
    let mut seats = Vec::with_capacity(n);
    for (i, token) in setup.tokens.iter().enumerate() {
        let seat_dir = dir.join("seats").join(format!("seat{i:03}"));
        std::fs::create_dir_all(&seat_dir)?;
        let app = App::open(&seat_dir.join("examhall.sqlite"), Arc::new(SystemClock)).await?;
        app.allow_plain_http();
        app.enrol_machine(base, token, &format!("seat {i}")).await?;
        app.sync_round().await?;
        app.room_round().await?;
        let candidate = app
            .login(LoginRequest {
                username: setup.usernames[i].clone(),
                password: "bench-student-pass".into(),
            })
            .await?
            .token;
        let card = app
            .my_exams(&candidate)
            .await?
            .into_iter()
            .find(|c| c.sitting_open && c.state == ExamCardState::NotStarted)
            .ok_or_else(|| anyhow::anyhow!("seat {i}: the exam did not open"))?;
        let view = app
            .start_attempt(
                &candidate,
                StartAttempt {
                    exam_id: card.exam_id,
                    start_code: setup.start_code.clone(),
                },
            )
            .await?;
        let answers: Vec<(String, examhall_protocol::Answer)> = view
            .questions
            .iter()
            .map(|q| (q.id.clone(), crate::headless::sample_answer(&q.widget)))
            .collect();
        seats.push((app, candidate, view.attempt_id, answers));
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    for (app, ..) in &seats {
        tokio::spawn(
            app.clone()
                .room_loop(Duration::from_millis(2000), stop_rx.clone()),
        );
    }
    // One phase: every seat saves every `every_ms` for `secs`; returns the save
    // latencies (µs), the errors and the hub's CPU share.
    let phase = |seats: &Vec<BenchSeat>| {
        let tasks: Vec<_> = seats
            .iter()
            .enumerate()
            .map(|(i, (app, token, attempt, answers))| {
                let (app, token, attempt, answers) =
                    (app.clone(), token.clone(), attempt.clone(), answers.clone());
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(every_ms * i as u64 / n as u64)).await;
                    let end = Instant::now() + Duration::from_secs(secs);
                    let mut tick = tokio::time::interval(Duration::from_millis(every_ms));
                    let (mut lat, mut errors, mut k) = (Vec::new(), 0usize, 0usize);
                    while Instant::now() < end {
                        tick.tick().await;
                        let (q, a) = &answers[k % answers.len()];
                        k += 1;
                        let t = Instant::now();
                        let r = app
                            .set_answer(
                                &token,
                                SetAnswer {
                                    attempt_id: attempt.clone(),
                                    question_id: q.clone(),
                                    answer: Some(a.clone()),
                                },
                            )
                            .await;
                        match r {
                            Ok(_) => lat.push(t.elapsed().as_secs_f64() * 1e6),
                            Err(_) => errors += 1,
                        }
                    }
                    (lat, errors)
                })
            })
            .collect();
        async move {
            let cpu0 = proc_usage(pid).map_or(0.0, |u| u.0);
            let wall0 = Instant::now();
            let (mut lat, mut errors) = (Vec::new(), 0);
            for t in tasks {
                let (l, e) = t.await?;
                lat.extend(l);
                errors += e;
            }
            let wall = wall0.elapsed().as_secs_f64();
            let cpu1 = proc_usage(pid).map_or(cpu0, |u| u.0);
            anyhow::ensure!(!lat.is_empty(), "no answer was saved ({errors} errors)");
            anyhow::Ok((summarise(lat, wall), errors, 100.0 * (cpu1 - cpu0) / wall))
        }
    };
    let (without, e1, cpu_without) = phase(&seats).await?;
    // Copy loops on: the backlog of the first phase goes first; lags are
    // counted for what is saved after the loops have caught up.
    for (app, ..) in &seats {
        tokio::spawn(
            app.clone()
                .copy_loop(Duration::from_millis(500), stop_rx.clone()),
        );
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let since = seats[0].0.now();
    let (with, e2, cpu_with) = phase(&seats).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let _ = stop_tx.send(true);
    let hub = Store::open(&dir.join("examhall.sqlite")).await?;
    let lags: Vec<f64> = hub
        .copy_lags(since)
        .await?
        .into_iter()
        .map(|ms| ms as f64 * 1000.0)
        .collect();
    hub.close().await;
    anyhow::ensure!(!lags.is_empty(), "nothing was copied");
    let events_copied = lags.len();
    for (app, ..) in &seats {
        app.shutdown().await;
    }
    Ok(CopyBench {
        seats: n,
        secs_per_phase: secs,
        save_every_ms: every_ms,
        save_p99_ratio: with.p99_us / without.p99_us,
        save_without_copy: without,
        save_with_copy: with,
        copy_lag: summarise(lags, secs as f64),
        hub_cpu_pct_without_copy: cpu_without,
        hub_cpu_pct_with_copy: cpu_with,
        events_copied,
        save_errors: e1 + e2,
        raw_sqlite,
    })
}

/// What `examhall bench-import` measures.
#[derive(Debug, Serialize)]
pub struct ImportBench {
    pub questions: usize,
    pub bytes: usize,
    pub reps: usize,
    /// GIFT syntax only (`formats::gift::parse`).
    pub parse_ms_median: f64,
    /// Parsed and mapped onto Examhall's questions, each validated.
    pub normalise_ms_median: f64,
    /// The whole import a teacher runs: `App::import_questions` (valid ones) from
    /// the file's text to the questions committed in the bank of a real SQLite
    /// file, in one transaction.
    pub import_ms_median: f64,
    pub import_ms_max: f64,
    /// The floor it is compared with: the same questions' JSON inserted into the
    /// same table in one transaction with plain SQL, no parsing or checking.
    pub baseline_insert_ms_median: f64,
    pub import_to_baseline_ratio: f64,
}

/// A GIFT file of `n` questions of every kind GIFT has.
pub fn gift_file(n: usize) -> String {
    let kinds = [
        "::Q{i}:: Who is buried in tomb {i}?{~Grant ~Jefferson =no one#Right.}",
        "Tomb {i}: pick two.{~%50%Grant ~%50%his wife ~%-100%nobody}",
        "Grant is buried in tomb {i}.{F#No.#Yes.}",
        "Two plus {i} is {=four =%50%4} exactly.",
        "Match set {i}.{=Canada -> Ottawa =Italy -> Rome =Japan -> Tokyo}",
        "When was Grant born ({i})?{#=1822:0 =%50%1822:2#Close.}",
        "[markdown]Explain **item {i}** in a paragraph.{}",
    ];
    let mut text = String::from("$CATEGORY: Bench/Generated\n\n");
    for i in 0..n {
        text.push_str(&kinds[i % kinds.len()].replace("{i}", &i.to_string()));
        text.push_str("\n\n");
    }
    text
}

/// Times importing a generated GIFT file of `questions` questions, `reps` times,
/// each into a fresh database in `dir`.
pub async fn import(dir: &Path, questions: usize, reps: usize) -> anyhow::Result<ImportBench> {
    use examhall_protocol::bank::{ImportMode, ImportRequest};
    anyhow::ensure!(questions >= 1 && reps >= 1, "--questions >= 1, --reps >= 1");
    std::fs::create_dir_all(dir)?;
    let text = gift_file(questions);
    let (mut parse, mut normalise, mut import, mut baseline) = (vec![], vec![], vec![], vec![]);
    for rep in 0..reps {
        let t0 = Instant::now();
        let (qs, errors) = examhall_formats::gift::parse(&text);
        parse.push(t0.elapsed().as_secs_f64() * 1e3);
        anyhow::ensure!(
            errors.is_empty() && qs.len() == questions,
            "the generated file has errors: {errors:?}"
        );
        let t0 = Instant::now();
        let read = examhall_formats::items::from_gift(&text);
        normalise.push(t0.elapsed().as_secs_f64() * 1e3);
        anyhow::ensure!(read.errors.is_empty(), "{:?}", read.errors);

        let fresh = |name: String| {
            let db = dir.join(name);
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
            }
            db
        };
        // The baseline: the same rows, pre-serialised, straight into a table.
        let rows: Vec<String> = read
            .items
            .iter()
            .map(|i| serde_json::to_string(&i.question))
            .collect::<Result<_, _>>()?;
        baseline.push(
            examhall_store::baseline::raw_bulk_insert(
                &fresh(format!("baseline-{rep}.sqlite")),
                &rows,
            )
            .await?,
        );

        let db = fresh(format!("import-{rep}.sqlite"));
        let app = App::open(&db, Arc::new(SystemClock)).await?;
        let (admin, _) = seed_hq(&app, 0).await?;
        let t0 = Instant::now();
        let report = app
            .import_questions(
                &admin,
                ImportRequest {
                    format: "gift".into(),
                    file_name: "bench.gift".into(),
                    content: text.clone(),
                    base64: false,
                    mode: ImportMode::ValidOnly,
                },
            )
            .await?;
        import.push(t0.elapsed().as_secs_f64() * 1e3);
        anyhow::ensure!(
            report.imported as usize == questions,
            "imported {}",
            report.imported
        );
        let stored = app.store().bank_questions().await?.len();
        anyhow::ensure!(stored == questions, "the bank holds {stored}");
        app.shutdown().await;
    }
    let import_max = import.iter().copied().fold(0.0, f64::max);
    let (i, b) = (median(import), median(baseline));
    Ok(ImportBench {
        questions,
        bytes: text.len(),
        reps,
        parse_ms_median: median(parse),
        normalise_ms_median: median(normalise),
        import_ms_median: i,
        import_ms_max: import_max,
        baseline_insert_ms_median: b,
        import_to_baseline_ratio: i / b,
    })
}

/// What `examhall bench-roster` measures.
#[derive(Debug, Serialize)]
pub struct RosterBench {
    pub candidates: usize,
    pub csv_bytes: usize,
    /// The dry run: parsing, checking every row against the accounts, no writes.
    pub dry_run_ms: f64,
    /// The real import: the same, an argon2id hash per one-time password, and
    /// one transaction.
    pub import_ms: f64,
    /// The floor for the real import: the same number of argon2id hashes at the
    /// current parameters, on as many threads as the import may use.
    pub baseline_hashes_ms: f64,
    pub import_to_baseline_ratio: f64,
    /// Progress reports the import made (the UI's and the CLI's bar).
    pub progress_reports: usize,
    /// Peak resident memory of the process (VmHWM) up to the end of the import
    /// (before the baseline runs), in MiB.
    pub peak_rss_mib: Option<f64>,
}

/// A roster of `n` candidates as a school office writes it (semicolons, a
/// decimal comma for extra time every tenth line).
pub fn roster_csv(n: usize) -> String {
    let mut csv = String::from("username;display_name;candidate_number;time_multiplier\n");
    for i in 0..n {
        let extra = if i % 10 == 3 { "1,25" } else { "" };
        csv.push_str(&format!("c{i:05};Candidate {i};N-{i:05};{extra}\n"));
    }
    csv
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Times importing a roster of `candidates` into a fresh SQLite file in `dir`:
/// the dry run, then the real import, against hashing as many passwords alone.
pub async fn roster(dir: &Path, candidates: usize) -> anyhow::Result<RosterBench> {
    use examhall_protocol::{ImportMode, ImportUsers};
    anyhow::ensure!(candidates >= 1, "--candidates >= 1");
    std::fs::create_dir_all(dir)?;
    let db = dir.join("roster.sqlite");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    let csv = roster_csv(candidates);
    let app = App::open(&db, Arc::new(SystemClock)).await?;
    let (admin, _) = seed_hq(&app, 0).await?;
    let req = |dry_run| ImportUsers {
        csv: csv.clone(),
        dry_run,
        mode: ImportMode::AllOrNothing,
    };
    let t0 = Instant::now();
    let dry = app.import_users(&admin, req(true), |_, _| {}).await?;
    let dry_run_ms = t0.elapsed().as_secs_f64() * 1e3;
    anyhow::ensure!(
        dry.created.len() == candidates && dry.errors.is_empty() && !dry.applied,
        "the dry run: {} to create, {:?}",
        dry.created.len(),
        dry.errors.first()
    );
    let reports = std::sync::atomic::AtomicUsize::new(0);
    let t0 = Instant::now();
    let done = app
        .import_users(&admin, req(false), |_, _| {
            reports.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        })
        .await?;
    let import_ms = t0.elapsed().as_secs_f64() * 1e3;
    anyhow::ensure!(
        done.applied && done.created.len() == candidates,
        "not applied"
    );
    let stored = app.store().user_count().await? as usize;
    anyhow::ensure!(stored == candidates + 1, "{stored} accounts stored");
    app.shutdown().await;
    let peak_rss_mib = peak_rss_mib();

    // The floor: the same number of hashes on as many threads as the import
    // hashes at once.
    let threads = crate::auth::ARGON2_AT_ONCE;
    let t0 = Instant::now();
    let per = candidates.div_ceil(threads);
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let n = per.min(candidates.saturating_sub(t * per));
            std::thread::spawn(move || -> anyhow::Result<()> {
                for i in 0..n {
                    crate::auth::hash_password(&format!("baseline-{t}-{i}"))?;
                }
                Ok(())
            })
        })
        .collect();
    for h in handles {
        h.join()
            .map_err(|_| anyhow::anyhow!("a hashing thread panicked"))??;
    }
    let baseline_hashes_ms = t0.elapsed().as_secs_f64() * 1e3;
    Ok(RosterBench {
        candidates,
        csv_bytes: csv.len(),
        dry_run_ms,
        import_ms,
        baseline_hashes_ms,
        import_to_baseline_ratio: import_ms / baseline_hashes_ms,
        progress_reports: reports.into_inner(),
        peak_rss_mib,
    })
}
