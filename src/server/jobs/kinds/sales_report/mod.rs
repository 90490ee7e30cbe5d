//! The sales report of a range of days as a one-page PDF (`pdf`), delivered to the admin who
//! asked by an e-mail link and in their inbox.

mod helvetica;
pub mod pdf;

use crate::i18n::Lang;
use crate::model::back_office::SalesOverview;
use crate::model::Money;
use crate::server::{
    jobs::handler::{Handler, JobContext, JobError, JobSpec},
    jobs::results::{self, Made},
    services::reports::{self, SalesReportInput},
};
use async_trait::async_trait;

pub struct SalesReport;

#[async_trait]
impl Handler for SalesReport {
    fn spec(&self) -> JobSpec {
        reports::SALES_REPORT
    }

    async fn run(&self, job: &JobContext) -> Result<(), JobError> {
        let input: SalesReportInput = job.input()?;
        let (overview, units) = reports::sales_figures(&job.env.db, &job.env.config, &input.from, &input.to).await?;
        job.progress(50, "figures read").await?;
        let page = page(&overview, units, &input);
        let document = tokio::task::spawn_blocking(move || pdf::render(&page))
            .await
            .map_err(|e| JobError::Transient(format!("drawing the report stopped: {e}")))?
            .map_err(JobError::Permanent)?;
        let made = Made {
            kind: reports::SALES_REPORT.kind,
            file_name: format!("sales-report-{}-{}.pdf", input.from, input.to),
            extension: "pdf",
            content_type: "application/pdf",
        };
        results::deliver(job, input.owner_id, input.lang, made, |mut file| async move {
            file.write(&document).await?;
            Ok(file)
        })
        .await
    }
}

/// What the page says, in the admin's language.
fn page(overview: &SalesOverview, units: u64, input: &SalesReportInput) -> pdf::SalesReport {
    let t = input.lang.texts().jobs;
    let money = |amount: Money| overview.currency.format(amount);
    let orders: u64 = overview.per_day.iter().map(|day| day.orders).sum();
    let revenue = Money(overview.per_day.iter().map(|day| day.revenue.0).sum());
    let average = Money(if orders == 0 { 0 } else { revenue.0 / i64::try_from(orders).unwrap_or(i64::MAX) });
    let made_at = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
    pdf::SalesReport {
        title: t.report_title.into(),
        range_label: (t.report_range)(&input.from, &input.to),
        generated_label: (t.report_generated)(&made_at),
        totals: vec![
            (t.report_orders.into(), orders.to_string()),
            (t.report_revenue.into(), money(revenue)),
            (t.report_average.into(), money(average)),
            (t.report_units.into(), units.to_string()),
        ],
        chart_title: t.report_chart.into(),
        chart_points: overview.per_day.iter().map(|day| (short_day(&day.day, input.lang), day.revenue.0)).collect(),
        best_sellers_title: t.report_best_sellers.into(),
        best_sellers_headers: [t.report_product.into(), t.report_units.into(), t.report_revenue.into()],
        best_sellers: overview
            .best_sellers
            .iter()
            .map(|best| (best.title.clone(), i64::try_from(best.units).unwrap_or(i64::MAX), money(best.revenue)))
            .collect(),
        empty_label: t.report_empty.into(),
    }
}

/// `2026-11-30` as the chart's axis shows it: `30/11` in Spanish, `11/30` in English.
fn short_day(day: &str, lang: Lang) -> String {
    let (month, date) = (day.get(5..7).unwrap_or(""), day.get(8..10).unwrap_or(""));
    match lang {
        Lang::Es => format!("{date}/{month}"),
        Lang::En => format!("{month}/{date}"),
    }
}
