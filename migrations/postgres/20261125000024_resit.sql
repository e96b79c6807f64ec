-- Twin of ../20261125000024_resit.sql: a resit supersedes the old attempt.
ALTER TABLE attempts ADD COLUMN superseded_reason TEXT;
DROP INDEX attempts_one_per_candidate;
CREATE UNIQUE INDEX attempts_one_live_per_candidate ON attempts(exam_id, user_id)
    WHERE superseded_reason IS NULL;
