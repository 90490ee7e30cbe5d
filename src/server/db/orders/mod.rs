//! Orders, their lines and their history, and the stock they take and give back.
//!
//! Placing an order writes all of it or none: a transaction of its own on PostgreSQL, a place in a
//! group commit on SQLite (`place` writes one order, `group_commit` batches them).

mod group_commit;
mod place;

pub use group_commit::CheckoutQueue;

use super::{rfc3339, with_pool, with_reader, Conn, Db, SqlArgs};
use crate::bind_all;
use crate::model::orders::{
    Delivery, LineRequest, OrderAction, OrderEvent, OrderFilter, OrderLine, OrderState, OrderSummary, Shortfall,
    ORDERS_PER_PAGE,
};
use crate::model::Money;
use chrono::{DateTime, Utc};
use place::{answer_refusal, attempt, Attempt, ORDER_BY_KEY_SQL};
use sqlx::FromRow;
use std::sync::Arc;

/// Where the lines of a new order come from.
pub enum LineSource {
    /// The cart with this id, emptied by the same transaction.
    Cart(i64),
    /// Lines an API client sent, already checked and sorted by product.
    Lines(Vec<LineRequest>),
}

/// An order to place. Owned, because on SQLite it is handed to the batch writer's task.
pub struct NewOrder {
    /// What the shopper reviewed (`model::cart::review_key` of the lines and prices), when the
    /// order comes from a reviewed cart: if the cart or a price changed since, nothing is ordered.
    pub reviewed: Option<String>,
    pub user_id: i64,
    pub idempotency_key: String,
    /// Fingerprint of what was asked, to refuse the same key for a different order.
    pub request_hash: String,
    pub delivery: Delivery,
    pub store_name: String,
    pub currency: &'static str,
    /// The language the shopper ordered in (`en`, `es`): the e-mails about the order use it.
    pub language: &'static str,
    pub lines: LineSource,
    pub at: DateTime<Utc>,
    /// Queued with the order, in its transaction.
    pub follow_up: Option<OrderFollowUp>,
}

/// A job to queue about an order in the transaction that writes the order (or its change), so
/// that the order and, say, its confirmation e-mail never exist one without the other.
#[derive(Debug, Clone, Copy)]
pub struct OrderFollowUp {
    pub kind: &'static str,
    pub max_attempts: i64,
    /// What happened to the order (`placed`, `shipped`…), for the job to act on.
    pub event: &'static str,
}

impl OrderFollowUp {
    /// The job's input: `{"order_id": …, "event": …}`.
    fn payload(self, order_id: i64) -> String {
        serde_json::json!({ "order_id": order_id, "event": self.event }).to_string()
    }

    fn dedupe_key(self, order_id: i64) -> String {
        format!("order:{order_id}:{}", self.event)
    }

    /// The statement that queues this job about order `order_id` at `now`, on behalf of
    /// `actor_id`; its values go to `args`.
    fn insert_statement(self, args: &mut SqlArgs, order_id: i64, actor_id: i64, now: i64) -> String {
        let (payload, dedupe_key) = (self.payload(order_id), self.dedupe_key(order_id));
        let job = super::jobs::NewJob {
            kind: self.kind,
            payload: &payload,
            dedupe_key: Some(&dedupe_key),
            max_attempts: self.max_attempts,
            run_at: now,
            requested_by: Some(actor_id),
        };
        super::jobs::insert_statement(args, &job, now)
    }
}

#[derive(Debug)]
pub enum Placed {
    New(Written),
    /// The key was used before: that order, and the fingerprint it was placed with.
    Existing {
        order_id: i64,
        request_hash: String,
    },
}

