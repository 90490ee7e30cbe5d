use crate::components::ErrorView;
use crate::error::{AppError, Entity};
use leptos::prelude::*;

/// Any URL that matches no route.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <ErrorView error=AppError::not_found(Entity::Page) /> }
}
