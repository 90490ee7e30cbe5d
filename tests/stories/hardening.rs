//! The findings of the outside attack run (issue 10), each replayed against a real server on
//! SQLite and PostgreSQL: what an attacker sends, and what the store must answer instead.

use crate::common;

use common::{back_office, get, html, spawn_seeded, spawn_with, test_config, Backend, Page, TestApp};
use std::time::Duration;
use tienda::model::Money;
use tienda::server::db::catalog::{self, NewCategory, NewProduct};

on_both_backends!(
    a_search_query_cannot_close_the_title,
    catalog_names_cannot_inject_markup_into_any_page,
    markup_in_a_title_or_an_address_stays_text_from_cart_to_back_office,
    a_guesser_cannot_lock_the_owner_out,
    nul_bytes_get_a_clean_400_everywhere,
    malformed_server_function_bodies_get_400,
    related_products_and_the_sitemap_are_bounded,
    sign_ups_per_client_are_limited,
    pictures_are_decoded_whole_under_the_pixel_cap,
    sqlite_durability_is_a_setting_defaulting_to_full,
    sqlite_reads_through_a_memory_map_unless_told_not_to,
    clients_leaving_mid_render_give_the_database_connections_back,
    a_write_for_an_account_deleted_meanwhile_is_a_conflict_not_a_500,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_distinct_api_queries_stay_within_the_cache_budget() {
    let mut config = test_config(Backend::Sqlite).await;
    config.cache.max_bytes = 512 * 1024;
    let app = spawn_with(config, true).await;
    let client = reqwest::Client::new();
    // Each answer holds all 51 demo products (~40 KB); 400 of them would be 16 MB unbounded.
    for n in 0..400 {
        let url = format!("{}/api/v1/products?limit=200&price_max={}", app.base, 1_000 + n);
        assert_eq!(client.get(url).send().await.unwrap().status(), 200);
    }
    let held = app.state.catalog_cache.api_product_lists.weighted_size().await;
    let budget = 512 * 1024;
    assert!(held <= budget, "the API list cache holds {held} bytes, over the whole budget of {budget}");
    assert!(held > 0, "and it is still used");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_origin_checks_compare_the_scheme() {
    let app = spawn_seeded(Backend::Sqlite).await;
    let host = app.base.trim_start_matches("http://").to_owned();
    let post = |origin: String| {
        reqwest::Client::new()
            .post(format!("{}/rpc/language", app.base))
            .header("origin", origin)
            .form(&[("lang", "es")])
            .send()
    };
    let other_scheme = post(format!("https://{host}")).await.unwrap();
    assert_eq!(other_scheme.status(), 403, "https://host is another origin than http://host");
    let same = post(format!("http://{host}")).await.unwrap();
    assert_ne!(same.status(), 403, "the site's own scheme and host pass");
}

/// Markup that runs script if it is ever parsed as HTML instead of shown as text.
const TITLE_BREAKER: &str = "</title><script>alert(document.domain)</script>";
const IMG_BREAKER: &str = "</title></textarea><img src=x onerror=alert(1)>\"'";

/// The page holds no element an injection would add, and its title reads as the text it was given.
fn assert_inert(page: &Page, expected_in_title: &str) {
    assert_eq!(page.status, 200, "{}", page.body);
    let doc = page.html();
    let title = html::text(&doc, "title");
    assert!(title.contains(expected_in_title), "the title shows the text as text: {title:?}");
    assert!(html::attrs(&doc, "img[src=x]", "src").is_empty(), "no injected <img>");
    for script in html::texts(&doc, r#"script:not([type="application/ld+json"])"#) {
        assert!(!script.contains("alert("), "no injected script: {script}");
    }
}

async fn a_search_query_cannot_close_the_title(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let query: String = url::form_urlencoded::byte_serialize(TITLE_BREAKER.as_bytes()).collect();
    // Twice: the second answer comes from the page cache, which must not hold markup either.
    for _ in 0..2 {
        let page = get(&app.base, &format!("/products?q={query}")).await;
        assert_inert(&page, TITLE_BREAKER);
        let doc = page.html();
        let og_title = html::attr(&doc, r#"meta[property="og:title"]"#, "content");
        assert!(og_title.contains(TITLE_BREAKER), "the query stays inside its attribute: {og_title}");
    }
}

async fn catalog_names_cannot_inject_markup_into_any_page(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let (product_id, category_id) = add_hostile_catalog(&app).await;
    for path in ["/products/hostile-product", "/categories/hostile-category", "/products", "/"] {
        let page = get(&app.base, path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(html::attrs(&page.html(), "img[src=x]", "src").is_empty(), "{path}: no injected image");
        // JSON-LD holds the name as data, with `<` spelled \u003c so no tag can close its script.
        for block in page.body.split(r#"<script type="application/ld+json">"#).skip(1) {
            let json = block.split("</script>").next().unwrap();
            assert!(!json.contains('<'), "{path}: raw markup in JSON-LD: {json}");
        }
    }
    assert_inert(&get(&app.base, "/products/hostile-product").await, IMG_BREAKER);
    assert_inert(&get(&app.base, "/categories/hostile-category").await, IMG_BREAKER);

    let mut admin = back_office::admin(&app).await;
    // The edit form shows the description in a <textarea>, whose text the renderer does not escape.
    let form = admin.get(&format!("/admin/products/{product_id}")).await;
    assert_eq!(html::text(&form.html(), "textarea#field-description"), IMG_BREAKER, "kept as text, whole");
    for path in [
        format!("/admin/products/{product_id}"),
        format!("/admin/products/{product_id}/delete"),
        format!("/admin/categories/{category_id}"),
        format!("/admin/categories/{category_id}/delete"),
    ] {
        assert_inert(&admin.get(&path).await, IMG_BREAKER);
    }
    for path in ["/admin", "/admin/products", "/admin/categories"] {
        let page = admin.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(html::attrs(&page.html(), "img[src=x]", "src").is_empty(), "{path}: no injected image");
    }
}

/// A shopper buys the product whose title is markup and gives markup as their name and address:
/// the cart, the checkout, their order and the back office's orders show all of it as text.
async fn markup_in_a_title_or_an_address_stays_text_from_cart_to_back_office(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let (product_id, _) = add_hostile_catalog(&app).await;
    let mut john = back_office::customer(&app).await;
    let id = product_id.to_string();
    let added = john.post("/rpc/cart/add", &[("product_id", id.as_str()), ("quantity", "1")]).await;
    assert_eq!(added.status, 200, "{}", added.body);
    let cart = john.get("/cart").await;
    assert_no_injected_markup(&cart, "/cart");
    let updates = html::attrs(&cart.html(), ".quantity-form button", "aria-label");
    assert_eq!(updates, [format!("Update {IMG_BREAKER}")], "the button's label holds the title as text");

    let checkout = john.get("/checkout").await;
    assert_no_injected_markup(&checkout, "/checkout");
    let key = html::attr(&checkout.html(), "input[name=idempotency_key]", "value");
    let fields = [
        ("fulfilment", "delivery"),
        ("payment_method", "cash_on_delivery"),
        ("recipient", "<b>Jhon</b>"),
        ("phone", "3001234567"),
        ("address_line", IMG_BREAKER),
        ("city", "<i>Bogotá</i>"),
        ("postal_code", "110111"),
        ("idempotency_key", key.as_str()),
    ];
    let placed = john.submit_form("/rpc/checkout/place", "/checkout", &fields).await;
    assert_eq!(placed.status, 302, "{}", placed.body);
    let order_path = placed.redirect_path();
    let order = john.get(&order_path).await;
    assert_no_injected_markup(&order, &order_path);
    let text = html::text(&order.html(), "main");
    for typed in [IMG_BREAKER, "<b>Jhon</b>", "<i>Bogotá</i>"] {
        assert!(text.contains(typed), "{order_path} shows {typed:?} as typed: {text}");
    }
    assert_no_injected_markup(&john.get("/account/orders").await, "/account/orders");

    let mut admin = back_office::admin(&app).await;
    let order_id = order_path.trim_start_matches("/account/orders/").split('?').next().unwrap().to_owned();
    for path in ["/admin/orders".to_owned(), format!("/admin/orders/{order_id}")] {
        assert_no_injected_markup(&admin.get(&path).await, &path);
    }
    let text = html::text(&admin.get(&format!("/admin/orders/{order_id}")).await.html(), "main");
    for typed in [IMG_BREAKER, "<b>Jhon</b>", "<i>Bogotá</i>"] {
        assert!(text.contains(typed), "the back office shows {typed:?} as typed: {text}");
    }
}

/// The page answered 200 and holds no element that the markup used in these stories would add.
fn assert_no_injected_markup(page: &Page, path: &str) {
    assert_eq!(page.status, 200, "{path}: {}", page.body);
    let doc = page.html();
    assert!(html::attrs(&doc, "img[src=x]", "src").is_empty(), "{path}: no injected <img>");
    assert!(html::texts(&doc, "main b, main i").is_empty(), "{path}: no injected <b> or <i>");
}

/// A category and a product whose names are markup; returns their ids.
async fn add_hostile_catalog(app: &TestApp) -> (i64, i64) {
    let at = chrono::Utc::now();
    let category =
        NewCategory { name: IMG_BREAKER, slug: "hostile-category", image: "/media/demo/category-clothes.svg", at };
    let product = NewProduct {
        title: IMG_BREAKER,
        slug: "hostile-product",
        description: IMG_BREAKER,
        price: Money(1_000),
        stock: 3,
        category_slug: "hostile-category",
        images: vec![],
        at,
    };
    catalog::insert_catalog(&app.db, &[category], &[product]).await.unwrap();
    app.state.catalog_changed();
    let product_id = back_office::id_of(app, "products", "hostile-product").await;
    let category_id = back_office::id_of(app, "categories", "hostile-category").await;
    (product_id, category_id)
}

/// Signs in through a trusted proxy that saw `client`; returns the status.
async fn sign_in_from(app: &TestApp, client: &str, email: &str, password: &str) -> u16 {
    let answer = reqwest::Client::new()
        .post(format!("{}/rpc/login", app.base))
        .header("x-forwarded-for", client)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    answer.status().as_u16()
}

async fn a_guesser_cannot_lock_the_owner_out(backend: Backend) {
    let mut config = test_config(backend).await;
    config.auth.trust_forwarded_for = true;
    config.auth.max_failed_logins = 3;
    config.auth.max_failed_logins_per_client = 6;
    config.auth.lockout_secs = 2;
    let app = spawn_with(config, true).await;
    let (attacker, owner) = ("198.51.100.7", "203.0.113.9");
    let admin = "admin@mail.com";
    let attempts = |key: String| {
        let db = app.db.clone();
        async move { tienda::server::db::login_failures::attempts(&db, &key).await.unwrap() }
    };
    use tienda::server::auth::throttle::{account_key, client_key};

    for n in 0..3 {
        assert_eq!(sign_in_from(&app, attacker, admin, &format!("guess {n}")).await, 401);
    }
    for _ in 0..5 {
        assert_eq!(sign_in_from(&app, attacker, admin, "another guess").await, 429, "the guesser is locked out");
    }
    assert_eq!(attempts(account_key(admin, attacker)).await, 3, "refused attempts are not counted");
    assert_eq!(attempts(client_key(attacker)).await, 3, "nor under the client");
    assert_eq!(sign_in_from(&app, owner, admin, "admin123").await, 200, "the owner gets in from elsewhere");
    assert_eq!(sign_in_from(&app, attacker, admin, "admin123").await, 429, "the guesser is still locked out");

    // One guess after each lock expires keeps only the guesser out, never the owner.
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    assert_eq!(sign_in_from(&app, attacker, admin, "guess after the lock").await, 401);
    assert_eq!(sign_in_from(&app, attacker, admin, "admin123").await, 429, "locked again, for longer");
    assert_eq!(sign_in_from(&app, owner, admin, "admin123").await, 200);

    // A client locked for guessing across accounts does not move another account's count.
    let sprayer = "192.0.2.44";
    for n in 0..6 {
        assert_eq!(sign_in_from(&app, sprayer, &format!("someone{n}@mail.com"), "guess").await, 401);
    }
    for _ in 0..4 {
        assert_eq!(sign_in_from(&app, sprayer, "john@mail.com", "guess").await, 429);
    }
    assert_eq!(attempts(account_key("john@mail.com", sprayer)).await, 0);
    assert_eq!(sign_in_from(&app, owner, "john@mail.com", "changeme").await, 200);
}

async fn nul_bytes_get_a_clean_400_everywhere(backend: Backend) {
    let app = spawn_seeded(backend).await;
    for path in [
        "/products?q=lamp%00",
        "/products?category=furniture%00",
        "/products/solid-oak-coffee-table%00",
        "/categories/furniture%00",
        "/api/v1/products?title=%00",
        "/api/v1/products?categorySlug=%00",
        "/api/v1/products/slug/a%00b",
        "/api/v1/products/slug/a%00b/related",
        "/api/v1/categories/slug/%00",
    ] {
        let answer = reqwest::get(format!("{}{path}", app.base)).await.unwrap();
        assert_eq!(answer.status(), 400, "{path}");
    }
    let api = reqwest::Client::new();
    // A NUL in an email makes it malformed: a wrong pair for a sign-in, a 400 where it is checked.
    for (path, body, status) in [
        ("/api/v1/auth/login", serde_json::json!({"email": "admin\0@mail.com", "password": "admin123"}), 401),
        ("/api/v1/users/is-available", serde_json::json!({"email": "a\0@mail.com"}), 400),
    ] {
        let answer = api.post(format!("{}{path}", app.base)).json(&body).send().await.unwrap();
        assert_eq!(answer.status(), status, "{path}");
        let body: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(body["statusCode"], status, "{path}: the API's shape");
    }
    for (path, fields) in [
        ("/rpc/login", vec![("email", "admin\0@mail.com"), ("password", "admin123")]),
        ("/rpc/register", vec![("name", "Nul\0Name"), ("email", "nul@mail.com"), ("password", "a long password")]),
    ] {
        let answer = reqwest::Client::new().post(format!("{}{path}", app.base)).form(&fields).send().await.unwrap();
        let status = answer.status().as_u16();
        assert!(matches!(status, 400 | 401 | 422), "{path}: a clean refusal, not {status}");
    }
    assert_eq!(get(&app.base, "/products").await.status, 200, "the server is unharmed");
}

async fn malformed_server_function_bodies_get_400(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let admin = back_office::admin(&app).await;
    let cookie = format!("tienda_session={}", admin.session.clone().unwrap());
    let client = reqwest::Client::new();
    for path in ["/rpc/account/avatar", "/rpc/admin/products/save"] {
        for content_type in ["multipart/form-data", "multipart/form-data; boundary="] {
            let answer = client
                .post(format!("{}{path}", app.base))
                .header("cookie", &cookie)
                .header("content-type", content_type)
                .body("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--\r\n")
                .send()
                .await
                .expect("an answer, not a dropped connection");
            assert_eq!(answer.status(), 400, "{path} with {content_type:?}");
        }
    }
    let invalid_utf8 = client
        .post(format!("{}/rpc/login", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(b"email=\xff\xfe&password=x".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(invalid_utf8.status(), 400, "invalid UTF-8 is the client's mistake");
    assert_eq!(get(&app.base, "/healthz").await.status, 200);
}

async fn related_products_and_the_sitemap_are_bounded(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let at = chrono::Utc::now();
    let slugs: Vec<String> = (0..210).map(|n| format!("bulk-chair-{n}")).collect();
    let products: Vec<NewProduct> = slugs
        .iter()
        .map(|slug| NewProduct {
            title: slug,
            slug,
            description: "A chair like the others.",
            price: Money(5_000),
            stock: 1,
            category_slug: "furniture",
            images: vec![],
            at,
        })
        .collect();
    catalog::insert_catalog(&app.db, &[], &products).await.unwrap();
    app.state.catalog_changed();
    let related: Vec<serde_json::Value> =
        reqwest::get(format!("{}/api/v1/products/slug/bulk-chair-0/related", app.base))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(related.len(), 200, "one page of related products, not the whole category");

    let first = get(&app.base, "/sitemap.xml").await.body;
    let extra = NewProduct {
        title: "One More",
        slug: "one-more",
        description: "Added behind the cache's back.",
        price: Money(5_000),
        stock: 1,
        category_slug: "furniture",
        images: vec![],
        at: at + chrono::Duration::minutes(1),
    };
    catalog::insert_catalog(&app.db, &[], &[extra]).await.unwrap();
    assert_eq!(get(&app.base, "/sitemap.xml").await.body, first, "the index is served from the cache, not rebuilt");
    let products = get(&app.base, "/sitemaps/products-1.xml").await.body;
    assert!(products.contains("/products/one-more"), "a product file is read fresh, never kept in memory");
    app.state.catalog_changed();
    assert_ne!(get(&app.base, "/sitemap.xml").await.body, first, "rebuilt after a change: a newer date");
    assert_eq!(common::sitemap::crawl(&app.base).await.len(), 3 + 5 + 51 + 211);
}

async fn sign_ups_per_client_are_limited(backend: Backend) {
    let mut config = test_config(backend).await;
    config.auth.signups_per_client_per_hour = 3;
    config.auth.trust_forwarded_for = true;
    let app = spawn_with(config, true).await;
    let sign_up = |client: &'static str, n: u32| {
        let fields = [
            ("name", format!("Person {n}")),
            ("email", format!("person{n}@mail.com")),
            ("password", "a long password".into()),
        ];
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(format!("{}/rpc/register", app.base))
            .header("x-forwarded-for", client)
            .form(&fields)
            .send()
    };
    for n in 0..3 {
        let status = sign_up("198.51.100.20", n).await.unwrap().status().as_u16();
        assert!(status < 400, "sign-up {n}: {status}");
    }
    let refused = sign_up("198.51.100.20", 3).await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let users = back_office::count(&app, "SELECT COUNT(*) FROM users WHERE email LIKE 'person%'").await;
    assert_eq!(users, 3, "the refused sign-up created nothing");
    let status = sign_up("203.0.113.20", 4).await.unwrap().status().as_u16();
    assert!(status < 400, "another client is not held back: {status}");
}

async fn pictures_are_decoded_whole_under_the_pixel_cap(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let john = back_office::customer(&app).await;
    let cookie = format!("tienda_session={}", john.session.clone().unwrap());
    let upload = |bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("me.png").mime_str("image/png").unwrap();
        reqwest::Client::new()
            .post(format!("{}/rpc/account/avatar", app.base))
            .header("origin", app.base.clone())
            .header("cookie", cookie.clone())
            .multipart(reqwest::multipart::Form::new().part("avatar", part))
            .send()
    };
    let real = back_office::png(40, 30);
    let truncated = real[..real.len() / 2].to_vec();
    assert_eq!(upload(truncated).await.unwrap().status(), 415, "starts like a PNG but does not decode");
    assert_eq!(upload(png_claiming(9_000, 7_000)).await.unwrap().status(), 415, "63 megapixels is over the cap");
    assert_eq!(upload(real).await.unwrap().status(), 200, "a real picture is taken");
}

/// Clients that close their connections while their page renders (a crawler that gives up, a
/// load generator that stops) must leave the database connections free. Each such request used to
/// strand a future queued for a read connection, and the connection it was handed stayed taken:
/// a SQLite server lost all eight within seconds and answered every read with a 503 until
/// restarted, and the renders themselves stayed in memory. One connection and no cache here make
/// the first lost one fatal; the count of live renders shows any render left behind.
async fn clients_leaving_mid_render_give_the_database_connections_back(backend: Backend) {
    use tokio::io::AsyncWriteExt;
    let mut config = test_config(backend).await;
    config.database.max_connections = 1;
    config.database.connect_timeout_secs = 2;
    config.cache.ttl_secs = 0;
    let app = spawn_with(config, true).await;
    let address = app.base.trim_start_matches("http://").to_owned();
    let mut clients = Vec::new();
    for client in 0..32u64 {
        let address = address.clone();
        clients.push(tokio::spawn(async move {
            for round in 0..20u64 {
                let Ok(mut socket) = tokio::net::TcpStream::connect(&address).await else { continue };
                let path = if round % 2 == 0 { "/products" } else { "/products/solid-oak-coffee-table" };
                let head = format!("GET {path} HTTP/1.1\r\nHost: tienda.test\r\n\r\n");
                let _ = socket.write_all(head.as_bytes()).await;
                // Gone at varied points: before the render starts, while it waits for the
                // database, as its answer is written.
                tokio::time::sleep(Duration::from_micros((client * 7 + round * 13) % 20 * 500)).await;
            }
        }));
    }
    for client in clients {
        client.await.unwrap();
    }
    // Every render is cleaned up once its client has gone: none is kept alive (with whatever it
    // holds) by its own reactive graph.
    let mut live = app.state.live_renders.count();
    for _ in 0..200 {
        if live == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        live = app.state.live_renders.count();
    }
    assert_eq!(live, 0, "renders left behind by clients that went away");
    let read = tokio::time::timeout(Duration::from_secs(30), get(&app.base, "/api/v1/products/7")).await;
    assert_eq!(read.expect("the API answers").status, 200, "a read after the abandoned renders is served");
    let page = get(&app.base, "/products").await;
    assert_eq!(page.status, 200);
    assert_eq!(html::card_titles(&page.html()).len(), 24, "the catalog's first page lists its products");
}

async fn sqlite_durability_is_a_setting_defaulting_to_full(backend: Backend) {
    if backend == Backend::Postgres {
        return; // PostgreSQL's durability is the server's own (fsync, synchronous_commit).
    }
    let synchronous = |app: TestApp| async move {
        let value: i64 = tienda::server::db::with_pool!(app.db.writer(), pool =>
            sqlx::query_scalar("PRAGMA synchronous").fetch_one(pool).await)
        .unwrap();
        value
    };
    assert_eq!(synchronous(spawn_seeded(backend).await).await, 2, "FULL: acknowledged writes survive power loss");
    let mut config = test_config(backend).await;
    config.database.sqlite_synchronous = tienda::server::config::SqliteSynchronousSetting::Normal;
    assert_eq!(synchronous(spawn_with(config, false).await).await, 1, "NORMAL when asked for");
}

async fn sqlite_reads_through_a_memory_map_unless_told_not_to(backend: Backend) {
    if backend == Backend::Postgres {
        return; // PostgreSQL reads through its own shared buffers.
    }
    // Asked of a connection the pages read from, after a page has been read with it.
    let mapped = |app: TestApp| async move {
        assert_eq!(get(&app.base, "/products").await.status, 200);
        let value: i64 = tienda::server::db::with_reader!(app.db.reader(), conn =>
            sqlx::query_scalar("PRAGMA mmap_size").fetch_one(conn).await)
        .unwrap();
        value
    };
    assert_eq!(mapped(spawn_seeded(backend).await).await, 256 * 1024 * 1024, "256 MB by default");
    let mut config = test_config(backend).await;
    config.database.sqlite_mmap_mb = 0;
    assert_eq!(mapped(spawn_with(config, false).await).await, 0, "off when set to 0");
}

/// The start of a PNG whose header claims `width` x `height` RGBA pixels.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut png = back_office::png(1, 1);
    // The header chunk's width and height sit right after the signature, length and type.
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A request whose body never comes gets 408 at the deadline (20 s), a page's form post as an API
/// call (in the API's JSON, which any origin may read), and the connection is closed: the wait
/// for the rest of the body no longer held the answer back until the server-wide timeout (30 s)
/// replaced it with an empty 503, which blamed the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_never_comes_gets_408_at_the_deadline() {
    let app = spawn_seeded(Backend::Sqlite).await;
    let address = app.base.trim_start_matches("http://").to_owned();
    let api = format!(
        "POST /api/v1/users/is-available HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: 23\r\n\r\n{{\"email\":"
    );
    let form = format!(
        "POST /rpc/login HTTP/1.1\r\nHost: {address}\r\nOrigin: http://{address}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 60\r\n\r\nemail=john%40mail.com&pass"
    );
    let started = std::time::Instant::now();
    let (api, form) = tokio::join!(common::raw_answer(&address, &api), common::raw_answer(&address, &form));
    let waited = started.elapsed();
    assert!(api.starts_with("HTTP/1.1 408"), "{api}");
    assert!(api.to_ascii_lowercase().contains("access-control-allow-origin: *"), "{api}");
    assert!(api.contains(r#""statusCode":408"#), "the API's JSON: {api}");
    assert!(form.starts_with("HTTP/1.1 408"), "{form}");
    assert!(form.contains("did not arrive in time"), "{form}");
    for answer in [&api, &form] {
        assert!(answer.to_ascii_lowercase().contains("connection: close"), "{answer}");
    }
    let deadline = tienda::server::rest::REQUEST_DEADLINE;
    assert!(waited >= deadline && waited < deadline + Duration::from_secs(5), "answered after {waited:?}");
    assert_eq!(get(&app.base, "/healthz").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_requests_are_closed_and_do_not_keep_a_real_request_out() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut config = test_config(Backend::Sqlite).await;
    config.server.max_connections = 20;
    config.server.header_timeout_secs = 1;
    let app = spawn_with(config, true).await;
    let address = app.base.trim_start_matches("http://").to_owned();
    // Three times the connection cap, each stopping halfway through its headers.
    let mut slow = Vec::new();
    for _ in 0..60 {
        let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
        socket.write_all(b"GET /products HTTP/1.1\r\nHost: tienda.test\r\n").await.unwrap();
        slow.push(socket);
    }
    // A generous bound: without the header deadline the slow sockets would hold every slot forever.
    let real = tokio::time::timeout(Duration::from_secs(60), get(&app.base, "/healthz")).await;
    assert_eq!(real.expect("a real request is answered while slow clients wait").status, 200);
    for socket in &mut slow {
        let mut buffer = [0u8; 64];
        let read = tokio::time::timeout(Duration::from_secs(60), socket.read(&mut buffer)).await;
        let closed = matches!(read, Ok(Ok(0)) | Ok(Err(_)));
        assert!(closed, "a half-sent request's connection is closed by the server: {read:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_carries_a_strict_content_security_policy() {
    let app = spawn_seeded(Backend::Sqlite).await;
    for path in ["/", "/products?q=lamp", "/products/solid-oak-coffee-table", "/login", "/no-such-page", "/stores"] {
        let page = get(&app.base, path).await;
        let policy = page.headers.get("content-security-policy").map(|v| v.to_str().unwrap().to_owned());
        let policy = policy.unwrap_or_else(|| panic!("{path} has a Content-Security-Policy"));
        for directive in ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"] {
            assert!(policy.contains(directive), "{path}: {directive} in {policy}");
        }
        let script_src = policy.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
        assert!(!script_src.contains("'unsafe-inline'") && !script_src.contains("'unsafe-eval'"), "{script_src}");
        // Every inline script the page holds is one the policy pins by hash.
        let scripts = tienda::server::http::csp::inline_scripts(&page.body);
        assert!(!scripts.is_empty(), "{path}: the hydration loader is inline");
        for script in scripts {
            let hash = tienda::server::http::csp::sha256_source(script);
            assert!(script_src.contains(&hash), "{path}: an inline script the policy does not allow: {script}");
        }
    }
    let docs = get(&app.base, "/api/docs/").await;
    assert!(docs.headers.contains_key("content-security-policy"), "the API docs page has its own policy");
}

/// Issue 16: a signed-out `/admin` render and a static file served at the same moment on the
/// same worker thread. leptos_axum's static-file path looked up `ResponseOptions` through the
/// thread's leftover reactive owner, found the admin render's and took its `Location` header.
#[tokio::test(flavor = "current_thread")]
async fn a_redirect_keeps_its_headers_while_static_files_are_served_beside_it() {
    use axum::{body::Body, http::Request};
    use tower::ServiceExt;
    let mut config = test_config(Backend::Sqlite).await;
    config.server.site_root = common::scratch_dir("site");
    let site_root = config.server.site_root.clone();
    std::fs::create_dir_all(&site_root).unwrap();
    std::fs::write(site_root.join("favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    let server = tienda::server::app::startup::Server::build(config).await.unwrap();
    let app = tienda::server::app::startup::router(server.state().clone(), server.sessions().clone());
    let request = |path: &str| Request::get(path).body(Body::empty()).unwrap();
    for round in 0..50 {
        // One thread: the admin render starts, waits on the database, and the icon is served meanwhile.
        let (admin, icon) = tokio::join!(app.clone().oneshot(request("/admin")), async {
            tokio::task::yield_now().await;
            app.clone().oneshot(request("/favicon.svg")).await
        });
        let (admin, icon) = (admin.unwrap(), icon.unwrap());
        assert_eq!(icon.status(), 200, "round {round}");
        assert!(icon.headers().get("location").is_none(), "round {round}: the icon took the redirect's header");
        assert_eq!(admin.status(), 303, "round {round}");
        assert_eq!(admin.headers()["location"], "/login?next=%2Fadmin", "round {round}");
        assert_eq!(admin.headers()["cache-control"], "no-store", "round {round}");
    }
}

/// The database stops answering: a TCP relay between the server and PostgreSQL drops every
/// connection and refuses new ones, then lets them through again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_database_gets_fast_503s_and_recovery_is_automatic() {
    let mut config = test_config(Backend::Postgres).await;
    let relay = Relay::start(&config.database.url).await;
    config.database.url = relay.url.clone();
    let app = spawn_with(config, true).await;
    assert_eq!(get(&app.base, "/products?q=oak").await.status, 200);

    relay.cut();
    let started = std::time::Instant::now();
    let page = get(&app.base, "/products?q=walnut").await;
    let first_503 = started.elapsed();
    assert_eq!(page.status, 503, "a page for people: {}", page.body);
    assert!(page.headers.contains_key("retry-after"));
    assert!(page.body.contains("<html lang=\"en\""), "{}", page.body);
    let api = reqwest::get(format!("{}/api/v1/products?title=zzz", app.base)).await.unwrap();
    assert_eq!(api.status(), 503);
    assert!(api.headers().contains_key("retry-after"));
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["statusCode"], 503, "the API's shape");
    let rpc = reqwest::Client::new()
        .post(format!("{}/rpc/login", app.base))
        .form(&[("email", "admin@mail.com"), ("password", "admin123")])
        .send()
        .await
        .unwrap();
    assert_eq!(rpc.status(), 503);
    assert_eq!(get(&app.base, "/readyz").await.status, 503);
    for path in ["/sitemap.xml", "/sitemaps/pages.xml", "/sitemaps/products-1.xml"] {
        assert_eq!(get(&app.base, path).await.status, 503, "{path}: a crawler is told to come back");
    }
    assert_eq!(get(&app.base, "/healthz").await.status, 200, "the process itself is alive");
    eprintln!("first 503 after the database went away: {first_503:?}");

    relay.restore();
    let back = std::time::Instant::now();
    loop {
        if get(&app.base, "/readyz").await.status == 200 {
            break;
        }
        assert!(back.elapsed() < Duration::from_secs(30), "the server notices the database is back");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!("ready again after: {:?}", back.elapsed());
    assert_eq!(get(&app.base, "/products?q=walnut").await.status, 200);
}

/// PostgreSQL restarts between two requests (a failover, an upgrade): every connection the pool
/// holds is cut, and new ones are let through at once. A read that meets a cut connection is run
/// again on a sound one (a signed-in visitor's session too), and the pool checks the connections
/// used before the cut before it lends them again, so no visitor sees the restart, however many
/// connections were open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_restart_between_requests_costs_no_request() {
    let mut config = test_config(Backend::Postgres).await;
    config.cache.ttl_secs = 0; // every request reads the database
    let relay = Relay::start(&config.database.url).await;
    config.database.url = relay.url.clone();
    let app = spawn_with(config, true).await;
    let mut signed_in = common::visitor::Visitor::new(&app.base);
    assert_eq!(signed_in.sign_in("admin@mail.com", "admin123").await.status, 200);
    let paths =
        ["/products?q=oak", "/products", "/products?page=2", "/categories/furniture", "/api/v1/products?limit=5"];
    for round in 0..3 {
        // Several requests at once, so that the pool holds several connections, all just used.
        let pages = all_at_once(&app.base, &paths).await;
        assert!(pages.iter().all(|page| page.status == 200), "round {round}, before the restart");
        relay.cut_open_connections();
        // The first read after the restart is the session's.
        let account = signed_in.get("/account").await;
        assert_eq!(account.status, 200, "round {round}: the signed-in visitor's page: {}", account.body);
        assert!(account.body.contains("admin@mail.com"), "round {round}: still signed in");
        let pages = all_at_once(&app.base, &paths).await;
        for (path, page) in paths.iter().zip(&pages) {
            assert_eq!(page.status, 200, "round {round}, {path} just after the restart: {}", page.body);
        }
    }
    assert_eq!(get(&app.base, "/readyz").await.status, 200);
}

/// GETs of `paths`, all sent at once.
async fn all_at_once(base: &str, paths: &[&'static str]) -> Vec<Page> {
    let requests: Vec<_> = paths
        .iter()
        .map(|&path| {
            let base = base.to_owned();
            tokio::spawn(async move { get(&base, path).await })
        })
        .collect();
    let mut pages = Vec::new();
    for request in requests {
        pages.push(request.await.unwrap());
    }
    pages
}

struct Relay {
    url: String,
    open: std::sync::Arc<std::sync::atomic::AtomicBool>,
    connections: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl Relay {
    async fn start(database_url: &str) -> Self {
        let mut url = url::Url::parse(database_url).unwrap();
        let target = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        url.set_port(Some(listener.local_addr().unwrap().port())).unwrap();
        let open = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let connections = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (is_open, handles) = (open.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !is_open.load(std::sync::atomic::Ordering::SeqCst) {
                    continue; // dropped at once: the database "is not there"
                }
                let target = target.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                handles.lock().unwrap().push(task.abort_handle());
            }
        });
        Self { url: url.to_string(), open, connections }
    }

    fn cut(&self) {
        self.open.store(false, std::sync::atomic::Ordering::SeqCst);
        self.cut_open_connections();
    }

    /// Drops the connections open through the relay and lets new ones through: the database
    /// restarted.
    fn cut_open_connections(&self) {
        for connection in self.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }

    fn restore(&self) {
        self.open.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// The elements whose text the renderer writes unescaped (tachys: textarea, script, style,
/// noscript; leptos_meta: title) appear only where their text is escaped by hand or is data.
#[test]
fn raw_text_elements_appear_only_where_their_text_is_escaped() {
    let allowed = [
        ("src/components/forms.rs", "<textarea"),
        ("src/components/page_meta.rs", "<Title"),
        ("src/components/page_meta.rs", "<script"),
        // The island loader: built at start-up from the build's file names, which `pkg_files::find`
        // accepts only as letters, digits, '-', '_' and dots (its unit test: no '<' in the text).
        ("src/components/front_end.rs", "<script"),
    ];
    let mut found = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for tag in ["<textarea", "<script", "<style", "<noscript", "<Title"] {
                let in_views =
                    text.lines().filter(|line| !line.trim_start().starts_with("//")).any(|l| l.contains(tag));
                let file = path.to_string_lossy().replace('\\', "/");
                let server_markup = file.starts_with("src/server/");
                if in_views && !server_markup && !allowed.contains(&(file.as_str(), tag)) {
                    found.push(format!("{file}: {tag}"));
                }
            }
        }
    }
    assert!(found.is_empty(), "escape their text by hand (components::raw_text), then allow them here: {found:?}");
}

/// Answers to hand-written request heads: what no HTTP client library would send.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_without_a_path_get_400_and_oversized_heads_431() {
    let app = spawn_seeded(Backend::Sqlite).await;
    let address = app.base.trim_start_matches("http://").to_owned();
    for method in ["CONNECT", "GET"] {
        let head = format!("{method} {address} HTTP/1.1\r\nHost: tienda.test\r\nConnection: close\r\n\r\n");
        let answer = common::raw_answer(&address, &head).await;
        assert!(answer.starts_with("HTTP/1.1 400"), "{method} host:port: {answer}");
    }
    let huge =
        format!("GET / HTTP/1.1\r\nHost: tienda.test\r\nX-Big: {}\r\nConnection: close\r\n\r\n", "a".repeat(380_000));
    let answer = common::raw_answer(&address, &huge).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "a 380 KB head (the size the attack run sent; hyper checks the limit between reads, so a head just over 64 KB may still fit): {}", answer.lines().next().unwrap_or_default());
    assert_eq!(get(&app.base, "/healthz").await.status, 200);
}

/// The head of the answer to `request` (a whole request, body included) sent on `socket`.
async fn answer_head(socket: &mut tokio::net::TcpStream, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    socket.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = tokio::time::timeout(Duration::from_secs(30), socket.read(&mut buffer)).await;
        match read {
            Ok(Ok(n)) if n > 0 => answer.extend_from_slice(&buffer[..n]),
            other => panic!("the answer's head ended early ({other:?}): {}", String::from_utf8_lossy(&answer)),
        }
    }
    String::from_utf8_lossy(&answer).to_lowercase()
}

/// A refusal given before the body is read (the API's 403 for a customer's catalog write, its 401
/// for an upload without a token, a form from another site) would leave the rest of the body
/// where the next request starts: the server reads it and throws it away before answering, so a
/// client still sending megabytes gets the answer, not a reset, and the connection serves its
/// next request. What cannot be read in time or within the cap gets `Connection: close`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_given_before_the_body_is_read_keeps_the_connection_usable() {
    use tokio::io::AsyncWriteExt;
    let app = spawn_seeded(Backend::Sqlite).await;
    let address = app.base.trim_start_matches("http://").to_owned();
    let token = common::api::customer_token(&app).await;
    let body = format!("{{\"title\":\"{}\"}}", "x".repeat(60_000));
    let refused = format!(
        "POST /api/v1/products HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = answer_head(&mut socket, refused.as_bytes()).await;
    assert!(head.starts_with("http/1.1 403") && !head.contains("connection: close"), "{head}");

    // Three megabytes to the upload without a token: written by a task while the answer is read,
    // as a client does; the answer comes whole, and the same connection answers a GET next.
    let upload = vec![b'a'; 3_000_000];
    let head = format!(
        "POST /api/v1/files/upload HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {}\r\n\r\n",
        upload.len()
    );
    let socket = tokio::net::TcpStream::connect(&address).await.unwrap();
    let (mut reading, mut writing) = socket.into_split();
    let sender = tokio::spawn(async move {
        writing.write_all(head.as_bytes()).await?;
        writing.write_all(&upload).await?;
        writing.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await?;
        Ok::<_, std::io::Error>(writing)
    });
    let mut answers = Vec::new();
    let mut buffer = [0u8; 4096];
    while !String::from_utf8_lossy(&answers).contains("\r\n\r\nok") {
        use tokio::io::AsyncReadExt;
        match tokio::time::timeout(Duration::from_secs(30), reading.read(&mut buffer)).await {
            Ok(Ok(n)) if n > 0 => answers.extend_from_slice(&buffer[..n]),
            other => panic!("the connection ended early ({other:?}): {}", String::from_utf8_lossy(&answers)),
        }
    }
    sender.await.unwrap().expect("the whole upload was sent, no reset");
    let answers = String::from_utf8_lossy(&answers).to_lowercase();
    assert!(answers.starts_with("http/1.1 401"), "{answers}");
    assert_eq!(answers.matches("http/1.1 ").count(), 2, "and the GET after it: {answers}");

    let form = "product_id=1&quantity=1";
    let foreign = format!(
        "POST /rpc/cart/add HTTP/1.1\r\nHost: {address}\r\nOrigin: https://evil.example\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        form.len()
    );
    let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = answer_head(&mut socket, foreign.as_bytes()).await;
    assert!(head.starts_with("http/1.1 403"), "{head}");

    // A body declared longer than it is never ends: its answer cannot wait for it, and says so.
    let short = format!(
        "POST /api/v1/products HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{"
    );
    let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = answer_head(&mut socket, short.as_bytes()).await;
    assert!(head.starts_with("http/1.1 403") && head.contains("\r\nconnection: close\r\n"), "{head}");
}

/// An admin deletes an account at the moment it signs in, orders or edits the catalog (the outside
/// run's race): the write names a row that is gone, and the answer is the 409 of a change that
/// lost a race, never a 500. The race itself is replayed here by writing for an id no row has.
async fn a_write_for_an_account_deleted_meanwhile_is_a_conflict_not_a_500(backend: Backend) {
    use tienda::error::AppError;
    use tienda::server::db::{catalog::writes, refresh_tokens};
    let app = spawn_seeded(backend).await;
    let gone = 999_999;
    let token = refresh_tokens::NewRefreshToken {
        token_hash: "hash",
        family: "family",
        user_id: gone,
        expires_at: i64::MAX / 2,
        created_at: 0,
    };
    let error = AppError::from(refresh_tokens::insert_refresh_token(&app.db, &token).await.unwrap_err());
    assert_eq!((error.status_code(), &error), (409, &AppError::StaleEdit));
    let draft = tienda::model::catalog_edit::CategoryDraft { name: "Shoes".into(), image: String::new() };
    let change = writes::Change { by: Some(gone), at: chrono::Utc::now() };
    let refused = writes::insert_category(&app.db, &draft, "shoes-2", change).await;
    assert!(matches!(refused, Err(writes::WriteError::Stale)), "not 'unknown category'");
}
