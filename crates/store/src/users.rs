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
        })
    }
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

    /// Inserts the first administrator only if there are no users at all, atomically.
    pub async fn insert_first_admin(&self, u: NewUserRow<'_>, now: Timestamp) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
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
        sqlx::query_as::<_, RawUser>(
            "SELECT id, username, display_name, role, password_hash, approved, email FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.read)
        .await?
        .map(UserRow::try_from)
        .transpose()
    }

    pub async fn user_by_id(&self, id: i64) -> Result<Option<UserRow>> {
        sqlx::query_as::<_, RawUser>(
            "SELECT id, username, display_name, role, password_hash, approved, email FROM users WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        .map(UserRow::try_from)
        .transpose()
    }

    pub async fn list_users(&self) -> Result<Vec<UserRow>> {
        sqlx::query_as::<_, RawUser>(
            "SELECT id, username, display_name, role, password_hash, approved, email FROM users ORDER BY id",
        )
        .fetch_all(&self.read)
        .await?
        .into_iter()
        .map(UserRow::try_from)
        .collect()
    }

    /// Inserts a self-registered user, approved or waiting for approval.
    pub async fn register_user(
        &self,
        u: NewUserRow<'_>,
        approved: bool,
        email: Option<&str>,
        now: Timestamp,
    ) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO users (username, display_name, role, password_hash, created_at, approved, email) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(u.username)
        .bind(u.display_name)
        .bind(u.role.as_str())
        .bind(u.password_hash)
        .bind(now.0)
        .bind(i64::from(approved))
        .bind(email)
        .fetch_one(&self.write)
        .await
        .map_err(|e| conflict_on_unique(e, &format!("user {:?}", u.username)))
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
        sqlx::query("DELETE FROM login_throttle WHERE username = $1")
            .bind(username)
            .execute(&self.write)
            .await?;
        Ok(())
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
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT failures, blocked_until FROM login_throttle WHERE username = $1",
        )
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
            (LoginGate::Proceed, now.0 + block_ms(failures))
        };
        sqlx::query(
            "INSERT INTO login_throttle (username, failures, blocked_until) VALUES ($1, $2, $3) \
             ON CONFLICT(username) DO UPDATE SET failures = excluded.failures, blocked_until = excluded.blocked_until",
        )
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

/// Whether a sign-in attempt may check its password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginGate {
    Proceed,
    Blocked { until: Timestamp },
}
