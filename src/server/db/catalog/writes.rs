//! Changing categories and products. Every change records who made it and bumps the row's
//! `version`; an update names the version it started from, so a stale edit changes nothing.

use super::encode_images;
use crate::model::catalog_edit::{CategoryDraft, ProductDraft, ProductPatch};
use crate::server::db::{with_pool, with_reader, Db};
use crate::server::text::search_key;
use chrono::{DateTime, Utc};

/// Who changes a row, and when.
#[derive(Debug, Clone, Copy)]
pub struct Change {
    /// Who made it; `None` for an anonymous caller while the API playground is open.
    pub by: Option<i64>,
    pub at: DateTime<Utc>,
}

/// Why a write did not happen (beyond a database failure).
#[derive(Debug)]
pub enum WriteError {
    /// The slug (derived from the name or title) belongs to another row.
    SlugTaken,
    /// The product names a category that does not exist.
    UnknownCategory,
    /// The row was changed since the version the edit started from.
    Stale,
    NotFound,
    /// The category still holds this many products.
    InUse(u64),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for WriteError {
    /// Constraint violations are told apart by kind, never by message text.
    fn from(error: sqlx::Error) -> Self {
        match error.as_database_error() {
            Some(db_error) if db_error.is_unique_violation() => Self::SlugTaken,
            // A row it names went meanwhile: the category (checked before each write, so this is a
            // race) or the admin making the change (deleted at that moment). Either way the edit
            // lost a race; asked again, it gets the answer that fits now.
            Some(db_error) if db_error.is_foreign_key_violation() => Self::Stale,
            _ => Self::Database(error),
        }
    }
}

pub async fn insert_category(db: &Db, draft: &CategoryDraft, slug: &str, change: Change) -> Result<i64, WriteError> {
    let sql = "INSERT INTO categories (name, slug, image, created_at, updated_at, updated_by) \
               VALUES ($1, $2, $3, $4, $4, $5) RETURNING id";
    let id = with_pool!(db.writer(), pool => sqlx::query_scalar(sql)
        .bind(&draft.name).bind(slug).bind(&draft.image).bind(change.at).bind(change.by)
        .fetch_one(pool).await)?;
    Ok(id)
}

pub async fn update_category(
    db: &Db,
    id: i64,
    version: i64,
    draft: &CategoryDraft,
    slug: &str,
    change: Change,
) -> Result<(), WriteError> {
    let sql = "UPDATE categories SET name = $1, slug = $2, image = $3, updated_at = $4, updated_by = $5, \
               version = version + 1 WHERE id = $6 AND version = $7";
    let updated = with_pool!(db.writer(), pool => sqlx::query(sql)
        .bind(&draft.name).bind(slug).bind(&draft.image).bind(change.at).bind(change.by).bind(id).bind(version)
        .execute(pool).await.map(|done| done.rows_affected()))?;
    versioned_outcome(db, "categories", id, updated).await
}

/// Deletes a category that holds no products. The count and the delete share a transaction, so
/// a product added in between cannot be orphaned (and the foreign key would refuse it anyway).
/// It reads before it writes, so on SQLite it takes the write lock first (`begin_write`): asked
/// for after the count, while another process writes, the lock would be refused at once.
pub async fn delete_category(db: &Db, id: i64) -> Result<(), WriteError> {
    with_pool!(db.writer(), pool => {
        let mut tx = pool.begin_with(db.begin_write()).await?;
        let products: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM products WHERE category_id = $1")
            .bind(id).fetch_one(&mut *tx).await?;
        if products > 0 {
            return Err(WriteError::InUse(products as u64));
        }
        let deleted = sqlx::query("DELETE FROM categories WHERE id = $1").bind(id).execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        if deleted == 1 { Ok(()) } else { Err(WriteError::NotFound) }
    })
}

pub async fn insert_product(db: &Db, draft: &ProductDraft, slug: &str, change: Change) -> Result<i64, WriteError> {
    // Selecting the category inserts nothing when it does not exist: no row, no id.
    let sql = "INSERT INTO products (title, slug, description, price_cents, stock, category_id, images, \
               search_text, created_at, updated_at, updated_by, search_title, title_lower) \
               SELECT $1, $2, $3, $4, $5, id, $6, $7, $8, $8, $9, $11, $12 FROM categories WHERE id = $10 RETURNING id";
    let id: Option<i64> = with_pool!(db.writer(), pool => sqlx::query_scalar(sql)
        .bind(&draft.title).bind(slug).bind(&draft.description).bind(draft.price.cents()).bind(draft.stock)
        .bind(encode_images(&draft.images)).bind(search_text(draft)).bind(change.at).bind(change.by)
        .bind(draft.category_id).bind(search_key(&draft.title)).bind(draft.title.to_lowercase())
        .fetch_optional(pool).await)?;
    id.ok_or(WriteError::UnknownCategory)
}

/// Replaces every field of a product (the PUT of the back office).
pub async fn update_product(
    db: &Db,
    id: i64,
    version: i64,
    draft: &ProductDraft,
    slug: &str,
    change: Change,
) -> Result<(), WriteError> {
    let sql = "UPDATE products SET title = $1, slug = $2, description = $3, price_cents = $4, stock = $5, \
               category_id = $6, images = $7, search_text = $8, updated_at = $9, updated_by = $10, \
               version = version + 1, search_title = $13, title_lower = $14 WHERE id = $11 AND version = $12 \
               AND EXISTS (SELECT 1 FROM categories WHERE id = $6)";
    let updated = with_pool!(db.writer(), pool => sqlx::query(sql)
        .bind(&draft.title).bind(slug).bind(&draft.description).bind(draft.price.cents()).bind(draft.stock)
        .bind(draft.category_id).bind(encode_images(&draft.images)).bind(search_text(draft))
        .bind(change.at).bind(change.by).bind(id).bind(version).bind(search_key(&draft.title))
        .bind(draft.title.to_lowercase())
        .execute(pool).await.map(|done| done.rows_affected()))?;
    if updated == 1 {
        return Ok(());
    }
    if !category_exists(db, draft.category_id).await? {
        return Err(WriteError::UnknownCategory);
    }
    Err(missing_or_stale(db, "products", id).await)
}

/// Changes one field of a product (the PATCH of the back office: the table's inline edits).
pub async fn patch_product(
    db: &Db,
    id: i64,
    version: i64,
    patch: ProductPatch,
    change: Change,
) -> Result<(), WriteError> {
    let (column, value) = match patch {
        ProductPatch::Price(price) => ("price_cents", price.cents()),
        ProductPatch::Stock(stock) => ("stock", stock),
    };
    let sql = format!(
        "UPDATE products SET {column} = $1, updated_at = $2, updated_by = $3, version = version + 1 \
         WHERE id = $4 AND version = $5"
    );
    let updated = with_pool!(db.writer(), pool => sqlx::query(&sql)
        .bind(value).bind(change.at).bind(change.by).bind(id).bind(version)
        .execute(pool).await.map(|done| done.rows_affected()))?;
    versioned_outcome(db, "products", id, updated).await
}

/// Deletes a product; returns its image list (so uploads it alone used can be removed).
pub async fn delete_product(db: &Db, id: i64) -> Result<Vec<String>, WriteError> {
    let sql = "DELETE FROM products WHERE id = $1 RETURNING images";
    let images: Option<String> =
        with_pool!(db.writer(), pool => sqlx::query_scalar(sql).bind(id).fetch_optional(pool).await)?;
    images.map(|json| super::decode_images(&json)).ok_or(WriteError::NotFound)
}

/// How many products, categories and people's avatars still show the upload at `url`, or its
/// thumbnail, however written (an upload two of them share must outlive either). Read on the
/// writer, right before a file is deleted.
pub async fn count_uses_of_image(db: &Db, url: &str) -> sqlx::Result<i64> {
    // Uploads have random names, and the name's stem (before its first dot) is in every address
    // of the file and of its thumbnail (`<stem>.thumb.jpg`): its path, the whole URL, the API's
    // `/api/v1/files/{name}` that `POST /files/upload` answers with, with a query or fragment
    // after it; and in no other file's. A `%` or `_` in it could only match more rows, which
    // keeps a file longer, never less (and an empty stem matches every row).
    let name = url.rsplit('/').next().unwrap_or(url);
    let stem = name.split(['.', '?', '#']).next().unwrap_or(name);
    let pattern = format!("%{stem}%");
    let sql = "SELECT (SELECT COUNT(*) FROM products WHERE images LIKE $1) \
               + (SELECT COUNT(*) FROM categories WHERE image LIKE $1) \
               + (SELECT COUNT(*) FROM users WHERE avatar LIKE $1)";
    with_pool!(db.writer(), pool => sqlx::query_scalar(sql).bind(pattern).fetch_one(pool).await)
}

/// The records that show images, each kind read by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageShowers {
    Products,
    Categories,
    Accounts,
}

