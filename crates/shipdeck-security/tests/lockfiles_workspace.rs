//! Finding the lockfiles of a workspace, and hostile ones.

use std::fs;
use std::path::Path;

use shipdeck_security::vulns::lockfiles::{read_all, MAX_LOCKFILE_BYTES};

fn fixture(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lockfiles")
        .join(rel);
    fs::read_to_string(p).unwrap()
}

fn put(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

const REQS: &str = "requests==2.19.0\n";

#[test]
fn finds_lockfiles_at_any_depth_but_not_in_installed_or_hidden_dirs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    put(root, "Cargo.lock", &fixture("cargo/Cargo.lock"));
    put(
        root,
        "web/package-lock.json",
        &fixture("npm-v3/package-lock.json"),
    );
    put(root, "web/package.json", &fixture("npm-v3/package.json"));
    put(root, "requirements-dev.txt", REQS);
    put(
        root,
        "tool/npm-shrinkwrap.json",
        &fixture("npm-v2/package-lock.json"),
    );
    put(root, "a/b/c/d/e/f/g/uv.lock", &fixture("uv/uv.lock"));
    // Never read:
    put(root, "a/b/c/d/e/f/g/h/uv.lock", &fixture("uv/uv.lock"));
    put(root, "web/node_modules/x/package-lock.json", "not json");
    put(root, "target/Cargo.lock", "not toml [");
    put(root, ".git/yarn.lock", "garbage");
    put(root, ".venv/Pipfile.lock", "garbage");
    put(root, "venv/Pipfile.lock", "garbage");
    put(root, "py/requirements.txt", "flask==0.12\n");
    put(root, "requirements.in", "flask==0.12\n");
    let locked = read_all(root).unwrap();
    assert_eq!(
        locked.lockfiles,
        vec![
            "Cargo.lock",
            "a/b/c/d/e/f/g/uv.lock",
            "requirements-dev.txt",
            "tool/npm-shrinkwrap.json",
            "web/package-lock.json"
        ]
    );
    let of = |lockfile: &str| locked.packages.iter().filter(|p| p.lockfile == lockfile).count();
    assert!(of("Cargo.lock") > 0 && of("a/b/c/d/e/f/g/uv.lock") > 0);
    assert_eq!(of("requirements-dev.txt"), 1);
    assert!(locked.packages.iter().all(|p| p.name != "flask"));
    assert_eq!(of("tool/npm-shrinkwrap.json"), of("web/package-lock.json"));
    let lodash = locked
        .packages
        .iter()
        .find(|p| p.name == "lodash" && p.lockfile.starts_with("web/"))
        .unwrap();
    assert_eq!(lodash.lockfile, "web/package-lock.json");
    assert_eq!(lodash.via, vec!["lodash"]);
}

#[test]
fn an_empty_workspace_has_no_lockfiles() {
    let dir = tempfile::tempdir().unwrap();
    let locked = read_all(dir.path()).unwrap();
    assert!(locked.lockfiles.is_empty() && locked.packages.is_empty());
}

#[cfg(unix)]
#[test]
fn a_lockfile_linked_from_outside_the_workspace_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    put(outside.path(), "Cargo.lock", &fixture("cargo/Cargo.lock"));
    put(
        outside.path(),
        "real/package-lock.json",
        &fixture("npm-v3/package-lock.json"),
    );
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::os::unix::fs::symlink(outside.path().join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    // A linked directory is not walked into either.
    std::os::unix::fs::symlink(outside.path().join("real"), root.join("linked")).unwrap();
    // A link within the workspace is read.
    put(root, "real/yarn.lock", &fixture("yarn-v1/yarn.lock"));
    fs::create_dir_all(root.join("app")).unwrap();
    std::os::unix::fs::symlink("../real/yarn.lock", root.join("app/yarn.lock")).unwrap();
    let locked = read_all(root).unwrap();
    assert_eq!(locked.lockfiles, vec!["app/yarn.lock", "real/yarn.lock"]);
    assert!(locked.packages.iter().all(|p| p.lockfile.ends_with("yarn.lock")));
}

