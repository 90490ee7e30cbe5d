//! Caps the size of every request body.
//!
//! Server functions read their whole body before looking at it, so without a cap one request
//! could make the server hold gigabytes. Forms are small; only upload endpoints accept more, a
//! little over the configured upload limit (the rest is form overhead). A declared length over the
//! cap is refused at once with 413; a body that grows past it without declaring is cut off.
//!
//! An answer given before its request's body was read to the end (a refusal: not signed in, a
//! rate limit, a foreign origin) waits until the rest of the body (within the cap) has been read
//! and thrown away, for up to [`DRAIN_SECS`] and never past [`BODY_DEADLINE`]. The unread rest
//! would otherwise stand where the next request should begin, so the server would close the
//! connection: a client still sending (an
//! upload of megabytes) would see the connection reset instead of the answer, and one that kept
//! the connection for its next request (every HTTP library's pool does) would find it gone. A
//! body that cannot be read in time gets its answer with `Connection: close`.
//!
//! A body still arriving at [`BODY_DEADLINE`] while its handler waits for it gets 408 (in the
//! REST API's shape under its prefix) and `Connection: close`, and the handler is dropped: a slow
//! sender learns why, and holds a handler no longer than the API's deadline.

use crate::error::AppError;
use crate::model::catalog_edit::FILES_PER_PRODUCT_SAVE;
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http_body::{Frame, SizeHint};
use http_body_util::{BodyExt, Limited};
use leptos::server_fn::error::ServerFnUrlError;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// Enough for any form of ours.
const FORM_BYTES: u64 = 64 * 1024;
/// Room for the multipart framing and the other fields around an uploaded file.
const UPLOAD_OVERHEAD_BYTES: u64 = 64 * 1024;
/// Over-long bodies up to this size are read (and discarded) before the 413 goes out.
const DRAINED_BYTES: u64 = 32 * 1024 * 1024;
/// How long the rest of a body an answer did not need may take to arrive and be thrown away.
const DRAIN_SECS: u64 = 10;
/// Any request's body (a page's form or upload too) has until the REST API's deadline, counted
/// from the request's arrival, to arrive whole: no answer waits for one past it, and a handler
/// still waiting for one then is answered 408 instead, before the API's deadline or the
/// server-wide timeout could answer with a 503 that blames the server.
const BODY_DEADLINE: std::time::Duration = crate::server::rest::REQUEST_DEADLINE;
/// Endpoints that take files, and how many files of the upload limit one request may carry.
const UPLOAD_PATHS: &[(&str, u64)] =
    &[("/rpc/account/avatar", 1), ("/rpc/admin/products/save", FILES_PER_PRODUCT_SAVE), ("/api/v1/files/upload", 1)];

/// `max_upload_bytes` is the configured upload limit: each middleware's state is what it reads.
pub async fn limit_body(State(max_upload_bytes): State<u64>, request: Request, next: Next) -> Response {
    let body_due = tokio::time::Instant::now() + BODY_DEADLINE;
    let carries_body = carries_body(&request);
    // Reads carry no body worth reading; leave them untouched (and unboxed). No handler reads one
    // that came anyway.
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let response = next.run(request).await;
        return if carries_body { closing(response) } else { response };
    }
    let files = UPLOAD_PATHS.iter().find(|(path, _)| *path == request.uri().path()).map(|(_, files)| *files);
    let limit = match files {
        Some(files) => max_upload_bytes * files + UPLOAD_OVERHEAD_BYTES,
        None => FORM_BYTES,
    };
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if let Some(length) = declared.filter(|length| *length > limit) {
        let response = too_large(&request, if files.is_some() { max_upload_bytes } else { FORM_BYTES });
        // A client still sending when the answer comes would see a reset connection, not the
        // answer; so a body of plausible size is read and thrown away first.
        if length <= DRAINED_BYTES && drained(request.into_body(), body_due).await {
            return response;
        }
        return closing(response);
    }
    let (parts, body) = request.into_parts();
    let unread = Arc::new(Mutex::new(Unread::Held));
    let limited = Limited::new(body, usize::try_from(limit).unwrap_or(usize::MAX));
    let tracked = Body::new(ReadToTheEnd { inner: Some(limited), unread: unread.clone() });
    let for_api = parts.uri.path().starts_with(crate::server::rest::PREFIX);
    let handled = next.run(Request::from_parts(parts, tracked));
    let response = if carries_body {
        // Overdue first: the API's own deadline falls in the same timer tick, and a body still
        // arriving is the client's delay (408), not the server's (503).
        tokio::select! {
            biased;
            () = overdue(&unread, body_due) => return closing(body_timed_out(for_api)),
            response = handled => response,
        }
    } else {
        // Nothing to wait for: a handler that never looks at its empty body is not slow because of it.
        handled.await
    };
    let left = std::mem::replace(&mut *unread.lock().unwrap_or_else(|poisoned| poisoned.into_inner()), Unread::Held);
    let all_read = match left {
        Unread::None => true,
        Unread::Dropped(rest) => drained(rest, body_due).await,
        Unread::Held => !carries_body,
    };
    // Otherwise cut off at the cap, too slow, or still held by whatever answered.
    if all_read {
        response
    } else {
        closing(response)
    }
}

