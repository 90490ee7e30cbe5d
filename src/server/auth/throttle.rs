//! Slowing down password guessing: per account and per client address.
//!
//! Every attempt is counted under two keys *before* the password is checked. The attempt that
//! reaches a key's limit locks the key, first for `lockout_secs`, then twice as long for each
//! further attempt (up to a quarter of an hour), and only that attempt goes on to the check: so a
//! burst of parallel guesses gets one check per lock, not one each. While a key is locked every
//! attempt is refused with 429. A successful sign-in forgets the account's count; it only takes
//! back its own attempt from the client's, so signing into one's own account between guesses at
//! others' does not reset anything.

use crate::error::AppError;
use crate::server::{
    config::AuthConfig,
    db::{login_failures, Db},
};

/// Attempts older than this are forgotten (milliseconds, like every time here).
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
const MAX_LOCK_MS: i64 = 15 * 60 * 1000;

/// The two keys one sign-in attempt is counted under.
pub struct AttemptKeys {
    account: String,
    client: String,
}

impl AttemptKeys {
    pub fn new(email: &str, client: &str) -> Self {
        Self { account: format!("account:{email}"), client: format!("client:{client}") }
    }
}

/// An attempt that was let through to the password check.
pub struct Attempt {
    keys: AttemptKeys,
    locked_client: bool,
}

/// Counts an attempt and refuses it while either key is locked.
pub async fn begin(db: &Db, config: &AuthConfig, keys: AttemptKeys) -> Result<Attempt, AppError> {
    let now = now();
    lock_if_due(db, &keys.account, config.max_failed_logins, config.lockout_secs, now).await?;
    let locked_client =
        lock_if_due(db, &keys.client, config.max_failed_logins_per_client, config.lockout_secs, now).await?;
    Ok(Attempt { keys, locked_client })
}

/// The password was right: the account starts afresh, the client's count drops this attempt.
pub async fn succeeded(db: &Db, attempt: Attempt) -> Result<(), AppError> {
    login_failures::delete_failures(db, &attempt.keys.account).await?;
    login_failures::uncount_attempt(db, &attempt.keys.client, attempt.locked_client).await?;
    Ok(())
}

/// Counts one attempt under `key`; true when this attempt locked the key (it reached the limit).
async fn lock_if_due(db: &Db, key: &str, limit: u32, base_secs: u64, now: i64) -> Result<bool, AppError> {
    let (attempts, locked_until) = login_failures::count_attempt(db, key, now, now - WINDOW_MS).await?;
    if let Some(until) = locked_until.filter(|until| *until > now) {
        return Err(refused(until - now));
    }
    let Some(lock) = lock_ms(attempts, i64::from(limit), base_secs) else {
        return Ok(false);
    };
    if !login_failures::claim_lock(db, key, now + lock, now).await? {
        return Err(refused(lock));
    }
    tracing::warn!(attempts, lock_ms = lock, "sign-in locked after repeated attempts");
    Ok(true)
}

/// Refused for `ms` more milliseconds: the client is told the whole seconds to wait.
fn refused(ms: i64) -> AppError {
    AppError::RateLimited { retry_after_secs: (ms.max(1).unsigned_abs()).div_ceil(1000) }
}

/// How long the `attempts`-th attempt locks a key, if at all, in milliseconds.
fn lock_ms(attempts: i64, limit: i64, base_secs: u64) -> Option<i64> {
    let over = attempts - limit;
    (over >= 0).then(|| {
        let base = i64::try_from(base_secs.saturating_mul(1000)).unwrap_or(MAX_LOCK_MS);
        base.saturating_mul(1 << over.min(20)).min(MAX_LOCK_MS)
    })
}

fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::{lock_ms, refused};
    use crate::error::AppError;

    #[test]
    fn locks_start_at_the_limit_and_double_up_to_a_cap() {
        assert_eq!(lock_ms(4, 5, 30), None);
        assert_eq!(lock_ms(5, 5, 30), Some(30_000));
        assert_eq!(lock_ms(6, 5, 30), Some(60_000));
        assert_eq!(lock_ms(9, 5, 30), Some(480_000));
        assert_eq!(lock_ms(40, 5, 30), Some(900_000));
    }

    #[test]
    fn clients_are_told_whole_seconds() {
        assert_eq!(refused(1), AppError::RateLimited { retry_after_secs: 1 });
        assert_eq!(refused(1001), AppError::RateLimited { retry_after_secs: 2 });
    }
}
