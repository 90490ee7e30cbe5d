//! The layer rule of `docs/architecture.md`, checked on the source tree: faces call services,
//! services call `db/`, models do no I/O, and only `db/` writes SQL. A file that breaks it fails
//! this test with the line that does.
//!
//! Every `use` tree and every `crate::…`/`super::…` path is resolved to an absolute module path
//! (`crate::server::db::accounts`), so aliases and grouped imports cannot hide a dependency.

use std::path::{Path, PathBuf};

/// (files under this folder or equal to this file, what they must not reach, why).
const RULES: &[(&str, &str, &str)] = &[
    ("src/server/rest/", "crate::server::db", "the API is a face: it calls services, never the database"),
    ("src/server_fns/", "crate::server::db", "server functions are a face: they call services, never the database"),
    ("src/server/http/endpoints.rs", "crate::server::db", "plain endpoints are a face: they call services"),
    (
        "src/pages/",
        "crate::server",
        "pages render in the browser too: they reach the server only through server functions",
    ),
    (
        "src/components/",
        "crate::server",
        "components render in the browser too: they reach the server only through server functions",
    ),
    ("src/app.rs", "crate::server", "the app shell renders in the browser too"),
    ("src/model/", "crate::server", "models are plain data and rules: no I/O"),
    ("src/i18n/", "crate::server", "translations are plain data"),
    ("src/server/services/", "crate::server::rest", "services sit under every face and know none of them"),
    ("src/server/services/", "crate::server::http", "services sit under every face and know none of them"),
    ("src/server/services/", "crate::server_fns", "services sit under every face and know none of them"),
    ("src/server/db/", "crate::server::services", "the database layer is the bottom: it calls nothing above it"),
    ("src/server/db/", "crate::server::rest", "the database layer is the bottom: it calls nothing above it"),
    ("src/server/db/", "crate::server::http", "the database layer is the bottom: it calls nothing above it"),
    (
        "src/server/db/",
        "crate::server::media",
        "the database layer stores what it is given; mapping images is the services' job",
    ),
    ("src/server/db/", "crate::server::app", "the database layer takes a `Db`, not the whole state"),
    (
        "src/server/auth/",
        "crate::server::services",
        "auth's building blocks are used by services, not the other way round",
    ),
    ("src/server/auth/", "crate::server::http", "auth's building blocks are used by services, not the other way round"),
];

/// Crates that do I/O, which models must not name.
const IO_CRATES: &[&str] = &["sqlx", "tokio", "reqwest", "std::fs", "std::net", "axum", "leptos_axum"];

/// Calls that run SQL; outside `src/server/db/` they must not appear.
const SQL_CALLS: &[&str] = &["sqlx::query", "query_as(", "query_scalar(", "raw_sql(", "with_pool!("];

#[test]
fn faces_call_services_services_call_the_database_and_models_do_no_io() {
    let mut broken = Vec::new();
    for file in rust_files(&root().join("src")) {
        let relative = file.strip_prefix(root()).unwrap().to_string_lossy().replace('\\', "/");
        let code = strip_comments(&std::fs::read_to_string(&file).unwrap());
        let module = module_of(&relative);
        let paths = referenced_paths(&code, &module);
        for (scope, forbidden, why) in RULES {
            if !relative.starts_with(scope) {
                continue;
            }
            for path in paths.iter().filter(|path| reaches(path, forbidden)) {
                broken.push(format!("{relative}: names `{path}`: {why}"));
            }
        }
        if relative.starts_with("src/model/") {
            for krate in IO_CRATES.iter().filter(|krate| names_crate(&code, krate)) {
                broken.push(format!("{relative}: names `{krate}`: models do no I/O"));
            }
        }
        if !relative.starts_with("src/server/db/") {
            for call in SQL_CALLS.iter().filter(|call| code.contains(*call)) {
                broken.push(format!("{relative}: calls `{call}`: only src/server/db/ writes SQL"));
            }
        }
    }
    assert!(broken.is_empty(), "the layer rule (docs/architecture.md) is broken:\n{}", broken.join("\n"));
}

