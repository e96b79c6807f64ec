-- Accommodations per assignment (issue 15, point 1) and assigning until the
-- start (point 6): every assignment, change of its time multiplier or display
-- preset, and unassignment, with who made it and when. Append-only. The values
-- are those after the change (NULL for an unassignment).
CREATE TABLE assignment_changes (
    id               INTEGER PRIMARY KEY,
    exam_id          INTEGER NOT NULL REFERENCES exams (id),
    user_id          INTEGER NOT NULL REFERENCES users (id),
    at               INTEGER NOT NULL,
    by_user          INTEGER REFERENCES users (id),
    action           TEXT NOT NULL CHECK (action IN ('assigned', 'changed', 'unassigned')),
    time_multiplier  REAL,
    display_preset   TEXT
);
CREATE INDEX assignment_changes_exam ON assignment_changes (exam_id, id);
