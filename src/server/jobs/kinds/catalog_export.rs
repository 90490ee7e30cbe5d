//! A CSV of the whole catalog (product, category, price, stock), for the admin who asked.

use super::{csv_bytes, plain_amount, spreadsheet_safe};
use crate::server::{
    jobs::handler::{Handler, JobContext, JobError, JobSpec},
    jobs::results::{self, Made},
    services::exports::{self, ExportInput},
};
use async_trait::async_trait;

/// Products read and written per step: the file grows page by page, whatever the catalog's size.
const PAGE: i64 = 1_000;

pub struct CatalogExport;

#[async_trait]
impl Handler for CatalogExport {
    fn spec(&self) -> JobSpec {
        exports::CATALOG_EXPORT
    }

    async fn run(&self, job: &JobContext) -> Result<(), JobError> {
        let input: ExportInput = job.input()?;
        let day = chrono::Utc::now().format("%Y-%m-%d");
        let made = Made {
            kind: exports::CATALOG_EXPORT.kind,
            file_name: format!("catalog-{day}.csv"),
            extension: "csv",
            content_type: "text/csv; charset=utf-8",
        };
        let db = job.env.db.clone();
        results::deliver(job, input.owner_id, input.lang, made, |mut file| async move {
            file.write(&csv_bytes(&["id", "sku", "title", "category", "price", "stock", "slug", "updated_at"], &[])?)
                .await?;
            let mut after = 0;
            let mut written = 0_u64;
            loop {
                let page = exports::catalog_rows(&db, after, PAGE).await?;
                let Some(last) = page.last() else { break };
                after = last.id;
                written += page.len() as u64;
                let rows: Vec<Vec<String>> = page
                    .into_iter()
                    .map(|p| {
                        vec![
                            p.id.to_string(),
                            crate::model::sku_of(p.id),
                            spreadsheet_safe(&p.title),
                            spreadsheet_safe(&p.category),
                            plain_amount(p.price_cents),
                            p.stock.to_string(),
                            p.slug,
                            crate::server::text::rfc3339(p.updated_at),
                        ]
                    })
                    .collect();
                file.write(&csv_bytes(&[], &rows)?).await?;
                job.progress(0, &format!("{written} products written")).await?;
            }
            Ok(file)
        })
        .await
    }
}
