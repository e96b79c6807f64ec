-- Twin of ../20261125000009_bank_authoring.sql.
ALTER TABLE bank_questions ADD COLUMN family BIGINT;
ALTER TABLE bank_questions ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE bank_questions ADD COLUMN category TEXT NOT NULL DEFAULT '';
ALTER TABLE bank_questions ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE bank_questions ADD COLUMN title TEXT;
ALTER TABLE bank_questions ADD COLUMN meta TEXT;
ALTER TABLE bank_questions ADD COLUMN archived BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bank_questions ADD COLUMN used BIGINT NOT NULL DEFAULT 0;
CREATE INDEX bank_questions_family ON bank_questions (family);
