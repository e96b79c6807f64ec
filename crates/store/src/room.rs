//! The room session (see migration 07): the console's session, roster, log,
//! commands, seat reports and downtime decisions; and a seat's mirror of the
//! session it learned from its hub.

use crate::attempts::{append_in, attempt_in};
use crate::{Result, Store, StoreError};
use examhall_domain::room::{command_events, Attendance, CommandKind, RoomCommand, RoomState};
use examhall_domain::{AttemptEvent, Timestamp};
use sqlx::AnyConnection;

#[derive(Debug, Clone)]
pub struct RoomSessionRow {
    pub id: i64,
    pub exam_id: i64,
    pub package_id: Option<String>,
    pub room: String,
    pub seats: i64,
    pub secret: String,
    pub state: RoomState,
    pub late_start_minutes: Option<u32>,
    pub start_code: Option<String>,
    pub created_at: Timestamp,
    pub opened_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    /// Only candidates checked in as present or late may start.
    pub check_in_required: bool,
}

#[derive(sqlx::FromRow)]
struct RawSession {
    id: i64,
    exam_id: i64,
    package_id: Option<String>,
    room: String,
    seats: i64,
    secret: String,
    state: String,
    late_start_minutes: Option<i64>,
    start_code: Option<String>,
    created_at: i64,
    opened_at: Option<i64>,
    closed_at: Option<i64>,
    #[sqlx(try_from = "crate::Flag")]
    check_in_required: bool,
}

impl TryFrom<RawSession> for RoomSessionRow {
    type Error = StoreError;
    fn try_from(r: RawSession) -> Result<Self> {
        Ok(RoomSessionRow {
            state: RoomState::parse(&r.state)
                .ok_or_else(|| StoreError::corrupt("room_sessions.state", &r.state))?,
            late_start_minutes: r.late_start_minutes.and_then(|m| u32::try_from(m).ok()),
            created_at: Timestamp(r.created_at),
            opened_at: r.opened_at.map(Timestamp),
            closed_at: r.closed_at.map(Timestamp),
            id: r.id,
            exam_id: r.exam_id,
            package_id: r.package_id,
            room: r.room,
            seats: r.seats,
            secret: r.secret,
            start_code: r.start_code,
            check_in_required: r.check_in_required,
        })
    }
}

const SESSION_COLS: &str =
    "id, exam_id, package_id, room, seats, secret, state, late_start_minutes, start_code, \
     created_at, opened_at, closed_at, check_in_required";

#[derive(Debug, Clone)]
pub struct RoomCandidateRow {
    pub username: String,
    pub display_name: String,
    pub seat: Option<String>,
    pub attendance: Attendance,
    pub id_checked: bool,
    pub time_multiplier: f64,
    pub checked_in_at: Option<Timestamp>,
    pub accounted: Option<String>,
}

