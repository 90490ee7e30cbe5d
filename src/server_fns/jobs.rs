//! The back office's view of the task queue: the list (which the jobs page also polls while open)
//! and an admin's retry or cancel. Admins only, checked here and again in the service.

use crate::error::AppError;
use crate::model::jobs::JobsPage;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::server::{http::guard, services::jobs};

/// One page of jobs, newest first: of one `state` (its name) if given, older than the job `before`.
#[server(prefix = "/rpc", endpoint = "admin/jobs", input = GetUrl)]
pub async fn admin_jobs(state: Option<String>, before: Option<i64>) -> Result<JobsPage, AppError> {
    let app = super::app_state()?;
    let user = guard::signed_in_admin()?;
    let state = match state.as_deref().filter(|s| !s.is_empty()) {
        Some(name) => Some(
            crate::model::jobs::JobState::parse(name)
                .ok_or_else(|| AppError::BadRequest("unknown job state".into()))?,
        ),
        None => None,
    };
    jobs::list(&app.db, &user, state, before).await
}

/// Queues a dead or cancelled job again, then back to the list (where it came from).
#[server(prefix = "/rpc", endpoint = "admin/jobs/retry")]
pub async fn retry_job(id: i64, return_to: Option<String>) -> Result<bool, AppError> {
    let app = super::app_state()?;
    let user = guard::signed_in_admin()?;
    let retried = jobs::retry(&app.db, &user, id).await?;
    super::redirect_plain_form(&super::back_office_path(return_to, crate::model::paths::ADMIN_JOBS));
    Ok(retried)
}

/// Cancels a queued or running job, then back to the list.
#[server(prefix = "/rpc", endpoint = "admin/jobs/cancel")]
pub async fn cancel_job(id: i64, return_to: Option<String>) -> Result<bool, AppError> {
    let app = super::app_state()?;
    let user = guard::signed_in_admin()?;
    let cancelled = jobs::cancel(&app.db, &user, id).await?;
    super::redirect_plain_form(&super::back_office_path(return_to, crate::model::paths::ADMIN_JOBS));
    Ok(cancelled)
}