/// The image addresses the next `limit` records of a kind show, after the record `after_id`: each
/// record's id and its addresses (a product's list, a category's image, an account's picture).
/// From a reader, a page at a time, so a sweep over them holds no connection long.
pub async fn image_addresses_after(
    db: &Db,
    showers: ImageShowers,
    after_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<(i64, Vec<String>)>> {
    let sql = match showers {
        ImageShowers::Products => "SELECT id, images FROM products WHERE id > $1 ORDER BY id LIMIT $2",
        ImageShowers::Categories => "SELECT id, image FROM categories WHERE id > $1 ORDER BY id LIMIT $2",
        ImageShowers::Accounts => "SELECT id, avatar FROM users WHERE id > $1 ORDER BY id LIMIT $2",
    };
    let rows: Vec<(i64, String)> =
        with_reader!(db.reader(), pool => sqlx::query_as(sql).bind(after_id).bind(limit).fetch_all(pool).await)?;
    let addresses = |text: String| match showers {
        ImageShowers::Products => super::decode_images(&text),
        ImageShowers::Categories | ImageShowers::Accounts => vec![text],
    };
    Ok(rows.into_iter().map(|(id, text)| (id, addresses(text))).collect())
}

/// Whether category `id` exists (read on the writer, as the write it comes before would be).
pub async fn category_exists(db: &Db, id: i64) -> sqlx::Result<bool> {
    let sql = "SELECT COUNT(*) FROM categories WHERE id = $1";
    let count: i64 = with_pool!(db.writer(), pool => sqlx::query_scalar(sql).bind(id).fetch_one(pool).await)?;
    Ok(count > 0)
}

/// What an `UPDATE … WHERE id = … AND version = …` that touched `updated` rows means.
async fn versioned_outcome(db: &Db, table: &'static str, id: i64, updated: u64) -> Result<(), WriteError> {
    if updated == 1 {
        Ok(())
    } else {
        Err(missing_or_stale(db, table, id).await)
    }
}

/// After an update touched no row: either the row is gone or its version moved on.
async fn missing_or_stale(db: &Db, table: &'static str, id: i64) -> WriteError {
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE id = $1");
    let found: sqlx::Result<i64> =
        with_pool!(db.writer(), pool => sqlx::query_scalar(&sql).bind(id).fetch_one(pool).await);
    match found {
        Ok(0) => WriteError::NotFound,
        Ok(_) => WriteError::Stale,
        Err(error) => WriteError::Database(error),
    }
}

fn search_text(draft: &ProductDraft) -> String {
    search_key(&format!("{} {}", draft.title, draft.description))
}
