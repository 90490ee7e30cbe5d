//! Password guessing is slowed, then refused, per account and per client; a success resets it.

mod common;

use common::visitor::Visitor;
use common::{spawn_with, test_config, Backend, TestApp};
use std::time::Duration;

on_both_backends!(
    repeated_failures_lock_an_account_then_it_recovers,
    a_client_guessing_across_accounts_is_locked,
    sign_in_errors_never_tell_whether_an_email_exists
);

/// A server whose limits are small enough to reach in a test: 3 failures per account, 6 per client,
/// a one-second first lock.
async fn strict_server(backend: Backend) -> TestApp {
    let mut config = test_config(backend).await;
    config.auth.max_failed_logins = 3;
    config.auth.max_failed_logins_per_client = 6;
    config.auth.lockout_secs = 1;
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

    tokio::time::sleep(Duration::from_millis(2100)).await;
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
