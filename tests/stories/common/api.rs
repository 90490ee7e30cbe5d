//! Calling `/api/v1` as a program does: JSON in, JSON out, Bearer tokens.

use super::TestApp;
use serde_json::{json, Value};

/// An API answer: status, JSON body (`Null` when not JSON) and headers.
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

pub async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    let text = response.text().await.unwrap();
    Answer { status, body: serde_json::from_str(&text).unwrap_or(Value::Null), headers }
}

/// A client that keeps no cookies: the API must not need (or honour) them.
pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}

pub fn url(app: &TestApp, path: &str) -> String {
    format!("{}/api/v1{path}", app.base)
}

pub async fn login(app: &TestApp, email: &str, password: &str) -> Answer {
    send(client().post(url(app, "/auth/login")).json(&json!({ "email": email, "password": password }))).await
}

/// An access token of a seeded user.
pub async fn access_token(app: &TestApp, email: &str, password: &str) -> String {
    let answer = login(app, email, password).await;
    assert_eq!(answer.status, 201, "{email} signs in: {}", answer.body);
    answer.body["access_token"].as_str().unwrap().to_owned()
}

pub async fn admin_token(app: &TestApp) -> String {
    access_token(app, "admin@mail.com", "admin123").await
}

pub async fn customer_token(app: &TestApp) -> String {
    access_token(app, "john@mail.com", "changeme").await
}

/// Sends `body` as JSON with `method` to `path`, with a Bearer token when given.
pub async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let mut request = client().request(method, url(app, path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    send(request).await
}

/// The sorted messages of a 400 validation answer (upstream's order is not part of the contract).
pub fn messages(answer: &Answer) -> Vec<String> {
    assert_eq!(answer.status, 400, "a validation error: {}", answer.body);
    let mut list: Vec<String> =
        answer.body["message"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_owned()).collect();
    list.sort();
    list
}

pub fn sorted(messages: &[&str]) -> Vec<String> {
    let mut list: Vec<String> = messages.iter().map(|m| (*m).to_owned()).collect();
    list.sort();
    list
}
