//! Product listings at any catalog size: the storefront's pages and the back office's table.
//!
//! Three rules keep a listing's cost independent of how many products there are:
//! - a search reads the full-text index (SQLite FTS5, PostgreSQL `tsvector`), never every row;
//! - a page is first found as ids in an index of its sort order, and only those rows are read
//!   ("deferred join"); a page reached by cursor ("after product #812") is a range of that index,
//!   and so is a deep page by number, from the nearest of the ids kept every few hundred products
//!   ([`PageAnchors`]): the 3,000th page costs what the first does;
//! - "how many match" reads the counts the database keeps per category when only a category
//!   filters, and counts through an index otherwise; the page's own query returns it, so a page
//!   costs one trip to the database, not two.

mod anchors;

pub use anchors::PageAnchors;

use super::{price_bands, price_range, SummaryRow, SUMMARY_COLUMNS};
use crate::bind_all;
use crate::model::{Cursor, CursorSide, Money, ProductQuery, ProductSummary, SortOrder, SortValue};
use crate::server::db::{with_reader, Db, SqlArgs};
use crate::server::text::search_key;

/// At most this many words of a search are used (each one narrows the result).
const MAX_SEARCH_WORDS: usize = 8;

/// What the storefront shows for one listing page.
pub struct Listed {
    pub items: Vec<ProductSummary>,
    pub total: u64,
    /// Whether a page comes before this one (when the page was reached by cursor).
    pub more_before: bool,
    /// Whether a page comes after this one (when the page was reached by cursor).
    pub more_after: bool,
    /// Whether more products match than `total`: a search ranked by relevance lists only the
    /// [`RANKED_MATCHES_MAX`] most recently added of its matches.
    pub more_match_than_listed: bool,
}

impl Listed {
    /// A page of a listing that lists every product it matches, `total` of them.
    fn of_all(items: Vec<ProductSummary>, total: i64, more_before: bool, more_after: bool) -> Self {
        Self { items, total: total as u64, more_before, more_after, more_match_than_listed: false }
    }

    /// The page of a listing of `total` products that starts `offset` products in: others come
    /// before it when it starts past the first and holds any, after it when it ends short of the
    /// last.
    fn at_offset(items: Vec<ProductSummary>, total: i64, offset: i64) -> Self {
        let more_after = offset + (items.len() as i64) < total;
        let more_before = offset > 0 && !items.is_empty();
        Self::of_all(items, total, more_before, more_after)
    }

    /// No page: the listing holds `total` products, none of them where the page would be.
    fn empty(total: i64) -> Self {
        Self::of_all(Vec::new(), total, false, false)
    }
}

/// One page of products matching `query` (`page_size` of them), and how many match in all. Deep
/// pages by number start from `anchors`, which this keeps.
pub async fn select_listing(
    db: &Db,
    anchors: &PageAnchors,
    query: &ProductQuery,
    page_size: u32,
) -> sqlx::Result<Listed> {
    let offset = (i64::from(query.page()) - 1) * i64::from(page_size);
    let cursor = query.cursor.as_ref().filter(|_| query.pages_by_cursor());
    // The filters' arguments; each way of finding the page appends its own to a copy.
    let mut filter_args = SqlArgs::default();
    let mut known_total = None;
    let ids = if price_range_needs_a_plan(db, query) {
        let wanted = if cursor.is_some() { i64::from(page_size) + 1 } else { offset + i64::from(page_size) };
        match plan_price_range(db, query, wanted, cursor.is_none().then_some(offset)).await? {
            PricedPage::Empty(total) => return Ok(Listed::empty(total)),
            PricedPage::Planned { ids, args, total } => {
                (filter_args, known_total) = (args, Some(total));
                ids
            }
        }
    } else {
        let ids = PageOfIds::new(db, query, &mut filter_args);
        if ids.rank.is_some() {
            return select_ranked(db, query, &ids, filter_args, page_size).await;
        }
        ids
    };
    if let Some(cursor) = cursor {
        let listed = select_by_cursor(db, query, &ids, filter_args.clone(), cursor, known_total, page_size).await?;
        // A cursor with no key naming a product deleted since, or one past the very end, finds
        // nothing; the page number it carried still finds a page.
        if !listed.items.is_empty() {
            return Ok(listed);
        }
    }
    if offset > DEEP_OFFSET && count_is_per_category(query) {
        if let Some(listed) = select_deep_page(db, anchors, query, &ids, filter_args.clone(), offset, page_size).await?
        {
            return Ok(listed);
        }
    }
    let mut args = filter_args;
    let page = ids.by_number(page_size, offset, &mut args);
    let (items, total) = select_page(db, query, known_total, &page, &ids.display_order(), args).await?;
    // Past the end no row carries the count, and a count answers alone.
    let total = match total.or(known_total) {
        Some(total) => total,
        None => count_matching(db, query).await?,
    };
    Ok(Listed::at_offset(items, total, offset))
}

