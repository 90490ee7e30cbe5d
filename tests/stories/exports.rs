//! Exports made by the job queue and delivered by another channel: an admin's catalog and orders
//! CSVs, a person's "export my data" ZIP; each announced by e-mail and in the inbox, downloadable
//! by its owner or an admin only, until it expires (a store's file by an admin only while they are
//! one); a range of days that cannot be exported is
//! refused; a folder that cannot be written leaves no file behind.

use crate::common;

use crate::jobs::{env_with, fast, wait_for_state};
use common::back_office::{admin, count, customer, signed_in};
use common::visitor::Visitor;
use common::{html, spawn_seeded, Backend, TestApp};
use std::time::Duration;
use tienda::model::jobs::JobState;
use tienda::server::{db::jobs as queue, db::with_pool, jobs};

on_both_backends!(
    an_admin_exports_the_catalog_and_the_orders_and_only_they_can_download_them,
    a_customer_exports_their_data_as_a_zip_delivered_by_an_email_link,
    an_admin_demoted_loses_the_stores_files_but_keeps_their_own,
    a_range_of_days_that_cannot_be_exported_is_refused,
    a_download_link_expires_and_its_file_is_deleted,
    a_folder_that_cannot_be_written_leaves_no_file_and_no_link,
    an_avatar_never_names_another_file,
);

fn start_workers(app: &TestApp) -> jobs::Workers {
    jobs::worker::start(env_with(app, app.config.clone()), jobs::kinds::registry(), Vec::new(), fast(2))
}

/// The newest job of `kind`, once it is done.
async fn finished(app: &TestApp, kind: &str) -> queue::JobRow {
    let jobs = queue::list(&app.db, None, None, 100).await.unwrap();
    let id = jobs.iter().find(|job| job.kind == kind).expect("the export was queued").id;
    wait_for_state(app, id, JobState::Done).await
}

/// The id of the download the job made.
async fn download_of(app: &TestApp, job_id: i64) -> i64 {
    count(app, &format!("SELECT id FROM job_results WHERE job_id = {job_id}")).await
}

/// The messages in the outbox, as raw text.
fn outbox(app: &TestApp) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(&app.config.mail.outbox_dir) else { return Vec::new() };
    entries.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect()
}

