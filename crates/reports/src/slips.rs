//! Login slips: one per new account, ten to an A4 page (two columns of five),
//! with dashed cut lines, for handing one-time passwords to candidates who have
//! no email.

use crate::layout::{fit, Doc, Weight, BLACK, GREY, MARGIN, PAGE_H, PAGE_W};

#[derive(Debug, Clone, PartialEq)]
pub struct LoginSlip {
    pub name: String,
    pub candidate_number: Option<String>,
    pub username: String,
    pub password: String,
}

const COLS: usize = 2;
const ROWS: usize = 5;

/// A dashed line (cut here).
fn dashed(doc: &mut Doc, (x1, y1): (f32, f32), (x2, y2): (f32, f32)) {
    let len = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt();
    let n = (len / 8.0).floor() as usize;
    for i in (0..n).step_by(2) {
        let (a, b) = (i as f32 / n as f32, (i + 1) as f32 / n as f32);
        doc.line(
            x1 + (x2 - x1) * a,
            y1 + (y2 - y1) * a,
            x1 + (x2 - x1) * b,
            y1 + (y2 - y1) * b,
            GREY,
            0.5,
        );
    }
}

/// The slips as one PDF. `centre` heads each slip; `printed` (already formatted)
/// goes in the page footer.
pub fn login_slips(centre: &str, printed: &str, slips: &[LoginSlip]) -> Vec<u8> {
    let mut doc = Doc::new(&format!("Login slips — {centre}"));
    let (left, right) = (MARGIN / 2.0, PAGE_W - MARGIN / 2.0);
    let (top, bottom) = (PAGE_H - MARGIN / 2.0, MARGIN);
    let w = (right - left) / COLS as f32;
    let h = (top - bottom) / ROWS as f32;
    for (page, chunk) in slips.chunks(COLS * ROWS).enumerate() {
        if page == 0 {
            doc.begin_section(format!("{centre} · login slips · printed {printed}"));
        } else {
            doc.new_page();
        }
        for c in 0..=COLS {
            let x = left + w * c as f32;
            dashed(&mut doc, (x, bottom), (x, top));
        }
        for r in 0..=ROWS {
            let y = bottom + h * r as f32;
            dashed(&mut doc, (left, y), (right, y));
        }
        for (i, s) in chunk.iter().enumerate() {
            let (col, row) = (i % COLS, i / COLS);
            let x = left + w * col as f32 + 14.0;
            let y = top - h * row as f32;
            let width = w - 28.0;
            doc.text(
                x,
                y - 20.0,
                8.5,
                Weight::Regular,
                GREY,
                &fit(centre, 8.5, Weight::Regular, width),
            );
            doc.text(
                x,
                y - 40.0,
                13.0,
                Weight::Bold,
                BLACK,
                &fit(&s.name, 13.0, Weight::Bold, width),
            );
            let number = s.candidate_number.as_deref().unwrap_or("—");
            doc.text(
                x,
                y - 58.0,
                10.0,
                Weight::Regular,
                BLACK,
                &format!("Candidate number: {number}"),
            );
            doc.text(
                x,
                y - 78.0,
                11.0,
                Weight::Regular,
                BLACK,
                &format!("Username: {}", s.username),
            );
            doc.text(
                x,
                y - 100.0,
                14.0,
                Weight::Bold,
                BLACK,
                &format!("Password: {}", s.password),
            );
            doc.text(
                x,
                y - 122.0,
                8.0,
                Weight::Regular,
                GREY,
                &fit(
                    "One-time password: choose your own at first sign-in.",
                    8.0,
                    Weight::Regular,
                    width,
                ),
            );
        }
    }
    if slips.is_empty() {
        doc.begin_section(format!("{centre} · login slips · printed {printed}"));
        doc.title_block(centre, "Login slips", "No new accounts");
    }
    doc.finish()
}

/// One strip of a seat-token sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SeatTokenStrip {
    pub token: String,
}

/// Strips per page of a seat-token sheet.
const STRIPS: usize = 12;

/// Enrolment tokens for a room's seats, one strip each with cut lines, for the
/// technician walking the lab. `expires` and `printed` are already formatted.
pub fn seat_token_sheet(
    centre: &str,
    printed: &str,
    expires: &str,
    strips: &[SeatTokenStrip],
) -> Vec<u8> {
    let mut doc = Doc::new(&format!("Seat enrolment tokens — {centre}"));
    let (left, right) = (MARGIN / 2.0, PAGE_W - MARGIN / 2.0);
    let (top, bottom) = (PAGE_H - MARGIN / 2.0, MARGIN);
    let h = (top - bottom) / STRIPS as f32;
    let width = right - left - 28.0;
    let footer = format!("{centre} · seat enrolment tokens · printed {printed}");
    for (page, chunk) in strips.chunks(STRIPS).enumerate() {
        if page == 0 {
            doc.begin_section(footer.clone());
        } else {
            doc.new_page();
        }
        for r in 0..=chunk.len() {
            let y = top - h * r as f32;
            dashed(&mut doc, (left, y), (right, y));
        }
        for (i, s) in chunk.iter().enumerate() {
            let n = page * STRIPS + i + 1;
            let (x, y) = (left + 14.0, top - h * i as f32);
            doc.text(
                x,
                y - 18.0,
                11.0,
                Weight::Bold,
                BLACK,
                &format!("Seat token {n}"),
            );
            doc.text(
                x,
                y - 34.0,
                7.5,
                Weight::Regular,
                BLACK,
                &fit(&s.token, 7.5, Weight::Regular, width),
            );
            doc.text(
                x,
                y - 50.0,
                8.0,
                Weight::Regular,
                GREY,
                &fit(
                    &format!(
                        "{centre} · one seat, once · valid until {expires} · \
                         the seat's Sync page → Enrol with the hub"
                    ),
                    8.0,
                    Weight::Regular,
                    width,
                ),
            );
        }
    }
    if strips.is_empty() {
        doc.begin_section(footer);
        doc.title_block(centre, "Seat enrolment tokens", "No tokens");
    }
    doc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seat_token_fits_its_strip_whole() {
        let token = format!("{}-{}", "a".repeat(32), "f".repeat(64));
        let fitted = fit(&token, 7.5, Weight::Regular, PAGE_W - MARGIN - 28.0);
        assert_eq!(fitted, token, "the token must print in full");
        let pdf = seat_token_sheet("north", "now", "tomorrow", &[SeatTokenStrip { token }]);
        assert!(pdf.starts_with(b"%PDF"));
    }
}
