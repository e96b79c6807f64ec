//! IPC commands. Each one: take the `App`, call one use case, map the error.

use examhall_app::reports::Report;
use examhall_app::App;
use examhall_protocol::room::*;
use examhall_protocol::*;
use tauri::State;

type Res<T> = Result<T, ErrorDto>;

/// The table's signed-in use cases (scopes `both` and `desktop`) become
/// commands `name(token, args)` calling `App::name(&token, args)`; the others
/// are written by hand below. The handler registers every command of the table.
macro_rules! tauri_commands {
    ($( $scope:ident $name:ident ( $($req:ty)? ) -> $resp:ty ; )*) => {
        $( tauri_commands!(@one $scope $name ( $($req)? ) -> $resp); )*

        /// Every command of the table (`examhall_protocol::ui_commands!`).
        pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![ $($name),* ]
        }
    };
    (@one both $name:ident ( $($req:ty)? ) -> $resp:ty) => {
        tauri_commands!(@authed $name ( $($req)? ) -> $resp);
    };
    (@one desktop $name:ident ( $($req:ty)? ) -> $resp:ty) => {
        tauri_commands!(@authed $name ( $($req)? ) -> $resp);
    };
    (@one report $name:ident ( $req:ty ) -> $resp:ty) => {
        #[tauri::command]
        pub async fn $name(
            app: State<'_, App>,
            dir: State<'_, ReportsDir>,
            token: String,
            args: $req,
        ) -> Res<$resp> {
            saved(&dir, app.$name(&token, args).await)
        }
    };
    (@one $hand_written:ident $name:ident ( $($req:ty)? ) -> $resp:ty) => {};
    (@authed $name:ident ( $req:ty ) -> $resp:ty) => {
        #[tauri::command]
        pub async fn $name(app: State<'_, App>, token: String, args: $req) -> Res<$resp> {
            app.$name(&token, args).await.map_err(|e| e.to_dto())
        }
    };
    (@authed $name:ident ( ) -> $resp:ty) => {
        #[tauri::command]
        pub async fn $name(app: State<'_, App>, token: String) -> Res<$resp> {
            app.$name(&token).await.map_err(|e| e.to_dto())
        }
    };
}

examhall_protocol::ui_commands!(tauri_commands);

/// The folder printed reports are saved in (`<data dir>/reports`).
#[derive(Debug)]
pub struct ReportsDir(pub std::path::PathBuf);

fn saved(dir: &ReportsDir, r: examhall_app::AppResult<Report>) -> Res<SavedReportDto> {
    let path = r
        .and_then(|r| examhall_app::reports::save_report(&dir.0, &r))
        .map_err(|e| e.to_dto())?;
    Ok(SavedReportDto {
        path: path.display().to_string(),
    })
}

#[tauri::command]
pub async fn import_users(
    app: State<'_, App>,
    window: tauri::Window,
    token: String,
    args: examhall_app::protocol::ImportUsers,
) -> Res<examhall_app::protocol::UserImportReport> {
    use tauri::Emitter as _;
    // The window draws a progress bar: about a hundred steps, and the last.
    app.import_users(&token, args, move |done, total| {
        if done == total || done % (total / 100).max(1) == 0 {
            let p = ImportProgressDto {
                done: done as u64,
                total: total as u64,
            };
            let _ = window.emit_to(window.label(), IMPORT_PROGRESS_EVENT, p);
        }
    })
    .await
    .map_err(|e| e.to_dto())
}

#[tauri::command]
pub async fn start_printing_sheets(
    app: State<'_, App>,
    dir: State<'_, ReportsDir>,
    token: String,
    args: i64,
) -> Res<u64> {
    app.start_printing_sheets(&token, args, dir.0.clone())
        .await
        .map_err(|e| e.to_dto())
}

