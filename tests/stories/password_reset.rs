//! "Forgot your password?": a link by e-mail (through the job queue, into the outbox), used once to
//! set a new password, which signs the account out everywhere; asking tells a stranger nothing
//! and mails at most one link per account every few minutes; a link expires; made-up, mangled and
//! racing tokens get a clear answer, never a 500; a link dies when its account's password, address
//! or standing changes.

use crate::common::{
    api::{self, Answer},
    html, spawn_seeded,
    visitor::Visitor,
    Backend, Page, TestApp,
};
use crate::jobs::{env, fast, wait_for_state};
use tienda::model::jobs::JobState;
use tienda::server::db::{with_pool, with_reader};
use tienda::server::jobs::{self, Workers};

on_both_backends!(
    a_forgotten_password_is_reset_through_a_mailed_link,
    asking_for_a_link_tells_nothing_and_mails_at_most_one,
    a_link_expires_and_bad_or_racing_tokens_get_a_clear_answer,
    a_link_dies_when_its_account_changes,
    requests_at_the_same_moment_mail_one_link,
);

const FORGOT: &str = "/login/forgot";

fn start_workers(app: &TestApp) -> Workers {
    jobs::worker::start(env(app), jobs::kinds::registry(), Vec::new(), fast(1))
}

/// Asks for a link for `email` with the page's plain form, as a browser without JavaScript does;
/// the page the post leads back to.
async fn ask(visitor: &mut Visitor, email: &str) -> Page {
    let posted = visitor.submit_form("/rpc/password/forgot", FORGOT, &[("email", email)]).await;
    assert_eq!(posted.status, 302, "a plain form post is sent back: {}", posted.body);
    visitor.get(&posted.redirect_path()).await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    with_reader!(app.db.reader(), pool => sqlx::query_scalar(sql).fetch_one(pool).await).unwrap()
}

async fn reset_jobs(app: &TestApp) -> Vec<i64> {
    let sql = "SELECT id FROM jobs WHERE kind = 'password_reset_email' ORDER BY id";
    with_reader!(app.db.reader(), pool => sqlx::query_scalar(sql).fetch_all(pool).await).unwrap()
}

/// Waits for every link asked for to be mailed, and returns the messages in the outbox.
async fn mailed(app: &TestApp) -> Vec<String> {
    for job in reset_jobs(app).await {
        wait_for_state(app, job, JobState::Done).await;
    }
    let Ok(entries) = std::fs::read_dir(&app.config.mail.outbox_dir) else {
        return Vec::new();
    };
    entries.map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap()).collect()
}

/// The token of the link in a message (its text part is quoted-printable: soft line breaks, `=3D`).
fn token_in(message: &str) -> String {
    let text = message.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
    let at = text.find("/login/reset?token=").unwrap_or_else(|| panic!("no link in {message}")) + 19;
    let token: String = text[at..].chars().take_while(char::is_ascii_hexdigit).collect();
    assert_eq!(token.len(), 64, "{text}");
    token
}

/// Asks for a link for `email` and returns its token, from the one message mailed.
async fn link_for(app: &TestApp, email: &str) -> String {
    let workers = start_workers(app);
    ask(&mut Visitor::new(&app.base), email).await;
    let messages = mailed(app).await;
    workers.stop().await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    token_in(&messages[0])
}

/// As [`link_for`], once the account's cooldown is over (as if minutes had passed) and the outbox
/// is emptied of earlier links. (The link's id is a new one, so its mail is sent.)
async fn next_link_for(app: &TestApp, email: &str) -> String {
    with_pool!(app.db.writer(), pool => sqlx::query("UPDATE users SET password_reset_asked_at = NULL")
        .execute(pool).await.map(|_| ()))
    .unwrap();
    let _ = std::fs::remove_dir_all(&app.config.mail.outbox_dir);
    link_for(app, email).await
}

/// Whether the page of `token`'s link offers to set a password.
async fn link_works(app: &TestApp, token: &str) -> bool {
    let page = Visitor::new(&app.base).get(&format!("/login/reset?token={token}")).await.html();
    let offered = !html::attrs(&page, "input[name=password]", "name").is_empty();
    assert_eq!(offered, !html::texts(&page, "main .form-alert").concat().contains("no longer works"));
    offered
}

