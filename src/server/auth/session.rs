//! Cookie sessions stored in the active database, and what Tienda keeps in them.
//!
//! A session holds only who signed in and under which auth version (everything else about the
//! user is read fresh, so a password change, which bumps the version, ends every other session at
//! once, on every node), and for a guest, the id of their cart.

use crate::model::cart::LeftBehind;
use crate::server::{
    config::Config,
    db::{sessions, Db},
};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tower_sessions::{
    cookie::{time, SameSite},
    session::{Id, Record},
    session_store::{self, ExpiredDeletion, SessionStore},
    Expiry, Session, SessionManagerLayer,
};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

type SessionResult<T> = Result<T, tower_sessions::session::Error>;

pub const SESSION_COOKIE: &str = "tienda_session";
const SIGNED_IN_KEY: &str = "signed_in";
const GUEST_CART_KEY: &str = "guest_cart";
const LEFT_BEHIND_KEY: &str = "cart_left_behind";
/// How often a visit pushes the session's expiry forward (each push is a database write).
const RENEW_EVERY_SECS: i64 = 60;

/// What the session remembers about a signed-in visitor.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct SignedIn {
    pub user_id: i64,
    pub auth_version: i64,
    /// Unix seconds of the last expiry renewal.
    renewed_at: i64,
}

/// The session store of the active database. Loads are reads like any other of a request
/// (`sessions::load_session`); writes go to the writer.
///
/// Saving an existing session only updates its row, never re-creates it: the sqlx store's save is
/// an upsert, so a request that loaded a session before sign-out and renewed it afterwards would
/// bring the deleted session back to life.
#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: Db,
    backend: Backend,
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl DbSessionStore {
    /// The store for `db`, with its table created if missing.
    pub async fn open(db: &Db) -> sqlx::Result<Self> {
        let backend = match db {
            Db::Sqlite { write, .. } => Backend::Sqlite(SqliteStore::new(write.clone())),
            Db::Postgres(pool) => Backend::Postgres(PostgresStore::new(pool.clone())),
        };
        match &backend {
            Backend::Sqlite(sqlite) => sqlite.migrate().await?,
            Backend::Postgres(pg) => pg.migrate().await?,
        }
        Ok(Self { db: db.clone(), backend })
    }

    fn writer(&self) -> &dyn SessionStore {
        match &self.backend {
            Backend::Sqlite(sqlite) => sqlite,
            Backend::Postgres(pg) => pg,
        }
    }
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.writer().create(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = rmp_serde::to_vec(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        sessions::update_session(&self.db, &record.id.to_string(), data, record.expiry_date)
            .await
            .map_err(|e| session_store::Error::Backend(e.to_string()))?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let data = sessions::load_session(&self.db, &id.to_string())
            .await
            .map_err(|e| session_store::Error::Backend(e.to_string()))?;
        data.map(|data| rmp_serde::from_slice(&data).map_err(|e| session_store::Error::Decode(e.to_string())))
            .transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.writer().delete(id).await
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match &self.backend {
            Backend::Sqlite(sqlite) => sqlite.delete_expired().await,
            Backend::Postgres(pg) => pg.delete_expired().await,
        }
    }
}

/// The session middleware: HttpOnly, SameSite=Lax (so a link from another site still arrives
/// signed in, while cross-site POSTs do not carry the cookie), Secure over HTTPS, and an expiry
/// that slides with each visit.
pub fn layer(store: DbSessionStore, config: &Config) -> SessionManagerLayer<DbSessionStore> {
    let idle = time::Duration::minutes(config.auth.session_idle_mins.try_into().unwrap_or(i64::MAX));
    SessionManagerLayer::new(store)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
}

/// Records a sign-in under a fresh session id, so an id planted before sign-in (fixation) is useless.
/// Also keeps the current session valid after its user's own password change (a new auth version).
pub async fn sign_in(session: &Session, user_id: i64, auth_version: i64) -> SessionResult<()> {
    session.cycle_id().await?;
    let signed_in = SignedIn { user_id, auth_version, renewed_at: now() };
    session.insert(SIGNED_IN_KEY, signed_in).await
}

/// Forgets the visitor: the row is deleted, so a copy of the old cookie no longer works.
pub async fn sign_out(session: &Session) -> SessionResult<()> {
    session.flush().await
}

/// Who the session says is signed in; pushes the expiry forward at most once a minute.
pub async fn signed_in(session: &Session) -> SessionResult<Option<SignedIn>> {
    let Some(mut signed_in) = session.get::<SignedIn>(SIGNED_IN_KEY).await? else {
        return Ok(None);
    };
    if now() - signed_in.renewed_at >= RENEW_EVERY_SECS {
        signed_in.renewed_at = now();
        // Marking the session modified makes the middleware save it with a new expiry.
        session.insert(SIGNED_IN_KEY, signed_in).await?;
    }
    Ok(Some(signed_in))
}

/// The cart a guest's session holds, if any.
pub async fn guest_cart(session: &Session) -> SessionResult<Option<i64>> {
    session.get::<i64>(GUEST_CART_KEY).await
}

/// Remembers a guest's cart, and pushes the session's expiry forward (a session is saved, and its
/// expiry renewed, only when changed): a guest who keeps shopping keeps their cart. The first
/// remembered cart is what gives a guest a session at all.
pub async fn keep_guest_cart(session: &Session, cart_id: i64) -> SessionResult<()> {
    session.insert(GUEST_CART_KEY, cart_id).await
}

/// Forgets the guest cart (it became the account's at sign-in).
pub async fn forget_guest_cart(session: &Session) -> SessionResult<()> {
    session.remove::<i64>(GUEST_CART_KEY).await.map(|_| ())
}

/// Keeps, until the shopper next sees their cart, what it could not keep at sign-in (at most a
/// cart's lines).
pub async fn keep_left_behind(session: &Session, left_behind: &[LeftBehind]) -> SessionResult<()> {
    session.insert(LEFT_BEHIND_KEY, left_behind).await
}

/// What the cart could not keep at sign-in, once: it is forgotten as it is read. Looked up before
/// it is removed, as a removal saves the session even when there was nothing to remove.
pub async fn take_left_behind(session: &Session) -> SessionResult<Vec<LeftBehind>> {
    if session.get::<Vec<LeftBehind>>(LEFT_BEHIND_KEY).await?.is_none() {
        return Ok(Vec::new());
    }
    Ok(session.remove::<Vec<LeftBehind>>(LEFT_BEHIND_KEY).await?.unwrap_or_default())
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A session that cannot be read or written is our failure, never the visitor's.
impl From<tower_sessions::session::Error> for crate::error::AppError {
    fn from(error: tower_sessions::session::Error) -> Self {
        tracing::error!(%error, "session store error");
        crate::error::AppError::Internal
    }
}
