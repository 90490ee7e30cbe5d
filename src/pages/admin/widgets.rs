//! Small pieces the back office's pages share.

pub use crate::components::order_view::short_time;
pub use crate::components::{page_count, Loaded, Pager};
use crate::i18n::use_texts;
use leptos::prelude::*;

/// The note a change leaves after its redirect (`?saved=1`, `?deleted=1`), as a status message.
#[component]
pub fn ChangeNotice() -> impl IntoView {
    let t = use_texts().admin;
    let query = leptos_router::hooks::use_query_map().get_untracked();
    let text = if query.get("saved").is_some() {
        Some(t.saved)
    } else if query.get("deleted").is_some() {
        Some(t.deleted)
    } else {
        None
    };
    text.map(|text| view! { <p class="form-notice" role="status">{text}</p> })
}
