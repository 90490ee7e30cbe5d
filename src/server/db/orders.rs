//! Orders, their lines and their history, and the stock they take and give back.
//!
//! Placing an order is one transaction: each product's stock taken by a conditional update whose
//! row count is checked, then the order row priced from the product rows those updates locked
//! (its unique idempotency key turns a concurrent second request with the same key into a
//! rollback that finds the first order), then its lines. Either all of it is written or none.

use super::{rfc3339, with_pool, Db, SqlArgs};
use crate::bind_all;
use crate::model::orders::{
    Delivery, LineRequest, OrderAction, OrderEvent, OrderFilter, OrderLine, OrderState, OrderSummary, Shortfall,
    ORDERS_PER_PAGE,
};
use crate::model::Money;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

/// Where the lines of a new order come from.
pub enum LineSource<'a> {
    /// The cart with this id, emptied by the same transaction.
    Cart(i64),
    /// Lines an API client sent, already checked and sorted by product.
    Lines(&'a [LineRequest]),
}

pub struct NewOrder<'a> {
    /// What the shopper reviewed (`model::cart::review_key` of the lines and prices), when the
    /// order comes from a reviewed cart: if the cart or a price changed since, nothing is ordered.
    pub reviewed: Option<&'a str>,
    pub user_id: i64,
    pub idempotency_key: &'a str,
    /// Fingerprint of what was asked, to refuse the same key for a different order.
    pub request_hash: &'a str,
    pub delivery: &'a Delivery,
    pub store_name: &'a str,
    pub currency: &'a str,
    pub lines: LineSource<'a>,
    pub at: DateTime<Utc>,
}

pub enum Placed {
    /// A new order: its id, its lines and total as written, and the products it sold out (their
    /// pages must stop saying "in stock").
    New { order_id: i64, lines: Vec<OrderLine>, total: Money, item_count: i64, sold_out: Vec<i64> },
    /// The key was used before: that order, and the fingerprint it was placed with.
    Existing { order_id: i64, request_hash: String },
}

