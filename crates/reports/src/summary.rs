//! The exam summary report for the exam board: figures, histogram, item analysis.

use crate::layout::{
    col, colored, text_width, Align, Cell, Doc, Weight, BLACK, BLUE, GREY, LIGHT, MARGIN, PAGE_W,
    RED,
};
use crate::{fmt_mark, fmt_opt};
use examhall_protocol::ExamAnalysisDto;

#[derive(Debug, Clone, PartialEq)]
pub struct SummaryReport {
    pub centre: String,
    pub printed_at: String,
    pub analysis: ExamAnalysisDto,
}

pub fn exam_summary(r: &SummaryReport) -> Vec<u8> {
    let a = &r.analysis;
    let mut doc = Doc::new(&format!("Exam summary — {}", a.exam_title));
    doc.begin_section(format!(
        "{} · {} · exam summary · printed {}",
        r.centre, a.exam_title, r.printed_at
    ));
    doc.title_block(&r.centre, "Exam summary", &a.exam_title);
    let m = a.max_possible;
    let of_max = |x: f64| format!("{} ({:.1}%)", fmt_mark(x), pct(x, m));
    doc.facts(&[
        ("Graded attempts", a.attempts.to_string()),
        ("Maximum mark", fmt_mark(m)),
        ("Mean", of_max(a.mean)),
        ("Median", of_max(a.median)),
        ("Standard deviation", format!("{:.2}", a.sd)),
        (
            "Lowest / highest",
            format!("{} / {}", fmt_mark(a.min), fmt_mark(a.max)),
        ),
        ("Pass mark", format!("{}%", fmt_mark(a.pass_mark_pct))),
        ("Pass rate", format!("{:.1}%", a.pass_rate_pct)),
        ("Skewness", fmt_opt(a.skewness, 4)),
        ("Kurtosis", fmt_opt(a.kurtosis, 4)),
        ("Cronbach's α", fmt_opt(a.alpha, 4)),
        (
            "Error ratio",
            a.error_ratio
                .map_or_else(|| "–".to_owned(), |e| format!("{:.2}%", e * 100.0)),
        ),
        ("Standard error", fmt_opt(a.standard_error, 3)),
        ("Printed", r.printed_at.clone()),
    ]);
    if a.provisional > 0 {
        doc.gap(4.0);
        doc.paragraph(
            9.0,
            Weight::Bold,
            RED,
            &format!(
                "Provisional: {} attempt(s) have essays awaiting marking; their totals may rise.",
                a.provisional
            ),
        );
    }

    doc.heading("Score distribution");
    histogram(&mut doc, a);

    if a.trend.len() > 1 {
        doc.heading("By sitting");
        let rows: Vec<Vec<Cell>> = a
            .trend
            .iter()
            .map(|t| {
                vec![
                    t.sitting_id.to_string().into(),
                    t.opened_at.clone().into(),
                    t.attempts.to_string().into(),
                    format!("{:.1}", t.mean_pct).into(),
                    format!("{:.1}", t.median_pct).into(),
                    fmt_opt(t.sd_pct, 1).into(),
                    format!("{:.1}", t.pass_rate_pct).into(),
                ]
            })
            .collect();
        doc.table(
            &[
                col("Sitting", 45.0, Align::Right),
                col("Opened", 150.0, Align::Left),
                col("Attempts", 55.0, Align::Right),
                col("Mean %", 60.0, Align::Right),
                col("Median %", 60.0, Align::Right),
                col("SD %", 60.0, Align::Right),
                col("Pass rate %", 69.28, Align::Right),
            ],
            &rows,
        );
    }

    doc.heading("Item analysis");
    let rows: Vec<Vec<Cell>> = a
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let flags = if it.flags.is_empty() {
                colored("–", GREY)
            } else {
                colored(it.flags.join("; "), RED)
            };
            vec![
                (i + 1).to_string().into(),
                format!("{} ({})", it.prompt, it.question_id).into(),
                fmt_mark(it.max).into(),
                format!("{:.1}", it.facility).into(),
                format!("{:.3}", it.sd).into(),
                fmt_opt(it.discrimination_index, 1).into(),
                fmt_opt(it.discriminative_efficiency, 1).into(),
                flags,
            ]
        })
        .collect();
    doc.table(
        &[
            col("#", 22.0, Align::Right),
            col("Question", 150.0, Align::Left),
            col("Max", 30.0, Align::Right),
            col("Facility %", 50.0, Align::Right),
            col("SD", 40.0, Align::Right),
            col("Disc. index", 50.0, Align::Right),
            col("Disc. eff.", 45.0, Align::Right),
            col("Flags", 112.28, Align::Left),
        ],
        &rows,
    );
    doc.gap(4.0);
    doc.paragraph(
        7.5,
        Weight::Regular,
        GREY,
        "Facility: mean mark as % of the item's maximum. Discrimination index: correlation of the item with the rest of the test (×100). Discriminative efficiency: that correlation as % of the highest it could be. Formulas as in Moodle's quiz statistics.",
    );

    let choice: Vec<_> = a
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, it)| it.distractors.as_ref().map(|d| (i, it, d)))
        .collect();
    if !choice.is_empty() {
        doc.heading(&format!(
            "Distractors (top and bottom {} candidates by total)",
            a.distractor_group_size
        ));
        let mut rows = Vec::new();
        for (i, it, table) in choice {
            for row in table {
                let key = if row.is_key { "key" } else { "" };
                rows.push(vec![
                    format!("{} ({})", i + 1, it.question_id).into(),
                    format!("{}: {}", row.option_id, row.option_text).into(),
                    key.into(),
                    format!("{:.0}", row.top_pct).into(),
                    format!("{:.0}", row.bottom_pct).into(),
                    format!("{:.0}", row.all_pct).into(),
                ]);
            }
        }
        doc.table(
            &[
                col("Question", 70.0, Align::Left),
                col("Option", 249.28, Align::Left),
                col("Key", 30.0, Align::Left),
                col("Top %", 50.0, Align::Right),
                col("Bottom %", 50.0, Align::Right),
                col("All %", 50.0, Align::Right),
            ],
            &rows,
        );
    }
    doc.finish()
}

