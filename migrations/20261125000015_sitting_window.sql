-- Sittings with a schedule, throttled start codes and the check-in gate (issue 15).
-- A sitting's window: nobody starts before opens_at or after closes_at, nor later
-- than late_start_minutes after the opening. NULL: no bound, as before.
ALTER TABLE sittings ADD COLUMN opens_at INTEGER;
ALTER TABLE sittings ADD COLUMN closes_at INTEGER;
ALTER TABLE sittings ADD COLUMN late_start_minutes INTEGER;

-- A room session may let only candidates checked in as present or late start.
ALTER TABLE room_sessions ADD COLUMN check_in_required INTEGER NOT NULL DEFAULT 1;

-- What a seat knows of its hub's sitting and check-in list.
ALTER TABLE seat_rooms ADD COLUMN opens_at INTEGER;
ALTER TABLE seat_rooms ADD COLUMN closes_at INTEGER;
ALTER TABLE seat_rooms ADD COLUMN sitting_late_start_minutes INTEGER;
ALTER TABLE seat_rooms ADD COLUMN sitting_opened_at INTEGER;
ALTER TABLE seat_rooms ADD COLUMN check_in_required INTEGER NOT NULL DEFAULT 0;
-- The usernames checked in as present or late, as a JSON array.
ALTER TABLE seat_rooms ADD COLUMN admitted TEXT NOT NULL DEFAULT '[]';

-- Wrong start codes, counted per candidate and per seat.
CREATE TABLE start_code_throttle (
    key            TEXT PRIMARY KEY,
    failures       INTEGER NOT NULL,
    blocked_until  INTEGER NOT NULL
);

-- Starts refused by the rules of a room (not checked in, too late, outside the
-- window), so the invigilator sees who tried. On a seat, package_id names the
-- room's package and reported says whether the hub has it; at the hub (or on the
-- console's own machine) session_id names the session.
CREATE TABLE start_refusals (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER,
    package_id  TEXT,
    username    TEXT NOT NULL,
    at          INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    device      TEXT
);
CREATE UNIQUE INDEX start_refusals_once ON start_refusals (COALESCE(session_id, -1), COALESCE(package_id, ''), username, at);
