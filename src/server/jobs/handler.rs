//! What a job kind implements, and what it is given while it runs.

use crate::server::{
    auth::session::DbSessionStore,
    config::Config,
    db::{self, jobs::Reservation, Db},
    mail::Mailer,
    text::now_ms,
};
use async_trait::async_trait;
use std::{collections::HashMap, sync::Arc, time::Duration};

/// What the queue needs to know of a job kind before running it: its name, its attempts, its time.
#[derive(Debug, Clone, Copy)]
pub struct JobSpec {
    /// The name jobs of this kind are queued under.
    pub kind: &'static str,
    /// Attempts before the job is dead.
    pub max_attempts: i64,
    /// The longest one attempt may take before it is stopped and counted as failed.
    pub time_limit: Duration,
}

/// One kind of job: its spec and the work it does.
///
/// Delivery is at least once: a worker that dies after the work but before recording it done
/// leaves the job to run again. A handler with a side effect outside the database (an e-mail, a
/// file) guards it with [`JobContext::once`].
#[async_trait]
pub trait Handler: Send + Sync + 'static {
    fn spec(&self) -> JobSpec;

    async fn run(&self, job: &JobContext) -> Result<(), JobError>;
}

/// Why an attempt failed, and whether another attempt could succeed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth retrying: a database or mail server that was away, a full disk.
    #[error("{0}")]
    Transient(String),
    /// Retrying cannot help (the job's input is invalid): the job is dead at once.
    #[error("{0}")]
    Permanent(String),
}

impl From<sqlx::Error> for JobError {
    fn from(error: sqlx::Error) -> Self {
        JobError::Transient(format!("database: {error}"))
    }
}

/// A service's refusal: input that names nothing or breaks a rule will not change on retrying;
/// anything else (the database away) may.
impl From<crate::error::AppError> for JobError {
    fn from(error: crate::error::AppError) -> Self {
        use crate::error::AppError;
        match error {
            AppError::NotFound { .. } | AppError::BadRequest(_) | AppError::Validation(_) | AppError::Forbidden => {
                JobError::Permanent(error.to_string())
            }
            other => JobError::Transient(other.to_string()),
        }
    }
}

impl From<crate::server::mail::MailError> for JobError {
    fn from(error: crate::server::mail::MailError) -> Self {
        use crate::server::mail::MailError;
        match error {
            MailError::Unsendable(_) => JobError::Permanent(error.to_string()),
            MailError::Failed(_) => JobError::Transient(error.to_string()),
        }
    }
}

impl From<std::io::Error> for JobError {
    fn from(error: std::io::Error) -> Self {
        JobError::Transient(format!("file system: {error}"))
    }
}

/// What every job may use: the database, the settings, the session store (for housekeeping),
/// the mailer.
#[derive(Clone)]
pub struct JobEnv {
    pub db: Db,
    pub config: Arc<Config>,
    pub sessions: DbSessionStore,
    pub mailer: Arc<Mailer>,
}

impl JobEnv {
    /// Sends `email`, as a job's side effect (see [`JobContext::once`]).
    pub async fn send_mail(&self, email: &crate::server::mail::Email) -> Result<(), JobError> {
        Ok(self.mailer.send(email).await?)
    }
}

/// A job while it runs: its input, and the means to report progress and to do a side effect once.
pub struct JobContext {
    pub env: JobEnv,
    pub id: i64,
    /// 1 on the first attempt.
    pub attempt: i64,
    pub payload: String,
    pub(super) lease_token: String,
}

impl JobContext {
    /// The payload read as `T`; a payload that does not read is a permanent failure.
    pub fn input<T: serde::de::DeserializeOwned>(&self) -> Result<T, JobError> {
        serde_json::from_str(&self.payload).map_err(|e| JobError::Permanent(format!("unreadable job input: {e}")))
    }

    /// Records progress (0–100 and a short message) where the back office shows it.
    pub async fn progress(&self, percent: u8, message: &str) -> Result<(), JobError> {
        let message = crate::model::jobs::truncated(message, 200);
        db::jobs::set_progress(&self.env.db, self.id, &self.lease_token, i64::from(percent.min(100)), &message).await?;
        Ok(())
    }

    /// Runs the side effect `effect` unless one under the same `key` was already done, by this
    /// job's earlier attempt or by another job; true when it ran. The key is reserved under this
    /// claim's lease first, so two attempts alive at once (a stalled worker and the one that took
    /// its job over) never both run it. A worker killed during the effect leaves the reservation
    /// to the next attempt, which repeats the effect: delivery is at least once, and the key should
    /// let the receiving end tell (an e-mail's Message-ID is made from it).
    pub async fn once<F, Fut>(&self, key: &str, effect: F) -> Result<bool, JobError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(), JobError>>,
    {
        let db = &self.env.db;
        match db::jobs::reserve_effect(db, key, self.id, &self.lease_token, now_ms()).await? {
            Reservation::Done => return Ok(false),
            Reservation::Busy => {
                return Err(JobError::Transient(format!(
                    "another attempt is carrying out {key:?}, or this one lost its lease"
                )))
            }
            Reservation::Reserved => {}
        }
        effect().await?;
        db::jobs::finish_effect(db, key, &self.lease_token, now_ms()).await?;
        Ok(true)
    }
}

/// The job kinds a worker can run, by name.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Arc<dyn Handler>>,
}

impl Registry {
    pub fn with(mut self, handler: impl Handler) -> Self {
        self.handlers.insert(handler.spec().kind, Arc::new(handler));
        self
    }

    pub fn get(&self, kind: &str) -> Option<Arc<dyn Handler>> {
        self.handlers.get(kind).cloned()
    }

    /// The kinds it can run.
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut kinds: Vec<&'static str> = self.handlers.keys().copied().collect();
        kinds.sort_unstable();
        kinds
    }
}
