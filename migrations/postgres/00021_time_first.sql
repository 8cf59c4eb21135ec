-- +goose Up
-- A search over many supervisors (everyone who speaks a language) reads their
-- bookings of a few days or a week. Seeking each supervisor in
-- bookings_supervisor_rules reads two or three pages per supervisor; this index,
-- in time order with the same columns, reads the days' bookings of the whole
-- pool in a few contiguous pages (booking/booking.go, bookingsIndex). On SQLite
-- that matters most: every commit empties the other connections' page caches.
-- It starts with start_at, so it replaces bookings_start.
CREATE INDEX bookings_start_rules ON bookings(start_at, supervisor_id, status, end_at, workplace_id, mode);
DROP INDEX bookings_start;

-- +goose Down
CREATE INDEX bookings_start ON bookings(start_at);
DROP INDEX bookings_start_rules;
