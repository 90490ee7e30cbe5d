//! Uploading a picture to one's account: images only, judged by their bytes; size limits; who may.

use crate::common;

use common::visitor::Visitor;
use common::{spawn_with, test_config, Backend, TestApp};
use reqwest::multipart::{Form, Part};
use tienda::server::db::with_reader;

on_both_backends!(
    a_signed_in_customer_uploads_a_picture,
    anything_but_an_image_is_refused_whatever_its_name,
    files_over_the_limit_are_refused_with_413,
    a_form_without_a_file_gets_a_field_error,
    only_the_account_holder_from_this_site_may_upload,
    an_avatar_link_cannot_point_at_someone_elses_upload,
    pictures_no_account_shows_are_swept,
);

/// A server that accepts uploads of up to 4 KB, so the limit is cheap to cross.
async fn server(backend: Backend) -> TestApp {
    let mut config = test_config(backend).await;
    config.media.max_upload_bytes = 4 * 1024;
    spawn_with(config, true).await
}

/// A real (tiny) PNG padded to `size` bytes: the server decodes every picture whole, and decoders
/// stop at the image's end, so the padding only sets the file's size.
fn png(size: usize) -> Vec<u8> {
    let mut bytes = common::back_office::png(2, 2);
    assert!(bytes.len() <= size, "a {size}-byte PNG is too small for any image");
    bytes.resize(size, 7);
    bytes
}

async fn upload(app: &TestApp, visitor: &Visitor, file_name: &str, bytes: Vec<u8>) -> (u16, String) {
    let response = upload_request(&app.base, visitor, file_name, bytes).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// A same-origin post of `bytes` as `visitor`'s picture, ready to send.
fn upload_request(base: &str, visitor: &Visitor, file_name: &str, bytes: Vec<u8>) -> reqwest::RequestBuilder {
    let form =
        Form::new().part("avatar", Part::bytes(bytes).file_name(file_name.to_owned()).mime_str("image/png").unwrap());
    let mut request = reqwest::Client::new().post(format!("{base}/rpc/account/avatar")).multipart(form);
    request = request.header("origin", base.to_owned());
    if let Some(session) = &visitor.session {
        request = request.header("cookie", format!("tienda_session={session}"));
    }
    request
}

async fn avatar_of(app: &TestApp, email: &str) -> String {
    with_reader!(app.db.reader(), pool => sqlx::query_scalar("SELECT avatar FROM users WHERE email = $1")
        .bind(email).fetch_one(pool).await)
    .unwrap()
}

fn uploads_on_disk(app: &TestApp) -> usize {
    std::fs::read_dir(app.config.media.dir.join("avatars")).map(|dir| dir.count()).unwrap_or(0)
}

async fn signed_in(app: &TestApp, email: &str, password: &str) -> Visitor {
    let mut visitor = Visitor::new(&app.base);
    assert_eq!(visitor.sign_in(email, password).await.status, 200);
    visitor
}

async fn a_signed_in_customer_uploads_a_picture(backend: Backend) {
    let app = server(backend).await;
    let mut john = signed_in(&app, "john@mail.com", "changeme").await;
    let image = png(3000);
    let (status, body) = upload(&app, &john, "me.png", image.clone()).await;
    assert_eq!(status, 200, "{body}");
    let avatar = avatar_of(&app, "john@mail.com").await;
    assert!(avatar.starts_with("/media/avatars/") && avatar.ends_with(".png"), "{avatar}");
    assert!(!avatar.contains("me.png"), "the server chooses the name");
    let served = common::get(&app.base, &avatar).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.headers["content-type"], "image/png");
    assert_eq!(served.headers["content-length"], image.len().to_string().as_str(), "the bytes as uploaded");

    let (status, _) = upload(&app, &john, "again.png", png(100)).await;
    assert_eq!(status, 200);
    assert_eq!(uploads_on_disk(&app), 1, "the replaced picture is deleted");
    let page = john.get("/account").await;
    let shown = common::html::attr(&page.html(), "img.avatar", "src");
    assert_eq!(shown, avatar_of(&app, "john@mail.com").await, "the account page shows it");

    // Uploads at once (a double click, several tabs): each deletes the picture its own write
    // replaced, so one file is left, the one the account shows (the others were left behind).
    let uploads = (0..10).map(|n| {
        let request = upload_request(&app.base, &john, "me.png", png(200 + n));
        tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
    });
    let statuses: Vec<u16> = futures_util::future::join_all(uploads).await.into_iter().map(Result::unwrap).collect();
    assert!(statuses.iter().all(|status| *status == 200), "{statuses:?}");
    assert_eq!(uploads_on_disk(&app), 1, "only the picture shown is kept");
    let avatar = avatar_of(&app, "john@mail.com").await;
    assert_eq!(common::get(&app.base, &avatar).await.status, 200);

    // Saving the profile form (the name changed, the picture kept as the form showed it) while
    // new pictures arrive: the picture is not written back, so no save undoes an upload or
    // deletes the picture one put there.
    let shown = avatar.clone();
    let saves = (0..5).map(|n| {
        let mut john = john.clone();
        let shown = shown.clone();
        tokio::spawn(async move {
            let name = format!("Jhon {n}");
            john.post("/rpc/account/profile", &[("name", name.as_str()), ("avatar", shown.as_str())]).await.status
        })
    });
    let uploads = (0..5).map(|n| {
        let request = upload_request(&app.base, &john, "me.png", png(300 + n));
        tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
    });
    let saved = futures_util::future::join_all(saves).await;
    let uploaded = futures_util::future::join_all(uploads).await;
    let statuses: Vec<u16> = saved.into_iter().chain(uploaded).map(Result::unwrap).collect();
    assert!(statuses.iter().all(|status| *status == 200), "{statuses:?}");
    let avatar = avatar_of(&app, "john@mail.com").await;
    assert_ne!(avatar, shown, "the last upload's picture, not the one the forms showed");
    assert_eq!(common::get(&app.base, &avatar).await.status, 200, "and its file is there");
    assert_eq!(uploads_on_disk(&app), 1);
}

