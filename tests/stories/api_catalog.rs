//! `GET /api/v1` products and categories, on the Platzi Fake Store contract: shapes, filters,
//! pagination, errors and CORS, as an API client sees them.

use crate::common;

use common::{spawn_seeded, Backend, TestApp, SITE};
use serde_json::Value;

on_both_backends!(
    products_come_in_upstreams_shape_in_id_order,
    filters_and_pagination_follow_the_contract,
    the_title_filter_ignores_the_case_of_every_letter,
    bad_queries_and_unknown_ids_get_json_errors,
    related_products_share_the_category,
    categories_and_their_products,
    any_origin_may_read_and_preflights_get_204,
    a_back_office_change_shows_in_the_api_at_once,
);

async fn get_json(app: &TestApp, path: &str) -> (u16, Value, reqwest::header::HeaderMap) {
    let page = common::get(&app.base, path).await;
    let body = serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("{path}: {e}: {}", page.body));
    (page.status, body, page.headers)
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect()
}

fn prices(list: &Value) -> Vec<f64> {
    list.as_array().unwrap().iter().map(|p| p["price"].as_f64().unwrap()).collect()
}

async fn products_come_in_upstreams_shape_in_id_order(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let (status, list, _) = get_json(&app, "/api/v1/products").await;
    assert_eq!(status, 200);
    assert_eq!(ids(&list), (1..=51).collect::<Vec<_>>());
    let first = &list[0];
    let keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    for key in ["id", "title", "slug", "price", "description", "category", "images", "creationAt", "updatedAt"] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert!(first["price"].is_number());
    assert!(first["creationAt"].as_str().unwrap().ends_with(".000Z"), "{}", first["creationAt"]);
    assert!(first["category"]["creationAt"].is_string() && first["category"]["slug"].is_string());
    let image = first["images"][0].as_str().unwrap();
    assert!(image.starts_with(&format!("{SITE}/media/")), "our images come with the whole address: {image}");
    assert_eq!(get_json(&app, "/api/v1/products/").await.1, list, "a trailing slash is the same list");
    // Upstream takes a trailing slash on every path, and so does Tienda.
    assert_eq!(get_json(&app, "/api/v1/products/1/").await.1, list[0]);
    assert_eq!(get_json(&app, "/api/v1/products/1/related/").await.0, 200);
    assert_eq!(get_json(&app, "/api/v1/categories/1/products/?limit=2").await.1.as_array().map(Vec::len), Some(2));
    let login = common::api::send(
        common::api::client()
            .post(format!("{}/api/v1/auth/login/", app.base))
            .json(&serde_json::json!({"email": "john@mail.com", "password": "changeme"})),
    )
    .await;
    assert_eq!(login.status, 201, "POST /auth/login/ signs in: {}", login.body);
    assert_eq!(get_json(&app, "/api/v1/products//").await.0, 404, "one slash is forgiven, not two");
    // A whole price is a JSON integer (42), as upstream sends it, not 42.0.
    assert!(
        list.as_array().unwrap().iter().all(|p| p["price"].is_i64()),
        "the demo's prices are whole: {}",
        list[0]["price"]
    );
    let (status, one, _) = get_json(&app, "/api/v1/products/1").await;
    assert_eq!((status, &one), (200, first));
    let slug = first["slug"].as_str().unwrap();
    assert_eq!(get_json(&app, &format!("/api/v1/products/slug/{slug}")).await.1, *first);
}

