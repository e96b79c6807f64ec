use crate::auth::{block_for_ms, hash_password, verify_password, Actor};
use crate::{App, AppError, AppResult};
use examhall_domain::{Password, Role, Username};
use examhall_protocol::{LoginRequest, NewUser, SessionDto, SetupStatus, UserDto};
use examhall_store::{NewUserRow, ThrottleRow, UserRow};

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
        let hash = hash_password(v.password.expose())?;
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

    pub async fn login(&self, req: LoginRequest) -> AppResult<SessionDto> {
        let u = self.authenticate(req).await?;
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

    /// Checks a username and password, with throttling; the user on success.
    pub(crate) async fn authenticate(&self, req: LoginRequest) -> AppResult<UserRow> {
        let now = self.now();
        // Throttle by the name as typed (normalised), whether or not the account exists.
        let key = req.username.trim().to_lowercase();
        if key.is_empty() || key.len() > 64 || req.password.len() > 1024 {
            return Err(AppError::BadCredentials);
        }
        let throttle = self.store().throttle(&key).await?;
        if let Some(t) = throttle {
            if t.blocked_until > now {
                return Err(AppError::Throttled {
                    retry_after_secs: (t.blocked_until.since(now) + 999) / 1000,
                });
            }
        }
        let user = self.store().user_by_username(&key).await?;
        let ok = match &user {
            Some(u) => verify_password(&req.password, &u.password_hash),
            None => {
                // Spend the same time as a real check, so timing does not reveal names.
                let _ = verify_password(&req.password, DUMMY_HASH);
                false
            }
        };
        match (ok, user) {
            (true, Some(u)) => {
                if throttle.is_some() {
                    self.store().clear_throttle(&key).await?;
                }
                Ok(u)
            }
            _ => {
                let failures = throttle.map_or(0, |t| t.failures) + 1;
                let blocked_until = now.plus_millis(block_for_ms(failures));
                self.store()
                    .set_throttle(
                        &key,
                        ThrottleRow {
                            failures,
                            blocked_until,
                        },
                    )
                    .await?;
                tracing::warn!(username = %key, failures, "failed sign-in");
                Err(AppError::BadCredentials)
            }
        }
    }

    pub async fn logout(&self, token: &str) -> AppResult<()> {
        self.inner.sessions.remove(token);
        Ok(())
    }

    pub async fn create_user(&self, token: &str, u: NewUser) -> AppResult<UserDto> {
        let actor = self.actor(token)?;
        actor.require(&[Role::Admin], "create user accounts")?;
        let v = validate_new_user(&u)?;
        let hash = hash_password(v.password.expose())?;
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
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3mFhQvWbzpN1l2i1Yx5y3s0r0P1cE3tq7m9r6pWJt1c";

#[cfg(test)]
mod tests {
    #[test]
    fn the_dummy_hash_parses_so_unknown_users_cost_a_real_argon2_run() {
        assert!(argon2::password_hash::phc::PasswordHash::new(super::DUMMY_HASH).is_ok());
    }
}
