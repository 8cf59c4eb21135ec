-- +goose Up
-- The roster's version (booking/roster.go): every change to who is active, their
-- languages, areas and weekly windows raises it, by trigger, so a process that
-- keeps the roster in memory knows from one row when to read it again.
CREATE TABLE roster_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO roster_version (id, version) VALUES (1, 1);

-- +goose StatementBegin
CREATE TRIGGER roster_supervisors_insert AFTER INSERT ON supervisors
BEGIN
    UPDATE roster_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER roster_supervisors_update AFTER UPDATE ON supervisors
BEGIN
    UPDATE roster_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER roster_supervisors_delete AFTER DELETE ON supervisors
BEGIN
    UPDATE roster_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER roster_supervisor_languages_insert AFTER INSERT ON supervisor_languages
BEGIN
    UPDATE roster_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER roster_supervisor_languages_update AFTER UPDATE ON supervisor_languages
BEGIN
    UPDATE roster_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER roster_supervisor_languages_delete AFTER DELETE ON supervisor_languages
BEGIN
    UPDATE roster_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER roster_supervisor_areas_insert AFTER INSERT ON supervisor_areas
BEGIN
    UPDATE roster_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER roster_supervisor_areas_update AFTER UPDATE ON supervisor_areas
BEGIN
    UPDATE roster_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER roster_supervisor_areas_delete AFTER DELETE ON supervisor_areas
BEGIN
    UPDATE roster_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER roster_availability_insert AFTER INSERT ON availability
BEGIN
    UPDATE roster_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER roster_availability_update AFTER UPDATE ON availability
BEGIN
    UPDATE roster_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER roster_availability_delete AFTER DELETE ON availability
BEGIN
    UPDATE roster_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER roster_supervisors_insert;
DROP TRIGGER roster_supervisors_update;
DROP TRIGGER roster_supervisors_delete;
DROP TRIGGER roster_supervisor_languages_insert;
DROP TRIGGER roster_supervisor_languages_update;
DROP TRIGGER roster_supervisor_languages_delete;
DROP TRIGGER roster_supervisor_areas_insert;
DROP TRIGGER roster_supervisor_areas_update;
DROP TRIGGER roster_supervisor_areas_delete;
DROP TRIGGER roster_availability_insert;
DROP TRIGGER roster_availability_update;
DROP TRIGGER roster_availability_delete;
DROP TABLE roster_version;
