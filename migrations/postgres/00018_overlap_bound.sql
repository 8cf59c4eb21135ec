-- +goose Up
-- A booking lasts at most one local day (25 hours on the autumn DST day); the
-- database refuses longer ones, as SQLite's triggers do, whose overlap check
-- reads only the 25 hours before a booking (the exclusion constraint needs no
-- such bound).
ALTER TABLE bookings ADD CONSTRAINT bookings_max_length CHECK (end_at - start_at <= INTERVAL '25 hours');

-- +goose Down
ALTER TABLE bookings DROP CONSTRAINT bookings_max_length;
