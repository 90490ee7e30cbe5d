//! Group commit of SQLite checkouts: the orders that arrive while one batch is being written are
//! written together, in one transaction.
//!
//! SQLite has one writer, and with `synchronous = FULL` every commit waits for the disk. One
//! transaction per order made the checkout bench wait on a sync for a third of its time (722
//! orders/s with the sync, 1,148 without, one core); one per batch waits once for all of them,
//! and the orders queue here instead of on the writer pool. Each order still stands alone: a
//! refused one gives back the stock it took (the only thing a refused attempt writes, see
//! `place`), and the others in its batch are committed; if one order's statements fail, the batch
//! is rolled back and each of its orders tried again alone. Nobody is answered before the commit
//! that holds their order.
//!
//! PostgreSQL needs none of this: it runs concurrent writers and syncs commits in groups itself.

use super::place::{answer_refusal, attempt, give_back, Attempt};
use super::{NewOrder, PlaceError, Placed};
use crate::server::db::{health, Conn};
use sqlx::{Connection, SqlitePool};
use std::{sync::Arc, time::Duration};
use tokio::sync::{mpsc, oneshot};

/// The most orders written in one transaction. A batch holds the only writer while it runs, so
/// this also bounds how long another write (a cart, a sign-in) can wait behind one.
const MAX_BATCH: usize = 32;

/// How many orders may wait for a batch.
const QUEUE_CAPACITY: usize = 1024;

type Outcome = Result<Placed, PlaceError>;

struct Job {
    order: Arc<NewOrder>,
    reply: oneshot::Sender<Outcome>,
}

/// Where SQLite checkouts queue for the batch writer. Cheap to clone; the writer stops when the
/// last clone is dropped, after the orders already queued.
#[derive(Clone, Debug)]
pub struct CheckoutQueue {
    jobs: mpsc::Sender<Job>,
    /// How long a checkout waits to be queued and answered before it is told to try again.
    wait: Duration,
}

impl CheckoutQueue {
    /// Starts the batch writer on `write`, the one-connection pool every SQLite write goes
    /// through. `wait` bounds each checkout's wait for its answer.
    pub fn start(write: SqlitePool, wait: Duration) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE_CAPACITY);
        tokio::spawn(write_batches(write, queue));
        Self { jobs, wait }
    }

    /// Places `order` in the next batch, and answers once that batch is committed (or refused).
    /// A checkout that waits longer than the queue's `wait` gets `PoolTimedOut` (a 503): its
    /// order may still be placed, and a retry with its idempotency key finds it.
    pub async fn place(&self, order: Arc<NewOrder>) -> Outcome {
        let (reply, answer) = oneshot::channel();
        let stopped = || PlaceError::Database(sqlx::Error::PoolClosed);
        let queued_and_answered = async {
            self.jobs.send(Job { order, reply }).await.map_err(|_| stopped())?;
            answer.await.map_err(|_| stopped())?
        };
        tokio::time::timeout(self.wait, queued_and_answered)
            .await
            .unwrap_or(Err(PlaceError::Database(sqlx::Error::PoolTimedOut)))
    }
}

async fn write_batches(pool: SqlitePool, mut queue: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let jobs = std::mem::replace(&mut batch, Vec::with_capacity(MAX_BATCH));
        // A task per batch: should writing one panic, its checkouts are answered with an error
        // (their replies are dropped) and the next batch is written as usual.
        let written = tokio::spawn(write_batch(pool.clone(), jobs));
        if let Err(error) = written.await {
            tracing::error!(%error, "a checkout batch panicked; its orders were not placed");
        }
    }
}

/// Why a batch was not committed.
enum BatchError {
    /// One order's statements failed: the others may well succeed alone.
    Order(sqlx::Error),
    /// Beginning or committing the transaction failed: the database is the trouble, not an order.
    Transaction(sqlx::Error),
}