/// A new order as written.
#[derive(Debug)]
pub struct Written {
    pub order_id: i64,
    pub lines: Vec<OrderLine>,
    pub total: Money,
    pub item_count: i64,
    /// The products this order sold out: their pages must stop saying "in stock".
    pub sold_out: Vec<i64>,
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

/// Places `order`, or finds the order its idempotency key placed before.
pub async fn place_order(db: &Db, order: Arc<NewOrder>) -> Result<Placed, PlaceError> {
    match db {
        Db::Sqlite { checkouts, .. } => checkouts.place(order).await,
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            match attempt(Conn::Postgres(&mut tx), &order).await? {
                Attempt::Placed(written) => {
                    tx.commit().await?;
                    Ok(Placed::New(written))
                }
                // Rolled back, so that the stock this attempt took goes back, then answered from
                // what is committed: a unique violation has aborted the transaction.
                Attempt::NotPlaced { why, .. } => {
                    tx.rollback().await?;
                    let mut conn = pool.acquire().await?;
                    answer_refusal(Conn::Postgres(&mut conn), &order, why).await
                }
            }
        }
    }
}

/// The order a user placed with this idempotency key, and its request's fingerprint.
pub async fn select_order_by_key(db: &Db, user_id: i64, key: &str) -> sqlx::Result<Option<(i64, String)>> {
    with_reader!(db.reader(), pool => sqlx::query_as(ORDER_BY_KEY_SQL).bind(user_id).bind(key).fetch_optional(pool).await)
}

/// How many orders an account has placed.
pub async fn count_for_user(db: &Db, user_id: i64) -> sqlx::Result<i64> {
    let sql = "SELECT COUNT(*) FROM orders WHERE user_id = $1";
    with_reader!(db.reader(), pool => sqlx::query_scalar(sql).bind(user_id).fetch_one(pool).await)
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
    /// The language the shopper ordered in.
    pub language: String,
}

/// One order: its summary, its details, its lines and its history.
pub async fn select_order(
    db: &Db,
    id: i64,
) -> sqlx::Result<Option<(OrderSummary, OrderDetailRecord, Vec<OrderLine>, Vec<OrderEvent>)>> {
    let order_sql = format!(
        "SELECT {SUMMARY_COLUMNS}, o.payment_method, o.recipient, o.phone, o.address_line, o.city, o.postal_code, \
         o.store_id, o.store_name, o.updated_at, o.language FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = $1"
    );
    let lines_sql = "SELECT product_id, title, sku, unit_price_cents, quantity FROM order_lines \
                     WHERE order_id = $1 ORDER BY position";
    let events_sql = "SELECT e.action, u.name, e.at FROM order_events e LEFT JOIN users u ON u.id = e.actor_id \
                      WHERE e.order_id = $1 ORDER BY e.id";
    with_reader!(db.reader(), conn => {
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
    with_reader!(db.reader(), pool => {
        let total: i64 = bind_all!(sqlx::query_scalar(&count_sql), count_args).fetch_one(&mut *pool).await?;
        let records: Vec<SummaryRecord> = bind_all!(sqlx::query_as(&list_sql), args).fetch_all(pool).await?;
        let orders = records.into_iter().map(SummaryRecord::into_summary).collect::<sqlx::Result<Vec<_>>>()?;
        Ok((orders, total as u64))
    })
}

/// A change of an order's state, as [`change_state`] writes it.
#[derive(Debug, Clone, Copy)]
pub struct StateChange {
    pub order_id: i64,
    /// What the decision was made on: the change applies only if the order is still so.
    pub from: OrderState,
    pub to: OrderState,
    pub action: OrderAction,
    pub actor_id: i64,
    pub at: DateTime<Utc>,
    /// A job queued with the change (an e-mail to the customer).
    pub follow_up: Option<OrderFollowUp>,
}

/// A change of state, applied only if the order is still in `from` (another change in between
/// makes this one change nothing: `Ok(None)`). Cancelling puts each line's units back on its
/// product in the same transaction; since only one change can leave a given state, stock comes
/// back once. Returns the products that were sold out and are back in stock.
pub async fn change_state(db: &Db, change: StateChange) -> sqlx::Result<Option<Vec<i64>>> {
    let StateChange { order_id, from, to, action, actor_id, at, follow_up } = change;
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
                // A product deleted since is not brought back; its units are simply gone. Nor does
                // a product go past the most stock any product may hold (an admin may have raised
                // it to that meanwhile): the product form would refuse to save it unchanged.
                let sql = "UPDATE products SET stock = CASE WHEN stock + $1 > $3 THEN $3 ELSE stock + $1 END \
                           WHERE id = $2 RETURNING stock";
                let stock: Option<i64> = sqlx::query_scalar(sql)
                    .bind(quantity).bind(product_id).bind(crate::model::catalog_edit::STOCK_MAX)
                    .fetch_optional(&mut *tx).await?;
                if stock == Some(quantity) {
                    back_in_stock.push(product_id);
                }
            }
        }
        sqlx::query("INSERT INTO order_events (order_id, action, actor_id, at) VALUES ($1, $2, $3, $4)")
            .bind(order_id).bind(action.as_str()).bind(actor_id).bind(at).execute(&mut *tx).await?;
        if let Some(job) = follow_up {
            let mut args = SqlArgs::default();
            let insert = job.insert_statement(&mut args, order_id, actor_id, at.timestamp_millis());
            bind_all!(sqlx::query(&insert), args).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(Some(back_in_stock))
    })
}

