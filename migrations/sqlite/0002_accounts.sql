-- Accounts: case-insensitive emails, session invalidation, sign-in throttling, API tokens.

-- Emails are stored normalised (trimmed, lower case); this index also guards against any writer
-- that forgets to normalise.
CREATE UNIQUE INDEX users_email_folded ON users (lower(email));

-- Bumped when a password changes: sessions and access tokens minted under an older version stop
-- working at once.
ALTER TABLE users ADD COLUMN auth_version INTEGER NOT NULL DEFAULT 0;

-- Times in these tables are Unix time as integers (compared in SQL the same way on both
-- backends): milliseconds for sign-in failures, seconds for refresh tokens.

-- Failed sign-ins per key ('account:<email>' or 'client:<address>'), shared by every node.
CREATE TABLE login_failures (
    key            TEXT PRIMARY KEY,
    failures       INTEGER NOT NULL,
    last_failed_at INTEGER NOT NULL,
    locked_until   INTEGER
);

-- Refresh tokens, stored as hashes. A family is one sign-in's chain of rotations: presenting a
-- token that was already rotated revokes the whole family (it was stolen or replayed).
CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY,
    family      TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);

-- Secrets a demo installation generates for itself (never used in production mode).
CREATE TABLE generated_secrets (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
