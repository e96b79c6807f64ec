//! CSV, one question per row, with this header (columns in any order; `type`
//! and `prompt` are required, the others may be left out):
//!
//! | column | meaning |
//! |---|---|
//! | `id` | the question's id (letters, digits, `_`, `-`); made from the title or the line when empty |
//! | `title` | a short name |
//! | `category` | nested categories separated by `/` |
//! | `tags` | separated by `|` |
//! | `type` | `single_choice`, `multiple_response`, `true_false`, `numeric`, `short_text`, `essay`, `matching`, `ordering` |
//! | `prompt` | the question's text |
//! | `options` | separated by `|`: the choices; for `ordering` the items in the right order; for `matching` `item=answer` pairs (`=answer` alone is an extra answer) |
//! | `answer` | `single_choice`: the right option's letter (`a` is the first) or text; `multiple_response`: letters or texts separated by `|`; `true_false`: `true` or `false`; `numeric`: `value` or `value:tolerance`; `short_text`: accepted answers separated by `|` (`*` is a wildcard) |
//! | `marks` | a positive number (1 when empty) |
//! | `feedback` | general feedback |
//!
//! Errors name the line and the column.

use crate::items::{
    category_path, make_id, option_id, question, ImportError, Imported, ImportedItem, Location,
    TextFormat,
};
use examhall_domain::{
    ChoiceOption, MatchPair, MultiScoring, OrderScoring, QuestionKind, Tolerance,
};

const COLUMNS: [&str; 10] = [
    "id", "title", "category", "tags", "type", "prompt", "options", "answer", "marks", "feedback",
];

fn split(s: &str) -> Vec<String> {
    s.split('|')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn from_text(src: &str) -> Imported {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::Headers)
        .from_reader(src.as_bytes());
    let fail = |line: u64, message: String| Imported {
        errors: vec![ImportError::new(Location::line(line as usize), message)],
        ..Imported::default()
    };
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.to_ascii_lowercase()).collect(),
        Err(e) => return fail(1, format!("the header cannot be read: {e}")),
    };
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) {
            return fail(
                1,
                format!(
                    "unknown column {h:?}; the columns are {}",
                    COLUMNS.join(", ")
                ),
            );
        }
    }
    for required in ["type", "prompt"] {
        if !headers.iter().any(|h| h == required) {
            return fail(1, format!("the header has no {required:?} column"));
        }
    }
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(ImportError::new(
                    Location::line(line as usize),
                    format!("the row cannot be read: {e}"),
                ));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line()) as usize;
        let get = |col: &str| {
            headers
                .iter()
                .position(|h| h == col)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .trim()
                .to_owned()
        };
        match row(&get, line) {
            Ok(item) => items.push(item),
            Err(e) => errors.push(e),
        }
    }
    Imported::checked(items, errors)
}

fn row(get: &dyn Fn(&str) -> String, line: usize) -> Result<ImportedItem, ImportError> {
    let err = |col: &str, m: String| {
        ImportError::new(Location::line(line), format!("column {col:?}: {m}"))
    };
    let options = split(&get("options"));
    let answer = get("answer");
    let letter_or_text = |a: &str| -> Result<String, ImportError> {
        let a = a.trim();
        if let Some(i) = options.iter().position(|o| o == a) {
            return Ok(option_id(i));
        }
        if let Some(i) = (0..options.len()).find(|&i| option_id(i).eq_ignore_ascii_case(a)) {
            return Ok(option_id(i));
        }
        Err(err(
            "answer",
            format!("{a:?} is neither an option's letter nor its text"),
        ))
    };
    let choices = || {
        options
            .iter()
            .enumerate()
            .map(|(i, t)| ChoiceOption {
                id: option_id(i),
                text: t.clone(),
            })
            .collect::<Vec<_>>()
    };
    let kind = match get("type").to_ascii_lowercase().as_str() {
        "single_choice" => QuestionKind::SingleChoice {
            options: choices(),
            correct: letter_or_text(&answer)?,
        },
        "multiple_response" => QuestionKind::MultipleResponse {
            options: choices(),
            correct: split(&answer)
                .iter()
                .map(|a| letter_or_text(a))
                .collect::<Result<_, _>>()?,
            scoring: MultiScoring::AllOrNothing,
        },
        "true_false" => QuestionKind::TrueFalse {
            correct: match answer.to_ascii_lowercase().as_str() {
                "true" => true,
                "false" => false,
                other => return Err(err("answer", format!("expected true or false, found {other:?}"))),
            },
        },
        "numeric" => {
            let (v, t) = answer.split_once(':').unwrap_or((&answer, "0"));
            let num = |s: &str| s.trim().parse::<f64>().ok().filter(|x| x.is_finite());
            match (num(v), num(t)) {
                (Some(value), Some(t)) => QuestionKind::Numeric {
                    value,
                    tolerance: if t == 0.0 {
                        Tolerance::Exact
                    } else {
                        Tolerance::Absolute(t.abs())
                    },
                },
                _ => {
                    return Err(err(
                        "answer",
                        format!("expected value or value:tolerance, found {answer:?}"),
                    ))
                }
            }
        }
        "short_text" => QuestionKind::ShortText {
            accepted: split(&answer),
            case_sensitive: false,
        },
        "essay" => QuestionKind::essay(),
        "ordering" => QuestionKind::Ordering {
            items: options
                .iter()
                .enumerate()
                .map(|(i, t)| ChoiceOption {
                    id: crate::items::opaque_id(&format!("line {line}"), i),
                    text: t.clone(),
                })
                .collect(),
            scoring: OrderScoring::Exact,
        },
        "matching" => {
            let mut pairs = Vec::new();
            let mut distractors = Vec::new();
            for o in &options {
                let Some((item, ans)) = o.split_once('=') else {
                    return Err(err("options", format!("{o:?}: a matching option is item=answer")));
                };
                if item.trim().is_empty() {
                    distractors.push(ans.trim().to_owned());
                } else {
                    pairs.push(MatchPair {
                        id: format!("m{}", pairs.len() + 1),
                        prompt: item.trim().to_owned(),
                        answer: ans.trim().to_owned(),
                    });
                }
            }
            QuestionKind::Matching {
                pairs,
                distractors,
                scores: None,
            }
        }
        "" => return Err(err("type", "is empty".into())),
        other => {
            return Err(err(
                "type",
                format!("{other:?} is not one of single_choice, multiple_response, true_false, numeric, short_text, essay, matching, ordering"),
            ))
        }
    };
    let marks = match get("marks").as_str() {
        "" => 1.0,
        m => m
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x > 0.0)
            .ok_or_else(|| err("marks", format!("expected a positive number, found {m:?}")))?,
    };
    let title = Some(get("title")).filter(|t| !t.is_empty());
    let id_raw = get("id");
    let id = if id_raw.is_empty() {
        make_id(title.as_deref(), &format!("q{line}"))
    } else {
        examhall_domain::QuestionId::parse(&id_raw).ok_or_else(|| {
            err(
                "id",
                format!("{id_raw:?} is not an id (1 to 64 of A-Z a-z 0-9 _ -)"),
            )
        })?
    };
    let mut q = question(id, get("prompt"), kind);
    q.marks = marks;
    Ok(ImportedItem {
        location: Location::line(line),
        category: category_path(Some(&get("category"))),
        title,
        tags: split(&get("tags")),
        text_format: TextFormat::Plain,
        general_feedback: Some(get("feedback")).filter(|f| !f.is_empty()),
        question: q,
    })
}
