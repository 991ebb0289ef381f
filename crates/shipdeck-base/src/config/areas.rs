//! The parts of shipdeck.toml that belong to one area but are read with
//! the rest of the file: `[advisor]`, an environment's `files`, `[docs]`,
//! `[security]`, `[dependencies]` and `[coverage]`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use shipdeck_types::UpdateClass;
use ts_rs::TS;

/// `[advisor]`: where the workspace's queries are, and the checks'
/// thresholds (`[advisor.thresholds]`, PgHero's by default).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvisorConfig {
    /// Globs of `.sql` files holding the application's queries, planned by
    /// the SQLite checks and `advisor run` on every engine (default
    /// `queries/**/*.sql`).
    pub queries: Option<Vec<String>>,
    #[serde(default)]
    pub thresholds: Thresholds,
}

/// Thresholds, from `[advisor]` in shipdeck.toml; the defaults are PgHero's.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[ts(rename = "AdvisorThresholds")]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// `slow_query`: at least this many calls…
    pub slow_query_calls: f64,
    /// …and at least this mean time.
    pub slow_query_ms: f64,
    /// `long_running_query`: running longer than this.
    pub long_running_seconds: f64,
    /// `missing_index`: tables with at least this many rows…
    pub missing_index_rows: f64,
    /// …whose scans use an index less often than this.
    pub missing_index_use_pct: f64,
    /// `unused_index`: at most this many index scans.
    pub unused_index_scans: f64,
    /// `cache_hit_ratio`: below this.
    pub cache_hit_pct: f64,
    /// `table_bloat`: estimated waste of at least this share of the table…
    pub bloat_pct: f64,
    /// …and at least this many bytes.
    pub bloat_bytes: f64,
    /// `transaction_id_wraparound`: fewer transactions than this left
    /// before the forced anti-wraparound vacuum.
    pub wraparound_remaining: f64,
    /// `sequence_exhaustion`: more than this share of the column's range
    /// used.
    pub sequence_pct: f64,
    /// Suggested indexes are kept when the planner's cost drops by at
    /// least this much.
    pub min_cost_drop_pct: f64,
    /// SQLite: a `SCAN` of a table with at least this many rows is a
    /// finding.
    pub sqlite_scan_rows: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            slow_query_calls: 100.0,
            slow_query_ms: 20.0,
            long_running_seconds: 60.0,
            missing_index_rows: 10_000.0,
            missing_index_use_pct: 95.0,
            unused_index_scans: 0.0,
            cache_hit_pct: 99.0,
            bloat_pct: 50.0,
            bloat_bytes: 10.0 * 1024.0 * 1024.0,
            wraparound_remaining: 10_000_000.0,
            sequence_pct: 90.0,
            min_cost_drop_pct: 50.0,
            sqlite_scan_rows: 1_000.0,
        }
    }
}

/// One entry of an environment's `files`: a path, or
/// `{ path = "app.env", verbatim = true }` for a file written for
/// `docker run --env-file` or Compose's `env_file` (values taken as
/// written: no quotes removed, no `${VAR}` expanded).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum EnvFile {
    Path(String),
    Options(EnvFileOptions),
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvFileOptions {
    pub path: String,
    #[serde(default)]
    pub verbatim: bool,
}

impl EnvFile {
    /// As written in shipdeck.toml, relative to the workspace.
    pub fn path(&self) -> &str {
        match self {
            EnvFile::Path(p) => p,
            EnvFile::Options(o) => &o.path,
        }
    }

    pub fn verbatim(&self) -> bool {
        matches!(self, EnvFile::Options(o) if o.verbatim)
    }
}

impl From<&str> for EnvFile {
    fn from(path: &str) -> EnvFile {
        EnvFile::Path(path.to_string())
    }
}

/// `[docs]`: where generated documentation goes, and what `docs check` reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocsConfig {
    /// The domain model page, relative to the workspace (default
    /// `docs/domain-model.md`); `{database}` is replaced by the database's
    /// name.
    pub domain_model: Option<String>,
    /// More pages for `docs check`, as globs relative to the workspace
    /// (`README*` and `docs/**/*.md` are always read).
    #[serde(default)]
    pub check: Vec<String>,
    /// What makes `docs check` exit 1 (default: both).
    pub fail_on: Option<Vec<DocsFailOn>>,
}

/// A finding of `docs check` that fails it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocsFailOn {
    /// A page whose referenced code changed after it.
    Stale,
    /// A broken link.
    Broken,
}

/// `[security]`: where vulnerability advisories come from.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityConfig {
    #[serde(default)]
    pub vulns: VulnsConfig,
}

/// `[security.vulns]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VulnsConfig {
    /// An OSV-compatible API (`--osv-url` wins); default: the public OSV API.
    pub osv_url: Option<String>,
}

/// `[dependencies]`: packages to leave out, the update classes allowed per
/// package, groups of packages under one name, and how often the check is
/// worth running. Patterns are package names where `*` matches any run of
/// characters, optionally `ecosystem:`-prefixed (`cargo:`, `npm:`, `pypi:`);
/// the Dependencies area applies them.
///
/// ```toml
/// [dependencies]
/// ignore = ["left-pad", "npm:@types/*"]
/// schedule = "weekly"
/// [dependencies.allow]
/// serde = ["patch", "minor"]
/// [dependencies.groups]
/// "@babel/*" = "babel"
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
pub struct DependenciesConfig {
    /// Patterns of packages whose rows are left out.
    pub ignore: Vec<String>,
    /// Pattern → the update classes worth proposing for those packages.
    pub allow: BTreeMap<String, Vec<UpdateClass>>,
    /// Pattern → group name; the first pattern (in name order) that matches wins.
    pub groups: BTreeMap<String, String>,
    pub schedule: Option<Schedule>,
}

