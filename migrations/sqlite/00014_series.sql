-- +goose Up
-- Series: weekly language support booked as one. A series is the wish as it
-- was asked (every_weeks, count or until) and what it became: its occurrences
-- are ordinary bookings carrying series_id, so every rule, report and feed sees
-- them as bookings. skipped holds, as JSON, the occurrences that were not
-- booked ({date, start, details}); occurrences is how many the rule made,
-- skipped ones included (the COUNT of the invitation's RRULE). uid and
-- sequence identify the series' recurring event in invitations.
CREATE TABLE series (
    id                    INTEGER PRIMARY KEY,
    uid                   TEXT NOT NULL UNIQUE,
    every_weeks           INTEGER NOT NULL CHECK (every_weeks BETWEEN 1 AND 4),
    repeat_count          INTEGER,
    repeat_until          TEXT,
    occurrences           INTEGER NOT NULL CHECK (occurrences BETWEEN 1 AND 52),
    skip_conflicts        BOOLEAN NOT NULL DEFAULT FALSE,
    supervisor_id         INTEGER NOT NULL REFERENCES supervisors(id),
    workplace_id          INTEGER NOT NULL REFERENCES workplaces(id),
    language              TEXT NOT NULL,
    area                  TEXT NOT NULL,
    mode                  TEXT NOT NULL,
    meeting_url           TEXT,
    start_at              DATETIME NOT NULL,
    end_at                DATETIME NOT NULL,
    purpose               TEXT NOT NULL,
    participants_expected INTEGER NOT NULL DEFAULT 0,
    notes                 TEXT NOT NULL DEFAULT '',
    skipped               TEXT NOT NULL DEFAULT '[]',
    sequence              INTEGER NOT NULL DEFAULT 0,
    created_by            INTEGER REFERENCES users(id),
    created_at            DATETIME NOT NULL,
    updated_at            DATETIME NOT NULL,
    CHECK ((repeat_count IS NULL) <> (repeat_until IS NULL))
);
CREATE INDEX series_workplace ON series(workplace_id);

-- series_start_at is the occurrence's start as the series planned it, kept
-- when the booking is moved: an invitation names a moved occurrence by it
-- (RECURRENCE-ID).
ALTER TABLE bookings ADD COLUMN series_id INTEGER REFERENCES series(id);
ALTER TABLE bookings ADD COLUMN series_start_at DATETIME;
CREATE INDEX bookings_series ON bookings(series_id, start_at) WHERE series_id IS NOT NULL;

-- +goose Down
DROP INDEX bookings_series;
ALTER TABLE bookings DROP COLUMN series_start_at;
ALTER TABLE bookings DROP COLUMN series_id;
DROP TABLE series;
