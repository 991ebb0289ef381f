//! The readiness gate's artifact checks (`secrets`, `vulnerabilities`,
//! `dependencies`, `coverage`, `bundle`, `docs`) end to end: `shipdeck
//! ready --json` on the demo workspace, its npm registry, crates.io index
//! and OSV API served on 127.0.0.1 (bounded request counts). The demo
//! passes all six; then one failing case per area.

use std::path::PathBuf;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use git2::Repository;

use crate::deps::registry;
use crate::security::vulns::osv_server;
use crate::util::{assert_code, text, Env, Repo};

const AREAS: [&str; 6] = [
    "secrets",
    "vulnerabilities",
    "dependencies",
    "coverage",
    "bundle",
    "docs",
];
/// Requests one gate run may make to each local server, at most.
const MAX_REQUESTS: usize = 40;

/// The demo workspace, committed with its registries pointed at local
/// servers.
pub(crate) struct Demo {
    pub(crate) env: Env,
    pub(crate) repo: Repo,
    pub(crate) home: PathBuf,
    registry: Arc<AtomicUsize>,
    osv: Arc<AtomicUsize>,
    osv_url: String,
}

/// Built at run time, so this file holds no key a scanner would flag.
fn aws_key() -> String {
    ["AK", "IA", "Q3R7T2W9X4Y6Z8B5"].concat()
}

impl Demo {
    pub(crate) fn new() -> Demo {
        let env = Env::new();
        let root = env.path("orbit");
        let out = env.run(&["demo", "create", root.to_str().unwrap(), "--json"]);
        assert_code(&out, 0);
        let (registry_url, registry) = registry();
        let (osv_url, osv) = osv_server();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let mut repo = Repo {
            repo: Repository::open(&root).unwrap(),
            root: root.canonicalize().unwrap(),
            clock: now,
        };
        repo.write(".npmrc", &format!("registry={registry_url}\n"));
        repo.write(
            ".cargo/config.toml",
            &format!(
                "[source.crates-io]\nreplace-with = \"local\"\n\n[source.local]\nregistry = \"sparse+{registry_url}\"\n"
            ),
        );
        let config = repo.read("shipdeck.toml");
        repo.write(
            "shipdeck.toml",
            &format!("{config}\n[security.vulns]\nosv_url = \"{osv_url}\"\n"),
        );
        repo.commit("chore: local registries");
        let home = env.path("home");
        std::fs::create_dir_all(home.join(".cargo")).unwrap();
        // The release check dry-runs a cut, which needs a git identity.
        std::fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = Release Manager\n\temail = rm@orbit.test\n",
        )
        .unwrap();
        Demo {
            env,
            repo,
            home,
            registry,
            osv,
            osv_url,
        }
    }

    /// `ready --json`: the exit status, the report and everything printed.
    pub(crate) fn ready(&self) -> (Output, serde_json::Value, String) {
        self.registry.store(0, Ordering::SeqCst);
        self.osv.store(0, Ordering::SeqCst);
        let out = self
            .env
            .cmd()
            .env("HOME", &self.home)
            .env("CARGO_HOME", self.home.join(".cargo"))
            .args(["-C", self.repo.root_str(), "ready", "--json"])
            .output()
            .unwrap();
        let all = format!("{}\n{}", text(&out.stdout), text(&out.stderr));
        let v: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {all}"));
        for (name, served) in [("registry", &self.registry), ("OSV", &self.osv)] {
            let n = served.load(Ordering::SeqCst);
            assert!(n <= MAX_REQUESTS, "{n} requests to the {name} server");
        }
        (out, v, all)
    }

    /// Replaces `from` with `to` in shipdeck.toml and commits.
    pub(crate) fn configure(&mut self, from: &str, to: &str, message: &str) {
        let config = self.repo.read("shipdeck.toml");
        assert!(config.contains(from), "{from} in the demo's shipdeck.toml");
        self.repo.write("shipdeck.toml", &config.replacen(from, to, 1));
        self.repo.commit(message);
    }

    /// Adds `name` locked at `version` to the web app and commits.
    fn add_npm_dependency(&mut self, name: &str, version: &str) {
        let mut manifest: serde_json::Value =
            serde_json::from_str(&self.repo.read("web/package.json")).unwrap();
        manifest["dependencies"][name] = format!("^{version}").into();
        let mut lock: serde_json::Value =
            serde_json::from_str(&self.repo.read("web/package-lock.json")).unwrap();
        lock["packages"][""]["dependencies"][name] = format!("^{version}").into();
        lock["packages"][format!("node_modules/{name}")] = serde_json::json!({
            "version": version,
            "resolved": format!("https://registry.npmjs.org/{name}/-/{name}-{version}.tgz"),
        });
        self.repo.write("web/package.json", &manifest.to_string());
        self.repo.write("web/package-lock.json", &lock.to_string());
        self.repo.commit(&format!("feat(web): use {name}"));
    }
}

