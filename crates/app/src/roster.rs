//! Importing accounts from a roster CSV (`examhall_formats::roster`): a dry run
//! first, then all rows or the valid ones, in one transaction. Existing
//! accounts (matched by username) are updated; re-importing the same file
//! changes nothing. New accounts get one-time passwords for the login slips.

use crate::accounts::one_time_password;
use crate::{App, AppError, AppResult};
use examhall_formats::roster::{self, RosterRow};
use examhall_protocol::{
    ImportMode, ImportRowError, ImportUsers, ImportedUserDto, OneTimePassword, UserImportReport,
};
use examhall_store::{RosterWrite, UserRow};
use std::collections::HashMap;
use std::sync::Arc;

/// How an existing account differs from its row ("field old -> new"), in a fixed order.
fn differences(u: &UserRow, r: &RosterRow, preset_json: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    if u.display_name != r.display_name {
        out.push(format!(
            "display name {:?} -> {:?}",
            u.display_name, r.display_name
        ));
    }
    if u.role != r.role {
        out.push(format!("role {} -> {}", u.role, r.role));
    }
    if u.candidate_number != r.candidate_number {
        out.push(format!(
            "candidate number {:?} -> {:?}",
            u.candidate_number, r.candidate_number
        ));
    }
    let email = r.email.as_ref().map(|e| e.as_str().to_owned());
    if u.email != email {
        out.push(format!("email {:?} -> {:?}", u.email, email));
    }
    if (u.time_multiplier - r.time_multiplier).abs() > 1e-9 {
        out.push(format!(
            "time multiplier {} -> {}",
            u.time_multiplier, r.time_multiplier
        ));
    }
    if u.display_preset.as_deref() != preset_json {
        out.push(format!(
            "display preset {:?} -> {:?}",
            u.display_preset.as_deref().unwrap_or_default(),
            preset_json.unwrap_or_default()
        ));
    }
    out
}

