//! The cart: adding, changing and removing lines, reading it priced as of now, and handing a
//! guest's cart over to their account when they sign in.
//!
//! A signed-in shopper's cart belongs to the account (every device sees it); a guest's belongs to
//! their session, which keeps the cart's id. The face decides which one a request has
//! ([`Shopper`]); the rules here are the same for both.

use crate::error::{AppError, Entity, FieldError, FieldIssue};
use crate::model::cart::{notices_for, Cart, CartLine, LeftBehind};
use crate::model::orders::{check_quantity, MAX_LINE_QUANTITY, MAX_ORDER_LINES};
use crate::model::Money;
use crate::server::{app::state::AppState, db::carts as db, media::product_images};
use chrono::Utc;

/// Whose cart a request works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shopper {
    Account(i64),
    /// A visitor without an account: the cart their session names, if any yet.
    Guest(Option<i64>),
}

/// The cart after a change: its id (a guest's session must keep it) and its units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CartChange {
    pub cart_id: i64,
    pub item_count: i64,
}

/// Adds `quantity` units of a product (to what the cart already holds), creating the cart on
/// first use. Refused when the product is not on sale or fewer units are left than the cart
/// would then hold.
pub async fn add(state: &AppState, shopper: Shopper, product_id: i64, quantity: i64) -> Result<CartChange, AppError> {
    let quantity = check_quantity(quantity).map_err(|issue| field("quantity", issue))?;
    let product = db::select_product_for_cart(&state.db, product_id)
        .await?
        .ok_or(AppError::missing_id(Entity::Product, product_id))?;
    let existing_cart = existing_cart(state, shopper).await?;
    let in_cart = match existing_cart {
        Some(cart_id) => db::select_line_quantity(&state.db, cart_id, product_id).await?,
        None => 0,
    };
    if in_cart == 0 {
        if let Some(cart_id) = existing_cart {
            // A cart holds at most what one order may.
            if db::count_lines(&state.db, cart_id).await? >= MAX_ORDER_LINES as i64 {
                return Err(field("quantity", FieldIssue::CartFull { max: MAX_ORDER_LINES }));
            }
        }
    }
    let wanted = in_cart + quantity;
    if wanted > product.stock {
        let available = (product.stock - in_cart).max(0);
        let issue = if available == 0 && in_cart > 0 {
            FieldIssue::AllInCart { in_cart }
        } else {
            FieldIssue::NotEnoughStock { available }
        };
        return Err(field("quantity", issue));
    }
    if wanted > MAX_LINE_QUANTITY {
        return Err(field("quantity", FieldIssue::OutOfRange { min: 1, max: MAX_LINE_QUANTITY - in_cart }));
    }
    let now = Utc::now();
    let cart_id = match (existing_cart, shopper) {
        (Some(cart_id), _) => cart_id,
        (None, Shopper::Account(user_id)) => db::upsert_user_cart(&state.db, user_id, now).await?,
        (None, Shopper::Guest(_)) => db::insert_guest_cart(&state.db, now).await?,
    };
    // Checked above already; checked again where it cannot race (adds at once for the last place).
    if !db::upsert_line(&state.db, cart_id, product_id, wanted, &product, now, MAX_ORDER_LINES as i64).await? {
        return Err(field("quantity", FieldIssue::CartFull { max: MAX_ORDER_LINES }));
    }
    Ok(CartChange { cart_id, item_count: db::count_items(&state.db, cart_id).await? })
}

/// Sets a line's quantity (1 to the units left; removing is its own action).
pub async fn set_quantity(
    state: &AppState,
    shopper: Shopper,
    product_id: i64,
    quantity: i64,
) -> Result<CartChange, AppError> {
    let quantity = check_quantity(quantity).map_err(|issue| field("quantity", issue))?;
    let cart_id = existing_cart(state, shopper).await?.ok_or(AppError::missing_id(Entity::Product, product_id))?;
    if db::select_line_quantity(&state.db, cart_id, product_id).await? == 0 {
        return Err(AppError::missing_id(Entity::Product, product_id));
    }
    let product = db::select_product_for_cart(&state.db, product_id)
        .await?
        .ok_or(AppError::missing_id(Entity::Product, product_id))?;
    if quantity > product.stock {
        return Err(field("quantity", FieldIssue::NotEnoughStock { available: product.stock }));
    }
    // A line removed meanwhile is added again, if the cart has room for it.
    if !db::upsert_line(&state.db, cart_id, product_id, quantity, &product, Utc::now(), MAX_ORDER_LINES as i64).await? {
        return Err(field("quantity", FieldIssue::CartFull { max: MAX_ORDER_LINES }));
    }
    Ok(CartChange { cart_id, item_count: db::count_items(&state.db, cart_id).await? })
}

