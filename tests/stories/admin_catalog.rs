//! The back office's catalog: who may use it, what each bad input gets, and what the store shows
//! after each change (the storefront, the sitemap, the database, the media directory).

use crate::common;

use common::back_office::{
    admin, count, customer, field_issues, id_of, number, png, post_multipart, product_files, text,
};
use common::visitor::Visitor;
use common::{spawn_seeded, spawn_with, test_config, Backend, TestApp};

on_both_backends!(
    signed_out_visitors_and_customers_are_kept_out,
    an_admin_creates_edits_and_deletes_a_category,
    category_mistakes_get_field_errors_and_change_nothing,
    a_category_in_use_cannot_be_deleted,
    an_admin_creates_a_product_with_an_uploaded_image,
    each_bad_product_field_is_refused_and_nothing_is_stored,
    uploads_are_judged_by_content_and_size,
    inline_edits_change_one_field_and_stale_ones_are_refused,
    a_full_edit_replaces_the_product_and_drops_removed_uploads,
    deleting_a_product_removes_it_everywhere,
    an_upload_still_shown_elsewhere_is_kept,
    the_back_office_pages_render_for_admins,
    forms_without_javascript_come_back_with_their_errors,
);

const IMAGE: &str = "https://example.com/lamp.png";

/// The fields of a good new product in category `category_id`.
fn product_fields(title: &str, category_id: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title", title.to_owned()),
        ("description", "Brass desk lamp with a linen shade.".to_owned()),
        ("price", "49.90".to_owned()),
        ("stock", "7".to_owned()),
        ("category_id", category_id.to_owned()),
        ("images", IMAGE.to_owned()),
    ]
}

fn with(fields: &[(&'static str, String)], name: &'static str, value: &str) -> Vec<(&'static str, String)> {
    let mut fields: Vec<_> = fields.iter().filter(|(k, _)| *k != name).cloned().collect();
    fields.push((name, value.to_owned()));
    fields
}

fn refs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn save_product(
    app: &TestApp,
    visitor: &Visitor,
    fields: &[(&'static str, String)],
    files: Vec<(&str, Vec<u8>)>,
) -> common::Page {
    post_multipart(app, visitor, "/rpc/admin/products/save", &refs(fields), files).await
}

async fn furniture(app: &TestApp) -> String {
    id_of(app, "categories", "furniture").await.to_string()
}

async fn signed_out_visitors_and_customers_are_kept_out(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let before = count(&app, "SELECT COUNT(*) FROM products").await;
    let page = common::get(&app.base, "/admin/products").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.headers["location"], "/login?next=%2Fadmin%2Fproducts");

    let mut john = customer(&app).await;
    for path in ["/admin", "/admin/products", "/admin/products/new", "/admin/categories", "/admin/users"] {
        let page = john.get(path).await;
        assert_eq!(page.status, 403, "{path}");
        assert!(page.body.contains("Access denied"), "{path}");
    }
    let reads = ["/rpc/admin/dashboard", "/rpc/admin/products", "/rpc/admin/products/form", "/rpc/admin/categories"];
    for path in reads {
        assert_eq!(Visitor::new(&app.base).fetch(path).await.status, 401, "{path}");
        assert_eq!(john.fetch(path).await.status, 403, "{path}");
    }
    let writes: [(&str, &[(&str, &str)]); 4] = [
        ("/rpc/admin/categories/save", &[("name", "Hats"), ("image", IMAGE)]),
        ("/rpc/admin/categories/delete", &[("id", "5")]),
        ("/rpc/admin/products/patch", &[("id", "1"), ("version", "1"), ("price", "1.00")]),
        ("/rpc/admin/products/delete", &[("id", "1")]),
    ];
    for (path, fields) in writes {
        assert_eq!(Visitor::new(&app.base).post(path, fields).await.status, 401, "{path}");
        assert_eq!(john.post(path, fields).await.status, 403, "{path}");
    }
    let fields = product_fields("Sneaky lamp", &furniture(&app).await);
    assert_eq!(save_product(&app, &john, &fields, vec![]).await.status, 403);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM products").await, before, "nothing changed");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM categories").await, 5);
}

async fn an_admin_creates_edits_and_deletes_a_category(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = admin(&app).await;
    let saved = staff.post("/rpc/admin/categories/save", &[("name", "Garden Tools"), ("image", IMAGE)]).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let id = id_of(&app, "categories", "garden-tools").await;
    let admin_id = count(&app, "SELECT id FROM users WHERE email = 'admin@mail.com'").await;
    assert_eq!(number(&app, "SELECT updated_by FROM categories WHERE id = $1", id).await, admin_id, "who changed it");
    assert_eq!(common::get(&app.base, "/categories/garden-tools").await.status, 200, "the storefront shows it at once");
    assert!(common::sitemap::crawled_paths(&app.base).await.iter().any(|path| path == "/categories/garden-tools"));

    let id_text = id.to_string();
    let edit = [("id", id_text.as_str()), ("version", "1"), ("name", "Garden & Patio"), ("image", IMAGE)];
    assert_eq!(staff.post("/rpc/admin/categories/save", &edit).await.status, 200);
    assert_eq!(
        text(&app, "SELECT slug FROM categories WHERE id = $1", id).await,
        "garden-patio",
        "the slug follows the name"
    );
    assert_eq!(common::get(&app.base, "/categories/garden-tools").await.status, 404);
    assert_eq!(common::get(&app.base, "/categories/garden-patio").await.status, 200);

    // A second admin's form still holds version 1: their save must not overwrite the change.
    let stale = [("id", id_text.as_str()), ("version", "1"), ("name", "Garden"), ("image", IMAGE)];
    let refused = staff.post("/rpc/admin/categories/save", &stale).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("StaleEdit"));
    assert_eq!(text(&app, "SELECT name FROM categories WHERE id = $1", id).await, "Garden & Patio");

    assert_eq!(staff.post("/rpc/admin/categories/delete", &[("id", id_text.as_str())]).await.status, 200);
    assert_eq!(common::get(&app.base, "/categories/garden-patio").await.status, 404);
    assert!(!common::sitemap::crawled_paths(&app.base).await.iter().any(|path| path == "/categories/garden-patio"));
    assert_eq!(
        staff.post("/rpc/admin/categories/delete", &[("id", id_text.as_str())]).await.status,
        404,
        "already gone"
    );
}

