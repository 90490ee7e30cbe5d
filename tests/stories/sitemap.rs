//! The sitemap as crawlers read it, on SQLite and PostgreSQL: an index of files of at most
//! 50,000 URLs, the fixed pages and categories in one, the products split by id range, each file
//! dated by its newest change; product files streamed from the database a chunk at a time.

use crate::common;

use common::sitemap::{crawl, crawled_paths, entries, fetch, file, index, Entry};
use common::{get, shared, spawn_seeded, spawn_with, test_config, Backend, TestApp, SITE};
use std::collections::{BTreeMap, BTreeSet};
use tienda::model::Money;
use tienda::server::db::catalog::{self, NewProduct};
use tienda::server::db::{with_pool, with_reader};
use tienda::server::services::sitemap::{self as service, ProductSitemapRow, ROWS_PER_READ, URLS_PER_FILE};

on_both_backends!(
    the_index_lists_the_pages_file_and_each_product_file_with_its_date,
    every_page_is_listed_once_and_answers,
    product_files_split_the_catalog_by_id_range,
    files_are_ranges_of_ids_and_empty_ranges_are_not_listed,
    unknown_or_malformed_file_names_are_404s,
    a_product_file_larger_than_a_read_is_streamed_whole_to_many_readers,
    compressed_files_arrive_whole_and_in_gzip,
    product_files_are_written_a_few_at_a_time,
);

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&chrono::Utc)
}

fn product<'a>(slug: &'a str, at: chrono::DateTime<chrono::Utc>) -> NewProduct<'a> {
    NewProduct {
        title: slug,
        slug,
        description: "A product for the sitemap's stories.",
        price: Money(1_000),
        stock: 1,
        category_slug: "furniture",
        images: vec![],
        at,
    }
}

/// `(id, slug)` of every product, in id order, as the database holds them.
async fn products_in_db(app: &TestApp) -> Vec<(i64, String)> {
    let sql = "SELECT id, slug FROM products ORDER BY id";
    with_reader!(app.db.reader(), pool => sqlx::query_as(sql).fetch_all(pool).await).unwrap()
}

async fn run_sql(app: &TestApp, sql: &str, ids: &[i64]) {
    for id in ids {
        with_pool!(app.db.writer(), pool => sqlx::query(sql).bind(id).execute(pool).await.map(drop)).unwrap();
    }
}

async fn the_index_lists_the_pages_file_and_each_product_file_with_its_date(backend: Backend) {
    let base = shared(backend);
    let listed = index(base).await;
    let paths: Vec<&str> = listed.iter().map(|entry| entry.path.as_str()).collect();
    assert_eq!(paths, ["/sitemaps/pages.xml", "/sitemaps/products-1.xml"], "51 products fit in the first file");
    assert!(listed.iter().all(|entry| entry.lastmod.is_some()), "every file is dated: {listed:?}");

    let pages = file(base, "/sitemaps/pages.xml").await;
    let page_paths: Vec<&str> = pages.iter().map(|entry| entry.path.as_str()).collect();
    assert_eq!(
        page_paths,
        [
            "/",
            "/products",
            "/stores",
            "/categories/clothes",
            "/categories/electronics",
            "/categories/furniture",
            "/categories/shoes",
            "/categories/miscellaneous"
        ]
    );
    assert_eq!(pages[2].lastmod, None, "the stores page has no catalog date");
    let products = file(base, "/sitemaps/products-1.xml").await;
    let newest = products.iter().chain(&pages).filter_map(|entry| entry.lastmod).max();
    assert_eq!(pages[0].lastmod, newest, "the home page changes with anything in the catalog");
    assert_eq!(pages[1].lastmod, newest);
    assert_eq!(listed[0].lastmod, newest, "so the pages file does too");
    assert_eq!(listed[1].lastmod, products.iter().filter_map(|entry| entry.lastmod).max());
    assert!(products.iter().all(|entry| entry.lastmod.is_some()), "every product is dated");

    let robots = get(base, "/robots.txt").await;
    assert!(robots.body.contains(&format!("Sitemap: {SITE}/sitemap.xml\n")), "{}", robots.body);
    // The index and the files are neither page-cached nor tied to a visitor.
    for path in ["/sitemap.xml", "/sitemaps/pages.xml", "/sitemaps/products-1.xml"] {
        let answer = get(base, path).await;
        assert!(answer.headers.get("etag").is_none(), "{path} is not a page-cached page");
        assert!(answer.headers.get("set-cookie").is_none(), "{path} starts no session");
    }
}