/// Sets `password` through the link of `token`, by the page's plain form.
async fn set_password(visitor: &mut Visitor, token: &str, password: &str) -> Page {
    let page = format!("/login/reset?token={token}");
    visitor.submit_form("/rpc/password/reset", &page, &[("token", token), ("password", password)]).await
}

async fn refresh(app: &TestApp, token: &str) -> Answer {
    let url = api::url(app, "/auth/refresh-token");
    api::send(api::client().post(url).json(&serde_json::json!({ "refreshToken": token }))).await
}

async fn a_forgotten_password_is_reset_through_a_mailed_link(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut laptop = Visitor::new(&app.base);
    assert_eq!(laptop.sign_in("john@mail.com", "changeme").await.status, 200);
    let program = api::login(&app, "john@mail.com", "changeme").await;
    let refresh_token = program.body["refresh_token"].as_str().unwrap().to_owned();

    let workers = start_workers(&app);
    let mut guest = Visitor::new(&app.base);
    let login = guest.get("/login").await.html();
    assert_eq!(html::attr(&login, "a[href='/login/forgot']", "href"), FORGOT);
    let sent = ask(&mut guest, "  John@Mail.com ").await.html();
    assert!(html::text(&sent, "main .form-notice").contains("a link to choose a new password is on its way"));
    let messages = mailed(&app).await;
    workers.stop().await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let message = &messages[0];
    assert!(message.contains("Subject: Set a new password for your Tienda account"), "{message}");
    assert!(message.contains("john@mail.com"), "{message}");
    let token = token_in(message);
    // The token is only in the mail: the database keeps its hash, the job's input names the row.
    let stored = "SELECT COUNT(*) FROM password_resets WHERE token_hash IS NOT NULL AND token_hash <> ''";
    assert_eq!(count(&app, stored).await, 1);
    let leaks = format!(
        "SELECT COUNT(*) FROM password_resets p, jobs j WHERE p.token_hash = '{token}' OR j.payload LIKE '%{token}%'"
    );
    assert_eq!(count(&app, &leaks).await, 0);

    let page = guest.get(&format!("/login/reset?token={token}")).await;
    assert_eq!(page.status, 200);
    // The address holds the token: no cache may keep the page, no Referer may carry it off, and
    // the header's sign-in link does not copy it into its own.
    assert_eq!(page.headers["cache-control"], "no-store");
    assert_eq!(page.headers["referrer-policy"], "same-origin");
    assert!(!page.body.contains("next=%2Flogin%2Freset"), "{}", page.body);
    let form = page.html();
    assert_eq!(html::attr(&form, "header .account-link", "href"), "/login");
    assert_eq!(html::attr(&form, "form input[name=token]", "value"), token);
    assert_eq!(html::attr(&form, "input[name=password]", "autocomplete"), "new-password");

    // Too short: the page says so at the field, and the link still works.
    let refused = set_password(&mut guest, &token, "abc").await;
    assert_eq!(refused.status, 302);
    let back = guest.get(&refused.redirect_path()).await.html();
    assert!(html::text(&back, "#field-password-error").contains("at least"), "the field's own message");
    assert_eq!(html::attrs(&back, "form input[name=token]", "value"), std::slice::from_ref(&token));

    let done = set_password(&mut guest, &token, "a brand new secret").await;
    assert_eq!(done.location(), "/login?reset=1");
    let signed_out = guest.get("/login?reset=1").await.html();
    assert!(html::text(&signed_out, "main .form-notice").contains("Your password was changed"));
    assert_eq!(laptop.get("/account").await.status, 303, "every session ends");
    assert_eq!(refresh(&app, &refresh_token).await.status, 401, "every API token ends");
    assert_eq!(Visitor::new(&app.base).sign_in("john@mail.com", "changeme").await.status, 401);
    assert_eq!(Visitor::new(&app.base).sign_in("john@mail.com", "a brand new secret").await.status, 200);

    // Once only.
    let again = guest.get(&format!("/login/reset?token={token}")).await.html();
    assert!(html::text(&again, "main .form-alert").contains("no longer works"));
    assert!(html::attrs(&again, "input[name=password]", "name").is_empty(), "no form for a spent link");
    let replay = set_password(&mut guest, &token, "yet another secret").await;
    let shown = guest.get(&replay.redirect_path()).await.html();
    assert!(html::text(&shown, "main .form-alert").contains("no longer works"));
    assert_eq!(Visitor::new(&app.base).sign_in("john@mail.com", "a brand new secret").await.status, 200);
}