/// The most matches a search ranks by relevance: those most recently added, when it has more.
/// Ranking costs a microsecond or so a match (it reads the product's row), so on 100,051
/// products a search for "a" (96,602 matches) took 103 ms on SQLite and 116 on PostgreSQL, "with"
/// 63 and 71, against 2 to 3 ms for two words that name a product (measured with the ranking of
/// the time, `bm25` and `ts_rank`); and a catalog ten times the size would take ten times as
/// long. Past this many, the words say too little for their order to mean much, and the page
/// says that more match than it ranks.
pub const RANKED_MATCHES_MAX: i64 = 2_000;

/// A page of a search ranked by relevance, by number: of its matches, or of the
/// [`RANKED_MATCHES_MAX`] most recently added when it has more. The same query counts them, up to
/// one past that bound, so a page is one statement: the matches are materialised once, for the
/// count and the page. On PostgreSQL the most recent matches are picked before any is ranked:
/// ranking in the same step would rank every match (its planner postpones an expression past a
/// sort only when it counts it as costly, and a one-word rank is not). Past the end no row
/// carries the count, and a bounded count answers alone. The order is [`Relevance`].
async fn select_ranked(
    db: &Db,
    query: &ProductQuery,
    ids: &PageOfIds,
    filter_args: SqlArgs,
    page_size: u32,
) -> sqlx::Result<Listed> {
    let offset = (i64::from(query.page()) - 1) * i64::from(page_size);
    let kept = statement_is_kept(db, query);
    let mut args = filter_args.clone();
    // The page size written out, so that PostgreSQL keeps a plan (see `PageOfIds::plan_is_kept`:
    // with both a parameter it planned this statement afresh on every run, 0.5 to 0.9 ms on
    // 100,000 products). The offset stays a parameter: pages of a ranked search share one plan.
    let offset_arg = args.int(offset);
    let counted_up_to = RANKED_MATCHES_MAX + 1;
    let tables = ids.tables_and_filters(None, false);
    let matched = match db {
        // FTS5 hands out its matches by id, highest first, and stops at the LIMIT, so only the
        // products it hands out are read.
        Db::Sqlite { .. } => format!(
            "matched AS MATERIALIZED (SELECT p.id, {} FROM {tables} ORDER BY products_fts.rowid DESC \
             LIMIT {counted_up_to})",
            ids.sort_column(&mut args),
        ),
        // The GIN index hands out its matches in no order, so every match is read from the table
        // to keep the most recent. Each carries its folded title, the one column the rank reads
        // ([`Relevance`]), past that sort, and only those kept are ranked, from their `latest`
        // row. Reading each kept product again by its id to rank it cost, on 100,051 products
        // (`pgbench`), a quarter of a two-word search (0.72 ms against 0.55) and half of a search
        // for "chair" (1,687 matches: 8 ms against 4). Carrying the title costs the scan about
        // 0.16 µs a match, which outweighs that from some 17,000 matches on: "a" (96,602) went
        // from about 60 ms to about 80.
        Db::Postgres(_) => format!(
            "latest AS MATERIALIZED (SELECT p.id, p.search_title FROM {tables} ORDER BY p.id DESC \
             LIMIT {counted_up_to}), \
             matched AS MATERIALIZED (SELECT p.id, {} FROM latest p)",
            ids.sort_column(&mut args),
        ),
    };
    let sql = format!(
        "WITH {matched}, \
         ranked AS (SELECT id, sort_key FROM matched ORDER BY id DESC LIMIT {RANKED_MATCHES_MAX}), \
         page AS (SELECT id, sort_key FROM ranked ORDER BY sort_key, id LIMIT {page_size} OFFSET {offset_arg}) \
         SELECT {SUMMARY_COLUMNS}, (SELECT COUNT(*) FROM matched) AS matches FROM page \
         JOIN products p ON p.id = page.id JOIN categories c ON c.id = p.category_id ORDER BY {}",
        ids.display_order()
    );
    let rows: Vec<CountedRow> = with_reader!(db.reader(), pool => {
        bind_all!(sqlx::query_as(&sql), args).persistent(kept).fetch_all(pool).await
    })?;
    let matches = match rows.first() {
        Some(row) => row.matches,
        None => {
            let tables = ids.tables_and_filters(None, true);
            let count = format!("SELECT COUNT(*) FROM (SELECT 1 FROM {tables} LIMIT {counted_up_to}) AS matched");
            with_reader!(db.reader(), pool => {
                bind_all!(sqlx::query_scalar(&count), filter_args).persistent(kept).fetch_one(pool).await
            })?
        }
    };
    let total = matches.min(RANKED_MATCHES_MAX);
    let items: Vec<ProductSummary> = rows.into_iter().map(|row| ProductSummary::from(row.summary)).collect();
    Ok(Listed { more_match_than_listed: matches > total, ..Listed::at_offset(items, total, offset) })
}

