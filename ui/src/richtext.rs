//! Question text with light formatting, rendered safely as Yew nodes.
//!
//! Question text (prompts, option texts, matching and ordering items, the text
//! parts of a cloze, section instructions) arrives as plain text that may hold
//! a light Markdown and math notation: GIFT `[markdown]`, CSV, and HTML that
//! the importer already turned into text (blank-line paragraphs, `• ` bullets,
//! images as `![alt](data:image/…)`). This module reads that text into a small
//! tree ([`Block`], [`Inline`], [`MathNode`]; [`parse`], [`parse_inline`],
//! [`parse_math`] are pure and tested natively) and turns the tree into
//! [`Html`] ([`RichText`], [`plain`]).
//!
//! Safety: nothing is ever handed to the browser as HTML. Every piece of the
//! text becomes a text node or an element this module chooses, so `<b>`, `<script>`
//! or `&amp;` in a question show literally. The only attribute taken from the
//! text is an image's `src`, and only a `data:` URL of a PNG, JPEG, GIF or WebP
//! image (never SVG) made of base64 characters; anything else stays text.
//!
//! Supported:
//! - **Paragraphs**: separated by blank lines; a single newline is a line break.
//! - **Lists**: lines starting with `- `, `* `, `• ` (unordered) or `1. `, `2) `
//!   (ordered; the first number is kept) are grouped into one list; an indented
//!   line continues the item above it (after a line break). Lists of the same
//!   kind separated only by blank lines are one list. An ordered item other than
//!   `1` does not interrupt a paragraph (so "in\n1984. Orwell" stays text). No
//!   nesting: an indented marker is one more item. A text of one line is never
//!   a list, so an option "1. Paris" or "- 5" shows as written.
//! - **Code blocks**: lines between two fences ```` ``` ```` become `<pre><code>`
//!   (an unclosed fence runs to the end of the text).
//! - **Inline**: `` `code` `` (monospace; longer backtick runs may hold a
//!   backtick), `**bold**`, `__bold__`, `*italic*`, `_italic_`. Conservative: a
//!   delimiter opens only when followed by a non-space and not preceded by a
//!   letter or digit, and closes only when preceded by a non-space and not
//!   followed by a letter or digit, with the same delimiter; so `2*3*4`,
//!   `snake_case_name` and `5 * 3` stay literal, as do runs of three or more.
//!   A backslash keeps the next character literal: `\*`, `\_`, `` \` ``, `\$`,
//!   `\\`, `\#`, `\!`, `\-`, `\+`, `\.`, `\{`, `\}`, `\~`, `\|`.
//! - **Images**: `![alt](data:image/png;base64,…)` (PNG, JPEG, GIF, WebP only).
//! - **Math**: `\( … \)` and `$…$` inline, `$$ … $$` and `\[ … \]` on their
//!   own centred line. `$…$` is math only when no space is right inside the
//!   dollars and the closing `$` (the next unescaped one) is not followed by a
//!   digit, so "$5 and $10" stays text. The LaTeX is drawn with HTML and Unicode:
//!   `^x` / `^{…}` superscripts, `_x` / `_{…}` subscripts, `\frac{a}{b}` (also
//!   `\dfrac`, `\tfrac`) a stacked fraction (`a⁄b` without the style sheet),
//!   `\sqrt{x}` and `\sqrt[n]{x}` a radical with an overline, Greek letters
//!   (`\alpha` … `\omega`, `\Gamma` … `\Omega`, `\var…` forms), operators and
//!   relations (`\times \cdot \div \pm \mp \le \ge \neq \approx \equiv \infty
//!   \sum \prod \int \partial \nabla \rightarrow \Rightarrow \leftarrow
//!   \leftrightarrow \in \notin \subset \cup \cap \forall \exists \degree \circ`
//!   and more), function names (`\sin`, `\log`, …) upright, `\left( \right)`
//!   and `\big…` as plain brackets, `\text{…}`, `\mathrm{…}`,
//!   `\operatorname{…}`, `\mathbf{…}`, `\mathbb{R}`, accents (`\vec`, `\hat`,
//!   `\bar`, `\overline`, …), `\not`, spacing commands and braces grouping.
//!   An unknown command shows as its name in italics, never dropped. Each
//!   formula is a `<span class="math" role="math">` whose `aria-label` is the
//!   LaTeX source, for screen readers.
//! - **Cloze text parts** are read inline only ([`parse_inline`]): emphasis,
//!   code, math and images, with their line breaks kept.
//!
//! [`plain`] gives the same text on one line without markup (math linearised,
//! e.g. `x²`, `(a+1)/2`, `√x`) for places that only take text: `<option>`s and
//! `aria-label`s.

use yew::prelude::*;

// ---------------------------------------------------------------- the tree

/// A block of text: what [`parse`] returns a list of.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Para(Vec<Inline>),
    /// `start`: the first item's number (ordered lists).
    List {
        ordered: bool,
        start: u32,
        items: Vec<Vec<Inline>>,
    },
    /// A fenced code block, verbatim.
    Code(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Break,
    Code(String),
    Strong(Vec<Inline>),
    Emph(Vec<Inline>),
    /// `source`: the LaTeX as written, between the delimiters.
    Math {
        source: String,
        display: bool,
        nodes: Vec<MathNode>,
    },
    /// `src` is always a checked `data:image/…;base64,` URL.
    Image {
        alt: String,
        src: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum MathNode {
    /// Letters (a variable; italic).
    Ident(String),
    /// Digits and decimal points.
    Num(String),
    /// A binary operator or relation (spaced).
    Op(String),
    /// Any other symbol, bracket or space (as is).
    Sym(String),
    /// A function name: `\sin`, `\operatorname{…}` (upright, spaced after).
    Func(String),
    /// `\text{…}`, `\mathrm{…}` (upright, verbatim).
    Text(String),
    Bold(Vec<MathNode>),
    Sup(Vec<MathNode>),
    Sub(Vec<MathNode>),
    Frac(Vec<MathNode>, Vec<MathNode>),
    Sqrt {
        index: Option<Vec<MathNode>>,
        body: Vec<MathNode>,
    },
    /// `\overline{…}`, `\bar{…}` over more than one character.
    Overline(Vec<MathNode>),
    /// A command this renderer does not know: its name, shown in italics.
    Unknown(String),
}

// ---------------------------------------------------------------- blocks

struct ListMarker<'a> {
    ordered: bool,
    number: u32,
    content: &'a str,
}

/// `- `, `* `, `• `, `12. ` or `3) ` at the start of the line (after spaces).
fn list_marker(line: &str) -> Option<ListMarker<'_>> {
    let t = line.trim_start();
    for bullet in ['-', '*', '•'] {
        if let Some(rest) = t.strip_prefix(bullet) {
            if rest.starts_with([' ', '\t']) {
                return Some(ListMarker {
                    ordered: false,
                    number: 0,
                    content: rest.trim(),
                });
            }
            // A bullet alone on its line (an HTML item whose text follows).
            if bullet == '•' && rest.trim().is_empty() {
                return Some(ListMarker {
                    ordered: false,
                    number: 0,
                    content: "",
                });
            }
        }
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let rest = &t[digits..];
        if let Some(rest) = rest.strip_prefix(['.', ')']) {
            if rest.starts_with([' ', '\t']) {
                return Some(ListMarker {
                    ordered: true,
                    number: t[..digits].parse().unwrap_or(1),
                    content: rest.trim(),
                });
            }
        }
    }
    None
}

fn is_fence(line: &str) -> bool {
    line.trim_start().starts_with("```")
}

