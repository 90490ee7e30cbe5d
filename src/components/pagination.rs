//! Links between the pages of a listing. They are plain links; on the catalog, its island
//! (`pages::catalog::in_place`) follows them without loading a document.

use crate::i18n::use_texts;
use crate::model::{PageAddress, ProductQuery};
use leptos::prelude::*;

/// Pages shown on each side of the current one before the list is cut with an ellipsis.
const WINDOW: u32 = 2;

#[component]
pub fn Pagination(
    base_path: String,
    query: ProductQuery,
    /// The page shown (its label, for a page found by cursor).
    current: u32,
    page_count: u32,
    /// The pages beside this one: reached by cursor where the listing has an index order, so the
    /// links a visitor or crawler follows stay cheap however deep they go.
    previous: Option<PageAddress>,
    next: Option<PageAddress>,
    /// False on category pages, whose path already names the category.
    include_category: bool,
) -> impl IntoView {
    let texts = &use_texts().catalog.pagination;
    let href = {
        let (base_path, query) = (base_path.clone(), query.clone());
        move |page: u32| format!("{base_path}{}", query.to_query_string(page, include_category))
    };
    let beside = move |to: PageAddress| {
        format!("{base_path}{}", query.to_query_string_at(to.page, to.cursor.as_ref(), include_category))
    };
    if page_count <= 1 && previous.is_none() && next.is_none() {
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
        <nav class="pagination" aria-label=texts.label>
            <ul>
                <li>
                    {if let Some(to) = previous {
                        view! { <a href=beside(to) rel="prev">{texts.previous}</a> }.into_any()
                    } else {
                        view! { <span class="disabled" aria-hidden="true">{texts.previous}</span> }.into_any()
                    }}
                </li>
                {numbers
                    .into_iter()
                    .map(|n| match n {
                        Some(page) if page == current => view! {
                            <li><a href=href(page) aria-current="page" aria-label={(texts.page)(page)}>{page}</a></li>
                        }.into_any(),
                        Some(page) => view! {
                            <li><a href=href(page) aria-label={(texts.page)(page)}>{page}</a></li>
                        }.into_any(),
                        None => view! { <li class="gap" aria-hidden="true">"…"</li> }.into_any(),
                    })
                    .collect_view()}
                <li>
                    {if let Some(to) = next {
                        view! { <a href=beside(to) rel="next">{texts.next}</a> }.into_any()
                    } else {
                        view! { <span class="disabled" aria-hidden="true">{texts.next}</span> }.into_any()
                    }}
                </li>
            </ul>
        </nav>
    }
    .into_any()
}
