//! Golden tests against Moodle's own expectations: each test reads one of
//! Moodle's fixtures from the import corpus (`../shared/corpus/import/`, read in
//! place, never copied here; its `SOURCES.md` names each file's origin) and
//! checks that Examhall imports what Moodle's own test says Moodle imports from
//! it.
//!
//! The expectations come from Moodle 4.5's tests:
//! - `question/format/xml/tests/xmlformat_test.php` (the `xmlformat_test-test_import_*.xml`
//!   fixtures are that test's XML fragments, wrapped in `<quiz>`),
//! - `question/format/gift/tests/giftformat_test.php` (the `giftformat_test-test_import_*.gift`
//!   fixtures are that test's GIFT strings),
//! - `question/type/ordering/tests/questiontype_test.php` (the ordering fixtures),
//! - `question/type/*/tests/behat/import.feature` (the `*-testquestion.moodle.xml`
//!   fixtures: one question imported, its text and its name shown).
//!
//! Only what Moodle's test asserts and Examhall has a field for is checked:
//! name (`title`), question text (`prompt`), default mark (`marks`), each
//! answer's text, fraction (`credit`, Moodle's 1 = 100 %) and feedback,
//! tolerances, `usecase` (`case_sensitive`), general feedback and tags. Where
//! Examhall differs from Moodle on purpose, the test asserts Examhall's
//! documented behaviour and says so:
//! - HTML text is stored as plain text (`items::html_to_text`), so
//!   `questiontextformat` HTML becomes `TextFormat::Plain` and the markup goes;
//! - an empty feedback is no feedback (`None`), where Moodle keeps `''`;
//! - a numerical catch-all `*` worth 0 % is left out with its feedback (it
//!   scores as a number matching no answer does);
//! - Moodle's descriptions are left out with a warning (nothing to answer);
//! - true/false answer feedback, combined feedback (correct / partially correct /
//!   incorrect), hints, penalties, id numbers, answer numbering, shuffling and
//!   essay response options have no Examhall field and are not checked.
//!
//! Each of the four places where these tests first found Examhall importing
//! something else (a cloze's marks, GIFT's ordering block, `[tag:…]` comments,
//! indentation in `<pre>`) has been fixed; none is left ignored.

use examhall_domain::{
    ClozePart, GapKind, MatchPair, NumericAnswer, OrderScoring, QuestionKind, ScoredOption,
    TextAnswer, Tolerance,
};
use examhall_formats::items::from_gift;
use examhall_formats::moodle_xml::from_text;
use examhall_formats::{Imported, ImportedItem, TextFormat};

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/import/"
);

/// A corpus file's text (`moodle-xml/…` or `gift/…`).
fn corpus(path: &str) -> String {
    std::fs::read_to_string(format!("{CORPUS}{path}"))
        .unwrap_or_else(|e| panic!("{path}: {e} (../shared/corpus beside the checkout)"))
}

/// The one question a file holds, read without an error.
fn only(file: &str, read: Imported) -> ImportedItem {
    assert_eq!(read.errors, vec![], "{file}: no errors");
    assert_eq!(
        read.items.len(),
        1,
        "{file}: one question: {:?}",
        read.items
    );
    read.items.into_iter().next().unwrap()
}

fn xml(file: &str) -> Imported {
    from_text(&corpus(&format!("moodle-xml/{file}")))
}

fn xml_one(file: &str) -> ImportedItem {
    only(file, xml(file))
}

fn gift_one(file: &str) -> ImportedItem {
    only(file, from_gift(&corpus(&format!("gift/{file}"))))
}

/// (text, credit, feedback) of each weighted option.
fn scored(options: &[ScoredOption]) -> Vec<(&str, f64, Option<&str>)> {
    options
        .iter()
        .map(|o| (o.text.as_str(), o.credit, o.feedback.as_deref()))
        .collect()
}

/// (pattern, credit, feedback) of each text answer.
fn texts(answers: &[TextAnswer]) -> Vec<(&str, f64, Option<&str>)> {
    answers
        .iter()
        .map(|a| (a.pattern.as_str(), a.credit, a.feedback.as_deref()))
        .collect()
}

/// (value, tolerance, credit, feedback) of each numeric answer.
fn numbers(answers: &[NumericAnswer]) -> Vec<(f64, Tolerance, f64, Option<&str>)> {
    answers
        .iter()
        .map(|a| (a.value, a.tolerance, a.credit, a.feedback.as_deref()))
        .collect()
}

/// (item, answer) of each matching pair.
fn pairs(pairs: &[MatchPair]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|p| (p.prompt.as_str(), p.answer.as_str()))
        .collect()
}

/// A cloze's parts as Moodle writes its question text after import: the text
/// parts, and each gap as `{#n}`.
fn cloze_skeleton(parts: &[ClozePart]) -> Vec<String> {
    let mut n = 0;
    parts
        .iter()
        .map(|p| match p {
            ClozePart::Text { text } => text.clone(),
            ClozePart::Gap(_) => {
                n += 1;
                format!("{{#{n}}}")
            }
        })
        .collect()
}

