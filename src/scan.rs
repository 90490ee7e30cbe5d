//! Whether a text holds any byte an escape would change, checked eight bytes at a time.
//!
//! Most values written into a page or an answer (titles, slugs, paths, prices, the site's own
//! texts) hold none, and are then copied whole. The escapers (`html_escape`, `serde_json`) look at
//! each byte through a branch or a table, behind a call per value: on a listing's 24 cards, about
//! 120 values, that was 6 % of the request's instructions, and on an API list of 24 products a
//! sixth. Here a 64-bit word is tested for each byte at once, with the usual bit trick: `x - 0x01…`
//! borrows into a byte's top bit only where that byte of `x` was below the one subtracted.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// A nonzero word if any byte of `word` equals `byte`.
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let differences = word ^ (ONES * u64::from(byte));
    differences.wrapping_sub(ONES) & !differences & HIGH_BITS
}

/// A nonzero word if any byte of `word` is below `bound` (at most 0x80).
fn bytes_below(word: u64, bound: u8) -> u64 {
    word.wrapping_sub(ONES * u64::from(bound)) & !word & HIGH_BITS
}

/// Whether `text` holds `&`, `<`, `>` or `"`: all HTML's escapes change (text and attributes).
pub fn has_html_special(text: &str) -> bool {
    let is_special = |word: u64| {
        bytes_equal(word, b'&') | bytes_equal(word, b'<') | bytes_equal(word, b'>') | bytes_equal(word, b'"')
    };
    any_word(text.as_bytes(), is_special)
}

/// Whether `text` holds `"`, `\` or a control character (below U+0020): all JSON escapes change
/// in a string (it copies the rest, UTF-8 included, as it is).
pub fn has_json_special(text: &str) -> bool {
    let is_special = |word: u64| bytes_below(word, 0x20) | bytes_equal(word, b'"') | bytes_equal(word, b'\\');
    any_word(text.as_bytes(), is_special)
}

/// Whether `is_special` finds anything in any word of `bytes`; the last, short word is padded with
/// spaces, which neither test above looks for.
fn any_word(bytes: &[u8], is_special: impl Fn(u64) -> u64) -> bool {
    let mut words = bytes.chunks_exact(8);
    let found = words.any(|word| is_special(u64::from_le_bytes(word.try_into().expect("eight bytes"))) != 0);
    let mut last = [b' '; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    found || is_special(u64::from_le_bytes(last)) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_exactly_the_bytes_each_escape_changes_wherever_they_stand() {
        for byte in 0..0x80u8 {
            // Whole words and a short last one.
            for at in 0..21 {
                let mut bytes = vec![b'a'; 21];
                bytes[at] = byte;
                let text = std::str::from_utf8(&bytes).unwrap();
                let html = matches!(byte, b'&' | b'<' | b'>' | b'"');
                let json = byte < 0x20 || matches!(byte, b'"' | b'\\');
                assert_eq!(has_html_special(text), html, "html: {byte:#x} at {at}");
                assert_eq!(has_json_special(text), json, "json: {byte:#x} at {at}");
            }
        }
    }

    #[test]
    fn text_of_many_scripts_needs_no_escape() {
        let text = "Estantería de bambú, 漢字, emoji 🙂, U+2028 \u{2028}, DEL \u{7f}, 'single quotes'";
        assert!(!has_html_special(text));
        assert!(!has_json_special(text));
        assert!(!has_html_special(""));
        assert!(!has_json_special(""));
    }
}
