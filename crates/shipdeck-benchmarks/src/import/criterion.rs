//! criterion's `target/criterion` tree. Each benchmark folder holds
//! `new/estimates.json` (`{mean: {point_estimate, standard_error,
//! confidence_interval}, median, std_dev, …}`, in ns), `new/sample.json`
//! (`{iters, times}`: each sample's total time for `iters[i]` iterations)
//! and `new/benchmark.json` (`full_id`). `base/` and `change/` hold the
//! previous run and the comparison with it, `report/` the HTML; Shipdeck
//! keeps its own history and reads only `new/`.

use std::path::{Path, PathBuf};

use super::json::{self, Node};
use super::{metric, read_text, ImportError};
use crate::Metric;

/// Folders criterion writes next to `new/` that are not benchmarks.
const NOT_BENCHES: [&str; 4] = ["new", "base", "change", "report"];
/// Deep enough for `criterion/<group>/<function>/<value>`, shallow enough
/// that a wrong path does not walk a whole disk.
const MAX_DEPTH: usize = 6;

pub(super) fn is_criterion_dir(path: &Path) -> bool {
    !bench_dirs(path).is_empty()
}

pub(super) fn read(path: &Path) -> Result<Vec<Metric>, ImportError> {
    if path.is_file() {
        // `<bench>/new/estimates.json` given directly.
        let bench = path
            .parent()
            .filter(|new| new.file_name().is_some_and(|n| n == "new"))
            .and_then(Path::parent)
            .filter(|_| path.file_name().is_some_and(|n| n == "estimates.json"));
        let Some(bench) = bench else {
            return Err(ImportError::UnknownFormat {
                path: path.to_path_buf(),
                detail: "criterion results are a target/criterion folder, a benchmark folder \
                         or its new/estimates.json"
                    .to_string(),
            });
        };
        return Ok(vec![read_bench(bench, &folder_name(bench))?]);
    }
    let benches = bench_dirs(path);
    if benches.is_empty() {
        return Err(ImportError::UnknownFormat {
            path: path.to_path_buf(),
            detail: "a folder without criterion results (no <bench>/new/estimates.json under it)".to_string(),
        });
    }
    benches
        .iter()
        .map(|dir| {
            let rel = relative_name(path, dir);
            read_bench(dir, &rel)
        })
        .collect()
}

/// Every folder under `root` (itself included) that holds
/// `new/estimates.json`, sorted.
fn bench_dirs(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    visit(root, 0, &mut found);
    found.sort();
    found
}

fn visit(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) {
    if dir.join("new").join("estimates.json").is_file() {
        found.push(dir.to_path_buf());
    }
    if depth >= MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Symlinks are not followed: a loop would never end.
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && !name.starts_with('.') && !NOT_BENCHES.contains(&name.as_ref()) {
            visit(&entry.path(), depth + 1, found);
        }
    }
}

/// `parse/100` for `<root>/parse/100`; the folder's own name when the root
/// is the benchmark folder.
fn relative_name(root: &Path, dir: &Path) -> String {
    let rel = dir.strip_prefix(root).unwrap_or(dir);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        folder_name(dir)
    } else {
        parts.join("/")
    }
}

fn folder_name(dir: &Path) -> String {
    dir.file_name()
        .map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn read_bench(dir: &Path, fallback_name: &str) -> Result<Metric, ImportError> {
    let new = dir.join("new");
    let name = match read_json(&new.join("benchmark.json"))? {
        Some((file, value)) => {
            let root = json::root(&file, &value);
            root.get("full_id")?.str()?.to_string()
        }
        None => fallback_name.to_string(),
    };
    let estimates_file = new.join("estimates.json");
    let (file, value) = read_json(&estimates_file)?.ok_or_else(|| ImportError::Unreadable {
        path: estimates_file.clone(),
        detail: "missing".to_string(),
    })?;
    let est = json::root(&file, &value);
    let mut m = metric(name, "ns", true, est.get("mean")?.f64_of("point_estimate")?);
    if let Some(sd) = est.opt("std_dev") {
        m.stddev = Some(sd.f64_of("point_estimate")?);
    }
    if let Some((file, value)) = read_json(&new.join("sample.json"))? {
        m.samples = per_iteration(json::root(&file, &value))?;
        m.n = Some(m.samples.len() as u64);
    }
    Ok(m)
}

/// `times[i] / iters[i]`: criterion times a growing batch per sample.
fn per_iteration(sample: Node<'_>) -> Result<Vec<f64>, ImportError> {
    let iters = sample.get("iters")?;
    let iter_counts = iters.f64s()?;
    let times = sample.get("times")?;
    let totals = times.f64s()?;
    if iter_counts.len() != totals.len() {
        return Err(times.invalid(format!(
            "{} times for {} iteration counts",
            totals.len(),
            iter_counts.len()
        )));
    }
    let mut out = Vec::with_capacity(totals.len());
    for (i, (t, n)) in totals.iter().zip(&iter_counts).enumerate() {
        if *n <= 0.0 {
            return Err(sample.get("iters")?.array()?[i].invalid("iteration count must be positive"));
        }
        out.push(t / n);
    }
    Ok(out)
}

/// The file's JSON, or `None` when it does not exist.
fn read_json(file: &Path) -> Result<Option<(PathBuf, serde_json::Value)>, ImportError> {
    if !file.is_file() {
        return Ok(None);
    }
    let text = read_text(file)?;
    Ok(Some((file.to_path_buf(), json::parse(file, &text)?)))
}
