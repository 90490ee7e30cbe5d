//! Building and running the server: database, router, listener, graceful shutdown.

use crate::app::{shell, App};
use crate::components::front_end::FrontEndHead;
use crate::server::{
    app::{
        serve::{self, ConnectionLimits},
        state::{AppState, CatalogCache, SharedState},
    },
    auth::{
        jwt::TokenService,
        session::{self, DbSessionStore},
    },
    cache::TtlCache,
    config::Config,
    db::{self, health::DbHealth, Db},
    http::{
        body_limit, csp, csrf, downloads, endpoints, form_echo, guard, language, malformed, page_cache, pkg_files,
        request_scope, rpc_errors, static_files, unavailable,
    },
    jobs,
    mail::Mailer,
};
use axum::{
    http::{header, Extensions, HeaderMap, HeaderValue, Request, StatusCode, Version},
    response::IntoResponse,
    routing::get,
    Router,
};
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::{
    future::Future,
    net::SocketAddr,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, OnceLock,
    },
    time::Duration,
};
use tokio::net::TcpListener;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::{predicate::DefaultPredicate, CompressionLayer, Predicate},
    request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

/// New guest carts a client may start per minute (and at once): a shopper needs one; a shared
/// address (an office, a phone network) gets plenty.
const NEW_GUEST_CARTS_PER_MINUTE: u32 = 20;

