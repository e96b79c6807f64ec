-- The chain head always names the last event appended: maintained by the database
-- itself, so no code path can append an event and forget to move the head.
CREATE TRIGGER attempt_events_advance_head AFTER INSERT ON attempt_events
BEGIN
    UPDATE attempts
       SET head_seq = NEW.seq, head_hash = NEW.hash, last_seen_at = max(last_seen_at, NEW.at)
     WHERE id = NEW.attempt_id;
END;
