//! The catalog's filter, sort and page state, as it lives in the URL.
//!
//! Parsing is lenient on purpose: a bookmarked or hand-edited URL with a bad value still renders a
//! page. Each value that had to be ignored or corrected yields a [`QueryNotice`] the page shows.

use super::catalog_edit::TITLE_MAX;
use super::{Category, Money, ProductSummary};
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// Longer search text is cut here: nobody types more, and it bounds the work a query can cause.
pub const MAX_SEARCH_CHARS: usize = 100;
const MAX_SLUG_CHARS: usize = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum SortOrder {
    /// Best match first for a search; newest first when nothing is searched.
    #[default]
    Relevance,
    Newest,
    PriceAsc,
    PriceDesc,
    Name,
}

impl SortOrder {
    pub const ALL: [SortOrder; 5] = [Self::Relevance, Self::Newest, Self::PriceAsc, Self::PriceDesc, Self::Name];

    /// The value used in the URL.
    pub fn key(self) -> &'static str {
        match self {
            Self::Relevance => "relevance",
            Self::Newest => "newest",
            Self::PriceAsc => "price_asc",
            Self::PriceDesc => "price_desc",
            Self::Name => "name",
        }
    }

    /// How the sort form names this order.
    pub fn label(self, lang: Lang) -> &'static str {
        let texts = &lang.texts().catalog.sort;
        match self {
            Self::Relevance => texts.relevance,
            Self::Newest => texts.newest,
            Self::PriceAsc => texts.price_asc,
            Self::PriceDesc => texts.price_desc,
            Self::Name => texts.name,
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// Every field has a default, so a call that leaves some (or all) out still reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ProductQuery {
    pub q: String,
    pub category: Option<String>,
    pub price_min: Option<Money>,
    pub price_max: Option<Money>,
    pub sort: SortOrder,
    /// The page number as shown; with a `cursor` it only labels the page, which the cursor finds.
    pub page: u32,
    pub cursor: Option<Cursor>,
}

/// Where a page starts, named by a product on the page next to it: "the products after #812" stays
/// a cheap index range however deep in the catalog it is, where "page 3,000" would mean skipping
/// 71,976 rows. Listings link to the next and previous page this way; page numbers still work.
///
/// The link also carries where that product stood in the order when the link was made (`at`, its
/// price or title). Without it, a product repriced from 10.00 to 500.00 between two page views
/// would move the next page past every product in between; with it, the page starts where the
/// product was, and a deleted product still marks its place.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cursor {
    pub side: CursorSide,
    pub id: i64,
    /// The product's sort key for the orders whose key can change; `None` for newest first (a
    /// product's creation time never changes) or a link from before keys were carried.
    pub at: Option<SortValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CursorSide {
    /// The products that follow the product in the listing's order.
    After,
    /// The products that come just before it.
    Before,
}

/// A product's place in a price or name order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SortValue {
    Price(Money),
    Title(String),
}

impl Cursor {
    pub fn after(id: i64) -> Self {
        Self { side: CursorSide::After, id, at: None }
    }

    pub fn before(id: i64) -> Self {
        Self { side: CursorSide::Before, id, at: None }
    }

    /// The cursor on `side` of a product listed in `sort` order, with the product's key.
    pub fn beside(side: CursorSide, product: &ProductSummary, sort: SortOrder) -> Self {
        let at = match sort {
            SortOrder::PriceAsc | SortOrder::PriceDesc => Some(SortValue::Price(product.price)),
            SortOrder::Name => Some(SortValue::Title(product.title.clone())),
            SortOrder::Relevance | SortOrder::Newest => None,
        };
        Self { side, id: product.id, at }
    }
}

/// A value from the URL that was ignored or corrected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueryNotice {
    SearchShortened,
    BadCategory,
    UnknownCategory,
    BadPriceMin,
    BadPriceMax,
    PricesSwapped,
    BadSort,
    BadPage,
    /// A Next or Previous link's product (`after`, `before`) that names none: the page is found
    /// by its number.
    BadPageLink,
}

