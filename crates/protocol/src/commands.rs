//! The one command table: every use case the UI calls, with its name, its
//! request and its reply, once.
//!
//! The desktop shell's Tauri commands, the server's `POST /api/ui/{name}/`
//! routes (the same UI in a browser) and the UI's own calls are all generated
//! from this table by passing a macro to [`ui_commands!`], so none of them can
//! miss a command or disagree on a type. Each line is
//! `scope name(Request) -> Reply;` (no request: the use case takes only the
//! caller's token). Scopes:
//!
//! - `both`: a signed-in use case, on the desktop and in the browser;
//! - `desktop`: a signed-in use case of the desktop only (the candidate's exam
//!   window and lockdown, this machine's own enrolment and packages);
//! - `public` / `public_desktop`: before sign-in (written by hand where served,
//!   as they take no token);
//! - `report`: a signed-in use case that makes a file (a PDF, a CSV or XLSX
//!   export): the desktop saves it in its reports folder and answers where; the
//!   server answers the file itself, which the browser downloads (both by hand:
//!   `SavedReportDto` names the saved file or the download);
//! - `shell`: a desktop command that also touches the machine (a window,
//!   progress events, a USB folder), written by hand in the shell; the browser
//!   does not have them.
//!
//! Role checks stay in the use cases (`app`), whatever the transport.

/// Calls `$callback! { <the table> }`.
#[macro_export]
macro_rules! ui_commands {
    ($callback:ident) => {
        $callback! {
            public setup_status() -> $crate::SetupStatus;
            public login($crate::LoginRequest) -> $crate::SessionDto;
            public_desktop create_first_admin($crate::NewUser) -> $crate::SessionDto;

            // A candidate's exam on the lab desktop.
            both logout() -> ();
            desktop my_exams() -> Vec<$crate::ExamCard>;
            desktop start_attempt($crate::StartAttempt) -> $crate::AttemptView;
            desktop open_attempt($crate::AttemptRef) -> $crate::AttemptView;
            desktop set_answer($crate::SetAnswer) -> $crate::SaveAck;
            desktop set_flag($crate::SetFlag) -> $crate::SaveAck;
            desktop navigate($crate::Navigate) -> $crate::SaveAck;
            desktop heartbeat($crate::AttemptRef) -> $crate::ClockDto;
            desktop submit($crate::AttemptRef) -> $crate::SubmitAck;
            desktop lock_info($crate::AttemptRef) -> $crate::room::LockDto;
            desktop unlock_seat($crate::room::UnlockSeat) -> $crate::room::LockDto;
            desktop focus_lost($crate::room::FocusLost) -> $crate::SaveAck;
            both attempt_result($crate::AttemptRef) -> $crate::ResultView;
            both change_own_password($crate::PasswordChange) -> $crate::SessionDto;
            shell exam_mode(bool) -> ();
            shell close_exam_window($crate::room::CloseExamWindow) -> ();

            // Results, marking, statistics.
            both task_status(i64) -> $crate::TaskStatusDto;
            both list_exams() -> Vec<$crate::ExamSummaryDto>;
            both open_sitting($crate::OpenSitting) -> $crate::SittingDto;
            both close_sitting(i64) -> ();
            both attempt_summaries() -> Vec<$crate::AttemptSummaryDto>;
            both verify_receipt($crate::VerifyReceipt) -> $crate::ReceiptCheckDto;
            both attempt_review($crate::AttemptRef) -> $crate::AttemptReviewDto;
            both exam_analysis(i64) -> $crate::ExamAnalysisDto;
            both essays_to_mark() -> Vec<$crate::EssayToMarkDto>;
            both mark_essay($crate::MarkEssay) -> $crate::ResultView;
            both exam_keys(i64) -> Vec<$crate::QuestionKeyDto>;
            both preview_regrade($crate::KeyCorrection) -> $crate::RegradePreviewDto;
            both apply_regrade($crate::KeyCorrection) -> $crate::RegradeStartedDto;
            both void_attempt($crate::VoidAttempt) -> $crate::AttemptSummaryDto;
            both reset_for_resit($crate::ResetForResit) -> $crate::AttemptSummaryDto;
            both print_job(u64) -> $crate::PrintJobDto;
            both cancel_print_job(u64) -> ();
            report print_exam_summary(i64) -> $crate::SavedReportDto;
            report print_room_report(i64) -> $crate::SavedReportDto;
            report print_result_sheet($crate::AttemptRef) -> $crate::SavedReportDto;
            report export_results($crate::ExportRequest) -> $crate::SavedReportDto;
            shell start_printing_sheets(i64) -> u64;
            shell save_report_as($crate::SaveReportCopy) -> Option<$crate::SavedReportDto>;

            // Accounts.
            both list_users($crate::UserQuery) -> Vec<$crate::UserDto>;
            both create_user($crate::NewUser) -> $crate::UserDto;
            both update_user($crate::EditUser) -> $crate::UserDto;
            both reset_password(i64) -> $crate::OneTimePassword;
            both account_changes(i64) -> Vec<$crate::AccountChangeDto>;
            both lift_login_block(String) -> u64;
            both candidates() -> Vec<$crate::UserDto>;
            shell import_users($crate::ImportUsers) -> $crate::UserImportReport;
            report print_login_slips(Vec<$crate::OneTimePassword>) -> $crate::SavedReportDto;

            // The question bank and the exam builder.
            both import_questions($crate::bank::ImportRequest) -> $crate::bank::ImportReportDto;
            report export_bank($crate::bank::ExportBank) -> $crate::SavedReportDto;
            both bank($crate::bank::BankFilter) -> Vec<$crate::bank::BankItemDto>;
            both save_bank_question($crate::bank::BankEdit) -> $crate::bank::BankItemDto;
            both duplicate_bank_question(i64) -> $crate::bank::BankItemDto;
            both archive_bank_question($crate::bank::ArchiveBankQuestion) -> ();
            both preview_exam($crate::bank::PreviewExam) -> $crate::bank::ExamPreviewDto;
            both publish_exam($crate::bank::PublishExam) -> $crate::bank::PublishedExamDto;
            both save_draft($crate::bank::SaveDraft) -> $crate::bank::DraftSummaryDto;
            both drafts() -> Vec<$crate::bank::DraftSummaryDto>;
            both open_draft(i64) -> $crate::bank::DraftDto;
            both delete_draft(i64) -> ();
            both clone_exam(i64) -> $crate::bank::DraftDto;
            both edit_exam(i64) -> $crate::bank::DraftDto;

            // An exam's candidates.
            both exam_candidates(i64) -> $crate::ExamCandidatesDto;
            both assign_candidates($crate::AssignCandidates) -> $crate::AssignedCandidates;
            both update_assignment($crate::UpdateAssignment) -> $crate::ExamCandidateDto;
            both unassign_candidate($crate::UnassignCandidate) -> ();
            both release_results($crate::ReleaseResults) -> $crate::ReleasedResults;

            // The room: its console, its seats, its exam.
            both staff_home() -> $crate::StaffHomeDto;
            both room_sessions() -> Vec<$crate::room::RoomSessionDto>;
            both create_room_session($crate::room::CreateRoomSession) -> $crate::room::RoomSessionDto;
            both open_room_session($crate::room::SessionRef) -> $crate::room::RoomSessionDto;
            both room_console($crate::room::SessionRef) -> $crate::room::RoomConsoleDto;
            both check_in($crate::room::CheckIn) -> $crate::room::RoomConsoleDto;
            both room_action($crate::room::RoomAction) -> $crate::room::RoomActionAck;
            both record_incident($crate::room::RecordIncident) -> $crate::room::RoomConsoleDto;
            both move_candidate($crate::room::MoveCandidate) -> $crate::room::RoomConsoleDto;
            both offline_unlock_code($crate::room::OfflineUnlock) -> $crate::room::UnlockCodeDto;
            both decide_credit($crate::room::DecideCredit) -> $crate::room::RoomConsoleDto;
            both close_room_session($crate::room::CloseRoomSession) -> $crate::room::RoomSessionDto;
            both issue_seat_tokens($crate::sync::IssueSeatTokens) -> $crate::sync::SeatTokens;
            both devices() -> Vec<$crate::sync::DeviceDto>;
            both revoke_device($crate::sync::RevokeDevice) -> $crate::sync::DeviceDto;
            both publish_to_room($crate::room::SessionRef) -> $crate::sync::PublishedPackage;
            report print_seat_tokens($crate::sync::SeatTokens) -> $crate::SavedReportDto;

            // HQ: centres, their devices, packages, what the sync refused.
            both hq_overview() -> $crate::sync::HqOverviewDto;
            both create_enrolment($crate::sync::NewEnrolment) -> $crate::sync::EnrolmentToken;
            both withdraw_enrolment_token(String) -> ();
            both publish_package($crate::sync::NewPackage) -> $crate::sync::PublishedPackage;
            both reconcile(String) -> $crate::sync::Reconciliation;
            both approve_user(i64) -> $crate::platform::ApiUser;

            // This machine and HQ.
            both sync_status() -> $crate::sync::SyncStatusDto;
            desktop enrol_with_hq($crate::sync::EnrolDesktop) -> $crate::sync::SyncStatusDto;
            both open_package($crate::sync::OpenPackage) -> $crate::SittingDto;
            shell export_results_to_folder(String) -> $crate::sync::ExportedResults;
        }
    };
}

