//! A seat without a window: the calls the candidate's exam window makes, in the
//! order it makes them, with the background loops the desktop runs (grading,
//! sync, the room heartbeat). The multi-seat test and the room benchmark run
//! many of these as separate processes (`examhall seat`).

use crate::{App, AppError, AppResult};
use examhall_protocol::{
    Answer, AttemptRef, CandidateWidget, ExamCardState, LoginRequest, SetAnswer, StartAttempt,
};
use std::time::{Duration, Instant};

/// What the headless candidate does.
#[derive(Debug, Clone)]
pub struct SeatPlan {
    /// The hub (or HQ) this seat enrols with.
    pub hub: String,
    pub enrolment_token: String,
    pub name: String,
    pub candidate: String,
    pub password: String,
    /// The code the invigilator reads out.
    pub start_code: String,
    /// Pause between two answers.
    pub answer_every: Duration,
    /// Do not hand in before this long after starting.
    pub min_duration: Duration,
    /// The room heartbeat's period (the desktop uses 2 s).
    pub heartbeat: Duration,
}

/// Runs the seat until its attempt is handed in, graded and receipted by the
/// hub. `report` gets one JSON object per milestone.
pub async fn run_seat(
    app: App,
    plan: SeatPlan,
    report: impl Fn(serde_json::Value),
) -> AppResult<()> {
    enrol_patiently(&app, &plan, &report).await?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(app.worker().run(stop_rx.clone()));
    tokio::spawn(app.clone().sync_loop(
        Duration::from_secs(1),
        Duration::from_secs(2),
        stop_rx.clone(),
    ));
    tokio::spawn(app.clone().room_loop(plan.heartbeat, stop_rx.clone()));
    tokio::spawn(
        app.clone()
            .copy_loop(Duration::from_millis(500), stop_rx.clone()),
    );
    let out = sit(&app, &plan, &report).await;
    let _ = stop_tx.send(true);
    out
}

/// Enrols with the hub, waiting out what passes: a hub not up yet, or one (or
/// HQ behind it) throttling a room of seats enrolling at once. A refused token
/// fails at once; the wait gives up after ten minutes.
async fn enrol_patiently(
    app: &App,
    plan: &SeatPlan,
    report: &impl Fn(serde_json::Value),
) -> AppResult<()> {
    let t0 = std::time::Instant::now();
    let mut told = false;
    loop {
        let wait = match app
            .enrol_machine(&plan.hub, &plan.enrolment_token, &plan.name)
            .await
        {
            Ok(()) => return Ok(()),
            Err(AppError::Throttled { retry_after_secs }) => {
                Duration::from_secs(retry_after_secs.clamp(1, 60) as u64)
            }
            Err(AppError::Unavailable(_)) => Duration::from_secs(2),
            Err(e) => return Err(e),
        };
        if t0.elapsed() > Duration::from_secs(600) {
            return Err(AppError::Unavailable(
                "the hub did not take the enrolment within ten minutes".into(),
            ));
        }
        if !told {
            report(serde_json::json!({"event": "waiting", "for": "enrolment"}));
            told = true;
        }
        // Jitter, so a throttled room does not come back all at once.
        tokio::time::sleep(wait + Duration::from_millis(rand::random_range(0..1000))).await;
    }
}

