//! The layer rule of `docs/architecture.md`, checked on the source tree: faces call services,
//! services call `db/`, pages and models do no server I/O, and only `db/` writes SQL. A file that
//! breaks it fails this test with the path it names.
//!
//! Every `use` tree (grouped, aliased, globbed, `super::`) and every path in the code is resolved
//! to an absolute path (`crate::server::db::accounts`, `sqlx::query`), following the file's own
//! imports and aliases, so a dependency cannot hide behind a short name. A file's unit-test
//! module (`#[cfg(test)] mod tests`, at its end) is not part of any layer and is not read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// (files under this folder or equal to this file, a path they must not reach, why).
const RULES: &[(&str, &str, &str)] = &[
    ("src/server/rest/", "crate::server::db", "the API is a face: it calls services, never the database"),
    ("src/server_fns/", "crate::server::db", "server functions are a face: they call services, never the database"),
    ("src/server/http/endpoints.rs", "crate::server::db", "plain endpoints are a face: they call services"),
    ("src/server/http/downloads.rs", "crate::server::db", "the download handler is a face: it calls services"),
    ("src/server/services/", "crate::server::rest", "services sit under every face and know none of them"),
    ("src/server/services/", "crate::server::http", "services sit under every face and know none of them"),
    ("src/server/services/", "crate::server_fns", "services sit under every face and know none of them"),
    ("src/server/db/", "crate::server::services", "the database layer is the bottom: it calls nothing above it"),
    ("src/server/db/", "crate::server::rest", "the database layer is the bottom: it calls nothing above it"),
    ("src/server/db/", "crate::server::http", "the database layer is the bottom: it calls nothing above it"),
    (
        "src/server/db/",
        "crate::server::media",
        "the database layer stores what it is given; images are the services' job",
    ),
    ("src/server/db/", "crate::server::app", "the database layer takes a `Db`, not the whole state"),
    ("src/server/jobs/kinds/", "crate::server::db", "job kinds are a face: they call services, never the database"),
    ("src/server/db/", "crate::server::jobs", "the database layer is the bottom: it calls nothing above it"),
    ("src/server/auth/", "crate::server::services", "auth's building blocks serve services, not the reverse"),
    ("src/server/auth/", "crate::server::http", "auth's building blocks serve services, not the reverse"),
];

/// Code that is compiled into the browser's WASM as well: it reaches the server only through
/// `server_fns` (and `server_fns::page_context` while rendering), and names no server-only crate.
const BROWSER_SIDE: &[&str] = &["src/pages/", "src/components/", "src/app.rs"];
const SERVER_ONLY: &[&str] = &["crate::server", "axum", "leptos_axum", "tokio", "sqlx", "tower", "tower_http", "hyper"];

/// Plain data and rules: no I/O of any kind.
const PURE: &[&str] = &["src/model/", "src/i18n/", "src/error.rs"];
const IO: &[&str] = &[
    "crate::server",
    "axum",
    "leptos_axum",
    "tokio",
    "sqlx",
    "reqwest",
    "hyper",
    "std::fs",
    "std::net",
    "std::process",
];

/// Outside `db/`, sqlx may be named for its error types only; SQL runs through `with_pool!`,
/// `with_reader!` and `with_conn!`.
const SQLX_ERROR_TYPES: &[&str] = &["sqlx::Error", "sqlx::Result", "sqlx::migrate::MigrateError"];

