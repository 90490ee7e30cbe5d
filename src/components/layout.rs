//! The header and footer around every page.
//!
//! Both are on every page and neither changes in the browser (no island lives in them), so they
//! are written as HTML straight into a string ([`Markup`]) instead of as views: a page's shell
//! went through Leptos's generic rendering element by element, and the header read its categories
//! and its cart count through a resource and a `Suspense` each. Now one `Suspend` waits for both
//! reads and the header is a few strings. Only the cart's badge (exact HTML from the model, which
//! the page cache rewrites) stays a view; the account menu is the app's, passed in as a future.

use super::markup::Markup;
use crate::i18n::{use_lang, Lang};
use crate::model::{cart::cart_badge_html, paths, Category};
use crate::server_fns::cart::cart_count;
use crate::server_fns::catalog::list_categories;
use crate::server_fns::preferences::SetLanguage;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::tachys::html::InertElement;
use std::future::Future;
use std::pin::Pin;

/// How many categories the header links to; the catalog's filter lists them all.
const CATEGORIES_IN_HEADER: usize = 4;

/// The cart's icon: fixed markup.
const CART_ICON: &str = r#"<svg class="cart-icon" aria-hidden="true" viewBox="0 0 24 24" width="20" height="20"><path d="M3 4h2l2.4 10.2a2 2 0 0 0 2 1.6h7.8a2 2 0 0 0 2-1.5L21 8H6.2" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"></path><circle cx="10" cy="20" r="1.5" fill="currentColor"></circle><circle cx="17" cy="20" r="1.5" fill="currentColor"></circle></svg>"#;

/// The account menu's HTML, once it is known: the app's (it knows who is signed in), finished
/// inside the header's wait.
pub type AccountMenuHtml = Pin<Box<dyn Future<Output = String> + Send>>;

/// The header: the brand, navigation and search, the language switch, the cart, and at the end of
/// the row the `account` menu.
///
/// Everything it reads is awaited in one future, in a `Suspense`. Standing alone, that `Suspend`
/// cost the worker a third more system time per request (`bench/cpu`); in the `Suspense`,
/// `/login` served 5 % more and `/products` 3 % (`wrk`, both builds on one core). The `Suspense`
/// only waits for that one future (a wait nested in its view would render nothing), which is why
/// the account menu comes in as a future rather than as a view. When Leptos lists the routes at
/// start-up, by rendering the app once outside any request, the `Suspense` writes its (empty)
/// fallback and reads nothing.
#[component]
pub fn SiteHeader(account: AccountMenuHtml) -> impl IntoView {
    let lang = use_lang();
    let header = Suspend::new(async move {
        // A header without category links is still a working header, and one whose count cannot
        // be read still links to the cart.
        let categories = list_categories().await.unwrap_or_default();
        let count = cart_count().await.unwrap_or(0);
        let account = account.await;
        view! {
            {InertElement::new(brand_navigation_and_search(lang, &categories))}
            <div class="header-tools">
                {InertElement::new(language_switch(lang))}
                <a class="cart-link" href=paths::CART>
                    {InertElement::new(cart_icon_and_name(lang))}
                    <span class="cart-badge" inner_html=cart_badge_html(count, lang.texts().orders.items_in_cart)></span>
                </a>
                {InertElement::new(account)}
            </div>
        }
    });
    view! {
        <header class="site-header">
            <div class="container header-row">
                <Suspense>{header}</Suspense>
            </div>
        </header>
    }
}

