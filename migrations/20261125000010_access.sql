-- Who may reach what on the platform API (issue 16).
-- An exam open to every student for online sitting (the default is: assigned
-- students only). A student who starts such an exam is assigned to it then.
ALTER TABLE exams ADD COLUMN open_online INTEGER NOT NULL DEFAULT 0;

-- What an owner shared with another teacher: an exam, or a bank question (and so
-- every version of its family). Administrators see everything without a share.
CREATE TABLE shares (
    object_kind  TEXT NOT NULL CHECK (object_kind IN ('exam', 'question')),
    object_id    INTEGER NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    shared_by    INTEGER NOT NULL REFERENCES users(id),
    shared_at    INTEGER NOT NULL,
    PRIMARY KEY (object_kind, object_id, user_id)
);
CREATE INDEX shares_user ON shares (user_id, object_kind);

-- A seat speaks only for its own candidates: the device that first reported a
-- candidate in a room session holds that line. The longest silence the hub
-- observed from it caps any downtime it claims.
ALTER TABLE room_seats ADD COLUMN device_id TEXT;
ALTER TABLE room_seats ADD COLUMN longest_silence_ms INTEGER NOT NULL DEFAULT 0;
