//! Moodle XML, from the examples in Moodle's documentation
//! (<https://docs.moodle.org/en/Moodle_XML_format>), and malformed files with the
//! exact place of each error.

use examhall_domain::{ClozePart, GapKind, OrderScoring, QuestionKind, Tolerance};
use examhall_formats::moodle_xml::from_text;
use examhall_formats::TextFormat;

fn golden(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/golden/moodle/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn every_supported_type_reads_as_its_examhall_question() {
    let read = from_text(&golden("all_types.xml"));
    assert_eq!(read.errors, vec![], "no errors");
    let ids: Vec<&str> = read.items.iter().map(|i| i.question.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "grant-s-tomb",
            "two-presidents",
            "sun",
            "capital",
            "born",
            "reflection",
            "capitals",
            "planets",
            "fill"
        ]
    );
    for item in &read.items {
        assert_eq!(item.category, ["Top", "History"], "{}", item.question.id);
    }

    let tomb = &read.items[0];
    assert_eq!(tomb.title.as_deref(), Some("Grant's tomb"));
    assert_eq!(tomb.question.prompt, "Who is buried in Grant's tomb?");
    assert_eq!(
        tomb.text_format,
        TextFormat::Plain,
        "HTML is stored as text"
    );
    assert_eq!(tomb.question.marks, 2.0);
    assert_eq!(tomb.tags, ["presidents", "easy"]);
    assert_eq!(
        tomb.general_feedback.as_deref(),
        Some("Grant and his wife.")
    );
    assert_eq!(tomb.location.line, Some(9));
    assert_eq!(tomb.location.path.as_deref(), Some("quiz/question[2]"));
    let QuestionKind::WeightedChoice { options, multiple } = &tomb.question.kind else {
        panic!("{:?}", tomb.question.kind)
    };
    assert!(!multiple);
    let credits: Vec<f64> = options.iter().map(|o| o.credit).collect();
    assert_eq!(credits, [1.0, 0.0, 0.5]);
    assert_eq!(options[1].feedback.as_deref(), Some("Ooops!"));

    let QuestionKind::WeightedChoice { options, multiple } = &read.items[1].question.kind else {
        panic!()
    };
    assert!(multiple);
    assert_eq!(
        options.iter().map(|o| o.credit).collect::<Vec<_>>(),
        [0.5, 0.5, -1.0]
    );

    assert_eq!(
        read.items[2].question.kind,
        QuestionKind::TrueFalse { correct: true }
    );
    assert_eq!(read.items[2].text_format, TextFormat::Moodle);

    let QuestionKind::TextSet {
        answers,
        case_sensitive,
    } = &read.items[3].question.kind
    else {
        panic!()
    };
    assert!(case_sensitive, "usecase 1");
    assert_eq!(answers[1].pattern, "Par*");
    assert_eq!(answers[1].credit, 0.5);

    let QuestionKind::NumericSet { answers } = &read.items[4].question.kind else {
        panic!()
    };
    assert_eq!(answers[0].tolerance, Tolerance::Exact);
    assert_eq!(answers[1].tolerance, Tolerance::Absolute(2.0));
    assert_eq!(answers[1].credit, 0.5);

    assert_eq!(read.items[5].question.kind, QuestionKind::essay());
    assert_eq!(read.items[5].question.prompt, "• Why?\n• How?");

    let QuestionKind::Matching {
        pairs, distractors, ..
    } = &read.items[6].question.kind
    else {
        panic!()
    };
    assert_eq!(
        pairs
            .iter()
            .map(|p| (p.prompt.as_str(), p.answer.as_str()))
            .collect::<Vec<_>>(),
        [("France", "Paris"), ("Italy", "Rome")]
    );
    assert_eq!(distractors, &["Lima"]);

    let QuestionKind::Ordering { items, scoring } = &read.items[7].question.kind else {
        panic!()
    };
    assert_eq!(*scoring, OrderScoring::ByPosition);
    assert_eq!(
        items.iter().map(|i| i.text.as_str()).collect::<Vec<_>>(),
        ["Mercury", "Venus", "Earth"]
    );
    let mut sorted: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
    let as_read = sorted.clone();
    sorted.sort();
    assert_ne!(sorted, as_read, "ids do not sort into the right order");

    let QuestionKind::Cloze { parts } = &read.items[8].question.kind else {
        panic!()
    };
    let gaps: Vec<_> = parts
        .iter()
        .filter_map(|p| match p {
            ClozePart::Gap(g) => Some(g),
            ClozePart::Text { .. } => None,
        })
        .collect();
    assert_eq!(gaps.len(), 3);
    assert_eq!(gaps[1].weight, 2.0);
    let GapKind::Text { answers, .. } = &gaps[0].kind else {
        panic!()
    };
    assert_eq!(answers[0].pattern, "France");
    assert_eq!(answers[0].feedback.as_deref(), Some("Yes"));
    assert_eq!(answers[1].credit, 0.5);
    let GapKind::Numeric { answers } = &gaps[1].kind else {
        panic!()
    };
    assert_eq!(answers[0].tolerance, Tolerance::Absolute(0.1));
    let GapKind::Choice { options } = &gaps[2].kind else {
        panic!()
    };
    assert_eq!(options[1].text, "blue");
    assert_eq!(options[1].credit, 1.0);
    assert_eq!(
        parts[0],
        ClozePart::Text {
            text: "Paris is in".into()
        }
    );
}