/// A start-up failure, worded as one sentence for the operator.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] db::ConnectError),
    #[error("cannot apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Secrets(String),
    #[error("cannot prepare sessions in the database: {0}")]
    Accounts(#[from] sqlx::Error),
    #[error("{0}")]
    Mail(String),
    #[error(transparent)]
    TokenKeys(#[from] crate::server::auth::jwt::KeyError),
    #[error("port {port} on {host} is already in use: stop the other program or set TIENDA_PORT to a free port")]
    PortInUse { host: String, port: u16 },
    #[error("cannot listen on {addr}: {reason}")]
    Listen { addr: SocketAddr, reason: std::io::Error },
}

/// Connects to the database named by the configuration and applies pending migrations.
pub async fn open_database(config: &Config) -> Result<Db, StartupError> {
    let db = db::connect(&config.database).await?;
    db.migrate().await?;
    Ok(db)
}

/// A server that is bound and ready to run.
pub struct Server {
    state: AppState,
    sessions: DbSessionStore,
    mailer: Arc<Mailer>,
    listener: TcpListener,
}

impl Server {
    /// Opens the database, applies migrations and binds the port (port 0 picks a free one).
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        // Only the server signs tokens; the other commands run without the keys.
        config.secrets.validate(config.server.mode).map_err(StartupError::Secrets)?;
        let db = open_database(&config).await?;
        let addr = SocketAddr::new(config.server.host, config.server.port);
        let listener = TcpListener::bind(addr).await.map_err(|reason| match reason.kind() {
            std::io::ErrorKind::AddrInUse => StartupError::PortInUse { host: addr.ip().to_string(), port: addr.port() },
            _ => StartupError::Listen { addr, reason },
        })?;
        let leptos_options = LeptosOptions::builder()
            .output_name("tienda")
            .site_root(config.server.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .build();
        let pkg_files = pkg_files::find(&config.server.site_root.join("pkg"), &leptos_options.output_name);
        if config.cache.max_entries.is_some() {
            tracing::warn!("cache.max_entries is no longer used: the caches are bounded by cache.max_bytes");
        }
        let ttl = Duration::from_secs(config.cache.ttl_secs);
        let catalog_cache = Arc::new(CatalogCache::new(ttl, config.cache.max_bytes));
        let page_cache = Arc::new(TtlCache::new(ttl, config.cache.page_max_bytes, page_cache::CachedPage::weigh));
        let sessions = DbSessionStore::open(&db).await?;
        let tokens = Arc::new(TokenService::load(&db, &config).await?);
        if config.api.playground {
            tracing::warn!("api.playground is on: anyone who can reach /api/v1 can change the catalog");
        }
        let mailer = Arc::new(Mailer::new(&config).map_err(StartupError::Mail)?);
        let db_health = DbHealth::new(db.clone());
        let top_level_files = static_files::TopLevelFiles::read(&config.server.site_root);
        let state = AppState::new(SharedState {
            new_guest_carts: crate::server::rest::PerClientLimiter::per_minute(
                NEW_GUEST_CARTS_PER_MINUTE,
                config.auth.trust_forwarded_for,
            ),
            db,
            db_health,
            config: Arc::new(config),
            catalog_cache,
            page_cache,
            page_anchors: Default::default(),
            leptos_options,
            front_end: FrontEndHead::new(&pkg_files),
            top_level_files,
            tokens,
            sitemap_streams: Arc::new(tokio::sync::Semaphore::new(endpoints::PRODUCT_FILE_STREAMS)),
            live_renders: Default::default(),
        });
        Ok(Self { state, sessions, mailer, listener })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn sessions(&self) -> &DbSessionStore {
        &self.sessions
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish for up to the
    /// configured grace period.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let config = &self.state.config.server;
        let grace = Duration::from_secs(config.shutdown_grace_secs);
        let fits_open_files = serve::raise_open_file_limit().unwrap_or_else(|error| {
            tracing::warn!(%error, "cannot read the open-file limit");
            u64::MAX
        });
        let max_connections = config.max_connections.min(usize::try_from(fits_open_files).unwrap_or(usize::MAX));
        if max_connections < config.max_connections {
            tracing::warn!(max_connections, "server.max_connections lowered to fit the open-file limit");
        }
        let limits = ConnectionLimits {
            max_connections,
            header_read_timeout: Duration::from_secs(config.header_timeout_secs),
            grace,
        };
        let db = self.state.db.clone();
        let env = jobs::JobEnv {
            db: db.clone(),
            config: self.state.config.clone(),
            sessions: self.sessions.clone(),
            mailer: self.mailer.clone(),
        };
        let workers = start_workers(env, self.state.config.jobs.workers);
        let checkpointer = crate::server::db::wal::spawn_checkpointer(self.state.db.clone());
        let app = router(self.state, self.sessions);
        let result = serve::serve(self.listener, app, limits, shutdown).await;
        workers.stop().await;
        if let Some(checkpointer) = checkpointer {
            checkpointer.abort();
        }
        // A connection still held by a request that outlived the grace period must not hold up the exit.
        if tokio::time::timeout(grace, db.close()).await.is_err() {
            tracing::warn!("database connections still busy at shutdown; leaving them to the OS");
        }
        result
    }
}

/// Starts `count` workers for every job kind (and, with at least one, the keeper of scheduled work).
pub fn start_workers(env: jobs::JobEnv, count: usize) -> jobs::Workers {
    let settings = jobs::WorkerSettings::new(&env.config.jobs, count);
    let schedules = jobs::schedules::standard(&env.config);
    jobs::worker::start(env, jobs::kinds::registry(), schedules, settings)
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        // Without a Ctrl-C handler, only SIGTERM can stop the server: never treat that as a signal.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// The whole HTTP surface: pages, server functions, static files, probes.
pub fn router(state: AppState, sessions: DbSessionStore) -> Router {
    let front_end = state.front_end.clone();
    let site_url: Arc<str> = state.config.server.site_url.as_str().into();
    let routes = app_routes();
    let media_dir = &state.config.media.dir;
    let media = file_folder(media_dir.clone(), "public, max-age=86400");
    // Uploads get random names and are never rewritten, so browsers may keep them for a year.
    let uploads = |folder: &str| file_folder(media_dir.join(folder), "public, max-age=31536000, immutable");
    let pkg = pkg_files::router(&state.config.server.site_root.join("pkg"));
    let policies = csp::Policies::new(&front_end, &state.config.media.image_sources);
    let stylesheet = front_end.stylesheet_href.clone();

    let app = Router::new()
        .route("/healthz", get(endpoints::healthz))
        .route("/readyz", get(endpoints::readyz))
        .route("/robots.txt", get(endpoints::robots))
        .route(crate::model::paths::DOWNLOAD_ROUTE, get(downloads::download))
        .route(crate::model::paths::SITEMAP_INDEX, get(endpoints::sitemap_index))
        // A product file is megabytes: gzip only, which makes it smaller than the brotli level the
        // pages get, in a tenth of the memory (a brotli stream keeps a 4 MB window). The outer
        // compression layer leaves these answers alone (`CompressedByRoute`).
        .route("/sitemaps/{file}", get(endpoints::sitemap_file).layer(CompressionLayer::new().no_br()))
        .nest(crate::server::rest::PREFIX, crate::server::rest::router(&state.config))
        .merge(crate::server::rest::docs_page().layer(csp::api_docs_layer(&policies)))
        .nest("/media/products", uploads(crate::server::media::product_images::FOLDER))
        .nest("/media/avatars", uploads("avatars"))
        .nest("/media", media)
        .nest("/pkg", pkg)
        .leptos_routes_with_context(&state, routes, request_scope::begin_render, move || shell(front_end.clone()))
        .fallback(request_scope::files_or_not_found)
        .with_state(state.clone());
    // The layers wrap the router once, outermost first. Given to `Router::layer`, each would wrap
    // every route on its own, one boxed service in another: a request cloned its route's whole
    // stack, and every `from_fn` layer cloned the stack below it again (about 250 allocations a
    // request, before any page was rendered). Around the router they are plain structs, cloned
    // without allocating. They see every request, as before (the router's fallback had them too).
    let layered = tower::ServiceBuilder::new()
        .layer(SetRequestIdLayer::x_request_id(SequentialRequestId::default()))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), id = %id)
        }))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(axum::middleware::from_fn(crate::server::rest::readable_from_any_origin))
        .layer(axum::middleware::from_fn(request_scope::resolve_dot_segments))
        // A panic anywhere below costs its request a 500, never the connection an answer.
        .layer(CatchPanicLayer::custom(|_| {
            (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "something went wrong on our side").into_response()
        }))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .layer(CompressionLayer::new().compress_when(DefaultPredicate::new().and(
            |_: StatusCode, _: Version, _: &HeaderMap, extensions: &Extensions| {
                extensions.get::<endpoints::CompressedByRoute>().is_none()
            },
        )))
        .layer(csp::pages_layer(&policies))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Before every layer that may answer without reading the body: it marks such answers
        // `Connection: close`.
        .layer(axum::middleware::from_fn_with_state(state.config.media.max_upload_bytes, body_limit::limit_body))
        .layer(axum::middleware::from_fn_with_state(stylesheet.clone(), malformed::refuse_malformed))
        .layer(axum::middleware::from_fn_with_state(site_url, csrf::same_origin_only))
        .map_request(crate::server::rest::without_cookies)
        .layer(session::layer(sessions, &state.config))
        .layer(axum::middleware::from_fn(language::choose_language))
        .layer(axum::middleware::from_fn_with_state((state.db_health.clone(), stylesheet), unavailable::fail_fast))
        // Outside the user lookup: a cached page needs no session loaded (a guest's cart count
        // comes from its cookie).
        .layer(axum::middleware::from_fn_with_state(state.page_cache.clone(), page_cache::serve_cached))
        .layer(axum::middleware::from_fn_with_state(state.db.clone(), guard::resolve_signed_in_user))
        .layer(axum::middleware::from_fn(rpc_errors::set_error_status))
        .layer(axum::middleware::from_fn_with_state(state.config.secure_cookies(), form_echo::echo_refused_forms))
        .layer(axum::middleware::from_fn(request_scope::isolate))
        .map_request(head_as_get)
        .service(app);
    // Outside the router, because a router picks the route before its layers run.
    Router::new().fallback_service(
        tower::ServiceBuilder::new().map_request(crate::server::rest::without_trailing_slash).service(layered),
    )
}

