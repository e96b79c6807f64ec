//! `examhall users …`: the centre's accounts from the command line, signed in
//! as an administrator, over the same use cases as the Accounts screen.

use anyhow::Context as _;
use examhall_app::protocol::{EditUser, NewUser, Role, UserDto, UserPatch, UserQuery};
use examhall_app::App;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct UsersArgs {
    #[command(subcommand)]
    action: UsersAction,
    /// The centre's data directory (holding examhall.sqlite).
    #[arg(long, env = "EXAMHALL_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// The database, if not examhall.sqlite in the data directory (a
    /// `postgres://` URL for a server on PostgreSQL).
    #[arg(long, env = "EXAMHALL_DATABASE", global = true)]
    database: Option<String>,
    /// Sign in as this administrator.
    #[arg(long, global = true)]
    user: Option<String>,
    /// The environment variable holding the administrator's password (read
    /// from standard input when unset).
    #[arg(long, default_value = "EXAMHALL_PASSWORD", global = true)]
    password_env: String,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RoleArg {
    Candidate,
    Teacher,
    Invigilator,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Candidate => Role::Candidate,
            RoleArg::Teacher => Role::Teacher,
            RoleArg::Invigilator => Role::Invigilator,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[derive(clap::Subcommand)]
enum UsersAction {
    /// List accounts (enabled ones, unless --include-disabled).
    List {
        #[arg(long, value_enum)]
        role: Option<RoleArg>,
        /// Part of a username, name, candidate number or email.
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        include_disabled: bool,
    },
    /// Create an account with a one-time password (printed once; the user
    /// chooses their own at the first sign-in).
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long, value_enum, default_value = "candidate")]
        role: RoleArg,
        #[arg(long)]
        candidate_number: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
    /// Import accounts from a roster CSV (see the README for its columns): with
    /// --dry-run, only what would be created or updated and every bad row.
    Import {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
        /// Import the valid rows even if some are bad (default: nothing then).
        #[arg(long)]
        valid_only: bool,
        /// Write the new accounts' login slips (a PDF) here.
        #[arg(long)]
        slips: Option<PathBuf>,
    },
    /// Give an account a new one-time password (printed once) and end its sessions.
    ResetPassword { username: String },
    /// Disable an account: it cannot sign in and its sessions and tokens stop.
    Disable { username: String },
    /// Enable a disabled account again.
    Enable { username: String },
}

/// Runs one `users` command; what it prints goes to standard output.
pub async fn run(a: UsersArgs) -> anyhow::Result<()> {
    let user = a
        .user
        .clone()
        .context("--user is required: accounts are managed by a signed-in administrator")?;
    let password = crate::password_from(&a.password_env, &user)?;
    let dir = a
        .data_dir
        .clone()
        .unwrap_or_else(examhall_app::default_data_dir);
    let target = match &a.database {
        Some(db) => db.clone(),
        None => {
            let db = dir.join("examhall.sqlite");
            anyhow::ensure!(
                db.is_file(),
                "{}: no Examhall database here (give --data-dir or EXAMHALL_DATA_DIR)",
                db.display()
            );
            db.display().to_string()
        }
    };
    let app = App::connect(&target, std::sync::Arc::new(examhall_app::SystemClock))
        .await
        .context("opening the centre's database")?;
    let token = app
        .login(examhall_app::protocol::LoginRequest {
            username: user,
            password,
        })
        .await?
        .token;
    let result = act(&app, &token, a.action, a.json).await;
    app.shutdown().await;
    result
}

