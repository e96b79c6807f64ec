//! The staff home (issue 15, point 2): what the centre is doing today at a
//! glance, for administrators and invigilators: today's sittings, the rooms
//! planned or open, seats online, attempts running and awaiting marking, the
//! outbox backlog and the last sync.

use std::collections::HashSet;

use crate::{App, AppError, AppResult};
use examhall_domain::room::RoomState;
use examhall_domain::{AttemptStatus, Role, Timestamp};
use examhall_protocol::room::SessionRef;
use examhall_protocol::{HomeRoomDto, HomeSittingDto, StaffHomeDto};

/// A seat heard from within this long is online.
pub const ONLINE_WITHIN_MS: i64 = 2 * 60_000;

/// The local calendar day holding `now` in time zone `tz`: its first instant
/// and the next day's (23 or 25 hours apart on a daylight-saving change).
pub fn local_day(now: Timestamp, tz: &jiff::tz::TimeZone) -> AppResult<(Timestamp, Timestamp)> {
    let bad = |e: jiff::Error| AppError::Internal(anyhow::anyhow!("the local day of {now:?}: {e}"));
    let at = jiff::Timestamp::from_millisecond(now.0)
        .map_err(bad)?
        .to_zoned_datetime(tz.clone());
    let start = at.start_of_day().map_err(bad)?;
    let end = at.tomorrow().map_err(bad)?.start_of_day().map_err(bad)?;
    Ok((
        Timestamp(start.timestamp().as_millisecond()),
        Timestamp(end.timestamp().as_millisecond()),
    ))
}

impl App {
    pub async fn staff_home(&self, token: &str) -> AppResult<StaffHomeDto> {
        let actor = self.actor(token).await?;
        actor.require(&[Role::Admin, Role::Invigilator], "see the centre's day")?;
        let now = self.now();
        let (from, to) = local_day(now, &jiff::tz::TimeZone::system())?;

        let mut sittings = Vec::new();
        for s in self.store().sittings_meeting(from, to).await? {
            let window = s.window();
            let open_now = window.may_start(Timestamp(s.opened_at), now).is_ok();
            let exam_title = self.exam(s.exam_id).await?.title.clone();
            sittings.push(HomeSittingDto {
                sitting_id: s.id,
                exam_id: s.exam_id,
                exam_title,
                opens_at_ms: window.opens_at.map(|t| t.0),
                closes_at_ms: window.closes_at.map(|t| t.0),
                late_start_minutes: window.late_start_minutes,
                open_now,
            });
        }

        let mut rooms = Vec::new();
        // Candidates a room already counts as running (its console merges
        // this machine's own attempts with what its seats report).
        let mut running_in_rooms: HashSet<(i64, String)> = HashSet::new();
        for s in self.room_sessions(token).await? {
            if s.state == RoomState::Closed {
                continue;
            }
            let c = self
                .room_console(
                    token,
                    SessionRef {
                        session_id: s.session_id,
                    },
                )
                .await?;
            let (running, submitted): (Vec<_>, Vec<_>) = c
                .seats
                .iter()
                .filter_map(|v| v.progress.as_ref().map(|p| (v, p.status)))
                .partition(|(_, status)| *status == AttemptStatus::InProgress);
            running_in_rooms.extend(running.iter().map(|(v, _)| (s.exam_id, v.username.clone())));
            rooms.push(HomeRoomDto {
                session_id: s.session_id,
                room: s.room.clone(),
                exam_title: s.exam_title.clone(),
                state: s.state.as_str().to_owned(),
                expected: c.seats.len() as u64,
                in_progress: running.len() as u64,
                submitted: submitted.len() as u64,
            });
        }

        let devices = self.devices(token).await?;
        let live: Vec<_> = devices
            .iter()
            .filter(|d| d.revoked_at_ms.is_none())
            .collect();
        let seats_online = live
            .iter()
            .filter(|d| {
                d.last_seen_at_ms
                    .is_some_and(|at| now.0 - at < ONLINE_WITHIN_MS)
            })
            .count() as u64;
        let sync = self.sync_status(token).await?;
        // Running anywhere the centre can see: at the rooms' seats, and on
        // this machine outside any room (each attempt once).
        let local_only = self
            .store()
            .attempts_in_progress()
            .await?
            .into_iter()
            .filter(|k| !running_in_rooms.contains(k))
            .count();
        Ok(StaffHomeDto {
            now_ms: now.0,
            sittings,
            rooms,
            seats_enrolled: live.len() as u64,
            seats_online,
            attempts_in_progress: (running_in_rooms.len() + local_only) as u64,
            awaiting_marking: self.store().awaiting_marking().await?.len() as u64,
            outbox_pending: sync.pending,
            relay_pending: sync.relay.pending,
            enrolled: sync.enrolled,
            last_sync_ms: sync.last_success_ms,
            // An error older than the last success is over.
            last_sync_error: sync.last_error.filter(|_| {
                match (sync.last_error_ms, sync.last_success_ms) {
                    (Some(e), Some(ok)) => e > ok,
                    _ => true,
                }
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_day_follows_the_time_zone() {
        // 2026-03-29 10:00 UTC.
        let now = Timestamp(1_774_778_400_000);
        let utc = local_day(now, &jiff::tz::TimeZone::UTC).unwrap();
        assert_eq!(
            utc,
            (Timestamp(1_774_742_400_000), Timestamp(1_774_828_800_000))
        );
        // At UTC+1 the day began at 23:00 UTC the evening before.
        let plus_one = jiff::tz::TimeZone::fixed(jiff::tz::offset(1));
        let (start, end) = local_day(now, &plus_one).unwrap();
        assert_eq!(start, Timestamp(1_774_742_400_000 - 3_600_000));
        assert_eq!(end.0 - start.0, 24 * 3_600_000);
        // At UTC-11, 10:00 UTC is still the 28th, 23:00.
        let minus_eleven = jiff::tz::TimeZone::fixed(jiff::tz::offset(-11));
        let (start, _) = local_day(now, &minus_eleven).unwrap();
        assert_eq!(
            start,
            Timestamp(1_774_742_400_000 - 24 * 3_600_000 + 11 * 3_600_000)
        );
    }
}
