//! Passwords (argon2id, OWASP parameters), login throttling, sessions, role checks.

use crate::error::{AppError, AppResult};
use anyhow::Context as _;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::PasswordVerifier;
use argon2::{Algorithm, Argon2, Params, Version};
use examhall_domain::{Role, Timestamp};
use rand::RngCore;
use std::collections::HashMap;
use std::sync::Mutex;

/// OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("static argon2 parameters are valid")
}

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
}

thread_local! {
    /// The 19 MiB an argon2id hash works in, kept by each hashing thread: a
    /// roster import hashes thousands, and a fresh block each time left the
    /// allocator holding hundreds of MiB.
    static HASH_MEMORY: std::cell::RefCell<Vec<argon2::Block>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// An argon2id hash of `password` with a fresh random salt, as a PHC string.
pub(crate) fn hash_password(password: &str) -> AppResult<String> {
    use argon2::password_hash::phc::{Output, ParamsString, Salt};
    let (argon, params) = (hasher(), params());
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    HASH_MEMORY
        .with_borrow_mut(|blocks| {
            blocks.resize(params.block_count(), argon2::Block::default());
            argon.hash_password_into_with_memory(
                password.as_bytes(),
                &salt,
                &mut out,
                &mut blocks[..],
            )
        })
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))
        .context("hashing a password")?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| anyhow::anyhow!("argon2: {e}"))?,
        salt: Some(Salt::new(&salt).map_err(|e| anyhow::anyhow!("argon2 salt: {e}"))?),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("argon2 output: {e}"))?),
    };
    Ok(phc.to_string())
}

pub(crate) fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "stored password hash is unreadable");
            false
        }
    }
}

/// Password hashes computed at once (each takes ~19 MiB and tens of ms of one
/// core): the rest wait their turn off the async threads.
pub(crate) const ARGON2_AT_ONCE: usize = 2;

impl crate::App {
    /// The holder of `token`, checked against the account as it is now: a
    /// disabled account, or a token older than the account's last credential
    /// change, is refused; an account that signed in with a one-time password
    /// may only change it (`password_change`).
    pub(crate) async fn checked_actor(
        &self,
        token: &str,
        password_change: bool,
    ) -> AppResult<Actor> {
        let held = match self.jwt_actor(token) {
            Some(jwt) => jwt?,
            None => self.inner.sessions.resolve(token, self.now())?,
        };
        let Some(gate) = self.store().user_gate(held.user_id).await? else {
            self.inner.sessions.remove(token);
            return Err(AppError::Unauthenticated);
        };
        if gate.disabled || gate.credential_version != held.version {
            self.inner.sessions.remove(token);
            return Err(AppError::Unauthenticated);
        }
        if gate.must_change_password && !password_change {
            return Err(AppError::PasswordChangeRequired);
        }
        Ok(Actor {
            role: gate.role,
            ..held
        })
    }

    /// Runs an argon2 computation on the blocking pool, behind the semaphore.
    pub(crate) async fn argon2<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> AppResult<T> {
        let _permit = self
            .inner
            .argon2_permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| AppError::Internal(anyhow::Error::new(e)))
    }

    /// Hashes a new password off the async threads.
    pub(crate) async fn hash_password(&self, password: &str) -> AppResult<String> {
        let password = password.to_owned();
        self.argon2(move || hash_password(&password)).await?
    }
}

/// After this many consecutive failures a username is blocked, for 30 s, doubling
/// with every further failure, up to 15 minutes.
pub(crate) const FREE_FAILURES: i64 = 5;

pub(crate) fn block_for_ms(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES).min(5) as u32;
    (30_000i64 << doublings).min(15 * 60_000)
}

/// Who is calling. Only this crate can make one (by logging in).
#[derive(Debug, Clone)]
pub struct Actor {
    pub(crate) user_id: i64,
    pub(crate) role: Role,
    /// The account's credential version when the session or token was made:
    /// once the account's moves on (disabled, password changed or reset, role
    /// changed), the session or token stops working.
    pub(crate) version: i64,
}

impl Actor {
    pub fn user_id(&self) -> i64 {
        self.user_id
    }
    pub fn role(&self) -> Role {
        self.role
    }

    /// The role check every use case starts with.
    pub(crate) fn require(&self, allowed: &[Role], action: &'static str) -> AppResult<()> {
        if allowed.contains(&self.role) {
            Ok(())
        } else {
            tracing::warn!(user = self.user_id, role = %self.role, action, "forbidden");
            Err(AppError::Forbidden {
                role: self.role,
                action,
            })
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Sessions {
    by_token: Mutex<HashMap<String, (Actor, Timestamp)>>,
}

/// A signed-in session ends after 12 hours without use.
const SESSION_IDLE_MS: i64 = 12 * 3600 * 1000;

impl Sessions {
    /// Ends every session of one user on this machine (its tokens are refused
    /// anyway once the account's credential version moves).
    pub(crate) fn remove_user(&self, user_id: i64) {
        self.by_token
            .lock()
            .expect("session map")
            .retain(|_, (a, _)| a.user_id != user_id);
    }

    pub(crate) fn create(&self, actor: Actor, now: Timestamp) -> String {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        self.by_token
            .lock()
            .expect("session map")
            .insert(token.clone(), (actor, now));
        token
    }

    pub(crate) fn resolve(&self, token: &str, now: Timestamp) -> AppResult<Actor> {
        let mut map = self.by_token.lock().expect("session map");
        match map.get_mut(token) {
            Some((actor, last)) if now.since(*last) < SESSION_IDLE_MS => {
                *last = now;
                Ok(actor.clone())
            }
            Some(_) => {
                map.remove(token);
                Err(AppError::Unauthenticated)
            }
            None => Err(AppError::Unauthenticated),
        }
    }

    pub(crate) fn remove(&self, token: &str) {
        self.by_token.lock().expect("session map").remove(token);
    }
}

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

pub(crate) fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordHasher as _;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horsf", &h));
        assert!(!verify_password("x", "not a phc string"));
        assert_ne!(h, hash_password("correct horse").unwrap(), "salted");
    }

    #[test]
    fn hashing_in_reused_memory_gives_the_crates_own_hash() {
        // Twice on one thread, so the second reuses the first's memory.
        for pw in ["first password", "another one"] {
            let ours = hash_password(pw).unwrap();
            let parsed = PasswordHash::new(&ours).unwrap();
            let salt = parsed.salt.unwrap();
            let theirs = hasher()
                .hash_password_with_salt(pw.as_bytes(), salt.as_ref())
                .unwrap();
            assert_eq!(ours, theirs.to_string());
        }
    }

    #[test]
    fn throttle_backs_off_exponentially_with_a_cap() {
        assert_eq!(block_for_ms(4), 0);
        assert_eq!(block_for_ms(5), 30_000);
        assert_eq!(block_for_ms(6), 60_000);
        assert_eq!(block_for_ms(50), 15 * 60_000);
    }
}
