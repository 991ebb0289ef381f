//! What each registry knows of one package, read through its own protocol:
//! the npm packument, the Cargo sparse index, the PyPI simple API (PEP 691
//! JSON, else PEP 503 HTML).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::DepsError;
use crate::fetch::Fetcher;
use crate::manifest::python::normalize;

/// One published version.
#[derive(Debug, Clone, Default)]
pub struct Release {
    pub version: String,
    /// Cargo `yanked`, PyPI `data-yanked` on every file.
    pub yanked: bool,
    /// npm `deprecated`.
    pub deprecated: bool,
    /// npm `engines.node`.
    pub engines_node: Option<String>,
    /// When it was published (RFC 3339), where the registry says.
    pub released: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Package {
    pub releases: Vec<Release>,
    pub dist_tags: BTreeMap<String, String>,
    pub homepage: Option<String>,
    pub repository: Option<String>,
}

const NPM_ACCEPT: &str = "application/json";
const PYPI_ACCEPT: &str =
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";

fn invalid(ecosystem: &'static str, name: &str) -> DepsError {
    DepsError::InvalidName {
        ecosystem,
        name: name.to_string(),
    }
}

fn bad_doc(url: &Url, name: &str, detail: impl ToString) -> DepsError {
    DepsError::InvalidResponse {
        origin: url.origin().ascii_serialization(),
        name: name.to_string(),
        detail: detail.to_string(),
    }
}

fn not_found(url: &Url, name: &str) -> DepsError {
    DepsError::NotFound {
        origin: url.origin().ascii_serialization(),
        name: name.to_string(),
    }
}

/// The packument URL: `{registry}{name}`, a scope's `/` encoded as `%2f`.
pub fn npm_url(registry: &Url, name: &str) -> Result<Url, DepsError> {
    let bare = name.strip_prefix('@').unwrap_or(name);
    let parts: Vec<&str> = bare.split('/').collect();
    let scoped = name.starts_with('@');
    let ok_part = |p: &str| {
        !p.is_empty()
            && !p.starts_with(['.', '_'])
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'))
    };
    let shape_ok = if scoped {
        parts.len() == 2
    } else {
        parts.len() == 1
    };
    if name.len() > 214 || !shape_ok || !parts.iter().all(|p| ok_part(p)) {
        return Err(invalid("npm", name));
    }
    registry
        .join(&name.replace('/', "%2f"))
        .map_err(|_| invalid("npm", name))
}

/// The fields of a packument that are read; also the shape it is kept in
/// (see [`npm_reduce`]).
#[derive(Deserialize, Serialize)]
struct Packument {
    #[serde(default, rename = "dist-tags")]
    dist_tags: BTreeMap<String, String>,
    #[serde(default)]
    versions: BTreeMap<String, NpmVersion>,
    #[serde(default)]
    time: BTreeMap<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    homepage: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repository: Option<serde_json::Value>,
}

#[derive(Deserialize, Serialize)]
struct NpmVersion {
    #[serde(skip_serializing_if = "Option::is_none")]
    deprecated: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    engines: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    homepage: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repository: Option<serde_json::Value>,
}

/// A full packument (every manifest of every version, the README…) cut to
/// what [`npm`] reads: the dist-tags, each version's `deprecated` and
/// `engines.node`, the links of the document and of its `latest` version,
/// the versions' publication times. A tenth of the size or less, in the
/// same shape, so a cached document reads back with the same parser.
fn npm_reduce(body: &[u8], _content_type: &str) -> Option<Vec<u8>> {
    let mut p: Packument = serde_json::from_slice(body).ok()?;
    let latest = p.dist_tags.get("latest").cloned();
    for (version, v) in &mut p.versions {
        if latest.as_ref() != Some(version) {
            v.homepage = None;
            v.repository = None;
        }
        let node = v.engines.as_ref().and_then(|e| e.get("node")).cloned();
        v.engines = node.map(|n| serde_json::json!({ "node": n }));
    }
    let versions = &p.versions;
    p.time.retain(|k, _| versions.contains_key(k));
    serde_json::to_vec(&p).ok()
}

/// `repository` as a string or `{ "url": … }`.
fn repo_url(r: Option<&serde_json::Value>) -> Option<String> {
    let r = r?;
    r.as_str()
        .or_else(|| r.get("url").and_then(|u| u.as_str()))
        .map(String::from)
}

pub async fn npm(f: &Fetcher, registry: &Url, token: Option<&str>, name: &str) -> Result<Package, DepsError> {
    let url = npm_url(registry, name)?;
    let doc = f
        .get_reduced(&url, NPM_ACCEPT, token, name, Some(npm_reduce))
        .await?;
    let doc = doc.ok_or_else(|| not_found(&url, name))?;
    let p: Packument = serde_json::from_slice(&doc.body).map_err(|e| bad_doc(&url, name, e))?;
    // Links: the document's own, else those of the version `latest` names.
    let latest = p.dist_tags.get("latest").and_then(|l| p.versions.get(l));
    let repository =
        repo_url(p.repository.as_ref()).or_else(|| latest.and_then(|v| repo_url(v.repository.as_ref())));
    let homepage = p
        .homepage
        .as_ref()
        .or_else(|| latest.and_then(|v| v.homepage.as_ref()))
        .and_then(|h| h.as_str())
        .map(String::from);
    let releases = p
        .versions
        .into_iter()
        .map(|(version, v)| Release {
            released: p.time.get(&version).and_then(|t| t.as_str()).map(String::from),
            // npm treats `deprecated: ""` as not deprecated.
            deprecated: v.deprecated.as_ref().is_some_and(|d| d.as_str() != Some("")),
            engines_node: v
                .engines
                .as_ref()
                .and_then(|e| e.get("node"))
                .and_then(|n| n.as_str())
                .map(String::from),
            yanked: false,
            version,
        })
        .collect();
    Ok(Package {
        releases,
        dist_tags: p.dist_tags,
        homepage,
        repository,
    })
}

/// The file of `name` in a sparse index: `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd…`.
pub fn crate_path(name: &str) -> Result<String, DepsError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if !ok {
        return Err(invalid("crates", name));
    }
    let n = name.to_ascii_lowercase();
    Ok(match n.len() {
        1 => format!("1/{n}"),
        2 => format!("2/{n}"),
        3 => format!("3/{}/{n}", &n[..1]),
        _ => format!("{}/{}/{n}", &n[..2], &n[2..4]),
    })
}

