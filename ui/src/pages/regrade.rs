//! Corrections after an exam, for every question type: the question's key as
//! it stands, edited through a form for the common types (the options accepted,
//! a multiple response's right options, true or false, a number and its
//! tolerance, short-text answers and case) or as JSON for the others; or the
//! question voided (full marks to all). A reason, a dry run showing every
//! candidate's old and new score, then apply: the regrade runs as jobs.

use crate::corrections::{accepted, accepting, key_json, parse_key, toggle_right};
use crate::i18n::{t, ta};
use crate::ipc;
use crate::question_form::{FormType, KindForm};
use crate::richtext::plain;
use crate::Nav;
use examhall_protocol::{KeyCorrection, QuestionKeyDto, QuestionKind, RegradePreviewDto};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
    pub exam_id: i64,
    /// Called after a correction is applied, to reload the statistics.
    pub on_applied: Callback<()>,
}

/// The form's fields for one question's key.
#[derive(Clone, PartialEq, Default)]
struct KeyForm {
    /// The key being edited; `Err` while a field does not read.
    key: Option<Result<QuestionKind, String>>,
    json: String,
    /// A number's or a short text's fields, as the bank editor's form reads them.
    fields: KindForm,
}

impl KeyForm {
    fn of(kind: &QuestionKind) -> KeyForm {
        KeyForm {
            key: Some(Ok(kind.clone())),
            json: key_json(kind),
            fields: KindForm::of(kind).unwrap_or_default(),
        }
    }

    /// The key the number's or short text's fields make, its problem named by field.
    fn keyed_by_fields(self) -> KeyForm {
        let key = self.fields.to_kind().map_err(|p| {
            let label = match p.field.as_str() {
                "value" => t("regrade-value"),
                "tolerance" => t("regrade-tolerance"),
                _ => t("regrade-accepted-text"),
            };
            format!("{label}: {}", p.message)
        });
        self.with_key(key)
    }

    /// A new key from a form: the JSON view follows it.
    fn with_key(mut self, key: Result<QuestionKind, String>) -> KeyForm {
        if let Ok(k) = &key {
            self.json = key_json(k);
        }
        self.key = Some(key);
        self
    }
}

