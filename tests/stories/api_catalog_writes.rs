//! `POST`/`PUT`/`DELETE` on `/api/v1/products` and `/api/v1/categories`: upstream's bodies and
//! messages, Tienda's corrections (§10 of docs/api.md: admin tokens, 404, 409), and what
//! the storefront and the database show afterwards.

use crate::common;

use common::api::{admin_token, call, client, customer_token, messages, send, sorted, url};
use common::back_office::{count, number, text};
use common::{spawn_seeded, spawn_with, test_config, Backend, SITE};
use reqwest::Method;
use serde_json::{json, Value};

on_both_backends!(
    an_admin_creates_changes_and_deletes_a_product,
    product_bodies_get_upstreams_messages_and_nothing_is_written,
    categories_are_created_renamed_and_deleted_with_conflicts_explained,
    catalog_writes_need_an_admin_token_and_never_a_cookie,
    the_playground_opens_catalog_writes_to_anyone,
    oversized_or_malformed_bodies_get_4xx_json,
    clients_written_for_upstream_send_forms_floats_and_any_case_bearer,
    a_link_into_the_stores_files_must_name_one,
);

fn lamp() -> Value {
    json!({
        "title": "Brass Desk Lamp",
        "price": 49.5,
        "description": "A warm light for late reading.",
        "categoryId": 3,
        "images": ["https://example.com/lamp.png", "/media/demo/category-furniture.svg"],
    })
}

const PRODUCTS: &str = "SELECT COUNT(*) FROM products";

async fn an_admin_creates_changes_and_deletes_a_product(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let admin = admin_token(&app).await;
    let created = call(&app, Method::POST, "/products", Some(&admin), Some(lamp())).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let product = &created.body;
    let id = product["id"].as_i64().unwrap();
    assert_eq!(id, 52, "ids continue after the seed's 51");
    assert_eq!((product["slug"].as_str(), product["price"].as_f64()), (Some("brass-desk-lamp"), Some(49.5)));
    assert_eq!(product["category"]["slug"], "furniture");
    assert_eq!(product["images"][1], format!("{SITE}/media/demo/category-furniture.svg"));
    assert_eq!(number(&app, "SELECT stock FROM products WHERE id = $1", id).await, 0, "no stock given: none");
    assert_eq!(number(&app, "SELECT updated_by FROM products WHERE id = $1", id).await, 3, "the admin's id");
    let page = common::get(&app.base, "/products/brass-desk-lamp").await;
    assert_eq!(page.status, 200, "the storefront shows it at once");
    let listed = send(client().get(url(&app, "/products?title=brass"))).await;
    assert_eq!(listed.body.as_array().map(Vec::len), Some(1), "and the cached API list too");

    // A PUT changes only what it names; unlike upstream, `images` may be left out and
    // `categoryId` is honoured.
    let body = json!({"title": "Brass Reading Lamp", "price": "52", "categoryId": 5, "stock": 7});
    let changed = call(&app, Method::PUT, &format!("/products/{id}"), Some(&admin), Some(body)).await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(
        (changed.body["slug"].as_str(), changed.body["price"].as_f64()),
        (Some("brass-reading-lamp"), Some(52.0))
    );
    assert_eq!(changed.body["category"]["id"], 5);
    assert_eq!(changed.body["description"], "A warm light for late reading.");
    assert_eq!(changed.body["images"].as_array().map(Vec::len), Some(2));
    assert_eq!(number(&app, "SELECT stock FROM products WHERE id = $1", id).await, 7);
    assert_eq!(common::get(&app.base, "/products/brass-desk-lamp").await.status, 404, "the old address is gone");

    let deleted = call(&app, Method::DELETE, &format!("/products/{id}"), Some(&admin), None).await;
    assert_eq!((deleted.status, &deleted.body), (200, &json!(true)));
    let gone = send(client().get(url(&app, &format!("/products/{id}")))).await;
    assert_eq!((gone.status, gone.body["name"].as_str()), (404, Some("EntityNotFoundError")));
    let again = call(&app, Method::DELETE, &format!("/products/{id}"), Some(&admin), None).await;
    assert_eq!(again.status, 404, "a second delete finds nothing");
    assert_eq!(
        again.body["message"],
        format!("Could not find any entity of type \"Product\" matching: {{\"id\":{id}}}")
    );
    let unknown = call(&app, Method::PUT, "/products/9999", Some(&admin), Some(json!({"price": 3}))).await;
    assert_eq!(unknown.status, 404);
}

