use crate::error::conflict_on_unique;
use crate::{Result, Store, StoreError};
use examhall_domain::{Role, Timestamp};

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    /// False for a self-registered teacher until an administrator approves them.
    pub approved: bool,
    /// An optional email address (labs have candidates without one).
    pub email: Option<String>,
    /// A disabled account cannot sign in, and its sessions and tokens stop working.
    pub disabled: bool,
    /// Set by a password reset: the next sign-in must choose a new password.
    pub must_change_password: bool,
    /// Moves on every change that must end existing sessions and tokens.
    pub credential_version: i64,
    pub candidate_number: Option<String>,
    /// The accommodation profile new assignments start from: time multiplier
    /// and display preset (JSON).
    pub time_multiplier: f64,
    pub display_preset: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewUserRow<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
}

#[derive(sqlx::FromRow)]
struct RawUser {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    password_hash: String,
    #[sqlx(try_from = "crate::Flag")]
    approved: bool,
    email: Option<String>,
    #[sqlx(try_from = "crate::Flag")]
    disabled: bool,
    #[sqlx(try_from = "crate::Flag")]
    must_change_password: bool,
    credential_version: i64,
    candidate_number: Option<String>,
    time_multiplier: f64,
    display_preset: Option<String>,
}

impl TryFrom<RawUser> for UserRow {
    type Error = StoreError;
    fn try_from(r: RawUser) -> Result<UserRow> {
        Ok(UserRow {
            role: Role::parse(&r.role)
                .map_err(|e| StoreError::corrupt(format!("users.role of {}", r.id), e))?,
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            password_hash: r.password_hash,
            approved: r.approved,
            email: r.email,
            disabled: r.disabled,
            must_change_password: r.must_change_password,
            credential_version: r.credential_version,
            candidate_number: r.candidate_number,
            time_multiplier: r.time_multiplier,
            display_preset: r.display_preset,
        })
    }
}

/// `SELECT <every column of RawUser> FROM users <rest>`, as one literal.
macro_rules! select_users {
    ($rest:literal) => {
        concat!(
            "SELECT id, username, display_name, role, password_hash, approved, email, disabled, \
             must_change_password, credential_version, candidate_number, time_multiplier, \
             display_preset FROM users ",
            $rest
        )
    };
}

