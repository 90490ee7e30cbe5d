//! `/products` and `/categories/{slug}`: a filtered, sorted, paginated product listing.
//!
//! The server renders the whole page, and only the server renders it: the listing is plain HTML,
//! with no island props to serialise and no code in the WebAssembly. The filter form is a GET form
//! and the page links are links, so without JavaScript they load pages as usual. With JavaScript,
//! a small island ([`super::in_place`]) asks the server for that same address and swaps the new
//! listing in, keeping the address bar, back and forward in step.

use super::in_place::{CatalogInPlace, LISTING_STATUS_ID};
use crate::components::{
    absolute_url, boxed, cart_note_products, Breadcrumbs, CartNote, Crumb, FilterForm, Loaded, PageMeta, Pagination,
    ProductGrid,
};
use crate::error::AppError;
use crate::i18n::{use_lang, Lang};
use crate::model::paths;
use crate::model::{CatalogData, Category, Cursor, PageAddress, ProductQuery, QueryNotice};
use crate::server_fns::catalog::{get_category, list_catalog};
use leptos::prelude::*;
use leptos_meta::Link;
use leptos_router::hooks::{use_params_map, use_query_map};

/// What a listing renders: the query it answers travels with the answer, so the two never disagree.
pub type Listing = (ProductQuery, Vec<QueryNotice>, Option<Category>, CatalogData);

#[component]
pub fn CatalogPage() -> impl IntoView {
    let (mut query, mut notices) = use_query_map().with_untracked(|p| ProductQuery::parse(|key| p.get(key)));
    let listing = boxed(async move {
        let data = list_catalog(query.clone()).await?;
        // The listing came without it too (`services::catalog::catalog`).
        query.forget_unknown_category(&data.categories, &mut notices);
        Ok::<Listing, AppError>((query, notices, None, data))
    });
    view! { <Loaded load=listing render=|listing| view! { <ListingView listing /> } /> }
}

#[component]
pub fn CategoryPage() -> impl IntoView {
    let slug = use_params_map().read_untracked().get("slug").unwrap_or_default();
    let (query, notices) = use_query_map().with_untracked(|p| ProductQuery::parse(|key| p.get(key)));
    let listing = boxed(async move {
        let (category, data) = get_category(slug, query.clone()).await?;
        Ok::<Listing, AppError>((query, notices, Some(category), data))
    });
    view! { <Loaded load=listing render=|listing| view! { <ListingView listing /> } /> }
}

/// The whole page: head tags, breadcrumbs and, in `.catalog`, the part the island swaps.
#[component]
fn ListingView(listing: Listing) -> impl IntoView {
    let (query, notices, category, data) = listing;
    let results = &data.results;
    if results.is_past_the_end() {
        crate::server_fns::page_context::answer_not_found();
    }
    let lang = use_lang();
    let texts = lang.texts().catalog;
    let description = match &category {
        Some(c) => (texts.listing.category_description)(&c.name, results.total),
        None => (texts.listing.catalog_description)(results.total),
    };
    let mut crumbs = vec![Crumb::new(texts.crumb_home, "/"), Crumb::new(texts.crumb_products, "/products")];
    if let Some(c) = &category {
        crumbs.push(Crumb::new(c.name.clone(), base_path(Some(c))));
    }
    let address = |page: u32, cursor: Option<&Cursor>| listing_url(&query, category.as_ref(), page, cursor);
    let canonical_path = address(results.page, query.cursor.as_ref());
    let beside = |to: Option<PageAddress>| to.map(|to| absolute_url(&address(to.page, to.cursor.as_ref())));
    let (previous, next) = (beside(results.previous(&query)), beside(results.next(&query)));
    let noindex = results.items.is_empty() || !query.is_indexable_listing(category.is_some());
    let title = page_title(lang, &query, category.as_ref());
    view! {
        <PageMeta title description canonical_path noindex />
        {previous.map(|href| view! { <Link rel="prev" href /> })}
        {next.map(|href| view! { <Link rel="next" href /> })}
        <div class="container section">
            <Breadcrumbs crumbs />
            // Outside `.catalog`: the note about the add that brought the visitor here is not
            // repeated by a listing swapped in later.
            <CartNote products=cart_note_products(results.items.iter().map(|p| (p.id, p.title.as_str()))) />
            <div class="catalog" aria-busy="false">
                <ListingBody query notices category data />
            </div>
            // Empty until a listing is swapped in: then it says the new count (a live region
            // announces changes, and the count inside `.catalog` is a new element each time).
            <p id=LISTING_STATUS_ID class="visually-hidden" role="status"></p>
            <CatalogInPlace lang />
        </div>
    }
}

