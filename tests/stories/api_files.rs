//! `/api/v1/files`: upload an image, fetch it, use it in a product; and what happens to each
//! kind of bad upload (§7 and §10 of docs/api.md).

use crate::common;

use common::api::{admin_token, call, client, customer_token, send, url};
use common::back_office::{png, product_files};
use common::{spawn_seeded, spawn_with, test_config, Backend, SITE};
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::json;

on_both_backends!(
    an_uploaded_image_is_served_and_can_illustrate_a_product,
    bad_uploads_get_4xx_json_and_leave_no_file,
    uploads_need_the_right_to_edit_the_catalog,
    uploads_no_product_uses_are_swept_after_a_day,
    an_upload_used_as_an_avatar_outlives_the_product_that_showed_it,
    an_upload_shown_written_another_way_outlives_the_plain_ones,
);

/// The media and private folders, as the sweep takes them.
fn dirs(app: &common::TestApp) -> (&std::path::Path, &std::path::Path) {
    (&app.config.media.dir, &app.config.media.private_dir)
}

fn form(field: &str, name: &str, bytes: Vec<u8>) -> Form {
    Form::new().text("note", "ignored").part(field.to_owned(), Part::bytes(bytes).file_name(name.to_owned()))
}

async fn upload(app: &common::TestApp, token: Option<&str>, form: Form) -> common::api::Answer {
    let mut request = client().post(url(app, "/files/upload")).multipart(form);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    send(request).await
}

async fn an_uploaded_image_is_served_and_can_illustrate_a_product(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let admin = admin_token(&app).await;
    let image = png(40, 30);
    let uploaded = upload(&app, Some(&admin), form("file", "lamp photo.png", image.clone())).await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.body);
    assert_eq!(uploaded.body["originalname"], "lamp photo.png");
    let name = uploaded.body["filename"].as_str().unwrap().to_owned();
    assert!(name.ends_with(".png") && !name.contains("lamp"), "a name of our choosing: {name}");
    let location = uploaded.body["location"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("{SITE}/api/v1/files/{name}"), "on the serving origin");

    let served = client().get(url(&app, &format!("/files/{name}"))).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert!(served.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    assert_eq!(served.bytes().await.unwrap().to_vec(), image, "the same bytes come back");
    assert!(product_files(&app).iter().any(|f| f.starts_with(name.trim_end_matches(".png")) && f.contains("thumb")));

    let product = json!({
        "title": "Lamp With A Photo",
        "price": 20,
        "description": "Shown by an uploaded image.",
        "categoryId": 3,
        "images": [location],
    });
    let created = call(&app, Method::POST, "/products", Some(&admin), Some(product)).await;
    let stored = format!("{SITE}/media/products/{name}");
    assert_eq!(
        (created.status, created.body["images"][0].as_str()),
        (201, Some(stored.as_str())),
        "stored as our own image"
    );
    // Sending a product's images back as read (absolute addresses) keeps them: nothing is deleted.
    let id = created.body["id"].as_i64().unwrap();
    let images = created.body["images"].clone();
    let body = json!({"price": 21, "images": images});
    let resent = call(&app, Method::PUT, &format!("/products/{id}"), Some(&admin), Some(body)).await;
    assert_eq!((resent.status, &resent.body["images"]), (200, &images));
    assert_eq!(send(client().get(url(&app, &format!("/files/{name}")))).await.status, 200, "the file is still there");
    let page = common::get(&app.base, "/products/lamp-with-a-photo").await;
    assert!(page.body.contains(&format!("/media/products/{name}")), "the storefront shows the upload");

    let missing = send(client().get(url(&app, "/files/nothing-here.png"))).await;
    assert_eq!((missing.status, missing.body["statusCode"].as_i64()), (404, Some(404)));
    for sneaky in ["..%2F..%2Ftienda.db", ".hidden", "%2Fetc%2Fpasswd"] {
        assert_eq!(send(client().get(url(&app, &format!("/files/{sneaky}")))).await.status, 404, "{sneaky}");
    }
}

