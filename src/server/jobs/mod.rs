//! The task queue: work that must not run inside a request (e-mails, exports, housekeeping) is
//! queued as a row in the store's own database and run by workers, in `tienda serve` beside the
//! web server or alone in `tienda worker` (the dedicated task server).
//!
//! - `handler`: what a job kind implements, and what it gets while it runs;
//! - `worker`: claiming with a lease, heartbeats, retries with backoff, the dead state, shutdown;
//! - `schedules`: work that fires once per period across all nodes;
//! - `kinds/`: one file per job kind.
//!
//! The SQL is `db::jobs`; docs/jobs.md tells the whole story.

pub mod handler;
pub mod kinds;
pub mod results;
pub mod schedules;
pub mod worker;

pub use handler::{Handler, JobContext, JobEnv, JobError, JobSpec, Registry};
pub use worker::{WorkerSettings, Workers};

use crate::server::db::{jobs as queue, Db};

/// Queues a job of `spec`'s kind with `input`, to run as soon as a worker is free. With a
/// `dedupe_key`, while a job with that key is queued or running, the same job is returned
/// instead of a second one.
pub async fn enqueue(
    db: &Db,
    spec: JobSpec,
    input: &impl serde::Serialize,
    dedupe_key: Option<&str>,
    requested_by: Option<i64>,
) -> sqlx::Result<queue::Enqueued> {
    let payload = serde_json::to_string(input).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let now = crate::server::text::now_ms();
    let job = queue::NewJob {
        kind: spec.kind,
        payload: &payload,
        dedupe_key,
        max_attempts: spec.max_attempts,
        run_at: now,
        requested_by,
    };
    queue::enqueue(db, &job, now).await
}
