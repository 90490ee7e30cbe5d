-- The task queue: work that must not run inside a request, held as rows that workers claim with a
-- lease. Times are Unix milliseconds, so "is it due" is the same integer comparison on both
-- backends.

CREATE TABLE jobs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Which handler runs it, and its input as JSON.
    kind              TEXT NOT NULL,
    payload           TEXT NOT NULL,
    -- 'queued' (waiting for its first run or its next retry), 'running', 'done', 'dead' (out of
    -- attempts) or 'cancelled'.
    state             TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead', 'cancelled')),
    -- Two requests for the same work while one is unfinished make one job (see jobs_dedupe).
    dedupe_key        TEXT,
    attempts          INTEGER NOT NULL DEFAULT 0,
    max_attempts      INTEGER NOT NULL CHECK (max_attempts > 0),
    -- When a queued job may run.
    run_at            INTEGER NOT NULL,
    -- A running job's lease: the claim's secret token and when the lease ends unless renewed. A
    -- worker that dies stops renewing; the job is claimed again once the lease has ended.
    lease_token       TEXT,
    locked_until      INTEGER,
    progress_percent  INTEGER NOT NULL DEFAULT 0 CHECK (progress_percent BETWEEN 0 AND 100),
    progress_message  TEXT,
    last_error        TEXT,
    -- Who asked for it (NULL for scheduled work).
    requested_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at        INTEGER NOT NULL,
    started_at        INTEGER,
    finished_at       INTEGER
);
-- What a worker claims next: a queued job that is due, or a running one whose lease has ended.
CREATE INDEX jobs_due ON jobs (COALESCE(locked_until, run_at)) WHERE state IN ('queued', 'running');
CREATE UNIQUE INDEX jobs_dedupe ON jobs (dedupe_key) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_listing ON jobs (state, id);
CREATE INDEX jobs_requester ON jobs (requested_by, id);

-- Scheduled work: whichever node first finds a schedule due moves its next time forward and
-- queues its job in the same transaction, so the work fires once across all nodes.
CREATE TABLE job_schedules (
    name         TEXT PRIMARY KEY,
    every_ms     INTEGER NOT NULL CHECK (every_ms > 0),
    next_run_at  INTEGER NOT NULL
);

-- Side effects (an e-mail sent, a file written) by their idempotency key, so a job delivered twice
-- does not repeat them. A worker reserves the key under its lease before the effect and marks it
-- done after; a reservation whose lease has ended (the worker died mid-effect) may be taken over.
-- No foreign key to jobs: a key outlives its job's row, and deleting old jobs must not touch it.
CREATE TABLE job_effects (
    effect_key   TEXT PRIMARY KEY,
    job_id       INTEGER NOT NULL,
    lease_token  TEXT NOT NULL,
    started_at   INTEGER NOT NULL,
    done_at      INTEGER
);
CREATE INDEX job_effects_started ON job_effects (started_at);
