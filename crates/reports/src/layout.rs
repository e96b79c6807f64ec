//! A small page-layout layer over printpdf: A4 pages, a y cursor that moves down,
//! text measured with the embedded font's own glyph widths, wrapping, and tables
//! whose rows never split across pages and whose header repeats on each page.

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem,
};
use std::sync::OnceLock;

static REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

pub(crate) const PAGE_W: f32 = 595.28; // A4 in points
pub(crate) const PAGE_H: f32 = 841.89;
pub(crate) const MARGIN: f32 = 48.0;
const FOOTER_Y: f32 = 28.0;

pub(crate) const BLACK: (f32, f32, f32) = (0.0, 0.0, 0.0);
pub(crate) const GREY: (f32, f32, f32) = (0.4, 0.4, 0.4);
pub(crate) const LIGHT: (f32, f32, f32) = (0.92, 0.92, 0.92);
pub(crate) const GREEN: (f32, f32, f32) = (0.05, 0.45, 0.2);
pub(crate) const RED: (f32, f32, f32) = (0.7, 0.1, 0.1);
pub(crate) const BLUE: (f32, f32, f32) = (0.2, 0.35, 0.65);

/// The two faces, parsed once per process.
pub(crate) struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
}

pub(crate) fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let parse = |bytes: &[u8], name: &str| {
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
                .unwrap_or_else(|| panic!("the embedded {name} font parses"))
        };
        Fonts {
            regular: parse(REGULAR_TTF, "DejaVu Sans"),
            bold: parse(BOLD_TTF, "DejaVu Sans Bold"),
        }
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// Width of `text` at `size` points, from the font's advance widths.
pub(crate) fn text_width(text: &str, size: f32, weight: Weight) -> f32 {
    let f = match weight {
        Weight::Regular => &fonts().regular,
        Weight::Bold => &fonts().bold,
    };
    let upem = f32::from(f.units_per_em.max(1));
    let units: u32 = text
        .chars()
        .map(|c| {
            f.lookup_glyph_index(c as u32)
                .and_then(|g| f.get_glyph_width(g))
                .map_or(u32::from(f.units_per_em / 2), u32::from)
        })
        .sum();
    units as f32 * size / upem
}

/// Breaks `text` into lines no wider than `width`; words longer than a line are cut.
pub(crate) fn wrap(text: &str, size: f32, weight: Weight, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if text_width(&candidate, size, weight) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A single word wider than the line: cut it by characters.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if text_width(&piece, size, weight) > width && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// One table column: header text, width in points, alignment.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub title: &'static str,
    pub width: f32,
    pub align: Align,
}

pub(crate) const fn col(title: &'static str, width: f32, align: Align) -> Column {
    Column {
        title,
        width,
        align,
    }
}

/// A cell: its text and colour (the colour marks flags and verdicts).
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub text: String,
    pub color: (f32, f32, f32),
}

impl<S: Into<String>> From<S> for Cell {
    fn from(s: S) -> Cell {
        Cell {
            text: s.into(),
            color: BLACK,
        }
    }
}

pub(crate) fn colored(text: impl Into<String>, color: (f32, f32, f32)) -> Cell {
    Cell {
        text: text.into(),
        color,
    }
}

/// Builds a document page by page.
pub(crate) struct Doc {
    doc: PdfDocument,
    regular: FontId,
    bold: FontId,
    pages: Vec<Vec<Op>>,
    /// Index into `pages` where the current document section (e.g. one sheet) began,
    /// so footers can number pages per section.
    section_start: usize,
    footers: Vec<(usize, usize, String)>,
    ops: Vec<Op>,
    /// Current baseline, in points from the bottom of the page.
    pub y: f32,
    footer_text: String,
}

