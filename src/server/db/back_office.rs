//! Reads for the admin back office: its tables, edit forms and dashboard.

use super::catalog::{decode_images, first_image, listing};
use super::{rfc3339, with_reader, Db, SqlArgs};
use crate::bind_all;
use crate::model::back_office::{
    CategoryRow, Dashboard, EditableProduct, ProductRow, RecentChange, UserRow, ADMIN_PAGE_SIZE,
};
use crate::model::{Category, Money, ProductQuery, Role, User};
use chrono::{DateTime, Utc};
use sqlx::FromRow;

/// How many recently changed products the dashboard lists.
const RECENT_CHANGES: i64 = 8;

#[derive(FromRow)]
struct ProductRowRecord {
    id: i64,
    title: String,
    slug: String,
    price_cents: i64,
    stock: i64,
    category_name: String,
    images: String,
    version: i64,
    updated_at: DateTime<Utc>,
}

/// One page of the products table and how many products match in all.
pub async fn select_product_table(db: &Db, query: &ProductQuery) -> sqlx::Result<(Vec<ProductRow>, u64)> {
    let total = listing::count_matching(db, query).await?;
    let mut args = SqlArgs::default();
    let (page, order) = listing::page_by_number(db, query, ADMIN_PAGE_SIZE, &mut args);
    let sql = format!(
        "WITH page AS ({page}) SELECT p.id, p.title, p.slug, p.price_cents, p.stock, c.name AS category_name, \
         p.images, p.version, p.updated_at FROM page JOIN products p ON p.id = page.id \
         JOIN categories c ON c.id = p.category_id ORDER BY {order}"
    );
    let records: Vec<ProductRowRecord> =
        with_reader!(db.reader(), pool => bind_all!(sqlx::query_as(&sql), args).fetch_all(pool).await)?;
    let rows = records
        .into_iter()
        .map(|r| ProductRow {
            id: r.id,
            title: r.title,
            slug: r.slug,
            price: Money(r.price_cents),
            stock: r.stock,
            category_name: r.category_name,
            image: first_image(&r.images).unwrap_or_default(),
            version: r.version,
            updated_at: rfc3339(r.updated_at),
        })
        .collect();
    Ok((rows, total as u64))
}

#[derive(FromRow)]
struct EditableRecord {
    id: i64,
    title: String,
    slug: String,
    description: String,
    price_cents: i64,
    stock: i64,
    category_id: i64,
    images: String,
    version: i64,
    updated_at: DateTime<Utc>,
    updated_by: Option<String>,
}

pub async fn select_editable_product(db: &Db, id: i64) -> sqlx::Result<Option<EditableProduct>> {
    let sql = "SELECT p.id, p.title, p.slug, p.description, p.price_cents, p.stock, p.category_id, p.images, \
               p.version, p.updated_at, u.name AS updated_by \
               FROM products p LEFT JOIN users u ON u.id = p.updated_by WHERE p.id = $1";
    let record: Option<EditableRecord> =
        with_reader!(db.reader(), pool => sqlx::query_as(sql).bind(id).fetch_optional(pool).await)?;
    Ok(record.map(|r| EditableProduct {
        id: r.id,
        title: r.title,
        slug: r.slug,
        description: r.description,
        price: Money(r.price_cents),
        stock: r.stock,
        category_id: r.category_id,
        images: decode_images(&r.images),
        version: r.version,
        updated_at: rfc3339(r.updated_at),
        updated_by: r.updated_by,
    }))
}

#[derive(FromRow)]
struct CategoryRecord {
    id: i64,
    name: String,
    slug: String,
    image: String,
    products: i64,
    version: i64,
    updated_at: DateTime<Utc>,
    updated_by: Option<String>,
}

/// Every category with how many products it holds; or only the one with `id`.
pub async fn select_category_rows(db: &Db, id: Option<i64>) -> sqlx::Result<Vec<CategoryRow>> {
    let sql = "SELECT c.id, c.name, c.slug, c.image, c.version, c.updated_at, u.name AS updated_by, \
               (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id) AS products \
               FROM categories c LEFT JOIN users u ON u.id = c.updated_by \
               WHERE $1 IS NULL OR c.id = $1 ORDER BY c.id";
    let records: Vec<CategoryRecord> =
        with_reader!(db.reader(), pool => sqlx::query_as(sql).bind(id).fetch_all(pool).await)?;
    Ok(records
        .into_iter()
        .map(|r| CategoryRow {
            category: Category { id: r.id, name: r.name, slug: r.slug, image: r.image },
            products: r.products as u64,
            version: r.version,
            updated_at: rfc3339(r.updated_at),
            updated_by: r.updated_by,
        })
        .collect())
}

