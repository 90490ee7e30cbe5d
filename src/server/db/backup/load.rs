//! A restore's load: every backed-up table, read from the backup's own form (a SQLite copy or
//! PostgreSQL `COPY` text), written into an empty database of either backend in one transaction,
//! a batch of rows per statement, so a large catalog never sits in memory and a failure leaves
//! the database as empty as it was.

use super::cells::{self, Cell};
use super::{dump::DumpedTable, BackupTable, Column, TABLES};
use crate::server::db::{Conn, Db};
use sqlx::{sqlite::SqliteConnectOptions, Row, SqlitePool, TypeInfo, ValueRef};
use std::path::{Path, PathBuf};
use tokio::io::{AsyncBufReadExt, AsyncReadExt};

/// Rows per INSERT: well under both backends' limits on bound values for any table here.
const BATCH_ROWS: usize = 200;

/// The longest row of `COPY` text a restore reads (a product's description is far shorter).
const MAX_ROW_BYTES: usize = 16 * 1024 * 1024;

/// Where a backup's rows come from.
pub enum Source {
    /// A SQLite copy (`VACUUM INTO`).
    Sqlite(SqliteSnapshot),
    /// A folder of `<table>.copy` files, with each table's columns as the manifest lists them.
    Copy { dir: PathBuf, tables: Vec<DumpedTable> },
}

/// What a load wrote: rows per table.
pub type Loaded = Vec<(&'static str, u64)>;

/// PostgreSQL's row triggers that derive tables from products, off while a restore loads them:
/// [`count_products_once`] and [`list_search_words_once`] make their tables in one statement each.
const DERIVING_TRIGGERS: [&str; 3] = ["product_counts_follow", "price_band_counts_follow", "search_words_follow"];

/// Loads every backed-up table from `source` into `db`, which must hold none of their rows.
pub async fn load(db: &Db, source: &Source) -> Result<Loaded, LoadError> {
    match db {
        Db::Sqlite { write, .. } => {
            let mut tx = write.begin_with(db.begin_write()).await?;
            let (loaded, next_ids) = load_tables(Conn::Sqlite(&mut tx), source).await?;
            continue_sqlite_ids(&mut tx, &next_ids).await?;
            tx.commit().await?;
            Ok(loaded)
        }
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            for trigger in DERIVING_TRIGGERS {
                sqlx::query(&format!("ALTER TABLE products DISABLE TRIGGER {trigger}")).execute(&mut *tx).await?;
            }
            let (loaded, next_ids) = load_tables(Conn::Postgres(&mut tx), source).await?;
            count_products_once(&mut tx).await?;
            list_search_words_once(&mut tx).await?;
            for trigger in DERIVING_TRIGGERS {
                sqlx::query(&format!("ALTER TABLE products ENABLE TRIGGER {trigger}")).execute(&mut *tx).await?;
            }
            continue_postgres_ids(&mut tx, &next_ids).await?;
            tx.commit().await?;
            Ok(loaded)
        }
    }
}

/// Why a load stopped (nothing of it is kept).
#[derive(Debug)]
pub enum LoadError {
    Database(sqlx::Error),
    /// The backup's contents do not fit this schema, or cannot be read.
    Backup(String),
}

impl From<sqlx::Error> for LoadError {
    fn from(error: sqlx::Error) -> Self {
        LoadError::Database(error)
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Database(error) => write!(f, "the database refused the rows: {error}"),
            LoadError::Backup(reason) => f.write_str(reason),
        }
    }
}

