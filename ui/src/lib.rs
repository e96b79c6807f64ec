//! The Examhall UI (Yew, compiled to wasm32, embedded in the Tauri window).
//! Pages own IPC calls; components take props and callbacks and do no IO.

pub mod authoring;
pub mod comfort;
mod components;
pub mod corrections;
pub mod i18n;
mod ipc;
pub mod lockdown;
mod pages;
pub mod question_form;
pub mod richtext;
pub mod state;

use state::{Action, Model, Screen};
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// What every page gets: the signed-in session and a way to change screens.
#[derive(Clone, PartialEq)]
pub struct Nav {
    pub token: String,
    pub dispatch: Callback<Action>,
}

impl Nav {
    pub fn go(&self, s: Screen) {
        self.dispatch.emit(Action::Open(s));
    }
    /// Handles the one error every page treats the same: the session is gone.
    pub fn check(&self, e: &examhall_protocol::ErrorDto) {
        match e.code {
            examhall_protocol::ErrorCode::Unauthenticated => self
                .dispatch
                .emit(Action::SignedOut(Some(e.message.clone()))),
            examhall_protocol::ErrorCode::PasswordChangeRequired => {
                self.dispatch.emit(Action::Open(Screen::Password))
            }
            _ => {}
        }
    }
}

#[function_component(Root)]
fn root() -> Html {
    let model = use_reducer(Model::default);
    {
        let model = model.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::setup_status().await {
                    Ok(s) => model.dispatch(Action::Booted(s)),
                    Err(e) => model.dispatch(Action::SignedOut(Some(e.message))),
                }
            });
        });
    }
    let dispatch = {
        let model = model.clone();
        Callback::from(move |a: Action| model.dispatch(a))
    };
    let on_logout = {
        let model = model.clone();
        Callback::from(move |_| {
            let model = model.clone();
            if let Some(s) = &model.session {
                let token = s.token.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = ipc::logout(&token).await;
                    model.dispatch(Action::SignedOut(None));
                });
            }
        })
    };
    let on_password = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::Open(Screen::Password)))
    };
    let nav = model.session.as_ref().map(|s| Nav {
        token: s.token.clone(),
        dispatch: dispatch.clone(),
    });
    let body = match (&model.screen, nav) {
        (Screen::Loading, _) => {
            html! { <p class="muted" id="loading">{i18n::t("app-starting")}</p> }
        }
        (Screen::Setup, _) => html! { <pages::setup::Setup dispatch={dispatch.clone()} /> },
        (Screen::Login, _) | (_, None) => {
            html! { <pages::login::Login dispatch={dispatch.clone()} flash={model.flash.clone()} centre={model.centre.clone()} /> }
        }
        (Screen::Candidate, Some(nav)) => html! { <pages::candidate::MyExams {nav} /> },
        (Screen::Exam(id), Some(nav)) => {
            html! { <pages::exam::ExamPage {nav} attempt_id={id.clone()} /> }
        }
        (Screen::Result(id), Some(nav)) => {
            html! { <pages::result::ResultPage {nav} attempt_id={id.clone()} /> }
        }
        (Screen::Invigilator, Some(nav)) => html! { <pages::invigilator::Invigilator {nav} /> },
        (Screen::Home, Some(nav)) => html! { <pages::home::StaffHome {nav} /> },
        (Screen::Staff, Some(nav)) => html! { <pages::staff::Staff {nav} /> },
        (Screen::Analysis(id), Some(nav)) => {
            html! { <pages::analysis::AnalysisPage {nav} exam_id={*id} /> }
        }
        (Screen::Review(id), Some(nav)) => {
            html! { <pages::review::ReviewPage {nav} attempt_id={id.clone()} /> }
        }
        (Screen::ExamCandidates(id), Some(nav)) => {
            html! { <pages::candidates::ExamCandidatesPage {nav} exam_id={*id} /> }
        }
        (Screen::Bank, Some(nav)) => html! { <pages::bank::BankPage {nav} /> },
        (Screen::Builder, Some(nav)) => html! { <pages::builder::ExamBuilder {nav} /> },
        (Screen::Draft(id), Some(nav)) => {
            html! { <pages::builder::ExamBuilder key={format!("draft-{id}")} {nav} draft={Some(*id)} /> }
        }
        (Screen::Users, Some(nav)) => html! { <pages::users::UsersPage {nav} /> },
        (Screen::Hq, Some(nav)) => html! { <pages::hq::HqPage {nav} /> },
        (Screen::Password, Some(nav)) => {
            let forced = model
                .session
                .as_ref()
                .is_some_and(|s| s.must_change_password);
            let home = model
                .session
                .as_ref()
                .map_or(Screen::Login, |s| state::home_for(s.user.role));
            html! { <pages::password::PasswordPage {nav} {forced} {home} /> }
        }
    };
    // Teachers and administrators move between their pages from here.
    let staff_nav = model
        .session
        .as_ref()
        .filter(|_| {
            matches!(
                model.screen,
                Screen::Home
                    | Screen::Invigilator
                    | Screen::Staff
                    | Screen::Bank
                    | Screen::Builder
                    | Screen::Draft(_)
                    | Screen::Users
                    | Screen::Hq
                    | Screen::Analysis(_)
                    | Screen::Review(_)
                    | Screen::ExamCandidates(_)
            )
        })
        .map(|s| state::staff_pages_at(s.user.role, model.is_hq))
        .filter(|pages| !pages.is_empty())
        .map(|pages| {
            let items = pages.into_iter().map(|page| {
                let (id, text) = match page {
                    Screen::Bank => ("nav-bank", i18n::t("staffnav-bank")),
                    Screen::Builder => ("nav-builder", i18n::t("staffnav-builder")),
                    Screen::Users => ("nav-users", i18n::t("staffnav-users")),
                    Screen::Hq => ("nav-hq", i18n::t("staffnav-hq")),
                    Screen::Home => ("nav-home", i18n::t("staffnav-home")),
                    Screen::Invigilator => ("nav-rooms", i18n::t("staffnav-rooms")),
                    _ => ("nav-staff", i18n::t("staffnav-results")),
                };
                let current = model.screen == page
                    || (page == Screen::Builder && matches!(model.screen, Screen::Draft(_)));
                let dispatch = dispatch.clone();
                html! {
                    <button type="button" {id} class={classes!("staff-tab", current.then_some("current"))}
                        aria-current={current.then_some("page")}
                        onclick={Callback::from(move |_: MouseEvent| dispatch.emit(Action::Open(page.clone())))}>
                        {text}
                    </button>
                }
            });
            html! { <nav class="staff-nav" aria-label={i18n::t("staffnav-label")}>{ for items }</nav> }
        });
    let in_exam = matches!(model.screen, Screen::Exam(_));
    let lang = use_state(i18n::lang);
    let on_lang = {
        let lang = lang.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            i18n::set_lang(&v, true);
            lang.set(i18n::lang());
        })
    };
    html! {
        <div class="app">
            <header class="topbar">
                <span class="brand">{"Examhall"}</span>
                // A centre that has not named itself yet is "Examhall" to the
                // backend: the brand already says so.
                if !model.centre.is_empty() && model.centre != "Examhall" {
                    <span class="centre">{model.centre.clone()}</span>
                }
                if !in_exam {
                    <label class="lang">
                        <span class="sr-only">{i18n::t("language-label")}</span>
                        <select id="language" aria-label={i18n::t("language-label")} onchange={on_lang}>
                            { for i18n::LANGUAGES.iter().map(|(code, name)| html! {
                                <option value={*code} selected={*code == *lang}>{*name}</option>
                            }) }
                        </select>
                    </label>
                }
                if let Some(s) = &model.session {
                    <span class="who" id="who">{format!("{} · {}", s.user.display_name, s.user.role)}</span>
                    if !in_exam {
                        if model.screen != Screen::Password {
                            <button class="link" id="change-password" onclick={on_password}>{i18n::t("app-change-password")}</button>
                        }
                        <button class="link" id="logout" onclick={on_logout}>{i18n::t("app-sign-out")}</button>
                    }
                }
            </header>
            <main key={*lang}>{ staff_nav.unwrap_or_default() }{body}</main>
        </div>
    }
}

#[wasm_bindgen(start)]
pub fn start() {
    // For the life of the app: no reload, print, dev tools, zoom or history keys.
    std::mem::forget(lockdown::Guard::app());
    i18n::init();
    yew::Renderer::<Root>::new().render();
}