#[derive(sqlx::FromRow)]
struct RawCandidate {
    username: String,
    display_name: String,
    seat: Option<String>,
    attendance: String,
    #[sqlx(try_from = "crate::Flag")]
    id_checked: bool,
    time_multiplier: f64,
    checked_in_at: Option<i64>,
    accounted: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoomLogRow {
    pub id: i64,
    pub at: i64,
    pub kind: String,
    pub category: Option<String>,
    pub username: Option<String>,
    pub detail: String,
    pub by_user: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoomSeatRow {
    pub username: String,
    pub device: String,
    pub report: String,
    pub applied_command: i64,
    pub received_at: i64,
    /// The longest the hub heard nothing from this seat (between its reports,
    /// or from the session's opening to its first one).
    pub longest_silence_ms: i64,
}

/// One seat's report on one candidate, as the hub stores it.
#[derive(Debug, Clone)]
pub struct NewSeatReport {
    pub session_id: i64,
    pub username: String,
    pub device_name: String,
    pub device_id: String,
    /// The seat's `SeatAttempt`, as JSON.
    pub report: String,
    pub applied: i64,
    /// For a first report: how long since the session opened.
    pub silence_before_ms: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CreditRow {
    pub attempt_id: String,
    pub gap_seq: i64,
    pub username: String,
    pub decision: String,
    pub ms: i64,
    pub at: i64,
}

/// A start refused by a room's rules (see `record_start_refusal`).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StartRefusalRow {
    pub session_id: Option<i64>,
    pub package_id: Option<String>,
    pub username: String,
    pub at: i64,
    pub reason: String,
    pub device: Option<String>,
}

/// A seat's mirror of the session its hub runs for one package.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SeatRoomRow {
    pub package_id: String,
    pub session_id: i64,
    pub room: String,
    pub state: String,
    pub secret: String,
    pub start_code: Option<String>,
    pub late_start_minutes: Option<i64>,
    pub opened_at: Option<i64>,
    pub command_cursor: i64,
    pub updated_at: i64,
    /// The hub's sitting for the package: its schedule, and when it was opened.
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub sitting_late_start_minutes: Option<i64>,
    pub sitting_opened_at: Option<i64>,
    #[sqlx(try_from = "crate::Flag")]
    pub check_in_required: bool,
    /// Usernames checked in as present or late, as a JSON array.
    pub admitted: String,
}

/// A new room session and who is expected in it.
#[derive(Debug, Clone)]
pub struct NewRoomSession<'a> {
    pub exam_id: i64,
    pub package_id: Option<&'a str>,
    pub room: &'a str,
    pub seats: i64,
    pub secret: &'a str,
    pub late_start_minutes: Option<u32>,
    pub check_in_required: bool,
    pub created_by: i64,
}

/// A candidate's check-in.
#[derive(Debug, Clone)]
pub struct CheckInRow<'a> {
    pub username: &'a str,
    pub attendance: Attendance,
    pub id_checked: bool,
    pub seat: Option<&'a str>,
}

/// One line of the room log.
#[derive(Debug, Clone)]
pub struct LogLine<'a> {
    pub kind: &'a str,
    pub category: Option<&'a str>,
    pub username: Option<&'a str>,
    pub detail: &'a str,
    pub by_user: Option<i64>,
}

impl<'a> LogLine<'a> {
    /// A line about one candidate (`None`: the whole room), without a category.
    pub fn of(
        kind: &'a str,
        username: Option<&'a str>,
        detail: &'a str,
        by_user: Option<i64>,
    ) -> LogLine<'a> {
        LogLine {
            kind,
            category: None,
            username,
            detail,
            by_user,
        }
    }
}

/// A ledger decision to record with (for a credit) its extension command.
#[derive(Debug, Clone)]
pub struct CreditDecision<'a> {
    pub attempt_id: &'a str,
    pub gap_seq: i64,
    pub username: &'a str,
    pub credited: bool,
    pub ms: i64,
}

/// What one candidate's local attempt looks like to the console.
#[derive(Debug, Clone)]
pub struct LocalProgress {
    pub username: String,
    pub attempt: crate::AttemptRow,
    pub answered: i64,
    pub flagged: i64,
    pub last_saved_at: Option<i64>,
    pub focus_lost: i64,
    /// Requests to close the exam window (with or without the right code).
    pub close_asked: i64,
    /// `(seq, gap_ms)` of every `Resumed` event.
    pub gaps: Vec<(i64, i64)>,
    /// Submitted by the clock (the deadline passed), not by the candidate.
    pub time_up: bool,
}

async fn log_in(
    conn: &mut AnyConnection,
    session_id: i64,
    line: &LogLine<'_>,
    now: Timestamp,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO room_log (session_id, at, kind, category, username, detail, by_user) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(session_id)
    .bind(now.0)
    .bind(line.kind)
    .bind(line.category)
    .bind(line.username)
    .bind(line.detail)
    .bind(line.by_user)
    .fetch_one(conn)
    .await?)
}

