//! Adding to the cart: the form on product pages and cards, the island that makes its adds happen
//! in place, the note a page shows after a form post without JavaScript, and what a sign-in could
//! not bring along.

use super::markup::Markup;
use crate::components::forms::{error_from_url, EchoedForm};
use crate::error::AppError;
use crate::i18n::{use_lang, use_texts, Lang};
use crate::model::cart::LeftBehind;
use crate::model::orders::MAX_LINE_QUANTITY;
use crate::model::paths;
use crate::server_fns::cart::AddToCart;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::tachys::html::InertElement;

/// The product page's form that adds `product_id` to the cart, with a quantity field. Without
/// JavaScript it posts, and the server sends the browser back to `back` with a note
/// ([`CartNote`]). With JavaScript, [`CartAddsInPlace`] makes the add in place: whatever renders
/// these forms renders it too (the product page beside this form; [`super::ProductGrid`], whose
/// cards write the same form without the quantity field). The form is plain HTML, not an island:
/// a listing of 24 cards has 24 of them, and an island each would cost the server a reactive
/// action per card and the browser a hydration per card.
#[component]
pub fn AddToCartForm(
    product_id: i64,
    title: String,
    /// Units left: the quantity field's maximum (the page shows no form when there are none).
    stock: i64,
    back: String,
) -> impl IntoView {
    let form = AddToCartFields {
        product_id,
        title: &title,
        quantity_max: Some(stock.clamp(1, MAX_LINE_QUANTITY)),
        back: &back,
    };
    let mut markup = Markup::default();
    write_add_to_cart_form(&mut markup, &form, use_lang());
    InertElement::new(markup.into_string())
}

/// What an add-to-cart form posts.
pub(super) struct AddToCartFields<'a> {
    pub product_id: i64,
    pub title: &'a str,
    /// A quantity field up to this many units (the product page); without it the form adds one.
    pub quantity_max: Option<i64>,
    /// Where the browser goes back to after the add, without JavaScript.
    pub back: &'a str,
}