/// The id each table's next row would have had in the source.
type NextIds = Vec<(&'static str, Option<i64>)>;

async fn load_tables(mut conn: Conn<'_>, source: &Source) -> Result<(Loaded, NextIds), LoadError> {
    let mut loaded = Vec::with_capacity(TABLES.len());
    let mut next_ids = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let Some(source_columns) = source.columns(table.name).await? else {
            return Err(LoadError::Backup(format!("the backup has no table {}", table.name)));
        };
        let target = target_columns(conn.reborrow(), table.name).await?;
        let plan = Plan::new(table, &source_columns, &target)?;
        let rows = match source {
            Source::Sqlite(snapshot) => snapshot.load_into(conn.reborrow(), &plan).await?,
            Source::Copy { dir, .. } => {
                load_copy_file(conn.reborrow(), &plan, &super::dump::copy_file(dir, table.name)).await?
            }
        };
        fill_self_references(conn.reborrow(), &plan).await?;
        loaded.push((table.name, rows));
        next_ids.push((table.name, source.next_id(table.name).await?));
    }
    Ok((loaded, next_ids))
}

impl Source {
    async fn next_id(&self, table: &str) -> Result<Option<i64>, LoadError> {
        match self {
            Source::Sqlite(snapshot) => Ok(snapshot.next_id(table).await?),
            Source::Copy { tables, .. } => Ok(tables.iter().find(|t| t.name == table).and_then(|t| t.next_id)),
        }
    }

    /// The table's columns in the backup; `None` when the backup predates the table.
    async fn columns(&self, table: &str) -> Result<Option<Vec<Column>>, LoadError> {
        match self {
            Source::Sqlite(snapshot) => {
                let columns = snapshot.columns(table).await?;
                Ok((!columns.is_empty()).then_some(columns))
            }
            Source::Copy { tables, .. } => Ok(tables.iter().find(|t| t.name == table).map(|t| t.columns.clone())),
        }
    }
}

/// How one table loads: the backup's columns, each with its source type and the target's.
struct Plan {
    table: &'static BackupTable,
    columns: Vec<PlannedColumn>,
    /// Values of self-referencing columns, set once every row is in: (row id, column, value).
    deferred: std::sync::Mutex<Vec<(i64, usize, i64)>>,
}

struct PlannedColumn {
    name: String,
    source_type: String,
    target_type: String,
    deferred: bool,
}

impl Plan {
    fn new(table: &'static BackupTable, source: &[Column], target: &[Column]) -> Result<Self, LoadError> {
        let mut columns = Vec::with_capacity(source.len());
        for column in source {
            let Some(target_column) = target.iter().find(|t| t.name == column.name) else {
                return Err(LoadError::Backup(format!(
                    "the backup has a column {}.{} this version of Tienda does not know",
                    table.name, column.name
                )));
            };
            columns.push(PlannedColumn {
                name: column.name.clone(),
                source_type: column.sql_type.to_ascii_lowercase(),
                target_type: target_column.sql_type.clone(),
                deferred: table.self_references.contains(&column.name.as_str()),
            });
        }
        Ok(Plan { table, columns, deferred: Default::default() })
    }

    fn insert_head(&self) -> String {
        let names: Vec<String> = self.columns.iter().map(|c| format!("\"{}\"", c.name)).collect();
        format!("INSERT INTO {} ({}) ", self.table.name, names.join(", "))
    }

    /// Refuses a value of another kind than its SQLite column holds (a number as text, …).
    fn check_for_sqlite(&self, row: &[Cell]) -> Result<(), LoadError> {
        for (cell, column) in row.iter().zip(&self.columns) {
            if !cell.fits_sqlite_column(&column.target_type) {
                return Err(LoadError::Backup(format!(
                    "{}.{}: {cell:?} does not fit a {} column",
                    self.table.name, column.name, column.target_type
                )));
            }
        }
        Ok(())
    }

    /// Sets aside the values of self-referencing columns (loaded empty for now).
    fn defer(&self, mut row: Vec<Cell>) -> Vec<Cell> {
        let id = self.columns.iter().position(|c| c.name == "id").and_then(|i| match row[i] {
            Cell::Int(id) => Some(id),
            _ => None,
        });
        for (index, column) in self.columns.iter().enumerate() {
            if column.deferred {
                if let (Some(id), Cell::Int(value)) = (id, &row[index]) {
                    self.deferred.lock().unwrap_or_else(|e| e.into_inner()).push((id, index, *value));
                }
                row[index] = Cell::Null;
            }
        }
        row
    }
}

