//! A visitor's preferences, kept in cookies so they need no account.

use crate::error::AppError;
use leptos::prelude::*;

/// Remembers the visitor's language for a year. Posted by the header's plain form, which goes
/// back to the page it came from (only its path: never to another site).
#[server(prefix = "/rpc", endpoint = "language")]
pub async fn set_language(lang: String) -> Result<(), AppError> {
    use crate::i18n::{Lang, LANG_COOKIE};
    use axum::http::{header::SET_COOKIE, HeaderValue};

    let lang = Lang::from_tag(&lang).ok_or_else(|| AppError::BadRequest("unknown language code".into()))?;
    // Readable by scripts on purpose: it holds nothing secret, only a language code.
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code());
    let cookie = HeaderValue::from_str(&cookie).map_err(|_| AppError::Internal)?;
    expect_context::<leptos_axum::ResponseOptions>().append_header(SET_COOKIE, cookie);
    // Back where it was, but without the notes of the form before (an add, an error): they would
    // say it again.
    let back = referring_path()
        .await
        .filter(|path| crate::model::account::is_same_site_path(path))
        .map(|path| crate::model::paths::without_notes(&path));
    leptos_axum::redirect(back.as_deref().unwrap_or("/"));
    Ok(())
}

/// The path and query of the page the form was on, without a dangling `?`.
#[cfg(feature = "ssr")]
async fn referring_path() -> Option<String> {
    let headers = leptos_axum::extract::<axum::http::HeaderMap>().await.ok()?;
    let referer = headers.get(axum::http::header::REFERER)?.to_str().ok()?;
    let url = url::Url::parse(referer).ok()?;
    Some(match url.query().filter(|q| !q.is_empty()) {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    })
}
