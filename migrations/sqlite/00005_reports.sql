-- +goose Up
-- Hourly rates and funding periods the coordinator keeps, for the billing basis.
-- A period runs from valid_from to valid_to (local dates, both included; NULL:
-- until further notice). A row with a workplace applies to that workplace only and
-- wins over a pool-wide row (workplace_id NULL) on the same date. funder names
-- who pays in the period, e.g. the coordination association at 0 kr per hour.
CREATE TABLE rates (
    id              INTEGER PRIMARY KEY,
    workplace_id    INTEGER REFERENCES workplaces(id),
    valid_from      TEXT NOT NULL CHECK (valid_from GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    valid_to        TEXT CHECK (valid_to IS NULL OR valid_to >= valid_from),
    hourly_rate_ore INTEGER NOT NULL CHECK (hourly_rate_ore >= 0),
    funder          TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE INDEX rates_workplace ON rates(workplace_id, valid_from);

-- +goose Down
DROP TABLE rates;
