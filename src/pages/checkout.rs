//! `/checkout`: how to receive the order (delivery with an address, or pickup at a shop), how to
//! pay (in cash, when the goods change hands), and a review of exactly what will be ordered.
//! Signed-out shoppers are sent to sign in and come back here with their cart.

use crate::components::forms::{
    error_from_url, issue_of, latest_error, EchoedForm, FormAlert, FormField, SubmitButton,
};
use crate::components::{boxed, ErrorView, LeftBehindNotice, Loaded, PageMeta};
use crate::error::AppError;
use crate::i18n::{use_lang, use_texts, Lang};
use crate::model::cart::Cart;
use crate::model::orders::{ADDRESS_MAX, CITY_MAX, PHONE_MAX, POSTAL_CODE_MAX, RECIPIENT_MAX};
use crate::model::paths;
use crate::model::stores::StoreLocation;
use crate::server_fns::orders::{load_checkout, CheckoutData, PlaceOrder};
use crate::server_fns::page_context::store_currency;
use leptos::prelude::*;

#[component]
pub fn CheckoutPage() -> impl IntoView {
    match super::viewer() {
        Ok(Some(_)) => {
            view! { <Loaded load=boxed(load_checkout()) render=|data| view! { <CheckoutView data /> } /> }.into_any()
        }
        Ok(None) => {
            super::redirect_to_login();
            ().into_any()
        }
        Err(error) => view! { <ErrorView error /> }.into_any(),
    }
}

#[component]
fn CheckoutView(data: CheckoutData) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts().orders;
    let initial_error = error_from_url::<PlaceOrder>();
    let typed = EchoedForm::of::<PlaceOrder>();
    let CheckoutData { mut cart, stores, idempotency_key } = data;
    let left_behind = std::mem::take(&mut cart.left_behind);
    let body = if cart.lines.is_empty() {
        view! {
            <p>{t.cart_empty}</p>
            <a class="button" href="/products">{t.continue_shopping}</a>
        }
        .into_any()
    } else if !cart.ready_for_checkout() {
        // Also where a checkout refused for stock comes back to without JavaScript: each line
        // that cannot be had says why.
        let blocked: Vec<_> = cart.lines.into_iter().filter(|line| !line.can_buy()).collect();
        view! {
            <p class="form-alert" role="alert">{t.fix_cart_first}</p>
            <ul class="shortfalls">
                {blocked.into_iter().map(|line| {
                    let why: Vec<String> = line.notices.iter().map(|n| (t.notice)(*n, store_currency())).collect();
                    view! { <li>{line.title}": "{why.join(" ")}</li> }
                }).collect_view()}
            </ul>
            <a class="button" href=paths::CART>{t.cart_title}</a>
        }
        .into_any()
    } else {
        view! {
            <div class="checkout-grid">
                <CheckoutForm lang stores idempotency_key reviewed=cart.review_key() initial_error typed />
                <Review cart />
            </div>
        }
        .into_any()
    };
    view! {
        <PageMeta title=t.checkout_title description=t.checkout_description canonical_path=paths::CHECKOUT noindex=true />
        <section class="container section checkout-page">
            <h1>{t.checkout_title}</h1>
            <LeftBehindNotice left_behind />
            {body}
        </section>
    }
}

