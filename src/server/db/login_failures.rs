//! Sign-in attempts, counted per key in the database so every node sees the same counts.
//! Times are Unix milliseconds.

use super::{with_pool, with_reader, Db};

/// Counts one more attempt (restarting the count when the last one is older than `fresh_since`)
/// and returns the count, unless the key is locked at `now`: then nothing is counted and `None`
/// comes back. One statement, so concurrent attempts are all counted and none slips past a lock.
pub async fn count_attempt(db: &Db, key: &str, now: i64, fresh_since: i64) -> sqlx::Result<Option<i64>> {
    let sql = "INSERT INTO login_failures (key, failures, last_failed_at) VALUES ($1, 1, $2) \
               ON CONFLICT (key) DO UPDATE SET \
                 failures = CASE WHEN login_failures.last_failed_at < $3 THEN 1 ELSE login_failures.failures + 1 END, \
                 last_failed_at = $2 \
               WHERE COALESCE(login_failures.locked_until, 0) <= $2 \
               RETURNING failures";
    with_pool!(db.writer(), pool => sqlx::query_scalar(sql).bind(key).bind(now).bind(fresh_since).fetch_optional(pool).await)
}

/// The latest lock among `keys` still in force at `now`, if any.
pub async fn locked_until(db: &Db, keys: [&str; 2], now: i64) -> sqlx::Result<Option<i64>> {
    let sql = "SELECT MAX(locked_until) FROM login_failures WHERE key IN ($1, $2) AND locked_until > $3";
    with_pool!(db.writer(), pool => sqlx::query_scalar(sql).bind(keys[0]).bind(keys[1]).bind(now).fetch_one(pool).await)
}

/// The number of attempts counted under `key` (for tests and the back office).
pub async fn attempts(db: &Db, key: &str) -> sqlx::Result<i64> {
    let sql = "SELECT COALESCE(MAX(failures), 0) FROM login_failures WHERE key = $1";
    with_reader!(db.reader(), pool => sqlx::query_scalar(sql).bind(key).fetch_one(pool).await)
}

/// Locks the key until `until` unless it is already locked at `now`; true when this call locked
/// it. Of concurrent callers exactly one wins.
pub async fn claim_lock(db: &Db, key: &str, until: i64, now: i64) -> sqlx::Result<bool> {
    let sql = "UPDATE login_failures SET locked_until = $2 \
               WHERE key = $1 AND COALESCE(locked_until, 0) <= $3 RETURNING key";
    let claimed: Option<String> = with_pool!(db.writer(), pool => sqlx::query_scalar(sql).bind(key).bind(until).bind(now).fetch_optional(pool).await)?;
    Ok(claimed.is_some())
}

/// Takes back one counted attempt, and the lock it claimed (ending at `claimed_lock`), if any. A
/// later, longer lock that someone else's attempt put in its place stays.
pub async fn uncount_attempt(db: &Db, key: &str, claimed_lock: Option<i64>) -> sqlx::Result<()> {
    let sql = "UPDATE login_failures SET failures = failures - 1, \
                 locked_until = CASE WHEN locked_until = $2 THEN NULL ELSE locked_until END \
               WHERE key = $1 AND failures > 0";
    // -1 matches no lock: times are positive.
    let claimed = claimed_lock.unwrap_or(-1);
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(key).bind(claimed).execute(pool).await.map(|d| d.rows_affected()))?;
    Ok(())
}

pub async fn delete_failures(db: &Db, key: &str) -> sqlx::Result<()> {
    let sql = "DELETE FROM login_failures WHERE key = $1";
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(key).execute(pool).await.map(|d| d.rows_affected()))?;
    Ok(())
}

/// Forgets keys whose last attempt is older than `stale_before` and that are not locked at `now`.
pub async fn delete_stale(db: &Db, stale: Staleness, now: i64) -> sqlx::Result<u64> {
    let sql = "DELETE FROM login_failures WHERE COALESCE(locked_until, 0) <= $3 AND \
               CASE WHEN key LIKE 'signup:%' OR key LIKE 'reset:%' THEN last_failed_at < $2 ELSE last_failed_at < $1 END";
    with_pool!(db.writer(), pool => sqlx::query(sql)
        .bind(stale.sign_in_before)
        .bind(stale.sign_up_before)
        .bind(now)
        .execute(pool)
        .await
        .map(|d| d.rows_affected()))
}

/// When a count stops mattering: sign-in failures and the hourly counts (sign-ups, requests for a
/// password reset link) have windows of their own, and an hourly count deleted early would hand
/// its client a fresh hour.
#[derive(Clone, Copy, Debug)]
pub struct Staleness {
    pub sign_in_before: i64,
    pub sign_up_before: i64,
}
