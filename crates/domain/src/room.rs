//! The room session's rules: when a seat may start, which codes unlock a seat, and
//! how much downtime to offer as credit. Pure: secrets and instants are passed in.

use crate::account::StartCode;
use crate::clock::Timestamp;
use crate::events::AttemptEvent;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// Where a room session is in its life. Only moves forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoomState {
    /// Created: candidates are checked in, nobody can start.
    Planned,
    /// The invigilator opened it and read out the start code.
    Open,
    /// Every seat is submitted or accounted for; nothing more happens here.
    Closed,
}

impl RoomState {
    pub fn as_str(self) -> &'static str {
        match self {
            RoomState::Planned => "planned",
            RoomState::Open => "open",
            RoomState::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<RoomState> {
        [RoomState::Planned, RoomState::Open, RoomState::Closed]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// A candidate's attendance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    Expected,
    Present,
    Late,
    Absent,
}

impl Attendance {
    pub fn as_str(self) -> &'static str {
        match self {
            Attendance::Expected => "expected",
            Attendance::Present => "present",
            Attendance::Late => "late",
            Attendance::Absent => "absent",
        }
    }
    pub fn parse(s: &str) -> Option<Attendance> {
        [
            Attendance::Expected,
            Attendance::Present,
            Attendance::Late,
            Attendance::Absent,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
    /// Whether the candidate is in the room (and so must be accounted for at the end).
    pub fn in_room(self) -> bool {
        matches!(self, Attendance::Present | Attendance::Late)
    }
}

/// Incident categories, as TAO's proctoring groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentCategory {
    Environment,
    Candidate,
    Staff,
    Technical,
}

impl IncidentCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentCategory::Environment => "environment",
            IncidentCategory::Candidate => "candidate",
            IncidentCategory::Staff => "staff",
            IncidentCategory::Technical => "technical",
        }
    }
    pub fn parse(s: &str) -> Option<IncidentCategory> {
        [
            IncidentCategory::Environment,
            IncidentCategory::Candidate,
            IncidentCategory::Staff,
            IncidentCategory::Technical,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// Why a seat may not start now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StartRefusal {
    #[error("the invigilator has not opened the session yet")]
    NotOpen,
    #[error("the session is closed")]
    Closed,
    #[error("late start closed {minutes} minutes after the session opened")]
    TooLate { minutes: u32 },
}

/// A seat may start once the session is open, and (if the sitting limits late
/// starts) no later than `late_start_minutes` after it opened. A late starter gets
/// their full time: the clock starts when they do.
pub fn may_start(
    state: RoomState,
    opened_at: Option<Timestamp>,
    late_start_minutes: Option<u32>,
    now: Timestamp,
) -> Result<(), StartRefusal> {
    match state {
        RoomState::Planned => Err(StartRefusal::NotOpen),
        RoomState::Closed => Err(StartRefusal::Closed),
        RoomState::Open => match (late_start_minutes, opened_at) {
            (Some(m), Some(at)) if now.since(at) > i64::from(m) * 60_000 => {
                Err(StartRefusal::TooLate { minutes: m })
            }
            _ => Ok(()),
        },
    }
}

fn code_from(secret: &[u8], label: &str, input: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(label.as_bytes());
    mac.update(&[0]);
    mac.update(input.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut six = [0u8; StartCode::LEN];
    six.copy_from_slice(&digest[..StartCode::LEN]);
    StartCode::from_random(six).as_str().to_owned()
}

/// The session's invigilator code: typed at a locked seat, it unlocks it.
/// Shown only on the invigilator's console, never read out.
pub fn invigilator_code(secret: &[u8]) -> String {
    code_from(secret, "examhall invigilator code", "")
}

/// The challenge a locked seat shows: different for every lock of every attempt.
pub fn unlock_challenge(secret: &[u8], attempt_id: &str, lock_seq: i64) -> String {
    code_from(
        secret,
        "examhall unlock challenge",
        &format!("{attempt_id}/{lock_seq}"),
    )
}

/// The answer to a challenge, computed on the console from the challenge the
/// invigilator reads off the seat. Works when the seat cannot reach the console.
pub fn unlock_response(secret: &[u8], challenge: &str) -> String {
    let normal = StartCode::parse(challenge)
        .map(|c| c.as_str().to_owned())
        .unwrap_or_else(|_| challenge.trim().to_uppercase());
    code_from(secret, "examhall unlock response", &normal)
}

/// How a typed code unlocks a seat, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnlockMethod {
    /// From the console, over the LAN.
    Console,
    /// The session's invigilator code, typed at the seat.
    InvigilatorCode,
    /// The response to the seat's challenge, typed at the seat.
    ChallengeResponse,
}

/// Checks a code typed at a locked seat against both accepted forms.
pub fn check_unlock_code(secret: &[u8], challenge: &str, typed: &str) -> Option<UnlockMethod> {
    let typed = StartCode::parse(typed).ok()?;
    if ct_eq(typed.as_str(), &invigilator_code(secret)) {
        Some(UnlockMethod::InvigilatorCode)
    } else if ct_eq(typed.as_str(), &unlock_response(secret, challenge)) {
        Some(UnlockMethod::ChallengeResponse)
    } else {
        None
    }
}

fn ct_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// What the console can tell a seat to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandKind {
    Pause,
    Resume,
    Extend,
    Unlock,
    /// Hand the candidate's attempt in now (one candidate, with a reason).
    Submit,
    /// Void the candidate's attempt for misconduct (one candidate, with a
    /// reason): it is handed in, kept and graded, and its result marked void.
    Void,
}

