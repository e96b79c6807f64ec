//! THE use-case API. One `pub async fn` per user action; every front end (the
//! desktop shell's commands, the CLI, tests, later the server) calls these and
//! nothing below them. Each use case resolves the session, checks the role,
//! validates its input, then talks to the store.

mod access;
mod accounts;
pub mod analysis;
mod assignments;
mod auth;
mod authoring;
pub mod bank;
pub mod bench;
mod candidate;
mod centre_exams;
pub mod config;
mod copies;
pub mod demo;
mod drafts;
mod error;
pub mod files;
pub mod headless;
pub mod home;
mod hq;
mod invigilation;
mod marking;
pub mod platform;
mod reconcile;
mod regrade;
mod relay;
pub mod reports;
mod results;
mod review;
mod room;
mod roster;
mod seats;
pub mod stick;
pub use seats::LOCAL_CENTRE;
pub mod sync;
pub mod worker;

/// This build's version: seats report it to their hub, whose console lists it.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

pub use auth::Actor;
pub use copies::CopyRound;
pub use error::{AppError, AppResult};
pub use examhall_protocol as protocol;
/// Certificate pinning, fingerprints and answer MACs, for the server and the desktop.
pub use examhall_sync::tls as transport;
pub use worker::{Outcome, Worker};

use examhall_domain::{Clock, Timestamp};
use examhall_store::Store;
use std::sync::Arc;

/// The real wall clock. Everything else gets time from a [`Clock`] passed in.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(d.as_millis() as i64)
    }
}

/// Where the desktop and the CLI keep the database and reports unless told
/// otherwise: `$XDG_DATA_HOME/examhall`, else `~/.local/share/examhall`.
pub fn default_data_dir() -> std::path::PathBuf {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return std::path::PathBuf::from(x).join("examhall");
    }
    let home = std::env::var_os("HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    home.join(".local/share/examhall")
}

/// Tunables with exam-day defaults.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// Silence longer than this (no heartbeat, no event) is recorded as downtime.
    pub gap_threshold_ms: i64,
    /// Heartbeats write `last_seen_at` at most this often.
    pub touch_every_ms: i64,
    /// Answers arriving this long after the deadline (in flight over IPC) still count.
    pub save_grace_ms: i64,
    /// A grading job's lease; a worker silent for longer loses the job to another.
    pub job_lease_ms: i64,
    /// Jobs claimed and committed together by one worker step.
    pub grading_batch: i64,
    /// How long a request to HQ may take before it counts as unreachable.
    pub sync_timeout_ms: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            gap_threshold_ms: 15_000,
            touch_every_ms: 5_000,
            save_grace_ms: 2_000,
            job_lease_ms: 60_000,
            grading_batch: 64,
            sync_timeout_ms: 10_000,
        }
    }
}

#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    clock: Arc<dyn Clock>,
    sessions: auth::Sessions,
    settings: Settings,
    /// Wakes the grading worker when a job is enqueued.
    jobs_ready: tokio::sync::Notify,
    /// Exams never change once stored (editing makes a new version), so they are
    /// parsed once and shared.
    exams: std::sync::Mutex<std::collections::HashMap<i64, Arc<examhall_domain::ExamSpec>>>,
    /// attempt id -> (candidate, exam): facts fixed when the attempt starts.
    attempt_owners: std::sync::Mutex<std::collections::HashMap<String, (i64, i64)>>,
    /// Batch prints running in the background.
    print_jobs: reports::PrintJobs,
    /// JWT keys, when the server enabled bearer tokens.
    jwt: std::sync::OnceLock<platform::JwtKeys>,
    /// HQ's package-signing key, when this app is the server.
    hq_key: std::sync::OnceLock<examhall_sync::SigningKey>,
    /// The machine's configured outbox (results for a USB stick), if any.
    outbox: std::sync::OnceLock<std::path::PathBuf>,
    /// The group committer for uploaded attempts, started on first use.
    ingestor: std::sync::OnceLock<tokio::sync::mpsc::Sender<sync::IngestJob>>,
    sync_cache: std::sync::Mutex<sync::SyncCache>,
    /// Attempts this process has seen running: one it has not seen before, under
    /// a room session, was interrupted by an unclean exit and gets locked.
    live_attempts: std::sync::Mutex<std::collections::HashSet<String>>,
    /// device id -> when its `last_seen_at` was last written (at most every
    /// [`seats::TOUCH_EVERY_MS`], so heartbeats do not each cost a write).
    device_touches: std::sync::Mutex<std::collections::HashMap<String, (i64, Option<String>)>>,
    /// The centre this machine's configuration names, if any.
    centre: std::sync::OnceLock<String>,
    /// Password hashing runs on the blocking pool, at most this many at once,
    /// so a sign-in flood never stalls heartbeats, saves or the exam window.
    argon2_permits: Arc<tokio::sync::Semaphore>,
    /// How this machine's links to other machines are secured.
    link: std::sync::Mutex<LinkPolicy>,
}

