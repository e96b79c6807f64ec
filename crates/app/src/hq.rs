//! HQ's screen (issue 18): its centres, their devices with their enrolment, the
//! packages published to them with how many attempts came back, and what the
//! sync refused, in one read for an administrator.

use crate::{App, AppResult};
use examhall_domain::Role;
use examhall_protocol::sync::{HqOverviewDto, PackageSummaryDto};
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
        packages.sort_by(|a, b| b.created_at_ms.cmp(&a.created_at_ms));
        let centres: BTreeSet<String> = devices
            .iter()
            .map(|d| d.centre.clone())
            .chain(packages.iter().map(|p| p.centre.clone()))
            .collect();
        Ok(HqOverviewDto {
            is_hq: true,
            centres: centres.into_iter().collect(),
            packages,
            devices,
            incidents: self.sync_incidents(token).await?,
        })
    }
}
