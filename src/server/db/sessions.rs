//! The session rows tower-sessions' sqlx store keeps, for the one write it does not do the way
//! Tienda needs: saving an existing session without re-creating a deleted one.

use super::{with_pool, Db};

/// Replaces an existing session's data and expiry; 0 rows when the session is gone (signed out
/// or swept meanwhile), which must stay gone.
pub async fn update_session(
    db: &Db,
    id: &str,
    data: Vec<u8>,
    expiry: tower_sessions::cookie::time::OffsetDateTime,
) -> sqlx::Result<u64> {
    let sql = match db {
        Db::Sqlite { .. } => "UPDATE tower_sessions SET data = $1, expiry_date = $2 WHERE id = $3",
        Db::Postgres(_) => r#"UPDATE "tower_sessions"."session" SET data = $1, expiry_date = $2 WHERE id = $3"#,
    };
    with_pool!(db.writer(), pool => sqlx::query(sql)
        .bind(data)
        .bind(expiry)
        .bind(id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))
}
