//! One file per route; the catalog's pages live in `catalog/`.

mod catalog;
mod home;
mod not_found;

pub use catalog::{CatalogPage, CategoryPage, ProductPage};
pub use home::HomePage;
pub use not_found::NotFoundPage;