/// Orders per day from `from_day` to `to_day` (`YYYY-MM-DD`, both included), and their revenue in
/// `currency` (amounts in two currencies do not add up: orders placed in another are counted but
/// not summed), cancelled orders left out.
pub async fn select_sales_per_day(
    db: &Db,
    from_day: &str,
    to_day: &str,
    currency: &str,
) -> sqlx::Result<Vec<(String, u64, Money)>> {
    let sql = "SELECT created_day, COUNT(*), \
               CAST(COALESCE(SUM(CASE WHEN currency = $2 THEN total_cents ELSE 0 END), 0) AS BIGINT) FROM orders \
               WHERE created_day >= $1 AND created_day <= $3 AND status <> 'cancelled' \
               GROUP BY created_day ORDER BY created_day";
    let rows: Vec<(String, i64, i64)> = with_reader!(db.reader(), pool => sqlx::query_as(sql)
        .bind(from_day).bind(currency).bind(to_day).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|(day, orders, cents)| (day, orders as u64, Money(cents))).collect())
}

/// The products sold most from `from_day` to `to_day` in orders in `currency` (units, cancelled
/// orders left out), with their revenue, under one of the titles they were sold with.
pub async fn select_best_sellers(
    db: &Db,
    limit: i64,
    currency: &str,
    (from_day, to_day): (&str, &str),
) -> sqlx::Result<Vec<(i64, String, u64, Money)>> {
    let sql = "SELECT l.product_id, MAX(l.title), CAST(SUM(l.quantity) AS BIGINT), \
               CAST(SUM(l.quantity * l.unit_price_cents) AS BIGINT) \
               FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status <> 'cancelled' AND o.currency = $2 \
               AND o.created_day >= $3 AND o.created_day <= $4 \
               GROUP BY l.product_id ORDER BY SUM(l.quantity) DESC, l.product_id LIMIT $1";
    let rows: Vec<(i64, String, i64, i64)> = with_reader!(db.reader(), pool => sqlx::query_as(sql)
        .bind(limit).bind(currency).bind(from_day).bind(to_day).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|(id, title, units, cents)| (id, title, units as u64, Money(cents))).collect())
}

/// Units sold from `from_day` to `to_day` in orders that were not cancelled.
pub async fn select_units_sold(db: &Db, from_day: &str, to_day: &str) -> sqlx::Result<u64> {
    let sql =
        "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l JOIN orders o ON o.id = l.order_id \
               WHERE o.status <> 'cancelled' AND o.created_day >= $1 AND o.created_day <= $2";
    let units: i64 =
        with_reader!(db.reader(), pool => sqlx::query_scalar(sql).bind(from_day).bind(to_day).fetch_one(pool).await)?;
    Ok(u64::try_from(units).unwrap_or(0))
}
