//! Where the deep pages of a listing begin, so that a page by number costs what page 1 does.
//!
//! An index knows no positions: `OFFSET 60000` walks 60,000 of its entries, and reading from the
//! nearer end only halves the worst case. So for a listing whose count the database keeps (the
//! whole catalog or one category, in one sort order), every [`STEP`]th product is kept here, found
//! in one walk of the listing: its id and, in the orders whose key can change (price, name), its
//! key then. Page n then starts at the nearest of them before it, exactly as a Next link's cursor
//! does (where that product stood, wherever it is now), and skips fewer than [`STEP`] products
//! (more only past the last anchor of a walk cut short on SQLite, see [`walk_in_hops`]). A "walk"
//! is the finding of one listing's anchors: hops through its index on SQLite, one statement that
//! numbers it on PostgreSQL.
//!
//! These are not answers, only where pages begin: the page itself is always read from the
//! database, and they are kept even with the caches off. They are found again after this node
//! changes the catalog (a walk that was under way then does not count), when the listing's kept
//! count no longer matches the one read before the walk (another process added or removed
//! products), when a page read from one comes back empty (in the newest-first order, its product
//! is gone), and at least every [`MAX_AGE`]: until then, a product another process reprices,
//! renames or replaces moves the pages after it by a row. Their keys are bounded by the catalog (a
//! sort order and an existing category with more than [`super::DEEP_OFFSET`] products), their
//! bytes by [`MAX_BYTES`].

use super::page_ids::{PageOfIds, SortKeys};
use crate::bind_all;
use crate::model::{Money, ProductQuery, SortOrder, SortValue};
use crate::server::db::{with_reader, Db, SqlArgs};
use moka::ops::compute::Op;
use std::sync::atomic::{AtomicU64, Ordering};
use std::{sync::Arc, time::Duration};

/// How many products lie between two anchors: at most this many are skipped to reach a page.
pub(super) const STEP: i64 = 256;
/// How long anchors are trusted without a change on this node (see the module comment).
const MAX_AGE: Duration = Duration::from_secs(60);
/// One listing's anchors at most: pages past the last (4 million products in) skip more.
const MAX_ANCHORS: usize = 16_384;
/// Every listing's anchors together: a million products in one order are 3,906 of them.
const MAX_BYTES: u64 = 4 * 1024 * 1024;
/// Walks at once, over all listings: each holds a database connection for its whole length (a
/// second or more for a million products: 2.3 s by name on PostgreSQL, which sorts them all), and
/// the rest of the store needs the others. A listing whose walk cannot start now has its page read
/// from the front.
const MAX_WALKS: usize = 2;
/// How long PostgreSQL may number one listing before it gives up (the page is then read from the
/// front). A million products by name took 2.3 s on the test machine; the request itself is cut
/// off at 30 s, but a statement whose client has gone keeps running on the server.
const WALK_TIMEOUT_MS: u32 = 10_000;

/// The anchors of every listing read deeply since the catalog last changed.
pub struct PageAnchors {
    kept: moka::future::Cache<AnchorKey, Arc<Anchors>>,
    /// Moved on by every change this node makes: anchors found before it are not used.
    generation: AtomicU64,
    /// How many walks have found anchors (a running total, for tests and metrics).
    walks: AtomicU64,
    walking: tokio::sync::Semaphore,
}

/// A listing whose count is kept: its order and its category, if any.
#[derive(Clone, PartialEq, Eq, Hash)]
struct AnchorKey {
    sort: SortOrder,
    category: Option<String>,
}

/// The products at positions `STEP - 1`, `2 * STEP - 1`, … of a listing of `total` products (the
/// count read just before the walk), as one walk found them during `generation`.
struct Anchors {
    generation: u64,
    total: i64,
    products: Box<[Anchor]>,
}

struct Anchor {
    id: i64,
    /// Its key in the listing's order when the order's key can change.
    at: Option<SortValue>,
}

/// Where a page begins: after `anchor` (where it stood), skipping `skip` more products.
pub(super) struct PageStart<'a> {
    pub id: i64,
    pub at: Option<&'a SortValue>,
    pub skip: i64,
}

