//! The job queue's rows: jobs claimed with a lease, scheduled work, and side effects already done.
//!
//! Every change to a running job names the claim's secret `lease_token` and requires the job to
//! be still `running`: a worker whose lease ended (it stalled, and another worker took the job)
//! or whose job an admin cancelled changes nothing, and learns so from the `false` it gets back.
//! Times are Unix milliseconds.

use super::{with_pool, with_reader, Db, Pool, SqlArgs};
use crate::bind_all;
use crate::model::jobs::JobState;

/// A job to queue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub kind: &'a str,
    /// The handler's input, as JSON.
    pub payload: &'a str,
    /// While a job with this key is queued or running, queuing another returns it instead.
    pub dedupe_key: Option<&'a str>,
    pub max_attempts: i64,
    pub run_at: i64,
    pub requested_by: Option<i64>,
}

/// What queuing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enqueued {
    pub id: i64,
    /// False when an unfinished job with the same dedupe key was there first (its id is returned).
    pub created: bool,
}

/// A job a worker has claimed: it runs it while it holds the lease.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    /// This attempt included.
    pub attempts: i64,
    pub max_attempts: i64,
}

/// A job as the back office and its requester see it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub state: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub progress_percent: i64,
    pub progress_message: Option<String>,
    pub last_error: Option<String>,
    pub requested_by: Option<i64>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

impl JobRow {
    pub fn state(&self) -> Option<JobState> {
        JobState::parse(&self.state)
    }
}

const JOB_COLUMNS: &str = "id, kind, payload, state, attempts, max_attempts, run_at, progress_percent, \
                           progress_message, last_error, requested_by, created_at, started_at, finished_at";

/// The statement that queues `job` at `now`, unless an unfinished job holds its dedupe key, with
/// its values added to `args`. Every insert of a job goes through here: [`enqueue`], a schedule
/// firing, and the transactions that queue a job with what it is about (an order, a reset link).
pub(super) fn insert_statement(args: &mut SqlArgs, job: &NewJob<'_>, now: i64) -> String {
    let kind = args.text(job.kind);
    let payload = args.text(job.payload);
    let dedupe_key = job.dedupe_key.map_or_else(|| "NULL".to_owned(), |key| args.text(key));
    let max_attempts = args.int(job.max_attempts);
    let run_at = args.int(job.run_at);
    let requested_by = job.requested_by.map_or_else(|| "NULL".to_owned(), |id| args.int(id));
    let created_at = args.int(now);
    format!(
        "INSERT INTO jobs (kind, payload, state, dedupe_key, max_attempts, run_at, requested_by, created_at) \
         VALUES ({kind}, {payload}, 'queued', {dedupe_key}, {max_attempts}, {run_at}, {requested_by}, {created_at}) \
         ON CONFLICT (dedupe_key) WHERE state IN ('queued', 'running') DO NOTHING"
    )
}

/// Queues a job, or finds the unfinished one with the same dedupe key.
pub async fn enqueue(db: &Db, job: &NewJob<'_>, now: i64) -> sqlx::Result<Enqueued> {
    let mut args = SqlArgs::default();
    let insert = format!("{} RETURNING id", insert_statement(&mut args, job, now));
    let existing = "SELECT id FROM jobs WHERE dedupe_key = $1 AND state IN ('queued', 'running')";
    let latest = "SELECT MAX(id) FROM jobs WHERE dedupe_key = $1";
    with_pool!(db.writer(), pool => {
        let inserted: Option<i64> = bind_all!(sqlx::query_scalar(&insert), args).fetch_optional(pool).await?;
        if let Some(id) = inserted {
            return Ok(Enqueued { id, created: true });
        }
        // The conflict is on the dedupe key, so an unfinished twin holds it, unless it finished
        // in between: then the newest job with the key answers (its work is what was asked).
        let twin: Option<i64> = sqlx::query_scalar(existing).bind(job.dedupe_key).fetch_optional(pool).await?;
        let id = match twin {
            Some(id) => id,
            None => sqlx::query_scalar(latest).bind(job.dedupe_key).fetch_one(pool).await?,
        };
        Ok(Enqueued { id, created: false })
    })
}