async fn product_bodies_get_upstreams_messages_and_nothing_is_written(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let admin = admin_token(&app).await;
    let post = |body: Value| {
        let (app, admin) = (&app, admin.clone());
        async move { call(app, Method::POST, "/products", Some(&admin), Some(body)).await }
    };
    let empty = post(json!({})).await;
    assert_eq!(
        messages(&empty),
        sorted(&[
            "title should not be empty",
            "title must be a string",
            "price should not be empty",
            "price must be a positive number",
            "description should not be empty",
            "description must be a string",
            "categoryId should not be empty",
            "categoryId must be a number conforming to the specified constraints",
            "images must contain at least 1 elements",
            "images should not be empty",
            "each value in images must be a URL address",
            "images must be an array",
        ])
    );
    assert_eq!((empty.body["error"].as_str(), empty.body["statusCode"].as_i64()), (Some("Bad Request"), Some(400)));
    // A field left out and another read but wrong: both are said, and no rule for the missing one.
    let partial = post(json!({"title": "Lamp", "description": "bad\u{0}text", "price": 0, "categoryId": 3})).await;
    assert_eq!(
        messages(&partial),
        sorted(&[
            "description must not contain control characters",
            "price must be a positive number",
            "images must contain at least 1 elements",
            "images should not be empty",
            "each value in images must be a URL address",
            "images must be an array",
        ])
    );
    let typed_wrong = post(json!({"title": ["a"], "description": "bad\u{0}text"})).await;
    assert!(messages(&typed_wrong).contains(&"description must not contain control characters".to_owned()));
    assert!(!messages(&typed_wrong).iter().any(|m| m.starts_with("title must contain")), "title was not read");

    let with = |key: &str, value: Value| {
        let mut body = lamp();
        body[key] = value;
        body
    };
    let mut both = with("price", json!("abc"));
    both["categoryId"] = json!(99_999);
    assert_eq!(
        messages(&post(both).await),
        sorted(&["price must be a positive number", "categoryId must be the id of an existing category"]),
        "a category that does not exist is said beside a price that is not a number"
    );
    let cases = [
        (with("price", json!(-3)), "price must be a positive number"),
        (with("price", json!(0)), "price must be a positive number"),
        (with("price", json!(1.999)), "price must be a positive number with at most two decimals"),
        (with("price", json!("1.999")), "price must be a positive number with at most two decimals"),
        (with("price", json!("cheap")), "price must be a positive number"),
        (with("price", json!(1_000_000_000)), "price must not be greater than 999999999.99"),
        (with("price", json!(1e21)), "price must not be greater than 999999999.99"),
        (with("title", json!("  ")), "title should not be empty"),
        (with("title", json!(["a"])), "title must be a string"),
        (with("title", json!("!!!")), "title must contain a Latin letter or a digit"),
        (with("title", json!("Λάμπα")), "title must contain a Latin letter or a digit"),
        (with("description", json!("bad\u{0}text")), "description must not contain control characters"),
        (with("images", json!([])), "images must contain at least 1 elements"),
        (with("images", json!(["ftp://example.com/a.png"])), "each value in images must be a URL address"),
        (with("images", json!([7])), "each value in images must be a URL address"),
        (with("categoryId", json!("two")), "categoryId must be a number conforming to the specified constraints"),
        (with("stock", json!(-1)), "stock must be a whole number from 0 to 1000000"),
    ];
    for (body, message) in cases {
        let answer = post(body.clone()).await;
        assert_eq!(messages(&answer), [message], "{body}");
    }

    let unknown_category = post(with("categoryId", json!(999))).await;
    assert_eq!(unknown_category.status, 404, "{}", unknown_category.body);
    assert_eq!(
        unknown_category.body["message"],
        "Could not find any entity of type \"Category\" matching: {\"id\":999}"
    );
    // With another field wrong too, the unknown category is one message among the others.
    let mut both = with("categoryId", json!(999));
    both["price"] = json!(0);
    let answer = post(both).await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(
        messages(&answer),
        sorted(&["categoryId must be the id of an existing category", "price must be a positive number"])
    );
    let taken = post(with("title", json!("Classic Oxford Shirt"))).await;
    assert_eq!(taken.status, 409, "{}", taken.body);
    assert_eq!((taken.body["error"].as_str(), taken.body["statusCode"].as_i64()), (Some("Conflict"), Some(409)));
    assert!(!taken.body.to_string().to_lowercase().contains("constraint"), "no SQL leaves the server");

    let update = call(&app, Method::PUT, "/products/1", Some(&admin), Some(json!({"price": 0, "images": []}))).await;
    assert_eq!(
        messages(&update),
        sorted(&["price must be a positive number", "images must contain at least 1 elements"])
    );
    assert_eq!(count(&app, PRODUCTS).await, 51, "nothing was written");
    assert_eq!(number(&app, "SELECT version FROM products WHERE id = $1", 1).await, 1, "product 1 unchanged");
}

