//! The catalog aggregate: categories and products. This file holds the storefront's reads, what
//! every face shares (how images are stored) and the demo's bulk insert; the REST API's reads
//! (`api`) and every change (`writes`) have their own files.

pub mod api;
pub mod listing;
mod price_bands;
mod price_range;
pub mod search_titles;
pub mod sitemap;
pub mod writes;

use super::{with_pool, with_reader, Db};
use crate::model::{Category, Money, Product, ProductSummary};
use crate::rows_by_position;
use crate::server::text::search_key;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

rows_by_position! {
    struct CategoryRow {
        id: i64 = "id",
        name: String = "name",
        slug: String = "slug",
        image: String = "image",
    }
    const CATEGORY_COLUMNS;
}

impl From<CategoryRow> for Category {
    fn from(row: CategoryRow) -> Self {
        Category { id: row.id, name: row.name, slug: row.slug, image: row.image }
    }
}

rows_by_position! {
    /// A product card's row, over `products p` and `categories c`.
    struct SummaryRow {
        id: i64 = "p.id",
        title: String = "p.title",
        slug: String = "p.slug",
        price_cents: i64 = "p.price_cents",
        images: String = "p.images",
        stock: i64 = "p.stock",
        category_name: String = "c.name",
    }
    const SUMMARY_COLUMNS;
}

impl From<SummaryRow> for ProductSummary {
    fn from(row: SummaryRow) -> Self {
        ProductSummary {
            id: row.id,
            title: row.title,
            slug: row.slug,
            price: Money(row.price_cents),
            image: card_image(&row.images),
            category_name: row.category_name,
            in_stock: row.stock > 0,
        }
    }
}

rows_by_position! {
    /// A product page's row, over `products p` and `categories c`.
    struct ProductRow {
        id: i64 = "p.id",
        title: String = "p.title",
        slug: String = "p.slug",
        description: String = "p.description",
        price_cents: i64 = "p.price_cents",
        images: String = "p.images",
        stock: i64 = "p.stock",
        updated_at: DateTime<Utc> = "p.updated_at",
        category_id: i64 = "c.id",
        category_name: String = "c.name",
        category_slug: String = "c.slug",
        category_image: String = "c.image",
    }
    const PRODUCT_COLUMNS;
}

impl From<ProductRow> for Product {
    fn from(row: ProductRow) -> Self {
        Product {
            id: row.id,
            title: row.title,
            slug: row.slug,
            description: row.description,
            price: Money(row.price_cents),
            images: decode_images(&row.images),
            category: Category {
                id: row.category_id,
                name: row.category_name,
                slug: row.category_slug,
                image: row.category_image,
            },
            stock: row.stock,
            updated_at: super::rfc3339(row.updated_at),
        }
    }
}

/// A related product's card, from the product page's row it came in (see [`select_product_page`]).
impl From<ProductRow> for ProductSummary {
    fn from(row: ProductRow) -> Self {
        let ProductRow { id, title, slug, price_cents, images, stock, category_name, .. } = row;
        ProductSummary::from(SummaryRow { id, title, slug, price_cents, images, stock, category_name })
    }
}

/// A row of [`select_product_page`]: the product itself, or one of its related products.
#[derive(FromRow)]
struct ProductPageRow {
    #[sqlx(flatten)]
    product: ProductRow,
    related: bool,
}

/// Image lists are stored as a JSON array of URLs; a damaged value shows no images rather than failing the page.
pub(in crate::server::db) fn decode_images(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_else(|e| {
        warn_unreadable_images(&e);
        Vec::new()
    })
}

fn warn_unreadable_images(error: &serde_json::Error) {
    tracing::warn!(%error, "product images column is not a JSON array of strings");
}

/// The first of a product's stored images, read without building the others: cards, cart lines
/// and the back office's list show only that one. On a listing page, decoding whole lists took
/// 2.4 % of the request's instructions, this takes 1.9 % (callgrind; most of it is reading past
/// the other images, which must still be well-formed).
pub(in crate::server::db) fn first_image(json: &str) -> Option<String> {
    struct First;
    impl<'de> serde::de::Visitor<'de> for First {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON array of strings")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let first = seq.next_element::<String>()?;
            // The rest must still be well-formed JSON, but is not decoded.
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok(first)
        }
    }
    let mut reader = serde_json::Deserializer::from_str(json);
    let first = serde::Deserializer::deserialize_seq(&mut reader, First).and_then(|first| reader.end().map(|()| first));
    first.unwrap_or_else(|e| {
        warn_unreadable_images(&e);
        None
    })
}

