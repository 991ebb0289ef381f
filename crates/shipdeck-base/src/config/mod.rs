//! `shipdeck.toml`: the workspace's optional configuration.
//!
//! Unknown keys are errors (typos must not be silently ignored), reported with
//! their line and column and, when one is close, the key that was meant.
//! Database URLs come from an environment variable (`env:VAR`), the keyring
//! (`keyring:NAME`) or a literal URL *without* a password.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use toml::Spanned;
use ts_rs::TS;

use crate::error::{Error, ErrorPayload, Result};

mod areas;
mod bench;
mod release_ops;
pub use areas::{
    AdvisorConfig, BundleBudget, BundleConfig, CoverageArea, CoverageConfig, DependenciesConfig, DocsConfig,
    DocsFailOn, EnvFile, EnvFileOptions, Schedule, SecurityConfig, Thresholds, VulnsConfig,
};

pub use bench::{BenchConfig, GateSection, ScenarioConfig};
pub use release_ops::{CheckLevel, Contact, DeployConfig, ReadinessConfig, RollbackConfig};

pub const FILE_NAME: &str = "shipdeck.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub workspace: WorkspaceSection,
    #[serde(default)]
    pub packages: Vec<PackageConfig>,
    #[serde(default)]
    pub databases: BTreeMap<String, DatabaseConfig>,
    #[serde(default)]
    pub environments: EnvironmentsConfig,
    #[serde(default)]
    pub release: ReleaseConfig,
    #[serde(default)]
    pub bench: BenchConfig,
    #[serde(default)]
    pub docs: DocsConfig,
    #[serde(default)]
    pub advisor: AdvisorConfig,
    #[serde(default)]
    pub security: SecurityConfig,
    #[serde(default)]
    pub dependencies: DependenciesConfig,
    #[serde(default)]
    pub coverage: CoverageConfig,
    #[serde(default)]
    pub bundle: BundleConfig,
    #[serde(default)]
    pub readiness: ReadinessConfig,
    #[serde(default)]
    pub rollback: RollbackConfig,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceSection {
    /// Display name; defaults to the folder name.
    pub name: Option<String>,
    /// The branch releases are cut from.
    pub release_branch: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageConfig {
    pub name: String,
    #[serde(default = "default_path")]
    pub path: String,
    /// e.g. `v{version}` (default) or `{name}-v{version}`.
    pub tag_format: Option<String>,
    /// Files holding the version; detected in `path` when empty.
    #[serde(default)]
    pub version_files: Vec<VersionFileConfig>,
    /// Changelog file, relative to the workspace (default `<path>/CHANGELOG.md`).
    pub changelog: Option<String>,
}

/// A version file: a known kind by name (`Cargo.toml`, `package.json`,
/// `pyproject.toml`, `VERSION`), or any file with a regex whose `version`
/// group (or first group) holds the version.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum VersionFileConfig {
    Path(String),
    Regex { path: String, regex: String },
}

/// `[release]`: how versions are decided and where releases go.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseConfig {
    /// Before 1.0.0, a breaking change bumps `major` (default) or `minor`.
    pub breaking_pre_1_0: Option<String>,
    /// Before 1.0.0, a feature bumps `minor` (default) or `patch`.
    pub feature_pre_1_0: Option<String>,
    /// With only commits of types that do not bump (docs, chore…): `patch`
    /// (default, as release-please) or `skip`.
    pub when_no_releasable: Option<String>,
    /// Count the `* type: …` lines of a squash-merge body as separate
    /// commits (default `false`: the header's type decides, as release-please).
    pub squash_bullets: Option<bool>,
    /// Cut prereleases with this identifier (`rc` → 1.4.0-rc.1, rc.2 …).
    pub prerelease: Option<String>,
    /// Version of a package's first release when it has no tag or version file.
    pub initial_version: Option<String>,
    /// Remote to push to and to derive links from (default `origin`).
    pub remote: Option<String>,
    /// `github`, `gitlab` or `gitea`; detected from the remote's host when absent.
    pub forge: Option<String>,
    /// Forge API base URL (default: from the forge and the remote's host).
    pub forge_api: Option<String>,
    /// Forge token: `env:VAR` or `keyring:NAME`.
    pub token: Option<String>,
    /// Per Conventional Commit type: its changelog group, bump and visibility.
    #[serde(default)]
    pub types: BTreeMap<String, TypeConfig>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeConfig {
    /// Changelog section title, e.g. "Added".
    pub group: Option<String>,
    /// `minor`, `patch` or `none`.
    pub bump: Option<String>,
    /// Left out of the changelog (still listed in the plan).
    pub hidden: Option<bool>,
}

fn default_path() -> String {
    ".".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `env:VAR`, `keyring:NAME`, or a URL without a password.
    pub url: Spanned<String>,
    /// Migrations folder, relative to the workspace root.
    pub migrations: Option<String>,
}

/// `[environments.<name>]` tables, in file order, plus the optional
/// `[environments.schema]` (a reserved name: no environment can be called
/// `schema`).
#[derive(Debug, Clone, Default)]
pub struct EnvironmentsConfig {
    pub envs: Vec<(String, EnvironmentConfig)>,
    pub schema: Option<EnvSchemaConfig>,
}