#[test]
fn errors_name_the_line_and_the_element() {
    let xml = r#"<?xml version="1.0"?>
<quiz>
  <question type="multichoice">
    <name><text>Bad fraction</text></name>
    <questiontext><text>Pick</text></questiontext>
    <answer fraction="lots"><text>A</text></answer>
    <answer fraction="0"><text>B</text></answer>
  </question>
  <question type="randomsamatch">
    <name><text>Random</text></name>
    <questiontext><text>Match these</text></questiontext>
  </question>
  <question type="multichoice">
    <name><text>No right answer</text></name>
    <questiontext><text>Pick</text></questiontext>
    <answer fraction="0"><text>A</text></answer>
    <answer fraction="0"><text>B</text></answer>
  </question>
  <question type="truefalse">
    <name><text>Fine</text></name>
    <questiontext><text>Fine?</text></questiontext>
    <answer fraction="100"><text>false</text></answer>
    <answer fraction="0"><text>true</text></answer>
  </question>
</quiz>
"#;
    let read = from_text(xml);
    let errs: Vec<(Option<usize>, Option<&str>, &str)> = read
        .errors
        .iter()
        .map(|e| {
            (
                e.location.line,
                e.location.path.as_deref(),
                e.message.as_str(),
            )
        })
        .collect();
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert_eq!(errs[0].0, Some(6));
    assert_eq!(errs[0].1, Some("quiz/question[1]/answer[1]"));
    assert!(errs[0].2.contains("fraction") && errs[0].2.contains("lots"));
    assert_eq!(errs[1].0, Some(9));
    assert_eq!(errs[1].1, Some("quiz/question[2]"));
    assert!(errs[1]
        .2
        .contains("\"randomsamatch\" is not one Examhall supports"));
    assert_eq!(errs[2].0, Some(13));
    assert!(
        errs[2].2.contains("no answer earns full marks"),
        "{}",
        errs[2].2
    );
    // The good question is still read.
    assert_eq!(read.items.len(), 1);
    assert_eq!(
        read.items[0].question.kind,
        QuestionKind::TrueFalse { correct: false }
    );

    let broken = from_text("<quiz>\n  <question type=\"essay\">\n</quiz>\n");
    assert_eq!(broken.items.len(), 0);
    assert_eq!(broken.errors[0].location.line, Some(3));
    assert!(broken.errors[0].message.starts_with("not well-formed XML"));

    let other = from_text("<assessmentItem/>");
    assert!(other.errors[0].message.contains("expected a <quiz>"));
}

