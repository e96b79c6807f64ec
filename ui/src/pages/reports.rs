//! Printing and exporting an exam's results: the summary PDF, every result
//! sheet (in the background, with a progress bar and a cancel button), the room
//! report, and CSV/XLSX exports. Files land in the data directory's `reports`.

use crate::i18n::{t, ta};
use crate::ipc;
use crate::Nav;
use examhall_protocol::{
    ExportFormat, ExportRequest, PrintJobState, SaveReportCopy, SavedReportDto,
};
use std::future::Future;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub nav: Nav,
    pub exam_id: i64,
}

/// A call that renders something and saves it: (token, exam id) -> where it went.
type SaveCall =
    fn(String, i64) -> std::pin::Pin<Box<dyn Future<Output = ipc::Res<SavedReportDto>>>>;

#[derive(Clone, PartialEq)]
enum Status {
    Idle,
    Busy(String),
    Saved(String),
    Failed(String),
    Printing { id: u64, done: usize, total: usize },
}

#[function_component(ReportsPanel)]
pub fn reports_panel(p: &Props) -> Html {
    let status = use_state(|| Status::Idle);
    let busy = matches!(*status, Status::Busy(_) | Status::Printing { .. });

    // One button: run a call that saves a file, then say where it went.
    let save = |busy_text: String, run: SaveCall| {
        let (status, nav, exam) = (status.clone(), p.nav.clone(), p.exam_id);
        Callback::from(move |_| {
            let (status, nav) = (status.clone(), nav.clone());
            status.set(Status::Busy(busy_text.clone()));
            wasm_bindgen_futures::spawn_local(async move {
                match run(nav.token.clone(), exam).await {
                    Ok(saved) => status.set(Status::Saved(saved.path)),
                    Err(e) => {
                        nav.check(&e);
                        status.set(Status::Failed(e.message));
                    }
                }
            });
        })
    };
    let summary = save(t("reports-busy-summary"), |token, e| {
        Box::pin(async move { ipc::print_exam_summary(&token, e).await })
    });
    let room = save(t("reports-busy-room"), |token, e| {
        Box::pin(async move { ipc::print_room_report(&token, e).await })
    });
    let csv = save(t("reports-busy-results"), |token, e| {
        Box::pin(async move {
            ipc::export_results(
                &token,
                ExportRequest {
                    exam_id: e,
                    format: ExportFormat::ResultsCsv,
                },
            )
            .await
        })
    });
    let items = save(t("reports-busy-items"), |token, e| {
        Box::pin(async move {
            ipc::export_results(
                &token,
                ExportRequest {
                    exam_id: e,
                    format: ExportFormat::ItemsCsv,
                },
            )
            .await
        })
    });
    let xlsx = save(t("reports-busy-workbook"), |token, e| {
        Box::pin(async move {
            ipc::export_results(
                &token,
                ExportRequest {
                    exam_id: e,
                    format: ExportFormat::Xlsx,
                },
            )
            .await
        })
    });

    let sheets = {
        let (status, nav, exam) = (status.clone(), p.nav.clone(), p.exam_id);
        Callback::from(move |_| {
            let (status, nav) = (status.clone(), nav.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let id = match ipc::start_printing_sheets(&nav.token, exam).await {
                    Ok(id) => id,
                    Err(e) => {
                        nav.check(&e);
                        status.set(Status::Failed(e.message));
                        return;
                    }
                };
                status.set(Status::Printing {
                    id,
                    done: 0,
                    total: 0,
                });
                loop {
                    gloo_timers::future::TimeoutFuture::new(200).await;
                    match ipc::print_job(&nav.token, id).await {
                        Ok(job) => match job.state {
                            PrintJobState::Running => status.set(Status::Printing {
                                id,
                                done: job.done,
                                total: job.total,
                            }),
                            PrintJobState::Done { path } => {
                                status.set(Status::Saved(path));
                                return;
                            }
                            PrintJobState::Cancelled => {
                                status.set(Status::Failed(t("reports-cancelled")));
                                return;
                            }
                            PrintJobState::Failed { error } => {
                                status.set(Status::Failed(error));
                                return;
                            }
                        },
                        Err(e) => {
                            nav.check(&e);
                            status.set(Status::Failed(e.message));
                            return;
                        }
                    }
                }
            });
        })
    };
    let cancel = {
        let (status, nav) = (status.clone(), p.nav.clone());
        Callback::from(move |_| {
            if let Status::Printing { id, .. } = *status {
                let nav = nav.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = ipc::cancel_print_job(&nav.token, id).await;
                });
            }
        })
    };

    let line = match &*status {
        Status::Idle => html! {},
        Status::Busy(what) => {
            html! { <p class="muted" id="report-status" aria-live="polite">{what}</p> }
        }
        Status::Saved(path) => html! {
            <>
                <p class="saved" id="report-status" aria-live="polite">{t("reports-saved-to")}<code id="report-path">{path}</code></p>
                <SaveCopy nav={p.nav.clone()} path={path.clone()} />
            </>
        },
        Status::Failed(e) => html! { <p class="error" id="report-status" role="alert">{e}</p> },
        Status::Printing { done, total, .. } => html! {
            <div class="printing" aria-live="polite">
                <label for="print-progress">{ta("reports-printing", &[("done", (*done).into()), ("total", if *total == 0 { "…".to_owned() } else { total.to_string() }.into())])}</label>
                <progress id="print-progress" max={total.max(&1).to_string()} value={done.to_string()} />
                <button id="cancel-print" onclick={cancel}>{t("reports-cancel")}</button>
            </div>
        },
    };
    html! {
        <div class="reports" id="reports-panel">
            <h2>{t("reports-title")}</h2>
            <div class="actions">
                <button id="print-summary" disabled={busy} onclick={summary}>{t("reports-summary-pdf")}</button>
                <button id="print-sheets" disabled={busy} onclick={sheets}>{t("reports-sheets-pdf")}</button>
                <button id="print-room" disabled={busy} onclick={room}>{t("reports-room-pdf")}</button>
                <button id="export-csv" disabled={busy} onclick={csv}>{t("reports-results-csv")}</button>
                <button id="export-items" disabled={busy} onclick={items}>{t("reports-items-csv")}</button>
                <button id="export-xlsx" disabled={busy} onclick={xlsx}>{t("reports-workbook-xlsx")}</button>
            </div>
            {line}
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SaveCopyProps {
    pub nav: Nav,
    /// Where the report was saved, in the reports folder.
    pub path: String,
    /// The button's id (its status line's is `<id>-status`), unique on the page.
    #[prop_or("save-copy")]
    pub id: &'static str,
}

#[derive(Clone, PartialEq)]
enum Copy {
    Idle,
    Busy,
    Copied(String),
    Failed(String),
}

/// "Save a copy as…" beside a saved report, on the desktop: the system's save
/// dialog, opening in the documents folder with the report's name. (In a
/// browser the report was a download, which the browser saves where asked.)
#[function_component(SaveCopy)]
pub fn save_copy(p: &SaveCopyProps) -> Html {
    let state = use_state(|| Copy::Idle);
    {
        // Another report saved: its own copy, not the last one's message.
        let state = state.clone();
        use_effect_with(p.path.clone(), move |_| state.set(Copy::Idle));
    }
    if !ipc::in_desktop() {
        return html! {};
    }
    let file_name = p
        .path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .to_owned();
    let onclick = {
        let (state, nav) = (state.clone(), p.nav.clone());
        Callback::from(move |_: MouseEvent| {
            let (state, nav, file_name) = (state.clone(), nav.clone(), file_name.clone());
            state.set(Copy::Busy);
            wasm_bindgen_futures::spawn_local(async move {
                let req = SaveReportCopy {
                    file_name,
                    title: t("save-copy-title"),
                };
                match ipc::save_report_as(&nav.token, req).await {
                    Ok(Some(saved)) => state.set(Copy::Copied(saved.path)),
                    Ok(None) => state.set(Copy::Idle),
                    Err(e) => {
                        nav.check(&e);
                        state.set(Copy::Failed(e.message));
                    }
                }
            });
        })
    };
    html! {
        <div class="save-copy">
            <button type="button" id={p.id} disabled={*state == Copy::Busy} {onclick}>{t("save-copy")}</button>
            { match &*state {
                Copy::Copied(path) => html! { <p class="saved" id={format!("{}-status", p.id)} role="status">{ta("save-copy-done", &[("path", path.clone().into())])}</p> },
                Copy::Failed(e) => html! { <p class="error" id={format!("{}-status", p.id)} role="alert">{e}</p> },
                _ => html! {},
            } }
        </div>
    }
}
