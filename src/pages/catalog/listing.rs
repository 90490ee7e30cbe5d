//! `/products` and `/categories/{slug}`: a filtered, sorted, paginated product listing.
//!
//! The server renders the whole page. The part a shopper works with (heading, filter form,
//! results, pagination) is an island: in the browser, submitting the form or following a page
//! link fetches only the new results through a server function and updates the address, instead
//! of loading a new document. Without JavaScript the same form and links load pages as usual.

use crate::components::{
    absolute_url, browser, Breadcrumbs, CartNote, Crumb, FilterForm, Loaded, PageMeta, Pagination, ProductGrid,
};
use crate::error::AppError;
use crate::i18n::{use_lang, Lang};
use crate::model::paths;
use crate::model::{money::Currency, CatalogData, Category, Cursor, ProductQuery, QueryNotice};
use crate::server_fns::catalog::{get_category, list_catalog};
use crate::server_fns::page_context::store_currency;
use leptos::prelude::*;
use leptos_meta::Link;
use leptos_router::hooks::{use_params_map, use_query_map};

/// What a listing renders: the query it answers travels with the answer, so the two never disagree.
pub type Listing = (ProductQuery, Vec<QueryNotice>, Option<Category>, CatalogData);

#[component]
pub fn CatalogPage() -> impl IntoView {
    let params = use_query_map();
    let listing = Resource::new(
        move || params.with(|p| ProductQuery::parse(|key| p.get(key))),
        |(query, notices)| async move {
            let data = list_catalog(query.clone()).await?;
            Ok::<Listing, AppError>((query, notices, None, data))
        },
    );
    view! { <ListingLoader listing /> }
}

#[component]
pub fn CategoryPage() -> impl IntoView {
    let path = use_params_map();
    let params = use_query_map();
    let listing = Resource::new(
        move || (path.read().get("slug").unwrap_or_default(), params.with(|p| ProductQuery::parse(|key| p.get(key)))),
        |(slug, (query, notices))| async move {
            let (category, data) = get_category(slug, query.clone()).await?;
            Ok::<Listing, AppError>((query, notices, Some(category), data))
        },
    );
    view! { <ListingLoader listing /> }
}

#[component]
fn ListingLoader(listing: Resource<Result<Listing, AppError>>) -> impl IntoView {
    view! { <Loaded resource=listing render=|listing| view! { <ListingView listing /> } /> }
}

/// The page around the island: head tags and breadcrumbs, rendered on the server only.
#[component]
fn ListingView(listing: Listing) -> impl IntoView {
    let (query, _, category, data) = &listing;
    let results = &data.results;
    let page = results.page;
    let lang = use_lang();
    let texts = lang.texts().catalog;
    let description = match category {
        Some(c) => (texts.listing.category_description)(&c.name, results.total),
        None => (texts.listing.catalog_description)(results.total),
    };
    let mut crumbs = vec![Crumb::new(texts.crumb_home, "/"), Crumb::new(texts.crumb_products, "/products")];
    if let Some(c) = category {
        crumbs.push(Crumb::new(c.name.clone(), base_path(Some(c))));
    }
    view! {
        <PageMeta
            title=page_title(lang, query, category.as_ref())
            description
            canonical_path=listing_url(query, category.as_ref(), page, query.cursor.as_ref())
            noindex=results.items.is_empty()
        />
        {results.previous(query).map(|to| {
            view! { <Link rel="prev" href=absolute_url(&listing_url(query, category.as_ref(), to.page, to.cursor.as_ref())) /> }
        })}
        {results.next(query).map(|to| {
            view! { <Link rel="next" href=absolute_url(&listing_url(query, category.as_ref(), to.page, to.cursor.as_ref())) /> }
        })}
        <div class="container section">
            <Breadcrumbs crumbs />
            // Outside the island: it reads the address, and an island in the browser has no router.
            <CartNote />
            <CatalogBrowser initial=listing lang currency=store_currency() />
        </div>
    }
}

/// How a new listing got asked for, which decides what happens to the browser history.
#[derive(Clone, Copy)]
enum Move {
    /// The form or a page link: a new history entry.
    Push,
    /// Back/forward: the address is already right.
    Keep,
}

