//! The frame a wide table sits in: on a narrow screen the table scrolls sideways inside it.

use leptos::prelude::*;

/// Wraps a table that may be wider than the screen. The frame takes focus, so a keyboard user
/// can scroll it with the arrow keys as a mouse user drags it, and it is a named region, so a
/// screen reader says what the focus landed on.
#[component]
pub fn TableFrame(
    /// What the table lists, as its heading says it.
    label: &'static str,
    /// Classes beside `table-scroll`, for the frame's place on its page.
    #[prop(optional)]
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let class = if class.is_empty() { "table-scroll".to_owned() } else { format!("table-scroll {class}") };
    view! {
        <div class=class tabindex="0" role="region" aria-label=label>
            {children()}
        </div>
    }
}
