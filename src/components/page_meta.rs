//! Per-page head tags for browsers, crawlers and link previews.

use leptos::prelude::*;
use leptos::tachys::html::InertElement;
use leptos_meta::{Link, Meta, Title};

const SITE_NAME: &str = "Tienda";

pub use crate::server_fns::page_context::site_origin;

/// `path` (starting with `/`) as an absolute URL on this site; a URL that is already absolute
/// (an image hosted elsewhere) is returned as it is.
pub fn absolute_url(path: &str) -> String {
    if path.starts_with("https://") || path.starts_with("http://") {
        return path.to_owned();
    }
    format!("{}{path}", site_origin())
}

/// Title, description, canonical URL, OpenGraph and Twitter tags, and optionally `noindex`.
#[component]
pub fn PageMeta(
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    /// The canonical path with its query string, e.g. `/products?page=2`.
    #[prop(into)]
    canonical_path: String,
    #[prop(optional, into)] image: Option<String>,
    #[prop(default = "website")] og_type: &'static str,
    /// For pages that should not appear in search results (errors, empty pages).
    #[prop(optional)]
    noindex: bool,
) -> impl IntoView {
    let url = absolute_url(&canonical_path);
    let full_title = format!("{title} · {SITE_NAME}");
    let image = image.map(|path| absolute_url(&path));
    view! {
        <Title text=super::raw_text::escaped_on_server(&full_title) />
        <Meta name="description" content=description.clone() />
        <Link rel="canonical" href=url.clone() />
        <Meta property="og:site_name" content=SITE_NAME />
        <Meta property="og:type" content=og_type />
        <Meta property="og:title" content=full_title.clone() />
        <Meta property="og:description" content=description.clone() />
        <Meta property="og:url" content=url />
        <Meta name="twitter:card" content=if image.is_some() { "summary_large_image" } else { "summary" } />
        <Meta name="twitter:title" content=full_title />
        <Meta name="twitter:description" content=description />
        {image.map(|image| view! {
            <Meta property="og:image" content=image.clone() />
            <Meta name="twitter:image" content=image />
        })}
        {noindex.then(|| view! { <Meta name="robots" content="noindex, follow" /> })}
    }
}

/// A JSON-LD structured-data block: `value` is typically a `#[derive(Serialize)]` struct that
/// borrows what it describes (a `json!` value would copy every string and sort a map per object,
/// and writing it through `Display` went through the formatter: together a twentieth of a product
/// page's request, measured with callgrind).
///
/// The element is written as one string: the JSON in it is made safe for a script element by
/// [`safe_in_script`], which is all the escaping its content takes.
pub fn json_ld(value: &impl serde::Serialize) -> Option<InertElement> {
    // Derived structs serialise without error; should one ever fail, the page goes without its
    // structured data rather than carry a block that is not JSON.
    let json = serde_json::to_string(value).ok().map(safe_in_script)?;
    Some(InertElement::new(format!(r#"<script type="application/ld+json">{json}</script>"#)))
}

/// Inside <script>, "</script" or "<!--" in the data would change how the HTML parses; JSON
/// strings may spell these characters as \u escapes instead, which parse to the same value.
fn safe_in_script(json: String) -> String {
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    let mut safe = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            c => safe.push(c),
        }
    }
    safe
}

#[cfg(test)]
mod tests {
    use super::safe_in_script;

    #[test]
    fn markup_in_json_is_spelled_as_escapes_and_means_the_same() {
        let json = serde_json::to_string(&["</script><!-- a & b"]).unwrap();
        let safe = safe_in_script(json);
        assert_eq!(safe, r#"["\u003c/script\u003e\u003c!-- a \u0026 b"]"#);
        assert_eq!(serde_json::from_str::<Vec<String>>(&safe).unwrap(), ["</script><!-- a & b"]);
        assert_eq!(safe_in_script("{}".into()), "{}");
    }
}