impl App {
    /// Imports a roster CSV (administrators): see the module documentation.
    pub async fn import_users(
        &self,
        token: &str,
        req: ImportUsers,
        progress: impl Fn(usize, usize) + Send + Sync,
    ) -> AppResult<UserImportReport> {
        let actor = self.actor(token).await?;
        actor.require(&[examhall_domain::Role::Admin], "import accounts")?;
        let parsed = roster::parse(req.csv.as_bytes());
        let mut errors: Vec<ImportRowError> = parsed
            .errors
            .iter()
            .map(|e| ImportRowError {
                line: e.line,
                column: e.column.clone(),
                message: e.message.clone(),
            })
            .collect();
        let users = self.store().list_users().await?;
        let by_name: HashMap<&str, &UserRow> =
            users.iter().map(|u| (u.username.as_str(), u)).collect();
        let by_number: HashMap<&str, &UserRow> = users
            .iter()
            .filter_map(|u| u.candidate_number.as_deref().map(|n| (n, u)))
            .collect();
        let mut report = UserImportReport {
            dry_run: req.dry_run,
            applied: false,
            created: vec![],
            updated: vec![],
            unchanged: 0,
            errors: vec![],
            passwords: vec![],
        };
        let mut writes = Vec::new();
        for r in &parsed.rows {
            let existing = by_name.get(r.username.as_str()).copied();
            if let Some(n) = &r.candidate_number {
                if let Some(owner) = by_number.get(n.as_str()) {
                    if existing.is_none_or(|u| u.id != owner.id) {
                        errors.push(ImportRowError {
                            line: r.line,
                            column: Some("candidate_number".into()),
                            message: format!("{n:?} belongs to the account {:?}", owner.username),
                        });
                        continue;
                    }
                }
            }
            if existing.is_some_and(|u| u.id == actor.user_id && u.role != r.role) {
                errors.push(ImportRowError {
                    line: r.line,
                    column: Some("role".into()),
                    message: "an import cannot change the role of the administrator running it"
                        .into(),
                });
                continue;
            }
            let preset_json = r
                .display_preset
                .map(|p| serde_json::to_string(&p))
                .transpose()
                .map_err(|e| AppError::Internal(e.into()))?;
            let dto = |changes: Vec<String>| ImportedUserDto {
                line: r.line,
                username: r.username.as_str().to_owned(),
                display_name: r.display_name.clone(),
                role: r.role,
                candidate_number: r.candidate_number.clone(),
                changes,
            };
            let write = |id: Option<i64>, detail: String| RosterWrite {
                id,
                username: r.username.as_str().to_owned(),
                display_name: r.display_name.clone(),
                role: r.role,
                password_hash: None,
                email: r.email.as_ref().map(|e| e.as_str().to_owned()),
                candidate_number: r.candidate_number.clone(),
                time_multiplier: r.time_multiplier,
                display_preset: preset_json.clone(),
                detail,
            };
            match existing {
                None => {
                    report.created.push(dto(vec![]));
                    writes.push(write(None, format!("imported (line {})", r.line)));
                }
                Some(u) => {
                    let diff = differences(u, r, preset_json.as_deref());
                    if diff.is_empty() {
                        report.unchanged += 1;
                    } else {
                        let detail = format!("imported (line {}): {}", r.line, diff.join("; "));
                        report.updated.push(dto(diff));
                        writes.push(write(Some(u.id), detail));
                    }
                }
            }
        }
        errors.sort_by_key(|e| e.line);
        report.errors = errors;
        let refused = !report.errors.is_empty() && req.mode == ImportMode::AllOrNothing;
        if req.dry_run || refused || writes.is_empty() {
            return Ok(report);
        }
        // New accounts: a one-time password each, hashed off the async threads.
        let total = writes.iter().filter(|w| w.id.is_none()).count();
        let passwords: Vec<_> = writes
            .iter()
            .filter(|w| w.id.is_none())
            .map(|w| {
                (
                    w.username.clone(),
                    w.display_name.clone(),
                    w.candidate_number.clone(),
                    one_time_password(),
                )
            })
            .collect();
        // As many workers as hashes may run at once, each taking the next
        // password and queueing for a hashing permit per password: someone
        // signing in meanwhile waits behind a hash or two, not the whole import.
        let plain: Arc<Vec<String>> = Arc::new(passwords.iter().map(|p| p.3.clone()).collect());
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..crate::auth::ARGON2_AT_ONCE.min(total) {
            let (app, plain, next, tx) = (self.clone(), plain.clone(), next.clone(), tx.clone());
            workers.spawn(async move {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(p) = plain.get(i) else { break };
                    let h = app.hash_password(p).await;
                    let failed = h.is_err();
                    if tx.send((i, h)).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut hashes = vec![String::new(); total];
        let mut done = 0;
        while let Some((i, h)) = rx.recv().await {
            hashes[i] = h?;
            done += 1;
            progress(done, total);
        }
        while let Some(joined) = workers.join_next().await {
            joined.map_err(|e| AppError::Internal(e.into()))?;
        }
        let mut hashes = hashes.into_iter();
        for w in writes.iter_mut().filter(|w| w.id.is_none()) {
            w.password_hash = hashes.next();
        }
        let ids = self
            .store()
            .apply_roster(&writes, actor.user_id, self.now())
            .await?;
        let new_ids = writes
            .iter()
            .zip(&ids)
            .filter(|(w, _)| w.id.is_none())
            .map(|(_, id)| *id);
        report.passwords = passwords
            .into_iter()
            .zip(new_ids)
            .map(
                |((username, display_name, candidate_number, password), user_id)| OneTimePassword {
                    user_id,
                    username,
                    display_name,
                    candidate_number,
                    password,
                },
            )
            .collect();
        report.applied = true;
        tracing::info!(
            created = report.created.len(),
            updated = report.updated.len(),
            bad_rows = report.errors.len(),
            by = actor.user_id,
            "accounts imported"
        );
        Ok(report)
    }
}

impl App {
    /// Login slips for accounts just given one-time passwords (an import or
    /// resets): administrators only. The passwords are never stored in the
    /// clear, so they come from the caller that was shown them.
    pub async fn print_login_slips(
        &self,
        token: &str,
        passwords: Vec<OneTimePassword>,
    ) -> AppResult<crate::reports::Report> {
        let actor = self.actor(token).await?;
        actor.require(&[examhall_domain::Role::Admin], "print login slips")?;
        if passwords.len() > 100_000 {
            return Err(AppError::invalid(
                "passwords",
                "at most 100,000 slips at once",
            ));
        }
        let centre = self
            .store()
            .centre_name()
            .await?
            .unwrap_or_else(|| "Examhall".into());
        let slips: Vec<examhall_reports::LoginSlip> = passwords
            .into_iter()
            .map(|p| examhall_reports::LoginSlip {
                name: p.display_name,
                candidate_number: p.candidate_number,
                username: p.username,
                password: p.password,
            })
            .collect();
        let printed = crate::reports::local_time(self.now());
        let bytes = examhall_reports::login_slips(&centre, &printed, &slips);
        tracing::info!(
            slips = slips.len(),
            by = actor.user_id,
            "login slips printed"
        );
        Ok(crate::reports::Report {
            file_name: format!("login-slips-{}.pdf", self.now().0),
            bytes,
        })
    }
}
