//! The parity report: every key × every environment, as states, kinds and
//! fingerprints, never as values. A fingerprint is the first 12 hex digits of
//! HMAC-SHA256 over `KEY \0 value`, keyed with a key the caller keeps (in the
//! OS keyring): two reports made with the same key compare, but nobody
//! holding a report can test guesses offline, and binding the key name in
//! means two keys holding the same value do not show it.

use std::collections::{BTreeMap, BTreeSet};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use ts_rs::TS;

use super::across::check_across;
use super::checks::{check_env, lint_file, EnvFinding};
use super::values::ValueKind;
use super::{EnvError, EnvFormat, LoadedEnv, Severity};
use shipdeck_base::config::EnvSchemaConfig;
use shipdeck_base::error::Result;
use shipdeck_base::secrets::classify::{looks_secret, secret_name};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ParityReport {
    /// In the order given (shipdeck.toml's order).
    pub environments: Vec<String>,
    /// Sorted by key.
    pub keys: Vec<KeyParity>,
    /// Sorted by environment, file, line.
    pub findings: Vec<EnvFinding>,
    /// Share of keys that are set, non-empty and equal in every
    /// environment, 0–100 (100 when there are no keys).
    pub score: f64,
    pub files: Vec<FileInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct KeyParity {
    pub key: String,
    /// Looks secret in at least one environment (or the schema says so).
    pub secret: bool,
    pub status: BTreeMap<String, KeyStatus>,
    /// Present and non-empty everywhere, with equal fingerprints.
    pub same_across: bool,
    pub cells: BTreeMap<String, Cell>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    Present,
    Missing,
    Empty,
}

/// What the parity table shows: keys starting with `prefix`, ignoring case
/// and surrounding spaces (`db_` finds `DB_URL`), and with `only_problems`
/// only keys not the same everywhere. Findings follow the prefix (those
/// without a key always show). One rule for `env parity --prefix` and the
/// app's filter box.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
pub struct ParityFilter {
    #[serde(default)]
    pub only_problems: bool,
    #[serde(default)]
    pub prefix: Option<String>,
}

impl ParityFilter {
    fn prefix(&self) -> Option<String> {
        self.prefix
            .as_deref()
            .map(|p| p.trim().to_uppercase())
            .filter(|p| !p.is_empty())
    }

    /// Whether `key` starts with the prefix, ignoring case.
    pub fn matches_key(&self, key: &str) -> bool {
        self.prefix().is_none_or(|p| key.to_uppercase().starts_with(&p))
    }

    /// The report narrowed to what the filter shows (score and files stay
    /// those of the whole report).
    pub fn apply(&self, mut report: ParityReport) -> ParityReport {
        report
            .keys
            .retain(|k| self.matches_key(&k.key) && (!self.only_problems || !k.same_across));
        report
            .findings
            .retain(|f| f.key.as_deref().is_none_or(|k| self.matches_key(k)));
        report
    }
}

/// One key in one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Cell {
    pub state: CellState,
    pub kind: ValueKind,
    /// Set for non-empty values only.
    pub fingerprint: Option<String>,
    pub file: Option<String>,
    pub line: Option<u32>,
}

/// `same`: equal to the value of every other environment that has the key
/// (also when no other environment has it); `differs` otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    Same,
    Differs,
    Missing,
    Empty,
}

/// One configured file of one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FileInfo {
    pub env: String,
    pub file: String,
    pub format: EnvFormat,
    /// Entries read from it (duplicates included).
    pub keys: u32,
    /// Read, and without an error-level finding of its own.
    pub ok: bool,
}

/// Compares `envs` key by key and runs every check.
pub fn parity(envs: &[LoadedEnv], schema: Option<&EnvSchemaConfig>, hmac_key: &[u8]) -> ParityReport {
    let (findings, files) = findings_and_files(envs, schema);
    let mac = Hmac::<Sha256>::new_from_slice(hmac_key).expect("HMAC takes a key of any length");
    let all_keys: BTreeSet<&str> = envs
        .iter()
        .flat_map(|e| e.vars.keys().map(String::as_str))
        .collect();
    let keys: Vec<KeyParity> = all_keys
        .into_iter()
        .map(|key| key_parity(envs, schema, &mac, key))
        .collect();
    let score = if keys.is_empty() {
        100.0
    } else {
        let same = keys.iter().filter(|k| k.same_across).count() as f64;
        (same * 1000.0 / keys.len() as f64).round() / 10.0
    };
    ParityReport {
        environments: envs.iter().map(|e| e.name.clone()).collect(),
        keys,
        findings,
        score,
        files,
    }
}

