//! IMS QTI 2.1: single items (an `assessmentItem` XML document) and content
//! packages (a zip with `imsmanifest.xml`), read into Examhall's questions and
//! written back out.
//!
//! # Reading
//!
//! One item is one question; it must hold exactly one interaction:
//!
//! | interaction | question |
//! |---|---|
//! | `choiceInteraction`, one pick (single cardinality or `maxChoices="1"`) | single choice; weighted single choice under `map_response` or several scored rules; true/false when the two choices are `true` and `false` |
//! | `choiceInteraction`, several picks | multiple response, all-or-nothing (`match_correct`); weighted multiple response (`map_response`, credit = mapped value / highest reachable score); multiple response with partial credit when the mapping is exactly Examhall's partial rule (right +1/k, wrong −1/(n−k), `lowerBound="0"`) |
//! | `textEntryInteraction`, baseType `string` | short text (every answer full marks) or weighted short text; case-sensitive per `mapEntry@caseSensitive` (true when absent), and always for `match` |
//! | `textEntryInteraction`, baseType `float`/`integer` | numeric / several numeric answers; tolerances from `equal` (absolute, or relative in percent) |
//! | `extendedTextInteraction` | essay (its scoring rules, if any, are ignored: a teacher marks it; a `rubricBlock` for the `scorer` view is its marking guidance) |
//! | `orderInteraction` | ordering, scored as a whole (`match_correct`) |
//! | `matchInteraction`, `associateInteraction` | matching: set 1 (or the first of each pair) are the items, set 2 the answers; answers in no right pair are distractors |
//!
//! Every other interaction (hotspot, slider, gap match, inline choice, upload,
//! drawing…) is an error of its own, never dropped silently.
//!
//! Scoring is read from `responseProcessing`: the templates `match_correct` and
//! `map_response` (any URI or file name ending so), or rules that reduce to
//! them: `setOutcomeValue SCORE` to `mapResponse` (optionally after an `isNull`
//! check), or a `responseIf`/`responseElseIf` chain whose conditions are `match`,
//! `stringMatch` or `equal` of the response against its `correct` value or a
//! `baseValue`, each setting SCORE to a constant (the else branch, if any, to 0).
//! Anything else is an error naming the element that cannot be reduced. An item
//! without `responseProcessing` is read as the template its declaration implies
//! (`map_response` when there is a mapping, else `match_correct`).
//!
//! Examhall scores a matching question per pair; QTI's `match_correct` on a
//! match interaction is all or nothing, so such items are imported with the
//! more lenient per-pair credit. A `map_response` on pairs is imported only when
//! every right pair is worth the same.
//!
//! Marks are the SCORE outcome's `normalMaximum`, else the highest score the
//! rules can give (1 for `match_correct`). Credits are that score's share,
//! rounded to 9 decimals. The prompt is plain text ([`TextFormat::Plain`]):
//! paragraphs separated by blank lines, `<br/>` as a line break, list items on
//! lines of their own, images as `[image: alt text]`, a text entry inside a
//! sentence as `_____`; feedback and rubric blocks are left out. Option ids are
//! the file's identifiers (for an ordering question they may give the order
//! away, as they do in the file). The question id is the item's identifier when
//! it is a valid id, else a slug of it ([`make_id`]); a title that only repeats
//! the identifier is no title.
//!
//! # Writing
//!
//! [`to_qti_package`] writes a content package: `imsmanifest.xml` and
//! `items/<id>.xml` per question, in the forms the reader above reads back to
//! the same question ([`to_qti_item`] writes one item). Scores are in marks
//! (`normalMaximum` is the question's marks, mapped values are credit × marks).
//! Tolerances are written as custom `equal` rules (`toleranceMode` absolute or
//! relative); several numeric answers as a rule chain, best credit first.
//! Partial multiple response is written as the equivalent `map_response`.
//! Refused, with an error naming the question: cloze, ordering by position,
//! HTML prompts, feedback (general or per answer), and short answers using the
//! `*` wildcard. Categories, tags and penalties are not part of QTI and are left
//! out. Option ids that are not QTI identifiers are renamed a, b, c….

use crate::export::ExportError;
use crate::items::{
    make_id, option_id, question, ImportError, Imported, ImportedItem, Location, TextFormat,
};
use examhall_domain::{
    ChoiceOption, MatchPair, MultiScoring, NumericAnswer, OrderScoring, PairPenalty, PairScores,
    QuestionId, QuestionKind, ScoredOption, TextAnswer, Tolerance,
};
use roxmltree::{Document, Node};
use std::collections::BTreeSet;
use std::io::{Cursor, Read, Write};

/// The most a package may unpack to, in all.
pub const MAX_PACKAGE_BYTES: u64 = 50 * 1024 * 1024;
/// The most files a package may hold.
pub const MAX_PACKAGE_ENTRIES: usize = 10_000;

const NS_QTI: &str = "http://www.imsglobal.org/xsd/imsqti_v2p1";
const TEMPLATE_MATCH: &str = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct";
const TEMPLATE_MAP: &str = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response";
/// Where a text entry sits in a sentence, while the text is collected.
const GAP_MARK: char = '\u{E000}';
const GAP: &str = "_____";

const SUPPORTED: [&str; 6] = [
    "choiceInteraction",
    "textEntryInteraction",
    "extendedTextInteraction",
    "orderInteraction",
    "matchInteraction",
    "associateInteraction",
];

type N<'a> = Node<'a, 'a>;
type R<T> = Result<T, ImportError>;

// ---------------------------------------------------------------- reading ---

/// One `assessmentItem` document (an `assessmentTest` or a manifest is an error
/// saying to import the package instead).
pub fn from_text(src: &str) -> Imported {
    let (items, errors) = read_file(src, None, "q1", &|_| None);
    Imported::checked(items, errors)
}

/// A content package: the items its `imsmanifest.xml` lists, each located by
/// its file name and element path (`items/q1.xml: assessmentItem[…]/…`).
pub fn from_package(bytes: &[u8]) -> Imported {
    let mut files: Vec<String> = vec!["imsmanifest.xml".into()];
    let mut errors: Vec<(usize, ImportError)> = vec![];
    let mut items = vec![];
    read_package(bytes, &mut files, &mut items, &mut errors);
    let checked = Imported::checked(items, vec![]);
    for e in checked.errors {
        let at = e.location.path.as_deref().unwrap_or("");
        let file = files
            .iter()
            .position(|f| at.starts_with(&format!("{f}: ")))
            .unwrap_or(0);
        errors.push((file, e));
    }
    errors.sort_by_key(|(file, e)| (*file, e.location.line.unwrap_or(0)));
    Imported {
        items: checked.items,
        errors: errors.into_iter().map(|(_, e)| e).collect(),
        warnings: checked.warnings,
    }
}

fn package_error(path: &str, message: impl Into<String>) -> (usize, ImportError) {
    (0, ImportError::new(Location::path(path), message))
}

fn read_package(
    bytes: &[u8],
    files: &mut Vec<String>,
    items: &mut Vec<ImportedItem>,
    errors: &mut Vec<(usize, ImportError)>,
) {
    let mut zip = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(z) => z,
        Err(e) => {
            errors.push(package_error(
                "package",
                format!("not a readable zip file ({e}); a QTI content package is a zip with imsmanifest.xml"),
            ));
            return;
        }
    };
    if zip.len() > MAX_PACKAGE_ENTRIES {
        errors.push(package_error(
            "package",
            format!(
                "the package holds {} files; more than {MAX_PACKAGE_ENTRIES} are refused",
                zip.len()
            ),
        ));
        return;
    }
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        match zip.by_index_raw(i) {
            Ok(entry) => declared = declared.saturating_add(entry.size()),
            Err(e) => {
                errors.push(package_error("package", format!("file {}: {e}", i + 1)));
                return;
            }
        }
    }
    if declared > MAX_PACKAGE_BYTES {
        errors.push(package_error(
            "package",
            format!(
                "the package unpacks to {declared} bytes; more than {MAX_PACKAGE_BYTES} are refused"
            ),
        ));
        return;
    }
    let mut budget = MAX_PACKAGE_BYTES;

    // The manifest at the top, or in the shallowest folder (a zipped folder).
    let manifest_name = if zip.index_for_name("imsmanifest.xml").is_some() {
        Some("imsmanifest.xml".to_owned())
    } else {
        zip.file_names()
            .filter(|n| n.ends_with("/imsmanifest.xml") && !n.contains(".."))
            .min_by_key(|n| (n.matches('/').count(), n.len()))
            .map(str::to_owned)
    };
    let Some(manifest_name) = manifest_name else {
        errors.push(package_error(
            "imsmanifest.xml",
            "the package has no imsmanifest.xml: it is not an IMS content package",
        ));
        return;
    };
    files[0] = manifest_name.clone();
    let base = manifest_name
        .rsplit_once('/')
        .map(|(dir, _)| format!("{dir}/"))
        .unwrap_or_default();
    let text = match read_entry(&mut zip, &manifest_name, &mut budget) {
        Ok(t) => t,
        Err(msg) => {
            errors.push(package_error(&manifest_name, msg));
            return;
        }
    };
    let doc = match parse_xml(&text) {
        Ok(d) => d,
        Err(e) => {
            errors.push((
                0,
                ImportError::new(
                    Location {
                        line: Some(e.line),
                        path: Some(manifest_name.clone()),
                    },
                    e.message,
                ),
            ));
            return;
        }
    };
    let mf = File {
        doc: &doc,
        name: Some(&manifest_name),
        images: &|_| None,
    };
    let root = doc.root_element();
    if local(root) != "manifest" {
        errors.push((
            0,
            mf.err(
                root,
                format!("expected a <manifest>, found <{}>", local(root)),
            ),
        ));
        return;
    }
    let mut seen = BTreeSet::new();
    let resources = root
        .descendants()
        .filter(|n| n.is_element() && local(*n) == "resource")
        .filter(|n| n.parent_element().is_some_and(|p| local(p) == "resources"));
    for res in resources {
        let href = res.attribute("href").unwrap_or("").trim();
        let kind = res.attribute("type").unwrap_or("").trim();
        let what = if href.is_empty() {
            format!("resource {:?}", res.attribute("identifier").unwrap_or(""))
        } else {
            href.to_owned()
        };
        if !kind.starts_with("imsqti_item_xmlv2") {
            let why = if kind.starts_with("imsqti_test_xmlv2") {
                "an assessment test: its sections, order and time limits are not imported (its items are read from their own resources)".to_owned()
            } else {
                format!("a resource of type {kind:?}, not a QTI 2.1 item (imsqti_item_xmlv2p1); not imported")
            };
            errors.push((0, mf.err(res, format!("{what}: {why}"))));
            continue;
        }
        if href.is_empty() {
            errors.push((
                0,
                mf.err(res, format!("{what}: the item resource has no href")),
            ));
            continue;
        }
        let name = match resolve_href(&base, href) {
            Ok(n) => n,
            Err(msg) => {
                errors.push((0, mf.err(res, format!("{href}: {msg}"))));
                continue;
            }
        };
        if !seen.insert(name.clone()) {
            continue;
        }
        if zip.index_for_name(&name).is_none() {
            errors.push((
                0,
                mf.err(
                    res,
                    format!("{name}: the manifest lists it but it is not in the package"),
                ),
            ));
            continue;
        }
        let src = match read_entry(&mut zip, &name, &mut budget) {
            Ok(t) => t,
            Err(msg) => {
                files.push(name.clone());
                errors.push((
                    files.len() - 1,
                    ImportError::new(Location::path(&name), msg),
                ));
                continue;
            }
        };
        files.push(name.clone());
        let file_index = files.len() - 1;
        let stem = name
            .rsplit('/')
            .next()
            .unwrap_or(&name)
            .trim_end_matches(".xml");
        let fallback = make_id(Some(stem), &format!("q{file_index}"));
        // The item's images, read from the package within the same budget.
        let dir = name.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
        let mut images: std::collections::BTreeMap<String, String> = Default::default();
        if let Ok(doc) = parse_xml(&src) {
            for img in doc.descendants().filter(|n| local(*n) == "img") {
                let Some(href) = img.attribute("src") else {
                    continue;
                };
                if images.contains_key(href) {
                    continue;
                }
                let Ok(path) = resolve_href(&dir, href) else {
                    continue;
                };
                if let Some(url) = read_image(&mut zip, &path, &mut budget) {
                    images.insert(href.to_owned(), url);
                }
            }
        }
        let resolve = |src: &str| images.get(src).cloned();
        let (mut got, mut errs) = read_file(&src, Some(&name), fallback.as_str(), &resolve);
        errs.sort_by_key(|e| e.location.line.unwrap_or(0));
        items.append(&mut got);
        errors.extend(errs.into_iter().map(|e| (file_index, e)));
    }
}

/// The largest image kept from a package (bytes).
const MAX_IMAGE_BYTES: u64 = 2 * 1024 * 1024;

/// A package's image (PNG, JPEG, GIF, WebP; not SVG, which can hold scripts) as a
/// data URL, or None if it is missing, of another type or too large.
fn read_image(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut u64,
) -> Option<String> {
    use base64::Engine;
    let ext = name.rsplit('.').next()?.to_ascii_lowercase();
    let mime = match ext.as_str() {
        "png" => "png",
        "jpg" | "jpeg" => "jpeg",
        "gif" => "gif",
        "webp" => "webp",
        _ => return None,
    };
    let entry = zip.by_name(name).ok()?;
    if entry.size() > MAX_IMAGE_BYTES || entry.size() > *budget {
        return None;
    }
    let mut bytes = Vec::new();
    entry
        .take(MAX_IMAGE_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    if bytes.len() as u64 > MAX_IMAGE_BYTES {
        return None;
    }
    *budget = budget.saturating_sub(bytes.len() as u64);
    Some(format!(
        "data:image/{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    ))
}

/// A package file's name from a manifest href: relative to the manifest,
/// `%XX` decoded, never outside the package.
fn resolve_href(base: &str, href: &str) -> Result<String, String> {
    let href = href.split(['#', '?']).next().unwrap_or(href);
    if href.contains("://") || href.starts_with('/') || href.starts_with('\\') {
        return Err("expected a path inside the package".into());
    }
    let decoded = percent_decode(&href.replace('\\', "/"));
    let mut parts: Vec<&str> = vec![];
    for p in base.split('/').chain(decoded.split('/')) {
        match p {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("the path leaves the package (..); refused".into());
                }
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err("expected a file name".into());
    }
    Ok(parts.join("/"))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn read_entry(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut u64,
) -> Result<String, String> {
    let entry = zip
        .by_name(name)
        .map_err(|e| format!("cannot be read: {e}"))?;
    if entry.size() > *budget {
        return Err(format!(
            "too large: the package may unpack to at most {MAX_PACKAGE_BYTES} bytes"
        ));
    }
    let mut bytes = Vec::new();
    entry
        .take(*budget + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot be unpacked: {e}"))?;
    if bytes.len() as u64 > *budget {
        return Err(format!(
            "unpacks to more than it declares; the package may unpack to at most {MAX_PACKAGE_BYTES} bytes"
        ));
    }
    *budget -= bytes.len() as u64;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        format!(
            "is not UTF-8 text (byte {} is not); save it as UTF-8",
            e.utf8_error().valid_up_to() + 1
        )
    })
}

fn parse_xml(src: &str) -> Result<Document<'_>, crate::xml::XmlRefusal> {
    crate::xml::parse(src, "the XML is malformed")
}

/// A parsed file, to locate its elements by line and path.
struct File<'a> {
    doc: &'a Document<'a>,
    name: Option<&'a str>,
    /// An image's `src` (relative to this file) as a data URL, when the package
    /// holds it.
    images: &'a dyn Fn(&str) -> Option<String>,
}

impl File<'_> {
    fn line(&self, n: Node) -> usize {
        self.doc.text_pos_at(n.range().start).row as usize
    }

    fn loc(&self, n: Node) -> Location {
        let path = element_path(n);
        Location {
            line: Some(self.line(n)),
            path: Some(match self.name {
                Some(f) => format!("{f}: {path}"),
                None => path,
            }),
        }
    }

    fn err(&self, n: Node, message: impl Into<String>) -> ImportError {
        ImportError::new(self.loc(n), message)
    }
}

