//! `products.search_title` for rows older than the column: the title folded the application's
//! way (`text::search_key`), which SQL cannot do, so it runs after the migrations, in batches.

use crate::server::db::{with_pool, Db};
use crate::server::text::search_key;

/// Rows filled per transaction: a large catalog upgrades without one long write lock.
const BATCH: i64 = 500;

/// Folds the title of every product that has no search title yet; returns how many it filled.
pub async fn fill_missing(db: &Db) -> sqlx::Result<u64> {
    let mut filled = 0;
    loop {
        let select = "SELECT id, title FROM products WHERE search_title IS NULL ORDER BY id LIMIT $1";
        let rows: Vec<(i64, String)> =
            with_pool!(db.writer(), pool => sqlx::query_as(select).bind(BATCH).fetch_all(pool).await)?;
        if rows.is_empty() {
            return Ok(filled);
        }
        // A row another node wrote meanwhile already has its title; the condition leaves it be.
        let update = "UPDATE products SET search_title = $1 WHERE id = $2 AND search_title IS NULL";
        with_pool!(db.writer(), pool => {
            let mut tx = pool.begin().await?;
            for (id, title) in &rows {
                sqlx::query(update).bind(search_key(title)).bind(id).execute(&mut *tx).await?;
            }
            tx.commit().await
        })?;
        filled += rows.len() as u64;
    }
}
