//! The task queue: jobs claimed once among racing workers, retried with growing waits, dead after
//! their attempts, caught when they panic, taken over when their worker stalls, handed back at
//! shutdown, deduplicated, and scheduled work fired once across two nodes.

use crate::common;

use async_trait::async_trait;
use common::{spawn_seeded, Backend, TestApp};
use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};
use tienda::model::{jobs::JobState, Role, User};
use tienda::server::{
    db::jobs::{self as queue, JobRow, Reservation},
    jobs::{
        self,
        schedules::{FirstRun, Schedule},
        Handler, JobContext, JobEnv, JobError, JobSpec, Registry, WorkerSettings, Workers,
    },
    services,
};

on_both_backends!(
    racing_workers_run_each_job_once,
    a_failing_job_waits_longer_each_time_then_is_dead_until_an_admin_retries_it,
    a_panicking_handler_is_caught_and_its_job_retried,
    a_permanent_failure_is_dead_at_once,
    identical_requests_while_one_is_unfinished_make_one_job,
    scheduled_work_fires_once_across_two_nodes,
    a_stalled_workers_job_is_taken_over_and_its_side_effect_happens_once,
    a_cancelled_running_job_is_stopped,
    shutdown_hands_a_running_job_back,
    a_job_over_its_time_limit_is_stopped_and_progress_shows_while_it_runs,
    a_job_whose_worker_died_on_its_last_attempt_is_dead,
);

/// A job kind whose behaviour the story scripts: it may wait, then calls `script` with the
/// job's id and attempt number.
struct Scripted {
    spec: JobSpec,
    delay: Duration,
    script: Arc<dyn Fn(i64, i64) -> Result<(), JobError> + Send + Sync>,
}

#[async_trait]
impl Handler for Scripted {
    fn spec(&self) -> JobSpec {
        self.spec
    }

    async fn run(&self, job: &JobContext) -> Result<(), JobError> {
        tokio::time::sleep(self.delay).await;
        (self.script)(job.id, job.attempt)
    }
}

fn spec(kind: &'static str, max_attempts: i64) -> JobSpec {
    JobSpec { kind, max_attempts, time_limit: Duration::from_secs(60) }
}

fn scripted(
    kind: &'static str,
    max_attempts: i64,
    delay: Duration,
    script: impl Fn(i64, i64) -> Result<(), JobError> + Send + Sync + 'static,
) -> Scripted {
    Scripted { spec: spec(kind, max_attempts), delay, script: Arc::new(script) }
}

/// Workers that look for work every 50 ms, hold a lease of one second and retry after 100 ms.
pub fn fast(workers: usize) -> WorkerSettings {
    WorkerSettings {
        workers,
        poll: Duration::from_millis(50),
        lease: Duration::from_secs(1),
        retry_base_ms: 100,
        shutdown_grace: Duration::from_millis(300),
    }
}

pub fn env(app: &TestApp) -> JobEnv {
    env_with(app, app.config.clone())
}

/// The jobs' environment over `app`'s database, with `config` (its mail settings, say).
pub fn env_with(app: &TestApp, config: tienda::server::config::Config) -> JobEnv {
    let mailer = Arc::new(tienda::server::mail::Mailer::new(&config).unwrap());
    JobEnv { db: app.db.clone(), config: Arc::new(config), sessions: app.sessions.clone(), mailer }
}

fn start(app: &TestApp, registry: Registry, workers: usize) -> Workers {
    jobs::worker::start(env(app), registry, Vec::new(), fast(workers))
}

async fn enqueue(app: &TestApp, spec: JobSpec, dedupe_key: Option<&str>) -> i64 {
    jobs::enqueue(&app.db, spec, &serde_json::json!({}), dedupe_key, None).await.unwrap().id
}

async fn job(app: &TestApp, id: i64) -> JobRow {
    queue::find(&app.db, id).await.unwrap().expect("the job exists")
}

