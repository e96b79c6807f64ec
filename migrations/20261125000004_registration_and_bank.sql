-- Self-registration through the server: a teacher who registers waits for an
-- administrator's approval. Accounts created by an administrator are approved.
ALTER TABLE users ADD COLUMN approved INTEGER NOT NULL DEFAULT 1;

-- The question bank behind the platform API's /api/exams/questions/: each row a
-- domain Question (prompt, marks, kind with its key) as JSON.
CREATE TABLE bank_questions (
    id          INTEGER PRIMARY KEY,
    question    TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL
);
