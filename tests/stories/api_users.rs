//! `/api/v1/users`: upstream's paths and messages with §10's corrections (docs/api.md): anyone
//! signs a customer up, tokens for everything else, no passwords shown, unique emails, a
//! truthful `is-available`.

use crate::common;

use common::api::{access_token, admin_token, call, customer_token, login, messages, sorted};
use common::back_office::{count, text};
use common::visitor::Visitor;
use common::{spawn_seeded, spawn_with, test_config, Backend};
use reqwest::Method;
use serde_json::{json, Value};

on_both_backends!(
    admins_list_read_add_change_and_delete_accounts,
    account_bodies_get_upstreams_messages_and_nothing_is_written,
    people_read_and_change_only_their_own_name_and_avatar,
    is_available_tells_the_truth,
    a_phone_app_signs_a_customer_up_without_a_token,
    a_sign_up_cannot_ask_for_another_role,
    sign_ups_through_the_api_share_the_web_forms_throttle,
);

const USERS: &str = "SELECT COUNT(*) FROM users";

fn ana() -> Value {
    json!({"email": "ana@mail.com", "name": "Ana", "password": "s3cretpass", "avatar": "https://example.com/ana.png"})
}

fn with_role(mut body: Value, role: &str) -> Value {
    body["role"] = json!(role);
    body
}

fn assert_no_password(body: &Value) {
    let text = body.to_string();
    assert!(!text.contains("password") && !text.contains("argon2"), "no password or hash is shown: {text}");
}

async fn admins_list_read_add_change_and_delete_accounts(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let admin = admin_token(&app).await;
    let list = call(&app, Method::GET, "/users", Some(&admin), None).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body.as_array().map(Vec::len), Some(3));
    assert_no_password(&list.body);
    let two = call(&app, Method::GET, "/users?limit=2", Some(&admin), None).await;
    assert_eq!(two.body.as_array().map(Vec::len), Some(2));
    let maria = call(&app, Method::GET, "/users/2", Some(&admin), None).await;
    assert_eq!((maria.status, maria.body["email"].as_str()), (200, Some("maria@mail.com")));
    let keys: Vec<&str> = maria.body.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(sorted(&keys), sorted(&["id", "email", "name", "role", "avatar", "creationAt", "updatedAt"]));

    let created = call(&app, Method::POST, "/users", Some(&admin), Some(ana())).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["role"], "customer", "the default role");
    assert_no_password(&created.body);
    let id = created.body["id"].as_i64().unwrap();
    assert!(text(&app, "SELECT password_hash FROM users WHERE id = $1", id).await.starts_with("$argon2id$"));
    let ana_token = access_token(&app, "ana@mail.com", "s3cretpass").await;

    let body = json!({"name": "Ana María", "role": "admin"});
    let changed = call(&app, Method::PUT, &format!("/users/{id}"), Some(&admin), Some(body)).await;
    assert_eq!(
        (changed.status, changed.body["name"].as_str(), changed.body["role"].as_str()),
        (200, Some("Ana María"), Some("admin"))
    );
    let me = call(&app, Method::GET, "/auth/profile", Some(&ana_token), None).await;
    assert_eq!(
        (me.status, me.body["role"].as_str()),
        (200, Some("admin")),
        "a role change applies to her token at once"
    );

    let reset =
        call(&app, Method::PUT, &format!("/users/{id}"), Some(&admin), Some(json!({"password": "n3wpassword"}))).await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert_eq!(call(&app, Method::GET, "/auth/profile", Some(&ana_token), None).await.status, 401, "old tokens end");
    assert_eq!(login(&app, "ana@mail.com", "s3cretpass").await.status, 401);
    let ana_token = access_token(&app, "ana@mail.com", "n3wpassword").await;

    let deleted = call(&app, Method::DELETE, &format!("/users/{id}"), Some(&admin), None).await;
    assert_eq!((deleted.status, &deleted.body), (200, &json!(true)));
    let gone = call(&app, Method::GET, &format!("/users/{id}"), Some(&admin), None).await;
    assert_eq!((gone.status, gone.body["name"].as_str()), (404, Some("EntityNotFoundError")));
    assert_eq!(call(&app, Method::GET, "/auth/profile", Some(&ana_token), None).await.status, 401);
    assert_eq!(call(&app, Method::DELETE, &format!("/users/{id}"), Some(&admin), None).await.status, 404);
    assert_eq!(count(&app, USERS).await, 3);
}