async fn write_batch(pool: SqlitePool, jobs: Vec<Job>) {
    let orders: Vec<&NewOrder> = jobs.iter().map(|job| job.order.as_ref()).collect();
    match write_together(&pool, &orders).await {
        Ok(outcomes) => jobs.into_iter().zip(outcomes).for_each(|(job, outcome)| answer(job, outcome)),
        // Nothing of the batch was kept; each order is tried again alone, so that one order's
        // failure is only that order's.
        Err(BatchError::Order(error))
            if jobs.len() > 1 && !health::is_unreachable(&error) && !health::is_busy(&error) =>
        {
            tracing::warn!(%error, orders = jobs.len(), "a checkout batch failed; placing its orders one by one");
            for job in jobs {
                let outcome = match write_together(&pool, &[job.order.as_ref()]).await {
                    Ok(mut alone) => alone.remove(0),
                    Err(BatchError::Order(error) | BatchError::Transaction(error)) => Err(error.into()),
                };
                answer(job, outcome);
            }
        }
        // The database itself failed (busy past its timeout, unreachable, full): trying each
        // order again would only make every checkout wait that much longer for the same error.
        Err(BatchError::Order(error) | BatchError::Transaction(error)) => {
            tracing::warn!(%error, orders = jobs.len(), "a checkout batch failed");
            for job in jobs {
                answer(job, Err(PlaceError::Database(copy_of(&error))));
            }
        }
    }
}

/// The same failure for each checkout of a batch (`sqlx::Error` cannot be cloned): unreachable or
/// busy stays a failure to try again (a 503; sqlx cannot build a SQLite busy error, so a busy one
/// is passed on, and logged, as a pool timeout, after the batch has logged the real error),
/// anything else keeps its message.
fn copy_of(error: &sqlx::Error) -> sqlx::Error {
    if health::is_unreachable(error) || health::is_busy(error) {
        sqlx::Error::PoolTimedOut
    } else {
        sqlx::Error::Protocol(error.to_string())
    }
}

/// Answers a checkout; one whose request has gone (the client left) has its order all the same,
/// and finds it again by its idempotency key.
fn answer(job: Job, outcome: Outcome) {
    let _ = job.reply.send(outcome);
}

/// Writes `orders` in one transaction, and returns each one's outcome; an error means nothing
/// was committed.
async fn write_together(pool: &SqlitePool, orders: &[&NewOrder]) -> Result<Vec<Outcome>, BatchError> {
    let mut conn = pool.acquire().await.map_err(BatchError::Transaction)?;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(BatchError::Transaction)?;
    match write_each(&mut tx, orders).await {
        Ok(outcomes) => match tx.commit().await {
            Ok(()) => Ok(outcomes),
            Err(error) => {
                // SQLite may have rolled back by itself; sqlx's count of open transactions on
                // this connection may no longer match, so the connection is not used again.
                conn.close_on_drop();
                Err(BatchError::Transaction(error))
            }
        },
        Err(error) => {
            // Some errors (a full disk, I/O) make SQLite roll the whole transaction back by
            // itself; the ROLLBACK then fails, and the connection is not used again.
            if tx.rollback().await.is_err() {
                conn.close_on_drop();
            }
            Err(BatchError::Order(error))
        }
    }
}

/// Each order of the batch, in order, in the open transaction `tx`.
async fn write_each(tx: &mut sqlx::SqliteConnection, orders: &[&NewOrder]) -> sqlx::Result<Vec<Outcome>> {
    let mut outcomes = Vec::with_capacity(orders.len());
    for order in orders {
        let outcome = match attempt(Conn::Sqlite(tx), order).await? {
            Attempt::Placed(written) => Ok(Placed::New(written)),
            Attempt::NotPlaced { why, took } => {
                give_back(Conn::Sqlite(tx), &took).await?;
                // Read inside the batch: the order holding the key may be in it.
                answer_refusal(Conn::Sqlite(tx), order, why).await
            }
        };
        if let Err(PlaceError::Database(error)) = outcome {
            return Err(error);
        }
        outcomes.push(outcome);
    }
    Ok(outcomes)
}
