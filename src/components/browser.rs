//! The few browser APIs the islands call. On the server these are never reached (event handlers
//! and effects do not run there), but they compile on both sides.

use leptos::prelude::window;
use leptos::wasm_bindgen::JsValue;

/// Puts `url` in the address bar as a new history entry, without loading it.
pub fn push_url(url: &str) {
    if let Ok(history) = window().history() {
        let _ = history.push_state_with_url(&JsValue::NULL, "", Some(url));
    }
}

/// Replaces the current address with `url`, without loading it or adding a history entry.
pub fn replace_url(url: &str) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(url));
    }
}

/// The path and query in the address bar (no origin, no fragment).
pub fn address_bar() -> String {
    let location = window().location();
    format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default())
}

/// Asks the browser where the visitor is and calls `then` with it, once, if they agree. Nothing
/// happens when they refuse or the browser cannot tell.
pub fn with_position(then: impl FnOnce(crate::model::stores::GeoPoint) + 'static) {
    use leptos::wasm_bindgen::{closure::Closure, JsCast};
    let Ok(geolocation) = window().navigator().geolocation() else {
        return;
    };
    // The typed position classes are unstable in web-sys; the fields are read by name.
    let found = Closure::once_into_js(move |position: JsValue| {
        let field = |of: &JsValue, name: &str| web_sys::js_sys::Reflect::get(of, &JsValue::from_str(name)).ok();
        let coords = field(&position, "coords").unwrap_or(JsValue::UNDEFINED);
        let (latitude, longitude) = (field(&coords, "latitude"), field(&coords, "longitude"));
        if let (Some(latitude), Some(longitude)) =
            (latitude.and_then(|v| v.as_f64()), longitude.and_then(|v| v.as_f64()))
        {
            then(crate::model::stores::GeoPoint { latitude, longitude });
        }
    });
    let _ = geolocation.get_current_position(found.unchecked_ref());
}

/// Puts focus on the first field of `alert`'s form that says it is invalid, or on the form's
/// submit button when none does (or the field cannot take focus, being hidden), so that a
/// keyboard user goes on from the problem. The alert itself is a live region: it is heard
/// without focus, and focusing it would have it read twice.
pub fn focus_first_problem(alert: &web_sys::Element) {
    use leptos::wasm_bindgen::JsCast;
    let Some(form) = alert.closest("form").ok().flatten() else {
        return;
    };
    for selector in [r#"[aria-invalid="true"]"#, r#"[type="submit"]"#] {
        let target =
            form.query_selector(selector).ok().flatten().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(target) = target {
            let _ = target.focus();
            if leptos::prelude::document().active_element().as_ref() == Some(target.as_ref()) {
                return;
            }
        }
    }
}
