//! Waiting for a page's data: its view once loaded, the error page if it failed.

use super::ErrorView;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::tachys::html::InertElement;
use leptos::tachys::view::Position;
use std::future::Future;

/// A page's load, its future moved behind a pointer: `<Loaded load=boxed(get_home()) … />`.
///
/// A server function's future holds everything it awaits inline (the service, sqlx's query, the
/// pool's checkout): kilobytes. On its way to being awaited it is moved by value several times
/// (into the component's props, the component, the `Suspend`); boxed, each move copies a pointer.
/// When loads were resources, callgrind counted 9 % fewer instructions per request on `/login`
/// and 15 % on a product page and `/products` once they were boxed.
#[cfg(not(feature = "ssr"))]
pub fn boxed<F: Future>(future: F) -> std::pin::Pin<Box<F>> {
    Box::pin(future)
}

/// On the server the load also stops when its render is abandoned (its client went away and
/// `server::http::request_scope` cleaned the render up, the page's owner with it). leptos_axum
/// renders a page on a task of its own, which would otherwise go on to its end: queueing for a
/// database connection (up to the pool's timeout) for a page nobody will read, while the pages
/// of clients still there waited behind it.
#[cfg(feature = "ssr")]
pub fn boxed<T, F>(future: F) -> impl Future<Output = Result<T, AppError>>
where
    F: Future<Output = Result<T, AppError>>,
{
    // Boxed before anything else takes it, so wrapping it moves a pointer, not the future.
    let (future, abandon) = futures_util::future::abortable(Box::pin(future));
    // The owner of the component that made the load is current; it is cleaned up with the
    // page's (or dropped, which also runs its cleanups).
    Owner::on_cleanup(move || abandon.abort());
    // Nobody awaits the answer of an abandoned load.
    async move { future.await.unwrap_or(Err(AppError::Unavailable { retry_after_secs: 1 })) }
}

/// A page's data rendered by `render` once `load` has it, or the error page when it failed.
///
/// The page waits for its data in one [`Suspend`], awaited where it stands in the page, with no
/// resource and no `Suspense` around it. These pages render on the server only (islands mode:
/// the browser hydrates the islands alone), so nothing ever re-runs the load, serialises the data
/// for the browser or shows a fallback. A resource did all three, and a `Suspense` ran its
/// children more than once to find the resources they read: on a product page that machinery was
/// a fifth of the request's instructions, more than the page's own content (callgrind, below).
/// The page's loads start when the page reaches them, so a page with two waits for them in
/// turn; only the back office's dashboard has two.
///
/// The view is turned into HTML once, in one string ([`InertElement`]), so what `render` returns
/// must not wait on anything itself (no resource or `Suspense` inside; islands are fine). Handed
/// back as a view instead, Leptos would first copy every attribute of it into an owned form
/// (`into_any`), then write it on its asynchronous path, which allocates two strings per element:
/// about a third of the allocations of a listing's whole request, when its 24 cards were still
/// views (they are markup now: `components::markup`).
#[component]
pub fn Loaded<T, L, F, V>(load: L, render: F) -> impl IntoView
where
    L: Future<Output = Result<T, AppError>> + Send + 'static,
    T: Send + 'static,
    F: FnOnce(T) -> V + Send + 'static,
    V: IntoView + 'static,
{
    Suspend::new(async move {
        let html = match load.await {
            Ok(data) => html_of(render(data).into_view()),
            Err(error) => html_of(view! { <ErrorView error /> }),
        };
        InertElement::new(html)
    })
}

/// Room for a page's content in one allocation (a listing of 24 cards is about 22 KB, a product page 7):
/// `to_html` starts from Leptos' estimate of a few hundred bytes and doubles its way up, copying
/// the page so far each time.
const PAGE_HTML_CAPACITY: usize = 32 * 1024;

fn html_of(view: impl RenderHtml) -> String {
    let mut html = String::with_capacity(PAGE_HTML_CAPACITY);
    view.to_html_with_buf(&mut html, &mut Position::FirstChild, true, false, vec![]);
    html
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    #[test]
    fn a_load_stops_when_its_owner_is_cleaned_up() {
        let owner = Owner::new();
        let load = owner.with(|| boxed(std::future::pending::<Result<(), AppError>>()));
        owner.cleanup();
        let answer = load.now_or_never();
        assert!(matches!(answer, Some(Err(AppError::Unavailable { .. }))), "{answer:?}");
    }

    #[test]
    fn a_load_whose_owner_lives_gives_its_answer() {
        let owner = Owner::new();
        let load = owner.with(|| boxed(async { Ok::<_, AppError>(42) }));
        assert_eq!(load.now_or_never().map(Result::unwrap), Some(42));
    }
}
