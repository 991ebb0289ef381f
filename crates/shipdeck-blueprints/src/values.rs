//! The values a generation renders with: each variable's given value or its
//! default, held to its `choices` and `pattern`.

use std::collections::BTreeMap;

use regex::Regex;

use crate::error::{BlueprintError, Result};
use crate::model::{Blueprint, Variable};

/// At most this many bytes per value.
pub const MAX_VALUE_BYTES: usize = 1024;

/// `pattern` compiled to match a whole value, not a part of it.
pub(crate) fn full_match(pattern: &str) -> std::result::Result<Regex, regex::Error> {
    regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .size_limit(1 << 20)
        .build()
}

/// The variables with no value in `given` and no default: what a terminal
/// asks for.
pub fn missing<'a>(bp: &'a Blueprint, given: &BTreeMap<String, String>) -> Vec<&'a Variable> {
    bp.variables
        .iter()
        .filter(|v| v.default.is_none() && !given.contains_key(&v.name))
        .collect()
}

/// Every variable's value: given, else its default; each checked.
pub fn resolve(bp: &Blueprint, given: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>> {
    if let Some(unknown) = given.keys().find(|k| !bp.variables.iter().any(|v| &v.name == *k)) {
        return Err(BlueprintError::UnknownVariable {
            name: bp.name.clone(),
            variable: unknown.clone(),
            known: bp.variables.iter().map(|v| v.name.clone()).collect(),
        });
    }
    let mut out = BTreeMap::new();
    for v in &bp.variables {
        let value = match given.get(&v.name).or(v.default.as_ref()) {
            Some(value) => value.clone(),
            None => {
                return Err(BlueprintError::MissingVariable {
                    variable: v.name.clone(),
                    prompt: v.prompt.clone(),
                })
            }
        };
        check(v, &value)?;
        out.insert(v.name.clone(), value);
    }
    Ok(out)
}

/// Whether `value` is one of `v.choices` (when it has some) and matches
/// `v.pattern` (when it has one).
pub fn check(v: &Variable, value: &str) -> Result<()> {
    let refuse = |reason: String, allowed: String| BlueprintError::BadValue {
        variable: v.name.clone(),
        value: value.chars().take(80).collect(),
        reason,
        allowed,
    };
    if value.len() > MAX_VALUE_BYTES {
        return Err(refuse(
            "too long".into(),
            format!("at most {MAX_VALUE_BYTES} bytes"),
        ));
    }
    if !v.choices.is_empty() && !v.choices.iter().any(|c| c == value) {
        return Err(refuse("not one of the choices".into(), v.choices.join(", ")));
    }
    if let Some(pattern) = &v.pattern {
        let re = full_match(pattern).map_err(|e| refuse(e.to_string(), pattern.clone()))?;
        if !re.is_match(value) {
            return Err(refuse(
                "does not match the pattern".into(),
                format!("values matching {pattern}"),
            ));
        }
    }
    Ok(())
}
