//! Password hashing with argon2id.
//!
//! Hashing is deliberately slow (tens of milliseconds) and takes 19 MiB, so it runs on the
//! blocking pool, where it cannot stall the async workers serving other requests, and only a few
//! at a time: a flood of sign-ins must queue, not exhaust the memory.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};

/// OWASP's minimum for argon2id: 19 MiB of memory, two passes, one lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// At most this many hashes run at once: two per core.
fn permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        tokio::sync::Semaphore::new(2 * cores)
    })
}

/// Hashes `plain` into a PHC string (algorithm, parameters and salt included).
pub async fn hash(plain: String) -> anyhow::Result<String> {
    let _permit = permits().acquire().await?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(plain.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("cannot hash a password: {e}"))
    })
    .await?
}

/// True when `plain` matches the stored PHC hash; a malformed hash never matches.
pub async fn verify(plain: String, stored_hash: String) -> bool {
    let Ok(_permit) = permits().acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored_hash).is_ok_and(|parsed| hasher().verify_password(plain.as_bytes(), &parsed).is_ok())
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_salted_argon2id_and_verify() {
        let first = hash("changeme".into()).await.unwrap();
        let second = hash("changeme".into()).await.unwrap();
        assert!(first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{first}");
        assert_ne!(first, second, "each hash has its own salt");
        assert!(verify("changeme".into(), first.clone()).await);
        assert!(!verify("wrong".into(), first).await);
        assert!(!verify("changeme".into(), "not a hash".into()).await);
    }
}
