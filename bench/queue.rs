//! The job queue's own speed: empty jobs queued, claimed and completed per second, on SQLite and
//! (with BENCH_POSTGRES_URL, an empty database) on PostgreSQL. Prints one line per backend.
//!
//!     cargo bench --bench queue --features ssr
//!     BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench queue --features ssr
//!
//! `bench/jobs` runs it with a throwaway PostgreSQL cluster, beside the kill -9 run.

// A benchmark fails loudly: an unwrap is how it stops, with its line.
#![allow(clippy::unwrap_used, clippy::cast_precision_loss)]

use async_trait::async_trait;
use std::{sync::Arc, time::Duration, time::Instant};
use tienda::server::{
    app::startup::open_database,
    auth::session::DbSessionStore,
    config::Config,
    db::jobs as queue,
    jobs::{self, Handler, JobContext, JobEnv, JobError, JobSpec, Registry, WorkerSettings},
    mail::Mailer,
};

const EMPTY: JobSpec = JobSpec { kind: "bench_empty", max_attempts: 1, time_limit: Duration::from_secs(60) };
const JOBS: usize = 5_000;

struct Empty;

#[async_trait]
impl Handler for Empty {
    fn spec(&self) -> JobSpec {
        EMPTY
    }

    async fn run(&self, _job: &JobContext) -> Result<(), JobError> {
        Ok(())
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let dir = std::env::temp_dir().join(format!("tienda-bench-queue-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut backends = vec![("sqlite", format!("sqlite://{}", dir.join("queue.db").display()))];
    if let Ok(url) = std::env::var("BENCH_POSTGRES_URL") {
        backends.push(("postgres", url));
    }
    for (name, url) in backends {
        for workers in [1, 4] {
            let per_second = runtime.block_on(measure(&url, workers));
            println!("queue {name:<8} {workers} worker(s): {JOBS} empty jobs, {per_second:.0} claimed and completed per second");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

async fn measure(url: &str, workers: usize) -> f64 {
    let mut config = Config::default();
    config.database.url = url.to_owned();
    let db = open_database(&config).await.unwrap();
    let sessions = DbSessionStore::open(&db).await.unwrap();
    let mailer = Arc::new(Mailer::new(&config).unwrap());
    for _ in 0..JOBS {
        jobs::enqueue(&db, EMPTY, &serde_json::json!({}), None, None).await.unwrap();
    }
    let env = JobEnv { db: db.clone(), config: Arc::new(config), sessions, mailer };
    let settings = WorkerSettings {
        workers,
        poll: Duration::from_millis(50),
        lease: Duration::from_secs(30),
        retry_base_ms: 1_000,
        shutdown_grace: Duration::from_secs(5),
    };
    let started = Instant::now();
    let running = jobs::worker::start(env, Registry::default().with(Empty), Vec::new(), settings);
    loop {
        let done = queue::count_by_state(&db).await.unwrap();
        let left: i64 = done.iter().filter(|(state, _)| state == "queued" || state == "running").map(|(_, n)| n).sum();
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = started.elapsed();
    running.stop().await;
    let cleanup = "DELETE FROM jobs";
    tienda::server::db::with_pool!(db.writer(), pool => sqlx::query(cleanup).execute(pool).await.map(|_| ())).unwrap();
    db.close().await;
    JOBS as f64 / elapsed.as_secs_f64()
}
