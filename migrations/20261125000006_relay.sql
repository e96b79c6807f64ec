-- A server with an upstream (a centre or room hub) relays its desktops' signed
-- result envelopes to HQ. It takes custody first: an envelope is stored here,
-- durably, before the desktop gets its receipt, then forwarded verbatim (HQ
-- checks the desktop's own signature) whenever the link to HQ is up.
CREATE TABLE relay_queue (
    id            INTEGER PRIMARY KEY,
    device_id     TEXT NOT NULL REFERENCES devices(id),
    envelope      TEXT NOT NULL,              -- the device's SignedEnvelope, as JSON
    attempts      INTEGER NOT NULL,
    received_at   INTEGER NOT NULL,
    forwarded_at  INTEGER,                    -- when HQ answered with receipts
    refused       TEXT                        -- HQ's receipts that were not stored/already held
);
CREATE INDEX relay_queue_pending ON relay_queue(id) WHERE forwarded_at IS NULL;

-- What the hub holds of each attempt (the newest chain head it took custody of),
-- so a re-sent attempt is acknowledged without being forwarded twice, and the
-- same attempt from a second desktop is refused here as it would be at HQ.
CREATE TABLE relay_held (
    attempt_id  TEXT PRIMARY KEY,
    device_id   TEXT NOT NULL,
    head_seq    INTEGER NOT NULL,
    head_hash   TEXT NOT NULL
);
