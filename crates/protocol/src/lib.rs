//! Every shape that crosses the IPC boundary (desktop UI <-> shell) or HTTP.
//!
//! The candidate window only ever receives [`CandidateQuestion`]s. That type is
//! built from a domain [`Question`] by an exhaustive match and has no field in which
//! a key could travel: a key cannot leak by forgetting to skip a field.

pub mod bank;
pub mod commands;
pub mod platform;
pub mod room;
pub mod sync;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use examhall_domain::{
    Answer, AttemptStatus, ChoiceOption, ClozePart, DisplayPreset, Feedback, Gap, GapKind,
    MatchPair, MultiScoring, NumericAnswer, OrderScoring, Outcome, Question, QuestionId,
    QuestionKind, ResultRelease, Role, ScoredOption, TextAnswer, Tolerance, WindowRules,
    MAX_GUIDANCE_CHARS,
};

/// Stable error codes the UI branches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadCredentials,
    Throttled,
    Unauthenticated,
    Forbidden,
    NotFound,
    Invalid,
    Conflict,
    WrongStartCode,
    SittingClosed,
    /// The room lets only candidates checked in as present or late start.
    NotCheckedIn,
    TimeUp,
    /// The invigilator has paused this attempt: nothing can be saved until they resume it.
    Paused,
    /// The attempt waits for an invigilator to unlock it.
    Locked,
    /// Another machine (HQ, the hub) could not be reached; try again later.
    Unavailable,
    /// The account signed in with a one-time password: it must choose a new
    /// password before anything else.
    PasswordChangeRequired,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDto {
    pub code: ErrorCode,
    pub message: String,
    /// The input field at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserDto {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub candidate_number: Option<String>,
    /// A disabled account cannot sign in.
    #[serde(default)]
    pub disabled: bool,
    /// The account holds a one-time password it must change at its next sign-in.
    #[serde(default)]
    pub must_change_password: bool,
    /// The accommodation profile assignments start from (candidates).
    #[serde(default = "one")]
    pub time_multiplier: f64,
    #[serde(default)]
    pub display_preset: Option<DisplayPreset>,
    /// False for a teacher who registered and waits for an administrator's approval.
    #[serde(default = "yes")]
    pub approved: bool,
}

fn yes() -> bool {
    true
}

fn one() -> f64 {
    1.0
}

/// Which accounts an administrator lists: a search over username, name,
/// candidate number and email, a role, and whether disabled ones are shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserQuery {
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub include_disabled: bool,
}

/// An administrator's change to an account; absent fields stay as they are.
/// An empty email or candidate number clears it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub candidate_number: Option<String>,
    /// Disable (true) or enable (false) the account.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// The accommodation profile (1.0 to 4.0), applied to new assignments.
    #[serde(default)]
    pub time_multiplier: Option<f64>,
    /// The display preset of the profile; one with every setting off clears it.
    #[serde(default)]
    pub display_preset: Option<DisplayPreset>,
}

/// An administrator's change to one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditUser {
    pub user_id: i64,
    pub patch: UserPatch,
}

/// A one-time password made by a reset, shown once to the administrator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneTimePassword {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub candidate_number: Option<String>,
    pub password: String,
}

