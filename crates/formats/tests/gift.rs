//! GIFT, checked against the examples in Moodle's documentation of the format
//! (docs.moodle.org/en/GIFT_format), one construct at a time, and against
//! malformed input whose error must name the right line.

mod common;

use examhall_formats::gift::{parse, Answers, Choice, GiftQuestion, Markup, NumericValue};

fn one(src: &str) -> GiftQuestion {
    let (qs, errors) = parse(src);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(qs.len(), 1, "{qs:?}");
    qs.into_iter().next().unwrap()
}

fn c(text: &str, weight: f64, feedback: Option<&str>) -> Choice {
    Choice {
        text: text.into(),
        weight,
        feedback: feedback.map(Into::into),
    }
}

#[test]
fn multiple_choice_with_feedback() {
    let q = one("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}");
    assert_eq!(q.text, "Who's buried in Grant's tomb?");
    assert_eq!(
        q.answers,
        Answers::MultipleChoice {
            choices: vec![
                c("Grant", 0.0, None),
                c("Jefferson", 0.0, None),
                c("no one", 100.0, None)
            ],
            multiple: false
        }
    );
    let q = one("What's the answer to this multiple-choice question? {\n\
         ~wrong answer#feedback comment on the wrong answer\n\
         ~another wrong answer#feedback comment on this wrong answer\n\
         =right answer#Very good!}");
    match q.answers {
        Answers::MultipleChoice { choices, .. } => {
            assert_eq!(
                choices[0].feedback.as_deref(),
                Some("feedback comment on the wrong answer")
            );
            assert_eq!(choices[2], c("right answer", 100.0, Some("Very good!")));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn weights_give_partial_credit_and_penalties() {
    let q = one("What two people are entombed in Grant's tomb? {\n\
            ~%-100%No one\n\
            ~%50%Grant\n\
            ~%50%Grant's wife\n\
            ~%-100%Grant's father\n\
         }");
    assert_eq!(
        q.answers,
        Answers::MultipleChoice {
            choices: vec![
                c("No one", -100.0, None),
                c("Grant", 50.0, None),
                c("Grant's wife", 50.0, None),
                c("Grant's father", -100.0, None),
            ],
            multiple: true
        }
    );
}

#[test]
fn missing_word_keeps_the_text_on_both_sides() {
    let q =
        one("Moodle costs {~lots of money =nothing ~a small amount} to download from moodle.org.");
    assert_eq!(q.text, "Moodle costs");
    assert_eq!(
        q.text_after.as_deref(),
        Some("to download from moodle.org.")
    );
    assert!(matches!(q.answers, Answers::MultipleChoice { ref choices, .. } if choices.len() == 3));
}

#[test]
fn true_false_with_feedback_for_wrong_then_right() {
    assert_eq!(
        one("Grant is buried in Grant's tomb.{F}").answers,
        Answers::TrueFalse {
            correct: false,
            feedback_wrong: None,
            feedback_right: None
        }
    );
    assert_eq!(
        one("The sun rises in the East.{TRUE#Wrong: think of the morning.#Yes.}").answers,
        Answers::TrueFalse {
            correct: true,
            feedback_wrong: Some("Wrong: think of the morning.".into()),
            feedback_right: Some("Yes.".into()),
        }
    );
}

#[test]
fn short_answer_accepts_every_right_answer() {
    let q = one("Who's buried in Grant's tomb?{=no one =nobody}");
    assert_eq!(
        q.answers,
        Answers::ShortAnswer {
            answers: vec![c("no one", 100.0, None), c("nobody", 100.0, None)]
        }
    );
    let q = one("Two plus two equals {=four =%50%4#Write it in words.}.");
    assert_eq!(q.text_after.as_deref(), Some("."));
    assert_eq!(
        q.answers,
        Answers::ShortAnswer {
            answers: vec![
                c("four", 100.0, None),
                c("4", 50.0, Some("Write it in words."))
            ]
        }
    );
}

#[test]
fn matching_pairs() {
    let q = one(
        "Match the following countries with their corresponding capitals. {\n\
            =Canada -> Ottawa\n\
            =Italy  -> Rome\n\
            =Japan  -> Tokyo\n\
            =India  -> New Delhi\n\
         }",
    );
    assert_eq!(
        q.answers,
        Answers::Matching {
            pairs: vec![
                ("Canada".into(), "Ottawa".into()),
                ("Italy".into(), "Rome".into()),
                ("Japan".into(), "Tokyo".into()),
                ("India".into(), "New Delhi".into()),
            ]
        }
    );
}

#[test]
#[allow(clippy::approx_constant)] // the documentation's own example is pi to three places
fn numeric_tolerance_range_and_several_answers() {
    let num = |src: &str| match one(src).answers {
        Answers::Numeric { answers } => answers,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        num("When was Ulysses S. Grant born?{#1822:5}")[0].value,
        NumericValue::Tolerance {
            value: 1822.0,
            tolerance: 5.0
        }
    );
    assert_eq!(
        num("What is the value of pi (to 3 decimal places)? {#3.141..3.142}.")[0].value,
        NumericValue::Range {
            min: 3.141,
            max: 3.142
        }
    );
    let several = num("When was Ulysses S. Grant born? {#\n=1822:0      #Correct! Full credit.\n=%50%1822:2 #He was born in 1822. Half credit for being close.\n}");
    assert_eq!(several.len(), 2);
    assert_eq!(several[0].weight, 100.0);
    assert_eq!(
        several[0].feedback.as_deref(),
        Some("Correct! Full credit.")
    );
    assert_eq!(
        several[1].value,
        NumericValue::Tolerance {
            value: 1822.0,
            tolerance: 2.0
        }
    );
    assert_eq!(several[1].weight, 50.0);
}

#[test]
fn essay_description_titles_markup_categories_comments_and_general_feedback() {
    let src = "// A comment line, ignored.\n\
               $CATEGORY: History/US presidents\n\
               \n\
               ::Q1 Grant:: [html]Write a short biography of <b>Dag Hammarskjöld</b>. {}\n\
               \n\
               ::Intro::You will now answer three questions.\n\
               \n\
               $CATEGORY: Maths\n\
               What is 1 + 1? {=2 ####Addition of small numbers.}\n";
    let (qs, errors) = parse(src);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(qs.len(), 3);
    assert_eq!(qs[0].title.as_deref(), Some("Q1 Grant"));
    assert_eq!(qs[0].markup, Markup::Html);
    assert_eq!(qs[0].answers, Answers::Essay);
    assert_eq!(qs[0].category.as_deref(), Some("History/US presidents"));
    assert_eq!(qs[0].line, 4);
    assert_eq!(qs[1].answers, Answers::Description);
    assert_eq!(qs[1].text, "You will now answer three questions.");
    assert_eq!(qs[2].category.as_deref(), Some("Maths"));
    assert_eq!(
        qs[2].general_feedback.as_deref(),
        Some("Addition of small numbers.")
    );
    assert_eq!(qs[2].line, 9);
}

#[test]
fn escapes_are_text_not_syntax() {
    let q = one("Which is a set in maths\\: \\{1, 2\\}? {=\\{a\\} \\= \\{b\\} ~a \\~ b ~a\\#b}");
    assert_eq!(q.text, "Which is a set in maths: {1, 2}?");
    match q.answers {
        Answers::MultipleChoice { choices, .. } => {
            assert_eq!(choices[0].text, "{a} = {b}");
            assert_eq!(choices[1].text, "a ~ b");
            assert_eq!(choices[2].text, "a#b");
            assert_eq!(choices[2].feedback, None);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(one("Line one\\nline two{}").text, "Line one\nline two");
}

#[test]
fn malformed_questions_are_reported_at_their_line_and_the_rest_still_read() {
    let src = "Fine one {=yes ~no}\n\
               \n\
               // the next question never closes its block\n\
               Broken {=a ~b\n\
               \n\
               \n\
               Also fine {T}\n\
               \n\
               Bad weight {~%abc%x =y}\n\
               \n\
               Bad number {#12,5}\n\
               \n\
               No right answer {~a ~b}\n\
               \n\
               Half a match {=a -> 1 =b}\n\
               \n\
               Two blocks {=a} and {=b}\n\
               \n\
               ::Unclosed title\n";
    let (qs, errors) = parse(src);
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(qs.len(), 2, "{qs:?}");
    assert_eq!(
        qs[1].answers,
        Answers::TrueFalse {
            correct: true,
            feedback_wrong: None,
            feedback_right: None
        }
    );
    assert_eq!(lines, vec![4, 9, 11, 13, 15, 17, 19], "{errors:#?}");
    let msg = |i: usize| errors[i].message.as_str();
    assert!(msg(0).contains("not closed"), "{}", msg(0));
    assert!(msg(1).contains("%abc%"), "{}", msg(1));
    assert!(msg(2).contains("\"12,5\" is not a number"), "{}", msg(2));
    assert!(msg(3).contains("right answer"), "{}", msg(3));
    assert!(msg(4).contains("matching"), "{}", msg(4));
    assert!(msg(5).contains("one answer block"), "{}", msg(5));
    assert!(msg(6).contains("title"), "{}", msg(6));
}

#[test]
fn an_error_inside_a_multi_line_block_names_the_line_of_the_answer() {
    let src = "Pick the primes. {\n=%50%2\n=%50%3\n~%1000%4\n}";
    let (_, errors) = parse(src);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 4, "{errors:?}");
    assert!(errors[0].message.contains("-100 to 100"));
}

/// Until the cargo-fuzz targets exist: 20,000 random files of up to 40 pieces of
/// GIFT's own syntax, numbers, words and non-ASCII text. The parser must never
/// panic, and every question and error must point inside the file.
#[test]
fn random_input_never_panics_and_errors_point_inside_the_file() {
    const PIECES: &[&str] = &[
        "{",
        "}",
        "=",
        "~",
        "#",
        "####",
        "%",
        "%50%",
        "%-100%",
        "->",
        "::",
        "\\",
        "\\{",
        "\\n",
        ":",
        "..",
        "\n",
        "\n\n",
        " ",
        "T",
        "FALSE",
        "[html]",
        "$CATEGORY:",
        "//",
        "1822",
        "3.14",
        "-5",
        "é",
        "日本",
        "word",
        "Grant",
        "\u{feff}",
    ];
    let mut read = 0usize;
    common::random_files(PIECES, 0x9E37_79B9_7F4A_7C15, 20_000, |src| {
        let lines = src.lines().count().max(1);
        let (qs, errors) = parse(src);
        read += qs.len();
        for e in &errors {
            assert!(e.line >= 1 && e.line <= lines, "{e:?} in {src:?}");
        }
        for q in &qs {
            assert!(q.line >= 1 && q.line <= lines, "{q:?} in {src:?}");
        }
    });
    assert!(
        read > 100,
        "the generator makes some valid questions too: {read}"
    );
}

/// Every string inside a parsed value, with where it is.
fn strings(v: &serde_json::Value, at: String, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::String(s) => out.push((at, s.clone())),
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                strings(x, format!("{at}[{i}]"), out);
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                strings(x, format!("{at}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// Moodle reads a `[html]`, `[moodle]`, `[plain]` or `[markdown]` marker at the
/// start of each answer, feedback and matching question as that field's format;
/// none of them is text. Checked over every GIFT file of the corpus (read from
/// `../shared/corpus`, never copied here).
#[test]
fn no_format_marker_survives_in_any_field_of_the_corpus() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/import/gift"
    );
    let mut seen = 0;
    let mut left = Vec::new();
    for entry in std::fs::read_dir(dir).expect("../shared/corpus beside the checkout") {
        let path = entry.unwrap().path();
        let Ok(src) = std::fs::read_to_string(&path) else {
            continue;
        };
        let (qs, _) = parse(&src);
        for q in &qs {
            let mut found = Vec::new();
            let v = serde_json::json!({"answers": q.answers, "general_feedback": q.general_feedback, "text": q.text});
            strings(&v, String::new(), &mut found);
            for (at, s) in found {
                seen += 1;
                let lower = s.trim_start().to_ascii_lowercase();
                if ["[html]", "[moodle]", "[plain]", "[markdown]"]
                    .iter()
                    .any(|m| lower.starts_with(m))
                {
                    left.push(format!("{}:{} {at}: {s:?}", path.display(), q.line));
                }
            }
        }
    }
    assert!(seen > 500, "the corpus was read ({seen} fields)");
    assert!(
        left.is_empty(),
        "{} fields keep a marker:\n{}",
        left.len(),
        left.join("\n")
    );
}

/// Moodle's numerical test question `{#3:2~#Completely wrong}` (and Moodle's
/// own export of it, split over lines): the `~#…` branch is the feedback for
/// any other number, worth nothing, so the question reads as its one right
/// answer, 3 ± 2, and the wrong branch's words are not glued onto it.
#[test]
fn a_numeric_wrong_answer_branch_reads_as_moodle_reads_it() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/import/gift/"
    );
    for file in [
        "giftformat_test-test_import_numerical.gift",
        "giftformat_test-test_export_numerical.gift",
        "totara_moodle_numerical.gift",
    ] {
        let src = std::fs::read_to_string(format!("{dir}{file}"))
            .expect("../shared/corpus beside the checkout");
        let q = one(&src);
        let Answers::Numeric { answers } = &q.answers else {
            panic!("{file}: {:?}", q.answers)
        };
        assert_eq!(answers.len(), 1, "{file}: {answers:?}");
        assert_eq!(
            answers[0].value,
            NumericValue::Tolerance {
                value: 3.0,
                tolerance: 2.0
            },
            "{file}"
        );
        assert_eq!(answers[0].weight, 100.0, "{file}");
        assert_eq!(answers[0].feedback.as_deref().unwrap_or(""), "", "{file}");
    }
    // A wrong branch with a value is a wrong answer of its own, worth nothing
    // unless weighted; a catch-all that earns something is refused.
    let q = one("Pi? {#3.14:0.01#Right~3#Close, but not enough~%20%3.1#Nearly}");
    let Answers::Numeric { answers } = &q.answers else {
        panic!("{:?}", q.answers)
    };
    let got: Vec<(f64, Option<&str>)> = answers
        .iter()
        .map(|a| (a.weight, a.feedback.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (100.0, Some("Right")),
            (0.0, Some("Close, but not enough")),
            (20.0, Some("Nearly"))
        ]
    );
    let (qs, errors) = parse("Pi? {#3.14~%50%#anything}");
    assert!(qs.is_empty());
    assert!(errors[0].message.contains("any other number"), "{errors:?}");
}

/// A description (text with no answer block) is valid GIFT, which Moodle imports
/// as a Description item: left out with a warning at its line, it no longer
/// stops the file's questions from importing (Moodle-exported files carry them).
#[test]
fn a_description_is_left_out_with_a_warning_and_the_questions_import() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/import/gift/"
    );
    let src = std::fs::read_to_string(format!("{dir}all.gift"))
        .expect("../shared/corpus beside the checkout");
    let read = examhall_formats::items::from_gift(&src);
    assert_eq!(read.errors, vec![], "a description is no error");
    assert_eq!(read.items.len(), 21);
    assert_eq!(read.warnings.len(), 1, "{:?}", read.warnings);
    assert_eq!(read.warnings[0].location.line, Some(4));
    assert_eq!(
        read.warning_lines("all.gift"),
        ["all.gift:4: warning: a description (text without an answer block) is not a question: left out"]
    );
}

/// Three readings where GIFT-grammar-PEG.js's expected output (its tests'
/// oracle, read from `../shared/corpus/import/oracle`) and Moodle agree:
/// a lone answer `{One}` is a short answer; `->` in a question that has a `~`
/// answer is text of a multiple choice, not a matching pair; a backslash before
/// a character GIFT does not escape (a space) is a backslash.
#[test]
fn lone_answers_arrows_in_choices_and_plain_backslashes_read_as_the_oracle_says() {
    let corpus = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/import/"
    );
    let read = |name: &str| {
        let src = std::fs::read_to_string(format!("{corpus}gift/{name}.gift"))
            .expect("../shared/corpus beside the checkout");
        let oracle: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{corpus}oracle/gift-pegjs/{name}.json")).unwrap(),
        )
        .unwrap();
        let (qs, errors) = parse(&src);
        assert!(errors.is_empty(), "{name}: {errors:?}");
        (qs, oracle)
    };
    // (text, right?, feedback) of each choice, as the oracle lists them.
    let expected = |q: &serde_json::Value| -> Vec<(String, bool, Option<String>)> {
        q["choices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["text"]["text"].as_str().unwrap().to_owned(),
                    c["isCorrect"].as_bool().unwrap(),
                    c["feedback"]["text"].as_str().map(str::to_owned),
                )
            })
            .collect()
    };
    let ours = |a: &Answers| -> Vec<(String, bool, Option<String>)> {
        let cs = match a {
            Answers::MultipleChoice { choices, .. } => choices,
            Answers::ShortAnswer { answers } => answers,
            other => panic!("{other:?}"),
        };
        cs.iter()
            .map(|c| (c.text.clone(), c.weight > 0.0, c.feedback.clone()))
            .collect()
    };
    for name in ["shortAnswer2", "shortAnswerNotMatching", "escapeAll"] {
        let (qs, oracle) = read(name);
        let oracle = oracle.as_array().unwrap();
        assert_eq!(qs.len(), oracle.len(), "{name}");
        for (q, o) in qs.iter().zip(oracle) {
            let kind_ok = match o["type"].as_str().unwrap() {
                "Short" => matches!(q.answers, Answers::ShortAnswer { .. }),
                "MC" => matches!(q.answers, Answers::MultipleChoice { .. }),
                other => panic!("{other}"),
            };
            assert!(kind_ok, "{name}: {:?} should be {}", q.answers, o["type"]);
            // The oracle folds runs of whitespace (a feedback continued on the
            // next line) into one space; the words must be the same.
            let fold =
                |v: Vec<(String, bool, Option<String>)>| -> Vec<(String, bool, Option<String>)> {
                    let f = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
                    v.into_iter()
                        .map(|(t, r, fb)| (f(&t), r, fb.as_deref().map(f)))
                        .collect()
                };
            assert_eq!(
                fold(ours(&q.answers)),
                fold(expected(o)),
                "{name}: {}",
                q.text
            );
        }
    }
}

