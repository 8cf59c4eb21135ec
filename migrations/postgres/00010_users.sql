-- +goose Up
-- A user's own mobile number and whether reminders also go to it as SMS
-- (GET /api/v1/users shows both). The number is stored as +46…, or
-- empty when the user gave none.
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN sms_reminders BOOLEAN NOT NULL DEFAULT FALSE;
-- Password-reset mails are limited per account and hour, counted on the links made.
CREATE INDEX account_tokens_user_kind ON account_tokens(user_id, kind, created_at);

-- +goose Down
DROP INDEX account_tokens_user_kind;
ALTER TABLE users DROP COLUMN sms_reminders;
ALTER TABLE users DROP COLUMN phone;