fn local<'a>(n: Node<'a, '_>) -> &'a str {
    n.tag_name().name()
}

fn kids<'a>(n: N<'a>) -> impl Iterator<Item = N<'a>> {
    n.children().filter(|c| c.is_element())
}

fn child<'a>(n: N<'a>, name: &str) -> Option<N<'a>> {
    kids(n).find(|c| local(*c) == name)
}

/// `assessmentItem[@identifier='q1']/itemBody/choiceInteraction/simpleChoice[@identifier='B']`:
/// siblings of the same name are told apart by identifier, else by position.
fn element_path(n: Node) -> String {
    let mut segments = vec![];
    let mut cur = Some(n);
    while let Some(e) = cur.filter(|e| e.is_element()) {
        segments.push(segment(e));
        cur = e.parent();
    }
    segments.reverse();
    segments.join("/")
}

fn segment(n: Node) -> String {
    let name = local(n);
    let Some(parent) = n.parent_element() else {
        return match n.attribute("identifier") {
            Some(id) => format!("{name}[@identifier='{id}']"),
            None => name.to_owned(),
        };
    };
    let same: Vec<Node> = parent
        .children()
        .filter(|c| c.is_element() && local(*c) == name)
        .collect();
    if same.len() <= 1 {
        return name.to_owned();
    }
    for attr in ["identifier", "responseIdentifier"] {
        if let Some(v) = n.attribute(attr) {
            if same.iter().filter(|s| s.attribute(attr) == Some(v)).count() == 1 {
                return format!("{name}[@{attr}='{v}']");
            }
        }
    }
    let at = same.iter().position(|s| *s == n).unwrap_or(0) + 1;
    format!("{name}[{at}]")
}

fn read_file(
    src: &str,
    name: Option<&str>,
    fallback: &str,
    images: &dyn Fn(&str) -> Option<String>,
) -> (Vec<ImportedItem>, Vec<ImportError>) {
    let src = src.strip_prefix('\u{FEFF}').unwrap_or(src);
    let doc = match parse_xml(src) {
        Ok(d) => d,
        Err(e) => {
            return (
                vec![],
                vec![ImportError::new(
                    Location {
                        line: Some(e.line),
                        path: name.map(str::to_owned),
                    },
                    e.message,
                )],
            )
        }
    };
    let f = File {
        doc: &doc,
        name,
        images,
    };
    let root = doc.root_element();
    match local(root) {
        "assessmentItem" => match read_item(&f, root, fallback) {
            Ok(item) => (vec![item], vec![]),
            Err(errors) => (vec![], errors),
        },
        "assessmentTest" => (
            vec![],
            vec![f.err(
                root,
                "an assessmentTest refers to item files: import the content package (zip) that holds it and its items",
            )],
        ),
        "manifest" => (
            vec![],
            vec![f.err(
                root,
                "a content package manifest: import the package (zip) itself",
            )],
        ),
        other => (
            vec![],
            vec![f.err(
                root,
                format!("expected an IMS QTI 2.1 assessmentItem, found <{other}>"),
            )],
        ),
    }
}

fn read_item<'a>(
    f: &File<'a>,
    item: N<'a>,
    fallback: &str,
) -> Result<ImportedItem, Vec<ImportError>> {
    let Some(body) = child(item, "itemBody") else {
        return Err(vec![f.err(
            item,
            "expected an itemBody (the question's text and interaction)",
        )]);
    };
    let mut supported = vec![];
    let mut errors = vec![];
    for n in body.descendants().filter(|n| n.is_element()) {
        let name = local(n);
        if SUPPORTED.contains(&name) {
            supported.push(n);
        } else if name.ends_with("Interaction") {
            errors.push(f.err(
                n,
                format!(
                    "{name} is not supported: Examhall has no question type it maps to (expected one of {})",
                    SUPPORTED.join(", ")
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let ix = match supported.as_slice() {
        [] => {
            return Err(vec![f.err(
                body,
                format!(
                    "no interaction: nothing to answer (expected one of {})",
                    SUPPORTED.join(", ")
                ),
            )])
        }
        [one] => *one,
        [_, second, ..] => {
            return Err(vec![f.err(
                *second,
                "a second interaction: Examhall reads items with one interaction (several gaps in one text would be a cloze question, which is not read from QTI)",
            )])
        }
    };
    // Template variables: a calculated question, its values drawn per attempt.
    let template = child(item, "templateDeclaration").is_some();
    let read = if template {
        template_question(f, item, ix, body)
    } else {
        read_question(f, item, ix).map(|(kind, marks)| (kind, marks, prompt_text(f, body)))
    };
    // An adaptive item is run by QTI players over several attempts; Examhall
    // reads one only when its scoring is the plain kind, and says so otherwise.
    let read = read.map_err(|mut e| {
        if item.attribute("adaptive") == Some("true") {
            e.message.push_str(" (this item is adaptive, adaptive=\"true\": Examhall does not run adaptive items, it reads one only when its scoring is plain)");
        }
        e
    });
    read.map_err(|e| vec![e]).map(|(kind, marks, prompt)| {
        let identifier = item.attribute("identifier").unwrap_or("").trim();
        let id = QuestionId::parse(identifier)
            .unwrap_or_else(|| make_id(Some(identifier).filter(|s| !s.is_empty()), fallback));
        let title = item
            .attribute("title")
            .map(str::trim)
            .filter(|t| !t.is_empty() && *t != identifier)
            .map(str::to_owned);
        let mut q = question(id, prompt, kind);
        q.marks = marks;
        q.penalty = else_penalty(item).min(marks);
        ImportedItem {
            location: f.loc(item),
            category: vec![],
            title,
            tags: vec![],
            text_format: TextFormat::Plain,
            general_feedback: None,
            question: q,
        }
    })
}

/// The outcome that holds an item's score: SCORE, or, in an item that declares
/// no SCORE, its one numeric outcome besides MAXSCORE (UPMC's items call it
/// SCORE0; QTI names no score outcome, SCORE is the convention).
fn score_id<'a>(n: N<'a>) -> &'a str {
    let Some(item) = n
        .ancestors()
        .find(|a| a.is_element() && local(*a) == "assessmentItem")
    else {
        return "SCORE";
    };
    let numeric: Vec<&str> = kids(item)
        .filter(|o| {
            local(*o) == "outcomeDeclaration"
                && matches!(o.attribute("baseType"), Some("float" | "integer"))
                && o.attribute("cardinality").unwrap_or("single") == "single"
        })
        .filter_map(|o| o.attribute("identifier"))
        .collect();
    if numeric.contains(&"SCORE") {
        return "SCORE";
    }
    match numeric
        .iter()
        .filter(|i| **i != "MAXSCORE")
        .collect::<Vec<_>>()[..]
    {
        [one] => one,
        _ => "SCORE",
    }
}

/// What a wrong answer loses: the score an item's rules give "every other
/// answer" when it is below 0 (UPMC's items: right 3, else −1). It becomes the
/// question's penalty, which applies when the exam uses negative marking; a
/// blank answer loses nothing in Examhall, where QTI's else would take it off.
fn else_penalty(item: N) -> f64 {
    let Some(rp) = child(item, "responseProcessing") else {
        return 0.0;
    };
    kids(rp)
        .filter(|rc| local(*rc) == "responseCondition")
        .filter_map(|rc| kids(rc).find(|b| local(*b) == "responseElse"))
        .flat_map(kids)
        .filter(|st| {
            local(*st) == "setOutcomeValue" && st.attribute("identifier") == Some(score_id(*st))
        })
        .filter_map(|st| kids(st).next().and_then(|e| constant(e, 0)))
        .filter(|x| *x < 0.0)
        .map(|x| -x)
        .fold(0.0, f64::max)
}

/// The question type and marks of an item's one interaction.
fn read_question<'a>(f: &File<'a>, item: N<'a>, ix: N<'a>) -> R<(QuestionKind, f64)> {
    let normal_max = match kids(item)
        .find(|n| {
            local(*n) == "outcomeDeclaration" && n.attribute("identifier") == Some(score_id(item))
        })
        .and_then(|o| o.attribute("normalMaximum").map(|v| (o, v)))
    {
        None => None,
        Some((o, v)) => match number(v) {
            Some(x) if x > 0.0 => Some(x),
            // QTI 2.2 tools (TAO among them) write 0 for "not given": the
            // marks then come from the processing, as when it is absent.
            Some(0.0) => None,
            _ => {
                return Err(f.err(
                    o,
                    format!("normalMaximum {v:?}: expected a number that is not negative"),
                ))
            }
        },
    };
    let rid = ix
        .attribute("responseIdentifier")
        .ok_or_else(|| f.err(ix, "expected a responseIdentifier attribute"))?;
    let decl_node = kids(item)
        .find(|n| local(*n) == "responseDeclaration" && n.attribute("identifier") == Some(rid))
        .ok_or_else(|| {
            f.err(
                ix,
                format!("expected a responseDeclaration with identifier {rid:?}"),
            )
        })?;
    let decl = read_decl(f, decl_node)?;
    let (kind, max) = match local(ix) {
        "extendedTextInteraction" => {
            // Marking guidance: the rubric blocks shown to the scorer.
            let guidance = item
                .descendants()
                .filter(|n| {
                    local(*n) == "rubricBlock"
                        && n.attribute("view")
                            .is_some_and(|v| v.split_whitespace().any(|v| v == "scorer"))
                })
                .map(|n| flow_text(f, n))
                .filter(|t| !t.trim().is_empty())
                .collect::<Vec<_>>()
                .join("\n\n");
            let guidance = Some(guidance).filter(|g| !g.is_empty());
            (QuestionKind::Essay { guidance }, 1.0)
        }
        name => {
            let scoring = read_scoring(f, item, rid, &decl)?;
            match name {
                "choiceInteraction" => choice(f, ix, &decl, &scoring)?,
                "textEntryInteraction" => text_entry(f, &decl, &scoring)?,
                "orderInteraction" => order(f, ix, &decl, &scoring)?,
                "matchInteraction" => matching(f, ix, &decl, &scoring, false)?,
                _ => matching(f, ix, &decl, &scoring, true)?,
            }
        }
    };
    Ok((kind, normal_max.unwrap_or(max)))
}

fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

fn round9(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

fn clamp(x: f64, lower: Option<f64>, upper: Option<f64>) -> f64 {
    let x = lower.map_or(x, |l| x.max(l));
    upper.map_or(x, |u| x.min(u))
}

struct Decl<'a> {
    node: N<'a>,
    cardinality: &'a str,
    base_type: &'a str,
    correct: Vec<String>,
    correct_node: Option<N<'a>>,
    mapping: Option<Mapping<'a>>,
}

impl<'a> Decl<'a> {
    /// Where to point at the correct response (the declaration if it has none).
    fn correct_at(&self) -> N<'a> {
        self.correct_node.unwrap_or(self.node)
    }
}

struct Mapping<'a> {
    node: N<'a>,
    lower: Option<f64>,
    upper: Option<f64>,
    default: f64,
    entries: Vec<Entry<'a>>,
}

struct Entry<'a> {
    node: N<'a>,
    key: String,
    value: f64,
    case_sensitive: bool,
}

fn bool_attr(f: &File, n: N, name: &str, default: bool) -> R<bool> {
    match n.attribute(name).map(str::trim) {
        None => Ok(default),
        Some("true" | "1") => Ok(true),
        Some("false" | "0") => Ok(false),
        Some(v) => Err(f.err(n, format!("{name} {v:?}: expected true or false"))),
    }
}

fn num_attr(f: &File, n: N, name: &str) -> R<Option<f64>> {
    match n.attribute(name) {
        None => Ok(None),
        Some(v) => number(v)
            .map(Some)
            .ok_or_else(|| f.err(n, format!("{name} {v:?}: expected a number"))),
    }
}

fn read_decl<'a>(f: &File<'a>, d: N<'a>) -> R<Decl<'a>> {
    let mut correct_node = child(d, "correctResponse");
    let mut correct: Vec<String> = correct_node
        .map(|c| {
            kids(c)
                .filter(|v| local(*v) == "value")
                .map(|v| v.text().unwrap_or("").trim().to_owned())
                .collect()
        })
        .unwrap_or_default();
    // A template item may give the correct response in its templateProcessing
    // instead; a constant one (baseValues) is read as if it were declared.
    if correct_node.is_none() {
        let set = d
            .parent()
            .and_then(|item| child(item, "templateProcessing"))
            .and_then(|tp| {
                kids(tp).find(|st| {
                    local(*st) == "setCorrectResponse"
                        && st.attribute("identifier") == d.attribute("identifier")
                })
            });
        if let Some(e) = set.and_then(|st| kids(st).next()) {
            let values: Vec<N> = match local(e) {
                "baseValue" => vec![e],
                "multiple" | "ordered" => kids(e).collect(),
                _ => vec![],
            };
            if !values.is_empty() && values.iter().all(|v| local(*v) == "baseValue") {
                correct = values
                    .iter()
                    .map(|v| v.text().unwrap_or("").trim().to_owned())
                    .collect();
                correct_node = Some(e);
            }
        }
    }
    let mapping = match child(d, "mapping") {
        None => None,
        Some(m) => {
            let mut entries = vec![];
            for e in kids(m).filter(|e| local(*e) == "mapEntry") {
                let key = e
                    .attribute("mapKey")
                    .ok_or_else(|| f.err(e, "expected a mapKey attribute"))?;
                let value = num_attr(f, e, "mappedValue")?
                    .ok_or_else(|| f.err(e, "expected a mappedValue attribute"))?;
                entries.push(Entry {
                    node: e,
                    key: key.trim().to_owned(),
                    value,
                    case_sensitive: bool_attr(f, e, "caseSensitive", true)?,
                });
            }
            Some(Mapping {
                node: m,
                lower: num_attr(f, m, "lowerBound")?,
                upper: num_attr(f, m, "upperBound")?,
                default: num_attr(f, m, "defaultValue")?.unwrap_or(0.0),
                entries,
            })
        }
    };
    Ok(Decl {
        node: d,
        cardinality: d.attribute("cardinality").unwrap_or("single").trim(),
        base_type: d.attribute("baseType").unwrap_or("").trim(),
        correct,
        correct_node,
        mapping,
    })
}

