//! Moodle XML (<https://docs.moodle.org/en/Moodle_XML_format>): a `<quiz>` of
//! `<question type="…">` elements.
//!
//! Read: `category` (sets the category of what follows), `multichoice` (single
//! or several answers, `fraction` percentages, per-answer feedback),
//! `truefalse`, `shortanswer` (`usecase` 1 is case-sensitive), `numerical`
//! (answers with `tolerance`), `essay` (its `graderinfo` is the marking
//! guidance), `matching` (`subquestion`s; one with no
//! text is an extra answer), `ordering` (answers in the right order;
//! `gradingtype` ABSOLUTE_POSITION is scored by position, anything else all or
//! nothing) and `cloze` (Moodle's embedded answers: SHORTANSWER/SA/MW,
//! SHORTANSWER_C/SAC/MWC, NUMERICAL/NM, MULTICHOICE/MC and its layout variants).
//! `defaultgrade` is the marks, `penalty` is not Moodle's retry penalty and is
//! not imported, `tags` become tags, `generalfeedback` is kept.
//!
//! Every other question type (calculated, drag and drop, description, …) is an
//! error at its element, never dropped silently. Errors carry the line and the
//! element path, e.g. `quiz/question[3]/answer[2]`. HTML text is stored as plain
//! text (`items::html_to_text`).

use crate::items::{
    category_path, choice_kind, html_to_text, html_to_text_with, make_id, numeric_kind, option_id,
    question, ImportError, Imported, ImportedItem, Location, TextFormat,
};
use examhall_domain::{
    ChoiceOption, ClozePart, Gap, GapKind, MatchPair, NumericAnswer, OrderScoring, QuestionKind,
    ScoredOption, TextAnswer, Tolerance,
};
use roxmltree::{Document, Node};

type Res<T> = Result<T, ImportError>;

struct Ctx<'a> {
    doc: &'a Document<'a>,
}

impl Ctx<'_> {
    fn at(&self, node: Node, path: &str) -> Location {
        Location {
            line: Some(self.doc.text_pos_at(node.range().start).row as usize),
            path: Some(path.to_owned()),
        }
    }
    fn err<T>(&self, node: Node, path: &str, message: impl Into<String>) -> Res<T> {
        Err(ImportError::new(self.at(node, path), message))
    }
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name(name))
}

fn children<'a, 'i>(n: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    n.children().filter(move |c| c.has_tag_name(name))
}

/// The text of `<name><text>…</text></name>` (or of the element itself).
fn text_of(n: Node) -> String {
    let t = child(n, "text").unwrap_or(n);
    t.children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect::<String>()
}

/// The largest image kept from a question file (base64 characters, ~2 MB).
const MAX_IMAGE_BASE64: usize = 2_800_000;

/// The images that come with a text element (`<file name="…" encoding="base64">`),
/// as data URLs for its `@@PLUGINFILE@@/name` references.
fn files(n: Node) -> Vec<(String, String)> {
    children(n, "file")
        .filter(|f| f.attribute("encoding") == Some("base64"))
        .filter_map(|f| {
            let name = f.attribute("name")?.to_owned();
            let ext = name.rsplit('.').next()?.to_ascii_lowercase();
            let mime = match ext.as_str() {
                "png" => "png",
                "jpg" | "jpeg" => "jpeg",
                "gif" => "gif",
                "webp" => "webp",
                _ => return None,
            };
            let data: String = f
                .text()
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let ok = !data.is_empty()
                && data.len() <= MAX_IMAGE_BASE64
                && data
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
            // Known by its path in the question's files: `pics/dot.png` for
            // path="/pics/", `dot.png` at the top ("/").
            let dir = f.attribute("path").unwrap_or("/").trim_matches('/');
            let key = if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            };
            ok.then(|| (key, format!("data:image/{mime};base64,{data}")))
        })
        .collect()
}

