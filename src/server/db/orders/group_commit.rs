//! Group commit of SQLite checkouts: the orders that arrive while one batch is being written are
//! written together, in one transaction.
//!
//! SQLite has one writer, and with `synchronous = FULL` every commit waits for the disk. One
//! transaction per order made the checkout bench wait on a sync for a third of its time (722
//! orders/s with the sync, 1,148 without, one core); one per batch waits once for all of them,
//! and the orders queue here instead of on the writer pool. Each order still stands alone: a
//! refused one gives back the stock it took (the only thing a refused attempt writes, see
//! `place`), and the others in its batch are committed; if the database fails, each order of the
//! batch is tried again alone. Nobody is answered before the commit that holds their order.
//!
//! PostgreSQL needs none of this: it runs concurrent writers and syncs commits in groups itself.

use super::place::{answer_refusal, attempt, give_back, Attempt};
use super::{NewOrder, PlaceError, Placed};
use crate::server::db::Conn;
use sqlx::SqlitePool;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// The most orders written in one transaction. A batch holds the only writer while it runs, so
/// this also bounds how long another write (a cart, a sign-in) can wait behind one.
const MAX_BATCH: usize = 32;

/// How many orders may wait for a batch; a checkout beyond that waits to be queued.
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
}

impl CheckoutQueue {
    /// Starts the batch writer on `write`, the one-connection pool every SQLite write goes through.
    pub fn start(write: SqlitePool) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE_CAPACITY);
        tokio::spawn(write_batches(write, queue));
        Self { jobs }
    }

    /// Places `order` in the next batch, and answers once that batch is committed (or refused).
    pub async fn place(&self, order: Arc<NewOrder>) -> Outcome {
        let (reply, answer) = oneshot::channel();
        let stopped = || PlaceError::Database(sqlx::Error::PoolClosed);
        self.jobs.send(Job { order, reply }).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn write_batches(pool: SqlitePool, mut queue: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let jobs: Vec<Job> = std::mem::take(&mut batch);
        let orders: Vec<&NewOrder> = jobs.iter().map(|job| job.order.as_ref()).collect();
        match write_together(&pool, &orders).await {
            Ok(outcomes) => jobs.into_iter().zip(outcomes).for_each(|(job, outcome)| answer(job, outcome)),
            // A database error leaves a transaction in a state that cannot be trusted (SQLite
            // rolls some back by itself): nothing of the batch was kept, and each order is tried
            // again alone, so that one order's failure is only that order's.
            Err(error) if jobs.len() > 1 => {
                tracing::warn!(%error, orders = jobs.len(), "a checkout batch failed; placing its orders one by one");
                for job in jobs {
                    let outcome = match write_together(&pool, &[job.order.as_ref()]).await {
                        Ok(mut alone) => alone.remove(0),
                        Err(error) => Err(PlaceError::Database(error)),
                    };
                    answer(job, outcome);
                }
            }
            Err(error) => {
                if let Some(job) = jobs.into_iter().next() {
                    answer(job, Err(PlaceError::Database(error)));
                }
            }
        }
    }
}

/// Answers a checkout; one whose request has gone (the client left) has its order all the same,
/// and finds it again by its idempotency key.
fn answer(job: Job, outcome: Outcome) {
    let _ = job.reply.send(outcome);
}

/// Writes `orders` in one transaction, and returns each one's outcome; an error means nothing
/// was committed.
async fn write_together(pool: &SqlitePool, orders: &[&NewOrder]) -> sqlx::Result<Vec<Outcome>> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut outcomes = Vec::with_capacity(orders.len());
    for order in orders {
        let outcome = match attempt(Conn::Sqlite(&mut tx), order).await? {
            Attempt::Placed(placed) => Ok(placed),
            refused => {
                give_back(Conn::Sqlite(&mut tx), refused.took()).await?;
                // Read inside the batch: the order holding the key may be in it.
                answer_refusal(Conn::Sqlite(&mut tx), order, refused).await
            }
        };
        if let Err(PlaceError::Database(error)) = outcome {
            return Err(error);
        }
        outcomes.push(outcome);
    }
    tx.commit().await?;
    Ok(outcomes)
}
