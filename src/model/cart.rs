//! A cart as the shopper sees it: each line priced now, with what changed since it was added.

use crate::model::Money;
use serde::{Deserialize, Serialize};

/// What the shopper should know about a line before buying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CartNotice {
    /// The price is not the one the line was added at.
    PriceChanged { was: Money },
    /// Fewer units are left than the line asks for (0: sold out).
    NotEnoughStock { available: i64 },
    /// The product is no longer sold.
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub product_id: i64,
    /// `None` once the product is deleted (no page to link to).
    pub slug: Option<String>,
    pub title: String,
    pub image: String,
    /// Today's price (the price it was added at, for a removed product).
    pub unit_price: Money,
    pub quantity: i64,
    pub stock: i64,
    pub notices: Vec<CartNotice>,
}

impl CartLine {
    pub fn total(&self) -> Money {
        Money(self.unit_price.cents() * self.quantity)
    }

    /// A line that can be bought as it stands.
    pub fn can_buy(&self) -> bool {
        !self.notices.iter().any(|n| matches!(n, CartNotice::NotEnoughStock { .. } | CartNotice::Removed))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    pub lines: Vec<CartLine>,
}

impl Cart {
    /// What the lines that are still sold cost today.
    pub fn total(&self) -> Money {
        Money(self.lines.iter().filter(|l| !l.notices.contains(&CartNotice::Removed)).map(|l| l.total().cents()).sum())
    }

    /// Units in the cart (the header's count).
    pub fn item_count(&self) -> i64 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    /// True when every line can be bought as it stands.
    pub fn ready_for_checkout(&self) -> bool {
        !self.lines.is_empty() && self.lines.iter().all(CartLine::can_buy)
    }
}

/// What a shopper reviewed, as text the checkout form carries back: each line's product,
/// quantity and unit price in cents, by product. Placing the order compares it with the lines as
/// priced in the order's transaction, so a price or a line that changed in between orders nothing.
pub fn review_key(lines: &[(i64, i64, i64)]) -> String {
    let mut lines = lines.to_vec();
    lines.sort_unstable();
    lines.iter().map(|(product, quantity, cents)| format!("{product}:{quantity}:{cents}")).collect::<Vec<_>>().join(";")
}

impl Cart {
    /// [`review_key`] of this cart as shown.
    pub fn review_key(&self) -> String {
        let lines: Vec<(i64, i64, i64)> =
            self.lines.iter().map(|l| (l.product_id, l.quantity, l.unit_price.cents())).collect();
        review_key(&lines)
    }
}

/// The notices for a line: what it was added at against what the product is now.
pub fn notices_for(price_seen: Money, price_now: Option<Money>, stock: i64, quantity: i64) -> Vec<CartNotice> {
    let Some(price_now) = price_now else {
        return vec![CartNotice::Removed];
    };
    let mut notices = Vec::new();
    if price_now != price_seen {
        notices.push(CartNotice::PriceChanged { was: price_seen });
    }
    if stock < quantity {
        notices.push(CartNotice::NotEnoughStock { available: stock.max(0) });
    }
    notices
}

/// The cookie that tells the page cache a guest has a cart of this many units: their catalog
/// pages come from the cache with the count written in (`server::http::page_cache`). Only a
/// count for display: the cart itself is in the database, found through the session.
pub const CART_COOKIE: &str = "tienda_cart";

/// The count badge in the header, as exact HTML: the page cache keeps pages rendered with a count
/// of 0 and writes a guest's own count into them (`server::http::page_cache`), so both must build
/// it here. `label` words the count for screen readers only ("items in the cart").
pub fn cart_badge_html(count: i64, label: fn(i64) -> &'static str) -> String {
    let count = count.clamp(0, 9_999);
    let label = label(count);
    format!(
        r#"<span class="cart-count" data-cart-count="{count}">{count}<span class="visually-hidden"> {label}</span></span>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_tell_what_changed() {
        assert_eq!(notices_for(Money(100), None, 0, 1), [CartNotice::Removed]);
        assert_eq!(notices_for(Money(100), Some(Money(100)), 5, 2), []);
        assert_eq!(
            notices_for(Money(100), Some(Money(120)), 1, 2),
            [CartNotice::PriceChanged { was: Money(100) }, CartNotice::NotEnoughStock { available: 1 }]
        );
    }
}
