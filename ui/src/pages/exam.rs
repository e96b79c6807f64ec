//! The exam screen. Answers go out through a small outbox: one save in flight at
//! a time, the newest value per question wins, and a question counts as saved
//! only when the backend has acknowledged its latest value (after the commit).

use crate::comfort::Comfort;
use crate::components::{AnswerWidget, Navigator};
use crate::i18n::{t, ta};
use crate::ipc;
use crate::richtext::RichText;
use crate::state::{can_visit, format_remaining, ExamAction, ExamModel, Navigation, Screen};
use crate::Nav;
use examhall_protocol::{
    Answer, AttemptStatus, CandidateWidget, ErrorCode, Navigate, SetAnswer, SetFlag,
};
use gloo_timers::callback::{Interval, Timeout};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// How long typing must pause before a text answer is sent.
const TYPING_PAUSE_MS: u32 = 400;

#[derive(Default)]
struct Outbox {
    /// Latest value per question, waiting to be sent.
    queued: BTreeMap<String, Option<Answer>>,
    /// Typed values waiting for a pause in typing.
    typing: HashMap<String, (Option<Answer>, Timeout)>,
    in_flight: Option<String>,
}

impl Outbox {
    fn is_dirty(&self, q: &str) -> bool {
        self.queued.contains_key(q) || self.typing.contains_key(q)
    }
    /// Not yet acknowledged: typed, queued or in flight.
    fn is_pending(&self, q: &str) -> bool {
        self.is_dirty(q) || self.in_flight.as_deref() == Some(q)
    }
    fn is_idle(&self) -> bool {
        self.queued.is_empty() && self.typing.is_empty() && self.in_flight.is_none()
    }
    /// Sends typed values now (before submitting or leaving the question).
    fn flush_typing(&mut self) {
        for (q, (a, _timer)) in self.typing.drain() {
            self.queued.insert(q, a);
        }
    }
}

struct Saver {
    outbox: RefCell<Outbox>,
    token: String,
    attempt_id: String,
    model: UseReducerHandle<ExamModel>,
    nav: Nav,
}

fn pump(s: Rc<Saver>) {
    let next = {
        let mut ob = s.outbox.borrow_mut();
        if ob.in_flight.is_some() {
            return;
        }
        let Some(q) = ob.queued.keys().next().cloned() else {
            return;
        };
        let a = ob.queued.remove(&q).flatten();
        ob.in_flight = Some(q.clone());
        (q, a)
    };
    wasm_bindgen_futures::spawn_local(async move {
        let (question, answer) = next;
        let req = SetAnswer {
            attempt_id: s.attempt_id.clone(),
            question_id: question.clone(),
            answer: answer.clone(),
        };
        let res = ipc::set_answer(&s.token, req).await;
        s.outbox.borrow_mut().in_flight = None;
        match res {
            Ok(ack) => {
                let still_dirty = s.outbox.borrow().is_dirty(&question);
                s.model.dispatch(ExamAction::Saved {
                    question,
                    seq: ack.seq,
                    clock: ack.clock,
                    at: now_ms(),
                    still_dirty,
                });
                pump(s);
            }
            Err(e) if e.code == ErrorCode::TimeUp => s.nav.go(Screen::Result(s.attempt_id.clone())),
            Err(e) if e.code == ErrorCode::Unauthenticated => s.nav.check(&e),
            Err(e) => {
                // Keep the value (unless a newer one is queued) and try again shortly.
                s.outbox
                    .borrow_mut()
                    .queued
                    .entry(question)
                    .or_insert(answer);
                s.model.dispatch(ExamAction::SaveFailed(ta(
                    "exam-not-saved",
                    &[("reason", e.message.clone().into())],
                )));
                let s2 = s.clone();
                Timeout::new(1500, move || pump(s2)).forget();
            }
        }
    });
}