async fn account_bodies_get_upstreams_messages_and_nothing_is_written(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let admin = admin_token(&app).await;
    let empty = call(&app, Method::POST, "/users", Some(&admin), Some(json!({}))).await;
    assert_eq!(
        messages(&empty),
        sorted(&[
            "email should not be empty",
            "email must be an email",
            "name should not be empty",
            "name must be a string",
            "password should not be empty",
            "password must be a string",
            "avatar should not be empty",
            "avatar must be a URL address",
        ])
    );
    let with = |key: &str, value: Value| {
        let mut body = ana();
        body[key] = value;
        body
    };
    let cases = [
        (with("email", json!("not-an-email")), "email must be an email"),
        (with("email", json!("user@example..com")), "email must be an email"),
        (with("email", json!("user@exam_ple.com")), "email must be an email"),
        (with("email", json!("user@-example.com")), "email must be an email"),
        (with("password", json!("abc")), "password must be longer than or equal to 8 characters"),
        (with("avatar", json!("ftp://x")), "avatar must be a URL address"),
        (with("name", json!("")), "name should not be empty"),
        (with("role", json!("boss")), "role must be one of the following values: admin, customer"),
    ];
    for (body, message) in cases {
        let answer = call(&app, Method::POST, "/users", Some(&admin), Some(body.clone())).await;
        assert_eq!(messages(&answer), [message], "{body}");
    }
    let taken = call(&app, Method::POST, "/users", Some(&admin), Some(with("email", json!("John@Mail.com")))).await;
    assert_eq!((taken.status, taken.body["message"].as_str()), (409, Some("A user with this email already exists.")));
    let taken_by_update =
        call(&app, Method::PUT, "/users/2", Some(&admin), Some(json!({"email": "john@mail.com"}))).await;
    assert_eq!(taken_by_update.status, 409);
    let bad_update = call(&app, Method::PUT, "/users/2", Some(&admin), Some(json!({"password": "short"}))).await;
    assert_eq!(messages(&bad_update), ["password must be longer than or equal to 8 characters"]);
    assert_eq!(count(&app, USERS).await, 3);
    assert_eq!(text(&app, "SELECT email FROM users WHERE id = $1", 2).await, "maria@mail.com");
    assert_eq!(login(&app, "maria@mail.com", "12345").await.status, 201, "maria's password is unchanged");
}

async fn people_read_and_change_only_their_own_name_and_avatar(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let john = customer_token(&app).await;
    let admin = admin_token(&app).await;
    for (method, path) in
        [(Method::GET, "/users"), (Method::GET, "/users/1"), (Method::PUT, "/users/1"), (Method::DELETE, "/users/2")]
    {
        let answer = call(&app, method.clone(), path, None, Some(json!({}))).await;
        assert_eq!(answer.status, 401, "{method} {path} without a token");
    }
    assert_eq!(call(&app, Method::GET, "/users/1", Some(&john), None).await.status, 200, "his own account");
    for (method, path, body) in [
        (Method::GET, "/users", None),
        (Method::GET, "/users/2", None),
        (Method::PUT, "/users/2", Some(json!({"name": "Mallory"}))),
        (Method::PUT, "/users/1", Some(json!({"role": "admin"}))),
        (Method::PUT, "/users/1", Some(json!({"password": "takeover123"}))),
        (Method::PUT, "/users/1", Some(json!({"email": "other@mail.com"}))),
        (Method::DELETE, "/users/2", None),
        (Method::POST, "/users", Some(with_role(ana(), "admin"))),
    ] {
        let answer = call(&app, method.clone(), path, Some(&john), body).await;
        assert_eq!(
            (answer.status, answer.body["statusCode"].as_i64()),
            (403, Some(403)),
            "{method} {path} as a customer"
        );
    }
    let someone_elses =
        call(&app, Method::PUT, "/users/1", Some(&john), Some(json!({"avatar": "/media/avatars/0a1b.png"}))).await;
    assert_eq!(messages(&someone_elses), ["avatar must be a URL address"], "no pointing at another person's upload");
    let renamed = call(&app, Method::PUT, "/users/1", Some(&john), Some(json!({"name": "Johnny"}))).await;
    assert_eq!((renamed.status, renamed.body["name"].as_str()), (200, Some("Johnny")));
    assert_eq!(text(&app, "SELECT role FROM users WHERE id = $1", 1).await, "customer");
    assert_eq!(text(&app, "SELECT name FROM users WHERE id = $1", 2).await, "Maria");

    // An admin's own email and password take the account page too: a leaked token is not enough.
    for body in [json!({"password": "takeover123"}), json!({"email": "thief@mail.com"})] {
        let answer = call(&app, Method::PUT, "/users/3", Some(&admin), Some(body.clone())).await;
        assert_eq!(answer.status, 403, "{body}");
    }
    assert_eq!(login(&app, "admin@mail.com", "admin123").await.status, 201, "the admin's password is unchanged");
    let demote = call(&app, Method::PUT, "/users/3", Some(&admin), Some(json!({"role": "customer"}))).await;
    assert_eq!(demote.status, 409, "an admin cannot demote themselves: {}", demote.body);
    assert_eq!(call(&app, Method::DELETE, "/users/3", Some(&admin), None).await.status, 409);
    assert_eq!(text(&app, "SELECT role FROM users WHERE id = $1", 3).await, "admin");
    assert_eq!(count(&app, USERS).await, 3);
}

