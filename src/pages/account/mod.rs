//! Accounts: `/login` (and its pages for a forgotten password), `/register`, `/account`, a
//! customer's orders, their inbox of exported files, and the header's account menu.
//!
//! Each form is an island around an `ActionForm`: with JavaScript it calls its server function
//! and shows errors in place; without, the browser posts it and the page, redirected back, shows
//! the same errors from the URL.

mod inbox;
mod login;
mod menu;
mod orders;
mod overview;
mod password_reset;
mod picture;
mod register;

pub use inbox::InboxPage;
pub use login::LoginPage;
pub use menu::account_menu;
pub use orders::{MyOrderPage, MyOrdersPage};
pub use overview::AccountPage;
pub use password_reset::{ForgotPasswordPage, ResetPasswordPage};
pub use register::RegisterPage;

use super::viewer;
