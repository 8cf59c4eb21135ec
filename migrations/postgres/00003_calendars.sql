-- +goose Up
-- The PostgreSQL twin of sqlite/00003_calendars.sql. Calendar feed tokens are
-- derived, never stored: a token is the HMAC-SHA256 of a per-feed random nonce
-- under the pool's feed key; each supervisor and workplace keeps its nonce and the
-- SHA-256 of its token. Rows from before this migration (feed_nonce = '') get a
-- nonce and hash when the service migrates.
ALTER TABLE supervisors RENAME COLUMN feed_token TO feed_token_hash;
ALTER TABLE supervisors ADD COLUMN feed_nonce TEXT NOT NULL DEFAULT '';
ALTER TABLE workplaces RENAME COLUMN feed_token TO feed_token_hash;
ALTER TABLE workplaces ADD COLUMN feed_nonce TEXT NOT NULL DEFAULT '';

-- The pool's feed secrets: 'key' is the HMAC key every feed token is derived
-- from; 'pool' is the nonce of the whole pool's feed. gen_random_uuid draws from
-- the server's strong random source (two of them hashed give the 32-byte key).
CREATE TABLE feed_secrets (
    name  TEXT PRIMARY KEY CHECK (name IN ('key', 'pool')),
    value TEXT NOT NULL
);
INSERT INTO feed_secrets (name, value) VALUES
    ('key', encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex')),
    ('pool', replace(gen_random_uuid()::text, '-', ''));

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
