//! The integration-test harness: a real server on a random port, over a fresh real database.

pub mod api;
pub mod back_office;
pub mod html;
pub mod postgres;
pub mod sitemap;
pub mod smtp;
pub mod visitor;

use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicU32, Ordering},
        Once, OnceLock,
    },
};
use tienda::server::{
    app::startup::Server, app::state::AppState, auth::session::DbSessionStore, config::Config, db::Db, demo,
};

/// The origin the test servers claim as public, so canonical URLs are predictable.
pub const SITE: &str = "http://tienda.test";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    pub db: Db,
    pub config: Config,
    /// The server's state, for tests that call services directly (the token service).
    pub state: AppState,
    pub sessions: DbSessionStore,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

const SCRATCH_PREFIX: &str = "tienda-test-";

/// A directory of its own for each test server (SQLite file, media). The directories outlive the
/// run (a server thread may still write as the process ends, and a failed story's files are worth
/// reading), so the first call of the next run removes those whose process is gone.
pub fn scratch_dir(label: &str) -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    static SWEPT: Once = Once::new();
    SWEPT.call_once(|| remove_dirs_of_dead_runs(SCRATCH_PREFIX));
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("{SCRATCH_PREFIX}{}-{label}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// Removes the temporary directories named `<prefix><pid>...` whose process no longer runs.
pub fn remove_dirs_of_dead_runs(prefix: &str) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(prefix) else { continue };
        let pid = rest.split('-').next().unwrap_or_default();
        if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A configuration for a test server on a random port over a fresh database of `backend`.
pub async fn test_config(backend: Backend) -> Config {
    let dir = scratch_dir(match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    });
    let mut config = Config::default();
    config.server.mode = tienda::server::config::Mode::Demo;
    config.server.port = 0;
    config.server.site_url = SITE.into();
    config.server.shutdown_grace_secs = 1;
    config.media.dir = dir.join("media");
    config.mail.outbox_dir = dir.join("outbox");
    config.media.private_dir = dir.join("private");
    config.backup.dir = dir.join("backups");
    config.log.filter = "warn".into();
    // No background workers: a story that needs them starts its own, with its own job kinds.
    config.jobs.workers = 0;
    config.database.url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.join("tienda.db").display()),
        Backend::Postgres => postgres::fresh_database().await,
    };
    config
}

/// Starts a server with the demo data loaded, on the current test's runtime.
pub async fn spawn_seeded(backend: Backend) -> TestApp {
    spawn_with(test_config(backend).await, true).await
}

/// Starts a server for one test, on a runtime and thread of its own: the test's runtime ends with
/// the test, and the server must not be torn down with it while other tests' servers still serve.
pub async fn spawn_with(config: Config, seed: bool) -> TestApp {
    // RUST_LOG=... shows the servers' logs (request spans, slow queries) when a test needs them.
    if std::env::var_os("RUST_LOG").is_some() {
        tienda::server::app::telemetry::init(&config.log);
    }
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server_config = config.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async move {
            let server = Server::build(server_config.clone()).await.expect("the test server starts");
            if seed {
                demo::seed(&server.state().db, &server_config).await.expect("the demo data loads");
            }
            let started =
                (format!("http://{}", server.local_addr()), server.state().clone(), server.sessions().clone());
            let _ = ready_tx.send(started);
            let _ = server
                .run_until(async move {
                    let _ = stop_rx.await;
                })
                .await;
        });
    });
    let (base, state, sessions) = ready_rx.await.expect("the test server starts");
    let db = state.db.clone();
    TestApp { base, db, config, state, sessions, shutdown: Some(stop_tx) }
}

/// One seeded server per backend for this test binary, on a runtime of its own so it outlives any
/// single test. Only for tests that do not change data.
pub fn shared(backend: Backend) -> &'static str {
    static SQLITE: OnceLock<String> = OnceLock::new();
    static POSTGRES: OnceLock<String> = OnceLock::new();
    let cell = match backend {
        Backend::Sqlite => &SQLITE,
        Backend::Postgres => &POSTGRES,
    };
    cell.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async move {
                let mut app = spawn_seeded(backend).await;
                tx.send(app.base.clone()).unwrap();
                // Keep serving until the test process exits.
                let _keep = app.shutdown.take();
                std::future::pending::<()>().await;
            });
        });
        rx.recv().expect("the shared test server starts")
    })
}

pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    /// The `Location` a redirect names, or nothing.
    pub fn location(&self) -> String {
        self.headers.get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default()
    }

    /// Where a redirect leads, as a path of the site (a refused plain form's redirect names the
    /// whole referring URL).
    pub fn redirect_path(&self) -> String {
        let location = self.location();
        match location.find("://") {
            Some(at) => {
                location[at + 3..].find('/').map_or("/".to_owned(), |slash| location[at + 3 + slash..].to_owned())
            }
            None => location,
        }
    }
}

/// GETs `path` from `base` without following redirects.
pub async fn get(base: &str, path: &str) -> Page {
    // A client per call: a pooled connection belongs to the runtime of the test that opened it.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = client.get(format!("{base}{path}")).send().await.unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    Page { status, headers, body }
}

/// What the server at `address` (`host:port`) answers to `head`, written to the socket as it is
/// (no client library to normalise the path or fix the head), read until the server closes.
pub async fn raw_answer(address: &str, head: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(30), socket.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// The status and `Location` of a GET of `path` sent exactly as written (a client library would
/// resolve its `.` and `..` segments first, as browsers do).
pub async fn get_as_written(base: &str, path: &str) -> (u16, Option<String>) {
    let address = base.trim_start_matches("http://");
    let answer =
        raw_answer(address, &format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n")).await;
    let status = answer.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    let location = answer
        .lines()
        .take_while(|line| !line.is_empty())
        .find_map(|line| line.strip_prefix("location: ").or_else(|| line.strip_prefix("Location: ")))
        .map(str::to_owned);
    (status, location)
}

/// Declares each story once and runs it on both backends: `mod sqlite { fn story() }` and
/// `mod postgres { fn story() }`, each calling `story(Backend::...)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $story() { super::$story($crate::common::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $story() { super::$story($crate::common::Backend::Postgres).await })*
        }
    };
}

/// Session rows in the store's table (tower-sessions names it differently per backend).
pub async fn stored_sessions(app: &TestApp) -> i64 {
    let sql = match app.db {
        Db::Sqlite { .. } => "SELECT COUNT(*) FROM tower_sessions",
        Db::Postgres(_) => "SELECT COUNT(*) FROM tower_sessions.session",
    };
    tienda::server::db::with_reader!(app.db.reader(), pool => sqlx::query_scalar(sql).fetch_one(pool).await).unwrap()
}

/// Runs the futures at once, each on its own task (so on the runtime's threads in parallel), and
/// collects their outputs in order.
pub async fn all_at_once<F: std::future::Future<Output = u16> + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<u16> {
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}
