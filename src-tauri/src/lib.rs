//! The desktop shell. It opens the database, seeds the demo centre when asked,
//! starts the grading worker on Tauri's tokio runtime, and exposes the use cases
//! as commands. Commands hold no logic: take state, call one `App` method, map
//! the error to `{code, message, field}`.

mod commands;

use anyhow::Context as _;
use clap::Parser;
use examhall_app::{App, SystemClock};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "examhall-desktop",
    about = "Examhall: offline exams for exam centres"
)]
pub struct Options {
    /// Create the embedded demo centre (accounts for each role, a demo exam) if the database is empty.
    #[arg(long, env = "EXAMHALL_DEMO", value_parser = clap::builder::BoolishValueParser::new(), default_value_t = false, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub demo: bool,
    /// Where the database lives. Defaults to $XDG_DATA_HOME/examhall (~/.local/share/examhall).
    #[arg(long, env = "EXAMHALL_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// A folder to watch for exam packages (*.exhpkg), e.g. a mounted USB stick.
    /// Packages need this desktop to be enrolled with HQ (their signature is checked).
    #[arg(long, env = "EXAMHALL_INBOX")]
    pub inbox: Option<PathBuf>,
    /// Also be the room hub: serve the API (the seats' heartbeat and enrolment, packages,
    /// results) on this address, e.g. 0.0.0.0:8000. Keys live in the data directory.
    #[arg(long, env = "EXAMHALL_SERVE")]
    pub serve: Option<std::net::SocketAddr>,
    /// The room hub (or HQ) this seat follows, e.g. http://10.0.0.2:8000. With
    /// --enrolment-token, the desktop enrols with it on first start.
    #[arg(long, env = "EXAMHALL_HUB", requires = "enrolment_token")]
    pub hub: Option<String>,
    /// A one-time enrolment token from the hub's administrator (used once).
    #[arg(long, env = "EXAMHALL_ENROLMENT_TOKEN")]
    pub enrolment_token: Option<String>,
    /// This machine's name on the invigilator's console.
    #[arg(long, env = "EXAMHALL_SEAT_NAME", default_value = "Lab seat")]
    pub seat_name: String,
}

pub fn run() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,examhall=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let opts = Options::parse();
    let dir = opts
        .data_dir
        .clone()
        .unwrap_or_else(examhall_app::default_data_dir);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("creating the data directory {}", dir.display()))?;
    let db_path = dir.join("examhall.sqlite");
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        anyhow::bail!(
            "no display: DISPLAY and WAYLAND_DISPLAY are unset. Run it on a desktop session, or under a virtual \
             display: xvfb-run -a {} {}",
            std::env::args().next().unwrap_or_default(),
            std::env::args().skip(1).collect::<Vec<_>>().join(" ")
        );
    }

    let app = tauri::async_runtime::block_on(async {
        let store = examhall_store::Store::open(&db_path)
            .await
            .with_context(|| format!("opening the database {}", db_path.display()))?;
        let app = App::new(store, Arc::new(SystemClock));
        if opts.demo && app.seed_demo().await? {
            tracing::info!("seeded the demo centre");
        }
        if let (Some(hub), Some(token)) = (&opts.hub, &opts.enrolment_token) {
            app.enrol_machine(hub, token, &opts.seat_name)
                .await
                .with_context(|| format!("enrolling this seat with {hub}"))?;
        }
        if opts.serve.is_some() {
            app.enable_jwt(&examhall_app::platform::jwt_secret_in(&dir)?)?;
            app.enable_hq_signing(examhall_app::sync::load_or_create_hq_key(
                &dir.join("hq_ed25519.key"),
            )?);
        }
        anyhow::Ok(app)
    })?;
    tracing::info!(db = %db_path.display(), "database open");

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tauri::async_runtime::spawn(app.worker().run(stop_rx.clone()));
    // Sync with HQ whenever a link exists (a no-op round until the desktop is
    // enrolled): every 10 s when idle, backing off to 5 minutes while HQ is away.
    tauri::async_runtime::spawn(app.clone().sync_loop(
        std::time::Duration::from_secs(10),
        std::time::Duration::from_secs(300),
        stop_rx.clone(),
    ));
    // The room heartbeat to the hub this desktop is enrolled with: progress up,
    // the session's opening and the invigilator's commands down.
    tauri::async_runtime::spawn(
        app.clone()
            .room_loop(std::time::Duration::from_secs(2), stop_rx.clone()),
    );
    if let Some(addr) = opts.serve {
        let (app, mut stop) = (app.clone(), stop_rx.clone());
        tauri::async_runtime::spawn(async move {
            match tokio::net::TcpListener::bind(addr).await {
                Ok(listener) => {
                    tracing::info!(%addr, "serving as the room hub");
                    let shutdown = async move {
                        let _ = stop.changed().await;
                    };
                    if let Err(e) = examhall_server::serve_api(app, listener, shutdown).await {
                        tracing::error!(error = %e, "the room hub stopped");
                    }
                }
                Err(e) => tracing::error!(%addr, error = %e, "cannot serve as the room hub"),
            }
        });
    }
    if let Some(inbox) = opts.inbox.clone() {
        let watcher = app.clone().watch_inbox(inbox.clone(), stop_rx.clone());
        tauri::async_runtime::spawn(async move {
            if let Err(e) = watcher.await {
                tracing::error!(inbox = %inbox.display(), error = %e, "cannot watch the inbox");
            }
        });
    }

    tauri::Builder::default()
        .manage(app)
        .manage(commands::ReportsDir(dir.join("reports")))
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!("../tauri.conf.json"))
        .context("starting the window")?
        .run(move |_handle, event| {
            if let tauri::RunEvent::Exit = event {
                let _ = stop_tx.send(true);
            }
        });
    Ok(())
}
