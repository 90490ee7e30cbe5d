//! The files jobs make for someone: their inbox, the mail that announces each, and the download
//! that only their owner (or an admin) may make. A store's file (a backup, an export of the catalog
//! or the orders, a sales report) is an admin's to have only while they are one: someone demoted
//! since asking for it no longer sees it. Anyone else, and everyone once the file has expired, is
//! told it does not exist.

use crate::error::{AppError, Entity};
use crate::i18n::Lang;
use crate::model::{jobs::InboxEntry, paths, User};
use crate::server::services::exports::ACCOUNT_EXPORT;
use crate::server::text::{escape_xml, now_ms, rfc3339_ms};
use crate::server::{config::Config, db, db::Db, mail::Email};
use std::path::PathBuf;

/// Entries an inbox shows: results live a week, so a person has few.
const INBOX_LIMIT: i64 = 50;

/// A file to send: where it is, and what to call it.
#[derive(Debug)]
pub struct Download {
    pub path: PathBuf,
    pub file_name: String,
    pub content_type: String,
}

/// The one kind of result that is its owner's own data, not the store's: theirs whatever their role.
const PERSONAL_KIND: &str = ACCOUNT_EXPORT.kind;

/// Whether `viewer` may have a result of `kind` made for `owner_id`: any admin may; anyone else
/// only their own personal data. (A backup holds every account's password hash, an orders export
/// every customer's address: an admin demoted since asking for one must lose it with the role.)
fn may_have(viewer: &User, owner_id: i64, kind: &str) -> bool {
    viewer.is_admin() || (owner_id == viewer.id && kind == PERSONAL_KIND)
}

/// The only kind of result `viewer`'s inbox may list, when it is not every kind.
fn listed_kind(viewer: &User) -> Option<&'static str> {
    (!viewer.is_admin()).then_some(PERSONAL_KIND)
}

/// The file behind download `id`, for whoever [may have it](may_have); for anyone else, not found.
pub async fn open(db: &Db, config: &Config, viewer: &User, id: i64) -> Result<Download, AppError> {
    let result = db::job_results::find_live(db, id, now_ms()).await?;
    match result {
        Some(result) if may_have(viewer, result.owner_id, &result.kind) => Ok(Download {
            path: config.media.private_dir.join(&result.stored_name),
            file_name: result.file_name,
            content_type: result.content_type,
        }),
        _ => Err(AppError::not_found(Entity::Page)),
    }
}

/// The viewer's files, newest first, which are seen from now on.
pub async fn inbox(db: &Db, viewer: &User) -> Result<Vec<InboxEntry>, AppError> {
    let now = now_ms();
    let rows = db::job_results::list_live(db, viewer.id, listed_kind(viewer), now, INBOX_LIMIT).await?;
    db::job_results::mark_seen(db, viewer.id, now).await?;
    Ok(rows
        .into_iter()
        .map(|row| InboxEntry {
            id: row.id,
            kind: row.kind,
            file_name: row.file_name,
            byte_size: row.byte_size,
            created_at: rfc3339_ms(row.created_at),
            expires_at: rfc3339_ms(row.expires_at),
            seen: row.seen_at.is_some(),
        })
        .collect())
}

/// How many of the viewer's files they have not seen in their inbox yet.
pub async fn unseen(db: &Db, viewer: &User) -> Result<i64, AppError> {
    Ok(db::job_results::count_unseen(db, viewer.id, listed_kind(viewer), now_ms()).await?)
}

/// The mail that tells the owner the file job `job_id` made is ready, with its link; `None` when
/// the owner's account or the result is gone, or the owner may no longer have it (an admin
/// demoted or deactivated while the job ran).
pub async fn ready_mail(
    db: &Db,
    config: &Config,
    job_id: i64,
    owner_id: i64,
    lang: Lang,
) -> Result<Option<Email>, AppError> {
    let (Some(result), Some(owner)) =
        (db::job_results::find_by_job(db, job_id).await?, db::accounts::select_user_by_id(db, owner_id).await?)
    else {
        return Ok(None);
    };
    if !owner.active || !may_have(&owner.to_user(), result.owner_id, &result.kind) {
        return Ok(None);
    }
    let texts = lang.texts().mail;
    let link = format!("{}{}", config.server.site_url.trim_end_matches('/'), paths::download(result.id));
    let days = crate::server::jobs::results::KEPT_FOR.num_days();
    let greeting = (texts.greeting)(&owner.name);
    let expires = (texts.ready_expires)(days);
    let text = format!("{greeting}\n\n{}\n{link}\n\n{expires}\n\n{}\n", texts.ready_body, texts.signature);
    let e = escape_xml;
    let html = format!(
        "<!DOCTYPE html><html><body style=\"font-family:sans-serif;color:#1a1a1a\"><p>{}</p><p>{}</p>\
         <p><a href=\"{}\">{} {}</a></p><p>{}</p><p>{}</p></body></html>",
        e(&greeting),
        e(texts.ready_body),
        e(&link),
        e(texts.download),
        e(&result.file_name),
        e(&expires),
        e(texts.signature),
    );
    Ok(Some(Email {
        to_address: owner.email,
        to_name: owner.name,
        subject: (texts.file_ready_subject)(&result.file_name),
        text,
        html,
        key: format!("result:{}:mail", result.id),
    }))
}

/// Deletes every result of `kind` but the newest `keep`, with their files: what bounds the disk
/// a kind of file that anyone may ask for again and again (an admin's "Back up now") can take.
pub async fn keep_newest(db: &Db, config: &Config, kind: &str, keep: i64) -> sqlx::Result<()> {
    for stored_name in db::job_results::delete_all_but_newest(db, kind, keep).await? {
        if let Err(error) = tokio::fs::remove_file(config.media.private_dir.join(&stored_name)).await {
            tracing::warn!(%error, "cannot delete a superseded download");
        }
    }
    Ok(())
}

/// Deletes expired results and their files, and files in the folder that no result names (left by
/// a worker that died while writing) once they are a day old; never the lock over files' uses.
pub async fn sweep(db: &Db, config: &Config) -> sqlx::Result<()> {
    let dir = &config.media.private_dir;
    for stored_name in db::job_results::delete_expired(db, now_ms()).await? {
        if let Err(error) = tokio::fs::remove_file(dir.join(&stored_name)).await {
            tracing::warn!(%error, "cannot delete an expired download");
        }
    }
    let known = db::job_results::stored_names(db).await?;
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else { return Ok(()) };
    let day_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(24 * 60 * 60);
    while let Ok(Some(entry)) = entries.next_entry().await {
        let name = entry.file_name().to_string_lossy().into_owned();
        let old = entry.metadata().await.ok().and_then(|m| m.modified().ok()).is_some_and(|at| at < day_ago);
        if !old || known.contains(&name) || name == crate::server::media::uses_lock::FILE_NAME {
            continue;
        }
        if crate::server::services::backup::is_work_dir(&name) {
            // A backup's or restore's working folder, left by a process that died.
            let _ = tokio::fs::remove_dir_all(entry.path()).await;
        } else {
            let _ = tokio::fs::remove_file(entry.path()).await;
        }
    }
    Ok(())
}