impl Store {
    pub async fn user_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM users")
            .fetch_one(&self.read)
            .await?)
    }

    pub async fn insert_user(&self, u: NewUserRow<'_>, now: Timestamp) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(u.username)
        .bind(u.display_name)
        .bind(u.role.as_str())
        .bind(u.password_hash)
        .bind(now.0)
        .fetch_one(&self.write)
        .await
        .map_err(|e| conflict_on_unique(e, &format!("user {:?}", u.username)))
    }

    /// Inserts the first administrator only if there are no users at all
    /// (`any_user`) or no administrator (otherwise), atomically.
    pub async fn insert_first_admin(
        &self,
        u: NewUserRow<'_>,
        now: Timestamp,
        any_user: bool,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let n: i64 = sqlx::query_scalar(if any_user {
            "SELECT count(*) FROM users"
        } else {
            "SELECT count(*) FROM users WHERE role = 'admin'"
        })
        .fetch_one(&mut *tx)
        .await?;
        if n > 0 {
            return Err(StoreError::Conflict("an administrator".into()));
        }
        let id = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES ($1, $2, 'admin', $3, $4) RETURNING id",
        )
        .bind(u.username)
        .bind(u.display_name)
        .bind(u.password_hash)
        .bind(now.0)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRow>> {
        sqlx::query_as::<_, RawUser>(select_users!("WHERE username = $1"))
            .bind(username)
            .fetch_optional(&self.read)
            .await?
            .map(UserRow::try_from)
            .transpose()
    }

    pub async fn user_by_id(&self, id: i64) -> Result<Option<UserRow>> {
        sqlx::query_as::<_, RawUser>(select_users!("WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .map(UserRow::try_from)
            .transpose()
    }

    pub async fn list_users(&self) -> Result<Vec<UserRow>> {
        sqlx::query_as::<_, RawUser>(select_users!("ORDER BY id"))
            .fetch_all(&self.read)
            .await?
            .into_iter()
            .map(UserRow::try_from)
            .collect()
    }

    /// Inserts an account, approved or waiting for approval, and records who
    /// made it (`by`: an administrator; None: the user registered).
    #[allow(clippy::too_many_arguments)]
    pub async fn register_user(
        &self,
        u: NewUserRow<'_>,
        approved: bool,
        email: Option<&str>,
        candidate_number: Option<&str>,
        by: Option<i64>,
        now: Timestamp,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id = insert_account(&mut tx, &u, approved, email, candidate_number, now).await?;
        let how = if by.is_some() { "" } else { "registered" };
        record_change(&mut tx, id, by, "created", how, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Approves a waiting account; false if there is no such user.
    pub async fn approve_user(&self, id: i64) -> Result<bool> {
        let r = sqlx::query("UPDATE users SET approved = 1 WHERE id = $1")
            .bind(id)
            .execute(&self.write)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    pub async fn clear_throttle(&self, username: &str) -> Result<()> {
        clear_key(&self.write, &LOGIN, username).await
    }

    /// Counts one sign-in attempt for `key` before its password is checked, in
    /// one transaction, so parallel attempts each count. An attempt while the
    /// key is blocked counts too, and is refused. Otherwise the attempt may go
    /// ahead, and the key is blocked for `block_ms(failures)` from now should
    /// it fail (a success clears the row).
    pub async fn count_login_attempt(
        &self,
        key: &str,
        now: Timestamp,
        block_ms: impl Fn(i64) -> i64,
    ) -> Result<LoginGate> {
        self.count_attempt(&LOGIN, key, now, block_ms).await
    }

    /// The same count for a start code typed at this machine: `key` names the
    /// candidate or the seat. A right code clears it (`clear_start_code_tries`).
    pub async fn count_start_code_try(
        &self,
        key: &str,
        now: Timestamp,
        block_ms: impl Fn(i64) -> i64,
    ) -> Result<LoginGate> {
        self.count_attempt(&START_CODE, key, now, block_ms).await
    }

    pub async fn clear_start_code_tries(&self, key: &str) -> Result<()> {
        clear_key(&self.write, &START_CODE, key).await
    }

    async fn count_attempt(
        &self,
        t: &ThrottleTable,
        key: &str,
        now: Timestamp,
        block_ms: impl Fn(i64) -> i64,
    ) -> Result<LoginGate> {
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, i64)> = sqlx::query_as(t.select)
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
        let (before, until) = row.unwrap_or((0, 0));
        let failures = before + 1;
        let (gate, blocked_until) = if until > now.0 {
            (
                LoginGate::Blocked {
                    until: Timestamp(until),
                },
                until,
            )
        } else {
            let if_wrong = now.0 + block_ms(failures);
            (
                LoginGate::Proceed {
                    blocked_if_wrong: (if_wrong > now.0).then_some(Timestamp(if_wrong)),
                },
                if_wrong,
            )
        };
        sqlx::query(t.upsert)
            .bind(key)
            .bind(failures)
            .bind(blocked_until)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(gate)
    }

    /// Lifts every block on keys ending in `suffix` (one username, from any
    /// source); returns how many were lifted.
    pub async fn lift_login_blocks(&self, suffix: &str) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let keys: Vec<String> = sqlx::query_scalar("SELECT username FROM login_throttle")
            .fetch_all(&mut *tx)
            .await?;
        let mut n = 0;
        for k in keys.iter().filter(|k| k.ends_with(suffix)) {
            n += sqlx::query("DELETE FROM login_throttle WHERE username = $1")
                .bind(k)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(n)
    }
}

/// The statements of one throttle table (literals: sqlx takes no built SQL).
struct ThrottleTable {
    select: &'static str,
    upsert: &'static str,
    delete: &'static str,
}

const LOGIN: ThrottleTable = ThrottleTable {
    select: "SELECT failures, blocked_until FROM login_throttle WHERE username = $1",
    upsert: "INSERT INTO login_throttle (username, failures, blocked_until) VALUES ($1, $2, $3) \
             ON CONFLICT(username) DO UPDATE SET failures = excluded.failures, blocked_until = excluded.blocked_until",
    delete: "DELETE FROM login_throttle WHERE username = $1",
};

const START_CODE: ThrottleTable = ThrottleTable {
    select: "SELECT failures, blocked_until FROM start_code_throttle WHERE key = $1",
    upsert: "INSERT INTO start_code_throttle (key, failures, blocked_until) VALUES ($1, $2, $3) \
             ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, blocked_until = excluded.blocked_until",
    delete: "DELETE FROM start_code_throttle WHERE key = $1",
};

async fn clear_key(pool: &sqlx::AnyPool, t: &ThrottleTable, key: &str) -> Result<()> {
    sqlx::query(t.delete).bind(key).execute(pool).await?;
    Ok(())
}

/// Whether a sign-in attempt may check its password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginGate {
    /// The attempt may go ahead; should it fail, the key is blocked until
    /// `blocked_if_wrong` (none: the failure is still free).
    Proceed {
        blocked_if_wrong: Option<Timestamp>,
    },
    Blocked {
        until: Timestamp,
    },
}

/// What every authenticated call checks against the account as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserGate {
    pub role: Role,
    pub disabled: bool,
    pub must_change_password: bool,
    pub credential_version: i64,
}

/// One recorded change to an account.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AccountChangeRow {
    pub at: i64,
    pub by_user: Option<i64>,
    pub action: String,
    pub detail: String,
}

