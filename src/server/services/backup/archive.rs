//! The backup file: a ZIP whose `manifest.json` names every other entry with its size and
//! SHA-256, so a restore checks the whole archive before it changes anything. Synchronous (the
//! ZIP crate is); callers run it on the blocking pool. Entries are streamed, never held whole.

use crate::server::db::backup::dump::DumpedTable;
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, Write};
use std::path::{Component, Path, PathBuf};

/// What `manifest.json` says.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`] of the layout below.
    pub version: u32,
    pub created_at: String,
    /// `sqlite` (the database is `database/tienda.sqlite`, a `VACUUM INTO` copy) or `postgres`
    /// (each table is `database/<table>.copy`, `COPY … TO STDOUT` text).
    pub backend: String,
    /// The newest migration the database had applied.
    pub schema_version: i64,
    pub tables: Vec<DumpedTable>,
    /// Every other entry: `database/…` and `media/…`.
    pub files: Vec<FileEntry>,
}

pub const FORMAT: &str = "tienda-backup";
pub const VERSION: u32 = 1;
pub const MANIFEST: &str = "manifest.json";
/// The SQLite copy's name inside the archive.
pub const SQLITE_ENTRY: &str = "database/tienda.sqlite";

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// The largest manifest a restore reads (a million media files fit well within it).
const MAX_MANIFEST_BYTES: u64 = 256 * 1024 * 1024;

/// Writes the archive into `out`: each `(name in the archive, file on disk)` of `files`, then
/// the manifest (completed with their sizes and checksums). Returns the manifest.
pub fn write<W: Write + Seek>(
    out: W,
    mut manifest: Manifest,
    files: &[(String, PathBuf)],
) -> Result<(W, Manifest), String> {
    let mut zip = zip::ZipWriter::new(out);
    let deflated =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    for (name, path) in files {
        let failed = |e: &dyn std::fmt::Display| format!("cannot add {}: {e}", path.display());
        let mut source = match std::fs::File::open(path) {
            Ok(source) => source,
            // Deleted since the folder was listed (an unused upload swept): not part of the store.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && name.starts_with("media/") => continue,
            Err(e) => return Err(failed(&e)),
        };
        zip.start_file(name.as_str(), deflated).map_err(|e| failed(&e))?;
        let mut hashing = HashingWriter { inner: &mut zip, hasher: Sha256::new(), bytes: 0 };
        std::io::copy(&mut source, &mut hashing).map_err(|e| failed(&e))?;
        let (bytes, sha256) = (hashing.bytes, hex(hashing.hasher.finalize().as_slice()));
        manifest.files.push(FileEntry { path: name.clone(), bytes, sha256 });
    }
    let text = serde_json::to_vec_pretty(&manifest).map_err(|e| e.to_string())?;
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file(MANIFEST, stored).map_err(|e| format!("cannot write the manifest: {e}"))?;
    zip.write_all(&text).map_err(|e| format!("cannot write the manifest: {e}"))?;
    let out = zip.finish().map_err(|e| format!("cannot finish the archive: {e}"))?;
    Ok((out, manifest))
}