/// Ready at `due` if the body is then still held unfinished by its handler; never otherwise (a
/// handler that has read it, or put it down, has its own deadlines).
async fn overdue<B>(unread: &Mutex<Unread<B>>, due: tokio::time::Instant) {
    tokio::time::sleep_until(due).await;
    let held = matches!(*unread.lock().unwrap_or_else(|poisoned| poisoned.into_inner()), Unread::Held);
    if !held {
        std::future::pending::<()>().await;
    }
}

/// 408 for a body that did not arrive in time.
fn body_timed_out(for_api: bool) -> Response {
    tracing::warn!("a request's body did not arrive in time");
    if for_api {
        return crate::server::rest::body_timed_out();
    }
    (StatusCode::REQUEST_TIMEOUT, "The request's body did not arrive in time.").into_response()
}

/// Reads `body` to its end, throwing it away; false when it fails, takes over [`DRAIN_SECS`] or
/// is not done by `due`.
async fn drained<B: http_body::Body + Unpin>(body: B, due: tokio::time::Instant) -> bool {
    let until = due.min(tokio::time::Instant::now() + std::time::Duration::from_secs(DRAIN_SECS));
    matches!(tokio::time::timeout_at(until, body.collect()).await, Ok(Ok(_)))
}

/// Whether the request says a body follows its headers.
fn carries_body(request: &Request) -> bool {
    let headers = request.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers.get(header::CONTENT_LENGTH).is_some_and(|length| length.as_bytes() != b"0")
}

/// `response`, saying that the server closes the connection after it.
fn closing(mut response: Response) -> Response {
    response.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
    response
}

/// What is left of a request body once its answer is ready.
enum Unread<B> {
    /// Nothing: it was read to its end.
    None,
    /// Its rest, put down unread by whoever answered.
    Dropped(B),
    /// Still held by whoever answered (or not yet put down).
    Held,
}

/// A request body that, put down before its end, hands its rest back for draining.
struct ReadToTheEnd<B> {
    inner: Option<B>,
    unread: Arc<Mutex<Unread<B>>>,
}

impl<B> ReadToTheEnd<B> {
    fn set(&self, state: Unread<B>) {
        *self.unread.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = state;
    }
}

impl<B: http_body::Body + Unpin> http_body::Body for ReadToTheEnd<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let Some(inner) = self.inner.as_mut() else { return Poll::Ready(None) };
        let polled = Pin::new(&mut *inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || inner.is_end_stream() {
            self.inner = None;
            ReadToTheEnd::set(&self, Unread::None);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(|inner| inner.is_end_stream())
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.as_ref().map_or_else(|| SizeHint::with_exact(0), |inner| inner.size_hint())
    }
}

impl<B> Drop for ReadToTheEnd<B> {
    fn drop(&mut self) {
        if let Some(rest) = self.inner.take() {
            self.set(Unread::Dropped(rest));
        }
    }
}

/// 413 for programs (in the REST API's shape under its prefix); a browser posting a form without JavaScript is sent back to its page with
/// the error, the way server functions answer form posts, so the page can say what happened.
fn too_large(request: &Request, max_bytes: u64) -> Response {
    if request.uri().path().starts_with(crate::server::rest::PREFIX) {
        return crate::server::rest::too_large(max_bytes);
    }
    let error = AppError::TooLarge { max_bytes };
    let headers = request.headers();
    let accepts_html =
        headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|referer| ServerFnUrlError::new(request.uri().path(), error.clone()).to_url(referer).ok())
        .filter(|url| url.host_str() == headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(host_only));
    match back {
        Some(url) if accepts_html => {
            let location = format!("{}?{}", url.path(), url.query().unwrap_or_default());
            (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
        }
        _ => (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(error)).into_response(),
    }
}

/// `example.com:3000` → `example.com`.
fn host_only(host: &str) -> &str {
    host.rsplit_once(':').filter(|(_, port)| port.parse::<u16>().is_ok()).map_or(host, |(name, _)| name)
}