async fn filters_and_pagination_follow_the_contract(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let list = |q: &'static str| {
        let app = &app;
        async move { get_json(app, &format!("/api/v1/products?{q}")).await.1 }
    };
    let shirts = list("title=SHIRT").await;
    assert!(!ids(&shirts).is_empty());
    assert!(shirts.as_array().unwrap().iter().all(|p| p["title"].as_str().unwrap().to_lowercase().contains("shirt")));
    assert!(prices(&list("price_min=90").await).iter().all(|p| *p >= 90.0), "a lower bound alone works");
    assert!(prices(&list("price_max=20").await).iter().all(|p| *p <= 20.0), "an upper bound alone works");
    let range = prices(&list("price_min=20&price_max=30").await);
    assert!(!range.is_empty() && range.iter().all(|p| (20.0..=30.0).contains(p)));
    let exact = list("price=42").await;
    assert!(!ids(&exact).is_empty() && prices(&exact).iter().all(|p| *p == 42.0));
    let in_category = list("categoryId=3").await;
    assert!(in_category.as_array().unwrap().iter().all(|p| p["category"]["id"] == 3));
    let by_slug = list("categoryId=3&categorySlug=shoes").await;
    assert!(by_slug.as_array().unwrap().iter().all(|p| p["category"]["slug"] == "shoes"), "the slug wins");
    assert_eq!(ids(&list("limit=5").await), [1, 2, 3, 4, 5], "limit alone works");
    assert_eq!(ids(&list("limit=5&offset=5").await), [6, 7, 8, 9, 10]);
    assert_eq!(ids(&list("offset=49").await), [50, 51]);
    assert!(ids(&list("limit=10&offset=100").await).is_empty(), "past the end: an empty list");
    assert_eq!(ids(&list("limit=100000").await).len(), 51, "capped at 200, so all 51");
    assert_eq!(ids(&list("title=no-such-thing-anywhere").await), Vec::<i64>::new());
    // The title filter reads a trigram index, with the contract's exact answers: substrings of any
    // length (under three characters the index cannot help, and the answer is the same), the
    // caller's `_` and `%` as wildcards, and the same products as a plain scan would find.
    let titles = |v: &serde_json::Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap().to_lowercase()).collect()
    };
    let short = titles(&list("title=ir&limit=200").await);
    assert!(!short.is_empty() && short.iter().all(|t| t.contains("ir")), "{short:?}");
    let everything = titles(&list("limit=200").await);
    assert_eq!(short.len(), everything.iter().filter(|t| t.contains("ir")).count(), "as many as a scan finds");
    let middle = titles(&list("title=shi_t&limit=200").await);
    assert_eq!(middle, titles(&shirts), "`_` stands for any one character");
    assert_eq!(
        titles(&list("title=s%25rt&limit=200").await).len(),
        everything.iter().filter(|t| { t.find('s').is_some_and(|at| t[at..].contains("rt")) }).count(),
        "`%` for any run of characters"
    );
}

/// Upper and lower case of letters past ASCII are the same to the title filter (neither database's
/// own LIKE folds them), including titles stored before the column that makes it so.
async fn the_title_filter_ignores_the_case_of_every_letter(backend: Backend) {
    use tienda::model::Money;
    use tienda::server::db::catalog::{self, search_titles, NewProduct};
    let app = spawn_seeded(backend).await;
    let at = chrono::Utc::now();
    let product = |title, slug| NewProduct {
        title,
        slug,
        description: "Hand made.",
        price: Money(1_000),
        stock: 3,
        category_slug: "furniture",
        images: vec![],
        at,
    };
    let products = [
        product("Accent Check Ñandú", "accent-check-nandu"),
        product("ÉTÉ Lamp", "ete-lamp"),
        product("Lámpara Été", "lampara-ete"),
    ];
    catalog::insert_catalog(&app.db, &[], &products).await.unwrap();
    // A product stored before the column existed gets it when the server starts.
    crate::orders::execute(&app, "UPDATE products SET title_lower = NULL WHERE slug = 'lampara-ete'").await;
    assert_eq!(search_titles::fill_missing(&app.db).await.unwrap(), 1, "one column of one product");
    app.state.catalog_changed();
    let titles = |query: &'static str| {
        let app = &app;
        async move {
            let (status, list, _) = get_json(app, &format!("/api/v1/products?limit=200&title={query}")).await;
            assert_eq!(status, 200, "{query}");
            let mut titles: Vec<String> =
                list.as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap().to_owned()).collect();
            titles.sort();
            titles
        }
    };
    assert_eq!(titles("Accent%20Check%20%C3%91and%C3%BA").await, ["Accent Check Ñandú"], "the exact title");
    assert_eq!(titles("%C3%B1AND%C3%BA").await, ["Accent Check Ñandú"], "ñANDÚ");
    assert_eq!(titles("%C3%A9t%C3%A9").await, ["Lámpara Été", "ÉTÉ Lamp"], "été");
    assert_eq!(titles("%C3%89T%C3%89%20l").await, ["ÉTÉ Lamp"], "ÉTÉ L");
    assert_eq!(titles("T%C3%A9").await, ["Lámpara Été", "ÉTÉ Lamp"], "two letters, one past ASCII");
    assert_eq!(titles("L%C3%81MP").await, ["Lámpara Été"], "LÁMP");
}