/// Reads the archive's manifest, checks it is a backup this version reads, then extracts every
/// file it names into `dir` (created), checking each one's size and checksum. Nothing outside
/// `dir` is written, whatever the archive's names say.
pub fn extract<R: Read + Seek>(source: R, dir: &Path) -> Result<Manifest, String> {
    let mut zip = zip::ZipArchive::new(source).map_err(|e| format!("not a backup (not a ZIP archive): {e}"))?;
    let manifest = read_manifest(&mut zip)?;
    for entry in &manifest.files {
        let relative = safe_relative_path(&entry.path)?;
        let target = dir.join(&relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let mut file = zip.by_name(&entry.path).map_err(|_| format!("the backup lacks {}", entry.path))?;
        if file.size() != entry.bytes {
            return Err(format!("{} is damaged: its size is not the one recorded", entry.path));
        }
        let out = std::fs::File::create(&target).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        let mut hashing = HashingWriter { inner: std::io::BufWriter::new(out), hasher: Sha256::new(), bytes: 0 };
        // One byte past the recorded size is enough to know the entry is not what was recorded.
        std::io::copy(&mut (&mut file).take(entry.bytes.saturating_add(1)), &mut hashing)
            .map_err(|e| format!("cannot extract {}: {e}", entry.path))?;
        hashing.inner.flush().map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        if hashing.bytes != entry.bytes || hex(hashing.hasher.finalize().as_slice()) != entry.sha256 {
            return Err(format!("{} is damaged: its size or checksum is not the one recorded", entry.path));
        }
    }
    Ok(manifest)
}

fn read_manifest<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Result<Manifest, String> {
    let file = zip.by_name(MANIFEST).map_err(|_| "not a backup: the archive has no manifest.json".to_owned())?;
    let mut text = Vec::new();
    file.take(MAX_MANIFEST_BYTES).read_to_end(&mut text).map_err(|e| format!("cannot read the manifest: {e}"))?;
    let manifest: Manifest =
        serde_json::from_slice(&text).map_err(|e| format!("not a backup: the manifest cannot be read ({e})"))?;
    if manifest.format != FORMAT || manifest.version != VERSION {
        return Err(format!(
            "not a backup this version reads (format {:?}, version {})",
            manifest.format, manifest.version
        ));
    }
    Ok(manifest)
}

/// An archive name as a relative path under `database/` or `media/`, with nothing that could
/// climb out (`..`, a root, a drive) or hide (an empty or dot-only part).
pub fn safe_relative_path(name: &str) -> Result<PathBuf, String> {
    let refused = || format!("the backup names a file it may not: {name:?}");
    let path = Path::new(name);
    let parts: Vec<&str> = path
        .components()
        .map(|part| match part {
            Component::Normal(part) => part.to_str().ok_or_else(refused),
            _ => Err(refused()),
        })
        .collect::<Result<_, _>>()?;
    let top_allowed = matches!(parts.first(), Some(&"database") | Some(&"media"));
    if !top_allowed || parts.len() < 2 || name.contains('\\') || parts.iter().any(|p| p.starts_with('.')) {
        return Err(refused());
    }
    Ok(path.to_path_buf())
}

/// Every regular file under `dir` (not following links, leaving out hidden names such as files
/// being written), as `(prefix/relative path, path on disk)`, sorted.
pub fn files_under(dir: &Path, prefix: &str) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
            let kind = entry.file_type()?;
            if name.starts_with('.') {
                continue;
            }
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                let relative = entry.path().strip_prefix(dir).map(Path::to_path_buf).unwrap_or_default();
                let relative: Vec<String> =
                    relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                found.push((format!("{prefix}/{}", relative.join("/")), entry.path()));
            }
        }
    }
    found.sort();
    Ok(found)
}

struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(&buf[..written]);
        self.bytes += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_leave_the_folder_are_refused() {
        assert!(safe_relative_path("media/products/a.webp").is_ok());
        assert!(safe_relative_path("database/users.copy").is_ok());
        for name in [
            "../x",
            "media/../../etc/passwd",
            "/etc/passwd",
            "media",
            "other/x",
            "media/.hidden",
            "media\\..\\x",
            "media//",
            "",
        ] {
            assert!(safe_relative_path(name).is_err(), "{name} was accepted");
        }
    }

    #[test]
    fn an_archive_reads_back_and_a_changed_byte_is_found() {
        let dir = std::env::temp_dir().join(format!("tienda-archive-{}", crate::server::text::random_hex()));
        std::fs::create_dir_all(dir.join("media/p")).unwrap();
        std::fs::write(dir.join("media/p/a.txt"), b"hello").unwrap();
        let manifest = Manifest {
            format: FORMAT.into(),
            version: VERSION,
            created_at: "now".into(),
            backend: "sqlite".into(),
            schema_version: 9,
            tables: vec![],
            files: vec![],
        };
        let files = files_under(&dir.join("media"), "media").unwrap();
        assert_eq!(files[0].0, "media/p/a.txt");
        let (bytes, _) = write(std::io::Cursor::new(Vec::new()), manifest, &files).unwrap();
        let bytes = bytes.into_inner();
        let read = extract(std::io::Cursor::new(bytes), &dir.join("out")).unwrap();
        assert_eq!(read.files[0].bytes, 5);
        assert_eq!(std::fs::read(dir.join("out/media/p/a.txt")).unwrap(), b"hello");

        // The same archive whose manifest records another checksum for the file.
        let mut forged = read.clone();
        forged.files[0].sha256 = "0".repeat(64);
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("media/p/a.txt", options).unwrap();
        zip.write_all(b"hello").unwrap();
        zip.start_file(MANIFEST, options).unwrap();
        zip.write_all(&serde_json::to_vec(&forged).unwrap()).unwrap();
        let forged = zip.finish().unwrap().into_inner();
        let error = extract(std::io::Cursor::new(forged), &dir.join("out2")).unwrap_err();
        assert!(error.contains("damaged"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
