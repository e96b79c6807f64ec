use crate::auth::{block_for_ms, verify_password, Actor};
use crate::{App, AppError, AppResult};
use examhall_domain::{Password, Role, Username};
use examhall_protocol::{LoginRequest, NewUser, SessionDto, SetupStatus, UserDto};
use examhall_store::{LoginGate, NewUserRow, UserRow};

pub(crate) fn user_dto(u: &UserRow) -> UserDto {
    UserDto {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role,
    }
}

struct ValidUser {
    username: Username,
    display_name: String,
    password: Password,
}

fn validate_new_user(u: &NewUser) -> AppResult<ValidUser> {
    let username =
        Username::parse(&u.username).map_err(|e| AppError::invalid("username", e.to_string()))?;
    let display_name = u.display_name.trim().to_owned();
    if display_name.is_empty() || display_name.chars().count() > 100 {
        return Err(AppError::invalid(
            "display_name",
            "must be 1 to 100 characters",
        ));
    }
    let password =
        Password::parse(&u.password).map_err(|e| AppError::invalid("password", e.to_string()))?;
    Ok(ValidUser {
        username,
        display_name,
        password,
    })
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
        })
    }

    /// Creates the first administrator of an empty database. Refused once any user exists.
    pub async fn create_first_admin(&self, u: NewUser) -> AppResult<SessionDto> {
        let v = validate_new_user(&u)?;
        let hash = self.hash_password(v.password.expose()).await?;
        let now = self.now();
        let row = NewUserRow {
            username: v.username.as_str(),
            display_name: &v.display_name,
            role: Role::Admin,
            password_hash: &hash,
        };
        self.store()
            .insert_first_admin(row, now)
            .await
            .map_err(|e| match e {
                examhall_store::StoreError::Conflict(_) => {
                    AppError::Conflict("This centre already has users; sign in instead.".into())
                }
                other => other.into(),
            })?;
        self.login(LoginRequest {
            username: u.username,
            password: u.password,
        })
        .await
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
            },
            self.now(),
        );
        tracing::info!(user = u.id, role = %u.role, "signed in");
        Ok(SessionDto {
            token,
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
                Ok(u)
            }
            _ => {
                tracing::warn!(username = %name, source, "failed sign-in");
                Err(AppError::BadCredentials)
            }
        }
    }

    /// An administrator lifts every sign-in block on a username, from any source.
    pub async fn lift_login_block(&self, token: &str, username: &str) -> AppResult<u64> {
        let actor = self.actor(token)?;
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

    pub async fn create_user(&self, token: &str, u: NewUser) -> AppResult<UserDto> {
        let actor = self.actor(token)?;
        actor.require(&[Role::Admin], "create user accounts")?;
        let v = validate_new_user(&u)?;
        let hash = self.hash_password(v.password.expose()).await?;
        let row = NewUserRow {
            username: v.username.as_str(),
            display_name: &v.display_name,
            role: u.role,
            password_hash: &hash,
        };
        let id = self.store().insert_user(row, self.now()).await?;
        Ok(UserDto {
            id,
            username: v.username.to_string(),
            display_name: v.display_name,
            role: u.role,
        })
    }

    pub async fn list_users(&self, token: &str) -> AppResult<Vec<UserDto>> {
        let actor = self.actor(token)?;
        actor.require(&[Role::Admin], "list user accounts")?;
        Ok(self
            .store()
            .list_users()
            .await?
            .iter()
            .map(user_dto)
            .collect())
    }
}

/// An argon2id hash of a random string nobody knows, with the real parameters.
/// The source of a sign-in made in this machine's own window.
pub(crate) const LOCAL_SOURCE: &str = "this machine";

/// The throttle's key: the source, a tab, the name as typed. A tab appears in
/// neither (names are trimmed; sources are addresses), so a key's suffix
/// `\t<name>` names every source's block on that name.
fn throttle_key(source: &str, name: &str) -> String {
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