/// The brand, the main navigation (every product, the first categories) and the search form.
fn brand_navigation_and_search(lang: Lang, categories: &[Category]) -> String {
    let texts = lang.texts();
    let mut html = Markup::with_capacity(1024);
    // On the narrowest phones the mark stands alone (the name stays for screen readers), so the
    // language switch, the cart and the account fit beside it.
    html.raw(r#"<a class="brand" href="/"><span class="brand-mark" aria-hidden="true">T</span>"#)
        .raw(r#"<span class="brand-name">Tienda</span></a>"#);
    html.raw("<nav").attr("aria-label", texts.common.main_nav).raw(r#"><ul class="nav-list">"#);
    html.raw(r#"<li><a href="/products">"#).text(texts.catalog.all_products).raw("</a></li>");
    for category in categories.iter().take(CATEGORIES_IN_HEADER) {
        html.raw("<li><a").attr("href", &paths::category(&category.slug)).raw(">");
        html.text(&category.name).raw("</a></li>");
    }
    html.raw("</ul></nav>");
    let search = texts.common.search_products;
    html.raw(r#"<form class="header-search" method="get" action="/products" role="search""#)
        .attr("aria-label", search)
        .raw(r#"><label for="header-q" class="visually-hidden">"#)
        .text(search)
        .raw(r#"</label><input id="header-q" type="search" name="q" maxlength="100""#)
        .attr("placeholder", search)
        .raw(r#"><button type="submit">"#)
        .text(texts.common.search_button)
        .raw("</button></form>");
    html.into_string()
}

/// One button per language the page is not in, named in that language: whoever cannot read the
/// current page can still read its name. A plain form, so it works without JavaScript too: the
/// browser posts the choice, the server sets the cookie and sends the browser back where it was.
fn language_switch(current: Lang) -> String {
    let mut html = Markup::with_capacity(256);
    html.raw(r#"<form class="language-switch" method="post""#)
        .attr("action", SetLanguage::url())
        .attr("aria-label", current.texts().common.language)
        .raw(">");
    for lang in Lang::ALL.into_iter().filter(|lang| *lang != current) {
        html.raw(r#"<button type="submit" name="lang""#).attr("value", lang.code()).attr("lang", lang.code()).raw(">");
        html.text(lang.native_name()).raw("</button>");
    }
    html.raw("</form>");
    html.into_string()
}

/// The icon and the word: the icon and the count say it in sight; the word is for screen readers
/// (the header must fit a phone's width in both languages).
fn cart_icon_and_name(lang: Lang) -> String {
    let mut html = Markup::with_capacity(640);
    html.raw(CART_ICON).raw(r#"<span class="visually-hidden">"#).text(lang.texts().orders.cart_link).raw("</span>");
    html.into_string()
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    let texts = use_lang().texts().common;
    let mut html = Markup::with_capacity(512);
    html.raw(r#"<footer class="site-footer"><div class="container footer-row"><p>"#)
        .text(texts.footer_note)
        .raw("</p>");
    html.raw("<nav").attr("aria-label", texts.footer_nav).raw(r#"><ul class="nav-list">"#);
    let links = [
        ("/products", texts.catalog_link),
        ("/stores", texts.stores_link),
        ("/api/docs/", texts.api_link),
        ("/sitemap.xml", texts.sitemap_link),
    ];
    for (href, name) in links {
        html.raw("<li><a").attr("href", href).raw(">").text(name).raw("</a></li>");
    }
    html.raw("</ul></nav></div></footer>");
    InertElement::new(html.into_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(name: &str, slug: &str) -> Category {
        Category { id: 1, name: name.into(), slug: slug.into(), image: String::new() }
    }

    #[test]
    fn category_names_and_slugs_cannot_leave_their_link() {
        let hostile = r#""><img src=x onerror=alert(1)>"#;
        let html = brand_navigation_and_search(Lang::En, &[category(hostile, hostile)]);
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&gt;&lt;img src=x onerror=alert(1)&gt;</a></li>"), "{html}");
        assert!(html.contains(r#"<li><a href="/categories/"#), "{html}");
    }

    #[test]
    fn the_header_links_the_first_categories_and_names_the_other_language() {
        let categories: Vec<Category> = ["a", "b", "c", "d", "e"].iter().map(|slug| category(slug, slug)).collect();
        let html = brand_navigation_and_search(Lang::Es, &categories);
        assert!(html.contains(r#"<a href="/categories/d">d</a>"#), "{html}");
        assert!(!html.contains("/categories/e"), "only {CATEGORIES_IN_HEADER} categories: {html}");
        assert!(html.contains(r#"placeholder="Buscar productos""#), "{html}");
        let switch = language_switch(Lang::Es);
        assert!(
            switch.contains(r#"<button type="submit" name="lang" value="en" lang="en">English</button>"#),
            "{switch}"
        );
        assert!(!switch.contains("Español"), "{switch}");
    }
}
