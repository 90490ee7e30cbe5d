//! Product cards in a responsive grid.

use super::{AddToCartForm, CartAddsInPlace};
use crate::i18n::{use_lang, use_texts};
use crate::model::paths;
use crate::model::ProductSummary;
use crate::server_fns::page_context::store_currency;
use leptos::prelude::*;

/// Images of the first row load eagerly (they are likely on screen); the rest lazily.
const EAGER_IMAGES: usize = 4;

#[component]
pub fn ProductGrid(
    products: Vec<ProductSummary>,
    #[prop(default = 2)] heading_level: u8,
    /// The grid leads the page, so its first image is likely the largest thing painted first
    /// (the LCP): the browser fetches it ahead of everything else.
    #[prop(optional)]
    leads_the_page: bool,
    /// Another island of the page already makes adds in place (it calls `listen_for_cart_adds`),
    /// so the grid renders no [`CartAddsInPlace`] of its own: one island less to hydrate.
    #[prop(optional)]
    adds_handled_by_page: bool,
) -> impl IntoView {
    // A card's add to cart comes back to this very page (same filters, same page) without JavaScript.
    let here = current_address();
    let adds_here = !adds_handled_by_page && products.iter().any(|product| product.in_stock);
    view! {
        <ul class="product-grid">
            {products
                .into_iter()
                .enumerate()
                .map(|(i, product)| view! {
                    <li><ProductCard product eager=i < EAGER_IMAGES urgent=leads_the_page && i == 0 heading_level
                        back=here.clone() /></li>
                })
                .collect_view()}
        </ul>
        {adds_here.then(|| view! { <CartAddsInPlace lang=use_lang() /> })}
    }
}

#[component]
fn ProductCard(product: ProductSummary, eager: bool, urgent: bool, heading_level: u8, back: String) -> impl IntoView {
    let sold_out = use_texts().catalog.product.sold_out;
    let add = product.in_stock.then(|| {
        view! {
            <AddToCartForm product_id=product.id title=product.title.clone() stock=1 with_quantity=false back />
        }
    });
    let href = paths::product(&product.slug);
    let title = product.title.clone();
    let heading = if heading_level == 3 {
        view! { <h3 class="card-title">{title}</h3> }.into_any()
    } else {
        view! { <h2 class="card-title">{title}</h2> }.into_any()
    };
    view! {
        <div class="product-card">
        <a class="card-link" href=href>
            <img
                src=product.image
                alt=product.title
                width="400"
                height="400"
                loading=if eager { "eager" } else { "lazy" }
                fetchpriority=if urgent { "high" } else { "auto" }
                decoding="async"
            />
            <div class="card-body">
                <p class="card-category">{product.category_name}</p>
                {heading}
                <p class="card-price">
                    {store_currency().format(product.price)}
                    {(!product.in_stock).then(|| view! { <span class="badge">{sold_out}</span> })}
                </p>
            </div>
        </a>
        {add}
        </div>
    }
}

/// The page's path and query (grids are rendered on the server only).
fn current_address() -> String {
    let location = leptos_router::hooks::use_location();
    let search = location.search.get_untracked();
    if search.is_empty() {
        location.pathname.get_untracked()
    } else {
        format!("{}?{search}", location.pathname.get_untracked())
    }
}
