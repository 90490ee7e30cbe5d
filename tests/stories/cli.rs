//! The `tienda` binary as an operator meets it: subcommands, start-up errors, shutdown.

use crate::common;

use std::{
    net::TcpListener,
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

fn tienda(envs: &[(&str, &str)], args: &[&str]) -> Output {
    let dir = common::scratch_dir("cli");
    let child = Command::new(env!("CARGO_BIN_EXE_tienda"))
        .args(args)
        .env("TIENDA_CONFIG", dir.join("absent.toml"))
        .env("TIENDA_MEDIA_DIR", dir.join("media"))
        .env("DATABASE_URL", format!("sqlite://{}", dir.join("t.db").display()))
        .env("TIENDA_LOG", "warn")
        .env("TIENDA_MODE", "demo")
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tienda");
    finish_within(child, Duration::from_secs(30))
}

/// Waits for `child`; a command that should have ended but did not (a server that started when
/// it should have refused to) is killed and fails the test instead of hanging it.
fn finish_within(mut child: std::process::Child, limit: Duration) -> Output {
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("tienda did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// A failed start prints one sentence on stderr and exits non-zero.
fn assert_one_sentence_failure(output: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "should fail: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    assert!(stderr.contains(expected), "{stderr:?} should contain {expected:?}");
}

#[test]
fn a_database_url_of_another_kind_is_refused() {
    let output = tienda(&[("DATABASE_URL", "mysql://root@localhost/shop")], &["migrate"]);
    assert_one_sentence_failure(&output, "DATABASE_URL must start with sqlite:// or postgres://");
}

#[test]
fn an_in_memory_sqlite_is_refused() {
    let output = tienda(&[("DATABASE_URL", "sqlite::memory:")], &["serve"]);
    assert_one_sentence_failure(&output, "an in-memory SQLite database cannot be shared");
}

#[test]
fn an_unreachable_postgres_is_named_without_its_password() {
    let closed_port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("postgres://shop:hunter2@127.0.0.1:{closed_port}/shop");
    let output = tienda(&[("DATABASE_URL", &url)], &["serve"]);
    assert_one_sentence_failure(&output, &format!("cannot reach PostgreSQL at 127.0.0.1:{closed_port}"));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("hunter2"), "the password is never printed");
}

#[test]
fn a_port_in_use_is_reported() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = tienda(&[("TIENDA_PORT", &port)], &["serve"]);
    assert_one_sentence_failure(&output, &format!("port {port} on 127.0.0.1 is already in use"));
}

#[test]
fn a_malformed_settings_file_is_reported() {
    let dir = common::scratch_dir("cli-toml");
    let path = dir.join("Leptos.toml");
    std::fs::write(&path, "[server]\nport = \"eighty\"\n").unwrap();
    let output = tienda(&[("TIENDA_CONFIG", path.to_str().unwrap())], &["serve"]);
    assert_one_sentence_failure(&output, "Leptos.toml is malformed");
    let output = tienda(&[("TIENDA_PORT", "99999")], &["serve"]);
    assert_one_sentence_failure(&output, "TIENDA_PORT=\"99999\" is invalid");
}

#[test]
fn migrate_and_seed_are_repeatable() {
    let dir = common::scratch_dir("cli-seed");
    let db = format!("sqlite://{}", dir.join("shop.db").display());
    let media = dir.join("media");
    let env = [("DATABASE_URL", db.as_str()), ("TIENDA_MEDIA_DIR", media.to_str().unwrap())];
    let migrate = tienda(&env, &["migrate"]);
    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));
    assert!(dir.join("shop.db").exists(), "the SQLite file is created on first use");

    let first = tienda(&env, &["seed"]);
    assert_eq!(
        String::from_utf8_lossy(&first.stdout).trim(),
        "seeded sqlite: 5 categories, 51 products, 3 users and 10 store locations added"
    );
    let again = tienda(&env, &["seed"]);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout).trim(),
        "seeded sqlite: 0 categories, 0 products, 0 users and 0 store locations added"
    );
    assert!(media.join("demo/solid-oak-coffee-table-1.svg").exists(), "demo images are written");

    // A generated catalog for benchmarks: added once, bounded.
    let generated = tienda(&env, &["seed", "--products", "500"]);
    let stdout = String::from_utf8_lossy(&generated.stdout);
    assert_eq!(stdout.lines().last(), Some("generated products 1 to 500: 500 added"), "{stdout}");
    let again = tienda(&env, &["seed", "--products", "500"]);
    assert_eq!(String::from_utf8_lossy(&again.stdout).lines().last(), Some("generated products 1 to 500: 0 added"));
    let absurd = tienda(&env, &["seed", "--products", "2000000"]);
    assert_one_sentence_failure(&absurd, "--products: at most 1000000");
    for garbage in ["-5", "0", "many"] {
        let refused = tienda(&env, &["seed", "--products", garbage]);
        assert!(!refused.status.success(), "--products {garbage} is refused");
    }
}

