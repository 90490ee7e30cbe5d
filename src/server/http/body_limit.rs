//! Caps the size of every request body.
//!
//! Server functions read their whole body before looking at it, so without a cap one request
//! could make the server hold gigabytes. Forms are small; only upload endpoints accept more, a
//! little over the configured upload limit (the rest is form overhead). A declared length over the
//! cap is refused at once with 413; a body that grows past it without declaring is cut off.
//!
//! An answer given before its request's body was read to the end (a refusal: not signed in, a
//! rate limit, a foreign origin) ends its connection and says so with `Connection: close`. The
//! unread rest of the body would otherwise stand where the next request should begin, so the
//! server closes the connection after answering; without the header a client that kept it for
//! its next request (every HTTP library's pool does) would find it gone mid-request.

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
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

/// Enough for any form of ours.
const FORM_BYTES: u64 = 64 * 1024;
/// Room for the multipart framing and the other fields around an uploaded file.
const UPLOAD_OVERHEAD_BYTES: u64 = 64 * 1024;
/// Over-long bodies up to this size are read (and discarded) before the 413 goes out.
const DRAINED_BYTES: u64 = 32 * 1024 * 1024;
/// Endpoints that take files, and how many files of the upload limit one request may carry.
const UPLOAD_PATHS: &[(&str, u64)] =
    &[("/rpc/account/avatar", 1), ("/rpc/admin/products/save", FILES_PER_PRODUCT_SAVE), ("/api/v1/files/upload", 1)];

/// `max_upload_bytes` is the configured upload limit: each middleware's state is what it reads.
pub async fn limit_body(State(max_upload_bytes): State<u64>, request: Request, next: Next) -> Response {
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
        if length <= DRAINED_BYTES {
            let drain = request.into_body().collect();
            if let Ok(Ok(_)) = tokio::time::timeout(std::time::Duration::from_secs(10), drain).await {
                return response;
            }
        }
        return closing(response);
    }
    let (parts, body) = request.into_parts();
    let finished = Arc::new(AtomicBool::new(false));
    let limited = Limited::new(body, usize::try_from(limit).unwrap_or(usize::MAX));
    let tracked = Body::new(ReadToTheEnd { inner: limited, finished: finished.clone() });
    let response = next.run(Request::from_parts(parts, tracked)).await;
    if carries_body && !finished.load(Ordering::Relaxed) {
        closing(response)
    } else {
        response
    }
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

/// A request body that notes when it has been read to its end.
struct ReadToTheEnd<B> {
    inner: B,
    finished: Arc<AtomicBool>,
}

impl<B: http_body::Body + Unpin> http_body::Body for ReadToTheEnd<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.finished.store(true, Ordering::Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
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
