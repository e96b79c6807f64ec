//! The correction screen's choice forms, kept apart from the page so they can
//! be tested without a browser: they edit the question's key (a
//! `QuestionKind`) and the page sends the result; what candidates saw is left
//! as it was (the use case checks that too). A number's and a short text's
//! fields are the bank editor's (`question_form`).

use examhall_protocol::{ChoiceOption, QuestionKind, ScoredOption};

/// The options of a choice whose key the "accepted options" form can edit, and
/// the ids it gives full marks: a single choice, or a weighted single choice
/// whose options earn all or nothing. `None` for anything else.
pub fn accepted(kind: &QuestionKind) -> Option<(Vec<ChoiceOption>, Vec<String>)> {
    match kind {
        QuestionKind::SingleChoice { options, correct } => {
            Some((options.clone(), vec![correct.clone()]))
        }
        QuestionKind::WeightedChoice {
            options,
            multiple: false,
        } if options.iter().all(|o| o.credit == 0.0 || o.credit == 1.0) => Some((
            options
                .iter()
                .map(|o| ChoiceOption {
                    id: o.id.clone(),
                    text: o.text.clone(),
                })
                .collect(),
            options
                .iter()
                .filter(|o| o.credit == 1.0)
                .map(|o| o.id.clone())
                .collect(),
        )),
        _ => None,
    }
}

/// The key that accepts exactly `ids` among `options`: a single choice for
/// one, a weighted choice giving each of several full marks ("accept this
/// option as well"). Options keep their order and text.
pub fn accepting(options: &[ChoiceOption], ids: &[String]) -> Result<QuestionKind, String> {
    let chosen: Vec<&ChoiceOption> = options.iter().filter(|o| ids.contains(&o.id)).collect();
    match chosen.as_slice() {
        [] => Err("tick at least one option".into()),
        [one] => Ok(QuestionKind::SingleChoice {
            options: options.to_vec(),
            correct: one.id.clone(),
        }),
        _ => Ok(QuestionKind::WeightedChoice {
            options: options
                .iter()
                .map(|o| ScoredOption {
                    id: o.id.clone(),
                    text: o.text.clone(),
                    credit: if ids.contains(&o.id) { 1.0 } else { 0.0 },
                    feedback: None,
                })
                .collect(),
            multiple: false,
        }),
    }
}

/// A multiple response's key with option `id` ticked or not.
pub fn toggle_right(kind: &QuestionKind, id: &str, on: bool) -> Option<QuestionKind> {
    let QuestionKind::MultipleResponse {
        options,
        correct,
        scoring,
    } = kind
    else {
        return None;
    };
    let correct: Vec<String> = options
        .iter()
        .map(|o| o.id.clone())
        .filter(|o| if o == id { on } else { correct.contains(o) })
        .collect();
    Some(QuestionKind::MultipleResponse {
        options: options.clone(),
        correct,
        scoring: *scoring,
    })
}

/// The key as the advanced view shows it.
pub fn key_json(kind: &QuestionKind) -> String {
    serde_json::to_string_pretty(kind).unwrap_or_default()
}

/// The key the advanced view holds, or what is wrong with it (line and column).
pub fn parse_key(text: &str) -> Result<QuestionKind, String> {
    serde_json::from_str(text).map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use examhall_protocol::MultiScoring;

    fn opts() -> Vec<ChoiceOption> {
        ["a", "b", "c"]
            .iter()
            .map(|id| ChoiceOption {
                id: (*id).into(),
                text: id.to_uppercase(),
            })
            .collect()
    }

    #[test]
    fn accepting_a_second_option_widens_a_single_choice_and_back() {
        let single = accepting(&opts(), &["b".into()]).unwrap();
        assert_eq!(accepted(&single), Some((opts(), vec!["b".to_owned()])));
        let both = accepting(&opts(), &["a".into(), "b".into()]).unwrap();
        let QuestionKind::WeightedChoice { options, multiple } = &both else {
            panic!("{both:?}")
        };
        assert!(!multiple);
        let credits: Vec<f64> = options.iter().map(|o| o.credit).collect();
        assert_eq!(credits, vec![1.0, 1.0, 0.0]);
        assert_eq!(options[1].text, "B", "texts kept");
        assert_eq!(
            accepted(&both),
            Some((opts(), vec!["a".to_owned(), "b".to_owned()]))
        );
        // Back to one accepted option: a plain single choice again.
        let QuestionKind::SingleChoice { correct, .. } = accepting(&opts(), &["a".into()]).unwrap()
        else {
            panic!()
        };
        assert_eq!(correct, "a");
        assert!(accepting(&opts(), &[]).is_err());
        // A weighted choice with part credits is not this form's.
        let part = QuestionKind::WeightedChoice {
            options: vec![ScoredOption {
                id: "a".into(),
                text: "A".into(),
                credit: 0.5,
                feedback: None,
            }],
            multiple: false,
        };
        assert_eq!(accepted(&part), None);
    }

    #[test]
    fn a_multiple_responses_right_options_toggle_and_the_json_view_reads_back() {
        let mr = QuestionKind::MultipleResponse {
            options: opts(),
            correct: vec!["a".into()],
            scoring: MultiScoring::Partial,
        };
        let QuestionKind::MultipleResponse { correct, .. } = toggle_right(&mr, "c", true).unwrap()
        else {
            panic!()
        };
        assert_eq!(correct, vec!["a", "c"]);
        let QuestionKind::MultipleResponse { correct, .. } = toggle_right(&mr, "a", false).unwrap()
        else {
            panic!()
        };
        assert!(correct.is_empty());
        let k = QuestionKind::TrueFalse { correct: false };
        assert_eq!(parse_key(&key_json(&k)), Ok(k));
        let e = parse_key("{\"type\": \"numeric\",\n \"value\": }").unwrap_err();
        assert!(e.starts_with("line 2"), "{e}");
    }
}
