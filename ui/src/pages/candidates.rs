//! One exam's candidates, for its teacher or an administrator: who is assigned
//! with which accommodations (changed, added or taken off until each starts),
//! how far each got, releasing results held for review, and the record of every
//! change.

use crate::i18n::{date_time, number, t, ta};
use crate::ipc;
use crate::Nav;
use examhall_protocol::{
    AssignCandidates, ExamCandidateDto, ExamCandidatesDto, ReleaseResults, UnassignCandidate,
    UpdateAssignment, UserDto,
};
use examhall_protocol::{AttemptStatus, DisplayPreset, ResultRelease};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
    pub exam_id: i64,
}

/// The accommodations being edited on one row.
#[derive(Clone, PartialEq)]
struct Editing {
    username: String,
    multiplier: String,
    preset: DisplayPreset,
}

fn preset_text(p: Option<&DisplayPreset>) -> String {
    let Some(p) = p.filter(|p| **p != DisplayPreset::default()) else {
        return t("cands-display-standard");
    };
    let mut parts = Vec::new();
    if p.text_step > 0 {
        parts.push(ta(
            "cands-display-text",
            &[("percent", (100 + 25 * u32::from(p.text_step)).into())],
        ));
    }
    if p.high_contrast {
        parts.push(t("cands-display-contrast"));
    }
    if p.reading_guide {
        parts.push(t("cands-display-guide"));
    }
    parts.join(", ")
}

fn status_text(s: Option<AttemptStatus>) -> String {
    match s {
        None => t("cands-not-started"),
        Some(AttemptStatus::InProgress) => t("staff-status-in-progress"),
        Some(AttemptStatus::Submitted) => t("staff-status-submitted"),
        Some(AttemptStatus::Graded) => t("staff-status-graded"),
    }
}

