//! `examhall`: the command-line front end over the same use-case API.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

mod users;

#[derive(Parser)]
#[command(name = "examhall", version, about = "Examhall command line")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ImportFormat {
    /// Moodle's GIFT.
    Gift,
    /// Aiken (multiple choice, one question per block).
    Aiken,
    /// Moodle XML (`<quiz><question type="…">`).
    MoodleXml,
    /// IMS QTI 2.1: an item (.xml) or a content package (.zip with imsmanifest.xml).
    Qti,
    /// CSV with Examhall's documented header (see the README).
    Csv,
    /// Examhall's own lossless JSON form.
    Json,
}

impl From<ImportFormat> for examhall_formats::Format {
    fn from(f: ImportFormat) -> Self {
        use examhall_formats::Format;
        match f {
            ImportFormat::Gift => Format::Gift,
            ImportFormat::Aiken => Format::Aiken,
            ImportFormat::MoodleXml => Format::MoodleXml,
            ImportFormat::Qti => Format::Qti,
            ImportFormat::Csv => Format::Csv,
            ImportFormat::Json => Format::Json,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Time the analytics on a 2-D int8 .npy score matrix (the peer baseline's data set).
    BenchAnalytics {
        #[arg(long)]
        npy: PathBuf,
        /// Each item's maximum mark, comma-separated.
        #[arg(long, value_delimiter = ',')]
        max: Vec<f64>,
        #[arg(long, default_value_t = 3)]
        reps: usize,
    },
    /// Exam summary, reliability and item analysis of a score matrix CSV.
    Analyse(AnalyseArgs),
    /// Read a question file and report what it holds: every question as Examhall
    /// will store it, and every error with its line (or XML element). Exit status 1
    /// when the file has errors.
    Import {
        /// The file's format.
        #[arg(long, value_enum)]
        format: ImportFormat,
        /// Check and print only; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the questions and errors as JSON on stdout.
        #[arg(long)]
        json: bool,
        file: PathBuf,
    },
    /// Print the marks a response earns for one question of a file, under the
    /// file's own scoring rules (weights, tolerances, partial credit), so a
    /// teacher can check an imported question before an exam.
    Score {
        #[arg(long, value_enum)]
        format: ImportFormat,
        file: PathBuf,
        /// The question's id, as `examhall import --dry-run --json` prints it.
        #[arg(long)]
        question: String,
        /// An option id or text, a number, a text, a JSON list of option ids
        /// (several picks, an order) or a JSON object (matching: item id → answer;
        /// cloze: gap id → value).
        #[arg(long)]
        response: String,
        #[arg(long)]
        json: bool,
    },
    /// Run the central server: the platform REST API (JWT) and its grading worker.
    Serve(ServeArgs),
    /// Ingest results files (*.exhres), check manifests (*.exhman) and take rooms'
    /// reports (*.exhroom) carried on a USB stick into a server's database,
    /// exactly as the network upload would.
    /// Write the question bank (not archived questions) to a file: GIFT, the
    /// lossless JSON form, or a QTI 2.1 content package (.zip). A question the
    /// format cannot express is refused, by id, and nothing is written.
    Export {
        #[arg(long, value_enum)]
        format: ImportFormat,
        /// The data directory holding examhall.sqlite.
        #[arg(long, env = "EXAMHALL_DATA_DIR")]
        data_dir: Option<PathBuf>,
        /// Only this category and those inside it, as a/b/c.
        #[arg(long)]
        category: Option<String>,
        /// The file to write.
        out: PathBuf,
    },
    /// Check a candidate's receipt (`37-9f3ac1d2e4b7`) or a result sheet's chain
    /// head against the attempt's stored log. Exit status 0 valid, 1 differs,
    /// 3 unknown attempt (2 for a bad argument).
    Verify {
        /// The data directory holding examhall.sqlite.
        #[arg(long, env = "EXAMHALL_DATA_DIR")]
        data_dir: Option<PathBuf>,
        /// The attempt id printed on the receipt or sheet.
        attempt: String,
        /// The receipt's code, or the sheet's chain head.
        receipt: String,
        #[arg(long)]
        json: bool,
    },
    ImportResults {
        /// The server's data directory (holding examhall.sqlite).
        #[arg(long, env = "EXAMHALL_DATA_DIR")]
        data_dir: Option<PathBuf>,
        /// The server's database, if not the data directory's SQLite file: a
        /// `postgres://` URL or a file path.
        #[arg(long, env = "EXAMHALL_DATABASE")]
        database: Option<String>,
        /// The files to read.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run a seat without a window: enrol with the hub, sit the exam as one candidate
    /// (waiting for the room to open, obeying pauses and locks), hand in, and exit
    /// once the hub holds the result. Prints one JSON line per milestone. For
    /// multi-seat tests and the room benchmark.
    Seat(SeatArgs),
    /// Print the server's OpenAPI document (the one served at /api/openapi.json).
    Openapi,
    /// Print a PDF report from a centre's database (as the signed-in user).
    Report(ReportArgs),
    /// At HQ: account for every rostered candidate of a package, from the
    /// attempts HQ holds and the rooms' reports (as a signed-in administrator).
    /// Exit status 0 when every line is accounted for, 1 when not.
    Reconcile {
        /// HQ's data directory (holding examhall.sqlite and hq_ed25519.key).
        #[arg(long, env = "EXAMHALL_DATA_DIR")]
        data_dir: Option<PathBuf>,
        /// The package to reconcile.
        #[arg(long)]
        package: String,
        /// Sign in as this administrator.
        #[arg(long)]
        user: String,
        /// The environment variable holding the password (read from standard input when unset).
        #[arg(long, default_value = "EXAMHALL_PASSWORD")]
        password_env: String,
        /// One JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The centre's accounts: list, add, reset-password, disable, enable
    /// (signed in as an administrator).
    Users(users::UsersArgs),
    /// Time rendering result sheets (one PDF of N pages, and N separate PDFs).
    BenchReports {
        #[arg(long, default_value_t = 1000)]
        sheets: usize,
        #[arg(long, default_value_t = 3)]
        reps: usize,
    },
    /// Measure HQ ingesting signed attempt uploads over HTTP from many devices at once.
    BenchSync {
        /// Scratch directory on the disk under test.
        #[arg(long, default_value = "target/bench-scratch")]
        dir: PathBuf,
        /// Concurrent uploading devices.
        #[arg(long, default_value_t = 200)]
        uploaders: usize,
        /// Attempts each device uploads, one request each.
        #[arg(long, default_value_t = 50)]
        per_uploader: usize,
        /// Offered load in attempts/s across all devices (default: saturate).
        #[arg(long)]
        rate: Option<f64>,
    },
    /// Measure the room console under load: a hub process (`examhall serve`) with N
    /// seats heartbeating, the console polling the room and pausing/resuming it.
    BenchRoom {
        /// Scratch directory for the hub's data (emptied first).
        #[arg(long)]
        dir: PathBuf,
        #[arg(long, default_value_t = 60)]
        seats: usize,
        #[arg(long, default_value_t = 60)]
        secs: u64,
        #[arg(long, default_value_t = 2000)]
        heartbeat_ms: u64,
    },
    /// Measure copy as you go: a hub process (`examhall serve`) and N real seats
    /// (each its own SQLite file, enrolled, heartbeating) saving an answer every
    /// --save-every-ms, first with their copy loops off, then on; prints JSON.
    BenchCopy {
        /// Scratch directory for the hub's and the seats' data (emptied first).
        #[arg(long)]
        dir: PathBuf,
        #[arg(long, default_value_t = 60)]
        seats: usize,
        /// Seconds per phase.
        #[arg(long, default_value_t = 30)]
        secs: u64,
        #[arg(long, default_value_t = 2000)]
        save_every_ms: u64,
    },
    /// Time parsing a generated GIFT file of N questions of every kind (the import's
    /// first stage), best of --reps; prints JSON.
    BenchImport {
        #[arg(long, default_value_t = 5000)]
        questions: usize,
        #[arg(long, default_value_t = 5)]
        reps: usize,
        /// Where the benchmark's databases go (each repetition starts afresh).
        #[arg(long, default_value = "target/bench-import")]
        dir: PathBuf,
    },
    /// Time importing a generated roster of N candidates into a fresh SQLite
    /// file: the dry run, then the real import (argon2id one-time passwords),
    /// against hashing as many passwords alone; prints JSON.
    BenchRoster {
        #[arg(long, default_value_t = 10_000)]
        candidates: usize,
        #[arg(long, default_value = "target/bench-roster")]
        dir: PathBuf,
    },
    /// Measure answer-save latency and grading throughput against raw baselines on this disk.
    Bench {
        /// Scratch directory on the disk under test (deleted and recreated files only).
        #[arg(long, default_value = "target/bench-scratch")]
        dir: PathBuf,
        /// Answer saves per round (and raw commits per round).
        #[arg(long, default_value_t = 2000)]
        answers: usize,
        /// Interleaved rounds of answer / raw loops.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Submitted 50-answer sheets to grade.
        #[arg(long, default_value_t = 5000)]
        sheets: usize,
    },
}

#[derive(clap::Args)]
struct ServeArgs {
    /// The server's data directory (holding examhall.sqlite, jwt.secret and hq_ed25519.key).
    #[arg(long, env = "EXAMHALL_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "EXAMHALL_ADDR", default_value = "127.0.0.1:8000")]
    addr: std::net::SocketAddr,
    /// Create this administrator on an empty database (password from $EXAMHALL_ADMIN_PASSWORD).
    #[arg(long)]
    init_admin: Option<String>,
    /// The database: a `postgres://` URL (several servers may share one), or a SQLite
    /// file. Default: examhall.sqlite in the data directory. Servers sharing a
    /// database must share jwt.secret (or $EXAMHALL_JWT_SECRET) and hq_ed25519.key.
    #[arg(long, env = "EXAMHALL_DATABASE")]
    database: Option<String>,
    /// Run as a centre or room hub relaying to this upstream server (HQ): it serves
    /// HQ's packages to its desktops and forwards their results.
    #[arg(long, env = "EXAMHALL_UPSTREAM", requires = "enrolment_token")]
    upstream: Option<String>,
    /// HQ's one-time enrolment token for this hub (used once, on first start).
    #[arg(long, env = "EXAMHALL_ENROLMENT_TOKEN")]
    enrolment_token: Option<String>,
    /// This hub's name, as HQ's administrators see it.
    #[arg(long, default_value = "Centre hub")]
    hub_name: String,
    /// The server's certificate (PEM, leaf first). Without it the server creates a
    /// self-signed one in its data directory (tls/) and keeps it; either way it
    /// prints the certificate's fingerprint, which its enrolment tokens carry.
    #[arg(
        long,
        env = "EXAMHALL_TLS_CERT",
        requires = "tls_key",
        conflicts_with = "plain_http"
    )]
    tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM).
    #[arg(long, env = "EXAMHALL_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Serve plain HTTP instead of HTTPS, and allow plain HTTP to --upstream: only
    /// on a closed lab LAN. Logged at start.
    #[arg(long)]
    plain_http: bool,
    /// The built UI (ui/dist) to serve to browsers at `/` (the staff console).
    /// Default: ../share/examhall/ui beside the executable, else ./ui/dist.
    #[arg(long, env = "EXAMHALL_UI_DIR")]
    ui: Option<PathBuf>,
}

/// Where the staff console's files are: `--ui`, else the installed copy, else
/// a source tree's build.
fn ui_dir(given: Option<PathBuf>) -> Option<PathBuf> {
    if given.is_some() {
        return given;
    }
    let installed = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("../share/examhall/ui")));
    installed
        .into_iter()
        .chain(std::iter::once(PathBuf::from("ui/dist")))
        .find(|d| d.join("index.html").is_file())
}

