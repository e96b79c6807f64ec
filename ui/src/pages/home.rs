//! The staff home: the centre's day at a glance (today's sittings, rooms planned
//! or open, seats online, attempts running and awaiting marking, results not yet
//! at HQ, the last sync), each with the way to the screen that acts on it.
//! Refreshed every five seconds.

use crate::i18n::{date_time, t, ta, time_of_day};
use crate::ipc;
use crate::state::Screen;
use crate::Nav;
use examhall_protocol::{HomeSittingDto, StaffHomeDto};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
}

/// A sitting's state in words: open now, opening later, or past its late starts.
pub fn sitting_state(s: &HomeSittingDto, now_ms: i64) -> String {
    if s.open_now {
        return match s.closes_at_ms {
            Some(c) => ta(
                "home-sitting-open-until",
                &[("time", time_of_day(c).into())],
            ),
            None => t("home-sitting-open"),
        };
    }
    match s.opens_at_ms {
        Some(o) if o > now_ms => ta("home-sitting-opens", &[("time", time_of_day(o).into())]),
        _ => t("home-sitting-no-more-starts"),
    }
}

/// The sync line: not enrolled, never synced, or the last success (and the
/// last error if it came after).
pub fn sync_line(h: &StaffHomeDto) -> (String, &'static str) {
    if !h.enrolled {
        return (t("home-sync-not-enrolled"), "muted");
    }
    match (h.last_sync_ms, &h.last_sync_error) {
        (_, Some(e)) => (ta("home-sync-error", &[("error", e.clone().into())]), "bad"),
        (Some(at), None) => (ta("home-sync-ok", &[("time", date_time(at).into())]), "ok"),
        (None, None) => (t("home-sync-never"), "warn"),
    }
}

