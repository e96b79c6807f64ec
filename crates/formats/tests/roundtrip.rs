//! import(export(x)) == x, for every question type each format can express.
//! The generators produce items in the form an import gives (option ids a, b, c…;
//! the simplest type that scores the same way), so equality is exact.

use examhall_domain::{
    ChoiceOption, ClozePart, Gap, GapKind, MatchPair, MultiScoring, NumericAnswer, OrderScoring,
    Question, QuestionId, QuestionKind, ScoredOption, TextAnswer, Tolerance,
};
use examhall_formats::export::{to_gift, to_json};
use examhall_formats::items::{from_gift, from_json, option_id};
use examhall_formats::moodle_export::to_moodle_xml;
use examhall_formats::{ImportedItem, Location, TextFormat};
use proptest::prelude::*;

/// Text with every character GIFT must escape, spaces inside, never at the ends.
fn words() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9 ~=#{}:%>\\\\/().,?!'-]{0,24}[A-Za-z0-9?.!]"
        .prop_filter("no arrow, no double space", |s| {
            !s.contains("->") && !s.contains("  ") && !s.contains("//")
        })
}

fn line_text() -> impl Strategy<Value = String> {
    prop_oneof![
        words(),
        (words(), words()).prop_map(|(a, b)| format!("{a}\n{b}")),
    ]
}

fn credit_pct() -> impl Strategy<Value = f64> {
    (-100i32..=100).prop_map(|p| f64::from(p) / 100.0)
}

fn feedback() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(words())
}

fn distinct(n: usize) -> impl Strategy<Value = Vec<String>> {
    proptest::collection::btree_set(words(), n..=n + 3)
        .prop_map(|s| s.into_iter().collect::<Vec<_>>())
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-100_000i64..100_000).prop_map(|x| x as f64),
        (-1_000_000i64..1_000_000).prop_map(|x| x as f64 / 1000.0),
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
    ]
}

/// Kinds GIFT can express, in the form its import produces.
fn gift_kind() -> impl Strategy<Value = QuestionKind> {
    prop_oneof![
        Just(QuestionKind::essay()),
        any::<bool>().prop_map(|correct| QuestionKind::TrueFalse { correct }),
        (distinct(2), any::<prop::sample::Index>()).prop_map(|(texts, i)| {
            let correct = option_id(i.index(texts.len()));
            QuestionKind::SingleChoice {
                options: texts
                    .iter()
                    .enumerate()
                    .map(|(i, t)| ChoiceOption {
                        id: option_id(i),
                        text: t.clone(),
                    })
                    .collect(),
                correct,
            }
        }),
        // Weighted single choice: one full-credit option, a feedback to keep
        // it from being a plain single choice.
        (
            distinct(2),
            proptest::collection::vec((credit_pct(), feedback()), 5),
            words()
        )
            .prop_map(|(texts, extra, fb)| {
                let options = texts
                    .iter()
                    .enumerate()
                    .map(|(i, t)| ScoredOption {
                        id: option_id(i),
                        text: t.clone(),
                        credit: if i == 0 {
                            1.0
                        } else {
                            extra[i % 5].0.min(0.99)
                        },
                        feedback: if i == 0 {
                            Some(fb.clone())
                        } else {
                            extra[i % 5].1.clone()
                        },
                    })
                    .collect();
                QuestionKind::WeightedChoice {
                    options,
                    multiple: false,
                }
            }),
        // Weighted multiple response: credits of the right options make 100 %.
        (distinct(3), 1u32..=4).prop_map(|(texts, k)| {
            let right = (k as usize).clamp(2, texts.len() - 1);
            let options = texts
                .iter()
                .enumerate()
                .map(|(i, t)| ScoredOption {
                    id: option_id(i),
                    text: t.clone(),
                    // A percentage with at most five decimals, as files write them.
                    credit: if i < right {
                        ((100.0 / right as f64) * 1e5).floor() / 1e5 / 100.0
                    } else {
                        -0.5
                    },
                    feedback: None,
                })
                .collect();
            QuestionKind::WeightedChoice {
                options,
                multiple: true,
            }
        }),
        distinct(1).prop_map(|accepted| QuestionKind::ShortText {
            accepted,
            case_sensitive: false,
        }),
        (distinct(1), feedback()).prop_map(|(p, fb)| QuestionKind::TextSet {
            answers: p
                .iter()
                .enumerate()
                .map(|(i, pattern)| TextAnswer {
                    pattern: pattern.clone(),
                    credit: if i == 0 { 1.0 } else { 0.5 },
                    feedback: if i == 0 {
                        fb.clone().or(Some("ok".into()))
                    } else {
                        None
                    },
                })
                .collect(),
            case_sensitive: false,
        }),
        (
            number(),
            prop_oneof![Just(0.0), (1u32..1000).prop_map(|t| f64::from(t) / 100.0)]
        )
            .prop_map(|(value, t)| QuestionKind::Numeric {
                value,
                tolerance: if t == 0.0 {
                    Tolerance::Exact
                } else {
                    Tolerance::Absolute(t)
                },
            }),
        (number(), number(), feedback()).prop_map(|(a, b, fb)| QuestionKind::NumericSet {
            answers: vec![
                NumericAnswer {
                    value: a,
                    tolerance: Tolerance::Absolute(0.5),
                    credit: 1.0,
                    feedback: fb,
                },
                NumericAnswer {
                    value: b,
                    tolerance: Tolerance::Exact,
                    credit: 0.25,
                    feedback: None,
                },
            ],
        }),
        (
            distinct(2),
            distinct(2),
            proptest::collection::vec(words(), 0..2)
        )
            .prop_map(|(items, answers, distractors)| {
                let n = items.len().min(answers.len());
                QuestionKind::Matching {
                    pairs: (0..n)
                        .map(|i| MatchPair {
                            id: format!("m{}", i + 1),
                            prompt: items[i].clone(),
                            answer: answers[i].clone(),
                        })
                        .collect(),
                    distractors,
                    scores: None,
                }
            }),
    ]
}

