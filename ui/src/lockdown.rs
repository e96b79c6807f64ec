//! What the webview refuses to do. App-wide: reload, print, view source, dev tools,
//! zoom and history navigation are neutralised, and there is no context menu outside
//! text fields. During an attempt, also: no context menu at all, no copy, cut or
//! paste, no dragging, and no text selection outside answer fields.
//!
//! The decisions are plain functions (tested natively); `Guard` wires them to
//! document listeners and removes them when dropped. This is what a webview can
//! honestly do; ARCHITECTURE.md says what it cannot.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// A key press as the guards see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keys<'a> {
    pub key: &'a str,
    pub ctrl: bool,
    pub shift: bool,
    pub alt: bool,
}

/// Shortcuts that would reload, print, save, show source or dev tools, zoom, or
/// navigate away: refused everywhere in the app.
pub fn blocked_everywhere(k: Keys<'_>) -> bool {
    let key = k.key.to_ascii_lowercase();
    let f_keys = matches!(
        k.key,
        "F5" | "F7" | "F12" | "BrowserBack" | "BrowserForward" | "BrowserRefresh"
    );
    let ctrl_keys = k.ctrl
        && (matches!(
            key.as_str(),
            "r" | "p" | "s" | "o" | "u" | "+" | "-" | "=" | "0"
        ) || (k.shift && matches!(key.as_str(), "i" | "j" | "c" | "k")));
    let history = k.alt && matches!(k.key, "ArrowLeft" | "ArrowRight" | "Home");
    f_keys || ctrl_keys || history
}

/// During an attempt, also copy, cut, paste and find, and select-all outside a
/// text field (inside one it selects only the candidate's own answer, to retype it).
/// An exam that allows pasting lets the paste keys through inside an answer field.
pub fn blocked_in_exam(k: Keys<'_>, in_field: bool, allow_paste: bool) -> bool {
    let key = k.key.to_ascii_lowercase();
    let paste_key = (k.ctrl && key == "v") || (k.shift && !k.ctrl && k.key == "Insert");
    if paste_key && allow_paste && in_field {
        return false;
    }
    blocked_everywhere(k)
        || (k.ctrl && matches!(key.as_str(), "c" | "x" | "v" | "f" | "g" | "insert"))
        || (k.ctrl && key == "a" && !in_field)
        || (k.shift && k.key == "Insert")
}

/// Whether an event target is a text field (where selection and, outside an
/// attempt, the context menu stay available).
fn is_text_field(t: Option<web_sys::EventTarget>) -> bool {
    t.and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA"))
}

