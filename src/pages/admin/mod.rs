//! The admin back office under `/admin`: dashboard, products, categories, orders, users, jobs.
//!
//! Every page is wrapped in [`AdminGate`]: signed-out visitors are sent to sign in, customers get
//! a 403 page. That is for people; the server functions behind each page check the role again
//! themselves, since anyone can call them directly.
//!
//! Reads come from server functions through resources, so each page's data is in its first HTML.
//! Changes are forms posting to server functions: plain forms work without JavaScript, and the
//! islands (inline price and stock edits, the category form) show errors in place with it.

mod categories;
mod category_form;
mod dashboard;
mod delete;
mod jobs;
mod orders;
mod product_form;
mod products;
mod users;
pub(crate) mod widgets;

pub use categories::AdminCategoriesPage;
pub use category_form::CategoryFormPage;
pub use dashboard::AdminDashboardPage;
pub use delete::{DeleteCategoryPage, DeleteProductPage};
pub use jobs::AdminJobsPage;
pub use orders::{AdminOrderPage, AdminOrdersPage};
pub use product_form::ProductFormPage;
pub use products::AdminProductsPage;
pub use users::AdminUsersPage;

use crate::components::ErrorView;
use crate::error::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;

/// Renders `children` for admins only. Signed out: a redirect to sign in and back here.
/// Signed in without the admin role: the 403 page.
#[component]
pub fn AdminGate(children: ChildrenFn) -> impl IntoView {
    match super::viewer() {
        Ok(Some(user)) if user.is_admin() => view! {
            <div class="admin-shell">
                <AdminNav />
                <div class="admin-main">{children()}</div>
            </div>
        }
        .into_any(),
        Ok(Some(_)) => view! { <ErrorView error=AppError::Forbidden /> }.into_any(),
        Ok(None) => {
            super::redirect_to_login();
            ().into_any()
        }
        Err(error) => view! { <ErrorView error /> }.into_any(),
    }
}

#[component]
fn AdminNav() -> impl IntoView {
    let t = use_texts().admin;
    let here = leptos_router::hooks::use_location().pathname.get_untracked();
    let link = move |href: &'static str, text: &'static str| {
        let current = if href == "/admin" { here == href } else { here.starts_with(href) };
        view! { <li><a href=href aria-current=current.then_some("page")>{text}</a></li> }
    };
    view! {
        <nav class="admin-nav" aria-label=t.admin_nav>
            <p class="admin-nav-title">{t.back_office}</p>
            <ul>
                {link("/admin", t.nav_dashboard)}
                {link("/admin/products", t.nav_products)}
                {link("/admin/categories", t.nav_categories)}
                {link("/admin/orders", use_texts().orders.admin_orders)}
                {link("/admin/users", t.nav_users)}
                {link("/admin/jobs", use_texts().jobs.nav_jobs)}
            </ul>
        </nav>
    }
}
