//! An attempt as staff review it: each answer and each key in words (option
//! texts rather than ids, pairs written `item → answer`), so the review screen,
//! exports and reports read the same. `q` is the question as the attempt sat it
//! ([`Question::for_attempt`]).

use crate::question::{ClozePart, GapKind, Question, QuestionKind, Tolerance};
use crate::Answer;

/// What the candidate answered, in words.
pub fn answer_words(q: &Question, answer: &Answer) -> String {
    let option = |id: &str| option_text(&q.kind, id).unwrap_or_else(|| id.to_owned());
    match (&q.kind, answer) {
        (QuestionKind::TrueFalse { .. }, Answer::Text(t)) => match t.trim() {
            "true" => "True".into(),
            "false" => "False".into(),
            other => other.to_owned(),
        },
        (
            QuestionKind::SingleChoice { .. } | QuestionKind::WeightedChoice { .. },
            Answer::Text(id),
        ) => option(id),
        (_, Answer::Text(t)) => t.clone(),
        (QuestionKind::Ordering { items, .. }, Answer::Choices(ids)) => ids
            .iter()
            .map(|id| {
                items
                    .iter()
                    .find(|i| &i.id == id)
                    .map_or(id.clone(), |i| i.text.clone())
            })
            .collect::<Vec<_>>()
            .join(" < "),
        (_, Answer::Choices(ids)) => ids
            .iter()
            .map(|id| option(id))
            .collect::<Vec<_>>()
            .join("; "),
        (QuestionKind::Matching { pairs, .. }, Answer::Map(m)) => pairs
            .iter()
            .filter_map(|p| m.get(&p.id).map(|a| format!("{} → {a}", p.prompt)))
            .collect::<Vec<_>>()
            .join("; "),
        (QuestionKind::Cloze { parts }, Answer::Map(m)) => parts
            .iter()
            .filter_map(|part| match part {
                ClozePart::Gap(g) => m.get(&g.id).map(|given| {
                    let shown = match &g.kind {
                        GapKind::Choice { options } | GapKind::Choices { options } => {
                            GapKind::picks(given)
                                .iter()
                                .map(|id| {
                                    options
                                        .iter()
                                        .find(|o| &o.id == id)
                                        .map_or((*id).to_owned(), |o| o.text.clone())
                                })
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                        _ => given.clone(),
                    };
                    format!("[{}] {shown}", g.id)
                }),
                ClozePart::Text { .. } => None,
            })
            .collect::<Vec<_>>()
            .join("; "),
        (_, Answer::Map(m)) => m
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// The question's key, in words ("—" for an essay, which a teacher marks).
pub fn key_words(q: &Question) -> String {
    let tol = |t: &Tolerance, value: f64| match t {
        Tolerance::Exact => String::new(),
        Tolerance::Absolute(a) => format!(" ± {a}"),
        Tolerance::Relative(r) => format!(" ± {}", crate::calculated::show(r * value.abs())),
    };
    let credit = |c: f64| {
        if (c - 1.0).abs() < 1e-9 {
            String::new()
        } else {
            format!(" ({}%)", crate::calculated::show(c * 100.0))
        }
    };
    match &q.kind {
        QuestionKind::SingleChoice { correct, .. } => {
            option_text(&q.kind, correct).unwrap_or_else(|| correct.clone())
        }
        QuestionKind::MultipleResponse { correct, .. } => correct
            .iter()
            .map(|id| option_text(&q.kind, id).unwrap_or_else(|| id.clone()))
            .collect::<Vec<_>>()
            .join("; "),
        QuestionKind::TrueFalse { correct } => if *correct { "True" } else { "False" }.into(),
        QuestionKind::Numeric { value, tolerance } => {
            format!(
                "{}{}",
                crate::calculated::show(*value),
                tol(tolerance, *value)
            )
        }
        QuestionKind::ShortText { accepted, .. } => accepted.join(" | "),
        // An essay has no key; its marking guidance is what a reviewer checks against.
        QuestionKind::Essay { guidance } => guidance
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .unwrap_or("—")
            .into(),
        QuestionKind::WeightedChoice { options, .. } => options
            .iter()
            .filter(|o| o.credit > 0.0)
            .map(|o| format!("{}{}", o.text, credit(o.credit)))
            .collect::<Vec<_>>()
            .join("; "),
        QuestionKind::NumericSet { answers } => answers
            .iter()
            .filter(|a| a.credit > 0.0)
            .map(|a| {
                format!(
                    "{}{}{}",
                    crate::calculated::show(a.value),
                    tol(&a.tolerance, a.value),
                    credit(a.credit)
                )
            })
            .collect::<Vec<_>>()
            .join(" | "),
        QuestionKind::TextSet { answers, .. } => answers
            .iter()
            .filter(|a| a.credit > 0.0)
            .map(|a| format!("{}{}", a.pattern, credit(a.credit)))
            .collect::<Vec<_>>()
            .join(" | "),
        QuestionKind::Matching { pairs, .. } => pairs
            .iter()
            .map(|p| format!("{} → {}", p.prompt, p.answer))
            .collect::<Vec<_>>()
            .join("; "),
        QuestionKind::Ordering { items, .. } => items
            .iter()
            .map(|i| i.text.clone())
            .collect::<Vec<_>>()
            .join(" < "),
        QuestionKind::Cloze { parts } => parts
            .iter()
            .filter_map(|p| match p {
                ClozePart::Gap(g) => Some(format!(
                    "[{}] {}",
                    g.id,
                    match &g.kind {
                        GapKind::Text { answers, .. } => answers
                            .iter()
                            .filter(|a| a.credit > 0.0)
                            .map(|a| a.pattern.clone())
                            .collect::<Vec<_>>()
                            .join(" | "),
                        GapKind::Numeric { answers } => answers
                            .iter()
                            .filter(|a| a.credit > 0.0)
                            .map(|a| crate::calculated::show(a.value))
                            .collect::<Vec<_>>()
                            .join(" | "),
                        GapKind::Choice { options } | GapKind::Choices { options } => options
                            .iter()
                            .filter(|o| o.credit > 0.0)
                            .map(|o| o.text.clone())
                            .collect::<Vec<_>>()
                            .join(", "),
                    }
                )),
                ClozePart::Text { .. } => None,
            })
            .collect::<Vec<_>>()
            .join("; "),
        // Made concrete by `for_attempt` before it gets here.
        QuestionKind::Calculated { .. } => "(computed per attempt)".into(),
    }
}

fn option_text(kind: &QuestionKind, id: &str) -> Option<String> {
    match kind {
        QuestionKind::SingleChoice { options, .. }
        | QuestionKind::MultipleResponse { options, .. } => {
            options.iter().find(|o| o.id == id).map(|o| o.text.clone())
        }
        QuestionKind::WeightedChoice { options, .. } => {
            options.iter().find(|o| o.id == id).map(|o| o.text.clone())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question::{ChoiceOption, MatchPair, MultiScoring, QuestionId};

    fn q(kind: QuestionKind) -> Question {
        Question {
            id: QuestionId::parse("q").unwrap(),
            prompt: "?".into(),
            marks: 1.0,
            penalty: 0.0,
            general_feedback: None,
            kind,
        }
    }

    #[test]
    fn answers_and_keys_read_as_words() {
        let opts = vec![
            ChoiceOption {
                id: "a".into(),
                text: "Helium".into(),
            },
            ChoiceOption {
                id: "b".into(),
                text: "Neon".into(),
            },
        ];
        let mr = q(QuestionKind::MultipleResponse {
            options: opts.clone(),
            correct: vec!["a".into(), "b".into()],
            scoring: MultiScoring::Partial,
        });
        assert_eq!(
            answer_words(&mr, &Answer::Choices(vec!["b".into()])),
            "Neon"
        );
        assert_eq!(key_words(&mr), "Helium; Neon");
        let sc = q(QuestionKind::SingleChoice {
            options: opts,
            correct: "b".into(),
        });
        assert_eq!(answer_words(&sc, &Answer::Text("a".into())), "Helium");
        let num = q(QuestionKind::Numeric {
            value: 9.81,
            tolerance: Tolerance::Absolute(0.1),
        });
        assert_eq!(key_words(&num), "9.81 ± 0.1");
        assert_eq!(answer_words(&num, &Answer::Text("9,8".into())), "9,8");
        let m = q(QuestionKind::Matching {
            pairs: vec![MatchPair {
                id: "p1".into(),
                prompt: "France".into(),
                answer: "Paris".into(),
            }],
            distractors: vec![],
            scores: None,
        });
        let given = Answer::Map([("p1".to_owned(), "Rome".to_owned())].into());
        assert_eq!(answer_words(&m, &given), "France → Rome");
        assert_eq!(key_words(&m), "France → Paris");
        assert_eq!(
            key_words(&q(QuestionKind::TrueFalse { correct: false })),
            "False"
        );
        assert_eq!(key_words(&q(QuestionKind::essay())), "—");
        let guided = QuestionKind::Essay {
            guidance: Some(" Names two causes. ".into()),
        };
        assert_eq!(key_words(&q(guided)), "Names two causes.");
    }
}