/// Sends typed values now and waits (up to ~10 s) until every pending answer is
/// acknowledged: before submitting, and before the window closes.
async fn drain(s: Rc<Saver>) {
    s.outbox.borrow_mut().flush_typing();
    pump(s.clone());
    for _ in 0..100 {
        if s.outbox.borrow().is_idle() {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(100).await;
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
    pub attempt_id: String,
}

#[function_component(ExamPage)]
pub fn exam_page(p: &Props) -> Html {
    let loaded = use_state(|| None::<Result<examhall_protocol::AttemptView, String>>);
    {
        let (loaded, nav, id) = (loaded.clone(), p.nav.clone(), p.attempt_id.clone());
        use_effect_with(p.attempt_id.clone(), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::open_attempt(&nav.token, id.clone()).await {
                    Ok(v) if v.clock.status != AttemptStatus::InProgress => {
                        nav.go(Screen::Result(id))
                    }
                    Ok(v) => loaded.set(Some(Ok(v))),
                    Err(e) => {
                        nav.check(&e);
                        loaded.set(Some(Err(e.message)));
                    }
                }
            });
        });
    }
    match &*loaded {
        None => html! { <p class="muted">{t("exam-opening")}</p> },
        Some(Err(e)) => html! { <p class="error" role="alert">{e}</p> },
        Some(Ok(v)) => html! { <Sitting nav={p.nav.clone()} view={v.clone()} /> },
    }
}

#[derive(Properties, PartialEq)]
struct SittingProps {
    nav: Nav,
    view: examhall_protocol::AttemptView,
}

