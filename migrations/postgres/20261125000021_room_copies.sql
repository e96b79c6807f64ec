-- Twin of ../20261125000021_room_copies.sql: a hub's copy of its seats' chains.
CREATE TABLE copy_attempts (
    attempt_id       TEXT PRIMARY KEY,
    device_id        TEXT NOT NULL,
    package_id       TEXT NOT NULL,
    username         TEXT NOT NULL,
    started_at       BIGINT NOT NULL,
    duration_secs    BIGINT NOT NULL,
    time_multiplier  DOUBLE PRECISION NOT NULL,
    head_seq         BIGINT NOT NULL,
    head_hash        TEXT NOT NULL,
    status           TEXT NOT NULL,
    copied_at        BIGINT NOT NULL,
    moved_from       TEXT,
    moved_at         BIGINT,
    move_state       TEXT CHECK (move_state IN ('pending', 'done'))
);
CREATE INDEX copy_attempts_package ON copy_attempts(package_id, username);

CREATE TABLE copy_events (
    attempt_id   TEXT NOT NULL REFERENCES copy_attempts(attempt_id),
    seq          BIGINT NOT NULL,
    at           BIGINT NOT NULL,
    payload      TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    received_at  BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, seq)
);
CREATE TRIGGER copy_events_no_update BEFORE UPDATE ON copy_events
    FOR EACH ROW EXECUTE FUNCTION examhall_append_only();
CREATE TRIGGER copy_events_no_delete BEFORE DELETE ON copy_events
    FOR EACH ROW EXECUTE FUNCTION examhall_append_only();

CREATE TABLE copy_acks (
    attempt_id  TEXT PRIMARY KEY REFERENCES attempts(id),
    head_seq    BIGINT NOT NULL,
    acked_at    BIGINT NOT NULL,
    refused     TEXT
);

-- A seat's attempt whose copies the hub refused because the candidate was
-- moved to another seat: nothing more is written to it here.
ALTER TABLE attempts ADD COLUMN moved_to TEXT;
