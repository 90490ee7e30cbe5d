//! `/api/v1/auth`: tokens for programs. Login with JSON or a form, the profile behind a Bearer
//! token, rotation, and the cases where Tienda is stricter than upstream (docs/api.md §10).

use crate::common;

use common::api::{client, send, Answer};
use common::{spawn_seeded, Backend, TestApp};
use serde_json::{json, Value};

on_both_backends!(
    a_program_signs_in_reads_its_profile_and_refreshes,
    wrong_or_missing_credentials_get_401_in_upstreams_shape,
    refresh_tokens_rotate_and_a_replay_is_refused,
    a_deactivated_users_tokens_stop_at_once,
    guessing_is_throttled_with_retry_after,
    other_sites_may_call_but_no_cookie_is_involved,
);

/// Sign-in with any body (also incomplete ones), unlike `common::api::login`.
async fn login(app: &TestApp, body: Value) -> Answer {
    send(client().post(format!("{}/api/v1/auth/login", app.base)).json(&body)).await
}

async fn profile(app: &TestApp, token: &str) -> Answer {
    send(client().get(format!("{}/api/v1/auth/profile", app.base)).bearer_auth(token)).await
}

async fn refresh(app: &TestApp, token: &str) -> Answer {
    send(client().post(format!("{}/api/v1/auth/refresh-token", app.base)).json(&json!({ "refreshToken": token }))).await
}

fn token(answer: &Answer, name: &str) -> String {
    answer.body[name].as_str().unwrap_or_else(|| panic!("{name} in {}", answer.body)).to_owned()
}

async fn a_program_signs_in_reads_its_profile_and_refreshes(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let signed_in = login(&app, json!({"email": "john@mail.com", "password": "changeme"})).await;
    assert_eq!(signed_in.status, 201, "{}", signed_in.body);
    let me = profile(&app, &token(&signed_in, "access_token")).await;
    assert_eq!(me.status, 200);
    assert_eq!((me.body["email"].as_str(), me.body["role"].as_str()), (Some("john@mail.com"), Some("customer")));
    assert!(me.body.get("password").is_none() && !me.body.to_string().contains("argon2"), "{}", me.body);
    assert!(me.body["creationAt"].as_str().unwrap().ends_with('Z'));

    let form = client()
        .post(format!("{}/api/v1/auth/login", app.base))
        .form(&[("email", "maria@mail.com"), ("password", "12345")]);
    assert_eq!(send(form).await.status, 201, "a URL-encoded body works too");

    let next = refresh(&app, &token(&signed_in, "refresh_token")).await;
    assert_eq!(next.status, 201, "{}", next.body);
    assert_eq!(profile(&app, &token(&next, "access_token")).await.status, 200);
}

async fn wrong_or_missing_credentials_get_401_in_upstreams_shape(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let unauthorized = json!({"message": "Unauthorized", "statusCode": 401});
    for body in [
        json!({"email": "john@mail.com", "password": "wrong"}),
        json!({"email": "nobody@mail.com", "password": "x"}),
        json!({}),
    ] {
        let answer = login(&app, body.clone()).await;
        assert_eq!((answer.status, &answer.body), (401, &unauthorized), "{body}");
    }
    let garbage = send(client().post(format!("{}/api/v1/auth/login", app.base)).body("{not json")).await;
    assert_eq!(
        (garbage.status, garbage.body["error"].as_str()),
        (400, Some("Bad Request")),
        "malformed JSON, as upstream"
    );
    let no_token = send(client().get(format!("{}/api/v1/auth/profile", app.base))).await;
    assert_eq!((no_token.status, no_token.body), (401, unauthorized.clone()));
    assert_eq!(profile(&app, "not.a.token").await.status, 401);
    let pair = login(&app, json!({"email": "john@mail.com", "password": "changeme"})).await;
    assert_eq!(profile(&app, &token(&pair, "refresh_token")).await.status, 401, "a refresh token is no access token");
}

