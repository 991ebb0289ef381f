//! Next.js 16 with Turbopack no longer prints Size and First Load JS; it
//! writes `diagnostics/route-bundle-stats.json` instead: one entry per page
//! route, `{"route", "firstLoadUncompressedJsBytes", "firstLoadChunkPaths"}`,
//! the paths relative to the project (`.next/static/chunks/…`). Its
//! uncompressed figure is reported as is; gzip is computed from the files;
//! "shared" is the chunks every listed route loads, and a route's Size is
//! what it loads beyond them.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use serde::Deserialize;

use crate::error::Result;
use crate::model::{RouteSize, Shared, SharedChunk};
use crate::next::files::Sizes;
use crate::next::read::{bounded, json, MAX_ROUTES};

pub const STATS: &str = "diagnostics/route-bundle-stats.json";

#[derive(Debug, Deserialize)]
pub struct RouteStats {
    pub route: String,
    #[serde(rename = "firstLoadUncompressedJsBytes")]
    pub first_load_uncompressed_js_bytes: u64,
    #[serde(default, rename = "firstLoadChunkPaths")]
    pub first_load_chunk_paths: Vec<String>,
}

/// The stats, their chunk paths made relative to the build folder. A path
/// that does not start with the build folder's name is kept as written
/// (and then refused by the containment check when it leaves it).
pub fn read(dir: &Path, shown: &str) -> Result<Option<Vec<RouteStats>>> {
    let Some(mut v): Option<Vec<RouteStats>> = json(dir, STATS, shown)? else {
        return Ok(None);
    };
    v.truncate(MAX_ROUTES);
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or(".next");
    let prefix = format!("{name}/");
    for r in &mut v {
        r.first_load_chunk_paths
            .truncate(bounded(&r.first_load_chunk_paths).len());
        for p in &mut r.first_load_chunk_paths {
            let q = p.replace('\\', "/");
            *p = q.strip_prefix(&prefix).map_or(q.clone(), str::to_string);
        }
    }
    Ok(Some(v))
}

pub fn files(stats: &[RouteStats]) -> BTreeSet<String> {
    stats
        .iter()
        .flat_map(|r| r.first_load_chunk_paths.iter().cloned())
        .collect()
}

/// The chunks every route loads, in the first route's order.
pub fn shared(stats: &[RouteStats], sizes: &Sizes) -> Shared {
    let mut s = Shared::default();
    let Some(first) = stats.first() else { return s };
    let sets: Vec<HashSet<&String>> = stats
        .iter()
        .map(|r| r.first_load_chunk_paths.iter().collect())
        .collect();
    let mut seen = HashSet::new();
    for f in &first.first_load_chunk_paths {
        if !seen.insert(f) || !sets.iter().all(|set| set.contains(f)) {
            continue;
        }
        if let Some(z) = sizes.get(f) {
            s.bytes += z.bytes;
            s.gzip_bytes += z.gzip;
            s.chunks.push(SharedChunk {
                path: f.clone(),
                bytes: z.bytes,
                gzip_bytes: z.gzip,
            });
        }
    }
    s
}

pub fn route(
    r: &RouteStats,
    router: &str,
    shared: &Shared,
    sizes: &Sizes,
    missing: &mut BTreeSet<String>,
) -> RouteSize {
    let common: HashSet<&str> = shared.chunks.iter().map(|c| c.path.as_str()).collect();
    let mut seen = HashSet::new();
    let (mut gz, mut own, mut own_gz, mut chunks) = (0, 0, 0, Vec::new());
    for f in &r.first_load_chunk_paths {
        if !seen.insert(f) {
            continue;
        }
        let Some(z) = sizes.get(f) else {
            missing.insert(f.clone());
            continue;
        };
        gz += z.gzip;
        if !common.contains(f.as_str()) {
            own += z.bytes;
            own_gz += z.gzip;
            chunks.push(f.clone());
        }
    }
    RouteSize {
        route: r.route.clone(),
        router: router.to_string(),
        first_load_js_bytes: r.first_load_uncompressed_js_bytes,
        first_load_js_gzip_bytes: gz,
        size_bytes: own,
        size_gzip_bytes: own_gz,
        chunks,
        packages: Vec::new(),
        kind: None,
        prerendered: Vec::new(),
    }
}
