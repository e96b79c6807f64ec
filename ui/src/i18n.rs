//! Message catalogues (Fluent): what a candidate sees, in English and French.
//! `ui/locales/<lang>/candidate.ftl` hold the text; `t` and `ta` look a message up
//! in the chosen language, falling back to English, then to the message id (so a
//! missing message shows, rather than an empty control). The language is chosen on
//! the sign-in screen or on *My exams* and remembered on the machine; it starts as
//! the system's language when that is one of ours. Numbers go through the webview's
//! `Intl` for the language (decimal comma in French).

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use std::cell::RefCell;

/// The languages with a complete catalogue: (code, name in that language).
pub const LANGUAGES: &[(&str, &str)] = &[("en", "English"), ("fr", "Français")];

/// Each language's catalogue files: what candidates see, the invigilator's
/// console and room, and the office (staff, marking, analysis, reports).
const EN: &[&str] = &[
    include_str!("../locales/en/candidate.ftl"),
    include_str!("../locales/en/console.ftl"),
    include_str!("../locales/en/office.ftl"),
];
const FR: &[&str] = &[
    include_str!("../locales/fr/candidate.ftl"),
    include_str!("../locales/fr/console.ftl"),
    include_str!("../locales/fr/office.ftl"),
];
const STORAGE_KEY: &str = "examhall.lang";

fn sources(lang: &str) -> &'static [&'static str] {
    match lang {
        "fr" => FR,
        _ => EN,
    }
}

fn bundle(lang: &str) -> FluentBundle<FluentResource> {
    let id = lang.parse().expect("our language codes parse");
    let mut b = FluentBundle::new(vec![id]);
    // No Unicode isolation marks around arguments: the text is shown as is.
    b.set_use_isolating(false);
    for src in sources(lang) {
        let res = FluentResource::try_new((*src).to_owned()).unwrap_or_else(|(_, errors)| {
            panic!("the {lang} catalogue does not parse: {errors:?}")
        });
        b.add_resource(res)
            .unwrap_or_else(|errors| panic!("the {lang} catalogue repeats a message: {errors:?}"));
    }
    b
}

struct Catalogue {
    lang: &'static str,
    chosen: FluentBundle<FluentResource>,
    english: FluentBundle<FluentResource>,
}

thread_local! {
    static CURRENT: RefCell<Catalogue> = RefCell::new(Catalogue {
        lang: "en",
        chosen: bundle("en"),
        english: bundle("en"),
    });
}

fn format(b: &FluentBundle<FluentResource>, id: &str, args: Option<&FluentArgs>) -> Option<String> {
    let pattern = b.get_message(id)?.value()?;
    let mut errors = vec![];
    Some(b.format_pattern(pattern, args, &mut errors).into_owned())
}

fn lookup(id: &str, args: Option<&FluentArgs>) -> String {
    CURRENT.with(|c| {
        let c = c.borrow();
        format(&c.chosen, id, args)
            .or_else(|| format(&c.english, id, args))
            .unwrap_or_else(|| id.to_owned())
    })
}

/// A message with no arguments.
pub fn t(id: &str) -> String {
    lookup(id, None)
}

/// A message with arguments, e.g. `ta("exam-text-size", &[("percent", 150.into())])`.
pub fn ta(id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let mut a = FluentArgs::new();
    for (k, v) in args {
        a.set(*k, v.clone());
    }
    lookup(id, Some(&a))
}

/// The chosen language's code.
pub fn lang() -> &'static str {
    CURRENT.with(|c| c.borrow().lang)
}

/// Our language for a requested code ("fr-CA" is French), if we have it.
pub fn supported(code: &str) -> Option<&'static str> {
    let primary = code.split(['-', '_']).next()?.to_ascii_lowercase();
    LANGUAGES
        .iter()
        .find(|(c, _)| *c == primary)
        .map(|(c, _)| *c)
}

/// Switches the language (and remembers it on this machine when `remember`).
pub fn set_lang(code: &str, remember: bool) {
    let lang = supported(code).unwrap_or("en");
    CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        if c.lang != lang {
            c.lang = lang;
            c.chosen = bundle(lang);
        }
    });
    #[cfg(target_arch = "wasm32")]
    {
        if remember {
            if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
                let _ = s.set_item(STORAGE_KEY, lang);
            }
        }
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", lang);
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (remember, STORAGE_KEY);
}