/// Reads question text into blocks (see the module documentation).
pub fn parse(text: &str) -> Vec<Block> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    let one_line = lines.iter().filter(|l| !l.trim().is_empty()).count() <= 1;
    let mut blocks: Vec<Block> = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    // The open list: kind, first number, each item's lines.
    let mut list: Option<(bool, u32, Vec<Vec<&str>>)> = None;

    fn flush_para(para: &mut Vec<&str>, blocks: &mut Vec<Block>) {
        if para.is_empty() {
            return;
        }
        let joined = para.iter().map(|l| l.trim()).collect::<Vec<_>>().join("\n");
        para.clear();
        blocks.push(Block::Para(parse_inline(&joined)));
    }
    type OpenList<'a> = Option<(bool, u32, Vec<Vec<&'a str>>)>;
    fn flush_list(list: &mut OpenList<'_>, blocks: &mut Vec<Block>) {
        if let Some((ordered, start, items)) = list.take() {
            let items: Vec<Vec<Inline>> = items
                .iter()
                .map(|lines| parse_inline(&lines.join("\n")))
                .collect();
            // The same kind of list right before, with only blank lines between: one list.
            if let Some(Block::List {
                ordered: o,
                items: before,
                ..
            }) = blocks.last_mut()
            {
                if *o == ordered {
                    before.extend(items);
                    return;
                }
            }
            blocks.push(Block::List {
                ordered,
                start,
                items,
            });
        }
    }

    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if is_fence(line) {
            flush_para(&mut para, &mut blocks);
            flush_list(&mut list, &mut blocks);
            let mut code = Vec::new();
            while i < lines.len() && !is_fence(lines[i]) {
                code.push(lines[i]);
                i += 1;
            }
            i += 1; // the closing fence
            blocks.push(Block::Code(code.join("\n")));
            continue;
        }
        if line.trim().is_empty() {
            flush_para(&mut para, &mut blocks);
            // A list after blank lines joins the one before (see `flush_list`).
            flush_list(&mut list, &mut blocks);
            continue;
        }
        match list_marker(line).filter(|_| !one_line) {
            Some(m) if !(m.ordered && m.number != 1 && !para.is_empty()) => {
                flush_para(&mut para, &mut blocks);
                match &mut list {
                    Some((ordered, _, items)) if *ordered == m.ordered => {
                        items.push(vec![m.content]);
                    }
                    _ => {
                        flush_list(&mut list, &mut blocks);
                        list = Some((m.ordered, m.number, vec![vec![m.content]]));
                    }
                }
            }
            _ => {
                let indented = line.starts_with([' ', '\t']);
                match &mut list {
                    Some((_, _, items)) if indented => {
                        if let Some(item) = items.last_mut() {
                            item.push(line.trim());
                        }
                    }
                    _ => {
                        flush_list(&mut list, &mut blocks);
                        para.push(line);
                    }
                }
            }
        }
    }
    flush_para(&mut para, &mut blocks);
    flush_list(&mut list, &mut blocks);
    blocks
}

// ---------------------------------------------------------------- inline

/// Characters a backslash keeps literal outside math.
const ESCAPABLE: &[char] = &[
    '\\', '*', '_', '`', '$', '#', '!', '-', '+', '.', '{', '}', '~', '|',
];

fn run_len(s: &[char], i: usize, c: char) -> usize {
    s[i..].iter().take_while(|&&x| x == c).count()
}

fn find_seq(s: &[char], from: usize, pat: &[char]) -> Option<usize> {
    if s.len() < pat.len() {
        return None;
    }
    (from..=s.len() - pat.len()).find(|&j| s[j..j + pat.len()] == *pat)
}

fn collect(s: &[char]) -> String {
    s.iter().collect()
}

fn math(source: &[char], display: bool) -> Inline {
    let source = collect(source);
    Inline::Math {
        nodes: parse_math(&source),
        source: source.trim().to_owned(),
        display,
    }
}

/// Whether `src` is a `data:` URL of an image type shown safely (no SVG).
fn is_safe_image(src: &str) -> bool {
    ["png", "jpeg", "gif", "webp"].iter().any(|t| {
        src.strip_prefix(&format!("data:image/{t};base64,"))
            .is_some_and(|b64| {
                !b64.is_empty()
                    && b64
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
            })
    })
}

/// A code span, formula, escape or image starting at `i`, and where it ends.
fn atom_at(s: &[char], i: usize) -> Option<(Inline, usize)> {
    let next = s.get(i + 1).copied();
    match s[i] {
        '\\' => match next? {
            '(' => {
                let end = find_seq(s, i + 2, &['\\', ')'])?;
                (end > i + 2).then(|| (math(&s[i + 2..end], false), end + 2))
            }
            '[' => {
                let end = find_seq(s, i + 2, &['\\', ']'])?;
                (end > i + 2).then(|| (math(&s[i + 2..end], true), end + 2))
            }
            c if ESCAPABLE.contains(&c) => Some((Inline::Text(c.to_string()), i + 2)),
            _ => None,
        },
        '`' => {
            let n = run_len(s, i, '`');
            let mut j = i + n;
            while j < s.len() {
                if s[j] == '`' {
                    let m = run_len(s, j, '`');
                    if m == n {
                        let mut code: String = s[i + n..j]
                            .iter()
                            .map(|&c| if c == '\n' { ' ' } else { c })
                            .collect();
                        if code.len() >= 2
                            && code.starts_with(' ')
                            && code.ends_with(' ')
                            && !code.trim().is_empty()
                        {
                            code = code[1..code.len() - 1].to_owned();
                        }
                        return Some((Inline::Code(code), j + m));
                    }
                    j += m;
                } else {
                    j += 1;
                }
            }
            None
        }
        '$' if next == Some('$') => {
            let end = find_seq(s, i + 2, &['$', '$'])?;
            let inner = &s[i + 2..end];
            (!inner.iter().all(|c| c.is_whitespace())).then(|| (math(inner, true), end + 2))
        }
        '$' => {
            if next.is_none_or(char::is_whitespace) {
                return None;
            }
            // The next unescaped dollar closes, or nothing does.
            let mut j = i + 1;
            while j < s.len() {
                match s[j] {
                    '\\' => j += 2,
                    '$' => break,
                    _ => j += 1,
                }
            }
            if j >= s.len()
                || s[j - 1].is_whitespace()
                || s.get(j + 1).is_some_and(char::is_ascii_digit)
            {
                return None;
            }
            Some((math(&s[i + 1..j], false), j + 1))
        }
        '!' if next == Some('[') => {
            let close = (i + 2..s.len()).find(|&j| matches!(s[j], ']' | '[' | '\n'))?;
            if s[close] != ']' || s.get(close + 1) != Some(&'(') {
                return None;
            }
            let end = (close + 2..s.len()).find(|&j| s[j] == ')')?;
            let src = collect(&s[close + 2..end]);
            is_safe_image(src.trim()).then(|| {
                (
                    Inline::Image {
                        alt: collect(&s[i + 2..close]).trim().to_owned(),
                        src: src.trim().to_owned(),
                    },
                    end + 1,
                )
            })
        }
        _ => None,
    }
}

/// `*x*`, `**x**`, `_x_` or `__x__` starting at `i`, and where it ends.
fn emphasis_at(s: &[char], i: usize) -> Option<(Inline, usize)> {
    let c = s[i];
    let n = run_len(s, i, c);
    if n > 2 {
        return None;
    }
    let before_ok = i == 0 || !s[i - 1].is_alphanumeric();
    let after_ok = s.get(i + n).is_some_and(|x| !x.is_whitespace());
    if !before_ok || !after_ok {
        return None;
    }
    let mut j = i + n;
    while j < s.len() {
        if let Some((_, end)) = atom_at(s, j) {
            j = end;
            continue;
        }
        if s[j] == c {
            let m = run_len(s, j, c);
            let closes = m == n
                && !s[j - 1].is_whitespace()
                && !s.get(j + m).is_some_and(|x| x.is_alphanumeric());
            if closes {
                let inner = inlines_of(&s[i + n..j]);
                let node = if n == 2 {
                    Inline::Strong(inner)
                } else {
                    Inline::Emph(inner)
                };
                return Some((node, j + m));
            }
            j += m;
        } else {
            j += 1;
        }
    }
    None
}

