//! A hub's custody of its desktops' result envelopes (see migration 06).

use crate::{Result, Store};
use examhall_domain::Timestamp;

/// An attempt in an envelope a hub takes custody of.
#[derive(Debug, Clone)]
pub struct RelayAttempt {
    pub attempt_id: String,
    pub head_seq: i64,
    pub head_hash: String,
}

/// What the hub answers for one attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum RelayOutcome {
    /// Taken into custody now (the envelope is queued for HQ).
    Stored,
    /// The hub already holds this chain head or a later one.
    AlreadyHeld { head_seq: i64, head_hash: String },
    /// Another desktop already sent this attempt.
    OtherDevice(String),
    /// The hub holds a later or different head of this attempt's chain at the
    /// same length: the upload is not an extension of what it holds.
    Forked,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RelayRow {
    pub id: i64,
    pub device_id: String,
    pub envelope: String,
}

#[derive(Debug, Clone, Copy, Default, sqlx::FromRow)]
pub struct RelayCounts {
    pub pending: i64,
    pub forwarded: i64,
    pub refused: i64,
}

impl Store {
    /// Takes custody of a device's envelope: decides each attempt against what is
    /// held, and if any attempt is new (or extends what is held), stores the
    /// envelope for forwarding and moves the held heads, in one transaction.
    /// Returns one outcome per attempt, in order.
    pub async fn relay_take(
        &self,
        device_id: &str,
        envelope_json: &str,
        attempts: &[RelayAttempt],
        now: Timestamp,
    ) -> Result<Vec<RelayOutcome>> {
        let mut tx = self.begin_write().await?;
        let mut out = Vec::with_capacity(attempts.len());
        for a in attempts {
            let held: Option<(String, i64, String)> = sqlx::query_as(
                "SELECT device_id, head_seq, head_hash FROM relay_held WHERE attempt_id = $1",
            )
            .bind(&a.attempt_id)
            .fetch_optional(&mut *tx)
            .await?;
            let outcome = match held {
                Some((dev, _, _)) if dev != device_id => RelayOutcome::OtherDevice(dev),
                Some((_, seq, hash))
                    if seq > a.head_seq || (seq == a.head_seq && hash == a.head_hash) =>
                {
                    RelayOutcome::AlreadyHeld {
                        head_seq: seq,
                        head_hash: hash,
                    }
                }
                Some((_, seq, _)) if seq == a.head_seq => RelayOutcome::Forked,
                _ => RelayOutcome::Stored,
            };
            out.push(outcome);
        }
        if out.contains(&RelayOutcome::Stored) {
            for (a, o) in attempts.iter().zip(&out) {
                if *o == RelayOutcome::Stored {
                    sqlx::query(
                        "INSERT INTO relay_held (attempt_id, device_id, head_seq, head_hash) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (attempt_id) DO UPDATE SET head_seq = excluded.head_seq, head_hash = excluded.head_hash",
                    )
                    .bind(&a.attempt_id)
                    .bind(device_id)
                    .bind(a.head_seq)
                    .bind(&a.head_hash)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            let n = out.iter().filter(|o| **o == RelayOutcome::Stored).count() as i64;
            sqlx::query(
                "INSERT INTO relay_queue (device_id, envelope, attempts, received_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(device_id)
            .bind(envelope_json)
            .bind(n)
            .bind(now.0)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// The oldest envelopes not yet forwarded to HQ.
    pub async fn relay_pending(&self, limit: i64) -> Result<Vec<RelayRow>> {
        Ok(sqlx::query_as(
            "SELECT id, device_id, envelope FROM relay_queue WHERE forwarded_at IS NULL ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// Records HQ's answer to a forwarded envelope (`refused`: the receipts HQ did
    /// not store, for the administrator; None when all were stored or held).
    pub async fn relay_forwarded(
        &self,
        id: i64,
        refused: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query("UPDATE relay_queue SET forwarded_at = $2, refused = $3 WHERE id = $1")
            .bind(id)
            .bind(now.0)
            .bind(refused)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    pub async fn relay_counts(&self) -> Result<RelayCounts> {
        Ok(sqlx::query_as(
            "SELECT count(*) FILTER (WHERE forwarded_at IS NULL) AS pending, \
                    count(*) FILTER (WHERE forwarded_at IS NOT NULL AND refused IS NULL) AS forwarded, \
                    count(*) FILTER (WHERE refused IS NOT NULL) AS refused FROM relay_queue",
        )
        .fetch_one(&self.read)
        .await?)
    }

    /// Records a device enrolled through this hub (HQ enrolled it; the hub needs
    /// its key to check its uploads and its secret to serve it packages).
    pub async fn record_relayed_device(&self, d: &crate::DeviceRow, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO devices (id, centre, name, public_key, secret_hash, enrolled_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET secret_hash = excluded.secret_hash, name = excluded.name",
        )
        .bind(&d.id)
        .bind(&d.centre)
        .bind(&d.name)
        .bind(&d.public_key)
        .bind(&d.secret_hash)
        .bind(now.0)
        .execute(&self.write)
        .await?;
        Ok(())
    }
}
