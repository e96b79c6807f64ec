use crate::i18n::{t, ta};
use crate::ipc;
use crate::Nav;
use examhall_protocol::ExamSummaryDto;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
}

/// Exams with their start codes; issue a new code to open a new sitting.
#[function_component(Invigilator)]
pub fn invigilator(p: &Props) -> Html {
    let exams = use_state(|| None::<Vec<ExamSummaryDto>>);
    let error = use_state(|| None::<String>);
    let reload = {
        let (exams, error, nav) = (exams.clone(), error.clone(), p.nav.clone());
        Callback::from(move |_: ()| {
            let (exams, error, nav) = (exams.clone(), error.clone(), nav.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::list_exams(&nav.token).await {
                    Ok(x) => exams.set(Some(x)),
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message));
                    }
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }
    let open = {
        let (nav, error, reload) = (p.nav.clone(), error.clone(), reload.clone());
        Callback::from(move |exam_id: i64| {
            let (nav, error, reload) = (nav.clone(), error.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::open_sitting(&nav.token, exam_id).await {
                    Ok(_) => reload.emit(()),
                    Err(e) => error.set(Some(e.message)),
                }
            });
        })
    };
    let rows = exams.as_ref().map(|list| {
        list.iter()
            .map(|e| {
                let open = open.clone();
                let id = e.exam_id;
                html! {
                    <article class="card exam-card">
                        <h2>{&e.title}</h2>
                        <p class="muted">{ta("inv-summary", &[("questions", e.question_count.into()), ("minutes", (e.duration_secs / 60).into())])}</p>
                        if let Some(s) = &e.open_sitting {
                            <p>{t("inv-start-code")}<strong class="code big" id={format!("code-{id}")}>{&s.start_code}</strong></p>
                        } else {
                            <p class="muted">{t("inv-no-sitting")}</p>
                        }
                        <button id={format!("open-sitting-{id}")} onclick={Callback::from(move |_| open.emit(id))}>
                            { if e.open_sitting.is_some() { t("inv-new-code") } else { t("inv-open-sitting") } }
                        </button>
                    </article>
                }
            })
            .collect::<Html>()
    });
    html! {
        <>
        <crate::pages::room::RoomConsole nav={p.nav.clone()} />
        <section>
            <h1>{t("inv-title")}</h1>
            <p class="muted">{t("inv-help")}</p>
            if let Some(e) = &*error { <p class="error" role="alert">{e}</p> }
            { rows.unwrap_or_else(|| html! { <p class="muted">{t("inv-loading")}</p> }) }
        </section>
        <crate::pages::sync::SyncPanel nav={p.nav.clone()} />
        </>
    }
}
