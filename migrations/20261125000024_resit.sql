-- Issue 17, point 3: a resit. An administrator resets a handed-in attempt
-- (`superseded {reason}` in its chain): it is kept, counts no more, and the
-- candidate may sit the exam again. One live attempt per candidate and exam
-- stays a unique index; superseded attempts are outside it.
ALTER TABLE attempts ADD COLUMN superseded_reason TEXT;
DROP INDEX attempts_one_per_candidate;
CREATE UNIQUE INDEX attempts_one_live_per_candidate ON attempts(exam_id, user_id)
    WHERE superseded_reason IS NULL;
