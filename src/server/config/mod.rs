//! Runtime settings: `Leptos.toml` (the app's own settings file), overridden by environment variables.
//!
//! cargo-leptos reads its build settings from `Cargo.toml`; nothing else reads `Leptos.toml`.
//! Every problem is reported as one sentence, so start-up can print it and exit.

mod auth;
mod mail;

use crate::model::money::Currency;
pub use auth::{AuthConfig, Mode, Secret, Secrets};
pub use mail::{MailConfig, SmtpTls};
use serde::Deserialize;
use std::{fmt, net::IpAddr, path::PathBuf};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub cache: CacheConfig,
    pub log: LogConfig,
    pub media: MediaConfig,
    pub auth: AuthConfig,
    pub api: ApiConfig,
    pub store: StoreConfig,
    pub jobs: JobsConfig,
    pub mail: MailConfig,
    pub backup: BackupConfig,
    /// From the environment only (see [`Secrets`]).
    #[serde(skip)]
    pub secrets: Secrets,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub mode: Mode,
    pub host: IpAddr,
    pub port: u16,
    /// The public origin (scheme, host, port), used for canonical URLs, sitemaps and structured data.
    pub site_url: String,
    /// Where cargo-leptos put the compiled site (`pkg/`, copied `public/` files).
    pub site_root: PathBuf,
    /// How long in-flight requests may take to finish after SIGTERM/SIGINT.
    pub shutdown_grace_secs: u64,
    /// Connections served at once (also kept below the process's open-file limit); further
    /// clients wait in the kernel's queue until one closes.
    pub max_connections: usize,
    /// How long a client has to send a request's headers, counted from when the server starts
    /// waiting for them; it is also how long an idle keep-alive connection stays open.
    pub header_timeout_secs: u64,
}

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://path/to/file.db` or `postgres://user:pass@host/db`.
    pub url: String,
    pub max_connections: u32,
    /// How long a request waits for a connection (and PostgreSQL for its first connect).
    pub connect_timeout_secs: u64,
    /// SQLite's `synchronous` setting: `full` (the default) keeps every acknowledged write
    /// through a power loss; `normal` is faster but may lose the last writes if the machine
    /// (not just the process) goes down.
    pub sqlite_synchronous: SqliteSynchronousSetting,
    /// How much of a SQLite database file each connection reads through a memory map (SQLite's
    /// `mmap_size`), in MB; 0 reads every page with a system call into the connection's own
    /// page cache. See `db::connect` for why it is on.
    pub sqlite_mmap_mb: u64,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSynchronousSetting {
    #[default]
    Full,
    Normal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheConfig {
    /// How long a catalog read may be served from memory; 0 turns the cache off.
    pub ttl_secs: u64,
    /// The memory all cached catalog answers may take together, in bytes (estimated per entry).
    pub max_bytes: u64,
    /// The memory cached rendered pages may take together, in bytes.
    pub page_max_bytes: u64,
    /// No longer used (a count of entries bounds nothing when entries differ a thousandfold in
    /// size): `max_bytes` replaced it. Still accepted, so an older settings file loads; start-up
    /// warns.
    pub max_entries: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// A tracing filter, e.g. `info,tienda=debug`.
    pub filter: String,
    /// `pretty` for people, `json` for log collectors.
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaConfig {
    /// Where product and category images live; served under `/media/`.
    pub dir: PathBuf,
    /// Where jobs keep the files they make for someone (exports): never served as it is, only
    /// through the download handler that checks who asks. Shared by every node, like `dir`.
    pub private_dir: PathBuf,
    /// The largest file an upload may carry.
    pub max_upload_bytes: u64,
    /// Where pages may load catalog images from besides this site, as Content-Security-Policy
    /// sources (`https:` allows any HTTPS host, since product images may be links elsewhere;
    /// list hosts, e.g. `https://cdn.example.com https://i.imgur.com`, to narrow it).
    pub image_sources: String,
}

/// What the store sells in.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// Every price is in this currency (ISO 4217: USD, EUR, MXN…). Each order records the currency
    /// it was placed in, so changing this later relabels the catalog's prices (they are not
    /// converted) but not the orders already placed.
    pub currency: Currency,
}

/// More workers than this would only wait for database connections.
const MAX_JOB_WORKERS: usize = 64;

/// The task queue's workers (see docs/jobs.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsConfig {
    /// Workers `tienda serve` runs beside the web server; 0 leaves the jobs to `tienda worker`
    /// processes (the dedicated task server). `tienda worker` runs this many too, at least one.
    pub workers: usize,
    /// How often an idle worker looks for due jobs and scheduled work, in milliseconds.
    pub poll_ms: u64,
    /// How long a claimed job stays the worker's without a heartbeat (the worker renews it every
    /// third of this): after a worker dies, its job runs again elsewhere this long after.
    pub lease_secs: u64,
    /// The wait before the first retry of a failed job, in milliseconds; it doubles with each
    /// attempt (at most an hour), with jitter.
    pub retry_base_ms: u64,
    /// How long running jobs may take to finish at shutdown before they are handed back to the
    /// queue (another worker starts them again).
    pub shutdown_grace_secs: u64,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self { workers: 2, poll_ms: 1_000, lease_secs: 30, retry_base_ms: 30_000, shutdown_grace_secs: 10 }
    }
}

