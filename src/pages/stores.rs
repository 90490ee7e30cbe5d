//! `/stores`: the store's shops by city, with addresses, hours and a map link each, and
//! schema.org `Store` data so search engines can show them.

use crate::components::{absolute_url, boxed, json_ld, Loaded, PageMeta};
use crate::i18n::use_texts;
use crate::model::paths;
use crate::model::stores::StoreLocation;
use crate::server_fns::stores::list_stores;
use leptos::prelude::*;
use serde_json::json;

#[component]
pub fn StoresPage() -> impl IntoView {
    view! { <Loaded load=boxed(list_stores()) render=|stores| view! { <StoresView stores /> } /> }
}

#[component]
fn StoresView(stores: Vec<StoreLocation>) -> impl IntoView {
    let t = use_texts().stores;
    let structured = json!({
        "@context": "https://schema.org",
        "@type": "ItemList",
        "itemListElement": stores.iter().enumerate().map(|(i, store)| json!({
            "@type": "ListItem",
            "position": i + 1,
            "item": {
                "@type": "Store",
                "name": store.name,
                "description": store.description,
                "url": absolute_url(&paths::store(&store.slug)),
                "address": {"@type": "PostalAddress", "streetAddress": store.address, "addressLocality": store.city},
                "geo": {"@type": "GeoCoordinates", "latitude": store.latitude, "longitude": store.longitude},
            },
        })).collect::<Vec<_>>(),
    });
    let empty = stores.is_empty();
    view! {
        <PageMeta title=t.title description=t.description canonical_path="/stores" />
        {json_ld(&structured)}
        <section class="container section stores-page">
            <h1>{t.title}</h1>
            <p class="lead">{t.intro}</p>
            {empty.then(|| view! { <p>{t.none_yet}</p> })}
            {by_city(stores).into_iter().map(|(city, stores)| view! { <City city stores /> }).collect_view()}
        </section>
    }
}

/// Stores grouped by city: the cities with the most stores first, then in the order their first
/// store appears.
fn by_city(stores: Vec<StoreLocation>) -> Vec<(String, Vec<StoreLocation>)> {
    let mut cities: Vec<(String, Vec<StoreLocation>)> = Vec::new();
    for store in stores {
        match cities.iter_mut().find(|(city, _)| *city == store.city) {
            Some((_, list)) => list.push(store),
            None => cities.push((store.city.clone(), vec![store])),
        }
    }
    cities.sort_by_key(|(_, stores)| std::cmp::Reverse(stores.len()));
    cities
}

#[component]
fn City(city: String, stores: Vec<StoreLocation>) -> impl IntoView {
    let t = use_texts().stores;
    let heading_id = format!("city-{}", stores.first().map(|s| s.slug.as_str()).unwrap_or_default());
    let labelled_by = heading_id.clone();
    let count = (t.stores_in)(stores.len());
    view! {
        <section class="store-city" aria-labelledby=labelled_by>
            <h2 id=heading_id>{city}" "<span class="muted">{count}</span></h2>
            <ul class="store-list">
                {stores.into_iter().map(|store| view! { <li><StoreCard store /></li> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn StoreCard(store: StoreLocation) -> impl IntoView {
    let t = use_texts().stores;
    let map = format!(
        "https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map=17/{lat}/{lng}",
        lat = store.latitude,
        lng = store.longitude
    );
    view! {
        <article class="store-card" id=store.slug.clone()>
            <h3>{store.name.clone()}</h3>
            <p>{store.description}</p>
            <dl>
                <dt>{t.address}</dt>
                <dd>{format!("{}, {}", store.address, store.city)}</dd>
                <dt>{t.hours}</dt>
                <dd>{store.opening_hours}</dd>
            </dl>
            <a class="button button-secondary" href=map rel="noopener">{(t.map_link)(&store.name)}</a>
        </article>
    }
}
