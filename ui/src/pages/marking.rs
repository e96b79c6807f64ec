use crate::i18n::{t, ta};
use crate::ipc;
use crate::richtext::RichText;
use crate::Nav;
use examhall_protocol::{EssayToMarkDto, MarkEssay};
use std::collections::HashMap;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
}

/// What a blind marker sees instead of the name: the start of the attempt id,
/// the same code the receipt and review show.
fn blind_code(e: &EssayToMarkDto) -> String {
    e.attempt_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(8)
        .collect()
}

fn key(e: &EssayToMarkDto) -> String {
    format!("{}-{}", e.attempt_id, e.question_id)
}

/// Essays awaiting a mark, each with a mark and comment box.
#[function_component(EssayMarking)]
pub fn essay_marking(p: &Props) -> Html {
    let essays = use_state(|| None::<Vec<EssayToMarkDto>>);
    let inputs = use_mut_ref(HashMap::<String, (String, String)>::new);
    let message = use_state(|| None::<(bool, String)>);
    // Blind marking: each answer shows a code instead of the candidate's name
    // until its mark is saved; the names of what was marked are listed then.
    let blind = use_state(|| true);
    let marked = use_state(Vec::<(String, String, f64)>::new);
    let reload = {
        let (essays, nav) = (essays.clone(), p.nav.clone());
        Callback::from(move |_: ()| {
            let (essays, nav) = (essays.clone(), nav.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::essays_to_mark(&nav.token).await {
                    Ok(list) => essays.set(Some(list)),
                    Err(e) => nav.check(&e),
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }
    let Some(list) = &*essays else {
        return html! {};
    };
    let cards = list.iter().map(|e| {
        let k = key(e);
        let (inputs_m, inputs_c) = (inputs.clone(), inputs.clone());
        let (km, kc) = (k.clone(), k.clone());
        let save = {
            let (inputs, nav, message, reload, k) = (inputs.clone(), p.nav.clone(), message.clone(), reload.clone(), k.clone());
            let (attempt_id, question_id) = (e.attempt_id.clone(), e.question_id.clone());
            let (marked, code, candidate) = (marked.clone(), blind_code(e), e.candidate.clone());
            Callback::from(move |_| {
                let (mark_text, comment) = inputs.borrow().get(&k).cloned().unwrap_or_default();
                // A decimal comma reads as a point, as the candidates' numbers do.
                let Some(mark) = crate::authoring::parse_decimal(&mark_text) else {
                    message.set(Some((false, ta("marking-not-a-number", &[("text", format!("{mark_text:?}").into())]))));
                    return;
                };
                let req = MarkEssay { attempt_id: attempt_id.clone(), question_id: question_id.clone(), mark, comment: Some(comment), reason: None };
                let (nav, message, reload) = (nav.clone(), message.clone(), reload.clone());
                let (marked, code, candidate) = (marked.clone(), code.clone(), candidate.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match ipc::mark_essay(&nav.token, req).await {
                        Ok(_) => {
                            let mut done = (*marked).clone();
                            done.push((code, candidate, mark));
                            marked.set(done);
                            message.set(Some((true, t("marking-saved"))));
                            reload.emit(());
                        }
                        Err(err) => message.set(Some((false, err.message))),
                    }
                });
            })
        };
        html! {
            <article class="card essay-card" id={format!("essay-{k}")}>
                <p class="muted">{ta("marking-essay-info", &[("candidate", if *blind { ta("marking-blind-code", &[("code", blind_code(e).into())]) } else { e.candidate.clone() }.into()), ("exam", e.exam_title.clone().into()), ("max", e.max.to_string().into()), ("n", e.max.into())])}</p>
                <div class="prompt rich" role="heading" aria-level="2"><RichText text={e.prompt.clone()} /></div>
                <blockquote class="essay-answer">{ if e.answer.is_empty() { t("marking-no-answer") } else { e.answer.clone() } }</blockquote>
                if let Some(g) = e.guidance.clone() {
                    <details class="guidance" id={format!("guidance-{k}")} open=true>
                        <summary>{t("marking-guidance")}</summary>
                        <div class="rich"><RichText text={g} /></div>
                    </details>
                }
                <div class="controls">
                    <label for={format!("mark-{k}")}>{t("marking-mark")}</label>
                    <input id={format!("mark-{k}")} class="mark-input" inputmode="decimal"
                        oninput={Callback::from(move |ev: InputEvent| {
                            inputs_m.borrow_mut().entry(km.clone()).or_default().0 = ev.target_unchecked_into::<HtmlInputElement>().value();
                        })} />
                    <label for={format!("comment-{k}")}>{t("marking-comment")}</label>
                    <textarea id={format!("comment-{k}")} rows="2"
                        oninput={Callback::from(move |ev: InputEvent| {
                            inputs_c.borrow_mut().entry(kc.clone()).or_default().1 = ev.target_unchecked_into::<HtmlTextAreaElement>().value();
                        })} />
                    <button class="primary" id={format!("save-mark-{k}")} onclick={save}>{t("marking-save")}</button>
                </div>
            </article>
        }
    });
    html! {
        <section>
            <h1>{ta("marking-title", &[("count", list.len().into())])}</h1>
            if let Some((ok, m)) = &*message {
                <p class={if *ok { "notice" } else { "error" }} id="marking-message" role="status">{m}</p>
            }
            <label class="check">
                <input type="checkbox" id="marking-blind" checked={*blind}
                    onchange={{ let blind = blind.clone(); Callback::from(move |e: Event| blind.set(e.target_unchecked_into::<HtmlInputElement>().checked())) }} />
                {t("marking-blind")}
            </label>
            if list.is_empty() { <p class="muted">{t("marking-nothing")}</p> }
            { for cards }
            if !marked.is_empty() {
                <h2>{t("marking-marked-now")}</h2>
                <ul id="marking-marked">
                    { for marked.iter().map(|(code, who, mark)| html! {
                        <li>{ta("marking-marked-line", &[("code", code.clone().into()), ("candidate", who.clone().into()), ("mark", mark.to_string().into())])}</li>
                    }) }
                </ul>
            }
        </section>
    }
}
