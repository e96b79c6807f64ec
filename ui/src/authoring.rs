//! The question bank and the exam builder's pure logic: choosing an import
//! format from a file name, category paths and their tree, tags, the builder's
//! form turned into an `ExamDraft`, draw pools, and the sections of an attempt.
//! Plain Rust, tested natively.

use examhall_protocol::bank::{
    BankEdit, BankItemDto, DraftItem, ExamDraft, ExamPreviewDto, PublishExam, SectionDraft,
};
use examhall_protocol::{AttemptView, WindowRules};
use std::collections::{BTreeMap, BTreeSet};

/// The import formats, as the backend names them, in the order the select shows.
pub const FORMATS: &[&str] = &["gift", "aiken", "moodle-xml", "qti", "csv", "json"];

/// The format a file's extension suggests: `.gift` GIFT, `.txt` Aiken, `.xml`
/// Moodle XML, `.zip` a QTI package, `.csv`, `.json`.
pub fn format_for(file_name: &str) -> Option<&'static str> {
    let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "gift" => "gift",
        "txt" => "aiken",
        "xml" => "moodle-xml",
        "zip" => "qti",
        "csv" => "csv",
        "json" => "json",
        _ => return None,
    })
}

/// The format a file's text shows, where its name could mean two: an `.xml` file
/// holding a QTI `assessmentItem` is QTI (not Moodle XML), and a `.txt` file with
/// GIFT's braces and no Aiken `ANSWER:` line is GIFT (Moodle saves GIFT as
/// `.txt`). The teacher can still pick another format.
pub fn format_in(guess: &str, text: &str) -> String {
    let head: String = text.chars().take(4096).collect();
    match guess {
        "moodle-xml" if head.contains("<assessmentItem") || head.contains("<assessmentTest") => {
            "qti".into()
        }
        "aiken"
            if text.contains('{')
                && !text.lines().any(|l| l.trim_start().starts_with("ANSWER:")) =>
        {
            "gift".into()
        }
        other => other.into(),
    }
}

/// A zip (a QTI package) travels as base64; every other file as text.
pub fn is_binary(file_name: &str) -> bool {
    file_name.to_ascii_lowercase().ends_with(".zip")
}

/// Standard base64 with padding (RFC 4648), for a zip's bytes.
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `"a / b/c"` → `["a", "b", "c"]` (empty levels are dropped).
pub fn parse_path(text: &str) -> Vec<String> {
    text.split('/')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A category path as a select's value or a form field: levels joined by '/'.
pub fn join_path(path: &[String]) -> String {
    path.join("/")
}

/// `"algebra, week 1,,algebra"` → `["algebra", "week 1"]`.
pub fn parse_tags(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if !out.iter().any(|o| o == t) {
            out.push(t.to_owned());
        }
    }
    out
}

/// One category with the questions in it and in the categories inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryNode {
    pub name: String,
    pub path: Vec<String>,
    /// Questions in this category's subtree.
    pub count: usize,
    pub children: Vec<CategoryNode>,
}

/// The categories of these paths as a tree, each level sorted by name. A
/// question without a category counts nowhere in the tree.
pub fn category_tree<'a>(paths: impl IntoIterator<Item = &'a [String]>) -> Vec<CategoryNode> {
    let mut roots: Vec<CategoryNode> = Vec::new();
    for path in paths {
        let mut level = &mut roots;
        for (depth, name) in path.iter().enumerate() {
            let at = match level.binary_search_by(|n| n.name.as_str().cmp(name)) {
                Ok(i) => i,
                Err(i) => {
                    level.insert(
                        i,
                        CategoryNode {
                            name: name.clone(),
                            path: path[..=depth].to_vec(),
                            count: 0,
                            children: Vec::new(),
                        },
                    );
                    i
                }
            };
            level[at].count += 1;
            level = &mut level[at].children;
        }
    }
    roots
}