#[derive(clap::Args)]
struct SeatArgs {
    /// This seat's data directory (its own examhall.sqlite).
    #[arg(long)]
    data_dir: PathBuf,
    /// The room hub's address.
    #[arg(long)]
    hub: String,
    /// A one-time enrolment token (used on first start only).
    #[arg(long, env = "EXAMHALL_ENROLMENT_TOKEN")]
    enrolment_token: String,
    #[arg(long, default_value = "Seat")]
    name: String,
    #[arg(long)]
    candidate: String,
    /// The environment variable holding the candidate's password.
    #[arg(long, default_value = "EXAMHALL_PASSWORD")]
    password_env: String,
    #[arg(long)]
    start_code: String,
    #[arg(long, default_value_t = 500)]
    answer_every_ms: u64,
    #[arg(long, default_value_t = 0)]
    min_secs: u64,
    #[arg(long, default_value_t = 2000)]
    heartbeat_ms: u64,
    /// Allow a plain-HTTP hub address (a closed lab LAN only; logged).
    #[arg(long)]
    allow_plain_http: bool,
}

#[derive(clap::Args)]
struct ReportArgs {
    #[command(subcommand)]
    kind: ReportKind,
    /// The centre's data directory (holding examhall.sqlite).
    #[arg(long, env = "EXAMHALL_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// Sign in as this user (a teacher or administrator; invigilators may print room reports).
    #[arg(long, global = true)]
    user: Option<String>,
    /// The environment variable holding the password (read from standard input when unset).
    #[arg(long, default_value = "EXAMHALL_PASSWORD", global = true)]
    password_env: String,
    /// Where to write the PDF.
    #[arg(long, default_value = ".", global = true)]
    out: PathBuf,
}

