//! SQLite's read connections for the request path, lent by this process instead of sqlx's pool.
//!
//! sqlx's pool tests every connection it takes back: dropping a `PoolConnection` spawns a task that
//! sends the connection's thread a ping and waits for the answer before the connection is idle
//! again. A SQLite connection is a thread of this process reading a local file; it cannot go stale
//! between two queries, so the test only doubles the round trips to that thread. On one core each
//! round trip is two context switches: a product page (three queries) made six, three of them
//! pings. Here a connection whose borrower finished goes back to the idle list, and nothing else
//! happens.
//!
//! Only a connection whose borrower did not finish (its request was dropped while a query ran, or
//! the body returned early) is pinged before it is lent again: its thread may still be running the
//! abandoned statement, which stops at its first row (the rows have nowhere to go), and the ping
//! waits behind it. The next borrower thus never waits behind a query nobody reads, and a
//! connection whose thread died is not kept. The connections are only ever read from: no
//! transaction is left open on one.

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// At most `max` read connections, opened when first needed and kept.
#[derive(Debug)]
pub struct Readers {
    idle: Mutex<Vec<SqliteConnection>>,
    /// One permit per connection that may be open; a borrower holds one for as long as it reads,
    /// and an abandoned connection until it is known to be free again.
    permits: Arc<Semaphore>,
    options: SqliteConnectOptions,
    /// How long a borrower waits for a connection (all of them lent) before the request fails as
    /// the database being unavailable.
    acquire_timeout: Duration,
}

impl Readers {
    /// Opens one connection at once, so that a database that cannot be opened fails at start-up.
    pub async fn open(options: SqliteConnectOptions, max: usize, acquire_timeout: Duration) -> sqlx::Result<Self> {
        let first = options.connect().await?;
        Ok(Self {
            idle: Mutex::new(vec![first]),
            permits: Arc::new(Semaphore::new(max.max(1))),
            options,
            acquire_timeout,
        })
    }

    /// An idle connection, or a new one while fewer than `max` are open; waits for one otherwise.
    pub async fn acquire(self: &Arc<Self>) -> sqlx::Result<Reader> {
        tokio::time::timeout(self.acquire_timeout, async {
            let permit = Arc::clone(&self.permits).acquire_owned().await.map_err(|_| sqlx::Error::PoolClosed)?;
            let idle = self.idle_list().pop();
            let conn = match idle {
                Some(conn) => conn,
                None => self.options.connect().await?,
            };
            Ok(Reader { conn: Some(conn), readers: Arc::clone(self), permit: Some(permit), finished: false })
        })
        .await
        .map_err(|_| sqlx::Error::PoolTimedOut)?
    }

    /// Closes the idle connections and refuses new borrowers (at shutdown). A connection lent now
    /// is closed when its borrower is done with it.
    pub async fn close(&self) {
        self.permits.close();
        let idle = std::mem::take(&mut *self.idle_list());
        for conn in idle {
            // Closing only waits for the connection's thread to finish; an error there changes nothing.
            let _ = conn.close().await;
        }
    }

    fn idle_list(&self) -> std::sync::MutexGuard<'_, Vec<SqliteConnection>> {
        // The list is only pushed to and popped from: a panic elsewhere cannot leave it half-changed.
        self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A lent read connection. Dropped after [`Reader::finished`], it is idle again at once; dropped
/// without (its request was abandoned, or left early), its thread may still be running the
/// statement, so it is pinged first, by a task of its own, and kept only if it answers: the next
/// borrower must not wait behind a query nobody reads, nor get a connection whose thread died.
pub struct Reader {
    conn: Option<SqliteConnection>,
    readers: Arc<Readers>,
    permit: Option<OwnedSemaphorePermit>,
    finished: bool,
}

impl Reader {
    /// The borrower's statements have all run to their end.
    pub fn finished(mut self) {
        self.finished = true;
    }
}

impl Deref for Reader {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        self.conn.as_ref().expect("a lent connection is only taken back on drop")
    }
}

impl DerefMut for Reader {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.conn.as_mut().expect("a lent connection is only taken back on drop")
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else { return };
        if self.readers.permits.is_closed() {
            // Shutting down: dropped, the connection's thread closes it.
            return;
        }
        if self.finished {
            // The permit is released after this (fields drop after `drop`), so a waiting borrower
            // finds the connection idle rather than opening another.
            self.readers.idle_list().push(conn);
            return;
        }
        let (readers, permit) = (Arc::clone(&self.readers), self.permit.take());
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                // The ping waits behind whatever the connection's thread is still doing.
                if conn.ping().await.is_ok() && !readers.permits.is_closed() {
                    readers.idle_list().push(conn);
                }
                drop(permit);
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    /// A database file of its own holding `t(x)` with the numbers 1 to `rows`.
    async fn database(name: &str, rows: i64) -> SqliteConnectOptions {
        let path = std::env::temp_dir().join(format!("tienda-readers-{name}-{}.db", std::process::id()));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let options = SqliteConnectOptions::new().filename(&path).create_if_missing(true);
        let mut conn = options.connect().await.unwrap();
        sqlx::query("CREATE TABLE t (x INTEGER PRIMARY KEY)").execute(&mut conn).await.unwrap();
        sqlx::query("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < $1) INSERT INTO t SELECT x FROM n")
            .bind(rows)
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        options
    }

    #[tokio::test]
    async fn a_query_abandoned_half_read_leaves_the_next_borrower_its_own_answer() {
        let readers =
            Arc::new(Readers::open(database("abandoned", 5_000).await, 1, Duration::from_secs(5)).await.unwrap());
        {
            let mut lent = readers.acquire().await.unwrap();
            let mut rows = sqlx::query_scalar::<_, i64>("SELECT x FROM t ORDER BY x").fetch(&mut *lent);
            assert_eq!(rows.next().await.unwrap().unwrap(), 1);
            // Dropped here with 4,999 rows unread, as a request is when its client goes away.
        }
        // The only connection comes back once its thread has answered the ping behind the old statement.
        let mut lent = readers.acquire().await.unwrap();
        let answer: i64 = sqlx::query_scalar("SELECT 42").fetch_one(&mut *lent).await.unwrap();
        assert_eq!(answer, 42);
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t").fetch_one(&mut *lent).await.unwrap();
        assert_eq!(count, 5_000);
        lent.finished();
        assert_eq!(readers.idle_list().len(), 1, "the abandoned connection was kept, not replaced");
    }

    #[tokio::test]
    async fn a_borrower_waits_for_a_lent_connection_and_gives_up_after_the_timeout() {
        let readers = Arc::new(Readers::open(database("waits", 1).await, 1, Duration::from_millis(100)).await.unwrap());
        let first = readers.acquire().await.unwrap();
        assert!(matches!(readers.acquire().await, Err(sqlx::Error::PoolTimedOut)));
        first.finished();
        let again = readers.acquire().await.unwrap();
        again.finished();
        assert_eq!(readers.idle_list().len(), 1, "the one connection is reused, not reopened");
    }

    #[tokio::test]
    async fn closed_readers_refuse_borrowers() {
        let readers = Arc::new(Readers::open(database("closed", 1).await, 2, Duration::from_secs(5)).await.unwrap());
        let lent = readers.acquire().await.unwrap();
        readers.close().await;
        assert!(matches!(readers.acquire().await, Err(sqlx::Error::PoolClosed)));
        lent.finished();
        assert!(readers.idle_list().is_empty(), "a connection given back after close is closed, not kept");
    }
}
