-- +goose Up
-- The outbox holds messages for any channel (e-mail now; SMS later): each row
-- names its channel, and a key is unique per channel, so the same message can
-- go out once by e-mail and once by SMS. The rows so far are all e-mail.
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email'; -- how it is sent: email
ALTER TABLE outbox DROP CONSTRAINT outbox_key_key;
ALTER TABLE outbox ADD CONSTRAINT outbox_key_channel_key UNIQUE (key, channel);

-- +goose Down
DELETE FROM outbox WHERE channel <> 'email';
ALTER TABLE outbox DROP CONSTRAINT outbox_key_channel_key;
ALTER TABLE outbox ADD CONSTRAINT outbox_key_key UNIQUE (key);
ALTER TABLE outbox DROP COLUMN channel;
