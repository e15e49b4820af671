//! Shot leases: two workers sharing a cache do not render the same shot at once, and a dead
//! worker's shot is taken over.
//!
//! A lease is a small record beside the entries (`leases/<key>.lease`) naming its holder, when
//! it took the shot and when the lease expires ([`LeaseInfo`], which `scenec farm status` shows). A worker that misses the cache *claims* the shot: it creates the lease if
//! there is none (an atomic create that fails when one exists), takes it over when it has
//! expired (an atomic replace that fails when somebody else replaced it first), and otherwise
//! learns that the shot is [`Claim::Busy`] and waits for its entry. The holder renews its lease
//! while it renders (every third of the time to live), so only a worker that stopped renewing
//! — killed, or cut off — loses it. Expiry is read from the writer's wall clock; the workers'
//! clocks must agree to well within [`LEASE_TTL`] (NTP does that).
//!
//! Leases only save work: entries are content-addressed and written atomically, so two
//! workers that render the same shot anyway (a lease taken over from a slow but living
//! worker) write the same bytes, and the second write is harmless.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use scene_previz::error::RenderError;

use super::key::CacheKey;

/// How long a lease lives without renewal, unless the store is opened with another time to live
/// (`scenec render --lease-ttl`).
pub const LEASE_TTL: Duration = Duration::from_secs(120);

/// A lease as read back from a store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaseInfo {
    /// The worker holding it ([`holder_name`]: host, process and a nonce).
    pub holder: String,
    /// When the holder took the shot (Unix milliseconds; renewals keep it). `None` for a record
    /// that does not say.
    pub since_ms: Option<u64>,
    /// When the lease expires unless renewed (Unix milliseconds; 0 for a record that cannot be
    /// read, which counts as expired).
    pub expires_ms: u64,
}

impl LeaseInfo {
    /// Whether the holder stopped renewing: another worker may take the shot over.
    pub fn expired_at(&self, now_ms: u64) -> bool {
        self.expires_ms <= now_ms
    }
}

/// The lease on `key` in `store`, if there is one.
pub fn read<S: LeaseStore>(store: &S, key: &CacheKey) -> Result<Option<LeaseInfo>, RenderError> {
    Ok(store.read(key)?.map(|(bytes, _)| parse(&bytes)))
}

/// What a store keeps leases with: atomic create, atomic replace of a version it read, read,
/// and delete. `Version` is whatever proves which write a reader saw (an ETag, a file's
/// identity).
pub trait LeaseStore: Send + Sync + 'static {
    type Version: Clone + Send + 'static;

    /// Create the lease for `key` unless one exists: `Ok(None)` when one does.
    fn create(&self, key: &CacheKey, record: &[u8]) -> Result<Option<Self::Version>, RenderError>;
    /// The lease for `key` and its version, or `None` when there is none.
    fn read(&self, key: &CacheKey) -> Result<Option<(Vec<u8>, Self::Version)>, RenderError>;
    /// Replace the lease if it is still the version read: `Ok(None)` when it changed.
    fn replace(
        &self,
        key: &CacheKey,
        seen: &Self::Version,
        record: &[u8],
    ) -> Result<Option<Self::Version>, RenderError>;
    fn delete(&self, key: &CacheKey);
}

/// The outcome of [`claim`].
pub enum Claim {
    /// Render the shot; the lease is held (and renewed) until this value is dropped.
    Granted(Box<dyn Send>),
    /// A living worker holds the shot's lease: wait for its entry, then claim again.
    Busy { holder: String },
}

/// Who holds a lease: host, process and a per-process nonce, so two processes on one host
/// (or one restarted with the same pid) are told apart.
pub fn holder_name() -> String {
    static NONCE: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let nonce = NONCE.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
    });
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into());
    format!("{host}:{}:{nonce:x}", std::process::id())
}

/// The wall clock in Unix milliseconds, the unit of [`LeaseInfo`]'s times.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// `holder <name>\nsince_ms <unix ms>\nexpires_ms <unix ms>\n`: small, and readable by a person
/// looking at a stuck farm. `since_ms` is when the holder took the shot; renewals keep it.
fn record(holder: &str, since_ms: u64, ttl: Duration) -> Vec<u8> {
    format!(
        "holder {holder}\nsince_ms {since_ms}\nexpires_ms {}\n",
        now_ms() + ttl.as_millis() as u64
    )
    .into_bytes()
}

