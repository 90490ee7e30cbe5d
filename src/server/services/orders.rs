//! Orders: placing one (from the cart, or from lines an API client sends), reading them, and
//! changing their state. The same rules for the pages and the API.
//!
//! - Prices come from the product rows at the moment of the order; a client never sends one.
//! - The idempotency key makes a retried request find its first order instead of placing another;
//!   the same key with a different request is refused.
//! - A customer sees and cancels only their own orders; anyone else's is "not found", so ids do not
//!   reveal which orders exist.

use crate::error::{AppError, Entity, FieldError, FieldIssue};
use crate::i18n::Lang;
use crate::model::back_office::{BestSeller, DaySales, SalesOverview};
use crate::model::orders::{
    apply, check_idempotency_key, merge_lines, Actor, CheckoutInput, Delivery, LineRequest, Order, OrderAction,
    OrderEvent, OrderFilter, OrderPage, OrderStatus, OrderSummary, PaymentStatus,
};
use crate::model::{money::Currency, Money, User};
use crate::server::db::orders::{self as db, LineSource, NewOrder, PlaceError, Placed, Written};
use crate::server::services::order_mail::OrderMailEvent;
use crate::server::{app::state::AppState, db::carts, db::stores, db::Db};
use chrono::Utc;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// An order placed, or found again by its idempotency key.
#[derive(Debug)]
pub struct Placement {
    pub order: Order,
    /// False when the key named an order placed earlier.
    pub created: bool,
}

/// Places the signed-in shopper's cart as an order, and empties the cart in the same transaction.
/// `reviewed` is the cart's `review_key` as the checkout page showed it: if the lines or a price
/// changed since, nothing is ordered ([`AppError::CartChanged`]).
pub async fn place_from_cart(
    state: &AppState,
    buyer: &User,
    input: &CheckoutInput,
    idempotency_key: &str,
    reviewed: Option<&str>,
    lang: Lang,
) -> Result<Placement, AppError> {
    let key = check_idempotency_key(idempotency_key).map_err(|e| AppError::Validation(vec![e]))?;
    let (delivery, store_name) = checked_delivery(state, input).await?;
    let request_hash = fingerprint(&delivery, None);
    let Some(cart_id) = carts::select_user_cart(&state.db, buyer.id).await? else {
        // No cart at all: a resubmitted form whose first submission emptied the cart still finds its order.
        return existing_or(state, buyer, key, &request_hash, AppError::EmptyCart).await;
    };
    let order = Checkout { key: key.to_owned(), request_hash, delivery, store_name, lang };
    place(state, buyer, order, LineSource::Cart(cart_id), reviewed).await
}

/// Places an order of `lines` (an API client's), priced by the server.
pub async fn place_from_lines(
    state: &AppState,
    buyer: &User,
    input: &CheckoutInput,
    lines: &[LineRequest],
    idempotency_key: &str,
    lang: Lang,
) -> Result<Placement, AppError> {
    let key = check_idempotency_key(idempotency_key).map_err(|e| AppError::Validation(vec![e]))?;
    let (delivery, lines) = match (checked_delivery(state, input).await, merge_lines(lines)) {
        (Ok(checked), Ok(lines)) => (checked, lines),
        (Err(AppError::Validation(mut errors)), Err(line_error)) => {
            errors.push(line_error);
            return Err(AppError::Validation(errors));
        }
        (Err(error), _) => return Err(error),
        (Ok(_), Err(line_error)) => return Err(AppError::Validation(vec![line_error])),
    };
    let (delivery, store_name) = delivery;
    let request_hash = fingerprint(&delivery, Some(&lines));
    let order = Checkout { key: key.to_owned(), request_hash, delivery, store_name, lang };
    place(state, buyer, order, LineSource::Lines(lines), None).await
}

/// A checked checkout: its key, the fingerprint of what it asks, where and how, and the language
/// the shopper asked in (the e-mails about the order speak it).
struct Checkout {
    key: String,
    request_hash: String,
    delivery: Delivery,
    store_name: String,
    lang: Lang,
}

async fn place(
    state: &AppState,
    buyer: &User,
    checkout: Checkout,
    lines: LineSource,
    reviewed: Option<&str>,
) -> Result<Placement, AppError> {
    let Checkout { key, request_hash, delivery, store_name, lang } = checkout;
    let new_order = Arc::new(NewOrder {
        reviewed: reviewed.map(str::to_owned),
        user_id: buyer.id,
        idempotency_key: key,
        request_hash,
        delivery,
        store_name,
        currency: state.config.store.currency.code(),
        language: lang.code(),
        lines,
        at: Utc::now(),
        follow_up: Some(OrderMailEvent::Placed.follow_up()),
    });
    // In a task of its own, so that an order and what follows it (the caches told of a sell-out)
    // are done even when the client leaves before the answer.
    let placing = tokio::spawn(place_and_announce(state.clone(), Arc::clone(&new_order)));
    let placed = placing.await.map_err(|error| {
        tracing::error!(%error, "placing an order panicked");
        AppError::Internal
    })?;
    match placed {
        Ok(Placed::New(written)) => {
            tracing::info!(order_id = written.order_id, user_id = buyer.id, "order placed");
            Ok(Placement { order: as_written(buyer, &new_order, written), created: true })
        }
        Ok(Placed::Existing { order_id, request_hash: first_hash }) => {
            if first_hash != new_order.request_hash {
                return Err(AppError::IdempotencyKeyReused);
            }
            Ok(Placement { order: load(state, order_id).await?, created: false })
        }
        Err(PlaceError::EmptyCart) => Err(AppError::EmptyCart),
        Err(PlaceError::Shortfall(lines)) => Err(AppError::OutOfStock(lines)),
        Err(PlaceError::Changed) => Err(AppError::CartChanged),
        Err(PlaceError::Database(error)) => Err(error.into()),
    }
}

