//! One attempt as staff review it (from the results table): every question as
//! the candidate saw it with their answer, the key, marks and outcome; an essay
//! marked or re-marked here (a re-mark with its reason); the log's events in
//! order; and whether the log's chain verifies.

use crate::i18n::{date_time, number, t, ta, time_of_day};
use crate::ipc;
use crate::pages::bind;
use crate::pages::result::outcome_text;
use crate::richtext::{Flow, RichText};
use crate::state::Screen;
use crate::Nav;
use examhall_protocol::{AttemptRef, AttemptReviewDto, MarkEssay};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
    pub attempt_id: String,
}

#[function_component(ReviewPage)]
pub fn review_page(p: &Props) -> Html {
    let review = use_state(|| None::<AttemptReviewDto>);
    let error = use_state(|| None::<String>);
    let reload = use_state(|| 0u32);
    // The essay being (re-)marked: its question, the mark and the reason typed.
    let marking = use_state(|| None::<String>);
    let mark = use_state(String::new);
    let reason = use_state(String::new);
    let message = use_state(|| None::<Result<String, String>>);
    {
        let (nav, review, error) = (p.nav.clone(), review.clone(), error.clone());
        use_effect_with((p.attempt_id.clone(), *reload), move |(id, _)| {
            let id = id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::cmd::attempt_review(&nav.token, AttemptRef { attempt_id: id }).await {
                    Ok(r) => review.set(Some(r)),
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message));
                    }
                }
            });
            || ()
        });
    }
    let back = {
        let nav = p.nav.clone();
        Callback::from(move |_| nav.go(Screen::Staff))
    };
    let Some(r) = &*review else {
        return html! {
            <section class="card">
                if let Some(e) = &*error { <p class="error" role="alert">{e}</p> } else { <p>{t("result-loading")}</p> }
                <button id="review-back" onclick={back}>{t("review-back")}</button>
            </section>
        };
    };
    let on_save = {
        let (nav, marking, mark, reason, message, reload, attempt_id) = (
            p.nav.clone(),
            marking.clone(),
            mark.clone(),
            reason.clone(),
            message.clone(),
            reload.clone(),
            r.attempt_id.clone(),
        );
        Callback::from(move |_| {
            let Some(question_id) = (*marking).clone() else {
                return;
            };
            let Some(value) = crate::authoring::parse_decimal(&mark) else {
                message.set(Some(Err(ta(
                    "marking-not-a-number",
                    &[("text", (*mark).clone().into())],
                ))));
                return;
            };
            let req = MarkEssay {
                attempt_id: attempt_id.clone(),
                question_id,
                mark: value,
                comment: None,
                reason: Some((*reason).clone()).filter(|r| !r.trim().is_empty()),
            };
            let (nav, marking, message, reload) = (
                nav.clone(),
                marking.clone(),
                message.clone(),
                reload.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::cmd::mark_essay(&nav.token, req).await {
                    Ok(_) => {
                        marking.set(None);
                        message.set(Some(Ok(t("review-mark-saved"))));
                        reload.set(*reload + 1);
                    }
                    Err(e) => {
                        nav.check(&e);
                        message.set(Some(Err(e.message)));
                    }
                }
            });
        })
    };
    let questions = r.questions.iter().enumerate().map(|(i, q)| {
        let qid = q.question_id.clone();
        let open = marking.as_deref() == Some(qid.as_str());
        let can_mark = q.essay && q.outcome.is_some() && q.outcome != Some(examhall_protocol::Outcome::Voided);
        // The (re-)marking form: a row of its own under the question, the
        // table's full width, so it never pushes the table past the screen.
        let form_row = if open {
            html! {
                <tr class="remark-row" id={format!("review-form-{qid}")}>
                    <td colspan="7">
                        <div class="void-form">
                            <label for={format!("review-mark-{qid}")}>{t("marking-mark")}</label>
                            <input id={format!("review-mark-{qid}")} size="4" inputmode="decimal"
                                value={(*mark).clone()} oninput={bind(&mark)} />
                            if q.hand_marked {
                                <label for={format!("review-reason-{qid}")}>{t("review-remark-reason")}</label>
                                <input id={format!("review-reason-{qid}")} class="grow" value={(*reason).clone()} oninput={bind(&reason)} />
                            }
                            <button class="primary" id={format!("review-save-{qid}")} onclick={on_save.clone()}>{t("marking-save")}</button>
                        </div>
                    </td>
                </tr>
            }
        } else {
            html! {}
        };
        let mark_cell = if open {
            html! {}
        } else if can_mark {
            let (marking, mark, reason, qid2, awarded) =
                (marking.clone(), mark.clone(), reason.clone(), qid.clone(), q.awarded);
            html! {
                <button id={format!("review-remark-{qid}")} onclick={Callback::from(move |_| {
                    marking.set(Some(qid2.clone()));
                    mark.set(awarded.map(|a| a.to_string()).unwrap_or_default());
                    reason.set(String::new());
                })}>{t(if q.hand_marked { "review-remark" } else { "review-mark" })}</button>
            }
        } else {
            html! {}
        };
        html! {
            <>
            <tr id={format!("review-q-{qid}")}>
                <td>{i + 1}</td>
                <td><RichText text={q.prompt.clone()} flow={Flow::Inline} /></td>
                <td class="review-answer">{q.answer.clone().unwrap_or_else(|| t("marking-no-answer"))}</td>
                <td class="review-key">{&q.key}</td>
                <td class="num">{match q.awarded { Some(a) => format!("{} / {}", number(a, 1), number(q.max, 1)), None => format!("– / {}", number(q.max, 1)) }}</td>
                <td>{q.outcome.map(outcome_text).unwrap_or_default()}{ for q.comment.as_ref().map(|c| html! { <><br/><em>{c}</em></> }) }</td>
                <td class="actions">{mark_cell}</td>
            </tr>
            {form_row}
            </>
        }
    });
    let events = r.events.iter().map(|e| {
        html! {
            <tr class={classes!(format!("event-{}", e.kind))}>
                <td class="num">{e.seq}</td>
                <td>{time_of_day(e.at_ms)}</td>
                <td>{t(&format!("event-{}", e.kind.replace('_', "-")))}</td>
                <td>{e.question.clone().unwrap_or_default()}</td>
                <td>{&e.detail}</td>
            </tr>
        }
    });
    let chain = if r.chain_ok {
        html! { <p class="saved" id="review-chain">{ta("review-chain-ok", &[("count", r.events.len().into()), ("head", r.chain_head.clone().into())])}</p> }
    } else {
        html! { <p class="error" id="review-chain" role="alert">{ta("review-chain-bad", &[("problem", r.chain_problem.clone().unwrap_or_default().into())])}</p> }
    };
    let started = r
        .events
        .first()
        .map(|e| date_time(e.at_ms))
        .unwrap_or_default();
    html! {
        <section class="card" id="review-page">
            <h1>{ta("review-title", &[("candidate", r.candidate.clone().into()), ("exam", r.exam_title.clone().into())])}</h1>
            <p id="review-summary">
                {ta("review-started", &[("at", started.into())])}{" · "}
                { match r.total { Some(total) => ta("review-total", &[("total", number(total, 1).into()), ("max", number(r.max, 1).into())]), None => t("review-not-graded") } }
                { for r.void_reason.as_ref().map(|why| html! { <>{" · "}<span class="pill bad">{ta("staff-void-is", &[("reason", why.clone().into())])}</span></> }) }
            </p>
            {chain}
            <h2>{t("review-questions")}</h2>
            <table class="marks" id="review-questions">
                <thead><tr><th>{"#"}</th><th>{t("review-question")}</th><th>{t("review-answer")}</th><th>{t("review-key")}</th><th>{t("review-marks")}</th><th>{t("review-outcome")}</th><th></th></tr></thead>
                <tbody>{ for questions }</tbody>
            </table>
            { match &*message {
                Some(Ok(m)) => html! { <p class="saved" id="review-message" aria-live="polite">{m}</p> },
                Some(Err(m)) => html! { <p class="error" id="review-message" role="alert">{m}</p> },
                None => html! {},
            } }
            <h2>{t("review-events")}</h2>
            <table class="marks" id="review-events">
                <thead><tr><th>{"#"}</th><th>{t("review-at")}</th><th>{t("review-event")}</th><th>{t("review-question")}</th><th>{t("review-detail")}</th></tr></thead>
                <tbody>{ for events }</tbody>
            </table>
            <button id="review-back" onclick={back}>{t("review-back")}</button>
        </section>
    }
}
