//! The checks, each with a stable id. Severity `error` means the app is
//! likely broken or misconfigured with these files; `warning` means worth a
//! look (style, portability, a drift that may be intended).
//!
//! | id | severity | what |
//! |---|---|---|
//! | `parse_error` | error | a line, or a JSON/YAML file, the parser cannot read |
//! | `quote_mismatch` | error | a quote that is never closed |
//! | `duplicate_key` | error | a key set twice in one file: loaders disagree on which wins |
//! | `invalid_key_name` | error | a key that is not `[A-Za-z_][A-Za-z0-9_]*`: shells reject it, loaders differ |
//! | `file_outside_workspace` | error | a configured path leaving the workspace; not read |
//! | `unreadable_file` | error | a file that exists but cannot be read |
//! | `schema_type` | error | a value that is not its schema type (port, url, bool, int, number, enum) |
//! | `required_missing` | error | a required key missing or empty |
//! | `localhost_in_production` | error | a production value pointing at this machine |
//! | `debug_in_production` | error | debug switched on in production |
//! | `secret_shared_across_environments` | error | production holds the same secret value as another environment |
//! | `key_without_value` | warning | a line with a key and no `=` |
//! | `lowercase_key` | warning | a key with lowercase letters |
//! | `leading_whitespace` | warning | spaces before the key |
//! | `trailing_whitespace` | warning | spaces at the end of the line |
//! | `space_around_equals` | warning | `KEY = value` |
//! | `unquoted_value_with_spaces` | warning | `KEY=two words`: a shell runs `words` |
//! | `export_prefix` | warning | `export KEY=…`: fine for shells, not for docker `--env-file` |
//! | `undefined_substitution` | warning | `${VAR}` with nothing defining VAR earlier |
//! | `missing_file` | warning | a configured file that does not exist (env files are often not committed) |
//! | `missing_key` | warning | a key set in other environments and missing here |
//! | `empty_value` | warning | a key empty here and set in another environment |
//! | `type_drift` | warning | a key that is a number (bool, URL) in some environments and not in others |
//!
//! No message ever quotes a value: the secret heuristics can miss, and
//! findings are stored and shown. Messages name keys, kinds and, for the
//! production checks, the fixed word that matched (`debug`, `localhost`).

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::dotenv::is_valid_key;
use super::values::{local_host, parse_flag, SchemaType};
use super::{Entry, EnvFormat, LoadedEnv, ParsedFile, Severity};
use shipdeck_base::config::EnvSchemaConfig;

/// One problem in one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EnvFinding {
    /// Stable check id, e.g. `duplicate_key`.
    pub check: String,
    pub severity: Severity,
    pub env: String,
    /// The file, as written in shipdeck.toml.
    pub file: Option<String>,
    /// 1-based line.
    pub line: Option<u32>,
    pub key: Option<String>,
    pub message: String,
    pub fix: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Check {
    ParseError,
    QuoteMismatch,
    DuplicateKey,
    InvalidKeyName,
    FileOutsideWorkspace,
    UnreadableFile,
    SchemaType,
    RequiredMissing,
    LocalhostInProduction,
    DebugInProduction,
    SecretSharedAcrossEnvironments,
    KeyWithoutValue,
    LowercaseKey,
    LeadingWhitespace,
    TrailingWhitespace,
    SpaceAroundEquals,
    UnquotedValueWithSpaces,
    ExportPrefix,
    UndefinedSubstitution,
    MissingFile,
    MissingKey,
    EmptyValue,
    TypeDrift,
}

/// A check as documentation and the UI list them.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CheckInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub fix: &'static str,
}

/// Every check, in documentation order.
pub fn checks() -> Vec<CheckInfo> {
    Check::ALL
        .iter()
        .map(|c| CheckInfo {
            id: c.id(),
            severity: c.severity(),
            fix: c.fix(),
        })
        .collect()
}

impl Check {
    pub const ALL: [Check; 23] = [
        Check::ParseError,
        Check::QuoteMismatch,
        Check::DuplicateKey,
        Check::InvalidKeyName,
        Check::FileOutsideWorkspace,
        Check::UnreadableFile,
        Check::SchemaType,
        Check::RequiredMissing,
        Check::LocalhostInProduction,
        Check::DebugInProduction,
        Check::SecretSharedAcrossEnvironments,
        Check::KeyWithoutValue,
        Check::LowercaseKey,
        Check::LeadingWhitespace,
        Check::TrailingWhitespace,
        Check::SpaceAroundEquals,
        Check::UnquotedValueWithSpaces,
        Check::ExportPrefix,
        Check::UndefinedSubstitution,
        Check::MissingFile,
        Check::MissingKey,
        Check::EmptyValue,
        Check::TypeDrift,
    ];

