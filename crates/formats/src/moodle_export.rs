//! Writing questions as Moodle XML, the file Moodle's question bank imports
//! (Question bank → Import → Moodle XML format). Each type is written as the
//! Moodle type that scores the same way; what Moodle cannot say is an error
//! naming the question, never a silent change. Reading the output back with
//! [`crate::moodle_xml`] gives the same questions (`tests/roundtrip.rs`).
//!
//! Marks are `defaultgrade`. Left out, as Moodle has no place for them: the
//! Examhall question id (Moodle names a question by its `name`, the title, or
//! the id when there is none) and the penalty for a wrong answer under negative
//! marking (Moodle's `penalty` is the deduction per retry in adaptive mode).

use crate::export::ExportError;
use crate::items::{ImportedItem, TextFormat};
use examhall_domain::{ClozePart, GapKind, MultiScoring, OrderScoring, QuestionKind, Tolerance};

/// XML text: `&`, `<`, `>` and quotes escaped.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A number as Moodle reads it (no exponent, `.` for decimals).
fn num(x: f64) -> String {
    let s = format!("{x}");
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// A percentage with at most seven decimals, as Moodle's fractions are written.
fn pct(credit: f64) -> String {
    num((credit * 100.0 * 1e7).round() / 1e7)
}

fn text_el(name: &str, format: &str, text: &str) -> String {
    format!(
        "<{name} format=\"{format}\"><text>{}</text></{name}>",
        xml(text)
    )
}

fn format_name(f: TextFormat) -> &'static str {
    match f {
        TextFormat::Plain => "plain_text",
        TextFormat::Html => "html",
        TextFormat::Markdown => "markdown",
        TextFormat::Moodle => "moodle_auto_format",
    }
}

fn feedback(f: &Option<String>) -> String {
    f.as_ref()
        .map(|f| text_el("feedback", "plain_text", f))
        .unwrap_or_default()
}

fn answer(fraction: f64, text: &str, extra: &str, fb: &Option<String>) -> String {
    format!(
        "    <answer fraction=\"{}\" format=\"plain_text\"><text>{}</text>{extra}{}</answer>\n",
        pct(fraction),
        xml(text),
        feedback(fb)
    )
}

/// Text as HTML (a cloze's text is read as HTML by Moodle and by our import).
fn html(s: &str) -> String {
    xml(s).replace('\n', "<br>")
}

/// An embedded answer's text: Moodle's cloze syntax has no escapes for these.
fn gap_text(s: &str, numeric: bool) -> Result<String, &'static str> {
    if s.contains(['{', '}', '~', '#']) || s.starts_with(['=', '%']) || (numeric && s.contains(':'))
    {
        return Err("a gap's answer holds {, }, ~ or # (or starts with = or %), which Moodle's embedded answers cannot hold");
    }
    Ok(html(s))
}

fn cloze_gap(weight: f64, kind: &GapKind) -> Result<String, &'static str> {
    let w = if weight == weight.trunc() && weight >= 1.0 {
        format!("{}", weight as u64)
    } else {
        return Err("a cloze gap's weight is a whole number in Moodle");
    };
    let prefix = |credit: f64| {
        if credit == 1.0 {
            "=".to_owned()
        } else {
            format!("%{}%", pct(credit))
        }
    };
    let fb = |f: &Option<String>| -> Result<String, &'static str> {
        Ok(match f {
            Some(f) => format!("#{}", gap_text(f, false)?),
            None => String::new(),
        })
    };
    let (ty, answers): (&str, Vec<String>) = match kind {
        GapKind::Text {
            answers,
            case_sensitive,
        } => (
            if *case_sensitive {
                "SHORTANSWER_C"
            } else {
                "SHORTANSWER"
            },
            answers
                .iter()
                .map(|a| {
                    Ok(format!(
                        "{}{}{}",
                        prefix(a.credit),
                        gap_text(&a.pattern, false)?,
                        fb(&a.feedback)?
                    ))
                })
                .collect::<Result<_, &'static str>>()?,
        ),
        GapKind::Numeric { answers } => (
            "NUMERICAL",
            answers
                .iter()
                .map(|a| {
                    let t = match a.tolerance {
                        Tolerance::Exact => 0.0,
                        Tolerance::Absolute(t) => t,
                        Tolerance::Relative(_) => {
                            return Err("Moodle's numeric gaps have absolute tolerances only")
                        }
                    };
                    Ok(format!(
                        "{}{}:{}{}",
                        prefix(a.credit),
                        num(a.value),
                        num(t),
                        fb(&a.feedback)?
                    ))
                })
                .collect::<Result<_, &'static str>>()?,
        ),
        GapKind::Choice { options } | GapKind::Choices { options } => (
            if matches!(kind, GapKind::Choice { .. }) {
                "MULTICHOICE"
            } else {
                "MULTIRESPONSE"
            },
            options
                .iter()
                .map(|o| {
                    let p = if o.credit == 0.0 {
                        String::new()
                    } else {
                        prefix(o.credit)
                    };
                    Ok(format!(
                        "{p}{}{}",
                        gap_text(&o.text, false)?,
                        fb(&o.feedback)?
                    ))
                })
                .collect::<Result<_, &'static str>>()?,
        ),
    };
    Ok(format!("{{{w}:{ty}:{}}}", answers.join("~")))
}

