//! The header and footer around every page.

use crate::server_fns::catalog::list_categories;
use leptos::prelude::*;

/// How many categories the header links to; the catalog's filter lists them all.
const CATEGORIES_IN_HEADER: usize = 4;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let categories = Resource::new(|| (), |_| list_categories());
    // A header without category links is still a working header, so a failed read shows none.
    let category_links = move || {
        Suspend::new(async move {
            let categories = categories.await.unwrap_or_default();
            categories
                .into_iter()
                .take(CATEGORIES_IN_HEADER)
                .map(|c| view! { <li><a href=format!("/categories/{}", c.slug)>{c.name}</a></li> })
                .collect_view()
        })
    };
    view! {
        <header class="site-header">
            <div class="container header-row">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"T"</span>
                    "Tienda"
                </a>
                <nav aria-label="Main">
                    <ul class="nav-list">
                        <li><a href="/products">"All products"</a></li>
                        <Suspense fallback=|| ()>{category_links}</Suspense>
                    </ul>
                </nav>
                <form class="header-search" method="get" action="/products" role="search">
                    <label for="header-q" class="visually-hidden">"Search products"</label>
                    <input id="header-q" type="search" name="q" placeholder="Search products" maxlength="100" />
                    <button type="submit">"Search"</button>
                </form>
            </div>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="container footer-row">
                <p>"Tienda — a demo store built with Rust, Leptos and axum."</p>
                <nav aria-label="Footer">
                    <ul class="nav-list">
                        <li><a href="/products">"Catalog"</a></li>
                        <li><a href="/sitemap.xml">"Sitemap"</a></li>
                    </ul>
                </nav>
            </div>
        </footer>
    }
}