async fn categories_are_created_renamed_and_deleted_with_conflicts_explained(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let admin = admin_token(&app).await;
    let empty = call(&app, Method::POST, "/categories", Some(&admin), Some(json!({}))).await;
    assert_eq!(
        messages(&empty),
        sorted(&[
            "name should not be empty",
            "name must be a string",
            "image should not be empty",
            "image must be a URL address"
        ])
    );
    let bad = call(&app, Method::POST, "/categories", Some(&admin), Some(json!({"name": "", "image": "x"}))).await;
    assert_eq!(messages(&bad), sorted(&["name should not be empty", "image must be a URL address"]));
    let half = call(&app, Method::POST, "/categories", Some(&admin), Some(json!({"name": "a\u{7}b"}))).await;
    assert_eq!(
        messages(&half),
        sorted(&[
            "name must not contain control characters",
            "image should not be empty",
            "image must be a URL address"
        ])
    );

    let body = json!({"name": "Garden Tools", "image": "https://example.com/garden.png"});
    let created = call(&app, Method::POST, "/categories", Some(&admin), Some(body.clone())).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!((created.body["slug"].as_str(), id), (Some("garden-tools"), 6));
    let twice = call(&app, Method::POST, "/categories", Some(&admin), Some(body)).await;
    assert_eq!(twice.status, 409, "a taken name: {}", twice.body);

    let path = format!("/categories/{id}");
    let renamed = call(&app, Method::PUT, &path, Some(&admin), Some(json!({"name": "Gardening"}))).await;
    assert_eq!((renamed.status, renamed.body["slug"].as_str()), (200, Some("gardening")));
    assert_eq!(renamed.body["image"], "https://example.com/garden.png", "the image is kept");
    let same = call(&app, Method::PUT, &path, Some(&admin), Some(json!({}))).await;
    assert_eq!((same.status, same.body["name"].as_str()), (200, Some("Gardening")));
    assert_eq!(text(&app, "SELECT slug FROM categories WHERE id = $1", id).await, "gardening");

    let in_use = call(&app, Method::DELETE, "/categories/3", Some(&admin), None).await;
    assert_eq!(in_use.status, 409, "{}", in_use.body);
    assert_eq!(in_use.body["message"], "The category still holds 7 products; move or delete them first.");
    let deleted = call(&app, Method::DELETE, &path, Some(&admin), None).await;
    assert_eq!((deleted.status, &deleted.body), (200, &json!(true)));
    let again = call(&app, Method::DELETE, &path, Some(&admin), None).await;
    assert_eq!((again.status, again.body["name"].as_str()), (404, Some("EntityNotFoundError")));
    let not_a_number = call(&app, Method::PUT, "/categories/abc", Some(&admin), Some(json!({}))).await;
    assert_eq!(not_a_number.status, 400);
    assert_eq!(not_a_number.body["message"], "Validation failed (numeric string is expected)");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM categories").await, 5);
}

