//! Does an OSV advisory affect a package at a version? The schema's
//! evaluation, exactly: `affected[]` entries for the package (same
//! ecosystem; PyPI names PEP 503-normalised on both sides), their explicit
//! `versions`, and their `ECOSYSTEM` and `SEMVER` ranges walked as the
//! schema's `IncludedInRanges`/`BeforeLimits` say. `GIT` ranges, unknown
//! range types, `database_specific` and `ecosystem_specific` play no part.
//! Withdrawn advisories match nothing.

use std::cmp::Ordering;
use std::str::FromStr;

use super::osv::{pep503, Advisory, Affected, Range, SeverityEntry};
use super::version::{Scheme, Version};
use super::{Ecosystem, VulnSeverity};

/// The name an advisory and a lockfile are compared by.
pub fn name_key(eco: Ecosystem, name: &str) -> String {
    match eco {
        Ecosystem::PyPI => pep503(name),
        Ecosystem::Npm | Ecosystem::CratesIo => name.trim().to_string(),
    }
}

/// An advisory that affects one package at one version.
#[derive(Debug, Clone)]
pub struct Hit<'a> {
    pub advisory: &'a Advisory,
    /// The `fixed` event closing each interval that holds the version.
    pub fixed: Vec<String>,
    /// Every `fixed` event of the package's ranges: where an upgrade may go.
    pub candidates: Vec<String>,
    pub severity: Option<VulnSeverity>,
    pub score: Option<f64>,
    pub cvss: Option<String>,
}

/// The hit of `adv` for `name` at `version`, when it affects it.
pub fn evaluate<'a>(adv: &'a Advisory, eco: Ecosystem, name: &str, version: &str) -> Option<Hit<'a>> {
    if adv.withdrawn.is_some() {
        return None;
    }
    let key = name_key(eco, name);
    let entries: Vec<&Affected> = adv
        .affected
        .iter()
        .filter(|a| {
            a.package
                .as_ref()
                .is_some_and(|p| p.ecosystem == eco.osv_name() && name_key(eco, &p.name) == key)
        })
        .collect();
    let mut affected_by: Option<&Affected> = None;
    let mut fixed = Vec::new();
    let mut candidates = Vec::new();
    for entry in &entries {
        let mut hit = in_versions(eco, version, &entry.versions);
        for range in &entry.ranges {
            let Some(scheme) = Scheme::of_range(&range.kind, eco) else {
                continue;
            };
            candidates.extend(range.events.iter().filter_map(|e| e.fixed.clone()));
            let Some(v) = scheme.parse(version) else { continue };
            if included(scheme, &v, range) {
                hit = true;
                fixed.extend(closing_fix(scheme, &v, range));
            }
        }
        if hit && affected_by.is_none() {
            affected_by = Some(entry);
        }
    }
    let entry = affected_by?;
    let (severity, score, cvss) = rate(adv, entry);
    Some(Hit {
        advisory: adv,
        fixed,
        candidates,
        severity,
        score,
        cvss,
    })
}

/// `IncludedInVersions`: equal as versions of the ecosystem, or as strings
/// when either does not parse.
fn in_versions(eco: Ecosystem, version: &str, versions: &[String]) -> bool {
    let scheme = Scheme::of(eco);
    let mine = scheme.parse(version);
    versions.iter().any(|v| match (&mine, scheme.parse(v)) {
        (Some(a), Some(b)) => a.compare(&b) == Some(Ordering::Equal),
        _ => v.trim() == version.trim(),
    })
}

/// A bound of an event: `"0"` before every version, `"*"` after.
#[derive(Debug, Clone)]
enum Bound {
    Zero,
    At(Version),
    Infinity,
}

impl Bound {
    fn parse(scheme: Scheme, s: &str) -> Option<Bound> {
        match s.trim() {
            "0" => Some(Bound::Zero),
            t if t.contains('*') => Some(Bound::Infinity),
            t => scheme.parse(t).map(Bound::At),
        }
    }

    fn cmp_version(&self, v: &Version) -> Option<Ordering> {
        match self {
            Bound::Zero => Some(Ordering::Less),
            Bound::Infinity => Some(Ordering::Greater),
            Bound::At(b) => b.compare(v),
        }
    }

