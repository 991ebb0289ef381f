//! Importers: results of other benchmark tools, read into [`Metric`]s.
//!
//! | format | input | metrics |
//! |---|---|---|
//! | k6 | `--summary-export` or `handleSummary` JSON | trends (`http_req_duration`, `http_req_duration.p95`, …, ms), counters (`http_reqs`, `http_reqs.rate`), rates (`checks`, `http_req_failed`) |
//! | oha | `--json` (oha 1.x) | `latency` and `latency.p50` … (ms), `rps`, `success_rate` |
//! | hyperfine | `--export-json` | one per command (s), with every run as a sample |
//! | criterion | a `target/criterion` tree, one bench folder or its `estimates.json` | one per benchmark (ns), samples per iteration |
//! | pytest-benchmark | `--benchmark-json` | one per test (s), with `data` as samples when saved |
//! | bencher | `cargo bench` text (libtest or criterion `--output-format bencher`) | one per `test … bench:` line (ns) |
//!
//! Detection reads the content (and, for criterion, the folder's shape), so a
//! file's name does not matter.

mod bencher;
mod criterion;
mod error;
mod hyperfine;
mod json;
mod k6;
mod oha;
mod pytest;

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Metric;
pub use error::ImportError;

/// The tools whose results Shipdeck reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    K6,
    Oha,
    Hyperfine,
    Criterion,
    PytestBenchmark,
    Bencher,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::K6,
        Format::Oha,
        Format::Hyperfine,
        Format::Criterion,
        Format::PytestBenchmark,
        Format::Bencher,
    ];

    /// Every format with the input it expects, for messages.
    pub const ALL_DESCRIBED: &'static str = "k6 (--summary-export or handleSummary JSON), \
        oha (--json), hyperfine (--export-json), criterion (a target/criterion folder), \
        pytest-benchmark (--benchmark-json) and bencher (`cargo bench` text)";

    /// The name as the tool spells itself.
    pub fn name(self) -> &'static str {
        match self {
            Format::K6 => "k6",
            Format::Oha => "oha",
            Format::Hyperfine => "hyperfine",
            Format::Criterion => "criterion",
            Format::PytestBenchmark => "pytest-benchmark",
            Format::Bencher => "bencher",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The metrics read from one file or folder.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Imported {
    pub format: Format,
    pub metrics: Vec<Metric>,
    /// The file or folder, as given.
    pub source: String,
}

/// Which tool wrote `path`, judged by its content.
pub fn detect(path: &Path) -> Result<Format, ImportError> {
    Ok(read_input(path)?.0)
}

/// Reads `path` as `format`, or as whatever [`detect`] finds.
pub fn import(path: &Path, format: Option<Format>) -> shipdeck_base::Result<Imported> {
    Ok(import_as(path, format)?)
}

fn import_as(path: &Path, format: Option<Format>) -> Result<Imported, ImportError> {
    let (format, metrics) = match format {
        Some(Format::Criterion) => (Format::Criterion, criterion::read(path)?),
        Some(f) if path.is_dir() => {
            return Err(ImportError::UnknownFormat {
                path: path.to_path_buf(),
                detail: format!("a folder; {f} results are a single file"),
            })
        }
        Some(f) => (f, parse_file(path, f, &read_text(path)?)?),
        None => match read_input(path)? {
            (f, Input::Folder) => (f, criterion::read(path)?),
            (f, Input::File(text)) => (f, parse_file(path, f, &text)?),
            (f, Input::Json(value)) => (f, parse_json(path, f, &value)?),
        },
    };
    if metrics.is_empty() {
        return Err(ImportError::NoMetrics {
            path: path.to_path_buf(),
            format: format.name(),
        });
    }
    Ok(Imported {
        format,
        metrics,
        source: path.display().to_string(),
    })
}

enum Input {
    Folder,
    File(String),
    Json(serde_json::Value),
}

fn read_input(path: &Path) -> Result<(Format, Input), ImportError> {
    let meta = std::fs::metadata(path).map_err(|e| unreadable(path, e))?;
    if meta.is_dir() {
        return if criterion::is_criterion_dir(path) {
            Ok((Format::Criterion, Input::Folder))
        } else {
            Err(ImportError::UnknownFormat {
                path: path.to_path_buf(),
                detail: "a folder without criterion results (no <bench>/new/estimates.json under it)"
                    .to_string(),
            })
        };
    }
    let text = read_text(path)?;
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let value = json::parse(path, &text)?;
        return match detect_json(&value) {
            Some(f) => Ok((f, Input::Json(value))),
            None => Err(ImportError::UnknownFormat {
                path: path.to_path_buf(),
                detail: format!("JSON, but not the shape of any of {}", Format::ALL_DESCRIBED),
            }),
        };
    }
    if bencher::looks_like(&text) {
        return Ok((Format::Bencher, Input::File(text)));
    }
    Err(ImportError::UnknownFormat {
        path: path.to_path_buf(),
        detail: format!(
            "neither JSON nor `cargo bench` output; Shipdeck reads {}",
            Format::ALL_DESCRIBED
        ),
    })
}