async fn anything_but_an_image_is_refused_whatever_its_name(backend: Backend) {
    let app = server(backend).await;
    let john = signed_in(&app, "john@mail.com", "changeme").await;
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec();
    for (name, bytes) in [("notes.png", b"just some text, not a picture".to_vec()), ("logo.png", svg)] {
        let (status, body) = upload(&app, &john, name, bytes).await;
        assert_eq!(status, 415, "{name}: {body}");
    }
    assert_eq!(avatar_of(&app, "john@mail.com").await, "/media/demo/avatar-jhon.svg", "unchanged");
    assert_eq!(uploads_on_disk(&app), 0, "nothing stored");
}

async fn files_over_the_limit_are_refused_with_413(backend: Backend) {
    let app = server(backend).await;
    let john = signed_in(&app, "john@mail.com", "changeme").await;
    let (status, body) = upload(&app, &john, "big.png", png(4 * 1024 + 1)).await;
    assert_eq!(status, 413, "just over the limit: {body}");
    assert!(body.contains("TooLarge"), "{body}");
    let (status, _) = upload(&app, &john, "huge.png", png(2 * 1024 * 1024)).await;
    assert_eq!(status, 413, "far over it, refused before the body is read");
    let (status, _) = upload(&app, &john, "exact.png", png(4 * 1024)).await;
    assert_eq!(status, 200, "exactly the limit is fine");

    let mut browser = signed_in(&app, "maria@mail.com", "12345").await;
    let no_js = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = Form::new().part("avatar", Part::bytes(png(2 * 1024 * 1024)).file_name("huge.png"));
    let answer = no_js
        .post(format!("{}/rpc/account/avatar", app.base))
        .header("origin", app.base.clone())
        .header("accept", "text/html")
        .header("referer", format!("{}/account", app.base))
        .header("cookie", format!("tienda_session={}", browser.session.clone().unwrap()))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303, "a browser without JavaScript is sent back to the page");
    let back = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.starts_with("/account?") && back.contains("__err="), "{back}");
    let page = browser.get(&back).await;
    assert!(page.body.contains("That file is too large. Files may be up to 4 KB."), "the page says why");
}

