-- +goose Up
-- A feed's Last-Modified is the latest change of what it shows. A booking given
-- to another supervisor or workplace leaves the old one's feed, and with it its
-- change: the moment it left is kept here, per feed ("supervisors:17",
-- "workplaces:3"), so that Last-Modified never goes backwards and a client
-- asking If-Modified-Since gets the feed without the booking.
CREATE TABLE feed_changes (
    feed       TEXT PRIMARY KEY,
    changed_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE feed_changes;
