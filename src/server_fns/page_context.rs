//! What pages and components need from the server while they render: who is signed in, the
//! site's public address, the upload limit, the store's currency, the request's language, and the answer's status.
//! Pages render on the server (islands mode), so these read and set the server's request there;
//! in the browser they fall back to what the page itself knows, or do nothing. Pages and
//! components reach the server only through this module and the server functions.
//!
//! They read the server's state and the request in place (`with_context`): `use_context` would
//! clone the request's headers and extensions on every call, and a listing calls some of these
//! once per product card.

use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::{money::Currency, User};

/// Who is signed in on the request being rendered (the server resolves it before rendering, so
/// pages read it without a resource). In the browser it is `None`.
pub fn viewer() -> Result<Option<User>, AppError> {
    #[cfg(feature = "ssr")]
    return crate::server::http::guard::current_user();
    #[cfg(not(feature = "ssr"))]
    Ok(None)
}

/// The public origin: the configured site URL on the server, the page's own origin in the browser
/// (they are the same page, so server and client render the same canonical URLs).
pub fn site_origin() -> String {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::with_context(|state: &crate::server::app::state::AppState| {
            state.config.server.site_url.clone()
        })
        .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        leptos::prelude::window().location().origin().unwrap_or_default()
    }
}

/// The configured upload limit in bytes, which file inputs state next to them.
pub fn upload_limit() -> u64 {
    /// The default of `media.max_upload_bytes`, for a render without the server's state.
    const DEFAULT: u64 = 5 * 1024 * 1024;
    #[cfg(feature = "ssr")]
    if let Some(limit) =
        leptos::prelude::with_context(|state: &crate::server::app::state::AppState| state.config.media.max_upload_bytes)
    {
        return limit;
    }
    DEFAULT
}

/// The currency the store sells in (`store.currency`). In the browser an island that shows prices
/// gets it as a prop and provides it as context, as it does the language.
pub fn store_currency() -> Currency {
    #[cfg(feature = "ssr")]
    if let Some(currency) =
        leptos::prelude::with_context(|state: &crate::server::app::state::AppState| state.config.store.currency)
    {
        return currency;
    }
    leptos::prelude::use_context::<Currency>().unwrap_or_default()
}

/// The language the server chose for this request (`server::http::language`); English in the
/// browser, where the page already carries its texts.
pub fn request_language() -> Lang {
    #[cfg(feature = "ssr")]
    if let Some(lang) =
        leptos::prelude::with_context(|parts: &axum::http::request::Parts| parts.extensions.get::<Lang>().copied())
    {
        return lang.unwrap_or_default();
    }
    Lang::default()
}

/// The fields a refused plain-form post to the server function at `server_fn_path` handed back to
/// the page it came from (`server::http::form_echo`), read once: the answer deletes them. None in
/// the browser, or when the post was to another form.
pub fn echoed_form(server_fn_path: &str) -> Vec<(String, String)> {
    #[cfg(feature = "ssr")]
    {
        use crate::server::http::form_echo::COOKIE;
        use axum::http::{header, HeaderValue};
        let found = leptos::prelude::with_context(|parts: &axum::http::request::Parts| {
            let value = crate::server::http::cookie_value(&parts.headers, COOKIE)?.to_owned();
            Some((parts.uri.path().to_owned(), value))
        })
        .flatten();
        let Some((page, value)) = found else { return Vec::new() };
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            let deleted = format!("{COOKIE}=; Path={page}; Max-Age=0; HttpOnly; SameSite=Lax");
            if let Ok(deleted) = HeaderValue::from_str(&deleted) {
                response.append_header(header::SET_COOKIE, deleted);
            }
        }
        let fields: Vec<(String, String)> = url::form_urlencoded::parse(value.as_bytes()).into_owned().collect();
        match fields.iter().any(|(name, value)| name == "__path" && value == server_fn_path) {
            true => fields.into_iter().filter(|(name, _)| name != "__path").collect(),
            false => Vec::new(),
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = server_fn_path;
        Vec::new()
    }
}

/// Answers the page being rendered with `error`'s HTTP status (and `Retry-After` when the error
/// says when to try again).
pub fn answer_with_error_status(error: &AppError) {
    #[cfg(feature = "ssr")]
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        use axum::http::{header, HeaderValue, StatusCode};
        response.set_status(StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
        if let AppError::RateLimited { retry_after_secs } | AppError::Unavailable { retry_after_secs } = error {
            response.insert_header(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}

/// Answers the page being rendered with "not found" though it renders as usual: a listing's page
/// past its last names no page that exists, and a crawler must not keep it.
pub fn answer_not_found() {
    #[cfg(feature = "ssr")]
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
}

/// Sends a signed-out visitor to sign in (303, never stored), to come back to `here` afterwards.
pub fn redirect_to_login(here: &str) {
    #[cfg(feature = "ssr")]
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        use axum::http::{header, HeaderValue, StatusCode};
        let location =
            HeaderValue::from_str(&crate::model::paths::login(here)).unwrap_or(HeaderValue::from_static("/login"));
        response.set_status(StatusCode::SEE_OTHER);
        response.insert_header(header::LOCATION, location);
        response.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    #[cfg(not(feature = "ssr"))]
    let _ = here;
}