/// Found by the fuzzer: an `&` followed by multi-byte characters where an
/// entity's `;` would be looked for.
#[test]
fn html_with_an_ampersand_before_multibyte_text_is_read() {
    use examhall_formats::items::html_to_text;
    assert_eq!(
        html_to_text("a &bc\u{73d}\u{73d}\u{73d}\u{73d}\u{73d}"),
        "a &bc\u{73d}\u{73d}\u{73d}\u{73d}\u{73d}"
    );
    assert_eq!(html_to_text("&amp;&#233;&#xE9;&nbsp;x"), "&éé x");
    assert_eq!(
        html_to_text("<p>a</p><ul><li>b</li></ul><img alt=\"Fig 1\" src=x>"),
        "a\n\n• b\n\n[image: Fig 1]"
    );
}

/// Images that come with a question (`<file … encoding="base64">`, referenced as
/// `@@PLUGINFILE@@/name`) are kept as data URLs; SVG and missing files are not.
#[test]
fn embedded_images_are_kept_as_data_urls() {
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let xml = format!(
        r#"<quiz><question type="truefalse"><name><text>Pic</text></name>
<questiontext format="html"><text><![CDATA[<p>Is this a dot? <img src="@@PLUGINFILE@@/a%20dot.png" alt="a [red] dot"> <img src="@@PLUGINFILE@@/x.svg" alt="vector"> <img src="@@PLUGINFILE@@/gone.png"></p>]]></text>
<file name="a dot.png" path="/" encoding="base64">{png}</file>
<file name="x.svg" path="/" encoding="base64">PHN2Zy8+</file>
</questiontext>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
</question></quiz>"#
    );
    let read = from_text(&xml);
    assert_eq!(read.errors, vec![]);
    assert_eq!(
        read.items[0].question.prompt,
        format!("Is this a dot? ![a red dot](data:image/png;base64,{png}) [image: vector] [image]")
    );
}

#[test]
fn dtds_entities_and_deep_nesting_are_refused_with_their_place() {
    let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE quiz [\n<!ENTITY a \"aaaaaaaaaa\">\n<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n]>\n<quiz><question type=\"essay\"><name><text>&b;</text></name><questiontext><text>x</text></questiontext></question></quiz>";
    let got = from_text(laughs);
    assert!(got.items.is_empty());
    assert_eq!(got.errors.len(), 1, "{:#?}", got.errors);
    assert_eq!(got.errors[0].location.line, Some(3), "{:?}", got.errors[0]);
    assert!(
        got.errors[0].message.contains("entity"),
        "{:?}",
        got.errors[0]
    );

    let depth = 50_000;
    let deep = format!(
        "<quiz><question type=\"essay\"><name><text>n</text></name><questiontext><text>{}{}</text></questiontext></question></quiz>",
        "<b>".repeat(depth),
        "</b>".repeat(depth)
    );
    let got = from_text(&deep);
    assert!(got.items.is_empty());
    assert_eq!(got.errors.len(), 1, "{:#?}", got.errors);
    assert!(
        got.errors[0].message.contains("deep"),
        "{:?}",
        got.errors[0]
    );
}

/// Moodle's own numerical fixture (read from `../shared/corpus`, never copied
/// here) ends with the catch-all answer `*` worth 0 %: "any other number", which
/// earns what a number matching nothing earns anyway, so it is read as no
/// answer at all; the question imports with its two real answers.
#[test]
fn a_numerical_catch_all_worth_nothing_reads_as_moodle_scores_it() {
    let corpus = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/import/moodle-xml/"
    );
    for file in [
        "xmlformat_test-test_import_numerical_19.xml",
        "xmlformat_test-test_export_numerical.xml",
    ] {
        let src = std::fs::read_to_string(format!("{corpus}{file}"))
            .expect("../shared/corpus beside the checkout");
        let read = from_text(&src);
        assert_eq!(read.errors, vec![], "{file}");
        assert_eq!(read.items.len(), 1, "{file}");
        let QuestionKind::NumericSet { answers } = &read.items[0].question.kind else {
            panic!("{file}: {:?}", read.items[0].question.kind)
        };
        let got: Vec<(f64, f64)> = answers.iter().map(|a| (a.value, a.credit)).collect();
        assert_eq!(got, [(42.0, 1.0), (13.0, 0.0)], "{file}");
        assert_eq!(answers[0].tolerance, Tolerance::Absolute(0.001), "{file}");
        assert_eq!(answers[1].tolerance, Tolerance::Absolute(1.0), "{file}");
    }
    // A catch-all that earns something cannot be said in Examhall's terms: it
    // is refused, by name and place.
    let generous = "<quiz><question type=\"numerical\"><name><text>n</text></name>\
        <questiontext><text>Q?</text></questiontext>\
        <answer fraction=\"100\"><text>42</text></answer>\
        <answer fraction=\"10\"><text>*</text></answer></question></quiz>";
    let read = from_text(generous);
    assert!(read.items.is_empty());
    let e = &read.errors[0];
    assert!(e.message.contains("catch-all"), "{e:?}");
    assert_eq!(
        e.location.path.as_deref(),
        Some("quiz/question[1]/answer[2]"),
        "{e:?}"
    );
}

