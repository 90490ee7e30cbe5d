//! An in-process cache with expiry, for catalog reads.
//!
//! Services that write invalidate it; entries also expire on their own, which bounds how stale a
//! node can be when another process (a second node, `tienda seed`) changed the database.
//!
//! Every cache is bounded by bytes, not by a count of entries: keys come from what visitors send
//! (a query string), so ten thousand entries of a 40 KB answer would be 400 MB. Each entry is
//! weighed when it is stored, and the least useful entries are evicted past the budget.

use crate::error::AppError;
use std::{
    future::Future,
    hash::Hash,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

type Builder<K, V> = moka::future::CacheBuilder<K, Stamped<V>, moka::future::Cache<K, Stamped<V>>>;

pub struct TtlCache<K, V> {
    /// `None` when the cache is turned off (a TTL of zero): every read goes to the database.
    inner: Option<moka::future::Cache<K, Stamped<V>>>,
    /// How many times the cache has been cleared. Every value is kept with the count at which its
    /// load began, and is served only while the count is the same: a value loaded while a write
    /// cleared the cache may hold what was there before the write, and stored after the clear it
    /// would otherwise be served (and rendered into pages) until its TTL.
    clears: AtomicU64,
}

/// A kept value and the count of clears when its load began.
#[derive(Clone)]
pub struct Stamped<V> {
    clears: u64,
    value: V,
}

impl<K, V> TtlCache<K, V>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// A cache whose entries, as `weigher` estimates them in bytes, add up to at most `max_bytes`.
    /// A TTL of zero turns it off.
    pub fn new(ttl: Duration, max_bytes: u64, weigher: fn(&K, &V) -> u32) -> Self {
        let inner = (!ttl.is_zero()).then(|| {
            let builder: Builder<K, V> = moka::future::Cache::builder();
            builder
                .expire_after(FromFirstStore(ttl))
                .max_capacity(max_bytes)
                .weigher(move |key, kept: &Stamped<V>| weigher(key, &kept.value))
                .build()
        });
        Self { inner, clears: AtomicU64::new(0) }
    }

    /// Returns the cached value or loads it; concurrent misses for one key share a single load.
    /// Errors are not cached. What this returns comes from a load that began after every clear
    /// counted before this call: a kept value, or another request's load this one waited for
    /// (its value or its error, a "not found" say), that began before one is loaded again. `load`
    /// makes a new load each time it is called.
    pub async fn get_or_load<F, L>(&self, key: K, load: F) -> Result<V, AppError>
    where
        F: Fn() -> L,
        L: Future<Output = Result<V, AppError>>,
    {
        let Some(cache) = &self.inner else {
            return load().await;
        };
        let start = self.clears();
        // A retried load begins after `start`, so it passes unless another request's older load
        // is still under way. Should that happen twice, this request loads for itself.
        for _ in 0..2 {
            let clears = self.clears();
            let stamped = async {
                match load().await {
                    Ok(value) => Ok(Stamped { clears, value }),
                    Err(error) => Err(Stamped { clears, value: error }),
                }
            };
            match cache.try_get_with(key.clone(), stamped).await {
                Ok(kept) if kept.clears >= start => return Ok(kept.value),
                Err(failed) if failed.clears >= start => return Err(failed.value.clone()),
                _ => self.forget_older_than(start, &key).await,
            }
        }
        load().await
    }

    /// Removes `key`'s value if its load began before the cache had been cleared `clears` times
    /// (and not one that another request has just stored in its place).
    async fn forget_older_than(&self, clears: u64, key: &K) {
        if let Some(cache) = &self.inner {
            use moka::ops::compute::Op;
            let op = |kept: Option<moka::Entry<K, Stamped<V>>>| {
                std::future::ready(match kept {
                    Some(kept) if kept.value().clears < clears => Op::Remove,
                    _ => Op::Nop,
                })
            };
            cache.entry(key.clone()).and_compute_with(op).await;
        }
    }

    /// The count of clears so far, to pass to [`Self::insert_unless_cleared`] when the value to
    /// store has been loaded.
    pub fn clears(&self) -> u64 {
        self.clears.load(Ordering::SeqCst)
    }

    /// Stores `value`, whose load began when the cache had been cleared `clears` times
    /// ([`Self::clears`]), unless it has been cleared since: the value may be older than the write
    /// that cleared it. (A store that slips past this check is kept, but never served.)
    pub async fn insert_unless_cleared(&self, clears: u64, key: K, value: V) {
        if let Some(cache) = self.inner.as_ref().filter(|_| self.clears() == clears) {
            cache.insert(key, Stamped { clears, value }).await;
        }
    }

    /// Whether anything is kept at all (a TTL of zero keeps nothing).
    pub fn is_enabled(&self) -> bool {
        self.inner.is_some()
    }

    /// The kept value, unless its load began before the latest clear.
    pub async fn get(&self, key: &K) -> Option<V> {
        let kept = self.inner.as_ref()?.get(key).await?;
        (kept.clears == self.clears()).then_some(kept.value)
    }

    /// Stores a value loaded now.
    pub async fn insert(&self, key: K, value: V) {
        self.insert_unless_cleared(self.clears(), key, value).await;
    }

    /// Stores `new` for `key` if the value kept there is still the one `is_current` recognises
    /// (weighing it again), with that value's stamp. A value read before the cache was cleared is
    /// not stored after it.
    pub async fn replace(&self, key: K, is_current: impl FnOnce(&V) -> bool, new: V) {
        if let Some(cache) = &self.inner {
            use moka::ops::compute::Op;
            let op = |kept: Option<moka::Entry<K, Stamped<V>>>| {
                std::future::ready(match kept {
                    Some(kept) if is_current(&kept.value().value) => {
                        Op::Put(Stamped { clears: kept.value().clears, value: new })
                    }
                    _ => Op::Nop,
                })
            };
            cache.entry(key).and_compute_with(op).await;
        }
    }

    /// The estimated bytes held, once pending evictions have run (for tests and metrics).
    pub async fn weighted_size(&self) -> u64 {
        match &self.inner {
            None => 0,
            Some(cache) => {
                cache.run_pending_tasks().await;
                cache.weighted_size()
            }
        }
    }

    pub fn invalidate_all(&self) {
        if let Some(cache) = &self.inner {
            // Counted first: a value whose load began before this count is never served again,
            // whenever it is stored.
            self.clears.fetch_add(1, Ordering::SeqCst);
            cache.invalidate_all();
        }
    }
}

