//! The built front end under `/pkg`: which files the build wrote, and how they are served.
//!
//! A release build (`cargo leptos build --release --precompress`, with `hash-files` on) writes
//! `tienda.<hash>.css|js|wasm`, each beside a brotli `.br` and a gzip `.gz` copy. A browser gets
//! the compressed copy it accepts, straight from the disk (compressing the WebAssembly on every
//! request would cost more than the page), and since a hashed name never changes content, it may
//! keep the file for a year. So are the split WebAssembly's chunks (`--split`), named the same way.
//! A build without hashes keeps the plain names, which browsers revalidate.

use crate::components::front_end::FrontEndFiles;
use crate::server::http::static_files::{self, Caching};
use axum::Router;
use std::{path::Path, time::SystemTime};

/// The stylesheet, script and WebAssembly in `pkg_dir` named after `output_name`, hashed or not:
/// the ones the build's `hash.txt` names (cargo-leptos writes it beside the server binary), when
/// it is there and its files are. Otherwise found in the folder: where it holds several builds'
/// files (a copy that kept the old ones), the newest of each, with a warning, since a script and
/// WebAssembly from different builds do not work together; where it holds none (tests that never
/// build the front end), the plain names.
pub fn find(pkg_dir: &Path, output_name: &str) -> FrontEndFiles {
    let hash_file = std::env::current_exe().ok().and_then(|exe| Some(exe.parent()?.join("hash.txt")));
    if let Some(files) = hash_file.and_then(|hash_file| named_by_hash_file(&hash_file, pkg_dir, output_name)) {
        return files;
    }
    let plain = FrontEndFiles::unhashed(output_name);
    let mut newest: [Option<(SystemTime, String)>; 3] = Default::default();
    let mut builds = [0; 3];
    for entry in std::fs::read_dir(pkg_dir).into_iter().flatten().flatten() {
        let Ok(name) = entry.file_name().into_string() else { continue };
        let Some(slot) = plain.names().iter().position(|plain_name| is_build_of(&name, plain_name, output_name)) else {
            continue;
        };
        builds[slot] += 1;
        let modified = entry.metadata().and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH);
        if newest[slot].as_ref().is_none_or(|(seen, _)| modified > *seen) {
            newest[slot] = Some((modified, name));
        }
    }
    let [stylesheet, script, wasm] = newest.map(|found| found.map(|(_, name)| name));
    if stylesheet.is_none() {
        tracing::warn!(dir = %pkg_dir.display(), "no built stylesheet found: run `cargo leptos build` first");
    }
    if builds.iter().any(|count| *count > 1) {
        tracing::warn!(dir = %pkg_dir.display(), "files of several builds found: serving the newest of each");
    }
    FrontEndFiles {
        stylesheet: stylesheet.unwrap_or(plain.stylesheet),
        script: script.unwrap_or(plain.script),
        wasm: wasm.unwrap_or(plain.wasm),
    }
}

/// The files a cargo-leptos `hash.txt` (`js: <hash>`, `wasm: <hash>`, `css: <hash>` lines) names,
/// if each is in `pkg_dir`.
fn named_by_hash_file(hash_file: &Path, pkg_dir: &Path, output_name: &str) -> Option<FrontEndFiles> {
    let text = std::fs::read_to_string(hash_file).ok()?;
    let hash =
        |kind: &str| text.lines().find_map(|line| Some(line.strip_prefix(kind)?.strip_prefix(':')?.trim().to_owned()));
    let files = FrontEndFiles {
        stylesheet: format!("{output_name}.{}.css", hash("css")?),
        script: format!("{output_name}.{}.js", hash("js")?),
        wasm: format!("{output_name}.{}.wasm", hash("wasm")?),
    };
    let plain = FrontEndFiles::unhashed(output_name);
    let sound = files
        .names()
        .iter()
        .zip(plain.names())
        .all(|(name, plain_name)| is_build_of(name, plain_name, output_name) && pkg_dir.join(name).is_file());
    sound.then_some(files)
}

/// `tienda.css` itself, or `tienda.<hash>.css` (a hash is one segment of letters, digits, - and _).
fn is_build_of(name: &str, plain_name: &str, output_name: &str) -> bool {
    if name == plain_name {
        return true;
    }
    let extension = &plain_name[output_name.len()..];
    name.strip_prefix(output_name)
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|rest| rest.strip_suffix(extension))
        .is_some_and(|hash| !hash.is_empty() && is_hash_text(hash))
}