#[derive(Subcommand)]
enum ReportKind {
    /// The exam summary (figures, histogram, item analysis).
    Summary {
        #[arg(long)]
        exam: i64,
    },
    /// Every graded candidate's result sheet in one PDF.
    Sheets {
        #[arg(long)]
        exam: i64,
    },
    /// One attempt's result sheet.
    Sheet {
        #[arg(long)]
        attempt: String,
    },
    /// The room session report (attendance, timing, restarts).
    Room {
        #[arg(long)]
        exam: i64,
    },
}

#[derive(clap::Args)]
struct AnalyseArgs {
    /// CSV of marks: a header row of item names, then one row per attempt.
    #[arg(long)]
    scores: PathBuf,
    /// Each item's maximum mark, comma-separated in column order (default 1 each).
    #[arg(long, value_delimiter = ',')]
    max: Option<Vec<f64>>,
    /// A column naming the attempt (not an item).
    #[arg(long)]
    id_column: Option<String>,
    /// A column holding each attempt's total (ignored for the item maths).
    #[arg(long)]
    total_column: Option<String>,
    /// Pass mark in percent of the maximum total.
    #[arg(long, default_value_t = 50.0)]
    pass_mark: f64,
    /// Histogram bins over 0..=maximum total.
    #[arg(long, default_value_t = 10)]
    bins: usize,
    /// Print JSON (the default is a short text summary).
    #[arg(long)]
    json: bool,
}

