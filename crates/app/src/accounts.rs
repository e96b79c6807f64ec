use crate::auth::{block_for_ms, verify_password, Actor};
use crate::{App, AppError, AppResult};
use examhall_domain::{Email, Password, Role, Username};
use examhall_protocol::{
    AccountChangeDto, EditUser, LoginRequest, NewUser, OneTimePassword, PasswordChange, SessionDto,
    SetupStatus, UserDto, UserQuery,
};
use examhall_store::{LoginGate, NewUserRow, UserEdit, UserRow};

pub(crate) fn user_dto(u: &UserRow) -> UserDto {
    UserDto {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role,
        email: u.email.clone(),
        candidate_number: u.candidate_number.clone(),
        disabled: u.disabled,
        must_change_password: u.must_change_password,
        time_multiplier: u.time_multiplier,
        display_preset: crate::assignments::parse_preset(u.display_preset.as_deref()),
        approved: u.approved,
    }
}

/// A new account as any path (the first administrator, an administrator's
/// form, registration, an import) hands it in, checked field by field.
pub(crate) struct AccountInput {
    pub username: String,
    /// Defaults to the username.
    pub display_name: Option<String>,
    pub password: String,
    pub role: Role,
    pub approved: bool,
    pub email: Option<String>,
    pub candidate_number: Option<String>,
}

pub(crate) struct ValidAccount {
    pub username: Username,
    pub display_name: String,
    pub password: Password,
    pub email: Option<Email>,
    pub candidate_number: Option<String>,
}

pub(crate) fn display_name(raw: Option<&str>, username: &Username) -> AppResult<String> {
    let name = raw
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .unwrap_or(username.as_str());
    if name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "display_name",
            "at most 100 characters, no control characters",
        ));
    }
    Ok(name.to_owned())
}

/// An optional email: empty means none.
pub(crate) fn optional_email(raw: Option<&str>) -> AppResult<Option<Email>> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(e) => Email::parse(e)
            .map(Some)
            .map_err(|err| AppError::invalid("email", err.to_string())),
    }
}

/// A candidate number: 1 to 32 characters of letters, digits, `-`, `_`, `/`
/// and `.`; empty means none.
pub(crate) fn optional_candidate_number(raw: Option<&str>) -> AppResult<Option<String>> {
    examhall_domain::candidate_number(raw.unwrap_or(""))
        .map_err(|e| AppError::invalid("candidate_number", e.to_string()))
}

pub(crate) fn validate_account(a: &AccountInput) -> AppResult<ValidAccount> {
    let username =
        Username::parse(&a.username).map_err(|e| AppError::invalid("username", e.to_string()))?;
    let password =
        Password::parse(&a.password).map_err(|e| AppError::invalid("password", e.to_string()))?;
    Ok(ValidAccount {
        display_name: display_name(a.display_name.as_deref(), &username)?,
        email: optional_email(a.email.as_deref())?,
        candidate_number: optional_candidate_number(a.candidate_number.as_deref())?,
        username,
        password,
    })
}

/// One-time passwords: ten characters without look-alikes, in two groups of
/// five (about 49 bits; sign-in throttling limits guessing).
pub(crate) fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let bytes = crate::auth::random_bytes::<10>();
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

impl App {
    /// What the first screen needs to know: is there anybody to log in as?
    pub async fn setup_status(&self) -> AppResult<SetupStatus> {
        Ok(SetupStatus {
            // A seat enrolled with its hub gets its candidates with the packages and
            // needs no administrator of its own.
            needs_first_admin: self.store().user_count().await? == 0
                && self.store().enrolment().await?.is_none(),
            centre_name: self
                .store()
                .centre_name()
                .await?
                .unwrap_or_else(|| "Examhall".into()),
            is_hq: self.is_hq().await?,
        })
    }

    /// Creates the first administrator of an empty database, from this
    /// machine's window. Refused once any user exists, and on a machine
    /// enrolled with a hub or HQ (its candidates come with the packages).
    pub async fn create_first_admin(&self, u: NewUser) -> AppResult<SessionDto> {
        if self.store().enrolment().await?.is_some() {
            return Err(AppError::Conflict(
                "This machine is enrolled with a hub or HQ; its staff sign in with their own accounts."
                    .into(),
            ));
        }
        self.insert_first_admin(&u, true).await?;
        self.login(LoginRequest {
            username: u.username,
            password: u.password,
        })
        .await
    }

