use crate::i18n::{number, t, ta};
use crate::ipc;
use crate::state::Screen;
use crate::Nav;
use examhall_protocol::{
    AttemptStatus, AttemptSummaryDto, ExamSummaryDto, ResetForResit, VerifyReceipt, VoidAttempt,
};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
}

/// Teachers and administrators: every attempt at this centre and its result.
#[function_component(Staff)]
pub fn staff(p: &Props) -> Html {
    let rows = use_state(|| None::<Vec<AttemptSummaryDto>>);
    let exams = use_state(Vec::<ExamSummaryDto>::new);
    let error = use_state(|| None::<String>);
    let exam_error = use_state(|| None::<String>);
    let verify_attempt = use_state(String::new);
    let verify_code = use_state(String::new);
    // (outcome, message) of the last check, or the refusal.
    let verified = use_state(|| None::<Result<(String, String), String>>);
    // Voiding a handed-in attempt, or resetting it for a resit: whose form is
    // open and for which (true: a resit), and the reason typed.
    let void_for = use_state(|| None::<(String, bool)>);
    let void_reason = use_state(String::new);
    let bind = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |e: InputEvent| {
            h.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_verify = {
        let (nav, a, c, verified) = (
            p.nav.clone(),
            verify_attempt.clone(),
            verify_code.clone(),
            verified.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let req = VerifyReceipt {
                attempt_id: a.trim().to_owned(),
                receipt: c.trim().to_owned(),
            };
            let (nav, verified) = (nav.clone(), verified.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::verify_receipt(&nav.token, req).await {
                    Ok(r) => verified.set(Some(Ok((r.outcome, r.message)))),
                    Err(e) => {
                        nav.check(&e);
                        verified.set(Some(Err(e.message)));
                    }
                }
            });
        })
    };
    {
        let (rows, exams, error, nav) = (rows.clone(), exams.clone(), error.clone(), p.nav.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(list) = ipc::list_exams(&nav.token).await {
                    exams.set(list);
                }
                match ipc::attempt_summaries(&nav.token).await {
                    Ok(x) => rows.set(Some(x)),
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message));
                    }
                }
            });
        });
    }
    let on_void = {
        let (nav, rows, error, void_for, void_reason) = (
            p.nav.clone(),
            rows.clone(),
            error.clone(),
            void_for.clone(),
            void_reason.clone(),
        );
        Callback::from(move |(attempt_id, resit): (String, bool)| {
            if void_reason.trim().is_empty() {
                error.set(Some(t(if resit {
                    "staff-resit-needs-reason"
                } else {
                    "staff-void-needs-reason"
                })));
                return;
            }
            let reason = void_reason.trim().to_owned();
            let (nav, rows, error, void_for, void_reason) = (
                nav.clone(),
                rows.clone(),
                error.clone(),
                void_for.clone(),
                void_reason.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let done = if resit {
                    ipc::reset_for_resit(&nav.token, ResetForResit { attempt_id, reason }).await
                } else {
                    ipc::void_attempt(&nav.token, VoidAttempt { attempt_id, reason }).await
                };
                match done {
                    Ok(done) => {
                        let mut list = (*rows).clone().unwrap_or_default();
                        for r in list.iter_mut() {
                            if r.attempt_id == done.attempt_id {
                                *r = done.clone();
                            }
                        }
                        rows.set(Some(list));
                        void_for.set(None);
                        void_reason.set(String::new());
                        error.set(None);
                    }
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message));
                    }
                }
            });
        })
    };
    let body = rows.as_ref().map(|list| {
        let trs = list.iter().map(|r| {
            let id = r.attempt_id.clone();
            let open_form = void_for.as_ref().filter(|(a, _)| a == &id).map(|(_, resit)| *resit);
            let void_pill = r.void_reason.as_ref().map(|why| html! {
                <span class="pill bad" id={format!("void-{id}")} title={why.clone()}>{ta("staff-void-is", &[("reason", why.clone().into())])}</span>
            });
            let void_cell = if let Some(why) = &r.superseded_reason {
                html! { <>{ for void_pill.clone() }<span class="pill" id={format!("resit-{id}")} title={why.clone()}>{ta("staff-resit-is", &[("reason", why.clone().into())])}</span></> }
            } else if r.status == AttemptStatus::InProgress {
                html! {}
            } else if open_form.is_some() {
                html! { { for void_pill.clone() } }
            } else {
                let (open_void, open_resit) = (void_for.clone(), void_for.clone());
                let (id_void, id_resit) = (id.clone(), id.clone());
                html! {
                    <>
                        if let Some(p) = void_pill.clone() { {p} } else {
                            <button id={format!("void-open-{id}")} onclick={Callback::from(move |_| open_void.set(Some((id_void.clone(), false))))}>{t("staff-void")}</button>
                        }
                        <button id={format!("resit-open-{id}")} onclick={Callback::from(move |_| open_resit.set(Some((id_resit.clone(), true))))}>{t("staff-resit")}</button>
                    </>
                }
            };
            // The reason and the confirming click, on a row of their own below.
            let form_row = open_form.filter(|_| r.superseded_reason.is_none()).map(|resit| {
                let (go, id2) = (on_void.clone(), id.clone());
                let cancel = void_for.clone();
                let label = t(if resit { "staff-resit-reason" } else { "staff-void-reason" });
                html! {
                    <tr class="void-row">
                        <td colspan="6">
                            <span class="void-form">
                                <input id={format!("void-reason-{id}")} aria-label={label.clone()} placeholder={label}
                                    size="50" value={(*void_reason).clone()} oninput={bind(&void_reason)} />
                                <button class="primary" id={format!("{}-confirm-{id}", if resit { "resit" } else { "void" })}
                                    onclick={Callback::from(move |_| go.emit((id2.clone(), resit)))}>{t(if resit { "staff-resit-confirm" } else { "staff-void-confirm" })}</button>
                                <button onclick={Callback::from(move |_| cancel.set(None))}>{t("staff-void-cancel")}</button>
                            </span>
                        </td>
                    </tr>
                }
            });
            let status = match r.status {
                AttemptStatus::InProgress => t("staff-status-in-progress"),
                AttemptStatus::Submitted => t("staff-status-submitted"),
                AttemptStatus::Graded => t("staff-status-graded"),
            };
            html! {
                <>
                <tr>
                    <td>{&r.candidate}</td>
                    <td>{&r.exam_title}</td>
                    <td>{status}</td>
                    <td class="num">{r.percentage.map(|p| ta("staff-percent", &[("percent", number(p, 1).into())])).unwrap_or_default()}</td>
                    <td>{match r.passed { Some(true) => t("staff-pass"), Some(false) => t("staff-not-passed"), None => String::new() }}</td>
                    <td class="actions">
                        if r.status != AttemptStatus::InProgress {
                            <button id={format!("review-{id}")} onclick={{ let (nav, id) = (p.nav.clone(), id.clone()); Callback::from(move |_| nav.go(Screen::Review(id.clone()))) }}>{t("staff-review")}</button>
                        }
                        {void_cell}
                    </td>
                </tr>
                { for form_row }
                </>
            }
        });
        html! {
            <table class="marks">
                <thead><tr><th>{t("staff-candidate")}</th><th>{t("staff-exam")}</th><th>{t("staff-status")}</th><th>{t("staff-score")}</th><th>{t("staff-result")}</th><th>{t("staff-void-column")}</th></tr></thead>
                <tbody>{ for trs }</tbody>
            </table>
        }
    });
    // Edit or clone: the backend makes (or reopens) a draft, which the builder
    // opens; a refusal (the exam has started) is shown here.
    let to_draft = |id: i64, edit: bool| {
        let (nav, exam_error) = (p.nav.clone(), exam_error.clone());
        Callback::from(move |_: MouseEvent| {
            let (nav, exam_error) = (nav.clone(), exam_error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let res = if edit {
                    ipc::edit_exam(&nav.token, id).await
                } else {
                    ipc::clone_exam(&nav.token, id).await
                };
                match res {
                    Ok(d) => nav.go(Screen::Draft(d.summary.id)),
                    Err(e) => {
                        nav.check(&e);
                        exam_error.set(Some(e.message));
                    }
                }
            });
        })
    };
    let exam_rows = exams.iter().map(|e| {
        let (nav, id) = (p.nav.clone(), e.exam_id);
        html! {
            <tr id={format!("exam-row-{id}")}>
                <td>{&e.title}</td>
                <td class="num">{e.question_count}</td>
                <td class="actions">
                    <button id={format!("stats-{id}")} onclick={{ let nav = nav.clone(); Callback::from(move |_| nav.go(Screen::Analysis(id))) }}>{t("staff-statistics")}</button>
                    <button id={format!("candidates-{id}")} onclick={Callback::from(move |_| nav.go(Screen::ExamCandidates(id)))}>{t("staff-candidates")}</button>
                    if e.from_builder {
                        <button id={format!("edit-exam-{id}")} onclick={to_draft(id, true)}>{t("staff-edit")}</button>
                        <button id={format!("clone-exam-{id}")} onclick={to_draft(id, false)}>{t("staff-clone")}</button>
                    }
                </td>
            </tr>
        }
    });
    html! {
        <>
        <crate::pages::marking::EssayMarking nav={p.nav.clone()} />
        <section class="card">
            <h1>{t("staff-exams")}</h1>
            <table class="marks">
                <thead><tr><th>{t("staff-exam")}</th><th>{t("staff-questions")}</th><th /></tr></thead>
                <tbody>{ for exam_rows }</tbody>
            </table>
            if let Some(e) = &*exam_error { <p class="error" role="alert" id="exams-error">{e}</p> }
            <h1>{t("staff-attempts")}</h1>
            if let Some(e) = &*error { <p class="error" role="alert">{e}</p> }
            { body.unwrap_or_else(|| html! { <p class="muted">{t("staff-loading")}</p> }) }
            if rows.as_ref().is_some_and(|r| r.is_empty()) { <p class="muted">{t("staff-no-attempts")}</p> }
        </section>
        <section class="card" aria-labelledby="verify-heading">
            <h2 id="verify-heading">{t("verify-title")}</h2>
            <p class="muted">{t("verify-help")}</p>
            <form id="verify-form" class="form-grid" onsubmit={on_verify}>
                <label for="verify-attempt">{t("verify-attempt")}</label>
                <input id="verify-attempt" value={(*verify_attempt).clone()} oninput={bind(&verify_attempt)} autocomplete="off" />
                <label for="verify-code">{t("verify-code")}</label>
                <input id="verify-code" class="mono" value={(*verify_code).clone()} oninput={bind(&verify_code)} autocomplete="off" />
                <span />
                <button type="submit" id="verify-check">{t("verify-check")}</button>
            </form>
            { match &*verified {
                Some(Ok((outcome, message))) => html! {
                    <p id="verify-result" role="status" data-outcome={outcome.clone()}
                        class={if outcome == "valid" { "notice" } else { "error" }}>{message}</p>
                },
                Some(Err(e)) => html! { <p id="verify-result" class="error" role="alert" data-outcome="refused">{e}</p> },
                None => html! {},
            } }
        </section>
        <crate::pages::sync::SyncPanel nav={p.nav.clone()} can_enrol=true />
        </>
    }
}
