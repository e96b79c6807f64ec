-- Exam lifecycle (issue 15, point 6): builder drafts saved and reopened, and
-- the builder's own description of every exam it publishes, so a published
-- exam can be cloned into a new draft or edited until its first attempt.
CREATE TABLE exam_drafts (
    id          INTEGER PRIMARY KEY,
    owner_id    INTEGER NOT NULL REFERENCES users (id),
    title       TEXT NOT NULL,
    -- The builder's form as the protocol's PublishExam (JSON): the draft, the
    -- chosen candidates and their extra time.
    body        TEXT NOT NULL,
    -- The published exam this draft edits; NULL for a new exam.
    exam_id     INTEGER REFERENCES exams (id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX exam_drafts_owner ON exam_drafts (owner_id, updated_at);

-- The protocol's ExamDraft that built the exam (JSON); NULL for exams that
-- came in a package, the demo or the platform's REST create.
ALTER TABLE exams ADD COLUMN draft TEXT;
-- When the exam was last changed after publishing (before any attempt).
ALTER TABLE exams ADD COLUMN edited_at INTEGER;