#[derive(Deserialize, Serialize)]
struct IndexLine {
    vers: String,
    #[serde(default)]
    yanked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pubtime: Option<String>,
}

/// An index file cut to the fields read (each version's dependencies and
/// features dropped), one line a version as before.
fn cargo_reduce(body: &[u8], _content_type: &str) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(body).ok()?;
    let mut out = Vec::with_capacity(body.len() / 4);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let l: IndexLine = serde_json::from_str(line).ok()?;
        serde_json::to_writer(&mut out, &l).ok()?;
        out.push(b'\n');
    }
    Some(out)
}

pub async fn cargo(f: &Fetcher, index: &str, name: &str) -> Result<Package, DepsError> {
    let base = index
        .strip_prefix("sparse+")
        .ok_or_else(|| DepsError::UnsupportedIndex {
            index: index.to_string(),
        })?;
    let base = if base.ends_with('/') {
        base.to_string()
    } else {
        format!("{base}/")
    };
    let base = Url::parse(&base).map_err(|_| DepsError::UnsupportedIndex {
        index: index.to_string(),
    })?;
    let url = base
        .join(&crate_path(name)?)
        .map_err(|_| invalid("crates", name))?;
    let doc = f.get_reduced(&url, "*/*", None, name, Some(cargo_reduce)).await?;
    let doc = doc.ok_or_else(|| not_found(&url, name))?;
    let text = String::from_utf8(doc.body).map_err(|e| bad_doc(&url, name, e))?;
    let mut releases = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let l: IndexLine = serde_json::from_str(line).map_err(|e| bad_doc(&url, name, e))?;
        releases.push(Release {
            version: l.vers,
            yanked: l.yanked,
            released: l.pubtime,
            ..Release::default()
        });
    }
    Ok(Package {
        releases,
        ..Package::default()
    })
}

