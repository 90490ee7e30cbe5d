//! A consistent snapshot of the database, in each backend's own form: SQLite copies itself
//! with `VACUUM INTO` (one read transaction, so one moment); PostgreSQL writes every backed-up
//! table with `COPY … TO STDOUT` inside one `REPEATABLE READ READ ONLY` transaction, so every
//! table shows the same moment while the store goes on writing.

use super::{Column, TABLES};
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
}

/// Writes SQLite's copy of itself to `file` (which must not exist) and describes its tables.
pub async fn sqlite_snapshot(db: &Db, file: &Path) -> sqlx::Result<Vec<DumpedTable>> {
    let Db::Sqlite { read, .. } = db else { return Err(sqlx::Error::Protocol("not a SQLite database".into())) };
    let target = file.to_string_lossy().into_owned();
    sqlx::query("VACUUM INTO $1").bind(target).execute(read).await?;
    let snapshot = super::load::SqliteSnapshot::open(file).await?;
    let mut tables = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let columns = snapshot.columns(table.name).await?;
        let rows = snapshot.count(table.name).await?;
        tables.push(DumpedTable { name: table.name.to_owned(), columns, rows });
    }
    snapshot.close().await;
    Ok(tables)
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
        tables.push(DumpedTable { name: table.name.to_owned(), columns, rows });
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
