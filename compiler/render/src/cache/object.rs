//! The shared cache in an S3-compatible object store (`--cache s3://bucket/prefix`), through
//! Apache Arrow's `object_store` crate.
//!
//! Entries are the same bytes as in `.scene-cache/shots/` (`<prefix>/shots/<key>.shot`, and
//! `<key>.sound` for a backend's generated sound), so a shot rendered on the farm and one
//! rendered at a desk are interchangeable. An S3 PUT is atomic — a reader sees the whole object
//! or none — so an entry needs no temporary name; it is
//! written with "create if absent" (`If-None-Match: *`), and a second worker writing the same
//! content-addressed entry learns it exists and is done. Leases (`<prefix>/leases/<key>.lease`)
//! use the same create and a replace conditional on the ETag read (`If-Match`), which S3,
//! MinIO, R2 and Ceph honour.
//!
//! Endpoint and credentials are read the standard AWS way (`AWS_ENDPOINT_URL`,
//! `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, …; `AWS_ALLOW_HTTP=true` for a
//! plain-HTTP endpoint such as a local MinIO).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{
    GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload,
    UpdateVersion,
};
use scene_previz::error::RenderError;

use super::entry::{serialize, CacheEntry, ShotVideo, StoredShot};
use super::key::CacheKey;
use super::lease::{self, Claim, LeaseInfo, LeaseStore, LEASE_TTL};
use super::sound::{parse_sound, serialize_sound, sound_fits, SOUND_HEAD_LEN};
use super::store::ShotStore;
use crate::audio::StereoBuffer;

/// A cache entry larger than this is refused on read (a shot of a 4K model render is well
/// under it); it bounds what a damaged or hostile store can make a worker allocate.
const MAX_ENTRY_BYTES: u64 = 4 << 30;

/// The object-store cache.
pub struct ObjectCache {
    inner: Arc<Inner>,
    holder: String,
    lease_ttl: Duration,
}

struct Inner {
    url: String,
    store: Box<dyn ObjectStore>,
    prefix: String,
    runtime: tokio::runtime::Runtime,
}

impl Inner {
    fn path(&self, dir: &str, key: &CacheKey, ext: &str) -> ObjectPath {
        let name = format!("{dir}/{}.{ext}", key.hex());
        if self.prefix.is_empty() {
            ObjectPath::from(name)
        } else {
            ObjectPath::from(format!("{}/{name}", self.prefix))
        }
    }

    fn error(&self, what: &str, e: impl std::fmt::Display) -> RenderError {
        RenderError::io(self.url.as_str(), format!("{what}: {e}"))
    }
}

impl ObjectCache {
    /// Open `s3://bucket[/prefix]` and check that it can be read.
    pub fn open(url: &str) -> Result<ObjectCache, String> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| format!("`{url}` is not an object-store URL (s3://bucket/prefix)"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!("`{url}` names no bucket"));
        }
        let store = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| format!("cannot use {url}: {e}"))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("object-store")
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the object-store client: {e}"))?;
        let inner = Inner {
            url: url.to_string(),
            store: Box::new(store),
            prefix: prefix.trim_matches('/').to_string(),
            runtime,
        };
        // Fail now, with the store's own words, rather than on the first shot.
        let probe = ObjectPath::from(if inner.prefix.is_empty() {
            "shots".to_string()
        } else {
            format!("{}/shots", inner.prefix)
        });
        inner
            .runtime
            .block_on(inner.store.list_with_delimiter(Some(&probe)))
            .map_err(|e| format!("cannot read {url}: {e}"))?;
        Ok(ObjectCache {
            inner: Arc::new(inner),
            holder: lease::holder_name(),
            lease_ttl: LEASE_TTL,
        })
    }

    /// Leases this cache grants live `ttl` without renewal (default [`LEASE_TTL`]).
    pub fn with_lease_ttl(mut self, ttl: Duration) -> Self {
        self.lease_ttl = ttl;
        self
    }
}

impl Inner {
    /// The object at `path`, or `None` when it is absent, unreadable or over the size bound.
    fn read_object(&self, path: &ObjectPath) -> Option<Vec<u8>> {
        self.runtime.block_on(async {
            let got = self.store.get(path).await.ok()?;
            if got.meta.size > MAX_ENTRY_BYTES {
                return None;
            }
            got.bytes().await.ok().map(|b| b.to_vec())
        })
    }

    /// The object at `path` as `parse` reads it, or `None`. A damaged object (one `parse`
    /// refuses) is removed so that its shot renders again, as the directory store does.
    fn read_parsed<T>(
        &self,
        path: &ObjectPath,
        parse: impl FnOnce(Vec<u8>) -> Option<T>,
    ) -> Option<T> {
        let parsed = parse(self.read_object(path)?);
        if parsed.is_none() {
            let _ = self.runtime.block_on(self.store.delete(path));
        }
        parsed
    }

