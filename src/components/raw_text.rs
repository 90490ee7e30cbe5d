//! Text for the places where the renderer writes it without escaping.
//!
//! tachys (Leptos's renderer) escapes text children everywhere except inside `<textarea>`,
//! `<script>`, `<style>` and `<noscript>` (`ESCAPE_CHILDREN = false`), and leptos_meta writes the
//! `<title>` text as it is. On the server those bytes go into the HTML, where a stored
//! `</textarea>` or `</title>` would end the element and start markup. In the browser the same
//! text becomes a DOM text node, which is never parsed as HTML, so it is left alone there.

/// `text` as the server must write it between such tags: `&`, `<` and `>` as character
/// references, which the browser turns back into the same text.
pub fn escaped_on_server(text: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    }
    #[cfg(not(feature = "ssr"))]
    {
        text.to_owned()
    }
}
