//! SQLite's write-ahead log, copied back into the database file by a background task.
//!
//! Left to itself SQLite does that copy (a checkpoint) inside the commit that crosses
//! `wal_autocheckpoint` pages: every thousand pages or so, one request holds the only writer while
//! megabytes are copied and synced, and every write queued behind it waits too (it was the slowest
//! percent of checkouts). Here a task checkpoints every [`EVERY`] instead, on a reader's connection,
//! without blocking the writer (`PASSIVE`); the automatic checkpoint stays as a backstop at
//! [`AUTOCHECKPOINT_PAGES`], so the log stays bounded even if this task falls behind.

use super::{with_reader, Db, Reader};
use std::time::Duration;

/// How often the task checkpoints. Measured with the checkout bench on one core: every second
/// gave 1,220–1,310 orders/s, every 250 ms 845–880 (not profiled; each checkpoint syncs the
/// database file, which is the likely cost). The log stays far below the backstop.
const EVERY: Duration = Duration::from_secs(1);

/// The automatic checkpoint's threshold, in pages (of 4 KiB): about 40 MB of log.
pub const AUTOCHECKPOINT_PAGES: u32 = 10_000;

/// Checkpoints every [`EVERY`] for as long as the server runs; nothing to do on PostgreSQL.
pub fn spawn_checkpointer(db: Db) -> Option<tokio::task::JoinHandle<()>> {
    let Db::Sqlite { readers, .. } = db else {
        return None;
    };
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            // (busy, pages in the log, pages copied): a busy checkpoint copies what it can, and
            // the next one goes on.
            let checkpoint: sqlx::Result<(i64, i64, i64)> = with_reader!(Reader::Sqlite(&readers), conn =>
                sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(conn).await);
            if let Err(error) = checkpoint {
                tracing::warn!(%error, "cannot checkpoint the SQLite log");
            }
        }
    }))
}