/// The router answers HEAD by emptying the body, which the layers around it must not see: the
/// compression layer would find nothing to compress, and HEAD's headers would differ from GET's.
/// So the router gets a GET, and the outer router (`router`'s last lines), which still sees the
/// HEAD, empties the body after every layer has run.
fn head_as_get(mut request: Request<axum::body::Body>) -> Request<axum::body::Body> {
    if request.method() == axum::http::Method::HEAD {
        *request.method_mut() = axum::http::Method::GET;
    }
    request
}

/// The app's route list, generated once per process. Generating it renders the app with a
/// process-wide "load no resources" switch on (leptos_server's `SuppressResourceLoad`): a page
/// that another server in this process renders meanwhile waits forever for its data
/// (leptos-rs/leptos#4773). Production starts one server, but the tests start dozens in one
/// process, so the list is built once, before any server in the process can take a request.
fn app_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Static files from `dir`, answered with the given `Cache-Control`.
fn file_folder(dir: std::path::PathBuf, cache_control: &'static str) -> Router<AppState> {
    Router::new()
        .fallback_service(static_files::serve_dir(dir))
        .layer(axum::middleware::from_fn_with_state(static_files::Caching::Fixed(cache_control), static_files::guard))
}

/// Request ids unique within this process, cheap to make (`<pid>-<n>`).
#[derive(Clone, Default)]
struct SequentialRequestId(Arc<AtomicU64>);

impl MakeRequestId for SequentialRequestId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.0.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n}", std::process::id())).ok().map(RequestId::new)
    }
}
