//! `/products/{slug}`: one product, its gallery and related products.

use crate::components::{
    absolute_url, boxed, cart_note_products, json_ld, AddToCartForm, Breadcrumbs, CartAddsInPlace, CartNote, Crumb,
    Gallery, Loaded, PageMeta, ProductGrid,
};
use crate::i18n::use_lang;
use crate::model::paths;
use crate::model::{Product, ProductDetail};
use crate::server_fns::{catalog::get_product, page_context::store_currency};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::Serialize;

#[component]
pub fn ProductPage() -> impl IntoView {
    let slug = use_params_map().read_untracked().get("slug").unwrap_or_default();
    view! { <Loaded load=boxed(get_product(slug)) render=|detail| view! { <ProductView detail /> } /> }
}

#[component]
fn ProductView(detail: ProductDetail) -> impl IntoView {
    let ProductDetail { product, related } = detail;
    let lang = use_lang();
    let texts = lang.texts().catalog;
    let path = paths::product(&product.slug);
    let crumbs = vec![
        Crumb::new(texts.crumb_home, "/"),
        Crumb::new(texts.crumb_products, "/products"),
        Crumb::new(product.category.name.clone(), paths::category(&product.category.slug)),
        Crumb::new(product.title.clone(), path.clone()),
    ];
    let availability = if product.stock > 0 { texts.product.in_stock } else { texts.product.sold_out };
    let shown = cart_note_products(
        std::iter::once((product.id, product.title.as_str())).chain(related.iter().map(|p| (p.id, p.title.as_str()))),
    );
    view! {
        <PageMeta
            title=product.title.clone()
            description=summary(&product.description)
            canonical_path=path.clone()
            image=product.images.first().cloned().unwrap_or_default()
            og_type="product"
        />
        {json_ld(&structured_data(&product, &path))}
        <div class="container section">
            <Breadcrumbs crumbs />
            <article class="product">
                <Gallery images=product.images.clone() title=product.title.clone() initial=requested_image() lang />
                <div class="product-info">
                    <p class="card-category">
                        <a href=paths::category(&product.category.slug)>{product.category.name.clone()}</a>
                    </p>
                    <h1>{product.title.clone()}</h1>
                    <p class="product-price">{store_currency().format(product.price)}</p>
                    <p class={if product.stock > 0 { "stock in-stock" } else { "stock sold-out" }}>
                        {availability}
                    </p>
                    <CartNote products=shown />
                    {(product.stock > 0).then(|| view! {
                        <AddToCartForm product_id=product.id title=product.title.clone() stock=product.stock
                            back=path.clone() />
                        <CartAddsInPlace lang />
                    })}
                    <p class="product-description">{product.description.clone()}</p>
                    <dl class="product-facts">
                        <dt>{texts.product.sku}</dt>
                        <dd>{product.sku()}</dd>
                        <dt>{texts.product.category}</dt>
                        <dd>{product.category.name.clone()}</dd>
                    </dl>
                </div>
            </article>
            {(!related.is_empty()).then(|| view! {
                <section class="section" aria-labelledby="related-heading">
                    <h2 id="related-heading">{texts.product.related}</h2>
                    <ProductGrid products=related heading_level=3 />
                </section>
            })}
        </div>
    }
}

/// The gallery image named in the URL (`?image=2`), 1 when absent or not a number.
fn requested_image() -> usize {
    use_query_map().read_untracked().get("image").and_then(|n| n.parse().ok()).unwrap_or(1)
}

/// The first sentence or so of a description, for `<meta name="description">`.
fn summary(description: &str) -> String {
    const MAX: usize = 160;
    if description.chars().count() <= MAX {
        return description.to_owned();
    }
    let cut: String = description.chars().take(MAX - 1).collect();
    format!("{}…", cut.trim_end())
}

/// schema.org `Product` with its offer, for rich results.
#[derive(Serialize)]
struct ProductData<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    description: &'a str,
    sku: String,
    image: Vec<String>,
    category: &'a str,
    url: String,
    offers: Offer,
}

#[derive(Serialize)]
struct Offer {
    #[serde(rename = "@type")]
    kind: &'static str,
    price: String,
    #[serde(rename = "priceCurrency")]
    price_currency: &'static str,
    availability: &'static str,
    url: String,
}

fn structured_data<'a>(product: &'a Product, path: &str) -> ProductData<'a> {
    let availability = if product.stock > 0 { "https://schema.org/InStock" } else { "https://schema.org/OutOfStock" };
    let url = absolute_url(path);
    ProductData {
        context: "https://schema.org",
        kind: "Product",
        name: &product.title,
        description: &product.description,
        sku: product.sku(),
        image: product.images.iter().map(|i| absolute_url(i)).collect(),
        category: &product.category.name,
        url: url.clone(),
        offers: Offer {
            kind: "Offer",
            price: product.price.decimal(),
            price_currency: store_currency().code(),
            availability,
            url,
        },
    }
}