/// Sessions matching `filter` (a WHERE/ORDER BY tail with at most one `$1`).
async fn sessions_where(
    pool: &sqlx::AnyPool,
    filter: &str,
    arg: Option<i64>,
) -> Result<Vec<RoomSessionRow>> {
    let sql = format!("SELECT {SESSION_COLS} FROM room_sessions {filter}");
    let mut q = sqlx::query_as::<_, RawSession>(sqlx::AssertSqlSafe(sql));
    if let Some(a) = arg {
        q = q.bind(a);
    }
    q.fetch_all(pool)
        .await?
        .into_iter()
        .map(RoomSessionRow::try_from)
        .collect()
}

/// The grading job for a just-submitted attempt (the app's kind and payload):
/// a command that hands an attempt in queues it in the same transaction, so no
/// submitted attempt waits for grading that never comes.
pub type GradeJobFor = fn(&str) -> crate::NewJob<'static>;

/// Who issues a console command, and how a hand-in it causes is graded.
#[derive(Debug, Clone, Copy)]
pub struct Issuer {
    pub by_user: i64,
    pub grade: GradeJobFor,
}

/// Applies one command to the running attempts of `exam_id` it targets, inside
/// the caller's transaction. Returns how many attempts it changed.
async fn apply_command_in(
    conn: &mut AnyConnection,
    exam_id: i64,
    cmd: &RoomCommand,
    grade: GradeJobFor,
    now: Timestamp,
) -> Result<u32> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT a.id FROM attempts a JOIN users u ON u.id = a.user_id \
         WHERE a.exam_id = $1 AND a.status = 'in_progress' AND (CAST($2 AS TEXT) IS NULL OR u.username = $2) ORDER BY a.id",
    )
    .bind(exam_id)
    .bind(cmd.username.as_deref())
    .fetch_all(&mut *conn)
    .await?;
    let mut changed = 0;
    for id in ids {
        let head = attempt_in(conn, &id).await?;
        let evs = command_events(cmd, head.paused_at, head.locked_seq.is_some(), now);
        if !evs.is_empty() {
            let submits = evs
                .iter()
                .any(|e| matches!(e, AttemptEvent::Submitted { .. }));
            append_in(conn, &head, &evs, now).await?;
            if submits {
                crate::jobs::enqueue_in(conn, &grade(&id), now).await?;
            }
            changed += 1;
        }
    }
    Ok(changed)
}

impl Store {
    // ---- the console ------------------------------------------------------------

