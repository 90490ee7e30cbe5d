//! Types that cross the wire, and the rules that validate them. No I/O lives here.

/// An enum that crosses the wire and the database as snake_case text, with `ALL`, `as_str` and
/// `parse`. Declared before the modules so each can use it.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name stored in the database and sent by the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

/// Characters refused in text people type for others to read (names, titles, addresses, searches):
/// control characters, and the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069). Those are invisible and reorder how the text after them is shown
/// (`\u{202E}gpj.exe` reads as `exe.jpg`), so a name or title holding one can pose as another. The
/// marks that only set a direction (U+200E, U+200F) stay allowed: right-to-left text may need them.
pub fn is_refused_in_text(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

pub mod account;
pub mod back_office;
pub mod cart;
pub mod catalog;
pub mod catalog_edit;
pub mod jobs;
pub mod money;
pub mod orders;
pub mod paths;
pub mod product_query;
pub mod stores;

pub use account::{Role, User};
pub use catalog::*;
pub use money::Money;
pub use product_query::{Cursor, CursorSide, ProductQuery, QueryNotice, SortOrder, SortValue};
