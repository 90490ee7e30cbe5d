//! `tienda seed`: the demo catalog, its generated images and the three demo accounts.

mod catalog_data;
pub mod generated;
pub mod images;
mod stores_data;

use crate::model::{Money, Role};
use crate::server::{
    auth::password,
    config::{Config, Mode},
    db::{
        accounts::{self, NewUser},
        catalog::{self, NewCategory, NewProduct},
        stores, Db,
    },
    text::slugify,
};
use anyhow::Context;
use catalog_data::{CATEGORIES, PRODUCTS};
use chrono::{Duration, TimeZone, Utc};
use std::path::Path;

/// The seed's demo accounts: (email, password, name, role). Demo data only: no default password
/// exists outside it.
const DEMO_USERS: [(&str, &str, &str, Role); 3] = [
    ("john@mail.com", "changeme", "Jhon", Role::Customer),
    ("maria@mail.com", "12345", "Maria", Role::Customer),
    ("admin@mail.com", "admin123", "Admin", Role::Admin),
];

/// What one seed run added.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub categories: u64,
    pub products: u64,
    pub users: u64,
    pub stores: u64,
}

/// The most products `tienda seed --products` generates: ten times the 100,000-product
/// benchmark catalog is room enough, and an absurd number is a typo, not a plan.
pub const MAX_GENERATED_PRODUCTS: u64 = 1_000_000;

/// How many generated products are built and inserted at a time: memory stays flat however many
/// are asked for.
const GENERATED_CHUNK: u64 = 2_000;

/// Loads the demo data. Running it again adds only what is missing, so it never duplicates rows.
pub async fn seed(db: &Db, config: &Config) -> anyhow::Result<SeedReport> {
    ensure_demo(config)?;
    write_images(&config.media.dir.join("demo"))?;
    // Distinct creation times give "newest" a stable order; stepping through the list by a number
    // coprime to its length mixes the categories, so "new arrivals" is not one category's tail.
    let epoch = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).single().expect("a valid date");

    let category_images: Vec<String> = CATEGORIES.iter().map(|c| category_image_url(c.slug)).collect();
    let categories: Vec<NewCategory> = CATEGORIES
        .iter()
        .zip(&category_images)
        .map(|(c, image)| NewCategory { name: c.name, slug: c.slug, image, at: epoch })
        .collect();
    let slugs: Vec<String> = PRODUCTS.iter().map(|p| slugify(p.title)).collect();
    let products: Vec<NewProduct> = PRODUCTS
        .iter()
        .zip(&slugs)
        .enumerate()
        .map(|(i, (p, slug))| NewProduct {
            title: p.title,
            slug,
            description: p.description,
            price: Money::from_major(p.price),
            stock: p.stock,
            category_slug: CATEGORIES[p.category].slug,
            images: (0..image_count(i)).map(|n| product_image_url(slug, n)).collect(),
            at: epoch + Duration::hours((i * 22 % PRODUCTS.len()) as i64),
        })
        .collect();
    let (new_categories, new_products) =
        catalog::insert_catalog(db, &categories, &products).await.context("cannot insert the demo catalog")?;
    let users = seed_users(db, epoch).await?;
    let stores = stores::insert_stores(db, &demo_stores()).await.context("cannot insert the demo stores")?;
    Ok(SeedReport { categories: new_categories, products: new_products, users, stores })
}

