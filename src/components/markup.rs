//! HTML written straight into one string, for the parts of a server-rendered page that come many
//! to a page, or on every page, and never change in the browser: a listing's product cards, the
//! add-to-cart form, the header and the footer.
//!
//! Built as a view, each element of a card went through Leptos's generic rendering: its attributes
//! copied into an owned form, then written one by one with a string of their own for `class`. A
//! listing's 24 cards are most of its page, and that was the largest part of rendering it. Here an
//! element is a few pushes onto one buffer, and the result enters the page as one
//! [`InertElement`](leptos::tachys::html::InertElement).
//!
//! What keeps it safe: every value goes through [`Markup::attr`] or [`Markup::text`], which escape
//! it with `html_escape`, the crate Leptos itself escapes with, in the same way (text: `&`, `<`,
//! `>`; double-quoted attributes: those and `"`; a value holding none of the four is copied
//! whole, `crate::scan` having checked it eight bytes at a time); and [`Markup::raw`] is for
//! fixed markup only, written in the source: tags, attribute names, fixed attributes. Its
//! `&'static str` keeps a request's or the database's strings out, but not this crate's own
//! texts (`i18n` is `&'static str` too): those are values, and go through `text` like any other.

use crate::scan::has_html_special;

/// An HTML fragment being written.
#[derive(Default)]
pub struct Markup {
    html: String,
}

impl Markup {
    pub fn with_capacity(bytes: usize) -> Self {
        Self { html: String::with_capacity(bytes) }
    }

    /// Fixed markup, as written in the source: a tag, a fixed attribute, an element that holds no
    /// data. Never a text, not even one of `i18n`: that goes through [`Self::text`].
    pub fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.html.push_str(markup);
        self
    }

    /// ` name="value"`, the value escaped for a double-quoted attribute.
    pub fn attr(&mut self, name: &'static str, value: &str) -> &mut Self {
        self.html.push(' ');
        self.html.push_str(name);
        self.html.push_str("=\"");
        if has_html_special(value) {
            html_escape::encode_double_quoted_attribute_to_string(value, &mut self.html);
        } else {
            self.html.push_str(value);
        }
        self.html.push('"');
        self
    }

    /// The attribute when there is a value, nothing otherwise.
    pub fn attr_if(&mut self, name: &'static str, value: Option<&str>) -> &mut Self {
        match value {
            Some(value) => self.attr(name, value),
            None => self,
        }
    }

    /// Text content, escaped.
    pub fn text(&mut self, text: &str) -> &mut Self {
        if has_html_special(text) {
            html_escape::encode_text_to_string(text, &mut self.html);
        } else {
            self.html.push_str(text);
        }
        self
    }

    pub fn into_string(self) -> String {
        self.html
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cannot_leave_their_attribute_or_text() {
        let hostile = r#""><img src=x onerror=alert('x')>&amp;"#;
        let mut markup = Markup::default();
        markup.raw("<p").attr("title", hostile).attr_if("lang", None).attr_if("id", Some("a\"b")).raw(">");
        markup.text(hostile).raw("</p>");
        let attribute = "&quot;&gt;&lt;img src=x onerror=alert('x')&gt;&amp;amp;";
        // In text a quote is harmless, and stays.
        let text = "\"&gt;&lt;img src=x onerror=alert('x')&gt;&amp;amp;";
        assert_eq!(markup.into_string(), format!("<p title=\"{attribute}\" id=\"a&quot;b\">{text}</p>"));
    }

    #[test]
    fn a_special_byte_is_escaped_wherever_it_stands_and_plain_text_is_kept() {
        for (byte, entity) in [('&', "&amp;"), ('<', "&lt;"), ('>', "&gt;"), ('"', "&quot;")] {
            for at in 0..40 {
                let mut value: Vec<char> = "é".repeat(40).chars().collect();
                value[at] = byte;
                let value: String = value.into_iter().collect();
                let mut markup = Markup::default();
                markup.attr("a", &value);
                let expected = format!(" a=\"{}\"", value.replace(byte, entity));
                assert_eq!(markup.into_string(), expected, "{byte} at {at}");
            }
        }
        let plain = "Bamboo bookshelf, 漢字 and 'quotes' that need no escape in a double-quoted attribute";
        let mut markup = Markup::default();
        markup.attr("title", plain).text(plain);
        assert_eq!(markup.into_string(), format!(" title=\"{plain}\"{plain}"));
    }
}
