-- +goose Up
-- People as people (issue 16): a supervisor's short presentation, shown to the
-- managers who choose them, and a note per language ("syrisk dialekt"); the
-- workplace's contact person and phone, shown to the supervisor who comes.
ALTER TABLE supervisors ADD COLUMN presentation TEXT NOT NULL DEFAULT '';
ALTER TABLE supervisor_languages ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE workplaces ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE workplaces ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE workplaces DROP COLUMN contact_phone;
ALTER TABLE workplaces DROP COLUMN contact_name;
ALTER TABLE supervisor_languages DROP COLUMN note;
ALTER TABLE supervisors DROP COLUMN presentation;
