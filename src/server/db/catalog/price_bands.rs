//! How many products a price range holds, from the counts the database keeps per price band
//! (migration 0012), so that a listing filtered by price does not count its matches one by one on
//! every request. On 100,000 products a broad range's count read 60,000 entries of the price index
//! for each page shown: 9 to 12 ms on PostgreSQL, the floor of every price-filtered page there.
//!
//! A price's band is its first two significant digits in cents: 12.34 lies in the band of 12.00
//! to 12.99, 1,234.56 in that of 1,200.00 to 1,299.99, and every price under 1.00 is a band of its
//! own. That makes about ninety bands per power of ten, whatever the catalog's size, so a sum over
//! them reads a few hundred kept rows at most. A range is the bands it holds whole, summed, plus
//! the products in the parts of the two bands its ends cut, counted through the price index (a
//! band's share of the catalog). Migration 0012 writes the same formula in SQL; a story checks
//! that both put every price in the same band.

use crate::server::db::SqlArgs;

/// Where a price range's count comes from.
#[derive(Debug, PartialEq, Eq)]
struct RangeCount {
    /// The bands held whole: those whose start is at least `.0` (`i64::MIN` with no lower bound)
    /// and below `.1` (none: every band from `.0` on). None when the range holds no band whole.
    whole_bands: Option<(i64, Option<i64>)>,
    /// The price ranges (cents, both ends included, open where none) whose products are counted
    /// one by one: the parts of the bands the range's ends cut, or the whole range when it lies
    /// within a band or two.
    counted: Vec<(Option<i64>, Option<i64>)>,
}

/// Splits the range from `min` to `max` (cents, both included, open where none) into whole bands
/// and the parts counted one by one.
fn split(min: Option<i64>, max: Option<i64>) -> RangeCount {
    let first_whole = match min {
        None => Some(i64::MIN),
        Some(min) if band_of(min) == min => Some(min),
        Some(min) => band_after(band_of(min)),
    };
    // The band that holds the first price past the range: the bands below it end within the range.
    let past_the_end = max.and_then(|max| max.checked_add(1)).map(band_of);
    let whole = match (first_whole, past_the_end) {
        (Some(first), Some(end)) if first < end => Some((first, Some(end))),
        (Some(first), None) => Some((first, None)),
        _ => None,
    };
    let Some((first, end)) = whole else {
        return RangeCount { whole_bands: None, counted: vec![(min, max)] };
    };
    let mut counted = Vec::new();
    if let Some(min) = min.filter(|&min| min < first) {
        counted.push((Some(min), Some(first - 1)));
    }
    if let (Some(end), Some(max)) = (end, max) {
        if end <= max {
            counted.push((Some(end), Some(max)));
        }
    }
    RangeCount { whole_bands: Some((first, end)), counted }
}

/// The band `cents` lies in, named by its lowest price: its first two significant digits. Prices
/// are above zero (a CHECK on `products`); a bound at or below zero is a band of its own, below
/// every price.
fn band_of(cents: i64) -> i64 {
    cents - cents % band_width(cents)
}

/// The next band's lowest price after `band`'s (none past the largest price there can be).
fn band_after(band: i64) -> Option<i64> {
    band.checked_add(band_width(band))
}

/// How many prices (cents) the band of `cents` spans: 1 under 100, 10 under 1,000, and so on.
fn band_width(cents: i64) -> i64 {
    match cents {
        ..=99 => 1,
        _ => 10_i64.pow(cents.ilog10() - 1),
    }
}

/// How many products are priced from `min` to `max` (cents, both included, open where none), as an
/// SQL expression: the bands the range holds whole, summed from the kept counts, plus
/// `count_between` (a `SELECT` of a count over the products, written by the caller's own filter)
/// for each part counted one by one. `category`: the id (an SQL expression) of the category the
/// kept counts are summed in, or none for the whole catalog.
pub(super) fn count_in_range(
    (min, max): (Option<i64>, Option<i64>),
    category: Option<&str>,
    args: &mut SqlArgs,
    mut count_between: impl FnMut(Option<i64>, Option<i64>, &mut SqlArgs) -> String,
) -> String {
    let split = split(min, max);
    let mut parts = Vec::new();
    if let Some(bands) = split.whole_bands {
        parts.push(sum_of_bands(bands, category, args));
    }
    for (min, max) in split.counted {
        parts.push(format!("({})", count_between(min, max, args)));
    }
    parts.join(" + ")
}

