-- A candidate's planned display accommodation for an exam (text size, high
-- contrast, reading guide), beside the time multiplier: JSON, NULL for none.
ALTER TABLE assignments ADD COLUMN display_preset TEXT;
