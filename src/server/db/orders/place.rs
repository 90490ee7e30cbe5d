//! One order written on one connection, inside a write transaction its caller owns: PostgreSQL
//! gives each order a transaction of its own, SQLite a place in a batch ([`super::group_commit`]).
//!
//! Three statements when all goes well: the stock of every line taken by one conditional update
//! whose returned rows are checked (and price the lines); the order row, whose unique idempotency
//! key turns a concurrent second request with the same key into [`NotPlaced::KeyInUse`]; and its
//! lines, the emptied cart and its first event together. An attempt that is not placed has written
//! nothing but the stock it took, which it reports, so that a SQLite batch can give it back
//! without a savepoint per order (two more round trips to the database for every order).

use super::{LineSource, NewOrder, PlaceError, Placed, Written};
use crate::bind_all;
use crate::model::orders::{OrderLine, Shortfall};
use crate::model::Money;
use crate::server::db::{with_conn, Conn, SqlArgs};
use sqlx::FromRow;

pub(super) const ORDER_BY_KEY_SQL: &str =
    "SELECT id, request_hash FROM orders WHERE user_id = $1 AND idempotency_key = $2";

/// How one attempt at an order ended, before its transaction is committed or rolled back.
pub(super) enum Attempt {
    /// Written: commit it.
    Placed(Written),
    /// Not placed: nothing of it may be kept (roll back, or give back the stock it `took`), and
    /// [`answer_refusal`] finds the answer.
    NotPlaced { why: NotPlaced, took: Took },
}

pub(super) enum NotPlaced {
    /// Refused; but a retry whose first request succeeded is answered with that order instead.
    Refused(PlaceError),
    /// Another order holds the key: a concurrent request with it committed first, and this one
    /// is answered with that order.
    KeyInUse,
}

/// The stock an attempt took: (product, units).
pub(super) type Took = Vec<(i64, i64)>;

/// What a stock update left behind: the row after the decrement.
#[derive(FromRow)]
struct StockRow {
    id: i64,
    stock: i64,
    title: String,
    price_cents: i64,
}

/// A line asked for: product, units, and the title the cart saw it under (for a product deleted
/// since).
type Requested = (i64, i64, Option<String>);

/// Writes `order` on `conn`, which must be inside a write transaction.
pub(super) async fn attempt(mut conn: Conn<'_>, order: &NewOrder) -> sqlx::Result<Attempt> {
    if let (Conn::Postgres(_), LineSource::Cart(cart_id)) = (&conn, &order.lines) {
        // Locks the cart's row before its lines are read: two checkouts of one cart, or an add
        // during one, wait for each other instead of ordering it twice. (SQLite's write
        // transaction already excludes every other writer.)
        lock_cart(conn.reborrow(), *cart_id, order.at).await?;
    }
    let requested = match &order.lines {
        LineSource::Cart(cart_id) => cart_lines(conn.reborrow(), *cart_id).await?,
        LineSource::Lines(lines) => lines.iter().map(|l| (l.product_id, l.quantity, None)).collect(),
    };
    if requested.is_empty() {
        return Ok(refused(PlaceError::EmptyCart, Took::new()));
    }
    let mut taken = take_stock(conn.reborrow(), &requested).await?;
    let took: Took = taken
        .iter()
        .map(|row| (row.id, requested.iter().find(|(id, ..)| *id == row.id).map_or(0, |(_, quantity, _)| *quantity)))
        .collect();

    let mut lines = Vec::with_capacity(requested.len());
    let mut shortfalls = Vec::new();
    let mut sold_out = Vec::new();
    for (product_id, quantity, title_seen) in requested {
        let Some(at) = taken.iter().position(|row| row.id == product_id) else {
            shortfalls.push(shortfall(conn.reborrow(), product_id, quantity, title_seen).await?);
            continue;
        };
        let row = taken.swap_remove(at);
        if row.stock == 0 {
            sold_out.push(product_id);
        }
        let sku = crate::model::catalog::sku_of(product_id);
        lines.push(OrderLine { product_id, title: row.title, sku, unit_price: Money(row.price_cents), quantity });
    }
    if !shortfalls.is_empty() {
        return Ok(refused(PlaceError::Shortfall(shortfalls), took));
    }
    if order.reviewed.as_deref().is_some_and(|reviewed| reviewed != review_key(&lines)) {
        return Ok(refused(PlaceError::Changed, took));
    }

    let total = lines.iter().map(|l| l.quantity * l.unit_price.cents()).sum();
    let item_count = lines.iter().map(|l| l.quantity).sum();
    let order_id = match insert_order(conn.reborrow(), order, total, item_count).await {
        Ok(id) => id,
        Err(error) if error.as_database_error().is_some_and(|e| e.is_unique_violation()) => {
            return Ok(Attempt::NotPlaced { why: NotPlaced::KeyInUse, took });
        }
        Err(error) => return Err(error),
    };
    let cart = match order.lines {
        LineSource::Cart(cart_id) => Some(cart_id),
        LineSource::Lines(_) => None,
    };
    let (finish, args) = finish_sql(matches!(conn, Conn::Postgres(_)), order_id, &lines, cart, order);
    with_conn!(conn, c => bind_all!(sqlx::query(&finish), args).execute(&mut *c).await.map(|_| ()))?;
    Ok(Attempt::Placed(Written { order_id, lines, total: Money(total), item_count, sold_out }))
}