/// Nightly backups (see docs/jobs.md): a ZIP of the database and the media files, made by a
/// scheduled job.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupConfig {
    /// Where nightly backups are kept: a folder every node that runs workers shares, and one
    /// worth copying off the machine.
    pub dir: PathBuf,
    /// How many nightly backups are kept (the oldest go); 0 turns nightly backups off.
    pub keep: usize,
    /// The hour of the day (UTC, 0–23) at which the nightly backup runs.
    pub hour: u32,
}

impl Default for BackupConfig {
    fn default() -> Self {
        Self { dir: "data/backups".into(), keep: 7, hour: 3 }
    }
}

/// The REST API under `/api/v1`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    /// Opens catalog writes (products, categories) to callers without a token, as the upstream
    /// Fake Store API does, for classrooms. Anyone who can reach the server can then change or
    /// delete the whole catalog: never turn it on for a real store.
    pub playground: bool,
    /// Writes (and sign-ins) one client may make per minute before getting 429.
    pub writes_per_minute: u32,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self { playground: false, writes_per_minute: 120 }
    }
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self { ttl_secs: 30, max_bytes: 64 * 1024 * 1024, page_max_bytes: 32 * 1024 * 1024, max_entries: None }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { filter: "info".into(), format: LogFormat::Pretty }
    }
}

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            dir: "data/media".into(),
            private_dir: "data/private".into(),
            max_upload_bytes: 5 * 1024 * 1024,
            image_sources: "https:".into(),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            mode: Mode::default(),
            host: [127, 0, 0, 1].into(),
            port: 3000,
            site_url: "http://127.0.0.1:3000".into(),
            site_root: "target/site".into(),
            shutdown_grace_secs: 10,
            max_connections: 10_000,
            header_timeout_secs: 10,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: "sqlite://data/tienda.db".into(),
            max_connections: 8,
            connect_timeout_secs: 5,
            sqlite_synchronous: SqliteSynchronousSetting::Full,
            sqlite_mmap_mb: 256,
        }
    }
}

/// The database URL may hold a password: show it with the password blanked out.
impl fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &redact_url(&self.url))
            .field("max_connections", &self.max_connections)
            .field("connect_timeout_secs", &self.connect_timeout_secs)
            .field("sqlite_synchronous", &self.sqlite_synchronous)
            .field("sqlite_mmap_mb", &self.sqlite_mmap_mb)
            .finish()
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => raw.to_owned(),
        Err(_) => "<unparseable URL>".to_owned(),
    }
}

/// Uploads are held in memory while they are checked; larger ones belong in object storage.
const MAX_UPLOAD_BYTES: u64 = 100 * 1024 * 1024;

/// SQLite maps at most this much of a file (its build's `SQLITE_MAX_MMAP_SIZE`, 0x7fff0000 bytes)
/// and would quietly map less than a larger setting asks for.
const MAX_SQLITE_MMAP_MB: u64 = 2_047;

/// Longer-lived caches would hide catalog changes made by another node for too long.
const MAX_CACHE_TTL_SECS: u64 = 86_400;

/// A setting the environment can override: its variable, its place in `Leptos.toml`, and how a
/// value is applied. The variables are documented in `docs/configuration.md` (a test checks that
/// each one is).
pub struct EnvSetting {
    pub variable: &'static str,
    pub key: &'static str,
    apply: fn(&mut Config, &str) -> Result<(), String>,
}