/// A count (as an SQL expression) of the products in `bands` of the kept counts, in the category
/// whose id `category` is (an SQL expression) or the whole catalog.
fn sum_of_bands(bands: (i64, Option<i64>), category: Option<&str>, args: &mut SqlArgs) -> String {
    let mut conditions = vec![format!("band >= {}", args.int(bands.0))];
    conditions.extend(bands.1.map(|end| format!("band < {}", args.int(end))));
    conditions.extend(category.map(|id| format!("category_id = {id}")));
    format!("(SELECT COALESCE(SUM(products), 0) FROM price_band_counts WHERE {})", conditions.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_band_is_a_prices_first_two_significant_digits() {
        let bands = [(1, 1), (99, 99), (100, 100), (109, 100), (110, 110), (999, 990), (1_000, 1_000)];
        for (cents, band) in bands {
            assert_eq!(band_of(cents), band, "{cents}");
        }
        assert_eq!(band_of(123_456), 120_000);
        assert_eq!(band_of(i64::MAX), 9_200_000_000_000_000_000);
        assert_eq!(band_after(1_200), Some(1_300));
        assert_eq!(band_after(9_900), Some(10_000));
        assert_eq!(band_after(9_200_000_000_000_000_000), None);
    }

    #[test]
    fn a_range_is_its_whole_bands_and_the_cut_ends() {
        // 5.00 to 500.00: from band 500 to the band of 500.01, whose first price 500.00 is counted.
        let broad = split(Some(500), Some(50_000));
        assert_eq!(
            broad,
            RangeCount { whole_bands: Some((500, Some(50_000))), counted: vec![(Some(50_000), Some(50_000))] }
        );
        // 12.34 to 56.78: the bands from 13.00 to 55.99 whole, 12.34–12.99 and 56.00–56.78 counted.
        let cut = split(Some(1_234), Some(5_678));
        let ends = vec![(Some(1_234), Some(1_299)), (Some(5_600), Some(5_678))];
        assert_eq!(cut, RangeCount { whole_bands: Some((1_300, Some(5_600))), counted: ends });
        // Within one band, or two, nothing is whole.
        assert_eq!(split(Some(1_201), Some(1_208)).counted, vec![(Some(1_201), Some(1_208))]);
        assert_eq!(split(Some(1_205), Some(1_214)).whole_bands, None);
        assert_eq!(
            split(None, Some(2_000)),
            RangeCount { whole_bands: Some((i64::MIN, Some(2_000))), counted: vec![(Some(2_000), Some(2_000))] }
        );
        // 1,999.00 and up: 1,999.00–1,999.99 counted, every band from 2,000.00 on whole.
        let open = split(Some(199_900), None);
        assert_eq!(
            open,
            RangeCount { whole_bands: Some((200_000, None)), counted: vec![(Some(199_900), Some(199_999))] }
        );
        assert_eq!(split(Some(i64::MAX - 1), Some(i64::MAX)).whole_bands, None);
    }

    /// Every range over prices spread across the bands: its whole bands and counted parts cover each
    /// price in the range exactly once, and none outside it.
    #[test]
    fn a_split_counts_every_price_of_the_range_once() {
        let prices: Vec<i64> = (0..3_000).map(|i| 1 + (i * i * 7 + i * 13) % 250_000).collect();
        let bounds = [
            None,
            Some(1),
            Some(99),
            Some(100),
            Some(101),
            Some(999),
            Some(1_000),
            Some(1_234),
            Some(50_000),
            Some(249_999),
        ];
        for min in bounds {
            for max in bounds {
                let split = split(min, max);
                for &price in &prices {
                    let in_range = min.is_none_or(|min| price >= min) && max.is_none_or(|max| price <= max);
                    let band = band_of(price);
                    let by_band =
                        split.whole_bands.is_some_and(|(from, end)| band >= from && end.is_none_or(|end| band < end));
                    let by_count = split
                        .counted
                        .iter()
                        .filter(|(lo, hi)| lo.is_none_or(|lo| price >= lo) && hi.is_none_or(|hi| price <= hi))
                        .count();
                    let times = usize::from(by_band) + by_count;
                    assert_eq!(times, usize::from(in_range), "{price} in {min:?}..={max:?}: {split:?}");
                }
            }
        }
    }
}
