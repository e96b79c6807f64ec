-- Issue 17, point 5: results of exams built on an enrolled desktop travel up.
--
-- Desktop: an attempt at the machine's own exam (no package) is queued for HQ
-- as package attempts are, once the machine is enrolled. Attempts handed in
-- before this migration, on a machine already enrolled, are queued now.
DROP TRIGGER outbox_follow;
CREATE TRIGGER outbox_follow AFTER INSERT ON attempt_events
WHEN NEW.kind IN ('submitted', 'graded', 'essay_marked', 'regraded')
BEGIN
    INSERT INTO outbox (attempt_id, head_seq, queued_at)
    SELECT NEW.attempt_id, NEW.seq, NEW.at
      FROM attempts a JOIN exams e ON e.id = a.exam_id
     WHERE a.id = NEW.attempt_id AND a.device_id IS NULL
       AND (e.package_id IS NOT NULL OR EXISTS (SELECT 1 FROM enrolment))
    ON CONFLICT(attempt_id) DO UPDATE SET head_seq = excluded.head_seq;
END;

INSERT INTO outbox (attempt_id, head_seq, queued_at)
SELECT a.id, max(ev.seq), max(ev.at)
  FROM attempts a JOIN exams e ON e.id = a.exam_id
  JOIN attempt_events ev ON ev.attempt_id = a.id
 WHERE a.device_id IS NULL AND e.package_id IS NULL AND a.status <> 'in_progress'
   AND EXISTS (SELECT 1 FROM enrolment)
   AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.attempt_id = a.id)
 GROUP BY a.id;

-- HQ: the exams centres built on their own desktops, by the device that sent
-- them and its own id for the exam. Each is held as an HQ exam with one closed
-- sitting, so its results are listed, graded and analysed like any other.
CREATE TABLE centre_exams (
    device_id      TEXT NOT NULL REFERENCES devices(id),
    local_exam_id  INTEGER NOT NULL,
    exam_id        INTEGER NOT NULL UNIQUE REFERENCES exams(id),
    sitting_id     INTEGER NOT NULL REFERENCES sittings(id),
    digest         TEXT NOT NULL,            -- SHA-256 of the spec as last sent
    registered_at  INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (device_id, local_exam_id)
);
