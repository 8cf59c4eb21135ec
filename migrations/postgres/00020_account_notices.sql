-- +goose Up
-- Notices of changes to who may use which API token (booking/account/token.go
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

-- +goose Down
DROP TRIGGER accounts_api_tokens ON api_tokens;
DROP TRIGGER accounts_users ON users;
DROP TRIGGER accounts_user_workplaces ON user_workplaces;
DROP FUNCTION accounts_changed();
