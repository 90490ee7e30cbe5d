//! Failed sign-ins, counted per key in the database so every node sees the same counts.
//! Times are Unix seconds.

use super::{with_pool, Db};

/// When the key is locked until, if it is.
pub async fn select_locked_until(db: &Db, key: &str) -> sqlx::Result<Option<i64>> {
    let sql = "SELECT locked_until FROM login_failures WHERE key = $1";
    let row: Option<Option<i64>> =
        with_pool!(db.reader(), pool => sqlx::query_scalar(sql).bind(key).fetch_optional(pool).await)?;
    Ok(row.flatten())
}

/// Counts one more failure (restarting the count when the last one is older than `fresh_since`)
/// and returns the count. One statement, so concurrent failures are all counted.
pub async fn count_failure(db: &Db, key: &str, now: i64, fresh_since: i64) -> sqlx::Result<i64> {
    let sql = "INSERT INTO login_failures (key, failures, last_failed_at) VALUES ($1, 1, $2) \
               ON CONFLICT (key) DO UPDATE SET \
                 failures = CASE WHEN login_failures.last_failed_at < $3 THEN 1 ELSE login_failures.failures + 1 END, \
                 last_failed_at = $2 \
               RETURNING failures";
    with_pool!(db.writer(), pool => sqlx::query_scalar(sql).bind(key).bind(now).bind(fresh_since).fetch_one(pool).await)
}

pub async fn lock_until(db: &Db, key: &str, until: i64) -> sqlx::Result<()> {
    let sql = "UPDATE login_failures SET locked_until = $2 WHERE key = $1";
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(key).bind(until).execute(pool).await.map(|done| done.rows_affected()))?;
    Ok(())
}

pub async fn delete_failures(db: &Db, key: &str) -> sqlx::Result<()> {
    with_pool!(db.writer(), pool => sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key).execute(pool).await.map(|done| done.rows_affected()))?;
    Ok(())
}
