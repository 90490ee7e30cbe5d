//! Buying through the pages without JavaScript (plain form posts and redirects), as a guest who
//! signs in at checkout, on both databases; and the page cache keeping a guest with a cart on
//! the fast path without showing their count to anyone else.

use crate::common::visitor::Visitor;
use crate::common::{html, spawn_seeded, Backend, Page, TestApp};
use crate::orders::{count_rows, execute, set_stock, stock_of};
use tienda::server::db::with_reader;

on_both_backends!(
    a_guest_buys_with_plain_forms,
    a_guests_cart_count_rides_on_cached_pages,
    forms_refuse_bad_input,
    a_refused_quantity_is_told_at_its_line,
    a_client_that_keeps_no_cookies_cannot_fill_the_database,
    what_a_sign_in_could_not_bring_along_is_told_once,
);

async fn slug_of(app: &TestApp, product_id: i64) -> String {
    let sql = "SELECT slug FROM products WHERE id = $1";
    with_reader!(app.db.reader(), pool => sqlx::query_scalar(sql).bind(product_id).fetch_one(pool).await).unwrap()
}

async fn title_of(app: &TestApp, product_id: i64) -> String {
    let sql = "SELECT title FROM products WHERE id = $1";
    with_reader!(app.db.reader(), pool => sqlx::query_scalar(sql).bind(product_id).fetch_one(pool).await).unwrap()
}

fn badge(page: &Page) -> String {
    html::attr(&page.html(), ".site-header [data-cart-count]", "data-cart-count")
}

/// Adds by a plain form post from `from`, and follows the redirect back.
async fn add(visitor: &mut Visitor, from: &str, product_id: i64, quantity: &str) -> Page {
    let id = product_id.to_string();
    let fields = [("product_id", id.as_str()), ("quantity", quantity), ("back", from)];
    let posted = visitor.submit_form("/rpc/cart/add", from, &fields).await;
    assert_eq!(posted.status, 302, "a plain form post is sent back: {}", posted.body);
    visitor.get(&posted.redirect_path()).await
}

