-- +goose Up
-- PostgreSQL's 00020 adds triggers that notify the instances of changes to API
-- tokens and users (booking/account/token.go keeps users of tokens in memory
-- while no notice comes). SQLite has no notices, so nothing is kept and there
-- is nothing to add; the migration keeps the two histories in step.
SELECT 1;

-- +goose Down
SELECT 1;