async fn every_page_is_listed_once_and_answers(backend: Backend) {
    let base = shared(backend);
    let paths = crawled_paths(base).await;
    assert_eq!(paths.len(), 3 + 5 + 51, "home, catalog, stores, categories, products");
    let distinct: BTreeSet<&String> = paths.iter().collect();
    assert_eq!(distinct.len(), paths.len(), "no page twice");
    assert_eq!(paths.iter().filter(|path| path.starts_with("/products/")).count(), 51);
    for path in &paths {
        assert_eq!(get(base, path).await.status, 200, "{path} is a real page");
    }
}

/// Reads every product file of `per_file` ids through the service, as the endpoint does: the
/// index's entry and the file's rows, by file number.
async fn product_files(app: &TestApp, per_file: i64) -> BTreeMap<i64, (service::ProductRange, Vec<ProductSitemapRow>)> {
    let mut files = BTreeMap::new();
    for range in service::index(&app.state, per_file).await.unwrap().product_files {
        let mut file = service::product_file(&app.state, per_file, range.number).await.unwrap().expect("a listed file");
        let mut rows = Vec::new();
        loop {
            let chunk = file.next_rows().await.unwrap();
            if chunk.is_empty() {
                break;
            }
            rows.extend(chunk);
        }
        files.insert(range.number, (range, rows));
    }
    files
}

fn check_partition(files: &BTreeMap<i64, (service::ProductRange, Vec<ProductSitemapRow>)>, per_file: i64) {
    for (number, (range, rows)) in files {
        assert!(!rows.is_empty(), "file {number} is listed, so it holds products");
        assert!(rows.len() as i64 <= per_file, "file {number} holds {} URLs, more than {per_file}", rows.len());
        assert_eq!(range.products, rows.len() as i64, "file {number}: the index counts what the file holds");
        assert!(rows.windows(2).all(|pair| pair[0].id < pair[1].id), "file {number} is in id order");
        assert!(rows.iter().all(|row| (number - 1) * per_file < row.id && row.id <= number * per_file));
        assert_eq!(Some(range.updated_at), rows.iter().map(|row| row.updated_at).max(), "file {number}'s date");
    }
}

async fn product_files_split_the_catalog_by_id_range(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let per_file = 10;
    let files = product_files(&app, per_file).await;
    check_partition(&files, per_file);
    let in_db = products_in_db(&app).await;
    let listed: Vec<(i64, String)> =
        files.values().flat_map(|(_, rows)| rows.iter().map(|row| (row.id, row.slug.clone()))).collect();
    assert_eq!(listed, in_db, "every product exactly once, in id order");
    let expected_files: BTreeSet<i64> = in_db.iter().map(|(id, _)| (id - 1) / per_file + 1).collect();
    assert_eq!(files.keys().copied().collect::<BTreeSet<_>>(), expected_files);
    assert!(files.len() >= 3, "the demo's 51 products fill several files of 10");

    // Empty the second file and take one product out of the first.
    let numbers: Vec<i64> = files.keys().copied().collect();
    let (first, second) = (numbers[0], numbers[1]);
    let emptied: Vec<i64> = files[&second].1.iter().map(|row| row.id).collect();
    let removed = &files[&first].1[0];
    run_sql(&app, "DELETE FROM products WHERE id = $1", &emptied).await;
    run_sql(&app, "DELETE FROM products WHERE id = $1", &[removed.id]).await;
    app.state.catalog_changed();

    let after = product_files(&app, per_file).await;
    check_partition(&after, per_file);
    assert!(!after.contains_key(&second), "an emptied range is not listed");
    assert!(service::product_file(&app.state, per_file, second).await.unwrap().is_none(), "nor served");
    assert_eq!(after[&first].1.len(), files[&first].1.len() - 1);
    let listed: Vec<(i64, String)> =
        after.values().flat_map(|(_, rows)| rows.iter().map(|row| (row.id, row.slug.clone()))).collect();
    assert_eq!(listed, products_in_db(&app).await, "every remaining product exactly once");
    assert!(!listed.iter().any(|(_, slug)| *slug == removed.slug), "a deleted product disappears");

    // What a crawler sees at the site's own size: one file, without the deleted products.
    let crawled = crawled_paths(&app.base).await;
    assert_eq!(crawled.iter().filter(|path| path.starts_with("/products/")).count(), listed.len());
    assert!(!crawled.contains(&format!("/products/{}", removed.slug)));

    for number in [0, -1, i64::MAX, i64::MAX / per_file + 1] {
        assert!(service::product_file(&app.state, per_file, number).await.unwrap().is_none(), "file {number}");
    }
}

