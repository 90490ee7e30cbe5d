//! Tienda: an online store. The crate is built twice by cargo-leptos: as the server (`ssr`) and
//! as the WASM client that hydrates the server-rendered pages (`hydrate`).

pub mod app;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod server;

/// The browser's entry point: attach the client to the HTML the server sent.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
