//! Every report is turned back into text with poppler's `pdftotext` and into
//! pixels with `pdftoppm`, and checked for what a reader must find on it.
//! Samples are kept under `target/report-samples/` for looking at.

use examhall_protocol::{DistractorRowDto, ExamAnalysisDto, HistogramBinDto, ItemStatsDto};
use examhall_reports::*;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::Command;

const NAMES: [&str; 3] = ["Zoë Łukasiewicz", "Ngozi Ọkafọ", "Дмитрий Иванов"];

fn samples() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/report-samples");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn save(name: &str, pdf: &[u8]) -> PathBuf {
    let p = samples().join(name);
    std::fs::write(&p, pdf).unwrap();
    p
}

/// The text of a PDF (or one page) with all whitespace removed, so checks do not
/// depend on where a line wrapped or how wide a space came out.
fn pdftotext(path: &Path, page: Option<usize>) -> String {
    let mut cmd = Command::new("pdftotext");
    if let Some(p) = page {
        cmd.args(["-f", &p.to_string(), "-l", &p.to_string()]);
    }
    let out = cmd
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// `needle` without whitespace, to look for in [`pdftotext`]'s output.
fn has(text: &str, needle: &str) -> bool {
    let n: String = needle.chars().filter(|c| !c.is_whitespace()).collect();
    text.contains(&n)
}

fn pages(path: &Path) -> usize {
    let out = Command::new("pdfinfo")
        .arg(path)
        .output()
        .expect("pdfinfo runs");
    assert!(
        out.status.success(),
        "pdfinfo: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info = String::from_utf8(out.stdout).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse().unwrap())
        .expect("pdfinfo reports a page count")
}

/// Renders page 1 to a greyscale PGM and returns the share of dark pixels, and
/// also keeps a PNG of it for eyes.
fn ink(path: &Path) -> f64 {
    let stem = path.with_extension("");
    let st = Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
        .arg(path)
        .arg(&stem)
        .status()
        .unwrap();
    assert!(st.success());
    let pgm = stem.with_extension("pgm.tmp");
    let st = Command::new("pdftoppm")
        .args(["-gray", "-r", "40", "-f", "1", "-l", "1", "-singlefile"])
        .arg(path)
        .arg(&pgm)
        .status()
        .unwrap();
    assert!(st.success());
    let file = PathBuf::from(format!("{}.pgm", pgm.display()));
    let bytes = std::fs::read(&file).unwrap();
    std::fs::remove_file(&file).ok();
    // P5 header: magic, width, height, maxval, each separated by whitespace.
    let mut fields = 0;
    let mut i = 0;
    while fields < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    let pixels = &bytes[i + 1..];
    pixels.iter().filter(|&&p| p < 128).count() as f64 / pixels.len() as f64
}

fn sheet(name: &str, total: f64, released: bool) -> ResultSheet {
    ResultSheet {
        centre: "Lagos Centre Nº 2".into(),
        exam_title: "Physics — Paper 1".into(),
        sitting: "Sitting 3, opened 2026-11-25 09:02 WAT".into(),
        candidate_name: name.into(),
        candidate_username: "cand-042".into(),
        submitted_at: "2026-11-25 10:31 WAT".into(),
        total,
        max: 12.0,
        percentage: 100.0 * total / 12.0,
        passed: total >= 6.0,
        pass_mark_pct: 50.0,
        provisional: false,
        void_reason: None,
        sections: vec![
            SectionScore {
                title: "Mechanics".into(),
                awarded: total.min(8.0),
                max: 8.0,
            },
            SectionScore {
                title: "Optics".into(),
                awarded: (total - 8.0).max(0.0),
                max: 4.0,
            },
        ],
        questions: released.then(|| {
            (1..=7)
                .map(|i| QuestionScore {
                    number: i,
                    prompt: format!("Question {i}: what is the acceleration due to gravity?"),
                    awarded: if i % 2 == 0 { 1.0 } else { 0.5 },
                    max: 2.0,
                    outcome: "partly correct".into(),
                    comment: (i == 7).then(|| "Good structure; cite units.".into()),
                })
                .collect()
        }),
        attempt_id: "a-5f0c2e".into(),
        chain_head: "9b3e4f00c0ffee1234567890abcdef1234567890abcdef1234567890abcdef12".into(),
        events: 41,
        printed_at: "2026-11-26 08:00 WAT".into(),
    }
}

#[test]
fn a_result_sheet_carries_the_score_verdict_unicode_name_and_verification_line() {
    let pdf = result_sheet(&sheet(NAMES[0], 8.5, true));
    let path = save("result-sheet.pdf", &pdf);
    let text = pdftotext(&path, None);
    for needle in [
        "Zoë Łukasiewicz",
        "Physics — Paper 1",
        "Lagos Centre Nº 2",
        "Sitting 3, opened 2026-11-25 09:02 WAT",
        "8.5 / 12",
        "70.8%",
        "PASS",
        "Mechanics",
        "Optics",
        "Marker: Good structure; cite units.",
        "attempt a-5f0c2e",
        "41 events",
        "chain head 9b3e4f00c0ffee1234567890abcdef1234567890abcdef1234567890abcdef12",
        "Page 1 of 1",
    ] {
        assert!(has(&text, needle), "missing {needle:?} in:\n{text}");
    }
    assert!(!text.contains("FAIL"));
    let dark = ink(&path);
    assert!((0.005..0.5).contains(&dark), "page 1 ink share {dark}");
}

#[test]
fn a_failing_sheet_without_released_marks_says_so() {
    let mut s = sheet(NAMES[1], 3.0, false);
    s.provisional = true;
    s.sections.clear();
    let path = save("result-sheet-withheld.pdf", &result_sheet(&s));
    let text = pdftotext(&path, None);
    assert!(has(&text, "Ngozi Ọkafọ"), "{text}");
    assert!(text.contains("FAIL") && !text.contains("PASS"), "{text}");
    assert!(has(&text, "not released"), "{text}");
    assert!(text.contains("Provisional"), "{text}");
    assert!(!has(&text, "Question 1:"), "marks leaked: {text}");
    assert!(
        !has(&text, "Mechanics"),
        "an empty breakdown is left out: {text}"
    );
}

#[test]
fn a_void_sheet_says_void_with_the_reason_and_never_pass() {
    let mut s = sheet(NAMES[0], 11.0, true);
    s.passed = false;
    s.void_reason = Some("phone out under the desk, seen by J. Smith".into());
    let path = save("result-sheet-void.pdf", &result_sheet(&s));
    let text = pdftotext(&path, None);
    assert!(text.contains("VOID") && !text.contains("PASS"), "{text}");
    assert!(has(&text, "phone out under the desk"), "{text}");
}

#[test]
fn a_batch_puts_each_candidate_on_their_own_pages_and_can_be_cancelled() {
    let sheets: Vec<ResultSheet> = NAMES
        .iter()
        .enumerate()
        .map(|(i, n)| sheet(n, 4.0 + 3.0 * i as f64, true))
        .collect();
    let mut seen = Vec::new();
    let pdf = result_sheets("All sheets", &sheets, |done| {
        seen.push(done);
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(seen, vec![1, 2, 3]);
    let path = save("result-sheets-batch.pdf", &pdf);
    assert_eq!(pages(&path), 3);
    for (i, name) in NAMES.iter().enumerate() {
        let page = pdftotext(&path, Some(i + 1));
        assert!(has(&page, name), "page {} lacks {name}: {page}", i + 1);
        assert!(
            has(&page, "Page 1 of 1"),
            "each sheet is numbered on its own"
        );
        for other in NAMES.iter().filter(|o| *o != name) {
            assert!(!has(&page, other), "{other} leaked onto {name}'s page");
        }
    }
    let cancelled = result_sheets("All sheets", &sheets, |done| {
        if done == 2 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    assert_eq!(cancelled, Err(Cancelled));
}

fn analysis(items: usize) -> ExamAnalysisDto {
    ExamAnalysisDto {
        exam_id: 5,
        exam_title: "Chemistry — Дмитрий's periodic table".into(),
        attempts: 25,
        max_possible: items as f64,
        mean: 17.25,
        median: 18.0,
        sd: 4.125,
        min: 6.0,
        max: 29.0,
        pass_mark_pct: 50.0,
        pass_rate_pct: 72.0,
        skewness: Some(-0.3456),
        kurtosis: Some(1.2345),
        alpha: Some(0.8123),
        error_ratio: Some(0.4334),
        standard_error: Some(1.789),
        provisional: 2,
        distractor_group_size: 7,
        trend: vec![],
        histogram: (0..10)
            .map(|b| HistogramBinDto {
                from: b as f64 * 3.0,
                to: (b + 1) as f64 * 3.0,
                count: [0, 1, 1, 2, 3, 5, 6, 4, 2, 1][b],
            })
            .collect(),
        items: (1..=items)
            .map(|i| ItemStatsDto {
                question_id: format!("q{i}"),
                prompt: format!(
                    "Item {i}: which element has the symbol that candidates most often confuse with another one in the table?"
                ),
                max: 1.0,
                facility: 40.0 + i as f64 / 2.0,
                sd: 0.4321,
                discrimination_index: Some(if i == 3 { -12.5 } else { 35.0 }),
                discriminative_efficiency: Some(50.0),
                flags: if i == 3 {
                    vec!["negative discrimination: check the key".into()]
                } else {
                    vec![]
                },
                distractors: (i <= 2).then(|| {
                    vec![
                        DistractorRowDto {
                            option_id: "a".into(),
                            option_text: "Sodium".into(),
                            is_key: true,
                            top_pct: 86.0,
                            bottom_pct: 29.0,
                            all_pct: 60.0,
                        },
                        DistractorRowDto {
                            option_id: "b".into(),
                            option_text: "Sulphur".into(),
                            is_key: false,
                            top_pct: 14.0,
                            bottom_pct: 71.0,
                            all_pct: 40.0,
                        },
                    ]
                }),
            })
            .collect(),
    }
}

#[test]
fn the_summary_spans_pages_with_repeated_headers_and_no_cut_rows() {
    let report = SummaryReport {
        centre: "Zoë's Centre".into(),
        printed_at: "2026-11-26 08:00".into(),
        analysis: analysis(60),
    };
    let path = save("exam-summary.pdf", &exam_summary(&report));
    let n = pages(&path);
    assert!(n >= 3, "60 wrapped item rows need several pages, got {n}");
    let all = pdftotext(&path, None);
    for needle in [
        "Chemistry — Дмитрий's periodic table",
        "Zoë's Centre",
        "Graded attempts",
        "25",
        "17.25 (28.8%)",
        "4.12",
        "72.0%",
        "-0.3456",
        "1.2345",
        "0.8123",
        "43.34%",
        "1.789",
        "Provisional: 2 attempt(s)",
        "negative discrimination: check the key",
        "Sulphur",
        "Page 1 of",
    ] {
        assert!(has(&all, needle), "missing {needle:?}");
    }
    // Every item appears exactly once, whole, on one page; every page that holds
    // item rows starts its table with the header.
    let mut found = vec![0; 61];
    for p in 1..=n {
        let text = pdftotext(&path, Some(p));
        let mut rows_here = 0;
        for (i, seen) in found.iter_mut().enumerate().skip(1) {
            let tag = format!("(q{i})");
            let c = text.matches(&tag).count();
            if c > 0
                && !(has(&text, "Facility %") && has(&text, "Flags"))
                && !has(&text, "Bottom %")
            {
                panic!("page {p} has item rows without a table header");
            }
            *seen += c;
            rows_here += c;
        }
        if rows_here > 0 {
            assert!(
                has(&text, "Facility %") || has(&text, "Bottom %"),
                "page {p}"
            );
        }
        assert!(has(&text, &format!("Page {p} of {n}")), "page {p} footer");
    }
    for (i, c) in found.iter().enumerate().skip(1) {
        // q1 and q2 also appear in the distractor table, two rows each.
        let want = if i <= 2 { 3 } else { 1 };
        assert_eq!(*c, want, "item q{i} appears {c} times");
    }
    let dark = ink(&path);
    assert!(
        dark > 0.01,
        "the histogram and text put ink on page 1: {dark}"
    );
}

#[test]
fn the_room_report_lists_attendance_and_events() {
    let report = RoomReport {
        centre: "Examhall Demo Centre".into(),
        exam_title: "Demo: General Science".into(),
        sitting: "Sitting 1".into(),
        opened_at: "2026-11-25 09:00".into(),
        opened_by: "Ivy Invigilator".into(),
        closed_at: None,
        printed_at: "2026-11-25 12:00".into(),
        rows: vec![
            RoomRow {
                candidate: NAMES[2].into(),
                username: "dmitri".into(),
                started_at: Some("09:03".into()),
                finished_at: Some("10:01".into()),
                status: "submitted".into(),
                time_multiplier: 1.25,
                credited_minutes: 0.0,
                unclean_exits: 1,
                silent_minutes: 2.5,
            },
            RoomRow {
                candidate: NAMES[0].into(),
                username: "zoe".into(),
                started_at: None,
                finished_at: None,
                status: "absent".into(),
                time_multiplier: 1.0,
                credited_minutes: 0.0,
                unclean_exits: 0,
                silent_minutes: 0.0,
            },
        ],
        events: vec![RoomEvent {
            at: "09:41".into(),
            candidate: NAMES[2].into(),
            what: "app restarted after 2.5 min of silence".into(),
        }],
    };
    let path = save("room-report.pdf", &room_report(&report));
    let text = pdftotext(&path, None);
    for needle in [
        "Дмитрий Иванов (dmitri)",
        "Zoë Łukasiewicz (zoe)",
        "absent",
        "submitted",
        "×1.25",
        "2.5 min",
        "Present / absent",
        "1 / 1",
        "still open",
        "app restarted after 2.5 min of silence",
        "Ivy Invigilator",
    ] {
        assert!(has(&text, needle), "missing {needle:?} in:\n{text}");
    }
}