    /// Stable id. Never rename one; add new ones.
    pub fn id(self) -> &'static str {
        match self {
            Check::ParseError => "parse_error",
            Check::QuoteMismatch => "quote_mismatch",
            Check::DuplicateKey => "duplicate_key",
            Check::InvalidKeyName => "invalid_key_name",
            Check::FileOutsideWorkspace => "file_outside_workspace",
            Check::UnreadableFile => "unreadable_file",
            Check::SchemaType => "schema_type",
            Check::RequiredMissing => "required_missing",
            Check::LocalhostInProduction => "localhost_in_production",
            Check::DebugInProduction => "debug_in_production",
            Check::SecretSharedAcrossEnvironments => "secret_shared_across_environments",
            Check::KeyWithoutValue => "key_without_value",
            Check::LowercaseKey => "lowercase_key",
            Check::LeadingWhitespace => "leading_whitespace",
            Check::TrailingWhitespace => "trailing_whitespace",
            Check::SpaceAroundEquals => "space_around_equals",
            Check::UnquotedValueWithSpaces => "unquoted_value_with_spaces",
            Check::ExportPrefix => "export_prefix",
            Check::UndefinedSubstitution => "undefined_substitution",
            Check::MissingFile => "missing_file",
            Check::MissingKey => "missing_key",
            Check::EmptyValue => "empty_value",
            Check::TypeDrift => "type_drift",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Check::ParseError
            | Check::QuoteMismatch
            | Check::DuplicateKey
            | Check::InvalidKeyName
            | Check::FileOutsideWorkspace
            | Check::UnreadableFile
            | Check::SchemaType
            | Check::RequiredMissing
            | Check::LocalhostInProduction
            | Check::DebugInProduction
            | Check::SecretSharedAcrossEnvironments => Severity::Error,
            _ => Severity::Warning,
        }
    }

    /// What to do about it, in general; findings may say it more precisely.
    pub fn fix(self) -> &'static str {
        match self {
            Check::ParseError => "Write the line as KEY=value (quote values with special characters), or fix the file's syntax at that line.",
            Check::QuoteMismatch => "Close the quote, or escape the quote character inside the value.",
            Check::DuplicateKey => "Keep one line for the key and delete the others.",
            Check::InvalidKeyName => "Use letters, digits and `_` only, not starting with a digit.",
            Check::FileOutsideWorkspace => "Keep environment files inside the workspace and name them relative to it.",
            Check::UnreadableFile => "Check the file's permissions.",
            Check::SchemaType => "Change the value to the type [environments.schema.keys] asks for, or change the schema.",
            Check::RequiredMissing => "Set the key to a non-empty value in this environment.",
            Check::LocalhostInProduction => "Point the value at the production service's real host.",
            Check::DebugInProduction => "Switch debugging off in production.",
            Check::SecretSharedAcrossEnvironments => "Give production its own value (rotate it there), so a copy leaked from another environment cannot open production.",
            Check::KeyWithoutValue => "Add `=` and a value (an empty value is `KEY=`), or delete the line.",
            Check::LowercaseKey => "Rename the key in UPPER_SNAKE_CASE, and where the code reads it.",
            Check::LeadingWhitespace => "Remove the spaces before the key.",
            Check::TrailingWhitespace => "Remove the spaces at the end of the line.",
            Check::SpaceAroundEquals => "Write KEY=value with no spaces around `=`.",
            Check::UnquotedValueWithSpaces => "Put the value in double quotes.",
            Check::ExportPrefix => "Drop `export` unless a shell sources this file.",
            Check::UndefinedSubstitution => "Define the variable on an earlier line or in an earlier file, or use ${VAR:-default}.",
            Check::MissingFile => "Create the file, or remove it from the environment's files in shipdeck.toml.",
            Check::MissingKey => "Add the key to this environment, or remove it from the others if it is no longer used.",
            Check::EmptyValue => "Set a value, or delete the key if the app has a default.",
            Check::TypeDrift => "Write the value the same way everywhere, or declare its type in [environments.schema.keys].",
        }
    }

    /// A finding of this check with its general fix.
    pub fn finding(
        self,
        env: &str,
        file: Option<&str>,
        line: Option<u32>,
        key: Option<&str>,
        message: String,
    ) -> EnvFinding {
        EnvFinding {
            check: self.id().to_string(),
            severity: self.severity(),
            env: env.to_string(),
            file: file.map(str::to_string),
            line,
            key: key.map(str::to_string),
            message,
            fix: self.fix().to_string(),
        }
    }
}

