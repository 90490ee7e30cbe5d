//! `/api/v1/orders`: a Bearer client's own orders (an admin's: everyone's, filterable), placing
//! one from lines with an `Idempotency-Key`, and `PATCH` for a change of state. The rules are
//! `services::orders`', the same as the pages': the server prices every line, a retried request
//! gets its first order, someone else's order is a 404, and an impossible change is a 409 that
//! says why.

use super::body::{check, Fields};
use super::caller::Caller;
use super::catalog::id;
use super::errors::ApiError;
use super::json::{timestamp_text, Price};
use super::path::Segment;
use super::schema::refusals::{BodyTooLarge, TooManyWrites};
use super::schema::ErrorBody;
use crate::model::orders::{
    parse_day, CheckoutInput, LineRequest, Order, OrderAction, OrderFilter, OrderPage, OrderStatus, OrderSummary,
    PaymentStatus, ORDERS_PER_PAGE,
};
use crate::server::app::state::AppState;
use crate::server::services::orders as service;
use axum::{
    extract::{RawQuery, State},
    http::{HeaderMap, HeaderName, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// The header that makes a create safe to retry.
const IDEMPOTENCY_KEY: &str = "idempotency-key";

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiOrderLine {
    product_id: i64,
    /// The title and SKU when the order was placed.
    title: String,
    sku: String,
    /// In currency units, as products' prices.
    #[schema(value_type = f64)]
    unit_price: Price,
    quantity: i64,
    #[schema(value_type = f64)]
    total: Price,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiCustomer {
    id: i64,
    name: String,
    email: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiOrderEvent {
    /// `placed`, or the change: `confirm`, `ship`, `ready_for_pickup`, `mark_paid`, `deliver`, `cancel`.
    action: String,
    /// Who made it (absent if that account is gone).
    by: Option<String>,
    at: String,
}

/// An order in a list.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiOrderSummary {
    id: i64,
    /// `placed`, `confirmed`, `shipped`, `ready_for_pickup`, `delivered` or `cancelled`.
    status: String,
    /// `unpaid` or `paid`.
    payment_status: String,
    /// `delivery` or `pickup`.
    fulfilment: String,
    #[schema(value_type = f64)]
    total: Price,
    /// The currency of every amount in the order (ISO 4217), the store's when it was placed.
    #[schema(example = "USD")]
    currency: String,
    item_count: i64,
    customer: ApiCustomer,
    creation_at: String,
}

/// A whole order.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiOrder {
    #[serde(flatten)]
    summary: ApiOrderSummary,
    /// `pay_at_pickup` or `cash_on_delivery`.
    payment_method: String,
    recipient: String,
    phone: String,
    /// Delivery only (empty for a pickup).
    address_line: String,
    city: String,
    postal_code: String,
    /// Pickup only: the shop, by id and name.
    store_id: Option<i64>,
    store_name: String,
    lines: Vec<ApiOrderLine>,
    history: Vec<ApiOrderEvent>,
    updated_at: String,
}

/// A page of orders, newest first.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiOrderPage {
    items: Vec<ApiOrderSummary>,
    /// How many orders match in all.
    total: u64,
    page: u32,
    page_size: u32,
}

/// One line of a new order.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderLineCreate {
    #[schema(example = 1)]
    product_id: i64,
    /// 1 to 99.
    #[schema(example = 2)]
    quantity: i64,
}

/// A new order. Prices are never sent: the server prices every line. Delivery needs the address;
/// pickup needs `storeId` (see `/locations`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderCreate {
    /// 1 to 50 lines; the same product twice is added up.
    lines: Vec<OrderLineCreate>,
    /// `delivery` or `pickup`.
    #[schema(example = "pickup")]
    fulfilment: String,
    /// `cash_on_delivery` (delivery) or `pay_at_pickup` (pickup); left out, the one that fits.
    #[schema(example = "pay_at_pickup")]
    payment_method: Option<String>,
    #[schema(example = "Jhon Doe")]
    recipient: String,
    #[schema(example = "+57 300 123 4567")]
    phone: String,
    address_line: Option<String>,
    city: Option<String>,
    postal_code: Option<String>,
    #[schema(example = 1)]
    store_id: Option<i64>,
}

