//! The room session report: who came, when each candidate started and finished,
//! accommodations, credited time, and what happened on the way.
//!
//! It prints what the room-session data holds today. Facts the app does not record
//! yet (pauses, extensions and incidents logged by an invigilator) have no column:
//! a report must not show an empty column that reads as "none happened".

use crate::layout::{col, colored, Align, Cell, Doc, Weight, GREEN, GREY, RED};

#[derive(Debug, Clone, PartialEq)]
pub struct RoomReport {
    pub centre: String,
    pub exam_title: String,
    pub sitting: String,
    pub opened_at: String,
    pub opened_by: String,
    pub closed_at: Option<String>,
    pub printed_at: String,
    pub rows: Vec<RoomRow>,
    /// Notable events in time order (unclean exits, clock anomalies, time-up submissions).
    pub events: Vec<RoomEvent>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoomRow {
    pub candidate: String,
    pub username: String,
    /// `None`: the candidate never started (absent).
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    /// "submitted", "time up", "in progress", "absent"; with a room session also
    /// "present, not started", "not checked in", and a seat's own report
    /// ("submitted at its seat", "in progress at its seat") before its results arrive.
    pub status: String,
    pub time_multiplier: f64,
    pub credited_minutes: f64,
    pub unclean_exits: usize,
    /// Time nothing was heard from the seat, in minutes.
    pub silent_minutes: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoomEvent {
    pub at: String,
    pub candidate: String,
    pub what: String,
}

pub fn room_report(r: &RoomReport) -> Vec<u8> {
    let mut doc = Doc::new(&format!("Room session report — {}", r.exam_title));
    doc.begin_section(format!(
        "{} · {} · room session report · printed {}",
        r.centre, r.exam_title, r.printed_at
    ));
    doc.title_block(&r.centre, "Room session report", &r.exam_title);
    let present = r
        .rows
        .iter()
        .filter(|x| {
            x.started_at.is_some() || !matches!(x.status.as_str(), "absent" | "not checked in")
        })
        .count();
    doc.facts(&[
        ("Sitting", r.sitting.clone()),
        ("Opened by", r.opened_by.clone()),
        ("Opened", r.opened_at.clone()),
        (
            "Closed",
            r.closed_at.clone().unwrap_or_else(|| "still open".into()),
        ),
        ("Expected", r.rows.len().to_string()),
        (
            "Present / absent",
            format!("{present} / {}", r.rows.len() - present),
        ),
    ]);

    doc.heading("Attendance and timing");
    let rows: Vec<Vec<Cell>> = r
        .rows
        .iter()
        .map(|x| {
            let status = match x.status.as_str() {
                "absent" => colored("absent", RED),
                "submitted" => colored("submitted", GREEN),
                other => other.into(),
            };
            let accommodation = if (x.time_multiplier - 1.0).abs() > 1e-9 {
                format!("×{}", crate::fmt_mark(x.time_multiplier))
            } else {
                "–".into()
            };
            vec![
                format!("{} ({})", x.candidate, x.username).into(),
                status,
                x.started_at.clone().unwrap_or_else(|| "–".into()).into(),
                x.finished_at.clone().unwrap_or_else(|| "–".into()).into(),
                accommodation.into(),
                minutes(x.credited_minutes).into(),
                x.unclean_exits.to_string().into(),
                minutes(x.silent_minutes).into(),
            ]
        })
        .collect();
    doc.table(
        &[
            col("Candidate", 130.0, Align::Left),
            col("Status", 55.0, Align::Left),
            col("Started", 72.0, Align::Left),
            col("Finished", 72.0, Align::Left),
            col("Time ×", 38.0, Align::Right),
            col("Credited", 44.0, Align::Right),
            col("Restarts", 44.0, Align::Right),
            col("Silent", 44.28, Align::Right),
        ],
        &rows,
    );
    doc.gap(4.0);
    doc.paragraph(
        7.5,
        Weight::Regular,
        GREY,
        "Time ×: planned accommodation. Credited: extra minutes granted. Restarts: times the seat's app stopped and the attempt was resumed. Silent: minutes nothing was heard from the seat (the exam clock kept running).",
    );

    if !r.events.is_empty() {
        doc.heading("Events");
        let rows: Vec<Vec<Cell>> = r
            .events
            .iter()
            .map(|e| {
                vec![
                    e.at.clone().into(),
                    e.candidate.clone().into(),
                    e.what.clone().into(),
                ]
            })
            .collect();
        doc.table(
            &[
                col("Time", 100.0, Align::Left),
                col("Candidate", 150.0, Align::Left),
                col("What happened", 249.28, Align::Left),
            ],
            &rows,
        );
    }
    doc.finish()
}

fn minutes(m: f64) -> String {
    if m <= 0.0 {
        "–".into()
    } else {
        format!("{m:.1} min")
    }
}
