//! The question bank and the exam builder: import (with a dry run), search,
//! write and edit (a new version once an exam uses the question), archive,
//! duplicate, preview as the candidate sees it, and build an exam with sections
//! and random draws, validated before it is published.

use crate::{App, AppError, AppResult};
use examhall_domain::{ExamError, ExamSpec, Question, QuestionId, Role, Section, SectionItem};
use examhall_formats::{Format, Imported};
use examhall_protocol::bank::{
    ArchiveBankQuestion, BankEdit, BankFilter, BankItemDto, DraftItem, ExamDraft, ExamPreviewDto,
    ImportIssueDto, ImportMode, ImportReportDto, ImportRequest, PreviewExam, PublishExam,
    PublishedExamDto,
};
use examhall_protocol::CandidateQuestion;
use examhall_store::{BankQuestionRow, NewBankQuestion};
use serde::{Deserialize, Serialize};

use crate::access::AUTHORS;

/// The largest question file accepted (a 5,000-question GIFT file is ~1 MB).
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

/// What the bank keeps beside the question (JSON in `meta`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Meta {
    #[serde(default)]
    text_format: examhall_formats::TextFormat,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    general_feedback: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
}

fn preview(q: &Question) -> CandidateQuestion {
    CandidateQuestion::for_attempt(q, "preview", false)
}

fn dto(r: &BankQuestionRow) -> BankItemDto {
    let meta: Meta = r
        .meta
        .as_deref()
        .and_then(|m| serde_json::from_str(m).ok())
        .unwrap_or_default();
    BankItemDto {
        id: r.id,
        version: r.version,
        title: r.title.clone(),
        category: r.category.clone(),
        tags: r.tags.clone(),
        type_name: r.question.kind.type_name().into(),
        marks: r.question.marks,
        archived: r.archived,
        used: r.used,
        location: meta.source,
        // An imported question's general feedback is kept beside it: the
        // editor shows it with the question.
        question: Question {
            general_feedback: r
                .question
                .general_feedback
                .clone()
                .or(meta.general_feedback),
            ..r.question.clone()
        },
        preview: preview(&r.question),
    }
}

fn check_labels(category: &[String], tags: &[String]) -> AppResult<()> {
    for c in category {
        if c.trim().is_empty() || c.contains('/') || c.len() > 100 {
            return Err(AppError::invalid(
                "category",
                format!("{c:?}: each level is 1 to 100 characters without '/'"),
            ));
        }
    }
    for t in tags {
        if t.trim().is_empty() || t.contains('|') || t.len() > 50 {
            return Err(AppError::invalid(
                "tags",
                format!("{t:?}: a tag is 1 to 50 characters without '|'"),
            ));
        }
    }
    Ok(())
}