#[function_component(StaffHome)]
pub fn staff_home(p: &Props) -> Html {
    let home = use_state(|| None::<StaffHomeDto>);
    let error = use_state(|| None::<String>);
    {
        let (nav, home, error) = (p.nav.clone(), home.clone(), error.clone());
        use_effect_with((), move |_| {
            let load = move || {
                let (nav, home, error) = (nav.clone(), home.clone(), error.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match ipc::staff_home(&nav.token).await {
                        Ok(h) => {
                            error.set(None);
                            home.set(Some(h))
                        }
                        Err(e) => {
                            nav.check(&e);
                            error.set(Some(e.message))
                        }
                    }
                });
            };
            load();
            let timer = gloo_timers::callback::Interval::new(5_000, load);
            move || drop(timer)
        });
    }
    let go = |s: Screen| {
        let nav = p.nav.clone();
        Callback::from(move |_: MouseEvent| nav.go(s.clone()))
    };
    let Some(h) = &*home else {
        return html! {
            <section id="staff-home" class="card">
                <h1>{t("home-title")}</h1>
                if let Some(e) = &*error { <p class="error" role="alert">{e}</p> }
                else { <p class="muted">{t("home-loading")}</p> }
            </section>
        };
    };
    let (sync_text, sync_class) = sync_line(h);
    let tile = |id: &'static str, n: String, label: String, class: &'static str| {
        html! {
            <div class={classes!("tile", class)} id={id}>
                <strong class="big">{n}</strong>
                <span>{label}</span>
            </div>
        }
    };
    let backlog = h.outbox_pending + h.relay_pending;
    html! {
        <section id="staff-home" class="card">
            <h1>{ta("home-today", &[("date", date_time(h.now_ms).into())])}</h1>
            if let Some(e) = &*error { <p class="error" role="alert">{e}</p> }
            <div class="tiles">
                { tile("home-in-progress", h.attempts_in_progress.to_string(), t("home-in-progress"), "ok") }
                { tile("home-awaiting-marking", h.awaiting_marking.to_string(), t("home-awaiting-marking"), if h.awaiting_marking > 0 { "warn" } else { "muted" }) }
                { tile("home-seats", format!("{} / {}", h.seats_online, h.seats_enrolled), t("home-seats-online"), "muted") }
                { tile("home-backlog", backlog.to_string(), t("home-backlog"), if backlog > 0 { "warn" } else { "muted" }) }
            </div>
            <p id="home-sync" class={classes!("status", sync_class)}>{sync_text}</p>

            <h2>{t("home-sittings")}</h2>
            if h.sittings.is_empty() {
                <p class="muted" id="home-no-sittings">{t("home-no-sittings")}</p>
            } else {
                <ul id="home-sittings">
                    { for h.sittings.iter().map(|s| html! {
                        <li data-exam={s.exam_id.to_string()} class={classes!(s.open_now.then_some("ok"))}>
                            <strong>{&s.exam_title}</strong>{" — "}{sitting_state(s, h.now_ms)}
                        </li>
                    }) }
                </ul>
            }
            <h2>{t("home-rooms")}</h2>
            if h.rooms.is_empty() {
                <p class="muted" id="home-no-rooms">{t("home-no-rooms")}</p>
            } else {
                <table id="home-rooms" class="seats">
                    <thead><tr><th>{t("home-col-room")}</th><th>{t("home-col-exam")}</th><th>{t("home-col-state")}</th><th>{t("home-col-counts")}</th></tr></thead>
                    <tbody>
                        { for h.rooms.iter().map(|r| html! {
                            <tr data-session={r.session_id.to_string()}>
                                <td>{&r.room}</td><td>{&r.exam_title}</td><td>{&r.state}</td>
                                <td>{ta("home-room-counts", &[("expected", r.expected.into()), ("running", r.in_progress.into()), ("submitted", r.submitted.into())])}</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            <p class="controls">
                <button id="home-go-rooms" class="primary" onclick={go(Screen::Invigilator)}>{t("home-go-rooms")}</button>
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sitting(open_now: bool, opens: Option<i64>, closes: Option<i64>) -> HomeSittingDto {
        HomeSittingDto {
            sitting_id: 1,
            exam_id: 1,
            exam_title: "Science".into(),
            opens_at_ms: opens,
            closes_at_ms: closes,
            late_start_minutes: None,
            open_now,
        }
    }

    #[test]
    fn a_sittings_state_says_what_a_candidate_can_do_now() {
        let now = 1_000_000;
        assert_eq!(
            sitting_state(&sitting(true, None, None), now),
            t("home-sitting-open")
        );
        assert!(sitting_state(&sitting(true, None, Some(now + 1)), now).starts_with("open until"));
        assert!(
            sitting_state(&sitting(false, Some(now + 60_000), None), now).starts_with("opens at")
        );
        assert_eq!(
            sitting_state(&sitting(false, Some(now - 60_000), None), now),
            t("home-sitting-no-more-starts"),
            "opened, but its late starts are over"
        );
    }

    fn home() -> StaffHomeDto {
        StaffHomeDto {
            now_ms: 0,
            sittings: vec![],
            rooms: vec![],
            seats_enrolled: 0,
            seats_online: 0,
            attempts_in_progress: 0,
            awaiting_marking: 0,
            outbox_pending: 0,
            relay_pending: 0,
            enrolled: false,
            last_sync_ms: None,
            last_sync_error: None,
        }
    }

    #[test]
    fn the_sync_line_puts_an_error_first() {
        assert_eq!(sync_line(&home()).1, "muted");
        let mut h = home();
        h.enrolled = true;
        assert_eq!(sync_line(&h).1, "warn", "enrolled but never synced");
        h.last_sync_ms = Some(5);
        assert_eq!(sync_line(&h).1, "ok");
        h.last_sync_error = Some("HQ unreachable".into());
        let (text, class) = sync_line(&h);
        assert_eq!(class, "bad");
        assert!(text.contains("HQ unreachable"), "{text}");
    }
}
