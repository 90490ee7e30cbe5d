//! Links between the pages of a listing.

use crate::model::ProductQuery;
use leptos::prelude::*;

/// Pages shown on each side of the current one before the list is cut with an ellipsis.
const WINDOW: u32 = 2;

#[component]
pub fn Pagination(
    base_path: String,
    query: ProductQuery,
    page_count: u32,
    /// False on category pages, whose path already names the category.
    include_category: bool,
) -> impl IntoView {
    let current = query.page();
    let href = move |page: u32| format!("{base_path}{}", query.to_query_string(page, include_category));
    if page_count <= 1 {
        return ().into_any();
    }
    let mut numbers: Vec<Option<u32>> = Vec::new();
    for page in 1..=page_count {
        let near = page.abs_diff(current) <= WINDOW;
        if page == 1 || page == page_count || near {
            numbers.push(Some(page));
        } else if numbers.last() != Some(&None) {
            numbers.push(None);
        }
    }
    view! {
        <nav class="pagination" aria-label="Pages">
            <ul>
                <li>
                    {if current > 1 {
                        view! { <a href=href(current - 1) rel="prev">"← Previous"</a> }.into_any()
                    } else {
                        view! { <span class="disabled" aria-hidden="true">"← Previous"</span> }.into_any()
                    }}
                </li>
                {numbers
                    .into_iter()
                    .map(|n| match n {
                        Some(page) if page == current => view! {
                            <li><a href=href(page) aria-current="page" aria-label=format!("Page {page}")>{page}</a></li>
                        }.into_any(),
                        Some(page) => view! {
                            <li><a href=href(page) aria-label=format!("Page {page}")>{page}</a></li>
                        }.into_any(),
                        None => view! { <li class="gap" aria-hidden="true">"…"</li> }.into_any(),
                    })
                    .collect_view()}
                <li>
                    {if current < page_count {
                        view! { <a href=href(current + 1) rel="next">"Next →"</a> }.into_any()
                    } else {
                        view! { <span class="disabled" aria-hidden="true">"Next →"</span> }.into_any()
                    }}
                </li>
            </ul>
        </nav>
    }
    .into_any()
}
