//! Workers: each claims a due job, runs it while renewing its lease, and records how it ended.
//!
//! A job runs on a task of its own, so a panic in a handler is caught (as a failed attempt) and a
//! handler that overruns its time, loses its lease or is cancelled can be stopped. At shutdown the
//! workers stop claiming; a running job gets the grace period to finish, then goes back to the
//! queue for another worker.

use super::{
    handler::{Handler, JobContext, JobEnv, JobError, Registry},
    schedules::{self, Schedule},
};
use crate::model::jobs::{retry_delay_ms, truncated, LAST_ERROR_MAX_CHARS};
use crate::server::{
    config::JobsConfig,
    db::jobs as queue,
    text::{now_ms, random_hex},
};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use std::{sync::Arc, time::Duration};
use tokio::{sync::watch, task::JoinHandle, time::Instant};

/// The longest wait before a failed job's next attempt, however many attempts it has had.
const RETRY_CAP_MS: u64 = 60 * 60 * 1000;

/// The longest any one queue statement may take (a lock wait, a database gone quiet) before the
/// worker gives up on it and carries on as if it had failed.
const STATEMENT_LIMIT: Duration = Duration::from_secs(10);

/// How long an aborted handler has to stop before its outcome is recorded anyway.
const ABORT_WAIT: Duration = Duration::from_secs(2);

/// How the workers behave, from the `[jobs]` settings.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub workers: usize,
    pub poll: Duration,
    pub lease: Duration,
    pub retry_base_ms: u64,
    pub shutdown_grace: Duration,
}

impl WorkerSettings {
    pub fn new(config: &JobsConfig, workers: usize) -> Self {
        Self {
            workers,
            poll: Duration::from_millis(config.poll_ms),
            lease: Duration::from_secs(config.lease_secs),
            retry_base_ms: config.retry_base_ms,
            shutdown_grace: Duration::from_secs(config.shutdown_grace_secs),
        }
    }
}

/// Running workers (and the schedule keeper beside them).
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    grace: Duration,
}

/// Starts `settings.workers` workers for the kinds in `registry`, and the keeper that queues
/// `schedules` when they fall due.
pub fn start(env: JobEnv, registry: Registry, schedules: Vec<Schedule>, settings: WorkerSettings) -> Workers {
    let (stop, stopping) = watch::channel(false);
    let registry = Arc::new(registry);
    let settings = Arc::new(settings);
    let mut tasks = Vec::with_capacity(settings.workers + 1);
    if settings.workers > 0 {
        tasks.push(tokio::spawn(schedules::keep(env.clone(), schedules, settings.clone(), stopping.clone())));
    }
    for _ in 0..settings.workers {
        let kinds = registry.kinds();
        let worker = Worker { env: env.clone(), registry: registry.clone(), kinds, settings: settings.clone() };
        tasks.push(tokio::spawn(worker.work(stopping.clone())));
    }
    Workers { stop, tasks, grace: settings.shutdown_grace }
}

impl Workers {
    /// Stops claiming jobs and waits for the running ones to finish or be handed back: at most the
    /// grace period and the time to record how they ended.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let deadline = Instant::now() + self.grace + STATEMENT_LIMIT + ABORT_WAIT;
        for mut task in self.tasks {
            if tokio::time::timeout_at(deadline, &mut task).await.is_err() {
                tracing::warn!("a job worker did not stop in time; abandoning it (its job's lease will run out)");
                task.abort();
            }
        }
    }
}

struct Worker {
    env: JobEnv,
    registry: Arc<Registry>,
    kinds: Vec<&'static str>,
    settings: Arc<WorkerSettings>,
}

/// How an attempt ended, as far as the queue is concerned.
enum Ending {
    Finished(Result<(), JobError>),
    /// Shutdown came and the grace period passed: back to the queue, the attempt not counted.
    HandedBack,
    /// Another worker holds the job now, or an admin cancelled it: nothing to record.
    LeaseLost,
}

/// What a worker found when it looked for a due job.
enum Turn {
    /// It ran one.
    Ran,
    /// None was due; the queue's next job falls due at this time (ms), if any. Read in the same
    /// look, so an idle worker reads the queue once per poll.
    Idle(Option<i64>),
}