async fn category_mistakes_get_field_errors_and_change_nothing(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = admin(&app).await;
    type Case<'a> = (&'a [(&'a str, &'a str)], (&'a str, &'a str));
    let cases: [Case; 5] = [
        (&[("name", ""), ("image", IMAGE)], ("name", "Required")),
        (&[("name", "Hats"), ("image", "")], ("image", "Required")),
        (&[("name", "Hats"), ("image", "not a link")], ("image", "InvalidUrl")),
        (&[("name", "!!!"), ("image", IMAGE)], ("name", "NeedsLetters")),
        // "SHOES!" makes the slug "shoes", which the seed's Shoes category has.
        (&[("name", "SHOES!"), ("image", IMAGE)], ("name", "NameTaken")),
    ];
    for (fields, (field, issue)) in cases {
        let answer = staff.post("/rpc/admin/categories/save", fields).await;
        assert_eq!(field_issues(&answer), [(field.to_owned(), issue.to_owned())], "{fields:?}");
    }
    let too_long = "x".repeat(61);
    let answer = staff.post("/rpc/admin/categories/save", &[("name", too_long.as_str()), ("image", IMAGE)]).await;
    assert_eq!(field_issues(&answer)[0].0, "name");
    let missing = staff.post("/rpc/admin/categories/save", &[("name", "Hats")]).await;
    assert_eq!(missing.status, 400, "a missing argument is a bad request: {}", missing.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM categories").await, 5, "nothing was stored");
}

