//! Files in object stores: a location with a URL scheme (`s3://bucket/key`,
//! `gs://...`, `memory://...`) is read through the [`ObjectStore`] registered
//! for it in the session's `RuntimeEnv` (DataFusion's object store registry),
//! so an embedder who registers a store on every executor can query it.
//! Plain paths (and `file://` URLs) are read by the loader itself, as locally.

use bytes::Bytes;
use datafusion::execution::object_store::ObjectStoreUrl;
use datafusion::execution::TaskContext;
use datafusion::object_store::path::Path as StorePath;
use datafusion::object_store::{GetOptions, ObjectStore};

use arena_recordings::{Error, ErrorKind};

/// A location's store (`scheme://authority`) and its path in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreLocation {
    /// `scheme://authority`, the key of the store in the registry.
    pub store: String,
    /// The object's path in the store (URL-encoded, as in the location).
    pub path: String,
}

/// The store and path of `location` when it is a URL of an object store;
/// `None` for a local path or a `file://` URL.
pub fn split_url(location: &str) -> Option<StoreLocation> {
    let (scheme, rest) = location.split_once("://")?;
    let valid_scheme = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid_scheme || scheme.eq_ignore_ascii_case("file") {
        return None;
    }
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    Some(StoreLocation { store: format!("{scheme}://{authority}"), path: path.to_owned() })
}

/// The object's bytes, through the store registered for it (at most
/// `max_file_size` bytes: a larger object is refused before it is read).
pub fn fetch(context: &TaskContext, at: &StoreLocation, max_file_size: u64) -> Result<Bytes, Error> {
    let what = format!("{}/{}", at.store, at.path);
    let io = |msg: String| Error::new(ErrorKind::Io, msg);
    let url =
        ObjectStoreUrl::parse(&at.store).map_err(|e| io(format!("{what}: not an object store URL: {e}")))?;
    let store = context
        .runtime_env()
        .object_store(&url)
        .map_err(|e| io(format!("{what}: no object store is registered for {}: {e}", at.store)))?;
    let path = StorePath::from_url_path(&at.path).map_err(|e| io(format!("{what}: bad object path: {e}")))?;
    let handle = tokio::runtime::Handle::try_current()
        .map_err(|e| Error::new(ErrorKind::Internal, format!("{what}: no async runtime to read it: {e}")))?;
    handle.block_on(async {
        let got = store
            .get_opts(&path, GetOptions::default())
            .await
            .map_err(|e| io(format!("reading {what}: {e}")))?;
        if got.meta.size > max_file_size {
            return Err(Error::new(
                ErrorKind::Limit,
                format!("{what}: the object is {} bytes, over the limit of {max_file_size}", got.meta.size),
            ));
        }
        got.bytes().await.map_err(|e| io(format!("reading {what}: {e}")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_of_object_stores_are_told_from_paths() {
        let s3 = split_url("s3://bucket/runs/a%20b.json").unwrap();
        assert_eq!(s3, StoreLocation { store: "s3://bucket".into(), path: "runs/a%20b.json".into() });
        assert_eq!(split_url("memory://x").unwrap().path, "");
        for local in ["/data/a.json", "corpus/a.json", "file:///data/a.json", "C:/x", "1://b"] {
            assert_eq!(split_url(local), None, "{local}");
        }
    }
}
