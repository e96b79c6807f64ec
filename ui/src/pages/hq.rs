//! HQ's own screen (issue 18), for its administrators, in the desktop app or a
//! browser: enrol a centre's hub or desktop (a one-time token, shown once),
//! publish an exam to a centre as a sealed package (its start code shown once),
//! the packages with how many attempts came back and their reconciliation,
//! every device with its last call and revoke, and what the sync refused.

use crate::i18n::{date_time, t, ta};
use crate::ipc;
use crate::pages::bind;
use crate::Nav;
use examhall_protocol::sync::{
    EnrolmentToken, HqOverviewDto, NewEnrolment, NewPackage, PublishedPackage, ReconStatus,
    Reconciliation, RevokeDevice,
};
use examhall_protocol::ExamSummaryDto;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
}

/// The usernames typed for a package: separated by spaces, commas, semicolons
/// or new lines, each once, in the order typed.
pub fn usernames(typed: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for u in typed
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .map(|u| u.trim().to_lowercase())
        .filter(|u| !u.is_empty())
    {
        if !out.contains(&u) {
            out.push(u);
        }
    }
    out
}

fn status_label(s: ReconStatus) -> String {
    t(match s {
        ReconStatus::Absent => "hq-recon-absent",
        ReconStatus::NeverStarted => "hq-recon-never-started",
        ReconStatus::InProgress => "hq-recon-in-progress",
        ReconStatus::Moved => "hq-recon-moved",
        ReconStatus::Submitted => "hq-recon-submitted",
        ReconStatus::Graded => "hq-recon-graded",
        ReconStatus::Missing => "hq-recon-missing",
    })
}

