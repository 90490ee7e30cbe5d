//! Buying: carts, checkout and orders through the services every face uses, on both databases.
//! The races (many buyers for the last units, one order retried many times) run truly in
//! parallel against the real database.

use crate::common::{spawn_seeded, Backend, TestApp};
use tienda::error::{AppError, FieldIssue};
use tienda::i18n::Lang;
use tienda::model::cart::LeftBehindWhy;
use tienda::model::orders::{CheckoutInput, LineRequest, OrderAction, OrderStatus, PaymentStatus};
use tienda::model::User;
use tienda::server::db::{with_pool, with_reader};
use tienda::server::services::{accounts, cart, cart::Shopper, orders};

on_both_backends!(
    a_guest_cart_becomes_an_order_that_the_store_fulfils,
    cancelling_gives_the_stock_back_once,
    never_oversells_the_last_units,
    one_key_places_one_order,
    bad_input_changes_nothing,
    an_order_the_database_fails_fails_alone,
    a_cart_holds_at_most_fifty_products_however_it_is_filled,
);

pub async fn user(app: &TestApp, email: &str, password: &str) -> User {
    accounts::authenticate(&app.state, email, password.into(), "test").await.unwrap().to_user()
}

pub async fn stock_of(app: &TestApp, product_id: i64) -> i64 {
    let sql = "SELECT stock FROM products WHERE id = $1";
    with_reader!(app.db.reader(), pool => sqlx::query_scalar(sql).bind(product_id).fetch_one(pool).await).unwrap()
}

pub async fn set_stock(app: &TestApp, product_id: i64, stock: i64) {
    execute(app, &format!("UPDATE products SET stock = {stock} WHERE id = {product_id}")).await;
}

/// Runs one statement of the test's own (setting up a situation the store's pages cannot make).
pub async fn execute(app: &TestApp, sql: &str) {
    with_pool!(app.db.writer(), pool => sqlx::query(sql).execute(pool).await.map(|_| ())).unwrap();
}

pub async fn count_rows(app: &TestApp, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    with_reader!(app.db.reader(), pool => sqlx::query_scalar(&sql).fetch_one(pool).await).unwrap()
}

pub fn pickup() -> CheckoutInput {
    CheckoutInput {
        fulfilment: "pickup".into(),
        payment_method: "pay_at_pickup".into(),
        recipient: "Jhon Doe".into(),
        phone: "+57 300 123 4567".into(),
        store_id: Some(1),
        ..Default::default()
    }
}

pub fn delivery() -> CheckoutInput {
    CheckoutInput {
        fulfilment: "delivery".into(),
        payment_method: "cash_on_delivery".into(),
        recipient: "Jhon Doe".into(),
        phone: "300 123 4567".into(),
        address_line: "Calle 10 # 5-51".into(),
        city: "Bogotá".into(),
        postal_code: "110111".into(),
        store_id: None,
    }
}