fn print_text(a: &examhall_app::analysis::Analysis) {
    let s = &a.summary;
    let opt = |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.3}"));
    println!(
        "attempts {}  mean {:.3}  median {:.3}  sd {:.3}  min {}  max {}  (of {})",
        s.attempts, s.mean, s.median, s.sd, s.min, s.max, s.max_possible
    );
    println!(
        "pass rate {:.1}% at {}%  skewness {}  kurtosis {}",
        s.pass_rate_pct,
        s.pass_mark_pct,
        opt(s.skewness),
        opt(s.kurtosis)
    );
    let r = &a.reliability;
    println!(
        "alpha {}  error ratio {}  standard error {}",
        opt(r.alpha),
        opt(r.error_ratio),
        opt(r.standard_error)
    );
    println!(
        "{:<16} {:>9} {:>8} {:>15} {:>11}  flags",
        "item", "facility", "sd", "discrimination", "efficiency"
    );
    for i in &a.items {
        println!(
            "{:<16} {:>8.2}% {:>7.2}% {:>15} {:>11}  {}",
            i.item,
            i.facility,
            i.sd,
            opt(i.discrimination_index),
            opt(i.discriminative_efficiency),
            i.flags.join("; ")
        );
    }
}

/// The JWT secret: `$EXAMHALL_JWT_SECRET`, else `jwt.secret` in the data directory,
/// created with 32 random bytes (owner-only) on first start.
fn jwt_secret(dir: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    Ok(examhall_app::platform::jwt_secret_in(dir)?)
}

/// A database URL fit for a log line: any password replaced.
fn redact(db: &str) -> String {
    match (db.find("://"), db.rfind('@')) {
        (Some(s), Some(at)) if at > s => match db[s + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &db[..s + 3], &db[at..]),
            None => db.to_owned(),
        },
        _ => db.to_owned(),
    }
}

async fn seat(a: SeatArgs) -> anyhow::Result<()> {
    use anyhow::Context as _;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let password = std::env::var(&a.password_env)
        .with_context(|| format!("the candidate's password in ${}", a.password_env))?;
    if let Some(w) = examhall_app::files::private_dir(&a.data_dir)
        .with_context(|| format!("creating {}", a.data_dir.display()))?
    {
        eprintln!("warning: {w}");
    }
    let app = examhall_app::App::open(
        &a.data_dir.join("examhall.sqlite"),
        std::sync::Arc::new(examhall_app::SystemClock),
    )
    .await?;
    if a.allow_plain_http {
        app.allow_plain_http();
    }
    let plan = examhall_app::headless::SeatPlan {
        hub: a.hub,
        enrolment_token: a.enrolment_token,
        name: a.name,
        candidate: a.candidate,
        password,
        start_code: a.start_code,
        answer_every: std::time::Duration::from_millis(a.answer_every_ms),
        min_duration: std::time::Duration::from_secs(a.min_secs),
        heartbeat: std::time::Duration::from_millis(a.heartbeat_ms),
    };
    let out = examhall_app::headless::run_seat(app.clone(), plan, |v| {
        use std::io::Write as _;
        let mut o = std::io::stdout().lock();
        let _ = writeln!(o, "{v}");
        let _ = o.flush();
    })
    .await;
    app.shutdown().await;
    Ok(out?)
}

