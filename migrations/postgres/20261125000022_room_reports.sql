-- Twin of ../20261125000022_room_reports.sql: rooms' accounts of themselves at HQ.
CREATE TABLE room_reports (
    device_id    TEXT NOT NULL,
    session_id   BIGINT NOT NULL,
    package_id   TEXT NOT NULL,
    room         TEXT NOT NULL,
    state        TEXT NOT NULL,
    made_at      BIGINT NOT NULL,
    received_at  BIGINT NOT NULL,
    envelope     TEXT NOT NULL,
    PRIMARY KEY (device_id, session_id)
);
CREATE INDEX room_reports_package ON room_reports(package_id);
