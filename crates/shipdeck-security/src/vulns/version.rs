//! Versions in each ecosystem's own order: SemVer 2.0 precedence for npm,
//! crates.io and `SEMVER` ranges, PEP 440 for PyPI.

use std::cmp::Ordering;
use std::str::FromStr;

use super::Ecosystem;

/// How a range's versions compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    SemVer,
    Pep440,
}

impl Scheme {
    /// The order of an `ECOSYSTEM` range of `eco`.
    pub fn of(eco: Ecosystem) -> Scheme {
        match eco {
            Ecosystem::PyPI => Scheme::Pep440,
            Ecosystem::Npm | Ecosystem::CratesIo => Scheme::SemVer,
        }
    }

    /// The order of a range of type `kind` for a package of `eco`; `None`
    /// for ranges that versions cannot answer (`GIT`, unknown types).
    pub fn of_range(kind: &str, eco: Ecosystem) -> Option<Scheme> {
        match kind {
            "ECOSYSTEM" => Some(Scheme::of(eco)),
            "SEMVER" => Some(Scheme::SemVer),
            _ => None,
        }
    }

    pub fn parse(self, s: &str) -> Option<Version> {
        match self {
            Scheme::SemVer => semver_lenient(s).map(Version::Sem),
            Scheme::Pep440 => pep440_rs::Version::from_str(s.trim()).ok().map(Version::Py),
        }
    }
}

/// A parsed version of one scheme.
#[derive(Debug, Clone)]
pub enum Version {
    Sem(semver::Version),
    Py(pep440_rs::Version),
}

impl Version {
    /// Precedence order (SemVer build metadata does not count); `None`
    /// across schemes.
    pub fn compare(&self, other: &Version) -> Option<Ordering> {
        match (self, other) {
            (Version::Sem(a), Version::Sem(b)) => Some(a.cmp_precedence(b)),
            (Version::Py(a), Version::Py(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

/// SemVer, tolerant of what npm's lockfiles and registries accept: a `v` or
/// `=` prefix, surrounding blanks, and a missing minor or patch (`1.2` is
/// `1.2.0`).
fn semver_lenient(s: &str) -> Option<semver::Version> {
    let s = s.trim();
    let s = s.strip_prefix('=').unwrap_or(s).trim_start();
    let s = s.strip_prefix('v').or_else(|| s.strip_prefix('V')).unwrap_or(s);
    if let Ok(v) = semver::Version::parse(s) {
        return Some(v);
    }
    // Pad the numeric core only: "1.2-beta" becomes "1.2.0-beta".
    let split = s.find(['-', '+']).unwrap_or(s.len());
    let (core, rest) = s.split_at(split);
    let dots = core.matches('.').count();
    if dots >= 2 || core.is_empty() || !core.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let padded = format!("{core}{}{rest}", ".0".repeat(2 - dots));
    semver::Version::parse(&padded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(s: Scheme, a: &str, b: &str) -> Ordering {
        s.parse(a).unwrap().compare(&s.parse(b).unwrap()).unwrap()
    }

    #[test]
    fn semver_is_lenient_and_orders_prereleases_first() {
        assert_eq!(cmp(Scheme::SemVer, "v1.2.3", "1.2.3"), Ordering::Equal);
        assert_eq!(cmp(Scheme::SemVer, "1.2", "1.2.0"), Ordering::Equal);
        assert_eq!(cmp(Scheme::SemVer, "1.0.0-rc.1", "1.0.0"), Ordering::Less);
        assert_eq!(cmp(Scheme::SemVer, "1.0.0+build.5", "1.0.0"), Ordering::Equal);
        assert_eq!(
            cmp(Scheme::SemVer, "1.0.0-alpha.10", "1.0.0-alpha.9"),
            Ordering::Greater
        );
        assert!(Scheme::SemVer.parse("latest").is_none());
        assert!(Scheme::SemVer.parse("1.x").is_none());
    }

    #[test]
    fn pep440_orders_dev_pre_post_and_local() {
        let p = Scheme::Pep440;
        assert_eq!(cmp(p, "1.0.dev1", "1.0a1"), Ordering::Less);
        assert_eq!(cmp(p, "1.0rc1", "1.0"), Ordering::Less);
        assert_eq!(cmp(p, "1.0.post1", "1.0"), Ordering::Greater);
        assert_eq!(cmp(p, "1.0+local.7", "1.0"), Ordering::Greater);
        assert_eq!(cmp(p, "1.0+local.7", "1.0.post1"), Ordering::Less);
        assert_eq!(cmp(p, "2.31", "2.31.0"), Ordering::Equal);
        assert_eq!(cmp(p, "v1.0", "1.0"), Ordering::Equal);
    }
}