async fn bad_uploads_get_4xx_json_and_leave_no_file(backend: Backend) {
    let mut config = test_config(backend).await;
    config.media.max_upload_bytes = 20_000;
    let app = spawn_with(config, true).await;
    let admin = admin_token(&app).await;
    let text_as_png = upload(&app, Some(&admin), form("file", "photo.png", b"just some text".to_vec())).await;
    assert_eq!((text_as_png.status, text_as_png.body["statusCode"].as_i64()), (415, Some(415)));
    let mut truncated = png(40, 30);
    truncated.truncate(truncated.len() / 2);
    assert_eq!(upload(&app, Some(&admin), form("file", "half.png", truncated)).await.status, 415);
    // The size is checked while reading, before any decoding: a PNG start and padding will do.
    let mut big = png(4, 4);
    big.resize(30_000, 0);
    let too_large = upload(&app, Some(&admin), form("file", "big.png", big)).await;
    assert_eq!((too_large.status, too_large.body["error"].as_str()), (413, Some("Payload Too Large")));
    let wrong_field = upload(&app, Some(&admin), form("image", "photo.png", png(4, 4))).await;
    assert_eq!((wrong_field.status, wrong_field.body["message"].as_str()), (400, Some("Unexpected field - image")));
    let no_file = upload(&app, Some(&admin), Form::new().text("file", "not a file")).await;
    assert_eq!((no_file.status, no_file.body["message"][0].as_str()), (400, Some("file should not be empty")));
    let not_multipart = call(&app, Method::POST, "/files/upload", Some(&admin), Some(json!({"file": "x"}))).await;
    assert_eq!(not_multipart.status, 400);
    assert!(product_files(&app).is_empty(), "nothing was stored: {:?}", product_files(&app));
}

async fn uploads_need_the_right_to_edit_the_catalog(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let customer = customer_token(&app).await;
    assert_eq!(upload(&app, None, form("file", "a.png", png(4, 4))).await.status, 401);
    assert_eq!(upload(&app, Some(&customer), form("file", "a.png", png(4, 4))).await.status, 403);
    assert!(product_files(&app).is_empty());
}

async fn uploads_no_product_uses_are_swept_after_a_day(backend: Backend) {
    use tienda::server::media::product_images::UNUSED_GRACE;
    use tienda::server::media::sweep::Uploads;
    let sweep_unused =
        |db, media, grace| tienda::server::media::sweep::sweep_unused(db, media, Uploads::ProductImages, grace);
    let app = spawn_seeded(backend).await;
    let admin = admin_token(&app).await;
    let mut names = Vec::new();
    for _ in 0..2 {
        let uploaded = upload(&app, Some(&admin), form("file", "photo.png", png(8, 8))).await;
        assert_eq!(uploaded.status, 201);
        names.push((uploaded.body["filename"].as_str().unwrap().to_owned(), uploaded.body["location"].clone()));
    }
    let [(unused, _), (used, location)] = <[_; 2]>::try_from(names).unwrap();
    let product = json!({"title": "Swept Or Not", "price": 5, "description": "Uses one upload.", "categoryId": 1, "images": [location]});
    assert_eq!(call(&app, Method::POST, "/products", Some(&admin), Some(product)).await.status, 201);
    let media = &app.config.media.dir;
    assert_eq!(sweep_unused(&app.db, dirs(&app), UNUSED_GRACE).await, 0, "a fresh upload may still get its product");
    assert_eq!(product_files(&app).len(), 4, "two images and their thumbnails");

    assert_eq!(sweep_unused(&app.db, dirs(&app), std::time::Duration::ZERO).await, 1);
    let status = |name: String| {
        let app = &app;
        async move { send(client().get(url(app, &format!("/files/{name}")))).await.status }
    };
    assert_eq!(status(unused.clone()).await, 404, "the unused upload is gone");
    assert_eq!(status(used.clone()).await, 200, "the one a product shows stays");
    assert_eq!(product_files(&app).len(), 2, "with its thumbnail: {:?}", product_files(&app));
    assert!(media.join("demo").read_dir().unwrap().count() > 50, "demo images are not uploads");
}

