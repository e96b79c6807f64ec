//! The Examhall domain: what an exam is, how an answer is marked, how much time a
//! candidate has left, and how an attempt's history is chained.
//!
//! This crate is pure. It performs no IO, spawns nothing, and never reads a clock:
//! every instant it needs is passed in as a [`Timestamp`].

pub mod account;
pub mod calculated;
pub mod clock;
pub mod events;
pub mod exam;
pub mod grading;
pub mod numbers;
pub mod question;
pub mod review;
pub mod room;
pub mod shuffle;
pub mod sitting;
pub mod timer;

pub use account::{candidate_number, Email, Password, Role, StartCode, Username};
pub use calculated::{CalculatedAnswer, Draw, FormulaAnswer, FormulaOption, Variable};
pub use clock::{Clock, Timestamp};
pub use events::{
    check_receipt, receipt_code, verify_chain, verify_chain_from, AttemptEvent, AttemptStatus,
    ChainError, EventHash, ReceiptCheck, ReceiptClaim, StoredEvent, SubmitReason,
};
pub use exam::{
    AttemptSection, DisplayPreset, ExamError, ExamSpec, Feedback, Navigation, OrderRules,
    ResultRelease, Section, SectionItem, WindowRules,
};
pub use grading::{
    feedback_for, grade_log, grade_question, grade_sheet, regrade_sheet, Mark, MarkingError,
    Outcome, SheetResult,
};
pub use question::{
    Answer, AnswerError, ChoiceOption, ClozePart, Gap, GapKind, MatchPair, MultiScoring,
    NumericAnswer, OrderScoring, PairPenalty, PairScores, Question, QuestionId, QuestionKind,
    QuestionProblem, ScoredOption, TextAnswer, Tolerance, MAX_GUIDANCE_CHARS,
};
pub use sitting::{Backoff, SittingWindow, WindowError, WindowRefusal};
pub use timer::TimeAllowance;