/// `lang` and `currency` travel as props: an island in the browser has no server context to read
/// them from.
#[island]
fn CatalogBrowser(initial: Listing, lang: Lang, currency: Currency) -> impl IntoView {
    provide_context(lang);
    provide_context(currency);
    let category = initial.2.clone();
    let listing = RwSignal::new(initial);
    let busy = RwSignal::new(false);
    // Answers can arrive out of order; only the newest request may change the page.
    let newest_request = StoredValue::new(0_u64);

    let load = {
        let category = category.clone();
        move |(query, notices): (ProductQuery, Vec<QueryNotice>), step: Move| {
            let category = category.clone();
            let url = listing_url(&query, category.as_ref(), query.page(), query.cursor.as_ref());
            let ticket = newest_request.get_value() + 1;
            newest_request.set_value(ticket);
            busy.set(true);
            leptos::task::spawn_local(async move {
                let fetched = match &category {
                    Some(c) => get_category(c.slug.clone(), query.clone()).await.map(|(_, data)| data),
                    None => list_catalog(query.clone()).await,
                };
                if newest_request.get_value() != ticket {
                    return;
                }
                busy.set(false);
                match fetched {
                    Ok(data) => {
                        if let Move::Push = step {
                            browser::push_url(&url);
                        }
                        document().set_title(&format!("{} · Tienda", page_title(lang, &query, category.as_ref())));
                        listing.set((query, notices, category, data));
                    }
                    // Let the server render the page, error and all.
                    Err(_) => {
                        let _ = window().location().set_href(&url);
                    }
                }
            });
        }
    };

    // On a category page the path, not the form or query string, names the category.
    let in_this_category = {
        let category = category.clone();
        move |(mut query, notices): (ProductQuery, Vec<QueryNotice>)| {
            if let Some(c) = &category {
                query.category = Some(c.slug.clone());
            }
            (query, notices)
        }
    };
    let from_search = {
        let in_this_category = in_this_category.clone();
        move |search: &str| in_this_category(ProductQuery::parse(|key| browser::query_param(search, key)))
    };
    let on_back_or_forward = {
        let (load, from_search) = (load.clone(), from_search.clone());
        move |_| load(from_search(&browser::current_search()), Move::Keep)
    };
    let _ = window_event_listener(leptos::ev::popstate, on_back_or_forward);
    let on_filter = {
        let load = load.clone();
        Callback::new(move |submitted| load(in_this_category(submitted), Move::Push))
    };
    let on_page = Callback::new(move |href: String| {
        let search = href.find('?').map(|i| href[i..].to_owned()).unwrap_or_default();
        load(from_search(&search), Move::Push)
    });

    view! {
        <div class="catalog" aria-busy=move || busy.get().to_string()>
            {move || {
                let (query, notices, category, data) = listing.get();
                view! { <ListingBody query notices category data on_filter on_page /> }
            }}
        </div>
    }
}

/// Heading, notices, filter form, results and pagination: everything the island re-renders.
#[component]
fn ListingBody(
    query: ProductQuery,
    notices: Vec<QueryNotice>,
    category: Option<Category>,
    data: CatalogData,
    on_filter: Callback<(ProductQuery, Vec<QueryNotice>)>,
    on_page: Callback<String>,
) -> impl IntoView {
    let results = data.results;
    let page = results.page;
    let page_count = results.page_count();
    let (previous, next) = (results.previous(&query), results.next(&query));
    let base = base_path(category.as_ref());
    let on_category_page = category.is_some();
    let lang = use_lang();
    let texts = &lang.texts().catalog.listing;
    let count_text = (texts.results_count)(results.total, page, page_count);
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
        view! { <ProductGrid products=results.items leads_the_page=true /> }.into_any()
    };
    let categories = if on_category_page { Vec::new() } else { data.categories };
    view! {
        <h1>{heading(lang, &query, category.as_ref())}</h1>
        {(!notices.is_empty()).then(|| view! {
            <ul class="notices" role="status">
                {notices.into_iter().map(|n| view! { <li>{n.message(lang)}</li> }).collect_view()}
            </ul>
        })}
        <FilterForm action=base.clone() query=query.clone() categories on_submit=on_filter />
        <p class="result-count" aria-live="polite">{count_text}</p>
        {outcome}
        <Pagination base_path=base query current=page page_count previous next include_category=!on_category_page
            on_follow=on_page />
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
