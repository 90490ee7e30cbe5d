//! Accounts: `/login`, `/register`, `/account`, and the header's account menu.
//!
//! Each form is an island around an `ActionForm`: with JavaScript it calls its server function
//! and shows errors in place; without, the browser posts it and the page, redirected back, shows
//! the same errors from the URL.

mod forms;
mod login;
mod menu;
mod overview;
mod picture;
mod register;

pub use login::LoginPage;
pub use menu::AccountMenu;
pub use overview::AccountPage;
pub use register::RegisterPage;

/// Who is signed in on the request being rendered (the server resolves it before rendering, so
/// pages read it without a resource). Pages render on the server only; in the browser it is `None`.
fn viewer() -> Result<Option<crate::model::User>, crate::error::AppError> {
    #[cfg(feature = "ssr")]
    return crate::server::auth::guard::current_user();
    #[cfg(not(feature = "ssr"))]
    Ok(None)
}
