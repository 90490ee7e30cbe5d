//! Reads for the exports, page by page in id order, so that a catalog of any size is written
//! without holding it in memory. Each page starts after the last id of the one before.

use super::{with_reader, Db};
use chrono::{DateTime, Utc};

/// A product as the catalog export lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProductLine {
    pub id: i64,
    pub title: String,
    pub category: String,
    pub price_cents: i64,
    pub stock: i64,
    pub slug: String,
    pub updated_at: DateTime<Utc>,
}

/// Products after `after_id`, at most `limit`.
pub async fn products_after(db: &Db, after_id: i64, limit: i64) -> sqlx::Result<Vec<ProductLine>> {
    let sql = "SELECT p.id, p.title, c.name AS category, p.price_cents, p.stock, p.slug, p.updated_at \
               FROM products p JOIN categories c ON c.id = p.category_id WHERE p.id > $1 ORDER BY p.id LIMIT $2";
    with_reader!(db.reader(), pool => sqlx::query_as(sql).bind(after_id).bind(limit).fetch_all(pool).await)
}

/// An order as the orders export lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderLine {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub customer_name: String,
    pub customer_email: String,
    pub status: String,
    pub payment_status: String,
    pub payment_method: String,
    pub fulfilment: String,
    pub item_count: i64,
    pub total_cents: i64,
    pub currency: String,
}

const ORDER_COLUMNS: &str = "o.id, o.created_at, u.name AS customer_name, u.email AS customer_email, o.status, \
     o.payment_status, o.payment_method, o.fulfilment, o.item_count, o.total_cents, o.currency";

/// Orders placed on the days `from` to `to` (`YYYY-MM-DD`, UTC, both included) after `after_id`.
pub async fn orders_after(db: &Db, from: &str, to: &str, after_id: i64, limit: i64) -> sqlx::Result<Vec<OrderLine>> {
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders o JOIN users u ON u.id = o.user_id \
         WHERE o.created_day >= $1 AND o.created_day <= $2 AND o.id > $3 ORDER BY o.id LIMIT $4"
    );
    with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(from).bind(to).bind(after_id).bind(limit).fetch_all(pool).await)
}

/// One customer's orders after `after_id`.
pub async fn own_orders_after(db: &Db, user_id: i64, after_id: i64, limit: i64) -> sqlx::Result<Vec<OrderLine>> {
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders o JOIN users u ON u.id = o.user_id \
         WHERE o.user_id = $1 AND o.id > $2 ORDER BY o.id LIMIT $3"
    );
    with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(user_id).bind(after_id).bind(limit).fetch_all(pool).await)
}

/// The lines of one order: (title, SKU, unit price in cents, quantity).
pub async fn order_lines(db: &Db, order_id: i64) -> sqlx::Result<Vec<(String, String, i64, i64)>> {
    let sql = "SELECT title, sku, unit_price_cents, quantity FROM order_lines WHERE order_id = $1 ORDER BY position";
    with_reader!(db.reader(), pool => sqlx::query_as(sql).bind(order_id).fetch_all(pool).await)
}