fn push_text(out: &mut Vec<Inline>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Inline::Text(t)) = out.last_mut() {
        t.push_str(text);
    } else {
        out.push(Inline::Text(text.to_owned()));
    }
}

fn inlines_of(s: &[char]) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if let Some((node, end)) = atom_at(s, i) {
            match node {
                Inline::Text(t) => push_text(&mut out, &t),
                node => out.push(node),
            }
            i = end;
            continue;
        }
        let c = s[i];
        match c {
            '*' | '_' => {
                if let Some((node, end)) = emphasis_at(s, i) {
                    out.push(node);
                    i = end;
                } else {
                    // The whole run: its second half opens nothing either.
                    let n = run_len(s, i, c);
                    push_text(&mut out, &collect(&s[i..i + n]));
                    i += n;
                }
            }
            // An unmatched run stays whole, so a shorter run inside opens nothing.
            '`' | '$' => {
                let n = run_len(s, i, c).min(if c == '$' { 2 } else { usize::MAX });
                push_text(&mut out, &collect(&s[i..i + n]));
                i += n;
            }
            '\n' => {
                out.push(Inline::Break);
                i += 1;
            }
            _ => {
                let mut buf = [0; 4];
                push_text(&mut out, c.encode_utf8(&mut buf));
                i += 1;
            }
        }
    }
    out
}

/// Reads one run of text (no blocks): emphasis, code, math, images, escapes;
/// each newline is a [`Inline::Break`].
pub fn parse_inline(text: &str) -> Vec<Inline> {
    let chars: Vec<char> = text.chars().collect();
    inlines_of(&chars)
}

// ---------------------------------------------------------------- math

struct MathParser<'a> {
    s: &'a [char],
    i: usize,
}

fn greek(name: &str) -> Option<(char, bool)> {
    // (letter, lower case)
    const LOWER: &[(&str, char)] = &[
        ("alpha", 'α'),
        ("beta", 'β'),
        ("gamma", 'γ'),
        ("delta", 'δ'),
        ("epsilon", 'ϵ'),
        ("varepsilon", 'ε'),
        ("zeta", 'ζ'),
        ("eta", 'η'),
        ("theta", 'θ'),
        ("vartheta", 'ϑ'),
        ("iota", 'ι'),
        ("kappa", 'κ'),
        ("lambda", 'λ'),
        ("mu", 'μ'),
        ("nu", 'ν'),
        ("xi", 'ξ'),
        ("omicron", 'ο'),
        ("pi", 'π'),
        ("varpi", 'ϖ'),
        ("rho", 'ρ'),
        ("varrho", 'ϱ'),
        ("sigma", 'σ'),
        ("varsigma", 'ς'),
        ("tau", 'τ'),
        ("upsilon", 'υ'),
        ("phi", 'ϕ'),
        ("varphi", 'φ'),
        ("chi", 'χ'),
        ("psi", 'ψ'),
        ("omega", 'ω'),
    ];
    const UPPER: &[(&str, char)] = &[
        ("Alpha", 'Α'),
        ("Beta", 'Β'),
        ("Gamma", 'Γ'),
        ("Delta", 'Δ'),
        ("Epsilon", 'Ε'),
        ("Zeta", 'Ζ'),
        ("Eta", 'Η'),
        ("Theta", 'Θ'),
        ("Iota", 'Ι'),
        ("Kappa", 'Κ'),
        ("Lambda", 'Λ'),
        ("Mu", 'Μ'),
        ("Nu", 'Ν'),
        ("Xi", 'Ξ'),
        ("Omicron", 'Ο'),
        ("Pi", 'Π'),
        ("Rho", 'Ρ'),
        ("Sigma", 'Σ'),
        ("Tau", 'Τ'),
        ("Upsilon", 'Υ'),
        ("Phi", 'Φ'),
        ("Chi", 'Χ'),
        ("Psi", 'Ψ'),
        ("Omega", 'Ω'),
    ];
    LOWER
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, c)| (c, true))
        .or_else(|| {
            UPPER
                .iter()
                .find(|(n, _)| *n == name)
                .map(|&(_, c)| (c, false))
        })
}

/// Operators and relations (spaced), then other symbols.
fn symbol(name: &str) -> Option<MathNode> {
    let op = |s: &str| Some(MathNode::Op(s.to_owned()));
    let sym = |s: &str| Some(MathNode::Sym(s.to_owned()));
    match name {
        "times" => op("×"),
        "cdot" => op("⋅"),
        "div" => op("÷"),
        "pm" => op("±"),
        "mp" => op("∓"),
        "ast" => op("∗"),
        "star" => op("⋆"),
        "oplus" => op("⊕"),
        "otimes" => op("⊗"),
        "le" | "leq" => op("≤"),
        "ge" | "geq" => op("≥"),
        "lt" => op("<"),
        "gt" => op(">"),
        "ll" => op("≪"),
        "gg" => op("≫"),
        "ne" | "neq" => op("≠"),
        "approx" => op("≈"),
        "equiv" => op("≡"),
        "sim" => op("∼"),
        "simeq" => op("≃"),
        "cong" => op("≅"),
        "propto" => op("∝"),
        "perp" => op("⊥"),
        "parallel" => op("∥"),
        "mid" => op("∣"),
        "to" | "rightarrow" => op("→"),
        "Rightarrow" | "implies" => op("⇒"),
        "leftarrow" | "gets" => op("←"),
        "Leftarrow" => op("⇐"),
        "leftrightarrow" => op("↔"),
        "Leftrightarrow" | "iff" => op("⇔"),
        "longrightarrow" => op("⟶"),
        "mapsto" => op("↦"),
        "uparrow" => op("↑"),
        "downarrow" => op("↓"),
        "in" => op("∈"),
        "notin" => op("∉"),
        "ni" => op("∋"),
        "subset" => op("⊂"),
        "subseteq" => op("⊆"),
        "supset" => op("⊃"),
        "supseteq" => op("⊇"),
        "cup" => op("∪"),
        "cap" => op("∩"),
        "setminus" => op("∖"),
        "land" | "wedge" => op("∧"),
        "lor" | "vee" => op("∨"),
        "infty" => sym("∞"),
        "sum" => sym("∑"),
        "prod" => sym("∏"),
        "int" => sym("∫"),
        "iint" => sym("∬"),
        "oint" => sym("∮"),
        "partial" => sym("∂"),
        "nabla" => sym("∇"),
        "forall" => sym("∀"),
        "exists" => sym("∃"),
        "neg" | "lnot" => sym("¬"),
        "emptyset" | "varnothing" => sym("∅"),
        "angle" => sym("∠"),
        "triangle" => sym("△"),
        "degree" => sym("°"),
        "circ" => sym("∘"),
        "prime" => sym("′"),
        "ell" => sym("ℓ"),
        "hbar" => sym("ℏ"),
        "dots" | "ldots" => sym("…"),
        "cdots" => sym("⋯"),
        "vdots" => sym("⋮"),
        "langle" => sym("⟨"),
        "rangle" => sym("⟩"),
        "lfloor" => sym("⌊"),
        "rfloor" => sym("⌋"),
        "lceil" => sym("⌈"),
        "rceil" => sym("⌉"),
        "lbrace" => sym("{"),
        "rbrace" => sym("}"),
        "vert" => sym("|"),
        "Vert" => sym("‖"),
        "backslash" => sym("\\"),
        "percent" => sym("%"),
        "quad" => sym("\u{2003}"),
        "qquad" => sym("\u{2003}\u{2003}"),
        _ => None,
    }
}

const FUNCTIONS: &[&str] = &[
    "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
    "log", "ln", "lg", "exp", "lim", "max", "min", "sup", "inf", "det", "gcd", "deg", "dim", "ker",
    "arg", "Pr", "mod", "bmod",
];