async fn an_admin_exports_the_catalog_and_the_orders_and_only_they_can_download_them(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let sql = "UPDATE products SET title = '=HYPERLINK(\"http://evil.test\")' WHERE id = 2";
    with_pool!(app.db.writer(), pool => sqlx::query(sql).execute(pool).await.map(|_| ())).unwrap();
    let mut staff = admin(&app).await;
    let first = staff.post("/rpc/admin/exports/catalog", &[]).await;
    let second = staff.post("/rpc/admin/exports/catalog", &[]).await;
    assert_eq!((first.status, first.body.as_str()), (200, "true"), "{}", first.body);
    assert_eq!(second.body, "false", "asked twice while the first is queued: one job");
    let workers = start_workers(&app);
    let job = finished(&app, "catalog_export").await;
    let download = download_of(&app, job.id).await;

    let inbox = staff.get("/account/inbox").await;
    assert!(inbox.body.contains(&format!("href=\"/account/downloads/{download}\"")), "{}", inbox.body);
    let file = staff.get(&format!("/account/downloads/{download}")).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.headers["content-type"], "text/csv; charset=utf-8");
    assert!(file.headers["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"catalog-"));
    assert_eq!(file.headers["cache-control"], "private, no-store");
    let products = count(&app, "SELECT COUNT(*) FROM products").await;
    let lines: Vec<&str> = file.body.lines().collect();
    assert_eq!(lines[0], "id,sku,title,category,price,stock,slug,updated_at");
    assert_eq!(lines.len() as i64, products + 1, "every product, once");
    assert!(lines[2].starts_with("2,TND-00002,\"'=HYPERLINK("), "a formula is defused: {}", lines[2]);
    assert!(outbox(&app).iter().any(|m| m.contains("Subject: Your file catalog-")), "announced by e-mail");

    let mut john = customer(&app).await;
    assert_eq!(john.get(&format!("/account/downloads/{download}")).await.status, 404, "not theirs");
    assert_eq!(john.get("/account/downloads/999999").await.status, 404);
    assert_eq!(john.get("/account/downloads/x%00y").await.status, 400, "a malformed address");
    assert_eq!(john.get("/account/downloads/-1").await.status, 404);
    let stranger = Visitor::new(&app.base).get(&format!("/account/downloads/{download}")).await;
    assert_eq!(stranger.status, 303, "sent to sign in");
    assert_eq!(john.post("/rpc/admin/exports/catalog", &[]).await.status, 403);

    // An order, then its export.
    let token = common::api::customer_token(&app).await;
    let body = serde_json::json!({"lines": [{"productId": 1, "quantity": 1}], "fulfilment": "pickup",
        "paymentMethod": "pay_at_pickup", "recipient": "Jhon Doe", "phone": "+57 300 123 4567", "storeId": 1});
    let request = common::api::client()
        .post(common::api::url(&app, "/orders"))
        .bearer_auth(token)
        .header("Idempotency-Key", "export-1")
        .json(&body);
    let order = common::api::send(request).await;
    assert_eq!(order.status, 201, "{}", order.body);
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let asked = staff.post("/rpc/admin/exports/orders", &[("from", today.as_str()), ("to", today.as_str())]).await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    let job = finished(&app, "orders_export").await;
    workers.stop().await;
    let file = staff.get(&format!("/account/downloads/{}", download_of(&app, job.id).await)).await;
    let lines: Vec<&str> = file.body.lines().collect();
    assert_eq!(lines.len(), 2, "the header and the one order: {}", file.body);
    assert!(lines[1].starts_with(&format!("{},", order.body["id"])) && lines[1].contains("john@mail.com"));
}

async fn a_customer_exports_their_data_as_a_zip_delivered_by_an_email_link(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut john = customer(&app).await;
    assert_eq!(john.post("/rpc/account/export", &[]).await.status, 200);
    let account = john.get("/account").await;
    assert!(account.body.contains("is being prepared"), "the state of the request is shown");
    let workers = start_workers(&app);
    let job = finished(&app, "account_export").await;
    workers.stop().await;
    let download = download_of(&app, job.id).await;

    let mail = outbox(&app).into_iter().find(|m| m.contains("my-data-")).expect("the link was e-mailed");
    assert!(mail.contains(&format!("http://tienda.test/account/downloads/{download}")), "{mail}");
    assert!(mail.contains("john@mail.com"));
    assert!(john.get("/account").await.body.contains("is ready in your inbox"));
    // Every page's header counts the new file beside the inbox link, until it is seen.
    let home = john.get("/").await.html();
    assert_eq!(html::text(&home, ".site-header .inbox-link .badge"), "1");
    assert_eq!(html::text(&home, ".site-header .inbox-link .visually-hidden"), ", 1 new");
    john.get("/account/inbox").await;
    assert!(html::texts(&john.get("/").await.html(), ".site-header .inbox-link .badge").is_empty());

    let file = john.get(&format!("/account/downloads/{download}")).await;
    assert_eq!((file.status, file.headers["content-type"].to_str().unwrap()), (200, "application/zip"));
    let zip_bytes = john.get_bytes(&format!("/account/downloads/{download}")).await;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let mut names: Vec<String> = archive.file_names().map(|name| name.unwrap().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["account.json", "orders.json"]);
    let mut account_json = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("account.json").unwrap(), &mut account_json).unwrap();
    assert!(account_json.contains("\"email\": \"john@mail.com\""), "{account_json}");
    assert!(!account_json.contains("argon2"), "never the password's hash");

    // Asking again at once gets the file just made, not another one (and another e-mail).
    assert_eq!(john.post("/rpc/account/export", &[]).await.body, "false");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM jobs WHERE kind = 'account_export'").await, 1);

    let mut staff = admin(&app).await;
    assert_eq!(staff.get(&format!("/account/downloads/{download}")).await.status, 200, "an admin may");
    let mut maria = signed_in(&app, "maria@mail.com", "12345").await;
    assert_eq!(maria.get(&format!("/account/downloads/{download}")).await.status, 404, "another customer may not");
}

async fn an_admin_demoted_loses_the_stores_files_but_keeps_their_own(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = admin(&app).await;
    let john_id = count(&app, "SELECT id FROM users WHERE email = 'john@mail.com'").await.to_string();
    let promoted = staff.post("/rpc/admin/users/role", &[("user_id", john_id.as_str()), ("role", "admin")]).await;
    assert_eq!(promoted.status, 200, "{}", promoted.body);
    let mut john = customer(&app).await;
    assert_eq!(john.post("/rpc/admin/exports/catalog", &[]).await.status, 200);
    assert_eq!(john.post("/rpc/account/export", &[]).await.status, 200);
    let workers = start_workers(&app);
    let catalog = download_of(&app, finished(&app, "catalog_export").await.id).await;
    let own = download_of(&app, finished(&app, "account_export").await.id).await;
    workers.stop().await;
    assert_eq!(john.get(&format!("/account/downloads/{catalog}")).await.status, 200, "an admin's, while one");

    let demoted = staff.post("/rpc/admin/users/role", &[("user_id", john_id.as_str()), ("role", "customer")]).await;
    assert_eq!(demoted.status, 200, "{}", demoted.body);
    assert_eq!(john.get(&format!("/account/downloads/{catalog}")).await.status, 404, "no longer theirs");
    let inbox = john.get("/account/inbox").await;
    assert!(!inbox.body.contains(&format!("/account/downloads/{catalog}\"")), "{}", inbox.body);
    assert!(inbox.body.contains(&format!("/account/downloads/{own}\"")), "their own data stays: {}", inbox.body);
    assert_eq!(john.get(&format!("/account/downloads/{own}")).await.status, 200);
    assert_eq!(staff.get(&format!("/account/downloads/{catalog}")).await.status, 200, "the store keeps it");
}

