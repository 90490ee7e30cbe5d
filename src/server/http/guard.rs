//! What every server function asks first: who is calling, and may they?
//!
//! A page may hide a button, but only these checks keep a server function (a public HTTP endpoint)
//! from doing what the caller may not.

use crate::error::AppError;
use crate::model::User;
use crate::server::auth::session;
use crate::server::{app::state::AppState, db::Db, services::accounts};
use axum::extract::ConnectInfo;
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use std::net::{IpAddr, SocketAddr};
use tower_sessions::Session;

/// The request's session (the session layer wraps every page and server function).
pub async fn request_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(%error, "no session on the request");
        AppError::Internal
    })
}

/// Who the request's session names, resolved once per request by [`resolve_signed_in_user`]
/// before anything renders: a page asks in several places (header, page body), and each asking
/// would otherwise load the session and the user again.
#[derive(Clone)]
struct RequestUser(Result<Option<User>, AppError>);

/// Static files and probes: nothing there depends on who asks.
const WITHOUT_USER: &[&str] =
    &["/pkg/", "/media/", "/healthz", "/readyz", "/robots.txt", "/sitemap.xml", "/sitemaps/", "/favicon"];

/// Middleware (inside the session layer): resolves the signed-in user of a request that carries a
/// session, once. A session whose user is gone or changed their password since is ended here.
pub async fn resolve_signed_in_user(State(db): State<Db>, mut request: Request, next: Next) -> Response {
    if WITHOUT_USER.iter().any(|prefix| request.uri().path().starts_with(prefix)) {
        return next.run(request).await;
    }
    let session = request.extensions().get::<Session>().filter(|session| session.id().is_some()).cloned();
    if let Some(session) = session {
        let user = signed_in_user(&db, &session).await;
        request.extensions_mut().insert(RequestUser(user));
    }
    next.run(request).await
}

async fn signed_in_user(db: &Db, session: &Session) -> Result<Option<User>, AppError> {
    let Some(signed_in) = session::signed_in(session).await? else {
        return Ok(None);
    };
    let user = accounts::resolve(db, signed_in.user_id, signed_in.auth_version).await?;
    if user.is_none() {
        session::sign_out(session).await?;
    }
    Ok(user)
}

/// The signed-in user of a plain axum handler's request, from what the middleware resolved.
pub fn user_of(extensions: &axum::http::Extensions) -> Result<Option<User>, AppError> {
    extensions.get::<RequestUser>().map_or(Ok(None), |user| user.0.clone())
}

/// The signed-in user, if any. The middleware resolved it for every request that carries a
/// session; a request without one has nobody signed in.
pub fn current_user() -> Result<Option<User>, AppError> {
    request_user().unwrap_or(Ok(None))
}

/// The user the middleware resolved for the request being handled, without waiting: `None` when
/// the request carries no session (nobody is signed in). Pages render with it synchronously, so
/// they need no resource and no Suspense for it.
fn request_user() -> Option<Result<Option<User>, AppError>> {
    // Read in place: cloning the request's parts (every header and extension) on each call cost
    // more than the rest of this function, and a page asks several times.
    let (user, sends_guest_cart_count) = leptos::prelude::with_context(|parts: &axum::http::request::Parts| {
        let RequestUser(user) = parts.extensions.get::<RequestUser>()?.clone();
        let signed_in = matches!(user, Ok(Some(_)));
        Some((user, signed_in && sends_guest_cart_count(&parts.headers)))
    })??;
    if matches!(user, Ok(Some(_))) {
        keep_response_private();
        if sends_guest_cart_count {
            forget_guest_cart_count();
        }
    }
    Some(user)
}

/// Whatever names the signed-in user must never be stored by a shared cache (the page cache
/// refuses any response that sets Cache-Control).
fn keep_response_private() {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        use axum::http::{header, HeaderValue};
        response.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
}

/// Whether the request carries a guest's cart count cookie.
fn sends_guest_cart_count(headers: &axum::http::HeaderMap) -> bool {
    super::cookie_value(headers, crate::model::cart::CART_COOKIE).is_some()
}

/// A guest's cart count cookie still sent by someone signed in (an add that finished after the
/// sign-in set it again) would make the page cache serve them anonymous pages: it goes.
fn forget_guest_cart_count() {
    use axum::http::{header, HeaderValue};
    let prefix = format!("{}=", crate::model::cart::CART_COOKIE);
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(removal) = HeaderValue::from_str(&format!("{prefix}; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")) {
            response.append_header(header::SET_COOKIE, removal);
        }
    }
}

/// The signed-in user, or 401.
pub fn require_user() -> Result<User, AppError> {
    current_user()?.ok_or(AppError::Unauthorized)
}

/// The signed-in admin: 401 when signed out, 403 for anyone else.
pub fn signed_in_admin() -> Result<User, AppError> {
    let user = require_user()?;
    if user.is_admin() {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The client's address for throttling: the socket's peer, or, behind a proxy (when configured),
/// the address that proxy appended to `X-Forwarded-For` (the last one: earlier entries are
/// whatever the client wrote). An IPv6 client is known by its /64, which one subscriber usually
/// holds whole.
pub async fn client_address(state: &AppState) -> String {
    let peer = match leptos_axum::extract::<ConnectInfo<SocketAddr>>().await {
        Ok(ConnectInfo(addr)) => Some(addr.ip()),
        Err(_) => None,
    };
    let headers = leptos_axum::extract::<axum::http::HeaderMap>().await.unwrap_or_default();
    client_of(peer, &headers, state.config.auth.trust_forwarded_for)
}

/// [`client_address`] for plain handlers, which have the peer and the headers at hand.
pub fn client_of(peer: Option<IpAddr>, headers: &axum::http::HeaderMap, trust_forwarded_for: bool) -> String {
    let forwarded = if trust_forwarded_for { last_forwarded_for(headers) } else { None };
    forwarded.or(peer).map_or_else(|| "unknown".to_owned(), client_key)
}

fn last_forwarded_for(headers: &axum::http::HeaderMap) -> Option<IpAddr> {
    let list = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).next_back()?;
    list.rsplit(',').next()?.trim().parse().ok()
}

fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_are_known_by_the_proxys_hop_and_ipv6_by_their_prefix() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.9".parse().unwrap());
        assert_eq!(last_forwarded_for(&headers), Some([203, 0, 113, 9].into()));
        headers.insert("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(last_forwarded_for(&headers), None);
        assert_eq!(client_key("2001:db8:1:2:aaaa::1".parse().unwrap()), "2001:db8:1:2::/64");
        assert_eq!(client_key("2001:db8:1:2:bbbb::7".parse().unwrap()), "2001:db8:1:2::/64");
        assert_eq!(client_key("::ffff:192.0.2.1".parse().unwrap()), "192.0.2.1");
    }
}
