//! The attempt's append-only, hash-chained event log.
//!
//! Each stored event carries `hash = SHA-256(prev_hash | attempt | seq | at | payload)`,
//! where `payload` is the exact JSON text stored. Changing, dropping, reordering or
//! splicing an event from another attempt breaks the chain at that point.

use crate::clock::Timestamp;
use crate::question::{Answer, QuestionId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmitReason {
    Candidate,
    TimeUp,
    /// Handed in from the room console (the command carries the reason, which
    /// the room log keeps).
    Invigilator,
}

/// Where an attempt is in its life. Only moves forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    InProgress,
    Submitted,
    Graded,
}

impl AttemptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptStatus::InProgress => "in_progress",
            AttemptStatus::Submitted => "submitted",
            AttemptStatus::Graded => "graded",
        }
    }
    pub fn parse(s: &str) -> Option<AttemptStatus> {
        [
            AttemptStatus::InProgress,
            AttemptStatus::Submitted,
            AttemptStatus::Graded,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AttemptEvent {
    Started {
        exam_id: i64,
        sitting_id: i64,
        allowed_ms: i64,
    },
    /// `answer: None` clears the question.
    AnswerSet {
        question: QuestionId,
        answer: Option<Answer>,
    },
    Flagged {
        question: QuestionId,
        flagged: bool,
    },
    Navigated {
        index: u32,
    },
    /// The attempt was picked up again after the app stopped; `gap_ms` is how long
    /// nothing was heard from it (time kept running, per the default policy).
    Resumed {
        gap_ms: i64,
    },
    ClockWentBackwards {
        by_ms: i64,
    },
    /// The invigilator moved the candidate from a failed seat to a spare one,
    /// which continues this chain from the room hub's copy (seat names as the
    /// hub knows them).
    Moved {
        from: String,
        to: String,
    },
    /// The invigilator paused this candidate (or the room). Time stops until
    /// `Unpaused`; `command` is the console command that did it, if any.
    Paused {
        reason: String,
        command: Option<i64>,
    },
    /// The pause ended; `paused_ms` is excluded from the time consumed.
    Unpaused {
        paused_ms: i64,
        command: Option<i64>,
    },
    /// Time credited by the invigilator (an incident, or `downtime` from the ledger).
    /// Accommodations are not extensions: they are the attempt's multiplier.
    Extended {
        ms: i64,
        reason: String,
        command: Option<i64>,
    },
    /// The attempt came back after an unclean exit; an invigilator must unlock it.
    Locked {
        reason: String,
    },
    Unlocked {
        method: crate::room::UnlockMethod,
        command: Option<i64>,
    },
    /// A wrong code was typed at the locked seat. Kept, like everything else.
    UnlockRefused {
        attempts: u32,
    },
    /// The exam window lost focus or was hidden.
    FocusLost {
        hidden: bool,
    },
    /// Someone tried to close the exam window: with the invigilator's code
    /// (`allowed`), or with a wrong one.
    CloseAsked {
        allowed: bool,
    },
    Submitted {
        reason: SubmitReason,
    },
    Graded {
        total: f64,
        max: f64,
        percentage: f64,
        passed: bool,
        awaiting_marking: bool,
    },
    /// A teacher marked (or re-marked) an essay; the result was updated with it.
    EssayMarked {
        question: QuestionId,
        mark: f64,
        comment: Option<String>,
        by_user: i64,
        total: f64,
        percentage: f64,
        passed: bool,
        /// Why a mark already given was changed (a re-mark needs one).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Void for misconduct: the attempt is kept and graded, and its result is
    /// marked void with the reason. From the room console (`command`: it also
    /// hands the attempt in) or by staff where the attempt is held.
    Voided {
        reason: String,
        command: Option<i64>,
    },
    /// Reset for a resit by an administrator: the attempt is kept, no longer
    /// counts, and the candidate may sit the exam again (a new attempt).
    Superseded {
        reason: String,
    },
    /// The attempt was graded again after an answer key was corrected.
    Regraded {
        correction: i64,
        question: QuestionId,
        total: f64,
        percentage: f64,
        passed: bool,
    },
}

impl AttemptEvent {
    pub fn type_name(&self) -> &'static str {
        match self {
            AttemptEvent::Started { .. } => "started",
            AttemptEvent::AnswerSet { .. } => "answer_set",
            AttemptEvent::Flagged { .. } => "flagged",
            AttemptEvent::Navigated { .. } => "navigated",
            AttemptEvent::Resumed { .. } => "resumed",
            AttemptEvent::ClockWentBackwards { .. } => "clock_went_backwards",
            AttemptEvent::Moved { .. } => "moved",
            AttemptEvent::Paused { .. } => "paused",
            AttemptEvent::Unpaused { .. } => "unpaused",
            AttemptEvent::Extended { .. } => "extended",
            AttemptEvent::Locked { .. } => "locked",
            AttemptEvent::Unlocked { .. } => "unlocked",
            AttemptEvent::UnlockRefused { .. } => "unlock_refused",
            AttemptEvent::FocusLost { .. } => "focus_lost",
            AttemptEvent::CloseAsked { .. } => "close_asked",
            AttemptEvent::Submitted { .. } => "submitted",
            AttemptEvent::Graded { .. } => "graded",
            AttemptEvent::EssayMarked { .. } => "essay_marked",
            AttemptEvent::Regraded { .. } => "regraded",
            AttemptEvent::Voided { .. } => "voided",
            AttemptEvent::Superseded { .. } => "superseded",
        }
    }

    /// Whether this event may be appended to an attempt in `status`. Once
    /// submitted, nothing the candidate does is accepted; only grading follows.
    pub fn allowed_in(&self, status: AttemptStatus) -> bool {
        match self {
            AttemptEvent::Graded { .. } => status == AttemptStatus::Submitted,
            AttemptEvent::EssayMarked { .. } | AttemptEvent::Regraded { .. } => {
                status == AttemptStatus::Graded
            }
            // Misconduct may come to light during the exam or after it.
            AttemptEvent::Voided { .. } => true,
            // A running attempt is handed in (or voided) before a resit.
            AttemptEvent::Superseded { .. } => status != AttemptStatus::InProgress,
            _ => status == AttemptStatus::InProgress,
        }
    }

    /// The status after this event.
    pub fn next_status(&self, status: AttemptStatus) -> AttemptStatus {
        match self {
            AttemptEvent::Submitted { .. } => AttemptStatus::Submitted,
            AttemptEvent::Graded { .. } => AttemptStatus::Graded,
            _ => status,
        }
    }

    pub fn to_payload(&self) -> String {
        serde_json::to_string(self).expect("events serialise: no maps with non-string keys")
    }
}

/// A SHA-256 digest as 64 lower-case hex characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventHash(pub String);

impl EventHash {
    /// The `prev_hash` of an attempt's first event.
    pub fn genesis() -> EventHash {
        EventHash("0".repeat(64))
    }

    pub fn link(
        prev: &EventHash,
        attempt_id: &str,
        seq: i64,
        at: Timestamp,
        payload: &str,
    ) -> EventHash {
        let mut h = Sha256::new();
        for part in [
            prev.0.as_bytes(),
            attempt_id.as_bytes(),
            seq.to_string().as_bytes(),
            at.0.to_string().as_bytes(),
            payload.as_bytes(),
        ] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        EventHash(hex::encode(h.finalize()))
    }
}

/// One row of the log as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub seq: i64,
    pub at: Timestamp,
    pub payload: String,
    pub prev_hash: EventHash,
    pub hash: EventHash,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("event {seq}: sequence gap (expected {expected})")]
    Gap { seq: i64, expected: i64 },
    #[error("event {seq}: prev_hash does not match the previous event's hash")]
    BrokenLink { seq: i64 },
    #[error("event {seq}: hash does not match its content")]
    Tampered { seq: i64 },
    #[error("event {seq}: payload is not a known event: {reason}")]
    Unreadable { seq: i64, reason: String },
}