async fn files_are_ranges_of_ids_and_empty_ranges_are_not_listed(backend: Backend) {
    let app = spawn_seeded(backend).await;
    // Two products whose ids sit on either side of the boundary between the third and the fourth
    // file; the second file's range holds nothing.
    let (last_of_third, first_of_fourth) = (3 * URLS_PER_FILE, 3 * URLS_PER_FILE + 1);
    let (early, late) = (at("2030-01-02T03:04:05Z"), at("2030-06-07T08:09:10Z"));
    catalog::insert_catalog(&app.db, &[], &[product("edge-of-three", early), product("start-of-four", late)])
        .await
        .unwrap();
    let moves = [(last_of_third, "edge-of-three"), (first_of_fourth, "start-of-four")];
    for (id, slug) in moves {
        let sql = "UPDATE products SET id = $1 WHERE slug = $2";
        with_pool!(app.db.writer(), pool => sqlx::query(sql).bind(id).bind(slug).execute(pool).await.map(drop))
            .unwrap();
    }
    app.state.catalog_changed();

    let listed = index(&app.base).await;
    let expected = [
        Entry { path: "/sitemaps/pages.xml".into(), lastmod: Some(late) },
        Entry { path: "/sitemaps/products-1.xml".into(), lastmod: listed[1].lastmod },
        Entry { path: "/sitemaps/products-3.xml".into(), lastmod: Some(early) },
        Entry { path: "/sitemaps/products-4.xml".into(), lastmod: Some(late) },
    ];
    assert_eq!(listed, expected);
    assert_eq!(
        file(&app.base, "/sitemaps/products-3.xml").await,
        [Entry { path: "/products/edge-of-three".into(), lastmod: Some(early) }]
    );
    assert_eq!(
        file(&app.base, "/sitemaps/products-4.xml").await,
        [Entry { path: "/products/start-of-four".into(), lastmod: Some(late) }]
    );
    assert_eq!(get(&app.base, "/sitemaps/products-2.xml").await.status, 404, "an empty range");
    assert_eq!(get(&app.base, "/sitemaps/products-5.xml").await.status, 404, "beyond the last product");
    let crawled = crawl(&app.base).await;
    assert_eq!(crawled.len(), 3 + 5 + 53);

    run_sql(&app, "DELETE FROM products WHERE id = $1", &[last_of_third]).await;
    assert_eq!(get(&app.base, "/sitemaps/products-3.xml").await.status, 404, "files are read fresh, never cached");
    app.state.catalog_changed();
    let paths: Vec<String> = index(&app.base).await.into_iter().map(|entry| entry.path).collect();
    assert_eq!(paths, ["/sitemaps/pages.xml", "/sitemaps/products-1.xml", "/sitemaps/products-4.xml"]);
}

async fn unknown_or_malformed_file_names_are_404s(backend: Backend) {
    let base = shared(backend);
    let huge = format!("/sitemaps/products-{}.xml", i64::MAX);
    let past_i64 = format!("/sitemaps/products-{}0.xml", u64::MAX);
    let just_past_ids = format!("/sitemaps/products-{}.xml", i64::MAX / URLS_PER_FILE + 1);
    for path in [
        "/sitemaps/products-0.xml",
        "/sitemaps/products-2.xml",
        "/sitemaps/products-abc.xml",
        "/sitemaps/products--1.xml",
        "/sitemaps/products-+1.xml",
        "/sitemaps/products-01.xml",
        "/sitemaps/products-%31.xml",
        "/sitemaps/products-1.xml.gz",
        "/sitemaps/products-1.XML",
        "/sitemaps/products-1",
        "/sitemaps/products-.xml",
        "/sitemaps/products-1%20.xml",
        "/sitemaps/products-%D9%A1.xml",
        "/sitemaps/pages.xml.gz",
        "/sitemaps/Pages.xml",
        "/sitemaps/sitemap.xml",
        "/sitemaps/products-1.xml/extra",
        "/sitemaps",
        huge.as_str(),
        past_i64.as_str(),
        just_past_ids.as_str(),
    ] {
        let answer = get(base, path).await;
        assert_eq!(answer.status, 404, "{path}: {}", &answer.body[..answer.body.len().min(200)]);
    }
    let head = reqwest::Client::new().head(format!("{base}/sitemaps/products-1.xml")).send().await.unwrap();
    assert_eq!(head.status(), 200);
    let head = reqwest::Client::new().head(format!("{base}/sitemaps/products-9.xml")).send().await.unwrap();
    assert_eq!(head.status(), 404);
}

