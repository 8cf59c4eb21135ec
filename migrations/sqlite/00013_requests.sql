-- +goose Up
-- Requests: when no free time fits, a manager asks the pool to find one within
-- a window (earliest..latest). A request is never deleted; it ends filled (with
-- its booking), declined (with a reason), withdrawn, or expired (an open one
-- whose latest has passed). closed_at and closed_by say when and by whom it
-- ended, so the demand report can measure the hours to fill.
CREATE TABLE requests (
    id                    INTEGER PRIMARY KEY,
    workplace_id          INTEGER NOT NULL REFERENCES workplaces(id),
    language              TEXT NOT NULL,
    area                  TEXT NOT NULL CHECK (area IN ('childcare','elderly_care','kitchen','other')),
    mode                  TEXT NOT NULL DEFAULT 'on_site' CHECK (mode IN ('on_site','phone','video')),
    meeting_url           TEXT,
    purpose               TEXT NOT NULL CHECK (purpose IN ('workplace_support','substitute_intro','parent_information','information_meeting','other')),
    participants_expected INTEGER NOT NULL DEFAULT 0,
    notes                 TEXT NOT NULL DEFAULT '',
    duration_minutes      INTEGER NOT NULL CHECK (duration_minutes BETWEEN 15 AND 600 AND duration_minutes % 15 = 0),
    earliest_at           DATETIME NOT NULL,
    latest_at             DATETIME NOT NULL,
    status                TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','filled','declined','withdrawn','expired')),
    booking_id            INTEGER UNIQUE REFERENCES bookings(id),
    decline_reason        TEXT,
    created_by            INTEGER REFERENCES users(id),
    closed_by             INTEGER REFERENCES users(id),
    closed_at             DATETIME,
    created_at            DATETIME NOT NULL,
    updated_at            DATETIME NOT NULL,
    CHECK (latest_at > earliest_at),
    CHECK ((status = 'filled') = (booking_id IS NOT NULL))
);
CREATE INDEX requests_status ON requests(status, latest_at);
CREATE INDEX requests_workplace ON requests(workplace_id, id);
CREATE INDEX requests_created ON requests(created_at);

-- Unmet attempts: every booking (kind 'booking') or series ('series') asked
-- without a supervisor and answered no_free_supervisor, kept as demand. For a
-- series, start_at and end_at are its first occurrence's.
CREATE TABLE unmet_attempts (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL DEFAULT 'booking' CHECK (kind IN ('booking','series')),
    workplace_id INTEGER NOT NULL REFERENCES workplaces(id),
    language     TEXT NOT NULL,
    area         TEXT NOT NULL,
    mode         TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    start_at     DATETIME NOT NULL,
    end_at       DATETIME NOT NULL,
    created_by   INTEGER REFERENCES users(id),
    created_at   DATETIME NOT NULL
);
CREATE INDEX unmet_attempts_start ON unmet_attempts(start_at);

-- +goose Down
DROP TABLE unmet_attempts;
DROP TABLE requests;
