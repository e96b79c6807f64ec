//! Presentational components: props in, callbacks out, no IO.

use crate::i18n::{t, ta};
use crate::richtext::{plain, Flow, RichText};
use crate::state::{map_value, move_item, ordered_items, with_map_value};
use examhall_protocol::{
    Answer, CandidateQuestion, CandidateWidget, ClozePartDto, GapInput, OptionDto,
};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AnswerWidgetProps {
    pub question: CandidateQuestion,
    pub answer: Option<Answer>,
    /// `(answer, typed)`: typed changes are debounced by the page; clicks are not.
    pub on_change: Callback<(Option<Answer>, bool)>,
}

fn text_of(a: &Option<Answer>) -> String {
    match a {
        Some(Answer::Text(t)) => t.clone(),
        _ => String::new(),
    }
}

fn some_text(t: String) -> Option<Answer> {
    (!t.is_empty()).then_some(Answer::Text(t))
}

/// The answer control for one question, chosen by its widget type.
#[function_component(AnswerWidget)]
pub fn answer_widget(p: &AnswerWidgetProps) -> Html {
    let qid = p.question.id.clone();
    let current = text_of(&p.answer);
    match &p.question.widget {
        CandidateWidget::SingleChoice { options } => {
            let items = options.iter().map(|o| {
                let on_change = p.on_change.clone();
                let value = o.id.clone();
                let checked = current == o.id;
                html! {
                    <label class={classes!("option", checked.then_some("chosen"))} for={format!("opt-{}", o.id)}>
                        <input type="radio" name={qid.clone()} id={format!("opt-{}", o.id)} checked={checked}
                            onclick={Callback::from(move |_| on_change.emit((Some(Answer::Text(value.clone())), false)))} />
                        <span class="option-text rich"><RichText text={o.text.clone()} flow={Flow::Inline} /></span>
                    </label>
                }
            });
            html! { <fieldset class="options" aria-label={t("answer-choose-one")}>{ for items }</fieldset> }
        }
        CandidateWidget::MultipleResponse { options } => {
            let picked: Vec<String> = match &p.answer {
                Some(Answer::Choices(c)) => c.clone(),
                _ => vec![],
            };
            let items = options.iter().map(|o| {
                let on_change = p.on_change.clone();
                let checked = picked.contains(&o.id);
                let (id, picked) = (o.id.clone(), picked.clone());
                html! {
                    <label class={classes!("option", checked.then_some("chosen"))} for={format!("opt-{}", o.id)}>
                        <input type="checkbox" id={format!("opt-{}", o.id)} checked={checked}
                            onclick={Callback::from(move |_| {
                                let mut next: Vec<String> = picked.iter().filter(|x| **x != id).cloned().collect();
                                if !checked { next.push(id.clone()); }
                                next.sort();
                                on_change.emit(((!next.is_empty()).then_some(Answer::Choices(next)), false));
                            })} />
                        <span class="option-text rich"><RichText text={o.text.clone()} flow={Flow::Inline} /></span>
                    </label>
                }
            });
            html! { <fieldset class="options" aria-label={t("answer-choose-all")}>{ for items }</fieldset> }
        }
        CandidateWidget::TrueFalse => {
            let item = |value: &'static str, label: String| {
                let on_change = p.on_change.clone();
                let checked = current.eq_ignore_ascii_case(value);
                html! {
                    <label class={classes!("option", checked.then_some("chosen"))} for={format!("opt-{value}")}>
                        <input type="radio" name={qid.clone()} id={format!("opt-{value}")} checked={checked}
                            onclick={Callback::from(move |_| on_change.emit((Some(Answer::Text(value.into())), false)))} />
                        <span>{label}</span>
                    </label>
                }
            };
            html! { <fieldset class="options" aria-label={t("answer-true-false")}>{item("true", t("answer-true"))}{item("false", t("answer-false"))}</fieldset> }
        }
        CandidateWidget::Numeric | CandidateWidget::ShortText => {
            let on_change = p.on_change.clone();
            let on_commit = p.on_change.clone();
            let numeric = matches!(p.question.widget, CandidateWidget::Numeric);
            html! {
                <input class="answer-line" id="answer-text" type="text" autocomplete="off" spellcheck="false"
                    inputmode={if numeric { "decimal" } else { "text" }}
                    aria-label={if numeric { t("answer-number") } else { t("answer-text") }}
                    value={current}
                    oninput={Callback::from(move |e: InputEvent| {
                        let v = e.target_unchecked_into::<HtmlInputElement>().value();
                        on_change.emit((some_text(v), true));
                    })}
                    // Programmatic edits (autofill, automation) may only fire `change`.
                    onchange={Callback::from(move |e: Event| {
                        let v = e.target_unchecked_into::<HtmlInputElement>().value();
                        on_commit.emit((some_text(v), true));
                    })} />
            }
        }
        CandidateWidget::Essay => {
            let on_change = p.on_change.clone();
            let on_commit = p.on_change.clone();
            html! {
                <textarea class="essay" id="answer-text" rows="12" aria-label={t("answer-essay")} value={current}
                    oninput={Callback::from(move |e: InputEvent| {
                        let v = e.target_unchecked_into::<HtmlTextAreaElement>().value();
                        on_change.emit((some_text(v), true));
                    })}
                    onchange={Callback::from(move |e: Event| {
                        let v = e.target_unchecked_into::<HtmlTextAreaElement>().value();
                        on_commit.emit((some_text(v), true));
                    })} />
            }
        }
        CandidateWidget::Matching { items, choices } => html! {
            <MatchingWidget items={items.clone()} choices={choices.clone()} answer={p.answer.clone()} on_change={p.on_change.clone()} />
        },
        CandidateWidget::Ordering { items } => html! {
            <OrderingWidget items={items.clone()} answer={p.answer.clone()} on_change={p.on_change.clone()} />
        },
        CandidateWidget::Cloze { parts } => html! {
            <ClozeWidget parts={parts.clone()} answer={p.answer.clone()} on_change={p.on_change.clone()} />
        },
    }
}