/// `%20` and friends in a file reference.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Text in the element's declared format, as stored (HTML becomes plain text,
/// with the images that came with it).
fn formatted(n: Node) -> (String, TextFormat) {
    let raw = text_of(n);
    match n.attribute("format").unwrap_or("html") {
        "html" => {
            let files = files(n);
            let image = |src: &str| {
                let name = percent_decode(src.strip_prefix("@@PLUGINFILE@@/")?);
                files
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, url)| url.clone())
            };
            (html_to_text_with(&raw, &image), TextFormat::Plain)
        }
        "markdown" => (raw.trim().to_owned(), TextFormat::Markdown),
        "moodle_auto_format" => (raw.trim().to_owned(), TextFormat::Moodle),
        _ => (raw.trim().to_owned(), TextFormat::Plain),
    }
}

fn plain(n: Option<Node>) -> Option<String> {
    n.map(|n| formatted(n).0).filter(|t| !t.is_empty())
}

fn number(ctx: &Ctx, n: Node, path: &str, raw: &str, what: &str) -> Res<f64> {
    raw.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map_or_else(
            || {
                ctx.err(
                    n,
                    path,
                    format!("{what}: expected a number, found {:?}", raw.trim()),
                )
            },
            Ok,
        )
}

/// `fraction="…"`, a percentage.
fn fraction(ctx: &Ctx, n: Node, path: &str) -> Res<f64> {
    let raw = n.attribute("fraction").unwrap_or("0");
    let f = number(ctx, n, path, raw, "fraction")?;
    if !(-100.0..=100.0).contains(&f) {
        return ctx.err(
            n,
            path,
            format!("fraction {f}: expected a percentage from -100 to 100"),
        );
    }
    Ok(f)
}

pub fn from_text(src: &str) -> Imported {
    let doc = match crate::xml::parse(src, "not well-formed XML") {
        Ok(d) => d,
        Err(e) => {
            return Imported {
                errors: vec![ImportError::new(Location::line(e.line), e.message)],
                ..Imported::default()
            }
        }
    };
    let ctx = Ctx { doc: &doc };
    let root = doc.root_element();
    // Moodle's own fixtures of one question (the ordering type's tests) are a
    // bare <question> element: read as a quiz of that one question.
    let lone = root.has_tag_name("question");
    if !root.has_tag_name("quiz") && !lone {
        return Imported {
            warnings: vec![],
            items: vec![],
            errors: vec![ImportError::new(
                ctx.at(root, root.tag_name().name()),
                "expected a <quiz> element (a Moodle XML question file)",
            )],
        };
    }
    let mut items = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut category = vec![];
    let questions: Vec<Node> = if lone {
        vec![root]
    } else {
        children(root, "question").collect()
    };
    for (i, q) in questions.into_iter().enumerate() {
        let path = if lone {
            "question".to_owned()
        } else {
            format!("quiz/question[{}]", i + 1)
        };
        let ty = q.attribute("type").unwrap_or("");
        if ty == "category" {
            category = category_path(child(q, "category").map(text_of).as_deref());
            continue;
        }
        if ty == "description" {
            // Moodle's Description: text shown between questions, never scored.
            warnings.push(ImportError::new(
                ctx.at(q, &path),
                "a description (text with nothing to answer) is not a question: left out",
            ));
            continue;
        }
        match read_question(&ctx, q, &path, ty) {
            Ok(mut item) => {
                if let QuestionKind::WeightedChoice {
                    options,
                    multiple: true,
                } = &item.question.kind
                {
                    let sum: f64 = options.iter().map(|o| o.credit.max(0.0)).sum();
                    if sum > 1.0 + 1e-4 {
                        warnings.push(ImportError::new(
                            ctx.at(q, &path),
                            format!(
                                "the right answers add up to {} %: as in Moodle, the score stops at full marks, so fewer of them earn it",
                                (sum * 1e4).round() / 1e2
                            ),
                        ));
                    }
                }
                item.category = category.clone();
                items.push(item);
            }
            Err(e) => errors.push(e),
        }
    }
    if items.is_empty() && errors.is_empty() && warnings.is_empty() {
        errors.push(ImportError::new(
            ctx.at(root, "quiz"),
            "the quiz has no questions",
        ));
    }
    Imported {
        warnings,
        ..Imported::checked(items, errors)
    }
}