/// At start: the language remembered on this machine, else the system's, else English.
pub fn init() {
    let w = web_sys::window();
    let stored = w
        .as_ref()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let system = w.and_then(|w| w.navigator().language());
    let code = stored.or(system).unwrap_or_else(|| "en".into());
    set_lang(&code, false);
}

/// A number as the chosen language writes it, with exactly `decimals` decimals.
pub fn number(x: f64, decimals: u32) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let opts = js_sys::Object::new();
        let d = wasm_bindgen::JsValue::from(decimals);
        let _ = js_sys::Reflect::set(&opts, &"minimumFractionDigits".into(), &d);
        let _ = js_sys::Reflect::set(&opts, &"maximumFractionDigits".into(), &d);
        let locales = js_sys::Array::of1(&lang().into());
        let f = js_sys::Intl::NumberFormat::new(&locales, &opts);
        let out = f
            .format()
            .call1(&f, &x.into())
            .ok()
            .and_then(|v| v.as_string());
        if let Some(s) = out {
            return s;
        }
    }
    format!("{x:.prec$}", prec = decimals as usize)
}

/// A time of day (Unix milliseconds) as the chosen language writes it.
pub fn time_of_day(ms: i64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        String::from(d.to_locale_time_string(lang()))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let secs = ms.div_euclid(1000).rem_euclid(86_400);
        format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    }
}

/// A date and time (Unix milliseconds), short, as the chosen language writes it.
pub fn date_time(ms: i64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        let opts = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&opts, &"dateStyle".into(), &"medium".into());
        let _ = js_sys::Reflect::set(&opts, &"timeStyle".into(), &"short".into());
        String::from(d.to_locale_string(lang(), &opts))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let secs = ms.div_euclid(1000);
        let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
        let t = secs.rem_euclid(86_400);
        format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", t / 3600, t / 60 % 60)
    }
}