/// A page that starts further into its listing than this many products starts from an anchor
/// ([`PageAnchors`]). Nearer the front, skipping index entries costs little, and a listing read
/// only that far never pays for a walk of all of it.
const DEEP_OFFSET: i64 = 1_000;

/// A deep page by number, read as a range of its index from the nearest anchor before it, or known
/// to be empty when past the end: `None` when it must be walked to from the front instead (the
/// anchors could not be found, or the one it starts from is gone). Only for listings whose count
/// is kept ([`count_is_per_category`]): the count says whether anchors found earlier still describe
/// the listing. When this node keeps anchors for the listing, the page is read from them with the
/// count in the same statement ([`select_page_from_kept_anchors`]); otherwise, or when that count
/// says they are out of date, the count is read first, in a statement of its own.
async fn select_deep_page(
    db: &Db,
    anchors: &PageAnchors,
    query: &ProductQuery,
    ids: &PageOfIds,
    mut args: SqlArgs,
    offset: i64,
    page_size: u32,
) -> sqlx::Result<Option<Listed>> {
    if let Some(listed) = select_page_from_kept_anchors(db, anchors, query, ids, &args, offset, page_size).await? {
        return Ok(Some(listed));
    }
    let total = count_matching(db, query).await?;
    if offset >= total {
        // Past the end: nothing to read. From the front, an index would be walked to its end first
        // (all of it, for a made-up `?page=999999`).
        return Ok(Some(Listed::empty(total)));
    }
    let Some(listing) = anchors.for_listing(db, query, ids, &args, total).await else {
        return Ok(None);
    };
    let Some(start) = listing.page_start(offset) else {
        return Ok(None);
    };
    let page = ids.after_anchor(&start, page_size, &mut args);
    let (items, _) = select_page(db, query, Some(total), &page, &ids.display_order(), args).await?;
    if items.is_empty() {
        // Newest first, an anchor is found by its id alone: another process deleted its product
        // (and added as many, or the count would have told).
        anchors.forget(query).await;
        return Ok(None);
    }
    Ok(Some(Listed::at_offset(items, total, offset)))
}

/// A deep page read from the anchors this node keeps for its listing, with the listing's count in
/// the same statement: one round trip to the database instead of two (a count, then the page). The
/// page stands when that count is the one the anchors were found for, as [`select_deep_page`]
/// would have checked first; `None` (the page is read as there) when there are no such anchors,
/// the page lies past their count, or the count has moved or the page came back empty.
async fn select_page_from_kept_anchors(
    db: &Db,
    anchors: &PageAnchors,
    query: &ProductQuery,
    ids: &PageOfIds,
    filter_args: &SqlArgs,
    offset: i64,
    page_size: u32,
) -> sqlx::Result<Option<Listed>> {
    let Some((listing, total)) = anchors.kept_for(query).await else {
        return Ok(None);
    };
    let Some(start) = listing.page_start(offset).filter(|_| offset < total) else {
        return Ok(None);
    };
    let mut args = filter_args.clone();
    let page = ids.after_anchor(&start, page_size, &mut args);
    let (items, counted) = select_page(db, query, None, &page, &ids.display_order(), args).await?;
    if counted != Some(total) {
        return Ok(None);
    }
    Ok(Some(Listed::at_offset(items, total, offset)))
}

/// A product card's row, with how many products the listing matches in all.
#[derive(sqlx::FromRow)]
struct CountedRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    matches: i64,
}

/// The page a Next or Previous link's `cursor` leads to; `known_total`: how many match, if the
/// caller has just counted them.
async fn select_by_cursor(
    db: &Db,
    query: &ProductQuery,
    ids: &PageOfIds,
    mut args: SqlArgs,
    cursor: &Cursor,
    known_total: Option<i64>,
    page_size: u32,
) -> sqlx::Result<Listed> {
    // One row more than a page tells whether the listing goes on in the direction of travel.
    let page = ids.by_cursor(cursor, page_size + 1, &mut args);
    // An empty page is not shown (the caller falls back to the page number), so its count is not needed.
    let (mut items, total) = select_page(db, query, known_total, &page, &ids.display_order(), args).await?;
    let total = total.unwrap_or_default();
    let overflow = items.len() > page_size as usize;
    // The extra row sits at the far end of the direction of travel. The near side is taken to go
    // on (the page the link came from): at worst a Previous link leads to page 1's products.
    let (more_before, more_after) = match cursor.side {
        CursorSide::After => {
            items.truncate(page_size as usize);
            (true, overflow)
        }
        CursorSide::Before => {
            if overflow {
                items.remove(0);
            }
            (overflow, true)
        }
    };
    Ok(Listed::of_all(items, total, more_before, more_after))
}

