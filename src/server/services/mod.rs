//! Use cases shared by server functions and (later) the REST API: the one place for each business rule.

pub mod accounts;
pub mod catalog;
pub mod catalog_edits;
pub mod user_admin;