impl CommandKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CommandKind::Pause => "pause",
            CommandKind::Resume => "resume",
            CommandKind::Extend => "extend",
            CommandKind::Unlock => "unlock",
            CommandKind::Submit => "submit",
            CommandKind::Void => "void",
        }
    }
    pub fn parse(s: &str) -> Option<CommandKind> {
        [
            CommandKind::Pause,
            CommandKind::Resume,
            CommandKind::Extend,
            CommandKind::Unlock,
            CommandKind::Submit,
            CommandKind::Void,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// A console command as a seat receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomCommand {
    pub id: i64,
    /// `None`: every candidate in the room.
    pub username: Option<String>,
    pub kind: CommandKind,
    pub ms: i64,
    pub reason: String,
}

/// The events a command appends to one running attempt, given how the attempt
/// stands; none when it changes nothing (pausing a paused attempt, unlocking an
/// unlocked one), so a command applied twice is harmless.
pub fn command_events(
    cmd: &RoomCommand,
    paused_at: Option<Timestamp>,
    locked: bool,
    now: Timestamp,
) -> Vec<AttemptEvent> {
    let command = Some(cmd.id);
    // A paused or locked attempt is handed in all the same.
    let hand_in = AttemptEvent::Submitted {
        reason: crate::SubmitReason::Invigilator,
    };
    match cmd.kind {
        CommandKind::Pause => paused_at
            .is_none()
            .then(|| AttemptEvent::Paused {
                reason: cmd.reason.clone(),
                command,
            })
            .into_iter()
            .collect(),
        CommandKind::Resume => paused_at
            .map(|p| AttemptEvent::Unpaused {
                paused_ms: now.since(p).max(0),
                command,
            })
            .into_iter()
            .collect(),
        CommandKind::Extend => (cmd.ms > 0)
            .then(|| AttemptEvent::Extended {
                ms: cmd.ms,
                reason: cmd.reason.clone(),
                command,
            })
            .into_iter()
            .collect(),
        CommandKind::Unlock => locked
            .then_some(AttemptEvent::Unlocked {
                method: UnlockMethod::Console,
                command,
            })
            .into_iter()
            .collect(),
        CommandKind::Submit => vec![hand_in],
        // Voiding a running attempt hands it in: it is then graded and kept.
        CommandKind::Void => vec![
            AttemptEvent::Voided {
                reason: cmd.reason.clone(),
                command,
            },
            hand_in,
        ],
    }
}

/// The credit to offer for a gap in a seat's log: whole minutes, rounded up, so a
/// candidate never loses time to rounding. Gaps shorter than `min_ms` are noise.
pub fn credit_minutes(gap_ms: i64, min_ms: i64) -> Option<u32> {
    if gap_ms < min_ms.max(1) {
        return None;
    }
    u32::try_from((gap_ms + 59_999) / 60_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starting_needs_an_open_session_and_respects_the_late_limit() {
        let t = Timestamp(1_000_000);
        assert_eq!(
            may_start(RoomState::Planned, None, None, t),
            Err(StartRefusal::NotOpen)
        );
        assert_eq!(
            may_start(RoomState::Closed, Some(t), None, t),
            Err(StartRefusal::Closed)
        );
        assert_eq!(
            may_start(RoomState::Open, Some(t), None, t.plus_millis(9_000_000)),
            Ok(())
        );
        assert_eq!(
            may_start(RoomState::Open, Some(t), Some(30), t.plus_millis(1_800_000)),
            Ok(())
        );
        assert_eq!(
            may_start(RoomState::Open, Some(t), Some(30), t.plus_millis(1_800_001)),
            Err(StartRefusal::TooLate { minutes: 30 })
        );
    }

    #[test]
    fn unlock_codes_depend_on_the_secret_and_the_challenge() {
        let (s1, s2) = ([1u8; 32], [2u8; 32]);
        let pin = invigilator_code(&s1);
        assert!(StartCode::parse(&pin).is_ok());
        assert_ne!(pin, invigilator_code(&s2));
        let c1 = unlock_challenge(&s1, "a1", 7);
        let c2 = unlock_challenge(&s1, "a1", 9);
        assert_ne!(c1, c2, "every lock has its own challenge");
        let r1 = unlock_response(&s1, &c1);
        assert_eq!(
            check_unlock_code(&s1, &c1, &r1),
            Some(UnlockMethod::ChallengeResponse)
        );
        assert_eq!(
            check_unlock_code(&s1, &c2, &r1),
            None,
            "a response answers one challenge only"
        );
        assert_eq!(
            check_unlock_code(&s1, &c1, &pin.to_lowercase()),
            Some(UnlockMethod::InvigilatorCode),
            "typed in lower case"
        );
        assert_eq!(
            check_unlock_code(&s2, &c1, &r1),
            None,
            "another room's code"
        );
        assert_eq!(check_unlock_code(&s1, &c1, "nonsense"), None);
    }

    #[test]
    fn commands_change_only_what_needs_changing() {
        let t = Timestamp(10_000);
        let cmd = |kind, ms| RoomCommand {
            id: 4,
            username: None,
            kind,
            ms,
            reason: "fire alarm".into(),
        };
        assert!(matches!(
            &command_events(&cmd(CommandKind::Pause, 0), None, false, t)[..],
            [AttemptEvent::Paused {
                command: Some(4),
                ..
            }]
        ));
        assert_eq!(
            command_events(&cmd(CommandKind::Pause, 0), Some(t), false, t),
            []
        );
        assert_eq!(
            command_events(
                &cmd(CommandKind::Resume, 0),
                Some(Timestamp(4_000)),
                false,
                t
            ),
            [AttemptEvent::Unpaused {
                paused_ms: 6_000,
                command: Some(4)
            }]
        );
        assert_eq!(
            command_events(&cmd(CommandKind::Resume, 0), None, false, t),
            []
        );
        assert_eq!(
            command_events(&cmd(CommandKind::Extend, 0), None, false, t),
            []
        );
        assert_eq!(
            command_events(&cmd(CommandKind::Extend, 600_000), None, false, t).len(),
            1
        );
        assert_eq!(
            command_events(&cmd(CommandKind::Unlock, 0), None, false, t),
            []
        );
        assert_eq!(
            command_events(&cmd(CommandKind::Unlock, 0), None, true, t).len(),
            1
        );
        let hand_in = AttemptEvent::Submitted {
            reason: crate::SubmitReason::Invigilator,
        };
        for (paused, locked) in [(None, false), (Some(t), false), (None, true)] {
            assert_eq!(
                command_events(&cmd(CommandKind::Submit, 0), paused, locked, t),
                std::slice::from_ref(&hand_in),
                "handed in whatever state it is in"
            );
            assert_eq!(
                command_events(&cmd(CommandKind::Void, 0), paused, locked, t),
                [
                    AttemptEvent::Voided {
                        reason: "fire alarm".into(),
                        command: Some(4)
                    },
                    hand_in.clone()
                ],
                "voided, then handed in, whatever state it is in"
            );
        }
        for k in [
            CommandKind::Pause,
            CommandKind::Resume,
            CommandKind::Extend,
            CommandKind::Unlock,
            CommandKind::Submit,
            CommandKind::Void,
        ] {
            assert_eq!(CommandKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn credits_round_up_to_whole_minutes() {
        assert_eq!(credit_minutes(10_000, 15_000), None);
        assert_eq!(credit_minutes(15_000, 15_000), Some(1));
        assert_eq!(credit_minutes(60_000, 15_000), Some(1));
        assert_eq!(credit_minutes(60_001, 15_000), Some(2));
    }
}