/// The characters of a cargo-leptos hash (unpadded base64url).
fn is_hash_text(hash: &str) -> bool {
    hash.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `/pkg`, served from `pkg_dir`: the precompressed copies where the browser accepts them.
pub fn router<S: Clone + Send + Sync + 'static>(pkg_dir: &Path) -> Router<S> {
    Router::new()
        .fallback_service(static_files::serve_dir(pkg_dir))
        .layer(axum::middleware::from_fn_with_state(Caching::ByName(cache_control), static_files::guard))
}

/// A year of caching for content-hashed files (a new build has new names), revalidation for
/// anything else.
fn cache_control(path: &str) -> &'static str {
    if has_content_hash(path) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=0, must-revalidate"
    }
}

/// cargo-leptos names a hashed file `<name>.<hash>.<extension>`, the hash an MD5 in unpadded
/// base64url: 22 characters. The split WebAssembly's chunks are named the same way.
fn has_content_hash(name: &str) -> bool {
    let mut parts = name.rsplit('.');
    let (Some(_extension), Some(hash), Some(_stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    // cargo-leptos's placeholder for an unhashed build, `__wasm_split.______________________.js`,
    // has 22 underscores and must not count.
    hash.len() == 22 && is_hash_text(hash) && hash.bytes().any(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_hashed_and_plain_builds_only() {
        assert!(is_build_of("tienda.css", "tienda.css", "tienda"));
        assert!(is_build_of("tienda.Ab3-_x.css", "tienda.css", "tienda"));
        assert!(!is_build_of("tienda.css.br", "tienda.css", "tienda"));
        assert!(!is_build_of("tienda.a.b.css", "tienda.css", "tienda"));
        assert!(!is_build_of("tienda..css", "tienda.css", "tienda"));
        assert!(!is_build_of("other.x.css", "tienda.css", "tienda"));
        assert!(!is_build_of("__wasm_split.x.js", "tienda.js", "tienda"));
    }

    #[test]
    fn only_names_with_a_build_hash_are_kept_for_good() {
        assert!(has_content_hash("/tienda.O0NFLsXBC1PM1wXKkF6KcA.css"));
        assert!(has_content_hash("chunk_10.KD7G6LI_9xprtE5fj_0OYA.wasm"));
        assert!(!has_content_hash("tienda.css"));
        assert!(!has_content_hash("tienda.short.css"));
        assert!(!has_content_hash("O0NFLsXBC1PM1wXKkF6KcA.css"));
        assert!(!has_content_hash("tienda.O0NFLsXBC1PM1wXKkF6Kc!.css"));
        assert!(!has_content_hash("__wasm_split.______________________.js"));
    }

    #[test]
    fn the_build_hash_file_names_the_files_when_they_are_there() {
        let dir = std::env::temp_dir().join(format!("tienda-hash-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let hash_file = dir.join("hash.txt");
        std::fs::write(&hash_file, "js: Jj\nwasm: Ww\ncss: Cc\nmanifest: Mm\n").unwrap();
        assert_eq!(named_by_hash_file(&hash_file, &dir, "tienda"), None, "its files are not there");
        for name in ["tienda.Jj.js", "tienda.Ww.wasm", "tienda.Cc.css"] {
            std::fs::write(dir.join(name), "x").unwrap();
        }
        let named = named_by_hash_file(&hash_file, &dir, "tienda");
        std::fs::write(&hash_file, "js: ../../etc/x\nwasm: Ww\ncss: Cc\n").unwrap();
        let escaping = named_by_hash_file(&hash_file, &dir, "tienda");
        std::fs::remove_dir_all(&dir).unwrap();
        let expected = FrontEndFiles {
            stylesheet: "tienda.Cc.css".into(),
            script: "tienda.Jj.js".into(),
            wasm: "tienda.Ww.wasm".into(),
        };
        assert_eq!(named, Some(expected));
        assert_eq!(escaping, None, "a hash is one name segment");
    }

    #[test]
    fn picks_the_newest_build_and_falls_back_to_plain_names() {
        let dir = std::env::temp_dir().join(format!("tienda-pkg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(find(&dir, "tienda"), FrontEndFiles::unhashed("tienda"));
        for name in ["tienda.old.css", "tienda.css.br", "tienda.h1.js", "tienda.h2.wasm"] {
            std::fs::write(dir.join(name), "x").unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.join("tienda.new.css"), "x").unwrap();
        let found = find(&dir, "tienda");
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            found,
            FrontEndFiles {
                stylesheet: "tienda.new.css".into(),
                script: "tienda.h1.js".into(),
                wasm: "tienda.h2.wasm".into()
            }
        );
    }
}