/// A user changes their own password.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// One recorded change to an account: what, when, by whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountChangeDto {
    pub at_ms: i64,
    /// The administrator's username, or None when the user made it themselves.
    pub by: Option<String>,
    pub action: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionDto {
    pub token: String,
    pub user: UserDto,
    /// The user signed in with a one-time password: until they choose a new
    /// one, every other call is refused with `password_change_required`.
    #[serde(default)]
    pub must_change_password: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetupStatus {
    /// The database has no users: the UI must ask for the first administrator.
    pub needs_first_admin: bool,
    pub centre_name: String,
    /// This server is HQ (it signs packages): its administrators get HQ's screens.
    #[serde(default)]
    pub is_hq: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub candidate_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ExamCardState {
    NotStarted,
    InProgress { attempt_id: String },
    Submitted { attempt_id: String },
}

/// One row of the candidate's "My exams".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamCard {
    pub exam_id: i64,
    pub title: String,
    pub question_count: u32,
    /// Time this candidate is allowed (duration x accommodation), in seconds.
    pub allowed_secs: i64,
    /// An invigilator has opened a sitting: a start code will work.
    pub sitting_open: bool,
    pub state: ExamCardState,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StartAttempt {
    pub exam_id: i64,
    pub start_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionDto {
    pub id: String,
    pub text: String,
}

/// The answer widget a question needs, and nothing else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CandidateWidget {
    SingleChoice {
        options: Vec<OptionDto>,
    },
    MultipleResponse {
        options: Vec<OptionDto>,
    },
    TrueFalse,
    Numeric,
    ShortText,
    Essay,
    /// Pick an answer from `choices` for each item (answer: item id → choice).
    Matching {
        items: Vec<OptionDto>,
        choices: Vec<String>,
    },
    /// Put the items in order (answer: the item ids in order); `items` come in
    /// the attempt's starting order, never the right one.
    Ordering {
        items: Vec<OptionDto>,
    },
    /// Text with gaps (answer: gap id → text, or option id for a choice gap).
    Cloze {
        parts: Vec<ClozePartDto>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "part", rename_all = "snake_case")]
pub enum ClozePartDto {
    Text { text: String },
    Gap { id: String, input: GapInput },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum GapInput {
    Text,
    Numeric,
    Choice {
        options: Vec<OptionDto>,
    },
    /// Tick any number of the options: the answer lists their ids, comma-separated.
    Choices {
        options: Vec<OptionDto>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateQuestion {
    pub id: String,
    pub prompt: String,
    pub marks: f64,
    pub widget: CandidateWidget,
}

fn option_dto(id: &str, text: &str) -> OptionDto {
    OptionDto {
        id: id.to_owned(),
        text: text.to_owned(),
    }
}

impl CandidateQuestion {
    /// What a candidate's attempt shows of `q`: no key, no credits, no feedback.
    /// Orders come from the attempt (`examhall_domain::shuffle`): ordering items
    /// always, choice options and matching answers when `shuffle_options`.
    /// A calculated question shows the attempt's own values.
    pub fn for_attempt(q: &Question, attempt_id: &str, shuffle_options: bool) -> Self {
        use examhall_domain::shuffle::shuffled;
        let q = &*q.for_attempt(attempt_id);
        let salt = |what: &str| format!("{what}:{}", q.id);
        let arrange = |opts: Vec<OptionDto>, what: &str| {
            if shuffle_options {
                shuffled(&opts, attempt_id, &salt(what))
            } else {
                opts
            }
        };
        let plain = |o: &[examhall_domain::ChoiceOption]| {
            o.iter()
                .map(|o| option_dto(&o.id, &o.text))
                .collect::<Vec<_>>()
        };
        let scored = |o: &[examhall_domain::ScoredOption]| {
            o.iter()
                .map(|o| option_dto(&o.id, &o.text))
                .collect::<Vec<_>>()
        };
        let widget = match &q.kind {
            QuestionKind::SingleChoice {
                options,
                correct: _,
            } => CandidateWidget::SingleChoice {
                options: arrange(plain(options), "options"),
            },
            QuestionKind::MultipleResponse {
                options,
                correct: _,
                scoring: _,
            } => CandidateWidget::MultipleResponse {
                options: arrange(plain(options), "options"),
            },
            QuestionKind::WeightedChoice {
                options,
                multiple: false,
            } => CandidateWidget::SingleChoice {
                options: arrange(scored(options), "options"),
            },
            QuestionKind::WeightedChoice {
                options,
                multiple: true,
            } => CandidateWidget::MultipleResponse {
                options: arrange(scored(options), "options"),
            },
            QuestionKind::TrueFalse { correct: _ } => CandidateWidget::TrueFalse,
            QuestionKind::Numeric {
                value: _,
                tolerance: _,
            }
            | QuestionKind::NumericSet { answers: _ } => CandidateWidget::Numeric,
            QuestionKind::ShortText {
                accepted: _,
                case_sensitive: _,
            }
            | QuestionKind::TextSet {
                answers: _,
                case_sensitive: _,
            } => CandidateWidget::ShortText,
            QuestionKind::Essay { .. } => CandidateWidget::Essay,
            QuestionKind::Matching {
                pairs,
                distractors,
                scores: _,
            } => {
                let choices = QuestionKind::match_choices(pairs, distractors);
                CandidateWidget::Matching {
                    items: pairs.iter().map(|p| option_dto(&p.id, &p.prompt)).collect(),
                    choices: if shuffle_options {
                        shuffled(&choices, attempt_id, &salt("choices"))
                    } else {
                        choices
                    },
                }
            }
            QuestionKind::Ordering { items, scoring: _ } => {
                let right = plain(items);
                // Shuffled from the items sorted by text, never from the right
                // order: the attempt id is no secret, so a shuffle of the key
                // could be undone by anyone who knows the algorithm.
                let mut canonical = right.clone();
                canonical.sort_by(|a, b| a.text.cmp(&b.text).then(a.id.cmp(&b.id)));
                let mut order = shuffled(&canonical, attempt_id, &salt("order"));
                // Opening in the right order would hand out the marks.
                if order == right && order.len() > 1 {
                    order.rotate_left(1);
                }
                CandidateWidget::Ordering { items: order }
            }
            QuestionKind::Cloze { parts } => CandidateWidget::Cloze {
                parts: parts
                    .iter()
                    .map(|p| match p {
                        examhall_domain::ClozePart::Text { text } => {
                            ClozePartDto::Text { text: text.clone() }
                        }
                        examhall_domain::ClozePart::Gap(g) => ClozePartDto::Gap {
                            id: g.id.clone(),
                            input: match &g.kind {
                                examhall_domain::GapKind::Text { .. } => GapInput::Text,
                                examhall_domain::GapKind::Numeric { .. } => GapInput::Numeric,
                                examhall_domain::GapKind::Choice { options } => GapInput::Choice {
                                    options: arrange(scored(options), &format!("gap:{}", g.id)),
                                },
                                examhall_domain::GapKind::Choices { options } => {
                                    GapInput::Choices {
                                        options: arrange(scored(options), &format!("gap:{}", g.id)),
                                    }
                                }
                            },
                        },
                    })
                    .collect(),
            },
            // Made concrete above (`Question::for_attempt`): never seen here.
            QuestionKind::Calculated { .. } => CandidateWidget::Numeric,
        };
        CandidateQuestion {
            id: q.id.to_string(),
            prompt: q.prompt.clone(),
            marks: q.marks,
            widget,
        }
    }
}

/// The backend's view of the attempt's time. The UI displays it; it decides nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockDto {
    pub remaining_ms: i64,
    pub allowed_ms: i64,
    pub status: AttemptStatus,
    /// The invigilator paused the attempt: the time left is frozen.
    #[serde(default)]
    pub paused: bool,
    /// The attempt came back after an unclean exit and waits to be unlocked.
    #[serde(default)]
    pub locked: bool,
    /// How far the room hub holds a copy of this attempt (the window's 2-second
    /// heartbeat fills it in); `None` on a machine that follows no hub.
    #[serde(default)]
    pub room_copy: Option<CopyStatusDto>,
}

/// The copy of an attempt on the room hub, as the exam window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyStatusDto {
    /// Events saved here that the hub has not acknowledged yet (0: all copied).
    pub behind: i64,
    /// The hub refused further copies for good (the attempt moved to another
    /// seat): why.
    #[serde(default)]
    pub refused: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptView {
    pub attempt_id: String,
    pub exam_title: String,
    pub questions: Vec<CandidateQuestion>,
    pub answers: BTreeMap<String, Answer>,
    pub flagged: Vec<String>,
    pub current_index: u32,
    pub clock: ClockDto,
    /// The exam's rules for the window (paste allowed, focus-loss warning).
    #[serde(default)]
    pub window: examhall_domain::WindowRules,
    /// The candidate's planned display accommodation, if any.
    #[serde(default)]
    pub display_preset: Option<examhall_domain::DisplayPreset>,
    /// The exam's sections, as positions in `questions` (empty: no sections).
    #[serde(default)]
    pub sections: Vec<examhall_domain::AttemptSection>,
    /// Free, or forward only (no going back to earlier questions).
    #[serde(default)]
    pub navigation: examhall_domain::Navigation,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttemptRef {
    pub attempt_id: String,
}

impl AsRef<str> for AttemptRef {
    fn as_ref(&self) -> &str {
        &self.attempt_id
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetAnswer {
    pub attempt_id: String,
    pub question_id: String,
    /// `None` clears the answer.
    pub answer: Option<Answer>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetFlag {
    pub attempt_id: String,
    pub question_id: String,
    pub flagged: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Navigate {
    pub attempt_id: String,
    pub index: u32,
}

/// Sent only after the change's transaction has committed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveAck {
    pub seq: i64,
    pub clock: ClockDto,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmitAck {
    pub attempt_id: String,
    pub task_id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionMarkDto {
    pub question_id: String,
    pub prompt: String,
    pub awarded: f64,
    pub max: f64,
    pub outcome: examhall_domain::Outcome,
    /// The marker's comment, for essays.
    #[serde(default)]
    pub comment: Option<String>,
    /// Feedback on the answer given and the question's general feedback, when
    /// the exam gives feedback with results.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feedback: Vec<String>,
}

/// An essay answer waiting for a teacher's mark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EssayToMarkDto {
    pub attempt_id: String,
    pub candidate: String,
    pub exam_title: String,
    pub question_id: String,
    pub prompt: String,
    pub answer: String,
    pub max: f64,
    /// The question's marking guidance, for the marker's eyes only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MarkEssay {
    pub attempt_id: String,
    pub question_id: String,
    pub mark: f64,
    #[serde(default)]
    pub comment: Option<String>,
    /// Why a mark already given changes: required for a re-mark, kept in the
    /// attempt's log.
    #[serde(default)]
    pub reason: Option<String>,
}

/// One attempt as staff review it: every question as the candidate saw it with
/// their answer, its key, marks and outcome; the attempt's events in order;
/// whether its log's chain verifies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptReviewDto {
    pub attempt_id: String,
    pub exam_id: i64,
    pub exam_title: String,
    pub candidate: String,
    pub status: AttemptStatus,
    pub total: Option<f64>,
    pub max: f64,
    pub passed: Option<bool>,
    pub void_reason: Option<String>,
    pub questions: Vec<ReviewQuestionDto>,
    pub events: Vec<ReviewEventDto>,
    /// The chain of the log verifies from the first event to the last.
    pub chain_ok: bool,
    /// What is wrong with it when it does not (the event named).
    pub chain_problem: Option<String>,
    /// The last event's hash, short, as receipts and result sheets print it.
    pub chain_head: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewQuestionDto {
    pub question_id: String,
    pub prompt: String,
    /// The candidate's answer in words; `None` when not answered.
    pub answer: Option<String>,
    /// The key in words (an essay's marking guidance, or "—").
    pub key: String,
    /// Marked by a teacher (an essay): marked or re-marked here.
    #[serde(default)]
    pub essay: bool,
    pub awarded: Option<f64>,
    pub max: f64,
    pub outcome: Option<Outcome>,
    pub comment: Option<String>,
    /// Marked by a teacher (an essay): it can be re-marked here, with a reason.
    pub hand_marked: bool,
}

/// One event of the attempt's log: its number, when, its type (`answer_set`,
/// `focus_lost`, `resumed`…) and what it says, in the log's own terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewEventDto {
    pub seq: i64,
    pub at_ms: i64,
    pub kind: String,
    pub question: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ResultState {
    /// The grading job has not finished yet.
    Grading,
    /// Graded, but the exam releases results only after review.
    Withheld,
    Released {
        total: f64,
        max: f64,
        percentage: f64,
        passed: bool,
        pass_mark_pct: f64,
        awaiting_marking: bool,
        questions: Vec<QuestionMarkDto>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultView {
    pub attempt_id: String,
    pub exam_title: String,
    pub result: ResultState,
    /// The candidate's proof of submission (whatever the result's state).
    #[serde(default)]
    pub receipt: Option<ReceiptDto>,
    /// Voided for misconduct, with the reason given.
    #[serde(default)]
    pub void_reason: Option<String>,
}

/// Proof of submission: what was handed in and when, and a code that ties it
/// to the attempt's tamper-evident log (`examhall verify` checks it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptDto {
    pub attempt_id: String,
    pub exam_title: String,
    pub candidate: String,
    pub submitted_at_ms: i64,
    pub answered: u32,
    pub questions: u32,
    /// `EVENT-HASH`: the `submitted` event and the start of its hash.
    pub code: String,
}

/// A receipt (or a result sheet's chain head) to check against the stored log.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyReceipt {
    pub attempt_id: String,
    /// `37-9f3ac1d2e4b7` from a receipt, or a chain head from a result sheet.
    pub receipt: String,
}

/// What the stored log says of a receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptCheckDto {
    /// `valid`, `unknown_attempt` or `differs`.
    pub outcome: String,
    /// For `valid`, the event vouched for; for `differs`, the first event the
    /// log and the receipt do not share (absent when a bare hash matches none).
    pub seq: Option<i64>,
    /// How many events the log holds now.
    pub events: Option<i64>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    Pending,
    Running,
    Done,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskStatusDto {
    pub task_id: i64,
    pub kind: String,
    pub status: TaskState,
    pub tries: i64,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExamRef {
    pub exam_id: i64,
}

/// Releases results held "after review": for the whole exam (no usernames; results
/// graded later are released too) or for the candidates named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReleaseResults {
    pub exam_id: i64,
    #[serde(default)]
    pub usernames: Vec<String>,
}

/// What a release did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReleasedResults {
    pub exam_id: i64,
    /// Released for every candidate of the exam, now and later.
    pub whole_exam: bool,
    /// Graded results candidates can now read that they could not before.
    pub newly_visible: u64,
}

/// An exam's candidates: who is assigned, with which accommodations, how far
/// each got, whether each can read their result, and every change made to the
/// assignments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExamCandidatesDto {
    pub exam_id: i64,
    pub title: String,
    /// `immediately` or `after_review`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub release: examhall_domain::ResultRelease,
    /// Results held after review have been released for the whole exam.
    pub released_for_exam: bool,
    pub rows: Vec<ExamCandidateDto>,
    pub history: Vec<AssignmentChangeDto>,
}

/// One assigned candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExamCandidateDto {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub candidate_number: Option<String>,
    /// The assignment's (or, once started, the attempt's) time multiplier.
    pub time_multiplier: f64,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub display_preset: Option<examhall_domain::DisplayPreset>,
    /// None until the candidate starts; from then on the assignment is fixed.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub status: Option<AttemptStatus>,
    pub attempt_id: Option<String>,
    /// Graded, and not held from the candidate.
    pub result_visible: bool,
}

/// One recorded change to an exam's assignments: the values after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignmentChangeDto {
    pub at_ms: i64,
    /// Who made it (None: a package's roster, the command line, or a student
    /// starting an exam open to all).
    pub by: Option<String>,
    pub username: String,
    /// `assigned`, `changed` or `unassigned`.
    pub action: String,
    pub time_multiplier: Option<f64>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub display_preset: Option<examhall_domain::DisplayPreset>,
}

/// Assigns candidates to an exam, each with the accommodation profile on
/// their account. Candidates already assigned are left as they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignCandidates {
    pub exam_id: i64,
    pub usernames: Vec<String>,
}

/// What an assignment did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignedCandidates {
    pub exam_id: i64,
    pub assigned: u32,
    pub already_assigned: u32,
}

/// Changes one assignment's accommodations, until that candidate starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateAssignment {
    pub exam_id: i64,
    pub username: String,
    pub time_multiplier: f64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub display_preset: Option<examhall_domain::DisplayPreset>,
}

/// Takes a candidate off an exam, until they start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnassignCandidate {
    pub exam_id: i64,
    pub username: String,
}

/// The staff home: what the centre is doing today, at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffHomeDto {
    /// The machine's clock when this was read.
    pub now_ms: i64,
    /// Sittings not closed whose window meets today (the machine's local day),
    /// earliest first.
    pub sittings: Vec<HomeSittingDto>,
    /// Room sessions planned or open.
    pub rooms: Vec<HomeRoomDto>,
    /// Seats enrolled with this machine (not revoked), and those heard from in
    /// the last two minutes.
    pub seats_enrolled: u64,
    pub seats_online: u64,
    pub attempts_in_progress: u64,
    /// Submitted attempts with an answer still to be marked by hand.
    pub awaiting_marking: u64,
    /// Results not yet acknowledged by HQ (none when not enrolled), and on a
    /// relay hub the seats' results it holds for HQ.
    pub outbox_pending: u64,
    pub relay_pending: u64,
    pub enrolled: bool,
    pub last_sync_ms: Option<i64>,
    pub last_sync_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HomeSittingDto {
    pub sitting_id: i64,
    pub exam_id: i64,
    pub exam_title: String,
    pub opens_at_ms: Option<i64>,
    pub closes_at_ms: Option<i64>,
    pub late_start_minutes: Option<u32>,
    /// Candidates may start now (the window is open).
    pub open_now: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HomeRoomDto {
    pub session_id: i64,
    pub room: String,
    pub exam_title: String,
    pub state: String,
    pub expected: u64,
    pub in_progress: u64,
    pub submitted: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SittingDto {
    pub sitting_id: i64,
    pub exam_id: i64,
    pub exam_title: String,
    pub start_code: String,
    pub opened_at_ms: i64,
    /// The schedule: nobody starts before `opens_at_ms` or from `closes_at_ms`
    /// on, nor later than `late_start_minutes` after the opening.
    #[serde(default)]
    pub opens_at_ms: Option<i64>,
    #[serde(default)]
    pub closes_at_ms: Option<i64>,
    #[serde(default)]
    pub late_start_minutes: Option<u32>,
}

impl OpenSitting {
    /// A sitting without a schedule: open from now until it is closed.
    pub fn unscheduled(exam_id: i64) -> OpenSitting {
        OpenSitting {
            exam_id,
            opens_at_ms: None,
            closes_at_ms: None,
            late_start_minutes: None,
        }
    }
}

/// Opens a sitting of an exam (a new start code), with an optional schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenSitting {
    pub exam_id: i64,
    #[serde(default)]
    pub opens_at_ms: Option<i64>,
    #[serde(default)]
    pub closes_at_ms: Option<i64>,
    #[serde(default)]
    pub late_start_minutes: Option<u32>,
}

/// Closes an exam's open sitting: its start code stops working.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CloseSitting {
    pub exam_id: i64,
}

/// An exam as the invigilator's list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExamSummaryDto {
    pub exam_id: i64,
    pub title: String,
    pub question_count: u32,
    pub duration_secs: u32,
    pub open_sitting: Option<SittingDto>,
    /// Built in the exam builder here: it can be cloned, and edited until a
    /// candidate starts it.
    #[serde(default)]
    pub from_builder: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptSummaryDto {
    pub attempt_id: String,
    pub candidate: String,
    pub exam_title: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: AttemptStatus,
    pub percentage: Option<f64>,
    pub passed: Option<bool>,
    /// Voided for misconduct, with this reason.
    #[serde(default)]
    pub void_reason: Option<String>,
    /// Reset for a resit, with this reason: kept, no longer counts.
    #[serde(default)]
    pub superseded_reason: Option<String>,
}

/// An administrator resets a handed-in attempt so the candidate may sit the
/// exam again: the old attempt is kept and marked superseded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetForResit {
    pub attempt_id: String,
    /// Why (kept in the attempt's chain).
    pub reason: String,
}

