//! `shipdeck deps outdated` end to end against a local npm registry
//! (tiny_http) serving left-pad's real packument, named by the workspace's
//! own `.npmrc`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::util::{assert_code, Env, Repo};

const LEFT_PAD: &str = include_str!("../../crates/shipdeck-dependencies/tests/fixtures/npm/left-pad.json");

/// An npm registry on 127.0.0.1 answering `/left-pad`; its URL and the
/// count of requests it served.
fn registry() -> (String, Arc<AtomicUsize>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", server.server_addr().to_ip().unwrap());
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            count.fetch_add(1, Ordering::SeqCst);
            if req.url() == "/left-pad" {
                let header = tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap();
                let _ = req.respond(tiny_http::Response::from_string(LEFT_PAD).with_header(header));
            } else {
                let _ = req.respond(tiny_http::Response::from_string("not found").with_status_code(404));
            }
        }
    });
    (url, served)
}

#[test]
fn outdated_reads_the_workspace_registry_and_prints_the_contract_shape() {
    let env = Env::new();
    let (url, served) = registry();
    let mut repo = Repo::init(&env.path("ws"));
    repo.write(
        "package.json",
        r#"{"name":"web","version":"1.0.0","dependencies":{"left-pad":"^1.1.0"}}"#,
    );
    repo.write(
        "package-lock.json",
        &serde_json::json!({
            "name": "web", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
            "packages": {
                "": {"name": "web", "version": "1.0.0", "dependencies": {"left-pad": "^1.1.0"}},
                "node_modules/left-pad": {"version": "1.1.0"}
            }
        })
        .to_string(),
    );
    repo.write(".npmrc", &format!("registry={url}\n"));
    repo.commit("web app");
    let home = env.path("home");
    std::fs::create_dir_all(&home).unwrap();
    for area in ["deps", "dependencies"] {
        let out = env
            .cmd()
            .env("HOME", &home)
            .args(["-C", repo.root_str(), area, "outdated", "--json"])
            .output()
            .unwrap();
        assert_code(&out, 0);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let deps = v["dependencies"].as_array().unwrap();
        assert_eq!(deps.len(), 1, "{v}");
        let d = &deps[0];
        for (field, want) in [
            ("ecosystem", "npm"),
            ("name", "left-pad"),
            ("manifest", "package.json"),
            ("requirement", "^1.1.0"),
            ("current", "1.1.0"),
            ("wanted", "1.3.0"),
            ("latest", "1.3.0"),
            ("class", "minor"),
        ] {
            assert_eq!(d[field], want, "{field} in {d}");
        }
    }
    assert!(
        served.load(Ordering::SeqCst) >= 1,
        "the workspace's registry was asked"
    );
}

/// The left-pad workspace of these tests, committed.
fn left_pad_repo(env: &Env, url: &str) -> Repo {
    let mut repo = Repo::init(&env.path("ws"));
    repo.write(
        "package.json",
        "{\n  \"name\": \"web\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {\n    \"left-pad\": \"~1.1.0\"\n  }\n}\n",
    );
    repo.write(
        "package-lock.json",
        &serde_json::to_string_pretty(&serde_json::json!({
            "name": "web", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
            "packages": {
                "": {"name": "web", "version": "1.0.0", "dependencies": {"left-pad": "~1.1.0"}},
                "node_modules/left-pad": {"version": "1.1.0"}
            }
        }))
        .unwrap(),
    );
    repo.write(".npmrc", &format!("registry={url}\n"));
    repo.commit("web app");
    repo
}

#[test]
fn update_dry_run_then_confirmed_run_makes_the_branch_npm_locked() {
    let env = Env::new();
    let (url, _) = registry();
    let repo = left_pad_repo(&env, &url);
    let home = env.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let run = |args: &[&str]| {
        env.cmd()
            .env("HOME", &home)
            .env("npm_config_update_notifier", "false")
            .args(["-C", repo.root_str(), "deps", "update"])
            .args(args)
            .output()
            .unwrap()
    };
    let head = repo.head();
    let out = run(&["--dry-run", "--json"]);
    assert_code(&out, 0);
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["base"], head.as_str());
    let b = &plan["branches"][0];
    assert_eq!(b["branch"], "shipdeck/deps/npm/left-pad-1.3.0", "{plan}");
    assert_eq!(b["commit"], serde_json::Value::Null);
    assert_eq!(b["bumps"][0]["requirement_to"], "~1.3.0");
    assert!(
        b["diff"]
            .as_str()
            .unwrap()
            .contains("+    \"left-pad\": \"~1.3.0\""),
        "{b}"
    );
    assert!(
        b["commands"][0]
            .as_str()
            .unwrap()
            .starts_with("npm install --package-lock-only"),
        "{b}"
    );
    let digest = plan["digest"].as_str().unwrap().to_string();
    let git = git2::Repository::open(repo.root_str()).unwrap();
    assert!(git
        .find_branch("shipdeck/deps/npm/left-pad-1.3.0", git2::BranchType::Local)
        .is_err());

    // The human form of the dry run shows the diff and the digest.
    let out = run(&["--dry-run"]);
    assert_code(&out, 0);
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(
        human.contains("shipdeck/deps/npm/left-pad-1.3.0 (dry run)"),
        "{human}"
    );
    assert!(human.contains(&format!("--expect {digest}")), "{human}");

    let out = run(&["--expect", "00000000000000000000000000000000", "--json"]);
    assert_code(&out, 1);
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["code"], "dependencies.plan_changed", "{e}");

    let out = run(&["--expect", &digest, "--json"]);
    assert_code(&out, 0);
    let made: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let commit = made["branches"][0]["commit"].as_str().unwrap().to_string();
    let branch = git
        .find_branch("shipdeck/deps/npm/left-pad-1.3.0", git2::BranchType::Local)
        .unwrap();
    let c = branch.get().peel_to_commit().unwrap();
    assert_eq!(c.id().to_string(), commit);
    assert_eq!(c.parent_id(0).unwrap().to_string(), head);
    assert!(c
        .message()
        .unwrap()
        .starts_with("chore(deps): bump left-pad from 1.1.0 to 1.3.0\n"));
    let lock = c
        .tree()
        .unwrap()
        .get_path(std::path::Path::new("package-lock.json"))
        .unwrap();
    let lock: serde_json::Value =
        serde_json::from_slice(git.find_blob(lock.id()).unwrap().content()).unwrap();
    assert_eq!(lock["packages"]["node_modules/left-pad"]["version"], "1.3.0");
    assert_eq!(repo.head(), head, "the checkout stays where it was");
    assert!(git.statuses(None).unwrap().is_empty());
}
