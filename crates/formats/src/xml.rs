//! The one way an XML question file is parsed: bounded in memory and depth.
//! Entity declarations are refused before the parser sees them (a "billion
//! laughs" file of a few kilobytes expands to gigabytes); a DOCTYPE that only
//! names an external DTD, as real QTI files carry, is read and ignored (nothing
//! is ever fetched). Nodes are capped, and so is nesting depth, so no later walk
//! of the tree can exhaust the stack.

use roxmltree::{Document, ParsingOptions};

/// The most XML nodes one file may have.
pub(crate) const MAX_NODES: u32 = 1_000_000;
/// The deepest element nesting accepted (real question files stay under 30).
pub(crate) const MAX_DEPTH: usize = 256;

/// Why a file was not parsed, with its line.
#[derive(Debug)]
pub(crate) struct XmlRefusal {
    pub line: usize,
    /// `malformed` is the caller's wording for a syntax error ("the XML is
    /// malformed"); a refusal for size or shape has its own.
    pub message: String,
}

pub(crate) fn parse<'a>(src: &'a str, malformed: &str) -> Result<Document<'a>, XmlRefusal> {
    if let Some(at) = src.find("<!ENTITY") {
        return Err(XmlRefusal {
            line: line_of(src, at),
            message: "entity declarations (<!ENTITY …>) are not accepted: they can make a small \
                      file expand to gigabytes. Remove the DOCTYPE's internal subset (the part in [ ])."
                .into(),
        });
    }
    let doc = Document::parse_with_options(
        src,
        ParsingOptions {
            allow_dtd: true,
            nodes_limit: MAX_NODES,
            ..ParsingOptions::default()
        },
    )
    .map_err(|e| XmlRefusal {
        line: e.pos().row as usize,
        message: format!("{malformed}: {e}"),
    })?;
    // Depth, without recursion: an explicit stack of (node, depth).
    let mut stack = vec![(doc.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Err(XmlRefusal {
                line: doc.text_pos_at(node.range().start).row as usize,
                message: format!(
                    "elements are nested too deep (more than {MAX_DEPTH} levels); no question file needs that"
                ),
            });
        }
        stack.extend(
            node.children()
                .filter(|c| c.is_element())
                .map(|c| (c, depth + 1)),
        );
    }
    Ok(doc)
}

fn line_of(src: &str, byte: usize) -> usize {
    1 + src.as_bytes()[..byte]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}
