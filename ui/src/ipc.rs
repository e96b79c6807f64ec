//! Typed calls into the desktop shell (`window.__TAURI__.core.invoke`).

use examhall_protocol::room::*;
use examhall_protocol::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], js_name = listen, catch)]
    async fn tauri_listen(event: &str, handler: JsValue) -> Result<JsValue, JsValue>;
}

/// An event from the shell being listened to; dropping it stops listening.
pub struct Listener {
    state: std::rc::Rc<std::cell::RefCell<ListenState>>,
}

#[derive(Default)]
struct ListenState {
    unlisten: Option<js_sys::Function>,
    dropped: bool,
    handler: Option<Closure<dyn FnMut(JsValue)>>,
}

impl ListenState {
    fn stop(&mut self) {
        if let Some(f) = self.unlisten.take() {
            let _ = f.call0(&JsValue::NULL);
        }
        // The handler must outlive the JS side's last call: after unlisten, never.
        self.handler = None;
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let mut st = self.state.borrow_mut();
        st.dropped = true;
        if st.unlisten.is_some() {
            st.stop();
        }
    }
}

/// Calls `f` whenever the shell emits `event` to this window.
pub fn listen(event: &str, f: impl Fn() + 'static) -> Listener {
    listen_with(event, Closure::new(move |_: JsValue| f()))
}

/// Calls `f` with the payload whenever the shell emits `event` to this window
/// (a payload that does not decode is dropped).
pub fn listen_payload<T: DeserializeOwned + 'static>(
    event: &str,
    f: impl Fn(T) + 'static,
) -> Listener {
    listen_with(
        event,
        Closure::new(move |ev: JsValue| {
            let payload = js_sys::Reflect::get(&ev, &JsValue::from_str("payload"))
                .ok()
                .and_then(|p| serde_wasm_bindgen::from_value::<T>(p).ok());
            if let Some(p) = payload {
                f(p)
            }
        }),
    )
}

fn listen_with(event: &str, handler: Closure<dyn FnMut(JsValue)>) -> Listener {
    let state = std::rc::Rc::new(std::cell::RefCell::new(ListenState {
        handler: Some(handler),
        ..ListenState::default()
    }));
    // Only the desktop shell emits events; in a browser nothing is listened to.
    if !in_desktop() {
        return Listener { state };
    }
    let (st, event) = (state.clone(), event.to_owned());
    wasm_bindgen_futures::spawn_local(async move {
        let handler = match st.borrow().handler.as_ref() {
            Some(h) => h.as_ref().clone(),
            None => return,
        };
        if let Ok(unlisten) = tauri_listen(&event, handler).await {
            let mut s = st.borrow_mut();
            s.unlisten = unlisten.dyn_into::<js_sys::Function>().ok();
            if s.dropped {
                s.stop();
            }
        }
    });
    Listener { state }
}

pub type Res<T> = Result<T, ErrorDto>;

fn local_error(message: String) -> ErrorDto {
    ErrorDto {
        code: ErrorCode::Internal,
        message,
        field: None,
    }
}

/// The arguments as the JSON the shell reads them from. Going through
/// `serde_json` first writes maps keyed by numbers (a candidate's user id →
/// their extra time) with string keys, as JSON does; serde-wasm-bindgen alone
/// refuses them ("Map key is not a string").
pub fn to_wire<A: Serialize>(args: &A) -> Result<serde_json::Value, String> {
    serde_json::to_value(args).map_err(|e| e.to_string())
}

/// A reply as the JSON the shell wrote: maps keyed by numbers arrive with
/// string keys, which `serde_json` reads back as numbers (serde-wasm-bindgen
/// alone does not).
pub fn from_wire<R: DeserializeOwned>(v: serde_json::Value) -> Result<R, String> {
    serde_json::from_value(v).map_err(|e| e.to_string())
}

/// Whether this page runs inside the desktop app (Tauri's IPC is there) or in
/// a browser talking to an Examhall server.
pub fn in_desktop() -> bool {
    web_sys::window()
        .is_some_and(|w| js_sys::Reflect::has(&w, &JsValue::from_str("__TAURI__")).unwrap_or(false))
}