async fn a_guest_cart_becomes_an_order_that_the_store_fulfils(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let (john, maria, admin) = (
        user(&app, "john@mail.com", "changeme").await,
        user(&app, "maria@mail.com", "12345").await,
        user(&app, "admin@mail.com", "admin123").await,
    );
    set_stock(&app, 1, 10).await;
    set_stock(&app, 2, 10).await;
    // John already had one of product 2 in his account's cart; as a guest he adds more.
    cart::add(&app.state, Shopper::Account(john.id), 2, 1).await.unwrap();
    let guest = cart::add(&app.state, Shopper::Guest(None), 1, 2).await.unwrap();
    let guest = cart::add(&app.state, Shopper::Guest(Some(guest.cart_id)), 2, 3).await.unwrap();
    assert_eq!(guest.item_count, 5);
    cart::merge_into_account(&app.state, guest.cart_id, john.id).await.unwrap();
    let merged = cart::view(&app.state, Shopper::Account(john.id)).await.unwrap();
    let quantities: Vec<(i64, i64)> = merged.lines.iter().map(|l| (l.product_id, l.quantity)).collect();
    assert_eq!(quantities, [(2, 4), (1, 2)], "quantities add up at sign-in, in the order first added");
    assert_eq!(cart::view(&app.state, Shopper::Guest(Some(guest.cart_id))).await.unwrap().lines.len(), 0);

    let placed = orders::place_from_cart(&app.state, &john, &pickup(), "checkout-1", None, Lang::En).await.unwrap();
    assert!(placed.created);
    let order = placed.order;
    assert_eq!(order.lines_total(), order.summary.total, "the total is the sum of the lines");
    assert_eq!(order.summary.item_count, 6);
    assert!(!order.store_name.is_empty(), "a pickup names its store");
    assert_eq!(order.lines[0].sku, "TND-00001");
    assert_eq!((stock_of(&app, 1).await, stock_of(&app, 2).await), (8, 6));
    assert!(cart::view(&app.state, Shopper::Account(john.id)).await.unwrap().lines.is_empty(), "the cart is emptied");
    let read_back = orders::get(&app.state, &john, order.summary.id).await.unwrap();
    assert_eq!(read_back, order, "the order a checkout answers with is the one stored");

    // A price change afterwards does not touch the order.
    execute(&app, "UPDATE products SET price_cents = 1 WHERE id = 1").await;
    let again = orders::get(&app.state, &john, order.summary.id).await.unwrap();
    assert_eq!(again.summary.total, order.summary.total);

    // Only its customer and the admins see it; to anyone else it does not exist.
    assert_eq!(orders::list_own(&app.state, &john, &Default::default()).await.unwrap().total, 1);
    assert_eq!(orders::list_own(&app.state, &maria, &Default::default()).await.unwrap().total, 0);
    assert!(matches!(orders::get(&app.state, &maria, order.summary.id).await, Err(AppError::NotFound { .. })));
    assert!(matches!(orders::list_all(&app.state, &john, &Default::default()).await, Err(AppError::Forbidden)));
    assert_eq!(orders::list_all(&app.state, &admin, &Default::default()).await.unwrap().total, 1);

    // The customer may not move it along; the admin does, in order.
    let refused = orders::change(&app.state, &john, order.summary.id, OrderAction::Confirm).await;
    assert_eq!(refused.unwrap_err().status_code(), 403);
    let id = order.summary.id;
    orders::change(&app.state, &admin, id, OrderAction::Confirm).await.unwrap();
    let wrong = orders::change(&app.state, &admin, id, OrderAction::Ship).await.unwrap_err();
    assert_eq!(wrong.status_code(), 409, "a pickup order is not shipped");
    orders::change(&app.state, &admin, id, OrderAction::ReadyForPickup).await.unwrap();
    assert_eq!(orders::change(&app.state, &admin, id, OrderAction::Deliver).await.unwrap_err().status_code(), 409);
    assert_eq!(orders::change(&app.state, &john, id, OrderAction::Cancel).await.unwrap_err().status_code(), 409);
    orders::change(&app.state, &admin, id, OrderAction::MarkPaid).await.unwrap();
    let delivered = orders::change(&app.state, &admin, id, OrderAction::Deliver).await.unwrap();
    assert_eq!(
        (delivered.summary.status, delivered.summary.payment_status),
        (OrderStatus::Delivered, PaymentStatus::Paid)
    );
    let history: Vec<&str> = delivered.events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(history, ["placed", "confirm", "ready_for_pickup", "mark_paid", "deliver"]);
    assert_eq!(orders::sales_overview(&app.state, &admin, 30).await.unwrap().best_sellers[0].units, 4);
}

