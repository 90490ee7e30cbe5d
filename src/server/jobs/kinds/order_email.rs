//! Sends the e-mail about an order event (placed, shipped, ready for pickup), once.

use crate::server::{
    jobs::handler::{Handler, JobContext, JobError, JobSpec},
    services::order_mail::{self, OrderMailEvent},
};
use async_trait::async_trait;

/// What the order's transaction queued (`db::orders::OrderFollowUp`).
#[derive(serde::Deserialize)]
struct Input {
    order_id: i64,
    event: String,
}

pub struct OrderEmail;

#[async_trait]
impl Handler for OrderEmail {
    fn spec(&self) -> JobSpec {
        order_mail::JOB
    }

    async fn run(&self, job: &JobContext) -> Result<(), JobError> {
        let input: Input = job.input()?;
        let event = OrderMailEvent::parse(&input.event)
            .ok_or_else(|| JobError::Permanent(format!("unknown order event {:?}", input.event)))?;
        let env = &job.env;
        let Some(email) = order_mail::compose(&env.db, &env.config.server.site_url, input.order_id, event).await?
        else {
            return Ok(()); // the order is gone: nobody to tell
        };
        job.once(&email.key, || env.send_mail(&email)).await?;
        Ok(())
    }
}