/// Every setting the environment can override; the one list the loader reads.
pub const ENV_SETTINGS: &[EnvSetting] = &[
    setting("DATABASE_URL", "database.url", |c, v| set(&mut c.database.url, v.into())),
    setting("TIENDA_HOST", "server.host", |c, v| set(&mut c.server.host, parse(v)?)),
    setting("TIENDA_PORT", "server.port", |c, v| set(&mut c.server.port, parse(v)?)),
    setting("TIENDA_SITE_URL", "server.site_url", |c, v| set(&mut c.server.site_url, v.into())),
    setting("TIENDA_SITE_ROOT", "server.site_root", |c, v| set(&mut c.server.site_root, v.into())),
    setting("TIENDA_MODE", "server.mode", |c, v| {
        set(&mut c.server.mode, choice(v, &[("demo", Mode::Demo), ("production", Mode::Production)])?)
    }),
    setting("TIENDA_MAX_CONNECTIONS", "server.max_connections", |c, v| set(&mut c.server.max_connections, parse(v)?)),
    setting("TIENDA_HEADER_TIMEOUT_SECS", "server.header_timeout_secs", |c, v| {
        set(&mut c.server.header_timeout_secs, parse(v)?)
    }),
    setting("TIENDA_DB_MAX_CONNECTIONS", "database.max_connections", |c, v| {
        set(&mut c.database.max_connections, parse(v)?)
    }),
    setting("TIENDA_SQLITE_SYNCHRONOUS", "database.sqlite_synchronous", |c, v| {
        let options = [("full", SqliteSynchronousSetting::Full), ("normal", SqliteSynchronousSetting::Normal)];
        set(&mut c.database.sqlite_synchronous, choice(v, &options)?)
    }),
    setting("TIENDA_SQLITE_MMAP_MB", "database.sqlite_mmap_mb", |c, v| set(&mut c.database.sqlite_mmap_mb, parse(v)?)),
    setting("TIENDA_CACHE_TTL_SECS", "cache.ttl_secs", |c, v| set(&mut c.cache.ttl_secs, parse(v)?)),
    setting("TIENDA_CACHE_MAX_BYTES", "cache.max_bytes", |c, v| set(&mut c.cache.max_bytes, parse(v)?)),
    setting("TIENDA_PAGE_CACHE_MAX_BYTES", "cache.page_max_bytes", |c, v| set(&mut c.cache.page_max_bytes, parse(v)?)),
    setting("TIENDA_LOG", "log.filter", |c, v| set(&mut c.log.filter, v.into())),
    setting("TIENDA_LOG_FORMAT", "log.format", |c, v| {
        set(&mut c.log.format, choice(v, &[("pretty", LogFormat::Pretty), ("json", LogFormat::Json)])?)
    }),
    setting("TIENDA_MEDIA_DIR", "media.dir", |c, v| set(&mut c.media.dir, v.into())),
    setting("TIENDA_PRIVATE_DIR", "media.private_dir", |c, v| set(&mut c.media.private_dir, v.into())),
    setting("TIENDA_MAX_UPLOAD_BYTES", "media.max_upload_bytes", |c, v| set(&mut c.media.max_upload_bytes, parse(v)?)),
    setting("TIENDA_IMAGE_SOURCES", "media.image_sources", |c, v| set(&mut c.media.image_sources, v.into())),
    setting("TIENDA_SESSION_IDLE_MINS", "auth.session_idle_mins", |c, v| set(&mut c.auth.session_idle_mins, parse(v)?)),
    setting("TIENDA_MAX_FAILED_LOGINS", "auth.max_failed_logins", |c, v| set(&mut c.auth.max_failed_logins, parse(v)?)),
    setting("TIENDA_LOCKOUT_SECS", "auth.lockout_secs", |c, v| set(&mut c.auth.lockout_secs, parse(v)?)),
    setting("TIENDA_TRUST_FORWARDED_FOR", "auth.trust_forwarded_for", |c, v| {
        set(&mut c.auth.trust_forwarded_for, parse(v)?)
    }),
    setting("TIENDA_SIGNUPS_PER_CLIENT_PER_HOUR", "auth.signups_per_client_per_hour", |c, v| {
        set(&mut c.auth.signups_per_client_per_hour, parse(v)?)
    }),
    setting("TIENDA_ACCESS_TOKEN_MINS", "auth.access_token_mins", |c, v| set(&mut c.auth.access_token_mins, parse(v)?)),
    setting("TIENDA_REFRESH_TOKEN_DAYS", "auth.refresh_token_days", |c, v| {
        set(&mut c.auth.refresh_token_days, parse(v)?)
    }),
    setting("TIENDA_CURRENCY", "store.currency", |c, v| set(&mut c.store.currency, currency(v)?)),
    setting("TIENDA_JOB_WORKERS", "jobs.workers", |c, v| set(&mut c.jobs.workers, parse(v)?)),
    setting("TIENDA_JOB_POLL_MS", "jobs.poll_ms", |c, v| set(&mut c.jobs.poll_ms, parse(v)?)),
    setting("TIENDA_JOB_LEASE_SECS", "jobs.lease_secs", |c, v| set(&mut c.jobs.lease_secs, parse(v)?)),
    setting("TIENDA_JOB_RETRY_BASE_MS", "jobs.retry_base_ms", |c, v| set(&mut c.jobs.retry_base_ms, parse(v)?)),
    setting("TIENDA_BACKUP_DIR", "backup.dir", |c, v| set(&mut c.backup.dir, v.into())),
    setting("TIENDA_BACKUP_KEEP", "backup.keep", |c, v| set(&mut c.backup.keep, parse(v)?)),
    setting("TIENDA_BACKUP_HOUR", "backup.hour", |c, v| set(&mut c.backup.hour, parse(v)?)),
    setting("TIENDA_SMTP_HOST", "mail.smtp_host", |c, v| set(&mut c.mail.smtp_host, v.into())),
    setting("TIENDA_SMTP_PORT", "mail.smtp_port", |c, v| set(&mut c.mail.smtp_port, parse(v)?)),
    setting("TIENDA_SMTP_TLS", "mail.smtp_tls", |c, v| {
        set(
            &mut c.mail.smtp_tls,
            choice(v, &[("starttls", SmtpTls::Starttls), ("tls", SmtpTls::Tls), ("none", SmtpTls::None)])?,
        )
    }),
    setting("TIENDA_SMTP_USERNAME", "mail.smtp_username", |c, v| set(&mut c.mail.smtp_username, v.into())),
    setting("TIENDA_MAIL_FROM", "mail.from", |c, v| set(&mut c.mail.from, v.into())),
    setting("TIENDA_MAIL_OUTBOX", "mail.outbox_dir", |c, v| set(&mut c.mail.outbox_dir, v.into())),
    setting("TIENDA_API_PLAYGROUND", "api.playground", |c, v| set(&mut c.api.playground, parse(v)?)),
    setting("TIENDA_API_WRITES_PER_MINUTE", "api.writes_per_minute", |c, v| {
        set(&mut c.api.writes_per_minute, parse(v)?)
    }),
];

