//! An exam's candidates: assigning them (each with the accommodation profile on
//! their account), changing an assignment's accommodations and unassigning, all
//! until that candidate starts, every change recorded with who and when.

use crate::auth::Actor;
use crate::{App, AppError, AppResult};
use examhall_domain::{AttemptStatus, DisplayPreset, ResultRelease, Role};
use examhall_protocol::{
    AssignCandidates, AssignedCandidates, AssignmentChangeDto, ExamCandidateDto, ExamCandidatesDto,
    UnassignCandidate, UpdateAssignment,
};
use examhall_store::{AssignOutcome, AssignmentWrite, UnassignOutcome, UserRow};

/// The accommodation bounds, as everywhere else.
pub(crate) fn check_multiplier(field: &str, m: f64) -> AppResult<()> {
    if m.is_finite() && (1.0..=4.0).contains(&m) {
        Ok(())
    } else {
        Err(AppError::invalid(
            field,
            format!("a time multiplier is between 1.0 and 4.0 (got {m})"),
        ))
    }
}

/// A display preset as stored; one with every setting off is stored as none.
pub(crate) fn preset_json(p: Option<&DisplayPreset>) -> AppResult<Option<String>> {
    p.filter(|p| **p != DisplayPreset::default())
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| AppError::Internal(e.into()))
}

pub(crate) fn parse_preset(json: Option<&str>) -> Option<DisplayPreset> {
    // A stored preset that no longer parses is shown as none, never an error.
    json.and_then(|j| serde_json::from_str(j).ok())
}

impl App {
    /// Assigns a candidate with the profile on their account, or with
    /// `time_multiplier` when given (the profile's display preset either way);
    /// an existing assignment gets the new multiplier. Recorded as made by `by`.
    pub(crate) async fn assign_candidate(
        &self,
        by: Option<i64>,
        exam_id: i64,
        user_id: i64,
        time_multiplier: Option<f64>,
    ) -> AppResult<AssignOutcome> {
        let profile = self.store().accommodation_profile(user_id).await?;
        let (profile_m, profile_preset) = profile.unwrap_or((1.0, None));
        let current = self.store().assignment(exam_id, user_id).await?;
        let preset = if current.is_some() {
            self.store().display_preset(exam_id, user_id).await?
        } else {
            profile_preset
        };
        let m = time_multiplier.or(current).unwrap_or(profile_m);
        Ok(self
            .store()
            .write_assignment(
                AssignmentWrite {
                    exam_id,
                    user_id,
                    time_multiplier: m,
                    display_preset: preset.as_deref(),
                    by,
                },
                self.now(),
            )
            .await?)
    }

    /// The candidate account a username names, or an error naming `field`.
    async fn candidate_named(&self, username: &str, field: String) -> AppResult<UserRow> {
        match self.store().user_by_username(username.trim()).await? {
            Some(u) if u.role == Role::Candidate => Ok(u),
            Some(u) => Err(AppError::invalid(
                field,
                format!("{} is not a candidate", u.username),
            )),
            None => Err(AppError::invalid(
                field,
                format!("there is no account {username:?}"),
            )),
        }
    }

    /// An exam's candidates with their accommodations, progress and whether
    /// they can read their result, and the record of assignment changes.
    pub async fn exam_candidates(&self, token: &str, exam_id: i64) -> AppResult<ExamCandidatesDto> {
        let actor = self.actor(token).await?;
        self.managed_exam(&actor, exam_id, "see an exam's candidates")
            .await?;
        let exam = self.exam(exam_id).await?;
        let held = exam.release == ResultRelease::AfterReview;
        let released_for_exam = held && self.store().released_for_exam(exam_id).await?;
        let mut rows = Vec::new();
        for r in self.store().exam_candidates(exam_id).await? {
            let status = r.status.as_deref().and_then(AttemptStatus::parse);
            let graded = status == Some(AttemptStatus::Graded);
            let result_visible =
                graded && (!held || self.store().result_released(exam_id, r.user_id).await?);
            rows.push(ExamCandidateDto {
                user_id: r.user_id,
                username: r.username,
                display_name: r.display_name,
                candidate_number: r.candidate_number,
                time_multiplier: r.time_multiplier,
                display_preset: parse_preset(r.display_preset.as_deref()),
                status,
                attempt_id: r.attempt_id,
                result_visible,
            });
        }
        let history = self
            .store()
            .assignment_changes(exam_id)
            .await?
            .into_iter()
            .map(|c| AssignmentChangeDto {
                at_ms: c.at,
                by: c.by_username,
                username: c.username,
                action: c.action,
                time_multiplier: c.time_multiplier,
                display_preset: parse_preset(c.display_preset.as_deref()),
            })
            .collect();
        Ok(ExamCandidatesDto {
            exam_id,
            title: exam.title.clone(),
            release: exam.release,
            released_for_exam,
            rows,
            history,
        })
    }

