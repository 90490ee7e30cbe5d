//! User accounts.

use super::{with_pool, with_reader, Conn, Db};
use crate::model::{Role, User};
use chrono::{DateTime, Utc};
use sqlx::FromRow;

/// A user to insert. The password arrives already hashed: plain text never reaches this layer.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub avatar: &'a str,
    pub password_hash: &'a str,
    pub at: DateTime<Utc>,
}

/// A user as stored, hash included. Neither `Serialize` nor `Debug`: it never leaves the server
/// and never reaches a log.
#[derive(FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub avatar: String,
    pub password_hash: String,
    pub auth_version: i64,
    /// False once an admin deactivated the account: it can no longer sign in.
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl UserRecord {
    /// The public view of this user.
    pub fn to_user(&self) -> User {
        User {
            id: self.id,
            email: self.email.clone(),
            name: self.name.clone(),
            // The CHECK constraint allows only these two; anything else is treated as the lesser role.
            role: Role::parse(&self.role).unwrap_or(Role::Customer),
            avatar: self.avatar.clone(),
        }
    }
}

const USER_COLUMNS: &str = "id, email, name, role, avatar, password_hash, auth_version, active, created_at, updated_at";

/// Why an insert did not happen.
pub enum InsertUserError {
    EmailTaken,
    Database(sqlx::Error),
}

/// Inserts a user and returns the new id; a taken email (by the unique index, whatever the case
/// of the letters) is reported as such.
pub async fn insert_user(db: &Db, user: &NewUser<'_>) -> Result<i64, InsertUserError> {
    let sql = "INSERT INTO users (email, name, role, avatar, password_hash, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id";
    let inserted = with_pool!(db.writer(), pool => sqlx::query_scalar::<_, i64>(sql)
        .bind(user.email)
        .bind(user.name)
        .bind(user.role.as_str())
        .bind(user.avatar)
        .bind(user.password_hash)
        .bind(user.at)
        .fetch_one(pool)
        .await);
    inserted.map_err(|error| match error.as_database_error() {
        Some(db_error) if db_error.is_unique_violation() => InsertUserError::EmailTaken,
        _ => InsertUserError::Database(error),
    })
}

/// Inserts the user unless the email is taken; returns 1 when inserted, 0 otherwise.
pub async fn insert_user_if_missing(db: &Db, user: &NewUser<'_>) -> sqlx::Result<u64> {
    match insert_user(db, user).await {
        Ok(_) => Ok(1),
        Err(InsertUserError::EmailTaken) => Ok(0),
        Err(InsertUserError::Database(error)) => Err(error),
    }
}

pub async fn select_user_by_email(db: &Db, email: &str) -> sqlx::Result<Option<UserRecord>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
    with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(email).fetch_optional(pool).await)
}

pub async fn select_user_by_id(db: &Db, id: i64) -> sqlx::Result<Option<UserRecord>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)
}

/// Replaces the password hash and bumps the user's auth version, which ends every session and
/// access token issued before; returns the new version.
pub async fn update_user_password(db: &Db, id: i64, password_hash: &str, at: DateTime<Utc>) -> sqlx::Result<i64> {
    let sql = "UPDATE users SET password_hash = $2, auth_version = auth_version + 1, updated_at = $3 \
               WHERE id = $1 RETURNING auth_version";
    with_pool!(db.writer(), pool => sqlx::query_scalar(sql).bind(id).bind(password_hash).bind(at).fetch_one(pool).await)
}

/// Makes `email` an admin with this password (creating the account if needed), active again if
/// an admin had deactivated it; true when created.
pub async fn upsert_admin(db: &Db, user: &NewUser<'_>) -> sqlx::Result<bool> {
    match insert_user(db, user).await {
        Ok(_) => Ok(true),
        Err(InsertUserError::EmailTaken) => {
            let sql = "UPDATE users SET role = 'admin', active = TRUE, password_hash = $2, \
                       auth_version = auth_version + 1, updated_at = $3 WHERE email = $1";
            with_pool!(db.writer(), pool => sqlx::query(sql)
                .bind(user.email).bind(user.password_hash).bind(user.at).execute(pool).await.map(|done| done.rows_affected()))?;
            Ok(false)
        }
        Err(InsertUserError::Database(error)) => Err(error),
    }
}