#[test]
fn the_checker_sees_grouped_aliased_and_relative_imports() {
    let code = "use crate::server::{app::state::AppState, db::{accounts as db, Db}};\nuse super::db::x;\nfn f() { crate::server::db::with_pool(); }";
    let paths = referenced_paths(code, "crate::server::rest::users");
    for expected in [
        "crate::server::db::accounts",
        "crate::server::db::Db",
        "crate::server::rest::db::x",
        "crate::server::db::with_pool",
    ] {
        assert!(paths.iter().any(|path| path == expected), "{expected} not found in {paths:?}");
    }
    let paths = referenced_paths("use super::super::db;", "crate::server::rest::users");
    assert_eq!(paths, ["crate::server::db"]);
    assert!(reaches("crate::server::db::Db", "crate::server::db"));
    assert!(!reaches("crate::server::dbx", "crate::server::db"));
    assert!(names_crate("let x = sqlx::query(\"\");", "sqlx"));
    assert!(!names_crate("let my_sqlx = 1;", "sqlx"));
    assert_eq!(strip_comments("a // b\n/// c\nd \"// e\""), "a \n\nd \"// e\"");
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// `src/server/db/catalog/mod.rs` → `crate::server::db::catalog`.
fn module_of(relative: &str) -> String {
    let inner = relative.trim_start_matches("src/").trim_end_matches(".rs");
    let mut segments: Vec<&str> = inner.split('/').collect();
    if matches!(segments.as_slice(), ["lib" | "main"]) || segments.last() == Some(&"mod") {
        segments.pop();
    }
    std::iter::once("crate").chain(segments).collect::<Vec<_>>().join("::")
}

/// Drops `//` comments (doc comments included), keeping string literals that contain `//`.
fn strip_comments(code: &str) -> String {
    code.lines()
        .map(|line| {
            let mut in_string = false;
            let bytes = line.as_bytes();
            for i in 0..bytes.len() {
                match bytes[i] {
                    b'"' if i == 0 || bytes[i - 1] != b'\\' => in_string = !in_string,
                    b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
                    _ => {}
                }
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every module path the code names, absolute: the leaves of each `use` tree, and each path in
/// the code that starts at `crate` or `super`.
fn referenced_paths(code: &str, module: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for statement in use_statements(code) {
        let mut leaves = Vec::new();
        expand_use_tree(&statement, String::new(), &mut leaves);
        paths.extend(leaves.iter().filter_map(|leaf| absolute(leaf, module)));
    }
    let compact: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
    for (start, _) in compact.match_indices("crate::").chain(compact.match_indices("super::")) {
        let preceded_by_ident = compact[..start].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_');
        if preceded_by_ident || compact[..start].ends_with("::") {
            continue;
        }
        let path: String =
            compact[start..].chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
        if let Some(path) = absolute(path.trim_end_matches(':'), module) {
            paths.push(path);
        }
    }
    paths.sort();
    paths.dedup();
    paths
}

/// The text of each `use …;`, with no whitespace but the spaces around `as`.
fn use_statements(code: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut rest = code;
    while let Some(at) = find_keyword(rest, "use ") {
        let after = &rest[at + 4..];
        let end = after.find(';').unwrap_or(after.len());
        let spaced = after[..end].split_whitespace().collect::<Vec<_>>().join(" ");
        let mut compact = spaced;
        for token in ["::", "{", "}", ","] {
            compact = compact.replace(&format!(" {token}"), token).replace(&format!("{token} "), token);
        }
        statements.push(compact);
        rest = &after[end..];
    }
    statements
}

/// Where the next `use` item starts: `use` first on its line, perhaps after `pub` (a "use" inside
/// a string or a sentence is not one).
fn find_keyword(code: &str, keyword: &str) -> Option<usize> {
    code.match_indices(keyword).map(|(at, _)| at).find(|&at| {
        let line_start = code[..at].rfind('\n').map_or(0, |newline| newline + 1);
        let before = code[line_start..at].trim();
        before.is_empty() || before == "pub" || (before.starts_with("pub(") && before.ends_with(')'))
    })
}

/// `a::{b,c::{d,e as f}}` → `a::b`, `a::c::d`, `a::c::e` (a `self` leaf names its parent).
fn expand_use_tree(tree: &str, prefix: String, leaves: &mut Vec<String>) {
    let join = |prefix: &str, tail: &str| if prefix.is_empty() { tail.to_owned() } else { format!("{prefix}::{tail}") };
    match tree.find('{').filter(|&open| tree.rfind('}').is_some_and(|close| close > open)) {
        None => {
            let path = tree.split(" as ").next().unwrap_or(tree).trim_end_matches("::*");
            let full = join(&prefix, path);
            leaves.push(full.trim_end_matches("::self").to_owned());
        }
        Some(open) => {
            let head = tree[..open].trim_end_matches("::");
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let prefix = join(&prefix, head);
            for part in split_top_level(inner) {
                expand_use_tree(part, prefix.clone(), leaves);
            }
        }
    }
}

fn split_top_level(list: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in list.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts.into_iter().filter(|part| !part.is_empty()).collect()
}

/// `super::db::x` seen from `crate::server::rest::users` → `crate::server::rest::db::x` (a file's
/// `super` is its parent module); paths into other crates are not ours to check.
fn absolute(path: &str, module: &str) -> Option<String> {
    let mut base: Vec<&str> = module.split("::").collect();
    let mut segments = path.split("::").filter(|segment| !segment.is_empty()).peekable();
    match segments.peek() {
        Some(&"crate") => {
            base.truncate(1);
            segments.next();
        }
        Some(&"super") => {
            while segments.peek() == Some(&"super") {
                segments.next();
                base.pop();
            }
        }
        Some(&"self") => {
            segments.next();
        }
        _ => return None,
    }
    Some(base.into_iter().chain(segments).collect::<Vec<_>>().join("::"))
}

fn reaches(path: &str, forbidden: &str) -> bool {
    path == forbidden || path.starts_with(&format!("{forbidden}::"))
}

fn names_crate(code: &str, krate: &str) -> bool {
    code.match_indices(&format!("{krate}::"))
        .any(|(at, _)| !code[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_'))
}
