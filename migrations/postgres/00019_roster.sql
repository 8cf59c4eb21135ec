-- +goose Up
-- The roster's version (booking/roster.go): every change to who is active, their
-- languages, areas and weekly windows raises it, by trigger, so an instance that
-- keeps the roster in memory knows from one row when to read it again.
CREATE TABLE roster_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO roster_version (id, version) VALUES (1, 1);

-- +goose StatementBegin
CREATE FUNCTION roster_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE roster_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER roster_supervisors AFTER INSERT OR UPDATE OR DELETE ON supervisors FOR EACH STATEMENT EXECUTE FUNCTION roster_changed();
CREATE TRIGGER roster_supervisor_languages AFTER INSERT OR UPDATE OR DELETE ON supervisor_languages FOR EACH STATEMENT EXECUTE FUNCTION roster_changed();
CREATE TRIGGER roster_supervisor_areas AFTER INSERT OR UPDATE OR DELETE ON supervisor_areas FOR EACH STATEMENT EXECUTE FUNCTION roster_changed();
CREATE TRIGGER roster_availability AFTER INSERT OR UPDATE OR DELETE ON availability FOR EACH STATEMENT EXECUTE FUNCTION roster_changed();

-- +goose Down
DROP TRIGGER roster_supervisors ON supervisors;
DROP TRIGGER roster_supervisor_languages ON supervisor_languages;
DROP TRIGGER roster_supervisor_areas ON supervisor_areas;
DROP TRIGGER roster_availability ON availability;
DROP FUNCTION roster_changed();
DROP TABLE roster_version;
