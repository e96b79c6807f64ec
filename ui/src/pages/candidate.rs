use crate::i18n::{t, ta};
use crate::ipc;
use crate::state::Screen;
use crate::Nav;
use examhall_protocol::{ExamCard, ExamCardState, StartAttempt};
use std::collections::HashMap;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
}

/// "My exams": start with the invigilator's code, resume, or see the result.
#[function_component(MyExams)]
pub fn my_exams(p: &Props) -> Html {
    // In a browser (the staff console served by HQ or a hub) nobody sits an
    // exam: the exam window and its lockdown are the desktop app's.
    if !ipc::in_desktop() {
        return html! {
            <section class="card" id="exams-desktop-only">
                <p>{t("exams-desktop-only")}</p>
            </section>
        };
    }
    let cards = use_state(|| None::<Vec<ExamCard>>);
    let codes = use_mut_ref(HashMap::<i64, String>::new);
    let error = use_state(|| None::<String>);
    {
        let (cards, error, nav) = (cards.clone(), error.clone(), p.nav.clone());
        use_effect_with((), move |_| {
            let load = move || {
                let (cards, error, nav) = (cards.clone(), error.clone(), nav.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match ipc::my_exams(&nav.token).await {
                        Ok(c) => {
                            if cards.as_ref() != Some(&c) {
                                cards.set(Some(c));
                            }
                        }
                        Err(e) => {
                            nav.check(&e);
                            error.set(Some(e.message));
                        }
                    }
                });
            };
            load();
            // The room opens the exam on this seat when the invigilator opens the
            // session: look again every 3 s.
            let timer = gloo_timers::callback::Interval::new(3_000, load);
            move || drop(timer)
        });
    }
    let start = {
        let (nav, codes, error) = (p.nav.clone(), codes.clone(), error.clone());
        Callback::from(move |exam_id: i64| {
            let code = codes.borrow().get(&exam_id).cloned().unwrap_or_default();
            let (nav, error) = (nav.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::start_attempt(
                    &nav.token,
                    StartAttempt {
                        exam_id,
                        start_code: code,
                    },
                )
                .await
                {
                    Ok(v) => nav.go(Screen::Exam(v.attempt_id)),
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message));
                    }
                }
            });
        })
    };
    let Some(list) = &*cards else {
        return html! { <p class="muted">{t("exams-loading")}</p> };
    };
    let items = list.iter().map(|c| {
        let id = c.exam_id;
        let action = match &c.state {
            ExamCardState::NotStarted => {
                let codes = codes.clone();
                let start = start.clone();
                let start2 = start.clone();
                html! {
                    <div class="start">
                        <label for={format!("start-code-{id}")}>{t("exams-start-code")}</label>
                        <input id={format!("start-code-{id}")} class="code" maxlength="9" autocomplete="off"
                            placeholder={t("exams-start-code-example")}
                            oninput={Callback::from(move |e: InputEvent| {
                                codes.borrow_mut().insert(id, e.target_unchecked_into::<HtmlInputElement>().value());
                            })}
                            onkeydown={Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" { start2.emit(id) })} />
                        <button class="primary" id={format!("start-{id}")} onclick={Callback::from(move |_| start.emit(id))}>{t("exams-start")}</button>
                        if !c.sitting_open { <p class="muted">{t("exams-not-opened")}</p> }
                    </div>
                }
            }
            ExamCardState::InProgress { attempt_id } => {
                let (nav, a) = (p.nav.clone(), attempt_id.clone());
                html! { <button class="primary" id={format!("resume-{id}")} onclick={Callback::from(move |_| nav.go(Screen::Exam(a.clone())))}>{t("exams-resume")}</button> }
            }
            ExamCardState::Submitted { attempt_id } => {
                let (nav, a) = (p.nav.clone(), attempt_id.clone());
                html! { <button id={format!("result-{id}")} onclick={Callback::from(move |_| nav.go(Screen::Result(a.clone())))}>{t("exams-view-result")}</button> }
            }
        };
        html! {
            <article class="card exam-card" id={format!("exam-{id}")}>
                <h2>{&c.title}</h2>
                <p class="muted">{ta("exams-summary", &[("questions", c.question_count.into()), ("minutes", (c.allowed_secs / 60).into())])}</p>
                {action}
            </article>
        }
    });
    html! {
        <section>
            <h1>{t("exams-title")}</h1>
            if let Some(e) = &*error { <p class="error" id="exams-error" role="alert">{e}</p> }
            if list.is_empty() { <p class="muted" id="no-exams">{t("exams-none")}</p> }
            { for items }
        </section>
    }
}