/// A record that cannot be read counts as expired, so a damaged lease never blocks a shot for
/// ever.
fn parse(record: &[u8]) -> LeaseInfo {
    let text = String::from_utf8_lossy(record);
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
    };
    LeaseInfo {
        holder: field("holder ").unwrap_or_else(|| "an unreadable lease".into()),
        since_ms: field("since_ms ").and_then(|v| v.parse().ok()),
        expires_ms: field("expires_ms ")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    }
}

/// Claim the right to render `key` (see the module's documentation).
pub fn claim<S: LeaseStore>(
    store: &Arc<S>,
    key: &CacheKey,
    holder: &str,
    ttl: Duration,
) -> Result<Claim, RenderError> {
    // A lease can vanish between a failed create and the read (its holder finished): try again,
    // a few times, rather than loop for ever against a store that misbehaves.
    for _ in 0..4 {
        let since = now_ms();
        if let Some(version) = store.create(key, &record(holder, since, ttl))? {
            return Ok(Claim::Granted(Box::new(Held::start(
                store, *key, holder, since, ttl, version,
            ))));
        }
        let Some((bytes, version)) = store.read(key)? else {
            continue;
        };
        let other = parse(&bytes);
        if !other.expired_at(now_ms()) {
            return Ok(Claim::Busy {
                holder: other.holder,
            });
        }
        match store.replace(key, &version, &record(holder, since, ttl))? {
            Some(version) => {
                return Ok(Claim::Granted(Box::new(Held::start(
                    store, *key, holder, since, ttl, version,
                ))))
            }
            // Another worker took the expired lease over first.
            None => continue,
        }
    }
    Ok(Claim::Busy {
        holder: "another worker".into(),
    })
}

/// A held lease: a thread renews it until the value drops, then it is deleted.
struct Held {
    stop: Arc<(Mutex<bool>, std::sync::Condvar)>,
    renewer: Option<std::thread::JoinHandle<()>>,
    lost: Arc<AtomicBool>,
}

