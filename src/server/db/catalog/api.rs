//! Catalog reads in the shape of the REST API (the Platzi Fake Store contract): whole products
//! with their category, in id order, filtered the way that API filters.

use super::decode_images;
use super::price_bands;
use super::price_range::{self, Plan};
use crate::bind_all;
use crate::rows_by_position;
use crate::server::db::{with_reader, Db, SqlArgs};
use chrono::{DateTime, Utc};
use sqlx::FromRow;

// `Default` lets the API take a category out of its product record without copying it.
#[derive(FromRow, Debug, Clone, Default)]
pub struct CategoryRecord {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub image: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

rows_by_position! {
    /// A product with its category, over `products p` and `categories c`.
    struct ProductRecord {
        id: i64 = "p.id",
        title: String = "p.title",
        slug: String = "p.slug",
        price_cents: i64 = "p.price_cents",
        description: String = "p.description",
        images: String = "p.images",
        created_at: DateTime<Utc> = "p.created_at",
        updated_at: DateTime<Utc> = "p.updated_at",
        category_id: i64 = "c.id",
        category_name: String = "c.name",
        category_slug: String = "c.slug",
        category_image: String = "c.image",
        category_created_at: DateTime<Utc> = "c.created_at",
        category_updated_at: DateTime<Utc> = "c.updated_at",
    }
    const PRODUCT_COLUMNS;
}

/// A product with its category, as the API serialises it.
#[derive(Debug, Clone)]
pub struct ProductRecordFull {
    pub id: i64,
    pub title: String,
    pub slug: String,
    pub price_cents: i64,
    pub description: String,
    pub images: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub category: CategoryRecord,
}

impl From<ProductRecord> for ProductRecordFull {
    fn from(r: ProductRecord) -> Self {
        Self {
            id: r.id,
            title: r.title,
            slug: r.slug,
            price_cents: r.price_cents,
            description: r.description,
            images: decode_images(&r.images),
            created_at: r.created_at,
            updated_at: r.updated_at,
            category: CategoryRecord {
                id: r.category_id,
                name: r.category_name,
                slug: r.category_slug,
                image: r.category_image,
                created_at: r.category_created_at,
                updated_at: r.category_updated_at,
            },
        }
    }
}

/// The API's product filters, already checked. Prices are in cents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ProductFilter {
    pub title: Option<String>,
    pub price: Option<i64>,
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
    pub category_id: Option<i64>,
    pub category_slug: Option<String>,
    pub limit: Option<i64>,
    pub offset: i64,
}

impl ProductFilter {
    /// The prices asked for, least and most, in cents: an exact price is a range of that one
    /// price, and applies only when no bound is given (upstream's rule).
    fn price_bounds(&self) -> (Option<i64>, Option<i64>) {
        match (self.price, self.price_min, self.price_max) {
            (Some(price), None, None) => (Some(price), Some(price)),
            (_, min, max) => (min, max),
        }
    }
}

/// How one product is named in a lookup.
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    Id(i64),
    Slug(&'a str),
}

const WITH_CATEGORY: &str = "JOIN categories c ON c.id = p.category_id";

/// From this offset on, PostgreSQL finds a page's ids before it reads the rows. Nearer the front
/// the extra step costs more than the skipping it saves.
const DEEP_OFFSET: i64 = 1_000;

pub async fn select_products(db: &Db, filter: &ProductFilter) -> sqlx::Result<Vec<ProductRecordFull>> {
    // A price range SQLite must be told how to read is counted first (see `price_range`).
    let mut price_plan = None;
    if price_range_needs_a_plan(db, filter) {
        let (matching, listing) = count_price_range(db, filter).await?;
        let wanted = filter.offset.saturating_add(filter.limit.unwrap_or(i64::MAX));
        if matching == 0 || filter.offset >= matching {
            return Ok(Vec::new());
        }
        price_plan = Some(price_range::plan(matching, listing, wanted, price_range::Walk::TheTable));
    }
    let mut args = SqlArgs::default();
    let sql = page_of_products(db, filter, price_plan, &mut args);
    let rows: Vec<ProductRecord> =
        with_reader!(db.reader(), pool => bind_all!(sqlx::query_as(&sql), args).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(ProductRecordFull::from).collect())
}