/// Sets one entry of a map answer (matching item or cloze gap): `(key, value, typed)`.
type MapSetter = Rc<dyn Fn(&str, String, bool)>;

/// Builds each change on the newest map, even when two changes come before the
/// page has re-rendered with the first.
#[hook]
fn use_map_setter(
    answer: &Option<Answer>,
    on_change: &Callback<(Option<Answer>, bool)>,
) -> MapSetter {
    let latest: Rc<RefCell<Option<Answer>>> = use_mut_ref(|| None);
    *latest.borrow_mut() = answer.clone();
    let on_change = on_change.clone();
    Rc::new(move |key: &str, value: String, typed: bool| {
        let next = with_map_value(latest.borrow().as_ref(), key, value);
        *latest.borrow_mut() = next.clone();
        on_change.emit((next, typed));
    })
}

#[derive(Properties, PartialEq)]
struct MatchingProps {
    items: Vec<OptionDto>,
    choices: Vec<String>,
    answer: Option<Answer>,
    on_change: Callback<(Option<Answer>, bool)>,
}

/// One list of answers per item (answer: item id → the chosen answer's text).
#[function_component(MatchingWidget)]
fn matching_widget(p: &MatchingProps) -> Html {
    let set = use_map_setter(&p.answer, &p.on_change);
    let rows = p.items.iter().map(|item| {
        let current = map_value(p.answer.as_ref(), &item.id).to_owned();
        let id = format!("match-{}", item.id);
        let onchange = {
            let (set, key) = (set.clone(), item.id.clone());
            Callback::from(move |e: Event| {
                set(&key, e.target_unchecked_into::<HtmlSelectElement>().value(), false)
            })
        };
        html! {
            <div class={classes!("match-row", (!current.is_empty()).then_some("chosen"))}>
                <label class="match-item rich" for={id.clone()}><RichText text={item.text.clone()} flow={Flow::Inline} /></label>
                <select class="match-choice" id={id} {onchange}>
                    <option value="" selected={current.is_empty()}>{t("answer-match-choose")}</option>
                    { for p.choices.iter().map(|c| html! {
                        <option value={c.clone()} selected={*c == current}>{plain(c)}</option>
                    }) }
                </select>
            </div>
        }
    });
    html! { <fieldset class="matching" aria-label={t("answer-match")}>{ for rows }</fieldset> }
}