async fn bad_queries_and_unknown_ids_get_json_errors(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let (status, body, _) = get_json(&app, "/api/v1/products?price_min=-1&categoryId=abc").await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        serde_json::json!({
            "message": ["price_min must not be less than 0", "categoryId must be a number conforming to the specified constraints"],
            "error": "Bad Request",
            "statusCode": 400
        })
    );
    let (status, body, _) = get_json(&app, "/api/v1/products?limit=ten&offset=-1").await;
    assert_eq!(status, 400);
    assert_eq!(body["message"].as_array().unwrap().len(), 2);

    let (status, body, _) = get_json(&app, "/api/v1/products/abc").await;
    assert_eq!((status, body["message"].as_str().unwrap()), (400, "Validation failed (numeric string is expected)"));
    let (status, body, _) = get_json(&app, "/api/v1/products/9999?x=1").await;
    assert_eq!(status, 404, "Tienda says 404 where upstream says 400");
    assert_eq!(body["name"], "EntityNotFoundError");
    assert_eq!(body["path"], "/api/v1/products/9999?x=1");
    assert_eq!(body["statusCode"], 404);
    assert!(body["timestamp"].as_str().unwrap().ends_with('Z'));
    assert!(body["message"].as_str().unwrap().contains("\"Product\""));
    let (status, body, _) = get_json(&app, "/api/v1/products/slug/no-such-product").await;
    assert_eq!(status, 404);
    assert_eq!(
        body["message"], "Could not find any entity of type \"Product\" matching: {\"slug\":\"no-such-product\"}",
        "the one place that builds the body names the slug"
    );
    assert_eq!(get_json(&app, "/api/v1/categories/77").await.0, 404);
    // A slug that is not percent-encoding is a bad request, not a search for a literal '%'.
    let (status, body, _) = get_json(&app, "/api/v1/products/slug/%").await;
    assert_eq!((status, body["statusCode"].as_i64()), (400, Some(400)), "{body}");
    assert_eq!(get_json(&app, "/api/v1/categories/slug/50%off").await.0, 400);
    let (status, body, _) = get_json(&app, "/api/v1/").await;
    assert_eq!(
        (status, body["message"].as_str()),
        (404, Some("Cannot GET /api/v1/")),
        "the API's root answers in JSON"
    );
    let (status, body, _) = get_json(&app, "/api/v1/nothing").await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        serde_json::json!({"message": "Cannot GET /api/v1/nothing", "error": "Not Found", "statusCode": 404})
    );
}

async fn related_products_share_the_category(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let (_, product, _) = get_json(&app, "/api/v1/products/1").await;
    let (status, related, _) = get_json(&app, "/api/v1/products/1/related").await;
    assert_eq!(status, 200);
    let related_ids = ids(&related);
    assert!(!related_ids.is_empty() && !related_ids.contains(&1));
    assert!(related.as_array().unwrap().iter().all(|p| p["category"]["id"] == product["category"]["id"]));
    let slug = product["slug"].as_str().unwrap();
    assert_eq!(get_json(&app, &format!("/api/v1/products/slug/{slug}/related")).await.1, related);
    assert_eq!(get_json(&app, "/api/v1/products/9999/related").await.0, 404);
}