fn corpus(file: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../../shared/corpus/import/moodle-xml/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("../shared/corpus beside the checkout")
}

/// Moodle's Description type (text between questions, nothing to answer) is left
/// out with a warning at its place, as GIFT's descriptions are; the file's
/// questions still import, and a file of descriptions only is not an error.
#[test]
fn a_description_is_left_out_with_a_warning_and_stops_nothing() {
    for file in [
        "description.xml",
        "xmlformat_test-test_import_description.xml",
        "xmlformat_test-test_export_description.xml",
    ] {
        let read = from_text(&corpus(file));
        assert_eq!(read.errors, vec![], "{file}");
        assert!(read.items.is_empty(), "{file}");
        assert_eq!(read.warnings.len(), 1, "{file}");
        assert!(
            read.warnings[0].message.contains("description"),
            "{file}: {:?}",
            read.warnings[0]
        );
        assert_eq!(
            read.warnings[0].location.path.as_deref(),
            Some("quiz/question[1]"),
            "{file}"
        );
    }
    // Beside a question: the question imports.
    let read = from_text(&corpus("description-testquestion.moodle.xml"));
    assert_eq!(read.errors, vec![]);
    assert_eq!(
        read.items.len(),
        0,
        "the fixture's other question is its category"
    );
    assert_eq!(read.warnings.len(), 1);
}

/// Moodle imports a multiple-answer question whose right answers add up to more
/// than 100 % with a notice, and caps the score at full marks; so does Examhall.
#[test]
fn right_answers_above_100_percent_import_with_a_warning_and_the_score_is_capped() {
    use examhall_domain::{grade_question, Answer, Outcome};
    for file in [
        "xmlformat_test-test_import_multichoice_19.xml",
        "xmlformat_test-test_export_multichoice.xml",
    ] {
        let read = from_text(&corpus(file));
        assert_eq!(read.errors, vec![], "{file}");
        assert_eq!(read.items.len(), 1, "{file}");
        assert!(
            read.warnings[0].message.contains("add up to 200 %"),
            "{file}: {:?}",
            read.warnings
        );
        let q = &read.items[0].question;
        let QuestionKind::WeightedChoice { options, multiple } = &q.kind else {
            panic!("{file}: {:?}", q.kind)
        };
        assert!(*multiple);
        let right: Vec<String> = options
            .iter()
            .filter(|o| o.credit > 0.0)
            .map(|o| o.id.clone())
            .collect();
        assert_eq!(right.len(), 2, "{file}");
        // One right answer is already full marks; both are not more than that.
        for picked in [vec![right[0].clone()], right.clone()] {
            let mark = grade_question(q, Some(&Answer::Choices(picked)), false);
            assert_eq!((mark.awarded, mark.outcome), (q.marks, Outcome::Correct));
        }
    }
    // Below 100 % stays an error: full marks could never be earned (Moodle's
    // own error fixture, 99.67 %).
    let read = from_text(&corpus("error_invalid_grades.xml"));
    assert!(read.items.is_empty());
    assert!(
        read.errors[0].message.contains("99.67 %"),
        "{:?}",
        read.errors
    );
}

