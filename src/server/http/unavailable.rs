//! Fast 503s while the database cannot be reached, in the shape each kind of client reads: the
//! API's JSON, a server function's `AppError`, or a page for people.
//!
//! Without this, every request would wait the pool's whole acquire timeout and then fail with a
//! 500. Here a request that has not answered within [`SLOW_REQUEST`] asks the database health for
//! a probe; if the database is down, that request and every later one get a 503 with
//! `Retry-After` at once, until a background probe sees it back (see `db::health`).

use crate::error::AppError;
use crate::i18n::Lang;
use crate::server::{
    db::health::{DbHealth, RETRY_AFTER_SECS},
    http::plain_page::{self, ClientKind},
};
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use std::{sync::Arc, time::Duration};

/// A request still unanswered after this long makes the server check that the database is up.
const SLOW_REQUEST: Duration = Duration::from_millis(500);
/// Paths that never touch the database.
const WITHOUT_DATABASE: &[&str] = &["/healthz", "/readyz", "/pkg/", "/media/", "/api/docs", "/favicon"];

/// Middleware; the state is the database health and the stylesheet's address (for the page).
pub async fn fail_fast(
    State((health, stylesheet)): State<(DbHealth, Arc<str>)>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if WITHOUT_DATABASE.iter().any(|prefix| path.starts_with(prefix)) {
        return next.run(request).await;
    }
    let kind = ClientKind::of(path);
    let lang = request.extensions().get::<Lang>().copied().unwrap_or_default();
    if health.is_down() {
        return unavailable(kind, lang, &stylesheet);
    }
    // Only reads are cut short. A write might commit just as the database is marked down, and a
    // client told 503 would send it again; writes end on their own (the pool's timeout becomes a
    // 503 too), after the work they did is known.
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    tokio::select! {
        response = next.run(request) => response,
        () = health.down_after(SLOW_REQUEST) => unavailable(kind, lang, &stylesheet),
    }
}

fn unavailable(kind: ClientKind, lang: Lang, stylesheet: &str) -> Response {
    let retry_after = RETRY_AFTER_SECS;
    let mut response = match kind {
        ClientKind::Api => return crate::server::rest::unavailable(retry_after),
        ClientKind::ServerFunction => {
            (StatusCode::SERVICE_UNAVAILABLE, Json(AppError::Unavailable { retry_after_secs: retry_after }))
                .into_response()
        }
        ClientKind::Page => {
            let text = &lang.texts().common.unavailable;
            plain_page::error_page(StatusCode::SERVICE_UNAVAILABLE, lang, text, true, stylesheet)
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