/// Waits (at most 20 s) until the job is in `state`, and returns it.
pub async fn wait_for_state(app: &TestApp, id: i64, state: JobState) -> JobRow {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let row = job(app, id).await;
        if row.state() == Some(state) {
            return row;
        }
        assert!(Instant::now() < deadline, "job {id} never reached {state:?}: {row:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn admin() -> User {
    User { id: 1, email: "admin@tienda.test".into(), name: "Admin".into(), role: Role::Admin, avatar: String::new() }
}

async fn racing_workers_run_each_job_once(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let runs: Arc<Mutex<Vec<i64>>> = Arc::default();
    let kind = spec("count", 3);
    let mut ids = Vec::new();
    for _ in 0..40 {
        ids.push(enqueue(&app, kind, None).await);
    }
    // Two nodes of three workers each, all claiming from the same queue.
    let registry = |runs: Arc<Mutex<Vec<i64>>>| {
        Registry::default().with(scripted("count", 3, Duration::from_millis(5), move |id, _| {
            runs.lock().unwrap().push(id);
            Ok(())
        }))
    };
    let node_a = start(&app, registry(runs.clone()), 3);
    let node_b = start(&app, registry(runs.clone()), 3);
    for id in &ids {
        wait_for_state(&app, *id, JobState::Done).await;
    }
    node_a.stop().await;
    node_b.stop().await;
    let mut ran = runs.lock().unwrap().clone();
    ran.sort_unstable();
    assert_eq!(ran, ids, "every job ran, and none twice");
    for id in ids {
        assert_eq!(job(&app, id).await.attempts, 1);
    }
}

async fn a_failing_job_waits_longer_each_time_then_is_dead_until_an_admin_retries_it(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let tried_at: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let record = tried_at.clone();
    let registry = Registry::default().with(scripted("flaky", 3, Duration::ZERO, move |_, _| {
        record.lock().unwrap().push(Instant::now());
        Err(JobError::Transient("the mail server refused the connection".into()))
    }));
    let id = enqueue(&app, spec("flaky", 3), None).await;
    let workers = start(&app, registry, 2);
    let dead = wait_for_state(&app, id, JobState::Dead).await;
    assert_eq!(dead.attempts, 3);
    assert_eq!(dead.last_error.as_deref(), Some("the mail server refused the connection"));
    assert!(dead.finished_at.is_some());
    let times = tried_at.lock().unwrap().clone();
    assert_eq!(times.len(), 3, "three attempts, then no more");
    // The first retry waits at least half the base (100 ms), the second at least half of twice it.
    assert!(times[1] - times[0] >= Duration::from_millis(50), "{:?}", times[1] - times[0]);
    assert!(times[2] - times[1] >= Duration::from_millis(100), "{:?}", times[2] - times[1]);

    let customer = User { role: Role::Customer, ..admin() };
    assert_eq!(services::jobs::retry(&app.db, &customer, id).await, Err(tienda::error::AppError::Forbidden));
    assert!(services::jobs::retry(&app.db, &admin(), id).await.unwrap(), "an admin retries a dead job");
    wait_for_state(&app, id, JobState::Dead).await;
    assert_eq!(tried_at.lock().unwrap().len(), 6, "with three fresh attempts");
    assert!(!services::jobs::cancel(&app.db, &admin(), id).await.unwrap(), "a dead job cannot be cancelled");
    workers.stop().await;
    let missing = services::jobs::retry(&app.db, &admin(), 999_999).await;
    assert!(matches!(missing, Err(tienda::error::AppError::NotFound { .. })), "{missing:?}");
}

async fn a_panicking_handler_is_caught_and_its_job_retried(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let registry = Registry::default().with(scripted("fragile", 3, Duration::ZERO, |_, attempt| {
        assert!(attempt > 1, "the first attempt breaks");
        Ok(())
    }));
    let id = enqueue(&app, spec("fragile", 3), None).await;
    let workers = start(&app, registry, 1);
    let done = wait_for_state(&app, id, JobState::Done).await;
    workers.stop().await;
    assert_eq!(done.attempts, 2, "the panic counted as a failed attempt, and the worker lived on");
    assert!(done.last_error.as_deref().unwrap().contains("the handler panicked: the first attempt breaks"), "{done:?}");
}

async fn a_permanent_failure_is_dead_at_once(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let registry = Registry::default().with(scripted("strict", 5, Duration::ZERO, |_, _| {
        Err(JobError::Permanent("the report's dates are inverted".into()))
    }));
    let id = enqueue(&app, spec("strict", 5), None).await;
    // A kind this worker does not know (a newer node's) is left for a worker that does.
    let unknown = enqueue(&app, spec("from_the_future", 1), None).await;
    let workers = start(&app, registry, 1);
    let dead = wait_for_state(&app, id, JobState::Dead).await;
    assert_eq!(dead.attempts, 1, "retrying cannot help, so it was not retried");
    assert_eq!(dead.last_error.as_deref(), Some("the report's dates are inverted"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    workers.stop().await;
    let unknown = job(&app, unknown).await;
    assert_eq!((unknown.state(), unknown.attempts), (Some(JobState::Queued), 0), "untouched");
    let dead_ones = services::jobs::list(&app.db, &admin(), Some(JobState::Dead), None).await.unwrap();
    assert_eq!(dead_ones.jobs.iter().map(|j| j.id).collect::<Vec<_>>(), [id], "the list filters by state");
    assert!(dead_ones.counts.contains(&(JobState::Queued, 1)) && dead_ones.counts.contains(&(JobState::Dead, 1)));
}

async fn identical_requests_while_one_is_unfinished_make_one_job(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let kind = spec("export", 3);
    let input = serde_json::json!({ "what": "catalog" });
    let first = jobs::enqueue(&app.db, kind, &input, Some("export:catalog"), Some(1)).await.unwrap();
    let second = jobs::enqueue(&app.db, kind, &input, Some("export:catalog"), Some(1)).await.unwrap();
    assert!(first.created && !second.created);
    assert_eq!(first.id, second.id, "the second request gets the first job");
    let other = jobs::enqueue(&app.db, kind, &input, Some("export:orders"), Some(1)).await.unwrap();
    assert!(other.created && other.id != first.id);

    let registry = Registry::default().with(scripted("export", 3, Duration::ZERO, |_, _| Ok(())));
    let workers = start(&app, registry, 1);
    wait_for_state(&app, first.id, JobState::Done).await;
    workers.stop().await;
    let later = jobs::enqueue(&app.db, kind, &input, Some("export:catalog"), Some(1)).await.unwrap();
    assert!(later.created, "once the first has finished, the same request is new work");
}

async fn scheduled_work_fires_once_across_two_nodes(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let runs = Arc::new(AtomicUsize::new(0));
    let registry = |runs: Arc<AtomicUsize>| {
        Registry::default().with(scripted("tick", 3, Duration::ZERO, move |_, _| {
            runs.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }))
    };
    let hourly = Schedule {
        name: "hourly-tick",
        kind: "tick",
        every: Duration::from_secs(3600),
        max_attempts: 3,
        first: FirstRun::AtOnce,
    };
    let node = |runs| jobs::worker::start(env(&app), registry(runs), vec![hourly], fast(2));
    let (node_a, node_b) = (node(runs.clone()), node(runs.clone()));
    let deadline = Instant::now() + Duration::from_secs(20);
    while runs.load(Ordering::SeqCst) == 0 {
        assert!(Instant::now() < deadline, "the schedule never fired");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Twenty polls of both nodes later, it still ran once: the next run is an hour away.
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    node_a.stop().await;
    node_b.stop().await;
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    let ticks = queue::list(&app.db, None, None, 100).await.unwrap();
    assert_eq!(ticks.iter().filter(|j| j.kind == "tick").count(), 1, "one job queued, by one node");

    // Two nodes finding the same schedule due at the same moment: one fires it.
    let now = chrono::Utc::now().timestamp_millis();
    queue::ensure_schedule(&app.db, "minutely", 60_000, now, now).await.unwrap();
    let job = |key| queue::NewJob {
        kind: "tick",
        payload: "{}",
        dedupe_key: key,
        max_attempts: 1,
        run_at: now,
        requested_by: None,
    };
    let first = queue::fire_schedule(&app.db, "minutely", &job(None), now).await.unwrap();
    let second = queue::fire_schedule(&app.db, "minutely", &job(None), now).await.unwrap();
    assert_eq!((first, second), (true, false));
}

/// A worker that stops answering (killed, or frozen) keeps its job only until its lease ends;
/// another worker then runs it, and a side effect the first attempt completed is not repeated.
async fn a_stalled_workers_job_is_taken_over_and_its_side_effect_happens_once(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let sent: Arc<Mutex<HashMap<i64, usize>>> = Arc::default();
    let kind = spec("mail", 3);
    let fresh = enqueue(&app, kind, None).await;
    let half_done = enqueue(&app, kind, None).await;
    // A worker that will die claims both, and sends the second job's mail before it does.
    let now = chrono::Utc::now().timestamp_millis();
    let dying = "a-worker-about-to-die";
    for _ in 0..2 {
        queue::claim(&app.db, &["mail"], dying, now, now + 1_000).await.unwrap().unwrap();
    }
    let key = format!("mail:{half_done}");
    assert_eq!(queue::reserve_effect(&app.db, &key, half_done, dying, now).await.unwrap(), Reservation::Reserved);
    assert!(queue::finish_effect(&app.db, &key, dying, now).await.unwrap());
    // While its lease lives, nobody else may start the first job's mail.
    let fresh_key = format!("mail:{fresh}");
    assert_eq!(queue::reserve_effect(&app.db, &fresh_key, fresh, dying, now).await.unwrap(), Reservation::Reserved);
    let intruder = queue::reserve_effect(&app.db, &fresh_key, fresh, "another-claim", now).await.unwrap();
    assert_eq!(intruder, Reservation::Busy, "a live claim's reservation holds");

    let registry = Registry::default().with(Sender { sent: sent.clone() });
    let workers = start(&app, registry, 2);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(job(&app, fresh).await.state(), Some(JobState::Running), "the lease still holds");
    assert!(sent.lock().unwrap().is_empty());
    let fresh_row = wait_for_state(&app, fresh, JobState::Done).await;
    let half_done_row = wait_for_state(&app, half_done, JobState::Done).await;
    workers.stop().await;
    assert_eq!((fresh_row.attempts, half_done_row.attempts), (2, 2), "each taken over once");
    let sent = sent.lock().unwrap().clone();
    assert_eq!(sent.get(&fresh), Some(&1), "the mail the dead worker never sent is sent");
    assert_eq!(sent.get(&half_done), None, "the mail it had sent is not sent again");
}

/// Sends "mail" once per job, counting what it sends.
struct Sender {
    sent: Arc<Mutex<HashMap<i64, usize>>>,
}

#[async_trait]
impl Handler for Sender {
    fn spec(&self) -> JobSpec {
        spec("mail", 3)
    }

    async fn run(&self, job: &JobContext) -> Result<(), JobError> {
        let sent = self.sent.clone();
        let id = job.id;
        job.once(&format!("mail:{id}"), || async move {
            *sent.lock().unwrap().entry(id).or_default() += 1;
            Ok(())
        })
        .await?;
        Ok(())
    }
}

async fn a_cancelled_running_job_is_stopped(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let finished = Arc::new(AtomicUsize::new(0));
    let count = finished.clone();
    let registry = Registry::default().with(scripted("slow", 3, Duration::from_millis(1_500), move |_, _| {
        count.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }));
    let id = enqueue(&app, spec("slow", 3), None).await;
    let workers = start(&app, registry, 1);
    wait_for_state(&app, id, JobState::Running).await;
    assert!(services::jobs::cancel(&app.db, &admin(), id).await.unwrap());
    // The worker learns at its next heartbeat (a third of the one-second lease), stops the job,
    // and is free for the next one.
    let next = enqueue(&app, spec("slow", 3), None).await;
    wait_for_state(&app, next, JobState::Running).await;
    assert!(services::jobs::cancel(&app.db, &admin(), next).await.unwrap());
    // Past the time the handler would have taken.
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    workers.stop().await;
    assert_eq!(job(&app, id).await.state(), Some(JobState::Cancelled));
    assert_eq!(finished.load(Ordering::SeqCst), 0, "the cancelled jobs never finished their work");
}

async fn shutdown_hands_a_running_job_back(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let registry = Registry::default().with(scripted("long", 3, Duration::from_secs(30), |_, _| Ok(())));
    let id = enqueue(&app, spec("long", 3), None).await;
    let workers = start(&app, registry, 1);
    wait_for_state(&app, id, JobState::Running).await;
    let stopping = Instant::now();
    workers.stop().await;
    assert!(stopping.elapsed() < Duration::from_secs(10), "the grace period bounds the wait");
    let row = job(&app, id).await;
    assert_eq!(row.state(), Some(JobState::Queued), "back in the queue for another worker: {row:?}");
    assert_eq!(row.attempts, 0, "an attempt cut short by shutdown does not count");
}

async fn a_job_over_its_time_limit_is_stopped_and_progress_shows_while_it_runs(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let registry = Registry::default().with(Reporter);
    let id = enqueue(&app, Reporter.spec(), None).await;
    let workers = start(&app, registry, 1);
    let deadline = Instant::now() + Duration::from_secs(20);
    let running = loop {
        let row = job(&app, id).await;
        if row.progress_percent == 40 {
            break row;
        }
        assert!(Instant::now() < deadline, "progress never showed: {row:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(running.state(), Some(JobState::Running));
    assert_eq!(running.progress_message.as_deref(), Some("40 of 100 rows written"));
    let dead = wait_for_state(&app, id, JobState::Dead).await;
    workers.stop().await;
    assert_eq!(dead.last_error.as_deref(), Some("stopped at its time limit (800 ms)"));
}

/// Reports progress, then works for longer than its time limit allows.
struct Reporter;

#[async_trait]
impl Handler for Reporter {
    fn spec(&self) -> JobSpec {
        JobSpec { kind: "report", max_attempts: 1, time_limit: Duration::from_millis(800) }
    }

    async fn run(&self, job: &JobContext) -> Result<(), JobError> {
        job.progress(40, "40 of 100 rows written").await?;
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok(())
    }
}

async fn a_job_whose_worker_died_on_its_last_attempt_is_dead(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let id = enqueue(&app, spec("once_only", 1), None).await;
    let now = chrono::Utc::now().timestamp_millis();
    queue::claim(&app.db, &["once_only"], "a-worker-about-to-die", now, now + 200).await.unwrap().unwrap();
    // Workers that know the kind, with the keeper that buries jobs beside them.
    let workers = start(&app, Registry::default().with(scripted("once_only", 1, Duration::ZERO, |_, _| Ok(()))), 1);
    let dead = wait_for_state(&app, id, JobState::Dead).await;
    workers.stop().await;
    assert_eq!(dead.attempts, 1, "not run again: it had no attempt left");
    assert!(dead.last_error.unwrap().contains("its worker stopped answering"));
}
