//! Every word a visitor reads, in English and Spanish.
//!
//! Each area keeps its texts in one struct with one static per language, so a text missing in
//! either language is a compile error rather than a blank on the page. Components read the
//! visitor's language from context ([`use_lang`]); islands receive it as a prop, because context
//! does not travel from the server to the browser.

mod account;
mod admin;
mod catalog;
mod common;
mod jobs;
mod mail;
pub(crate) mod orders;
mod stores;

pub use account::AccountTexts;
pub use admin::AdminTexts;
pub use catalog::CatalogTexts;
pub use common::{CommonTexts, ErrorText};
pub use jobs::JobsTexts;
pub use mail::MailTexts;
pub use orders::OrdersTexts;
pub use stores::StoresTexts;

use serde::{Deserialize, Serialize};

/// The cookie that remembers a visitor's choice of language.
pub const LANG_COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Es,
}

/// All texts of one language.
pub struct Texts {
    pub common: &'static CommonTexts,
    pub catalog: &'static CatalogTexts,
    pub account: &'static AccountTexts,
    pub admin: &'static AdminTexts,
    pub stores: &'static StoresTexts,
    pub orders: &'static OrdersTexts,
    pub mail: &'static MailTexts,
    pub jobs: &'static JobsTexts,
}

static EN: Texts = Texts {
    common: &common::EN,
    catalog: &catalog::EN,
    account: &account::EN,
    admin: &admin::EN,
    stores: &stores::EN,
    orders: &orders::EN,
    mail: &mail::EN,
    jobs: &jobs::EN,
};
static ES: Texts = Texts {
    common: &common::ES,
    catalog: &catalog::ES,
    account: &account::ES,
    admin: &admin::ES,
    stores: &stores::ES,
    orders: &orders::ES,
    mail: &mail::ES,
    jobs: &jobs::ES,
};

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The BCP 47 code, as used in `<html lang>` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Es => "es",
        }
    }

    /// The language's name in itself, as a language switch shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Es => "Español",
        }
    }

    /// A language from a tag such as `es`, `es-MX` or `EN`; `None` for languages we do not speak.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Self::ALL.into_iter().find(|lang| primary.eq_ignore_ascii_case(lang.code()))
    }

    /// The visitor's language: their explicit choice (the cookie), else the first language of
    /// `Accept-Language` we speak, by quality, else English.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Self {
        cookie.and_then(Self::from_tag).or_else(|| accept_language.and_then(preferred)).unwrap_or_default()
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Self::En => &EN,
            Self::Es => &ES,
        }
    }
}

/// The best language we speak from an `Accept-Language` header (`es-MX,es;q=0.9,en;q=0.8`).
fn preferred(header: &str) -> Option<Lang> {
    let mut choices: Vec<(f32, Lang)> = header
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let lang = Lang::from_tag(parts.next()?)?;
            let quality =
                parts.find_map(|p| p.trim().strip_prefix("q=")).map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (quality > 0.0).then_some((quality, lang))
        })
        .collect();
    // A stable sort keeps the header's order among equal qualities.
    choices.sort_by(|a, b| b.0.total_cmp(&a.0));
    choices.first().map(|(_, lang)| *lang)
}

/// The language of the page being rendered (provided by the app shell from the request).
pub fn use_lang() -> Lang {
    leptos::prelude::use_context::<Lang>().unwrap_or_default()
}

/// The texts of the page being rendered.
pub fn use_texts() -> &'static Texts {
    use_lang().texts()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_beats_accept_language_which_beats_the_default() {
        assert_eq!(Lang::negotiate(Some("es"), Some("en")), Lang::Es);
        assert_eq!(Lang::negotiate(Some("fr"), Some("es-MX,en;q=0.5")), Lang::Es);
        assert_eq!(Lang::negotiate(None, Some("fr, en;q=0.2, es;q=0.7")), Lang::Es);
        assert_eq!(Lang::negotiate(None, Some("es;q=0, en-GB")), Lang::En);
        assert_eq!(Lang::negotiate(None, Some("de, fr;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(None, Some("es;q=banana")), Lang::En);
        assert_eq!(Lang::negotiate(None, None), Lang::En);
    }
}
