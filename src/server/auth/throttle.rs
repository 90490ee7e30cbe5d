//! Slowing down password guessing: per account and per client address.
//!
//! Each failed sign-in is counted under two keys. Once a key reaches its limit it is locked, first
//! for `lockout_secs`, then twice as long with each further failure (up to a quarter of an hour);
//! every attempt while locked is refused with 429 before any password is checked. A successful
//! sign-in clears both keys.

use crate::error::AppError;
use crate::server::{
    config::AuthConfig,
    db::{login_failures, Db},
};

/// Failures older than this are forgotten.
const WINDOW_SECS: i64 = 15 * 60;
const MAX_LOCK_SECS: i64 = 15 * 60;

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

/// Refuses the attempt while either key is locked.
pub async fn check(db: &Db, keys: &AttemptKeys) -> Result<(), AppError> {
    let now = now();
    for key in [&keys.account, &keys.client] {
        if let Some(until) = login_failures::select_locked_until(db, key).await? {
            if until > now {
                return Err(AppError::RateLimited { retry_after_secs: (until - now).unsigned_abs() });
            }
        }
    }
    Ok(())
}

/// Counts a failed attempt and locks a key that reached its limit.
pub async fn record_failure(db: &Db, config: &AuthConfig, keys: &AttemptKeys) -> Result<(), AppError> {
    let now = now();
    let limits = [(&keys.account, config.max_failed_logins), (&keys.client, config.max_failed_logins_per_client)];
    for (key, limit) in limits {
        let failures = login_failures::count_failure(db, key, now, now - WINDOW_SECS).await?;
        if let Some(lock) = lock_secs(failures, i64::from(limit), config.lockout_secs) {
            login_failures::lock_until(db, key, now + lock).await?;
            tracing::warn!(failures, lock_secs = lock, "sign-in locked after repeated failures");
        }
    }
    Ok(())
}

/// Forgets the failures of both keys.
pub async fn record_success(db: &Db, keys: &AttemptKeys) -> Result<(), AppError> {
    login_failures::delete_failures(db, &keys.account).await?;
    login_failures::delete_failures(db, &keys.client).await?;
    Ok(())
}

/// How long to lock a key after its `failures`-th failure, if at all.
fn lock_secs(failures: i64, limit: i64, base_secs: u64) -> Option<i64> {
    let over = failures - limit;
    (over >= 0).then(|| {
        let base = i64::try_from(base_secs).unwrap_or(MAX_LOCK_SECS);
        base.saturating_mul(1 << over.min(20)).min(MAX_LOCK_SECS)
    })
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    use super::lock_secs;

    #[test]
    fn locks_start_at_the_limit_and_double_up_to_a_cap() {
        assert_eq!(lock_secs(4, 5, 30), None);
        assert_eq!(lock_secs(5, 5, 30), Some(30));
        assert_eq!(lock_secs(6, 5, 30), Some(60));
        assert_eq!(lock_secs(9, 5, 30), Some(480));
        assert_eq!(lock_secs(40, 5, 30), Some(900));
    }
}