impl Default for PageAnchors {
    fn default() -> Self {
        let kept = moka::future::Cache::builder()
            .time_to_live(MAX_AGE)
            .max_capacity(MAX_BYTES)
            .weigher(|key: &AnchorKey, anchors: &Arc<Anchors>| {
                let titles: usize = anchors
                    .products
                    .iter()
                    .map(|anchor| match &anchor.at {
                        Some(SortValue::Title(title)) => title.len(),
                        _ => 0,
                    })
                    .sum();
                let bytes = key.category.as_ref().map_or(0, String::len)
                    + std::mem::size_of::<Anchor>() * anchors.products.len()
                    + titles;
                crate::server::cache::weight(bytes)
            })
            .build();
        Self {
            kept,
            generation: AtomicU64::new(0),
            walks: AtomicU64::new(0),
            walking: tokio::sync::Semaphore::new(MAX_WALKS),
        }
    }
}

impl PageAnchors {
    /// Forgets every listing's anchors, including any a walk under way is about to keep: the
    /// catalog changed.
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.kept.invalidate_all();
    }

    /// How many walks have found anchors since the server started.
    pub fn walks(&self) -> u64 {
        self.walks.load(Ordering::Relaxed)
    }

    /// The anchors of `query`'s listing (`total` products), found now if those kept no longer
    /// describe it; `None` when they cannot be found now (an error, or walks already under way for
    /// other listings), or changed during the walk: the page is then walked to from the front.
    pub(super) async fn for_listing(
        &self,
        db: &Db,
        query: &ProductQuery,
        ids: &PageOfIds,
        filter_args: &SqlArgs,
        total: i64,
    ) -> Option<ListingAnchors> {
        // One request at a time per listing checks what is kept and, if it is out of date, walks:
        // requests that waited meanwhile find the new anchors instead of walking again.
        let computed = self
            .kept
            .entry(AnchorKey::of(query))
            .and_try_compute_with(|kept| async move {
                if kept.is_some_and(|kept| self.describe(kept.value(), total)) {
                    return Ok(Op::Nop);
                }
                let Ok(_walk) = self.walking.try_acquire() else {
                    return Ok(Op::Nop);
                };
                self.find(db, ids, filter_args.clone(), total).await.map(Op::Put)
            })
            .await;
        let anchors = match computed {
            Ok(computed) => computed.into_entry()?.into_value(),
            Err(error) => {
                tracing::warn!(%error, "finding a listing's page anchors failed; walking to the page instead");
                return None;
            }
        };
        // Out of date already if this node changed the catalog while the walk ran.
        self.describe(&anchors, total).then_some(ListingAnchors(anchors))
    }

    /// The anchors kept for `query`'s listing, if this node has not changed the catalog since they
    /// were found, and the count they were found for: a page read from them stands only if the
    /// listing still has that many products.
    pub(super) async fn kept_for(&self, query: &ProductQuery) -> Option<(ListingAnchors, i64)> {
        let anchors = self.kept.get(&AnchorKey::of(query)).await?;
        let total = anchors.total;
        self.found_since_last_change(&anchors).then_some((ListingAnchors(anchors), total))
    }

    /// Whether `anchors` describe the listing as it is: found since this node last changed the
    /// catalog, for the count it has now.
    fn describe(&self, anchors: &Anchors, total: i64) -> bool {
        self.found_since_last_change(anchors) && anchors.total == total
    }

    /// Whether `anchors` were found since this node last changed the catalog ([`Self::forget_all`]).
    fn found_since_last_change(&self, anchors: &Anchors) -> bool {
        anchors.generation == self.generation.load(Ordering::SeqCst)
    }

    /// Forgets `query`'s anchors: one of them no longer leads anywhere.
    pub(super) async fn forget(&self, query: &ProductQuery) {
        self.kept.invalidate(&AnchorKey::of(query)).await;
    }

    /// One walk of the listing in its order, keeping every `STEP`th product, in the way each
    /// database does it fastest: hops on SQLite ([`walk_in_hops`]), one statement that numbers
    /// the listing on PostgreSQL ([`number_in_one_statement`]).
    async fn find(&self, db: &Db, ids: &PageOfIds, filter_args: SqlArgs, total: i64) -> sqlx::Result<Arc<Anchors>> {
        let generation = self.generation.load(Ordering::SeqCst);
        self.walks.fetch_add(1, Ordering::Relaxed);
        let products = match db {
            Db::Sqlite { .. } => walk_in_hops(db, ids, filter_args).await?,
            Db::Postgres(pool) => number_in_one_statement(pool, ids, filter_args).await?,
        };
        Ok(Arc::new(Anchors { generation, total, products: products.into_boxed_slice() }))
    }
}

