//! Use cases shared by server functions and (later) the REST API: the one place for each business rule.

pub mod accounts;
pub mod catalog;
pub mod catalog_api;
pub mod catalog_edits;
pub mod user_admin;

/// Changes to the catalog and to other people's accounts are for admins only.
fn require_admin(actor: &crate::model::User) -> Result<(), crate::error::AppError> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(crate::error::AppError::Forbidden)
    }
}
