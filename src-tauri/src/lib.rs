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
        anyhow::Ok(app)
    })?;
    tracing::info!(db = %db_path.display(), "database open");

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tauri::async_runtime::spawn(app.worker().run(stop_rx.clone()));
    // Sync with HQ whenever a link exists (a no-op round until the desktop is
    // enrolled): every 30 s when idle, backing off to 5 minutes while HQ is away.
    tauri::async_runtime::spawn(app.clone().sync_loop(
        std::time::Duration::from_secs(30),
        std::time::Duration::from_secs(300),
        stop_rx.clone(),
    ));
    // The room heartbeat to the hub this desktop is enrolled with: progress up,
    // the session's opening and the invigilator's commands down.
    tauri::async_runtime::spawn(
        app.clone()
            .room_loop(std::time::Duration::from_secs(2), stop_rx.clone()),
    );
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
