//! The candidate result sheet.

use crate::layout::{
    col, colored, Align, Cell, Doc, Weight, BLACK, GREEN, GREY, MARGIN, PAGE_W, RED,
};
use crate::{fmt_mark, Cancelled};
use std::ops::ControlFlow;

/// Everything one candidate's sheet shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultSheet {
    pub centre: String,
    pub exam_title: String,
    /// Which sitting, e.g. "Sitting 3, opened 2026-11-25 09:02 CET".
    pub sitting: String,
    pub candidate_name: String,
    pub candidate_username: String,
    pub submitted_at: String,
    pub total: f64,
    pub max: f64,
    pub percentage: f64,
    pub passed: bool,
    pub pass_mark_pct: f64,
    /// Essays still await a marker: the score may still rise.
    pub provisional: bool,
    /// Voided for misconduct, with this reason: the verdict reads VOID.
    pub void_reason: Option<String>,
    /// Per-section subtotals; an exam without sections passes none and the
    /// breakdown is left out.
    pub sections: Vec<SectionScore>,
    /// Per-question marks, or `None` when the exam does not release them.
    pub questions: Option<Vec<QuestionScore>>,
    pub attempt_id: String,
    /// Hash of the last event in the attempt's chain, and how many events it holds.
    pub chain_head: String,
    pub events: i64,
    pub printed_at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SectionScore {
    pub title: String,
    pub awarded: f64,
    pub max: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuestionScore {
    pub number: usize,
    pub prompt: String,
    pub awarded: f64,
    pub max: f64,
    /// "correct", "partly correct", "awaiting marking", …
    pub outcome: String,
    pub comment: Option<String>,
}

/// One sheet as its own PDF.
pub fn result_sheet(sheet: &ResultSheet) -> Vec<u8> {
    let mut doc = Doc::new(&format!(
        "Result: {} — {}",
        sheet.candidate_name, sheet.exam_title
    ));
    draw(&mut doc, sheet);
    doc.finish()
}

/// Every sheet of a sitting in one PDF, each starting on a new page with its own
/// page numbering. `progress(done)` is called after each sheet; returning
/// `ControlFlow::Break` stops the batch.
pub fn result_sheets(
    title: &str,
    sheets: &[ResultSheet],
    mut progress: impl FnMut(usize) -> ControlFlow<()>,
) -> Result<Vec<u8>, Cancelled> {
    let mut doc = Doc::new(title);
    for (i, s) in sheets.iter().enumerate() {
        draw(&mut doc, s);
        if progress(i + 1).is_break() {
            return Err(Cancelled);
        }
    }
    Ok(doc.finish())
}

fn draw(doc: &mut Doc, s: &ResultSheet) {
    doc.begin_section(format!(
        "{} · {} · {} · printed {}",
        s.centre, s.exam_title, s.candidate_name, s.printed_at
    ));
    // Header band.
    doc.title_block(&s.centre, "Result sheet", &s.exam_title);
    doc.facts(&[
        ("Candidate", s.candidate_name.clone()),
        ("Username", s.candidate_username.clone()),
        ("Sitting", s.sitting.clone()),
        ("Submitted", s.submitted_at.clone()),
    ]);
    doc.gap(14.0);

    // The verdict box.
    let box_h = 62.0;
    let box_top = doc.y;
    let (verdict, colour) = if s.void_reason.is_some() {
        ("VOID", RED)
    } else if s.passed {
        ("PASS", GREEN)
    } else {
        ("FAIL", RED)
    };
    doc.fill_rect(
        MARGIN,
        box_top - box_h,
        PAGE_W - 2.0 * MARGIN,
        box_h,
        (0.96, 0.97, 0.99),
    );
    let score = format!("{} / {}", fmt_mark(s.total), fmt_mark(s.max));
    doc.text(
        MARGIN + 14.0,
        box_top - 26.0,
        9.0,
        Weight::Regular,
        GREY,
        "Score",
    );
    doc.text(
        MARGIN + 14.0,
        box_top - 48.0,
        20.0,
        Weight::Bold,
        BLACK,
        &score,
    );
    doc.text(
        MARGIN + 190.0,
        box_top - 26.0,
        9.0,
        Weight::Regular,
        GREY,
        "Percentage",
    );
    doc.text(
        MARGIN + 190.0,
        box_top - 48.0,
        20.0,
        Weight::Bold,
        BLACK,
        &format!("{:.1}%", s.percentage),
    );
    doc.text(
        MARGIN + 340.0,
        box_top - 26.0,
        9.0,
        Weight::Regular,
        GREY,
        &format!("Result (pass mark {}%)", fmt_mark(s.pass_mark_pct)),
    );
    doc.text(
        MARGIN + 340.0,
        box_top - 48.0,
        20.0,
        Weight::Bold,
        colour,
        verdict,
    );
    doc.y = box_top - box_h;
    if let Some(why) = &s.void_reason {
        doc.gap(4.0);
        doc.paragraph(
            9.0,
            Weight::Bold,
            RED,
            &format!("Void for misconduct: {why}. The score is kept for the record only."),
        );
    }
    if s.provisional {
        doc.gap(4.0);
        doc.paragraph(
            9.0,
            Weight::Bold,
            RED,
            "Provisional: one or more essay answers still await a marker, so this score may rise.",
        );
    }

    if !s.sections.is_empty() {
        doc.heading("Sections");
        let rows: Vec<Vec<Cell>> = s
            .sections
            .iter()
            .map(|sec| {
                vec![
                    sec.title.clone().into(),
                    fmt_mark(sec.awarded).into(),
                    fmt_mark(sec.max).into(),
                    pct(sec.awarded, sec.max).into(),
                ]
            })
            .collect();
        doc.table(
            &[
                col("Section", 319.0, Align::Left),
                col("Marks", 60.0, Align::Right),
                col("Out of", 60.0, Align::Right),
                col("%", 60.0, Align::Right),
            ],
            &rows,
        );
    }

    match &s.questions {
        Some(questions) => {
            doc.heading("Marks per question");
            let rows: Vec<Vec<Cell>> = questions
                .iter()
                .map(|q| {
                    let prompt = match &q.comment {
                        Some(c) => format!("{}\nMarker: {c}", q.prompt),
                        None => q.prompt.clone(),
                    };
                    let colour = if q.awarded >= q.max && q.max > 0.0 {
                        GREEN
                    } else if q.awarded <= 0.0 {
                        RED
                    } else {
                        BLACK
                    };
                    vec![
                        q.number.to_string().into(),
                        prompt.into(),
                        colored(q.outcome.clone(), colour),
                        fmt_mark(q.awarded).into(),
                        fmt_mark(q.max).into(),
                    ]
                })
                .collect();
            doc.table(
                &[
                    col("#", 26.0, Align::Right),
                    col("Question", 283.0, Align::Left),
                    col("Outcome", 100.0, Align::Left),
                    col("Marks", 45.0, Align::Right),
                    col("Out of", 45.0, Align::Right),
                ],
                &rows,
            );
        }
        None => {
            doc.gap(10.0);
            doc.paragraph(
                9.0,
                Weight::Regular,
                GREY,
                "Marks per question are not released for this exam.",
            );
        }
    }

    // Verification line: ties the paper to the tamper-evident log.
    doc.gap(18.0);
    doc.ensure(40.0);
    let y = doc.y;
    doc.rule(y, GREY, 0.4);
    doc.paragraph(
        7.5,
        Weight::Regular,
        GREY,
        &format!(
            "Verification: attempt {} · {} events · chain head {}",
            s.attempt_id, s.events, s.chain_head
        ),
    );
}

fn pct(a: f64, m: f64) -> String {
    if m > 0.0 {
        format!("{:.1}", 100.0 * a / m)
    } else {
        "–".into()
    }
}
