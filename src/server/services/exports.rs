//! Exports, asked for in a request and made by a job: the catalog and the orders of a date range
//! as CSV (admins), and everything the store holds about a person as a ZIP (anyone signed in,
//! for themselves). Asking twice while the first is unfinished makes one job.
//!
//! The `*_rows` and `my_data` functions are the jobs' reads; they do not check a role, because
//! the request that queued the job did.

use crate::error::{AppError, FieldError, FieldIssue};
use crate::i18n::Lang;
use crate::model::jobs::RequestStatus;
use crate::model::{orders::parse_day, User};
use crate::server::config::Config;
use crate::server::db::{self, exports, Db};
use crate::server::jobs::{self, JobSpec};
use crate::server::media::uploads;
use crate::server::services::accounts;
use std::path::PathBuf;
use std::time::Duration;

pub const CATALOG_EXPORT: JobSpec =
    JobSpec { kind: "catalog_export", max_attempts: 3, time_limit: Duration::from_secs(30 * 60) };
pub const ORDERS_EXPORT: JobSpec =
    JobSpec { kind: "orders_export", max_attempts: 3, time_limit: Duration::from_secs(30 * 60) };
pub const ACCOUNT_EXPORT: JobSpec =
    JobSpec { kind: "account_export", max_attempts: 3, time_limit: Duration::from_secs(10 * 60) };

/// The longest date range an orders export may cover.
pub const MAX_EXPORT_DAYS: i64 = 366;

/// What a catalog or account export job is given.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct ExportInput {
    /// Who asked: the file is theirs.
    pub owner_id: i64,
    /// The language of the mail that announces it.
    pub lang: Lang,
}

/// What an orders export job is given.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct OrdersExportInput {
    pub owner_id: i64,
    pub lang: Lang,
    /// `YYYY-MM-DD`, both included.
    pub from: String,
    pub to: String,
}

/// Queues a CSV of the whole catalog for an admin. True when this request queued it (false: the
/// same export was already on its way).
pub async fn request_catalog(db: &Db, actor: &User, lang: Lang) -> Result<bool, AppError> {
    super::ensure_admin(actor)?;
    let input = ExportInput { owner_id: actor.id, lang };
    let key = format!("catalog_export:{}", actor.id);
    Ok(jobs::enqueue(db, CATALOG_EXPORT, &input, Some(&key), Some(actor.id)).await?.created)
}

/// Queues a CSV of the orders placed from `from` to `to` (days, both included) for an admin.
pub async fn request_orders(db: &Db, actor: &User, from: &str, to: &str, lang: Lang) -> Result<bool, AppError> {
    super::ensure_admin(actor)?;
    let (from, to) = check_range(from, to)?;
    let key = format!("orders_export:{}:{from}:{to}", actor.id);
    let input = OrdersExportInput { owner_id: actor.id, lang, from, to };
    Ok(jobs::enqueue(db, ORDERS_EXPORT, &input, Some(&key), Some(actor.id)).await?.created)
}

/// How soon after an export of their data was made a person may ask for another: the one made is
/// in their inbox, and each request costs a file kept for a week and an e-mail.
const MY_DATA_COOLDOWN: chrono::Duration = chrono::Duration::minutes(10);

/// Queues a ZIP of everything the store holds about the signed-in person, for them. False when
/// one is already on its way, or was made in the last ten minutes.
pub async fn request_my_data(db: &Db, actor: &User, lang: Lang) -> Result<bool, AppError> {
    let latest = db::jobs::latest_requested(db, actor.id, ACCOUNT_EXPORT.kind).await?;
    let recent = (chrono::Utc::now() - MY_DATA_COOLDOWN).timestamp_millis();
    if latest.is_some_and(|job| {
        job.state() == Some(crate::model::jobs::JobState::Done) && job.finished_at.unwrap_or(0) > recent
    }) {
        return Ok(false);
    }
    let input = ExportInput { owner_id: actor.id, lang };
    let key = format!("account_export:{}", actor.id);
    Ok(jobs::enqueue(db, ACCOUNT_EXPORT, &input, Some(&key), Some(actor.id)).await?.created)
}