/// `[coverage]`: the areas whose line coverage is held to a threshold.
/// Without any, `backend` (70) and `frontend` (50) are found by file type.
///
/// ```toml
/// [coverage.areas.api]
/// globs = ["server/**/*.py"]
/// threshold = 80
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CoverageConfig {
    pub areas: BTreeMap<String, CoverageArea>,
}

/// One `[coverage.areas.NAME]`: globs over workspace-relative paths and the
/// lowest line coverage (percent) it passes with.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageArea {
    pub globs: Vec<String>,
    pub threshold: f64,
}

/// `[bundle]`: where the build output is (default: found) and the
/// budgets routes are held to, like size-limit's.
///
/// ```toml
/// [bundle]
/// dir = "web"
/// [bundle.budgets]
/// "/" = "120 kB"                                    # First Load JS, gzip
/// "index.html" = 150000                             # bytes
/// "/blog/**" = { limit = "200 kB", compression = "raw", metric = "size" }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BundleConfig {
    pub dir: Option<String>,
    pub budgets: BTreeMap<String, BundleBudget>,
}

/// One `[bundle.budgets]` value: a size (First Load JS, gzip), or a table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum BundleBudget {
    Limit(String),
    /// A bare number: bytes.
    Bytes(u64),
    Detailed {
        limit: String,
        /// `gzip` (default) or `raw`.
        #[serde(default)]
        compression: Option<String>,
        /// `first_load_js` (default) or `size`.
        #[serde(default)]
        metric: Option<String>,
    },
}

/// How often a dependency check is worth running; a hint for schedulers
/// and the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    Daily,
    Weekly,
    Monthly,
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;
    use crate::error::Error;

    #[test]
    fn the_dependencies_section_reads_from_shipdeck_toml() {
        let c = Config::parse(
            "[dependencies]\nignore = [\"left-pad\", \"npm:@types/*\"]\nschedule = \"weekly\"\n\
             [dependencies.allow]\nserde = [\"patch\", \"minor\"]\n\
             [dependencies.groups]\n\"@babel/*\" = \"babel\"\n",
            Path::new("shipdeck.toml"),
        )
        .unwrap();
        let d = c.dependencies;
        assert_eq!(d.ignore, ["left-pad", "npm:@types/*"]);
        assert_eq!(d.schedule, Some(Schedule::Weekly));
        assert_eq!(d.allow["serde"], [UpdateClass::Patch, UpdateClass::Minor]);
        assert_eq!(d.groups["@babel/*"], "babel");
        let absent = Config::parse("", Path::new("shipdeck.toml")).unwrap();
        assert_eq!(absent.dependencies, DependenciesConfig::default());
    }

    #[test]
    fn an_unknown_key_or_class_in_the_dependencies_section_is_a_typed_error() {
        let err = Config::parse(
            "[dependencies]\nschedule = \"daily\"\nignor = [\"x\"]\n",
            Path::new("shipdeck.toml"),
        )
        .unwrap_err();
        match &err {
            Error::InvalidConfig {
                line,
                message,
                suggestion,
                ..
            } => {
                assert_eq!(*line, 3, "{message}");
                assert!(message.contains("`ignor`"), "{message}");
                assert_eq!(suggestion.as_deref(), Some("ignore"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(err.payload().code, "config.invalid");
        let err = Config::parse(
            "[dependencies.allow]\nserde = [\"huge\"]\n",
            Path::new("shipdeck.toml"),
        )
        .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidConfig { message, .. } if message.contains("huge")),
            "{err:?}"
        );
        let err = Config::parse(
            "[dependencies]\nschedule = \"hourly\"\n",
            Path::new("shipdeck.toml"),
        )
        .unwrap_err();
        assert!(matches!(err, Error::InvalidConfig { line: 2, .. }), "{err:?}");
    }

    #[test]
    fn the_coverage_section_reads_areas_and_refuses_unknown_keys() {
        let c = Config::parse(
            "[coverage.areas.api]\nglobs = [\"server/**\"]\nthreshold = 72.5\n",
            Path::new("shipdeck.toml"),
        )
        .unwrap();
        let api = &c.coverage.areas["api"];
        assert_eq!(
            (api.globs.as_slice(), api.threshold),
            (&["server/**".to_string()][..], 72.5)
        );
        assert!(Config::parse("", Path::new("shipdeck.toml"))
            .unwrap()
            .coverage
            .areas
            .is_empty());
        let err = Config::parse(
            "[coverage.areas.api]\nglobs = []\nthreshhold = 1\n",
            Path::new("shipdeck.toml"),
        )
        .unwrap_err();
        assert_eq!(err.payload().code, "config.invalid");
    }

    #[test]
    fn the_bundle_section_reads_every_budget_shape() {
        let c = Config::parse(
            "[bundle]\ndir = \"web\"\n[bundle.budgets]\n\"/\" = \"120 kB\"\n\"index.html\" = 150000\n\"/blog/**\" = { limit = \"200 kB\", compression = \"raw\", metric = \"size\" }\n",
            Path::new("shipdeck.toml"),
        )
        .unwrap();
        assert_eq!(c.bundle.dir.as_deref(), Some("web"));
        let b = &c.bundle.budgets;
        assert_eq!(b["/"], BundleBudget::Limit("120 kB".into()));
        assert_eq!(b["index.html"], BundleBudget::Bytes(150_000));
        assert_eq!(
            b["/blog/**"],
            BundleBudget::Detailed {
                limit: "200 kB".into(),
                compression: Some("raw".into()),
                metric: Some("size".into()),
            }
        );
    }
}
