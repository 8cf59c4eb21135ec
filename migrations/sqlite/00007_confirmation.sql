-- +goose Up
-- What the supervisor confirms happened, once a booking has ended.
CREATE TABLE booking_confirmations (
    booking_id   INTEGER PRIMARY KEY REFERENCES bookings(id),
    outcome      TEXT NOT NULL CHECK (outcome IN ('held','no_show','not_held')),
    actual_start DATETIME NOT NULL,
    actual_end   DATETIME NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at DATETIME NOT NULL,
    CHECK (actual_end >= actual_start)
);

-- +goose Down
DROP TABLE booking_confirmations;
