-- +goose Up
-- Notices of changes to what instances keep in memory on PostgreSQL, raised by
-- triggers in the transaction of the change and sent when it commits
-- (booking/internal/sqldb/watch.go).
--
-- sprakpool_accounts: notices of changes to who may use which API token (booking/account/tokencache.go
-- keeps the users of tokens in memory, for as long as no such notice comes):
-- a revoked or moved token, and any change to a user or their workplaces,
-- raise the channel sprakpool_accounts when the change commits, on every
-- instance. Noting when a token was last used (last_used_at) raises nothing.
-- +goose StatementBegin
CREATE FUNCTION accounts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sprakpool_accounts', '');
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER accounts_api_tokens AFTER UPDATE OF user_id, token_hash, revoked_at OR DELETE OR TRUNCATE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_changed();
CREATE TRIGGER accounts_users AFTER UPDATE OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_changed();
CREATE TRIGGER accounts_user_workplaces AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON user_workplaces
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_changed();

-- sprakpool_pool: any change to workplaces, supervisors or the supervisors'
-- languages and areas (booking/brief.go keeps what checking a booking reads of
-- its workplace and supervisor).
-- +goose StatementBegin
CREATE FUNCTION pool_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sprakpool_pool', '');
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER pool_workplaces AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON workplaces
    FOR EACH STATEMENT EXECUTE FUNCTION pool_changed();
CREATE TRIGGER pool_supervisors AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON supervisors
    FOR EACH STATEMENT EXECUTE FUNCTION pool_changed();
CREATE TRIGGER pool_supervisor_languages AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON supervisor_languages
    FOR EACH STATEMENT EXECUTE FUNCTION pool_changed();
CREATE TRIGGER pool_supervisor_areas AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON supervisor_areas
    FOR EACH STATEMENT EXECUTE FUNCTION pool_changed();

-- +goose Down
DROP TRIGGER pool_workplaces ON workplaces;
DROP TRIGGER pool_supervisors ON supervisors;
DROP TRIGGER pool_supervisor_languages ON supervisor_languages;
DROP TRIGGER pool_supervisor_areas ON supervisor_areas;
DROP FUNCTION pool_changed();
DROP TRIGGER accounts_api_tokens ON api_tokens;
DROP TRIGGER accounts_users ON users;
DROP TRIGGER accounts_user_workplaces ON user_workplaces;
DROP FUNCTION accounts_changed();