/// The statement that reads the filter's page, its price range read as `price_plan` says.
fn page_of_products(db: &Db, filter: &ProductFilter, price_plan: Option<Plan>, args: &mut SqlArgs) -> String {
    let conditions = Conditions::of(db, filter, price_plan, args);
    let products = price_plan.map_or("products p", |plan| plan.products(conditions.category.is_some()));
    let filters = where_clause(&conditions.all());
    let page = match filter.limit {
        Some(limit) => format!(" LIMIT {} OFFSET {}", args.int(limit), args.int(filter.offset)),
        None => String::new(),
    };
    if filter.offset < DEEP_OFFSET || matches!(db, Db::Sqlite { .. }) {
        return format!("SELECT {PRODUCT_COLUMNS} FROM {products} {WITH_CATEGORY}{filters} ORDER BY p.id{page}");
    }
    // A deep page on PostgreSQL is found as ids first, and only its rows are read and joined:
    // each product skipped costs an index entry (an index-only scan). Of 100,000 products,
    // `offset=90000` took 58 ms joined, 7 ms so. Every condition is on the product's own columns,
    // so the ids need no category. SQLite skips rows without reading them anyway, and given the
    // ids alone to find it chose a smaller index and sorted it all (30 ms became 56).
    let ids = format!("SELECT p.id FROM {products}{filters} ORDER BY p.id{page}");
    format!(
        "WITH page AS ({ids}) SELECT {PRODUCT_COLUMNS} FROM page JOIN products p ON p.id = page.id \
         {WITH_CATEGORY} ORDER BY p.id"
    )
}

/// The filter's conditions over `products p`, in three kinds: the title (a search of its index),
/// the price range, and the category.
struct Conditions {
    title: Option<String>,
    price: Vec<String>,
    /// The category's id, as a placeholder or a subquery.
    category: Option<String>,
    /// For a category named by slug: that it exists. Both databases test a condition that names
    /// no product once, before reading any; PostgreSQL, which cannot know the subquery's id when
    /// it plans, otherwise walked all 100,000 products in id order looking for a slug that names
    /// none (34 ms).
    slug_exists: Option<String>,
}

impl Conditions {
    /// `price_plan`: how SQLite is to read the price range, if it is told (see `price_range`).
    fn of(db: &Db, filter: &ProductFilter, price_plan: Option<Plan>, args: &mut SqlArgs) -> Self {
        // As upstream: a substring match, any case; `%` and `_` typed by the caller act as wildcards.
        // The pattern in lower case against the title in lower case (`title_lower`, lowered as
        // this is, for every letter: neither database's own LIKE or `lower()` can be relied on
        // past ASCII). Both read a trigram index of it: FTS5's answers LIKE on its own table.
        let title = filter.title.as_ref().map(|title| {
            let pattern = args.text(format!("%{}%", title.to_lowercase()));
            match db {
                Db::Sqlite { .. } => {
                    format!("p.id IN (SELECT rowid FROM products_title_trigrams WHERE title_lower LIKE {pattern})")
                }
                Db::Postgres(_) => format!("p.title_lower LIKE {pattern}"),
            }
        });
        let price_column = price_plan.map_or("p.price_cents", Plan::price_column);
        let price = match filter.price_bounds() {
            (Some(min), Some(max)) if min == max => vec![format!("{price_column} = {}", args.int(min))],
            (min, max) => {
                let min = min.map(|min| format!("{price_column} >= {}", args.int(min)));
                let max = max.map(|max| format!("{price_column} <= {}", args.int(max)));
                min.into_iter().chain(max).collect()
            }
        };
        // A slug wins over an id when both are sent (upstream's rule). Compared with the product's
        // own column, so that counting needs no join.
        let (category, slug_exists) = match (&filter.category_slug, filter.category_id) {
            (Some(slug), _) => {
                let slug = args.text(slug.clone());
                let id = format!("(SELECT id FROM categories WHERE slug = {slug})");
                (Some(id), Some(format!("EXISTS (SELECT 1 FROM categories WHERE slug = {slug})")))
            }
            (None, Some(id)) => (Some(args.int(id)), None),
            (None, None) => (None, None),
        };
        Self { title, price, category, slug_exists }
    }

    fn all(&self) -> Vec<String> {
        let category = self.category.as_ref().map(|id| format!("p.category_id = {id}"));
        let conditions = self.title.iter().chain(&self.price).chain(&self.slug_exists).cloned();
        conditions.chain(category).collect()
    }
}

