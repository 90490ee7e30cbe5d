//! How SQLite reads a price range when the listing is ordered by something else.
//!
//! SQLite keeps no statistics here (the comment on `settle_after_bulk_insert` says why), so it
//! takes any price range for a sliver of the catalog: it reads the range through the price index
//! and sorts all of it. For a broad range of a large catalog that is every product read and sorted
//! to show a page (243 ms on 100,000 products, 4 requests a second under load). The other way is
//! to walk the order's own index and check each product's price, which stops at the page; but for
//! a narrow range it walks far past products that do not match. So the range is counted first
//! (through the price index, whose entries in the range are all it reads: 4 ms for 100,000) and
//! the cheaper way is chosen. A unary `+` on the price column keeps SQLite off the price index.

/// How many products a walk may visit for each one the range would sort. On 100,000 products a
/// visit (an index entry, its row, a price compared) cost about 0.46 µs, and a row of the range
/// (its row read, then sorted) about 2.4 µs; 4 leaves room for ranges whose products cluster at
/// the far end of the order.
const VISITS_PER_SORTED_ROW: i128 = 4;

/// Whether to walk the order's index and check each price, rather than read the range through
/// the price index and sort it: `matching` products are in the range, `listing` in the listing
/// without it, and the page ends `wanted` matches into the order. A walk visits about `wanted ×
/// listing ÷ matching` products (the range's share of the listing, spread along it), and never
/// more than the listing.
pub(super) fn walk_the_order(matching: i64, listing: i64, wanted: i64) -> bool {
    if matching <= 0 {
        return false;
    }
    let (matching, listing, wanted) = (i128::from(matching), i128::from(listing.max(matching)), i128::from(wanted));
    let visits = (wanted * listing / matching).min(listing);
    visits <= VISITS_PER_SORTED_ROW * matching
}

#[cfg(test)]
mod tests {
    use super::walk_the_order;

    #[test]
    fn a_broad_range_walks_and_a_narrow_one_sorts() {
        // Every product of 100,000 in the range: the page is the first 24 visited.
        assert!(walk_the_order(100_000, 100_000, 24));
        // One in twenty: about 480 visits against 5,000 rows sorted.
        assert!(walk_the_order(5_000, 100_000, 24));
        // 300 products in the range: a walk would visit about 8,000 to sort 300.
        assert!(!walk_the_order(300, 100_000, 24));
        // Nothing in the range: nothing to sort, and a walk would read every product.
        assert!(!walk_the_order(0, 100_000, 24));
    }

    #[test]
    fn a_deep_page_walks_at_most_the_whole_listing() {
        // 35,000 in the range and the page 50,000 products deep: the walk reads the whole listing
        // (100,000 visits) rather than sort 35,000 rows, each dearer.
        assert!(walk_the_order(35_000, 100_000, 50_000));
        // Counts far beyond any catalog do not overflow.
        assert!(walk_the_order(i64::MAX, i64::MAX, i64::MAX));
        // A listing count behind the range's (a product added between the two) is taken as the range's.
        assert!(walk_the_order(50, 10, 24));
    }
}
