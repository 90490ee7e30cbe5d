//! The cart, for signed-in shoppers and guests alike.
//!
//! A guest gets a session the first time they add something: it keeps their cart's id. A guest
//! also gets the `tienda_cart` cookie with their cart's count, which lets the page cache serve
//! them cached catalog pages with their own count in the header.
//!
//! Each change answers a call from an island with the cart's new count, in place; a plain form
//! post (no JavaScript) is sent back to the page it came from, which shows what happened.

use crate::error::AppError;
use crate::model::cart::Cart;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::server::{
    auth::session,
    http::guard,
    services::cart::{self, CartChange, Shopper},
};

/// Adds `quantity` (as typed) of a product; returns the cart's units. Without JavaScript, goes
/// back to `back` (a page of this site) with a note of what was added.
#[server(prefix = "/rpc", endpoint = "cart/add")]
pub async fn add_to_cart(product_id: i64, quantity: String, back: Option<String>) -> Result<i64, AppError> {
    let state = super::app_state()?;
    let quantity = parse_quantity(&quantity)?;
    let (shopper, session) = shopper().await?;
    if let Shopper::Guest(cart_id) = shopper {
        let alive = match cart_id {
            Some(cart_id) => cart::guest_cart_alive(&state, cart_id).await?,
            None => false,
        };
        if !alive {
            // A new guest cart (and session) per add is what a script that keeps no cookies makes.
            let client = guard::client_address(&state).await;
            state
                .new_guest_carts
                .take(client, std::time::Instant::now())
                .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
        }
    }
    let change = cart::add(&state, shopper, product_id, quantity).await?;
    remember(&state, shopper, &session, change).await?;
    let back = back.filter(|path| crate::model::account::is_same_site_path(path)).unwrap_or_else(|| "/cart".into());
    super::redirect_plain_form(&crate::model::paths::with_added(&back, product_id));
    Ok(change.item_count)
}

/// Sets a line's quantity; goes back to the cart.
#[server(prefix = "/rpc", endpoint = "cart/quantity")]
pub async fn update_cart_line(product_id: i64, quantity: String) -> Result<i64, AppError> {
    let state = super::app_state()?;
    let quantity = parse_quantity(&quantity)?;
    let (shopper, session) = shopper().await?;
    let change = cart::set_quantity(&state, shopper, product_id, quantity).await?;
    remember(&state, shopper, &session, change).await?;
    leptos_axum::redirect("/cart?updated=1");
    Ok(change.item_count)
}

/// Removes a line; goes back to the cart.
#[server(prefix = "/rpc", endpoint = "cart/remove")]
pub async fn remove_cart_line(product_id: i64) -> Result<i64, AppError> {
    let state = super::app_state()?;
    let (shopper, session) = shopper().await?;
    let count = match cart::remove(&state, shopper, product_id).await? {
        Some(change) => {
            remember(&state, shopper, &session, change).await?;
            change.item_count
        }
        None => 0,
    };
    leptos_axum::redirect("/cart?updated=1");
    Ok(count)
}

/// The visitor's cart, priced as of now.
#[server(prefix = "/rpc", endpoint = "cart", input = GetUrl)]
pub async fn get_cart() -> Result<Cart, AppError> {
    let state = super::app_state()?;
    let (shopper, session) = shopper().await?;
    let mut cart = cart::view(&state, shopper).await?;
    if let Shopper::Account(_) = shopper {
        cart.left_behind = session::take_left_behind(&session).await?;
    }
    if let Shopper::Guest(Some(cart_id)) = shopper {
        // Looking at the cart keeps it (and its session) alive; a cart swept meanwhile is
        // forgotten, and the count cookie follows either way.
        if cart::guest_cart_alive(&state, cart_id).await? {
            session::keep_guest_cart(&session, cart_id).await?;
            super::set_cart_cookie(&state, Some(cart.item_count()));
        } else {
            session::forget_guest_cart(&session).await?;
            super::set_cart_cookie(&state, None);
        }
    }
    Ok(cart)
}

/// Units in the visitor's cart, for the header. A visitor without a session has none, and no
/// query is made for them.
#[server(prefix = "/rpc", endpoint = "cart/count", input = GetUrl)]
pub async fn cart_count() -> Result<i64, AppError> {
    let state = super::app_state()?;
    if let Some(user) = guard::current_user()? {
        return cart::item_count(&state, Shopper::Account(user.id)).await;
    }
    // A page rendered for everyone (the page cache sets a guest's session aside) has no session.
    let Ok(session) = leptos_axum::extract::<tower_sessions::Session>().await else {
        return Ok(0);
    };
    if session.id().is_none() {
        return Ok(0);
    }
    cart::item_count(&state, Shopper::Guest(session::guest_cart(&session).await?)).await
}

#[cfg(feature = "ssr")]
fn parse_quantity(text: &str) -> Result<i64, AppError> {
    crate::model::orders::parse_quantity(text)
        .map_err(|issue| AppError::Validation(vec![crate::error::FieldError::new("quantity", issue)]))
}

/// Whose cart this request works on, and its session.
#[cfg(feature = "ssr")]
async fn shopper() -> Result<(Shopper, tower_sessions::Session), AppError> {
    let session = guard::request_session().await?;
    let shopper = match guard::current_user()? {
        Some(user) => Shopper::Account(user.id),
        None => Shopper::Guest(session::guest_cart(&session).await?),
    };
    Ok((shopper, session))
}

/// After a guest's change: the session keeps the cart, and the cookie its count.
#[cfg(feature = "ssr")]
async fn remember(
    state: &crate::server::app::state::AppState,
    shopper: Shopper,
    session: &tower_sessions::Session,
    change: CartChange,
) -> Result<(), AppError> {
    if let Shopper::Guest(_) = shopper {
        session::keep_guest_cart(session, change.cart_id).await?;
        super::set_cart_cookie(state, Some(change.item_count));
    }
    Ok(())
}

/// At sign-in or registration, before the session id is cycled: the guest's cart becomes the
/// account's, and the guest's count cookie goes (a signed-in visitor's pages are never cached).
#[cfg(feature = "ssr")]
pub(crate) async fn adopt_guest_cart(
    state: &crate::server::app::state::AppState,
    session: &tower_sessions::Session,
    user_id: i64,
) -> Result<(), AppError> {
    if let Some(cart_id) = session::guest_cart(session).await? {
        // Signing in matters more than the guest's lines: a merge that fails is logged, and the
        // sign-in goes on.
        match cart::merge_into_account(state, cart_id, user_id).await {
            Ok(left_behind) => {
                session::forget_guest_cart(session).await?;
                if !left_behind.is_empty() {
                    session::keep_left_behind(session, &left_behind).await?;
                }
            }
            Err(error) => tracing::warn!(?error, user_id, "the guest cart could not join the account's cart"),
        }
    }
    super::set_cart_cookie(state, None);
    Ok(())
}
