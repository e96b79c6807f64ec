//! The sync panel (administrators and invigilators): is HQ reachable, what waits
//! to be sent, the last success and the last error, the packages received and,
//! for an administrator, enrolment and the USB export.

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

/// A time of day for a Unix time in milliseconds, in the machine's locale.
fn clock(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    String::from(d.to_locale_time_string("default"))
}

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
                        notice.set(Some("Enrolled. Packages arrive with the next sync.".into()));
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
                    Ok(x) => notice.set(Some(format!(
                        "Wrote {} attempts to {} (and the manifest {}).",
                        x.attempts, x.results_file, x.manifest_file
                    ))),
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
                        notice.set(Some(format!(
                            "{} is open: candidates start with code {}.",
                            s.exam_title, s.start_code
                        )));
                        reload.emit(());
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        })
    };

    let body = match &*status {
        None => html! { <p class="muted">{"Loading…"}</p> },
        Some(s) if !s.enrolled => html! {
            <>
            <p id="sync-state" class="muted">{"Not enrolled with HQ: this machine works on its own. An administrator can enrol it with a token from HQ."}</p>
            if p.can_enrol {
                <form onsubmit={enrol}>
                    <label for="sync-server">{"HQ or centre hub address"}</label>
                    <input id="sync-server" placeholder="http://hq.example:8000" value={(*server_url).clone()} oninput={bind(&server_url)} />
                    <label for="sync-token">{"Enrolment token"}</label>
                    <input id="sync-token" autocomplete="off" value={(*enrol_token).clone()} oninput={bind(&enrol_token)} />
                    <label for="sync-device-name">{"This machine's name"}</label>
                    <input id="sync-device-name" placeholder="Lab 1, seat 12" value={(*device_name).clone()} oninput={bind(&device_name)} />
                    <button id="sync-enrol" type="submit">{"Enrol"}</button>
                </form>
            }
            </>
        },
        Some(s) => {
            let link = if s.online { "online" } else { "offline" };
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
                                {"open"}
                            } else {
                                <label class="inline">{"Start code "}
                                    <input id={format!("pkg-code-{id}")} size="8" autocomplete="off" oninput={on_code} /></label>
                                <button id={format!("pkg-open-{id}")} onclick={Callback::from(move |_| open.emit(id2.clone()))}>{"Open"}</button>
                            }
                        </td>
                    </tr>
                }
            });
            html! {
                <>
                <p id="sync-state">
                    <strong class={classes!("badge", if s.online { "ok" } else { "warn" })}>{link}</strong>
                    {format!(" · centre {} · {} · device {}",
                        s.centre.as_deref().unwrap_or("?"),
                        s.server_url.as_deref().unwrap_or("?"),
                        s.device_id.as_deref().unwrap_or("?"))}
                </p>
                <table class="marks" aria-label="Results waiting for HQ">
                    <thead><tr><th>{"Waiting to send"}</th><th>{"Confirmed by HQ"}</th><th>{"Refused by HQ"}</th><th>{"Last success"}</th></tr></thead>
                    <tbody><tr>
                        <td class="num" id="sync-pending">{s.pending}</td>
                        <td class="num" id="sync-synced">{s.synced}</td>
                        <td class="num" id="sync-conflicts">{s.conflicts}</td>
                        <td>{s.last_success_ms.map(clock).unwrap_or_else(|| "never".into())}</td>
                    </tr></tbody>
                </table>
                if let Some(err) = &s.last_error {
                    <p class="warn" id="sync-last-error">{format!("Last error ({}): {err}",
                        s.last_error_ms.map(clock).unwrap_or_default())}</p>
                }
                if s.relay.pending + s.relay.forwarded + s.relay.refused > 0 {
                    <p id="sync-relay">{format!("Relay: {} result batches held for HQ, {} forwarded, {} with attempts HQ refused.",
                        s.relay.pending, s.relay.forwarded, s.relay.refused)}</p>
                }
                <h2>{"Exam packages"}</h2>
                if s.packages.is_empty() {
                    <p class="muted">{"None received yet."}</p>
                } else {
                    <table class="marks">
                        <thead><tr><th>{"Exam"}</th><th>{"Candidates"}</th><th>{"Received"}</th><th /></tr></thead>
                        <tbody>{ for packages }</tbody>
                    </table>
                }
                <form onsubmit={export}>
                    <label for="sync-folder">{"Export results to a folder (a USB stick)"}</label>
                    <input id="sync-folder" placeholder="/media/usb" value={(*folder).clone()} oninput={bind(&folder)} />
                    <button id="sync-export" type="submit">{"Export results and manifest"}</button>
                </form>
                </>
            }
        }
    };
    html! {
        <section class="card" id="sync-panel">
            <h1>{"Sync with HQ"}</h1>
            if let Some(e) = &*error { <p class="error" role="alert">{e}</p> }
            if let Some(n) = &*notice { <p class="notice" role="status">{n}</p> }
            { body }
        </section>
    }
}