/// Whether a keydown event is one `rule` refuses (Cmd counts as Ctrl).
fn key_blocked(e: &web_sys::Event, rule: impl Fn(Keys<'_>) -> bool) -> bool {
    e.dyn_ref::<web_sys::KeyboardEvent>().is_some_and(|k| {
        let key = k.key();
        rule(Keys {
            key: &key,
            ctrl: k.ctrl_key() || k.meta_key(),
            shift: k.shift_key(),
            alt: k.alt_key(),
        })
    })
}

type Listener = Closure<dyn Fn(web_sys::Event)>;
type Handler = Box<dyn Fn(web_sys::Event)>;

/// Listeners on the document, removed on drop.
pub struct Guard {
    listeners: Vec<(&'static str, Listener)>,
}

impl Guard {
    fn install(handlers: Vec<(&'static str, Handler)>) -> Guard {
        let doc = web_sys::window().and_then(|w| w.document());
        let mut listeners = Vec::new();
        for (name, f) in handlers {
            let c = Closure::<dyn Fn(web_sys::Event)>::new(f);
            if let Some(d) = &doc {
                let _ = d.add_event_listener_with_callback_and_bool(
                    name,
                    c.as_ref().unchecked_ref(),
                    true,
                );
            }
            listeners.push((name, c));
        }
        Guard { listeners }
    }

    /// For the life of the app.
    pub fn app() -> Guard {
        Guard::install(vec![
            (
                "keydown",
                Box::new(|e: web_sys::Event| {
                    if key_blocked(&e, blocked_everywhere) {
                        e.prevent_default();
                    }
                }),
            ),
            (
                "contextmenu",
                Box::new(|e: web_sys::Event| {
                    if !is_text_field(e.target()) {
                        e.prevent_default();
                    }
                }),
            ),
        ])
    }

    /// While an attempt is on screen (`allow_paste`: the exam allows pasting
    /// into answer fields).
    pub fn exam(allow_paste: bool) -> Guard {
        let stop = |e: web_sys::Event| {
            e.prevent_default();
            e.stop_propagation();
        };
        Guard::install(vec![
            (
                "keydown",
                Box::new(move |e: web_sys::Event| {
                    let in_field = is_text_field(e.target());
                    if key_blocked(&e, |keys| blocked_in_exam(keys, in_field, allow_paste)) {
                        stop(e);
                    }
                }),
            ),
            ("contextmenu", Box::new(stop)),
            ("copy", Box::new(stop)),
            ("cut", Box::new(stop)),
            (
                "paste",
                Box::new(move |e: web_sys::Event| {
                    if !(allow_paste && is_text_field(e.target())) {
                        stop(e);
                    }
                }),
            ),
            ("dragstart", Box::new(stop)),
            ("drop", Box::new(stop)),
            (
                "selectstart",
                Box::new(move |e: web_sys::Event| {
                    if !is_text_field(e.target()) {
                        stop(e);
                    }
                }),
            ),
        ])
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(d) = web_sys::window().and_then(|w| w.document()) {
            for (name, c) in &self.listeners {
                let _ = d.remove_event_listener_with_callback_and_bool(
                    name,
                    c.as_ref().unchecked_ref(),
                    true,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(key: &str, ctrl: bool, shift: bool, alt: bool) -> Keys<'_> {
        Keys {
            key,
            ctrl,
            shift,
            alt,
        }
    }

    #[test]
    fn reload_print_devtools_zoom_and_history_are_refused_everywhere() {
        for keys in [
            k("F5", false, false, false),
            k("r", true, false, false),
            k("R", true, true, false),
            k("F12", false, false, false),
            k("I", true, true, false),
            k("p", true, false, false),
            k("u", true, false, false),
            k("+", true, false, false),
            k("0", true, false, false),
            k("ArrowLeft", false, false, true),
        ] {
            assert!(blocked_everywhere(keys), "{keys:?}");
        }
        for keys in [
            k("a", false, false, false),
            k("c", true, false, false),
            k("v", true, false, false),
            k("Tab", false, false, false),
            k("Enter", false, false, false),
            k("ArrowLeft", false, false, false),
        ] {
            assert!(
                !blocked_everywhere(keys),
                "staff may copy and paste: {keys:?}"
            );
        }
    }

    #[test]
    fn the_exam_also_refuses_the_clipboard_but_not_typing_or_navigation() {
        for keys in [
            k("c", true, false, false),
            k("V", true, false, false),
            k("x", true, false, false),
            k("Insert", false, true, false),
            k("F5", false, false, false),
        ] {
            assert!(blocked_in_exam(keys, true, false), "{keys:?}");
        }
        assert!(
            blocked_in_exam(k("a", true, false, false), false, false),
            "no select-all of the page"
        );
        assert!(
            !blocked_in_exam(k("a", true, false, false), true, false),
            "select-all inside an answer"
        );
        // An exam that allows pasting: into an answer field only, and never copying.
        assert!(!blocked_in_exam(k("v", true, false, false), true, true));
        assert!(!blocked_in_exam(
            k("Insert", false, true, false),
            true,
            true
        ));
        assert!(blocked_in_exam(k("v", true, false, false), false, true));
        assert!(blocked_in_exam(k("c", true, false, false), true, true));
        assert!(blocked_in_exam(k("x", true, false, false), true, true));
        for keys in [
            k("c", false, false, false),
            k("V", false, true, false),
            k("Tab", false, true, false),
            k(" ", false, false, false),
            k("ArrowDown", false, false, false),
            k("Enter", false, false, false),
        ] {
            assert!(
                !blocked_in_exam(keys, true, false),
                "answering by keyboard works: {keys:?}"
            );
        }
    }
}
