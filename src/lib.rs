//! Tienda: an online store. The crate is built twice by cargo-leptos: as the server (`ssr`) and
//! as the WASM client that hydrates the server-rendered pages (`hydrate`).

// Deeply nested view types (page → island → components) need more than the default 128.
#![recursion_limit = "256"]

pub mod app;
pub mod components;
pub mod error;
pub mod i18n;
pub mod model;
pub mod pages;
pub mod scan;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod server;

/// The browser's entry point, called once by the island loader (`components::front_end`) before it
/// hydrates each island through its own exported function.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // A server function that redirects (after a save) moves the browser there. `ActionForm`
    // installs this on its own; islands that call server functions directly need it too, and
    // with no router in the browser (islands mode) nothing else would.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        let _ = leptos::prelude::window().location().set_href(location);
    });
}