/// The cards of the products whose ids `page` selects, in `order`, and how many products match
/// `query` in all (`None` when the page is empty: no row carries it). The count is a scalar
/// subquery, which both databases compute once, so the page costs one round trip, not two; a
/// caller that has just read it passes it as `known_total` instead.
async fn select_page(
    db: &Db,
    query: &ProductQuery,
    known_total: Option<i64>,
    page: &str,
    order: &str,
    mut args: SqlArgs,
) -> sqlx::Result<(Vec<ProductSummary>, Option<i64>)> {
    let count = match known_total {
        Some(total) => format!("CAST({} AS BIGINT)", args.int(total)),
        None => count_expression(db, query, &mut args),
    };
    let sql = format!(
        "WITH page AS ({page}) SELECT {SUMMARY_COLUMNS}, {count} AS matches FROM page \
         JOIN products p ON p.id = page.id JOIN categories c ON c.id = p.category_id ORDER BY {order}"
    );
    let kept = statement_is_kept(db, query);
    let rows: Vec<CountedRow> = with_reader!(db.reader(), pool => {
        bind_all!(sqlx::query_as(&sql), args).persistent(kept).fetch_all(pool).await
    })?;
    let total = rows.first().map(|row| row.matches);
    Ok((rows.into_iter().map(|row| ProductSummary::from(row.summary)).collect(), total))
}

/// How many products match `query` (see [`count_expression`]).
pub async fn count_matching(db: &Db, query: &ProductQuery) -> sqlx::Result<i64> {
    let mut args = SqlArgs::default();
    let sql = format!("SELECT {}", count_expression(db, query, &mut args));
    let kept = statement_is_kept(db, query);
    with_reader!(db.reader(), pool => bind_all!(sqlx::query_scalar(&sql), args).persistent(kept).fetch_one(pool).await)
}

/// Whether a statement reading `query`'s listing may stay prepared on its connection. PostgreSQL
/// plans a prepared statement with its values for five runs, then keeps a generic plan, made
/// without them, if that looks no dearer. For a price range it guesses a sliver of the catalog
/// (0.5 %), so a broad range's generic plan read and sorted all of it: on 100,000 products the
/// first page of `price_min=5&price_max=500` went from 10 ms to 43 ms at its sixth request on a
/// connection. A statement that is not kept is planned for its values every time. A search's
/// words reach PostgreSQL's planner only inside subqueries, so no plan could use them; SQLite
/// plans without the values anyway (`price_range` chooses for it).
fn statement_is_kept(db: &Db, query: &ProductQuery) -> bool {
    !(matches!(db, Db::Postgres(_)) && query.is_price_range())
}

/// How many products match `query`, as an SQL expression: the kept per-category counts when
/// nothing but a category filters (the common case, and the one where an exact count would read
/// the whole catalog), the kept counts per price band for a price range (see `price_bands`),
/// otherwise a count over the filter's index.
fn count_expression(db: &Db, query: &ProductQuery, args: &mut SqlArgs) -> String {
    let sql = if query.is_search() {
        count_one_by_one(db, query, args)
    } else if query.is_price_range() {
        count_by_price_bands(db, query, args)
    } else {
        match &query.category {
            Some(slug) => format!(
                "SELECT COALESCE(SUM(n.products), 0) FROM product_counts n JOIN categories c ON c.id = n.category_id \
                 WHERE c.slug = {}",
                args.text(slug.clone())
            ),
            None => "SELECT COALESCE(SUM(products), 0) FROM product_counts".to_owned(),
        }
    };
    // SUM is NUMERIC on PostgreSQL; the cast keeps one Rust type for both backends.
    format!("CAST(({sql}) AS BIGINT)")
}

/// A count of the products `query` matches, read from its filter's index.
fn count_one_by_one(db: &Db, query: &ProductQuery, args: &mut SqlArgs) -> String {
    let ids = PageOfIds::new(db, query, args);
    format!("SELECT COUNT(*) FROM {}", ids.tables_and_filters(None, true))
}

/// A count of the products in `query`'s price range (no search): the price bands it holds whole,
/// from the kept counts, and the products of the bands its ends cut, one by one.
fn count_by_price_bands(db: &Db, query: &ProductQuery, args: &mut SqlArgs) -> String {
    let category = query
        .category
        .as_ref()
        .map(|slug| format!("(SELECT id FROM categories WHERE slug = {})", args.text(slug.clone())));
    let range = (query.price_min.map(Money::cents), query.price_max.map(Money::cents));
    let count = price_bands::count_in_range(range, category.as_deref(), args, |price_min, price_max, args| {
        let part = ProductQuery { price_min: price_min.map(Money), price_max: price_max.map(Money), ..query.clone() };
        count_one_by_one(db, &part, args)
    });
    format!("SELECT {count}")
}

/// Whether the count of what `query` matches is the kept count of its category (or the catalog):
/// nothing but a category filters.
fn count_is_per_category(query: &ProductQuery) -> bool {
    !query.is_search() && !query.is_price_range()
}

/// Whether SQLite must be told how to read the price range `query` filters by: when the listing is
/// ordered by something else, and no search reads its own index first (see `price_range`).
fn price_range_needs_a_plan(db: &Db, query: &ProductQuery) -> bool {
    let by_price = matches!(query.sort, SortOrder::PriceAsc | SortOrder::PriceDesc);
    matches!(db, Db::Sqlite { .. }) && query.is_price_range() && !by_price && !query.is_search()
}