fn mapping<'d, 'a>(f: &File<'a>, decl: &'d Decl<'a>) -> R<&'d Mapping<'a>> {
    decl.mapping.as_ref().ok_or_else(|| {
        f.err(
            decl.node,
            "map_response needs a mapping in the responseDeclaration",
        )
    })
}

/// What a rule compares the response with.
enum Against {
    Correct,
    Value(String),
}

/// How a rule compares.
enum How {
    Match,
    StringMatch { case_sensitive: bool },
    Equal(Tolerance),
}

/// "If the response is X, SCORE is `score`."
struct Branch<'a> {
    against: Against,
    how: How,
    score: f64,
    node: N<'a>,
}

enum Scoring<'a> {
    /// SCORE is the mapped value of the response (`map_response`).
    Map(N<'a>),
    /// The first branch the response satisfies gives SCORE; else 0.
    Rules(Vec<Branch<'a>>, N<'a>),
}

fn match_correct(node: N) -> Scoring {
    Scoring::Rules(
        vec![Branch {
            against: Against::Correct,
            how: How::Match,
            score: 1.0,
            node,
        }],
        node,
    )
}

fn read_scoring<'a>(f: &File<'a>, item: N<'a>, rid: &str, decl: &Decl<'a>) -> R<Scoring<'a>> {
    let implied = || {
        if decl.mapping.is_some() {
            Scoring::Map(decl.node)
        } else {
            match_correct(decl.node)
        }
    };
    let Some(rp) = child(item, "responseProcessing") else {
        return Ok(implied());
    };
    if kids(rp).next().is_some() {
        return parse_rules(f, rp, rid);
    }
    let Some(template) = rp
        .attribute("template")
        .or_else(|| rp.attribute("templateLocation"))
    else {
        return Ok(implied());
    };
    let name = template
        .trim()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .trim_end_matches(".xml");
    match name {
        "match_correct" => Ok(match_correct(rp)),
        "map_response" => Ok(Scoring::Map(rp)),
        "map_response_point" => Err(f.err(
            rp,
            "map_response_point scores points on an image (graphic interactions): Examhall cannot import it",
        )),
        _ => Err(f.err(
            rp,
            format!("unknown response processing template {template:?}: expected match_correct or map_response"),
        )),
    }
}

const CANNOT: &str = "cannot be reduced to match_correct or map_response";

fn sets_score(n: N) -> bool {
    n.descendants().any(|d| {
        d.is_element()
            && matches!(local(d), "setOutcomeValue" | "lookupOutcomeValue")
            && d.attribute("identifier") == Some(score_id(d))
    })
}

fn parse_rules<'a>(f: &File<'a>, rp: N<'a>, rid: &str) -> R<Scoring<'a>> {
    let mut found: Option<Scoring<'a>> = None;
    for st in kids(rp) {
        let this = match local(st) {
            "setOutcomeValue" | "responseCondition" if !sets_score(st) => continue,
            "setOutcomeValue" => match score_expr(f, st, rid)? {
                Score::Map => Scoring::Map(st),
                Score::Const(x) => {
                    return Err(f.err(
                        st,
                        format!("sets SCORE to {x} whatever the answer: {CANNOT}"),
                    ))
                }
            },
            "responseCondition" => {
                let mut branches = vec![];
                match chain(f, st, rid, &mut branches)? {
                    Some((Score::Map, _)) if branches.is_empty() => Scoring::Map(st),
                    Some((Score::Map, at)) => {
                        return Err(f.err(at, format!("mapResponse after other rules {CANNOT}")))
                    }
                    // A negative "else" is a wrong answer's penalty (`else_penalty`).
                    Some((Score::Const(x), at)) if x > 0.0 => {
                        return Err(f.err(
                            at,
                            format!("gives every other answer a score of {x}: {CANNOT}"),
                        ))
                    }
                    _ if branches.is_empty() => {
                        return Err(f.err(
                            st,
                            format!("sets SCORE only for an empty response: {CANNOT}"),
                        ))
                    }
                    _ => Scoring::Rules(branches, st),
                }
            }
            other => {
                return Err(f.err(
                    st,
                    format!("<{other}> {CANNOT} (expected responseCondition or setOutcomeValue)"),
                ))
            }
        };
        if found.is_some() {
            return Err(f.err(
                st,
                format!("a second rule setting SCORE: {CANNOT} (Examhall reads one)"),
            ));
        }
        found = Some(this);
    }
    found.ok_or_else(|| f.err(rp, format!("no rule sets SCORE: {CANNOT}")))
}

enum Score {
    Const(f64),
    Map,
}

fn score_expr(f: &File, sov: N, rid: &str) -> R<Score> {
    let exprs: Vec<N> = kids(sov).collect();
    let [e] = exprs.as_slice() else {
        return Err(f.err(sov, "expected one expression for SCORE"));
    };
    match local(*e) {
        "baseValue" => {
            let v = e.text().unwrap_or("");
            number(v)
                .map(Score::Const)
                .ok_or_else(|| f.err(*e, format!("{v:?}: expected a number")))
        }
        "mapResponse" if e.attribute("identifier") == Some(rid) => Ok(Score::Map),
        // Onyx: SCORE = SCORE + mapResponse, SCORE still at its default of 0.
        "sum"
            if kids(*e).filter(|k| local(*k) == "mapResponse").count() == 1
                && kids(*e).all(|k| {
                    (local(k) == "mapResponse" && k.attribute("identifier") == Some(rid))
                        || constant(k, 0) == Some(0.0)
                }) =>
        {
            Ok(Score::Map)
        }
        other => constant(*e, 0).map(Score::Const).ok_or_else(|| {
            f.err(
                *e,
                format!("SCORE is set to <{other}>: {CANNOT} (expected a baseValue or mapResponse of {rid}, or a sum of constants)"),
            )
        }),
    }
}

/// The value of an expression that does not depend on the answer: a number, an
/// outcome read at its default value (QTI starts numeric outcomes at their
/// `defaultValue`, else 0), or a sum, product or difference of those. Onyx
/// writes a right answer's score as `SCORE = SCORE + MAXSCORE`, with MAXSCORE a
/// constant outcome; only one rule may set SCORE (`parse_rules`), so SCORE there
/// still holds its default.
fn constant(e: N, depth: usize) -> Option<f64> {
    if depth > 8 {
        return None;
    }
    let args = || kids(e).map(|k| constant(k, depth + 1));
    match local(e) {
        "baseValue" => number(e.text().unwrap_or("")),
        "variable" => {
            let id = e.attribute("identifier")?;
            let item = e.ancestors().find(|a| local(*a) == "assessmentItem")?;
            // A template variable that templateProcessing sets once, to a constant.
            if kids(item)
                .any(|d| local(d) == "templateDeclaration" && d.attribute("identifier") == Some(id))
            {
                let sets: Vec<N> = child(item, "templateProcessing")?
                    .descendants()
                    .filter(|st| {
                        local(*st) == "setTemplateValue" && st.attribute("identifier") == Some(id)
                    })
                    .collect();
                let [st] = sets[..] else { return None };
                return constant(kids(st).next()?, depth + 1);
            }
            let decl = kids(item).find(|d| {
                local(*d) == "outcomeDeclaration" && d.attribute("identifier") == Some(id)
            })?;
            if !matches!(decl.attribute("baseType"), Some("float" | "integer")) {
                return None;
            }
            match kids(decl).find(|d| local(*d) == "defaultValue") {
                None => Some(0.0),
                Some(dv) => {
                    let values: Vec<N> = kids(dv).filter(|v| local(*v) == "value").collect();
                    let [v] = values.as_slice() else { return None };
                    number(v.text().unwrap_or(""))
                }
            }
        }
        "sum" => args().sum(),
        "product" => args().product(),
        "subtract" => {
            let v: Option<Vec<f64>> = args().collect();
            match v?.as_slice() {
                [a, b] => Some(a - b),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The score a branch's statements set (0 if they set none).
fn branch_score<'a>(f: &File<'a>, statements: impl Iterator<Item = N<'a>>, rid: &str) -> R<Score> {
    let mut score = None;
    for st in statements {
        match local(st) {
            "setOutcomeValue" if st.attribute("identifier") != Some(score_id(st)) => {}
            "setOutcomeValue" if score.is_none() => score = Some(score_expr(f, st, rid)?),
            other => {
                return Err(f.err(
                    st,
                    format!(
                    "<{other}> in a condition {CANNOT} (expected one setOutcomeValue for SCORE)"
                ),
                ))
            }
        }
    }
    Ok(score.unwrap_or(Score::Const(0.0)))
}

/// Reads a `responseCondition` into `branches`; gives the else branch's score.
/// An else holding just another condition continues the chain.
fn chain<'a>(
    f: &File<'a>,
    rc: N<'a>,
    rid: &str,
    branches: &mut Vec<Branch<'a>>,
) -> R<Option<(Score, N<'a>)>> {
    let mut else_score = None;
    for (i, part) in kids(rc).enumerate() {
        match (local(part), i) {
            ("responseIf", 0) | ("responseElseIf", 1..) if else_score.is_none() => {
                let mut ks = kids(part);
                let Some(cond) = ks.next() else {
                    return Err(f.err(part, "expected a condition"));
                };
                let score = branch_score(f, ks, rid)?;
                if is_null_test(cond, rid) {
                    if !matches!(score, Score::Const(x) if x == 0.0) {
                        return Err(
                            f.err(part, format!("gives an empty response a score: {CANNOT}"))
                        );
                    }
                    continue;
                }
                // Onyx: "if the response is not empty, SCORE = SCORE + mapResponse"
                // is mapResponse itself (an empty response maps to nothing).
                if i == 0 && matches!(score, Score::Map) && is_not_null_test(cond, rid) {
                    else_score = Some((Score::Map, part));
                    continue;
                }
                let (against, how) = test(f, cond, rid)?;
                match score {
                    Score::Const(score) => branches.push(Branch {
                        against,
                        how,
                        score,
                        node: part,
                    }),
                    Score::Map => {
                        return Err(f.err(part, format!("mapResponse inside a condition {CANNOT}")))
                    }
                }
            }
            ("responseElse", 1..) if else_score.is_none() => {
                let statements: Vec<N> = kids(part).collect();
                if let [nested] = statements.as_slice() {
                    if local(*nested) == "responseCondition" {
                        else_score = Some(
                            chain(f, *nested, rid, branches)?
                                .unwrap_or((Score::Const(0.0), *nested)),
                        );
                        continue;
                    }
                }
                else_score = Some((branch_score(f, statements.into_iter(), rid)?, part));
            }
            (other, _) => {
                return Err(f.err(
                    part,
                    format!(
                    "<{other}> here {CANNOT} (expected responseIf, responseElseIf…, responseElse)"
                ),
                ))
            }
        }
    }
    Ok(else_score)
}

fn is_variable(n: N, rid: &str) -> bool {
    local(n) == "variable" && n.attribute("identifier") == Some(rid)
}

fn is_not_null_test(cond: N, rid: &str) -> bool {
    local(cond) == "not"
        && matches!(kids(cond).collect::<Vec<_>>().as_slice(), [n] if is_null_test(*n, rid))
}

fn is_null_test(cond: N, rid: &str) -> bool {
    local(cond) == "isNull"
        && matches!(kids(cond).collect::<Vec<_>>().as_slice(), [v] if is_variable(*v, rid))
}

fn test(f: &File, cond: N, rid: &str) -> R<(Against, How)> {
    let how = match local(cond) {
        "match" => How::Match,
        "stringMatch" => {
            if bool_attr(f, cond, "substring", false)? {
                return Err(f.err(cond, format!("a substring match {CANNOT}")));
            }
            How::StringMatch {
                case_sensitive: bool_attr(f, cond, "caseSensitive", true)?,
            }
        }
        "equal" => {
            if !bool_attr(f, cond, "includeLowerBound", true)?
                || !bool_attr(f, cond, "includeUpperBound", true)?
            {
                return Err(f.err(
                    cond,
                    format!("a tolerance that leaves out its bounds {CANNOT}"),
                ));
            }
            let mode = cond.attribute("toleranceMode").unwrap_or("exact").trim();
            let t = || -> R<f64> {
                let raw = cond.attribute("tolerance").unwrap_or("");
                let values: Vec<Option<f64>> = raw.split_whitespace().map(number).collect();
                match values.as_slice() {
                    [Some(t)] if *t >= 0.0 => Ok(*t),
                    [Some(a), Some(b)] if *a >= 0.0 && a == b => Ok(*a),
                    [Some(_), Some(_)] => Err(f.err(
                        cond,
                        format!("tolerance {raw:?} differs below and above: Examhall's tolerance is the same both ways"),
                    )),
                    _ => Err(f.err(
                        cond,
                        format!("tolerance {raw:?}: expected one or two non-negative numbers"),
                    )),
                }
            };
            How::Equal(match mode {
                "exact" => Tolerance::Exact,
                "absolute" => Tolerance::Absolute(t()?),
                "relative" => Tolerance::Relative((t()? / 100.0 * 1e12).round() / 1e12),
                other => {
                    return Err(f.err(
                        cond,
                        format!("toleranceMode {other:?}: expected exact, absolute or relative"),
                    ))
                }
            })
        }
        other => {
            return Err(f.err(
                cond,
                format!("<{other}> {CANNOT}: expected match, stringMatch or equal of {rid} with its correct value or a baseValue"),
            ))
        }
    };
    let ops: Vec<N> = kids(cond).collect();
    let other = match ops.as_slice() {
        [a, b] if is_variable(*a, rid) => *b,
        [a, b] if is_variable(*b, rid) => *a,
        _ => {
            return Err(f.err(
                cond,
                format!("expected <variable identifier=\"{rid}\"/> and its correct value or a baseValue: {CANNOT}"),
            ))
        }
    };
    let against = match local(other) {
        "correct" if other.attribute("identifier") == Some(rid) => Against::Correct,
        "baseValue" => Against::Value(other.text().unwrap_or("").trim().to_owned()),
        // A container of one value (UPMC's `<multiple><baseValue>Item0…`) is
        // that value: a one-pick response matches it exactly when it is that.
        "multiple" | "ordered"
            if kids(other).count() == 1 && kids(other).all(|v| local(v) == "baseValue") =>
        {
            Against::Value(
                kids(other)
                    .next()
                    .and_then(|v| v.text())
                    .unwrap_or("")
                    .trim()
                    .to_owned(),
            )
        }
        name => {
            return Err(f.err(
                other,
                format!(
                    "<{name}> {CANNOT}: expected <correct identifier=\"{rid}\"/> or a baseValue"
                ),
            ))
        }
    };
    Ok((against, how))
}

/// The value a single-response rule compares with.
fn against_value(f: &File, decl: &Decl, b: &Branch) -> R<String> {
    match &b.against {
        Against::Value(v) => Ok(v.clone()),
        Against::Correct => match decl.correct.as_slice() {
            [v] => Ok(v.clone()),
            [] => Err(f.err(decl.node, "expected a correctResponse")),
            _ => Err(f.err(
                decl.correct_at(),
                "expected one correct value (the response takes one)",
            )),
        },
    }
}

/// The score of "the whole response matches the correct response".
fn whole_match(f: &File, scoring: &Scoring, what: &str) -> R<f64> {
    let (branches, at) = match scoring {
        Scoring::Rules(b, at) => (b, *at),
        Scoring::Map(at) => {
            return Err(f.err(
                *at,
                format!("map_response on {what} cannot be read: Examhall scores {what} as a whole, by matching its correct response (match_correct)"),
            ))
        }
    };
    match branches.as_slice() {
        [b] if matches!(b.against, Against::Correct) && matches!(b.how, How::Match) => {
            if b.score > 0.0 {
                Ok(b.score)
            } else {
                Err(f.err(b.node, "the correct response earns no marks"))
            }
        }
        _ => Err(f.err(
            at,
            format!("these rules {CANNOT}: Examhall scores {what} as a whole, by matching its correct response"),
        )),
    }
}

struct Choice<'a> {
    id: String,
    text: String,
    node: N<'a>,
}

fn choices<'a>(f: &File<'a>, parent: N<'a>, name: &str) -> R<Vec<Choice<'a>>> {
    kids(parent)
        .filter(|c| local(*c) == name)
        .map(|c| {
            let id = c
                .attribute("identifier")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| f.err(c, "expected an identifier attribute"))?;
            Ok(Choice {
                id: id.to_owned(),
                text: flow_text(f, c),
                node: c,
            })
        })
        .collect()
}

