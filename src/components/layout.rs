//! The header and footer around every page.

use super::boxed;
use crate::i18n::{use_lang, use_texts, Lang};
use crate::model::paths;
use crate::server_fns::cart::cart_count;
use crate::server_fns::catalog::list_categories;
use crate::server_fns::preferences::SetLanguage;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// How many categories the header links to; the catalog's filter lists them all.
const CATEGORIES_IN_HEADER: usize = 4;

/// `children` go at the end of the header row, beside the language switch (the app puts the
/// account menu there).
#[component]
pub fn SiteHeader(children: Children) -> impl IntoView {
    let texts = use_texts();
    let categories = Resource::new(|| (), |_| boxed(list_categories()));
    // A header without category links is still a working header, so a failed read shows none.
    let category_links = move || {
        Suspend::new(async move {
            let categories = categories.await.unwrap_or_default();
            categories
                .into_iter()
                .take(CATEGORIES_IN_HEADER)
                .map(|c| view! { <li><a href=paths::category(&c.slug)>{c.name}</a></li> })
                .collect_view()
        })
    };
    view! {
        <header class="site-header">
            <div class="container header-row">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"T"</span>
                    // On the narrowest phones the mark stands alone (the name stays for screen
                    // readers), so the language switch, the cart and the account fit beside it.
                    <span class="brand-name">"Tienda"</span>
                </a>
                <nav aria-label=texts.common.main_nav>
                    <ul class="nav-list">
                        <li><a href="/products">{texts.catalog.all_products}</a></li>
                        <Suspense fallback=|| ()>{category_links}</Suspense>
                    </ul>
                </nav>
                <form class="header-search" method="get" action="/products" role="search" aria-label=texts.common.search_products>
                    <label for="header-q" class="visually-hidden">{texts.common.search_products}</label>
                    <input id="header-q" type="search" name="q" maxlength="100"
                        placeholder=texts.common.search_products />
                    <button type="submit">{texts.common.search_button}</button>
                </form>
                <div class="header-tools">
                    <LanguageSwitch />
                    <CartLink />
                    {children()}
                </div>
            </div>
        </header>
    }
}

/// The cart and how many units it holds. The badge is exact HTML from the model: the page cache
/// writes a guest's own count into pages rendered with 0, and an island updates it in place
/// after an add.
#[component]
fn CartLink() -> impl IntoView {
    let t = use_texts().orders;
    let count = Resource::new(|| (), |_| boxed(cart_count()));
    let badge = move || {
        Suspend::new(async move {
            // A header whose count cannot be read still links to the cart.
            let count = count.await.unwrap_or(0);
            view! { <span class="cart-badge" inner_html=crate::model::cart::cart_badge_html(count, t.items_in_cart)></span> }
        })
    };
    view! {
        <a class="cart-link" href=paths::CART>
            <svg class="cart-icon" aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
                <path d="M3 4h2l2.4 10.2a2 2 0 0 0 2 1.6h7.8a2 2 0 0 0 2-1.5L21 8H6.2" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
                <circle cx="10" cy="20" r="1.5" fill="currentColor" />
                <circle cx="17" cy="20" r="1.5" fill="currentColor" />
            </svg>
            // The icon and the count say it in sight; the word is for screen readers (the header
            // must fit a phone's width in both languages).
            <span class="visually-hidden">{t.cart_link}</span>
            <Suspense fallback=|| ()>{badge}</Suspense>
        </a>
    }
}

/// One button per language the page is not in, named in that language: whoever cannot read the
/// current page can still read its name. A plain form, so it works without JavaScript too: the
/// browser posts the choice, the server sets the cookie and sends the browser back where it was.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let current = use_lang();
    let label = current.texts().common.language;
    view! {
        <form class="language-switch" method="post" action=SetLanguage::url() aria-label=label>
            {Lang::ALL
                .into_iter()
                .filter(|lang| *lang != current)
                .map(|lang| view! {
                    <button type="submit" name="lang" value=lang.code() lang=lang.code()>{lang.native_name()}</button>
                })
                .collect_view()}
        </form>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    let texts = use_texts().common;
    view! {
        <footer class="site-footer">
            <div class="container footer-row">
                <p>{texts.footer_note}</p>
                <nav aria-label=texts.footer_nav>
                    <ul class="nav-list">
                        <li><a href="/products">{texts.catalog_link}</a></li>
                        <li><a href="/stores">{texts.stores_link}</a></li>
                        <li><a href="/api/docs/">{texts.api_link}</a></li>
                        <li><a href="/sitemap.xml">{texts.sitemap_link}</a></li>
                    </ul>
                </nav>
            </div>
        </footer>
    }
}
