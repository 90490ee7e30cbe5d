//! What a page shows when its data could not be had, with the matching HTTP status.

use crate::components::PageMeta;
use crate::error::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;

#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    crate::server_fns::page_context::answer_with_error_status(&error);
    let texts = use_texts().common;
    let title = texts.error_title(&error);
    let text = texts.error_message(&error);
    view! {
        <PageMeta title description=text.clone() noindex=true />
        <section class="container error-page">
            <h1>{title}</h1>
            <p>{text}</p>
            <p class="error-actions">
                <a class="button" href="/products">{texts.error_browse_products}</a>
                <a href="/">{texts.error_home_link}</a>
            </p>
        </section>
    }
}
