//! Hostile `shipdeck.toml` paths: every one that leads out of the workspace
//! (by `..`, an absolute path or a symbolic link) is refused with
//! `config.path_outside_workspace`, and nothing outside is read or written.

use crate::docs::sqlite_with;
use crate::migrate::{Kind, Ws};
use crate::release::released_repo;
use crate::util::{assert_code, text, Env, Repo};

fn assert_outside(v: &serde_json::Value, key: &str) {
    assert_eq!(v["code"], "config.path_outside_workspace", "{v}");
    assert!(v["message"].as_str().unwrap().contains(key), "{v}");
    assert!(
        v["hint"].as_str().unwrap().contains("inside the workspace"),
        "{v}"
    );
}

/// A workspace with one package configured by `package_toml`, and a folder
/// beside it holding a file nobody may read.
fn hostile_release(env: &Env, package_toml: &str) -> (Repo, std::path::PathBuf) {
    let mut r = released_repo(env);
    let outside = r.root.parent().unwrap().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("CHANGELOG.md"), "PRIVATE NOTES\n").unwrap();
    std::fs::write(outside.join("passwd"), "root:x:0:0:PRIVATE 1.0.0:/root:/bin/sh\n").unwrap();
    let toml = package_toml.replace("{outside}", outside.to_str().unwrap());
    r.write("shipdeck.toml", &format!("[[packages]]\nname = \"app\"\n{toml}"));
    r.commit("chore: config");
    r.change("src/lib.rs", "fix: one");
    (r, outside)
}

fn cut_dry_run(env: &Env, r: &Repo) -> std::process::Output {
    env.run(&["-C", r.root_str(), "release", "cut", "--dry-run", "--json"])
}

#[test]
fn a_changelog_outside_the_workspace_is_neither_shown_nor_written() {
    let env = Env::new();
    let (r, outside) = hostile_release(&env, "changelog = \"../outside/CHANGELOG.md\"\n");
    let out = cut_dry_run(&env, &r);
    assert_code(&out, 1);
    assert!(!text(&out.stdout).contains("PRIVATE"), "{}", text(&out.stdout));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_outside(&v, "packages.app.changelog");
    let out = env.run(&["-C", r.root_str(), "release", "cut", "--json"]);
    assert_code(&out, 1);
    assert_eq!(
        std::fs::read_to_string(outside.join("CHANGELOG.md")).unwrap(),
        "PRIVATE NOTES\n"
    );
}

#[test]
fn an_absolute_version_file_outside_the_workspace_is_refused() {
    let env = Env::new();
    let (r, outside) = hostile_release(
        &env,
        "version_files = [{ path = \"{outside}/passwd\", regex = 'PRIVATE (\\d+\\.\\d+\\.\\d+)' }]\n",
    );
    let out = cut_dry_run(&env, &r);
    assert_code(&out, 1);
    assert!(!text(&out.stdout).contains("PRIVATE"), "{}", text(&out.stdout));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_outside(&v, "packages.app.version_files");
    assert_eq!(
        std::fs::read_to_string(outside.join("passwd")).unwrap(),
        "root:x:0:0:PRIVATE 1.0.0:/root:/bin/sh\n"
    );
}

#[test]
fn an_absolute_version_file_inside_the_workspace_still_works() {
    let env = Env::new();
    let mut r = released_repo(&env);
    let version = r.root.join("Cargo.toml");
    r.write(
        "shipdeck.toml",
        &format!(
            "[[packages]]\nname = \"app\"\nversion_files = [{:?}]\n",
            version.to_str().unwrap()
        ),
    );
    r.commit("chore: config");
    r.change("src/lib.rs", "fix: one");
    let out = cut_dry_run(&env, &r);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["CHANGELOG.md", "Cargo.toml"]);
}

#[test]
fn migrate_create_never_writes_outside_the_workspace() {
    let ws = Ws::new(Kind::Sqlite);
    let escape = ws.root().parent().unwrap().join("x");
    ws.repo.write(
        "shipdeck.toml",
        "[databases.main]\nurl = \"env:APP_DB_URL\"\nmigrations = \"../x\"\n",
    );
    let v = ws.json(&["create", "add", "users"], 1);
    assert_outside(&v, "databases.main.migrations");
    assert!(!escape.exists(), "nothing was created outside");
}

#[test]
fn a_docs_folder_linked_outside_the_workspace_is_not_written_through() {
    let ws = sqlite_with("CREATE TABLE notes (id INTEGER PRIMARY KEY)");
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), ws.root().join("docs")).unwrap();
    let out = crate::docs::docs(&ws, &["--json"]);
    assert_code(&out, 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_outside(&v, "docs.domain_model");
    assert_eq!(
        std::fs::read_dir(outside.path()).unwrap().count(),
        0,
        "nothing written through the link"
    );
}
