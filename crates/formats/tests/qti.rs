//! IMS QTI 2.1: the specification's example items (re-typed under
//! `tests/golden/qti/`), each read to its exact question or its exact error;
//! content packages; `from_package(to_qti_package(x)) == x` for every type QTI
//! can express; and random damage to the files never panics.

use examhall_domain::{
    ChoiceOption, ClozePart, Gap, GapKind, MatchPair, MultiScoring, NumericAnswer, OrderScoring,
    Question, QuestionId, QuestionKind, ScoredOption, TextAnswer, Tolerance,
};
use examhall_formats::qti::{from_package, from_text, to_qti_item, to_qti_package};
use examhall_formats::{ImportError, Imported, ImportedItem, Location, TextFormat};
use proptest::prelude::*;
use std::io::Write;

fn golden(name: &str) -> String {
    let path = format!("{}/tests/golden/qti/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const GOLDEN: [&str; 16] = [
    "associate.xml",
    "choice.xml",
    "choice_all_or_nothing.xml",
    "choice_multiple.xml",
    "custom_match.xml",
    "custom_unreducible.xml",
    "extended_text.xml",
    "hotspot.xml",
    "malformed.xml",
    "match.xml",
    "match_equal.xml",
    "numeric.xml",
    "order.xml",
    "text_entry.xml",
    "true_false.xml",
    "weighted_single.xml",
];

/// The one question a golden file holds, checking its place and title.
fn one(name: &str, line: usize, identifier: &str, title: &str) -> Question {
    let got = from_text(&golden(name));
    assert!(got.errors.is_empty(), "{name}: {:#?}", got.errors);
    assert_eq!(got.items.len(), 1, "{name}");
    let item = got.items.into_iter().next().unwrap();
    assert_eq!(
        item.location,
        Location {
            line: Some(line),
            path: Some(format!("assessmentItem[@identifier='{identifier}']")),
        },
        "{name}"
    );
    assert_eq!(item.title.as_deref(), Some(title), "{name}");
    assert_eq!(item.text_format, TextFormat::Plain);
    assert_eq!(item.category, Vec::<String>::new());
    assert_eq!(item.general_feedback, None);
    item.question
}

/// The errors of a file as (line, path), with each message checked to hold `says`.
fn failing(src: &str, says: &[&str]) -> Vec<(Option<usize>, Option<String>)> {
    let got = from_text(src);
    assert!(got.items.is_empty(), "{:#?}", got.items);
    assert_eq!(got.errors.len(), says.len(), "{:#?}", got.errors);
    for (e, s) in got.errors.iter().zip(says) {
        assert!(e.message.contains(s), "{:?} should say {s:?}", e.message);
    }
    got.errors
        .into_iter()
        .map(|e| (e.location.line, e.location.path))
        .collect()
}

fn at(line: usize, path: &str) -> (Option<usize>, Option<String>) {
    (Some(line), Some(path.to_owned()))
}

fn q(id: &str, prompt: &str, marks: f64, kind: QuestionKind) -> Question {
    Question {
        id: QuestionId::parse(id).unwrap(),
        prompt: prompt.into(),
        marks,
        penalty: 0.0,
        general_feedback: None,
        kind,
    }
}

fn opt(id: &str, text: &str) -> ChoiceOption {
    ChoiceOption {
        id: id.into(),
        text: text.into(),
    }
}

fn scored(id: &str, text: &str, credit: f64) -> ScoredOption {
    ScoredOption {
        id: id.into(),
        text: text.into(),
        credit,
        feedback: None,
    }
}

fn pair(id: &str, prompt: &str, answer: &str) -> MatchPair {
    MatchPair {
        id: id.into(),
        prompt: prompt.into(),
        answer: answer.into(),
    }
}

const LUGGAGE: [(&str, &str); 3] = [
    ("ChoiceA", "You must stay with your luggage at all times."),
    (
        "ChoiceB",
        "Do not let someone else look after your luggage.",
    ),
    ("ChoiceC", "Remember your luggage when you leave."),
];

#[test]
fn choice_unattended_luggage() {
    assert_eq!(
        one("choice.xml", 3, "choice", "Unattended Luggage"),
        q(
            "choice",
            "Look at the text in the picture.\n\n[image: NEVER LEAVE LUGGAGE UNATTENDED]\n\nWhat does it say?",
            1.0,
            QuestionKind::SingleChoice {
                options: LUGGAGE.iter().map(|(i, t)| opt(i, t)).collect(),
                correct: "ChoiceA".into(),
            }
        )
    );
}

#[test]
fn choice_multiple_map_response_is_weighted() {
    // H and O are worth 1 each (upperBound 2), Cl −1, the others the default −2:
    // credits are shares of 2, the marks.
    assert_eq!(
        one(
            "choice_multiple.xml",
            3,
            "choiceMultiple",
            "Composition of Water"
        ),
        q(
            "choiceMultiple",
            "Which of the following elements are used to form water?",
            2.0,
            QuestionKind::WeightedChoice {
                options: vec![
                    scored("H", "Hydrogen", 0.5),
                    scored("He", "Helium", -1.0),
                    scored("C", "Carbon", -1.0),
                    scored("O", "Oxygen", 0.5),
                    scored("N", "Nitrogen", -1.0),
                    scored("Cl", "Chlorine", -0.5),
                ],
                multiple: true,
            }
        )
    );
}

#[test]
fn choice_multiple_match_correct_is_all_or_nothing() {
    assert_eq!(
        one(
            "choice_all_or_nothing.xml",
            3,
            "choiceMultipleStrict",
            "Composition of Water (strict)"
        ),
        q(
            "choiceMultipleStrict",
            "Which of the following elements are used to form water?",
            2.0,
            QuestionKind::MultipleResponse {
                options: vec![
                    opt("H", "Hydrogen"),
                    opt("He", "Helium"),
                    opt("O", "Oxygen")
                ],
                correct: vec!["H".into(), "O".into()],
                scoring: MultiScoring::AllOrNothing,
            }
        )
    );
}

#[test]
fn weighted_single_choice() {
    assert_eq!(
        one("weighted_single.xml", 3, "capital", "Capital of Australia"),
        q(
            "capital",
            "What is the capital of Australia?",
            4.0,
            QuestionKind::WeightedChoice {
                options: vec![
                    scored("sydney", "Sydney", 0.25),
                    scored("canberra", "Canberra", 1.0),
                    scored("melbourne", "Melbourne", 0.0),
                    scored("auckland", "Auckland", -0.5),
                ],
                multiple: false,
            }
        )
    );
}

#[test]
fn true_false_choices() {
    assert_eq!(
        one("true_false.xml", 2, "boiling", "Boiling point"),
        q(
            "boiling",
            "Water always boils at 100 °C.",
            1.0,
            QuestionKind::TrueFalse { correct: false }
        )
    );
}

#[test]
fn text_entry_richard_iii() {
    assert_eq!(
        one("text_entry.xml", 3, "textEntry", "Richard III (Take 3)"),
        q(
            "textEntry",
            "Identify the missing word in this famous quote from Shakespeare's Richard III.\n\n\
             Now is the winter of our discontent\n\
             Made glorious summer by this sun of _____;\n\
             And all the clouds that lour'd upon our house\n\
             In the deep bosom of the ocean buried.",
            1.0,
            QuestionKind::TextSet {
                answers: vec![
                    TextAnswer {
                        pattern: "York".into(),
                        credit: 1.0,
                        feedback: None
                    },
                    TextAnswer {
                        pattern: "york".into(),
                        credit: 0.5,
                        feedback: None
                    },
                ],
                case_sensitive: true,
            }
        )
    );
}

#[test]
#[allow(clippy::approx_constant)] // 3.14 is the file's answer, not a stand-in for π
fn numeric_with_tolerance_from_custom_rules() {
    assert_eq!(
        one("numeric.xml", 3, "pi", "Pi"),
        q(
            "pi",
            "What is π to two decimal places? _____",
            2.0,
            QuestionKind::NumericSet {
                answers: vec![
                    NumericAnswer {
                        value: 3.14,
                        tolerance: Tolerance::Absolute(0.01),
                        credit: 1.0,
                        feedback: None
                    },
                    NumericAnswer {
                        value: 3.0,
                        tolerance: Tolerance::Exact,
                        credit: 0.5,
                        feedback: None
                    },
                ],
            }
        )
    );
}

#[test]
fn extended_text_is_an_essay() {
    assert_eq!(
        one("extended_text.xml", 3, "extendedText", "Writing a Postcard"),
        q(
            "extendedText",
            "Read this postcard from your English pen-friend, Sam.\n\n\
             [image: Here is a photo of my new house. Where do you live? What is your house like? Write soon!]\n\n\
             Write Sam a postcard. Answer the questions. Write 25–35 words.",
            10.0,
            QuestionKind::essay()
        )
    );
}

#[test]
fn order_grand_prix() {
    assert_eq!(
        one("order.xml", 3, "order", "Grand Prix of Bahrain"),
        q(
            "order",
            "The following F1 drivers finished on the podium in the first ever Grand Prix of Bahrain. \
             Can you rearrange them into the correct finishing order?",
            1.0,
            QuestionKind::Ordering {
                items: vec![
                    opt("DriverC", "Michael Schumacher"),
                    opt("DriverA", "Rubens Barrichello"),
                    opt("DriverB", "Jenson Button"),
                ],
                scoring: OrderScoring::Exact,
            }
        )
    );
}

#[test]
fn match_with_equal_shares_and_a_distractor() {
    assert_eq!(
        one("match_equal.xml", 3, "matchEqual", "Characters and Plays"),
        q(
            "matchEqual",
            "Match the following characters to the Shakespeare play they appeared in:",
            4.0,
            QuestionKind::Matching {
                pairs: vec![
                    pair("C", "Capulet", "Romeo and Juliet"),
                    pair("D", "Demetrius", "A Midsummer-Night's Dream"),
                    pair("L", "Lysander", "A Midsummer-Night's Dream"),
                    pair("P", "Prospero", "The Tempest"),
                ],
                distractors: vec!["Hamlet".into()],
                scores: None,
            }
        )
    );
}

#[test]
fn the_specifications_match_keeps_its_unequal_pair_values() {
    // match.xml values Capulet and Prospero at 1, Demetrius and Lysander at 0.5
    // (map_response): the question is worth their sum, each pair its own part.
    let got = one("match.xml", 4, "match", "Characters and Plays");
    assert_eq!(got.marks, 3.0);
    let QuestionKind::Matching {
        pairs,
        scores: Some(scores),
        ..
    } = &got.kind
    else {
        panic!("{:?}", got.kind)
    };
    let ids: Vec<&str> = pairs.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["C", "D", "L", "P"]);
    assert_eq!(scores.weights, [1.0, 0.5, 0.5, 1.0]);
    assert!(scores.penalties.is_empty());
    // Graded as the QTI reference would: Capulet and Demetrius right → 1.5 of 3.
    let given: std::collections::BTreeMap<String, String> = [
        ("C", "Romeo and Juliet"),
        ("D", "A Midsummer-Night's Dream"),
        ("L", "The Tempest"),
    ]
    .iter()
    .map(|(k, v)| ((*k).into(), (*v).into()))
    .collect();
    let mark =
        examhall_domain::grade_question(&got, Some(&examhall_domain::Answer::Map(given)), false);
    assert_eq!(mark.awarded, 1.5);
}

