//! Database access, and the only code that writes SQL: one pool type per backend behind [`Db`],
//! one module per aggregate (`accounts`, `carts`, `orders`, `catalog/` with a file per face it serves, `stores`,
//! `sessions`, `refresh_tokens`, `login_failures`, `secrets`), plus the back office's read-only
//! views across them (`back_office`) and the plumbing (`connect`, `health`, `sql_args`, `wal`).
//!
//! SQL is written once with `$N` placeholders, which both SQLite and PostgreSQL accept, and run on
//! whichever pool is active through [`with_pool!`]. Only where the dialects really differ does a
//! module write two statements.

pub mod accounts;
pub mod back_office;
pub mod backup;
pub mod by_position;
pub mod carts;
pub mod catalog;
mod connect;
pub mod exports;
pub mod health;
pub mod job_results;
pub mod jobs;
pub mod login_failures;
pub mod orders;
pub mod password_resets;
mod readers;
pub mod refresh_tokens;
pub mod secrets;
pub mod sessions;
pub mod sql_args;
pub mod stores;
pub mod wal;

pub use connect::{connect, ConnectError};
pub use readers::Readers;
pub use sql_args::SqlArgs;

use sqlx::{PgPool, SqlitePool};
use std::sync::Arc;

/// The active database. Cheap to clone: pools are reference-counted.
#[derive(Clone, Debug)]
pub enum Db {
    /// SQLite allows one writer at a time; writes go through a one-connection pool so that this
    /// process queues them itself instead of failing with SQLITE_BUSY.
    Sqlite {
        /// The request path's reads: [`Db::reader`].
        readers: Arc<Readers>,
        /// Reads through sqlx's pool, for the parts that take one: backups, the health probe.
        read: SqlitePool,
        write: SqlitePool,
        /// Checkouts, written in batches on `write` (see `orders::group_commit`).
        checkouts: orders::CheckoutQueue,
    },
    Postgres(PgPool),
}

/// A borrowed pool to run one statement on.
#[derive(Clone, Copy)]
pub enum Pool<'a> {
    Sqlite(&'a SqlitePool),
    Postgres(&'a PgPool),
}

/// Where reads go: SQLite's read connections (lent without sqlx's pool, see [`readers`]), or
/// PostgreSQL's pool.
#[derive(Clone, Copy)]
pub enum Reader<'a> {
    Sqlite(&'a Arc<Readers>),
    Postgres(&'a PgPool),
}

/// A borrowed connection of either backend (or a transaction's, through `&mut *tx`), for work
/// that must stay on one connection.
pub enum Conn<'a> {
    Sqlite(&'a mut sqlx::SqliteConnection),
    Postgres(&'a mut sqlx::PgConnection),
}

impl<'a> From<&'a mut sqlx::SqliteConnection> for Conn<'a> {
    fn from(conn: &'a mut sqlx::SqliteConnection) -> Self {
        Conn::Sqlite(conn)
    }
}

impl<'a> From<&'a mut sqlx::PgConnection> for Conn<'a> {
    fn from(conn: &'a mut sqlx::PgConnection) -> Self {
        Conn::Postgres(conn)
    }
}

impl Conn<'_> {
    /// The same connection, lent for one call.
    pub fn reborrow(&mut self) -> Conn<'_> {
        match self {
            Conn::Sqlite(conn) => Conn::Sqlite(conn),
            Conn::Postgres(conn) => Conn::Postgres(conn),
        }
    }
}