impl EnvFinding {
    pub(crate) fn with_fix(mut self, fix: String) -> Self {
        self.fix = fix;
        self
    }
}

/// The findings of one file: what its parser reported, duplicates, and for
/// `.env` files the style checks.
pub fn lint_file(env: &str, file: &ParsedFile) -> Vec<EnvFinding> {
    let path = Some(file.path.as_str());
    let mut out: Vec<EnvFinding> = file
        .problems
        .iter()
        .map(|p| {
            p.check
                .finding(env, path, Some(p.line), p.key.as_deref(), p.message.clone())
        })
        .collect();
    let mut first_line: HashMap<&str, u32> = HashMap::new();
    for e in &file.entries {
        let key = Some(e.key.as_str());
        let at = |check: Check, message: String| check.finding(env, path, Some(e.line), key, message);
        if let Some(first) = first_line.get(e.key.as_str()) {
            out.push(
                at(
                    Check::DuplicateKey,
                    format!(
                        "{} is set again (first on line {first}); loaders disagree on which one wins",
                        e.key
                    ),
                )
                .with_fix(format!(
                    "Keep one {} line (line {first} or {}) and delete the other.",
                    e.key, e.line
                )),
            );
        } else {
            first_line.insert(&e.key, e.line);
        }
        if file.format == EnvFormat::Dotenv {
            style_findings(e, &at, &mut out);
        }
    }
    out
}

/// The `.env` style checks of one entry; `at` makes a finding on its line.
fn style_findings(e: &Entry, at: &dyn Fn(Check, String) -> EnvFinding, out: &mut Vec<EnvFinding>) {
    let s = &e.syntax;
    if !is_valid_key(&e.key) {
        out.push(at(
            Check::InvalidKeyName,
            format!("{:?} is not a valid variable name", e.key),
        ));
    } else if e.key.bytes().any(|b| b.is_ascii_lowercase()) {
        out.push(
            at(Check::LowercaseKey, format!("{} has lowercase letters", e.key)).with_fix(format!(
                "Rename it {} (and where the code reads it).",
                e.key.to_ascii_uppercase()
            )),
        );
    }
    let flagged = [
        (s.leading_whitespace, Check::LeadingWhitespace, "spaces before {}"),
        (
            s.trailing_whitespace,
            Check::TrailingWhitespace,
            "the line of {} ends with spaces",
        ),
        (
            s.space_around_equals,
            Check::SpaceAroundEquals,
            "spaces around `=` after {}",
        ),
        (
            s.unquoted_spaces,
            Check::UnquotedValueWithSpaces,
            "the value of {} has spaces but no quotes; a shell would split it",
        ),
        (s.export, Check::ExportPrefix, "{} is written with `export`"),
    ];
    for (_, check, message) in flagged.into_iter().filter(|f| f.0) {
        out.push(at(check, message.replacen("{}", &e.key, 1)));
    }
    for name in &s.undefined {
        out.push(at(
            Check::UndefinedSubstitution,
            format!(
                "{} refers to ${{{name}}}, which no earlier line or file defines; it is empty unless the \
                 process environment sets it",
                e.key
            ),
        ));
    }
}

/// Whether an environment's name says it is production: a word of it is
/// `production`, `prod`, `prd` or `live` (`prod-eu` yes, `preprod` no).
pub fn is_production(name: &str) -> bool {
    name.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "production" | "prod" | "prd" | "live"
        )
    })
}