/// Calls `cmd` with `args` (an object: `token` and `args` as the shell reads
/// them): through the desktop shell, or over HTTP (`POST /api/ui/{cmd}/`, the
/// token as a bearer, the arguments as the body) in a browser.
async fn call<A: Serialize, R: DeserializeOwned>(cmd: &str, args: &A) -> Res<R> {
    let wire = to_wire(args).map_err(|e| local_error(format!("cannot encode {cmd}: {e}")))?;
    let reply = if in_desktop() {
        call_shell(cmd, &wire).await?
    } else {
        call_http(cmd, &wire).await?
    };
    from_wire(reply).map_err(|e| local_error(format!("unexpected reply to {cmd}: {e}")))
}

async fn call_shell(cmd: &str, wire: &serde_json::Value) -> Res<serde_json::Value> {
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    let js_args = wire
        .serialize(&ser)
        .map_err(|e| local_error(format!("cannot encode {cmd}: {e}")))?;
    match tauri_invoke(cmd, js_args).await {
        Ok(v) => serde_wasm_bindgen::from_value::<serde_json::Value>(v)
            .map_err(|e| local_error(format!("unexpected reply to {cmd}: {e}"))),
        Err(e) => Err(
            serde_wasm_bindgen::from_value::<ErrorDto>(e.clone()).unwrap_or_else(|_| {
                local_error(format!(
                    "The Examhall app did not answer ({}).",
                    e.as_string().unwrap_or_else(|| format!("{e:?}"))
                ))
            }),
        ),
    }
}

/// An error for a server that did not answer (or a browser that refused).
fn unreachable(e: JsValue) -> ErrorDto {
    local_error(format!(
        "The Examhall server did not answer ({}).",
        e.as_string().unwrap_or_else(|| format!("{e:?}"))
    ))
}

/// `POST /api/ui/{cmd}/` with `body` as JSON and the token as a bearer. A
/// refusal comes back as the server's `ErrorDto`.
async fn fetch_command(
    cmd: &str,
    token: Option<&str>,
    body: &serde_json::Value,
) -> Res<web_sys::Response> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&body.to_string()));
    let req = web_sys::Request::new_with_str_and_init(&format!("/api/ui/{cmd}/"), &init)
        .map_err(unreachable)?;
    let headers = req.headers();
    headers
        .set("Content-Type", "application/json")
        .map_err(unreachable)?;
    if let Some(t) = token {
        headers
            .set("Authorization", &format!("Bearer {t}"))
            .map_err(unreachable)?;
    }
    let window = web_sys::window().ok_or_else(|| local_error("no window".into()))?;
    let resp: web_sys::Response =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_request(&req))
            .await
            .map_err(unreachable)?
            .dyn_into()
            .map_err(unreachable)?;
    if resp.ok() {
        return Ok(resp);
    }
    let text = response_text(&resp).await?;
    Err(serde_json::from_str::<ErrorDto>(&text).unwrap_or_else(|_| {
        local_error(format!("The server answered {} to {cmd}.", resp.status()))
    }))
}

async fn response_text(resp: &web_sys::Response) -> Res<String> {
    Ok(
        wasm_bindgen_futures::JsFuture::from(resp.text().map_err(unreachable)?)
            .await
            .map_err(unreachable)?
            .as_string()
            .unwrap_or_default(),
    )
}

async fn call_http(cmd: &str, wire: &serde_json::Value) -> Res<serde_json::Value> {
    let token = wire.get("token").and_then(|t| t.as_str());
    let body = wire.get("args").cloned().unwrap_or(serde_json::Value::Null);
    let resp = fetch_command(cmd, token, &body).await?;
    let text = response_text(&resp).await?;
    serde_json::from_str(&text).map_err(|e| local_error(format!("unexpected reply to {cmd}: {e}")))
}

/// A `report` command: saved by the desktop shell (which answers where), or in
/// a browser fetched from the server and handed to the browser as a download
/// (the answer then names the file).
async fn report<A: Serialize>(cmd: &str, token: &str, args: A) -> Res<SavedReportDto> {
    if in_desktop() {
        return authed(cmd, token, args).await;
    }
    let wire = to_wire(&args).map_err(|e| local_error(format!("cannot encode {cmd}: {e}")))?;
    let resp = fetch_command(cmd, Some(token), &wire).await?;
    let name = resp
        .headers()
        .get("Content-Disposition")
        .ok()
        .flatten()
        .and_then(|d| {
            d.split("filename=\"")
                .nth(1)
                .map(|f| f.trim_end_matches('"').to_owned())
        })
        .unwrap_or_else(|| format!("{cmd}.bin"));
    let blob: web_sys::Blob =
        wasm_bindgen_futures::JsFuture::from(resp.blob().map_err(unreachable)?)
            .await
            .map_err(unreachable)?
            .dyn_into()
            .map_err(unreachable)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(unreachable)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| local_error("no document".into()))?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(unreachable)?
        .dyn_into()
        .map_err(|e: web_sys::Element| unreachable(e.into()))?;
    a.set_href(&url);
    a.set_download(&name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(SavedReportDto { path: name })
}