async fn refresh_tokens_rotate_and_a_replay_is_refused(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let pair = login(&app, json!({"email": "john@mail.com", "password": "changeme"})).await;
    let first = token(&pair, "refresh_token");
    let next = refresh(&app, &first).await;
    assert_eq!(next.status, 201);
    let replay = refresh(&app, &first).await;
    assert_eq!(replay.status, 401);
    assert_eq!(replay.body, json!({"message": "Invalid", "error": "Unauthorized", "statusCode": 401}));
    assert_eq!(refresh(&app, &token(&next, "refresh_token")).await.status, 401, "the replay ended the whole chain");
    assert_eq!(refresh(&app, &token(&pair, "access_token")).await.status, 401, "an access token cannot refresh");
    let empty = send(client().post(format!("{}/api/v1/auth/refresh-token", app.base)).json(&json!({}))).await;
    assert_eq!(empty.status, 400);
    assert_eq!(empty.body["message"], json!(["refreshToken should not be empty", "refreshToken must be a string"]));
}

async fn a_deactivated_users_tokens_stop_at_once(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let pair = login(&app, json!({"email": "john@mail.com", "password": "changeme"})).await;
    let access = token(&pair, "access_token");
    assert_eq!(profile(&app, &access).await.status, 200);
    let mut staff = common::back_office::admin(&app).await;
    let john = common::back_office::count(&app, "SELECT id FROM users WHERE email = 'john@mail.com'").await.to_string();
    let answer = staff.post("/rpc/admin/users/active", &[("user_id", john.as_str()), ("active", "false")]).await;
    assert_eq!(answer.status, 200);
    assert_eq!(profile(&app, &access).await.status, 401, "the unexpired access token stops working");
    assert_eq!(refresh(&app, &token(&pair, "refresh_token")).await.status, 401);
    assert_eq!(login(&app, json!({"email": "john@mail.com", "password": "changeme"})).await.status, 401);
}

async fn guessing_is_throttled_with_retry_after(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut last = None;
    for _ in 0..8 {
        last = Some(login(&app, json!({"email": "maria@mail.com", "password": "guess"})).await);
        if last.as_ref().unwrap().status == 429 {
            break;
        }
    }
    let last = last.unwrap();
    assert_eq!(last.status, 429, "{}", last.body);
    assert!(last.headers["retry-after"].to_str().unwrap().parse::<u64>().unwrap() > 0);
    assert_eq!(last.body["statusCode"], 429);
}

async fn other_sites_may_call_but_no_cookie_is_involved(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let from_elsewhere = client()
        .post(format!("{}/api/v1/auth/login", app.base))
        .header("origin", "https://app.example")
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"email": "john@mail.com", "password": "changeme"}));
    let answer = send(from_elsewhere).await;
    assert_eq!(answer.status, 201, "the API is for any origin: {}", answer.body);
    assert_eq!(answer.headers["access-control-allow-origin"], "*");
    assert!(answer.headers.get("set-cookie").is_none(), "no session is made");
    assert_eq!(common::stored_sessions(&app).await, 0);

    // A browser on the store's own site sends its session cookie along (the API's docs page does):
    // the API neither reads it (no user from it, no database read) nor answers it, whether it
    // names a live session or none at all.
    let mut signed_in = common::back_office::customer(&app).await;
    let live = signed_in.session.clone().expect("a signed-in visitor has a session");
    for cookie in [live.as_str(), "AAAAAAAAAAAAAAAAAAAAAA", "not a session id"] {
        let cookie = format!("{}={cookie}", tienda::server::auth::session::SESSION_COOKIE);
        for path in ["/api/v1/products/1", "/api/v1/auth/profile"] {
            let answer = send(client().get(format!("{}{path}", app.base)).header("cookie", &cookie)).await;
            assert!(answer.headers.get("set-cookie").is_none(), "{path} with {cookie}: {:?}", answer.headers);
            if path.ends_with("profile") {
                assert_eq!(answer.status, 401, "a session is no API sign-in: {}", answer.body);
            }
        }
    }
    assert_eq!(common::stored_sessions(&app).await, 1, "the web session is still there");
    assert_eq!(signed_in.get("/account").await.status, 200, "and still signed in");
}
