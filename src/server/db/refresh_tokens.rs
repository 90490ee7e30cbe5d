//! Refresh tokens, stored by hash. Times are Unix seconds.

use super::{with_pool, with_reader, Db};

pub struct NewRefreshToken<'a> {
    pub token_hash: &'a str,
    pub family: &'a str,
    pub user_id: i64,
    pub expires_at: i64,
    pub created_at: i64,
}

pub async fn insert_refresh_token(db: &Db, token: &NewRefreshToken<'_>) -> sqlx::Result<()> {
    let sql = "INSERT INTO refresh_tokens (token_hash, family, user_id, expires_at, created_at) \
               VALUES ($1, $2, $3, $4, $5)";
    with_pool!(db.writer(), pool => sqlx::query(sql)
        .bind(token.token_hash)
        .bind(token.family)
        .bind(token.user_id)
        .bind(token.expires_at)
        .bind(token.created_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(())
}

/// What using a refresh token found.
pub enum Claimed {
    /// The token was live and is now used; here are its family and user.
    Fresh { family: String, user_id: i64 },
    /// The token was used before: someone replays it.
    Replayed { family: String },
    /// No such token (revoked, expired and swept, or never issued).
    Unknown,
}

/// Marks a token used, atomically: of two concurrent uses exactly one is `Fresh`.
pub async fn claim_refresh_token(db: &Db, token_hash: &str, now: i64) -> sqlx::Result<Claimed> {
    let claim = "UPDATE refresh_tokens SET used_at = $2 \
                 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING family, user_id";
    let claimed: Option<(String, i64)> =
        with_pool!(db.writer(), pool => sqlx::query_as(claim).bind(token_hash).bind(now).fetch_optional(pool).await)?;
    if let Some((family, user_id)) = claimed {
        return Ok(Claimed::Fresh { family, user_id });
    }
    let lookup = "SELECT family FROM refresh_tokens WHERE token_hash = $1 AND used_at IS NOT NULL";
    let replayed: Option<String> =
        with_reader!(db.reader(), pool => sqlx::query_scalar(lookup).bind(token_hash).fetch_optional(pool).await)?;
    Ok(replayed.map_or(Claimed::Unknown, |family| Claimed::Replayed { family }))
}

pub async fn select_family_of(db: &Db, token_hash: &str) -> sqlx::Result<Option<String>> {
    let sql = "SELECT family FROM refresh_tokens WHERE token_hash = $1";
    with_reader!(db.reader(), pool => sqlx::query_scalar(sql).bind(token_hash).fetch_optional(pool).await)
}

pub async fn delete_family(db: &Db, family: &str) -> sqlx::Result<()> {
    with_pool!(db.writer(), pool => sqlx::query("DELETE FROM refresh_tokens WHERE family = $1").bind(family).execute(pool).await.map(|done| done.rows_affected()))?;
    Ok(())
}

pub async fn delete_user_tokens(db: &Db, user_id: i64) -> sqlx::Result<()> {
    with_pool!(db.writer(), pool => sqlx::query("DELETE FROM refresh_tokens WHERE user_id = $1").bind(user_id).execute(pool).await.map(|done| done.rows_affected()))?;
    Ok(())
}

pub async fn delete_expired(db: &Db, now: i64) -> sqlx::Result<u64> {
    let sql = "DELETE FROM refresh_tokens WHERE expires_at <= $1";
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(now).execute(pool).await.map(|d| d.rows_affected()))
}
