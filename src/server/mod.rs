//! Everything that only runs on the server, by layer (see `docs/architecture.md`):
//!
//! - faces, which speak a protocol: `http/` (pages' middleware, plain endpoints such as the
//!   sitemap, the request guard), `rest/` (the JSON API) and `jobs/` (the task queue's workers and
//!   its job kinds); the server functions live beside the pages in `crate::server_fns`;
//! - `services/`, the one place for each business rule, under every face;
//! - `db/`, the only code that writes SQL;
//! - beside them: `app/` (command line, start-up, shared state, the accept loop), `auth/`
//!   (passwords, sessions, tokens, throttles), `media/` (uploads, thumbnails, product images),
//!   `config/`, `demo/` (the demo catalog), and two leaf helpers, `cache` and `text`.

pub mod app;
pub mod auth;
pub mod cache;
pub mod config;
pub mod db;
pub mod demo;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod media;
pub mod rest;
pub mod services;
pub mod text;