#[test]
fn associate_shakespearian_rivals() {
    assert_eq!(
        one("associate.xml", 4, "associate", "Shakespearian Rivals"),
        q(
            "associate",
            "Hidden in this list of characters from famous Shakespeare plays are three pairs of rivals. \
             Can you match each character to his adversary?",
            3.0,
            QuestionKind::Matching {
                pairs: vec![
                    pair("A", "Antonio", "Prospero"),
                    pair("C", "Capulet", "Montague"),
                    pair("D", "Demetrius", "Lysander"),
                ],
                distractors: vec!["Shylock".into()],
                scores: None,
            }
        )
    );
}

#[test]
fn the_specifications_associate_mapping_keeps_its_values_and_wrong_pairs_lose() {
    // associate.xml's own mapping values the pairs 2, 1 and 1; a mapped wrong
    // pair and a negative defaultValue take marks off.
    let src = golden("associate.xml")
        .replace(
            "    </correctResponse>\n",
            "    </correctResponse>\n    <mapping defaultValue=\"-0.5\" lowerBound=\"0\">\n      \
             <mapEntry mapKey=\"A P\" mappedValue=\"2\"/>\n      \
             <mapEntry mapKey=\"C M\" mappedValue=\"1\"/>\n      \
             <mapEntry mapKey=\"D L\" mappedValue=\"1\"/>\n      \
             <mapEntry mapKey=\"A S\" mappedValue=\"-1\"/>\n    </mapping>\n",
        )
        .replace("rptemplates/match_correct", "rptemplates/map_response");
    let got = from_text(&src);
    assert!(got.errors.is_empty(), "{:#?}", got.errors);
    let q = &got.items[0].question;
    assert_eq!(q.marks, 3.0, "normalMaximum: the weights are shares of it");
    let QuestionKind::Matching {
        scores: Some(scores),
        ..
    } = &q.kind
    else {
        panic!("{:?}", q.kind)
    };
    assert_eq!(scores.weights, [2.0, 1.0, 1.0]);
    assert_eq!(scores.wrong, 0.5);
    assert_eq!(
        scores.penalties,
        [examhall_domain::PairPenalty {
            item: "A".into(),
            answer: "Shylock".into(),
            loses: 1.0
        }]
    );
    assert_eq!(q.validate(), Ok(()));
    // Written back to QTI and read again, the values and penalties are the same.
    let again = from_text(&to_qti_item(&got.items[0]).unwrap());
    assert!(again.errors.is_empty(), "{:#?}", again.errors);
    // (in marks now: 3 marks over 4 units, the same shares)
    let QuestionKind::Matching {
        scores: Some(back), ..
    } = &again.items[0].question.kind
    else {
        panic!("{:?}", again.items[0].question.kind)
    };
    let unit = back.weights[0] / scores.weights[0];
    let scaled = |x: f64| (x * unit * 1e9).round() / 1e9;
    assert_eq!(
        back.weights,
        scores
            .weights
            .iter()
            .map(|w| scaled(*w))
            .collect::<Vec<_>>()
    );
    assert_eq!(back.wrong, scaled(scores.wrong));
    assert_eq!(back.penalties[0].loses, scaled(scores.penalties[0].loses));
    assert_eq!(again.items[0].question.marks, q.marks);
    // A positive defaultValue (every wrong pair earns) is refused at the mapping.
    let bad = src.replace("defaultValue=\"-0.5\"", "defaultValue=\"0.5\"");
    assert_eq!(
        failing(&bad, &["defaultValue 0.5"]),
        vec![at(
            12,
            "assessmentItem[@identifier='associate']/responseDeclaration/mapping"
        )]
    );
}

#[test]
fn custom_rules_that_reduce_to_match_correct() {
    assert_eq!(
        one("custom_match.xml", 4, "choiceCustom", "Unattended Luggage"),
        q(
            "choiceCustom",
            "What does the sign NEVER LEAVE LUGGAGE UNATTENDED say?",
            2.0,
            QuestionKind::SingleChoice {
                options: LUGGAGE.iter().map(|(i, t)| opt(i, t)).collect(),
                correct: "ChoiceA".into(),
            }
        )
    );
}

