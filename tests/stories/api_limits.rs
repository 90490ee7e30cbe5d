//! Limits on `/api/v1`: per-client write rate (429 with `Retry-After`), as a client sees them.
//! (Body size and JSON depth: tests/api_catalog_writes.rs; upload size: tests/api_files.rs.)

use crate::common;

use common::api::{client, send, url, Answer};
use common::{spawn_with, test_config, Backend};
use serde_json::json;

on_both_backends!(writes_over_the_clients_rate_get_429_with_retry_after_and_reads_do_not,);

async fn writes_over_the_clients_rate_get_429_with_retry_after_and_reads_do_not(backend: Backend) {
    let mut config = test_config(backend).await;
    config.api.writes_per_minute = 5;
    config.auth.trust_forwarded_for = true;
    let app = spawn_with(config, true).await;
    let ask = |forwarded_for: &'static str| {
        let app = &app;
        async move {
            let request = client()
                .post(url(app, "/users/is-available"))
                .header("x-forwarded-for", forwarded_for)
                .json(&json!({"email": "new@mail.com"}));
            send(request).await
        }
    };
    for _ in 0..5 {
        assert_eq!(ask("203.0.113.7").await.status, 201);
    }
    let limited: Answer = ask("203.0.113.7").await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.headers["retry-after"], "12", "one write every 12 s at 5 a minute");
    assert_eq!(
        (limited.body["error"].as_str(), limited.body["statusCode"].as_i64()),
        (Some("Too Many Requests"), Some(429))
    );
    assert_eq!(limited.headers["access-control-allow-origin"], "*", "a browser app can read the 429 too");
    let login = client()
        .post(url(&app, "/auth/login"))
        .header("x-forwarded-for", "203.0.113.7")
        .json(&json!({"email": "john@mail.com", "password": "changeme"}));
    assert_eq!(send(login).await.status, 429, "sign-ins count as writes");
    assert_eq!(send(client().get(url(&app, "/products/1"))).await.status, 200, "reads are not limited");
    assert_eq!(ask("198.51.100.9").await.status, 201, "another client has its own allowance");
}
