-- Twin of ../20261125000016_seat_admin.sql: seats listed with their app version, and revoked.
ALTER TABLE devices ADD COLUMN revoked_at BIGINT;
ALTER TABLE devices ADD COLUMN app_version TEXT;
