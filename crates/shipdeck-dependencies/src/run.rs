//! The `outdated` run: manifests, configuration, one registry request per
//! package (concurrent, bounded per host), then one row per dependency.

use std::collections::BTreeMap;
use std::path::Path;

use futures::StreamExt;
use shipdeck_base::error::{Error, Result};
use shipdeck_base::jobs::Progress;
use url::Url;

use crate::config::{CargoConfig, NpmConfig, PipConfig};
use crate::error::DepsError;
use crate::fetch::Fetcher;
use crate::manifest::{read_workspace, Direct};
use crate::registry::{self, Package};
use crate::resolve::{self, Engines, Versions};
use crate::{Ecosystem, Outdated, OutdatedOptions, OutdatedReport};

/// At most this many dependencies are checked in one run.
pub const MAX_DEPENDENCIES: usize = 20_000;
/// Packages asked for at once across all registries (each host has its own
/// lower bound in the fetcher).
const IN_FLIGHT: usize = 64;

/// Which registry document answers for a dependency.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    ecosystem: Ecosystem,
    /// The registry (npm URL, Cargo index), so one name on two registries is two packages.
    source: String,
    name: String,
}

struct Configs {
    npm: Option<NpmConfig>,
    cargo: Option<CargoConfig>,
    pip: Option<PipConfig>,
}

/// Every direct dependency of every manifest under `root`, with its
/// locked, wanted and latest versions. Blocks: call it from a blocking
/// thread (it runs its own small async runtime for the requests).
pub fn outdated(root: &Path, opts: &OutdatedOptions, progress: &Progress) -> Result<OutdatedReport> {
    let deps = read_workspace(root)?;
    if deps.len() > MAX_DEPENDENCIES {
        return Err(DepsError::TooManyDependencies {
            path: ".".into(),
            limit: MAX_DEPENDENCIES,
        }
        .into());
    }
    let configs = load_configs(root, &deps, opts)?;
    let fetcher = fetcher(opts)?;
    let packages = runtime()?.block_on(fetch_all(&deps, &configs, &fetcher, progress))?;
    let engines = Engines {
        node: opts.node_version.clone(),
    };
    let dependencies = deps
        .into_iter()
        .map(|d| {
            let fetched = if is_registry(&d) {
                Some(match key_of(&d, &configs) {
                    Ok(k) => packages
                        .get(&k)
                        .cloned()
                        .unwrap_or_else(|| Err(Error::Internal("package not fetched".into()).payload())),
                    Err(e) => Err(Error::from(e).payload()),
                })
            } else {
                None
            };
            row(d, fetched, &engines)
        })
        .collect();
    Ok(OutdatedReport {
        dependencies,
        schedule: None,
        warnings: Vec::new(),
    })
}

fn load_configs(root: &Path, deps: &[Direct], opts: &OutdatedOptions) -> Result<Configs> {
    let has = |e| deps.iter().any(|d| d.ecosystem == e);
    Ok(Configs {
        npm: has(Ecosystem::Npm)
            .then(|| NpmConfig::load(root, &opts.env))
            .transpose()?,
        cargo: has(Ecosystem::Cargo)
            .then(|| CargoConfig::load(root, &opts.env))
            .transpose()?,
        pip: has(Ecosystem::Pypi)
            .then(|| PipConfig::load(&opts.env))
            .transpose()?,
    })
}

fn fetcher(opts: &OutdatedOptions) -> Result<Fetcher> {
    Ok(Fetcher::new(
        opts.cache_dir.clone(),
        opts.max_body_bytes,
        opts.timeout,
        opts.per_host,
        opts.reuse_connections,
    )?)
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("async runtime: {e}")))
}

