//! Wire types of the sync protocol between desktops (or room hubs) and HQ:
//! enrolment, exam packages down, signed result batches up, receipts, and the
//! room manifest. The cryptography over them lives in `examhall-sync`.

use examhall_domain::{ExamSpec, SheetResult};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// An administrator asks HQ for a one-time enrolment token for a centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewEnrolment {
    /// The centre the enrolled desktops belong to (packages are published per centre).
    pub centre: String,
    /// The device id of that centre's hub the desktop will enrol through, if any:
    /// the token then carries the hub's certificate fingerprint instead of HQ's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via_hub: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EnrolmentToken {
    pub token: String,
    pub centre: String,
    pub expires_at_ms: i64,
}

/// A desktop enrols once with a token and its freshly generated public key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    pub token: String,
    /// The device's Ed25519 public key, 64 hex characters.
    pub device_public_key: String,
    /// A name for the machine, shown to administrators ("Lab 2, seat 14").
    pub device_name: String,
    /// The fingerprint of the enrolling machine's own serving certificate, when it
    /// is a hub that serves HTTPS to desktops.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_fingerprint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Enrolled {
    pub device_id: String,
    pub centre: String,
    /// HQ's Ed25519 public key (64 hex characters): packages must be signed by it.
    pub hq_public_key: String,
    /// Bearer token for the device's package pulls, `<device id>.<secret>`
    /// (result uploads are signed with the device key as well).
    pub device_token: String,
    /// The centre's roster key (64 hex characters): package rosters are sealed
    /// under it, so a package file alone gives away no password hash.
    pub centre_key: String,
}

/// An administrator publishes an exam's sitting as a package for a centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPackage {
    pub exam_id: i64,
    pub centre: String,
    /// Candidate usernames who may sit it there (each must exist as a student).
    pub candidates: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PublishedPackage {
    pub package_id: String,
    pub exam_id: i64,
    pub sitting_id: i64,
    pub centre: String,
    /// The start code that unlocks the questions; HQ gives it to the invigilator on the day.
    pub start_code: String,
    pub size_bytes: u64,
}

/// One entry of a device's package list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PackageListing {
    pub package_id: String,
    pub exam_title: String,
    pub size_bytes: u64,
    pub created_at_ms: i64,
}

/// A candidate the package admits: sign-in details travel with the package so a
/// centre without a link can still admit them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub username: String,
    pub display_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    pub time_multiplier: f64,
    /// The planned display accommodation (text size, contrast, reading guide).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_preset: Option<examhall_domain::DisplayPreset>,
}

/// The package's signed but unencrypted header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageHeader {
    pub format: u32,
    pub package_id: String,
    pub centre: String,
    pub exam_title: String,
    pub duration_secs: u32,
    pub created_at_ms: i64,
    /// The roster (JSON `[RosterEntry]`: names, password hashes, accommodations),
    /// sealed under the centre's key, which only that centre's enrolled devices
    /// hold: nonce ‖ XChaCha20-Poly1305 ciphertext, hex.
    pub sealed_roster: String,
    /// How many candidates the sealed roster holds.
    pub roster_size: u32,
    /// argon2id salt (hex) for deriving the key-wrapping key from the start code.
    pub kdf_salt: String,
    pub kdf_m_cost: u32,
    pub kdf_t_cost: u32,
    /// The content key, sealed under the start-code key: nonce ‖ ciphertext, hex.
    pub wrapped_key: String,
}

/// What the start code unlocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageContent {
    pub spec: ExamSpec,
}

/// A signed message from a device: `payload` is JSON text, signed as bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignedEnvelope {
    pub device_id: String,
    /// `results` or `manifest`.
    pub kind: String,
    /// The signed JSON document, as text.
    pub payload: String,
    /// Ed25519 signature over `kind ‖ 0x00 ‖ payload`, hex.
    pub signature: String,
}

/// One attempt, whole: who, which package, its full event chain and its result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptUpload {
    pub attempt_id: String,
    pub package_id: String,
    pub username: String,
    pub started_at_ms: i64,
    pub duration_secs: u32,
    pub time_multiplier: f64,
    pub events: Vec<EventUpload>,
    pub result: Option<SheetResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventUpload {
    pub seq: i64,
    pub at_ms: i64,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The payload of a `results` envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultBatch {
    pub attempts: Vec<AttemptUpload>,
}

/// The payload of a `copy` envelope: what a seat saved since its room hub last
/// acknowledged, per attempt. Each attempt's `events` continue the chain right
/// after the head the hub acknowledged (from seq 1 for a first copy); `result`
/// is left out (the hub keeps events, HQ grades).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyBatch {
    pub attempts: Vec<AttemptUpload>,
}

