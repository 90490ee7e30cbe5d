//! How many products a listing matches, read from what the database keeps where it can: the
//! counts per category, the counts per price band, and otherwise a count over the filter's index.
//! A price range that SQLite must be told how to read is counted first, and the count chooses.

use super::page_ids::PageOfIds;
use crate::bind_all;
use crate::model::{Money, ProductQuery, SortOrder};
use crate::server::db::catalog::{price_bands, price_range};
use crate::server::db::{with_reader, Db, SqlArgs};

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
pub(super) fn statement_is_kept(db: &Db, query: &ProductQuery) -> bool {
    !(matches!(db, Db::Postgres(_)) && query.is_price_range())
}

/// How many products match `query`, as an SQL expression: the kept per-category counts when
/// nothing but a category filters (the common case, and the one where an exact count would read
/// the whole catalog), the kept counts per price band for a price range (see `price_bands`),
/// otherwise a count over the filter's index.
pub(super) fn count_expression(db: &Db, query: &ProductQuery, args: &mut SqlArgs) -> String {
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
pub(super) fn count_is_per_category(query: &ProductQuery) -> bool {
    !query.is_search() && !query.is_price_range()
}

/// Whether SQLite must be told how to read the price range `query` filters by: when the listing is
/// ordered by something else, and no search reads its own index first (see `price_range`).
pub(super) fn price_range_needs_a_plan(db: &Db, query: &ProductQuery) -> bool {
    let by_price = matches!(query.sort, SortOrder::PriceAsc | SortOrder::PriceDesc);
    matches!(db, Db::Sqlite { .. }) && query.is_price_range() && !by_price && !query.is_search()
}

/// A listing's price range that SQLite must be told how to read, counted.
pub(super) enum PricedPage {
    /// Nothing to read: the range holds no product, or the page lies past its end.
    Empty(i64),
    /// The page's ids, written to read the range as its count says is cheaper, with their
    /// arguments and how many products the range holds.
    Planned { ids: PageOfIds, args: SqlArgs, total: i64 },
}

/// Counts `query`'s price range and chooses how to read the page that ends `wanted` matches into
/// the listing (see `price_range`). `offset`: where a page by number starts (none for a cursor's).
pub(super) async fn plan_price_range(
    db: &Db,
    query: &ProductQuery,
    wanted: i64,
    offset: Option<i64>,
) -> sqlx::Result<PricedPage> {
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