/// The table's commands, typed (`examhall_protocol::ui_commands!`): the UI
/// calls a use case only through these, so its names and types are the
/// shell's and the server's.
pub mod cmd {
    use super::{authed, token_only, Res};
    #[allow(unused_imports)]
    use examhall_protocol::SavedReportDto;

    macro_rules! ui_calls {
        ($( $scope:ident $name:ident ( $($req:ty)? ) -> $resp:ty ; )*) => {
            $( ui_calls!(@one $scope $name ( $($req)? ) -> $resp); )*
        };
        (@one both $name:ident ( $($req:ty)? ) -> $resp:ty) => { ui_calls!(@authed $name ( $($req)? ) -> $resp); };
        (@one desktop $name:ident ( $($req:ty)? ) -> $resp:ty) => { ui_calls!(@authed $name ( $($req)? ) -> $resp); };
        // The exam window's mode is the window's own (`on`, no token).
        (@one shell exam_mode ( $($req:ty)? ) -> $resp:ty) => {};
        (@one shell $name:ident ( $($req:ty)? ) -> $resp:ty) => { ui_calls!(@authed $name ( $($req)? ) -> $resp); };
        (@one report $name:ident ( $req:ty ) -> $resp:ty) => {
            #[allow(dead_code)]
            pub async fn $name(token: &str, args: $req) -> Res<$resp> {
                super::report(stringify!($name), token, args).await
            }
        };
        (@one $public:ident $name:ident ( $($req:ty)? ) -> $resp:ty) => {};
        (@authed $name:ident ( $req:ty ) -> $resp:ty) => {
            #[allow(dead_code)]
            pub async fn $name(token: &str, args: $req) -> Res<$resp> {
                authed(stringify!($name), token, args).await
            }
        };
        (@authed $name:ident ( ) -> $resp:ty) => {
            #[allow(dead_code)]
            pub async fn $name(token: &str) -> Res<$resp> {
                token_only(stringify!($name), token).await
            }
        };
    }

    examhall_protocol::ui_commands!(ui_calls);
}

#[derive(Serialize)]
struct Authed<'a, A> {
    token: &'a str,
    args: A,
}

#[derive(Serialize)]
struct TokenOnly<'a> {
    token: &'a str,
}

#[derive(Serialize)]
struct Plain<A> {
    args: A,
}

async fn authed<A: Serialize, R: DeserializeOwned>(cmd: &str, token: &str, args: A) -> Res<R> {
    call(cmd, &Authed { token, args }).await
}

async fn token_only<R: DeserializeOwned>(cmd: &str, token: &str) -> Res<R> {
    call(cmd, &TokenOnly { token }).await
}