impl Worker {
    async fn work(self, mut stopping: watch::Receiver<bool>) {
        while !*stopping.borrow() {
            let wait = match self.claim_and_run(&mut stopping).await {
                Ok(Turn::Ran) => continue,
                Ok(Turn::Idle(next_due)) => self.until(next_due),
                Err(error) => {
                    tracing::warn!(%error, "the job queue cannot be read; trying again");
                    self.settings.poll
                }
            };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                // An error means the `Workers` handle is gone: nobody can stop us any more, so stop.
                changed = stopping.changed() => if changed.is_err() { return },
            }
        }
    }

    /// How long to sleep: until the next job falls due, but at least a moment and at most a poll.
    fn until(&self, next_due: Option<i64>) -> Duration {
        let poll = self.settings.poll;
        match next_due {
            Some(at) => {
                let ms = u64::try_from(at - now_ms()).unwrap_or(0);
                Duration::from_millis(ms).clamp(Duration::from_millis(10), poll)
            }
            None => poll,
        }
    }

    /// Claims a due job and runs it, or says when the next one falls due.
    async fn claim_and_run(&self, stopping: &mut watch::Receiver<bool>) -> Result<Turn, sqlx::Error> {
        let due = bounded(queue::next_due_at(&self.env.db, &self.kinds)).await?;
        if due.is_none_or(|at| at > now_ms()) {
            return Ok(Turn::Idle(due));
        }
        let token = random_hex();
        let now = now_ms();
        let lease_ends = now + millis(self.settings.lease);
        let Some(claimed) = bounded(queue::claim(&self.env.db, &self.kinds, &token, now, lease_ends)).await? else {
            // Another worker took it first: look again in a moment.
            return Ok(Turn::Idle(Some(now)));
        };
        let context = JobContext {
            env: self.env.clone(),
            id: claimed.id,
            attempt: claimed.attempts,
            payload: claimed.payload,
            lease_token: token.clone(),
        };
        let ending = match self.registry.get(&claimed.kind) {
            Some(handler) => self.run(handler, context, stopping).await,
            // A node of an older release may meet a kind it does not know: another node may.
            None => {
                Ending::Finished(Err(JobError::Transient(format!("no handler for jobs of kind {:?}", claimed.kind))))
            }
        };
        let retry_left = claimed.attempts < claimed.max_attempts;
        self.record(claimed.id, &token, retry_left.then_some(claimed.attempts), ending).await;
        Ok(Turn::Ran)
    }

    /// Runs the handler on its own task, renewing the lease every third of it, until the handler
    /// ends, overruns its time limit, loses the lease, or shutdown's grace runs out.
    async fn run(
        &self,
        handler: Arc<dyn Handler>,
        context: JobContext,
        stopping: &mut watch::Receiver<bool>,
    ) -> Ending {
        let (id, token) = (context.id, context.lease_token.clone());
        let limit = handler.spec().time_limit;
        let started = Instant::now();
        let mut task = tokio::spawn(async move { handler.run(&context).await });
        let heartbeat = self.settings.lease / 3;
        // Until when the lease is surely ours: renewals that fail (a database away) do not
        // extend it, and past it another worker may have taken the job over.
        let mut lease_held_until = started + self.settings.lease;
        let mut hand_back_at: Option<Instant> = None;
        let ending = loop {
            let tick = match hand_back_at {
                Some(deadline) => heartbeat.min(deadline.saturating_duration_since(Instant::now())),
                None => heartbeat,
            };
            tokio::select! {
                joined = &mut task => break Ending::Finished(joined.unwrap_or_else(|e| Err(panicked(e)))),
                _ = stopping.changed(), if hand_back_at.is_none() => {
                    hand_back_at = Some(Instant::now() + self.settings.shutdown_grace);
                }
                () = tokio::time::sleep(tick) => {
                    if hand_back_at.is_some_and(|deadline| Instant::now() >= deadline) {
                        break Ending::HandedBack;
                    }
                    if started.elapsed() > limit {
                        break Ending::Finished(Err(JobError::Transient(format!("stopped at its time limit ({} ms)", limit.as_millis()))));
                    }
                    let renewing_at = Instant::now();
                    let until = now_ms() + millis(self.settings.lease);
                    let renewal = tokio::time::timeout(heartbeat, queue::renew_lease(&self.env.db, id, &token, until)).await;
                    match renewal {
                        Ok(Ok(true)) => lease_held_until = renewing_at + self.settings.lease,
                        Ok(Ok(false)) => break Ending::LeaseLost,
                        Ok(Err(error)) => tracing::warn!(%error, job = id, "cannot renew a job's lease"),
                        Err(_) => tracing::warn!(job = id, "renewing a job's lease is taking too long"),
                    }
                    // The next renewal might come too late: stop before another worker may start.
                    if Instant::now() + heartbeat >= lease_held_until {
                        break Ending::LeaseLost;
                    }
                }
            }
        };
        if !task.is_finished() {
            task.abort();
            // An aborted task stops at its next await; wait for that, so that the job is not
            // recorded (and perhaps claimed again) while its handler still runs.
            if tokio::time::timeout(ABORT_WAIT, task).await.is_err() {
                tracing::error!(job = id, "a job's handler did not stop when aborted (is it blocking its thread?)");
            }
        }
        ending
    }

    /// Writes how the attempt ended: done, queued again for a retry (when `retry_after` holds the
    /// attempts made so far), dead, or handed back. If the write fails, the lease runs out and the
    /// job runs again, which at-least-once delivery allows.
    async fn record(&self, id: i64, token: &str, retry_after: Option<i64>, ending: Ending) {
        let db = &self.env.db;
        let now = now_ms();
        let written = match ending {
            Ending::Finished(Ok(())) => bounded(queue::complete(db, id, token, now)).await,
            Ending::Finished(Err(error)) => {
                let retry = match (&error, retry_after) {
                    (JobError::Transient(_), Some(attempts)) => Some(retry_at(attempts, self.settings.retry_base_ms)),
                    _ => None,
                };
                tracing::warn!(job = id, %error, retrying = retry.is_some(), "a job failed");
                bounded(queue::fail(db, id, token, now, &error_text(&error), retry)).await
            }
            Ending::HandedBack => bounded(queue::hand_back(db, id, token, now)).await,
            Ending::LeaseLost => {
                tracing::warn!(job = id, "a job's lease was lost (cancelled, or taken over after a stall); stopped it");
                return;
            }
        };
        match written {
            Ok(true) => {}
            Ok(false) => tracing::warn!(job = id, "a job's lease ended before its outcome was recorded"),
            Err(error) => tracing::warn!(job = id, %error, "cannot record how a job ended; it will run again"),
        }
    }
}

/// A queue statement, given at most [`STATEMENT_LIMIT`].
async fn bounded<T>(statement: impl std::future::Future<Output = sqlx::Result<T>>) -> sqlx::Result<T> {
    tokio::time::timeout(STATEMENT_LIMIT, statement).await.unwrap_or(Err(sqlx::Error::PoolTimedOut))
}

/// A handler's panic, as a failed attempt with its message.
fn panicked(error: tokio::task::JoinError) -> JobError {
    let message = match error.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into()),
        Err(error) => error.to_string(),
    };
    JobError::Transient(format!("the handler panicked: {message}"))
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// The time of the next attempt after `attempts` failed ones, jittered.
fn retry_at(attempts: i64, base_ms: u64) -> i64 {
    #[allow(clippy::cast_precision_loss)]
    let jitter = f64::from(OsRng.next_u32()) / f64::from(u32::MAX);
    let delay = retry_delay_ms(u32::try_from(attempts).unwrap_or(u32::MAX), base_ms, RETRY_CAP_MS, jitter);
    now_ms().saturating_add(i64::try_from(delay).unwrap_or(i64::MAX))
}

fn error_text(error: &JobError) -> String {
    truncated(&error.to_string(), LAST_ERROR_MAX_CHARS)
}