/// Moodle's ordering fixtures are one bare <question> element: read as a quiz of
/// that question (Moodle's ordering test data, weights in Moodle's order).
#[test]
fn a_file_of_one_bare_question_element_is_read_as_that_question() {
    for file in [
        "ordering-testexport.moodle.xml",
        "ordering-testimport.moodle.xml",
        "ordering-testimportlong.moodle.xml",
    ] {
        let read = from_text(&corpus(file));
        assert_eq!(read.errors, vec![], "{file}");
        assert_eq!(read.items.len(), 1, "{file}");
        assert_eq!(read.items[0].location.path.as_deref(), Some("question"));
        let QuestionKind::Ordering { items, .. } = &read.items[0].question.kind else {
            panic!("{file}: {:?}", read.items[0].question.kind)
        };
        assert!(items.len() >= 6, "{file}: {items:?}");
    }
    let read = from_text(&corpus("ordering-testexport.moodle.xml"));
    let QuestionKind::Ordering { items, .. } = &read.items[0].question.kind else {
        unreachable!()
    };
    let words: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(
        words,
        [
            "Modular",
            "Object",
            "Oriented",
            "Dynamic",
            "Learning",
            "Environment"
        ]
    );
}

/// Select missing words (gapselect) and drag-and-drop into text (ddwtos): each
/// [[n]] is a gap whose right answer is choice n among its group, every gap an
/// equal share, as Moodle scores them (Moodle's own test questions).
#[test]
fn gapselect_and_ddwtos_read_as_choice_gaps_in_a_cloze() {
    use examhall_domain::{grade_question, Answer, Outcome};
    for file in [
        "ddwtos-testquestion.moodle.xml",
        "gapselect-testquestion.moodle.xml",
    ] {
        let read = from_text(&corpus(file));
        assert_eq!(read.errors, vec![], "{file}");
        let q = &read.items[0].question;
        let QuestionKind::Cloze { parts } = &q.kind else {
            panic!("{file}: {:?}", q.kind)
        };
        let gaps: Vec<_> = parts
            .iter()
            .filter_map(|p| match p {
                ClozePart::Gap(g) => Some(g),
                ClozePart::Text { .. } => None,
            })
            .collect();
        assert_eq!(gaps.len(), 3, "{file}");
        let right = |g: &examhall_domain::Gap| match &g.kind {
            GapKind::Choice { options } => options
                .iter()
                .find(|o| o.credit == 1.0)
                .map(|o| (o.id.clone(), o.text.clone()))
                .unwrap(),
            other => panic!("{other:?}"),
        };
        let words: Vec<String> = gaps.iter().map(|g| right(g).1).collect();
        assert_eq!(words, ["cat", "sat", "mat"], "{file}");
        let answer = |wrong_last: bool| {
            Answer::Map(
                gaps.iter()
                    .enumerate()
                    .map(|(i, g)| {
                        let id = if wrong_last && i == 2 {
                            right(gaps[0]).0
                        } else {
                            right(g).0
                        };
                        (g.id.clone(), id)
                    })
                    .collect(),
            )
        };
        let all = grade_question(q, Some(&answer(false)), false);
        assert_eq!((all.awarded, all.outcome), (q.marks, Outcome::Correct));
        let two = grade_question(q, Some(&answer(true)), false);
        assert_eq!(two.outcome, Outcome::Partial);
        assert!((two.awarded - q.marks * 2.0 / 3.0).abs() < 1e-6, "{file}");
    }
    // A gap naming a choice that is not there is refused at the question text.
    let bad = corpus("gapselect.xml").replace("[[1]]", "[[9]]");
    let read = from_text(&bad);
    assert!(read.items.is_empty());
    assert!(
        read.errors[0].message.contains("[[9]]"),
        "{:?}",
        read.errors
    );
    assert_eq!(
        read.errors[0].location.path.as_deref(),
        Some("quiz/question[1]/questiontext")
    );
}

