-- Account administration (issue 15): disabling, one-time passwords that must be
-- changed, a credential version that ends every session and token at once when
-- it moves, the accommodation profile candidates carry into assignments, and a
-- record of who changed what on an account.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN credential_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN candidate_number TEXT;
ALTER TABLE users ADD COLUMN time_multiplier REAL NOT NULL DEFAULT 1.0;
ALTER TABLE users ADD COLUMN display_preset TEXT;
CREATE UNIQUE INDEX users_candidate_number ON users (candidate_number) WHERE candidate_number IS NOT NULL;

CREATE TABLE account_changes (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    at          INTEGER NOT NULL,
    -- Who made the change (NULL: the user themselves signing in, or an import run
    -- from the command line by an administrator named in detail).
    by_user     INTEGER REFERENCES users (id),
    action      TEXT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX account_changes_user ON account_changes (user_id, id);