#[derive(FromRow)]
struct UserRecord {
    id: i64,
    email: String,
    name: String,
    role: String,
    avatar: String,
    active: bool,
    created_at: DateTime<Utc>,
}

/// One page of users whose name or email contains `q` (any case), newest first.
pub async fn select_user_table(db: &Db, q: &str, page: u32) -> sqlx::Result<(Vec<UserRow>, u64)> {
    // LIKE wildcards typed into the search box are matched literally.
    let escaped = q.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let pattern = format!("%{escaped}%");
    let filter = "WHERE LOWER(name) LIKE $1 ESCAPE '\\' OR LOWER(email) LIKE $1 ESCAPE '\\'";
    let count = format!("SELECT COUNT(*) FROM users {filter}");
    let sql = format!(
        "SELECT id, email, name, role, avatar, active, created_at FROM users {filter} \
         ORDER BY id DESC LIMIT $2 OFFSET $3"
    );
    let offset = (i64::from(page.max(1)) - 1) * i64::from(ADMIN_PAGE_SIZE);
    // One connection for both statements.
    let (total, records): (i64, Vec<UserRecord>) = with_reader!(db.reader(), conn => {
        let total = sqlx::query_scalar(&count).bind(&pattern).fetch_one(&mut *conn).await?;
        let records =
            sqlx::query_as(&sql).bind(&pattern).bind(i64::from(ADMIN_PAGE_SIZE)).bind(offset).fetch_all(conn).await?;
        Ok::<_, sqlx::Error>((total, records))
    })?;
    let rows = records
        .into_iter()
        .map(|r| UserRow {
            user: User {
                id: r.id,
                email: r.email,
                name: r.name,
                role: Role::parse(&r.role).unwrap_or(Role::Customer),
                avatar: r.avatar,
            },
            active: r.active,
            created_at: rfc3339(r.created_at),
        })
        .collect();
    Ok((rows, total as u64))
}

#[derive(FromRow)]
struct Counts {
    products: i64,
    categories: i64,
    customers: i64,
    admins: i64,
    out_of_stock: i64,
}

#[derive(FromRow)]
struct RecentRecord {
    id: i64,
    title: String,
    updated_at: DateTime<Utc>,
    updated_by: Option<String>,
}

pub async fn select_dashboard(db: &Db) -> sqlx::Result<Dashboard> {
    let counts_sql = "SELECT (SELECT COUNT(*) FROM products) AS products, \
        (SELECT COUNT(*) FROM categories) AS categories, \
        (SELECT COUNT(*) FROM users WHERE role = 'customer' AND active) AS customers, \
        (SELECT COUNT(*) FROM users WHERE role = 'admin' AND active) AS admins, \
        (SELECT COUNT(*) FROM products WHERE stock = 0) AS out_of_stock";
    let per_category_sql = "SELECT c.name, COUNT(p.id) FROM categories c \
        LEFT JOIN products p ON p.category_id = c.id GROUP BY c.id, c.name ORDER BY c.id";
    let recent_sql = "SELECT p.id, p.title, p.updated_at, u.name AS updated_by \
        FROM products p LEFT JOIN users u ON u.id = p.updated_by ORDER BY p.updated_at DESC, p.id DESC LIMIT $1";
    let (counts, per_category, prices, recent) = with_reader!(db.reader(), conn => {
        let counts = sqlx::query_as::<_, Counts>(counts_sql).fetch_one(&mut *conn).await?;
        let per_category = sqlx::query_as::<_, (String, i64)>(per_category_sql).fetch_all(&mut *conn).await?;
        let prices = sqlx::query_scalar::<_, i64>("SELECT price_cents FROM products").fetch_all(&mut *conn).await?;
        let recent = sqlx::query_as::<_, RecentRecord>(recent_sql).bind(RECENT_CHANGES).fetch_all(&mut *conn).await?;
        Ok::<_, sqlx::Error>((counts, per_category, prices, recent))
    })?;
    Ok(Dashboard {
        products: counts.products as u64,
        categories: counts.categories as u64,
        customers: counts.customers as u64,
        admins: counts.admins as u64,
        out_of_stock: counts.out_of_stock as u64,
        per_category: per_category.into_iter().map(|(name, n)| (name, n as u64)).collect(),
        prices: prices.into_iter().map(Money).collect(),
        recent: recent
            .into_iter()
            .map(|r| RecentChange {
                id: r.id,
                title: r.title,
                updated_at: rfc3339(r.updated_at),
                updated_by: r.updated_by,
            })
            .collect(),
    })
}
