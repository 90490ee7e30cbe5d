//! Keeping each request's Leptos state to itself, and the fallback route that needs it.
//!
//! Leptos keeps the "current reactive owner" (the root of a render's contexts, `ResponseOptions`
//! among them) in a thread-local. A page render sets it with `Owner::new_root` and never puts the
//! previous one back, so while the render waits (for the database, say) its owner stays current
//! on that worker thread. Any other request the thread then polls and that creates an owner with
//! `Owner::new()` becomes a *child* of that page and sees its contexts. leptos_axum's
//! `file_and_error_handler` did just that for static files: serving `/favicon.svg` it looked up
//! `ResponseOptions`, found a signed-out `/admin` render's, and took its headers, so the admin page
//! went out as a 303 without `Location` (issue 16). Two fixes, each sufficient for that path:
//! every request is polled under an empty root owner of its own ([`isolate`]), and static files are
//! served without touching Leptos at all ([`files_or_not_found`]).
//!
//! A render's root owner must also be cleaned up when its request is abandoned. Leptos cleans it
//! up when the page's body has been streamed to the end, and otherwise counts on the owner being
//! dropped; but a `Suspense` keeps its children in an effect that the owner holds, and its
//! children (a `Suspend`) hold the owner in turn. A request whose client went away mid-render
//! left that cycle behind for good, with every future in it: the header's, polled once to look
//! for resources, had queued for a read connection, and a queued waiter that is never polled
//! again keeps the permit it is handed. Sixty-four clients closing their connections mid-request
//! took all eight of SQLite's read connections within seconds, and every later read failed with
//! a 503 until restart. [`isolate`] therefore learns the render's owner ([`begin_render`], which
//! Leptos calls as a render begins, and also as a server function called over HTTP begins, whose
//! owner is then cleaned up the same way) and cleans it up when the request, or its body, is
//! dropped; cleaning up twice does nothing the second time.

use crate::app::shell;
use crate::server::{app::state::AppState, http::static_files, services::catalog::PageCategories};
use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{header, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use leptos::{
    prelude::{provide_context, use_context},
    reactive::{computed::ScopedFuture, owner::Owner},
};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tower::ServiceExt;

tokio::task_local! {
    /// Where the request being polled keeps its render's root owner (see [`isolate`]).
    static RENDER_OWNER: RenderOwner;
}

/// The root owner of the request's page render, once Leptos has made it.
type RenderOwner = Arc<Mutex<Option<Owner>>>;

/// Middleware: polls the rest of the request with a fresh, empty root owner as the current one,
/// and restores the thread's previous owner after every poll. Nothing another request left on
/// this thread is visible here, and nothing this request sets outlives its own polls.
///
/// The root owner of a page render below is cleaned up when this request is dropped unanswered,
/// or else when its answer's body is dropped (sent to the end or not).
pub async fn isolate(request: Request, next: Next) -> Response {
    // `new_root` also makes the new root current on this thread; it holds no contexts, and the
    // thread's owner is only a weak reference, so it is gone once this request is.
    let owner = Owner::new_root(None);
    let render = CleanUpOnDrop::default();
    let response =
        RENDER_OWNER.scope(Arc::clone(&render.0), ScopedFuture { owner, observer: None, fut: next.run(request) });
    let response = response.await;
    if render.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).is_none() {
        return response;
    }
    response.map(|body| Body::new(BodyThenCleanUp { body, _render: render }))
}

/// Leptos's additional context for every page render and server function: what a render shares
/// among its parts (the page's categories, read once), and the owner to clean up.
pub fn begin_render() {
    provide_context(PageCategories::default());
    remember_render_owner();
}

/// Notes the owner current while Leptos calls [`begin_render`] (a render's root, or a server
/// function's own) for [`isolate`] to clean up.
fn remember_render_owner() {
    // Outside a request (Leptos lists the routes at start-up the same way) there is nothing to note.
    let noted = RENDER_OWNER.try_with(|render| {
        *render.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Owner::current();
    });
    if let (Ok(()), Some(state)) = (noted, use_context::<AppState>()) {
        state.live_renders.begun();
    }
}

/// How many page renders (and server functions) have begun and not yet been cleaned up: those
/// under way, plus any whose owner leaked, which would be a bug. Counted per server.
#[derive(Clone, Default)]
pub struct LiveRenders(Arc<AtomicUsize>);