fn where_clause(conditions: &[String]) -> String {
    match conditions.is_empty() {
        true => String::new(),
        false => format!(" WHERE {}", conditions.join(" AND ")),
    }
}

/// Whether SQLite must be told how to read the filter's price range: whenever there is one and
/// no title search narrows the products first (the list is always in id order).
fn price_range_needs_a_plan(db: &Db, filter: &ProductFilter) -> bool {
    let priced = filter.price.is_some() || filter.price_min.is_some() || filter.price_max.is_some();
    matches!(db, Db::Sqlite { .. }) && priced && filter.title.is_none()
}

/// How many products the filter matches, and how many its category holds (or the catalog, with no
/// category): the first count from the kept counts per price band and the products of the bands
/// the range's ends cut (see `price_bands`), the second from the kept counts per category.
async fn count_price_range(db: &Db, filter: &ProductFilter) -> sqlx::Result<(i64, i64)> {
    let mut args = SqlArgs::default();
    let (min, max) = filter.price_bounds();
    let category = Conditions::of(db, filter, None, &mut args).category;
    let matching =
        price_bands::count_in_range((min, max), category.as_deref(), &mut args, |price_min, price_max, args| {
            let part = ProductFilter { price: None, price_min, price_max, ..filter.clone() };
            let conditions = Conditions::of(db, &part, None, args);
            format!("SELECT COUNT(*) FROM products p{}", where_clause(&conditions.all()))
        });
    let kept = match &category {
        Some(id) => format!(" WHERE category_id = {id}"),
        None => String::new(),
    };
    let sql = format!(
        "SELECT CAST(({matching}) AS BIGINT), CAST((SELECT COALESCE(SUM(products), 0) FROM product_counts{kept}) AS BIGINT)"
    );
    with_reader!(db.reader(), pool => bind_all!(sqlx::query_as(&sql), args).fetch_one(pool).await)
}

pub async fn select_product(db: &Db, key: Key<'_>) -> sqlx::Result<Option<ProductRecordFull>> {
    let row: Option<ProductRecord> = match key {
        Key::Id(id) => {
            let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products p {WITH_CATEGORY} WHERE p.id = $1");
            with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?
        }
        Key::Slug(slug) => {
            let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products p {WITH_CATEGORY} WHERE p.slug = $1");
            with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(slug).fetch_optional(pool).await)?
        }
    };
    Ok(row.map(ProductRecordFull::from))
}

/// The first `limit` other products of the product's category, in id order; `None` when the
/// product does not exist.
pub async fn select_related_to(db: &Db, key: Key<'_>, limit: i64) -> sqlx::Result<Option<Vec<ProductRecordFull>>> {
    let Some(product) = select_product(db, key).await? else {
        return Ok(None);
    };
    let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products p {WITH_CATEGORY} WHERE p.category_id = $1 AND p.id <> $2 ORDER BY p.id LIMIT $3");
    let rows: Vec<ProductRecord> = with_reader!(db.reader(), pool => sqlx::query_as(&sql)
        .bind(product.category.id).bind(product.id).bind(limit).fetch_all(pool).await)?;
    Ok(Some(rows.into_iter().map(ProductRecordFull::from).collect()))
}

const CATEGORY_SELECT: &str = "SELECT id, name, slug, image, created_at, updated_at FROM categories";

pub async fn select_categories(db: &Db, limit: Option<i64>) -> sqlx::Result<Vec<CategoryRecord>> {
    let sql = format!("{CATEGORY_SELECT} ORDER BY id LIMIT $1");
    // Without a limit, every category: -1 means "no limit" to SQLite, so use the largest count instead.
    let limit = limit.unwrap_or(i64::MAX);
    with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(limit).fetch_all(pool).await)
}

pub async fn select_category(db: &Db, key: Key<'_>) -> sqlx::Result<Option<CategoryRecord>> {
    match key {
        Key::Id(id) => {
            let sql = format!("{CATEGORY_SELECT} WHERE id = $1");
            with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)
        }
        Key::Slug(slug) => {
            let sql = format!("{CATEGORY_SELECT} WHERE slug = $1");
            with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(slug).fetch_optional(pool).await)
        }
    }
}