async fn a_product_file_larger_than_a_read_is_streamed_whole_to_many_readers(backend: Backend) {
    let mut config = test_config(backend).await;
    // One connection to read with: sixteen readers of one file must take turns, chunk by chunk.
    config.database.max_connections = 1;
    let app = spawn_with(config, true).await;
    let stamp = at("2029-03-04T05:06:07Z");
    let slugs: Vec<String> =
        (0..2 * ROWS_PER_READ + ROWS_PER_READ / 2).map(|n| format!("streamed-stool-{n}")).collect();
    let products: Vec<NewProduct> = slugs.iter().map(|slug| product(slug, stamp)).collect();
    catalog::insert_catalog(&app.db, &[], &products).await.unwrap();
    app.state.catalog_changed();
    let in_db: Vec<String> =
        products_in_db(&app).await.into_iter().map(|(_, slug)| format!("/products/{slug}")).collect();

    let readers: Vec<_> = (0..16)
        .map(|_| {
            let base = app.base.clone();
            tokio::spawn(async move {
                let answer = get(&base, "/sitemaps/products-1.xml").await;
                assert_eq!(answer.status, 200);
                assert!(answer.headers.get("content-length").is_none(), "written as it is read, not built first");
                answer.body
            })
        })
        .collect();
    let mut bodies = Vec::new();
    for reader in readers {
        bodies.push(reader.await.unwrap());
    }
    assert!(bodies.windows(2).all(|pair| pair[0] == pair[1]), "every reader gets the same file");
    let urls = entries(&bodies[0], "urlset", "url");
    let paths: Vec<String> = urls.iter().map(|entry| entry.path.clone()).collect();
    assert_eq!(paths, in_db, "every product once, in id order, across the chunks");
    let listed = index(&app.base).await;
    assert_eq!(listed[1].lastmod, Some(stamp));
    assert_eq!(fetch(&app.base, "/sitemaps/products-1.xml").await, bodies[0]);

    let held = app.state.catalog_cache.sitemap.weighted_size().await;
    assert!(held < 16 * 1024, "the index is kept, the product file is not: {held} bytes cached");
}

/// The body of `path` as sent, asking for `accept_encoding`: its `content-encoding` and bytes. A
/// transfer that breaks off fails here.
async fn raw(base: &str, path: &str, accept_encoding: &str) -> (Option<String>, Vec<u8>) {
    let answer = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .header("accept-encoding", accept_encoding)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "{path}");
    let encoding = answer.headers().get("content-encoding").map(|value| value.to_str().unwrap().to_owned());
    let bytes = answer.bytes().await.unwrap_or_else(|e| panic!("{path} with {accept_encoding}: {e}"));
    (encoding, bytes.to_vec())
}

async fn compressed_files_arrive_whole_and_in_gzip(backend: Backend) {
    let base = shared(backend);
    for path in ["/sitemaps/products-1.xml", "/sitemaps/pages.xml"] {
        let (encoding, plain) = raw(base, path, "identity").await;
        assert_eq!(encoding, None);
        let (encoding, gzip) = raw(base, path, "gzip, br").await;
        assert_eq!(encoding.as_deref(), Some("gzip"), "{path}: gzip, even when brotli is offered");
        assert_eq!(gzip[..2], [0x1f, 0x8b], "{path}: a gzip member");
        let size = u32::from_le_bytes(gzip[gzip.len() - 4..].try_into().unwrap());
        assert_eq!(size as usize, plain.len(), "{path}: the gzip trailer counts the whole file");
        let (encoding, only_brotli) = raw(base, path, "br").await;
        assert_eq!(encoding, None, "{path}: never brotli");
        assert_eq!(only_brotli, plain);
    }
}

async fn product_files_are_written_a_few_at_a_time(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let places = app.state.sitemap_streams.available_permits();
    assert!(places >= 2, "a crawler may read two files at once");
    let taken = std::sync::Arc::clone(&app.state.sitemap_streams).acquire_many_owned(places as u32).await.unwrap();
    let started = std::time::Instant::now();
    let busy = get(&app.base, "/sitemaps/products-1.xml").await;
    assert_eq!(busy.status, 503, "every place is taken: come back later");
    assert!(busy.headers.contains_key("retry-after"));
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "told within seconds");
    assert_eq!(get(&app.base, "/sitemap.xml").await.status, 200, "the index is not one of them");
    assert_eq!(get(&app.base, "/sitemaps/pages.xml").await.status, 200, "nor the pages file");
    drop(taken);
    assert_eq!(get(&app.base, "/sitemaps/products-1.xml").await.status, 200);
    assert_eq!(app.state.sitemap_streams.available_permits(), places, "a finished file gives its place back");
}