impl EnvironmentsConfig {
    pub fn get(&self, name: &str) -> Option<&EnvironmentConfig> {
        self.envs.iter().find(|(n, _)| n == name).map(|(_, e)| e)
    }
}

impl<'de> Deserialize<'de> for EnvironmentsConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = EnvironmentsConfig;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table of environments")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut out = EnvironmentsConfig::default();
                while let Some(name) = map.next_key::<String>()? {
                    if name == "schema" {
                        out.schema = Some(map.next_value()?);
                    } else {
                        out.envs.push((name, map.next_value()?));
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(Visitor)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentConfig {
    /// `.env`, JSON or YAML files, relative to the workspace; later files
    /// override earlier ones. An entry may be `{ path, verbatim = true }`.
    #[serde(default)]
    pub files: Vec<EnvFile>,
    /// Polled by `env health` and the Environments view.
    pub health_url: Option<String>,
    /// Give up on the health endpoint after this long (default `5s`).
    pub health_timeout: Option<String>,
    /// The key holding the Sentry DSN in this environment's files
    /// (default `SENTRY_DSN`).
    pub sentry_dsn_key: Option<String>,
    /// Where this environment ships logs; checked with a real round trip.
    pub logs: Option<LogTargetConfig>,
    /// OTLP/HTTP endpoint (e.g. `http://collector:4318`), or `env:KEY` to
    /// read it from the environment's files.
    pub otlp_endpoint: Option<String>,
    /// How this environment is deployed and rolled back.
    pub deploy: Option<DeployConfig>,
}

/// A log-shipping target.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogTargetConfig {
    /// `loki`, `elasticsearch` or `http` (JSON lines to a URL).
    pub kind: String,
    /// Base URL, or `env:KEY` to read it from the environment's files.
    pub url: String,
}

/// `[environments.schema]`: what every environment must hold.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvSchemaConfig {
    /// Keys every environment must define (non-empty).
    #[serde(default)]
    pub required: Vec<String>,
    /// Per key: `{ type = "port" | "url" | "bool" | "int" | "number" | "enum" | "string",
    /// values = [...] (enum), required = true, secret = true|false }`.
    #[serde(default)]
    pub keys: BTreeMap<String, KeySchemaConfig>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySchemaConfig {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub required: bool,
    /// Force the key to be treated as secret (true) or not (false),
    /// overriding the name/entropy heuristics.
    pub secret: Option<bool>,
}

/// Where a database URL comes from, as written in config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlSource {
    Env(String),
    Keyring(String),
    Literal(String),
}

impl UrlSource {
    /// `env:VAR`, `keyring:NAME`, or a literal.
    pub fn parse(raw: &str) -> UrlSource {
        let raw = raw.trim();
        if let Some(var) = raw.strip_prefix("env:") {
            UrlSource::Env(var.to_string())
        } else if let Some(name) = raw.strip_prefix("keyring:") {
            UrlSource::Keyring(name.to_string())
        } else {
            UrlSource::Literal(raw.to_string())
        }
    }
}

impl DatabaseConfig {
    pub fn url_source(&self) -> UrlSource {
        UrlSource::parse(self.url.get_ref())
    }
}

/// What the Overview shows about `shipdeck.toml`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ConfigStatus {
    pub present: bool,
    pub valid: bool,
    pub error: Option<ErrorPayload>,
}

