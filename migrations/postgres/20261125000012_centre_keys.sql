-- Package rosters are sealed to a centre's devices (issue 16, point 5).
-- HQ's roster key per centre, made when its first package is published or its
-- first device enrols; given to that centre's devices when they enrol.
CREATE TABLE centre_keys (
    centre      TEXT PRIMARY KEY,
    roster_key  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
-- The device's copy of its centre's roster key (NULL: enrolled before rosters
-- were sealed; such a device must enrol again to read new packages).
ALTER TABLE enrolment ADD COLUMN centre_key TEXT;