fn no_marks(f: &File, at: N) -> ImportError {
    f.err(at, "no answer earns any marks")
}

fn choice<'a>(
    f: &File<'a>,
    ix: N<'a>,
    decl: &Decl<'a>,
    scoring: &Scoring<'a>,
) -> R<(QuestionKind, f64)> {
    let opts = choices(f, ix, "simpleChoice")?;
    if opts.is_empty() {
        return Err(f.err(ix, "expected simpleChoice elements"));
    }
    let max_choices = ix
        .attribute("maxChoices")
        .and_then(|m| m.trim().parse::<u64>().ok())
        .unwrap_or(1);
    let single = decl.cardinality == "single" || max_choices == 1;
    let scoring_at = match scoring {
        Scoring::Map(n) | Scoring::Rules(_, n) => *n,
    };
    if !single {
        if let Scoring::Rules(..) = scoring {
            let score = whole_match(f, scoring, "a multiple choice")?;
            if decl.correct.is_empty() {
                return Err(f.err(decl.node, "expected a correctResponse"));
            }
            for v in &decl.correct {
                if !opts.iter().any(|o| &o.id == v) {
                    return Err(f.err(
                        decl.correct_at(),
                        format!("{v:?} is not one of the choices"),
                    ));
                }
            }
            let kind = QuestionKind::MultipleResponse {
                options: opts
                    .iter()
                    .map(|o| ChoiceOption {
                        id: o.id.clone(),
                        text: o.text.clone(),
                    })
                    .collect(),
                correct: decl.correct.clone(),
                scoring: MultiScoring::AllOrNothing,
            };
            return Ok((kind, score));
        }
        let m = mapping(f, decl)?;
        let raw: Vec<f64> = opts.iter().map(|o| lookup(m, &o.id)).collect();
        let positive: f64 = raw.iter().filter(|r| **r > 0.0).sum();
        if let Some(u) = m.upper {
            if u < positive * (1.0 - 1e-9) {
                return Err(f.err(
                    m.node,
                    format!("upperBound {u} is below what the right choices add up to ({positive}): Examhall's weighted choice needs the right choices to add up to full marks"),
                ));
            }
        }
        if positive <= 0.0 {
            return Err(no_marks(f, m.node));
        }
        let credits: Vec<f64> = raw
            .iter()
            .map(|r| round9((r / positive).max(-1.0)))
            .collect();
        let n = opts.len();
        let k = credits.iter().filter(|c| **c > 0.0).count();
        let partial = m.lower == Some(0.0)
            && k < n
            && credits.iter().all(|c| {
                if *c > 0.0 {
                    (c - 1.0 / k as f64).abs() < 1e-6
                } else {
                    (c + 1.0 / (n - k) as f64).abs() < 1e-6
                }
            });
        let kind = if partial {
            QuestionKind::MultipleResponse {
                options: opts
                    .iter()
                    .map(|o| ChoiceOption {
                        id: o.id.clone(),
                        text: o.text.clone(),
                    })
                    .collect(),
                correct: opts
                    .iter()
                    .zip(&credits)
                    .filter(|(_, c)| **c > 0.0)
                    .map(|(o, _)| o.id.clone())
                    .collect(),
                scoring: MultiScoring::Partial,
            }
        } else {
            weighted(&opts, &credits, true)
        };
        return Ok((kind, m.upper.map_or(positive, |u| u.min(positive))));
    }
    let raw: Vec<f64> = match scoring {
        Scoring::Map(_) => {
            let m = mapping(f, decl)?;
            opts.iter()
                .map(|o| clamp(lookup(m, &o.id), m.lower, m.upper))
                .collect()
        }
        Scoring::Rules(branches, _) => {
            let mut raw = vec![None; opts.len()];
            for b in branches {
                let case_sensitive = match b.how {
                    How::Match => true,
                    How::StringMatch { case_sensitive } => case_sensitive,
                    How::Equal(_) => {
                        return Err(f.err(
                            b.node,
                            "compares a choice with <equal> (for numbers): expected match",
                        ))
                    }
                };
                let v = against_value(f, decl, b)?;
                let at = opts.iter().position(|o| {
                    o.id == v || (!case_sensitive && o.id.to_lowercase() == v.to_lowercase())
                });
                match at {
                    Some(i) => {
                        raw[i].get_or_insert(b.score);
                    }
                    None => {
                        let at = match b.against {
                            Against::Correct => decl.correct_at(),
                            Against::Value(_) => b.node,
                        };
                        return Err(f.err(at, format!("{v:?} is not one of the choices")));
                    }
                }
            }
            raw.into_iter().map(|r| r.unwrap_or(0.0)).collect()
        }
    };
    let max = raw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max <= 0.0 {
        return Err(no_marks(f, scoring_at));
    }
    let credits: Vec<f64> = raw.iter().map(|r| round9((r / max).max(-1.0))).collect();
    let plain = credits.iter().filter(|c| **c == 1.0).count() == 1
        && credits.iter().all(|c| *c == 1.0 || *c == 0.0);
    let kind = if plain {
        let correct = opts[credits.iter().position(|c| *c == 1.0).unwrap_or(0)]
            .id
            .clone();
        let ids: BTreeSet<&str> = opts.iter().map(|o| o.id.as_str()).collect();
        if opts.len() == 2 && ids == BTreeSet::from(["true", "false"]) {
            QuestionKind::TrueFalse {
                correct: correct == "true",
            }
        } else {
            QuestionKind::SingleChoice {
                options: opts
                    .iter()
                    .map(|o| ChoiceOption {
                        id: o.id.clone(),
                        text: o.text.clone(),
                    })
                    .collect(),
                correct,
            }
        }
    } else {
        weighted(&opts, &credits, false)
    };
    Ok((kind, max))
}

fn lookup(m: &Mapping, key: &str) -> f64 {
    m.entries
        .iter()
        .find(|e| e.key == key)
        .map_or(m.default, |e| e.value)
}

fn weighted(opts: &[Choice], credits: &[f64], multiple: bool) -> QuestionKind {
    QuestionKind::WeightedChoice {
        options: opts
            .iter()
            .zip(credits)
            .map(|(o, c)| ScoredOption {
                id: o.id.clone(),
                text: o.text.clone(),
                credit: *c,
                feedback: None,
            })
            .collect(),
        multiple,
    }
}

/// An accepted answer of a text entry: its value, score and how it compares.
struct Key<'a> {
    value: String,
    score: f64,
    case_sensitive: bool,
    tolerance: Tolerance,
    node: N<'a>,
    /// From a rule chain (first match wins) rather than a mapping.
    ordered: bool,
}

fn text_entry<'a>(f: &File<'a>, decl: &Decl<'a>, scoring: &Scoring<'a>) -> R<(QuestionKind, f64)> {
    if decl.cardinality != "single" {
        return Err(f.err(
            decl.node,
            format!(
                "a text entry with {} cardinality: expected single",
                decl.cardinality
            ),
        ));
    }
    let numeric = match decl.base_type {
        "string" => false,
        "float" | "integer" => true,
        other => {
            return Err(f.err(
                decl.node,
                format!("a text entry of baseType {other:?}: expected string, float or integer"),
            ))
        }
    };
    let keys: Vec<Key> = match scoring {
        Scoring::Map(_) => {
            let m = mapping(f, decl)?;
            if m.default != 0.0 {
                return Err(f.err(
                    m.node,
                    format!("defaultValue {}: every other answer would score it; Examhall gives other answers 0 (expected 0)", m.default),
                ));
            }
            m.entries
                .iter()
                .map(|e| Key {
                    value: e.key.clone(),
                    score: clamp(e.value, m.lower, m.upper),
                    case_sensitive: e.case_sensitive,
                    tolerance: Tolerance::Exact,
                    node: e.node,
                    ordered: false,
                })
                .collect()
        }
        Scoring::Rules(branches, _) => branches
            .iter()
            .map(|b| {
                let (case_sensitive, tolerance) = match (&b.how, numeric) {
                    (How::Match, _) => (true, Tolerance::Exact),
                    (How::StringMatch { case_sensitive }, false) => {
                        (*case_sensitive, Tolerance::Exact)
                    }
                    (How::Equal(t), true) => (true, *t),
                    (How::StringMatch { .. }, true) => {
                        return Err(f.err(
                            b.node,
                            "compares a number with <stringMatch>: expected match or equal",
                        ))
                    }
                    (How::Equal(_), false) => return Err(f.err(
                        b.node,
                        "compares a text with <equal> (for numbers): expected match or stringMatch",
                    )),
                };
                Ok(Key {
                    value: against_value(f, decl, b)?,
                    score: b.score,
                    case_sensitive,
                    tolerance,
                    node: b.node,
                    ordered: true,
                })
            })
            .collect::<R<_>>()?,
    };
    let scoring_at = match scoring {
        Scoring::Map(n) | Scoring::Rules(_, n) => *n,
    };
    if keys.is_empty() {
        return Err(f.err(decl.node, "expected an accepted answer"));
    }
    if let Some(k) = keys.iter().find(|k| k.score < 0.0) {
        return Err(f.err(
            k.node,
            "a negative score cannot be imported: Examhall takes marks away only through the exam's negative marking",
        ));
    }
    let max = keys.iter().map(|k| k.score).fold(0.0, f64::max);
    if max <= 0.0 {
        return Err(no_marks(f, scoring_at));
    }
    let credit = |k: &Key| round9(k.score / max);
    if numeric {
        let mut answers: Vec<(NumericAnswer, N)> = vec![];
        for k in &keys {
            let value = number(&k.value)
                .ok_or_else(|| f.err(k.node, format!("{:?}: expected a number", k.value)))?;
            let answer = NumericAnswer {
                value,
                tolerance: k.tolerance,
                credit: credit(k),
                feedback: None,
            };
            if k.ordered
                && answers
                    .iter()
                    .any(|(a, _)| a.credit < answer.credit && overlap(a, &answer))
            {
                return Err(f.err(
                    k.node,
                    format!("an earlier rule with a lower score takes some of the same answers: {CANNOT} (Examhall counts the best matching answer)"),
                ));
            }
            answers.push((answer, k.node));
        }
        let mut answers: Vec<NumericAnswer> = answers.into_iter().map(|(a, _)| a).collect();
        let kind = if answers.len() == 1 && answers[0].credit == 1.0 {
            let a = answers.remove(0);
            QuestionKind::Numeric {
                value: a.value,
                tolerance: a.tolerance,
            }
        } else {
            QuestionKind::NumericSet { answers }
        };
        return Ok((kind, max));
    }
    let case_sensitive = keys[0].case_sensitive;
    if let Some(k) = keys.iter().find(|k| k.case_sensitive != case_sensitive) {
        return Err(f.err(
            k.node,
            "mixes case-sensitive and case-insensitive answers: Examhall has one setting per question",
        ));
    }
    if let Some(k) = keys.iter().find(|k| k.value.contains('*')) {
        return Err(f.err(
            k.node,
            format!(
                "{:?} contains *, which Examhall would read as a wildcard",
                k.value
            ),
        ));
    }
    // In a rule chain the first match wins: a later rule for the same text never applies.
    let fold = |s: &str| {
        if case_sensitive {
            s.to_owned()
        } else {
            s.to_lowercase()
        }
    };
    let mut seen = BTreeSet::new();
    let kept: Vec<&Key> = keys
        .iter()
        .filter(|k| !k.ordered || seen.insert(fold(&k.value)))
        .collect();
    let kind = if kept.iter().all(|k| credit(k) == 1.0) {
        QuestionKind::ShortText {
            accepted: kept.iter().map(|k| k.value.clone()).collect(),
            case_sensitive,
        }
    } else {
        QuestionKind::TextSet {
            answers: kept
                .iter()
                .map(|k| TextAnswer {
                    pattern: k.value.clone(),
                    credit: credit(k),
                    feedback: None,
                })
                .collect(),
            case_sensitive,
        }
    };
    Ok((kind, max))
}

