-- Issue 17, point 3: voiding an attempt for misconduct. The console's "void"
-- command (one candidate, with a reason) hands the attempt in with a `voided`
-- event before the hand-in; staff may also void a handed-in attempt where it is
-- held. The attempt is kept and graded; `void_reason` (the projection of its
-- last `voided` event) marks its result void. room_commands' CHECK names the
-- kinds, so the table is rebuilt with the same rows, as in migration 20.
ALTER TABLE attempts ADD COLUMN void_reason TEXT;

CREATE TABLE room_commands_v2 (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES room_sessions(id),
    username    TEXT,                          -- NULL: every seat in the room
    kind        TEXT NOT NULL CHECK (kind IN ('pause', 'resume', 'extend', 'unlock', 'submit', 'void')),
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
