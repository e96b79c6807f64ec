-- The room session (invigilation). The console side (a hub, or the invigilator's
-- desktop) holds the session, its roster, its log and the commands it sends; a
-- seat holds its attempts, a mirror of the session it learned from the hub, and
-- how far it has applied the hub's commands.

-- The attempt's projection gains the pause, the lock, and failed unlock codes.
ALTER TABLE attempts ADD COLUMN paused_at INTEGER;
ALTER TABLE attempts ADD COLUMN locked_seq INTEGER;        -- seq of the Locked event while locked
ALTER TABLE attempts ADD COLUMN unlock_failures INTEGER NOT NULL DEFAULT 0;

CREATE TABLE room_sessions (
    id                  INTEGER PRIMARY KEY,
    exam_id             INTEGER NOT NULL REFERENCES exams(id),
    package_id          TEXT,                  -- seats find their session by it
    room                TEXT NOT NULL,
    seats               INTEGER NOT NULL,
    secret              TEXT NOT NULL,         -- 32 bytes, hex: derives the unlock codes
    state               TEXT NOT NULL CHECK (state IN ('planned', 'open', 'closed')),
    late_start_minutes  INTEGER,               -- NULL: late starters may start any time
    start_code          TEXT,                  -- set when opened
    created_by          INTEGER NOT NULL REFERENCES users(id),
    created_at          INTEGER NOT NULL,
    opened_at           INTEGER,
    closed_at           INTEGER
);

CREATE TABLE room_candidates (
    session_id       INTEGER NOT NULL REFERENCES room_sessions(id),
    username         TEXT NOT NULL,
    display_name     TEXT NOT NULL,
    seat             TEXT,
    attendance       TEXT NOT NULL DEFAULT 'expected'
                     CHECK (attendance IN ('expected', 'present', 'late', 'absent')),
    id_checked       INTEGER NOT NULL DEFAULT 0,
    time_multiplier  REAL NOT NULL DEFAULT 1.0,
    checked_in_at    INTEGER,
    accounted        TEXT,                     -- why a candidate in the room has no submission
    PRIMARY KEY (session_id, username)
);

-- What happened in the room: check-ins, opening, pauses, extensions, incidents,
-- unlocks, refused codes, closing. Append-only.
CREATE TABLE room_log (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES room_sessions(id),
    at          INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    category    TEXT,
    username    TEXT,                          -- NULL: the whole room
    detail      TEXT NOT NULL,
    by_user     INTEGER
);
CREATE TRIGGER room_log_no_update BEFORE UPDATE ON room_log
BEGIN SELECT RAISE(ABORT, 'room_log is append-only'); END;
CREATE TRIGGER room_log_no_delete BEFORE DELETE ON room_log
BEGIN SELECT RAISE(ABORT, 'room_log is append-only'); END;

-- Commands for the seats, in order. A seat applies each once (its cursor).
CREATE TABLE room_commands (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES room_sessions(id),
    username    TEXT,                          -- NULL: every seat in the room
    kind        TEXT NOT NULL CHECK (kind IN ('pause', 'resume', 'extend', 'unlock')),
    ms          INTEGER NOT NULL DEFAULT 0,
    reason      TEXT NOT NULL,
    by_user     INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE TRIGGER room_commands_no_update BEFORE UPDATE ON room_commands
BEGIN SELECT RAISE(ABORT, 'room_commands is append-only'); END;
CREATE TRIGGER room_commands_no_delete BEFORE DELETE ON room_commands
BEGIN SELECT RAISE(ABORT, 'room_commands is append-only'); END;

-- The newest report from each candidate's seat (heartbeat and progress).
CREATE TABLE room_seats (
    session_id       INTEGER NOT NULL REFERENCES room_sessions(id),
    username         TEXT NOT NULL,
    device           TEXT NOT NULL,
    report           TEXT NOT NULL,            -- the seat's SeatAttempt, as JSON
    applied_command  INTEGER NOT NULL DEFAULT 0,
    received_at      INTEGER NOT NULL,
    PRIMARY KEY (session_id, username)
);

-- The downtime ledger's decisions: one per gap in an attempt's log.
CREATE TABLE room_credits (
    attempt_id  TEXT NOT NULL,
    gap_seq     INTEGER NOT NULL,
    session_id  INTEGER NOT NULL REFERENCES room_sessions(id),
    username    TEXT NOT NULL,
    decision    TEXT NOT NULL CHECK (decision IN ('credited', 'dismissed')),
    ms          INTEGER NOT NULL,
    by_user     INTEGER,
    at          INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, gap_seq)
);

-- Seat: the session it learned from its hub, per package, and how far it has
-- applied the hub's commands.
CREATE TABLE seat_rooms (
    package_id          TEXT PRIMARY KEY,
    session_id          INTEGER NOT NULL,      -- the hub's id
    room                TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('planned', 'open', 'closed')),
    secret              TEXT NOT NULL,
    start_code          TEXT,
    late_start_minutes  INTEGER,
    opened_at           INTEGER,
    command_cursor      INTEGER NOT NULL DEFAULT 0,
    updated_at          INTEGER NOT NULL
);
