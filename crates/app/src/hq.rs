//! HQ's screen (issue 18): its centres, their devices with their enrolment, the
//! packages published to them with how many attempts came back, and what the
//! sync refused, in one read for an administrator.

use crate::AppError;
use crate::{App, AppResult};
use examhall_domain::Role;
use examhall_protocol::sync::{EnrolmentTokenDto, HqOverviewDto, PackageSummaryDto};
use std::collections::BTreeSet;

impl App {
    /// This server is HQ: it signs packages and follows no upstream (a relay
    /// hub holds a signing key too, but answers to HQ).
    pub(crate) async fn is_hq(&self) -> AppResult<bool> {
        Ok(self.hq_key().is_ok() && !self.relaying().await?)
    }

    /// Everything HQ's screen shows; on a machine that is not HQ, `is_hq`
    /// false and nothing else.
    pub async fn hq_overview(&self, token: &str) -> AppResult<HqOverviewDto> {
        self.actor(token)
            .await?
            .require(&[Role::Admin], "see HQ's centres and packages")?;
        if !self.is_hq().await? {
            return Ok(HqOverviewDto::default());
        }
        let devices = self.devices(token).await?;
        let mut packages = Vec::new();
        for p in self.store().packages("published", None).await? {
            let attempts_held = match p.exam_id {
                Some(exam) => self.store().attempts_of_exam(exam).await?,
                None => 0,
            };
            packages.push(PackageSummaryDto {
                package_id: p.id,
                exam_id: p.exam_id,
                title: p.title,
                centre: p.centre,
                candidates: p.roster_size.max(0) as u64,
                size_bytes: p.size_bytes.max(0) as u64,
                created_at_ms: p.created_at,
                attempts_held: attempts_held.max(0) as u64,
            });
        }
        packages.sort_by_key(|p| std::cmp::Reverse(p.created_at_ms));
        let centres: BTreeSet<String> = devices
            .iter()
            .map(|d| d.centre.clone())
            .chain(packages.iter().map(|p| p.centre.clone()))
            .collect();
        let tokens = self
            .store()
            .enrolment_tokens()
            .await?
            .into_iter()
            .map(|t| EnrolmentTokenDto {
                id: t.token_hash,
                centre: t.centre,
                created_at_ms: t.created_at,
                expires_at_ms: t.expires_at,
                used_by: t.used_by,
            })
            .collect();
        let attempts_by_device = self
            .store()
            .attempts_by_device()
            .await?
            .into_iter()
            .map(|(d, n)| (d, n.max(0) as u64))
            .collect();
        Ok(HqOverviewDto {
            is_hq: true,
            centres: centres.into_iter().collect(),
            packages,
            devices,
            attempts_by_device,
            tokens,
            incidents: self.sync_incidents(token).await?,
        })
    }

    /// Withdraws an enrolment token nobody has used yet (`id`: its SHA-256, as
    /// listed): it stops working at once.
    pub async fn withdraw_enrolment_token(&self, token: &str, id: String) -> AppResult<()> {
        self.actor(token)
            .await?
            .require(&[Role::Admin], "withdraw enrolment tokens")?;
        if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::invalid("id", "64 hexadecimal characters"));
        }
        if self.store().expire_enrolment_token(&id, self.now()).await? {
            tracing::info!(token = %id, "enrolment token withdrawn");
            Ok(())
        } else {
            Err(AppError::NotFound(
                "An unused enrolment token with this id".into(),
            ))
        }
    }
}