/// A seat asks its room hub, before starting a candidate's attempt, whether
/// the candidate already has one in the room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TakeoverRequest {
    pub package_id: String,
    pub username: String,
}

/// The hub's answer to a [`TakeoverRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TakeoverAnswer {
    /// The hub holds no attempt of this candidate: start one.
    Fresh,
    /// The invigilator moved the candidate to this seat: continue this chain
    /// (whole, as the hub copied it) here.
    Continue {
        attempt: AttemptUpload,
        from_seat: String,
        to_seat: String,
    },
    /// The attempt runs, or was handed in, on another seat.
    Elsewhere { seat: String, status: String },
}

/// What HQ did with one uploaded attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReceiptStatus {
    /// New events were stored.
    Stored,
    /// HQ already held all of it (a resend, a duplicate, an older copy).
    AlreadyHeld,
    /// Refused for good and reported to the administrator as an incident (the
    /// attempt belongs to another device, a second attempt, a forked chain).
    Conflict,
    /// Refused for good: the upload itself is wrong (unknown package or
    /// candidate, a broken chain); `message` says what.
    Rejected,
    /// Refused for good: the invigilator moved the candidate to another seat,
    /// which continues the attempt; `message` names it. The seat that sent
    /// this writes nothing more to the attempt.
    Moved,
    /// Not taken yet: what it needs has not reached HQ (the exam a centre
    /// built itself, on a stick imported out of order); send it again.
    Later,
}

impl ReceiptStatus {
    /// HQ holds the attempt up to the receipt's head.
    pub fn is_held(self) -> bool {
        matches!(self, ReceiptStatus::Stored | ReceiptStatus::AlreadyHeld)
    }
}

/// HQ's answer per attempt: the chain head it now holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Receipt {
    pub attempt_id: String,
    pub head_seq: i64,
    pub head_hash: String,
    pub outcome: ReceiptStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Receipts {
    pub receipts: Vec<Receipt>,
}

/// The payload of a `receipts` envelope: HQ's answer to a results file carried
/// by hand, for the device that wrote it (HQ signs it; the device checks the
/// signature with the key it got at enrolment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceiptFile {
    pub device_id: String,
    pub created_at_ms: i64,
    pub receipts: Vec<Receipt>,
}

/// The payload of a `manifest` envelope: everything a device has exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub created_at_ms: i64,
    pub entries: Vec<ManifestEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ManifestEntry {
    pub attempt_id: String,
    pub head_seq: i64,
    pub head_hash: String,
}

/// A room's account of itself, sent up by the machine that ran its console (a
/// hub, or a desktop that is its own room) over the link and on a USB stick,
/// signed with its device key: every roster line with its attendance and what
/// the room knows of the candidate's attempt, in progress included, and the
/// room log. HQ keeps the newest per device and session, and reconciles the
/// package's roster against it ([`Reconciliation`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomReport {
    /// The session's id on the machine that ran it.
    pub session_id: i64,
    pub package_id: String,
    pub room: String,
    /// planned, open or closed.
    pub state: String,
    pub made_at_ms: i64,
    pub lines: Vec<RoomReportLine>,
    pub log: Vec<crate::room::RoomLogDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomReportLine {
    pub username: String,
    pub attendance: examhall_domain::room::Attendance,
    pub seat: Option<String>,
    /// Why the invigilator accounted for a candidate who did not hand in.
    pub accounted: Option<String>,
    pub attempt_id: Option<String>,
    /// As the seat last reported it, or as the room learnt from the result.
    pub status: Option<crate::AttemptStatus>,
    /// The machine the candidate sits (or sat) at.
    pub device: Option<String>,
    pub last_heard_ms: Option<i64>,
    /// Events the seat reported saving.
    pub seat_head_seq: Option<i64>,
    /// How far the room's copy of the attempt goes (copy as you go).
    pub copy_head_seq: Option<i64>,
    pub copied_at_ms: Option<i64>,
    /// The candidate was moved away from this seat.
    pub moved_from: Option<String>,
    /// The invigilator moved the candidate and no spare seat has taken the attempt yet.
    pub moving: bool,
}

/// HQ's answer to a room report (authenticated like receipts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RoomReportAck {
    /// False when HQ already held a newer report of that session.
    pub stored: bool,
}

/// How an attempt at an exam built on a centre's own desktop names its exam
/// in an upload, where a package exam gives its package id: this prefix and
/// the exam's id on the device that built it.
pub const CENTRE_EXAM_PREFIX: &str = "centre-exam-";