impl QueryNotice {
    /// What the page tells the shopper about the ignored or corrected value.
    pub fn message(self, lang: Lang) -> &'static str {
        let texts = &lang.texts().catalog.notices;
        match self {
            Self::SearchShortened => texts.search_shortened,
            Self::BadCategory => texts.bad_category,
            Self::UnknownCategory => texts.unknown_category,
            Self::BadPriceMin => texts.bad_price_min,
            Self::BadPriceMax => texts.bad_price_max,
            Self::PricesSwapped => texts.prices_swapped,
            Self::BadSort => texts.bad_sort,
            Self::BadPage => texts.bad_page,
            Self::BadPageLink => texts.bad_page_link,
        }
    }
}

impl ProductQuery {
    /// Whether the query filters by a category none of `categories` is (a stale link, a typo).
    /// Like any value that makes no sense, such a filter is ignored: the listing shows every
    /// category's products ([`Self::forget_unknown_category`] says so on the page).
    pub fn names_unknown_category(&self, categories: &[Category]) -> bool {
        self.category.as_ref().is_some_and(|slug| !categories.iter().any(|category| &category.slug == slug))
    }

    /// Drops a category filter that [names no category](Self::names_unknown_category), with the
    /// notice that says so.
    pub fn forget_unknown_category(&mut self, categories: &[Category], notices: &mut Vec<QueryNotice>) {
        if self.names_unknown_category(categories) {
            self.category = None;
            notices.push(QueryNotice::UnknownCategory);
        }
    }

    /// Reads the query from URL parameters; `get` returns a parameter's raw (decoded) value.
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> (Self, Vec<QueryNotice>) {
        let mut notices = Vec::new();
        let present = |key: &str| get(key).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());

        let q = present("q").map(|raw| clean_search(&raw, &mut notices)).unwrap_or_default();
        let category = present("category").and_then(|slug| {
            let valid = slug.len() <= MAX_SLUG_CHARS
                && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !valid {
                notices.push(QueryNotice::BadCategory);
            }
            valid.then_some(slug)
        });
        let mut price = |key, notice| {
            present(key).and_then(|raw| {
                let parsed = Money::parse_decimal(&raw);
                if parsed.is_none() {
                    notices.push(notice);
                }
                parsed
            })
        };
        let mut price_min = price("price_min", QueryNotice::BadPriceMin);
        let mut price_max = price("price_max", QueryNotice::BadPriceMax);
        if let (Some(min), Some(max)) = (price_min, price_max) {
            if min > max {
                (price_min, price_max) = (Some(max), Some(min));
                notices.push(QueryNotice::PricesSwapped);
            }
        }
        let sort = present("sort").map_or(SortOrder::Relevance, |key| {
            SortOrder::from_key(&key).unwrap_or_else(|| {
                notices.push(QueryNotice::BadSort);
                SortOrder::Relevance
            })
        });
        let page = present("page").map_or(1, |raw| match raw.parse::<u32>() {
            Ok(n) if n >= 1 => n,
            _ => {
                notices.push(QueryNotice::BadPage);
                1
            }
        });
        let mut query = Self { q, category, price_min, price_max, sort, page, cursor: None };
        query.cursor = parse_cursor(&present, get("at"), sort, &mut notices).filter(|_| query.pages_by_cursor());
        (query, notices)
    }

    /// Whether this listing's next and previous pages are found by cursor: every order but a
    /// search's ranking, which has no index order to resume from (a search pages by number).
    pub fn pages_by_cursor(&self) -> bool {
        !(self.sort == SortOrder::Relevance && self.is_search())
    }

    /// Whether the query searches text (after dropping everything that is not a letter or digit,
    /// which the search ignores).
    pub fn is_search(&self) -> bool {
        self.q.chars().any(char::is_alphanumeric)
    }

    /// Whether a search engine should index the listing this query shows: a whole catalog or
    /// category in its own order, by page number, as the site's menus and numbered page links name
    /// it. A search, a price range, another order, a cursor's page or `/products?category=…` shows
    /// what those pages show, cut or ordered otherwise, at addresses without end (such pages say
    /// `noindex, follow`: their products stay reachable through their links).
    /// `on_category_page`: the path names the category, so the query's own does not count.
    pub fn is_indexable_listing(&self, on_category_page: bool) -> bool {
        self.q.is_empty()
            && !self.is_price_range()
            && self.sort == SortOrder::Relevance
            && self.cursor.is_none()
            && (on_category_page || self.category.is_none())
    }

    /// Whether a price range (either bound, or both) filters the query.
    pub fn is_price_range(&self) -> bool {
        self.price_min.is_some() || self.price_max.is_some()
    }

    /// The page number, never zero.
    pub fn page(&self) -> u32 {
        self.page.max(1)
    }

    /// The same query with every rule of [`ProductQuery::parse`] applied. Server functions call
    /// this, because their arguments can be written by hand and need not come from a parsed URL.
    pub fn normalized(&self) -> Self {
        let pairs = self.pairs(self.page, self.cursor.as_ref(), true);
        Self::parse(|key| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone())).0
    }

    /// The canonical query string for this state on `page`, leaving out defaults ("" when nothing is set).
    /// `include_category` is false on category pages, whose path already names it.
    pub fn to_query_string(&self, page: u32, include_category: bool) -> String {
        self.to_query_string_at(page, None, include_category)
    }

    /// As [`ProductQuery::to_query_string`], for the page that `cursor` starts (labelled `page`).
    pub fn to_query_string_at(&self, page: u32, cursor: Option<&Cursor>, include_category: bool) -> String {
        let pairs = self.pairs(page, cursor, include_category);
        if pairs.is_empty() {
            return String::new();
        }
        let encoded: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", percent_encode(v))).collect();
        format!("?{}", encoded.join("&"))
    }

    /// The URL parameters of this state, defaults left out.
    fn pairs(&self, page: u32, cursor: Option<&Cursor>, include_category: bool) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        if let (true, Some(category)) = (include_category, &self.category) {
            pairs.push(("category", category.clone()));
        }
        if let Some(min) = self.price_min {
            pairs.push(("price_min", min.decimal()));
        }
        if let Some(max) = self.price_max {
            pairs.push(("price_max", max.decimal()));
        }
        if self.sort != SortOrder::Relevance {
            pairs.push(("sort", self.sort.key().to_owned()));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        if let Some(cursor) = cursor {
            let side = match cursor.side {
                CursorSide::After => "after",
                CursorSide::Before => "before",
            };
            pairs.push((side, cursor.id.to_string()));
            match &cursor.at {
                Some(SortValue::Price(price)) => pairs.push(("at", price.decimal())),
                Some(SortValue::Title(title)) => pairs.push(("at", title.clone())),
                None => {}
            }
        }
        pairs
    }
}

