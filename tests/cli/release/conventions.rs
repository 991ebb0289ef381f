//! Which tags and names a plan goes by: tags HEAD contains, names from
//! manifests — never the name of the folder a repository was cloned into.

use super::package;
use crate::util::{Env, Repo};

/// `1.0.0` released with a plain tag, a fix after it, then a later line of
/// history released as `cocogitto-2.0.0`: a single crate that changed its
/// tag convention, as cocogitto did.
fn renamed_convention(env: &Env, folder: &str, manifest: bool) -> (Repo, git2::Oid) {
    let mut r = Repo::init(&env.path(folder));
    if manifest {
        r.write(
            "Cargo.toml",
            "[package]\nname = \"cocogitto\"\nversion = \"1.0.0\"\nedition = \"2021\"\n",
        );
    }
    r.write("src/main.rs", "");
    r.commit("feat: first");
    r.tag("1.0.0");
    r.change("src/main.rs", "fix: a crash");
    let planned_at = r.repo.head().unwrap().peel_to_commit().unwrap().id();
    r.change("src/main.rs", "feat!: new config format");
    r.tag("cocogitto-2.0.0");
    (r, planned_at)
}

#[test]
fn a_package_tag_head_does_not_contain_does_not_hide_plain_tags() {
    for folder in ["cocogitto", "a-clone"] {
        for manifest in [true, false] {
            let env = Env::new();
            let (r, planned_at) = renamed_convention(&env, folder, manifest);
            r.repo.set_head_detached(planned_at).unwrap();
            let p = package(&env, &r, &[]);
            let what = format!("folder {folder}, manifest {manifest}: {p}");
            assert_eq!(
                (
                    p["current_tag"].as_str(),
                    p["current_version"].as_str(),
                    p["next_version"].as_str()
                ),
                (Some("1.0.0"), Some("1.0.0"), Some("1.0.1")),
                "{what}"
            );
            assert_eq!(p["commits"].as_array().unwrap().len(), 1, "{what}");
        }
    }
}

#[test]
fn a_later_package_tag_is_followed_whatever_the_folder_is_called() {
    for folder in ["cocogitto", "a-clone"] {
        let env = Env::new();
        let (mut r, _) = renamed_convention(&env, folder, true);
        r.change("src/main.rs", "fix: after the rename");
        let p = package(&env, &r, &[]);
        assert_eq!(
            (
                p["name"].as_str(),
                p["current_tag"].as_str(),
                p["next_tag"].as_str()
            ),
            (
                Some("cocogitto"),
                Some("cocogitto-2.0.0"),
                Some("cocogitto-2.0.1")
            ),
            "folder {folder}: {p}"
        );
    }
}

#[test]
fn a_single_root_crate_is_named_by_its_manifest_not_its_folder() {
    let env = Env::new();
    let mut r = Repo::init(&env.path("checkout-7"));
    r.write(
        "Cargo.toml",
        "[package]\nname = \"cocogitto\"\nversion = \"1.0.0\"\nedition = \"2021\"\n",
    );
    r.commit("feat: first");
    r.tag("1.0.0");
    r.change("src/lib.rs", "fix: one");
    let p = package(&env, &r, &[]);
    assert_eq!(
        (p["name"].as_str(), p["next_tag"].as_str()),
        (Some("cocogitto"), Some("1.0.1"))
    );

    let env = Env::new();
    let mut r = Repo::init(&env.path("web-checkout"));
    r.write(
        "package.json",
        "{\"name\": \"orbit-web\", \"version\": \"2.0.0\"}\n",
    );
    r.commit("feat: first");
    r.tag("v2.0.0");
    r.change("index.js", "fix: one");
    let p = package(&env, &r, &[]);
    assert_eq!(
        (p["name"].as_str(), p["next_tag"].as_str()),
        (Some("orbit-web"), Some("v2.0.1"))
    );
}

#[test]
fn a_prerelease_number_already_tagged_is_not_proposed_again() {
    // semantic-release's history: alpha.1, then a beta series, then back
    // to alpha.
    let env = Env::new();
    let mut r = Repo::init(&env.path("app"));
    r.change("a.txt", "feat: first");
    r.tag("v1.0.0");
    r.change("a.txt", "feat!: new engine");
    r.tag("v2.0.0-alpha.1");
    r.change("a.txt", "fix: engine crash");
    r.tag("v2.0.0-beta.1");
    r.change("a.txt", "fix: another crash");
    let p = package(&env, &r, &["--prerelease", "alpha"]);
    assert_eq!(
        (p["current_tag"].as_str(), p["next_tag"].as_str()),
        (Some("v2.0.0-beta.1"), Some("v2.0.0-alpha.2")),
        "{p}"
    );
    assert!(p["reasons"].to_string().contains("tagged already"), "{p}");
}
