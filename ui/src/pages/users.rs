use crate::i18n::{t, ta};
use crate::ipc;
use crate::pages::bind;
use crate::Nav;
use examhall_protocol::{
    AccountChangeDto, DisplayPreset, EditUser, ImportMode, ImportProgressDto, ImportUsers, NewUser,
    OneTimePassword, Role, UserDto, UserImportReport, UserPatch, UserQuery, IMPORT_PROGRESS_EVENT,
};
use web_sys::{HtmlInputElement, HtmlSelectElement};
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

fn role_named(v: &str) -> Option<Role> {
    ROLES.iter().find(|(_, name)| *name == v).map(|(r, _)| *r)
}

fn role_options(selected: Option<Role>) -> Html {
    ROLES
        .iter()
        .map(|(r, name)| {
            html! { <option value={*name} selected={selected == Some(*r)}>{role_label(*r)}</option> }
        })
        .collect()
}

/// An action on one account that waits for the administrator to confirm it.
#[derive(Clone, PartialEq)]
enum Pending {
    Reset(UserDto),
    Disable(UserDto),
}

/// Administrators: create accounts of any role; list, search and filter them;
/// edit one (name, role, candidate number, email) and see its history; reset a
/// password to a one-time password (shown once); disable and enable; lift a
/// sign-in block.
#[function_component(UsersPage)]
pub fn users_page(p: &Props) -> Html {
    let users = use_state(|| None::<Vec<UserDto>>);
    let query = use_state(UserQuery::default);
    let username = use_state(String::new);
    let display = use_state(String::new);
    let number = use_state(String::new);
    let email = use_state(String::new);
    let password = use_state(String::new);
    let role = use_state(|| Role::Candidate);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let otp = use_state(|| None::<OneTimePassword>);
    let pending = use_state(|| None::<Pending>);
    let editing = use_state(|| None::<(UserDto, Vec<AccountChangeDto>)>);
    let reload = {
        let (users, error, nav, query) =
            (users.clone(), error.clone(), p.nav.clone(), query.clone());
        Callback::from(move |_: ()| {
            let (users, error, nav, q) =
                (users.clone(), error.clone(), nav.clone(), (*query).clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::list_users(&nav.token, q).await {
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
        use_effect_with((*query).clone(), move |_| reload.emit(()));
    }
    let on_role = {
        let role = role.clone();
        Callback::from(move |e: Event| {
            if let Some(r) = role_named(&e.target_unchecked_into::<HtmlSelectElement>().value()) {
                role.set(r);
            }
        })
    };
    let onsubmit = {
        let (username, display, number, email, password, role, error, notice, nav, reload) = (
            username.clone(),
            display.clone(),
            number.clone(),
            email.clone(),
            password.clone(),
            role.clone(),
            error.clone(),
            notice.clone(),
            p.nav.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let optional =
                |h: &UseStateHandle<String>| Some((**h).clone()).filter(|s| !s.trim().is_empty());
            let u = NewUser {
                username: (*username).clone(),
                display_name: (*display).clone(),
                password: (*password).clone(),
                role: *role,
                email: optional(&email),
                candidate_number: optional(&number),
            };
            let fields = [
                username.clone(),
                display.clone(),
                number.clone(),
                email.clone(),
                password.clone(),
            ];
            let (error, notice, nav, reload) =
                (error.clone(), notice.clone(), nav.clone(), reload.clone());
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
                        for f in fields {
                            f.set(String::new());
                        }
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

    // ---- the filter bar ----
    let on_search = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            query.set(UserQuery {
                search: Some(v).filter(|s| !s.trim().is_empty()),
                ..(*query).clone()
            });
        })
    };
    let on_filter_role = {
        let query = query.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            query.set(UserQuery {
                role: role_named(&v),
                ..(*query).clone()
            });
        })
    };
    let on_show_disabled = {
        let query = query.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            query.set(UserQuery {
                include_disabled: on,
                ..(*query).clone()
            });
        })
    };

    // ---- actions on one account ----
    let report = {
        let (error, notice, nav, reload) =
            (error.clone(), notice.clone(), p.nav.clone(), reload.clone());
        Callback::from(
            move |r: Result<String, examhall_protocol::ErrorDto>| match r {
                Ok(msg) => {
                    error.set(None);
                    notice.set(Some(msg));
                    reload.emit(());
                }
                Err(e) => {
                    nav.check(&e);
                    notice.set(None);
                    error.set(Some(e.message));
                }
            },
        )
    };
    let enable = {
        let (nav, report) = (p.nav.clone(), report.clone());
        Callback::from(move |u: UserDto| {
            let (nav, report) = (nav.clone(), report.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let patch = UserPatch {
                    disabled: Some(false),
                    ..Default::default()
                };
                let r = ipc::update_user(
                    &nav.token,
                    EditUser {
                        user_id: u.id,
                        patch,
                    },
                )
                .await;
                report.emit(r.map(|u| ta("users-enabled", &[("username", u.username.into())])));
            });
        })
    };
    let unblock = {
        let (nav, report) = (p.nav.clone(), report.clone());
        Callback::from(move |u: UserDto| {
            let (nav, report) = (nav.clone(), report.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let r = ipc::lift_login_block(&nav.token, u.username.clone()).await;
                report.emit(r.map(|n| {
                    ta(
                        "users-unblocked",
                        &[
                            ("username", u.username.into()),
                            ("count", (n as i64).into()),
                        ],
                    )
                }));
            });
        })
    };
    let approve = {
        let (nav, report) = (p.nav.clone(), report.clone());
        Callback::from(move |u: UserDto| {
            let (nav, report) = (nav.clone(), report.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let r = ipc::cmd::approve_user(&nav.token, u.id).await;
                report.emit(r.map(|_| ta("users-approved", &[("username", u.username.into())])));
            });
        })
    };
    let confirm = {
        let (nav, report, pending, otp) =
            (p.nav.clone(), report.clone(), pending.clone(), otp.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(what) = (*pending).clone() else {
                return;
            };
            pending.set(None);
            let (nav, report, otp) = (nav.clone(), report.clone(), otp.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match what {
                    Pending::Reset(u) => match ipc::reset_password(&nav.token, u.id).await {
                        Ok(made) => {
                            otp.set(Some(made));
                            report.emit(Ok(ta(
                                "users-reset-done",
                                &[("username", u.username.into())],
                            )));
                        }
                        Err(e) => report.emit(Err(e)),
                    },
                    Pending::Disable(u) => {
                        let patch = UserPatch {
                            disabled: Some(true),
                            ..Default::default()
                        };
                        let r = ipc::update_user(
                            &nav.token,
                            EditUser {
                                user_id: u.id,
                                patch,
                            },
                        )
                        .await;
                        report.emit(
                            r.map(|u| ta("users-disabled", &[("username", u.username.into())])),
                        );
                    }
                }
            });
        })
    };
    let cancel = {
        let pending = pending.clone();
        Callback::from(move |_: MouseEvent| pending.set(None))
    };
    let open_edit = {
        let (nav, editing, error) = (p.nav.clone(), editing.clone(), error.clone());
        Callback::from(move |u: UserDto| {
            let (nav, editing, error) = (nav.clone(), editing.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::account_changes(&nav.token, u.id).await {
                    Ok(history) => editing.set(Some((u, history))),
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message));
                    }
                }
            });
        })
    };

    let rows = users.as_ref().map(|list| {
        let trs = list.iter().map(|u| {
            let state = if u.disabled {
                t("users-state-disabled")
            } else if !u.approved {
                t("users-state-awaiting-approval")
            } else if u.must_change_password {
                t("users-state-new-password")
            } else {
                t("users-state-active")
            };
            let on = |cb: &Callback<UserDto>| {
                let (cb, u) = (cb.clone(), u.clone());
                Callback::from(move |_: MouseEvent| cb.emit(u.clone()))
            };
            let ask = |make: fn(UserDto) -> Pending| {
                let (pending, u) = (pending.clone(), u.clone());
                Callback::from(move |_: MouseEvent| pending.set(Some(make(u.clone()))))
            };
            let name = &u.username;
            html! {
                <tr id={format!("user-{name}")} class={classes!(u.disabled.then_some("muted"))}>
                    <td>{name}</td>
                    <td>{&u.display_name}</td>
                    <td>{role_label(u.role)}</td>
                    <td>{u.candidate_number.clone().unwrap_or_default()}</td>
                    <td>{state}</td>
                    <td class="actions">
                        if !u.approved {
                            <button type="button" class="primary" id={format!("approve-{name}")} onclick={on(&approve)}
                                aria-label={ta("users-approve-label", &[("username", name.clone().into())])}>{t("users-approve")}</button>
                        }
                        <button type="button" id={format!("edit-{name}")} onclick={on(&open_edit)}
                            aria-label={ta("users-edit-label", &[("username", name.clone().into())])}>{t("users-edit")}</button>
                        <button type="button" id={format!("reset-{name}")} onclick={ask(Pending::Reset)}
                            aria-label={ta("users-reset-label", &[("username", name.clone().into())])}>{t("users-reset")}</button>
                        if u.disabled {
                            <button type="button" id={format!("enable-{name}")} onclick={on(&enable)}
                                aria-label={ta("users-enable-label", &[("username", name.clone().into())])}>{t("users-enable")}</button>
                        } else {
                            <button type="button" id={format!("disable-{name}")} onclick={ask(Pending::Disable)}
                                aria-label={ta("users-disable-label", &[("username", name.clone().into())])}>{t("users-disable")}</button>
                        }
                        <button type="button" id={format!("unblock-{name}")} onclick={on(&unblock)}
                            aria-label={ta("users-unblock-label", &[("username", name.clone().into())])}>{t("users-unblock")}</button>
                    </td>
                </tr>
            }
        });
        html! {
            <table class="marks" id="users-table" aria-label={t("users-list")}>
                <thead><tr>
                    <th>{t("users-username")}</th><th>{t("users-display-name")}</th><th>{t("users-role")}</th>
                    <th>{t("users-candidate-number")}</th><th>{t("users-state")}</th><th>{t("users-actions")}</th>
                </tr></thead>
                <tbody>{ for trs }</tbody>
            </table>
        }
    });
    let confirm_bar = (*pending).as_ref().map(|what| {
        let text = match what {
            Pending::Reset(u) => ta("users-confirm-reset", &[("username", u.username.clone().into())]),
            Pending::Disable(u) => ta("users-confirm-disable", &[("username", u.username.clone().into())]),
        };
        html! {
            <div class="notice" role="alertdialog" aria-labelledby="users-confirm-text" id="users-confirm-bar">
                <p id="users-confirm-text">{text}</p>
                <button class="primary" type="button" id="users-confirm" onclick={confirm.clone()}>{t("users-confirm")}</button>
                <button type="button" id="users-cancel" onclick={cancel.clone()}>{t("users-cancel")}</button>
            </div>
        }
    });
    let otp_box = (*otp).as_ref().map(|o| {
        let close = {
            let otp = otp.clone();
            Callback::from(move |_: MouseEvent| otp.set(None))
        };
        html! {
            <div class="notice" role="status" id="users-otp">
                <p>{ta("users-otp-for", &[("username", o.username.clone().into()), ("name", o.display_name.clone().into())])}</p>
                <p class="otp"><code id="users-otp-password">{&o.password}</code></p>
                <p class="muted">{t("users-otp-once")}</p>
                <button type="button" id="users-otp-close" onclick={close}>{t("users-otp-close")}</button>
            </div>
        }
    });
    let edit_panel = (*editing).as_ref().map(|(u, history)| {
        html! { <EditAccount key={u.id} nav={p.nav.clone()} user={u.clone()} history={history.clone()}
            on_done={{
                let (editing, report) = (editing.clone(), report.clone());
                Callback::from(move |r: Option<Result<String, examhall_protocol::ErrorDto>>| {
                    if let Some(r) = r {
                        let ok = r.is_ok();
                        report.emit(r);
                        if !ok { return; }
                    }
                    editing.set(None);
                })
            }} /> }
    });
    html! {
        <>
        if let Some(e) = &*error { <p class="error card" role="alert" id="users-error">{e}</p> }
        if let Some(n) = &*notice { <p class="ok card" role="status" id="users-notice">{n}</p> }
        <section class="card">
            <h1>{t("users-new")}</h1>
            <p>{t("users-intro")}</p>
            <form {onsubmit}>
                <label for="user-role">{t("users-role")}</label>
                <select id="user-role" onchange={on_role}>{ role_options(Some(*role)) }</select>
                <label for="user-username">{t("users-username")}</label>
                <input id="user-username" autocomplete="off" value={(*username).clone()} oninput={bind(&username)} />
                <label for="user-display">{t("users-display-name")}</label>
                <input id="user-display" autocomplete="off" value={(*display).clone()} oninput={bind(&display)} />
                <label for="user-number">{t("users-candidate-number")}</label>
                <input id="user-number" autocomplete="off" value={(*number).clone()} oninput={bind(&number)} />
                <label for="user-email">{t("users-email")}</label>
                <input id="user-email" type="email" autocomplete="off" value={(*email).clone()} oninput={bind(&email)} />
                <label for="user-password">{t("users-initial-password")}</label>
                <input id="user-password" type="password" autocomplete="new-password" value={(*password).clone()} oninput={bind(&password)} />
                <button class="primary" type="submit" id="user-create">{t("users-create")}</button>
            </form>
        </section>
        <RosterImport nav={p.nav.clone()} on_imported={reload.clone()} />
        <section class="card">
            <h1>{t("users-list")}</h1>
            { otp_box.unwrap_or_default() }
            { confirm_bar.unwrap_or_default() }
            <div class="filters" role="search">
                <label for="users-search">{t("users-search")}</label>
                <input id="users-search" type="search" value={query.search.clone().unwrap_or_default()} oninput={on_search} />
                <label for="users-filter-role">{t("users-filter-role")}</label>
                <select id="users-filter-role" onchange={on_filter_role}>
                    <option value="" selected={query.role.is_none()}>{t("users-all-roles")}</option>
                    { role_options(query.role) }
                </select>
                <label class="inline"><input id="users-show-disabled" type="checkbox" checked={query.include_disabled} onchange={on_show_disabled} />{t("users-show-disabled")}</label>
            </div>
            { rows.unwrap_or_else(|| html! { <p>{t("users-loading")}</p> }) }
        </section>
        { edit_panel.unwrap_or_default() }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct EditProps {
    nav: Nav,
    user: UserDto,
    history: Vec<AccountChangeDto>,
    /// None: cancelled; Some: the outcome of saving (closed on success).
    on_done: Callback<Option<Result<String, examhall_protocol::ErrorDto>>>,
}

/// One account's editable fields and its recorded changes.
#[function_component(EditAccount)]
fn edit_account(p: &EditProps) -> Html {
    let display = use_state(|| p.user.display_name.clone());
    let number = use_state(|| p.user.candidate_number.clone().unwrap_or_default());
    let email = use_state(|| p.user.email.clone().unwrap_or_default());
    let role = use_state(|| p.user.role);
    let multiplier = use_state(|| format!("{}", p.user.time_multiplier));
    let preset = use_state(|| p.user.display_preset.unwrap_or_default());
    let on_text_step = {
        let preset = preset.clone();
        Callback::from(move |e: Event| {
            let step = e
                .target_unchecked_into::<HtmlSelectElement>()
                .value()
                .parse()
                .unwrap_or(0);
            preset.set(DisplayPreset {
                text_step: step,
                ..*preset
            });
        })
    };
    let toggle = |which: fn(&mut DisplayPreset) -> &mut bool| {
        let preset = preset.clone();
        Callback::from(move |e: Event| {
            let mut p = *preset;
            *which(&mut p) = e.target_unchecked_into::<HtmlInputElement>().checked();
            preset.set(p);
        })
    };
    let on_role = {
        let role = role.clone();
        Callback::from(move |e: Event| {
            if let Some(r) = role_named(&e.target_unchecked_into::<HtmlSelectElement>().value()) {
                role.set(r);
            }
        })
    };
    let onsubmit = {
        let (display, number, email, role, nav, on_done, id) = (
            display.clone(),
            number.clone(),
            email.clone(),
            role.clone(),
            p.nav.clone(),
            p.on_done.clone(),
            p.user.id,
        );
        let (multiplier, preset) = (multiplier.clone(), preset.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // The accommodation profile is a candidate's; a decimal comma is read too.
            let candidate = *role == Role::Candidate;
            let m = match crate::authoring::parse_decimal(&multiplier) {
                Some(m) => m,
                None if !candidate => 1.0,
                None => {
                    on_done.emit(Some(Err(examhall_protocol::ErrorDto {
                        code: examhall_protocol::ErrorCode::Invalid,
                        message: t("cands-multiplier-invalid"),
                        field: Some("time_multiplier".into()),
                    })));
                    return;
                }
            };
            let patch = UserPatch {
                display_name: Some((*display).clone()),
                role: Some(*role),
                email: Some((*email).clone()),
                candidate_number: Some((*number).clone()),
                disabled: None,
                time_multiplier: candidate.then_some(m),
                display_preset: candidate.then_some(*preset),
            };
            let (nav, on_done) = (nav.clone(), on_done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let r = ipc::update_user(&nav.token, EditUser { user_id: id, patch }).await;
                on_done.emit(Some(
                    r.map(|u| ta("users-saved", &[("username", u.username.into())])),
                ));
            });
        })
    };
    let cancel = {
        let on_done = p.on_done.clone();
        Callback::from(move |_: MouseEvent| on_done.emit(None))
    };
    let history = p.history.iter().map(|c| {
        let when = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(c.at_ms as f64))
            .to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED);
        let who = c.by.clone().unwrap_or_else(|| t("users-history-self"));
        html! {
            <li>{format!("{} · {} · {}", String::from(when), c.action, who)}
                if !c.detail.is_empty() { <span class="muted">{format!(" · {}", c.detail)}</span> }
            </li>
        }
    });
    html! {
        <section class="card" id="edit-user" aria-labelledby="edit-user-title">
            <h1 id="edit-user-title">{ta("users-edit-title", &[("username", p.user.username.clone().into())])}</h1>
            <form {onsubmit}>
                <label for="edit-display">{t("users-display-name")}</label>
                <input id="edit-display" value={(*display).clone()} oninput={bind(&display)} />
                <label for="edit-role">{t("users-role")}</label>
                <select id="edit-role" onchange={on_role}>{ role_options(Some(*role)) }</select>
                <label for="edit-number">{t("users-candidate-number")}</label>
                <input id="edit-number" value={(*number).clone()} oninput={bind(&number)} />
                <label for="edit-email">{t("users-email")}</label>
                <input id="edit-email" type="email" value={(*email).clone()} oninput={bind(&email)} />
                if *role == Role::Candidate {
                    <fieldset id="edit-accommodations">
                        <legend>{t("users-accommodations")}</legend>
                        <p class="muted">{t("users-accommodations-info")}</p>
                        <label for="edit-multiplier">{t("cands-extra-time")}</label>
                        <input id="edit-multiplier" type="text" inputmode="decimal" size="5"
                            value={(*multiplier).clone()} oninput={bind(&multiplier)} />
                        <label for="edit-text-step">{t("cands-text-size")}</label>
                        <select id="edit-text-step" onchange={on_text_step}>
                            { for (0..=DisplayPreset::MAX_TEXT_STEP).map(|s| html! {
                                <option value={s.to_string()} selected={s == preset.text_step}>{format!("{} %", 100 + 25 * u32::from(s))}</option>
                            }) }
                        </select>
                        <label class="inline"><input id="edit-contrast" type="checkbox" checked={preset.high_contrast}
                            onchange={toggle(|p| &mut p.high_contrast)} />{t("cands-display-contrast")}</label>
                        <label class="inline"><input id="edit-guide" type="checkbox" checked={preset.reading_guide}
                            onchange={toggle(|p| &mut p.reading_guide)} />{t("cands-display-guide")}</label>
                    </fieldset>
                }
                <button class="primary" type="submit" id="edit-save">{t("users-save")}</button>
                <button type="button" id="edit-cancel" onclick={cancel}>{t("users-cancel")}</button>
            </form>
            <h2>{t("users-history")}</h2>
            <ul id="edit-history">{ for history }</ul>
        </section>
    }
}

