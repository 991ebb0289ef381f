//! Lockfiles produced by the real package managers (`fixtures/lockfiles`,
//! made by its `regen.sh`), read and compared with what each tool itself
//! reports about the same install.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use shipdeck_security::vulns::lockfiles::{read_all, Locked};
use shipdeck_security::vulns::{Ecosystem, LockedPackage};

type Set = BTreeSet<(String, String)>;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lockfiles")
        .join(name)
}

fn read(name: &str) -> Locked {
    read_all(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn text(name: &str, file: &str) -> String {
    std::fs::read_to_string(fixture(name).join(file)).unwrap()
}

fn set(locked: &Locked) -> Set {
    locked
        .packages
        .iter()
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect()
}

fn find<'a>(locked: &'a Locked, name: &str, version: &str) -> &'a LockedPackage {
    locked
        .packages
        .iter()
        .find(|p| p.name == name && p.version == version)
        .unwrap_or_else(|| panic!("{name}@{version} not found in {:?}", set(locked)))
}

/// `npm ls --all --json`: every (name, version) of its tree.
fn npm_ls() -> Set {
    fn walk(deps: &Value, out: &mut Set) {
        for (name, d) in deps.as_object().into_iter().flatten() {
            out.insert((name.clone(), d["version"].as_str().unwrap().to_string()));
            walk(&d["dependencies"], out);
        }
    }
    let ls: Value = serde_json::from_str(&text("npm-v3", "expected.npm-ls.json")).unwrap();
    let mut out = Set::new();
    walk(&ls["dependencies"], &mut out);
    out
}

/// The JavaScript fixtures all come from one package.json: what npm
/// installs for it, and the chains its lockfiles tell.
fn assert_js_fixture(name: &str) {
    let locked = read(name);
    let expected = npm_ls();
    assert!(expected.len() >= 12, "npm ls lists {expected:?}");
    assert_eq!(set(&locked), expected, "{name}");
    assert_eq!(
        locked.packages.len(),
        expected.len(),
        "{name}: one entry per name and version"
    );
    assert!(locked.packages.iter().all(|p| p.ecosystem == Ecosystem::Npm));
    assert!(locked.packages.iter().all(|p| p.lockfile == locked.lockfiles[0]));
    // Two versions of minimist: the root's pin and mkdirp's (a dev dependency).
    assert_eq!(find(&locked, "minimist", "0.0.8").via, vec!["minimist"], "{name}");
    let nested = &find(&locked, "minimist", "1.2.8").via;
    assert_eq!(nested, &vec!["mkdirp", "minimist"], "{name}");
    assert_eq!(
        find(&locked, "@sindresorhus/is", "0.14.0").via,
        vec!["@sindresorhus/is"]
    );
    // Reached through react (or react-dom), two steps down either way.
    let js_tokens = &find(&locked, "js-tokens", "4.0.0").via;
    assert_eq!(js_tokens.len(), 3, "{name}: {js_tokens:?}");
    assert_eq!(
        js_tokens[1..],
        ["loose-envify".to_string(), "js-tokens".to_string()]
    );
}

#[test]
fn npm_package_lock_v3_matches_npm_ls() {
    assert_js_fixture("npm-v3");
    let lock: Value = serde_json::from_str(&text("npm-v3", "package-lock.json")).unwrap();
    // Every entry but the root is a locked copy; two copies share nothing here.
    let entries = lock["packages"].as_object().unwrap().len() - 1;
    assert_eq!(read("npm-v3").packages.len(), entries);
}

#[test]
fn npm_package_lock_v2_matches_npm_ls() {
    assert_js_fixture("npm-v2");
}

#[test]
fn npm_package_lock_v1_matches_npm_ls() {
    assert_js_fixture("npm-v1");
}

#[test]
fn pnpm_lock_v9_matches_npm_ls() {
    assert_js_fixture("pnpm-v9");
}

#[test]
fn pnpm_lock_v6_matches_npm_ls() {
    assert_js_fixture("pnpm-v6");
}

#[test]
fn pnpm_lock_v5_matches_npm_ls() {
    assert_js_fixture("pnpm-v5");
}

#[test]
fn yarn_v1_lock_matches_yarn_list() {
    fn walk(trees: &Value, out: &mut Set) {
        // Shadow children only point at a range another tree resolves.
        for t in trees
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["shadow"] != true)
        {
            let spec = t["name"].as_str().unwrap();
            let at = spec[1..].find('@').unwrap() + 1;
            out.insert((spec[..at].to_string(), spec[at + 1..].to_string()));
            walk(&t["children"], out);
        }
    }
    let list: Value = serde_json::from_str(&text("yarn-v1", "expected.yarn-list.json")).unwrap();
    let mut expected = Set::new();
    walk(&list["data"]["trees"], &mut expected);
    assert_eq!(set(&read("yarn-v1")), expected);
    assert_js_fixture("yarn-v1");
}