async fn a_guest_buys_with_plain_forms(backend: Backend) {
    let app = spawn_seeded(backend).await;
    set_stock(&app, 1, 10).await;
    set_stock(&app, 2, 10).await;
    let product_page = format!("/products/{}", slug_of(&app, 1).await);
    let mut guest = Visitor::new(&app.base);
    assert!(guest.get(&product_page).await.body.contains("name=\"quantity\""), "the product page has the add form");
    assert!(guest.session.is_none(), "looking gives no session");

    let back = add(&mut guest, &product_page, 1, "2").await;
    assert_eq!(back.status, 200);
    assert!(html::text(&back.html(), ".product-info .form-notice").starts_with("Added to your cart"));
    assert_eq!(badge(&back), "2");
    assert!(guest.session.is_some(), "the first add gives the guest a session");
    add(&mut guest, "/products", 2, "1").await;
    let cart = guest.get("/cart").await;
    let cart_doc = cart.html();
    assert_eq!(html::texts(&cart_doc, ".cart-line-title").len(), 2);
    assert_eq!(badge(&cart), "3");
    // Each line's Update button says which line it updates (a screen reader hears it alone).
    let updates = html::attrs(&cart_doc, ".quantity-form button", "aria-label");
    let expected: Vec<String> =
        html::texts(&cart_doc, ".cart-line-title").iter().map(|title| format!("Update {title}")).collect();
    assert_eq!(updates, expected);

    // Checkout asks a guest to sign in, and the cart follows them into their account.
    let checkout = guest.get("/checkout").await;
    assert_eq!((checkout.status, checkout.location().as_str()), (303, "/login?next=%2Fcheckout"));
    let guest_session = guest.session.clone();
    let signed_in = guest
        .submit_form(
            "/rpc/login",
            "/login?next=%2Fcheckout",
            &[("email", "john@mail.com"), ("password", "changeme"), ("next", "/checkout")],
        )
        .await;
    assert_eq!((signed_in.status, signed_in.location().as_str()), (302, "/checkout"));
    assert_ne!(guest.session, guest_session, "the session id is cycled at sign-in");
    assert_eq!(guest.cart_cookie, None, "a signed-in shopper's count is not a cookie");
    let checkout = guest.get("/checkout").await;
    assert_eq!(checkout.status, 200);
    let doc = checkout.html();
    assert_eq!(html::texts(&doc, ".review-table tbody th").len(), 2, "the review shows the merged cart");
    let key = html::attr(&doc, "input[name=idempotency_key]", "value");
    for field in ["recipient", "phone", "address_line", "city", "postal_code"] {
        assert_eq!(html::attrs(&doc, &format!("#field-{field}[required]"), "name"), [field], "said to be required");
    }
    let store = html::attrs(&doc, "select[name=store_id] option", "value")[0].clone();

    // A phone too short: without JavaScript the form comes back with the message, and with what
    // was chosen and typed.
    let last_store = html::attrs(&doc, "select[name=store_id] option", "value").last().unwrap().clone();
    let short_phone = [
        ("fulfilment", "pickup"),
        ("recipient", "Maria Pérez"),
        ("phone", "12"),
        ("store_id", last_store.as_str()),
        ("idempotency_key", key.as_str()),
    ];
    let refused = guest.submit_form("/rpc/checkout/place", "/checkout", &short_phone).await;
    let again = guest.get(&refused.redirect_path()).await.html();
    assert!(!html::text(&again, "#field-phone-error").is_empty(), "the phone's message");
    assert_eq!(
        html::text(&again, "main [role=alert] .form-alert"),
        "Some fields are not valid. Please correct them and try again.",
        "said once, where a screen reader hears it at once"
    );
    assert_eq!(html::attr(&again, "#field-recipient", "value"), "Maria Pérez");
    assert_eq!(html::attr(&again, "#field-phone", "value"), "12");
    assert_eq!(html::attrs(&again, "#fulfilment-pickup[checked]", "value"), ["pickup"], "pickup stays chosen");
    assert_eq!(html::attrs(&again, "select[name=store_id] option[selected]", "value"), [last_store.as_str()]);
    assert_eq!(count_rows(&app, "orders").await, 0);

    let fields = [
        ("fulfilment", "pickup"),
        ("payment_method", "pay_at_pickup"),
        ("recipient", "Jhon Doe"),
        ("phone", "+57 300 123 4567"),
        ("address_line", ""),
        ("city", ""),
        ("postal_code", ""),
        ("store_id", store.as_str()),
        ("idempotency_key", key.as_str()),
    ];
    let placed = guest.submit_form("/rpc/checkout/place", "/checkout", &fields).await;
    assert_eq!(placed.status, 302, "{}", placed.body);
    let order_path = placed.location();
    assert!(order_path.starts_with("/account/orders/") && order_path.ends_with("?placed=1"), "{order_path}");
    // The same form again (a double click, a reload): the same order, nothing taken twice.
    let again = guest.submit_form("/rpc/checkout/place", "/checkout", &fields).await;
    assert_eq!(again.location(), order_path);
    assert_eq!(count_rows(&app, "orders").await, 1);
    assert_eq!((stock_of(&app, 1).await, stock_of(&app, 2).await), (8, 9));

    let order = guest.get(&order_path).await;
    assert_eq!(order.status, 200);
    let doc = order.html();
    assert!(html::text(&doc, ".form-notice").contains("Thank you"));
    assert_eq!(html::texts(&doc, ".order-lines tbody tr").len(), 2);
    assert_eq!(badge(&order), "0", "the cart is empty after the order");
    let id = order_path.trim_start_matches("/account/orders/").trim_end_matches("?placed=1").to_owned();
    let mine = guest.get("/account/orders").await;
    assert!(html::texts(&mine.html(), ".orders-table tbody th").contains(&format!("Order #{id}")));

    // Someone else's order does not exist for them.
    let mut maria = Visitor::new(&app.base);
    maria.sign_in("maria@mail.com", "12345").await;
    assert_eq!(maria.get(&format!("/account/orders/{id}")).await.status, 404);
    assert_eq!(maria.submit_form("/rpc/orders/change", "/", &[("id", &id), ("action", "cancel")]).await.status, 302);
    assert_eq!(count_rows(&app, "orders").await, 1);

    // The back office moves it along with buttons; the customer then can no longer cancel.
    let mut admin = Visitor::new(&app.base);
    admin.sign_in("admin@mail.com", "admin123").await;
    let list = admin.get("/admin/orders?status=placed").await;
    assert!(html::texts(&list.html(), ".orders-table tbody th").contains(&format!("Order #{id}")));
    let page = admin.get(&format!("/admin/orders/{id}")).await;
    let buttons = html::attrs(&page.html(), ".order-actions input[name=action]", "value");
    assert_eq!(buttons, ["confirm", "cancel"]);
    for action in ["confirm", "ready_for_pickup"] {
        let done = admin.submit_form("/rpc/orders/change", "/admin/orders", &[("id", &id), ("action", action)]).await;
        assert_eq!(done.location(), format!("/admin/orders/{id}?saved=1"));
    }
    let refused = guest.submit_form("/rpc/orders/change", &order_path, &[("id", &id), ("action", "cancel")]).await;
    let shown = guest.get(&refused.redirect_path()).await;
    assert!(html::text(&shown.html(), ".form-alert").contains("cannot be changed"), "{}", refused.location());
    assert_eq!(stock_of(&app, 1).await, 8);
    let status = admin.get(&format!("/admin/orders/{id}")).await;
    assert!(html::texts(&status.html(), ".status-badge").contains(&"Ready for pickup".to_owned()));
    let dashboard = admin.get("/admin").await;
    assert!(html::texts(&dashboard.html(), "h2").contains(&"Best sellers".to_owned()));
}

