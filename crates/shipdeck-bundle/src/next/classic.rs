//! Next.js ≤ 15: Size and First Load JS per route the way `next build`
//! computes them (`computeFromManifest` and `getJsPageSizeInKb` in
//! `packages/next/src/build/utils.ts`), from `build-manifest.json` (Pages
//! Router) and `app-build-manifest.json` (App Router):
//!
//! - Each router's manifest maps an entry to the files it loads. A file's
//!   count is the number of entries listing it; a file of `/_app` counts as
//!   in every entry. *Common* files (count = number of entries, or in
//!   `/_app`) are "First Load JS shared by all" — JavaScript and CSS alike.
//!   *Unique* files are listed by exactly one entry.
//! - A route's First Load JS is the `.js` files of its entry plus those of
//!   `/_app`; its Size is the `.js` files of its entry that are unique and
//!   not common.
//! - App Router keys (`/blog/[slug]/page`, `/(shop)/cart/page`) are
//!   normalized to routes (`/blog/[slug]`, `/cart`) before the lookup; the
//!   per-route figures use the counts of the keys as written, the shared
//!   total the counts after normalization (Next.js recomputes it then).
//! - A file Next.js could not measure is left out of the sums.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Deserialize;

use crate::model::{RouteSize, Shared, SharedChunk};
use crate::next::files::{is_js, Sizes};
use crate::next::read::{bounded, Ordered};
use crate::next::routes::normalize_app_path;

pub type Manifest = Ordered<Vec<String>>;

#[derive(Debug, Default, Deserialize)]
pub struct BuildManifest {
    #[serde(default)]
    pub pages: Manifest,
    #[serde(default, rename = "rootMainFiles")]
    pub root_main_files: Vec<String>,
    #[serde(default, rename = "polyfillFiles")]
    pub polyfill_files: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct AppBuildManifest {
    #[serde(default)]
    pub pages: Manifest,
}

const INFINITE: u64 = u64::MAX;

/// A router's files split as Next.js splits them.
#[derive(Debug, Default)]
pub struct Groups {
    pub unique: HashSet<String>,
    /// In first-seen order.
    pub common: Vec<String>,
}

/// Counts per file (first-seen order) and the number of entries.
fn count(m: &Manifest) -> Groups {
    let mut order: Vec<String> = Vec::new();
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for (key, files) in &m.0 {
        for f in bounded(files) {
            let c = counts.entry(f.as_str()).or_insert_with(|| {
                order.push(f.clone());
                0
            });
            *c = if key == "/_app" {
                INFINITE
            } else {
                c.saturating_add(1)
            };
        }
    }
    let expected = m.0.len() as u64;
    let mut g = Groups::default();
    for f in order {
        let c = counts[f.as_str()];
        if c == 1 {
            g.unique.insert(f.clone());
        }
        if c == expected || c == INFINITE {
            g.common.push(f);
        }
    }
    g
}

/// App Router keys normalized to routes; a later key that normalizes to
/// the same route replaces the earlier one's files in place (as assigning
/// an existing key of a JavaScript object does).
pub fn normalize(m: &Manifest) -> Manifest {
    let mut out: Vec<(String, Vec<String>)> = Vec::with_capacity(m.0.len());
    let mut at: HashMap<String, usize> = HashMap::new();
    for (k, v) in &m.0 {
        let n = normalize_app_path(k);
        match at.get(&n) {
            Some(&i) => out[i].1 = v.clone(),
            None => {
                at.insert(n.clone(), out.len());
                out.push((n, v.clone()));
            }
        }
    }
    Ordered(out)
}

/// One router of the build.
pub struct Router<'a> {
    pub name: &'static str,
    /// Looked up by route (normalized for the App Router).
    pub lookup: Manifest,
    /// Counts for the per-route figures.
    pub groups: Groups,
    /// Counts for the "shared by all" total.
    pub shared_groups: Groups,
    pub sizes: &'a Sizes,
}

impl<'a> Router<'a> {
    pub fn pages(m: &Manifest, sizes: &'a Sizes) -> Self {
        Router {
            name: "pages",
            lookup: m.clone(),
            groups: count(m),
            shared_groups: count(m),
            sizes,
        }
    }

    pub fn app(m: &Manifest, sizes: &'a Sizes) -> Self {
        let lookup = normalize(m);
        Router {
            name: "app",
            groups: count(m),
            shared_groups: count(&lookup),
            lookup,
            sizes,
        }
    }

    /// "First Load JS shared by all": every common file, CSS included.
    pub fn shared(&self) -> Shared {
        let mut s = Shared::default();
        for f in &self.shared_groups.common {
            if let Some(z) = self.sizes.get(f) {
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

    /// The route's figures; `entry` is the manifest key to read (the
    /// route, or `/_error` for a `/404` without its own page). Files that
    /// could not be measured are named in `missing`.
    pub fn route(&self, route: &str, entry: &str, missing: &mut BTreeSet<String>) -> RouteSize {
        let js = |k: &str| -> Vec<&String> {
            self.lookup
                .get(k)
                .map(|v| bounded(v).iter().filter(|f| is_js(f)).collect())
                .unwrap_or_default()
        };
        let page = js(entry);
        let app = js("/_app");
        let mut seen = HashSet::new();
        let all: Vec<&String> = page
            .iter()
            .chain(&app)
            .copied()
            .filter(|f| seen.insert(*f))
            .collect();
        let common: HashSet<&String> = self.groups.common.iter().collect();
        let mut seen = HashSet::new();
        let own: Vec<&String> = page
            .iter()
            .copied()
            .filter(|f| self.groups.unique.contains(*f) && !common.contains(f) && seen.insert(*f))
            .collect();
        let (first_load, first_load_gz) = self.sum(&all, missing);
        let (size, size_gz) = self.sum(&own, missing);
        RouteSize {
            route: route.to_string(),
            router: self.name.to_string(),
            first_load_js_bytes: first_load,
            first_load_js_gzip_bytes: first_load_gz,
            size_bytes: size,
            size_gzip_bytes: size_gz,
            chunks: own.into_iter().cloned().collect(),
            packages: Vec::new(),
            kind: None,
            prerendered: Vec::new(),
        }
    }

    fn sum(&self, files: &[&String], missing: &mut BTreeSet<String>) -> (u64, u64) {
        files.iter().fold((0, 0), |(b, g), f| match self.sizes.get(f) {
            Some(z) => (b + z.bytes, g + z.gzip),
            None => {
                missing.insert((*f).clone());
                (b, g)
            }
        })
    }

    /// Every file the route loads (its entry and `/_app`), CSS included.
    pub fn loads(&self, entry: &str) -> Vec<String> {
        let mut seen = HashSet::new();
        [entry, "/_app"]
            .iter()
            .filter_map(|k| self.lookup.get(k))
            .flat_map(|v| bounded(v).iter())
            .filter(|f| seen.insert(f.as_str()))
            .cloned()
            .collect()
    }
}

/// Every file either manifest names.
pub fn all_files(build: &BuildManifest, app: Option<&AppBuildManifest>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, v) in build
        .pages
        .0
        .iter()
        .chain(app.map_or(&[][..], |a| &a.pages.0[..]))
    {
        out.extend(bounded(v).iter().cloned());
    }
    out
}
