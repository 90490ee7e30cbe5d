//! What a form posted without JavaScript held, when the post was refused.
//!
//! Without JavaScript a refused form post is sent back to its page with the error in the address
//! (server_fn's `__err`), and the page says at each field what is wrong; but the page is rendered
//! afresh, so everything typed was gone. For the forms where that costs most (signing in, signing
//! up, checkout; which product an add to the cart, or a quantity in it, was refused for), this
//! middleware hands the refused post's fields back in a short-lived cookie scoped to the form's
//! page: the page fills its fields from it once and deletes it
//! ([`crate::components::forms::echoed_form`]). A cookie, not the address: addresses end up in
//! logs and browser histories, and these fields are names, e-mail addresses and home addresses.
//! It lives in the shopper's own browser, like everything they typed, and needs no state on the
//! server, whichever node answers next.

use axum::{
    body::{to_bytes, Body},
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// The cookie's name.
pub const COOKIE: &str = "tienda_form";

/// The fields each form gets back, by its server function's path: never a password, a key or a
/// token.
const ECHOED: &[(&str, &[&str])] = &[
    ("/rpc/login", &["email"]),
    ("/rpc/password/forgot", &["email"]),
    ("/rpc/register", &["name", "email", "avatar"]),
    ("/rpc/checkout/place", &["fulfilment", "store_id", "recipient", "phone", "address_line", "city", "postal_code"]),
    ("/rpc/cart/add", &["product_id"]),
    ("/rpc/cart/quantity", &["product_id"]),
];

/// Past this, the fields are not handed back (browsers drop cookies over 4 KB; the form's limits
/// keep honest input well below it).
const MAX_COOKIE_BYTES: usize = 3_072;

/// How long the page has to be loaded: the browser follows the redirect at once.
const MAX_AGE_SECS: u32 = 300;

/// The form bodies this reads are at most this long (`body_limit` refuses longer ones first).
const MAX_FORM_BYTES: usize = 64 * 1024;

/// Middleware; the state says whether cookies are marked `Secure` (as the session's are).
pub async fn echo_refused_forms(State(secure): State<bool>, request: Request, next: Next) -> Response {
    let fields = ECHOED.iter().find(|(path, _)| *path == request.uri().path()).map(|(_, fields)| *fields);
    let form_post = request.method() == Method::POST
        && request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let (Some(fields), true) = (fields, form_post) else {
        return next.run(request).await;
    };
    let server_fn_path = request.uri().path().to_owned();
    let page = request.headers().get(header::REFERER).and_then(|v| v.to_str().ok()).and_then(page_path);
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        let error = crate::error::AppError::TooLarge { max_bytes: MAX_FORM_BYTES as u64 };
        return (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(error)).into_response();
    };
    let echo = echo_of(&bytes, fields, &server_fn_path);
    let mut response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    if let (Some(page), Some(echo)) = (page, echo.filter(|_| is_refusal_sent_back(&response))) {
        let secure = if secure { "; Secure" } else { "" };
        let cookie = format!("{COOKIE}={echo}; Path={page}; Max-Age={MAX_AGE_SECS}; HttpOnly; SameSite=Lax{secure}");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The allowed fields of a form body, with the server function they were posted to, as the
/// cookie's value (URL-encoded, so no `;` or space can end it), when they fit.
fn echo_of(body: &[u8], fields: &[&str], server_fn_path: &str) -> Option<String> {
    let mut echo = url::form_urlencoded::Serializer::new(String::new());
    echo.append_pair("__path", server_fn_path);
    for (name, value) in url::form_urlencoded::parse(body) {
        if fields.contains(&name.as_ref()) && !value.is_empty() {
            echo.append_pair(&name, &value);
        }
    }
    Some(echo.finish()).filter(|echo| echo.len() <= MAX_COOKIE_BYTES)
}

/// server_fn sends a refused plain-form post back to its page with `__err` in the address.
fn is_refusal_sent_back(response: &Response) -> bool {
    response.status().is_redirection()
        && response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).is_some_and(|l| l.contains("__err="))
}

/// The path of the page a form was posted from, when it is one a cookie's `Path` can name
/// plainly (letters, digits, `/`, `-`, `_`).
fn page_path(referer: &str) -> Option<String> {
    let url = url::Url::parse(referer).ok()?;
    let path = url.path();
    let plain = path.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_'));
    // No form lives at `/`, and a cookie for `/` would go with every page and outlive the one
    // read that deletes it (its page's own path).
    (plain && !path.starts_with("//") && path != "/").then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_allowed_fields_come_back() {
        let body = b"email=ana%40mail.com&password=secret&next=%2Fcheckout";
        let echo = echo_of(body, &["email"], "/rpc/login").unwrap();
        assert_eq!(echo, "__path=%2Frpc%2Flogin&email=ana%40mail.com");
        let huge = format!("name={}", "x".repeat(4_000));
        assert_eq!(echo_of(huge.as_bytes(), &["name"], "/rpc/register"), None, "too big for a cookie");
    }

    #[test]
    fn the_cookie_is_scoped_to_a_plain_page_path() {
        assert_eq!(page_path("http://shop.example/login?next=%2Fcart").as_deref(), Some("/login"));
        assert_eq!(page_path("https://shop.example:8443/checkout").as_deref(), Some("/checkout"));
        assert_eq!(page_path("http://shop.example/a;b"), None);
        assert_eq!(page_path("http://shop.example//evil"), None);
        assert_eq!(page_path("http://shop.example/"), None, "no form lives there");
        assert_eq!(page_path("not an address"), None);
    }
}
