//! What pages and components need from the server while they render: who is signed in, the
//! site's public address, the upload limit. Pages render on the server (islands mode), so these
//! read the server's state there; in the browser they fall back to what the page itself knows.
//! Pages and components reach the server only through this module and the server functions.

use crate::error::AppError;
use crate::model::User;

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
        leptos::prelude::use_context::<crate::server::app::state::AppState>()
            .map(|state| state.config.server.site_url.clone())
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
    if let Some(state) = leptos::prelude::use_context::<crate::server::app::state::AppState>() {
        return state.config.media.max_upload_bytes;
    }
    DEFAULT
}
