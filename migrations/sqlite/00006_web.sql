-- +goose Up
-- Browser sessions (alexedwards/scs data), keyed by the SHA-256 of the cookie's
-- token, so a copy of the database does not hand out live sessions. user_id lets
-- a password change or a deactivation end every session of that user at once.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    data       BLOB NOT NULL,
    expiry     DATETIME NOT NULL,
    user_id    INTEGER REFERENCES users(id)
);
CREATE INDEX sessions_expiry ON sessions(expiry);
CREATE INDEX sessions_user ON sessions(user_id);

-- One-time links for a first login (invite) and a forgotten password
-- (password_reset), stored as the SHA-256 of the secret only.
CREATE TABLE account_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    kind       TEXT NOT NULL CHECK (kind IN ('invite','password_reset')),
    token_hash TEXT NOT NULL UNIQUE,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    created_at DATETIME NOT NULL
);
CREATE INDEX account_tokens_user ON account_tokens(user_id);

-- +goose Down
DROP TABLE account_tokens;
DROP TABLE sessions;