async fn a_form_without_a_file_gets_a_field_error(backend: Backend) {
    let app = server(backend).await;
    let john = signed_in(&app, "john@mail.com", "changeme").await;
    let (status, body) = upload(&app, &john, "empty.png", Vec::new()).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains(r#""field":"avatar","issue":"Required""#), "{body}");
}

async fn only_the_account_holder_from_this_site_may_upload(backend: Backend) {
    let app = server(backend).await;
    let (status, _) = upload(&app, &Visitor::new(&app.base), "me.png", png(100)).await;
    assert_eq!(status, 401, "signed out");
    let john = signed_in(&app, "john@mail.com", "changeme").await;
    let form = Form::new().part("avatar", Part::bytes(png(100)).file_name("x.png"));
    let forged = reqwest::Client::new()
        .post(format!("{}/rpc/account/avatar", app.base))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .header("cookie", format!("tienda_session={}", john.session.clone().unwrap()))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(uploads_on_disk(&app), 0);
}

async fn an_avatar_link_cannot_point_at_someone_elses_upload(backend: Backend) {
    let app = server(backend).await;
    let maria = signed_in(&app, "maria@mail.com", "12345").await;
    assert_eq!(upload(&app, &maria, "m.png", png(100)).await.0, 200);
    let marias = avatar_of(&app, "maria@mail.com").await;
    let mut john = signed_in(&app, "john@mail.com", "changeme").await;
    let answer = john.post("/rpc/account/profile", &[("name", "Jhon"), ("avatar", &marias)]).await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert!(answer.body.contains(r#""field":"avatar","issue":"InvalidUrl""#));
    assert_eq!(upload(&app, &john, "j.png", png(100)).await.0, 200);
    assert_eq!(common::get(&app.base, &marias).await.status, 200, "Maria's picture is still there");
}

/// A picture file no account shows (left by a change that raced another, or by a crash between
/// writing it and naming it) is deleted by the housekeeping sweep once an hour old; the pictures
/// accounts show, and the catalog's uploads, stay.
async fn pictures_no_account_shows_are_swept(backend: Backend) {
    use tienda::server::media::sweep::{sweep_unused, Uploads};
    let app = server(backend).await;
    let john = signed_in(&app, "john@mail.com", "changeme").await;
    assert_eq!(upload(&app, &john, "me.png", png(3000)).await.0, 200);
    let shown = avatar_of(&app, "john@mail.com").await;
    let folder = app.config.media.dir.join("avatars");
    let stray = folder.join("0123456789abcdef0123456789abcdef.png");
    std::fs::write(&stray, png(3000)).unwrap();
    std::fs::create_dir_all(app.config.media.dir.join("products")).unwrap();
    let product_upload = app.config.media.dir.join("products/fedcba9876543210fedcba9876543210.png");
    std::fs::write(&product_upload, png(3000)).unwrap();

    let dirs = (app.config.media.dir.as_path(), app.config.media.private_dir.as_path());
    let hour = std::time::Duration::from_secs(3600);
    assert_eq!(sweep_unused(&app.db, dirs, Uploads::Pictures, hour).await, 0, "a fresh file may still be named");
    assert_eq!(sweep_unused(&app.db, dirs, Uploads::Pictures, std::time::Duration::ZERO).await, 1);
    assert!(!stray.exists(), "the stray picture is gone");
    assert_eq!(common::get(&app.base, &shown).await.status, 200, "the one John shows stays");
    assert!(product_upload.exists(), "another folder's uploads are not this sweep's");
}
