//! A workspace's id is its repository's identity: clones in two folders
//! share one history, whatever form their `origin` takes, and credentials
//! in a remote URL never reach output or store.

use std::path::Path;

use crate::util::{assert_code, text, Env, Repo};

fn upstream(env: &Env, folder: &str, first_file: &str) -> Repo {
    let mut repo = Repo::init(&env.path(folder));
    repo.write(first_file, "one\n");
    repo.commit("feat: initial");
    repo.change(first_file, "fix: two");
    repo
}

fn clone(env: &Env, from: &Repo, folder: &str) -> std::path::PathBuf {
    let dest = env.path(folder);
    git2::Repository::clone(from.root_str(), &dest).unwrap();
    dest.canonicalize().unwrap()
}

fn set_origin(dir: &Path, url: &str) {
    let repo = git2::Repository::open(dir).unwrap();
    repo.remote_set_url("origin", url).unwrap();
}

fn id_of(env: &Env, dir: &Path) -> String {
    let v = env.json(&["-C", dir.to_str().unwrap(), "workspace", "info", "--json"], 0);
    v["id"].as_str().unwrap().to_string()
}

fn jobs_of(env: &Env, dir: &Path) -> Vec<serde_json::Value> {
    let v = env.json(&["-C", dir.to_str().unwrap(), "activity", "--json"], 0);
    v["jobs"].as_array().unwrap().clone()
}

fn scan(env: &Env, dir: &Path) {
    assert_code(
        &env.run(&["-C", dir.to_str().unwrap(), "workspace", "scan", "--json"]),
        0,
    );
}

#[test]
fn two_clones_share_one_id_and_each_sees_the_others_jobs() {
    let env = Env::new();
    let up = upstream(&env, "upstream", "a.txt");
    let (a, b) = (clone(&env, &up, "a"), clone(&env, &up, "b"));
    assert_eq!(id_of(&env, &a), id_of(&env, &b));
    scan(&env, &a);
    scan(&env, &b);
    for dir in [&a, &b] {
        let jobs = jobs_of(&env, dir);
        assert_eq!(jobs.len(), 2, "both scans show in {}: {jobs:?}", dir.display());
        assert!(jobs.iter().all(|j| j["workspace_id"] == id_of(&env, &a)));
    }
    assert!(
        jobs_of(&env, &up.root).is_empty(),
        "the upstream has no origin: another identity"
    );
}

#[test]
fn ssh_and_https_origins_of_one_repository_give_one_id() {
    let env = Env::new();
    let up = upstream(&env, "upstream", "a.txt");
    let (a, b) = (clone(&env, &up, "a"), clone(&env, &up, "b"));
    set_origin(&a, "git@Forge.example:team/app.git");
    set_origin(&b, "https://forge.example/team/app/");
    assert_eq!(id_of(&env, &a), id_of(&env, &b));
    set_origin(&b, "https://forge.example/team/other");
    assert_ne!(id_of(&env, &a), id_of(&env, &b), "another origin, another id");
}

#[test]
fn different_repositories_have_different_ids_and_one_without_commits_keeps_its_path_id() {
    let env = Env::new();
    let one = upstream(&env, "one", "a.txt");
    let two = upstream(&env, "two", "b.txt");
    assert_ne!(id_of(&env, &one.root), id_of(&env, &two.root));
    let empty = Repo::init(&env.path("empty"));
    assert_eq!(
        id_of(&env, &empty.root),
        shipdeck_core::workspace::workspace_id(&empty.root)
    );
}

#[test]
fn credentials_in_the_origin_change_nothing_and_are_never_shown_or_stored() {
    let env = Env::new();
    let up = upstream(&env, "upstream", "a.txt");
    let (a, b) = (clone(&env, &up, "a"), clone(&env, &up, "b"));
    set_origin(&a, "https://user:s3cret@Host.example/x.git");
    set_origin(&b, "https://host.example/x");
    assert_eq!(id_of(&env, &a), id_of(&env, &b));
    let mut seen = String::new();
    for args in [
        vec!["workspace", "info", "--json"],
        vec!["workspace", "scan", "--json"],
        vec!["workspace", "scan"],
        vec!["activity", "--json"],
        vec!["activity", "--audit", "--json"],
    ] {
        let mut all = vec!["-C", a.to_str().unwrap()];
        all.extend(args);
        let out = env.run(&all);
        assert_code(&out, 0);
        seen.push_str(&text(&out.stdout));
        seen.push_str(&text(&out.stderr));
    }
    assert!(!seen.contains("s3cret"), "{seen}");
    assert!(!text(&env.store_contents()).contains("s3cret"));
    for file in walk(env.data.path()) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(!text(&bytes).contains("s3cret"), "{}", file.display());
    }
}

#[test]
fn a_ten_kilobyte_origin_works() {
    let env = Env::new();
    let up = upstream(&env, "upstream", "a.txt");
    let (a, b) = (clone(&env, &up, "a"), clone(&env, &up, "b"));
    let long = format!("https://host.example/{}", "p/".repeat(5_000));
    set_origin(&a, &format!("{long}.git"));
    set_origin(&b, &long);
    let id = id_of(&env, &a);
    assert_eq!(id.len(), 16);
    assert_eq!(id, id_of(&env, &b));
    scan(&env, &a);
    assert_eq!(jobs_of(&env, &b).len(), 1);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// History recorded while the repository had no commits went under the
/// path id, as every workspace's did before ids were identities: the first
/// command after the first commit moves it, credentials included.
#[test]
fn history_under_the_path_id_moves_to_the_identity_audit_entries_included() {
    let env = Env::new();
    let mut repo = Repo::init(&env.path("ws"));
    let ws = repo.root_str().to_string();
    let path_id = id_of(&env, &repo.root);
    assert_eq!(path_id, shipdeck_core::workspace::workspace_id(&repo.root));
    let out = env.run_with_stdin(&["-C", &ws, "secret", "set", "deploy-token"], "v4lue\n");
    assert_code(&out, 0);
    env.run(&["-C", &ws, "workspace", "scan", "--json"]);
    assert_eq!(jobs_of(&env, &repo.root).len(), 1, "a scan job under the path id");

    repo.write("README.md", "x");
    repo.commit("chore: init");
    let id = id_of(&env, &repo.root);
    assert_ne!(id, path_id);
    let jobs = jobs_of(&env, &repo.root);
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(jobs[0]["workspace_id"], id.as_str());
    let audit = env.json(&["-C", &ws, "activity", "--audit", "--json"], 0);
    let entries = audit["audit"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["action"] == "secret.set" && e["workspace_id"] == path_id.as_str()),
        "the audit log keeps the old id and still shows under the new one: {audit}"
    );
    let list = env.json(&["-C", &ws, "secret", "list", "--json"], 0);
    assert_eq!(list["credentials"][0]["name"], "deploy-token");
    assert_eq!(list["credentials"][0]["present"], true, "the keyring entry moved");
    let all = env.json(&["-C", &ws, "activity", "--all", "--json"], 0);
    assert!(
        all["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["workspace_id"] == id.as_str()),
        "{all}"
    );
    assert_code(&env.run(&["-C", &ws, "secret", "rm", "deploy-token"]), 0);
}