/// Claims the job due longest ago (a queued job whose time has come, or a running one whose lease
/// ended) for `lease_token` until `locked_until`, counting the attempt. Of workers racing for a
/// job, one gets it; the others get the next one or nothing.
pub async fn claim(
    db: &Db,
    kinds: &[&str],
    lease_token: &str,
    now: i64,
    locked_until: i64,
) -> sqlx::Result<Option<Claimed>> {
    let mut args = SqlArgs::default();
    let (token, until, now) = (args.text(lease_token), args.int(locked_until), args.int(now));
    // Only kinds this worker can run: a node of an older release leaves a newer kind alone
    // instead of spending its attempts.
    let kinds = kind_list(&mut args, kinds);
    // The claimable condition is written twice: in the inner SELECT, which picks a row (on
    // PostgreSQL locking it, skipping rows other workers hold), and in the outer UPDATE, which
    // re-checks it on the row as it is when the lock is taken.
    let claimable = format!(
        "state IN ('queued', 'running') AND COALESCE(locked_until, run_at) <= {now} \
         AND attempts < max_attempts AND kind IN ({kinds})"
    );
    let lock = match db.writer() {
        Pool::Sqlite(_) => "",
        Pool::Postgres(_) => " FOR UPDATE SKIP LOCKED",
    };
    let sql = format!(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_token = {token}, locked_until = {until}, \
           started_at = {now}, progress_percent = 0, progress_message = NULL \
         WHERE id = (SELECT id FROM jobs WHERE {claimable} ORDER BY COALESCE(locked_until, run_at), id LIMIT 1{lock}) \
           AND {claimable} \
         RETURNING id, kind, payload, attempts, max_attempts"
    );
    with_pool!(db.writer(), pool => bind_all!(sqlx::query_as(&sql), args).fetch_optional(pool).await)
}

/// Marks dead the running jobs whose lease ended on their last attempt: their worker stopped
/// (killed, or the machine lost) as many times as the job may be tried.
pub async fn bury_abandoned(db: &Db, now: i64, error: &str) -> sqlx::Result<u64> {
    let sql =
        "UPDATE jobs SET state = 'dead', finished_at = $1, lease_token = NULL, locked_until = NULL, last_error = $2 \
               WHERE state = 'running' AND locked_until <= $1 AND attempts >= max_attempts";
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(now).bind(error).execute(pool).await.map(|d| d.rows_affected()))
}

/// Extends the lease; false when it is no longer this claim's.
pub async fn renew_lease(db: &Db, id: i64, lease_token: &str, locked_until: i64) -> sqlx::Result<bool> {
    let sql = "UPDATE jobs SET locked_until = $3 WHERE id = $1 AND lease_token = $2 AND state = 'running'";
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(id).bind(lease_token).bind(locked_until).execute(pool).await.map(|d| d.rows_affected() == 1))
}

/// Records how far the job has got; false when the lease is no longer this claim's.
pub async fn set_progress(db: &Db, id: i64, lease_token: &str, percent: i64, message: &str) -> sqlx::Result<bool> {
    let sql = "UPDATE jobs SET progress_percent = $3, progress_message = $4 \
               WHERE id = $1 AND lease_token = $2 AND state = 'running'";
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(id).bind(lease_token).bind(percent).bind(message).execute(pool).await.map(|d| d.rows_affected() == 1))
}

/// Marks the job done; false when the lease is no longer this claim's.
pub async fn complete(db: &Db, id: i64, lease_token: &str, now: i64) -> sqlx::Result<bool> {
    let sql = "UPDATE jobs SET state = 'done', progress_percent = 100, finished_at = $3, lease_token = NULL, locked_until = NULL \
               WHERE id = $1 AND lease_token = $2 AND state = 'running'";
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(id).bind(lease_token).bind(now).execute(pool).await.map(|d| d.rows_affected() == 1))
}

/// After a failed attempt: queues the job again for `retry_at`, or marks it dead when `retry_at`
/// is `None`, keeping `error` either way. False when the lease is no longer this claim's.
pub async fn fail(
    db: &Db,
    id: i64,
    lease_token: &str,
    now: i64,
    error: &str,
    retry_at: Option<i64>,
) -> sqlx::Result<bool> {
    let (state, run_at, finished_at) = match retry_at {
        Some(at) => (JobState::Queued, Some(at), None),
        None => (JobState::Dead, None, Some(now)),
    };
    let sql = "UPDATE jobs SET state = $3, run_at = COALESCE($4, run_at), finished_at = $5, last_error = $6, \
                 lease_token = NULL, locked_until = NULL \
               WHERE id = $1 AND lease_token = $2 AND state = 'running'";
    with_pool!(db.writer(), pool => sqlx::query(sql)
        .bind(id).bind(lease_token).bind(state.as_str()).bind(run_at).bind(finished_at).bind(error)
        .execute(pool).await.map(|d| d.rows_affected() == 1))
}

/// Gives an unfinished job back to the queue at shutdown, without counting the attempt.
pub async fn hand_back(db: &Db, id: i64, lease_token: &str, now: i64) -> sqlx::Result<bool> {
    let sql = "UPDATE jobs SET state = 'queued', attempts = attempts - 1, run_at = $3, lease_token = NULL, locked_until = NULL \
               WHERE id = $1 AND lease_token = $2 AND state = 'running'";
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(id).bind(lease_token).bind(now).execute(pool).await.map(|d| d.rows_affected() == 1))
}

