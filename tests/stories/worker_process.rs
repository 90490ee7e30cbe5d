//! The dedicated task server as a real process: `tienda worker` killed with SIGKILL in the
//! middle of a job loses it when its lease ends, and the next worker process completes it,
//! sending the e-mail once.

use crate::common;

use crate::jobs::wait_for_state;
use common::smtp::{silent_server, SmtpSink};
use common::{spawn_seeded, Backend, TestApp};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tienda::model::jobs::JobState;
use tienda::server::db::jobs as queue;

on_both_backends!(a_worker_killed_mid_job_loses_it_to_the_next_worker_process);

/// `tienda worker` on the test store's database, mailing through the SMTP server on `smtp_port`,
/// with a two-second lease.
fn worker_process(app: &TestApp, smtp_port: u16) -> Child {
    let dir = common::scratch_dir("worker");
    Command::new(env!("CARGO_BIN_EXE_tienda"))
        .arg("worker")
        .env("TIENDA_CONFIG", dir.join("absent.toml"))
        .env("DATABASE_URL", &app.config.database.url)
        .env("TIENDA_MODE", "demo")
        .env("TIENDA_LOG", "warn")
        .env("TIENDA_MEDIA_DIR", &app.config.media.dir)
        .env("TIENDA_PRIVATE_DIR", &app.config.media.private_dir)
        .env("TIENDA_JOB_WORKERS", "1")
        .env("TIENDA_JOB_POLL_MS", "100")
        .env("TIENDA_JOB_LEASE_SECS", "2")
        .env("TIENDA_BACKUP_KEEP", "0")
        .env("TIENDA_SMTP_HOST", "127.0.0.1")
        .env("TIENDA_SMTP_PORT", smtp_port.to_string())
        .env("TIENDA_SMTP_TLS", "none")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tienda worker")
}

async fn a_worker_killed_mid_job_loses_it_to_the_next_worker_process(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let order = crate::mail::place_order(&app, "en", "killed-worker-1").await;
    let jobs = queue::list(&app.db, None, None, 100).await.unwrap();
    let id = jobs.iter().find(|job| job.kind == "order_email").expect("the order's e-mail was queued").id;

    // The first worker claims the job and hangs on an SMTP server that never answers.
    let mut first = worker_process(&app, silent_server());
    let claimed = wait_for_state(&app, id, JobState::Running).await;
    assert_eq!(claimed.attempts, 1);
    first.kill().unwrap();
    first.wait().unwrap();

    let sink = SmtpSink::start();
    let mut second = worker_process(&app, sink.port);
    let done = wait_for_state(&app, id, JobState::Done).await;
    assert_eq!(done.attempts, 2, "the second worker took it over once the lease ended");
    let delivered = sink.wait_for(1).await;
    assert!(delivered[0].subject.contains(&order.to_string()), "{:?}", delivered[0].subject);
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(sink.delivered().len(), 1, "one e-mail");

    Command::new("kill").args(["-TERM", &second.id().to_string()]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the worker did not stop after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "a clean exit after SIGTERM: {status:?}");
}
