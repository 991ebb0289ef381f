//! Checks that compare environments: a key missing or empty in some of
//! them, and a value whose kind (number, bool, URL, text) differs. See
//! [`super::checks`] for the table of ids and severities.

use std::collections::{BTreeMap, BTreeSet};

use super::checks::{required_keys, Check, EnvFinding};
use super::values::ValueKind;
use super::{LoadedEnv, Var};
use crate::config::EnvSchemaConfig;

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
    use crate::environments::checks::tests::env;

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
