//! Accounts over HTTP, on SQLite and PostgreSQL: registering, signing in and out, sessions,
//! roles, and what each kind of bad input gets.

use crate::common;

use common::visitor::{session_cookie, Visitor};
use common::{html, spawn_seeded, Backend};
use serde_json::Value;
use tienda::server::db::with_reader;

on_both_backends!(
    a_new_customer_registers_and_is_signed_in,
    registration_refuses_bad_input_field_by_field,
    an_email_can_be_registered_only_once_whatever_its_case,
    signing_in_issues_a_new_session_id_and_the_old_one_dies,
    signing_out_ends_the_session_on_the_server,
    the_account_page_sends_signed_out_visitors_to_sign_in,
    customers_get_403_from_admin_functions,
    cross_site_posts_change_nothing,
    changing_the_password_ends_other_sessions,
    passwords_never_leave_the_server,
    forms_without_javascript_come_back_with_their_errors,
    a_refused_form_without_javascript_comes_back_filled_in_but_never_with_a_password,
    session_cookies_are_secure_over_https,
    a_signed_in_page_never_reaches_the_shared_cache,
);

async fn a_new_customer_registers_and_is_signed_in(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut ana = Visitor::new(&app.base);
    let fields =
        [("name", " Ana Pérez "), ("email", " Ana@Example.COM "), ("password", "correct horse"), ("avatar", "")];
    let registered = ana.post("/rpc/register", &fields).await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    let user: Value = serde_json::from_str(&registered.body).unwrap();
    assert_eq!(user["email"], "ana@example.com", "emails are stored normalised");
    assert_eq!(user["name"], "Ana Pérez");
    assert_eq!(user["role"], "customer");
    assert_eq!(registered.headers["serverfnredirect"], "", "the page is told to navigate");
    assert_eq!(registered.headers["location"], "/account");

    let cookie = session_cookie(&registered.headers).expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=604800"] {
        assert!(cookie.attributes.contains(attribute), "{attribute} in {}", cookie.attributes);
    }
    assert!(!cookie.attributes.contains("Secure"), "plain http in tests: Secure would lose the cookie");

    let account = ana.get("/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains("Ana Pérez") && account.body.contains("ana@example.com"));
    assert_eq!(account.headers["cache-control"], "private, no-store", "a page with a name on it");
    let header_link = common::html::text(&account.html(), ".account-link");
    assert_eq!(header_link, "Ana Pérez", "the header knows who is signed in, server-rendered");

    let stored: (String, String) = with_reader!(app.db.reader(), pool =>
        sqlx::query_as("SELECT email, password_hash FROM users WHERE email = 'ana@example.com'").fetch_one(pool).await)
    .unwrap();
    assert!(stored.1.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "argon2id at OWASP's minimum");
}

async fn registration_refuses_bad_input_field_by_field(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut visitor = Visitor::new(&app.base);
    let long_name = "n".repeat(81);
    // Each case: the form's fields, and the (field, issue) pairs the answer must list.
    type Pairs<'a> = &'a [(&'a str, &'a str)];
    let cases: [(Pairs, Pairs); 5] = [
        (
            &[("name", ""), ("email", ""), ("password", "")],
            &[("name", "Required"), ("email", "Required"), ("password", "Required")],
        ),
        (
            &[("name", "Ana"), ("email", "ana@"), ("password", "short")],
            &[("email", "InvalidEmail"), ("password", "TooShort")],
        ),
        (&[("name", &long_name), ("email", "a@b.co"), ("password", "long enough")], &[("name", "TooLong")]),
        (
            &[("name", "Ana"), ("email", "a@b.co"), ("password", "long enough"), ("avatar", "javascript:alert(1)")],
            &[("avatar", "InvalidUrl")],
        ),
        (&[("name", "Ana"), ("email", "a@b.co"), ("password", &"p".repeat(129))], &[("password", "TooLong")]),
    ];
    for (fields, expected) in cases {
        let answer = visitor.post("/rpc/register", fields).await;
        assert_eq!(answer.status, 422, "{fields:?}: {}", answer.body);
        let body: Value = serde_json::from_str(&answer.body).unwrap();
        let errors = body["Validation"].as_array().expect("field errors");
        for (field, issue) in expected {
            let found = errors.iter().any(|e| e["field"] == *field && e["issue"].to_string().contains(issue));
            assert!(found, "{field} should be {issue}: {errors:?}");
        }
        assert_eq!(errors.len(), expected.len(), "{errors:?}");
    }
    let missing_field = visitor.post("/rpc/register", &[("name", "Ana")]).await;
    assert_eq!(missing_field.status, 400, "a request without its fields is malformed, not a 500");
    assert_eq!(user_count(&app).await, 3, "nothing was stored");
    assert!(visitor.session.is_none(), "nobody was signed in");
}