/// The image a product card shows: the first image as stored (the service swaps an upload for
/// its thumbnail).
fn card_image(images_json: &str) -> String {
    first_image(images_json).unwrap_or_default()
}

pub fn encode_images(urls: &[String]) -> String {
    serde_json::to_string(urls).expect("a list of strings always serialises")
}

pub async fn select_categories(db: &Db) -> sqlx::Result<Vec<Category>> {
    let sql = format!("SELECT {CATEGORY_COLUMNS} FROM categories ORDER BY id");
    let rows: Vec<CategoryRow> = with_reader!(db.reader(), pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(Category::from).collect())
}

/// The product whose slug is `slug` and up to `related` other products of its category, newest
/// first: `None` when no product has that slug.
///
/// One statement, not one for the product and one for the others: on SQLite every statement is a
/// round trip to its connection's thread, and on a busy core each costs two context switches,
/// about a sixth of an uncached product page's time (perf). The related products' rows carry a
/// description the page does not show; four of them are cheaper than a round trip.
///
/// Their number is written into the statement (a number of ours): with a LIMIT parameter,
/// PostgreSQL planned the statement afresh on every run (0.44 ms of planning on 100,000
/// products), unable to tell how much its plan would read; written out, it keeps one plan.
pub async fn select_product_page(
    db: &Db,
    slug: &str,
    related: i64,
) -> sqlx::Result<Option<(Product, Vec<ProductSummary>)>> {
    let sql = format!(
        "SELECT {PRODUCT_COLUMNS}, FALSE AS related, p.created_at AS listed_at, p.id AS listed_id \
         FROM products p JOIN categories c ON c.id = p.category_id WHERE p.slug = $1 \
         UNION ALL \
         SELECT * FROM (SELECT {PRODUCT_COLUMNS}, TRUE, p.created_at, p.id \
         FROM products p JOIN categories c ON c.id = p.category_id \
         WHERE p.category_id = (SELECT category_id FROM products WHERE slug = $1) AND p.slug <> $1 \
         ORDER BY p.created_at DESC, p.id DESC LIMIT {related}) AS others \
         ORDER BY related, listed_at DESC, listed_id DESC"
    );
    let rows: Vec<ProductPageRow> =
        with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(slug).fetch_all(pool).await)?;
    let mut rows = rows.into_iter();
    // The product's own row sorts first; without it, there is no such product (and no others).
    let Some(first) = rows.next().filter(|row| !row.related) else { return Ok(None) };
    Ok(Some((Product::from(first.product), rows.map(|row| ProductSummary::from(row.product)).collect())))
}

/// The newest products across the catalog. The LIMIT is written out (a number of ours) so that
/// PostgreSQL keeps one plan, as for [`select_product_page`].
pub async fn select_newest(db: &Db, limit: i64) -> sqlx::Result<Vec<ProductSummary>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM products p JOIN categories c ON c.id = p.category_id \
         ORDER BY p.created_at DESC, p.id DESC LIMIT {limit}"
    );
    let rows: Vec<SummaryRow> = with_reader!(db.reader(), pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(ProductSummary::from).collect())
}

/// A category to insert.
pub struct NewCategory<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub image: &'a str,
    pub at: DateTime<Utc>,
}

/// A product to insert, naming its category by slug.
pub struct NewProduct<'a> {
    pub title: &'a str,
    pub slug: &'a str,
    pub description: &'a str,
    pub price: Money,
    pub stock: i64,
    pub category_slug: &'a str,
    pub images: Vec<String>,
    pub at: DateTime<Utc>,
}