/// Where a command is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// Signed in, desktop and browser.
    Both,
    /// Signed in, the desktop only.
    Desktop,
    /// Before sign-in, desktop and browser.
    Public,
    /// Before sign-in, the desktop only.
    PublicDesktop,
    /// Makes a file: saved by the desktop, downloaded in a browser.
    Report,
    /// The desktop shell only, written by hand.
    Shell,
}

impl Surface {
    /// The browser (`POST /api/ui/{name}/`) serves it.
    pub fn in_browser(self) -> bool {
        matches!(self, Surface::Both | Surface::Public | Surface::Report)
    }
}

macro_rules! command_names {
    ($( $scope:ident $name:ident ( $($req:ty)? ) -> $resp:ty ; )*) => {
        /// Every command of the table, by name, with where it is served.
        pub const UI_COMMANDS: &[(&str, Surface)] = &[
            $( (stringify!($name), command_names!(@surface $scope)) ),*
        ];
    };
    (@surface both) => { Surface::Both };
    (@surface desktop) => { Surface::Desktop };
    (@surface public) => { Surface::Public };
    (@surface public_desktop) => { Surface::PublicDesktop };
    (@surface report) => { Surface::Report };
    (@surface shell) => { Surface::Shell };
}

ui_commands!(command_names);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_named_once() {
        let mut names: Vec<&str> = UI_COMMANDS.iter().map(|(n, _)| *n).collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all, "a command is named twice");
        assert!(all > 80, "the table lists the UI's commands ({all})");
        // The candidate's exam never reaches the browser.
        for c in ["start_attempt", "set_answer", "submit", "unlock_seat"] {
            let s = UI_COMMANDS.iter().find(|(n, _)| *n == c).unwrap().1;
            assert!(!s.in_browser(), "{c} must stay on the desktop");
        }
    }
}
