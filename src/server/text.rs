//! Text folding shared by slugs and search; hex for random names and hashes; times as text.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Lowercase, decomposed, with accents dropped: "Ñandú Été" → "nandu ete".
fn fold(text: &str) -> impl Iterator<Item = char> + '_ {
    text.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase)
}

/// The URL slug of a title, by the upstream Fake Store rule: folded to lowercase ASCII letters,
/// digits and hyphens; every other run of characters (`_` included) becomes one hyphen
/// ("My New  Product!!" → "my-new-product").
pub fn slugify(title: &str) -> String {
    let spaced: String = fold(title).map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { ' ' }).collect();
    let mut slug = spaced.split_whitespace().collect::<Vec<_>>().join("-");
    while slug.contains("--") {
        slug = slug.replace("--", "-");
    }
    slug.trim_matches('-').to_owned()
}

/// The searchable form of text: folded, with every non-alphanumeric run turned into one space,
/// so "T-Shirt" is found by "t shirt" and "Camiseta Ñandú" by "nandu".
pub fn search_key(text: &str) -> String {
    let spaced: String = fold(text).map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text made safe inside XML (and HTML) element content and attribute values.
pub fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A time as pages, files and structured data show it: RFC 3339, whole seconds, UTC (`Z`).
pub fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A stored Unix time in milliseconds as [`rfc3339`] writes it; empty for a time out of range.
pub fn rfc3339_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(rfc3339).unwrap_or_default()
}

/// The time now in Unix milliseconds, as the job tables store times.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Bytes as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 128 random bits from the OS, hex-encoded: unguessable ids and file names.
pub fn random_hex() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_upstream_rule() {
        assert_eq!(slugify("Compat Ñandú Été_Cat 2"), "compat-nandu-ete-cat-2");
        assert_eq!(slugify("My New  Product!!"), "my-new-product");
        assert_eq!(slugify("Classic -- Tee"), "classic-tee");
        assert_eq!(slugify("   "), "");
    }

    #[test]
    fn search_keys_fold_case_accents_and_punctuation() {
        assert_eq!(search_key("Classic T-Shirt, Été!"), "classic t shirt ete");
        assert_eq!(search_key("  "), "");
    }
}