async fn an_email_can_be_registered_only_once_whatever_its_case(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let fields = [("name", "Impostor"), ("email", "  JOHN@Mail.com"), ("password", "another password")];
    let answer = Visitor::new(&app.base).post("/rpc/register", &fields).await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert!(answer.body.contains(r#""field":"email","issue":"EmailTaken""#), "{}", answer.body);
    assert_eq!(user_count(&app).await, 3);
}

async fn signing_in_issues_a_new_session_id_and_the_old_one_dies(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut john = Visitor::new(&app.base);
    assert_eq!(john.sign_in("john@mail.com", "changeme").await.status, 200);
    let first = john.session.clone().expect("signed in");

    // Signing in again over an existing session (or a planted one) must not keep its id.
    let again = john.sign_in("John@Mail.com", "changeme").await;
    assert_eq!(again.status, 200, "emails match whatever their case");
    let second = john.session.clone().unwrap();
    assert_ne!(first, second, "the session id is cycled at sign-in");
    let mut old = Visitor::with_cookie(&app.base, &first);
    assert_eq!(old.get("/account").await.status, 303, "the old id is dead");
    assert_eq!(john.get("/account").await.status, 200);

    let planted = "AAAAAAAAAAAAAAAAAAAAAA";
    let mut victim = Visitor::with_cookie(&app.base, planted);
    victim.sign_in("maria@mail.com", "12345").await;
    assert_ne!(victim.session.as_deref(), Some(planted), "a planted id is never adopted");
    assert_eq!(Visitor::with_cookie(&app.base, planted).get("/account").await.status, 303);
}

async fn signing_out_ends_the_session_on_the_server(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut john = Visitor::new(&app.base);
    john.sign_in("john@mail.com", "changeme").await;
    let copied = john.session.clone().unwrap();
    assert_eq!(common::stored_sessions(&app).await, 1, "sessions live in the database");
    let out = john.post("/rpc/logout", &[]).await;
    assert_eq!(out.status, 200);
    assert!(session_cookie(&out.headers).is_some_and(|c| c.removed), "the browser is told to forget it");
    assert_eq!(common::stored_sessions(&app).await, 0, "the session row is deleted");
    let mut thief = Visitor::with_cookie(&app.base, &copied);
    assert_eq!(thief.get("/account").await.status, 303, "a copy of the cookie no longer works");
    assert_eq!(thief.fetch("/rpc/me").await.body, "null");
}

async fn the_account_page_sends_signed_out_visitors_to_sign_in(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let page = Visitor::new(&app.base).get("/account").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.headers["location"], "/login?next=%2Faccount");
    let me = Visitor::new(&app.base).post("/rpc/account/profile", &[("name", "X")]).await;
    assert_eq!(me.status, 401, "the server function guards itself: {}", me.body);
}

async fn customers_get_403_from_admin_functions(backend: Backend) {
    let app = spawn_seeded(backend).await;
    assert_eq!(Visitor::new(&app.base).fetch("/rpc/admin/users").await.status, 401);
    let mut john = Visitor::new(&app.base);
    john.sign_in("john@mail.com", "changeme").await;
    assert_eq!(john.fetch("/rpc/admin/users").await.status, 403);
    let mut admin = Visitor::new(&app.base);
    admin.sign_in("admin@mail.com", "admin123").await;
    let users = admin.fetch("/rpc/admin/users").await;
    assert_eq!(users.status, 200);
    let list: Value = serde_json::from_str(&users.body).unwrap();
    assert_eq!(list["total"], 3);
}

async fn cross_site_posts_change_nothing(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut john = Visitor::new(&app.base);
    john.sign_in("john@mail.com", "changeme").await;
    let forged = john.post_from_elsewhere("/rpc/account/profile", &[("name", "Hacked"), ("avatar", "")]).await;
    assert_eq!(forged.status, 403);
    let logout = john.post_from_elsewhere("/rpc/logout", &[]).await;
    assert_eq!(logout.status, 403);
    let login =
        Visitor::new(&app.base).post_from_elsewhere("/rpc/login", &[("email", "x@y.z"), ("password", "p")]).await;
    assert_eq!(login.status, 403, "login CSRF too");
    assert_eq!(name_of(&app, "john@mail.com").await, "Jhon", "nothing changed");
    assert_eq!(john.get("/account").await.status, 200, "still signed in");

    let honest = john.post("/rpc/account/profile", &[("name", "John"), ("avatar", "")]).await;
    assert_eq!(honest.status, 200, "{}", honest.body);
    assert_eq!(name_of(&app, "john@mail.com").await, "John");
}

async fn changing_the_password_ends_other_sessions(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let (mut laptop, mut phone) = (Visitor::new(&app.base), Visitor::new(&app.base));
    laptop.sign_in("john@mail.com", "changeme").await;
    phone.sign_in("john@mail.com", "changeme").await;

    let wrong =
        laptop.post("/rpc/account/password", &[("current_password", "nope"), ("new_password", "brand new pass")]).await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("WrongPassword"), "{}", wrong.body);
    let short =
        laptop.post("/rpc/account/password", &[("current_password", "changeme"), ("new_password", "short")]).await;
    assert!(short.body.contains("TooShort"), "{}", short.body);

    let changed = laptop
        .post("/rpc/account/password", &[("current_password", "changeme"), ("new_password", "brand new pass")])
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(laptop.get("/account").await.status, 200, "this session stays signed in");
    assert_eq!(phone.get("/account").await.status, 303, "every other session ends");
    assert_eq!(Visitor::new(&app.base).sign_in("john@mail.com", "changeme").await.status, 401, "old password refused");
    assert_eq!(Visitor::new(&app.base).sign_in("john@mail.com", "brand new pass").await.status, 200);
}

