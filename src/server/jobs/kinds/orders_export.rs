//! A CSV of the orders placed in a range of days, for the admin who asked.

use super::{csv_bytes, plain_amount, spreadsheet_safe};
use crate::server::{
    jobs::handler::{Handler, JobContext, JobError, JobSpec},
    jobs::results::{self, Made},
    services::exports::{self, OrdersExportInput},
};
use async_trait::async_trait;

const PAGE: i64 = 1_000;

pub struct OrdersExport;

#[async_trait]
impl Handler for OrdersExport {
    fn spec(&self) -> JobSpec {
        exports::ORDERS_EXPORT
    }

    async fn run(&self, job: &JobContext) -> Result<(), JobError> {
        let input: OrdersExportInput = job.input()?;
        let made = Made {
            kind: exports::ORDERS_EXPORT.kind,
            file_name: format!("orders-{}-to-{}.csv", input.from, input.to),
            extension: "csv",
            content_type: "text/csv; charset=utf-8",
        };
        let db = job.env.db.clone();
        let header = [
            "id",
            "placed_at",
            "customer",
            "email",
            "status",
            "payment_status",
            "payment_method",
            "fulfilment",
            "items",
            "total",
            "currency",
        ];
        results::deliver(job, input.owner_id, input.lang, made, |mut file| async move {
            file.write(&csv_bytes(&header, &[])?).await?;
            let mut after = 0;
            loop {
                let page = exports::order_rows(&db, &input, after, PAGE).await?;
                let Some(last) = page.last() else { break };
                after = last.id;
                let rows: Vec<Vec<String>> = page
                    .into_iter()
                    .map(|o| {
                        vec![
                            o.id.to_string(),
                            crate::server::text::rfc3339(o.created_at),
                            spreadsheet_safe(&o.customer_name),
                            spreadsheet_safe(&o.customer_email),
                            o.status,
                            o.payment_status,
                            o.payment_method,
                            o.fulfilment,
                            o.item_count.to_string(),
                            plain_amount(o.total_cents),
                            o.currency,
                        ]
                    })
                    .collect();
                file.write(&csv_bytes(&[], &rows)?).await?;
            }
            Ok(file)
        })
        .await
    }
}
