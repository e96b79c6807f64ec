-- Users carry an optional email address (issue 15): the platform's register
-- route accepts it, as clients of the original platform send it.
ALTER TABLE users ADD COLUMN email TEXT;