async fn catalog_writes_need_an_admin_token_and_never_a_cookie(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let customer = customer_token(&app).await;
    let unauthorized = json!({"message": "Unauthorized", "statusCode": 401});
    for (method, path) in [
        (Method::POST, "/products"),
        (Method::PUT, "/products/1"),
        (Method::DELETE, "/products/1"),
        (Method::POST, "/categories"),
        (Method::PUT, "/categories/1"),
        (Method::DELETE, "/categories/5"),
    ] {
        let anonymous = call(&app, method.clone(), path, None, Some(json!({}))).await;
        assert_eq!((anonymous.status, &anonymous.body), (401, &unauthorized), "{method} {path} without a token");
        let forged = call(&app, method.clone(), path, Some("not.a.token"), Some(lamp())).await;
        assert_eq!(forged.status, 401, "{method} {path} with a forged token");
        let as_customer = call(&app, method.clone(), path, Some(&customer), Some(lamp())).await;
        assert_eq!(as_customer.status, 403, "{method} {path} as a customer");
        assert_eq!(as_customer.body["message"], "Forbidden resource");
    }
    // An admin's browser session is no credential here: a page on another site could otherwise
    // use it through CORS.
    let browser = common::back_office::admin(&app).await;
    let cookie = format!("{}={}", common::visitor::SESSION, browser.session.as_deref().unwrap());
    let with_cookie = send(client().post(url(&app, "/products")).header("cookie", cookie).json(&lamp())).await;
    assert_eq!(with_cookie.status, 401);
    assert_eq!(count(&app, PRODUCTS).await, 51, "nothing was written");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM categories").await, 5);
}

async fn the_playground_opens_catalog_writes_to_anyone(backend: Backend) {
    let mut config = test_config(backend).await;
    config.api.playground = true;
    let app = spawn_with(config, true).await;
    let created = call(&app, Method::POST, "/products", None, Some(lamp())).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM products WHERE id = {id} AND updated_by IS NULL")).await, 1);
    let customer = customer_token(&app).await;
    let changed = call(&app, Method::PUT, &format!("/products/{id}"), Some(&customer), Some(json!({"price": 9}))).await;
    assert_eq!(changed.status, 200, "a customer is no less than anonymous: {}", changed.body);
    // A token that is not valid counts as no token while the playground is open (401 only with
    // it closed), as the API's description says.
    let forged =
        call(&app, Method::PUT, &format!("/products/{id}"), Some("not.a.token"), Some(json!({"price": 7}))).await;
    assert_eq!(forged.status, 200, "an invalid token writes like no token: {}", forged.body);
    assert_eq!(forged.body["price"], json!(7), "a whole price is an integer, as upstream sends it");
    let deleted = call(&app, Method::DELETE, &format!("/products/{id}"), None, None).await;
    assert_eq!(deleted.status, 200);
    // Still no back office for anyone but admins.
    assert_eq!(common::get(&app.base, "/admin").await.status, 303);
}

async fn oversized_or_malformed_bodies_get_4xx_json(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let admin = admin_token(&app).await;
    let post = |body: Vec<u8>| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let request = client()
                .post(url(app, "/products"))
                .bearer_auth(admin)
                .header("content-type", "application/json")
                .body(body);
            send(request).await
        }
    };
    let huge = format!("{{\"title\": \"{}\"}}", "x".repeat(100 * 1024));
    let too_large = post(huge.into_bytes()).await;
    assert_eq!((too_large.status, too_large.body["statusCode"].as_i64()), (413, Some(413)), "{}", too_large.body);
    let malformed = post(b"{\"title\": ".to_vec()).await;
    assert_eq!(malformed.status, 400);
    assert!(malformed.body["message"].as_str().unwrap().contains("EOF"), "{}", malformed.body);
    let deep = format!("{{\"title\": {}{}}}", "[".repeat(500), "]".repeat(500));
    assert_eq!(post(deep.into_bytes()).await.status, 400, "nesting is capped");
    let not_an_object = post(b"[1, 2]".to_vec()).await;
    assert_eq!(
        (not_an_object.status, not_an_object.body["message"].as_str()),
        (400, Some("The body must be a JSON object."))
    );
    let binary = post(vec![0xff, 0xfe, 0x00]).await;
    assert_eq!(binary.status, 400);
    // A form whose bytes, or whose escapes, are not UTF-8 is refused too, not stored with U+FFFD.
    for title in [&b"Raw\xff\xfeBytes"[..], b"Raw%FF%FEBytes"] {
        let mut form = b"title=".to_vec();
        form.extend_from_slice(title);
        form.extend_from_slice(b"&price=10&description=d&categoryId=1&images=https%3A%2F%2Fexample.com%2Fa.png");
        let request = client()
            .post(url(&app, "/products"))
            .bearer_auth(&admin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form);
        let refused = send(request).await;
        assert_eq!((refused.status, refused.body["statusCode"].as_i64()), (400, Some(400)), "{}", refused.body);
    }
    let not_utf8 = send(client().get(url(&app, "/products/%FF"))).await;
    assert_eq!((not_utf8.status, not_utf8.body["statusCode"].as_i64()), (400, Some(400)), "a JSON 400 too");
    let patch = send(client().patch(url(&app, "/products/1")).bearer_auth(&admin).json(&json!({"price": 1}))).await;
    assert_eq!((patch.status, patch.body["message"].as_str()), (405, Some("Cannot PATCH /api/v1/products/1")));
    assert_eq!(patch.headers["allow"], "GET,HEAD,PUT,DELETE", "the methods that path takes");
    assert_eq!(count(&app, PRODUCTS).await, 51);
}

