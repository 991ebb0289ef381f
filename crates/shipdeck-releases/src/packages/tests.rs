use super::*;

fn pkg(name: &str, format: &str) -> Package {
    Package {
        name: name.into(),
        path: ".".into(),
        tag_format: format.into(),
        version_files: vec![],
        changelog: "CHANGELOG.md".into(),
        folder_named: false,
    }
}

#[test]
fn tag_formats() {
    let p = pkg("api", "{name}-v{version}");
    assert_eq!(p.tag(&Version::parse("1.2.3").unwrap()), "api-v1.2.3");
    let re = p.tag_regex().unwrap();
    assert_eq!(&re.captures("api-v1.2.3-rc.1").unwrap()["version"], "1.2.3-rc.1");
    assert!(re.captures("web-v1.2.3").is_none());
    assert!(re.captures("v1.2.3").is_none());
    assert!(pkg("x", "release-{name}").tag_regex().is_err());
}

#[test]
fn paths_belong_to_packages() {
    let mut p = pkg("api", "v{version}");
    p.path = "crates/api".into();
    assert!(p.contains("crates/api/src/lib.rs"));
    assert!(!p.contains("crates/api-client/src/lib.rs"));
    assert!(pkg("root", "v{version}").contains("anything"));
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn cargo_workspace_packages() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    write(
        r,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\n[workspace.package]\nversion = \"1.0.0\"\n",
    );
    write(
        r,
        "crates/core/Cargo.toml",
        "[package]\nname = \"core\"\nversion.workspace = true\n",
    );
    write(
        r,
        "crates/cli/Cargo.toml",
        "[package]\nname = \"cli\"\nversion = \"0.3.0\"\n",
    );
    let p = discover(r, None, &[]).unwrap();
    let names: Vec<_> = p
        .iter()
        .map(|p| (p.name.as_str(), p.path.as_str(), p.tag_format.as_str()))
        .collect();
    let root_name = shipdeck_base::workspace::folder_name(r);
    assert_eq!(
        names,
        [
            (root_name.as_str(), ".", "v{version}"),
            ("cli", "crates/cli", "{name}-v{version}")
        ]
    );
}

#[test]
fn npm_workspaces_packages() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    write(
        r,
        "package.json",
        r#"{"private": true, "workspaces": ["packages/*"]}"#,
    );
    write(
        r,
        "packages/ui/package.json",
        r#"{"name": "@acme/ui", "version": "2.1.0"}"#,
    );
    let p = discover(r, None, &[]).unwrap();
    assert_eq!(p[0].name, "@acme/ui");
    assert_eq!(p[0].tag(&Version::parse("2.2.0").unwrap()), "@acme/ui@2.2.0");
}

#[test]
fn plain_folder_is_one_package() {
    let d = tempfile::tempdir().unwrap();
    let p = discover(d.path(), None, &[]).unwrap();
    assert_eq!((p.len(), p[0].tag_format.as_str()), (1, "v{version}"));
}

fn tags(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn tag_conventions_are_taken_from_the_tags() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    write(r, "Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n");
    write(
        r,
        "crates/a/Cargo.toml",
        "[package]\nname = \"a\"\nversion = \"2.1.0\"\n",
    );
    write(
        r,
        "crates/b/Cargo.toml",
        "[package]\nname = \"b\"\nversion = \"2.1.0\"\n",
    );
    // Released together on plain tags: one package.
    let p = discover(r, None, &tags(&["v2.0.0", "v2.1.0"])).unwrap();
    assert_eq!(p.len(), 1);
    assert_eq!(
        (p[0].tag_format.as_str(), p[0].version_files.len()),
        ("v{version}", 2)
    );
    // Tagged per crate without a `v`: kept apart, format adopted.
    let p = discover(r, None, &tags(&["a-2.1.0", "b-2.0.0", "b-2.1.0"])).unwrap();
    assert_eq!(
        p.iter().map(|p| p.tag_format.as_str()).collect::<Vec<_>>(),
        ["{name}-{version}", "{name}-{version}"]
    );
    // A single package with bare version tags.
    let single = tempfile::tempdir().unwrap();
    assert_eq!(
        discover(single.path(), None, &tags(&["1.0.0", "1.1.0"])).unwrap()[0].tag_format,
        "{version}"
    );
}

#[test]
fn a_new_package_follows_its_siblings_tag_convention() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    write(r, "Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n");
    write(
        r,
        "crates/app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"7.0.0\"\n",
    );
    write(
        r,
        "crates/resolver/Cargo.toml",
        "[package]\nname = \"resolver\"\nversion = \"0.1.0\"\n",
    );
    let p = discover(r, None, &tags(&["app-6.5.0", "app-7.0.0"])).unwrap();
    assert_eq!(
        p.iter()
            .map(|p| (p.name.as_str(), p.tag_format.as_str()))
            .collect::<Vec<_>>(),
        [("app", "{name}-{version}"), ("resolver", "{name}-{version}")]
    );
}
