//! The sales report: an admin asks for a range of days and gets a one-page PDF, in their inbox,
//! with the orders, the revenue and the best sellers of those days; a range that cannot be
//! reported is refused, and only admins may ask.

use crate::common;

use crate::jobs::{env_with, fast, wait_for_state};
use common::back_office::{admin, count, customer};
use common::{spawn_seeded, Backend};
use tienda::model::jobs::JobState;
use tienda::server::{db::jobs as queue, jobs};

on_both_backends!(an_admin_gets_the_sales_report_of_a_range_of_days_as_a_pdf, a_report_that_cannot_be_made_is_refused);

/// The text of a PDF, as `pdftotext` (poppler-utils, which `scripts/setup test` installs) reads it.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = common::scratch_dir("report");
    let file = dir.join("report.pdf");
    std::fs::write(&file, bytes).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext runs (scripts/setup test installs poppler-utils)");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

async fn an_admin_gets_the_sales_report_of_a_range_of_days_as_a_pdf(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let order = crate::mail::place_order(&app, "en", "report-order-1").await;
    let title: String = common::back_office::text(&app, "SELECT title FROM products WHERE id = $1", 1).await;
    let today = chrono::Utc::now().date_naive();
    let (from, to) = ((today - chrono::Duration::days(6)).to_string(), today.to_string());
    let mut staff = admin(&app).await;
    let asked = staff.post("/rpc/admin/reports/sales", &[("from", &from), ("to", &to)]).await;
    let again = staff.post("/rpc/admin/reports/sales", &[("from", &from), ("to", &to)]).await;
    assert_eq!((asked.body.as_str(), again.body.as_str()), ("true", "false"), "the same report once");

    let workers = jobs::worker::start(env_with(&app, app.config.clone()), jobs::kinds::registry(), Vec::new(), fast(1));
    let listed = queue::list(&app.db, None, None, 100).await.unwrap();
    let job = listed.iter().find(|job| job.kind == "sales_report").expect("the report was queued");
    wait_for_state(&app, job.id, JobState::Done).await;
    workers.stop().await;

    let inbox = staff.get("/account/inbox").await;
    let selector = scraper::Selector::parse("a[href^='/account/downloads/']").unwrap();
    let link = inbox.html().select(&selector).next().map(|a| a.attr("href").unwrap().to_owned()).expect("in the inbox");
    let pdf = staff.get_bytes(&link).await;
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let text = pdf_text(&pdf);
    assert!(text.contains("Sales report"), "{text}");
    assert!(text.contains(&format!("From {from} to {to}")), "{text}");
    let total = count(&app, &format!("SELECT total_cents FROM orders WHERE id = {order}")).await;
    let revenue = format!("${}.{:02}", total / 100, total % 100);
    assert!(text.contains(&revenue), "the revenue {revenue} is on the page: {text}");
    let shown_title: String = title.chars().take(20).collect();
    assert!(text.contains(&shown_title), "the best seller {title} is on the page: {text}");
    let mut shopper = customer(&app).await;
    assert_eq!(shopper.get(&link).await.status, 404);
}

async fn a_report_that_cannot_be_made_is_refused(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = admin(&app).await;
    for (from, to) in
        [("2026-12-31", "2026-01-01"), ("2020-01-01", "2026-01-01"), ("2026-02-30", "2026-03-01"), ("", "")]
    {
        let answer = staff.post("/rpc/admin/reports/sales", &[("from", from), ("to", to)]).await;
        assert_eq!(answer.status, 422, "{from}..{to}: {}", answer.body);
    }
    let mut shopper = customer(&app).await;
    let refused = shopper.post("/rpc/admin/reports/sales", &[("from", "2026-01-01"), ("to", "2026-01-31")]).await;
    assert_eq!(refused.status, 403);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM jobs WHERE kind = 'sales_report'").await, 0, "nothing queued");
}
