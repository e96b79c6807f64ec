//! CSV with Examhall's documented header (see `csv_format`), and malformed rows
//! with their line and column.

use examhall_domain::{MultiScoring, QuestionKind, Tolerance};
use examhall_formats::csv_format::from_text;

#[test]
fn the_documented_header_reads_every_type() {
    let src = std::fs::read_to_string(format!(
        "{}/tests/golden/csv/bank.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let read = from_text(&src);
    assert_eq!(read.errors, vec![]);
    assert_eq!(read.items.len(), 8);
    let first = &read.items[0];
    assert_eq!(first.question.id.as_str(), "closest-planet");
    assert_eq!(first.category, ["Science", "Planets"]);
    assert_eq!(first.tags, ["astronomy", "easy"]);
    assert_eq!(first.location.line, Some(2));
    assert_eq!(
        first.general_feedback.as_deref(),
        Some("Mercury orbits at 0.39 AU.")
    );
    let QuestionKind::SingleChoice { correct, options } = &first.question.kind else {
        panic!()
    };
    assert_eq!(
        (correct.as_str(), options[1].text.as_str()),
        ("b", "Mercury")
    );

    let p = &read.items[1].question;
    assert_eq!(p.marks, 2.0);
    assert_eq!(
        p.kind,
        QuestionKind::MultipleResponse {
            options: match &p.kind {
                QuestionKind::MultipleResponse { options, .. } => options.clone(),
                _ => panic!(),
            },
            correct: vec!["a".into(), "b".into()],
            scoring: MultiScoring::AllOrNothing,
        }
    );
    assert_eq!(
        read.items[2].question.kind,
        QuestionKind::TrueFalse { correct: true }
    );
    assert_eq!(
        read.items[3].question.kind,
        QuestionKind::Numeric {
            value: 9.81,
            tolerance: Tolerance::Absolute(0.01)
        }
    );
    assert_eq!(read.items[4].question.id.as_str(), "q6");
    // A quoted field may hold a line break; the next row's line counts it.
    assert_eq!(
        read.items[5].question.prompt,
        "Describe your town,\nin two paragraphs."
    );
    assert_eq!(read.items[6].location.line, Some(9));
    let QuestionKind::Matching {
        pairs, distractors, ..
    } = &read.items[6].question.kind
    else {
        panic!()
    };
    assert_eq!(
        (pairs.len(), distractors.as_slice()),
        (2, &["Lima".to_owned()][..])
    );
    assert!(matches!(
        read.items[7].question.kind,
        QuestionKind::Ordering { .. }
    ));
}

#[test]
fn bad_rows_are_named_by_line_and_column_and_the_rest_still_read() {
    let src = "type,prompt,options,answer,marks\n\
               single_choice,Pick,a|b,z,\n\
               numeric,How many?,,lots,\n\
               essay,Write,,,-1\n\
               riddle,What?,,,\n\
               true_false,Fine?,,false,\n\
               single_choice,Only one option,x,a,\n";
    let read = from_text(src);
    let errs: Vec<(Option<usize>, &str)> = read
        .errors
        .iter()
        .map(|e| (e.location.line, e.message.as_str()))
        .collect();
    assert_eq!(errs.len(), 5, "{errs:?}");
    assert_eq!(errs[0].0, Some(2));
    assert!(
        errs[0].1.starts_with("column \"answer\": \"z\" is neither"),
        "{}",
        errs[0].1
    );
    assert_eq!(errs[1].0, Some(3));
    assert!(errs[1].1.contains("value:tolerance"));
    assert_eq!(errs[2].0, Some(4));
    assert!(errs[2].1.starts_with("column \"marks\""));
    assert_eq!(errs[3].0, Some(5));
    assert!(errs[3].1.starts_with("column \"type\": \"riddle\""));
    assert_eq!(errs[4].0, Some(7));
    assert!(errs[4].1.contains("at least 2 options"), "{}", errs[4].1);
    assert_eq!(read.items.len(), 1);

    let unknown = from_text("type,prompt,colour\nessay,x,red\n");
    assert!(unknown.errors[0]
        .message
        .contains("unknown column \"colour\""));
    let missing = from_text("prompt\nx\n");
    assert!(missing.errors[0].message.contains("no \"type\" column"));
    let ragged = from_text("type,prompt\nessay,x,extra\ntrue_false,y\n");
    assert_eq!(ragged.errors[0].location.line, Some(2));
}
