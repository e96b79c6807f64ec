//! The question bank and the exam builder, as the staff screens see them.

use crate::CandidateQuestion;
use examhall_domain::{OrderRules, Question, ResultRelease, WindowRules};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// What to do with a question file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Read and report; change nothing (the dry run).
    Check,
    /// Import every question, or none if the file has any error.
    All,
    /// Import the questions without errors and skip the rest.
    ValidOnly,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// `gift`, `aiken`, `moodle-xml`, `qti`, `csv` or `json`.
    pub format: String,
    /// Named in errors.
    pub file_name: String,
    /// The file: UTF-8 text, or base64 when `base64` (a QTI zip package).
    pub content: String,
    #[serde(default)]
    pub base64: bool,
    pub mode: ImportMode,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImportIssueDto {
    /// `bank.gift:12`, or `bank.xml:40: quiz/question[3]/answer[2]`.
    pub location: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImportReportDto {
    pub file_name: String,
    pub format: String,
    /// Every question the file holds without errors (ids are 0 in a dry run).
    pub items: Vec<BankItemDto>,
    pub errors: Vec<ImportIssueDto>,
    /// Questions stored (0 in a dry run).
    pub imported: u32,
    /// Questions left out because of their errors.
    pub skipped: u32,
    /// What the file holds that is left out on purpose (a GIFT description):
    /// it does not stop an all-or-nothing import.
    #[serde(default)]
    pub warnings: Vec<ImportIssueDto>,
}

/// A bank question with what the author sees: key, category, tags, version, and
/// the candidate's rendering for the preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BankItemDto {
    pub id: i64,
    pub version: i64,
    pub title: Option<String>,
    pub category: Vec<String>,
    pub tags: Vec<String>,
    pub type_name: String,
    pub marks: f64,
    pub archived: bool,
    /// An exam has been built with this version: editing makes a new version.
    pub used: bool,
    /// Where it came from in an imported file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub question: Question,
    /// Exactly what a candidate's window is given.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub preview: CandidateQuestion,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BankFilter {
    /// Words in the prompt, title, options or id (case-insensitive).
    #[serde(default)]
    pub text: String,
    /// A type name as `BankItemDto::type_name` gives it.
    #[serde(default)]
    pub type_name: Option<String>,
    /// This category and those inside it.
    #[serde(default)]
    pub category: Vec<String>,
    #[serde(default)]
    pub tag: Option<String>,
    #[serde(default)]
    pub include_archived: bool,
}

/// A question written or edited on the bank page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BankEdit {
    /// None for a new question.
    pub id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub question: Question,
    #[serde(default)]
    pub category: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub title: Option<String>,
}

/// An exam being built from the bank.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExamDraft {
    pub title: String,
    pub duration_minutes: u32,
    pub pass_mark_pct: f64,
    #[serde(default)]
    pub negative_marking: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub release: ResultRelease,
    #[serde(default = "yes")]
    pub question_marks: bool,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub order: OrderRules,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub window: WindowRules,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub navigation: examhall_domain::Navigation,
    /// Feedback to candidates with their released result (never by default).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub feedback: examhall_domain::Feedback,
    pub sections: Vec<SectionDraft>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SectionDraft {
    pub title: String,
    #[serde(default)]
    pub instructions: String,
    pub items: Vec<DraftItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DraftItem {
    /// One bank question.
    Fixed { bank_id: i64 },
    /// `count` questions drawn per attempt from the bank's questions in
    /// `category` (and those inside it) carrying `tag`.
    Draw {
        count: u32,
        #[serde(default)]
        category: Vec<String>,
        #[serde(default)]
        tag: Option<String>,
    },
}

/// A built exam as one candidate would get it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ExamPreviewDto {
    pub title: String,
    pub duration_minutes: u32,
    pub total_marks: f64,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub questions: Vec<CandidateQuestion>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub sections: Vec<examhall_domain::AttemptSection>,
}

/// Publishing a draft: the exam, and the candidates who may sit it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublishExam {
    pub draft: ExamDraft,
    /// User ids of candidates to assign.
    #[serde(default)]
    pub candidates: Vec<i64>,
    /// Planned extra time for some of them: user id → time multiplier (1.0 to
    /// 4.0; 1.25 is 25 % more). Others get 1.0.
    #[serde(default)]
    pub time_multipliers: std::collections::BTreeMap<i64, f64>,
    /// The saved draft this publishes: it is removed once published. A draft
    /// that edits a published exam changes that exam in place instead of
    /// making a new one (refused once a candidate has started it).
    #[serde(default)]
    pub draft_id: Option<i64>,
}

/// Saving the builder's form to come back to it later.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SaveDraft {
    /// None for a new draft; otherwise the draft to overwrite.
    #[serde(default)]
    pub id: Option<i64>,
    /// The form as it would be published (its `draft_id` is ignored).
    pub body: PublishExam,
}

/// One saved draft, as the drafts list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DraftSummaryDto {
    pub id: i64,
    pub title: String,
    pub updated_at_ms: i64,
    /// The published exam this draft edits, if it edits one.
    pub exam_id: Option<i64>,
}

/// A saved draft with its form, to reopen in the builder.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DraftDto {
    pub summary: DraftSummaryDto,
    pub body: PublishExam,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PreviewExam {
    pub draft: ExamDraft,
    /// Which preview attempt: another seed shows another draw and order.
    #[serde(default)]
    pub seed: u32,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ArchiveBankQuestion {
    pub id: i64,
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PublishedExamDto {
    pub exam_id: i64,
    pub assigned: u32,
}

/// The bank's questions written to a file: `gift`, `json`, `qti` (a content
/// package) or `moodle-xml`, those of a category (and below) or all of them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExportBank {
    pub format: String,
    #[serde(default)]
    pub category: Vec<String>,
}
