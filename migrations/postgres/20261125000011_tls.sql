-- Transport security (issue 16, point 4).
-- The fingerprint of the upstream server's certificate this machine pinned when
-- it enrolled (from the enrolment token); NULL when the link is plain HTTP.
ALTER TABLE enrolment ADD COLUMN server_fingerprint TEXT;
-- The fingerprint of an enrolled hub's own serving certificate, which HQ puts in
-- the tokens of desktops that enrol through that hub.
ALTER TABLE devices ADD COLUMN tls_fingerprint TEXT;
