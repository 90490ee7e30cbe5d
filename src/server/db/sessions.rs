//! The session rows tower-sessions' sqlx store keeps, for what it does not do the way Tienda
//! needs: saving an existing session without re-creating a deleted one, and reading one as every
//! other read of a request is read.

use super::{with_pool, with_reader, Db};

/// The data of session `id` if it has not expired. A read like any other of the request
/// (`with_reader!`): on SQLite from the request path's connections, on PostgreSQL run again once
/// if its connection had been cut (a restart), which the store's own read would turn into a
/// failed request.
pub async fn load_session(db: &Db, id: &str) -> sqlx::Result<Option<Vec<u8>>> {
    let sql = format!("SELECT data FROM {} WHERE id = $1 AND expiry_date > $2", session_table(db));
    // The store writes the expiry as this type on both backends, and compares it the same way.
    let now = tower_sessions::cookie::time::OffsetDateTime::now_utc();
    with_reader!(db.reader(), conn => sqlx::query_scalar(&sql).bind(id).bind(now).fetch_optional(conn).await)
}

/// The table tower-sessions' sqlx store keeps sessions in, on each backend.
fn session_table(db: &Db) -> &'static str {
    match db {
        Db::Sqlite { .. } => "tower_sessions",
        Db::Postgres(_) => r#""tower_sessions"."session""#,
    }
}

/// Replaces an existing session's data and expiry; 0 rows when the session is gone (signed out
/// or swept meanwhile), which must stay gone.
pub async fn update_session(
    db: &Db,
    id: &str,
    data: Vec<u8>,
    expiry: tower_sessions::cookie::time::OffsetDateTime,
) -> sqlx::Result<u64> {
    let sql = format!("UPDATE {} SET data = $1, expiry_date = $2 WHERE id = $3", session_table(db));
    with_pool!(db.writer(), pool => sqlx::query(&sql)
        .bind(data)
        .bind(expiry)
        .bind(id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))
}