    /// Assigns the named candidates, each with their account's accommodation
    /// profile. Every name is checked before anything is written; candidates
    /// already assigned keep their assignment as it is.
    pub async fn assign_candidates(
        &self,
        token: &str,
        req: AssignCandidates,
    ) -> AppResult<AssignedCandidates> {
        let actor = self.actor(token).await?;
        self.managed_exam(&actor, req.exam_id, "assign candidates")
            .await?;
        if req.usernames.is_empty() {
            return Err(AppError::invalid(
                "usernames",
                "name at least one candidate",
            ));
        }
        let mut users = Vec::new();
        for (i, name) in req.usernames.iter().enumerate() {
            users.push(
                self.candidate_named(name, format!("usernames[{i}]"))
                    .await?,
            );
        }
        let (mut assigned, mut already) = (0, 0);
        for u in &users {
            // An existing assignment comes back unchanged (or started).
            match self
                .assign_candidate(Some(actor.user_id), req.exam_id, u.id, None)
                .await?
            {
                AssignOutcome::Assigned => assigned += 1,
                _ => already += 1,
            }
        }
        Ok(AssignedCandidates {
            exam_id: req.exam_id,
            assigned,
            already_assigned: already,
        })
    }

    /// Changes one assignment's time multiplier and display preset, until the
    /// candidate starts (the attempt keeps what it started with).
    pub async fn update_assignment(
        &self,
        token: &str,
        req: UpdateAssignment,
    ) -> AppResult<ExamCandidateDto> {
        let actor = self.actor(token).await?;
        self.managed_exam(&actor, req.exam_id, "change accommodations")
            .await?;
        let user = self
            .candidate_named(&req.username, "username".into())
            .await?;
        check_multiplier("time_multiplier", req.time_multiplier)?;
        if let Some(p) = &req.display_preset {
            p.validate()
                .map_err(|e| AppError::invalid("display_preset", e))?;
        }
        self.change_assignment(
            &actor,
            req.exam_id,
            &user,
            req.time_multiplier,
            req.display_preset.as_ref(),
        )
        .await?;
        self.exam_candidates(token, req.exam_id)
            .await?
            .rows
            .into_iter()
            .find(|r| r.user_id == user.id)
            .ok_or_else(|| AppError::NotFound(format!("{} on exam {}", user.username, req.exam_id)))
    }

    /// Writes a changed assignment, refusing one that does not exist or whose
    /// candidate has started.
    pub(crate) async fn change_assignment(
        &self,
        actor: &Actor,
        exam_id: i64,
        user: &UserRow,
        time_multiplier: f64,
        preset: Option<&DisplayPreset>,
    ) -> AppResult<()> {
        if self.store().assignment(exam_id, user.id).await?.is_none() {
            return Err(AppError::NotFound(format!(
                "An assignment of exam {exam_id} to {}",
                user.username
            )));
        }
        let json = preset_json(preset)?;
        let outcome = self
            .store()
            .write_assignment(
                AssignmentWrite {
                    exam_id,
                    user_id: user.id,
                    time_multiplier,
                    display_preset: json.as_deref(),
                    by: Some(actor.user_id),
                },
                self.now(),
            )
            .await?;
        if outcome == AssignOutcome::Started {
            return Err(AppError::Conflict(format!(
                "{} has started this exam: the attempt keeps the accommodations it started with. \
                 Extend the time from the room console instead.",
                user.display_name
            )));
        }
        Ok(())
    }

    /// Takes a candidate off the exam, until they start.
    pub async fn unassign_candidate(&self, token: &str, req: UnassignCandidate) -> AppResult<()> {
        let actor = self.actor(token).await?;
        self.managed_exam(&actor, req.exam_id, "unassign candidates")
            .await?;
        let user = self
            .candidate_named(&req.username, "username".into())
            .await?;
        match self
            .store()
            .unassign(req.exam_id, user.id, Some(actor.user_id), self.now())
            .await?
        {
            UnassignOutcome::Removed => Ok(()),
            UnassignOutcome::NotAssigned => Err(AppError::NotFound(format!(
                "An assignment of exam {} to {}",
                req.exam_id, user.username
            ))),
            UnassignOutcome::Started => Err(AppError::Conflict(format!(
                "{} has started this exam and stays on it.",
                user.display_name
            ))),
        }
    }
}
