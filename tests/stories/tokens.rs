//! The token service API clients will use: access and refresh tokens, rotation and revocation.

use crate::common;

use common::visitor::Visitor;
use common::{spawn_seeded, Backend};
use tienda::error::AppError;
use tienda::server::{app::state::AppState, auth::jwt::TokenPair, services::accounts};

on_both_backends!(
    an_access_token_names_its_user_and_refresh_tokens_rotate,
    a_replayed_refresh_token_revokes_its_whole_family,
    revoking_and_password_changes_end_refresh_chains,
    tokens_from_one_key_are_refused_by_the_other,
    outside_demo_mode_missing_keys_are_an_error_not_generated,
);

async fn sign_in(state: &AppState, email: &str, password: &str) -> (i64, TokenPair) {
    let user = accounts::authenticate(state, email, password.into(), "127.0.0.1").await.unwrap();
    (user.id, state.tokens.issue(&state.db, user.id, user.auth_version).await.unwrap())
}

async fn refresh(state: &AppState, token: &str) -> Result<TokenPair, AppError> {
    state
        .tokens
        .refresh(
            &state.db,
            token,
            |id| async move { Ok(accounts::find_user(state, id).await?.map(|u| u.auth_version)) },
        )
        .await
}

async fn an_access_token_names_its_user_and_refresh_tokens_rotate(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let (john, pair) = sign_in(&app.state, "john@mail.com", "changeme").await;
    let claims = app.state.tokens.verify_access(&pair.access_token).unwrap();
    assert_eq!(claims.sub, john);
    assert_eq!(claims.exp - claims.iat, 15 * 60, "lifetime from config");
    let user = accounts::resolve(&app.state.db, claims.sub, claims.ver).await.unwrap().unwrap();
    assert_eq!(user.email, "john@mail.com");

    let next = refresh(&app.state, &pair.refresh_token).await.unwrap();
    assert_ne!(next.refresh_token, pair.refresh_token, "a new refresh token each time");
    assert!(app.state.tokens.verify_access(&next.access_token).is_ok());
    assert!(refresh(&app.state, &next.refresh_token).await.is_ok(), "the chain goes on");
}

async fn a_replayed_refresh_token_revokes_its_whole_family(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let (_, stolen) = sign_in(&app.state, "john@mail.com", "changeme").await;
    let (_, other_device) = sign_in(&app.state, "john@mail.com", "changeme").await;
    let rightful = refresh(&app.state, &stolen.refresh_token).await.unwrap();
    assert_eq!(refresh(&app.state, &stolen.refresh_token).await.unwrap_err(), AppError::Unauthorized, "replay refused");
    assert_eq!(
        refresh(&app.state, &rightful.refresh_token).await.unwrap_err(),
        AppError::Unauthorized,
        "the whole family is revoked once a replay is seen"
    );
    assert!(refresh(&app.state, &other_device.refresh_token).await.is_ok(), "other sign-ins are untouched");
}

async fn revoking_and_password_changes_end_refresh_chains(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let (_, phone) = sign_in(&app.state, "john@mail.com", "changeme").await;
    app.state.tokens.revoke(&app.state.db, &phone.refresh_token).await.unwrap();
    assert!(refresh(&app.state, &phone.refresh_token).await.is_err(), "logged out on this device");

    let (_, tablet) = sign_in(&app.state, "john@mail.com", "changeme").await;
    let mut browser = Visitor::new(&app.base);
    browser.sign_in("john@mail.com", "changeme").await;
    let fields = [("current_password", "changeme"), ("new_password", "a new password")];
    assert_eq!(browser.post("/rpc/account/password", &fields).await.status, 200);
    assert!(refresh(&app.state, &tablet.refresh_token).await.is_err(), "a password change ends every chain");
    let claims = app.state.tokens.verify_access(&tablet.access_token).unwrap();
    let stale = accounts::resolve(&app.state.db, claims.sub, claims.ver).await.unwrap();
    assert!(stale.is_none(), "an access token from before the change no longer names a user");
}

async fn tokens_from_one_key_are_refused_by_the_other(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let (_, pair) = sign_in(&app.state, "maria@mail.com", "12345").await;
    assert!(app.state.tokens.verify_access(&pair.refresh_token).is_err(), "a refresh token is no access token");
    assert!(refresh(&app.state, &pair.access_token).await.is_err(), "an access token cannot refresh");
    let mut forged = pair.access_token.clone();
    forged.pop();
    assert!(app.state.tokens.verify_access(&forged).is_err());
    assert!(app.state.tokens.verify_access("not a token").is_err());
}

async fn outside_demo_mode_missing_keys_are_an_error_not_generated(backend: Backend) {
    use tienda::server::{
        auth::jwt::{KeyError, TokenService},
        config::Mode,
    };
    let app = spawn_seeded(backend).await;
    let mut config = app.config.clone();
    config.server.mode = Mode::Production;
    config.secrets = Default::default();
    let refused = TokenService::load(&app.db, &config).await.err().expect("no keys, no token service");
    assert!(matches!(refused, KeyError::Missing("TIENDA_JWT_ACCESS_SECRET")), "{refused}");
}