#[function_component(Sitting)]
fn sitting(p: &SittingProps) -> Html {
    let model = use_reducer({
        let v = p.view.clone();
        move || ExamModel::new(v, now_ms())
    });
    let saver = use_memo((), {
        let (model, nav, view) = (model.clone(), p.nav.clone(), p.view.clone());
        move |_| Saver {
            outbox: RefCell::new(Outbox::default()),
            token: nav.token.clone(),
            attempt_id: view.attempt_id,
            model,
            nav,
        }
    });
    let tick = use_state(now_ms);
    let attempt_id = p.view.attempt_id.clone();
    let token = p.nav.token.clone();

    // Heartbeat every 2 s (the backend's clock; it submits at time-up) and a local tick for the display.
    {
        let (model, nav, tick, attempt_id, token) = (
            model.clone(),
            p.nav.clone(),
            tick.clone(),
            attempt_id.clone(),
            token.clone(),
        );
        use_effect_with((), move |_| {
            let beat = Interval::new(2000, move || {
                let (model, nav, attempt_id, token) = (
                    model.clone(),
                    nav.clone(),
                    attempt_id.clone(),
                    token.clone(),
                );
                wasm_bindgen_futures::spawn_local(async move {
                    match ipc::heartbeat(&token, attempt_id.clone()).await {
                        Ok(c) if c.status != AttemptStatus::InProgress => {
                            nav.go(Screen::Result(attempt_id))
                        }
                        Ok(c) => model.dispatch(ExamAction::Clock {
                            clock: c,
                            at: now_ms(),
                        }),
                        Err(e) => nav.check(&e),
                    }
                });
            });
            let ticker = Interval::new(250, move || tick.set(now_ms()));
            move || drop((beat, ticker))
        });
    }

    // While the attempt is on screen: the exam guards, fullscreen, on top.
    let rules = p.view.window;
    use_effect_with((), move |_| {
        let guard = crate::lockdown::Guard::exam(rules.allow_paste);
        wasm_bindgen_futures::spawn_local(async {
            let _ = ipc::exam_mode(true).await;
        });
        move || {
            drop(guard);
            wasm_bindgen_futures::spawn_local(async {
                let _ = ipc::exam_mode(false).await;
            });
        }
    });
    // Leaving the exam window (focus lost, or hidden) is an integrity event the
    // invigilator sees. At most one report every 3 s.
    let left_window = use_state(|| false);
    {
        let (attempt_id, token, left_window) =
            (attempt_id.clone(), token.clone(), left_window.clone());
        use_effect_with((), move |_| {
            let last = Rc::new(std::cell::Cell::new(-1e9_f64));
            let report = Rc::new(move |hidden: bool| {
                if rules.warn_on_focus_loss {
                    left_window.set(true);
                }
                if now_ms() - last.get() < 3000.0 {
                    return;
                }
                last.set(now_ms());
                let (attempt_id, token) = (attempt_id.clone(), token.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = ipc::focus_lost(&token, &attempt_id, hidden).await;
                });
            });
            let window = web_sys::window().expect("a window");
            let document = window.document().expect("a document");
            let on_blur = {
                let report = report.clone();
                Closure::<dyn Fn()>::new(move || report(false))
            };
            let on_visibility = {
                let (report, document) = (report.clone(), document.clone());
                Closure::<dyn Fn()>::new(move || {
                    if document.hidden() {
                        report(true)
                    }
                })
            };
            let _ =
                window.add_event_listener_with_callback("blur", on_blur.as_ref().unchecked_ref());
            let _ = document.add_event_listener_with_callback(
                "visibilitychange",
                on_visibility.as_ref().unchecked_ref(),
            );
            move || {
                let _ = window
                    .remove_event_listener_with_callback("blur", on_blur.as_ref().unchecked_ref());
                let _ = document.remove_event_listener_with_callback(
                    "visibilitychange",
                    on_visibility.as_ref().unchecked_ref(),
                );
            }
        });
    }
    let refresh_clock = {
        let (model, nav, attempt_id, token) = (
            model.clone(),
            p.nav.clone(),
            attempt_id.clone(),
            token.clone(),
        );
        Callback::from(move |_: ()| {
            let (model, nav, attempt_id, token) = (
                model.clone(),
                nav.clone(),
                attempt_id.clone(),
                token.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::heartbeat(&token, attempt_id).await {
                    Ok(c) => model.dispatch(ExamAction::Clock {
                        clock: c,
                        at: now_ms(),
                    }),
                    Err(e) => nav.check(&e),
                }
            });
        })
    };

    // Comfort: text size, contrast and reading guide, remembered for the attempt.
    let comfort = use_state({
        let (id, preset) = (attempt_id.clone(), p.view.display_preset);
        move || crate::comfort::load(&id, preset)
    });
    use_effect_with((), |_| move || crate::comfort::apply(None));
    {
        let id = attempt_id.clone();
        use_effect_with(*comfort, move |c| crate::comfort::save_and_apply(&id, *c));
    }
    let set_comfort = |f: fn(Comfort) -> Comfort| {
        let comfort = comfort.clone();
        Callback::from(move |_: MouseEvent| comfort.set(f(*comfort)))
    };
    // The reading guide follows the pointer, or the focused control.
    use_effect_with((), |_| {
        let document = web_sys::window()
            .and_then(|w| w.document())
            .expect("a document");
        let place = |y: f64| {
            if let Some(g) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("reading-guide"))
            {
                let _ = g.set_attribute("style", &format!("top: calc({y}px - 1.2em)"));
            }
        };
        let on_move = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |e: web_sys::MouseEvent| {
            place(f64::from(e.client_y()))
        });
        let on_focus =
            Closure::<dyn Fn(web_sys::FocusEvent)>::new(move |e: web_sys::FocusEvent| {
                if let Some(el) = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                {
                    let r = el.get_bounding_client_rect();
                    place(r.top() + r.height() / 2.0)
                }
            });
        let _ = document
            .add_event_listener_with_callback("mousemove", on_move.as_ref().unchecked_ref());
        let _ =
            document.add_event_listener_with_callback("focusin", on_focus.as_ref().unchecked_ref());
        move || {
            let _ = document
                .remove_event_listener_with_callback("mousemove", on_move.as_ref().unchecked_ref());
            let _ = document
                .remove_event_listener_with_callback("focusin", on_focus.as_ref().unchecked_ref());
        }
    });
    // Closing the window during the attempt: the shell asks, this page shows the dialog.
    let closing = use_state(|| false);
    {
        let closing = closing.clone();
        use_effect_with((), move |_| {
            let listener = crate::ipc::listen("exam-close-requested", move || closing.set(true));
            move || drop(listener)
        });
    }
    let close_code = use_state(String::new);
    let close_error = use_state(|| None::<String>);
    // Shortcuts (README, "Sitting an exam by keyboard"): Alt+N next, Alt+P
    // previous, Alt+F flag, Alt+S submit…; Tab moves between controls.
    let shortcut_actions = use_mut_ref(|| None::<[Callback<MouseEvent>; 4]>);
    {
        let actions = shortcut_actions.clone();
        use_effect_with((), move |_| {
            let document = web_sys::window()
                .and_then(|w| w.document())
                .expect("a document");
            let on_key =
                Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                    if !e.alt_key() || e.ctrl_key() || e.meta_key() {
                        return;
                    }
                    let which = match e.key().to_ascii_lowercase().as_str() {
                        "n" => 0,
                        "p" => 1,
                        "f" => 2,
                        "s" => 3,
                        _ => return,
                    };
                    e.prevent_default();
                    let action = actions.borrow().as_ref().map(|a| a[which].clone());
                    if let (Some(action), Ok(click)) = (action, web_sys::MouseEvent::new("click")) {
                        action.emit(click);
                    }
                });
            let _ = document
                .add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
            move || {
                let _ = document.remove_event_listener_with_callback(
                    "keydown",
                    on_key.as_ref().unchecked_ref(),
                );
            }
        });
    }
    // What the screen reader hears about the time (not every second).
    let announce = use_state(String::new);
    let last_remaining = use_mut_ref(|| None::<i64>);

    let m = &*model;
    if m.clock.locked {
        return html! {
            <LockScreen nav={p.nav.clone()} attempt_id={attempt_id.clone()} title={m.view.exam_title.clone()} on_unlocked={refresh_clock} />
        };
    }
    let remaining = m.remaining_ms(*tick);
    {
        let before = last_remaining.borrow_mut().replace(remaining);
        if let Some(said) = before.and_then(|p| crate::comfort::time_announcement(p, remaining)) {
            if *announce != said {
                announce.set(said);
            }
        }
    }
    let count = m.view.questions.len();
    let q = m.view.questions[m.current].clone();
    // A text with gaps may come without a prompt: its heading says what to do.
    let prompt = if q.prompt.trim().is_empty() && matches!(q.widget, CandidateWidget::Cloze { .. })
    {
        t("answer-cloze")
    } else {
        q.prompt.clone()
    };
    // The section this question is in; its instructions show at its first question.
    let parts = crate::authoring::attempt_parts(&m.view);
    let section = crate::authoring::part_at(&parts, m.current).map(|(n, part)| {
        let at_start = part.first == m.current && !part.instructions.trim().is_empty();
        html! {
            <div class="section-head" id="section-head">
                <h2 class="section-title" id="section-title">
                    {ta("exam-section", &[("number", (n + 1).into()), ("count", parts.len().into()), ("title", part.title.clone().into())])}
                </h2>
                if at_start {
                    <div class="section-instructions rich" id="section-instructions"><RichText text={part.instructions.clone()} /></div>
                }
            </div>
        }
    });
    let answered: Vec<bool> = m
        .view
        .questions
        .iter()
        .map(|q| m.is_answered(&q.id))
        .collect();
    let flagged: Vec<bool> = m
        .view
        .questions
        .iter()
        .map(|q| m.flagged.contains(&q.id))
        .collect();

    let on_change = {
        let (model, saver, qid) = (model.clone(), saver.clone(), q.id.clone());
        Callback::from(move |(answer, typed): (Option<Answer>, bool)| {
            model.dispatch(ExamAction::Edit {
                question: qid.clone(),
                answer: answer.clone(),
            });
            if typed {
                let s2 = saver.clone();
                let q2 = qid.clone();
                let timer = Timeout::new(TYPING_PAUSE_MS, move || {
                    let moved = s2.outbox.borrow_mut().typing.remove(&q2);
                    if let Some((a, _)) = moved {
                        s2.outbox.borrow_mut().queued.insert(q2, a);
                        pump(s2.clone());
                    }
                });
                saver
                    .outbox
                    .borrow_mut()
                    .typing
                    .insert(qid.clone(), (answer, timer));
            } else {
                let mut ob = saver.outbox.borrow_mut();
                // This value already holds what was typed (a text with gaps mixes
                // typed gaps and lists): the older typed value must not follow it.
                ob.typing.remove(&qid);
                ob.queued.insert(qid.clone(), answer);
                drop(ob);
                pump(saver.clone());
            }
        })
    };
    let navigation = m.navigation();
    let forward_only = navigation == Navigation::ForwardOnly;
    let go = {
        let (model, saver, attempt_id, token, current) = (
            model.clone(),
            saver.clone(),
            attempt_id.clone(),
            token.clone(),
            m.current,
        );
        let ids: Vec<String> = m.view.questions.iter().map(|q| q.id.clone()).collect();
        Callback::from(move |i: usize| {
            if !can_visit(i, current, navigation) {
                return;
            }
            saver.outbox.borrow_mut().flush_typing();
            pump(saver.clone());
            model.dispatch(ExamAction::Go(i));
            let (attempt_id, token, saver) = (attempt_id.clone(), token.clone(), saver.clone());
            // Forward only: once the backend has moved on, the questions behind
            // can no longer be saved, so their answers go first.
            let behind = if forward_only {
                ids[..i.min(ids.len())].to_vec()
            } else {
                Vec::new()
            };
            // (Still unsaved after 10 minutes: the backend stays where it is, and
            // the next move tries again.)
            wasm_bindgen_futures::spawn_local(async move {
                let waiting = || {
                    let ob = saver.outbox.borrow();
                    behind.iter().any(|q| ob.is_pending(q))
                };
                for _ in 0..6000 {
                    if !waiting() {
                        break;
                    }
                    gloo_timers::future::TimeoutFuture::new(100).await;
                }
                if waiting() {
                    return;
                }
                let _ = ipc::navigate(
                    &token,
                    Navigate {
                        attempt_id,
                        index: i as u32,
                    },
                )
                .await;
            });
        })
    };
    let toggle_flag = {
        let (model, attempt_id, token, qid) = (
            model.clone(),
            attempt_id.clone(),
            token.clone(),
            q.id.clone(),
        );
        let now_flagged = m.flagged.contains(&q.id);
        Callback::from(move |_| {
            let (model, attempt_id, token, qid) = (
                model.clone(),
                attempt_id.clone(),
                token.clone(),
                qid.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let req = SetFlag {
                    attempt_id,
                    question_id: qid.clone(),
                    flagged: !now_flagged,
                };
                if ipc::set_flag(&token, req).await.is_ok() {
                    model.dispatch(ExamAction::Flagged {
                        question: qid,
                        flagged: !now_flagged,
                    });
                }
            });
        })
    };
    let submit_now = {
        let (saver, nav, attempt_id, token) = (
            saver.clone(),
            p.nav.clone(),
            attempt_id.clone(),
            token.clone(),
        );
        Callback::from(move |_| {
            let (saver, nav, attempt_id, token) = (
                saver.clone(),
                nav.clone(),
                attempt_id.clone(),
                token.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                // Every pending answer first, then the submission.
                drain(saver.clone()).await;
                match ipc::submit(&token, attempt_id.clone()).await {
                    Ok(_) => nav.go(Screen::Result(attempt_id)),
                    Err(e) if matches!(e.code, ErrorCode::Conflict | ErrorCode::TimeUp) => {
                        nav.go(Screen::Result(attempt_id))
                    }
                    Err(e) => saver.model.dispatch(ExamAction::SaveFailed(e.message)),
                }
            });
        })
    };

    let (save_class, save_text) = match (&m.save_error, m.unsaved.is_empty()) {
        (Some(e), _) => ("save error", e.clone()),
        (None, false) => ("save pending", t("exam-saving")),
        (None, true) if m.last_seq == 0 => ("save ok", t("exam-saved-all")),
        (None, true) => ("save ok", t("exam-saved")),
    };
    // Beside "Saved": whether the room hub holds a copy of it too (a seat
    // following a hub only).
    let copy_status = m.clock.room_copy.as_ref().map(|c| match &c.refused {
        Some(why) => (
            "copy error",
            ta("exam-copy-refused", &[("why", why.clone().into())]),
        ),
        None if c.behind == 0 => ("copy ok", t("exam-copied")),
        None => ("copy pending", t("exam-copying")),
    });
    let low = remaining <= 5 * 60 * 1000;
    let open_confirm = {
        let model = model.clone();
        Callback::from(move |_| model.dispatch(ExamAction::Confirm(true)))
    };
    let close_confirm = {
        let model = model.clone();
        Callback::from(move |_| model.dispatch(ExamAction::Confirm(false)))
    };
    // Forward only: no Previous, and Alt+P does nothing.
    let prev = {
        let go = go.clone();
        let c = m.current;
        Callback::from(move |_| {
            if c > 0 && !forward_only {
                go.emit(c - 1)
            }
        })
    };
    let next = {
        let go = go.clone();
        let c = m.current;
        Callback::from(move |_| {
            if c + 1 < count {
                go.emit(c + 1)
            }
        })
    };
    // The shortcuts act on this render's callbacks.
    *shortcut_actions.borrow_mut() = Some([
        next.clone(),
        prev.clone(),
        toggle_flag.clone(),
        open_confirm.clone(),
    ]);
    let keep_open = {
        let (closing, close_error, close_code) =
            (closing.clone(), close_error.clone(), close_code.clone());
        Callback::from(move |_: MouseEvent| {
            closing.set(false);
            close_error.set(None);
            close_code.set(String::new());
        })
    };
    let close_window = {
        let (nav, attempt_id, close_code, close_error, saver) = (
            p.nav.clone(),
            attempt_id.clone(),
            close_code.clone(),
            close_error.clone(),
            saver.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let code = (*close_code).trim().to_owned();
            let (nav, attempt_id, close_error, saver) = (
                nav.clone(),
                attempt_id.clone(),
                close_error.clone(),
                saver.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                // Nothing typed is left behind when the window closes.
                drain(saver).await;
                let code = (!code.is_empty()).then_some(code);
                if let Err(e) = ipc::close_exam_window(&nav.token, &attempt_id, code).await {
                    nav.check(&e);
                    close_error.set(Some(e.message));
                }
            });
        })
    };
    let c = *comfort;
    let warning = crate::comfort::warning(remaining);
    let list = |v: Vec<usize>| {
        if v.is_empty() {
            t("exam-confirm-none")
        } else {
            v.iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };

    html! {
        <div class="exam" data-attempt={attempt_id.clone()}>
            <div class="exam-head">
                <h1>{&m.view.exam_title}</h1>
                <div class={classes!("timer", low.then_some("low"))} id="timer" role="timer" aria-label={t("exam-time-left")}>{format_remaining(remaining)}</div>
                <div class={classes!(save_class)} id="save-status" role="status" aria-live="polite"
                    data-unsaved={m.unsaved.len().to_string()} data-seq={m.last_seq.to_string()}>{save_text}</div>
                if let Some((class, text)) = copy_status {
                    <div class={classes!(class)} id="copy-status" role="status"
                        data-behind={m.clock.room_copy.as_ref().map_or(0, |c| c.behind).to_string()}>{text}</div>
                }
            </div>
            if forward_only {
                <p class="notice" id="forward-only-notice">{t("exam-forward-only")}</p>
            }
            <div class="comfort" role="toolbar" aria-label={t("exam-display")}>
                <button id="text-smaller" disabled={c.text == 0} onclick={set_comfort(Comfort::smaller)}>{t("exam-text-smaller")}</button>
                <span id="text-size" aria-live="polite">{ta("exam-text-size", &[("percent", c.percent().into())])}</span>
                <button id="text-larger" disabled={c.text + 1 >= crate::comfort::TEXT_STEPS} onclick={set_comfort(Comfort::larger)}>{t("exam-text-larger")}</button>
                <button id="high-contrast" aria-pressed={c.contrast.to_string()} onclick={set_comfort(|c| Comfort { contrast: !c.contrast, ..c })}>{t("exam-high-contrast")}</button>
                <button id="reading-guide-toggle" aria-pressed={c.guide.to_string()} onclick={set_comfort(|c| Comfort { guide: !c.guide, ..c })}>{t("exam-reading-guide")}</button>
                <span class="shortcuts muted" id="shortcuts">{ if forward_only { t("exam-shortcuts-forward") } else { t("exam-shortcuts") } }</span>
            </div>
            if *left_window {
                <div class="time-warning" id="focus-warning" role="alert">
                    {t("exam-left-window")}{" "}
                    <button id="focus-warning-ok" onclick={{ let l = left_window.clone(); Callback::from(move |_: MouseEvent| l.set(false)) }}>{t("exam-back-to-exam")}</button>
                </div>
            }
            if let Some(w) = warning {
                <p class="time-warning" id="time-warning" role="alert">{w}</p>
            }
            <p class="sr-only" id="time-announce" aria-live="polite">{(*announce).clone()}</p>
            if c.guide {
                <div id="reading-guide" aria-hidden="true" />
            }
            <Navigator count={count} current={m.current} answered={answered} flagged={flagged.clone()} on_go={go.clone()}
                earliest={if forward_only { m.current } else { 0 }} />
            { section.unwrap_or_default() }
            <section class="card question" aria-labelledby="question-prompt" data-question={q.id.clone()}>
                <p class="qnum">{ta("exam-question-of", &[("number", (m.current + 1).into()), ("count", count.into()), ("n", q.marks.into()), ("marks", crate::i18n::marks(q.marks).into())])}</p>
                // A heading that may hold paragraphs, lists and formulas (crate::richtext).
                <div id="question-prompt" class="prompt rich" role="heading" aria-level="2"><RichText text={prompt} /></div>
                <AnswerWidget key={q.id.clone()} question={q.clone()} answer={m.view.answers.get(&q.id).cloned()} on_change={on_change} />
                <div class="controls">
                    if !forward_only {
                        <button id="prev" onclick={prev} disabled={m.current == 0}>{t("exam-previous")}</button>
                    }
                    <button id="flag-toggle" class={classes!(flagged[m.current].then_some("flag-on"))} aria-pressed={flagged[m.current].to_string()} onclick={toggle_flag}>
                        { if flagged[m.current] { t("exam-flagged") } else { t("exam-flag") } }
                    </button>
                    <button id="next" onclick={next} disabled={m.current + 1 == count}>{t("exam-next")}</button>
                    <span class="spacer" />
                    <button id="submit-open" class="primary" onclick={open_confirm}>{t("exam-submit-open")}</button>
                </div>
            </section>
            if m.clock.paused {
                <div class="modal paused" id="paused-overlay" role="alertdialog" aria-modal="true" aria-labelledby="paused-title" aria-live="assertive">
                    <div class="card">
                        <h2 id="paused-title">{t("exam-paused-title")}</h2>
                        <p>{t("exam-paused-text")}</p>
                        <p class="muted">{ta("exam-paused-left", &[("time", format_remaining(remaining).into())])}</p>
                    </div>
                </div>
            }
            if *closing {
                <div class="modal" id="close-dialog" role="alertdialog" aria-modal="true" aria-labelledby="close-title" aria-describedby="close-text">
                    <div class="card">
                        <h2 id="close-title">{t("exam-close-title")}</h2>
                        <p id="close-text">{t("exam-close-text")}</p>
                        <form onsubmit={close_window}>
                            <label for="close-code">{t("exam-code")}</label>
                            <input id="close-code" class="code" autocomplete="off" value={(*close_code).clone()} oninput={crate::pages::bind(&close_code)} />
                            if let Some(e) = &*close_error { <p class="error" role="alert" id="close-error">{e}</p> }
                            <div class="controls">
                                <button type="button" id="close-cancel" class="primary" onclick={keep_open}>{t("exam-keep-working")}</button>
                                <button type="submit" id="close-confirm">{t("exam-close-confirm")}</button>
                            </div>
                        </form>
                    </div>
                </div>
            }
            if m.confirming {
                <div class="modal" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
                    <div class="card">
                        <h2 id="confirm-title">{t("exam-confirm-title")}</h2>
                        <p id="confirm-unanswered">{ta("exam-confirm-unanswered", &[("list", list(m.unanswered()).into())])}</p>
                        <p id="confirm-flagged">{ta("exam-confirm-flagged", &[("list", list(m.flagged_numbers()).into())])}</p>
                        <p>{t("exam-confirm-final")}</p>
                        <div class="controls">
                            <button id="submit-cancel" onclick={close_confirm}>{t("exam-keep-working")}</button>
                            <button id="submit-confirm" class="primary" onclick={submit_now}>{t("exam-confirm-submit")}</button>
                        </div>
                    </div>
                </div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LockProps {
    nav: Nav,
    attempt_id: String,
    title: String,
    on_unlocked: Callback<()>,
}

/// After an unclean exit the seat waits for the invigilator: the console unlocks
/// it over the LAN, or the invigilator types their code (or the answer to the
/// challenge shown here, from the console, when the seat is offline).
#[function_component(LockScreen)]
fn lock_screen(p: &LockProps) -> Html {
    let info = use_state(|| None::<examhall_protocol::room::LockDto>);
    let code = use_state(String::new);
    let error = use_state(|| None::<String>);
    {
        let (info, nav, id) = (info.clone(), p.nav.clone(), p.attempt_id.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::lock_info(&nav.token, &id).await {
                    Ok(i) => info.set(Some(i)),
                    Err(e) => nav.check(&e),
                }
            });
        });
    }
    let submit = {
        let (nav, id, code, error, done) = (
            p.nav.clone(),
            p.attempt_id.clone(),
            code.clone(),
            error.clone(),
            p.on_unlocked.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (nav, id, typed, error, done) = (
                nav.clone(),
                id.clone(),
                (*code).clone(),
                error.clone(),
                done.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::unlock_seat(&nav.token, &id, &typed).await {
                    Ok(_) => done.emit(()),
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message));
                    }
                }
            });
        })
    };
    html! {
        <div class="exam locked" id="lock-screen">
            <section class="card narrow" role="alertdialog" aria-labelledby="lock-title" aria-describedby="lock-text">
                <h1 id="lock-title">{t("lock-title")}</h1>
                <p id="lock-text">{ta("lock-text", &[("exam", p.title.clone().into())])}</p>
                if let Some(i) = &*info {
                    <p>{t("lock-challenge")}{" "}<strong id="lock-challenge" class="code big">{&i.challenge}</strong></p>
                }
                <form onsubmit={submit}>
                    <label for="unlock-code">{t("exam-code")}</label>
                    <input id="unlock-code" class="code" autocomplete="off" value={(*code).clone()} oninput={crate::pages::bind(&code)} />
                    if let Some(e) = &*error { <p class="error" role="alert">{e}</p> }
                    <button type="submit" id="unlock-submit" class="primary">{t("lock-unlock")}</button>
                </form>
            </section>
        </div>
    }
}