/// Checks the whole chain and returns the decoded events.
pub fn verify_chain(
    attempt_id: &str,
    events: &[StoredEvent],
) -> Result<Vec<AttemptEvent>, ChainError> {
    verify_chain_from(attempt_id, 0, &EventHash::genesis(), events)
}

/// Checks the part of a chain after a head already held (`head_seq` 0 and the
/// genesis hash for a whole chain) and returns the decoded events.
pub fn verify_chain_from(
    attempt_id: &str,
    head_seq: i64,
    head_hash: &EventHash,
    events: &[StoredEvent],
) -> Result<Vec<AttemptEvent>, ChainError> {
    let mut prev = head_hash.clone();
    let mut out = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        let expected = head_seq + i as i64 + 1;
        if e.seq != expected {
            return Err(ChainError::Gap {
                seq: e.seq,
                expected,
            });
        }
        if e.prev_hash != prev {
            return Err(ChainError::BrokenLink { seq: e.seq });
        }
        if EventHash::link(&prev, attempt_id, e.seq, e.at, &e.payload) != e.hash {
            return Err(ChainError::Tampered { seq: e.seq });
        }
        let ev = serde_json::from_str(&e.payload).map_err(|err| ChainError::Unreadable {
            seq: e.seq,
            reason: err.to_string(),
        })?;
        out.push(ev);
        prev = e.hash.clone();
    }
    Ok(out)
}

