//! The invigilator's room console: create a session, check candidates in, open
//! it (the start code to read out), watch every seat live (progress, time left,
//! alerts), pause/resume/extend/unlock one candidate or the room, record
//! incidents, answer a locked seat's challenge, decide the downtime ledger, and
//! close the session when everyone is accounted for. Refreshed every second.

use crate::i18n::{t, ta};
use crate::ipc;
use crate::pages::bind;
use crate::pages::seats::SeatsPanel;
use crate::state::format_remaining;
use crate::Nav;
use examhall_protocol::room::{
    Attendance, CheckIn, CloseRoomSession, CommandKind, CreateRoomSession, DecideCredit,
    IncidentCategory, MoveCandidate, OfflineUnlock, RecordIncident, RoomAction, RoomConsoleDto,
    RoomSessionDto, RoomState, SeatAlert, SeatView,
};
use examhall_protocol::{AttemptStatus, ExamSummaryDto};
use std::future::Future;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
}

use crate::i18n::time_of_day;

/// Runs an IPC call; its error goes to `error`, its value to `ok`.
fn call<T: 'static, F: Future<Output = ipc::Res<T>> + 'static>(
    nav: &Nav,
    error: &UseStateHandle<Option<String>>,
    request: impl FnOnce(String) -> F,
    ok: impl FnOnce(T) + 'static,
) {
    let (nav, error) = (nav.clone(), error.clone());
    let fut = request(nav.token.clone());
    wasm_bindgen_futures::spawn_local(async move {
        match fut.await {
            Ok(v) => {
                error.set(None);
                ok(v)
            }
            Err(e) => {
                nav.check(&e);
                error.set(Some(e.message));
            }
        }
    });
}

fn status_text(s: &SeatView) -> (String, &'static str) {
    match &s.progress {
        None if s.attendance == Attendance::Absent => (t("room-status-absent"), "muted"),
        None => (t("room-status-not-started"), "muted"),
        Some(p) if p.status != AttemptStatus::InProgress && p.time_up => {
            (t("room-status-time-up"), "ok")
        }
        Some(p) if p.status != AttemptStatus::InProgress => (t("room-status-submitted"), "ok"),
        Some(p) if p.locked => (t("room-status-locked"), "bad"),
        Some(p) if p.paused => (t("room-status-paused"), "warn"),
        Some(_) => (t("room-status-in-progress"), "ok"),
    }
}

fn alert_text(a: &SeatAlert) -> String {
    match a {
        SeatAlert::Silent { secs } => ta("room-alert-silent", &[("secs", (*secs).into())]),
        SeatAlert::FocusLost { count } => {
            ta("room-alert-focus-lost", &[("count", (*count).into())])
        }
        SeatAlert::CloseAsked { count } => {
            ta("room-alert-close-asked", &[("count", (*count).into())])
        }
        SeatAlert::TimeNearlyUp { secs } => {
            let minutes = [("minutes", ((secs + 59) / 60).into())];
            ta("room-alert-time-nearly-up", &minutes)
        }
        SeatAlert::TimeOver { secs } => {
            ta("room-alert-time-over", &[("minutes", (secs / 60).into())])
        }
        SeatAlert::Locked => t("room-alert-locked"),
        SeatAlert::Paused => t("room-alert-paused"),
        SeatAlert::StartRefused { count, reason } => ta(
            "room-alert-start-refused",
            &[
                ("count", (*count).into()),
                ("reason", reason.clone().into()),
            ],
        ),
    }
}

