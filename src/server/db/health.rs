//! Whether the database can be reached, known without making every request find out alone.
//!
//! With PostgreSQL stopped, each request would wait the pool's whole acquire timeout before
//! failing. Instead, a request that is slow to answer asks for a probe (at most one at a time):
//! first a query through the pool, then, if the pool is stuck, a fresh connection. Only a
//! database that cannot be reached at all counts as down: one that answers with an error (too
//! many clients, say) is up, and so is one this process cannot open a socket to for lack of file
//! descriptors. When the probe fails the database is marked down, waiting requests are answered
//! 503 at once, and new ones too, while a background loop tries a fresh connection every
//! [`RECOVERY_PROBE_EVERY`] and clears the mark on the first success.

use super::{with_pool, with_reader, Db};
use sqlx::{ConnectOptions, Connection};
use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};
use tokio::sync::{watch, Mutex};

/// What a 503 tells clients to wait before trying again.
pub const RETRY_AFTER_SECS: u64 = 2;
/// How long a probe's connection attempt may take before the database counts as unreachable.
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);
/// How long the probe's query through the pool may take before a fresh connection is tried.
const POOL_PROBE_TIMEOUT: Duration = Duration::from_millis(500);
/// How often a down database is tried again: recovery is noticed within about this long.
const RECOVERY_PROBE_EVERY: Duration = Duration::from_millis(50);
/// A database that answered a probe this recently is not probed again for a slow request: under
/// load many requests are slow at once, and one connection attempt answers for all of them.
const PROBE_AT_MOST_EVERY: Duration = Duration::from_millis(500);

#[derive(Clone)]
pub struct DbHealth {
    db: Db,
    inner: Arc<Inner>,
}

struct Inner {
    /// `true` while the database is known to be unreachable.
    down: watch::Sender<bool>,
    /// Held by the one probe under way; others wait for its verdict instead of probing too.
    probing: Mutex<()>,
    recovering: AtomicBool,
    /// When the last probe finished and whether the database answered it.
    last_probe: std::sync::Mutex<Option<(Instant, bool)>>,
}

impl DbHealth {
    pub fn new(db: Db) -> Self {
        let (down, _) = watch::channel(false);
        let inner = Inner {
            down,
            probing: Mutex::new(()),
            recovering: AtomicBool::new(false),
            last_probe: std::sync::Mutex::new(None),
        };
        Self { db, inner: Arc::new(inner) }
    }

    pub fn is_down(&self) -> bool {
        *self.inner.down.borrow()
    }

    /// Whether the database is reachable: the verdict of a probe that finished within the last
    /// [`PROBE_AT_MOST_EVERY`], or else of a new one (after the probe under way, if any). For
    /// `/readyz`, which anyone may call as often as they like.
    pub async fn check(&self) -> bool {
        if let Some((at, up)) = self.last_probe() {
            if at.elapsed() < PROBE_AT_MOST_EVERY {
                return up;
            }
        }
        let _probing = self.inner.probing.lock().await;
        self.probe_and_record(Probe::PoolFirst).await
    }

    /// Completes once the database is known to be down: after `grace` a probe is made (unless one
    /// is under way or one just succeeded), and this waits for the verdict of that or any later
    /// probe. Never completes while the database is up.
    pub async fn down_after(&self, grace: Duration) {
        let mut down = self.inner.down.subscribe();
        tokio::time::sleep(grace).await;
        if let Ok(_probing) = self.inner.probing.try_lock() {
            let recent = self.last_probe().is_some_and(|(at, _)| at.elapsed() < PROBE_AT_MOST_EVERY);
            if !recent && !self.is_down() {
                self.probe_and_record(Probe::PoolFirst).await;
            }
        }
        let _ = down.wait_for(|down| *down).await;
    }

    async fn probe_and_record(&self, how: Probe) -> bool {
        let up = probe(&self.db, how).await;
        *self.inner.last_probe.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some((Instant::now(), up));
        self.set_down(!up);
        up
    }

