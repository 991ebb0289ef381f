//! Reading a `.next` folder safely: JSON files under a size limit, maps in
//! file order (Next.js iterates its manifests in insertion order, and that
//! order decides which of two colliding App Router keys wins), and paths
//! named inside manifests kept inside the build folder.

use std::fmt;
use std::path::{Component, Path, PathBuf};

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::error::{bad, BundleError, Result};

/// A manifest larger than this is refused.
pub const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;
/// At most this many routes (keys of a manifest) are read.
pub const MAX_ROUTES: usize = 100_000;
/// At most this many files per route are read.
pub const MAX_FILES_PER_ROUTE: usize = 10_000;

/// A JSON object read as its entries in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ordered<V>(pub Vec<(String, V)>);

impl<V> Ordered<V> {
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V2<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> std::result::Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, V>()? {
                    if out.len() >= MAX_ROUTES {
                        return Err(serde::de::Error::custom(format!(
                            "more than {MAX_ROUTES} entries"
                        )));
                    }
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V2(std::marker::PhantomData))
    }
}

/// `rel` under `dir` parsed as JSON; `Ok(None)` when the file is absent.
pub fn json<T: DeserializeOwned>(dir: &Path, rel: &str, shown: &str) -> Result<Option<T>> {
    let path = dir.join(rel);
    let shown = format!("{shown}/{rel}");
    let Ok(meta) = std::fs::metadata(&path) else {
        return Ok(None);
    };
    if meta.len() > MAX_MANIFEST_BYTES {
        return Err(BundleError::TooLarge {
            path: shown,
            limit: MAX_MANIFEST_BYTES,
        });
    }
    let data = std::fs::read(&path).map_err(|e| bad(&shown, e))?;
    serde_json::from_slice(&data)
        .map(Some)
        .map_err(|e| bad(&shown, format!("not the JSON Next.js writes: {e}")))
}

/// A file named by a manifest, relative to the build folder, checked: no
/// absolute path, no `..`, and (once resolved) still inside `dir`.
/// `Err` holds why it was refused.
pub fn contained(dir: &Path, rel: &str) -> std::result::Result<PathBuf, &'static str> {
    if rel.is_empty() {
        return Err("is empty");
    }
    if rel.chars().any(char::is_control) {
        return Err("has control characters");
    }
    let p = Path::new(rel);
    if !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err("leaves the build folder");
    }
    let full = dir.join(p);
    match full.canonicalize() {
        Ok(c) if c.starts_with(dir) => Ok(c),
        Ok(_) => Err("leaves the build folder (through a link)"),
        Err(_) => Err("is missing"),
    }
}

/// Files per route with counts bounded.
pub fn bounded(files: &[String]) -> &[String] {
    &files[..files.len().min(MAX_FILES_PER_ROUTE)]
}
