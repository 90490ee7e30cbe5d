//! "Export my data": a ZIP of a person's account and orders (JSON) and their picture, delivered
//! to them by an e-mail link.

use crate::server::{
    jobs::handler::{Handler, JobContext, JobError, JobSpec},
    jobs::results::{self, Made},
    services::exports::{self, ExportInput},
};
use async_trait::async_trait;
use std::io::Write;

pub struct AccountExport;

#[async_trait]
impl Handler for AccountExport {
    fn spec(&self) -> JobSpec {
        exports::ACCOUNT_EXPORT
    }

    async fn run(&self, job: &JobContext) -> Result<(), JobError> {
        let input: ExportInput = job.input()?;
        let Some((data, picture)) = exports::my_data(&job.env.db, &job.env.config, input.owner_id).await? else {
            return Ok(()); // the account is gone, and its data with it
        };
        job.progress(50, "account and orders read").await?;
        let picture = match picture {
            Some(path) => read_picture(&path, job.env.config.media.max_upload_bytes).await,
            None => None,
        };
        // One person's data: built in memory, on the blocking pool (the ZIP writer is synchronous).
        let archive = tokio::task::spawn_blocking(move || zip_archive(&data, picture))
            .await
            .map_err(|e| JobError::Transient(format!("building the archive stopped: {e}")))??;
        let made = Made {
            kind: exports::ACCOUNT_EXPORT.kind,
            file_name: format!("my-data-{}.zip", chrono::Utc::now().format("%Y-%m-%d")),
            extension: "zip",
            content_type: "application/zip",
        };
        results::deliver(job, input.owner_id, input.lang, made, |mut file| async move {
            file.write(&archive).await?;
            Ok(file)
        })
        .await
    }
}

/// The picture's name and bytes: a regular file no larger than an upload may be (a picture
/// deleted since is simply not in the archive).
async fn read_picture(path: &std::path::Path, max_bytes: u64) -> Option<(String, Vec<u8>)> {
    let metadata = tokio::fs::symlink_metadata(path).await.ok()?;
    if !metadata.is_file() || metadata.len() > max_bytes {
        return None;
    }
    let name = path.file_name()?.to_string_lossy().into_owned();
    Some((name, tokio::fs::read(path).await.ok()?))
}

fn zip_archive(data: &serde_json::Value, picture: Option<(String, Vec<u8>)>) -> Result<Vec<u8>, JobError> {
    let failed = |e: zip::result::ZipError| JobError::Transient(format!("building the archive: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("account.json", options).map_err(failed)?;
    zip.write_all(serde_json::to_string_pretty(&data["account"]).unwrap_or_default().as_bytes())?;
    zip.start_file("orders.json", options).map_err(failed)?;
    zip.write_all(serde_json::to_string_pretty(&data["orders"]).unwrap_or_default().as_bytes())?;
    if let Some((name, bytes)) = picture {
        zip.start_file(format!("picture/{name}"), options).map_err(failed)?;
        zip.write_all(&bytes)?;
    }
    Ok(zip.finish().map_err(failed)?.into_inner())
}
