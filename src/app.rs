//! The HTML shell and the one route table.

use crate::components::{SiteFooter, SiteHeader};
use crate::pages::{CatalogPage, CategoryPage, HomePage, NotFoundPage, ProductPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <HydrationScripts options />
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
    mark_hydrated();
    // Every route's data is in the first HTML (SsrMode::Async): crawlers and shoppers without
    // JavaScript see the full page, and <title>/<meta> can depend on that data.
    view! {
        <Link rel="stylesheet" href="/pkg/tienda.css" />
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Meta name="theme-color" content="#0f5c4d" />
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <SiteHeader />
            <main id="main">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/products") view=CatalogPage ssr=SsrMode::Async />
                    <Route path=path!("/products/:slug") view=ProductPage ssr=SsrMode::Async />
                    <Route path=path!("/categories/:slug") view=CategoryPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}

/// Sets `<body data-hydrated>` once the client has taken over the page. Effects run only in the
/// browser, so the server-rendered HTML never carries it; end-to-end tests wait for it before
/// checking that interactions avoid full page loads.
fn mark_hydrated() {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "");
        }
    });
}
