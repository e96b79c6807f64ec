//! Correcting a single-choice question's key: pick the right option, say why,
//! see every candidate's old and new score (a dry run), then apply.
//! (Other question types are corrected through the same use case from the CLI or API.)

use crate::i18n::{t, ta};
use crate::ipc;
use crate::richtext::plain;
use crate::Nav;
use examhall_protocol::{
    ChoiceOption, ItemStatsDto, KeyCorrection, QuestionKind, RegradePreviewDto,
};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
    pub exam_id: i64,
    pub items: Vec<ItemStatsDto>,
    /// Called after a correction is applied, to reload the statistics.
    pub on_applied: Callback<()>,
}

/// Single-choice items (one key among the options) that can be corrected here.
fn correctable(items: &[ItemStatsDto]) -> Vec<&ItemStatsDto> {
    items
        .iter()
        .filter(|i| {
            i.distractors
                .as_ref()
                .is_some_and(|d| d.iter().filter(|r| r.is_key).count() == 1)
        })
        .collect()
}

#[function_component(KeyCorrectionPanel)]
pub fn key_correction_panel(p: &Props) -> Html {
    let items = correctable(&p.items);
    let question = use_state(|| {
        items
            .first()
            .map(|i| i.question_id.clone())
            .unwrap_or_default()
    });
    let option = use_state(String::new);
    let reason = use_state(String::new);
    let preview = use_state(|| None::<RegradePreviewDto>);
    let message = use_state(|| None::<Result<String, String>>);
    if items.is_empty() {
        return html! {};
    }
    let item = items
        .iter()
        .find(|i| i.question_id == *question)
        .copied()
        .unwrap_or(items[0]);
    let rows = item.distractors.clone().unwrap_or_default();
    let request = {
        let (question, option, reason, exam_id) = (
            (*question).clone(),
            (*option).clone(),
            (*reason).clone(),
            p.exam_id,
        );
        move || KeyCorrection {
            exam_id,
            question_id: question.clone(),
            key: QuestionKind::SingleChoice {
                options: rows
                    .iter()
                    .map(|r| ChoiceOption {
                        id: r.option_id.clone(),
                        text: r.option_text.clone(),
                    })
                    .collect(),
                correct: option.clone(),
            },
            reason: reason.clone(),
        }
    };
    let on_question = {
        let (question, option, preview) = (question.clone(), option.clone(), preview.clone());
        Callback::from(move |e: Event| {
            question.set(e.target_unchecked_into::<HtmlSelectElement>().value());
            option.set(String::new());
            preview.set(None);
        })
    };
    let on_option = {
        let (option, preview) = (option.clone(), preview.clone());
        Callback::from(move |e: Event| {
            option.set(e.target_unchecked_into::<HtmlSelectElement>().value());
            preview.set(None);
        })
    };
    let on_preview = {
        let (nav, preview, message, request) = (
            p.nav.clone(),
            preview.clone(),
            message.clone(),
            request.clone(),
        );
        Callback::from(move |_| {
            let (nav, preview, message, req) =
                (nav.clone(), preview.clone(), message.clone(), request());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::preview_regrade(&nav.token, req).await {
                    Ok(p) => {
                        message.set(None);
                        preview.set(Some(p));
                    }
                    Err(e) => {
                        nav.check(&e);
                        preview.set(None);
                        message.set(Some(Err(e.message)));
                    }
                }
            });
        })
    };
    let on_apply = {
        let (nav, preview, message, on_applied) = (
            p.nav.clone(),
            preview.clone(),
            message.clone(),
            p.on_applied.clone(),
        );
        Callback::from(move |_| {
            let (nav, preview, message, on_applied, req) = (
                nav.clone(),
                preview.clone(),
                message.clone(),
                on_applied.clone(),
                request(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::apply_regrade(&nav.token, req).await {
                    Ok(s) => {
                        preview.set(None);
                        message.set(Some(Ok(ta(
                            "regrade-applied",
                            &[("count", s.task_ids.len().into())],
                        ))));
                        gloo_timers::future::TimeoutFuture::new(1500).await;
                        on_applied.emit(());
                    }
                    Err(e) => {
                        nav.check(&e);
                        message.set(Some(Err(e.message)));
                    }
                }
            });
        })
    };
    let table = preview.as_ref().map(|p| {
        let trs = p.rows.iter().map(|r| {
            let cross = match (r.old_passed, r.new_passed) {
                (false, true) => t("regrade-now-passes"),
                (true, false) => t("regrade-now-fails"),
                _ => String::new(),
            };
            html! {
                <tr class={classes!((!cross.is_empty()).then_some("flagged-row"))}>
                    <td>{&r.candidate}</td>
                    <td class="num">{format!("{} / {}", r.old_total, r.max)}</td>
                    <td class="num">{format!("{} / {}", r.new_total, r.max)}</td>
                    <td>{cross}</td>
                </tr>
            }
        });
        html! {
            <>
                <p id="regrade-summary">{ta("regrade-summary", &[
                    ("changed", p.changed.into()),
                    ("passing", p.now_passing.into()),
                    ("failing", p.now_failing.into()),
                    ("percent", p.pass_mark_pct.to_string().into()),
                ])}</p>
                <table class="marks" id="regrade-preview">
                    <thead><tr><th>{t("regrade-candidate")}</th><th>{t("regrade-now")}</th><th>{t("regrade-after")}</th><th>{t("regrade-pass-mark")}</th></tr></thead>
                    <tbody>{ for trs }</tbody>
                </table>
                <button id="apply-regrade" class="primary" onclick={on_apply}>{t("regrade-apply")}</button>
            </>
        }
    });
    html! {
        <div class="regrade" id="regrade-panel">
            <h2>{t("regrade-title")}</h2>
            <div class="form-row">
                <label for="regrade-question">{t("regrade-question")}</label>
                <select id="regrade-question" onchange={on_question}>
                    { for items.iter().map(|i| html! {
                        <option value={i.question_id.clone()} selected={i.question_id == *question}>{format!("{}: {}", i.question_id, plain(&i.prompt))}</option>
                    }) }
                </select>
                <label for="regrade-option">{t("regrade-correct-option")}</label>
                <select id="regrade-option" onchange={on_option}>
                    <option value="" selected={option.is_empty()}>{t("regrade-choose")}</option>
                    { for item.distractors.iter().flatten().map(|r| html! {
                        <option value={r.option_id.clone()} selected={r.option_id == *option}>
                            { if r.is_key { ta("regrade-current-key", &[("option", plain(&r.option_text).into())]) } else { plain(&r.option_text) } }
                        </option>
                    }) }
                </select>
                <label for="regrade-reason">{t("regrade-reason")}</label>
                <input id="regrade-reason" value={(*reason).clone()} oninput={crate::pages::bind(&reason)} />
                <button id="preview-regrade" onclick={on_preview}>{t("regrade-preview")}</button>
            </div>
            { for table }
            { match &*message {
                Some(Ok(m)) => html! { <p class="saved" id="regrade-message" aria-live="polite">{m}</p> },
                Some(Err(m)) => html! { <p class="error" id="regrade-message" role="alert">{m}</p> },
                None => html! {},
            } }
        </div>
    }
}
