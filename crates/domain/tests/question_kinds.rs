//! Scoring and validation of the richer question types: weighted choices,
//! several accepted answers, matching, ordering and cloze.

use examhall_domain::{
    grade_question, Answer, ChoiceOption, ClozePart, Gap, GapKind, MatchPair, NumericAnswer,
    OrderScoring, Outcome, PairPenalty, PairScores, Question, QuestionId, QuestionKind,
    ScoredOption, TextAnswer, Tolerance,
};
use std::collections::BTreeMap;

fn q(marks: f64, kind: QuestionKind) -> Question {
    Question {
        id: QuestionId::parse("q1").unwrap(),
        prompt: "Prompt".into(),
        marks,
        penalty: 0.0,
        general_feedback: None,
        kind,
    }
}

fn scored(credits: &[f64]) -> Vec<ScoredOption> {
    credits
        .iter()
        .enumerate()
        .map(|(i, c)| ScoredOption {
            id: format!("o{i}"),
            text: format!("Option {i}"),
            credit: *c,
            feedback: None,
        })
        .collect()
}

fn text(s: &str) -> Answer {
    Answer::Text(s.into())
}

fn map(pairs: &[(&str, &str)]) -> Answer {
    Answer::Map(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn awarded(q: &Question, a: &Answer, negative: bool) -> (f64, Outcome) {
    let m = grade_question(q, Some(a), negative);
    (m.awarded, m.outcome)
}

#[test]
fn a_weighted_single_choice_earns_the_chosen_options_credit() {
    let wq = q(
        4.0,
        QuestionKind::WeightedChoice {
            options: scored(&[1.0, 0.5, 0.0, -0.25]),
            multiple: false,
        },
    );
    assert_eq!(wq.validate(), Ok(()));
    assert_eq!(awarded(&wq, &text("o0"), false), (4.0, Outcome::Correct));
    assert_eq!(awarded(&wq, &text("o1"), false), (2.0, Outcome::Partial));
    assert_eq!(awarded(&wq, &text("o2"), false), (0.0, Outcome::Incorrect));
    // The imported penalty counts only under negative marking.
    assert_eq!(awarded(&wq, &text("o3"), false), (0.0, Outcome::Incorrect));
    assert_eq!(awarded(&wq, &text("o3"), true), (-1.0, Outcome::Incorrect));
}

#[test]
fn a_weighted_multiple_response_adds_the_picked_credits_up_to_the_marks() {
    let wq = q(
        2.0,
        QuestionKind::WeightedChoice {
            options: scored(&[0.5, 0.5, -1.0, 0.0]),
            multiple: true,
        },
    );
    assert_eq!(wq.validate(), Ok(()));
    let picks = |ids: &[&str]| Answer::Choices(ids.iter().map(|s| s.to_string()).collect());
    assert_eq!(
        awarded(&wq, &picks(&["o0", "o1"]), false),
        (2.0, Outcome::Correct)
    );
    assert_eq!(
        awarded(&wq, &picks(&["o0"]), false),
        (1.0, Outcome::Partial)
    );
    // Ticking everything: 0.5 + 0.5 - 1 = 0.
    assert_eq!(
        awarded(&wq, &picks(&["o0", "o1", "o2", "o3"]), false),
        (0.0, Outcome::Incorrect)
    );
    // A pick listed twice counts once.
    assert_eq!(
        awarded(&wq, &picks(&["o0", "o0"]), false),
        (1.0, Outcome::Partial)
    );
    assert_eq!(
        awarded(&wq, &picks(&["o2"]), true),
        (-2.0, Outcome::Incorrect)
    );
    assert_eq!(
        awarded(&wq, &picks(&["o2"]), false),
        (0.0, Outcome::Incorrect)
    );
}

#[test]
fn numeric_and_text_sets_take_the_best_matching_answer() {
    let nq = q(
        2.0,
        QuestionKind::NumericSet {
            answers: vec![
                NumericAnswer {
                    value: 1.5,
                    tolerance: Tolerance::Absolute(0.1),
                    credit: 1.0,
                    feedback: None,
                },
                NumericAnswer {
                    value: 1.5,
                    tolerance: Tolerance::Absolute(0.5),
                    credit: 0.5,
                    feedback: None,
                },
            ],
        },
    );
    assert_eq!(nq.validate(), Ok(()));
    assert_eq!(awarded(&nq, &text("1.6"), false), (2.0, Outcome::Correct));
    assert_eq!(awarded(&nq, &text("1.9"), false), (1.0, Outcome::Partial));
    assert_eq!(awarded(&nq, &text("2.1"), false), (0.0, Outcome::Incorrect));
    assert_eq!(awarded(&nq, &text("abc"), false), (0.0, Outcome::Incorrect));

    let tq = q(
        1.0,
        QuestionKind::TextSet {
            answers: vec![
                TextAnswer {
                    pattern: "Grant".into(),
                    credit: 1.0,
                    feedback: None,
                },
                TextAnswer {
                    pattern: "Ulysses*".into(),
                    credit: 0.5,
                    feedback: None,
                },
            ],
            case_sensitive: false,
        },
    );
    assert_eq!(
        awarded(&tq, &text("  grant "), false),
        (1.0, Outcome::Correct)
    );
    assert_eq!(
        awarded(&tq, &text("Ulysses S."), false),
        (0.5, Outcome::Partial)
    );
    assert_eq!(awarded(&tq, &text("Lee"), false), (0.0, Outcome::Incorrect));
}

fn matching() -> Question {
    q(
        3.0,
        QuestionKind::Matching {
            pairs: [("France", "Paris"), ("Italy", "Rome"), ("Norway", "Oslo")]
                .iter()
                .enumerate()
                .map(|(i, (p, a))| MatchPair {
                    id: format!("p{i}"),
                    prompt: (*p).into(),
                    answer: (*a).into(),
                })
                .collect(),
            distractors: vec!["Lima".into()],
            scores: None,
        },
    )
}

#[test]
fn matching_earns_a_share_per_right_pair() {
    let mq = matching();
    assert_eq!(mq.validate(), Ok(()));
    let all = map(&[("p0", "Paris"), ("p1", "Rome"), ("p2", "Oslo")]);
    assert_eq!(awarded(&mq, &all, false), (3.0, Outcome::Correct));
    // Oslo twice: right for Norway, wrong for Italy.
    let two = map(&[("p0", "Paris"), ("p1", "Oslo"), ("p2", "Oslo")]);
    assert_eq!(awarded(&mq, &two, false), (2.0, Outcome::Partial));
    let one = map(&[("p0", "Paris")]);
    assert_eq!(awarded(&mq, &one, false), (1.0, Outcome::Partial));
    let none = map(&[("p0", "Lima")]);
    assert_eq!(awarded(&mq, &none, false), (0.0, Outcome::Incorrect));
    // The answers offered: every pair's answer and the distractor, sorted.
    if let QuestionKind::Matching {
        pairs, distractors, ..
    } = &mq.kind
    {
        assert_eq!(
            QuestionKind::match_choices(pairs, distractors),
            ["Lima", "Oslo", "Paris", "Rome"]
        );
    }
    assert!(mq.check_answer(&map(&[("p0", "Berlin")])).is_err());
    assert!(mq.check_answer(&map(&[("p9", "Paris")])).is_err());
    assert!(mq.check_answer(&text("Paris")).is_err());
    assert_eq!(mq.check_answer(&all), Ok(()));
}

#[test]
fn weighted_matching_earns_each_pairs_value_and_loses_for_wrong_pairs_within_0_and_full_marks() {
    // Worth 6: Paris 2 (of 4 weight units), Rome 1, Oslo 1; "Italy → Lima" loses 1 unit,
    // any other wrong pair half a unit.
    let mut mq = matching();
    mq.marks = 6.0;
    if let QuestionKind::Matching { scores, .. } = &mut mq.kind {
        *scores = Some(PairScores {
            weights: vec![2.0, 1.0, 1.0],
            penalties: vec![PairPenalty {
                item: "p1".into(),
                answer: "Lima".into(),
                loses: 1.0,
            }],
            wrong: 0.5,
        });
    }
    assert_eq!(mq.validate(), Ok(()));
    let all = map(&[("p0", "Paris"), ("p1", "Rome"), ("p2", "Oslo")]);
    assert_eq!(awarded(&mq, &all, false), (6.0, Outcome::Correct));
    // Paris alone is half the weight.
    assert_eq!(
        awarded(&mq, &map(&[("p0", "Paris")]), false),
        (3.0, Outcome::Partial)
    );
    // Rome and Oslo right (2 units), Paris wrong in general (−0.5): 1.5 of 4 units.
    let two = map(&[("p0", "Rome"), ("p1", "Rome"), ("p2", "Oslo")]);
    assert_eq!(awarded(&mq, &two, false), (2.25, Outcome::Partial));
    // The named wrong pair loses its own amount: Paris 2 − 1 = 1 unit.
    let named = map(&[("p0", "Paris"), ("p1", "Lima")]);
    assert_eq!(awarded(&mq, &named, false), (1.5, Outcome::Partial));
    // Never below nothing, even with negative marking on; blanks cost nothing.
    let wrong = map(&[("p0", "Lima"), ("p1", "Lima"), ("p2", "Paris")]);
    assert_eq!(awarded(&mq, &wrong, true), (0.0, Outcome::Incorrect));
    assert_eq!(
        awarded(&mq, &map(&[("p0", "Paris"), ("p1", ""), ("p2", "")]), false),
        (3.0, Outcome::Partial)
    );

    // What cannot be scored is refused by field.
    let refused = |f: &dyn Fn(&mut PairScores)| {
        let mut bad = mq.clone();
        if let QuestionKind::Matching {
            scores: Some(s), ..
        } = &mut bad.kind
        {
            f(s);
        }
        bad.validate().unwrap_err()
    };
    let p = refused(&|s| s.weights.pop().map(drop).unwrap_or(()));
    assert_eq!(p.field, "scores");
    assert!(p.problem.contains("2 weights for 3 pairs"), "{p:?}");
    let p = refused(&|s| s.weights[1] = 0.0);
    assert!(p.problem.contains("pair 2"), "{p:?}");
    let p = refused(&|s| s.penalties[0].answer = "Rome".into());
    assert!(p.problem.contains("not a wrong pair"), "{p:?}");
    let p = refused(&|s| s.penalties[0].item = "p9".into());
    assert!(p.problem.contains("p9"), "{p:?}");
    let p = refused(&|s| s.wrong = -1.0);
    assert!(p.problem.contains("0 or more"), "{p:?}");
}

#[test]
fn ordering_is_exact_or_by_position() {
    let items: Vec<ChoiceOption> = ["a", "b", "c", "d"]
        .iter()
        .map(|t| ChoiceOption {
            id: (*t).into(),
            text: t.to_uppercase(),
        })
        .collect();
    let order = |ids: &[&str]| Answer::Choices(ids.iter().map(|s| s.to_string()).collect());
    let exact = q(
        2.0,
        QuestionKind::Ordering {
            items: items.clone(),
            scoring: OrderScoring::Exact,
        },
    );
    let partial = q(
        2.0,
        QuestionKind::Ordering {
            items,
            scoring: OrderScoring::ByPosition,
        },
    );
    let right = order(&["a", "b", "c", "d"]);
    let half = order(&["a", "b", "d", "c"]);
    assert_eq!(awarded(&exact, &right, false), (2.0, Outcome::Correct));
    assert_eq!(awarded(&exact, &half, false), (0.0, Outcome::Incorrect));
    assert_eq!(awarded(&partial, &right, false), (2.0, Outcome::Correct));
    assert_eq!(awarded(&partial, &half, false), (1.0, Outcome::Partial));
    // A repeated or unknown item is refused before it is stored.
    assert!(exact.check_answer(&order(&["a", "a"])).is_err());
    assert!(exact.check_answer(&order(&["z"])).is_err());
}

fn cloze() -> Question {
    q(
        6.0,
        QuestionKind::Cloze {
            parts: vec![
                ClozePart::Text {
                    text: "The capital of France is ".into(),
                },
                ClozePart::Gap(Gap {
                    id: "g1".into(),
                    weight: 1.0,
                    kind: GapKind::Text {
                        answers: vec![TextAnswer {
                            pattern: "Paris".into(),
                            credit: 1.0,
                            feedback: None,
                        }],
                        case_sensitive: false,
                    },
                }),
                ClozePart::Text {
                    text: ", 2 + 2 = ".into(),
                },
                ClozePart::Gap(Gap {
                    id: "g2".into(),
                    weight: 1.0,
                    kind: GapKind::Numeric {
                        answers: vec![NumericAnswer {
                            value: 4.0,
                            tolerance: Tolerance::Exact,
                            credit: 1.0,
                            feedback: None,
                        }],
                    },
                }),
                ClozePart::Gap(Gap {
                    id: "g3".into(),
                    weight: 4.0,
                    kind: GapKind::Choice {
                        options: scored(&[0.0, 1.0, 0.5]),
                    },
                }),
            ],
        },
    )
}

#[test]
fn cloze_gaps_score_by_their_weights() {
    let cq = cloze();
    assert_eq!(cq.validate(), Ok(()));
    let all = map(&[("g1", "paris"), ("g2", "4"), ("g3", "o1")]);
    assert_eq!(awarded(&cq, &all, false), (6.0, Outcome::Correct));
    // g1 right (1/6), g2 wrong, g3 half credit (4 × 0.5 = 2/6): 3 of 6 marks.
    let some = map(&[("g1", "Paris"), ("g2", "5"), ("g3", "o2")]);
    assert_eq!(awarded(&cq, &some, false), (3.0, Outcome::Partial));
    let blank = map(&[("g1", " ")]);
    assert_eq!(
        grade_question(&cq, Some(&blank), false).outcome,
        Outcome::Unanswered
    );
    assert!(cq.check_answer(&map(&[("g3", "zz")])).is_err());
    assert!(cq.check_answer(&map(&[("g9", "x")])).is_err());
}

#[test]
fn validation_names_what_cannot_be_scored() {
    let problem = |kind| q(1.0, kind).validate().unwrap_err();
    let p = problem(QuestionKind::WeightedChoice {
        options: scored(&[0.5, 0.0]),
        multiple: false,
    });
    assert_eq!(p.field, "options");
    assert!(p.problem.contains("no answer earns full marks"), "{p:?}");
    let p = problem(QuestionKind::WeightedChoice {
        options: scored(&[0.5, 0.3, -1.0]),
        multiple: true,
    });
    assert!(p.problem.contains("add up to 80 %"), "{p:?}");
    let p = problem(QuestionKind::WeightedChoice {
        options: scored(&[1.0, 1.5]),
        multiple: false,
    });
    assert!(p.problem.contains("between -1 and 1"), "{p:?}");
    let p = problem(QuestionKind::NumericSet { answers: vec![] });
    assert!(p.problem.contains("at least one accepted value"), "{p:?}");
    let p = problem(QuestionKind::NumericSet {
        answers: vec![NumericAnswer {
            value: f64::NAN,
            tolerance: Tolerance::Exact,
            credit: 1.0,
            feedback: None,
        }],
    });
    assert!(p.problem.contains("finite"), "{p:?}");
    let p = problem(QuestionKind::Matching {
        pairs: vec![MatchPair {
            id: "p".into(),
            prompt: "a".into(),
            answer: "b".into(),
        }],
        distractors: vec![],
        scores: None,
    });
    assert_eq!(p.field, "pairs");
    let p = problem(QuestionKind::Cloze {
        parts: vec![ClozePart::Text {
            text: "no gaps".into(),
        }],
    });
    assert!(p.problem.contains("at least one gap"), "{p:?}");
    let p = problem(QuestionKind::Cloze {
        parts: vec![ClozePart::Gap(Gap {
            id: "g".into(),
            weight: 1.0,
            kind: GapKind::Choice {
                options: scored(&[0.0, 0.0]),
            },
        })],
    });
    assert!(p.problem.starts_with("gap 1:"), "{p:?}");
    // Weights imported as 33.33333 % three times are a whole.
    let thirds = q(
        1.0,
        QuestionKind::WeightedChoice {
            options: scored(&[0.3333333, 0.3333333, 0.3333333, -1.0]),
            multiple: true,
        },
    );
    assert_eq!(thirds.validate(), Ok(()));
}

#[test]
fn every_kind_survives_json() {
    for question in [matching(), cloze()] {
        let json = serde_json::to_string(&question).unwrap();
        let back: Question = serde_json::from_str(&json).unwrap();
        assert_eq!(back, question);
    }
}

#[test]
fn a_several_options_gap_adds_its_ticks_between_nothing_and_its_share() {
    let q = q(
        4.0,
        QuestionKind::Cloze {
            parts: vec![
                ClozePart::Gap(Gap {
                    id: "g1".into(),
                    weight: 1.0,
                    kind: GapKind::Choices {
                        options: scored(&[0.5, 0.5, -0.5]),
                    },
                }),
                ClozePart::Gap(Gap {
                    id: "g2".into(),
                    weight: 1.0,
                    kind: GapKind::Text {
                        answers: vec![TextAnswer {
                            pattern: "x".into(),
                            credit: 1.0,
                            feedback: None,
                        }],
                        case_sensitive: false,
                    },
                }),
            ],
        },
    );
    assert_eq!(q.validate(), Ok(()));
    let g1 = |v: &str| map(&[("g1", v)]);
    assert_eq!(awarded(&q, &g1("o0"), false).0, 1.0);
    assert_eq!(awarded(&q, &g1("o0,o1"), false).0, 2.0);
    assert_eq!(
        awarded(&q, &g1("o1, o0"), false).0,
        2.0,
        "order and spaces do not matter"
    );
    assert_eq!(awarded(&q, &g1("o0,o2"), false).0, 0.0);
    assert_eq!(awarded(&q, &g1("o0,o1,o2"), false).0, 1.0);
    assert_eq!(awarded(&q, &g1("o2"), false).0, 0.0, "never below nothing");
    assert!(q.check_answer(&g1("o0,o9")).is_err());
    assert!(q.check_answer(&g1("o0,o0")).is_err());
    // Right ticks adding up to less than 100 % can never fill the gap: refused.
    let mut short = q.clone();
    if let QuestionKind::Cloze { parts } = &mut short.kind {
        if let ClozePart::Gap(g) = &mut parts[0] {
            g.kind = GapKind::Choices {
                options: scored(&[0.5, 0.2]),
            };
        }
    }
    assert!(short
        .validate()
        .unwrap_err()
        .problem
        .contains("at least 100 %"));
}