impl Doc {
    pub fn new(title: &str) -> Doc {
        let mut doc = PdfDocument::new(title);
        doc.metadata.info.creator = "Examhall".into();
        doc.metadata.info.producer = "Examhall reports (printpdf)".into();
        let regular = doc.add_font(&fonts().regular);
        let bold = doc.add_font(&fonts().bold);
        Doc {
            doc,
            regular,
            bold,
            pages: Vec::new(),
            section_start: 0,
            footers: Vec::new(),
            ops: Vec::new(),
            y: PAGE_H - MARGIN,
            footer_text: String::new(),
        }
    }

    /// Starts a new section (a candidate's sheet): a fresh page whose footers
    /// count "page i of n" within the section.
    pub fn begin_section(&mut self, footer: String) {
        if !self.ops.is_empty() || !self.pages.is_empty() {
            self.close_section();
        }
        self.footer_text = footer;
        self.section_start = self.pages.len();
        self.y = PAGE_H - MARGIN;
    }

    fn close_section(&mut self) {
        self.pages.push(std::mem::take(&mut self.ops));
        self.footers.push((
            self.section_start,
            self.pages.len(),
            std::mem::take(&mut self.footer_text),
        ));
        self.section_start = self.pages.len();
    }

    pub fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.ops));
        self.y = PAGE_H - MARGIN;
    }

    /// Room left above the bottom margin.
    pub fn room(&self) -> f32 {
        self.y - (MARGIN + 10.0)
    }

    /// Moves to a new page unless `height` points still fit on this one.
    pub fn ensure(&mut self, height: f32) {
        if self.room() < height {
            self.new_page();
        }
    }

    pub fn text(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        color: (f32, f32, f32),
        s: &str,
    ) {
        let font = match weight {
            Weight::Regular => self.regular.clone(),
            Weight::Bold => self.bold.clone(),
        };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: rgb(color) },
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point { x: Pt(x), y: Pt(y) },
            },
            Op::ShowText {
                items: vec![TextItem::Text(s.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    pub fn text_right(
        &mut self,
        right: f32,
        y: f32,
        size: f32,
        weight: Weight,
        color: (f32, f32, f32),
        s: &str,
    ) {
        let w = text_width(s, size, weight);
        self.text(right - w, y, size, weight, color, s);
    }

    /// A paragraph at the left margin, wrapped to the text width; moves the cursor.
    pub fn paragraph(&mut self, size: f32, weight: Weight, color: (f32, f32, f32), s: &str) {
        let lead = size * 1.35;
        for line in wrap(s, size, weight, PAGE_W - 2.0 * MARGIN) {
            self.ensure(lead);
            self.y -= lead;
            let y = self.y;
            self.text(MARGIN, y, size, weight, color, &line);
        }
    }

    /// The top of a report's first page: centre and report kind in small grey
    /// letters, the title in large bold, and a rule under them.
    pub fn title_block(&mut self, centre: &str, kind: &str, title: &str) {
        let top = PAGE_H - MARGIN;
        self.text(MARGIN, top - 10.0, 9.0, Weight::Regular, GREY, centre);
        self.text_right(
            PAGE_W - MARGIN,
            top - 10.0,
            9.0,
            Weight::Regular,
            GREY,
            kind,
        );
        let title = fit(title, 17.0, Weight::Bold, PAGE_W - 2.0 * MARGIN);
        self.text(MARGIN, top - 34.0, 17.0, Weight::Bold, BLACK, &title);
        self.y = top - 44.0;
        self.rule(self.y, BLUE, 1.2);
        self.gap(4.0);
    }

    pub fn heading(&mut self, s: &str) {
        self.ensure(40.0);
        self.y -= 10.0;
        self.paragraph(12.5, Weight::Bold, BLACK, s);
        self.y -= 4.0;
    }

    pub fn gap(&mut self, h: f32) {
        self.y -= h;
    }

    pub fn rule(&mut self, y: f32, color: (f32, f32, f32), thickness: f32) {
        self.line(MARGIN, y, PAGE_W - MARGIN, y, color, thickness);
    }

    pub fn line(
        &mut self,
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        color: (f32, f32, f32),
        thickness: f32,
    ) {
        self.ops.extend([
            Op::SetOutlineColor { col: rgb(color) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![point(x1, y1), point(x2, y2)],
                    is_closed: false,
                },
            },
        ]);
    }

    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: (f32, f32, f32)) {
        self.ops.extend([
            Op::SetFillColor { col: rgb(color) },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(x),
                    y: Pt(y),
                    width: Pt(w),
                    height: Pt(h),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            },
        ]);
    }

    /// "Label: value" pairs in two columns; long values wrap within their column.
    pub fn facts(&mut self, pairs: &[(&str, String)]) {
        let size = 9.5;
        let lead = 13.0;
        let half = (PAGE_W - 2.0 * MARGIN) / 2.0;
        let label_w = 100.0;
        for row in pairs.chunks(2) {
            let wrapped: Vec<Vec<String>> = row
                .iter()
                .map(|(_, v)| wrap(v, size, Weight::Bold, half - label_w - 8.0))
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
            self.ensure(lead * lines as f32 + 3.0);
            self.y -= lead + 3.0;
            let y = self.y;
            for (i, ((label, _), value)) in row.iter().zip(&wrapped).enumerate() {
                let x = MARGIN + i as f32 * half;
                self.text(x, y, size, Weight::Regular, GREY, label);
                for (k, line) in value.iter().enumerate() {
                    self.text(
                        x + label_w,
                        y - k as f32 * lead,
                        size,
                        Weight::Bold,
                        BLACK,
                        line,
                    );
                }
            }
            self.y -= lead * (lines - 1) as f32;
        }
    }

    /// A table; each row is as tall as its most-wrapped cell, never split across a
    /// page break, and the header is repeated on every page the table touches.
    pub fn table(&mut self, columns: &[Column], rows: &[Vec<Cell>]) {
        let size = 8.5;
        let lead = 11.0;
        let pad = 4.0;
        let header_h = Doc::header_height(columns, size);
        self.ensure(header_h + lead + 2.0 * pad);
        self.table_header(columns, size);
        for row in rows {
            let wrapped: Vec<Vec<String>> = columns
                .iter()
                .zip(row)
                .map(|(c, cell)| wrap(&cell.text, size, Weight::Regular, c.width - 2.0 * pad))
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
            let h = lines as f32 * lead + 2.0 * pad;
            if self.room() < h {
                self.new_page();
                self.table_header(columns, size);
            }
            let top = self.y;
            let mut x = MARGIN;
            for ((c, cell), text) in columns.iter().zip(row).zip(&wrapped) {
                for (i, line) in text.iter().enumerate() {
                    let y = top - pad - (i as f32 + 1.0) * lead + 2.5;
                    match c.align {
                        Align::Left => {
                            self.text(x + pad, y, size, Weight::Regular, cell.color, line)
                        }
                        Align::Right => self.text_right(
                            x + c.width - pad,
                            y,
                            size,
                            Weight::Regular,
                            cell.color,
                            line,
                        ),
                    }
                }
                x += c.width;
            }
            self.y -= h;
            let y = self.y;
            self.line(MARGIN, y, MARGIN + total_width(columns), y, LIGHT, 0.6);
        }
    }

    fn header_height(columns: &[Column], size: f32) -> f32 {
        let lines = columns
            .iter()
            .map(|c| wrap(c.title, size, Weight::Bold, c.width - 8.0).len())
            .max()
            .unwrap_or(1);
        lines as f32 * 10.0 + 8.0
    }

    fn table_header(&mut self, columns: &[Column], size: f32) {
        let h = Doc::header_height(columns, size);
        let top = self.y;
        self.fill_rect(MARGIN, top - h, total_width(columns), h, LIGHT);
        let mut x = MARGIN;
        for c in columns {
            for (i, line) in wrap(c.title, size, Weight::Bold, c.width - 8.0)
                .iter()
                .enumerate()
            {
                let y = top - 4.0 - (i as f32 + 1.0) * 10.0 + 2.5;
                match c.align {
                    Align::Left => self.text(x + 4.0, y, size, Weight::Bold, BLACK, line),
                    Align::Right => {
                        self.text_right(x + c.width - 4.0, y, size, Weight::Bold, BLACK, line)
                    }
                }
            }
            x += c.width;
        }
        self.y -= h;
    }

    /// Numbers every section's pages and serialises the document.
    pub fn finish(mut self) -> Vec<u8> {
        self.close_section();
        let mut pages: Vec<PdfPage> = Vec::with_capacity(self.pages.len());
        let footers = std::mem::take(&mut self.footers);
        let mut all = std::mem::take(&mut self.pages);
        for (start, end, text) in footers {
            let n = end - start;
            for (i, ops) in all[start..end].iter_mut().enumerate() {
                let mut footer = Doc::footer_ops(&self.regular, &text, i + 1, n);
                ops.append(&mut footer);
            }
        }
        for ops in all.drain(..) {
            pages.push(PdfPage::new(
                Mm::from(Pt(PAGE_W)),
                Mm::from(Pt(PAGE_H)),
                ops,
            ));
        }
        self.doc
            .with_pages(pages)
            .save(&PdfSaveOptions::default(), &mut Vec::new())
    }

    fn footer_ops(font: &FontId, text: &str, page: usize, of: usize) -> Vec<Op> {
        let size = 7.5;
        let right = format!("Page {page} of {of}");
        let w = text_width(&right, size, Weight::Regular);
        let show = |x: f32, s: String| {
            [
                Op::StartTextSection,
                Op::SetFillColor { col: rgb(GREY) },
                Op::SetFont {
                    font: PdfFontHandle::External(font.clone()),
                    size: Pt(size),
                },
                Op::SetTextCursor {
                    pos: Point {
                        x: Pt(x),
                        y: Pt(FOOTER_Y),
                    },
                },
                Op::ShowText {
                    items: vec![TextItem::Text(s)],
                },
                Op::EndTextSection,
            ]
        };
        let left = fit(
            text,
            size,
            Weight::Regular,
            PAGE_W - 2.0 * MARGIN - w - 20.0,
        );
        let mut ops = Vec::with_capacity(12);
        ops.extend(show(MARGIN, left));
        ops.extend(show(PAGE_W - MARGIN - w, right));
        ops
    }
}

