use crate::ipc;
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

fn outcome_text(o: Outcome) -> &'static str {
    match o {
        Outcome::Correct => "correct",
        Outcome::Partial => "partly correct",
        Outcome::Incorrect => "incorrect",
        Outcome::Unanswered => "not answered",
        Outcome::AwaitingMarking => "awaiting marking",
    }
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
        None => html! { <p class="muted">{"Loading…"}</p> },
        Some(r) => match &r.result {
            ResultState::Grading => {
                html! { <p id="result-grading" role="status">{"Submitted. Your answers are being marked…"}</p> }
            }
            ResultState::Withheld => {
                html! { <p id="result-withheld" role="status">{"Submitted. Your results will be released after review."}</p> }
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
                            <td>{&q.prompt}</td>
                            <td class="num">{format!("{} / {}", q.awarded, q.max)}</td>
                            <td>
                            {outcome_text(q.outcome)}
                            if let Some(c) = &q.comment { <div class="comment">{format!("Marker: {c}")}</div> }
                        </td>
                        </tr>
                    }
                });
                html! {
                    <>
                        <p class="score" id="result-score">{format!("{total} / {max} marks ({percentage:.1}%)")}</p>
                        <p id="result-verdict" class={classes!("verdict", if *passed { "pass" } else { "fail" })}>
                            { if *passed { "Pass" } else { "Not passed" } }
                            { format!(" · pass mark {pass_mark_pct}%") }
                            { if *awaiting_marking { " · provisional: written answers await marking" } else { "" } }
                        </p>
                        <table class="marks">
                            <thead><tr><th>{"#"}</th><th>{"Question"}</th><th>{"Marks"}</th><th>{"Outcome"}</th></tr></thead>
                            <tbody>{ for rows }</tbody>
                        </table>
                    </>
                }
            }
        },
    };
    html! {
        <section class="card">
            <h1>{ result.as_ref().map(|r| r.exam_title.clone()).unwrap_or_else(|| "Result".into()) }</h1>
            if let Some(e) = &*error { <p class="error" role="alert">{e}</p> }
            {body}
            <button id="back-to-exams" onclick={back}>{"Back to my exams"}</button>
        </section>
    }
}