/// The gaps of a cloze, in order.
fn gaps(parts: &[ClozePart]) -> Vec<&GapKind> {
    parts
        .iter()
        .filter_map(|p| match p {
            ClozePart::Gap(g) => Some(&g.kind),
            ClozePart::Text { .. } => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Moodle XML: question/format/xml/tests/xmlformat_test.php
// ---------------------------------------------------------------------------

/// Mirrors `xmlformat_test::test_import_truefalse_19`: name, text, general
/// feedback, default mark 1, correct answer true. (The per-answer feedbacks,
/// "Well done!" and "Doh!", have no Examhall field: a true/false question has no
/// feedback per answer; penalty 1 is Moodle's retry penalty, not imported.)
#[test]
fn xml_test_import_truefalse_19() {
    let item = xml_one("xmlformat_test-test_import_truefalse_19.xml");
    assert_eq!(item.title.as_deref(), Some("True false question"));
    assert_eq!(item.question.prompt, "The answer is true.");
    // Moodle keeps FORMAT_HTML; Examhall stores HTML as plain text.
    assert_eq!(item.text_format, TextFormat::Plain);
    assert_eq!(
        item.general_feedback.as_deref(),
        Some("General feedback: You should have chosen true.")
    );
    assert_eq!(item.question.marks, 1.0);
    assert_eq!(
        item.question.kind,
        QuestionKind::TrueFalse { correct: true }
    );
}

/// Mirrors `xmlformat_test::test_import_truefalse_with_idnumber`: the same
/// question as `test_import_truefalse_19` with `<idnumber>TestIdNum1</idnumber>`,
/// which has no Examhall field; everything else imports the same.
#[test]
fn xml_test_import_truefalse_with_idnumber() {
    let item = xml_one("xmlformat_test-test_import_truefalse_with_idnumber.xml");
    assert_eq!(item.title.as_deref(), Some("True false question"));
    assert_eq!(item.question.prompt, "The answer is true.");
    assert_eq!(
        item.general_feedback.as_deref(),
        Some("General feedback: You should have chosen true.")
    );
    assert_eq!(item.question.marks, 1.0);
    assert_eq!(
        item.question.kind,
        QuestionKind::TrueFalse { correct: true }
    );
}

/// Mirrors `xmlformat_test::test_import_truefalse_wih_files` (sic). Moodle's
/// test checks that the attached `moodle.txt` lands in the draft area under
/// `/myfolder/`; Examhall keeps only images that come with a text (as data URLs),
/// so the text file is not kept and its link becomes its words. The question
/// itself (with `defaultgrade` written `1.0000000`) imports.
#[test]
fn xml_test_import_truefalse_wih_files() {
    let item = xml_one("xmlformat_test-test_import_truefalse_wih_files.xml");
    assert_eq!(item.title.as_deref(), Some("truefalse"));
    assert_eq!(
        item.question.prompt,
        "This text file contains the word Moodle."
    );
    assert!(!item.question.prompt.contains("@@PLUGINFILE@@"));
    assert_eq!(
        item.general_feedback.as_deref(),
        Some("For further information, see the documentation about Moodle.")
    );
    assert_eq!(item.question.marks, 1.0);
    assert_eq!(
        item.question.kind,
        QuestionKind::TrueFalse { correct: true }
    );
}

/// Mirrors `xmlformat_test::test_import_shortanswer_19`: name, text, general
/// feedback, `usecase` false, default mark 1, answers `Beta` (1, "Well done!")
/// and `*` (0, "Doh!"). Unlike a numerical catch-all, a short answer's `*` is a
/// pattern like any other and is kept with its feedback.
#[test]
fn xml_test_import_shortanswer_19() {
    let item = xml_one("xmlformat_test-test_import_shortanswer_19.xml");
    assert_eq!(item.title.as_deref(), Some("Short answer question"));
    assert_eq!(
        item.question.prompt,
        "Fill in the gap in this sequence: Alpha, ________, Gamma."
    );
    assert_eq!(
        item.general_feedback.as_deref(),
        Some("The answer is Beta.")
    );
    assert_eq!(item.question.marks, 1.0);
    let QuestionKind::TextSet {
        answers,
        case_sensitive,
    } = &item.question.kind
    else {
        panic!("{:?}", item.question.kind)
    };
    assert!(!case_sensitive, "usecase 0");
    assert_eq!(
        texts(answers),
        [("Beta", 1.0, Some("Well done!")), ("*", 0.0, Some("Doh!"))]
    );
}

/// Mirrors `xmlformat_test::test_import_numerical_19`: answers 42 (1, "Well
/// done!", tolerance 0.001), 13 (0, "What were you thinking?!", tolerance 1) and
/// `*` (0, "Completely wrong."). Examhall leaves out the catch-all `*` worth 0 %,
/// with its feedback, on purpose (see `moodle_xml.rs`): it scores as a number
/// matching no answer does. Tolerances are Moodle's nominal (absolute) ones.
#[test]
fn xml_test_import_numerical_19() {
    let item = xml_one("xmlformat_test-test_import_numerical_19.xml");
    assert_eq!(item.title.as_deref(), Some("Numerical question"));
    assert_eq!(item.question.prompt, "What is the answer?");
    assert_eq!(
        item.general_feedback.as_deref(),
        Some("General feedback: Think Hitch-hikers guide to the Galaxy.")
    );
    assert_eq!(item.question.marks, 1.0);
    let QuestionKind::NumericSet { answers } = &item.question.kind else {
        panic!("{:?}", item.question.kind)
    };
    assert_eq!(
        numbers(answers),
        [
            (42.0, Tolerance::Absolute(0.001), 1.0, Some("Well done!")),
            (
                13.0,
                Tolerance::Absolute(1.0),
                0.0,
                Some("What were you thinking?!")
            ),
        ]
    );
}

/// Mirrors `xmlformat_test::test_import_match_19`: name, text, general feedback
/// (with its `->`s), default mark 1, subquestions A, B, C and an empty one with
/// subanswers a, b, c, d, tags. Examhall reads a subquestion with no text as an
/// extra answer (a distractor), which is what Moodle does with it.
#[test]
fn xml_test_import_match_19() {
    let item = xml_one("xmlformat_test-test_import_match_19.xml");
    assert_eq!(item.title.as_deref(), Some("Matching question"));
    assert_eq!(
        item.question.prompt,
        "Match the upper and lower case letters."
    );
    assert_eq!(
        item.general_feedback.as_deref(),
        Some("The answer is A -> a, B -> b and C -> c.")
    );
    assert_eq!(item.question.marks, 1.0);
    assert_eq!(item.tags, ["tagMatching", "tagTest"]);
    let QuestionKind::Matching {
        pairs: ps,
        distractors,
        scores,
    } = &item.question.kind
    else {
        panic!("{:?}", item.question.kind)
    };
    assert_eq!(pairs(ps), [("A", "a"), ("B", "b"), ("C", "c")]);
    assert_eq!(distractors, &["d"]);
    assert_eq!(*scores, None, "every right pair earns an equal share");
}

/// Mirrors `xmlformat_test::test_import_multichoice_19`: `single` false, default
/// mark 2, answers 1, 2, 3, 4 with fractions 0, 1, 0, 1 and empty feedback.
/// Moodle keeps the empty feedbacks as `''`; Examhall as no feedback. The right
/// answers add up to 200 %, which Moodle accepts with a notice when it saves
/// the question; Examhall imports it with a warning, as documented.
#[test]
fn xml_test_import_multichoice_19() {
    let file = "xmlformat_test-test_import_multichoice_19.xml";
    let read = xml(file);
    assert_eq!(read.warnings.len(), 1, "{:?}", read.warnings);
    assert!(
        read.warnings[0].message.contains("add up to 200 %"),
        "{:?}",
        read.warnings
    );
    let item = only(file, read);
    assert_eq!(item.title.as_deref(), Some("Multiple choice question"));
    assert_eq!(item.question.prompt, "Which are the even numbers?");
    assert_eq!(
        item.general_feedback.as_deref(),
        Some("The even numbers are 2 and 4.")
    );
    assert_eq!(item.question.marks, 2.0);
    let QuestionKind::WeightedChoice { options, multiple } = &item.question.kind else {
        panic!("{:?}", item.question.kind)
    };
    assert!(*multiple, "single false");
    assert_eq!(
        scored(options),
        [
            ("1", 0.0, None),
            ("2", 1.0, None),
            ("3", 0.0, None),
            ("4", 1.0, None)
        ]
    );
}

/// The essay that `test_import_essay_20`, `_21` and `_311` import: name, text in
/// Moodle's auto-format, general feedback, default mark 1. (Response format,
/// lines, word limits, attachments and the response template have no Examhall
/// field.) The grader information, where given, is the marking guidance.
fn assert_moodle_essay(file: &str, tags: [&str; 3], guidance: Option<&str>) {
    let item = xml_one(file);
    assert_eq!(item.title.as_deref(), Some("An essay"), "{file}");
    assert_eq!(item.question.prompt, "Write something.", "{file}");
    assert_eq!(
        item.text_format,
        TextFormat::Moodle,
        "{file}: FORMAT_MOODLE"
    );
    assert_eq!(
        item.general_feedback.as_deref(),
        Some("I hope you wrote something interesting."),
        "{file}"
    );
    assert_eq!(item.question.marks, 1.0, "{file}");
    assert_eq!(item.tags, tags, "{file}");
    assert_eq!(
        item.question.kind,
        QuestionKind::Essay {
            guidance: guidance.map(str::to_owned)
        },
        "{file}"
    );
}

/// Mirrors `xmlformat_test::test_import_essay_20`.
#[test]
fn xml_test_import_essay_20() {
    assert_moodle_essay(
        "xmlformat_test-test_import_essay_20.xml",
        ["tagEssay", "tagEssay20", "tagTest"],
        None,
    );
}

/// Mirrors `xmlformat_test::test_import_essay_21`.
#[test]
fn xml_test_import_essay_21() {
    assert_moodle_essay(
        "xmlformat_test-test_import_essay_21.xml",
        ["tagEssay", "tagEssay21", "tagTest"],
        Some("Grade generously!"),
    );
}

/// Mirrors `xmlformat_test::test_import_essay_311`.
#[test]
fn xml_test_import_essay_311() {
    assert_moodle_essay(
        "xmlformat_test-test_import_essay_311.xml",
        ["tagEssay", "tagEssay21", "tagTest"],
        Some("Grade generously!"),
    );
}

/// Mirrors `xmlformat_test::test_import_description`. Moodle imports a
/// description (name, text, general feedback, default mark 0); Examhall leaves
/// it out on purpose, with a warning at its element, since there is nothing to
/// answer.
#[test]
fn xml_test_import_description() {
    let read = xml("xmlformat_test-test_import_description.xml");
    assert_eq!(read.errors, vec![]);
    assert_eq!(read.items, vec![]);
    assert_eq!(read.warnings.len(), 1, "{:?}", read.warnings);
    assert_eq!(
        read.warnings[0].location.path.as_deref(),
        Some("quiz/question[1]")
    );
    assert!(read.warnings[0].message.contains("description"));
}

/// Mirrors `xmlformat_test::test_import_multianswer`: the question text with its
/// two embedded answers, the general feedback, the tags; the SHORTANSWER gap
/// (`usecase` 0) with Dog (0, "Wrong, silly!"), Owl (1, "Well done!") and `*`
/// (0, "Wrong answer"); the MULTICHOICE gap with Bow-wow, Wiggly worm and
/// Pussy-cat, fractions 0, 0, 1, each with its feedback. The default mark is
/// checked by `xml_test_import_multianswer_default_mark`.
#[test]
fn xml_test_import_multianswer() {
    let item = xml_one("xmlformat_test-test_import_multianswer.xml");
    assert_eq!(item.title.as_deref(), Some("Simple multianswer"));
    assert_eq!(
        item.general_feedback.as_deref(),
        Some(
            "General feedback: It's from \"The Owl and the Pussy-cat\" by Lear: \"The owl and the pussycat went to sea\"."
        )
    );
    assert_eq!(item.tags, ["tagCloze", "tagTest"]);
    let QuestionKind::Cloze { parts } = &item.question.kind else {
        panic!("{:?}", item.question.kind)
    };
    // Moodle's text after import is `Complete this opening line of verse: "The
    // {#1} and the {#2} went to sea".`; Examhall keeps the words between the
    // gaps as parts (trimmed), and its prompt is empty.
    assert_eq!(item.question.prompt, "");
    assert_eq!(
        cloze_skeleton(parts).join(" "),
        "Complete this opening line of verse: \"The {#1} and the {#2} went to sea\"."
    );
    let [GapKind::Text {
        answers,
        case_sensitive,
    }, GapKind::Choice { options }] = gaps(parts)[..]
    else {
        panic!("{parts:?}")
    };
    assert!(!case_sensitive, "usecase 0");
    assert_eq!(
        texts(answers),
        [
            ("Dog", 0.0, Some("Wrong, silly!")),
            ("Owl", 1.0, Some("Well done!")),
            ("*", 0.0, Some("Wrong answer")),
        ]
    );
    assert_eq!(
        scored(options),
        [
            ("Bow-wow", 0.0, Some("You seem to have a dog obsessions!")),
            (
                "Wiggly worm",
                0.0,
                Some("Now you are just being ridiculous!")
            ),
            ("Pussy-cat", 1.0, Some("Well done!")),
        ]
    );
    // Each gap weighs 1, as each sub-question's default mark is 1.0 in Moodle.
    let weights: Vec<f64> = parts
        .iter()
        .filter_map(|p| match p {
            ClozePart::Gap(g) => Some(g.weight),
            ClozePart::Text { .. } => None,
        })
        .collect();
    assert_eq!(weights, [1.0, 1.0]);
}

/// Mirrors the `defaultmark` of `xmlformat_test::test_import_multianswer`:
/// Moodle's cloze import ignores `<defaultgrade>` (its export never writes one)
/// and makes the question's default mark the sum of its sub-questions' marks,
/// here 1 + 1 = 2.
#[test]
fn xml_test_import_multianswer_default_mark() {
    let item = xml_one("xmlformat_test-test_import_multianswer.xml");
    assert_eq!(item.question.marks, 2.0);
}

// ---------------------------------------------------------------------------
// Moodle XML: question/type/ordering/tests/questiontype_test.php
// ---------------------------------------------------------------------------

/// What `qtype_ordering\questiontype_test::expectedimport()` states: text "Put
/// these words in order.", the general feedback, default mark 1. (The fixture
/// is a bare `<question>`, and has its question text twice; Moodle reads the
/// first.) The answers, in the right order, are the fixture's own.
fn assert_moodle_ordering(item: &ImportedItem, name: &str) {
    assert_eq!(item.title.as_deref(), Some(name));
    assert_eq!(item.question.prompt, "Put these words in order.");
    assert_eq!(
        item.general_feedback.as_deref(),
        Some("The correct answer is \"Modular Object Oriented Dynamic Learning Environment\".")
    );
    assert_eq!(item.question.marks, 1.0);
    let QuestionKind::Ordering { items, scoring } = &item.question.kind else {
        panic!("{:?}", item.question.kind)
    };
    assert_eq!(
        items.iter().map(|i| i.text.as_str()).collect::<Vec<_>>(),
        [
            "Modular",
            "Object",
            "Oriented",
            "Dynamic",
            "Learning",
            "Environment"
        ]
    );
    // No <gradingtype> in the file: Examhall scores the whole order.
    assert_eq!(*scoring, OrderScoring::Exact);
}

/// Mirrors `qtype_ordering\questiontype_test::test_xml_import`.
#[test]
fn xml_ordering_test_xml_import() {
    let item = xml_one("ordering-testimport.moodle.xml");
    assert_moodle_ordering(&item, "Moodle");
}

/// Mirrors `qtype_ordering\questiontype_test::test_xml_import_long`: the same
/// question with a long name.
#[test]
fn xml_ordering_test_xml_import_long() {
    let item = xml_one("ordering-testimportlong.moodle.xml");
    assert_moodle_ordering(&item, "Moodle Moodle Moodle Moodle Moodle Moodle Moodle");
}

// ---------------------------------------------------------------------------
// Moodle XML: question/type/*/tests/behat/import.feature with each type's
// tests/fixtures/testquestion.moodle.xml. Each scenario sees "Importing 1
// questions from file", the question's text, then its name in the bank.
// ---------------------------------------------------------------------------

/// The one question of a type's `testquestion.moodle.xml`, with the text and
/// name its behat import scenario sees; in the category the file sets (without
/// Moodle's `$course$` root).
fn behat_one(file: &str, text: &str, name: &str, category: &str) -> ImportedItem {
    let item = xml_one(file);
    assert_eq!(item.question.prompt, text, "{file}");
    assert_eq!(item.title.as_deref(), Some(name), "{file}");
    assert_eq!(item.category, [category], "{file}");
    assert_eq!(item.question.marks, 1.0, "{file}: defaultgrade 1.0000000");
    item
}

/// Mirrors `qtype_truefalse` behat `import.feature`, "import a True/False
/// question".
#[test]
fn xml_truefalse_testquestion_behat_import() {
    let item = behat_one(
        "truefalse-testquestion.moodle.xml",
        "The answer is true.",
        "true-false-001",
        "Test questions",
    );
    assert_eq!(
        item.question.kind,
        QuestionKind::TrueFalse { correct: true }
    );
}

/// Mirrors `qtype_essay` behat `import.feature`, "import Essay question". (Its
/// check that the maximum word limit is 20 has no Examhall field.)
#[test]
fn xml_essay_testquestion_behat_import() {
    let item = behat_one(
        "essay-testquestion.moodle.xml",
        "Write an essay with 500 words.",
        "essay-001",
        "Default for C1",
    );
    assert_eq!(item.question.kind, QuestionKind::essay());
}

/// Mirrors `qtype_match` behat `import.feature`, "import Matching question".
#[test]
fn xml_match_testquestion_behat_import() {
    let item = behat_one(
        "match-testquestion.moodle.xml",
        "Classify the animals.",
        "matching-001",
        "Test questions",
    );
    let QuestionKind::Matching {
        pairs: ps,
        distractors,
        ..
    } = &item.question.kind
    else {
        panic!("{:?}", item.question.kind)
    };
    assert_eq!(
        pairs(ps),
        [
            ("frog", "amphibian"),
            ("cat", "mammal"),
            ("newt", "amphibian")
        ]
    );
    assert_eq!(distractors, &["insect"]);
}

/// Mirrors `qtype_multichoice` behat `import.feature`, "import Multiple choice
/// question". The file's answers: London and Paris 50 % each, several allowed.
#[test]
fn xml_multichoice_testquestion_behat_import() {
    let file = "multichoice-testquestion.moodle.xml";
    assert_eq!(
        xml(file).warnings,
        vec![],
        "the right answers add up to 100 %"
    );
    let item = behat_one(
        file,
        "Find the capital cities in Europe.",
        "Multi-choice-001",
        "Default for C1",
    );
    let QuestionKind::WeightedChoice { options, multiple } = &item.question.kind else {
        panic!("{:?}", item.question.kind)
    };
    assert!(*multiple, "single false");
    assert_eq!(
        scored(options),
        [
            ("Tokyo", 0.0, None),
            ("Spain", 0.0, None),
            ("London", 0.5, None),
            ("Barcelona", 0.0, None),
            ("Paris", 0.5, None),
        ]
    );
}

/// Mirrors `qtype_numerical` behat `import.feature`, "import Numerical
/// question". The file's answer: 6.25 ± 0.05, with an empty feedback, which
/// makes the plain numeric question.
#[test]
fn xml_numerical_testquestion_behat_import() {
    let item = behat_one(
        "numerical-testquestion.moodle.xml",
        "What is the average of 4, 5, 6 and 10?",
        "Numerical-001",
        "Default for C1",
    );
    assert_eq!(
        item.question.kind,
        QuestionKind::Numeric {
            value: 6.25,
            tolerance: Tolerance::Absolute(0.05)
        }
    );
}

/// Mirrors `qtype_shortanswer` behat `import.feature` (its scenario is named
/// "import Matching question", a copy-paste in Moodle). The file's answers:
/// frog 100 %, toad 80 %, `*` 0 %, each with feedback; `usecase` 0.
#[test]
fn xml_shortanswer_testquestion_behat_import() {
    let item = behat_one(
        "shortanswer-testquestion.moodle.xml",
        "Name an amphibian: __________",
        "shortanswer-001",
        "Test questions",
    );
    let QuestionKind::TextSet {
        answers,
        case_sensitive,
    } = &item.question.kind
    else {
        panic!("{:?}", item.question.kind)
    };
    assert!(!case_sensitive);
    assert_eq!(
        texts(answers),
        [
            ("frog", 1.0, Some("Frog is a very good answer.")),
            ("toad", 0.8, Some("Toad is an OK good answer.")),
            ("*", 0.0, Some("That is a bad answer.")),
        ]
    );
}

/// The gapselect question both `qtype_gapselect` and `qtype_ddwtos` behat
/// `import.feature` import (Moodle's ddwtos fixture is a gapselect question):
/// "The [[1]] [[2]] on the [[3]]." Examhall reads it as a cloze of choice gaps,
/// each offering the five options of group 1 with the right one worth 1.
fn assert_cat_sat_on_the_mat(file: &str, name: &str) {
    let item = xml_one(file);
    assert_eq!(item.title.as_deref(), Some(name), "{file}");
    assert_eq!(item.category, ["Default for C1"], "{file}");
    assert_eq!(
        item.general_feedback.as_deref(),
        Some("The cat sat on the mat."),
        "{file}"
    );
    let QuestionKind::Cloze { parts } = &item.question.kind else {
        panic!("{file}: {:?}", item.question.kind)
    };
    let mut n = 0;
    let shown: Vec<String> = parts
        .iter()
        .map(|p| match p {
            ClozePart::Text { text } => text.clone(),
            ClozePart::Gap(_) => {
                n += 1;
                format!("[[{n}]]")
            }
        })
        .collect();
    assert_eq!(
        shown,
        ["The", "[[1]]", "[[2]]", "on the", "[[3]]", "."],
        "{file}"
    );
    let right: Vec<&str> = gaps(parts)
        .into_iter()
        .map(|g| {
            let GapKind::Choice { options } = g else {
                panic!("{file}: {g:?}")
            };
            assert_eq!(
                options.iter().map(|o| o.text.as_str()).collect::<Vec<_>>(),
                ["cat", "sat", "mat", "dog", "table"],
                "{file}"
            );
            let best: Vec<&ScoredOption> = options.iter().filter(|o| o.credit == 1.0).collect();
            assert_eq!(best.len(), 1, "{file}");
            best[0].text.as_str()
        })
        .collect();
    assert_eq!(right, ["cat", "sat", "mat"], "{file}");
}

/// Mirrors `qtype_gapselect` behat `import.feature`, "Import and export select
/// missing words questions" (the import half).
#[test]
fn xml_gapselect_testquestion_behat_import() {
    assert_cat_sat_on_the_mat(
        "gapselect-testquestion.moodle.xml",
        "Imported Select missing words 001",
    );
}

/// Mirrors `qtype_ddwtos` behat `import.feature`, "import drag and drop into
/// text question".
#[test]
fn xml_ddwtos_testquestion_behat_import() {
    assert_cat_sat_on_the_mat(
        "ddwtos-testquestion.moodle.xml",
        "Imported Drag and drop into text 001",
    );
}

/// Mirrors `qtype_description` behat `import.feature`, "import a Description
/// question": Moodle imports 1 question ("Instructions about the following
/// questions.", description-001); Examhall leaves a description out on purpose,
/// with a warning, and reads the file without an error.
#[test]
fn xml_description_testquestion_behat_import() {
    let read = xml("description-testquestion.moodle.xml");
    assert_eq!(read.errors, vec![]);
    assert_eq!(read.items, vec![]);
    assert_eq!(read.warnings.len(), 1, "{:?}", read.warnings);
    assert_eq!(
        read.warnings[0].location.path.as_deref(),
        Some("quiz/question[2]")
    );
}

// ---------------------------------------------------------------------------
// GIFT: question/format/gift/tests/giftformat_test.php
// ---------------------------------------------------------------------------

/// Mirrors `giftformat_test::test_import_essay`: name Q8, text "How are you?"
/// in Moodle's auto-format, no general feedback, default mark 1.
#[test]
fn gift_test_import_essay() {
    let item = gift_one("giftformat_test-test_import_essay.gift");
    assert_eq!(item.title.as_deref(), Some("Q8"));
    assert_eq!(item.question.prompt, "How are you?");
    assert_eq!(item.text_format, TextFormat::Moodle);
    assert_eq!(item.general_feedback, None, "Moodle: ''");
    assert_eq!(item.question.marks, 1.0);
    assert_eq!(item.question.kind, QuestionKind::essay());
}

/// Mirrors `giftformat_test::test_import_match`: the `[html]` question text,
/// four subquestions, each with its own format marker (not part of the text),
/// with subanswers Forum, Choice, Database, Wiki, and an empty subquestion whose
/// answer Chat is an extra answer. Moodle keeps `Match the <b>activity</b> to
/// the description.` as HTML; Examhall stores HTML as plain text.
#[test]
fn gift_test_import_match() {
    let item = gift_one("giftformat_test-test_import_match.gift");
    assert_eq!(item.title.as_deref(), Some("Moodle activities"));
    assert_eq!(
        item.question.prompt,
        "Match the activity to the description."
    );
    assert_eq!(item.text_format, TextFormat::Plain);
    assert_eq!(item.general_feedback, None, "Moodle: ''");
    assert_eq!(item.question.marks, 1.0);
    let QuestionKind::Matching {
        pairs: ps,
        distractors,
        ..
    } = &item.question.kind
    else {
        panic!("{:?}", item.question.kind)
    };
    assert_eq!(
        pairs(ps),
        [
            ("An activity supporting asynchronous discussions.", "Forum"),
            (
                "A teacher asks a question and specifies a choice of multiple responses.",
                "Choice"
            ),
            (
                "A bank of record entries which participants can add to.",
                "Database"
            ),
            (
                "A collection of web pages that anyone can add to or edit.",
                "Wiki"
            ),
        ]
    );
    assert_eq!(distractors, &["Chat"]);
}

/// Mirrors `giftformat_test::test_import_multichoice`: single answer, yellow
/// (1, "right; good!"), red (0, "wrong, it's yellow", its `[html]` marker a
/// format, not text), blue (0, its `[plain]` marker likewise). With feedback, the
/// choice is weighted (`choice_kind`), one pick.
#[test]
fn gift_test_import_multichoice() {
    let item = gift_one("giftformat_test-test_import_multichoice.gift");
    assert_eq!(item.title.as_deref(), Some("Q2"));
    assert_eq!(
        item.question.prompt,
        "What's between orange and green in the spectrum?"
    );
    assert_eq!(item.text_format, TextFormat::Moodle);
    assert_eq!(item.question.marks, 1.0);
    let QuestionKind::WeightedChoice { options, multiple } = &item.question.kind else {
        panic!("{:?}", item.question.kind)
    };
    assert!(!multiple, "single 1");
    assert_eq!(
        scored(options),
        [
            ("yellow", 1.0, Some("right; good!")),
            ("red", 0.0, Some("wrong, it's yellow")),
            ("blue", 0.0, Some("wrong, it's yellow")),
        ]
    );
}

/// Mirrors `giftformat_test::test_import_multichoice_multi`: several answers
/// (`single` 0), yellow 0.5, red -1, off-beige 0.5, blue -1, with their
/// feedback.
#[test]
fn gift_test_import_multichoice_multi() {
    let item = gift_one("giftformat_test-test_import_multichoice_multi.gift");
    assert_eq!(item.title.as_deref(), Some("colours"));
    assert_eq!(
        item.question.prompt,
        "What's between orange and green in the spectrum?"
    );
    assert_eq!(item.question.marks, 1.0);
    let QuestionKind::WeightedChoice { options, multiple } = &item.question.kind else {
        panic!("{:?}", item.question.kind)
    };
    assert!(*multiple, "single 0");
    assert_eq!(
        scored(options),
        [
            ("yellow", 0.5, Some("right; good!")),
            ("red", -1.0, Some("wrong")),
            ("off-beige", 0.5, Some("right; good!")),
            ("blue", -1.0, Some("wrong")),
        ]
    );
}

/// Mirrors `giftformat_test::test_import_multichoice_multi_tricky`: yellow 1,
/// red -0.5, blue -0.5, each with feedback. Moodle makes it multiple-answer
/// (`single` 0) because no answer is written with `=`, and so does Examhall:
/// yellow alone earns full marks, yellow and red half.
#[test]
fn gift_test_import_multichoice_multi_tricky() {
    let item = gift_one("giftformat_test-test_import_multichoice_multi_tricky.gift");
    assert_eq!(item.title.as_deref(), Some("colours"));
    assert_eq!(
        item.question.prompt,
        "What's between orange and green in the spectrum?"
    );
    assert_eq!(item.question.marks, 1.0);
    let QuestionKind::WeightedChoice { options, multiple } = &item.question.kind else {
        panic!("{:?}", item.question.kind)
    };
    assert!(*multiple, "single 0: no answer is written with =");
    assert_eq!(
        scored(options),
        [
            ("yellow", 1.0, Some("right; good!")),
            ("red", -0.5, Some("wrong")),
            ("blue", -0.5, Some("wrong")),
        ]
    );
}

/// Mirrors `giftformat_test::test_import_numerical`: `{#3:2~#Completely
/// wrong}` is 3 with tolerance 2 (fraction 1, no feedback) and Moodle's
/// catch-all `*` (fraction 0, "Completely wrong"). Examhall leaves the 0 %
/// catch-all out with its feedback, on purpose (it scores as a number matching
/// no answer does), which leaves the plain numeric question 3 ± 2.
#[test]
fn gift_test_import_numerical() {
    let item = gift_one("giftformat_test-test_import_numerical.gift");
    assert_eq!(item.title.as_deref(), Some("Q5"));
    assert_eq!(item.question.prompt, "What is a number from 1 to 5?");
    assert_eq!(item.question.marks, 1.0);
    assert_eq!(
        item.question.kind,
        QuestionKind::Numeric {
            value: 3.0,
            tolerance: Tolerance::Absolute(2.0)
        }
    );
}

/// The short-answer question of `test_import_shortanswer` and
/// `test_import_shortanswer_with_general_feedback`: Frog (1, "Good!"), Cat
/// (0.5, "What is it with Moodlers and cats?"), `*` (0, "Completely wrong").
fn assert_moodle_gift_shortanswer(item: &ImportedItem) {
    assert_eq!(item.title.as_deref(), Some("Shortanswer"));
    assert_eq!(item.question.prompt, "Which is the best animal?");
    assert_eq!(item.text_format, TextFormat::Moodle);
    assert_eq!(item.question.marks, 1.0);
    let QuestionKind::TextSet { answers, .. } = &item.question.kind else {
        panic!("{:?}", item.question.kind)
    };
    assert_eq!(
        texts(answers),
        [
            ("Frog", 1.0, Some("Good!")),
            ("Cat", 0.5, Some("What is it with Moodlers and cats?")),
            ("*", 0.0, Some("Completely wrong")),
        ]
    );
}

/// Mirrors `giftformat_test::test_import_shortanswer`.
#[test]
fn gift_test_import_shortanswer() {
    let item = gift_one("giftformat_test-test_import_shortanswer.gift");
    assert_moodle_gift_shortanswer(&item);
    assert_eq!(item.general_feedback, None, "Moodle: ''");
}

/// Mirrors `giftformat_test::test_import_shortanswer_with_general_feedback`:
/// `####[html]Here is some general feedback!` is the general feedback, its
/// marker a format.
#[test]
fn gift_test_import_shortanswer_with_general_feedback() {
    let item = gift_one("giftformat_test-test_import_shortanswer_with_general_feedback.gift");
    assert_moodle_gift_shortanswer(&item);
    assert_eq!(
        item.general_feedback.as_deref(),
        Some("Here is some general feedback!")
    );
}

/// Mirrors `giftformat_test::test_import_truefalse`: `{FALSE#…#…}` over two
/// lines is false (`correctanswer` 0). The two feedbacks ("42 is the Ultimate
/// Answer." for true, "You gave the right answer." for false) have no Examhall
/// field.
#[test]
fn gift_test_import_truefalse() {
    let item = gift_one("giftformat_test-test_import_truefalse.gift");
    assert_eq!(item.title.as_deref(), Some("Q1"));
    assert_eq!(
        item.question.prompt,
        "42 is the Absolute Answer to everything."
    );
    assert_eq!(item.question.marks, 1.0);
    assert_eq!(
        item.question.kind,
        QuestionKind::TrueFalse { correct: false }
    );
}

/// Mirrors `giftformat_test::test_import_truefalse_true_answer1`: `{T}` is true,
/// and a name that starts with digits is kept whole.
#[test]
fn gift_test_import_truefalse_true_answer1() {
    let item = gift_one("giftformat_test-test_import_truefalse_true_answer1.gift");
    assert_eq!(item.title.as_deref(), Some("2-08 TSL"));
    assert_eq!(item.question.prompt, "TSL is blablabla.");
    assert_eq!(
        item.question.kind,
        QuestionKind::TrueFalse { correct: true }
    );
}

/// Mirrors `giftformat_test::test_import_truefalse_true_answer2`: `{TRUE}` is
/// true.
#[test]
fn gift_test_import_truefalse_true_answer2() {
    let item = gift_one("giftformat_test-test_import_truefalse_true_answer2.gift");
    assert_eq!(item.title.as_deref(), Some("2-08 TSL"));
    assert_eq!(item.question.prompt, "TSL is blablabla.");
    assert_eq!(
        item.question.kind,
        QuestionKind::TrueFalse { correct: true }
    );
}

/// Mirrors `giftformat_test::test_import_backslash` (MDL-34171): `A \\ B \\\\ C`
/// in the file is `A \ B \\ C`.
#[test]
fn gift_test_import_backslash() {
    let item = gift_one("giftformat_test-test_import_backslash.gift");
    assert_eq!(item.title.as_deref(), Some("double backslash"));
    assert_eq!(item.question.prompt, r"A \ B \\ C");
    assert_eq!(item.question.kind, QuestionKind::essay());
}

/// Mirrors `giftformat_test::test_import_pre_content`: an `[html]` essay whose
/// `<pre>` holds code with escaped braces `\{ \}`. Moodle keeps the HTML;
/// Examhall stores it as plain text, so the tags go; the paragraph, then the
/// code's lines in a fenced code block (shown as code), its braces unescaped. (Whether the code keeps its
/// indentation is `gift_test_import_pre_content_keeps_indentation`.)
#[test]
fn gift_test_import_pre_content() {
    let item = gift_one("giftformat_test-test_import_pre_content.gift");
    assert_eq!(item.title.as_deref(), Some("Q001"));
    assert_eq!(item.text_format, TextFormat::Plain);
    assert_eq!(item.question.kind, QuestionKind::essay());
    let lines: Vec<&str> = item.question.prompt.lines().map(str::trim).collect();
    assert_eq!(
        lines,
        [
            "What would running the test method print?",
            "",
            "```",
            "public void test() {",
            "method1();",
            "method2();",
            "method3();",
            "}",
            "```",
        ]
    );
}

/// Mirrors the question text of `giftformat_test::test_import_pre_content`:
/// Moodle keeps the `<pre>` block's content as written, its indentation with
/// it. Text in `<pre>` is preformatted; code loses meaning without it.
#[test]
fn gift_test_import_pre_content_keeps_indentation() {
    let item = gift_one("giftformat_test-test_import_pre_content.gift");
    assert!(
        item.question.prompt.contains(
            "    public void test() {\n        method1();\n        method2();\n        method3();\n    }"
        ),
        "{:?}",
        item.question.prompt
    );
}

/// Mirrors `giftformat_test::test_import_question_with_tags`: the essay "How are
/// you?" named "Question name", after comment lines that carry tags and an id
/// number. (The tags are checked by
/// `gift_test_import_question_with_tags_keeps_the_tags`; the id number has no
/// Examhall field.)
#[test]
fn gift_test_import_question_with_tags() {
    let item = gift_one("giftformat_test-test_import_question_with_tags.gift");
    assert_eq!(item.title.as_deref(), Some("Question name"));
    assert_eq!(item.question.prompt, "How are you?");
    assert_eq!(item.question.kind, QuestionKind::essay());
}

/// Mirrors the `tags` of `giftformat_test::test_import_question_with_tags`:
/// `// … [tag:tag] [tag:other-tag].` in the comment before a question tags it,
/// as Moodle's GIFT export writes them.
#[test]
fn gift_test_import_question_with_tags_keeps_the_tags() {
    let item = gift_one("giftformat_test-test_import_question_with_tags.gift");
    assert_eq!(item.tags, ["tag", "other-tag"]);
}

// ---------------------------------------------------------------------------
// GIFT: question/type/ordering/tests/questiontype_test.php
// ---------------------------------------------------------------------------

/// Mirrors `qtype_ordering\questiontype_test::test_gift_import`: Moodle's
/// ordering type extends GIFT with `{>4 CONTIGUOUS VERT ABSOLUTE TRUE ABCD …}`
/// (the items one a line, in order); Moodle imports an ordering question named
/// Moodle, "Put these words in order.", with the general feedback after `####`.
#[test]
fn gift_ordering_test_gift_import() {
    let item = gift_one("ordering-testimport.gift.txt");
    assert_eq!(item.title.as_deref(), Some("Moodle"));
    assert_eq!(item.question.prompt, "Put these words in order.");
    assert_eq!(
        item.general_feedback.as_deref(),
        Some("The correct answer is \"Modular Object Oriented Dynamic Learning Environment\".")
    );
    assert_eq!(item.question.marks, 1.0);
    let QuestionKind::Ordering { items, scoring } = &item.question.kind else {
        panic!("{:?}", item.question.kind)
    };
    // ABSOLUTE (Moodle's ABSOLUTE_POSITION): a share per item in its place.
    // Moodle shows 4 contiguous items of the 6 (CONTIGUOUS 4); Examhall shows all.
    assert_eq!(*scoring, examhall_domain::OrderScoring::ByPosition);
    assert_eq!(
        items.iter().map(|i| i.text.as_str()).collect::<Vec<_>>(),
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
