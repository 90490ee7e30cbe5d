//! The built front end: pages name the build's content-hashed files, which are cached for a year
//! and sent precompressed; a page with no island names no WebAssembly to load before it looks.
//!
//! The site folder is written here the way `cargo leptos build --release --precompress` (with
//! `hash-files`) leaves it, plus an older build's stylesheet that a server-only build leaves behind.

use crate::common::{self, get, spawn_with, test_config, Backend};
use std::path::Path;

// cargo-leptos's hashes: an MD5 in unpadded base64url, 22 characters.
const CSS: &str = "tienda.O0NFLsXBC1PM1wXK-_cSMw.css";
const JS: &str = "tienda.KGjsN8NAKZhgwz-zvcSMKw.js";
const WASM: &str = "tienda.p2XHUSwZiafIw3GL4KQUjQ.wasm";
const OLD_CSS: &str = "tienda.Ab3XHUSwZiafIw3GL4KQUj.css";

fn write_build(pkg: &Path) {
    std::fs::create_dir_all(pkg).unwrap();
    std::fs::write(pkg.join(OLD_CSS), "old").unwrap();
    std::fs::write(pkg.join("notes.txt"), "not hashed").unwrap();
    // Written after the old one, so it is the newer build.
    std::thread::sleep(std::time::Duration::from_millis(20));
    for name in [CSS, JS, WASM] {
        std::fs::write(pkg.join(name), format!("plain {name}")).unwrap();
        std::fs::write(pkg.join(format!("{name}.br")), format!("brotli {name}")).unwrap();
        std::fs::write(pkg.join(format!("{name}.gz")), format!("gzip {name}")).unwrap();
    }
}

async fn fetch(base: &str, path: &str, accept_encoding: Option<&str>) -> (u16, reqwest::header::HeaderMap, String) {
    let mut request = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(encodings) = accept_encoding {
        request = request.header("accept-encoding", encodings);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    (status, headers, String::from_utf8_lossy(&response.bytes().await.unwrap()).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_name_the_hashed_build_which_is_sent_precompressed_and_kept_for_a_year() {
    let mut config = test_config(Backend::Sqlite).await;
    config.server.site_root = common::scratch_dir("site");
    write_build(&config.server.site_root.join("pkg"));
    let app = spawn_with(config, true).await;

    let home = get(&app.base, "/").await;
    assert!(home.body.contains(&format!("<link rel=\"stylesheet\" href=\"/pkg/{CSS}\">")), "{}", home.body);
    assert!(home.body.contains(&format!("import(\"/pkg/{JS}\")")));
    assert!(home.body.contains(&format!("module_or_path: \"/pkg/{WASM}\"")));
    // Nothing fetches the script or the WebAssembly before the loader has found an island.
    assert!(!home.body.contains("modulepreload") && !home.body.contains("rel=\"preload\""));

    for name in [CSS, JS, WASM] {
        let path = format!("/pkg/{name}");
        for (accepts, encoding, body) in [
            (Some("gzip, deflate, br"), Some("br"), format!("brotli {name}")),
            (Some("gzip"), Some("gzip"), format!("gzip {name}")),
            (None, None, format!("plain {name}")),
        ] {
            let (status, headers, sent) = fetch(&app.base, &path, accepts).await;
            assert_eq!(status, 200, "{path} {accepts:?}");
            assert_eq!(sent, body, "{path} {accepts:?}");
            assert_eq!(headers.get("content-encoding").map(|v| v.to_str().unwrap()), encoding, "{path} {accepts:?}");
            assert_eq!(headers["cache-control"], "public, max-age=31536000, immutable", "{path}");
            assert_eq!(headers["vary"], "accept-encoding", "{path}");
        }
    }
    let (_, headers, _) = fetch(&app.base, &format!("/pkg/{WASM}"), None).await;
    assert_eq!(headers["content-type"], "application/wasm");

    // The older build's file is still there and no page names it; its name still says its content.
    let (status, headers, body) = fetch(&app.base, &format!("/pkg/{OLD_CSS}"), None).await;
    assert_eq!((status, body.as_str()), (200, "old"));
    assert_eq!(headers["cache-control"], "public, max-age=31536000, immutable");
    // A name without a hash may change content: browsers ask again.
    let (status, headers, _) = fetch(&app.base, "/pkg/notes.txt", None).await;
    assert_eq!(status, 200);
    assert_eq!(headers["cache-control"], "public, max-age=0, must-revalidate");
    let (status, _, _) = fetch(&app.base, "/pkg/tienda.Nope.css", None).await;
    assert_eq!(status, 404);

    // Addresses no served file has are 404s, never cached: names longer than a file system allows
    // (ServeDir answered 500), the precompressed copies themselves (they would be compressed again),
    // and the site root's fallback reached with a doubled slash.
    for path in [
        format!("/pkg/{}.wasm", "a".repeat(300)),
        format!("/pkg/tienda.{}.css", "b".repeat(250)),
        format!("/pkg/{CSS}.br"),
        format!("/pkg/{WASM}.gz"),
        format!("/pkg/{CSS}%2Ebr"),
        "/pkg/tienda.p2XHUSwZiafIw3GL4KQUjQ.json".to_owned(),
        format!("/media/{}.png", "c".repeat(300)),
    ] {
        let (status, headers, _) = fetch(&app.base, &path, Some("gzip, br")).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
    }
    for path in [format!("//pkg/{CSS}"), format!("/pkg%2F{CSS}"), format!("/pkg%2f{CSS}")] {
        let (status, _, body) = fetch(&app.base, &path, Some("br")).await;
        assert!(
            status == 404 && !body.contains("brotli"),
            "{path}: {status}: the site root's fallback serves no built file"
        );
    }

    // The plain error pages (given before the app renders) use the same stylesheet.
    let refused = get(&app.base, "/products?q=%00").await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains(&format!("href=\"/pkg/{CSS}\"")), "{}", refused.body);
}
