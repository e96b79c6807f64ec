-- Examhall schema, version 1. Append-only: never edit a shipped migration.
-- Times are milliseconds since the Unix epoch (UTC).

CREATE TABLE centre (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('candidate', 'teacher', 'invigilator', 'admin')),
    password_hash  TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);

-- Failed-login throttling, per username (known or not, so probing learns nothing).
CREATE TABLE login_throttle (
    username       TEXT PRIMARY KEY,
    failures       INTEGER NOT NULL,
    blocked_until  INTEGER NOT NULL
);

CREATE TABLE exams (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    -- The whole domain ExamSpec (settings + questions + keys) as JSON.
    spec        TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id),
    created_at  INTEGER NOT NULL
);

-- Which candidates may sit which exam, with their accommodation.
CREATE TABLE assignments (
    exam_id          INTEGER NOT NULL REFERENCES exams(id),
    user_id          INTEGER NOT NULL REFERENCES users(id),
    time_multiplier  REAL NOT NULL DEFAULT 1.0,
    PRIMARY KEY (exam_id, user_id)
);

CREATE TABLE sittings (
    id           INTEGER PRIMARY KEY,
    exam_id      INTEGER NOT NULL REFERENCES exams(id),
    start_code   TEXT NOT NULL,
    opened_by    INTEGER NOT NULL REFERENCES users(id),
    opened_at    INTEGER NOT NULL,
    closed_at    INTEGER
);
CREATE INDEX sittings_open ON sittings(exam_id) WHERE closed_at IS NULL;

CREATE TABLE attempts (
    id               TEXT PRIMARY KEY,
    exam_id          INTEGER NOT NULL REFERENCES exams(id),
    sitting_id       INTEGER NOT NULL REFERENCES sittings(id),
    user_id          INTEGER NOT NULL REFERENCES users(id),
    status           TEXT NOT NULL CHECK (status IN ('in_progress', 'submitted', 'graded')),
    started_at       INTEGER NOT NULL,
    duration_secs    INTEGER NOT NULL,
    time_multiplier  REAL NOT NULL,
    credited_ms      INTEGER NOT NULL DEFAULT 0,
    excluded_ms      INTEGER NOT NULL DEFAULT 0,
    current_index    INTEGER NOT NULL DEFAULT 0,
    last_seen_at     INTEGER NOT NULL,
    -- Head of the event chain: seq and hash of the last event.
    head_seq         INTEGER NOT NULL,
    head_hash        TEXT NOT NULL,
    submitted_at     INTEGER
);
-- One live attempt per candidate and exam.
CREATE UNIQUE INDEX attempts_one_per_candidate ON attempts(exam_id, user_id);

-- The append-only, hash-chained log. Never updated, never deleted.
CREATE TABLE attempt_events (
    attempt_id  TEXT NOT NULL REFERENCES attempts(id),
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    PRIMARY KEY (attempt_id, seq)
) WITHOUT ROWID;

CREATE TRIGGER attempt_events_no_update BEFORE UPDATE ON attempt_events
BEGIN SELECT RAISE(ABORT, 'attempt_events is append-only'); END;
CREATE TRIGGER attempt_events_no_delete BEFORE DELETE ON attempt_events
BEGIN SELECT RAISE(ABORT, 'attempt_events is append-only'); END;

-- Projection of the log: the current answer and flag per question.
CREATE TABLE attempt_answers (
    attempt_id   TEXT NOT NULL REFERENCES attempts(id),
    question_id  TEXT NOT NULL,
    answer       TEXT,
    flagged      INTEGER NOT NULL DEFAULT 0,
    seq          INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, question_id)
) WITHOUT ROWID;

-- Durable job queue. A running job whose lease expired is claimed again.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
    tries        INTEGER NOT NULL DEFAULT 0,
    max_tries    INTEGER NOT NULL DEFAULT 5,
    run_after    INTEGER NOT NULL,
    lease_until  INTEGER,
    error        TEXT,
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER
);
CREATE INDEX jobs_ready ON jobs(status, run_after);

CREATE TABLE results (
    attempt_id        TEXT PRIMARY KEY REFERENCES attempts(id),
    total             REAL NOT NULL,
    max               REAL NOT NULL,
    percentage        REAL NOT NULL,
    passed            INTEGER NOT NULL,
    awaiting_marking  INTEGER NOT NULL,
    -- Per-question marks as JSON: [[question_id, {awarded, max, outcome}], ...]
    marks             TEXT NOT NULL,
    graded_at         INTEGER NOT NULL
);
