//! The ids of one page of a listing, as SQL: the part of a listing that touches many rows, and so
//! the part that must read an index. Written for the listing's filters, its order (the index it
//! reads, or the search's relevance) and the way the page is reached (by number, by cursor, or
//! from an anchor).

use super::anchors;
use crate::model::{Cursor, CursorSide, Money, ProductQuery, SortOrder, SortValue};
use crate::server::db::catalog::price_range;
use crate::server::db::{Db, SqlArgs};
use crate::server::text::search_key;

/// At most this many words of a search are used (each one narrows the result).
const MAX_SEARCH_WORDS: usize = 8;

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
pub(super) struct PageOfIds {
    /// Whether a search reads SQLite's full-text index, whose rowid is the product's id.
    full_text: bool,
    /// Whether a condition reads the products' own columns (a category or a price).
    filters_products: bool,
    conditions: Vec<String>,
    /// The search's order when the listing is ordered by relevance.
    rank: Option<Relevance>,
    pub(super) keys: SortKeys,
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
    pub(super) fn new(db: &Db, query: &ProductQuery, args: &mut SqlArgs) -> Self {
        Self::reading(db, query, None, args)
    }

    /// Whether the listing is a search ordered by relevance (read by `select_ranked`).
    pub(super) fn is_ranked(&self) -> bool {
        self.rank.is_some()
    }

    /// The same page with its price range read as `plan` says (SQLite; see `price_range`).
    pub(super) fn with_price_plan(db: &Db, query: &ProductQuery, plan: price_range::Plan, args: &mut SqlArgs) -> Self {
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
    pub(super) fn tables_and_filters(&self, extra: Option<String>, ids_only: bool) -> String {
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
    pub(super) fn by_number(&self, fetch: u32, offset: i64, args: &mut SqlArgs) -> String {
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
    pub(super) fn by_cursor(&self, cursor: &Cursor, fetch: u32, args: &mut SqlArgs) -> String {
        let anchor = args.int(cursor.id);
        // The page starts at the key the cursor carries (where the product stood when the link was
        // made), or else at the product's current key.
        let anchor_key = cursor.at.as_ref().and_then(|at| self.keys.key_from_cursor(at, args));
        let backwards = matches!(cursor.side, CursorSide::Before);
        self.beyond(&anchor, anchor_key, backwards, fetch, None, args)
    }

    /// `fetch` ids after `start`'s anchor (where it stood) and `skip` more, forwards: a deep
    /// page by number.
    pub(super) fn after_anchor(&self, start: &anchors::PageStart<'_>, fetch: u32, args: &mut SqlArgs) -> String {
        let anchor = args.int(start.id);
        let anchor_key = start.at.and_then(|at| self.keys.key_from_cursor(at, args));
        self.beyond(&anchor, anchor_key, false, fetch, Some(start.skip), args)
    }

    /// The index range beyond product `anchor` (a placeholder) in the direction of travel, at
    /// `anchor_key` or else at the product's current key: a scalar subquery, which both databases
    /// compute once and use as an index bound. The range is written `key >= k AND (key > k OR id >
    /// anchor)` rather than as a row comparison, because SQLite reads an index range only for the
    /// former. `skip`: that many ids of the range are passed over first.
    pub(super) fn beyond(
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
    pub(super) fn sort_column(&self, args: &mut SqlArgs) -> String {
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
    pub(super) fn display_order(&self) -> String {
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
pub(super) struct SortKeys {
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

    /// Whether the key can change (price, name), so that a cursor or an anchor carries it.
    pub(super) fn key_can_change(self) -> bool {
        self.cursor_key.is_some()
    }

    /// The key a cursor carries, if it is this order's kind.
    pub(super) fn key_from_cursor(self, at: &SortValue, args: &mut SqlArgs) -> Option<String> {
        match (self.cursor_key?, at) {
            (CursorKind::Price, SortValue::Price(price)) => Some(args.int(price.0)),
            (CursorKind::Title { key_of }, SortValue::Title(title)) => {
                Some(key_of.replace("{v}", &args.text(title.as_str())))
            }
            _ => None,
        }
    }

    /// What a cursor carries for a product of this price and title: its key, if it can change.
    pub(super) fn cursor_value(self, price: Money, title: String) -> Option<SortValue> {
        match self.cursor_key? {
            CursorKind::Price => Some(SortValue::Price(price)),
            CursorKind::Title { .. } => Some(SortValue::Title(title)),
        }
    }

    /// `ORDER BY` for table `p`, reversed when walking backwards from a cursor.
    pub(super) fn order(self, backwards: bool) -> String {
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