async fn a_category_in_use_cannot_be_deleted(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = admin(&app).await;
    let id = id_of(&app, "categories", "shoes").await;
    let holding = number(&app, "SELECT COUNT(*) FROM products WHERE category_id = $1", id).await;
    let answer = staff.post("/rpc/admin/categories/delete", &[("id", &id.to_string())]).await;
    assert_eq!(answer.status, 409, "{}", answer.body);
    let body: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(body["CategoryInUse"]["products"], holding, "the answer says how many products hold it");
    assert_eq!(common::get(&app.base, "/categories/shoes").await.status, 200, "still there");
    let page = staff.get(&format!("/admin/categories/{id}/delete")).await;
    assert!(page.body.contains(&format!("{holding} products are in it")), "the confirmation page says so up front");
}

async fn an_admin_creates_a_product_with_an_uploaded_image(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let staff = admin(&app).await;
    let fields = with(&product_fields("Brass Desk Lamp", &furniture(&app).await), "images", "");
    let saved = save_product(&app, &staff, &fields, vec![("lamp.png", png(1200, 800))]).await;
    assert_eq!(saved.status, 200, "{}", saved.body);

    let id = id_of(&app, "products", "brass-desk-lamp").await;
    let images: Vec<String> =
        serde_json::from_str(&text(&app, "SELECT images FROM products WHERE id = $1", id).await).unwrap();
    assert_eq!(images.len(), 1);
    let image = &images[0];
    assert!(image.starts_with("/media/products/") && image.ends_with(".png") && !image.contains("lamp"), "{image}");
    assert_eq!(product_files(&app).len(), 2, "the image and its thumbnail");
    assert_eq!(number(&app, "SELECT price_cents FROM products WHERE id = $1", id).await, 4990);

    let served = common::get(&app.base, image).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.headers["cache-control"], "public, max-age=31536000, immutable");
    let thumbnail = image.replace(".png", ".thumb.jpg");
    let thumb = common::get(&app.base, &thumbnail).await;
    assert_eq!((thumb.status, &thumb.headers["content-type"]), (200, &"image/jpeg".parse().unwrap()));

    let page = common::get(&app.base, "/products/brass-desk-lamp").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Brass Desk Lamp") && page.body.contains("$49.90"));
    assert!(common::sitemap::crawled_paths(&app.base).await.iter().any(|path| path == "/products/brass-desk-lamp"));
    let listing = common::get(&app.base, "/products?q=brass+desk+lamp").await;
    assert!(listing.body.contains(&thumbnail), "listings show the light thumbnail");
}