/// Hex characters of an event's hash a receipt carries: 48 bits, enough that
/// a forged receipt matching by chance is out of reach.
pub const RECEIPT_HASH_CHARS: usize = 12;

/// A receipt's code: the event it vouches for and the start of its hash,
/// `37-9f3ac1d2e4b7`.
pub fn receipt_code(seq: i64, hash: &EventHash) -> String {
    let h: String = hash.0.chars().take(RECEIPT_HASH_CHARS).collect();
    format!("{seq}-{h}")
}

/// What a receipt (or a result sheet's verification line) claims: the chain
/// held a hash starting with `hash` at event `seq` (any event when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptClaim {
    pub seq: Option<i64>,
    pub hash: String,
}

impl ReceiptClaim {
    /// `37-9f3ac1d2e4b7` (a receipt), or a bare hash of at least 12 hex digits
    /// (a sheet's chain head).
    pub fn parse(text: &str) -> Result<ReceiptClaim, String> {
        let t = text.trim();
        let (seq, hash) = match t.split_once('-') {
            Some((n, h)) => (
                Some(
                    n.trim()
                        .parse::<i64>()
                        .ok()
                        .filter(|n| *n >= 1)
                        .ok_or_else(|| format!("{n:?} is not an event number"))?,
                ),
                h.trim(),
            ),
            None => (None, t),
        };
        if hash.len() < RECEIPT_HASH_CHARS
            || hash.len() > 64
            || !hash.chars().all(|c| c.is_ascii_hexdigit())
        {
            return Err(format!(
                "a receipt is EVENT-HASH (37-9f3ac1d2e4b7) or a chain head of {RECEIPT_HASH_CHARS} to 64 hex digits"
            ));
        }
        Ok(ReceiptClaim {
            seq,
            hash: hash.to_ascii_lowercase(),
        })
    }
}

/// What the stored log says of a receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptCheck {
    /// The chain verifies and held that hash at event `seq`; `events` is how
    /// long the chain is now (grading and marking extend it).
    Valid { seq: i64, events: i64 },
    /// No event of this attempt is held here.
    UnknownAttempt,
    /// The log and the receipt part at event `seq` (or the log is damaged from
    /// there): `None` when a bare hash matches no event.
    Differs { seq: Option<i64> },
}