/// Every node of the tree, parents before their children: (depth, node).
pub fn flatten(tree: &[CategoryNode]) -> Vec<(usize, &CategoryNode)> {
    fn walk<'a>(nodes: &'a [CategoryNode], depth: usize, out: &mut Vec<(usize, &'a CategoryNode)>) {
        for n in nodes {
            out.push((depth, n));
            walk(&n.children, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(tree, 0, &mut out);
    out
}

/// The bank's tags, sorted, each once.
pub fn all_tags(items: &[BankItemDto]) -> Vec<String> {
    let set: std::collections::BTreeSet<&String> = items.iter().flat_map(|i| &i.tags).collect();
    set.into_iter().cloned().collect()
}

/// The bank's question types, sorted, each once.
pub fn all_types(items: &[BankItemDto]) -> Vec<String> {
    let set: std::collections::BTreeSet<&String> = items.iter().map(|i| &i.type_name).collect();
    set.into_iter().cloned().collect()
}

/// The questions a draw picks from, as the backend counts them: not archived,
/// in `category` or inside it, carrying `tag` when one is given.
/// The questions a draw picks from: `fixed` are the bank ids the exam asks as
/// fixed questions, which every draw leaves out (as the backend does).
pub fn pool_size(
    items: &[BankItemDto],
    category: &[String],
    tag: Option<&str>,
    fixed: &[i64],
) -> usize {
    items
        .iter()
        .filter(|i| !i.archived && i.category.starts_with(category))
        .filter(|i| tag.is_none_or(|t| i.tags.iter().any(|x| x == t)))
        .filter(|i| !fixed.contains(&i.id))
        .count()
}

impl BuilderForm {
    /// The bank ids asked as fixed questions anywhere in the exam.
    pub fn fixed_ids(&self) -> Vec<i64> {
        self.sections
            .iter()
            .flat_map(|s| &s.items)
            .filter_map(|i| match i {
                ItemForm::Fixed { bank_id } => Some(*bank_id),
                ItemForm::Draw { .. } => None,
            })
            .collect()
    }
}

/// Whether a bank question matches the picker's search (title, id, prompt,
/// category or tags; case-insensitive).
pub fn matches_search(item: &BankItemDto, text: &str) -> bool {
    let text = text.trim().to_lowercase();
    if text.is_empty() {
        return true;
    }
    let hay = format!(
        "{} {} {} {} {}",
        item.title.as_deref().unwrap_or(""),
        item.question.id,
        item.question.prompt,
        item.category.join("/"),
        item.tags.join(" ")
    )
    .to_lowercase();
    hay.contains(&text)
}

/// What a row calls a bank question: its title, else its id.
pub fn label(item: &BankItemDto) -> String {
    match item.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_owned(),
        _ => item.question.id.to_string(),
    }
}

// ---- writing and editing a bank question -------------------------------------------

/// The bank's edit form, as typed. The answer key is the question's `kind` as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct EditForm {
    /// None for a new question.
    pub id: Option<i64>,
    pub question_id: String,
    pub title: String,
    /// Levels joined by '/'.
    pub category: String,
    /// Comma-separated.
    pub tags: String,
    pub marks: String,
    pub prompt: String,
    /// The key as JSON (the advanced view; the one used when `form` is `None`).
    pub kind: String,
    /// The key through its type's form, when the form can show it.
    pub form: Option<crate::question_form::KindForm>,
    /// Marks lost for a wrong answer when the exam uses negative marking.
    pub penalty: String,
    /// Shown to candidates with their result when the exam gives feedback.
    pub general_feedback: String,
}

/// What in the edit form cannot become a question (the backend checks the rest).
#[derive(Debug, Clone, PartialEq)]
pub enum EditProblem {
    QuestionId(String),
    Marks(String),
    /// The answer key: not JSON, or not a question type's shape (serde's reason).
    Kind(String),
    /// A field of the type's form.
    Field(crate::question_form::FieldProblem),
    Penalty(String),
}

/// A question id for a new question, from the time (e.g. `q-lx2k9a1`).
pub fn new_question_id(now_ms: f64) -> String {
    let mut n = now_ms.max(0.0) as u64;
    let mut digits = Vec::new();
    loop {
        digits.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    format!("q-{}", String::from_utf8(digits).expect("ascii"))
}

fn valid_question_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl EditForm {
    /// The form for an existing bank question.
    pub fn from_item(item: &BankItemDto) -> EditForm {
        EditForm {
            id: Some(item.id),
            question_id: item.question.id.to_string(),
            title: item.title.clone().unwrap_or_default(),
            category: join_path(&item.category),
            tags: item.tags.join(", "),
            marks: item.question.marks.to_string(),
            prompt: item.question.prompt.clone(),
            kind: serde_json::to_string_pretty(&item.question.kind).unwrap_or_default(),
            form: crate::question_form::KindForm::of(&item.question.kind),
            penalty: item.question.penalty.to_string(),
            general_feedback: item.question.general_feedback.clone().unwrap_or_default(),
        }
    }

    /// A new question of the form's type `t`, empty but for its starting rows.
    pub fn new_of(question_id: String, t: crate::question_form::FormType) -> EditForm {
        let form = crate::question_form::KindForm::new(t);
        EditForm {
            id: None,
            question_id,
            title: String::new(),
            category: String::new(),
            tags: String::new(),
            marks: "1".into(),
            prompt: String::new(),
            kind: form
                .to_kind()
                .map(|k| serde_json::to_string_pretty(&k).unwrap_or_default())
                .unwrap_or_default(),
            form: Some(form),
            penalty: "0".into(),
            general_feedback: String::new(),
        }
    }

    /// The request `save_bank_question` takes.
    pub fn to_edit(&self) -> Result<BankEdit, EditProblem> {
        let qid = self.question_id.trim();
        if !valid_question_id(qid) {
            return Err(EditProblem::QuestionId(self.question_id.clone()));
        }
        let marks =
            parse_decimal(&self.marks).ok_or_else(|| EditProblem::Marks(self.marks.clone()))?;
        let penalty = parse_decimal(&self.penalty)
            .filter(|p| *p >= 0.0)
            .ok_or_else(|| EditProblem::Penalty(self.penalty.clone()))?;
        let kind: serde_json::Value = match &self.form {
            Some(f) => serde_json::to_value(f.to_kind().map_err(EditProblem::Field)?)
                .map_err(|e| EditProblem::Kind(e.to_string()))?,
            None => {
                serde_json::from_str(&self.kind).map_err(|e| EditProblem::Kind(e.to_string()))?
            }
        };
        let question = serde_json::from_value(serde_json::json!({
            "id": qid,
            "prompt": self.prompt,
            "marks": marks,
            "penalty": penalty,
            "kind": kind,
            "general_feedback": Some(self.general_feedback.trim()).filter(|f| !f.is_empty()),
        }))
        .map_err(|e| EditProblem::Kind(e.to_string()))?;
        let title = Some(self.title.trim())
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        Ok(BankEdit {
            id: self.id,
            question,
            category: parse_path(&self.category),
            tags: parse_tags(&self.tags),
            title,
        })
    }
}

// ---- the exam builder's form ----------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub struct BuilderForm {
    pub title: String,
    /// Minutes, as typed.
    pub duration: String,
    /// Percent, as typed.
    pub pass: String,
    pub negative_marking: bool,
    pub after_review: bool,
    pub shuffle_questions: bool,
    pub shuffle_options: bool,
    pub allow_paste: bool,
    pub warn_on_focus_loss: bool,
    /// No going back to earlier questions.
    pub forward_only: bool,
    /// Feedback to candidates with their released result.
    pub feedback_with_results: bool,
    pub sections: Vec<SectionForm>,
}

impl Default for BuilderForm {
    fn default() -> Self {
        BuilderForm {
            title: String::new(),
            duration: "60".into(),
            pass: "50".into(),
            negative_marking: false,
            after_review: false,
            shuffle_questions: false,
            shuffle_options: false,
            allow_paste: false,
            warn_on_focus_loss: true,
            forward_only: false,
            feedback_with_results: false,
            sections: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SectionForm {
    pub title: String,
    pub instructions: String,
    pub items: Vec<ItemForm>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ItemForm {
    Fixed {
        bank_id: i64,
    },
    Draw {
        /// As typed.
        count: String,
        /// Levels joined by '/'; empty for the whole bank.
        category: String,
        /// Empty for any tag.
        tag: String,
    },
}

impl ItemForm {
    pub fn new_draw() -> ItemForm {
        ItemForm::Draw {
            count: "1".into(),
            category: String::new(),
            tag: String::new(),
        }
    }
}

/// What in the form cannot become a draft (the backend checks the rest).
#[derive(Debug, Clone, PartialEq)]
pub enum FormProblem {
    /// The duration is not a whole number of minutes.
    Duration(String),
    /// The pass mark is not a number.
    PassMark(String),
    /// A draw's count is not a whole number: (section, item) from 1, and the text.
    DrawCount(usize, usize, String),
    /// A chosen candidate's extra time is not a factor from 1 to 4: their user
    /// id, and the text.
    Multiplier(i64, String),
}

/// The lowest and highest time multiplier the backend accepts.
pub const MULTIPLIER_RANGE: (f64, f64) = (1.0, 4.0);

/// A number as the user typed it: a decimal comma (`1,25`) reads as a point.
pub fn parse_decimal(text: &str) -> Option<f64> {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

impl BuilderForm {
    /// The draft the backend previews and publishes.
    pub fn to_draft(&self) -> Result<ExamDraft, FormProblem> {
        let duration_minutes = self
            .duration
            .trim()
            .parse::<u32>()
            .map_err(|_| FormProblem::Duration(self.duration.clone()))?;
        let pass_mark_pct =
            parse_decimal(&self.pass).ok_or_else(|| FormProblem::PassMark(self.pass.clone()))?;
        let mut sections = Vec::with_capacity(self.sections.len());
        for (s, sf) in self.sections.iter().enumerate() {
            let mut items = Vec::with_capacity(sf.items.len());
            for (i, item) in sf.items.iter().enumerate() {
                items.push(match item {
                    ItemForm::Fixed { bank_id } => DraftItem::Fixed { bank_id: *bank_id },
                    ItemForm::Draw {
                        count,
                        category,
                        tag,
                    } => DraftItem::Draw {
                        count: count
                            .trim()
                            .parse::<u32>()
                            .map_err(|_| FormProblem::DrawCount(s + 1, i + 1, count.clone()))?,
                        category: parse_path(category),
                        tag: Some(tag.trim())
                            .filter(|t| !t.is_empty())
                            .map(str::to_owned),
                    },
                });
            }
            sections.push(SectionDraft {
                title: sf.title.trim().to_owned(),
                instructions: sf.instructions.trim().to_owned(),
                items,
            });
        }
        let mut draft = ExamDraft {
            title: self.title.trim().to_owned(),
            duration_minutes,
            pass_mark_pct,
            negative_marking: self.negative_marking,
            release: serde_json::from_value(serde_json::Value::from(if self.after_review {
                "after_review"
            } else {
                "immediately"
            }))
            .expect("the protocol names both releases"),
            question_marks: true,
            order: Default::default(),
            window: WindowRules {
                allow_paste: self.allow_paste,
                warn_on_focus_loss: self.warn_on_focus_loss,
            },
            navigation: serde_json::from_value(serde_json::Value::from(if self.forward_only {
                "forward_only"
            } else {
                "free"
            }))
            .expect("the protocol names both navigations"),
            feedback: if self.feedback_with_results {
                examhall_protocol::Feedback::WithResults
            } else {
                examhall_protocol::Feedback::Never
            },
            sections,
        };
        draft.order.shuffle_questions = self.shuffle_questions;
        draft.order.shuffle_options = self.shuffle_options;
        Ok(draft)
    }

    /// What publishing sends: the draft, the chosen candidates, and the extra
    /// time typed for them (`typed`: user id → factor as typed; a candidate
    /// without one gets 1).
    pub fn to_publish(
        &self,
        chosen: &BTreeSet<i64>,
        typed: &BTreeMap<i64, String>,
    ) -> Result<PublishExam, FormProblem> {
        let draft = self.to_draft()?;
        Ok(PublishExam {
            draft,
            candidates: chosen.iter().copied().collect(),
            time_multipliers: time_multipliers(chosen, typed)?,
            draft_id: None,
        })
    }
}

/// A form with its chosen candidates and their extra time as typed: what the
/// builder shows.
pub type Filled = (BuilderForm, BTreeSet<i64>, BTreeMap<i64, String>);

/// A saved draft (or a published exam's form) back in the builder: the
/// inverse of `to_publish` for everything the form shows.
pub fn from_publish(p: &PublishExam) -> Filled {
    let d = &p.draft;
    let named = |v: serde_json::Result<serde_json::Value>, name: &str| {
        v.ok()
            .and_then(|v| v.as_str().map(|s| s == name))
            .unwrap_or(false)
    };
    let sections = d
        .sections
        .iter()
        .map(|s| SectionForm {
            title: s.title.clone(),
            instructions: s.instructions.clone(),
            items: s
                .items
                .iter()
                .map(|i| match i {
                    DraftItem::Fixed { bank_id } => ItemForm::Fixed { bank_id: *bank_id },
                    DraftItem::Draw {
                        count,
                        category,
                        tag,
                    } => ItemForm::Draw {
                        count: count.to_string(),
                        category: join_path(category),
                        tag: tag.clone().unwrap_or_default(),
                    },
                })
                .collect(),
        })
        .collect();
    let form = BuilderForm {
        title: d.title.clone(),
        duration: d.duration_minutes.to_string(),
        pass: d.pass_mark_pct.to_string(),
        negative_marking: d.negative_marking,
        after_review: named(serde_json::to_value(d.release), "after_review"),
        shuffle_questions: d.order.shuffle_questions,
        shuffle_options: d.order.shuffle_options,
        allow_paste: d.window.allow_paste,
        warn_on_focus_loss: d.window.warn_on_focus_loss,
        forward_only: named(serde_json::to_value(d.navigation), "forward_only"),
        feedback_with_results: d.feedback == examhall_protocol::Feedback::WithResults,
        sections,
    };
    let chosen = p.candidates.iter().copied().collect();
    let typed = p
        .time_multipliers
        .iter()
        .map(|(id, m)| (*id, m.to_string()))
        .collect();
    (form, chosen, typed)
}

/// The chosen candidates' time multipliers other than 1, from what was typed
/// (a decimal comma is fine). Each must be a number from 1 to 4; what is typed
/// for a candidate who is not chosen is left out.
pub fn time_multipliers(
    chosen: &BTreeSet<i64>,
    typed: &BTreeMap<i64, String>,
) -> Result<BTreeMap<i64, f64>, FormProblem> {
    let (low, high) = MULTIPLIER_RANGE;
    let mut out = BTreeMap::new();
    for id in chosen {
        let Some(text) = typed.get(id) else {
            continue;
        };
        let x = parse_decimal(text)
            .filter(|x| (low..=high).contains(x))
            .ok_or_else(|| FormProblem::Multiplier(*id, text.clone()))?;
        if x != 1.0 {
            out.insert(*id, x);
        }
    }
    Ok(out)
}

// ---- sections of an attempt ------------------------------------------------------

/// A section as positions in an attempt's (or a preview's) question list.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub title: String,
    pub instructions: String,
    pub first: usize,
    pub count: usize,
}

pub fn attempt_parts(v: &AttemptView) -> Vec<Part> {
    v.sections
        .iter()
        .map(|s| Part {
            title: s.title.clone(),
            instructions: s.instructions.clone(),
            first: s.first,
            count: s.count,
        })
        .collect()
}

pub fn preview_parts(p: &ExamPreviewDto) -> Vec<Part> {
    p.sections
        .iter()
        .map(|s| Part {
            title: s.title.clone(),
            instructions: s.instructions.clone(),
            first: s.first,
            count: s.count,
        })
        .collect()
}

/// The section question `index` is in: (its number from 0, the section).
pub fn part_at(parts: &[Part], index: usize) -> Option<(usize, &Part)> {
    parts
        .iter()
        .enumerate()
        .find(|(_, p)| index >= p.first && index < p.first + p.count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(id: i64, category: &[&str], tags: &[&str], archived: bool) -> BankItemDto {
        serde_json::from_value(json!({
            "id": id, "version": 1, "title": null,
            "category": category, "tags": tags,
            "type_name": "essay", "marks": 1.0, "archived": archived, "used": false,
            "question": {"id": format!("q{id}"), "prompt": format!("Prompt {id}"), "marks": 1.0, "kind": {"type": "essay"}},
            "preview": {"id": format!("q{id}"), "prompt": format!("Prompt {id}"), "marks": 1.0, "widget": {"type": "essay"}}
        }))
        .expect("a bank item")
    }

    fn path(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_format_follows_the_file_extension() {
        assert_eq!(format_for("bank.gift"), Some("gift"));
        assert_eq!(format_for("Week 1.TXT"), Some("aiken"));
        assert_eq!(format_for("moodle-export.xml"), Some("moodle-xml"));
        assert_eq!(format_for("package.qti.zip"), Some("qti"));
        assert_eq!(format_for("sheet.csv"), Some("csv"));
        assert_eq!(format_for("bank.json"), Some("json"));
        assert_eq!(format_for("notes.docx"), None);
        assert_eq!(format_for("README"), None);
        let qti = "<?xml version=\"1.0\"?>\n<assessmentItem identifier=\"match\">";
        assert_eq!(format_in("moodle-xml", qti), "qti");
        assert_eq!(
            format_in("moodle-xml", "<quiz><question/></quiz>"),
            "moodle-xml"
        );
        assert_eq!(format_in("aiken", "::Q1:: 2+2? {=4 ~5}"), "gift");
        assert_eq!(format_in("aiken", "2+2?\nA. 4\nB. {5}\nANSWER: A"), "aiken");
        assert_eq!(
            format_in("gift", qti),
            "gift",
            "an explicit .gift stays GIFT"
        );
        assert!(is_binary("p.ZIP") && !is_binary("p.xml"));
        for f in ["gift", "aiken", "moodle-xml", "qti", "csv", "json"] {
            assert!(FORMATS.contains(&f));
        }
    }

    #[test]
    fn base64_matches_rfc_4648() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, coded) in cases {
            assert_eq!(base64(plain.as_bytes()), coded, "{plain:?}");
        }
        assert_eq!(base64(&[0xfb, 0xff, 0x00, 0x50, 0x4b]), "+/8AUEs=");
    }

    #[test]
    fn paths_and_tags_are_parsed_from_what_was_typed() {
        assert_eq!(
            parse_path(" Maths / algebra//linear "),
            path(&["Maths", "algebra", "linear"])
        );
        assert!(parse_path(" / ").is_empty());
        assert_eq!(join_path(&path(&["a", "b"])), "a/b");
        assert_eq!(
            parse_tags("week 1, easy,,week 1 , "),
            path(&["week 1", "easy"])
        );
        assert!(parse_tags(" , ").is_empty());
    }

    #[test]
    fn the_category_tree_nests_sorted_levels_and_counts_subtrees() {
        let items = [
            item(1, &["Maths", "Algebra"], &[], false),
            item(2, &["Maths", "Geometry"], &[], false),
            item(3, &["Maths", "Algebra", "Linear"], &[], false),
            item(4, &["Biology"], &[], false),
            item(5, &[], &[], false),
        ];
        let tree = category_tree(items.iter().map(|i| i.category.as_slice()));
        let names: Vec<&str> = tree.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["Biology", "Maths"]);
        let maths = &tree[1];
        assert_eq!((maths.count, maths.path.clone()), (3, path(&["Maths"])));
        let algebra = &maths.children[0];
        assert_eq!(
            (algebra.name.as_str(), algebra.count, algebra.path.clone()),
            ("Algebra", 2, path(&["Maths", "Algebra"]))
        );
        assert_eq!(
            algebra.children[0].path,
            path(&["Maths", "Algebra", "Linear"])
        );
        assert_eq!(maths.children[1].name, "Geometry");
        let flat: Vec<(usize, String)> = flatten(&tree)
            .into_iter()
            .map(|(d, n)| (d, join_path(&n.path)))
            .collect();
        assert_eq!(
            flat,
            vec![
                (0, "Biology".to_owned()),
                (0, "Maths".to_owned()),
                (1, "Maths/Algebra".to_owned()),
                (2, "Maths/Algebra/Linear".to_owned()),
                (1, "Maths/Geometry".to_owned()),
            ]
        );
        assert!(category_tree(std::iter::empty()).is_empty());
    }

    #[test]
    fn a_pool_counts_live_questions_in_the_subtree_with_the_tag() {
        let items = [
            item(1, &["Maths", "Algebra"], &["easy"], false),
            item(2, &["Maths", "Algebra", "Linear"], &["hard"], false),
            item(3, &["Maths"], &["easy"], true),
            item(4, &["Biology"], &["easy"], false),
            item(5, &["Mathematics"], &[], false),
        ];
        assert_eq!(
            pool_size(&items, &[], None, &[]),
            4,
            "the whole bank, archived left out"
        );
        assert_eq!(
            pool_size(&items, &path(&["Maths"]), None, &[]),
            2,
            "not Mathematics"
        );
        assert_eq!(pool_size(&items, &path(&["Maths"]), Some("easy"), &[]), 1);
        assert_eq!(
            pool_size(&items, &path(&["Maths", "Algebra", "Linear"]), None, &[]),
            1
        );
        assert_eq!(pool_size(&items, &path(&["Chemistry"]), None, &[]), 0);
        // A question the exam asks as a fixed one is not drawn as well.
        assert_eq!(pool_size(&items, &path(&["Maths"]), None, &[1]), 1);
        assert_eq!(all_tags(&items), path(&["easy", "hard"]));
        assert_eq!(all_types(&items), path(&["essay"]));
        assert!(matches_search(&items[0], "prompt 1"));
        assert!(matches_search(&items[1], "LINEAR"));
        assert!(matches_search(&items[1], " "));
        assert!(!matches_search(&items[3], "algebra"));
        assert_eq!(label(&items[0]), "q1");
    }

    #[test]
    fn an_edited_question_keeps_its_id_and_changes_what_was_typed() {
        let mut it = item(4, &["Maths", "Algebra"], &["easy", "week 1"], false);
        it.title = Some("Roots".into());
        let mut form = EditForm::from_item(&it);
        assert_eq!(
            (
                form.id,
                form.question_id.as_str(),
                form.category.as_str(),
                form.tags.as_str()
            ),
            (Some(4), "q4", "Maths/Algebra", "easy, week 1")
        );
        assert_eq!(form.marks, "1");
        assert!(form.kind.contains("\"essay\""), "{}", form.kind);
        form.prompt = "Explain.".into();
        form.marks = "2,5".into();
        form.category = "Maths / Linear".into();
        form.tags = "hard".into();
        form.title = "  ".into();
        let edit = form.to_edit().expect("an edit");
        assert_eq!(edit.id, Some(4));
        assert_eq!(edit.title, None, "a blank title is no title");
        assert_eq!(edit.category, path(&["Maths", "Linear"]));
        assert_eq!(edit.tags, path(&["hard"]));
        assert_eq!(
            serde_json::to_value(&edit.question).unwrap(),
            json!({"id": "q4", "prompt": "Explain.", "marks": 2.5, "penalty": 0.0, "kind": {"type": "essay"}})
        );
    }

    #[test]
    fn a_new_question_starts_as_a_valid_single_choice_and_bad_input_is_named() {
        let id = new_question_id(1_700_000_000_000.0);
        assert!(id.starts_with("q-") && valid_question_id(&id), "{id}");
        assert_eq!(new_question_id(35.0), "q-z");
        let mut form = EditForm::new_of(id.clone(), crate::question_form::FormType::SingleChoice);
        if let Some(f) = form.form.as_mut() {
            f.options[0].text = "Yes".into();
            f.options[1].text = "No".into();
            f.options[0].right = true;
        }
        form.prompt = "Is it?".into();
        let edit = form.to_edit().expect("the template is a question");
        assert_eq!(edit.id, None);
        let q = serde_json::to_value(&edit.question).unwrap();
        assert_eq!(q["kind"]["type"], "single_choice");
        assert_eq!(q["kind"]["options"][1]["text"], "No");
        assert_eq!(q["kind"]["correct"], "a");

        let bad = |f: &dyn Fn(&mut EditForm)| {
            let mut x = form.clone();
            f(&mut x);
            x.to_edit().unwrap_err()
        };
        assert_eq!(
            bad(&|x| x.question_id = "no spaces".into()),
            EditProblem::QuestionId("no spaces".into())
        );
        assert_eq!(
            bad(&|x| x.marks = "two".into()),
            EditProblem::Marks("two".into())
        );
        // The key as JSON (no form for it): serde's reason.
        assert!(matches!(
            bad(&|x| {
                x.form = None;
                x.kind = "{".into();
            }),
            EditProblem::Kind(_)
        ));
        assert!(matches!(
            bad(&|x| {
                x.form = None;
                x.kind = r#"{"type": "no_such_type"}"#.into();
            }),
            EditProblem::Kind(_)
        ));
        assert_eq!(
            bad(&|x| x.penalty = "-1".into()),
            EditProblem::Penalty("-1".into())
        );
        // Through the type's form: its problem, at its field; the penalty kept.
        let mut typed = EditForm::new_of(id.clone(), crate::question_form::FormType::Numeric);
        typed.penalty = "0,5".into();
        let p = typed.to_edit().unwrap_err();
        assert!(
            matches!(&p, EditProblem::Field(f) if f.field == "value"),
            "{p:?}"
        );
        if let Some(f) = typed.form.as_mut() {
            f.value = "9,81".into();
        }
        let q = serde_json::to_value(typed.to_edit().unwrap().question).unwrap();
        assert_eq!(
            (q["kind"]["value"].as_f64(), q["penalty"].as_f64()),
            (Some(9.81), Some(0.5))
        );
    }

    #[test]
    fn the_form_becomes_the_draft_the_backend_reads() {
        let form = BuilderForm {
            title: " Mid-term ".into(),
            duration: "45".into(),
            pass: "62,5".into(),
            negative_marking: true,
            after_review: true,
            shuffle_questions: true,
            shuffle_options: false,
            allow_paste: true,
            warn_on_focus_loss: false,
            forward_only: true,
            feedback_with_results: true,
            sections: vec![
                SectionForm {
                    title: "Part A".into(),
                    instructions: "Answer all.".into(),
                    items: vec![
                        ItemForm::Fixed { bank_id: 7 },
                        ItemForm::Draw {
                            count: " 3 ".into(),
                            category: "Maths/Algebra".into(),
                            tag: "easy".into(),
                        },
                    ],
                },
                SectionForm {
                    title: "Part B".into(),
                    instructions: String::new(),
                    items: vec![ItemForm::new_draw()],
                },
            ],
        };
        let draft = form.to_draft().expect("a draft");
        assert_eq!(
            serde_json::to_value(&draft).unwrap(),
            json!({
                "title": "Mid-term", "duration_minutes": 45, "pass_mark_pct": 62.5,
                "negative_marking": true, "release": "after_review", "question_marks": true,
                "order": {"shuffle_questions": true, "shuffle_options": false},
                "window": {"allow_paste": true, "warn_on_focus_loss": false},
                "navigation": "forward_only",
                "feedback": "with_results",
                "sections": [
                    {"title": "Part A", "instructions": "Answer all.", "items": [
                        {"kind": "fixed", "bank_id": 7},
                        {"kind": "draw", "count": 3, "category": ["Maths", "Algebra"], "tag": "easy"}
                    ]},
                    {"title": "Part B", "instructions": "", "items": [
                        {"kind": "draw", "count": 1, "category": [], "tag": null}
                    ]}
                ]
            })
        );
        let d = BuilderForm::default().to_draft().unwrap();
        assert_eq!(serde_json::to_value(&d).unwrap()["release"], "immediately");
        assert!(d.window.warn_on_focus_loss && !d.window.allow_paste);
        assert_eq!(serde_json::to_value(&d).unwrap()["navigation"], "free");
        assert_eq!(serde_json::to_value(&d).unwrap()["feedback"], "never");
    }

    #[test]
    fn a_saved_draft_reopens_as_the_form_it_was_saved_from() {
        let form = BuilderForm {
            title: "Physics mock".into(),
            duration: "45".into(),
            pass: "62.5".into(),
            negative_marking: true,
            after_review: true,
            shuffle_questions: true,
            shuffle_options: false,
            allow_paste: true,
            warn_on_focus_loss: false,
            forward_only: true,
            feedback_with_results: true,
            sections: vec![
                SectionForm {
                    title: "Mechanics".into(),
                    instructions: "Show your working.".into(),
                    items: vec![
                        ItemForm::Fixed { bank_id: 7 },
                        ItemForm::Fixed { bank_id: 3 },
                    ],
                },
                SectionForm {
                    title: "Optics".into(),
                    instructions: String::new(),
                    items: vec![ItemForm::Draw {
                        count: "2".into(),
                        category: "Physics/Optics".into(),
                        tag: "easy".into(),
                    }],
                },
            ],
        };
        let chosen: BTreeSet<i64> = [4, 9].into();
        let typed: BTreeMap<i64, String> = [(9, "1.5".to_owned())].into();
        let req = form.to_publish(&chosen, &typed).unwrap();
        // Through JSON, as the draft is stored.
        let back: PublishExam =
            serde_json::from_str(&serde_json::to_string(&req).unwrap()).unwrap();
        let (f, c, t) = from_publish(&back);
        assert_eq!(f, form, "every field the builder shows comes back");
        assert_eq!(c, chosen);
        assert_eq!(t, typed);
        // And the defaults: a new form saved at once reopens as a new form.
        let empty = BuilderForm::default()
            .to_publish(&BTreeSet::new(), &BTreeMap::new())
            .unwrap();
        assert_eq!(from_publish(&empty).0, BuilderForm::default());
    }

    #[test]
    fn publishing_sends_the_chosen_candidates_and_their_extra_time() {
        let chosen: BTreeSet<i64> = [3, 5, 8].into();
        let typed: BTreeMap<i64, String> = [
            (3, "1.25".to_owned()),
            (5, " 1 ".to_owned()),
            (8, "2,5".to_owned()),
            (9, "3".to_owned()),
        ]
        .into();
        let req = BuilderForm::default()
            .to_publish(&chosen, &typed)
            .expect("a request");
        assert_eq!(req.candidates, vec![3, 5, 8]);
        assert_eq!(
            serde_json::to_value(&req.time_multipliers).unwrap(),
            json!({"3": 1.25, "8": 2.5}),
            "1 is the default and 9 is not chosen"
        );
        let none = BuilderForm::default()
            .to_publish(&chosen, &BTreeMap::new())
            .unwrap();
        assert!(none.time_multipliers.is_empty());
        assert_eq!(
            time_multipliers(&chosen, &[(8, "4".to_owned()), (3, "1".to_owned())].into()),
            Ok([(8, 4.0)].into())
        );
        for bad in ["0.5", "4.25", "", "fast", "NaN", "-1"] {
            assert_eq!(
                BuilderForm::default()
                    .to_publish(&chosen, &[(5, bad.to_owned())].into())
                    .unwrap_err(),
                FormProblem::Multiplier(5, bad.to_owned()),
                "{bad:?}"
            );
        }
        let bad_form = BuilderForm {
            duration: "soon".into(),
            ..BuilderForm::default()
        };
        assert_eq!(
            bad_form.to_publish(&chosen, &typed).unwrap_err(),
            FormProblem::Duration("soon".into()),
            "the draft is checked first"
        );
    }

    #[test]
    fn what_is_not_a_number_is_named_before_anything_is_sent() {
        let mut form = BuilderForm {
            duration: "an hour".into(),
            ..BuilderForm::default()
        };
        assert_eq!(
            form.to_draft().unwrap_err(),
            FormProblem::Duration("an hour".into())
        );
        form.duration = "60".into();
        form.pass = "half".into();
        assert_eq!(
            form.to_draft().unwrap_err(),
            FormProblem::PassMark("half".into())
        );
        form.pass = "50".into();
        form.sections = vec![SectionForm {
            items: vec![
                ItemForm::new_draw(),
                ItemForm::Draw {
                    count: "-2".into(),
                    category: String::new(),
                    tag: String::new(),
                },
            ],
            ..SectionForm::default()
        }];
        assert_eq!(
            form.to_draft().unwrap_err(),
            FormProblem::DrawCount(1, 2, "-2".into())
        );
    }

    #[test]
    fn the_section_of_a_question_comes_from_its_position() {
        let view: AttemptView = serde_json::from_value(json!({
            "attempt_id": "a", "exam_title": "t", "questions": [], "answers": {}, "flagged": [],
            "current_index": 0,
            "clock": {"remaining_ms": 1, "allowed_ms": 1, "status": "in_progress", "paused": false, "locked": false},
            "sections": [
                {"title": "A", "instructions": "Read.", "first": 0, "count": 2},
                {"title": "B", "instructions": "", "first": 2, "count": 3}
            ]
        }))
        .expect("a view");
        let parts = attempt_parts(&view);
        assert_eq!(
            part_at(&parts, 0).map(|(i, p)| (i, p.title.as_str())),
            Some((0, "A"))
        );
        assert_eq!(part_at(&parts, 1).map(|(i, _)| i), Some(0));
        assert_eq!(part_at(&parts, 2).map(|(i, p)| (i, p.first)), Some((1, 2)));
        assert_eq!(part_at(&parts, 4).map(|(i, _)| i), Some(1));
        assert_eq!(part_at(&parts, 5), None);
        assert_eq!(part_at(&[], 0), None, "an exam without sections");
        let preview: ExamPreviewDto = serde_json::from_value(json!({
            "title": "t", "duration_minutes": 10, "total_marks": 2.0, "questions": [],
            "sections": [{"title": "Only", "instructions": "x", "first": 0, "count": 2}]
        }))
        .expect("a preview");
        assert_eq!(preview_parts(&preview)[0].instructions, "x");
    }
}
