//! The store's shops.

use super::{with_pool, with_reader, Db};
use crate::model::stores::StoreLocation;
use sqlx::FromRow;

#[derive(FromRow)]
struct StoreRecord {
    id: i64,
    slug: String,
    name: String,
    description: String,
    address: String,
    city: String,
    latitude: f64,
    longitude: f64,
    opening_hours: String,
}

impl From<StoreRecord> for StoreLocation {
    fn from(r: StoreRecord) -> Self {
        Self {
            id: r.id,
            slug: r.slug,
            name: r.name,
            description: r.description,
            address: r.address,
            city: r.city,
            latitude: r.latitude,
            longitude: r.longitude,
            opening_hours: r.opening_hours,
        }
    }
}

/// Every shop, by id.
pub async fn select_stores(db: &Db) -> sqlx::Result<Vec<StoreLocation>> {
    let sql = "SELECT id, slug, name, description, address, city, latitude, longitude, opening_hours \
               FROM store_locations ORDER BY id";
    let records: Vec<StoreRecord> = with_reader!(db.reader(), pool => sqlx::query_as(sql).fetch_all(pool).await)?;
    Ok(records.into_iter().map(StoreLocation::from).collect())
}

/// Adds the shops whose slug is not taken yet; returns how many were added.
pub async fn insert_stores(db: &Db, stores: &[StoreLocation]) -> sqlx::Result<u64> {
    let sql = "INSERT INTO store_locations \
               (slug, name, description, address, city, latitude, longitude, opening_hours) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (slug) DO NOTHING";
    with_pool!(db.writer(), pool => {
        let mut tx = pool.begin().await?;
        let mut added = 0;
        for s in stores {
            added += sqlx::query(sql)
                .bind(&s.slug).bind(&s.name).bind(&s.description).bind(&s.address).bind(&s.city)
                .bind(s.latitude).bind(s.longitude).bind(&s.opening_hours)
                .execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(added)
    })
}