/// The upload reference of the device's own exam `local_exam_id`.
pub fn centre_exam_ref(local_exam_id: i64) -> String {
    format!("{CENTRE_EXAM_PREFIX}{local_exam_id}")
}

/// The device's exam id in an upload reference made by [`centre_exam_ref`].
pub fn parse_centre_exam_ref(package_id: &str) -> Option<i64> {
    package_id
        .strip_prefix(CENTRE_EXAM_PREFIX)?
        .parse()
        .ok()
        .filter(|id: &i64| *id > 0)
}

/// The payload of a `centre_exam` envelope: an exam a centre built on its own
/// enrolled desktop (not from an HQ package), sent up before its first results
/// so HQ can hold them, grade them with the same keys and report them. Sent
/// again when the exam changes (a key correction).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentreExam {
    /// The exam's id on the device that built it.
    pub local_exam_id: i64,
    pub spec: ExamSpec,
    /// Everyone assigned to it or with an attempt at it on that device.
    pub roster: Vec<CentreCandidate>,
    pub made_at_ms: i64,
}

/// One candidate of a centre's exam, as the centre knows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentreCandidate {
    pub username: String,
    pub display_name: String,
    pub time_multiplier: f64,
}

/// HQ's answer to a centre's exam (authenticated like receipts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CentreExamAck {
    /// HQ's id for the exam (its results are listed under it).
    pub exam_id: i64,
    /// Candidates HQ did not know and now holds as the centre's (they cannot
    /// sign in at HQ).
    pub candidates_added: u32,
}

/// Where a rostered candidate stands, as HQ can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReconStatus {
    /// The room marked the candidate absent.
    Absent,
    /// In a room's roster, never started (accounted for once the room closed).
    NeverStarted,
    /// A room reports the attempt running; HQ has no result yet.
    InProgress,
    /// Moved to a spare seat that has not taken the attempt yet.
    Moved,
    /// HQ holds the attempt, handed in and waiting for grading.
    Submitted,
    /// HQ holds the attempt, graded.
    Graded,
    /// No room has reported the candidate, or a room reports a hand-in whose
    /// result has not reached HQ: the evidence says which.
    Missing,
}

impl ReconStatus {
    /// Whether the line needs nothing more to be accounted for.
    pub fn settled(self) -> bool {
        matches!(
            self,
            ReconStatus::Absent | ReconStatus::Submitted | ReconStatus::Graded
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReconLine {
    pub username: String,
    pub status: ReconStatus,
    /// The room whose report placed the candidate, if any.
    pub room: Option<String>,
    pub attempt_id: Option<String>,
    /// What the status rests on, in words (the device, the copy, the room's account).
    pub evidence: String,
    /// Whether this line is accounted for.
    pub accounted: bool,
}

/// A room as HQ last heard of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReconRoom {
    pub device_id: String,
    pub device_name: String,
    pub session_id: i64,
    pub room: String,
    pub state: String,
    pub made_at_ms: i64,
    pub received_at_ms: i64,
    pub log_lines: u64,
    /// Every roster line of this room is accounted for.
    pub complete: bool,
}

/// HQ's reconciliation of one package: every rostered candidate, accounted
/// for or not, with the rooms that reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Reconciliation {
    pub package_id: String,
    pub centre: String,
    pub title: String,
    pub rooms: Vec<ReconRoom>,
    pub lines: Vec<ReconLine>,
    /// Every roster line is accounted for.
    pub complete: bool,
}

/// HQ's verdict on a manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ManifestCheck {
    pub device_id: String,
    pub listed: u64,
    pub complete: u64,
    /// Listed attempts HQ does not hold at all.
    pub missing: Vec<String>,
    /// Listed attempts HQ holds only up to an earlier event.
    pub behind: Vec<ManifestEntry>,
}