fn read_question(ctx: &Ctx, q: Node, path: &str, ty: &str) -> Res<ImportedItem> {
    let title = child(q, "name")
        .map(text_of)
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let Some(qt) = child(q, "questiontext") else {
        return ctx.err(q, path, "expected a <questiontext>");
    };
    let (mut prompt, text_format) = formatted(qt);
    let answers: Vec<(Node, String)> = children(q, "answer")
        .enumerate()
        .map(|(i, a)| (a, format!("{path}/answer[{}]", i + 1)))
        .collect();
    let feedback = |a: Node| plain(child(a, "feedback"));
    let kind = match ty {
        "multichoice" => {
            let single = child(q, "single").map(text_of).map(|s| s.trim().to_owned());
            let single = !matches!(single.as_deref(), Some("false") | Some("0"));
            let mut choices = Vec::new();
            for (a, p) in &answers {
                choices.push((formatted(*a).0, fraction(ctx, *a, p)?, feedback(*a)));
            }
            if choices.len() < 2 {
                return ctx.err(q, path, "a multichoice question needs at least 2 <answer>s");
            }
            if single {
                choice_kind(&choices)
            } else {
                QuestionKind::WeightedChoice {
                    options: choices
                        .into_iter()
                        .enumerate()
                        .map(|(i, (text, w, f))| ScoredOption {
                            id: option_id(i),
                            text,
                            credit: w / 100.0,
                            feedback: f,
                        })
                        .collect(),
                    multiple: true,
                }
            }
        }
        "truefalse" => {
            let mut correct = None;
            for (a, p) in &answers {
                let word = text_of(*a).trim().to_lowercase();
                let f = fraction(ctx, *a, p)?;
                if f == 100.0 {
                    correct = match word.as_str() {
                        "true" => Some(true),
                        "false" => Some(false),
                        _ => return ctx.err(*a, p, "a true/false answer is \"true\" or \"false\""),
                    };
                }
            }
            match correct {
                Some(correct) => QuestionKind::TrueFalse { correct },
                None => return ctx.err(q, path, "no answer has fraction=\"100\""),
            }
        }
        "shortanswer" => {
            let case_sensitive = child(q, "usecase").map(text_of).is_some_and(|u| u.trim() == "1");
            let mut list = Vec::new();
            for (a, p) in &answers {
                list.push(TextAnswer {
                    pattern: text_of(*a).trim().to_owned(),
                    credit: fraction(ctx, *a, p)? / 100.0,
                    feedback: feedback(*a),
                });
            }
            if list.iter().all(|a| a.credit == 1.0 && a.feedback.is_none()) && !list.is_empty() {
                QuestionKind::ShortText {
                    accepted: list.into_iter().map(|a| a.pattern).collect(),
                    case_sensitive,
                }
            } else {
                QuestionKind::TextSet {
                    answers: list,
                    case_sensitive,
                }
            }
        }
        "numerical" => {
            let mut list = Vec::new();
            for (a, p) in &answers {
                // Moodle's catch-all `*` ("any other number"): worth 0 % it
                // scores as a number matching nothing does, so it is left out
                // (its feedback with it); worth more, it has no Examhall form.
                if text_of(*a).trim() == "*" {
                    let w = fraction(ctx, *a, p)?;
                    if w == 0.0 {
                        continue;
                    }
                    return ctx.err(
                        *a,
                        p,
                        format!(
                            "a catch-all answer (*) worth {w} % is not supported: credit is given only to numbers within an answer's tolerance"
                        ),
                    );
                }
                let value = number(ctx, *a, p, &text_of(*a), "answer")?;
                let tol = match child(*a, "tolerance") {
                    Some(t) => number(ctx, t, &format!("{p}/tolerance"), &text_of(t), "tolerance")?.abs(),
                    None => 0.0,
                };
                list.push((value, tol, fraction(ctx, *a, p)?, feedback(*a)));
            }
            numeric_kind(&list)
        }
        "calculated" | "calculatedsimple" | "calculatedmulti" => {
            calculated(ctx, q, path, ty, &answers)?
        }
        "essay" => QuestionKind::Essay {
            guidance: plain(child(q, "graderinfo")),
        },
        "matching" => {
            let mut pairs = Vec::new();
            let mut distractors = Vec::new();
            for (i, s) in children(q, "subquestion").enumerate() {
                let p = format!("{path}/subquestion[{}]", i + 1);
                let item = formatted(s).0;
                let Some(ans) = child(s, "answer") else {
                    return ctx.err(s, &p, "expected an <answer> in the subquestion");
                };
                let answer = text_of(ans).trim().to_owned();
                if item.is_empty() {
                    distractors.push(answer);
                } else {
                    pairs.push(MatchPair {
                        id: format!("m{}", pairs.len() + 1),
                        prompt: item,
                        answer,
                    });
                }
            }
            QuestionKind::Matching {
                pairs,
                distractors,
                scores: None,
            }
        }
        "ordering" => {
            let grading = child(q, "gradingtype").map(text_of).unwrap_or_default();
            QuestionKind::Ordering {
                items: answers
                    .iter()
                    .enumerate()
                    .map(|(i, (a, _))| ChoiceOption {
                        id: crate::items::opaque_id(path, i),
                        text: formatted(*a).0,
                    })
                    .collect(),
                scoring: if grading.trim() == "ABSOLUTE_POSITION" {
                    OrderScoring::ByPosition
                } else {
                    OrderScoring::Exact
                },
            }
        }
        "cloze" => {
            let raw = text_of(qt);
            let parts = cloze_parts(&raw).map_err(|m| ImportError::new(ctx.at(qt, &format!("{path}/questiontext")), m))?;
            prompt = String::new();
            QuestionKind::Cloze { parts }
        }
        // Select missing words and drag-and-drop into text: [[n]] in the text is a
        // gap whose right answer is choice n, offered with the choices of its group.
        "gapselect" | "ddwtos" => {
            let tag = if ty == "gapselect" {
                "selectoption"
            } else {
                "dragbox"
            };
            let choices: Vec<(String, String)> = children(q, tag)
                .map(|c| {
                    (
                        child(c, "text").map(text_of).unwrap_or_default().trim().to_owned(),
                        child(c, "group")
                            .map(text_of)
                            .unwrap_or_default()
                            .trim()
                            .to_owned(),
                    )
                })
                .collect();
            let raw = text_of(qt);
            let parts = gap_choice_parts(&raw, &choices).map_err(|m| {
                ImportError::new(ctx.at(qt, &format!("{path}/questiontext")), m)
            })?;
            prompt = String::new();
            QuestionKind::Cloze { parts }
        }
        "" => return ctx.err(q, path, "a <question> needs a type attribute"),
        other => {
            return ctx.err(
                q,
                path,
                format!("question type {other:?} is not one Examhall supports (multichoice, truefalse, shortanswer, numerical, calculated, calculatedsimple, calculatedmulti, essay, matching, ordering, cloze, gapselect, ddwtos)"),
            )
        }
    };
    // Moodle's cloze import takes the marks from the gaps (their weights add
    // up to the question's mark) and ignores <defaultgrade>.
    let cloze_marks = match &kind {
        QuestionKind::Cloze { parts } if ty == "cloze" => Some(
            parts
                .iter()
                .map(|p| match p {
                    ClozePart::Gap(g) => g.weight,
                    ClozePart::Text { .. } => 0.0,
                })
                .sum::<f64>(),
        ),
        _ => None,
    };
    let marks = match child(q, "defaultgrade") {
        _ if cloze_marks.is_some() => cloze_marks.unwrap_or(1.0),
        Some(g) => number(
            ctx,
            g,
            &format!("{path}/defaultgrade"),
            &text_of(g),
            "defaultgrade",
        )?,
        None => 1.0,
    };
    let tags = child(q, "tags")
        .map(|t| {
            children(t, "tag")
                .map(|t| text_of(t).trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let line = ctx.doc.text_pos_at(q.range().start).row;
    let mut question = question(make_id(title.as_deref(), &format!("q{line}")), prompt, kind);
    question.marks = marks;
    Ok(ImportedItem {
        location: ctx.at(q, path),
        category: vec![],
        title,
        tags,
        text_format,
        general_feedback: plain(child(q, "generalfeedback")),
        question,
    })
}

/// Moodle's calculated types: the datasets become variables (the attempt's
/// variant picks one item of each, as Moodle's variants do; a dataset without
/// items draws from its range), the answers formulas (calculated, calculatedsimple)
/// or options with `{=formula}` in their text (calculatedmulti). Units are not
/// read: the candidate answers the number.
fn calculated(
    ctx: &Ctx,
    q: Node,
    path: &str,
    ty: &str,
    answers: &[(Node, String)],
) -> Res<QuestionKind> {
    use examhall_domain::{CalculatedAnswer, Draw, FormulaAnswer, FormulaOption, Variable};
    let mut vars = Vec::new();
    let defs: Vec<Node> = child(q, "dataset_definitions")
        .map(|d| children(d, "dataset_definition").collect())
        .unwrap_or_default();
    for (i, d) in defs.iter().enumerate() {
        let p = format!("{path}/dataset_definitions/dataset_definition[{}]", i + 1);
        let name = child(*d, "name")
            .map(text_of)
            .unwrap_or_default()
            .trim()
            .to_owned();
        let items: Vec<f64> = match child(*d, "dataset_items") {
            Some(list) => children(list, "dataset_item")
                .map(|it| {
                    let v = child(it, "value").map(text_of).unwrap_or_default();
                    number(ctx, it, &format!("{p}/dataset_items"), &v, "value")
                })
                .collect::<Res<_>>()?,
            None => vec![],
        };
        let draw = if items.is_empty() {
            let field = |f: &str| -> Res<f64> {
                let n = child(*d, f);
                let raw = n.map(text_of).unwrap_or_default();
                number(ctx, n.unwrap_or(*d), &format!("{p}/{f}"), &raw, f)
            };
            Draw::Decimal {
                min: field("minimum")?,
                max: field("maximum")?,
                decimals: field("decimals").unwrap_or(0.0).clamp(0.0, 9.0) as u32,
            }
        } else {
            Draw::Items { values: items }
        };
        vars.push(Variable { name, draw });
    }
    let tolerance = |a: Node, p: &str| -> Res<Tolerance> {
        let t = match child(a, "tolerance") {
            Some(t) => number(ctx, t, &format!("{p}/tolerance"), &text_of(t), "tolerance")?.abs(),
            None => 0.0,
        };
        let kind = child(a, "tolerancetype").map(text_of).unwrap_or_default();
        Ok(match (t, kind.trim()) {
            (0.0, _) => Tolerance::Exact,
            // 2: nominal (±t); 1 (relative) and 3 (geometric, nearly relative for
            // small t): a share of the value.
            (t, "2") => Tolerance::Absolute(t),
            (t, _) => Tolerance::Relative(t),
        })
    };
    let answer = if ty == "calculatedmulti" {
        let single = child(q, "single").map(text_of).map(|s| s.trim().to_owned());
        let multiple = matches!(single.as_deref(), Some("false") | Some("0"));
        let mut options = Vec::new();
        for (i, (a, p)) in answers.iter().enumerate() {
            options.push(FormulaOption {
                id: option_id(i),
                text: formatted(*a).0,
                credit: fraction(ctx, *a, p)? / 100.0,
                feedback: plain(child(*a, "feedback")),
            });
        }
        CalculatedAnswer::Choice { options, multiple }
    } else {
        let mut list = Vec::new();
        for (a, p) in answers {
            let formula = text_of(*a).trim().to_owned();
            let credit = fraction(ctx, *a, p)? / 100.0;
            // The catch-all "*" worth nothing: as for numerical questions.
            if formula == "*" && credit == 0.0 {
                continue;
            }
            list.push(FormulaAnswer {
                formula,
                tolerance: tolerance(*a, p)?,
                credit,
                feedback: plain(child(*a, "feedback")),
            });
        }
        CalculatedAnswer::Numeric { answers: list }
    };
    Ok(QuestionKind::Calculated {
        vars,
        answer,
        constraints: vec![],
    })
}

/// Moodle's gapselect and ddwtos text: `[[n]]` is a gap whose right answer is
/// choice n (1-based), offered among the choices of the same group; every gap
/// weighs the same, as Moodle scores them.
fn gap_choice_parts(raw: &str, choices: &[(String, String)]) -> Result<Vec<ClozePart>, String> {
    let mut parts = Vec::new();
    let mut rest = raw;
    let mut n = 0;
    while let Some(open) = rest.find("[[") {
        let Some(close) = rest[open..].find("]]").map(|c| open + c) else {
            break;
        };
        let label = &rest[open + 2..close];
        let Ok(k) = label.trim().parse::<usize>() else {
            // Not a gap: literal brackets in the text.
            parts.push(ClozePart::Text {
                text: html_to_text(&rest[..close + 2]),
            });
            rest = &rest[close + 2..];
            continue;
        };
        let before = html_to_text(&rest[..open]);
        if !before.is_empty() {
            parts.push(ClozePart::Text { text: before });
        }
        n += 1;
        let Some((_, group)) = choices.get(k.wrapping_sub(1)) else {
            return Err(format!(
                "gap {n}: [[{k}]] names choice {k}, but there are {} choices",
                choices.len()
            ));
        };
        let options: Vec<ScoredOption> = choices
            .iter()
            .enumerate()
            .filter(|(_, (_, g))| g == group)
            .map(|(i, (text, _))| ScoredOption {
                id: option_id(i),
                text: text.clone(),
                credit: if i + 1 == k { 1.0 } else { 0.0 },
                feedback: None,
            })
            .collect();
        parts.push(ClozePart::Gap(Gap {
            id: format!("g{n}"),
            weight: 1.0,
            kind: GapKind::Choice { options },
        }));
        rest = &rest[close + 2..];
    }
    if n == 0 {
        return Err("no [[n]] gap in the text: nothing to answer".into());
    }
    let tail = html_to_text(rest);
    if !tail.is_empty() {
        parts.push(ClozePart::Text { text: tail });
    }
    Ok(parts)
}

/// Moodle's embedded answers: `{weight:TYPE:answers}` in the question text.
fn cloze_parts(raw: &str) -> Result<Vec<ClozePart>, String> {
    let text = raw;
    let mut parts = Vec::new();
    let mut rest = text;
    let mut n = 0;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            return Err("an embedded answer opened with { is not closed with }".into());
        };
        let body = &rest[open + 1..close];
        let mut fields = body.splitn(3, ':');
        let (w, ty, answers) = (fields.next(), fields.next(), fields.next());
        let before = html_to_text(&rest[..open]);
        let Some((ty, answers)) = ty.zip(answers) else {
            // Not an embedded answer: literal braces in the text.
            parts.push(ClozePart::Text {
                text: html_to_text(&rest[..close + 1]),
            });
            rest = &rest[close + 1..];
            continue;
        };
        if !before.is_empty() {
            parts.push(ClozePart::Text { text: before });
        }
        n += 1;
        let weight = match w.unwrap_or("").trim() {
            "" => 1.0,
            w => w
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x > 0.0)
                .ok_or_else(|| format!("gap {n}: weight {w:?} is not a positive number"))?,
        };
        let ty = ty.trim();
        let answers: Vec<(f64, &str, Option<String>)> = answers
            .split('~')
            .filter(|a| !a.trim().is_empty())
            .map(|a| {
                let a = a.trim();
                let (credit, a) = if let Some(r) = a.strip_prefix('=') {
                    (100.0, r)
                } else if let Some(r) = a.strip_prefix('%') {
                    let end = r
                        .find('%')
                        .ok_or_else(|| format!("gap {n}: a % weight is not closed"))?;
                    let pct: f64 = r[..end]
                        .parse()
                        .map_err(|_| format!("gap {n}: weight %{}% is not a number", &r[..end]))?;
                    (pct, &r[end + 1..])
                } else {
                    (0.0, a)
                };
                let (a, fb) = match a.split_once('#') {
                    Some((a, f)) => (a, Some(html_to_text(f)).filter(|f| !f.is_empty())),
                    None => (a, None),
                };
                Ok((credit / 100.0, a, fb))
            })
            .collect::<Result<_, String>>()?;
        let kind = match ty {
            "SHORTANSWER" | "SA" | "MW" | "SHORTANSWER_C" | "SAC" | "MWC" => GapKind::Text {
                answers: answers
                    .iter()
                    .map(|(c, a, f)| TextAnswer {
                        pattern: html_to_text(a),
                        credit: *c,
                        feedback: f.clone(),
                    })
                    .collect(),
                case_sensitive: ty.ends_with('C'),
            },
            "NUMERICAL" | "NM" => GapKind::Numeric {
                answers: answers
                    .iter()
                    .map(|(c, a, f)| {
                        let (v, t) = a.split_once(':').unwrap_or((a, "0"));
                        let value = v.trim().parse::<f64>().ok().filter(|x| x.is_finite());
                        let tol = t.trim().parse::<f64>().ok().filter(|x| x.is_finite());
                        match (value, tol) {
                            (Some(value), Some(t)) => Ok(NumericAnswer {
                                value,
                                tolerance: if t == 0.0 {
                                    Tolerance::Exact
                                } else {
                                    Tolerance::Absolute(t.abs())
                                },
                                credit: *c,
                                feedback: f.clone(),
                            }),
                            _ => Err(format!("gap {n}: {a:?} is not value or value:tolerance")),
                        }
                    })
                    .collect::<Result<_, _>>()?,
            },
            // MULTIRESPONSE and its layouts (MR, MRH, MRS…): tick several.
            t if t.starts_with("MULTIRESPONSE") || t.starts_with("MR") => GapKind::Choices {
                options: answers
                    .iter()
                    .enumerate()
                    .map(|(i, (c, a, f))| ScoredOption {
                        id: option_id(i),
                        text: html_to_text(a),
                        credit: *c,
                        feedback: f.clone(),
                    })
                    .collect(),
            },
            t if t.starts_with("MULTICHOICE") || t.starts_with("MC") => GapKind::Choice {
                options: answers
                    .iter()
                    .enumerate()
                    .map(|(i, (c, a, f))| ScoredOption {
                        id: option_id(i),
                        text: html_to_text(a),
                        credit: *c,
                        feedback: f.clone(),
                    })
                    .collect(),
            },
            other => {
                return Err(format!(
                    "gap {n}: embedded type {other:?} is not supported (SHORTANSWER, SHORTANSWER_C, NUMERICAL, MULTICHOICE, MULTIRESPONSE and their variants)"
                ))
            }
        };
        parts.push(ClozePart::Gap(Gap {
            id: format!("g{n}"),
            weight,
            kind,
        }));
        rest = &rest[close + 1..];
    }
    let tail = html_to_text(rest);
    if !tail.is_empty() {
        parts.push(ClozePart::Text { text: tail });
    }
    Ok(parts)
}