/// Staff void a handed-in attempt for misconduct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VoidAttempt {
    pub attempt_id: String,
    /// What was seen, and by whom (kept in the attempt's chain).
    pub reason: String,
}

/// Exam statistics for teachers and admins (the analytics page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamAnalysisDto {
    pub exam_id: i64,
    pub exam_title: String,
    pub attempts: usize,
    pub max_possible: f64,
    pub mean: f64,
    pub median: f64,
    pub sd: f64,
    pub min: f64,
    pub max: f64,
    pub pass_mark_pct: f64,
    pub pass_rate_pct: f64,
    pub skewness: Option<f64>,
    pub kurtosis: Option<f64>,
    pub alpha: Option<f64>,
    pub error_ratio: Option<f64>,
    pub standard_error: Option<f64>,
    /// Graded attempts whose essays still await marking (their totals are provisional).
    pub provisional: usize,
    /// Candidates in each of the top and bottom 27% groups of the distractor tables.
    pub distractor_group_size: usize,
    pub histogram: Vec<HistogramBinDto>,
    pub items: Vec<ItemStatsDto>,
    /// The same figures per sitting, oldest first.
    #[serde(default)]
    pub trend: Vec<TrendPointDto>,
}

/// Summary figures of one sitting (percentages of the maximum mark).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPointDto {
    pub sitting_id: i64,
    pub opened_at: String,
    pub attempts: usize,
    pub mean_pct: f64,
    pub median_pct: f64,
    pub sd_pct: Option<f64>,
    pub min_pct: f64,
    pub max_pct: f64,
    pub pass_rate_pct: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistogramBinDto {
    pub from: f64,
    pub to: f64,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemStatsDto {
    pub question_id: String,
    pub prompt: String,
    pub max: f64,
    pub facility: f64,
    pub sd: f64,
    pub discrimination_index: Option<f64>,
    pub discriminative_efficiency: Option<f64>,
    pub flags: Vec<String>,
    /// For choice questions: each option's popularity in the top and bottom groups.
    #[serde(default)]
    pub distractors: Option<Vec<DistractorRowDto>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistractorRowDto {
    pub option_id: String,
    pub option_text: String,
    pub is_key: bool,
    pub top_pct: f64,
    pub bottom_pct: f64,
    pub all_pct: f64,
}

/// A corrected answer key for one question of an exam, with the reason on record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyCorrection {
    pub exam_id: i64,
    pub question_id: String,
    /// The question's new key: the same type and what candidates saw unchanged
    /// (a single choice may become a weighted one over the same options, to
    /// accept another option as well). Absent when the question is voided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<QuestionKind>,
    /// Void the question instead: full marks to every candidate who got it.
    #[serde(default)]
    pub void: bool,
    pub reason: String,
}

/// What a key correction would do, before anything is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegradePreviewDto {
    pub exam_id: i64,
    pub question_id: String,
    pub pass_mark_pct: f64,
    /// Every graded attempt, changed or not, by candidate.
    pub rows: Vec<RegradeRowDto>,
    pub changed: usize,
    pub now_passing: usize,
    pub now_failing: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegradeRowDto {
    pub attempt_id: String,
    pub candidate: String,
    pub max: f64,
    pub old_total: f64,
    pub new_total: f64,
    pub old_passed: bool,
    pub new_passed: bool,
}

/// One question of an exam with its key as it stands (corrections applied),
/// for staff correcting it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionKeyDto {
    pub question_id: String,
    pub prompt: String,
    pub marks: f64,
    pub key: QuestionKind,
    /// Voided: full marks to every candidate who got it.
    pub voided: bool,
}

