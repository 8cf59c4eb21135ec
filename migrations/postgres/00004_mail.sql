-- +goose Up
-- planned_at marks a booking event whose messages are in the outbox; events that
-- existed before mail was sent are history, not news, so they count as planned.
ALTER TABLE booking_events ADD COLUMN planned_at TIMESTAMPTZ;
UPDATE booking_events SET planned_at = at;
CREATE INDEX booking_events_unplanned ON booking_events(id) WHERE planned_at IS NULL;
CREATE INDEX outbox_claimed ON outbox(status, claimed_until);

-- +goose Down
DROP INDEX outbox_claimed;
DROP INDEX booking_events_unplanned;
ALTER TABLE booking_events DROP COLUMN planned_at;
