-- Twin of ../20261125000010_access.sql.
ALTER TABLE exams ADD COLUMN open_online BIGINT NOT NULL DEFAULT 0;

CREATE TABLE shares (
    object_kind  TEXT NOT NULL CHECK (object_kind IN ('exam', 'question')),
    object_id    BIGINT NOT NULL,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    shared_by    BIGINT NOT NULL REFERENCES users(id),
    shared_at    BIGINT NOT NULL,
    PRIMARY KEY (object_kind, object_id, user_id)
);
CREATE INDEX shares_user ON shares (user_id, object_kind);

ALTER TABLE room_seats ADD COLUMN device_id TEXT;
ALTER TABLE room_seats ADD COLUMN longest_silence_ms BIGINT NOT NULL DEFAULT 0;