impl App {
    /// Reads a question file and, unless it is a dry run, puts its questions in
    /// the bank in one transaction. A file with errors imports nothing unless
    /// the mode is `ValidOnly`, which skips the questions with errors.
    pub async fn import_questions(
        &self,
        token: &str,
        req: ImportRequest,
    ) -> AppResult<ImportReportDto> {
        let actor = self.actor(token).await?;
        actor.require(AUTHORS, "import questions")?;
        let format = Format::parse(&req.format).ok_or_else(|| {
            AppError::invalid(
                "format",
                format!(
                    "{:?} is not one of gift, aiken, moodle-xml, qti, csv, json",
                    req.format
                ),
            )
        })?;
        let file_name: String = req
            .file_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .chars()
            .take(200)
            .collect();
        let bytes = if req.base64 {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(req.content.trim())
                .map_err(|e| AppError::invalid("content", format!("not base64: {e}")))?
        } else {
            req.content.into_bytes()
        };
        if bytes.len() > MAX_IMPORT_BYTES {
            return Err(AppError::invalid(
                "content",
                format!("the file is over {} MB", MAX_IMPORT_BYTES / (1024 * 1024)),
            ));
        }
        // Parsing 5,000 questions takes milliseconds, but a big zip is real work:
        // off the async runtime either way.
        let read: Imported =
            tokio::task::spawn_blocking(move || examhall_formats::import_bytes(format, &bytes))
                .await
                .map_err(|e| AppError::Internal(e.into()))?;
        let issue = |e: &examhall_formats::ImportError| ImportIssueDto {
            location: e.place(&file_name),
            message: e.message.clone(),
        };
        let errors: Vec<ImportIssueDto> = read.errors.iter().map(issue).collect();
        let warnings: Vec<ImportIssueDto> = read.warnings.iter().map(issue).collect();
        let store = match req.mode {
            ImportMode::Check => false,
            ImportMode::All if !errors.is_empty() => {
                return Err(AppError::invalid(
                    "file",
                    format!(
                        "{file_name} has {} error(s); nothing was imported. Fix them, or import the valid questions only.",
                        errors.len()
                    ),
                ))
            }
            ImportMode::All | ImportMode::ValidOnly => true,
        };
        let metas: Vec<String> = read
            .items
            .iter()
            .map(|i| {
                serde_json::to_string(&Meta {
                    text_format: i.text_format,
                    general_feedback: i.general_feedback.clone(),
                    source: Some(format!("{file_name}:{}", i.location)),
                })
                .map_err(|e| AppError::Internal(e.into()))
            })
            .collect::<AppResult<_>>()?;
        let ids = if store && !read.items.is_empty() {
            let rows: Vec<NewBankQuestion> = read
                .items
                .iter()
                .zip(&metas)
                .map(|(i, m)| NewBankQuestion {
                    question: &i.question,
                    category: &i.category,
                    tags: &i.tags,
                    title: i.title.as_deref(),
                    meta: Some(m),
                })
                .collect();
            self.store()
                .insert_bank_questions(&rows, actor.user_id, self.now())
                .await?
        } else {
            vec![0; read.items.len()]
        };
        let items = read
            .items
            .iter()
            .zip(ids)
            .map(|(i, id)| BankItemDto {
                id,
                version: 1,
                title: i.title.clone(),
                category: i.category.clone(),
                tags: i.tags.clone(),
                type_name: i.question.kind.type_name().into(),
                marks: i.question.marks,
                archived: false,
                used: false,
                location: Some(format!("{file_name}:{}", i.location)),
                question: i.question.clone(),
                preview: preview(&i.question),
            })
            .collect::<Vec<_>>();
        Ok(ImportReportDto {
            file_name,
            format: format.name().into(),
            imported: if store { items.len() as u32 } else { 0 },
            skipped: errors.len() as u32,
            items,
            errors,
            warnings,
        })
    }

    /// The bank, filtered: newest first, without archived questions unless asked.
    pub async fn bank(&self, token: &str, filter: BankFilter) -> AppResult<Vec<BankItemDto>> {
        let actor = self.actor(token).await?;
        let text = filter.text.trim().to_lowercase();
        let rows = self.visible_bank(&actor, "see the question bank").await?;
        Ok(rows
            .iter()
            .rev()
            .filter(|r| filter.include_archived || !r.archived)
            .filter(|r| r.category.starts_with(&filter.category))
            .filter(|r| filter.tag.as_ref().is_none_or(|t| r.tags.contains(t)))
            .filter(|r| {
                filter
                    .type_name
                    .as_ref()
                    .is_none_or(|t| r.question.kind.type_name() == t)
            })
            .filter(|r| text.is_empty() || searchable(r).contains(&text))
            .map(dto)
            .collect())
    }