async fn cancelling_gives_the_stock_back_once(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let john = user(&app, "john@mail.com", "changeme").await;
    set_stock(&app, 3, 5).await;
    let lines = [LineRequest { product_id: 3, quantity: 5 }];
    let order = orders::place_from_lines(&app.state, &john, &delivery(), &lines, "k1", Lang::En).await.unwrap().order;
    assert_eq!(orders::get(&app.state, &john, order.summary.id).await.unwrap(), order, "a delivery too");
    assert_eq!(stock_of(&app, 3).await, 0);
    // A retry after the order took the last units finds that order, not "out of stock".
    let retry = orders::place_from_lines(&app.state, &john, &delivery(), &lines, "k1", Lang::En).await.unwrap();
    assert_eq!((retry.created, retry.order.summary.id), (false, order.summary.id));
    // Two cancellations race: one wins, the other is refused, and the units come back once.
    let (a, b) = tokio::join!(
        orders::change(&app.state, &john, order.summary.id, OrderAction::Cancel),
        orders::change(&app.state, &john, order.summary.id, OrderAction::Cancel),
    );
    assert_eq!([a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(), 1, "{a:?} {b:?}");
    assert_eq!(stock_of(&app, 3).await, 5);
    let again = orders::change(&app.state, &john, order.summary.id, OrderAction::Cancel).await.unwrap_err();
    assert_eq!(again.status_code(), 409);
    assert_eq!(stock_of(&app, 3).await, 5);

    // Stock raised to the most a product may hold while an order waited: cancelling it does not
    // go past that (the product form would refuse to save the product unchanged).
    let order = orders::place_from_lines(&app.state, &john, &delivery(), &lines, "k2", Lang::En).await.unwrap().order;
    set_stock(&app, 3, tienda::model::catalog_edit::STOCK_MAX).await;
    orders::change(&app.state, &john, order.summary.id, OrderAction::Cancel).await.unwrap();
    assert_eq!(stock_of(&app, 3).await, tienda::model::catalog_edit::STOCK_MAX);
}

async fn never_oversells_the_last_units(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let john = user(&app, "john@mail.com", "changeme").await;
    set_stock(&app, 4, 5).await;
    set_stock(&app, 5, 100).await;
    // 20 buyers at once, each wanting one of the 5 last units (and one of a plentiful product).
    let buyers: Vec<_> = (0..20)
        .map(|i| {
            let (state, john) = (app.state.clone(), john.clone());
            tokio::spawn(async move {
                let lines = [LineRequest { product_id: 5, quantity: 1 }, LineRequest { product_id: 4, quantity: 1 }];
                orders::place_from_lines(&state, &john, &delivery(), &lines, &format!("buyer-{i}"), Lang::En).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for buyer in buyers {
        results.push(buyer.await.unwrap());
    }
    let sold = results.iter().filter(|r| r.is_ok()).count();
    let refused: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(sold, 5, "exactly as many orders as units: {refused:?}");
    for error in &refused {
        let AppError::OutOfStock(lines) = error else { panic!("a clear refusal, not {error:?}") };
        assert_eq!((lines[0].product_id, lines[0].available), (4, 0), "the line that failed, and why");
    }
    assert_eq!(stock_of(&app, 4).await, 0);
    assert_eq!(stock_of(&app, 5).await, 95, "a refused order takes nothing, not even its other lines");
    assert_eq!(count_rows(&app, "orders").await, 5);
    assert_eq!(count_rows(&app, "order_lines").await, 10);
}

async fn one_key_places_one_order(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let john = user(&app, "john@mail.com", "changeme").await;
    set_stock(&app, 6, 50).await;
    let retries: Vec<_> = (0..10)
        .map(|_| {
            let (state, john) = (app.state.clone(), john.clone());
            tokio::spawn(async move {
                let lines = [LineRequest { product_id: 6, quantity: 2 }];
                orders::place_from_lines(&state, &john, &pickup(), &lines, "double-click", Lang::En).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for retry in retries {
        results.push(retry.await.unwrap().unwrap());
    }
    let ids: std::collections::BTreeSet<i64> = results.iter().map(|p| p.order.summary.id).collect();
    assert_eq!(ids.len(), 1, "every retry gets the first order");
    assert_eq!(results.iter().filter(|p| p.created).count(), 1);
    assert_eq!(stock_of(&app, 6).await, 48, "stock taken once");
    assert_eq!(count_rows(&app, "orders").await, 1);
    // The same key for a different order is a mistake, not a retry.
    let other = [LineRequest { product_id: 6, quantity: 3 }];
    let reused = orders::place_from_lines(&app.state, &john, &pickup(), &other, "double-click", Lang::En).await;
    assert!(matches!(reused, Err(AppError::IdempotencyKeyReused)), "{reused:?}");

    // From the cart: an order is placed only as reviewed (lines and prices) ...
    cart::add(&app.state, Shopper::Account(john.id), 6, 1).await.unwrap();
    let view = cart::view(&app.state, Shopper::Account(john.id)).await.unwrap();
    let stale = format!("6:1:{}", view.lines[0].unit_price.cents() - 1);
    let changed = orders::place_from_cart(&app.state, &john, &delivery(), "form-6", Some(&stale), Lang::En).await;
    assert!(matches!(changed, Err(AppError::CartChanged)), "{changed:?}");
    assert_eq!(stock_of(&app, 6).await, 48, "a changed cart orders nothing");
    let reviewed =
        orders::place_from_cart(&app.state, &john, &delivery(), "form-6", Some(&view.review_key()), Lang::En).await;
    assert!(reviewed.unwrap().created);
    // ... and a resubmitted checkout finds its order even though the cart is now empty.
    cart::add(&app.state, Shopper::Account(john.id), 6, 1).await.unwrap();
    let first = orders::place_from_cart(&app.state, &john, &delivery(), "form-7", None, Lang::En).await.unwrap();
    let second = orders::place_from_cart(&app.state, &john, &delivery(), "form-7", None, Lang::En).await.unwrap();
    assert_eq!((first.order.summary.id, second.created), (second.order.summary.id, false));
    assert_eq!(stock_of(&app, 6).await, 46);
}

/// Orders that arrive together are committed together on SQLite (one transaction per batch): one
/// that the database fails must fail alone, with nothing of it kept, and every other order placed
/// all the same.
async fn an_order_the_database_fails_fails_alone(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let john = user(&app, "john@mail.com", "changeme").await;
    set_stock(&app, 6, 100).await;
    // A fault the store knows nothing about: the database refuses one recipient's order row.
    match backend {
        Backend::Sqlite => {
            execute(
                &app,
                "CREATE TRIGGER fault BEFORE INSERT ON orders WHEN NEW.recipient = 'Fault' \
                           BEGIN SELECT RAISE(ABORT, 'a fault'); END",
            )
            .await
        }
        Backend::Postgres => {
            execute(
                &app,
                "CREATE FUNCTION fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                           IF NEW.recipient = 'Fault' THEN RAISE EXCEPTION 'a fault'; END IF; RETURN NEW; END $$",
            )
            .await;
            execute(&app, "CREATE TRIGGER fault BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION fault()").await;
        }
    }
    let buyers: Vec<_> = (0..16)
        .map(|n| {
            let (state, john) = (app.state.clone(), john.clone());
            let recipient = if n == 7 { "Fault".to_owned() } else { format!("Buyer {n}") };
            tokio::spawn(async move {
                let input = CheckoutInput { recipient, ..pickup() };
                let lines = [LineRequest { product_id: 6, quantity: 2 }];
                orders::place_from_lines(&state, &john, &input, &lines, &format!("batch-{n}"), Lang::En).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for buyer in buyers {
        results.push(buyer.await.unwrap());
    }
    for (n, result) in results.iter().enumerate() {
        match (n, result) {
            (7, Err(AppError::Internal)) => {}
            (7, other) => panic!("the faulty order: {other:?}"),
            (_, Ok(placement)) => assert!(placement.created, "order {n}"),
            (_, Err(error)) => panic!("order {n} failed with the faulty one: {error:?}"),
        }
    }
    assert_eq!(count_rows(&app, "orders").await, 15);
    assert_eq!(count_rows(&app, "order_lines").await, 15);
    assert_eq!(count_rows(&app, "order_events").await, 15);
    assert_eq!(stock_of(&app, 6).await, 100 - 15 * 2, "the failed order took no stock");
}

/// Another process (a second node, `tienda seed`, an operator's shell) holds SQLite's write lock
/// for longer than a checkout will wait: the checkout is told to try again (503), not that the
/// store failed, and nothing of it is written. (PostgreSQL locks rows, not the database.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_sqlite_database_says_try_again() {
    let app = spawn_seeded(Backend::Sqlite).await;
    let john = user(&app, "john@mail.com", "changeme").await;
    let stock_before = stock_of(&app, 6).await;
    let path = app.config.database.url.trim_start_matches("sqlite://").to_owned();
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path);
    let mut other_process = sqlx::ConnectOptions::connect(&options).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut other_process).await.unwrap();
    let lines = [LineRequest { product_id: 6, quantity: 1 }];
    let refused = orders::place_from_lines(&app.state, &john, &pickup(), &lines, "while-locked", Lang::En).await;
    assert!(matches!(refused, Err(AppError::Unavailable { .. })), "{refused:?}");
    sqlx::query("ROLLBACK").execute(&mut other_process).await.unwrap();
    assert_eq!(stock_of(&app, 6).await, stock_before);
    // Once the lock is gone, the same request goes through.
    let placed =
        orders::place_from_lines(&app.state, &john, &pickup(), &lines, "while-locked", Lang::En).await.unwrap();
    assert!(placed.created);
}

async fn bad_input_changes_nothing(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let john = user(&app, "john@mail.com", "changeme").await;
    set_stock(&app, 7, 3).await;
    let shopper = Shopper::Account(john.id);
    for quantity in [0, -1, 100, i64::MAX] {
        let error = cart::add(&app.state, shopper, 7, quantity).await.unwrap_err();
        assert!(error.field_issue("quantity").is_some(), "{quantity}: {error:?}");
    }
    let too_many = cart::add(&app.state, shopper, 7, 4).await.unwrap_err();
    assert_eq!(too_many.field_issue("quantity"), Some(FieldIssue::NotEnoughStock { available: 3 }));
    assert!(matches!(cart::add(&app.state, shopper, 999_999, 1).await, Err(AppError::NotFound { .. })));
    assert!(cart::view(&app.state, shopper).await.unwrap().lines.is_empty());

    let empty = orders::place_from_cart(&app.state, &john, &pickup(), "k-empty", None, Lang::En).await.unwrap_err();
    assert!(matches!(empty, AppError::EmptyCart), "{empty:?}");
    cart::add(&app.state, shopper, 7, 1).await.unwrap();
    let huge = CheckoutInput { address_line: "x".repeat(10 * 1024), ..delivery() };
    let error = orders::place_from_cart(&app.state, &john, &huge, "k-huge", None, Lang::En).await.unwrap_err();
    assert_eq!(error.field_issue("address_line"), Some(FieldIssue::TooLong { max: 200 }));
    let nowhere = CheckoutInput { store_id: Some(9_999), ..pickup() };
    let error = orders::place_from_cart(&app.state, &john, &nowhere, "k-store", None, Lang::En).await.unwrap_err();
    assert_eq!(error.field_issue("store_id"), Some(FieldIssue::UnknownStore));
    let mismatch = CheckoutInput { payment_method: "cash_on_delivery".into(), ..pickup() };
    let error = orders::place_from_cart(&app.state, &john, &mismatch, "k-pay", None, Lang::En).await.unwrap_err();
    assert_eq!(error.field_issue("payment_method"), Some(FieldIssue::PaymentDoesNotFit));
    let error = orders::place_from_cart(&app.state, &john, &pickup(), "", None, Lang::En).await.unwrap_err();
    assert_eq!(error.field_issue("idempotency_key"), Some(FieldIssue::Required));
    let lines = [LineRequest { product_id: 999_999, quantity: 1 }, LineRequest { product_id: 7, quantity: 1 }];
    let stock_before = stock_of(&app, 7).await;
    let error = orders::place_from_lines(&app.state, &john, &pickup(), &lines, "k-gone", Lang::En).await.unwrap_err();
    let AppError::OutOfStock(short) = error else { panic!("{error:?}") };
    assert!(short[0].gone && short[0].product_id == 999_999);
    assert_eq!(stock_of(&app, 7).await, stock_before, "the line that could be had took nothing");
    // A product deleted after it was added shows as such in the cart, and blocks checkout.
    execute(&app, "DELETE FROM products WHERE id = 7").await;
    let view = cart::view(&app.state, shopper).await.unwrap();
    assert_eq!(view.lines[0].notices, [tienda::model::cart::CartNotice::Removed]);
    assert!(!view.ready_for_checkout());
    let error = orders::place_from_cart(&app.state, &john, &pickup(), "k-deleted", None, Lang::En).await.unwrap_err();
    assert!(matches!(error, AppError::OutOfStock(_)), "{error:?}");
    assert_eq!(count_rows(&app, "orders").await, 0, "nothing was ordered");
}

/// A cart holds at most the 50 products an order may: adds at once for its last places get one
/// place each and the rest a clear refusal, and a guest's cart joining an account's at sign-in
/// fills the account's cart up to 50, its own lines first (both were ways past the cap: 54 lines
/// from parallel adds, 60 from a sign-in, ordered as they were).
async fn a_cart_holds_at_most_fifty_products_however_it_is_filled(backend: Backend) {
    let app = spawn_seeded(backend).await;
    tienda::server::demo::seed_generated(&app.db, &app.config, 100).await.unwrap();
    execute(&app, "UPDATE products SET stock = 10").await;
    app.state.catalog_changed();
    let ids: Vec<i64> = with_reader!(app.db.reader(), pool => sqlx::query_scalar("SELECT id FROM products ORDER BY id")
        .fetch_all(pool).await)
    .unwrap();
    let line_count = |cart_id: i64| {
        let app = &app;
        async move {
            let sql = "SELECT COUNT(*) FROM cart_lines WHERE cart_id = $1";
            with_reader!(app.db.reader(), pool => sqlx::query_scalar::<_, i64>(sql).bind(cart_id).fetch_one(pool).await)
                .unwrap()
        }
    };

    let guest = cart::add(&app.state, Shopper::Guest(None), ids[0], 1).await.unwrap().cart_id;
    for id in &ids[1..45] {
        cart::add(&app.state, Shopper::Guest(Some(guest)), *id, 1).await.unwrap();
    }
    let racing = ids[45..60].iter().map(|id| {
        let (state, id) = (app.state.clone(), *id);
        tokio::spawn(async move { cart::add(&state, Shopper::Guest(Some(guest)), id, 1).await })
    });
    let (mut added, mut full) = (0, 0);
    for outcome in futures_util::future::join_all(racing).await {
        match outcome.unwrap() {
            Ok(_) => added += 1,
            Err(AppError::Validation(errors)) if errors[0].issue == (FieldIssue::CartFull { max: 50 }) => full += 1,
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!((added, full), (5, 10), "five places were left");
    assert_eq!(line_count(guest).await, 50);
    // A product already in the cart can still change.
    cart::add(&app.state, Shopper::Guest(Some(guest)), ids[0], 2).await.unwrap();

    let john = user(&app, "john@mail.com", "changeme").await;
    for id in &ids[60..90] {
        cart::add(&app.state, Shopper::Account(john.id), *id, 1).await.unwrap();
    }
    // The guest's first products (by id) sold out since: they take no place in the account's cart.
    execute(&app, &format!("UPDATE products SET stock = 0 WHERE id IN ({}, {})", ids[0], ids[1])).await;
    let left_behind = cart::merge_into_account(&app.state, guest, john.id).await.unwrap();
    let own = cart::view(&app.state, Shopper::Account(john.id)).await.unwrap();
    assert_eq!(own.lines.len(), 50, "30 of the account's and 20 of the guest's");
    let kept: Vec<i64> = own.lines.iter().map(|line| line.product_id).collect();
    assert!(ids[60..90].iter().all(|id| kept.contains(id)), "every line of the account's own is kept");
    assert!(!kept.contains(&ids[0]) && !kept.contains(&ids[1]), "sold out");
    assert!(ids[2..22].iter().all(|id| kept.contains(id)), "the guest's next 20 products, by id");
    // And the shopper is told what stayed behind, and why: the two sold out, the 28 with no place.
    let whys: Vec<LeftBehindWhy> = left_behind.iter().map(|item| item.why).collect();
    let mut expected = vec![LeftBehindWhy::SoldOut; 2];
    expected.extend([LeftBehindWhy::CartFull; 28]);
    assert_eq!(whys, expected);
}
