//! An exam as authored: settings plus questions, validated before it is stored.

use crate::question::{Question, QuestionId, QuestionKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultRelease {
    /// The candidate sees the graded result as soon as the grading job finishes.
    Immediately,
    /// "Submitted, results later": released after a teacher's review.
    AfterReview,
}

/// Whether candidates read feedback (the options' and the question's general
/// feedback) with their released result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feedback {
    #[default]
    Never,
    WithResults,
}

impl Feedback {
    pub fn is_never(&self) -> bool {
        *self == Feedback::Never
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamSpec {
    pub title: String,
    pub duration_secs: u32,
    pub pass_mark_pct: f64,
    #[serde(default)]
    pub negative_marking: bool,
    pub release: ResultRelease,
    /// Whether candidates (on screen and on their result sheet) see the marks per
    /// question, or only the total and verdict.
    #[serde(default = "yes")]
    pub question_marks: bool,
    /// How the candidate's window behaves during this exam.
    #[serde(default)]
    pub window: WindowRules,
    /// Whether questions and options come in an order of the attempt's own.
    #[serde(default)]
    pub order: OrderRules,
    /// Whether candidates may go back to earlier questions.
    #[serde(default)]
    pub navigation: Navigation,
    /// The exam's sections, in order, with fixed questions and random draws from
    /// `questions`. Without sections every question is asked, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
    pub questions: Vec<Question>,
    /// Questions voided after the exam (a correction on record): every
    /// candidate who got one earns its full marks, answered or not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub voided: Vec<QuestionId>,
    /// Feedback with the released result (never, by default).
    #[serde(default, skip_serializing_if = "Feedback::is_never")]
    pub feedback: Feedback,
}

/// The exam's rules for the candidate's window (lockdown is always on; these are
/// the settings an exam may change).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowRules {
    /// Pasting into answer fields (an open-book exam that allows one's own notes).
    /// Copying and cutting stay refused.
    #[serde(default)]
    pub allow_paste: bool,
    /// Whether the candidate sees a warning when they leave the exam window. The
    /// event is recorded and shown to the invigilator either way.
    #[serde(default = "yes")]
    pub warn_on_focus_loss: bool,
}

/// How a candidate may move through the exam.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Navigation {
    /// Any question, in any order, as often as they like.
    #[default]
    Free,
    /// Forward only: once past a question, it cannot be seen or changed again.
    ForwardOnly,
}

/// Shuffling, per attempt and reproducible from it (`crate::shuffle`): the same
/// attempt always shows the same order, also after a crash.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderRules {
    #[serde(default)]
    pub shuffle_questions: bool,
    /// Choice options, matching answers and choice gaps.
    #[serde(default)]
    pub shuffle_options: bool,
}

/// A part of an exam with its own title and instructions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub instructions: String,
    pub items: Vec<SectionItem>,
}

/// What a section asks: one given question, or `count` drawn at random for each
/// attempt from a pool (e.g. "5 from category X with tag Y", resolved to the
/// pool's questions when the exam is built).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SectionItem {
    Fixed {
        question: QuestionId,
    },
    Draw {
        count: u32,
        from: Vec<QuestionId>,
        /// How the pool was chosen, for people ("category Physics, tag easy").
        #[serde(default, skip_serializing_if = "String::is_empty")]
        label: String,
    },
}

/// One section as an attempt sees it: positions `first .. first + count` of the
/// attempt's questions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptSection {
    pub title: String,
    pub instructions: String,
    pub first: usize,
    pub count: usize,
}

impl ExamSpec {
    fn question(&self, id: &QuestionId) -> Option<&Question> {
        self.questions.iter().find(|q| &q.id == id)
    }

