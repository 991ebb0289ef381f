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
