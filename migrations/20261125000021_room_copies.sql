-- Copy as you go (issue 17). A seat sends each committed event of its own
-- attempts to its room hub within about a second of the commit; the hub keeps
-- them here after the checks HQ makes of an upload (the device's signature,
-- every link of the chain from the head it holds), so an attempt outlives the
-- seat's disk. `device_id` is the seat that may extend the copy: a move to a
-- spare seat changes it, and the seat it moved from is fenced.
CREATE TABLE copy_attempts (
    attempt_id       TEXT PRIMARY KEY,
    device_id        TEXT NOT NULL,
    package_id       TEXT NOT NULL,
    username         TEXT NOT NULL,
    started_at       INTEGER NOT NULL,
    duration_secs    INTEGER NOT NULL,
    time_multiplier  REAL NOT NULL,
    head_seq         INTEGER NOT NULL,
    head_hash        TEXT NOT NULL,
    status           TEXT NOT NULL,
    copied_at        INTEGER NOT NULL,  -- the hub's clock, when events last arrived
    moved_from       TEXT,              -- the seat it was moved away from, if any
    moved_at         INTEGER,
    -- 'pending': the invigilator moved the candidate and no spare seat has
    -- taken the attempt yet (the old seat is already fenced); 'done': taken.
    move_state       TEXT CHECK (move_state IN ('pending', 'done'))
);
CREATE INDEX copy_attempts_package ON copy_attempts(package_id, username);

-- The copied chain: append-only, like attempt_events.
CREATE TABLE copy_events (
    attempt_id   TEXT NOT NULL REFERENCES copy_attempts(attempt_id),
    seq          INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    payload      TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER copy_events_no_update BEFORE UPDATE ON copy_events
BEGIN SELECT RAISE(ABORT, 'copy_events is append-only'); END;
CREATE TRIGGER copy_events_no_delete BEFORE DELETE ON copy_events
BEGIN SELECT RAISE(ABORT, 'copy_events is append-only'); END;

-- The seat's side: how far its hub has confirmed holding each attempt, and
-- why it refused for good (the attempt moved to another seat).
CREATE TABLE copy_acks (
    attempt_id  TEXT PRIMARY KEY REFERENCES attempts(id),
    head_seq    INTEGER NOT NULL,
    acked_at    INTEGER NOT NULL,
    refused     TEXT
);

-- A seat's attempt whose copies the hub refused because the candidate was
-- moved to another seat: nothing more is written to it here.
ALTER TABLE attempts ADD COLUMN moved_to TEXT;
