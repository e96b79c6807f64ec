//! An exam's life before its first attempt: the builder's drafts saved and
//! reopened, a published exam cloned into a new draft, and a published exam
//! edited in place until a candidate starts it (or it goes out in a package).
//!
//! Drafts belong to the person who saved them. A draft that edits an exam
//! carries the exam's id; publishing it changes that exam (same id, same
//! assignments brought in line with the form) instead of making a new one.

use crate::access::AUTHORS;
use crate::auth::Actor;
use crate::{App, AppError, AppResult};
use examhall_domain::Timestamp;
use examhall_protocol::bank::{
    DraftDto, DraftSummaryDto, ExamDraft, PublishExam, PublishedExamDto, SaveDraft,
};
use examhall_store::{DraftRow, ExamLock, UnassignOutcome};

/// The largest draft kept (the form as JSON). A 300-question exam with draws
/// and 600 candidates is well under 100 KiB.
pub const MAX_DRAFT_BYTES: usize = 1024 * 1024;

fn summary(r: &DraftRow) -> DraftSummaryDto {
    DraftSummaryDto {
        id: r.id,
        title: r.title.clone(),
        updated_at_ms: r.updated_at,
        exam_id: r.exam_id,
    }
}

fn draft_title(d: &ExamDraft) -> String {
    let t = d.title.trim();
    if t.is_empty() {
        "Untitled exam".to_owned()
    } else {
        t.chars().take(200).collect()
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.into()))
}

/// Why a published exam can no longer change in place, in words.
fn locked(exam_id: i64, lock: ExamLock) -> AppError {
    match lock {
        ExamLock::NoSuchExam => AppError::NotFound(format!("Exam {exam_id}")),
        ExamLock::Started | ExamLock::Open => AppError::Conflict(format!(
            "Exam {exam_id} can no longer be edited: a candidate has started it. Clone it to make a changed copy."
        )),
        ExamLock::Packaged => AppError::Conflict(format!(
            "Exam {exam_id} can no longer be edited: it went out in a package to seats or centres, which keep it as it was. Clone it to make a changed copy."
        )),
    }
}

impl App {
    /// The caller's own draft `id`; another person's is "not found", like one
    /// that does not exist.
    async fn own_draft(&self, actor: &Actor, id: i64) -> AppResult<DraftRow> {
        self.store()
            .draft(id)
            .await?
            .filter(|d| d.owner_id == actor.user_id)
            .ok_or_else(|| AppError::NotFound(format!("Draft {id}")))
    }

    fn draft_dto(r: &DraftRow) -> AppResult<DraftDto> {
        let body: PublishExam = serde_json::from_str(&r.body).map_err(|e| {
            AppError::Internal(anyhow::anyhow!("draft {} does not parse: {e}", r.id))
        })?;
        Ok(DraftDto {
            summary: summary(r),
            body,
        })
    }

    /// Saves the builder's form as it is (it need not be complete or valid
    /// yet): a new draft, or over the caller's draft `id`.
    pub async fn save_draft(&self, token: &str, req: SaveDraft) -> AppResult<DraftSummaryDto> {
        let actor = self.actor(token).await?;
        actor.require(AUTHORS, "save exam drafts")?;
        let mut body = req.body;
        body.draft_id = None;
        let json = to_json(&body)?;
        if json.len() > MAX_DRAFT_BYTES {
            return Err(AppError::invalid(
                "body",
                format!(
                    "a draft is at most {} KiB (this one is {} KiB)",
                    MAX_DRAFT_BYTES / 1024,
                    json.len() / 1024
                ),
            ));
        }
        let title = draft_title(&body.draft);
        let now = self.now();
        let id = match req.id {
            Some(id) => {
                self.own_draft(&actor, id).await?;
                if !self.store().update_draft(id, &title, &json, now).await? {
                    return Err(AppError::NotFound(format!("Draft {id}")));
                }
                id
            }
            None => {
                self.store()
                    .insert_draft(actor.user_id, &title, &json, None, now)
                    .await?
            }
        };
        Ok(summary(&self.own_draft(&actor, id).await?))
    }

    /// The caller's drafts, the latest changed first.
    pub async fn drafts(&self, token: &str) -> AppResult<Vec<DraftSummaryDto>> {
        let actor = self.actor(token).await?;
        actor.require(AUTHORS, "see exam drafts")?;
        Ok(self
            .store()
            .drafts_of(actor.user_id)
            .await?
            .iter()
            .map(summary)
            .collect())
    }

    /// One of the caller's drafts with its form, to reopen in the builder.
    pub async fn open_draft(&self, token: &str, id: i64) -> AppResult<DraftDto> {
        let actor = self.actor(token).await?;
        actor.require(AUTHORS, "open exam drafts")?;
        Self::draft_dto(&self.own_draft(&actor, id).await?)
    }

    /// Throws one of the caller's drafts away (a published exam it edits stays
    /// as it is).
    pub async fn delete_draft(&self, token: &str, id: i64) -> AppResult<()> {
        let actor = self.actor(token).await?;
        actor.require(AUTHORS, "delete exam drafts")?;
        self.own_draft(&actor, id).await?;
        self.store().delete_draft(id).await?;
        Ok(())
    }