/// "Save as…": a copy of a saved report where the user chooses in the system's
/// save dialog, which opens in their documents folder with the report's name.
/// The page names only the file in the reports folder; the destination comes
/// from the dialog. `None`: the dialog was cancelled.
#[tauri::command]
pub async fn save_report_as(
    app: State<'_, App>,
    dir: State<'_, ReportsDir>,
    window: tauri::WebviewWindow,
    token: String,
    args: SaveReportCopy,
) -> Res<Option<SavedReportDto>> {
    use tauri::Manager as _;
    use tauri_plugin_dialog::DialogExt as _;
    let source = app
        .saved_report(&token, &dir.0, &args.file_name)
        .await
        .map_err(|e| e.to_dto())?;
    let title: String = args.title.chars().take(200).collect();
    let mut dialog = window
        .dialog()
        .file()
        .set_parent(&window)
        .set_title(title)
        .set_file_name(&args.file_name);
    if let Some(ext) = source.extension().and_then(|e| e.to_str()) {
        dialog = dialog.add_filter(ext.to_uppercase(), &[ext]);
    }
    if let Ok(docs) = window.path().document_dir() {
        if docs.is_dir() {
            dialog = dialog.set_directory(docs);
        }
    }
    // The dialog waits for the user: off the async workers.
    let chosen = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(|e| internal(format!("the save dialog: {e}")))?;
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    let dest = chosen
        .into_path()
        .map_err(|e| internal(format!("the chosen file: {e}")))?;
    let from = source.clone();
    let to = dest.clone();
    tauri::async_runtime::spawn_blocking(move || examhall_app::reports::save_copy(&from, &to))
        .await
        .map_err(|e| internal(format!("copying the report: {e}")))?
        .map_err(|e| e.to_dto())?;
    tracing::info!(from = %source.display(), to = %dest.display(), "report copied (Save as)");
    Ok(Some(SavedReportDto {
        path: dest.display().to_string(),
    }))
}

fn internal(message: String) -> ErrorDto {
    ErrorDto {
        code: ErrorCode::Internal,
        message,
        field: None,
    }
}

/// Writes signed results and a manifest into a folder (a USB stick).
#[tauri::command]
pub async fn export_results_to_folder(
    app: State<'_, App>,
    token: String,
    args: String,
) -> Res<sync::ExportedResults> {
    app.export_results_to(&token, std::path::Path::new(&args))
        .await
        .map_err(|e| e.to_dto())
}

#[tauri::command]
pub async fn setup_status(app: State<'_, App>) -> Res<SetupStatus> {
    // The UI asks this once it runs: the start-up time the benchmarks measure.
    static FIRST: std::sync::Once = std::sync::Once::new();
    FIRST.call_once(|| {
        tracing::info!(
            target: "examhall::startup",
            ms = crate::STARTED.elapsed().as_millis() as u64,
            "the window asked for its first screen"
        )
    });
    app.setup_status().await.map_err(|e| e.to_dto())
}

#[tauri::command]
pub async fn create_first_admin(app: State<'_, App>, args: NewUser) -> Res<SessionDto> {
    app.create_first_admin(args).await.map_err(|e| e.to_dto())
}

#[tauri::command]
pub async fn login(app: State<'_, App>, args: LoginRequest) -> Res<SessionDto> {
    app.login(args).await.map_err(|e| e.to_dto())
}

/// The candidate's window while an attempt is on screen: fullscreen and above
/// other windows (`on: false` restores it). Window state only; no use case.
/// While on, closing the window asks for the invigilator's code.
#[tauri::command]
pub fn exam_mode(
    window: tauri::WebviewWindow,
    exam: State<'_, crate::ExamWindow>,
    on: bool,
) -> Res<()> {
    exam.set(on);
    window
        .set_fullscreen(on)
        .and_then(|_| window.set_always_on_top(on))
        .map_err(window_error)
}

/// The candidate (with the invigilator's code, under a room session) closes the
/// exam window; the use case decides, the shell only closes the window.
#[tauri::command]
pub async fn close_exam_window(
    app: State<'_, App>,
    exam: State<'_, crate::ExamWindow>,
    window: tauri::WebviewWindow,
    token: String,
    args: CloseExamWindow,
) -> Res<()> {
    app.close_exam_window(&token, args)
        .await
        .map_err(|e| e.to_dto())?;
    exam.set(false);
    window.close().map_err(window_error)
}

fn window_error(e: tauri::Error) -> ErrorDto {
    internal(format!("the window: {e}"))
}
