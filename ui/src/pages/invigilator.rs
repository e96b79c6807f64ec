use crate::i18n::{date_time, t, ta};
use crate::ipc;
use crate::pages::bind;
use crate::state::sitting_request;
use crate::Nav;
use examhall_protocol::{ExamSummaryDto, SittingDto};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
}

/// The sitting's window in words: when it opens (or since when it is open),
/// when it closes, how late a candidate may start.
fn window_text(s: &SittingDto, now_ms: f64) -> String {
    let opens = s.opens_at_ms.unwrap_or(s.opened_at_ms);
    let first = if (opens as f64) > now_ms {
        ta("inv-window-opens", &[("when", date_time(opens).into())])
    } else {
        ta(
            "inv-window-open-since",
            &[("when", date_time(opens).into())],
        )
    };
    let closes = match s.closes_at_ms {
        Some(c) => ta("inv-window-closes", &[("when", date_time(c).into())]),
        None => t("inv-window-no-close"),
    };
    let late = match s.late_start_minutes {
        Some(m) => ta("inv-window-late", &[("minutes", m.into())]),
        None => t("inv-window-no-late"),
    };
    format!("{first} · {closes} · {late}")
}

/// One exam's card: its sitting (code and window), a form to open a new
/// sitting now or on a schedule, and closing the open one.
#[derive(Properties, PartialEq)]
struct CardProps {
    exam: ExamSummaryDto,
    nav: Nav,
    reload: Callback<()>,
}

#[function_component(SittingCard)]
fn sitting_card(p: &CardProps) -> Html {
    let opens = use_state(String::new);
    let closes = use_state(String::new);
    let late = use_state(String::new);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let id = p.exam.exam_id;
    let open = {
        let (nav, reload) = (p.nav.clone(), p.reload.clone());
        let (opens, closes, late, error, notice) = (
            opens.clone(),
            closes.clone(),
            late.clone(),
            error.clone(),
            notice.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let req = match sitting_request(id, &opens, &closes, &late) {
                Ok(r) => r,
                Err((_, msg)) => return error.set(Some(msg)),
            };
            let (nav, reload, error, notice) =
                (nav.clone(), reload.clone(), error.clone(), notice.clone());
            let (opens, closes, late) = (opens.clone(), closes.clone(), late.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::open_sitting(&nav.token, req).await {
                    Ok(s) => {
                        error.set(None);
                        notice.set(Some(ta("inv-opened", &[("code", s.start_code.into())])));
                        opens.set(String::new());
                        closes.set(String::new());
                        late.set(String::new());
                        reload.emit(());
                    }
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message));
                    }
                }
            });
        })
    };
    let close = {
        let (nav, reload, error, notice) = (
            p.nav.clone(),
            p.reload.clone(),
            error.clone(),
            notice.clone(),
        );
        Callback::from(move |_| {
            let (nav, reload, error, notice) =
                (nav.clone(), reload.clone(), error.clone(), notice.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::close_sitting(&nav.token, id).await {
                    Ok(()) => {
                        error.set(None);
                        notice.set(Some(t("inv-closed")));
                        reload.emit(());
                    }
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message));
                    }
                }
            });
        })
    };
    let e = &p.exam;
    let now = js_sys::Date::now();
    let upcoming = e
        .open_sitting
        .as_ref()
        .and_then(|s| s.opens_at_ms)
        .is_some_and(|o| o as f64 > now);
    html! {
        <article class="card exam-card" id={format!("sitting-{id}")}>
            <h2>{&e.title}
                if upcoming { <span class="pill warn" id={format!("upcoming-{id}")}>{t("inv-upcoming")}</span> }
            </h2>
            <p class="muted">{ta("inv-summary", &[("questions", e.question_count.into()), ("minutes", (e.duration_secs / 60).into())])}</p>
            if let Some(s) = &e.open_sitting {
                <p>{t("inv-start-code")}<strong class="code big" id={format!("code-{id}")}>{&s.start_code}</strong></p>
                <p id={format!("window-{id}")}>{window_text(s, now)}</p>
                <button id={format!("close-sitting-{id}")} onclick={close}>{t("inv-close-sitting")}</button>
            } else {
                <p class="muted">{t("inv-no-sitting")}</p>
            }
            if let Some(m) = &*error { <p class="error" role="alert">{m}</p> }
            if let Some(m) = &*notice { <p class="notice" role="status">{m}</p> }
            <form id={format!("open-form-{id}")} onsubmit={open}>
                <details>
                    <summary>{t("inv-schedule")}</summary>
                    <p class="muted">{t("inv-schedule-help")}</p>
                    <div class="form-grid">
                    <label for={format!("opens-{id}")}>{t("inv-opens-at")}</label>
                    <input type="datetime-local" id={format!("opens-{id}")} value={(*opens).clone()} oninput={bind(&opens)} />
                    <label for={format!("closes-{id}")}>{t("inv-closes-at")}</label>
                    <input type="datetime-local" id={format!("closes-{id}")} value={(*closes).clone()} oninput={bind(&closes)} />
                    <label for={format!("late-{id}")}>{t("inv-late-limit")}</label>
                    <input id={format!("late-{id}")} inputmode="numeric" value={(*late).clone()} oninput={bind(&late)} class="count-input" />
                    </div>
                </details>
                <button type="submit" id={format!("open-sitting-{id}")}>
                    { if e.open_sitting.is_some() { t("inv-new-code") } else { t("inv-open-sitting") } }
                </button>
            </form>
        </article>
    }
}

/// Exams with their sittings: open one now or on a schedule, read its code
/// out, close it.
#[function_component(Invigilator)]
pub fn invigilator(p: &Props) -> Html {
    let exams = use_state(|| None::<Vec<ExamSummaryDto>>);
    let error = use_state(|| None::<String>);
    let reload = {
        let (exams, error, nav) = (exams.clone(), error.clone(), p.nav.clone());
        Callback::from(move |_: ()| {
            let (exams, error, nav) = (exams.clone(), error.clone(), nav.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::list_exams(&nav.token).await {
                    Ok(x) => exams.set(Some(x)),
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message));
                    }
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }
    let rows = exams.as_ref().map(|list| {
        list.iter()
            .map(|e| html! { <SittingCard key={e.exam_id} exam={e.clone()} nav={p.nav.clone()} reload={reload.clone()} /> })
            .collect::<Html>()
    });
    html! {
        <>
        <crate::pages::room::RoomConsole nav={p.nav.clone()} />
        <section>
            <h1>{t("inv-title")}</h1>
            <p class="muted">{t("inv-help")}</p>
            if let Some(e) = &*error { <p class="error" role="alert">{e}</p> }
            { rows.unwrap_or_else(|| html! { <p class="muted">{t("inv-loading")}</p> }) }
        </section>
        <crate::pages::sync::SyncPanel nav={p.nav.clone()} />
        </>
    }
}
