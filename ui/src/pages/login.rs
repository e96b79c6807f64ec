use crate::i18n::t;
use crate::ipc;
use crate::pages::bind;
use crate::state::Action;
use examhall_protocol::LoginRequest;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub dispatch: Callback<Action>,
    pub flash: Option<String>,
    pub centre: String,
}

#[function_component(Login)]
pub fn login(p: &Props) -> Html {
    let username = use_state(String::new);
    let password = use_state(String::new);
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (username, password, error, busy, dispatch) = (
            username.clone(),
            password.clone(),
            error.clone(),
            busy.clone(),
            p.dispatch.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            let req = LoginRequest {
                username: (*username).clone(),
                password: (*password).clone(),
            };
            let (error, busy, dispatch, password) = (
                error.clone(),
                busy.clone(),
                dispatch.clone(),
                password.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::login(req).await {
                    Ok(s) => dispatch.emit(Action::SignedIn(s)),
                    Err(e) => {
                        password.set(String::new());
                        error.set(Some(e.message));
                    }
                }
                busy.set(false);
            });
        })
    };
    html! {
        <section class="card narrow">
            <h1>{t("login-title")}</h1>
            <p class="muted">{&p.centre}</p>
            if let Some(f) = &p.flash { <p class="notice" role="status">{f}</p> }
            <form {onsubmit}>
                <label for="login-username">{t("login-username")}</label>
                <input id="login-username" autocomplete="username" value={(*username).clone()} oninput={bind(&username)} />
                <label for="login-password">{t("login-password")}</label>
                <input id="login-password" type="password" autocomplete="current-password" value={(*password).clone()} oninput={bind(&password)} />
                if let Some(e) = &*error { <p class="error" id="login-error" role="alert">{e}</p> }
                <button id="login-submit" class="primary" type="submit" disabled={*busy}>{ if *busy { t("login-busy") } else { t("login-submit") } }</button>
            </form>
        </section>
    }
}
