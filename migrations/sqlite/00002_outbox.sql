-- +goose Up
-- The mail outbox: one row per message to one recipient, planned from the booking
-- event log (or queued by account flows), sent exactly once by notify.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,  -- what makes the message unique, e.g. booking:17:created:0:user:5
    kind            TEXT NOT NULL,         -- booking_confirmed, booking_changed, booking_cancelled, reminder, dayplan, followup_request, monthly_report, invite, password_reset, ...
    booking_id      INTEGER REFERENCES bookings(id),
    sequence        INTEGER,
    user_id         INTEGER REFERENCES users(id),
    recipient       TEXT NOT NULL,         -- e-mail address
    payload         TEXT NOT NULL DEFAULT '{}',
    due_at          DATETIME NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sending','sent','failed','skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    claimed_until   DATETIME,
    message_id      TEXT NOT NULL,
    sent_at         DATETIME,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_booking ON outbox(booking_id);

-- One row per scheduled job and period it ran for, so a period runs once in the cluster.
CREATE TABLE job_runs (
    job        TEXT NOT NULL,
    period     TEXT NOT NULL,
    started_at DATETIME NOT NULL,
    PRIMARY KEY (job, period)
);

-- +goose Down
DROP TABLE job_runs;
DROP TABLE outbox;