/// The columns a restore can write in the target (generated ones are left out).
async fn target_columns(conn: Conn<'_>, table: &str) -> sqlx::Result<Vec<Column>> {
    match conn {
        Conn::Sqlite(conn) => {
            let sql = "SELECT name, type FROM pragma_table_xinfo($1) WHERE hidden = 0 ORDER BY cid";
            let rows = sqlx::query(sql).bind(table).fetch_all(&mut *conn).await?;
            Ok(rows.iter().map(|row| Column { name: row.get(0), sql_type: row.get(1) }).collect())
        }
        Conn::Postgres(conn) => super::dump::postgres_columns(conn, table).await,
    }
}

async fn insert_rows(conn: Conn<'_>, plan: &Plan, rows: Vec<Vec<Cell>>) -> Result<(), LoadError> {
    if rows.is_empty() {
        return Ok(());
    }
    let rows: Vec<Vec<Cell>> = rows.into_iter().map(|row| plan.defer(row)).collect();
    match conn {
        Conn::Sqlite(conn) => {
            // SQLite stores whatever arrives; PostgreSQL's casts refuse a wrong value by themselves.
            for row in &rows {
                plan.check_for_sqlite(row)?;
            }
            let mut insert = sqlx::QueryBuilder::<sqlx::Sqlite>::new(plan.insert_head());
            insert.push_values(rows, |mut values, row| {
                for cell in row {
                    match cell {
                        Cell::Null => values.push_bind(None::<String>),
                        Cell::Int(n) => values.push_bind(n),
                        Cell::Real(x) => values.push_bind(x),
                        Cell::Bool(b) => values.push_bind(i64::from(b)),
                        // The very text sqlx writes for a time, so comparisons keep working.
                        Cell::Time(at) => values.push_bind(at),
                        Cell::Text(text) => values.push_bind(text),
                    };
                }
            });
            insert.build().execute(&mut *conn).await?;
        }
        Conn::Postgres(conn) => {
            let mut insert = sqlx::QueryBuilder::<sqlx::Postgres>::new(plan.insert_head());
            insert.push_values(rows, |mut values, row| {
                for (cell, column) in row.iter().zip(&plan.columns) {
                    values.push("CAST(");
                    values.push_bind_unseparated(cell.to_pg_text());
                    values.push_unseparated(format!(" AS {})", column.target_type));
                }
            });
            insert.build().execute(&mut *conn).await?;
        }
    }
    Ok(())
}

async fn fill_self_references(mut conn: Conn<'_>, plan: &Plan) -> sqlx::Result<()> {
    let deferred = std::mem::take(&mut *plan.deferred.lock().unwrap_or_else(|e| e.into_inner()));
    for (id, index, value) in deferred {
        let sql = format!("UPDATE {} SET \"{}\" = $1 WHERE id = $2", plan.table.name, plan.columns[index].name);
        crate::server::db::with_conn!(conn.reborrow(), conn => sqlx::query(&sql).bind(value).bind(id).execute(&mut *conn).await.map(|_| ()))?;
    }
    Ok(())
}