#[test]
fn custom_rules_that_do_not_reduce_are_an_error() {
    assert_eq!(
        failing(
            &golden("custom_unreducible.xml"),
            &["<gt> cannot be reduced to match_correct or map_response"]
        ),
        vec![at(
            21,
            "assessmentItem[@identifier='countPicks']/responseProcessing/responseCondition/responseIf/gt"
        )]
    );
}

#[test]
fn hotspot_is_unsupported() {
    assert_eq!(
        failing(
            &golden("hotspot.xml"),
            &["hotspotInteraction is not supported"]
        ),
        vec![at(
            14,
            "assessmentItem[@identifier='hotspot']/itemBody/hotspotInteraction"
        )]
    );
}

#[test]
fn malformed_xml_is_one_error_with_its_line() {
    let got = from_text(&golden("malformed.xml"));
    assert!(got.items.is_empty());
    assert_eq!(
        got.errors,
        vec![ImportError::new(
            Location::line(13),
            "the XML is malformed: expected 'simpleChoice' tag, not 'simpleChioce' at 13:44"
        )]
    );
}

const ITEM_HEAD: &str = r#"<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="x" title="X">
<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
<correctResponse><value>A</value></correctResponse>
</responseDeclaration>
"#;

#[test]
fn every_unsupported_interaction_is_an_error_of_its_own() {
    let src = format!(
        "{ITEM_HEAD}<itemBody>\n<p>Slide, then upload.</p>\n\
         <sliderInteraction responseIdentifier=\"RESPONSE\" lowerBound=\"0\" upperBound=\"10\"/>\n\
         <uploadInteraction responseIdentifier=\"RESPONSE\"/>\n\
         <choiceInteraction responseIdentifier=\"RESPONSE\" maxChoices=\"1\"><simpleChoice identifier=\"A\">a</simpleChoice></choiceInteraction>\n\
         </itemBody>\n</assessmentItem>"
    );
    assert_eq!(
        failing(
            &src,
            &[
                "sliderInteraction is not supported",
                "uploadInteraction is not supported"
            ]
        ),
        vec![
            at(
                7,
                "assessmentItem[@identifier='x']/itemBody/sliderInteraction"
            ),
            at(
                8,
                "assessmentItem[@identifier='x']/itemBody/uploadInteraction"
            ),
        ]
    );
}

#[test]
fn structural_problems_name_their_element() {
    let choice = "<choiceInteraction responseIdentifier=\"RESPONSE\" maxChoices=\"1\">\
                  <simpleChoice identifier=\"A\">a</simpleChoice><simpleChoice identifier=\"B\">b</simpleChoice>\
                  </choiceInteraction>";
    let item = |body: &str, rp: &str| {
        format!("{ITEM_HEAD}<itemBody>\n{body}\n</itemBody>\n{rp}\n</assessmentItem>")
    };
    // Two interactions.
    assert_eq!(
        failing(
            &item(&format!("{choice}\n{choice}"), ""),
            &["a second interaction"]
        ),
        vec![at(
            7,
            "assessmentItem[@identifier='x']/itemBody/choiceInteraction[2]"
        )]
    );
    // No interaction.
    assert_eq!(
        failing(&item("<p>Just text.</p>", ""), &["no interaction"]),
        vec![at(5, "assessmentItem[@identifier='x']/itemBody")]
    );
    // map_response_point and unknown templates.
    assert_eq!(
        failing(
            &item(choice, "<responseProcessing template=\"http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response_point\"/>"),
            &["map_response_point"]
        ),
        vec![at(8, "assessmentItem[@identifier='x']/responseProcessing")]
    );
    assert_eq!(
        failing(
            &item(choice, "<responseProcessing template=\"cc2_match\"/>"),
            &["unknown response processing template"]
        ),
        vec![at(8, "assessmentItem[@identifier='x']/responseProcessing")]
    );
    // A correct value that is not a choice.
    assert_eq!(
        failing(
            &item(choice, "").replace("<value>A</value>", "<value>Z</value>"),
            &["\"Z\" is not one of the choices"]
        ),
        vec![at(
            3,
            "assessmentItem[@identifier='x']/responseDeclaration/correctResponse"
        )]
    );
    // A response declared nowhere.
    assert_eq!(
        failing(
            &item(&choice.replace("\"RESPONSE\"", "\"R2\""), ""),
            &["expected a responseDeclaration with identifier \"R2\""]
        ),
        vec![at(
            6,
            "assessmentItem[@identifier='x']/itemBody/choiceInteraction"
        )]
    );
    // Template variables that nothing sets (the item has its interaction).
    assert_eq!(
        failing(
            &(ITEM_HEAD.replace(
                "<responseDeclaration identifier=\"RESPONSE\" cardinality=\"single\" baseType=\"identifier\"",
                "<templateDeclaration identifier=\"T\" cardinality=\"single\" baseType=\"integer\"/>\n<responseDeclaration identifier=\"RESPONSE\" cardinality=\"single\" baseType=\"float\""
            ) + "<itemBody><textEntryInteraction responseIdentifier=\"RESPONSE\"/></itemBody></assessmentItem>"),
            &["without templateProcessing"]
        ),
        vec![at(1, "assessmentItem[@identifier='x']")]
    );
    // A test, not an item.
    assert_eq!(
        failing(
            "<assessmentTest identifier=\"t\" title=\"T\"/>",
            &["import the content package"]
        ),
        vec![at(1, "assessmentTest[@identifier='t']")]
    );
}

#[test]
fn no_response_processing_reads_as_the_implied_template() {
    let src = format!(
        "{ITEM_HEAD}<itemBody><choiceInteraction responseIdentifier=\"RESPONSE\" maxChoices=\"1\">\
         <prompt>Pick A.</prompt><simpleChoice identifier=\"A\">a</simpleChoice>\
         <simpleChoice identifier=\"B\">b</simpleChoice></choiceInteraction></itemBody></assessmentItem>"
    );
    let got = from_text(&src);
    assert!(got.errors.is_empty(), "{:?}", got.errors);
    assert_eq!(
        got.items[0].question.kind,
        QuestionKind::SingleChoice {
            options: vec![opt("A", "a"), opt("B", "b")],
            correct: "A".into()
        }
    );
}

#[test]
fn partial_multiple_response_reads_back_from_its_mapping() {
    // Right +1/2 each, wrong −1/2 each, floored at 0: Examhall's partial rule.
    let src = r#"<assessmentItem identifier="p" title="P">
<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="identifier">
<mapping lowerBound="0" upperBound="3" defaultValue="0">
<mapEntry mapKey="a" mappedValue="1.5"/><mapEntry mapKey="b" mappedValue="1.5"/>
<mapEntry mapKey="c" mappedValue="-1.5"/><mapEntry mapKey="d" mappedValue="-1.5"/>
</mapping></responseDeclaration>
<itemBody><choiceInteraction responseIdentifier="RESPONSE" maxChoices="0"><prompt>Which?</prompt>
<simpleChoice identifier="a">A</simpleChoice><simpleChoice identifier="b">B</simpleChoice>
<simpleChoice identifier="c">C</simpleChoice><simpleChoice identifier="d">D</simpleChoice>
</choiceInteraction></itemBody>
<responseProcessing template="map_response"/></assessmentItem>"#;
    let got = from_text(src);
    assert!(got.errors.is_empty(), "{:?}", got.errors);
    assert_eq!(got.items[0].question.marks, 3.0);
    assert_eq!(
        got.items[0].question.kind,
        QuestionKind::MultipleResponse {
            options: vec![opt("a", "A"), opt("b", "B"), opt("c", "C"), opt("d", "D")],
            correct: vec!["a".into(), "b".into()],
            scoring: MultiScoring::Partial,
        }
    );
}