async fn place_and_announce(state: AppState, order: Arc<NewOrder>) -> Result<Placed, PlaceError> {
    let placed = db::place_order(&state.db, order).await;
    if let Ok(Placed::New(written)) = &placed {
        if !written.sold_out.is_empty() {
            // Pages say "in stock" or "sold out"; only a product reaching zero changes them.
            state.stock_changed();
        }
    }
    placed
}

/// The order just placed, exactly as [`load`] would read it back (a story checks that they are
/// equal), from what its transaction wrote: reading it again would cost a checkout a third of its
/// database round trips.
fn as_written(buyer: &User, placed: &NewOrder, written: Written) -> Order {
    let at = crate::server::db::rfc3339(placed.at);
    let delivery = &placed.delivery;
    Order {
        summary: OrderSummary {
            id: written.order_id,
            user_id: buyer.id,
            customer_name: buyer.name.clone(),
            customer_email: buyer.email.clone(),
            status: OrderStatus::Placed,
            payment_status: PaymentStatus::Unpaid,
            fulfilment: delivery.fulfilment,
            total: written.total,
            currency: placed.currency.to_owned(),
            item_count: written.item_count,
            created_at: at.clone(),
        },
        payment_method: delivery.payment_method,
        recipient: delivery.recipient.clone(),
        phone: delivery.phone.clone(),
        address_line: delivery.address_line.clone(),
        city: delivery.city.clone(),
        postal_code: delivery.postal_code.clone(),
        store_id: delivery.store_id,
        store_name: placed.store_name.clone(),
        updated_at: at.clone(),
        lines: written.lines,
        events: vec![OrderEvent { action: "placed".into(), actor_name: Some(buyer.name.clone()), at }],
    }
}

/// The order this key already placed (with the same request), or `otherwise`.
async fn existing_or(
    state: &AppState,
    buyer: &User,
    key: &str,
    request_hash: &str,
    otherwise: AppError,
) -> Result<Placement, AppError> {
    match db::select_order_by_key(&state.db, buyer.id, key).await? {
        Some((order_id, hash)) if hash == request_hash => {
            Ok(Placement { order: load(state, order_id).await?, created: false })
        }
        Some(_) => Err(AppError::IdempotencyKeyReused),
        None => Err(otherwise),
    }
}

/// The checkout's fields checked, and the pickup shop one of the store's.
/// Also the pickup shop's name, which the order keeps (empty for a delivery).
async fn checked_delivery(state: &AppState, input: &CheckoutInput) -> Result<(Delivery, String), AppError> {
    let delivery = input.validate().map_err(AppError::Validation)?;
    let Some(store_id) = delivery.store_id else {
        return Ok((delivery, String::new()));
    };
    let shops = stores::select_stores(&state.db).await?;
    match shops.into_iter().find(|shop| shop.id == store_id) {
        Some(shop) => Ok((delivery, shop.name)),
        None => Err(AppError::Validation(vec![FieldError::new("store_id", FieldIssue::UnknownStore)])),
    }
}

/// What a request asked for, reduced to a digest: the same key with a different request is a
/// client's mistake, not a retry.
fn fingerprint(delivery: &Delivery, lines: Option<&[LineRequest]>) -> String {
    let asked = serde_json::json!({ "delivery": delivery, "lines": lines });
    crate::server::text::hex(&Sha256::digest(asked.to_string().as_bytes()))
}

/// One order, for its customer or an admin; anyone else is told it does not exist.
pub async fn get(state: &AppState, viewer: &User, order_id: i64) -> Result<Order, AppError> {
    let order = load(state, order_id).await?;
    if order.summary.user_id != viewer.id && !viewer.is_admin() {
        return Err(AppError::missing_id(Entity::Order, order_id));
    }
    Ok(order)
}

/// A page of the viewer's own orders, newest first, by status and days if asked (a customer's
/// list is never searched by customer).
pub async fn list_own(state: &AppState, viewer: &User, filter: &OrderFilter) -> Result<OrderPage, AppError> {
    let filter = OrderFilter { page: filter.page.max(1), customer: String::new(), ..filter.clone() };
    let (orders, total) = db::select_orders(&state.db, Some(viewer.id), &filter).await?;
    Ok(OrderPage { orders, total, page: filter.page })
}

