-- +goose Up
-- The pool's audit trail beyond single bookings (those keep booking_events): who
-- read or erased whose personal data, and when. Rows are only ever added.
-- subject_kind names the table of the subject (e.g. 'supervisor'); detail is a
-- JSON object that never repeats the personal data it is about.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            DATETIME NOT NULL,
    actor_user_id INTEGER REFERENCES users(id),
    action        TEXT NOT NULL,
    subject_kind  TEXT NOT NULL,
    subject_id    INTEGER NOT NULL,
    detail        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_subject ON audit_log(subject_kind, subject_id, id);

-- erased_at marks a supervisor whose personal data was erased on request: the
-- row stays (with a placeholder name) so bookings and reports still add up.
ALTER TABLE supervisors ADD COLUMN erased_at DATETIME;

-- +goose Down
ALTER TABLE supervisors DROP COLUMN erased_at;
DROP TABLE audit_log;
