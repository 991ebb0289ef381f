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

/// An npm registry on 127.0.0.1 answering `/NAME` from the fixtures; its
/// URL and the count of requests it served.
fn registry() -> (String, Arc<AtomicUsize>) {
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
