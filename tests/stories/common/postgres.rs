//! A throwaway PostgreSQL cluster for the tests, started on first use.
//!
//! Set `TIENDA_TEST_POSTGRES_URL` (a URL whose user may create databases) to use an existing server
//! instead. Otherwise `initdb` makes a cluster in a temporary directory and `postgres` serves it on
//! a free port; it is told to stop when this test process exits (`setpriv --pdeathsig`), and the
//! next run removes directories that dead runs left behind.

use sqlx::{Connection, Executor, PgConnection};
use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::Command,
    sync::{
        atomic::{AtomicU32, Ordering},
        OnceLock,
    },
    time::{Duration, Instant},
};

const DIR_PREFIX: &str = "tienda-pg-";

/// A URL to a new, empty database on the test cluster.
pub async fn fresh_database() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let admin_url = admin_url();
    let name = format!("tienda_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let mut admin = PgConnection::connect(admin_url).await.expect("connect to the test cluster");
    admin.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create a test database");
    let mut url = url::Url::parse(admin_url).expect("a valid admin URL");
    url.set_path(&name);
    url.to_string()
}

fn admin_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| std::env::var("TIENDA_TEST_POSTGRES_URL").unwrap_or_else(|_| start_cluster()))
}

fn start_cluster() -> String {
    super::remove_dirs_of_dead_runs(DIR_PREFIX);
    let dir = std::env::temp_dir().join(format!("{DIR_PREFIX}{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the cluster directory");
    let as_root = is_root();
    if as_root {
        // PostgreSQL refuses to run as root; the cluster belongs to the `postgres` user.
        run(Command::new("chown").args(["postgres:postgres"]).arg(&dir));
    }
    let data = dir.join("data");
    let mut initdb = command(as_root, &pg_binary("initdb"));
    initdb.arg("-D").arg(&data).args(["-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
    run(&mut initdb);

    let port = free_port();
    let mut postgres = command(as_root, &pg_binary("postgres"));
    postgres.arg("-D").arg(&data).arg("-k").arg(&dir).args(["-p", &port.to_string()]).args([
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
        "-c",
        "max_connections=300",
    ]);
    // The thread that starts postgres must live as long as the process: the death signal is tied
    // to it. It waits on postgres, which it never sees exit while tests run.
    let log = std::fs::File::create(dir.join("postgres.log")).expect("create the cluster log");
    postgres.stdout(log.try_clone().unwrap()).stderr(log);
    std::thread::spawn(move || {
        let mut child = postgres.spawn().expect("start postgres");
        let _ = child.wait();
    });
    wait_for_port(port, &dir);
    format!("postgres://postgres@127.0.0.1:{port}/postgres")
}

/// `setpriv` starts the program with a death signal (and as `postgres` when we are root).
fn command(as_root: bool, program: &Path) -> Command {
    let mut command = Command::new("setpriv");
    if as_root {
        command.args(["--reuid=postgres", "--regid=postgres", "--init-groups"]);
    }
    command.arg("--pdeathsig=TERM").arg(program);
    command
}

/// PostgreSQL's server programs: on PATH, or in Debian's versioned directory.
fn pg_binary(name: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|path| path.is_file());
    if let Some(path) = on_path {
        return path;
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.path().join("bin").join(name)).collect())
        .unwrap_or_default();
    versions.sort();
    versions.pop().filter(|p| p.is_file()).unwrap_or_else(|| {
        panic!(
            "{name} not found: install PostgreSQL (Debian: apt-get install postgresql) or set TIENDA_TEST_POSTGRES_URL"
        )
    })
}

fn run(command: &mut Command) {
    let output = command.output().unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Waits until the server accepts sessions, not merely connections: while it starts up (longer on
/// a busy machine) its port is open and every session is refused with "starting up".
fn wait_for_port(port: u16, dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let ready = || {
        Command::new(pg_binary("pg_isready"))
            .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres"])
            .status()
            .is_ok_and(|status| status.success())
    };
    while Instant::now() < deadline {
        if ready() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = std::fs::read_to_string(dir.join("postgres.log")).unwrap_or_default();
    panic!("the test PostgreSQL did not start within 60 s:\n{log}");
}