/// Exactly what will be ordered, at today's prices, and the total.
#[component]
fn Review(cart: Cart) -> impl IntoView {
    let t = use_texts().orders;
    let total = cart.total();
    view! {
        <section class="checkout-review" aria-labelledby="review-heading">
            <h2 id="review-heading">{t.review}</h2>
            <p class="muted">{t.review_note}</p>
            <table class="review-table">
                <thead>
                    <tr>
                        <th scope="col">{t.product}</th>
                        <th scope="col" class="numeric">{t.quantity}</th>
                        <th scope="col" class="numeric">{t.line_total}</th>
                    </tr>
                </thead>
                <tbody>
                    {cart.lines.into_iter().map(|line| view! {
                        <tr>
                            <th scope="row">{line.title.clone()}<br /><small class="muted">{store_currency().format(line.unit_price)}</small></th>
                            <td class="numeric">{line.quantity}</td>
                            <td class="numeric">{store_currency().format(line.total())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row" colspan="2">{t.total}</th>
                        <td class="numeric"><strong>{store_currency().format(total)}</strong></td>
                    </tr>
                </tfoot>
            </table>
        </section>
    }
}

/// The checkout form. Choosing delivery or pickup shows the fields that go with it (CSS, so it
/// works without JavaScript too); with JavaScript, a refused order keeps what was typed and says
/// at each field what is wrong, and "stores near me" orders the shops by distance.
#[island(lazy)]
fn CheckoutForm(
    lang: Lang,
    stores: Vec<StoreLocation>,
    idempotency_key: String,
    /// The review's lines and prices (`Cart::review_key`): the order is placed only as reviewed.
    reviewed: String,
    initial_error: Option<AppError>,
    /// What a refused post without JavaScript held, to fill the form in again.
    typed: EchoedForm,
) -> impl IntoView {
    provide_context(lang);
    let t = lang.texts().orders;
    let action = ServerAction::<PlaceOrder>::new();
    let error = latest_error(Signal::derive(move || action.value().get()), initial_error);
    let shortfalls = move || match error.get() {
        Some(AppError::OutOfStock(lines)) => lines
            .into_iter()
            .map(|l| view! { <li>{(t.shortfall)(&l.title, l.requested, l.available, l.gone)}</li> })
            .collect_view()
            .into_any(),
        _ => ().into_any(),
    };
    let store_issue = issue_of(error, "store_id");
    let payment_issue = issue_of(error, "payment_method");
    let fulfilment_issue = issue_of(error, "fulfilment");
    let issue_text = lang.texts().account.issue;
    let (stores, set_stores) = signal(stores);
    let pickup = typed.get("fulfilment") == "pickup";
    let chosen_store = typed.get("store_id").parse::<i64>().ok();
    view! {
        <ActionForm action attr:class="stack-form checkout-form" attr:novalidate=true>
            <FormAlert error />
            <ul class="shortfalls">{shortfalls}</ul>
            <input type="hidden" name="idempotency_key" value=idempotency_key />
            <input type="hidden" name="reviewed" value=reviewed />
            <fieldset class="choice-group" aria-describedby="fulfilment-error">
                <legend>{t.how_to_receive}</legend>
                <label class="choice">
                    <input type="radio" id="fulfilment-delivery" name="fulfilment" value="delivery" checked=!pickup />
                    {t.delivery_option}
                </label>
                <label class="choice">
                    <input type="radio" id="fulfilment-pickup" name="fulfilment" value="pickup" checked=pickup />
                    {t.pickup_option}
                </label>
                <p class="field-error" id="fulfilment-error">{move || fulfilment_issue.get().map(issue_text)}</p>
            </fieldset>
            <FormField name="recipient" label=t.recipient autocomplete="name" maxlength=RECIPIENT_MAX
                value=typed.get("recipient") issue=issue_of(error, "recipient") />
            <FormField name="phone" label=t.phone kind="tel" autocomplete="tel" maxlength=PHONE_MAX
                value=typed.get("phone") issue=issue_of(error, "phone") />
            <fieldset class="delivery-fields">
                <legend>{t.delivery_address}</legend>
                // Required whenever they are shown (CSS hides them for a pickup); the form does
                // not let the browser block on them, the server decides.
                <FormField name="address_line" label=t.address_line autocomplete="street-address"
                    maxlength=ADDRESS_MAX value=typed.get("address_line") issue=issue_of(error, "address_line") />
                <FormField name="city" label=t.city autocomplete="address-level2" maxlength=CITY_MAX
                    value=typed.get("city") issue=issue_of(error, "city") />
                <FormField name="postal_code" label=t.postal_code autocomplete="postal-code"
                    maxlength=POSTAL_CODE_MAX value=typed.get("postal_code") issue=issue_of(error, "postal_code") />
            </fieldset>
            <fieldset class="pickup-fields">
                <legend>{t.pickup_where}</legend>
                <div class="field" class:field-invalid=move || store_issue.get().is_some()>
                    <label for="field-store_id">{t.pickup_store}</label>
                    <select id="field-store_id" name="store_id"
                        aria-describedby=move || if store_issue.get().is_some() { "store-hint store-error" } else { "store-hint" }
                        aria-invalid=move || store_issue.get().map(|_| "true")>
                        {move || stores.get().into_iter().map(|store| {
                            let label = format!("{} · {} ({})", store.city, store.name, store.address);
                            view! { <option value=store.id selected=chosen_store == Some(store.id)>{label}</option> }
                        }).collect_view()}
                    </select>
                    <p class="field-hint" id="store-hint">{t.pickup_hint}</p>
                    {move || store_issue.get().map(|issue| view! { <p class="field-error" id="store-error">{issue_text(issue)}</p> })}
                </div>
                <NearMeButton label=t.stores_near_me set_stores />
            </fieldset>
            // One way of paying goes with each way of receiving; the form says which (CSS shows
            // the one for the choice above; both without CSS support) and the server derives it.
            <section class="payment-note" aria-labelledby="payment-heading">
                <h2 id="payment-heading">{t.payment}</h2>
                <p class="payment-delivery">
                    <strong>{(t.payment_method_name)(crate::model::orders::PaymentMethod::CashOnDelivery)}</strong>
                    ": "{t.no_card_note}
                </p>
                <p class="payment-pickup">
                    <strong>{(t.payment_method_name)(crate::model::orders::PaymentMethod::PayAtPickup)}</strong>
                    ": "{t.no_card_note}
                </p>
                {move || payment_issue.get().map(|issue| view! { <p class="field-error">{issue_text(issue)}</p> })}
            </section>
            <SubmitButton label=t.place_order pending=action.pending() />
        </ActionForm>
    }
}

/// Orders the shops nearest first, from the position the browser shares (only when asked: the
/// button is the request for it). Without JavaScript there is no button; the list stays by city.
#[component]
fn NearMeButton(label: &'static str, set_stores: WriteSignal<Vec<StoreLocation>>) -> impl IntoView {
    let on_click = move |_| {
        crate::components::browser::with_position(move |here| {
            set_stores.update(|stores| {
                stores.sort_by(|a, b| here.distance_km(a.point()).total_cmp(&here.distance_km(b.point())));
            });
        })
    };
    // Rendered once the island runs: a button that can do nothing must not be offered.
    let (interactive, set_interactive) = signal(false);
    Effect::new(move |_| set_interactive.set(true));
    move || {
        interactive.get().then(|| view! {
            <button type="button" class="button button-small button-secondary near-me" on:click=on_click>{label}</button>
        })
    }
}
