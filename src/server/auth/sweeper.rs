//! Deletes what has expired: sessions, guest carts whose sessions are gone, forgotten sign-in
//! failures, spent refresh tokens, and uploaded images no product ever used. Without it these
//! tables (and the upload folder) would only grow.

use super::session::DbSessionStore;
use crate::server::db::{carts, login_failures, refresh_tokens, Db};
use crate::server::media::product_images;
use tower_sessions::session_store::ExpiredDeletion;

const EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Sweeps now and every ten minutes, for as long as the server runs. `session_idle` is how long
/// an untouched session lives: a guest cart untouched that long has no session left to reach it.
pub fn spawn(
    db: Db,
    sessions: DbSessionStore,
    media_dir: std::path::PathBuf,
    session_idle: chrono::Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            sweep(&db, &sessions, session_idle).await;
            product_images::sweep_unused(&db, &media_dir, product_images::UNUSED_GRACE).await;
        }
    })
}

/// One sweep; failures are logged and retried at the next one.
pub async fn sweep(db: &Db, sessions: &DbSessionStore, session_idle: chrono::Duration) {
    if let Err(error) = sessions.delete_expired().await {
        tracing::warn!(%error, "cannot delete expired sessions");
    }
    if let Err(error) = carts::delete_stale_guest_carts(db, chrono::Utc::now() - session_idle).await {
        tracing::warn!(%error, "cannot delete abandoned guest carts");
    }
    let now_ms = chrono::Utc::now().timestamp_millis();
    let stale = login_failures::Staleness {
        sign_in_before: now_ms - super::throttle::WINDOW_MS,
        sign_up_before: now_ms - super::throttle::SIGN_UP_WINDOW_MS,
    };
    if let Err(error) = login_failures::delete_stale(db, stale, now_ms).await {
        tracing::warn!(%error, "cannot delete stale sign-in failures");
    }
    if let Err(error) = refresh_tokens::delete_expired(db, now_ms / 1000).await {
        tracing::warn!(%error, "cannot delete expired refresh tokens");
    }
}
