//! Content-Security-Policy for every HTML answer: defence in depth behind escaping.
//!
//! If markup ever slipped through escaping, the browser would still refuse to run it: scripts
//! load only from this site, and the inline scripts a page has are allowed by their SHA-256
//! hashes, not by a nonce. Pages are shared through the page cache, so a nonce would be reused
//! across visitors; the hashes are the same for every page and every visitor.
//!
//! The inline scripts are the island loader (`components::front_end`, the very text every page
//! carries, so it cannot drift), and Leptos's two data scripts the renderer appends,
//! which are constant because our pages serialise no resource and no error (islands render on the
//! server only). A page that ever did would have a different script, which the policy would block;
//! the tests compare every page's inline scripts against the policy.

use crate::components::front_end::FrontEndHead;
use axum::{
    http::{header, HeaderValue},
    response::Response,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

/// The policies, built once: one for the store's pages, one for the API docs page (Swagger UI
/// styles its widgets inline).
pub struct Policies {
    pages: HeaderValue,
    api_docs: HeaderValue,
}

impl Policies {
    /// `image_sources`: where catalog images may come from besides this site (`https:` by default,
    /// since product images may be links to other hosts).
    pub fn new(front_end: &FrontEndHead, image_sources: &str) -> Arc<Self> {
        let script_hashes = std::iter::once(&*front_end.loader_script)
            .chain(LEPTOS_DATA_SCRIPTS)
            .map(sha256_source)
            .collect::<Vec<_>>()
            .join(" ");
        // 'wasm-unsafe-eval' lets the page compile its WebAssembly; it allows no JavaScript eval.
        let pages = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {script_hashes}; style-src 'self'; \
             img-src 'self' data: {image_sources}; font-src 'self'; connect-src 'self'; object-src 'none'; \
             base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        );
        let api_docs = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                        img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
                        frame-ancestors 'none'; form-action 'self'";
        Arc::new(Self {
            pages: HeaderValue::from_str(&pages).expect("the policy is ASCII"),
            api_docs: HeaderValue::from_static(api_docs),
        })
    }
}

/// The pages' policy on every HTML answer that has none yet (pages, error pages). A header layer,
/// not a middleware function: it runs on every request, and it costs next to nothing this way.
pub fn pages_layer(
    policies: &Arc<Policies>,
) -> SetResponseHeaderLayer<impl Fn(&Response) -> Option<HeaderValue> + Clone + Send + Sync + 'static> {
    let policy = policies.pages.clone();
    SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, move |response: &Response| {
        let is_html =
            response.headers().get(header::CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
        is_html.then(|| policy.clone())
    })
}

/// The API docs page's own policy, for the routes that serve it.
pub fn api_docs_layer(policies: &Arc<Policies>) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, policies.api_docs.clone())
}

/// What hydration_context's server renderer writes after every page when no resource and no error
/// was serialised: the globals the browser side reads at hydration.
const LEPTOS_DATA_SCRIPTS: [&str; 2] = [
    "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];",
    "__INCOMPLETE_CHUNKS=[];",
];

/// The contents of every `<script>` without a `src` in `html` (the scripts a CSP hash must allow).
pub fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let Some(open_end) = rest[start..].find('>').map(|i| start + i + 1) else { break };
        let Some(close) = rest[open_end..].find("</script>").map(|i| open_end + i) else { break };
        let tag = &rest[start..open_end];
        let executable = !tag.contains(" src=") && !tag.contains("application/ld+json");
        if executable {
            scripts.push(&rest[open_end..close]);
        }
        rest = &rest[close + "</script>".len()..];
    }
    scripts
}

/// A CSP source allowing exactly this script text.
pub fn sha256_source(script: &str) -> String {
    format!("'sha256-{}'", STANDARD.encode(Sha256::digest(script.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_inline_scripts_but_not_loaded_or_data_ones() {
        let html = r#"<head><script type="module">go()</script><script src="/a.js"></script></head>
            <script type="application/ld+json">{}</script><script>x</script>"#;
        assert_eq!(inline_scripts(html), ["go()", "x"]);
    }

    #[test]
    fn the_policy_pins_the_island_loader() {
        let front_end = FrontEndHead::new(&crate::components::front_end::FrontEndFiles::unhashed("tienda"));
        let policies = Policies::new(&front_end, "https:");
        let policy = policies.pages.to_str().unwrap();
        assert!(policy.contains(&sha256_source(&front_end.loader_script)));
        for directive in ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"] {
            assert!(policy.contains(directive), "{directive}");
        }
        assert!(!policy.contains("'unsafe-inline'"));
    }
}