#[test]
fn a_lockfile_over_the_size_limit_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("web/package-lock.json");
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    // Sparse: no disk is spent on it.
    fs::File::create(&p)
        .unwrap()
        .set_len(MAX_LOCKFILE_BYTES + 1)
        .unwrap();
    let err = read_all(dir.path()).unwrap_err();
    assert_eq!(err.code(), "security.lockfile_too_large");
    assert!(err.to_string().contains("web/package-lock.json"), "{err}");
}

fn bad(rel: &str, text: &[u8]) -> shipdeck_base::error::Error {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, text).unwrap();
    let err = read_all(dir.path()).unwrap_err();
    assert_eq!(err.code(), "security.bad_lockfile", "{rel}: {err}");
    assert!(err.to_string().contains(rel), "{err}");
    assert!(err.hint().is_some());
    err
}

#[test]
fn malformed_lockfiles_are_errors_naming_the_file() {
    bad("Cargo.lock", b"[[package]]\nname = ");
    bad("svc/package-lock.json", b"{\"packages\": ");
    bad("svc/pnpm-lock.yaml", b"lockfileVersion: '9.0'\npackages: [\n");
    bad("pnpm-lock.yaml", b"lockfileVersion: banana\n");
    bad("ui/yarn.lock", b"# yarn lockfile v1\n\n  version \"1.0.0\"\n");
    bad("ui/yarn.lock", b"__metadata:\n  version: 8\n\"a@npm:1\": [\n");
    bad("poetry.lock", b"[[package]]\nname = \"a\"\n");
    bad("uv.lock", b"package = 3\n");
    bad("Pipfile.lock", b"{\"default\": [}");
    bad("Cargo.lock", b"\xff\xfe not text");
}

#[test]
fn deep_nesting_and_yaml_aliases_are_errors_not_crashes() {
    let deep_json = format!("{}{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    bad("package-lock.json", deep_json.as_bytes());
    let deep_yaml = format!("packages: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    bad("pnpm-lock.yaml", deep_yaml.as_bytes());
    let mut laughs =
        String::from("lockfileVersion: '9.0'\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let mut prev = 'a';
    for c in 'b'..='z' {
        laughs.push_str(&format!("{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        prev = c;
    }
    let err = bad("pnpm-lock.yaml", laughs.as_bytes());
    assert!(err.to_string().contains("aliases"), "{err}");
    let deep_toml = format!("a = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    bad("uv.lock", deep_toml.as_bytes());
}

#[test]
fn copies_of_one_version_are_one_package_with_the_shortest_chain() {
    let dir = tempfile::tempdir().unwrap();
    let lock = r#"{"lockfileVersion": 3, "packages": {
      "": {"dependencies": {"a": "1", "b": "1"}},
      "node_modules/a": {"version": "1.0.0", "dependencies": {"c": "2"}},
      "node_modules/a/node_modules/c": {"version": "2.0.0"},
      "node_modules/b": {"version": "1.0.0", "dependencies": {"x": "1"}},
      "node_modules/x": {"version": "1.0.0", "dependencies": {"c": "2"}},
      "node_modules/x/node_modules/c": {"version": "2.0.0"},
      "node_modules/c": {"version": "1.0.0"}
    }}"#;
    put(dir.path(), "package-lock.json", lock);
    let locked = read_all(dir.path()).unwrap();
    let c: Vec<_> = locked.packages.iter().filter(|p| p.name == "c").collect();
    assert_eq!(c.len(), 2, "{c:?}");
    let two = c.iter().find(|p| p.version == "2.0.0").unwrap();
    assert_eq!(two.via, vec!["a", "c"]);
    // Nothing requires c 1.0.0: known to be locked, by no chain.
    assert!(c.iter().find(|p| p.version == "1.0.0").unwrap().via.is_empty());
}
