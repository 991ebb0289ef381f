//! `wanted`, `latest` and the class of an update, with each ecosystem's own
//! version rules: node-semver and npm-pick-manifest's preferences for npm,
//! Cargo's requirement semantics, PEP 440 for PyPI.

use std::cmp::Reverse;

use nodejs_semver::{Range, Version as NpmVersion};

use crate::error::DepsError;
use crate::registry::{Package, Release};

/// How far `latest` is from the version in use (defined with the shared
/// types: shipdeck.toml's `[dependencies]` names classes too).
pub use shipdeck_types::UpdateClass as Class;

/// `None` when `to` is not past `from`.
pub fn class(from: [u64; 3], to: [u64; 3], to_is_newer: bool) -> Option<Class> {
    if !to_is_newer {
        return None;
    }
    let [fa, fb, fc] = from;
    let [ta, tb, tc] = to;
    let zero_minor_step = fa == 0 && (fb != tb || (fb == 0 && fc != tc));
    Some(if fa != ta || zero_minor_step {
        Class::Major
    } else if fb != tb {
        Class::Minor
    } else {
        Class::Patch
    })
}

/// What a versions computation yields.
#[derive(Debug, Default)]
pub struct Versions {
    pub wanted: Option<String>,
    pub latest: Option<String>,
    pub class: Option<Class>,
}

/// How npm reads a dependency's spec (after npm-package-arg).
pub enum NpmSpec {
    Version(NpmVersion),
    Range(Range, String),
    Tag(String),
    /// git, file, link, workspace, URL: `npm outdated` does not check these.
    NotRegistry,
}

pub fn npm_spec(spec: &str) -> NpmSpec {
    let spec = spec.trim();
    let spec = if spec.is_empty() { "*" } else { spec };
    if spec.contains(':')
        || spec.contains('/')
        || spec.starts_with('.')
        || spec.starts_with('~') && spec.contains('/')
    {
        return NpmSpec::NotRegistry;
    }
    if let Ok(v) = NpmVersion::parse(spec) {
        return NpmSpec::Version(v);
    }
    if let Ok(r) = Range::parse(spec) {
        return NpmSpec::Range(r, spec.to_string());
    }
    // npm-package-arg: a tag is what `encodeURIComponent` leaves unchanged.
    let tag_ok = spec
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c));
    if tag_ok {
        NpmSpec::Tag(spec.to_string())
    } else {
        NpmSpec::NotRegistry
    }
}

/// The engines of the running toolchain, for npm's "engine ok" preference.
#[derive(Debug, Clone, Default)]
pub struct Engines {
    pub node: Option<String>,
}

fn engine_ok(r: &Release, engines: &Engines) -> bool {
    let (Some(want), Some(node)) = (&r.engines_node, &engines.node) else {
        return true;
    };
    match (Range::parse(want), NpmVersion::parse(node)) {
        (Ok(range), Ok(v)) => range.satisfies_with_prerelease(&v, true),
        _ => false,
    }
}

/// npm-pick-manifest: the version npm installs for `spec`.
pub fn npm_pick(pkg: &Package, spec: &NpmSpec, engines: &Engines) -> Option<String> {
    let find = |v: &str| pkg.releases.iter().find(|r| r.version == v);
    let (range, raw) = match spec {
        NpmSpec::NotRegistry => return None,
        NpmSpec::Tag(t) => return pkg.dist_tags.get(t).filter(|v| find(v).is_some()).cloned(),
        NpmSpec::Version(v) => {
            return pkg
                .releases
                .iter()
                .find(|r| NpmVersion::parse(&r.version).is_ok_and(|rv| rv == *v))
                .map(|r| r.version.clone());
        }
        NpmSpec::Range(r, raw) => (r, raw.as_str()),
    };
    let satisfies = |ver: &str| NpmVersion::parse(ver).is_ok_and(|v| range.satisfies(&v));
    // The `latest` tag wins when the range allows it and it is usable.
    if let Some(default) = pkg.dist_tags.get("latest") {
        if raw == "*" || satisfies(default) {
            if let Some(r) = find(default) {
                if engine_ok(r, engines) && !r.deprecated {
                    return Some(default.clone());
                }
            }
        }
    }
    let mut candidates: Vec<(&Release, NpmVersion)> = pkg
        .releases
        .iter()
        .filter_map(|r| Some((r, NpmVersion::parse(&r.version).ok()?)))
        .filter(|(_, v)| range.satisfies(v))
        .collect();
    candidates.sort_by_key(|(r, v)| {
        let e = engine_ok(r, engines);
        let d = !r.deprecated;
        Reverse((d && e, e, d, v.clone()))
    });
    candidates.first().map(|(r, _)| r.version.clone())
}

fn npm_triple(v: &str) -> Option<[u64; 3]> {
    let v = NpmVersion::parse(v).ok()?;
    Some([v.major(), v.minor(), v.patch()])
}

