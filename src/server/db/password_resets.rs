//! Links to set a new password (`services::password_reset`), stored by the SHA-256 of their
//! token. Times are Unix milliseconds.

use super::jobs::{self, NewJob};
use super::{with_pool, with_reader, Db, SqlArgs};
use crate::bind_all;

pub struct NewReset<'a> {
    pub user_id: i64,
    pub lang: &'a str,
    pub created_at: i64,
    pub expires_at: i64,
    pub mail: ResetMail,
}

/// The job that mails a new link, queued in the transaction that makes the link: no link is
/// made, and no account's cooldown used up, without its mail on the way.
#[derive(Debug, Clone, Copy)]
pub struct ResetMail {
    pub kind: &'static str,
    pub max_attempts: i64,
}

impl ResetMail {
    /// The job's input, `{"reset_id": …}`: which link to mail, never a token (the job makes it).
    pub fn payload(self, reset_id: i64) -> String {
        serde_json::json!({ "reset_id": reset_id }).to_string()
    }

    fn dedupe_key(self, reset_id: i64) -> String {
        format!("password_reset:{reset_id}")
    }
}

/// Makes a link for the active account `reset.user_id` and queues its mail, unless the account
/// was given one after `cooldown_since`: the link's id, or `None`. The token comes later, from the
/// job that mails it.
///
/// The account's cooldown is claimed by one conditional update of its row, in the transaction
/// that makes the link: the database applies such updates to a row one at a time (PostgreSQL
/// re-reads the row once the first commits, SQLite has one writer), so of two requests at once
/// only one finds the cooldown over. The link records the account's auth version and address,
/// and works only while they stay the same.
pub async fn insert_reset(db: &Db, reset: &NewReset<'_>, cooldown_since: i64) -> sqlx::Result<Option<i64>> {
    let claim = "UPDATE users SET password_reset_asked_at = $2 WHERE id = $1 AND active \
                 AND (password_reset_asked_at IS NULL OR password_reset_asked_at <= $3) \
                 RETURNING auth_version, email";
    let insert = "INSERT INTO password_resets (user_id, lang, created_at, expires_at, auth_version, email) \
                  VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    with_pool!(db.writer(), pool => {
        let mut tx = pool.begin().await?;
        let claimed: Option<(i64, String)> = sqlx::query_as(claim)
            .bind(reset.user_id)
            .bind(reset.created_at)
            .bind(cooldown_since)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((auth_version, email)) = claimed else {
            return Ok(None);
        };
        let id: i64 = sqlx::query_scalar(insert)
            .bind(reset.user_id)
            .bind(reset.lang)
            .bind(reset.created_at)
            .bind(reset.expires_at)
            .bind(auth_version)
            .bind(email)
            .fetch_one(&mut *tx)
            .await?;
        let (payload, dedupe_key) = (reset.mail.payload(id), reset.mail.dedupe_key(id));
        let job = NewJob {
            kind: reset.mail.kind,
            payload: &payload,
            dedupe_key: Some(&dedupe_key),
            max_attempts: reset.mail.max_attempts,
            run_at: reset.created_at,
            requested_by: None,
        };
        let mut args = SqlArgs::default();
        let insert = jobs::insert_statement(&mut args, &job, reset.created_at);
        bind_all!(sqlx::query(&insert), args).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(id))
    })
}

/// The condition under which a link `r` of account `u` works at `$2`: not used, not expired, and
/// the account still active and as it was when the link was made.
const LIVE: &str = "r.used_at IS NULL AND r.expires_at > $2 AND u.active \
                    AND u.auth_version = r.auth_version AND u.email = r.email";

/// What the mail of a link needs.
#[derive(sqlx::FromRow)]
pub struct ResetToMail {
    pub email: String,
    pub name: String,
    pub lang: String,
    pub expires_at: i64,
}

