//! Where advisories come from: an OSV-compatible API, OSV's offline
//! exports, or records already in hand.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::Duration;

use super::matching::name_key;
use super::osv::Advisory;
use super::{Ecosystem, VulnsOptions};

/// The public OSV API.
pub const DEFAULT_OSV_URL: &str = "https://api.osv.dev";

/// What advisories are matched against.
#[derive(Debug, Clone)]
pub enum AdvisorySource {
    /// An OSV-compatible API: `POST {url}/v1/querybatch`, then
    /// `GET {url}/v1/vulns/{id}` for each id it names.
    Api(ApiSource),
    /// OSV's exports laid out as `dir/<Ecosystem>/all.zip`.
    Offline(PathBuf),
    /// Advisories already read (callers with a feed of their own).
    Records(Vec<Advisory>),
}

impl AdvisorySource {
    /// `--offline` when given, else the API at `--osv-url` or the default.
    pub fn from_options(opts: &VulnsOptions) -> AdvisorySource {
        match (&opts.offline, &opts.osv_url) {
            (Some(dir), _) => AdvisorySource::Offline(dir.clone()),
            (None, Some(url)) => AdvisorySource::Api(ApiSource::new(url)),
            (None, None) => AdvisorySource::Api(ApiSource::new(DEFAULT_OSV_URL)),
        }
    }
}

/// An OSV-compatible API and the bounds a scan keeps with it.
#[derive(Debug, Clone)]
pub struct ApiSource {
    pub url: String,
    /// For each request, answer included.
    pub timeout: Duration,
    /// Advisory records fetched at once.
    pub concurrency: usize,
    /// Largest `querybatch` answer read.
    pub max_batch_bytes: u64,
    /// Largest advisory record read.
    pub max_record_bytes: u64,
}

impl ApiSource {
    pub fn new(url: impl Into<String>) -> ApiSource {
        ApiSource {
            url: url.into(),
            timeout: Duration::from_secs(60),
            concurrency: 8,
            max_batch_bytes: 32 << 20,
            max_record_bytes: 4 << 20,
        }
    }
}

/// Which advisory a package name (and, from the API, a version) may be
/// affected by.
#[derive(Debug, Default)]
pub struct Found {
    pub advisories: HashMap<String, Advisory>,
    /// Advisory ids by (ecosystem, name key, version); `None` for a version
    /// when the source answers by name only (offline, records).
    pub ids: HashMap<(Ecosystem, String, Option<String>), BTreeSet<String>>,
}

impl Found {
    /// Indexes `adv` under every package of `wanted` it names.
    pub fn add_by_name(&mut self, adv: Advisory, wanted: &BTreeSet<(Ecosystem, String)>) {
        let mut keys = BTreeSet::new();
        for a in &adv.affected {
            let Some(p) = &a.package else { continue };
            for eco in [Ecosystem::CratesIo, Ecosystem::Npm, Ecosystem::PyPI] {
                if p.ecosystem == eco.osv_name() {
                    let key = (eco, name_key(eco, &p.name));
                    if wanted.contains(&key) {
                        keys.insert(key);
                    }
                }
            }
        }
        if keys.is_empty() {
            return;
        }
        for (eco, name) in keys {
            self.ids
                .entry((eco, name, None))
                .or_default()
                .insert(adv.id.clone());
        }
        self.advisories.insert(adv.id.clone(), adv);
    }

    /// The advisories that may affect `name` at `version`.
    pub fn candidates(&self, eco: Ecosystem, name: &str, version: &str) -> Vec<&Advisory> {
        let key = name_key(eco, name);
        let by_version = self.ids.get(&(eco, key.clone(), Some(version.to_string())));
        let by_name = self.ids.get(&(eco, key, None));
        let ids: BTreeSet<&String> = by_version.into_iter().chain(by_name).flatten().collect();
        ids.into_iter().filter_map(|id| self.advisories.get(id)).collect()
    }
}
