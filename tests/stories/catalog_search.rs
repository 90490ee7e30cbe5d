//! The catalog at size: full-text search (ranking, prefixes, accents, every word required, hostile
//! input) and pages found by cursor, with the counts the database keeps, on both databases. The
//! same expectations run on both, so both backends answer the same.

use crate::common::visitor::Visitor;
use crate::common::{get, html, spawn_seeded, Backend, TestApp};
use crate::orders::count_rows;
use tienda::model::{Cursor, Money, ProductQuery, SortOrder};
use tienda::server::db::catalog::{self, NewProduct};
use tienda::server::db::{with_pool, with_reader};
use tienda::server::services::catalog_api::ProductFilter;
use tienda::server::{demo, services};

on_both_backends!(
    search_ranks_titles_first_matches_prefixes_and_ignores_accents,
    relevance_counts_the_words_in_a_title_then_prefers_the_shorter,
    a_prefix_finds_the_words_the_catalog_holds_now,
    hostile_searches_get_an_answer_not_an_error,
    pages_by_cursor_cover_the_catalog_once_in_every_order,
    a_next_link_survives_its_product_being_repriced_renamed_or_deleted,
    kept_counts_follow_every_change,
    price_band_counts_follow_every_change,
    a_search_matching_too_much_ranks_its_latest_matches,
    products_older_than_search_titles_get_them_at_start,
    deep_pages_by_number_match_the_listing_as_it_changes,
    a_price_range_lists_what_it_holds_however_much_that_is,
);

/// Products whose words appear nowhere in the demo catalog, so each search's answer is known.
async fn add_zebrawood(app: &TestApp) {
    add_furniture(
        app,
        &[
            ("Zebrawood Writing Desk", "zebrawood-writing-desk", "A desk with two drawers."),
            ("Maple Shelf", "maple-shelf", "Edged in thin zebrawood strips."),
            ("Silla Café Zebrawood", "silla-cafe-zebrawood", "Una silla para la terraza."),
            ("Zebra Print Cushion", "zebra-print-cushion", "Soft and square."),
        ],
    )
    .await;
}

