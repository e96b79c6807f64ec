-- The question bank for authoring: categories (a '/'-joined path), tags (stored
-- as '|a|b|' so one tag can be matched with LIKE), a title, the imported text
-- format and general feedback (meta, JSON), versions of one question (family is
-- the first version's id), archiving, and whether an exam has been built from
-- the row (editing such a row makes a new version instead).
ALTER TABLE bank_questions ADD COLUMN family INTEGER;
ALTER TABLE bank_questions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE bank_questions ADD COLUMN category TEXT NOT NULL DEFAULT '';
ALTER TABLE bank_questions ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE bank_questions ADD COLUMN title TEXT;
ALTER TABLE bank_questions ADD COLUMN meta TEXT;
ALTER TABLE bank_questions ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bank_questions ADD COLUMN used INTEGER NOT NULL DEFAULT 0;
CREATE INDEX bank_questions_family ON bank_questions (family);