/// How this machine's links are secured: see [`App::allow_plain_http`] and
/// [`App::serve_tls_with`].
#[derive(Debug, Clone, Default)]
pub(crate) struct LinkPolicy {
    /// Plain HTTP to an upstream server is allowed (a closed lab LAN).
    pub allow_plain_http: bool,
    /// This machine serves HTTPS with the certificate of this fingerprint.
    pub serving_fingerprint: Option<String>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").finish_non_exhaustive()
    }
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> App {
        App {
            inner: Arc::new(Inner {
                store,
                clock,
                sessions: auth::Sessions::default(),
                settings: Settings::default(),
                jobs_ready: tokio::sync::Notify::new(),
                exams: Default::default(),
                attempt_owners: Default::default(),
                print_jobs: Default::default(),
                jwt: std::sync::OnceLock::new(),
                hq_key: std::sync::OnceLock::new(),
                outbox: std::sync::OnceLock::new(),
                ingestor: std::sync::OnceLock::new(),
                sync_cache: Default::default(),
                live_attempts: Default::default(),
                device_touches: Default::default(),
                centre: Default::default(),
                argon2_permits: Arc::new(tokio::sync::Semaphore::new(auth::ARGON2_AT_ONCE)),
                link: Default::default(),
            }),
        }
    }

    /// Allows this machine's links to other machines (HQ, a hub) to use plain
    /// HTTP. Only for a closed lab LAN; it is logged, and every enrolment or
    /// sync over plain HTTP logs it again.
    pub fn allow_plain_http(&self) {
        self.inner
            .link
            .lock()
            .expect("link policy")
            .allow_plain_http = true;
        tracing::warn!("plain HTTP is allowed on this machine's links: a closed lab LAN only");
    }

    /// This machine serves HTTPS with the certificate of `fingerprint`: the
    /// enrolment tokens it issues carry it, so devices pin it.
    pub fn serve_tls_with(&self, fingerprint: &str) {
        self.inner
            .link
            .lock()
            .expect("link policy")
            .serving_fingerprint = Some(fingerprint.to_owned());
    }

    pub(crate) fn link(&self) -> LinkPolicy {
        self.inner.link.lock().expect("link policy").clone()
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }
    pub(crate) fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }
    pub(crate) fn settings(&self) -> &Settings {
        &self.inner.settings
    }
    /// Who holds `token`: a JWT (when enabled) or a desktop session, as long
    /// as the account is enabled, has not changed credentials since, and needs
    /// no new password first.
    pub(crate) async fn actor(&self, token: &str) -> AppResult<Actor> {
        self.checked_actor(token, false).await
    }

    /// The exam as it grades now: its stored spec with any answer-key corrections
    /// applied. Cached; a correction refreshes the cache.
    pub(crate) async fn exam(&self, exam_id: i64) -> AppResult<Arc<examhall_domain::ExamSpec>> {
        if let Some(e) = self.inner.exams.lock().expect("exam cache").get(&exam_id) {
            return Ok(e.clone());
        }
        self.load_exam(exam_id).await
    }

    /// Reads the exam and its key corrections from the store (bypassing the cache)
    /// and caches the result.
    pub(crate) async fn load_exam(
        &self,
        exam_id: i64,
    ) -> AppResult<Arc<examhall_domain::ExamSpec>> {
        let row = self
            .store()
            .exam(exam_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Exam {exam_id}")))?;
        let mut spec = row.spec;
        for c in self.store().key_corrections(exam_id).await? {
            // Each correction was validated when it was made; apply it as stored.
            if let Some(q) = spec
                .questions
                .iter_mut()
                .find(|q| q.id.as_str() == c.question_id)
            {
                if c.voided {
                    if !spec.voided.contains(&q.id) {
                        spec.voided.push(q.id.clone());
                    }
                } else {
                    q.kind = c.key;
                }
            }
        }
        let spec = Arc::new(spec);
        self.inner
            .exams
            .lock()
            .expect("exam cache")
            .insert(exam_id, spec.clone());
        Ok(spec)
    }

    /// Opens (creating and migrating if needed) the centre database at `path`.
    pub async fn open(path: &std::path::Path, clock: Arc<dyn Clock>) -> AppResult<App> {
        Ok(App::new(Store::open(path).await?, clock))
    }

    /// Opens the database `target` names: a `postgres://` URL, or a SQLite file path.
    pub async fn connect(target: &str, clock: Arc<dyn Clock>) -> AppResult<App> {
        Ok(App::new(Store::connect(target).await?, clock))
    }

    /// A worker bound to this app's store and clock.
    pub fn worker(&self) -> Worker {
        Worker::new(self.clone())
    }

    pub async fn shutdown(&self) {
        self.inner.store.close().await;
    }
}