/// The form of [`AddToCartForm`], written as markup ([`Markup`]): a listing has one per card.
pub(super) fn write_add_to_cart_form(markup: &mut Markup, form: &AddToCartFields, lang: Lang) {
    let t = lang.texts().orders;
    markup.raw("<form").attr("action", AddToCart::url()).raw(r#" method="post" class="add-to-cart""#);
    markup.attr("data-title", form.title).raw(">");
    markup.raw(r#"<input type="hidden" name="product_id""#).attr("value", &form.product_id.to_string()).raw(">");
    markup.raw(r#"<input type="hidden" name="back""#).attr("value", form.back).raw(">");
    let button_label = match form.quantity_max {
        Some(max) => {
            let id = format!("quantity-{}", form.product_id);
            markup.raw("<label").attr("for", &id).raw(">").text(t.quantity).raw("</label>");
            markup.raw("<input").attr("id", &id).raw(r#" type="number" name="quantity" value="1" min="1""#);
            markup.attr("max", &max.to_string()).raw(r#" inputmode="numeric" required class="quantity-input">"#);
            None
        }
        // On a card, many buttons say the same: each names its product for screen readers.
        None => {
            markup.raw(r#"<input type="hidden" name="quantity" value="1">"#);
            Some((t.add_named)(form.title))
        }
    };
    markup.raw(r#"<button type="submit" class="button""#).attr_if("aria-label", button_label.as_deref()).raw(">");
    markup.text(t.add_to_cart).raw("</button>");
    markup.raw(r#"<p class="add-status" role="status" aria-live="polite"></p></form>"#);
}

/// Makes every add-to-cart form on the page (a card's, the product page's) add in place: while the
/// add is under way its button says so and cannot be pressed again; then the header's badge shows
/// the new count and the form's status line says what was added (with a link to the cart) or why
/// it was refused. One listener on the window serves every form, those of listings the catalog
/// swaps in later included, however many times the island is rendered on a page. `lang` travels
/// as a prop: an island in the browser has no server context to read it from.
#[island]
pub fn CartAddsInPlace(lang: Lang) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    in_place::listen(lang);
    #[cfg(not(feature = "hydrate"))]
    let _ = lang;
}

/// What [`CartAddsInPlace`] does, for another island whose page will show add-to-cart forms.
#[cfg(feature = "hydrate")]
pub fn listen_for_cart_adds(lang: Lang) {
    in_place::listen(lang);
}

#[cfg(feature = "hydrate")]
mod in_place {
    use super::describe_cart_refusal;
    use crate::i18n::Lang;
    use crate::model::paths;
    use crate::server_fns::cart::{add_to_cart, AddToCart};
    use leptos::prelude::*;
    use leptos::server_fn::ServerFn;
    use leptos::wasm_bindgen::JsCast;
    use std::cell::Cell;
    use web_sys::{Element, HtmlButtonElement, HtmlFormElement};

    thread_local! {
        static LISTENING: Cell<bool> = const { Cell::new(false) };
    }

    pub fn listen(lang: Lang) {
        if LISTENING.with(|listening| listening.replace(true)) {
            return;
        }
        // The handle is dropped on purpose: the listener lives as long as the page.
        let _ = window_event_listener(leptos::ev::submit, move |event| {
            if event.default_prevented() {
                return;
            }
            let form = event.target().and_then(|target| target.dyn_into::<HtmlFormElement>().ok());
            let adds_to_cart = |form: &HtmlFormElement| {
                form.class_list().contains("add-to-cart")
                    && form.get_attribute("action").as_deref() == Some(AddToCart::url())
            };
            if let Some(form) = form.filter(adds_to_cart) {
                // A form this code cannot read posts as it would without JavaScript.
                if let Some(add) = Add::read(&form) {
                    event.prevent_default();
                    add.send(form, lang);
                }
            }
        });
    }

    /// One add, as the form states it.
    struct Add {
        product_id: i64,
        quantity: String,
        back: String,
        title: String,
        button: HtmlButtonElement,
    }

    impl Add {
        fn read(form: &HtmlFormElement) -> Option<Self> {
            let data = web_sys::FormData::new_with_form(form).ok()?;
            let field = |name: &str| data.get(name).as_string();
            let button = form.query_selector("button[type=submit]").ok()??.dyn_into::<HtmlButtonElement>().ok()?;
            Some(Self {
                product_id: field("product_id")?.parse().ok()?,
                quantity: field("quantity")?,
                back: field("back").unwrap_or_default(),
                title: form.get_attribute("data-title").unwrap_or_default(),
                button,
            })
        }

        fn send(self, form: HtmlFormElement, lang: Lang) {
            let t = lang.texts().orders;
            // A second press while the first add is under way adds nothing more.
            if self.button.disabled() {
                return;
            }
            self.button.set_disabled(true);
            self.button.set_text_content(Some(t.adding));
            leptos::task::spawn_local(async move {
                let added = add_to_cart(self.product_id, self.quantity, Some(self.back)).await;
                self.button.set_disabled(false);
                self.button.set_text_content(Some(t.add_to_cart));
                let Some(status) = form.query_selector(".add-status").ok().flatten() else {
                    return;
                };
                status.set_text_content(None);
                let Some(line) = element("span") else {
                    return;
                };
                match added {
                    Ok(count) => {
                        show_cart_count(count, t.items_in_cart);
                        let _ = line.append_with_str_1(&format!("{} ", (t.added)(&self.title)));
                        if let Some(link) = element("a") {
                            let _ = link.set_attribute("href", paths::CART);
                            link.set_text_content(Some(t.view_cart));
                            let _ = line.append_with_node_1(&link);
                        }
                    }
                    Err(error) => {
                        line.set_class_name("field-error");
                        line.set_text_content(Some(&describe_cart_refusal(lang, &error)));
                    }
                }
                let _ = status.append_with_node_1(&line);
            });
        }
    }

    /// Writes the new count into the header's badge (rendered by `layout::CartLink`).
    fn show_cart_count(count: i64, label: fn(i64) -> &'static str) {
        if let Ok(Some(badge)) = document().query_selector("[data-cart-count]") {
            // The same HTML the server renders, built by the same function.
            badge.set_outer_html(&crate::model::cart::cart_badge_html(count, label));
        }
    }

    /// A new element: text goes in as text (never as markup), so a product's title cannot inject any.
    fn element(name: &str) -> Option<Element> {
        document().create_element(name).ok()
    }
}

/// What the cart had before its shopper signed in and could not keep, each with why; nothing when
/// it kept everything.
#[component]
pub fn LeftBehindNotice(left_behind: Vec<LeftBehind>) -> impl IntoView {
    let t = use_texts().orders;
    (!left_behind.is_empty()).then(|| {
        view! {
            <div class="form-notice left-behind" role="status">
                <p>{t.left_behind_intro}</p>
                <ul>
                    {left_behind.into_iter().map(|item| view! { <li>{(t.left_behind)(&item.title, item.why)}</li> }).collect_view()}
                </ul>
            </div>
        }
    })
}

/// What a refused cart change says: the quantity's own message when the quantity was the problem.
pub fn describe_cart_refusal(lang: Lang, error: &AppError) -> String {
    let texts = lang.texts();
    match error.field_issue("quantity") {
        Some(issue) => (texts.account.issue)(issue),
        None => texts.common.error_message(error),
    }
}

/// The products a [`CartNote`] may name, by id and title, from those `shown` on the page: none
/// when the address carries no note (`added`, or a refused add's `__err`), which is nearly every
/// render of a listing, so the titles are copied only when one may be named.
pub fn cart_note_products<'a>(shown: impl Iterator<Item = (i64, &'a str)>) -> Vec<(i64, String)> {
    let query = leptos_router::hooks::use_query_map().get_untracked();
    if query.get_str("added").is_none() && query.get_str("__err").is_none() {
        return Vec::new();
    }
    shown.map(|(id, title)| (id, title.to_owned())).collect()
}

/// After an add by a plain form post: what was added (`?added=<id>`), or why it was refused (the
/// error the post left in the URL), each naming the product when it is one the page shows. The
/// refused product's id comes from what the post handed back (`EchoedForm`), its title from the
/// page's own products: nothing an address could make up.
#[component]
pub fn CartNote(
    /// The products the page shows, by id and title ([`cart_note_products`]).
    #[prop(optional)]
    products: Vec<(i64, String)>,
) -> impl IntoView {
    let texts = use_texts();
    let t = texts.orders;
    let added_id = leptos_router::hooks::use_query_map().get_untracked().get("added");
    let added = added_id.is_some();
    let title_of = |id: Option<&str>| {
        let id = id.and_then(|id| id.parse::<i64>().ok())?;
        products.iter().find(|(shown, _)| *shown == id).map(|(_, title)| title.clone())
    };
    let title = title_of(added_id.as_deref());
    if let Some(error) = error_from_url::<AddToCart>() {
        let refused = title_of(Some(EchoedForm::of::<AddToCart>().get("product_id").as_str()));
        let why = describe_cart_refusal(use_lang(), &error);
        let text = match refused {
            Some(title) => format!("{title}: {why}"),
            None => why,
        };
        return view! { <p class="form-alert" role="alert">{text}</p> }.into_any();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_product_pages_form_has_a_labelled_quantity_up_to_the_stock() {
        let mut markup = Markup::default();
        let form =
            AddToCartFields { product_id: 9, title: "Lamp \"XL\"", quantity_max: Some(3), back: "/products/lamp" };
        write_add_to_cart_form(&mut markup, &form, Lang::Es);
        let html = markup.into_string();
        assert!(html.contains(r#"data-title="Lamp &quot;XL&quot;""#), "{html}");
        assert!(html.contains(r#"<label for="quantity-9">Cantidad</label><input id="quantity-9" type="number" name="quantity" value="1" min="1" max="3""#), "{html}");
        // Its button needs no name of its own: the page is about that one product.
        assert!(html.contains(r#"<button type="submit" class="button">Agregar al carrito</button>"#), "{html}");
    }
}
