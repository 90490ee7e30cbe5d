//! The header and footer around every page.

use leptos::prelude::*;

#[component]
pub fn SiteHeader() -> impl IntoView {
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
                        <li><a href="/categories/clothes">"Clothes"</a></li>
                        <li><a href="/categories/electronics">"Electronics"</a></li>
                        <li><a href="/categories/shoes">"Shoes"</a></li>
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
