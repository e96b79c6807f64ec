use crate::i18n::t;
use crate::ipc;
use crate::pages::bind;
use crate::state::Action;
use crate::Nav;
use examhall_protocol::PasswordChange;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
    /// The user signed in with a one-time password and may do nothing else first.
    pub forced: bool,
    /// Where "Back" goes (the user's home screen).
    pub home: crate::state::Screen,
}

/// Every user: choose a new password (the current one, the new one twice).
/// On success the session is replaced by a fresh one; every other session of
/// the account has ended.
#[function_component(PasswordPage)]
pub fn password_page(p: &Props) -> Html {
    let current = use_state(String::new);
    let new = use_state(String::new);
    let again = use_state(String::new);
    let error = use_state(|| None::<(Option<String>, String)>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (current, new, again, error, busy, nav) = (
            current.clone(),
            new.clone(),
            again.clone(),
            error.clone(),
            busy.clone(),
            p.nav.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            if *new != *again {
                error.set(Some((
                    Some("password-again".into()),
                    t("password-mismatch"),
                )));
                return;
            }
            busy.set(true);
            let change = PasswordChange {
                current_password: (*current).clone(),
                new_password: (*new).clone(),
            };
            let (error, busy, nav) = (error.clone(), busy.clone(), nav.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::change_own_password(&nav.token, change).await {
                    Ok(session) => nav.dispatch.emit(Action::SignedIn(session)),
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some((e.field.clone(), e.message)));
                    }
                }
                busy.set(false);
            });
        })
    };
    let back = {
        let (nav, home) = (p.nav.clone(), p.home.clone());
        Callback::from(move |_: MouseEvent| nav.go(home.clone()))
    };
    let field_error = |field: &str| {
        (*error)
            .as_ref()
            .filter(|(f, _)| f.as_deref().map(|f| f.replace('_', "-")).as_deref() == Some(field))
            .map(|(_, m)| html! { <p class="error" role="alert" id={format!("{field}-error")}>{m}</p> })
    };
    let general = (*error)
        .as_ref()
        .filter(|(f, _)| {
            !matches!(
                f.as_deref(),
                Some("current_password" | "new_password" | "password-again")
            )
        })
        .map(|(_, m)| html! { <p class="error" role="alert" id="password-error">{m}</p> });
    html! {
        <section class="card narrow">
            <h1>{t("password-title")}</h1>
            if p.forced {
                <p class="notice" role="status" id="password-forced">{t("password-forced")}</p>
            }
            <form {onsubmit}>
                <label for="password-current">{ if p.forced { t("password-one-time") } else { t("password-current") } }</label>
                <input id="password-current" type="password" autocomplete="current-password" value={(*current).clone()} oninput={bind(&current)} />
                { field_error("current-password").unwrap_or_default() }
                <label for="password-new">{t("password-new")}</label>
                <input id="password-new" type="password" autocomplete="new-password" value={(*new).clone()} oninput={bind(&new)} />
                <p class="muted">{t("password-rule")}</p>
                { field_error("new-password").unwrap_or_default() }
                <label for="password-again">{t("password-again")}</label>
                <input id="password-again" type="password" autocomplete="new-password" value={(*again).clone()} oninput={bind(&again)} />
                { field_error("password-again").unwrap_or_default() }
                { general.unwrap_or_default() }
                <button id="password-save" class="primary" type="submit" disabled={*busy}>{t("password-save")}</button>
                if !p.forced {
                    <button id="password-back" type="button" onclick={back}>{t("password-back")}</button>
                }
            </form>
        </section>
    }
}