#[test]
fn serve_answers_probes_and_stops_cleanly_on_sigterm() {
    let dir = common::scratch_dir("cli-serve");
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tienda"))
        .arg("serve")
        .env("TIENDA_CONFIG", dir.join("absent.toml"))
        .env("DATABASE_URL", format!("sqlite://{}", dir.join("t.db").display()))
        .env("TIENDA_PORT", port.to_string())
        .env("TIENDA_LOG", "warn")
        .env("TIENDA_MODE", "demo")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let ready = loop {
        if let Ok(status) = http_status(port, "/readyz") {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(ready, 200);
    assert_eq!(http_status(port, "/products").unwrap(), 200, "an empty catalog still renders");

    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "a clean exit after SIGTERM: {status:?}");
    // The log is on standard output (tracing's default), and short at `warn`: the pipe cannot fill.
    let mut log = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut log).unwrap();
    assert!(!log.contains("ERROR"), "a start, a page and a stop log no error:\n{log}");
}

/// A minimal HTTP/1.1 GET, so this test needs no async runtime.
fn http_status(port: u16, path: &str) -> std::io::Result<u16> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other("not an HTTP response"))
}

#[test]
fn production_mode_needs_real_token_keys_and_refuses_demo_data() {
    let production = [("TIENDA_MODE", "production")];
    let output = tienda(&production, &["serve"]);
    assert_one_sentence_failure(&output, "TIENDA_JWT_ACCESS_SECRET must be set in production mode");
    let short =
        [("TIENDA_MODE", "production"), ("TIENDA_JWT_ACCESS_SECRET", "short"), ("TIENDA_JWT_REFRESH_SECRET", "x")];
    assert_one_sentence_failure(&tienda(&short, &["serve"]), "must be at least 32 bytes long");
    let seed = tienda(&production, &["seed"]);
    assert_one_sentence_failure(&seed, "demo data (with its well-known passwords) is refused in production mode");
}

#[test]
fn create_admin_makes_a_real_admin_with_a_checked_password() {
    let dir = common::scratch_dir("cli-admin");
    let db = format!("sqlite://{}", dir.join("shop.db").display());
    let env = [("DATABASE_URL", db.as_str()), ("TIENDA_MODE", "production")];
    let weak = [env[0], env[1], ("TIENDA_ADMIN_PASSWORD", "short")];
    let refused = tienda(&weak, &["create-admin", "--email", "Boss@Shop.example"]);
    assert_one_sentence_failure(&refused, "cannot create the admin (password: TooShort");

    let strong = [env[0], env[1], ("TIENDA_ADMIN_PASSWORD", "a long admin passphrase")];
    let created = tienda(&strong, &["create-admin", "--email", "Boss@Shop.example", "--name", "Boss"]);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    assert_eq!(String::from_utf8_lossy(&created.stdout).trim(), "created admin boss@shop.example");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sql = |statement: &'static str| {
        runtime.block_on(async {
            let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
            sqlx::query(statement).execute(&pool).await.unwrap();
        })
    };
    // The way back for a store whose last admin was deactivated (or demoted): the command restores both.
    sql("UPDATE users SET active = FALSE, role = 'customer' WHERE email = 'boss@shop.example'");
    let again = tienda(&strong, &["create-admin", "--email", "boss@shop.example"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("is now an active admin with the new password"));

    let (role, active, hash): (String, bool, String) = runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
        sqlx::query_as("SELECT role, active, password_hash FROM users WHERE email = 'boss@shop.example'")
            .fetch_one(&pool)
            .await
            .unwrap()
    });
    assert_eq!((role.as_str(), active), ("admin", true));
    assert!(hash.starts_with("$argon2id$"));
}

#[test]
fn backup_and_restore_from_the_command_line() {
    let dir = common::scratch_dir("cli-backup");
    let at = |name: &str| dir.join(name).display().to_string();
    let (shop, copy) = (format!("sqlite://{}", at("shop.db")), format!("sqlite://{}", at("copy.db")));
    let (media, private, file) = (at("media"), at("private"), at("shop-backup.zip"));
    let env = |db: &'static str| -> Vec<(&str, String)> {
        let url = if db == "shop" { shop.clone() } else { copy.clone() };
        let media = if db == "shop" { media.clone() } else { at("copy-media") };
        vec![("DATABASE_URL", url), ("TIENDA_MEDIA_DIR", media), ("TIENDA_PRIVATE_DIR", private.clone())]
    };
    let run = |db: &'static str, args: &[&str]| {
        let env = env(db);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        tienda(&env, args)
    };
    assert!(run("shop", &["seed"]).status.success());

    let backup = run("shop", &["backup", &file]);
    let said = String::from_utf8_lossy(&backup.stdout);
    assert!(backup.status.success() && said.starts_with("backed up sqlite ("), "{said}");
    assert_one_sentence_failure(&run("shop", &["backup", &file]), "already exists");

    let restore = run("copy", &["restore", &file]);
    let said = String::from_utf8_lossy(&restore.stdout);
    assert!(restore.status.success(), "{}", String::from_utf8_lossy(&restore.stderr));
    assert!(said.contains("restored a sqlite backup into sqlite: users 3, categories 5, products 51"), "{said}");
    assert!(dir.join("copy-media/demo/solid-oak-coffee-table-1.svg").exists(), "the pictures come back");
    assert_one_sentence_failure(&run("copy", &["restore", &file]), "the database is not empty");
    assert_one_sentence_failure(&run("copy", &["restore", &at("absent.zip")]), "cannot open");
}
