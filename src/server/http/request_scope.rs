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

use crate::app::shell;
use crate::server::{app::state::AppState, http::static_files};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use leptos::{
    prelude::provide_context,
    reactive::{computed::ScopedFuture, owner::Owner},
};
use tower::ServiceExt;

/// Middleware: polls the rest of the request with a fresh, empty root owner as the current one,
/// and restores the thread's previous owner after every poll. Nothing another request left on
/// this thread is visible here, and nothing this request sets outlives its own polls.
pub async fn isolate(request: Request, next: Next) -> Response {
    // `new_root` also makes the new root current on this thread; it holds no contexts, and the
    // thread's owner is only a weak reference, so it is gone once this request is.
    let owner = Owner::new_root(None);
    ScopedFuture { owner, observer: None, fut: next.run(request) }.await
}

/// The router's fallback: a file at the top of the site root (the icon, from `public/`; one listed
/// at start-up, see [`static_files::TopLevelFiles`]) or else the not-found page, rendered like any
/// other page (a 404 unless the page chose another status). The built files below it are `/pkg`'s
/// alone, under their own caching (neither `//pkg/x` nor `/pkg%2Fx` is a way around: the path is
/// judged decoded).
pub async fn files_or_not_found(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path();
    if state.top_level_files.lists(path) && matches!(*request.method(), Method::GET | Method::HEAD) {
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
        move || provide_context(state.clone()),
        move || shell(front_end.clone()),
    );
    let mut response = render(request).await;
    if response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::NOT_FOUND;
    }
    response
}