async fn sit(app: &App, plan: &SeatPlan, report: &impl Fn(serde_json::Value)) -> AppResult<()> {
    // The candidate's account arrives with the package.
    while app.store().packages("received", None).await?.is_empty() {
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let token = app
        .login(LoginRequest {
            username: plan.candidate.clone(),
            password: plan.password.clone(),
        })
        .await?
        .token;
    // Wait for the invigilator to open the room (the hub's signal opens the package).
    let card = loop {
        let cards = app.my_exams(&token).await?;
        if let Some(c) = cards
            .into_iter()
            .find(|c| c.sitting_open || c.state != ExamCardState::NotStarted)
        {
            break c;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let view = match &card.state {
        ExamCardState::NotStarted => {
            let v = app
                .start_attempt(
                    &token,
                    StartAttempt {
                        exam_id: card.exam_id,
                        start_code: plan.start_code.clone(),
                    },
                )
                .await?;
            report(serde_json::json!({"event": "started", "attempt": v.attempt_id}));
            v
        }
        ExamCardState::InProgress { attempt_id } => {
            let v = app
                .open_attempt(
                    &token,
                    AttemptRef {
                        attempt_id: attempt_id.clone(),
                    },
                )
                .await?;
            report(
                serde_json::json!({"event": "resumed", "attempt": v.attempt_id, "locked": v.clock.locked}),
            );
            v
        }
        ExamCardState::Submitted { attempt_id } => {
            report(serde_json::json!({"event": "already_submitted", "attempt": attempt_id}));
            return wait_synced(app, report).await;
        }
    };
    let attempt = view.attempt_id.clone();
    let r = || AttemptRef {
        attempt_id: attempt.clone(),
    };
    // The window's 2-second heartbeat, beside the answering.
    let hb = {
        let (app, token, r) = (app.clone(), token.clone(), r());
        tokio::spawn(async move {
            loop {
                let _ = app.heartbeat(&token, r.clone()).await;
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        })
    };
    let started = Instant::now();
    let mut time_up = false;
    'questions: for q in &view.questions {
        if view.answers.contains_key(&q.id) {
            continue;
        }
        let answer = sample_answer(&q.widget);
        let mut held = None::<&str>;
        loop {
            let save = app
                .set_answer(
                    &token,
                    SetAnswer {
                        attempt_id: attempt.clone(),
                        question_id: q.id.clone(),
                        answer: Some(answer.clone()),
                    },
                )
                .await;
            match save {
                Ok(_) => break,
                Err(AppError::TimeUp) => {
                    time_up = true;
                    break 'questions;
                }
                Err(e @ (AppError::Paused | AppError::Locked)) => {
                    let what = if matches!(e, AppError::Paused) {
                        "paused"
                    } else {
                        "locked"
                    };
                    if held != Some(what) {
                        report(serde_json::json!({"event": what, "attempt": attempt}));
                        held = Some(what);
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => {
                    hb.abort();
                    return Err(e);
                }
            }
        }
        if held.is_some() {
            report(serde_json::json!({"event": "continued", "attempt": attempt}));
        }
        tokio::time::sleep(plan.answer_every).await;
    }
    while !time_up && started.elapsed() < plan.min_duration {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    if !time_up {
        loop {
            match app.submit(&token, r()).await {
                Ok(_) | Err(AppError::Conflict(_)) => break,
                Err(AppError::Paused | AppError::Locked) => {
                    tokio::time::sleep(Duration::from_millis(200)).await
                }
                Err(e) => {
                    hb.abort();
                    return Err(e);
                }
            }
        }
    }
    hb.abort();
    report(serde_json::json!({"event": "submitted", "attempt": attempt, "time_up": time_up}));
    wait_synced(app, report).await
}

/// Until every attempt here is graded and the hub holds its final chain.
async fn wait_synced(app: &App, report: &impl Fn(serde_json::Value)) -> AppResult<()> {
    loop {
        let counts = app.store().outbox_counts().await?;
        let ungraded = app
            .store()
            .attempt_summaries()
            .await?
            .iter()
            .any(|a| a.status != "graded");
        if counts.pending == 0 && counts.synced > 0 && !ungraded {
            report(serde_json::json!({"event": "synced", "attempts": counts.synced}));
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// A valid answer to a question of this shape (the first option, 42, a
/// sentence): what a windowless seat and the benchmarks type.
pub(crate) fn sample_answer(widget: &CandidateWidget) -> Answer {
    match widget {
        CandidateWidget::SingleChoice { options } => Answer::Text(options[0].id.clone()),
        CandidateWidget::MultipleResponse { options } => {
            Answer::Choices(vec![options[0].id.clone()])
        }
        CandidateWidget::TrueFalse => Answer::Text("true".into()),
        CandidateWidget::Numeric => Answer::Text("42".into()),
        CandidateWidget::ShortText | CandidateWidget::Essay => {
            Answer::Text("An answer typed at the seat.".into())
        }
        CandidateWidget::Matching { items, choices } => Answer::Map(
            items
                .iter()
                .map(|i| (i.id.clone(), choices[0].clone()))
                .collect(),
        ),
        CandidateWidget::Ordering { items } => {
            Answer::Choices(items.iter().map(|i| i.id.clone()).collect())
        }
        CandidateWidget::Cloze { parts } => Answer::Map(
            parts
                .iter()
                .filter_map(|p| match p {
                    examhall_protocol::ClozePartDto::Gap { id, input } => Some((
                        id.clone(),
                        match input {
                            examhall_protocol::GapInput::Choice { options }
                            | examhall_protocol::GapInput::Choices { options } => {
                                options[0].id.clone()
                            }
                            _ => "1".into(),
                        },
                    )),
                    examhall_protocol::ClozePartDto::Text { .. } => None,
                })
                .collect(),
        ),
    }
}