/// `after=ID` or `before=ID` (a product id, so a positive integer); anything else, or both at once,
/// is ignored with the notice a bad page number gets. `at` (as sent, not trimmed) is the product's
/// price or title for those orders; one that does not fit the order is left out (the product's
/// current key is used). A title is taken as it is: one that begins or ends with a space (written
/// before titles were trimmed, or restored from elsewhere) is where the page starts, and trimmed
/// it would start the page elsewhere.
fn parse_cursor(
    present: &impl Fn(&str) -> Option<String>,
    at: Option<String>,
    sort: SortOrder,
    notices: &mut Vec<QueryNotice>,
) -> Option<Cursor> {
    let id = |key: &str| present(key).map(|raw| raw.parse::<i64>().ok().filter(|id| *id >= 1));
    let mut cursor = match (id("after"), id("before")) {
        (None, None) => return None,
        (Some(Some(id)), None) => Cursor::after(id),
        (None, Some(Some(id))) => Cursor::before(id),
        _ => {
            notices.push(QueryNotice::BadPageLink);
            return None;
        }
    };
    cursor.at = at.filter(|raw| !raw.trim().is_empty()).and_then(|raw| match sort {
        SortOrder::PriceAsc | SortOrder::PriceDesc => Money::parse_decimal(raw.trim()).map(SortValue::Price),
        SortOrder::Name => (raw.chars().count() <= TITLE_MAX).then_some(SortValue::Title(raw)),
        SortOrder::Relevance | SortOrder::Newest => None,
    });
    Some(cursor)
}