/// The items as a Moodle XML quiz file.
pub fn to_moodle_xml(items: &[ImportedItem]) -> Result<String, ExportError> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    let mut category: Option<&[String]> = None;
    for item in items {
        let q = &item.question;
        let fail = |problem: &str| ExportError {
            id: q.id.to_string(),
            problem: problem.into(),
        };
        if category != Some(item.category.as_slice()) {
            let path: Vec<String> = ["$course$"]
                .into_iter()
                .map(str::to_owned)
                .chain(item.category.iter().cloned())
                .collect();
            out.push_str(&format!(
                "  <question type=\"category\"><category><text>{}</text></category></question>\n",
                xml(&path.join("/"))
            ));
            category = Some(item.category.as_slice());
        }
        let name = item.title.clone().unwrap_or_else(|| q.id.to_string());
        let fmt = format_name(item.text_format);
        let mut prompt = q.prompt.clone();
        let mut body = String::new();
        let ty = match &q.kind {
            QuestionKind::SingleChoice { options, correct } => {
                body.push_str(
                    "    <single>true</single>\n    <shuffleanswers>true</shuffleanswers>\n",
                );
                for o in options {
                    body.push_str(&answer(
                        if &o.id == correct { 1.0 } else { 0.0 },
                        &o.text,
                        "",
                        &None,
                    ));
                }
                "multichoice"
            }
            QuestionKind::WeightedChoice { options, multiple } => {
                body.push_str(&format!(
                    "    <single>{}</single>\n    <shuffleanswers>true</shuffleanswers>\n",
                    !multiple
                ));
                for o in options {
                    body.push_str(&answer(o.credit, &o.text, "", &o.feedback));
                }
                "multichoice"
            }
            QuestionKind::MultipleResponse {
                options,
                correct,
                scoring,
            } => {
                if *scoring == MultiScoring::AllOrNothing {
                    return Err(fail("Moodle's multiple answer questions give partial credit; an all-or-nothing multiple response has no Moodle form"));
                }
                // Partial: each right tick earns 1/k, each wrong one loses 1/(n−k).
                let k = correct.len() as f64;
                let wrong = (options.len() - correct.len()) as f64;
                body.push_str(
                    "    <single>false</single>\n    <shuffleanswers>true</shuffleanswers>\n",
                );
                for o in options {
                    let credit = if correct.contains(&o.id) {
                        1.0 / k
                    } else {
                        -1.0 / wrong
                    };
                    body.push_str(&answer(credit, &o.text, "", &None));
                }
                "multichoice"
            }
            QuestionKind::TrueFalse { correct } => {
                body.push_str(&answer(if *correct { 1.0 } else { 0.0 }, "true", "", &None));
                body.push_str(&answer(
                    if *correct { 0.0 } else { 1.0 },
                    "false",
                    "",
                    &None,
                ));
                "truefalse"
            }
            QuestionKind::ShortText {
                accepted,
                case_sensitive,
            } => {
                body.push_str(&format!(
                    "    <usecase>{}</usecase>\n",
                    u8::from(*case_sensitive)
                ));
                for a in accepted {
                    body.push_str(&answer(1.0, a, "", &None));
                }
                "shortanswer"
            }
            QuestionKind::TextSet {
                answers,
                case_sensitive,
            } => {
                body.push_str(&format!(
                    "    <usecase>{}</usecase>\n",
                    u8::from(*case_sensitive)
                ));
                for a in answers {
                    body.push_str(&answer(a.credit, &a.pattern, "", &a.feedback));
                }
                "shortanswer"
            }
            QuestionKind::Numeric { value, tolerance } => {
                let t = match tolerance {
                    Tolerance::Exact => 0.0,
                    Tolerance::Absolute(t) => *t,
                    Tolerance::Relative(r) => r * value.abs(),
                };
                body.push_str(&answer(
                    1.0,
                    &num(*value),
                    &format!("<tolerance>{}</tolerance>", num(t)),
                    &None,
                ));
                "numerical"
            }
            QuestionKind::NumericSet { answers } => {
                for a in answers {
                    let t = match a.tolerance {
                        Tolerance::Exact => 0.0,
                        Tolerance::Absolute(t) => t,
                        Tolerance::Relative(r) => r * a.value.abs(),
                    };
                    body.push_str(&answer(
                        a.credit,
                        &num(a.value),
                        &format!("<tolerance>{}</tolerance>", num(t)),
                        &a.feedback,
                    ));
                }
                "numerical"
            }
            QuestionKind::Essay { guidance } => {
                if let Some(g) = guidance {
                    body.push_str(&format!("    {}\n", text_el("graderinfo", "plain_text", g)));
                }
                "essay"
            }
            QuestionKind::Matching {
                pairs,
                distractors,
                scores,
            } => {
                if scores.is_some() {
                    return Err(fail("Moodle's matching questions give every pair an equal share; unequal pair values have no Moodle form"));
                }
                body.push_str("    <shuffleanswers>true</shuffleanswers>\n");
                for p in pairs {
                    body.push_str(&format!(
                        "    <subquestion format=\"plain_text\"><text>{}</text><answer><text>{}</text></answer></subquestion>\n",
                        xml(&p.prompt),
                        xml(&p.answer)
                    ));
                }
                for d in distractors {
                    body.push_str(&format!(
                        "    <subquestion format=\"plain_text\"><text></text><answer><text>{}</text></answer></subquestion>\n",
                        xml(d)
                    ));
                }
                "matching"
            }
            QuestionKind::Ordering { items, scoring } => {
                body.push_str(&format!(
                    "    <gradingtype>{}</gradingtype>\n",
                    match scoring {
                        OrderScoring::Exact => "ALL_OR_NOTHING",
                        OrderScoring::ByPosition => "ABSOLUTE_POSITION",
                    }
                ));
                for i in items {
                    body.push_str(&answer(1.0, &i.text, "", &None));
                }
                "ordering"
            }
            QuestionKind::Cloze { parts } => {
                // Moodle's cloze is one text: the question's own text first.
                let mut text = if prompt.trim().is_empty() {
                    String::new()
                } else {
                    format!("{}<br><br>", html(&prompt))
                };
                for p in parts {
                    match p {
                        ClozePart::Text { text: t } => text.push_str(&html(t)),
                        ClozePart::Gap(g) => {
                            text.push_str(&cloze_gap(g.weight, &g.kind).map_err(fail)?)
                        }
                    }
                }
                prompt = text;
                "cloze"
            }
            QuestionKind::Calculated { .. } => {
                return Err(fail("calculated questions are exported as JSON, which keeps their variables; Moodle XML is not written for them yet"));
            }
        };
        let text_format = if ty == "cloze" { "html" } else { fmt };
        let start = out.len();
        out.push_str(&format!("  <question type=\"{ty}\">\n"));
        out.push_str(&format!("    <name><text>{}</text></name>\n", xml(&name)));
        out.push_str(&format!(
            "    {}\n",
            text_el("questiontext", text_format, &prompt)
        ));
        if let Some(g) = &item.general_feedback {
            out.push_str(&format!(
                "    {}\n",
                text_el("generalfeedback", "plain_text", g)
            ));
        }
        out.push_str(&format!(
            "    <defaultgrade>{}</defaultgrade>\n",
            num(q.marks)
        ));
        out.push_str(&body);
        if !item.tags.is_empty() {
            out.push_str("    <tags>");
            for t in &item.tags {
                out.push_str(&format!("<tag><text>{}</text></tag>", xml(t)));
            }
            out.push_str("</tags>\n");
        }
        out.push_str("  </question>\n");
        // XML cannot carry every character (control characters but tab and new line).
        if let Some(c) = out[start..]
            .chars()
            .find(|c| !(crate::qti::is_xml_char(*c) || matches!(c, '\n' | '\t' | '\r')))
        {
            return Err(fail(&format!(
                "the text holds the character U+{:04X}, which XML cannot carry",
                c as u32
            )));
        }
    }
    out.push_str("</quiz>\n");
    Ok(out)
}
