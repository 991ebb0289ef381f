//! Checks that compare environments: a key missing or empty in some of
//! them, and a value whose kind (number, bool, URL, text) differs. See
//! [`super::checks`] for the table of ids and severities.

use std::collections::{BTreeMap, BTreeSet};

use super::checks::{is_production, required_keys, Check, EnvFinding};
use super::values::ValueKind;
use super::{LoadedEnv, Var};
use shipdeck_base::config::EnvSchemaConfig;

/// Checks that compare environments: keys missing or empty in some, and
/// values whose kind differs.
pub fn check_across(envs: &[LoadedEnv], schema: Option<&EnvSchemaConfig>) -> Vec<EnvFinding> {
    let mut out = Vec::new();
    let required = schema.map(required_keys).unwrap_or_default();
    let typed = |key: &str| schema.is_some_and(|s| s.keys.get(key).is_some_and(|k| k.kind.is_some()));
    let keys: BTreeSet<&str> = envs
        .iter()
        .flat_map(|e| e.vars.keys().map(String::as_str))
        .collect();
    for key in keys {
        let has: Vec<&str> = envs
            .iter()
            .filter(|e| e.vars.contains_key(key))
            .map(|e| e.name.as_str())
            .collect();
        let set: Vec<&str> = envs
            .iter()
            .filter(|e| e.vars.get(key).is_some_and(|v| !v.value.trim().is_empty()))
            .map(|e| e.name.as_str())
            .collect();
        for env in envs {
            if required.contains(key) {
                break;
            }
            match env.vars.get(key) {
                None => out.push(
                    Check::MissingKey
                        .finding(
                            &env.name,
                            None,
                            None,
                            Some(key),
                            format!("{key} is set in {} but missing in {}", has.join(", "), env.name),
                        )
                        .with_fix(format!(
                            "Add {key} to {} (or remove it from {} if it is no longer used).",
                            env.files
                                .last()
                                .map_or("this environment's files", |f| f.path.as_str()),
                            has.join(", ")
                        )),
                ),
                Some(v) if v.value.trim().is_empty() && !set.is_empty() => {
                    out.push(Check::EmptyValue.finding(
                        &env.name,
                        Some(&v.file),
                        Some(v.line),
                        Some(key),
                        format!("{key} is empty in {} but set in {}", env.name, set.join(", ")),
                    ))
                }
                Some(_) => {}
            }
        }
        if !typed(key) {
            out.extend(type_drift(envs, key));
        }
        let forced = schema.and_then(|s| s.keys.get(key)).and_then(|k| k.secret);
        out.extend(shared_secret(envs, key, forced));
    }
    out
}

/// A production environment holding the same secret value as another
/// environment: whoever reads the development files can open production.
/// Values are compared here and never shown; the finding names the key and
/// the environments only.
fn shared_secret(envs: &[LoadedEnv], key: &str, forced: Option<bool>) -> Vec<EnvFinding> {
    let set: Vec<(&LoadedEnv, &Var)> = envs
        .iter()
        .filter_map(|e| e.vars.get(key).map(|v| (e, v)))
        .filter(|(_, v)| !v.value.trim().is_empty())
        .collect();
    let secret = set
        .iter()
        .any(|(_, v)| shipdeck_base::secrets::looks_secret(key, &v.value, forced));
    if !secret {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (prod, var) in set.iter().filter(|(e, _)| is_production(&e.name)) {
        let sharing: Vec<&str> = set
            .iter()
            .filter(|(e, v)| !is_production(&e.name) && v.value == var.value)
            .map(|(e, _)| e.name.as_str())
            .collect();
        if !sharing.is_empty() {
            out.push(Check::SecretSharedAcrossEnvironments.finding(
                &prod.name,
                Some(&var.file),
                Some(var.line),
                Some(key),
                format!(
                    "{key} has the same secret value in {} as in {}",
                    prod.name,
                    sharing.join(", ")
                ),
            ));
        }
    }
    out
}

/// One finding per environment whose value kind differs from the kind most
/// environments agree on (ties go to the more specific kind: number, bool,
/// URL, then text). `1`/`0` next to booleans count as booleans.
fn type_drift(envs: &[LoadedEnv], key: &str) -> Vec<EnvFinding> {
    let vars: Vec<(&LoadedEnv, &Var, ValueKind)> = envs
        .iter()
        .filter_map(|e| e.vars.get(key).map(|v| (e, v, ValueKind::of(&v.value))))
        .filter(|(_, _, k)| *k != ValueKind::Empty)
        .collect();
    let has_bool = vars.iter().any(|(_, _, k)| *k == ValueKind::Bool);
    let kind_of = |v: &Var, k: ValueKind| {
        if has_bool && k == ValueKind::Number && matches!(v.value.trim(), "0" | "1") {
            ValueKind::Bool
        } else {
            k
        }
    };
    let mut counts: BTreeMap<ValueKind, usize> = BTreeMap::new();
    for (_, v, k) in &vars {
        *counts.entry(kind_of(v, *k)).or_default() += 1;
    }
    if counts.len() < 2 {
        return Vec::new();
    }
    let Some(major) = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(k, _)| *k)
    else {
        return Vec::new();
    };
    let majority: Vec<&str> = vars
        .iter()
        .filter(|(_, v, k)| kind_of(v, *k) == major)
        .map(|(e, ..)| e.name.as_str())
        .collect();
    vars.iter()
        .filter(|(_, v, k)| kind_of(v, *k) != major)
        .map(|(e, v, k)| {
            Check::TypeDrift.finding(
                &e.name,
                Some(&v.file),
                Some(v.line),
                Some(key),
                format!(
                    "{key} is {} in {} but {} in {}",
                    kind_of(v, *k).label(),
                    e.name,
                    major.label(),
                    majority.join(", ")
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::tests::env;

    #[test]
    fn the_same_secret_in_development_and_production_is_an_error_naming_no_value() {
        let envs = vec![
            env(
                "development",
                "SESSION_SECRET=s3cr3t-shared-value\nAPI_TOKEN=dev-only-1\nPORT=80\n",
            ),
            env(
                "staging",
                "SESSION_SECRET=s3cr3t-shared-value\nAPI_TOKEN=stg-only-2\nPORT=80\n",
            ),
            env(
                "production",
                "SESSION_SECRET=s3cr3t-shared-value\nAPI_TOKEN=prd-only-3\nPORT=80\n",
            ),
        ];
        let found: Vec<_> = check_across(&envs, None)
            .into_iter()
            .filter(|f| f.check == "secret_shared_across_environments")
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        assert_eq!(
            (f.env.as_str(), f.key.as_deref()),
            ("production", Some("SESSION_SECRET"))
        );
        assert_eq!(f.severity, crate::Severity::Error);
        assert!(f.message.contains("development, staging"), "{}", f.message);
        assert!(!f.message.contains("s3cr3t"), "{}", f.message);
    }
    #[test]
    fn missing_empty_and_drift_across_environments() {
        let envs = vec![
            env("dev", "A=1\nT=5000\nF=true\nS=x\n"),
            env("stg", "A=1\nT=5s\nF=1\nS=\n"),
            env("prd", "T=3000\nF=false\nS=y\n"),
        ];
        let got: Vec<_> = check_across(&envs, None)
            .into_iter()
            .map(|f| (f.check, f.env, f.key.unwrap()))
            .collect();
        let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(
            got,
            vec![
                s("missing_key", "prd", "A"),
                s("empty_value", "stg", "S"),
                s("type_drift", "stg", "T")
            ]
        );
    }
}
