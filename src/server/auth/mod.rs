//! Authentication building blocks: password hashing, cookie sessions, sign-in throttling, JWT,
//! and the guards server functions call first.

pub mod guard;
pub mod jwt;
pub mod password;
pub mod session;
pub mod sweeper;
pub mod throttle;