fn interval(a: &NumericAnswer) -> (f64, f64) {
    let t = match a.tolerance {
        Tolerance::Exact => 0.0,
        Tolerance::Absolute(t) => t,
        Tolerance::Relative(r) => r * a.value.abs(),
    };
    (a.value - t, a.value + t)
}

fn overlap(a: &NumericAnswer, b: &NumericAnswer) -> bool {
    let (a0, a1) = interval(a);
    let (b0, b1) = interval(b);
    a0 <= b1 && b0 <= a1
}

fn order<'a>(
    f: &File<'a>,
    ix: N<'a>,
    decl: &Decl<'a>,
    scoring: &Scoring<'a>,
) -> R<(QuestionKind, f64)> {
    let opts = choices(f, ix, "simpleChoice")?;
    let score = whole_match(f, scoring, "an order")?;
    if decl.correct.is_empty() {
        return Err(f.err(decl.node, "expected a correctResponse: the right order"));
    }
    let mut items = vec![];
    for v in &decl.correct {
        let Some(o) = opts.iter().find(|o| &o.id == v) else {
            return Err(f.err(
                decl.correct_at(),
                format!("{v:?} is not one of the choices"),
            ));
        };
        if items.iter().any(|i: &ChoiceOption| &i.id == v) {
            return Err(f.err(decl.correct_at(), format!("{v:?} appears twice")));
        }
        items.push(ChoiceOption {
            id: o.id.clone(),
            text: o.text.clone(),
        });
    }
    if let Some(left) = opts.iter().find(|o| !decl.correct.contains(&o.id)) {
        return Err(f.err(
            decl.correct_at(),
            format!(
                "the correct order leaves out {:?}: Examhall's ordering questions order every item",
                left.id
            ),
        ));
    }
    Ok((
        QuestionKind::Ordering {
            items,
            scoring: OrderScoring::Exact,
        },
        score,
    ))
}

fn matching<'a>(
    f: &File<'a>,
    ix: N<'a>,
    decl: &Decl<'a>,
    scoring: &Scoring<'a>,
    associate: bool,
) -> R<(QuestionKind, f64)> {
    let (sources, targets) = if associate {
        (choices(f, ix, "simpleAssociableChoice")?, vec![])
    } else {
        let sets: Vec<N> = kids(ix).filter(|s| local(*s) == "simpleMatchSet").collect();
        let [a, b] = sets.as_slice() else {
            return Err(f.err(
                ix,
                format!("expected two simpleMatchSets, found {}", sets.len()),
            ));
        };
        (
            choices(f, *a, "simpleAssociableChoice")?,
            choices(f, *b, "simpleAssociableChoice")?,
        )
    };
    let targets = if associate { &sources } else { &targets };
    // The right pairs (with their QTI value, or 1 under match_correct), the
    // wrong pairs that lose marks, and what any other wrong pair loses.
    let mut wrong_pairs: Vec<(&str, f64, N)> = vec![];
    let mut wrong_default = 0.0;
    let (values, score): (Vec<(&str, f64, N)>, f64) = match scoring {
        Scoring::Rules(..) => {
            let score = whole_match(f, scoring, "a match")?;
            (
                decl.correct
                    .iter()
                    .map(|v| (v.as_str(), 1.0, decl.correct_at()))
                    .collect(),
                score,
            )
        }
        Scoring::Map(_) => {
            let m = mapping(f, decl)?;
            if m.default > 0.0 {
                return Err(f.err(
                    m.node,
                    format!(
                        "defaultValue {}: every wrong pair would earn marks; Examhall scores right pairs and takes marks off for wrong ones (expected 0 or less)",
                        m.default
                    ),
                ));
            }
            wrong_default = -m.default;
            wrong_pairs = m
                .entries
                .iter()
                .filter(|e| e.value < 0.0)
                .map(|e| (e.key.as_str(), -e.value, e.node))
                .collect();
            let right: Vec<&Entry> = m.entries.iter().filter(|e| e.value > 0.0).collect();
            if right.is_empty() {
                return Err(no_marks(f, m.node));
            }
            let sum: f64 = right.iter().map(|e| e.value).sum();
            if let Some(u) = m.upper {
                if u < sum * (1.0 - 1e-9) {
                    return Err(f.err(
                        m.node,
                        format!("upperBound {u} is below what the right pairs add up to ({sum}): full marks would come before every pair is right, which Examhall's matching does not score"),
                    ));
                }
            }
            (
                right
                    .iter()
                    .map(|e| (e.key.as_str(), e.value, e.node))
                    .collect(),
                sum,
            )
        }
    };
    if values.is_empty() {
        return Err(f.err(decl.node, "expected a correctResponse: the right pairs"));
    }
    let text_of =
        |set: &[Choice], id: &str| set.iter().find(|c| c.id == id).map(|c| c.text.clone());
    let mut pairs: Vec<(usize, MatchPair)> = vec![];
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut weights: Vec<(String, f64)> = vec![];
    for (v, weight, at) in values {
        weights.push((
            v.split_whitespace().next().unwrap_or_default().to_owned(),
            weight,
        ));
        let ids: Vec<&str> = v.split_whitespace().collect();
        let [a, b] = ids.as_slice() else {
            return Err(f.err(at, format!("{v:?}: expected a pair of identifiers \"A B\"")));
        };
        let (Some(prompt), Some(answer)) = (text_of(&sources, a), text_of(targets, b)) else {
            let which = if associate {
                "the choices"
            } else if text_of(&sources, a).is_none() {
                "the first simpleMatchSet"
            } else {
                "the second simpleMatchSet"
            };
            return Err(f.err(at, format!("{v:?}: not a pair from {which}")));
        };
        if used.contains(*a) || (associate && (used.contains(*b) || a == b)) {
            return Err(f.err(
                at,
                format!(
                    "{v:?}: {a} is in two right pairs; Examhall matches each item to one answer"
                ),
            ));
        }
        used.insert((*a).to_owned());
        if associate {
            used.insert((*b).to_owned());
        }
        let at_source = sources.iter().position(|c| c.id == *a).unwrap_or(0);
        pairs.push((
            if associate { pairs.len() } else { at_source },
            MatchPair {
                id: (*a).to_owned(),
                prompt,
                answer,
            },
        ));
    }
    pairs.sort_by_key(|(i, _)| *i);
    let distractors: Vec<String> = if associate {
        sources
            .iter()
            .filter(|c| !used.contains(&c.id))
            .map(|c| c.text.clone())
            .collect()
    } else {
        if let Some(s) = sources.iter().find(|s| !used.contains(&s.id)) {
            return Err(f.err(
                s.node,
                format!(
                    "{:?} has no right answer: Examhall's matching needs one for every item",
                    s.id
                ),
            ));
        }
        let answers: BTreeSet<&str> = pairs.iter().map(|(_, p)| p.answer.as_str()).collect();
        targets
            .iter()
            .filter(|t| !answers.contains(t.text.as_str()))
            .map(|t| t.text.clone())
            .collect()
    };
    let pairs: Vec<MatchPair> = pairs.into_iter().map(|(_, p)| p).collect();
    let mut penalties = vec![];
    for (v, loses, at) in wrong_pairs {
        let ids: Vec<&str> = v.split_whitespace().collect();
        let (Some(pair), Some(answer)) = (
            ids.first().and_then(|a| pairs.iter().find(|p| p.id == *a)),
            ids.get(1).and_then(|b| text_of(targets, b)),
        ) else {
            return Err(f.err(
                at,
                format!("{v:?}: a wrong pair that loses marks must pair an item that has a right answer with one of the answers"),
            ));
        };
        penalties.push(PairPenalty {
            item: pair.id.clone(),
            answer,
            loses,
        });
    }
    let weights: Vec<f64> = pairs
        .iter()
        .map(|p| {
            weights
                .iter()
                .find(|(id, _)| *id == p.id)
                .map_or(1.0, |(_, w)| *w)
        })
        .collect();
    let equal = weights
        .iter()
        .all(|w| (w - weights[0]).abs() <= 1e-9 * weights[0].max(1.0));
    let scores = (!equal || !penalties.is_empty() || wrong_default > 0.0).then_some(PairScores {
        weights,
        penalties,
        wrong: wrong_default,
    });
    Ok((
        QuestionKind::Matching {
            pairs,
            distractors,
            scores,
        },
        score,
    ))
}

/// A template item (QTI's per-candidate values) as a calculated question: its
/// `templateProcessing` of the common kind (random integers, floats and picks,
/// arithmetic, lists of texts shown as `list[i]`, `templateConstraint`,
/// `setCorrectResponse`) becomes variables drawn per attempt. A numeric text
/// entry gets a formula for its right answer, scored by `match_correct` or one
/// condition comparing the response with its correct value (`match`, `equal`
/// with its tolerance, `equalRounded`); a choice whose options show the values
/// is scored as any choice is, its options' texts filled in per attempt. The
/// rest (single text values, `templateCondition`, other interactions) is
/// refused, named at its element.
fn template_question<'a>(
    f: &File<'a>,
    item: N<'a>,
    ix: N<'a>,
    body: N<'a>,
) -> R<(QuestionKind, f64, String)> {
    use examhall_domain::{CalculatedAnswer, Draw, FormulaAnswer, FormulaOption, Variable};
    let choice = match local(ix) {
        "textEntryInteraction" => false,
        "choiceInteraction" => true,
        other => {
            return Err(f.err(
                ix,
                format!("{other}: with template variables, Examhall reads a numeric textEntryInteraction (its value computed per candidate) or a choiceInteraction; other interactions are not read"),
            ))
        }
    };
    let rid = ix
        .attribute("responseIdentifier")
        .ok_or_else(|| f.err(ix, "expected a responseIdentifier attribute"))?;
    let decl = kids(item)
        .find(|n| local(*n) == "responseDeclaration" && n.attribute("identifier") == Some(rid))
        .ok_or_else(|| {
            f.err(
                ix,
                format!("expected a responseDeclaration with identifier {rid:?}"),
            )
        })?;
    if !choice && !matches!(decl.attribute("baseType"), Some("float" | "integer")) {
        return Err(f.err(
            decl,
            "with template variables, Examhall reads a numeric response (baseType float or integer)",
        ));
    }
    // The template variables, named for formulas (letters, digits, _): numbers,
    // and lists of texts (ordered or multiple strings).
    let mut vars: Vec<(String, String, bool)> = vec![];
    let mut lists: Vec<String> = vec![];
    for t in kids(item).filter(|n| local(*n) == "templateDeclaration") {
        let id = t.attribute("identifier").unwrap_or("").trim().to_owned();
        let cardinality = t.attribute("cardinality").unwrap_or("single");
        let number =
            matches!(t.attribute("baseType"), Some("float" | "integer")) && cardinality == "single";
        let list = t.attribute("baseType") == Some("string")
            && matches!(cardinality, "ordered" | "multiple");
        if !number && !list {
            return Err(f.err(
                t,
                format!("template variable {id:?} is not a single number or a list of texts: Examhall's per-candidate values are numbers, or texts picked from a list by a number"),
            ));
        }
        let mut name: String = id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            name.insert(0, 'v');
        }
        let math = t.attribute("mathVariable") == Some("true");
        if list {
            lists.push(id.clone());
        }
        vars.push((id, name, math));
    }
    let name_of = |id: &str| {
        vars.iter()
            .find(|(q, _, _)| q == id && !lists.iter().any(|l| l == id))
            .map(|(_, n, _)| n.clone())
    };
    let Some(tp) = child(item, "templateProcessing") else {
        return Err(f.err(
            item,
            "template variables without templateProcessing: nothing gives them values",
        ));
    };
    let mut drawn: Vec<Variable> = vec![];
    let mut constraints: Vec<String> = vec![];
    let mut correct: Option<String> = None;
    for st in kids(tp) {
        match local(st) {
            "setTemplateValue" => {
                let id = st.attribute("identifier").unwrap_or("");
                let Some((_, name, _)) = vars.iter().find(|(q, _, _)| q == id) else {
                    return Err(f.err(st, format!("{id:?} is not a declared template variable")));
                };
                let name = name.clone();
                let [e] = kids(st).collect::<Vec<_>>()[..] else {
                    return Err(f.err(st, "expected one expression"));
                };
                let draw = if lists.iter().any(|l| l == id) {
                    Draw::Texts {
                        values: text_list(f, e)?,
                    }
                } else {
                    match template_draw(f, e)? {
                        Some(d) => d,
                        None => Draw::Formula {
                            formula: template_formula(f, e, &name_of, &mut drawn)?,
                        },
                    }
                };
                drawn.push(Variable { name, draw });
            }
            "templateConstraint" => {
                let [e] = kids(st).collect::<Vec<_>>()[..] else {
                    return Err(f.err(st, "expected one condition"));
                };
                constraints.push(template_formula(f, e, &name_of, &mut drawn)?);
            }
            // A choice's constant correct response: read with its declaration.
            "setCorrectResponse" if choice && st.attribute("identifier") == Some(rid) => {
                if read_decl(f, decl)?.correct_node.is_none_or(|n| n.parent() != Some(st)) {
                    return Err(f.err(
                        st,
                        "a correct response computed per candidate: with template variables, Examhall reads a choice's correct response as constant identifiers",
                    ));
                }
            }
            "setCorrectResponse" if st.attribute("identifier") == Some(rid) => {
                let [e] = kids(st).collect::<Vec<_>>()[..] else {
                    return Err(f.err(st, "expected one expression"));
                };
                correct = Some(template_formula(f, e, &name_of, &mut drawn)?);
            }
            other => {
                return Err(f.err(
                    st,
                    format!("<{other}> in templateProcessing is not read: Examhall reads setTemplateValue, templateConstraint, and setCorrectResponse of a numeric entry, of the common kinds (random values, lists of texts and arithmetic)"),
                ))
            }
        }
    }
    // What the candidate reads: the variables written {name}, a list's entry
    // {list[i]}.
    let shown = |n: N| prompt_text_with(f, n, &vars);
    if choice {
        let (kind, marks) = read_question(f, item, ix)?;
        let text_of = |id: &str| {
            kids(ix)
                .find(|c| {
                    local(*c) == "simpleChoice"
                        && c.attribute("identifier").map(str::trim) == Some(id)
                })
                .map(shown)
                .unwrap_or_default()
        };
        let options: Vec<FormulaOption> = match kind {
            QuestionKind::SingleChoice { options, correct } => options
                .into_iter()
                .map(|o| FormulaOption {
                    text: text_of(&o.id),
                    credit: if o.id == correct { 1.0 } else { 0.0 },
                    id: o.id,
                    feedback: None,
                })
                .collect(),
            QuestionKind::WeightedChoice {
                options,
                multiple: false,
            } => options
                .into_iter()
                .map(|o| FormulaOption {
                    text: text_of(&o.id),
                    credit: o.credit,
                    id: o.id,
                    feedback: o.feedback,
                })
                .collect(),
            _ => {
                return Err(f.err(
                    ix,
                    "with template variables, Examhall reads a choice of one option (maxChoices=\"1\"); several picks are not read",
                ))
            }
        };
        let kind = QuestionKind::Calculated {
            vars: drawn,
            answer: CalculatedAnswer::Choice {
                options,
                multiple: false,
            },
            constraints,
        };
        return Ok((kind, marks, shown(body)));
    }
    let correct = match correct {
        Some(c) => c,
        None => {
            let values: Vec<String> = child(decl, "correctResponse")
                .map(|c| {
                    kids(c)
                        .filter(|v| local(*v) == "value")
                        .map(|v| v.text().unwrap_or("").trim().to_owned())
                        .collect()
                })
                .unwrap_or_default();
            match values.as_slice() {
                [v] if number(v).is_some() => v.clone(),
                _ => return Err(f.err(decl, "expected a correct response: setCorrectResponse in templateProcessing, or one number in correctResponse")),
            }
        }
    };
    let (marks, tolerance) = template_scoring(f, item, rid)?;
    let normal_max = kids(item)
        .find(|n| {
            local(*n) == "outcomeDeclaration" && n.attribute("identifier") == Some(score_id(item))
        })
        .and_then(|o| o.attribute("normalMaximum"))
        .and_then(number)
        .filter(|x| *x > 0.0);
    let kind = QuestionKind::Calculated {
        vars: drawn,
        answer: CalculatedAnswer::Numeric {
            answers: vec![FormulaAnswer {
                formula: correct,
                tolerance,
                credit: 1.0,
                feedback: None,
            }],
        },
        constraints,
    };
    Ok((kind, normal_max.unwrap_or(marks), shown(body)))
}

