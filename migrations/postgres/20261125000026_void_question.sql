-- Twin of ../20261125000026_void_question.sql.
ALTER TABLE key_corrections ADD COLUMN voided BIGINT NOT NULL DEFAULT 0;