#[function_component(ExamCandidatesPage)]
pub fn exam_candidates_page(p: &Props) -> Html {
    let data = use_state(|| None::<ExamCandidatesDto>);
    let everyone = use_state(Vec::<UserDto>::new);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let editing = use_state(|| None::<Editing>);
    let picked = use_state(std::collections::BTreeSet::<String>::new);
    let search = use_state(String::new);
    let version = use_state(|| 0u32);
    let (nav, exam_id) = (p.nav.clone(), p.exam_id);
    {
        let (data, everyone, error, nav) =
            (data.clone(), everyone.clone(), error.clone(), nav.clone());
        use_effect_with((exam_id, *version), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::exam_candidates(&nav.token, exam_id).await {
                    Ok(d) => data.set(Some(d)),
                    Err(e) => {
                        nav.check(&e);
                        error.set(Some(e.message));
                    }
                }
                if let Ok(list) = ipc::candidates(&nav.token).await {
                    everyone.set(list);
                }
            });
        });
    }
    // Runs one call; on success shows `done(result)` and reloads the list.
    let run = {
        let (error, notice, version, nav) =
            (error.clone(), notice.clone(), version.clone(), nav.clone());
        move |fut: std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<String, examhall_protocol::ErrorDto>>>,
        >| {
            let (error, notice, version, nav) =
                (error.clone(), notice.clone(), version.clone(), nav.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match fut.await {
                    Ok(msg) => {
                        error.set(None);
                        notice.set(Some(msg));
                        version.set(*version + 1);
                    }
                    Err(e) => {
                        nav.check(&e);
                        notice.set(None);
                        error.set(Some(e.message));
                    }
                }
            });
        }
    };
    let Some(d) = (*data).clone() else {
        return html! {
            <section class="card" id="exam-candidates">
                if let Some(e) = &*error { <p class="error" role="alert" id="candidates-error">{e}</p> }
                else { <p class="muted">{t("staff-loading")}</p> }
            </section>
        };
    };
    let held = d.release == ResultRelease::AfterReview;

    let release_all = {
        let (run, token) = (run.clone(), nav.token.clone());
        Callback::from(move |_: MouseEvent| {
            let token = token.clone();
            run(Box::pin(async move {
                let r = ipc::release_results(
                    &token,
                    ReleaseResults {
                        exam_id,
                        usernames: vec![],
                    },
                )
                .await?;
                Ok(ta(
                    "cands-released-all",
                    &[("count", r.newly_visible.into())],
                ))
            }))
        })
    };

    let rows = d.rows.iter().map(|r: &ExamCandidateDto| {
        let u = r.username.clone();
        let started = r.status.is_some();
        let graded = r.status == Some(AttemptStatus::Graded);
        let this_edit = (*editing).clone().filter(|e| e.username == u);
        let accommodations = if let Some(ed) = this_edit {
            let set_mult = {
                let (editing, ed) = (editing.clone(), ed.clone());
                Callback::from(move |e: InputEvent| {
                    let v = e.target_unchecked_into::<HtmlInputElement>().value();
                    editing.set(Some(Editing { multiplier: v, ..ed.clone() }));
                })
            };
            let set_text = {
                let (editing, ed) = (editing.clone(), ed.clone());
                Callback::from(move |e: Event| {
                    let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                    let step = v.parse().unwrap_or(0);
                    editing.set(Some(Editing { preset: DisplayPreset { text_step: step, ..ed.preset }, ..ed.clone() }));
                })
            };
            let toggle = |which: fn(&mut DisplayPreset) -> &mut bool| {
                let (editing, ed) = (editing.clone(), ed.clone());
                Callback::from(move |e: Event| {
                    let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                    let mut preset = ed.preset;
                    *which(&mut preset) = on;
                    editing.set(Some(Editing { preset, ..ed.clone() }));
                })
            };
            let save = {
                let (run, token, ed, editing) = (run.clone(), nav.token.clone(), ed.clone(), editing.clone());
                Callback::from(move |_: MouseEvent| {
                    let (token, ed, editing) = (token.clone(), ed.clone(), editing.clone());
                    run(Box::pin(async move {
                        let m = crate::authoring::parse_decimal(&ed.multiplier).ok_or_else(|| examhall_protocol::ErrorDto {
                            code: examhall_protocol::ErrorCode::Invalid,
                            message: t("cands-multiplier-invalid"),
                            field: Some("time_multiplier".into()),
                        })?;
                        // A preset with every setting off is stored as none.
                        let row = ipc::update_assignment(&token, UpdateAssignment {
                            exam_id, username: ed.username.clone(), time_multiplier: m, display_preset: Some(ed.preset),
                        }).await?;
                        editing.set(None);
                        Ok(ta("cands-saved", &[("name", row.display_name.into())]))
                    }))
                })
            };
            let cancel = {
                let editing = editing.clone();
                Callback::from(move |_: MouseEvent| editing.set(None))
            };
            html! {
                <td colspan="2" class="edit-accommodations">
                    <label>{t("cands-extra-time")}
                        <input type="text" inputmode="decimal" size="5" id={format!("mult-{u}")}
                            value={ed.multiplier.clone()} oninput={set_mult} />
                    </label>
                    <label>{t("cands-text-size")}
                        <select id={format!("text-{u}")} onchange={set_text}>
                            { for (0..=DisplayPreset::MAX_TEXT_STEP).map(|s| html! {
                                <option value={s.to_string()} selected={s == ed.preset.text_step}>{format!("{} %", 100 + 25 * u32::from(s))}</option>
                            }) }
                        </select>
                    </label>
                    <label><input type="checkbox" id={format!("contrast-{u}")} checked={ed.preset.high_contrast}
                        onchange={toggle(|p| &mut p.high_contrast)} />{t("cands-display-contrast")}</label>
                    <label><input type="checkbox" id={format!("guide-{u}")} checked={ed.preset.reading_guide}
                        onchange={toggle(|p| &mut p.reading_guide)} />{t("cands-display-guide")}</label>
                    <button class="primary" type="button" id={format!("save-{u}")} onclick={save}>{t("cands-save")}</button>
                    <button type="button" id={format!("cancel-{u}")} onclick={cancel}>{t("cands-cancel")}</button>
                </td>
            }
        } else {
            html! {
                <>
                <td class="num">{format!("× {}", number(r.time_multiplier, 2))}</td>
                <td>{preset_text(r.display_preset.as_ref())}</td>
                </>
            }
        };
        let result = if !graded {
            String::new()
        } else if r.result_visible {
            t("cands-result-visible")
        } else {
            t("cands-result-held")
        };
        let edit = {
            let (editing, r) = (editing.clone(), r.clone());
            Callback::from(move |_: MouseEvent| {
                editing.set(Some(Editing {
                    username: r.username.clone(),
                    multiplier: format!("{}", r.time_multiplier),
                    preset: r.display_preset.unwrap_or_default(),
                }))
            })
        };
        let unassign = {
            let (run, token, u, name) = (run.clone(), nav.token.clone(), u.clone(), r.display_name.clone());
            Callback::from(move |_: MouseEvent| {
                let (token, u, name) = (token.clone(), u.clone(), name.clone());
                run(Box::pin(async move {
                    ipc::unassign_candidate(&token, UnassignCandidate { exam_id, username: u }).await?;
                    Ok(ta("cands-unassigned", &[("name", name.into())]))
                }))
            })
        };
        let release_one = {
            let (run, token, u, name) = (run.clone(), nav.token.clone(), u.clone(), r.display_name.clone());
            Callback::from(move |_: MouseEvent| {
                let (token, u, name) = (token.clone(), u.clone(), name.clone());
                run(Box::pin(async move {
                    ipc::release_results(&token, ReleaseResults { exam_id, usernames: vec![u] }).await?;
                    Ok(ta("cands-released-one", &[("name", name.into())]))
                }))
            })
        };
        html! {
            <tr id={format!("cand-row-{u}")}>
                <td>{&r.display_name}<span class="muted">{format!(" ({u})")}</span></td>
                <td>{r.candidate_number.clone().unwrap_or_default()}</td>
                {accommodations}
                <td>{status_text(r.status)}</td>
                <td>{result}</td>
                <td class="actions">
                    if !started && editing.as_ref().is_none_or(|e| e.username != u) {
                        <button type="button" id={format!("edit-acc-{u}")} onclick={edit}>{t("cands-edit")}</button>
                        <button type="button" id={format!("unassign-{u}")} onclick={unassign}>{t("cands-unassign")}</button>
                    }
                    if held && graded && !r.result_visible {
                        <button type="button" id={format!("release-{u}")} onclick={release_one}>{t("cands-release")}</button>
                    }
                </td>
            </tr>
        }
    });

    // Candidates not yet assigned, filtered by the search box.
    let assigned: std::collections::BTreeSet<&str> =
        d.rows.iter().map(|r| r.username.as_str()).collect();
    let needle = search.trim().to_lowercase();
    let free: Vec<&UserDto> = everyone
        .iter()
        .filter(|u| !u.disabled && !assigned.contains(u.username.as_str()))
        .filter(|u| {
            needle.is_empty()
                || u.username.to_lowercase().contains(&needle)
                || u.display_name.to_lowercase().contains(&needle)
                || u.candidate_number
                    .as_deref()
                    .is_some_and(|n| n.to_lowercase().contains(&needle))
        })
        .collect();
    let picks = free.iter().take(200).map(|u| {
        let name = u.username.clone();
        let on = picked.contains(&name);
        let toggle = {
            let (picked, name) = (picked.clone(), name.clone());
            Callback::from(move |_: Event| {
                let mut set = (*picked).clone();
                if !set.remove(&name) {
                    set.insert(name.clone());
                }
                picked.set(set);
            })
        };
        html! {
            <label class="pick">
                <input type="checkbox" id={format!("pick-{name}")} checked={on} onchange={toggle} />
                {format!("{} ({})", u.display_name, u.username)}
            </label>
        }
    });
    let assign = {
        let (run, token, picked) = (run.clone(), nav.token.clone(), picked.clone());
        Callback::from(move |_: MouseEvent| {
            let (token, names, picked) = (
                token.clone(),
                picked.iter().cloned().collect::<Vec<_>>(),
                picked.clone(),
            );
            run(Box::pin(async move {
                let r = ipc::assign_candidates(
                    &token,
                    AssignCandidates {
                        exam_id,
                        usernames: names,
                    },
                )
                .await?;
                picked.set(Default::default());
                Ok(ta("cands-assigned", &[("count", r.assigned.into())]))
            }))
        })
    };
    let history = d.history.iter().rev().map(|c| {
        let action = match c.action.as_str() {
            "assigned" => t("cands-history-assigned"),
            "changed" => t("cands-history-changed"),
            _ => t("cands-history-unassigned"),
        };
        let values = c
            .time_multiplier
            .map(|m| {
                format!(
                    "× {} · {}",
                    number(m, 2),
                    preset_text(c.display_preset.as_ref())
                )
            })
            .unwrap_or_default();
        html! {
            <tr>
                <td>{date_time(c.at_ms)}</td>
                <td>{c.by.clone().unwrap_or_else(|| t("cands-history-system"))}</td>
                <td>{&c.username}</td>
                <td>{action}</td>
                <td>{values}</td>
            </tr>
        }
    });
    let count = d.rows.len();
    html! {
        <section class="card" id="exam-candidates">
            <h1>{ta("cands-title", &[("title", d.title.clone().into())])}</h1>
            <p class="muted">{ta("cands-count", &[("count", count.into())])}</p>
            if held {
                <div class="notice" id="release-box">
                    if d.released_for_exam {
                        <p id="release-state">{t("cands-released-for-exam")}</p>
                    } else {
                        <p id="release-state">{t("cands-held-info")}</p>
                        <button class="primary" type="button" id="release-all" onclick={release_all}>{t("cands-release-all")}</button>
                    }
                </div>
            }
            if let Some(n) = &*notice { <p class="notice" role="status" id="candidates-notice">{n}</p> }
            if let Some(e) = &*error { <p class="error" role="alert" id="candidates-error">{e}</p> }
            <table class="marks" id="candidates-table">
                <thead><tr>
                    <th>{t("staff-candidate")}</th><th>{t("cands-number")}</th><th>{t("cands-extra-time")}</th>
                    <th>{t("cands-display")}</th><th>{t("staff-status")}</th><th>{t("staff-result")}</th><th />
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            if count == 0 { <p class="muted" id="candidates-none">{t("cands-none")}</p> }
            <h2>{t("cands-add")}</h2>
            <p class="muted">{t("cands-add-info")}</p>
            <input type="search" id="assign-search" placeholder={t("cands-search")} aria-label={t("cands-search")}
                value={(*search).clone()} oninput={crate::pages::bind(&search)} />
            <div class="picks" id="assign-picks">{ for picks }</div>
            if free.len() > 200 { <p class="muted">{ta("cands-more", &[("count", (free.len() - 200).into())])}</p> }
            <button class="primary" type="button" id="assign-selected" disabled={picked.is_empty()} onclick={assign}>
                {ta("cands-assign", &[("count", picked.len().into())])}
            </button>
            <h2>{t("cands-history")}</h2>
            <table class="marks" id="assignment-history">
                <thead><tr><th>{t("cands-history-when")}</th><th>{t("cands-history-by")}</th><th>{t("staff-candidate")}</th><th>{t("cands-history-what")}</th><th>{t("cands-history-values")}</th></tr></thead>
                <tbody>{ for history }</tbody>
            </table>
        </section>
    }
}