    /// Writes a new bank question or edits one. Editing a version an exam has
    /// been built with makes a new version (the exam, and every result, keep the
    /// one candidates saw); otherwise the version is changed in place.
    pub async fn save_bank_question(&self, token: &str, edit: BankEdit) -> AppResult<BankItemDto> {
        let actor = self.actor(token).await?;
        actor.require(AUTHORS, "write questions")?;
        edit.question
            .validate()
            .map_err(|p| AppError::invalid(format!("question.{}", p.field), p.problem))?;
        check_labels(&edit.category, &edit.tags)?;
        let title = edit
            .title
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        fn new<'a>(
            edit: &'a BankEdit,
            title: Option<&'a str>,
            meta: Option<&'a str>,
        ) -> NewBankQuestion<'a> {
            NewBankQuestion {
                question: &edit.question,
                category: &edit.category,
                tags: &edit.tags,
                title,
                meta,
            }
        }
        let id = match edit.id {
            None => {
                self.store()
                    .insert_bank_questions(&[new(&edit, title, None)], actor.user_id, self.now())
                    .await?[0]
            }
            Some(id) => {
                let row = self.managed_question(&actor, id, "write questions").await?;
                if row.used {
                    self.store()
                        .new_bank_version(
                            &row,
                            &new(&edit, title, row.meta.as_deref()),
                            actor.user_id,
                            self.now(),
                        )
                        .await?
                } else {
                    self.store()
                        .update_bank_question(id, &new(&edit, title, row.meta.as_deref()))
                        .await?;
                    id
                }
            }
        };
        self.bank_item(id).await
    }

    async fn bank_item(&self, id: i64) -> AppResult<BankItemDto> {
        let row = self
            .store()
            .bank_question(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Bank question {id}")))?;
        Ok(dto(&row))
    }

    /// A copy of a bank question, as a new question of its own.
    pub async fn duplicate_bank_question(&self, token: &str, id: i64) -> AppResult<BankItemDto> {
        let actor = self.actor(token).await?;
        let row = self.managed_question(&actor, id, "write questions").await?;
        let mut q = row.question.clone();
        let copy_id = format!("{}-copy", q.id);
        q.id = QuestionId::parse(&copy_id).unwrap_or_else(|| q.id.clone());
        let title = row.title.as_ref().map(|t| format!("{t} (copy)"));
        let new = self
            .store()
            .insert_bank_questions(
                &[NewBankQuestion {
                    question: &q,
                    category: &row.category,
                    tags: &row.tags,
                    title: title.as_deref(),
                    meta: row.meta.as_deref(),
                }],
                actor.user_id,
                self.now(),
            )
            .await?;
        self.bank_item(new[0]).await
    }

    /// The exam a draft describes, with the bank versions it uses. Every
    /// problem is refused with a message naming the section, draw or question.
    async fn resolve_draft(
        &self,
        actor: &crate::Actor,
        draft: &ExamDraft,
    ) -> AppResult<(ExamSpec, Vec<i64>)> {
        // Only what the author may use: their own questions and those shared with them.
        let rows = self.visible_bank(actor, "build exams").await?;
        let mut questions: Vec<Question> = Vec::new();
        let mut used = Vec::new();
        let mut sections = Vec::new();
        // A bank question joins the exam once, under an id unique in the exam.
        let mut add = |r: &BankQuestionRow, questions: &mut Vec<Question>| -> QuestionId {
            let mut q = r.question.clone();
            // The general feedback an import kept with the bank question goes
            // with it into the exam (shown only if the exam gives feedback).
            if q.general_feedback.is_none() {
                q.general_feedback = r
                    .meta
                    .as_deref()
                    .and_then(|m| serde_json::from_str::<Meta>(m).ok())
                    .and_then(|m| m.general_feedback);
            }
            if questions.iter().any(|x| x.id == q.id) {
                q.id = QuestionId::parse(&format!(
                    "{}-{}",
                    q.id.as_str().chars().take(40).collect::<String>(),
                    r.id
                ))
                .unwrap_or_else(|| q.id.clone());
            }
            let id = q.id.clone();
            questions.push(q);
            used.push(r.id);
            id
        };
        // A bank question comes up at most once per attempt: draws leave out the
        // questions the exam asks as fixed ones, and two draws may not share one.
        let fixed: std::collections::BTreeSet<i64> = draft
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .filter_map(|i| match i {
                DraftItem::Fixed { bank_id } => Some(*bank_id),
                DraftItem::Draw { .. } => None,
            })
            .collect();
        let mut drawn_in: std::collections::BTreeMap<i64, String> = Default::default();
        for (s, sd) in draft.sections.iter().enumerate() {
            let mut items = Vec::new();
            for (i, item) in sd.items.iter().enumerate() {
                let here = |m: String| {
                    AppError::invalid(
                        format!("sections[{s}].items[{i}]"),
                        format!("section {} ({}), item {}: {m}", s + 1, sd.title, i + 1),
                    )
                };
                match item {
                    DraftItem::Fixed { bank_id } => {
                        let r = rows.iter().find(|r| r.id == *bank_id).ok_or_else(|| {
                            here(format!("bank question {bank_id} does not exist"))
                        })?;
                        if r.archived {
                            return Err(here(format!(
                                "bank question {bank_id} ({}) is archived",
                                r.question.id
                            )));
                        }
                        items.push(SectionItem::Fixed {
                            question: add(r, &mut questions),
                        });
                    }
                    DraftItem::Draw {
                        count,
                        category,
                        tag,
                    } => {
                        let pool: Vec<&BankQuestionRow> = rows
                            .iter()
                            .filter(|r| !r.archived && r.category.starts_with(category))
                            .filter(|r| tag.as_ref().is_none_or(|t| r.tags.contains(t)))
                            .filter(|r| !fixed.contains(&r.id))
                            .collect();
                        let here_name = format!("section {} ({}), item {}", s + 1, sd.title, i + 1);
                        for r in &pool {
                            if let Some(other) = drawn_in.insert(r.id, here_name.clone()) {
                                return Err(here(format!(
                                    "this draw and {other} share question {} (bank {}); a candidate could get it twice",
                                    r.question.id, r.id
                                )));
                            }
                        }
                        let label = format!(
                            "category {}{}",
                            if category.is_empty() {
                                "(all)".to_owned()
                            } else {
                                category.join("/")
                            },
                            tag.as_ref()
                                .map(|t| format!(", tag {t}"))
                                .unwrap_or_default()
                        );
                        if (*count as usize) > pool.len() {
                            return Err(here(format!(
                                "the draw asks for {count} questions from {label} but the bank has {}",
                                pool.len()
                            )));
                        }
                        let from = pool.into_iter().map(|r| add(r, &mut questions)).collect();
                        items.push(SectionItem::Draw {
                            count: *count,
                            from,
                            label,
                        });
                    }
                }
            }
            sections.push(Section {
                title: sd.title.clone(),
                instructions: sd.instructions.clone(),
                items,
            });
        }
        let spec = ExamSpec {
            voided: vec![],
            feedback: draft.feedback,
            title: draft.title.trim().to_owned(),
            duration_secs: draft.duration_minutes.saturating_mul(60),
            pass_mark_pct: draft.pass_mark_pct,
            negative_marking: draft.negative_marking,
            release: draft.release,
            question_marks: draft.question_marks,
            window: draft.window,
            order: draft.order,
            navigation: draft.navigation,
            sections,
            questions,
        };
        spec.validate().map_err(|e| match e {
            ExamError::Exam { field, problem } => AppError::invalid(field, problem),
            ExamError::Question {
                id, field, problem, ..
            } => AppError::invalid(
                format!("question {id}"),
                format!("question {id}: {field}: {problem}"),
            ),
        })?;
        Ok((spec, used))
    }

    /// The draft as one candidate would get it (a preview attempt of its own:
    /// `seed` picks which draw and order to show).
    pub async fn preview_exam(&self, token: &str, req: PreviewExam) -> AppResult<ExamPreviewDto> {
        let (draft, seed) = (req.draft, req.seed);
        let actor = self.actor(token).await?;
        actor.require(AUTHORS, "preview exams")?;
        let (spec, _) = self.resolve_draft(&actor, &draft).await?;
        let attempt = format!("preview-{seed}");
        let (qs, sections) = spec.attempt_layout(&attempt);
        Ok(ExamPreviewDto {
            title: spec.title.clone(),
            duration_minutes: draft.duration_minutes,
            total_marks: spec.total_marks(),
            questions: qs
                .into_iter()
                .map(|q| CandidateQuestion::for_attempt(q, &attempt, spec.order.shuffle_options))
                .collect(),
            sections,
        })
    }

    /// Publishes the draft as an exam (validated first) and assigns it to the
    /// chosen candidates; the bank versions it uses are marked used, so later
    /// edits make new versions.
    pub async fn publish_exam(&self, token: &str, req: PublishExam) -> AppResult<PublishedExamDto> {
        let actor = self.actor(token).await?;
        actor.require(AUTHORS, "create exams")?;
        let from = self.draft_for_publish(&actor, &req).await?;
        let (spec, used) = self.resolve_draft(&actor, &req.draft).await?;
        // Every candidate is checked before anything is stored.
        for (i, id) in req.candidates.iter().enumerate() {
            let user = self.store().user_by_id(*id).await?;
            if user.is_none_or(|u| u.role != Role::Candidate) {
                return Err(AppError::invalid(
                    format!("candidates[{i}]"),
                    format!("user {id} is not a candidate"),
                ));
            }
        }
        for (id, m) in &req.time_multipliers {
            if !req.candidates.contains(id) {
                return Err(AppError::invalid(
                    "time_multipliers",
                    format!("user {id} has a time multiplier but is not among the candidates"),
                ));
            }
            if !(m.is_finite() && (1.0..=4.0).contains(m)) {
                return Err(AppError::invalid(
                    "time_multipliers",
                    format!("user {id}: a time multiplier is between 1.0 and 4.0 (got {m})"),
                ));
            }
        }
        let now = self.now();
        let exam_id = match from.as_ref().and_then(|d| d.exam_id) {
            // A draft that edits a published exam changes it in place.
            Some(exam_id) => {
                self.publish_edit(&actor, exam_id, &req, &spec, now).await?;
                exam_id
            }
            None => {
                self.store()
                    .insert_exam(&spec, Some(actor.user_id), now)
                    .await?
            }
        };
        self.store().mark_bank_used(&used).await?;
        // Each candidate gets the accommodation profile on their account unless
        // the author chose a multiplier for this exam.
        for id in &req.candidates {
            let m = req.time_multipliers.get(id).copied();
            self.assign_candidate(Some(actor.user_id), exam_id, *id, m)
                .await?;
        }
        self.after_publish(exam_id, &req, from.as_ref()).await
    }

    /// The candidates an author may assign exams to.
    pub async fn candidates(&self, token: &str) -> AppResult<Vec<examhall_protocol::UserDto>> {
        let actor = self.actor(token).await?;
        actor.require(AUTHORS, "assign exams")?;
        Ok(self
            .store()
            .list_users()
            .await?
            .iter()
            .filter(|u| u.role == Role::Candidate)
            .map(crate::accounts::user_dto)
            .collect())
    }

    /// Archives or restores a bank question.
    pub async fn archive_bank_question(
        &self,
        token: &str,
        req: ArchiveBankQuestion,
    ) -> AppResult<()> {
        let actor = self.actor(token).await?;
        self.managed_question(&actor, req.id, "archive questions")
            .await?;
        if !self.store().set_bank_archived(req.id, req.archived).await? {
            return Err(AppError::NotFound(format!("Bank question {}", req.id)));
        }
        Ok(())
    }
}

