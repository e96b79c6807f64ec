-- Room set-up in the app (issue 15, point 3): the console lists the seats enrolled
-- with this hub, with the version of the app each runs, and revokes one.
-- revoked_at: when staff revoked the device (NULL: it may pull packages and join
-- the room). last_seen_at (migration 05) is now written by the device's calls.
ALTER TABLE devices ADD COLUMN revoked_at INTEGER;
ALTER TABLE devices ADD COLUMN app_version TEXT;
