//! Product cards in a responsive grid.

use super::cart_form::{write_add_to_cart_form, AddToCartFields};
use super::markup::Markup;
use super::CartAddsInPlace;
use crate::i18n::{use_lang, Lang};
use crate::model::money::Currency;
use crate::model::paths;
use crate::model::ProductSummary;
use crate::server_fns::page_context::store_currency;
use leptos::prelude::*;
use leptos::tachys::html::InertElement;

/// Images of the first row load eagerly (they are likely on screen); the rest lazily.
const EAGER_IMAGES: usize = 4;

/// About what one card's HTML takes (1.1 KB with the demo's titles), to size the buffer once.
const CARD_BYTES: usize = 1_280;

/// The grid is written as markup ([`Markup`]), not built as a view: it is most of a listing page,
/// and it never changes in the browser (grids are rendered on the server only).
#[component]
pub fn ProductGrid(
    products: Vec<ProductSummary>,
    #[prop(default = 2)] heading_level: u8,
    /// The grid leads the page, so its first image is likely the largest thing painted first
    /// (the LCP): the browser fetches it ahead of everything else.
    #[prop(optional)]
    leads_the_page: bool,
    /// Another island of the page already makes adds in place (it calls `listen_for_cart_adds`),
    /// so the grid renders no [`CartAddsInPlace`] of its own: one island less to hydrate.
    #[prop(optional)]
    adds_handled_by_page: bool,
    /// Where a card's add to cart comes back to without JavaScript: a listing's own canonical
    /// address (same filters, same page); by default the page's path. Never the address as
    /// typed: each card repeats it, so a long query would make the page 24 times as long, and
    /// the one-time notes in it (`added`, `__err`) would outlive the add that brought them.
    #[prop(optional)]
    back: Option<String>,
) -> impl IntoView {
    let lang = use_lang();
    let look = CardLook {
        lang,
        currency: store_currency(),
        heading: if heading_level == 3 { Heading::H3 } else { Heading::H2 },
        back: back.unwrap_or_else(|| leptos_router::hooks::use_location().pathname.get_untracked()),
    };
    let adds_here = !adds_handled_by_page && products.iter().any(|product| product.in_stock);
    let mut markup = Markup::with_capacity(products.len() * CARD_BYTES + 32);
    markup.raw(r#"<ul class="product-grid">"#);
    for (i, product) in products.iter().enumerate() {
        let image = ImageLoading { eager: i < EAGER_IMAGES, urgent: leads_the_page && i == 0 };
        markup.raw("<li>");
        write_card(&mut markup, product, image, &look);
        markup.raw("</li>");
    }
    markup.raw("</ul>");
    view! {
        {InertElement::new(markup.into_string())}
        {adds_here.then(|| view! { <CartAddsInPlace lang /> })}
    }
}

/// What every card of a grid shares.
struct CardLook {
    lang: Lang,
    currency: Currency,
    heading: Heading,
    back: String,
}

/// The level of the cards' titles: below the page's `h1`, or below a section's `h2`.
enum Heading {
    H2,
    H3,
}

struct ImageLoading {
    /// Likely on screen: not lazy.
    eager: bool,
    /// The page's largest paint, likely: fetched first.
    urgent: bool,
}

fn write_card(markup: &mut Markup, product: &ProductSummary, image: ImageLoading, look: &CardLook) {
    let texts = look.lang.texts();
    markup.raw(r#"<div class="product-card"><a class="card-link""#).attr("href", &paths::product(&product.slug));
    markup.raw("><img").attr("src", &paths::picture_src(&product.image)).attr("alt", &product.title);
    markup.raw(r#" width="400" height="400""#);
    markup.raw(if image.eager { r#" loading="eager""# } else { r#" loading="lazy""# });
    markup.raw(if image.urgent { r#" fetchpriority="high""# } else { r#" fetchpriority="auto""# });
    markup.raw(r#" decoding="async"><div class="card-body"><p class="card-category">"#);
    markup.text(&product.category_name).raw("</p>");
    let (open, close) = match look.heading {
        Heading::H2 => (r#"<h2 class="card-title">"#, "</h2>"),
        Heading::H3 => (r#"<h3 class="card-title">"#, "</h3>"),
    };
    markup.raw(open).text(&product.title).raw(close);
    markup.raw(r#"<p class="card-price">"#).text(&look.currency.format(product.price));
    if !product.in_stock {
        markup.raw(r#"<span class="badge">"#).text(texts.catalog.product.sold_out).raw("</span>");
    }
    markup.raw("</p></div></a>");
    if product.in_stock {
        let form =
            AddToCartFields { product_id: product.id, title: &product.title, quantity_max: None, back: &look.back };
        write_add_to_cart_form(markup, &form, look.lang);
    }
    markup.raw("</div>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Money;

    fn card(product: &ProductSummary) -> String {
        let look =
            CardLook { lang: Lang::En, currency: Currency::Usd, heading: Heading::H2, back: "/products?q=<x>".into() };
        let mut markup = Markup::default();
        write_card(&mut markup, product, ImageLoading { eager: false, urgent: false }, &look);
        markup.into_string()
    }

    #[test]
    fn a_card_escapes_every_value_so_none_adds_markup() {
        let plain = ProductSummary {
            id: 7,
            title: "Oak table".into(),
            slug: "oak-table".into(),
            price: Money(1250),
            image: "/media/oak.png".into(),
            category_name: "Furniture".into(),
            in_stock: true,
        };
        let hostile = r#"</p><img src=x onerror=alert(1)>" onerror="alert(2)" &amp;"#;
        let attacked = ProductSummary {
            title: hostile.into(),
            slug: hostile.into(),
            image: hostile.into(),
            category_name: hostile.into(),
            ..plain.clone()
        };
        let (plain, attacked) = (card(&plain), card(&attacked));
        // Inside the tags (text between them may hold a quote, harmlessly).
        let tags = |html: &str| {
            html.split('<').skip(1).map(|tag| tag.split('>').next().unwrap_or_default()).collect::<String>()
        };
        let quotes = |html: &str| tags(html).matches('"').count();
        // The same tags and the same attribute boundaries, whatever the values hold.
        assert_eq!(attacked.matches('<').count(), plain.matches('<').count(), "{attacked}");
        assert_eq!(quotes(&attacked), quotes(&plain), "{attacked}");
        assert!(!attacked.contains("<img src=x"), "{attacked}");
        assert!(attacked.contains(r#"<h2 class="card-title">&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt;" onerror="#));
        assert!(plain.contains(r#"<p class="card-price">$12.50</p>"#), "{plain}");
        assert!(plain.contains(r#"aria-label="Add to cart: Oak table""#), "{plain}");
        // The page's own address, which a visitor types, comes back escaped too.
        assert!(plain.contains(r#"<input type="hidden" name="back" value="/products?q=&lt;x&gt;">"#), "{plain}");
    }

    #[test]
    fn a_card_below_a_section_heading_has_an_h3() {
        let product = ProductSummary {
            id: 9,
            title: "Rug".into(),
            slug: "rug".into(),
            price: Money(100),
            image: "/media/rug.png".into(),
            category_name: "Home".into(),
            in_stock: true,
        };
        let look = CardLook { lang: Lang::En, currency: Currency::Usd, heading: Heading::H3, back: "/".into() };
        let mut markup = Markup::default();
        write_card(&mut markup, &product, ImageLoading { eager: true, urgent: true }, &look);
        let html = markup.into_string();
        assert!(html.contains(r#"<h3 class="card-title">Rug</h3>"#), "{html}");
        assert!(html.contains(r#"loading="eager" fetchpriority="high""#), "{html}");
    }

    #[test]
    fn a_sold_out_card_says_so_and_has_no_form() {
        let sold_out = ProductSummary {
            id: 8,
            title: "Lamp".into(),
            slug: "lamp".into(),
            price: Money(900),
            image: "/media/lamp.png".into(),
            category_name: "Home".into(),
            in_stock: false,
        };
        let html = card(&sold_out);
        assert!(html.contains(r#"$9.00<span class="badge">Sold out</span>"#), "{html}");
        assert!(!html.contains("<form"), "{html}");
    }
}
