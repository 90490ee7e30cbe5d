//! What the sitemap lists: an index of files, one file of the fixed pages and the categories, and
//! the product pages split by id range into files of at most [`URLS_PER_FILE`].
//!
//! Product file `k` holds the products whose id is in `((k - 1) * per_file, k * per_file]`, so a
//! file's contents do not move as the catalog grows (new products get new ids, in the last file or
//! a new one), and only ranges that hold a product are listed. A product file is read a chunk of
//! [`ROWS_PER_READ`] rows at a time, each chunk its own short query: a file of any size is
//! written without holding it whole, and a slow reader holds no database connection.

use crate::error::AppError;
use crate::server::{app::state::AppState, db::catalog::sitemap as db, db::Db};
use chrono::{DateTime, Utc};

pub use crate::server::db::catalog::sitemap::{CategorySitemapRow, ProductRange, ProductSitemapRow};

/// The most URLs one sitemap file may hold (the sitemap protocol's limit), and so how many
/// product ids each product file covers.
pub const URLS_PER_FILE: i64 = 50_000;

/// How many products one query of a product file reads.
pub const ROWS_PER_READ: i64 = 1_000;

/// The fixed pages' and the categories' file.
pub struct Pages {
    /// The newest change in the catalog (a category or any product): the home page's and the
    /// catalog's. `None` while the catalog is empty.
    pub newest: Option<DateTime<Utc>>,
    pub categories: Vec<CategorySitemapRow>,
}

/// What the sitemap index lists.
pub struct Index {
    /// When the pages file last changed (`None` while the catalog is empty).
    pub pages_updated_at: Option<DateTime<Utc>>,
    /// The product files that hold products, in order, each with its newest change.
    pub product_files: Vec<ProductRange>,
}

pub async fn pages(state: &AppState) -> Result<Pages, AppError> {
    let categories = db::select_category_pages(&state.db).await?;
    // Every product is in a category, and a category's date is its newest product's when later.
    let newest = categories.iter().map(|row| row.updated_at).max();
    Ok(Pages { newest, categories })
}

/// The index for product files of `per_file` ids each ([`URLS_PER_FILE`] on the site; a story
/// passes a small number to see the partition at work).
pub async fn index(state: &AppState, per_file: i64) -> Result<Index, AppError> {
    let (categories_changed, product_files) =
        tokio::try_join!(db::select_newest_category_change(&state.db), db::select_product_ranges(&state.db, per_file))?;
    // The pages file's newest change, without reading every category's products again: every
    // product is in a range, so the newest of the ranges and of the categories themselves.
    let products_changed = product_files.iter().map(|range| range.updated_at).max();
    Ok(Index { pages_updated_at: categories_changed.max(products_changed), product_files })
}

/// The ids product file `number` covers, as `(after, last)`: `after < id <= last`. `None` for a
/// number below 1 or one whose range does not fit an id.
pub fn id_range(per_file: i64, number: i64) -> Option<(i64, i64)> {
    if per_file < 1 || number < 1 {
        return None;
    }
    Some(((number - 1).checked_mul(per_file)?, number.checked_mul(per_file)?))
}

/// Product file `number` of files of `per_file` ids each, its first chunk already read; `None`
/// when the file holds no product (or no file has that number).
pub async fn product_file(state: &AppState, per_file: i64, number: i64) -> Result<Option<ProductFile>, AppError> {
    let Some((after, last)) = id_range(per_file, number) else {
        return Ok(None);
    };
    let mut file = ProductFile { db: state.db.clone(), after, last, pending: None, done: false };
    let first = file.read().await?;
    if first.is_empty() {
        return Ok(None);
    }
    file.pending = Some(first);
    Ok(Some(file))
}

/// A product file being read, chunk by chunk: it holds at most one chunk, and no connection.
pub struct ProductFile {
    db: Db,
    /// The last id read so far (the chunk after it starts beyond it).
    after: i64,
    /// The file's last id.
    last: i64,
    /// The first chunk, read to learn whether the file exists.
    pending: Option<Vec<ProductSitemapRow>>,
    /// A short chunk was read: the file holds nothing more.
    done: bool,
}

impl ProductFile {
    /// The next products of the file, in id order; empty once it has all been read.
    pub async fn next_rows(&mut self) -> Result<Vec<ProductSitemapRow>, AppError> {
        match self.pending.take() {
            Some(rows) => Ok(rows),
            None if self.done => Ok(Vec::new()),
            None => self.read().await,
        }
    }

    async fn read(&mut self) -> Result<Vec<ProductSitemapRow>, AppError> {
        let rows = db::select_product_chunk(&self.db, self.after, self.last, ROWS_PER_READ).await?;
        match rows.last() {
            Some(row) => self.after = row.id,
            None => self.done = true,
        }
        if rows.len() < ROWS_PER_READ as usize {
            self.done = true;
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::id_range;

    #[test]
    fn each_file_covers_its_own_ids() {
        assert_eq!(id_range(50_000, 1), Some((0, 50_000)));
        assert_eq!(id_range(50_000, 2), Some((50_000, 100_000)));
        assert_eq!(id_range(10, 3), Some((20, 30)));
        assert_eq!(id_range(50_000, 0), None, "files count from 1");
        assert_eq!(id_range(50_000, -1), None);
        assert_eq!(id_range(0, 1), None);
        assert_eq!(id_range(50_000, i64::MAX / 50_000 + 1), None, "past the last id");
        assert_eq!(
            id_range(50_000, i64::MAX / 50_000),
            Some((i64::MAX / 50_000 * 50_000 - 50_000, i64::MAX / 50_000 * 50_000))
        );
    }
}
