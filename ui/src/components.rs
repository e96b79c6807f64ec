//! Presentational components: props in, callbacks out, no IO.

use crate::i18n::{t, ta};
use examhall_protocol::{Answer, CandidateQuestion, CandidateWidget};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
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
                        <span>{&o.text}</span>
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
                        <span>{&o.text}</span>
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
    }
}

#[derive(Properties, PartialEq)]
pub struct NavigatorProps {
    pub count: usize,
    pub current: usize,
    pub answered: Vec<bool>,
    pub flagged: Vec<bool>,
    pub on_go: Callback<usize>,
}

/// Numbered buttons showing answered / flagged / current.
#[function_component(Navigator)]
pub fn navigator(p: &NavigatorProps) -> Html {
    let items = (0..p.count).map(|i| {
        let on_go = p.on_go.clone();
        let (answered, flagged, current) = (p.answered[i], p.flagged[i], i == p.current);
        let label = format!(
            "{}{}{}{}",
            ta("exam-nav-question", &[("number", (i + 1).into())]),
            if answered { t("exam-nav-answered") } else { t("exam-nav-not-answered") },
            if flagged { t("exam-nav-flagged") } else { String::new() },
            if current { t("exam-nav-current") } else { String::new() }
        );
        html! {
            <button id={format!("nav-{}", i + 1)} aria-label={label} aria-current={current.then_some("step")}
                class={classes!("nav", answered.then_some("answered"), flagged.then_some("flagged"), current.then_some("current"))}
                onclick={Callback::from(move |_| on_go.emit(i))}>
                {i + 1}{ if flagged { "⚑" } else { "" } }
            </button>
        }
    });
    html! { <nav class="navigator" aria-label={t("exam-questions-nav")}>{ for items }</nav> }
}