/// A key correction stored and its regrade jobs queued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegradeStartedDto {
    pub correction_id: i64,
    /// One grading task per attempt (see task status).
    pub task_ids: Vec<i64>,
}

/// What to export from an exam's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// One row per graded attempt, with the marks per question.
    ResultsCsv,
    /// One row per question: the item analysis.
    ItemsCsv,
    /// Both tables (and the summary) as sheets of one workbook.
    Xlsx,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportRequest {
    pub exam_id: i64,
    pub format: ExportFormat,
}

/// Where a PDF report was saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedReportDto {
    pub path: String,
}

/// "Save as…" for a report saved in the reports folder: the file, by its name
/// there, and the save dialog's title in the user's language. Where the copy
/// goes is chosen in the system's dialog, never named by the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveReportCopy {
    pub file_name: String,
    pub title: String,
}

/// A batch print running in the background.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrintJobDto {
    pub id: u64,
    pub done: usize,
    pub total: usize,
    pub state: PrintJobState,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PrintJobState {
    #[default]
    Running,
    Done {
        path: String,
    },
    Cancelled,
    Failed {
        error: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use examhall_domain::{ChoiceOption, MultiScoring, QuestionId, Tolerance};

    /// Two questions that differ only in their key must look identical to a
    /// candidate: whatever the key is, none of it reaches the candidate DTO.
    #[test]
    fn candidate_questions_carry_no_key_material() {
        let q = |kind| Question {
            id: QuestionId::parse("q1").unwrap(),
            prompt: "p".into(),
            marks: 1.0,
            penalty: 0.5,
            general_feedback: None,
            kind,
        };
        let o = |id: &str, t: &str| ChoiceOption {
            id: id.into(),
            text: t.into(),
        };
        let opts = || vec![o("a", "x"), o("b", "y"), o("c", "z")];
        let scored = |credits: &[f64]| {
            credits
                .iter()
                .enumerate()
                .map(|(i, c)| examhall_domain::ScoredOption {
                    id: ["a", "b", "c"][i].into(),
                    text: ["A", "B", "C"][i].into(),
                    credit: *c,
                    feedback: Some("correct feedback".into()),
                })
                .collect::<Vec<_>>()
        };
        let matching = |answers: &[&str]| QuestionKind::Matching {
            pairs: ["France", "Italy", "Norway"]
                .iter()
                .zip(answers)
                .enumerate()
                .map(|(i, (p, a))| examhall_domain::MatchPair {
                    id: format!("p{i}"),
                    prompt: (*p).into(),
                    answer: (*a).into(),
                })
                .collect(),
            distractors: vec!["Lima".into()],
            scores: None,
        };
        let cloze = |word: &str, value: f64| QuestionKind::Cloze {
            parts: vec![
                examhall_domain::ClozePart::Text {
                    text: "Fill ".into(),
                },
                examhall_domain::ClozePart::Gap(examhall_domain::Gap {
                    id: "g1".into(),
                    weight: 1.0,
                    kind: examhall_domain::GapKind::Text {
                        answers: vec![examhall_domain::TextAnswer {
                            pattern: word.into(),
                            credit: 1.0,
                            feedback: None,
                        }],
                        case_sensitive: false,
                    },
                }),
                examhall_domain::ClozePart::Gap(examhall_domain::Gap {
                    id: "g2".into(),
                    weight: 2.0,
                    kind: examhall_domain::GapKind::Numeric {
                        answers: vec![examhall_domain::NumericAnswer {
                            value,
                            tolerance: Tolerance::Exact,
                            credit: 1.0,
                            feedback: None,
                        }],
                    },
                }),
            ],
        };
        let pairs = [
            (
                QuestionKind::essay(),
                QuestionKind::Essay {
                    guidance: Some("GUIDANCEKEY: one mark per cause".into()),
                },
            ),
            (
                QuestionKind::SingleChoice {
                    options: opts(),
                    correct: "a".into(),
                },
                QuestionKind::SingleChoice {
                    options: opts(),
                    correct: "b".into(),
                },
            ),
            (
                QuestionKind::MultipleResponse {
                    options: opts(),
                    correct: vec!["a".into()],
                    scoring: MultiScoring::Partial,
                },
                QuestionKind::MultipleResponse {
                    options: opts(),
                    correct: vec!["b".into(), "c".into()],
                    scoring: MultiScoring::AllOrNothing,
                },
            ),
            (
                QuestionKind::TrueFalse { correct: true },
                QuestionKind::TrueFalse { correct: false },
            ),
            (
                QuestionKind::Numeric {
                    value: 98765.4321,
                    tolerance: Tolerance::Absolute(0.5),
                },
                QuestionKind::Numeric {
                    value: 1.0,
                    tolerance: Tolerance::Exact,
                },
            ),
            (
                QuestionKind::ShortText {
                    accepted: vec!["SECRETWORD".into()],
                    case_sensitive: false,
                },
                QuestionKind::ShortText {
                    accepted: vec!["other".into()],
                    case_sensitive: true,
                },
            ),
            (
                QuestionKind::WeightedChoice {
                    options: scored(&[1.0, 0.0, -0.5]),
                    multiple: false,
                },
                QuestionKind::WeightedChoice {
                    options: scored(&[0.0, 0.5, 1.0]),
                    multiple: false,
                },
            ),
            (
                QuestionKind::NumericSet {
                    answers: vec![examhall_domain::NumericAnswer {
                        value: 98765.0,
                        tolerance: Tolerance::Absolute(1.0),
                        credit: 1.0,
                        feedback: Some("SECRETWORD".into()),
                    }],
                },
                QuestionKind::NumericSet {
                    answers: vec![examhall_domain::NumericAnswer {
                        value: 2.0,
                        tolerance: Tolerance::Exact,
                        credit: 1.0,
                        feedback: None,
                    }],
                },
            ),
            (
                QuestionKind::TextSet {
                    answers: vec![examhall_domain::TextAnswer {
                        pattern: "SECRETWORD".into(),
                        credit: 1.0,
                        feedback: None,
                    }],
                    case_sensitive: false,
                },
                QuestionKind::TextSet {
                    answers: vec![examhall_domain::TextAnswer {
                        pattern: "x".into(),
                        credit: 1.0,
                        feedback: None,
                    }],
                    case_sensitive: true,
                },
            ),
            (
                matching(&["Paris", "Rome", "Oslo"]),
                matching(&["Oslo", "Paris", "Rome"]),
            ),
            (cloze("SECRETWORD", 98765.0), cloze("other", 1.0)),
        ];
        for (k1, k2) in pairs {
            let j1 =
                serde_json::to_string(&CandidateQuestion::for_attempt(&q(k1), "a1", true)).unwrap();
            let j2 =
                serde_json::to_string(&CandidateQuestion::for_attempt(&q(k2), "a1", true)).unwrap();
            assert_eq!(j1, j2, "the candidate view must not depend on the key");
            for secret in [
                "SECRETWORD",
                "98765",
                "penalty",
                "correct",
                "accepted",
                "credit",
                "feedback",
                "weight",
            ] {
                assert!(!j1.contains(secret), "{j1} leaks {secret:?}");
            }
        }
    }

    /// An ordering question never opens in its right order, and its starting
    /// order is the attempt's own (the same on every view of the attempt).
    #[test]
    fn ordering_items_never_start_in_the_right_order() {
        let items: Vec<ChoiceOption> = ["w", "x", "y"]
            .iter()
            .map(|t| ChoiceOption {
                id: format!("id-{t}"),
                text: (*t).into(),
            })
            .collect();
        let q = Question {
            id: QuestionId::parse("q1").unwrap(),
            prompt: "Order".into(),
            marks: 1.0,
            penalty: 0.0,
            general_feedback: None,
            kind: QuestionKind::Ordering {
                items: items.clone(),
                scoring: examhall_domain::OrderScoring::Exact,
            },
        };
        let shown = |attempt: &str| match CandidateQuestion::for_attempt(&q, attempt, false).widget
        {
            CandidateWidget::Ordering { items } => {
                items.into_iter().map(|o| o.text).collect::<Vec<_>>()
            }
            other => panic!("{other:?}"),
        };
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..200 {
            let attempt = format!("attempt-{i}");
            let order = shown(&attempt);
            assert_ne!(order, ["w", "x", "y"], "{attempt} starts solved");
            assert_eq!(order, shown(&attempt), "{attempt} is stable");
            seen.insert(order);
        }
        assert_eq!(seen.len(), 5, "every unsolved order of 3 occurs: {seen:?}");
    }
}

/// How an import with bad rows goes ahead.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Any bad row: nothing is imported.
    #[default]
    AllOrNothing,
    /// The valid rows are imported; the bad ones are reported.
    ValidOnly,
}

