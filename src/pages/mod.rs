//! One file per route; the catalog's pages live in `catalog/`, the account's in `account/`.

mod account;
mod catalog;
mod home;
mod not_found;

pub use account::{AccountMenu, AccountPage, LoginPage, RegisterPage};
pub use catalog::{CatalogPage, CategoryPage, ProductPage};
pub use home::HomePage;
pub use not_found::NotFoundPage;
