//! How SQLite reads a price range when the listing is ordered by something else.
//!
//! SQLite keeps no statistics here (the comment on `settle_after_bulk_insert` says why), so it
//! takes any price range for a sliver of the catalog: it reads the range through the price index
//! and sorts all of it. For a broad range of a large catalog that is every product read and sorted
//! to show a page (243 ms on 100,000 products, 4 requests a second under load). The other way is
//! to walk the order's own index and check each product's price, which stops at the page; but for
//! a narrow range it walks far past products that do not match. So the range is counted first
//! (from the kept counts per price band, see `price_bands`; through the price index it cost 4 ms
//! for 100,000) and the cheaper way is chosen, then imposed: a unary `+` on the price column keeps SQLite off the
//! price index, `INDEXED BY` puts it on.
//!
//! The estimate takes the range's products to be spread along the order. Where they cluster at
//! its far end (prices that follow age or name), a walk visits more than it expects, at worst the
//! whole listing: since the storefront's order indexes hold the price (migration 0011), that is
//! 0.07 to 0.11 µs a product (7 to 11 ms on 100,000), where the table's rows cost 2 µs each.

/// What a walk of the order reads to check each product's price, which sets what a visit costs
/// against a row of the range read and sorted (2.0 to 2.2 µs on 100,000 products: a row of the
/// table each, then the sort).
#[derive(Clone, Copy)]
pub(super) enum Walk {
    /// The storefront's orders (newest first, by name, alone or in a category): their indexes
    /// hold the price (migration 0011), so the walk reads nothing else. 0.07 µs a visit newest
    /// first, 0.11 by name.
    TheOrdersIndex,
    /// The REST API's order, by id: the table itself, whose rows hold everything else too. A visit
    /// costs 0.44 µs, neighbours sharing pages of the table.
    TheTable,
}

impl Walk {
    /// How many products the walk may visit for each one the range would sort: a little under
    /// the measured ratio, which leaves room for ranges whose products cluster at the far end of
    /// the order.
    fn visits_per_sorted_row(self) -> i128 {
        match self {
            Self::TheOrdersIndex => 16,
            Self::TheTable => 4,
        }
    }
}

/// How SQLite is to read a price range in a listing ordered otherwise.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Plan {
    /// Walk the order's index and check each product's price (a unary `+` keeps the price index
    /// out).
    Walk,
    /// Read the range through a price index and sort it, named with `INDEXED BY`: with one bound
    /// only, SQLite would otherwise still walk the order's index (a range of 3 products took
    /// 350 ms).
    SortTheRange,
}

impl Plan {
    /// The products table (alias `p`) as the plan reads it, in a category or the whole catalog.
    pub(super) fn products(self, in_category: bool) -> &'static str {
        match (self, in_category) {
            (Self::Walk, _) => "products p",
            (Self::SortTheRange, true) => "products p INDEXED BY products_category_price",
            (Self::SortTheRange, false) => "products p INDEXED BY products_price",
        }
    }

    /// The price column as the plan's conditions compare it.
    pub(super) fn price_column(self) -> &'static str {
        match self {
            Self::Walk => "+p.price_cents",
            Self::SortTheRange => "p.price_cents",
        }
    }
}

/// How to read a range of `matching` products in a listing of `listing` (without the range),
/// whose page ends `wanted` matches into the order. A walk visits about `wanted × listing ÷
/// matching` products (the range's share of the listing, spread along it), and never more than
/// the listing.
pub(super) fn plan(matching: i64, listing: i64, wanted: i64, walk: Walk) -> Plan {
    if matching <= 0 {
        return Plan::SortTheRange;
    }
    let (matching, listing, wanted) = (i128::from(matching), i128::from(listing.max(matching)), i128::from(wanted));
    let visits = (wanted * listing / matching).min(listing);
    match visits <= walk.visits_per_sorted_row() * matching {
        true => Plan::Walk,
        false => Plan::SortTheRange,
    }
}

#[cfg(test)]
mod tests {
    use super::{plan, Plan, Walk};

    fn walks(matching: i64, listing: i64, wanted: i64, walk: Walk) -> bool {
        plan(matching, listing, wanted, walk) == Plan::Walk
    }

    #[test]
    fn a_broad_range_walks_and_a_narrow_one_sorts() {
        // Every product of 100,000 in the range: the page is the first 24 visited.
        assert!(walks(100_000, 100_000, 24, Walk::TheTable));
        assert!(walks(100_000, 100_000, 24, Walk::TheOrdersIndex));
        // One in twenty: about 480 visits against 5,000 rows sorted.
        assert!(walks(5_000, 100_000, 24, Walk::TheTable));
        // 300 products in the range: a walk would visit about 8,000 to sort 300.
        assert!(!walks(300, 100_000, 24, Walk::TheTable));
        assert!(!walks(300, 100_000, 24, Walk::TheOrdersIndex));
        // Nothing in the range: nothing to sort, and a walk would read every product.
        assert!(!walks(0, 100_000, 24, Walk::TheOrdersIndex));
    }

    #[test]
    fn a_walk_of_the_table_must_be_shorter() {
        // 1,000 of 100,000, page 5: about 12,000 visits, 1,000 rows sorted. In the orders' own
        // index a visit costs a twentieth of a sorted row; in the table, a fifth.
        assert!(walks(1_000, 100_000, 120, Walk::TheOrdersIndex));
        assert!(!walks(1_000, 100_000, 120, Walk::TheTable));
    }

    #[test]
    fn a_deep_page_walks_at_most_the_whole_listing() {
        // 35,000 in the range and the page 50,000 products deep: the walk reads the whole listing
        // (100,000 visits) rather than sort 35,000 rows, each dearer.
        assert!(walks(35_000, 100_000, 50_000, Walk::TheTable));
        assert!(walks(10_000, 100_000, 9_000, Walk::TheOrdersIndex));
        assert!(!walks(10_000, 100_000, 9_000, Walk::TheTable));
        // Counts far beyond any catalog do not overflow.
        assert!(walks(i64::MAX, i64::MAX, i64::MAX, Walk::TheTable));
        // A listing count behind the range's (a product added between the two) is taken as the range's.
        assert!(walks(50, 10, 24, Walk::TheTable));
    }
}
