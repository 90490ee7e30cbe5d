//! `/products` and `/categories/{slug}`: a filtered, sorted, paginated product listing.

use crate::components::{absolute_url, Breadcrumbs, Crumb, ErrorView, FilterForm, PageMeta, Pagination, ProductGrid};
use crate::model::{CatalogData, Category, ProductQuery, QueryNotice};
use crate::server_fns::catalog::{get_category, list_catalog};
use leptos::prelude::*;
use leptos_meta::Link;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The listing state in the URL, parsed leniently (see [`ProductQuery::parse`]).
fn use_product_query() -> Memo<(ProductQuery, Vec<QueryNotice>)> {
    let params = use_query_map();
    Memo::new(move |_| params.with(|p| ProductQuery::parse(|key| p.get(key))))
}

/// What a listing renders: the query it answers travels with the answer, so the two never disagree
/// while a new page of results is loading.
type Listing = (ProductQuery, Vec<QueryNotice>, Option<Category>, CatalogData);

#[component]
pub fn CatalogPage() -> impl IntoView {
    let parsed = use_product_query();
    let listing = Resource::new(
        move || parsed.get(),
        |(query, notices)| async move {
            let data = list_catalog(query.clone()).await?;
            Ok::<Listing, crate::error::AppError>((query, notices, None, data))
        },
    );
    view! { <ListingLoader listing /> }
}

#[component]
pub fn CategoryPage() -> impl IntoView {
    let params = use_params_map();
    let parsed = use_product_query();
    let listing = Resource::new(
        move || (params.read().get("slug").unwrap_or_default(), parsed.get()),
        |(slug, (query, notices))| async move {
            let (category, data) = get_category(slug, query.clone()).await?;
            Ok::<Listing, crate::error::AppError>((query, notices, Some(category), data))
        },
    );
    view! { <ListingLoader listing /> }
}

/// Keeps the current results on screen while the next ones load (a `Transition`, not a `Suspense`).
#[component]
fn ListingLoader(listing: Resource<Result<Listing, crate::error::AppError>>) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="container loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok((query, notices, category, data)) => {
                        view! { <ListingView query notices category data /> }.into_any()
                    }
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ListingView(
    query: ProductQuery,
    notices: Vec<QueryNotice>,
    category: Option<Category>,
    data: CatalogData,
) -> impl IntoView {
    let results = data.results;
    let page = query.page();
    let page_count = results.page_count();
    let on_category_page = category.is_some();
    let base_path = match &category {
        Some(c) => format!("/categories/{}", c.slug),
        None => "/products".to_owned(),
    };
    let link = |page: u32| format!("{base_path}{}", query.to_query_string(page, !on_category_page));

    let heading = match (&category, query.q.is_empty()) {
        (Some(c), true) => c.name.clone(),
        (Some(c), false) => format!("{}: results for “{}”", c.name, query.q),
        (None, true) => "All products".to_owned(),
        (None, false) => format!("Results for “{}”", query.q),
    };
    let title = if page > 1 { format!("{heading} (page {page})") } else { heading.clone() };
    let description = match &category {
        Some(c) => format!("Shop {} at Tienda: {} products, with prices and photos.", c.name, results.total),
        None => {
            format!("Browse {} products at Tienda; filter by category and price, sort by price or name.", results.total)
        }
    };
    let mut crumbs = vec![Crumb::new("Home", "/"), Crumb::new("Products", "/products")];
    if let Some(c) = &category {
        crumbs.push(Crumb::new(c.name.clone(), base_path.clone()));
    }
    let empty = results.items.is_empty();
    let past_the_end = results.is_past_the_end();
    let count_text = match results.total {
        0 => "No products match.".to_owned(),
        1 => "1 product".to_owned(),
        n => format!("{n} products · page {page} of {page_count}"),
    };
    let categories = if on_category_page { Vec::new() } else { data.categories };

    view! {
        <PageMeta title description canonical_path=link(page) noindex=empty />
        {(page > 1 && !past_the_end).then(|| view! { <Link rel="prev" href=absolute_url(&link(page - 1)) /> })}
        {(page < page_count).then(|| view! { <Link rel="next" href=absolute_url(&link(page + 1)) /> })}
        <div class="container section">
            <Breadcrumbs crumbs />
            <h1>{heading}</h1>
            {(!notices.is_empty()).then(|| view! {
                <ul class="notices" role="status">
                    {notices.into_iter().map(|n| view! { <li>{n.message()}</li> }).collect_view()}
                </ul>
            })}
            <FilterForm action=base_path.clone() query=query.clone() categories />
            <p class="result-count" aria-live="polite">{count_text}</p>
            {if past_the_end && results.total > 0 {
                view! {
                    <p class="empty">
                        {format!("There is no page {page}; this listing has {page_count}. ")}
                        <a href=link(page_count)>"Go to the last page"</a>
                    </p>
                }.into_any()
            } else if empty {
                view! {
                    <p class="empty">
                        "Nothing matches these filters. Try fewer words or a wider price range, or "
                        <a href=base_path.clone()>"clear all filters"</a>
                        "."
                    </p>
                }.into_any()
            } else {
                view! { <ProductGrid products=results.items /> }.into_any()
            }}
            <Pagination base_path=base_path.clone() query page_count include_category=!on_category_page />
        </div>
    }
}