/// An administrator's edit of an account's descriptive fields (None: unchanged).
#[derive(Debug, Clone, Default)]
pub struct UserEdit<'a> {
    pub display_name: Option<&'a str>,
    pub role: Option<Role>,
    /// Some(None) clears it.
    pub email: Option<Option<&'a str>>,
    pub candidate_number: Option<Option<&'a str>>,
    /// The accommodation profile: time multiplier and display preset JSON.
    pub profile: Option<(f64, Option<&'a str>)>,
}

impl Store {
    /// The account's current role and state, for the check every call makes.
    pub async fn user_gate(&self, id: i64) -> Result<Option<UserGate>> {
        let row: Option<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT role, disabled, must_change_password, credential_version FROM users WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        row.map(|(role, disabled, must, version)| {
            Ok(UserGate {
                role: Role::parse(&role)
                    .map_err(|e| StoreError::corrupt(format!("users.role of {id}"), e))?,
                disabled: disabled != 0,
                must_change_password: must != 0,
                credential_version: version,
            })
        })
        .transpose()
    }

    /// Applies an edit and records it, in one transaction; a role change moves
    /// the credential version (the user signs in again with the new role).
    /// False if there is no such user.
    pub async fn edit_user(
        &self,
        id: i64,
        edit: &UserEdit<'_>,
        by: i64,
        detail: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let current: Option<String> = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(current) = current else {
            return Ok(false);
        };
        if let Some(name) = edit.display_name {
            sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
                .bind(name)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(role) = edit.role.filter(|r| r.as_str() != current) {
            sqlx::query(
                "UPDATE users SET role = $1, credential_version = credential_version + 1 WHERE id = $2",
            )
            .bind(role.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(email) = edit.email {
            sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
                .bind(email)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(number) = edit.candidate_number {
            sqlx::query("UPDATE users SET candidate_number = $1 WHERE id = $2")
                .bind(number)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| {
                    conflict_on_unique(e, &format!("candidate number {:?}", number.unwrap_or("")))
                })?;
        }
        if let Some((m, preset)) = edit.profile {
            sqlx::query("UPDATE users SET time_multiplier = $1, display_preset = $2 WHERE id = $3")
                .bind(m)
                .bind(preset)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        record_change(&mut tx, id, Some(by), "edited", detail, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Disables or enables an account; either way its sessions and tokens end.
    /// False if there is no such user.
    pub async fn set_user_disabled(
        &self,
        id: i64,
        disabled: bool,
        by: i64,
        now: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE users SET disabled = $1, credential_version = credential_version + 1 WHERE id = $2",
        )
        .bind(i64::from(disabled))
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        let action = if disabled { "disabled" } else { "enabled" };
        record_change(&mut tx, id, Some(by), action, "", now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Stores a new password hash and ends the account's sessions and tokens.
    /// `must_change`: it is a one-time password (a reset). `by`: the
    /// administrator, or None when users change their own. Returns the new
    /// credential version, or None if there is no such user.
    pub async fn set_password(
        &self,
        id: i64,
        hash: &str,
        must_change: bool,
        by: Option<i64>,
        now: Timestamp,
    ) -> Result<Option<i64>> {
        let mut tx = self.begin_write().await?;
        let version: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET password_hash = $1, must_change_password = $2, \
             credential_version = credential_version + 1 WHERE id = $3 RETURNING credential_version",
        )
        .bind(hash)
        .bind(i64::from(must_change))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if version.is_none() {
            return Ok(None);
        }
        let action = if must_change {
            "password reset"
        } else {
            "password changed"
        };
        record_change(&mut tx, id, by, action, "", now).await?;
        tx.commit().await?;
        Ok(version)
    }

    /// An account's recorded changes, oldest first.
    pub async fn account_changes(&self, user_id: i64) -> Result<Vec<AccountChangeRow>> {
        Ok(sqlx::query_as(
            "SELECT at, by_user, action, detail FROM account_changes WHERE user_id = $1 ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.read)
        .await?)
    }
}

async fn record_change(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: i64,
    by: Option<i64>,
    action: &str,
    detail: &str,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO account_changes (user_id, at, by_user, action, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(now.0)
    .bind(by)
    .bind(action)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_account(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    u: &NewUserRow<'_>,
    approved: bool,
    email: Option<&str>,
    candidate_number: Option<&str>,
    now: Timestamp,
) -> Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO users (username, display_name, role, password_hash, created_at, approved, email, candidate_number) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(u.username)
    .bind(u.display_name)
    .bind(u.role.as_str())
    .bind(u.password_hash)
    .bind(now.0)
    .bind(i64::from(approved))
    .bind(email)
    .bind(candidate_number)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| {
        let what = match candidate_number {
            Some(n) if is_unique_on(&e, "candidate_number") => format!("candidate number {n:?}"),
            _ => format!("user {:?}", u.username),
        };
        conflict_on_unique(e, &what)
    })
}

/// Whether a failed statement broke a unique constraint on `column`.
fn is_unique_on(e: &sqlx::Error, column: &str) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.message().contains(column))
}

/// One account an import creates (`password_hash` set) or updates (`id` set).
#[derive(Debug, Clone)]
pub struct RosterWrite {
    pub id: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: Option<String>,
    pub email: Option<String>,
    pub candidate_number: Option<String>,
    pub time_multiplier: f64,
    /// The display preset as JSON, or None.
    pub display_preset: Option<String>,
    /// What the account change record says (the file's line, what changed).
    pub detail: String,
}

impl Store {
    /// Writes an import in one transaction: every account or none. New
    /// accounts hold a one-time password; an updated account whose role
    /// changes has its sessions ended. Returns the ids, in order.
    pub async fn apply_roster(
        &self,
        writes: &[RosterWrite],
        by: i64,
        now: Timestamp,
    ) -> Result<Vec<i64>> {
        let mut tx = self.begin_write().await?;
        let mut ids = Vec::with_capacity(writes.len());
        for w in writes {
            let id = match (w.id, &w.password_hash) {
                (None, Some(hash)) => {
                    let row = NewUserRow {
                        username: &w.username,
                        display_name: &w.display_name,
                        role: w.role,
                        password_hash: hash,
                    };
                    let id = insert_account(
                        &mut tx,
                        &row,
                        true,
                        w.email.as_deref(),
                        w.candidate_number.as_deref(),
                        now,
                    )
                    .await?;
                    record_change(&mut tx, id, Some(by), "created", &w.detail, now).await?;
                    id
                }
                (Some(id), _) => {
                    sqlx::query(
                        "UPDATE users SET display_name = $1, email = $2, candidate_number = $3, \
                         credential_version = credential_version + (CASE WHEN role = $4 THEN 0 ELSE 1 END), \
                         role = $4 WHERE id = $5",
                    )
                    .bind(&w.display_name)
                    .bind(w.email.as_deref())
                    .bind(w.candidate_number.as_deref())
                    .bind(w.role.as_str())
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| {
                        conflict_on_unique(
                            e,
                            &format!(
                                "candidate number {:?}",
                                w.candidate_number.as_deref().unwrap_or("")
                            ),
                        )
                    })?;
                    record_change(&mut tx, id, Some(by), "edited", &w.detail, now).await?;
                    id
                }
                (None, None) => {
                    return Err(StoreError::Conflict(format!(
                        "{}: a new account needs a password",
                        w.username
                    )))
                }
            };
            sqlx::query(
                "UPDATE users SET time_multiplier = $1, display_preset = $2, \
                 must_change_password = (CASE WHEN $3 = 1 THEN 1 ELSE must_change_password END) WHERE id = $4",
            )
            .bind(w.time_multiplier)
            .bind(w.display_preset.as_deref())
            .bind(i64::from(w.password_hash.is_some()))
            .bind(id)
            .execute(&mut *tx)
            .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }
}