async fn act(app: &App, t: &str, action: UsersAction, json: bool) -> anyhow::Result<()> {
    match action {
        UsersAction::List {
            role,
            search,
            include_disabled,
        } => {
            let q = UserQuery {
                search,
                role: role.map(Role::from),
                include_disabled,
            };
            let users = app.list_users(t, q).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&users)?);
            } else {
                print_table(&users);
            }
        }
        UsersAction::Add {
            username,
            display_name,
            role,
            candidate_number,
            email,
        } => {
            // A throwaway initial password, replaced at once by a one-time one
            // the user must change (the same path as a reset).
            let made = app
                .create_user(
                    t,
                    NewUser {
                        display_name: display_name.unwrap_or_else(|| username.clone()),
                        username,
                        password: examhall_app::platform::new_secret()
                            .iter()
                            .map(|b| format!("{b:02x}"))
                            .collect(),
                        role: role.into(),
                        email,
                        candidate_number,
                    },
                )
                .await?;
            let otp = app.reset_password(t, made.id).await?;
            print_password(&otp, json)?;
        }
        UsersAction::Import {
            file,
            dry_run,
            valid_only,
            slips,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let csv = String::from_utf8(bytes).map_err(|e| {
                let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count()
                    + 1;
                anyhow::anyhow!(
                    "{}:{line}: not UTF-8 text (save it as CSV UTF-8)",
                    file.display()
                )
            })?;
            let req = examhall_app::protocol::ImportUsers {
                csv,
                dry_run,
                mode: if valid_only {
                    examhall_app::protocol::ImportMode::ValidOnly
                } else {
                    examhall_app::protocol::ImportMode::AllOrNothing
                },
            };
            let report = app
                .import_users(t, req, |done, total| {
                    // A progress bar on a terminal; a line per 10% in a log.
                    use std::io::IsTerminal as _;
                    if std::io::stderr().is_terminal() {
                        eprint!("\rhashing one-time passwords: {done}/{total}");
                        if done == total {
                            eprintln!();
                        }
                    } else if done == total || done % (total / 10).max(1) == 0 {
                        eprintln!("hashing one-time passwords: {done}/{total}");
                    }
                })
                .await?;
            for e in &report.errors {
                match &e.column {
                    Some(c) => eprintln!("{}:{}: {c}: {}", file.display(), e.line, e.message),
                    None => eprintln!("{}:{}: {}", file.display(), e.line, e.message),
                }
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                let verb = if report.applied { "" } else { "would be " };
                println!(
                    "{} {verb}created, {} {verb}updated, {} unchanged, {} bad row(s){}",
                    report.created.len(),
                    report.updated.len(),
                    report.unchanged,
                    report.errors.len(),
                    if report.applied {
                        ""
                    } else {
                        ": nothing imported"
                    }
                );
                for p in &report.passwords {
                    println!("{}\t{}\t{}", p.username, p.display_name, p.password);
                }
            }
            if let (Some(path), true) = (&slips, report.applied) {
                let pdf = app.print_login_slips(t, report.passwords.clone()).await?;
                std::fs::write(path, &pdf.bytes)
                    .with_context(|| format!("writing {}", path.display()))?;
                eprintln!("login slips: {}", path.display());
            }
            if !report.errors.is_empty() {
                anyhow::bail!("{} bad row(s) in {}", report.errors.len(), file.display());
            }
        }
        UsersAction::ResetPassword { username } => {
            let id = find(app, t, &username).await?.id;
            let otp = app.reset_password(t, id).await?;
            print_password(&otp, json)?;
        }
        UsersAction::Disable { username } => set_disabled(app, t, &username, true, json).await?,
        UsersAction::Enable { username } => set_disabled(app, t, &username, false, json).await?,
    }
    Ok(())
}

async fn set_disabled(
    app: &App,
    t: &str,
    username: &str,
    disabled: bool,
    json: bool,
) -> anyhow::Result<()> {
    let id = find(app, t, username).await?.id;
    let patch = UserPatch {
        disabled: Some(disabled),
        ..Default::default()
    };
    let u = app.update_user(t, EditUser { user_id: id, patch }).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&u)?);
    } else {
        let state = if u.disabled { "disabled" } else { "enabled" };
        println!("{}: {state}", u.username);
    }
    Ok(())
}

/// The account named exactly `username` (disabled ones included).
async fn find(app: &App, t: &str, username: &str) -> anyhow::Result<UserDto> {
    let name = username.trim().to_lowercase();
    let q = UserQuery {
        search: Some(name.clone()),
        include_disabled: true,
        ..Default::default()
    };
    app.list_users(t, q)
        .await?
        .into_iter()
        .find(|u| u.username == name)
        .with_context(|| format!("no account named {username:?}"))
}

fn print_password(otp: &examhall_app::protocol::OneTimePassword, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(otp)?);
    } else {
        println!(
            "{}\t{}\tone-time password: {} (to be changed at the first sign-in)",
            otp.username, otp.display_name, otp.password
        );
    }
    Ok(())
}

fn print_table(users: &[UserDto]) {
    println!(
        "{:<6} {:<24} {:<12} {:<14} {:<9} NAME",
        "ID", "USERNAME", "ROLE", "CANDIDATE NO", "STATE"
    );
    for u in users {
        let state = if u.disabled {
            "disabled"
        } else if u.must_change_password {
            "new pass"
        } else {
            "active"
        };
        println!(
            "{:<6} {:<24} {:<12} {:<14} {:<9} {}",
            u.id,
            u.username,
            u.role.as_str(),
            u.candidate_number.as_deref().unwrap_or("-"),
            state,
            u.display_name
        );
    }
}
