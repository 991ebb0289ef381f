//! PyPI lockfiles: `poetry.lock` and `uv.lock` (TOML, with dependency
//! lists), `Pipfile.lock` (JSON, flat) and pinned `requirements*.txt`.
//! Names are compared and reported as PEP 503 normalises them.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::graph::{Found, Graph, Kind};
use super::pep503;

#[derive(Deserialize)]
struct PoetryLock {
    #[serde(default)]
    package: Vec<PoetryPackage>,
}

#[derive(Deserialize)]
struct PoetryPackage {
    name: String,
    version: String,
    #[serde(default)]
    develop: bool,
    #[serde(default)]
    dependencies: toml::Table,
    source: Option<PoetrySource>,
}

#[derive(Deserialize)]
struct PoetrySource {
    #[serde(rename = "type")]
    kind: String,
}

/// Adds every node's edges to the nodes named `dep` (all its versions,
/// or the one `version` says).
fn link(
    graph: &mut Graph,
    ids: &HashMap<String, Vec<(String, usize)>>,
    from: usize,
    dep: &str,
    version: Option<&str>,
) {
    for (v, to) in ids.get(&pep503(dep)).into_iter().flatten() {
        if version.is_none_or(|want| want == v) {
            graph.edge(from, *to);
        }
    }
}

pub fn poetry(text: &str, manifest: Option<&str>) -> Result<Vec<Found>, String> {
    let lock: PoetryLock = toml::from_str(text).map_err(|e| format!("not a poetry.lock: {e}"))?;
    let mut graph = Graph::default();
    let mut ids: HashMap<String, Vec<(String, usize)>> = HashMap::new();
    for p in &lock.package {
        // `legacy` is a package index other than PyPI serving PyPI's packages.
        let registry = !p.develop && p.source.as_ref().is_none_or(|s| s.kind == "legacy");
        let name = pep503(&p.name);
        let id = graph.add(
            &name,
            &p.version,
            if registry { Kind::Package } else { Kind::Other },
        );
        ids.entry(name).or_default().push((p.version.clone(), id));
    }
    for (i, p) in lock.package.iter().enumerate() {
        for dep in p.dependencies.keys() {
            link(&mut graph, &ids, i, dep, None);
        }
    }
    let direct = manifest.map(pyproject_direct).unwrap_or_default();
    if direct.is_empty() {
        for t in graph.unrequired() {
            graph.direct(t);
        }
    }
    let project = graph.add("", "", Kind::Project);
    for d in direct {
        link(&mut graph, &ids, project, &d, None);
    }
    Ok(graph.packages())
}

/// The name a PEP 508 requirement starts with.
fn requirement_name(req: &str) -> Option<String> {
    let end = req.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')));
    let name = &req[..end.unwrap_or(req.len())];
    (!name.is_empty()).then(|| pep503(name))
}

/// Direct dependencies a `pyproject.toml` declares: PEP 621 and 735
/// lists, Poetry's tables.
pub fn pyproject_direct(text: &str) -> Vec<String> {
    let Ok(doc) = toml::from_str::<toml::Table>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let strings = |v: Option<&toml::Value>| -> Vec<String> {
        v.and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().and_then(requirement_name))
            .collect()
    };
    let project = doc.get("project");
    out.extend(strings(project.and_then(|p| p.get("dependencies"))));
    let tables = [
        project.and_then(|p| p.get("optional-dependencies")),
        doc.get("dependency-groups"),
    ];
    for t in tables.into_iter().flatten().filter_map(toml::Value::as_table) {
        for v in t.values() {
            out.extend(strings(Some(v)));
        }
    }
    let poetry = doc.get("tool").and_then(|t| t.get("poetry"));
    let mut keyed = vec![poetry.and_then(|p| p.get("dependencies"))];
    keyed.push(poetry.and_then(|p| p.get("dev-dependencies")));
    if let Some(groups) = poetry
        .and_then(|p| p.get("group"))
        .and_then(toml::Value::as_table)
    {
        keyed.extend(groups.values().map(|g| g.get("dependencies")));
    }
    for t in keyed.into_iter().flatten().filter_map(toml::Value::as_table) {
        out.extend(t.keys().filter(|k| k.as_str() != "python").map(|k| pep503(k)));
    }
    out
}