/// (status, summary) of `area`'s check.
fn check(report: &serde_json::Value, area: &str) -> (String, String) {
    let c = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["area"] == area)
        .unwrap_or_else(|| panic!("no {area} check in {report}"));
    (
        c["status"].as_str().unwrap().to_string(),
        c["summary"].as_str().unwrap().to_string(),
    )
}

#[test]
fn the_demo_passes_every_artifact_check_with_none_skipped() {
    let demo = Demo::new();
    let (_, report, all) = demo.ready();
    for area in AREAS {
        let (status, summary) = check(&report, area);
        assert_eq!(status, "pass", "{area}: {summary}\n{all}");
    }
    let summary = |area| check(&report, area).1;
    assert!(summary("secrets").starts_with("no secrets in the tree ("));
    assert!(summary("vulnerabilities").starts_with("no known vulnerabilities in 1 locked package"));
    assert!(summary("dependencies").contains("no pending security update"));
    assert!(summary("coverage").starts_with("every threshold met: api "));
    assert!(summary("bundle").contains("every budget held: index.html "));
    assert!(summary("docs").ends_with("fresh, no broken link"));
    assert!(
        demo.registry.load(Ordering::SeqCst) >= 1,
        "the local registry was asked"
    );
    assert!(
        demo.osv.load(Ordering::SeqCst) >= 1,
        "the local OSV API was asked"
    );
}

#[test]
fn a_planted_aws_key_fails_secrets_and_its_value_is_shown_nowhere() {
    let mut demo = Demo::new();
    let key = aws_key();
    demo.repo.write(
        "config/prod.env",
        &format!("# production\nREGION=eu-west-1\nAWS_ACCESS_KEY_ID={key}\n"),
    );
    demo.repo.commit("chore: production settings");
    let (out, report, all) = demo.ready();
    assert_code(&out, 1);
    let (status, summary) = check(&report, "secrets");
    assert_eq!(status, "fail", "{summary}");
    assert_eq!(summary, "1 secret in the tree: config/prod.env:3");
    assert!(!all.contains(&key), "the key is printed: {all}");
    assert!(!all.contains(&key[4..]), "part of the key is printed: {all}");
}

#[test]
fn a_vulnerable_locked_dependency_fails_vulnerabilities_and_its_update_fails_dependencies() {
    let mut demo = Demo::new();
    demo.add_npm_dependency("lodash", "4.17.20");
    let (out, report, _) = demo.ready();
    assert_code(&out, 1);
    let (status, summary) = check(&report, "vulnerabilities");
    assert_eq!(status, "fail", "{summary}");
    assert_eq!(
        summary,
        "1 vulnerability high or critical: lodash 4.17.20 (GHSA-35jh-r3h4-6jhm)"
    );
    let (status, summary) = check(&report, "dependencies");
    assert_eq!(status, "fail", "{summary}");
    assert!(
        summary.starts_with("1 security update pending: lodash 4.17.20 → "),
        "{summary}"
    );
}