/// Every finding, sorted, and what each file held.
fn findings_and_files(
    envs: &[LoadedEnv],
    schema: Option<&EnvSchemaConfig>,
) -> (Vec<EnvFinding>, Vec<FileInfo>) {
    let mut findings: Vec<EnvFinding> = Vec::new();
    let mut files = Vec::new();
    for env in envs {
        findings.extend(env.findings.iter().cloned());
        for file in &env.files {
            let lint = lint_file(&env.name, file);
            let errors = lint.iter().any(|f| f.severity == Severity::Error);
            files.push(FileInfo {
                env: env.name.clone(),
                file: file.path.clone(),
                format: file.format,
                keys: file.entries.len() as u32,
                ok: file.read && !errors,
            });
            findings.extend(lint);
        }
        findings.extend(check_env(env, schema));
    }
    findings.extend(check_across(envs, schema));
    findings.sort_by(|a, b| {
        (&a.env, &a.file, a.line, &a.check, &a.key).cmp(&(&b.env, &b.file, b.line, &b.check, &b.key))
    });
    (findings, files)
}

/// One key across the environments: each cell's state and fingerprint,
/// and whether it is secret.
fn key_parity(
    envs: &[LoadedEnv],
    schema: Option<&EnvSchemaConfig>,
    mac: &Hmac<Sha256>,
    key: &str,
) -> KeyParity {
    let override_ = schema.and_then(|s| s.keys.get(key)).and_then(|k| k.secret);
    // By name even where every value is empty; by value where any is.
    let mut secret = override_.unwrap_or_else(|| secret_name(key));
    let mut prints: Vec<(&str, Option<String>)> = Vec::with_capacity(envs.len());
    for env in envs {
        let print = env.vars.get(key).filter(|v| !v.value.is_empty()).map(|v| {
            secret = secret || looks_secret(key, &v.value, override_);
            fingerprint(mac, key, &v.value)
        });
        prints.push((env.name.as_str(), print));
    }
    let mut status = BTreeMap::new();
    let mut cells = BTreeMap::new();
    for (env, (name, print)) in envs.iter().zip(&prints) {
        let var = env.vars.get(key);
        let state = match (var, print) {
            (None, _) => CellState::Missing,
            (Some(_), None) => CellState::Empty,
            (Some(_), Some(p)) => {
                // Every other environment holding the key, empty ones too.
                let same = envs
                    .iter()
                    .zip(&prints)
                    .filter(|(e, (n, _))| n != name && e.vars.contains_key(key))
                    .all(|(_, (_, other))| other.as_ref() == Some(p));
                if same {
                    CellState::Same
                } else {
                    CellState::Differs
                }
            }
        };
        status.insert(
            name.to_string(),
            match state {
                CellState::Missing => KeyStatus::Missing,
                CellState::Empty => KeyStatus::Empty,
                _ => KeyStatus::Present,
            },
        );
        cells.insert(
            name.to_string(),
            Cell {
                state,
                kind: var.map_or(ValueKind::Empty, |v| ValueKind::of(&v.value)),
                fingerprint: print.clone(),
                file: var.map(|v| v.file.clone()),
                line: var.map(|v| v.line),
            },
        );
    }
    let first = prints.first().and_then(|(_, p)| p.as_ref());
    let same_across = first.is_some() && prints.iter().all(|(_, p)| p.as_ref() == first);
    KeyParity {
        key: key.to_string(),
        secret,
        status,
        same_across,
        cells,
    }
}

fn fingerprint(mac: &Hmac<Sha256>, key: &str, value: &str) -> String {
    let mut mac = mac.clone();
    mac.update(key.as_bytes());
    mac.update(&[0]);
    mac.update(value.as_bytes());
    let digest = mac.finalize().into_bytes();
    hex::encode(&digest[..6])
}