async fn passwords_never_leave_the_server(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let secret = "a very secret passphrase";
    let mut ana = Visitor::new(&app.base);
    let mut answers =
        vec![ana.post("/rpc/register", &[("name", "Ana"), ("email", "ana@x.io"), ("password", secret)]).await];
    answers.push(ana.sign_in("ana@x.io", secret).await);
    answers.push(ana.fetch("/rpc/me").await);
    answers.push(ana.get("/account").await);
    let mut admin = Visitor::new(&app.base);
    admin.sign_in("admin@mail.com", "admin123").await;
    answers.push(admin.fetch("/rpc/admin/users").await);
    for answer in answers {
        let all = format!("{:?}{}", answer.headers, answer.body);
        for leak in [secret, "password_hash", "$argon2", "admin123"] {
            assert!(!all.contains(leak), "{leak} leaked: {}", answer.body);
        }
    }
}

async fn forms_without_javascript_come_back_with_their_errors(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut visitor = Visitor::new(&app.base);
    let failed = visitor
        .submit_form("/rpc/login", "/login", &[("email", "john@mail.com"), ("password", "wrong"), ("next", "")])
        .await;
    assert_eq!(failed.status, 302);
    let back = failed.headers["location"].to_str().unwrap().replace(&app.base, "");
    assert!(back.starts_with("/login?") && back.contains("__err="), "{back}");
    let page = visitor.get(&back).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("The email or password is not correct"), "the error is on the page");

    let next = "/products?page=2";
    let signed_in = visitor
        .submit_form("/rpc/login", "/login", &[("email", "john@mail.com"), ("password", "changeme"), ("next", next)])
        .await;
    assert_eq!(signed_in.status, 302);
    assert_eq!(signed_in.headers["location"], next, "back where the shopper came from");
    let hostile = [("email", "john@mail.com"), ("password", "changeme"), ("next", "https://evil.example/")];
    let not_away = visitor.submit_form("/rpc/login", "/login", &hostile).await;
    assert_eq!(not_away.headers["location"], "/account", "never to another site");
}

