//! Exams a centre built on its own enrolled desktop (issue 17, point 5).
//!
//! The desktop side reads such an exam's roster to send it up; HQ holds each
//! one as an exam of its own with one closed sitting, so the results that
//! follow are ingested, graded, listed and analysed like a package's.

use crate::{Result, Store};
use examhall_domain::{ExamSpec, Timestamp};

/// One candidate of a centre's exam: username, name shown, time multiplier.
pub type CentreCandidateRow = (String, String, f64);

/// A centre's exam to hold at HQ.
pub struct NewCentreExam<'a> {
    pub device_id: &'a str,
    pub local_exam_id: i64,
    pub spec: &'a ExamSpec,
    /// SHA-256 of the spec as sent: an unchanged exam sent again changes nothing.
    pub digest: &'a str,
    pub roster: &'a [CentreCandidateRow],
}

/// What HQ did with a centre's exam.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CentreExamHeld {
    pub exam_id: i64,
    pub candidates_added: u32,
}

impl Store {
    /// Desktop: the candidates of this machine's own exam `exam_id`, whether
    /// assigned or with an attempt at it.
    pub async fn centre_exam_roster(&self, exam_id: i64) -> Result<Vec<CentreCandidateRow>> {
        Ok(sqlx::query_as(
            "SELECT u.username, u.display_name, COALESCE(asg.time_multiplier, 1.0) \
             FROM users u LEFT JOIN assignments asg ON asg.user_id = u.id AND asg.exam_id = $1 \
             WHERE u.role = 'candidate' AND (asg.exam_id IS NOT NULL \
                OR EXISTS (SELECT 1 FROM attempts a WHERE a.exam_id = $1 AND a.user_id = u.id)) \
             ORDER BY u.username",
        )
        .bind(exam_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// HQ: the exam and sitting holding device `device_id`'s exam `local_exam_id`.
    pub async fn centre_exam(
        &self,
        device_id: &str,
        local_exam_id: i64,
    ) -> Result<Option<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT exam_id, sitting_id FROM centre_exams WHERE device_id = $1 AND local_exam_id = $2",
        )
        .bind(device_id)
        .bind(local_exam_id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// HQ: holds a centre's exam, in one transaction. The first time, an exam
    /// and a closed sitting are made for it (opened in the name of the
    /// administrator who enrolled the device); later, a changed spec replaces
    /// the held one. Candidates HQ does not know are added as the centre's,
    /// disabled (they cannot sign in here); every roster line is assigned with
    /// its time multiplier. `Ok(Err(why))`: refused, nothing changed (a
    /// username that is staff here, an HQ candidate the device's centre was
    /// never sent, or no administrator to record it under).
    pub async fn hold_centre_exam(
        &self,
        e: &NewCentreExam<'_>,
        now: Timestamp,
    ) -> Result<std::result::Result<CentreExamHeld, String>> {
        let spec_json = serde_json::to_string(e.spec)
            .map_err(|err| crate::StoreError::corrupt("exam spec", err))?;
        let mut tx = self.begin_write().await?;
        let mut candidates = Vec::with_capacity(e.roster.len());
        let mut added = 0u32;
        for (username, display_name, multiplier) in e.roster {
            let found: Option<(i64, String)> =
                sqlx::query_as("SELECT id, role FROM users WHERE username = $1")
                    .bind(username)
                    .fetch_optional(&mut *tx)
                    .await?;
            let id = match found {
                // An HQ candidate is the centre's only if HQ sent them to it: on
                // a package published to the centre, or on an exam of its own
                // already held. Otherwise any centre could write results in the
                // name of any candidate.
                Some((id, role)) if role == "candidate" => {
                    let known: i64 = sqlx::query_scalar(
                        "SELECT count(*) FROM assignments a \
                         WHERE a.user_id = $1 AND a.exam_id IN ( \
                            SELECT p.exam_id FROM packages p \
                             WHERE p.origin = 'published' AND p.exam_id IS NOT NULL \
                               AND p.centre = (SELECT centre FROM devices WHERE id = $2) \
                            UNION \
                            SELECT ce.exam_id FROM centre_exams ce JOIN devices d ON d.id = ce.device_id \
                             WHERE d.centre = (SELECT centre FROM devices WHERE id = $2))",
                    )
                    .bind(id)
                    .bind(e.device_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    if known == 0 {
                        let centre: Option<String> =
                            sqlx::query_scalar("SELECT centre FROM devices WHERE id = $1")
                                .bind(e.device_id)
                                .fetch_optional(&mut *tx)
                                .await?;
                        return Ok(Err(format!(
                            "roster: `{username}` is a candidate at HQ whom centre {} was never sent",
                            centre.unwrap_or_default()
                        )));
                    }
                    id
                }
                Some((_, role)) => {
                    return Ok(Err(format!(
                        "roster: `{username}` is a {role} at HQ, not a candidate"
                    )))
                }
                None => {
                    added += 1;
                    sqlx::query_scalar(
                        "INSERT INTO users (username, display_name, role, password_hash, disabled, created_at) \
                         VALUES ($1, $2, 'candidate', '!centre', 1, $3) RETURNING id",
                    )
                    .bind(username)
                    .bind(display_name)
                    .bind(now.0)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            candidates.push((id, *multiplier));
        }
        let held: Option<(i64, String)> = sqlx::query_as(
            "SELECT exam_id, digest FROM centre_exams WHERE device_id = $1 AND local_exam_id = $2",
        )
        .bind(e.device_id)
        .bind(e.local_exam_id)
        .fetch_optional(&mut *tx)
        .await?;
        let exam_id = match held {
            Some((exam_id, digest)) => {
                if digest != e.digest {
                    sqlx::query("UPDATE exams SET title = $2, spec = $3 WHERE id = $1")
                        .bind(exam_id)
                        .bind(&e.spec.title)
                        .bind(&spec_json)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "UPDATE centre_exams SET digest = $3, updated_at = $4 \
                         WHERE device_id = $1 AND local_exam_id = $2",
                    )
                    .bind(e.device_id)
                    .bind(e.local_exam_id)
                    .bind(e.digest)
                    .bind(now.0)
                    .execute(&mut *tx)
                    .await?;
                }
                exam_id
            }
            None => {
                let by: Option<i64> = sqlx::query_scalar(
                    "SELECT COALESCE( \
                        (SELECT min(created_by) FROM enrolment_tokens WHERE used_by = $1), \
                        (SELECT min(id) FROM users WHERE role = 'admin'))",
                )
                .bind(e.device_id)
                .fetch_one(&mut *tx)
                .await?;
                let Some(by) = by else {
                    return Ok(Err("HQ has no administrator to hold the exam under".into()));
                };
                let exam_id: i64 = sqlx::query_scalar(
                    "INSERT INTO exams (title, spec, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(&e.spec.title)
                .bind(&spec_json)
                .bind(by)
                .bind(now.0)
                .fetch_one(&mut *tx)
                .await?;
                let sitting_id: i64 = sqlx::query_scalar(
                    "INSERT INTO sittings (exam_id, start_code, opened_by, opened_at, closed_at) \
                     VALUES ($1, 'CENTRE', $2, $3, $3) RETURNING id",
                )
                .bind(exam_id)
                .bind(by)
                .bind(now.0)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO centre_exams (device_id, local_exam_id, exam_id, sitting_id, digest, registered_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $6)",
                )
                .bind(e.device_id)
                .bind(e.local_exam_id)
                .bind(exam_id)
                .bind(sitting_id)
                .bind(e.digest)
                .bind(now.0)
                .execute(&mut *tx)
                .await?;
                exam_id
            }
        };
        for (user_id, multiplier) in candidates {
            sqlx::query(
                "INSERT INTO assignments (exam_id, user_id, time_multiplier) VALUES ($1, $2, $3) \
                 ON CONFLICT (exam_id, user_id) DO UPDATE SET time_multiplier = excluded.time_multiplier",
            )
            .bind(exam_id)
            .bind(user_id)
            .bind(multiplier)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Ok(CentreExamHeld {
            exam_id,
            candidates_added: added,
        }))
    }
}
