-- Twin of ../20261125000023_void.sql: voiding an attempt for misconduct.
ALTER TABLE attempts ADD COLUMN void_reason TEXT;
ALTER TABLE room_commands DROP CONSTRAINT room_commands_kind_check;
ALTER TABLE room_commands ADD CONSTRAINT room_commands_kind_check
    CHECK (kind IN ('pause', 'resume', 'extend', 'unlock', 'submit', 'void'));
