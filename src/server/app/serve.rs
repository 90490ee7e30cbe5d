//! The accept loop: a cap on connections, a deadline for each request's headers (which is also
//! the idle keep-alive timeout), and graceful shutdown.
//!
//! `axum::serve` sets no timer on hyper, so hyper's header timeout never fires there, and it
//! accepts connections without limit: three thousand sockets each sending a header line every ten
//! seconds stayed open for minutes, and at the process's open-file limit the server stopped
//! accepting anyone. Here every connection holds one of `max_connections` permits, taken *before*
//! `accept()`, so the excess waits in the kernel's backlog instead of costing file descriptors;
//! a connection that does not deliver a request's headers within `header_read_timeout` (counted
//! from when the server starts waiting for them: at connect, and again after each response) is
//! closed, so a slow client frees its permit for a real one.
//!
//! A response the client stops reading (the socket's send buffer full and not draining) fails the
//! connection after [`WRITE_STALL_TIMEOUT`] without progress, so a client cannot hold its permit by
//! never reading what it asked for.
//!
//! HTTP/1.1 only, as before (the tree has no HTTP/2 server); hyper's HTTP/1 builder is used
//! directly because the auto-detecting builder reads the first bytes without any deadline.

use axum::{extract::ConnectInfo, Extension, Router};
use hyper::server::conn::http1;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use std::{
    future::Future,
    io,
    net::SocketAddr,
    pin::{pin, Pin},
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{watch, Semaphore},
    time::Sleep,
};
use tower::Layer as _;

/// Room kept below the open-file limit for what is not a client connection: the database
/// pool, uploads being written, logs.
const RESERVED_FILES: u64 = 128;
/// Open files one connection may need: its socket, and a file it is being sent.
const FILES_PER_CONNECTION: u64 = 2;
/// The most a connection buffers while reading a request's head: a few times what real browsers
/// send, cookies included. More gets 431 (hyper checks between reads, so one read past it may
/// still land); hyper's default (about 400 KB) let 300 connections with unfinished headers hold
/// over 100 MB.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How long a response may make no progress at all (the client not reading) before the
/// connection is closed.
pub const WRITE_STALL_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// Connections served at once; further clients wait in the kernel's accept backlog.
    pub max_connections: usize,
    /// Deadline for a request's whole header block; also how long an idle keep-alive connection
    /// stays open.
    pub header_read_timeout: Duration,
    /// After shutdown is asked for, how long in-flight requests may take to finish.
    pub grace: Duration,
}

/// Serves `router` until `shutdown` completes, then lets connections finish for up to
/// `limits.grace`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let max_connections = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let permits = Arc::new(Semaphore::new(max_connections));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut builder = http1::Builder::new();
    // Without a timer hyper ignores its header timeout (and panics if one is set explicitly).
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).max_buf_size(MAX_HEAD_BYTES);
    let builder = Arc::new(builder);
    let mut shutdown = pin!(shutdown);

    loop {
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
        };
        let (stream, peer) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // The client gave up before it was accepted.
                Err(error) if is_connection_error(&error) => continue,
                // Out of file descriptors or memory: the connection stays queued, so retrying at
                // once would spin. Connections closing meanwhile free what is needed.
                Err(error) => {
                    tracing::error!(%error, "accepting a connection failed; retrying shortly");
                    tokio::select! {
                        biased;
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(Duration::from_millis(250)) => continue,
                    }
                }
            },
        };
        // What `into_make_service_with_connect_info` does: every request carries the peer address.
        let service = TowerToHyperService::new(Extension(ConnectInfo(peer)).layer(router.clone()));
        let builder = builder.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let io = TokioIo::new(WriteDeadline::new(stream, WRITE_STALL_TIMEOUT));
            let connection = builder.serve_connection(io, service).with_upgrades();
            let mut connection = pin!(connection);
            tokio::select! {
                result = connection.as_mut() => log_end(peer, result),
                () = async { let _ = stop.wait_for(|stop| *stop).await; } => {
                    // The request in flight (if any) finishes; an idle connection closes now.
                    connection.as_mut().graceful_shutdown();
                    log_end(peer, connection.await);
                }
            }
        });
    }

    drop(listener);
    let _ = stop_tx.send(true);
    tracing::info!("shutting down: finishing in-flight requests");
    // Each open connection holds a permit: all permits back means every connection has closed.
    let all = u32::try_from(max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(limits.grace, permits.acquire_many(all)).await.is_err() {
        tracing::warn!(grace = ?limits.grace, "in-flight requests did not finish in time; stopping anyway");
    }
    Ok(())
}

fn log_end(peer: SocketAddr, result: Result<(), hyper::Error>) {
    if let Err(error) = result {
        // Header timeouts, resets, malformed requests: routine on a public server.
        tracing::debug!(%peer, %error, "connection ended with an error");
    }
}

fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    )
}

/// A socket whose writes fail once they have made no progress for `timeout`.
struct WriteDeadline {
    stream: TcpStream,
    timeout: Duration,
    /// Started when a write first finds the socket full; cleared by any progress.
    stalled: Option<Pin<Box<Sleep>>>,
}

impl WriteDeadline {
    fn new(stream: TcpStream, timeout: Duration) -> Self {
        Self { stream, timeout, stalled: None }
    }

    /// Passes on what the socket answered, keeping the stall clock: progress stops it, waiting
    /// runs it, and a wait past the deadline becomes an error.
    fn watch<T>(&mut self, cx: &mut Context<'_>, answer: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if answer.is_ready() {
            self.stalled = None;
            return answer;
        }
        let timeout = self.timeout;
        let stalled = self.stalled.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the client stopped reading"))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for WriteDeadline {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for WriteDeadline {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let answer = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.watch(cx, answer)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let answer = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.watch(cx, answer)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let answer = Pin::new(&mut this.stream).poll_flush(cx);
        this.watch(cx, answer)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// Raises the soft open-file limit to the hard one (often 1,024 soft against 500,000 or more
/// hard) and returns how many connections fit below it, at [`FILES_PER_CONNECTION`] each with
/// [`RESERVED_FILES`] to spare.
#[cfg(unix)]
pub fn raise_open_file_limit() -> io::Result<u64> {
    // SAFETY: getrlimit and setrlimit only read and write the struct passed to them.
    let soft = unsafe {
        let mut limit: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return Err(io::Error::last_os_error());
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
        limit.rlim_cur
    };
    // `rlim_t` is u64 on Linux but not everywhere.
    #[allow(clippy::useless_conversion)]
    let soft = u64::try_from(soft).unwrap_or(u64::MAX);
    Ok(soft.saturating_sub(RESERVED_FILES) / FILES_PER_CONNECTION)
}

#[cfg(not(unix))]
pub fn raise_open_file_limit() -> io::Result<u64> {
    Ok(u64::MAX)
}