impl Config {
    /// `Ok(None)` when the workspace has no `shipdeck.toml`.
    pub fn load(root: &Path) -> Result<Option<Config>> {
        let path = root.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("read", &path)(e)),
        };
        Self::parse(&text, &path).map(Some)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let message = e.message().to_string();
            let suggestion = suggest(&message);
            config_error(path, text, e.span(), message, suggestion)
        })?;
        config.validate(text, path)?;
        Ok(config)
    }

    fn validate(&self, text: &str, path: &Path) -> Result<()> {
        if let Some(token) = &self.release.token {
            if matches!(UrlSource::parse(token), UrlSource::Literal(_)) {
                return Err(config_error(
                    path,
                    text,
                    text.find("token").map(|i| i..i + 5),
                    "release.token must be `env:VAR` or `keyring:NAME`, never the token itself".into(),
                    None,
                ));
            }
        }
        for (name, db) in &self.databases {
            let err = |message: String| config_error(path, text, Some(db.url.span()), message, None);
            match db.url_source() {
                UrlSource::Env(var) if var.is_empty() => {
                    return Err(err(format!("databases.{name}.url: `env:` needs a variable name")))
                }
                UrlSource::Keyring(n) => crate::secrets::validate_name(&n)
                    .map_err(|_| err(format!("databases.{name}.url: {n:?} is not a credential name")))?,
                UrlSource::Literal(url) if has_password(&url) => {
                    return Err(err(format!(
                        "databases.{name}.url holds a password; use `env:VAR` or `keyring:NAME` instead"
                    )))
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl ConfigStatus {
    /// The status of a loaded configuration.
    pub fn of(loaded: Result<Option<&Config>>) -> ConfigStatus {
        let (present, error) = match loaded {
            Ok(config) => (config.is_some(), None),
            Err(e) => (true, Some(e.payload())),
        };
        ConfigStatus {
            present,
            valid: error.is_none(),
            error,
        }
    }
}

fn has_password(url: &str) -> bool {
    static USERINFO: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://[^/@\s]*:[^@\s/]+@").unwrap());
    USERINFO.is_match(url)
}

/// `config.invalid` at the line and column of `span` in `text` (the file at
/// `path`): for every TOML file Shipdeck reads.
pub fn config_error(
    path: &Path,
    text: &str,
    span: Option<Range<usize>>,
    message: String,
    suggestion: Option<String>,
) -> Error {
    let (line, column) = span.map_or((1, 1), |s| line_col(text, s.start));
    Error::InvalidConfig {
        path: PathBuf::from(path),
        line,
        column,
        message,
        suggestion,
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// serde reports an unknown key as "unknown field `x`, expected one of `a`,
/// `b`". Its `Error` type carries no structured list, so the candidates are
/// read back from that (stable) wording to suggest the closest key.
fn suggest(message: &str) -> Option<String> {
    static UNKNOWN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"unknown (?:field|variant) `([^`]*)`, expected (.*)").unwrap());
    static NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`([^`]+)`").unwrap());
    let caps = UNKNOWN.captures(message)?;
    let typo = &caps[1];
    NAME.captures_iter(&caps[2])
        .map(|c| c[1].to_string())
        .map(|candidate| (strsim::jaro_winkler(typo, &candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Config> {
        Config::parse(s, Path::new("shipdeck.toml"))
    }

    #[test]
    fn empty_file_is_valid() {
        let c = parse("").unwrap();
        assert!(c.databases.is_empty());
    }

    #[test]
    fn environments_keep_file_order_and_the_schema_is_not_an_environment() {
        let c = parse(
            r#"
[environments.production]
files = [".env.production"]
[environments.development]
files = [".env"]
logs = { kind = "loki", url = "env:LOKI_URL" }
[environments.schema]
required = ["DATABASE_URL"]
keys.PORT = { type = "port" }
keys.LOG_LEVEL = { type = "enum", values = ["debug", "info"] }
"#,
        )
        .unwrap();
        let names: Vec<&str> = c.environments.envs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["production", "development"]);
        let schema = c.environments.schema.unwrap();
        assert_eq!(schema.required, ["DATABASE_URL"]);
        assert_eq!(schema.keys["LOG_LEVEL"].values, ["debug", "info"]);
    }

    #[test]
    fn a_typo_inside_an_environment_names_its_line_and_the_key_meant() {
        let e = parse("[environments.staging]\nfiles = []\nhealth_ur = \"http://x\"\n").unwrap_err();
        match e {
            Error::InvalidConfig { line, suggestion, .. } => {
                assert_eq!(line, 3);
                assert_eq!(suggestion.as_deref(), Some("health_url"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn full_example_parses() {
        let c = parse(
            r#"
[workspace]
name = "demo"
release_branch = "main"

[[packages]]
name = "api"
path = "crates/api"
tag_format = "{name}-v{version}"

[databases.main]
url = "sqlite://data/app.db"
migrations = "migrations"

[databases.prod]
url = "env:DATABASE_URL"

[environments.production]
files = [".env.production"]
health_url = "http://127.0.0.1:8003/health"
"#,
        )
        .unwrap();
        assert_eq!(c.packages[0].path, "crates/api");
        assert_eq!(
            c.databases["prod"].url_source(),
            UrlSource::Env("DATABASE_URL".into())
        );
        assert_eq!(
            c.environments.get("production").unwrap().files,
            vec![".env.production".into()]
        );
    }

    #[test]
    fn unknown_key_reports_line_and_suggestion() {
        let err = parse("[workspace]\nname = \"x\"\nrelease_brnch = \"main\"\n").unwrap_err();
        match &err {
            Error::InvalidConfig {
                line,
                suggestion,
                message,
                ..
            } => {
                assert_eq!(*line, 3, "{message}");
                assert_eq!(suggestion.as_deref(), Some("release_branch"));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.hint().unwrap().contains("release_branch"));
    }

    #[test]
    fn syntax_error_reports_line() {
        let err = parse("[workspace]\nname = \n").unwrap_err();
        assert!(matches!(err, Error::InvalidConfig { line: 2, .. }), "{err:?}");
    }

    #[test]
    fn literal_password_in_database_url_is_refused() {
        let err = parse("[databases.main]\nurl = \"postgres://app:hunter2@db/main\"\n").unwrap_err();
        let payload = err.payload();
        assert_eq!(payload.code, "config.invalid");
        assert!(
            payload.message.contains("line") || payload.message.contains(":2:"),
            "{}",
            payload.message
        );
        assert!(!payload.message.contains("hunter2"));
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("", 0), (1, 1));
    }
}