async fn serve(a: ServeArgs) -> anyhow::Result<()> {
    use anyhow::Context as _;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let dir = a.data_dir.unwrap_or_else(examhall_app::default_data_dir);
    if let Some(w) = examhall_app::files::private_dir(&dir)
        .with_context(|| format!("creating {}", dir.display()))?
    {
        eprintln!("warning: {w}");
    }
    let db = a
        .database
        .unwrap_or_else(|| dir.join("examhall.sqlite").display().to_string());
    let app = examhall_app::App::connect(&db, std::sync::Arc::new(examhall_app::SystemClock))
        .await
        .with_context(|| format!("opening {}", redact(&db)))?;
    app.enable_jwt(&jwt_secret(&dir)?)?;
    app.enable_hq_signing(examhall_app::sync::load_or_create_hq_key(
        &dir.join("hq_ed25519.key"),
    )?);
    let tls = if a.plain_http {
        app.allow_plain_http();
        None
    } else {
        let identity = match (&a.tls_cert, &a.tls_key) {
            (Some(cert), Some(key)) => {
                examhall_server::tls::TlsIdentity::from_pem_files(cert, key)?
            }
            _ => {
                examhall_server::tls::TlsIdentity::load_or_create(&dir, &[a.addr.ip().to_string()])?
            }
        };
        app.serve_tls_with(identity.fingerprint());
        Some(identity)
    };
    if let (Some(upstream), Some(token)) = (&a.upstream, &a.enrolment_token) {
        app.enrol_machine(upstream, token, &a.hub_name)
            .await
            .with_context(|| format!("enrolling this hub with {upstream}"))?;
        eprintln!("Relaying to {upstream}");
    }
    if let Some(username) = a.init_admin {
        let password = std::env::var("EXAMHALL_ADMIN_PASSWORD")
            .context("--init-admin needs the password in $EXAMHALL_ADMIN_PASSWORD")?;
        let made = app
            .init_admin(examhall_app::protocol::NewUser {
                display_name: username.clone(),
                username: username.clone(),
                password,
                role: examhall_app::protocol::Role::Admin,
                email: None,
                candidate_number: None,
            })
            .await?;
        if made {
            eprintln!("Administrator {username} created");
        }
    }
    let ui = ui_dir(a.ui.clone());
    if let Some(dir) = &ui {
        let bundle = examhall_server::ui::Bundle::load(dir)
            .with_context(|| format!("the UI in {}", dir.display()))?;
        examhall_server::ui::install(bundle);
    }
    let listener = tokio::net::TcpListener::bind(a.addr)
        .await
        .with_context(|| format!("listening on {}", a.addr))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    match &ui {
        Some(dir) => eprintln!(
            "Staff console on {scheme}://{}/ (UI from {})",
            listener.local_addr()?,
            dir.display()
        ),
        None => eprintln!("No UI found to serve (give --ui DIR, the built ui/dist): the API only"),
    }
    match &tls {
        Some(t) => {
            eprintln!(
                "TLS certificate {} (SHA-256 fingerprint {})",
                t.cert_path().display(),
                t.fingerprint()
            );
            eprintln!(
                "Examhall server on https://{}/api/docs/",
                listener.local_addr()?
            );
        }
        None => {
            eprintln!(
                "Examhall server on http://{}/api/docs/ (warning: plain HTTP, as --plain-http asks: a closed lab LAN only)",
                listener.local_addr()?
            );
        }
    }
    examhall_server::serve_with(app, listener, tls, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

/// A password from the environment variable `var`, else from standard input.
fn password_from(var: &str, user: &str) -> anyhow::Result<String> {
    match std::env::var(var) {
        Ok(p) => Ok(p),
        Err(_) => {
            eprint!("Password for {user}: ");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            Ok(line.trim_end_matches(['\r', '\n']).to_owned())
        }
    }
}

async fn reconcile(
    data_dir: Option<PathBuf>,
    package: &str,
    user: String,
    password_env: &str,
    json: bool,
) -> anyhow::Result<bool> {
    use anyhow::Context as _;
    let password = password_from(password_env, &user)?;
    let dir = data_dir.unwrap_or_else(examhall_app::default_data_dir);
    let db = dir.join("examhall.sqlite");
    anyhow::ensure!(
        db.is_file(),
        "{}: no Examhall database here (give --data-dir or EXAMHALL_DATA_DIR)",
        db.display()
    );
    let key = dir.join("hq_ed25519.key");
    anyhow::ensure!(
        key.is_file(),
        "{}: not HQ's data directory (no package-signing key)",
        key.display()
    );
    let app = examhall_app::App::open(&db, std::sync::Arc::new(examhall_app::SystemClock))
        .await
        .with_context(|| format!("opening {}", db.display()))?;
    app.enable_hq_signing(examhall_app::sync::load_or_create_hq_key(&key)?);
    let out = async {
        let session = app
            .login(examhall_app::protocol::LoginRequest {
                username: user,
                password,
            })
            .await?;
        app.reconcile(&session.token, package).await
    }
    .await;
    app.shutdown().await;
    let r = out?;
    if json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        println!("{} · {} · centre {}", r.package_id, r.title, r.centre);
        for room in &r.rooms {
            println!(
                "room {} on {} ({}), {}",
                room.room,
                room.device_name,
                room.state,
                if room.complete {
                    "complete"
                } else {
                    "not complete"
                }
            );
        }
        for l in &r.lines {
            let status = serde_json::to_value(l.status)?;
            println!(
                "{:<20} {:<14} {}{}",
                l.username,
                status.as_str().unwrap_or_default(),
                if l.accounted {
                    ""
                } else {
                    "NOT ACCOUNTED FOR: "
                },
                l.evidence
            );
        }
        println!(
            "{}",
            if r.complete {
                "Complete: every roster line is accounted for."
            } else {
                "Not complete."
            }
        );
    }
    Ok(r.complete)
}

async fn report(r: ReportArgs) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let user = r.user.context(
        "--user is required: reports are printed as a signed-in teacher or administrator",
    )?;
    let password = password_from(&r.password_env, &user)?;
    let dir = r.data_dir.unwrap_or_else(examhall_app::default_data_dir);
    let db = dir.join("examhall.sqlite");
    anyhow::ensure!(
        db.is_file(),
        "{}: no Examhall database here (give --data-dir or EXAMHALL_DATA_DIR)",
        db.display()
    );
    let app = examhall_app::App::open(&db, std::sync::Arc::new(examhall_app::SystemClock))
        .await
        .with_context(|| format!("opening {}", db.display()))?;
    let session = app
        .login(examhall_app::protocol::LoginRequest {
            username: user,
            password,
        })
        .await?;
    let t = &session.token;
    let report = match r.kind {
        ReportKind::Summary { exam } => app.print_exam_summary(t, exam).await?,
        ReportKind::Room { exam } => app.print_room_report(t, exam).await?,
        ReportKind::Sheet { attempt } => app.print_result_sheet(t, &attempt).await?,
        ReportKind::Sheets { exam } => {
            app.result_sheets_pdf(t, exam, |done, total| {
                eprint!("\r{done}/{total} sheets");
                std::ops::ControlFlow::Continue(())
            })
            .await?
        }
    };
    let path = examhall_app::reports::save_report(&r.out, &report)?;
    app.shutdown().await;
    eprintln!();
    println!("{}", path.display());
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::BenchAnalytics { npy, max, reps } => {
            let report = examhall_app::bench::analytics(&npy, max, reps)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Command::Analyse(a) => {
            let opts = examhall_app::analysis::CsvOptions {
                id_column: a.id_column,
                total_column: a.total_column,
                max: a.max,
            };
            match examhall_app::analysis::analyse_score_file(&a.scores, &opts, a.pass_mark, a.bins)
            {
                Ok(analysis) if a.json => println!("{}", serde_json::to_string_pretty(&analysis)?),
                Ok(analysis) => print_text(&analysis),
                Err(e) => {
                    eprintln!("examhall analyse: {e}");
                    std::process::exit(2);
                }
            }
        }
        Command::Serve(a) => serve(a).await?,
        Command::Seat(a) => {
            if let Err(e) = seat(a).await {
                eprintln!("examhall seat: {e:#}");
                std::process::exit(2);
            }
        }
        Command::Import {
            format,
            dry_run,
            json,
            file,
        } => {
            if !dry_run {
                eprintln!(
                    "examhall import: importing into a question bank is done from the desktop's \
                     bank page; use --dry-run to check {}",
                    file.display()
                );
                std::process::exit(2);
            }
            let Some(read) = read_questions(format.into(), &file) else {
                std::process::exit(2);
            };
            if json {
                let out = serde_json::json!({
                    "file": file.display().to_string(),
                    "format": examhall_formats::Format::from(format).name(),
                    "questions": read.items,
                    "errors": read.errors,
                    "warnings": read.warnings,
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!(
                    "{}: {} question(s) read, {} with errors{}",
                    file.display(),
                    read.items.len(),
                    read.errors.len(),
                    match read.warnings.len() {
                        0 => String::new(),
                        n => format!(", {n} warning(s)"),
                    }
                );
            }
            for line in read.warning_lines(&file.display().to_string()) {
                eprintln!("{line}");
            }
            for line in read.error_lines(&file.display().to_string()) {
                eprintln!("{line}");
            }
            if !read.errors.is_empty() {
                std::process::exit(1);
            }
        }
        Command::Score {
            format,
            file,
            question,
            response,
            json,
        } => {
            let Some(read) = read_questions(format.into(), &file) else {
                std::process::exit(2);
            };
            let Some(item) = read
                .items
                .iter()
                .find(|i| i.question.id.as_str() == question)
            else {
                let known: Vec<&str> = read.items.iter().map(|i| i.question.id.as_str()).collect();
                eprintln!(
                    "examhall score: {}: no question {question:?}; its questions are: {}",
                    file.display(),
                    known.join(", ")
                );
                for line in read.error_lines(&file.display().to_string()) {
                    eprintln!("{line}");
                }
                std::process::exit(2);
            };
            let answer = match examhall_formats::items::parse_response(&item.question, &response) {
                Ok(a) => a,
                Err(e) => {
                    eprintln!("examhall score: --response: {e}");
                    std::process::exit(2);
                }
            };
            let mark = examhall_domain::grade_question(&item.question, Some(&answer), false);
            let negative = examhall_domain::grade_question(&item.question, Some(&answer), true);
            if json {
                let out = serde_json::json!({
                    "question": question,
                    "type": item.question.kind.type_name(),
                    "response": answer,
                    "awarded": mark.awarded,
                    "max": mark.max,
                    "outcome": mark.outcome,
                    "awarded_with_negative_marking": negative.awarded,
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!(
                    "{question} ({}): {} of {} ({:?})",
                    item.question.kind.type_name(),
                    mark.awarded,
                    mark.max,
                    mark.outcome
                );
            }
        }
        Command::Openapi => println!(
            "{}",
            serde_json::to_string_pretty(&examhall_server::openapi())?
        ),
        Command::Reconcile {
            data_dir,
            package,
            user,
            password_env,
            json,
        } => match reconcile(data_dir, &package, user, &password_env, json).await {
            Ok(true) => {}
            Ok(false) => std::process::exit(1),
            Err(e) => {
                eprintln!("examhall reconcile: {e:#}");
                std::process::exit(2);
            }
        },
        Command::Verify {
            data_dir,
            attempt,
            receipt,
            json,
        } => {
            let app = open_existing(data_dir).await?;
            let req = examhall_app::protocol::VerifyReceipt {
                attempt_id: attempt,
                receipt,
            };
            let checked = app.verify_receipt_here(&req).await;
            app.shutdown().await;
            let check = match checked {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("examhall verify: {e}");
                    std::process::exit(2);
                }
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&check)?);
            } else {
                println!("{}", check.message);
            }
            std::process::exit(match check.outcome.as_str() {
                "valid" => 0,
                "differs" => 1,
                _ => 3,
            });
        }
        Command::Export {
            format,
            data_dir,
            category,
            out,
        } => {
            let app = open_existing(data_dir).await?;
            let category: Vec<String> = category
                .unwrap_or_default()
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            let written = app.export_bank_file(format.into(), &category).await;
            app.shutdown().await;
            match written {
                Ok(bytes) => {
                    std::fs::write(&out, &bytes)?;
                    println!("{}: {} bytes", out.display(), bytes.len());
                }
                Err(e) => {
                    eprintln!("examhall export: {e}");
                    std::process::exit(1);
                }
            }
        }
        Command::ImportResults {
            data_dir,
            database,
            files,
        } => {
            let dir = data_dir.unwrap_or_else(examhall_app::default_data_dir);
            let db = match database {
                Some(db) => db,
                None => {
                    let db = dir.join("examhall.sqlite");
                    anyhow::ensure!(db.exists(), "{}: no database here", db.display());
                    db.display().to_string()
                }
            };
            let app =
                examhall_app::App::connect(&db, std::sync::Arc::new(examhall_app::SystemClock))
                    .await?;
            // HQ signs the receipts it writes back beside each results file.
            let key = dir.join("hq_ed25519.key");
            if key.exists() {
                app.enable_hq_signing(examhall_app::sync::load_or_create_hq_key(&key)?);
            }
            // A centre's own exams before the results taken at them, whatever
            // order the files were named in.
            let mut files = files;
            files.sort_by_key(|f| {
                f.extension().and_then(|e| e.to_str()) != Some(examhall_app::sync::CENTRE_EXAM_EXT)
            });
            let mut failed = false;
            for f in &files {
                match app.ingest_file(f).await {
                    Ok(examhall_app::sync::IngestedFile::CentreExam(a)) => println!(
                        "{}",
                        serde_json::json!({"file": f.display().to_string(), "centre_exam": {"exam_id": a.exam_id, "candidates_added": a.candidates_added}})
                    ),
                    Ok(examhall_app::sync::IngestedFile::Results(r)) => println!(
                        "{}",
                        serde_json::json!({"file": f.display().to_string(), "receipts": r.receipts})
                    ),
                    Ok(examhall_app::sync::IngestedFile::Manifest(m)) => println!(
                        "{}",
                        serde_json::json!({"file": f.display().to_string(), "manifest": m})
                    ),
                    Ok(examhall_app::sync::IngestedFile::RoomReport(r)) => println!(
                        "{}",
                        serde_json::json!({"file": f.display().to_string(), "room_report": {"stored": r.stored}})
                    ),
                    Err(e) => {
                        eprintln!("examhall import-results: {e}");
                        failed = true;
                    }
                }
            }
            app.shutdown().await;
            if failed {
                std::process::exit(2);
            }
        }
        Command::Users(u) => {
            if let Err(e) = users::run(u).await {
                eprintln!("examhall users: {e:#}");
                std::process::exit(2);
            }
        }
        Command::Report(r) => {
            if let Err(e) = report(r).await {
                eprintln!("examhall report: {e:#}");
                std::process::exit(2);
            }
        }
        Command::BenchReports { sheets, reps } => {
            let report = examhall_app::bench::reports(sheets, reps)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Command::BenchSync {
            dir,
            uploaders,
            per_uploader,
            rate,
        } => {
            anyhow::ensure!(
                uploaders >= 1 && per_uploader >= 1,
                "--uploaders >= 1, --per-uploader >= 1"
            );
            let report = examhall_app::bench::ingest(
                &dir,
                uploaders,
                per_uploader,
                rate,
                |app| async move {
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
                    let base = format!("http://{}", listener.local_addr()?);
                    tokio::spawn(examhall_server::serve(
                        app,
                        listener,
                        std::future::pending(),
                    ));
                    Ok(base)
                },
            )
            .await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            anyhow::ensure!(
                report.verified && report.errors == 0,
                "bench-sync: {} errors; every attempt held once with its head: {}",
                report.errors,
                report.verified
            );
        }
        Command::BenchImport {
            questions,
            reps,
            dir,
        } => {
            let report = examhall_app::bench::import(&dir, questions, reps).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Command::BenchRoster { candidates, dir } => {
            let report = examhall_app::bench::roster(&dir, candidates).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Command::BenchCopy {
            dir,
            seats,
            secs,
            save_every_ms,
        } => {
            anyhow::ensure!(
                seats >= 1 && secs >= 5 && save_every_ms >= 100,
                "--seats >= 1, --secs >= 5, --save-every-ms >= 100"
            );
            fresh_dir(&dir)?;
            let secret = jwt_secret(&dir)?;
            let setup = examhall_app::bench::copy_setup(&dir, seats, &secret).await?;
            let (mut hub, addr) = bench_hub(&dir)?;
            let report = examhall_app::bench::copy_load(
                &dir,
                &format!("http://{addr}"),
                hub.id(),
                setup,
                secs,
                save_every_ms,
            )
            .await;
            let _ = hub.kill();
            let _ = hub.wait();
            let report = report?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            anyhow::ensure!(
                report.save_errors == 0,
                "bench-copy: {} saves failed",
                report.save_errors
            );
        }
        Command::BenchRoom {
            dir,
            seats,
            secs,
            heartbeat_ms,
        } => {
            anyhow::ensure!(seats >= 1 && secs >= 6, "--seats >= 1, --secs >= 6");
            fresh_dir(&dir)?;
            let secret = jwt_secret(&dir)?;
            let setup = examhall_app::bench::room_setup(&dir, seats, &secret).await?;
            let (mut hub, addr) = bench_hub(&dir)?;
            let report = examhall_app::bench::room_load(
                &dir,
                &format!("http://{addr}"),
                hub.id(),
                setup,
                secs,
                heartbeat_ms,
            )
            .await;
            let _ = hub.kill();
            let _ = hub.wait();
            let report = report?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            anyhow::ensure!(
                report.heartbeat_errors == 0,
                "bench-room: {} heartbeats failed",
                report.heartbeat_errors
            );
        }
        Command::Bench {
            dir,
            answers,
            rounds,
            sheets,
        } => {
            anyhow::ensure!(
                answers >= 100 && rounds >= 1 && sheets >= 1,
                "--answers >= 100, --rounds >= 1, --sheets >= 1"
            );
            let report = examhall_app::bench::run(&dir, answers, rounds, sheets).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
    }
    Ok(())
}

/// An empty scratch directory at `dir`.
fn fresh_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    Ok(())
}

/// The hub a room benchmark drives: `examhall serve` on `dir`, plain HTTP on
/// loopback (the benches measure the hub, not TLS), once it says it listens.
fn bench_hub(dir: &std::path::Path) -> anyhow::Result<(std::process::Child, std::net::SocketAddr)> {
    use std::io::BufRead as _;
    let addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let mut hub = std::process::Command::new(std::env::current_exe()?)
        .arg("serve")
        .arg("--data-dir")
        .arg(dir)
        .arg("--addr")
        .arg(addr.to_string())
        .arg("--plain-http")
        .env("RUST_LOG", "warn")
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let mut lines = std::io::BufReader::new(hub.stderr.take().expect("piped")).lines();
    loop {
        match lines.next() {
            Some(Ok(l)) if l.starts_with("Examhall server on http://") => break,
            Some(Ok(_)) => {}
            _ => anyhow::bail!("the hub did not start"),
        }
    }
    std::thread::spawn(move || for _ in lines.by_ref() {});
    Ok((hub, addr))
}

/// A question file read in `format`, or `None` after saying why it could not be
/// read at all.
fn read_questions(
    format: examhall_formats::Format,
    file: &std::path::Path,
) -> Option<examhall_formats::Imported> {
    match std::fs::read(file) {
        Ok(bytes) => Some(examhall_formats::import_bytes(format, &bytes)),
        Err(e) => {
            eprintln!("examhall: {}: {e}", file.display());
            None
        }
    }
}

/// The app over the data directory's existing database (the default data
/// directory when none is named); an error naming the file if there is none.
async fn open_existing(data_dir: Option<PathBuf>) -> anyhow::Result<examhall_app::App> {
    let dir = data_dir.unwrap_or_else(examhall_app::default_data_dir);
    let db = dir.join("examhall.sqlite");
    anyhow::ensure!(db.exists(), "{}: no database here", db.display());
    Ok(examhall_app::App::connect(
        &db.display().to_string(),
        std::sync::Arc::new(examhall_app::SystemClock),
    )
    .await?)
}