impl App {
    /// The bank's questions (not archived; in `category` and below) written as
    /// `format`: GIFT, the lossless JSON form, or a QTI 2.1 content package. For
    /// the operator's command line, which reads the database file directly.
    /// The questions of the caller's bank (of `category` and below) as a file
    /// of `format`, for the bank screen's Export (saved in the reports folder
    /// on the desktop, downloaded in the browser). Archived questions stay out.
    pub async fn export_bank(
        &self,
        token: &str,
        req: examhall_protocol::bank::ExportBank,
    ) -> AppResult<crate::reports::Report> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Teacher, Role::Admin], "export the question bank")?;
        let format = Format::parse(&req.format)
            .filter(|f| {
                matches!(
                    f,
                    Format::Gift | Format::Json | Format::Qti | Format::MoodleXml
                )
            })
            .ok_or_else(|| {
                AppError::invalid(
                    "format",
                    format!(
                        "{:?}: the bank is exported as gift, json, qti or moodle-xml",
                        req.format
                    ),
                )
            })?;
        let rows = self
            .visible_bank(&actor, "export the question bank")
            .await?;
        if !rows
            .iter()
            .any(|r| !r.archived && r.category.starts_with(&req.category))
        {
            return Err(AppError::invalid(
                "category",
                format!(
                    "no question of yours in {:?} to export",
                    req.category.join("/")
                ),
            ));
        }
        let bytes = Self::bank_file(rows, format, &req.category)?;
        let stem = if req.category.is_empty() {
            "question-bank".to_owned()
        } else {
            format!("question-bank-{}", req.category.join("-"))
        };
        let ext = match format {
            Format::Gift => "gift.txt",
            Format::Json => "json",
            Format::Qti => "qti.zip",
            _ => "moodle.xml",
        };
        Ok(crate::reports::Report {
            file_name: format!("{}.{ext}", crate::reports::slug(&stem)),
            bytes,
        })
    }

    pub async fn export_bank_file(
        &self,
        format: Format,
        category: &[String],
    ) -> AppResult<Vec<u8>> {
        let rows = self.store().bank_questions().await?;
        Self::bank_file(rows, format, category)
    }

    fn bank_file(
        rows: Vec<BankQuestionRow>,
        format: Format,
        category: &[String],
    ) -> AppResult<Vec<u8>> {
        let items: Vec<examhall_formats::ImportedItem> = rows
            .iter()
            .filter(|r| !r.archived && r.category.starts_with(category))
            .map(|r| {
                let meta: Meta = r
                    .meta
                    .as_deref()
                    .and_then(|m| serde_json::from_str(m).ok())
                    .unwrap_or_default();
                examhall_formats::ImportedItem {
                    location: examhall_formats::Location::default(),
                    category: r.category.clone(),
                    title: r.title.clone(),
                    tags: r.tags.clone(),
                    text_format: meta.text_format,
                    general_feedback: meta.general_feedback,
                    question: r.question.clone(),
                }
            })
            .collect();
        let refused = |e: examhall_formats::export::ExportError| {
            AppError::invalid(format!("question {}", e.id), e.to_string())
        };
        match format {
            Format::Json => Ok(examhall_formats::export::to_json(&items).into_bytes()),
            Format::Gift => {
                // GIFT sets categories as it goes: keep each category's questions together.
                let mut items = items;
                items.sort_by(|a, b| a.category.cmp(&b.category));
                examhall_formats::export::to_gift(&items)
                    .map(String::into_bytes)
                    .map_err(refused)
            }
            Format::Qti => examhall_formats::qti::to_qti_package(&items).map_err(refused),
            Format::MoodleXml => examhall_formats::moodle_export::to_moodle_xml(&items)
                .map(String::into_bytes)
                .map_err(refused),
            other => Err(AppError::invalid(
                "format",
                format!(
                    "the bank is exported as gift, json, qti or moodle-xml, not {}",
                    other.name()
                ),
            )),
        }
    }
}

/// The text a bank search looks in.
fn searchable(r: &BankQuestionRow) -> String {
    let mut s = format!(
        "{} {} {}",
        r.question.id,
        r.title.as_deref().unwrap_or(""),
        r.question.prompt
    );
    if let Ok(kind) = serde_json::to_string(&r.question.kind) {
        s.push(' ');
        s.push_str(&kind);
    }
    s.to_lowercase()
}