/// Sets a user's name and avatar, each when given; returns the avatar the row held before, or
/// `None` when there is no such user. The row stays locked (on SQLite, the database's write lock
/// is held) from the read to the write, so of two changes at once each replaces what the other
/// left: every replaced upload is named exactly once, and the caller can delete it. An avatar left
/// out stays whatever the row holds by then (another change's new picture, say).
pub async fn replace_user_avatar(
    db: &Db,
    id: i64,
    name: Option<&str>,
    avatar: Option<&str>,
    at: DateTime<Utc>,
) -> sqlx::Result<Option<String>> {
    let read = match db {
        Db::Sqlite { .. } => "SELECT avatar FROM users WHERE id = $1",
        Db::Postgres(_) => "SELECT avatar FROM users WHERE id = $1 FOR UPDATE",
    };
    let write =
        "UPDATE users SET name = COALESCE($2, name), avatar = COALESCE($3, avatar), updated_at = $4 WHERE id = $1";
    with_pool!(db.writer(), pool => {
        let mut tx = pool.begin_with(db.begin_write()).await?;
        let replaced: Option<String> = sqlx::query_scalar(read).bind(id).fetch_optional(&mut *tx).await?;
        if replaced.is_some() {
            sqlx::query(write).bind(id).bind(name).bind(avatar).bind(at).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(replaced)
    })
}

/// What an admin's change to another account did: the rows it changed, or nothing because the
/// admin no longer is one (another admin demoted, deactivated or deleted them meanwhile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminWrite {
    Changed(u64),
    NoLongerAdmin,
}

/// Locks accounts `admin` and `target` for the rest of the write transaction on `conn`, then
/// tells whether `admin` is still an active admin. Two admins demoting, deactivating or deleting
/// each other at the same moment would otherwise both succeed, each judged by the other's row
/// as it was before, and leave the store with no admin. PostgreSQL locks both rows, in id order
/// so that two such changes wait for each other instead of deadlocking; on SQLite the write
/// transaction already excludes every other writer.
async fn lock_while_admin(conn: Conn<'_>, admin: i64, target: i64) -> sqlx::Result<bool> {
    let check = "SELECT COUNT(*) FROM users WHERE id = $1 AND role = 'admin' AND active";
    let found: i64 = match conn {
        Conn::Sqlite(c) => sqlx::query_scalar(check).bind(admin).fetch_one(&mut *c).await?,
        Conn::Postgres(c) => {
            let lock = "SELECT id FROM users WHERE id IN ($1, $2) ORDER BY id FOR UPDATE";
            sqlx::query(lock).bind(admin).bind(target).execute(&mut *c).await?;
            sqlx::query_scalar(check).bind(admin).fetch_one(&mut *c).await?
        }
    };
    Ok(found > 0)
}

/// Runs `$write` (an `execute` over `$c`, the transaction's connection) in a write transaction on
/// `$db` once [`lock_while_admin`] found `$admin` still an admin: its rows as an [`AdminWrite`].
macro_rules! while_admin {
    ($db:expr, $admin:expr, $target:expr, $c:ident => $write:expr) => {
        with_pool!($db.writer(), pool => {
            let mut tx = pool.begin_with($db.begin_write()).await?;
            if lock_while_admin((&mut *tx).into(), $admin, $target).await? {
                let $c = &mut *tx;
                let changed = $write.await?.rows_affected();
                tx.commit().await?;
                Ok(AdminWrite::Changed(changed))
            } else {
                Ok(AdminWrite::NoLongerAdmin)
            }
        })
    };
}

