//! Carts and their lines. A cart belongs to an account (`user_id`) or to a visitor's session
//! (the session keeps the cart's id); lines keep the price and title they were added with.

use super::catalog::first_image;
use super::{with_pool, with_reader, Db};
use crate::model::cart::{self, LeftBehind};
use chrono::{DateTime, Utc};
use sqlx::FromRow;

/// A cart line with the product as it is now (`None` fields: the product was deleted).
#[derive(Debug, FromRow)]
pub struct CartLineRecord {
    pub product_id: i64,
    pub quantity: i64,
    pub price_cents_seen: i64,
    pub title_seen: String,
    pub slug: Option<String>,
    pub title: Option<String>,
    pub price_cents: Option<i64>,
    pub stock: Option<i64>,
    images: Option<String>,
}

impl CartLineRecord {
    /// The product's first image as stored, if it still exists and has one.
    pub fn first_image(&self) -> Option<String> {
        first_image(self.images.as_deref()?)
    }
}

/// The product facts adding to a cart needs.
#[derive(Debug, FromRow)]
pub struct ProductForCart {
    pub title: String,
    pub price_cents: i64,
    pub stock: i64,
}

/// A new cart for a visitor without an account; returns its id.
pub async fn insert_guest_cart(db: &Db, at: DateTime<Utc>) -> sqlx::Result<i64> {
    let sql = "INSERT INTO carts (user_id, created_at, updated_at) VALUES (NULL, $1, $1) RETURNING id";
    with_pool!(db.writer(), pool => sqlx::query_scalar(sql).bind(at).fetch_one(pool).await)
}

/// The account's cart, created on first use.
pub async fn upsert_user_cart(db: &Db, user_id: i64, at: DateTime<Utc>) -> sqlx::Result<i64> {
    let sql = "INSERT INTO carts (user_id, created_at, updated_at) VALUES ($1, $2, $2) \
               ON CONFLICT (user_id) DO UPDATE SET updated_at = excluded.updated_at RETURNING id";
    with_pool!(db.writer(), pool => sqlx::query_scalar(sql).bind(user_id).bind(at).fetch_one(pool).await)
}

/// The account's cart id, if it has one.
pub async fn select_user_cart(db: &Db, user_id: i64) -> sqlx::Result<Option<i64>> {
    let sql = "SELECT id FROM carts WHERE user_id = $1";
    with_reader!(db.reader(), pool => sqlx::query_scalar(sql).bind(user_id).fetch_optional(pool).await)
}

/// True when a guest cart with this id is still there (carts left alone are swept).
pub async fn guest_cart_exists(db: &Db, cart_id: i64) -> sqlx::Result<bool> {
    let sql = "SELECT COUNT(*) FROM carts WHERE id = $1 AND user_id IS NULL";
    let n: i64 = with_reader!(db.reader(), pool => sqlx::query_scalar(sql).bind(cart_id).fetch_one(pool).await)?;
    Ok(n > 0)
}

pub async fn select_product_for_cart(db: &Db, product_id: i64) -> sqlx::Result<Option<ProductForCart>> {
    let sql = "SELECT title, price_cents, stock FROM products WHERE id = $1";
    with_reader!(db.reader(), pool => sqlx::query_as(sql).bind(product_id).fetch_optional(pool).await)
}

/// The quantity of a product already in the cart (0 when absent).
pub async fn select_line_quantity(db: &Db, cart_id: i64, product_id: i64) -> sqlx::Result<i64> {
    let sql = "SELECT quantity FROM cart_lines WHERE cart_id = $1 AND product_id = $2";
    let quantity: Option<i64> = with_reader!(db.reader(), pool => sqlx::query_scalar(sql)
        .bind(cart_id).bind(product_id).fetch_optional(pool).await)?;
    Ok(quantity.unwrap_or(0))
}

/// Sets a line to `quantity` units at the price and title the shopper just saw, adding it if new
/// and the cart holds fewer than `max_lines` lines; false when the cart was full. The count is
/// read once the cart's row is locked (on SQLite, once the write lock is held): two adds at once
/// cannot both find the last place free.
pub async fn upsert_line(
    db: &Db,
    cart_id: i64,
    product_id: i64,
    quantity: i64,
    seen: &ProductForCart,
    at: DateTime<Utc>,
    max_lines: i64,
) -> sqlx::Result<bool> {
    let sql = "INSERT INTO cart_lines (cart_id, product_id, quantity, price_cents_seen, title_seen, added_at) \
               SELECT $1, $2, $3, $4, $5, $6 \
               WHERE EXISTS (SELECT 1 FROM cart_lines WHERE cart_id = $1 AND product_id = $2) \
                  OR (SELECT COUNT(*) FROM cart_lines WHERE cart_id = $1) < $7 \
               ON CONFLICT (cart_id, product_id) DO UPDATE SET \
               quantity = excluded.quantity, price_cents_seen = excluded.price_cents_seen, \
               title_seen = excluded.title_seen";
    with_pool!(db.writer(), pool => {
        let mut tx = pool.begin().await?;
        // The cart row first, as a checkout locks it: the two never wait on each other in a circle.
        sqlx::query("UPDATE carts SET updated_at = $1 WHERE id = $2").bind(at).bind(cart_id).execute(&mut *tx).await?;
        let written = sqlx::query(sql).bind(cart_id).bind(product_id).bind(quantity).bind(seen.price_cents)
            .bind(&seen.title).bind(at).bind(max_lines).execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok(written == 1)
    })
}

