//! `/api/v1/orders` as a program uses it: Bearer tokens, an Idempotency-Key per order, PATCH for
//! a change of state, on both databases.

use crate::common::api::{self, admin_token, customer_token, Answer};
use crate::common::{spawn_seeded, Backend, TestApp};
use crate::orders::{count_rows, set_stock, stock_of};
use reqwest::Method;
use serde_json::{json, Value};

on_both_backends!(
    an_api_client_orders_retries_and_cancels,
    the_api_refuses_bad_orders_and_changes_nothing,
    parallel_api_buyers_never_oversell,
    admins_move_orders_along_and_filter_them,
);

fn pickup(lines: Value) -> Value {
    json!({
        "lines": lines,
        "fulfilment": "pickup",
        "paymentMethod": "pay_at_pickup",
        "recipient": "Jhon Doe",
        "phone": "+57 300 123 4567",
        "storeId": 1,
    })
}

async fn create(app: &TestApp, token: &str, key: Option<&str>, body: &Value) -> Answer {
    let mut request = api::client().post(api::url(app, "/orders")).bearer_auth(token).json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    api::send(request).await
}

async fn patch(app: &TestApp, token: &str, id: i64, body: Value) -> Answer {
    api::call(app, Method::PATCH, &format!("/orders/{id}"), Some(token), Some(body)).await
}

async fn an_api_client_orders_retries_and_cancels(backend: Backend) {
    let app = spawn_seeded(backend).await;
    set_stock(&app, 1, 10).await;
    set_stock(&app, 2, 10).await;
    let john = customer_token(&app).await;
    // A price in the body is ignored: the server prices the lines.
    let body = pickup(json!([{"productId": 1, "quantity": 2, "price": 0.01}, {"productId": "2", "quantity": "1"}]));
    let first = create(&app, &john, Some("order-1"), &body).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let order = &first.body;
    assert_eq!(order["status"], "placed");
    assert_eq!(order["paymentStatus"], "unpaid");
    assert_eq!(order["lines"].as_array().unwrap().len(), 2);
    assert_eq!(order["lines"][0]["sku"], "TND-00001");
    let line_total = |i: usize| order["lines"][i]["total"].as_f64().unwrap();
    assert!((order["total"].as_f64().unwrap() - line_total(0) - line_total(1)).abs() < 1e-9);
    assert!(order["lines"][0]["unitPrice"].as_f64().unwrap() > 0.01);
    let id = order["id"].as_i64().unwrap();

    let retry = create(&app, &john, Some("order-1"), &body).await;
    assert_eq!((retry.status, retry.body["id"].as_i64()), (200, Some(id)));
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    let other = create(&app, &john, Some("order-1"), &pickup(json!([{"productId": 1, "quantity": 1}]))).await;
    assert_eq!(other.status, 409, "{}", other.body);
    assert_eq!((stock_of(&app, 1).await, count_rows(&app, "orders").await), (8, 1));

    // Only its customer sees it; anyone else gets the same 404 as for an order that does not exist.
    let maria = api::access_token(&app, "maria@mail.com", "12345").await;
    let hidden = api::call(&app, Method::GET, &format!("/orders/{id}"), Some(&maria), None).await;
    assert_eq!((hidden.status, hidden.body["name"].as_str()), (404, Some("EntityNotFoundError")));
    assert_eq!(patch(&app, &maria, id, json!({"status": "cancelled"})).await.status, 404);
    let mine = api::call(&app, Method::GET, "/orders", Some(&maria), None).await;
    assert_eq!(mine.body["total"], 0);
    let johns = api::call(&app, Method::GET, "/orders", Some(&john), None).await;
    assert_eq!((johns.body["total"].as_u64(), johns.body["items"][0]["id"].as_i64()), (Some(1), Some(id)));

    // The customer may cancel, once; confirming is the store's.
    assert_eq!(patch(&app, &john, id, json!({"status": "confirmed"})).await.status, 403);
    let cancelled = patch(&app, &john, id, json!({"status": "cancelled"})).await;
    assert_eq!((cancelled.status, cancelled.body["status"].as_str()), (200, Some("cancelled")));
    assert_eq!(stock_of(&app, 1).await, 10, "the stock is back");
    let again = patch(&app, &john, id, json!({"status": "cancelled"})).await;
    assert_eq!(again.status, 409);
    assert!(again.body["message"].as_str().unwrap().contains("cancelled"), "{}", again.body);
    assert_eq!(stock_of(&app, 1).await, 10, "and only once");
    let no_token = api::call(&app, Method::GET, "/orders", None, None).await;
    assert_eq!(no_token.status, 401);
}