async fn asking_for_a_link_tells_nothing_and_mails_at_most_one(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut guest = Visitor::new(&app.base);
    let known = ask(&mut guest, "john@mail.com").await.body;
    let unknown = ask(&mut guest, "nobody@mail.com").await.body;
    assert_eq!(known, unknown, "the same page whether the address has an account or not");
    // Asked again at once, the link on its way stands.
    ask(&mut guest, "john@mail.com").await;
    // A deactivated account gets no link.
    with_pool!(app.db.writer(), pool => sqlx::query("UPDATE users SET active = FALSE WHERE email = 'maria@mail.com'")
        .execute(pool).await.map(|_| ()))
    .unwrap();
    ask(&mut guest, "maria@mail.com").await;
    let workers = start_workers(&app);
    let messages = mailed(&app).await;
    workers.stop().await;
    assert_eq!(messages.len(), 1, "one link, to john: {messages:?}");
    assert!(messages[0].contains("john@mail.com"));
    assert_eq!(reset_jobs(&app).await.len(), 1);

    // What is not an address is told at the field, and comes back as typed.
    let refused = ask(&mut guest, "not an address").await.html();
    assert!(html::text(&refused, "#field-email-error").contains("email address"));
    assert_eq!(html::attr(&refused, "#field-email", "value"), "not an address");

    // One client asks at most ten times an hour (it has asked four times: the address that is
    // none was refused before it counted).
    for n in 0..6 {
        let answer = guest.post("/rpc/password/forgot", &[("email", &format!("someone{n}@mail.com"))]).await;
        assert_ne!(answer.status, 429, "{n}: {}", answer.body);
    }
    let over = guest.post("/rpc/password/forgot", &[("email", "john@mail.com")]).await;
    assert_eq!(over.status, 429, "{}", over.body);
    assert_eq!(reset_jobs(&app).await.len(), 1, "nothing more queued");
}

async fn a_link_expires_and_bad_or_racing_tokens_get_a_clear_answer(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let token = link_for(&app, "john@mail.com").await;
    with_pool!(app.db.writer(), pool => sqlx::query("UPDATE password_resets SET expires_at = 0")
        .execute(pool).await.map(|_| ()))
    .unwrap();
    let mut guest = Visitor::new(&app.base);
    let expired = guest.get(&format!("/login/reset?token={token}")).await.html();
    assert!(html::text(&expired, "main .form-alert").contains("no longer works"));
    assert_eq!(html::attr(&expired, "main a.button", "href"), "/login/forgot");
    let refused = guest.post("/rpc/password/reset", &[("token", &token), ("password", "a brand new secret")]).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("LinkExpired"), "{}", refused.body);
    assert_eq!(Visitor::new(&app.base).sign_in("john@mail.com", "changeme").await.status, 200, "unchanged");

    let long = "a".repeat(10_000);
    for bad in ["", "%27%20OR%201%3D1%20--", "zz", long.as_str(), "%E2%80%AE"] {
        let page = guest.get(&format!("/login/reset?token={bad}")).await;
        assert_eq!(page.status, 200, "{bad:.40}");
        assert!(html::text(&page.html(), "main .form-alert").contains("no longer works"), "{bad:.40}");
    }
    for bad in ["", "' OR 1=1 --", "zz", long.as_str(), "\u{0}", "\u{202e}", &token[..63]] {
        let posted = guest.post("/rpc/password/reset", &[("token", bad), ("password", "a brand new secret")]).await;
        assert!(matches!(posted.status, 400 | 422), "{bad:.40}: {} {}", posted.status, posted.body);
    }

    // Two uses of one link at the same moment: one sets its password, the other is refused.
    let token = next_link_for(&app, "john@mail.com").await;
    let (mut first, mut second) = (Visitor::new(&app.base), Visitor::new(&app.base));
    let first_form = [("token", token.as_str()), ("password", "the first secret")];
    let second_form = [("token", token.as_str()), ("password", "the second secret")];
    let (a, b) =
        tokio::join!(first.post("/rpc/password/reset", &first_form), second.post("/rpc/password/reset", &second_form),);
    let mut statuses = [a.status, b.status];
    statuses.sort_unstable();
    assert_eq!(statuses[1], 422, "{} / {}", a.body, b.body);
    assert!(statuses[0] < 400, "{} / {}", a.body, b.body);
    let winner = if a.status < 400 { "the first secret" } else { "the second secret" };
    assert_eq!(Visitor::new(&app.base).sign_in("john@mail.com", winner).await.status, 200);
}