fn category() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec("[A-Za-z][A-Za-z0-9 ]{0,8}[A-Za-z0-9]", 1..3)
}

/// HTML is not here: an import stores HTML as plain text (`html_to_text`).
fn text_format() -> impl Strategy<Value = TextFormat> {
    prop_oneof![
        Just(TextFormat::Plain),
        Just(TextFormat::Markdown),
        Just(TextFormat::Moodle),
    ]
}

fn gift_item() -> impl Strategy<Value = ImportedItem> {
    (
        gift_kind(),
        line_text(),
        proptest::option::of(words()),
        text_format(),
        proptest::option::of(words()),
        proptest::collection::btree_set("[a-z][a-z0-9-]{0,8}", 0..3),
    )
        .prop_map(
            |(kind, prompt, title, text_format, general_feedback, tags)| ImportedItem {
                location: Location::default(),
                category: vec![],
                title,
                tags: tags.into_iter().collect(),
                text_format,
                general_feedback,
                question: Question {
                    id: QuestionId::parse("q").unwrap(),
                    prompt,
                    marks: 1.0,
                    penalty: 0.0,
                    general_feedback: None,
                    kind,
                },
            },
        )
}

/// Items as compared: ids and places come from the file, not the question.
fn comparable(items: &[ImportedItem]) -> Vec<ImportedItem> {
    items
        .iter()
        .map(|i| {
            let mut i = i.clone();
            i.location = Location::default();
            i.question.id = QuestionId::parse("q").unwrap();
            i
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn gift_round_trips(mut items in proptest::collection::vec(gift_item(), 1..6), cat in category()) {
        for i in &mut items {
            i.category = cat.clone();
        }
        for i in &items {
            prop_assert_eq!(i.question.validate(), Ok(()), "the generator makes valid questions");
        }
        let text = to_gift(&items).unwrap();
        let back = from_gift(&text);
        prop_assert!(back.errors.is_empty(), "{:?}\n{}", back.errors, text);
        prop_assert_eq!(comparable(&back.items), comparable(&items), "{}", text);
    }

    #[test]
    fn moodle_xml_round_trips(mut items in proptest::collection::vec(gift_item(), 1..6), cat in category(), marks in 1u32..20, guide in "[A-Za-z][A-Za-z ,.]{0,30}[a-z]") {
        for i in &mut items {
            i.category = cat.clone();
            i.question.marks = f64::from(marks) / 2.0;
            // Moodle XML carries an essay's marking guidance (GIFT does not).
            if let QuestionKind::Essay { guidance } = &mut i.question.kind {
                *guidance = Some(guide.clone());
            }
            // Moodle names every question: one without a title is named by its id.
            i.title.get_or_insert_with(|| "q".to_owned());
        }
        let text = to_moodle_xml(&items).unwrap();
        let back = examhall_formats::moodle_xml::from_text(&text);
        prop_assert!(back.errors.is_empty(), "{:?}\n{}", back.errors, text);
        prop_assert_eq!(comparable(&back.items), comparable(&items), "{}", text);
    }

    #[test]
    fn json_round_trips_every_type(mut items in proptest::collection::vec(any_item(), 1..6)) {
        for (n, i) in items.iter_mut().enumerate() {
            i.question.id = QuestionId::parse(&format!("{}-{n}", i.question.id)).unwrap();
        }
        let text = to_json(&items);
        let back = from_json(&text);
        prop_assert!(back.errors.is_empty(), "{:?}", back.errors);
        let ids: Vec<_> = back.items.iter().map(|i| i.question.id.clone()).collect();
        let want: Vec<_> = items.iter().map(|i| i.question.id.clone()).collect();
        prop_assert_eq!(ids, want);
        prop_assert_eq!(comparable(&back.items), comparable(&items));
    }
}

/// Every type, including what GIFT cannot say, with marks and tags.
fn any_item() -> impl Strategy<Value = ImportedItem> {
    let kind = prop_oneof![
        gift_kind(),
        "[A-Za-z][A-Za-z ]{0,20}".prop_map(|g| QuestionKind::Essay { guidance: Some(g) }),
        (distinct(2), any::<bool>()).prop_map(|(texts, partial)| QuestionKind::MultipleResponse {
            options: texts
                .iter()
                .enumerate()
                .map(|(i, t)| ChoiceOption {
                    id: format!("opt-{i}"),
                    text: t.clone(),
                })
                .collect(),
            correct: vec!["opt-0".into()],
            scoring: if partial {
                MultiScoring::Partial
            } else {
                MultiScoring::AllOrNothing
            },
        }),
        (distinct(2), any::<bool>()).prop_map(|(texts, exact)| QuestionKind::Ordering {
            items: texts
                .iter()
                .enumerate()
                .map(|(i, t)| ChoiceOption {
                    id: format!("i{i}"),
                    text: t.clone(),
                })
                .collect(),
            scoring: if exact {
                OrderScoring::Exact
            } else {
                OrderScoring::ByPosition
            },
        }),
        (words(), words(), number(), 1u32..5).prop_map(|(a, w, v, weight)| QuestionKind::Cloze {
            parts: vec![
                ClozePart::Text { text: a },
                ClozePart::Gap(Gap {
                    id: "g1".into(),
                    weight: f64::from(weight),
                    kind: GapKind::Text {
                        answers: vec![TextAnswer {
                            pattern: w,
                            credit: 1.0,
                            feedback: None,
                        }],
                        case_sensitive: true,
                    },
                }),
                ClozePart::Gap(Gap {
                    id: "g2".into(),
                    weight: 1.0,
                    kind: GapKind::Numeric {
                        answers: vec![NumericAnswer {
                            value: v,
                            tolerance: Tolerance::Relative(0.05),
                            credit: 1.0,
                            feedback: None,
                        }],
                    },
                }),
            ],
        }),
    ];
    (
        kind,
        line_text(),
        "[a-z][a-z0-9_-]{0,20}",
        (1u32..20, proptest::collection::vec("[a-z]{1,8}", 0..3)),
        category(),
    )
        .prop_map(|(kind, prompt, id, (marks, tags), category)| ImportedItem {
            location: Location::default(),
            category,
            title: Some(prompt.chars().take(10).collect()),
            tags,
            text_format: TextFormat::Markdown,
            general_feedback: None,
            question: Question {
                id: QuestionId::parse(&id).unwrap(),
                prompt,
                marks: f64::from(marks),
                penalty: 0.0,
                general_feedback: None,
                kind,
            },
        })
}
