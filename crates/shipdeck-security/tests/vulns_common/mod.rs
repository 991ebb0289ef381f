//! Shared by the `vulns*` tests: fixtures, packages, a progress handle,
//! offline exports built from the fixtures.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use shipdeck_base::jobs::{CancellationToken, Progress};
use shipdeck_security::vulns::{Advisory, Ecosystem, LockedPackage, Vulnerability, VulnsReport};

/// A progress handle outside any job, and the token that cancels it.
pub fn cancellable_progress() -> (CancellationToken, Progress) {
    let cancel = CancellationToken::new();
    (cancel.clone(), Progress::detached(cancel))
}

pub fn progress() -> Progress {
    cancellable_progress().1
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osv")
}

/// Every fixture: (id, JSON text).
pub fn fixture_texts() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for sub in ["real", "edge"] {
        let mut files: Vec<_> = std::fs::read_dir(fixture_dir().join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let id = f.file_stem().unwrap().to_string_lossy().into_owned();
            out.push((id, std::fs::read_to_string(&f).unwrap()));
        }
    }
    out
}

pub fn fixtures() -> Vec<Advisory> {
    fixture_texts()
        .iter()
        .map(|(_, t)| serde_json::from_str(t).unwrap())
        .collect()
}

pub fn lockfile_of(eco: Ecosystem) -> &'static str {
    match eco {
        Ecosystem::Npm => "package-lock.json",
        Ecosystem::PyPI => "poetry.lock",
        Ecosystem::CratesIo => "Cargo.lock",
    }
}

pub fn pkg(eco: Ecosystem, name: &str, version: &str) -> LockedPackage {
    LockedPackage {
        ecosystem: eco,
        name: name.to_string(),
        version: version.to_string(),
        lockfile: lockfile_of(eco).to_string(),
        via: vec!["app".to_string(), name.to_string()],
    }
}

pub fn npm(name: &str, version: &str) -> LockedPackage {
    pkg(Ecosystem::Npm, name, version)
}
pub fn pypi(name: &str, version: &str) -> LockedPackage {
    pkg(Ecosystem::PyPI, name, version)
}
pub fn cargo(name: &str, version: &str) -> LockedPackage {
    pkg(Ecosystem::CratesIo, name, version)
}

/// The entries for `name` at `version`.
pub fn of<'r>(report: &'r VulnsReport, name: &str, version: &str) -> Vec<&'r Vulnerability> {
    report
        .vulnerabilities
        .iter()
        .filter(|v| v.package == name && v.version == version)
        .collect()
}

pub fn ids(vs: &[&Vulnerability]) -> Vec<String> {
    vs.iter().map(|v| v.id.clone()).collect()
}

/// Writes `OSV_DIR/<Ecosystem>/all.zip` from the fixtures, each record in
/// the export of every ecosystem it names (as OSV's exports do).
pub fn write_exports(dir: &Path) {
    let mut per_eco: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (id, text) in fixture_texts() {
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut ecos: Vec<String> = v["affected"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a["package"]["ecosystem"].as_str().map(str::to_string))
            .collect();
        ecos.sort();
        ecos.dedup();
        for e in ecos {
            per_eco.entry(e).or_default().push((id.clone(), text.clone()));
        }
    }
    for (eco, records) in per_eco {
        let entries: Vec<(String, Vec<u8>)> = records
            .into_iter()
            .map(|(id, t)| (format!("{id}.json"), t.into_bytes()))
            .collect();
        write_zip(&dir.join(&eco).join("all.zip"), &entries);
    }
}

pub fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    for (name, data) in entries {
        z.start_file(name.as_str(), opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap();
}

/// A broad set of packages touching every fixture.
pub fn broad_packages() -> Vec<LockedPackage> {
    vec![
        npm("lodash", "4.17.15"),
        npm("lodash", "4.17.21"),
        npm("lodash-es", "4.17.20"),
        npm("minimist", "1.2.5"),
        npm("minimist", "0.2.3"),
        npm("left-pad", "1.3.0"),
        npm("la-pkg", "1.4.2"),
        npm("limit-pkg", "1.9.9"),
        npm("limit-pkg", "5.1.0"),
        npm("chain-pkg", "0.4.0"),
        npm("v4-pkg", "1.0.0"),
        pypi("Requests", "2.19.1"),
        pypi("requests", "2.28.0"),
        pypi("versions.pkg", "1.1.post1"),
        pypi("pep-pkg", "2.0+local.1"),
        cargo("smallvec", "1.6.0"),
        cargo("semver-pkg", "1.0.0-beta.3"),
    ]
}
