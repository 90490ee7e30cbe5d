//! Backups and restores: a ZIP of a consistent snapshot of the database, the media files and a
//! manifest with checksums (`archive`); made by the `backup` job (nightly, or when an admin asks)
//! and by `tienda backup FILE`; loaded by `tienda restore FILE` into an empty database of either
//! backend. What a backup holds and leaves out is `db::backup::TABLES` and `LEFT_OUT`.

pub mod archive;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::User;
use crate::server::config::Config;
use crate::server::db::{
    self,
    backup::{dump, load},
    Db,
};
use crate::server::jobs::{self, JobSpec};
use crate::server::text::random_hex;
use archive::{Manifest, FORMAT, SQLITE_ENTRY, VERSION};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const BACKUP: JobSpec = JobSpec { kind: "backup", max_attempts: 3, time_limit: Duration::from_secs(2 * 60 * 60) };

/// What a backup job is given: who asked (the file is delivered to them), or nobody (the
/// nightly backup, kept in `backup.dir`).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct BackupInput {
    pub owner_id: Option<i64>,
    pub lang: Option<Lang>,
}

/// Queues a backup for an admin, delivered to their inbox. False when one is already on its way.
pub async fn request(db: &Db, actor: &User, lang: Lang) -> Result<bool, AppError> {
    super::ensure_admin(actor)?;
    let input = BackupInput { owner_id: Some(actor.id), lang: Some(lang) };
    // One backup at a time, whoever asks: each reads the whole store.
    Ok(jobs::enqueue(db, BACKUP, &input, Some("backup:now"), Some(actor.id)).await?.created)
}

/// What a backup holds.
#[derive(Debug, Clone)]
pub struct Made {
    pub manifest: Manifest,
}

impl Made {
    pub fn rows(&self) -> u64 {
        self.manifest.tables.iter().map(|t| t.rows).sum()
    }

    pub fn media_files(&self) -> usize {
        self.manifest.files.iter().filter(|f| f.path.starts_with("media/")).count()
    }
}

/// Writes a backup of the store into `out` (an open, empty file). Works in a hidden folder of
/// `media.private_dir`, removed afterwards whatever happens.
pub async fn write_into(db: &Db, config: &Config, out: std::fs::File) -> Result<(std::fs::File, Made), String> {
    let work = Scratch(work_dir(config, "backup"));
    let outcome = write_with(db, config, out, &work.0).await;
    work.remove().await;
    outcome
}

/// A working folder or file removed when dropped: when the work ends however it ends, including
/// a job stopped mid-way at shutdown (its future dropped, no code after the await point runs).
struct Scratch(PathBuf);

impl Scratch {
    /// Removes it now (the normal end of the work).
    async fn remove(mut self) {
        let path = std::mem::take(&mut self.0);
        let _ = match tokio::fs::metadata(&path).await {
            Ok(found) if found.is_dir() => tokio::fs::remove_dir_all(&path).await,
            Ok(_) => tokio::fs::remove_file(&path).await,
            Err(_) => Ok(()),
        };
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let path = std::mem::take(&mut self.0);
        if path.as_os_str().is_empty() {
            return; // removed already
        }
        let remove = move || {
            let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
        };
        // A large folder is removed off the async threads when there are any.
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(remove)),
            Err(_) => remove(),
        }
    }
}

async fn write_with(
    db: &Db,
    config: &Config,
    out: std::fs::File,
    work: &Path,
) -> Result<(std::fs::File, Made), String> {
    let database = work.join("database");
    tokio::fs::create_dir_all(&database).await.map_err(|e| format!("cannot create {}: {e}", database.display()))?;
    let schema_version = db::backup::schema_version(db).await.map_err(|e| e.to_string())?;
    let snapshot_failed = |e: sqlx::Error| format!("cannot take the database's snapshot: {e}");
    let (tables, mut files) = match db {
        Db::Sqlite { .. } => {
            let copy = database.join("tienda.sqlite");
            let tables = dump::sqlite_snapshot(db, &copy).await.map_err(snapshot_failed)?;
            (tables, vec![(SQLITE_ENTRY.to_owned(), copy)])
        }
        Db::Postgres(_) => {
            let tables = dump::postgres_copy(db, &database).await.map_err(snapshot_failed)?;
            let files = tables
                .iter()
                .map(|t| (format!("database/{}.copy", t.name), dump::copy_file(&database, &t.name)))
                .collect();
            (tables, files)
        }
    };
    let manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        backend: db.backend_name().into(),
        schema_version,
        tables,
        files: Vec::new(),
    };
    let media = config.media.dir.clone();
    tokio::task::spawn_blocking(move || {
        files.extend(archive::files_under(&media, "media").map_err(|e| format!("cannot list the media files: {e}"))?);
        let (mut out, manifest) = archive::write(out, manifest, &files)?;
        std::io::Write::flush(&mut out).map_err(|e| e.to_string())?;
        Ok((out, Made { manifest }))
    })
    .await
    .map_err(|e| format!("writing the backup stopped: {e}"))?
}

/// Writes a backup to `file`, which must not exist: under a hidden name of its own beside it
/// first, linked to `file` when whole (which fails, rather than replaces, if `file` appeared
/// meanwhile), so a backup that fails (a full disk) or races another leaves no file that looks
/// like one.
pub async fn write_file(db: &Db, config: &Config, file: &Path) -> Result<Made, String> {
    match tokio::fs::symlink_metadata(file).await {
        Ok(_) => return Err(format!("{} already exists", file.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot write {}: {e}", file.display())),
    }
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).ok_or("the backup needs a file name")?;
    let dir = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    tokio::fs::create_dir_all(dir).await.map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let scratch = Scratch(dir.join(format!(".{name}.{}.partial", random_hex())));
    let partial = &scratch.0;
    let outcome = async {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        // Readable by the store alone: a backup holds every account's password hash.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let out = options.open(partial).map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
        let (out, made) = write_into(db, config, out).await?;
        out.sync_all().map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
        tokio::fs::hard_link(&partial, file).await.map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!("{} already exists", file.display()),
            _ => format!("cannot write {}: {e}", file.display()),
        })?;
        Ok(made)
    }
    .await;
    scratch.remove().await;
    outcome
}