#[function_component(HqPage)]
pub fn hq_page(p: &Props) -> Html {
    let overview = use_state(|| None::<HqOverviewDto>);
    let exams = use_state(Vec::<ExamSummaryDto>::new);
    let error = use_state(|| None::<String>);
    let token = use_state(|| None::<EnrolmentToken>);
    let centre = use_state(String::new);
    let via_hub = use_state(String::new);
    let pub_exam = use_state(String::new);
    let pub_centre = use_state(String::new);
    let pub_candidates = use_state(String::new);
    let published = use_state(|| None::<PublishedPackage>);
    let recon = use_state(|| None::<Reconciliation>);
    let confirm = use_state(|| None::<String>);

    let reload = {
        let (nav, overview, exams, error) = (
            p.nav.clone(),
            overview.clone(),
            exams.clone(),
            error.clone(),
        );
        Callback::from(move |_: ()| {
            let (nav, overview, exams, error) =
                (nav.clone(), overview.clone(), exams.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::cmd::hq_overview(&nav.token).await {
                    Ok(o) => {
                        if overview.as_ref() != Some(&o) {
                            overview.set(Some(o))
                        }
                    }
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message))
                    }
                }
                if let Ok(list) = ipc::cmd::list_exams(&nav.token).await {
                    if *exams != list {
                        exams.set(list)
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

    let enrol = {
        let (nav, centre, via_hub, token, error, reload) = (
            p.nav.clone(),
            centre.clone(),
            via_hub.clone(),
            token.clone(),
            error.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let req = NewEnrolment {
                centre: centre.trim().to_owned(),
                via_hub: Some(via_hub.trim().to_owned()).filter(|h| !h.is_empty()),
            };
            let (nav, token, error, reload) =
                (nav.clone(), token.clone(), error.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::cmd::create_enrolment(&nav.token, req).await {
                    Ok(tk) => {
                        error.set(None);
                        token.set(Some(tk));
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
    let publish = {
        let (nav, pub_exam, pub_centre, pub_candidates, published, error, reload) = (
            p.nav.clone(),
            pub_exam.clone(),
            pub_centre.clone(),
            pub_candidates.clone(),
            published.clone(),
            error.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(exam_id) = pub_exam.parse::<i64>() else {
                error.set(Some(t("hq-publish-choose-exam")));
                return;
            };
            let req = NewPackage {
                exam_id,
                centre: pub_centre.trim().to_owned(),
                candidates: usernames(&pub_candidates),
            };
            let (nav, published, error, reload) = (
                nav.clone(),
                published.clone(),
                error.clone(),
                reload.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::cmd::publish_package(&nav.token, req).await {
                    Ok(pk) => {
                        error.set(None);
                        published.set(Some(pk));
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
    let reconcile = {
        let (nav, recon, error) = (p.nav.clone(), recon.clone(), error.clone());
        Callback::from(move |package_id: String| {
            let (nav, recon, error) = (nav.clone(), recon.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::cmd::reconcile(&nav.token, package_id).await {
                    Ok(r) => {
                        error.set(None);
                        recon.set(Some(r))
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
        let (nav, confirm, error, reload) = (
            p.nav.clone(),
            confirm.clone(),
            error.clone(),
            reload.clone(),
        );
        Callback::from(move |device_id: String| {
            if confirm.as_deref() != Some(device_id.as_str()) {
                confirm.set(Some(device_id));
                return;
            }
            confirm.set(None);
            let (nav, error, reload) = (nav.clone(), error.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::cmd::revoke_device(&nav.token, RevokeDevice { device_id }).await {
                    Ok(_) => reload.emit(()),
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message))
                    }
                }
            });
        })
    };

    let withdraw = {
        let (nav, error, reload) = (p.nav.clone(), error.clone(), reload.clone());
        Callback::from(move |id: String| {
            let (nav, error, reload) = (nav.clone(), error.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::cmd::withdraw_enrolment_token(&nav.token, id).await {
                    Ok(()) => reload.emit(()),
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message))
                    }
                }
            });
        })
    };

    let Some(o) = &*overview else {
        return html! {
            <section class="card">
                if let Some(e) = &*error { <p class="error" role="alert">{e}</p> }
                else { <p class="muted">{t("hq-loading")}</p> }
            </section>
        };
    };
    if !o.is_hq {
        return html! { <section class="card"><p id="hq-not-hq">{t("hq-not-hq")}</p></section> };
    }
    let hubs: Vec<_> = o
        .devices
        .iter()
        .filter(|d| d.is_hub && d.revoked_at_ms.is_none() && d.centre == centre.trim())
        .cloned()
        .collect();
    let now = js_sys::Date::now() as i64;
    let device_rows = o.devices.iter().map(|d| {
        let id = d.device_id.clone();
        let asking = confirm.as_deref() == Some(id.as_str());
        let on_revoke = {
            let (revoke, id) = (revoke.clone(), id.clone());
            Callback::from(move |_: MouseEvent| revoke.emit(id.clone()))
        };
        let seen = match crate::pages::seats::minutes_since(d.last_seen_at_ms, now) {
            Some(m) => ta("hq-seen-ago", &[("minutes", m.into())]),
            None => t("hq-never-seen"),
        };
        html! {
            <tr id={format!("hq-device-{id}")}>
                <td><strong>{&d.name}</strong><br/><span class="muted">{&d.device_id}</span></td>
                <td>{&d.centre}</td>
                <td>{ if d.is_hub { t("hq-kind-hub") } else { t("hq-kind-desktop") } }</td>
                <td>{date_time(d.enrolled_at_ms)}</td>
                <td>{seen}</td>
                <td class="num" id={format!("hq-received-{id}")}>{o.attempts_by_device.get(&d.device_id).copied().unwrap_or(0)}</td>
                <td>
                    if let Some(at) = d.revoked_at_ms {
                        <span class="pill bad">{ta("hq-revoked-at", &[("time", date_time(at).into())])}</span>
                    } else {
                        <button type="button" id={format!("hq-revoke-{id}")} class={classes!(asking.then_some("danger"))}
                            aria-label={ta("hq-revoke-label", &[("name", d.name.clone().into())])}
                            onclick={on_revoke}>
                            { if asking { t("hq-revoke-confirm") } else { t("hq-revoke") } }
                        </button>
                    }
                </td>
            </tr>
        }
    });
    let token_rows = o.tokens.iter().map(|tk| {
        let short: String = tk.id.chars().take(12).collect();
        let state = match (&tk.used_by, tk.expires_at_ms > now) {
            (Some(d), _) => {
                let name = o
                    .devices
                    .iter()
                    .find(|x| &x.device_id == d)
                    .map_or(d.clone(), |x| x.name.clone());
                ta("hq-token-used", &[("device", name.into())])
            }
            (None, true) => ta("hq-token-open", &[("expires", date_time(tk.expires_at_ms).into())]),
            (None, false) => t("hq-token-expired"),
        };
        let open = tk.used_by.is_none() && tk.expires_at_ms > now;
        let on_withdraw = {
            let (withdraw, id) = (withdraw.clone(), tk.id.clone());
            Callback::from(move |_: MouseEvent| withdraw.emit(id.clone()))
        };
        html! {
            <tr id={format!("hq-token-row-{short}")}>
                <td><code>{short.clone()}</code></td>
                <td>{&tk.centre}</td>
                <td>{date_time(tk.created_at_ms)}</td>
                <td class="token-state">{state}</td>
                <td>
                    if open {
                        <button type="button" id={format!("hq-withdraw-{short}")} onclick={on_withdraw}
                            aria-label={ta("hq-withdraw-label", &[("token", short.clone().into())])}>{t("hq-withdraw")}</button>
                    }
                </td>
            </tr>
        }
    });
    let package_rows = o.packages.iter().map(|pk| {
        let id = pk.package_id.clone();
        let on_recon = {
            let (reconcile, id) = (reconcile.clone(), id.clone());
            Callback::from(move |_: MouseEvent| reconcile.emit(id.clone()))
        };
        html! {
            <tr id={format!("hq-package-{id}")}>
                <td><strong>{&pk.title}</strong><br/><span class="muted">{&pk.package_id}</span></td>
                <td>{&pk.centre}</td>
                <td class="num">{pk.candidates}</td>
                <td class="num" id={format!("hq-held-{id}")}>{pk.attempts_held}</td>
                <td>{date_time(pk.created_at_ms)}</td>
                <td><button type="button" id={format!("hq-reconcile-{id}")} onclick={on_recon}
                    aria-label={ta("hq-reconcile-label", &[("title", pk.title.clone().into()), ("centre", pk.centre.clone().into())])}>
                    {t("hq-reconcile")}</button></td>
            </tr>
        }
    });
    let recon_html = recon.as_ref().map(|r| {
        let lines = r.lines.iter().map(|l| html! {
            <tr class={classes!((!l.accounted).then_some("alert"))}>
                <td>{&l.username}</td>
                <td>{status_label(l.status)}</td>
                <td>{l.room.clone().unwrap_or_default()}</td>
                <td>{&l.evidence}</td>
            </tr>
        });
        html! {
            <section class="card" id="hq-recon">
                <h2>{ta("hq-recon-title", &[("title", r.title.clone().into()), ("centre", r.centre.clone().into())])}</h2>
                <p id="hq-recon-verdict" class={classes!("pill", if r.complete { "good" } else { "bad" })}>
                    { if r.complete { t("hq-recon-complete") } else { t("hq-recon-incomplete") } }
                </p>
                <table class="marks" aria-label={t("hq-recon-lines")}>
                    <thead><tr><th>{t("hq-col-candidate")}</th><th>{t("hq-col-status")}</th><th>{t("hq-col-room")}</th><th>{t("hq-col-evidence")}</th></tr></thead>
                    <tbody>{ for lines }</tbody>
                </table>
            </section>
        }
    });
    let incidents = o.incidents.iter().map(|i| html! {
        <tr><td>{date_time(i.at_ms)}</td><td>{&i.kind}</td><td>{&i.attempt_id}</td><td>{&i.device_id}</td><td>{&i.detail}</td></tr>
    });
    let on_exam = {
        let pub_exam = pub_exam.clone();
        Callback::from(move |e: Event| {
            pub_exam.set(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            )
        })
    };
    let on_hub = {
        let via_hub = via_hub.clone();
        Callback::from(move |e: Event| {
            via_hub.set(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            )
        })
    };
    html! {
        <div id="hq-page">
            <h1>{t("hq-title")}</h1>
            if let Some(e) = &*error { <p class="error" role="alert" id="hq-error">{e}</p> }
            <datalist id="hq-centres">{ for o.centres.iter().map(|c| html! { <option value={c.clone()} /> }) }</datalist>
            <section class="card">
                <h2>{t("hq-enrol-title")}</h2>
                <p class="muted">{t("hq-enrol-help")}</p>
                <form class="controls" onsubmit={enrol}>
                    <label for="hq-enrol-centre">{t("hq-centre")}</label>
                    <input id="hq-enrol-centre" list="hq-centres" value={(*centre).clone()} oninput={bind(&centre)} />
                    <label for="hq-enrol-hub">{t("hq-via-hub")}</label>
                    <select id="hq-enrol-hub" onchange={on_hub}>
                        <option value="" selected={via_hub.is_empty()}>{t("hq-via-hub-none")}</option>
                        { for hubs.iter().map(|h| html! { <option value={h.device_id.clone()} selected={*via_hub == h.device_id}>{&h.name}</option> }) }
                    </select>
                    <button class="primary" type="submit" id="hq-enrol-submit">{t("hq-enrol-submit")}</button>
                </form>
                if let Some(tk) = &*token {
                    <p class="notice" role="status">
                        {ta("hq-token-issued", &[("centre", tk.centre.clone().into()), ("expires", date_time(tk.expires_at_ms).into())])}
                        <br/><code id="hq-token">{&tk.token}</code>
                    </p>
                }
            </section>
            if !o.tokens.is_empty() {
                <section class="card">
                    <h2>{t("hq-tokens-title")}</h2>
                    <table class="marks" id="hq-tokens" aria-label={t("hq-tokens-title")}>
                        <thead><tr><th>{t("hq-col-token")}</th><th>{t("hq-centre")}</th><th>{t("hq-col-issued")}</th><th>{t("hq-col-status")}</th><th>{t("hq-col-action")}</th></tr></thead>
                        <tbody>{ for token_rows }</tbody>
                    </table>
                </section>
            }
            <section class="card">
                <h2>{t("hq-publish-title")}</h2>
                <p class="muted">{t("hq-publish-help")}</p>
                <form class="controls" onsubmit={publish}>
                    <label for="hq-publish-exam">{t("hq-exam")}</label>
                    <select id="hq-publish-exam" onchange={on_exam}>
                        <option value="" selected={pub_exam.is_empty()}>{t("hq-publish-choose-exam")}</option>
                        { for exams.iter().map(|x| html! { <option value={x.exam_id.to_string()} selected={*pub_exam == x.exam_id.to_string()}>{&x.title}</option> }) }
                    </select>
                    <label for="hq-publish-centre">{t("hq-centre")}</label>
                    <input id="hq-publish-centre" list="hq-centres" value={(*pub_centre).clone()} oninput={bind(&pub_centre)} />
                    <label for="hq-publish-candidates">{t("hq-candidates")}</label>
                    <textarea id="hq-publish-candidates" rows="2" value={(*pub_candidates).clone()}
                        oninput={let h = pub_candidates.clone(); Callback::from(move |e: InputEvent| h.set(e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value()))} />
                    <button class="primary" type="submit" id="hq-publish-submit">{t("hq-publish-submit")}</button>
                </form>
                if let Some(pk) = &*published {
                    <p class="notice" role="status" id="hq-published">
                        {ta("hq-published", &[("centre", pk.centre.clone().into()), ("package", pk.package_id.clone().into())])}
                        <br/>{t("hq-start-code")}{" "}<strong id="hq-start-code">{&pk.start_code}</strong>
                    </p>
                }
            </section>
            <section class="card">
                <h2>{t("hq-packages-title")}</h2>
                if o.packages.is_empty() {
                    <p class="muted" id="hq-no-packages">{t("hq-no-packages")}</p>
                } else {
                    <table class="marks" id="hq-packages" aria-label={t("hq-packages-title")}>
                        <thead><tr><th>{t("hq-exam")}</th><th>{t("hq-centre")}</th><th>{t("hq-col-candidates")}</th><th>{t("hq-col-held")}</th><th>{t("hq-col-published")}</th><th>{t("hq-col-check")}</th></tr></thead>
                        <tbody>{ for package_rows }</tbody>
                    </table>
                }
            </section>
            { recon_html.unwrap_or_default() }
            <section class="card">
                <h2>{t("hq-devices-title")}</h2>
                if o.devices.is_empty() {
                    <p class="muted" id="hq-no-devices">{t("hq-no-devices")}</p>
                } else {
                    <table class="marks" id="hq-devices" aria-label={t("hq-devices-title")}>
                        <thead><tr><th>{t("hq-col-device")}</th><th>{t("hq-centre")}</th><th>{t("hq-col-kind")}</th><th>{t("hq-col-enrolled")}</th><th>{t("hq-col-seen")}</th><th>{t("hq-col-received")}</th><th>{t("hq-col-action")}</th></tr></thead>
                        <tbody>{ for device_rows }</tbody>
                    </table>
                }
            </section>
            <section class="card">
                <h2>{t("hq-incidents-title")}</h2>
                if o.incidents.is_empty() {
                    <p class="muted" id="hq-no-incidents">{t("hq-no-incidents")}</p>
                } else {
                    <table class="marks" id="hq-incidents" aria-label={t("hq-incidents-title")}>
                        <thead><tr><th>{t("hq-col-when")}</th><th>{t("hq-col-kind")}</th><th>{t("hq-col-attempt")}</th><th>{t("hq-col-device")}</th><th>{t("hq-col-detail")}</th></tr></thead>
                        <tbody>{ for incidents }</tbody>
                    </table>
                }
            </section>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::usernames;

    #[test]
    fn usernames_are_split_trimmed_lowered_and_kept_once_in_order() {
        assert_eq!(
            usernames(" Ann, bob;\ncid  ann\n\n"),
            vec!["ann", "bob", "cid"]
        );
        assert!(usernames(" ,; \n").is_empty());
    }
}