/// The link `id` when it is still worth mailing at `now`: unused, unexpired, for an active account.
pub async fn select_to_mail(db: &Db, id: i64, now: i64) -> sqlx::Result<Option<ResetToMail>> {
    let sql = format!(
        "SELECT u.email, u.name, r.lang, r.expires_at FROM password_resets r JOIN users u ON u.id = r.user_id \
         WHERE r.id = $1 AND {LIVE}"
    );
    with_reader!(db.reader(), pool => sqlx::query_as(&sql).bind(id).bind(now).fetch_optional(pool).await)
}

/// Gives link `id` its token (by hash), replacing any an earlier attempt to mail it made; false
/// when the link is used or gone.
pub async fn set_token_hash(db: &Db, id: i64, token_hash: &str) -> sqlx::Result<bool> {
    let sql = "UPDATE password_resets SET token_hash = $2 WHERE id = $1 AND used_at IS NULL";
    let updated = with_pool!(db.writer(), pool => sqlx::query(sql).bind(id).bind(token_hash)
        .execute(pool).await.map(|done| done.rows_affected()))?;
    Ok(updated > 0)
}

/// The account a token's link would reset at `now`, if the link still works.
pub async fn select_live(db: &Db, token_hash: &str, now: i64) -> sqlx::Result<Option<i64>> {
    let sql = format!(
        "SELECT r.user_id FROM password_resets r JOIN users u ON u.id = r.user_id WHERE r.token_hash = $1 AND {LIVE}"
    );
    with_reader!(db.reader(), pool => sqlx::query_scalar(&sql).bind(token_hash).bind(now).fetch_optional(pool).await)
}

/// Uses a token's link, all in one transaction: the link is claimed (of two uses at once exactly
/// one gets it), the account gets `password_hash` and a new auth version (which ends its sessions
/// and access tokens), its refresh tokens and its other links are deleted. The account's id, or
/// `None` when the link no longer works.
pub async fn reset_password(db: &Db, token_hash: &str, password_hash: &str, now: i64) -> sqlx::Result<Option<i64>> {
    // The link's own conditions are on the row being updated, which PostgreSQL checks again
    // after waiting for a concurrent claim to commit (a subquery would see the row as it was
    // when the statement began, and let both claims through).
    let claim = "UPDATE password_resets SET used_at = $2 \
                 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 AND EXISTS (SELECT 1 FROM users u \
                   WHERE u.id = password_resets.user_id AND u.active \
                   AND u.auth_version = password_resets.auth_version AND u.email = password_resets.email) \
                 RETURNING user_id, auth_version, email";
    // The account must still be as the link saw it: on PostgreSQL the claim's subquery read it as
    // of the statement's start, and a new password or address committed since would otherwise be
    // overwritten by this one.
    let password = "UPDATE users SET password_hash = $2, auth_version = auth_version + 1, updated_at = $3 \
                    WHERE id = $1 AND active AND auth_version = $4 AND email = $5";
    let others = "DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL";
    let tokens = "DELETE FROM refresh_tokens WHERE user_id = $1";
    let at = chrono::DateTime::from_timestamp_millis(now).unwrap_or_default();
    with_pool!(db.writer(), pool => {
        let mut tx = pool.begin().await?;
        let claimed: Option<(i64, i64, String)> =
            sqlx::query_as(claim).bind(token_hash).bind(now).fetch_optional(&mut *tx).await?;
        let Some((user_id, auth_version, email)) = claimed else {
            return Ok(None);
        };
        let set = sqlx::query(password)
            .bind(user_id).bind(password_hash).bind(at).bind(auth_version).bind(email)
            .execute(&mut *tx).await?;
        if set.rows_affected() == 0 {
            return Ok(None); // The account changed meanwhile; dropping `tx` undoes the claim.
        }
        sqlx::query(others).bind(user_id).execute(&mut *tx).await?;
        sqlx::query(tokens).bind(user_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(user_id))
    })
}

/// Deletes the links that stopped working before `now`.
pub async fn delete_expired(db: &Db, now: i64) -> sqlx::Result<u64> {
    let sql = "DELETE FROM password_resets WHERE expires_at <= $1";
    with_pool!(db.writer(), pool => sqlx::query(sql).bind(now).execute(pool).await.map(|d| d.rows_affected()))
}