/// Commands that only size or style and are safely ignored here.
const LAYOUT: &[&str] = &[
    "left",
    "right",
    "middle",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "bigl",
    "bigr",
    "Bigl",
    "Bigr",
    "biggl",
    "biggr",
    "Biggl",
    "Biggr",
    "displaystyle",
    "textstyle",
    "scriptstyle",
    "limits",
    "nolimits",
    "mathit",
    "mathnormal",
];

fn double_struck(c: char) -> Option<char> {
    Some(match c {
        'R' => 'ℝ',
        'N' => 'ℕ',
        'Z' => 'ℤ',
        'Q' => 'ℚ',
        'C' => 'ℂ',
        'P' => 'ℙ',
        'H' => 'ℍ',
        _ => return None,
    })
}

impl MathParser<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.i += 1;
        }
    }

    /// Nodes up to `until` (consumed) or the end.
    fn seq(&mut self, until: Option<char>) -> Vec<MathNode> {
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            if Some(c) == until {
                self.i += 1;
                return out;
            }
            self.node(&mut out);
        }
        out
    }

    /// One argument: a `{group}`, a command, or one character.
    fn arg(&mut self) -> Vec<MathNode> {
        self.skip_spaces();
        let mut out = Vec::new();
        match self.peek() {
            None => {}
            Some('{') => {
                self.i += 1;
                out = self.seq(Some('}'));
            }
            Some('\\') => self.command(&mut out),
            Some(c) => {
                self.i += 1;
                self.char_node(c, &mut out);
            }
        }
        out
    }

    /// A `{…}` argument's text, verbatim (nested braces kept), or one character.
    fn raw_arg(&mut self) -> String {
        self.skip_spaces();
        match self.peek() {
            None => String::new(),
            Some('{') => {
                self.i += 1;
                let mut depth = 0;
                let mut text = String::new();
                while let Some(c) = self.peek() {
                    self.i += 1;
                    match c {
                        '\\' => {
                            // `\{`, `\}`, `\%`… stand for the character.
                            if let Some(n) = self.peek() {
                                self.i += 1;
                                text.push(n);
                            }
                            continue;
                        }
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    text.push(c);
                }
                text
            }
            Some(c) => {
                self.i += 1;
                c.to_string()
            }
        }
    }

    fn node(&mut self, out: &mut Vec<MathNode>) {
        let Some(c) = self.peek() else { return };
        self.i += 1;
        match c {
            '{' => {
                let inner = self.seq(Some('}'));
                out.extend(inner);
            }
            '^' => {
                let a = self.arg();
                out.push(MathNode::Sup(a));
            }
            '_' => {
                let a = self.arg();
                out.push(MathNode::Sub(a));
            }
            '\\' => {
                self.i -= 1;
                self.command(out);
            }
            c if c.is_whitespace() => {}
            c if c.is_ascii_digit()
                || (c == '.' && self.peek().is_some_and(|n| n.is_ascii_digit())) =>
            {
                let mut num = c.to_string();
                while let Some(n) = self.peek() {
                    let decimal =
                        n == '.' && self.s.get(self.i + 1).is_some_and(|d| d.is_ascii_digit());
                    if n.is_ascii_digit() || decimal {
                        num.push(n);
                        self.i += 1;
                    } else {
                        break;
                    }
                }
                out.push(MathNode::Num(num));
            }
            c if c.is_alphabetic() => {
                let mut name = c.to_string();
                while let Some(n) = self.peek().filter(|n| n.is_alphabetic()) {
                    name.push(n);
                    self.i += 1;
                }
                out.push(MathNode::Ident(name));
            }
            c => self.char_node(c, out),
        }
    }

    /// One character that is not a command.
    fn char_node(&mut self, c: char, out: &mut Vec<MathNode>) {
        let node = match c {
            '+' | '-' => {
                let sign = if c == '-' { "−" } else { "+" };
                // A sign at the start, after an operator or an opening bracket is unary.
                let unary = match out.last() {
                    None | Some(MathNode::Op(_)) => true,
                    Some(MathNode::Sym(s)) => matches!(s.as_str(), "(" | "[" | "{" | "," | "|"),
                    _ => false,
                };
                if unary {
                    MathNode::Sym(sign.into())
                } else {
                    MathNode::Op(sign.into())
                }
            }
            '=' | '<' | '>' => MathNode::Op(c.to_string()),
            '*' => MathNode::Op("∗".into()),
            '\'' => MathNode::Sym("′".into()),
            '~' => MathNode::Sym("\u{a0}".into()),
            '&' => MathNode::Sym(" ".into()),
            c if c.is_ascii_digit() => MathNode::Num(c.to_string()),
            c if c.is_alphabetic() => MathNode::Ident(c.to_string()),
            c => MathNode::Sym(c.to_string()),
        };
        out.push(node);
    }

    fn command(&mut self, out: &mut Vec<MathNode>) {
        self.i += 1; // the backslash
        let Some(first) = self.peek() else {
            out.push(MathNode::Sym("\\".into()));
            return;
        };
        if !first.is_ascii_alphabetic() {
            self.i += 1;
            let s = match first {
                ',' => "\u{2009}",
                ':' | ';' | '>' => "\u{2005}",
                ' ' => "\u{a0}",
                '!' => return,
                '\\' => " ",
                '|' => "‖",
                _ => {
                    out.push(MathNode::Sym(first.to_string()));
                    return;
                }
            };
            out.push(MathNode::Sym(s.into()));
            return;
        }
        let mut name = String::new();
        while let Some(c) = self.peek().filter(char::is_ascii_alphabetic) {
            name.push(c);
            self.i += 1;
        }
        match name.as_str() {
            "frac" | "dfrac" | "tfrac" | "cfrac" => {
                let num = self.arg();
                let den = self.arg();
                out.push(MathNode::Frac(num, den));
            }
            "sqrt" => {
                self.skip_spaces();
                let index = (self.peek() == Some('[')).then(|| {
                    self.i += 1;
                    self.seq(Some(']'))
                });
                let body = self.arg();
                out.push(MathNode::Sqrt { index, body });
            }
            "text" | "textrm" | "textnormal" | "mbox" | "mathrm" | "textup" | "textit" => {
                let text = self.raw_arg();
                out.push(MathNode::Text(text));
            }
            "operatorname" => {
                let text = self.raw_arg();
                out.push(MathNode::Func(text));
            }
            "mathbf" | "boldsymbol" | "bm" | "textbf" => {
                let a = self.arg();
                out.push(MathNode::Bold(a));
            }
            "mathbb" => {
                let text = self.raw_arg();
                let mapped: Option<String> = text.trim().chars().map(double_struck).collect();
                match mapped {
                    Some(s) if !s.is_empty() => out.push(MathNode::Sym(s)),
                    _ => out.push(MathNode::Bold(vec![MathNode::Ident(text)])),
                }
            }
            "vec" | "hat" | "widehat" | "bar" | "overline" | "dot" | "ddot" | "tilde"
            | "widetilde" => {
                let body = self.arg();
                let mark = match name.as_str() {
                    "vec" => '\u{20d7}',
                    "hat" | "widehat" => '\u{302}',
                    "bar" | "overline" => '\u{305}',
                    "dot" => '\u{307}',
                    "ddot" => '\u{308}',
                    _ => '\u{303}',
                };
                // One letter takes a combining mark; anything longer a line or the mark after.
                match body.as_slice() {
                    [MathNode::Ident(s)] if s.chars().count() == 1 => {
                        out.push(MathNode::Ident(format!("{s}{mark}")))
                    }
                    _ if mark == '\u{305}' => out.push(MathNode::Overline(body)),
                    _ => {
                        out.extend(body);
                        out.push(MathNode::Sym(mark.to_string()));
                    }
                }
            }
            "not" => {
                let next = self.arg();
                let negated = match next.as_slice() {
                    [MathNode::Op(s)] if s == "=" => MathNode::Op("≠".into()),
                    [MathNode::Op(s)] if s == "∈" => MathNode::Op("∉".into()),
                    [MathNode::Op(s)] => MathNode::Op(format!("{s}\u{338}")),
                    _ => {
                        out.push(MathNode::Sym("¬".into()));
                        out.extend(next);
                        return;
                    }
                };
                out.push(negated);
            }
            n if LAYOUT.contains(&n) => {
                // `\left.` is an empty delimiter; any other is drawn as itself next.
                self.skip_spaces();
                if matches!(n, "left" | "right" | "middle") && self.peek() == Some('.') {
                    self.i += 1;
                }
            }
            n if FUNCTIONS.contains(&n) => out.push(MathNode::Func(n.to_owned())),
            n => {
                if let Some((c, lower)) = greek(n) {
                    out.push(if lower {
                        MathNode::Ident(c.to_string())
                    } else {
                        MathNode::Sym(c.to_string())
                    });
                } else if let Some(node) = symbol(n) {
                    out.push(node);
                } else {
                    out.push(MathNode::Unknown(n.to_owned()));
                }
            }
        }
    }
}

