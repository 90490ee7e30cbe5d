//! One file per route; the catalog's pages live in `catalog/`, the account's in `account/`, the
//! back office's in `admin/`.

mod account;
mod admin;
mod cart;
mod catalog;
mod checkout;
mod home;
mod not_found;
mod stores;

pub use account::{
    account_menu, AccountPage, ForgotPasswordPage, InboxPage, LoginPage, MyOrderPage, MyOrdersPage, RegisterPage,
    ResetPasswordPage,
};
pub use admin::{
    AdminCategoriesPage, AdminDashboardPage, AdminJobsPage, AdminOrderPage, AdminOrdersPage, AdminProductsPage,
    AdminUsersPage, CategoryFormPage, DeleteCategoryPage, DeleteProductPage, ProductFormPage,
};
pub use cart::CartPage;
pub use catalog::{CatalogPage, CategoryPage, ProductPage};
pub use checkout::CheckoutPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use stores::StoresPage;

use crate::server_fns::page_context::viewer;

/// The route's `{id}`: `None` on a route without one (a "new" form), an error when it is not a
/// whole number (so it names no record).
pub(crate) fn id_from_path() -> Option<Result<i64, std::num::ParseIntError>> {
    use leptos::prelude::GetUntracked;
    leptos_router::hooks::use_params_map().get_untracked().get("id").map(|id| id.parse())
}

/// Sends a signed-out visitor to `/login`, to come back to the page being rendered afterwards.
pub(crate) fn redirect_to_login() {
    use leptos::prelude::GetUntracked;
    let here = leptos_router::hooks::use_location().pathname.get_untracked();
    crate::server_fns::page_context::redirect_to_login(&here);
}