pub async fn setup_status() -> Res<SetupStatus> {
    call("setup_status", &()).await
}
pub async fn create_first_admin(u: NewUser) -> Res<SessionDto> {
    call("create_first_admin", &Plain { args: u }).await
}
pub async fn login(req: LoginRequest) -> Res<SessionDto> {
    call("login", &Plain { args: req }).await
}
pub async fn logout(token: &str) -> Res<()> {
    cmd::logout(token).await
}
pub async fn my_exams(token: &str) -> Res<Vec<ExamCard>> {
    cmd::my_exams(token).await
}
pub async fn start_attempt(token: &str, r: StartAttempt) -> Res<AttemptView> {
    cmd::start_attempt(token, r).await
}
pub async fn open_attempt(token: &str, attempt_id: String) -> Res<AttemptView> {
    cmd::open_attempt(token, AttemptRef { attempt_id }).await
}
pub async fn set_answer(token: &str, r: SetAnswer) -> Res<SaveAck> {
    cmd::set_answer(token, r).await
}
pub async fn set_flag(token: &str, r: SetFlag) -> Res<SaveAck> {
    cmd::set_flag(token, r).await
}
pub async fn navigate(token: &str, r: Navigate) -> Res<SaveAck> {
    cmd::navigate(token, r).await
}
pub async fn heartbeat(token: &str, attempt_id: String) -> Res<ClockDto> {
    cmd::heartbeat(token, AttemptRef { attempt_id }).await
}
pub async fn submit(token: &str, attempt_id: String) -> Res<SubmitAck> {
    cmd::submit(token, AttemptRef { attempt_id }).await
}
pub async fn attempt_result(token: &str, attempt_id: String) -> Res<ResultView> {
    cmd::attempt_result(token, AttemptRef { attempt_id }).await
}
pub async fn list_users(token: &str, q: UserQuery) -> Res<Vec<UserDto>> {
    cmd::list_users(token, q).await
}
pub async fn update_user(token: &str, edit: EditUser) -> Res<UserDto> {
    cmd::update_user(token, edit).await
}
pub async fn reset_password(token: &str, user_id: i64) -> Res<OneTimePassword> {
    cmd::reset_password(token, user_id).await
}
pub async fn change_own_password(token: &str, change: PasswordChange) -> Res<SessionDto> {
    cmd::change_own_password(token, change).await
}
pub async fn account_changes(token: &str, user_id: i64) -> Res<Vec<AccountChangeDto>> {
    cmd::account_changes(token, user_id).await
}
pub async fn import_users(token: &str, req: ImportUsers) -> Res<UserImportReport> {
    cmd::import_users(token, req).await
}
pub async fn print_login_slips(token: &str, p: Vec<OneTimePassword>) -> Res<SavedReportDto> {
    cmd::print_login_slips(token, p).await
}
pub async fn lift_login_block(token: &str, username: String) -> Res<u64> {
    cmd::lift_login_block(token, username).await
}
pub async fn create_user(token: &str, u: NewUser) -> Res<UserDto> {
    cmd::create_user(token, u).await
}
pub async fn list_exams(token: &str) -> Res<Vec<ExamSummaryDto>> {
    cmd::list_exams(token).await
}
pub async fn open_sitting(token: &str, req: OpenSitting) -> Res<SittingDto> {
    cmd::open_sitting(token, req).await
}
pub async fn close_sitting(token: &str, exam_id: i64) -> Res<()> {
    cmd::close_sitting(token, exam_id).await
}
pub async fn attempt_summaries(token: &str) -> Res<Vec<AttemptSummaryDto>> {
    cmd::attempt_summaries(token).await
}
pub async fn exam_analysis(token: &str, exam_id: i64) -> Res<ExamAnalysisDto> {
    cmd::exam_analysis(token, exam_id).await
}
pub async fn essays_to_mark(token: &str) -> Res<Vec<EssayToMarkDto>> {
    cmd::essays_to_mark(token).await
}
pub async fn mark_essay(token: &str, r: MarkEssay) -> Res<ResultView> {
    cmd::mark_essay(token, r).await
}
pub async fn print_exam_summary(token: &str, exam_id: i64) -> Res<SavedReportDto> {
    cmd::print_exam_summary(token, exam_id).await
}
pub async fn print_room_report(token: &str, exam_id: i64) -> Res<SavedReportDto> {
    cmd::print_room_report(token, exam_id).await
}
pub async fn export_results(token: &str, r: ExportRequest) -> Res<SavedReportDto> {
    cmd::export_results(token, r).await
}
/// "Save as…": the desktop's save dialog, then a copy of the saved report
/// there (`None`: cancelled).
pub async fn save_report_as(token: &str, req: SaveReportCopy) -> Res<Option<SavedReportDto>> {
    cmd::save_report_as(token, req).await
}
pub async fn start_printing_sheets(token: &str, exam_id: i64) -> Res<u64> {
    cmd::start_printing_sheets(token, exam_id).await
}
pub async fn print_job(token: &str, id: u64) -> Res<PrintJobDto> {
    cmd::print_job(token, id).await
}
pub async fn cancel_print_job(token: &str, id: u64) -> Res<()> {
    cmd::cancel_print_job(token, id).await
}
pub async fn preview_regrade(token: &str, c: KeyCorrection) -> Res<RegradePreviewDto> {
    cmd::preview_regrade(token, c).await
}
pub async fn apply_regrade(token: &str, c: KeyCorrection) -> Res<RegradeStartedDto> {
    cmd::apply_regrade(token, c).await
}

// ---- the question bank and the exam builder -------------------------------------