    /// Put a lease record conditionally (`mode`): the new version, or `None` when another
    /// worker got there first, which the store says with one of the errors `lost` accepts.
    fn put_lease(
        &self,
        key: &CacheKey,
        record: &[u8],
        mode: PutMode,
        lost: fn(&object_store::Error) -> bool,
        what: &str,
    ) -> Result<Option<UpdateVersion>, RenderError> {
        let path = self.path("leases", key, "lease");
        let opts = PutOptions {
            mode,
            ..PutOptions::default()
        };
        match self.runtime.block_on(self.store.put_opts(
            &path,
            PutPayload::from(record.to_vec()),
            opts,
        )) {
            Ok(put) => Ok(Some(put.into())),
            Err(e) if lost(&e) => Ok(None),
            Err(e) => Err(self.error(what, e)),
        }
    }

    /// Write a content-addressed object with "create if absent".
    fn create_object(
        &self,
        path: &ObjectPath,
        bytes: Vec<u8>,
        what: &str,
    ) -> Result<(), RenderError> {
        let opts = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        match self
            .runtime
            .block_on(self.store.put_opts(path, PutPayload::from(bytes), opts))
        {
            Ok(_) => Ok(()),
            // Content-addressed: whoever wrote it first wrote these bytes.
            Err(object_store::Error::AlreadyExists { .. }) => Ok(()),
            Err(e) => Err(self.error(what, e)),
        }
    }
}

impl ShotStore for ObjectCache {
    fn get(&self, key: &CacheKey) -> Option<CacheEntry> {
        let inner = &self.inner;
        inner.read_parsed(&inner.path("shots", key, "shot"), |bytes| {
            CacheEntry::parse(*key, bytes)
        })
    }

    fn put(
        &self,
        key: &CacheKey,
        shot: &ShotVideo,
        cancel: &AtomicBool,
    ) -> Result<StoredShot, RenderError> {
        let (bytes, stored) = serialize(key, shot)?;
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }
        let inner = &self.inner;
        inner.create_object(
            &inner.path("shots", key, "shot"),
            bytes,
            "cannot store a shot",
        )?;
        Ok(stored)
    }

    fn get_sound(&self, key: &CacheKey) -> Option<StereoBuffer> {
        let inner = &self.inner;
        inner.read_parsed(&inner.path("shots", key, "sound"), |bytes| {
            parse_sound(key, &bytes)
        })
    }

    fn has_sound(&self, key: &CacheKey) -> bool {
        let inner = &self.inner;
        let path = inner.path("shots", key, "sound");
        inner.runtime.block_on(async {
            let opts = GetOptions {
                range: Some(GetRange::Bounded(0..SOUND_HEAD_LEN as u64)),
                ..GetOptions::default()
            };
            let Ok(got) = inner.store.get_opts(&path, opts).await else {
                return false;
            };
            let len = got.meta.size;
            got.bytes()
                .await
                .is_ok_and(|head| sound_fits(key, &head, len))
        })
    }

    fn put_sound(
        &self,
        key: &CacheKey,
        sound: &StereoBuffer,
        cancel: &AtomicBool,
    ) -> Result<(), RenderError> {
        let bytes = serialize_sound(key, sound);
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }
        let inner = &self.inner;
        inner.create_object(
            &inner.path("shots", key, "sound"),
            bytes,
            "cannot store a shot's sound",
        )
    }

    fn claim(&self, key: &CacheKey) -> Result<Claim, RenderError> {
        lease::claim(&self.inner, key, &self.holder, self.lease_ttl)
    }

    fn lease(&self, key: &CacheKey) -> Result<Option<LeaseInfo>, RenderError> {
        lease::read(&*self.inner, key)
    }
}

impl LeaseStore for Inner {
    type Version = UpdateVersion;

    fn create(&self, key: &CacheKey, record: &[u8]) -> Result<Option<UpdateVersion>, RenderError> {
        self.put_lease(
            key,
            record,
            PutMode::Create,
            |e| {
                matches!(
                    e,
                    object_store::Error::AlreadyExists { .. }
                        | object_store::Error::Precondition { .. }
                )
            },
            "cannot create a lease",
        )
    }

    fn read(&self, key: &CacheKey) -> Result<Option<(Vec<u8>, UpdateVersion)>, RenderError> {
        let path = self.path("leases", key, "lease");
        self.runtime.block_on(async {
            let got = match self.store.get(&path).await {
                Ok(got) => got,
                Err(object_store::Error::NotFound { .. }) => return Ok(None),
                Err(e) => return Err(self.error("cannot read a lease", e)),
            };
            let version = UpdateVersion {
                e_tag: got.meta.e_tag.clone(),
                version: got.meta.version.clone(),
            };
            let bytes = got
                .bytes()
                .await
                .map_err(|e| self.error("cannot read a lease", e))?;
            Ok(Some((bytes.to_vec(), version)))
        })
    }

    fn replace(
        &self,
        key: &CacheKey,
        seen: &UpdateVersion,
        record: &[u8],
    ) -> Result<Option<UpdateVersion>, RenderError> {
        self.put_lease(
            key,
            record,
            PutMode::Update(seen.clone()),
            |e| {
                matches!(
                    e,
                    object_store::Error::Precondition { .. } | object_store::Error::NotFound { .. }
                )
            },
            "cannot renew a lease",
        )
    }

    fn delete(&self, key: &CacheKey) {
        let path = self.path("leases", key, "lease");
        let _ = self.runtime.block_on(self.store.delete(&path));
    }
}
