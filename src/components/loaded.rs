//! Waiting for a resource: its view once loaded, the error page if it failed.

use super::ErrorView;
use crate::error::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos::tachys::html::InertElement;

/// A resource's data rendered by `render` once loaded, or the error page when it failed.
///
/// The view is turned into HTML at once, in one string ([`InertElement`]), so what `render`
/// returns must not wait on anything itself (no resource or `Suspense` inside; islands are fine).
/// Handed back as a view instead, Leptos would first copy every attribute of it into an owned
/// form (`into_any`), then write it on its asynchronous path, which allocates two strings per
/// element: on a listing of 24 cards, about a third of the allocations of the whole request.
/// These pages render on the server only, so the browser never builds this element.
#[component]
pub fn Loaded<T, F, V>(resource: Resource<Result<T, AppError>>, render: F) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let loading = use_texts().common.loading;
    view! {
        <Suspense fallback=move || view! { <p class="loading">{loading}</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    let html = match resource.await {
                        Ok(data) => render(data).into_view().to_html(),
                        Err(error) => view! { <ErrorView error /> }.to_html(),
                    };
                    InertElement::new(html)
                })
            }}
        </Suspense>
    }
}
