//! `/admin/jobs`: an admin sees the queue (states, attempts, progress, the last error escaped),
//! filters it by state, and retries or cancels jobs with plain forms; nobody else can.

use crate::common;

use common::back_office::{admin, customer};
use common::visitor::Visitor;
use common::{spawn_seeded, Backend, TestApp};
use std::time::Duration;
use tienda::model::jobs::JobState;
use tienda::server::{db::jobs as queue, jobs, jobs::JobSpec};

on_both_backends!(an_admin_watches_filters_retries_and_cancels_jobs, only_admins_see_or_change_jobs);

const EXPORT: JobSpec = JobSpec { kind: "catalog_export", max_attempts: 2, time_limit: Duration::from_secs(60) };

/// A job that failed for good, with an error text that would be markup if it were not escaped.
async fn dead_job(app: &TestApp) -> i64 {
    let id = jobs::enqueue(&app.db, EXPORT, &serde_json::json!({}), None, None).await.unwrap().id;
    let now = chrono::Utc::now().timestamp_millis();
    queue::claim(&app.db, &[EXPORT.kind], "t", now, now + 1_000).await.unwrap().unwrap();
    queue::fail(&app.db, id, "t", now, "<img src=x onerror=alert(1)> disk full", None).await.unwrap();
    id
}

async fn state_of(app: &TestApp, id: i64) -> Option<JobState> {
    queue::find(&app.db, id).await.unwrap().unwrap().state()
}

async fn an_admin_watches_filters_retries_and_cancels_jobs(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let dead = dead_job(&app).await;
    let queued = jobs::enqueue(&app.db, EXPORT, &serde_json::json!({}), None, None).await.unwrap().id;
    let mut staff = admin(&app).await;

    let page = staff.get("/admin/jobs").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&format!("#{dead}")) && page.body.contains(&format!("#{queued}")));
    assert!(page.body.contains("Failed for good"));
    assert!(page.body.contains("&lt;img src=x onerror=alert(1)&gt; disk full"), "the error is shown, escaped");
    assert!(!page.body.contains("<img src=x"), "never as markup");
    assert!(page.body.contains(&format!("aria-label=\"Retry job {dead}\"")));
    assert!(page.body.contains(&format!("aria-label=\"Cancel job {queued}\"")));
    assert!(!page.body.contains(&format!("aria-label=\"Cancel job {dead}\"")), "a dead job has nothing to cancel");

    let only_dead = staff.get("/admin/jobs?state=dead").await;
    assert!(only_dead.body.contains(&format!("#{dead}")) && !only_dead.body.contains(&format!("#{queued}<")));
    assert!(only_dead.body.contains("aria-current=\"page\""), "the chosen filter is marked");
    let hostile = staff.get("/admin/jobs?state=%3Cscript%3E&before=x").await;
    assert_eq!(hostile.status, 200, "an unknown filter is ignored");
    assert_eq!(staff.fetch("/rpc/admin/jobs?state=lost").await.status, 400);

    let retried =
        staff.submit_form("/rpc/admin/jobs/retry", "/admin/jobs?state=dead", &[("id", &dead.to_string())]).await;
    assert!(matches!(retried.status, 302 | 303), "{}: {}", retried.status, retried.body);
    assert_eq!(retried.headers["location"], "/admin/jobs", "back to the list");
    assert_eq!(state_of(&app, dead).await, Some(JobState::Queued));
    let cancelled = staff.submit_form("/rpc/admin/jobs/cancel", "/admin/jobs", &[("id", &queued.to_string())]).await;
    assert!(matches!(cancelled.status, 302 | 303));
    assert_eq!(state_of(&app, queued).await, Some(JobState::Cancelled));
    let missing = staff.post("/rpc/admin/jobs/cancel", &[("id", "999999")]).await;
    assert_eq!(missing.status, 404);
}

async fn only_admins_see_or_change_jobs(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let dead = dead_job(&app).await;
    let mut john = customer(&app).await;
    assert_eq!(john.get("/admin/jobs").await.status, 403);
    assert_eq!(john.post("/rpc/admin/jobs/retry", &[("id", &dead.to_string())]).await.status, 403);
    let mut stranger = Visitor::new(&app.base);
    let page = stranger.get("/admin/jobs").await;
    assert!(matches!(page.status, 302 | 303), "sent to sign in: {}", page.status);
    assert_eq!(stranger.post("/rpc/admin/jobs/cancel", &[("id", &dead.to_string())]).await.status, 401);
    assert_eq!(state_of(&app, dead).await, Some(JobState::Dead), "nothing changed");
}
