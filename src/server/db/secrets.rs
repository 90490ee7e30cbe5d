//! Secrets a demo installation generates for itself.

use super::{with_pool, Db};

/// A secret this installation generated for itself: the stored one if any, else `candidate`,
/// stored. Of two nodes racing, both end up with the first one stored.
pub async fn generated_secret(db: &Db, name: &str, candidate: &str) -> sqlx::Result<String> {
    let insert = "INSERT INTO generated_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
    with_pool!(db.writer(), pool => sqlx::query(insert).bind(name).bind(candidate).execute(pool).await.map(|done| done.rows_affected()))?;
    let select = "SELECT value FROM generated_secrets WHERE name = $1";
    with_pool!(db.writer(), pool => sqlx::query_scalar(select).bind(name).fetch_one(pool).await)
}