async fn a_guests_cart_count_rides_on_cached_pages(backend: Backend) {
    let app = spawn_seeded(backend).await;
    set_stock(&app, 3, 10).await;
    let mut guest = Visitor::new(&app.base);
    add(&mut guest, "/products", 3, "4").await;
    let first = guest.get("/products?page=2").await;
    let second = guest.get("/products?page=2").await;
    assert_eq!(badge(&first), "4");
    assert_eq!(badge(&second), "4");
    assert_eq!(second.headers["x-page-cache"], "hit", "the guest's page comes from the cache");
    assert_eq!(second.headers["cache-control"], "private, no-cache");
    // The page kept in the cache is everyone's: another visitor sees no count.
    let stranger = Visitor::new(&app.base).get("/products?page=2").await;
    assert_eq!(stranger.headers["x-page-cache"], "hit");
    assert_eq!(badge(&stranger), "0");
    // The cart page itself is never the cached one.
    assert_eq!(html::texts(&guest.get("/cart").await.html(), ".cart-line-title").len(), 1);
}

/// A quantity the stock cannot meet, set in the cart without JavaScript, is refused at its own
/// line and tied to that line's field: with two lines, "Only 2 left." at the top of the page would
/// not say which. Nothing changes in the cart.
async fn a_refused_quantity_is_told_at_its_line(backend: Backend) {
    let app = spawn_seeded(backend).await;
    set_stock(&app, 4, 2).await;
    set_stock(&app, 5, 10).await;
    let mut guest = Visitor::new(&app.base);
    add(&mut guest, "/products", 4, "1").await;
    add(&mut guest, "/products", 5, "1").await;
    let refused = guest.submit_form("/rpc/cart/quantity", "/cart", &[("product_id", "4"), ("quantity", "3")]).await;
    assert_eq!(refused.status, 302, "a plain form post is sent back: {}", refused.body);
    let back = refused.redirect_path();
    let shown = guest.get(&back).await.html();
    assert_eq!(html::text(&shown, "#cart-line-4-error"), "Only 2 left.");
    assert_eq!(html::attr(&shown, "#cart-quantity-4", "aria-describedby"), "cart-line-4-error");
    assert_eq!(html::attr(&shown, "#cart-quantity-4", "aria-invalid"), "true");
    assert_eq!(html::attr(&shown, "#cart-quantity-4", "value"), "1", "the cart's own quantity");
    assert_eq!(html::texts(&shown, "li.cart-line .field-error").len(), 1, "the other line says nothing");
    assert!(html::attrs(&shown, "#cart-quantity-5", "aria-invalid").is_empty());
    assert!(html::texts(&shown, "main .form-alert").is_empty(), "told once, at the line");
    // The product the refusal names is read once: loaded again, the address alone tells no line,
    // and the message is at the top.
    let again = guest.get(&back).await.html();
    assert!(html::texts(&again, "li.cart-line .field-error").is_empty());
    assert!(html::text(&again, "main .form-alert").contains("Only 2 left."));
    let quantities = "SELECT quantity FROM cart_lines ORDER BY product_id";
    let held: Vec<i64> =
        with_reader!(app.db.reader(), pool => sqlx::query_scalar(quantities).fetch_all(pool).await).unwrap();
    assert_eq!(held, [1, 1]);
}