/// Inserts the categories and products whose slugs are not taken yet, all in one transaction.
/// Returns how many of each were new.
pub async fn insert_catalog(
    db: &Db,
    categories: &[NewCategory<'_>],
    products: &[NewProduct<'_>],
) -> sqlx::Result<(u64, u64)> {
    const INSERT_CATEGORY: &str = "INSERT INTO categories (name, slug, image, created_at, updated_at) \
        VALUES ($1, $2, $3, $4, $4) ON CONFLICT (slug) DO NOTHING";
    const INSERT_PRODUCT: &str = "INSERT INTO products \
        (title, slug, description, price_cents, stock, category_id, images, search_title, search_text, created_at, \
         updated_at, title_lower) \
        SELECT $1, $2, $3, $4, $5, id, $6, $7, $8, $9, $9, $11 FROM categories WHERE slug = $10 \
        ON CONFLICT (slug) DO NOTHING";
    with_pool!(db.writer(), pool => {
        let mut tx = pool.begin().await?;
        let mut new_categories = 0;
        for c in categories {
            new_categories += sqlx::query(INSERT_CATEGORY)
                .bind(c.name).bind(c.slug).bind(c.image).bind(c.at)
                .execute(&mut *tx).await?.rows_affected();
        }
        let mut new_products = 0;
        for p in products {
            new_products += sqlx::query(INSERT_PRODUCT)
                .bind(p.title).bind(p.slug).bind(p.description).bind(p.price.cents()).bind(p.stock)
                .bind(encode_images(&p.images))
                .bind(search_key(p.title))
                .bind(search_key(&format!("{} {}", p.title, p.description)))
                .bind(p.at)
                .bind(p.category_slug)
                .bind(p.title.to_lowercase())
                .execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok((new_categories, new_products))
    })
}

/// After many products were added at once: on PostgreSQL, fresh planner statistics, a visibility
/// map that lets listings read their index alone, and the search index's pending entries merged
/// (a GIN index queues new rows, and every search scans the queue until a vacuum), and the kept
/// per-category counts rewritten to the few rows they are. On SQLite, the
/// search index merged into one segment: inserted in batches, it is left in many, and every search
/// looks each word up in each of them (ranked searches at 100,000 products took about a quarter
/// longer); FTS5 merges further only while rows are written, so a catalog that is mostly read would
/// stay that way. PostgreSQL's autovacuum gets there by itself, later; a demo catalog should be fast
/// from its first request. SQLite gets no statistics (`ANALYZE`), on purpose. With them it read
/// broad price ranges well (a price filter over 100,000 products went from 243 to 6 ms), but on a
/// small catalog it chose to read every row and sort rather than walk an index to the page (the
/// uncached API list of the demo catalog lost a quarter), and with STAT4 samples (the bundled
/// SQLite keeps them) it compiled again every statement whose bound value met an analysed index.
/// A price range is read the way its count says is cheaper instead (`price_range`).
pub async fn settle_after_bulk_insert(db: &Db) -> sqlx::Result<()> {
    match db {
        Db::Postgres(pool) => {
            sqlx::query("VACUUM (ANALYZE) products").execute(pool).await?;
            // Each inserted product bumped its category's counter: 100,000 row versions of five
            // rows (and as many of its price band's, spread wider). Vacuum frees them but cannot
            // shrink the table past the live rows at its end, so every listing's count read 3.7 MB
            // of empty pages (2.4 ms); rewritten, it reads one.
            sqlx::query("VACUUM FULL product_counts").execute(pool).await?;
            sqlx::query("VACUUM FULL price_band_counts").execute(pool).await?;
        }
        Db::Sqlite { write, .. } => {
            sqlx::query("INSERT INTO products_fts (products_fts) VALUES ('optimize')").execute(write).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{decode_images, first_image};

    #[test]
    fn the_first_image_is_read_as_the_whole_list_reads_it() {
        for json in [r#"["/a.jpg","/b.jpg"]"#, r#"[]"#, r#" [ "\u00e9\/x.jpg" , "/y.jpg" ] "#, r#"["only"]"#] {
            assert_eq!(first_image(json), decode_images(json).into_iter().next(), "{json}");
        }
        assert_eq!(first_image(r#"["\u00e9\/x.jpg"]"#).as_deref(), Some("é/x.jpg"));
        // Not a list of strings, or more than one value: no image, as for the whole list.
        for bad in ["", "null", "{}", r#"[1, "/a.jpg"]"#, r#"["/a.jpg"] x"#, r#"["/a.jpg""#, r#"["/a.jpg",]"#] {
            assert_eq!(first_image(bad), None, "{bad:?}");
        }
    }
}
