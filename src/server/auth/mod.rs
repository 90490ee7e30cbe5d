//! Authentication building blocks: password hashing, cookie sessions, sign-in throttling, JWT,
//! (the request guard that server functions call first is `http::guard`).

pub mod jwt;
pub mod password;
pub mod session;
pub mod throttle;