async fn session_cookies_are_secure_over_https(backend: Backend) {
    let mut config = common::test_config(backend).await;
    config.server.site_url = "https://shop.example".into();
    let app = common::spawn_with(config, true).await;
    let mut john = Visitor::new(&app.base);
    let signed_in = john.sign_in("john@mail.com", "changeme").await;
    let cookie = session_cookie(&signed_in.headers).expect("a session cookie");
    assert!(cookie.attributes.contains("Secure"), "{}", cookie.attributes);
}

async fn a_signed_in_page_never_reaches_the_shared_cache(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut john = Visitor::new(&app.base);
    john.sign_in("john@mail.com", "changeme").await;
    let id = john.session.clone().unwrap();
    // The session layer decodes cookie names, so each of these spellings signs John in.
    for cookie in [format!("tienda_session={id}"), format!("tienda%5Fsession={id}"), format!("tienda_session ={id}")] {
        let client = reqwest::Client::new();
        let page = client.get(format!("{}/", app.base)).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(page.headers()["cache-control"], "private, no-store", "{cookie}");
        assert!(page.headers().get("x-page-cache").is_none(), "{cookie}: not from or into the page cache");
        let anonymous = common::get(&app.base, "/").await;
        assert!(!anonymous.body.contains("Jhon"), "{cookie}: an anonymous visitor never sees John's page");
    }
}

async fn user_count(app: &common::TestApp) -> i64 {
    with_reader!(app.db.reader(), pool => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await)
        .unwrap()
}

async fn name_of(app: &common::TestApp, email: &str) -> String {
    with_reader!(app.db.reader(), pool => sqlx::query_scalar("SELECT name FROM users WHERE email = $1")
        .bind(email).fetch_one(pool).await)
    .unwrap()
}

/// A refused sign-up without JavaScript: the page says what is wrong and has what was typed, once;
/// the password is never handed back, and the sign-in form does not get the sign-up's fields.
async fn a_refused_form_without_javascript_comes_back_filled_in_but_never_with_a_password(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut ana = Visitor::new(&app.base);
    let fields =
        [("name", "Ana Pérez"), ("email", "ana@example.com"), ("password", "short"), ("avatar", ""), ("next", "")];
    let refused = ana.submit_form("/rpc/register", "/register", &fields).await;
    let location = refused.headers["location"].to_str().unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");
    let cookie = refused
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("tienda_form="));
    let cookie = cookie.expect("the typed fields come back in a cookie");
    assert!(
        cookie.contains("Path=/register") && cookie.contains("HttpOnly") && cookie.contains("Max-Age="),
        "{cookie}"
    );
    assert!(!cookie.contains("short"), "never the password: {cookie}");
    let path = location.trim_start_matches(&app.base).to_owned();
    let page = ana.get(&path).await;
    let doc = page.html();
    assert_eq!(html::attr(&doc, "#field-name", "value"), "Ana Pérez");
    assert_eq!(html::attr(&doc, "#field-email", "value"), "ana@example.com");
    assert!(html::text(&doc, "#field-password-error").contains("8"), "the password's message is shown");
    assert_eq!(
        html::text(&doc, "main [role=alert] .form-alert"),
        "Some fields are not valid. Please correct them and try again.",
        "the form says that fields were refused, where a screen reader hears it"
    );
    assert_eq!(ana.form_cookie, None, "read once: the page deletes it");
    let again = ana.get(&path).await.html();
    assert_eq!(html::attr(&again, "#field-name", "value"), "", "a reload starts afresh");

    // A wrong password on the sign-in form keeps the email, not the password.
    let refused = ana
        .submit_form("/rpc/login", "/login", &[("email", "john@mail.com"), ("password", "wrong"), ("next", "")])
        .await;
    let path = refused.headers["location"].to_str().unwrap().trim_start_matches(&app.base).to_owned();
    let page = ana.get(&path).await;
    assert_eq!(html::attr(&page.html(), "#field-email", "value"), "john@mail.com");
    assert!(!page.body.contains("wrong"), "never the password");
}