/// A listing's price range that SQLite must be told how to read, counted.
enum PricedPage {
    /// Nothing to read: the range holds no product, or the page lies past its end.
    Empty(i64),
    /// The page's ids, written to read the range as its count says is cheaper, with their
    /// arguments and how many products the range holds.
    Planned { ids: PageOfIds, args: SqlArgs, total: i64 },
}

/// Counts `query`'s price range and chooses how to read the page that ends `wanted` matches into
/// the listing (see `price_range`). `offset`: where a page by number starts (none for a cursor's).
async fn plan_price_range(db: &Db, query: &ProductQuery, wanted: i64, offset: Option<i64>) -> sqlx::Result<PricedPage> {
    let (matching, listing) = count_price_range(db, query).await?;
    if matching == 0 || offset.is_some_and(|offset| offset >= matching) {
        return Ok(PricedPage::Empty(matching));
    }
    let plan = price_range::plan(matching, listing, wanted, price_range::Walk::TheOrdersIndex);
    let mut args = SqlArgs::default();
    let ids = PageOfIds::with_price_plan(db, query, plan, &mut args);
    Ok(PricedPage::Planned { ids, args, total: matching })
}

/// How many products are in `query`'s price range, and how many in its listing without the range
/// (a kept count): one statement, whose first count reads the kept price bands (`price_bands`).
async fn count_price_range(db: &Db, query: &ProductQuery) -> sqlx::Result<(i64, i64)> {
    let mut args = SqlArgs::default();
    let unpriced = ProductQuery { price_min: None, price_max: None, ..query.clone() };
    let sql =
        format!("SELECT {}, {}", count_expression(db, query, &mut args), count_expression(db, &unpriced, &mut args));
    with_reader!(db.reader(), pool => bind_all!(sqlx::query_as(&sql), args).fetch_one(pool).await)
}

/// The ids of page `query.page()` as a query, with the order to show them in: for a listing that
/// reads its own columns (the back office's table).
pub(in crate::server::db) fn page_by_number(
    db: &Db,
    query: &ProductQuery,
    page_size: u32,
    args: &mut SqlArgs,
) -> (String, String) {
    let ids = PageOfIds::new(db, query, args);
    let offset = (i64::from(query.page()) - 1) * i64::from(page_size);
    (ids.by_number(page_size, offset, args), ids.display_order())
}

/// The ids of one page, in the listing's order: the part of a listing that touches many rows, and
/// so the part that must read an index.
struct PageOfIds {
    /// Whether a search reads SQLite's full-text index, whose rowid is the product's id.
    full_text: bool,
    /// Whether a condition reads the products' own columns (a category or a price).
    filters_products: bool,
    conditions: Vec<String>,
    /// The search's order when the listing is ordered by relevance.
    rank: Option<Relevance>,
    keys: SortKeys,
    /// Whether the page's statement may be written so that PostgreSQL keeps one plan for it. It
    /// plans a prepared statement afresh on every run while a LIMIT or OFFSET is a parameter
    /// (it cannot tell how much of the index a plan would read): on 100,000 products a deep page
    /// took 0.65 ms to plan and 0.15 ms to run; with its LIMIT written out and no OFFSET, from the
    /// sixth run on a connection, 0.01 ms to plan. A category's third page took 0.45 ms to plan
    /// and 0.14 to run with its OFFSET a parameter, so a page by number writes its OFFSET out too:
    /// a statement for each page number, which the connection's statement cache bounds (a page it
    /// has let go is prepared and planned again, as every page was before). Only where no value
    /// in the statement can make another index better (no price range): a kept plan
    /// for a price range would serve a broad range the way it served a narrow one. A search's
    /// words and a category's slug reach the planner only inside subqueries, so they never could.
    /// SQLite plans each statement once.
    plan_is_kept: bool,
    /// The products table when no full-text index is read: as a price range's plan reads it.
    products: &'static str,
}

impl PageOfIds {
    fn new(db: &Db, query: &ProductQuery, args: &mut SqlArgs) -> Self {
        Self::reading(db, query, None, args)
    }

    /// The same page with its price range read as `plan` says (SQLite; see `price_range`).
    fn with_price_plan(db: &Db, query: &ProductQuery, plan: price_range::Plan, args: &mut SqlArgs) -> Self {
        Self::reading(db, query, Some(plan), args)
    }

