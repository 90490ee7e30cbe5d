//! Password guessing is slowed, then refused, per account and per client; a success resets the
//! account's count only.

use crate::common;

use common::visitor::Visitor;
use common::{spawn_with, test_config, Backend, TestApp};
use std::time::Duration;

on_both_backends!(
    repeated_failures_lock_an_account_then_it_recovers,
    a_client_guessing_across_accounts_is_locked,
    sign_in_errors_never_tell_whether_an_email_exists,
    a_burst_of_parallel_guesses_gets_no_more_checks,
    signing_into_ones_own_account_does_not_reset_the_client,
    behind_a_proxy_the_client_is_the_address_the_proxy_saw,
    the_current_password_cannot_be_guessed_at_full_speed,
);

/// A server whose limits are small enough to reach in a test: 3 attempts per account, 6 per client,
/// a first lock of two seconds (long enough that no test races it, short enough to wait out).
async fn strict_server(backend: Backend) -> TestApp {
    strict_server_with(backend, false).await
}

async fn strict_server_with(backend: Backend, trust_forwarded_for: bool) -> TestApp {
    let mut config = test_config(backend).await;
    config.auth.lockout_secs = 2;
    config.auth.trust_forwarded_for = trust_forwarded_for;
    config.auth.max_failed_logins = 3;
    config.auth.max_failed_logins_per_client = 6;
    spawn_with(config, true).await
}

async fn repeated_failures_lock_an_account_then_it_recovers(backend: Backend) {
    let app = strict_server(backend).await;
    let mut visitor = Visitor::new(&app.base);
    for attempt in 1..=3 {
        assert_eq!(visitor.sign_in("john@mail.com", "guess").await.status, 401, "attempt {attempt}");
    }
    let refused = visitor.sign_in("john@mail.com", "changeme").await;
    assert_eq!(refused.status, 429, "locked, even with the right password: {}", refused.body);
    let retry_after: u64 = refused.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    assert!(refused.body.contains("RateLimited"), "{}", refused.body);
    assert_eq!(visitor.sign_in("maria@mail.com", "12345").await.status, 200, "other accounts are not locked");

    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(visitor.sign_in("john@mail.com", "changeme").await.status, 200, "the lock expires");
    for attempt in 1..=2 {
        assert_eq!(visitor.sign_in("john@mail.com", "guess").await.status, 401, "counting restarted: {attempt}");
    }
    assert_eq!(visitor.sign_in("john@mail.com", "changeme").await.status, 200, "a success resets the count");
}

async fn a_client_guessing_across_accounts_is_locked(backend: Backend) {
    let app = strict_server(backend).await;
    let mut visitor = Visitor::new(&app.base);
    for n in 0..6 {
        let email = format!("someone{n}@mail.com");
        assert_eq!(visitor.sign_in(&email, "guess").await.status, 401);
    }
    let refused = visitor.sign_in("maria@mail.com", "12345").await;
    assert_eq!(refused.status, 429, "this client is locked whatever account it tries");
}

async fn sign_in_errors_never_tell_whether_an_email_exists(backend: Backend) {
    let app = strict_server(backend).await;
    let known = Visitor::new(&app.base).sign_in("john@mail.com", "wrong password").await;
    let unknown = Visitor::new(&app.base).sign_in("nobody@mail.com", "wrong password").await;
    assert_eq!((known.status, unknown.status), (401, 401));
    assert_eq!(known.body, unknown.body);
    assert_eq!(known.body, r#""BadCredentials""#);
    let malformed = Visitor::new(&app.base).sign_in("not an email", "x").await;
    assert_eq!(malformed.body, known.body, "a malformed email is just another wrong pair");
}

async fn a_burst_of_parallel_guesses_gets_no_more_checks(backend: Backend) {
    let app = strict_server(backend).await;
    let guesses = (0..20).map(|n| {
        let mut visitor = Visitor::new(&app.base);
        async move { visitor.sign_in("john@mail.com", &format!("guess {n}")).await.status }
    });
    let statuses = common::all_at_once(guesses).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 20, "{statuses:?}");
    assert!(checked <= 3, "at most the limit's worth of passwords were checked: {statuses:?}");
}

async fn signing_into_ones_own_account_does_not_reset_the_client(backend: Backend) {
    let app = strict_server(backend).await;
    let mut attacker = Visitor::new(&app.base);
    for n in 0..5 {
        assert_eq!(attacker.sign_in(&format!("victim{n}@mail.com"), "guess").await.status, 401);
    }
    assert_eq!(attacker.sign_in("maria@mail.com", "12345").await.status, 200, "their own account");
    assert_eq!(attacker.sign_in("victim5@mail.com", "guess").await.status, 401, "the 6th guess locks the client");
    assert_eq!(attacker.sign_in("victim6@mail.com", "guess").await.status, 429, "the count was not reset");
}

async fn behind_a_proxy_the_client_is_the_address_the_proxy_saw(backend: Backend) {
    let app = strict_server_with(backend, true).await;
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for n in 0..7 {
        // The client writes whatever it likes first; the proxy appends the address it saw.
        let forwarded = format!("10.0.0.{n}, 198.51.100.7");
        let answer = client
            .post(format!("{}/rpc/login", app.base))
            .header("x-forwarded-for", forwarded)
            .form(&[("email", format!("someone{n}@mail.com")), ("password", "guess".into())])
            .send()
            .await
            .unwrap();
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 401, 429], "one client, however it disguises itself");
}

async fn the_current_password_cannot_be_guessed_at_full_speed(backend: Backend) {
    let app = strict_server(backend).await;
    let mut thief = Visitor::new(&app.base);
    thief.sign_in("john@mail.com", "changeme").await;
    let mut statuses = Vec::new();
    for n in 0..4 {
        let fields = [("current_password", format!("guess {n}")), ("new_password", "stolen account".to_owned())];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        statuses.push(thief.post("/rpc/account/password", &fields).await.status);
    }
    assert_eq!(statuses, [422, 422, 422, 429], "the same lock as signing in");
}