    /// Creates a planned session with its expected candidates, logged.
    pub async fn create_room_session(
        &self,
        s: NewRoomSession<'_>,
        roster: &[(String, String, f64)],
        now: Timestamp,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO room_sessions (exam_id, package_id, room, seats, secret, state, late_start_minutes, \
             created_by, created_at, check_in_required) VALUES ($1, $2, $3, $4, $5, 'planned', $6, $7, $8, $9) RETURNING id",
        )
        .bind(s.exam_id)
        .bind(s.package_id)
        .bind(s.room)
        .bind(s.seats)
        .bind(s.secret)
        .bind(s.late_start_minutes.map(i64::from))
        .bind(s.created_by)
        .bind(now.0)
        .bind(i64::from(s.check_in_required))
        .fetch_one(&mut *tx)
        .await?;
        for (username, name, multiplier) in roster {
            sqlx::query(
                "INSERT INTO room_candidates (session_id, username, display_name, time_multiplier) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(username)
            .bind(name)
            .bind(*multiplier)
            .execute(&mut *tx)
            .await?;
        }
        let detail = format!(
            "room {}, {} seats, {} expected",
            s.room,
            s.seats,
            roster.len()
        );
        let line = LogLine::of("created", None, &detail, Some(s.created_by));
        log_in(&mut tx, id, &line, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn room_session(&self, id: i64) -> Result<Option<RoomSessionRow>> {
        let mut v = sessions_where(&self.read, "WHERE id = $1", Some(id)).await?;
        Ok(v.pop())
    }

    /// Every session, newest first.
    pub async fn room_sessions(&self) -> Result<Vec<RoomSessionRow>> {
        sessions_where(&self.read, "ORDER BY id DESC", None).await
    }

    /// Sessions seats should hear about: every one not closed, and those closed
    /// since `since` (so a seat learns that its session ended).
    pub async fn room_sessions_for_seats(&self, since: Timestamp) -> Result<Vec<RoomSessionRow>> {
        sessions_where(
            &self.read,
            "WHERE package_id IS NOT NULL AND (state <> 'closed' OR closed_at >= $1) ORDER BY id",
            Some(since.0),
        )
        .await
    }

    /// Planned -> open, with the start code read out to the room. Logged.
    pub async fn open_room_session(
        &self,
        id: i64,
        start_code: &str,
        by_user: i64,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE room_sessions SET state = 'open', start_code = $2, opened_at = $3 WHERE id = $1 AND state = 'planned'",
        )
        .bind(id)
        .bind(start_code)
        .bind(now.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict(format!(
                "room session {id} is not planned"
            )));
        }
        let line = LogLine::of(
            "opened",
            None,
            "session opened; start code read out",
            Some(by_user),
        );
        log_in(&mut tx, id, &line, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Open -> closed, recording why each listed candidate has no submission.
    pub async fn close_room_session(
        &self,
        id: i64,
        accounted: &[(String, String)],
        by_user: i64,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for (username, why) in accounted {
            sqlx::query(
                "UPDATE room_candidates SET accounted = $3 WHERE session_id = $1 AND username = $2",
            )
            .bind(id)
            .bind(username)
            .bind(why)
            .execute(&mut *tx)
            .await?;
            let line = LogLine::of("accounted", Some(username), why, Some(by_user));
            log_in(&mut tx, id, &line, now).await?;
        }
        let n = sqlx::query(
            "UPDATE room_sessions SET state = 'closed', closed_at = $2 WHERE id = $1 AND state <> 'closed'",
        )
        .bind(id)
        .bind(now.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict(format!(
                "room session {id} is already closed"
            )));
        }
        let line = LogLine::of("closed", None, "session closed", Some(by_user));
        log_in(&mut tx, id, &line, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn room_candidates(&self, session_id: i64) -> Result<Vec<RoomCandidateRow>> {
        let rows: Vec<RawCandidate> = sqlx::query_as(
            "SELECT username, display_name, seat, attendance, id_checked, time_multiplier, checked_in_at, accounted \
             FROM room_candidates WHERE session_id = $1 ORDER BY username",
        )
        .bind(session_id)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(RoomCandidateRow {
                    attendance: Attendance::parse(&r.attendance).ok_or_else(|| {
                        StoreError::corrupt("room_candidates.attendance", &r.attendance)
                    })?,
                    checked_in_at: r.checked_in_at.map(Timestamp),
                    username: r.username,
                    display_name: r.display_name,
                    seat: r.seat,
                    id_checked: r.id_checked,
                    time_multiplier: r.time_multiplier,
                    accounted: r.accounted,
                })
            })
            .collect()
    }

    /// Records a candidate's attendance, ID check and seat, logged.
    pub async fn check_in(
        &self,
        session_id: i64,
        c: CheckInRow<'_>,
        by_user: i64,
        now: Timestamp,
    ) -> Result<()> {
        let CheckInRow {
            username,
            attendance,
            id_checked,
            seat,
        } = c;
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE room_candidates SET attendance = $3, id_checked = $4, seat = $5, checked_in_at = $6 \
             WHERE session_id = $1 AND username = $2",
        )
        .bind(session_id)
        .bind(username)
        .bind(attendance.as_str())
        .bind(i64::from(id_checked))
        .bind(seat)
        .bind(now.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::NotFound(format!(
                "candidate {username} in room session {session_id}"
            )));
        }
        let detail = format!(
            "{}{}{}",
            attendance.as_str(),
            if id_checked { ", ID checked" } else { "" },
            seat.map(|s| format!(", seat {s}")).unwrap_or_default()
        );
        let line = LogLine::of("check_in", Some(username), &detail, Some(by_user));
        log_in(&mut tx, session_id, &line, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn room_log_append(
        &self,
        session_id: i64,
        line: LogLine<'_>,
        now: Timestamp,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id = log_in(&mut tx, session_id, &line, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The session's seats now sit `package_id` (published for them from the
    /// console), logged in the same transaction.
    pub async fn set_room_session_package(
        &self,
        session_id: i64,
        package_id: &str,
        line: LogLine<'_>,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE room_sessions SET package_id = $2 WHERE id = $1")
            .bind(session_id)
            .bind(package_id)
            .execute(&mut *tx)
            .await?;
        log_in(&mut tx, session_id, &line, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn room_log(&self, session_id: i64) -> Result<Vec<RoomLogRow>> {
        Ok(sqlx::query_as(
            "SELECT id, at, kind, category, username, detail, by_user FROM room_log WHERE session_id = $1 ORDER BY id",
        )
        .bind(session_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Stores a command (and, for a ledger credit, its decision), logs it, and
    /// applies it to the attempts of `local_exam` on this machine, all in one
    /// transaction. Seats elsewhere fetch it with their next heartbeat.
    pub async fn issue_room_command(
        &self,
        session_id: i64,
        local_exam: i64,
        cmd: &RoomCommand,
        credit: Option<CreditDecision<'_>>,
        issuer: Issuer,
        now: Timestamp,
    ) -> Result<(i64, u32)> {
        let Issuer { by_user, grade } = issuer;
        let mut tx = self.begin_write().await?;
        if let Some(c) = &credit {
            sqlx::query(
                "INSERT INTO room_credits (attempt_id, gap_seq, session_id, username, decision, ms, by_user, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(c.attempt_id)
            .bind(c.gap_seq)
            .bind(session_id)
            .bind(c.username)
            .bind(if c.credited { "credited" } else { "dismissed" })
            .bind(c.ms)
            .bind(by_user)
            .bind(now.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::error::conflict_on_unique(e, "a decision on this gap"))?;
            if !c.credited {
                let detail = format!("downtime of {} s not credited", c.ms / 1000);
                let line =
                    LogLine::of("credit_dismissed", Some(c.username), &detail, Some(by_user));
                log_in(&mut tx, session_id, &line, now).await?;
                tx.commit().await?;
                return Ok((0, 0));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO room_commands (session_id, username, kind, ms, reason, by_user, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(session_id)
        .bind(cmd.username.as_deref())
        .bind(cmd.kind.as_str())
        .bind(cmd.ms)
        .bind(&cmd.reason)
        .bind(by_user)
        .bind(now.0)
        .fetch_one(&mut *tx)
        .await?;
        let detail = match cmd.kind {
            CommandKind::Extend => format!("+{} min: {}", cmd.ms / 60_000, cmd.reason),
            _ => cmd.reason.clone(),
        };
        let line = LogLine::of(
            cmd.kind.as_str(),
            cmd.username.as_deref(),
            &detail,
            Some(by_user),
        );
        log_in(&mut tx, session_id, &line, now).await?;
        let stored = RoomCommand { id, ..cmd.clone() };
        let changed = apply_command_in(&mut tx, local_exam, &stored, grade, now).await?;
        tx.commit().await?;
        Ok((id, changed))
    }

    pub async fn room_commands_after(
        &self,
        session_id: i64,
        after: i64,
    ) -> Result<Vec<RoomCommand>> {
        let rows: Vec<(i64, Option<String>, String, i64, String)> = sqlx::query_as(
            "SELECT id, username, kind, ms, reason FROM room_commands WHERE session_id = $1 AND id > $2 ORDER BY id",
        )
        .bind(session_id)
        .bind(after)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|(id, username, kind, ms, reason)| {
                Ok(RoomCommand {
                    id,
                    username,
                    kind: CommandKind::parse(&kind)
                        .ok_or_else(|| StoreError::corrupt("room_commands.kind", &kind))?,
                    ms,
                    reason,
                })
            })
            .collect()
    }

    /// The newest command of a session (0: none yet).
    pub async fn last_room_command(&self, session_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COALESCE(max(id), 0) FROM room_commands WHERE session_id = $1",
        )
        .bind(session_id)
        .fetch_one(&self.read)
        .await?)
    }

    /// Stores seat reports (the newest per candidate), in one transaction.
    /// Stores seats' reports. A line (session, candidate) belongs to the device
    /// that reported it first: another device's report for it changes nothing
    /// and is returned, for the caller to log. Each report also keeps the longest
    /// silence the hub observed between that device's reports.
    pub async fn record_seat_reports(
        &self,
        reports: &[NewSeatReport],
        now: Timestamp,
    ) -> Result<Vec<String>> {
        if reports.is_empty() {
            return Ok(vec![]);
        }
        let mut refused = Vec::new();
        let mut tx = self.begin_write().await?;
        for r in reports {
            let done = sqlx::query(
                "INSERT INTO room_seats (session_id, username, device, device_id, report, applied_command, \
                 received_at, longest_silence_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT(session_id, username) DO UPDATE SET \
                 device = excluded.device, device_id = excluded.device_id, report = excluded.report, \
                 applied_command = excluded.applied_command, received_at = excluded.received_at, \
                 longest_silence_ms = CASE WHEN excluded.received_at - room_seats.received_at > room_seats.longest_silence_ms \
                   THEN excluded.received_at - room_seats.received_at ELSE room_seats.longest_silence_ms END \
                 WHERE room_seats.device_id IS NULL OR room_seats.device_id = excluded.device_id",
            )
            .bind(r.session_id)
            .bind(&r.username)
            .bind(&r.device_name)
            .bind(&r.device_id)
            .bind(&r.report)
            .bind(r.applied)
            .bind(now.0)
            .bind(r.silence_before_ms.max(0))
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                refused.push(r.username.clone());
            }
        }
        tx.commit().await?;
        Ok(refused)
    }

    pub async fn room_seats(&self, session_id: i64) -> Result<Vec<RoomSeatRow>> {
        Ok(sqlx::query_as(
            "SELECT username, device, report, applied_command, received_at, longest_silence_ms FROM room_seats WHERE session_id = $1",
        )
        .bind(session_id)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn room_credits(&self, session_id: i64) -> Result<Vec<CreditRow>> {
        Ok(sqlx::query_as(
            "SELECT attempt_id, gap_seq, username, decision, ms, at FROM room_credits WHERE session_id = $1 ORDER BY at",
        )
        .bind(session_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// The attempts at `exam_id` on this machine, with what the console shows.
    pub async fn local_progress(&self, exam_id: i64) -> Result<Vec<LocalProgress>> {
        let ids: Vec<(String, String)> = sqlx::query_as(
            "SELECT a.id, u.username FROM attempts a JOIN users u ON u.id = a.user_id WHERE a.exam_id = $1 AND a.superseded_reason IS NULL ORDER BY a.id",
        )
        .bind(exam_id)
        .fetch_all(&self.read)
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for (id, username) in ids {
            let mut conn = self.read.acquire().await?;
            let attempt = attempt_in(&mut conn, &id).await?;
            let (answered, flagged): (i64, i64) = sqlx::query_as(
                "SELECT count(*) FILTER (WHERE answer IS NOT NULL), count(*) FILTER (WHERE flagged <> 0) \
                 FROM attempt_answers WHERE attempt_id = $1",
            )
            .bind(&id)
            .fetch_one(&mut *conn)
            .await?;
            let last_saved_at: Option<i64> = sqlx::query_scalar(
                "SELECT max(at) FROM attempt_events WHERE attempt_id = $1 AND kind = 'answer_set'",
            )
            .bind(&id)
            .fetch_one(&mut *conn)
            .await?;
            let focus_lost: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM attempt_events WHERE attempt_id = $1 AND kind = 'focus_lost'",
            )
            .bind(&id)
            .fetch_one(&mut *conn)
            .await?;
            let close_asked: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM attempt_events WHERE attempt_id = $1 AND kind = 'close_asked'",
            )
            .bind(&id)
            .fetch_one(&mut *conn)
            .await?;
            let resumed: Vec<(i64, String)> = sqlx::query_as(
                "SELECT seq, payload FROM attempt_events WHERE attempt_id = $1 AND kind = 'resumed' ORDER BY seq",
            )
            .bind(&id)
            .fetch_all(&mut *conn)
            .await?;
            let submitted: Option<String> = sqlx::query_scalar(
                "SELECT payload FROM attempt_events WHERE attempt_id = $1 AND kind = 'submitted'",
            )
            .bind(&id)
            .fetch_optional(&mut *conn)
            .await?;
            let time_up = submitted.is_some_and(|p| {
                matches!(
                    serde_json::from_str(&p),
                    Ok(AttemptEvent::Submitted {
                        reason: examhall_domain::SubmitReason::TimeUp
                    })
                )
            });
            let gaps = resumed
                .into_iter()
                .filter_map(|(seq, payload)| match serde_json::from_str(&payload) {
                    Ok(AttemptEvent::Resumed { gap_ms }) => Some((seq, gap_ms)),
                    _ => None,
                })
                .collect();
            out.push(LocalProgress {
                username,
                attempt,
                answered,
                flagged,
                last_saved_at,
                focus_lost,
                close_asked,
                gaps,
                time_up,
            });
        }
        Ok(out)
    }

    /// The newest session for an exam, whatever its state.
    pub async fn newest_room_session_for_exam(
        &self,
        exam_id: i64,
    ) -> Result<Option<RoomSessionRow>> {
        let sql = "WHERE exam_id = $1 ORDER BY id DESC LIMIT 1";
        Ok(sessions_where(&self.read, sql, Some(exam_id)).await?.pop())
    }

    /// The package an exam travels in: the one it was opened from (a desktop or
    /// hub), or the newest one published from it (HQ).
    pub async fn exam_package_id(&self, exam_id: i64) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT COALESCE((SELECT package_id FROM exams WHERE id = $1),              (SELECT id FROM packages WHERE exam_id = $1 AND origin = 'published' ORDER BY created_at DESC, id LIMIT 1))",
        )
        .bind(exam_id)
        .fetch_one(&self.read)
        .await?)
    }

    pub async fn username_of(&self, user_id: i64) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT username FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.read)
                .await?,
        )
    }

    /// Who a sitting opened by the hub is recorded as: the first staff account,
    /// else the first account.
    pub async fn first_user_for_sitting(&self) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM users ORDER BY CASE WHEN role IN ('admin', 'invigilator') THEN 0 ELSE 1 END, id LIMIT 1",
        )
        .fetch_optional(&self.read)
        .await?)
    }

    /// The exam ids on this machine that came from a package, by package id.
    pub async fn exam_for_package(&self, package_id: &str) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM exams WHERE package_id = $1")
                .bind(package_id)
                .fetch_optional(&self.read)
                .await?,
        )
    }