fn refused(refusal: PlaceError, took: Took) -> Attempt {
    Attempt::NotPlaced { why: NotPlaced::Refused(refusal), took }
}

async fn lock_cart(conn: Conn<'_>, cart_id: i64, at: chrono::DateTime<chrono::Utc>) -> sqlx::Result<()> {
    let sql = "UPDATE carts SET updated_at = $1 WHERE id = $2";
    with_conn!(conn, c => sqlx::query(sql).bind(at).bind(cart_id).execute(&mut *c).await.map(|_| ()))
}

async fn cart_lines(conn: Conn<'_>, cart_id: i64) -> sqlx::Result<Vec<Requested>> {
    let sql = "SELECT product_id, quantity, title_seen FROM cart_lines WHERE cart_id = $1 ORDER BY product_id";
    with_conn!(conn, c => sqlx::query_as(sql).bind(cart_id).fetch_all(&mut *c).await)
}

/// Takes every line's units in one conditional update, and returns the rows it changed: a line
/// whose product is missing, or has fewer units than asked, changed nothing.
async fn take_stock(conn: Conn<'_>, requested: &[Requested]) -> sqlx::Result<Vec<StockRow>> {
    let mut args = SqlArgs::default();
    let ids: Vec<String> = requested.iter().map(|(product_id, ..)| args.int(*product_id)).collect();
    let wanted: Vec<String> =
        requested.iter().zip(&ids).map(|((_, quantity, _), id)| format!("({id}, {})", args.int(*quantity))).collect();
    let take = format!(
        "UPDATE products SET stock = products.stock - q.column2 FROM (VALUES {}) AS q \
         WHERE products.id = q.column1 AND products.stock >= q.column2 \
         RETURNING products.id, products.stock, products.title, products.price_cents",
        wanted.join(", ")
    );
    match conn {
        Conn::Sqlite(c) => bind_all!(sqlx::query_as(&take), args).fetch_all(&mut *c).await,
        // A multi-row update locks rows in whatever order its plan meets them, and two checkouts
        // locking in different orders would deadlock: lock them first, in product order. (SQLite
        // locks the whole database.)
        Conn::Postgres(c) => {
            let lock = format!("SELECT id FROM products WHERE id IN ({}) ORDER BY id FOR UPDATE", ids.join(", "));
            // The ids are the first arguments; the update's quantities follow them.
            let mut lock_args = args.clone();
            lock_args.truncate(ids.len());
            bind_all!(sqlx::query(&lock), lock_args).execute(&mut *c).await?;
            bind_all!(sqlx::query_as(&take), args).fetch_all(&mut *c).await
        }
    }
}

/// Why a line could not be had: its product's title and stock now, or gone.
async fn shortfall(
    conn: Conn<'_>,
    product_id: i64,
    requested: i64,
    title_seen: Option<String>,
) -> sqlx::Result<Shortfall> {
    let sql = "SELECT title, stock FROM products WHERE id = $1";
    let left: Option<(String, i64)> =
        with_conn!(conn, c => sqlx::query_as(sql).bind(product_id).fetch_optional(&mut *c).await)?;
    Ok(Shortfall {
        product_id,
        requested,
        available: left.as_ref().map_or(0, |(_, stock)| *stock),
        gone: left.is_none(),
        title: left.map(|(title, _)| title).or(title_seen).unwrap_or_else(|| format!("#{product_id}")),
    })
}

/// Inserts the order's row and returns its id; a unique violation means the key is taken.
async fn insert_order(conn: Conn<'_>, order: &NewOrder, total: i64, item_count: i64) -> sqlx::Result<i64> {
    let sql = "INSERT INTO orders (user_id, idempotency_key, request_hash, status, payment_status, payment_method, \
               fulfilment, recipient, phone, address_line, city, postal_code, store_id, store_name, currency, \
               total_cents, item_count, created_day, created_at, updated_at, language) \
               VALUES ($1, $2, $3, 'placed', 'unpaid', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
               $17, $17, $18) RETURNING id";
    let d = &order.delivery;
    let day = order.at.format("%Y-%m-%d").to_string();
    with_conn!(conn, c => sqlx::query_scalar(sql)
        .bind(order.user_id).bind(&order.idempotency_key).bind(&order.request_hash)
        .bind(d.payment_method.as_str()).bind(d.fulfilment.as_str()).bind(&d.recipient).bind(&d.phone)
        .bind(&d.address_line).bind(&d.city).bind(&d.postal_code).bind(d.store_id).bind(&order.store_name)
        .bind(order.currency).bind(total).bind(item_count).bind(&day).bind(order.at).bind(order.language)
        .fetch_one(&mut *c).await)
}