/// SQLite: a hop of `STEP` index entries from each anchor to the next, as a deep page would skip
/// them, on one connection. Numbering the whole listing in one statement (a window over it) took
/// 250 to 500 ms for 100,000 products, which SQLite first copied into a temporary table; the hops
/// took a tenth of that.
async fn walk_in_hops(db: &Db, ids: &PageOfIds, filter_args: SqlArgs) -> sqlx::Result<Vec<Anchor>> {
    let keys: SortKeys = ids.keys;
    let mut products: Vec<Anchor> = Vec::new();
    with_reader!(db.reader(), conn => {
        while products.len() < MAX_ANCHORS {
            let mut args = filter_args.clone();
            let hop = match products.last() {
                None => ids.by_number(1, STEP - 1, &mut args),
                Some(last) => {
                    // From where the last anchor stood when read, not where another process
                    // may have moved it since (a creation time never moves).
                    let anchor = args.int(last.id);
                    let stood = last.at.as_ref().and_then(|at| keys.key_from_cursor(at, &mut args));
                    ids.beyond(&anchor, stood, false, 1, Some(STEP - 1), &mut args)
                }
            };
            let sql = anchor_rows(keys, &hop, "hop");
            let next: Option<(i64, i64, String)> =
                bind_all!(sqlx::query_as(&sql), args).fetch_optional(&mut *conn).await?;
            // Past the end of the listing; or, newest first, the last anchor's product deleted
            // since it was read: the walk is cut short, and the pages past its last anchor
            // skip more entries until the anchors are found again.
            let Some((id, price, title)) = next else { break };
            products.push(Anchor { id, at: keys.cursor_value(Money(price), title) });
        }
        Ok::<(), sqlx::Error>(())
    })?;
    Ok(products)
}

/// PostgreSQL: the listing numbered by one window over its index order, keeping every `STEP`th
/// row. Each hop there is a round trip (390 of them for 100,000 products took 0.2 to 0.4 s); the
/// window reads the same index once, and every anchor comes from one snapshot of the catalog.
async fn number_in_one_statement(
    pool: &sqlx::PgPool,
    ids: &PageOfIds,
    filter_args: SqlArgs,
) -> sqlx::Result<Vec<Anchor>> {
    let keys: SortKeys = ids.keys;
    let numbered = format!(
        "SELECT p.id, ROW_NUMBER() OVER (ORDER BY {}) AS position FROM {}",
        keys.order(false),
        ids.tables_and_filters(None, false)
    );
    let sql = format!(
        "{} WHERE numbered.position % {STEP} = 0 ORDER BY numbered.position LIMIT {MAX_ANCHORS}",
        anchor_rows(keys, &numbered, "numbered")
    );
    // `SET LOCAL` lasts until the transaction ends: the connection goes back to the pool without
    // the limit.
    let mut transaction = pool.begin().await?;
    sqlx::query(&format!("SET LOCAL statement_timeout = {WALK_TIMEOUT_MS}")).execute(&mut *transaction).await?;
    let rows: Vec<(i64, i64, String)> =
        bind_all!(sqlx::query_as(&sql), filter_args).fetch_all(&mut *transaction).await?;
    transaction.commit().await?;
    Ok(rows.into_iter().map(|(id, price, title)| Anchor { id, at: keys.cursor_value(Money(price), title) }).collect())
}

/// `SELECT` of each anchor's id, price and title from the ids that `ids` (named `alias`) yields.
/// Only an order whose key can change keeps the anchor's key, read from its product's row; newest
/// first, the products are not read at all.
fn anchor_rows(keys: SortKeys, ids: &str, alias: &str) -> String {
    if keys.key_can_change() {
        format!(
            "SELECT found.id, found.price_cents, found.title FROM ({ids}) AS {alias} \
             JOIN products found ON found.id = {alias}.id"
        )
    } else {
        format!("SELECT {alias}.id, CAST(0 AS BIGINT), '' FROM ({ids}) AS {alias}")
    }
}

/// One listing's anchors, as found for one request.
pub(super) struct ListingAnchors(Arc<Anchors>);

impl ListingAnchors {
    /// Where the page whose first product is at `offset` begins: after the last anchor before it.
    /// `None` when no anchor lies before it.
    pub(super) fn page_start(&self, offset: i64) -> Option<PageStart<'_>> {
        let steps = usize::try_from(offset / STEP).ok()?.min(self.0.products.len());
        let anchor = &self.0.products[steps.checked_sub(1)?];
        Some(PageStart { id: anchor.id, at: anchor.at.as_ref(), skip: offset - steps as i64 * STEP })
    }
}

impl AnchorKey {
    fn of(query: &ProductQuery) -> Self {
        // Without a search, relevance is the newest first.
        let sort = match query.sort {
            SortOrder::Relevance => SortOrder::Newest,
            sort => sort,
        };
        Self { sort, category: query.category.clone() }
    }
}
