//! Per-client rate limit on the API's writes (every method but GET, HEAD and OPTIONS): a token
//! bucket per client address, holding `writes_per_minute` tokens and refilling at that rate, so a
//! burst is allowed and a steady flood is not. Over the limit: 429 with `Retry-After`.
//!
//! Each node counts on its own: behind a load balancer over N nodes a client gets up to N times
//! the limit. Sign-in failures have their own, shared throttle in the database.

use super::errors::ApiError;
use crate::server::{config::Config, http::guard::client_of};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::Method,
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// Clients this node remembers at once; the least recent are forgotten first.
const MAX_CLIENTS: u64 = 100_000;

#[derive(Clone)]
pub struct WriteLimiter {
    per_minute: f64,
    trust_forwarded_for: bool,
    buckets: moka::sync::Cache<String, Arc<Mutex<Bucket>>>,
}

struct Bucket {
    tokens: f64,
    refilled_at: Instant,
}

impl WriteLimiter {
    pub fn new(config: &Config) -> Self {
        Self::per_minute(config.api.writes_per_minute, config.auth.trust_forwarded_for)
    }

    /// A limiter of its own: `per_minute` per client, with a burst of as many.
    pub fn per_minute(per_minute: u32, trust_forwarded_for: bool) -> Self {
        let buckets = moka::sync::Cache::builder()
            .max_capacity(MAX_CLIENTS)
            // A bucket untouched for a minute is full again: forgetting it changes nothing.
            .time_to_idle(Duration::from_secs(60))
            .build();
        Self { per_minute: f64::from(per_minute), trust_forwarded_for, buckets }
    }

    /// Takes a token for `client`, or says how many seconds until one is there.
    pub fn take(&self, client: String, now: Instant) -> Result<(), u64> {
        let full = self.per_minute;
        let bucket = self.buckets.get_with(client, || Arc::new(Mutex::new(Bucket { tokens: full, refilled_at: now })));
        let mut bucket = bucket.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let per_second = self.per_minute / 60.0;
        let elapsed = now.saturating_duration_since(bucket.refilled_at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(full);
        bucket.refilled_at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / per_second).ceil().max(1.0) as u64)
        }
    }
}

/// Middleware: writes over the client's limit get 429; reads pass untouched.
pub async fn limit_writes(State(limiter): State<WriteLimiter>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    let client = client_of(peer, request.headers(), limiter.trust_forwarded_for);
    match limiter.take(client, Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(retry_after_secs) => ApiError::RateLimited { retry_after_secs }.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_minute: u32) -> WriteLimiter {
        let mut config = Config::default();
        config.api.writes_per_minute = per_minute;
        WriteLimiter::new(&config)
    }

    #[test]
    fn a_burst_up_to_the_limit_passes_then_the_bucket_refills_at_the_rate() {
        let limiter = limiter(60);
        let start = Instant::now();
        for _ in 0..60 {
            assert_eq!(limiter.take("a".into(), start), Ok(()));
        }
        assert_eq!(limiter.take("a".into(), start), Err(1), "one token a second");
        assert_eq!(limiter.take("b".into(), start), Ok(()), "another client has its own bucket");
        assert_eq!(limiter.take("a".into(), start + Duration::from_millis(1_000)), Ok(()));
        assert_eq!(limiter.take("a".into(), start + Duration::from_millis(1_100)), Err(1));
    }

    #[test]
    fn a_slow_limit_says_how_long_to_wait() {
        let limiter = limiter(2);
        let start = Instant::now();
        assert!(limiter.take("a".into(), start).is_ok() && limiter.take("a".into(), start).is_ok());
        assert_eq!(limiter.take("a".into(), start), Err(30));
    }
}