/// Moodle's fixture saved in Windows-1252 is read as such, with a warning at the
/// line of its first non-UTF-8 byte, and its "ö" survives.
#[test]
fn a_windows_1252_file_is_read_as_windows_1252_with_a_warning() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/import/gift/questions_encoding_windows-1252.gift.txt"
    ))
    .expect("../shared/corpus beside the checkout");
    assert!(std::str::from_utf8(&bytes).is_err());
    let read = examhall_formats::import_bytes(examhall_formats::Format::Gift, &bytes);
    assert_eq!(read.errors, vec![]);
    assert_eq!(read.warnings[0].location.line, Some(15));
    assert!(read.warnings[0].message.contains("Windows-1252"));
    let json = serde_json::to_string(&read.items).unwrap();
    assert!(json.contains("aödf"), "{json}");
}

/// An ordering question goes out in Moodle's ordering GIFT and reads back the same.
#[test]
fn an_ordering_question_round_trips_through_moodles_ordering_gift() {
    use examhall_domain::{ChoiceOption, OrderScoring, QuestionKind};
    let src = "::Moodle::Put these words in order.{>3 ALL VERT ABSOLUTE_POSITION\nModular\nObject: 1\\{x\\}\nOriented\n}\n";
    let read = examhall_formats::items::from_gift(src);
    assert_eq!(read.errors, vec![]);
    let QuestionKind::Ordering { items, scoring } = &read.items[0].question.kind else {
        panic!("{:?}", read.items[0].question.kind)
    };
    assert_eq!(*scoring, OrderScoring::ByPosition);
    let texts: Vec<&str> = items
        .iter()
        .map(|i: &ChoiceOption| i.text.as_str())
        .collect();
    assert_eq!(texts, ["Modular", "Object: 1{x}", "Oriented"]);
    let out = examhall_formats::export::to_gift(&read.items).unwrap();
    let again = examhall_formats::items::from_gift(&out);
    assert_eq!(again.errors, vec![], "{out}");
    assert_eq!(
        again.items[0].question.kind, read.items[0].question.kind,
        "{out}"
    );
    // One item is not an ordering question: refused at the block.
    let one = examhall_formats::items::from_gift("Q{>1\nalone\n}");
    assert!(one.items.is_empty());
    assert!(
        one.errors[0].message.contains("at least two items"),
        "{:?}",
        one.errors
    );
}