fn total_width(columns: &[Column]) -> f32 {
    columns.iter().map(|c| c.width).sum()
}

/// `s` shortened with an ellipsis to fit `width`.
pub(crate) fn fit(s: &str, size: f32, weight: Weight, width: f32) -> String {
    if text_width(s, size, weight) <= width {
        return s.to_owned();
    }
    let mut out: String = s.to_owned();
    while !out.is_empty() && text_width(&format!("{out}…"), size, weight) > width {
        out.pop();
    }
    format!("{}…", out.trim_end())
}

fn rgb((r, g, b): (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

fn point(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word_and_respects_the_width() {
        let text = "Zoë Łukasiewicz answered the question about Дмитрий Менделеев and the periodic table of elements";
        let lines = wrap(text, 10.0, Weight::Regular, 120.0);
        assert!(lines.len() > 2, "{lines:?}");
        for l in &lines {
            assert!(text_width(l, 10.0, Weight::Regular) <= 120.0, "{l}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_word_longer_than_the_line_is_cut_not_lost() {
        let word = "Pneumonoultramicroscopicsilicovolcanoconiosis";
        let lines = wrap(word, 10.0, Weight::Regular, 60.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), word);
    }

    #[test]
    fn bold_text_is_wider_and_fit_adds_an_ellipsis() {
        assert!(
            text_width("Examhall", 10.0, Weight::Bold)
                > text_width("Examhall", 10.0, Weight::Regular)
        );
        let f = fit(
            "A very long exam title that cannot fit",
            10.0,
            Weight::Regular,
            60.0,
        );
        assert!(
            f.ends_with('…') && text_width(&f, 10.0, Weight::Regular) <= 60.0,
            "{f}"
        );
        assert_eq!(fit("short", 10.0, Weight::Regular, 60.0), "short");
    }
}
