use crate::i18n::t;
use crate::ipc;
use crate::pages::bind;
use crate::state::Action;
use examhall_protocol::{NewUser, Role};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub dispatch: Callback<Action>,
}

/// First run without `--demo`: create the first administrator. No default credentials exist.
#[function_component(Setup)]
pub fn setup(p: &Props) -> Html {
    let username = use_state(String::new);
    let display = use_state(String::new);
    let password = use_state(String::new);
    let repeat = use_state(String::new);
    let error = use_state(|| None::<String>);
    let onsubmit = {
        let (username, display, password, repeat, error, dispatch) = (
            username.clone(),
            display.clone(),
            password.clone(),
            repeat.clone(),
            error.clone(),
            p.dispatch.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *password != *repeat {
                error.set(Some(t("setup-passwords-differ")));
                return;
            }
            let u = NewUser {
                username: (*username).clone(),
                display_name: (*display).clone(),
                password: (*password).clone(),
                role: Role::Admin,
                email: None,
                candidate_number: None,
            };
            let (error, dispatch) = (error.clone(), dispatch.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::create_first_admin(u).await {
                    Ok(s) => dispatch.emit(Action::SignedIn(s)),
                    Err(e) => error.set(Some(e.message)),
                }
            });
        })
    };
    html! {
        <section class="card narrow">
            <h1>{t("setup-title")}</h1>
            <p>{t("setup-intro")}</p>
            <form {onsubmit}>
                <label for="setup-username">{t("setup-username")}</label>
                <input id="setup-username" value={(*username).clone()} oninput={bind(&username)} />
                <label for="setup-display">{t("setup-display-name")}</label>
                <input id="setup-display" value={(*display).clone()} oninput={bind(&display)} />
                <label for="setup-password">{t("setup-password")}</label>
                <input id="setup-password" type="password" value={(*password).clone()} oninput={bind(&password)} />
                <label for="setup-repeat">{t("setup-password-again")}</label>
                <input id="setup-repeat" type="password" value={(*repeat).clone()} oninput={bind(&repeat)} />
                if let Some(e) = &*error { <p class="error" role="alert">{e}</p> }
                <button class="primary" type="submit">{t("setup-create")}</button>
            </form>
        </section>
    }
}
