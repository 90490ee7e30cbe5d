//! Checkout and orders: the shopper's (their own orders only) and the back office's (admins).
//! Every function checks who is calling; the services check again.

use crate::error::AppError;
use crate::model::back_office::SalesOverview;
use crate::model::cart::Cart;
use crate::model::orders::{Order, OrderAction, OrderFilter, OrderPage};
use crate::model::stores::StoreLocation;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::server::{
    auth::session,
    http::guard,
    services::{cart, cart::Shopper, orders, stores},
};

/// What the checkout page shows: the cart as it would be ordered, the shops to collect from,
/// and a fresh key that makes this checkout place one order however often it is submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckoutData {
    pub cart: Cart,
    pub stores: Vec<StoreLocation>,
    pub idempotency_key: String,
}

#[server(prefix = "/rpc", endpoint = "checkout", input = GetUrl)]
pub async fn load_checkout() -> Result<CheckoutData, AppError> {
    let state = super::app_state()?;
    let user = guard::require_user()?;
    let mut cart = cart::view(&state, Shopper::Account(user.id)).await?;
    cart.left_behind = session::take_left_behind(&guard::request_session().await?).await?;
    let mut stores = stores::all_stores(&state).await?;
    stores.sort_by(|a, b| a.city.cmp(&b.city).then_with(|| a.name.cmp(&b.name)));
    Ok(CheckoutData { cart, stores, idempotency_key: crate::server::text::random_hex() })
}

/// The checkout form's fields as the browser sends them (text; the model checks them).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckoutFields {
    pub fulfilment: String,
    /// Left out by the page: it follows the way of receiving.
    pub payment_method: Option<String>,
    pub recipient: String,
    pub phone: String,
    pub address_line: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub store_id: Option<String>,
}

/// Places the signed-in shopper's cart as an order and shows it.
#[server(prefix = "/rpc", endpoint = "checkout/place")]
pub async fn place_order(
    #[server(flatten)] fields: CheckoutFields,
    idempotency_key: String,
    reviewed: Option<String>,
) -> Result<i64, AppError> {
    let state = super::app_state()?;
    let user = guard::require_user()?;
    let input = crate::model::orders::CheckoutInput {
        fulfilment: fields.fulfilment,
        payment_method: fields.payment_method.unwrap_or_default(),
        recipient: fields.recipient,
        phone: fields.phone,
        address_line: fields.address_line.unwrap_or_default(),
        city: fields.city.unwrap_or_default(),
        postal_code: fields.postal_code.unwrap_or_default(),
        // A store id that is not a number names no store.
        store_id: fields.store_id.filter(|id| !id.trim().is_empty()).map(|id| id.trim().parse().unwrap_or(-1)),
    };
    let lang = super::page_context::request_language();
    let placed = orders::place_from_cart(&state, &user, &input, &idempotency_key, reviewed.as_deref(), lang).await?;
    let id = placed.order.summary.id;
    leptos_axum::redirect(&format!("{}?placed=1", crate::model::paths::my_order(id)));
    Ok(id)
}

#[server(prefix = "/rpc", endpoint = "orders/mine", input = GetUrl)]
pub async fn my_orders(page: Option<u32>) -> Result<OrderPage, AppError> {
    let state = super::app_state()?;
    let user = guard::require_user()?;
    let filter = OrderFilter { page: page.unwrap_or(1), ..Default::default() };
    orders::list_own(&state, &user, &filter).await
}

/// One order of the signed-in person (an admin sees any), with the changes they may make.
#[server(prefix = "/rpc", endpoint = "orders/one", input = GetUrl)]
pub async fn get_order(id: i64) -> Result<(Order, Vec<OrderAction>), AppError> {
    let state = super::app_state()?;
    let user = guard::require_user()?;
    let order = orders::get(&state, &user, id).await?;
    let actor =
        if user.is_admin() { crate::model::orders::Actor::Admin } else { crate::model::orders::Actor::Customer };
    let actions = crate::model::orders::allowed_actions(order.state(), actor);
    Ok((order, actions))
}

/// Applies `action` to an order and goes back to its page (the customer's, or the back office's).
#[server(prefix = "/rpc", endpoint = "orders/change")]
pub async fn change_order(id: i64, action: String) -> Result<(), AppError> {
    let state = super::app_state()?;
    let user = guard::require_user()?;
    let action = OrderAction::parse(&action).ok_or_else(|| AppError::BadRequest("unknown order action".into()))?;
    orders::change(&state, &user, id, action).await?;
    let back = if user.is_admin() { crate::model::paths::admin_order(id) } else { crate::model::paths::my_order(id) };
    leptos_axum::redirect(&format!("{back}?saved=1"));
    Ok(())
}

/// Every order, filtered: admins only.
#[server(prefix = "/rpc", endpoint = "admin/orders", input = GetUrl)]
pub async fn admin_orders(filter: OrderFilter) -> Result<OrderPage, AppError> {
    let state = super::app_state()?;
    let user = guard::signed_in_admin()?;
    orders::list_all(&state, &user, &filter).await
}

/// Sales per day over the last 30 days, and the best sellers: admins only.
#[server(prefix = "/rpc", endpoint = "admin/sales", input = GetUrl)]
pub async fn load_sales() -> Result<SalesOverview, AppError> {
    let state = super::app_state()?;
    let user = guard::signed_in_admin()?;
    orders::sales_overview(&state, &user, 30).await
}
