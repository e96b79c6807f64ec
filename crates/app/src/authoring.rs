use crate::{App, AppError, AppResult};
use examhall_domain::{ExamSpec, Role};

impl App {
    /// Stores a new exam after validating it; errors name the question and field.
    pub async fn create_exam(&self, token: &str, spec: ExamSpec) -> AppResult<i64> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Teacher, Role::Admin], "create exams")?;
        spec.validate().map_err(|e| {
            let field = match &e {
                examhall_domain::ExamError::Exam { field, .. } => (*field).to_owned(),
                examhall_domain::ExamError::Question {
                    position, field, ..
                } => format!("questions[{}].{field}", position - 1),
            };
            AppError::invalid(field, e.to_string())
        })?;
        Ok(self
            .store()
            .insert_exam(&spec, Some(actor.user_id), self.now())
            .await?)
    }

    /// The exam with its answer keys: for the people who write and mark it.
    pub async fn exam_with_keys(&self, token: &str, exam_id: i64) -> AppResult<ExamSpec> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Teacher, Role::Admin], "see answer keys")?;
        let exam = self
            .store()
            .exam(exam_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Exam {exam_id}")))?;
        Ok(exam.spec)
    }

    /// Lets a candidate sit an exam, with an accommodation (time multiplier, 1.0
    /// to 4.0; the display preset comes from their profile). Refused once they
    /// have started.
    pub async fn assign_exam(
        &self,
        token: &str,
        exam_id: i64,
        user_id: i64,
        time_multiplier: f64,
    ) -> AppResult<()> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Teacher, Role::Admin], "assign exams to candidates")?;
        crate::assignments::check_multiplier("time_multiplier", time_multiplier)?;
        self.store()
            .exam(exam_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Exam {exam_id}")))?;
        let user = self
            .store()
            .user_by_id(user_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("User {user_id}")))?;
        if user.role != Role::Candidate {
            return Err(AppError::invalid(
                "user_id",
                format!("{} is not a candidate", user.username),
            ));
        }
        let outcome = self
            .assign_candidate(Some(actor.user_id), exam_id, user_id, Some(time_multiplier))
            .await?;
        if outcome == examhall_store::AssignOutcome::Started {
            return Err(AppError::Conflict(format!(
                "{} has started this exam: the attempt keeps the accommodations it started with.",
                user.display_name
            )));
        }
        Ok(())
    }

    /// A candidate's planned display accommodation for an assigned exam: the exam
    /// window opens with it (larger text, high contrast, reading guide). `None`
    /// clears it. Refused once they have started; recorded.
    pub async fn set_display_preset(
        &self,
        token: &str,
        exam_id: i64,
        user_id: i64,
        preset: Option<examhall_domain::DisplayPreset>,
    ) -> AppResult<()> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Teacher, Role::Admin], "set accommodations")?;
        if let Some(p) = &preset {
            p.validate()
                .map_err(|e| AppError::invalid("display_preset", e))?;
        }
        let user = self
            .store()
            .user_by_id(user_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("User {user_id}")))?;
        let m = self
            .store()
            .assignment(exam_id, user_id)
            .await?
            .ok_or_else(|| {
                AppError::NotFound(format!("An assignment of exam {exam_id} to user {user_id}"))
            })?;
        self.change_assignment(&actor, exam_id, &user, m, preset.as_ref())
            .await
    }
}
