//! Reading rendered pages the way a crawler would.

use scraper::{Html, Selector};

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e}"));
    html.select(&selector).collect()
}

/// The text of every element matching `css`, whitespace collapsed.
pub fn texts(html: &Html, css: &str) -> Vec<String> {
    select(html, css)
        .into_iter()
        .map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

pub fn text(html: &Html, css: &str) -> String {
    let all = texts(html, css);
    assert_eq!(all.len(), 1, "expected exactly one {css}, found {all:?}");
    all.into_iter().next().unwrap()
}

/// The `attr` of every element matching `css`.
pub fn attrs(html: &Html, css: &str, attr: &str) -> Vec<String> {
    select(html, css).into_iter().filter_map(|e| e.value().attr(attr).map(str::to_owned)).collect()
}

pub fn attr(html: &Html, css: &str, attr_name: &str) -> String {
    let all = attrs(html, css, attr_name);
    assert_eq!(all.len(), 1, "expected exactly one {css}[{attr_name}], found {all:?}");
    all.into_iter().next().unwrap()
}

/// The product cards' titles, in page order.
pub fn card_titles(html: &Html) -> Vec<String> {
    texts(html, ".product-grid .card-title")
}

/// Every JSON-LD block on the page, parsed.
pub fn json_ld(html: &Html) -> Vec<serde_json::Value> {
    select(html, r#"script[type="application/ld+json"]"#)
        .into_iter()
        .map(|e| serde_json::from_str(&e.inner_html()).expect("JSON-LD is valid JSON"))
        .collect()
}
