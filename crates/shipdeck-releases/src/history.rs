//! Release history from the tags themselves (so releases made before
//! Shipdeck, or by other tools, count), and the cadence chart's data.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use git2::{Oid, Repository};
use semver::Version;
use serde::Serialize;
use ts_rs::TS;

use super::plan::Context;
use shipdeck_base::config::Config;
use shipdeck_base::error::Result;

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReleaseEntry {
    pub package: String,
    pub version: String,
    pub tag: String,
    pub sha: String,
    /// The tagged commit's time, epoch milliseconds.
    pub date: i64,
    /// Commits since the package's previous release.
    pub commits: u32,
    pub prerelease: bool,
}

/// Every release tag of every package, newest first.
pub fn releases(repo: &Repository, root: &Path, config: Option<&Config>) -> Result<Vec<ReleaseEntry>> {
    let ctx = Context::new(repo, root, config)?;
    let tagged = shipdeck_git::tag_commits(repo)?;
    let mut out = Vec::new();
    for pkg in &ctx.packages {
        let re = pkg.tag_regex()?;
        let mut tags: Vec<(Version, String, Oid, i64)> =
            shipdeck_git::with_versions(&tagged, |name| shipdeck_git::version_in(&re, name))
                .into_iter()
                .map(|t| (t.version, t.name, t.commit, t.time * 1000))
                .collect();
        tags.sort_by(|a, b| a.0.cmp(&b.0));
        for (i, (v, name, oid, date)) in tags.iter().enumerate() {
            let previous = i.checked_sub(1).map(|p| tags[p].2);
            out.push(ReleaseEntry {
                package: pkg.name.clone(),
                version: v.to_string(),
                tag: name.clone(),
                sha: oid.to_string(),
                date: *date,
                commits: shipdeck_base::workspace::count_commits(repo, *oid, previous)?,
                prerelease: !v.pre.is_empty(),
            });
        }
    }
    out.sort_by(|a, b| b.date.cmp(&a.date).then(b.version.cmp(&a.version)));
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MonthCount {
    /// `YYYY-MM`.
    pub month: String,
    pub releases: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Cadence {
    /// The last 12 months, oldest first.
    pub per_month: Vec<MonthCount>,
    /// The last 20 releases, oldest first: (version, commits).
    pub per_release: Vec<(String, u32)>,
}

pub fn cadence(releases: &[ReleaseEntry], now: DateTime<Utc>) -> Cadence {
    let this_month = NaiveDate::from_ymd_opt(now.year(), now.month(), 1).expect("valid date");
    let months: Vec<NaiveDate> = (0..12)
        .rev()
        .filter_map(|k| this_month.checked_sub_months(Months::new(k)))
        .collect();
    let mut counts: BTreeMap<String, u32> = months
        .iter()
        .map(|m| (m.format("%Y-%m").to_string(), 0))
        .collect();
    for r in releases {
        if let Some(d) = DateTime::from_timestamp_millis(r.date) {
            if let Some(c) = counts.get_mut(&d.format("%Y-%m").to_string()) {
                *c += 1;
            }
        }
    }
    let mut recent: Vec<&ReleaseEntry> = releases.iter().take(20).collect();
    recent.reverse();
    let label = |r: &ReleaseEntry| {
        if releases.iter().any(|o| o.package != r.package) {
            r.tag.clone()
        } else {
            r.version.clone()
        }
    };
    Cadence {
        per_month: counts
            .into_iter()
            .map(|(month, releases)| MonthCount { month, releases })
            .collect(),
        per_release: recent.iter().map(|r| (label(r), r.commits)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(version: &str, date: &str, commits: u32) -> ReleaseEntry {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc();
        ReleaseEntry {
            package: "p".into(),
            version: version.into(),
            tag: format!("v{version}"),
            sha: String::new(),
            date: d.timestamp_millis(),
            commits,
            prerelease: false,
        }
    }

    #[test]
    fn cadence_counts_months_and_orders_releases() {
        let releases = vec![
            entry("1.2.0", "2026-11-03", 9),
            entry("1.1.0", "2026-11-01", 5),
            entry("1.0.0", "2026-06-10", 30),
            entry("0.1.0", "2024-01-01", 3),
        ];
        let c = cadence(&releases, "2026-11-25T00:00:00Z".parse().unwrap());
        assert_eq!(c.per_month.len(), 12);
        assert_eq!(c.per_month.first().unwrap().month, "2025-12");
        assert_eq!(
            c.per_month.last().unwrap(),
            &MonthCount {
                month: "2026-11".into(),
                releases: 2
            }
        );
        assert_eq!(
            c.per_month.iter().map(|m| m.releases).sum::<u32>(),
            3,
            "2024 is outside the window"
        );
        assert_eq!(c.per_release.first().unwrap(), &("0.1.0".to_string(), 3));
        assert_eq!(c.per_release.last().unwrap(), &("1.2.0".to_string(), 9));
    }
}
