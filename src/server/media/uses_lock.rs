//! One lock over "a record names a stored file" and "a file no record names is deleted".
//!
//! A save checks that the files it names exist, then writes its row; a delete counts a file's
//! uses, then removes it. Interleaved (a product deleted while a category is saved with its
//! image), the count can miss the row being written and the check can miss the delete coming:
//! the record is saved showing a file that is gone. Each holds this lock from its check or count
//! to its write or removal, so the two never interleave: between requests of one server, and
//! between the server and `tienda worker`'s sweep, through an advisory lock (`flock`) on a file
//! both reach in `media.private_dir`.
//!
//! Whoever holds it must not wait for it again (a second lock in the same process waits too), nor
//! take it while holding the database's writer: nothing waits for the lock while holding what a
//! holder waits for.

use std::path::Path;

/// The lock's file in `media.private_dir`. It must outlive every holder: deleted while held, the
/// next process would lock a new file and not wait (the downloads' sweep leaves it alone).
pub const FILE_NAME: &str = ".file-uses.lock";

/// Held until dropped (closing the file releases the lock).
pub struct FileUsesLock {
    _file: std::fs::File,
}

impl FileUsesLock {
    /// Waits for the lock. `None` when it cannot be had at all (the folder cannot be written):
    /// logged, and the caller goes on without it (a save) or leaves the file for later (a delete).
    pub async fn acquire(private_dir: &Path) -> Option<Self> {
        let path = private_dir.join(FILE_NAME);
        let locked = tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path)?;
            file.lock()?;
            Ok(file)
        })
        .await
        .unwrap_or_else(|joined| Err(std::io::Error::other(joined)));
        match locked {
            Ok(file) => Some(Self { _file: file }),
            Err(error) => {
                tracing::warn!(%error, "cannot take the lock over stored files' uses");
                None
            }
        }
    }
}
