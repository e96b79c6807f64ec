-- Issue 17, point 3: the console hands in one candidate's attempt ("submit",
-- with a reason). room_commands' CHECK names the kinds, so the table is rebuilt
-- with the same rows (SQLite cannot alter a CHECK); ids keep their values, so
-- every seat's command cursor stays right.
CREATE TABLE room_commands_v2 (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES room_sessions(id),
    username    TEXT,                          -- NULL: every seat in the room
    kind        TEXT NOT NULL CHECK (kind IN ('pause', 'resume', 'extend', 'unlock', 'submit')),
    ms          INTEGER NOT NULL DEFAULT 0,
    reason      TEXT NOT NULL,
    by_user     INTEGER,
    created_at  INTEGER NOT NULL
);
INSERT INTO room_commands_v2 (id, session_id, username, kind, ms, reason, by_user, created_at)
    SELECT id, session_id, username, kind, ms, reason, by_user, created_at FROM room_commands;
DROP TABLE room_commands;
ALTER TABLE room_commands_v2 RENAME TO room_commands;
CREATE TRIGGER room_commands_no_update BEFORE UPDATE ON room_commands
BEGIN SELECT RAISE(ABORT, 'room_commands is append-only'); END;
CREATE TRIGGER room_commands_no_delete BEFORE DELETE ON room_commands
BEGIN SELECT RAISE(ABORT, 'room_commands is append-only'); END;
