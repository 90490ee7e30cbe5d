//! Waiting for a resource: its view once loaded, the error page if it failed.

use super::ErrorView;
use crate::error::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos::tachys::html::InertElement;
use leptos::tachys::view::Position;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

/// A resource's loader, its future moved behind a pointer: `Resource::new(|| (), |_| boxed(load()))`.
///
/// A server function's future holds everything it awaits inline (the service, sqlx's query, the
/// pool's checkout): kilobytes. Leptos moves a resource's future by value several times as it sets
/// the resource up (into its async derived value, its sandbox, its owner's cleanup). Boxed, each
/// move copies a pointer: callgrind counted 9 % fewer instructions per request on `/login` and 15 %
/// on a product page and `/products` (the copies were `__memcpy` under
/// `ArcAsyncDerived::new_with_manual_dependencies` and `Owner::with_cleanup`).
#[cfg(not(feature = "ssr"))]
pub fn boxed<F: Future>(future: F) -> Pin<Box<F>> {
    Box::pin(future)
}

/// On the server the load also stops when its render is abandoned (its client went away and
/// `server::http::request_scope` cleaned the render up, this resource's owner with it). Leptos
/// runs a resource's load on a task of its own, which would otherwise go on to its end: queueing
/// for a database connection (up to the pool's timeout) for a page nobody will read, while the
/// pages of clients still there waited behind it.
#[cfg(feature = "ssr")]
pub fn boxed<T, F>(future: F) -> Pin<Box<impl Future<Output = Result<T, AppError>>>>
where
    F: Future<Output = Result<T, AppError>>,
{
    let (future, abandon) = futures_util::future::abortable(future);
    // The resource's own owner is current while its load is made; it is cleaned up with the
    // page's (or dropped, which also runs its cleanups).
    Owner::on_cleanup(move || abandon.abort());
    // Nobody awaits the answer of an abandoned load.
    Box::pin(async move { future.await.unwrap_or(Err(AppError::Unavailable { retry_after_secs: 1 })) })
}

/// A resource's data rendered by `render` once loaded, or the error page when it failed.
///
/// The view is turned into HTML once, in one string ([`InertElement`]), so what `render` returns
/// must not wait on anything itself (no resource or `Suspense` inside; islands are fine). Handed
/// back as a view instead, Leptos would first copy every attribute of it into an owned form
/// (`into_any`), then write it on its asynchronous path, which allocates two strings per element:
/// about a third of the allocations of a listing's whole request, when its 24 cards were still
/// views (they are markup now: `components::markup`). These pages
/// render on the server only, so the browser never builds this element.
///
/// `Suspense` calls its children's closure more than once on the server (to find the resources
/// they read, to check again once those have loaded, and to render); the HTML is made the first
/// time the data is there and reused after. Made again, the page's head tags (`PageMeta`), which
/// register themselves as they are written, would appear in the head once per call. Once made,
/// the resource is not awaited again: awaiting it copies its whole value (a listing's cards). Not
/// awaiting means later passes no longer track the resource, which is right only because nothing
/// renders these pages again after the server (islands: the browser hydrates the islands alone).
#[component]
pub fn Loaded<T, F, V>(resource: Resource<Result<T, AppError>>, render: F) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let loading = use_texts().common.loading;
    let html = Arc::new(OnceLock::<String>::new());
    view! {
        <Suspense fallback=move || view! { <p class="loading">{loading}</p> }>
            {move || {
                let (render, html) = (render.clone(), Arc::clone(&html));
                let made = html.get().cloned();
                Suspend::new(async move {
                    let made = match made {
                        Some(made) => made,
                        None => {
                            let loaded = resource.await;
                            html.get_or_init(|| match loaded {
                                Ok(data) => html_of(render(data).into_view()),
                                Err(error) => html_of(view! { <ErrorView error /> }),
                            })
                            .clone()
                        }
                    };
                    InertElement::new(made)
                })
            }}
        </Suspense>
    }
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
