//! What keeps the account tables honest over time: expired rows are swept, and a session deleted
//! at sign-out cannot be brought back by a request that was still holding it.

use crate::common;

use common::{spawn_seeded, Backend};
use tienda::server::db::{with_pool, with_reader};
use tienda::server::services::housekeeping;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::SessionStore;

on_both_backends!(expired_rows_are_swept, a_deleted_session_stays_deleted);

async fn expired_rows_are_swept(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let now = chrono::Utc::now().timestamp();
    let now_ms = now * 1000;
    let db = &app.db;
    let statements = [
        ("INSERT INTO login_failures (key, failures, last_failed_at) VALUES ('account:old@x.io', 3, $1)", now_ms - 3_600_000),
        ("INSERT INTO login_failures (key, failures, last_failed_at) VALUES ('account:new@x.io', 3, $1)", now_ms),
        // A sign-up count lives for its hour: swept at 15 minutes, it would hand its client a
        // fresh quota.
        ("INSERT INTO login_failures (key, failures, last_failed_at) VALUES ('signup:192.0.2.7', 19, $1)", now_ms - 1_200_000),
        ("INSERT INTO login_failures (key, failures, last_failed_at) VALUES ('signup:192.0.2.8', 19, $1)", now_ms - 3_700_000),
        ("INSERT INTO refresh_tokens (token_hash, family, user_id, expires_at, created_at) VALUES ('old', 'f', 1, $1, 0)", now - 1),
        ("INSERT INTO refresh_tokens (token_hash, family, user_id, expires_at, created_at) VALUES ('live', 'f', 1, $1, 0)", now + 3600),
    ];
    for (sql, at) in statements {
        with_pool!(db.writer(), pool => sqlx::query(sql).bind(at).execute(pool).await.map(|_| ())).unwrap();
    }
    let mut expired = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: time::OffsetDateTime::now_utc() - time::Duration::minutes(1),
    };
    app.sessions.create(&mut expired).await.unwrap();
    // Two guest carts: one left alone for two days, one touched just now; and an account's cart,
    // which is never swept however old.
    let day = chrono::Duration::days(1);
    let old = chrono::Utc::now() - day * 2;
    for (user, at) in [(None, old), (None, chrono::Utc::now()), (Some(1_i64), old)] {
        let sql = "INSERT INTO carts (user_id, created_at, updated_at) VALUES ($1, $2, $2)";
        with_pool!(db.writer(), pool => sqlx::query(sql).bind(user).bind(at).execute(pool).await.map(|_| ())).unwrap();
    }

    housekeeping::sweep(db, &app.sessions, day).await;
    let carts: i64 =
        with_reader!(db.reader(), pool => sqlx::query_scalar("SELECT COUNT(*) FROM carts").fetch_one(pool).await)
            .unwrap();
    assert_eq!(carts, 2, "only the guest cart untouched for longer than a session lives is swept");

    let keys: Vec<String> =
        with_reader!(db.reader(), pool => sqlx::query_scalar("SELECT key FROM login_failures").fetch_all(pool).await)
            .unwrap();
    let mut keys = keys;
    keys.sort();
    assert_eq!(keys, ["account:new@x.io", "signup:192.0.2.7"], "only counts still in their window are kept");
    let tokens: Vec<String> =
        with_reader!(db.reader(), pool => sqlx::query_scalar("SELECT token_hash FROM refresh_tokens").fetch_all(pool).await)
            .unwrap();
    assert_eq!(tokens, ["live"]);
    assert_eq!(common::stored_sessions(&app).await, 0, "expired sessions are deleted");
}

async fn a_deleted_session_stays_deleted(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut record = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    app.sessions.create(&mut record).await.unwrap();
    assert!(app.sessions.load(&record.id).await.unwrap().is_some());
    app.sessions.delete(&record.id).await.unwrap();
    // A request that loaded the session before sign-out now saves its renewal.
    app.sessions.save(&record).await.unwrap();
    assert!(app.sessions.load(&record.id).await.unwrap().is_none(), "signing out is final");
}
