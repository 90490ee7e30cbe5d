//! Catalog reads in the shape of the REST API (the Platzi Fake Store contract): whole products
//! with their category, in id order, filtered the way that API filters.

use super::decode_images;
use crate::bind_all;
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

#[derive(FromRow)]
struct ProductRecord {
    id: i64,
    title: String,
    slug: String,
    price_cents: i64,
    description: String,
    images: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    category_id: i64,
    category_name: String,
    category_slug: String,
    category_image: String,
    category_created_at: DateTime<Utc>,
    category_updated_at: DateTime<Utc>,
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

/// How one product is named in a lookup.
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    Id(i64),
    Slug(&'a str),
}

const PRODUCT_SELECT: &str = "SELECT p.id, p.title, p.slug, p.price_cents, p.description, p.images, p.created_at, \
     p.updated_at, c.id AS category_id, c.name AS category_name, c.slug AS category_slug, \
     c.image AS category_image, c.created_at AS category_created_at, c.updated_at AS category_updated_at \
     FROM products p JOIN categories c ON c.id = p.category_id";

pub async fn select_products(db: &Db, filter: &ProductFilter) -> sqlx::Result<Vec<ProductRecordFull>> {
    let mut args = SqlArgs::default();
    let mut conditions = Vec::new();
    if let Some(title) = &filter.title {
        // As upstream: a substring match, any case; `%` and `_` typed by the caller act as wildcards.
        // Both read a trigram index: FTS5's answers LIKE on its own table (and ignores case there).
        let pattern = args.text(format!("%{}%", title.to_lowercase()));
        conditions.push(match db {
            Db::Sqlite { .. } => {
                format!("p.id IN (SELECT rowid FROM products_title_trigrams WHERE title LIKE {pattern})")
            }
            Db::Postgres(_) => format!("LOWER(p.title) LIKE {pattern}"),
        });
    }
    // An exact price applies only when no bound is given (upstream's rule).
    match (filter.price, filter.price_min, filter.price_max) {
        (Some(price), None, None) => conditions.push(format!("p.price_cents = {}", args.int(price))),
        (_, min, max) => {
            if let Some(min) = min {
                conditions.push(format!("p.price_cents >= {}", args.int(min)));
            }
            if let Some(max) = max {
                conditions.push(format!("p.price_cents <= {}", args.int(max)));
            }
        }
    }
    // A slug wins over an id when both are sent (upstream's rule).
    match (&filter.category_slug, filter.category_id) {
        (Some(slug), _) => conditions.push(format!("c.slug = {}", args.text(slug.clone()))),
        (None, Some(id)) => conditions.push(format!("c.id = {}", args.int(id))),
        (None, None) => {}
    }
    let filter_sql = if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
    let page = match filter.limit {
        Some(limit) => format!(" LIMIT {} OFFSET {}", args.int(limit), args.int(filter.offset)),
        None => String::new(),
    };
    let sql = format!("{PRODUCT_SELECT}{filter_sql} ORDER BY p.id{page}");
    let rows: Vec<ProductRecord> =
        with_reader!(db.reader(), pool => bind_all!(sqlx::query_as(&sql), args).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(ProductRecordFull::from).collect())
}

pub async fn select_product(db: &Db, key: Key<'_>) -> sqlx::Result<Option<ProductRecordFull>> {
    let row: Option<ProductRecord> = match key {
        Key::Id(id) => {
            let sql = format!("{PRODUCT_SELECT} WHERE p.id = $1");
            with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?
        }
        Key::Slug(slug) => {
            let sql = format!("{PRODUCT_SELECT} WHERE p.slug = $1");
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
    let sql = format!("{PRODUCT_SELECT} WHERE p.category_id = $1 AND p.id <> $2 ORDER BY p.id LIMIT $3");
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
