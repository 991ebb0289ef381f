//! Shipdeck's Blueprints area: feature templates rendered into the
//! workspace. A blueprint is a folder `blueprints/<name>/` with
//! `blueprint.toml` (description, variables, checklist page) and `files/`,
//! whose paths and contents are minijinja templates; Shipdeck ships two
//! (`api-endpoint`, `frontend-component`) that a workspace blueprint of the
//! same name replaces. A generation writes every file or none.

pub mod builtin;
pub mod error;
pub mod generate;
pub mod model;
pub mod render;
pub mod stack;
pub mod values;

use std::collections::BTreeMap;
use std::path::Path;

pub use error::{BlueprintError, Result};
pub use generate::{GeneratedFile, Generation};
pub use model::{Blueprint, Source, Variable};
pub use stack::Stack;

/// Every blueprint of the workspace, then the shipped ones it does not
/// replace, by name.
pub fn list(root: &Path) -> Result<Vec<Blueprint>> {
    let mut out = model::workspace_blueprints(root)?;
    for b in builtin::all()? {
        if !out.iter().any(|w| w.name == b.name) {
            out.push(b);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The blueprint called `name`.
pub fn find(root: &Path, name: &str) -> Result<Blueprint> {
    let all = list(root)?;
    let known = all.iter().map(|b| b.name.clone()).collect();
    all.into_iter()
        .find(|b| b.name == name)
        .ok_or_else(|| BlueprintError::NotFound {
            name: name.chars().take(80).collect(),
            known,
        })
}

/// Renders blueprint `name` with `given` values (the rest from defaults)
/// for the workspace at `root`; writes the files unless `dry_run`.
pub fn generate(
    root: &Path,
    name: &str,
    given: &BTreeMap<String, String>,
    dry_run: bool,
) -> Result<Generation> {
    let bp = find(root, name)?;
    let values = values::resolve(&bp, given)?;
    let templates = match &bp.dir {
        Some(dir) => model::workspace_templates(&bp, dir)?,
        None => builtin::templates(&bp.name),
    };
    let stack = stack::detect(root);
    let mut g = generate::plan(root, &bp, &templates, values, &stack)?;
    if !dry_run {
        generate::write(root, &mut g)?;
    }
    Ok(g)
}