#[function_component(KeyCorrectionPanel)]
pub fn key_correction_panel(p: &Props) -> Html {
    let keys = use_state(Vec::<QuestionKeyDto>::new);
    let reload = use_state(|| 0u32);
    let question = use_state(String::new);
    let void = use_state(|| false);
    let form = use_state(KeyForm::default);
    let reason = use_state(String::new);
    let preview = use_state(|| None::<RegradePreviewDto>);
    let message = use_state(|| None::<Result<String, String>>);
    {
        let (nav, keys, question, form) =
            (p.nav.clone(), keys.clone(), question.clone(), form.clone());
        use_effect_with((p.exam_id, *reload), move |(exam_id, _)| {
            let exam_id = *exam_id;
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::cmd::exam_keys(&nav.token, exam_id).await {
                    Ok(list) => {
                        let current = list
                            .iter()
                            .find(|k| k.question_id == *question)
                            .or(list.first());
                        if let Some(k) = current {
                            question.set(k.question_id.clone());
                            form.set(KeyForm::of(&k.key));
                        }
                        keys.set(list);
                    }
                    Err(e) => nav.check(&e),
                }
            });
            || ()
        });
    }
    if keys.is_empty() {
        return html! {};
    }
    let item = keys
        .iter()
        .find(|k| k.question_id == *question)
        .unwrap_or(&keys[0])
        .clone();
    let request = {
        let (question, void, form, reason, exam_id) = (
            (*question).clone(),
            *void,
            (*form).clone(),
            (*reason).clone(),
            p.exam_id,
        );
        move || -> Result<KeyCorrection, String> {
            let key = if void {
                None
            } else {
                Some(form.key.clone().unwrap_or_else(|| Err(String::new()))?)
            };
            Ok(KeyCorrection {
                exam_id,
                question_id: question.clone(),
                key,
                void,
                reason: reason.clone(),
            })
        }
    };
    let on_question = {
        let (question, form, preview, keys, void) = (
            question.clone(),
            form.clone(),
            preview.clone(),
            keys.clone(),
            void.clone(),
        );
        Callback::from(move |e: Event| {
            let id = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(k) = keys.iter().find(|k| k.question_id == id) {
                form.set(KeyForm::of(&k.key));
            }
            question.set(id);
            void.set(false);
            preview.set(None);
        })
    };
    let on_action = {
        let (void, preview) = (void.clone(), preview.clone());
        Callback::from(move |e: Event| {
            void.set(e.target_unchecked_into::<HtmlSelectElement>().value() == "void");
            preview.set(None);
        })
    };
    // Every form change goes through here: the key, the JSON view, no stale preview.
    let edit = {
        let (form, preview) = (form.clone(), preview.clone());
        move |change: Box<dyn Fn(KeyForm) -> KeyForm>| {
            form.set(change((*form).clone()));
            preview.set(None);
        }
    };
    let current = form.key.clone().and_then(Result::ok);
    let key_form = match current.as_ref() {
        _ if *void => html! {
            <p class="notice" id="regrade-void-note">{t("regrade-void-note")}</p>
        },
        Some(kind) if accepted(kind).is_some() => {
            let (options, ids) = accepted(kind).unwrap_or_default();
            let boxes = options.iter().map(|o| {
                let checked = ids.contains(&o.id);
                let (edit, options, ids, id) =
                    (edit.clone(), options.clone(), ids.clone(), o.id.clone());
                let onchange = Callback::from(move |e: Event| {
                    let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                    let mut ids = ids.clone();
                    ids.retain(|i| i != &id);
                    if on {
                        ids.push(id.clone());
                    }
                    let options = options.clone();
                    edit(Box::new(move |f| f.with_key(accepting(&options, &ids))));
                });
                html! {
                    <label class="check">
                        <input type="checkbox" id={format!("regrade-accept-{}", o.id)}
                            {checked} {onchange} />
                        {plain(&o.text)}
                    </label>
                }
            });
            html! {
                <fieldset id="regrade-accepted">
                    <legend>{t("regrade-accepted-options")}</legend>
                    { for boxes }
                </fieldset>
            }
        }
        Some(
            kind @ QuestionKind::MultipleResponse {
                options, correct, ..
            },
        ) => {
            let boxes = options.iter().map(|o| {
                let (edit, kind, id) = (edit.clone(), kind.clone(), o.id.clone());
                let onchange = Callback::from(move |e: Event| {
                    let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                    if let Some(k) = toggle_right(&kind, &id, on) {
                        edit(Box::new(move |f| f.with_key(Ok(k.clone()))));
                    }
                });
                html! {
                    <label class="check">
                        <input type="checkbox" id={format!("regrade-right-{}", o.id)}
                            checked={correct.contains(&o.id)} {onchange} />
                        {plain(&o.text)}
                    </label>
                }
            });
            html! {
                <fieldset id="regrade-right">
                    <legend>{t("regrade-right-options")}</legend>
                    { for boxes }
                </fieldset>
            }
        }
        Some(QuestionKind::TrueFalse { correct }) => {
            let edit = edit.clone();
            let onchange = Callback::from(move |e: Event| {
                let correct = e.target_unchecked_into::<HtmlSelectElement>().value() == "true";
                edit(Box::new(move |f| {
                    f.with_key(Ok(QuestionKind::TrueFalse { correct }))
                }));
            });
            html! {
                <div class="form-row">
                    <label for="regrade-true-false">{t("regrade-correct-option")}</label>
                    <select id="regrade-true-false" {onchange}>
                        <option value="true" selected={*correct}>{t("answer-true")}</option>
                        <option value="false" selected={!*correct}>{t("answer-false")}</option>
                    </select>
                </div>
            }
        }
        // A number with a ± tolerance (a relative one stays in the JSON view).
        _ if form.fields.form_type == FormType::Numeric
            && matches!(item.key, QuestionKind::Numeric { .. }) =>
        {
            let field = |which: &'static str| {
                let edit = edit.clone();
                Callback::from(move |e: InputEvent| {
                    let v = e.target_unchecked_into::<HtmlInputElement>().value();
                    edit(Box::new(move |mut f| {
                        if which == "value" {
                            f.fields.value = v.clone();
                        } else {
                            f.fields.tolerance = v.clone();
                        }
                        f.keyed_by_fields()
                    }));
                })
            };
            html! {
                <div class="form-row">
                    <label for="regrade-value">{t("regrade-value")}</label>
                    <input id="regrade-value" inputmode="decimal" value={form.fields.value.clone()} oninput={field("value")} />
                    <label for="regrade-tolerance">{t("regrade-tolerance")}</label>
                    <input id="regrade-tolerance" inputmode="decimal" value={form.fields.tolerance.clone()} oninput={field("tolerance")} />
                </div>
            }
        }
        _ if form.fields.form_type == FormType::ShortText
            && matches!(item.key, QuestionKind::ShortText { .. }) =>
        {
            let on_lines = {
                let edit = edit.clone();
                Callback::from(move |e: InputEvent| {
                    let v = e.target_unchecked_into::<HtmlTextAreaElement>().value();
                    edit(Box::new(move |mut f| {
                        f.fields.accepted = v.clone();
                        f.keyed_by_fields()
                    }));
                })
            };
            let on_case = {
                let edit = edit.clone();
                Callback::from(move |e: Event| {
                    let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                    edit(Box::new(move |mut f| {
                        f.fields.case_sensitive = on;
                        f.keyed_by_fields()
                    }));
                })
            };
            html! {
                <div class="form-row">
                    <label for="regrade-accepted-text">{t("regrade-accepted-text")}</label>
                    <textarea id="regrade-accepted-text" rows="3" value={form.fields.accepted.clone()} oninput={on_lines} />
                    <label class="check">
                        <input type="checkbox" id="regrade-case" checked={form.fields.case_sensitive} onchange={on_case} />
                        {t("regrade-case-sensitive")}
                    </label>
                </div>
            }
        }
        _ => html! { <p class="hint">{t("regrade-json-only")}</p> },
    };
    let on_json = {
        let edit = edit.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            edit(Box::new(move |mut f| {
                f.json = v.clone();
                f.key = Some(parse_key(&v));
                f
            }));
        })
    };
    let form_error = match &form.key {
        Some(Err(e)) if !*void && !e.is_empty() => {
            html! { <p class="error" id="regrade-key-error" role="alert">{e}</p> }
        }
        _ => html! {},
    };
    let on_preview = {
        let (nav, preview, message, request) = (
            p.nav.clone(),
            preview.clone(),
            message.clone(),
            request.clone(),
        );
        Callback::from(move |_| {
            let req = match request() {
                Ok(r) => r,
                Err(e) => {
                    message.set(Some(Err(if e.is_empty() {
                        t("regrade-key-unread")
                    } else {
                        e
                    })));
                    return;
                }
            };
            let (nav, preview, message) = (nav.clone(), preview.clone(), message.clone());
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
        let (nav, preview, message, on_applied, reload) = (
            p.nav.clone(),
            preview.clone(),
            message.clone(),
            p.on_applied.clone(),
            reload.clone(),
        );
        Callback::from(move |_| {
            let Ok(req) = request() else { return };
            let (nav, preview, message, on_applied, reload) = (
                nav.clone(),
                preview.clone(),
                message.clone(),
                on_applied.clone(),
                reload.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::apply_regrade(&nav.token, req).await {
                    Ok(s) => {
                        preview.set(None);
                        message.set(Some(Ok(ta(
                            "regrade-applied",
                            &[("count", s.task_ids.len().into())],
                        ))));
                        reload.set(*reload + 1);
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
                    { for keys.iter().map(|k| {
                        let label = format!("{}: {}", k.question_id, plain(&k.prompt));
                        let label = if k.voided { ta("regrade-voided-label", &[("question", label.into())]) } else { label };
                        html! { <option value={k.question_id.clone()} selected={k.question_id == *question}>{label}</option> }
                    }) }
                </select>
                <label for="regrade-action">{t("regrade-action")}</label>
                <select id="regrade-action" onchange={on_action}>
                    <option value="key" selected={!*void}>{t("regrade-action-key")}</option>
                    <option value="void" selected={*void} disabled={item.voided}>{t("regrade-action-void")}</option>
                </select>
            </div>
            {key_form}
            if !*void {
                <details class="advanced">
                    <summary>{t("regrade-json")}</summary>
                    <textarea id="regrade-json" class="json" rows="10" spellcheck="false" value={form.json.clone()} oninput={on_json} />
                </details>
            }
            {form_error}
            <div class="form-row">
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
