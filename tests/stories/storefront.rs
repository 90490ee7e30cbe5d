//! The storefront over HTTP, on SQLite and PostgreSQL: what shoppers and crawlers get.

use crate::common;

use common::{get, html, shared, Backend, Page, SITE};
use tienda::model::Money;
use tienda::server::auth::session::SESSION_COOKIE;
use tienda::server::db::catalog::{self, NewProduct};

on_both_backends!(
    home_shows_categories_and_newest_products,
    catalog_lists_every_product_across_pages,
    catalog_filters_by_category_price_and_text,
    catalog_sorts_by_price_and_name,
    category_page_lists_its_products,
    only_the_listings_the_site_links_to_by_name_are_indexed,
    product_page_has_content_and_structured_data,
    unknown_pages_are_real_404s,
    garbage_in_the_url_renders_a_sensible_page,
    sitemap_lists_every_page_and_robots_points_to_it,
    sitemap_follows_catalog_changes,
    probes_report_health_and_readiness,
    public_pages_are_cached_with_validators,
    server_functions_answer_bad_arguments_with_4xx,
    pages_speak_the_language_the_browser_asks_for,
    a_chosen_language_beats_the_browser_and_is_remembered,
    the_page_cache_keeps_languages_apart,
    cached_pages_go_to_browsers_brotli_compressed_once,
    with_the_cache_off_pages_are_compressed_only_for_those_who_ask,
    with_the_cache_off_a_page_reads_its_categories_once_and_the_next_page_sees_a_new_one,
    every_id_a_page_refers_to_is_on_it,
);

/// Labels and descriptions tied by id reach a screen reader only if the id is on the page, once.
async fn every_id_a_page_refers_to_is_on_it(backend: Backend) {
    let pages = [
        "/",
        "/products",
        "/products?q=oak&price_min=abc",
        "/categories/furniture",
        "/products/solid-oak-coffee-table",
        "/stores",
        "/cart",
        "/login",
        "/register",
        "/login/forgot",
        "/login/reset?token=abc",
    ];
    for path in pages {
        let page = get(shared(backend), path).await;
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(html::broken_id_references(&page.html()), Vec::<String>::new(), "{path}");
    }
}

