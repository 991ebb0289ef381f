//! The per-file table of a report: each source file's covered and total
//! lines, how many are uncovered, and its line hits for a source viewer.
//! Line hits travel for at most [`MAX_VIEW_LINES`] lines in all, given to
//! the files with the most uncovered lines first; the others carry counts.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use crate::model::{pct, FileCov};

/// Line hits carried for all files together, at most.
pub const MAX_VIEW_LINES: usize = 2_000_000;

/// One source file of the merged reports.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FileRow {
    /// Relative to the workspace.
    pub path: String,
    pub covered: u64,
    pub total: u64,
    pub pct: f64,
    /// `total - covered`.
    pub uncovered: u64,
    /// `[line, hits]` for every line the reports count, in line order;
    /// empty when `lines_omitted`.
    pub lines: Vec<(u32, u64)>,
    /// The line hits were left out to keep the table bounded.
    pub lines_omitted: bool,
}

/// Every file, most uncovered lines first (then by path).
pub fn file_rows(files: &BTreeMap<String, FileCov>) -> Vec<FileRow> {
    let mut rows: Vec<(FileRow, &FileCov)> = files
        .iter()
        .map(|(path, f)| {
            let (covered, total) = f.line_counts();
            let row = FileRow {
                path: path.clone(),
                covered,
                total,
                pct: pct(covered, total),
                uncovered: total.saturating_sub(covered),
                lines: Vec::new(),
                lines_omitted: false,
            };
            (row, f)
        })
        .collect();
    rows.sort_by(|a, b| {
        b.0.uncovered
            .cmp(&a.0.uncovered)
            .then_with(|| a.0.path.cmp(&b.0.path))
    });
    let mut budget = MAX_VIEW_LINES;
    rows.into_iter()
        .map(|(mut row, f)| {
            if f.lines.len() <= budget {
                budget -= f.lines.len();
                row.lines = f.lines.iter().map(|(l, h)| (*l, *h)).collect();
            } else {
                row.lines_omitted = true;
            }
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cov(hits: &[(u32, u64)]) -> FileCov {
        FileCov {
            lines: hits.iter().copied().collect(),
            ..FileCov::default()
        }
    }

    #[test]
    fn rows_put_the_most_uncovered_file_first_with_its_hits() {
        let files = BTreeMap::from([
            ("a.py".to_string(), cov(&[(1, 1), (2, 0)])),
            ("b.py".to_string(), cov(&[(1, 0), (2, 0), (5, 3)])),
            ("c.py".to_string(), cov(&[(1, 4)])),
        ]);
        let rows = file_rows(&files);
        let order: Vec<_> = rows.iter().map(|r| (r.path.as_str(), r.uncovered)).collect();
        assert_eq!(order, [("b.py", 2), ("a.py", 1), ("c.py", 0)]);
        assert_eq!(rows[0].lines, [(1, 0), (2, 0), (5, 3)]);
        assert_eq!((rows[0].covered, rows[0].total, rows[0].pct), (1, 3, 33.33));
        assert!(!rows[0].lines_omitted);
    }

    #[test]
    fn a_summary_only_file_has_counts_and_no_lines() {
        let files = BTreeMap::from([(
            "s.ts".to_string(),
            FileCov {
                summary: Some((3, 4)),
                ..FileCov::default()
            },
        )]);
        let rows = file_rows(&files);
        assert_eq!((rows[0].covered, rows[0].total, rows[0].uncovered), (3, 4, 1));
        assert!(rows[0].lines.is_empty());
    }
}
