use crate::{App, AppError, AppResult};
use examhall_domain::{Role, SittingWindow, StartCode, Timestamp, WindowRefusal};
use examhall_protocol::{ExamSummaryDto, OpenSitting, SittingDto};
use examhall_store::SittingRow;
use rand::RngCore;

/// A sitting as the screens show it.
pub(crate) fn sitting_dto(title: &str, s: &SittingRow) -> SittingDto {
    let w = s.window();
    SittingDto {
        sitting_id: s.id,
        exam_id: s.exam_id,
        exam_title: title.to_owned(),
        start_code: s.start_code.clone(),
        opened_at_ms: s.opened_at,
        opens_at_ms: w.opens_at.map(|t| t.0),
        closes_at_ms: w.closes_at.map(|t| t.0),
        late_start_minutes: w.late_start_minutes,
    }
}

/// What a candidate refused by a sitting's schedule is told, in this machine's
/// time zone.
pub(crate) fn window_message(r: WindowRefusal, now: Timestamp) -> String {
    let when = crate::reports::local_time;
    match r {
        WindowRefusal::NotYetOpen { opens_at } => {
            let minutes = (opens_at.since(now) + 59_999) / 60_000;
            format!(
                "This sitting opens at {} (in {minutes} min). Wait for the invigilator's word.",
                when(opens_at)
            )
        }
        WindowRefusal::Closed { closed_at } => format!(
            "This sitting closed at {}. Ask the invigilator.",
            when(closed_at)
        ),
        WindowRefusal::LateStartOver { limit, minutes } => format!(
            "Late starts closed at {} ({minutes} min after the opening). Ask the invigilator.",
            when(limit)
        ),
    }
}

impl App {
    /// Opens a sitting of an exam with an optional schedule and returns its new
    /// start code. Any sitting already open for the exam is closed (its code
    /// stops working; started attempts go on).
    pub async fn open_sitting(&self, token: &str, req: OpenSitting) -> AppResult<SittingDto> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Invigilator, Role::Admin], "open exam sittings")?;
        let exam = self
            .store()
            .exam(req.exam_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Exam {}", req.exam_id)))?;
        let now = self.now();
        let window = SittingWindow {
            opens_at: req.opens_at_ms.map(Timestamp),
            closes_at: req.closes_at_ms.map(Timestamp),
            late_start_minutes: req.late_start_minutes,
        };
        window
            .validate(now)
            .map_err(|e| AppError::invalid(e.field(), e.to_string()))?;
        let mut bytes = [0u8; StartCode::LEN];
        rand::rng().fill_bytes(&mut bytes);
        let code = StartCode::from_random(bytes);
        let id = self
            .store()
            .open_scheduled_sitting(req.exam_id, code.as_str(), actor.user_id, &window, now)
            .await?;
        tracing::info!(exam_id = req.exam_id, sitting = id, "sitting opened");
        let row = self
            .store()
            .open_sitting_for(req.exam_id)
            .await?
            .ok_or_else(|| AppError::Conflict("the sitting was closed at once".into()))?;
        Ok(sitting_dto(&exam.spec.title, &row))
    }

    /// Closes the exam's open sitting: its start code stops working at once;
    /// attempts already started go on.
    pub async fn close_sitting(&self, token: &str, exam_id: i64) -> AppResult<()> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Invigilator, Role::Admin], "close exam sittings")?;
        if !self.store().close_sitting(exam_id, self.now()).await? {
            return Err(AppError::NotFound(format!(
                "An open sitting of exam {exam_id}"
            )));
        }
        tracing::info!(exam_id, by = actor.user_id, "sitting closed");
        Ok(())
    }

    /// Exams with their open sitting (its code and schedule), for the
    /// invigilator's screen.
    pub async fn list_exams(&self, token: &str) -> AppResult<Vec<ExamSummaryDto>> {
        let actor = self.actor(token).await?;
        actor.require(
            &[Role::Invigilator, Role::Teacher, Role::Admin],
            "list exams",
        )?;
        let mut out = Vec::new();
        let with_form = self.store().exams_with_draft().await?;
        for exam in self.store().list_exams().await? {
            let open_sitting = self
                .store()
                .open_sitting_for(exam.id)
                .await?
                .map(|s| sitting_dto(&exam.spec.title, &s));
            out.push(ExamSummaryDto {
                exam_id: exam.id,
                title: exam.spec.title.clone(),
                question_count: exam.spec.questions_per_attempt() as u32,
                duration_secs: exam.spec.duration_secs,
                open_sitting,
                from_builder: with_form.contains(&exam.id),
            });
        }
        Ok(out)
    }
}
