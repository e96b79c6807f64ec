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
    about = "Examhall: offline exams for exam centres",
    after_help = "Every option can also come from a configuration file (TOML, same names with \
                  underscores); flags and environment variables override it."
)]
pub struct Options {
    /// A lab machine's configuration file. Without it, /etc/examhall/desktop.toml is read if it exists.
    #[arg(long, env = "EXAMHALL_CONFIG")]
    pub config: Option<PathBuf>,
    /// Create the embedded demo centre (accounts for each role, a demo exam) if the database is empty.
    #[arg(long, env = "EXAMHALL_DEMO", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub demo: Option<bool>,
    /// Where the database lives. Defaults to $XDG_DATA_HOME/examhall (~/.local/share/examhall).
    #[arg(long, env = "EXAMHALL_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// A folder to watch for exam packages (*.exhpkg), e.g. a mounted USB stick.
    /// Packages need this desktop to be enrolled with HQ (their signature is checked).
    #[arg(long, env = "EXAMHALL_INBOX")]
    pub inbox: Option<PathBuf>,
    /// The folder results are exported to for a USB stick (offered on the sync page).
    #[arg(long, env = "EXAMHALL_OUTBOX")]
    pub outbox: Option<PathBuf>,
    /// Also be the room hub: serve the API (the seats' heartbeat and enrolment, packages,
    /// results) on this address, e.g. 0.0.0.0:8000. Keys live in the data directory.
    #[arg(long, env = "EXAMHALL_SERVE")]
    pub serve: Option<std::net::SocketAddr>,
    /// The room hub (or HQ) this seat follows, e.g. http://10.0.0.2:8000. With
    /// --enrolment-token, the desktop enrols with it on first start. Makes this a lab seat.
    #[arg(long, env = "EXAMHALL_HUB")]
    pub hub: Option<String>,
    /// A one-time enrolment token from the hub's administrator (used once).
    #[arg(long, env = "EXAMHALL_ENROLMENT_TOKEN")]
    pub enrolment_token: Option<String>,
    /// This machine's name on the invigilator's console (default "Lab seat").
    #[arg(long, env = "EXAMHALL_SEAT_NAME")]
    pub seat_name: Option<String>,
    /// The centre this machine belongs to: the start stops if its enrolment says otherwise.
    #[arg(long, env = "EXAMHALL_CENTRE")]
    pub centre: Option<String>,
    /// A candidate's lab seat: its window may only sign candidates in and run their
    /// exams (Tauri capabilities); staff use the invigilator's machine.
    #[arg(long, env = "EXAMHALL_LAB_SEAT", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub lab_seat: Option<bool>,
    /// Plain HTTP on this machine's links: the hub it follows may be http://, and
    /// --serve serves plain HTTP. Only on a closed lab LAN; logged. Without it a hub
    /// is reached over HTTPS pinned to the fingerprint in the enrolment token, and
    /// --serve serves HTTPS with a certificate kept in the data directory.
    #[arg(long, env = "EXAMHALL_ALLOW_PLAIN_HTTP", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub allow_plain_http: Option<bool>,
}

/// The options after the configuration file filled what flags and variables left out.
#[derive(Debug)]
struct Settings {
    demo: bool,
    data_dir: PathBuf,
    inbox: Option<PathBuf>,
    outbox: Option<PathBuf>,
    serve: Option<std::net::SocketAddr>,
    hub: Option<String>,
    enrolment_token: Option<String>,
    seat_name: String,
    centre: Option<String>,
    lab_seat: bool,
    allow_plain_http: bool,
}

fn settings(opts: Options) -> anyhow::Result<Settings> {
    use examhall_app::config;
    let file = match &opts.config {
        Some(path) => config::load(path)?,
        None if std::path::Path::new(config::DEFAULT_CONFIG_PATH).exists() => {
            config::load(std::path::Path::new(config::DEFAULT_CONFIG_PATH))?
        }
        None => config::MachineConfig::default(),
    };
    // Flags and variables are checked as the file is.
    let flag = |name: &str, r: Result<String, String>| {
        r.map_err(|m| anyhow::anyhow!("the command line or environment: {name}: {m}"))
    };
    let hub = match &opts.hub {
        Some(h) => Some(flag("--hub / EXAMHALL_HUB", config::hub_address(h))?),
        None => file.hub,
    };
    let centre = match &opts.centre {
        Some(c) => Some(flag("--centre / EXAMHALL_CENTRE", config::centre_id(c))?),
        None => file.centre,
    };
    let seat_name = match &opts.seat_name {
        Some(n) => Some(flag(
            "--seat-name / EXAMHALL_SEAT_NAME",
            config::short_text(n, 100),
        )?),
        None => file.seat_name,
    };
    let enrolment_token = opts.enrolment_token.or(file.enrolment_token);
    if enrolment_token.is_some() && hub.is_none() {
        anyhow::bail!(
            "an enrolment token was given without the hub (--hub / EXAMHALL_HUB / hub =) it is for"
        );
    }
    Ok(Settings {
        demo: opts.demo.or(file.demo).unwrap_or(false),
        data_dir: opts
            .data_dir
            .or(file.data_dir)
            .unwrap_or_else(examhall_app::default_data_dir),
        inbox: opts.inbox.or(file.inbox),
        outbox: opts.outbox.or(file.outbox),
        serve: opts.serve.or(file.serve),
        lab_seat: opts.lab_seat.or(file.lab_seat).unwrap_or(hub.is_some()),
        hub,
        enrolment_token,
        seat_name: seat_name.unwrap_or_else(|| "Lab seat".into()),
        centre,
        allow_plain_http: opts
            .allow_plain_http
            .or(file.allow_plain_http)
            .unwrap_or(false),
    })
}

