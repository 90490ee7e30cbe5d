//! Everything that only runs on the server.

pub mod auth;
pub mod body_limit;
pub mod cache;
pub mod cli;
pub mod config;
pub mod csrf;
pub mod db;
pub mod demo;
pub mod language;
pub mod page_cache;
pub mod product_images;
pub mod rest;
pub mod routes;
pub mod rpc_errors;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod text;
pub mod thumbnails;
pub mod uploads;
