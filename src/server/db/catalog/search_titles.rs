//! The columns derived from a product's title that SQL cannot derive, for rows older than the
//! columns: `search_title`, the title folded the application's way (`text::search_key`), and
//! `title_lower`, the title in lower case for every letter (SQLite's `lower()` and PostgreSQL's
//! under the C locale lower ASCII letters only). Writes set both; this fills them after the
//! migrations (and after a restore from an older backup), in batches.

use crate::server::db::{with_pool, Db};
use crate::server::text::search_key;

/// Rows filled per transaction: a large catalog upgrades without one long write lock.
const BATCH: i64 = 500;

/// Derives the columns of every product that lacks one; returns how many columns it filled.
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
        // Each column only where it is missing: rewriting `search_title` would have its full-text
        // index rebuild the product (triggers of migration 0006) for nothing. Both from the title
        // as it is now; a row renamed meanwhile keeps its NULL, and is read again.
        let search_title =
            "UPDATE products SET search_title = $1 WHERE id = $2 AND title = $3 AND search_title IS NULL";
        let title_lower = "UPDATE products SET title_lower = $1 WHERE id = $2 AND title = $3 AND title_lower IS NULL";
        let changed = with_pool!(db.writer(), pool => {
            let mut tx = pool.begin().await?;
            let mut changed = 0;
            for (id, title) in &rows {
                changed += sqlx::query(search_title).bind(search_key(title)).bind(id).bind(title)
                    .execute(&mut *tx).await?.rows_affected();
                changed += sqlx::query(title_lower).bind(title.to_lowercase()).bind(id).bind(title)
                    .execute(&mut *tx).await?.rows_affected();
            }
            tx.commit().await?;
            Ok::<u64, sqlx::Error>(changed)
        })?;
        // Every row of the batch renamed meanwhile: the next start fills them, rather than this
        // loop chasing renames.
        if changed == 0 {
            return Ok(filled);
        }
        filled += changed;
    }
}
