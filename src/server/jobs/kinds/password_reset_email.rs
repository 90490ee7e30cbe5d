//! Mails a password reset link (`services::password_reset`), once.

use crate::server::{
    jobs::handler::{Handler, JobContext, JobError, JobSpec},
    services::password_reset::{self, MailInput},
};
use async_trait::async_trait;

pub struct PasswordResetEmail;

#[async_trait]
impl Handler for PasswordResetEmail {
    fn spec(&self) -> JobSpec {
        password_reset::JOB
    }

    async fn run(&self, job: &JobContext) -> Result<(), JobError> {
        let MailInput { reset_id } = job.input()?;
        let env = &job.env;
        // The token is made inside the effect, so an attempt after the mail went out makes none:
        // a new token would void the link in the mail.
        job.once(&password_reset::mail_key(reset_id), || async {
            let site_url = &env.config.server.site_url;
            if let Some(email) = password_reset::compose_mail(&env.db, site_url, reset_id).await? {
                env.send_mail(&email).await?;
            }
            Ok(())
        })
        .await?;
        Ok(())
    }
}
