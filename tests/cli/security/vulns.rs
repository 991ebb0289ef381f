//! These run the vulnerability engine end to end against a local
//! OSV-compatible server (tiny_http) holding one advisory, GHSA-35jh-r3h4-6jhm
//! (lodash command injection, CVE-2021-23337, fixed in 4.17.21), for a
//! package-lock.json written here.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::util::{assert_code, text, Env, Repo};

fn advisory() -> serde_json::Value {
    serde_json::json!({
        "schema_version": "1.6.0",
        "id": "GHSA-35jh-r3h4-6jhm",
        "modified": "2024-02-21T00:00:00Z",
        "published": "2021-05-06T16:05:51Z",
        "aliases": ["CVE-2021-23337"],
        "summary": "Command Injection in lodash",
        "details": "`lodash` versions prior to 4.17.21 are vulnerable to Command Injection via the template function.",
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": [{
            "package": {"ecosystem": "npm", "name": "lodash", "purl": "pkg:npm/lodash"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]
        }],
        "references": [
            {"type": "ADVISORY", "url": "https://nvd.nist.gov/vuln/detail/CVE-2021-23337"},
            {"type": "PACKAGE", "url": "https://github.com/lodash/lodash"}
        ],
        "database_specific": {"severity": "HIGH", "github_reviewed": true, "cwe_ids": ["CWE-77", "CWE-94"]}
    })
}

/// Does `query` (an OSV query object) ask about an affected lodash?
fn affected(query: &serde_json::Value) -> bool {
    let pkg = &query["package"];
    let name = pkg["name"]
        .as_str()
        .or_else(|| pkg["purl"].as_str().map(|p| p.trim_start_matches("pkg:npm/")));
    let version = query["version"].as_str().unwrap_or("");
    name.is_some_and(|n| n.starts_with("lodash")) && version.starts_with("4.17.") && version != "4.17.21"
}

/// An OSV-compatible API on 127.0.0.1: /v1/query, /v1/querybatch and
/// /v1/vulns/{id}. Returns its base URL and the count of requests served.
pub(crate) fn osv_server() -> (String, Arc<AtomicUsize>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!("http://{}", server.server_addr().to_ip().unwrap());
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    std::thread::spawn(move || {
        for mut req in server.incoming_requests() {
            count.fetch_add(1, Ordering::SeqCst);
            let mut body = String::new();
            let _ = req.as_reader().read_to_string(&mut body);
            let body: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            let path = req.url().to_string();
            let answer = if path.ends_with("/querybatch") {
                let results: Vec<_> = body["queries"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .map(|q| {
                        if affected(q) {
                            serde_json::json!({"vulns": [{"id": "GHSA-35jh-r3h4-6jhm", "modified": "2024-02-21T00:00:00Z"}]})
                        } else {
                            serde_json::json!({})
                        }
                    })
                    .collect();
                serde_json::json!({ "results": results })
            } else if path.ends_with("/query") {
                if affected(&body) {
                    serde_json::json!({ "vulns": [advisory()] })
                } else {
                    serde_json::json!({})
                }
            } else if path.contains("/vulns/GHSA-35jh-r3h4-6jhm") {
                advisory()
            } else {
                let _ = req.respond(tiny_http::Response::from_string("not found").with_status_code(404));
                continue;
            };
            let header = tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap();
            let _ = req.respond(tiny_http::Response::from_string(answer.to_string()).with_header(header));
        }
    });
    (url, served)
}

fn package_lock(lodash: &str) -> String {
    serde_json::json!({
        "name": "web",
        "version": "1.0.0",
        "lockfileVersion": 3,
        "requires": true,
        "packages": {
            "": {"name": "web", "version": "1.0.0", "dependencies": {"lodash": format!("^{lodash}"), "ms": "^2.1.3"}},
            "node_modules/lodash": {
                "version": lodash,
                "resolved": format!("https://registry.npmjs.org/lodash/-/lodash-{lodash}.tgz"),
                "license": "MIT"
            },
            "node_modules/ms": {
                "version": "2.1.3",
                "resolved": "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz",
                "license": "MIT"
            }
        }
    })
    .to_string()
}

fn workspace(env: &Env, lodash: &str) -> Repo {
    let mut repo = Repo::init(&env.path("ws"));
    repo.write(
        "package.json",
        r#"{"name":"web","version":"1.0.0","dependencies":{"lodash":"^4.17.20","ms":"^2.1.3"}}"#,
    );
    repo.write("package-lock.json", &package_lock(lodash));
    repo.commit("init");
    repo
}

#[test]
fn a_vulnerable_locked_package_is_reported_with_its_fix_and_exits_1() {
    let env = Env::new();
    let (url, served) = osv_server();
    let repo = workspace(&env, "4.17.20");
    let report = env.json(
        &[
            "-C",
            repo.root_str(),
            "security",
            "vulns",
            "--osv-url",
            &url,
            "--json",
        ],
        1,
    );
    assert!(
        served.load(Ordering::SeqCst) > 0,
        "the local OSV server was asked"
    );
    assert_eq!(report["packages_scanned"], 2, "{report}");
    let vulns = report["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulns.len(), 1, "{report}");
    let v = &vulns[0];
    assert_eq!(v["ecosystem"], "npm");
    assert_eq!(v["package"], "lodash");
    assert_eq!(v["version"], "4.17.20");
    assert_eq!(v["id"], "GHSA-35jh-r3h4-6jhm");
    assert_eq!(v["aliases"], serde_json::json!(["CVE-2021-23337"]));
    assert_eq!(v["severity"], "high");
    assert_eq!(v["fixed"], serde_json::json!(["4.17.21"]));
    assert_eq!(v["lockfile"], "package-lock.json");

    let out = env.run(&["-C", repo.root_str(), "security", "vulns", "--osv-url", &url]);
    assert_code(&out, 1);
    let human = text(&out.stdout);
    assert!(
        human.contains("lodash 4.17.20 (npm, package-lock.json) → upgrade to 4.17.21"),
        "{human}"
    );
    assert!(
        human.contains("GHSA-35jh-r3h4-6jhm (CVE-2021-23337) [high] fixed in 4.17.21"),
        "{human}"
    );
}

#[test]
fn the_osv_url_comes_from_shipdeck_toml_and_a_fixed_lock_exits_0() {
    let env = Env::new();
    let (url, served) = osv_server();
    let mut repo = workspace(&env, "4.17.21");
    repo.write(
        "shipdeck.toml",
        &format!("[security.vulns]\nosv_url = \"{url}\"\n"),
    );
    repo.commit("config");
    let report = env.json(&["-C", repo.root_str(), "security", "vulns", "--json"], 0);
    assert!(
        served.load(Ordering::SeqCst) > 0,
        "the configured server was asked"
    );
    assert_eq!(report["vulnerabilities"], serde_json::json!([]));
    assert_eq!(report["packages_scanned"], 2);
}
