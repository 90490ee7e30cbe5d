//! Previous/next links between the pages of a table: the back office's tables and the
//! customer's order list.

use crate::i18n::use_texts;
use leptos::prelude::*;

/// Previous/next links between the pages of a table; `href` gives a page's address.
#[component]
pub fn Pager(page: u32, page_count: u32, href: impl Fn(u32) -> String + 'static) -> impl IntoView {
    let t = use_texts().admin;
    (page_count > 1).then(|| {
        view! {
            <nav class="pager" aria-label=(t.page_of)(page, page_count)>
                {(page > 1).then(|| view! { <a rel="prev" href=href(page - 1)>{t.previous}</a> })}
                <span>{(t.page_of)(page, page_count)}</span>
                {(page < page_count).then(|| view! { <a rel="next" href=href(page + 1)>{t.next}</a> })}
            </nav>
        }
    })
}

/// How many pages `total` rows fill at `per_page` a page (at least one).
pub fn page_count(total: u64, per_page: u32) -> u32 {
    (total.div_ceil(u64::from(per_page)) as u32).max(1)
}