/// Queues a dead or cancelled job again with its attempts restored; false when it is not dead or
/// cancelled, or the same work is already queued or running under its dedupe key.
pub async fn retry(db: &Db, id: i64, now: i64) -> sqlx::Result<bool> {
    let sql = "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $2, finished_at = NULL, started_at = NULL, \
                 progress_percent = 0, progress_message = NULL \
               WHERE id = $1 AND state IN ('dead', 'cancelled') AND (dedupe_key IS NULL OR NOT EXISTS \
                 (SELECT 1 FROM jobs AS twin WHERE twin.dedupe_key = jobs.dedupe_key AND twin.state IN ('queued', 'running')))";
    let retried = with_pool!(db.writer(), pool => sqlx::query(sql).bind(id).bind(now).execute(pool).await.map(|d| d.rows_affected() == 1));
    match retried {
        // The same work was queued in the meantime (on PostgreSQL, after this statement's check).
        Err(error) if error.as_database_error().is_some_and(|e| e.is_unique_violation()) => Ok(false),
        other => other,
    }
}

/// Cancels a queued or running job (a running one's worker finds its lease gone at its next
/// heartbeat and stops); false when the job had already finished.
pub async fn cancel(db: &Db, id: i64, now: i64) -> sqlx::Result<bool> {
    let sql = "UPDATE jobs SET state = 'cancelled', finished_at = $2, lease_token = NULL, locked_until = NULL \
               WHERE id = $1 AND state IN ('queued', 'running')";
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(id).bind(now).execute(pool).await.map(|d| d.rows_affected() == 1))
}

pub async fn find(db: &Db, id: i64) -> sqlx::Result<Option<JobRow>> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1");
    with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)
}

/// One page of jobs, newest first, optionally of one state: those with an id below `before`.
pub async fn list(db: &Db, state: Option<JobState>, before: Option<i64>, limit: i64) -> sqlx::Result<Vec<JobRow>> {
    let mut args = SqlArgs::default();
    let mut conditions = vec![format!("id < {}", args.int(before.unwrap_or(i64::MAX)))];
    if let Some(state) = state {
        conditions.push(format!("state = {}", args.text(state.as_str())));
    }
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM jobs WHERE {} ORDER BY id DESC LIMIT {}",
        conditions.join(" AND "),
        args.int(limit)
    );
    with_reader!(db.reader(), pool => bind_all!(sqlx::query_as(&sql), args).fetch_all(pool).await)
}

/// How many jobs are in each state (the back office's summary).
pub async fn count_by_state(db: &Db) -> sqlx::Result<Vec<(String, i64)>> {
    let sql = "SELECT state, COUNT(*) FROM jobs GROUP BY state";
    with_reader!(db.reader(), pool => sqlx::query_as(sql).fetch_all(pool).await)
}

/// Deletes finished jobs that ended before `before` (their results are gone by then too).
pub async fn delete_finished_before(db: &Db, before: i64) -> sqlx::Result<u64> {
    let sql = "DELETE FROM jobs WHERE state IN ('done', 'dead', 'cancelled') AND finished_at < $1";
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(before).execute(pool).await.map(|d| d.rows_affected()))
}

/// Adds a schedule that first fires at `first_run_at`, or updates its period, bringing its next
/// time forward if the new period ends sooner.
pub async fn ensure_schedule(db: &Db, name: &str, every_ms: i64, first_run_at: i64, now: i64) -> sqlx::Result<()> {
    let sql = "INSERT INTO job_schedules (name, every_ms, next_run_at) VALUES ($1, $2, $3) \
               ON CONFLICT (name) DO UPDATE SET every_ms = excluded.every_ms, next_run_at = CASE \
                 WHEN job_schedules.next_run_at > $4 + excluded.every_ms THEN $4 + excluded.every_ms \
                 ELSE job_schedules.next_run_at END";
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(name).bind(every_ms).bind(first_run_at).bind(now).execute(pool).await.map(|_| ()))
}

/// If the schedule `name` is due, moves its next time one period past `now` and queues `job`, in
/// one transaction: of the nodes that find it due at once, one fires it. Missed periods (every
/// node was down) fire once, not once each. True when this call fired it.
pub async fn fire_schedule(db: &Db, name: &str, job: &NewJob<'_>, now: i64) -> sqlx::Result<bool> {
    let advance =
        "UPDATE job_schedules SET next_run_at = $2 + every_ms WHERE name = $1 AND next_run_at <= $2 RETURNING name";
    with_pool!(db.writer(), pool => {
        let mut tx = pool.begin_with(db.begin_write()).await?;
        let due: Option<String> = sqlx::query_scalar(advance).bind(name).bind(now).fetch_optional(&mut *tx).await?;
        if due.is_none() {
            return Ok(false);
        }
        let mut args = SqlArgs::default();
        let insert = insert_statement(&mut args, job, now);
        bind_all!(sqlx::query(&insert), args).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    })
}

