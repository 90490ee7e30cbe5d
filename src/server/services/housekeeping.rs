//! Deleting what has expired, so tables and folders do not only grow: run by the scheduled
//! `housekeeping` job (`jobs::kinds::housekeeping`).

use crate::server::{
    auth::{session::DbSessionStore, throttle},
    db::{carts, jobs, login_failures, password_resets, refresh_tokens, Db},
    media::{
        product_images,
        sweep::{self, Uploads},
    },
};
use tower_sessions::session_store::ExpiredDeletion;

/// How long a picture file may sit unshown: it is written a moment before the account names it.
const PICTURES_GRACE: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// How long finished jobs stay listed in the back office.
const FINISHED_JOBS_KEPT: chrono::Duration = chrono::Duration::days(30);

/// One sweep of the account tables; a failure is logged and left for the next sweep.
pub async fn sweep(db: &Db, sessions: &DbSessionStore, session_idle: chrono::Duration) {
    if let Err(error) = sessions.delete_expired().await {
        tracing::warn!(%error, "cannot delete expired sessions");
    }
    if let Err(error) = carts::delete_stale_guest_carts(db, chrono::Utc::now() - session_idle).await {
        tracing::warn!(%error, "cannot delete abandoned guest carts");
    }
    let now_ms = chrono::Utc::now().timestamp_millis();
    let stale = login_failures::Staleness {
        sign_in_before: now_ms - throttle::WINDOW_MS,
        sign_up_before: now_ms - throttle::SIGN_UP_WINDOW_MS,
    };
    if let Err(error) = login_failures::delete_stale(db, stale, now_ms).await {
        tracing::warn!(%error, "cannot delete stale sign-in failures");
    }
    if let Err(error) = refresh_tokens::delete_expired(db, now_ms / 1000).await {
        tracing::warn!(%error, "cannot delete expired refresh tokens");
    }
    if let Err(error) = password_resets::delete_expired(db, now_ms).await {
        tracing::warn!(%error, "cannot delete expired password reset links");
    }
}

/// Deletes uploads nothing shows (product images unused for a day, pictures for an hour), expired
/// downloads, finished jobs past their keeping time, and the records of side effects long past.
pub async fn sweep_files_and_jobs(db: &Db, config: &crate::server::config::Config) -> sqlx::Result<()> {
    let dirs = (config.media.dir.as_path(), config.media.private_dir.as_path());
    sweep::sweep_unused(db, dirs, Uploads::ProductImages, product_images::UNUSED_GRACE).await;
    sweep::sweep_unused(db, dirs, Uploads::Pictures, PICTURES_GRACE).await;
    super::downloads::sweep(db, config).await?;
    let kept_since = chrono::Utc::now() - FINISHED_JOBS_KEPT;
    jobs::delete_finished_before(db, kept_since.timestamp_millis()).await?;
    // A side effect's key guards against a job delivered twice; once no job that could repeat it
    // is kept (and a while more), it guards nothing.
    jobs::delete_effects_before(db, (kept_since - FINISHED_JOBS_KEPT).timestamp_millis()).await?;
    Ok(())
}
