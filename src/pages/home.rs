use crate::components::{boxed, cart_note_products, CartNote, Loaded, PageMeta, ProductGrid};
use crate::i18n::use_texts;
use crate::model::paths;
use crate::model::{Category, HomeData};
use crate::server_fns::catalog::get_home;
use leptos::prelude::*;

/// `/`: the categories and the newest products.
#[component]
pub fn HomePage() -> impl IntoView {
    view! { <Loaded load=boxed(get_home()) render=|data| view! { <HomeView data /> } /> }
}

#[component]
fn HomeView(data: HomeData) -> impl IntoView {
    let texts = &use_texts().catalog.home;
    view! {
        <PageMeta title=texts.title description=texts.description canonical_path="/" />
        <section class="hero">
            <div class="container">
                <h1>{texts.title}</h1>
                <p>{texts.tagline}</p>
                <a class="button button-light" href="/products">{texts.shop_all}</a>
            </div>
        </section>
        <section class="container section" aria-labelledby="categories-heading">
            <h2 id="categories-heading">{texts.by_category}</h2>
            <ul class="category-grid">
                {data
                    .categories
                    .into_iter()
                    .enumerate()
                    .map(|(i, category)| view! { <li><CategoryTile category position=i /></li> })
                    .collect_view()}
            </ul>
        </section>
        <section class="container section" aria-labelledby="newest-heading">
            <h2 id="newest-heading">{texts.new_arrivals}</h2>
            <CartNote products=cart_note_products(data.newest.iter().map(|p| (p.id, p.title.as_str()))) />
            <ProductGrid products=data.newest heading_level=3 />
        </section>
    }
}

/// `position` in the grid: the tiles are the first images under the hero, so the first row loads at
/// once and the very first one (a phone's largest paint) ahead of everything else.
#[component]
fn CategoryTile(category: Category, position: usize) -> impl IntoView {
    view! {
        <a class="category-tile" href=paths::category(&category.slug)>
            <img
                src=paths::picture_src(&category.image)
                alt=""
                width="400"
                height="400"
                loading=if position < 3 { "eager" } else { "lazy" }
                fetchpriority=if position == 0 { "high" } else { "auto" }
            />
            <span>{category.name}</span>
        </a>
    }
}