async fn forms_refuse_bad_input(backend: Backend) {
    let app = spawn_seeded(backend).await;
    set_stock(&app, 4, 2).await;
    let mut guest = Visitor::new(&app.base);
    for (quantity, says) in [
        ("0", "from 1 to 99"),
        ("-3", "from 1 to 99"),
        ("abc", "Enter a whole number, like 12."),
        ("1.5", "Enter a whole number, like 12."),
        ("99999999999999999999999", "from 1 to 99"),
        ("3", "Only 2 left"),
    ] {
        let fields = [("product_id", "4"), ("quantity", quantity), ("back", "/products")];
        let refused = guest.submit_form("/rpc/cart/add", "/products", &fields).await;
        let shown = guest.get(&refused.redirect_path()).await;
        let alert = html::text(&shown.html(), "main .form-alert");
        assert!(alert.contains(says), "{quantity}: {alert}");
    }
    // The refusal names the product it is about, when the page shows it.
    let page = format!("/products/{}", slug_of(&app, 4).await);
    let fields = [("product_id", "4"), ("quantity", "3"), ("back", page.as_str())];
    let refused = guest.submit_form("/rpc/cart/add", &page, &fields).await;
    let shown = guest.get(&refused.redirect_path()).await;
    let title: String = tienda::server::db::with_reader!(app.db.reader(), pool =>
        sqlx::query_scalar("SELECT title FROM products WHERE id = 4").fetch_one(pool).await)
    .unwrap();
    let alert = html::text(&shown.html(), "main .form-alert");
    assert!(alert.starts_with(&format!("{title}: ")) && alert.contains("Only 2 left"), "{alert}");
    let fields = [("product_id", "999999"), ("quantity", "1"), ("back", "/products")];
    let refused = guest.submit_form("/rpc/cart/add", "/products", &fields).await;
    assert!(refused.location().contains("__err"));
    assert_eq!(count_rows(&app, "cart_lines").await, 0, "nothing was added");

    // Checkout with an empty cart, and a checkout post with a 10 KB address, change nothing.
    let mut john = Visitor::new(&app.base);
    john.sign_in("john@mail.com", "changeme").await;
    let empty = john.get("/checkout").await;
    assert!(empty.body.contains("Your cart is empty"));
    add(&mut john, "/products", 4, "1").await;
    let long = "x".repeat(10 * 1024);
    let fields = [
        ("fulfilment", "delivery"),
        ("payment_method", "cash_on_delivery"),
        ("recipient", "Jhon"),
        ("phone", "3001234567"),
        ("address_line", long.as_str()),
        ("city", "Bogotá"),
        ("postal_code", "110111"),
        ("idempotency_key", "k-long"),
    ];
    let refused = john.post("/rpc/checkout/place", &fields).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("address_line"));
    assert_eq!(count_rows(&app, "orders").await, 0);
    assert_eq!(stock_of(&app, 4).await, 2);
}