async fn a_link_dies_when_its_account_changes(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = Visitor::new(&app.base);
    assert_eq!(staff.sign_in("admin@mail.com", "admin123").await.status, 200);
    let john_id = count(&app, "SELECT id FROM users WHERE email = 'john@mail.com'").await.to_string();

    // John remembers his password and changes it on his account page: the link he asked for
    // earlier is no longer a way in.
    let token = link_for(&app, "john@mail.com").await;
    assert!(link_works(&app, &token).await);
    let mut john = Visitor::new(&app.base);
    assert_eq!(john.sign_in("john@mail.com", "changeme").await.status, 200);
    let fields = [("current_password", "changeme"), ("new_password", "a brand new secret")];
    assert_eq!(john.post("/rpc/account/password", &fields).await.status, 200);
    assert!(!link_works(&app, &token).await, "a new password voids the link");
    let refused = set_password(&mut Visitor::new(&app.base), &token, "the attacker's secret").await;
    assert!(refused.location().contains("__err="), "{}", refused.location());
    assert_eq!(Visitor::new(&app.base).sign_in("john@mail.com", "a brand new secret").await.status, 200);

    // An admin deactivates the account and, a while later, reactivates it.
    let token = next_link_for(&app, "john@mail.com").await;
    for active in ["false", "true"] {
        let answer = staff.post("/rpc/admin/users/active", &[("user_id", john_id.as_str()), ("active", active)]).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    assert!(!link_works(&app, &token).await, "a link from before a deactivation stays dead");

    // An admin moves the account to another address: the link mailed to the old one dies.
    let token = next_link_for(&app, "john@mail.com").await;
    let admin_token = api::admin_token(&app).await;
    let moved = serde_json::json!({ "email": "john.new@mail.com" });
    let answer =
        api::call(&app, reqwest::Method::PUT, &format!("/users/{john_id}"), Some(&admin_token), Some(moved)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(!link_works(&app, &token).await, "a link mailed to the old address dies");

    // A link stays good through what does not touch the account's way in.
    let token = next_link_for(&app, "john.new@mail.com").await;
    let renamed = serde_json::json!({ "name": "Johnny" });
    let answer =
        api::call(&app, reqwest::Method::PUT, &format!("/users/{john_id}"), Some(&admin_token), Some(renamed)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(link_works(&app, &token).await, "a new name leaves the link working");
}

async fn requests_at_the_same_moment_mail_one_link(backend: Backend) {
    let app = spawn_seeded(backend).await;
    // Eight requests for one account at once (the client may ask ten times an hour): the
    // account's cooldown is claimed by one of them, and one link is mailed.
    let asks = (0..8).map(|_| {
        let base = app.base.clone();
        async move {
            let mut visitor = Visitor::new(&base);
            visitor.submit_form("/rpc/password/forgot", FORGOT, &[("email", "john@mail.com")]).await.status
        }
    });
    let statuses = crate::common::all_at_once(asks).await;
    assert!(statuses.iter().all(|&status| status == 302), "{statuses:?}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM password_resets").await, 1);
    let workers = start_workers(&app);
    let messages = mailed(&app).await;
    workers.stop().await;
    assert_eq!(messages.len(), 1, "{messages:?}");
}