/// The texts of a list template value: `<ordered>` or `<multiple>` of string
/// baseValues.
fn text_list(f: &File, e: N) -> R<Vec<String>> {
    if !matches!(local(e), "ordered" | "multiple") {
        return Err(f.err(
            e,
            format!(
                "<{}>: a list of texts is read from <ordered> or <multiple> of baseValues",
                local(e)
            ),
        ));
    }
    let values: Vec<String> = kids(e)
        .map(|v| {
            (local(v) == "baseValue")
                .then(|| v.text().unwrap_or("").trim().to_owned())
                .ok_or_else(|| f.err(v, "expected a baseValue"))
        })
        .collect::<R<_>>()?;
    if values.is_empty() {
        return Err(f.err(e, "an empty list of texts"));
    }
    Ok(values)
}

/// A template value drawn directly: randomInteger, randomFloat, or a random pick
/// from numbers. `None` for anything else (an expression).
fn template_draw(f: &File, e: N) -> R<Option<examhall_domain::Draw>> {
    use examhall_domain::Draw;
    let attr = |name: &str, default: Option<f64>| -> R<f64> {
        match e.attribute(name) {
            Some(v) => number(v).ok_or_else(|| {
                f.err(e, format!("{name}={v:?}: expected a number (values from other variables are not read)"))
            }),
            None => default.ok_or_else(|| f.err(e, format!("expected a {name} attribute"))),
        }
    };
    Ok(Some(match local(e) {
        "randomInteger" => Draw::Integer {
            min: attr("min", Some(0.0))? as i64,
            max: attr("max", None)? as i64,
            step: attr("step", Some(1.0))? as i64,
        },
        // Continuous in QTI; drawn to 6 decimals here, which the items round anyway.
        "randomFloat" => Draw::Decimal {
            min: attr("min", Some(0.0))?,
            max: attr("max", None)?,
            decimals: 6,
        },
        "random" => {
            let Some(list) = kids(e)
                .next()
                .filter(|c| matches!(local(*c), "multiple" | "ordered"))
            else {
                return Err(f.err(
                    e,
                    "expected <random> of a <multiple> or <ordered> list of numbers",
                ));
            };
            let values: Vec<f64> = kids(list)
                .map(|v| {
                    (local(v) == "baseValue")
                        .then(|| number(v.text().unwrap_or("")))
                        .flatten()
                        .ok_or_else(|| {
                            f.err(
                                v,
                                "expected a number (baseValue of baseType integer or float)",
                            )
                        })
                })
                .collect::<R<_>>()?;
            Draw::OneOf { values }
        }
        _ => return Ok(None),
    }))
}

/// A QTI expression as a formula over the template variables; random values met
/// inside it become variables of their own, drawn before.
fn template_formula(
    f: &File,
    e: N,
    name_of: &dyn Fn(&str) -> Option<String>,
    drawn: &mut Vec<examhall_domain::Variable>,
) -> R<String> {
    if let Some(draw) = template_draw(f, e)? {
        let mut n = drawn.len() + 1;
        let name = loop {
            let candidate = format!("rand{n}");
            if name_of(&candidate).is_none() && !drawn.iter().any(|v| v.name == candidate) {
                break candidate;
            }
            n += 1;
        };
        drawn.push(examhall_domain::Variable {
            name: name.clone(),
            draw,
        });
        return Ok(name);
    }
    let args = |drawn: &mut Vec<examhall_domain::Variable>| -> R<Vec<String>> {
        kids(e)
            .map(|k| template_formula(f, k, name_of, drawn))
            .collect()
    };
    let joined = |op: &str, a: Vec<String>| format!("({})", a.join(op));
    let two = |a: Vec<String>| -> R<(String, String)> {
        match <[String; 2]>::try_from(a) {
            Ok([x, y]) => Ok((x, y)),
            Err(_) => Err(f.err(e, format!("<{}> takes two expressions", local(e)))),
        }
    };
    let one = |a: Vec<String>| -> R<String> {
        match <[String; 1]>::try_from(a) {
            Ok([x]) => Ok(x),
            Err(_) => Err(f.err(e, format!("<{}> takes one expression", local(e)))),
        }
    };
    Ok(match local(e) {
        "baseValue" => {
            let v = e.text().unwrap_or("").trim();
            number(v)
                .map(|_| v.to_owned())
                .ok_or_else(|| f.err(e, format!("{v:?}: expected a number")))?
        }
        "variable" => {
            let id = e.attribute("identifier").unwrap_or("");
            name_of(id).ok_or_else(|| {
                f.err(e, format!("{id:?} is not a template variable"))
            })?
        }
        "sum" => joined(" + ", args(drawn)?),
        "product" => joined(" * ", args(drawn)?),
        "min" | "max" => format!("{}({})", local(e), args(drawn)?.join(", ")),
        "subtract" => {
            let (a, b) = two(args(drawn)?)?;
            format!("({a} - {b})")
        }
        "divide" => {
            let (a, b) = two(args(drawn)?)?;
            format!("({a} / {b})")
        }
        "power" => {
            let (a, b) = two(args(drawn)?)?;
            format!("pow({a}, {b})")
        }
        "integerDivide" => {
            let (a, b) = two(args(drawn)?)?;
            format!("floor({a} / {b})")
        }
        "integerModulus" => {
            let (a, b) = two(args(drawn)?)?;
            format!("fmod({a}, {b})")
        }
        "truncate" => format!("trunc({})", one(args(drawn)?)?),
        // Conditions (templateConstraint): 1 when true, 0 when false.
        "lt" | "lte" | "gt" | "gte" | "gcd" | "lcm" | "and" | "or" => {
            format!("{}({})", local(e), args(drawn)?.join(", "))
        }
        "not" => format!("not({})", one(args(drawn)?)?),
        "match" => {
            let (a, b) = two(args(drawn)?)?;
            format!("eq({a}, {b})")
        }
        "equal" => {
            let (a, b) = two(args(drawn)?)?;
            match e.attribute("toleranceMode").unwrap_or("exact") {
                "exact" => format!("eq({a}, {b})"),
                "absolute" => {
                    let t = e
                        .attribute("tolerance")
                        .and_then(|t| t.split_whitespace().filter_map(number).reduce(f64::max))
                        .ok_or_else(|| f.err(e, "expected tolerance=\"t\""))?;
                    format!("lte(abs({a} - {b}), {t})")
                }
                other => {
                    return Err(f.err(
                        e,
                        format!("toleranceMode {other:?} in a template condition is not read (exact, absolute)"),
                    ))
                }
            }
        }
        // QTI rounds n.5 up (towards +∞).
        "round" => format!("floor({} + 0.5)", one(args(drawn)?)?),
        "integerToFloat" => one(args(drawn)?)?,
        "roundTo" if e.attribute("roundingMode").unwrap_or("significantFigures") == "decimalPlaces" => {
            let figures = e
                .attribute("figures")
                .and_then(number)
                .ok_or_else(|| f.err(e, "expected figures=\"n\""))?;
            format!("round({}, {figures})", one(args(drawn)?)?)
        }
        "mathConstant" => match e.attribute("name") {
            Some("pi") => "pi()".into(),
            Some("e") => "exp(1)".into(),
            other => return Err(f.err(e, format!("mathConstant {other:?} is not read (pi, e)"))),
        },
        "mathOperator" => {
            let name = e.attribute("name").unwrap_or("");
            let known = [
                "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "abs", "exp",
                "floor", "ceil", "log", "ln", "atan2",
            ];
            if !known.contains(&name) {
                return Err(f.err(e, format!("mathOperator {name:?} is not read")));
            }
            // QTI's log is base 10 and ln natural; Moodle's (the formula's) log is natural.
            let name = match name {
                "log" => "log10",
                "ln" => "log",
                n => n,
            };
            format!("{name}({})", args(drawn)?.join(", "))
        }
        other => {
            return Err(f.err(
                e,
                format!("<{other}> in a template expression is not read (random values, arithmetic, rounding, mathOperator)"),
            ))
        }
    })
}

/// The marks and tolerance of a template item's numeric answer: match_correct,
/// or one condition comparing the response with its correct value that sets
/// SCORE to a number (and to 0 otherwise).
fn template_scoring(f: &File, item: N, rid: &str) -> R<(f64, Tolerance)> {
    let Some(rp) = child(item, "responseProcessing") else {
        return Err(f.err(item, "expected a responseProcessing"));
    };
    if let Some(t) = rp.attribute("template") {
        return if t.ends_with("match_correct") {
            Ok((1.0, Tolerance::Exact))
        } else {
            Err(f.err(rp, format!("{t}: with template variables, Examhall reads match_correct or a comparison with the correct value")))
        };
    }
    let sets_score = |n: N| {
        n.descendants().any(|d| {
            local(d) == "setOutcomeValue" && d.attribute("identifier") == Some(score_id(d))
        })
    };
    let rules: Vec<N> = kids(rp).filter(|n| sets_score(*n)).collect();
    let [rc] = rules[..] else {
        return Err(f.err(rp, format!("{} rules set SCORE: with template variables, Examhall reads one condition comparing the response with its correct value", rules.len())));
    };
    let Some(branch) = kids(rc)
        .find(|n| local(*n) == "responseIf")
        .filter(|_| local(rc) == "responseCondition")
    else {
        return Err(f.err(rc, "expected a responseCondition with a responseIf"));
    };
    let mut cond = kids(branch)
        .next()
        .ok_or_else(|| f.err(branch, "expected a condition"))?;
    while local(cond) == "and" && kids(cond).count() == 1 {
        cond = kids(cond).next().unwrap_or(cond);
    }
    let compares = kids(cond).count() == 2
        && kids(cond).any(|k| local(k) == "variable" && k.attribute("identifier") == Some(rid))
        && kids(cond).any(|k| local(k) == "correct" && k.attribute("identifier") == Some(rid));
    if !compares {
        return Err(f.err(
            cond,
            format!("expected the response {rid} compared with its correct value"),
        ));
    }
    let figures = || cond.attribute("figures").and_then(number).unwrap_or(0.0);
    let tolerance = match local(cond) {
        "match" => Tolerance::Exact,
        "equal" => {
            let t = cond
                .attribute("tolerance")
                .map(|t| t.split_whitespace().filter_map(number).fold(0.0, f64::max))
                .unwrap_or(0.0);
            match cond.attribute("toleranceMode").unwrap_or("exact") {
                "absolute" => Tolerance::Absolute(t),
                "relative" => Tolerance::Relative(t / 100.0),
                _ => Tolerance::Exact,
            }
        }
        "equalRounded" => match cond
            .attribute("roundingMode")
            .unwrap_or("significantFigures")
        {
            "decimalPlaces" => Tolerance::Absolute(0.5 * 10f64.powf(-figures())),
            _ => Tolerance::Relative(5.0 * 10f64.powf(-figures())),
        },
        other => {
            return Err(f.err(
                cond,
                format!("<{other}> is not read: expected match, equal or equalRounded"),
            ))
        }
    };
    let score = kids(branch)
        .find(|n| local(*n) == "setOutcomeValue" && n.attribute("identifier") == Some(score_id(*n)))
        .and_then(|s| kids(s).next())
        .and_then(|v| constant(v, 0))
        .filter(|x| *x > 0.0)
        .ok_or_else(|| {
            f.err(
                branch,
                "expected SCORE set to a positive number for the right answer",
            )
        })?;
    Ok((score, tolerance))
}

/// The plain text of a question's body: see the module documentation.
fn prompt_text(f: &File, body: N) -> String {
    let mut flow = Flow::default();
    flow.walk(f, body, false);
    flow.finish()
}

/// The text of a template item's body, its template variables written `{name}`
/// (from `printedVariable` and from MathML `mi` naming a math variable).
fn prompt_text_with(f: &File, body: N, vars: &[(String, String, bool)]) -> String {
    let mut flow = Flow {
        vars: vars.to_vec(),
        ..Flow::default()
    };
    flow.walk(f, body, false);
    flow.finish()
}

/// The plain text of a choice or other piece of flow.
fn flow_text(f: &File, n: N) -> String {
    prompt_text(f, n)
}

#[derive(Default)]
struct Flow {
    blocks: Vec<(String, bool)>,
    cur: String,
    /// The block being collected is a list item or table row (kept on its own
    /// line, not in a paragraph of its own).
    tight: bool,
    /// A template item's variables: (QTI identifier, Examhall name, math variable).
    vars: Vec<(String, String, bool)>,
}

const BLOCKS: [&str; 28] = [
    "p",
    "div",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "address",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "hr",
    "prompt",
    "itemBody",
    "section",
    "article",
    "figure",
    "figcaption",
];

