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
mod count;
mod page_ids;

pub use anchors::PageAnchors;
pub use count::count_matching;
pub(in crate::server::db) use page_ids::page_by_number;

use super::{SummaryRow, SUMMARY_COLUMNS};
use crate::bind_all;
use crate::model::{Cursor, CursorSide, ProductQuery, ProductSummary};
use crate::server::db::{with_reader, Db, SqlArgs};
use count::PricedPage;
use count::{count_expression, count_is_per_category, plan_price_range, price_range_needs_a_plan, statement_is_kept};
use page_ids::PageOfIds;

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
        if ids.is_ranked() {
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
