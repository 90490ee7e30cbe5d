//! The files jobs make for someone: written aside in `media.private_dir`, recorded once, and
//! announced by e-mail with the link that downloads it.
//!
//! A file is written under a temporary name and renamed when whole, and recorded only then, so a
//! job that fails half-way (a full disk) offers nothing; what it left is deleted at once, or by
//! housekeeping's sweep of the folder if the worker died.

use super::handler::{JobContext, JobError};
use crate::i18n::Lang;
use crate::server::{db::job_results, text::random_hex};
use std::path::Path;
use tokio::io::AsyncWriteExt;

/// How long a result can be downloaded.
pub const KEPT_FOR: chrono::Duration = chrono::Duration::days(7);

/// What a job made.
pub struct Made {
    pub kind: &'static str,
    /// The name the browser saves it under.
    pub file_name: String,
    pub extension: &'static str,
    pub content_type: &'static str,
}

/// A result being written: its bytes go to a temporary file until it is whole.
pub struct ResultFile {
    file: tokio::io::BufWriter<tokio::fs::File>,
}

impl ResultFile {
    pub async fn write(&mut self, bytes: &[u8]) -> Result<(), JobError> {
        Ok(self.file.write_all(bytes).await?)
    }

    /// The file for synchronous code (a ZIP writer on the blocking pool), everything written so
    /// far flushed; [`ResultFile::from_std`] takes it back.
    pub async fn into_std(mut self) -> Result<std::fs::File, JobError> {
        self.file.flush().await?;
        Ok(self.file.into_inner().into_std().await)
    }

    pub fn from_std(file: std::fs::File) -> Self {
        ResultFile { file: tokio::io::BufWriter::new(tokio::fs::File::from_std(file)) }
    }
}

/// Writes a result with `produce` (which gets the file and gives it back when it has written
/// everything), records it for `owner_id` and mails them its link in `lang`. Once per job,
/// however often the job is delivered.
pub async fn deliver<F, Fut>(
    job: &JobContext,
    owner_id: i64,
    lang: Lang,
    made: Made,
    produce: F,
) -> Result<(), JobError>
where
    F: FnOnce(ResultFile) -> Fut,
    Fut: std::future::Future<Output = Result<ResultFile, JobError>>,
{
    let key = format!("result:{}", job.id);
    job.once(&key, || async move {
        let dir = job.env.config.media.private_dir.clone();
        let stored_name = format!("{}-{}.{}", made.kind, random_hex(), made.extension);
        let byte_size = write_aside(&dir, &stored_name, produce).await?;
        let now = chrono::Utc::now();
        let result = job_results::NewResult {
            job_id: job.id,
            owner_id,
            kind: made.kind,
            file_name: &made.file_name,
            stored_name: &stored_name,
            content_type: made.content_type,
            byte_size,
            expires_at: (now + KEPT_FOR).timestamp_millis(),
        };
        job_results::insert(&job.env.db, &result, now.timestamp_millis()).await?;
        Ok(())
    })
    .await?;
    announce(job, owner_id, lang).await
}

/// Writes the file under a temporary name, then renames it; on any failure removes what was
/// written. Returns its size.
async fn write_aside<F, Fut>(dir: &Path, stored_name: &str, produce: F) -> Result<i64, JobError>
where
    F: FnOnce(ResultFile) -> Fut,
    Fut: std::future::Future<Output = Result<ResultFile, JobError>>,
{
    tokio::fs::create_dir_all(dir).await?;
    let partial = dir.join(format!(".{stored_name}.partial"));
    let outcome = async {
        // Readable by the store alone: a result is someone's data or the whole store's.
        let mut options = tokio::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        options.mode(0o600);
        let file = options.open(&partial).await?;
        let mut written = produce(ResultFile { file: tokio::io::BufWriter::new(file) }).await?;
        written.file.flush().await?;
        let file = written.file.into_inner();
        file.sync_all().await?;
        let size = file.metadata().await?.len();
        tokio::fs::rename(&partial, dir.join(stored_name)).await?;
        Ok::<u64, JobError>(size)
    }
    .await;
    if outcome.is_err() {
        let _ = tokio::fs::remove_file(&partial).await;
    }
    Ok(i64::try_from(outcome?).unwrap_or(i64::MAX))
}

/// Mails the owner the link to their new file, once.
async fn announce(job: &JobContext, owner_id: i64, lang: Lang) -> Result<(), JobError> {
    let env = &job.env;
    let Some(email) =
        crate::server::services::downloads::ready_mail(&env.db, &env.config, job.id, owner_id, lang).await?
    else {
        return Ok(()); // the owner's account is gone
    };
    job.once(&email.key, || env.send_mail(&email)).await?;
    Ok(())
}