#[derive(Clone, PartialEq)]
enum RosterState {
    Idle,
    Busy,
    Checked(UserImportReport),
    Done(UserImportReport),
}

#[derive(Properties, PartialEq)]
struct ImportProps {
    nav: Nav,
    on_imported: Callback<()>,
}

/// Importing a roster CSV: choose the file, check it (a dry run that names
/// each bad row by line and column), then import all or the valid rows, and
/// print the new accounts' login slips.
#[function_component(RosterImport)]
fn roster_import(p: &ImportProps) -> Html {
    let file = use_state(|| None::<(String, String)>);
    let valid_only = use_state(|| false);
    let state = use_state(|| RosterState::Idle);
    let error = use_state(|| None::<String>);
    let slips = use_state(|| None::<String>);
    // The shell reports how far hashing the one-time passwords has got.
    let progress = use_state(|| None::<ImportProgressDto>);
    {
        let progress = progress.clone();
        use_effect_with((), move |_| {
            let listener =
                ipc::listen_payload(IMPORT_PROGRESS_EVENT, move |p: ImportProgressDto| {
                    progress.set(Some(p))
                });
            move || drop(listener)
        });
    }
    let on_file = {
        let (file, state, error) = (file.clone(), state.clone(), error.clone());
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let Some(f) = input.files().and_then(|l| l.get(0)) else {
                return;
            };
            let (file, state, error) = (file.clone(), state.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let name = f.name();
                match wasm_bindgen_futures::JsFuture::from(f.text()).await {
                    Ok(text) => {
                        file.set(Some((name, text.as_string().unwrap_or_default())));
                        state.set(RosterState::Idle);
                        error.set(None);
                    }
                    Err(e) => error.set(Some(format!("{name}: {e:?}"))),
                }
            });
        })
    };
    let run = |dry_run: bool| {
        let progress = progress.clone();
        let (file, valid_only, state, error, nav, done, slips) = (
            file.clone(),
            valid_only.clone(),
            state.clone(),
            error.clone(),
            p.nav.clone(),
            p.on_imported.clone(),
            slips.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some((_, csv)) = (*file).clone() else {
                error.set(Some(t("roster-no-file")));
                return;
            };
            let req = ImportUsers {
                csv,
                dry_run,
                mode: if *valid_only {
                    ImportMode::ValidOnly
                } else {
                    ImportMode::AllOrNothing
                },
            };
            state.set(RosterState::Busy);
            progress.set(None);
            slips.set(None);
            let (state, error, nav, done) =
                (state.clone(), error.clone(), nav.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::import_users(&nav.token, req).await {
                    Ok(r) if r.applied => {
                        error.set(None);
                        state.set(RosterState::Done(r));
                        done.emit(());
                    }
                    Ok(r) => {
                        error.set(None);
                        state.set(RosterState::Checked(r));
                    }
                    Err(e) => {
                        nav.check(&e);
                        state.set(RosterState::Idle);
                        error.set(Some(e.message));
                    }
                }
            });
        })
    };
    let print = {
        let (state, nav, slips, error) =
            (state.clone(), p.nav.clone(), slips.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let RosterState::Done(r) = &*state else {
                return;
            };
            let (passwords, nav, slips, error) = (
                r.passwords.clone(),
                nav.clone(),
                slips.clone(),
                error.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::print_login_slips(&nav.token, passwords).await {
                    Ok(saved) => slips.set(Some(saved.path)),
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message));
                    }
                }
            });
        })
    };
    let file_name = (*file).as_ref().map(|(n, _)| n.clone()).unwrap_or_default();
    let report = match &*state {
        RosterState::Checked(r) | RosterState::Done(r) => {
            let applied = r.applied;
            let summary = ta(
                if applied {
                    "roster-done"
                } else if r.dry_run {
                    "roster-checked"
                } else {
                    "roster-refused"
                },
                &[
                    ("created", (r.created.len() as i64).into()),
                    ("updated", (r.updated.len() as i64).into()),
                    ("unchanged", (r.unchanged as i64).into()),
                    ("bad", (r.errors.len() as i64).into()),
                ],
            );
            let errors = r.errors.iter().map(|e| {
                let at = match &e.column {
                    Some(c) => ta(
                        "roster-at-column",
                        &[
                            ("file", file_name.clone().into()),
                            ("line", (e.line as i64).into()),
                            ("column", c.clone().into()),
                        ],
                    ),
                    None => ta(
                        "roster-at-line",
                        &[
                            ("file", file_name.clone().into()),
                            ("line", (e.line as i64).into()),
                        ],
                    ),
                };
                html! { <li><strong>{at}</strong>{" "}{&e.message}</li> }
            });
            let updates = r.updated.iter().map(|u| {
                html! { <li>{format!("{}: {}", u.username, u.changes.join("; "))}</li> }
            });
            html! {
                <div id="roster-report">
                    <p id="roster-summary" role="status" class={if r.errors.is_empty() { "ok" } else { "notice" }}>{summary}</p>
                    if !r.errors.is_empty() { <ul id="roster-errors" class="error">{ for errors }</ul> }
                    if !r.updated.is_empty() { <ul id="roster-updates">{ for updates }</ul> }
                    if applied && !r.passwords.is_empty() {
                        <button class="primary" type="button" id="roster-slips" onclick={print.clone()}>
                            {ta("roster-print-slips", &[("count", (r.passwords.len() as i64).into())])}
                        </button>
                    }
                </div>
            }
        }
        RosterState::Busy => match *progress {
            Some(ImportProgressDto { done, total }) if total > 0 => html! {
                <div id="roster-busy" role="status">
                    <progress id="roster-progress" max={total.to_string()} value={done.to_string()} />
                    <p class="muted" id="roster-progress-text">{ta("roster-progress", &[("done", done.into()), ("total", total.into())])}</p>
                </div>
            },
            _ => html! { <p class="muted" id="roster-busy" role="status">{t("roster-busy")}</p> },
        },
        RosterState::Idle => Html::default(),
    };
    let toggle = {
        let valid_only = valid_only.clone();
        Callback::from(move |e: Event| {
            valid_only.set(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let busy = *state == RosterState::Busy;
    html! {
        <section class="card" aria-labelledby="roster-title">
            <h1 id="roster-title">{t("roster-title")}</h1>
            <p>{t("roster-intro")}</p>
            <label for="roster-file">{t("roster-file")}</label>
            <input id="roster-file" type="file" accept=".csv,text/csv" onchange={on_file} />
            <label class="inline"><input id="roster-valid-only" type="checkbox" checked={*valid_only} onchange={toggle} />{t("roster-valid-only")}</label>
            <div class="actions">
                <button type="button" id="roster-check" disabled={busy} onclick={run(true)}>{t("roster-check")}</button>
                <button class="primary" type="button" id="roster-import" disabled={busy} onclick={run(false)}>{t("roster-import")}</button>
            </div>
            if let Some(e) = &*error { <p class="error" role="alert" id="roster-error">{e}</p> }
            { report }
            if let Some(path) = &*slips {
                <p class="ok" role="status" id="roster-slips-path">{ta("roster-slips-saved", &[("path", path.clone().into())])}</p>
                <crate::pages::reports::SaveCopy nav={p.nav.clone()} path={path.clone()} id="save-copy-slips" />
            }
        </section>
    }
}
