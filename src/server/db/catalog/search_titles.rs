//! The columns derived from a product's title that SQL cannot derive, for rows older than the
//! columns: `search_title`, the title folded the application's way (`text::search_key`), and
//! `title_lower`, the title in lower case for every letter (SQLite's `lower()` and PostgreSQL's
//! under the C locale lower ASCII letters only). Writes set both; this fills them after the
//! migrations (and after a restore from an older backup), in batches.

use crate::server::db::{with_pool, Db};
use crate::server::text::search_key;

/// Rows filled per transaction: a large catalog upgrades without one long write lock.
const BATCH: i64 = 500;

/// Derives the columns of every product that lacks one; returns how many products it filled.
pub async fn fill_missing(db: &Db) -> sqlx::Result<u64> {
    let mut filled = 0;
    loop {
        let select = "SELECT id, title FROM products WHERE search_title IS NULL OR title_lower IS NULL \
                      ORDER BY id LIMIT $1";
        let rows: Vec<(i64, String)> =
            with_pool!(db.writer(), pool => sqlx::query_as(select).bind(BATCH).fetch_all(pool).await)?;
        if rows.is_empty() {
            return Ok(filled);
        }
        // Both from the title as it is now: a row another node wrote meanwhile gets the same.
        let update = "UPDATE products SET search_title = $1, title_lower = $2 WHERE id = $3 AND title = $4";
        with_pool!(db.writer(), pool => {
            let mut tx = pool.begin().await?;
            for (id, title) in &rows {
                sqlx::query(update)
                    .bind(search_key(title)).bind(title.to_lowercase()).bind(id).bind(title)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await
        })?;
        filled += rows.len() as u64;
    }
}
