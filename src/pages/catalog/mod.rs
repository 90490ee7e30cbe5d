//! The catalog: the full listing, category listings and product pages.

mod in_place;
mod listing;
mod product;

pub use listing::{CatalogPage, CategoryPage};
pub use product::ProductPage;
