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

    /// Lets a candidate sit an exam, with an accommodation (time multiplier, 1.0 to 4.0).
    pub async fn assign_exam(
        &self,
        token: &str,
        exam_id: i64,
        user_id: i64,
        time_multiplier: f64,
    ) -> AppResult<()> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Teacher, Role::Admin], "assign exams to candidates")?;
        if !(time_multiplier.is_finite() && (1.0..=4.0).contains(&time_multiplier)) {
            return Err(AppError::invalid(
                "time_multiplier",
                "must be between 1.0 and 4.0",
            ));
        }
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
        self.store()
            .assign(exam_id, user_id, time_multiplier)
            .await?;
        Ok(())
    }

    /// A candidate's planned display accommodation for an assigned exam: the exam
    /// window opens with it (larger text, high contrast, reading guide). `None`
    /// clears it.
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
        let json = preset
            .map(|p| serde_json::to_string(&p))
            .transpose()
            .map_err(|e| AppError::Internal(e.into()))?;
        if !self
            .store()
            .set_display_preset(exam_id, user_id, json.as_deref())
            .await?
        {
            return Err(AppError::NotFound(format!(
                "An assignment of exam {exam_id} to user {user_id}"
            )));
        }
        Ok(())
    }
}
