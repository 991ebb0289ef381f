//! From matches to the report: one entry per (lockfile, package, version,
//! advisory), advisories that alias each other merged into one.
//!
//! Merging: two advisories matching the same package at the same version
//! are one entry when their id sets (`id` plus `aliases`) share an id,
//! transitively (`related` does not count). The entry's `id` is the
//! smallest GHSA id of the merged advisories' own ids when there is one
//! (GitHub's ids cover every ecosystem here), else the smallest own id;
//! `aliases` is every other id of the group, sorted. Its severity is the
//! highest of the group (by CVSS score, then rating), its `fixed` versions
//! the union of the members'.

use std::collections::{BTreeMap, BTreeSet};

use shipdeck_base::error::Result;
use shipdeck_base::jobs::Progress;

use super::matching::{evaluate, sort_versions, upgrade_to, Hit};
use super::source::Found;
use super::{Ecosystem, LockedPackage, Vulnerability, VulnsReport};

/// Link to an advisory.
pub fn advisory_url(id: &str) -> String {
    format!("https://osv.dev/vulnerability/{id}")
}

/// One distinct (lockfile, ecosystem, name, version), the first `via` kept.
pub fn distinct(packages: &[LockedPackage]) -> Vec<&LockedPackage> {
    let mut seen = BTreeMap::new();
    for p in packages {
        seen.entry((&p.lockfile, p.ecosystem, &p.name, &p.version))
            .or_insert(p);
    }
    seen.into_values().collect()
}

pub fn build(packages: &[LockedPackage], found: &Found, progress: &Progress) -> Result<VulnsReport> {
    let pkgs = distinct(packages);
    let total = pkgs.len() as u64;
    let mut vulnerabilities = Vec::new();
    for (n, p) in pkgs.iter().enumerate() {
        if n % 256 == 0 {
            progress.checkpoint()?;
            progress.report(n as u64, Some(total), "matching advisories");
        }
        let hits: Vec<Hit<'_>> = found
            .candidates(p.ecosystem, &p.name, &p.version)
            .into_iter()
            .filter_map(|adv| evaluate(adv, p.ecosystem, &p.name, &p.version))
            .collect();
        if hits.is_empty() {
            continue;
        }
        let upgrade = upgrade_to(p.ecosystem, &p.name, &p.version, &hits);
        for group in merge(&hits) {
            vulnerabilities.push(entry(p, &group, upgrade.clone()));
        }
    }
    progress.report(total, Some(total), "matched advisories");
    vulnerabilities.sort_by(|a, b| {
        (&a.lockfile, &a.package, &a.version, &a.id, a.ecosystem).cmp(&(
            &b.lockfile,
            &b.package,
            &b.version,
            &b.id,
            b.ecosystem,
        ))
    });
    let lockfiles: BTreeSet<String> = packages.iter().map(|p| p.lockfile.clone()).collect();
    Ok(VulnsReport {
        vulnerabilities,
        packages_scanned: total,
        lockfiles: lockfiles.into_iter().collect(),
    })
}

fn ids_of<'h>(h: &'h Hit<'_>) -> impl Iterator<Item = &'h String> {
    std::iter::once(&h.advisory.id).chain(&h.advisory.aliases)
}

/// Groups hits whose id sets meet, transitively (a small union-find).
fn merge<'h, 'a>(hits: &'h [Hit<'a>]) -> Vec<Vec<&'h Hit<'a>>> {
    let mut parent: Vec<usize> = (0..hits.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut owner: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, h) in hits.iter().enumerate() {
        for id in ids_of(h) {
            match owner.get(id.as_str()) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    parent[a] = b;
                }
                None => {
                    owner.insert(id, i);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<&Hit<'a>>> = BTreeMap::new();
    for (i, h) in hits.iter().enumerate() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(h);
    }
    groups.into_values().collect()
}

fn entry(p: &LockedPackage, group: &[&Hit<'_>], upgrade_to: Option<String>) -> Vulnerability {
    let own: BTreeSet<&String> = group.iter().map(|h| &h.advisory.id).collect();
    let id = own
        .iter()
        .find(|i| i.starts_with("GHSA-"))
        .or_else(|| own.first())
        .map(|s| s.to_string())
        .unwrap_or_default();
    let aliases: BTreeSet<String> = group
        .iter()
        .flat_map(|h| ids_of(h))
        .filter(|a| **a != id && !a.is_empty())
        .cloned()
        .collect();
    let worst = group
        .iter()
        .max_by(|a, b| {
            let key = |h: &Hit<'_>| (h.score.is_some(), h.score.unwrap_or(0.0), h.severity);
            let (ka, kb) = (key(a), key(b));
            (ka.0, ka.2).cmp(&(kb.0, kb.2)).then(ka.1.total_cmp(&kb.1))
        })
        .copied();
    let chosen = group.iter().find(|h| h.advisory.id == id);
    let summary = chosen
        .and_then(|h| h.advisory.summary.clone())
        .or_else(|| group.iter().find_map(|h| h.advisory.summary.clone()));
    let fixed = group.iter().flat_map(|h| h.fixed.iter().cloned()).collect();
    Vulnerability {
        ecosystem: p.ecosystem,
        package: p.name.clone(),
        version: p.version.clone(),
        url: Some(advisory_url(&id)),
        id,
        aliases: aliases.into_iter().collect(),
        severity: worst.and_then(|h| h.severity),
        score: worst.and_then(|h| h.score),
        cvss: worst.and_then(|h| h.cvss.clone()),
        fixed: sort_versions(p.ecosystem, fixed),
        upgrade_to,
        lockfile: p.lockfile.clone(),
        via: p.via.clone(),
        summary,
    }
}

/// The (ecosystem, name key) of every package, for sources that answer by
/// name.
pub fn wanted(packages: &[LockedPackage]) -> BTreeSet<(Ecosystem, String)> {
    packages
        .iter()
        .map(|p| (p.ecosystem, super::matching::name_key(p.ecosystem, &p.name)))
        .collect()
}
