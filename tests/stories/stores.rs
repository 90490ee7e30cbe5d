//! The store's shops: `GET /api/v1/locations` (§8 and §10 of docs/api.md: stored shops,
//! great-circle distance, nearest first) and the `/stores` page.

use crate::common;

use common::api::{client, messages, send, url};
use common::html::{attr, json_ld, text, texts};
use common::{get, spawn_seeded, Backend, SITE};

on_both_backends!(
    without_parameters_the_shops_near_upstreams_origin_come_nearest_first,
    origin_radius_and_size_choose_the_shops_and_bad_ones_get_400,
    the_stores_page_lists_every_shop_by_city_in_both_languages,
);

fn names(list: &serde_json::Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect()
}

async fn without_parameters_the_shops_near_upstreams_origin_come_nearest_first(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let answer = send(client().get(url(&app, "/locations"))).await;
    assert_eq!(answer.status, 200);
    assert_eq!(names(&answer.body), ["Tienda Mosquera", "Tienda Funza", "Tienda Kennedy", "Tienda Fontibón"]);
    let distances: Vec<f64> =
        answer.body.as_array().unwrap().iter().map(|s| s["distanceKm"].as_f64().unwrap()).collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]) && distances.iter().all(|d| *d <= 15.0), "{distances:?}");
    let first = &answer.body[0];
    for key in ["id", "name", "description", "latitude", "longitude", "address", "city", "openingHours"] {
        assert!(first.get(key).is_some(), "{key} in {first}");
    }
    assert_eq!(answer.headers["access-control-allow-origin"], "*");
    let again = send(client().get(url(&app, "/locations"))).await;
    assert_eq!(again.body, answer.body, "the same stores every time (upstream invents new ones)");
}

async fn origin_radius_and_size_choose_the_shops_and_bad_ones_get_400(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let list = |query: &'static str| {
        let app = &app;
        async move { send(client().get(url(app, &format!("/locations?{query}")))).await }
    };
    let medellin = list("origin=6.2442,-75.5812&radius=50").await;
    assert_eq!(names(&medellin.body), ["Tienda El Poblado"]);
    let madrid = list("origin=40.4168,-3.7038&radius=5").await;
    assert_eq!(names(&madrid.body), ["Tienda Malasaña"]);
    assert_eq!(list("radius=100000&size=3").await.body.as_array().map(Vec::len), Some(3), "size caps the list");
    assert_eq!(list("radius=100000").await.body.as_array().map(Vec::len), Some(10), "the default size is 10");
    assert_eq!(list("size=0").await.body, serde_json::json!([]));
    assert_eq!(list("origin=0,0&radius=100").await.body, serde_json::json!([]), "nothing in the Gulf of Guinea");

    assert_eq!(messages(&list("origin=north").await), ["origin must be a latitude,longitude string"]);
    assert_eq!(messages(&list("origin=91,10").await), ["origin must be a latitude,longitude string"]);
    assert_eq!(
        messages(&list("radius=far").await),
        ["radius must be a number conforming to the specified constraints"]
    );
    assert_eq!(
        messages(&list("radius=-1&size=-2").await),
        ["radius must not be less than 0", "size must not be less than 0"]
    );
}

async fn the_stores_page_lists_every_shop_by_city_in_both_languages(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let page = get(&app.base, "/stores").await;
    assert_eq!(page.status, 200);
    let html = page.html();
    assert_eq!(text(&html, "main h1"), "Our stores");
    assert_eq!(attr(&html, "link[rel=canonical]", "href"), format!("{SITE}/stores"));
    assert_eq!(texts(&html, ".store-card h3").len(), 10);
    let cities = texts(&html, ".store-city h2");
    assert_eq!(cities[0], "Bogotá 4 stores", "the city with most stores first");
    assert_eq!(cities[1], "Mosquera 1 store", "then in the order of their stores: {cities:?}");
    assert_eq!(cities.len(), 7);
    assert!(texts(&html, ".store-card dd").iter().any(|d| d == "Carrera 13 # 63-39, Chapinero, Bogotá"));
    let structured = json_ld(&html);
    let list = structured.iter().find(|v| v["@type"] == "ItemList").expect("an ItemList of stores");
    assert_eq!(list["itemListElement"][0]["item"]["@type"], "Store");
    assert_eq!(list["itemListElement"][0]["item"]["geo"]["latitude"], 4.7059);

    let spanish = client().get(format!("{}/stores", app.base)).header("accept-language", "es").send().await.unwrap();
    let body = spanish.text().await.unwrap();
    assert!(body.contains("<h1>Nuestras tiendas</h1>") && body.contains("Horario"), "the page in Spanish");
    assert!(common::sitemap::crawled_paths(&app.base).await.iter().any(|path| path == "/stores"));
    assert!(get(&app.base, "/").await.body.contains("href=\"/stores\""), "the footer links to it");
}
