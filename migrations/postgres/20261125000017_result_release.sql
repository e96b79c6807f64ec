-- Twin of ../20261125000017_result_release.sql: releases of results held "after review".
CREATE TABLE result_releases (
    id          BIGSERIAL PRIMARY KEY,
    exam_id     BIGINT NOT NULL REFERENCES exams(id),
    user_id     BIGINT REFERENCES users(id),
    released_by BIGINT NOT NULL REFERENCES users(id),
    released_at BIGINT NOT NULL
);
CREATE INDEX result_releases_exam ON result_releases(exam_id, user_id);