impl Flow {
    fn text(&mut self, s: &str, pre: bool) {
        if pre {
            self.cur.push_str(s);
            return;
        }
        for c in s.chars() {
            if c.is_whitespace() {
                if !(self.cur.is_empty() || self.cur.ends_with(' ') || self.cur.ends_with('\n')) {
                    self.cur.push(' ');
                }
            } else {
                self.cur.push(c);
            }
        }
    }

    fn flush(&mut self) {
        let text = self
            .cur
            .lines()
            .map(str::trim)
            .collect::<Vec<_>>()
            .join("\n")
            .trim_matches('\n')
            .to_owned();
        self.cur.clear();
        let tight = std::mem::take(&mut self.tight);
        if text.is_empty() || text.chars().eq([GAP_MARK]) {
            return;
        }
        self.blocks.push((text.replace(GAP_MARK, GAP), tight));
    }

    fn walk(&mut self, f: &File, n: N, pre: bool) {
        for c in n.children() {
            self.node(f, c, pre);
        }
    }

    fn node(&mut self, f: &File, c: N, pre: bool) {
        if c.is_text() {
            self.text(c.text().unwrap_or(""), pre);
            return;
        }
        if !c.is_element() {
            return;
        }
        match local(c) {
            "br" => {
                while self.cur.ends_with(' ') {
                    self.cur.pop();
                }
                self.cur.push('\n');
            }
            "img" => {
                let alt = c.attribute("alt").map(str::trim).filter(|a| !a.is_empty());
                let data = c.attribute("src").and_then(|src| {
                    if crate::items::is_image_data_url(src) {
                        Some(src.to_owned())
                    } else {
                        (f.images)(src)
                    }
                });
                let s = match data {
                    Some(url) => {
                        let alt: String = alt
                            .unwrap_or("")
                            .chars()
                            .filter(|c| !matches!(c, '[' | ']' | '\n'))
                            .collect();
                        format!("![{alt}]({url})")
                    }
                    None => alt.map_or("[image]".to_owned(), |a| format!("[image: {a}]")),
                };
                self.text(&s, false);
            }
            // MathML layouts as a line of text: a/b, a^b, √(a).
            "mfrac" | "msup" | "msqrt" | "mroot" => {
                let parts: Vec<String> = c
                    .children()
                    .filter(|k| k.is_element() || k.text().is_some_and(|t| !t.trim().is_empty()))
                    .map(|k| {
                        let mut sub = Flow {
                            vars: self.vars.clone(),
                            ..Flow::default()
                        };
                        sub.node(f, k, false);
                        let t = sub.finish().replace('\n', " ");
                        let plain = t.chars().all(|ch| {
                            ch.is_alphanumeric() || matches!(ch, '.' | '{' | '}' | '[' | ']' | '_')
                        });
                        if plain {
                            t
                        } else {
                            format!("({t})")
                        }
                    })
                    .collect();
                let shown = match (local(c), parts.as_slice()) {
                    ("mfrac", [a, b]) => format!("{a}/{b}"),
                    ("msup", [a, b]) => format!("{a}^{b}"),
                    ("mroot", [a, b]) => format!("{b}√{a}"),
                    ("msqrt", [one]) => format!("√{one}"),
                    ("msqrt", parts) => format!("√({})", parts.join(" ")),
                    (_, parts) => parts.join(" "),
                };
                if !(self.cur.is_empty() || self.cur.ends_with([' ', '\n'])) {
                    self.cur.push(' ');
                }
                self.text(&shown, false);
            }
            "printedVariable" | "mi" if !self.vars.is_empty() => {
                let id = if local(c) == "mi" {
                    c.text().unwrap_or("").trim()
                } else {
                    c.attribute("identifier").unwrap_or("")
                };
                let math = local(c) == "mi";
                let name_of = |id: &str| {
                    self.vars
                        .iter()
                        .find(|(qti, _, is_math)| qti == id.trim() && (*is_math || !math))
                        .map(|(_, name, _)| name.clone())
                };
                // `list[i]`: entry i of a list of texts.
                let entry = id
                    .strip_suffix(']')
                    .and_then(|s| s.split_once('['))
                    .and_then(|(list, i)| {
                        let i = name_of(i)
                            .or_else(|| i.trim().parse::<u32>().ok().map(|n| n.to_string()))?;
                        Some(format!("{{{}[{i}]}}", name_of(list)?))
                    });
                match name_of(id).map(|n| format!("{{{n}}}")).or(entry) {
                    Some(shown) => self.text(&shown, false),
                    None if math => self.walk(f, c, pre),
                    None => {}
                }
            }
            "feedbackBlock" | "feedbackInline" | "modalFeedback" | "rubricBlock"
            | "templateBlock" | "templateInline" | "printedVariable" | "stylesheet" | "script"
            | "style" | "simpleChoice" => {}
            "textEntryInteraction" | "inlineChoiceInteraction" => {
                if !(self.cur.is_empty() || self.cur.ends_with([' ', '\n'])) {
                    self.cur.push(' ');
                }
                self.cur.push(GAP_MARK);
            }
            name if name.ends_with("Interaction") => {
                self.flush();
                if let Some(p) = child(c, "prompt") {
                    self.walk(f, p, pre);
                }
                self.flush();
            }
            "li" => {
                self.flush();
                self.tight = true;
                let ordered = c.parent_element().is_some_and(|p| local(p) == "ol");
                if ordered {
                    let at = c
                        .prev_siblings()
                        .filter(|s| s.is_element() && local(*s) == "li")
                        .count();
                    self.cur.push_str(&format!("{at}. "));
                } else {
                    self.cur.push_str("- ");
                }
                self.walk(f, c, pre);
                self.flush();
            }
            "tr" => {
                self.flush();
                self.tight = true;
                self.walk(f, c, pre);
                self.flush();
            }
            "td" | "th" => {
                if !self.cur.trim().is_empty() {
                    self.cur.push_str(" | ");
                }
                self.walk(f, c, pre);
            }
            name if BLOCKS.contains(&name) => {
                self.flush();
                self.walk(f, c, pre || name == "pre");
                self.flush();
            }
            _ => self.walk(f, c, pre),
        }
    }

    fn finish(mut self) -> String {
        self.flush();
        let mut out = String::new();
        let mut prev_tight = false;
        for (i, (text, tight)) in self.blocks.iter().enumerate() {
            if i > 0 {
                out.push_str(if prev_tight && *tight { "\n" } else { "\n\n" });
            }
            out.push_str(text);
            prev_tight = *tight;
        }
        out
    }
}

// ---------------------------------------------------------------- writing ---

/// A content package of the items: `imsmanifest.xml` and `items/<id>.xml` each.
pub fn to_qti_package(items: &[ImportedItem]) -> Result<Vec<u8>, ExportError> {
    let mut files = vec![];
    let mut taken = BTreeSet::new();
    for item in items {
        let xml = to_qti_item(item)?;
        let base = format!("items/{}", item.question.id);
        let mut name = format!("{base}.xml");
        let mut n = 2;
        while !taken.insert(name.to_lowercase()) {
            name = format!("{base}-{n}.xml");
            n += 1;
        }
        files.push((name, xml));
    }
    let mut manifest = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <manifest xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\" identifier=\"MANIFEST-examhall\">\n  \
         <metadata>\n    <schema>QTIv2.1 Package</schema>\n    <schemaversion>1.0.0</schemaversion>\n  </metadata>\n  \
         <organizations/>\n  <resources>\n",
    );
    for (i, (name, _)) in files.iter().enumerate() {
        manifest.push_str(&format!(
            "    <resource identifier=\"RES-{}\" type=\"imsqti_item_xmlv2p1\" href=\"{name}\">\n      <file href=\"{name}\"/>\n    </resource>\n",
            i + 1
        ));
    }
    manifest.push_str("  </resources>\n</manifest>\n");
    let fail = |e: &dyn std::fmt::Display| ExportError {
        id: "(package)".into(),
        problem: format!("the zip could not be written: {e}"),
    };
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in std::iter::once(("imsmanifest.xml".to_owned(), manifest)).chain(files) {
        zip.start_file(name, options).map_err(|e| fail(&e))?;
        zip.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
    }
    Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
}

pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// A QTI identifier (an XML NCName, kept to ASCII).
fn is_ident(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Number text that reads back as the same number.
fn num(x: f64) -> String {
    if x != 0.0 && !(1e-5..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

struct Out<'q> {
    id: &'q str,
}

impl Out<'_> {
    fn fail(&self, problem: impl Into<String>) -> ExportError {
        ExportError {
            id: self.id.into(),
            problem: problem.into(),
        }
    }

    /// Escaped for text and attribute values alike.
    fn esc(&self, s: &str) -> Result<String, ExportError> {
        let mut out = String::with_capacity(s.len() + 8);
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                '\t' => out.push_str("&#9;"),
                '\n' => out.push_str("&#10;"),
                '\r' => out.push_str("&#13;"),
                c if is_xml_char(c) => out.push(c),
                c => {
                    return Err(self.fail(format!(
                        "the text holds the character U+{:04X}, which XML cannot carry",
                        c as u32
                    )))
                }
            }
        }
        Ok(out)
    }

    /// Plain text as XHTML flow: paragraphs (blank lines) as `<p>`, line breaks
    /// as `<br/>`; inline when there is one paragraph and `inline` is set.
    fn flow(&self, text: &str, inline: bool) -> Result<String, ExportError> {
        let text = text.replace("\r\n", "\n");
        let paragraphs: Vec<String> = text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.lines()
                    .map(|l| self.esc(l.trim()))
                    .collect::<Result<Vec<_>, _>>()
                    .map(|ls| ls.join("<br/>"))
            })
            .collect::<Result<_, _>>()?;
        if inline && paragraphs.len() <= 1 {
            return Ok(paragraphs.into_iter().next().unwrap_or_default());
        }
        Ok(paragraphs
            .iter()
            .map(|p| format!("<p>{p}</p>"))
            .collect::<Vec<_>>()
            .join(if inline { "" } else { "\n    " }))
    }
}

/// Identifiers for options: their own ids when all are QTI identifiers, else
/// a, b, c….
fn idents<'s>(ids: impl Iterator<Item = &'s str>) -> Vec<String> {
    let ids: Vec<&str> = ids.collect();
    let unique = ids.iter().collect::<BTreeSet<_>>().len() == ids.len();
    if unique && ids.iter().all(|i| is_ident(i)) {
        ids.iter().map(|s| (*s).to_owned()).collect()
    } else {
        (0..ids.len()).map(option_id).collect()
    }
}

const VAR: &str = "<variable identifier=\"RESPONSE\"/>";
const CORRECT: &str = "<correct identifier=\"RESPONSE\"/>";

fn set_score(x: f64) -> String {
    format!(
        "<setOutcomeValue identifier=\"SCORE\"><baseValue baseType=\"float\">{}</baseValue></setOutcomeValue>",
        num(x)
    )
}

/// `(condition, score)` rules, first match wins, else 0.
fn rp_chain(rules: &[(String, f64)]) -> String {
    let mut s = String::from("  <responseProcessing>\n    <responseCondition>\n");
    for (i, (cond, score)) in rules.iter().enumerate() {
        let tag = if i == 0 {
            "responseIf"
        } else {
            "responseElseIf"
        };
        s.push_str(&format!(
            "      <{tag}>\n        {cond}\n        {}\n      </{tag}>\n",
            set_score(*score)
        ));
    }
    s.push_str(&format!(
        "      <responseElse>\n        {}\n      </responseElse>\n    </responseCondition>\n  </responseProcessing>\n",
        set_score(0.0)
    ));
    s
}

fn rp_template(uri: &str) -> String {
    format!("  <responseProcessing template=\"{uri}\"/>\n")
}

/// The whole response right earns the marks.
fn rp_match(marks: f64) -> String {
    if marks == 1.0 {
        rp_template(TEMPLATE_MATCH)
    } else {
        rp_chain(&[(format!("<match>{VAR}{CORRECT}</match>"), marks)])
    }
}

fn equal_xml(tolerance: Tolerance, against: &str) -> String {
    match tolerance {
        Tolerance::Exact => format!("<equal toleranceMode=\"exact\">{VAR}{against}</equal>"),
        Tolerance::Absolute(t) => format!(
            "<equal toleranceMode=\"absolute\" tolerance=\"{0} {0}\">{VAR}{against}</equal>",
            num(t)
        ),
        Tolerance::Relative(r) => format!(
            "<equal toleranceMode=\"relative\" tolerance=\"{0} {0}\">{VAR}{against}</equal>",
            num(r * 100.0)
        ),
    }
}

fn declaration(cardinality: &str, base: &str, correct: &[String], mapping: &str) -> String {
    let mut s = format!(
        "  <responseDeclaration identifier=\"RESPONSE\" cardinality=\"{cardinality}\" baseType=\"{base}\""
    );
    if correct.is_empty() && mapping.is_empty() {
        s.push_str("/>\n");
        return s;
    }
    s.push_str(">\n");
    if !correct.is_empty() {
        s.push_str("    <correctResponse>\n");
        for v in correct {
            s.push_str(&format!("      <value>{v}</value>\n"));
        }
        s.push_str("    </correctResponse>\n");
    }
    s.push_str(mapping);
    s.push_str("  </responseDeclaration>\n");
    s
}

/// A mapping of `(escaped key, value, case sensitive)`.
fn mapping_xml(default: f64, bounds: &str, entries: &[(String, f64, Option<bool>)]) -> String {
    let mut s = format!("    <mapping defaultValue=\"{}\"{bounds}>\n", num(default));
    for (key, value, cs) in entries {
        let cs = cs.map_or(String::new(), |c| format!(" caseSensitive=\"{c}\""));
        s.push_str(&format!(
            "      <mapEntry mapKey=\"{key}\" mappedValue=\"{}\"{cs}/>\n",
            num(*value)
        ));
    }
    s.push_str("    </mapping>\n");
    s
}