#[test]
fn yarn_berry_lock_matches_npm_ls() {
    assert_js_fixture("yarn-berry");
}

/// `uv export`: `name==version` lines.
fn uv_export() -> Set {
    text("uv", "expected.uv-export.txt")
        .lines()
        .filter(|l| !l.starts_with(['#', ' ']))
        .filter_map(|l| l.split(" ;").next()?.split_once("=="))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect()
}

#[test]
fn uv_lock_matches_uv_export_without_the_project() {
    let locked = read("uv");
    let expected = uv_export();
    assert!(expected.contains(&("requests".into(), "2.19.0".into())));
    assert_eq!(set(&locked), expected);
    assert!(locked.packages.iter().all(|p| p.ecosystem == Ecosystem::PyPI));
    assert!(locked.packages.iter().all(|p| p.name != "lockfile-fixture"));
    assert_eq!(find(&locked, "requests", "2.19.0").via, vec!["requests"]);
    assert_eq!(find(&locked, "urllib3", "1.23").via, vec!["requests", "urllib3"]);
    assert_eq!(
        find(&locked, "markupsafe", "3.0.4").via,
        vec!["jinja2", "markupsafe"]
    );
    assert_eq!(
        find(&locked, "zope-interface", "5.4.0").via,
        vec!["zope-interface"]
    );
}

#[test]
fn poetry_lock_matches_poetry_show() {
    let expected: Set = text("poetry", "expected.poetry-show.txt")
        .lines()
        .filter_map(|l| {
            let mut cols = l.split_whitespace().filter(|c| *c != "(!)");
            Some((cols.next()?.to_string(), cols.next()?.to_string()))
        })
        .collect();
    let locked = read("poetry");
    assert!(expected.len() >= 8, "{expected:?}");
    assert_eq!(set(&locked), expected);
    // Names as PEP 503 spells them, chains from pyproject.toml's lists.
    assert_eq!(
        find(&locked, "markupsafe", "3.0.4").via,
        vec!["jinja2", "markupsafe"]
    );
    assert_eq!(
        find(&locked, "zope-interface", "5.4.0").via,
        vec!["zope-interface"]
    );
    assert_eq!(find(&locked, "idna", "2.7").via, vec!["requests", "idna"]);
}

#[test]
fn pipfile_lock_reads_default_and_develop() {
    let lock: Value = serde_json::from_str(&text("pipenv", "Pipfile.lock")).unwrap();
    let locked = read("pipenv");
    let count = lock["default"].as_object().unwrap().len() + lock["develop"].as_object().unwrap().len();
    assert_eq!(locked.packages.len(), count);
    let got = set(&locked);
    // The same project as uv's, resolved for one Python: a subset of uv's.
    assert!(got.is_subset(&uv_export()), "{got:?}");
    assert!(got.contains(&("zope-interface".into(), "5.4.0".into())));
    assert!(got.contains(&("jinja2".into(), "2.10".into())));
}

#[test]
fn compiled_requirements_with_hashes_match_uv_export() {
    let locked = read("requirements");
    assert_eq!(locked.lockfiles, vec!["requirements.txt"]);
    let got = set(&locked);
    assert_eq!(got.len(), 7, "{got:?}");
    assert!(got.is_subset(&uv_export()), "{got:?}");
    assert!(locked.packages.iter().all(|p| p.via.is_empty()));
}

#[test]
fn cargo_lock_matches_cargo_tree_without_members() {
    let expected: Set = text("cargo", "expected.cargo-tree.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.contains('('))
        .filter_map(|l| {
            let (n, v) = l.split_once(" v")?;
            Some((n.to_string(), v.to_string()))
        })
        .collect();
    let locked = read("cargo");
    assert!(expected.contains(&("smallvec".into(), "1.6.0".into())));
    assert_eq!(set(&locked), expected);
    assert!(locked.packages.iter().all(|p| p.ecosystem == Ecosystem::CratesIo));
    assert_eq!(find(&locked, "smallvec", "1.6.0").via, vec!["smallvec"]);
    // util is a member: time is direct, for util.
    assert_eq!(find(&locked, "time", "0.1.43").via, vec!["time"]);
    assert_eq!(
        find(&locked, "libc", &find_version(&locked, "libc")).via,
        vec!["time", "libc"]
    );
}

fn find_version(locked: &Locked, name: &str) -> String {
    locked
        .packages
        .iter()
        .find(|p| p.name == name)
        .map(|p| p.version.clone())
        .unwrap()
}
