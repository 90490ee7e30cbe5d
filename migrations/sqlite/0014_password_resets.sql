-- Links to set a new password, mailed on request ("Forgot your password?"). The row is made when
-- someone asks; the job that mails the link makes its token and keeps only the token's SHA-256
-- here, so the token itself is only ever in the e-mail. A link works once, for an hour. Times are
-- Unix milliseconds.
CREATE TABLE password_resets (
    -- Never reused (AUTOINCREMENT): the record that a link's mail went out is kept by its id.
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The language of the page it was asked from: the e-mail's.
    lang        TEXT NOT NULL,
    token_hash  TEXT UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);
CREATE INDEX password_resets_expiry ON password_resets (expires_at);