/// What clients written for upstream send, found by the outside attack run: a form with a list
/// of images, whole numbers as floats (Python's and Java's JSON), `bearer` in lower case, and a
/// filter form's empty `categoryId=`.
async fn clients_written_for_upstream_send_forms_floats_and_any_case_bearer(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let admin = admin_token(&app).await;
    for (n, images) in [
        "images[]=https://example.com/a.png&images[]=https://example.com/b.png",
        "images=https://example.com/a.png&images=https://example.com/b.png",
        "images[0]=https://example.com/a.png&images[1]=https://example.com/b.png",
    ]
    .iter()
    .enumerate()
    {
        let form = format!("title=Form+Lamp+{n}&price=10&description=d&categoryId=1&{images}");
        let request = client()
            .post(url(&app, "/products"))
            .header("authorization", format!("bearer {admin}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form);
        let created = send(request).await;
        assert_eq!(created.status, 201, "{images}: {}", created.body);
        assert_eq!(created.body["images"].as_array().map(Vec::len), Some(2), "{images}");
    }
    let floats = json!({"title": "Float Lamp", "price": 10.0, "description": "d", "categoryId": 1.0, "stock": 5e0,
        "images": ["https://example.com/a.png"]});
    let created = call(&app, Method::POST, "/products", Some(&admin), Some(floats)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["category"]["id"], 1);
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(number(&app, "SELECT stock FROM products WHERE id = $1", id).await, 5);

    let every = send(client().get(url(&app, "/products?categoryId=&limit=&offset="))).await;
    assert_eq!((every.status, every.body.as_array().map(Vec::len)), (200, Some(55)), "{}", every.body);
    let whole = send(client().get(url(&app, "/products?categoryId=1.0&limit=99999999999999999999"))).await;
    assert_eq!(whole.status, 200, "{}", whole.body);
    assert!(whole.body.as_array().unwrap().iter().all(|p| p["category"]["id"] == 1));
    let fraction = send(client().get(url(&app, "/products?limit=1.5"))).await;
    assert_eq!(fraction.status, 400, "{}", fraction.body);
}

/// An image address into the store's own files (`/media/...`) names a file it keeps, or the write
/// is refused with the field's message: a product, a category and a picture would otherwise show
/// a broken image. A product's picture is never an account's (those go with their accounts), and
/// a file gone since does not block an edit that leaves the images alone.
async fn a_link_into_the_stores_files_must_name_one(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let admin = admin_token(&app).await;
    std::fs::create_dir_all(app.config.media.dir.join("avatars")).unwrap();
    std::fs::write(app.config.media.dir.join("avatars/0a1b.png"), b"\x89PNG").unwrap();
    let missing = "images must name a file this store serves (upload it first) or another site";
    let with_images = |images: Value| {
        let mut body = lamp();
        body["images"] = images;
        body
    };
    for images in [
        json!(["/media/demo/no-such-picture.svg"]),
        json!(["https://example.com/lamp.png", "/media/products/0123456789abcdef.webp"]),
        json!(["/media/demo/category-furniture.svg%00"]),
        json!(["/media/demo"]),
        json!(["/media/avatars/0a1b.png"]),
        // Escaped spellings of files the store keeps: plain names only, so every check made on an
        // address's text (whose file, and whether a record still shows it) sees the file it names.
        json!(["/media/%61vatars/0a1b.png"]),
        json!(["/media/demo/category%2Dfurniture.svg"]),
        // The site written another way is still the site: a file it does not keep.
        json!(["HTTP://TIENDA.TEST:80/media/products/0123456789abcdef.webp"]),
    ] {
        let answer = call(&app, Method::POST, "/products", Some(&admin), Some(with_images(images.clone()))).await;
        assert_eq!((answer.status, messages(&answer)), (400, vec![missing.to_owned()]), "{images}");
    }
    let mut also_free = with_images(json!(["/media/demo/no-such-picture.svg"]));
    also_free["price"] = json!(0);
    let answer = call(&app, Method::POST, "/products", Some(&admin), Some(also_free)).await;
    assert_eq!(messages(&answer), sorted(&[missing, "price must be a positive number"]), "said together");
    let unknown = "categoryId must be the id of an existing category";
    let mut with_unknown_category = with_images(json!(["/media/demo/no-such-picture.svg"]));
    with_unknown_category["categoryId"] = json!(999_999);
    let answer = call(&app, Method::POST, "/products", Some(&admin), Some(with_unknown_category.clone())).await;
    assert_eq!(messages(&answer), sorted(&[missing, unknown]), "and with a category that does not exist");
    with_unknown_category.as_object_mut().unwrap().remove("title");
    let answer = call(&app, Method::POST, "/products", Some(&admin), Some(with_unknown_category)).await;
    assert_eq!(
        messages(&answer),
        sorted(&["title should not be empty", "title must be a string", missing, unknown]),
        "and beside a field left out"
    );
    assert_eq!(count(&app, PRODUCTS).await, 51, "nothing was written");

    // Files the store keeps, with a query or as the site's address, are fine.
    let kept =
        json!(["/media/demo/category-furniture.svg?v=2", "http://TIENDA.test/media/demo/category-furniture.svg"]);
    let created = call(&app, Method::POST, "/products", Some(&admin), Some(with_images(kept))).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_i64().unwrap();

    // The file goes (a restore without it, a hand on the disk): a new price is still taken, and
    // the missing image is refused only when named anew.
    let first_image = text(&app, "SELECT images FROM products WHERE id = $1", id).await;
    assert!(first_image.contains("category-furniture.svg?v=2"), "{first_image}");
    std::fs::copy(
        app.config.media.dir.join("demo/category-furniture.svg"),
        app.config.media.dir.join("demo/soon-gone.svg"),
    )
    .unwrap();
    let path = format!("/products/{id}");
    let soon_gone = json!({"images": ["/media/demo/soon-gone.svg"]});
    assert_eq!(call(&app, Method::PUT, &path, Some(&admin), Some(soon_gone.clone())).await.status, 200);
    std::fs::remove_file(app.config.media.dir.join("demo/soon-gone.svg")).unwrap();
    let repriced = call(&app, Method::PUT, &path, Some(&admin), Some(json!({"price": 51}))).await;
    assert_eq!(repriced.status, 200, "{}", repriced.body);
    let renamed_images = json!({"images": ["/media/demo/soon-gone.svg", "/media/demo/gone-too.svg"]});
    let refused = call(&app, Method::PUT, &path, Some(&admin), Some(renamed_images)).await;
    assert_eq!(messages(&refused), [missing]);

    // A category's image, and an account's picture, alike.
    let category = json!({"name": "Garden Tools", "image": "/media/demo/no-such-picture.svg"});
    let answer = call(&app, Method::POST, "/categories", Some(&admin), Some(category)).await;
    assert_eq!(messages(&answer), ["image must name a file this store serves (upload it first) or another site"]);
    let answer = call(&app, Method::PUT, "/categories/1", Some(&admin), Some(json!({"image": "/media/x.png"}))).await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    let john = common::api::customer_token(&app).await;
    for avatar in ["/media/demo/nobody.svg", "/media/%61vatars/0a1b.png", "http://tienda.test/media/%61vatars/0a1b.png"]
    {
        let answer = call(&app, Method::PUT, "/users/1", Some(&john), Some(json!({"avatar": avatar}))).await;
        assert_eq!(
            messages(&answer),
            ["avatar must name a file this store serves (upload it first) or another site"],
            "{avatar}: never someone else's picture"
        );
    }
    let answer =
        call(&app, Method::PUT, "/users/1", Some(&john), Some(json!({"avatar": "/media/demo/category-furniture.svg"})))
            .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}
