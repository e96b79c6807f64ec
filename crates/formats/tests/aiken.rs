//! Aiken, checked against the example in Moodle's documentation and malformed input.

mod common;

use examhall_formats::aiken::parse;

#[test]
fn the_documented_example_and_its_variants() {
    let src = "What is the correct answer to this question?\n\
               A. Is it this one?\n\
               B. Maybe this answer?\n\
               C. Possibly this one?\n\
               D. Must be this one!\n\
               ANSWER: D\n\
               \n\
               Which LMS has the most quiz import formats?\n\
               A) Moodle\n\
               B) ATutor\n\
               C) Claroline\n\
               D) Blackboard\n\
               E) WebCT\n\
               F) Ilias\n\
               ANSWER: A\n\
               Back to back, no blank line:\n\
               A. yes\n\
               B. no\n\
               ANSWER: B\n";
    let (qs, errors) = parse(src);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(qs.len(), 3);
    assert_eq!(qs[0].text, "What is the correct answer to this question?");
    assert_eq!(qs[0].options[3], "Must be this one!");
    assert_eq!(qs[0].answer, 3);
    assert_eq!((qs[1].line, qs[1].options.len(), qs[1].answer), (8, 6, 0));
    assert_eq!(qs[1].options[0], "Moodle");
    assert_eq!((qs[2].line, qs[2].answer), (16, 1));
}

#[test]
fn malformed_questions_are_named_by_line_and_the_rest_still_read() {
    let src = "No answer line?\n\
               A. a\n\
               B. b\n\
               \n\
               Answer out of range?\n\
               A. a\n\
               B. b\n\
               ANSWER: C\n\
               \n\
               Letters out of order?\n\
               A. a\n\
               C. c\n\
               ANSWER: A\n\
               \n\
               Only one option?\n\
               A. a\n\
               ANSWER: A\n\
               \n\
               A fine one?\n\
               A. yes\n\
               B. no\n\
               ANSWER: A\n";
    let (qs, errors) = parse(src);
    assert_eq!(qs.len(), 1);
    assert_eq!(qs[0].text, "A fine one?");
    let got: Vec<(usize, &str)> = errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(got.len(), 4, "{got:#?}");
    assert_eq!(got[0].0, 1);
    assert!(got[0].1.contains("without an ANSWER"));
    assert_eq!(got[1].0, 8);
    assert!(got[1].1.contains("\"C\" is not one of the options A to B"));
    assert_eq!(got[2].0, 12);
    assert!(got[2].1.contains("expected option B, found option C"));
    assert_eq!(got[3].0, 17);
    assert!(got[3].1.contains("at least two options"));
}

#[test]
fn random_input_never_panics_and_errors_point_inside_the_file() {
    // Whole lines, so that some blocks come out valid, and fragments, so that most do not.
    const PIECES: &[&str] = &[
        "Which one?\n",
        "A. yes\n",
        "B) no\n",
        "C. maybe\n",
        "ANSWER: A\n",
        "ANSWER: B\n",
        "ANSWER: Z\n",
        "\n",
        "Z. ",
        "ANSWER:",
        "é",
        "日本",
        "A. ",
        "\u{feff}",
        " ",
    ];
    let mut read = 0;
    common::random_files(PIECES, 0x2545_F491_4F6C_DD1D, 20_000, |src| {
        let lines = src.lines().count().max(1);
        let (qs, errors) = parse(src);
        read += qs.len();
        for e in &errors {
            assert!(e.line >= 1 && e.line <= lines, "{e:?} in {src:?}");
        }
        for q in &qs {
            assert!(q.answer < q.options.len() && q.options.len() >= 2, "{q:?}");
        }
    });
    assert!(read > 0, "the generator makes some valid questions too");
}

/// Moodle's own fixture of deliberate errors (read from `../shared/corpus`,
/// never copied here): Moodle imports its three good questions, one of them
/// written `A)Incorrect` without a space, which Moodle's pattern allows.
#[test]
fn moodles_error_fixture_imports_the_three_questions_moodle_imports() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/import/aiken/aiken_errors.txt"
    );
    let src = std::fs::read_to_string(path).expect("../shared/corpus beside the checkout");
    let (qs, errors) = parse(&src);
    let texts: Vec<&str> = qs.iter().map(|q| q.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "A good question",
            "A second good question",
            "A third good question with HTML chars such as > < &"
        ],
        "{errors:?}"
    );
    assert_eq!(
        qs[1].options,
        ["Incorrect (No space)", "Correct (No space)"]
    );
    assert_eq!(qs[1].answer, 1);
    assert!(!errors.is_empty(), "the deliberate errors are still named");
    // Without the space after `.` or `)`, in a file of our own too.
    let (qs, errors) = parse("Is it?\nA.yes\nB)no\nANSWER: A\n");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(qs[0].options, ["yes", "no"]);
}
