-- +goose Up
-- Notices of changes to what instances keep in memory on PostgreSQL, raised by
-- triggers in the transaction of the change and sent when it commits
-- (booking/internal/sqldb/watch.go).
--
-- One function raises the channel its trigger names.
-- +goose StatementBegin
CREATE FUNCTION notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_ARGV[0], '');
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- sprakpool_accounts: any change to who may use which API token
-- (booking/account/tokencache.go keeps the users of tokens): a revoked or moved
-- token, and any change to a user or their workplaces. Noting when a token was
-- last used (last_used_at) raises nothing.
CREATE TRIGGER accounts_api_tokens AFTER UPDATE OF user_id, token_hash, revoked_at OR DELETE OR TRUNCATE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change('sprakpool_accounts');
CREATE TRIGGER accounts_users AFTER UPDATE OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change('sprakpool_accounts');
CREATE TRIGGER accounts_user_workplaces AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON user_workplaces
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change('sprakpool_accounts');

-- sprakpool_pool: any change to workplaces, supervisors or the supervisors'
-- languages and areas (booking/brief.go keeps what checking a booking reads of
-- its workplace and supervisor).
CREATE TRIGGER pool_workplaces AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON workplaces
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change('sprakpool_pool');
CREATE TRIGGER pool_supervisors AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON supervisors
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change('sprakpool_pool');
CREATE TRIGGER pool_supervisor_languages AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON supervisor_languages
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change('sprakpool_pool');
CREATE TRIGGER pool_supervisor_areas AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON supervisor_areas
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change('sprakpool_pool');

-- +goose Down
DROP TRIGGER accounts_api_tokens ON api_tokens;
DROP TRIGGER accounts_users ON users;
DROP TRIGGER accounts_user_workplaces ON user_workplaces;
DROP TRIGGER pool_workplaces ON workplaces;
DROP TRIGGER pool_supervisors ON supervisors;
DROP TRIGGER pool_supervisor_languages ON supervisor_languages;
DROP TRIGGER pool_supervisor_areas ON supervisor_areas;
DROP FUNCTION notify_change();