async fn each_bad_product_field_is_refused_and_nothing_is_stored(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let staff = admin(&app).await;
    let good = product_fields("Desk Lamp", &furniture(&app).await);
    let before = count(&app, "SELECT COUNT(*) FROM products").await;
    let cases = [
        ("price", "-3", "NotPositive"),
        ("price", "0", "NotPositive"),
        ("price", "cheap", "InvalidNumber"),
        ("title", "  ", "Required"),
        ("description", "", "Required"),
        ("description", "Soft\u{0}ware", "InvalidCharacters"),
        ("stock", "-1", "OutOfRange"),
        ("category_id", "9999", "UnknownCategory"),
        ("images", "", "Required"),
        ("images", "ftp://example.com/a.png", "InvalidUrl"),
        ("images", "/media/demo/no-such-picture.svg", "NoSuchFile"),
        // An account's picture, or an escaped name, however the site is written.
        ("images", "http://tienda.test/media/avatars/someone.png", "NoSuchFile"),
        ("images", "http://TIENDA.test:80/api/v1/files/0a1b%32.png", "NoSuchFile"),
        // The seed has "Classic Oxford Shirt"; the same title makes the same slug.
        ("title", "Classic Oxford Shirt", "NameTaken"),
    ];
    for (field, value, issue) in cases {
        // Each form also carries a good upload, which must not be stored when another field fails;
        // except the one that checks a product needs an image at all.
        let files = if (field, value) == ("images", "") { vec![] } else { vec![("x.png", png(20, 20))] };
        let answer = save_product(&app, &staff, &with(&good, field, value), files).await;
        assert_eq!(field_issues(&answer), [(field.to_owned(), issue.to_owned())], "{field}={value}");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM products").await, before, "nothing was stored");
    assert_eq!(product_files(&app), Vec::<String>::new(), "no upload outlived its refused form");
    let tabs = with(&good, "description", "Width:\t40 cm\nHeight:\t60 cm");
    assert_eq!(save_product(&app, &staff, &tabs, vec![]).await.status, 200, "tabs and line breaks are fine");
}

async fn uploads_are_judged_by_content_and_size(backend: Backend) {
    let mut config = test_config(backend).await;
    config.media.max_upload_bytes = 64 * 1024;
    let app = spawn_with(config, true).await;
    let staff = admin(&app).await;
    let fields = with(&product_fields("Paper Lamp", &furniture(&app).await), "images", "");
    let before = count(&app, "SELECT COUNT(*) FROM products").await;

    let text_as_png = save_product(&app, &staff, &fields, vec![("lamp.png", b"just some text".to_vec())]).await;
    assert_eq!(text_as_png.status, 415, "{}", text_as_png.body);
    let mut broken = png(40, 40);
    broken.truncate(broken.len() / 2);
    assert_eq!(
        save_product(&app, &staff, &fields, vec![("half.png", broken)]).await.status,
        415,
        "a PNG that does not decode"
    );
    let oversize = save_product(&app, &staff, &fields, vec![("big.png", vec![0x89; 65 * 1024])]).await;
    assert_eq!(oversize.status, 413, "{}", oversize.body);
    let five = (0..5).map(|_| ("small.png", png(10, 10))).collect();
    let too_many = save_product(&app, &staff, &fields, five).await;
    assert_eq!(too_many.status, 422, "four uploads a save, as the form says: {}", too_many.body);
    assert!(too_many.body.contains("new_images") && too_many.body.contains("TooMany"), "{}", too_many.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM products").await, before);
    assert!(product_files(&app).is_empty());
}

async fn inline_edits_change_one_field_and_stale_ones_are_refused(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = admin(&app).await;
    let id = id_of(&app, "products", "classic-oxford-shirt").await;
    let (id_text, title_before) = (id.to_string(), text(&app, "SELECT title FROM products WHERE id = $1", id).await);
    let patch = |version: &'static str, field: &'static str, value: &'static str| {
        vec![("id", id_text.clone()), ("version", version.to_owned()), (field, value.to_owned())]
    };
    let answer = staff.post("/rpc/admin/products/patch", &refs(&patch("1", "price", "12.34"))).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(number(&app, "SELECT price_cents FROM products WHERE id = $1", id).await, 1234);
    assert_eq!(number(&app, "SELECT version FROM products WHERE id = $1", id).await, 2);
    assert_eq!(
        text(&app, "SELECT title FROM products WHERE id = $1", id).await,
        title_before,
        "only the price changed"
    );
    assert!(common::get(&app.base, "/products/classic-oxford-shirt").await.body.contains("$12.34"));

    let stale = staff.post("/rpc/admin/products/patch", &refs(&patch("1", "stock", "3"))).await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(stale.body.contains("StaleEdit"));
    assert_ne!(number(&app, "SELECT stock FROM products WHERE id = $1", id).await, 3);

    assert_eq!(
        field_issues(&staff.post("/rpc/admin/products/patch", &refs(&patch("2", "price", "0"))).await)[0].1,
        "NotPositive"
    );
    assert_eq!(
        field_issues(&staff.post("/rpc/admin/products/patch", &refs(&patch("2", "stock", "lots"))).await)[0].1,
        "NotWholeNumber"
    );
    assert_eq!(staff.post("/rpc/admin/products/patch", &refs(&patch("2", "stock", "0"))).await.status, 200);
    assert_eq!(number(&app, "SELECT stock FROM products WHERE id = $1", id).await, 0);
    let both = staff.post("/rpc/admin/products/patch", &[("id", id_text.as_str()), ("version", "3")]).await;
    assert_eq!(both.status, 400, "a patch names one field");
}

async fn a_full_edit_replaces_the_product_and_drops_removed_uploads(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let staff = admin(&app).await;
    let category = furniture(&app).await;
    let fields = with(&product_fields("Oak Stool", &category), "images", "");
    assert_eq!(save_product(&app, &staff, &fields, vec![("a.png", png(50, 50))]).await.status, 200);
    let id = id_of(&app, "products", "oak-stool").await;
    assert_eq!(product_files(&app).len(), 2);

    let mut edit = product_fields("Oak Bar Stool", &category);
    edit.push(("id", id.to_string()));
    edit.push(("version", "1".to_owned()));
    let saved = save_product(&app, &staff, &edit, vec![]).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(text(&app, "SELECT slug FROM products WHERE id = $1", id).await, "oak-bar-stool");
    assert_eq!(text(&app, "SELECT images FROM products WHERE id = $1", id).await, format!("[\"{IMAGE}\"]"));
    assert!(product_files(&app).is_empty(), "the removed upload and its thumbnail are deleted");

    let stale = save_product(&app, &staff, &with(&edit, "title", "Pine Stool"), vec![]).await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert_eq!(text(&app, "SELECT title FROM products WHERE id = $1", id).await, "Oak Bar Stool");
}

async fn deleting_a_product_removes_it_everywhere(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = admin(&app).await;
    let fields = with(&product_fields("Wicker Basket", &furniture(&app).await), "images", "");
    assert_eq!(save_product(&app, &staff, &fields, vec![("b.png", png(30, 30))]).await.status, 200);
    let id = id_of(&app, "products", "wicker-basket").await.to_string();
    assert_eq!(common::get(&app.base, "/products/wicker-basket").await.status, 200);

    assert_eq!(staff.post("/rpc/admin/products/delete", &[("id", id.as_str())]).await.status, 200);
    assert_eq!(common::get(&app.base, "/products/wicker-basket").await.status, 404);
    assert!(!common::sitemap::crawled_paths(&app.base).await.iter().any(|path| path == "/products/wicker-basket"));
    assert!(product_files(&app).is_empty(), "its upload is gone too");
    assert_eq!(staff.post("/rpc/admin/products/delete", &[("id", id.as_str())]).await.status, 404);
}

async fn the_back_office_pages_render_for_admins(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = admin(&app).await;
    let dashboard = staff.get("/admin").await;
    assert_eq!(dashboard.status, 200);
    let html = dashboard.html();
    assert_eq!(common::html::texts(&html, ".stat dd")[0], "51", "the product count");
    assert_eq!(
        html.select(&scraper::Selector::parse("svg[role=img]").unwrap()).count(),
        4,
        "two catalog charts, two sales charts"
    );
    assert!(dashboard.body.contains("Products per category") && dashboard.body.contains("<caption>"));
    assert!(dashboard.headers["cache-control"].to_str().unwrap().contains("no-store"), "never shared");

    let table = staff.get("/admin/products?q=oxford&sort=price_asc").await;
    assert_eq!(table.status, 200);
    let titles = common::html::texts(&table.html(), ".admin-table tbody th a");
    assert!(titles.contains(&"Classic Oxford Shirt".to_owned()) && titles.len() < 5, "{titles:?}");
    let table = table.html();
    // The table scrolls sideways on a phone, by keyboard too: its frame takes focus, and has a name.
    let frame = ".table-scroll[role=region][tabindex='0']";
    assert_eq!(common::html::attrs(&table, frame, "aria-label"), ["Products"]);
    let row_links = common::html::attrs(&table, ".row-actions a", "aria-label");
    assert!(
        row_links.contains(&"Edit Classic Oxford Shirt".to_owned())
            && row_links.contains(&"Delete Classic Oxford Shirt".to_owned()),
        "each row's links name their product: {row_links:?}"
    );
    let id = id_of(&app, "products", "classic-oxford-shirt").await;
    let form = staff.get(&format!("/admin/products/{id}")).await.html();
    assert_eq!(common::html::attr(&form, "#field-title", "value"), "Classic Oxford Shirt");
    assert_eq!(common::html::attr(&form, "#field-price", "inputmode"), "decimal", "a phone offers the decimal point");
    assert_eq!(staff.get("/admin/products/99999").await.status, 404);
    assert_eq!(staff.get("/admin/products/abc").await.status, 404);
    let categories = staff.get("/admin/categories").await;
    assert!(categories.body.contains("/categories/shoes"));
    assert_eq!(common::html::attrs(&categories.html(), frame, "aria-label"), ["Categories"]);
    let users = staff.get("/admin/users?q=john").await;
    assert!(users.body.contains("john@mail.com"));
    assert_eq!(common::html::attrs(&users.html(), frame, "aria-label"), ["Users"]);

    let product_form = format!("/admin/products/{id}");
    for path in ["/admin", "/admin/products", "/admin/products/new", &product_form, "/admin/categories/new"] {
        let page = staff.get(path).await.html();
        assert_eq!(common::html::broken_id_references(&page), Vec::<String>::new(), "{path}");
    }
}

async fn forms_without_javascript_come_back_with_their_errors(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = admin(&app).await;
    let back = staff
        .submit_form("/rpc/admin/categories/save", "/admin/categories/new", &[("name", ""), ("image", IMAGE)])
        .await;
    assert!(matches!(back.status, 302 | 303), "{}", back.status);
    let location = back.headers["location"].to_str().unwrap().trim_start_matches(&app.base).to_owned();
    assert!(location.starts_with("/admin/categories/new?"), "{location}");
    let page = staff.get(&location).await;
    assert_eq!(common::html::text(&page.html(), "#field-name-error"), "This field is required.");

    let saved = staff
        .submit_form("/rpc/admin/categories/save", "/admin/categories/new", &[("name", "Hats"), ("image", IMAGE)])
        .await;
    assert!(saved.headers["location"].to_str().unwrap().ends_with("/admin/categories?saved=1"));
    assert!(staff.get("/admin/categories?saved=1").await.body.contains("Hats"));
}

async fn an_upload_still_shown_elsewhere_is_kept(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = admin(&app).await;
    let fields = with(&product_fields("Rattan Chair", &furniture(&app).await), "images", "");
    assert_eq!(save_product(&app, &staff, &fields, vec![("c.png", png(30, 30))]).await.status, 200);
    let id = id_of(&app, "products", "rattan-chair").await;
    let images: Vec<String> =
        serde_json::from_str(&text(&app, "SELECT images FROM products WHERE id = $1", id).await).unwrap();
    // A category may use a product's upload as its picture: deleting the product must keep it.
    let saved = staff.post("/rpc/admin/categories/save", &[("name", "Rattan"), ("image", images[0].as_str())]).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(staff.post("/rpc/admin/products/delete", &[("id", &id.to_string())]).await.status, 200);
    assert_eq!(product_files(&app).len(), 2, "the image the category shows, and its thumbnail, stay");
    assert_eq!(common::get(&app.base, &images[0]).await.status, 200);
}

/// Another process (`tienda worker`, a second node) holds SQLite's write lock for a moment while an
/// admin deletes an empty category: the delete waits its turn and succeeds. (A transaction that
/// reads first and then asks for the lock is refused at once instead of waiting.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_category_is_deleted_while_another_process_writes() {
    let app = spawn_seeded(Backend::Sqlite).await;
    let mut staff = admin(&app).await;
    let saved = staff.post("/rpc/admin/categories/save", &[("name", "Garden Tools"), ("image", IMAGE)]).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let id = id_of(&app, "categories", "garden-tools").await.to_string();
    let path = app.config.database.url.trim_start_matches("sqlite://").to_owned();
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path);
    let mut other_process = sqlx::ConnectOptions::connect(&options).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut other_process).await.unwrap();
    let delete = tokio::spawn(async move { staff.post("/rpc/admin/categories/delete", &[("id", id.as_str())]).await });
    // Long enough for the delete to have counted and asked for the lock (a fast machine takes a
    // few milliseconds), well within the five seconds SQLite waits for it.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    sqlx::query("COMMIT").execute(&mut other_process).await.unwrap();
    let answer = delete.await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(common::get(&app.base, "/categories/garden-tools").await.status, 404);
}
