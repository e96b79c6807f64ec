//! The room's seats, on the hub desktop's console: issue single-use enrolment
//! tokens for N seats (shown once, printed as a sheet of strips), and the list
//! of enrolled seats (name, last seen, app version) with revoke. Refreshed every
//! five seconds, so a seat that just enrolled or called shows up.

use crate::i18n::{date_time, t, ta};
use crate::ipc;
use crate::pages::bind;
use crate::Nav;
use examhall_protocol::sync::{DeviceDto, SeatTokens};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
}

/// The number of seats typed in, when it is one the hub accepts.
pub fn seat_count(typed: &str) -> Option<u32> {
    typed
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=100).contains(n))
}

/// How long ago a device last called, in whole minutes (none if it never did).
pub fn minutes_since(last_seen_ms: Option<i64>, now_ms: i64) -> Option<i64> {
    last_seen_ms.map(|at| ((now_ms - at).max(0)) / 60_000)
}

#[function_component(SeatsPanel)]
pub fn seats_panel(p: &Props) -> Html {
    let devices = use_state(Vec::<DeviceDto>::new);
    let issued = use_state(|| None::<SeatTokens>);
    let count = use_state(|| "1".to_owned());
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    // The token sheet just saved, for "Save a copy as…".
    let printed = use_state(|| None::<String>);
    let confirm = use_state(|| None::<String>);

    let reload = {
        let (nav, devices, error) = (p.nav.clone(), devices.clone(), error.clone());
        Callback::from(move |_: ()| {
            let (nav, devices, error) = (nav.clone(), devices.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::devices(&nav.token).await {
                    Ok(list) => {
                        if *devices != list {
                            devices.set(list)
                        }
                    }
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message))
                    }
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |_| {
            reload.emit(());
            let r = reload.clone();
            let timer = gloo_timers::callback::Interval::new(5_000, move || r.emit(()));
            move || drop(timer)
        });
    }

    let issue = {
        let (nav, issued, count, error, notice) = (
            p.nav.clone(),
            issued.clone(),
            count.clone(),
            error.clone(),
            notice.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(n) = seat_count(&count) else {
                error.set(Some(t("seats-count-invalid")));
                return;
            };
            let (nav, issued, error, notice) =
                (nav.clone(), issued.clone(), error.clone(), notice.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::issue_seat_tokens(&nav.token, n).await {
                    Ok(s) => {
                        error.set(None);
                        notice.set(Some(ta(
                            "seats-issued",
                            &[
                                ("count", s.tokens.len().into()),
                                ("expires", date_time(s.expires_at_ms).into()),
                            ],
                        )));
                        issued.set(Some(s));
                    }
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message))
                    }
                }
            });
        })
    };
    let print = {
        let (nav, issued, error, notice, printed) = (
            p.nav.clone(),
            issued.clone(),
            error.clone(),
            notice.clone(),
            printed.clone(),
        );
        Callback::from(move |_| {
            let Some(s) = (*issued).clone() else { return };
            let (nav, error, notice, printed) =
                (nav.clone(), error.clone(), notice.clone(), printed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::print_seat_tokens(&nav.token, s).await {
                    Ok(r) => {
                        error.set(None);
                        notice.set(Some(ta(
                            "seats-printed",
                            &[("path", r.path.clone().into())],
                        )));
                        printed.set(Some(r.path));
                    }
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message))
                    }
                }
            });
        })
    };
    let revoke = {
        let (nav, confirm, error, notice, reload) = (
            p.nav.clone(),
            confirm.clone(),
            error.clone(),
            notice.clone(),
            reload.clone(),
        );
        Callback::from(move |id: String| {
            if confirm.as_deref() != Some(id.as_str()) {
                confirm.set(Some(id));
                return;
            }
            confirm.set(None);
            let (nav, error, notice, reload) =
                (nav.clone(), error.clone(), notice.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::revoke_device(&nav.token, id).await {
                    Ok(d) => {
                        error.set(None);
                        notice.set(Some(ta("seats-revoked", &[("name", d.name.into())])));
                        reload.emit(());
                    }
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message))
                    }
                }
            });
        })
    };

    let now = js_sys::Date::now() as i64;
    let rows = devices.iter().map(|d| {
        let id = d.device_id.clone();
        let on_revoke = {
            let (revoke, id) = (revoke.clone(), id.clone());
            Callback::from(move |_| revoke.emit(id.clone()))
        };
        let seen = match (d.last_seen_at_ms, minutes_since(d.last_seen_at_ms, now)) {
            (Some(at), Some(m)) if m < 2 => ta("seats-seen-now", &[("time", date_time(at).into())]),
            (Some(at), Some(m)) => ta(
                "seats-seen-ago",
                &[("time", date_time(at).into()), ("minutes", m.into())],
            ),
            _ => t("seats-never-seen"),
        };
        let asking = confirm.as_deref() == Some(id.as_str());
        html! {
            <tr id={format!("seat-row-{id}")} data-name={d.name.clone()} class={classes!(d.revoked_at_ms.is_some().then_some("muted"))}>
                <td><strong>{&d.name}</strong><br/><span class="muted">{ if d.is_hub { t("seats-kind-hub") } else { t("seats-kind-seat") } }{" · "}{&d.centre}</span></td>
                <td>{date_time(d.enrolled_at_ms)}</td>
                <td class="seen">{seen}</td>
                <td class="version">{d.app_version.clone().unwrap_or_else(|| "—".into())}</td>
                <td>
                    if let Some(at) = d.revoked_at_ms {
                        <span class="pill bad">{ta("seats-revoked-at", &[("time", date_time(at).into())])}</span>
                    } else {
                        <button id={format!("revoke-{id}")} class={classes!(asking.then_some("danger"))} onclick={on_revoke}>
                            { if asking { t("seats-revoke-confirm") } else { t("seats-revoke") } }
                        </button>
                    }
                </td>
            </tr>
        }
    });
    let active = devices.iter().filter(|d| d.revoked_at_ms.is_none()).count();
    html! {
        <section id="seats-panel" class="card">
            <h2>{t("seats-title")}</h2>
            <p class="muted">{t("seats-help")}</p>
            if let Some(e) = &*error { <p class="error" role="alert">{e}</p> }
            if let Some(n) = &*notice { <p class="notice" role="status">{n}</p> }
            if let Some(path) = &*printed { <crate::pages::reports::SaveCopy nav={p.nav.clone()} path={path.clone()} id="save-copy-seats" /> }
            <form id="seat-token-form" class="controls" onsubmit={issue}>
                <label for="seat-count">{t("seats-count")}</label>
                <input id="seat-count" inputmode="numeric" size="4" value={(*count).clone()} oninput={bind(&count)} />
                <button type="submit" id="issue-seat-tokens" class="primary">{t("seats-issue")}</button>
            </form>
            if let Some(s) = &*issued {
                <p class="muted">{t("seats-tokens-once")}</p>
                <ol id="seat-tokens" class="tokens">
                    { for s.tokens.iter().enumerate().map(|(i, tok)| html! {
                        <li><code id={format!("seat-token-{}", i + 1)} class="token selectable">{tok}</code></li>
                    }) }
                </ol>
                <button id="print-seat-tokens" onclick={print}>{t("seats-print")}</button>
            }
            <h3>{ta("seats-enrolled", &[("count", active.into())])}</h3>
            if devices.is_empty() {
                <p class="muted" id="seats-none">{t("seats-none")}</p>
            } else {
                <table id="enrolled-seats" class="seats">
                    <thead><tr><th>{t("seats-col-name")}</th><th>{t("seats-col-enrolled")}</th><th>{t("seats-col-seen")}</th><th>{t("seats-col-version")}</th><th></th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seat_count_is_one_to_a_hundred() {
        assert_eq!(seat_count(" 40 "), Some(40));
        assert_eq!(seat_count("1"), Some(1));
        assert_eq!(seat_count("100"), Some(100));
        assert_eq!(seat_count("0"), None);
        assert_eq!(seat_count("101"), None);
        assert_eq!(seat_count("-3"), None);
        assert_eq!(seat_count("forty"), None);
    }

    #[test]
    fn minutes_since_last_seen() {
        assert_eq!(minutes_since(None, 1_000_000), None);
        assert_eq!(minutes_since(Some(1_000_000), 1_000_000 + 59_999), Some(0));
        assert_eq!(minutes_since(Some(1_000_000), 1_000_000 + 180_000), Some(3));
        assert_eq!(
            minutes_since(Some(2_000_000), 1_000_000),
            Some(0),
            "a clock behind the hub's is not negative"
        );
    }
}
