-- +goose Up
-- PostgreSQL's 00020 adds triggers that notify the instances of changes to API
-- tokens, users, workplaces and supervisors (booking/account/tokencache.go and
-- booking/brief.go keep some of them in memory while no notice comes). SQLite has no notices, so nothing is kept and there
-- is nothing to add; the migration keeps the two histories in step.
SELECT 1;

-- +goose Down
SELECT 1;
