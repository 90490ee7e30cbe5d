//! A product's images: one large, the others as thumbnails.
//!
//! The chosen image lives in the URL (`?image=2`), so thumbnails are plain links that work without
//! JavaScript; after hydration the router follows them without a reload and only the image changes.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Gallery(images: Vec<String>, title: String) -> impl IntoView {
    let query = use_query_map();
    let count = images.len();
    let selected = Memo::new(move |_| {
        query.read().get("image").and_then(|n| n.parse::<usize>().ok()).filter(|n| (1..=count).contains(n)).unwrap_or(1)
    });
    let main_images = images.clone();
    let main_title = title.clone();
    let main = move || {
        let n = selected.get();
        let src = main_images.get(n - 1).cloned().unwrap_or_default();
        let alt = format!("{main_title}, image {n} of {count}");
        view! { <img class="gallery-main" src=src alt=alt width="800" height="800" /> }
    };
    let thumbnails = (count > 1).then(|| {
        view! {
            <ul class="gallery-thumbs" aria-label="Choose an image">
                {images
                    .into_iter()
                    .enumerate()
                    .map(|(i, src)| {
                        let n = i + 1;
                        let current = move || (selected.get() == n).then_some("true");
                        view! {
                            <li>
                                <a href=format!("?image={n}") aria-current=current data-noscroll="" prop:replace=true>
                                    <img src=src alt=format!("Show image {n}") width="96" height="96" loading="lazy" />
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    });
    view! {
        <div class="gallery">
            {main}
            {thumbnails}
        </div>
    }
}
