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
    /// What the cart had before its shopper signed in and could not keep, told once (on the
    /// first cart or checkout page after the sign-in).
    pub left_behind: Vec<LeftBehind>,
}

/// A line of a guest's cart that did not come whole into the account's cart at sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftBehind {
    pub title: String,
    pub why: LeftBehindWhy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LeftBehindWhy {
    /// The product is no longer sold.
    NoLongerSold,
    /// No units are left.
    SoldOut,
    /// The cart holds `kept` units of it: fewer than both carts together (the units left, or the
    /// most one line takes).
    Reduced { kept: i64 },
    /// The account's cart already held as many products as a cart takes.
    CartFull,
}

/// How one guest line joins the account's cart at sign-in, given the units the account's cart
/// holds of the product (`None`: no line), the units left (`None`: no longer sold) and whether
/// the cart has room for one more line: the account line's new quantity (`None`: left as it is
/// or not added), and what the shopper is told.
pub fn merge_line(
    held: Option<i64>,
    guest_quantity: i64,
    stock: Option<i64>,
    max_quantity: i64,
    has_room: bool,
) -> (Option<i64>, Option<LeftBehindWhy>) {
    let Some(stock) = stock else {
        return (None, Some(LeftBehindWhy::NoLongerSold));
    };
    let wanted = held.unwrap_or(0) + guest_quantity;
    let merged = wanted.min(stock).min(max_quantity);
    match held {
        // Nothing to add: the account's line stays as it is (even above what is left, where the
        // cart says so itself).
        _ if stock <= 0 => (None, Some(LeftBehindWhy::SoldOut)),
        Some(held) if merged <= held => (None, Some(LeftBehindWhy::Reduced { kept: held })),
        None if !has_room => (None, Some(LeftBehindWhy::CartFull)),
        _ if merged < wanted => (Some(merged), Some(LeftBehindWhy::Reduced { kept: merged })),
        _ => (Some(merged), None),
    }
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
    fn a_guest_line_joins_whole_when_it_can() {
        assert_eq!(merge_line(None, 2, Some(10), 99, true), (Some(2), None));
        assert_eq!(merge_line(Some(3), 2, Some(10), 99, false), (Some(5), None), "an existing line needs no room");
    }

    #[test]
    fn a_guest_line_that_cannot_join_whole_says_why() {
        assert_eq!(merge_line(None, 2, None, 99, true), (None, Some(LeftBehindWhy::NoLongerSold)));
        assert_eq!(
            merge_line(None, 2, Some(0), 99, false),
            (None, Some(LeftBehindWhy::SoldOut)),
            "sold out before full"
        );
        assert_eq!(merge_line(Some(4), 2, Some(0), 99, true), (None, Some(LeftBehindWhy::SoldOut)));
        assert_eq!(merge_line(None, 2, Some(10), 99, false), (None, Some(LeftBehindWhy::CartFull)));
        assert_eq!(merge_line(Some(3), 4, Some(5), 99, true), (Some(5), Some(LeftBehindWhy::Reduced { kept: 5 })));
        assert_eq!(
            merge_line(Some(90), 20, Some(500), 99, true),
            (Some(99), Some(LeftBehindWhy::Reduced { kept: 99 }))
        );
        // Already at what is left: the account's line is not lowered, and nothing is added.
        assert_eq!(merge_line(Some(6), 1, Some(5), 99, true), (None, Some(LeftBehindWhy::Reduced { kept: 6 })));
    }

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