    /// The attempt's questions in the order it shows them, with its sections.
    /// Draws and shuffles come from the attempt id (`crate::shuffle`), so the same
    /// attempt always gets the same questions in the same order. Sections keep
    /// their order; shuffling happens inside each.
    pub fn attempt_layout<'a>(
        &'a self,
        attempt_id: &str,
    ) -> (Vec<&'a Question>, Vec<AttemptSection>) {
        let shuffle = |qs: Vec<&'a Question>, salt: &str| -> Vec<&'a Question> {
            if self.order.shuffle_questions {
                crate::shuffle::shuffled(&qs, attempt_id, salt)
            } else {
                qs
            }
        };
        if self.sections.is_empty() {
            return (
                shuffle(self.questions.iter().collect(), "questions"),
                vec![],
            );
        }
        let mut all = Vec::new();
        let mut sections = Vec::new();
        for (s, section) in self.sections.iter().enumerate() {
            let mut here = Vec::new();
            for (i, item) in section.items.iter().enumerate() {
                match item {
                    SectionItem::Fixed { question } => here.extend(self.question(question)),
                    SectionItem::Draw { count, from, .. } => {
                        let picked = crate::shuffle::draw(
                            from.len(),
                            (*count as usize).min(from.len()),
                            attempt_id,
                            &format!("draw:{s}:{i}"),
                        );
                        here.extend(picked.into_iter().filter_map(|k| self.question(&from[k])));
                    }
                }
            }
            let here = shuffle(here, &format!("section:{s}"));
            sections.push(AttemptSection {
                title: section.title.clone(),
                instructions: section.instructions.clone(),
                first: all.len(),
                count: here.len(),
            });
            all.extend(here);
        }
        (all, sections)
    }

    /// The questions in the order this attempt shows them.
    pub fn questions_for_attempt(&self, attempt_id: &str) -> Vec<&Question> {
        self.attempt_layout(attempt_id).0
    }

    /// The exam as one attempt sits it: only the attempt's questions. Grading an
    /// attempt grades this.
    /// Without sections that is the exam itself, borrowed: the answer path calls
    /// this on every save.
    pub fn for_attempt(&self, attempt_id: &str) -> std::borrow::Cow<'_, ExamSpec> {
        let calculated = self
            .questions
            .iter()
            .any(|q| matches!(q.kind, crate::QuestionKind::Calculated { .. }));
        if self.sections.is_empty() && !calculated {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut spec = self.clone();
        // The attempt's own questions, each with the attempt's own values.
        spec.questions = self
            .questions_for_attempt(attempt_id)
            .into_iter()
            .map(|q| q.for_attempt(attempt_id).into_owned())
            .collect();
        std::borrow::Cow::Owned(spec)
    }

    /// How many questions every attempt gets.
    pub fn questions_per_attempt(&self) -> usize {
        if self.sections.is_empty() {
            return self.questions.len();
        }
        self.sections
            .iter()
            .flat_map(|s| &s.items)
            .map(|i| match i {
                SectionItem::Fixed { .. } => 1,
                SectionItem::Draw { count, .. } => *count as usize,
            })
            .sum()
    }

    /// Checks the sections against the questions: every reference exists, no
    /// question can come up twice, a draw asks for no more than its pool holds and
    /// its pool's questions carry the same marks (so every attempt is out of the
    /// same total).
    fn validate_sections(&self) -> Result<(), ExamError> {
        let mut used = BTreeSet::new();
        for (s, section) in self.sections.iter().enumerate() {
            let err = |field: &'static str, problem: String| ExamError::Exam {
                field,
                problem: format!("section {} ({}): {problem}", s + 1, section.title),
            };
            if section.title.trim().is_empty() || section.title.len() > 200 {
                return Err(ExamError::Exam {
                    field: "sections",
                    problem: format!("section {}: the title must be 1 to 200 characters", s + 1),
                });
            }
            if section.items.is_empty() {
                return Err(err("sections", "has no questions".into()));
            }
            for (i, item) in section.items.iter().enumerate() {
                let ids: Vec<&QuestionId> = match item {
                    SectionItem::Fixed { question } => vec![question],
                    SectionItem::Draw { count, from, .. } => {
                        if *count == 0 {
                            return Err(err(
                                "sections",
                                format!("draw {} asks for no questions", i + 1),
                            ));
                        }
                        if *count as usize > from.len() {
                            return Err(err(
                                "sections",
                                format!(
                                    "draw {} asks for {count} questions but its pool holds {}",
                                    i + 1,
                                    from.len()
                                ),
                            ));
                        }
                        from.iter().collect()
                    }
                };
                let mut marks = None;
                for id in ids {
                    let Some(q) = self.question(id) else {
                        return Err(err("sections", format!("question {id} is not in the exam")));
                    };
                    if !used.insert(id.clone()) {
                        return Err(err(
                            "sections",
                            format!("question {id} is used twice (a candidate could get it twice)"),
                        ));
                    }
                    match marks {
                        None => marks = Some(q.marks),
                        Some(m) if (m - q.marks).abs() > 1e-9 => {
                            return Err(err(
                                "sections",
                                format!(
                                    "draw {}: question {id} is worth {} but the others {m}; a draw's questions must be worth the same",
                                    i + 1,
                                    q.marks
                                ),
                            ))
                        }
                        Some(_) => {}
                    }
                }
            }
        }
        Ok(())
    }
}