/// Reads LaTeX math (without its delimiters) into nodes.
pub fn parse_math(src: &str) -> Vec<MathNode> {
    let chars: Vec<char> = src.chars().collect();
    let mut p = MathParser { s: &chars, i: 0 };
    // At the top, a stray closing brace is a symbol like any other.
    p.seq(None)
}

// ---------------------------------------------------------------- plain text

fn superscript(c: char) -> Option<char> {
    Some(match c {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4' => '⁴',
        '5' => '⁵',
        '6' => '⁶',
        '7' => '⁷',
        '8' => '⁸',
        '9' => '⁹',
        '+' => '⁺',
        '−' | '-' => '⁻',
        '=' => '⁼',
        '(' => '⁽',
        ')' => '⁾',
        'n' => 'ⁿ',
        'i' => 'ⁱ',
        '∘' | '°' => '°',
        '′' => '′',
        _ => return None,
    })
}

fn subscript(c: char) -> Option<char> {
    Some(match c {
        '0' => '₀',
        '1' => '₁',
        '2' => '₂',
        '3' => '₃',
        '4' => '₄',
        '5' => '₅',
        '6' => '₆',
        '7' => '₇',
        '8' => '₈',
        '9' => '₉',
        '+' => '₊',
        '−' | '-' => '₋',
        '=' => '₌',
        '(' => '₍',
        ')' => '₎',
        _ => return None,
    })
}

fn math_plain(nodes: &[MathNode]) -> String {
    let mut out = String::new();
    for n in nodes {
        match n {
            MathNode::Ident(s) | MathNode::Num(s) | MathNode::Sym(s) | MathNode::Text(s) => {
                out.push_str(s)
            }
            MathNode::Unknown(s) => out.push_str(s),
            MathNode::Func(s) => {
                out.push_str(s);
                out.push(' ');
            }
            MathNode::Op(s) => {
                out.push(' ');
                out.push_str(s);
                out.push(' ');
            }
            MathNode::Bold(v) | MathNode::Overline(v) => out.push_str(&math_plain(v)),
            MathNode::Sup(v) | MathNode::Sub(v) => {
                let inner = math_plain(v);
                let inner = inner.trim();
                let map = if matches!(n, MathNode::Sup(_)) {
                    superscript
                } else {
                    subscript
                };
                let mapped: Option<String> = inner.chars().map(map).collect();
                match mapped {
                    Some(s) if !s.is_empty() => out.push_str(&s),
                    _ => {
                        out.push(if matches!(n, MathNode::Sup(_)) {
                            '^'
                        } else {
                            '_'
                        });
                        out.push_str(&wrapped(v));
                    }
                }
            }
            MathNode::Frac(a, b) => {
                out.push_str(&wrapped(a));
                out.push('/');
                out.push_str(&wrapped(b));
            }
            MathNode::Sqrt { index, body } => {
                if let Some(index) = index {
                    let i = math_plain(index);
                    let mapped: Option<String> = i.trim().chars().map(superscript).collect();
                    out.push_str(&mapped.unwrap_or(i));
                }
                out.push('√');
                out.push_str(&wrapped(body));
            }
        }
    }
    out
}

/// `x` or `(x + 1)`: brackets when more than one node.
fn wrapped(nodes: &[MathNode]) -> String {
    let s = math_plain(nodes).trim().to_owned();
    if nodes.len() > 1 {
        format!("({s})")
    } else {
        s
    }
}

fn inline_plain(nodes: &[Inline], out: &mut String) {
    for n in nodes {
        match n {
            Inline::Text(s) | Inline::Code(s) => out.push_str(s),
            Inline::Break => out.push(' '),
            Inline::Strong(v) | Inline::Emph(v) => inline_plain(v, out),
            Inline::Math { nodes, .. } => {
                let m = math_plain(nodes);
                out.push_str(&m.split_whitespace().collect::<Vec<_>>().join(" "))
            }
            Inline::Image { alt, .. } => out.push_str(alt),
        }
    }
}

/// The text on one line without markup: for `<option>`s and `aria-label`s.
pub fn plain(text: &str) -> String {
    let mut parts = Vec::new();
    for b in parse(text) {
        match b {
            Block::Para(v) => {
                let mut s = String::new();
                inline_plain(&v, &mut s);
                parts.push(s);
            }
            Block::List { items, .. } => {
                for item in items {
                    let mut s = String::from("• ");
                    inline_plain(&item, &mut s);
                    parts.push(s);
                }
            }
            Block::Code(code) => parts.push(code),
        }
    }
    parts
        .iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------- Html

fn is_script(n: &MathNode) -> bool {
    matches!(n, MathNode::Sup(_) | MathNode::Sub(_))
}

/// A node and the scripts after it stay on one line: `<span class="scripted">`.
fn math_html(nodes: &[MathNode]) -> Html {
    let mut out: Vec<Html> = Vec::new();
    let mut i = 0;
    while i < nodes.len() {
        let scripts = nodes[i + 1..].iter().take_while(|n| is_script(n)).count();
        if scripts > 0 && !is_script(&nodes[i]) {
            let group = &nodes[i..i + 1 + scripts];
            out.push(html! {
                <span class="scripted">{ for group.iter().map(math_node_html) }</span>
            });
            i += 1 + scripts;
        } else {
            out.push(math_node_html(&nodes[i]));
            i += 1;
        }
    }
    out.into_iter().collect::<Html>()
}

fn math_node_html(n: &MathNode) -> Html {
    match n {
        MathNode::Ident(s) => html! { <span class="mi">{s.clone()}</span> },
        MathNode::Num(s) | MathNode::Sym(s) => html! { {s.clone()} },
        MathNode::Op(s) => html! { <span class="mo">{s.clone()}</span> },
        MathNode::Func(s) => html! { <span class="mfn">{s.clone()}</span> },
        MathNode::Text(s) => html! { <span class="mtext">{s.clone()}</span> },
        MathNode::Bold(v) => html! { <b class="mbold">{math_html(v)}</b> },
        MathNode::Sup(v) => html! { <sup>{math_html(v)}</sup> },
        MathNode::Sub(v) => html! { <sub>{math_html(v)}</sub> },
        MathNode::Frac(a, b) => html! {
            <span class="frac">
                <span class="num">{math_html(a)}</span>
                <span class="frac-sep">{"⁄"}</span>
                <span class="den">{math_html(b)}</span>
            </span>
        },
        MathNode::Sqrt { index, body } => html! {
            <span class="sqrt">
                if let Some(index) = index {
                    <span class="root-index">{math_html(index)}</span>
                }
                <span class="radical">{"√"}</span>
                <span class="radicand">{math_html(body)}</span>
            </span>
        },
        MathNode::Overline(v) => html! { <span class="overline">{math_html(v)}</span> },
        MathNode::Unknown(name) => html! {
            <i class="unknown-command" title={format!("\\{name}")}>{name.clone()}</i>
        },
    }
}

fn inline_html(n: &Inline) -> Html {
    match n {
        Inline::Text(s) => html! { {s.clone()} },
        Inline::Break => html! { <br /> },
        Inline::Code(s) => html! { <code>{s.clone()}</code> },
        Inline::Strong(v) => html! { <strong>{inlines_html(v)}</strong> },
        Inline::Emph(v) => html! { <em>{inlines_html(v)}</em> },
        Inline::Math {
            source,
            display,
            nodes,
        } => html! {
            <span class={classes!("math", display.then_some("math-display"))} role="math"
                aria-label={source.clone()}>{math_html(nodes)}</span>
        },
        Inline::Image { alt, src } => html! {
            <img class="q-image" src={src.clone()} alt={alt.clone()} />
        },
    }
}

fn inlines_html(v: &[Inline]) -> Html {
    v.iter().map(inline_html).collect::<Html>()
}

fn block_html(b: &Block) -> Html {
    match b {
        Block::Para(v) => html! { <p>{inlines_html(v)}</p> },
        Block::List {
            ordered: false,
            items,
            ..
        } => html! {
            <ul>{ for items.iter().map(|i| html! { <li>{inlines_html(i)}</li> }) }</ul>
        },
        Block::List {
            ordered: true,
            start,
            items,
        } => html! {
            <ol start={(*start != 1).then(|| start.to_string())}>
                { for items.iter().map(|i| html! { <li>{inlines_html(i)}</li> }) }
            </ol>
        },
        Block::Code(code) => html! { <pre><code>{code.clone()}</code></pre> },
    }
}

/// Where the text goes, which decides how it is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Flow {
    /// Paragraphs, lists and code blocks (prompts, section instructions).
    #[default]
    Block,
    /// Like `Block`, but one paragraph comes without its `<p>` (option labels,
    /// items, table cells).
    Inline,
    /// One run of text with its line breaks: a cloze text part.
    Cloze,
}

