//! Per-page head tags for browsers, crawlers and link previews.

use leptos::prelude::*;
use leptos::tachys::html::InertElement;
use leptos_meta::{Link, Meta, Title};

/// The site's name, as a literal so that fixed markup can spell it too (`concat!`: the shell's
/// `og:site_name`).
macro_rules! site_name {
    () => {
        "Tienda"
    };
}
pub(crate) use site_name;

const SITE_NAME: &str = site_name!();

pub use crate::server_fns::page_context::site_origin;

/// `path` (starting with `/`) as an absolute URL on this site; a URL that is already absolute
/// (an image hosted elsewhere) is returned as it is.
pub fn absolute_url(path: &str) -> String {
    if path.starts_with("https://") || path.starts_with("http://") {
        return path.to_owned();
    }
    format!("{}{path}", site_origin())
}

/// Title, description, canonical URL, OpenGraph tags, X's card kind, and optionally `noindex` (the
/// site's name, `og:site_name`, is in the shell: the same on every page).
#[component]
pub fn PageMeta(
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    /// The canonical path with its query string, e.g. `/products?page=2`. None on an error page,
    /// which is no address's page (a canonical there would name another page as this one).
    #[prop(optional, into)]
    canonical_path: Option<String>,
    #[prop(optional, into)] image: Option<String>,
    #[prop(default = "website")] og_type: &'static str,
    /// For pages that should not appear in search results (errors, empty pages).
    #[prop(optional)]
    noindex: bool,
) -> impl IntoView {
    let url = canonical_path.map(|path| absolute_url(&path));
    let full_title = format!("{title} · {SITE_NAME}");
    let image = image.map(|path| absolute_url(&path));
    view! {
        <Title text=super::raw_text::escaped_on_server(&full_title) />
        <Meta name="description" content=description.clone() />
        {url.clone().map(|href| view! { <Link rel="canonical" href /> })}
        <Meta property="og:type" content=og_type />
        <Meta property="og:title" content=full_title />
        <Meta property="og:description" content=description />
        {url.map(|content| view! { <Meta property="og:url" content /> })}
        // X reads the card's title, description and image from the OpenGraph tags when its own
        // are absent, so only the card's kind is its own tag: each tag registered here costs
        // about 5,000 instructions a page (callgrind), and three more would say the same again.
        <Meta name="twitter:card" content=if image.is_some() { "summary_large_image" } else { "summary" } />
        {image.map(|image| view! { <Meta property="og:image" content=image /> })}
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
    const OPEN: &str = r#"<script type="application/ld+json">"#;
    const CLOSE: &str = "</script>";
    // Written straight after the opening tag, in one buffer sized for a typical block, so the
    // JSON is neither copied into the element afterwards nor grown in many steps.
    let mut html = Vec::with_capacity(1024);
    html.extend_from_slice(OPEN.as_bytes());
    // Derived structs serialise without error; should one ever fail, the page goes without its
    // structured data rather than carry a block that is not JSON.
    serde_json::to_writer(&mut html, value).ok()?;
    let mut html = safe_in_script(html, OPEN.len());
    html.extend_from_slice(CLOSE.as_bytes());
    // serde_json writes UTF-8, and the escapes are ASCII.
    String::from_utf8(html).ok().map(InertElement::new)
}

/// Inside <script>, "</script" or "<!--" in the data would change how the HTML parses; JSON
/// strings may spell these characters as \u escapes instead, which parse to the same value.
/// Only the bytes from `from` on are JSON. A byte scan: most blocks hold none of the three, and
/// they are ASCII, so no UTF-8 sequence can contain one.
fn safe_in_script(html: Vec<u8>, from: usize) -> Vec<u8> {
    let is_markup = |b: &u8| matches!(b, b'<' | b'>' | b'&');
    let Some(first) = html[from..].iter().position(is_markup).map(|at| from + at) else {
        return html;
    };
    let mut safe = Vec::with_capacity(html.len() + 32);
    safe.extend_from_slice(&html[..first]);
    for &b in &html[first..] {
        match b {
            b'<' => safe.extend_from_slice(br"\u003c"),
            b'>' => safe.extend_from_slice(br"\u003e"),
            b'&' => safe.extend_from_slice(br"\u0026"),
            b => safe.push(b),
        }
    }
    safe
}

#[cfg(test)]
mod tests {
    use super::json_ld;
    use leptos::prelude::RenderHtml;

    const OPEN: &str = r#"<script type="application/ld+json">"#;

    fn block(value: &impl serde::Serialize) -> String {
        json_ld(value).expect("serialisable").to_html()
    }

    #[test]
    fn markup_in_json_is_spelled_as_escapes_and_means_the_same() {
        let html = block(&["</script><!-- a & b", "é > ü"]);
        let json = html.strip_prefix(OPEN).and_then(|rest| rest.strip_suffix("</script>")).unwrap();
        assert_eq!(json, r#"["\u003c/script\u003e\u003c!-- a \u0026 b","é \u003e ü"]"#);
        assert_eq!(serde_json::from_str::<Vec<String>>(json).unwrap(), ["</script><!-- a & b", "é > ü"]);
    }

    #[test]
    fn json_without_markup_is_written_as_it_is() {
        assert_eq!(block(&serde_json::json!({"name": "Café"})), format!(r#"{OPEN}{{"name":"Café"}}</script>"#));
    }
}
