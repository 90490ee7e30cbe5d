//! The `tienda` command line: one binary, one subcommand per job.

use crate::error::AppError;
use crate::server::{
    app::startup,
    app::telemetry,
    auth::session::DbSessionStore,
    config::{redact_url, Config},
    demo, jobs,
    mail::Mailer,
    services::{self, accounts},
};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "tienda", version, about = "An online store: storefront, back office and REST API")]
struct Cli {
    /// The settings file; environment variables override it (see docs/configuration.md).
    #[arg(long, env = "TIENDA_CONFIG", default_value = "Leptos.toml", global = true)]
    config: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the store (the default).
    Serve,
    /// Run job workers only, no web server: the dedicated task server (`jobs.workers` of them,
    /// at least one). Stops on SIGTERM or Ctrl-C, letting running jobs finish or handing them back.
    Worker,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Load the demo catalog, images and demo accounts (adds only what is missing; demo mode only).
    Seed {
        /// Also generate products numbered 1 to N in the demo's categories, for benchmarks and
        /// large demos (again only the missing ones; at most 1,000,000).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        products: Option<u64>,
    },
    /// Write a backup of the store (a consistent snapshot of the database, the media files and
    /// a manifest with checksums) to FILE, a ZIP that must not exist yet. The store may go on
    /// serving meanwhile.
    Backup { file: PathBuf },
    /// Load the backup FILE (from SQLite or PostgreSQL) into this configuration's database, which
    /// must be new or hold no catalog, accounts or orders, and its media files into media.dir.
    Restore { file: PathBuf },
    /// Create an admin account, or make an existing account an active admin with a new password.
    /// The password is read from TIENDA_ADMIN_PASSWORD, else from the first line of standard input.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Admin")]
        name: String,
    },
}

/// Runs the command line and returns the process exit code.
pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(&cli.config, |var| std::env::var(var).ok()) {
        Ok(config) => config,
        Err(message) => return fail(&message),
    };
    telemetry::init(&config.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(config).await,
            Command::Worker => worker(config).await,
            Command::Migrate => migrate(config).await,
            Command::Seed { products } => seed(config, products).await,
            Command::Backup { file } => backup(config, &file).await,
            Command::Restore { file } => restore(config, &file).await,
            Command::CreateAdmin { email, name } => create_admin(config, &email, &name).await,
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> std::process::ExitCode {
    eprintln!("tienda: {}", message.trim_end_matches('.'));
    std::process::ExitCode::FAILURE
}

async fn serve(config: Config) -> Result<(), String> {
    let database = redact_url(&config.database.url);
    let server = startup::Server::build(config).await.map_err(|e| e.to_string())?;
    tracing::info!(address = %server.local_addr(), %database, "Tienda is serving");
    server.run_until(startup::shutdown_signal()).await.map_err(|e| format!("the server stopped: {e}"))
}

async fn worker(config: Config) -> Result<(), String> {
    let database = redact_url(&config.database.url);
    let db = startup::open_database(&config).await.map_err(|e| e.to_string())?;
    let sessions =
        DbSessionStore::open(&db).await.map_err(|e| format!("cannot prepare sessions in the database: {e}"))?;
    let mailer = std::sync::Arc::new(Mailer::new(&config)?);
    tracing::info!(to = %mailer.describe(), "mail goes");
    let count = config.jobs.workers.max(1);
    let env = jobs::JobEnv { db: db.clone(), config: std::sync::Arc::new(config), sessions, mailer };
    let workers = startup::start_workers(env, count);
    tracing::info!(workers = count, %database, "Tienda is running jobs");
    startup::shutdown_signal().await;
    workers.stop().await;
    db.close().await;
    Ok(())
}

async fn migrate(config: Config) -> Result<(), String> {
    let db = startup::open_database(&config).await.map_err(|e| e.to_string())?;
    println!("migrations are up to date on {}", db.backend_name());
    db.close().await;
    Ok(())
}

async fn seed(config: Config, generated: Option<u64>) -> Result<(), String> {
    if generated.is_some_and(|count| count > demo::MAX_GENERATED_PRODUCTS) {
        return Err(format!("--products: at most {}", demo::MAX_GENERATED_PRODUCTS));
    }
    let db = startup::open_database(&config).await.map_err(|e| e.to_string())?;
    let report = demo::seed(&db, &config).await.map_err(|e| format!("{e:#}"))?;
    println!(
        "seeded {}: {} categories, {} products, {} users and {} store locations added",
        db.backend_name(),
        report.categories,
        report.products,
        report.users,
        report.stores
    );
    if let Some(count) = generated {
        let added = demo::seed_generated(&db, &config, count).await.map_err(|e| format!("{e:#}"))?;
        println!("generated products 1 to {count}: {added} added");
    }
    db.close().await;
    Ok(())
}

async fn backup(config: Config, file: &std::path::Path) -> Result<(), String> {
    let db = startup::open_database(&config).await.map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let outcome = services::backup::write_file(&db, &config, file).await;
    db.close().await;
    let made = outcome.map_err(|e| format!("no backup written: {e}"))?;
    println!(
        "backed up {} ({} rows, {} media files) to {} in {:.1} s",
        db.backend_name(),
        made.rows(),
        made.media_files(),
        file.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn restore(config: Config, file: &std::path::Path) -> Result<(), String> {
    let db = startup::open_database(&config).await.map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let outcome = services::backup::restore(&db, &config, file).await;
    db.close().await;
    let restored = outcome.map_err(|e| format!("nothing restored: {e}"))?;
    let tables: Vec<String> = restored.tables.iter().map(|(table, rows)| format!("{table} {rows}")).collect();
    println!(
        "restored a {} backup into {}: {}; {} media files; in {:.1} s",
        restored.from_backend,
        db.backend_name(),
        tables.join(", "),
        restored.media_files,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn create_admin(config: Config, email: &str, name: &str) -> Result<(), String> {
    let password = match std::env::var("TIENDA_ADMIN_PASSWORD") {
        Ok(password) if !password.is_empty() => password,
        _ => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map_err(|e| format!("cannot read the password: {e}"))?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let db = startup::open_database(&config).await.map_err(|e| e.to_string())?;
    let outcome = accounts::make_admin(&db, email, name, password).await;
    db.close().await;
    let email = crate::model::account::normalize_email(email).unwrap_or_else(|| email.to_owned());
    match outcome {
        Ok(true) => println!("created admin {email}"),
        Ok(false) => {
            println!("{email} is now an active admin with the new password; their sessions and tokens were ended")
        }
        Err(AppError::Validation(errors)) => {
            let problems: Vec<String> = errors.iter().map(|e| format!("{}: {:?}", e.field, e.issue)).collect();
            return Err(format!("cannot create the admin ({})", problems.join(", ")));
        }
        Err(other) => return Err(format!("cannot create the admin: {other}")),
    }
    Ok(())
}