#[derive(Debug)]
pub enum PlaceError {
    EmptyCart,
    /// The lines or their prices are not what the shopper reviewed.
    Changed,
    Shortfall(Vec<Shortfall>),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for PlaceError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

/// What a stock update left behind: the row after the decrement.
#[derive(FromRow, Clone)]
struct Taken {
    id: i64,
    stock: i64,
    title: String,
    price_cents: i64,
}

const ORDER_BY_KEY_SQL: &str = "SELECT id, request_hash FROM orders WHERE user_id = $1 AND idempotency_key = $2";

pub async fn place_order(db: &Db, order: &NewOrder<'_>) -> Result<Placed, PlaceError> {
    // Async blocks, so that their early returns end the block and not the function.
    let outcome = with_pool!(db.writer(), pool => async {
        let mut tx = pool.begin_with(db.begin_write()).await?;
        if let LineSource::Cart(cart_id) = &order.lines {
            // Locks the cart (a row lock on PostgreSQL) before its lines are read: two checkouts of
            // one cart, or an add during one, wait for each other instead of ordering it twice.
            sqlx::query("UPDATE carts SET updated_at = $1 WHERE id = $2")
                .bind(order.at).bind(cart_id).execute(&mut *tx).await?;
        }
        // The key is not looked up first: a retry is rare, and the unique key on orders catches it
        // when its order goes in. Only a refusal looks, so that a retry of an order that emptied
        // the cart or took the last units answers with that order instead of the refusal.
        let attempt = async {
            let requested: Vec<(i64, i64, Option<String>)> = match &order.lines {
                LineSource::Cart(cart_id) => sqlx::query_as(
                    "SELECT product_id, quantity, title_seen FROM cart_lines WHERE cart_id = $1 ORDER BY product_id",
                )
                .bind(cart_id).fetch_all(&mut *tx).await?,
                LineSource::Lines(lines) => lines.iter().map(|l| (l.product_id, l.quantity, None)).collect(),
            };
            if requested.is_empty() {
                return Err(PlaceError::EmptyCart);
            }
            // Stock first, every line's in one conditional update; the lines are priced from the rows
            // it changed. On PostgreSQL the rows are locked first, in product order, because a
            // multi-row update locks them in whatever order its plan meets them, and two checkouts
            // locking in different orders would deadlock. (SQLite locks the whole database.)
            let mut args = SqlArgs::default();
            let ids: Vec<String> = requested.iter().map(|(product_id, ..)| args.int(*product_id)).collect();
            if let Db::Postgres(_) = db {
                let lock = format!("SELECT id FROM products WHERE id IN ({}) ORDER BY id FOR UPDATE", ids.join(", "));
                bind_all!(sqlx::query(&lock), args.clone()).execute(&mut *tx).await?;
            }
            let wanted: Vec<String> =
                requested.iter().zip(&ids).map(|((_, quantity, _), id)| format!("({id}, {})", args.int(*quantity))).collect();
            let take = format!(
                "UPDATE products SET stock = products.stock - q.column2 FROM (VALUES {}) AS q \
                 WHERE products.id = q.column1 AND products.stock >= q.column2 \
                 RETURNING products.id, products.stock, products.title, products.price_cents",
                wanted.join(", ")
            );
            let taken: Vec<Taken> = bind_all!(sqlx::query_as(&take), args).fetch_all(&mut *tx).await?;
            let mut shortfalls = Vec::new();
            let mut sold_out = Vec::new();
            let mut sold: Vec<(i64, i64, Taken)> = Vec::with_capacity(requested.len());
            for (product_id, quantity, title_seen) in &requested {
                let Some(taken) = taken.iter().find(|t| t.id == *product_id) else {
                    let left: Option<(String, i64)> = sqlx::query_as("SELECT title, stock FROM products WHERE id = $1")
                        .bind(product_id).fetch_optional(&mut *tx).await?;
                    let fallback = || title_seen.clone().unwrap_or_else(|| format!("#{product_id}"));
                    shortfalls.push(Shortfall {
                        product_id: *product_id,
                        title: left.as_ref().map_or_else(fallback, |(title, _)| title.clone()),
                        requested: *quantity,
                        available: left.as_ref().map_or(0, |(_, stock)| *stock),
                        gone: left.is_none(),
                    });
                    continue;
                };
                if taken.stock == 0 {
                    sold_out.push(*product_id);
                }
                sold.push((*product_id, *quantity, taken.clone()));
            }
            // Dropping the transaction on an early return rolls it back: no order, no stock taken.
            if !shortfalls.is_empty() {
                return Err(PlaceError::Shortfall(shortfalls));
            }
            let priced: Vec<(i64, i64, i64)> = sold.iter().map(|(id, quantity, taken)| (*id, *quantity, taken.price_cents)).collect();
            if order.reviewed.is_some_and(|reviewed| reviewed != crate::model::cart::review_key(&priced)) {
                return Err(PlaceError::Changed);
            }
            let total: i64 = priced.iter().map(|(_, quantity, cents)| quantity * cents).sum();
            let items: i64 = priced.iter().map(|(_, quantity, _)| quantity).sum();
            let d = order.delivery;
            let inserted = sqlx::query_scalar::<_, i64>(
                "INSERT INTO orders (user_id, idempotency_key, request_hash, status, payment_status, payment_method, \
                 fulfilment, recipient, phone, address_line, city, postal_code, store_id, store_name, currency, \
                 total_cents, item_count, created_day, created_at, updated_at) \
                 VALUES ($1, $2, $3, 'placed', 'unpaid', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) \
                 RETURNING id",
            )
            .bind(order.user_id).bind(order.idempotency_key).bind(order.request_hash)
            .bind(d.payment_method.as_str()).bind(d.fulfilment.as_str()).bind(&d.recipient).bind(&d.phone)
            .bind(&d.address_line).bind(&d.city).bind(&d.postal_code).bind(d.store_id).bind(order.store_name)
            .bind(order.currency).bind(total).bind(items).bind(order.at.format("%Y-%m-%d").to_string()).bind(order.at)
            .fetch_one(&mut *tx).await;
            let order_id = match inserted {
                Ok(id) => id,
                // Another request with the same key committed while this one waited for its rows:
                // this one takes nothing (the rollback gives the stock back) and answers with that order.
                Err(error) if error.as_database_error().is_some_and(|e| e.is_unique_violation()) => {
                    return Ok(Placed::Existing { order_id: 0, request_hash: String::new() });
                }
                Err(error) => return Err(error.into()),
            };
            // Every line in one statement.
            let mut args = SqlArgs::default();
            let rows: Vec<String> = sold
                .iter()
                .enumerate()
                .map(|(position, (product_id, quantity, taken))| {
                    format!(
                        "({}, {}, {}, {}, {}, {}, {})",
                        args.int(order_id),
                        args.int(position as i64),
                        args.int(*product_id),
                        args.text(taken.title.clone()),
                        args.text(crate::model::catalog::sku_of(*product_id)),
                        args.int(taken.price_cents),
                        args.int(*quantity),
                    )
                })
                .collect();
            let lines_sql = format!(
                "INSERT INTO order_lines (order_id, position, product_id, title, sku, unit_price_cents, quantity) VALUES {}",
                rows.join(", ")
            );
            bind_all!(sqlx::query(&lines_sql), args).execute(&mut *tx).await?;
            if let LineSource::Cart(cart_id) = &order.lines {
                sqlx::query("DELETE FROM cart_lines WHERE cart_id = $1").bind(cart_id).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO order_events (order_id, action, actor_id, at) VALUES ($1, 'placed', $2, $3)")
                .bind(order_id).bind(order.user_id).bind(order.at).execute(&mut *tx).await?;
            let lines = sold
                .into_iter()
                .map(|(product_id, quantity, taken)| OrderLine {
                    product_id,
                    title: taken.title,
                    sku: crate::model::catalog::sku_of(product_id),
                    unit_price: Money(taken.price_cents),
                    quantity,
                })
                .collect();
            Ok::<_, PlaceError>(Placed::New { order_id, lines, total: Money(total), item_count: items, sold_out })
        }
        .await;
        match attempt {
            Ok(placed @ Placed::New { .. }) => {
                tx.commit().await?;
                Ok(placed)
            }
            // Dropped uncommitted: the stock this attempt took goes back.
            Ok(existing) => Ok(existing),
            Err(refusal @ (PlaceError::EmptyCart | PlaceError::Changed | PlaceError::Shortfall(_))) => {
                let first: Option<(i64, String)> = sqlx::query_as(ORDER_BY_KEY_SQL)
                    .bind(order.user_id).bind(order.idempotency_key).fetch_optional(&mut *tx).await?;
                match first {
                    Some((order_id, request_hash)) => Ok(Placed::Existing { order_id, request_hash }),
                    None => Err(refusal),
                }
            }
            Err(error) => Err(error),
        }
    }.await);
    match outcome {
        // The key's order committed by another request while this one waited: read it now.
        Ok(Placed::Existing { order_id: 0, .. }) => {
            let (order_id, request_hash): (i64, String) = with_pool!(db.writer(), pool => sqlx::query_as(ORDER_BY_KEY_SQL)
                .bind(order.user_id).bind(order.idempotency_key).fetch_one(pool).await)?;
            Ok(Placed::Existing { order_id, request_hash })
        }
        other => other,
    }
}

/// The order a user placed with this idempotency key, and its request's fingerprint.
pub async fn select_order_by_key(db: &Db, user_id: i64, key: &str) -> sqlx::Result<Option<(i64, String)>> {
    with_pool!(db.reader(), pool => sqlx::query_as(ORDER_BY_KEY_SQL).bind(user_id).bind(key).fetch_optional(pool).await)
}

/// How many orders an account has placed.
pub async fn count_for_user(db: &Db, user_id: i64) -> sqlx::Result<i64> {
    let sql = "SELECT COUNT(*) FROM orders WHERE user_id = $1";
    with_pool!(db.reader(), pool => sqlx::query_scalar(sql).bind(user_id).fetch_one(pool).await)
}

#[derive(FromRow)]
struct SummaryRecord {
    id: i64,
    user_id: i64,
    customer_name: String,
    customer_email: String,
    status: String,
    payment_status: String,
    fulfilment: String,
    total_cents: i64,
    currency: String,
    item_count: i64,
    created_at: DateTime<Utc>,
}

impl SummaryRecord {
    fn into_summary(self) -> sqlx::Result<OrderSummary> {
        use crate::model::orders::{Fulfilment, OrderStatus, PaymentStatus};
        let bad = |what: &str| sqlx::Error::Decode(format!("unknown order {what}").into());
        Ok(OrderSummary {
            id: self.id,
            user_id: self.user_id,
            customer_name: self.customer_name,
            customer_email: self.customer_email,
            status: OrderStatus::parse(&self.status).ok_or_else(|| bad("status"))?,
            payment_status: PaymentStatus::parse(&self.payment_status).ok_or_else(|| bad("payment status"))?,
            fulfilment: Fulfilment::parse(&self.fulfilment).ok_or_else(|| bad("fulfilment"))?,
            total: Money(self.total_cents),
            currency: self.currency,
            item_count: self.item_count,
            created_at: rfc3339(self.created_at),
        })
    }
}

const SUMMARY_COLUMNS: &str = "o.id, o.user_id, u.name AS customer_name, u.email AS customer_email, o.status, \
     o.payment_status, o.fulfilment, o.total_cents, o.currency, o.item_count, o.created_at";

/// One order's row: its summary and the rest.
#[derive(FromRow)]
struct OrderRecord {
    #[sqlx(flatten)]
    summary: SummaryRecord,
    #[sqlx(flatten)]
    detail: OrderDetailRecord,
}

/// The rest of an order, beyond its summary.
#[derive(FromRow)]
pub struct OrderDetailRecord {
    pub payment_method: String,
    pub recipient: String,
    pub phone: String,
    pub address_line: String,
    pub city: String,
    pub postal_code: String,
    pub store_id: Option<i64>,
    pub store_name: String,
    pub updated_at: DateTime<Utc>,
}

/// One order: its summary, its details, its lines and its history.
pub async fn select_order(
    db: &Db,
    id: i64,
) -> sqlx::Result<Option<(OrderSummary, OrderDetailRecord, Vec<OrderLine>, Vec<OrderEvent>)>> {
    let order_sql = format!(
        "SELECT {SUMMARY_COLUMNS}, o.payment_method, o.recipient, o.phone, o.address_line, o.city, o.postal_code, \
         o.store_id, o.store_name, o.updated_at FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = $1"
    );
    let lines_sql = "SELECT product_id, title, sku, unit_price_cents, quantity FROM order_lines \
                     WHERE order_id = $1 ORDER BY position";
    let events_sql = "SELECT e.action, u.name, e.at FROM order_events e LEFT JOIN users u ON u.id = e.actor_id \
                      WHERE e.order_id = $1 ORDER BY e.id";
    with_pool!(db.reader(), pool => {
        // One connection for the three reads: each acquire from the pool is a hand-off of its own.
        let mut conn = pool.acquire().await?;
        let Some(OrderRecord { summary, detail }) =
            sqlx::query_as::<_, OrderRecord>(&order_sql).bind(id).fetch_optional(&mut *conn).await?
        else {
            return Ok(None);
        };
        let lines: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(lines_sql).bind(id).fetch_all(&mut *conn).await?;
        let events: Vec<(String, Option<String>, DateTime<Utc>)> =
            sqlx::query_as(events_sql).bind(id).fetch_all(&mut *conn).await?;
        Ok(Some((
            summary.into_summary()?,
            detail,
            lines
                .into_iter()
                .map(|(product_id, title, sku, unit_price, quantity)| OrderLine {
                    product_id,
                    title,
                    sku,
                    unit_price: Money(unit_price),
                    quantity,
                })
                .collect(),
            events.into_iter().map(|(action, actor_name, at)| OrderEvent { action, actor_name, at: rfc3339(at) }).collect(),
        )))
    })
}

/// A page of orders, newest first: one customer's (`user_id`), or everyone's for an admin, with
/// the filter's status, days and customer search.
pub async fn select_orders(
    db: &Db,
    user_id: Option<i64>,
    filter: &OrderFilter,
) -> sqlx::Result<(Vec<OrderSummary>, u64)> {
    let mut args = SqlArgs::default();
    let mut conditions = Vec::new();
    if let Some(user_id) = user_id {
        conditions.push(format!("o.user_id = {}", args.int(user_id)));
    }
    if let Some(status) = filter.status {
        conditions.push(format!("o.status = {}", args.text(status.as_str())));
    }
    if let Some(from) = &filter.from {
        conditions.push(format!("o.created_day >= {}", args.text(from)));
    }
    if let Some(to) = &filter.to {
        conditions.push(format!("o.created_day <= {}", args.text(to)));
    }
    let customer = filter.customer.trim().to_lowercase();
    if !customer.is_empty() {
        let escaped = customer.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let pattern = args.text(format!("%{escaped}%"));
        conditions
            .push(format!("(lower(u.name) LIKE {pattern} ESCAPE '\\' OR lower(u.email) LIKE {pattern} ESCAPE '\\')"));
    }
    let where_clause =
        if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
    let from = format!("FROM orders o JOIN users u ON u.id = o.user_id {where_clause}");
    let count_sql = format!("SELECT COUNT(*) {from}");
    let count_args = args.clone();
    let limit = args.int(i64::from(ORDERS_PER_PAGE));
    let offset = args.int(i64::from(filter.page.saturating_sub(1)) * i64::from(ORDERS_PER_PAGE));
    let list_sql = format!("SELECT {SUMMARY_COLUMNS} {from} ORDER BY o.id DESC LIMIT {limit} OFFSET {offset}");
    with_pool!(db.reader(), pool => {
        let total: i64 = bind_all!(sqlx::query_scalar(&count_sql), count_args).fetch_one(pool).await?;
        let records: Vec<SummaryRecord> = bind_all!(sqlx::query_as(&list_sql), args).fetch_all(pool).await?;
        let orders = records.into_iter().map(SummaryRecord::into_summary).collect::<sqlx::Result<Vec<_>>>()?;
        Ok((orders, total as u64))
    })
}

/// A change of state, applied only if the order is still in `from` (another change in between
/// makes this one change nothing: `Ok(None)`). Cancelling puts each line's units back on its
/// product in the same transaction; since only one change can leave a given state, stock comes
/// back once. Returns the products that were sold out and are back in stock.
pub async fn change_state(
    db: &Db,
    order_id: i64,
    from: OrderState,
    to: OrderState,
    action: OrderAction,
    actor_id: i64,
    at: DateTime<Utc>,
) -> sqlx::Result<Option<Vec<i64>>> {
    let update_sql = "UPDATE orders SET status = $1, payment_status = $2, updated_at = $3 \
                      WHERE id = $4 AND status = $5 AND payment_status = $6";
    let restock = action == OrderAction::Cancel;
    with_pool!(db.writer(), pool => {
        let mut tx = pool.begin_with(db.begin_write()).await?;
        let changed = sqlx::query(update_sql)
            .bind(to.status.as_str()).bind(to.payment.as_str()).bind(at).bind(order_id)
            .bind(from.status.as_str()).bind(from.payment.as_str())
            .execute(&mut *tx).await?.rows_affected();
        if changed == 0 {
            return Ok(None);
        }
        let mut back_in_stock = Vec::new();
        if restock {
            let lines: Vec<(i64, i64)> = sqlx::query_as("SELECT product_id, quantity FROM order_lines WHERE order_id = $1 ORDER BY product_id")
                .bind(order_id).fetch_all(&mut *tx).await?;
            for (product_id, quantity) in lines {
                // A product deleted since is not brought back; its units are simply gone.
                let stock: Option<i64> = sqlx::query_scalar("UPDATE products SET stock = stock + $1 WHERE id = $2 RETURNING stock")
                    .bind(quantity).bind(product_id).fetch_optional(&mut *tx).await?;
                if stock == Some(quantity) {
                    back_in_stock.push(product_id);
                }
            }
        }
        sqlx::query("INSERT INTO order_events (order_id, action, actor_id, at) VALUES ($1, $2, $3, $4)")
            .bind(order_id).bind(action.as_str()).bind(actor_id).bind(at).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(back_in_stock))
    })
}

/// Orders per day since `from_day` (inclusive), and their revenue in `currency` (amounts in two
/// currencies do not add up: orders placed in another are counted but not summed), cancelled
/// orders left out.
pub async fn select_sales_per_day(db: &Db, from_day: &str, currency: &str) -> sqlx::Result<Vec<(String, u64, Money)>> {
    let sql = "SELECT created_day, COUNT(*), \
               CAST(COALESCE(SUM(CASE WHEN currency = $2 THEN total_cents ELSE 0 END), 0) AS BIGINT) FROM orders \
               WHERE created_day >= $1 AND status <> 'cancelled' GROUP BY created_day ORDER BY created_day";
    let rows: Vec<(String, i64, i64)> =
        with_pool!(db.reader(), pool => sqlx::query_as(sql).bind(from_day).bind(currency).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|(day, orders, cents)| (day, orders as u64, Money(cents))).collect())
}

/// The products sold most in orders in `currency` (units, cancelled orders left out), with their
/// revenue, under one of the titles they were sold with.
pub async fn select_best_sellers(db: &Db, limit: i64, currency: &str) -> sqlx::Result<Vec<(i64, String, u64, Money)>> {
    let sql = "SELECT l.product_id, MAX(l.title), CAST(SUM(l.quantity) AS BIGINT), \
               CAST(SUM(l.quantity * l.unit_price_cents) AS BIGINT) \
               FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status <> 'cancelled' AND o.currency = $2 \
               GROUP BY l.product_id ORDER BY SUM(l.quantity) DESC, l.product_id LIMIT $1";
    let rows: Vec<(i64, String, i64, i64)> =
        with_pool!(db.reader(), pool => sqlx::query_as(sql).bind(limit).bind(currency).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|(id, title, units, cents)| (id, title, units as u64, Money(cents))).collect())
}