/// Tells the JSON formats apart by the members each tool always writes.
fn detect_json(v: &serde_json::Value) -> Option<Format> {
    let has = |key: &str| v.get(key).is_some();
    let first_of = |key: &str| v.get(key).and_then(|a| a.as_array()).and_then(|a| a.first());
    if let Some(r) = first_of("results") {
        if r.get("command").is_some() && r.get("mean").is_some() {
            return Some(Format::Hyperfine);
        }
    }
    if first_of("benchmarks").is_some_and(|b| b.get("stats").is_some()) {
        return Some(Format::PytestBenchmark);
    }
    if v.get("summary")
        .is_some_and(|s| s.get("requestsPerSec").is_some())
        || (has("latencyPercentiles") && has("summary"))
    {
        return Some(Format::Oha);
    }
    if v.get("metrics").is_some_and(|m| m.is_object()) {
        return Some(Format::K6);
    }
    if v.get("mean").and_then(|m| m.get("point_estimate")).is_some() {
        return Some(Format::Criterion);
    }
    None
}

fn parse_file(path: &Path, format: Format, text: &str) -> Result<Vec<Metric>, ImportError> {
    match format {
        Format::Bencher => bencher::parse(path, text),
        Format::Criterion => criterion::read(path),
        json_format => parse_json(path, json_format, &json::parse(path, text)?),
    }
}

fn parse_json(path: &Path, format: Format, value: &serde_json::Value) -> Result<Vec<Metric>, ImportError> {
    let root = json::root(path, value);
    match format {
        Format::K6 => k6::parse(root),
        Format::Oha => oha::parse(root),
        Format::Hyperfine => hyperfine::parse(root),
        Format::PytestBenchmark => pytest::parse(root),
        Format::Criterion => criterion::read(path),
        Format::Bencher => Err(root.invalid("bencher results are text, not JSON")),
    }
}

fn read_text(path: &Path) -> Result<String, ImportError> {
    let bytes = std::fs::read(path).map_err(|e| unreadable(path, e))?;
    String::from_utf8(bytes).map_err(|e| ImportError::InvalidFile {
        path: path.to_path_buf(),
        at: format!("byte {}", e.utf8_error().valid_up_to()),
        reason: "not UTF-8 text".to_string(),
    })
}

fn unreadable(path: &Path, e: std::io::Error) -> ImportError {
    ImportError::Unreadable {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

/// A metric with only its headline; importers fill in what the tool knows.
fn metric(name: impl Into<String>, unit: &str, lower_is_better: bool, value: f64) -> Metric {
    Metric {
        name: name.into(),
        unit: unit.to_string(),
        lower_is_better,
        value,
        samples: Vec::new(),
        stddev: None,
        n: None,
        failed: None,
    }
}
