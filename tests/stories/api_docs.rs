//! The API describes itself: an OpenAPI 3.1 document generated from the handlers at
//! `/api/v1/openapi.json`, and a docs page at `/api/docs` whose every asset Tienda serves itself.

use crate::common;

use common::api::{client, send};
use common::{get, shared, Backend};

on_both_backends!(the_document_lists_every_endpoint_with_its_answers, the_docs_page_needs_nothing_from_elsewhere,);

/// Every (method, path) the API serves, as the Platzi contract names them.
const ENDPOINTS: &[(&str, &str)] = &[
    ("get", "/api/v1/products"),
    ("post", "/api/v1/products"),
    ("get", "/api/v1/products/{id}"),
    ("put", "/api/v1/products/{id}"),
    ("delete", "/api/v1/products/{id}"),
    ("get", "/api/v1/products/{id}/related"),
    ("get", "/api/v1/products/slug/{slug}"),
    ("get", "/api/v1/products/slug/{slug}/related"),
    ("get", "/api/v1/categories"),
    ("post", "/api/v1/categories"),
    ("get", "/api/v1/categories/{id}"),
    ("put", "/api/v1/categories/{id}"),
    ("delete", "/api/v1/categories/{id}"),
    ("get", "/api/v1/categories/{id}/products"),
    ("get", "/api/v1/categories/slug/{slug}"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users/{id}"),
    ("put", "/api/v1/users/{id}"),
    ("delete", "/api/v1/users/{id}"),
    ("post", "/api/v1/users/is-available"),
    ("post", "/api/v1/auth/login"),
    ("get", "/api/v1/auth/profile"),
    ("post", "/api/v1/auth/refresh-token"),
    ("post", "/api/v1/files/upload"),
    ("get", "/api/v1/files/{name}"),
    ("get", "/api/v1/locations"),
    ("get", "/api/v1/orders"),
    ("post", "/api/v1/orders"),
    ("get", "/api/v1/orders/{id}"),
    ("patch", "/api/v1/orders/{id}"),
];

async fn the_document_lists_every_endpoint_with_its_answers(backend: Backend) {
    let base = shared(backend);
    let answer = send(client().get(format!("{base}/api/v1/openapi.json"))).await;
    assert_eq!(answer.status, 200);
    let document = answer.body;
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"), "{}", document["openapi"]);
    assert_eq!(document["info"]["title"], "Tienda API");
    let paths = document["paths"].as_object().unwrap();
    let mut documented: Vec<(String, String)> = paths
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |method| (method.clone(), path.clone())))
        .collect();
    documented.sort();
    let mut expected: Vec<(String, String)> = ENDPOINTS.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    expected.sort();
    assert_eq!(documented, expected);

    let create = &paths["/api/v1/products"]["post"];
    assert_eq!(create["security"][0]["bearer"], serde_json::json!([]));
    for status in ["201", "400", "401", "403", "404", "409", "413", "429"] {
        assert!(create["responses"].get(status).is_some(), "POST /products documents {status}");
    }
    // Signing up needs no token (an empty requirement), and an admin's token adds any role.
    let sign_up = &paths["/api/v1/users"]["post"];
    assert_eq!(sign_up["security"], serde_json::json!([{}, {"bearer": []}]), "{}", sign_up["security"]);
    for status in ["201", "400", "403", "409", "413", "429"] {
        assert!(sign_up["responses"].get(status).is_some(), "POST /users documents {status}");
    }
    assert_eq!(document["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let product = &document["components"]["schemas"]["Product"]["properties"];
    for field in ["id", "title", "slug", "price", "description", "category", "images", "creationAt", "updatedAt"] {
        assert!(product.get(field).is_some(), "Product.{field}");
    }
    let place = &paths["/api/v1/orders"]["post"];
    assert!(place["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"));
    for status in ["200", "201", "400", "401", "409", "413", "429"] {
        assert!(place["responses"].get(status).is_some(), "POST /orders documents {status}");
    }
    let user = &document["components"]["schemas"]["ApiUser"]["properties"];
    assert!(user.get("password").is_none(), "no password in the user schema");
    // What the server sends: a delete's `true` is JSON, and order pages count from 1.
    for (path, item) in paths {
        if let Some(delete) = item.get("delete") {
            let content = delete["responses"]["200"]["content"].as_object().unwrap();
            assert_eq!(content.keys().collect::<Vec<_>>(), ["application/json"], "DELETE {path}");
        }
    }
    let orders = &paths["/api/v1/orders"]["get"]["parameters"];
    let page = orders.as_array().unwrap().iter().find(|p| p["name"] == "page").unwrap();
    assert_eq!(page["schema"]["minimum"], 1, "{page}");
}

async fn the_docs_page_needs_nothing_from_elsewhere(backend: Backend) {
    let base = shared(backend);
    let page = get(base, "/api/docs/").await;
    assert_eq!(page.status, 200);
    assert!(page.headers["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = page.html();
    let sources: Vec<String> = ["script[src]", "link[href]"]
        .iter()
        .flat_map(|css| common::html::attrs(&html, css, if css.starts_with("script") { "src" } else { "href" }))
        .collect();
    assert!(!sources.is_empty());
    for source in &sources {
        assert!(!source.contains("//"), "{source} is served by Tienda itself");
        let asset = get(base, &format!("/api/docs/{}", source.trim_start_matches("./"))).await;
        assert_eq!(asset.status, 200, "{source}");
    }
    let initializer = get(base, "/api/docs/swagger-initializer.js").await;
    assert!(initializer.body.contains("/api/v1/openapi.json"), "{}", initializer.body);
}
