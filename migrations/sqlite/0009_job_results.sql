-- Files that jobs make for someone (an export, their data): kept in media.private_dir, outside the
-- public media folder, downloaded only through the authorised handler by their owner (or an
-- admin), and deleted with their row when they expire. Each is also an entry of its owner's inbox
-- until they have seen it.
CREATE TABLE job_results (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    -- One result per job: a job delivered twice finds its result already there.
    job_id        INTEGER NOT NULL UNIQUE,
    owner_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    -- The name the browser saves it under, and the name it is stored under.
    file_name     TEXT NOT NULL,
    stored_name   TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    byte_size     INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    -- When its owner saw it in the inbox; NULL while unread.
    seen_at       INTEGER
);
CREATE INDEX job_results_owner ON job_results (owner_id, id);
CREATE INDEX job_results_expiry ON job_results (expires_at);