// ---------------------------------------------------------------- packages ---

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="M1">
  <organizations/>
  <resources>
    <resource identifier="R1" type="imsqti_item_xmlv2p1" href="items/choice.xml">
      <file href="items/choice.xml"/>
    </resource>
    <resource identifier="R2" type="imsqti_item_xmlv2p1" href="items/order.xml">
      <file href="items/order.xml"/>
    </resource>
    <resource identifier="R3" type="imsqti_item_xmlv2p1" href="items/missing.xml">
      <file href="items/missing.xml"/>
    </resource>
    <resource identifier="R4" type="webcontent" href="images/sign.png">
      <file href="images/sign.png"/>
    </resource>
    <resource identifier="R5" type="imsqti_item_xmlv2p1" href="items/hotspot.xml">
      <file href="items/hotspot.xml"/>
    </resource>
  </resources>
</manifest>
"#;

#[test]
fn a_package_reads_its_items_and_names_the_files_it_cannot() {
    let (choice, order, hotspot) = (
        golden("choice.xml"),
        golden("order.xml"),
        golden("hotspot.xml"),
    );
    let bytes = zip_of(&[
        ("imsmanifest.xml", MANIFEST.as_bytes()),
        ("items/hotspot.xml", hotspot.as_bytes()),
        ("items/choice.xml", choice.as_bytes()),
        ("items/order.xml", order.as_bytes()),
        ("images/sign.png", b"\x89PNG"),
    ]);
    let got = from_package(&bytes);
    let ids: Vec<&str> = got.items.iter().map(|i| i.question.id.as_str()).collect();
    assert_eq!(ids, ["choice", "order"]);
    assert_eq!(
        got.items[0].location,
        Location {
            line: Some(3),
            path: Some("items/choice.xml: assessmentItem[@identifier='choice']".into())
        }
    );
    assert_eq!(
        got.items[0].question,
        from_text(&choice).items[0].question,
        "a packaged item reads as the file on its own"
    );
    let errors: Vec<(Option<usize>, Option<&str>)> = got
        .errors
        .iter()
        .map(|e| (e.location.line, e.location.path.as_deref()))
        .collect();
    assert_eq!(
        errors,
        [
            (Some(11), Some("imsmanifest.xml: manifest[@identifier='M1']/resources/resource[@identifier='R3']")),
            (Some(14), Some("imsmanifest.xml: manifest[@identifier='M1']/resources/resource[@identifier='R4']")),
            (
                Some(14),
                Some("items/hotspot.xml: assessmentItem[@identifier='hotspot']/itemBody/hotspotInteraction")
            ),
        ]
    );
    assert!(
        got.errors[0].message.starts_with("items/missing.xml: "),
        "{}",
        got.errors[0].message
    );
    assert!(got.errors[0].message.contains("not in the package"));
    assert!(got.errors[1].message.starts_with("images/sign.png: "));
    assert!(got.errors[1].message.contains("\"webcontent\""));
    assert!(got.errors[2]
        .message
        .contains("hotspotInteraction is not supported"));
    let lines = got.error_lines("bank.zip");
    assert_eq!(
        lines[0],
        format!(
            "bank.zip:11: imsmanifest.xml: manifest[@identifier='M1']/resources/resource[@identifier='R3']: {}",
            got.errors[0].message
        )
    );
}

#[test]
fn a_package_without_a_manifest_or_that_is_no_zip() {
    let got = from_package(&zip_of(&[(
        "items/choice.xml",
        golden("choice.xml").as_bytes(),
    )]));
    assert!(got.items.is_empty());
    assert_eq!(got.errors.len(), 1);
    assert_eq!(got.errors[0].location, Location::path("imsmanifest.xml"));
    assert!(got.errors[0].message.contains("no imsmanifest.xml"));

    let got = from_package(b"PK\x03\x04 not really a zip");
    assert!(got.items.is_empty());
    assert_eq!(got.errors.len(), 1);
    assert!(
        got.errors[0].message.contains("not a readable zip"),
        "{:?}",
        got.errors
    );
}

#[test]
fn hrefs_never_leave_the_package() {
    let manifest = MANIFEST
        .replace("href=\"items/order.xml\"", "href=\"../order.xml\"")
        .replace("href=\"items/choice.xml\"", "href=\"./items/%63hoice.xml\"");
    let choice = golden("choice.xml");
    let got = from_package(&zip_of(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("items/choice.xml", choice.as_bytes()),
        ("../order.xml", golden("order.xml").as_bytes()),
    ]));
    let ids: Vec<&str> = got.items.iter().map(|i| i.question.id.as_str()).collect();
    assert_eq!(ids, ["choice"]);
    assert!(
        got.errors
            .iter()
            .any(|e| e.message.starts_with("../order.xml: ")
                && e.message.contains("leaves the package")),
        "{:#?}",
        got.errors
    );
}

#[test]
fn zip_bombs_are_refused() {
    // 60 MB of zeros deflate to a few tens of kilobytes.
    let zeros = vec![0u8; 60 * 1024 * 1024];
    let got = from_package(&zip_of(&[
        ("imsmanifest.xml", MANIFEST.as_bytes()),
        ("items/choice.xml", &zeros),
    ]));
    assert!(got.items.is_empty());
    assert_eq!(got.errors.len(), 1, "{:?}", got.errors);
    assert!(
        got.errors[0]
            .message
            .contains("more than 52428800 are refused"),
        "{:?}",
        got.errors
    );

    let names: Vec<String> = (0..10_001).map(|i| format!("f{i}")).collect();
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    let got = from_package(&zip_of(&files));
    assert_eq!(got.errors.len(), 1, "{:?}", got.errors);
    assert!(got.errors[0]
        .message
        .contains("more than 10000 are refused"));
}

// ------------------------------------------------------------------ export ---

fn item(kind: QuestionKind) -> ImportedItem {
    ImportedItem {
        location: Location::default(),
        category: vec![],
        title: Some("T".into()),
        tags: vec![],
        text_format: TextFormat::Plain,
        general_feedback: None,
        question: q("q1", "Why?", 1.0, kind),
    }
}

#[test]
fn what_qti_cannot_say_is_an_error_naming_the_question() {
    let cloze = item(QuestionKind::Cloze {
        parts: vec![
            ClozePart::Text { text: "a".into() },
            ClozePart::Gap(Gap {
                id: "g".into(),
                weight: 1.0,
                kind: GapKind::Numeric {
                    answers: vec![NumericAnswer {
                        value: 1.0,
                        tolerance: Tolerance::Exact,
                        credit: 1.0,
                        feedback: None,
                    }],
                },
            }),
        ],
    });
    let by_position = item(QuestionKind::Ordering {
        items: vec![opt("a", "A"), opt("b", "B")],
        scoring: OrderScoring::ByPosition,
    });
    let wildcard = item(QuestionKind::ShortText {
        accepted: vec!["colo*r".into()],
        case_sensitive: false,
    });
    let feedback = item(QuestionKind::WeightedChoice {
        options: vec![
            ScoredOption {
                feedback: Some("yes".into()),
                ..scored("a", "A", 1.0)
            },
            scored("b", "B", 0.0),
        ],
        multiple: false,
    });
    let mut html = item(QuestionKind::essay());
    html.text_format = TextFormat::Html;
    let mut control = item(QuestionKind::essay());
    control.question.prompt = "bell \u{7}".into();
    for (it, says) in [
        (cloze, "cloze"),
        (by_position, "by position"),
        (wildcard, "wildcard"),
        (feedback, "feedback"),
        (html, "HTML"),
        (control, "U+0007"),
    ] {
        let e = to_qti_package(std::slice::from_ref(&it)).unwrap_err();
        assert_eq!(e.id, "q1");
        assert!(
            e.problem.contains(says),
            "{:?} should say {says:?}",
            e.problem
        );
    }
}