    fn reading(db: &Db, query: &ProductQuery, price_plan: Option<price_range::Plan>, args: &mut SqlArgs) -> Self {
        let mut ids = Self {
            full_text: false,
            filters_products: false,
            conditions: Vec::new(),
            rank: None,
            keys: SortKeys::of(query.sort, db),
            plan_is_kept: matches!(db, Db::Postgres(_)) && !query.is_price_range(),
            products: price_plan.map_or("products p", |plan| plan.products(query.category.is_some())),
        };
        let words: Vec<String> =
            search_key(&query.q).split_whitespace().take(MAX_SEARCH_WORDS).map(str::to_owned).collect();
        if !words.is_empty() {
            ids.search(db, &words, args);
            if query.sort != SortOrder::Relevance {
                ids.rank = None;
            }
        }
        // SQLite must read the search index first: given an index on the category or price, its
        // planner would walk that and run the full-text match again for every product there (a
        // one-letter search in a category took seconds). A unary `+` keeps those indexes out, and
        // keeps the price index out of a walk that checks each price.
        let searching = !words.is_empty();
        let column = |name: &str| match (db, price_plan) {
            (Db::Sqlite { .. }, _) if searching => format!("+p.{name}"),
            (_, Some(plan)) if name == "price_cents" => plan.price_column().to_owned(),
            _ => format!("p.{name}"),
        };
        ids.filters_products = query.category.is_some() || query.is_price_range();
        if let Some(slug) = &query.category {
            let slug = args.text(slug.clone());
            ids.conditions.push(format!("{} = (SELECT id FROM categories WHERE slug = {slug})", column("category_id")));
        }
        if let Some(min) = query.price_min {
            ids.conditions.push(format!("{} >= {}", column("price_cents"), args.int(min.cents())));
        }
        if let Some(max) = query.price_max {
            ids.conditions.push(format!("{} <= {}", column("price_cents"), args.int(max.cents())));
        }
        ids
    }

    /// Every word is required, and matches as a prefix ("wal" finds "walnut"). `search_key` left
    /// only letters and digits in each word, so no query syntax can reach the index.
    fn search(&mut self, db: &Db, words: &[String], args: &mut SqlArgs) {
        match db {
            Db::Sqlite { .. } => {
                let terms: Vec<String> = words.iter().map(|w| format!("\"{w}\"*")).collect();
                self.full_text = true;
                self.conditions.push(format!("products_fts MATCH {}", args.text(terms.join(" "))));
            }
            Db::Postgres(_) => {
                // The index is read with each word as the whole words of the catalog it begins
                // (migration 0010: a prefix there costs three times as much), in a subquery, so it
                // is built once per statement, whatever plan the statement keeps.
                let matched = format!("(SELECT search_words_query({}))", args.text(words.join(" ")));
                self.conditions.push(format!("p.search_vector @@ {matched}"));
            }
        }
        self.rank = Some(Relevance { words: words.to_vec(), postgres: matches!(db, Db::Postgres(_)) });
    }

    /// `FROM ... WHERE ...` with the filters and, if given, one condition more (over `p`).
    /// `ids_only`: the caller reads nothing of the products but their ids (it counts them, or
    /// orders them by rank).
    fn tables_and_filters(&self, extra: Option<String>, ids_only: bool) -> String {
        let from = self.tables(ids_only && extra.is_none());
        let conditions: Vec<&str> = self.conditions.iter().map(String::as_str).chain(extra.as_deref()).collect();
        match conditions.is_empty() {
            true => from.to_owned(),
            false => format!("{from} WHERE {}", conditions.join(" AND ")),
        }
    }