#[derive(Deserialize)]
struct UvLock {
    #[serde(default)]
    package: Vec<UvPackage>,
}

#[derive(Deserialize)]
struct UvPackage {
    name: String,
    version: Option<String>,
    #[serde(default)]
    source: toml::Table,
    #[serde(default)]
    dependencies: Vec<UvDep>,
    #[serde(default, rename = "optional-dependencies")]
    optional: HashMap<String, Vec<UvDep>>,
    #[serde(default, rename = "dev-dependencies")]
    dev: HashMap<String, Vec<UvDep>>,
}

#[derive(Deserialize)]
struct UvDep {
    name: String,
    version: Option<String>,
}

pub fn uv(text: &str) -> Result<Vec<Found>, String> {
    let lock: UvLock = toml::from_str(text).map_err(|e| format!("not a uv.lock: {e}"))?;
    let mut graph = Graph::default();
    let mut ids: HashMap<String, Vec<(String, usize)>> = HashMap::new();
    for p in &lock.package {
        let kind = if p.source.contains_key("registry") {
            Kind::Package
        } else if p.source.contains_key("editable") || p.source.contains_key("virtual") {
            Kind::Project
        } else {
            Kind::Other
        };
        let version = p.version.clone().unwrap_or_default();
        let name = pep503(&p.name);
        let id = graph.add(&name, &version, kind);
        ids.entry(name).or_default().push((version, id));
    }
    for (i, p) in lock.package.iter().enumerate() {
        let lists = p.optional.values().chain(p.dev.values());
        for d in p.dependencies.iter().chain(lists.flatten()) {
            link(&mut graph, &ids, i, &d.name, d.version.as_deref());
        }
    }
    Ok(graph.packages())
}

pub fn pipfile(text: &str) -> Result<Vec<Found>, String> {
    let lock: Value = serde_json::from_str(text).map_err(|e| format!("not a Pipfile.lock: {e}"))?;
    let mut out = Vec::new();
    for section in ["default", "develop"] {
        let Some(entries) = lock.get(section).and_then(Value::as_object) else {
            continue;
        };
        for (name, entry) in entries {
            let elsewhere = ["git", "path", "file", "editable"]
                .iter()
                .any(|k| entry.get(*k).is_some());
            let pinned = entry.get("version").and_then(Value::as_str).and_then(pin);
            if let (false, Some(version)) = (elsewhere, pinned) {
                out.push(Found {
                    name: pep503(name),
                    version,
                    via: Vec::new(),
                });
            }
        }
    }
    Ok(out)
}

/// The version an exact pin (`==1.2.3`, `===1.2.3`) names.
fn pin(spec: &str) -> Option<String> {
    let v = spec.trim();
    let v = v.strip_prefix("===").or_else(|| v.strip_prefix("=="))?.trim();
    let ok = !v.is_empty() && !v.contains(['*', ',', ' ', ';', '<', '>', '!', '~', '=']);
    ok.then(|| v.to_string())
}

/// The pinned requirements of a requirements file: continuations joined,
/// comments, options (`-r`, `--hash`, ...), markers, extras, URLs and
/// unpinned ones left out.
pub fn requirements(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    let mut logical = String::new();
    for line in text.lines() {
        // A comment starts at `#` at the start or after whitespace.
        let line = match line.find(" #").or_else(|| line.find("\t#")) {
            Some(k) => &line[..k],
            None if line.trim_start().starts_with('#') => "",
            None => line,
        };
        match line.trim_end().strip_suffix('\\') {
            Some(start) => {
                logical.push_str(start);
                logical.push(' ');
                continue;
            }
            None => logical.push_str(line),
        }
        let req = std::mem::take(&mut logical);
        if let Some(found) = requirement(&req) {
            out.push(found);
        }
    }
    out
}