/// Admin `by` gives another user a role.
pub async fn update_user_role(db: &Db, id: i64, role: Role, by: i64, at: DateTime<Utc>) -> sqlx::Result<AdminWrite> {
    let sql = "UPDATE users SET role = $2, updated_by = $3, updated_at = $4 WHERE id = $1";
    while_admin!(db, by, id, c => sqlx::query(sql).bind(id).bind(role.as_str()).bind(by).bind(at).execute(c))
}

/// Admin `by` deactivates or reactivates another user. Either way the auth version moves on, so
/// every session and access token issued before stops working at once. A user already in that
/// state is left alone (0 rows): a repeated click must not sign an active person out everywhere.
pub async fn update_user_active(
    db: &Db,
    id: i64,
    active: bool,
    by: i64,
    at: DateTime<Utc>,
) -> sqlx::Result<AdminWrite> {
    let sql = "UPDATE users SET active = $2, auth_version = auth_version + 1, updated_by = $3, updated_at = $4 \
               WHERE id = $1 AND active <> $2";
    while_admin!(db, by, id, c => sqlx::query(sql).bind(id).bind(active).bind(by).bind(at).execute(c))
}

/// Every user in id order, or the first `limit`.
pub async fn select_users(db: &Db, limit: Option<i64>) -> sqlx::Result<Vec<UserRecord>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY id LIMIT $1");
    // A negative LIMIT means "no limit" on SQLite only; i64::MAX works on both.
    let limit = limit.unwrap_or(i64::MAX);
    with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(limit).fetch_all(pool).await)
}

/// An admin's change to an account's fields. A new password hash moves the auth version on,
/// which ends the user's sessions and tokens.
pub struct AccountUpdate<'a> {
    pub email: &'a str,
    pub name: &'a str,
    /// `None` leaves the avatar as the row holds it when the update runs (a picture uploaded
    /// since the caller read the account stays).
    pub avatar: Option<&'a str>,
    pub role: Role,
    pub password_hash: Option<&'a str>,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// Applies `update` to user `id`: 1 row when it exists, 0 when not; a taken email is reported
/// as such. A change to someone else's account is an admin's (`update.by`), made only while they
/// still are one.
pub async fn update_account(db: &Db, id: i64, update: &AccountUpdate<'_>) -> Result<AdminWrite, InsertUserError> {
    let sql = "UPDATE users SET email = $2, name = $3, avatar = COALESCE($4, avatar), role = $5, \
               password_hash = COALESCE($6, password_hash), \
               auth_version = auth_version + CASE WHEN $6 IS NULL THEN 0 ELSE 1 END, \
               updated_by = $7, updated_at = $8 WHERE id = $1";
    // The statement with its arguments, written out for each backend's connection.
    macro_rules! bound {
        () => {
            sqlx::query(sql)
                .bind(id)
                .bind(update.email)
                .bind(update.name)
                .bind(update.avatar)
                .bind(update.role.as_str())
                .bind(update.password_hash)
                .bind(update.by)
                .bind(update.at)
        };
    }
    let updated: sqlx::Result<AdminWrite> = if update.by == id {
        with_pool!(db.writer(), pool => bound!().execute(pool).await.map(|done| AdminWrite::Changed(done.rows_affected())))
    } else {
        (async { while_admin!(db, update.by, id, c => bound!().execute(c)) }).await
    };
    updated.map_err(|error| match error.as_database_error() {
        Some(db_error) if db_error.is_unique_violation() => InsertUserError::EmailTaken,
        _ => InsertUserError::Database(error),
    })
}

/// Admin `by` deletes another user (their sessions' refresh tokens go with them); 0 rows when
/// there was none.
pub async fn delete_user(db: &Db, id: i64, by: i64) -> sqlx::Result<AdminWrite> {
    while_admin!(db, by, id, c => sqlx::query("DELETE FROM users WHERE id = $1").bind(id).execute(c))
}
