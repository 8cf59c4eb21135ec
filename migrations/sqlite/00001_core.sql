-- +goose Up
CREATE TABLE workplaces (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('childcare','elderly_care','kitchen','other')),
    address     TEXT NOT NULL DEFAULT '',
    cost_center TEXT NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT 1,
    feed_token  TEXT NOT NULL UNIQUE,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);

CREATE TABLE supervisors (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    active     BOOLEAN NOT NULL DEFAULT 1,
    feed_token TEXT NOT NULL UNIQUE,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);

CREATE TABLE supervisor_languages (
    supervisor_id INTEGER NOT NULL REFERENCES supervisors(id),
    language      TEXT NOT NULL,
    PRIMARY KEY (supervisor_id, language)
);
CREATE INDEX supervisor_languages_language ON supervisor_languages(language);

CREATE TABLE supervisor_areas (
    supervisor_id INTEGER NOT NULL REFERENCES supervisors(id),
    area          TEXT NOT NULL CHECK (area IN ('childcare','elderly_care','kitchen','other')),
    PRIMARY KEY (supervisor_id, area)
);

-- Weekly availability in local wall-clock minutes after midnight.
CREATE TABLE availability (
    id            INTEGER PRIMARY KEY,
    supervisor_id INTEGER NOT NULL REFERENCES supervisors(id),
    weekday       INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_minute  INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute    INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    CHECK (end_minute > start_minute)
);
CREATE INDEX availability_supervisor ON availability(supervisor_id);

CREATE TABLE absences (
    id            INTEGER PRIMARY KEY,
    supervisor_id INTEGER NOT NULL REFERENCES supervisors(id),
    start_at      DATETIME NOT NULL,
    end_at        DATETIME NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    source_uid    TEXT,
    created_at    DATETIME NOT NULL,
    CHECK (end_at > start_at)
);
CREATE INDEX absences_supervisor ON absences(supervisor_id, start_at);
CREATE UNIQUE INDEX absences_source ON absences(supervisor_id, source_uid, start_at) WHERE source_uid IS NOT NULL;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin','manager','supervisor')),
    password_hash TEXT NOT NULL DEFAULT '',
    supervisor_id INTEGER REFERENCES supervisors(id),
    locale        TEXT NOT NULL DEFAULT 'sv',
    active        BOOLEAN NOT NULL DEFAULT 1,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);

CREATE TABLE user_workplaces (
    user_id      INTEGER NOT NULL REFERENCES users(id),
    workplace_id INTEGER NOT NULL REFERENCES workplaces(id),
    PRIMARY KEY (user_id, workplace_id)
);
CREATE INDEX user_workplaces_workplace ON user_workplaces(workplace_id);

-- API tokens are stored as the SHA-256 of the secret only.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   DATETIME NOT NULL,
    last_used_at DATETIME,
    revoked_at   DATETIME
);

-- Failed authentications, for rate limiting across processes.
CREATE TABLE auth_failures (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at  DATETIME NOT NULL
);
CREATE INDEX auth_failures_key ON auth_failures(key, at);

CREATE TABLE bookings (
    id                    INTEGER PRIMARY KEY,
    uid                   TEXT NOT NULL UNIQUE,
    supervisor_id         INTEGER NOT NULL REFERENCES supervisors(id),
    workplace_id          INTEGER NOT NULL REFERENCES workplaces(id),
    language              TEXT NOT NULL,
    area                  TEXT NOT NULL CHECK (area IN ('childcare','elderly_care','kitchen','other')),
    mode                  TEXT NOT NULL DEFAULT 'on_site' CHECK (mode IN ('on_site','phone','video')),
    meeting_url           TEXT,
    start_at              DATETIME NOT NULL,
    end_at                DATETIME NOT NULL,
    purpose               TEXT NOT NULL CHECK (purpose IN ('workplace_support','substitute_intro','parent_information','information_meeting','other')),
    participants_expected INTEGER NOT NULL DEFAULT 0,
    notes                 TEXT NOT NULL DEFAULT '',
    status                TEXT NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed','cancelled')),
    sequence              INTEGER NOT NULL DEFAULT 0,
    cancel_reason_code    TEXT,
    cancel_reason         TEXT,
    cancelled_at          DATETIME,
    cancelled_by          INTEGER REFERENCES users(id),
    created_by            INTEGER REFERENCES users(id),
    created_at            DATETIME NOT NULL,
    updated_at            DATETIME NOT NULL,
    CHECK (end_at > start_at)
);
CREATE INDEX bookings_supervisor_start ON bookings(supervisor_id, start_at);
CREATE INDEX bookings_workplace_start ON bookings(workplace_id, start_at);
CREATE INDEX bookings_start ON bookings(start_at);

-- The database itself refuses two overlapping confirmed bookings of one supervisor.
-- Times are stored as UTC text of one format, so text comparison is time order.
-- +goose StatementBegin
CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.status = 'confirmed' AND EXISTS (
    SELECT 1 FROM bookings b
    WHERE b.supervisor_id = NEW.supervisor_id AND b.status = 'confirmed'
      AND b.start_at < NEW.end_at AND b.end_at > NEW.start_at)
BEGIN
    SELECT RAISE(ABORT, 'booking_overlap');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF supervisor_id, start_at, end_at, status ON bookings
WHEN NEW.status = 'confirmed' AND EXISTS (
    SELECT 1 FROM bookings b
    WHERE b.id <> NEW.id AND b.supervisor_id = NEW.supervisor_id AND b.status = 'confirmed'
      AND b.start_at < NEW.end_at AND b.end_at > NEW.start_at)
BEGIN
    SELECT RAISE(ABORT, 'booking_overlap');
END;
-- +goose StatementEnd

CREATE TABLE booking_followups (
    booking_id         INTEGER PRIMARY KEY REFERENCES bookings(id),
    persons_supervised INTEGER NOT NULL,
    rating             INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment            TEXT NOT NULL DEFAULT '',
    why_booked         TEXT NOT NULL DEFAULT '',
    created_by         INTEGER REFERENCES users(id),
    created_at         DATETIME NOT NULL
);

-- The booking event log: the audit trail, and the outbox that mail is sent from.
CREATE TABLE booking_events (
    id         INTEGER PRIMARY KEY,
    booking_id INTEGER NOT NULL REFERENCES bookings(id),
    kind       TEXT NOT NULL,
    sequence   INTEGER NOT NULL,
    actor_id   INTEGER REFERENCES users(id),
    at         DATETIME NOT NULL,
    data       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX booking_events_booking ON booking_events(booking_id, id);

-- +goose Down
DROP TABLE booking_events;
DROP TABLE booking_followups;
DROP TRIGGER bookings_no_overlap_update;
DROP TRIGGER bookings_no_overlap_insert;
DROP TABLE bookings;
DROP TABLE auth_failures;
DROP TABLE api_tokens;
DROP TABLE user_workplaces;
DROP TABLE users;
DROP TABLE absences;
DROP TABLE availability;
DROP TABLE supervisor_areas;
DROP TABLE supervisor_languages;
DROP TABLE supervisors;
DROP TABLE workplaces;
