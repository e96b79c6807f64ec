//! The bank editor's key: a form for each question type (`question_form`), the
//! problem shown at its field, the penalty, an image added to the text from a
//! file, the key as JSON for what the forms do not show, and a live preview as
//! the candidate will see the question.

use crate::authoring::EditForm;
use crate::components::PreviewQuestion;
use crate::i18n::{t, ta};
use crate::question_form::{
    insert_at, FieldProblem, FormType, GapForm, GapType, KindForm, OptionRow, PairRow,
};
use examhall_protocol::CandidateQuestion;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The largest image a question may carry (it travels inside the exam).
pub const MAX_IMAGE_BYTES: usize = 300 * 1024;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub form: EditForm,
    pub on_change: Callback<EditForm>,
}

fn input_value(e: &InputEvent) -> String {
    let target = e.target().expect("an input");
    if let Some(t) = wasm_bindgen::JsCast::dyn_ref::<HtmlTextAreaElement>(&target) {
        t.value()
    } else {
        e.target_unchecked_into::<HtmlInputElement>().value()
    }
}

/// A number as the language writes it, to six decimals without trailing zeros.
fn plain_number(x: f64) -> String {
    crate::i18n::number_short(x, 6)
}

/// The problem's message where it belongs: under the group of fields it names.
fn problem_at(p: &Option<FieldProblem>, fields: &[&str], group: &str) -> Html {
    match p {
        Some(p)
            if fields.iter().any(|f| {
                p.field == *f || p.field.strip_prefix(f).is_some_and(|r| r.starts_with('-'))
            }) =>
        {
            html! { <p class="error field-error" id={format!("field-error-{group}")} role="alert">{&p.message}</p> }
        }
        _ => html! {},
    }
}