/// A desktop's view of its link to HQ, for the admin and invigilator screens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncStatusDto {
    pub enrolled: bool,
    pub server_url: Option<String>,
    pub device_id: Option<String>,
    pub centre: Option<String>,
    pub online: bool,
    pub pending: u64,
    pub synced: u64,
    pub conflicts: u64,
    pub last_success_ms: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_ms: Option<i64>,
    pub packages: Vec<LocalPackageDto>,
    /// On a hub (a server with an upstream): its desktops' result envelopes it
    /// holds for HQ, forwarded, and refused by HQ.
    #[serde(default)]
    pub relay: RelayStatusDto,
    /// The configured export folder for results on a USB stick, if any.
    #[serde(default)]
    pub outbox: Option<String>,
    /// The certificate fingerprint this machine pinned for its server (from the
    /// enrolment token); `None` on a plain-HTTP link.
    #[serde(default)]
    pub server_fingerprint: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayStatusDto {
    pub pending: u64,
    pub forwarded: u64,
    pub refused: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalPackageDto {
    pub package_id: String,
    pub exam_title: String,
    pub candidates: u32,
    pub received_at_ms: i64,
    /// Set once the start code has unlocked it.
    pub exam_id: Option<i64>,
}

/// Something HQ refused to merge, for the administrator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SyncIncident {
    pub id: i64,
    pub attempt_id: String,
    pub device_id: String,
    /// `two_devices`, `second_attempt`, `forked_chain` or `invalid_chain`.
    pub kind: String,
    pub detail: String,
    pub at_ms: i64,
}

/// What one sync round did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncRound {
    pub packages_received: u32,
    pub attempts_sent: u32,
    pub receipts_recorded: u32,
    pub conflicts: u32,
    /// More attempts wait to be sent (the round stopped at its batch size).
    pub more: bool,
    /// On a hub: desktops' envelopes forwarded to HQ this round.
    #[serde(default)]
    pub relayed: u32,
    /// Room reports HQ stored this round (rooms whose account changed).
    #[serde(default)]
    pub room_reports: u32,
    /// Packages could not be listed or one was refused (results went up first
    /// all the same); the next round tries again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_error: Option<String>,
}

/// Files written by a results export (for a USB stick).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedResults {
    pub results_file: String,
    pub manifest_file: String,
    pub attempts: u32,
    /// One file per room session this machine ran (for HQ's reconciliation).
    #[serde(default)]
    pub room_files: Vec<String>,
    /// One file per exam built on this machine with attempts in the export;
    /// HQ must import them before the results file (their names sort first).
    #[serde(default)]
    pub exam_files: Vec<String>,
}

/// The invigilator's start code for a received package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenPackage {
    pub package_id: String,
    pub start_code: String,
}

/// Enrolling this desktop with HQ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolDesktop {
    pub server_url: String,
    pub token: String,
    pub device_name: String,
}

/// The room hub issues enrolment tokens for `count` seats (1 to 100), each
/// single use, for the hub's own centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IssueSeatTokens {
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SeatTokens {
    pub centre: String,
    /// Each token enrols one seat, until `expires_at_ms`.
    pub tokens: Vec<String>,
    pub expires_at_ms: i64,
    /// The fingerprint of the hub's certificate, which the tokens carry (none
    /// when the hub serves plain HTTP).
    pub fingerprint: Option<String>,
}

/// An enrolled device (a seat, a desktop, a hub), as the console lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeviceDto {
    pub device_id: String,
    pub name: String,
    pub centre: String,
    pub enrolled_at_ms: i64,
    /// The last time it called this server (heartbeat, package pull).
    pub last_seen_at_ms: Option<i64>,
    /// The app version it reported with its heartbeat.
    pub app_version: Option<String>,
    /// When it was revoked; a revoked device can no longer pull packages or
    /// join the room.
    pub revoked_at_ms: Option<i64>,
    /// True for a hub (it enrolled with a serving certificate).
    pub is_hub: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RevokeDevice {
    pub device_id: String,
}

/// A package HQ published, as HQ's administrators see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageSummaryDto {
    pub package_id: String,
    pub exam_id: Option<i64>,
    pub title: String,
    pub centre: String,
    pub candidates: u64,
    pub size_bytes: u64,
    pub created_at_ms: i64,
    /// Attempts at it HQ holds (arrived over the link, through a hub or by stick).
    pub attempts_held: u64,
}

/// HQ's screen: its centres, their devices, the packages published to them
/// and what the sync refused. `is_hq` false on any other machine (the rest
/// empty).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HqOverviewDto {
    pub is_hq: bool,
    /// Every centre HQ knows of (from its devices and packages), sorted.
    pub centres: Vec<String>,
    pub packages: Vec<PackageSummaryDto>,
    pub devices: Vec<DeviceDto>,
    /// Attempts HQ holds per device that sent them (device id to count).
    pub attempts_by_device: std::collections::BTreeMap<String, u64>,
    /// Enrolment tokens issued, newest first.
    pub tokens: Vec<EnrolmentTokenDto>,
    pub incidents: Vec<SyncIncident>,
}

/// An enrolment token as HQ lists it: never the token itself, which was shown
/// once; `id` is its SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolmentTokenDto {
    pub id: String,
    pub centre: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    /// The device that enrolled with it.
    pub used_by: Option<String>,
}
