-- Reconciliation at HQ (issue 17, point 5). The machine that ran a room's
-- console (a hub, or a desktop that is its own room) sends up a signed account
-- of the room: every roster line with its attendance, what it knows of each
-- attempt (in progress included, with how far its copy goes) and the room log.
-- HQ keeps the newest report per device and session, the signed envelope as
-- received, and reconciles each package's roster against its own attempts and
-- these reports.
CREATE TABLE room_reports (
    device_id    TEXT NOT NULL,
    session_id   INTEGER NOT NULL,
    package_id   TEXT NOT NULL,
    room         TEXT NOT NULL,
    state        TEXT NOT NULL,
    made_at      INTEGER NOT NULL,   -- the sender's clock
    received_at  INTEGER NOT NULL,   -- HQ's clock
    envelope     TEXT NOT NULL,      -- the signed envelope, as verified
    PRIMARY KEY (device_id, session_id)
);
CREATE INDEX room_reports_package ON room_reports(package_id);