/// Heading, notices, filter form, results and pagination: everything a new listing replaces.
#[component]
fn ListingBody(
    query: ProductQuery,
    notices: Vec<QueryNotice>,
    category: Option<Category>,
    data: CatalogData,
) -> impl IntoView {
    let results = data.results;
    let page = results.page;
    let page_count = results.page_count();
    let (previous, next) = (results.previous(&query), results.next(&query));
    let base = base_path(category.as_ref());
    let on_category_page = category.is_some();
    let lang = use_lang();
    let texts = &lang.texts().catalog.listing;
    let count_text = match results.more_match_than_listed {
        true => (texts.results_count_of_more)(results.total, page, page_count),
        false => (texts.results_count)(results.total, page, page_count),
    };
    let outcome = if results.is_past_the_end() && results.total > 0 {
        let last = listing_url(&query, category.as_ref(), page_count, None);
        view! {
            <p class="empty">
                {(texts.no_such_page)(page, page_count)}
                <a href=last>{texts.last_page_link}</a>
            </p>
        }
        .into_any()
    } else if results.items.is_empty() {
        view! {
            <p class="empty">
                {texts.no_match_before}
                <a href=base.clone()>{texts.clear_filters}</a>
                {texts.no_match_after}
            </p>
        }
        .into_any()
    } else {
        // `CatalogInPlace` makes the cards' adds in place, those of listings swapped in later included.
        let back = listing_url(&query, category.as_ref(), page, query.cursor.as_ref());
        view! { <ProductGrid products=results.items leads_the_page=true adds_handled_by_page=true back /> }.into_any()
    };
    let categories = if on_category_page { Vec::new() } else { data.categories };
    view! {
        <h1>{heading(lang, &query, category.as_ref())}</h1>
        {(!notices.is_empty()).then(|| view! {
            <ul class="notices" role="status">
                {notices.into_iter().map(|n| view! { <li>{n.message(lang)}</li> }).collect_view()}
            </ul>
        })}
        <FilterForm action=base.clone() query=query.clone() categories />
        <p class="result-count">{count_text}</p>
        {outcome}
        <Pagination base_path=base query current=page page_count previous next include_category=!on_category_page />
    }
}

fn base_path(category: Option<&Category>) -> String {
    match category {
        Some(c) => paths::category(&c.slug),
        None => "/products".to_owned(),
    }
}

/// The listing's address for `page`, found by `cursor` if given (path and canonical query string).
fn listing_url(query: &ProductQuery, category: Option<&Category>, page: u32, cursor: Option<&Cursor>) -> String {
    format!("{}{}", base_path(category), query.to_query_string_at(page, cursor, category.is_none()))
}

fn heading(lang: Lang, query: &ProductQuery, category: Option<&Category>) -> String {
    let texts = lang.texts().catalog;
    match (category, query.q.is_empty()) {
        (Some(c), true) => c.name.clone(),
        (Some(c), false) => (texts.listing.category_results_for)(&c.name, &query.q),
        (None, true) => texts.all_products.to_owned(),
        (None, false) => (texts.listing.results_for)(&query.q),
    }
}

fn page_title(lang: Lang, query: &ProductQuery, category: Option<&Category>) -> String {
    match query.page() {
        1 => heading(lang, query, category),
        page => (lang.texts().catalog.listing.paged_title)(&heading(lang, query, category), page),
    }
}