/// A candidate's planned display accommodation: the exam window opens with these
/// settings (the candidate can still change them). Kept with the assignment,
/// beside the time multiplier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisplayPreset {
    /// 0 (normal) to `MAX_TEXT_STEP` (200 %), in steps of 25 %.
    #[serde(default)]
    pub text_step: u8,
    #[serde(default)]
    pub high_contrast: bool,
    #[serde(default)]
    pub reading_guide: bool,
}

impl DisplayPreset {
    pub const MAX_TEXT_STEP: u8 = 4;

    pub fn validate(&self) -> Result<(), String> {
        if self.text_step > Self::MAX_TEXT_STEP {
            return Err(format!(
                "text_step {} is not between 0 and {}",
                self.text_step,
                Self::MAX_TEXT_STEP
            ));
        }
        Ok(())
    }
}

impl Default for WindowRules {
    fn default() -> Self {
        WindowRules {
            allow_paste: false,
            warn_on_focus_loss: true,
        }
    }
}

fn yes() -> bool {
    true
}

/// A validation failure, naming the question (by id and position) and the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExamError {
    #[error("exam: {field}: {problem}")]
    Exam {
        field: &'static str,
        problem: String,
    },
    #[error("question {position} ({id}): {field}: {problem}")]
    Question {
        position: usize,
        id: String,
        field: &'static str,
        problem: String,
    },
}

impl ExamSpec {
    pub const MAX_QUESTIONS: usize = 500;

    pub fn validate(&self) -> Result<(), ExamError> {
        let exam_err = |field, problem: &str| {
            Err(ExamError::Exam {
                field,
                problem: problem.into(),
            })
        };
        if self.title.trim().is_empty() || self.title.len() > 200 {
            return exam_err("title", "must be 1 to 200 characters");
        }
        if !(60..=24 * 3600).contains(&self.duration_secs) {
            return exam_err("duration_secs", "must be between 60 seconds and 24 hours");
        }
        if !(0.0..=100.0).contains(&self.pass_mark_pct) {
            return exam_err("pass_mark_pct", "must be a percentage from 0 to 100");
        }
        if self.questions.is_empty() || self.questions.len() > Self::MAX_QUESTIONS {
            return exam_err("questions", "an exam has 1 to 500 questions");
        }
        let mut seen = BTreeSet::new();
        for (i, q) in self.questions.iter().enumerate() {
            let err = |field, problem: String| {
                Err(ExamError::Question {
                    position: i + 1,
                    id: q.id.to_string(),
                    field,
                    problem,
                })
            };
            if !seen.insert(q.id.clone()) {
                return err("id", "appears twice in this exam".into());
            }
            if let Err(problem) = q.validate() {
                return err(problem.field, problem.problem);
            }
        }
        self.validate_sections()
    }

    /// The marks every attempt is out of.
    pub fn total_marks(&self) -> f64 {
        if self.sections.is_empty() {
            return self.questions.iter().map(|q| q.marks).sum();
        }
        self.sections
            .iter()
            .flat_map(|s| &s.items)
            .map(|i| match i {
                SectionItem::Fixed { question } => self.question(question).map_or(0.0, |q| q.marks),
                SectionItem::Draw { count, from, .. } => {
                    from.first()
                        .and_then(|id| self.question(id))
                        .map_or(0.0, |q| q.marks)
                        * f64::from(*count)
                }
            })
            .sum()
    }