    // ---- a seat -----------------------------------------------------------------

    pub async fn seat_room(&self, package_id: &str) -> Result<Option<SeatRoomRow>> {
        Ok(sqlx::query_as(
            "SELECT package_id, session_id, room, state, secret, start_code, late_start_minutes, opened_at, \
             command_cursor, updated_at, opens_at, closes_at, sitting_late_start_minutes, sitting_opened_at, \
             check_in_required, admitted FROM seat_rooms WHERE package_id = $1",
        )
        .bind(package_id)
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn seat_rooms(&self) -> Result<Vec<SeatRoomRow>> {
        Ok(sqlx::query_as(
            "SELECT package_id, session_id, room, state, secret, start_code, late_start_minutes, opened_at, \
             command_cursor, updated_at, opens_at, closes_at, sitting_late_start_minutes, sitting_opened_at, \
             check_in_required, admitted FROM seat_rooms ORDER BY package_id",
        )
        .fetch_all(&self.read)
        .await?)
    }

    /// Saves what the hub says about a session. A new session for the package
    /// (the hub started another) resets the command cursor.
    pub async fn save_seat_room(&self, r: &SeatRoomRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO seat_rooms (package_id, session_id, room, state, secret, start_code, late_start_minutes, \
             opened_at, command_cursor, updated_at, opens_at, closes_at, sitting_late_start_minutes, sitting_opened_at, \
             check_in_required, admitted) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12, $13, $14, $15) \
             ON CONFLICT(package_id) DO UPDATE SET \
             command_cursor = CASE WHEN seat_rooms.session_id = excluded.session_id THEN seat_rooms.command_cursor ELSE 0 END, \
             session_id = excluded.session_id, room = excluded.room, state = excluded.state, secret = excluded.secret, \
             start_code = excluded.start_code, late_start_minutes = excluded.late_start_minutes, \
             opened_at = excluded.opened_at, updated_at = excluded.updated_at, opens_at = excluded.opens_at, \
             closes_at = excluded.closes_at, sitting_late_start_minutes = excluded.sitting_late_start_minutes, \
             sitting_opened_at = excluded.sitting_opened_at, check_in_required = excluded.check_in_required, \
             admitted = excluded.admitted",
        )
        .bind(&r.package_id)
        .bind(r.session_id)
        .bind(&r.room)
        .bind(&r.state)
        .bind(&r.secret)
        .bind(r.start_code.as_deref())
        .bind(r.late_start_minutes)
        .bind(r.opened_at)
        .bind(r.updated_at)
        .bind(r.opens_at)
        .bind(r.closes_at)
        .bind(r.sitting_late_start_minutes)
        .bind(r.sitting_opened_at)
        .bind(i64::from(r.check_in_required))
        .bind(&r.admitted)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Records a start refused by the room's rules, once per candidate and
    /// instant: at the hub or console (`session_id`), or on a seat (`package_id`).
    pub async fn record_start_refusal(&self, r: &StartRefusalRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO start_refusals (session_id, package_id, username, at, reason, device) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(r.session_id)
        .bind(r.package_id.as_deref())
        .bind(&r.username)
        .bind(r.at)
        .bind(&r.reason)
        .bind(r.device.as_deref())
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// A seat's refusals since `since`, newest first, for its next heartbeat
    /// (the hub keeps each once).
    pub async fn seat_start_refusals(&self, since: Timestamp) -> Result<Vec<StartRefusalRow>> {
        Ok(sqlx::query_as(
            "SELECT session_id, package_id, username, at, reason, device FROM start_refusals \
             WHERE package_id IS NOT NULL AND session_id IS NULL AND at >= $1 ORDER BY at DESC LIMIT 200",
        )
        .bind(since.0)
        .fetch_all(&self.read)
        .await?)
    }

    /// The refusals of one session, oldest first.
    pub async fn session_start_refusals(&self, session_id: i64) -> Result<Vec<StartRefusalRow>> {
        Ok(sqlx::query_as(
            "SELECT session_id, package_id, username, at, reason, device FROM start_refusals \
             WHERE session_id = $1 ORDER BY at, id",
        )
        .bind(session_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Applies the hub's new commands to this seat's attempts at `exam_id` and
    /// moves the cursor past them, in one transaction: each command takes effect
    /// exactly once, even across a crash.
    pub async fn apply_seat_commands(
        &self,
        package_id: &str,
        session_id: i64,
        exam_id: Option<i64>,
        commands: &[RoomCommand],
        grade: GradeJobFor,
        now: Timestamp,
    ) -> Result<u32> {
        let mut tx = self.begin_write().await?;
        let cursor: Option<(i64, i64)> = sqlx::query_as(
            "SELECT session_id, command_cursor FROM seat_rooms WHERE package_id = $1",
        )
        .bind(package_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((held_session, cursor)) = cursor else {
            return Ok(0);
        };
        if held_session != session_id {
            return Ok(0);
        }
        let mut changed = 0;
        let mut last = cursor;
        for c in commands.iter().filter(|c| c.id > cursor) {
            if let Some(exam) = exam_id {
                changed += apply_command_in(&mut tx, exam, c, grade, now).await?;
            }
            last = last.max(c.id);
        }
        sqlx::query("UPDATE seat_rooms SET command_cursor = $2 WHERE package_id = $1")
            .bind(package_id)
            .bind(last)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(changed)
    }
}
