-- Answer-key corrections after an exam: the exam's questions stay as candidates
-- saw them; the effective key is the original with these applied in id order.
-- Append-only, like the attempt log.
CREATE TABLE key_corrections (
    id           INTEGER PRIMARY KEY,
    exam_id      INTEGER NOT NULL REFERENCES exams(id),
    question_id  TEXT NOT NULL,
    -- The corrected domain QuestionKind as JSON.
    key          TEXT NOT NULL,
    reason       TEXT NOT NULL,
    by_user      INTEGER NOT NULL REFERENCES users(id),
    at           INTEGER NOT NULL
);
CREATE INDEX key_corrections_exam ON key_corrections(exam_id, id);

CREATE TRIGGER key_corrections_no_update BEFORE UPDATE ON key_corrections
BEGIN SELECT RAISE(ABORT, 'key_corrections is append-only'); END;
CREATE TRIGGER key_corrections_no_delete BEFORE DELETE ON key_corrections
BEGIN SELECT RAISE(ABORT, 'key_corrections is append-only'); END;