    /// The operator's `--init-admin` (whoever can start the server on its data
    /// directory): creates this administrator if the database has none yet,
    /// also on a hub that enrolled with HQ first. False if one exists already.
    pub async fn init_admin(&self, u: NewUser) -> AppResult<bool> {
        match self.insert_first_admin(&u, false).await {
            Ok(()) => Ok(true),
            Err(AppError::Conflict(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn insert_first_admin(&self, u: &NewUser, any_user: bool) -> AppResult<()> {
        let v = validate_account(&AccountInput {
            username: u.username.clone(),
            display_name: Some(u.display_name.clone()),
            password: u.password.clone(),
            role: Role::Admin,
            approved: true,
            email: u.email.clone(),
            candidate_number: None,
        })?;
        let hash = self.hash_password(v.password.expose()).await?;
        let row = NewUserRow {
            username: v.username.as_str(),
            display_name: &v.display_name,
            role: Role::Admin,
            password_hash: &hash,
        };
        self.store()
            .insert_first_admin(row, self.now(), any_user)
            .await
            .map_err(|e| match e {
                examhall_store::StoreError::Conflict(_) => {
                    AppError::Conflict("This centre already has users; sign in instead.".into())
                }
                other => other.into(),
            })?;
        Ok(())
    }

    /// Signs in on this machine (the desktop's own window).
    pub async fn login(&self, req: LoginRequest) -> AppResult<SessionDto> {
        let u = self.authenticate(req, LOCAL_SOURCE).await?;
        if !u.approved {
            return Err(AppError::Conflict(
                "This teacher account waits for an administrator's approval.".into(),
            ));
        }
        let token = self.inner.sessions.create(
            Actor {
                user_id: u.id,
                role: u.role,
                version: u.credential_version,
            },
            self.now(),
        );
        tracing::info!(user = u.id, role = %u.role, "signed in");
        Ok(SessionDto {
            token,
            must_change_password: u.must_change_password,
            user: user_dto(&u),
        })
    }

    /// Checks a username and password from `source` (a network address, or
    /// this machine), with throttling; the user on success.
    ///
    /// Failures are counted per source and name, before the password is checked
    /// and in one transaction, so parallel guesses each count and at most a few
    /// ever reach argon2. Someone elsewhere who knows a username cannot keep its
    /// owner out: the block holds for the source that earned it.
    pub(crate) async fn authenticate(&self, req: LoginRequest, source: &str) -> AppResult<UserRow> {
        let now = self.now();
        // Throttle by the name as typed (normalised), whether or not the account exists.
        let name = req.username.trim().to_lowercase();
        if name.is_empty() || name.len() > 64 || req.password.len() > 1024 {
            return Err(AppError::BadCredentials);
        }
        let key = throttle_key(source, &name);
        if let LoginGate::Blocked { until } = self
            .store()
            .count_login_attempt(&key, now, block_for_ms)
            .await?
        {
            tracing::warn!(username = %name, source, "sign-in refused while blocked");
            return Err(AppError::Throttled {
                retry_after_secs: (until.since(now) + 999) / 1000,
            });
        }
        let user = self.store().user_by_username(&name).await?;
        // Unknown names cost the same argon2 time, so timing reveals nothing.
        let phc = user
            .as_ref()
            .map_or_else(|| DUMMY_HASH.to_owned(), |u| u.password_hash.clone());
        let password = req.password;
        let ok = self
            .argon2(move || verify_password(&password, &phc))
            .await?
            && user.is_some();
        match user {
            Some(u) if ok => {
                self.store().clear_throttle(&key).await?;
                if u.disabled {
                    tracing::warn!(user = u.id, source, "sign-in to a disabled account");
                    return Err(AppError::Conflict(
                        "This account is disabled. Ask an administrator.".into(),
                    ));
                }
                Ok(u)
            }
            _ => {
                tracing::warn!(username = %name, source, "failed sign-in");
                Err(AppError::BadCredentials)
            }
        }
    }

    /// An administrator lifts every sign-in block on a username, from any source.
    pub async fn lift_login_block(&self, token: &str, username: String) -> AppResult<u64> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Admin], "lift sign-in blocks")?;
        let name = username.trim().to_lowercase();
        if name.is_empty() || name.len() > 64 {
            return Err(AppError::invalid("username", "1 to 64 characters"));
        }
        let n = self
            .store()
            .lift_login_blocks(&throttle_key("", &name))
            .await?;
        tracing::info!(username = %name, lifted = n, by = actor.user_id, "sign-in block lifted");
        Ok(n)
    }

    pub async fn logout(&self, token: &str) -> AppResult<()> {
        self.inner.sessions.remove(token);
        Ok(())
    }

    /// An administrator creates an account of any role, approved at once.
    pub async fn create_user(&self, token: &str, u: NewUser) -> AppResult<UserDto> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Admin], "create user accounts")?;
        let row = self
            .insert_account(
                AccountInput {
                    username: u.username,
                    display_name: Some(u.display_name),
                    password: u.password,
                    role: u.role,
                    approved: true,
                    email: u.email,
                    candidate_number: u.candidate_number,
                },
                Some(actor.user_id),
            )
            .await?;
        Ok(user_dto(&row))
    }

    /// Checks and stores a new account (every path that makes one comes here).
    pub(crate) async fn insert_account(
        &self,
        a: AccountInput,
        by: Option<i64>,
    ) -> AppResult<UserRow> {
        let v = validate_account(&a)?;
        let hash = self.hash_password(v.password.expose()).await?;
        let id = self
            .store()
            .register_user(
                NewUserRow {
                    username: v.username.as_str(),
                    display_name: &v.display_name,
                    role: a.role,
                    password_hash: &hash,
                },
                a.approved,
                v.email.as_ref().map(Email::as_str),
                v.candidate_number.as_deref(),
                by,
                self.now(),
            )
            .await?;
        tracing::info!(user = id, role = %a.role, approved = a.approved, by, "account created");
        self.store()
            .user_by_id(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("User {id}")))
    }

    /// Administrators list accounts: searched (username, name, candidate
    /// number, email; case-insensitive), filtered by role, disabled ones only
    /// when asked.
    pub async fn list_users(&self, token: &str, q: UserQuery) -> AppResult<Vec<UserDto>> {
        Ok(self
            .find_users(token, q)
            .await?
            .iter()
            .map(user_dto)
            .collect())
    }

    pub(crate) async fn find_users(&self, token: &str, q: UserQuery) -> AppResult<Vec<UserRow>> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Admin], "list user accounts")?;
        let needle = q
            .search
            .as_deref()
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
        Ok(self
            .store()
            .list_users()
            .await?
            .iter()
            .filter(|u| q.include_disabled || !u.disabled)
            .filter(|u| q.role.is_none_or(|r| r == u.role))
            .filter(|u| {
                needle.as_deref().is_none_or(|n| {
                    u.username.contains(n)
                        || u.display_name.to_lowercase().contains(n)
                        || u.candidate_number
                            .as_deref()
                            .is_some_and(|c| c.to_lowercase().contains(n))
                        || u.email
                            .as_deref()
                            .is_some_and(|e| e.to_lowercase().contains(n))
                })
            })
            .cloned()
            .collect())
    }

    /// An administrator edits an account: name, role, email, candidate number,
    /// disabled. A role change or disabling ends the account's sessions and
    /// tokens at once. Nobody disables or demotes themselves (so an enabled
    /// administrator always remains: the caller).
    pub async fn update_user(&self, token: &str, edit: EditUser) -> AppResult<UserDto> {
        let EditUser { user_id, patch } = edit;
        let actor = self.actor(token).await?;
        actor.require(&[Role::Admin], "edit user accounts")?;
        let user = self
            .store()
            .user_by_id(user_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("User {user_id}")))?;
        let username = Username::parse(&user.username)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("stored username: {e}")))?;
        let name = patch
            .display_name
            .as_deref()
            .map(|d| {
                if d.trim().is_empty() {
                    Err(AppError::invalid("display_name", "must not be empty"))
                } else {
                    display_name(Some(d), &username)
                }
            })
            .transpose()?;
        let email = patch
            .email
            .as_deref()
            .map(|e| optional_email(Some(e)))
            .transpose()?;
        let number = patch
            .candidate_number
            .as_deref()
            .map(|n| optional_candidate_number(Some(n)))
            .transpose()?;
        let demoted = patch.role.is_some_and(|r| r != Role::Admin) && user.role == Role::Admin;
        let disabling = patch.disabled == Some(true) && !user.disabled;
        if user_id == actor.user_id && (demoted || disabling) {
            return Err(AppError::Conflict(
                "You cannot disable your own account or take away your own administrator role; \
                 another administrator can."
                    .into(),
            ));
        }
        if let Some(m) = patch.time_multiplier {
            crate::assignments::check_multiplier("time_multiplier", m)?;
        }
        if let Some(p) = &patch.display_preset {
            p.validate()
                .map_err(|e| AppError::invalid("display_preset", e))?;
        }
        let new_m = patch.time_multiplier.unwrap_or(user.time_multiplier);
        let new_preset = match &patch.display_preset {
            Some(p) => crate::assignments::preset_json(Some(p))?,
            None => user.display_preset.clone(),
        };
        let profile_changed = new_m != user.time_multiplier
            || new_preset.as_deref() != user.display_preset.as_deref();
        let mut changes = Vec::new();
        if profile_changed {
            changes.push(format!(
                "accommodations × {} {} -> × {new_m} {}",
                user.time_multiplier,
                user.display_preset.as_deref().unwrap_or("standard display"),
                new_preset.as_deref().unwrap_or("standard display")
            ));
        }
        if let Some(n) = &name {
            if *n != user.display_name {
                changes.push(format!("display name {:?} -> {n:?}", user.display_name));
            }
        }
        if let Some(r) = patch.role.filter(|r| *r != user.role) {
            changes.push(format!("role {} -> {r}", user.role));
        }
        if let Some(e) = &email {
            let new = e.as_ref().map(Email::as_str);
            if new != user.email.as_deref() {
                changes.push(format!("email {:?} -> {:?}", user.email, new));
            }
        }
        if let Some(n) = &number {
            if n.as_deref() != user.candidate_number.as_deref() {
                changes.push(format!(
                    "candidate number {:?} -> {:?}",
                    user.candidate_number, n
                ));
            }
        }
        let now = self.now();
        if !changes.is_empty() {
            let edit = UserEdit {
                display_name: name.as_deref(),
                role: patch.role,
                email: email.as_ref().map(|e| e.as_ref().map(Email::as_str)),
                candidate_number: number.as_ref().map(Option::as_deref),
                profile: profile_changed.then_some((new_m, new_preset.as_deref())),
            };
            self.store()
                .edit_user(user_id, &edit, actor.user_id, &changes.join("; "), now)
                .await?;
        }
        if let Some(disabled) = patch.disabled.filter(|d| *d != user.disabled) {
            self.store()
                .set_user_disabled(user_id, disabled, actor.user_id, now)
                .await?;
            tracing::info!(
                user = user_id,
                disabled,
                by = actor.user_id,
                "account state changed"
            );
        }
        if patch.role.is_some_and(|r| r != user.role) || patch.disabled == Some(true) {
            self.inner.sessions.remove_user(user_id);
        }
        let row = self
            .store()
            .user_by_id(user_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("User {user_id}")))?;
        Ok(user_dto(&row))
    }

    /// An administrator resets a password: a one-time password, shown once,
    /// which the user must replace at their next sign-in. The account's
    /// sessions and tokens end, and its sign-in blocks are lifted.
    pub async fn reset_password(&self, token: &str, user_id: i64) -> AppResult<OneTimePassword> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Admin], "reset passwords")?;
        let user = self
            .store()
            .user_by_id(user_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("User {user_id}")))?;
        let password = one_time_password();
        let hash = self.hash_password(&password).await?;
        self.store()
            .set_password(user_id, &hash, true, Some(actor.user_id), self.now())
            .await?
            .ok_or_else(|| AppError::NotFound(format!("User {user_id}")))?;
        self.inner.sessions.remove_user(user_id);
        self.store()
            .lift_login_blocks(&throttle_key("", &user.username))
            .await?;
        tracing::info!(user = user_id, by = actor.user_id, "password reset");
        Ok(OneTimePassword {
            user_id,
            username: user.username,
            display_name: user.display_name,
            candidate_number: user.candidate_number,
            password,
        })
    }

    /// Users change their own password (also the way out of a one-time
    /// password). Every other session and token of the account ends; the
    /// caller gets a fresh session on this machine.
    pub async fn change_own_password(
        &self,
        token: &str,
        change: PasswordChange,
    ) -> AppResult<SessionDto> {
        let actor = self.checked_actor(token, true).await?;
        let user = self.verify_own_password(&actor, change).await?;
        self.inner.sessions.remove_user(user.id);
        let token = self.inner.sessions.create(
            Actor {
                user_id: user.id,
                role: user.role,
                version: user.credential_version,
            },
            self.now(),
        );
        Ok(SessionDto {
            token,
            must_change_password: false,
            user: user_dto(&user),
        })
    }

    /// Checks the current password, stores the new one; the account as it is
    /// afterwards.
    pub(crate) async fn verify_own_password(
        &self,
        actor: &Actor,
        change: PasswordChange,
    ) -> AppResult<UserRow> {
        let user = self
            .store()
            .user_by_id(actor.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let new = Password::parse(&change.new_password)
            .map_err(|e| AppError::invalid("new_password", e.to_string()))?;
        if change.new_password == change.current_password {
            return Err(AppError::invalid(
                "new_password",
                "must differ from the current password",
            ));
        }
        let (current, phc) = (change.current_password, user.password_hash.clone());
        if !self.argon2(move || verify_password(&current, &phc)).await? {
            return Err(AppError::invalid(
                "current_password",
                "is not this account's current password",
            ));
        }
        let hash = self.hash_password(new.expose()).await?;
        self.store()
            .set_password(user.id, &hash, false, None, self.now())
            .await?
            .ok_or(AppError::Unauthenticated)?;
        tracing::info!(user = user.id, "password changed by its owner");
        self.store()
            .user_by_id(user.id)
            .await?
            .ok_or(AppError::Unauthenticated)
    }

    /// An account's recorded changes (administrators).
    pub async fn account_changes(
        &self,
        token: &str,
        user_id: i64,
    ) -> AppResult<Vec<AccountChangeDto>> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Admin], "read account changes")?;
        let users = self.store().list_users().await?;
        let name = |id: Option<i64>| {
            id.and_then(|id| users.iter().find(|u| u.id == id))
                .map(|u| u.username.clone())
        };
        Ok(self
            .store()
            .account_changes(user_id)
            .await?
            .into_iter()
            .map(|c| AccountChangeDto {
                at_ms: c.at,
                by: name(c.by_user),
                action: c.action,
                detail: c.detail,
            })
            .collect())
    }
}

/// An argon2id hash of a random string nobody knows, with the real parameters.
/// The source of a sign-in made in this machine's own window.
pub(crate) const LOCAL_SOURCE: &str = "this machine";

/// The throttle's key: the source, a tab, the name as typed. A tab appears in
/// neither (names are trimmed; sources are addresses), so a key's suffix
/// `\t<name>` names every source's block on that name.
pub(crate) fn throttle_key(source: &str, name: &str) -> String {
    format!("{source}\t{name}")
}

const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3mFhQvWbzpN1l2i1Yx5y3s0r0P1cE3tq7m9r6pWJt1c";

#[cfg(test)]
mod tests {
    #[test]
    fn the_dummy_hash_parses_so_unknown_users_cost_a_real_argon2_run() {
        assert!(argon2::password_hash::phc::PasswordHash::new(super::DUMMY_HASH).is_ok());
    }
}