/// Where the person's latest "export my data" stands, if they ever asked.
pub async fn my_data_status(db: &Db, actor: &User) -> Result<Option<RequestStatus>, AppError> {
    let latest = db::jobs::latest_requested(db, actor.id, ACCOUNT_EXPORT.kind).await?;
    Ok(latest.and_then(|job| {
        Some(RequestStatus {
            state: job.state()?,
            requested_at: crate::server::text::rfc3339_ms(job.created_at),
            progress_percent: job.progress_percent,
        })
    }))
}

/// A range of days that reads, is in order and spans at most [`MAX_EXPORT_DAYS`].
pub(crate) fn check_range(from: &str, to: &str) -> Result<(String, String), AppError> {
    let (Some(from), Some(to)) = (parse_day(from), parse_day(to)) else {
        let mut errors = Vec::new();
        if parse_day(from).is_none() {
            errors.push(FieldError::new("from", FieldIssue::InvalidDate));
        }
        if parse_day(to).is_none() {
            errors.push(FieldError::new("to", FieldIssue::InvalidDate));
        }
        return Err(AppError::Validation(errors));
    };
    let day = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    let span = day(&to).zip(day(&from)).map(|(to, from)| (to - from).num_days());
    match span {
        Some(days) if (0..MAX_EXPORT_DAYS).contains(&days) => Ok((from, to)),
        _ => Err(AppError::Validation(vec![FieldError::new(
            "to",
            FieldIssue::BadDateRange { max_days: MAX_EXPORT_DAYS },
        )])),
    }
}

/// A page of the catalog, after product `after_id`.
pub async fn catalog_rows(db: &Db, after_id: i64, limit: i64) -> Result<Vec<exports::ProductLine>, AppError> {
    Ok(exports::products_after(db, after_id, limit).await?)
}

/// A page of the orders placed from `from` to `to`, after order `after_id`.
pub async fn order_rows(
    db: &Db,
    input: &OrdersExportInput,
    after_id: i64,
    limit: i64,
) -> Result<Vec<exports::OrderLine>, AppError> {
    Ok(exports::orders_after(db, &input.from, &input.to, after_id, limit).await?)
}

/// Everything the store holds about a person: their account (never the password's hash) and
/// their orders with their lines, as JSON; and the file of the picture they uploaded, if any
/// (only a plain name in the pictures' folder: an avatar can never name another file). `None`
/// when the account is gone.
pub async fn my_data(
    db: &Db,
    config: &Config,
    user_id: i64,
) -> Result<Option<(serde_json::Value, Option<PathBuf>)>, AppError> {
    let Some(user) = db::accounts::select_user_by_id(db, user_id).await? else { return Ok(None) };
    let mut orders = Vec::new();
    let mut after = 0;
    loop {
        let page = exports::own_orders_after(db, user_id, after, 200).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for order in page {
            let lines = exports::order_lines(db, order.id).await?;
            orders.push(serde_json::json!({
                "id": order.id,
                "placedAt": db::rfc3339(order.created_at),
                "status": order.status,
                "paymentStatus": order.payment_status,
                "paymentMethod": order.payment_method,
                "fulfilment": order.fulfilment,
                "currency": order.currency,
                "totalCents": order.total_cents,
                "lines": lines.into_iter().map(|(title, sku, unit_cents, quantity)| serde_json::json!({
                    "title": title, "sku": sku, "unitPriceCents": unit_cents, "quantity": quantity,
                })).collect::<Vec<_>>(),
            }));
        }
    }
    let account = serde_json::json!({
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "avatar": user.avatar,
        "createdAt": db::rfc3339(user.created_at),
        "updatedAt": db::rfc3339(user.updated_at),
    });
    // Only a picture this store keeps (an upload under /media/avatars/): a link elsewhere is
    // already in the account's data.
    let picture = uploads::stored_file(&config.media.dir, accounts::PICTURES, &user.avatar);
    Ok(Some((serde_json::json!({ "account": account, "orders": orders }), picture)))
}
