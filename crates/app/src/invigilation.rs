use crate::{App, AppError, AppResult};
use examhall_domain::{Role, StartCode};
use examhall_protocol::{ExamSummaryDto, SittingDto};
use rand::RngCore;

impl App {
    /// Opens a sitting of an exam and returns its new start code. Any sitting already
    /// open for the exam is closed (its code stops working; started attempts go on).
    pub async fn open_sitting(&self, token: &str, exam_id: i64) -> AppResult<SittingDto> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Invigilator, Role::Admin], "open exam sittings")?;
        let exam = self
            .store()
            .exam(exam_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Exam {exam_id}")))?;
        let mut bytes = [0u8; StartCode::LEN];
        rand::rng().fill_bytes(&mut bytes);
        let code = StartCode::from_random(bytes);
        let now = self.now();
        let id = self
            .store()
            .open_sitting(exam_id, code.as_str(), actor.user_id, now)
            .await?;
        tracing::info!(exam_id, sitting = id, "sitting opened");
        Ok(SittingDto {
            sitting_id: id,
            exam_id,
            exam_title: exam.spec.title,
            start_code: code.as_str().to_owned(),
            opened_at_ms: now.0,
        })
    }

    /// Exams with their open sitting (and its code), for the invigilator's screen.
    pub async fn list_exams(&self, token: &str) -> AppResult<Vec<ExamSummaryDto>> {
        let actor = self.actor(token).await?;
        actor.require(
            &[Role::Invigilator, Role::Teacher, Role::Admin],
            "list exams",
        )?;
        let mut out = Vec::new();
        for exam in self.store().list_exams().await? {
            let open_sitting = self
                .store()
                .open_sitting_for(exam.id)
                .await?
                .map(|s| SittingDto {
                    sitting_id: s.id,
                    exam_id: exam.id,
                    exam_title: exam.spec.title.clone(),
                    start_code: s.start_code,
                    opened_at_ms: s.opened_at,
                });
            out.push(ExamSummaryDto {
                exam_id: exam.id,
                title: exam.spec.title.clone(),
                question_count: exam.spec.questions_per_attempt() as u32,
                duration_secs: exam.spec.duration_secs,
                open_sitting,
            });
        }
        Ok(out)
    }
}