pub fn npm_versions(pkg: &Package, requirement: &str, current: Option<&str>, engines: &Engines) -> Versions {
    let spec = npm_spec(requirement);
    let wanted = npm_pick(pkg, &spec, engines);
    let latest = npm_pick(pkg, &NpmSpec::Range(Range::any(), "*".into()), engines);
    let base = current.and_then(npm_triple).or_else(|| match &spec {
        NpmSpec::Range(r, _) => r.min_version().map(|v| [v.major(), v.minor(), v.patch()]),
        NpmSpec::Version(v) => Some([v.major(), v.minor(), v.patch()]),
        _ => wanted.as_deref().and_then(npm_triple),
    });
    let from = current
        .map(String::from)
        .or_else(|| base.map(|b| format!("{}.{}.{}", b[0], b[1], b[2])));
    let class = match (base, latest.as_deref().and_then(npm_triple), from) {
        (Some(b), Some(l), Some(f)) => {
            let newer = match (NpmVersion::parse(&f), latest.as_deref().map(NpmVersion::parse)) {
                (Ok(f), Some(Ok(l))) => l > f,
                _ => false,
            };
            class(b, l, newer)
        }
        _ => None,
    };
    Versions {
        wanted,
        latest,
        class,
    }
}

pub fn cargo_versions(
    pkg: &Package,
    name: &str,
    requirement: &str,
    current: Option<&str>,
) -> Result<Versions, DepsError> {
    let req = semver::VersionReq::parse(requirement).map_err(|e| DepsError::InvalidRequirement {
        name: name.to_string(),
        requirement: requirement.to_string(),
        detail: e.to_string(),
    })?;
    let live: Vec<semver::Version> = pkg
        .releases
        .iter()
        .filter(|r| !r.yanked)
        .filter_map(|r| semver::Version::parse(&r.version).ok())
        .collect();
    let wanted = live.iter().filter(|v| req.matches(v)).max().cloned();
    let latest = live.iter().filter(|v| v.pre.is_empty()).max().cloned();
    let from = current.and_then(|c| semver::Version::parse(c).ok()).or_else(|| {
        req.comparators
            .first()
            .map(|c| semver::Version::new(c.major, c.minor.unwrap_or(0), c.patch.unwrap_or(0)))
    });
    let class = match (&from, &latest) {
        (Some(f), Some(l)) => class([f.major, f.minor, f.patch], [l.major, l.minor, l.patch], l > f),
        _ => None,
    };
    Ok(Versions {
        wanted: wanted.map(|v| v.to_string()),
        latest: latest.map(|v| v.to_string()),
        class,
    })
}

fn py_triple(v: &pep440_rs::Version) -> [u64; 3] {
    let r = v.release();
    [0, 1, 2].map(|i| r.get(i).copied().unwrap_or(0))
}

pub fn pypi_versions(
    pkg: &Package,
    name: &str,
    requirement: &str,
    current: Option<&str>,
) -> Result<Versions, DepsError> {
    let specs: pep440_rs::VersionSpecifiers =
        requirement
            .parse()
            .map_err(
                |e: pep440_rs::VersionSpecifiersParseError| DepsError::InvalidRequirement {
                    name: name.to_string(),
                    requirement: requirement.to_string(),
                    detail: e.to_string(),
                },
            )?;
    let live: Vec<pep440_rs::Version> = pkg
        .releases
        .iter()
        .filter(|r| !r.yanked)
        .filter_map(|r| r.version.parse().ok())
        .collect();
    let allows_pre = specs.iter().any(|s| s.any_prerelease());
    let matching = |pre: bool| {
        live.iter()
            .filter(|v| specs.contains(v) && (pre || !v.any_prerelease()))
            .max()
            .cloned()
    };
    // PEP 440: prereleases only when asked for, or when nothing else matches.
    let wanted = matching(allows_pre).or_else(|| matching(true));
    let latest = live.iter().filter(|v| !v.any_prerelease()).max().cloned();
    let from = current
        .and_then(|c| c.parse::<pep440_rs::Version>().ok())
        .or_else(|| {
            specs
                .iter()
                .find(|s| {
                    !matches!(
                        s.operator(),
                        pep440_rs::Operator::LessThan
                            | pep440_rs::Operator::LessThanEqual
                            | pep440_rs::Operator::NotEqual
                    )
                })
                .map(|s| s.version().clone())
        });
    let class = match (&from, &latest) {
        (Some(f), Some(l)) => class(py_triple(f), py_triple(l), l > f),
        _ => None,
    };
    Ok(Versions {
        wanted: wanted.map(|v| v.to_string()),
        latest: latest.map(|v| v.to_string()),
        class,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_major_steps_count_as_major() {
        assert_eq!(class([1, 2, 3], [1, 2, 4], true), Some(Class::Patch));
        assert_eq!(class([1, 2, 3], [1, 3, 0], true), Some(Class::Minor));
        assert_eq!(class([1, 2, 3], [2, 0, 0], true), Some(Class::Major));
        assert_eq!(class([0, 2, 3], [0, 3, 0], true), Some(Class::Major));
        assert_eq!(class([0, 2, 3], [0, 2, 9], true), Some(Class::Patch));
        assert_eq!(class([0, 0, 3], [0, 0, 4], true), Some(Class::Major));
        assert_eq!(class([1, 2, 3], [1, 2, 3], false), None);
    }

    #[test]
    fn npm_specs_are_read_as_npm_package_arg_does() {
        assert!(matches!(npm_spec("^1.2.0"), NpmSpec::Range(..)));
        assert!(matches!(npm_spec("1.2.0"), NpmSpec::Version(_)));
        assert!(matches!(npm_spec(""), NpmSpec::Range(..)));
        assert!(matches!(npm_spec("next"), NpmSpec::Tag(_)));
        for other in [
            "workspace:*",
            "file:../a",
            "github:a/b",
            "a/b",
            "https://x/y.tgz",
            "git+ssh://x",
        ] {
            assert!(matches!(npm_spec(other), NpmSpec::NotRegistry), "{other}");
        }
    }
}
