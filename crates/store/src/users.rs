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
}

#[derive(Debug, Clone)]
pub struct NewUserRow<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
}

#[derive(Debug, Clone, Copy)]
pub struct ThrottleRow {
    pub failures: i64,
    pub blocked_until: Timestamp,
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
            "SELECT id, username, display_name, role, password_hash, approved FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.read)
        .await?
        .map(UserRow::try_from)
        .transpose()
    }

    pub async fn user_by_id(&self, id: i64) -> Result<Option<UserRow>> {
        sqlx::query_as::<_, RawUser>(
            "SELECT id, username, display_name, role, password_hash, approved FROM users WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        .map(UserRow::try_from)
        .transpose()
    }

    pub async fn list_users(&self) -> Result<Vec<UserRow>> {
        sqlx::query_as::<_, RawUser>(
            "SELECT id, username, display_name, role, password_hash, approved FROM users ORDER BY id",
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
        now: Timestamp,
    ) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO users (username, display_name, role, password_hash, created_at, approved) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(u.username)
        .bind(u.display_name)
        .bind(u.role.as_str())
        .bind(u.password_hash)
        .bind(now.0)
        .bind(i64::from(approved))
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

    pub async fn throttle(&self, username: &str) -> Result<Option<ThrottleRow>> {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT failures, blocked_until FROM login_throttle WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.write)
        .await?;
        Ok(row.map(|(failures, until)| ThrottleRow {
            failures,
            blocked_until: Timestamp(until),
        }))
    }

    pub async fn set_throttle(&self, username: &str, t: ThrottleRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO login_throttle (username, failures, blocked_until) VALUES ($1, $2, $3) \
             ON CONFLICT(username) DO UPDATE SET failures = excluded.failures, blocked_until = excluded.blocked_until",
        )
        .bind(username)
        .bind(t.failures)
        .bind(t.blocked_until.0)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn clear_throttle(&self, username: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_throttle WHERE username = $1")
            .bind(username)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
