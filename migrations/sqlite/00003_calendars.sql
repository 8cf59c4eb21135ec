-- +goose Up
-- Calendar feed tokens are derived, never stored: a token is the HMAC-SHA256 of a
-- per-feed random nonce under the pool's feed key. Each supervisor and workplace
-- keeps its nonce and the SHA-256 of its token, by which a feed URL is found;
-- renewing a feed replaces the nonce, so the old URL stops working at once.
-- Rows from before this migration get a nonce and hash when the service migrates
-- (feed_nonce = '' marks them); their old plain tokens stop working.
ALTER TABLE supervisors RENAME COLUMN feed_token TO feed_token_hash;
ALTER TABLE supervisors ADD COLUMN feed_nonce TEXT NOT NULL DEFAULT '';
ALTER TABLE workplaces RENAME COLUMN feed_token TO feed_token_hash;
ALTER TABLE workplaces ADD COLUMN feed_nonce TEXT NOT NULL DEFAULT '';

-- The pool's feed secrets: 'key' is the HMAC key every feed token is derived
-- from; 'pool' is the nonce of the whole pool's feed (the admins' pool_feed_url).
CREATE TABLE feed_secrets (
    name  TEXT PRIMARY KEY CHECK (name IN ('key', 'pool')),
    value TEXT NOT NULL
);
INSERT INTO feed_secrets (name, value) VALUES
    ('key', lower(hex(randomblob(32)))),
    ('pool', lower(hex(randomblob(16))));

-- Feeds read a supervisor's or workplace's bookings by end time.
CREATE INDEX bookings_supervisor_end ON bookings(supervisor_id, end_at);
CREATE INDEX bookings_workplace_end ON bookings(workplace_id, end_at);
CREATE INDEX bookings_end ON bookings(end_at);

-- +goose Down
DROP INDEX bookings_end;
DROP INDEX bookings_workplace_end;
DROP INDEX bookings_supervisor_end;
DROP TABLE feed_secrets;
ALTER TABLE workplaces DROP COLUMN feed_nonce;
ALTER TABLE workplaces RENAME COLUMN feed_token_hash TO feed_token;
ALTER TABLE supervisors DROP COLUMN feed_nonce;
ALTER TABLE supervisors RENAME COLUMN feed_token_hash TO feed_token;
