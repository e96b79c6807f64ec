-- Twin of ../20261125000020_force_submit.sql: the console's "submit" command.
ALTER TABLE room_commands DROP CONSTRAINT room_commands_kind_check;
ALTER TABLE room_commands ADD CONSTRAINT room_commands_kind_check
    CHECK (kind IN ('pause', 'resume', 'extend', 'unlock', 'submit'));
