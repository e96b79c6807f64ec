use crate::i18n::{date_time, marks, number, t, ta};
use crate::ipc;
use crate::richtext::{Flow, RichText};
use crate::state::Screen;
use crate::Nav;
use examhall_protocol::{Outcome, ResultState, ResultView};
use gloo_timers::callback::Interval;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
    pub attempt_id: String,
}

pub(crate) fn outcome_text(o: Outcome) -> String {
    t(match o {
        Outcome::Correct => "outcome-correct",
        Outcome::Partial => "outcome-partial",
        Outcome::Incorrect => "outcome-incorrect",
        Outcome::Unanswered => "outcome-unanswered",
        Outcome::AwaitingMarking => "outcome-awaiting",
        Outcome::Voided => "outcome-voided",
    })
}

/// Polls until the grading job has finished, then shows what the exam releases.
#[function_component(ResultPage)]
pub fn result_page(p: &Props) -> Html {
    let result = use_state(|| None::<ResultView>);
    let error = use_state(|| None::<String>);
    {
        let (result, error, nav, id) = (
            result.clone(),
            error.clone(),
            p.nav.clone(),
            p.attempt_id.clone(),
        );
        use_effect_with(p.attempt_id.clone(), move |_| {
            let fetch = move || {
                let (result, error, nav, id) =
                    (result.clone(), error.clone(), nav.clone(), id.clone());
                if result
                    .as_ref()
                    .is_some_and(|r| r.result != ResultState::Grading)
                {
                    return;
                }
                wasm_bindgen_futures::spawn_local(async move {
                    match ipc::attempt_result(&nav.token, id).await {
                        Ok(r) => result.set(Some(r)),
                        Err(e) => {
                            nav.check(&e);
                            error.set(Some(e.message));
                        }
                    }
                });
            };
            fetch();
            let poll = Interval::new(1000, fetch);
            move || drop(poll)
        });
    }
    let back = {
        let nav = p.nav.clone();
        Callback::from(move |_| nav.go(Screen::Candidate))
    };
    let body = match &*result {
        None => html! { <p class="muted">{t("result-loading")}</p> },
        Some(r) => match &r.result {
            ResultState::Grading => {
                html! { <p id="result-grading" role="status">{t("result-grading")}</p> }
            }
            ResultState::Withheld => {
                html! { <p id="result-withheld" role="status">{t("result-withheld")}</p> }
            }
            ResultState::Released {
                total,
                max,
                percentage,
                passed,
                pass_mark_pct,
                awaiting_marking,
                questions,
            } => {
                let rows = questions.iter().enumerate().map(|(i, q)| {
                    html! {
                        <tr>
                            <td>{i + 1}</td>
                            // Only a text with gaps may have no prompt.
                            <td class="rich">
                                if q.prompt.trim().is_empty() { {t("answer-cloze")} }
                                else { <RichText text={q.prompt.clone()} flow={Flow::Inline} /> }
                            </td>
                            <td class="num">{format!("{} / {}", marks(q.awarded), marks(q.max))}</td>
                            <td>
                            {outcome_text(q.outcome)}
                            if let Some(c) = &q.comment { <div class="comment">{ta("result-marker", &[("comment", c.clone().into())])}</div> }
                            { for q.feedback.iter().map(|f| html! { <div class="feedback rich"><RichText text={f.clone()} flow={Flow::Inline} /></div> }) }
                        </td>
                        </tr>
                    }
                });
                html! {
                    <>
                        <p class="score" id="result-score">{ta("result-score", &[("total", marks(*total).into()), ("max", marks(*max).into()), ("percent", number(*percentage, 1).into())])}</p>
                        <p id="result-verdict" class={classes!("verdict", if *passed { "pass" } else { "fail" })}>
                            { if *passed { t("result-pass") } else { t("result-fail") } }
                            { ta("result-pass-mark", &[("percent", marks(*pass_mark_pct).into())]) }
                            { if *awaiting_marking { t("result-provisional") } else { String::new() } }
                        </p>
                        <table class="marks">
                            <thead><tr><th>{"#"}</th><th>{t("result-question")}</th><th>{t("result-marks")}</th><th>{t("result-outcome")}</th></tr></thead>
                            <tbody>{ for rows }</tbody>
                        </table>
                    </>
                }
            }
        },
    };
    html! {
        <section class="card">
            <h1>{ result.as_ref().map(|r| r.exam_title.clone()).unwrap_or_else(|| t("result-title")) }</h1>
            if let Some(e) = &*error { <p class="error" role="alert">{e}</p> }
            if let Some(why) = result.as_ref().and_then(|r| r.void_reason.clone()) {
                <p id="result-void" class="error" role="alert">{ta("result-void", &[("reason", why.into())])}</p>
            }
            {body}
            if let Some(rc) = result.as_ref().and_then(|r| r.receipt.as_ref()) {
                <div class="receipt" id="receipt" aria-labelledby="receipt-heading">
                    <h2 id="receipt-heading">{t("receipt-title")}</h2>
                    <p>{ta("receipt-handed-in", &[("candidate", rc.candidate.clone().into()), ("exam", rc.exam_title.clone().into()), ("time", date_time(rc.submitted_at_ms).into())])}</p>
                    <p>{ta("receipt-answered", &[("answered", rc.answered.into()), ("questions", rc.questions.into())])}</p>
                    <p>{t("receipt-attempt")}<strong class="mono" id="receipt-attempt">{&rc.attempt_id}</strong></p>
                    <p>{t("receipt-code")}<strong class="mono big" id="receipt-code">{&rc.code}</strong></p>
                    <p class="muted">{t("receipt-keep")}</p>
                </div>
            }
            <button id="back-to-exams" onclick={back}>{t("result-back")}</button>
        </section>
    }
}
