-- +goose Up
-- The overlap triggers read only the supervisor's bookings that start at most
-- 25 hours before the new one (the index bookings_supervisor_rules is read from
-- there on), not every earlier booking of theirs: the check cost as much as the
-- supervisor had bookings. That is exact because a booking lasts at most one
-- local day (25 hours on the autumn DST day), which the database now refuses to
-- break too. Times are UTC text ("2027-01-04 07:00:00+00:00"); datetime()'s bound
-- lacks the "+00:00", so it sorts just before the same instant and keeps it; a
-- start datetime() could not read would make the bound '' (every booking).

-- +goose StatementBegin
DROP TRIGGER bookings_no_overlap_insert;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.status = 'confirmed' AND EXISTS (
    SELECT 1 FROM bookings b
    WHERE b.supervisor_id = NEW.supervisor_id AND b.start_at >= COALESCE(datetime(NEW.start_at, '-25 hours'), '')
      AND b.start_at < NEW.end_at AND b.status = 'confirmed' AND b.end_at > NEW.start_at)
BEGIN
    SELECT RAISE(ABORT, 'booking_overlap');
END;
-- +goose StatementEnd
-- +goose StatementBegin
DROP TRIGGER bookings_no_overlap_update;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF supervisor_id, start_at, end_at, status ON bookings
WHEN NEW.status = 'confirmed' AND EXISTS (
    SELECT 1 FROM bookings b
    WHERE b.supervisor_id = NEW.supervisor_id AND b.start_at >= COALESCE(datetime(NEW.start_at, '-25 hours'), '')
      AND b.start_at < NEW.end_at AND b.id <> NEW.id AND b.status = 'confirmed' AND b.end_at > NEW.start_at)
BEGIN
    SELECT RAISE(ABORT, 'booking_overlap');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER bookings_max_length_insert BEFORE INSERT ON bookings
WHEN julianday(NEW.end_at) - julianday(NEW.start_at) > 25.0 / 24 + 1.0 / 86400
BEGIN
    SELECT RAISE(ABORT, 'booking_too_long');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER bookings_max_length_update BEFORE UPDATE OF start_at, end_at ON bookings
WHEN julianday(NEW.end_at) - julianday(NEW.start_at) > 25.0 / 24 + 1.0 / 86400
BEGIN
    SELECT RAISE(ABORT, 'booking_too_long');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER bookings_max_length_update;
DROP TRIGGER bookings_max_length_insert;
DROP TRIGGER bookings_no_overlap_update;
DROP TRIGGER bookings_no_overlap_insert;
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
