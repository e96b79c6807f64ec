//! IPC commands. Each one: take the `App`, call one use case, map the error.

use examhall_app::reports::Report;
use examhall_app::App;
use examhall_protocol::room::*;
use examhall_protocol::*;
use tauri::State;

type Res<T> = Result<T, ErrorDto>;

/// A command for a signed-in use case `App::$method(&token, args)`.
macro_rules! authed {
    ($name:ident => $method:ident($args:ty) -> $ret:ty) => {
        #[tauri::command]
        pub async fn $name(app: State<'_, App>, token: String, args: $args) -> Res<$ret> {
            app.$method(&token, args).await.map_err(|e| e.to_dto())
        }
    };
    ($name:ident => $method:ident() -> $ret:ty) => {
        #[tauri::command]
        pub async fn $name(app: State<'_, App>, token: String) -> Res<$ret> {
            app.$method(&token).await.map_err(|e| e.to_dto())
        }
    };
}

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
pub async fn print_exam_summary(
    app: State<'_, App>,
    dir: State<'_, ReportsDir>,
    token: String,
    args: i64,
) -> Res<SavedReportDto> {
    saved(&dir, app.exam_summary_pdf(&token, args).await)
}

#[tauri::command]
pub async fn print_login_slips(
    app: State<'_, App>,
    dir: State<'_, ReportsDir>,
    token: String,
    args: Vec<examhall_app::protocol::OneTimePassword>,
) -> Res<SavedReportDto> {
    saved(&dir, app.login_slips_pdf(&token, args).await)
}