    /// The exam with one question's answer key replaced. Only the key may change:
    /// the question keeps its type and, for choice questions, exactly the options
    /// candidates saw. The corrected exam must still validate.
    pub fn with_corrected_key(
        &self,
        question: &QuestionId,
        key: QuestionKind,
    ) -> Result<ExamSpec, ExamError> {
        let position = self
            .questions
            .iter()
            .position(|q| &q.id == question)
            .ok_or_else(|| ExamError::Exam {
                field: "question_id",
                problem: format!("no question {question} in this exam"),
            })?;
        let q = &self.questions[position];
        let err = |problem: String| ExamError::Question {
            position: position + 1,
            id: q.id.to_string(),
            field: "key",
            problem,
        };
        // "Accept this option as well": a single choice becomes a weighted one
        // over the same options.
        let widened = matches!(
            (&q.kind, &key),
            (
                QuestionKind::SingleChoice { .. },
                QuestionKind::WeightedChoice {
                    multiple: false,
                    ..
                }
            )
        );
        if std::mem::discriminant(&q.kind) != std::mem::discriminant(&key) && !widened {
            return Err(err(format!(
                "a key correction keeps the question's type ({}), got {}",
                q.kind.type_name(),
                key.type_name()
            )));
        }
        let same_options = q.kind.shown() == key.shown();
        if !same_options {
            return Err(err(
                "the options must stay exactly as candidates saw them; only the key may change"
                    .into(),
            ));
        }
        if matches!(key, QuestionKind::Essay { .. }) {
            return Err(err("an essay has no key to correct".into()));
        }
        if q.kind == key {
            return Err(err("this is already the key".into()));
        }
        let mut corrected = self.clone();
        corrected.questions[position].kind = key;
        corrected.validate()?;
        Ok(corrected)
    }