#[test]
fn faces_call_services_services_call_the_database_and_models_do_no_io() {
    let mut broken = Vec::new();
    for file in rust_files(&root().join("src")) {
        let relative = file.strip_prefix(root()).unwrap().to_string_lossy().replace('\\', "/");
        let code = without_unit_tests(&strip_comments(&std::fs::read_to_string(&file).unwrap()));
        let paths = referenced_paths(&code, &module_of(&relative));
        let mut refuse = |forbidden: &str, why: &str| {
            for path in paths.iter().filter(|path| reaches(path, forbidden)) {
                broken.push(format!("{relative}: names `{path}`: {why}"));
            }
        };
        for (scope, forbidden, why) in RULES.iter().filter(|(scope, ..)| relative.starts_with(scope)) {
            let _ = scope;
            refuse(forbidden, why);
        }
        if BROWSER_SIDE.iter().any(|scope| relative.starts_with(scope)) {
            for forbidden in SERVER_ONLY {
                refuse(forbidden, "browser-side code reaches the server only through server_fns");
            }
        }
        if PURE.iter().any(|scope| relative.starts_with(scope)) {
            for forbidden in IO {
                refuse(forbidden, "models, texts and errors are plain data and rules: no I/O");
            }
        }
        if !relative.starts_with("src/server/db/") {
            for path in paths.iter().filter(|path| reaches(path, "sqlx")) {
                if !SQLX_ERROR_TYPES.iter().any(|allowed| reaches(path, allowed)) {
                    broken.push(format!("{relative}: names `{path}`: only src/server/db/ runs SQL"));
                }
            }
            for runner in ["with_pool!", "with_reader!", "with_conn!"] {
                if code.contains(runner) {
                    broken.push(format!("{relative}: calls `{runner}`: only src/server/db/ runs SQL"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "the layer rule (docs/architecture.md) is broken:\n{}", broken.join("\n"));
}

#[test]
fn the_checker_sees_through_groups_aliases_globs_and_attributes() {
    let seen = |code: &str, module: &str| referenced_paths(code, module);
    let rest = "crate::server::rest::users";
    let code = "use crate::server::{app::state::AppState, db::{accounts as store, Db}};\n\
                use super::db::x;\nfn f() { crate::server::db::with_pool(); store::insert(); }";
    let paths = seen(code, rest);
    for expected in [
        "crate::server::db::accounts",
        "crate::server::db::Db",
        "crate::server::rest::db::x",
        "crate::server::db::with_pool",
        "crate::server::db::accounts::insert",
    ] {
        assert!(paths.iter().any(|path| path == expected), "{expected} not found in {paths:?}");
    }
    assert_eq!(seen("use super::super::db;", rest), ["crate::server::db"]);
    let through_parent = seen("use crate::server;\nfn f() { server::db::accounts::insert(); }", rest);
    assert!(through_parent.iter().any(|path| reaches(path, "crate::server::db")), "{through_parent:?}");
    let glob = seen("use crate::server::*;", rest);
    assert!(glob.iter().any(|path| reaches(path, "crate::server::db")), "a glob of a parent reaches its children");
    let attributed = seen("#[cfg(feature = \"ssr\")] use crate::server::db::accounts;", rest);
    assert_eq!(attributed, ["crate::server::db::accounts"]);
    let external = seen("use sqlx::{query, Error};\nuse std::{fs, net::TcpStream};\nfn f() { query(\"\"); }", rest);
    for expected in ["sqlx::query", "sqlx::Error", "std::fs", "std::net::TcpStream"] {
        assert!(external.iter().any(|path| path == expected), "{expected} not found in {external:?}");
    }
    assert!(reaches("crate::server::db::Db", "crate::server::db"));
    assert!(!reaches("crate::server::dbx", "crate::server::db"));
    let sentence = strip_comments("let sentence = \"we use crate::server::db here\";");
    assert!(seen(&sentence, rest).is_empty(), "text is not code");
    assert_eq!(strip_comments("a // b\n/// c\nd \"// e\" /* f */ g"), "a \n\nd \"\"  g");
    assert_eq!(without_unit_tests("fn a() {}\n#[cfg(test)]\nmod tests {\n use crate::server::db;\n}\n"), "fn a() {}\n");
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

/// The code without comments and with every string and char literal emptied, so neither a
/// sentence nor a SQL string reads as a path.
fn strip_comments(code: &str) -> String {
    let bytes = code.as_bytes();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b'"' => {
                out.push_str("\"\"");
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            // A char literal ('"', '\'', 'x'); a lifetime ('a) has no closing quote after one char.
            b'\'' if bytes.get(i + 2) == Some(&b'\'') => i += 3,
            b'\'' if bytes.get(i + 1) == Some(&b'\\') && bytes.get(i + 3) == Some(&b'\'') => i += 4,
            _ => {
                let width = code[i..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&code[i..i + width]);
                i += width;
            }
        }
    }
    out
}

/// The code before the file's unit-test module.
fn without_unit_tests(code: &str) -> String {
    let cut = code.find("#[cfg(test)]\nmod tests").unwrap_or(code.len());
    code[..cut].to_owned()
}

/// Every path the code names, absolute where it is this crate's: the leaves of each `use` tree
/// (a glob as `parent::*`), and every path in the code, read through the file's imports.
fn referenced_paths(code: &str, module: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut aliases: HashMap<String, String> = HashMap::new();
    for statement in use_statements(code) {
        let mut leaves = Vec::new();
        expand_use_tree(&statement, String::new(), &mut leaves);
        for (leaf, alias) in leaves {
            let full = absolute(&leaf, module).unwrap_or_else(|| leaf.clone());
            if let Some(alias) = alias {
                aliases.insert(alias, full.clone());
            }
            paths.push(full);
        }
    }
    for path in code_paths(code) {
        let (first, rest) = path.split_once("::").unwrap_or((&path, ""));
        let resolved = match aliases.get(first) {
            Some(target) if rest.is_empty() => target.clone(),
            Some(target) => format!("{target}::{rest}"),
            None => absolute(&path, module).unwrap_or(path.clone()),
        };
        if resolved.contains("::") || aliases.contains_key(first) {
            paths.push(resolved);
        }
    }
    paths.sort();
    paths.dedup();
    paths
}

/// Each `a::b::c` in the code (outside `use` items) that does not continue another path.
fn code_paths(code: &str) -> Vec<String> {
    let bytes = code.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let continues_another = i > 0 && (is_ident(bytes[i - 1]) || (i >= 2 && &bytes[i - 2..i] == b"::"));
        let starts_path = is_ident(bytes[i]) && !continues_another;
        if !starts_path {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (is_ident(bytes[i]) || (bytes[i] == b':' && bytes.get(i + 1) == Some(&b':'))) {
            i += if bytes[i] == b':' { 2 } else { 1 };
        }
        let path = code[start..i].trim_end_matches(':');
        if path.contains("::") {
            found.push(path.to_owned());
        }
    }
    found
}

/// The text of each `use …;` (first on its line, perhaps after `pub` or attributes), with no
/// whitespace but the spaces around `as`.
fn use_statements(code: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut rest = code;
    while let Some(at) = find_use(rest) {
        let after = &rest[at + 4..];
        let end = after.find(';').unwrap_or(after.len());
        let mut compact = after[..end].split_whitespace().collect::<Vec<_>>().join(" ");
        for token in ["::", "{", "}", ","] {
            compact = compact.replace(&format!(" {token}"), token).replace(&format!("{token} "), token);
        }
        statements.push(compact);
        rest = &after[end..];
    }
    statements
}

fn find_use(code: &str) -> Option<usize> {
    code.match_indices("use ").map(|(at, _)| at).find(|&at| {
        let line_start = code[..at].rfind('\n').map_or(0, |newline| newline + 1);
        let before = code[line_start..at].trim();
        before.is_empty()
            || before.ends_with(']')
            || before == "pub"
            || (before.starts_with("pub(") && before.ends_with(')'))
    })
}

/// `a::{b,c::{d,e as f},g::*}` → (`a::b`, b), (`a::c::d`, d), (`a::c::e`, f), (`a::g::*`, none):
/// each leaf with the name it brings into scope.
fn expand_use_tree(tree: &str, prefix: String, leaves: &mut Vec<(String, Option<String>)>) {
    let join = |prefix: &str, tail: &str| if prefix.is_empty() { tail.to_owned() } else { format!("{prefix}::{tail}") };
    match tree.find('{').filter(|&open| tree.rfind('}').is_some_and(|close| close > open)) {
        None => {
            let (path, alias) = match tree.split_once(" as ") {
                Some((path, alias)) => (path, Some(alias.trim().to_owned())),
                None => (tree, None),
            };
            let full = join(&prefix, path);
            let full = full.strip_suffix("::self").unwrap_or(&full).to_owned();
            let name = alias.or_else(|| {
                let last = full.rsplit("::").next().unwrap_or(&full);
                (last != "*" && last != "_").then(|| last.to_owned())
            });
            leaves.push((full, name));
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
/// `super` is its parent module); `None` for a path that does not start in this crate.
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

/// Whether `path` is `forbidden` or inside it; a glob (`parent::*`) reaches every child of its
/// parent, so a glob of `crate::server` reaches `crate::server::db`.
fn reaches(path: &str, forbidden: &str) -> bool {
    if let Some(parent) = path.strip_suffix("::*") {
        return forbidden == parent || forbidden.starts_with(&format!("{parent}::")) || reaches(parent, forbidden);
    }
    path == forbidden || path.starts_with(&format!("{forbidden}::"))
}