/// What each registry publishes for the packages of `rows` (same order;
/// `None` where the row's manifest no longer declares it or its registry
/// failed), read through the same cached fetcher as [`outdated`]: an
/// update needs every version, not only `latest`.
pub(crate) fn packages_for(
    root: &Path,
    rows: &[&Outdated],
    opts: &OutdatedOptions,
    progress: &Progress,
) -> Result<Vec<Option<Package>>> {
    let deps: Vec<Direct> = read_workspace(root)?
        .into_iter()
        .filter(|d| {
            rows.iter()
                .any(|r| r.ecosystem == d.ecosystem && r.name == d.name && r.manifest == d.manifest)
        })
        .collect();
    let configs = load_configs(root, &deps, opts)?;
    let packages = runtime()?.block_on(fetch_all(&deps, &configs, &fetcher(opts)?, progress))?;
    Ok(rows
        .iter()
        .map(|r| {
            let d = deps
                .iter()
                .find(|d| r.ecosystem == d.ecosystem && r.name == d.name && r.manifest == d.manifest)?;
            packages.get(&key_of(d, &configs).ok()?)?.as_ref().ok().cloned()
        })
        .collect())
}

/// The source repository the registry names for each of `wanted`
/// (ecosystem, name), read as `outdated` reads it, for the direct
/// dependencies of the manifests under `root`. A package whose registry
/// names none, or fails, is left out.
pub fn repositories(
    root: &Path,
    opts: &OutdatedOptions,
    wanted: &[(Ecosystem, String)],
    progress: &Progress,
) -> Result<BTreeMap<(Ecosystem, String), String>> {
    let deps: Vec<Direct> = read_workspace(root)?
        .into_iter()
        .filter(|d| is_registry(d) && wanted.iter().any(|(e, n)| *e == d.ecosystem && *n == d.name))
        .collect();
    let configs = load_configs(root, &deps, opts)?;
    let packages = runtime()?.block_on(fetch_all(&deps, &configs, &fetcher(opts)?, progress))?;
    Ok(packages
        .into_iter()
        .filter_map(|(k, p)| Some(((k.ecosystem, k.name), p.ok()?.repository?)))
        .collect())
}

/// npm skips git, file, link, workspace and URL specs; so do we.
fn is_registry(d: &Direct) -> bool {
    d.ecosystem != Ecosystem::Npm
        || !matches!(resolve::npm_spec(&d.requirement), resolve::NpmSpec::NotRegistry)
}

/// The registry document a dependency needs; an error when its registry is
/// not configured or not readable.
fn key_of(d: &Direct, c: &Configs) -> std::result::Result<Key, DepsError> {
    let source = match d.ecosystem {
        Ecosystem::Npm => c.npm.as_ref().map(|n| n.registry_for(&d.name).to_string()),
        Ecosystem::Cargo => {
            let idx = c
                .cargo
                .as_ref()
                .and_then(|cfg| cfg.index_for(d.registry.as_deref()));
            Some(idx.map(String::from).ok_or_else(|| DepsError::UnsupportedIndex {
                index: d.registry.clone().unwrap_or_default(),
            })?)
        }
        Ecosystem::Pypi => c
            .pip
            .as_ref()
            .map(|p| p.indexes.iter().map(Url::as_str).collect::<Vec<_>>().join(" ")),
    };
    Ok(Key {
        ecosystem: d.ecosystem,
        source: source.unwrap_or_default(),
        name: d.name.clone(),
    })
}

type Fetched = std::result::Result<Package, shipdeck_types::ErrorPayload>;

async fn fetch_all(
    deps: &[Direct],
    c: &Configs,
    f: &Fetcher,
    progress: &Progress,
) -> Result<BTreeMap<Key, Fetched>> {
    let mut keys: Vec<Key> = deps
        .iter()
        .filter(|d| is_registry(d))
        .filter_map(|d| key_of(d, c).ok())
        .collect();
    keys.sort();
    keys.dedup();
    let total = keys.len() as u64;
    let mut stream = futures::stream::iter(keys)
        .map(|k| async move {
            let res = fetch_one(&k, c, f).await.map_err(|e| Error::from(e).payload());
            (k, res)
        })
        .buffer_unordered(IN_FLIGHT);
    let mut out = BTreeMap::new();
    while let Some((k, res)) = stream.next().await {
        progress.checkpoint()?;
        let label = format!("{} {}", k.ecosystem.as_str(), k.name);
        out.insert(k, res);
        progress.report(out.len() as u64, Some(total), label);
    }
    Ok(out)
}