#[derive(Deserialize, Serialize)]
struct SimpleJson {
    files: Vec<SimpleFile>,
}

#[derive(Deserialize, Serialize)]
struct SimpleFile {
    filename: String,
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    yanked: serde_json::Value,
    #[serde(rename = "upload-time", skip_serializing_if = "Option::is_none")]
    upload_time: Option<String>,
}

/// A PEP 691 page cut to each file's name, yank and upload time (URLs,
/// hashes and metadata flags dropped); HTML pages are kept as they came.
fn pypi_reduce(body: &[u8], content_type: &str) -> Option<Vec<u8>> {
    if !content_type.contains("json") {
        return None;
    }
    let page: SimpleJson = serde_json::from_slice(body).ok()?;
    serde_json::to_vec(&page).ok()
}

/// Every version any of `indexes` holds for `name` (pip takes the union).
pub async fn pypi(f: &Fetcher, indexes: &[Url], name: &str) -> Result<Package, DepsError> {
    let norm = normalize(name);
    if norm.is_empty() || !norm.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(invalid("PyPI", name));
    }
    let mut files: Vec<(String, bool, Option<String>)> = Vec::new();
    let mut found = false;
    let mut last_err = None;
    for index in indexes {
        let url = index
            .join(&format!("{norm}/"))
            .map_err(|_| invalid("PyPI", name))?;
        match f
            .get_reduced(&url, PYPI_ACCEPT, None, name, Some(pypi_reduce))
            .await
        {
            Ok(Some(doc)) => {
                found = true;
                files.extend(simple_files(&url, name, &doc)?);
            }
            Ok(None) => {}
            Err(e) => last_err = Some(e),
        }
    }
    if !found {
        let first = indexes
            .first()
            .cloned()
            .unwrap_or_else(|| Url::parse("https://pypi.org/").expect("static"));
        return Err(last_err.unwrap_or_else(|| not_found(&first, name)));
    }
    Ok(Package {
        releases: releases_from_files(&norm, files),
        ..Package::default()
    })
}

fn simple_files(
    url: &Url,
    name: &str,
    doc: &crate::fetch::Doc,
) -> Result<Vec<(String, bool, Option<String>)>, DepsError> {
    if doc.content_type.contains("json") {
        let j: SimpleJson = serde_json::from_slice(&doc.body).map_err(|e| bad_doc(url, name, e))?;
        return Ok(j
            .files
            .into_iter()
            .map(|f| {
                let yanked = match &f.yanked {
                    serde_json::Value::Bool(b) => *b,
                    serde_json::Value::String(_) => true,
                    _ => false,
                };
                (f.filename, yanked, f.upload_time)
            })
            .collect());
    }
    let text = String::from_utf8_lossy(&doc.body);
    Ok(crate::simple_html::anchors(&text)
        .into_iter()
        .map(|a| (a.filename, a.yanked, None))
        .collect())
}

/// Groups files by the version their names carry; a version is yanked when
/// every one of its files is (PEP 592).
fn releases_from_files(norm: &str, files: Vec<(String, bool, Option<String>)>) -> Vec<Release> {
    let mut by_version: BTreeMap<String, Release> = BTreeMap::new();
    for (filename, yanked, time) in files {
        let Some(version) = version_of_file(norm, &filename) else {
            continue;
        };
        let r = by_version.entry(version.clone()).or_insert_with(|| Release {
            version,
            yanked: true,
            ..Release::default()
        });
        r.yanked &= yanked;
        if let Some(t) = time {
            if r.released.as_ref().is_none_or(|old| t < *old) {
                r.released = Some(t);
            }
        }
    }
    by_version.into_values().collect()
}

