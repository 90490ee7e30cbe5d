//! What a page shows when its data could not be had, with the matching HTTP status.

use crate::components::PageMeta;
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        let status = axum::http::StatusCode::from_u16(error.status_code())
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        response.set_status(status);
    }
    let (title, text) = match &error {
        AppError::NotFound(what) => (
            "Page not found".to_owned(),
            format!("We looked everywhere, but this {what} is not in the store. It may have been removed or renamed."),
        ),
        other => ("Something went wrong".to_owned(), format!("Sorry: {other}. Please try again in a moment.")),
    };
    view! {
        <PageMeta title=title.clone() description=text.clone() canonical_path="/" noindex=true />
        <section class="container error-page">
            <h1>{title}</h1>
            <p>{text}</p>
            <p class="error-actions">
                <a class="button" href="/products">"Browse all products"</a>
                <a href="/">"Go to the home page"</a>
            </p>
        </section>
    }
}
