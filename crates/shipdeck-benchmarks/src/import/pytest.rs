//! pytest-benchmark `--benchmark-json`: `benchmarks[]` of `{name, fullname,
//! stats: {mean, stddev, median, min, max, rounds, data?}}`, in seconds.
//! The name is `fullname` (`tests/test_x.py::test_parse`), unique across
//! modules, or `name` when an older file lacks it.

use super::json::Node;
use super::{metric, ImportError};
use crate::Metric;

pub(super) fn parse(root: Node<'_>) -> Result<Vec<Metric>, ImportError> {
    let mut out = Vec::new();
    for b in root.get("benchmarks")?.array()? {
        let name = match b.opt("fullname") {
            Some(n) => n.str()?,
            None => b.get("name")?.str()?,
        };
        let stats = b.get("stats")?;
        let mut m = metric(name, "s", true, stats.f64_of("mean")?);
        m.stddev = stats.opt_f64("stddev")?;
        m.n = stats.opt("rounds").map(|r| r.u64()).transpose()?;
        // `data` holds one time per round (already per iteration).
        if let Some(data) = stats.opt("data") {
            m.samples = data.f64s()?;
        }
        out.push(m);
    }
    Ok(out)
}
