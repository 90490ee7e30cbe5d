//! Adding to the cart: the form on product pages and cards, and the note a page shows after a
//! form post without JavaScript.

use crate::components::forms::error_from_url;
use crate::error::AppError;
use crate::i18n::{use_lang, use_texts, Lang};
use crate::model::orders::MAX_LINE_QUANTITY;
use crate::model::paths;
use crate::server_fns::cart::AddToCart;
use leptos::prelude::*;

/// A form that adds `product_id` to the cart. With JavaScript the add happens in place: the
/// header's badge shows the new count and a status line says what happened. Without it, the
/// same form posts and the server sends the browser back to `back` with a note
/// ([`CartNote`]). `with_quantity` shows a quantity field (the product page); cards add one.
#[island]
pub fn AddToCartForm(
    product_id: i64,
    title: String,
    lang: Lang,
    /// Units left: the quantity field's maximum (and no form at all when 0).
    stock: i64,
    with_quantity: bool,
    back: String,
) -> impl IntoView {
    provide_context(lang);
    let t = lang.texts().orders;
    let action = ServerAction::<AddToCart>::new();
    let pending = action.pending();
    let button_title = title.clone();
    Effect::new(move |_| {
        if let Some(Ok(count)) = action.value().get() {
            show_cart_count(count, t.items_in_cart);
        }
    });
    let status = move || match action.value().get() {
        Some(Ok(_)) => view! {
            <span>{(t.added)(&title)}" "<a href=paths::CART>{t.view_cart}</a></span>
        }
        .into_any(),
        Some(Err(error)) => view! { <span class="field-error">{describe_cart_refusal(lang, &error)}</span> }.into_any(),
        None => ().into_any(),
    };
    let quantity_id = format!("quantity-{product_id}");
    let max = stock.clamp(1, MAX_LINE_QUANTITY);
    view! {
        <ActionForm action attr:class="add-to-cart">
            <input type="hidden" name="product_id" value=product_id />
            <input type="hidden" name="back" value=back />
            {if with_quantity {
                view! {
                    <label for=quantity_id.clone()>{t.quantity}</label>
                    <input id=quantity_id type="number" name="quantity" value="1" min="1" max=max
                        inputmode="numeric" required=true class="quantity-input" />
                }
                .into_any()
            } else {
                view! { <input type="hidden" name="quantity" value="1" /> }.into_any()
            }}
            // On a card, many buttons say the same: each names its product for screen readers.
            <button type="submit" class="button" disabled=move || pending.get()
                aria-label=(!with_quantity).then(|| (t.add_named)(&button_title))>
                {move || if pending.get() { t.adding } else { t.add_to_cart }}
            </button>
            <p class="add-status" role="status" aria-live="polite">{status}</p>
        </ActionForm>
    }
}

/// What a refused cart change says: the quantity's own message when the quantity was the problem.
pub fn describe_cart_refusal(lang: Lang, error: &AppError) -> String {
    let texts = lang.texts();
    match error.field_issue("quantity") {
        Some(issue) => (texts.account.issue)(issue),
        None => texts.common.error_message(error),
    }
}

/// Writes the new count into the header's badge (rendered by `layout::CartLink`).
fn show_cart_count(count: i64, label: fn(i64) -> &'static str) {
    #[cfg(feature = "hydrate")]
    if let Ok(Some(badge)) = document().query_selector("[data-cart-count]") {
        // The same HTML the server renders, built by the same function.
        badge.set_outer_html(&crate::model::cart::cart_badge_html(count, label));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (count, label);
}

/// After an add by a plain form post: what was added (`?added=<id>`; a product page names its
/// product when that is the one added), or why it was refused (the error the post left in the URL).
#[component]
pub fn CartNote(
    /// The page's own product, by id and title.
    #[prop(optional)]
    product: Option<(i64, String)>,
) -> impl IntoView {
    let texts = use_texts();
    let t = texts.orders;
    let added_id = leptos_router::hooks::use_query_map().get_untracked().get("added");
    let added = added_id.is_some();
    let title = product.filter(|(id, _)| added_id.as_deref() == Some(id.to_string().as_str())).map(|(_, title)| title);
    if let Some(error) = error_from_url::<AddToCart>() {
        return view! { <p class="form-alert" role="alert">{describe_cart_refusal(use_lang(), &error)}</p> }.into_any();
    }
    added
        .then(|| {
            let text = match &title {
                Some(title) => (t.added)(title),
                None => t.added_to_cart.to_owned(),
            };
            view! {
                <p class="form-notice" role="status">{text}" "<a href=paths::CART>{t.view_cart}</a></p>
            }
        })
        .into_any()
}