/// Fills `product_counts` and `price_band_counts` from the loaded products in one statement each.
/// On PostgreSQL the row triggers that keep them are off for the load: within one transaction
/// every bump of a category's counter leaves a row version the next bump must walk past, so
/// 100,000 products in five categories took over a minute (quadratic); this takes milliseconds. Turning the trigger off is itself part of the
/// transaction: other sessions never see it off, and wait for the table until the load commits.
async fn count_products_once(conn: &mut sqlx::PgConnection) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM product_counts").execute(&mut *conn).await?;
    sqlx::query(
        "INSERT INTO product_counts (category_id, products) \
         SELECT category_id, COUNT(*) FROM products GROUP BY category_id",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM price_band_counts").execute(&mut *conn).await?;
    sqlx::query(
        "INSERT INTO price_band_counts (category_id, band, products) \
         SELECT category_id, price_band(price_cents), COUNT(*) FROM products GROUP BY 1, 2",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Lists the loaded products' words for PostgreSQL's search (migration 0010) in one statement, as
/// [`count_products_once`] counts them: the row trigger that lists them is off for the load, since
/// it would cost seconds per 100,000 products. Words already listed stay.
async fn list_search_words_once(conn: &mut sqlx::PgConnection) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO search_words (word) SELECT DISTINCT unnest(tsvector_to_array(search_vector)) FROM products \
         ON CONFLICT (word) DO NOTHING",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves each identity past the restored ids and past the source's own next id, so the next
/// product or order gets an id no row ever had (order lines keep naming the products they sold,
/// even deleted ones).
async fn continue_postgres_ids(conn: &mut sqlx::PgConnection, next_ids: &NextIds) -> sqlx::Result<()> {
    let sql = "SELECT table_name::text FROM information_schema.columns \
               WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'";
    let with_identity: Vec<String> = sqlx::query_scalar(sql).fetch_all(&mut *conn).await?;
    for (table, next_id) in next_ids.iter().filter(|(t, _)| with_identity.iter().any(|name| name == t)) {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             GREATEST(COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, $1), false)"
        );
        sqlx::query(&sql).bind(next_id.unwrap_or(1)).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The same for SQLite's AUTOINCREMENT counters (which the loaded rows already moved past their
/// own ids).
async fn continue_sqlite_ids(conn: &mut sqlx::SqliteConnection, next_ids: &NextIds) -> sqlx::Result<()> {
    for (table, next_id) in next_ids {
        let Some(last_used) = next_id.map(|next| next - 1).filter(|last| *last > 0) else { continue };
        let raised = sqlx::query("UPDATE sqlite_sequence SET seq = MAX(seq, $1) WHERE name = $2")
            .bind(last_used)
            .bind(table)
            .execute(&mut *conn)
            .await?;
        if raised.rows_affected() == 0 {
            sqlx::query("INSERT INTO sqlite_sequence (name, seq) VALUES ($1, $2)")
                .bind(table)
                .bind(last_used)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

async fn load_copy_file(mut conn: Conn<'_>, plan: &Plan, file: &Path) -> Result<u64, LoadError> {
    let unreadable = |e: std::io::Error| LoadError::Backup(format!("cannot read {}: {e}", file.display()));
    let mut reader = tokio::io::BufReader::new(tokio::fs::File::open(file).await.map_err(unreadable)?);
    let (mut batch, mut count, mut line) = (Vec::with_capacity(BATCH_ROWS), 0_u64, Vec::new());
    loop {
        line.clear();
        // A row is read up to a bound, so a crafted file cannot make one line take all memory.
        let limit = u64::try_from(MAX_ROW_BYTES).unwrap_or(u64::MAX) + 1;
        let read = (&mut reader).take(limit).read_until(b'\n', &mut line).await.map_err(unreadable)?;
        if read == 0 {
            break;
        }
        if line.len() > MAX_ROW_BYTES {
            return Err(LoadError::Backup(format!("a row of {} is longer than any row can be", plan.table.name)));
        }
        let text = std::str::from_utf8(line.strip_suffix(b"\n").unwrap_or(&line))
            .map_err(|_| LoadError::Backup(format!("a row of {} is not UTF-8 text", plan.table.name)))?;
        batch.push(copy_row(text, plan)?);
        count += 1;
        if batch.len() == BATCH_ROWS {
            insert_rows(conn.reborrow(), plan, std::mem::take(&mut batch)).await?;
        }
    }
    insert_rows(conn, plan, batch).await?;
    Ok(count)
}

fn copy_row(line: &str, plan: &Plan) -> Result<Vec<Cell>, LoadError> {
    let fields: Vec<&str> = cells::copy_fields(line).collect();
    if fields.len() != plan.columns.len() {
        return Err(LoadError::Backup(format!(
            "a row of {} has {} values for {} columns",
            plan.table.name,
            fields.len(),
            plan.columns.len()
        )));
    }
    fields
        .iter()
        .zip(&plan.columns)
        .map(|(field, column)| cells::from_copy_field(field, &column.source_type))
        .collect::<Result<_, _>>()
        .map_err(|reason| LoadError::Backup(format!("{}: {reason}", plan.table.name)))
}

/// A SQLite copy opened read-only, as a backup's source.
pub struct SqliteSnapshot {
    pool: SqlitePool,
}

impl SqliteSnapshot {
    pub async fn open(file: &Path) -> sqlx::Result<Self> {
        let options = SqliteConnectOptions::new().filename(file).read_only(true);
        let pool = sqlx::pool::PoolOptions::new().max_connections(1).connect_with(options).await?;
        Ok(SqliteSnapshot { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub async fn columns(&self, table: &str) -> sqlx::Result<Vec<Column>> {
        let sql = "SELECT name, type FROM pragma_table_xinfo($1) WHERE hidden = 0 ORDER BY cid";
        let rows = sqlx::query(sql).bind(table).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|row| Column { name: row.get(0), sql_type: row.get(1) }).collect())
    }

    /// The id AUTOINCREMENT would give the table's next row, if the table has such an id.
    pub async fn next_id(&self, table: &str) -> sqlx::Result<Option<i64>> {
        let sql = "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = $1), 0) + 1 \
                   WHERE EXISTS (SELECT 1 FROM sqlite_master WHERE name = $1 AND sql LIKE '%AUTOINCREMENT%')";
        sqlx::query_scalar(sql).bind(table).fetch_optional(&self.pool).await
    }

    pub async fn count(&self, table: &str) -> sqlx::Result<u64> {
        let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&self.pool).await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Copies the table a batch at a time, in rowid order.
    async fn load_into(&self, mut conn: Conn<'_>, plan: &Plan) -> Result<u64, LoadError> {
        let names: Vec<String> = plan.columns.iter().map(|c| format!("\"{}\"", c.name)).collect();
        let sql = format!(
            "SELECT rowid, {} FROM {} WHERE rowid > $1 ORDER BY rowid LIMIT {BATCH_ROWS}",
            names.join(", "),
            plan.table.name
        );
        let (mut after, mut count) = (i64::MIN, 0_u64);
        loop {
            let rows = sqlx::query(&sql).bind(after).fetch_all(&self.pool).await?;
            let Some(last) = rows.last() else { return Ok(count) };
            after = last.try_get(0)?;
            count += rows.len() as u64;
            let cells = rows.iter().map(sqlite_cells).collect::<Result<Vec<_>, _>>()?;
            insert_rows(conn.reborrow(), plan, cells).await?;
        }
    }
}

/// A SQLite row's values (after its rowid) by what each value holds: SQLite's columns keep
/// whatever was stored, so the value, not the declared type, says what it is.
fn sqlite_cells(row: &sqlx::sqlite::SqliteRow) -> Result<Vec<Cell>, LoadError> {
    (1..row.len())
        .map(|index| {
            let raw = row.try_get_raw(index)?;
            if raw.is_null() {
                return Ok(Cell::Null);
            }
            let cell = match raw.type_info().name() {
                "INTEGER" => Cell::Int(row.try_get(index)?),
                "REAL" => Cell::Real(row.try_get(index)?),
                "TEXT" => Cell::Text(row.try_get(index)?),
                other => return Err(LoadError::Backup(format!("a {other} value where none is expected"))),
            };
            Ok(cell)
        })
        .collect()
}
