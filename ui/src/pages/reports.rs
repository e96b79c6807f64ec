//! Printing and exporting an exam's results: the summary PDF, every result
//! sheet (in the background, with a progress bar and a cancel button), the room
//! report, and CSV/XLSX exports. Files land in the data directory's `reports`.

use crate::ipc;
use crate::Nav;
use examhall_protocol::{ExportFormat, ExportRequest, PrintJobState, SavedReportDto};
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
    let save = |label: &'static str, run: SaveCall| {
        let (status, nav, exam) = (status.clone(), p.nav.clone(), p.exam_id);
        Callback::from(move |_| {
            let (status, nav) = (status.clone(), nav.clone());
            status.set(Status::Busy(format!("{label}…")));
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
    let summary = save("Printing the summary", |t, e| {
        Box::pin(async move { ipc::print_exam_summary(&t, e).await })
    });
    let room = save("Printing the room report", |t, e| {
        Box::pin(async move { ipc::print_room_report(&t, e).await })
    });
    let csv = save("Exporting results", |t, e| {
        Box::pin(async move {
            ipc::export_results(
                &t,
                ExportRequest {
                    exam_id: e,
                    format: ExportFormat::ResultsCsv,
                },
            )
            .await
        })
    });
    let items = save("Exporting the item analysis", |t, e| {
        Box::pin(async move {
            ipc::export_results(
                &t,
                ExportRequest {
                    exam_id: e,
                    format: ExportFormat::ItemsCsv,
                },
            )
            .await
        })
    });
    let xlsx = save("Exporting the workbook", |t, e| {
        Box::pin(async move {
            ipc::export_results(
                &t,
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
                                status.set(Status::Failed(
                                    "Printing was cancelled; no file was written.".into(),
                                ));
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
            <p class="saved" id="report-status" aria-live="polite">{"Saved to "}<code id="report-path">{path}</code></p>
        },
        Status::Failed(e) => html! { <p class="error" id="report-status" role="alert">{e}</p> },
        Status::Printing { done, total, .. } => html! {
            <div class="printing" aria-live="polite">
                <label for="print-progress">{format!("Printing result sheets: {done} of {}", if *total == 0 { "…".to_owned() } else { total.to_string() })}</label>
                <progress id="print-progress" max={total.max(&1).to_string()} value={done.to_string()} />
                <button id="cancel-print" onclick={cancel}>{"Cancel"}</button>
            </div>
        },
    };
    html! {
        <div class="reports" id="reports-panel">
            <h2>{"Print and export"}</h2>
            <div class="actions">
                <button id="print-summary" disabled={busy} onclick={summary}>{"Summary PDF"}</button>
                <button id="print-sheets" disabled={busy} onclick={sheets}>{"All result sheets (PDF)"}</button>
                <button id="print-room" disabled={busy} onclick={room}>{"Room report PDF"}</button>
                <button id="export-csv" disabled={busy} onclick={csv}>{"Results CSV"}</button>
                <button id="export-items" disabled={busy} onclick={items}>{"Item analysis CSV"}</button>
                <button id="export-xlsx" disabled={busy} onclick={xlsx}>{"Workbook (XLSX)"}</button>
            </div>
            {line}
        </div>
    }
}