    /// The tables the ids come from. A search on SQLite with no filter on the products, for a
    /// caller that needs only ids, reads the full-text index alone: its rowid is the product's id,
    /// and the triggers that keep it in step with the table leave no row of it without its
    /// product. Joining the products there cost a third of a two-word search (a row lookup per
    /// match, and a match can be thousands of products).
    fn tables(&self, ids_only: bool) -> &'static str {
        if self.reads_index_alone(ids_only) {
            "products_fts"
        } else if self.full_text {
            "products_fts JOIN products p ON p.id = products_fts.rowid"
        } else {
            self.products
        }
    }

    fn reads_index_alone(&self, ids_only: bool) -> bool {
        self.full_text && ids_only && !self.filters_products
    }

    /// `fetch` ids after skipping `offset`: page numbers, and every page of a ranked search.
    fn by_number(&self, fetch: u32, offset: i64, args: &mut SqlArgs) -> String {
        let window = match (self.plan_is_kept, offset) {
            // The window written out, so that PostgreSQL keeps a plan for each page (see
            // `plan_is_kept`): numbers of ours, from the page's number.
            (true, 0) => format!("LIMIT {fetch}"),
            (true, offset) => format!("LIMIT {fetch} OFFSET {offset}"),
            (false, _) => format!("LIMIT {} OFFSET {}", args.int(i64::from(fetch)), args.int(offset)),
        };
        format!(
            "SELECT p.id AS id, {} FROM {} ORDER BY {} {window}",
            self.sort_column(args),
            self.tables_and_filters(None, false),
            self.order()
        )
    }

    /// `fetch` ids from `cursor` on: an index range, however deep.
    fn by_cursor(&self, cursor: &Cursor, fetch: u32, args: &mut SqlArgs) -> String {
        let anchor = args.int(cursor.id);
        // The page starts at the key the cursor carries (where the product stood when the link was
        // made), or else at the product's current key.
        let anchor_key = cursor.at.as_ref().and_then(|at| self.keys.key_from_cursor(at, args));
        let backwards = matches!(cursor.side, CursorSide::Before);
        self.beyond(&anchor, anchor_key, backwards, fetch, None, args)
    }

    /// `fetch` ids after `start`'s anchor (where it stood) and `skip` more, forwards: a deep
    /// page by number.
    fn after_anchor(&self, start: &anchors::PageStart<'_>, fetch: u32, args: &mut SqlArgs) -> String {
        let anchor = args.int(start.id);
        let anchor_key = start.at.and_then(|at| self.keys.key_from_cursor(at, args));
        self.beyond(&anchor, anchor_key, false, fetch, Some(start.skip), args)
    }

    /// The index range beyond product `anchor` (a placeholder) in the direction of travel, at
    /// `anchor_key` or else at the product's current key: a scalar subquery, which both databases
    /// compute once and use as an index bound. The range is written `key >= k AND (key > k OR id >
    /// anchor)` rather than as a row comparison, because SQLite reads an index range only for the
    /// former. `skip`: that many ids of the range are passed over first.
    fn beyond(
        &self,
        anchor: &str,
        anchor_key: Option<String>,
        backwards: bool,
        fetch: u32,
        skip: Option<i64>,
        args: &mut SqlArgs,
    ) -> String {
        let anchor_key = anchor_key.unwrap_or_else(|| {
            format!("(SELECT {} FROM products a WHERE a.id = {anchor})", self.keys.key.replace("{t}", "a"))
        });
        let (strict, loose) = self.keys.comparison(backwards);
        let key = self.keys.key.replace("{t}", "p");
        let position =
            format!("{key} {loose} {anchor_key} AND ({key} {strict} {anchor_key} OR p.id {strict} {anchor})");
        let range = self.tables_and_filters(Some(position), false);
        let order = self.keys.order(backwards);
        if !self.plan_is_kept {
            let limit = args.int(i64::from(fetch));
            let offset = skip.map(|skip| format!(" OFFSET {}", args.int(skip))).unwrap_or_default();
            return format!("SELECT p.id, {key} AS sort_key FROM {range} ORDER BY {order} LIMIT {limit}{offset}");
        }
        match skip.filter(|skip| *skip > 0) {
            None => format!("SELECT p.id, {key} AS sort_key FROM {range} ORDER BY {order} LIMIT {fetch}"),
            // The skip as a filter on row numbers within a fixed reach, not an OFFSET, so that the
            // plan can be kept. Past the last anchor a page may lie further than that.
            Some(skip) if skip < anchors::STEP => {
                let reach = anchors::STEP + i64::from(fetch);
                let skip = args.int(skip);
                format!(
                    "SELECT id, sort_key FROM (SELECT p.id, {key} AS sort_key, row_number() OVER (ORDER BY {order}) AS n \
                     FROM {range} ORDER BY {order} LIMIT {reach}) ahead WHERE n > {skip} AND n <= {skip} + {fetch}"
                )
            }
            Some(skip) => format!(
                "SELECT p.id, {key} AS sort_key FROM {range} ORDER BY {order} LIMIT {fetch} OFFSET {}",
                args.int(skip)
            ),
        }
    }

    /// What the page query returns beside the id, for the outer query to order by: the rank, or
    /// the sort key. Ordering by the page's own column (rather than the product's) keeps SQLite
    /// from answering by walking the whole catalog in index order to meet 24 ids.
    fn sort_column(&self, args: &mut SqlArgs) -> String {
        match &self.rank {
            Some(relevance) => format!("{} AS sort_key", relevance.sql(args)),
            None => format!("{} AS sort_key", self.keys.key.replace("{t}", "p")),
        }
    }

    /// The page query's own order.
    fn order(&self) -> String {
        match self.rank {
            Some(_) => "sort_key, p.id".to_owned(),
            None => self.keys.order(false),
        }
    }

    /// The order the page's rows are shown in, over the page's columns: always forwards,
    /// whichever way the ids were fetched (a Previous link's cursor reads backwards).
    fn display_order(&self) -> String {
        match self.rank {
            Some(_) => "page.sort_key, page.id".to_owned(),
            None => {
                let direction = if self.keys.descending { "DESC" } else { "ASC" };
                format!("page.sort_key{} {direction}, page.id {direction}", self.keys.collation)
            }
        }
    }
}

/// A search's order by relevance, lower first, written the same for both databases so that
/// both list a search's products in the same order: first how many of the `words` the title
/// lacks (a word in the title outweighs any number of them in the rest of the text), then the
/// title's length (of two titles that hold the words, the shorter is about little else).
///
/// It reads only the product's folded title (`search_title`, words of letters and digits
/// between single spaces; on PostgreSQL `select_ranked` carries it no other column), so a word
/// is in the title when a space and the word begin somewhere in `' ' || search_title`: a word,
/// or the start of one, as the index matched it. SQLite's `bm25` ranked before: on 100,051
/// products it doubled the cost of a two-word search, counting every match of each word in the
/// catalog to weigh the rarer one and looking up each match's length in the index, to order some
/// hundred products.
struct Relevance {
    words: Vec<String>,
    postgres: bool,
}

