//! Marking rules. Every rule here is table-tested below.

use crate::exam::ExamSpec;
use crate::question::{
    Answer, ClozePart, GapKind, MultiScoring, NumericAnswer, OrderScoring, Question, QuestionId,
    QuestionKind, ScoredOption, TextAnswer, Tolerance,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Correct,
    Partial,
    Incorrect,
    Unanswered,
    /// An essay: a teacher has to mark it.
    AwaitingMarking,
    /// The question was voided after the exam: full marks, whatever the answer.
    Voided,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mark {
    pub awarded: f64,
    pub max: f64,
    pub outcome: Outcome,
    /// A marker's comment (essays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Mark {
    fn auto(awarded: f64, max: f64, outcome: Outcome) -> Mark {
        Mark {
            awarded,
            max,
            outcome,
            comment: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetResult {
    pub marks: Vec<(QuestionId, Mark)>,
    /// Sum of awarded marks, floored at 0.
    pub total: f64,
    pub max: f64,
    pub percentage: f64,
    pub passed: bool,
    /// True while any essay is unmarked: total and verdict are provisional.
    pub awaiting_marking: bool,
}

const EPS: f64 = 1e-9;

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Collapses runs of whitespace and trims.
fn normalise_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `*` matches any (possibly empty) run of characters; everything else literally.
fn wildcard_match(pattern: &[char], text: &[char]) -> bool {
    // Iterative matcher with backtracking to the last star: O(len^2) worst case.
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] != '*' && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// A candidate's number as they wrote it: a decimal comma, grouped thousands
/// and the minus sign read as meant; never infinity or NaN (`numbers`).
fn parse_number(s: &str) -> Option<f64> {
    crate::numbers::parse_written(s)
}

fn numeric_ok(x: f64, value: f64, tol: Tolerance) -> bool {
    let allowed = match tol {
        Tolerance::Exact => 0.0,
        Tolerance::Absolute(t) => t.abs(),
        Tolerance::Relative(r) => r.abs() * value.abs(),
    };
    // Boundaries are inclusive; the slack absorbs binary rounding (1.1 - 1.0 > 0.1).
    (x - value).abs() <= allowed + EPS * value.abs().max(1.0)
}

/// Whether `given` matches the accepted `pattern` (whitespace collapsed, case
/// folded unless `case_sensitive`, `*` a wildcard).
fn text_matches(pattern: &str, given: &str, case_sensitive: bool) -> bool {
    let fold = |s: &str| {
        let n = normalise_ws(s);
        if case_sensitive {
            n
        } else {
            n.to_lowercase()
        }
    };
    let given: Vec<char> = fold(given).chars().collect();
    let pat: Vec<char> = fold(pattern).chars().collect();
    wildcard_match(&pat, &given)
}

/// The best credit among the text answers `given` matches.
fn text_credit(answers: &[TextAnswer], given: &str, case_sensitive: bool) -> Option<f64> {
    answers
        .iter()
        .filter(|a| text_matches(&a.pattern, given, case_sensitive))
        .map(|a| a.credit)
        .reduce(f64::max)
}

/// The best credit among the numeric answers `given` is within tolerance of.
fn numeric_credit(answers: &[NumericAnswer], given: &str) -> Option<f64> {
    let x = parse_number(given)?;
    answers
        .iter()
        .filter(|a| numeric_ok(x, a.value, a.tolerance))
        .map(|a| a.credit)
        .reduce(f64::max)
}

fn option_credit(options: &[ScoredOption], id: &str) -> Option<f64> {
    options.iter().find(|o| o.id == id.trim()).map(|o| o.credit)
}

/// A mark from a share of the question's marks. A negative share is a penalty
/// and counts only when the exam uses negative marking.
fn credited(share: f64, max: f64, negative_marking: bool) -> Mark {
    let share = share.clamp(if negative_marking { -1.0 } else { 0.0 }, 1.0);
    let awarded = round6(max * share);
    let outcome = if share >= 1.0 - 1e-6 {
        Outcome::Correct
    } else if share > 0.0 {
        Outcome::Partial
    } else {
        Outcome::Incorrect
    };
    Mark::auto(awarded, max, outcome)
}

/// Marks one answer. `negative_marking` turns on the question's penalty for a
/// wrong answer; a blank answer never loses marks.
pub fn grade_question(q: &Question, answer: Option<&Answer>, negative_marking: bool) -> Mark {
    let max = q.marks;
    let answer = answer.filter(|a| !a.is_blank());
    let Some(answer) = answer else {
        // An empty essay has nothing to mark either: it scores 0 without a teacher.
        return Mark::auto(0.0, max, Outcome::Unanswered);
    };
    let wrong = || {
        Mark::auto(
            if negative_marking {
                -q.penalty.abs()
            } else {
                0.0
            },
            max,
            Outcome::Incorrect,
        )
    };
    let right = || Mark::auto(max, max, Outcome::Correct);
    let verdict = |ok: bool| if ok { right() } else { wrong() };

    match (&q.kind, answer) {
        (QuestionKind::SingleChoice { correct, .. }, Answer::Text(t)) => {
            verdict(t.trim() == correct)
        }
        (QuestionKind::TrueFalse { correct }, Answer::Text(t)) => {
            verdict(parse_bool(t) == Some(*correct))
        }
        (QuestionKind::Numeric { value, tolerance }, Answer::Text(t)) => {
            verdict(parse_number(t).is_some_and(|x| numeric_ok(x, *value, *tolerance)))
        }
        (
            QuestionKind::ShortText {
                accepted,
                case_sensitive,
            },
            Answer::Text(t),
        ) => verdict(accepted.iter().any(|a| text_matches(a, t, *case_sensitive))),
        (QuestionKind::WeightedChoice { options, .. }, Answer::Text(t)) => {
            match option_credit(options, t) {
                Some(c) if c > 0.0 || (c < 0.0 && negative_marking) => {
                    credited(c, max, negative_marking)
                }
                _ => wrong(),
            }
        }
        (QuestionKind::WeightedChoice { options, .. }, Answer::Choices(picked)) => {
            let picked: BTreeSet<&str> = picked.iter().map(|s| s.as_str()).collect();
            let sum: f64 = picked
                .iter()
                .filter_map(|id| option_credit(options, id))
                .sum();
            credited(sum, max, negative_marking)
        }
        (QuestionKind::NumericSet { answers }, Answer::Text(t)) => {
            match numeric_credit(answers, t) {
                Some(c) if c > 0.0 => credited(c, max, negative_marking),
                _ => wrong(),
            }
        }
        (
            QuestionKind::TextSet {
                answers,
                case_sensitive,
            },
            Answer::Text(t),
        ) => match text_credit(answers, t, *case_sensitive) {
            Some(c) if c > 0.0 => credited(c, max, negative_marking),
            _ => wrong(),
        },
        (
            QuestionKind::Matching {
                pairs,
                scores: Some(scores),
                ..
            },
            Answer::Map(given),
        ) => credited(
            scores.share(pairs, given, |a, b| normalise_ws(a) == normalise_ws(b)),
            max,
            false,
        ),
        (QuestionKind::Matching { pairs, .. }, Answer::Map(given)) => {
            let right = pairs
                .iter()
                .filter(|p| {
                    given
                        .get(&p.id)
                        .is_some_and(|g| normalise_ws(g) == normalise_ws(&p.answer))
                })
                .count();
            credited(right as f64 / pairs.len().max(1) as f64, max, false)
        }
        (QuestionKind::Ordering { items, scoring }, Answer::Choices(order)) => {
            let in_place = items
                .iter()
                .zip(order.iter())
                .filter(|(item, given)| &item.id == *given)
                .count();
            let whole = in_place == items.len() && order.len() == items.len();
            match scoring {
                OrderScoring::Exact => verdict(whole),
                OrderScoring::ByPosition => {
                    credited(in_place as f64 / items.len().max(1) as f64, max, false)
                }
            }
        }
        (QuestionKind::Cloze { parts }, Answer::Map(given)) => {
            let (mut earned, mut weights) = (0.0, 0.0);
            for part in parts {
                let ClozePart::Gap(g) = part else { continue };
                weights += g.weight;
                let Some(v) = given.get(&g.id).filter(|v| !v.trim().is_empty()) else {
                    continue;
                };
                let credit = match &g.kind {
                    GapKind::Text {
                        answers,
                        case_sensitive,
                    } => text_credit(answers, v, *case_sensitive),
                    GapKind::Numeric { answers } => numeric_credit(answers, v),
                    GapKind::Choice { options } => option_credit(options, v),
                    GapKind::Choices { options } => {
                        let mut picked: Vec<&str> = GapKind::picks(v);
                        picked.sort_unstable();
                        picked.dedup();
                        Some(
                            picked
                                .into_iter()
                                .filter_map(|id| option_credit(options, id))
                                .sum::<f64>()
                                .clamp(0.0, 1.0),
                        )
                    }
                };
                earned += g.weight * credit.unwrap_or(0.0).max(0.0);
            }
            credited(earned / weights.max(f64::MIN_POSITIVE), max, false)
        }
        (QuestionKind::Essay { .. }, Answer::Text(_)) => {
            Mark::auto(0.0, max, Outcome::AwaitingMarking)
        }
        (
            QuestionKind::MultipleResponse {
                options,
                correct,
                scoring,
            },
            Answer::Choices(picked),
        ) => {
            let picked: BTreeSet<&str> = picked.iter().map(|s| s.as_str()).collect();
            let key: BTreeSet<&str> = correct.iter().map(|s| s.as_str()).collect();
            match scoring {
                MultiScoring::AllOrNothing => verdict(picked == key),
                MultiScoring::Partial => {
                    let n_right = picked.intersection(&key).count() as f64;
                    let n_wrong = picked.difference(&key).count() as f64;
                    let n_incorrect_options = (options.len() - key.len()).max(1) as f64;
                    let raw = max * n_right / key.len().max(1) as f64
                        - max * n_wrong / n_incorrect_options;
                    let awarded = round6(raw.max(0.0));
                    let outcome = if picked == key {
                        Outcome::Correct
                    } else if awarded > 0.0 {
                        Outcome::Partial
                    } else {
                        Outcome::Incorrect
                    };
                    Mark::auto(awarded, max, outcome)
                }
            }
        }
        // An answer of the wrong shape (a list for a text question or the reverse)
        // is a wrong answer, not a crash.
        _ => wrong(),
    }
}

/// Marks a whole answer sheet against an exam.
/// The feedback a candidate reads for their answer (`q` as the attempt sat
/// it): the picked options' feedback, the feedback of the accepted answer their
/// text or number matched (the best one), a cloze's per gap, then the
/// question's general feedback. Empty when there is none.
pub fn feedback_for(q: &Question, answer: Option<&Answer>) -> Vec<String> {
    use crate::question::{ClozePart, GapKind};
    let mut out: Vec<String> = vec![];
    let best_text = |answers: &[TextAnswer], given: &str, cs: bool| {
        answers
            .iter()
            .filter(|a| text_matches(&a.pattern, given, cs))
            .max_by(|a, b| a.credit.total_cmp(&b.credit))
            .and_then(|a| a.feedback.clone())
    };
    let best_number = |answers: &[NumericAnswer], given: &str| {
        let x = parse_number(given)?;
        answers
            .iter()
            .filter(|a| numeric_ok(x, a.value, a.tolerance))
            .max_by(|a, b| a.credit.total_cmp(&b.credit))
            .and_then(|a| a.feedback.clone())
    };
    let picked = |options: &[ScoredOption], id: &str| {
        options
            .iter()
            .find(|o| o.id == id.trim())
            .and_then(|o| o.feedback.clone())
    };
    match (&q.kind, answer.filter(|a| !a.is_blank())) {
        (QuestionKind::WeightedChoice { options, .. }, Some(Answer::Text(id))) => {
            out.extend(picked(options, id));
        }
        (QuestionKind::WeightedChoice { options, .. }, Some(Answer::Choices(ids))) => {
            out.extend(ids.iter().filter_map(|id| picked(options, id)));
        }
        (
            QuestionKind::TextSet {
                answers,
                case_sensitive,
            },
            Some(Answer::Text(t)),
        ) => out.extend(best_text(answers, t, *case_sensitive)),
        (QuestionKind::NumericSet { answers }, Some(Answer::Text(t))) => {
            out.extend(best_number(answers, t));
        }
        (QuestionKind::Cloze { parts }, Some(Answer::Map(m))) => {
            for p in parts {
                let ClozePart::Gap(g) = p else { continue };
                let Some(given) = m.get(&g.id).filter(|v| !v.trim().is_empty()) else {
                    continue;
                };
                out.extend(match &g.kind {
                    GapKind::Text {
                        answers,
                        case_sensitive,
                    } => best_text(answers, given, *case_sensitive),
                    GapKind::Numeric { answers } => best_number(answers, given),
                    GapKind::Choice { options } => picked(options, given),
                    GapKind::Choices { options } => {
                        let all: Vec<String> = GapKind::picks(given)
                            .into_iter()
                            .filter_map(|id| picked(options, id))
                            .collect();
                        (!all.is_empty()).then(|| all.join(" "))
                    }
                });
            }
        }
        _ => {}
    }
    out.extend(q.general_feedback.clone());
    out.retain(|f| !f.trim().is_empty());
    out
}

pub fn grade_sheet(exam: &ExamSpec, answers: &BTreeMap<QuestionId, Answer>) -> SheetResult {
    let marks: Vec<(QuestionId, Mark)> = exam
        .questions
        .iter()
        .map(|q| {
            let mark = if exam.voided.contains(&q.id) {
                Mark::auto(q.marks, q.marks, Outcome::Voided)
            } else {
                grade_question(q, answers.get(&q.id), exam.negative_marking)
            };
            (q.id.clone(), mark)
        })
        .collect();
    SheetResult::from_marks(marks, exam.pass_mark_pct)
}

/// The result an attempt's event log earns under `exam` (with its keys as they
/// stand now), by this machine's own arithmetic: the last answer set for each
/// question, graded afresh, then every marker's essay mark in the log's order.
/// Only the events are believed; any total the log carries is ignored.
pub fn grade_log(
    exam: &ExamSpec,
    attempt_id: &str,
    events: &[crate::events::AttemptEvent],
) -> Result<SheetResult, MarkingError> {
    use crate::events::AttemptEvent;
    let sat = exam.for_attempt(attempt_id);
    let mut answers = BTreeMap::new();
    for e in events {
        if let AttemptEvent::AnswerSet { question, answer } = e {
            match answer {
                Some(a) => answers.insert(question.clone(), a.clone()),
                None => answers.remove(question),
            };
        }
    }
    let mut sheet = grade_sheet(&sat, &answers);
    for e in events {
        if let AttemptEvent::EssayMarked {
            question,
            mark,
            comment,
            ..
        } = e
        {
            // A voided question keeps its full marks, whatever a marker gave.
            if !sat.voided.contains(question) {
                sheet =
                    sheet.with_manual_mark(question, *mark, comment.clone(), sat.pass_mark_pct)?;
            }
        }
    }
    Ok(sheet)
}

/// Grades a sheet again (after a key correction), keeping every mark a teacher
/// gave by hand: those answers are not auto-graded, so no key can change them.
pub fn regrade_sheet(
    exam: &ExamSpec,
    answers: &BTreeMap<QuestionId, Answer>,
    previous: &SheetResult,
) -> SheetResult {
    let fresh = grade_sheet(exam, answers);
    let marks = fresh
        .marks
        .into_iter()
        .map(|(qid, mark)| {
            let manual = !exam.voided.contains(&qid)
                && exam.questions.iter().any(|q| {
                    q.id == qid && matches!(q.kind, crate::question::QuestionKind::Essay { .. })
                });
            let kept = manual
                .then(|| previous.marks.iter().find(|(p, _)| p == &qid))
                .flatten()
                .map(|(_, m)| m.clone());
            (qid, kept.unwrap_or(mark))
        })
        .collect();
    SheetResult::from_marks(marks, exam.pass_mark_pct)
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MarkingError {
    #[error("question {0} is not on this answer sheet")]
    UnknownQuestion(String),
    #[error("a mark must be between 0 and {max} (got {given})")]
    OutOfRange { given: f64, max: f64 },
}

impl SheetResult {
    /// Totals, percentage, verdict and the awaiting-marking flag of a set of marks.
    pub fn from_marks(marks: Vec<(QuestionId, Mark)>, pass_mark_pct: f64) -> SheetResult {
        let total = round6(marks.iter().map(|(_, m)| m.awarded).sum::<f64>().max(0.0));
        let max = round6(marks.iter().map(|(_, m)| m.max).sum::<f64>());
        let percentage = if max > 0.0 {
            round6(100.0 * total / max)
        } else {
            0.0
        };
        let awaiting_marking = marks
            .iter()
            .any(|(_, m)| m.outcome == Outcome::AwaitingMarking);
        SheetResult {
            passed: percentage + EPS >= pass_mark_pct,
            marks,
            total,
            max,
            percentage,
            awaiting_marking,
        }
    }

    /// Puts a marker's mark on one question (an essay) and recomputes the sheet.
    pub fn with_manual_mark(
        self,
        question: &QuestionId,
        mark: f64,
        comment: Option<String>,
        pass_mark_pct: f64,
    ) -> Result<SheetResult, MarkingError> {
        let mut marks = self.marks;
        let slot = marks
            .iter_mut()
            .find(|(q, _)| q == question)
            .ok_or_else(|| MarkingError::UnknownQuestion(question.to_string()))?;
        let max = slot.1.max;
        if !(mark.is_finite() && (0.0..=max).contains(&mark)) {
            return Err(MarkingError::OutOfRange { given: mark, max });
        }
        let outcome = if mark >= max {
            Outcome::Correct
        } else if mark > 0.0 {
            Outcome::Partial
        } else {
            Outcome::Incorrect
        };
        slot.1 = Mark {
            awarded: round6(mark),
            max,
            outcome,
            comment,
        };
        Ok(SheetResult::from_marks(marks, pass_mark_pct))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question::ChoiceOption;

    #[test]
    fn a_regrade_follows_the_new_key_but_keeps_hand_marks() {
        let q = |id: &str, marks: f64, kind: QuestionKind| Question {
            id: QuestionId::parse(id).unwrap(),
            prompt: id.into(),
            marks,
            penalty: 0.0,
            general_feedback: None,
            kind,
        };
        let mut e = exam(
            vec![
                q("q1", 1.0, QuestionKind::TrueFalse { correct: true }),
                q("q2", 3.0, QuestionKind::essay()),
            ],
            false,
        );
        let answers: BTreeMap<QuestionId, Answer> = [
            (
                QuestionId::parse("q1").unwrap(),
                Answer::Text("false".into()),
            ),
            (
                QuestionId::parse("q2").unwrap(),
                Answer::Text("essay".into()),
            ),
        ]
        .into_iter()
        .collect();
        let marked = grade_sheet(&e, &answers)
            .with_manual_mark(
                &QuestionId::parse("q2").unwrap(),
                2.0,
                Some("ok".into()),
                50.0,
            )
            .unwrap();
        assert_eq!((marked.total, marked.passed), (2.0, true));
        e.questions[0].kind = QuestionKind::TrueFalse { correct: false };
        let again = regrade_sheet(&e, &answers, &marked);
        assert_eq!(again.total, 3.0);
        assert_eq!(again.marks[1].1.comment.as_deref(), Some("ok"));
        assert!(!again.awaiting_marking);
    }

    #[test]
    fn feedback_follows_the_answer_and_ends_with_the_general_feedback() {
        let scored = |id: &str, credit: f64, fb: Option<&str>| ScoredOption {
            id: id.into(),
            text: id.to_uppercase(),
            credit,
            feedback: fb.map(str::to_owned),
        };
        let mut q = q(QuestionKind::WeightedChoice {
            options: vec![
                scored("a", 1.0, Some("Right: Mercury is closest.")),
                scored("b", 0.0, Some("Venus is second.")),
                scored("c", 0.0, None),
            ],
            multiple: false,
        });
        q.general_feedback = Some("See chapter 2.".into());
        let t = |s: &str| Answer::Text(s.into());
        assert_eq!(
            feedback_for(&q, Some(&t("b"))),
            vec!["Venus is second.", "See chapter 2."]
        );
        assert_eq!(feedback_for(&q, Some(&t("c"))), vec!["See chapter 2."]);
        assert_eq!(feedback_for(&q, None), vec!["See chapter 2."]);
        let num = Question {
            general_feedback: None,
            ..super::tests::q(QuestionKind::NumericSet {
                answers: vec![
                    NumericAnswer {
                        value: 9.81,
                        tolerance: Tolerance::Absolute(0.01),
                        credit: 1.0,
                        feedback: Some("Exactly.".into()),
                    },
                    NumericAnswer {
                        value: 9.81,
                        tolerance: Tolerance::Absolute(0.5),
                        credit: 0.5,
                        feedback: Some("Close.".into()),
                    },
                ],
            })
        };
        assert_eq!(
            feedback_for(&num, Some(&t("9,81"))),
            vec!["Exactly."],
            "the best match"
        );
        assert_eq!(feedback_for(&num, Some(&t("9.5"))), vec!["Close."]);
        assert!(feedback_for(&num, Some(&t("20"))).is_empty());
    }

    fn opts(ids: &[&str]) -> Vec<ChoiceOption> {
        ids.iter()
            .map(|i| ChoiceOption {
                id: (*i).into(),
                text: format!("option {i}"),
            })
            .collect()
    }

    fn q(kind: QuestionKind) -> Question {
        Question {
            id: QuestionId::parse("q").unwrap(),
            prompt: "?".into(),
            marks: 2.0,
            penalty: 0.5,
            general_feedback: None,
            kind,
        }
    }

    fn t(s: &str) -> Option<Answer> {
        Some(Answer::Text(s.into()))
    }
    fn c(ids: &[&str]) -> Option<Answer> {
        Some(Answer::Choices(ids.iter().map(|s| (*s).into()).collect()))
    }

    /// `(answer, negative marking, expected marks, expected outcome, why)`.
    type Case = (Option<Answer>, bool, f64, Outcome, &'static str);

    fn check(question: &Question, cases: &[Case]) {
        for (answer, neg, marks, outcome, why) in cases {
            let got = grade_question(question, answer.as_ref(), *neg);
            assert!(
                (got.awarded - marks).abs() < 1e-9 && got.outcome == *outcome,
                "{} / {answer:?} (negative marking {neg}): expected {marks} {outcome:?}, got {} {:?} -- {why}",
                question.kind.type_name(),
                got.awarded,
                got.outcome
            );
            assert_eq!(
                got.max, question.marks,
                "max is always the question's marks"
            );
        }
    }

    use Outcome::*;

    #[test]
    fn single_choice() {
        let question = q(QuestionKind::SingleChoice {
            options: opts(&["a", "b", "c"]),
            correct: "b".into(),
        });
        check(
            &question,
            &[
                (t("b"), false, 2.0, Correct, "the key"),
                (
                    t(" b "),
                    false,
                    2.0,
                    Correct,
                    "surrounding whitespace is not a different option",
                ),
                (t("a"), false, 0.0, Incorrect, "a distractor"),
                (
                    t("a"),
                    true,
                    -0.5,
                    Incorrect,
                    "negative marking takes the penalty",
                ),
                (t("B"), false, 0.0, Incorrect, "option ids are exact"),
                (None, true, 0.0, Unanswered, "blank never loses marks"),
                (t("   "), true, 0.0, Unanswered, "whitespace only is blank"),
                (
                    c(&["b"]),
                    false,
                    0.0,
                    Incorrect,
                    "wrong answer shape is wrong, not a crash",
                ),
            ],
        );
    }

    #[test]
    fn multiple_response_all_or_nothing() {
        let question = q(QuestionKind::MultipleResponse {
            options: opts(&["a", "b", "c", "d"]),
            correct: vec!["a".into(), "c".into()],
            scoring: MultiScoring::AllOrNothing,
        });
        check(
            &question,
            &[
                (c(&["a", "c"]), false, 2.0, Correct, "exact set"),
                (c(&["c", "a"]), false, 2.0, Correct, "order does not matter"),
                (
                    c(&["a", "c", "c"]),
                    false,
                    2.0,
                    Correct,
                    "a duplicate pick is one pick",
                ),
                (c(&["a"]), false, 0.0, Incorrect, "a subset earns nothing"),
                (
                    c(&["a", "b", "c"]),
                    true,
                    -0.5,
                    Incorrect,
                    "a superset is wrong; penalty applies",
                ),
                (c(&[]), true, 0.0, Unanswered, "nothing ticked is blank"),
            ],
        );
    }

    #[test]
    fn multiple_response_partial_credit() {
        // 2 correct of 4 options: +1 per correct pick, -1 per wrong pick (2 marks / 2 wrong options).
        let question = q(QuestionKind::MultipleResponse {
            options: opts(&["a", "b", "c", "d"]),
            correct: vec!["a".into(), "c".into()],
            scoring: MultiScoring::Partial,
        });
        check(
            &question,
            &[
                (c(&["a", "c"]), false, 2.0, Correct, "all correct"),
                (c(&["a"]), false, 1.0, Partial, "half the key"),
                (
                    c(&["a", "b"]),
                    false,
                    0.0,
                    Incorrect,
                    "a wrong pick cancels a right one",
                ),
                (
                    c(&["a", "b", "d"]),
                    false,
                    0.0,
                    Incorrect,
                    "floored at 0, never negative",
                ),
                (
                    c(&["a", "b", "c", "d"]),
                    false,
                    0.0,
                    Incorrect,
                    "ticking everything earns nothing",
                ),
                (
                    c(&["a", "c", "b"]),
                    true,
                    1.0,
                    Partial,
                    "partial is its own penalty; no extra negative",
                ),
            ],
        );
    }

    #[test]
    fn true_false() {
        let question = q(QuestionKind::TrueFalse { correct: true });
        check(
            &question,
            &[
                (t("true"), false, 2.0, Correct, "lower case"),
                (t("True"), false, 2.0, Correct, "capitalised"),
                (t(" TRUE "), false, 2.0, Correct, "shouting with spaces"),
                (t("false"), true, -0.5, Incorrect, "wrong with penalty"),
                (t("yes"), false, 0.0, Incorrect, "not a boolean"),
            ],
        );
    }

    /// A range `from..to` is kept as its middle ± half its width (the bank's
    /// form, a cloze's `[[# a .. b]]`): both ends, written as typed, are right.
    #[test]
    fn a_range_as_middle_and_half_width_includes_both_ends() {
        for (from, to) in [
            (9.7, 9.9),
            (0.1, 0.3),
            (-1.35, 2.2),
            (1e-7, 3e-7),
            (1234.5, 1234.55),
        ] {
            let half: f64 = (to - from) / 2.0;
            let range = q(QuestionKind::Numeric {
                value: from + half,
                tolerance: Tolerance::Absolute(half),
            });
            let graded = |x: f64| grade_question(&range, t(&x.to_string()).as_ref(), false).outcome;
            assert_eq!(graded(from), Correct, "{from}..{to}: {from}");
            assert_eq!(graded(to), Correct, "{from}..{to}: {to}");
            let outside = (to - from) / 100.0;
            assert_eq!(graded(from - outside), Incorrect, "{from}..{to}: below");
            assert_eq!(graded(to + outside), Incorrect, "{from}..{to}: above");
        }
    }

    #[test]
    fn numeric_exact_and_tolerances() {
        let exact = q(QuestionKind::Numeric {
            value: 42.0,
            tolerance: Tolerance::Exact,
        });
        check(
            &exact,
            &[
                (t("42"), false, 2.0, Correct, "integer form"),
                (
                    t("42.0"),
                    false,
                    2.0,
                    Correct,
                    "42 and 42.0 are the same number",
                ),
                (t(" 4.2e1 "), false, 2.0, Correct, "scientific notation"),
                (t("42.001"), false, 0.0, Incorrect, "exact means exact"),
                (
                    t("forty-two"),
                    true,
                    -0.5,
                    Incorrect,
                    "not a number is wrong",
                ),
                (t("NaN"), false, 0.0, Incorrect, "NaN is not an answer"),
                (t("inf"), false, 0.0, Incorrect, "infinity is not an answer"),
            ],
        );
        // Numbers as candidates write them (the rule: `numbers::parse_written`).
        let g = q(QuestionKind::Numeric {
            value: 9.81,
            tolerance: Tolerance::Absolute(0.01),
        });
        check(
            &g,
            &[
                (
                    t("9,81"),
                    false,
                    2.0,
                    Correct,
                    "a decimal comma, as French writes it",
                ),
                (
                    t(" 9,8 "),
                    false,
                    2.0,
                    Correct,
                    "within tolerance, with a comma",
                ),
                (t("+9,81"), false, 2.0, Correct, "an explicit sign"),
                (
                    t("9,81e0"),
                    false,
                    2.0,
                    Correct,
                    "a comma in scientific notation",
                ),
                (
                    t("9,,81"),
                    false,
                    0.0,
                    Incorrect,
                    "two commas together are no number",
                ),
                (
                    t("9,81,"),
                    false,
                    0.0,
                    Incorrect,
                    "a trailing separator is no number",
                ),
            ],
        );
        let big = q(QuestionKind::Numeric {
            value: 1234.5,
            tolerance: Tolerance::Exact,
        });
        check(
            &big,
            &[
                (t("1234,5"), false, 2.0, Correct, "decimal comma"),
                (
                    t("1 234,5"),
                    false,
                    2.0,
                    Correct,
                    "a space between thousands",
                ),
                (
                    t("1\u{202f}234,5"),
                    false,
                    2.0,
                    Correct,
                    "a narrow no-break space between thousands, as French typesetting does",
                ),
                (
                    t("1.234,5"),
                    false,
                    2.0,
                    Correct,
                    "dots between thousands, comma for the decimals",
                ),
                (
                    t("1,234.5"),
                    false,
                    2.0,
                    Correct,
                    "commas between thousands, point for the decimals",
                ),
                (t("1 23,5"), false, 0.0, Incorrect, "groups of three only"),
            ],
        );
        let neg = q(QuestionKind::Numeric {
            value: -0.5,
            tolerance: Tolerance::Exact,
        });
        check(
            &neg,
            &[
                (t("-0,5"), false, 2.0, Correct, "negative with a comma"),
                (
                    t("\u{2212}0,5"),
                    false,
                    2.0,
                    Correct,
                    "the minus sign character",
                ),
                (t(",5"), false, 0.0, Incorrect, "-0.5 is not 0.5"),
            ],
        );
        // The ambiguous form: one comma is always the decimal separator, so
        // 1,234 is one point two three four (as the French and most European
        // screens write it), never one thousand two hundred and thirty-four.
        let amb = q(QuestionKind::Numeric {
            value: 1.234,
            tolerance: Tolerance::Exact,
        });
        check(
            &amb,
            &[(
                t("1,234"),
                false,
                2.0,
                Correct,
                "one comma: the decimal comma",
            )],
        );
        let thousands = q(QuestionKind::Numeric {
            value: 1_234_567.0,
            tolerance: Tolerance::Exact,
        });
        check(
            &thousands,
            &[
                (
                    t("1,234,567"),
                    false,
                    2.0,
                    Correct,
                    "several commas: thousands",
                ),
                (
                    t("1.234.567"),
                    false,
                    2.0,
                    Correct,
                    "several dots: thousands",
                ),
                (t("1 234 567"), false, 2.0, Correct, "spaces: thousands"),
                (
                    t("1,23,4567"),
                    false,
                    0.0,
                    Incorrect,
                    "uneven groups are no number",
                ),
            ],
        );
        let abs = q(QuestionKind::Numeric {
            value: 1.0,
            tolerance: Tolerance::Absolute(0.1),
        });
        check(
            &abs,
            &[
                (
                    t("1.1"),
                    false,
                    2.0,
                    Correct,
                    "upper boundary is inclusive despite 1.1-1.0 > 0.1 in binary",
                ),
                (t("0.9"), false, 2.0, Correct, "lower boundary is inclusive"),
                (t("1.1001"), false, 0.0, Incorrect, "just outside"),
                (t("0.8999"), false, 0.0, Incorrect, "just outside below"),
            ],
        );
        let rel = q(QuestionKind::Numeric {
            value: 200.0,
            tolerance: Tolerance::Relative(0.05),
        });
        check(
            &rel,
            &[
                (t("210"), false, 2.0, Correct, "+5% boundary"),
                (t("190"), false, 2.0, Correct, "-5% boundary"),
                (t("210.5"), false, 0.0, Incorrect, "beyond 5%"),
            ],
        );
        let neg = q(QuestionKind::Numeric {
            value: -3.5,
            tolerance: Tolerance::Relative(0.1),
        });
        check(
            &neg,
            &[(
                t("-3.15"),
                false,
                2.0,
                Correct,
                "relative tolerance uses |value|",
            )],
        );
    }

    #[test]
    fn short_text() {
        let question = q(QuestionKind::ShortText {
            accepted: vec!["Paris".into(), "the city of *".into()],
            case_sensitive: false,
        });
        check(
            &question,
            &[
                (t("paris"), false, 2.0, Correct, "case-insensitive"),
                (t("  PARIS  "), false, 2.0, Correct, "trimmed"),
                (
                    t("the   city of  light"),
                    false,
                    2.0,
                    Correct,
                    "inner whitespace collapsed; wildcard",
                ),
                (
                    t("the city of "),
                    false,
                    0.0,
                    Incorrect,
                    "trimmed, it lacks the literal space before the star",
                ),
                (
                    t("the city of x"),
                    false,
                    2.0,
                    Correct,
                    "wildcard matches a single character",
                ),
                (t("Pariss"), true, -0.5, Incorrect, "no fuzzy matching"),
                (
                    t("a city of light"),
                    false,
                    0.0,
                    Incorrect,
                    "wildcard does not free the prefix",
                ),
            ],
        );
        let sensitive = q(QuestionKind::ShortText {
            accepted: vec!["NaCl".into(), "*ium".into()],
            case_sensitive: true,
        });
        check(
            &sensitive,
            &[
                (t("NaCl"), false, 2.0, Correct, "exact case"),
                (t("nacl"), false, 0.0, Incorrect, "case matters when asked"),
                (t("Sodium"), false, 2.0, Correct, "leading wildcard"),
                (
                    t("SodiuM"),
                    false,
                    0.0,
                    Incorrect,
                    "case applies to the literal part too",
                ),
            ],
        );
    }

    #[test]
    fn wildcard_matcher_edges() {
        let m = |p: &str, t: &str| {
            wildcard_match(
                &p.chars().collect::<Vec<_>>(),
                &t.chars().collect::<Vec<_>>(),
            )
        };
        assert!(m("*", ""));
        assert!(m("a*b*c", "aXXbYYc"));
        assert!(m("a*b*c", "abc"));
        assert!(!m("a*b*c", "acb"));
        assert!(m("**x", "x"));
        assert!(!m("", "x"));
    }

    #[test]
    fn essay_awaits_marking() {
        let question = q(QuestionKind::essay());
        check(
            &question,
            &[
                (
                    t("A long answer."),
                    true,
                    0.0,
                    AwaitingMarking,
                    "never auto-graded, never penalised",
                ),
                (
                    t(""),
                    false,
                    0.0,
                    Unanswered,
                    "an empty essay has nothing to mark",
                ),
            ],
        );
    }

    fn exam(questions: Vec<Question>, negative: bool) -> ExamSpec {
        ExamSpec {
            voided: vec![],
            feedback: Default::default(),
            window: Default::default(),
            order: Default::default(),
            navigation: Default::default(),
            sections: vec![],
            title: "T".into(),
            duration_secs: 600,
            pass_mark_pct: 50.0,
            negative_marking: negative,
            release: crate::exam::ResultRelease::Immediately,
            question_marks: true,
            questions,
        }
    }

    fn qid(s: &str) -> QuestionId {
        QuestionId::parse(s).unwrap()
    }

    #[test]
    fn sheet_total_is_floored_at_zero_and_pass_mark_is_inclusive() {
        let mk = |id: &str| Question {
            id: qid(id),
            ..q(QuestionKind::TrueFalse { correct: true })
        };
        let e = exam(vec![mk("a"), mk("b")], true);
        let mut answers = BTreeMap::new();
        answers.insert(qid("a"), Answer::Text("false".into()));
        answers.insert(qid("b"), Answer::Text("false".into()));
        let r = grade_sheet(&e, &answers);
        assert_eq!(
            r.total, 0.0,
            "two penalties must not push the total below 0"
        );
        assert!(!r.passed);

        answers.insert(qid("a"), Answer::Text("true".into()));
        answers.remove(&qid("b"));
        let r = grade_sheet(&e, &answers);
        assert_eq!((r.total, r.max, r.percentage), (2.0, 4.0, 50.0));
        assert!(r.passed, "exactly the pass mark passes");
        assert!(!r.awaiting_marking);
    }

    #[test]
    fn a_manual_mark_completes_the_sheet_and_can_cross_the_pass_mark() {
        let e = exam(
            vec![
                Question {
                    id: qid("e"),
                    ..q(QuestionKind::essay())
                },
                Question {
                    id: qid("t"),
                    ..q(QuestionKind::TrueFalse { correct: true })
                },
            ],
            false,
        );
        let answers = BTreeMap::from([
            (qid("e"), Answer::Text("words".into())),
            (qid("t"), Answer::Text("false".into())),
        ]);
        let r = grade_sheet(&e, &answers);
        assert!((r.awaiting_marking, r.total, r.passed) == (true, 0.0, false));
        let marked = r
            .clone()
            .with_manual_mark(&qid("e"), 2.0, Some("Good.".into()), 50.0)
            .unwrap();
        assert_eq!(
            (marked.awaiting_marking, marked.total, marked.percentage),
            (false, 2.0, 50.0)
        );
        assert!(marked.passed, "2 of 4 reaches the 50% pass mark");
        assert_eq!(marked.marks[0].1.comment.as_deref(), Some("Good."));
        assert_eq!(marked.marks[0].1.outcome, Correct);
        assert_eq!(
            r.clone().with_manual_mark(&qid("e"), 2.5, None, 50.0),
            Err(MarkingError::OutOfRange {
                given: 2.5,
                max: 2.0
            })
        );
        assert!(r
            .clone()
            .with_manual_mark(&qid("e"), f64::NAN, None, 50.0)
            .is_err());
        assert!(matches!(
            r.with_manual_mark(&qid("zz"), 1.0, None, 50.0),
            Err(MarkingError::UnknownQuestion(_))
        ));
    }

    #[test]
    fn sheet_with_an_essay_is_provisional() {
        let e = exam(
            vec![
                Question {
                    id: qid("e"),
                    ..q(QuestionKind::essay())
                },
                Question {
                    id: qid("t"),
                    ..q(QuestionKind::TrueFalse { correct: false })
                },
            ],
            false,
        );
        let answers = BTreeMap::from([
            (qid("e"), Answer::Text("words".into())),
            (qid("t"), Answer::Text("False".into())),
        ]);
        let r = grade_sheet(&e, &answers);
        assert!(r.awaiting_marking);
        assert_eq!(r.total, 2.0);
        assert_eq!(r.marks.len(), 2, "one mark per question, in exam order");
        assert_eq!(r.marks[0].1.outcome, AwaitingMarking);
    }
}