/// Removes a line; returns whether there was one.
pub async fn delete_line(db: &Db, cart_id: i64, product_id: i64) -> sqlx::Result<bool> {
    let sql = "DELETE FROM cart_lines WHERE cart_id = $1 AND product_id = $2";
    let deleted = with_pool!(db.writer(), pool => sqlx::query(sql).bind(cart_id).bind(product_id)
        .execute(pool).await.map(|done| done.rows_affected()))?;
    Ok(deleted > 0)
}

const LINE_COLUMNS: &str = "l.product_id, l.quantity, l.price_cents_seen, l.title_seen, \
     p.slug, p.title, p.price_cents, p.stock, p.images";

/// The cart's lines in the order they were first added, with their products as they are now.
pub async fn select_lines(db: &Db, cart_id: i64) -> sqlx::Result<Vec<CartLineRecord>> {
    let sql = format!(
        "SELECT {LINE_COLUMNS} FROM cart_lines l LEFT JOIN products p ON p.id = l.product_id \
         WHERE l.cart_id = $1 ORDER BY l.added_at, l.product_id"
    );
    with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(cart_id).fetch_all(pool).await)
}

/// How many different products the cart holds.
pub async fn count_lines(db: &Db, cart_id: i64) -> sqlx::Result<i64> {
    let sql = "SELECT COUNT(*) FROM cart_lines WHERE cart_id = $1";
    with_reader!(db.reader(), pool => sqlx::query_scalar(sql).bind(cart_id).fetch_one(pool).await)
}

/// Units in the cart.
pub async fn count_items(db: &Db, cart_id: i64) -> sqlx::Result<i64> {
    let sql = "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM cart_lines WHERE cart_id = $1";
    with_reader!(db.reader(), pool => sqlx::query_scalar(sql).bind(cart_id).fetch_one(pool).await)
}

/// Moves a guest cart's lines into an account's cart and deletes the guest cart, in one
/// transaction; answers what did not come whole. A product in both adds up, capped at what is left
/// and at `max_quantity`; a product no longer sold or sold out is dropped, and so are the guest's
/// products past `max_lines` lines in all (the account's own lines come first, then the guest's by
/// product). [`cart::merge_line`] decides each line.
pub async fn merge_carts(
    db: &Db,
    guest_cart: i64,
    user_cart: i64,
    (max_quantity, max_lines): (i64, i64),
    at: DateTime<Utc>,
) -> sqlx::Result<Vec<LeftBehind>> {
    let guest_sql = "SELECT l.product_id, l.quantity, l.price_cents_seen, l.title_seen, p.title, p.stock \
                     FROM cart_lines l LEFT JOIN products p ON p.id = l.product_id \
                     JOIN carts c ON c.id = l.cart_id WHERE l.cart_id = $1 AND c.user_id IS NULL \
                     ORDER BY l.product_id";
    let upsert_sql = "INSERT INTO cart_lines (cart_id, product_id, quantity, price_cents_seen, title_seen, added_at) \
                      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (cart_id, product_id) DO UPDATE SET \
                      quantity = excluded.quantity";
    with_pool!(db.writer(), pool => {
        let mut tx = pool.begin_with(db.begin_write()).await?;
        // The account's cart row first, as a checkout locks it.
        sqlx::query("UPDATE carts SET updated_at = $1 WHERE id = $2").bind(at).bind(user_cart).execute(&mut *tx).await?;
        let guest_lines: Vec<GuestLine> = sqlx::query_as(guest_sql).bind(guest_cart).fetch_all(&mut *tx).await?;
        let count = "SELECT COUNT(*) FROM cart_lines WHERE cart_id = $1";
        let mut lines: i64 = sqlx::query_scalar(count).bind(user_cart).fetch_one(&mut *tx).await?;
        let mut left_behind = Vec::new();
        for (product_id, quantity, price_seen, title_seen, title_now, stock) in guest_lines {
            let held: Option<i64> = sqlx::query_scalar::<_, i64>(
                "SELECT quantity FROM cart_lines WHERE cart_id = $1 AND product_id = $2",
            )
            .bind(user_cart).bind(product_id).fetch_optional(&mut *tx).await?;
            let (merged, why) = cart::merge_line(held, quantity, stock, max_quantity, lines < max_lines);
            if let Some(why) = why {
                left_behind.push(LeftBehind { title: title_now.unwrap_or_else(|| title_seen.clone()), why });
            }
            if let Some(merged) = merged {
                lines += i64::from(held.is_none());
                sqlx::query(upsert_sql).bind(user_cart).bind(product_id).bind(merged).bind(price_seen)
                    .bind(&title_seen).bind(at).execute(&mut *tx).await?;
            }
        }
        sqlx::query("DELETE FROM carts WHERE id = $1 AND user_id IS NULL").bind(guest_cart).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(left_behind)
    })
}

/// A guest's line as [`merge_carts`] reads it: product, quantity, price and title when added, and
/// the product's title and units left now (`None`: no longer sold).
type GuestLine = (i64, i64, i64, String, Option<String>, Option<i64>);

/// Deletes guest carts nobody touched since `before` (their sessions have expired too).
pub async fn delete_stale_guest_carts(db: &Db, before: DateTime<Utc>) -> sqlx::Result<u64> {
    let sql = "DELETE FROM carts WHERE user_id IS NULL AND updated_at < $1";
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(before).execute(pool).await.map(|done| done.rows_affected()))
}