pub async fn import_questions(token: &str, r: bank::ImportRequest) -> Res<bank::ImportReportDto> {
    cmd::import_questions(token, r).await
}
pub async fn bank(token: &str, f: bank::BankFilter) -> Res<Vec<bank::BankItemDto>> {
    cmd::bank(token, f).await
}
pub async fn save_bank_question(token: &str, e: bank::BankEdit) -> Res<bank::BankItemDto> {
    cmd::save_bank_question(token, e).await
}
pub async fn duplicate_bank_question(token: &str, id: i64) -> Res<bank::BankItemDto> {
    cmd::duplicate_bank_question(token, id).await
}
pub async fn archive_bank_question(token: &str, id: i64, archived: bool) -> Res<()> {
    cmd::archive_bank_question(token, bank::ArchiveBankQuestion { id, archived }).await
}
pub async fn preview_exam(token: &str, r: bank::PreviewExam) -> Res<bank::ExamPreviewDto> {
    cmd::preview_exam(token, r).await
}
pub async fn publish_exam(token: &str, r: bank::PublishExam) -> Res<bank::PublishedExamDto> {
    cmd::publish_exam(token, r).await
}
pub async fn save_draft(token: &str, r: bank::SaveDraft) -> Res<bank::DraftSummaryDto> {
    cmd::save_draft(token, r).await
}
pub async fn drafts(token: &str) -> Res<Vec<bank::DraftSummaryDto>> {
    cmd::drafts(token).await
}
pub async fn open_draft(token: &str, id: i64) -> Res<bank::DraftDto> {
    cmd::open_draft(token, id).await
}
pub async fn delete_draft(token: &str, id: i64) -> Res<()> {
    cmd::delete_draft(token, id).await
}
pub async fn clone_exam(token: &str, exam_id: i64) -> Res<bank::DraftDto> {
    cmd::clone_exam(token, exam_id).await
}
pub async fn edit_exam(token: &str, exam_id: i64) -> Res<bank::DraftDto> {
    cmd::edit_exam(token, exam_id).await
}
pub async fn verify_receipt(token: &str, r: VerifyReceipt) -> Res<ReceiptCheckDto> {
    cmd::verify_receipt(token, r).await
}
pub async fn candidates(token: &str) -> Res<Vec<UserDto>> {
    cmd::candidates(token).await
}

pub async fn sync_status(token: &str) -> Res<sync::SyncStatusDto> {
    cmd::sync_status(token).await
}
pub async fn enrol_with_hq(token: &str, r: sync::EnrolDesktop) -> Res<sync::SyncStatusDto> {
    cmd::enrol_with_hq(token, r).await
}
pub async fn open_package(token: &str, r: sync::OpenPackage) -> Res<SittingDto> {
    cmd::open_package(token, r).await
}
pub async fn export_results_to_folder(token: &str, dir: String) -> Res<sync::ExportedResults> {
    cmd::export_results_to_folder(token, dir).await
}

// ---- the room session -----------------------------------------------------------

pub async fn room_sessions(token: &str) -> Res<Vec<RoomSessionDto>> {
    cmd::room_sessions(token).await
}
pub async fn create_room_session(token: &str, req: CreateRoomSession) -> Res<RoomSessionDto> {
    cmd::create_room_session(token, req).await
}
pub async fn open_room_session(token: &str, session_id: i64) -> Res<RoomSessionDto> {
    cmd::open_room_session(token, SessionRef { session_id }).await
}
pub async fn room_console(token: &str, session_id: i64) -> Res<RoomConsoleDto> {
    cmd::room_console(token, SessionRef { session_id }).await
}
pub async fn check_in(token: &str, req: CheckIn) -> Res<RoomConsoleDto> {
    cmd::check_in(token, req).await
}
pub async fn room_action(token: &str, req: RoomAction) -> Res<RoomActionAck> {
    cmd::room_action(token, req).await
}
pub async fn record_incident(token: &str, req: RecordIncident) -> Res<RoomConsoleDto> {
    cmd::record_incident(token, req).await
}

