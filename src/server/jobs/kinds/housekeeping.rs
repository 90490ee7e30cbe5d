//! Deletes what has expired: sessions, guest carts whose sessions are gone, forgotten sign-in
//! failures, spent refresh tokens, expired password reset links, uploads nothing shows (product
//! images and account pictures), and finished jobs past their keeping time. Without it these
//! tables (and the upload folders) would only grow. It runs as scheduled work, so one node does it
//! each time, not every node.

use crate::server::{
    jobs::handler::{Handler, JobContext, JobError, JobSpec},
    services::housekeeping,
};
use async_trait::async_trait;
use std::time::Duration;

pub const SPEC: JobSpec = JobSpec { kind: "housekeeping", max_attempts: 3, time_limit: Duration::from_secs(5 * 60) };

/// How often it runs.
pub const EVERY: Duration = Duration::from_secs(10 * 60);

pub struct Housekeeping;

#[async_trait]
impl Handler for Housekeeping {
    fn spec(&self) -> JobSpec {
        SPEC
    }

    async fn run(&self, job: &JobContext) -> Result<(), JobError> {
        let env = &job.env;
        let session_idle =
            chrono::Duration::minutes(i64::try_from(env.config.auth.session_idle_mins).unwrap_or(i64::MAX / 60_000));
        housekeeping::sweep(&env.db, &env.sessions, session_idle).await;
        job.progress(50, "sessions, carts, sign-in counts and tokens swept").await?;
        housekeeping::sweep_files_and_jobs(&env.db, &env.config).await?;
        Ok(())
    }
}
