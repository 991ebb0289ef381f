//! hyperfine `--export-json`: `results[]` of `{command, mean, stddev,
//! median, min, max, times[], exit_codes[]}`, in seconds. One metric per
//! command, every run a sample.
//!
//! With `--ignore-failure` hyperfine keeps timing a command that fails and
//! records each run's exit code (`null` when a signal killed it); the count
//! of failed runs goes with the metric so nothing compares those times.

use super::json::Node;
use super::{metric, ImportError};
use crate::Metric;

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
        // Older hyperfine (before 1.11) writes no exit codes.
        if let Some(codes) = r.opt("exit_codes") {
            m.failed = Some(failed_runs(&codes)?);
        }
        out.push(m);
    }
    Ok(out)
}

/// Runs whose exit code is not 0; `null` is a run a signal ended.
fn failed_runs(codes: &Node<'_>) -> Result<u64, ImportError> {
    let mut failed = 0;
    for code in codes.array()? {
        if code.value.is_null() {
            failed += 1;
            continue;
        }
        match code.value.as_i64() {
            Some(0) => {}
            Some(_) => failed += 1,
            None => return Err(code.invalid("expected an exit code (a whole number or null)")),
        }
    }
    Ok(failed)
}