/// Removes a line (also one whose product is no longer sold). Removing what is not there is
/// not an error: the cart is as asked.
pub async fn remove(state: &AppState, shopper: Shopper, product_id: i64) -> Result<Option<CartChange>, AppError> {
    let Some(cart_id) = existing_cart(state, shopper).await? else {
        return Ok(None);
    };
    db::delete_line(&state.db, cart_id, product_id).await?;
    Ok(Some(CartChange { cart_id, item_count: db::count_items(&state.db, cart_id).await? }))
}

/// The cart priced as of now, each line with what changed since it was added.
pub async fn view(state: &AppState, shopper: Shopper) -> Result<Cart, AppError> {
    let Some(cart_id) = existing_cart(state, shopper).await? else {
        return Ok(Cart::default());
    };
    let records = db::select_lines(&state.db, cart_id).await?;
    let lines = records
        .into_iter()
        .map(|record| {
            let image = record.first_image().map(|image| product_images::thumbnail_of(&image).unwrap_or(image));
            let price_now = record.price_cents.map(Money);
            let stock = record.stock.unwrap_or(0);
            CartLine {
                product_id: record.product_id,
                notices: notices_for(Money(record.price_cents_seen), price_now, stock, record.quantity),
                slug: record.slug,
                title: record.title.unwrap_or(record.title_seen),
                image: image.unwrap_or_default(),
                unit_price: price_now.unwrap_or(Money(record.price_cents_seen)),
                quantity: record.quantity,
                stock,
            }
        })
        .collect();
    Ok(Cart { lines, left_behind: Vec::new() })
}

/// Units in the cart (the header's badge).
pub async fn item_count(state: &AppState, shopper: Shopper) -> Result<i64, AppError> {
    match existing_cart(state, shopper).await? {
        Some(cart_id) => Ok(db::count_items(&state.db, cart_id).await?),
        None => Ok(0),
    }
}

/// At sign-in: the guest's lines join the account's cart (a product in both adds up, capped at
/// the units left; no more products than a cart holds) and the guest cart is gone. Answers what
/// did not come whole, for the shopper to be told.
pub async fn merge_into_account(state: &AppState, guest_cart: i64, user_id: i64) -> Result<Vec<LeftBehind>, AppError> {
    if !db::guest_cart_exists(&state.db, guest_cart).await? {
        return Ok(Vec::new());
    }
    let now = Utc::now();
    let user_cart = db::upsert_user_cart(&state.db, user_id, now).await?;
    let caps = (MAX_LINE_QUANTITY, MAX_ORDER_LINES as i64);
    Ok(db::merge_carts(&state.db, guest_cart, user_cart, caps, now).await?)
}

/// Whether a guest's cart is still there (carts left alone longer than a session lives are swept).
pub async fn guest_cart_alive(state: &AppState, cart_id: i64) -> Result<bool, AppError> {
    Ok(db::guest_cart_exists(&state.db, cart_id).await?)
}

/// The cart id a shopper has now, if any. A guest's id comes from their session, so it is
/// trusted only while it still names a guest cart: an account's cart is never reachable by id.
async fn existing_cart(state: &AppState, shopper: Shopper) -> Result<Option<i64>, AppError> {
    match shopper {
        Shopper::Account(user_id) => Ok(db::select_user_cart(&state.db, user_id).await?),
        Shopper::Guest(Some(cart_id)) if db::guest_cart_exists(&state.db, cart_id).await? => Ok(Some(cart_id)),
        Shopper::Guest(_) => Ok(None),
    }
}

fn field(name: &str, issue: FieldIssue) -> AppError {
    AppError::Validation(vec![FieldError::new(name, issue)])
}