async fn the_api_refuses_bad_orders_and_changes_nothing(backend: Backend) {
    let app = spawn_seeded(backend).await;
    set_stock(&app, 3, 2).await;
    let john = customer_token(&app).await;
    let one = |quantity: Value| pickup(json!([{"productId": 3, "quantity": quantity}]));
    let cases: Vec<(Option<&str>, Value, u16)> = vec![
        (None, one(json!(1)), 400),
        (Some(""), one(json!(1)), 400),
        (Some("k"), one(json!(0)), 400),
        (Some("k"), one(json!(-1)), 400),
        (Some("k"), one(json!(1_000_000_000_000_i64)), 400),
        (Some("k"), one(json!("two")), 400),
        (Some("k"), pickup(json!([])), 400),
        (Some("k"), pickup(json!("all of it")), 400),
        (Some("k"), json!({"lines": [{"productId": 3, "quantity": 1}]}), 400),
        (Some("k"), one(json!(3)), 409),
        (Some("k"), pickup(json!([{"productId": 999999, "quantity": 1}])), 409),
    ];
    for (key, body, status) in cases {
        let answer = create(&app, &john, key, &body).await;
        assert_eq!(answer.status, status, "{key:?} {body}: {}", answer.body);
    }
    let mut long = pickup(json!([{"productId": 3, "quantity": 1}]));
    long["fulfilment"] = json!("delivery");
    long["paymentMethod"] = json!("cash_on_delivery");
    long["addressLine"] = json!("x".repeat(10 * 1024));
    long["city"] = json!("Bogotá");
    long["postalCode"] = json!("110111");
    let answer = create(&app, &john, Some("k-long"), &long).await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(api::messages(&answer).iter().any(|m| m.contains("addressLine")), "{}", answer.body);
    let mut nowhere = pickup(json!([{"productId": 3, "quantity": 1}]));
    nowhere["storeId"] = json!(999);
    assert_eq!(create(&app, &john, Some("k-store"), &nowhere).await.status, 400);
    // Each refusal names what is wrong: a negative store id is no store, not a missing one, and a
    // key with a space is not "control characters".
    nowhere["storeId"] = json!(-1);
    let answer = create(&app, &john, Some("k-store"), &nowhere).await;
    assert_eq!(api::messages(&answer), ["storeId must be the id of one of the store locations"], "{}", answer.body);
    let answer = create(&app, &john, Some("a b"), &one(json!(1))).await;
    assert_eq!(api::messages(&answer), ["Idempotency-Key must be visible ASCII characters, without spaces"]);
    let short = create(&app, &john, Some("k-short"), &one(json!(3))).await;
    assert_eq!(short.body["lines"][0]["available"], 2, "the refusal says what is left: {}", short.body);
    assert_eq!((count_rows(&app, "orders").await, stock_of(&app, 3).await), (0, 2), "nothing changed");
    for body in [json!({}), json!({"status": "cancelled", "paymentStatus": "paid"}), json!({"status": "lost"})] {
        assert_eq!(patch(&app, &john, 1, body).await.status, 400);
    }
    let bad_filter = api::call(&app, Method::GET, "/orders?status=lost&from=yesterday", Some(&john), None).await;
    assert_eq!(api::messages(&bad_filter).len(), 2);
}

async fn parallel_api_buyers_never_oversell(backend: Backend) {
    let app = spawn_seeded(backend).await;
    set_stock(&app, 5, 3).await;
    let john = customer_token(&app).await;
    let buyers: Vec<_> = (0..12)
        .map(|i| {
            let (url, token) = (api::url(&app, "/orders"), john.clone());
            tokio::spawn(async move {
                let body = pickup(json!([{"productId": 5, "quantity": 1}]));
                let request =
                    api::client().post(url).bearer_auth(token).header("Idempotency-Key", format!("b-{i}")).json(&body);
                api::send(request).await.status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for buyer in buyers {
        statuses.push(buyer.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 201, 201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    assert_eq!((stock_of(&app, 5).await, count_rows(&app, "orders").await), (0, 3));
}

async fn admins_move_orders_along_and_filter_them(backend: Backend) {
    let app = spawn_seeded(backend).await;
    set_stock(&app, 6, 10).await;
    let (john, admin) = (customer_token(&app).await, admin_token(&app).await);
    let mut delivery = pickup(json!([{"productId": 6, "quantity": 1}]));
    delivery["fulfilment"] = json!("delivery");
    delivery["paymentMethod"] = json!("cash_on_delivery");
    delivery["addressLine"] = json!("Calle 10 # 5-51");
    delivery["city"] = json!("Bogotá");
    delivery["postalCode"] = json!("110111");
    let id = create(&app, &john, Some("d-1"), &delivery).await.body["id"].as_i64().unwrap();
    create(&app, &john, Some("p-1"), &pickup(json!([{"productId": 6, "quantity": 1}]))).await;

    let steps = [
        (json!({"status": "confirmed"}), 200),
        (json!({"status": "ready_for_pickup"}), 409),
        (json!({"status": "shipped"}), 200),
        (json!({"status": "delivered"}), 409),
        (json!({"paymentStatus": "paid"}), 200),
        (json!({"status": "delivered"}), 200),
        (json!({"status": "cancelled"}), 409),
    ];
    for (body, status) in steps {
        let answer = patch(&app, &admin, id, body.clone()).await;
        assert_eq!(answer.status, status, "{body}: {}", answer.body);
    }
    let order = api::call(&app, Method::GET, &format!("/orders/{id}"), Some(&admin), None).await;
    let history: Vec<&str> =
        order.body["history"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(history, ["placed", "confirm", "ship", "mark_paid", "deliver"]);

    let all = api::call(&app, Method::GET, "/orders", Some(&admin), None).await;
    assert_eq!(all.body["total"], 2);
    let delivered = api::call(&app, Method::GET, "/orders?status=delivered&customer=JHON", Some(&admin), None).await;
    assert_eq!((delivered.body["total"].as_u64(), delivered.body["items"][0]["id"].as_i64()), (Some(1), Some(id)));
    let nobody = api::call(&app, Method::GET, "/orders?customer=maria", Some(&admin), None).await;
    assert_eq!(nobody.body["total"], 0);
    let future = api::call(&app, Method::GET, "/orders?from=2999-01-01", Some(&admin), None).await;
    assert_eq!(future.body["total"], 0);
    // The store keeps its orders: their customer's account can be deactivated, not deleted.
    let john_id = api::call(&app, Method::GET, "/auth/profile", Some(&john), None).await.body["id"].as_i64().unwrap();
    let delete = api::call(&app, Method::DELETE, &format!("/users/{john_id}"), Some(&admin), None).await;
    assert_eq!(delete.status, 409, "{}", delete.body);
    assert_eq!(count_rows(&app, "orders").await, 2);
}