    /// The exam with `question` voided: full marks to every candidate who got
    /// it (a drawn question counts only for those it was drawn for).
    pub fn with_voided(&self, question: &QuestionId) -> Result<ExamSpec, ExamError> {
        if !self.questions.iter().any(|q| &q.id == question) {
            return Err(ExamError::Exam {
                field: "question_id",
                problem: format!("no question {question} in this exam"),
            });
        }
        if self.voided.contains(question) {
            return Err(ExamError::Exam {
                field: "question_id",
                problem: format!("question {question} is already void"),
            });
        }
        let mut voided = self.clone();
        voided.voided.push(question.clone());
        Ok(voided)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question::{ChoiceOption, QuestionId, Tolerance};

    fn base() -> ExamSpec {
        ExamSpec {
            voided: vec![],
            feedback: Default::default(),
            window: Default::default(),
            order: Default::default(),
            navigation: Default::default(),
            sections: vec![],
            title: "Physics".into(),
            duration_secs: 1800,
            pass_mark_pct: 50.0,
            negative_marking: false,
            release: ResultRelease::Immediately,
            question_marks: true,
            questions: vec![Question {
                id: QuestionId::parse("q1").unwrap(),
                prompt: "Pick".into(),
                marks: 1.0,
                penalty: 0.0,
                general_feedback: None,
                kind: QuestionKind::SingleChoice {
                    options: vec![
                        ChoiceOption {
                            id: "a".into(),
                            text: "A".into(),
                        },
                        ChoiceOption {
                            id: "b".into(),
                            text: "B".into(),
                        },
                    ],
                    correct: "a".into(),
                },
            }],
        }
    }

    fn key(correct: &str) -> QuestionKind {
        match &base().questions[0].kind {
            QuestionKind::SingleChoice { options, .. } => QuestionKind::SingleChoice {
                options: options.clone(),
                correct: correct.into(),
            },
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_key_correction_changes_only_the_key() {
        let q1 = QuestionId::parse("q1").unwrap();
        let fixed = base().with_corrected_key(&q1, key("b")).unwrap();
        assert_eq!(fixed.questions[0].kind, key("b"));
        assert_eq!(fixed.questions[0].prompt, "Pick");

        let same = base().with_corrected_key(&q1, key("a")).unwrap_err();
        assert!(same.to_string().contains("already the key"), "{same}");
        let unknown = base().with_corrected_key(&q1, key("z")).unwrap_err();
        assert!(unknown.to_string().contains("question 1 (q1)"), "{unknown}");
        let retyped = base()
            .with_corrected_key(&q1, QuestionKind::TrueFalse { correct: true })
            .unwrap_err();
        assert!(
            retyped.to_string().contains("keeps the question's type"),
            "{retyped}"
        );
        let reworded = QuestionKind::SingleChoice {
            options: vec![
                ChoiceOption {
                    id: "a".into(),
                    text: "A".into(),
                },
                ChoiceOption {
                    id: "b".into(),
                    text: "Something else".into(),
                },
            ],
            correct: "b".into(),
        };
        let e = base().with_corrected_key(&q1, reworded).unwrap_err();
        assert!(e.to_string().contains("options must stay"), "{e}");
        let missing = base()
            .with_corrected_key(&QuestionId::parse("q9").unwrap(), key("b"))
            .unwrap_err();
        assert!(missing.to_string().contains("no question q9"), "{missing}");
    }

    #[test]
    fn a_second_right_option_widens_a_single_choice_and_a_void_gives_everyone_full_marks() {
        use crate::{grade_sheet, Answer, Outcome, ScoredOption};
        use std::collections::BTreeMap;
        let q1 = QuestionId::parse("q1").unwrap();
        let scored = |id: &str, text: &str, credit: f64| ScoredOption {
            id: id.into(),
            text: text.into(),
            credit,
            feedback: None,
        };
        let both = QuestionKind::WeightedChoice {
            options: vec![scored("a", "A", 1.0), scored("b", "B", 1.0)],
            multiple: false,
        };
        let widened = base().with_corrected_key(&q1, both).unwrap();
        let sheet = |answer: Option<&str>| {
            let answers: BTreeMap<QuestionId, Answer> = answer
                .map(|a| (q1.clone(), Answer::Text(a.into())))
                .into_iter()
                .collect();
            answers
        };
        for pick in ["a", "b"] {
            assert_eq!(
                grade_sheet(&widened, &sheet(Some(pick))).total,
                1.0,
                "{pick}"
            );
        }
        // Widening may not reword an option either.
        let reworded = QuestionKind::WeightedChoice {
            options: vec![scored("a", "A", 1.0), scored("b", "Bee", 1.0)],
            multiple: false,
        };
        let e = base().with_corrected_key(&q1, reworded).unwrap_err();
        assert!(e.to_string().contains("options must stay"), "{e}");
        // Voided: full marks answered right, wrong or not at all.
        let void = base().with_voided(&q1).unwrap();
        for answer in [Some("a"), Some("b"), None] {
            let r = grade_sheet(&void, &sheet(answer));
            assert_eq!(
                (r.total, r.marks[0].1.outcome),
                (1.0, Outcome::Voided),
                "{answer:?}"
            );
        }
        assert_eq!(grade_sheet(&base(), &sheet(Some("b"))).total, 0.0);
        let twice = void.with_voided(&q1).unwrap_err();
        assert!(twice.to_string().contains("already void"), "{twice}");
        let missing = base()
            .with_voided(&QuestionId::parse("q9").unwrap())
            .unwrap_err();
        assert!(missing.to_string().contains("no question q9"), "{missing}");
        // An exam never voided serialises as before (its hash is unchanged).
        assert!(!serde_json::to_string(&base()).unwrap().contains("voided"));
    }

    #[test]
    fn a_good_exam_validates() {
        assert_eq!(base().validate(), Ok(()));
    }

    #[test]
    fn errors_name_the_question_and_field() {
        let mut e = base();
        if let QuestionKind::SingleChoice { correct, .. } = &mut e.questions[0].kind {
            *correct = "z".into();
        }
        let msg = e.validate().unwrap_err().to_string();
        assert!(
            msg.contains("question 1 (q1)") && msg.contains("correct"),
            "{msg}"
        );

        let mut e = base();
        e.questions.push(e.questions[0].clone());
        assert!(e
            .validate()
            .unwrap_err()
            .to_string()
            .contains("appears twice"));

        let mut e = base();
        e.questions[0].kind = QuestionKind::Numeric {
            value: f64::NAN,
            tolerance: Tolerance::Exact,
        };
        assert!(e.validate().unwrap_err().to_string().contains("value"));

        let mut e = base();
        e.pass_mark_pct = 101.0;
        assert!(e
            .validate()
            .unwrap_err()
            .to_string()
            .contains("pass_mark_pct"));
    }
}