async fn a_client_that_keeps_no_cookies_cannot_fill_the_database(backend: Backend) {
    let app = spawn_seeded(backend).await;
    set_stock(&app, 8, 1_000).await;
    let mut statuses = Vec::new();
    for _ in 0..30 {
        // A new visitor each time: no cookie, so each add would start a cart and a session.
        let answer = Visitor::new(&app.base).post("/rpc/cart/add", &[("product_id", "8"), ("quantity", "1")]).await;
        statuses.push(answer.status);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 20, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 10, "{statuses:?}");
    assert_eq!(count_rows(&app, "carts").await, 20);
    // Another new visitor from the same address waits too (Retry-After says how long).
    let mut guest = Visitor::new(&app.base);
    let first = guest.post("/rpc/cart/add", &[("product_id", "8"), ("quantity", "1")]).await;
    assert_eq!(first.status, 429, "this address has used its new carts for now");
    assert!(first.headers.contains_key("retry-after") || first.body.contains("RateLimited"), "{}", first.body);
}

/// A guest's cart that cannot all join the account's at sign-in: what stayed behind, and why, is
/// told on the next cart or checkout page, once, with titles as text.
async fn what_a_sign_in_could_not_bring_along_is_told_once(backend: Backend) {
    let app = spawn_seeded(backend).await;
    for id in 1..=4 {
        set_stock(&app, id, 10).await;
    }
    execute(&app, "UPDATE products SET title = 'Gone <b>soon</b>' WHERE id = 3").await;
    let mut guest = Visitor::new(&app.base);
    for (id, quantity) in [(1, "1"), (2, "2"), (3, "1"), (4, "6")] {
        add(&mut guest, "/products", id, quantity).await;
    }
    // John's own cart already holds 5 of product 4; since the guest added, product 2 sold out,
    // product 3 stopped being sold and only 8 of product 4 are left.
    let john = crate::orders::user(&app, "john@mail.com", "changeme").await;
    tienda::server::services::cart::add(&app.state, tienda::server::services::cart::Shopper::Account(john.id), 4, 5)
        .await
        .unwrap();
    set_stock(&app, 2, 0).await;
    set_stock(&app, 4, 8).await;
    execute(&app, "DELETE FROM products WHERE id = 3").await;
    app.state.catalog_changed();

    let fields = [("email", "john@mail.com"), ("password", "changeme"), ("next", "/checkout")];
    let signed_in = guest.submit_form("/rpc/login", "/login?next=%2Fcheckout", &fields).await;
    assert_eq!((signed_in.status, signed_in.location().as_str()), (302, "/checkout"), "where they were going");
    let checkout = guest.get("/checkout").await.html();
    let told = html::texts(&checkout, ".left-behind li");
    assert_eq!(
        told,
        [
            format!("{}: sold out.", title_of(&app, 2).await),
            "Gone <b>soon</b>: no longer sold.".to_owned(),
            format!("{}: your cart holds 8, as many as can be ordered.", title_of(&app, 4).await),
        ],
        "in the guest's order, titles as text"
    );
    assert!(html::text(&checkout, ".left-behind p").starts_with("Not everything from your cart"));
    assert_eq!(html::texts(&checkout, ".review-table tbody th").len(), 2, "products 1 and 4 were kept");

    let again = guest.get("/checkout").await.html();
    assert!(html::texts(&again, ".left-behind li").is_empty(), "told once");
    assert!(html::texts(&guest.get("/cart").await.html(), ".left-behind li").is_empty(), "nor on the cart page");

    // Signed in from a page that is neither, it waits for the cart page.
    let mut other = Visitor::new(&app.base);
    set_stock(&app, 5, 10).await;
    add(&mut other, "/products", 1, "1").await;
    add(&mut other, "/products", 5, "1").await;
    set_stock(&app, 5, 0).await;
    other.submit_form("/rpc/login", "/login", &[("email", "maria@mail.com"), ("password", "12345")]).await;
    let home = other.get("/").await.html();
    assert!(html::texts(&home, ".left-behind li").is_empty(), "only the cart and the checkout tell it");
    let cart = other.get("/cart").await.html();
    assert_eq!(html::texts(&cart, ".left-behind li").len(), 1);
}