/// A change of state: one of the two fields.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderPatch {
    /// The next status: `confirmed`, `shipped`, `ready_for_pickup`, `delivered` (admins), or
    /// `cancelled` (the customer, before it ships; or an admin).
    #[schema(example = "cancelled")]
    status: Option<String>,
    /// `paid` (admins), once the money is received.
    payment_status: Option<String>,
}

fn summary_json(summary: &OrderSummary) -> ApiOrderSummary {
    ApiOrderSummary {
        id: summary.id,
        status: summary.status.as_str().to_owned(),
        payment_status: summary.payment_status.as_str().to_owned(),
        fulfilment: summary.fulfilment.as_str().to_owned(),
        total: Price(summary.total.cents()),
        currency: summary.currency.clone(),
        item_count: summary.item_count,
        customer: ApiCustomer {
            id: summary.user_id,
            name: summary.customer_name.clone(),
            email: summary.customer_email.clone(),
        },
        creation_at: timestamp_text(&summary.created_at),
    }
}

fn order_json(order: Order) -> ApiOrder {
    ApiOrder {
        summary: summary_json(&order.summary),
        payment_method: order.payment_method.as_str().to_owned(),
        recipient: order.recipient,
        phone: order.phone,
        address_line: order.address_line,
        city: order.city,
        postal_code: order.postal_code,
        store_id: order.store_id,
        store_name: order.store_name,
        lines: order
            .lines
            .into_iter()
            .map(|line| ApiOrderLine {
                total: Price(line.total().cents()),
                product_id: line.product_id,
                title: line.title,
                sku: line.sku,
                unit_price: Price(line.unit_price.cents()),
                quantity: line.quantity,
            })
            .collect(),
        history: order
            .events
            .into_iter()
            .map(|event| ApiOrderEvent { action: event.action, by: event.actor_name, at: timestamp_text(&event.at) })
            .collect(),
        updated_at: timestamp_text(&order.updated_at),
    }
}

fn page_json(page: OrderPage) -> ApiOrderPage {
    ApiOrderPage {
        items: page.orders.iter().map(summary_json).collect(),
        total: page.total,
        page: page.page,
        page_size: ORDERS_PER_PAGE,
    }
}

