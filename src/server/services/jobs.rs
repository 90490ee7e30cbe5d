//! The task queue as the back office uses it: what is queued, running, done or dead, and an
//! admin's retry or cancel. Only admins; the role is checked here, whatever the face.

use crate::error::{AppError, Entity};
use crate::model::{jobs::JobState, User};
use crate::server::db::{self, jobs::JobRow, Db};

/// Jobs on one page of the back office's list.
pub const JOBS_PER_PAGE: i64 = 50;

/// One page of jobs, newest first, optionally of one state, older than the job `before`.
pub async fn list(
    db: &Db,
    actor: &User,
    state: Option<JobState>,
    before: Option<i64>,
) -> Result<Vec<JobRow>, AppError> {
    super::ensure_admin(actor)?;
    Ok(db::jobs::list(db, state, before, JOBS_PER_PAGE).await?)
}

/// How many jobs are in each state.
pub async fn counts(db: &Db, actor: &User) -> Result<Vec<(JobState, i64)>, AppError> {
    super::ensure_admin(actor)?;
    let counts = db::jobs::count_by_state(db).await?;
    Ok(JobState::ALL
        .iter()
        .map(|state| {
            let count = counts.iter().find(|(name, _)| name == state.as_str()).map_or(0, |(_, n)| *n);
            (*state, count)
        })
        .collect())
}

/// Queues a dead or cancelled job again with fresh attempts. False when it is in another state
/// (or its work is already queued again under the same key): nothing changed.
pub async fn retry(db: &Db, actor: &User, id: i64) -> Result<bool, AppError> {
    super::ensure_admin(actor)?;
    existing(db, id).await?;
    Ok(db::jobs::retry(db, id, chrono::Utc::now().timestamp_millis()).await?)
}

/// Cancels a queued or running job. False when it had already finished: nothing changed.
pub async fn cancel(db: &Db, actor: &User, id: i64) -> Result<bool, AppError> {
    super::ensure_admin(actor)?;
    existing(db, id).await?;
    Ok(db::jobs::cancel(db, id, chrono::Utc::now().timestamp_millis()).await?)
}

async fn existing(db: &Db, id: i64) -> Result<JobRow, AppError> {
    db::jobs::find(db, id).await?.ok_or(AppError::missing_id(Entity::Job, id))
}