#[derive(Properties, PartialEq)]
pub struct RichTextProps {
    pub text: AttrValue,
    #[prop_or_default]
    pub flow: Flow,
}

/// The text, formatted (see the module documentation). Re-renders only when
/// the text changes.
#[function_component(RichText)]
pub fn rich_text(p: &RichTextProps) -> Html {
    to_html(&p.text, p.flow)
}

/// The text as nodes, read for `flow` ([`RichText`] without its memo).
pub fn to_html(text: &str, flow: Flow) -> Html {
    match flow {
        Flow::Cloze => inlines_html(&parse_inline(text)),
        flow => {
            let blocks = parse(text);
            match blocks.as_slice() {
                [Block::Para(v)] if flow == Flow::Inline => inlines_html(v),
                _ => blocks.iter().map(block_html).collect::<Html>(),
            }
        }
    }
}

// ---------------------------------------------------------------- tests

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }
    fn para(v: Vec<Inline>) -> Block {
        Block::Para(v)
    }
    fn ident(s: &str) -> MathNode {
        MathNode::Ident(s.into())
    }
    fn num(s: &str) -> MathNode {
        MathNode::Num(s.into())
    }
    fn op(s: &str) -> MathNode {
        MathNode::Op(s.into())
    }
    fn sym(s: &str) -> MathNode {
        MathNode::Sym(s.into())
    }
    /// The formula of a text that is one inline formula.
    fn only_math(s: &str) -> (String, bool, Vec<MathNode>) {
        match parse_inline(s).as_slice() {
            [Inline::Math {
                source,
                display,
                nodes,
            }] => (source.clone(), *display, nodes.clone()),
            other => panic!("not one formula: {other:?}"),
        }
    }

    #[test]
    fn plain_text_is_one_paragraph() {
        assert_eq!(
            parse("Which number is prime?"),
            vec![para(vec![text("Which number is prime?")])]
        );
        assert_eq!(parse(""), vec![]);
        assert_eq!(parse("  \n\n "), vec![]);
    }

    #[test]
    fn blank_lines_separate_paragraphs_and_newlines_break_lines() {
        assert_eq!(
            parse("First line\nsecond line\n\n\nNext paragraph\r\n"),
            vec![
                para(vec![text("First line"), Inline::Break, text("second line")]),
                para(vec![text("Next paragraph")]),
            ]
        );
        // Spaces around a line break are dropped; a line of spaces is blank.
        assert_eq!(
            parse("a  \n   b\n   \nc"),
            vec![
                para(vec![text("a"), Inline::Break, text("b")]),
                para(vec![text("c")])
            ]
        );
    }

    #[test]
    fn bullet_lines_make_unordered_lists() {
        let list = |items: &[&str]| Block::List {
            ordered: false,
            start: 0,
            items: items.iter().map(|i| vec![text(i)]).collect(),
        };
        assert_eq!(
            parse("Which are planets?\n- Mars\n- Pluto\n* Venus\n• Moon"),
            vec![
                para(vec![text("Which are planets?")]),
                list(&["Mars", "Pluto", "Venus", "Moon"]),
            ]
        );
        // Imported HTML: bullets separated by blank lines are still one list.
        assert_eq!(
            parse("• Why?\n\n• How?\n\nDone."),
            vec![list(&["Why?", "How?"]), para(vec![text("Done.")])]
        );
        // An indented line continues the item; an unindented one ends the list.
        assert_eq!(
            parse("- one\n  more\nafter"),
            vec![
                Block::List {
                    ordered: false,
                    start: 0,
                    items: vec![vec![text("one"), Inline::Break, text("more")]],
                },
                para(vec![text("after")]),
            ]
        );
        // Not markers: no space after them.
        assert_eq!(
            parse("-5 is negative\n*not a list*"),
            vec![para(vec![
                text("-5 is negative"),
                Inline::Break,
                Inline::Emph(vec![text("not a list")]),
            ])]
        );
    }

    #[test]
    fn numbered_lines_make_ordered_lists() {
        let items = |v: &[&str]| v.iter().map(|i| vec![text(i)]).collect::<Vec<_>>();
        assert_eq!(
            parse("Order these:\n1. first\n2. second\n10. tenth"),
            vec![
                para(vec![text("Order these:")]),
                Block::List {
                    ordered: true,
                    start: 1,
                    items: items(&["first", "second", "tenth"]),
                },
            ]
        );
        assert_eq!(
            parse("2) b\n3) c"),
            vec![Block::List {
                ordered: true,
                start: 2,
                items: items(&["b", "c"]),
            }]
        );
        // A number other than 1 does not interrupt a paragraph.
        assert_eq!(
            parse("Written in\n1984. By Orwell"),
            vec![para(vec![
                text("Written in"),
                Inline::Break,
                text("1984. By Orwell")
            ])]
        );
        // One line alone is text, whatever it starts with.
        for s in ["1. Paris", "- 5", "• Why?", "2) b"] {
            assert_eq!(parse(s), vec![para(vec![text(s)])], "{s:?}");
        }
        // Kinds switch: two lists.
        assert_eq!(
            parse("- a\n1. b").len(),
            2,
            "an unordered and an ordered list"
        );
    }

    #[test]
    fn emphasis_and_strong() {
        assert_eq!(
            parse_inline("a **bold** and __strong__ word"),
            vec![
                text("a "),
                Inline::Strong(vec![text("bold")]),
                text(" and "),
                Inline::Strong(vec![text("strong")]),
                text(" word"),
            ]
        );
        assert_eq!(
            parse_inline("*it* and _it_."),
            vec![
                Inline::Emph(vec![text("it")]),
                text(" and "),
                Inline::Emph(vec![text("it")]),
                text("."),
            ]
        );
        assert_eq!(
            parse_inline("**very *nested* text**"),
            vec![Inline::Strong(vec![
                text("very "),
                Inline::Emph(vec![text("nested")]),
                text(" text"),
            ])]
        );
        assert_eq!(
            parse_inline("(*see* this)"),
            vec![text("("), Inline::Emph(vec![text("see")]), text(" this)")]
        );
    }

    #[test]
    fn emphasis_is_conservative() {
        for s in [
            "2*3*4",
            "file_name_here",
            "snake_case_name",
            "5 * 3",
            "5 * 3 * 2",
            "a * b*",
            "*unclosed",
            "un*frigging*believable",
            "***three***",
            "** not bold **",
            "x__y",
        ] {
            assert_eq!(parse_inline(s), vec![text(s)], "{s:?} stays literal");
        }
        // Inside words a delimiter stays, around them it works.
        assert_eq!(
            parse_inline("_file_name_"),
            vec![Inline::Emph(vec![text("file_name")])]
        );
    }

    #[test]
    fn backslash_escapes_keep_the_character() {
        assert_eq!(
            parse_inline(r"\*not italic\* \_ \` \$5 \\ \q"),
            vec![text(r"*not italic* _ ` $5 \ \q")]
        );
        assert_eq!(
            parse_inline(r"*a\*b*"),
            vec![Inline::Emph(vec![text("a*b")])]
        );
        assert_eq!(
            parse(r"\- not a list"),
            vec![para(vec![text("- not a list")])]
        );
    }

    #[test]
    fn code_spans_are_verbatim() {
        assert_eq!(
            parse_inline("Run `x = a*b*c` now"),
            vec![text("Run "), Inline::Code("x = a*b*c".into()), text(" now")]
        );
        assert_eq!(parse_inline("`` a`b ``"), vec![Inline::Code("a`b".into())]);
        assert_eq!(
            parse_inline(r"`\*` and `$x$`"),
            vec![
                Inline::Code(r"\*".into()),
                text(" and "),
                Inline::Code("$x$".into())
            ]
        );
        assert_eq!(parse_inline("a ` b"), vec![text("a ` b")]);
        // Emphasis does not close inside code.
        assert_eq!(
            parse_inline("*a `b*` c*"),
            vec![Inline::Emph(vec![
                text("a "),
                Inline::Code("b*".into()),
                text(" c")
            ])]
        );
    }

    #[test]
    fn fenced_code_blocks() {
        assert_eq!(
            parse("Output?\n```\nfor i in x:\n    print(*i)\n\nend\n```\nAfter"),
            vec![
                para(vec![text("Output?")]),
                Block::Code("for i in x:\n    print(*i)\n\nend".into()),
                para(vec![text("After")]),
            ]
        );
        assert_eq!(
            parse("```python\n<b>x</b>"),
            vec![Block::Code("<b>x</b>".into())]
        );
    }

    #[test]
    fn html_looking_text_stays_literal() {
        let s = "<b>bold?</b> <script>alert(1)</script> &amp; <img src=x onerror=y>";
        assert_eq!(parse(s), vec![para(vec![text(s)])]);
        assert_eq!(plain(s), s);
    }

    #[test]
    fn images_only_from_safe_data_urls() {
        assert_eq!(
            parse_inline("See ![Fig 1](data:image/png;base64,iVBORw0K+/=) here"),
            vec![
                text("See "),
                Inline::Image {
                    alt: "Fig 1".into(),
                    src: "data:image/png;base64,iVBORw0K+/=".into()
                },
                text(" here"),
            ]
        );
        for s in [
            "![x](https://example.com/a.png)",
            "![x](data:image/svg+xml;base64,PHN2Zz4=)",
            "![x](javascript:alert(1))",
            "![x](data:image/png;base64,a\"onload=b)",
            "[image: Fig 1]",
        ] {
            assert!(
                !parse_inline(s)
                    .iter()
                    .any(|n| matches!(n, Inline::Image { .. })),
                "{s:?} is no image"
            );
        }
    }

    #[test]
    fn inline_math_delimiters() {
        let (source, display, nodes) = only_math(r"\(x^2\)");
        assert_eq!(source, "x^2");
        assert!(!display);
        assert_eq!(nodes, vec![ident("x"), MathNode::Sup(vec![num("2")])]);
        let (source, display, _) = only_math("$a+b$");
        assert_eq!((source.as_str(), display), ("a+b", false));
        assert_eq!(
            parse_inline("Solve $2x = 4$ for x."),
            vec![
                text("Solve "),
                Inline::Math {
                    source: "2x = 4".into(),
                    display: false,
                    nodes: vec![num("2"), ident("x"), op("="), num("4")],
                },
                text(" for x."),
            ]
        );
    }

    #[test]
    fn display_math_delimiters() {
        let (source, display, _) = only_math("$$\\sum x$$");
        assert_eq!((source.as_str(), display), (r"\sum x", true));
        let (source, display, _) = only_math(r"\[ E = mc^2 \]");
        assert_eq!((source.as_str(), display), ("E = mc^2", true));
        // Across lines of one paragraph.
        assert!(matches!(
            parse("Compute\n$$\n\\frac{1}{2}\n$$").as_slice(),
            [Block::Para(v)] if matches!(v.last(), Some(Inline::Math { display: true, .. }))
        ));
    }

    #[test]
    fn dollars_for_money_stay_text() {
        for s in [
            "$5 and $10",
            "It costs $5.",
            "$ x $",
            "from $20,000 to $30,000",
            "$x $",
            "$$ unclosed",
            r"\(unclosed",
        ] {
            assert_eq!(parse_inline(s), vec![text(s)], "{s:?} stays text");
        }
        // The money stays text; a later formula still works.
        assert!(matches!(
            parse_inline("Pay $5 or $x$").as_slice(),
            [Inline::Text(t), Inline::Math { source, .. }] if t == "Pay $5 or " && source == "x"
        ));
    }

    #[test]
    fn superscripts_and_subscripts() {
        assert_eq!(
            parse_math("x_{i+1}^{2n}"),
            vec![
                ident("x"),
                MathNode::Sub(vec![ident("i"), op("+"), num("1")]),
                MathNode::Sup(vec![num("2"), ident("n")]),
            ]
        );
        // One character only without braces; signs in exponents are unary.
        assert_eq!(
            parse_math("e^-x 10^23 a^{-1}"),
            vec![
                ident("e"),
                MathNode::Sup(vec![sym("−")]),
                ident("x"),
                num("10"),
                MathNode::Sup(vec![num("2")]),
                num("3"),
                ident("a"),
                MathNode::Sup(vec![sym("−"), num("1")]),
            ]
        );
        assert_eq!(
            parse_math(r"90^\circ"),
            vec![num("90"), MathNode::Sup(vec![sym("∘")])]
        );
    }

    #[test]
    fn fractions_and_nesting() {
        assert_eq!(
            parse_math(r"\frac{a+1}{b}"),
            vec![MathNode::Frac(
                vec![ident("a"), op("+"), num("1")],
                vec![ident("b")]
            )]
        );
        assert_eq!(
            parse_math(r"\frac12"),
            vec![MathNode::Frac(vec![num("1")], vec![num("2")])]
        );
        // A fraction in an exponent, an exponent in a fraction.
        assert_eq!(
            parse_math(r"e^{\frac{x^2}{2}}"),
            vec![
                ident("e"),
                MathNode::Sup(vec![MathNode::Frac(
                    vec![ident("x"), MathNode::Sup(vec![num("2")])],
                    vec![num("2")]
                )]),
            ]
        );
        assert_eq!(
            parse_math("x^{y^{z}}"),
            vec![
                ident("x"),
                MathNode::Sup(vec![ident("y"), MathNode::Sup(vec![ident("z")])])
            ]
        );
    }

    #[test]
    fn roots() {
        assert_eq!(
            parse_math(r"\sqrt{x+1}"),
            vec![MathNode::Sqrt {
                index: None,
                body: vec![ident("x"), op("+"), num("1")]
            }]
        );
        assert_eq!(
            parse_math(r"\sqrt[3]{8}"),
            vec![MathNode::Sqrt {
                index: Some(vec![num("3")]),
                body: vec![num("8")]
            }]
        );
    }

    #[test]
    fn greek_operators_and_relations() {
        assert_eq!(
            parse_math(r"\alpha \Omega \pi"),
            vec![ident("α"), sym("Ω"), ident("π")]
        );
        let cases = [
            (r"\times", "×"),
            (r"\cdot", "⋅"),
            (r"\div", "÷"),
            (r"\pm", "±"),
            (r"\mp", "∓"),
            (r"\le", "≤"),
            (r"\leq", "≤"),
            (r"\ge", "≥"),
            (r"\neq", "≠"),
            (r"\approx", "≈"),
            (r"\equiv", "≡"),
            (r"\rightarrow", "→"),
            (r"\Rightarrow", "⇒"),
            (r"\leftarrow", "←"),
            (r"\leftrightarrow", "↔"),
            (r"\in", "∈"),
            (r"\notin", "∉"),
            (r"\subset", "⊂"),
            (r"\cup", "∪"),
            (r"\cap", "∩"),
        ];
        for (src, want) in cases {
            assert_eq!(parse_math(src), vec![op(want)], "{src}");
        }
        for (src, want) in [
            (r"\infty", "∞"),
            (r"\sum", "∑"),
            (r"\prod", "∏"),
            (r"\int", "∫"),
            (r"\partial", "∂"),
            (r"\nabla", "∇"),
            (r"\forall", "∀"),
            (r"\exists", "∃"),
            (r"\degree", "°"),
            (r"\circ", "∘"),
        ] {
            assert_eq!(parse_math(src), vec![sym(want)], "{src}");
        }
        assert_eq!(
            parse_math("a-b"),
            vec![ident("a"), op("−"), ident("b")],
            "a binary minus"
        );
    }

    #[test]
    fn brackets_text_and_grouping() {
        assert_eq!(
            parse_math(r"\left( \frac{1}{2} \right)"),
            vec![
                sym("("),
                MathNode::Frac(vec![num("1")], vec![num("2")]),
                sym(")")
            ]
        );
        assert_eq!(parse_math(r"\left. x \right|"), vec![ident("x"), sym("|")]);
        assert_eq!(
            parse_math(r"v = 3\text{ m/s} \mathrm{d}x"),
            vec![
                ident("v"),
                op("="),
                num("3"),
                MathNode::Text(" m/s".into()),
                MathNode::Text("d".into()),
                ident("x"),
            ]
        );
        assert_eq!(
            parse_math("{a+b}c"),
            vec![ident("a"), op("+"), ident("b"), ident("c")]
        );
        assert_eq!(
            parse_math(r"\sin x + \mathbb{R}"),
            vec![MathNode::Func("sin".into()), ident("x"), op("+"), sym("ℝ")]
        );
        // Unbalanced braces are not lost.
        assert_eq!(parse_math("a}b"), vec![ident("a"), sym("}"), ident("b")]);
        assert_eq!(parse_math("{a"), vec![ident("a")]);
    }

    #[test]
    fn unknown_commands_show_their_name() {
        assert_eq!(
            parse_math(r"\foo{x} + 1"),
            vec![
                MathNode::Unknown("foo".into()),
                ident("x"),
                op("+"),
                num("1")
            ]
        );
        assert_eq!(plain(r"$\foo{x}$"), "foox");
        assert_eq!(parse_math("\\"), vec![sym("\\")]);
    }

    #[test]
    fn math_is_not_emphasis() {
        assert_eq!(
            parse_inline("*$a*b$*"),
            vec![Inline::Emph(vec![Inline::Math {
                source: "a*b".into(),
                display: false,
                nodes: vec![ident("a"), op("∗"), ident("b")],
            }])]
        );
        let (_, _, nodes) = only_math("$x_1 + x_2$");
        assert_eq!(
            nodes,
            vec![
                ident("x"),
                MathNode::Sub(vec![num("1")]),
                op("+"),
                ident("x"),
                MathNode::Sub(vec![num("2")])
            ]
        );
    }

    /// The nodes written out as HTML (attributes sorted), to check the Yew
    /// layer natively; fails on any raw HTML node.
    fn markup(node: &Html) -> String {
        fn escape(s: &str) -> String {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        }
        match node {
            Html::VText(t) => escape(&t.text),
            Html::VList(list) => list.iter().map(markup).collect(),
            Html::VTag(tag) => {
                let mut attrs: Vec<(&str, &str)> = tag.attributes.iter().collect();
                attrs.sort();
                let attrs: String = attrs
                    .iter()
                    .map(|(k, v)| format!(" {k}=\"{}\"", escape(v)))
                    .collect();
                let inner = tag.children().map(markup).unwrap_or_default();
                format!("<{t}{attrs}>{inner}</{t}>", t = tag.tag())
            }
            Html::VRaw(_) => panic!("raw HTML in rendered question text"),
            other => panic!("unexpected node {other:?}"),
        }
    }

    #[test]
    fn renders_elements_never_raw_html() {
        assert_eq!(
            markup(&to_html("<b>x</b> & **y**", Flow::Block)),
            "<p>&lt;b&gt;x&lt;/b&gt; &amp; <strong>y</strong></p>"
        );
        assert_eq!(
            markup(&to_html("*a*\nb\n\n- c\n\n3. d", Flow::Block)),
            "<p><em>a</em><br></br>b</p><ul><li>c</li></ul><ol start=\"3\"><li>d</li></ol>"
        );
        // One paragraph inline has no <p>; a cloze part keeps its breaks.
        assert_eq!(markup(&to_html("`x`", Flow::Inline)), "<code>x</code>");
        assert_eq!(
            markup(&to_html("a\n\nb", Flow::Cloze)),
            "a<br></br><br></br>b"
        );
        assert_eq!(
            markup(&to_html("```\n<i>\n```", Flow::Block)),
            "<pre><code>&lt;i&gt;</code></pre>"
        );
    }

    #[test]
    fn renders_math_with_its_source_for_screen_readers() {
        assert_eq!(
            markup(&to_html(r"$\frac{1}{x^2}$", Flow::Inline)),
            concat!(
                r#"<span aria-label="\frac{1}{x^2}" class="math" role="math">"#,
                r#"<span class="frac"><span class="num">1</span><span class="frac-sep">⁄</span>"#,
                r#"<span class="den"><span class="scripted"><span class="mi">x</span><sup>2</sup></span></span></span></span>"#
            )
        );
        assert_eq!(
            markup(&to_html(r"\[\sqrt[3]{8} \ne \zeta\]", Flow::Inline)),
            concat!(
                r#"<span aria-label="\sqrt[3]{8} \ne \zeta" class="math math-display" role="math">"#,
                r#"<span class="sqrt"><span class="root-index">3</span><span class="radical">√</span>"#,
                r#"<span class="radicand">8</span></span><span class="mo">≠</span><span class="mi">ζ</span></span>"#
            )
        );
        assert_eq!(
            markup(&to_html(r"$\weird$", Flow::Inline)),
            r#"<span aria-label="\weird" class="math" role="math"><i class="unknown-command" title="\weird">weird</i></span>"#
        );
        // An attribute value from the text is escaped like any other.
        assert!(markup(&to_html(r#"$a"<b>$"#, Flow::Inline))
            .contains(r#"aria-label="a&quot;&lt;b&gt;""#));
    }

    #[test]
    fn plain_text_for_options_and_labels() {
        assert_eq!(
            plain("**Bold** and *it*\nnext\n\n- a\n- b"),
            "Bold and it next • a • b"
        );
        assert_eq!(plain("$x^2 + 1$"), "x² + 1");
        assert_eq!(plain(r"\(\frac{a+1}{2}\)"), "(a + 1)/2");
        assert_eq!(plain(r"$\sqrt{x}$ and $\sqrt[3]{y}$"), "√x and ³√y");
        assert_eq!(plain("$5 and $10"), "$5 and $10");
        assert_eq!(plain("$e^{i\\theta}$"), "e^(iθ)");
        assert_eq!(plain("Plain words"), "Plain words");
    }
}
