//! A consistent snapshot of the database, in each backend's own form: SQLite copies itself
//! with `VACUUM INTO` (one read transaction, so one moment); PostgreSQL writes every backed-up
//! table with `COPY … TO STDOUT` inside one `REPEATABLE READ READ ONLY` transaction, so every
//! table shows the same moment while the store goes on writing.

use super::{Column, LEFT_OUT, TABLES};
use crate::server::db::Db;
use futures_util::StreamExt;
use sqlx::{Connection, Row};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// A backed-up table: its columns (in the source's dialect), its rows, and the file that holds
/// them (the SQLite copy, or the table's own `COPY` text).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DumpedTable {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: u64,
    /// The id the source would have given its next row (deleted rows' ids are not handed out
    /// again after a restore: order lines still name the products they sold).
    #[serde(default)]
    pub next_id: Option<i64>,
}

/// Writes SQLite's copy of itself to `file` (which must not exist) and describes its tables.
/// The copy is then emptied of what a backup leaves out (sign-ins, refresh tokens, a demo's own
/// keys, the queue) and vacuumed again with `secure_delete`, so no page of the file still holds
/// them: a backup must not hand whoever holds it a live session.
pub async fn sqlite_snapshot(db: &Db, file: &Path) -> sqlx::Result<Vec<DumpedTable>> {
    let Db::Sqlite { read, .. } = db else { return Err(sqlx::Error::Protocol("not a SQLite database".into())) };
    let target = file.to_string_lossy().into_owned();
    sqlx::query("VACUUM INTO $1").bind(target).execute(read).await?;
    scrub_sqlite_copy(file).await?;
    let snapshot = super::load::SqliteSnapshot::open(file).await?;
    let mut tables = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let columns = snapshot.columns(table.name).await?;
        let rows = snapshot.count(table.name).await?;
        let next_id = snapshot.next_id(table.name).await?;
        tables.push(DumpedTable { name: table.name.to_owned(), columns, rows, next_id });
    }
    snapshot.close().await;
    Ok(tables)
}

async fn scrub_sqlite_copy(file: &Path) -> sqlx::Result<()> {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(file).pragma("secure_delete", "ON");
    let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
    let present: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'").fetch_all(&mut conn).await?;
    for (table, _) in LEFT_OUT.iter().filter(|(name, _)| *name != "_sqlx_migrations") {
        if present.iter().any(|name| name == table) {
            sqlx::query(&format!("DELETE FROM {table}")).execute(&mut conn).await?;
        }
    }
    sqlx::query("VACUUM").execute(&mut conn).await?;
    conn.close().await
}

/// Writes each backed-up table of PostgreSQL into `dir/<table>.copy` as `COPY` text, all from
/// one transaction's view.
pub async fn postgres_copy(db: &Db, dir: &Path) -> sqlx::Result<Vec<DumpedTable>> {
    let Db::Postgres(pool) = db else { return Err(sqlx::Error::Protocol("not a PostgreSQL database".into())) };
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
    // Times in UTC and ISO form, which `cells` reads back whatever the server's own settings.
    sqlx::query("SET LOCAL TimeZone = 'UTC'").execute(&mut *tx).await?;
    sqlx::query("SET LOCAL DateStyle = 'ISO, YMD'").execute(&mut *tx).await?;
    let mut tables = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let columns = postgres_columns(&mut tx, table.name).await?;
        let names: Vec<String> = columns.iter().map(|c| format!("\"{}\"", c.name)).collect();
        let statement = format!("COPY {} ({}) TO STDOUT", table.name, names.join(", "));
        let rows = copy_into_file(&mut tx, &statement, &copy_file(dir, table.name)).await?;
        let next_id = postgres_next_id(&mut tx, table.name).await?;
        tables.push(DumpedTable { name: table.name.to_owned(), columns, rows, next_id });
    }
    tx.commit().await?;
    Ok(tables)
}

/// Where a table's `COPY` text is kept while a backup is made or restored.
pub fn copy_file(dir: &Path, table: &str) -> PathBuf {
    dir.join(format!("{table}.copy"))
}

/// The columns a restore can write (generated ones are made again by the target).
pub(super) async fn postgres_columns(conn: &mut sqlx::PgConnection, table: &str) -> sqlx::Result<Vec<Column>> {
    let sql = "SELECT column_name::text, udt_name::text FROM information_schema.columns \
               WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' \
               ORDER BY ordinal_position";
    let rows = sqlx::query(sql).bind(table).fetch_all(&mut *conn).await?;
    Ok(rows.iter().map(|row| Column { name: row.get(0), sql_type: row.get(1) }).collect())
}

/// The next value of the table's identity, if it has one (sequences are outside transactions:
/// this may be past the snapshot's rows, never before them).
async fn postgres_next_id(conn: &mut sqlx::PgConnection, table: &str) -> sqlx::Result<Option<i64>> {
    let sql = "SELECT COALESCE(pg_sequence_last_value(CAST(pg_get_serial_sequence($1, 'id') AS regclass)), 0) + 1 \
               FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 \
               AND column_name = 'id' AND is_identity = 'YES'";
    sqlx::query_scalar(sql).bind(table).fetch_optional(&mut *conn).await
}

async fn copy_into_file(conn: &mut sqlx::PgConnection, statement: &str, file: &Path) -> sqlx::Result<u64> {
    let mut out = tokio::io::BufWriter::new(tokio::fs::File::create(file).await?);
    let mut rows = 0_u64;
    let mut stream = conn.copy_out_raw(statement).await?;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        // Each row ends with a newline; newlines inside values are written as `\n`.
        rows += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        out.write_all(&chunk).await?;
    }
    drop(stream);
    out.flush().await?;
    out.into_inner().sync_all().await?;
    Ok(rows)
}
