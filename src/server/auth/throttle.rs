//! Slowing down password guessing: per client address, and per account as guessed from one client.
//!
//! Every attempt is counted under two keys *before* the password is checked: the client (across
//! all accounts, so spraying one password over many accounts is slowed) and the pair of account
//! and client (so one client guessing at one account is slowed). The attempt that reaches a key's
//! limit locks the key, first for `lockout_secs`, then twice as long for each further attempt (up
//! to a quarter of an hour), and only that attempt goes on to the check: so a burst of parallel
//! guesses gets one check per lock, not one each.
//!
//! While a key is locked every attempt through it is refused with 429 and counts for nothing, so a
//! guesser cannot keep a lock alive by knocking on it. The account's lock is the guessing client's
//! alone: the owner signing in from another address gets in while the guesser stays locked out
//! (one lock for everyone would let anyone lock anyone out). A successful sign-in forgets the
//! pair's count; it only takes back its own attempt from the client's, so signing into one's own
//! account between guesses at others' does not reset anything.

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
        Self { account: account_key(email, client), client: client_key(client) }
    }
}

/// The key of `email` as guessed from `client`.
pub fn account_key(email: &str, client: &str) -> String {
    format!("account:{email} from:{client}")
}

pub fn client_key(client: &str) -> String {
    format!("client:{client}")
}

/// An attempt that was let through to the password check.
pub struct Attempt {
    keys: AttemptKeys,
    /// The lock this attempt put on the client, if it reached the client's limit.
    client_lock: Option<i64>,
}

/// Counts an attempt and refuses it while either key is locked. A refused attempt is not counted.
pub async fn begin(db: &Db, config: &AuthConfig, keys: AttemptKeys) -> Result<Attempt, AppError> {
    let now = now();
    if let Some(until) = login_failures::locked_until(db, [&keys.client, &keys.account], now).await? {
        return Err(refused(until - now));
    }
    let client_lock = count(db, &keys.client, config.max_failed_logins_per_client, config.lockout_secs, now).await?;
    if let Err(refusal) = count(db, &keys.account, config.max_failed_logins, config.lockout_secs, now).await {
        // Refused after all (a parallel attempt locked the pair): the client's count takes it back.
        login_failures::uncount_attempt(db, &keys.client, client_lock).await?;
        return Err(refusal);
    }
    Ok(Attempt { keys, client_lock })
}

/// The password was right: the pair starts afresh, the client's count drops this attempt.
pub async fn succeeded(db: &Db, attempt: Attempt) -> Result<(), AppError> {
    login_failures::delete_failures(db, &attempt.keys.account).await?;
    login_failures::uncount_attempt(db, &attempt.keys.client, attempt.client_lock).await?;
    Ok(())
}

/// Counts one attempt under `key`; the lock's end when this attempt locked the key (it reached
/// the limit). An attempt that finds the key locked, or loses the race to lock it, is refused
/// uncounted.
async fn count(db: &Db, key: &str, limit: u32, base_secs: u64, now: i64) -> Result<Option<i64>, AppError> {
    let Some(attempts) = login_failures::count_attempt(db, key, now, now - WINDOW_MS).await? else {
        let until = login_failures::locked_until(db, [key, key], now).await?.unwrap_or(now);
        return Err(refused(until - now));
    };
    let Some(lock) = lock_ms(attempts, i64::from(limit), base_secs) else {
        return Ok(None);
    };
    if !login_failures::claim_lock(db, key, now + lock, now).await? {
        login_failures::uncount_attempt(db, key, None).await?;
        return Err(refused(lock));
    }
    tracing::warn!(attempts, lock_ms = lock, "sign-in locked after repeated attempts");
    Ok(Some(now + lock))
}

/// How long sign-ups are counted per client, and how long a client over the limit waits.
pub const SIGN_UP_WINDOW_MS: i64 = 60 * 60 * 1000;

/// Counts a sign-up from `client` and refuses it (429) when the client has made more than
/// `per_hour` within the hour. Counted in the database, so every node sees the same count.
pub async fn sign_up(db: &Db, client: &str, per_hour: u32) -> Result<(), AppError> {
    hourly(db, format!("signup:{client}"), per_hour, "sign-ups").await
}

/// Counts a request for a password reset link from `client`, as [`sign_up`] counts sign-ups: each
/// one can send an e-mail, to anyone's address.
pub async fn password_reset_request(db: &Db, client: &str, per_hour: u32) -> Result<(), AppError> {
    hourly(db, format!("reset:{client}"), per_hour, "password reset requests").await
}

/// Counts one attempt under `key` (whose count lapses after [`SIGN_UP_WINDOW_MS`]) and refuses
/// it once more than `per_hour` were made; `what` names them in the log.
async fn hourly(db: &Db, key: String, per_hour: u32, what: &str) -> Result<(), AppError> {
    let now = now();
    let Some(attempts) = login_failures::count_attempt(db, &key, now, now - SIGN_UP_WINDOW_MS).await? else {
        let until = login_failures::locked_until(db, [&key, &key], now).await?.unwrap_or(now);
        return Err(refused(until - now));
    };
    if attempts > i64::from(per_hour) {
        // Locked for the whole window: by then the count has lapsed, and the client starts afresh.
        login_failures::claim_lock(db, &key, now + SIGN_UP_WINDOW_MS, now).await?;
        tracing::warn!(attempts, "{what} refused for a client over its hourly limit");
        return Err(refused(SIGN_UP_WINDOW_MS));
    }
    Ok(())
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
