//! Opening the pool named by the database URL, with errors a person can act on.

use super::Db;
use crate::server::config::{redact_url, DatabaseConfig, SqliteSynchronousSetting};
use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    Connection,
};
use std::{
    str::FromStr,
    sync::{
        atomic::{AtomicU64, Ordering},
        OnceLock,
    },
    time::{Duration, Instant},
};

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("DATABASE_URL must start with sqlite:// or postgres://, but it is {0}")]
    UnknownScheme(String),
    #[error("an in-memory SQLite database cannot be shared by the server's connections: use a file, e.g. sqlite://data/tienda.db")]
    InMemorySqlite,
    #[error("DATABASE_URL {url} is not a valid database URL: {reason}")]
    Malformed { url: String, reason: String },
    #[error("cannot open the SQLite database {path}: {reason}")]
    Sqlite { path: String, reason: String },
    #[error("cannot reach PostgreSQL at {target}: {reason}")]
    Postgres { target: String, reason: String },
}

/// A PostgreSQL connection idle this long is checked before it is used.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(1);

/// When a statement last found its PostgreSQL connection cut ([`note_cut_connection`]), in
/// nanoseconds since [`clock_start`]; 0 for never. One for the process: a cut seen on one pool
/// makes another (a test's second server) check its connections once, which costs a ping each.
static LAST_CUT: AtomicU64 = AtomicU64::new(0);

fn clock_start() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

fn nanos_since_start(at: Instant) -> u64 {
    u64::try_from(at.saturating_duration_since(clock_start()).as_nanos()).unwrap_or(u64::MAX)
}

/// Whether `error` says that the connection it came from was cut (PostgreSQL restarted or shut
/// down, or the network between dropped it), rather than that the statement failed on its own.
pub(super) fn is_cut_connection(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) => true,
        // 08: connection exceptions; 57P01-57P03: the server shutting down or starting up.
        sqlx::Error::Database(error) => {
            error.code().is_some_and(|code| code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03"))
        }
        _ => false,
    }
}

/// Records that a connection was found cut just now. A restart cuts every connection the pool
/// holds, and one lent within a second of its last use is not checked first
/// ([`PING_WHEN_IDLE_FOR`]): each would fail the next statement it ran, one failed request per
/// open connection. From now on the pool checks every connection last used before this moment.
pub(super) fn note_cut_connection() {
    LAST_CUT.store(nanos_since_start(Instant::now()).max(1), Ordering::Relaxed);
}

/// Whether a connection idle for `idle_for` was last used before the last cut seen.
fn used_before_last_cut(idle_for: Duration) -> bool {
    let cut = LAST_CUT.load(Ordering::Relaxed);
    let idle_for = u64::try_from(idle_for.as_nanos()).unwrap_or(u64::MAX);
    cut != 0 && nanos_since_start(Instant::now()).saturating_sub(idle_for) <= cut
}

/// How long SQLite waits for another process's write lock before it gives up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub async fn connect(config: &DatabaseConfig) -> Result<Db, ConnectError> {
    let url = config.url.trim();
    if url.starts_with("sqlite:") {
        connect_sqlite(url, config).await
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        connect_postgres(url, config).await
    } else {
        Err(ConnectError::UnknownScheme(redact_url(url)))
    }
}

async fn connect_sqlite(url: &str, config: &DatabaseConfig) -> Result<Db, ConnectError> {
    let malformed = |e: sqlx::Error| ConnectError::Malformed { url: url.to_owned(), reason: e.to_string() };
    let options = SqliteConnectOptions::from_str(url)
        .map_err(malformed)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(match config.sqlite_synchronous {
            SqliteSynchronousSetting::Full => SqliteSynchronous::Full,
            SqliteSynchronousSetting::Normal => SqliteSynchronous::Normal,
        })
        .foreign_keys(true)
        // The log is checkpointed by a background task (`wal`); this is only its backstop.
        .pragma("wal_autocheckpoint", super::wal::AUTOCHECKPOINT_PAGES.to_string())
        // Other processes (a second server, `tienda seed`) may hold the write lock for a moment.
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        // Pages read through the map come from the operating system's cache as they are. Without
        // it, each connection looks pages up in, and copies them into, a 2 MB cache of its own,
        // which a catalog's search index and rows outgrow (with 100,051 products, a two-word
        // search took about 80 µs less CPU a request with the map: `docs/testing.md`). What is
        // mapped is the kernel's page cache of the file, not memory of the process's own.
        .pragma("mmap_size", (config.sqlite_mmap_mb * 1024 * 1024).to_string());
    // sqlx gives each in-memory connection a database of its own; the readers would see no tables.
    if url.contains(":memory:") || url.contains("mode=memory") {
        return Err(ConnectError::InMemorySqlite);
    }
    let path = options.get_filename().display().to_string();
    let fail = |reason: String| ConnectError::Sqlite { path: path.clone(), reason };
    if let Some(parent) = options.get_filename().parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| fail(e.to_string()))?;
    }
    let acquire = Duration::from_secs(config.connect_timeout_secs);
    // No ping before each acquire (sqlx's default): a connection to a local file cannot go stale,
    // and the ping is one more round trip to the connection's thread for every query.
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .acquire_timeout(acquire)
        .connect_with(options.clone())
        .await
        .map_err(|e| fail(e.to_string()))?;
    // The request path's reads; its first connection is opened now, so a file that cannot be
    // read fails here.
    let readers = super::Readers::open(options.clone(), config.max_connections as usize, acquire)
        .await
        .map_err(|e| fail(e.to_string()))?;
    // sqlx's pool, for backups and the health probe's connect options: opened when first used.
    let read = SqlitePoolOptions::new()
        .max_connections(config.max_connections.max(1))
        .test_before_acquire(false)
        .acquire_timeout(acquire)
        .connect_lazy_with(options);
    // A checkout waits for the writer, then perhaps for another process's lock.
    let checkouts = super::orders::CheckoutQueue::start(write.clone(), acquire + SQLITE_BUSY_TIMEOUT);
    Ok(Db::Sqlite { readers: std::sync::Arc::new(readers), read, write, checkouts })
}

async fn connect_postgres(url: &str, config: &DatabaseConfig) -> Result<Db, ConnectError> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| ConnectError::Malformed { url: redact_url(url), reason: e.to_string() })?;
    let target = format!("{}:{}", options.get_host(), options.get_port());
    let timeout = Duration::from_secs(config.connect_timeout_secs);
    let pool = PgPoolOptions::new()
        .max_connections(config.max_connections.max(1))
        .acquire_timeout(timeout)
        // sqlx pings every connection as it is handed out, a round trip before each statement
        // (and another as it comes back, which cannot be turned off). Only a connection that has
        // sat idle may have been cut meanwhile, or one used before a cut another statement met
        // (a restart cuts them all); a busy one that breaks fails its statement, and the ping on
        // its return closes it. One that fails its ping is closed, and another is lent.
        .test_before_acquire(false)
        .before_acquire(|connection, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_WHEN_IDLE_FOR || used_before_last_cut(meta.idle_for) {
                    connection.ping().await?;
                }
                Ok(true)
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| ConnectError::Postgres { target, reason: e.to_string() })?;
    Ok(Db::Postgres(pool))
}
