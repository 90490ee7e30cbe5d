//! SQLite's read connections for the request path, lent by this process instead of sqlx's pool.
//!
//! sqlx's pool tests every connection it takes back: dropping a `PoolConnection` spawns a task that
//! sends the connection's thread a ping and waits for the answer before the connection is idle
//! again. A SQLite connection is a thread of this process reading a local file; it cannot go stale
//! between two queries, so the test only doubles the round trips to that thread. On one core each
//! round trip is two context switches: a product page (three queries) made six, three of them
//! pings. Here a connection goes back to the idle list when its lender is dropped, and nothing else
//! happens.
//!
//! A request that is dropped while its query runs (the client went away) returns the connection at
//! once; the connection's thread finishes the abandoned statement first (its rows have nowhere to
//! go, so it stops at the first) and only then reads the next command, so the next borrower's
//! query cannot meet the old one's rows. The connections are only ever read from: no transaction
//! is left open on one.

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use std::ops::{Deref, DerefMut};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// At most `max` read connections, opened when first needed and kept.
#[derive(Debug)]
pub struct Readers {
    idle: Mutex<Vec<SqliteConnection>>,
    /// One permit per connection that may be open; a borrower holds one for as long as it reads.
    permits: Semaphore,
    options: SqliteConnectOptions,
    /// How long a borrower waits for a connection (all of them lent) before the request fails as
    /// the database being unavailable.
    acquire_timeout: Duration,
}

impl Readers {
    /// Opens one connection at once, so that a database that cannot be opened fails at start-up.
    pub async fn open(options: SqliteConnectOptions, max: usize, acquire_timeout: Duration) -> sqlx::Result<Self> {
        let first = options.connect().await?;
        Ok(Self { idle: Mutex::new(vec![first]), permits: Semaphore::new(max.max(1)), options, acquire_timeout })
    }

    /// An idle connection, or a new one while fewer than `max` are open; waits for one otherwise.
    pub async fn acquire(&self) -> sqlx::Result<Reader<'_>> {
        tokio::time::timeout(self.acquire_timeout, async {
            let permit = self.permits.acquire().await.map_err(|_| sqlx::Error::PoolClosed)?;
            let idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
            let conn = match idle {
                Some(conn) => conn,
                None => self.options.connect().await?,
            };
            Ok(Reader { conn: Some(conn), readers: self, _permit: permit })
        })
        .await
        .map_err(|_| sqlx::Error::PoolTimedOut)?
    }

    /// Closes the idle connections and refuses new borrowers (at shutdown).
    pub async fn close(&self) {
        self.permits.close();
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        for conn in idle {
            // Closing only waits for the connection's thread to finish; an error there changes nothing.
            let _ = conn.close().await;
        }
    }
}

/// A lent read connection; dropping it makes the connection idle again.
pub struct Reader<'a> {
    conn: Option<SqliteConnection>,
    readers: &'a Readers,
    _permit: SemaphorePermit<'a>,
}

impl Deref for Reader<'_> {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        self.conn.as_ref().expect("a lent connection is only taken back on drop")
    }
}

impl DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.conn.as_mut().expect("a lent connection is only taken back on drop")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            // The permit is released after this (fields drop after `drop`), so a waiting borrower
            // finds the connection idle rather than opening another.
            self.readers.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(conn);
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
        let readers = Readers::open(database("abandoned", 5_000).await, 1, Duration::from_secs(5)).await.unwrap();
        {
            let mut lent = readers.acquire().await.unwrap();
            let mut rows = sqlx::query_scalar::<_, i64>("SELECT x FROM t ORDER BY x").fetch(&mut *lent);
            assert_eq!(rows.next().await.unwrap().unwrap(), 1);
            // Dropped here with 4,999 rows unread, as a request is when its client goes away.
        }
        let mut lent = readers.acquire().await.unwrap();
        let answer: i64 = sqlx::query_scalar("SELECT 42").fetch_one(&mut *lent).await.unwrap();
        assert_eq!(answer, 42);
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t").fetch_one(&mut *lent).await.unwrap();
        assert_eq!(count, 5_000);
    }

    #[tokio::test]
    async fn a_borrower_waits_for_a_lent_connection_and_gives_up_after_the_timeout() {
        let readers = Readers::open(database("waits", 1).await, 1, Duration::from_millis(100)).await.unwrap();
        let first = readers.acquire().await.unwrap();
        assert!(matches!(readers.acquire().await, Err(sqlx::Error::PoolTimedOut)));
        drop(first);
        let again = readers.acquire().await.unwrap();
        drop(again);
        assert_eq!(readers.idle.lock().unwrap().len(), 1, "the one connection is reused, not reopened");
    }

    #[tokio::test]
    async fn closed_readers_refuse_borrowers() {
        let readers = Readers::open(database("closed", 1).await, 2, Duration::from_secs(5)).await.unwrap();
        readers.close().await;
        assert!(matches!(readers.acquire().await, Err(sqlx::Error::PoolClosed)));
    }
}