impl Db {
    pub fn reader(&self) -> Reader<'_> {
        match self {
            Db::Sqlite { readers, .. } => Reader::Sqlite(readers),
            Db::Postgres(pool) => Reader::Postgres(pool),
        }
    }

    /// sqlx's pool of read connections, for what needs one (and not the request path's reads).
    pub fn read_pool(&self) -> Pool<'_> {
        match self {
            Db::Sqlite { read, .. } => Pool::Sqlite(read),
            Db::Postgres(pool) => Pool::Postgres(pool),
        }
    }

    pub fn writer(&self) -> Pool<'_> {
        match self {
            Db::Sqlite { write, .. } => Pool::Sqlite(write),
            Db::Postgres(pool) => Pool::Postgres(pool),
        }
    }

    /// The statement that opens a write transaction: on SQLite `BEGIN IMMEDIATE`, which takes the
    /// write lock at once, so a transaction that reads before it writes cannot fail half-way when
    /// another process (a second node, `tienda seed`) wrote in between; on PostgreSQL `BEGIN`.
    pub fn begin_write(&self) -> &'static str {
        match self {
            Db::Sqlite { .. } => "BEGIN IMMEDIATE",
            Db::Postgres(_) => "BEGIN",
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Db::Sqlite { .. } => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Applies the migrations of the active backend that have not run yet, then the data steps
    /// SQL alone cannot take (`catalog::search_titles`).
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Db::Sqlite { write, .. } => sqlx::migrate!("./migrations/sqlite").run(write).await?,
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        let filled = catalog::search_titles::fill_missing(self).await.map_err(sqlx::migrate::MigrateError::Execute)?;
        if filled > 0 {
            tracing::info!(columns = filled, "title columns filled for products written before they existed");
        }
        Ok(())
    }

    /// True when the database answers a trivial query (the readiness probe).
    pub async fn is_reachable(&self) -> bool {
        let answer: sqlx::Result<_> =
            with_reader!(self.reader(), conn => sqlx::query("SELECT 1").execute(conn).await.map(drop));
        answer.is_ok()
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { readers, read, write, .. } => {
                write.close().await;
                readers.close().await;
                read.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// Runs `$body` with `$pool` bound to the concrete pool of either backend. The body is compiled once
/// per backend, so the same query-building code serves both.
#[macro_export]
macro_rules! with_pool {
    ($pool_ref:expr, $pool:ident => $body:expr) => {
        match $pool_ref {
            $crate::server::db::Pool::Sqlite($pool) => $body,
            $crate::server::db::Pool::Postgres($pool) => $body,
        }
    };
}
pub use with_pool;

/// Runs `$body` with `$conn` bound to one read connection of either backend (`&mut` to it), held
/// for the whole body: several statements in it run one after another on that connection, each
/// passed `&mut *$conn`. `$body` is a `Result<_, E>` where `E: From<sqlx::Error>`: waiting for a
/// connection can fail as the database being unavailable.
#[macro_export]
macro_rules! with_reader {
    ($reader:expr, $conn:ident => $body:expr) => {
        match $reader {
            $crate::server::db::Reader::Sqlite(readers) => match readers.acquire().await {
                Ok(mut lent) => {
                    // Not reached when the body returns early or its request is dropped: then the
                    // connection is checked before it is lent again (see `Reader`).
                    let answer = {
                        let $conn = &mut *lent;
                        $body
                    };
                    lent.finished();
                    answer
                }
                Err(error) => Err(error.into()),
            },
            $crate::server::db::Reader::Postgres(pool) => {
                let mut first_try = true;
                loop {
                    let answer = match pool.acquire().await {
                        Ok(mut lent) => {
                            let $conn = &mut *lent;
                            $body
                        }
                        Err(error) => Err(error.into()),
                    };
                    // A read is run again, once, if its connection had been cut since it was last
                    // used (see `met_a_cut_connection`).
                    if first_try && $crate::server::db::met_a_cut_connection(&answer) {
                        first_try = false;
                        continue;
                    }
                    break answer;
                }
            }
        }
    };
}
pub use with_reader;

/// Whether a read's `answer` failed because its connection had been cut (PostgreSQL restarted,
/// or the network dropped it): then the cut is noted, so that the pool checks each connection used
/// before it, and the read may run again on a sound one. Only a read: a write that met a cut may
/// or may not have been applied, and its caller must be told. An error of the read's own type
/// that is not sqlx's is taken as the read's own answer.
#[doc(hidden)]
pub fn met_a_cut_connection<T, E: 'static>(answer: &Result<T, E>) -> bool {
    let Err(error) = answer else { return false };
    let cut = (error as &dyn std::any::Any).downcast_ref::<sqlx::Error>().is_some_and(connect::is_cut_connection);
    if cut {
        connect::note_cut_connection();
    }
    cut
}

/// Runs `$body` with `$conn` bound to the connection of either backend, as [`with_pool!`] does
/// for pools.
#[macro_export]
macro_rules! with_conn {
    ($conn_ref:expr, $conn:ident => $body:expr) => {
        match $conn_ref {
            $crate::server::db::Conn::Sqlite($conn) => $body,
            $crate::server::db::Conn::Postgres($conn) => $body,
        }
    };
}
pub use with_conn;

pub use crate::server::text::rfc3339;

/// A database failure: unreachable or busy (503, try again soon), a text the database cannot store
/// (the client's NUL byte: 400), a row written for one deleted meanwhile (409, as a change that
/// lost a race: an order, a sign-in or a cart of an account an admin deleted at that moment), or
/// anything else (500). The cause is logged, never sent.
impl From<sqlx::Error> for crate::error::AppError {
    fn from(error: sqlx::Error) -> Self {
        use crate::error::AppError;
        if health::is_unreachable(&error) {
            tracing::warn!(%error, "database unreachable");
            AppError::Unavailable { retry_after_secs: health::RETRY_AFTER_SECS }
        } else if health::is_busy(&error) {
            tracing::warn!(%error, "database busy");
            AppError::Unavailable { retry_after_secs: health::RETRY_AFTER_SECS }
        } else if health::is_unstorable_text(&error) {
            AppError::BadRequest("the text holds a character that cannot be stored".into())
        } else if error.as_database_error().is_some_and(|e| e.is_foreign_key_violation()) {
            tracing::info!(%error, "a write named a row deleted meanwhile");
            AppError::StaleEdit
        } else {
            tracing::error!(%error, "database error");
            AppError::Internal
        }
    }
}
