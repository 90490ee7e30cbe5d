//! A backup of the whole store (`services::backup`): nightly into `backup.dir`, keeping the
//! newest `backup.keep`; or for the admin who asked, delivered to their inbox by an e-mail link,
//! keeping the newest [`ON_DEMAND_KEPT`] of those.

use crate::i18n::Lang;
use crate::server::{
    jobs::handler::{Handler, JobContext, JobError, JobSpec},
    jobs::results::{self, Made, ResultFile},
    services::backup::{self, BackupInput},
    services::downloads,
};
use async_trait::async_trait;

pub struct Backup;

#[async_trait]
impl Handler for Backup {
    fn spec(&self) -> JobSpec {
        backup::BACKUP
    }

    async fn run(&self, job: &JobContext) -> Result<(), JobError> {
        let input: BackupInput = job.input()?;
        let env = &job.env;
        job.progress(5, "taking the database's snapshot").await?;
        let Some(owner_id) = input.owner_id else {
            // Written aside and renamed, once per job: a job delivered twice keeps one file.
            job.once(&format!("nightly_backup:{}", job.id), || async {
                let (file, made) = backup::write_nightly(&env.db, &env.config).await.map_err(JobError::Transient)?;
                tracing::info!(file = %file.display(), rows = made.rows(), media = made.media_files(), "nightly backup written");
                Ok(())
            })
            .await?;
            return Ok(());
        };
        let made = Made {
            kind: backup::BACKUP.kind,
            file_name: format!("tienda-backup-{}.zip", chrono::Utc::now().format("%Y-%m-%d")),
            extension: "zip",
            content_type: "application/zip",
        };
        let lang = input.lang.unwrap_or(Lang::En);
        results::deliver(job, owner_id, lang, made, |file: ResultFile| async move {
            let out = file.into_std().await?;
            let (out, _) = backup::write_into(&env.db, &env.config, out).await.map_err(JobError::Transient)?;
            Ok(ResultFile::from_std(out))
        })
        .await?;
        downloads::keep_newest(&env.db, &env.config, backup::BACKUP.kind, ON_DEMAND_KEPT).await?;
        Ok(())
    }
}

/// Backups made on demand that stay downloadable, newest first. Each is a whole copy of the store,
/// and an admin may ask again as soon as the last is made: the oldest goes when a new one comes.
pub const ON_DEMAND_KEPT: i64 = 3;