/// A page of every order, filtered: admins only.
pub async fn list_all(state: &AppState, viewer: &User, filter: &OrderFilter) -> Result<OrderPage, AppError> {
    super::ensure_admin(viewer)?;
    let filter = OrderFilter { page: filter.page.max(1), ..filter.clone() };
    let (orders, total) = db::select_orders(&state.db, None, &filter).await?;
    Ok(OrderPage { orders, total, page: filter.page })
}

/// Applies `action` to an order: a customer may cancel their own order before it ships; an admin
/// moves any order along. A change that the order's state does not allow is refused with the
/// reason, and so is one that lost a race with another change.
pub async fn change(state: &AppState, viewer: &User, order_id: i64, action: OrderAction) -> Result<Order, AppError> {
    let order = get(state, viewer, order_id).await?;
    let actor = if viewer.is_admin() { Actor::Admin } else { Actor::Customer };
    let from = order.state();
    let to = apply(from, action, actor).map_err(AppError::OrderTransition)?;
    let change = db::StateChange {
        order_id,
        from,
        to,
        action,
        actor_id: viewer.id,
        at: Utc::now(),
        follow_up: OrderMailEvent::after(action).map(OrderMailEvent::follow_up),
    };
    match db::change_state(&state.db, change).await? {
        Some(back_in_stock) => {
            if !back_in_stock.is_empty() {
                state.stock_changed();
            }
            tracing::info!(order_id, action = action.as_str(), by = viewer.id, "order changed");
            load(state, order_id).await
        }
        // Someone else changed the order in between: judge the action again on what it is now.
        None => {
            let now = load(state, order_id).await?;
            apply(now.state(), action, actor).map_err(AppError::OrderTransition)?;
            Err(AppError::StaleEdit)
        }
    }
}

/// Orders and revenue per day over the last `days` days (zero-filled), and the best sellers.
pub async fn sales_overview(state: &AppState, viewer: &User, days: i64) -> Result<SalesOverview, AppError> {
    super::ensure_admin(viewer)?;
    let today = Utc::now().date_naive();
    let first = today - chrono::Duration::days(days - 1);
    let best_sellers = BestSellers { limit: BEST_SELLERS, of_all_time: true };
    sales_between(&state.db, state.config.store.currency, (first, today), best_sellers).await
}

/// Which best sellers a sales overview lists.
pub struct BestSellers {
    pub limit: i64,
    /// Of all time (the dashboard), or of the overview's days only (the sales report).
    pub of_all_time: bool,
}

/// Orders and revenue per day from the first day to the last (zero-filled), and the best sellers:
/// the dashboard's and the sales report's figures.
pub async fn sales_between(
    db: &Db,
    currency: Currency,
    (first, last): (chrono::NaiveDate, chrono::NaiveDate),
    best_sellers: BestSellers,
) -> Result<SalesOverview, AppError> {
    let day = |date: chrono::NaiveDate| date.format("%Y-%m-%d").to_string();
    let sold = db::select_sales_per_day(db, &day(first), &day(last), currency.code()).await?;
    let per_day = first
        .iter_days()
        .take_while(|date| *date <= last)
        .map(|date| {
            let day = day(date);
            let (orders, revenue) =
                sold.iter().find(|(d, ..)| *d == day).map_or((0, Money(0)), |(_, orders, revenue)| (*orders, *revenue));
            DaySales { day, orders, revenue }
        })
        .collect();
    let range = if best_sellers.of_all_time {
        ("0000-00-00".to_owned(), "9999-99-99".to_owned())
    } else {
        (day(first), day(last))
    };
    let best_sellers = db::select_best_sellers(db, best_sellers.limit, currency.code(), (&range.0, &range.1))
        .await?
        .into_iter()
        .map(|(product_id, title, units, revenue)| BestSeller { product_id, title, units, revenue })
        .collect();
    Ok(SalesOverview { per_day, best_sellers, currency })
}

/// How many products the dashboard's best-seller list names.
const BEST_SELLERS: i64 = 5;

/// A whole order, and the language it was placed in.
pub(super) async fn load_with_language(
    db: &crate::server::db::Db,
    order_id: i64,
) -> Result<(Order, crate::i18n::Lang), AppError> {
    let (summary, detail, lines, events) =
        db::select_order(db, order_id).await?.ok_or(AppError::missing_id(Entity::Order, order_id))?;
    let payment_method = crate::model::orders::PaymentMethod::parse(&detail.payment_method).ok_or_else(|| {
        tracing::error!(order_id, "stored payment method is not one Tienda knows");
        AppError::Internal
    })?;
    let language = crate::i18n::Lang::from_tag(&detail.language).unwrap_or_default();
    let order = Order {
        summary,
        payment_method,
        recipient: detail.recipient,
        phone: detail.phone,
        address_line: detail.address_line,
        city: detail.city,
        postal_code: detail.postal_code,
        store_id: detail.store_id,
        store_name: detail.store_name,
        updated_at: crate::server::db::rfc3339(detail.updated_at),
        lines,
        events,
    };
    Ok((order, language))
}

async fn load(state: &AppState, order_id: i64) -> Result<Order, AppError> {
    Ok(load_with_language(&state.db, order_id).await?.0)
}
