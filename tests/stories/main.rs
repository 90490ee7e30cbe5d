//! Every integration story in one test binary: the server is linked once, not once per story
//! file. Each file is a module; run one file's stories by name, e.g.
//! `cargo test --features ssr --test stories accounts::` (or `postgres::`, or a story's name).
//!
//! Stories that need a database run on both SQLite and a throwaway PostgreSQL cluster (see
//! `common::postgres`), through `on_both_backends!`.

// Stories are tests: a failed unwrap is how one fails, with its line.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

mod accounts;
mod admin_catalog;
mod admin_jobs;
mod admin_users;
mod api_auth;
mod api_catalog;
mod api_catalog_writes;
mod api_collections;
mod api_docs;
mod api_files;
mod api_limits;
mod api_orders;
mod api_users;
mod backup;
mod catalog_search;
mod cli;
mod currency;
mod exports;
mod front_end;
mod generated_catalog;
mod hardening;
mod housekeeping;
mod jobs;
mod layers;
mod mail;
mod orders;
mod password_reset;
mod pictures;
mod sales_report;
mod shopping;
mod sign_in_throttle;
mod sitemap;
mod storefront;
mod stores;
mod tokens;
