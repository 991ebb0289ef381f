//! `shipdeck deps outdated` end to end against a local npm registry
//! (tiny_http) serving real packuments (the dependencies crate's fixtures),
//! named by the workspace's own `.npmrc`; `[dependencies]` in shipdeck.toml
//! applied; security labels from the local OSV-compatible server the
//! security tests use.

use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::security::vulns::osv_server;
use crate::util::{assert_code, text, Env, Repo};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/crates/shipdeck-dependencies/tests/fixtures/npm"
);

/// `[security.vulns]` naming a closed local port: tests that are not about
/// security labels never ask the public OSV API (the labels then come with
/// a warning, which these tests do not look at).
const NO_OSV: &str = "[security.vulns]\nosv_url = \"http://127.0.0.1:9\"\n";

/// An npm registry on 127.0.0.1 answering `/NAME` from the fixtures; its
/// URL and the count of requests it served.
pub(crate) fn registry() -> (String, Arc<AtomicUsize>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", server.server_addr().to_ip().unwrap());
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            count.fetch_add(1, Ordering::SeqCst);
            let name = req.url().trim_start_matches('/');
            let file = Path::new(FIXTURES).join(format!("{name}.json"));
            let body = (!name.contains("..") && !name.contains('/'))
                .then(|| std::fs::read(&file).ok())
                .flatten();
            if let Some(body) = body {
                let header = tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap();
                let _ = req.respond(tiny_http::Response::from_data(body).with_header(header));
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
    let repo = left_pad_repo(&env, &url, "^1.1.0");
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

/// The left-pad workspace of these tests (left-pad 1.1.0 locked for
/// `requirement`), committed.
fn left_pad_repo(env: &Env, url: &str, requirement: &str) -> Repo {
    let mut repo = Repo::init(&env.path("ws"));
    repo.write(
        "package.json",
        &format!(
            "{{\n  \"name\": \"web\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {{\n    \"left-pad\": \"{requirement}\"\n  }}\n}}\n"
        ),
    );
    repo.write(
        "package-lock.json",
        &serde_json::to_string_pretty(&serde_json::json!({
            "name": "web", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
            "packages": {
                "": {"name": "web", "version": "1.0.0", "dependencies": {"left-pad": requirement}},
                "node_modules/left-pad": {"version": "1.1.0"}
            }
        }))
        .unwrap(),
    );
    repo.write(".npmrc", &format!("registry={url}\n"));
    repo.write("shipdeck.toml", NO_OSV);
    repo.commit("web app");
    repo
}

#[test]
fn update_dry_run_then_confirmed_run_makes_the_branch_npm_locked() {
    let env = Env::new();
    let (url, _) = registry();
    let repo = left_pad_repo(&env, &url, "~1.1.0");
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

    // The real run, not the dry runs, left one audit entry.
    let out = env
        .cmd()
        .args(["-C", repo.root_str(), "activity", "--audit", "--json"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entries: Vec<&serde_json::Value> = v["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "deps.update")
        .collect();
    assert_eq!(entries.len(), 1, "{v}");
    assert!(entries[0].to_string().contains(&commit), "{}", entries[0]);
}

#[test]
fn update_honours_the_dependencies_section_of_shipdeck_toml() {
    let env = Env::new();
    let (url, _) = registry();
    let mut repo = left_pad_repo(&env, &url, "~1.1.0");
    repo.write(
        "shipdeck.toml",
        &format!("{NO_OSV}[dependencies]\nignore = [\"npm:left-*\"]\n"),
    );
    repo.commit("ignore left-pad");
    let home = env.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let out = env
        .cmd()
        .env("HOME", &home)
        .args(["-C", repo.root_str(), "deps", "update", "--dry-run", "--json"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["branches"], serde_json::json!([]), "{plan}");

    repo.write("shipdeck.toml", "[dependencies]\nignor = []\n");
    repo.commit("typo");
    let out = env
        .cmd()
        .env("HOME", &home)
        .args(["-C", repo.root_str(), "deps", "update", "--dry-run", "--json"])
        .output()
        .unwrap();
    assert_code(&out, 1);
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["code"], "config.invalid", "{e}");
    assert!(e["hint"].as_str().unwrap().contains("`ignore`"), "{e}");
}

/// A workspace whose package.json depends on lodash (locked at a version
/// GHSA-35jh-r3h4-6jhm affects), left-pad and ms, with a shipdeck.toml
/// holding `[dependencies]` and the OSV API to ask.
fn labelled_workspace(env: &Env, registry: &str, osv_url: &str) -> Repo {
    let mut repo = Repo::init(&env.path("ws"));
    repo.write(
        "package.json",
        r#"{"name":"web","version":"1.0.0","dependencies":{"left-pad":"^1.1.0","lodash":"^4.17.15","ms":"^2.0.0"}}"#,
    );
    let lock = serde_json::json!({
        "name": "web", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
        "packages": {
            "": {"name": "web", "version": "1.0.0",
                 "dependencies": {"left-pad": "^1.1.0", "lodash": "^4.17.15", "ms": "^2.0.0"}},
            "node_modules/left-pad": {"version": "1.1.0"},
            "node_modules/lodash": {"version": "4.17.15"},
            "node_modules/ms": {"version": "2.0.0"}
        }
    });
    repo.write("package-lock.json", &lock.to_string());
    repo.write(".npmrc", &format!("registry={registry}\n"));
    repo.write(
        "shipdeck.toml",
        &format!(
            "[security.vulns]\nosv_url = \"{osv_url}\"\n\n[dependencies]\nignore = [\"npm:ms\"]\n\
             schedule = \"weekly\"\n[dependencies.groups]\n\"lo*\" = \"utilities\"\n"
        ),
    );
    repo.commit("web app");
    repo
}

fn outdated(env: &Env, repo: &Repo, json: bool) -> std::process::Output {
    let home = env.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut args = vec!["-C", repo.root_str(), "deps", "outdated"];
    if json {
        args.push("--json");
    }
    env.cmd().env("HOME", &home).args(args).output().unwrap()
}

#[test]
fn ignored_packages_are_absent_and_a_fixed_advisory_labels_its_row_first() {
    let env = Env::new();
    let (url, _) = registry();
    let (osv, osv_served) = osv_server();
    let repo = labelled_workspace(&env, &url, &osv);
    let out = outdated(&env, &repo, true);
    assert_code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = v["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["left-pad", "lodash"], "ms is ignored: {v}");
    let lodash = &v["dependencies"][1];
    assert_eq!(lodash["current"], "4.17.15");
    assert_eq!(lodash["latest"], "4.18.1");
    assert_eq!(
        lodash["advisories"],
        serde_json::json!(["GHSA-35jh-r3h4-6jhm"]),
        "{lodash}"
    );
    assert_eq!(lodash["group"], "utilities");
    assert_eq!(v["dependencies"][0]["advisories"], serde_json::json!([]));
    assert_eq!(v["dependencies"][0]["group"], serde_json::Value::Null);
    assert_eq!(v["schedule"], "weekly");
    assert_eq!(v["warnings"], serde_json::json!([]), "{v}");
    assert!(
        osv_served.load(Ordering::SeqCst) >= 2,
        "querybatch and the record were asked"
    );

    let out = outdated(&env, &repo, false);
    assert_code(&out, 0);
    let human = text(&out.stdout);
    let lodash_at = human.find("lodash").expect(&human);
    let left_pad_at = human.find("left-pad").expect(&human);
    assert!(lodash_at < left_pad_at, "security updates come first:\n{human}");
    assert!(human.contains("security: GHSA-35jh-r3h4-6jhm"), "{human}");
    assert!(!human.contains(" ms "), "{human}");
}

#[test]
fn an_osv_api_that_never_answers_costs_a_bounded_wait_and_a_warning() {
    let env = Env::new();
    let (url, _) = registry();
    // Accepts connections and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let osv = format!("http://{}", silent.local_addr().unwrap());
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for conn in silent.incoming().take(8) {
            open.push(conn);
        }
        std::thread::sleep(Duration::from_secs(30));
    });
    let repo = labelled_workspace(&env, &url, &osv);
    let started = Instant::now();
    let out = outdated(&env, &repo, true);
    let took = started.elapsed();
    assert_code(&out, 0);
    assert!(took < Duration::from_secs(15), "took {took:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lodash = &v["dependencies"][1];
    assert_eq!(lodash["latest"], "4.18.1", "{v}");
    assert_eq!(lodash["advisories"], serde_json::json!([]));
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{v}");
    assert!(warnings[0].as_str().unwrap().contains("did not answer"), "{v}");
    drop(held);
}