    fn last_probe(&self) -> Option<(Instant, bool)> {
        *self.inner.last_probe.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn set_down(&self, down: bool) {
        let changed = self.inner.down.send_if_modified(|current| std::mem::replace(current, down) != down);
        if changed && down {
            tracing::error!("the database cannot be reached: answering 503 until it is back");
            self.start_recovery_loop();
        } else if changed {
            tracing::info!("the database is reachable again");
        }
    }

    /// One loop per outage, trying fresh connections (a pool full of dead ones would only slow
    /// the answer down) until the database answers.
    fn start_recovery_loop(&self) {
        if self.inner.recovering.swap(true, Ordering::AcqRel) {
            return;
        }
        let health = self.clone();
        tokio::spawn(async move {
            loop {
                let up = {
                    let _probing = health.inner.probing.lock().await;
                    health.probe_and_record(Probe::FreshConnection).await
                };
                if up {
                    break;
                }
                tokio::time::sleep(RECOVERY_PROBE_EVERY).await;
            }
            health.inner.recovering.store(false, Ordering::Release);
            // A probe that failed between the success above and this line found the loop still
            // running and started none: without this, nothing would ever clear the mark.
            if health.is_down() {
                health.start_recovery_loop();
            }
        });
    }
}

#[derive(Clone, Copy)]
enum Probe {
    PoolFirst,
    FreshConnection,
}

/// True when the database answers: a query through the pool within [`POOL_PROBE_TIMEOUT`], or
/// else a fresh connection within [`PROBE_TIMEOUT`].
async fn probe(db: &Db, how: Probe) -> bool {
    if matches!(how, Probe::PoolFirst) {
        let pooled = tokio::time::timeout(POOL_PROBE_TIMEOUT, async {
            let answer: sqlx::Result<_> =
                with_reader!(db.reader(), conn => sqlx::query("SELECT 1").execute(conn).await.map(drop));
            answer
        });
        if let Ok(Ok(_)) = pooled.await {
            return true;
        }
    }
    let fresh = async {
        with_pool!(db.read_pool(), pool => {
            let mut connection = pool.connect_options().connect().await?;
            sqlx::query("SELECT 1").execute(&mut connection).await?;
            connection.close().await
        })
    };
    match tokio::time::timeout(PROBE_TIMEOUT, fresh).await {
        Ok(Ok(())) => true,
        // It answered, if only to refuse: it is there. Out of file descriptors: our problem, not its.
        Ok(Err(error)) => !is_unreachable(&error) || is_local_exhaustion(&error),
        Err(_) => false,
    }
}

/// This process ran out of file descriptors (EMFILE, ENFILE).
fn is_local_exhaustion(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Io(io) if matches!(io.raw_os_error(), Some(23 | 24)))
}

/// Failures that mean the database cannot be reached (as opposed to a statement it refused).
pub fn is_unreachable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => true,
        // PostgreSQL's connection-exception class, and "shutting down" / "cannot connect now".
        sqlx::Error::Database(db_error) => {
            db_error.code().is_some_and(|code| code.starts_with("08") || code == "57P01" || code == "57P03")
        }
        _ => false,
    }
}

/// The database is there but busy past its timeout: SQLite's write lock held by another process
/// (SQLITE_BUSY, SQLITE_LOCKED and their extended codes), or its WAL locks contended past the
/// retries SQLite makes (SQLITE_PROTOCOL, seen while another process held the lock for seconds).
/// A moment later it may well answer.
pub fn is_busy(error: &sqlx::Error) -> bool {
    let Some(db_error) = error.as_database_error() else {
        return false;
    };
    if db_error.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_none() {
        return false;
    }
    let primary = db_error.code().and_then(|code| code.parse::<u32>().ok()).map(|code| code & 0xff);
    matches!(primary, Some(5 | 6 | 15))
}

/// A text value the database cannot store: PostgreSQL refuses a NUL character (SQLSTATE 22021,
/// "invalid byte sequence") and characters its encoding lacks (22P05). The client sent it.
pub fn is_unstorable_text(error: &sqlx::Error) -> bool {
    error.as_database_error().and_then(|e| e.code()).is_some_and(|code| code == "22021" || code == "22P05")
}
