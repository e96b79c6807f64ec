//! Moodle XML export of the types the round-trip property does not generate:
//! read back, each scores as it did; what Moodle cannot say is refused by name.

use examhall_domain::{
    grade_question, Answer, ChoiceOption, ClozePart, Gap, GapKind, MultiScoring, NumericAnswer,
    OrderScoring, Question, QuestionId, QuestionKind, ScoredOption, TextAnswer, Tolerance,
};
use examhall_formats::moodle_export::to_moodle_xml;
use examhall_formats::moodle_xml::from_text;
use examhall_formats::{ImportedItem, Location, TextFormat};

fn item(id: &str, prompt: &str, kind: QuestionKind) -> ImportedItem {
    ImportedItem {
        location: Location::default(),
        category: vec!["Physics".into()],
        title: Some(id.into()),
        tags: vec!["week-1".into()],
        text_format: TextFormat::Plain,
        general_feedback: Some("See chapter 2.".into()),
        question: Question {
            id: QuestionId::parse(id).unwrap(),
            prompt: prompt.into(),
            marks: 2.0,
            penalty: 0.0,
            general_feedback: None,
            kind,
        },
    }
}

fn opts(texts: &[&str]) -> Vec<ChoiceOption> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| ChoiceOption {
            id: ["a", "b", "c", "d"][i].into(),
            text: (*t).into(),
        })
        .collect()
}

fn back(items: &[ImportedItem]) -> Vec<ImportedItem> {
    let xml = to_moodle_xml(items).unwrap();
    let read = from_text(&xml);
    assert!(read.errors.is_empty(), "{:?}\n{xml}", read.errors);
    read.items
}