#[test]
fn an_exported_item_is_valid_qti_with_scores_in_marks() {
    let mut it = item(QuestionKind::WeightedChoice {
        options: vec![scored("a", "A & <b>", 1.0), scored("b", "B", -0.5)],
        multiple: false,
    });
    it.question.marks = 4.0;
    let xml = to_qti_item(&it).unwrap();
    assert!(xml.contains("normalMaximum=\"4\""), "{xml}");
    assert!(
        xml.contains("<mapEntry mapKey=\"a\" mappedValue=\"4\"/>"),
        "{xml}"
    );
    assert!(
        xml.contains("<mapEntry mapKey=\"b\" mappedValue=\"-2\"/>"),
        "{xml}"
    );
    assert!(xml.contains(">A &amp; &lt;b&gt;</simpleChoice>"), "{xml}");
    let back = from_text(&xml);
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    assert_eq!(back.items[0].question, it.question);
}

// --------------------------------------------------------------- round trip ---

/// Text with XML's special characters and a little beyond ASCII, single spaces.
fn words() -> impl Strategy<Value = String> {
    "[A-Za-z0-9é][A-Za-z0-9 <>&\"'.,?!()é中-]{0,16}[A-Za-z0-9?.!中]"
        .prop_filter("single spaces", |s| !s.contains("  "))
}

fn prompt() -> impl Strategy<Value = String> {
    prop_oneof![
        words(),
        (words(), words()).prop_map(|(a, b)| format!("{a}\n{b}")),
        (words(), words(), words()).prop_map(|(a, b, c)| format!("{a}\n\n{b}\n{c}")),
    ]
}

fn ident() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_.-]{0,8}"
}

fn options(min: usize) -> impl Strategy<Value = Vec<ChoiceOption>> {
    (
        proptest::collection::btree_set(ident(), min..min + 4),
        proptest::collection::vec(words(), min + 4),
    )
        .prop_map(|(ids, texts)| {
            ids.into_iter()
                .zip(texts)
                .map(|(id, text)| ChoiceOption { id, text })
                .collect()
        })
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-100_000i64..100_000).prop_map(|x| x as f64),
        (-1_000_000i64..1_000_000).prop_map(|x| x as f64 / 1000.0),
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
    ]
}

fn tolerance() -> impl Strategy<Value = Tolerance> {
    prop_oneof![
        Just(Tolerance::Exact),
        (1u32..1000).prop_map(|t| Tolerance::Absolute(f64::from(t) / 100.0)),
        (1u32..200).prop_map(|r| Tolerance::Relative(f64::from(r) / 1000.0)),
    ]
}

fn credit() -> impl Strategy<Value = f64> {
    (0u32..=99).prop_map(|c| f64::from(c) / 100.0)
}

/// Whether weighted multiple-response credits are exactly Examhall's partial
/// rule (the import reads those as partial multiple response).
fn is_partial_rule(credits: &[f64]) -> bool {
    let n = credits.len();
    let k = credits.iter().filter(|c| **c > 0.0).count();
    k < n
        && credits.iter().all(|c| {
            if *c > 0.0 {
                (c - 1.0 / k as f64).abs() < 1e-6
            } else {
                (c + 1.0 / (n - k) as f64).abs() < 1e-6
            }
        })
}

/// Every type QTI can express, in the form an import produces.
fn qti_kind() -> impl Strategy<Value = QuestionKind> {
    prop_oneof![
        Just(QuestionKind::essay()),
        // Single spaces: QTI text is XML flow, where runs of spaces are one.
        "[A-Za-z][A-Za-z,.]{0,8}( [A-Za-z,.]{1,8}){0,4}"
            .prop_map(|g| QuestionKind::Essay { guidance: Some(g) }),
        any::<bool>().prop_map(|correct| QuestionKind::TrueFalse { correct }),
        (options(2), any::<prop::sample::Index>()).prop_map(|(options, i)| {
            let correct = options[i.index(options.len())].id.clone();
            QuestionKind::SingleChoice { options, correct }
        }),
        (
            options(2),
            proptest::collection::vec(any::<bool>(), 6),
            any::<bool>()
        )
            .prop_filter_map("a right and a wrong option", |(options, right, partial)| {
                let correct: Vec<String> = options
                    .iter()
                    .zip(&right)
                    .filter(|(_, r)| **r)
                    .map(|(o, _)| o.id.clone())
                    .collect();
                let ok = !correct.is_empty() && (!partial || correct.len() < options.len());
                ok.then_some(QuestionKind::MultipleResponse {
                    options,
                    correct,
                    scoring: if partial {
                        MultiScoring::Partial
                    } else {
                        MultiScoring::AllOrNothing
                    },
                })
            }),
        // One pick: one option full credit, another something else.
        (
            options(2),
            any::<prop::sample::Index>(),
            proptest::collection::vec(-100i32..=99, 6)
        )
            .prop_filter_map("not a plain single choice", |(options, best, others)| {
                let best = best.index(options.len());
                let credits: Vec<f64> = (0..options.len())
                    .map(|i| {
                        if i == best {
                            1.0
                        } else {
                            f64::from(others[i]) / 100.0
                        }
                    })
                    .collect();
                let plain = credits.iter().all(|c| *c == 1.0 || *c == 0.0);
                (!plain).then(|| QuestionKind::WeightedChoice {
                    options: options
                        .into_iter()
                        .zip(credits)
                        .map(|(o, credit)| ScoredOption {
                            id: o.id,
                            text: o.text,
                            credit,
                            feedback: None,
                        })
                        .collect(),
                    multiple: false,
                })
            }),
        // Several picks: whole percentages of the right options add up to 100.
        (
            options(2),
            proptest::collection::vec(1u32..=20, 6),
            proptest::collection::vec(-100i32..=0, 6),
            1usize..6
        )
            .prop_filter_map("not the partial rule", |(options, parts, wrong, k)| {
                let k = k.min(options.len());
                let total: u32 = parts[..k].iter().sum();
                let mut pct: Vec<u32> = parts[..k].iter().map(|p| p * 100 / total).collect();
                pct[0] += 100 - pct.iter().sum::<u32>();
                let credits: Vec<f64> = (0..options.len())
                    .map(|i| {
                        if i < k {
                            f64::from(pct[i]) / 100.0
                        } else {
                            f64::from(wrong[i]) / 100.0
                        }
                    })
                    .collect();
                (!is_partial_rule(&credits)).then(|| QuestionKind::WeightedChoice {
                    options: options
                        .into_iter()
                        .zip(credits)
                        .map(|(o, credit)| ScoredOption {
                            id: o.id,
                            text: o.text,
                            credit,
                            feedback: None,
                        })
                        .collect(),
                    multiple: true,
                })
            }),
        (
            proptest::collection::btree_set(words().prop_map(|w| w.to_lowercase()), 1..4),
            any::<bool>()
        )
            .prop_map(|(accepted, case_sensitive)| QuestionKind::ShortText {
                accepted: accepted.into_iter().collect(),
                case_sensitive,
            }),
        (
            proptest::collection::btree_set(words().prop_map(|w| w.to_lowercase()), 2..5),
            proptest::collection::vec(credit(), 5),
            any::<bool>()
        )
            .prop_map(
                |(patterns, credits, case_sensitive)| QuestionKind::TextSet {
                    answers: patterns
                        .into_iter()
                        .enumerate()
                        .map(|(i, pattern)| TextAnswer {
                            pattern,
                            credit: if i == 0 { 1.0 } else { credits[i] },
                            feedback: None,
                        })
                        .collect(),
                    case_sensitive,
                }
            ),
        (number(), tolerance())
            .prop_map(|(value, tolerance)| QuestionKind::Numeric { value, tolerance }),
        // Best credit first, as the rules are written.
        proptest::collection::vec((number(), tolerance(), credit()), 2..5).prop_map(|answers| {
            let mut credits: Vec<f64> = answers.iter().map(|a| a.2).collect();
            credits.sort_by(|a, b| b.total_cmp(a));
            credits[0] = 1.0;
            QuestionKind::NumericSet {
                answers: answers
                    .into_iter()
                    .zip(credits)
                    .map(|((value, tolerance, _), credit)| NumericAnswer {
                        value,
                        tolerance,
                        credit,
                        feedback: None,
                    })
                    .collect(),
            }
        }),
        options(2).prop_map(|items| QuestionKind::Ordering {
            items,
            scoring: OrderScoring::Exact,
        }),
        (
            options(2),
            proptest::collection::vec(words(), 6),
            proptest::collection::btree_set(words(), 0..3),
            proptest::collection::vec(any::<bool>(), 6)
        )
            .prop_map(|(items, answers, distractors, repeat)| {
                // Some items share an answer.
                let pairs: Vec<MatchPair> = items
                    .into_iter()
                    .enumerate()
                    .map(|(i, o)| MatchPair {
                        id: o.id,
                        prompt: o.text,
                        answer: answers[if i > 0 && repeat[i] { i - 1 } else { i }].clone(),
                    })
                    .collect();
                let distractors = distractors
                    .into_iter()
                    .filter(|d| !pairs.iter().any(|p| &p.answer == d))
                    .collect();
                QuestionKind::Matching {
                    pairs,
                    distractors,
                    scores: None,
                }
            }),
    ]
}