/// Adds furniture, each piece a title, a slug and a description, in that order (so in the order
/// of their ids), and tells the caches.
async fn add_furniture(app: &TestApp, pieces: &[(&'static str, &'static str, &'static str)]) {
    let at = chrono::Utc::now();
    let products: Vec<NewProduct> = pieces
        .iter()
        .map(|&(title, slug, description)| NewProduct {
            title,
            slug,
            description,
            price: Money(9_900),
            stock: 3,
            category_slug: "furniture",
            images: vec![],
            at,
        })
        .collect();
    let (_, added) = catalog::insert_catalog(&app.db, &[], &products).await.unwrap();
    assert_eq!(added, pieces.len() as u64);
    app.state.catalog_changed();
}

async fn found(app: &TestApp, q: &str) -> Vec<String> {
    let path = format!("/products?q={}", tienda::model::product_query::percent_encode(q));
    let page = get(&app.base, &path).await;
    assert_eq!(page.status, 200, "{path}");
    html::card_titles(&page.html())
}

async fn search_ranks_titles_first_matches_prefixes_and_ignores_accents(backend: Backend) {
    let app = spawn_seeded(backend).await;
    add_zebrawood(&app).await;

    let zebrawood = found(&app, "zebrawood").await;
    assert_eq!(zebrawood.len(), 3, "{zebrawood:?}");
    assert_eq!(zebrawood.last().unwrap(), "Maple Shelf", "a match in the title ranks above one in the description");
    // A prefix finds whole words: "zebra" is a word of its own and the start of "zebrawood".
    let zebra = found(&app, "zeb").await;
    assert_eq!(zebra.len(), 4, "{zebra:?}");
    assert_eq!(zebra.last().unwrap(), "Maple Shelf");
    // Every word is required, in any order, each as a prefix.
    assert_eq!(found(&app, "zebrawood desk").await, ["Zebrawood Writing Desk"]);
    assert_eq!(found(&app, "DESK zebrawood").await, ["Zebrawood Writing Desk"]);
    assert_eq!(found(&app, "zeb wri").await, ["Zebrawood Writing Desk"]);
    assert!(found(&app, "zebrawood sofa").await.is_empty());
    // Accents and case are ignored on both sides.
    for q in ["cafe", "café", "CAFÉ", "Cafe\u{301}"] {
        assert_eq!(found(&app, q).await, ["Silla Café Zebrawood"], "{q}");
    }
    // A word inside another word is not a prefix of it.
    assert!(found(&app, "rawood").await.is_empty());

    let none = get(&app.base, "/products?q=qqqzzzx").await.html();
    assert_eq!(html::text(&none, ".result-count"), "No products match.");

    // Sorted by price instead, the same search finds the same products.
    let by_price = get(&app.base, "/products?q=zebrawood&sort=price_asc").await.html();
    let mut sorted = html::card_titles(&by_price);
    sorted.sort();
    let mut expected = zebrawood.clone();
    expected.sort();
    assert_eq!(sorted, expected);
}

/// Relevance is one rule, the same on both databases, so both list a search in the same order:
/// the fewer of its words a title lacks the better, and of titles that hold as many, the shorter;
/// equal so far, the product added first. A word matches as the start of a word, in the title as
/// in the index.
async fn relevance_counts_the_words_in_a_title_then_prefers_the_shorter(backend: Backend) {
    let app = spawn_seeded(backend).await;
    add_furniture(
        &app,
        &[
            ("Desk", "desk-with-a-story", "A quokka lamp stands on it."),
            ("Quokka Desk Lamp With Long Arm", "quokka-desk-lamp-long-arm", "Bright and adjustable."),
            ("Quokka Shade", "quokka-shade", "Fits any lamp with a standard ring."),
            ("Quokka Reading Lamp", "quokka-reading-lamp", "Warm light."),
            ("Quokka Lamp", "quokka-lamp", "Small and round."),
            ("Lamp Quokka", "lamp-quokka", "The same words the other way round."),
            ("Quokkas, Lamps & More", "quokkas-lamps-and-more", "A shop sign."),
            ("Quokkawoodlamp", "quokkawoodlamp", "One word that begins with the first."),
        ],
    )
    .await;

    let expected = [
        // Both words in the title, shortest title first; two of the same length in the order added.
        "Quokka Lamp",
        "Lamp Quokka",
        "Quokkas, Lamps & More",
        "Quokka Reading Lamp",
        "Quokka Desk Lamp With Long Arm",
        // One word in the title.
        "Quokka Shade",
        // Neither: both only in the description.
        "Desk",
    ];
    assert_eq!(found(&app, "quokka lamp").await, expected);
    assert_eq!(found(&app, "LAMP quokka").await, expected, "the words' order does not matter");
    assert_eq!(found(&app, "quo lam").await, expected, "prefixes rank as the words they begin");
    // "Quokkawoodlamp" holds "lamp" only inside a word: not a match, in the title or the index.
    assert_eq!(found(&app, "quokkawood").await, ["Quokkawoodlamp"]);
    // The back office's table ranks a search by the same rule (its own statement, over every match).
    let mut staff = crate::common::back_office::admin(&app).await;
    let table = staff.get("/admin/products?q=quokka+lamp").await;
    assert_eq!(table.status, 200);
    assert_eq!(html::texts(&table.html(), ".admin-table tbody th a"), expected, "the back office");
    // A search that matches nothing, with one word and then with more: the count that answers
    // alone takes no argument of the ranking (PostgreSQL refuses a statement it prepared with
    // fewer arguments than it is later given).
    for q in ["qqqzzz", "qqqzzz xxxyyy", "qqqzzz xxxyyy vvvwww"] {
        assert!(found(&app, q).await.is_empty(), "{q}");
    }
}

/// PostgreSQL reads a search word as the whole words of the catalog it begins (a list a trigger
/// keeps); SQLite reads its term list. Either way a word written by another process is found at
/// once by its prefix, a word written away finds nothing, and a prefix that begins more words than
/// PostgreSQL spells out (50) still finds every product.
async fn a_prefix_finds_the_words_the_catalog_holds_now(backend: Backend) {
    let app = spawn_seeded(backend).await;
    add_zebrawood(&app).await;
    execute(&app, "UPDATE products SET search_text = search_text || ' quokkawood' WHERE slug = 'maple-shelf'").await;
    assert_eq!(found(&app, "quokka").await, ["Maple Shelf"]);
    assert_eq!(found(&app, "quokka zeb").await, ["Maple Shelf"]);
    execute(&app, "UPDATE products SET search_text = 'edged in thin strips' WHERE slug = 'maple-shelf'").await;
    assert!(found(&app, "quokka").await.is_empty());
    assert!(found(&app, "quokkawood").await.is_empty());
    // A new word that a prefix of the demo catalog's words begins ("leather" began "leather").
    execute(&app, "UPDATE products SET search_text = 'edged in leatherette strips' WHERE slug = 'maple-shelf'").await;
    assert_eq!(found(&app, "leather strips").await, ["Maple Shelf"]);
    if backend == Backend::Postgres {
        // The list holds the words of every insert and edit, so the index is read by whole words.
        let listed = "SELECT COUNT(*) FROM search_words WHERE word IN ('leatherette', 'quokkawood', 'zebrawood')";
        let listed: i64 =
            with_reader!(app.db.reader(), pool => sqlx::query_scalar(listed).fetch_one(pool).await).unwrap();
        assert_eq!(listed, 3);
    }

    // 60 products, each with a word of its own that begins "xylo": "xyloaa" to "xylocd".
    let words: Vec<String> =
        (0..60u8).map(|n| format!("xylo{}{}", (b'a' + n / 26) as char, (b'a' + n % 26) as char)).collect();
    let slugs: Vec<String> = words.iter().map(|word| format!("{word}-stool")).collect();
    let at = chrono::Utc::now();
    let products: Vec<NewProduct> = words
        .iter()
        .zip(&slugs)
        .map(|(word, slug)| NewProduct {
            title: word,
            slug,
            description: "A stool.",
            price: Money(1_000),
            stock: 1,
            category_slug: "furniture",
            images: vec![],
            at,
        })
        .collect();
    let (_, added) = catalog::insert_catalog(&app.db, &[], &products).await.unwrap();
    assert_eq!(added, 60);
    app.state.catalog_changed();
    for (q, expected) in [("xylo", 60), ("xyl stool", 60), ("xyloa", 26), ("xylob stool", 26), ("xyloca", 1)] {
        let page = get(&app.base, &format!("/products?q={}", q.replace(' ', "+"))).await.html();
        let count = html::text(&page, ".result-count");
        assert!(count.starts_with(&format!("{expected} product")), "{q}: {count}");
    }
}

async fn hostile_searches_get_an_answer_not_an_error(backend: Backend) {
    let app = spawn_seeded(backend).await;
    add_zebrawood(&app).await;
    let long = "zebrawood ".repeat(400);
    let hostile = [
        "\"",
        "\"\"",
        "*",
        "zebrawood*",
        "\"zebrawood",
        "NEAR(zebrawood desk)",
        "zebrawood OR maple",
        "-zebrawood",
        "zebrawood AND",
        "^zebrawood",
        "title:zebrawood",
        "zebrawood:*",
        "'; DROP TABLE products; --",
        "%_%",
        "!!!",
        "(",
        ")",
        "&",
        "|",
        "<script>",
        "\\",
        "zebra\u{200b}wood",
        "一二三",
        &long,
    ];
    for q in hostile {
        let path = format!("/products?q={}", tienda::model::product_query::percent_encode(q));
        let page = get(&app.base, &path).await;
        assert_eq!(page.status, 200, "{q:?}");
    }
    // Operators are words like any other: each must appear.
    assert!(found(&app, "zebrawood OR maple").await.is_empty());
    assert_eq!(found(&app, "zebrawood*").await.len(), 3, "a star is punctuation, dropped");
    assert_eq!(found(&app, "\"zebrawood desk\"").await, ["Zebrawood Writing Desk"]);
    // Only its first words narrow a very long search; it still answers.
    assert_eq!(found(&app, &long).await.len(), 3);
    // Punctuation alone searches nothing: the whole catalog, newest first.
    let everything = get(&app.base, "/products?q=%21%21%21").await.html();
    assert!(html::text(&everything, ".result-count").starts_with("55 products"));
}

/// Walks a listing by its "next" cursors from the first page to the last, and back by "previous".
async fn walk(app: &TestApp, mut query: ProductQuery) -> (Vec<i64>, u64) {
    let mut ids = Vec::new();
    let first = services::catalog::search_products(&app.state, query.clone()).await.unwrap();
    let total = first.total;
    let mut page = first;
    loop {
        ids.extend(page.items.iter().map(|p| p.id));
        let Some(next) = page.next(&query) else { break };
        assert!(next.cursor.is_some(), "an ordered listing pages by cursor");
        query.page = next.page;
        query.cursor = next.cursor;
        page = services::catalog::search_products(&app.state, query.clone()).await.unwrap();
        assert!(!page.items.is_empty(), "a next link never leads to an empty page");
        assert!(page.page as u64 <= total.div_ceil(24), "the label stays within the page count");
    }
    // And back to the first page by "previous" links, meeting the same products in reverse.
    let mut back = page.items.iter().map(|p| p.id).rev().collect::<Vec<_>>();
    while let Some(previous) = page.previous(&query) {
        query.page = previous.page;
        query.cursor = previous.cursor;
        page = services::catalog::search_products(&app.state, query.clone()).await.unwrap();
        back.extend(page.items.iter().map(|p| p.id).rev());
    }
    back.reverse();
    assert_eq!(back, ids, "previous links retrace next links");
    (ids, total)
}

async fn pages_by_cursor_cover_the_catalog_once_in_every_order(backend: Backend) {
    let app = spawn_seeded(backend).await;
    demo::seed_generated(&app.db, &app.config, 2_000).await.unwrap();
    app.state.catalog_changed();
    let products = count_rows(&app, "products").await as usize;

    for sort in [SortOrder::Relevance, SortOrder::Newest, SortOrder::PriceAsc, SortOrder::PriceDesc, SortOrder::Name] {
        let (ids, total) = walk(&app, ProductQuery { sort, page: 1, ..Default::default() }).await;
        assert_eq!((ids.len(), total as usize), (products, products), "{sort:?}");
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), products, "{sort:?}: every product exactly once");
        // The tenth page is the same by number and by the cursors that lead to it.
        let by_number = ProductQuery { sort, page: 10, ..Default::default() };
        let numbered = services::catalog::search_products(&app.state, by_number).await.unwrap();
        assert_eq!(numbered.items.iter().map(|p| p.id).collect::<Vec<_>>(), ids[9 * 24..10 * 24], "{sort:?}");
        // So are the deep pages, which start from the ids kept every few hundred products.
        let pages = products.div_ceil(24) as u32;
        for page in [pages / 2, pages / 2 + 1, pages - 1, pages] {
            let query = ProductQuery { sort, page, ..Default::default() };
            let numbered = services::catalog::search_products(&app.state, query.clone()).await.unwrap();
            let start = (page as usize - 1) * 24;
            let expected = &ids[start..(start + 24).min(products)];
            assert_eq!(numbered.items.iter().map(|p| p.id).collect::<Vec<_>>(), expected, "{sort:?} page {page}");
            assert_eq!(numbered.total as usize, products, "{sort:?} page {page}");
            assert_eq!(numbered.next(&query).is_some(), page < pages, "{sort:?} page {page}");
            assert!(numbered.previous(&query).is_some(), "{sort:?} page {page}");
        }
        // Past the end: nothing, with the count, and no link onwards.
        let query = ProductQuery { sort, page: 999_999, ..Default::default() };
        let past = services::catalog::search_products(&app.state, query.clone()).await.unwrap();
        assert_eq!((past.items.len(), past.total as usize), (0, products), "{sort:?}");
        assert!(past.next(&query).is_none(), "{sort:?}");
    }

    // Within a category and a price range, on the category page itself.
    let filtered = ProductQuery {
        category: Some("furniture".into()),
        price_min: Some(Money(1_000)),
        price_max: Some(Money(50_000)),
        sort: SortOrder::PriceDesc,
        page: 1,
        ..Default::default()
    };
    let (ids, total) = walk(&app, filtered).await;
    let sql = "SELECT COUNT(*) FROM products p JOIN categories c ON c.id = p.category_id \
               WHERE c.slug = 'furniture' AND p.price_cents BETWEEN 1000 AND 50000";
    let expected: i64 = with_reader!(app.db.reader(), pool => sqlx::query_scalar(sql).fetch_one(pool).await).unwrap();
    assert_eq!((ids.len() as i64, total as i64), (expected, expected));

    // The rendered page links the same way, with the page's number as its label.
    let html_page = get(&app.base, "/categories/furniture?sort=price_desc").await.html();
    let next = html::attr(&html_page, r#".pagination a[rel="next"]"#, "href");
    assert!(next.starts_with("/categories/furniture?sort=price_desc&page=2&after="), "{next}");
    let second = get(&app.base, &next).await;
    assert_eq!(second.status, 200);
    assert_eq!(html::card_titles(&second.html()).len(), 24);

    // A cursor naming a product that is gone falls back on its page number; one naming no product
    // at all, or a made-up page label, still renders a sensible page.
    let gone = ProductQuery { page: 3, cursor: Some(Cursor::after(i64::MAX)), ..Default::default() };
    let page = services::catalog::search_products(&app.state, gone).await.unwrap();
    assert_eq!((page.page, page.items.len()), (3, 24));
    let made_up = get(&app.base, &format!("/products?page=999999&after={}", ids[30])).await;
    assert_eq!(made_up.status, 200);
    let count = html::text(&made_up.html(), ".result-count");
    let pages = products.div_ceil(24);
    assert!(count.ends_with(&format!("page {pages} of {pages}")), "{count}");
}

/// Changes one field of product `id` as the back office's inline edit does.
async fn patch_in_back_office(app: &TestApp, staff: &mut Visitor, id: i64, field: &str, value: &str) {
    let version = crate::common::back_office::number(app, "SELECT version FROM products WHERE id = $1", id).await;
    let (id, version) = (id.to_string(), version.to_string());
    let fields = [("id", id.as_str()), ("version", version.as_str()), (field, value)];
    let answer = staff.post("/rpc/admin/products/patch", &fields).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

async fn execute(app: &TestApp, sql: &str) {
    execute_behind_its_back(app, sql).await;
    app.state.catalog_changed();
}

/// Changes the database as another process would: the server is not told.
async fn execute_behind_its_back(app: &TestApp, sql: &str) {
    with_pool!(app.db.writer(), pool => sqlx::query(sql).execute(pool).await.map(|done| done.rows_affected())).unwrap();
}

/// Attack finding F2: a Next link names the last product of its page (Previous the first). If that
/// product is repriced, renamed or deleted before the link is followed, the linked page must be the
/// same as before, not start wherever the product stands now (which skipped every product between).
/// Followed as a crawler does: the href the page renders, with a title that needs encoding.
async fn a_next_link_survives_its_product_being_repriced_renamed_or_deleted(backend: Backend) {
    let app = spawn_seeded(backend).await;
    demo::seed_generated(&app.db, &app.config, 200).await.unwrap();
    app.state.catalog_changed();
    let cases = [
        (SortOrder::Name, "next", "UPDATE products SET title = 'Zzz Renamed' WHERE id = {id}"),
        (SortOrder::Name, "prev", "UPDATE products SET title = 'Aaa Renamed' WHERE id = {id}"),
        (SortOrder::PriceAsc, "next", "UPDATE products SET price_cents = 99999900 WHERE id = {id}"),
        (SortOrder::PriceDesc, "prev", "UPDATE products SET price_cents = 1 WHERE id = {id}"),
        (SortOrder::PriceAsc, "next", "DELETE FROM products WHERE id = {id}"),
    ];
    for (sort, rel, change) in cases {
        let query = ProductQuery { sort, page: 3, ..Default::default() };
        let third = services::catalog::search_products(&app.state, query.clone()).await.unwrap();
        let edge = if rel == "next" { third.items.last() } else { third.items.first() };
        let (anchor, title) = edge.map(|p| (p.id, p.title.clone())).unwrap();
        if sort == SortOrder::Name {
            // Still in the same place, but now a title that only survives correct encoding.
            let odd = format!("{title} + & % Ñandú/?#");
            execute(&app, &format!("UPDATE products SET title = '{odd}' WHERE id = {anchor}")).await;
        }
        let page = get(&app.base, &format!("/products{}", query.to_query_string(3, true))).await;
        let link = html::attr(&page.html(), &format!(r#".pagination a[rel="{rel}"]"#), "href");
        assert!(link.contains("&at="), "{sort:?} {rel}: {link}");
        let linked = html::card_titles(&get(&app.base, &link).await.html());
        assert_eq!(linked.len(), 24, "{link}");

        execute(&app, &change.replace("{id}", &anchor.to_string())).await;
        let after = html::card_titles(&get(&app.base, &link).await.html());
        assert_eq!(after, linked, "{sort:?} {rel} after `{change}`: {link}");
    }
}

async fn kept_counts_follow_every_change(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let count = |category: Option<&str>| {
        let query = ProductQuery { category: category.map(str::to_owned), page: 1, ..Default::default() };
        let db = app.db.clone();
        async move { catalog::listing::count_matching(&db, &query).await.unwrap() }
    };
    assert_eq!(count(None).await, 51);
    let furniture = count(Some("furniture")).await;
    add_zebrawood(&app).await;
    assert_eq!((count(None).await, count(Some("furniture")).await), (55, furniture + 4));

    // Moving a product to another category moves its count; deleting one takes it away.
    let shoes = count(Some("shoes")).await;
    let sql = "UPDATE products SET category_id = (SELECT id FROM categories WHERE slug = 'shoes') \
               WHERE slug = 'maple-shelf'";
    with_pool!(app.db.writer(), pool => sqlx::query(sql).execute(pool).await.map(|done| done.rows_affected())).unwrap();
    assert_eq!((count(Some("furniture")).await, count(Some("shoes")).await), (furniture + 3, shoes + 1));
    let sql = "DELETE FROM products WHERE slug = 'zebra-print-cushion'";
    with_pool!(app.db.writer(), pool => sqlx::query(sql).execute(pool).await.map(|done| done.rows_affected())).unwrap();
    assert_eq!((count(None).await, count(Some("furniture")).await), (54, furniture + 2));
    // A change to anything else (a checkout's stock) leaves the counts and the search index alone.
    let sql = "UPDATE products SET stock = 0 WHERE slug = 'zebrawood-writing-desk'";
    with_pool!(app.db.writer(), pool => sqlx::query(sql).execute(pool).await.map(|done| done.rows_affected())).unwrap();
    assert_eq!(count(None).await, 54);
    assert_eq!(count(Some("nowhere")).await, 0, "an unknown category holds nothing");
    assert_eq!(count_rows(&app, "products").await, 54, "the kept count is the real one");
    app.state.catalog_changed();
    assert_eq!(found(&app, "zebrawood desk").await, ["Zebrawood Writing Desk"]);
    assert!(found(&app, "cushion zebra").await.is_empty(), "a deleted product leaves the index");
}

/// A price range is counted from kept counts per price band (its first two significant digits in
/// cents) and the products of the bands its ends cut. The database puts each price in the band the
/// server's own arithmetic expects (the unit test of `price_bands` checks the same prices), and
/// every way a product enters, leaves or moves between bands keeps the count of every range the
/// real one: ranges whose ends fall on a band's edge, inside one, or both within a single band.
async fn price_band_counts_follow_every_change(backend: Backend) {
    let app = spawn_seeded(backend).await;
    demo::seed_generated(&app.db, &app.config, 300).await.unwrap();
    let bands = [(1, 1), (99, 99), (109, 100), (999, 990), (1_234, 1_200), (123_456, 120_000)];
    let sql = "SELECT id FROM products ORDER BY id DESC LIMIT 6";
    let ids: Vec<i64> = with_reader!(app.db.reader(), pool => sqlx::query_scalar(sql).fetch_all(pool).await).unwrap();
    for (id, (cents, _)) in ids.iter().zip(bands) {
        execute(&app, &format!("UPDATE products SET price_cents = {cents} WHERE id = {id}")).await;
    }
    // Each band's kept count is the number of its category's products priced from the band's
    // first price to its last, as the server's arithmetic draws the band.
    let widths = [1, 1, 10, 10, 100, 10_000];
    for ((id, (cents, band)), width) in ids.iter().zip(bands).zip(widths) {
        let sql = format!(
            "SELECT n.products, (SELECT COUNT(*) FROM products q WHERE q.category_id = p.category_id \
             AND q.price_cents BETWEEN {band} AND {}) FROM products p JOIN price_band_counts n \
             ON n.category_id = p.category_id AND n.band = {band} WHERE p.id = {id}",
            band + width - 1
        );
        let (kept, real): (i64, i64) =
            with_reader!(app.db.reader(), pool => sqlx::query_as(&sql).fetch_one(pool).await).unwrap();
        assert_eq!(kept, real, "{cents} lies in band {band}");
    }

    let ranges: [(Option<i64>, Option<i64>); 9] = [
        (Some(500), Some(50_000)),
        (Some(1_234), Some(5_678)),
        (Some(1_201), Some(1_208)),
        (Some(99), Some(109)),
        (None, Some(2_000)),
        (Some(19_999), None),
        (Some(1), None),
        (Some(120_000), Some(129_999)),
        (Some(200_001), Some(200_002)),
    ];
    let counts_are_real = |when: &'static str| {
        let app = &app;
        async move {
            for category in [None, Some("furniture"), Some("no-such-category")] {
                for (min, max) in ranges {
                    let query = ProductQuery {
                        category: category.map(str::to_owned),
                        price_min: min.map(Money),
                        price_max: max.map(Money),
                        page: 1,
                        ..Default::default()
                    };
                    let counted = catalog::listing::count_matching(&app.db, &query).await.unwrap();
                    let real = priced_ids(app, category, (min, max), "p.id").await.len() as i64;
                    assert_eq!(counted, real, "{when}: {min:?}..={max:?} in {category:?}");
                }
            }
        }
    };
    counts_are_real("after the bulk insert").await;

    // A new product, then one repriced within its band, across bands, moved to another category,
    // and deleted; then a product edited in the back office.
    add_zebrawood(&app).await;
    counts_are_real("after an insert").await;
    let id: i64 =
        crate::common::back_office::number(&app, "SELECT MIN(id) FROM products WHERE price_cents > $1", 1_300).await;
    for change in [
        format!("UPDATE products SET price_cents = price_cents - price_cents % 100 + 1 WHERE id = {id}"),
        format!("UPDATE products SET price_cents = 1205 WHERE id = {id}"),
        format!("UPDATE products SET category_id = (SELECT id FROM categories WHERE slug = 'furniture') WHERE id = {id}"),
        format!("UPDATE products SET category_id = (SELECT id FROM categories WHERE slug = 'shoes'), price_cents = 50000 WHERE id = {id}"),
        format!("DELETE FROM products WHERE id = {id}"),
    ] {
        execute(&app, &change).await;
        counts_are_real("after a change").await;
    }
    let mut staff = crate::common::back_office::admin(&app).await;
    let other: i64 =
        crate::common::back_office::number(&app, "SELECT MIN(id) FROM products WHERE price_cents > $1", 5_000).await;
    patch_in_back_office(&app, &mut staff, other, "price", "12.34").await;
    counts_are_real("after a back-office edit").await;
}

/// A search ranked by relevance ranks at most `RANKED_MATCHES_MAX` matches, those most recently
/// added: a word found in most of a large catalog cost a microsecond a match to rank (a search for
/// "a" took 100 ms at 100,000 products). Its pages by number list each of the latest matches once
/// and nothing else, the page says that more match, and one past the last page finds nothing.
async fn a_search_matching_too_much_ranks_its_latest_matches(backend: Backend) {
    let app = spawn_seeded(backend).await;
    demo::seed_generated(&app.db, &app.config, 2_600).await.unwrap();
    app.state.catalog_changed();
    let cap = catalog::listing::RANKED_MATCHES_MAX as usize;
    // Every match, walked in another order; the latest added are those with the highest ids.
    let newest_first = ProductQuery { q: "for".into(), sort: SortOrder::Newest, page: 1, ..Default::default() };
    let (mut matching, total) = walk(&app, newest_first).await;
    assert!(total as usize > cap, "the word must match more than {cap} products: {total}");
    matching.sort_unstable_by(|a, b| b.cmp(a));
    let mut expected = matching[..cap].to_vec();
    expected.sort_unstable();

    let ranked = ProductQuery { q: "for".into(), page: 1, ..Default::default() };
    let pages = cap.div_ceil(24) as u32;
    let mut listed = Vec::new();
    for page in 1..=pages {
        let found =
            services::catalog::search_products(&app.state, ProductQuery { page, ..ranked.clone() }).await.unwrap();
        assert_eq!((found.total as usize, found.more_match_than_listed), (cap, true), "page {page}");
        listed.extend(found.items.iter().map(|p| p.id));
    }
    listed.sort_unstable();
    assert_eq!(listed, expected, "the {cap} latest matches, each once");
    let past = services::catalog::search_products(&app.state, ProductQuery { page: pages + 1, ..ranked.clone() });
    let past = past.await.unwrap();
    assert_eq!((past.items.len(), past.total as usize, past.more_match_than_listed), (0, cap, true));

    let page = get(&app.base, "/products?q=for").await;
    let count = html::text(&page.html(), ".result-count");
    assert!(count.starts_with(&format!("More than {cap} products match; the {cap} most recently added")), "{count}");
    assert_eq!(html::card_titles(&page.html()).len(), 24);
    // A search that matches fewer is counted and ranked whole, as before.
    let narrow = services::catalog::search_products(
        &app.state,
        ProductQuery { q: "zebrawood".into(), page: 1, ..Default::default() },
    );
    assert!(!narrow.await.unwrap().more_match_than_listed);
}

async fn products_older_than_search_titles_get_them_at_start(backend: Backend) {
    let app = spawn_seeded(backend).await;
    add_zebrawood(&app).await;
    // As a database written before the column existed: no folded titles.
    let sql = "UPDATE products SET search_title = NULL";
    with_pool!(app.db.writer(), pool => sqlx::query(sql).execute(pool).await.map(|done| done.rows_affected())).unwrap();
    app.db.migrate().await.unwrap();
    let sql = "SELECT search_title FROM products WHERE slug = 'silla-cafe-zebrawood'";
    let title: String = with_reader!(app.db.reader(), pool => sqlx::query_scalar(sql).fetch_one(pool).await).unwrap();
    assert_eq!(title, "silla cafe zebrawood");
    let sql = "SELECT COUNT(*) FROM products WHERE search_title IS NULL";
    let missing: i64 = with_reader!(app.db.reader(), pool => sqlx::query_scalar(sql).fetch_one(pool).await).unwrap();
    assert_eq!(missing, 0);
    app.state.catalog_changed();
    assert_eq!(found(&app, "zebrawood").await.last().unwrap(), "Maple Shelf", "ranked by title again");
}

/// The ids of a listing as the database orders them, from the front: the oracle for pages by number.
async fn ordered_ids(app: &TestApp, category: Option<&str>, order: &str) -> Vec<i64> {
    let filter = category.map_or(String::new(), |slug| {
        format!("WHERE p.category_id = (SELECT id FROM categories WHERE slug = '{slug}')")
    });
    let sql = format!("SELECT p.id FROM products p {filter} ORDER BY {order}");
    with_reader!(app.db.reader(), pool => sqlx::query_scalar(&sql).fetch_all(pool).await).unwrap()
}

async fn page_ids(app: &TestApp, query: ProductQuery) -> (Vec<i64>, u64) {
    let page = services::catalog::search_products(&app.state, query).await.unwrap();
    (page.items.iter().map(|p| p.id).collect(), page.total)
}

/// Asserts every page of a listing from `first_page` to one past the end against `expected`.
async fn pages_match(app: &TestApp, query: &ProductQuery, first_page: u32, expected: &[i64]) {
    let pages = expected.len().div_ceil(24) as u32;
    for page in first_page..=pages + 1 {
        let (ids, total) = page_ids(app, ProductQuery { page, ..query.clone() }).await;
        let start = ((page as usize - 1) * 24).min(expected.len());
        let wanted = &expected[start..(start + 24).min(expected.len())];
        assert_eq!((ids.as_slice(), total as usize), (wanted, expected.len()), "{:?} page {page}", query.sort);
    }
}

/// Pages far into a listing start from products the server keeps every 256 (`PageAnchors`), found
/// in one walk of the listing: each page must hold what counting from the front gives, in a
/// category as in the whole catalog, and stay so when the catalog changes, through this server or
/// behind its back (another process adding, deleting and repricing products).
async fn deep_pages_by_number_match_the_listing_as_it_changes(backend: Backend) {
    let mut config = crate::common::test_config(backend).await;
    // Every listing read from the database, so nothing but the anchors can be stale.
    config.cache.ttl_secs = 0;
    let app = crate::common::spawn_with(config, true).await;
    demo::seed_generated(&app.db, &app.config, 6_000).await.unwrap();
    app.state.catalog_changed();
    let anchors = &app.state.page_anchors;
    let biggest: String = with_reader!(app.db.reader(), pool => sqlx::query_scalar(
        "SELECT c.slug FROM categories c JOIN products p ON p.category_id = c.id GROUP BY c.slug ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    let newest = "p.created_at DESC, p.id DESC";
    let cheapest = "p.price_cents ASC, p.id ASC";
    // Names compare by byte on both (PostgreSQL would otherwise use the database's locale).
    let by_name = match backend {
        Backend::Sqlite => "lower(p.title), p.id",
        Backend::Postgres => "lower(p.title) COLLATE \"C\", p.id",
    };
    let listings = [
        (SortOrder::Relevance, None, newest),
        (SortOrder::PriceAsc, None, cheapest),
        (SortOrder::Newest, Some(biggest.as_str()), newest),
        (SortOrder::Name, Some(biggest.as_str()), by_name),
    ];
    for (sort, category, order) in listings {
        let expected = ordered_ids(&app, category, order).await;
        assert!(expected.len() > 1_100, "{category:?}: deep enough to start from anchors");
        let query = ProductQuery { sort, category: category.map(Into::into), page: 1, ..Default::default() };
        let walks = anchors.walks();
        pages_match(&app, &query, 40, &expected).await;
        // One walk served every deep page (a second if a minute passed: they are found again).
        let walked = anchors.walks() - walks;
        assert!((1..=2).contains(&walked), "{sort:?} {category:?}: {walked} walks");
    }

    // Eight requests at once for deep pages of a listing not walked yet: one walks, and the others
    // wait for its anchors rather than walk again.
    let walks = anchors.walks();
    let requests: Vec<_> = (0..8u32)
        .map(|n| {
            let state = app.state.clone();
            let query = ProductQuery { sort: SortOrder::PriceDesc, page: 100 + 10 * n, ..Default::default() };
            tokio::spawn(async move { services::catalog::search_products(&state, query).await.unwrap().items.len() })
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap(), 24);
    }
    assert_eq!(anchors.walks() - walks, 1, "concurrent deep pages share one walk");

    // Another process adds the newest product: the count the database keeps no longer matches the
    // anchors', so they are found again and every deep page moves by one.
    let newest_query = ProductQuery { page: 1, ..Default::default() };
    let later = chrono::Utc::now() + chrono::Duration::days(1);
    let new_product = |slug: &'static str| NewProduct {
        title: "Anchor Test Lamp",
        slug,
        description: "Added behind the server's back.",
        price: Money(1_234),
        stock: 1,
        category_slug: "furniture",
        images: vec![],
        at: later,
    };
    catalog::insert_catalog(&app.db, &[], &[new_product("anchor-test-lamp")]).await.unwrap();
    let expected = ordered_ids(&app, None, newest).await;
    let walks = anchors.walks();
    pages_match(&app, &newest_query, 200, &expected).await;
    assert!(anchors.walks() > walks, "a changed count means a new walk");

    // It deletes the product page 201 starts after (the anchor at 18 * 256 - 1) and adds another:
    // the count is the same and, newest first, the anchor is its id alone, which leads nowhere.
    let page = 201u32;
    let anchor_position = ((page as usize - 1) * 24 / 256) * 256 - 1;
    let gone = expected[anchor_position];
    execute_behind_its_back(&app, &format!("DELETE FROM products WHERE id = {gone}")).await;
    catalog::insert_catalog(&app.db, &[], &[new_product("anchor-test-lamp-2")]).await.unwrap();
    let expected = ordered_ids(&app, None, newest).await;
    assert!(!expected.contains(&gone));
    pages_match(&app, &newest_query, page, &expected).await;

    // It reprices the product page 201 starts after in the price order, to the cheapest of all: the
    // anchor keeps the price it was found at, so the page starts where that product stood.
    let cheapest_query = ProductQuery { sort: SortOrder::PriceAsc, page: 1, ..Default::default() };
    let before = ordered_ids(&app, None, cheapest).await;
    pages_match(&app, &cheapest_query, page, &before).await;
    let repriced = before[anchor_position];
    execute_behind_its_back(&app, &format!("UPDATE products SET price_cents = 1 WHERE id = {repriced}")).await;
    let expected = ordered_ids(&app, None, cheapest).await;
    assert_eq!(expected[0], repriced);
    pages_match(&app, &cheapest_query, page, &expected).await;

    // Through this server: a product repriced moves in the price order at once, on every page.
    let moved = expected[5_000];
    execute(&app, &format!("UPDATE products SET price_cents = 2 WHERE id = {moved}")).await;
    let expected = ordered_ids(&app, None, cheapest).await;
    assert_eq!(expected[..2], [repriced, moved]);
    pages_match(&app, &cheapest_query, 43, &expected).await;

    // Through the back office: selling a product out changes no listing's order, so where its
    // pages begin stays known (no walk); a new price moves it, so the anchors are found again.
    let mut staff = crate::common::back_office::admin(&app).await;
    let sold_out = expected[4_900];
    // Anchors found just now, so that none is found again for its age (a minute) meanwhile.
    pages_match(&app, &cheapest_query, 200, &expected).await;
    let walks = anchors.walks();
    patch_in_back_office(&app, &mut staff, sold_out, "stock", "0").await;
    pages_match(&app, &cheapest_query, 200, &expected).await;
    assert_eq!(anchors.walks(), walks, "a change of stock keeps the anchors");
    patch_in_back_office(&app, &mut staff, sold_out, "price", "0.03").await;
    let expected = ordered_ids(&app, None, cheapest).await;
    assert_eq!(expected[..3], [repriced, moved, sold_out]);
    pages_match(&app, &cheapest_query, 200, &expected).await;
    assert!(anchors.walks() > walks, "a new price means a new walk");
}

/// A price range in cents; either bound may be missing.
type PriceRange = (Option<i64>, Option<i64>);

/// The ids of the products in price `range`, of category `slug` if given, in `order`.
async fn priced_ids(app: &TestApp, slug: Option<&str>, range: PriceRange, order: &str) -> Vec<i64> {
    let (min, max) = (range.0.unwrap_or(0), range.1.unwrap_or(i64::MAX));
    let category = slug
        .map_or(String::new(), |slug| format!("AND p.category_id = (SELECT id FROM categories WHERE slug = '{slug}')"));
    let sql =
        format!("SELECT p.id FROM products p WHERE p.price_cents BETWEEN {min} AND {max} {category} ORDER BY {order}");
    with_reader!(app.db.reader(), pool => sqlx::query_scalar(&sql).fetch_all(pool).await).unwrap()
}

/// On SQLite a price range in a listing ordered otherwise is read one of two ways, chosen from how
/// much of the listing it holds (`price_range`): the order's index walked with each price checked,
/// or the range read through a price index (named, so that SQLite cannot walk instead) and sorted.
/// Whichever is chosen, a range holding all of the catalog, half of it, ten products or none, and
/// one bound alone holding ten, lists exactly those products, newest first and by name, in the
/// whole catalog and in a category: by page number, by the links' cursors, past the end, and
/// through the API from any offset (PostgreSQL finds a deep page's ids before reading its
/// products), where a category slug that names none lists nothing. Both databases meet the same
/// expectations.
async fn a_price_range_lists_what_it_holds_however_much_that_is(backend: Backend) {
    let app = spawn_seeded(backend).await;
    demo::seed_generated(&app.db, &app.config, 2_000).await.unwrap();
    app.state.catalog_changed();
    let sql = "SELECT price_cents FROM products ORDER BY price_cents";
    let prices: Vec<i64> =
        with_reader!(app.db.reader(), pool => sqlx::query_scalar(sql).fetch_all(pool).await).unwrap();
    let n = prices.len();
    let ranges = [
        (Some(prices[0]), Some(prices[n - 1])),
        (Some(prices[n / 4]), Some(prices[3 * n / 4])),
        (Some(prices[n / 2]), Some(prices[n / 2 + 9])),
        // One bound, holding a handful: SQLite must still be made to read the price index.
        (Some(prices[n - 10]), None),
        (None, Some(prices[9])),
        (Some(prices[n - 1] + 1), Some(prices[n - 1] + 100)),
    ];
    let by_name = match backend {
        Backend::Sqlite => "lower(p.title), p.id",
        Backend::Postgres => "lower(p.title) COLLATE \"C\", p.id",
    };
    let furniture: i64 = with_reader!(app.db.reader(), pool =>
        sqlx::query_scalar("SELECT id FROM categories WHERE slug = 'furniture'").fetch_one(pool).await)
    .unwrap();
    for range in ranges {
        for (slug, (sort, order)) in [None, Some("furniture")].into_iter().flat_map(|slug| {
            [(SortOrder::Newest, "p.created_at DESC, p.id DESC"), (SortOrder::Name, by_name)].map(|o| (slug, o))
        }) {
            let expected = priced_ids(&app, slug, range, order).await;
            let query = ProductQuery {
                category: slug.map(Into::into),
                price_min: range.0.map(Money),
                price_max: range.1.map(Money),
                sort,
                page: 1,
                ..Default::default()
            };
            let (ids, total) = walk(&app, query.clone()).await;
            assert_eq!(
                (&ids, total as usize),
                (&expected, expected.len()),
                "{range:?} in {slug:?} {sort:?}, by cursor"
            );
            pages_match(&app, &query, 1, &expected).await;
            let far = ProductQuery { page: 999_999, ..query.clone() };
            assert_eq!(page_ids(&app, far).await, (vec![], expected.len() as u64), "{range:?} in {slug:?} {sort:?}");
        }
        let slugs =
            [(None, None), (Some("furniture"), None), (None, Some(furniture)), (Some("no-such-category"), None)];
        for (slug, id) in slugs {
            let expected = match slug {
                Some("no-such-category") => Vec::new(),
                _ => priced_ids(&app, slug.or(id.map(|_| "furniture")), range, "p.id").await,
            };
            // From 1,000 on, PostgreSQL finds a page's ids before it reads the products.
            for offset in [0, 30, 1_500, expected.len() as i64] {
                let filter = ProductFilter {
                    price_min: range.0,
                    price_max: range.1,
                    category_slug: slug.map(Into::into),
                    category_id: id,
                    limit: Some(50),
                    offset,
                    ..Default::default()
                };
                let listed = services::catalog_api::list_products(&app.state, &filter).await.unwrap();
                let start = (offset as usize).min(expected.len());
                let wanted = &expected[start..(start + 50).min(expected.len())];
                let ids: Vec<i64> = listed.iter().map(|p| p.id).collect();
                assert_eq!(ids, wanted, "API {range:?}, {slug:?} / {id:?}, offset {offset}");
            }
        }
    }
    // And deep into the whole catalog, with no filter at all.
    let every = ordered_ids(&app, None, "p.id").await;
    for offset in [1_000, 2_040] {
        let filter = ProductFilter { limit: Some(24), offset, ..Default::default() };
        let listed = services::catalog_api::list_products(&app.state, &filter).await.unwrap();
        let wanted = &every[offset as usize..(offset as usize + 24).min(every.len())];
        assert_eq!(listed.iter().map(|p| p.id).collect::<Vec<_>>(), wanted, "API offset {offset}");
    }
}