async fn is_available_tells_the_truth(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let ask = |email: Value| {
        let app = &app;
        async move { call(app, Method::POST, "/users/is-available", None, Some(json!({ "email": email }))).await }
    };
    for (email, available) in [("john@mail.com", false), ("JOHN@Mail.com", false), ("new@mail.com", true)] {
        let answer = ask(json!(email)).await;
        assert_eq!((answer.status, &answer.body), (201, &json!({ "isAvailable": available })), "{email}");
    }
    assert_eq!(messages(&ask(json!("nope")).await), ["email must be an email"]);
    let missing = call(&app, Method::POST, "/users/is-available", None, Some(json!({}))).await;
    assert_eq!(messages(&missing), sorted(&["email should not be empty", "email must be an email"]));
}

/// A client that signs up from `client` (the test server trusts `X-Forwarded-For`).
async fn sign_up_from(app: &common::TestApp, client: &str, body: Value) -> common::api::Answer {
    let request = common::api::client().post(common::api::url(app, "/users")).header("x-forwarded-for", client);
    common::api::send(request.json(&body)).await
}

async fn a_phone_app_signs_a_customer_up_without_a_token(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let created = call(&app, Method::POST, "/users", None, Some(ana())).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["role"], "customer");
    assert_eq!(created.body["email"], "ana@mail.com");
    assert_no_password(&created.body);
    // The new account signs in through the API at once, and sees itself.
    let token = access_token(&app, "ana@mail.com", "s3cretpass").await;
    let profile = call(&app, Method::GET, "/auth/profile", Some(&token), None).await;
    assert_eq!((profile.status, profile.body["name"].as_str()), (200, Some("Ana")));
    // And on the web.
    let mut visitor = Visitor::new(&app.base);
    assert_eq!(visitor.sign_in("ana@mail.com", "s3cretpass").await.status, 200);
    assert!(visitor.get("/account").await.body.contains("ana@mail.com"), "the account page shows her");

    // A stale token on the sign-up screen is ignored, as upstream ignores it.
    let mut bob = ana();
    bob["email"] = json!("bob@mail.com");
    let stale = call(&app, Method::POST, "/users", Some("expired.or.forged"), Some(bob.clone())).await;
    assert_eq!((stale.status, stale.body["role"].as_str()), (201, Some("customer")), "{}", stale.body);
    // Asking for a role with a lapsed token is an admin to send back to sign in: 401, not 403.
    bob["email"] = json!("bob2@mail.com");
    let lapsed = call(&app, Method::POST, "/users", Some("expired.or.forged"), Some(with_role(bob, "admin"))).await;
    assert_eq!(lapsed.status, 401, "{}", lapsed.body);

    // The same email in other letters is taken (409), and bad fields get upstream's sentences.
    let twin = call(
        &app,
        Method::POST,
        "/users",
        None,
        Some(json!({"email": "ANA@Mail.com", "name": "Ana 2", "password": "another pass", "avatar": "https://example.com/avatar.png"})),
    )
    .await;
    assert_eq!((twin.status, twin.body["error"].as_str()), (409, Some("Conflict")), "{}", twin.body);
    let bad = call(
        &app,
        Method::POST,
        "/users",
        None,
        Some(json!({"email": "ana@exam_ple.com", "name": "", "password": "abc", "avatar": "https://example.com/avatar.png"})),
    )
    .await;
    assert_eq!(
        messages(&bad),
        sorted(&[
            "email must be an email",
            "name should not be empty",
            "password must be longer than or equal to 8 characters"
        ])
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM users WHERE email LIKE 'ana%'").await,
        1,
        "one Ana, nothing else stored"
    );
}

