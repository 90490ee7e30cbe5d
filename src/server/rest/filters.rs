//! The product list's query parameters, read by upstream's rules (`docs/api.md` §3.1) with
//! Tienda's corrections (§10): `limit` alone works, a single price bound works. Messages are
//! upstream's words.

use crate::model::Money;
use crate::server::services::catalog_api::ProductFilter;

/// The most products one answer holds, with or without a `limit` (docs/api.md §1.6).
pub const MAX_LIMIT: i64 = 200;

/// The longest `title` filter read: longer than any title may be (`TITLE_MAX`), with room for
/// wildcards, and far below SQLite's limit on a LIKE pattern (50,000 bytes), past which the
/// database refuses the query.
pub const MAX_TITLE_FILTER_CHARS: usize = 1_000;

/// The filter, or the messages of every broken rule.
pub fn product_filter(query: Option<&str>) -> Result<ProductFilter, Vec<String>> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_owned());
    let mut errors = Vec::new();
    let mut filter = ProductFilter { title: get("title").filter(|t| !t.is_empty()), ..Default::default() };
    if filter.title.as_ref().is_some_and(|t| t.chars().count() > MAX_TITLE_FILTER_CHARS) {
        errors.push(format!("title must be shorter than or equal to {MAX_TITLE_FILTER_CHARS} characters"));
    }
    // Upstream ignores a zero or unreadable exact price.
    filter.price = get("price").and_then(|raw| Money::parse_decimal(&raw)).map(Money::cents).filter(|c| *c > 0);
    filter.price_min = price_bound(get("price_min"), "price_min", &mut errors);
    filter.price_max = price_bound(get("price_max"), "price_max", &mut errors);
    filter.category_id = get("categoryId").and_then(|raw| whole_number(&raw, "categoryId", &mut errors));
    filter.category_slug = get("categorySlug").filter(|s| !s.is_empty());
    let limit = get("limit").and_then(|raw| whole_number(&raw, "limit", &mut errors));
    let offset = get("offset").and_then(|raw| whole_number(&raw, "offset", &mut errors));
    if offset.is_some_and(|o| o < 0) {
        errors.push("offset must not be less than 0".to_owned());
    }
    // As upstream, a limit of zero or below means no limit (here: up to MAX_LIMIT).
    filter.limit = Some(limit.filter(|l| *l > 0).map_or(MAX_LIMIT, |l| l.min(MAX_LIMIT)));
    filter.offset = offset.unwrap_or(0).max(0);
    if errors.is_empty() {
        Ok(filter)
    } else {
        Err(errors)
    }
}

/// A price bound in currency units (`10`, `10.5`), at least 0; returned in cents.
fn price_bound(raw: Option<String>, name: &str, errors: &mut Vec<String>) -> Option<i64> {
    let raw = raw.filter(|r| !r.is_empty())?;
    match Money::parse_decimal(&raw) {
        Some(money) => Some(money.cents()),
        None => {
            errors.push(format!("{name} must not be less than 0"));
            None
        }
    }
}

/// A whole number as upstream converts a query value: empty is no value (a form that sent
/// `categoryId=` with nothing chosen), `1.0` and `1e3` are whole numbers, and one too large for
/// 64 bits is the largest there is (a limit is capped anyway; an id or offset that large finds
/// nothing). Text, and a number with a fraction, get upstream's message.
fn whole_number(raw: &str, name: &str, errors: &mut Vec<String>) -> Option<i64> {
    if raw.is_empty() {
        return None;
    }
    if let Ok(n) = raw.parse::<i64>() {
        return Some(n);
    }
    match raw.parse::<f64>() {
        // `as` saturates: 1e20 is i64::MAX.
        Ok(n) if n.is_finite() && n.fract() == 0.0 => Some(n as i64),
        _ => {
            errors.push(format!("{name} must be a number conforming to the specified constraints"));
            None
        }
    }
}

/// The `limit` of a plain list (categories, users): upstream takes it when it is a positive
/// number and ignores it otherwise. Capped at [`MAX_LIMIT`] like the product list.
pub fn positive_limit(query: Option<&str>) -> Option<i64> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "limit")
        .and_then(|(_, value)| whole_number(value.trim(), "limit", &mut Vec::new()))
        .filter(|limit| *limit > 0)
        .map(|limit| limit.min(MAX_LIMIT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_follow_upstream_with_tiendas_corrections() {
        let long = format!("title={}", "a".repeat(MAX_TITLE_FILTER_CHARS + 1));
        assert_eq!(
            product_filter(Some(&long)).unwrap_err(),
            ["title must be shorter than or equal to 1000 characters"],
            "a pattern SQLite would refuse is a 400, not a 500"
        );
        let f = product_filter(Some("title=Shirt&price_min=10&limit=5")).unwrap();
        assert_eq!(
            (f.title.as_deref(), f.price_min, f.price_max, f.limit, f.offset),
            (Some("Shirt"), Some(1000), None, Some(5), 0)
        );
        assert_eq!(product_filter(Some("price=0")).unwrap().price, None, "a zero price is ignored");
        assert_eq!(product_filter(Some("price=12.5")).unwrap().price, Some(1250));
        assert_eq!(product_filter(None).unwrap().limit, Some(MAX_LIMIT));
        assert_eq!(product_filter(Some("limit=100000")).unwrap().limit, Some(MAX_LIMIT));
        assert_eq!(product_filter(Some("limit=0&offset=3")).unwrap().limit, Some(MAX_LIMIT));
        assert_eq!(positive_limit(Some("limit=1e1")), Some(10), "the plain lists read a limit alike");
        assert_eq!(positive_limit(Some("limit=x")), None);
        let blank = product_filter(Some("categoryId=&limit=&offset=")).unwrap();
        assert_eq!((blank.category_id, blank.limit, blank.offset), (None, Some(MAX_LIMIT), 0), "empty is no value");
        let whole = product_filter(Some("categoryId=2.0&limit=1e1&offset=99999999999999999999")).unwrap();
        assert_eq!((whole.category_id, whole.limit, whole.offset), (Some(2), Some(10), i64::MAX));
    }

    #[test]
    fn bad_values_get_upstreams_messages() {
        let errors = product_filter(Some("price_min=-1&categoryId=abc&limit=1.5&offset=-2")).unwrap_err();
        assert_eq!(
            errors,
            [
                "price_min must not be less than 0",
                "categoryId must be a number conforming to the specified constraints",
                "limit must be a number conforming to the specified constraints",
                "offset must not be less than 0",
            ]
        );
    }
}