impl LiveRenders {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    /// Counts the current owner until it is cleaned up (each owner's cleanups run once).
    fn begun(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
        let count = Arc::clone(&self.0);
        Owner::on_cleanup(move || {
            count.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// Cleans up the render's owner, if one was noted, when dropped.
#[derive(Default)]
struct CleanUpOnDrop(RenderOwner);

impl Drop for CleanUpOnDrop {
    fn drop(&mut self) {
        let owner = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        if let Some(owner) = owner {
            owner.cleanup();
        }
    }
}

/// A page's body, and the render to clean up once it is dropped.
struct BodyThenCleanUp {
    body: Body,
    _render: CleanUpOnDrop,
}

impl http_body::Body for BodyThenCleanUp {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// The router's fallback: a file at the top of the site root (the icon, from `public/`; one listed
/// at start-up, see [`static_files::TopLevelFiles`]) or else the not-found page, rendered like any
/// other page (a 404 unless the page chose another status). The built files below it are `/pkg`'s
/// alone, under their own caching (neither `//pkg/x` nor `/pkg%2Fx` is a way around: the path is
/// judged decoded).
pub async fn files_or_not_found(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path();
    let reading = matches!(*request.method(), Method::GET | Method::HEAD);
    if let Some(without) = without_trailing_slash(request.uri()).filter(|_| reading) {
        return (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, without)]).into_response();
    }
    if state.top_level_files.lists(path) && reading {
        let mut file_request = Request::new(Body::empty());
        *file_request.method_mut() = request.method().clone();
        *file_request.uri_mut() = request.uri().clone();
        *file_request.headers_mut() = request.headers().clone();
        let root = state.leptos_options.site_root.to_string();
        let Ok(file) = static_files::serve_dir(root).oneshot(file_request).await;
        if matches!(file.status(), StatusCode::OK | StatusCode::NOT_MODIFIED | StatusCode::PARTIAL_CONTENT) {
            let mut file = file.into_response();
            static_files::cache_found_file(&mut file, "public, max-age=86400");
            return file;
        }
    }
    let front_end = state.front_end.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(state.clone());
            begin_render();
        },
        move || shell(front_end.clone()),
    );
    let mut response = render(request).await;
    if response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::NOT_FOUND;
    }
    response
}

/// Middleware (outside the router, which matches `/products/..` as a product's address): a GET or
/// HEAD whose path has `.` or `..` segments is sent with 308 to the address they resolve to.
pub async fn resolve_dot_segments(request: Request, next: axum::middleware::Next) -> Response {
    let reading = matches!(*request.method(), Method::GET | Method::HEAD);
    if let Some(resolved) = without_dot_segments(request.uri()).filter(|_| reading) {
        return (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, resolved)]).into_response();
    }
    next.run(request).await
}

/// `/products/../stores/.` → `/stores/` (the query kept), as RFC 3986 resolves `.` and `..`
/// segments, written plainly or escaped (`%2e`, as browsers and the `url` crate read them): `None`
/// when the path has none. Browsers resolve them before they ask, so only a hand-written request
/// carries them, and the app's router resolved them too: such an address rendered the page it
/// names, at a second address or with a 404 status. A result that would be protocol-relative
/// (`/.//evil.example`) or hold a backslash is left to be the 404 it is.
fn without_dot_segments(uri: &axum::http::Uri) -> Option<String> {
    // Every request passes here: a path with neither a dot nor an escape has no dot segment.
    if !uri.path().contains(['.', '%']) {
        return None;
    }
    let segments: Vec<&str> = uri.path().strip_prefix('/')?.split('/').collect();
    if !segments.iter().any(|segment| dots(segment) > 0) {
        return None;
    }
    let mut kept: Vec<&str> = Vec::with_capacity(segments.len());
    for (index, segment) in segments.iter().enumerate() {
        match dots(segment) {
            0 => kept.push(segment),
            dots => {
                if dots == 2 {
                    kept.pop();
                }
                // A final `.` or `..` names a folder: the path keeps its closing slash.
                if index + 1 == segments.len() {
                    kept.push("");
                }
            }
        }
    }
    let resolved = format!("/{}", kept.join("/"));
    if resolved.starts_with("//") || resolved.contains('\\') {
        return None;
    }
    Some(match uri.query() {
        Some(query) => format!("{resolved}?{query}"),
        None => resolved,
    })
}

/// 1 for a `.` segment, 2 for `..`, either written with `%2e` for any of its dots; 0 otherwise.
fn dots(segment: &str) -> usize {
    // The longest spelling is `%2e%2e`; a longer segment (a file name, a slug) is none of them.
    if segment.len() > "%2e%2e".len() {
        return 0;
    }
    match segment.to_ascii_lowercase().replace("%2e", ".").as_str() {
        "." => 1,
        ".." => 2,
        _ => 0,
    }
}

/// `/products/` → `/products` (the query kept): a page's one address. No route has a trailing
/// slash, but the app's own router (which renders the not-found page) ignores one, so
/// `/products/lamp/` rendered the lamp's page with a 404 status. A path with more than one
/// trailing slash, or one that would become protocol-relative (`//evil.example/`), is left to
/// be the 404 it is.
fn without_trailing_slash(uri: &axum::http::Uri) -> Option<String> {
    let trimmed = uri.path().strip_suffix('/').filter(|trimmed| !trimmed.is_empty() && !trimmed.ends_with('/'))?;
    if trimmed.starts_with("//") || trimmed.contains('\\') {
        return None;
    }
    Some(match uri.query() {
        Some(query) => format!("{trimmed}?{query}"),
        None => trimmed.to_owned(),
    })
}
