-- Issue 19, point 5: a question voided after the exam (full marks to all) is a
-- correction on record like a key correction. `key` then holds the question's
-- kind unchanged; `voided` says the question no longer counts against anyone.
ALTER TABLE key_corrections ADD COLUMN voided INTEGER NOT NULL DEFAULT 0;
