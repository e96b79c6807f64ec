-- Results held "after review" are released by a teacher or administrator (issue 15,
-- point 6): for the whole exam (user_id NULL: every result, including those graded
-- later) or for chosen candidates. Append-only: who released what, and when.
CREATE TABLE result_releases (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    exam_id     INTEGER NOT NULL REFERENCES exams(id),
    user_id     INTEGER REFERENCES users(id),
    released_by INTEGER NOT NULL REFERENCES users(id),
    released_at INTEGER NOT NULL
);
CREATE INDEX result_releases_exam ON result_releases(exam_id, user_id);
