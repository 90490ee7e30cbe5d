//! A product's images: one large, the others as thumbnails.
//!
//! Thumbnails are plain links (`?image=2`), so the gallery works without JavaScript. This is an
//! island: in the browser a click swaps the image in place and only rewrites the address.

use crate::components::browser::replace_url;
use crate::i18n::Lang;
use leptos::prelude::*;

/// `lang` travels as a prop: an island in the browser has no server context to read it from.
#[island]
pub fn Gallery(images: Vec<String>, title: String, initial: usize, lang: Lang) -> impl IntoView {
    provide_context(lang);
    let texts = &lang.texts().catalog.product;
    let images: Vec<String> = images.iter().map(|image| crate::model::paths::picture_src(image)).collect();
    let count = images.len();
    let (selected, set_selected) = signal(initial.clamp(1, count.max(1)));
    let main_images = images.clone();
    let main = move || {
        let n = selected.get();
        let src = main_images.get(n - 1).cloned().unwrap_or_default();
        let alt = (texts.image_alt)(&title, n, count);
        // The largest thing on a product page: fetched ahead of everything else (the LCP).
        view! { <img class="gallery-main" src=src alt=alt width="800" height="800" fetchpriority="high" /> }
    };
    let thumbnails = (count > 1).then(|| {
        view! {
            <ul class="gallery-thumbs" aria-label=texts.choose_image>
                {images
                    .into_iter()
                    .enumerate()
                    .map(|(i, src)| {
                        let n = i + 1;
                        let href = format!("?image={n}");
                        let show = {
                            let href = href.clone();
                            move |ev: leptos::ev::MouseEvent| {
                                ev.prevent_default();
                                set_selected.set(n);
                                replace_url(&href);
                            }
                        };
                        // Not lazy: the thumbnails sit beside the main image, in the first screen, where a
                        // lazy image waits for layout; and the browser may take one of them for the
                        // page's largest paint (it did, with the demo's small drawings).
                        view! {
                            <li>
                                <a href=href aria-current=move || (selected.get() == n).then_some("true") on:click=show>
                                    <img src=src alt={(texts.show_image)(n)} width="96" height="96" />
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