#[function_component(KeyEditor)]
pub fn key_editor(p: &Props) -> Html {
    let image_error = use_state(|| None::<String>);
    // The cloze's gap editor: one gap in fields, then written into the text.
    let gap = use_state(GapForm::default);
    let gap_problem = use_state(|| None::<FieldProblem>);
    let f = &p.form;
    // Every change to the type's form: the JSON view follows.
    let set_form = {
        let (form, on_change) = (p.form.clone(), p.on_change.clone());
        move |k: KindForm| {
            let mut next = form.clone();
            if let Ok(kind) = k.to_kind() {
                next.kind = serde_json::to_string_pretty(&kind).unwrap_or_default();
            }
            next.form = Some(k);
            on_change.emit(next);
        }
    };
    let kf = f.form.clone();
    let problem = kf.as_ref().and_then(|k| k.to_kind().err());
    let on_type = {
        let set_form = set_form.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(t) = FormType::from_name(&v) {
                set_form(KindForm::new(t));
            }
        })
    };
    // A text field of the form: `set` puts the typed value in place.
    let text = |set: fn(&mut KindForm, String)| {
        let (set_form, kf) = (set_form.clone(), kf.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(mut k) = kf.clone() {
                set(&mut k, input_value(&e));
                set_form(k);
            }
        })
    };
    let check = |set: fn(&mut KindForm, bool)| {
        let (set_form, kf) = (set_form.clone(), kf.clone());
        Callback::from(move |e: Event| {
            if let Some(mut k) = kf.clone() {
                set(
                    &mut k,
                    e.target_unchecked_into::<HtmlInputElement>().checked(),
                );
                set_form(k);
            }
        })
    };
    let fields = match &kf {
        None => html! { <p class="hint" id="edit-json-only">{t("qform-json-only")}</p> },
        Some(k) => match k.form_type {
            FormType::SingleChoice | FormType::MultipleResponse => {
                let single = k.form_type == FormType::SingleChoice;
                let rows = k.options.iter().enumerate().map(|(i, o)| {
                    let on_text = {
                        let (set_form, k) = (set_form.clone(), k.clone());
                        Callback::from(move |e: InputEvent| {
                            let mut k = k.clone();
                            k.options[i].text = input_value(&e);
                            set_form(k);
                        })
                    };
                    let on_right = {
                        let (set_form, k) = (set_form.clone(), k.clone());
                        Callback::from(move |e: Event| {
                            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                            let mut k = k.clone();
                            if single {
                                for (j, o) in k.options.iter_mut().enumerate() {
                                    o.right = j == i;
                                }
                            } else {
                                k.options[i].right = on;
                            }
                            set_form(k);
                        })
                    };
                    let on_feedback = {
                        let (set_form, k) = (set_form.clone(), k.clone());
                        Callback::from(move |e: InputEvent| {
                            let mut k = k.clone();
                            k.options[i].feedback = input_value(&e);
                            set_form(k);
                        })
                    };
                    let on_remove = {
                        let (set_form, k) = (set_form.clone(), k.clone());
                        Callback::from(move |_: MouseEvent| {
                            let mut k = k.clone();
                            k.options.remove(i);
                            set_form(k);
                        })
                    };
                    html! {
                        <>
                        <div class="option-row">
                            <input type={if single { "radio" } else { "checkbox" }} name="edit-right" id={format!("opt-right-{}", i + 1)}
                                checked={o.right} onchange={on_right} aria-label={ta("qform-right", &[("n", (i + 1).into())])} />
                            <input id={format!("opt-text-{}", i + 1)} value={o.text.clone()} oninput={on_text}
                                aria-label={ta("qform-option", &[("n", (i + 1).into())])} placeholder={ta("qform-option", &[("n", (i + 1).into())])} />
                            <button type="button" class="link" id={format!("opt-remove-{}", i + 1)} onclick={on_remove}>{t("qform-remove")}</button>
                        </div>
                        if single {
                            <input class="option-feedback" id={format!("opt-feedback-{}", i + 1)} value={o.feedback.clone()} oninput={on_feedback}
                                aria-label={ta("qform-option-feedback", &[("n", (i + 1).into())])} placeholder={ta("qform-option-feedback", &[("n", (i + 1).into())])} />
                        }
                        </>
                    }
                });
                let on_add = {
                    let (set_form, k) = (set_form.clone(), k.clone());
                    Callback::from(move |_: MouseEvent| {
                        let mut k = k.clone();
                        k.options.push(OptionRow::default());
                        set_form(k);
                    })
                };
                html! {
                    <fieldset id="edit-options">
                        <legend>{t(if single { "qform-options-single" } else { "qform-options-multiple" })}</legend>
                        { for rows }
                        <button type="button" id="opt-add" onclick={on_add}>{t("qform-add-option")}</button>
                        if !single {
                            <label class="check"><input type="checkbox" id="edit-partial" checked={k.partial} onchange={check(|k, v| k.partial = v)} />{t("qform-partial")}</label>
                        }
                        {problem_at(&problem, &["options", "option"], "options")}
                    </fieldset>
                }
            }
            FormType::TrueFalse => {
                let on_tf = {
                    let (set_form, k) = (set_form.clone(), k.clone());
                    Callback::from(move |e: Event| {
                        let mut k = k.clone();
                        k.true_false =
                            e.target_unchecked_into::<HtmlSelectElement>().value() == "true";
                        set_form(k);
                    })
                };
                html! {
                    <>
                        <label for="edit-tf">{t("qform-right-answer")}</label>
                        <select id="edit-tf" onchange={on_tf}>
                            <option value="true" selected={k.true_false}>{t("answer-true")}</option>
                            <option value="false" selected={!k.true_false}>{t("answer-false")}</option>
                        </select>
                    </>
                }
            }
            FormType::Numeric => {
                // Switching to a range starts from what the value and tolerance accept.
                let on_range = {
                    let (set_form, k) = (set_form.clone(), k.clone());
                    Callback::from(move |e: Event| {
                        let mut k = k.clone();
                        let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                        if on && k.from.trim().is_empty() && k.to.trim().is_empty() {
                            if let Some((lo, hi)) = k.accepts() {
                                (k.from, k.to) = (plain_number(lo), plain_number(hi));
                            }
                        }
                        k.range = on;
                        set_form(k);
                    })
                };
                let accepts = k.accepts().map(|(lo, hi)| {
                    if lo == hi {
                        ta("qform-accepts-exact", &[("value", plain_number(lo).into())])
                    } else {
                        ta(
                            "qform-accepts",
                            &[
                                ("from", plain_number(lo).into()),
                                ("to", plain_number(hi).into()),
                            ],
                        )
                    }
                });
                html! {
                    <>
                        <label class="check"><input type="checkbox" id="edit-range" checked={k.range} onchange={on_range} />{t("qform-range")}</label>
                        if k.range {
                            <label for="edit-from">{t("qform-from")}</label>
                            <input id="edit-from" inputmode="decimal" value={k.from.clone()} oninput={text(|k, v| k.from = v)} />
                            {problem_at(&problem, &["from"], "from")}
                            <label for="edit-to">{t("qform-to")}</label>
                            <input id="edit-to" inputmode="decimal" value={k.to.clone()} oninput={text(|k, v| k.to = v)} />
                            {problem_at(&problem, &["to"], "to")}
                        } else {
                            <label for="edit-value">{t("qform-value")}</label>
                            <input id="edit-value" inputmode="decimal" value={k.value.clone()} oninput={text(|k, v| k.value = v)} />
                            {problem_at(&problem, &["value"], "value")}
                            <label for="edit-tolerance">{t("qform-tolerance")}</label>
                            <input id="edit-tolerance" inputmode="decimal" value={k.tolerance.clone()} oninput={text(|k, v| k.tolerance = v)} />
                            {problem_at(&problem, &["tolerance"], "tolerance")}
                        }
                        if let Some(a) = accepts {
                            <p class="muted small" id="edit-accepts" role="status">{a}</p>
                        }
                    </>
                }
            }
            FormType::ShortText => html! {
                <>
                    <label for="edit-accepted">{t("qform-accepted")}</label>
                    <textarea id="edit-accepted" rows="3" value={k.accepted.clone()} oninput={text(|k, v| k.accepted = v)} />
                    <label class="check"><input type="checkbox" id="edit-case" checked={k.case_sensitive} onchange={check(|k, v| k.case_sensitive = v)} />{t("qform-case-sensitive")}</label>
                    {problem_at(&problem, &["accepted"], "accepted")}
                </>
            },
            FormType::Essay => html! {
                <>
                    <p class="hint" id="edit-essay-note">{t("qform-essay-note")}</p>
                    <label for="edit-guidance">{t("qform-guidance")}</label>
                    <textarea id="edit-guidance" rows="4" value={k.guidance.clone()} oninput={text(|k, v| k.guidance = v)} />
                    {problem_at(&problem, &["guidance"], "guidance")}
                </>
            },
            FormType::Matching => {
                let rows = k.pairs.iter().enumerate().map(|(i, pr)| {
                    let side = |which: bool| {
                        let (set_form, k) = (set_form.clone(), k.clone());
                        Callback::from(move |e: InputEvent| {
                            let mut k = k.clone();
                            if which {
                                k.pairs[i].item = input_value(&e);
                            } else {
                                k.pairs[i].answer = input_value(&e);
                            }
                            set_form(k);
                        })
                    };
                    html! {
                        <div class="option-row">
                            <input id={format!("pair-item-{}", i + 1)} value={pr.item.clone()} oninput={side(true)}
                                aria-label={ta("qform-pair-item", &[("n", (i + 1).into())])} placeholder={ta("qform-pair-item", &[("n", (i + 1).into())])} />
                            <span aria-hidden="true">{" → "}</span>
                            <input id={format!("pair-answer-{}", i + 1)} value={pr.answer.clone()} oninput={side(false)}
                                aria-label={ta("qform-pair-answer", &[("n", (i + 1).into())])} placeholder={ta("qform-pair-answer", &[("n", (i + 1).into())])} />
                        </div>
                    }
                });
                let on_add = {
                    let (set_form, k) = (set_form.clone(), k.clone());
                    Callback::from(move |_: MouseEvent| {
                        let mut k = k.clone();
                        k.pairs.push(PairRow::default());
                        set_form(k);
                    })
                };
                html! {
                    <fieldset id="edit-pairs">
                        <legend>{t("qform-pairs")}</legend>
                        { for rows }
                        <button type="button" id="pair-add" onclick={on_add}>{t("qform-add-pair")}</button>
                        {problem_at(&problem, &["pairs", "pair"], "pairs")}
                        <label for="edit-distractors">{t("qform-distractors")}</label>
                        <textarea id="edit-distractors" rows="2" value={k.distractors.clone()} oninput={text(|k, v| k.distractors = v)} />
                    </fieldset>
                }
            }
            FormType::Ordering => html! {
                <>
                    <label for="edit-items">{t("qform-items")}</label>
                    <textarea id="edit-items" rows="5" value={k.items.clone()} oninput={text(|k, v| k.items = v)} />
                    <label class="check"><input type="checkbox" id="edit-by-position" checked={k.by_position} onchange={check(|k, v| k.by_position = v)} />{t("qform-by-position")}</label>
                    {problem_at(&problem, &["items"], "items")}
                </>
            },
            FormType::Cloze => {
                let gap_text = |set: fn(&mut GapForm, String)| {
                    let gap = gap.clone();
                    Callback::from(move |e: InputEvent| {
                        let mut g = (*gap).clone();
                        set(&mut g, input_value(&e));
                        gap.set(g);
                    })
                };
                let on_gap_type = {
                    let gap = gap.clone();
                    Callback::from(move |e: Event| {
                        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
                        gap.set(GapForm {
                            gap_type: GapType::from_name(&value).unwrap_or_default(),
                            ..GapForm::default()
                        });
                    })
                };
                let on_insert = {
                    let (gap, gap_problem, set_form, k) = (
                        gap.clone(),
                        gap_problem.clone(),
                        set_form.clone(),
                        k.clone(),
                    );
                    Callback::from(move |_: MouseEvent| match gap.syntax() {
                        Ok(syntax) => {
                            // At the text's cursor, or at its end.
                            let at = web_sys::window()
                                .and_then(|w| w.document())
                                .and_then(|d| d.get_element_by_id("edit-cloze"))
                                .and_then(|e| {
                                    wasm_bindgen::JsCast::dyn_into::<HtmlTextAreaElement>(e).ok()
                                })
                                .and_then(|t| t.selection_start().ok().flatten())
                                .map_or(usize::MAX, |n| n as usize);
                            let mut k = k.clone();
                            k.cloze = insert_at(&k.cloze, at, &syntax);
                            gap_problem.set(None);
                            gap.set(GapForm {
                                gap_type: gap.gap_type,
                                ..GapForm::default()
                            });
                            set_form(k);
                        }
                        Err(p) => gap_problem.set(Some(p)),
                    })
                };
                let g = &*gap;
                html! {
                <>
                    <label for="edit-cloze">{t("qform-cloze")}</label>
                    <textarea id="edit-cloze" rows="6" value={k.cloze.clone()} oninput={text(|k, v| k.cloze = v)} aria-describedby="edit-cloze-hint" />
                    <p class="muted small" id="edit-cloze-hint">{t("qform-cloze-hint")}</p>
                    {problem_at(&problem, &["cloze", "gap"], "cloze")}
                    <fieldset id="gap-editor">
                        <legend>{t("qform-gap-add")}</legend>
                        <label for="gap-type">{t("qform-gap-type")}</label>
                        <select id="gap-type" onchange={on_gap_type}>
                            { for GapType::ALL.iter().map(|gt| html! {
                                <option value={gt.name()} selected={*gt == g.gap_type}>{t(&format!("qform-gap-{}", gt.name()))}</option>
                            }) }
                        </select>
                        { match g.gap_type {
                            GapType::Word => html! {
                                <>
                                    <label for="gap-answers">{t("qform-gap-accepted")}</label>
                                    <textarea id="gap-answers" rows="2" value={g.answers.clone()} oninput={gap_text(|g, v| g.answers = v)} />
                                </>
                            },
                            GapType::Number => html! {
                                <>
                                    <label for="gap-right">{t("qform-value")}</label>
                                    <input id="gap-right" inputmode="decimal" value={g.right.clone()} oninput={gap_text(|g, v| g.right = v)} />
                                    <label for="gap-tolerance">{t("qform-tolerance")}</label>
                                    <input id="gap-tolerance" inputmode="decimal" value={g.tolerance.clone()} oninput={gap_text(|g, v| g.tolerance = v)} />
                                </>
                            },
                            GapType::Choice => html! {
                                <>
                                    <label for="gap-right">{t("qform-gap-right")}</label>
                                    <input id="gap-right" value={g.right.clone()} oninput={gap_text(|g, v| g.right = v)} />
                                    <label for="gap-answers">{t("qform-gap-wrong")}</label>
                                    <textarea id="gap-answers" rows="2" value={g.answers.clone()} oninput={gap_text(|g, v| g.answers = v)} />
                                </>
                            },
                        } }
                        {problem_at(&gap_problem, &["gap"], "gap-editor")}
                        <button type="button" id="gap-insert" onclick={on_insert}>{t("qform-gap-insert")}</button>
                    </fieldset>
                </>
                }
            }
        },
    };
    let on_json = {
        let (form, on_change) = (p.form.clone(), p.on_change.clone());
        Callback::from(move |e: InputEvent| {
            let mut next = form.clone();
            next.kind = input_value(&e);
            // The type's form follows when it can show the key; otherwise the JSON is the key.
            next.form = serde_json::from_str(&next.kind)
                .ok()
                .and_then(|k| KindForm::of(&k));
            on_change.emit(next);
        })
    };
    let on_general = {
        let (form, on_change) = (p.form.clone(), p.on_change.clone());
        Callback::from(move |e: InputEvent| {
            let mut next = form.clone();
            next.general_feedback = input_value(&e);
            on_change.emit(next);
        })
    };
    let on_penalty = {
        let (form, on_change) = (p.form.clone(), p.on_change.clone());
        Callback::from(move |e: InputEvent| {
            let mut next = form.clone();
            next.penalty = input_value(&e);
            on_change.emit(next);
        })
    };
    let on_image = {
        let (form, on_change, image_error) =
            (p.form.clone(), p.on_change.clone(), image_error.clone());
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|l| l.get(0)) else {
                return;
            };
            input.set_value("");
            let (form, on_change, image_error) =
                (form.clone(), on_change.clone(), image_error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                let size = file.size() as usize;
                let kind = file.type_();
                if !kind.starts_with("image/") {
                    image_error.set(Some(ta("qform-image-not-image", &[("file", name.into())])));
                    return;
                }
                if size > MAX_IMAGE_BYTES {
                    image_error.set(Some(ta(
                        "qform-image-too-big",
                        &[
                            ("file", name.into()),
                            ("kb", (size / 1024).into()),
                            ("max", (MAX_IMAGE_BYTES / 1024).into()),
                        ],
                    )));
                    return;
                }
                let Ok(buf) = JsFuture::from(file.array_buffer()).await else {
                    image_error.set(Some(ta("qform-image-not-image", &[("file", name.into())])));
                    return;
                };
                let bytes = js_sys::Uint8Array::new(&buf).to_vec();
                let alt: String = name
                    .rsplit_once('.')
                    .map_or(name.as_str(), |(stem, _)| stem)
                    .chars()
                    .filter(|c| !matches!(c, '[' | ']'))
                    .collect();
                let mut next = form.clone();
                next.prompt = format!(
                    "{}\n\n![{alt}](data:{kind};base64,{})",
                    next.prompt.trim_end(),
                    crate::authoring::base64(&bytes)
                );
                image_error.set(None);
                on_change.emit(next);
            });
        })
    };
    // The preview: the question as the candidate's window shows it.
    let preview = match f.to_edit() {
        Ok(edit) => html! {
            <PreviewQuestion question={CandidateQuestion::for_attempt(&edit.question, "preview", false)} />
        },
        Err(_) => {
            html! { <p class="muted" id="edit-preview-waiting">{t("qform-preview-waiting")}</p> }
        }
    };
    let type_name = kf.as_ref().map(|k| k.form_type.name()).unwrap_or("");
    html! {
        <div class="key-editor">
            <label for="edit-type">{t("qform-type")}</label>
            <select id="edit-type" onchange={on_type}>
                if kf.is_none() { <option value="" selected=true>{t("qform-type-json")}</option> }
                { for FormType::ALL.iter().map(|ft| html! {
                    <option value={ft.name()} selected={ft.name() == type_name}>{t(&format!("qform-type-{}", ft.name()))}</option>
                }) }
            </select>
            {fields}
            <label for="edit-general-feedback">{t("qform-general-feedback")}</label>
            <textarea id="edit-general-feedback" rows="2" value={f.general_feedback.clone()} oninput={on_general} />
            <label for="edit-penalty">{t("qform-penalty")}</label>
            <input id="edit-penalty" class="mark-input" inputmode="decimal" value={f.penalty.clone()} oninput={on_penalty} />
            <label for="edit-image">{t("qform-image")}</label>
            <input type="file" id="edit-image" accept="image/*" onchange={on_image} />
            if let Some(e) = &*image_error { <p class="error" role="alert" id="edit-image-error">{e}</p> }
            <details class="advanced" id="edit-advanced">
                <summary>{t("qform-json")}</summary>
                <textarea id="edit-kind" class="json" rows="12" spellcheck="false" value={f.kind.clone()} oninput={on_json} />
            </details>
            <h3>{t("qform-preview")}</h3>
            <div id="edit-preview">{preview}</div>
        </div>
    }
}
