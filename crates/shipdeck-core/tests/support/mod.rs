//! Helpers shared by the integration tests.

use std::collections::BTreeMap;

use shipdeck_core::environments::{LoadedEnv, Var};

/// An environment named `name` holding `vars`, as if read from `.env`.
pub fn loaded(name: &str, vars: &[(&str, &str)]) -> LoadedEnv {
    let vars: BTreeMap<String, Var> = vars
        .iter()
        .map(|(k, v)| {
            let var = Var {
                value: v.to_string(),
                file: ".env".into(),
                line: 1,
            };
            (k.to_string(), var)
        })
        .collect();
    LoadedEnv {
        name: name.into(),
        files: vec![],
        vars,
        findings: vec![],
    }
}