#[function_component(RoomConsole)]
pub fn room_console(p: &Props) -> Html {
    let exams = use_state(Vec::<ExamSummaryDto>::new);
    let sessions = use_state(Vec::<RoomSessionDto>::new);
    let selected = use_state(|| None::<i64>);
    let console = use_state(|| None::<RoomConsoleDto>);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    // The room report just saved, for "Save a copy as…".
    let printed = use_state(|| None::<String>);
    let new_exam = use_state(String::new);
    let new_room = use_state(|| t("room-default-name"));
    let new_seats = use_state(|| "40".to_owned());
    let new_late = use_state(String::new);
    let new_check_in = use_state(|| true);
    let reason = use_state(String::new);
    let minutes = use_state(|| "10".to_owned());
    let challenge = use_state(String::new);
    let response = use_state(|| None::<String>);
    let incident_who = use_state(String::new);
    let incident_cat = use_state(|| "environment".to_owned());
    let incident_text = use_state(String::new);
    let show_pin = use_state(|| false);
    // The candidate whose "hand in now" waits for its second click.
    // The hand-in or void awaiting its confirming click, and for whom.
    let confirm_submit = use_state(|| None::<(CommandKind, String)>);
    let confirm_move = use_state(|| None::<String>);

    let reload_sessions = {
        let (nav, error, sessions, selected, exams) = (
            p.nav.clone(),
            error.clone(),
            sessions.clone(),
            selected.clone(),
            exams.clone(),
        );
        Callback::from(move |_: ()| {
            let (sessions, selected) = (sessions.clone(), selected.clone());
            call(
                &nav,
                &error,
                move |t: String| async move { ipc::room_sessions(&t).await },
                move |list| {
                    if selected.is_none() {
                        if let Some(s) = list.iter().find(|s| s.state != RoomState::Closed) {
                            selected.set(Some(s.session_id));
                        }
                    }
                    if *sessions != list {
                        sessions.set(list);
                    }
                },
            );
            let exams = exams.clone();
            call(
                &nav,
                &error,
                move |t: String| async move { ipc::list_exams(&t).await },
                move |x| {
                    if *exams != x {
                        exams.set(x)
                    }
                },
            );
        })
    };
    let reload = {
        let (nav, error, console, selected, sessions) = (
            p.nav.clone(),
            error.clone(),
            console.clone(),
            selected.clone(),
            sessions.clone(),
        );
        Callback::from(move |_: ()| {
            if let Some(id) = *selected {
                // Keep the picker's states current too.
                let sessions = sessions.clone();
                call(
                    &nav,
                    &error,
                    move |t: String| async move { ipc::room_sessions(&t).await },
                    move |l| {
                        if *sessions != l {
                            sessions.set(l)
                        }
                    },
                );
                let console = console.clone();
                call(
                    &nav,
                    &error,
                    move |t: String| async move { ipc::room_console(&t, id).await },
                    move |c| console.set(Some(c)),
                );
            }
        })
    };
    {
        // Looked at again every 5 s: an exam opened from a package (the sync
        // panel below) or published elsewhere appears in the picker.
        let reload_sessions = reload_sessions.clone();
        use_effect_with((), move |_| {
            reload_sessions.emit(());
            let timer =
                gloo_timers::callback::Interval::new(5_000, move || reload_sessions.emit(()));
            move || drop(timer)
        });
    }
    {
        let reload = reload.clone();
        use_effect_with(*selected, move |_| {
            reload.emit(());
            let r = reload.clone();
            let timer = gloo_timers::callback::Interval::new(1_000, move || r.emit(()));
            move || drop(timer)
        });
    }

    let create = {
        let (nav, error, notice, selected, reload_sessions) = (
            p.nav.clone(),
            error.clone(),
            notice.clone(),
            selected.clone(),
            reload_sessions.clone(),
        );
        let (new_exam, new_room, new_seats, new_late, new_check_in, exams) = (
            new_exam.clone(),
            new_room.clone(),
            new_seats.clone(),
            new_late.clone(),
            new_check_in.clone(),
            exams.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let exam_id = new_exam
                .parse::<i64>()
                .ok()
                .or_else(|| exams.first().map(|x| x.exam_id))
                .unwrap_or(0);
            let req = CreateRoomSession {
                exam_id,
                room: (*new_room).clone(),
                seats: new_seats.trim().parse().unwrap_or(0),
                late_start_minutes: new_late.trim().parse().ok(),
                check_in_required: *new_check_in,
            };
            let (notice, selected, reload_sessions) =
                (notice.clone(), selected.clone(), reload_sessions.clone());
            call(
                &nav,
                &error,
                move |t: String| async move { ipc::create_room_session(&t, req).await },
                move |s| {
                    let args = [("exam", s.exam_title.into()), ("room", s.room.into())];
                    notice.set(Some(ta("room-created", &args)));
                    selected.set(Some(s.session_id));
                    reload_sessions.emit(());
                },
            );
        })
    };

    let Some(c) = (*console)
        .clone()
        .filter(|c| Some(c.session.session_id) == *selected)
    else {
        return html! {
            <section id="room-console" class="card">
                <h1>{t("room-title")}</h1>
                if let Some(e) = &*error { <p class="error" role="alert">{e}</p> }
                { session_picker(&sessions, &selected) }
                { create_form(&exams, &new_exam, &new_room, &new_seats, &new_late, &new_check_in, create) }
                <SeatsPanel nav={p.nav.clone()} />
            </section>
        };
    };
    let sid = c.session.session_id;
    let open_state = c.session.state == RoomState::Open;

    // ---- actions ------------------------------------------------------------------
    let act = {
        let (nav, error, notice, reload, reason, minutes, confirm_submit) = (
            p.nav.clone(),
            error.clone(),
            notice.clone(),
            reload.clone(),
            reason.clone(),
            minutes.clone(),
            confirm_submit.clone(),
        );
        Callback::from(move |(who, kind): (Option<String>, CommandKind)| {
            let default_reason = match kind {
                CommandKind::Pause => t("room-reason-pause"),
                CommandKind::Resume => t("room-reason-resume"),
                CommandKind::Extend => t("room-reason-extend"),
                CommandKind::Unlock => t("room-reason-unlock"),
                // Handing an attempt in, or voiding it, takes a reason the
                // invigilator types.
                CommandKind::Submit | CommandKind::Void => String::new(),
            };
            if matches!(kind, CommandKind::Submit | CommandKind::Void) {
                if reason.trim().is_empty() {
                    error.set(Some(t(if kind == CommandKind::Void {
                        "room-void-needs-reason"
                    } else {
                        "room-submit-needs-reason"
                    })));
                    return;
                }
                // A second click on the same button confirms.
                let key = who.clone().map(|u| (kind, u));
                if *confirm_submit != key {
                    confirm_submit.set(key);
                    return;
                }
                confirm_submit.set(None);
            }
            let why = if reason.trim().is_empty() {
                default_reason
            } else {
                (*reason).clone()
            };
            let req = RoomAction {
                session_id: sid,
                username: who.clone(),
                kind,
                minutes: (kind == CommandKind::Extend).then(|| minutes.trim().parse().unwrap_or(0)),
                reason: why,
            };
            let (notice, reload) = (notice.clone(), reload.clone());
            let target = who.unwrap_or_else(|| t("room-target-whole-room"));
            call(
                &nav,
                &error,
                move |t: String| async move { ipc::room_action(&t, req).await },
                move |_| {
                    let args = [("kind", kind.as_str().into()), ("target", target.into())];
                    notice.set(Some(ta("room-action-sent", &args)));
                    reload.emit(());
                },
            );
        })
    };
    // Moving a candidate whose seat failed to a spare one: the reason box says
    // why, and a second click confirms.
    let move_to_spare = {
        let (nav, error, notice, reason, confirm_move, console) = (
            p.nav.clone(),
            error.clone(),
            notice.clone(),
            reason.clone(),
            confirm_move.clone(),
            console.clone(),
        );
        Callback::from(move |who: String| {
            if reason.trim().is_empty() {
                error.set(Some(t("room-move-needs-reason")));
                return;
            }
            if confirm_move.as_deref() != Some(who.as_str()) {
                confirm_move.set(Some(who));
                return;
            }
            confirm_move.set(None);
            let req = MoveCandidate {
                session_id: sid,
                username: who.clone(),
                reason: (*reason).clone(),
            };
            let (notice, console) = (notice.clone(), console.clone());
            call(
                &nav,
                &error,
                move |t: String| async move { ipc::move_candidate(&t, req).await },
                move |c| {
                    notice.set(Some(ta("room-move-sent", &[("username", who.into())])));
                    console.set(Some(c));
                },
            );
        })
    };
    let open = {
        let (nav, error, reload) = (p.nav.clone(), error.clone(), reload.clone());
        Callback::from(move |_| {
            let reload = reload.clone();
            call(
                &nav,
                &error,
                move |t: String| async move { ipc::open_room_session(&t, sid).await },
                move |_| reload.emit(()),
            );
        })
    };
    let close = {
        let (nav, error, notice, reload) =
            (p.nav.clone(), error.clone(), notice.clone(), reload.clone());
        Callback::from(move |_| {
            let (notice, reload) = (notice.clone(), reload.clone());
            let req = CloseRoomSession {
                session_id: sid,
                accounted: vec![],
            };
            call(
                &nav,
                &error,
                move |t: String| async move { ipc::close_room_session(&t, req).await },
                move |_| {
                    notice.set(Some(t("room-closed-notice")));
                    reload.emit(());
                },
            );
        })
    };
    let print = {
        let (nav, error, notice, printed) = (
            p.nav.clone(),
            error.clone(),
            notice.clone(),
            printed.clone(),
        );
        let exam_id = c.session.exam_id;
        Callback::from(move |_| {
            let (notice, printed) = (notice.clone(), printed.clone());
            call(
                &nav,
                &error,
                move |t: String| async move { ipc::print_room_report(&t, exam_id).await },
                move |r| {
                    notice.set(Some(ta(
                        "room-report-saved",
                        &[("path", r.path.clone().into())],
                    )));
                    printed.set(Some(r.path));
                },
            );
        })
    };
    let publish = {
        let (nav, error, notice, reload) =
            (p.nav.clone(), error.clone(), notice.clone(), reload.clone());
        Callback::from(move |_| {
            let (notice, reload) = (notice.clone(), reload.clone());
            call(
                &nav,
                &error,
                move |t: String| async move { ipc::publish_to_room(&t, sid).await },
                move |p| {
                    let args = [
                        ("package", p.package_id.into()),
                        ("centre", p.centre.into()),
                    ];
                    notice.set(Some(ta("room-published", &args)));
                    reload.emit(());
                },
            );
        })
    };
    let check_in = {
        let (nav, error, console) = (p.nav.clone(), error.clone(), console.clone());
        Callback::from(move |req: CheckIn| {
            let console = console.clone();
            call(
                &nav,
                &error,
                move |t: String| async move { ipc::check_in(&t, req).await },
                move |c| console.set(Some(c)),
            );
        })
    };
    let decide = {
        let (nav, error, console) = (p.nav.clone(), error.clone(), console.clone());
        Callback::from(move |(attempt_id, gap_seq, accept): (String, i64, bool)| {
            let console = console.clone();
            let req = DecideCredit {
                session_id: sid,
                attempt_id,
                gap_seq,
                accept,
            };
            call(
                &nav,
                &error,
                move |t: String| async move { ipc::decide_credit(&t, req).await },
                move |c| console.set(Some(c)),
            );
        })
    };
    let offline = {
        let (nav, error, challenge, response) = (
            p.nav.clone(),
            error.clone(),
            challenge.clone(),
            response.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let response = response.clone();
            let req = OfflineUnlock {
                session_id: sid,
                challenge: (*challenge).clone(),
            };
            call(
                &nav,
                &error,
                move |t: String| async move { ipc::offline_unlock_code(&t, req).await },
                move |r| response.set(Some(r.response)),
            );
        })
    };
    let incident = {
        let (nav, error, console, who, cat, text) = (
            p.nav.clone(),
            error.clone(),
            console.clone(),
            incident_who.clone(),
            incident_cat.clone(),
            incident_text.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let category = match cat.as_str() {
                "candidate" => IncidentCategory::Candidate,
                "staff" => IncidentCategory::Staff,
                "technical" => IncidentCategory::Technical,
                _ => IncidentCategory::Environment,
            };
            let req = RecordIncident {
                session_id: sid,
                username: (!who.is_empty()).then(|| (*who).clone()),
                category,
                text: (*text).clone(),
            };
            let (console, text) = (console.clone(), text.clone());
            call(
                &nav,
                &error,
                move |t: String| async move { ipc::record_incident(&t, req).await },
                move |c| {
                    text.set(String::new());
                    console.set(Some(c));
                },
            );
        })
    };

    // ---- the view -------------------------------------------------------------------
    let state_label = match c.session.state {
        RoomState::Planned => t("room-state-planned"),
        RoomState::Open => t("room-state-open"),
        RoomState::Closed => t("room-state-closed"),
    };
    let in_progress = c
        .seats
        .iter()
        .filter(|s| {
            s.progress
                .as_ref()
                .is_some_and(|p| p.status == AttemptStatus::InProgress)
        })
        .count();
    let time_up = c
        .seats
        .iter()
        .filter(|s| {
            s.progress
                .as_ref()
                .is_some_and(|p| p.status != AttemptStatus::InProgress && p.time_up)
        })
        .count();
    let time_over = c
        .seats
        .iter()
        .filter(|s| {
            s.alerts
                .iter()
                .any(|a| matches!(a, SeatAlert::TimeOver { .. }))
        })
        .count();
    let submitted = c
        .seats
        .iter()
        .filter(|s| {
            s.progress
                .as_ref()
                .is_some_and(|p| p.status != AttemptStatus::InProgress)
        })
        .count();
    let rows = c.seats.iter().map(|s| {
        let (text, class) = status_text(s);
        let u = s.username.clone();
        let row_check = {
            let (check_in, s2) = (check_in.clone(), s.clone());
            move |attendance: Option<Attendance>, id: Option<bool>, seat: Option<String>| {
                check_in.emit(CheckIn {
                    session_id: sid,
                    username: s2.username.clone(),
                    attendance: attendance.unwrap_or(match s2.attendance {
                        Attendance::Expected => Attendance::Present,
                        a => a,
                    }),
                    id_checked: id.unwrap_or(s2.id_checked),
                    seat: seat.or_else(|| s2.seat.clone()),
                })
            }
        };
        let on_att = {
            let f = row_check.clone();
            Callback::from(move |e: Event| {
                let v = e.target_unchecked_into::<HtmlSelectElement>().value();
                let a = match v.as_str() {
                    "late" => Attendance::Late,
                    "absent" => Attendance::Absent,
                    "expected" => Attendance::Expected,
                    _ => Attendance::Present,
                };
                f(Some(a), None, None)
            })
        };
        let on_id = {
            let f = row_check.clone();
            Callback::from(move |e: Event| {
                f(None, Some(e.target_unchecked_into::<HtmlInputElement>().checked()), None)
            })
        };
        let on_seat = {
            let f = row_check.clone();
            Callback::from(move |e: Event| {
                f(None, None, Some(e.target_unchecked_into::<HtmlInputElement>().value()))
            })
        };
        let running = s.progress.as_ref().is_some_and(|p| p.status == AttemptStatus::InProgress);
        let paused = s.progress.as_ref().is_some_and(|p| p.paused);
        let locked = s.progress.as_ref().is_some_and(|p| p.locked);
        let btn = |label: String, kind: CommandKind, id: String| {
            let (act, u) = (act.clone(), u.clone());
            html! { <button id={id} disabled={!open_state} onclick={Callback::from(move |_| act.emit((Some(u.clone()), kind)))}>{label}</button> }
        };
        html! {
            <tr id={format!("seat-{u}")} data-username={u.clone()} class={classes!(s.alerts.iter().any(|a| !matches!(a, SeatAlert::Paused)).then_some("alert"))}>
                <td><strong>{&s.display_name}</strong><br/><span class="muted">{&u}{ if s.time_multiplier > 1.0 { format!(" · ×{}", s.time_multiplier) } else { String::new() } }</span></td>
                <td><input class="seat-input" aria-label={ta("room-seat-of", &[("username", u.clone().into())])} value={s.seat.clone().unwrap_or_default()} onchange={on_seat} size="4" /></td>
                <td>
                    <select aria-label={ta("room-attendance-of", &[("username", u.clone().into())])} id={format!("attendance-{u}")} onchange={on_att}>
                        { for [("expected", t("room-attendance-expected")), ("present", t("room-attendance-present")), ("late", t("room-attendance-late")), ("absent", t("room-attendance-absent"))].iter().map(|(v, l)| html! {
                            <option value={*v} selected={s.attendance.as_str() == *v}>{l}</option>
                        }) }
                    </select>
                    <label class="inline"><input type="checkbox" checked={s.id_checked} onchange={on_id} aria-label={ta("room-id-checked-of", &[("username", u.clone().into())])} />{t("room-id-checked")}</label>
                </td>
                <td id={format!("seat-status-{u}")} class={classes!("status", class)}>{text}</td>
                <td>{ s.progress.as_ref().map(|p| format!("{}{}", ta("room-progress", &[("answered", p.answered.into()), ("total", p.total.into())]), if p.flagged > 0 { ta("room-progress-flagged", &[("flagged", p.flagged.into())]) } else { String::new() })).unwrap_or_default() }
                    <br/><span class="muted">{ s.progress.as_ref().and_then(|p| p.last_saved_at_ms).map(|at| ta("room-saved-at", &[("time", time_of_day(at).into())])).unwrap_or_default() }</span>
                    if let Some(c) = &s.copy {
                        <br/><span id={format!("seat-copy-{u}")} class={classes!("muted", (c.behind > 0).then_some("warn"))} data-behind={c.behind.to_string()}>{
                            if c.behind == 0 { ta("room-copy-whole", &[("time", time_of_day(c.copied_at_ms).into())]) } else { ta("room-copy-behind", &[("events", c.behind.into())]) }
                        }</span>
                    }</td>
                <td id={format!("seat-left-{u}")}>{ if running { s.remaining_ms.map(format_remaining).unwrap_or_default() } else { String::new() } }</td>
                <td class="alerts" id={format!("seat-alerts-{u}")}>{ for s.alerts.iter().map(|a| html! { <span class="pill bad">{alert_text(a)}</span> }) }
                    if s.copy.as_ref().is_some_and(|c| c.moving) {
                        <span class="pill warn" id={format!("seat-moving-{u}")}>{t("room-seat-moving")}</span>
                    }
                    if let Some(from) = s.copy.as_ref().and_then(|c| c.moved_from.clone()).filter(|_| !s.copy.as_ref().is_some_and(|c| c.moving)) {
                        <span class="pill" id={format!("seat-moved-{u}")}>{ta("room-seat-moved-from", &[("seat", from.into())])}</span>
                    }
                    <br/><span class="muted">{ s.last_heard_ms.map(|at| ta("room-heard-at", &[("time", time_of_day(at).into())])).unwrap_or_default() }</span></td>
                <td class="actions">
                    if running {
                        if paused { { btn(t("room-seat-resume"), CommandKind::Resume, format!("resume-{u}")) } } else { { btn(t("room-seat-pause"), CommandKind::Pause, format!("pause-{u}")) } }
                        { btn(t("room-seat-extend"), CommandKind::Extend, format!("extend-{u}")) }
                        if locked { { btn(t("room-seat-unlock"), CommandKind::Unlock, format!("unlock-{u}")) } }
                        { btn(
                            if *confirm_submit == Some((CommandKind::Submit, u.clone())) { t("room-seat-submit-confirm") } else { t("room-seat-submit") },
                            CommandKind::Submit,
                            format!("submit-{u}"),
                        ) }
                        { btn(
                            if *confirm_submit == Some((CommandKind::Void, u.clone())) { t("room-seat-void-confirm") } else { t("room-seat-void") },
                            CommandKind::Void,
                            format!("void-{u}"),
                        ) }
                        if s.copy.as_ref().is_some_and(|c| !c.moving) {
                            <button id={format!("move-{u}")} disabled={!open_state} onclick={{
                                let (mv, u) = (move_to_spare.clone(), u.clone());
                                Callback::from(move |_| mv.emit(u.clone()))
                            }}>{ if confirm_move.as_deref() == Some(u.as_str()) { t("room-seat-move-confirm") } else { t("room-seat-move") } }</button>
                        }
                    }
                </td>
            </tr>
        }
    });
    let ledger = c.ledger.iter().map(|l| {
        let (d1, d2) = (decide.clone(), decide.clone());
        let (a1, a2, g) = (l.attempt_id.clone(), l.attempt_id.clone(), l.gap_seq);
        html! {
            <li class="ledger-item" data-username={l.username.clone()}>
                {ta("room-ledger-item", &[("username", l.username.clone().into()), ("secs", (l.gap_ms / 1000).into()), ("minutes", l.minutes.into())])}
                if let Some(d) = &l.decision { <strong>{format!(" {d}")}</strong> } else {
                    <button class="primary" disabled={!open_state} onclick={Callback::from(move |_| d1.emit((a1.clone(), g, true)))}>{t("room-ledger-credit")}</button>
                    <button onclick={Callback::from(move |_| d2.emit((a2.clone(), g, false)))}>{t("room-ledger-dismiss")}</button>
                }
            </li>
        }
    });
    let room_btn = |label: String, kind: CommandKind, id: &'static str| {
        let act = act.clone();
        html! { <button id={id} disabled={!open_state} onclick={Callback::from(move |_| act.emit((None, kind)))}>{label}</button> }
    };
    let toggle_pin = {
        let show_pin = show_pin.clone();
        Callback::from(move |_| show_pin.set(!*show_pin))
    };
    html! {
        <section id="room-console" class="card" data-state={c.session.state.as_str()}>
            <h1>{format!("{} · {}", c.session.room, c.session.exam_title)}</h1>
            { session_picker(&sessions, &selected) }
            <p id="room-state"><strong>{state_label}</strong>{ta("room-counts", &[("expected", c.seats.len().into()), ("running", in_progress.into()), ("submitted", submitted.into())])}</p>
            if let Some(e) = &*error { <p class="error" role="alert">{e}</p> }
            if let Some(n) = &*notice { <p class="notice" role="status">{n}</p> }
            if let Some(path) = &*printed { <crate::pages::reports::SaveCopy nav={p.nav.clone()} path={path.clone()} id="save-copy-room" /> }
            if time_up > 0 {
                <p id="room-time-up" class="muted">{ta("room-time-up-count", &[("count", time_up.into())])}</p>
            }
            if time_over > 0 {
                <p id="room-time-over" class="error" role="alert">{ta("room-time-over-count", &[("count", time_over.into())])}</p>
            }
            <p class="muted" id="room-check-in-rule">{ if c.session.check_in_required { t("room-check-in-on") } else { t("room-check-in-off") } }</p>
            if c.session.state == RoomState::Planned {
                <p>{t("room-planned-help")}</p>
                <button id="room-open" class="primary" onclick={open}>{t("room-open")}</button>
            }
            if let Some(code) = &c.session.start_code {
                <p>{t("room-start-code")}<strong id="room-start-code" class="code big">{code}</strong></p>
            }
            <p class="muted">{t("room-pin-label")}
                <button class="link-button" id="room-pin-toggle" onclick={toggle_pin}>{ if *show_pin { t("room-pin-hide") } else { t("room-pin-show") } }</button>
                if *show_pin { <strong id="room-pin" class="code">{&c.session.invigilator_code}</strong> }
            </p>
            if open_state {
                <div class="controls room-controls">
                    <label>{t("room-reason")}<input id="room-reason" value={(*reason).clone()} oninput={bind(&reason)} placeholder={t("room-reason-example")} /></label>
                    <label>{t("room-minutes")}<input id="room-minutes" value={(*minutes).clone()} oninput={bind(&minutes)} size="3" /></label>
                    { room_btn(t("room-pause-all"), CommandKind::Pause, "room-pause") }
                    { room_btn(t("room-resume-all"), CommandKind::Resume, "room-resume") }
                    <button id="room-close" onclick={close}>{t("room-close")}</button>
                </div>
            }
            if c.session.state != RoomState::Closed {
                <p id="room-package" class="muted">
                    { match &c.session.package_id {
                        Some(id) => ta("room-package", &[("package", id.clone().into())]),
                        None => t("room-package-none"),
                    } }
                    <button id="room-publish" onclick={publish}>{t("room-publish")}</button>
                </p>
            }
            <p><button id="room-print" onclick={print}>{t("room-print")}</button></p>
            <table id="room-seats" class="seats">
                <thead><tr><th>{t("room-col-candidate")}</th><th>{t("room-col-seat")}</th><th>{t("room-col-check-in")}</th><th>{t("room-col-status")}</th><th>{t("room-col-progress")}</th><th>{t("room-col-time-left")}</th><th>{t("room-col-alerts")}</th><th>{t("room-col-actions")}</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            if !c.refused.is_empty() {
                <h2>{t("room-refused")}</h2>
                <ul id="room-refused">
                    { for c.refused.iter().rev().map(|r| html! {
                        <li data-username={r.username.clone()}>{ta("room-refused-line", &[("time", time_of_day(r.at_ms).into()), ("username", r.username.clone().into()),
                            ("device", r.device.as_ref().map(|d| format!("({d})")).unwrap_or_default().into()), ("reason", r.reason.clone().into())])}</li>
                    }) }
                </ul>
            }
            if !c.ledger.is_empty() {
                <h2>{t("room-ledger")}</h2>
                <ul id="room-ledger">{ for ledger }</ul>
            }
            <div class="two-col">
                <form id="offline-unlock" onsubmit={offline} aria-label={t("room-offline-unlock-label")}>
                    <h2>{t("room-offline-unlock")}</h2>
                    <label for="challenge">{t("room-challenge")}</label>
                    <input id="challenge" class="code" value={(*challenge).clone()} oninput={bind(&challenge)} />
                    <button type="submit">{t("room-get-unlock-code")}</button>
                    if let Some(r) = &*response { <p>{t("room-type-at-seat")}<strong id="unlock-response" class="code big">{r}</strong></p> }
                </form>
                <form id="incident-form" onsubmit={incident}>
                    <h2>{t("room-incident")}</h2>
                    <label for="incident-who">{t("room-incident-who")}</label>
                    <select id="incident-who" onchange={{ let h = incident_who.clone(); Callback::from(move |e: Event| h.set(e.target_unchecked_into::<HtmlSelectElement>().value())) }}>
                        <option value="">{t("room-incident-whole-room")}</option>
                        { for c.seats.iter().map(|s| html! { <option value={s.username.clone()}>{&s.display_name}</option> }) }
                    </select>
                    <label for="incident-cat">{t("room-incident-category")}</label>
                    <select id="incident-cat" onchange={{ let h = incident_cat.clone(); Callback::from(move |e: Event| h.set(e.target_unchecked_into::<HtmlSelectElement>().value())) }}>
                        { for [("environment", t("room-category-environment")), ("candidate", t("room-category-candidate")), ("staff", t("room-category-staff")), ("technical", t("room-category-technical"))].iter().map(|(v, l)| html! { <option value={*v} selected={incident_cat.as_str() == *v}>{l}</option> }) }
                    </select>
                    <label for="incident-text">{t("room-incident-text")}</label>
                    <textarea id="incident-text" value={(*incident_text).clone()} oninput={{ let h = incident_text.clone(); Callback::from(move |e: InputEvent| h.set(e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value())) }} />
                    <button type="submit">{t("room-incident-record")}</button>
                </form>
            </div>
            <h2>{t("room-log")}</h2>
            <ol id="room-log" class="log">
                { for c.log.iter().rev().map(|l| html! {
                    <li data-kind={l.kind.clone()}>{ta("room-log-line", &[("time", time_of_day(l.at_ms).into()), ("kind", l.kind.replace('_', " ").into()),
                        ("category", l.category.as_ref().map(|c| format!(" ({c})")).unwrap_or_default().into()),
                        ("who", l.username.as_ref().map(|u| format!(" · {u}")).unwrap_or_default().into()), ("detail", l.detail.clone().into())])}</li>
                }) }
            </ol>
            <SeatsPanel nav={p.nav.clone()} />
        </section>
    }
}