#[test]
fn a_major_behind_warns_in_dependencies() {
    let mut demo = Demo::new();
    demo.add_npm_dependency("semver", "6.3.1");
    let (_, report, _) = demo.ready();
    let (status, summary) = check(&report, "dependencies");
    assert_eq!(status, "warn", "{summary}");
    assert_eq!(summary, "1 of 2 dependencies behind: 1 major behind");
    assert_eq!(check(&report, "vulnerabilities").0, "pass");
}

#[test]
fn an_unreachable_osv_api_fails_vulnerabilities_and_leaves_dependencies_unlabelled() {
    let mut demo = Demo::new();
    let configured = format!("osv_url = \"{}\"", demo.osv_url);
    demo.configure(
        &configured,
        "osv_url = \"http://127.0.0.1:9\"",
        "chore: OSV mirror moved",
    );
    let (out, report, _) = demo.ready();
    assert_code(&out, 1);
    let (status, summary) = check(&report, "vulnerabilities");
    assert_eq!(status, "fail", "{summary}");
    let (status, summary) = check(&report, "dependencies");
    assert_eq!(status, "warn", "{summary}");
    assert!(summary.ends_with("advisories not checked"), "{summary}");
}

#[test]
fn coverage_under_a_threshold_fails_naming_area_pct_and_threshold() {
    let mut demo = Demo::new();
    demo.configure(
        "threshold = 80",
        "threshold = 95",
        "chore: raise the core coverage bar",
    );
    let (out, report, _) = demo.ready();
    assert_code(&out, 1);
    let (status, summary) = check(&report, "coverage");
    assert_eq!(status, "fail", "{summary}");
    assert!(
        summary.starts_with("1 area under threshold: core ") && summary.ends_with("% < 95%"),
        "{summary}"
    );
}

#[test]
fn a_budget_exceeded_fails_naming_the_route_and_its_figures() {
    let mut demo = Demo::new();
    demo.configure(
        "\"index.html\" = \"20 kB\"",
        "\"index.html\" = \"300 B\"",
        "chore: tighten the budget",
    );
    let (out, report, _) = demo.ready();
    assert_code(&out, 1);
    let (status, summary) = check(&report, "bundle");
    assert_eq!(status, "fail", "{summary}");
    assert!(
        summary.starts_with("1 route over budget: index.html ") && summary.ends_with(" > 300 B"),
        "{summary}"
    );
}

#[test]
fn a_stale_page_fails_docs_and_only_warns_when_fail_on_leaves_stale_out() {
    let mut demo = Demo::new();
    demo.repo
        .change("crates/core/src/lib.rs", "feat(core): rework the model");
    let (out, report, _) = demo.ready();
    assert_code(&out, 1);
    let (status, summary) = check(&report, "docs");
    assert_eq!(status, "fail", "{summary}");
    assert!(
        summary.contains("stale (") && summary.contains("docs/architecture.md"),
        "{summary}"
    );

    demo.configure(
        "fail_on = [\"broken\", \"stale\"]",
        "fail_on = [\"broken\"]",
        "chore: stale docs warn",
    );
    let (_, report, _) = demo.ready();
    let (status, summary) = check(&report, "docs");
    assert_eq!(status, "warn", "{summary}");
}

#[test]
fn a_broken_link_fails_docs() {
    let mut demo = Demo::new();
    let page = demo.repo.read("docs/architecture.md");
    demo.repo.write(
        "docs/architecture.md",
        &format!("{page}\nThe old layout is in [the v0 guide](guide-v0.md).\n"),
    );
    demo.repo.commit("docs: link the old guide");
    let (out, report, _) = demo.ready();
    assert_code(&out, 1);
    let (status, summary) = check(&report, "docs");
    assert_eq!(status, "fail", "{summary}");
    // README.md links the page, so it is stale as well now.
    assert!(
        summary.contains("1 broken link (docs/architecture.md:"),
        "{summary}"
    );
}