/// A `datetime-local` input's value ("2026-12-04T09:30") as Unix milliseconds
/// in this machine's time zone; `None` if it is not a date and a time.
pub fn parse_local_date_time(value: &str) -> Option<i64> {
    let v = value.trim();
    // The shape the input gives, checked here: the browser's parser accepts more.
    let b = v.as_bytes();
    let shaped = (b.len() == 16 || b.len() == 19)
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b.iter()
            .enumerate()
            .all(|(i, c)| matches!(i, 4 | 7 | 10 | 13 | 16) || c.is_ascii_digit());
    if !shaped {
        return None;
    }
    #[cfg(target_arch = "wasm32")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(v));
        let ms = d.get_time();
        (!ms.is_nan()).then_some(ms as i64)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        // Tests run natively, in UTC.
        let n = |r: std::ops::Range<usize>| v[r].parse::<i64>().ok();
        let (y, mo, d, h, mi) = (n(0..4)?, n(5..7)?, n(8..10)?, n(11..13)?, n(14..16)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 {
            return None;
        }
        Some((days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60) * 1000)
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(not(target_arch = "wasm32"))]
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// A number as the language writes it, to at most `decimals` decimals, without
/// trailing zeros or a bare separator (2.004 to two decimals is "2", never "2.").
pub fn number_short(x: f64, decimals: u32) -> String {
    let s = number(x, decimals);
    if decimals == 0 {
        return s;
    }
    s.trim_end_matches('0')
        .trim_end_matches(['.', ','])
        .to_owned()
}

/// A mark as the language writes it: whole marks without decimals, others to
/// at most two decimals.
pub fn marks(x: f64) -> String {
    number_short(x, 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_bundle::FluentResource;
    use std::collections::BTreeSet;

    fn ids(srcs: &[&str]) -> BTreeSet<String> {
        let mut all = BTreeSet::new();
        for src in srcs {
            let res = FluentResource::try_new((*src).to_owned()).expect("parses");
            for e in res.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = e {
                    assert!(all.insert(m.id.name.to_owned()), "{} twice", m.id.name);
                }
            }
        }
        all
    }

    #[test]
    fn marks_drop_trailing_zeros_and_a_bare_separator() {
        assert_eq!(marks(3.0), "3");
        assert_eq!(marks(2.5), "2.5");
        assert_eq!(marks(0.25), "0.25");
        assert_eq!(
            marks(2.004),
            "2",
            "rounds to a whole mark: no separator left"
        );
        assert_eq!(marks(1.999), "2");
        assert_eq!(marks(10.0), "10", "a whole mark keeps its zeros");
        assert_eq!(number_short(9.700000000000001, 6), "9.7");
    }

    #[test]
    fn every_language_has_every_message() {
        let en = ids(EN);
        assert!(en.len() > 90, "{}", en.len());
        assert_eq!(ids(FR), en, "French and English name the same messages");
    }

    #[test]
    fn every_message_the_code_asks_for_exists() {
        let en = ids(EN);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut asked = BTreeSet::new();
        let mut files = vec![std::path::PathBuf::from(dir)];
        while let Some(p) = files.pop() {
            if p.is_dir() {
                files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if p.ends_with("i18n.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for call in ["t(\"", "ta(\""] {
                let mut rest = text.as_str();
                while let Some(at) = rest.find(call) {
                    let before = rest[..at].chars().last();
                    let after = &rest[at + call.len()..];
                    rest = after;
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue; // e.g. expect("…")
                    }
                    let id = after.split('"').next().unwrap();
                    asked.insert(id.to_owned());
                }
            }
        }
        let missing: Vec<_> = asked.difference(&en).collect();
        assert!(
            missing.is_empty(),
            "asked for but not in the catalogue: {missing:?}"
        );
        assert!(
            asked.len() > 80,
            "the candidate's screens use the catalogue: {}",
            asked.len()
        );
    }

    #[test]
    fn the_texts_the_end_to_end_tests_read_keep_their_english_form() {
        set_lang("en", false);
        assert_eq!(
            ta(
                "import-summary",
                &[("questions", 12.into()), ("errors", 2.into())]
            ),
            "12 questions read, 2 errors"
        );
        assert_eq!(
            ta(
                "import-valid",
                &[("valid", 12.into()), ("skipped", 2.into())]
            ),
            "Import the 12 valid questions (2 skipped)"
        );
        assert_eq!(
            ta(
                "import-done",
                &[("imported", 12.into()), ("skipped", 2.into())]
            ),
            "Imported 12 questions (2 skipped)"
        );
        assert_eq!(
            ta(
                "import-summary",
                &[("questions", 1.into()), ("errors", 1.into())]
            ),
            "1 question read, 1 error"
        );
        assert_eq!(ta("builder-pool", &[("count", 5.into())]), "pool: 5");
        assert_eq!(
            ta(
                "exam-section",
                &[
                    ("number", 1.into()),
                    ("count", 2.into()),
                    ("title", "Algebra".into())
                ]
            ),
            "Section 1 of 2: Algebra"
        );
        set_lang("fr", false);
        assert_eq!(
            ta(
                "import-summary",
                &[("questions", 1.into()), ("errors", 3.into())]
            ),
            "1 question lue, 3 erreurs"
        );
        set_lang("en", false);
    }

    #[test]
    fn messages_format_with_plurals_and_fall_back_to_english() {
        set_lang("fr-CA", false);
        assert_eq!(lang(), "fr");
        assert_eq!(t("login-submit"), "Se connecter");
        assert_eq!(
            ta("exam-announce-minutes", &[("minutes", 1.into())]),
            "Plus qu'une minute."
        );
        assert_eq!(
            ta(
                "exams-summary",
                &[("questions", 7.into()), ("minutes", 30.into())]
            ),
            "7 questions · 30 minutes"
        );
        assert_eq!(t("no-such-message"), "no-such-message");
        set_lang("de", false);
        assert_eq!(lang(), "en", "an unknown language is English");
        assert_eq!(
            ta(
                "exam-question-of",
                &[
                    ("number", 1.into()),
                    ("count", 7.into()),
                    ("n", 1.into()),
                    ("marks", "1".into())
                ]
            ),
            "Question 1 of 7 · 1 mark"
        );
        assert_eq!(
            ta(
                "exam-question-of",
                &[
                    ("number", 2.into()),
                    ("count", 7.into()),
                    ("n", 2.0.into()),
                    ("marks", "2".into())
                ]
            ),
            "Question 2 of 7 · 2 marks"
        );
        assert_eq!(supported("FR_fr"), Some("fr"));
        assert_eq!(supported("es"), None);
    }
}
