//! Tauri's build step, with every command declared so that a window reaches only
//! the commands its capability allows (src-tauri/capabilities/).

/// Every IPC command (`commands::handler` registers the same list; a test checks).
const COMMANDS: &[&str] = &[
    // a candidate's window
    "setup_status",
    "login",
    "logout",
    "my_exams",
    "start_attempt",
    "open_attempt",
    "set_answer",
    "set_flag",
    "navigate",
    "heartbeat",
    "submit",
    "attempt_result",
    "change_own_password",
    "lock_info",
    "unlock_seat",
    "focus_lost",
    "exam_mode",
    "close_exam_window",
    // staff only
    "create_first_admin",
    "import_questions",
    "bank",
    "save_bank_question",
    "duplicate_bank_question",
    "archive_bank_question",
    "preview_exam",
    "publish_exam",
    "candidates",
    "task_status",
    "list_exams",
    "open_sitting",
    "close_sitting",
    "attempt_summaries",
    "exam_analysis",
    "essays_to_mark",
    "mark_essay",
    "preview_regrade",
    "apply_regrade",
    "print_exam_summary",
    "print_room_report",
    "print_result_sheet",
    "export_results",
    "start_printing_sheets",
    "print_job",
    "cancel_print_job",
    "sync_status",
    "list_users",
    "update_user",
    "reset_password",
    "account_changes",
    "lift_login_block",
    "import_users",
    "print_login_slips",
    "create_user",
    "enrol_with_hq",
    "open_package",
    "export_results_to_folder",
    "room_sessions",
    "create_room_session",
    "open_room_session",
    "room_console",
    "check_in",
    "room_action",
    "record_incident",
    "offline_unlock_code",
    "decide_credit",
    "close_room_session",
];

fn main() {
    println!("cargo:rerun-if-changed=permissions");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script failed");
}
