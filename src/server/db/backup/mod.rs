//! The SQL of backups and restores: which tables a backup holds and in what order they load,
//! the consistent snapshot each backend takes (`dump`), and the load into an empty database of
//! either backend (`load`), with values carried between the two dialects as [`cells::Cell`]s.

pub mod cells;
pub mod dump;
pub mod load;

use super::{with_pool, with_reader, Db};

/// A table a backup holds, in the order a restore loads them (each after the tables it
/// references).
#[derive(Debug, Clone, Copy)]
pub struct BackupTable {
    pub name: &'static str,
    /// Columns that reference the table itself: loaded empty, then filled once every row is in,
    /// since a row may name one that comes after it.
    pub self_references: &'static [&'static str],
}

const fn table(name: &'static str) -> BackupTable {
    BackupTable { name, self_references: &[] }
}

/// What a backup holds: the store's catalog, people, stores, carts and orders.
pub const TABLES: &[BackupTable] = &[
    BackupTable { name: "users", self_references: &["updated_by"] },
    table("categories"),
    table("products"),
    table("store_locations"),
    table("carts"),
    table("cart_lines"),
    table("orders"),
    table("order_lines"),
    table("order_events"),
];

/// The tables a backup leaves out, and why. Every table of the schema is in [`TABLES`] or here
/// (a story checks it on both backends), so a new table is a decision, not an accident.
pub const LEFT_OUT: &[(&str, &str)] = &[
    ("tower_sessions", "sign-ins: a restored store signs everyone in again"),
    ("refresh_tokens", "API sign-ins: a restored store signs everyone in again"),
    ("login_failures", "a ten-minute throttle"),
    ("password_resets", "links to set a new password, which work for an hour"),
    ("generated_secrets", "a demo installation's own keys, made again on start"),
    ("product_counts", "derived from the products as they load (triggers, or one statement on PostgreSQL)"),
    ("price_band_counts", "derived from the products as they load (triggers, or one statement on PostgreSQL)"),
    ("search_words", "PostgreSQL's list of the catalog's words, made again from the products as they load"),
    ("jobs", "the queue: a restore must not run old work again"),
    ("job_schedules", "registered again by the workers"),
    ("job_effects", "the queue's record of side effects"),
    ("job_results", "downloads, which expire within a week and are not in the backup"),
    ("_sqlx_migrations", "written by the migrations the restore runs"),
];

/// The tables of the active database's schema (without SQLite's internal and full-text tables).
pub async fn schema_tables(db: &Db) -> sqlx::Result<Vec<String>> {
    let sql = match db {
        Db::Sqlite { .. } => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE '%_fts%' AND name NOT LIKE '%_trigrams%' \
             ORDER BY name"
        }
        Db::Postgres(_) => {
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
             ORDER BY table_name"
        }
    };
    with_reader!(db.reader(), pool => sqlx::query_scalar(sql).fetch_all(pool).await)
}

/// The backed-up tables that hold rows: a restore goes only into a database where this is empty.
pub async fn tables_with_rows(db: &Db) -> sqlx::Result<Vec<&'static str>> {
    let mut found = Vec::new();
    for table in TABLES {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {})", table.name);
        let any: bool = with_pool!(db.writer(), pool => sqlx::query_scalar(&sql).fetch_one(pool).await)?;
        if any {
            found.push(table.name);
        }
    }
    Ok(found)
}

/// The latest migration the active database has applied: a backup records it, and a restore
/// refuses a backup from a newer schema than its own.
pub async fn schema_version(db: &Db) -> sqlx::Result<i64> {
    let sql = "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success";
    with_reader!(db.reader(), pool => sqlx::query_scalar(sql).fetch_one(pool).await)
}

/// Row counts of the backed-up tables, for the manifest and the restore's report.
pub async fn row_counts(db: &Db) -> sqlx::Result<Vec<(&'static str, i64)>> {
    let mut counts = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let sql = format!("SELECT COUNT(*) FROM {}", table.name);
        let count: i64 = with_reader!(db.reader(), pool => sqlx::query_scalar(&sql).fetch_one(pool).await)?;
        counts.push((table.name, count));
    }
    Ok(counts)
}

/// A column as a backup records it: its name and its type in the source's dialect
/// (`INTEGER`, `TEXT`, … from SQLite; `int8`, `bool`, `timestamptz`, … from PostgreSQL).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Column {
    pub name: String,
    pub sql_type: String,
}
