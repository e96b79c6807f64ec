//! The candidate's comfort settings for an attempt: text size, a high-contrast
//! theme and a reading guide. Chosen in the exam window, remembered for the attempt
//! (in the webview's local storage, keyed by attempt), applied to the whole page
//! as classes on `<html>`. The model and the time announcements are plain
//! functions, tested natively.

use examhall_protocol::DisplayPreset;
use serde::{Deserialize, Serialize};

/// Text sizes: 100 %, 125 %, 150 %, 175 %, 200 % of the normal size.
pub const TEXT_STEPS: u8 = 5;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comfort {
    /// 0 = normal, up to `TEXT_STEPS - 1`.
    pub text: u8,
    pub contrast: bool,
    pub guide: bool,
}

impl Comfort {
    pub fn larger(self) -> Comfort {
        Comfort {
            text: (self.text + 1).min(TEXT_STEPS - 1),
            ..self
        }
    }
    pub fn smaller(self) -> Comfort {
        Comfort {
            text: self.text.saturating_sub(1),
            ..self
        }
    }
    /// The text size as a percentage, for the label.
    pub fn percent(self) -> u32 {
        100 + 25 * u32::from(self.text.min(TEXT_STEPS - 1))
    }
    /// The classes `<html>` carries for these settings.
    pub fn html_classes(self) -> String {
        let mut c = vec![format!("text-{}", self.text.min(TEXT_STEPS - 1))];
        if self.contrast {
            c.push("high-contrast".into());
        }
        if self.guide {
            c.push("reading-guide".into());
        }
        c.join(" ")
    }
    /// The candidate's planned accommodation, as the window's starting settings.
    pub fn from_preset(p: DisplayPreset) -> Comfort {
        Comfort {
            text: p.text_step.min(TEXT_STEPS - 1),
            contrast: p.high_contrast,
            guide: p.reading_guide,
        }
    }

    /// What the candidate chose for this attempt if anything readable is stored,
    /// else the planned accommodation, else the default.
    pub fn parse(stored: Option<&str>, preset: Option<DisplayPreset>) -> Comfort {
        stored
            .and_then(|s| serde_json::from_str::<Comfort>(s).ok())
            .map(|c| Comfort {
                text: c.text.min(TEXT_STEPS - 1),
                ..c
            })
            .or(preset.map(Comfort::from_preset))
            .unwrap_or_default()
    }
}

fn storage_key(attempt_id: &str) -> String {
    format!("examhall.comfort.{attempt_id}")
}

/// The settings remembered for an attempt, else the candidate's preset.
pub fn load(attempt_id: &str, preset: Option<DisplayPreset>) -> Comfort {
    let stored = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(&storage_key(attempt_id)).ok().flatten());
    Comfort::parse(stored.as_deref(), preset)
}

/// Remembers the settings for an attempt and applies them to the page.
pub fn save_and_apply(attempt_id: &str, c: Comfort) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(
            &storage_key(attempt_id),
            &serde_json::to_string(&c).unwrap_or_default(),
        );
    }
    apply(Some(c));
}

/// Puts the settings on `<html>` (`None`: back to normal, when the exam ends).
pub fn apply(c: Option<Comfort>) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        root.set_class_name(&c.map(Comfort::html_classes).unwrap_or_default());
    }
}

/// What the screen reader hears about the time, and when: at the 10- and
/// 5-minute warnings, the last minute, and otherwise every 15 minutes — never
/// every second. `None` when this minute brings nothing new.
pub fn time_announcement(prev_ms: i64, now_ms: i64) -> Option<String> {
    let minute = |ms: i64| (ms.max(0) + 59_999) / 60_000;
    let (before, after) = (minute(prev_ms), minute(now_ms));
    if after >= before || prev_ms <= 0 {
        return None;
    }
    // The first whole minute crossed on the way down, if any is worth saying.
    (after..before)
        .rev()
        .find(|m| *m == 10 || *m == 5 || *m == 1 || (*m > 0 && m % 15 == 0))
        .map(|m| crate::i18n::ta("exam-announce-minutes", &[("minutes", m.into())]))
}

/// Whether the visible warning banner shows: from 10 minutes left.
pub fn warning(remaining_ms: i64) -> Option<String> {
    if remaining_ms <= 0 {
        None
    } else if remaining_ms <= 5 * 60_000 {
        Some(crate::i18n::t("exam-warning-5"))
    } else if remaining_ms <= 10 * 60_000 {
        Some(crate::i18n::t("exam-warning-10"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_size_has_five_steps_and_stays_in_them() {
        let mut c = Comfort::default();
        assert_eq!(c.percent(), 100);
        for _ in 0..10 {
            c = c.larger();
        }
        assert_eq!((c.text, c.percent()), (4, 200));
        assert_eq!(c.smaller().percent(), 175);
        assert_eq!(Comfort::default().smaller(), Comfort::default());
        let all = Comfort {
            text: 2,
            contrast: true,
            guide: true,
        };
        assert_eq!(all.html_classes(), "text-2 high-contrast reading-guide");
    }

    #[test]
    fn stored_settings_round_trip_and_junk_is_the_default() {
        let c = Comfort {
            text: 3,
            contrast: true,
            guide: false,
        };
        let s = serde_json::to_string(&c).unwrap();
        assert_eq!(Comfort::parse(Some(&s), None), c);
        let junk = "{\"text\": 99, \"contrast\": false, \"guide\": true}";
        assert_eq!(Comfort::parse(Some(junk), None).text, 4);
        assert_eq!(Comfort::parse(Some("not json"), None), Comfort::default());
        assert_eq!(Comfort::parse(None, None), Comfort::default());
        // The planned accommodation applies until the candidate chooses otherwise.
        let preset = DisplayPreset {
            text_step: 2,
            high_contrast: false,
            reading_guide: true,
        };
        let from_preset = Comfort::parse(None, Some(preset));
        assert_eq!((from_preset.text, from_preset.guide), (2, true));
        assert_eq!(
            Comfort::parse(Some(&s), Some(preset)),
            c,
            "the candidate's choice wins"
        );
    }

    #[test]
    fn time_is_announced_at_the_warnings_not_every_second() {
        let min = 60_000;
        // Ticking through the 11th minute says nothing.
        assert_eq!(
            time_announcement(10 * min + 30_000, 10 * min + 29_750),
            None
        );
        assert_eq!(
            time_announcement(10 * min + 100, 10 * min - 150).as_deref(),
            Some("10 minutes left.")
        );
        assert_eq!(time_announcement(9 * min + 100, 9 * min - 150), None);
        assert_eq!(
            time_announcement(5 * min + 10, 5 * min - 240).as_deref(),
            Some("5 minutes left.")
        );
        assert_eq!(
            time_announcement(min + 10, min - 240).as_deref(),
            Some("One minute left.")
        );
        assert_eq!(
            time_announcement(30 * min + 10, 30 * min - 240).as_deref(),
            Some("30 minutes left.")
        );
        // A jump (an extension adds time) is not an announcement.
        assert_eq!(time_announcement(4 * min, 14 * min), None);
        assert_eq!(warning(11 * min), None);
        assert!(warning(10 * min).is_some());
        assert!(warning(4 * min).unwrap().starts_with("5 minutes"));
        assert_eq!(warning(0), None);
    }
}
