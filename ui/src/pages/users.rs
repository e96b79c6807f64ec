use crate::i18n::{t, ta};
use crate::ipc;
use crate::pages::bind;
use crate::Nav;
use examhall_protocol::{NewUser, Role, UserDto};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
}

fn role_label(r: Role) -> String {
    t(match r {
        Role::Candidate => "users-role-candidate",
        Role::Invigilator => "users-role-invigilator",
        Role::Teacher => "users-role-teacher",
        Role::Admin => "users-role-admin",
    })
}

const ROLES: [(Role, &str); 4] = [
    (Role::Candidate, "candidate"),
    (Role::Invigilator, "invigilator"),
    (Role::Teacher, "teacher"),
    (Role::Admin, "admin"),
];

/// Administrators: the centre's accounts, and a form to create one of any role
/// (the initial password is given to the person by the administrator).
#[function_component(UsersPage)]
pub fn users_page(p: &Props) -> Html {
    let users = use_state(|| None::<Vec<UserDto>>);
    let username = use_state(String::new);
    let display = use_state(String::new);
    let password = use_state(String::new);
    let role = use_state(|| Role::Candidate);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let reload = {
        let (users, error, nav) = (users.clone(), error.clone(), p.nav.clone());
        Callback::from(move |_: ()| {
            let (users, error, nav) = (users.clone(), error.clone(), nav.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::list_users(&nav.token).await {
                    Ok(list) => users.set(Some(list)),
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
    let on_role = {
        let role = role.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some((r, _)) = ROLES.iter().find(|(_, name)| *name == v) {
                role.set(*r);
            }
        })
    };
    let onsubmit = {
        let (username, display, password, role, error, notice, nav, reload) = (
            username.clone(),
            display.clone(),
            password.clone(),
            role.clone(),
            error.clone(),
            notice.clone(),
            p.nav.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let u = NewUser {
                username: (*username).clone(),
                display_name: (*display).clone(),
                password: (*password).clone(),
                role: *role,
                email: None,
                candidate_number: None,
            };
            let (username, display, password, error, notice, nav, reload) = (
                username.clone(),
                display.clone(),
                password.clone(),
                error.clone(),
                notice.clone(),
                nav.clone(),
                reload.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::create_user(&nav.token, u).await {
                    Ok(made) => {
                        error.set(None);
                        notice.set(Some(ta(
                            "users-created",
                            &[
                                ("username", made.username.clone().into()),
                                ("role", role_label(made.role).into()),
                            ],
                        )));
                        username.set(String::new());
                        display.set(String::new());
                        password.set(String::new());
                        reload.emit(());
                    }
                    Err(e) => {
                        nav.check(&e);
                        notice.set(None);
                        error.set(Some(e.message));
                    }
                }
            });
        })
    };
    let rows = users.as_ref().map(|list| {
        let trs = list.iter().map(|u| {
            html! {
                <tr>
                    <td>{&u.username}</td>
                    <td>{&u.display_name}</td>
                    <td>{role_label(u.role)}</td>
                </tr>
            }
        });
        html! {
            <table class="marks" id="users-table" aria-label={t("users-list")}>
                <thead><tr><th>{t("users-username")}</th><th>{t("users-display-name")}</th><th>{t("users-role")}</th></tr></thead>
                <tbody>{ for trs }</tbody>
            </table>
        }
    });
    let options = ROLES.iter().map(|(r, name)| {
        html! { <option value={*name} selected={*role == *r}>{role_label(*r)}</option> }
    });
    html! {
        <>
        <section class="card">
            <h1>{t("users-new")}</h1>
            <p>{t("users-intro")}</p>
            <form {onsubmit}>
                <label for="user-role">{t("users-role")}</label>
                <select id="user-role" onchange={on_role}>{ for options }</select>
                <label for="user-username">{t("users-username")}</label>
                <input id="user-username" autocomplete="off" value={(*username).clone()} oninput={bind(&username)} />
                <label for="user-display">{t("users-display-name")}</label>
                <input id="user-display" autocomplete="off" value={(*display).clone()} oninput={bind(&display)} />
                <label for="user-password">{t("users-initial-password")}</label>
                <input id="user-password" type="password" autocomplete="new-password" value={(*password).clone()} oninput={bind(&password)} />
                if let Some(e) = &*error { <p class="error" role="alert" id="users-error">{e}</p> }
                if let Some(n) = &*notice { <p class="ok" role="status" id="users-notice">{n}</p> }
                <button class="primary" type="submit" id="user-create">{t("users-create")}</button>
            </form>
        </section>
        <section class="card">
            <h1>{t("users-list")}</h1>
            { rows.unwrap_or_else(|| html! { <p>{t("users-loading")}</p> }) }
        </section>
        </>
    }
}
