//! The HTML shell and the one route table.

use crate::components::front_end::{FrontEndHead, FrontEndTags};
use crate::components::site_name;
use crate::components::{SiteFooter, SiteHeader};
use crate::i18n::{use_lang, use_texts};
use crate::pages::{
    account_menu, AccountPage, AdminCategoriesPage, AdminDashboardPage, AdminJobsPage, AdminOrderPage, AdminOrdersPage,
    AdminProductsPage, AdminUsersPage, CartPage, CatalogPage, CategoryFormPage, CategoryPage, CheckoutPage,
    DeleteCategoryPage, DeleteProductPage, ForgotPasswordPage, HomePage, InboxPage, LoginPage, MyOrderPage,
    MyOrdersPage, NotFoundPage, ProductFormPage, ProductPage, RegisterPage, ResetPasswordPage, StoresPage,
};
use crate::server_fns::page_context::request_language;
use leptos::prelude::*;
use leptos::tachys::html::InertElement;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::{
    components::{FlatRoutes, Route, Router},
    path, SsrMode,
};

/// Head tags that are the same on every page, written here as fixed markup rather than registered
/// with leptos_meta as a page's own tags are (each of those costs a context lookup, a string and
/// a message to the head's collector).
const SAME_ON_EVERY_PAGE: &str = concat!(
    r#"<link rel="icon" href="/favicon.svg" type="image/svg+xml">"#,
    r##"<meta name="theme-color" content="#0f5c4d">"##,
    r#"<meta property="og:site_name" content=""#,
    site_name!(),
    r#"">"#,
);

/// The document around the app, rendered on the server only.
pub fn shell(front_end: FrontEndHead) -> impl IntoView {
    provide_context(request_language());
    view! {
        <!DOCTYPE html>
        <html lang=use_lang().code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                {InertElement::new(SAME_ON_EVERY_PAGE)}
                <FrontEndTags head=front_end />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Pages render on the server only (islands mode): every route's data is in the first HTML
    // (SsrMode::Async), so crawlers and shoppers without JavaScript see the full page and
    // <title>/<meta> can depend on that data. Only the #[island] components run in the browser.
    // FlatRoutes, not Routes: no route nests another, and the flat router matches and renders one
    // route without the nested router's per-level owners and signals (callgrind: 2-4 % fewer
    // instructions on a page; the page's fixed cost is most of a small page's).
    view! {
        <Router>
            <a class="skip-link" href="#main">{use_texts().common.skip_to_content}</a>
            <SiteHeader account=Box::pin(account_menu()) />
            <main id="main">
                <FlatRoutes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/products") view=CatalogPage ssr=SsrMode::Async />
                    <Route path=path!("/products/:slug") view=ProductPage ssr=SsrMode::Async />
                    <Route path=path!("/categories/:slug") view=CategoryPage ssr=SsrMode::Async />
                    <Route path=path!("/stores") view=StoresPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/login/forgot") view=ForgotPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/login/reset") view=ResetPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("/cart") view=CartPage ssr=SsrMode::Async />
                    <Route path=path!("/checkout") view=CheckoutPage ssr=SsrMode::Async />
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/account/orders") view=MyOrdersPage ssr=SsrMode::Async />
                    <Route path=path!("/account/inbox") view=InboxPage ssr=SsrMode::Async />
                    <Route path=path!("/account/orders/:id") view=MyOrderPage ssr=SsrMode::Async />
                    <Route path=path!("/admin") view=AdminDashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/products") view=AdminProductsPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/products/new") view=ProductFormPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/products/:id") view=ProductFormPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/products/:id/delete") view=DeleteProductPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/categories") view=AdminCategoriesPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/categories/new") view=CategoryFormPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/categories/:id") view=CategoryFormPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/categories/:id/delete") view=DeleteCategoryPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/orders") view=AdminOrdersPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/orders/:id") view=AdminOrderPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users") view=AdminUsersPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/jobs") view=AdminJobsPage ssr=SsrMode::Async />
                </FlatRoutes>
            </main>
            <SiteFooter />
        </Router>
    }
}