fn qti_item() -> impl Strategy<Value = ImportedItem> {
    (
        qti_kind(),
        prompt(),
        "[a-z][a-z0-9_-]{0,20}",
        proptest::option::of(words()),
        prop_oneof![
            (1u32..20).prop_map(f64::from),
            (1u32..40).prop_map(|m| f64::from(m) / 4.0)
        ],
    )
        .prop_map(|(kind, prompt, id, title, marks)| ImportedItem {
            location: Location::default(),
            category: vec![],
            title: title.filter(|t| *t != id),
            tags: vec![],
            text_format: TextFormat::Plain,
            general_feedback: None,
            question: Question {
                id: QuestionId::parse(&id).unwrap(),
                prompt,
                marks,
                penalty: 0.0,
                general_feedback: None,
                kind,
            },
        })
}

fn placeless(items: &[ImportedItem]) -> Vec<ImportedItem> {
    items
        .iter()
        .map(|i| ImportedItem {
            location: Location::default(),
            ..i.clone()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn qti_round_trips_every_type_it_can_express(
        mut items in proptest::collection::vec(qti_item(), 1..5)
    ) {
        for (n, i) in items.iter_mut().enumerate() {
            i.question.id = QuestionId::parse(&format!("{}-{n}", i.question.id)).unwrap();
            prop_assert_eq!(i.question.validate(), Ok(()), "the generator makes valid questions");
        }
        let zip = to_qti_package(&items).unwrap();
        let back = from_package(&zip);
        prop_assert!(back.errors.is_empty(), "{:#?}", back.errors);
        prop_assert_eq!(placeless(&back.items), placeless(&items));
        for (n, i) in back.items.iter().enumerate() {
            let want = format!("items/{}.xml: assessmentItem[@identifier='{}']", items[n].question.id, items[n].question.id);
            prop_assert_eq!(i.location.path.as_deref(), Some(want.as_str()));
        }
    }
}

// --------------------------------------------------------------- robustness ---

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: [&[u8]; 12] = [
    b"<",
    b">",
    b"</",
    b"/>",
    b"&",
    b"\"",
    b"=",
    b"-1",
    b"1e999",
    b" ",
    b"\xff",
    b"<![CDATA[",
];

fn mutate(rng: &mut XorShift, src: &[u8]) -> Vec<u8> {
    let mut b = src.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(b.len());
        match rng.below(4) {
            0 => {
                let last = b.len().saturating_sub(1);
                b[at.min(last)] = rng.next() as u8;
            }
            1 => {
                let end = (at + rng.below(40)).min(b.len());
                b.drain(at..end);
            }
            2 => {
                let piece = PIECES[rng.below(PIECES.len())];
                b.splice(at..at, piece.iter().copied());
            }
            _ => {
                let end = (at + rng.below(200)).min(b.len());
                let chunk = b[at..end].to_vec();
                let to = rng.below(b.len());
                b.splice(to..to, chunk);
            }
        }
        if b.is_empty() {
            break;
        }
    }
    b
}

fn well_placed(got: &Imported) {
    for e in &got.errors {
        assert!(
            e.location.line.is_some() || e.location.path.is_some(),
            "{e:?}"
        );
    }
}

#[test]
fn damaged_files_never_panic() {
    let mut rng = XorShift(0x5eed_2024_0001);
    for name in GOLDEN {
        let src = golden(name);
        for _ in 0..250 {
            let bytes = mutate(&mut rng, src.as_bytes());
            let got = from_text(&String::from_utf8_lossy(&bytes));
            well_placed(&got);
        }
    }
}

#[test]
fn damaged_packages_never_panic() {
    let items: Vec<ImportedItem> = ["choice.xml", "order.xml", "match_equal.xml", "numeric.xml"]
        .iter()
        .flat_map(|n| from_text(&golden(n)).items)
        .collect();
    let good = to_qti_package(&items).unwrap();
    assert_eq!(placeless(&from_package(&good).items), placeless(&items));
    let stored = {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("imsmanifest.xml", options).unwrap();
        zip.write_all(MANIFEST.as_bytes()).unwrap();
        for n in ["choice", "order", "hotspot"] {
            zip.start_file(format!("items/{n}.xml"), options).unwrap();
            zip.write_all(golden(&format!("{n}.xml")).as_bytes())
                .unwrap();
        }
        zip.finish().unwrap().into_inner()
    };
    let mut rng = XorShift(0x5eed_2024_0002);
    for base in [&good, &stored] {
        for _ in 0..600 {
            well_placed(&from_package(&mutate(&mut rng, base)));
        }
    }
}

/// An item's image in its package (relative to the item) is kept in the text as a
/// data URL; an SVG or a missing image stays `[image: alt]`.
#[test]
fn package_images_are_kept_as_data_urls() {
    use base64::Engine;
    let png: &[u8] = b"\x89PNG\r\n\x1a\nnot really a png but bytes";
    let item = r#"<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="pic" title="Pic" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>A</value></correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <p>Which shape? <img src="../img/shape.png" alt="a shape"/> <img src="../img/v.svg" alt="vector"/> <img src="../img/gone.png" alt="gone"/></p>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">
      <simpleChoice identifier="A">Square</simpleChoice>
      <simpleChoice identifier="B">Circle</simpleChoice>
    </choiceInteraction>
  </itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>"#;
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="M1">
  <organizations/>
  <resources>
    <resource identifier="R1" type="imsqti_item_xmlv2p1" href="items/pic.xml">
      <file href="items/pic.xml"/>
    </resource>
  </resources>
</manifest>"#;
    let bytes = zip_of(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("items/pic.xml", item.as_bytes()),
        ("img/shape.png", png),
        ("img/v.svg", b"<svg/>"),
    ]);
    let read = from_package(&bytes);
    assert_eq!(read.errors, vec![]);
    let url = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    );
    assert_eq!(
        read.items[0].question.prompt,
        format!("Which shape? ![a shape]({url}) [image: vector] [image: gone]")
    );
}

/// An entity bomb: a 1 KB entity, one of fifty of those, referenced `refs`
/// times where `LAUGH` stands (wide rather than deep, so the parser's loop
/// detection does not notice). Before the fix roxmltree expanded it: a 260 KB
/// variant grew `examhall import` to 4.7 GB. Now the internal subset is refused
/// before parsing, naming the line of the first declaration.
fn laughs(root: &str, refs: usize) -> String {
    let mut s = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n");
    s.push_str(&format!("<!ENTITY a \"{}\">\n", "ha".repeat(500)));
    s.push_str(&format!("<!ENTITY b \"{}\">\n", "&a;".repeat(50)));
    s.push_str("]>\n");
    s.push_str(&root.replace("LAUGH", &"&b;".repeat(refs)));
    s
}

