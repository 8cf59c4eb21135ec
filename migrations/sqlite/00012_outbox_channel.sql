-- +goose Up
-- The outbox holds messages for any channel (e-mail now; SMS later): each row
-- names its channel, and a key is unique per channel, so the same message can
-- go out once by e-mail and once by SMS. SQLite cannot drop the old UNIQUE (key)
-- in place: the table is rebuilt with the same rows, all e-mail.
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL,         -- what makes the message unique on its channel, e.g. booking:17:created:0:user:5
    channel         TEXT NOT NULL DEFAULT 'email', -- how it is sent: email
    kind            TEXT NOT NULL,         -- booking_confirmed, booking_changed, booking_cancelled, reminder, dayplan, followup_request, monthly_report, invite, password_reset, ...
    booking_id      INTEGER REFERENCES bookings(id),
    sequence        INTEGER,
    user_id         INTEGER REFERENCES users(id),
    recipient       TEXT NOT NULL,         -- the address on the channel: an e-mail address
    payload         TEXT NOT NULL DEFAULT '{}',
    due_at          DATETIME NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sending','sent','failed','skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    claimed_until   DATETIME,
    message_id      TEXT NOT NULL,
    sent_at         DATETIME,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    UNIQUE (key, channel)
);
INSERT INTO outbox_new (id, key, channel, kind, booking_id, sequence, user_id, recipient, payload, due_at, status,
    attempts, next_attempt_at, claimed_until, message_id, sent_at, last_error, created_at)
SELECT id, key, 'email', kind, booking_id, sequence, user_id, recipient, payload, due_at, status,
    attempts, next_attempt_at, claimed_until, message_id, sent_at, last_error, created_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_booking ON outbox(booking_id);
CREATE INDEX outbox_claimed ON outbox(status, claimed_until);

-- +goose Down
CREATE TABLE outbox_old (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    booking_id      INTEGER REFERENCES bookings(id),
    sequence        INTEGER,
    user_id         INTEGER REFERENCES users(id),
    recipient       TEXT NOT NULL,
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
INSERT INTO outbox_old (id, key, kind, booking_id, sequence, user_id, recipient, payload, due_at, status,
    attempts, next_attempt_at, claimed_until, message_id, sent_at, last_error, created_at)
SELECT id, key, kind, booking_id, sequence, user_id, recipient, payload, due_at, status,
    attempts, next_attempt_at, claimed_until, message_id, sent_at, last_error, created_at FROM outbox WHERE channel = 'email';
DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_booking ON outbox(booking_id);
CREATE INDEX outbox_claimed ON outbox(status, claimed_until);