const fn setting(
    variable: &'static str,
    key: &'static str,
    apply: fn(&mut Config, &str) -> Result<(), String>,
) -> EnvSetting {
    EnvSetting { variable, key, apply }
}

fn set<T>(field: &mut T, value: T) -> Result<(), String> {
    *field = value;
    Ok(())
}

fn parse<T: std::str::FromStr>(value: &str) -> Result<T, String>
where
    T::Err: fmt::Display,
{
    value.parse().map_err(|e: T::Err| e.to_string())
}

/// One of a few words (`pretty` or `json`); anything else names the words.
fn choice<T: Copy>(value: &str, options: &[(&str, T)]) -> Result<T, String> {
    match options.iter().find(|(word, _)| *word == value) {
        Some((_, chosen)) => Ok(*chosen),
        None => Err(format!("expected {}", options.iter().map(|(word, _)| *word).collect::<Vec<_>>().join(" or "))),
    }
}

fn currency(value: &str) -> Result<Currency, String> {
    Currency::from_code(value).ok_or_else(|| {
        let codes: Vec<&str> = Currency::ALL.iter().map(|c| c.code()).collect();
        format!("expected one of {}", codes.join(", "))
    })
}

impl Config {
    /// Reads `path` (a missing file means all defaults), then applies the environment.
    pub fn load(path: &std::path::Path, env: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut config = match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str::<Config>(&text).map_err(|e| {
                // toml's messages can span lines; the operator gets one sentence.
                let reason = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
                let line = e.span().map(|span| text[..span.start].lines().count().max(1));
                let at = line.map(|n| format!(" at line {n}")).unwrap_or_default();
                format!("{} is malformed{at}: {}.", path.display(), reason.trim_end_matches('.'))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(e) => return Err(format!("cannot read {}: {e}.", path.display())),
        };
        for setting in ENV_SETTINGS {
            if let Some(value) = env(setting.variable).filter(|v| !v.is_empty()) {
                (setting.apply)(&mut config, &value)
                    .map_err(|why| format!("{}={value:?} is invalid: {why}.", setting.variable))?;
            }
        }
        config.server.site_url = config.server.site_url.trim_end_matches('/').to_owned();
        config.secrets = Secrets::from_env(&env);
        config.validate()?;
        Ok(config)
    }

    /// Cookies get the `Secure` flag when the store is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.server.site_url.starts_with("https://")
    }