/// One question as a QTI 2.1 `assessmentItem` document.
pub fn to_qti_item(item: &ImportedItem) -> Result<String, ExportError> {
    let q = &item.question;
    let out = Out { id: q.id.as_str() };
    if item.text_format == TextFormat::Html {
        return Err(out.fail(
            "the prompt is HTML: QTI export writes plain text only; convert the prompt first",
        ));
    }
    if item.general_feedback.is_some() {
        return Err(out.fail("general feedback is not written to QTI"));
    }
    q.validate()
        .map_err(|p| out.fail(format!("{}: {}", p.field, p.problem)))?;
    let marks = q.marks;
    let choice_xml = |tag: &str, ids: &[String], texts: &[&str]| -> Result<String, ExportError> {
        let mut s = String::new();
        for (id, text) in ids.iter().zip(texts) {
            s.push_str(&format!(
                "      <{tag} identifier=\"{id}\">{}</{tag}>\n",
                out.flow(text, true)?
            ));
        }
        Ok(s)
    };
    let no_feedback = |f: &Option<String>| -> Result<(), ExportError> {
        if f.is_some() {
            return Err(out.fail("feedback on an answer is not written to QTI"));
        }
        Ok(())
    };
    let text_entry = "    <p><textEntryInteraction responseIdentifier=\"RESPONSE\" expectedLength=\"20\"/></p>\n".to_owned();
    let (decl, interaction, rp) = match &q.kind {
        QuestionKind::SingleChoice { options, correct } => {
            let ids = idents(options.iter().map(|o| o.id.as_str()));
            let at = options
                .iter()
                .position(|o| &o.id == correct)
                .ok_or_else(|| out.fail("the correct option is not one of the options"))?;
            let texts: Vec<&str> = options.iter().map(|o| o.text.as_str()).collect();
            (
                declaration("single", "identifier", &[ids[at].clone()], ""),
                format!(
                    "    <choiceInteraction responseIdentifier=\"RESPONSE\" shuffle=\"false\" maxChoices=\"1\">\n{}    </choiceInteraction>\n",
                    choice_xml("simpleChoice", &ids, &texts)?
                ),
                rp_match(marks),
            )
        }
        QuestionKind::TrueFalse { correct } => {
            let ids = ["true".to_owned(), "false".to_owned()];
            (
                declaration("single", "identifier", &[correct.to_string()], ""),
                format!(
                    "    <choiceInteraction responseIdentifier=\"RESPONSE\" shuffle=\"false\" maxChoices=\"1\">\n{}    </choiceInteraction>\n",
                    choice_xml("simpleChoice", &ids, &["True", "False"])?
                ),
                rp_match(marks),
            )
        }
        QuestionKind::MultipleResponse {
            options,
            correct,
            scoring,
        } => {
            let ids = idents(options.iter().map(|o| o.id.as_str()));
            let is_right: Vec<bool> = options.iter().map(|o| correct.contains(&o.id)).collect();
            let right: Vec<String> = ids
                .iter()
                .zip(&is_right)
                .filter(|(_, r)| **r)
                .map(|(i, _)| i.clone())
                .collect();
            let texts: Vec<&str> = options.iter().map(|o| o.text.as_str()).collect();
            let interaction = format!(
                "    <choiceInteraction responseIdentifier=\"RESPONSE\" shuffle=\"false\" maxChoices=\"0\">\n{}    </choiceInteraction>\n",
                choice_xml("simpleChoice", &ids, &texts)?
            );
            match scoring {
                MultiScoring::AllOrNothing => (
                    declaration("multiple", "identifier", &right, ""),
                    interaction,
                    rp_match(marks),
                ),
                MultiScoring::Partial => {
                    let k = right.len();
                    let wrong = options.len() - k;
                    if k == 0 || wrong == 0 {
                        return Err(out.fail("partial credit needs a right and a wrong option"));
                    }
                    let entries: Vec<(String, f64, Option<bool>)> = ids
                        .iter()
                        .zip(&is_right)
                        .map(|(id, r)| {
                            let v = if *r {
                                marks / k as f64
                            } else {
                                -marks / wrong as f64
                            };
                            (id.clone(), v, None)
                        })
                        .collect();
                    let bounds = format!(" lowerBound=\"0\" upperBound=\"{}\"", num(marks));
                    (
                        declaration(
                            "multiple",
                            "identifier",
                            &right,
                            &mapping_xml(0.0, &bounds, &entries),
                        ),
                        interaction,
                        rp_template(TEMPLATE_MAP),
                    )
                }
            }
        }
        QuestionKind::WeightedChoice { options, multiple } => {
            for o in options {
                no_feedback(&o.feedback)?;
            }
            let ids = idents(options.iter().map(|o| o.id.as_str()));
            let texts: Vec<&str> = options.iter().map(|o| o.text.as_str()).collect();
            let entries: Vec<(String, f64, Option<bool>)> = ids
                .iter()
                .zip(options)
                .map(|(id, o)| (id.clone(), o.credit * marks, None))
                .collect();
            let (cardinality, max_choices, bounds, right) = if *multiple {
                let right: Vec<String> = ids
                    .iter()
                    .zip(options)
                    .filter(|(_, o)| o.credit > 0.0)
                    .map(|(i, _)| i.clone())
                    .collect();
                (
                    "multiple",
                    0,
                    format!(" lowerBound=\"0\" upperBound=\"{}\"", num(marks)),
                    right,
                )
            } else {
                let best = options.iter().enumerate().fold(0, |b, (i, o)| {
                    if o.credit > options[b].credit {
                        i
                    } else {
                        b
                    }
                });
                ("single", 1, String::new(), vec![ids[best].clone()])
            };
            (
                declaration(cardinality, "identifier", &right, &mapping_xml(0.0, &bounds, &entries)),
                format!(
                    "    <choiceInteraction responseIdentifier=\"RESPONSE\" shuffle=\"false\" maxChoices=\"{max_choices}\">\n{}    </choiceInteraction>\n",
                    choice_xml("simpleChoice", &ids, &texts)?
                ),
                rp_template(TEMPLATE_MAP),
            )
        }
        QuestionKind::ShortText {
            accepted,
            case_sensitive,
        } => {
            let answers: Vec<(&str, f64)> = accepted.iter().map(|a| (a.as_str(), 1.0)).collect();
            text_answers(&out, &answers, *case_sensitive, marks, &text_entry)?
        }
        QuestionKind::TextSet {
            answers,
            case_sensitive,
        } => {
            for a in answers {
                no_feedback(&a.feedback)?;
            }
            let answers: Vec<(&str, f64)> = answers
                .iter()
                .map(|a| (a.pattern.as_str(), a.credit))
                .collect();
            text_answers(&out, &answers, *case_sensitive, marks, &text_entry)?
        }
        QuestionKind::Numeric { value, tolerance } => (
            declaration("single", "float", &[num(*value)], ""),
            text_entry.clone(),
            match tolerance {
                Tolerance::Exact => rp_match(marks),
                t => rp_chain(&[(equal_xml(*t, CORRECT), marks)]),
            },
        ),
        QuestionKind::NumericSet { answers } => {
            for a in answers {
                no_feedback(&a.feedback)?;
            }
            let mut sorted: Vec<&NumericAnswer> = answers.iter().collect();
            sorted.sort_by(|a, b| b.credit.total_cmp(&a.credit));
            let best = sorted
                .first()
                .ok_or_else(|| out.fail("no accepted value"))?;
            let rules: Vec<(String, f64)> = sorted
                .iter()
                .map(|a| {
                    let value =
                        format!("<baseValue baseType=\"float\">{}</baseValue>", num(a.value));
                    (equal_xml(a.tolerance, &value), a.credit * marks)
                })
                .collect();
            (
                declaration("single", "float", &[num(best.value)], ""),
                text_entry.clone(),
                rp_chain(&rules),
            )
        }
        QuestionKind::Essay { guidance } => {
            // The marking guidance: a rubric block for the scorer's view only.
            let rubric = match guidance {
                Some(g) => format!(
                    "    <rubricBlock view=\"scorer\">{}</rubricBlock>\n",
                    out.flow(g, false)?
                ),
                None => String::new(),
            };
            (
                declaration("single", "string", &[], ""),
                format!(
                    "{rubric}    <extendedTextInteraction responseIdentifier=\"RESPONSE\" expectedLines=\"10\"/>\n"
                ),
                String::new(),
            )
        }
        QuestionKind::Ordering { items, scoring } => {
            if *scoring != OrderScoring::Exact {
                return Err(out.fail(
                    "QTI export writes orderings scored as a whole; this one scores by position",
                ));
            }
            let ids = idents(items.iter().map(|o| o.id.as_str()));
            // Listed by text, not in the right order; the player shuffles them too.
            let mut shown: Vec<(String, &str)> = ids
                .iter()
                .cloned()
                .zip(items.iter().map(|o| o.text.as_str()))
                .collect();
            shown.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(&b.0)));
            let (shown_ids, shown_texts): (Vec<String>, Vec<&str>) = shown.into_iter().unzip();
            (
                declaration("ordered", "identifier", &ids, ""),
                format!(
                    "    <orderInteraction responseIdentifier=\"RESPONSE\" shuffle=\"true\">\n{}    </orderInteraction>\n",
                    choice_xml("simpleChoice", &shown_ids, &shown_texts)?
                ),
                rp_match(marks),
            )
        }
        QuestionKind::Matching {
            pairs,
            distractors,
            scores,
        } => {
            if pairs.is_empty() {
                return Err(out.fail("a matching question needs pairs"));
            }
            let sources = {
                let ids: Vec<&str> = pairs.iter().map(|p| p.id.as_str()).collect();
                let unique = ids.iter().collect::<BTreeSet<_>>().len() == ids.len();
                if unique && ids.iter().all(|i| is_ident(i)) {
                    ids.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
                } else {
                    (1..=ids.len()).map(|i| format!("m{i}")).collect()
                }
            };
            let mut targets: Vec<(String, &str)> = vec![];
            let mut n = 0;
            for text in pairs
                .iter()
                .map(|p| p.answer.as_str())
                .chain(distractors.iter().map(String::as_str))
            {
                if targets.iter().any(|(_, t)| *t == text) {
                    continue;
                }
                let id = loop {
                    n += 1;
                    let id = format!("T{n}");
                    if !sources.contains(&id) {
                        break id;
                    }
                };
                targets.push((id, text));
            }
            let target_of = |answer: &str| {
                targets
                    .iter()
                    .find(|(_, t)| *t == answer)
                    .map(|(id, _)| id.clone())
                    .unwrap_or_default()
            };
            let right: Vec<String> = sources
                .iter()
                .zip(pairs)
                .map(|(s, p)| format!("{s} {}", target_of(&p.answer)))
                .collect();
            // What each right pair earns and each wrong one loses, in marks.
            let (weights, total, wrong) = match scores {
                Some(s) => (s.weights.clone(), s.weights.iter().sum::<f64>(), s.wrong),
                None => (vec![1.0; pairs.len()], pairs.len() as f64, 0.0),
            };
            let in_marks = |w: f64| marks * w / total;
            let mut entries: Vec<(String, f64, Option<bool>)> = right
                .iter()
                .zip(&weights)
                .map(|(r, w)| (r.clone(), in_marks(*w), None))
                .collect();
            for p in scores.iter().flat_map(|s| &s.penalties) {
                if let Some(at) = pairs.iter().position(|q| q.id == p.item) {
                    entries.push((
                        format!("{} {}", sources[at], target_of(&p.answer)),
                        -in_marks(p.loses),
                        None,
                    ));
                }
            }
            let default = -in_marks(wrong);
            let bounds = format!(" lowerBound=\"0\" upperBound=\"{}\"", num(marks));
            let mut set1 = String::new();
            for (s, p) in sources.iter().zip(pairs) {
                set1.push_str(&format!(
                    "        <simpleAssociableChoice identifier=\"{s}\" matchMax=\"1\">{}</simpleAssociableChoice>\n",
                    out.flow(&p.prompt, true)?
                ));
            }
            let mut set2 = String::new();
            for (id, text) in &targets {
                set2.push_str(&format!(
                    "        <simpleAssociableChoice identifier=\"{id}\" matchMax=\"0\">{}</simpleAssociableChoice>\n",
                    out.flow(text, true)?
                ));
            }
            (
                declaration("multiple", "directedPair", &right, &mapping_xml(default, &bounds, &entries)),
                format!(
                    "    <matchInteraction responseIdentifier=\"RESPONSE\" shuffle=\"true\" maxAssociations=\"{}\">\n      <simpleMatchSet>\n{set1}      </simpleMatchSet>\n      <simpleMatchSet>\n{set2}      </simpleMatchSet>\n    </matchInteraction>\n",
                    pairs.len()
                ),
                rp_template(TEMPLATE_MAP),
            )
        }
        QuestionKind::Cloze { .. } => {
            return Err(out.fail("QTI export does not write cloze questions"));
        }
        QuestionKind::Calculated { .. } => {
            return Err(out.fail(
                "QTI export does not write calculated questions (templates); JSON keeps them",
            ));
        }
    };
    let identifier = if is_ident(q.id.as_str()) {
        q.id.to_string()
    } else {
        format!("Q{}", q.id)
    };
    let title = out.esc(item.title.as_deref().unwrap_or(q.id.as_str()))?;
    let prompt = out.flow(&q.prompt, false)?;
    let prompt = if prompt.is_empty() {
        String::new()
    } else {
        format!("    {prompt}\n")
    };
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <assessmentItem xmlns=\"{NS_QTI}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"{NS_QTI} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd\" \
         identifier=\"{identifier}\" title=\"{title}\" adaptive=\"false\" timeDependent=\"false\">\n\
         {decl}  <outcomeDeclaration identifier=\"SCORE\" cardinality=\"single\" baseType=\"float\" normalMaximum=\"{}\">\n    \
         <defaultValue>\n      <value>0</value>\n    </defaultValue>\n  </outcomeDeclaration>\n  \
         <itemBody>\n{prompt}{interaction}  </itemBody>\n{rp}</assessmentItem>\n",
        num(marks)
    ))
}

/// A text entry scored by a mapping of the accepted answers.
fn text_answers(
    out: &Out,
    answers: &[(&str, f64)],
    case_sensitive: bool,
    marks: f64,
    interaction: &str,
) -> Result<(String, String, String), ExportError> {
    if let Some((a, _)) = answers.iter().find(|(a, _)| a.contains('*')) {
        return Err(out.fail(format!(
            "the accepted answer {a:?} uses the * wildcard: QTI compares whole answers"
        )));
    }
    let best = answers
        .iter()
        .enumerate()
        .fold(None::<usize>, |b, (i, a)| match b {
            Some(j) if answers[j].1 >= a.1 => Some(j),
            _ => Some(i),
        })
        .ok_or_else(|| out.fail("no accepted answer"))?;
    let entries: Vec<(String, f64, Option<bool>)> = answers
        .iter()
        .map(|(a, c)| Ok((out.esc(a.trim())?, c * marks, Some(case_sensitive))))
        .collect::<Result<_, ExportError>>()?;
    Ok((
        declaration(
            "single",
            "string",
            &[out.esc(answers[best].0.trim())?],
            &mapping_xml(0.0, "", &entries),
        ),
        interaction.to_owned(),
        rp_template(TEMPLATE_MAP),
    ))
}