/// The nightly backup: a new file in `backup.dir`, then only the newest `backup.keep` kept.
pub async fn write_nightly(db: &Db, config: &Config) -> Result<(PathBuf, Made), String> {
    let name = format!("tienda-backup-{}.zip", chrono::Utc::now().format("%Y%m%d-%H%M%S-%3f"));
    let file = config.backup.dir.join(name);
    let made = write_file(db, config, &file).await?;
    prune_nightly(&config.backup.dir, config.backup.keep).await;
    Ok((file, made))
}

/// Deletes all but the newest `keep` nightly backups (their names sort by time).
async fn prune_nightly(dir: &Path, keep: usize) {
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else { return };
    let mut backups = Vec::new();
    while let Ok(Some(entry)) = entries.next_entry().await {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("tienda-backup-") && name.ends_with(".zip") {
            backups.push(name);
        }
    }
    backups.sort_unstable_by(|a, b| b.cmp(a));
    for old in backups.into_iter().skip(keep.max(1)) {
        if let Err(error) = tokio::fs::remove_file(dir.join(&old)).await {
            tracing::warn!(%error, file = old, "cannot delete an old backup");
        }
    }
}

/// What a restore loaded.
#[derive(Debug)]
pub struct Restored {
    pub from_backend: String,
    pub tables: load::Loaded,
    pub media_files: usize,
}

/// Loads the backup `file` into `db`, which must hold no catalog, accounts or orders (a fresh
/// database, migrated). The archive is checked whole first; the rows load in one transaction;
/// then the media files are written into `media.dir`.
pub async fn restore(db: &Db, config: &Config, file: &Path) -> Result<Restored, String> {
    let source = std::fs::File::open(file).map_err(|e| format!("cannot open {}: {e}", file.display()))?;
    let filled = db::backup::tables_with_rows(db).await.map_err(|e| e.to_string())?;
    if !filled.is_empty() {
        return Err(format!(
            "the database is not empty ({} hold rows); restore into a new database",
            filled.join(", ")
        ));
    }
    let work = Scratch(work_dir(config, "restore"));
    let outcome = restore_with(db, config, source, &work.0).await;
    work.remove().await;
    outcome
}

async fn restore_with(db: &Db, config: &Config, source: std::fs::File, work: &Path) -> Result<Restored, String> {
    let dir = work.to_path_buf();
    let manifest = tokio::task::spawn_blocking(move || archive::extract(std::io::BufReader::new(source), &dir))
        .await
        .map_err(|e| format!("reading the backup stopped: {e}"))??;
    let ours = db::backup::schema_version(db).await.map_err(|e| e.to_string())?;
    if manifest.schema_version > ours {
        return Err(format!(
            "the backup comes from a newer Tienda (schema {}, this one has {ours}); restore it with that version",
            manifest.schema_version
        ));
    }
    let source = match manifest.backend.as_str() {
        "sqlite" => {
            let snapshot = work.join(SQLITE_ENTRY);
            load::Source::Sqlite(load::SqliteSnapshot::open(&snapshot).await.map_err(|e| e.to_string())?)
        }
        "postgres" => load::Source::Copy { dir: work.join("database"), tables: manifest.tables.clone() },
        other => return Err(format!("the backup comes from an unknown database kind {other:?}")),
    };
    let loaded = load::load(db, &source).await;
    if let load::Source::Sqlite(snapshot) = &source {
        snapshot.close().await;
    }
    let tables = loaded.map_err(|e| e.to_string())?;
    // A backup from before search titles existed has products without them.
    db::catalog::search_titles::fill_missing(db).await.map_err(|e| e.to_string())?;
    // Only once the rows are in: a restore that fails leaves the media folder as it was.
    let media_files = place_media(&work.join("media"), &config.media.dir).await?;
    Ok(Restored { from_backend: manifest.backend, tables, media_files })
}

/// Moves the extracted media files into the media folder (a file of the same name is replaced:
/// the backup is what is being restored). Returns how many.
async fn place_media(from: &Path, media_dir: &Path) -> Result<usize, String> {
    let (from, media_dir) = (from.to_path_buf(), media_dir.to_path_buf());
    tokio::task::spawn_blocking(move || {
        let files = archive::files_under(&from, "media").map_err(|e| e.to_string())?;
        for (name, path) in &files {
            let relative = archive::safe_relative_path(name)?;
            let target = media_dir.join(relative.strip_prefix("media").unwrap_or(&relative));
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            if std::fs::rename(path, &target).is_err() {
                std::fs::copy(path, &target).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            }
        }
        Ok(files.len())
    })
    .await
    .map_err(|e| format!("placing the media files stopped: {e}"))?
}

/// A hidden working folder of its own inside `media.private_dir` (housekeeping removes those a
/// dead process left, once a day old).
fn work_dir(config: &Config, purpose: &str) -> PathBuf {
    config.media.private_dir.join(format!(".{purpose}-{}", random_hex()))
}

/// Whether a name in `media.private_dir` is a backup's or a restore's working folder.
pub fn is_work_dir(name: &str) -> bool {
    name.starts_with(".backup-") || name.starts_with(".restore-")
}