pub async fn move_candidate(token: &str, req: MoveCandidate) -> Res<RoomConsoleDto> {
    cmd::move_candidate(token, req).await
}
pub async fn void_attempt(token: &str, req: VoidAttempt) -> Res<AttemptSummaryDto> {
    cmd::void_attempt(token, req).await
}
pub async fn reset_for_resit(token: &str, req: ResetForResit) -> Res<AttemptSummaryDto> {
    cmd::reset_for_resit(token, req).await
}
pub async fn offline_unlock_code(token: &str, req: OfflineUnlock) -> Res<UnlockCodeDto> {
    cmd::offline_unlock_code(token, req).await
}
pub async fn decide_credit(token: &str, req: DecideCredit) -> Res<RoomConsoleDto> {
    cmd::decide_credit(token, req).await
}
pub async fn publish_to_room(token: &str, session_id: i64) -> Res<sync::PublishedPackage> {
    cmd::publish_to_room(token, SessionRef { session_id }).await
}
pub async fn issue_seat_tokens(token: &str, count: u32) -> Res<sync::SeatTokens> {
    cmd::issue_seat_tokens(token, sync::IssueSeatTokens { count }).await
}
pub async fn print_seat_tokens(token: &str, issued: sync::SeatTokens) -> Res<SavedReportDto> {
    cmd::print_seat_tokens(token, issued).await
}
pub async fn staff_home(token: &str) -> Res<StaffHomeDto> {
    cmd::staff_home(token).await
}
pub async fn exam_candidates(token: &str, exam_id: i64) -> Res<ExamCandidatesDto> {
    cmd::exam_candidates(token, exam_id).await
}
pub async fn assign_candidates(token: &str, req: AssignCandidates) -> Res<AssignedCandidates> {
    cmd::assign_candidates(token, req).await
}
pub async fn update_assignment(token: &str, req: UpdateAssignment) -> Res<ExamCandidateDto> {
    cmd::update_assignment(token, req).await
}
pub async fn unassign_candidate(token: &str, req: UnassignCandidate) -> Res<()> {
    cmd::unassign_candidate(token, req).await
}
pub async fn release_results(token: &str, req: ReleaseResults) -> Res<ReleasedResults> {
    cmd::release_results(token, req).await
}
pub async fn devices(token: &str) -> Res<Vec<sync::DeviceDto>> {
    cmd::devices(token).await
}
pub async fn revoke_device(token: &str, device_id: String) -> Res<sync::DeviceDto> {
    cmd::revoke_device(token, sync::RevokeDevice { device_id }).await
}
pub async fn close_room_session(token: &str, req: CloseRoomSession) -> Res<RoomSessionDto> {
    cmd::close_room_session(token, req).await
}
pub async fn lock_info(token: &str, attempt_id: &str) -> Res<LockDto> {
    cmd::lock_info(
        token,
        AttemptRef {
            attempt_id: attempt_id.to_owned(),
        },
    )
    .await
}
pub async fn unlock_seat(token: &str, attempt_id: &str, code: &str) -> Res<LockDto> {
    cmd::unlock_seat(
        token,
        UnlockSeat {
            attempt_id: attempt_id.to_owned(),
            code: code.to_owned(),
        },
    )
    .await
}
pub async fn focus_lost(token: &str, attempt_id: &str, hidden: bool) -> Res<SaveAck> {
    cmd::focus_lost(
        token,
        FocusLost {
            attempt_id: attempt_id.to_owned(),
            hidden,
        },
    )
    .await
}

/// Fullscreen and above other windows while an attempt is on screen.
pub async fn close_exam_window(token: &str, attempt_id: &str, code: Option<String>) -> Res<()> {
    cmd::close_exam_window(
        token,
        CloseExamWindow {
            attempt_id: attempt_id.to_owned(),
            code,
        },
    )
    .await
}

pub async fn exam_mode(on: bool) -> Res<()> {
    #[derive(Serialize)]
    struct On {
        on: bool,
    }
    call("exam_mode", &On { on }).await
}

#[cfg(test)]
mod tests {
    use super::{from_wire, to_wire};
    use examhall_protocol::bank::PublishExam;

    #[test]
    fn extra_time_keyed_by_user_id_reaches_the_shell_as_json_writes_it() {
        let req: PublishExam = serde_json::from_value(serde_json::json!({
            "draft": {"title": "T", "duration_minutes": 20, "pass_mark_pct": 50.0,
                      "release": "immediately", "sections": []},
            "candidates": [3, 8],
            "time_multipliers": {"3": 1.25, "8": 2.5},
        }))
        .unwrap();
        let wire = to_wire(&req).unwrap();
        assert_eq!(
            wire["time_multipliers"],
            serde_json::json!({"3": 1.25, "8": 2.5}),
            "numeric map keys travel as strings, which serde-wasm-bindgen cannot make on its own"
        );
        let back: PublishExam = from_wire(wire).unwrap();
        assert_eq!(back.time_multipliers.get(&8), Some(&2.5));
    }
}