#[utoipa::path(
    get,
    path = "/orders",
    tag = "orders",
    summary = "Orders: your own, or everyone's for an admin",
    description = "Newest first, 20 a page. `status`, `from` and `to` (days, `YYYY-MM-DD`, UTC, both \
                   included) filter; `customer` (part of a name or email) applies to admins' lists.",
    params(
        ("status" = Option<String>, Query, description = "Only orders in this status"),
        ("from" = Option<String>, Query, description = "Placed on or after this day (YYYY-MM-DD)"),
        ("to" = Option<String>, Query, description = "Placed on or before this day (YYYY-MM-DD)"),
        ("customer" = Option<String>, Query, description = "Admins: part of the customer's name or email"),
        ("page" = Option<u32>, Query, minimum = 1, description = "Page number, from 1"),
    ),
    responses(
        (status = 200, description = "A page of orders", body = ApiOrderPage),
        (status = 400, description = "A filter that cannot be read", body = ErrorBody),
        (status = 401, description = "No valid Bearer token", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn list_orders(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Json<ApiOrderPage>, ApiError> {
    let viewer = caller.required()?.to_user();
    let filter = filter_of(query.as_deref().unwrap_or_default())?;
    let page = if viewer.is_admin() {
        service::list_all(&state, &viewer, &filter).await?
    } else {
        service::list_own(&state, &viewer, &filter).await?
    };
    Ok(Json(page_json(page)))
}

/// The list's query: each filter checked, with one message per problem.
fn filter_of(query: &str) -> Result<OrderFilter, ApiError> {
    let mut filter = OrderFilter { page: 1, ..Default::default() };
    let mut messages = Vec::new();
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "status" => match OrderStatus::parse(value.trim()) {
                Some(status) => filter.status = Some(status),
                None => messages.push(format!("status must be one of the following values: {}", statuses())),
            },
            "from" | "to" => match parse_day(&value) {
                Some(day) if key == "from" => filter.from = Some(day),
                Some(day) => filter.to = Some(day),
                None => messages.push(format!("{key} must be a day like 2026-12-01")),
            },
            "customer" => filter.customer = value.chars().take(100).collect(),
            "page" => match value.trim().parse::<u32>() {
                Ok(page) if page >= 1 => filter.page = page,
                _ => messages.push("page must be a whole number from 1".into()),
            },
            _ => {}
        }
    }
    check(messages)?;
    Ok(filter)
}

fn statuses() -> String {
    OrderStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

#[utoipa::path(
    get,
    path = "/orders/{id}",
    tag = "orders",
    summary = "One order (its customer, or an admin)",
    params(("id" = i64, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order", body = ApiOrder),
        (status = 400, description = "The id is not a whole number", body = ErrorBody),
        (status = 401, description = "No valid Bearer token", body = ErrorBody),
        (status = 404, description = "No such order, or someone else's", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
pub async fn get_order(
    State(state): State<AppState>,
    caller: Caller,
    Segment(raw): Segment,
) -> Result<Json<ApiOrder>, ApiError> {
    let viewer = caller.required()?.to_user();
    let order = service::get(&state, &viewer, id(&raw)?).await?;
    Ok(Json(order_json(order)))
}

#[utoipa::path(
    post,
    path = "/orders",
    tag = "orders",
    summary = "Place an order",
    description = "Priced by the server (a price in the body is ignored); stock is taken in the same \
                   transaction, and a line that cannot be had fails the whole order (409, listing each \
                   line and what is left). Send a unique `Idempotency-Key` per order: a retry with the \
                   same key and body gets the first order back (200, `Idempotent-Replayed: true`) instead \
                   of a second one; the same key with a different body is a 409.",
    params(("Idempotency-Key" = String, Header, description = "A unique key per order (1 to 100 visible ASCII characters)")),
    request_body = OrderCreate,
    responses(
        (status = 201, description = "The new order", body = ApiOrder),
        (status = 200, description = "The order this key already placed", body = ApiOrder),
        (status = 400, description = "A field, a line or the key is not valid", body = ErrorBody),
        (status = 401, description = "No valid Bearer token", body = ErrorBody),
        (status = 409, description = "A line cannot be had (nothing is ordered), or the key was used for another order", body = ErrorBody),
        BodyTooLarge,
        TooManyWrites,
    ),
    security(("bearer" = [])),
)]
pub async fn create_order(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    fields: Fields,
) -> Result<Response, ApiError> {
    let buyer = caller.required()?.to_user();
    let mut messages = Vec::new();
    let key = match headers.get(IDEMPOTENCY_KEY).map(|value| value.to_str()) {
        Some(Ok(key)) => key.to_owned(),
        Some(Err(_)) => {
            messages.push("Idempotency-Key must be visible ASCII".into());
            String::new()
        }
        None => {
            messages.push("Idempotency-Key header should not be empty".into());
            String::new()
        }
    };
    let lines = lines_of(&fields, &mut messages);
    let input = CheckoutInput {
        fulfilment: fields.text("fulfilment", true, "fulfilment must be a string", &mut messages).unwrap_or_default(),
        payment_method: fields
            .text("paymentMethod", false, "paymentMethod must be a string", &mut messages)
            .unwrap_or_default(),
        recipient: fields.text("recipient", true, "recipient must be a string", &mut messages).unwrap_or_default(),
        phone: fields.text("phone", true, "phone must be a string", &mut messages).unwrap_or_default(),
        address_line: fields
            .text("addressLine", false, "addressLine must be a string", &mut messages)
            .unwrap_or_default(),
        city: fields.text("city", false, "city must be a string", &mut messages).unwrap_or_default(),
        postal_code: fields.text("postalCode", false, "postalCode must be a string", &mut messages).unwrap_or_default(),
        store_id: fields
            .number("storeId", false, "storeId must be a whole number", &mut messages)
            .map(|id| id.parse().unwrap_or(-1)),
    };
    check(messages)?;
    // The e-mails about the order speak the caller's Accept-Language (English when none we speak).
    let lang = crate::server::http::language::request_language(&headers);
    let placement = service::place_from_lines(&state, &buyer, &input, &lines, &key, lang).await?;
    let status = if placement.created { StatusCode::CREATED } else { StatusCode::OK };
    let mut response = (status, Json(order_json(placement.order))).into_response();
    if !placement.created {
        response.headers_mut().insert(HeaderName::from_static("idempotent-replayed"), HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// `lines`: a list of `{productId, quantity}`, whole numbers (or their text).
fn lines_of(fields: &Fields, messages: &mut Vec<String>) -> Vec<LineRequest> {
    const SHAPE: &str = "lines must be an array of objects with productId and quantity";
    let Some(value) = fields.0.get("lines").filter(|v| !v.is_null()) else {
        messages.push("lines should not be empty".into());
        return Vec::new();
    };
    let Value::Array(items) = value else {
        messages.push(SHAPE.into());
        return Vec::new();
    };
    let whole = |value: Option<&Value>| match value {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(text)) => text.trim().parse().ok(),
        _ => None,
    };
    let mut lines = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match (whole(item.get("productId")), whole(item.get("quantity"))) {
            (Some(product_id), Some(quantity)) => lines.push(LineRequest { product_id, quantity }),
            (None, _) => messages.push(format!("lines[{i}].productId must be a whole number")),
            (_, None) => messages.push(format!("lines[{i}].quantity must be a whole number")),
        }
    }
    lines
}

#[utoipa::path(
    patch,
    path = "/orders/{id}",
    tag = "orders",
    summary = "Change an order's status or payment",
    description = "A partial change: send `status` or `paymentStatus`, one per request. Admins move \
                   orders along (placed → confirmed → shipped or ready_for_pickup → delivered, paid \
                   before delivered); a customer may set `cancelled` on their own order until it ships. \
                   Cancelling puts the stock back. A change the order's state does not allow is a 409 \
                   that says why.",
    params(("id" = i64, Path, description = "The order's id")),
    request_body = OrderPatch,
    responses(
        (status = 200, description = "The order after the change", body = ApiOrder),
        (status = 400, description = "Neither or both fields, or an unknown value", body = ErrorBody),
        (status = 401, description = "No valid Bearer token", body = ErrorBody),
        (status = 403, description = "Only an admin may make that change", body = ErrorBody),
        (status = 404, description = "No such order, or someone else's", body = ErrorBody),
        (status = 409, description = "The order's state does not allow it", body = ErrorBody),
        BodyTooLarge,
        TooManyWrites,
    ),
    security(("bearer" = [])),
)]
pub async fn patch_order(
    State(state): State<AppState>,
    caller: Caller,
    Segment(raw): Segment,
    fields: Fields,
) -> Result<Json<ApiOrder>, ApiError> {
    let viewer = caller.required()?.to_user();
    let order_id = id(&raw)?;
    let action = action_of(&fields)?;
    let order = service::change(&state, &viewer, order_id, action).await?;
    Ok(Json(order_json(order)))
}

/// The one change a PATCH body asks for.
fn action_of(fields: &Fields) -> Result<OrderAction, ApiError> {
    let mut messages = Vec::new();
    let status = fields.text("status", false, "status must be a string", &mut messages);
    let payment = fields.text("paymentStatus", false, "paymentStatus must be a string", &mut messages);
    check(messages)?;
    let one = |message: &str| ApiError::Validation(vec![message.to_owned()]);
    match (status, payment) {
        (Some(_), Some(_)) => Err(one("send either status or paymentStatus, one change per request")),
        (None, None) => Err(one("status or paymentStatus should not be empty")),
        (Some(status), None) => match OrderStatus::parse(status.trim()) {
            Some(OrderStatus::Confirmed) => Ok(OrderAction::Confirm),
            Some(OrderStatus::Shipped) => Ok(OrderAction::Ship),
            Some(OrderStatus::ReadyForPickup) => Ok(OrderAction::ReadyForPickup),
            Some(OrderStatus::Delivered) => Ok(OrderAction::Deliver),
            Some(OrderStatus::Cancelled) => Ok(OrderAction::Cancel),
            _ => Err(one("status must be one of the following values: confirmed, shipped, ready_for_pickup, delivered, cancelled")),
        },
        (None, Some(payment)) => match PaymentStatus::parse(payment.trim()) {
            Some(PaymentStatus::Paid) => Ok(OrderAction::MarkPaid),
            _ => Err(one("paymentStatus must be one of the following values: paid")),
        },
    }
}