/// An entry lives `ttl` from when its key was stored, however often it is stored again while it
/// lives ([`TtlCache::replace`], two misses for one key): the TTL is what bounds how stale a node
/// can be after another process changed the database, and moka's `time_to_live` would start it
/// over at every store.
struct FromFirstStore(Duration);

impl<K, V> moka::Expiry<K, V> for FromFirstStore {
    fn expire_after_create(&self, _: &K, _: &V, _: std::time::Instant) -> Option<Duration> {
        Some(self.0)
    }
    // `expire_after_update` keeps the time left (moka's default).
}

/// What moka and the map spend on an entry besides its key and value (nodes, hashes, timers).
const ENTRY_OVERHEAD: usize = 160;

/// An entry's weight from its value's JSON size: close to what its strings and numbers take in
/// memory, doubled for the allocations and struct padding JSON does not show.
pub fn json_weight<V: serde::Serialize>(key_bytes: usize, value: &V) -> u32 {
    let mut counter = ByteCounter(0);
    // Writing to a counter cannot fail; a value that cannot be serialised weighs nothing extra.
    let _ = serde_json::to_writer(&mut counter, value);
    weight(key_bytes + 2 * counter.0)
}

/// `bytes` plus the per-entry overhead, as moka's `u32` weight.
pub fn weight(bytes: usize) -> u32 {
    (bytes + ENTRY_OVERHEAD).try_into().unwrap_or(u32::MAX)
}

struct ByteCounter(usize);