/// What [`reserve_effect`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The effect is this claim's to carry out (a new key, or one whose holder's lease ended).
    Reserved,
    /// It was carried out already.
    Done,
    /// A live claim holds it (or this claim's own lease has ended): not now.
    Busy,
}

/// Reserves the side effect `effect_key` for the claim `lease_token` of job `job_id`, if that
/// claim still holds its job and no other live claim holds the key and it is not done.
pub async fn reserve_effect(
    db: &Db,
    effect_key: &str,
    job_id: i64,
    lease_token: &str,
    now: i64,
) -> sqlx::Result<Reservation> {
    // The INSERT … SELECT … WHERE form inserts only while this claim holds its job; the upsert
    // takes over a reservation whose holder no longer holds a live lease.
    let reserve = "INSERT INTO job_effects (effect_key, job_id, lease_token, started_at) \
                   SELECT $1, $2, $3, $4 WHERE EXISTS \
                     (SELECT 1 FROM jobs WHERE id = $2 AND lease_token = $3 AND state = 'running') \
                   ON CONFLICT (effect_key) DO UPDATE SET job_id = excluded.job_id, lease_token = excluded.lease_token, \
                     started_at = excluded.started_at \
                   WHERE job_effects.done_at IS NULL AND NOT EXISTS (SELECT 1 FROM jobs AS holder \
                     WHERE holder.lease_token = job_effects.lease_token AND holder.state = 'running' AND holder.locked_until > $4) \
                   RETURNING effect_key";
    let done = "SELECT COUNT(*) FROM job_effects WHERE effect_key = $1 AND done_at IS NOT NULL";
    with_pool!(db.writer(), pool => {
        let reserved: Option<String> = sqlx::query_scalar(reserve)
            .bind(effect_key).bind(job_id).bind(lease_token).bind(now).fetch_optional(pool).await?;
        if reserved.is_some() {
            return Ok(Reservation::Reserved);
        }
        let done: i64 = sqlx::query_scalar(done).bind(effect_key).fetch_one(pool).await?;
        Ok(if done > 0 { Reservation::Done } else { Reservation::Busy })
    })
}

/// Marks the reserved side effect done.
pub async fn finish_effect(db: &Db, effect_key: &str, lease_token: &str, now: i64) -> sqlx::Result<bool> {
    let sql = "UPDATE job_effects SET done_at = $3 WHERE effect_key = $1 AND lease_token = $2";
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(effect_key).bind(lease_token).bind(now).execute(pool).await.map(|d| d.rows_affected() == 1))
}

/// Forgets side effects started before `before`: by then no job that could repeat them is kept.
pub async fn delete_effects_before(db: &Db, before: i64) -> sqlx::Result<u64> {
    let sql = "DELETE FROM job_effects WHERE started_at < $1";
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(before).execute(pool).await.map(|d| d.rows_affected()))
}

/// When the next job of `kinds` that [`claim`] could take falls due (a queued job's time, or a
/// running job's lease end), if any.
pub async fn next_due_at(db: &Db, kinds: &[&str]) -> sqlx::Result<Option<i64>> {
    let mut args = SqlArgs::default();
    let sql = format!(
        "SELECT MIN(COALESCE(locked_until, run_at)) FROM jobs \
         WHERE state IN ('queued', 'running') AND attempts < max_attempts AND kind IN ({})",
        kind_list(&mut args, kinds)
    );
    with_reader!(db.reader(), pool => bind_all!(sqlx::query_scalar(&sql), args).fetch_one(pool).await)
}

/// `kinds` as placeholders for an `IN (…)`; `NULL` for none, which matches nothing.
fn kind_list(args: &mut SqlArgs, kinds: &[&str]) -> String {
    if kinds.is_empty() {
        return "NULL".into();
    }
    kinds.iter().map(|kind| args.text(*kind)).collect::<Vec<_>>().join(", ")
}

/// The schedules that are due at `now`.
pub async fn due_schedules(db: &Db, now: i64) -> sqlx::Result<Vec<String>> {
    let sql = "SELECT name FROM job_schedules WHERE next_run_at <= $1";
    with_reader!(db.reader(), pool => sqlx::query_scalar(sql).bind(now).fetch_all(pool).await)
}

/// The newest job of `kind` that `user_id` asked for, if any.
pub async fn latest_requested(db: &Db, user_id: i64, kind: &str) -> sqlx::Result<Option<JobRow>> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE requested_by = $1 AND kind = $2 ORDER BY id DESC LIMIT 1");
    with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(user_id).bind(kind).fetch_optional(pool).await)
}