impl Relevance {
    /// The rank over `p`, its words added to `args`: only to the arguments of a statement that
    /// ranks. (A statement that left them unread would be prepared, on PostgreSQL, for as many
    /// arguments as the first search that ran it had words, and refuse a search with more.)
    fn sql(&self, args: &mut SqlArgs) -> String {
        // The same function by each database's name for it: `instr(text, part)`, `strpos(text, part)`.
        let (find, least) = if self.postgres { ("strpos", "LEAST") } else { ("instr", "MIN") };
        let title = "COALESCE(p.search_title, '')";
        let lacking: Vec<String> = self
            .words
            .iter()
            .map(|word| {
                format!("CASE WHEN {find}(' ' || {title}, {}) > 0 THEN 0 ELSE 1 END", args.text(format!(" {word}")))
            })
            .collect();
        // Titles are at most `TITLE_MAX` (120) characters; the bound keeps a length below one
        // word lacking whatever a row holds.
        format!("({}) * 1000 + {least}(length({title}), 999)", lacking.join(" + "))
    }
}

/// A sort order as the index it reads: one key and the id that breaks ties, in one direction.
#[derive(Clone, Copy)]
struct SortKeys {
    /// The key over table alias `{t}`.
    key: &'static str,
    descending: bool,
    /// How the key compares once it is a column of the page (PostgreSQL names by byte).
    collation: &'static str,
    /// For the orders whose key can change: the kind of value a cursor carries for them.
    cursor_key: Option<CursorKind>,
}

/// What kind of value a cursor carries for an order.
#[derive(Clone, Copy)]
enum CursorKind {
    /// A price, which is its own key.
    Price,
    /// A title, whose key (`key_of` with the value for `{v}`) is computed as the order computes
    /// a product's, so the two compare alike (case, collation).
    Title { key_of: &'static str },
}

impl SortKeys {
    fn of(sort: SortOrder, db: &Db) -> Self {
        let (key, descending, collation, cursor_key) = match (sort, db) {
            // Relevance without a search (or when only ids are wanted) is the newest first. A
            // product's creation time never changes, so a cursor needs no key of its own.
            (SortOrder::Relevance | SortOrder::Newest, _) => ("{t}.created_at", true, "", None),
            (SortOrder::PriceAsc, _) => ("{t}.price_cents", false, "", Some(CursorKind::Price)),
            (SortOrder::PriceDesc, _) => ("{t}.price_cents", true, "", Some(CursorKind::Price)),
            // The same order on both backends: SQLite compares bytes; PostgreSQL would otherwise
            // use the database's locale, which differs between servers. PostgreSQL reads the
            // lowercase title from a column it keeps (`title_key`, collation "C", migration 0011):
            // an index on the expression cannot be read without the rows.
            (SortOrder::Name, Db::Sqlite { .. }) => {
                ("lower({t}.title)", false, "", Some(CursorKind::Title { key_of: "lower({v})" }))
            }
            (SortOrder::Name, Db::Postgres(_)) => {
                let cursor_key = CursorKind::Title { key_of: "(lower({v}) COLLATE \"C\")" };
                ("{t}.title_key", false, " COLLATE \"C\"", Some(cursor_key))
            }
        };
        Self { key, descending, collation, cursor_key }
    }

    /// The key a cursor carries, if it is this order's kind.
    fn key_from_cursor(self, at: &SortValue, args: &mut SqlArgs) -> Option<String> {
        match (self.cursor_key?, at) {
            (CursorKind::Price, SortValue::Price(price)) => Some(args.int(price.0)),
            (CursorKind::Title { key_of }, SortValue::Title(title)) => {
                Some(key_of.replace("{v}", &args.text(title.as_str())))
            }
            _ => None,
        }
    }

    /// What a cursor carries for a product of this price and title: its key, if it can change.
    fn cursor_value(self, price: Money, title: String) -> Option<SortValue> {
        match self.cursor_key? {
            CursorKind::Price => Some(SortValue::Price(price)),
            CursorKind::Title { .. } => Some(SortValue::Title(title)),
        }
    }

    /// `ORDER BY` for table `p`, reversed when walking backwards from a cursor.
    fn order(self, backwards: bool) -> String {
        let direction = if self.descending != backwards { "DESC" } else { "ASC" };
        format!("{} {direction}, p.id {direction}", self.key.replace("{t}", "p"))
    }

    /// The strict and loose comparisons that select what lies beyond the anchor.
    fn comparison(self, backwards: bool) -> (&'static str, &'static str) {
        if self.descending != backwards {
            ("<", "<=")
        } else {
            (">", ">=")
        }
    }
}
