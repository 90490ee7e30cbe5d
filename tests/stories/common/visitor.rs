//! A visitor with a cookie jar of one: the session cookie, kept by hand so tests can copy it,
//! compare it and replay it.

use super::Page;
use reqwest::header::{self, HeaderMap};

pub const SESSION: &str = "tienda_session";
pub const CART: &str = "tienda_cart";
pub const FORM: &str = "tienda_form";

#[derive(Clone)]
pub struct Visitor {
    pub base: String,
    /// The session cookie's value, if the server set one.
    pub session: Option<String>,
    /// The guest's cart count cookie (`tienda_cart`), if the server set one.
    pub cart_cookie: Option<String>,
    /// What a refused plain-form post handed back to its page (`tienda_form`), if the server set it.
    pub form_cookie: Option<String>,
}

impl Visitor {
    pub fn new(base: &str) -> Self {
        Self { base: base.to_owned(), session: None, cart_cookie: None, form_cookie: None }
    }

    /// Another visitor holding a copy of this one's cookie (a stolen or second-tab cookie).
    pub fn with_cookie(base: &str, session: &str) -> Self {
        Self { base: base.to_owned(), session: Some(session.to_owned()), cart_cookie: None, form_cookie: None }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = client().get(format!("{}{path}", self.base)).header(header::ACCEPT, "text/html");
        self.send(request).await
    }

    /// A GET as a page's script makes it (server functions answer JSON).
    pub async fn fetch(&mut self, path: &str) -> Page {
        let request = client().get(format!("{}{path}", self.base)).header(header::ACCEPT, "application/json");
        self.send(request).await
    }

    /// A same-origin form post, as a page's script makes it (answers are JSON).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let origin = self.base.clone();
        let request = client().post(format!("{}{path}", self.base)).header(header::ORIGIN, origin).form(fields);
        self.send(request).await
    }

    /// A form post from a page of another site, as a forged form makes the victim's browser send it.
    pub async fn post_from_elsewhere(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let request = client()
            .post(format!("{}{path}", self.base))
            .header(header::ORIGIN, "https://evil.example")
            .header("sec-fetch-site", "cross-site")
            .header(header::ACCEPT, "text/html")
            .form(fields);
        self.send(request).await
    }

    /// A plain HTML form post (no JavaScript): the browser accepts HTML and says where it was.
    pub async fn submit_form(&mut self, path: &str, from_page: &str, fields: &[(&str, &str)]) -> Page {
        let request = client()
            .post(format!("{}{path}", self.base))
            .header(header::ORIGIN, self.base.clone())
            .header("sec-fetch-site", "same-origin")
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, format!("{}{from_page}", self.base))
            .form(fields);
        self.send(request).await
    }

    /// A GET whose answer is a file: its bytes.
    pub async fn get_bytes(&mut self, path: &str) -> Vec<u8> {
        let mut request = client().get(format!("{}{path}", self.base));
        if let Some(session) = &self.session {
            request = request.header(header::COOKIE, format!("{SESSION}={session}"));
        }
        let response = request.send().await.expect("the request reaches the server");
        assert_eq!(response.status(), 200, "GET {path}");
        response.bytes().await.unwrap().to_vec()
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        self.post("/rpc/login", &[("email", email), ("password", password)]).await
    }

    async fn send(&mut self, mut request: reqwest::RequestBuilder) -> Page {
        let mut cookies = Vec::new();
        if let Some(session) = &self.session {
            cookies.push(format!("{SESSION}={session}"));
        }
        if let Some(count) = &self.cart_cookie {
            cookies.push(format!("{CART}={count}"));
        }
        if let Some(form) = &self.form_cookie {
            cookies.push(format!("{FORM}={form}"));
        }
        if !cookies.is_empty() {
            request = request.header(header::COOKIE, cookies.join("; "));
        }
        let response = request.send().await.expect("the request reaches the server");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if let Some(cookie) = session_cookie(&headers) {
            self.session = (!cookie.value.is_empty() && !cookie.removed).then_some(cookie.value);
        }
        if let Some(cookie) = named_cookie(&headers, CART) {
            self.cart_cookie = (!cookie.removed).then_some(cookie.value);
        }
        if let Some(cookie) = named_cookie(&headers, FORM) {
            self.form_cookie = (!cookie.removed).then_some(cookie.value);
        }
        Page { status, headers, body: response.text().await.unwrap() }
    }
}

/// The session cookie a response sets, with its attributes.
pub struct SetCookie {
    pub value: String,
    pub attributes: String,
    /// Set to expire at once: the server removed it.
    pub removed: bool,
}

pub fn session_cookie(headers: &HeaderMap) -> Option<SetCookie> {
    named_cookie(headers, SESSION)
}

/// The cookie called `name` a response sets, with its attributes.
pub fn named_cookie(headers: &HeaderMap, name: &str) -> Option<SetCookie> {
    headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|line| {
        let (pair, attributes) = line.split_once(';').unwrap_or((line, ""));
        let value = pair.strip_prefix(name)?.strip_prefix('=')?.to_owned();
        let removed = attributes.contains("Max-Age=0") || attributes.contains("1970");
        Some(SetCookie { value, attributes: attributes.to_owned(), removed })
    })
}

/// A client per call: a pooled connection belongs to the runtime that opened it.
fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}