async fn a_sign_up_cannot_ask_for_another_role(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let before = count(&app, USERS).await;
    let mut eve = ana();
    eve["email"] = json!("eve@mail.com");
    eve["role"] = json!("admin");
    let refused = call(&app, Method::POST, "/users", None, Some(eve.clone())).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body["message"].as_str().unwrap().contains("Only an admin"), "{}", refused.body);
    let john = customer_token(&app).await;
    let as_customer = call(&app, Method::POST, "/users", Some(&john), Some(eve.clone())).await;
    assert_eq!(as_customer.status, 403, "a customer's token grants no roles: {}", as_customer.body);
    assert_eq!(count(&app, USERS).await, before, "nothing was stored");

    // A customer token with no role asked for signs a customer up, like no token.
    eve["role"] = json!("customer");
    let customer = call(&app, Method::POST, "/users", Some(&john), Some(eve.clone())).await;
    assert_eq!((customer.status, customer.body["role"].as_str()), (201, Some("customer")), "{}", customer.body);
    // An admin still creates admins.
    let admin = admin_token(&app).await;
    let boss = json!({"email": "boss@mail.com", "name": "Boss", "password": "a long password", "avatar": "https://example.com/avatar.png", "role": "admin"});
    let made = call(&app, Method::POST, "/users", Some(&admin), Some(boss)).await;
    assert_eq!((made.status, made.body["role"].as_str()), (201, Some("admin")), "{}", made.body);
    let boss_token = access_token(&app, "boss@mail.com", "a long password").await;
    assert_eq!(call(&app, Method::GET, "/users?limit=1", Some(&boss_token), None).await.status, 200, "an admin now");
}

async fn sign_ups_through_the_api_share_the_web_forms_throttle(backend: Backend) {
    let mut config = test_config(backend).await;
    config.auth.signups_per_client_per_hour = 3;
    config.auth.trust_forwarded_for = true;
    let app = spawn_with(config, true).await;
    let person = |n: u32| json!({"email": format!("person{n}@mail.com"), "name": format!("Person {n}"), "password": "a long password", "avatar": "https://example.com/avatar.png"});
    for n in 0..2 {
        assert_eq!(sign_up_from(&app, "198.51.100.30", person(n)).await.status, 201, "API sign-up {n}");
    }
    // The web form from the same client counts against the same hour.
    let fields = [("name", "Person 2"), ("email", "person2@mail.com"), ("password", "a long password")];
    let request =
        reqwest::Client::new().post(format!("{}/rpc/register", app.base)).header("x-forwarded-for", "198.51.100.30");
    let status = request.form(&fields).send().await.unwrap().status().as_u16();
    assert!(status < 400, "the web sign-up is the third: {status}");
    // A form with mistakes costs no sign-up: only attempts that reach the database count.
    for _ in 0..4 {
        let typo = json!({"email": "typo@mail", "name": "Typo", "password": "a long password", "avatar": "https://example.com/a.png"});
        assert_eq!(sign_up_from(&app, "198.51.100.32", typo).await.status, 400);
    }
    for n in 20..23 {
        assert_eq!(
            sign_up_from(&app, "198.51.100.32", person(n)).await.status,
            201,
            "the typos took no sign-up of {n}"
        );
    }
    // A refused role is turned away before it is counted.
    let greedy = sign_up_from(&app, "198.51.100.31", with_role(person(10), "admin")).await;
    assert_eq!(greedy.status, 403);
    for n in 11..14 {
        assert_eq!(sign_up_from(&app, "198.51.100.31", person(n)).await.status, 201, "the 403 took no sign-up of {n}");
    }
    let refused = sign_up_from(&app, "198.51.100.30", person(3)).await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert!(refused.headers.contains_key("retry-after"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM users WHERE email LIKE 'person_@%'").await,
        3,
        "the fourth stored nothing"
    );
    assert_eq!(sign_up_from(&app, "203.0.113.30", person(4)).await.status, 201, "another client is not held back");
}
