-- Twin of ../20261125000025_centre_exams.sql: a desktop's own exams go up.
CREATE OR REPLACE FUNCTION examhall_outbox_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind IN ('submitted', 'graded', 'essay_marked', 'regraded') THEN
        INSERT INTO outbox (attempt_id, head_seq, queued_at)
        SELECT NEW.attempt_id, NEW.seq, NEW.at
          FROM attempts a JOIN exams e ON e.id = a.exam_id
         WHERE a.id = NEW.attempt_id AND a.device_id IS NULL
           AND (e.package_id IS NOT NULL OR EXISTS (SELECT 1 FROM enrolment))
        ON CONFLICT (attempt_id) DO UPDATE SET head_seq = excluded.head_seq;
    END IF;
    RETURN NULL;
END;
$$;

INSERT INTO outbox (attempt_id, head_seq, queued_at)
SELECT a.id, max(ev.seq), max(ev.at)
  FROM attempts a JOIN exams e ON e.id = a.exam_id
  JOIN attempt_events ev ON ev.attempt_id = a.id
 WHERE a.device_id IS NULL AND e.package_id IS NULL AND a.status <> 'in_progress'
   AND EXISTS (SELECT 1 FROM enrolment)
   AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.attempt_id = a.id)
 GROUP BY a.id;

CREATE TABLE centre_exams (
    device_id      TEXT NOT NULL REFERENCES devices(id),
    local_exam_id  BIGINT NOT NULL,
    exam_id        BIGINT NOT NULL UNIQUE REFERENCES exams(id),
    sitting_id     BIGINT NOT NULL REFERENCES sittings(id),
    digest         TEXT NOT NULL,
    registered_at  BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (device_id, local_exam_id)
);
