//! An in-process cache with expiry, for catalog reads.
//!
//! Services that write invalidate it; entries also expire on their own, which bounds how stale a
//! node can be when another process (a second node, `tienda seed`) changed the database.

use crate::error::AppError;
use std::{future::Future, hash::Hash, sync::Arc, time::Duration};

type Builder<K, V> = moka::future::CacheBuilder<K, V, moka::future::Cache<K, V>>;

pub struct TtlCache<K, V> {
    /// `None` when the cache is turned off (a TTL of zero): every read goes to the database.
    inner: Option<moka::future::Cache<K, V>>,
}

impl<K, V> TtlCache<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub fn new(ttl: Duration, max_entries: u64) -> Self {
        Self::build(ttl, |builder| builder.max_capacity(max_entries))
    }

    /// A cache bounded by the total weight of its values (e.g. bytes) instead of their number.
    pub fn weighted(ttl: Duration, max_weight: u64, weigher: fn(&K, &V) -> u32) -> Self {
        Self::build(ttl, |builder| builder.max_capacity(max_weight).weigher(weigher))
    }

    /// A TTL of zero turns the cache off; otherwise `bound` sets how much it may hold.
    fn build(ttl: Duration, bound: impl FnOnce(Builder<K, V>) -> Builder<K, V>) -> Self {
        let inner = (!ttl.is_zero()).then(|| bound(moka::future::Cache::builder().time_to_live(ttl)).build());
        Self { inner }
    }

    /// Returns the cached value or loads it; concurrent misses for one key share a single load.
    /// Errors are not cached.
    pub async fn get_or_load<F>(&self, key: K, load: F) -> Result<V, AppError>
    where
        F: Future<Output = Result<V, AppError>>,
    {
        match &self.inner {
            None => load.await,
            Some(cache) => cache.try_get_with(key, load).await.map_err(|e: Arc<AppError>| (*e).clone()),
        }
    }

    pub async fn get(&self, key: &K) -> Option<V> {
        self.inner.as_ref()?.get(key).await
    }

    pub async fn insert(&self, key: K, value: V) {
        if let Some(cache) = &self.inner {
            cache.insert(key, value).await;
        }
    }

    pub fn invalidate_all(&self) {
        if let Some(cache) = &self.inner {
            cache.invalidate_all();
        }
    }
}
