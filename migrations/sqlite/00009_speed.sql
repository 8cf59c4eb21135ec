-- +goose Up
-- The rules and the free-supervisor search read, for many supervisors at once, a
-- week of confirmed bookings (id, workplace, mode, start, end) and the absences
-- that reach into it. Covering indexes answer both from the index alone, where a
-- table lookup per row cost most of the search on a pool of a million bookings.
-- The bookings index has the old one's columns first, so it replaces it.
CREATE INDEX bookings_supervisor_rules ON bookings(supervisor_id, start_at, status, end_at, workplace_id, mode);
DROP INDEX bookings_supervisor_start;
CREATE INDEX absences_supervisor_end ON absences(supervisor_id, end_at, start_at);

-- +goose Down
DROP INDEX absences_supervisor_end;
CREATE INDEX bookings_supervisor_start ON bookings(supervisor_id, start_at);
DROP INDEX bookings_supervisor_rules;
