//! The sitemap's reads: the categories with when their page last changed, how the products fall
//! into the sitemap's files (by id range), and one file's products a short chunk at a time, so a
//! file of any size is written without holding it whole or keeping a connection between chunks.

use crate::server::db::{with_reader, Db};
use chrono::{DateTime, Utc};
use sqlx::FromRow;

/// A category page for the sitemap, with when it last changed.
#[derive(FromRow, Debug, Clone)]
pub struct CategorySitemapRow {
    pub slug: String,
    pub updated_at: DateTime<Utc>,
}

/// A product page for the sitemap, with the id that orders and partitions them.
#[derive(FromRow, Debug, Clone)]
pub struct ProductSitemapRow {
    pub id: i64,
    pub slug: String,
    pub updated_at: DateTime<Utc>,
}

/// One range of product ids that holds products: file `number` holds the ids in
/// `((number - 1) * per_file, number * per_file]`.
#[derive(FromRow, Debug, Clone, PartialEq, Eq)]
pub struct ProductRange {
    pub number: i64,
    pub products: i64,
    pub updated_at: DateTime<Utc>,
}

/// Every category page, in id order, with when it last changed: the category itself or the newest
/// of its products, whichever is later.
pub async fn select_category_pages(db: &Db) -> sqlx::Result<Vec<CategorySitemapRow>> {
    let sql = "SELECT c.slug, CASE WHEN MAX(p.updated_at) > c.updated_at THEN MAX(p.updated_at) \
               ELSE c.updated_at END AS updated_at \
               FROM categories c LEFT JOIN products p ON p.category_id = c.id \
               GROUP BY c.id, c.slug, c.updated_at ORDER BY c.id";
    with_reader!(db.reader(), pool => sqlx::query_as(sql).fetch_all(pool).await)
}

/// When a category itself last changed (not its products), `None` without categories.
pub async fn select_newest_category_change(db: &Db) -> sqlx::Result<Option<DateTime<Utc>>> {
    let sql = "SELECT MAX(updated_at) FROM categories";
    with_reader!(db.reader(), pool => sqlx::query_scalar(sql).fetch_one(pool).await)
}

/// The ranges of `per_file` product ids that hold at least one product, in order, with how many
/// they hold and their newest change. `per_file` must be 1 or more.
pub async fn select_product_ranges(db: &Db, per_file: i64) -> sqlx::Result<Vec<ProductRange>> {
    // Reads only `id` and `updated_at`, which the `products_updated` index holds (with the row's
    // id), so SQLite scans that index rather than the whole table.
    let sql = "SELECT (id - 1) / $1 + 1 AS number, COUNT(*) AS products, MAX(updated_at) AS updated_at \
               FROM products GROUP BY 1 ORDER BY 1";
    with_reader!(db.reader(), pool => sqlx::query_as(sql).bind(per_file.max(1)).fetch_all(pool).await)
}

/// At most `limit` products with `after < id <= last`, in id order: one chunk of a sitemap file.
/// The next chunk starts after the last id returned.
pub async fn select_product_chunk(db: &Db, after: i64, last: i64, limit: i64) -> sqlx::Result<Vec<ProductSitemapRow>> {
    let sql = "SELECT id, slug, updated_at FROM products WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3";
    with_reader!(db.reader(), pool => sqlx::query_as(sql).bind(after).bind(last).bind(limit).fetch_all(pool).await)
}
