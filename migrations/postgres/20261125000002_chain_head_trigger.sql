-- Twin of ../20261125000002_chain_head_trigger.sql: the chain head always names the
-- last event appended, maintained by the database itself.
CREATE FUNCTION examhall_advance_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE attempts
       SET head_seq = NEW.seq, head_hash = NEW.hash, last_seen_at = GREATEST(last_seen_at, NEW.at)
     WHERE id = NEW.attempt_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER attempt_events_advance_head AFTER INSERT ON attempt_events
    FOR EACH ROW EXECUTE FUNCTION examhall_advance_head();
