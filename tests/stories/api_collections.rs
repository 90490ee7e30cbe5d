//! The ready-to-import collections in docs/api/ (written by scripts/api-collections): the Postman
//! one runs green with newman against a live server on each database, and the Insomnia export
//! holds the same requests in the same order, so neither can rot.

use crate::common;

use common::{spawn_seeded, Backend};
use serde_json::Value;
use std::path::{Path, PathBuf};

on_both_backends!(the_postman_collection_passes_against_a_live_server,);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(name: &str) -> Value {
    let path = root().join("docs/api").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

async fn the_postman_collection_passes_against_a_live_server(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let newman = root().join("end2end/node_modules/.bin/newman");
    assert!(Path::new(&newman).exists(), "newman is missing: run `scripts/setup test` (npm packages in end2end/)");
    let base = app.base.clone();
    let run = tokio::task::spawn_blocking(move || {
        std::process::Command::new(newman)
            .current_dir(root())
            .args(["run", "docs/api/tienda.postman_collection.json", "-e", "docs/api/tienda.postman_environment.json"])
            .args([
                "--env-var",
                &format!("baseUrl={base}"),
                "--working-dir",
                ".",
                "--reporters",
                "cli",
                "--color",
                "off",
            ])
            .output()
            .expect("newman runs")
    })
    .await
    .unwrap();
    let report = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "newman failed:\n{report}\n{}", String::from_utf8_lossy(&run.stderr));
    let requests = read("tienda.postman_collection.json")["item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|folder| folder["item"].as_array().unwrap().len())
        .sum::<usize>();
    // newman's summary table: `│ requests │ <executed> │ <failed> │`.
    let row: Vec<&str> = report
        .lines()
        .map(|line| line.split('│').map(str::trim).filter(|cell| !cell.is_empty()).collect::<Vec<_>>())
        .find(|cells| cells.first() == Some(&"requests"))
        .unwrap_or_else(|| panic!("no summary in:\n{report}"));
    assert_eq!(row, ["requests", &requests.to_string(), "0"], "every request ran, none failed");
}

/// A request as both tools name it: method and path, with every variable or response reference
/// reduced to `{}`.
fn normalize(method: &str, url: &str) -> String {
    let mut path = String::new();
    let mut rest = url;
    while let Some(start) = rest.find('{') {
        path.push_str(&rest[..start]);
        // `{{ variable }}` (both tools) or `{% tag %}` (Insomnia's response references).
        let close = if rest[start..].starts_with("{%") { "%}" } else { "}}" };
        let end = start + rest[start..].find(close).unwrap_or_else(|| panic!("unclosed in {url}"));
        rest = &rest[end + close.len()..];
        path.push_str("{}");
    }
    path.push_str(rest);
    format!("{method} {}", path.trim_start_matches("{}"))
}

#[test]
fn insomnia_export_holds_the_same_requests_as_the_postman_collection() {
    let postman: Vec<String> = read("tienda.postman_collection.json")["item"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|folder| folder["item"].as_array().unwrap().clone())
        .map(|item| normalize(item["request"]["method"].as_str().unwrap(), item["request"]["url"].as_str().unwrap()))
        .collect();
    let insomnia = read("tienda.insomnia.json");
    let insomnia: Vec<String> = insomnia["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["_type"] == "request")
        .map(|r| normalize(r["method"].as_str().unwrap(), r["url"].as_str().unwrap()))
        .collect();
    assert_eq!(postman.len(), 37);
    assert_eq!(insomnia, postman);
    assert!(postman.contains(&"DELETE /api/v1/products/{}".to_owned()), "{postman:?}");
    assert!(postman.contains(&"PATCH /api/v1/orders/{}".to_owned()), "{postman:?}");
    let environment = read("tienda.postman_environment.json");
    assert_eq!(environment["values"][0]["value"], "http://127.0.0.1:3000", "the local server's address");
}
