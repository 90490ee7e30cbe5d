//! Products written as JSON by hand, byte for byte as `serde_json` writes [`Product`] (a unit test
//! compares the two on hostile text).
//!
//! Why not serde: a product is mostly text, and `serde_json` looks at every byte of every string
//! (keys included) through a table, one at a time, behind a call per field. On an uncached list
//! of 24 products that was a sixth of the request's instructions (callgrind: `format_escaped_str`
//! alone 120 k of 877 k). Here the keys are fixed bytes, and a value is checked for what JSON must
//! escape eight bytes at a time (`crate::scan`), then copied; the rare value that needs escaping
//! is handed to `serde_json`, so escaping itself has one implementation.

use super::json::Product;
use crate::scan::has_json_special;
use axum::body::Bytes;

/// A list of products: `[{…},{…}]`.
pub fn products_json(products: &[Product]) -> Bytes {
    let mut out = Vec::with_capacity(products.iter().map(estimated_len).sum::<usize>() + 2);
    out.push(b'[');
    for (index, product) in products.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        write_product(&mut out, product);
    }
    out.push(b']');
    Bytes::from(out)
}

/// One product: `{…}`.
pub fn product_json(product: &Product) -> Bytes {
    let mut out = Vec::with_capacity(estimated_len(product));
    write_product(&mut out, product);
    Bytes::from(out)
}

/// Room for a product's JSON: its text, the category's, and the keys and numbers around them.
fn estimated_len(product: &Product) -> usize {
    let images: usize = product.images.iter().map(|url| url.len() + 3).sum();
    product.title.len() + product.slug.len() + product.description.len() + product.category.json().len() + images + 200
}

// The field order and names of `Product`'s `#[derive(Serialize)]` (camelCase).
fn write_product(out: &mut Vec<u8>, product: &Product) {
    out.extend_from_slice(b"{\"id\":");
    write_number(out, &product.id);
    out.extend_from_slice(b",\"title\":");
    write_text(out, &product.title);
    out.extend_from_slice(b",\"slug\":");
    write_text(out, &product.slug);
    out.extend_from_slice(b",\"price\":");
    write_number(out, &product.price);
    out.extend_from_slice(b",\"description\":");
    write_text(out, &product.description);
    out.extend_from_slice(b",\"category\":");
    out.extend_from_slice(product.category.json().as_bytes());
    out.extend_from_slice(b",\"images\":[");
    for (index, url) in product.images.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        write_text(out, url);
    }
    out.extend_from_slice(b"],\"creationAt\":");
    write_text(out, &product.creation_at);
    out.extend_from_slice(b",\"updatedAt\":");
    write_text(out, &product.updated_at);
    out.push(b'}');
}

/// A number as `serde_json` writes it (an id; a price, whole or not).
fn write_number(out: &mut Vec<u8>, number: &impl serde::Serialize) {
    serde_json::to_writer(&mut *out, number).expect("a number always serialises");
}

/// A JSON string. Only `"`, `\` and control characters must be escaped; everything else, UTF-8
/// included, is copied as it is (as `serde_json` does).
fn write_text(out: &mut Vec<u8>, text: &str) {
    if has_json_special(text) {
        serde_json::to_writer(&mut *out, text).expect("a string always serialises");
    } else {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::rest::json::{Price, WrittenCategory};
    use crate::server::services::catalog_api::CategoryRecord;

    fn product(text: &str, price_cents: i64, images: Vec<String>) -> Product {
        let category = CategoryRecord { id: 3, name: text.into(), slug: "c".into(), ..CategoryRecord::default() };
        Product {
            id: -42,
            title: text.into(),
            slug: format!("{text}-slug"),
            price: Price(price_cents),
            description: format!("{text} and then some more text, long enough to fill several blocks: {text}"),
            category: WrittenCategory::new(category, "http://shop.example"),
            images,
            creation_at: "2024-01-31T09:05:07.042Z".into(),
            updated_at: text.into(),
        }
    }

    #[test]
    fn products_are_written_as_serde_json_writes_them() {
        let hostile = [
            "",
            "plain",
            "a \"quoted\" title",
            r"back\slash",
            "tab\tnew line\ncarriage\r bell\u{7} nul\u{0} escape\u{1b} unit\u{1f}",
            "</script><!-- & é ü 漢字 🙂 \u{7f} \u{2028}",
            "exactly sixteen!",
            "fifteen letters.\"",
        ];
        for text in hostile {
            for (cents, images) in [(4990, vec![]), (4200, vec![text.to_owned(), "/media/a.svg".into()]), (1, vec![])] {
                let one = product(text, cents, images);
                assert_eq!(product_json(&one), serde_json::to_vec(&one).unwrap(), "{text:?}");
            }
        }
        let list: Vec<Product> = hostile.iter().map(|text| product(text, 4990, vec!["/x".into()])).collect();
        assert_eq!(products_json(&list), serde_json::to_vec(&list).unwrap());
        assert_eq!(products_json(&[]), serde_json::to_vec(&Vec::<Product>::new()).unwrap());
    }
}