    /// The builder's form behind a published exam the caller manages, or why
    /// there is none.
    async fn builder_form_of(&self, actor: &Actor, exam_id: i64) -> AppResult<ExamDraft> {
        self.managed_exam(actor, exam_id, "change exams").await?;
        let json = self.store().exam_draft(exam_id).await?.ok_or_else(|| {
            AppError::Conflict(format!(
                "Exam {exam_id} was not built in the exam builder on this machine (it came in a package, with the demo or through the REST API), so there is no form to open."
            ))
        })?;
        serde_json::from_str(&json)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("exam {exam_id}'s form: {e}")))
    }

    /// A new draft with a published exam's settings and sections, titled as a
    /// copy and with no candidates: the way to change an exam that has started.
    pub async fn clone_exam(&self, token: &str, exam_id: i64) -> AppResult<DraftDto> {
        let actor = self.actor(token).await?;
        actor.require(AUTHORS, "clone exams")?;
        let mut draft = self.builder_form_of(&actor, exam_id).await?;
        draft.title = format!("{} (copy)", draft.title.trim());
        let body = PublishExam {
            draft,
            candidates: Vec::new(),
            time_multipliers: Default::default(),
            draft_id: None,
        };
        let title = draft_title(&body.draft);
        let id = self
            .store()
            .insert_draft(actor.user_id, &title, &to_json(&body)?, None, self.now())
            .await?;
        Self::draft_dto(&self.own_draft(&actor, id).await?)
    }

    /// A draft that edits a published exam in place: the exam's form with its
    /// candidates and their time multipliers. Refused once a candidate has
    /// started it or it went out in a package. The caller's open draft of the
    /// same exam is reopened rather than a second one made.
    pub async fn edit_exam(&self, token: &str, exam_id: i64) -> AppResult<DraftDto> {
        let actor = self.actor(token).await?;
        actor.require(AUTHORS, "edit exams")?;
        let draft = self.builder_form_of(&actor, exam_id).await?;
        match self.store().exam_lock(exam_id).await? {
            ExamLock::Open => {}
            other => return Err(locked(exam_id, other)),
        }
        if let Some(open) = self.store().draft_editing(actor.user_id, exam_id).await? {
            return Self::draft_dto(&open);
        }
        let mut body = PublishExam {
            draft,
            candidates: Vec::new(),
            time_multipliers: Default::default(),
            draft_id: None,
        };
        for c in self.store().exam_candidates(exam_id).await? {
            body.candidates.push(c.user_id);
            if (c.time_multiplier - 1.0).abs() > 1e-9 {
                body.time_multipliers.insert(c.user_id, c.time_multiplier);
            }
        }
        let title = draft_title(&body.draft);
        let id = self
            .store()
            .insert_draft(
                actor.user_id,
                &title,
                &to_json(&body)?,
                Some(exam_id),
                self.now(),
            )
            .await?;
        Self::draft_dto(&self.own_draft(&actor, id).await?)
    }

    /// Publishing a saved draft that edits `exam_id`: the exam changes in
    /// place (validated first, refused once started or packaged), candidates
    /// newly chosen are assigned, those no longer chosen unassigned.
    pub(crate) async fn publish_edit(
        &self,
        actor: &Actor,
        exam_id: i64,
        req: &PublishExam,
        spec: &examhall_domain::ExamSpec,
        now: Timestamp,
    ) -> AppResult<()> {
        self.managed_exam(actor, exam_id, "edit exams").await?;
        match self
            .store()
            .replace_exam(exam_id, spec, &to_json(&req.draft)?, now)
            .await?
        {
            ExamLock::Open => {}
            other => return Err(locked(exam_id, other)),
        }
        for c in self.store().exam_candidates(exam_id).await? {
            if !req.candidates.contains(&c.user_id) {
                match self
                    .store()
                    .unassign(exam_id, c.user_id, Some(actor.user_id), now)
                    .await?
                {
                    UnassignOutcome::Removed | UnassignOutcome::NotAssigned => {}
                    // Cannot happen while the exam is unstarted; kept, not an error.
                    UnassignOutcome::Started => {
                        tracing::warn!(exam_id, user = c.user_id, "started while being edited")
                    }
                }
            }
        }
        Ok(())
    }

    /// The draft a publish names, if any: the caller's own.
    pub(crate) async fn draft_for_publish(
        &self,
        actor: &Actor,
        req: &PublishExam,
    ) -> AppResult<Option<DraftRow>> {
        match req.draft_id {
            Some(id) => Ok(Some(self.own_draft(actor, id).await?)),
            None => Ok(None),
        }
    }

    /// Keeps the builder's form with a just-published exam (so it can be
    /// cloned or edited) and removes the draft it came from.
    pub(crate) async fn after_publish(
        &self,
        exam_id: i64,
        req: &PublishExam,
        from: Option<&DraftRow>,
    ) -> AppResult<PublishedExamDto> {
        self.store()
            .set_exam_draft(exam_id, &to_json(&req.draft)?)
            .await?;
        if let Some(d) = from {
            self.store().delete_draft(d.id).await?;
        }
        Ok(PublishedExamDto {
            exam_id,
            assigned: req.candidates.len() as u32,
        })
    }
}