#[derive(Properties, PartialEq)]
struct OrderingProps {
    items: Vec<OptionDto>,
    answer: Option<Answer>,
    on_change: Callback<(Option<Answer>, bool)>,
}

fn order_button_id(item: &str, up: bool) -> String {
    format!("order-{}-{item}", if up { "up" } else { "down" })
}

/// The items in a numbered list, each with Move up / Move down (answer: the
/// item ids in order). Nothing is answered until the candidate moves an item.
#[function_component(OrderingWidget)]
fn ordering_widget(p: &OrderingProps) -> Html {
    let order = ordered_items(&p.items, p.answer.as_ref());
    let announce = use_state(String::new);
    // The moved item's button keeps the focus, wherever the list put it.
    let focus_next = use_mut_ref(|| None::<String>);
    {
        let focus_next = focus_next.clone();
        use_effect(move || {
            let target = focus_next.borrow_mut().take();
            if let Some(el) = target.and_then(|id| {
                web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(&id))
            }) {
                if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    let ids: Vec<String> = order.iter().map(|o| o.id.clone()).collect();
    let count = order.len();
    let rows = order.iter().enumerate().map(|(i, item)| {
        let mover = |up: bool| {
            let (ids, on_change, announce, focus_next) = (
                ids.clone(),
                p.on_change.clone(),
                announce.clone(),
                focus_next.clone(),
            );
            let (item_id, text) = (item.id.clone(), plain(&item.text));
            Callback::from(move |_: MouseEvent| {
                let Some(next) = move_item(&ids, i, up) else {
                    return;
                };
                let to = if up { i - 1 } else { i + 1 };
                // At an end, the button that way is disabled: focus the other one.
                let keep_up = if up { to > 0 } else { to + 1 == count };
                *focus_next.borrow_mut() = Some(order_button_id(&item_id, keep_up));
                announce.set(ta(
                    "answer-order-moved",
                    &[
                        ("item", text.clone().into()),
                        ("position", (to + 1).into()),
                        ("count", count.into()),
                    ],
                ));
                on_change.emit((Some(Answer::Choices(next)), false));
            })
        };
        let args = [
            ("item", plain(&item.text).into()),
            ("position", (i + 1).into()),
            ("count", count.into()),
        ];
        html! {
            <li key={item.id.clone()} class="order-item" id={format!("order-{}", item.id)}>
                <span class="order-pos">{i + 1}</span>
                <span class="order-text rich"><RichText text={item.text.clone()} flow={Flow::Inline} /></span>
                <span class="order-moves">
                    <button type="button" id={order_button_id(&item.id, true)} disabled={i == 0}
                        aria-label={ta("answer-order-up-label", &args)} onclick={mover(true)}>
                        <span aria-hidden="true">{"↑ "}</span>{t("answer-order-up")}
                    </button>
                    <button type="button" id={order_button_id(&item.id, false)} disabled={i + 1 == count}
                        aria-label={ta("answer-order-down-label", &args)} onclick={mover(false)}>
                        <span aria-hidden="true">{"↓ "}</span>{t("answer-order-down")}
                    </button>
                </span>
            </li>
        }
    });
    html! {
        <fieldset class="ordering" aria-label={t("answer-order")} aria-describedby="order-hint">
            <p class="hint muted" id="order-hint">{t("answer-order-hint")}</p>
            <ol class="order-list" role="list">{ for rows }</ol>
            <p class="sr-only" id="order-announce" aria-live="polite">{(*announce).clone()}</p>
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
struct ClozeProps {
    parts: Vec<ClozePartDto>,
    answer: Option<Answer>,
    on_change: Callback<(Option<Answer>, bool)>,
}

/// The text with a field or a list in each gap (answer: gap id → what was
/// written, or the chosen option's id).
#[function_component(ClozeWidget)]
fn cloze_widget(p: &ClozeProps) -> Html {
    let set = use_map_setter(&p.answer, &p.on_change);
    let mut number = 0;
    let parts = p.parts.iter().map(|part| match part {
        ClozePartDto::Text { text } => html! {
            <span class="cloze-text rich"><RichText text={text.clone()} flow={Flow::Cloze} /></span>
        },
        ClozePartDto::Gap { id, input } => {
            number += 1;
            let current = map_value(p.answer.as_ref(), id).to_owned();
            let dom_id = format!("gap-{id}");
            match input {
                GapInput::Text | GapInput::Numeric => {
                    let numeric = matches!(input, GapInput::Numeric);
                    let label = if numeric {
                        ta("answer-gap-number", &[("number", number.into())])
                    } else {
                        ta("answer-gap", &[("number", number.into())])
                    };
                    let (set_i, set_c) = (set.clone(), set.clone());
                    let (key_i, key_c) = (id.clone(), id.clone());
                    html! {
                        <input class={classes!("gap", if numeric { "gap-number" } else { "gap-text" })}
                            id={dom_id} type="text" autocomplete="off" spellcheck="false"
                            inputmode={if numeric { "decimal" } else { "text" }}
                            aria-label={label} value={current}
                            oninput={Callback::from(move |e: InputEvent| {
                                set_i(&key_i, e.target_unchecked_into::<HtmlInputElement>().value(), true)
                            })}
                            // Programmatic edits (autofill, automation) may only fire `change`.
                            onchange={Callback::from(move |e: Event| {
                                set_c(&key_c, e.target_unchecked_into::<HtmlInputElement>().value(), true)
                            })} />
                    }
                }
                GapInput::Choice { options } => {
                    let (set, key) = (set.clone(), id.clone());
                    html! {
                        <select class="gap gap-choice" id={dom_id}
                            aria-label={ta("answer-gap", &[("number", number.into())])}
                            onchange={Callback::from(move |e: Event| {
                                set(&key, e.target_unchecked_into::<HtmlSelectElement>().value(), false)
                            })}>
                            <option value="" selected={current.is_empty()}>{t("answer-gap-choose")}</option>
                            { for options.iter().map(|o| html! {
                                <option value={o.id.clone()} selected={o.id == current}>{plain(&o.text)}</option>
                            }) }
                        </select>
                    }
                }
                GapInput::Choices { options } => {
                    let picked = crate::state::gap_picks(&current);
                    let boxes = options.iter().map(|o| {
                        let (set, key, picked, oid) =
                            (set.clone(), id.clone(), picked.clone(), o.id.clone());
                        let checked = picked.contains(&o.id);
                        let box_id = format!("gap-{id}-{}", o.id);
                        html! {
                            <label class="gap-pick" for={box_id.clone()}>
                                <input type="checkbox" id={box_id} checked={checked}
                                    onchange={Callback::from(move |_: Event| {
                                        set(&key, crate::state::toggle_gap_pick(&picked, &oid), false)
                                    })} />
                                {plain(&o.text)}
                            </label>
                        }
                    });
                    html! {
                        <span class="gap gap-choices" id={dom_id} role="group"
                            aria-label={ta("answer-gap", &[("number", number.into())])}>
                            { for boxes }
                        </span>
                    }
                }
            }
        }
    });
    // Collected first: `number` counts the gaps in order.
    let parts: Vec<Html> = parts.collect();
    html! {
        <fieldset class="cloze-box" aria-label={t("answer-cloze")}>
            <div class="cloze">{ for parts }</div>
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
pub struct NavigatorProps {
    pub count: usize,
    pub current: usize,
    pub answered: Vec<bool>,
    pub flagged: Vec<bool>,
    pub on_go: Callback<usize>,
    /// The first question the candidate may still go to (forward-only exams):
    /// the buttons before it are disabled.
    #[prop_or_default]
    pub earliest: usize,
}

/// Numbered buttons showing answered / flagged / current.
#[function_component(Navigator)]
pub fn navigator(p: &NavigatorProps) -> Html {
    let items = (0..p.count).map(|i| {
        let on_go = p.on_go.clone();
        let (answered, flagged, current) = (p.answered[i], p.flagged[i], i == p.current);
        let behind = i < p.earliest;
        let label = format!(
            "{}{}{}{}{}",
            ta("exam-nav-question", &[("number", (i + 1).into())]),
            if answered { t("exam-nav-answered") } else { t("exam-nav-not-answered") },
            if flagged { t("exam-nav-flagged") } else { String::new() },
            if current { t("exam-nav-current") } else { String::new() },
            if behind { t("exam-nav-behind") } else { String::new() }
        );
        html! {
            <button id={format!("nav-{}", i + 1)} aria-label={label} aria-current={current.then_some("step")}
                class={classes!("nav", answered.then_some("answered"), flagged.then_some("flagged"), current.then_some("current"), behind.then_some("behind"))}
                disabled={behind}
                onclick={Callback::from(move |_| on_go.emit(i))}>
                {i + 1}{ if flagged { "⚑" } else { "" } }
            </button>
        }
    });
    html! { <nav class="navigator" aria-label={t("exam-questions-nav")}>{ for items }</nav> }
}

#[derive(Properties, PartialEq)]
pub struct PreviewQuestionProps {
    pub question: CandidateQuestion,
    /// Its number in an exam preview (from 1), if it has one.
    #[prop_or_default]
    pub number: Option<usize>,
}

/// A question exactly as the candidate's window renders it, read-only: the
/// same answer widget, inside a disabled fieldset.
#[function_component(PreviewQuestion)]
pub fn preview_question(p: &PreviewQuestionProps) -> Html {
    let q = &p.question;
    let marks = crate::i18n::marks(q.marks);
    let head = match p.number {
        Some(n) => ta(
            "preview-number",
            &[
                ("number", n.into()),
                ("n", q.marks.into()),
                ("marks", marks.into()),
            ],
        ),
        None => ta(
            "preview-marks",
            &[("n", q.marks.into()), ("marks", marks.into())],
        ),
    };
    let prompt = if q.prompt.trim().is_empty() && matches!(q.widget, CandidateWidget::Cloze { .. })
    {
        t("answer-cloze")
    } else {
        q.prompt.clone()
    };
    html! {
        <article class="preview-question question" data-question={q.id.clone()}>
            <p class="qnum">{head}</p>
            <div class="preview-prompt rich" role="heading" aria-level="3"><RichText text={prompt} /></div>
            <fieldset class="preview-inert" disabled=true aria-label={t("preview-read-only")}>
                <AnswerWidget question={q.clone()} answer={None::<Answer>} on_change={Callback::noop()} />
            </fieldset>
        </article>
    }
}

/// A question type as the backend names it (`BankItemDto::type_name`), in the
/// chosen language.
pub fn type_label(type_name: &str) -> String {
    match type_name {
        "single choice" => t("qtype-single-choice"),
        "multiple response" => t("qtype-multiple-response"),
        "true/false" => t("qtype-true-false"),
        "numeric" => t("qtype-numeric"),
        "short text" => t("qtype-short-text"),
        "essay" => t("qtype-essay"),
        "single choice (weighted)" => t("qtype-weighted-single"),
        "multiple response (weighted)" => t("qtype-weighted-multiple"),
        "numeric (several answers)" => t("qtype-numeric-set"),
        "short text (weighted answers)" => t("qtype-text-set"),
        "matching" => t("qtype-matching"),
        "ordering" => t("qtype-ordering"),
        "cloze" => t("qtype-cloze"),
        "calculated" => t("qtype-calculated"),
        other => other.to_owned(),
    }
}
