//! Reading the sitemap as a crawler does: the index, then every file it lists. No XML parser is
//! among the dev-dependencies, so [`parse`] is a small strict one: balanced tags, quoted
//! attributes, only XML's own five entities, nothing but whitespace between elements, one root.

use super::{get, SITE};
use std::collections::HashMap;

/// An element: its name, attributes, children and text (with entities resolved).
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub attributes: HashMap<String, String>,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    /// The only child named `name`; panics when there is none or more than one.
    pub fn child(&self, name: &str) -> &Element {
        let found: Vec<&Element> = self.children.iter().filter(|c| c.name == name).collect();
        assert_eq!(found.len(), 1, "<{}> holds one <{name}>: {self:?}", self.name);
        found[0]
    }
}

/// Parses a whole XML document (declaration, then one root element); panics on anything that is
/// not well-formed.
pub fn parse(document: &str) -> Element {
    let rest = document.strip_prefix(r#"<?xml version="1.0" encoding="UTF-8"?>"#).expect("the XML declaration first");
    let mut parser = Parser { text: rest, at: 0 };
    parser.skip_whitespace();
    let root = parser.element();
    parser.skip_whitespace();
    assert_eq!(parser.at, parser.text.len(), "nothing after the root element: {:?}", &parser.text[parser.at..]);
    root
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn skip_whitespace(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start_matches([' ', '\n', '\r', '\t']).len();
    }

    fn expect(&mut self, token: &str) {
        assert!(
            self.rest().starts_with(token),
            "expected {token:?} at {:?}",
            &self.rest()[..self.rest().len().min(60)]
        );
        self.at += token.len();
    }

    fn name(&mut self) -> String {
        let rest = self.rest();
        let length = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == ':' || c == '-' || c == '_')).unwrap();
        assert!(length > 0, "a name at {:?}", &rest[..rest.len().min(60)]);
        self.at += length;
        rest[..length].to_owned()
    }

    fn element(&mut self) -> Element {
        self.expect("<");
        let mut element = Element { name: self.name(), ..Element::default() };
        loop {
            self.skip_whitespace();
            if self.rest().starts_with("/>") {
                self.at += 2;
                return element;
            }
            if self.rest().starts_with('>') {
                self.at += 1;
                break;
            }
            let name = self.name();
            self.expect("=\"");
            let end = self.rest().find('"').expect("a closing quote");
            let value = unescape(&self.rest()[..end]);
            self.at += end + 1;
            assert!(element.attributes.insert(name, value).is_none(), "an attribute appears once");
        }
        loop {
            let rest = self.rest();
            let end = rest.find('<').expect("the element is closed");
            let text = &rest[..end];
            self.at += end;
            if self.rest().starts_with("</") {
                if element.children.is_empty() {
                    element.text = unescape(text);
                } else {
                    assert!(text.trim().is_empty(), "no mixed content: {text:?}");
                }
                self.expect("</");
                assert_eq!(self.name(), element.name, "tags close in order");
                self.skip_whitespace();
                self.expect(">");
                return element;
            }
            assert!(text.trim().is_empty(), "no mixed content: {text:?}");
            element.children.push(self.element());
        }
    }
}

/// Resolves XML's five entities; any other `&`, and a raw `<` or `>`, fails.
fn unescape(text: &str) -> String {
    assert!(!text.contains(['<', '>']), "markup characters are escaped: {text:?}");
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let entity = &rest[at..];
        let (character, length) = [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&apos;", '\'')]
            .iter()
            .find(|(name, _)| entity.starts_with(name))
            .map(|(name, c)| (*c, name.len()))
            .unwrap_or_else(|| panic!("an unknown entity or a bare &: {entity:?}"));
        out.push(character);
        rest = &entity[length..];
    }
    out.push_str(rest);
    out
}

/// One `<url>` of a file or `<sitemap>` of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The address, relative to the site (`/products/x`).
    pub path: String,
    pub lastmod: Option<chrono::DateTime<chrono::Utc>>,
}

