//! `[bundle.budgets]`, like size-limit's limits: a key names a route
//! exactly or is a glob over routes; a value is a size (First Load JS,
//! gzip) or a table with `limit`, `compression` (`gzip` or `raw`) and
//! `metric` (`first_load_js` or `size`). Sizes are 1000-based as the
//! JavaScript tools print them (`150 kB`, `1.2 MB`, `900 B`); `KiB`, `MiB`
//! are 1024-based.

use globset::GlobBuilder;
use shipdeck_base::config::{BundleBudget, BundleConfig};

use crate::error::{BundleError, Result};
use crate::model::{BudgetResult, BundleReport, RouteSize};

/// One budget, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub key: String,
    pub limit_bytes: u64,
    /// `gzip` or `raw`.
    pub compression: &'static str,
    /// `first_load_js` or `size`.
    pub metric: &'static str,
}

fn bad(key: &str, message: impl std::fmt::Display) -> BundleError {
    BundleError::BadConfig {
        message: format!("budgets.{key:?}: {message}"),
    }
}

/// A size like `150 kB`, `1.2 MB`, `900 B`, `12KiB` or `2048` (bytes).
pub fn parse_size(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a size (like \"150 kB\")"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {s:?}: use B, kB, MB, KiB or MiB"
            ))
        }
    };
    let bytes = n * mult;
    if !bytes.is_finite() || !(0.0..=1e15).contains(&bytes) {
        return Err(format!("{s:?} is out of range"));
    }
    Ok(bytes.round() as u64)
}

/// The budgets of `[bundle]`, or `bundle.bad_config` naming the entry.
pub fn parse(config: &BundleConfig) -> Result<Vec<Budget>> {
    let mut out = Vec::new();
    for (key, b) in &config.budgets {
        let bytes;
        let (limit, compression, metric) = match b {
            BundleBudget::Limit(l) => (l, None, None),
            BundleBudget::Bytes(n) => {
                bytes = n.to_string();
                (&bytes, None, None)
            }
            BundleBudget::Detailed {
                limit,
                compression,
                metric,
            } => (limit, compression.as_deref(), metric.as_deref()),
        };
        let compression = match compression.unwrap_or("gzip") {
            "gzip" => "gzip",
            "raw" | "none" => "raw",
            other => return Err(bad(key, format!("compression {other:?}: use gzip or raw"))),
        };
        let metric = match metric.unwrap_or("first_load_js") {
            "first_load_js" => "first_load_js",
            "size" => "size",
            other => return Err(bad(key, format!("metric {other:?}: use first_load_js or size"))),
        };
        GlobBuilder::new(key)
            .literal_separator(true)
            .build()
            .map_err(|e| bad(key, e))?;
        out.push(Budget {
            key: key.clone(),
            limit_bytes: parse_size(limit).map_err(|e| bad(key, e))?,
            compression,
            metric,
        });
    }
    Ok(out)
}

fn actual(r: &RouteSize, b: &Budget) -> u64 {
    match (b.metric, b.compression) {
        ("size", "raw") => r.size_bytes,
        ("size", _) => r.size_gzip_bytes,
        (_, "raw") => r.first_load_js_bytes,
        _ => r.first_load_js_gzip_bytes,
    }
}

/// Holds every route to the budgets whose key names it (exactly, or as a
/// glob); sets `budgets` and `passed`. A budget no route matches is a warning.
pub fn apply(report: &mut BundleReport, budgets: &[Budget]) -> Result<()> {
    let mut results = Vec::new();
    for b in budgets {
        let glob = GlobBuilder::new(&b.key)
            .literal_separator(true)
            .build()
            .map_err(|e| bad(&b.key, e))?
            .compile_matcher();
        let mut matched = false;
        for r in &report.routes {
            if r.route != b.key && !glob.is_match(&r.route) {
                continue;
            }
            matched = true;
            let actual_bytes = actual(r, b);
            results.push(BudgetResult {
                budget: b.key.clone(),
                route: r.route.clone(),
                metric: b.metric.into(),
                compression: b.compression.into(),
                limit_bytes: b.limit_bytes,
                actual_bytes,
                passed: actual_bytes <= b.limit_bytes,
            });
        }
        if !matched {
            report
                .warnings
                .push(format!("budget {:?} matches no route", b.key));
        }
    }
    report.passed = results.iter().all(|r| r.passed);
    report.budgets = results;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_size_limit_and_iec_units() {
        for (s, want) in [
            ("150 kB", 150_000),
            ("1.2 MB", 1_200_000),
            ("900 B", 900),
            ("10KB", 10_000),
            ("2 KiB", 2048),
            ("1 MiB", 1_048_576),
            ("512", 512),
        ] {
            assert_eq!(parse_size(s), Ok(want), "{s}");
        }
        for s in ["", "kB", "12 parsecs", "-1 kB", "1e999 B"] {
            assert!(parse_size(s).is_err(), "{s}");
        }
    }

    #[test]
    fn a_bad_budget_names_its_key() {
        let mut c = BundleConfig::default();
        c.budgets.insert(
            "/blog/**".into(),
            BundleBudget::Detailed {
                limit: "1 kB".into(),
                compression: Some("brotli".into()),
                metric: None,
            },
        );
        let e = parse(&c).unwrap_err().to_string();
        assert!(e.contains("/blog/**") && e.contains("brotli"), "{e}");
        c.budgets.clear();
        c.budgets.insert("/[".into(), BundleBudget::Limit("1 kB".into()));
        assert!(matches!(parse(&c), Err(BundleError::BadConfig { .. })));
    }
}