async fn a_range_of_days_that_cannot_be_exported_is_refused(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = admin(&app).await;
    for (from, to) in
        [("2026-12-31", "2026-01-01"), ("2020-01-01", "2026-01-01"), ("2026-02-30", "2026-03-01"), ("x", "")]
    {
        let answer = staff.post("/rpc/admin/exports/orders", &[("from", from), ("to", to)]).await;
        assert_eq!(answer.status, 422, "{from}..{to}: {}", answer.body);
    }
    let long = "9".repeat(10_000);
    assert_eq!(staff.post("/rpc/admin/exports/orders", &[("from", &long), ("to", &long)]).await.status, 422);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM jobs").await, 0, "nothing queued");
}

async fn a_download_link_expires_and_its_file_is_deleted(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut john = customer(&app).await;
    john.post("/rpc/account/export", &[]).await;
    let workers = start_workers(&app);
    let job = finished(&app, "account_export").await;
    workers.stop().await;
    let download = download_of(&app, job.id).await;
    let files = || std::fs::read_dir(&app.config.media.private_dir).unwrap().count();
    assert_eq!(files(), 1);
    let sql = format!("UPDATE job_results SET expires_at = 0 WHERE id = {download}");
    with_pool!(app.db.writer(), pool => sqlx::query(&sql).execute(pool).await.map(|_| ())).unwrap();
    assert_eq!(john.get(&format!("/account/downloads/{download}")).await.status, 404, "expired");
    // The lock over stored files' uses lives in the same folder, as old as the store.
    let lock = app.config.media.private_dir.join(tienda::server::media::uses_lock::FILE_NAME);
    let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 24 * 60 * 60);
    std::fs::File::create(&lock).unwrap().set_modified(two_days_ago).unwrap();
    tienda::server::services::downloads::sweep(&app.db, &app.config).await.unwrap();
    assert_eq!(files(), 1, "its file is gone");
    assert!(lock.exists(), "and the lock's file stays");
    assert!(!john.get("/account/inbox").await.body.contains("/account/downloads/"));
}

async fn a_folder_that_cannot_be_written_leaves_no_file_and_no_link(backend: Backend) {
    let app = spawn_seeded(backend).await;
    // The private folder's place is taken by a file: every write fails, as on a full disk.
    let mut config = app.config.clone();
    config.media.private_dir = common::scratch_dir("blocked").join("not-a-folder");
    std::fs::write(&config.media.private_dir, b"in the way").unwrap();
    let mut john = customer(&app).await;
    john.post("/rpc/account/export", &[]).await;
    let workers = jobs::worker::start(env_with(&app, config), jobs::kinds::registry(), Vec::new(), fast(1));
    let jobs = queue::list(&app.db, None, None, 10).await.unwrap();
    let id = jobs[0].id;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let failed = loop {
        let row = queue::find(&app.db, id).await.unwrap().unwrap();
        if row.last_error.is_some() {
            break row;
        }
        assert!(std::time::Instant::now() < deadline, "the export never failed: {row:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    workers.stop().await;
    assert!(failed.last_error.unwrap().contains("file system"), "a clear reason is kept");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM job_results").await, 0, "no link to half a file");
    assert!(outbox(&app).is_empty(), "and no mail");
}

/// A picture is a plain file name in the pictures' folder: not at sign-up, not through an old
/// row, can an avatar name the database or someone else's upload.
async fn an_avatar_never_names_another_file(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut visitor = Visitor::new(&app.base);
    for avatar in [
        "/media/avatars/../../tienda.db",
        "/media/avatars/%2e%2e/x",
        "/media/./avatars/x.png",
        "/media/avatars/someone.png",
        // The site's whole address, however written, is the site's own file.
        "http://tienda.test/media/avatars/someone.png",
        "HTTP://Tienda.Test:80/media/%61vatars/someone.png",
    ] {
        let fields =
            [("name", "Mal"), ("email", "mal@mail.com"), ("password", "a long enough secret"), ("avatar", avatar)];
        let answer = visitor.post("/rpc/register", &fields).await;
        assert_eq!(answer.status, 422, "{avatar}: {}", answer.body);
    }
    // An account that holds such a value anyway (written before these checks).
    let sql = "UPDATE users SET avatar = '/media/avatars/../../tienda.db' WHERE email = 'john@mail.com'";
    with_pool!(app.db.writer(), pool => sqlx::query(sql).execute(pool).await.map(|_| ())).unwrap();
    std::fs::create_dir_all(app.config.media.dir.join("avatars")).unwrap();
    let mut john = customer(&app).await;
    john.post("/rpc/account/export", &[]).await;
    let workers = start_workers(&app);
    let job = finished(&app, "account_export").await;
    workers.stop().await;
    let zip_bytes = john.get_bytes(&format!("/account/downloads/{}", download_of(&app, job.id).await)).await;
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let names: Vec<String> = archive.file_names().map(|name| name.unwrap().into_owned()).collect();
    assert!(names.iter().all(|name| !name.starts_with("picture/")), "no file outside the folder: {names:?}");
}