impl std::io::Write for ByteCounter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(clippy::ptr_arg)] // the cache hands the weigher its value type, a Vec
    fn bytes_weight(_: &u64, value: &Vec<u8>) -> u32 {
        weight(value.len())
    }

    #[tokio::test]
    async fn many_distinct_keys_stay_within_the_byte_budget() {
        let budget = 1024 * 1024;
        let cache = TtlCache::new(Duration::from_secs(60), budget, bytes_weight);
        for key in 0..20_000u64 {
            cache.insert(key, vec![0u8; 4096]).await;
        }
        let held = cache.weighted_size().await;
        assert!(held <= budget, "{held} bytes held, budget {budget}");
        assert!(held > budget / 2, "the cache is still used: {held} bytes");
    }

    #[tokio::test]
    async fn a_value_replaced_is_weighed_again_but_never_comes_back_after_a_clear() {
        let cache = TtlCache::new(Duration::from_secs(60), 1024 * 1024, bytes_weight);
        cache.insert(1, vec![1u8; 1000]).await;
        let kept = cache.get(&1).await.unwrap();
        cache.replace(1, |now| *now == kept, vec![2u8; 3000]).await;
        assert_eq!(cache.get(&1).await.unwrap(), vec![2u8; 3000], "still current: replaced");
        let weighed = cache.weighted_size().await;
        assert!(weighed >= 3000, "the new value's size counts: {weighed}");

        cache.replace(1, |now| *now == kept, vec![3u8; 10]).await;
        assert_eq!(cache.get(&1).await.unwrap(), vec![2u8; 3000], "not the value read: kept as is");

        let read_before_the_clear = cache.get(&1).await.unwrap();
        cache.invalidate_all();
        cache.replace(1, |now| *now == read_before_the_clear, vec![4u8; 10]).await;
        assert_eq!(cache.get(&1).await, None, "a value read before the clear is not stored after it");
    }

    /// A write clears the cache while a read of the old data is under way: what that read stores
    /// afterwards must not outlive the clear (it would be served, stale, until its TTL).
    #[tokio::test]
    async fn a_value_loaded_across_a_clear_is_not_kept() {
        let cache = TtlCache::new(Duration::from_secs(60), 1024 * 1024, bytes_weight);
        // The request began before the clear, so what it loaded is its answer; but kept, it would
        // be served after the clear.
        let loaded = cache
            .get_or_load(1, || async {
                cache.invalidate_all();
                Ok(vec![1u8; 10])
            })
            .await
            .unwrap();
        assert_eq!(loaded, vec![1u8; 10]);
        assert_eq!(cache.get(&1).await, None);

        let clears = cache.clears();
        cache.invalidate_all();
        cache.insert_unless_cleared(clears, 2, vec![2u8; 10]).await;
        assert_eq!(cache.get(&2).await, None, "rendered before the clear, stored after it");

        let clears = cache.clears();
        cache.insert_unless_cleared(clears, 3, vec![3u8; 10]).await;
        assert_eq!(cache.get(&3).await, Some(vec![3u8; 10]), "no clear in between: kept");
        let kept = cache.get_or_load(4, || async { Ok(vec![4u8; 10]) }).await.unwrap();
        assert_eq!(cache.get(&4).await, Some(kept));

        // Kept before a clear that the cache was told of after the value was stored: not served.
        let clears = cache.clears();
        cache.insert_unless_cleared(clears, 5, vec![5u8; 10]).await;
        cache.clears.fetch_add(1, Ordering::SeqCst);
        assert_eq!(cache.get(&5).await, None, "a kept value older than the latest clear");
    }

    /// A request that arrives after a write and waits for a load that began before it (moka
    /// shares one load among concurrent misses) must not be handed the old value.
    #[tokio::test]
    async fn a_request_that_joins_a_load_overtaken_by_a_clear_gets_a_new_value() {
        let cache = TtlCache::new(Duration::from_secs(60), 1024 * 1024, bytes_weight);
        let (started, release) = (tokio::sync::Notify::new(), tokio::sync::Notify::new());
        let before_the_write = cache.get_or_load(1, || async {
            started.notify_one();
            release.notified().await;
            Ok(vec![1u8; 10])
        });
        let (_, after) = tokio::join!(before_the_write, load_after_a_clear(&cache, &started, &release));
        assert_ne!(after.unwrap(), vec![1u8; 10], "the value read before the write");
        assert_ne!(cache.get(&1).await, Some(vec![1u8; 10]));
    }

    /// The same for an error: a product created by the write must not be "not found" for a
    /// request that came after it, because it waited for a lookup made before.
    #[tokio::test]
    async fn a_request_that_joins_a_failed_load_overtaken_by_a_clear_loads_again() {
        let cache = TtlCache::new(Duration::from_secs(60), 1024 * 1024, bytes_weight);
        let (started, release) = (tokio::sync::Notify::new(), tokio::sync::Notify::new());
        let before_the_write = cache.get_or_load(1, || async {
            started.notify_one();
            release.notified().await;
            Err(AppError::NotFound { entity: crate::error::Entity::Product, by: None })
        });
        let (before, after) = tokio::join!(before_the_write, load_after_a_clear(&cache, &started, &release));
        assert!(before.is_err(), "the request made before the write gets its own answer");
        assert_eq!(after.unwrap(), vec![3u8; 10]);
    }

    /// A request made after a write (which clears the cache) while the load of key 1 that
    /// `started` announces is held back by `release`: it joins that load, then lets it finish.
    async fn load_after_a_clear(
        cache: &TtlCache<u64, Vec<u8>>,
        started: &tokio::sync::Notify,
        release: &tokio::sync::Notify,
    ) -> Result<Vec<u8>, AppError> {
        started.notified().await;
        cache.invalidate_all();
        let joined = cache.get_or_load(1, || async { Ok(vec![3u8; 10]) });
        release.notify_one();
        joined.await
    }

    /// The page cache stores a page again when it makes its brotli copy at a later hit: that must
    /// not give the page a new TTL. (Should the replacement come late, after the TTL, it stores
    /// nothing, and the page is gone all the same.)
    #[tokio::test]
    async fn a_replaced_value_expires_when_the_first_would_have() {
        let ttl = Duration::from_millis(400);
        let cache = TtlCache::new(ttl, 1024 * 1024, bytes_weight);
        cache.insert(1, vec![1u8; 10]).await;
        tokio::time::sleep(ttl * 5 / 8).await;
        let kept = cache.get(&1).await;
        cache.replace(1, |now| Some(now) == kept.as_ref(), vec![2u8; 10]).await;
        tokio::time::sleep(ttl * 5 / 8).await;
        assert_eq!(cache.get(&1).await, None, "gone a TTL after it was first stored");
    }

    #[test]
    fn json_weight_grows_with_the_value() {
        let small = json_weight(0, &"a");
        let large = json_weight(0, &"a".repeat(10_000));
        assert!(large >= small + 19_000, "{small} then {large}");
    }
}