/// Adds the generated products numbered 1 to `count` that are missing (see [`generated`]), in
/// the demo's categories, which [`seed`] must have loaded first. Returns how many were new.
pub async fn seed_generated(db: &Db, config: &Config, count: u64) -> anyhow::Result<u64> {
    ensure_demo(config)?;
    anyhow::ensure!(
        count <= MAX_GENERATED_PRODUCTS,
        "at most {MAX_GENERATED_PRODUCTS} generated products, not {count}"
    );
    // Each generated product shows its category's artwork: a hundred thousand pictures of their
    // own would be megabytes of files nobody looks at.
    let images: Vec<String> = CATEGORIES.iter().map(|c| category_image_url(c.slug)).collect();
    let mut added = 0;
    let mut first = 1;
    while first <= count {
        let last = (first + GENERATED_CHUNK - 1).min(count);
        let chunk: Vec<generated::GeneratedProduct> = (first..=last).map(generated::product).collect();
        let products: Vec<NewProduct> = chunk
            .iter()
            .map(|p| NewProduct {
                title: &p.title,
                slug: &p.slug,
                description: &p.description,
                price: p.price,
                stock: p.stock,
                category_slug: CATEGORIES[p.category].slug,
                images: vec![images[p.category].clone()],
                at: p.at,
            })
            .collect();
        let (_, new) =
            catalog::insert_catalog(db, &[], &products).await.context("cannot insert the generated products")?;
        added += new;
        first = last + 1;
    }
    if added > 0 {
        catalog::settle_after_bulk_insert(db)
            .await
            .context("cannot settle the catalog's indexes after the bulk insert")?;
    }
    Ok(added)
}

/// Demo data only: the demo accounts' passwords are printed in the README, never on a real store.
fn ensure_demo(config: &Config) -> anyhow::Result<()> {
    anyhow::ensure!(
        config.server.mode == Mode::Demo,
        "demo data (with its well-known passwords) is refused in production mode; use `tienda create-admin`"
    );
    Ok(())
}

async fn seed_users(db: &Db, at: chrono::DateTime<Utc>) -> anyhow::Result<u64> {
    let mut added = 0;
    for (email, plain, name, role) in DEMO_USERS {
        let password_hash = password::hash(plain.to_owned()).await?;
        let avatar = format!("/media/demo/avatar-{}.svg", name.to_lowercase());
        let user = NewUser { email, name, role, avatar: &avatar, password_hash: &password_hash, at };
        added += accounts::insert_user_if_missing(db, &user).await.context("cannot insert the demo users")?;
    }
    Ok(added)
}

fn demo_stores() -> Vec<crate::model::stores::StoreLocation> {
    stores_data::STORES
        .iter()
        .map(|s| crate::model::stores::StoreLocation {
            id: 0, // given by the database
            slug: s.slug.into(),
            name: s.name.into(),
            description: s.description.into(),
            address: s.address.into(),
            city: s.city.into(),
            latitude: s.latitude,
            longitude: s.longitude,
            opening_hours: s.opening_hours.into(),
        })
        .collect()
}

/// Two or three images per product, like the upstream seed.
fn image_count(index: usize) -> usize {
    if index.is_multiple_of(3) {
        2
    } else {
        3
    }
}

fn product_image_url(slug: &str, n: usize) -> String {
    format!("/media/demo/{slug}-{}.svg", n + 1)
}

fn category_image_url(slug: &str) -> String {
    format!("/media/demo/category-{slug}.svg")
}

/// Writes every demo image into `dir` (overwriting, so a newer artwork replaces an older one).
fn write_images(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create the image directory {}", dir.display()))?;
    let write = |url: &str, svg: String| {
        let name = url.rsplit('/').next().expect("URLs have a file name");
        std::fs::write(dir.join(name), svg).with_context(|| format!("cannot write {}", dir.join(name).display()))
    };
    for (i, category) in CATEGORIES.iter().enumerate() {
        write(&category_image_url(category.slug), images::product_svg(i, 0, category.name))?;
    }
    for (i, product) in PRODUCTS.iter().enumerate() {
        let slug = slugify(product.title);
        for n in 0..image_count(i) {
            write(&product_image_url(&slug, n), images::product_svg(product.category, n, product.title))?;
        }
    }
    for (_, _, name, _) in DEMO_USERS {
        write(&format!("/avatar-{}.svg", name.to_lowercase()), images::avatar_svg(name))?;
    }
    Ok(())
}