async fn fetch_one(k: &Key, c: &Configs, f: &Fetcher) -> std::result::Result<Package, DepsError> {
    match k.ecosystem {
        Ecosystem::Npm => {
            let Some(cfg) = &c.npm else {
                return Ok(Package::default());
            };
            let registry = cfg.registry_for(&k.name);
            let url = registry::npm_url(registry, &k.name)?;
            registry::npm(f, registry, cfg.token_for(&url), &k.name).await
        }
        Ecosystem::Cargo => registry::cargo(f, &k.source, &k.name).await,
        Ecosystem::Pypi => {
            let indexes = c.pip.as_ref().map(|p| p.indexes.clone()).unwrap_or_default();
            registry::pypi(f, &indexes, &k.name).await
        }
    }
}

/// A repository URL as package metadata writes it
/// (`git+https://github.com/o/r.git`, `github:o/r`, `o/r`) as a web URL.
pub(crate) fn repository_url(repo: &str) -> Option<Url> {
    let r = repo
        .trim()
        .trim_start_matches("git+")
        .trim_end_matches('/')
        .trim_end_matches(".git");
    let shorthand = !r.contains(':') && r.split('/').count() == 2;
    let r = match r.strip_prefix("github:") {
        Some(s) => format!("https://github.com/{s}"),
        None if shorthand => format!("https://github.com/{r}"),
        None => r.to_string(),
    };
    let r = r.replace("git://", "https://").replace("ssh://git@", "https://");
    Url::parse(&r).ok()
}

/// GitHub, GitLab or Codeberg releases page of a repository URL as package
/// metadata writes it.
fn release_notes(repo: &str) -> Option<String> {
    let url = repository_url(repo)?;
    let host = url.host_str()?;
    let segs: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    if segs.len() < 2 {
        return None;
    }
    let path = format!("{}/{}", segs[0], segs[1]);
    match host {
        "github.com" => Some(format!("https://github.com/{path}/releases")),
        "gitlab.com" => Some(format!("https://gitlab.com/{path}/-/releases")),
        "codeberg.org" => Some(format!("https://codeberg.org/{path}/releases")),
        _ => None,
    }
}

fn row(d: Direct, fetched: Option<Fetched>, engines: &Engines) -> Outdated {
    let mut out = Outdated {
        ecosystem: d.ecosystem,
        name: d.name.clone(),
        manifest: d.manifest.clone(),
        requirement: d.requirement.clone(),
        current: d.current.clone(),
        wanted: None,
        latest: None,
        class: None,
        kind: d.kind.clone(),
        released: None,
        homepage: None,
        repository: None,
        release_notes: None,
        advisories: Vec::new(),
        group: None,
        error: None,
    };
    let pkg = match fetched {
        None => return out,
        Some(Err(e)) => {
            out.error = Some(e);
            return out;
        }
        Some(Ok(p)) => p,
    };
    let versions: std::result::Result<Versions, DepsError> = match d.ecosystem {
        Ecosystem::Npm => Ok(resolve::npm_versions(
            &pkg,
            &d.requirement,
            d.current.as_deref(),
            engines,
        )),
        Ecosystem::Cargo => resolve::cargo_versions(&pkg, &d.name, &d.requirement, d.current.as_deref()),
        Ecosystem::Pypi => resolve::pypi_versions(&pkg, &d.name, &d.requirement, d.current.as_deref()),
    };
    match versions {
        Ok(v) => {
            out.released = v
                .latest
                .as_ref()
                .and_then(|l| pkg.releases.iter().find(|r| &r.version == l))
                .and_then(|r| r.released.clone());
            out.wanted = v.wanted;
            out.latest = v.latest;
            out.class = v.class;
        }
        Err(e) => out.error = Some(Error::from(e).payload()),
    }
    out.release_notes = pkg.repository.as_deref().and_then(release_notes);
    out.homepage = pkg.homepage;
    out.repository = pkg.repository;
    out
}

#[cfg(test)]
mod tests {
    use super::release_notes;

    #[test]
    fn release_notes_follow_the_repository() {
        assert_eq!(
            release_notes("git+https://github.com/npm/node-semver.git").as_deref(),
            Some("https://github.com/npm/node-semver/releases")
        );
        assert_eq!(
            release_notes("chalk/chalk").as_deref(),
            Some("https://github.com/chalk/chalk/releases")
        );
        assert_eq!(release_notes("https://example.com/x/y"), None);
    }
}
