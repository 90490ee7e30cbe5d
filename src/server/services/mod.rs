//! Use cases shared by server functions and the REST API: the one place for each business rule.

pub mod accounts;
pub mod back_office;
pub mod backup;
pub mod cart;
pub mod catalog;
pub mod catalog_api;
pub mod catalog_edits;
pub mod downloads;
pub mod exports;
pub mod housekeeping;
pub mod jobs;
pub mod order_mail;
pub mod orders;
pub mod password_reset;
pub mod reports;
pub mod sitemap;
pub mod stores;
pub mod user_admin;

/// Who asks for a catalog change.
#[derive(Debug, Clone, Copy)]
pub enum Editor<'a> {
    /// Someone signed in, by a session (the back office) or a Bearer token (the API).
    Person(&'a crate::model::User),
    /// An API caller without a token. Allowed to change the catalog only while the `playground`
    /// setting is on (classrooms), as the upstream API allows anyone.
    Anonymous,
}

/// Changes to the catalog and to other people's accounts are for admins only.
fn ensure_admin(actor: &crate::model::User) -> Result<(), crate::error::AppError> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(crate::error::AppError::Forbidden)
    }
}
