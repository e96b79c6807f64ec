//! The sync panel (administrators and invigilators): is HQ reachable, what waits
//! to be sent, the last success and the last error, the packages received and,
//! for an administrator, enrolment and the USB export.

use crate::i18n::{t, ta};
use crate::ipc;
use crate::pages::bind;
use crate::Nav;
use examhall_protocol::sync::{EnrolDesktop, OpenPackage, SyncStatusDto};
use examhall_protocol::ErrorCode;
use std::collections::HashMap;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
    /// Offer enrolment (the administrator's view; invigilators only watch the link).
    #[prop_or(false)]
    pub can_enrol: bool,
}

use crate::i18n::time_of_day as clock;

#[function_component(SyncPanel)]
pub fn sync_panel(p: &Props) -> Html {
    let status = use_state(|| None::<SyncStatusDto>);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let hidden = use_state(|| false);
    let server_url = use_state(String::new);
    let enrol_token = use_state(String::new);
    let device_name = use_state(String::new);
    let folder = use_state(String::new);
    let codes = use_state(HashMap::<String, String>::new);

    let reload = {
        let (status, error, hidden, nav, folder) = (
            status.clone(),
            error.clone(),
            hidden.clone(),
            p.nav.clone(),
            folder.clone(),
        );
        Callback::from(move |_: ()| {
            let (status, error, hidden, nav, folder) = (
                status.clone(),
                error.clone(),
                hidden.clone(),
                nav.clone(),
                folder.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::sync_status(&nav.token).await {
                    Ok(s) => {
                        // The machine's configured outbox, until someone types another.
                        if folder.is_empty() {
                            if let Some(o) = &s.outbox {
                                folder.set(o.clone());
                            }
                        }
                        status.set(Some(s));
                        error.set(None);
                    }
                    // Teachers do not run the link: no panel for them.
                    Err(e) if e.code == ErrorCode::Forbidden => hidden.set(true),
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message));
                    }
                }
            });
        })
    };
    {
        // Refresh now and every 5 s while the panel is on screen.
        let reload = reload.clone();
        use_effect_with((), move |_| {
            reload.emit(());
            let timer = gloo_timers::callback::Interval::new(5_000, move || reload.emit(()));
            move || drop(timer)
        });
    }
    if *hidden {
        return html! {};
    }

    let enrol = {
        let (nav, error, notice, reload) =
            (p.nav.clone(), error.clone(), notice.clone(), reload.clone());
        let (server_url, enrol_token, device_name) =
            (server_url.clone(), enrol_token.clone(), device_name.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let req = EnrolDesktop {
                server_url: (*server_url).clone(),
                token: (*enrol_token).clone(),
                device_name: (*device_name).clone(),
            };
            let (nav, error, notice, reload) =
                (nav.clone(), error.clone(), notice.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::enrol_with_hq(&nav.token, req).await {
                    Ok(_) => {
                        notice.set(Some(t("sync-enrolled")));
                        reload.emit(());
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        })
    };
    let export = {
        let (nav, error, notice, folder) =
            (p.nav.clone(), error.clone(), notice.clone(), folder.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (nav, error, notice, dir) = (
                nav.clone(),
                error.clone(),
                notice.clone(),
                (*folder).clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::export_results_to_folder(&nav.token, dir).await {
                    Ok(x) => {
                        let args = [
                            ("attempts", x.attempts.into()),
                            ("file", x.results_file.into()),
                            ("manifest", x.manifest_file.into()),
                        ];
                        notice.set(Some(ta("sync-exported", &args)))
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        })
    };
    let open = {
        let (nav, error, notice, codes, reload) = (
            p.nav.clone(),
            error.clone(),
            notice.clone(),
            codes.clone(),
            reload.clone(),
        );
        Callback::from(move |package_id: String| {
            let req = OpenPackage {
                start_code: codes.get(&package_id).cloned().unwrap_or_default(),
                package_id,
            };
            let (nav, error, notice, reload) =
                (nav.clone(), error.clone(), notice.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::open_package(&nav.token, req).await {
                    Ok(s) => {
                        let args = [("exam", s.exam_title.into()), ("code", s.start_code.into())];
                        notice.set(Some(ta("sync-package-opened", &args)));
                        reload.emit(());
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        })
    };

    let body = match &*status {
        None => html! { <p class="muted">{t("sync-loading")}</p> },
        Some(s) if !s.enrolled => html! {
            <>
            <p id="sync-state" class="muted">{t("sync-not-enrolled")}</p>
            if p.can_enrol {
                <form onsubmit={enrol}>
                    <label for="sync-server">{t("sync-server")}</label>
                    <input id="sync-server" placeholder={t("sync-server-example")} value={(*server_url).clone()} oninput={bind(&server_url)} />
                    <label for="sync-token">{t("sync-token")}</label>
                    <input id="sync-token" autocomplete="off" value={(*enrol_token).clone()} oninput={bind(&enrol_token)} />
                    <label for="sync-device-name">{t("sync-device-name")}</label>
                    <input id="sync-device-name" placeholder={t("sync-device-name-example")} value={(*device_name).clone()} oninput={bind(&device_name)} />
                    <button id="sync-enrol" type="submit">{t("sync-enrol")}</button>
                </form>
            }
            </>
        },
        Some(s) => {
            let link = if s.online {
                t("sync-online")
            } else {
                t("sync-offline")
            };
            let packages = s.packages.iter().map(|pkg| {
                let id = pkg.package_id.clone();
                let on_code = {
                    let (codes, id) = (codes.clone(), id.clone());
                    Callback::from(move |e: InputEvent| {
                        let mut m = (*codes).clone();
                        m.insert(id.clone(), e.target_unchecked_into::<HtmlInputElement>().value());
                        codes.set(m);
                    })
                };
                let open = open.clone();
                let id2 = id.clone();
                html! {
                    <tr>
                        <td>{&pkg.exam_title}</td>
                        <td class="num">{pkg.candidates}</td>
                        <td>{clock(pkg.received_at_ms)}</td>
                        <td>
                            if pkg.exam_id.is_some() {
                                {t("sync-package-open")}
                            } else {
                                <label class="inline">{t("sync-start-code")}
                                    <input id={format!("pkg-code-{id}")} size="8" autocomplete="off" oninput={on_code} /></label>
                                <button id={format!("pkg-open-{id}")} onclick={Callback::from(move |_| open.emit(id2.clone()))}>{t("sync-open")}</button>
                            }
                        </td>
                    </tr>
                }
            });
            html! {
                <>
                <p id="sync-state">
                    <strong class={classes!("badge", if s.online { "ok" } else { "warn" })}>{link}</strong>
                    {ta("sync-details", &[
                        ("centre", s.centre.as_deref().unwrap_or("?").into()),
                        ("server", s.server_url.as_deref().unwrap_or("?").into()),
                        ("device", s.device_id.as_deref().unwrap_or("?").into())])}
                </p>
                if s.enrolled {
                    <p id="sync-transport">{match &s.server_fingerprint {
                        Some(fp) => ta("sync-transport-pinned", &[("fingerprint", fp.clone().into())]),
                        None => t("sync-transport-plain"),
                    }}</p>
                }
                <table class="marks" aria-label={t("sync-results-label")}>
                    <thead><tr><th>{t("sync-col-pending")}</th><th>{t("sync-col-synced")}</th><th>{t("sync-col-conflicts")}</th><th>{t("sync-col-last-success")}</th></tr></thead>
                    <tbody><tr>
                        <td class="num" id="sync-pending">{s.pending}</td>
                        <td class="num" id="sync-synced">{s.synced}</td>
                        <td class="num" id="sync-conflicts">{s.conflicts}</td>
                        <td>{s.last_success_ms.map(clock).unwrap_or_else(|| t("sync-never"))}</td>
                    </tr></tbody>
                </table>
                if let Some(err) = &s.last_error {
                    <p class="warn" id="sync-last-error">{ta("sync-last-error", &[
                        ("time", s.last_error_ms.map(clock).unwrap_or_default().into()),
                        ("error", err.clone().into())])}</p>
                }
                if s.relay.pending + s.relay.forwarded + s.relay.refused > 0 {
                    <p id="sync-relay">{ta("sync-relay", &[
                        ("pending", s.relay.pending.into()),
                        ("forwarded", s.relay.forwarded.into()),
                        ("refused", s.relay.refused.into())])}</p>
                }
                <h2>{t("sync-packages")}</h2>
                if s.packages.is_empty() {
                    <p class="muted">{t("sync-packages-none")}</p>
                } else {
                    <table class="marks">
                        <thead><tr><th>{t("sync-col-exam")}</th><th>{t("sync-col-candidates")}</th><th>{t("sync-col-received")}</th><th /></tr></thead>
                        <tbody>{ for packages }</tbody>
                    </table>
                }
                <form onsubmit={export}>
                    <label for="sync-folder">{t("sync-folder")}</label>
                    <input id="sync-folder" placeholder={t("sync-folder-example")} value={(*folder).clone()} oninput={bind(&folder)} />
                    <button id="sync-export" type="submit">{t("sync-export")}</button>
                </form>
                </>
            }
        }
    };
    html! {
        <section class="card" id="sync-panel">
            <h1>{t("sync-title")}</h1>
            if let Some(e) = &*error { <p class="error" role="alert">{e}</p> }
            if let Some(n) = &*notice { <p class="notice" role="status">{n}</p> }
            { body }
        </section>
    }
}
