//! The line map every format is read into: per file, line → hits, and
//! branch outcomes; plus the totals the producing tool itself states.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

/// Covered of total, with the percentage (two decimals; 100 when empty).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct Counts {
    pub covered: u64,
    pub total: u64,
    pub pct: f64,
}

impl Counts {
    pub fn new(covered: u64, total: u64) -> Counts {
        Counts {
            covered,
            total,
            pct: pct(covered, total),
        }
    }
}

/// The percentage rounded to two decimals; an empty total is 100.
pub fn pct(covered: u64, total: u64) -> f64 {
    if total == 0 {
        return 100.0;
    }
    (covered as f64 * 10_000.0 / total as f64).round() / 100.0
}

/// One source file's coverage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileCov {
    /// Line → hits, for every line the tool counts.
    pub lines: BTreeMap<u32, u64>,
    /// (line, outcome index) → hits.
    pub branches: BTreeMap<(u32, u32), u64>,
    /// Line totals of a report that has no line map (Istanbul's summary).
    pub summary: Option<(u64, u64)>,
}

impl FileCov {
    /// Covered and total lines: the line map's, else the summary's.
    pub fn line_counts(&self) -> (u64, u64) {
        if self.lines.is_empty() {
            if let Some(s) = self.summary {
                return s;
            }
        }
        let covered = self.lines.values().filter(|h| **h > 0).count() as u64;
        (covered, self.lines.len() as u64)
    }

    /// Records the next outcome of the branch point on `line`.
    pub fn push_branch(&mut self, line: u32, hits: u64) {
        let next = self
            .branches
            .range((line, 0)..=(line, u32::MAX))
            .next_back()
            .map_or(0, |((_, i), _)| i.saturating_add(1));
        self.branches.insert((line, next), hits);
    }

    /// Adds another report's data for the same file, line by line.
    pub fn merge(&mut self, other: &FileCov) {
        for (l, h) in &other.lines {
            let e = self.lines.entry(*l).or_default();
            *e = e.saturating_add(*h);
        }
        for (k, h) in &other.branches {
            let e = self.branches.entry(*k).or_default();
            *e = e.saturating_add(*h);
        }
        if self.summary.is_none() {
            self.summary = other.summary;
        }
    }
}

/// Adds `cov` to `map`'s entry for `path` (moved in when there is none).
pub fn merge_into(map: &mut BTreeMap<String, FileCov>, path: String, cov: FileCov) {
    match map.entry(path) {
        std::collections::btree_map::Entry::Vacant(e) => {
            e.insert(cov);
        }
        std::collections::btree_map::Entry::Occupied(mut e) => e.get_mut().merge(&cov),
    }
}

/// What one report holds, its paths still as the report writes them.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub format: &'static str,
    pub lines: Counts,
    pub branches: Option<Counts>,
    /// Folders the report says its paths are relative to (Cobertura's
    /// `<source>`), tried before the report's own folder.
    pub sources: Vec<String>,
    pub files: BTreeMap<String, FileCov>,
}

impl Parsed {
    pub(crate) fn new(format: &'static str) -> Parsed {
        Parsed {
            format,
            lines: Counts::new(0, 0),
            branches: None,
            sources: Vec::new(),
            files: BTreeMap::new(),
        }
    }
}