/// Checks of one environment on its own: the schema and, in production,
/// localhost and debug settings.
pub fn check_env(env: &LoadedEnv, schema: Option<&EnvSchemaConfig>) -> Vec<EnvFinding> {
    let mut out = Vec::new();
    let name = env.name.as_str();
    if let Some(schema) = schema {
        for key in required_keys(schema) {
            let var = env.vars.get(key);
            if var.is_some_and(|v| !v.value.trim().is_empty()) {
                continue;
            }
            let what = if var.is_some() { "empty" } else { "missing" };
            out.push(Check::RequiredMissing.finding(
                name,
                var.map(|v| v.file.as_str()),
                var.map(|v| v.line),
                Some(key),
                format!("{key} is required but {what} in {name}"),
            ));
        }
        for (key, ks) in &schema.keys {
            let (Some(kind), Some(var)) = (&ks.kind, env.vars.get(key)) else {
                continue;
            };
            if var.value.trim().is_empty() {
                continue;
            }
            let at = |message: String| {
                Check::SchemaType.finding(name, Some(&var.file), Some(var.line), Some(key), message)
            };
            match SchemaType::parse(kind) {
                None => out.push(at(format!(
                    "the schema gives {key} the unknown type {kind:?}; use port, url, bool, int, number, enum or string"
                ))),
                Some(t) if !t.accepts(&var.value, &ks.values) => {
                    out.push(at(format!("{key} is not {}", t.describe(&ks.values))))
                }
                Some(_) => {}
            }
        }
    }
    if is_production(name) {
        for (key, var) in &env.vars {
            let at = |check: Check, message: String| {
                check.finding(name, Some(&var.file), Some(var.line), Some(key), message)
            };
            if let Some(host) = local_host(&var.value) {
                out.push(at(
                    Check::LocalhostInProduction,
                    format!("{key} points at {host} in {name}"),
                ));
            }
            if let Some(what) = debug_setting(key, &var.value) {
                out.push(at(Check::DebugInProduction, format!("{what} in {name}")));
            }
        }
    }
    out
}

/// `schema.required` and the keys marked `required = true`, once each.
pub fn required_keys(schema: &EnvSchemaConfig) -> BTreeSet<&str> {
    let mut keys: BTreeSet<&str> = schema.required.iter().map(String::as_str).collect();
    keys.extend(
        schema
            .keys
            .iter()
            .filter(|(_, k)| k.required)
            .map(|(n, _)| n.as_str()),
    );
    keys
}

