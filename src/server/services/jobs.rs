//! The task queue as the back office uses it: what is queued, running, done or dead, and an
//! admin's retry or cancel. Only admins; the role is checked here, whatever the face.

use crate::error::{AppError, Entity};
use crate::model::jobs::{JobState, JobView, JobsPage, JOBS_PER_PAGE};
use crate::model::User;
use crate::server::db::{self, jobs::JobRow, Db};
use crate::server::text::{now_ms, rfc3339_ms};

/// One page of jobs, newest first, optionally of one state, older than the job `before`.
pub async fn list(db: &Db, actor: &User, state: Option<JobState>, before: Option<i64>) -> Result<JobsPage, AppError> {
    super::ensure_admin(actor)?;
    // One more than a page tells whether an older page exists.
    let mut rows = db::jobs::list(db, state, before, JOBS_PER_PAGE + 1).await?;
    let more = rows.len() > usize::try_from(JOBS_PER_PAGE).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(JOBS_PER_PAGE).unwrap_or(usize::MAX));
    let next_before = if more { rows.last().map(|row| row.id) } else { None };
    let counts = db::jobs::count_by_state(db).await?;
    let counts = JobState::ALL
        .iter()
        .map(|state| (*state, counts.iter().find(|(name, _)| name == state.as_str()).map_or(0, |(_, n)| *n)))
        .collect();
    Ok(JobsPage { jobs: rows.into_iter().filter_map(view).collect(), counts, state, next_before })
}

/// Queues a dead or cancelled job again with fresh attempts. False when it is in another state
/// (or its work is already queued again under the same key): nothing changed.
pub async fn retry(db: &Db, actor: &User, id: i64) -> Result<bool, AppError> {
    super::ensure_admin(actor)?;
    existing(db, id).await?;
    Ok(db::jobs::retry(db, id, now_ms()).await?)
}

/// Cancels a queued or running job. False when it had already finished: nothing changed.
pub async fn cancel(db: &Db, actor: &User, id: i64) -> Result<bool, AppError> {
    super::ensure_admin(actor)?;
    existing(db, id).await?;
    Ok(db::jobs::cancel(db, id, now_ms()).await?)
}

async fn existing(db: &Db, id: i64) -> Result<JobRow, AppError> {
    db::jobs::find(db, id).await?.ok_or(AppError::missing_id(Entity::Job, id))
}

/// The row as the back office shows it (a state this release does not know is left out).
fn view(row: JobRow) -> Option<JobView> {
    Some(JobView {
        state: row.state()?,
        id: row.id,
        kind: row.kind,
        attempts: row.attempts,
        max_attempts: row.max_attempts,
        progress_percent: row.progress_percent,
        progress_message: row.progress_message,
        last_error: row.last_error,
        created_at: rfc3339_ms(row.created_at),
        run_at: rfc3339_ms(row.run_at),
        finished_at: row.finished_at.map(rfc3339_ms),
    })
}
