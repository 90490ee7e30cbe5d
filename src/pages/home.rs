use crate::components::{ErrorView, PageMeta, ProductGrid};
use crate::model::{Category, HomeData};
use crate::server_fns::catalog::get_home;
use leptos::prelude::*;

/// `/`: the categories and the newest products.
#[component]
pub fn HomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| get_home());
    view! {
        <Suspense fallback=|| view! { <p class="container loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(data) => view! { <HomeView data /> }.into_any(),
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HomeView(data: HomeData) -> impl IntoView {
    view! {
        <PageMeta
            title="Everyday things, fairly priced"
            description="Clothes, electronics, furniture, shoes and more: browse the Tienda catalog and find something you like."
            canonical_path="/"
        />
        <section class="hero">
            <div class="container">
                <h1>"Everyday things, fairly priced"</h1>
                <p>"Clothes, electronics, furniture and shoes, picked with care and shipped fast."</p>
                <a class="button button-light" href="/products">"Shop all products"</a>
            </div>
        </section>
        <section class="container section" aria-labelledby="categories-heading">
            <h2 id="categories-heading">"Shop by category"</h2>
            <ul class="category-grid">
                {data.categories.into_iter().map(|category| view! { <li><CategoryTile category /></li> }).collect_view()}
            </ul>
        </section>
        <section class="container section" aria-labelledby="newest-heading">
            <h2 id="newest-heading">"New arrivals"</h2>
            <ProductGrid products=data.newest heading_level=3 />
        </section>
    }
}

#[component]
fn CategoryTile(category: Category) -> impl IntoView {
    view! {
        <a class="category-tile" href=format!("/categories/{}", category.slug)>
            <img src=category.image alt="" width="400" height="400" loading="lazy" />
            <span>{category.name}</span>
        </a>
    }
}
