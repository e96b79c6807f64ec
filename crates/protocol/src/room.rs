//! Wire types of the room session: the invigilator's console (IPC on the
//! invigilator's desktop, HTTP on a hub) and the seats' heartbeat to their hub.

pub use examhall_domain::room::{
    Attendance, CommandKind, IncidentCategory, RoomCommand, RoomState, UnlockMethod,
};
use examhall_domain::AttemptStatus;
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Create a planned session for an exam in a room. The expected candidates are
/// the exam's assigned candidates (from its package, or assigned here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateRoomSession {
    pub exam_id: i64,
    /// "Lab 2".
    pub room: String,
    pub seats: u32,
    /// Starting is refused this many minutes after the session opens. Absent: late
    /// starters may start at any time, and always get their full time.
    #[serde(default)]
    pub late_start_minutes: Option<u32>,
    /// Only candidates checked in as present or late may start (the default).
    #[serde(default = "yes")]
    pub check_in_required: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SessionRef {
    pub session_id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RoomSessionDto {
    pub session_id: i64,
    pub exam_id: i64,
    pub exam_title: String,
    pub package_id: Option<String>,
    pub room: String,
    pub seats: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub state: RoomState,
    pub late_start_minutes: Option<u32>,
    /// Read out to the room once the session is open.
    pub start_code: Option<String>,
    /// Typed at a locked seat to unlock it. For the invigilator's eyes only.
    pub invigilator_code: String,
    pub created_at_ms: i64,
    pub opened_at_ms: Option<i64>,
    pub closed_at_ms: Option<i64>,
    pub check_in_required: bool,
}

/// The invigilator moves a candidate whose seat failed to a spare seat: the
/// seat holding the attempt is fenced at once, and the next seat the
/// candidate starts at continues the attempt from the hub's copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MoveCandidate {
    pub session_id: i64,
    pub username: String,
    /// Why (the room log keeps it): "seat 12's screen died".
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckIn {
    pub session_id: i64,
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub attendance: Attendance,
    #[serde(default)]
    pub id_checked: bool,
    #[serde(default)]
    pub seat: Option<String>,
}

/// Pause, resume, extend or unlock one candidate (`username`) or the whole room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoomAction {
    pub session_id: i64,
    #[serde(default)]
    pub username: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: CommandKind,
    /// For `extend`: minutes to credit (1 to 600).
    #[serde(default)]
    pub minutes: Option<u32>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RoomActionAck {
    pub command_id: i64,
    /// Attempts on this machine it changed at once; seats elsewhere follow on
    /// their next heartbeat.
    pub applied_here: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecordIncident {
    pub session_id: i64,
    #[serde(default)]
    pub username: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub category: IncidentCategory,
    pub text: String,
}

/// The invigilator reads the challenge off a locked seat that cannot reach the
/// console; the console answers with the code to type at the seat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OfflineUnlock {
    pub session_id: i64,
    pub challenge: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UnlockCodeDto {
    pub response: String,
}

/// Accept ("credit N minutes to candidate X") or dismiss a downtime proposal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecideCredit {
    pub session_id: i64,
    pub attempt_id: String,
    pub gap_seq: i64,
    pub accept: bool,
}

/// Close the session. Every candidate in the room must have submitted or be
/// accounted for here (with a reason); candidates never checked in must have
/// been marked absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CloseRoomSession {
    pub session_id: i64,
    #[serde(default)]
    pub accounted: Vec<AccountedFor>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountedFor {
    pub username: String,
    pub reason: String,
}

/// The whole room at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RoomConsoleDto {
    pub session: RoomSessionDto,
    pub seats: Vec<SeatView>,
    pub ledger: Vec<CreditProposal>,
    pub log: Vec<RoomLogDto>,
    /// Starts the room's rules refused (not checked in, too late…), oldest first.
    pub refused: Vec<StartRefusalDto>,
    pub now_ms: i64,
}

/// A candidate who tried to start and was refused by the room's rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StartRefusalDto {
    pub package_id: String,
    pub username: String,
    pub at_ms: i64,
    pub reason: String,
    /// The seat it happened at (filled in by the hub).
    #[serde(default)]
    pub device: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SeatView {
    pub username: String,
    pub display_name: String,
    pub seat: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub attendance: Attendance,
    pub id_checked: bool,
    pub time_multiplier: f64,
    pub accounted: Option<String>,
    /// The machine the candidate sits at, once it has reported.
    pub device: Option<String>,
    /// The newest report from the seat (or this machine's own attempt).
    pub progress: Option<SeatAttempt>,
    /// When the console last heard from the seat.
    pub last_heard_ms: Option<i64>,
    /// The highest console command the seat has applied.
    pub applied_command: i64,
    /// Time left now, estimated from the report (frozen while paused).
    pub remaining_ms: Option<i64>,
    pub alerts: Vec<SeatAlert>,
    /// This machine's copy of the attempt (copy as you go), if it holds one.
    #[serde(default)]
    pub copy: Option<SeatCopy>,
}

