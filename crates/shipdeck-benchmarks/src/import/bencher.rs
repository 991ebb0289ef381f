//! `cargo bench` text in libtest's bencher format, as libtest and criterion
//! (`-- --output-format bencher`) print it:
//!
//! ```text
//! test parse::small ... bench:       1,234 ns/iter (+/- 56)
//! test parse::large ... bench:   1,234.50 ns/iter (+/- 56.20) = 812 MB/s
//! ```
//!
//! Value in ns per iteration. libtest's `+/-` is the spread of its samples
//! (max − min after winsorising); it is the only dispersion the format has,
//! so it becomes the metric's `stddev`. Other lines (build output, `running
//! 3 tests`, `test x ... ignored`) are skipped.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::{metric, ImportError};
use crate::Metric;

static LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^test\s+(?P<name>.+?)\s+\.\.\.\s+bench:\s+(?P<value>[\d,]+(?:\.\d+)?)\s+(?P<unit>\S+)/iter\s+\(\+/-\s+(?P<spread>[\d,]+(?:\.\d+)?)\)",
    )
    .expect("valid regex")
});

pub(super) fn looks_like(text: &str) -> bool {
    text.lines().any(|l| is_bench_line(l.trim()))
}

fn is_bench_line(line: &str) -> bool {
    line.starts_with("test ") && line.contains(" bench:")
}

pub(super) fn parse(path: &Path, text: &str) -> Result<Vec<Metric>, ImportError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if !is_bench_line(line) {
            continue;
        }
        let invalid = |reason: String| ImportError::InvalidFile {
            path: path.to_path_buf(),
            at: format!("line {}", i + 1),
            reason,
        };
        let caps = LINE.captures(line).ok_or_else(|| {
            invalid(format!(
                "expected `test <name> ... bench: <n> ns/iter (+/- <n>)`, found {line:?}"
            ))
        })?;
        let unit = &caps["unit"];
        if unit != "ns" {
            return Err(invalid(format!(
                "unit {unit:?}/iter; the bencher format is in ns/iter"
            )));
        }
        let value =
            number(&caps["value"]).ok_or_else(|| invalid(format!("bad number {:?}", &caps["value"])))?;
        let spread =
            number(&caps["spread"]).ok_or_else(|| invalid(format!("bad number {:?}", &caps["spread"])))?;
        let mut m = metric(&caps["name"], "ns", true, value);
        m.stddev = Some(spread);
        out.push(m);
    }
    Ok(out)
}

/// `1,234.5` → 1234.5.
fn number(s: &str) -> Option<f64> {
    s.replace(',', "").parse().ok().filter(|x: &f64| x.is_finite())
}