/// Describes a setting that turns debugging on, with words from a fixed
/// list only (never the value itself).
fn debug_setting(key: &str, value: &str) -> Option<String> {
    let k = key.to_ascii_uppercase();
    let v = value.trim().to_ascii_lowercase();
    if (k == "DEBUG" || k.ends_with("_DEBUG")) && parse_flag(&v) == Some(true) {
        return Some(format!("{key} is on"));
    }
    const ENV_KEYS: &[&str] = &[
        "NODE_ENV",
        "APP_ENV",
        "RAILS_ENV",
        "RACK_ENV",
        "FLASK_ENV",
        "DJANGO_ENV",
        "ENVIRONMENT",
        "ENV",
        "ASPNETCORE_ENVIRONMENT",
        "MIX_ENV",
    ];
    if ENV_KEYS.contains(&k.as_str()) && matches!(v.as_str(), "development" | "dev" | "debug") {
        return Some(format!("{key} is development"));
    }
    let level_key = k == "LOG_LEVEL" || k.ends_with("_LOG_LEVEL") || k == "LOGLEVEL" || k == "RUST_LOG";
    if level_key {
        if let Some(level) = v.split([',', '=', ' ']).find(|w| matches!(*w, "debug" | "trace")) {
            return Some(format!("{key} is {level}"));
        }
    }
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::source::parse_file;
    use crate::Var;

    /// An environment of one `.env` file, for tests.
    pub(crate) fn env(name: &str, text: &str) -> LoadedEnv {
        let file = parse_file(".env", text, &|_| None);
        let vars = file
            .entries
            .iter()
            .map(|e| {
                let var = Var {
                    value: e.value.clone(),
                    file: ".env".into(),
                    line: e.line,
                };
                (e.key.clone(), var)
            })
            .collect();
        LoadedEnv {
            name: name.into(),
            files: vec![file],
            vars,
            findings: vec![],
        }
    }

    fn ids(findings: &[EnvFinding]) -> Vec<(&str, Option<u32>)> {
        findings.iter().map(|f| (f.check.as_str(), f.line)).collect()
    }

    #[test]
    fn ids_are_unique_and_severities_documented() {
        let all = checks();
        let unique: BTreeSet<_> = all.iter().map(|c| c.id).collect();
        assert_eq!(unique.len(), all.len());
        let doc = include_str!("checks.rs");
        for c in &all {
            let row = format!(
                "| `{}` | {} |",
                c.id,
                if c.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                }
            );
            assert!(doc.contains(&row), "the table at the top lacks {row}");
        }
    }

    #[test]
    fn dotenv_style_checks_fire_on_their_line_only() {
        let text = "GOOD=1\n  LEAD=1\nTRAIL=1 \nSP = 1\nWORDS=two words\nexport EXP=1\nlower=1\nMY-KEY=1\nREF=${NOPE}\nGOOD=2\n";
        let got = lint_file("dev", &parse_file(".env", text, &|_| None));
        assert_eq!(
            ids(&got),
            vec![
                ("leading_whitespace", Some(2)),
                ("trailing_whitespace", Some(3)),
                ("space_around_equals", Some(4)),
                ("unquoted_value_with_spaces", Some(5)),
                ("export_prefix", Some(6)),
                ("lowercase_key", Some(7)),
                ("invalid_key_name", Some(8)),
                ("undefined_substitution", Some(9)),
                ("duplicate_key", Some(10)),
            ]
        );
        assert!(lint_file("dev", &parse_file(".env", "A=1\nB=\"two words\"\n", &|_| None)).is_empty());
    }

    #[test]
    fn json_duplicates_count_but_style_checks_do_not() {
        let file = parse_file(
            "a.json",
            "{\"a\": {\"b\": 1}, \"A__B\": 2, \"lower\": 1}",
            &|_| None,
        );
        assert_eq!(ids(&lint_file("dev", &file)), vec![("duplicate_key", Some(1))]);
    }

    #[test]
    fn schema_required_and_types() {
        let schema: EnvSchemaConfig = toml::from_str(
            "required = [\"DATABASE_URL\"]\n[keys.PORT]\ntype = \"port\"\n[keys.LOG_LEVEL]\ntype = \"enum\"\nvalues = [\"info\", \"warn\"]\n[keys.SENTRY_DSN]\nrequired = true\n[keys.TIMEOUT]\ntype = \"duration\"\n",
        )
        .unwrap();
        let bad = env("staging", "PORT=99999\nLOG_LEVEL=loud\nSENTRY_DSN=\nTIMEOUT=5s\n");
        let got = check_env(&bad, Some(&schema));
        let mut by: Vec<_> = got
            .iter()
            .map(|f| (f.check.as_str(), f.key.as_deref().unwrap()))
            .collect();
        by.sort();
        assert_eq!(
            by,
            vec![
                ("required_missing", "DATABASE_URL"),
                ("required_missing", "SENTRY_DSN"),
                ("schema_type", "LOG_LEVEL"),
                ("schema_type", "PORT"),
                ("schema_type", "TIMEOUT"),
            ]
        );
        let good = env(
            "staging",
            "PORT=8080\nLOG_LEVEL=info\nSENTRY_DSN=https://k@s.io/1\nDATABASE_URL=pg://db/x\n",
        );
        assert!(check_env(&good, Some(&schema)).is_empty());
    }

    #[test]
    fn production_checks_only_in_production() {
        let text = "REDIS_URL=redis://127.0.0.1:6379\nDEBUG=true\nLOG_LEVEL=debug\nNODE_ENV=development\nAPP_DEBUG=0\nCDN=https://cdn.example\n";
        let prod: Vec<_> = check_env(&env("production", text), None)
            .into_iter()
            .map(|f| f.check)
            .collect();
        assert_eq!(
            prod,
            vec![
                "debug_in_production",
                "debug_in_production",
                "debug_in_production",
                "localhost_in_production"
            ]
        );
        assert!(check_env(&env("staging", text), None).is_empty());
        assert!(check_env(&env("prod-eu", "DEBUG=false\nLOG_LEVEL=info\n"), None).is_empty());
        assert!(is_production("prod-eu") && is_production("Live") && !is_production("preprod"));
    }

    #[test]
    fn messages_never_quote_values() {
        let text = "lower=canary-1\nexport SP = canary-2 and more \nREF=\"${NOPE}canary-3\"\nDEBUG=canary-4\nR=redis://canary-5.localhost\n";
        let mut all = lint_file("production", &parse_file(".env", text, &|_| None));
        all.extend(check_env(&env("production", text), None));
        assert!(!all.is_empty());
        for f in all {
            assert!(
                !f.message.contains("canary") && !f.fix.contains("canary"),
                "{f:?}"
            );
        }
    }
}