/// Bars drawn as filled rectangles with count labels and bin edges under them.
fn histogram(doc: &mut Doc, a: &ExamAnalysisDto) {
    let h = 150.0;
    let label_band = 26.0;
    doc.ensure(h + label_band + 10.0);
    let width = PAGE_W - 2.0 * MARGIN;
    let left = MARGIN + 28.0;
    let plot_w = width - 28.0;
    let bottom = doc.y - h;
    let top_count = a
        .histogram
        .iter()
        .map(|b| b.count)
        .max()
        .unwrap_or(0)
        .max(1);
    // Axis and gridlines at whole-candidate steps.
    let step = top_count.div_ceil(4).max(1);
    let mut v = 0;
    while v <= top_count {
        let y = bottom + (h - 14.0) * v as f32 / top_count as f32;
        doc.line(left, y, left + plot_w, y, LIGHT, 0.5);
        doc.text_right(
            left - 4.0,
            y - 3.0,
            7.0,
            Weight::Regular,
            GREY,
            &v.to_string(),
        );
        v += step;
    }
    doc.line(left, bottom, left + plot_w, bottom, BLACK, 0.8);
    let n = a.histogram.len().max(1);
    let slot = plot_w / n as f32;
    let every = (n / 12).max(1);
    for (i, b) in a.histogram.iter().enumerate() {
        let x = left + slot * i as f32;
        let bar_h = (h - 14.0) * b.count as f32 / top_count as f32;
        if b.count > 0 {
            doc.fill_rect(x + slot * 0.12, bottom, slot * 0.76, bar_h, BLUE);
            let c = b.count.to_string();
            let cw = text_width(&c, 7.0, Weight::Regular);
            doc.text(
                x + (slot - cw) / 2.0,
                bottom + bar_h + 3.0,
                7.0,
                Weight::Regular,
                BLACK,
                &c,
            );
        }
        if i % every == 0 {
            let edge = fmt_mark(b.from);
            doc.text(x, bottom - 10.0, 7.0, Weight::Regular, GREY, &edge);
        }
    }
    if let Some(last) = a.histogram.last() {
        doc.text_right(
            left + plot_w,
            bottom - 10.0,
            7.0,
            Weight::Regular,
            GREY,
            &fmt_mark(last.to),
        );
    }
    doc.text(
        left,
        bottom - 22.0,
        7.5,
        Weight::Regular,
        GREY,
        "Total mark (bins include their lower edge); bar labels are numbers of candidates.",
    );
    doc.y = bottom - label_band;
}

fn pct(x: f64, max: f64) -> f64 {
    if max > 0.0 {
        100.0 * x / max
    } else {
        0.0
    }
}
