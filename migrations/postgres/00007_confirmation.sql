-- +goose Up
-- What the supervisor confirms happened, once a booking has ended.
CREATE TABLE booking_confirmations (
    booking_id   BIGINT PRIMARY KEY REFERENCES bookings(id),
    outcome      TEXT NOT NULL CHECK (outcome IN ('held','no_show','not_held')),
    actual_start TIMESTAMPTZ NOT NULL,
    actual_end   TIMESTAMPTZ NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    confirmed_by BIGINT REFERENCES users(id),
    confirmed_at TIMESTAMPTZ NOT NULL,
    CHECK (actual_end >= actual_start)
);

-- +goose Down
DROP TABLE booking_confirmations;
