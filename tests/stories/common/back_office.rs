//! Helpers for the back-office stories: signed-in staff and customers, multipart saves, reads of
//! what the database holds afterwards.

use super::visitor::{Visitor, SESSION};
use super::{Page, TestApp};
use reqwest::multipart::{Form, Part};
use tienda::server::db::with_reader;

pub async fn signed_in(app: &TestApp, email: &str, password: &str) -> Visitor {
    let mut visitor = Visitor::new(&app.base);
    let answer = visitor.sign_in(email, password).await;
    assert_eq!(answer.status, 200, "{email} signs in: {}", answer.body);
    visitor
}

pub async fn admin(app: &TestApp) -> Visitor {
    signed_in(app, "admin@mail.com", "admin123").await
}

pub async fn customer(app: &TestApp) -> Visitor {
    signed_in(app, "john@mail.com", "changeme").await
}

/// A same-origin multipart post, as the product form sends it: text fields and `new_images` files.
pub async fn post_multipart(
    app: &TestApp,
    visitor: &Visitor,
    path: &str,
    fields: &[(&str, &str)],
    files: Vec<(&str, Vec<u8>)>,
) -> Page {
    let mut form = Form::new();
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    for (file_name, bytes) in files {
        form =
            form.part("new_images", Part::bytes(bytes).file_name(file_name.to_owned()).mime_str("image/png").unwrap());
    }
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut request = client.post(format!("{}{path}", app.base)).header("origin", app.base.clone()).multipart(form);
    if let Some(session) = &visitor.session {
        request = request.header("cookie", format!("{SESSION}={session}"));
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    Page { status, headers, body: response.text().await.unwrap() }
}

/// A real PNG of the given size (the server decodes uploads, so signatures alone do not pass).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image =
        image::RgbaImage::from_fn(width, height, |x, y| image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 255]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

pub async fn count(app: &TestApp, sql: &str) -> i64 {
    with_reader!(app.db.reader(), pool => sqlx::query_scalar(sql).fetch_one(pool).await).unwrap()
}

pub async fn text(app: &TestApp, sql: &str, id: i64) -> String {
    with_reader!(app.db.reader(), pool => sqlx::query_scalar(sql).bind(id).fetch_one(pool).await).unwrap()
}

pub async fn number(app: &TestApp, sql: &str, id: i64) -> i64 {
    with_reader!(app.db.reader(), pool => sqlx::query_scalar(sql).bind(id).fetch_one(pool).await).unwrap()
}

/// The id of the product or category with this slug.
pub async fn id_of(app: &TestApp, table: &str, slug: &str) -> i64 {
    let sql = format!("SELECT id FROM {table} WHERE slug = $1");
    with_reader!(app.db.reader(), pool => sqlx::query_scalar(&sql).bind(slug).fetch_one(pool).await).unwrap()
}

/// Files in the media directory's product folder.
pub fn product_files(app: &TestApp) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(app.config.media.dir.join("products"))
        .map(|dir| dir.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// The field errors of a 422 answer, as (field, issue) pairs, e.g. ("price", "NotPositive").
pub fn field_issues(page: &Page) -> Vec<(String, String)> {
    assert_eq!(page.status, 422, "{}", page.body);
    let body: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    body["Validation"]
        .as_array()
        .unwrap_or_else(|| panic!("field errors expected: {}", page.body))
        .iter()
        .map(|e| {
            let issue = match &e["issue"] {
                serde_json::Value::String(name) => name.clone(),
                other => other.as_object().and_then(|o| o.keys().next().cloned()).unwrap_or_default(),
            };
            (e["field"].as_str().unwrap_or_default().to_owned(), issue)
        })
        .collect()
}