impl Held {
    fn start<S: LeaseStore>(
        store: &Arc<S>,
        key: CacheKey,
        holder: &str,
        since_ms: u64,
        ttl: Duration,
        version: S::Version,
    ) -> Held {
        let stop = Arc::new((Mutex::new(false), std::sync::Condvar::new()));
        let lost = Arc::new(AtomicBool::new(false));
        let (store, holder, stop2, lost2) = (
            store.clone(),
            holder.to_string(),
            stop.clone(),
            lost.clone(),
        );
        let renewer = std::thread::Builder::new()
            .name("lease".into())
            .spawn(move || {
                let mut version = version;
                let (lock, wake) = &*stop2;
                loop {
                    let Ok(guard) = lock.lock() else { return };
                    let Ok((guard, _)) = wake.wait_timeout_while(guard, ttl / 3, |s| !*s) else {
                        return;
                    };
                    if *guard {
                        drop(guard);
                        // Ours still (renewals kept it): free it for whoever waits.
                        if !lost2.load(Ordering::SeqCst) {
                            store.delete(&key);
                        }
                        return;
                    }
                    drop(guard);
                    match store.replace(&key, &version, &record(&holder, since_ms, ttl)) {
                        Ok(Some(v)) => version = v,
                        // Taken over (we were too slow) or unreachable: keep rendering; the
                        // entry is content-addressed, so a second writer is harmless.
                        Ok(None) | Err(_) => lost2.store(true, Ordering::SeqCst),
                    }
                }
            })
            .ok();
        Held {
            stop,
            renewer,
            lost,
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let (lock, wake) = &*self.stop;
        if let Ok(mut s) = lock.lock() {
            *s = true;
        }
        wake.notify_all();
        if let Some(t) = self.renewer.take() {
            let _ = t.join();
        }
        let _ = self.lost.load(Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// A store whose versions are counters, as an object store's ETags are.
    #[derive(Default)]
    struct Memory {
        leases: Mutex<HashMap<CacheKey, (Vec<u8>, u64)>>,
        writes: std::sync::atomic::AtomicU64,
    }

    impl LeaseStore for Memory {
        type Version = u64;
        fn create(&self, key: &CacheKey, record: &[u8]) -> Result<Option<u64>, RenderError> {
            let mut l = self.leases.lock().expect("lock");
            if l.contains_key(key) {
                return Ok(None);
            }
            let v = self.writes.fetch_add(1, Ordering::SeqCst);
            l.insert(*key, (record.to_vec(), v));
            Ok(Some(v))
        }
        fn read(&self, key: &CacheKey) -> Result<Option<(Vec<u8>, u64)>, RenderError> {
            Ok(self.leases.lock().expect("lock").get(key).cloned())
        }
        fn replace(
            &self,
            key: &CacheKey,
            seen: &u64,
            record: &[u8],
        ) -> Result<Option<u64>, RenderError> {
            let mut l = self.leases.lock().expect("lock");
            match l.get(key) {
                Some((_, v)) if v == seen => {
                    let v = self.writes.fetch_add(1, Ordering::SeqCst);
                    l.insert(*key, (record.to_vec(), v));
                    Ok(Some(v))
                }
                _ => Ok(None),
            }
        }
        fn delete(&self, key: &CacheKey) {
            self.leases.lock().expect("lock").remove(key);
        }
    }

    fn key(n: u8) -> CacheKey {
        CacheKey([n; 32])
    }

    #[test]
    fn one_holder_at_a_time_and_freed_on_drop() {
        let store = Arc::new(Memory::default());
        let ttl = Duration::from_secs(60);
        let first = claim(&store, &key(1), "a", ttl).expect("claim");
        assert!(matches!(first, Claim::Granted(_)));
        match claim(&store, &key(1), "b", ttl).expect("claim") {
            Claim::Busy { holder } => assert_eq!(holder, "a"),
            Claim::Granted(_) => panic!("two holders of one lease"),
        }
        // Another shot is independent.
        assert!(matches!(
            claim(&store, &key(2), "b", ttl).expect("claim"),
            Claim::Granted(_)
        ));
        drop(first);
        assert!(
            store.read(&key(1)).expect("read").is_none(),
            "a dropped lease is deleted"
        );
        assert!(matches!(
            claim(&store, &key(1), "b", ttl).expect("claim"),
            Claim::Granted(_)
        ));
    }

    #[test]
    fn a_dead_holders_lease_is_taken_over_after_it_expires() {
        let store = Arc::new(Memory::default());
        let ttl = Duration::from_millis(300);
        // A worker killed while holding a lease: its record stays and is never renewed.
        store
            .create(&key(1), &record("dead", now_ms(), ttl))
            .expect("create");
        assert!(matches!(
            claim(&store, &key(1), "b", ttl).expect("claim"),
            Claim::Busy { .. }
        ));
        std::thread::sleep(ttl + Duration::from_millis(100));
        let taken = claim(&store, &key(1), "b", ttl).expect("claim");
        assert!(matches!(taken, Claim::Granted(_)));
        let taken_at = now_ms();
        let lease = read(&*store, &key(1)).expect("read").expect("a lease");
        assert_eq!(lease.holder, "b");
        assert!(
            lease
                .since_ms
                .is_some_and(|s| s <= taken_at && s + 1000 > taken_at),
            "a take-over starts a new `since`: {lease:?}"
        );
    }

    #[test]
    fn a_living_holder_renews_past_its_ttl() {
        let store = Arc::new(Memory::default());
        let ttl = Duration::from_millis(300);
        let held = claim(&store, &key(1), "a", ttl).expect("claim");
        let since = read(&*store, &key(1))
            .expect("read")
            .expect("a lease")
            .since_ms;
        std::thread::sleep(ttl * 3);
        let renewed = read(&*store, &key(1)).expect("read").expect("a lease");
        assert_eq!(
            renewed.since_ms, since,
            "renewals keep when the shot was taken"
        );
        assert!(!renewed.expired_at(now_ms()));
        assert!(
            matches!(
                claim(&store, &key(1), "b", ttl).expect("claim"),
                Claim::Busy { .. }
            ),
            "renewals keep a living holder's lease"
        );
        drop(held);
    }

    #[test]
    fn unreadable_records_count_as_expired() {
        assert!(parse(b"garbage").expired_at(1));
        assert_eq!(
            parse(b"holder h:1:2\nsince_ms 40\nexpires_ms 42\n"),
            LeaseInfo {
                holder: "h:1:2".into(),
                since_ms: Some(40),
                expires_ms: 42
            }
        );
        assert_eq!(parse(b"holder h:1:2\nexpires_ms 42\n").since_ms, None);
    }
}