/// The value of `key` in `env`, unless it looks secret.
pub fn reveal(env: &LoadedEnv, key: &str, schema: Option<&EnvSchemaConfig>) -> Result<String> {
    let Some(var) = env.vars.get(key) else {
        return Err(EnvError::UnknownKey {
            env: env.name.clone(),
            key: key.to_string(),
        }
        .into());
    };
    let override_ = schema.and_then(|s| s.keys.get(key)).and_then(|k| k.secret);
    if looks_secret(key, &var.value, override_) {
        return Err(EnvError::Secret {
            env: env.name.clone(),
            key: key.to_string(),
        }
        .into());
    }
    Ok(var.value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::tests::env;

    #[test]
    fn cells_states_and_score() {
        let envs = vec![
            env("dev", "SAME=1\nDIFF=a\nHALF=x\nEMPTY=\nONLY=1\n"),
            env("stg", "SAME=1\nDIFF=b\nHALF=x\nEMPTY=v\n"),
            env("prd", "SAME=1\nDIFF=a\nEMPTY=v\n"),
        ];
        let r = parity(&envs, None, b"k");
        let by: BTreeMap<_, _> = r.keys.iter().map(|k| (k.key.as_str(), k)).collect();
        let states = |k: &str| -> Vec<CellState> {
            ["dev", "stg", "prd"]
                .iter()
                .map(|e| by[k].cells[*e].state)
                .collect()
        };
        use CellState::*;
        assert_eq!(states("SAME"), vec![Same, Same, Same]);
        assert_eq!(states("DIFF"), vec![Differs, Differs, Differs]);
        assert_eq!(states("HALF"), vec![Same, Same, Missing]);
        assert_eq!(states("EMPTY"), vec![Empty, Differs, Differs]);
        assert_eq!(states("ONLY"), vec![Same, Missing, Missing]);
        assert!(by["SAME"].same_across);
        assert!(!by["HALF"].same_across && !by["EMPTY"].same_across && !by["ONLY"].same_across);
        assert_eq!(by["EMPTY"].status["dev"], KeyStatus::Empty);
        assert_eq!(by["HALF"].status["prd"], KeyStatus::Missing);
        assert_eq!(r.score, 20.0);
        assert_eq!(
            r.keys.iter().map(|k| k.key.as_str()).collect::<Vec<_>>(),
            vec!["DIFF", "EMPTY", "HALF", "ONLY", "SAME"]
        );
        assert_eq!(r.environments, vec!["dev", "stg", "prd"]);
    }

    #[test]
    fn the_filter_ignores_case_and_spaces_and_keeps_keyless_findings() {
        let envs = vec![
            env("dev", "DB_URL=a\nDB_POOL=5\nLOG=x\n"),
            env("prd", "DB_URL=b\nDB_POOL=5\n"),
        ];
        let mut r = parity(&envs, None, b"k");
        r.findings.push(EnvFinding {
            check: "unreadable_file".into(),
            severity: Severity::Error,
            env: "prd".into(),
            file: None,
            line: None,
            key: None,
            message: String::new(),
            fix: String::new(),
        });
        let keys = |f: &ParityFilter| -> Vec<String> {
            f.apply(r.clone()).keys.into_iter().map(|k| k.key).collect()
        };
        let prefix = |p: &str, only_problems: bool| ParityFilter {
            only_problems,
            prefix: Some(p.into()),
        };
        assert_eq!(keys(&prefix(" db_", false)), ["DB_POOL", "DB_URL"]);
        assert_eq!(keys(&prefix("Db_U", false)), ["DB_URL"]);
        assert_eq!(keys(&prefix("db_", true)), ["DB_URL"]);
        assert_eq!(keys(&prefix("  ", false)).len(), 3);
        assert_eq!(keys(&ParityFilter::default()).len(), 3);
        let findings = prefix("db", false).apply(r.clone()).findings;
        assert!(findings.iter().any(|f| f.key.is_none()));
        assert!(findings
            .iter()
            .all(|f| f.key.as_deref().is_none_or(|k| k.starts_with("DB"))));
    }

    #[test]
    fn fingerprints_depend_on_the_hmac_key_and_the_key_name() {
        let envs = vec![env("a", "X=same\nY=same\n")];
        let one = parity(&envs, None, b"one");
        let two = parity(&envs, None, b"two");
        let fp = |r: &ParityReport, k: usize| r.keys[k].cells["a"].fingerprint.clone().unwrap();
        assert_eq!(fp(&one, 0).len(), 12);
        assert_ne!(fp(&one, 0), fp(&two, 0));
        assert_ne!(fp(&one, 0), fp(&one, 1));
        assert_eq!(fp(&one, 0), fp(&parity(&envs, None, b"one"), 0));
    }

    #[test]
    fn reveal_refuses_run_together_and_numbered_secret_names_the_redactor_hides() {
        let e = env(
            "prd",
            "DBPASSWORD=abc\nSECRETKEY=abc\nDB_PASSWORD2=abc\nMYSQLROOTPASSWORD=abc\n\
             DATABASE_URL=postgres://app@db/app?password=hunter2\n",
        );
        for key in [
            "DBPASSWORD",
            "SECRETKEY",
            "DB_PASSWORD2",
            "MYSQLROOTPASSWORD",
            "DATABASE_URL",
        ] {
            let line = format!("{key}={}", e.vars[key].value);
            assert_ne!(
                shipdeck_base::secrets::redact(&line),
                line,
                "the redactor hides {key}"
            );
            assert_eq!(
                reveal(&e, key, None).unwrap_err().code(),
                "environments.secret",
                "{key}"
            );
        }
    }

    #[test]
    fn reveal_shows_settings_about_secrets_and_public_build_variables() {
        let e = env(
            "prd",
            "FUNCTIONS_VERIFY_JWT=false\nNEXTAUTH_COOKIE_DOMAIN=example.org\n\
             EMAIL_SERVER_USER=<office365_emailAddress>\n\
             NEXT_PUBLIC_SUPABASE_ANON_KEY=eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJlLXNpZw\n",
        );
        for key in [
            "FUNCTIONS_VERIFY_JWT",
            "NEXTAUTH_COOKIE_DOMAIN",
            "EMAIL_SERVER_USER",
            "NEXT_PUBLIC_SUPABASE_ANON_KEY",
        ] {
            assert_eq!(reveal(&e, key, None).unwrap(), e.vars[key].value, "{key}");
        }
        let r = parity(std::slice::from_ref(&e), None, b"k");
        assert!(r.keys.iter().all(|k| !k.secret), "{:?}", r.keys);
    }

    #[test]
    fn reveal_refuses_secrets_and_unknown_keys() {
        let e = env("prd", "PORT=80\nSESSION_SECRET=abc\nPLAIN_BUT_FORCED=1\n");
        assert_eq!(reveal(&e, "PORT", None).unwrap(), "80");
        assert_eq!(
            reveal(&e, "SESSION_SECRET", None).unwrap_err().code(),
            "environments.secret"
        );
        assert_eq!(
            reveal(&e, "NOPE", None).unwrap_err().code(),
            "environments.unknown_key"
        );
        let schema: EnvSchemaConfig =
            toml::from_str("[keys.SESSION_SECRET]\nsecret = false\n[keys.PLAIN_BUT_FORCED]\nsecret = true\n")
                .unwrap();
        assert_eq!(reveal(&e, "SESSION_SECRET", Some(&schema)).unwrap(), "abc");
        assert!(reveal(&e, "PLAIN_BUT_FORCED", Some(&schema)).is_err());
        let r = parity(std::slice::from_ref(&e), Some(&schema), b"k");
        let secret: Vec<_> = r
            .keys
            .iter()
            .filter(|k| k.secret)
            .map(|k| k.key.as_str())
            .collect();
        assert_eq!(secret, vec!["PLAIN_BUT_FORCED"]);
        let empty = parity(&[env("dev", "API_TOKEN=\nDB=postgres://u:pw@h/d\n")], None, b"k");
        assert!(empty.keys.iter().all(|k| k.secret), "{:?}", empty.keys);
    }

    #[test]
    fn findings_are_sorted_and_files_listed() {
        let mut b = env("b", "lower=1\nX=1\nX=2\n");
        b.files[0].path = ".env.b".into();
        let a = env("a", "X=1\n");
        let r = parity(&[b, a], None, b"k");
        let order: Vec<_> = r
            .findings
            .iter()
            .map(|f| (f.env.as_str(), f.line, f.check.as_str()))
            .collect();
        assert_eq!(
            order,
            vec![
                ("a", None, "missing_key"),
                ("b", Some(1), "lowercase_key"),
                ("b", Some(3), "duplicate_key"),
            ]
        );
        assert_eq!(r.files.len(), 2);
        assert!(!r.files[0].ok && r.files[0].keys == 3, "{:?}", r.files[0]);
        assert!(r.files[1].ok);
    }
}