/// The version in a wheel (`name-ver-…whl`) or sdist (`name-ver.tar.gz`,
/// `.zip`) file name, normalized by PEP 440; other files are skipped.
pub fn version_of_file(norm: &str, filename: &str) -> Option<String> {
    let raw = if let Some(stem) = filename.strip_suffix(".whl") {
        let mut parts = stem.split('-');
        let n = parts.next()?;
        (normalize(n) == norm).then_some(())?;
        parts.next()?.to_string()
    } else {
        let stem = [".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz"]
            .iter()
            .find_map(|ext| filename.strip_suffix(ext))?;
        let mut found = None;
        for (i, _) in stem.match_indices('-') {
            if normalize(&stem[..i]) == norm {
                found = Some(stem[i + 1..].to_string());
                break;
            }
        }
        found?
    };
    let v: pep440_rs::Version = raw.parse().ok()?;
    Some(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_leave_the_registry_path_are_refused() {
        let r = Url::parse("https://registry.npmjs.org/").unwrap();
        assert_eq!(
            npm_url(&r, "@types/node").unwrap().as_str(),
            "https://registry.npmjs.org/@types%2fnode"
        );
        for bad in [
            "../etc/passwd",
            "a/../../b",
            "@scope/../x",
            "..",
            "a b",
            "@/x",
            "x%2f..",
        ] {
            assert!(npm_url(&r, bad).is_err(), "{bad}");
        }
        assert_eq!(crate_path("serde").unwrap(), "se/rd/serde");
        assert_eq!(crate_path("a").unwrap(), "1/a");
        assert_eq!(crate_path("syn").unwrap(), "3/s/syn");
        assert!(crate_path("../x").is_err());
    }

    #[test]
    fn reduced_documents_read_back_as_the_full_ones() {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for name in ["lodash", "debug", "@sindresorhus%2fis"] {
            let full = std::fs::read(fixtures.join(format!("npm/{name}.json"))).unwrap();
            let small = npm_reduce(&full, "application/json").unwrap();
            assert!(small.len() < full.len(), "{name}");
            let a: Packument = serde_json::from_slice(&full).unwrap();
            let b: Packument = serde_json::from_slice(&small).unwrap();
            assert_eq!(a.dist_tags, b.dist_tags);
            assert_eq!(a.versions.len(), b.versions.len());
            for (v, full_v) in &a.versions {
                let small_v = &b.versions[v];
                assert_eq!(full_v.deprecated, small_v.deprecated, "{name}@{v}");
                let node = |e: &Option<serde_json::Value>| e.as_ref().and_then(|e| e.get("node")).cloned();
                assert_eq!(node(&full_v.engines), node(&small_v.engines), "{name}@{v}");
                assert_eq!(a.time.get(v), b.time.get(v));
            }
            let latest = &a.dist_tags["latest"];
            assert_eq!(a.versions[latest].repository, b.versions[latest].repository);
        }
        let index = std::fs::read(fixtures.join("crates/libc")).unwrap();
        let small = cargo_reduce(&index, "").unwrap();
        assert!(small.len() < index.len());
        assert_eq!(
            String::from_utf8(small).unwrap().lines().count(),
            String::from_utf8(index)
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .count()
        );
        let page = std::fs::read(fixtures.join("pypi/json/urllib3.json")).unwrap();
        let small = pypi_reduce(&page, "application/vnd.pypi.simple.v1+json").unwrap();
        let (a, b): (SimpleJson, SimpleJson) = (
            serde_json::from_slice(&page).unwrap(),
            serde_json::from_slice(&small).unwrap(),
        );
        assert_eq!(a.files.len(), b.files.len());
        assert!(a.files.iter().zip(&b.files).all(|(x, y)| x.filename == y.filename
            && x.yanked == y.yanked
            && x.upload_time == y.upload_time));
        assert_eq!(pypi_reduce(b"<html></html>", "text/html"), None);
        assert_eq!(npm_reduce(b"not json", "application/json"), None);
    }

    #[test]
    fn versions_come_from_wheel_and_sdist_names() {
        assert_eq!(
            version_of_file("zope-interface", "zope.interface-5.4.0.tar.gz").as_deref(),
            Some("5.4.0")
        );
        assert_eq!(
            version_of_file("six", "six-1.16.0-py2.py3-none-any.whl").as_deref(),
            Some("1.16.0")
        );
        assert_eq!(
            version_of_file("urllib3", "urllib3-2.0.0a1.tar.gz").as_deref(),
            Some("2.0.0a1")
        );
        assert_eq!(version_of_file("six", "other-1.0.tar.gz"), None);
        assert_eq!(version_of_file("six", "six-1.0.exe"), None);
    }
}