#[test]
fn entity_declarations_are_refused_before_anything_expands() {
    let src = laughs(
        r#"<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="x"><itemBody><p>LAUGH</p></itemBody></assessmentItem>"#,
        200,
    );
    let got = from_text(&src);
    assert!(got.items.is_empty());
    assert_eq!(got.errors.len(), 1, "{:#?}", got.errors);
    let e = &got.errors[0];
    assert_eq!(
        e.location.line,
        Some(3),
        "the first declaration's line: {e:?}"
    );
    assert!(e.message.contains("entity"), "{e:?}");
    // A plain DOCTYPE naming the QTI DTD (as real files carry) still reads.
    let plain = golden("choice.xml").replacen(
        "<assessmentItem",
        "<!DOCTYPE assessmentItem SYSTEM \"imsqti_v2p1.dtd\">\n<assessmentItem",
        1,
    );
    assert!(
        from_text(&plain).errors.is_empty(),
        "{:#?}",
        from_text(&plain).errors
    );
}

#[test]
fn deep_nesting_is_refused_by_depth_not_by_the_stack() {
    let depth = 50_000;
    let src = format!(
        "<assessmentItem xmlns=\"http://www.imsglobal.org/xsd/imsqti_v2p1\" identifier=\"x\"><itemBody>{}{}</itemBody></assessmentItem>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let got = from_text(&src);
    assert!(got.items.is_empty());
    assert_eq!(got.errors.len(), 1, "{:#?}", got.errors);
    assert!(
        got.errors[0].message.contains("deep"),
        "{:?}",
        got.errors[0]
    );
}

/// QTI 2.2 tools (TAO) write `normalMaximum="0"` for "not given": the item is
/// read, its marks coming from its processing as when the attribute is absent;
/// a negative one is still refused at its element.
#[test]
fn a_normal_maximum_of_zero_means_not_given() {
    let item = |max: &str| {
        format!(
            "{ITEM_HEAD}<outcomeDeclaration identifier=\"SCORE\" cardinality=\"single\" baseType=\"float\" normalMaximum=\"{max}\"/>\n\
             <itemBody><p>Which?</p><choiceInteraction responseIdentifier=\"RESPONSE\" maxChoices=\"1\">\
             <simpleChoice identifier=\"A\">a</simpleChoice><simpleChoice identifier=\"B\">b</simpleChoice>\
             </choiceInteraction></itemBody>\n\
             <responseProcessing template=\"http://www.imsglobal.org/question/qti_v2p2/rptemplates/match_correct\"/>\n\
             </assessmentItem>"
        )
    };
    let read = from_text(&item("0"));
    assert_eq!(read.errors, vec![]);
    assert_eq!(read.items.len(), 1);
    assert_eq!(read.items[0].question.marks, 1.0, "match_correct's score");
    let errors = failing(&item("-1"), &["normalMaximum \"-1\""]);
    assert_eq!(errors[0].0, Some(5));
}

fn corpus(file: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../../shared/corpus/import/qti/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("../shared/corpus beside the checkout")
}

/// Onyx Editor writes a right answer's score as `SCORE = SCORE + MAXSCORE`
/// (MAXSCORE a constant outcome), a mapped one as "if not empty, SCORE = SCORE +
/// mapResponse", and the QTI examples write `SCORE = MAXSCORE`: match_correct and
/// map_response in other words, read as such (files from the corpus).
#[test]
fn onyx_and_the_examples_score_through_constant_outcomes() {
    let read = |file: &str| {
        let got = from_text(&corpus(file));
        assert!(got.errors.is_empty(), "{file}: {:#?}", got.errors);
        assert_eq!(got.items.len(), 1, "{file}");
        got.items.into_iter().next().unwrap().question
    };
    let q = read("Choicesingle_853928446.xml");
    assert_eq!(q.marks, 1.0);
    assert!(
        matches!(&q.kind, QuestionKind::SingleChoice { correct, .. } if correct == "choice_685440446"),
        "{:?}",
        q.kind
    );
    let q = read("modalFeedback.xml");
    assert_eq!(q.marks, 10.0, "MAXSCORE's default, and normalMaximum");
    let q = read("TextEntry_883368511.xml");
    assert!(
        matches!(&q.kind, QuestionKind::ShortText { accepted, .. } if accepted == &["Fichtelberg"]),
        "{:?}",
        q.kind
    );
    let q = read("Choicemultiple_871212949.xml");
    assert_eq!(q.marks, 3.0);
    let QuestionKind::WeightedChoice { options, .. } = &q.kind else {
        panic!("{:?}", q.kind)
    };
    let credits: Vec<f64> = options
        .iter()
        .map(|o| (o.credit * 3.0 * 1e6).round() / 1e6)
        .collect();
    assert_eq!(credits, [1.0, 1.0, 1.0, -1.0, -2.0]);
    // A sum that depends on something else than constants stays refused, at the sum.
    let src = corpus("Choicesingle_853928446.xml").replace(
        "<variable identifier=\"MAXSCORE\" />",
        "<variable identifier=\"RESPONSE_30705996\" />",
    );
    let got = from_text(&src);
    assert!(got.items.is_empty());
    assert!(
        got.errors[0]
            .location
            .path
            .as_deref()
            .is_some_and(|p| p.ends_with("setOutcomeValue[@identifier='SCORE']/sum")),
        "{:?}",
        got.errors
    );
}

/// QTI template items of the common kind (UPMC's, from the corpus): random
/// values and arithmetic in templateProcessing, setCorrectResponse, a numeric
/// text entry compared with its correct value. Each attempt gets its own numbers
/// and is graded with them; what is not read is named at its element.
#[test]
fn template_items_become_calculated_questions_with_the_attempts_values() {
    use examhall_domain::{grade_question, Answer, Outcome};
    let read = |file: &str| {
        let got = from_text(&corpus(file));
        assert!(got.errors.is_empty(), "{file}: {:#?}", got.errors);
        got.items.into_iter().next().unwrap().question
    };
    // a + b, each drawn in 0..100 with two decimals, answered to 2 decimal places.
    let q = read("addition.xml");
    assert_eq!(q.marks, 10.0);
    assert!(
        matches!(q.kind, QuestionKind::Calculated { .. }),
        "{:?}",
        q.kind
    );
    let mut seen = std::collections::BTreeSet::new();
    for n in 0..20 {
        let sat = q.for_attempt(&format!("attempt-{n}")).into_owned();
        let shown = sat.prompt.strip_prefix("Compute: ").unwrap();
        let (a, rest) = shown.split_once('+').unwrap();
        let b = rest.split_once('=').unwrap().0;
        let (a, b): (f64, f64) = (a.trim().parse().unwrap(), b.trim().parse().unwrap());
        assert!((0.0..100.0).contains(&a) && (a * 100.0 - (a * 100.0).round()).abs() < 1e-6);
        seen.insert(sat.prompt.clone());
        let right = format!("{:.2}", a + b);
        let mark = grade_question(&sat, Some(&Answer::Text(right.clone())), false);
        assert_eq!(
            (mark.awarded, mark.outcome),
            (10.0, Outcome::Correct),
            "{shown} {right}"
        );
        let off = format!("{:.2}", a + b + 0.02);
        let mark = grade_question(&sat, Some(&Answer::Text(off)), false);
        assert_eq!(mark.outcome, Outcome::Incorrect);
    }
    assert!(seen.len() > 15);
    // The integer square root of a random integer, exact (match).
    let q = read("carre2.xml");
    let sat = q.for_attempt("a1").into_owned();
    let QuestionKind::NumericSet { answers } = &sat.kind else {
        panic!("{:?}", sat.kind)
    };
    assert_eq!(answers[0].tolerance, examhall_domain::Tolerance::Exact);
    assert_eq!(answers[0].value, answers[0].value.trunc());

    // Not read: a single text value, template conditions (templateCondition),
    // a choice whose right answer is computed per candidate.
    for (file, path_end, says) in [
        (
            "template.xml",
            "templateDeclaration[@identifier='PEOPLE']",
            "not a single number or a list of texts",
        ),
        (
            "diag00001.xml",
            "templateDeclaration[@identifier='sBB']",
            "not a single number or a list of texts",
        ),
    ] {
        let got = from_text(&corpus(file));
        assert!(got.items.is_empty(), "{file}");
        let e = &got.errors[0];
        assert!(e.message.contains(says), "{file}: {e:?}");
        assert!(
            e.location
                .path
                .as_deref()
                .is_some_and(|p| p.ends_with(path_end)),
            "{file}: {e:?}"
        );
    }
    let computed = corpus("template_processing.xml").replace(
        "<baseValue baseType=\"identifier\">ChoiceA</baseValue>\n        </setCorrectResponse>",
        "<variable identifier=\"GOODSCORE\"/>\n        </setCorrectResponse>",
    );
    let got = from_text(&computed);
    assert!(
        got.errors[0]
            .message
            .contains("a correct response computed per candidate"),
        "{:?}",
        got.errors
    );
    let cond = corpus("addition2entier.xml").replace(
        "<setCorrectResponse",
        "<templateCondition><templateIf><baseValue baseType=\"boolean\">true</baseValue></templateIf></templateCondition><setCorrectResponse",
    );
    let got = from_text(&cond);
    assert!(got.errors[0]
        .message
        .contains("<templateCondition> in templateProcessing is not read"));
}

/// Templated choices (UPMC's and the QTI examples', from the corpus): the
/// options show values computed per attempt, a list of texts is shown by a
/// drawn index, templateConstraint draws again until it holds, and a constant
/// correct response may be set in templateProcessing. Each attempt is graded
/// on the option that shows its right value.
#[test]
fn templated_choices_show_each_attempts_values_and_grade_the_right_option() {
    use examhall_domain::{grade_question, Answer, Outcome};
    let read = |file: &str| {
        let got = from_text(&corpus(file));
        assert!(got.errors.is_empty(), "{file}: {:#?}", got.errors);
        got.items.into_iter().next().unwrap().question
    };
    let options = |q: &Question| match &q.kind {
        QuestionKind::WeightedChoice {
            options,
            multiple: false,
        } => options.clone(),
        other => panic!("{other:?}"),
    };
    let num = |s: &str| s.trim().parse::<f64>().unwrap();
    // a − (b): a in 2..10 and b in −9..−2, to one decimal; Item1 shows a − b.
    let q = read("relatif3.xml");
    assert_eq!(q.marks, 2.0);
    let mut seen = std::collections::BTreeSet::new();
    for n in 0..20 {
        let sat = q.for_attempt(&format!("attempt-{n}")).into_owned();
        let (a, rest) = sat.prompt.split_once("-(").unwrap();
        let b = rest.split_once(')').unwrap().0;
        let (a, b) = (num(a), num(b));
        assert!(
            (2.0..=10.0).contains(&a) && (-9.0..=-2.0).contains(&b),
            "{}",
            sat.prompt
        );
        let opts = options(&sat);
        let right = opts.iter().find(|o| o.credit == 1.0).unwrap();
        assert_eq!(right.id, "Item1");
        assert!(
            (num(&right.text) - (a - b)).abs() < 1e-9,
            "{} {}",
            sat.prompt,
            right.text
        );
        assert!(opts.iter().all(|o| !o.text.contains('{')), "{opts:?}");
        let mark = grade_question(&sat, Some(&Answer::Text("Item1".into())), false);
        assert_eq!((mark.awarded, mark.outcome), (2.0, Outcome::Correct));
        let mark = grade_question(&sat, Some(&Answer::Text("Item0".into())), false);
        assert_eq!(mark.awarded, 0.0);
        seen.insert(sat.prompt);
    }
    assert!(seen.len() > 15, "{}", seen.len());
    // A spreadsheet formula picked from a list by a random index.
    let q = read("sexercice1.xml");
    let formulas = ["=B1+B2", "=D4+D5", "=A2+B2", "=G1+G2", "=A4+C4"];
    let mut shown = std::collections::BTreeSet::new();
    for n in 0..40 {
        let sat = q.for_attempt(&format!("attempt-{n}")).into_owned();
        let f = formulas
            .iter()
            .find(|f| sat.prompt.contains(&format!("contains {f}")))
            .unwrap_or_else(|| panic!("{}", sat.prompt));
        shown.insert(*f);
        let mark = grade_question(&sat, Some(&Answer::Text("Item3".into())), false);
        assert_eq!((mark.awarded, mark.outcome), (5.0, Outcome::Correct));
    }
    assert_eq!(
        shown.len(),
        formulas.len(),
        "every formula is drawn for some attempt"
    );
    // a/b of c with gcd(a, b) = 1, a < b and b dividing a·c: the right option is
    // round(a·c/b), and the constraints hold for every attempt.
    let q = read("mc_calc5.xml");
    for n in 0..30 {
        let sat = q.for_attempt(&format!("attempt-{n}")).into_owned();
        let (frac, rest) = sat.prompt.split_once(" of ").unwrap();
        let (a, b) = frac.split_once('/').unwrap();
        let c = rest.split_once('\n').unwrap().0;
        let (a, b, c) = (num(a), num(b), num(c));
        assert!(a < b, "{}", sat.prompt);
        assert_eq!((a * c) % b, 0.0, "{}", sat.prompt);
        let right = options(&sat).into_iter().find(|o| o.credit == 1.0).unwrap();
        assert_eq!(num(&right.text), a * c / b, "{}", sat.prompt);
    }
    // The correct response set in templateProcessing, the score from constant
    // template values.
    let q = read("template_processing.xml");
    let sat = q.for_attempt("a1").into_owned();
    assert_eq!(
        grade_question(&sat, Some(&Answer::Text("ChoiceA".into())), false).awarded,
        1.0
    );
    assert_eq!(
        grade_question(&sat, Some(&Answer::Text("ChoiceB".into())), false).awarded,
        0.0
    );
}

/// UPMC's items keep their score in SCORE0 (their only numeric outcome; QTI
/// names no score outcome) and give a wrong answer −1: read as the score and as
/// the question's penalty (applied when the exam uses negative marking).
#[test]
fn an_items_only_numeric_outcome_is_its_score_and_a_negative_else_its_penalty() {
    use examhall_domain::{grade_question, Answer, Outcome};
    let got = from_text(&corpus("exercise1.xml"));
    assert!(got.errors.is_empty(), "{:#?}", got.errors);
    let q = &got.items[0].question;
    assert_eq!((q.marks, q.penalty), (3.0, 1.0));
    let QuestionKind::SingleChoice { correct, .. } = &q.kind else {
        panic!("{:?}", q.kind)
    };
    let right = grade_question(q, Some(&Answer::Text(correct.clone())), true);
    assert_eq!((right.awarded, right.outcome), (3.0, Outcome::Correct));
    let wrong_id = if correct == "Item0" { "Item1" } else { "Item0" };
    let wrong = grade_question(q, Some(&Answer::Text(wrong_id.into())), true);
    assert_eq!(wrong.awarded, -1.0, "negative marking on");
    let wrong = grade_question(q, Some(&Answer::Text(wrong_id.into())), false);
    assert_eq!(wrong.awarded, 0.0, "negative marking off");
    // A positive "else" still cannot be said in Examhall's terms.
    let generous = corpus("exercise1.xml").replace(
        "<baseValue baseType=\"float\">-1.0</baseValue>",
        "<baseValue baseType=\"float\">1.0</baseValue>",
    );
    let got = from_text(&generous);
    assert!(got.items.is_empty());
    assert!(got.errors[0]
        .message
        .contains("gives every other answer a score of 1"));
}