/// Moodle's calculated types (its own fixtures): the datasets become the
/// attempt's values (item k of every dataset, k the attempt's variant), the
/// answers formulas over them, calculatedmulti's options computed text.
#[test]
fn calculated_questions_take_the_attempts_values_from_their_datasets() {
    use examhall_domain::{grade_question, Answer, Outcome};
    let read = from_text(&corpus("calculatedsimple.xml"));
    assert_eq!(read.errors, vec![]);
    let q = &read.items[0].question;
    assert_eq!(q.marks, 1.9);
    let QuestionKind::Calculated { vars, .. } = &q.kind else {
        panic!("{:?}", q.kind)
    };
    let names: Vec<&str> = vars.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["l", "w", "h"]);
    let number_after = |text: &str, label: &str| -> f64 {
        let at = text.find(label).unwrap() + label.len();
        text[at..]
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let mut prompts = std::collections::BTreeSet::new();
    for n in 0..30 {
        let sat = q.for_attempt(&format!("a{n}")).into_owned();
        let (h, l, w) = (
            number_after(&sat.prompt, "height is "),
            number_after(&sat.prompt, "length is "),
            number_after(&sat.prompt, "width is "),
        );
        prompts.insert(sat.prompt.clone());
        let right = (l * w * h * 1e6).round() / 1e6;
        let mark = grade_question(&sat, Some(&Answer::Text(right.to_string())), false);
        assert_eq!(mark.outcome, Outcome::Correct, "{}: {right}", sat.prompt);
        let off = grade_question(&sat, Some(&Answer::Text((right + 1.0).to_string())), false);
        assert_eq!(off.outcome, Outcome::Incorrect);
    }
    assert!(prompts.len() > 5, "attempts see different values");

    // calculatedmulti: the options are computed for the attempt.
    let read = from_text(&corpus("calculatedmulti.xml"));
    assert_eq!(read.errors, vec![]);
    let q = &read.items[0].question;
    let sat = q.for_attempt("a1").into_owned();
    let QuestionKind::WeightedChoice { options, multiple } = &sat.kind else {
        panic!("{:?}", sat.kind)
    };
    assert!(!multiple);
    let a = number_after(&sat.prompt, "longueur ");
    let b = number_after(&sat.prompt, "largeur ");
    let right: f64 = options[0].text.parse().unwrap();
    let sum: f64 = options[1].text.parse().unwrap();
    assert!(
        (right - a * b).abs() < 1e-9,
        "{} = {a} × {b}",
        options[0].text
    );
    assert!((sum - (a + b)).abs() < 1e-9);
    assert!(sat
        .prompt
        .contains(&format!("Formula in the text {}", options[0].text)));
    assert_eq!(options[0].credit, 1.0);
}

/// A calculated question without datasets or answers is refused, by field.
#[test]
fn a_calculated_question_without_variables_is_refused_at_its_element() {
    let read = from_text(
        "<quiz>\n<question type=\"calculated\">\n<name><text>Calc</text></name>\n\
         <questiontext><text>{a} + {b}?</text></questiontext>\n\
         <answer fraction=\"100\"><text>{a}+{b}</text></answer>\n</question>\n</quiz>",
    );
    assert!(read.items.is_empty());
    assert_eq!(read.errors[0].location.line, Some(2));
    assert!(
        read.errors[0]
            .message
            .contains("vars: a calculated question needs at least one variable"),
        "{:?}",
        read.errors
    );
}

