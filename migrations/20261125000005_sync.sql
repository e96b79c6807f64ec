-- Sync between desktops (or room hubs) and HQ. One schema serves both ends:
-- HQ fills enrolment_tokens, devices, published packages and sync_incidents;
-- a desktop fills enrolment, received packages and its outbox.

-- HQ: one-time tokens an administrator hands to a centre to enrol its desktops.
CREATE TABLE enrolment_tokens (
    token_hash   TEXT PRIMARY KEY,           -- SHA-256 of the token, hex
    centre       TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_by      TEXT                        -- the device it enrolled
);

-- HQ: enrolled desktops and hubs.
CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    centre       TEXT NOT NULL,
    name         TEXT NOT NULL,
    public_key   TEXT NOT NULL UNIQUE,       -- Ed25519, hex
    secret_hash  TEXT NOT NULL,              -- SHA-256 of the pull secret, hex
    enrolled_at  INTEGER NOT NULL,
    last_seen_at INTEGER
);

-- Both: exam packages, as signed bytes. HQ publishes them (exam and sitting set);
-- a desktop receives them (exam and sitting set once the start code opens it).
CREATE TABLE packages (
    id           TEXT PRIMARY KEY,
    origin       TEXT NOT NULL CHECK (origin IN ('published', 'received')),
    centre       TEXT NOT NULL,
    title        TEXT NOT NULL,
    roster_size  INTEGER NOT NULL,
    bytes        BLOB NOT NULL,
    exam_id      INTEGER REFERENCES exams(id),
    sitting_id   INTEGER REFERENCES sittings(id),
    created_at   INTEGER NOT NULL
);

-- An exam made from a package carries the package id: its attempts sync up.
ALTER TABLE exams ADD COLUMN package_id TEXT REFERENCES packages(id);
-- At HQ, the device an attempt came from (NULL: taken here). An attempt belongs
-- to exactly one device.
ALTER TABLE attempts ADD COLUMN device_id TEXT REFERENCES devices(id);

-- HQ: what the administrator must look at (the same attempt from two devices, a
-- forked chain, a result for an unknown candidate). Append-only.
CREATE TABLE sync_incidents (
    id           INTEGER PRIMARY KEY,
    attempt_id   TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    detail       TEXT NOT NULL,
    at           INTEGER NOT NULL
);
CREATE TRIGGER sync_incidents_no_update BEFORE UPDATE ON sync_incidents
BEGIN SELECT RAISE(ABORT, 'sync_incidents is append-only'); END;
CREATE TRIGGER sync_incidents_no_delete BEFORE DELETE ON sync_incidents
BEGIN SELECT RAISE(ABORT, 'sync_incidents is append-only'); END;

-- Desktop: its enrolment with HQ (one row).
CREATE TABLE enrolment (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    server_url     TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    centre         TEXT NOT NULL,
    hq_public_key  TEXT NOT NULL,
    device_key     TEXT NOT NULL,            -- the device's Ed25519 secret, hex
    device_secret  TEXT NOT NULL,            -- bearer secret for package pulls
    enrolled_at    INTEGER NOT NULL
);

-- Desktop: attempts to send up. A row appears (or its head moves) in the same
-- transaction as the event that makes it worth sending, by the trigger below, so
-- no code path can hand in an attempt and forget to queue it.
CREATE TABLE outbox (
    attempt_id    TEXT PRIMARY KEY REFERENCES attempts(id),
    head_seq      INTEGER NOT NULL,          -- what should reach HQ
    queued_at     INTEGER NOT NULL,
    receipt_seq   INTEGER NOT NULL DEFAULT 0,-- what HQ has confirmed holding
    receipt_hash  TEXT,
    receipt_at    INTEGER,
    conflict      TEXT                       -- HQ refused it for good: why
);
CREATE INDEX outbox_pending ON outbox(attempt_id) WHERE receipt_seq < head_seq AND conflict IS NULL;

CREATE TRIGGER outbox_follow AFTER INSERT ON attempt_events
WHEN NEW.kind IN ('submitted', 'graded', 'essay_marked', 'regraded')
BEGIN
    INSERT INTO outbox (attempt_id, head_seq, queued_at)
    SELECT NEW.attempt_id, NEW.seq, NEW.at
      FROM attempts a JOIN exams e ON e.id = a.exam_id
     WHERE a.id = NEW.attempt_id AND e.package_id IS NOT NULL AND a.device_id IS NULL
    ON CONFLICT(attempt_id) DO UPDATE SET head_seq = excluded.head_seq;
END;

-- Desktop: the link's history for the status screen (one row).
CREATE TABLE sync_state (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    last_success_at  INTEGER,
    last_error       TEXT,
    last_error_at    INTEGER
);