    /// Rules a value's type cannot express, each failing with one sentence.
    fn validate(&self) -> Result<(), String> {
        let site = url::Url::parse(&self.server.site_url).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
        if site.is_none() {
            return Err(format!("server.site_url {:?} must be an http:// or https:// URL.", self.server.site_url));
        }
        if self.database.max_connections == 0 {
            return Err("database.max_connections must be at least 1.".into());
        }
        if self.database.sqlite_mmap_mb > MAX_SQLITE_MMAP_MB {
            return Err(format!("database.sqlite_mmap_mb must be at most {MAX_SQLITE_MMAP_MB} (SQLite maps no more)."));
        }
        if self.cache.ttl_secs > MAX_CACHE_TTL_SECS {
            return Err(format!("cache.ttl_secs must be at most {MAX_CACHE_TTL_SECS} (one day)."));
        }
        if self.media.max_upload_bytes == 0 || self.media.max_upload_bytes > MAX_UPLOAD_BYTES {
            return Err(format!("media.max_upload_bytes must be between 1 and {MAX_UPLOAD_BYTES} (100 MB)."));
        }
        let auth = &self.auth;
        if auth.session_idle_mins == 0 || auth.access_token_mins == 0 || auth.refresh_token_days == 0 {
            return Err(
                "auth.session_idle_mins, auth.access_token_mins and auth.refresh_token_days must be at least 1.".into(),
            );
        }
        if auth.max_failed_logins == 0 || auth.max_failed_logins_per_client == 0 {
            return Err("auth.max_failed_logins and auth.max_failed_logins_per_client must be at least 1.".into());
        }
        if self.server.max_connections == 0 || self.server.header_timeout_secs == 0 {
            return Err("server.max_connections and server.header_timeout_secs must be at least 1.".into());
        }
        if self.auth.signups_per_client_per_hour == 0 {
            return Err("auth.signups_per_client_per_hour must be at least 1.".into());
        }
        let sources_ok = self
            .media
            .image_sources
            .split_whitespace()
            .all(|source| source.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b';' | b',' | b'\'' | b'"')));
        if !sources_ok {
            return Err(format!(
                "media.image_sources {:?} must be Content-Security-Policy sources separated by spaces, such as \"https:\" or \"https://cdn.example.com\".",
                self.media.image_sources
            ));
        }
        if self.api.writes_per_minute == 0 {
            return Err("api.writes_per_minute must be at least 1.".into());
        }
        self.mail.validate()?;
        let jobs = &self.jobs;
        if jobs.workers > MAX_JOB_WORKERS {
            return Err(format!("jobs.workers must be at most {MAX_JOB_WORKERS}."));
        }
        if !(50..=60_000).contains(&jobs.poll_ms) || !(1..=3_600).contains(&jobs.lease_secs) {
            return Err("jobs.poll_ms must be between 50 and 60000, and jobs.lease_secs between 1 and 3600.".into());
        }
        if !(10..=3_600_000).contains(&jobs.retry_base_ms) {
            return Err("jobs.retry_base_ms must be between 10 and 3600000 (an hour).".into());
        }
        if self.backup.hour > 23 || self.backup.keep > 1_000 {
            return Err("backup.hour must be between 0 and 23, and backup.keep at most 1000.".into());
        }
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&self.log.filter) {
            return Err(format!("log.filter {:?} is not a valid filter: {e}.", self.log.filter));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