/// How far the console's machine holds a seat's attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SeatCopy {
    pub held_seq: i64,
    /// Events the seat reported saving that the copy lacks (the copy lag).
    pub behind: i64,
    /// This machine's clock, when events last arrived.
    pub copied_at_ms: i64,
    /// The invigilator moved the candidate and no spare seat has taken the
    /// attempt yet.
    #[serde(default)]
    pub moving: bool,
    /// The seat the attempt was moved away from, once moved.
    #[serde(default)]
    pub moved_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SeatAlert {
    /// Nothing heard for longer than 30 s while the attempt runs.
    Silent {
        secs: i64,
    },
    FocusLost {
        count: i64,
    },
    CloseAsked {
        count: i64,
    },
    TimeNearlyUp {
        secs: i64,
    },
    /// The attempt's time ran out `secs` ago and it was not handed in: the seat
    /// is silent (dead, or cut off). Moving the candidate hands it in at once.
    TimeOver {
        secs: i64,
    },
    Locked,
    Paused,
    /// Tried to start and was refused by the room's rules; `reason` is the last.
    StartRefused {
        count: i64,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreditProposal {
    pub username: String,
    pub attempt_id: String,
    pub gap_seq: i64,
    pub gap_ms: i64,
    /// What to credit: the gap rounded up to whole minutes.
    pub minutes: u32,
    /// "credited" or "dismissed" once decided.
    pub decision: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RoomLogDto {
    pub at_ms: i64,
    pub kind: String,
    pub category: Option<String>,
    pub username: Option<String>,
    pub detail: String,
}

// ---- seat <-> hub ------------------------------------------------------------

/// One attempt as its seat reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SeatAttempt {
    pub package_id: String,
    pub username: String,
    pub attempt_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: AttemptStatus,
    pub answered: u32,
    pub total: u32,
    pub flagged: u32,
    pub last_saved_at_ms: Option<i64>,
    /// On the seat's own clock, when the report was made.
    pub remaining_ms: i64,
    pub paused: bool,
    pub locked: bool,
    pub focus_lost: u32,
    /// Requests to close the exam window (the invigilator's code was asked for).
    #[serde(default)]
    pub close_asked: u32,
    /// Gaps in the seat's log (`Resumed` events): the downtime ledger's input.
    pub gaps: Vec<GapDto>,
    /// Handed in by the clock when time ran out (by the window at the deadline
    /// or by the sweeper when nobody was looking), not by the candidate.
    #[serde(default)]
    pub time_up: bool,
    /// The seat's chain head when it reported (how far the hub's copy should be).
    #[serde(default)]
    pub head_seq: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GapDto {
    pub seq: i64,
    pub gap_ms: i64,
}

/// How far a seat has applied a session's commands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SeatCursor {
    pub session_id: i64,
    pub applied: i64,
}

/// A seat's heartbeat (every 2 s): its attempts, and its command cursors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SeatReport {
    pub attempts: Vec<SeatAttempt>,
    pub cursors: Vec<SeatCursor>,
    /// Recent starts refused at the seat by the room's rules.
    #[serde(default)]
    pub refused: Vec<StartRefusalDto>,
    /// The seat's app version, listed on the console.
    #[serde(default)]
    pub app_version: Option<String>,
}

/// What the hub answers: the sessions a seat may be in, and new commands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RoomUpdate {
    pub sessions: Vec<SeatSession>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SeatSession {
    pub session_id: i64,
    pub package_id: String,
    pub room: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub state: RoomState,
    /// The room's unlock secret (hex), so a seat can check codes offline.
    pub secret: String,
    /// Present once the session is open: the seat opens its package with it.
    pub start_code: Option<String>,
    pub late_start_minutes: Option<u32>,
    pub opened_at_ms: Option<i64>,
    /// The hub's sitting of the exam: its schedule, which the seat enforces.
    #[serde(default)]
    pub sitting: Option<SittingWindowDto>,
    /// Whether only the candidates in `admitted` may start.
    #[serde(default)]
    pub check_in_required: bool,
    /// Usernames checked in as present or late.
    #[serde(default)]
    pub admitted: Vec<String>,
    /// Commands after the seat's cursor, in order.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub commands: Vec<RoomCommand>,
}

/// A sitting's schedule, as the hub tells its seats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SittingWindowDto {
    pub opened_at_ms: i64,
    pub opens_at_ms: Option<i64>,
    pub closes_at_ms: Option<i64>,
    pub late_start_minutes: Option<u32>,
}

/// The candidate types a code at a locked seat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnlockSeat {
    pub attempt_id: String,
    pub code: String,
}

/// What a locked seat shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LockDto {
    pub challenge: String,
    pub room: String,
    /// Wrong codes typed so far; after 10, only the console can unlock.
    pub failures: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FocusLost {
    pub attempt_id: String,
    pub hidden: bool,
}

/// Closing the exam window during an attempt: under a room session it needs the
/// invigilator's code (the attempt stays running; the next start is an unclean
/// exit and locks the seat until an invigilator unlocks it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseExamWindow {
    pub attempt_id: String,
    #[serde(default)]
    pub code: Option<String>,
}
