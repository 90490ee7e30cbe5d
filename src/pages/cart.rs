//! `/cart`: the lines, priced as of now, with what changed since each was added; quantities and
//! removals are plain forms, so the page works the same with and without JavaScript.

use crate::components::forms::{error_from_url, EchoedForm};
use crate::components::{boxed, Loaded, PageMeta};
use crate::components::{describe_cart_refusal, LeftBehindNotice};
use crate::i18n::{use_lang, use_texts};
use crate::model::cart::{Cart, CartLine};
use crate::model::orders::MAX_LINE_QUANTITY;
use crate::model::paths;
use crate::server_fns::cart::{get_cart, RemoveCartLine, UpdateCartLine};
use crate::server_fns::page_context::store_currency;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn CartPage() -> impl IntoView {
    view! { <Loaded load=boxed(get_cart()) render=|cart| view! { <CartView cart /> } /> }
}

#[component]
fn CartView(mut cart: Cart) -> impl IntoView {
    let texts = use_texts();
    let t = texts.orders;
    let updated = leptos_router::hooks::use_query_map().get_untracked().get("updated").is_some();
    let update_refused = error_from_url::<UpdateCartLine>();
    // A refused quantity is told at its own line ("Only 2 left." alone would not say which), when
    // the post handed back a product the cart holds; anything else at the top of the page.
    let refused_line = update_refused
        .as_ref()
        .and_then(|_| EchoedForm::of::<UpdateCartLine>().get("product_id").parse::<i64>().ok())
        .filter(|id| cart.lines.iter().any(|line| line.product_id == *id));
    let error = update_refused.or_else(error_from_url::<RemoveCartLine>);
    let refused = error.is_some();
    let error_message = error.map(|error| describe_cart_refusal(use_lang(), &error));
    let (line_message, error_message) = match refused_line {
        Some(_) => (error_message, None),
        None => (None, error_message),
    };
    let left_behind = std::mem::take(&mut cart.left_behind);
    let body = if cart.lines.is_empty() {
        view! {
            <div class="empty-cart">
                <p>{t.cart_empty}</p>
                <a class="button" href="/products">{t.continue_shopping}</a>
            </div>
        }
        .into_any()
    } else {
        let ready = cart.ready_for_checkout();
        let total = cart.total();
        view! {
            <ul class="cart-lines">
                {cart
                    .lines
                    .into_iter()
                    .map(|line| {
                        let refusal = line_message.clone().filter(|_| refused_line == Some(line.product_id));
                        view! { <CartLineView line refusal /> }
                    })
                    .collect_view()}
            </ul>
            <div class="cart-summary">
                <p class="cart-total"><span>{t.total}</span>" "<strong>{store_currency().format(total)}</strong></p>
                {if ready {
                    view! { <a class="button" href=paths::CHECKOUT>{t.checkout}</a> }.into_any()
                } else {
                    view! { <p class="form-alert" role="alert">{t.fix_cart_first}</p> }.into_any()
                }}
                <a href="/products">{t.continue_shopping}</a>
            </div>
        }
        .into_any()
    };
    view! {
        <PageMeta title=t.cart_title description=t.cart_description canonical_path=paths::CART noindex=true />
        <section class="container section cart-page">
            <h1>{t.cart_title}</h1>
            {error_message.map(|text| view! { <p class="form-alert" role="alert">{text}</p> })}
            {(updated && !refused).then(|| view! { <p class="form-notice" role="status">{t.cart_updated}</p> })}
            <LeftBehindNotice left_behind />
            {body}
        </section>
    }
}

#[component]
fn CartLineView(
    line: CartLine,
    /// Why the line's last change was refused, shown under it and tied to its quantity field.
    refusal: Option<String>,
) -> impl IntoView {
    let texts = use_texts();
    let t = texts.orders;
    let id = line.product_id;
    let quantity_id = format!("cart-quantity-{id}");
    let refusal_id = format!("cart-line-{id}-error");
    let (invalid, described_by) = match refusal {
        Some(_) => (Some("true"), Some(refusal_id.clone())),
        None => (None, None),
    };
    let title = match &line.slug {
        Some(slug) => view! { <a href=paths::product(slug)>{line.title.clone()}</a> }.into_any(),
        None => view! { <span>{line.title.clone()}</span> }.into_any(),
    };
    let image = (!line.image.is_empty()).then(|| {
        view! { <img src=crate::model::paths::picture_src(&line.image) alt=line.title.clone() width="96" height="96" loading="lazy" /> }
    });
    let max = line.stock.clamp(1, MAX_LINE_QUANTITY);
    let still_sold = line.slug.is_some();
    view! {
        <li class="cart-line">
            <div class="cart-line-image">{image}</div>
            <div class="cart-line-info">
                <h2 class="cart-line-title">{title}</h2>
                <p class="cart-line-price"><span class="muted">{t.unit_price}": "</span>{store_currency().format(line.unit_price)}</p>
                {(!line.notices.is_empty()).then(|| view! {
                    <ul class="cart-notices">
                        {line.notices.iter().map(|notice| view! { <li>{(t.notice)(*notice, store_currency())}</li> }).collect_view()}
                    </ul>
                })}
                {refusal.map(|text| view! { <p class="field-error" id=refusal_id role="alert">{text}</p> })}
            </div>
            <div class="cart-line-actions">
                {still_sold.then(|| view! {
                    <form method="post" action=UpdateCartLine::url() class="quantity-form">
                        <input type="hidden" name="product_id" value=id />
                        <label class="visually-hidden" for=quantity_id.clone()>{(t.quantity_of)(&line.title)}</label>
                        <input id=quantity_id type="number" name="quantity" value=line.quantity min="1" max=max
                            inputmode="numeric" required=true class="quantity-input"
                            aria-invalid=invalid aria-describedby=described_by />
                        <button type="submit" class="button button-small button-secondary" aria-label=(t.update_named)(&line.title)>
                            {t.update}
                        </button>
                    </form>
                })}
                <form method="post" action=RemoveCartLine::url()>
                    <input type="hidden" name="product_id" value=id />
                    <button type="submit" class="link-button" aria-label=(t.remove_named)(&line.title)>{t.remove}</button>
                </form>
            </div>
            <p class="cart-line-total">{store_currency().format(line.total())}</p>
        </li>
    }
}
