//! `tienda seed --products N`: the generated catalog that benchmarks and large demos use, on both
//! databases.

use crate::common::{get, html, spawn_seeded, Backend};
use crate::orders::count_rows;
use tienda::server::demo;

on_both_backends!(a_generated_catalog_is_added_once_and_can_be_browsed_and_searched);

async fn a_generated_catalog_is_added_once_and_can_be_browsed_and_searched(backend: Backend) {
    let app = spawn_seeded(backend).await;
    assert_eq!(demo::seed_generated(&app.db, &app.config, 3_000).await.unwrap(), 3_000);
    assert_eq!(count_rows(&app, "products").await, 51 + 3_000);
    assert_eq!(demo::seed_generated(&app.db, &app.config, 3_000).await.unwrap(), 0, "a second run adds nothing");
    assert_eq!(demo::seed_generated(&app.db, &app.config, 3_100).await.unwrap(), 100, "a bigger one adds the rest");
    let absurd = demo::seed_generated(&app.db, &app.config, demo::MAX_GENERATED_PRODUCTS + 1).await;
    assert!(absurd.is_err(), "an absurd count is refused");

    // Each product is a function of its number: its page is there, under its title.
    let product = demo::generated::product(1_234);
    let page = get(&app.base, &tienda::model::paths::product(&product.slug)).await;
    assert_eq!(page.status, 200);
    assert_eq!(html::text(&page.html(), "h1"), product.title);

    // Searches find a realistic share: a title's two words find that product among fewer than one word finds.
    let words: Vec<String> = product.title.split(' ').map(str::to_lowercase).collect();
    let two = format!("/products?q={}+{}", words[1], words[2]);
    let found = html::card_titles(&get(&app.base, &two).await.html());
    assert!(!found.is_empty(), "{two} finds products");
    assert!(
        found.iter().all(|title| title.to_lowercase().contains(&words[2])),
        "{two}: every card names the product kind: {found:?}"
    );
    let deep = get(&app.base, "/products?page=100").await;
    assert_eq!(deep.status, 200, "a deep page of the big catalog renders");
    assert!(!html::card_titles(&deep.html()).is_empty());
}