/// Upstream's way to a sign-up picture: upload it, then sign up with the address the upload
/// answered. Deleting a product that showed the same upload leaves the person's picture.
async fn an_upload_used_as_an_avatar_outlives_the_product_that_showed_it(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let admin = admin_token(&app).await;
    let uploaded = upload(&app, Some(&admin), form("file", "me.png", png(20, 20))).await;
    let (name, location) = (
        uploaded.body["filename"].as_str().unwrap().to_owned(),
        uploaded.body["location"].as_str().unwrap().to_owned(),
    );
    let product =
        json!({"title": "Shared Picture", "price": 5, "description": "d", "categoryId": 1, "images": [location]});
    let created = call(&app, Method::POST, "/products", Some(&admin), Some(product)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    // With a query after it, the address still names the upload.
    let avatar = format!("{location}?size=large");
    let person = json!({"name": "Ana", "email": "ana@mail.com", "password": "a long password", "avatar": avatar});
    let signed_up = call(&app, Method::POST, "/users", None, Some(person)).await;
    assert_eq!(signed_up.status, 201, "{}", signed_up.body);

    let id = created.body["id"].as_i64().unwrap();
    let deleted = call(&app, Method::DELETE, &format!("/products/{id}"), Some(&admin), None).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(send(client().get(url(&app, &format!("/files/{name}")))).await.status, 200, "the avatar's file stays");
    let uploads = tienda::server::media::sweep::Uploads::ProductImages;
    let swept =
        tienda::server::media::sweep::sweep_unused(&app.db, dirs(&app), uploads, std::time::Duration::ZERO).await;
    assert_eq!(swept, 0, "and the sweep of unused uploads keeps it");
    assert_eq!(send(client().get(url(&app, &format!("/files/{name}")))).await.status, 200);
}

/// An upload a product shows written another way (with a query, as the site's whole address, by
/// its thumbnail) outlives the deletion of the products that showed it plainly; once nothing shows
/// it, the sweep takes it and its thumbnail.
async fn an_upload_shown_written_another_way_outlives_the_plain_ones(backend: Backend) {
    use tienda::server::media::sweep::{sweep_unused, Uploads};
    let app = spawn_seeded(backend).await;
    let admin = admin_token(&app).await;
    let uploaded = upload(&app, Some(&admin), form("file", "p.png", png(8, 8))).await;
    let name = uploaded.body["filename"].as_str().unwrap().to_owned();
    let plain = format!("/media/products/{name}");
    let thumbnail = format!("/media/products/{}.thumb.jpg", name.split('.').next().unwrap());
    let mut ids = Vec::new();
    for (title, image) in [
        ("Plain One", plain.clone()),
        ("Whole Address", format!("{SITE}{plain}")),
        ("With A Query", format!("{plain}?v=2")),
        ("Its Thumbnail", thumbnail.clone()),
    ] {
        let product = json!({"title": title, "price": 5, "description": "d", "categoryId": 1, "images": [image]});
        let created = call(&app, Method::POST, "/products", Some(&admin), Some(product)).await;
        assert_eq!(created.status, 201, "{title}: {}", created.body);
        ids.push(created.body["id"].as_i64().unwrap());
    }
    for id in &ids[..3] {
        assert_eq!(call(&app, Method::DELETE, &format!("/products/{id}"), Some(&admin), None).await.status, 200);
        assert_eq!(product_files(&app).len(), 2, "kept, with its thumbnail, while a product shows either");
    }
    assert_eq!(sweep_unused(&app.db, dirs(&app), Uploads::ProductImages, std::time::Duration::ZERO).await, 0);
    let thumbnail_url = format!("{}{thumbnail}", app.base);
    assert_eq!(send(client().get(thumbnail_url)).await.status, 200);

    let last = ids[3];
    assert_eq!(call(&app, Method::DELETE, &format!("/products/{last}"), Some(&admin), None).await.status, 200);
    assert_eq!(sweep_unused(&app.db, dirs(&app), Uploads::ProductImages, std::time::Duration::ZERO).await, 1);
    assert!(product_files(&app).is_empty(), "{:?}", product_files(&app));
}