#[tauri::command]
pub async fn print_seat_tokens(
    app: State<'_, App>,
    dir: State<'_, ReportsDir>,
    token: String,
    args: examhall_app::protocol::sync::SeatTokens,
) -> Res<SavedReportDto> {
    saved(&dir, app.seat_tokens_pdf(&token, args).await)
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
pub async fn print_room_report(
    app: State<'_, App>,
    dir: State<'_, ReportsDir>,
    token: String,
    args: i64,
) -> Res<SavedReportDto> {
    saved(&dir, app.room_report_pdf(&token, args).await)
}

#[tauri::command]
pub async fn print_result_sheet(
    app: State<'_, App>,
    dir: State<'_, ReportsDir>,
    token: String,
    args: AttemptRef,
) -> Res<SavedReportDto> {
    saved(&dir, app.result_sheet_pdf(&token, &args.attempt_id).await)
}

#[tauri::command]
pub async fn export_results(
    app: State<'_, App>,
    dir: State<'_, ReportsDir>,
    token: String,
    args: ExportRequest,
) -> Res<SavedReportDto> {
    saved(&dir, app.export_results(&token, args).await)
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

authed!(print_job => print_job(u64) -> PrintJobDto);
authed!(cancel_print_job => cancel_print_job(u64) -> ());

authed!(sync_status => sync_status() -> sync::SyncStatusDto);
authed!(list_users => list_users(examhall_app::protocol::UserQuery) -> Vec<UserDto>);
authed!(create_user => create_user(NewUser) -> UserDto);
authed!(update_user => update_user(examhall_app::protocol::EditUser) -> UserDto);
authed!(reset_password => reset_password(i64) -> examhall_app::protocol::OneTimePassword);
authed!(change_own_password => change_own_password(examhall_app::protocol::PasswordChange) -> SessionDto);
authed!(account_changes => account_changes(i64) -> Vec<examhall_app::protocol::AccountChangeDto>);
authed!(lift_login_block => lift_login_block(String) -> u64);

authed!(enrol_with_hq => enrol_with_hq(sync::EnrolDesktop) -> sync::SyncStatusDto);
authed!(open_package => open_package(sync::OpenPackage) -> SittingDto);

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

authed!(logout => logout() -> ());
authed!(my_exams => my_exams() -> Vec<ExamCard>);
authed!(start_attempt => start_attempt(StartAttempt) -> AttemptView);
authed!(open_attempt => open_attempt(AttemptRef) -> AttemptView);
authed!(set_answer => set_answer(SetAnswer) -> SaveAck);
authed!(set_flag => set_flag(SetFlag) -> SaveAck);
authed!(navigate => navigate(Navigate) -> SaveAck);
authed!(heartbeat => heartbeat(AttemptRef) -> ClockDto);
authed!(submit => submit(AttemptRef) -> SubmitAck);
authed!(attempt_result => attempt_result(AttemptRef) -> ResultView);
authed!(task_status => task_status(i64) -> TaskStatusDto);
authed!(list_exams => list_exams() -> Vec<ExamSummaryDto>);
authed!(open_sitting => open_sitting(OpenSitting) -> SittingDto);
authed!(close_sitting => close_sitting(i64) -> ());
authed!(attempt_summaries => attempt_summaries() -> Vec<AttemptSummaryDto>);
authed!(verify_receipt => verify_receipt(VerifyReceipt) -> ReceiptCheckDto);
authed!(exam_analysis => exam_analysis(i64) -> ExamAnalysisDto);
authed!(essays_to_mark => essays_to_mark() -> Vec<EssayToMarkDto>);
authed!(mark_essay => mark_essay(MarkEssay) -> ResultView);
authed!(preview_regrade => preview_regrade(KeyCorrection) -> RegradePreviewDto);
authed!(apply_regrade => apply_regrade(KeyCorrection) -> RegradeStartedDto);

// The question bank and the exam builder.
authed!(import_questions => import_questions(bank::ImportRequest) -> bank::ImportReportDto);
authed!(bank => bank(bank::BankFilter) -> Vec<bank::BankItemDto>);
authed!(save_bank_question => save_bank_question(bank::BankEdit) -> bank::BankItemDto);
authed!(duplicate_bank_question => duplicate_bank_question(i64) -> bank::BankItemDto);
authed!(archive_bank_question => archive_bank_question(bank::ArchiveBankQuestion) -> ());
authed!(preview_exam => preview_exam(bank::PreviewExam) -> bank::ExamPreviewDto);
authed!(publish_exam => publish_exam(bank::PublishExam) -> bank::PublishedExamDto);
authed!(candidates => candidates() -> Vec<UserDto>);
// Drafts, and published exams cloned or edited until they start.
authed!(save_draft => save_draft(bank::SaveDraft) -> bank::DraftSummaryDto);
authed!(drafts => drafts() -> Vec<bank::DraftSummaryDto>);
authed!(open_draft => open_draft(i64) -> bank::DraftDto);
authed!(delete_draft => delete_draft(i64) -> ());
authed!(clone_exam => clone_exam(i64) -> bank::DraftDto);
authed!(edit_exam => edit_exam(i64) -> bank::DraftDto);

// The room session: the console, and the candidate's side of a locked seat.
authed!(room_sessions => room_sessions() -> Vec<RoomSessionDto>);
authed!(create_room_session => create_room_session(CreateRoomSession) -> RoomSessionDto);
authed!(open_room_session => open_room_session(SessionRef) -> RoomSessionDto);
authed!(room_console => room_console(SessionRef) -> RoomConsoleDto);
authed!(check_in => check_in(CheckIn) -> RoomConsoleDto);
authed!(room_action => room_action(RoomAction) -> RoomActionAck);
authed!(record_incident => record_incident(RecordIncident) -> RoomConsoleDto);
authed!(move_candidate => move_candidate(MoveCandidate) -> RoomConsoleDto);
authed!(void_attempt => void_attempt(VoidAttempt) -> AttemptSummaryDto);
authed!(reset_for_resit => reset_for_resit(ResetForResit) -> AttemptSummaryDto);
authed!(offline_unlock_code => offline_unlock_code(OfflineUnlock) -> UnlockCodeDto);
authed!(decide_credit => decide_credit(DecideCredit) -> RoomConsoleDto);
authed!(close_room_session => close_room_session(CloseRoomSession) -> RoomSessionDto);
// Setting up the room on the hub desktop: seat tokens, seats, the exam to the seats.
authed!(issue_seat_tokens => issue_seat_tokens(sync::IssueSeatTokens) -> sync::SeatTokens);
authed!(devices => devices() -> Vec<sync::DeviceDto>);
authed!(staff_home => staff_home() -> examhall_app::protocol::StaffHomeDto);
// An exam's candidates: assignments, accommodations, releasing held results.
authed!(exam_candidates => exam_candidates(i64) -> ExamCandidatesDto);
authed!(assign_candidates => assign_candidates(AssignCandidates) -> AssignedCandidates);
authed!(update_assignment => update_assignment(UpdateAssignment) -> ExamCandidateDto);
authed!(unassign_candidate => unassign_candidate(UnassignCandidate) -> ());
authed!(release_results => release_results(ReleaseResults) -> ReleasedResults);
authed!(revoke_device => revoke_device(sync::RevokeDevice) -> sync::DeviceDto);
authed!(publish_to_room => publish_to_room(SessionRef) -> sync::PublishedPackage);
authed!(lock_info => lock_info(AttemptRef) -> LockDto);
authed!(unlock_seat => unlock_seat(UnlockSeat) -> LockDto);
authed!(focus_lost => focus_lost(FocusLost) -> SaveAck);

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
    ErrorDto {
        code: ErrorCode::Internal,
        message: format!("the window: {e}"),
        field: None,
    }
}

pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        setup_status,
        create_first_admin,
        login,
        logout,
        my_exams,
        start_attempt,
        open_attempt,
        set_answer,
        set_flag,
        navigate,
        heartbeat,
        submit,
        attempt_result,
        task_status,
        list_exams,
        open_sitting,
        close_sitting,
        attempt_summaries,
        exam_analysis,
        essays_to_mark,
        mark_essay,
        preview_regrade,
        apply_regrade,
        print_exam_summary,
        print_room_report,
        print_result_sheet,
        export_results,
        start_printing_sheets,
        print_job,
        cancel_print_job,
        sync_status,
        list_users,
        create_user,
        update_user,
        reset_password,
        change_own_password,
        account_changes,
        lift_login_block,
        import_users,
        print_login_slips,
        enrol_with_hq,
        open_package,
        export_results_to_folder,
        room_sessions,
        create_room_session,
        open_room_session,
        room_console,
        check_in,
        room_action,
        record_incident,
        move_candidate,
        void_attempt,
        reset_for_resit,
        offline_unlock_code,
        decide_credit,
        close_room_session,
        issue_seat_tokens,
        devices,
        revoke_device,
        publish_to_room,
        print_seat_tokens,
        staff_home,
        exam_candidates,
        assign_candidates,
        update_assignment,
        unassign_candidate,
        release_results,
        lock_info,
        unlock_seat,
        focus_lost,
        exam_mode,
        close_exam_window,
        import_questions,
        bank,
        save_bank_question,
        duplicate_bank_question,
        archive_bank_question,
        preview_exam,
        publish_exam,
        verify_receipt,
        save_draft,
        drafts,
        open_draft,
        delete_draft,
        clone_exam,
        edit_exam,
        candidates
    ]
}