/// A cloze's MULTIRESPONSE gaps (and their layouts, MULTIRESPONSE_H, _S, _HS):
/// tick several, their credits add up between 0 and the gap's share (Moodle's
/// fixture of every embedded type).
#[test]
fn multiresponse_gaps_take_several_ticks_and_add_their_credits() {
    use examhall_domain::{grade_question, Answer, Outcome};
    let read = from_text(&corpus("multianswer-all-types.xml"));
    assert_eq!(read.errors, vec![]);
    let q = &read.items[0].question;
    let QuestionKind::Cloze { parts } = &q.kind else {
        panic!("{:?}", q.kind)
    };
    let gaps: Vec<&examhall_domain::Gap> = parts
        .iter()
        .filter_map(|p| match p {
            ClozePart::Gap(g) => Some(g),
            ClozePart::Text { .. } => None,
        })
        .collect();
    let several: Vec<&examhall_domain::Gap> = gaps
        .iter()
        .copied()
        .filter(|g| matches!(g.kind, GapKind::Choices { .. }))
        .collect();
    assert_eq!(several.len(), 4, "MULTIRESPONSE, _H, _HS, _S");
    let GapKind::Choices { options } = &several[0].kind else {
        unreachable!()
    };
    let right: Vec<String> = options
        .iter()
        .filter(|o| o.credit > 0.0)
        .map(|o| o.id.clone())
        .collect();
    assert!(right.len() >= 2, "{options:?}");
    let only =
        |value: String| Answer::Map(std::iter::once((several[0].id.clone(), value)).collect());
    let share = several[0].weight / gaps.iter().map(|g| g.weight).sum::<f64>() * q.marks;
    let all = grade_question(q, Some(&only(right.join(","))), false);
    assert!((all.awarded - share).abs() < 1e-9, "{all:?} vs {share}");
    assert_eq!(all.outcome, Outcome::Partial, "one gap of many");
    // Each `=` is worth 100 % in Moodle, so one right tick already fills the
    // gap (its score stops at full), and a 0 % tick adds nothing.
    let one = grade_question(q, Some(&only(right[0].clone())), false);
    assert!((one.awarded - share).abs() < 1e-9, "{one:?}");
    let zero: Vec<String> = options
        .iter()
        .filter(|o| o.credit == 0.0)
        .map(|o| o.id.clone())
        .collect();
    let nothing = grade_question(q, Some(&only(zero.join(","))), false);
    assert_eq!(nothing.awarded, 0.0);
    // Ticks that are not options are refused before they are saved.
    assert!(q.check_answer(&only("zz".into())).is_err());
    assert!(q.check_answer(&only(format!("{0},{0}", right[0]))).is_err());
    assert_eq!(q.check_answer(&only(right.join(","))), Ok(()));
}

/// An image stored in a subfolder of the question's files (`path="/pics/"`) is
/// found from `@@PLUGINFILE@@/pics/…`, as at the top level.
#[test]
fn an_image_in_a_subfolder_of_the_files_is_found() {
    let xml = |path: &str, src: &str| {
        format!(
            "<quiz><question type=\"truefalse\"><name><text>T</text></name>\
             <questiontext format=\"html\"><text><![CDATA[<p>Look <img src=\"@@PLUGINFILE@@/{src}\" alt=\"dot\"></p>]]></text>\
             <file name=\"dot.png\" path=\"{path}\" encoding=\"base64\">iVBORw0KGgo=</file></questiontext>\
             <answer fraction=\"100\"><text>true</text></answer><answer fraction=\"0\"><text>false</text></answer>\
             </question></quiz>"
        )
    };
    for (path, src) in [
        ("/pics/", "pics/dot.png"),
        ("/", "dot.png"),
        ("/a/b/", "a/b/dot.png"),
    ] {
        let read = from_text(&xml(path, src));
        assert_eq!(read.errors, vec![], "{path}");
        let prompt = &read.items[0].question.prompt;
        assert!(
            prompt.contains("![dot](data:image/png;base64,iVBORw0KGgo=)"),
            "{path}: {prompt}"
        );
    }
    // The same name in another folder is not that image.
    let read = from_text(&xml("/other/", "pics/dot.png"));
    assert!(read.items[0].question.prompt.contains("[image: dot]"));
}