/// Whether an attempt is on screen: closing the window then needs the
/// invigilator's code.
#[derive(Debug, Default)]
pub struct ExamWindow {
    in_exam: std::sync::atomic::AtomicBool,
}

impl ExamWindow {
    fn set(&self, on: bool) {
        self.in_exam.store(on, std::sync::atomic::Ordering::SeqCst);
    }
    fn on(&self) -> bool {
        self.in_exam.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// When this process started (the start-up measurement's zero).
pub(crate) static STARTED: std::sync::LazyLock<std::time::Instant> =
    std::sync::LazyLock::new(std::time::Instant::now);

pub fn run() -> anyhow::Result<()> {
    std::sync::LazyLock::force(&STARTED);
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,examhall=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let opts = settings(Options::parse())?;
    let dir = opts.data_dir.clone();
    if let Some(w) = examhall_app::files::private_dir(&dir)
        .with_context(|| format!("creating the data directory {}", dir.display()))?
    {
        tracing::warn!("{w}");
    }
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
        if opts.allow_plain_http {
            app.allow_plain_http();
        }
        if let Some(outbox) = &opts.outbox {
            app.set_outbox(outbox.clone());
        }
        let mut tls = None;
        if let Some(addr) = opts.serve {
            app.enable_jwt(&examhall_app::platform::jwt_secret_in(&dir)?)?;
            app.enable_hq_signing(examhall_app::sync::load_or_create_hq_key(
                &dir.join("hq_ed25519.key"),
            )?);
            if !opts.allow_plain_http {
                let identity = examhall_server::tls::TlsIdentity::load_or_create(
                    &dir,
                    &[addr.ip().to_string()],
                )?;
                tracing::info!(
                    fingerprint = identity.fingerprint(),
                    "the room hub serves HTTPS; its enrolment tokens carry this fingerprint"
                );
                app.serve_tls_with(identity.fingerprint());
                tls = Some(identity);
            }
        }
        // After the serving certificate is known: a hub tells HQ its fingerprint.
        if let (Some(hub), Some(token)) = (&opts.hub, &opts.enrolment_token) {
            app.enrol_machine(hub, token, &opts.seat_name)
                .await
                .with_context(|| format!("enrolling this seat with {hub}"))?;
        }
        if let Some(centre) = &opts.centre {
            app.check_centre(centre).await?;
        }
        anyhow::Ok((app, tls))
    })?;
    let (app, tls) = app;
    tracing::info!(db = %db_path.display(), lab_seat = opts.lab_seat, "database open");

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
    // Copy as you go: every saved event to that hub within about a second, off
    // the save path (a no-op until enrolled).
    tauri::async_runtime::spawn(
        app.clone()
            .copy_loop(std::time::Duration::from_millis(500), stop_rx.clone()),
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
                    let served = match &tls {
                        Some(t) => examhall_server::serve_api_tls(app, listener, t, shutdown).await,
                        None => {
                            tracing::warn!(%addr, "the room hub serves plain HTTP (allowed): a closed lab LAN only");
                            examhall_server::serve_api(app, listener, shutdown).await
                        }
                    };
                    if let Err(e) = served {
                        tracing::error!(error = %e, "the room hub stopped");
                    }
                }
                Err(e) => tracing::error!(%addr, error = %e, "cannot serve as the room hub"),
            }
        });
    }
    // Results to a USB stick whenever its folder appears, and HQ's receipts
    // read back from it.
    if let Some(outbox) = opts.outbox.clone() {
        tauri::async_runtime::spawn(app.clone().stick_loop(
            outbox,
            std::time::Duration::from_secs(3),
            stop_rx.clone(),
        ));
    }
    if let Some(inbox) = opts.inbox.clone() {
        let watcher = app.clone().watch_inbox(inbox.clone(), stop_rx.clone());
        tauri::async_runtime::spawn(async move {
            if let Err(e) = watcher.await {
                tracing::error!(inbox = %inbox.display(), error = %e, "cannot watch the inbox");
            }
        });
    }

    // A lab seat's window is "seat": its capability grants only what a candidate
    // needs (src-tauri/capabilities/). Staff machines get "main", with everything.
    let label = if opts.lab_seat { "seat" } else { "main" };
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(app)
        .manage(commands::ReportsDir(dir.join("reports")))
        .manage(ExamWindow::default())
        .invoke_handler(commands::handler())
        .setup(move |app| {
            tauri::WebviewWindowBuilder::new(app, label, tauri::WebviewUrl::default())
                .title("Examhall")
                .inner_size(1200.0, 780.0)
                .min_inner_size(800.0, 600.0)
                .build()?;
            Ok(())
        })
        .on_window_event(|window, event| {
            use tauri::{Emitter as _, Manager as _};
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if window.state::<ExamWindow>().on() {
                    // The exam page asks for the invigilator's code and calls
                    // `close_exam_window`, which closes the window if it is right.
                    api.prevent_close();
                    let _ = window.emit_to(window.label(), "exam-close-requested", ());
                }
            }
        })
        .build(tauri::generate_context!())
        .context("starting the window")?
        .run(move |_handle, event| {
            if let tauri::RunEvent::Exit = event {
                let _ = stop_tx.send(true);
            }
        });
    Ok(())
}