async fn categories_and_their_products(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let (status, categories, _) = get_json(&app, "/api/v1/categories").await;
    assert_eq!(status, 200);
    assert_eq!(ids(&categories), [1, 2, 3, 4, 5]);
    assert_eq!(categories[0]["slug"], "clothes");
    assert_eq!(ids(&get_json(&app, "/api/v1/categories?limit=2").await.1), [1, 2]);
    assert_eq!(get_json(&app, "/api/v1/categories/1").await.1, categories[0]);
    assert_eq!(get_json(&app, "/api/v1/categories/slug/clothes").await.1, categories[0]);
    let (_, clothes, _) = get_json(&app, "/api/v1/categories/1/products").await;
    assert_eq!(ids(&clothes).len(), 17);
    assert!(clothes.as_array().unwrap().iter().all(|p| p["category"]["id"] == 1));
    assert_eq!(ids(&get_json(&app, "/api/v1/categories/1/products?limit=2&offset=1").await.1).len(), 2);
    let (status, unknown, _) = get_json(&app, "/api/v1/categories/999/products").await;
    assert_eq!((status, unknown), (200, serde_json::json!([])), "an unknown category has no products, as upstream");
}

async fn any_origin_may_read_and_preflights_get_204(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let client = reqwest::Client::new();
    let read = client
        .get(format!("{}/api/v1/products?limit=1", app.base))
        .header("origin", "https://app.example")
        .send()
        .await
        .unwrap();
    assert_eq!(read.headers()["access-control-allow-origin"], "*");
    let preflight = client
        .request(reqwest::Method::OPTIONS, format!("{}/api/v1/products", app.base))
        .header("origin", "https://app.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization, content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    let methods = preflight.headers()["access-control-allow-methods"].to_str().unwrap().to_owned();
    assert!(methods.contains("POST") && methods.contains("DELETE"), "{methods}");
    assert!(preflight.headers().get("access-control-allow-credentials").is_none(), "cookies are never honoured");
    // Answers of the layers around the API's own router may be read from any origin too.
    let too_large = client
        .post(format!("{}/api/v1/users/is-available", app.base))
        .header("origin", "https://app.example")
        .header("content-type", "application/json")
        .body(format!(r#"{{"email": "{}"}}"#, "a".repeat(70 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(too_large.status(), 413);
    assert_eq!(too_large.headers()["access-control-allow-origin"], "*");
    let nul = common::get(&app.base, "/api/v1/products/%00").await;
    assert_eq!(nul.status, 400);
    assert_eq!(nul.headers["access-control-allow-origin"], "*");
    assert!(common::get(&app.base, "/products").await.headers.get("access-control-allow-origin").is_none(), "pages");
}

async fn a_back_office_change_shows_in_the_api_at_once(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let (_, before, _) = get_json(&app, "/api/v1/products?limit=1").await;
    let by_slug = format!("/api/v1/products/slug/{}", before[0]["slug"].as_str().unwrap());
    // Read once each before the change, so that each answer is in the cache.
    for path in ["/api/v1/products/1", by_slug.as_str()] {
        let (status, one, _) = get_json(&app, path).await;
        assert_eq!((status, &one["price"]), (200, &before[0]["price"]), "{path}");
    }
    let mut staff = common::back_office::admin(&app).await;
    let patched = staff.post("/rpc/admin/products/patch", &[("id", "1"), ("version", "1"), ("price", "12.34")]).await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    let (_, after, _) = get_json(&app, "/api/v1/products?limit=1").await;
    assert_ne!(before[0]["price"], after[0]["price"]);
    assert_eq!(after[0]["price"], 12.34, "the cached list was cleared by the change");
    for path in ["/api/v1/products/1", by_slug.as_str()] {
        let (status, one, _) = get_json(&app, path).await;
        assert_eq!((status, &one["price"]), (200, &serde_json::json!(12.34)), "{path}: the cached product was cleared");
    }
}
