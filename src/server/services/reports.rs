//! The sales report: an admin asks for a range of days, a job draws it as a one-page PDF
//! (`jobs/kinds/sales_report/`) with the totals, the revenue of each day and the best sellers,
//! and it arrives in their inbox and by e-mail.

use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::back_office::SalesOverview;
use crate::model::User;
use crate::server::config::Config;
use crate::server::db::{orders as order_db, Db};
use crate::server::jobs::{self, JobSpec};
use crate::server::services::orders::{sales_between, BestSellers};
use std::time::Duration;

pub const SALES_REPORT: JobSpec =
    JobSpec { kind: "sales_report", max_attempts: 3, time_limit: Duration::from_secs(10 * 60) };

/// How many best sellers the report lists.
const BEST_SELLERS: i64 = 10;

/// What a sales report job is given.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct SalesReportInput {
    pub owner_id: i64,
    pub lang: Lang,
    /// `YYYY-MM-DD`, both included.
    pub from: String,
    pub to: String,
}

/// Queues the sales report of the days `from` to `to` (at most a year, in order) for an admin.
/// False when the same report is already on its way.
pub async fn request_sales_report(db: &Db, actor: &User, from: &str, to: &str, lang: Lang) -> Result<bool, AppError> {
    super::ensure_admin(actor)?;
    let (from, to) = super::exports::check_range(from, to)?;
    let key = format!("sales_report:{}:{from}:{to}", actor.id);
    let input = SalesReportInput { owner_id: actor.id, lang, from, to };
    Ok(jobs::enqueue(db, SALES_REPORT, &input, Some(&key), Some(actor.id)).await?.created)
}

/// The report's figures: each day's orders and revenue, the best sellers of those days, and the
/// units sold. The job's read; the request that queued it checked the role.
pub async fn sales_figures(db: &Db, config: &Config, from: &str, to: &str) -> Result<(SalesOverview, u64), AppError> {
    let day = |text: &str| {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| AppError::BadRequest(format!("not a day: {text}")))
    };
    let days = (day(from)?, day(to)?);
    let best_sellers = BestSellers { limit: BEST_SELLERS, of_all_time: false };
    let overview = sales_between(db, config.store.currency, days, best_sellers).await?;
    let units = order_db::select_units_sold(db, from, to).await?;
    Ok((overview, units))
}
