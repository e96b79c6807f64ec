//! Roles say what a user may do; ownership and shares say to what. A teacher
//! reaches the exams and bank questions they wrote or that were shared with
//! them; an administrator reaches everything; an exam that came in a package
//! (made at HQ, `created_by` empty) belongs to the whole centre's staff. What a
//! user may not reach is reported exactly like what does not exist.

use crate::auth::Actor;
use crate::{App, AppError, AppResult};
use examhall_domain::Role;
use examhall_store::{BankQuestionRow, ExamAccessRow, ShareKind};
use std::collections::BTreeSet;

pub(crate) const AUTHORS: &[Role] = &[Role::Teacher, Role::Admin];

/// What one staff member may manage, read once per use case.
pub(crate) struct Reach {
    admin: bool,
    user_id: i64,
    exams: BTreeSet<i64>,
    questions: BTreeSet<i64>,
}

impl Reach {
    pub fn exam(&self, e: &ExamAccessRow) -> bool {
        self.admin
            || e.created_by.is_none()
            || e.created_by == Some(self.user_id)
            || self.exams.contains(&e.id)
    }

    /// A bank question: its author, or a share of the question or of any
    /// version of its family.
    pub fn question(&self, r: &BankQuestionRow) -> bool {
        self.admin
            || r.created_by == self.user_id
            || self.questions.contains(&r.id)
            || self.questions.contains(&r.family)
    }
}

impl App {
    /// The caller's reach over exams and the bank (teachers and administrators).
    pub(crate) async fn reach(&self, actor: &Actor, action: &'static str) -> AppResult<Reach> {
        actor.require(AUTHORS, action)?;
        let admin = actor.role == Role::Admin;
        let (exams, questions) = if admin {
            Default::default()
        } else {
            let store = self.store();
            (
                store
                    .shared_with(ShareKind::Exam, actor.user_id)
                    .await?
                    .into_iter()
                    .collect(),
                store
                    .shared_with(ShareKind::Question, actor.user_id)
                    .await?
                    .into_iter()
                    .collect(),
            )
        };
        Ok(Reach {
            admin,
            user_id: actor.user_id,
            exams,
            questions,
        })
    }

    /// The exam's access facts, if the caller may manage it; otherwise the same
    /// "not found" as for an exam that does not exist.
    pub(crate) async fn managed_exam(
        &self,
        actor: &Actor,
        exam_id: i64,
        action: &'static str,
    ) -> AppResult<ExamAccessRow> {
        let reach = self.reach(actor, action).await?;
        self.store()
            .exam_access(exam_id)
            .await?
            .filter(|e| reach.exam(e))
            .ok_or_else(|| AppError::NotFound(format!("Exam {exam_id}")))
    }

    /// The bank questions the caller may see and use.
    pub(crate) async fn visible_bank(
        &self,
        actor: &Actor,
        action: &'static str,
    ) -> AppResult<Vec<BankQuestionRow>> {
        let reach = self.reach(actor, action).await?;
        Ok(self
            .store()
            .bank_questions()
            .await?
            .into_iter()
            .filter(|r| reach.question(r))
            .collect())
    }

    /// One bank question the caller may see and change.
    pub(crate) async fn managed_question(
        &self,
        actor: &Actor,
        id: i64,
        action: &'static str,
    ) -> AppResult<BankQuestionRow> {
        let reach = self.reach(actor, action).await?;
        self.store()
            .bank_question(id)
            .await?
            .filter(|r| reach.question(r))
            .ok_or_else(|| AppError::NotFound(format!("Bank question {id}")))
    }

    /// The owner (or an administrator) shares an exam with another teacher.
    pub async fn share_exam(&self, token: &str, exam_id: i64, user_id: i64) -> AppResult<()> {
        let actor = self.actor(token).await?;
        let exam = self.managed_exam(&actor, exam_id, "share exams").await?;
        if actor.role != Role::Admin && exam.created_by != Some(actor.user_id) {
            return Err(AppError::Forbidden {
                role: actor.role,
                action: "share an exam someone else owns",
            });
        }
        self.share_with(&actor, ShareKind::Exam, exam_id, user_id)
            .await
    }

    /// The owner (or an administrator) shares a bank question (all its versions).
    pub async fn share_bank_question(
        &self,
        token: &str,
        question_id: i64,
        user_id: i64,
    ) -> AppResult<()> {
        let actor = self.actor(token).await?;
        let row = self
            .managed_question(&actor, question_id, "share questions")
            .await?;
        if actor.role != Role::Admin && row.created_by != actor.user_id {
            return Err(AppError::Forbidden {
                role: actor.role,
                action: "share a question someone else owns",
            });
        }
        self.share_with(&actor, ShareKind::Question, row.family, user_id)
            .await
    }

    async fn share_with(
        &self,
        actor: &Actor,
        kind: ShareKind,
        object_id: i64,
        user_id: i64,
    ) -> AppResult<()> {
        let user = self.store().user_by_id(user_id).await?.ok_or_else(|| {
            AppError::invalid("user_id", format!("user {user_id} does not exist"))
        })?;
        if user.role != Role::Teacher {
            return Err(AppError::invalid(
                "user_id",
                format!("{} is not a teacher", user.username),
            ));
        }
        self.store()
            .share(kind, object_id, user_id, actor.user_id, self.now())
            .await?;
        tracing::info!(?kind, object_id, to = user_id, by = actor.user_id, "shared");
        Ok(())
    }
}