const NAMESPACE: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// The entries of a document whose root is `root` (`urlset` or `sitemapindex`) and whose
/// children are `item` (`url` or `sitemap`), each with a `<loc>` on this site and at most a
/// `<lastmod>` in RFC 3339, whole seconds, UTC.
pub fn entries(document: &str, root: &str, item: &str) -> Vec<Entry> {
    let tree = parse(document);
    assert_eq!(tree.name, root);
    assert_eq!(tree.attributes.get("xmlns").map(String::as_str), Some(NAMESPACE));
    tree.children
        .iter()
        .map(|child| {
            assert_eq!(child.name, item);
            assert!(child.children.iter().all(|c| c.name == "loc" || c.name == "lastmod"), "{child:?}");
            let loc = &child.child("loc").text;
            let url = url::Url::parse(loc).unwrap_or_else(|e| panic!("{loc}: {e}"));
            assert_eq!(url.as_str(), loc, "a URL as it would be written");
            let path = loc.strip_prefix(SITE).unwrap_or_else(|| panic!("{loc} is on {SITE}")).to_owned();
            let lastmod = child.children.iter().find(|c| c.name == "lastmod").map(|c| {
                assert!(c.text.ends_with('Z') && !c.text.contains('.'), "UTC, whole seconds: {}", c.text);
                chrono::DateTime::parse_from_rfc3339(&c.text).unwrap().with_timezone(&chrono::Utc)
            });
            Entry { path, lastmod }
        })
        .collect()
}

/// GETs a sitemap document and checks it is one: 200, XML in UTF-8.
pub async fn fetch(base: &str, path: &str) -> String {
    let answer = get(base, path).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    assert_eq!(answer.headers["content-type"], "application/xml; charset=utf-8", "{path}");
    answer.body
}

/// The index's entries: one per file.
pub async fn index(base: &str) -> Vec<Entry> {
    entries(&fetch(base, "/sitemap.xml").await, "sitemapindex", "sitemap")
}

/// The URLs of one file.
pub async fn file(base: &str, path: &str) -> Vec<Entry> {
    entries(&fetch(base, path).await, "urlset", "url")
}

/// Every URL of every file the index lists, in order, after checking that each file's `lastmod`
/// in the index is the newest of its URLs'.
pub async fn crawl(base: &str) -> Vec<Entry> {
    let mut all = Vec::new();
    for listed in index(base).await {
        let urls = file(base, &listed.path).await;
        assert!(!urls.is_empty(), "{} lists nothing", listed.path);
        let newest = urls.iter().filter_map(|url| url.lastmod).max();
        assert_eq!(listed.lastmod, newest, "{}: the index dates it by its newest URL", listed.path);
        all.extend(urls);
    }
    all
}

/// The paths of every URL the sitemap lists.
pub async fn crawled_paths(base: &str) -> Vec<String> {
    crawl(base).await.into_iter().map(|entry| entry.path).collect()
}

#[test]
fn the_parser_takes_a_sitemap_and_refuses_what_is_not_xml() {
    let good = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"{NAMESPACE}\">\n  <url><loc>{SITE}/a?b=1&amp;c=2</loc>\
         <lastmod>2026-01-02T03:04:05Z</lastmod></url>\n  <url><loc>{SITE}/</loc></url>\n</urlset>\n"
    );
    let urls = entries(&good, "urlset", "url");
    assert_eq!(urls[0].path, "/a?b=1&c=2");
    assert_eq!(urls[1], Entry { path: "/".into(), lastmod: None });
    let broken = [
        good.replace("&amp;", "&"),
        good.replace("</loc><lastmod>", "<lastmod>"),
        good.replace("</urlset>", ""),
        good.replace("</urlset>\n", "</urlset><url/>"),
        good.replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", ""),
        good.replace("  <url><loc>", "  text<url><loc>"),
        good.replace("&amp;", "&nbsp;"),
        good.replace("2026-01-02T03:04:05Z", "2026-01-02T03:04:05.5Z"),
        good.replace("2026-01-02T03:04:05Z", "2026-01-02"),
        good.replace(NAMESPACE, "http://example.com/"),
        good.replace("<loc>http://tienda.test/</loc>", "<loc>http://elsewhere.test/</loc>"),
        good.replace("<loc>http://tienda.test/</loc>", "<loc>http://tienda.test/</loc><loc>http://tienda.test/</loc>"),
        good.replace("xmlns=\"", "xmlns='").replace("0.9\">", "0.9'>"),
    ];
    for document in broken {
        let refused = std::panic::catch_unwind(|| entries(&document, "urlset", "url")).is_err();
        assert!(refused, "accepted: {document}");
    }
}