/// Keeps printable characters only (no NULs or other controls, nothing that reorders the text
/// around it: the search is shown back on its page) and at most [`MAX_SEARCH_CHARS`]. A tab or a
/// line break (pasted text) separates words as a space does, rather than being dropped between
/// them.
fn clean_search(raw: &str, notices: &mut Vec<QueryNotice>) -> String {
    let printable: String = raw
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|&c| !super::is_refused_in_text(c))
        .collect();
    let mut words = printable.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((cut, _)) = words.char_indices().nth(MAX_SEARCH_CHARS) {
        words.truncate(cut);
        notices.push(QueryNotice::SearchShortened);
    }
    words.trim_end().to_owned()
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass through).
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(pairs: &[(&str, &str)]) -> (ProductQuery, Vec<QueryNotice>) {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ProductQuery::parse(|k| map.get(k).cloned())
    }

    #[test]
    fn empty_url_means_defaults() {
        let (query, notices) = parse(&[]);
        assert_eq!(query, ProductQuery { page: 1, ..Default::default() });
        assert!(notices.is_empty());
        assert_eq!(query.to_query_string(1, true), "");
    }

    #[test]
    fn valid_values_round_trip() {
        let (query, notices) = parse(&[
            ("q", "  red   shirt "),
            ("category", "clothes"),
            ("price_min", "10"),
            ("price_max", "20.5"),
            ("sort", "price_desc"),
            ("page", "2"),
        ]);
        assert!(notices.is_empty());
        assert_eq!(query.q, "red shirt");
        assert_eq!(query.price_max, Some(Money(2050)));
        assert_eq!(
            query.to_query_string(3, true),
            "?q=red+shirt&category=clothes&price_min=10.00&price_max=20.50&sort=price_desc&page=3"
        );
        assert_eq!(query.to_query_string(1, false), "?q=red+shirt&price_min=10.00&price_max=20.50&sort=price_desc");
    }

    #[test]
    fn garbage_falls_back_to_defaults_with_a_notice() {
        let cases: [(&str, &str, QueryNotice); 7] = [
            ("page", "-1", QueryNotice::BadPage),
            ("page", "0", QueryNotice::BadPage),
            ("page", "99999999999", QueryNotice::BadPage),
            ("price_min", "abc", QueryNotice::BadPriceMin),
            ("price_max", "1e9", QueryNotice::BadPriceMax),
            ("sort", "drop table", QueryNotice::BadSort),
            ("category", "../etc", QueryNotice::BadCategory),
        ];
        for (key, value, expected) in cases {
            let (query, notices) = parse(&[(key, value)]);
            assert_eq!(notices, vec![expected], "{key}={value}");
            assert_eq!(query.page, 1);
            assert_eq!(query.sort, SortOrder::Relevance);
            let unfiltered = query.q.is_empty() && query.category.is_none() && query.price_min.is_none();
            assert!(unfiltered && query.price_max.is_none(), "{key}={value} must not filter");
        }
    }

    #[test]
    fn long_search_is_cut_and_controls_dropped() {
        let (query, notices) = parse(&[("q", &"é".repeat(10_000))]);
        assert_eq!(query.q.chars().count(), MAX_SEARCH_CHARS);
        assert_eq!(notices, vec![QueryNotice::SearchShortened]);
        let (query, _) = parse(&[("q", "a\0b\u{7}c\u{202E}d")]);
        assert_eq!(query.q, "abcd");
        let (query, _) = parse(&[("q", "walnut\tchair\r\nlamp\u{2028}desk")]);
        assert_eq!(query.q, "walnut chair lamp desk", "whitespace of any kind separates words");
    }

    #[test]
    fn hand_written_queries_are_normalized() {
        let raw = ProductQuery {
            q: "x".repeat(5_000),
            category: Some("Not A Slug".into()),
            price_min: Some(Money(-500)),
            price_max: Some(Money(1000)),
            sort: SortOrder::Name,
            page: 0,
            cursor: Some(Cursor::after(0)),
        };
        let clean = raw.normalized();
        assert_eq!(clean.q.len(), MAX_SEARCH_CHARS);
        assert_eq!((clean.category, clean.price_min, clean.price_max), (None, None, Some(Money(1000))));
        assert_eq!((clean.sort, clean.page, clean.cursor), (SortOrder::Name, 1, None));
    }

    #[test]
    fn a_cursor_rides_along_with_its_page_label() {
        let (query, notices) = parse(&[("sort", "price_asc"), ("page", "3000"), ("after", "812")]);
        assert!(notices.is_empty());
        assert_eq!((query.page, query.cursor.clone()), (3000, Some(Cursor::after(812))));
        assert_eq!(query.normalized(), query);
        assert_eq!(
            query.to_query_string_at(2999, Some(&Cursor::before(7)), true),
            "?sort=price_asc&page=2999&before=7"
        );
        // Numbered links leave the cursor out: the number alone finds the page.
        assert_eq!(query.to_query_string(4, true), "?sort=price_asc&page=4");
    }

    #[test]
    fn a_cursor_carries_the_key_its_order_can_change() {
        let (query, notices) = parse(&[("sort", "price_desc"), ("page", "3"), ("after", "812"), ("at", "129.99")]);
        assert!(notices.is_empty());
        let cursor = query.cursor.clone().unwrap();
        assert_eq!(cursor.at, Some(SortValue::Price(Money(12999))));
        assert_eq!(query.to_query_string_at(3, Some(&cursor), true), "?sort=price_desc&page=3&after=812&at=129.99");
        assert_eq!(query.normalized(), query);
        let (query, _) = parse(&[("sort", "name"), ("before", "5"), ("at", "Oak & Co. Table")]);
        let cursor = query.cursor.clone().unwrap();
        assert_eq!(cursor.at, Some(SortValue::Title("Oak & Co. Table".into())));
        assert_eq!(query.to_query_string_at(2, Some(&cursor), true), "?sort=name&page=2&before=5&at=Oak+%26+Co.+Table");
        // A title is kept as sent, spaces at either end included: it is where the page starts.
        let (query, _) = parse(&[("sort", "name"), ("after", "5"), ("at", "  Leading space\u{a0}")]);
        assert_eq!(query.cursor.unwrap().at, Some(SortValue::Title("  Leading space\u{a0}".into())));
        let (query, _) = parse(&[("sort", "price_asc"), ("after", "5"), ("at", " 12.50 ")]);
        assert_eq!(query.cursor.unwrap().at, Some(SortValue::Price(Money(1250))));
        // A key that does not fit the order is left out; the cursor still stands.
        for pairs in [
            &[("sort", "price_asc"), ("after", "9"), ("at", "cheap")][..],
            &[("sort", "newest"), ("after", "9"), ("at", "12.00")],
            &[("sort", "name"), ("after", "9"), ("at", &"x".repeat(TITLE_MAX + 1))],
        ] {
            let (query, notices) = parse(pairs);
            assert_eq!((query.cursor, notices), (Some(Cursor::after(9)), vec![]), "{pairs:?}");
        }
    }

    #[test]
    fn bad_cursors_are_dropped_with_a_notice() {
        for pairs in [
            &[("after", "0")][..],
            &[("before", "-3")],
            &[("after", "12abc")],
            &[("after", "99999999999999999999")],
            &[("after", "5"), ("before", "6")],
        ] {
            let (query, notices) = parse(pairs);
            assert_eq!((query.cursor, notices), (None, vec![QueryNotice::BadPageLink]), "{pairs:?}");
        }
    }

    #[test]
    fn a_search_ranks_by_relevance_and_pages_by_number() {
        let (query, _) = parse(&[("q", "walnut chair"), ("page", "2"), ("after", "9")]);
        assert_eq!((query.sort, query.cursor.clone()), (SortOrder::Relevance, None));
        assert_eq!(query.to_query_string(2, true), "?q=walnut+chair&page=2");
        // Sorted another way, a search pages by cursor like any listing.
        let (query, _) = parse(&[("q", "walnut"), ("sort", "newest"), ("after", "9")]);
        assert_eq!(query.cursor, Some(Cursor::after(9)));
        // Punctuation alone searches nothing, so the listing is the newest products, by cursor.
        let (query, _) = parse(&[("q", "\"*\""), ("after", "9")]);
        assert!(!query.is_search() && query.pages_by_cursor());
    }

    #[test]
    fn notices_and_sort_orders_are_worded_in_each_language() {
        let notices =
            [QueryNotice::SearchShortened, QueryNotice::BadPage, QueryNotice::BadPageLink, QueryNotice::PricesSwapped];
        for notice in notices {
            assert_ne!(notice.message(Lang::En), notice.message(Lang::Es), "{notice:?}");
        }
        assert_eq!(SortOrder::PriceAsc.label(Lang::Es), "Precio: menor a mayor");
        assert_eq!(SortOrder::PriceAsc.label(Lang::En), "Price: low to high");
    }

    #[test]
    fn crossed_prices_are_swapped() {
        let (query, notices) = parse(&[("price_min", "50"), ("price_max", "10")]);
        assert_eq!((query.price_min, query.price_max), (Some(Money(1000)), Some(Money(5000))));
        assert_eq!(notices, vec![QueryNotice::PricesSwapped]);
    }
}
