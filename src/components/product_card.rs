//! Product cards in a responsive grid.

use crate::i18n::use_texts;
use crate::model::paths;
use crate::model::ProductSummary;
use leptos::prelude::*;

/// Images of the first row load eagerly (they are likely on screen); the rest lazily.
const EAGER_IMAGES: usize = 4;

#[component]
pub fn ProductGrid(products: Vec<ProductSummary>, #[prop(default = 2)] heading_level: u8) -> impl IntoView {
    view! {
        <ul class="product-grid">
            {products
                .into_iter()
                .enumerate()
                .map(|(i, product)| view! { <li><ProductCard product eager=i < EAGER_IMAGES heading_level /></li> })
                .collect_view()}
        </ul>
    }
}

#[component]
fn ProductCard(product: ProductSummary, eager: bool, heading_level: u8) -> impl IntoView {
    let sold_out = use_texts().catalog.product.sold_out;
    let href = paths::product(&product.slug);
    let title = product.title.clone();
    let heading = if heading_level == 3 {
        view! { <h3 class="card-title">{title}</h3> }.into_any()
    } else {
        view! { <h2 class="card-title">{title}</h2> }.into_any()
    };
    view! {
        <a class="product-card" href=href>
            <img
                src=product.image
                alt=product.title
                width="400"
                height="400"
                loading=if eager { "eager" } else { "lazy" }
                decoding="async"
            />
            <div class="card-body">
                <p class="card-category">{product.category_name}</p>
                {heading}
                <p class="card-price">
                    {product.price.to_string()}
                    {(!product.in_stock).then(|| view! { <span class="badge">{sold_out}</span> })}
                </p>
            </div>
        </a>
    }
}
