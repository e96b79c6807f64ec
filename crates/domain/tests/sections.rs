//! Sections with fixed questions and random draws: what each attempt gets, that
//! it is the same on every reading, and what publishing refuses.

use examhall_domain::{
    ExamSpec, OrderRules, Question, QuestionId, QuestionKind, ResultRelease, Section, SectionItem,
};
use std::collections::BTreeMap;

fn id(s: &str) -> QuestionId {
    QuestionId::parse(s).unwrap()
}

fn tf(name: &str, marks: f64) -> Question {
    Question {
        id: id(name),
        prompt: format!("{name}?"),
        marks,
        penalty: 0.0,
        general_feedback: None,
        kind: QuestionKind::TrueFalse { correct: true },
    }
}

fn exam() -> ExamSpec {
    let mut questions = vec![tf("intro", 2.0)];
    questions.extend((0..6).map(|i| tf(&format!("pool{i}"), 1.0)));
    ExamSpec {
        voided: vec![],
        feedback: Default::default(),
        title: "Sections".into(),
        duration_secs: 600,
        pass_mark_pct: 50.0,
        negative_marking: false,
        release: ResultRelease::Immediately,
        question_marks: true,
        window: Default::default(),
        order: OrderRules::default(),
        navigation: Default::default(),
        sections: vec![
            Section {
                title: "Part A".into(),
                instructions: "Answer all.".into(),
                items: vec![SectionItem::Fixed {
                    question: id("intro"),
                }],
            },
            Section {
                title: "Part B".into(),
                instructions: String::new(),
                items: vec![SectionItem::Draw {
                    count: 3,
                    from: (0..6).map(|i| id(&format!("pool{i}"))).collect(),
                    label: "category Pool".into(),
                }],
            },
        ],
        questions,
    }
}

#[test]
fn each_attempt_draws_its_own_questions_and_keeps_them() {
    let e = exam();
    assert_eq!(e.validate(), Ok(()));
    assert_eq!(e.questions_per_attempt(), 4);
    assert_eq!(e.total_marks(), 5.0);
    let (qs, sections) = e.attempt_layout("attempt-1");
    assert_eq!(qs.len(), 4);
    assert_eq!(qs[0].id.as_str(), "intro", "sections keep their order");
    assert_eq!((sections[1].first, sections[1].count), (1, 3));
    assert_eq!(sections[0].instructions, "Answer all.");
    let again: Vec<_> = e.questions_for_attempt("attempt-1");
    assert_eq!(qs, again, "the same attempt gets the same questions");
    // Across attempts, every pool question comes up, about equally often.
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for i in 0..600 {
        for q in &e.questions_for_attempt(&format!("a{i}"))[1..] {
            *seen.entry(q.id.to_string()).or_default() += 1;
        }
    }
    assert_eq!(seen.len(), 6);
    // 600 attempts × 3 draws / 6 = 300 each; a 3-sigma band is about ±39.
    assert!(seen.values().all(|&n| (255..=345).contains(&n)), "{seen:?}");
    // Grading sees only the attempt's questions.
    let sat = e.for_attempt("attempt-1");
    assert_eq!(sat.questions.len(), 4);
}

#[test]
fn shuffling_stays_inside_sections() {
    let mut e = exam();
    e.order.shuffle_questions = true;
    e.sections[0].items.push(SectionItem::Fixed {
        question: id("pool5"),
    });
    if let SectionItem::Draw { from, .. } = &mut e.sections[1].items[0] {
        from.pop();
    }
    assert_eq!(e.validate(), Ok(()));
    let mut first_seen = std::collections::BTreeSet::new();
    for i in 0..50 {
        let qs = e.questions_for_attempt(&format!("a{i}"));
        let head: std::collections::BTreeSet<&str> =
            qs[..2].iter().map(|q| q.id.as_str()).collect();
        assert_eq!(head, ["intro", "pool5"].into(), "section A stays first");
        first_seen.insert(qs[0].id.to_string());
    }
    assert_eq!(first_seen.len(), 2, "but its order varies");
}

#[test]
fn publishing_refuses_draws_that_cannot_be_made_fairly() {
    let mut e = exam();
    if let SectionItem::Draw { count, .. } = &mut e.sections[1].items[0] {
        *count = 7;
    }
    let msg = e.validate().unwrap_err().to_string();
    assert!(
        msg.contains("section 2 (Part B)")
            && msg.contains("asks for 7 questions but its pool holds 6"),
        "{msg}"
    );

    let mut e = exam();
    e.questions[3].marks = 2.0;
    let msg = e.validate().unwrap_err().to_string();
    assert!(msg.contains("question pool2 is worth 2"), "{msg}");

    let mut e = exam();
    e.sections[0].items.push(SectionItem::Fixed {
        question: id("pool0"),
    });
    let msg = e.validate().unwrap_err().to_string();
    assert!(msg.contains("pool0 is used twice"), "{msg}");

    let mut e = exam();
    e.sections[0].items[0] = SectionItem::Fixed {
        question: id("ghost"),
    };
    let msg = e.validate().unwrap_err().to_string();
    assert!(msg.contains("question ghost is not in the exam"), "{msg}");
}
