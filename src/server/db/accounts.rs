//! User accounts.

use super::{with_pool, Db};
use chrono::{DateTime, Utc};

/// A user to insert. The password arrives already hashed: plain text never reaches this layer.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub avatar: &'a str,
    pub password_hash: &'a str,
    pub at: DateTime<Utc>,
}

/// Inserts the user unless the email is taken; returns 1 when inserted, 0 otherwise.
pub async fn insert_user_if_missing(db: &Db, user: &NewUser<'_>) -> sqlx::Result<u64> {
    let sql = "INSERT INTO users (email, name, role, avatar, password_hash, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (email) DO NOTHING";
    let done = with_pool!(db.writer(), pool => sqlx::query(sql)
        .bind(user.email)
        .bind(user.name)
        .bind(user.role)
        .bind(user.avatar)
        .bind(user.password_hash)
        .bind(user.at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(done)
}