fn requirement(line: &str) -> Option<Found> {
    let line = line.trim();
    if line.starts_with('-') || line.contains('@') {
        return None;
    }
    let req = line.split(';').next().unwrap_or(line);
    // Options after the requirement, `--hash=...`.
    let options = req
        .char_indices()
        .find(|&(k, c)| c.is_whitespace() && req[k + c.len_utf8()..].trim_start().starts_with('-'));
    let req = req[..options.map_or(req.len(), |(k, _)| k)].trim();
    let name = requirement_name(req)?;
    let mut rest =
        &req[req.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))?..];
    if let Some(after) = rest.trim_start().strip_prefix('[') {
        rest = &after[after.find(']')? + 1..];
    }
    let version = pin(rest)?;
    Some(Found {
        name,
        version,
        via: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_keep_exact_pins_only() {
        let text = "# top comment\n\
            -r other.txt\n\
            --index-url https://example.com/simple\n\
            -c constraints.txt\n\
            Requests[security,socks]==2.19.0 ; python_version >= \"3\"  # pinned\n\
            Jinja2 == 2.10 \\\n    --hash=sha256:aaa \\\n    --hash=sha256:bbb\n\
            zope.interface===5.4.0\n\
            urllib3>=1.23\n\
            six==1.*\n\
            idna\n\
            -e git+https://example.com/x.git#egg=x\n\
            pkg @ https://example.com/pkg-1.0.tar.gz\n\
            chardet==3.0.4 \\\n\
            \t--hash=sha256:ccc\n";
        let got: Vec<(String, String)> = requirements(text)
            .into_iter()
            .map(|f| (f.name, f.version))
            .collect();
        let want = [
            ("requests", "2.19.0"),
            ("jinja2", "2.10"),
            ("zope-interface", "5.4.0"),
            ("chardet", "3.0.4"),
        ];
        assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())));
    }

    #[test]
    fn pipfile_reads_both_sections_and_skips_vcs_and_paths() {
        let text = r#"{"_meta": {}, "default": {"Requests": {"version": "==2.19.0"},
            "x": {"git": "https://example.com/x.git", "ref": "abc"},
            "y": {"path": ".", "editable": true}},
            "develop": {"zope.interface": {"version": "==5.4.0", "markers": "python_version >= '3'"}}}"#;
        let got: Vec<(String, String)> = pipfile(text)
            .unwrap()
            .into_iter()
            .map(|f| (f.name, f.version))
            .collect();
        assert_eq!(
            got,
            vec![
                ("requests".into(), "2.19.0".into()),
                ("zope-interface".into(), "5.4.0".into())
            ]
        );
        assert!(pipfile("{").is_err());
    }

    #[test]
    fn poetry_skips_git_and_directory_sources_and_follows_the_manifest() {
        let text = r#"
[[package]]
name = "Requests"
version = "2.19.0"
[package.dependencies]
urllib3 = ">=1.21.1,<1.24"
"My_Lib" = {path = "../lib"}

[[package]]
name = "urllib3"
version = "1.23"

[[package]]
name = "my-lib"
version = "0.1.0"
develop = true
[package.source]
type = "directory"
url = "../lib"

[[package]]
name = "g"
version = "1.0"
[package.source]
type = "git"
url = "https://example.com/g.git"
"#;
        let manifest = "[tool.poetry.dependencies]\npython = \"^3.9\"\nrequests = \"2.19.0\"\n";
        let mut got: Vec<String> = poetry(text, Some(manifest))
            .unwrap()
            .into_iter()
            .map(|f| format!("{}@{} {}", f.name, f.version, f.via.join(">")))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec!["requests@2.19.0 requests", "urllib3@1.23 requests>urllib3"]
        );
    }

    #[test]
    fn uv_skips_the_project_and_editables_and_resolves_by_version() {
        let text = r#"
version = 1
requires-python = ">=3.9"
[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "a" }, { name = "s", version = "1.0", marker = "python_version < '3.10'" }]
[package.optional-dependencies]
x = [{ name = "b" }]
[[package]]
name = "a"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "s", version = "2.0" }]
[[package]]
name = "b"
version = "1.0"
source = { git = "https://example.com/b.git" }
[[package]]
name = "s"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
[[package]]
name = "s"
version = "2.0"
source = { registry = "https://pypi.org/simple" }
"#;
        let mut got: Vec<String> = uv(text)
            .unwrap()
            .into_iter()
            .map(|f| format!("{}@{} {}", f.name, f.version, f.via.join(">")))
            .collect();
        got.sort();
        assert_eq!(got, vec!["a@1.0 a", "s@1.0 s", "s@2.0 a>s"]);
        assert!(uv("[[package]]\nname = 3").is_err());
    }
}
