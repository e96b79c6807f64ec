//! The correction screen's forms, kept apart from the page so they can be
//! tested without a browser: each form edits the question's key (a
//! `QuestionKind`) and the page sends the result; what candidates saw is left
//! as it was (the use case checks that too).

use crate::authoring::parse_decimal;
use examhall_protocol::{ChoiceOption, QuestionKind, ScoredOption, Tolerance};

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

/// A numeric key from the form's value and tolerance (± that much; empty or
/// 0 is exact), as typed (a decimal comma reads as a point). The error names
/// the field.
pub fn numeric(value: &str, tolerance: &str) -> Result<QuestionKind, (&'static str, String)> {
    let value = parse_decimal(value).ok_or(("value", "a number, like 9.81 or 9,81".into()))?;
    let tolerance = if tolerance.trim().is_empty() {
        0.0
    } else {
        parse_decimal(tolerance)
            .filter(|t| *t >= 0.0)
            .ok_or(("tolerance", "a number 0 or more".into()))?
    };
    Ok(QuestionKind::Numeric {
        value,
        tolerance: if tolerance == 0.0 {
            Tolerance::Exact
        } else {
            Tolerance::Absolute(tolerance)
        },
    })
}

/// The form's view of a numeric key: its value and ± tolerance.
pub fn numeric_fields(kind: &QuestionKind) -> Option<(String, String)> {
    match kind {
        QuestionKind::Numeric { value, tolerance } => Some((
            value.to_string(),
            match tolerance {
                Tolerance::Exact => String::new(),
                Tolerance::Absolute(t) => t.to_string(),
                Tolerance::Relative(r) => (r * value.abs()).to_string(),
            },
        )),
        _ => None,
    }
}

/// A short-text key from the form: one accepted answer per line (`*` matches
/// anything), and whether case counts.
pub fn short_text(lines: &str, case_sensitive: bool) -> Result<QuestionKind, String> {
    let accepted: Vec<String> = lines
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if accepted.is_empty() {
        return Err("at least one accepted answer, one per line".into());
    }
    Ok(QuestionKind::ShortText {
        accepted,
        case_sensitive,
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
    fn the_other_forms_build_their_keys() {
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
        assert_eq!(
            numeric("9,81", "0,2"),
            Ok(QuestionKind::Numeric {
                value: 9.81,
                tolerance: Tolerance::Absolute(0.2)
            })
        );
        assert_eq!(
            numeric("12", " "),
            Ok(QuestionKind::Numeric {
                value: 12.0,
                tolerance: Tolerance::Exact
            })
        );
        assert_eq!(numeric("nine", "").unwrap_err().0, "value");
        assert_eq!(numeric("9", "-1").unwrap_err().0, "tolerance");
        assert_eq!(
            numeric_fields(&numeric("9.81", "0.2").unwrap()),
            Some(("9.81".into(), "0.2".into()))
        );
        assert_eq!(
            short_text(" Na \n\n sodium*", false),
            Ok(QuestionKind::ShortText {
                accepted: vec!["Na".into(), "sodium*".into()],
                case_sensitive: false
            })
        );
        assert!(short_text("  \n", true).is_err());
        let k = numeric("1", "").unwrap();
        assert_eq!(parse_key(&key_json(&k)), Ok(k));
        let e = parse_key("{\"type\": \"numeric\",\n \"value\": }").unwrap_err();
        assert!(e.starts_with("line 2"), "{e}");
    }
}
