//! The store's currency comes from its settings (`store.currency`): prices show its sign,
//! structured data its code, and every order records it, so changing the setting later relabels
//! the catalog but not the orders already placed. On both databases.

use crate::common::api::{self, customer_token};
use crate::common::back_office::{admin, customer};
use crate::common::{get, html, spawn_with, test_config, Backend};
use crate::orders::set_stock;
use reqwest::Method;
use serde_json::json;
use tienda::model::money::Currency;

on_both_backends!(orders_keep_the_currency_they_were_placed_in);

async fn orders_keep_the_currency_they_were_placed_in(backend: Backend) {
    let mut config = test_config(backend).await;
    config.store.currency = Currency::Eur;
    let euro_store = spawn_with(config.clone(), true).await;
    set_stock(&euro_store, 1, 10).await;

    let product = get(&euro_store.base, &slug_path(&euro_store).await).await;
    let price = html::text(&product.html(), ".product-price");
    assert!(price.starts_with('€'), "the product page shows euros: {price:?}");
    let offers: Vec<String> = html::json_ld(&product.html())
        .iter()
        .filter_map(|data| data["offers"]["priceCurrency"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(offers, ["EUR"], "structured data states the code");
    let listing = get(&euro_store.base, "/products").await;
    let card_prices = html::texts(&listing.html(), ".card-price");
    assert!(!card_prices.is_empty() && card_prices.iter().all(|p| p.starts_with('€')), "{card_prices:?}");
    assert_eq!(html::text(&listing.html(), "label[for=filter-price-min]"), "Min price (EUR)");

    let john = customer_token(&euro_store).await;
    let body = json!({
        "lines": [{"productId": 1, "quantity": 2}],
        "fulfilment": "pickup", "paymentMethod": "pay_at_pickup",
        "recipient": "Jhon Doe", "phone": "+57 300 123 4567", "storeId": 1,
    });
    let request =
        api::client().post(api::url(&euro_store, "/orders")).bearer_auth(&john).header("Idempotency-Key", "eur-1");
    let placed = api::send(request.json(&body)).await;
    assert_eq!((placed.status, placed.body["currency"].as_str()), (201, Some("EUR")), "{}", placed.body);
    let id = placed.body["id"].as_i64().unwrap();
    let mine = api::call(&euro_store, Method::GET, "/orders", Some(&john), None).await;
    assert_eq!(mine.body["items"][0]["currency"], "EUR", "lists state each order's currency");

    // The same database, now served with the setting changed to dollars.
    config.store.currency = Currency::Usd;
    let dollar_store = spawn_with(config, false).await;
    let price = html::text(&get(&dollar_store.base, &slug_path(&dollar_store).await).await.html(), ".product-price");
    assert!(price.starts_with('$'), "the catalog is relabelled: {price:?}");
    let again = api::call(&dollar_store, Method::GET, &format!("/orders/{id}"), Some(&john), None).await;
    assert_eq!(again.body["currency"], "EUR", "the order keeps its currency");
    let mut shopper = customer(&dollar_store).await;
    let order_page = shopper.get(&format!("/account/orders/{id}")).await;
    assert_eq!(order_page.status, 200);
    let amounts = html::texts(&order_page.html(), ".review-table .numeric");
    let money: Vec<&String> = amounts.iter().filter(|a| a.chars().any(|c| c == '.')).collect();
    assert!(!money.is_empty() && money.iter().all(|a| a.starts_with('€')), "the order page shows euros: {amounts:?}");
    let listed = html::texts(&shopper.get("/account/orders").await.html(), "td.numeric");
    assert!(listed.iter().any(|a| a.starts_with('€')), "{listed:?}");

    // Euros and dollars do not add up: the dollar store's dashboard counts only dollar orders.
    let mut store_admin = admin(&dollar_store).await;
    let dashboard = store_admin.get("/admin").await;
    let headings = html::texts(&dashboard.html(), "h2");
    assert!(headings.contains(&"Revenue per day in USD (last 30 days)".to_owned()), "{headings:?}");
    assert!(html::texts(&dashboard.html(), "p.muted").iter().any(|p| p.contains("No sales")), "no dollar sales yet");
    let mut euro_admin = admin(&euro_store).await;
    let euro_dashboard = euro_admin.get("/admin").await;
    let sellers = html::texts(&euro_dashboard.html(), ".admin-table td.numeric");
    assert!(sellers.iter().any(|cell| cell.starts_with('€')), "the euro store's best sellers: {sellers:?}");
    let form = euro_admin.get("/admin/products/new").await;
    assert_eq!(html::text(&form.html(), "label[for=field-price]"), "Price (EUR)");
}

async fn slug_path(app: &crate::common::TestApp) -> String {
    let sql = "SELECT slug FROM products WHERE id = 1";
    let slug: String =
        tienda::server::db::with_reader!(app.db.reader(), pool => sqlx::query_scalar(sql).fetch_one(pool).await)
            .unwrap();
    format!("/products/{slug}")
}
