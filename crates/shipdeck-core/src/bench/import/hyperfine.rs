//! hyperfine `--export-json`: `results[]` of `{command, mean, stddev,
//! median, min, max, times[]}`, in seconds. One metric per command, every run
//! a sample.

use super::json::Node;
use super::{metric, ImportError};
use crate::bench::Metric;

pub(super) fn parse(root: Node<'_>) -> Result<Vec<Metric>, ImportError> {
    let mut out = Vec::new();
    for r in root.get("results")?.array()? {
        let name = r.get("command")?.str()?;
        let mut m = metric(name, "s", true, r.f64_of("mean")?);
        // hyperfine writes a null stddev for a single run.
        m.stddev = r.opt_f64("stddev")?;
        if let Some(times) = r.opt("times") {
            m.samples = times.f64s()?;
            m.n = Some(m.samples.len() as u64);
        }
        out.push(m);
    }
    Ok(out)
}