/// Checks a receipt against an attempt's stored log (pure).
pub fn check_receipt(
    attempt_id: &str,
    events: &[StoredEvent],
    claim: &ReceiptClaim,
) -> ReceiptCheck {
    if events.is_empty() {
        return ReceiptCheck::UnknownAttempt;
    }
    if let Err(e) = verify_chain(attempt_id, events) {
        let seq = match e {
            ChainError::Gap { expected, .. } => expected,
            ChainError::BrokenLink { seq }
            | ChainError::Tampered { seq }
            | ChainError::Unreadable { seq, .. } => seq,
        };
        return ReceiptCheck::Differs { seq: Some(seq) };
    }
    let len = events.len() as i64;
    let matches = |e: &StoredEvent| e.hash.0.starts_with(&claim.hash);
    match claim.seq {
        Some(n) if n > len => ReceiptCheck::Differs { seq: Some(len + 1) },
        Some(n) if matches(&events[(n - 1) as usize]) => ReceiptCheck::Valid {
            seq: n,
            events: len,
        },
        Some(n) => ReceiptCheck::Differs { seq: Some(n) },
        None => match events.iter().find(|e| matches(e)) {
            Some(e) => ReceiptCheck::Valid {
                seq: e.seq,
                events: len,
            },
            None => ReceiptCheck::Differs { seq: None },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_part_after_a_held_head_is_checked_from_that_head() {
        let evs = [
            AttemptEvent::Started {
                exam_id: 1,
                sitting_id: 1,
                allowed_ms: 60_000,
            },
            AttemptEvent::Navigated { index: 1 },
            AttemptEvent::Submitted {
                reason: SubmitReason::Candidate,
            },
        ];
        let log = chain("a1", &evs);
        let tail = verify_chain_from("a1", 1, &log[0].hash, &log[1..]).unwrap();
        assert_eq!(tail, evs[1..]);
        // The same tail against another head, or from the wrong place.
        assert_eq!(
            verify_chain_from("a1", 1, &log[1].hash, &log[1..]),
            Err(ChainError::BrokenLink { seq: 2 })
        );
        assert_eq!(
            verify_chain_from("a1", 0, &EventHash::genesis(), &log[1..]),
            Err(ChainError::Gap {
                seq: 2,
                expected: 1
            })
        );
        assert_eq!(verify_chain("a1", &log).unwrap(), evs);
    }

    #[test]
    fn a_receipt_is_valid_unknown_or_differs_from_an_event_on() {
        let evs = [
            AttemptEvent::Started {
                exam_id: 1,
                sitting_id: 1,
                allowed_ms: 60_000,
            },
            AttemptEvent::Submitted {
                reason: SubmitReason::Candidate,
            },
        ];
        let log = chain("a1", &evs);
        let code = receipt_code(2, &log[1].hash);
        assert_eq!(code.len(), 2 + RECEIPT_HASH_CHARS);
        let claim = ReceiptClaim::parse(&code).unwrap();
        assert_eq!(
            check_receipt("a1", &log, &claim),
            ReceiptCheck::Valid { seq: 2, events: 2 }
        );
        // A sheet's full chain head, upper case: found wherever it is.
        let head = ReceiptClaim::parse(&log[1].hash.0.to_uppercase()).unwrap();
        assert_eq!(
            check_receipt("a1", &log, &head),
            ReceiptCheck::Valid { seq: 2, events: 2 }
        );
        assert_eq!(
            check_receipt("a1", &[], &claim),
            ReceiptCheck::UnknownAttempt
        );
        // The right hash claimed at the wrong event, a hash of another attempt,
        // an event the log does not have.
        let wrong = ReceiptClaim::parse(&receipt_code(1, &log[1].hash)).unwrap();
        assert_eq!(
            check_receipt("a1", &log, &wrong),
            ReceiptCheck::Differs { seq: Some(1) }
        );
        let other = chain("a2", &evs);
        let foreign = ReceiptClaim::parse(&other[1].hash.0).unwrap();
        assert_eq!(
            check_receipt("a1", &log, &foreign),
            ReceiptCheck::Differs { seq: None }
        );
        let ahead = ReceiptClaim::parse(&receipt_code(5, &log[1].hash)).unwrap();
        assert_eq!(
            check_receipt("a1", &log, &ahead),
            ReceiptCheck::Differs { seq: Some(3) }
        );
        // A damaged log is never vouched for: it differs from the damage on.
        let mut bad = log.clone();
        bad[1].payload = bad[1].payload.replace("candidate", "time_up");
        assert_eq!(
            check_receipt("a1", &bad, &claim),
            ReceiptCheck::Differs { seq: Some(2) }
        );
        for junk in ["", "12-xyz", "0-9f3ac1d2e4b7", "9f3ac1", "x-9f3ac1d2e4b7"] {
            assert!(ReceiptClaim::parse(junk).is_err(), "{junk:?}");
        }
    }

    fn chain(attempt: &str, evs: &[AttemptEvent]) -> Vec<StoredEvent> {
        let mut prev = EventHash::genesis();
        evs.iter()
            .enumerate()
            .map(|(i, ev)| {
                let seq = i as i64 + 1;
                let at = Timestamp(1000 * seq);
                let payload = ev.to_payload();
                let hash = EventHash::link(&prev, attempt, seq, at, &payload);
                let s = StoredEvent {
                    seq,
                    at,
                    payload,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                s
            })
            .collect()
    }

    fn sample() -> Vec<AttemptEvent> {
        vec![
            AttemptEvent::Started {
                exam_id: 1,
                sitting_id: 1,
                allowed_ms: 60_000,
            },
            AttemptEvent::AnswerSet {
                question: QuestionId::parse("q1").unwrap(),
                answer: Some(Answer::Text("b".into())),
            },
            AttemptEvent::Submitted {
                reason: SubmitReason::Candidate,
            },
        ]
    }

    #[test]
    fn nothing_follows_submission_but_grading() {
        let answer = AttemptEvent::Navigated { index: 1 };
        let graded = AttemptEvent::Graded {
            total: 1.0,
            max: 1.0,
            percentage: 100.0,
            passed: true,
            awaiting_marking: false,
        };
        assert!(answer.allowed_in(AttemptStatus::InProgress));
        assert!(
            !answer.allowed_in(AttemptStatus::Submitted),
            "no answers after submission"
        );
        assert!(
            !graded.allowed_in(AttemptStatus::InProgress),
            "no grading before submission"
        );
        assert!(graded.allowed_in(AttemptStatus::Submitted));
        assert!(!graded.allowed_in(AttemptStatus::Graded), "graded once");
        let submit = AttemptEvent::Submitted {
            reason: SubmitReason::TimeUp,
        };
        assert_eq!(
            submit.next_status(AttemptStatus::InProgress),
            AttemptStatus::Submitted
        );
    }

    #[test]
    fn an_intact_chain_verifies_and_replays() {
        let c = chain("att-1", &sample());
        assert_eq!(verify_chain("att-1", &c).unwrap(), sample());
    }

    #[test]
    fn tampering_is_detected_at_the_event() {
        let mut c = chain("att-1", &sample());
        c[1].payload = c[1].payload.replace("\"b\"", "\"c\"");
        assert_eq!(
            verify_chain("att-1", &c),
            Err(ChainError::Tampered { seq: 2 })
        );

        let mut c = chain("att-1", &sample());
        c.remove(1);
        assert!(matches!(
            verify_chain("att-1", &c),
            Err(ChainError::Gap { seq: 3, .. })
        ));

        let c = chain("att-1", &sample());
        assert_eq!(
            verify_chain("att-2", &c),
            Err(ChainError::Tampered { seq: 1 }),
            "events are bound to their attempt"
        );
    }
}