#[test]
fn partial_multiple_response_ordering_and_cloze_score_the_same_after_moodle_xml() {
    let primes = item(
        "primes",
        "Which are prime?",
        QuestionKind::MultipleResponse {
            options: opts(&["2", "9", "13", "21"]),
            correct: vec!["a".into(), "c".into()],
            scoring: MultiScoring::Partial,
        },
    );
    let order = item(
        "order",
        "Closest to the Sun first.",
        QuestionKind::Ordering {
            items: opts(&["Mercury", "Venus", "Earth"]),
            scoring: OrderScoring::ByPosition,
        },
    );
    let cloze = item(
        "cloze",
        "Fill in.",
        QuestionKind::Cloze {
            parts: vec![
                ClozePart::Text {
                    text: "Paris is in ".into(),
                },
                ClozePart::Gap(Gap {
                    id: "g1".into(),
                    weight: 1.0,
                    kind: GapKind::Choice {
                        options: vec![
                            ScoredOption {
                                id: "a".into(),
                                text: "France".into(),
                                credit: 1.0,
                                feedback: None,
                            },
                            ScoredOption {
                                id: "b".into(),
                                text: "Spain".into(),
                                credit: 0.0,
                                feedback: Some("No".into()),
                            },
                        ],
                    },
                }),
                ClozePart::Text {
                    text: "; g is ".into(),
                },
                ClozePart::Gap(Gap {
                    id: "g2".into(),
                    weight: 2.0,
                    kind: GapKind::Numeric {
                        answers: vec![NumericAnswer {
                            value: 9.81,
                            tolerance: Tolerance::Absolute(0.1),
                            credit: 1.0,
                            feedback: None,
                        }],
                    },
                }),
                ClozePart::Text {
                    text: " and Na is ".into(),
                },
                ClozePart::Gap(Gap {
                    id: "g3".into(),
                    weight: 1.0,
                    kind: GapKind::Text {
                        answers: vec![TextAnswer {
                            pattern: "sodium".into(),
                            credit: 1.0,
                            feedback: None,
                        }],
                        case_sensitive: false,
                    },
                }),
            ],
        },
    );
    let read = back(&[primes.clone(), order.clone(), cloze.clone()]);
    assert_eq!(read.len(), 3);
    for r in &read {
        assert_eq!(r.category, vec!["Physics"]);
        assert_eq!(r.tags, vec!["week-1"]);
        assert_eq!(r.general_feedback.as_deref(), Some("See chapter 2."));
    }
    // The partial multiple response: Moodle's weighted form, the same marks for every answer.
    for ticks in [
        vec!["a"],
        vec!["a", "c"],
        vec!["a", "b"],
        vec!["b", "d"],
        vec!["a", "b", "c", "d"],
    ] {
        let a = Answer::Choices(ticks.iter().map(|s| (*s).to_owned()).collect());
        let (before, after) = (
            grade_question(&primes.question, Some(&a), false).awarded,
            grade_question(&read[0].question, Some(&a), false).awarded,
        );
        assert!(
            (before - after).abs() < 1e-6,
            "{ticks:?}: {before} then {after}"
        );
    }
    assert_eq!(read[0].question.marks, 2.0);
    let QuestionKind::Ordering { items, scoring } = &read[1].question.kind else {
        panic!("{:?}", read[1].question.kind)
    };
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(
        (texts, *scoring),
        (vec!["Mercury", "Venus", "Earth"], OrderScoring::ByPosition)
    );
    // The cloze: its text first, then the gaps with their weights (4 marks in Moodle).
    let QuestionKind::Cloze { parts } = &read[2].question.kind else {
        panic!("{:?}", read[2].question.kind)
    };
    let gaps: Vec<&Gap> = parts
        .iter()
        .filter_map(|p| match p {
            ClozePart::Gap(g) => Some(g),
            _ => None,
        })
        .collect();
    assert_eq!(gaps.len(), 3);
    assert_eq!(read[2].question.marks, 4.0);
    let text: String = parts
        .iter()
        .filter_map(|p| match p {
            ClozePart::Text { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        text.contains("Fill in.") && text.contains("Paris is in"),
        "{text:?}"
    );
    let sheet = Answer::Map(
        [("g1", "a"), ("g2", "9.8"), ("g3", "Sodium")]
            .into_iter()
            .map(|(k, v)| {
                (
                    gaps[["g1", "g2", "g3"].iter().position(|g| *g == k).unwrap()]
                        .id
                        .clone(),
                    v.to_owned(),
                )
            })
            .collect(),
    );
    assert_eq!(
        grade_question(&read[2].question, Some(&sheet), false).awarded,
        4.0
    );
}

#[test]
fn what_moodle_cannot_say_is_refused_by_question() {
    let all_or_nothing = item(
        "nobles",
        "Noble gases?",
        QuestionKind::MultipleResponse {
            options: opts(&["He", "N", "Ne"]),
            correct: vec!["a".into(), "c".into()],
            scoring: MultiScoring::AllOrNothing,
        },
    );
    let e = to_moodle_xml(&[all_or_nothing]).unwrap_err();
    assert_eq!(e.id, "nobles");
    assert!(e.problem.contains("all-or-nothing"), "{e:?}");
    let braces = item(
        "braces",
        "",
        QuestionKind::Cloze {
            parts: vec![ClozePart::Gap(Gap {
                id: "g1".into(),
                weight: 1.0,
                kind: GapKind::Text {
                    answers: vec![TextAnswer {
                        pattern: "a}b".into(),
                        credit: 1.0,
                        feedback: None,
                    }],
                    case_sensitive: false,
                },
            })],
        },
    );
    let e = to_moodle_xml(&[braces]).unwrap_err();
    assert!(e.problem.contains("cannot hold"), "{e:?}");
    let control = item("bell", "Ring\u{7}", QuestionKind::essay());
    let e = to_moodle_xml(&[control]).unwrap_err();
    assert!(e.id == "bell" && e.problem.contains("U+0007"), "{e:?}");
}

/// An essay's marking guidance travels in Moodle XML (`graderinfo`) and QTI (a
/// rubric block for the scorer), read back as written; GIFT has no place for it
/// and refuses it by question rather than drop it.
#[test]
fn marking_guidance_goes_to_moodle_xml_and_is_refused_where_it_has_no_place() {
    let essay = item(
        "sky",
        "Why is the sky blue?",
        QuestionKind::Essay {
            guidance: Some("Scattering <of> short wavelengths & why it matters.".into()),
        },
    );
    let xml = to_moodle_xml(std::slice::from_ref(&essay)).unwrap();
    assert!(xml.contains("<graderinfo"), "{xml}");
    let read = from_text(&xml);
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    assert_eq!(read.items[0].question.kind, essay.question.kind);
    let e = examhall_formats::export::to_gift(std::slice::from_ref(&essay)).unwrap_err();
    assert!(
        e.id == "sky" && e.problem.contains("marking guidance"),
        "{e:?}"
    );
    let plain = ImportedItem {
        general_feedback: None,
        ..essay.clone()
    };
    let qti = examhall_formats::qti::to_qti_item(&plain).unwrap();
    assert!(qti.contains("<rubricBlock view=\"scorer\">"), "{qti}");
    let read = examhall_formats::qti::from_text(&qti);
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    assert_eq!(read.items[0].question.kind, essay.question.kind);
    assert_eq!(
        read.items[0].question.prompt, "Why is the sky blue?",
        "not in the prompt"
    );
}