    fn cmp(&self, other: &Bound) -> Ordering {
        match (self, other) {
            (Bound::Zero, Bound::Zero) | (Bound::Infinity, Bound::Infinity) => Ordering::Equal,
            (Bound::Zero, _) | (_, Bound::Infinity) => Ordering::Less,
            (_, Bound::Zero) | (Bound::Infinity, _) => Ordering::Greater,
            (Bound::At(a), Bound::At(b)) => a.compare(b).unwrap_or(Ordering::Equal),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

/// The range's events that parse, in the range's order. An event whose
/// version does not parse in the scheme is left out (it cannot be placed).
fn events(scheme: Scheme, range: &Range) -> Vec<(Kind, Bound)> {
    range
        .events
        .iter()
        .filter_map(|e| {
            let (kind, s) = if let Some(s) = &e.introduced {
                (Kind::Introduced, s)
            } else if let Some(s) = &e.fixed {
                (Kind::Fixed, s)
            } else if let Some(s) = &e.last_affected {
                (Kind::LastAffected, s)
            } else {
                (Kind::Limit, e.limit.as_ref()?)
            };
            Bound::parse(scheme, s).map(|b| (kind, b))
        })
        .collect()
}

/// The schema's `BeforeLimits` then its sorted walk of the events.
fn included(scheme: Scheme, v: &Version, range: &Range) -> bool {
    let mut evs = events(scheme, range);
    let mut limits = evs.iter().filter(|(k, _)| *k == Kind::Limit).peekable();
    if limits.peek().is_some() && !limits.any(|(_, b)| b.cmp_version(v) == Some(Ordering::Greater)) {
        return false;
    }
    evs.sort_by(|a, b| a.1.cmp(&b.1));
    let mut vulnerable = false;
    for (kind, bound) in &evs {
        // `bound.cmp_version(v)` is bound ⋚ v.
        let Some(ord) = bound.cmp_version(v) else { continue };
        match kind {
            Kind::Introduced if ord != Ordering::Greater => vulnerable = true,
            Kind::Fixed if ord != Ordering::Greater => vulnerable = false,
            Kind::LastAffected if ord == Ordering::Less => vulnerable = false,
            _ => {}
        }
    }
    vulnerable
}

/// The `fixed` event that ends the interval holding `v`: the smallest end
/// at or above it (none when that end is a `last_affected`).
fn closing_fix(scheme: Scheme, v: &Version, range: &Range) -> Option<String> {
    let mut ends: Vec<(Kind, Bound, &str)> = range
        .events
        .iter()
        .filter(|e| e.introduced.is_none())
        .filter_map(|e| {
            let (kind, s) = match (&e.fixed, &e.last_affected) {
                (Some(s), _) => (Kind::Fixed, s),
                (None, Some(s)) => (Kind::LastAffected, s),
                (None, None) => return None,
            };
            Bound::parse(scheme, s).map(|b| (kind, b, s.as_str()))
        })
        .collect();
    ends.sort_by(|a, b| a.1.cmp(&b.1));
    let (kind, _, s) = ends.iter().find(|(kind, b, _)| match b.cmp_version(v) {
        Some(Ordering::Greater) => true,
        Some(Ordering::Equal) => *kind == Kind::LastAffected,
        _ => false,
    })?;
    (*kind == Kind::Fixed).then(|| s.trim().to_string())
}

/// Severity from a CVSS v4.0 vector, else a v3.x one (the affected entry's
/// own first, then the advisory's), else the database's rating.
fn rate(adv: &Advisory, entry: &Affected) -> (Option<VulnSeverity>, Option<f64>, Option<String>) {
    let all: Vec<&SeverityEntry> = entry.severity.iter().chain(&adv.severity).collect();
    for kind in ["CVSS_V4", "CVSS_V3"] {
        for s in all.iter().filter(|s| s.kind == kind) {
            let Ok(c) = cvss::Cvss::from_str(s.score.trim()) else {
                continue;
            };
            if matches!(c, cvss::Cvss::CvssV20(_)) {
                continue;
            }
            let score = c.score();
            return (Some(rating(score)), Some(score), Some(s.score.trim().to_string()));
        }
    }
    let db = adv.database_specific.as_ref().and_then(|d| d.severity.as_deref());
    let sev = match db.map(str::to_ascii_uppercase).as_deref() {
        Some("CRITICAL") => Some(VulnSeverity::Critical),
        Some("HIGH") => Some(VulnSeverity::High),
        Some("MODERATE" | "MEDIUM") => Some(VulnSeverity::Medium),
        Some("LOW") => Some(VulnSeverity::Low),
        _ => None,
    };
    (sev, None, None)
}

/// CVSS's qualitative rating of a base score.
pub fn rating(score: f64) -> VulnSeverity {
    if score >= 9.0 {
        VulnSeverity::Critical
    } else if score >= 7.0 {
        VulnSeverity::High
    } else if score >= 4.0 {
        VulnSeverity::Medium
    } else if score > 0.0 {
        VulnSeverity::Low
    } else {
        VulnSeverity::None
    }
}

/// The smallest candidate above `version` that none of `hits` affects.
pub fn upgrade_to(eco: Ecosystem, name: &str, version: &str, hits: &[Hit<'_>]) -> Option<String> {
    let scheme = Scheme::of(eco);
    let current = scheme.parse(version)?;
    let mut cands: Vec<(Version, &str)> = hits
        .iter()
        .flat_map(|h| h.candidates.iter())
        .filter_map(|c| scheme.parse(c).map(|v| (v, c.as_str())))
        .filter(|(v, _)| v.compare(&current) == Some(Ordering::Greater))
        .collect();
    cands.sort_by(|a, b| a.0.compare(&b.0).unwrap_or(Ordering::Equal));
    cands
        .into_iter()
        .find(|(_, c)| hits.iter().all(|h| evaluate(h.advisory, eco, name, c).is_none()))
        .map(|(_, c)| c.to_string())
}

/// Sorts version strings in `eco`'s order (unparsable ones last, by text)
/// and drops duplicates.
pub fn sort_versions(eco: Ecosystem, mut vs: Vec<String>) -> Vec<String> {
    let scheme = Scheme::of(eco);
    vs.sort_by(|a, b| match (scheme.parse(a), scheme.parse(b)) {
        (Some(x), Some(y)) => x.compare(&y).unwrap_or(Ordering::Equal).then_with(|| a.cmp(b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    });
    vs.dedup();
    vs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adv(ranges: &str) -> Advisory {
        serde_json::from_str(&format!(
            r#"{{"id":"T-1","affected":[{{"package":{{"ecosystem":"crates.io","name":"c"}},"ranges":{ranges}}}]}}"#
        ))
        .unwrap()
    }

    fn fixed(a: &Advisory, v: &str) -> Option<Vec<String>> {
        evaluate(a, Ecosystem::CratesIo, "c", v).map(|h| h.fixed)
    }

    #[test]
    fn one_range_with_two_intervals_in_any_event_order() {
        // RustSec's form; the events listed out of order on purpose.
        let a = adv(
            r#"[{"type":"SEMVER","events":[{"introduced":"1.0.0"},{"fixed":"0.6.14"},
                {"introduced":"0.6.3"},{"fixed":"1.6.1"}]}]"#,
        );
        assert_eq!(fixed(&a, "0.6.5"), Some(vec!["0.6.14".to_string()]));
        assert_eq!(fixed(&a, "1.2.0"), Some(vec!["1.6.1".to_string()]));
        assert_eq!(fixed(&a, "0.7.0"), None);
        assert_eq!(fixed(&a, "0.6.2"), None);
        assert_eq!(fixed(&a, "1.6.1"), None);
        let h = evaluate(&a, Ecosystem::CratesIo, "c", "0.6.5").unwrap();
        assert_eq!(
            upgrade_to(Ecosystem::CratesIo, "c", "0.6.5", &[h]).as_deref(),
            Some("0.6.14")
        );
    }

    #[test]
    fn last_affected_is_inclusive_and_introduced_at_the_version_counts() {
        let a = adv(r#"[{"type":"ECOSYSTEM","events":[{"introduced":"2.0.0"},{"last_affected":"2.0.0"}]}]"#);
        assert_eq!(fixed(&a, "2.0.0"), Some(vec![]));
        assert_eq!(fixed(&a, "2.0.1"), None);
        assert_eq!(fixed(&a, "1.9.9"), None);
    }

    #[test]
    fn several_limits_widen_and_unknown_range_types_are_ignored() {
        let a = adv(
            r#"[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"limit":"1.0.0"},{"limit":"3.0.0"}]},
                {"type":"GIT","events":[{"introduced":"0"}]},{"type":"WHATEVER","events":[{"introduced":"0"}]}]"#,
        );
        assert!(fixed(&a, "2.5.0").is_some());
        assert!(fixed(&a, "3.0.0").is_none());
    }

    #[test]
    fn ratings_follow_cvss_bands() {
        assert_eq!(rating(0.0), VulnSeverity::None);
        assert_eq!(rating(3.9), VulnSeverity::Low);
        assert_eq!(rating(4.0), VulnSeverity::Medium);
        assert_eq!(rating(8.9), VulnSeverity::High);
        assert_eq!(rating(9.0), VulnSeverity::Critical);
    }
}
