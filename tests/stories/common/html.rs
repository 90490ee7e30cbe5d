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

/// What is wrong with the page's references by id: a `for`, `aria-describedby`,
/// `aria-labelledby` or `aria-controls` that names no element of the page (a screen reader then
/// reads nothing, or the wrong thing), and any id used twice.
pub fn broken_id_references(html: &Html) -> Vec<String> {
    let ids: Vec<&str> = select(html, "[id]").into_iter().filter_map(|e| e.value().attr("id")).collect();
    let mut broken: Vec<String> = ids
        .iter()
        .enumerate()
        .filter(|(at, id)| ids[..*at].contains(id))
        .map(|(_, id)| format!("id {id} is used twice"))
        .collect();
    for attr in ["for", "aria-describedby", "aria-labelledby", "aria-controls"] {
        for element in select(html, &format!("[{attr}]")) {
            let names = element.value().attr(attr).unwrap_or_default();
            for name in names.split_whitespace().filter(|name| !ids.contains(name)) {
                broken.push(format!("<{} {attr}=\"{names}\">: no #{name}", element.value().name()));
            }
        }
    }
    broken
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
