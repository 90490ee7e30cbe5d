//! The job kinds, one file each, and the registry of all of them.

pub mod account_export;
pub mod backup;
pub mod catalog_export;
pub mod housekeeping;
pub mod order_email;
pub mod orders_export;
pub mod password_reset_email;
pub mod sales_report;

use super::handler::{JobError, Registry};

/// Every kind of job the store runs.
pub fn registry() -> Registry {
    Registry::default()
        .with(housekeeping::Housekeeping)
        .with(order_email::OrderEmail)
        .with(password_reset_email::PasswordResetEmail)
        .with(catalog_export::CatalogExport)
        .with(orders_export::OrdersExport)
        .with(account_export::AccountExport)
        .with(backup::Backup)
        .with(sales_report::SalesReport)
}

/// `records` (after `header`, when it is not empty) as CSV bytes.
fn csv_bytes(header: &[&str], records: &[Vec<String>]) -> Result<Vec<u8>, JobError> {
    let failed = |e: csv::Error| JobError::Transient(format!("writing CSV: {e}"));
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    if !header.is_empty() {
        writer.write_record(header).map_err(failed)?;
    }
    for record in records {
        writer.write_record(record).map_err(failed)?;
    }
    writer.into_inner().map_err(|e| JobError::Transient(format!("writing CSV: {e}")))
}

/// A stored text made safe for spreadsheets: one that starts like a formula (`=`, `+`, `-`, `@`,
/// their full-width forms, after any spaces or control characters) is prefixed with an
/// apostrophe, so opening the file never runs what a customer typed.
fn spreadsheet_safe(text: &str) -> String {
    let first = text.trim_start_matches(|c: char| c.is_whitespace() || c.is_control()).chars().next();
    let starts_like_formula = text.starts_with(['\t', '\r']) || first.is_some_and(|c| "=+-@＝＋－＠".contains(c));
    if starts_like_formula {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Minor units as a plain decimal amount (`12999` → `129.99`), for spreadsheets in any locale.
fn plain_amount(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.unsigned_abs() / 100, cents.unsigned_abs() % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_amounts_are_plain() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("Café"), "Café");
        assert_eq!(spreadsheet_safe(" =1+1"), "' =1+1");
        assert_eq!(spreadsheet_safe("\n=1+1"), "'\n=1+1");
        assert_eq!(spreadsheet_safe("＝1+1"), "'＝1+1");
        assert_eq!(plain_amount(12_999), "129.99");
        assert_eq!(plain_amount(5), "0.05");
    }
}