/// The answer to an attempt that was rolled back, read on `conn` (where the order that holds the
/// key, if any, is visible): that order, so that a retry of a request that succeeded gets its
/// order and not "empty cart" or "out of stock"; otherwise the refusal.
pub(super) async fn answer_refusal(conn: Conn<'_>, order: &NewOrder, why: NotPlaced) -> Result<Placed, PlaceError> {
    let first: Option<(i64, String)> = with_conn!(conn, c => sqlx::query_as(ORDER_BY_KEY_SQL)
        .bind(order.user_id).bind(&order.idempotency_key).fetch_optional(&mut *c).await)?;
    match (first, why) {
        (Some((order_id, request_hash)), _) => Ok(Placed::Existing { order_id, request_hash }),
        (None, NotPlaced::Refused(refusal)) => Err(refusal),
        // The key's order was there a moment ago, and orders are never deleted.
        (None, NotPlaced::KeyInUse) => Err(PlaceError::Database(sqlx::Error::RowNotFound)),
    }
}

/// Puts back the stock a refused attempt took, in the transaction it took it in.
pub(super) async fn give_back(conn: Conn<'_>, took: &[(i64, i64)]) -> sqlx::Result<()> {
    if took.is_empty() {
        return Ok(());
    }
    let mut args = SqlArgs::default();
    let rows: Vec<String> =
        took.iter().map(|(id, quantity)| format!("({}, {})", args.int(*id), args.int(*quantity))).collect();
    let sql = format!(
        "UPDATE products SET stock = products.stock + q.column2 FROM (VALUES {}) AS q WHERE products.id = q.column1",
        rows.join(", ")
    );
    with_conn!(conn, c => bind_all!(sqlx::query(&sql), args).execute(&mut *c).await.map(|_| ()))
}

/// One statement that writes the rest of order `order_id`: its lines, the emptied cart (when it
/// came from one) and its first event. One round trip: SQLite runs every statement of a query
/// (they share the arguments), PostgreSQL runs data-modifying `WITH` clauses.
fn finish_sql(
    postgres: bool,
    order_id: i64,
    lines: &[OrderLine],
    cart: Option<i64>,
    new_order: &NewOrder,
) -> (String, SqlArgs) {
    let (user_id, at) = (new_order.user_id, new_order.at);
    let mut args = SqlArgs::default();
    let order = args.int(order_id);
    let rows: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(position, line)| {
            format!(
                "({order}, {}, {}, {}, {}, {}, {})",
                args.int(position as i64),
                args.int(line.product_id),
                args.text(line.title.clone()),
                args.text(line.sku.clone()),
                args.int(line.unit_price.cents()),
                args.int(line.quantity),
            )
        })
        .collect();
    let lines = format!(
        "INSERT INTO order_lines (order_id, position, product_id, title, sku, unit_price_cents, quantity) VALUES {}",
        rows.join(", ")
    );
    let emptied = cart.map(|cart_id| format!("DELETE FROM cart_lines WHERE cart_id = {}", args.int(cart_id)));
    let event = format!(
        "INSERT INTO order_events (order_id, action, actor_id, at) VALUES ({order}, 'placed', {}, {})",
        args.int(user_id),
        args.time(at)
    );
    let queued =
        new_order.follow_up.map(|job| job.insert_statement(&mut args, order_id, user_id, at.timestamp_millis()));
    let sql = if postgres {
        let mut clauses = vec![format!("lines AS ({lines})")];
        clauses.extend(emptied.map(|delete| format!("emptied AS ({delete})")));
        clauses.extend(queued.map(|insert| format!("queued AS ({insert})")));
        format!("WITH {} {event}", clauses.join(", "))
    } else {
        let mut statements = vec![lines];
        statements.extend(emptied);
        statements.extend(queued);
        statements.push(event);
        statements.join("; ")
    };
    (sql, args)
}

/// [`crate::model::cart::review_key`] of the lines as priced now.
fn review_key(lines: &[OrderLine]) -> String {
    let priced: Vec<(i64, i64, i64)> = lines.iter().map(|l| (l.product_id, l.quantity, l.unit_price.cents())).collect();
    crate::model::cart::review_key(&priced)
}