/// A roster CSV to import (administrators). `dry_run`: only say what would happen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportUsers {
    pub csv: String,
    #[serde(default)]
    pub dry_run: bool,
    #[serde(default)]
    pub mode: ImportMode,
}

/// How far an import has got hashing the new accounts' one-time passwords
/// (the slow part: argon2id for each), sent to the window as it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgressDto {
    pub done: u64,
    pub total: u64,
}

/// The event an import's progress is sent to the window under.
pub const IMPORT_PROGRESS_EVENT: &str = "import-progress";

/// One row of an import that creates or updates an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportedUserDto {
    pub line: usize,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub candidate_number: Option<String>,
    /// For an update: what changes ("role teacher -> candidate", …).
    #[serde(default)]
    pub changes: Vec<String>,
}

/// A bad row: its line, the column at fault if one is, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRowError {
    pub line: usize,
    pub column: Option<String>,
    pub message: String,
}

/// What an import did, or (dry run, or refused) would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserImportReport {
    pub dry_run: bool,
    /// True once the accounts are stored.
    pub applied: bool,
    pub created: Vec<ImportedUserDto>,
    pub updated: Vec<ImportedUserDto>,
    /// Rows that match their account already.
    pub unchanged: usize,
    pub errors: Vec<ImportRowError>,
    /// The new accounts' one-time passwords (when applied), for login slips.
    pub passwords: Vec<OneTimePassword>,
}