async fn home_shows_categories_and_newest_products(backend: Backend) {
    let page = get(shared(backend), "/").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert_eq!(page.headers["x-frame-options"], "DENY");
    assert!(page.body.starts_with("<!DOCTYPE html>"), "a full document");
    let doc = page.html();
    assert_eq!(html::attr(&doc, "html", "lang"), "en");
    assert_eq!(html::texts(&doc, "h1").len(), 1, "one h1");
    assert!(html::text(&doc, "title").contains("Tienda"));
    assert_eq!(html::attr(&doc, r#"link[rel="canonical"]"#, "href"), format!("{SITE}/"));
    let header_links = html::texts(&doc, r#"nav[aria-label="Main"] a"#);
    assert_eq!(header_links, ["All products", "Clothes", "Electronics", "Furniture", "Shoes"], "from the database");
    let categories = html::texts(&doc, ".category-tile span");
    assert_eq!(categories, ["Clothes", "Electronics", "Furniture", "Shoes", "Miscellaneous"]);
    let newest = html::card_titles(&doc);
    assert_eq!(newest.len(), 8);
    assert_eq!(newest[..3], ["Insulated Steel Water Bottle", "Suede Chelsea Boots", "Folding Bistro Set"]);
}

async fn catalog_lists_every_product_across_pages(backend: Backend) {
    let base = shared(backend);
    let first = get(base, "/products").await;
    assert_eq!(first.status, 200);
    let doc = first.html();
    assert_eq!(html::card_titles(&doc).len(), 24);
    assert!(html::text(&doc, ".result-count").starts_with("51 products"));
    assert_eq!(html::attr(&doc, r#"link[rel="canonical"]"#, "href"), format!("{SITE}/products"));
    // "Next" names the last product shown: the following page is an index range from it, as cheap
    // on page 3,000 as on page 2.
    let next = html::attr(&doc, r#"link[rel="next"]"#, "href");
    assert!(next.starts_with(&format!("{SITE}/products?page=2&after=")), "{next}");
    assert_eq!(html::attr(&doc, r#".pagination a[rel="next"]"#, "href"), next.trim_start_matches(SITE));
    assert!(html::attrs(&doc, r#"link[rel="prev"]"#, "href").is_empty());

    let second = get(base, next.trim_start_matches(SITE)).await.html();
    assert_eq!(html::attr(&second, r#"link[rel="canonical"]"#, "href"), next, "a cursor page is its own address");
    assert_eq!(
        html::attr(&second, r#"link[rel="prev"]"#, "href"),
        format!("{SITE}/products"),
        "page 1 needs no cursor"
    );
    assert!(html::text(&second, ".result-count").contains("page 2 of 3"), "{}", html::text(&second, ".result-count"));
    let third_path = html::attr(&second, r#".pagination a[rel="next"]"#, "href");
    let third = get(base, &third_path).await.html();
    assert_eq!(html::card_titles(&third).len(), 3, "51 = 24 + 24 + 3");
    assert!(html::attrs(&third, r#"link[rel="next"]"#, "href").is_empty(), "the last page has no next");
    assert_eq!(html::attr(&third, r#".pagination a[aria-current="page"]"#, "href"), "/products?page=3");
    // Back from the third page by cursor finds the second again, and page numbers still work.
    let back = get(base, &html::attr(&third, r#".pagination a[rel="prev"]"#, "href")).await.html();
    assert_eq!(html::card_titles(&back), html::card_titles(&second));
    assert_eq!(html::card_titles(&get(base, "/products?page=2").await.html()), html::card_titles(&second));

    let mut all: Vec<String> = [doc, second, third].iter().flat_map(html::card_titles).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 51, "every product appears exactly once across the pages");

    for img in html::attrs(&get(base, "/products").await.html(), ".product-grid img", "alt") {
        assert!(!img.is_empty(), "product images have alt text");
    }
    let doc = get(base, "/products").await.html();
    assert_eq!(html::attrs(&doc, "img[width][height]", "src").len(), html::attrs(&doc, "img", "src").len());
}

async fn catalog_filters_by_category_price_and_text(backend: Backend) {
    let base = shared(backend);
    let shoes = get(base, "/products?category=shoes").await.html();
    assert!(html::text(&shoes, ".result-count").starts_with("10 products"));
    assert!(html::texts(&shoes, ".card-category").iter().all(|c| c == "Shoes"));
    assert_eq!(html::attr(&shoes, "#filter-category option[selected]", "value"), "shoes", "the form keeps its state");

    let mid = get(base, "/products?price_min=20&price_max=30.5").await.html();
    let prices = card_prices(&mid);
    assert!(!prices.is_empty());
    assert!(prices.iter().all(|p| (2000..=3050).contains(p)), "{prices:?}");
    let only_min = card_prices(&get(base, "/products?price_min=90").await.html());
    assert!(!only_min.is_empty() && only_min.iter().all(|p| *p >= 9000), "a single bound works");

    let wireless = get(base, "/products?q=WIRELESS").await.html();
    let mut titles = html::card_titles(&wireless);
    titles.sort();
    assert_eq!(titles, ["Ergonomic Wireless Mouse", "Wireless Charging Pad", "Wireless Noise Cancelling Headphones"]);
    assert_eq!(html::text(&wireless, "h1"), "Results for “WIRELESS”");
    assert_eq!(html::card_titles(&get(base, "/products?q=mouse+wireless").await.html()), ["Ergonomic Wireless Mouse"]);
    // Words are matched in the description too, folded for case and punctuation.
    assert!(
        html::card_titles(&get(base, "/products?q=t-shirt").await.html()).contains(&"Organic Cotton T-Shirt".into())
    );

    let combined = get(base, "/products?q=leather&category=shoes&price_max=60").await.html();
    let combined_titles = html::card_titles(&combined);
    assert!(!combined_titles.is_empty());
    assert!(html::texts(&combined, ".card-category").iter().all(|c| c == "Shoes"));
    assert!(card_prices(&combined).iter().all(|p| *p <= 6000));

    let none = get(base, "/products?q=zeppelin").await;
    assert_eq!(none.status, 200);
    let none = none.html();
    assert!(html::card_titles(&none).is_empty());
    assert!(html::text(&none, ".empty").contains("Nothing matches"));
    assert_eq!(html::attr(&none, r#"meta[name="robots"]"#, "content"), "noindex, follow");
}

async fn catalog_sorts_by_price_and_name(backend: Backend) {
    let base = shared(backend);
    let ascending = card_prices(&get(base, "/products?sort=price_asc").await.html());
    assert!(ascending.windows(2).all(|w| w[0] <= w[1]), "{ascending:?}");
    let descending = card_prices(&get(base, "/products?sort=price_desc").await.html());
    assert!(descending.windows(2).all(|w| w[0] >= w[1]), "{descending:?}");
    assert!(descending[0] >= *ascending.last().unwrap());
    let names = html::card_titles(&get(base, "/products?sort=name").await.html());
    let mut sorted = names.clone();
    sorted.sort_by_key(|t| t.to_lowercase());
    assert_eq!(names, sorted);
    assert_eq!(names[0], "Bamboo Bookshelf");
    // The sort survives pagination links.
    let doc = get(base, "/products?sort=name").await.html();
    let next = html::attr(&doc, r#"link[rel="next"]"#, "href");
    assert!(next.starts_with(&format!("{SITE}/products?sort=name&page=2&after=")), "{next}");
    let second = html::card_titles(&get(base, next.trim_start_matches(SITE)).await.html());
    assert_eq!(second, names_by_number(base, "/products?sort=name&page=2").await, "cursor and number agree");
}

async fn names_by_number(base: &str, path: &str) -> Vec<String> {
    html::card_titles(&get(base, path).await.html())
}

async fn category_page_lists_its_products(backend: Backend) {
    let base = shared(backend);
    let page = get(base, "/categories/furniture").await;
    assert_eq!(page.status, 200);
    let doc = page.html();
    assert_eq!(html::text(&doc, "h1"), "Furniture");
    assert_eq!(html::card_titles(&doc).len(), 7);
    assert_eq!(html::attr(&doc, r#"link[rel="canonical"]"#, "href"), format!("{SITE}/categories/furniture"));
    assert!(html::attrs(&doc, "#filter-category", "id").is_empty(), "the path fixes the category");
    let cheap = get(base, "/categories/furniture?sort=price_asc&price_max=40").await.html();
    let prices = card_prices(&cheap);
    assert!(prices.windows(2).all(|w| w[0] <= w[1]) && prices.iter().all(|p| *p <= 4000), "{prices:?}");
}

/// A search engine indexes the catalog and each category by page number; a search, a price
/// range, another order, a cursor's page and `/products?category=` show the same products cut or
/// ordered otherwise, at addresses without end: those say `noindex, follow`.
async fn only_the_listings_the_site_links_to_by_name_are_indexed(backend: Backend) {
    let base = shared(backend);
    let robots = |page: &Page| html::attrs(&page.html(), r#"meta[name="robots"]"#, "content");
    for path in ["/products", "/products?page=2", "/categories/furniture", "/categories/clothes?page=1"] {
        let page = get(base, path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(robots(&page).is_empty(), "{path} is indexed: {:?}", robots(&page));
    }
    let next = html::attr(&get(base, "/products").await.html(), r#".pagination a[rel="next"]"#, "href");
    for path in [
        "/products?q=chair",
        "/products?q=%21",
        "/products?price_min=0.01",
        "/products?sort=newest",
        "/products?sort=price_asc",
        "/products?category=clothes",
        "/categories/furniture?sort=name",
        "/categories/furniture?price_max=900",
        next.as_str(),
    ] {
        let page = get(base, path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(!html::card_titles(&page.html()).is_empty(), "{path} lists products");
        assert_eq!(robots(&page), ["noindex, follow"], "{path}");
    }
}

async fn product_page_has_content_and_structured_data(backend: Backend) {
    let base = shared(backend);
    let page = get(base, "/products/solid-oak-coffee-table").await;
    assert_eq!(page.status, 200);
    let doc = page.html();
    assert_eq!(html::text(&doc, "h1"), "Solid Oak Coffee Table");
    assert!(html::text(&doc, "title").starts_with("Solid Oak Coffee Table"));
    assert!(html::text(&doc, ".product-description").contains("solid oak"));
    let canonical = format!("{SITE}/products/solid-oak-coffee-table");
    assert_eq!(html::attr(&doc, r#"link[rel="canonical"]"#, "href"), canonical);
    assert_eq!(html::attr(&doc, r#"meta[property="og:url"]"#, "content"), canonical);
    assert_eq!(html::attr(&doc, r#"meta[property="og:type"]"#, "content"), "product");
    assert!(html::attr(&doc, r#"meta[property="og:image"]"#, "content").starts_with(&format!("{SITE}/media/")));
    assert_eq!(html::attr(&doc, r#"meta[name="twitter:card"]"#, "content"), "summary_large_image");
    assert!(!html::attr(&doc, r#"meta[name="description"]"#, "content").is_empty());

    let structured = html::json_ld(&doc);
    let product = structured.iter().find(|v| v["@type"] == "Product").expect("a Product block");
    assert_eq!(product["name"], "Solid Oak Coffee Table");
    assert!(product["sku"].as_str().unwrap().starts_with("TND-"));
    assert_eq!(product["offers"]["priceCurrency"], "USD");
    assert!(product["offers"]["price"].as_str().unwrap().parse::<f64>().unwrap() > 0.0);
    assert_eq!(product["offers"]["availability"], "https://schema.org/InStock");
    assert!(product["image"][0].as_str().unwrap().starts_with(SITE));
    let crumbs = structured.iter().find(|v| v["@type"] == "BreadcrumbList").expect("a BreadcrumbList");
    let names: Vec<&str> =
        crumbs["itemListElement"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Home", "Products", "Furniture", "Solid Oak Coffee Table"]);

    let thumbs = html::attrs(&doc, ".gallery-thumbs a", "href");
    assert!(thumbs.len() >= 2, "a gallery of several images");
    let second = get(base, "/products/solid-oak-coffee-table?image=2").await.html();
    assert!(html::attr(&second, ".gallery-main", "alt").contains("image 2"), "the gallery works without JavaScript");
    let related = html::texts(&doc, ".product-grid .card-category");
    assert!(!related.is_empty() && related.iter().all(|c| c == "Furniture"), "related products share the category");

    let sold_out = get(base, "/products/retro-instant-camera").await.html();
    assert_eq!(html::text(&sold_out, ".stock"), "Sold out");
    let offer = html::json_ld(&sold_out).into_iter().find(|v| v["@type"] == "Product").unwrap();
    assert_eq!(offer["offers"]["availability"], "https://schema.org/OutOfStock");
}

async fn unknown_pages_are_real_404s(backend: Backend) {
    let base = shared(backend);
    for path in ["/products/no-such-thing", "/categories/no-such-category", "/no/such/page"] {
        let page = get(base, path).await;
        assert_eq!(page.status, 404, "{path}");
        let doc = page.html();
        assert_eq!(html::text(&doc, "h1"), "Page not found", "{path}");
        assert_eq!(html::attr(&doc, r#"meta[name="robots"]"#, "content"), "noindex, follow", "{path}");
        assert!(html::attrs(&doc, r#"link[rel="canonical"]"#, "href").is_empty(), "{path}: no page's address");
    }
    // A page's address with a slash added is sent to the page's one address, query kept.
    for (path, to) in [
        ("/products/", "/products"),
        ("/products/solid-oak-coffee-table/?image=2", "/products/solid-oak-coffee-table?image=2"),
        ("/categories/furniture/", "/categories/furniture"),
        ("/stores/", "/stores"),
    ] {
        let page = get(base, path).await;
        assert_eq!((page.status, page.headers["location"].to_str().unwrap()), (308, to), "{path}");
    }
    // Dot segments (which browsers resolve before they ask, so only a hand-written request
    // carries them) are resolved to the page's one address the same way.
    for (path, to) in [
        ("/./products", "/products"),
        ("/products/../stores?x=1", "/stores?x=1"),
        ("/stores/..", "/"),
        ("/categories/./furniture/.", "/categories/furniture/"),
        ("/../products", "/products"),
        ("/..", "/"),
        // Paths the router matches as a page's address (a product whose slug is `..`).
        ("/products/..", "/"),
        ("/products/.?image=2", "/products/?image=2"),
        ("/admin/orders/..", "/admin/"),
        // Dots written as `%2e`, which browsers and the router read as dots.
        ("/x/%2e%2e/stores", "/stores"),
        ("/products/%2E", "/products/"),
        ("/products/.%2e/stores", "/stores"),
    ] {
        assert_eq!(common::get_as_written(base, path).await, (308, Some(to.to_owned())), "{path}");
    }
    for path in ["//evil.example/", "/products//"] {
        assert_eq!(get(base, path).await.status, 404, "{path}: never sent elsewhere");
    }
    for path in ["/.//evil.example", "/x/..//evil.example", "/./\\evil.example", "/x/%2e%2e//evil.example"] {
        let (status, location) = common::get_as_written(base, path).await;
        assert!(location.is_none(), "{path}: never sent elsewhere ({location:?})");
        assert!(status == 404 || status == 400, "{path}: {status}");
    }
    assert_eq!(get(base, "/api/docs/").await.status, 200, "the API's docs keep their slash");
}

async fn garbage_in_the_url_renders_a_sensible_page(backend: Backend) {
    let base = shared(backend);
    let long_query = format!("/products?q={}", "a".repeat(10_000));
    // (URL, what the page must say)
    let cases: [(&str, &str); 10] = [
        ("/products?page=-1", "page number is not valid"),
        ("/products?page=abc", "page number is not valid"),
        ("/products?page=99999", "There is no page 99999"),
        ("/products?price_min=abc", "minimum price was not an amount the store can use"),
        ("/products?price_min=-1", "minimum price was not an amount the store can use"),
        ("/products?price_max=1e99", "maximum price was not an amount the store can use"),
        ("/products?category=no-such-thing", "No category has that name, so all categories are shown"),
        ("/products?sort=drop%20table", "sort order is unknown"),
        (&long_query, "only its beginning was used"),
        ("/products?category=%F0%9F%98%80", "category name is not valid"),
    ];
    for (path, expected) in cases {
        let page = get(base, path).await;
        // A page past the end exists no more than a missing product does.
        let status = if path.contains("99999") { 404 } else { 200 };
        assert_eq!(page.status, status, "{path}");
        assert!(page.body.contains(expected), "{path} should say {expected:?}");
    }
    // Past the end, the count above the notice names no page ("page 99999 of 3" would be false).
    let past_the_end = get(base, "/products?page=99999").await.html();
    let count = html::text(&past_the_end, ".result-count");
    assert!(count.ends_with(" products"), "{count}");
    assert_eq!(html::attr(&past_the_end, "meta[name=robots]", "content"), "noindex, follow");
    // So is every listing's: a category's, a search's (one with no match has a single page), while
    // their last pages stay found.
    let furniture = tienda::model::paths::category("furniture");
    for (path, status) in [
        (format!("{furniture}?page=2"), 404),
        (format!("{furniture}?page=1"), 200),
        ("/products?q=shirt&page=40".to_owned(), 404),
        ("/products?q=zzzzqqq&page=2".to_owned(), 404),
        ("/products?q=zzzzqqq".to_owned(), 200),
        ("/products?page=3".to_owned(), 200),
    ] {
        assert_eq!(get(base, &path).await.status, status, "{path}");
    }
    // A NUL byte is refused before any page renders (PostgreSQL could not compare it), with a page.
    let nul = get(base, "/products?q=%00%01").await;
    assert_eq!(nul.status, 400);
    assert!(nul.body.contains("That request could not be read"), "{}", nul.body);
    let unicode = get(base, "/products?q=%C3%91and%C3%BA%20%E2%9C%93").await;
    assert_eq!(unicode.status, 200);
    assert!(unicode.body.contains("Results for “Ñandú ✓”"));
    let swapped = get(base, "/products?price_min=50&price_max=10").await;
    assert!(swapped.body.contains("were swapped"));
    assert!(card_prices(&swapped.html()).iter().all(|p| (1000..=5000).contains(p)));
    // A category no one has filters nothing (a stale link): every product, and no hidden filter
    // in the page's links.
    let unknown = get(base, "/products?category=no-such-thing&sort=name").await;
    assert!(html::text(&unknown.html(), ".result-count").starts_with("51 products"));
    let canonical = html::attr(&unknown.html(), r#"link[rel="canonical"]"#, "href");
    assert!(canonical.ends_with("/products?sort=name"), "the canonical address forgets it: {canonical}");
    // Whatever the address holds besides the listing's own parameters, a card's way back holds
    // only those, and the sign-in link's way back drops a query that long: the page does not grow
    // with the junk a URL holds.
    let junk = get(base, &format!("/products?sort=name&utm={}", "x".repeat(20_000))).await;
    assert!(!junk.body.contains(&"x".repeat(100)), "{} bytes", junk.body.len());
    assert_eq!(html::attr(&junk.html(), ".account-link", "href"), "/login?next=%2Fproducts");
    let backs = html::attrs(&junk.html(), ".product-card input[name=back]", "value");
    assert!(!backs.is_empty() && backs.iter().all(|back| back == "/products?sort=name"), "{backs:?}");
    // Search ignores punctuation, so LIKE's wildcards never reach the database as wildcards.
    let like_wildcards = get(base, "/products?q=%25_%5C").await.html();
    assert!(html::text(&like_wildcards, ".result-count").starts_with("51 products"));
}

async fn sitemap_lists_every_page_and_robots_points_to_it(backend: Backend) {
    let base = shared(backend);
    let sitemap = get(base, "/sitemap.xml").await;
    assert_eq!(sitemap.status, 200);
    assert_eq!(sitemap.headers["content-type"], "application/xml; charset=utf-8");
    assert!(sitemap.body.contains("<sitemapindex "), "an index of sitemap files");
    let urls = common::sitemap::crawl(base).await;
    assert_eq!(urls.len(), 3 + 5 + 51, "home, catalog, stores, categories, products");
    let undated: Vec<&str> = urls.iter().filter(|url| url.lastmod.is_none()).map(|url| url.path.as_str()).collect();
    assert_eq!(undated, ["/stores"], "all but the stores page, which has no catalog date");
    let table = urls.iter().find(|url| url.path == "/products/solid-oak-coffee-table").expect("a product");
    assert!(table.lastmod.unwrap().to_rfc3339().starts_with("2026-"));
    assert!(urls.iter().any(|url| url.path == "/categories/shoes"));
    let robots = get(base, "/robots.txt").await;
    assert!(robots.body.contains(&format!("Sitemap: {SITE}/sitemap.xml")));
}

async fn sitemap_follows_catalog_changes(backend: Backend) {
    let app = common::spawn_seeded(backend).await;
    let at = chrono::Utc::now();
    let product = NewProduct {
        title: "Walnut Side Table",
        slug: "walnut-side-table",
        description: "A small table in oiled walnut.",
        price: Money(12_900),
        stock: 4,
        category_slug: "furniture",
        images: vec![],
        at,
    };
    let before = common::sitemap::crawl(&app.base).await;
    assert_eq!(before.len(), 3 + 5 + 51);
    let (_, added) = catalog::insert_catalog(&app.db, &[], &[product]).await.unwrap();
    assert_eq!(added, 1);
    // What every service that changes the catalog does: the cached index and pages file go with the rest.
    app.state.catalog_changed();
    let sitemap = common::sitemap::crawl(&app.base).await;
    assert_eq!(sitemap.len(), 3 + 5 + 52);
    let stamp = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let lastmod = |path: &str| {
        let url = sitemap.iter().find(|url| url.path == path).unwrap_or_else(|| panic!("{path} is listed"));
        url.lastmod.unwrap().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    assert_eq!(lastmod("/products/walnut-side-table"), stamp);
    assert_eq!(lastmod("/categories/furniture"), stamp, "the category changed too");
    assert_eq!(lastmod("/"), stamp, "and the home page");
    let index = common::sitemap::index(&app.base).await;
    assert!(index.iter().all(|file| file.lastmod.unwrap().to_rfc3339_opts(chrono::SecondsFormat::Secs, true) == stamp));
    let page = get(&app.base, "/products/walnut-side-table").await;
    assert_eq!(page.status, 200, "a new product has a page at once");
}

async fn probes_report_health_and_readiness(backend: Backend) {
    let base = shared(backend);
    assert_eq!(get(base, "/healthz").await.status, 200);
    let ready = get(base, "/readyz").await;
    assert_eq!((ready.status, ready.body.as_str()), (200, "ready"));
}

async fn public_pages_are_cached_with_validators(backend: Backend) {
    let base = shared(backend);
    let path = format!("/products?q=oak&backend={backend:?}");
    let first = get(base, &path).await;
    assert_eq!(first.headers["x-page-cache"], "miss");
    assert_eq!(first.headers["cache-control"], "public, no-cache");
    let second = get(base, &path).await;
    assert_eq!(second.headers["x-page-cache"], "hit");
    assert_eq!(second.body, first.body, "the same page");
    let etag = first.headers["etag"].to_str().unwrap();

    let client = reqwest::Client::new();
    let revalidated = client.get(format!("{base}{path}")).header("if-none-match", etag).send().await.unwrap();
    assert_eq!(revalidated.status(), 304, "an unchanged page is not sent again");
    let session = format!("{SESSION_COOKIE}=abc");
    let with_cookie = client.get(format!("{base}{path}")).header("cookie", session).send().await.unwrap();
    assert!(with_cookie.headers().get("x-page-cache").is_none(), "signed-in visitors get their own render");
    let weak_list = format!("\"other\", {}", etag.trim_start_matches("W/"));
    let revalidated = client.get(format!("{base}{path}")).header("if-none-match", weak_list).send().await.unwrap();
    assert_eq!(revalidated.status(), 304, "tags compare weakly, in lists");
    let missing = get(base, "/products/not-here-either").await;
    assert_eq!(missing.status, 404);
    let missing_again =
        client.get(format!("{base}/products/not-here-either")).header("if-none-match", "*").send().await.unwrap();
    assert_eq!(missing_again.status(), 404, "a cached 404 stays a 404, whatever the validators");
}

async fn server_functions_answer_bad_arguments_with_4xx(backend: Backend) {
    let base = shared(backend);
    let ok = get(base, "/rpc/catalog?query[q]=oak&query[category]=&query[sort]=Newest&query[page]=1").await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let bad_page = get(base, "/rpc/catalog?query[q]=&query[sort]=Newest&query[page]=-4").await;
    assert_eq!(bad_page.status, 400, "{}", bad_page.body);
    assert!(bad_page.body.contains("BadRequest"), "the error says what went wrong: {}", bad_page.body);
    let missing = get(base, "/rpc/product").await;
    assert_eq!(missing.status, 400, "{}", missing.body);
    let unknown = get(base, "/rpc/product?slug=nope").await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    let huge = format!("/rpc/catalog?query[q]={}&query[sort]=Name&query[page]=0", "z".repeat(5000));
    let normalized = get(base, &huge).await;
    assert_eq!(normalized.status, 200, "hand-written arguments are normalized, not trusted");
    let body: serde_json::Value = serde_json::from_str(&normalized.body).unwrap();
    assert_eq!(body["results"]["page"], 1);
}

const SPANISH_BROWSER: (&str, &str) = ("accept-language", "es-MX,es;q=0.9");

async fn pages_speak_the_language_the_browser_asks_for(backend: Backend) {
    let base = shared(backend);
    let doc = get_with(base, "/products", &[SPANISH_BROWSER]).await.html();
    assert_eq!(html::attr(&doc, "html", "lang"), "es");
    assert_eq!(html::text(&doc, "h1"), "Todos los productos");
    assert_eq!(html::text(&doc, "title"), "Todos los productos · Tienda");
    assert!(html::text(&doc, ".result-count").starts_with("51 productos · página 1 de 3"));
    assert_eq!(html::text(&doc, r#"label[for="filter-price-min"]"#), "Precio mínimo (USD)");
    assert_eq!(html::attr(&doc, "#header-q", "placeholder"), "Buscar productos");
    assert_eq!(html::text(&doc, ".skip-link"), "Saltar al contenido");
    assert_eq!(html::texts(&doc, r#"nav[aria-label="Principal"] a"#)[0], "Todos los productos");
    assert_eq!(html::texts(&doc, ".pagination a[rel=next]"), ["Siguiente →"]);
    assert!(html::attr(&doc, r#"meta[name="description"]"#, "content").starts_with("Explora 51 productos"));
    // Catalog data is not translated: categories keep their names.
    assert!(html::texts(&doc, "#filter-category option").contains(&"Shoes".to_owned()));
    // The catalog's island writes the status of an add in the browser, so it carries the language
    // with it; the listing itself is the server's HTML, never island props.
    assert_eq!(island_props(&doc, "CatalogInPlace"), r#"{"lang":"Es"}"#, "the island gets the language, and only that");
    let islands = html::attrs(&doc, "leptos-island", "data-component");
    assert_eq!(islands.len(), 1, "that island also makes the cards' adds in place, so the grid adds none: {islands:?}");

    let switch = r#"form[aria-label="Idioma"]"#;
    assert_eq!(html::attr(&doc, switch, "action"), "/rpc/language");
    assert_eq!(html::texts(&doc, &format!("{switch} button")), ["English"], "the other language, in its own words");
    assert_eq!(html::attr(&doc, &format!("{switch} button"), "value"), "en");
    assert_eq!(html::attr(&doc, &format!("{switch} button"), "lang"), "en");

    let notice = get_with(base, "/products?page=abc", &[SPANISH_BROWSER]).await;
    assert!(notice.body.contains("Ese número de página no es válido"), "query notices are translated");
    let product = get_with(base, "/products/retro-instant-camera", &[SPANISH_BROWSER]).await.html();
    assert_eq!(html::text(&product, ".stock"), "Agotado");
    assert!(html::attr(&product, ".gallery-main", "alt").contains("imagen 1 de"));
    let missing = get_with(base, "/products/no-such-thing", &[SPANISH_BROWSER]).await;
    assert_eq!(missing.status, 404);
    assert_eq!(html::text(&missing.html(), "h1"), "Página no encontrada");
    let home = get_with(base, "/", &[("accept-language", "fr-CA, es;q=0.5, en;q=0.4")]).await.html();
    assert_eq!(html::attr(&home, "html", "lang"), "es", "the best language we speak");
    assert_eq!(html::text(&home, "#newest-heading"), "Novedades");
}

async fn a_chosen_language_beats_the_browser_and_is_remembered(backend: Backend) {
    let base = shared(backend);
    let chosen = get_with(base, "/products", &[SPANISH_BROWSER, ("cookie", "lang=en")]).await.html();
    assert_eq!(html::attr(&chosen, "html", "lang"), "en");
    assert_eq!(html::text(&chosen, "h1"), "All products");

    let choose = |lang: &str, extra: &[(&'static str, String)]| {
        let mut request = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(format!("{base}/rpc/language"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", base)
            .body(format!("lang={lang}"));
        for (name, value) in extra {
            request = request.header(*name, value);
        }
        request.send()
    };
    let answer = choose("es", &[]).await.unwrap();
    assert_eq!(answer.status(), 200);
    let cookie = answer.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("lang=es;"), "{cookie}");
    assert!(cookie.contains("Path=/") && cookie.contains("Max-Age=31536000"), "{cookie}");
    let spanish = get_with(base, "/", &[("cookie", "lang=es")]).await.html();
    assert_eq!(html::attr(&spanish, "html", "lang"), "es", "the cookie is what the server reads");

    // Without JavaScript the browser posts the form and is sent back to the page it came from.
    let referer = format!("{base}/products?sort=name");
    let elsewhere = [("accept", "text/html".to_owned()), ("referer", "https://evil.example/x?".to_owned())];
    let answer = choose("es", &elsewhere).await.unwrap();
    assert_eq!(answer.headers()["location"], "/x", "only the path of a foreign referer is kept");
    let sneaky = [("accept", "text/html".to_owned()), ("referer", format!("{base}//evil.example/x"))];
    let answer = choose("es", &sneaky).await.unwrap();
    assert_eq!(answer.headers()["location"], "/", "a path that browsers read as another site is not followed");
    let html_form = [("accept", "text/html".to_owned()), ("referer", referer.clone())];
    let answer = choose("en-GB", &html_form).await.unwrap();
    assert_eq!(answer.status(), 302);
    assert_eq!(answer.headers()["location"], "/products?sort=name", "the same page, never another site");
    assert!(answer.headers()["set-cookie"].to_str().unwrap().starts_with("lang=en;"));
    let noted = [("accept", "text/html".to_owned()), ("referer", format!("{base}/products?sort=name&added=3&__err=x"))];
    let answer = choose("es", &noted).await.unwrap();
    assert_eq!(answer.headers()["location"], "/products?sort=name", "without the last form's notes, said once");

    let cross_site = reqwest::Client::new()
        .post(format!("{base}/rpc/language"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "http://evil.test")
        .body("lang=es")
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403, "another site cannot switch a visitor's language");
    assert!(cross_site.headers().get("set-cookie").is_none());

    for unknown in ["xx", "", "es%3B%20Domain%3Devil.test"] {
        let answer = choose(unknown, &[]).await.unwrap();
        assert_eq!(answer.status(), 400, "{unknown:?}");
        assert!(answer.headers().get("set-cookie").is_none(), "{unknown:?}");
    }
}

async fn the_page_cache_keeps_languages_apart(backend: Backend) {
    let base = shared(backend);
    let path = format!("/products?q=table&lang-cache={backend:?}");
    let english = get(base, &path).await;
    assert_eq!(english.headers["x-page-cache"], "miss");
    assert_eq!(html::text(&english.html(), "h1"), "Results for “table”");
    let spanish = get_with(base, &path, &[SPANISH_BROWSER]).await;
    assert_eq!(html::text(&spanish.html(), "h1"), "Resultados para “table”", "not the English page");
    assert_eq!(spanish.headers["x-page-cache"], "miss");
    let again = get_with(base, &path, &[SPANISH_BROWSER]).await;
    assert_eq!((again.headers["x-page-cache"].to_str().unwrap(), &again.body), ("hit", &spanish.body));
    assert_ne!(english.headers["etag"], spanish.headers["etag"]);
    let by_cookie = get_with(base, &path, &[("cookie", "lang=es")]).await;
    assert_eq!(by_cookie.headers["x-page-cache"], "hit", "a language cookie alone keeps the page shared");
    assert_eq!(by_cookie.body, spanish.body);
    let vary = english.headers["vary"].to_str().unwrap().to_lowercase();
    assert!(vary.contains("accept-language") && vary.contains("cookie"), "shared caches must keep them apart: {vary}");
}

/// Browsers ask for brotli: a cached page goes out as the copy compressed for the first of them
/// (the response compression layer would compress it again on every hit), the same page once
/// decompressed; a client that refuses brotli or names none gets it another way. The page here is
/// kept by a client that asks for no compression, so no copy is made until a browser asks.
async fn cached_pages_go_to_browsers_brotli_compressed_once(backend: Backend) {
    let base = shared(backend);
    let path = format!("/products?q=lamp&backend={backend:?}&brotli");
    let plain = get(base, &path).await;
    for accept in ["gzip, deflate, br, zstd", "BR;q=0.5", "br"] {
        let (headers, body) = get_encoded(base, &path, accept).await;
        assert_eq!(headers["x-page-cache"], "hit", "{accept}");
        assert_eq!(headers["content-encoding"], "br", "{accept}");
        assert!(headers["vary"].to_str().unwrap().contains("accept-encoding"), "{accept}");
        assert_eq!(unbrotli(&body), plain.body, "{accept}: the same page");
        assert!(body.len() * 3 < plain.body.len(), "{accept}: {} bytes of {}", body.len(), plain.body.len());
    }
    for accept in ["gzip, br;q=0", "gzip", "identity"] {
        let (headers, _) = get_encoded(base, &path, accept).await;
        assert_eq!(headers["x-page-cache"], "hit", "{accept}");
        assert_ne!(headers.get("content-encoding").map(|v| v.to_str().unwrap()), Some("br"), "{accept}");
    }
}

/// With every cache off (a TTL of zero) each page is rendered for its request and kept nowhere, so
/// no brotli copy is made for a cache: a browser that asks for brotli gets the page compressed on
/// its way out, a client that names another coding or none gets that, and every one the same page.
/// A HEAD gets GET's headers, compression included, and no body.
async fn with_the_cache_off_pages_are_compressed_only_for_those_who_ask(backend: Backend) {
    let mut config = common::test_config(backend).await;
    config.cache.ttl_secs = 0;
    let app = common::spawn_with(config, true).await;
    let fetch = |accept: &'static str| get_encoded(&app.base, "/products?q=lamp", accept);
    let (headers, plain) = fetch("identity").await;
    assert_eq!(headers["x-page-cache"], "miss");
    assert_eq!(headers.get("content-encoding"), None);
    let plain = without_nonces(std::str::from_utf8(&plain).unwrap());
    assert!(plain.contains("result-count"), "the listing itself");
    for accept in ["gzip, deflate, br, zstd", "br"] {
        let (headers, body) = fetch(accept).await;
        assert_eq!(headers["x-page-cache"], "miss", "{accept}: nothing is kept");
        assert_eq!(headers["content-encoding"], "br", "{accept}");
        assert_eq!(without_nonces(&unbrotli(&body)), plain, "{accept}: the same page");
    }
    let (headers, body) = fetch("gzip").await;
    assert_eq!(headers["content-encoding"], "gzip");
    let mut html = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&body[..]), &mut html).unwrap();
    assert_eq!(without_nonces(&html), plain, "gzip: the same page");
    let head = reqwest::Client::new().head(format!("{}/products?q=lamp", app.base)).header("accept-encoding", "br");
    let head = head.send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-encoding"], "br", "HEAD: GET's headers");
    assert!(head.headers()["vary"].to_str().unwrap().contains("accept-encoding"), "HEAD: GET's headers");
    assert!(head.bytes().await.unwrap().is_empty(), "HEAD: no body");
}

/// GETs `path` with this `Accept-Encoding`: a successful answer's headers and its bytes as sent
/// (the test client decompresses nothing).
async fn get_encoded(base: &str, path: &str, accept: &str) -> (reqwest::header::HeaderMap, axum::body::Bytes) {
    let request = reqwest::Client::new().get(format!("{base}{path}")).header("accept-encoding", accept);
    let response = request.send().await.unwrap_or_else(|e| panic!("GET {path}: {e}"));
    assert_eq!(response.status(), 200, "{path} with {accept}");
    let headers = response.headers().clone();
    (headers, response.bytes().await.unwrap())
}

/// A brotli body as text.
fn unbrotli(body: &[u8]) -> String {
    let mut text = Vec::new();
    brotli::BrotliDecompress(&mut &body[..], &mut text).unwrap();
    String::from_utf8(text).unwrap()
}

/// A page with its scripts' nonces blanked: Leptos writes a new one into each rendering (the
/// Content-Security-Policy does not rely on them; docs/security.md).
fn without_nonces(page: &str) -> String {
    let mut parts = page.split("nonce=\"");
    let mut out = parts.next().unwrap_or_default().to_owned();
    for part in parts {
        out.push_str("nonce=\"…\"");
        out.push_str(part.split_once('"').map_or(part, |(_, rest)| rest));
    }
    out
}

/// GETs `path` with extra request headers, without following redirects.
async fn get_with(base: &str, path: &str, headers: &[(&str, &str)]) -> Page {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut request = client.get(format!("{base}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    Page { status, headers, body }
}

/// The serialised props (JSON) of the island whose component name contains `name`.
fn island_props(doc: &scraper::Html, name: &str) -> String {
    let selector = scraper::Selector::parse("leptos-island").unwrap();
    let island = doc.select(&selector).find(|i| i.value().attr("data-component").is_some_and(|c| c.contains(name)));
    island.and_then(|i| i.value().attr("data-props")).unwrap_or_else(|| panic!("no {name} island")).to_owned()
}

/// Card prices in cents, in page order.
fn card_prices(doc: &scraper::Html) -> Vec<i64> {
    html::texts(doc, ".card-price")
        .iter()
        .map(|text| {
            let number: String =
                text.trim_start_matches('$').chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
            (number.parse::<f64>().unwrap() * 100.0).round() as i64
        })
        .collect()
}

/// A page shows its categories twice (the header, and the catalog's filter or the home page's
/// list) and reads them once: every part of one render gets the same list, even when the catalog
/// changes between the parts' questions, while the next render (with every cache off) reads again
/// and shows the change. Parts asking at the same time share one read.
async fn with_the_cache_off_a_page_reads_its_categories_once_and_the_next_page_sees_a_new_one(backend: Backend) {
    use std::sync::Arc;
    use tienda::server::services::catalog::PageCategories;
    let mut config = common::test_config(backend).await;
    config.cache.ttl_secs = 0;
    let app = common::spawn_with(config, true).await;
    let page = PageCategories::default();
    let (header, filter) = tokio::join!(page.get(&app.state), page.get(&app.state));
    let (header, filter) = (header.unwrap(), filter.unwrap());
    assert!(Arc::ptr_eq(&header, &filter), "parts asking at once share one read");
    assert_eq!(header.len(), 5);

    let admin = common::api::admin_token(&app).await;
    let body = serde_json::json!({"name": "Garden Tools", "image": "https://example.com/garden.png"});
    let created = common::api::call(&app, reqwest::Method::POST, "/categories", Some(&admin), Some(body)).await;
    assert_eq!(created.status, 201, "{}", created.body);

    let later_part = page.get(&app.state).await.unwrap();
    assert!(Arc::ptr_eq(&header, &later_part), "one render, one list of categories");
    let next_page = PageCategories::default().get(&app.state).await.unwrap();
    assert_eq!(next_page.last().map(|c| c.slug.as_str()), Some("garden-tools"));
    let listing = get(&app.base, "/products").await;
    assert_eq!(listing.status, 200);
    let options = html::texts(&listing.html(), "#filter-category option");
    assert!(options.iter().any(|name| name == "Garden Tools"), "the next page's filter: {options:?}");
}