fn session_picker(
    sessions: &UseStateHandle<Vec<RoomSessionDto>>,
    selected: &UseStateHandle<Option<i64>>,
) -> Html {
    if sessions.is_empty() {
        return html! {};
    }
    let on = {
        let selected = selected.clone();
        Callback::from(move |e: Event| {
            selected.set(
                e.target_unchecked_into::<HtmlSelectElement>()
                    .value()
                    .parse()
                    .ok(),
            )
        })
    };
    html! {
        <label>{t("room-session-picker")}
            <select id="room-session-picker" onchange={on}>
                <option value="">{t("room-session-new")}</option>
                { for sessions.iter().map(|s| html! {
                    <option value={s.session_id.to_string()} selected={**selected == Some(s.session_id)}>
                        {format!("{} · {} ({})", s.room, s.exam_title, s.state.as_str())}
                    </option>
                }) }
            </select>
        </label>
    }
}

fn create_form(
    exams: &UseStateHandle<Vec<ExamSummaryDto>>,
    exam: &UseStateHandle<String>,
    room: &UseStateHandle<String>,
    seats: &UseStateHandle<String>,
    late: &UseStateHandle<String>,
    check_in: &UseStateHandle<bool>,
    onsubmit: Callback<SubmitEvent>,
) -> Html {
    let on_check_in = {
        let check_in = check_in.clone();
        Callback::from(move |e: Event| {
            check_in.set(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let on_exam = {
        let exam = exam.clone();
        Callback::from(move |e: Event| {
            exam.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    html! {
        <form id="new-room-session" onsubmit={onsubmit}>
            <h2>{t("room-new-title")}</h2>
            <label for="room-exam">{t("room-new-exam")}</label>
            <select id="room-exam" onchange={on_exam}>
                { for exams.iter().map(|x| html! { <option value={x.exam_id.to_string()} selected={**exam == x.exam_id.to_string()}>{&x.title}</option> }) }
            </select>
            <label for="room-name">{t("room-new-room")}</label>
            <input id="room-name" value={(**room).clone()} oninput={bind(room)} />
            <label for="room-seats-count">{t("room-new-seats")}</label>
            <input id="room-seats-count" value={(**seats).clone()} oninput={bind(seats)} />
            <label for="room-late">{t("room-new-late")}</label>
            <input id="room-late" value={(**late).clone()} oninput={bind(late)} />
            <label class="inline"><input type="checkbox" id="room-check-in-required" checked={**check_in} onchange={on_check_in} />{t("room-new-check-in")}</label>
            <p class="muted">{t("room-new-check-in-help")}</p>
            <button type="submit" id="room-create" class="primary">{t("room-create")}</button>
        </form>
    }
}
