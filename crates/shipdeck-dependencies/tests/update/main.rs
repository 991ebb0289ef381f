//! `update` with the real package managers (cargo, npm, uv) against local
//! registries: the branches they make, what they commit, and that the
//! user's checkout is never touched, whatever fails.
#![allow(clippy::too_many_lines, clippy::new_without_default)]

#[path = "../outdated/server.rs"]
#[allow(dead_code)]
mod server;

mod failures;
mod pnpm;
mod python;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use shipdeck_base::jobs::{CancellationToken, Progress};
use shipdeck_dependencies::update::parse_bump_trailers;
use shipdeck_dependencies::{
    outdated, update, Class, OutdatedOptions, OutdatedReport, UpdateOptions, UpdateOutcome, UpdateRequest,
    UserEnv,
};

use server::{start, Answer};

/// A progress handle outside any job, and the token that cancels it.
pub fn progress() -> (CancellationToken, Progress) {
    let cancel = CancellationToken::new();
    (cancel.clone(), Progress::detached(cancel))
}

/// A git repository in a temporary folder, with its own home folder.
pub struct Ws {
    pub dir: tempfile::TempDir,
    pub home: tempfile::TempDir,
    pub repo: git2::Repository,
    /// Variables the package managers see besides the process's own.
    pub vars: BTreeMap<String, String>,
}

impl Ws {
    pub fn new() -> Ws {
        let dir = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let mut cfg = repo.config().unwrap();
        cfg.set_str("user.name", "Dev").unwrap();
        cfg.set_str("user.email", "dev@example.com").unwrap();
        let mut vars: BTreeMap<String, String> = std::env::vars().collect();
        // rustup finds its toolchains through HOME unless told.
        if !vars.contains_key("RUSTUP_HOME") {
            if let Some(h) = std::env::var_os("HOME") {
                vars.insert(
                    "RUSTUP_HOME".into(),
                    PathBuf::from(h).join(".rustup").display().to_string(),
                );
            }
        }
        for k in [
            "CARGO_HOME",
            "PIP_INDEX_URL",
            "PIP_EXTRA_INDEX_URL",
            "PIP_CONFIG_FILE",
            "UV_INDEX_URL",
        ] {
            vars.remove(k);
        }
        let h = home.path().display().to_string();
        vars.insert("CARGO_HOME".into(), format!("{h}/cargo"));
        // Cargo asks a plain-http registry to upgrade to HTTP/2 (h2c);
        // the test servers (tiny_http) leave such a request unanswered.
        vars.insert("CARGO_HTTP_MULTIPLEXING".into(), "false".into());
        vars.insert("npm_config_cache".into(), format!("{h}/npm-cache"));
        vars.insert("npm_config_update_notifier".into(), "false".into());
        vars.insert("UV_CACHE_DIR".into(), format!("{h}/uv-cache"));
        vars.insert("UV_PYTHON_DOWNLOADS".into(), "never".into());
        Ws {
            dir,
            home,
            repo,
            vars,
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap()
    }

    /// Runs a tool in the workspace with the test's environment; panics
    /// with its output (and how to install it) when it fails.
    pub fn tool(&self, program: &str, args: &[&str]) {
        let out = Command::new(program)
            .args(args)
            .current_dir(self.root())
            .env_clear()
            .envs(&self.vars)
            .env("HOME", self.home.path())
            .output()
            .unwrap_or_else(|e| {
                panic!("{program} is needed for this test ({e}); scripts/setup.sh installs it")
            });
        assert!(
            out.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn commit_all(&self, message: &str) -> git2::Oid {
        let mut index = self.repo.index().unwrap();
        index
            .add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = self.repo.signature().unwrap();
        let parents: Vec<git2::Commit> = self
            .repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .into_iter()
            .collect();
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        self.repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap()
    }

    pub fn env(&self) -> UserEnv {
        UserEnv {
            home: Some(self.home.path().to_path_buf()),
            vars: self.vars.clone(),
        }
    }

    pub fn opts(&self) -> UpdateOptions {
        UpdateOptions {
            outdated: OutdatedOptions {
                env: self.env(),
                timeout: Duration::from_secs(10),
                reuse_connections: false,
                ..OutdatedOptions::default()
            },
            tool_timeout: Duration::from_secs(120),
            ..UpdateOptions::default()
        }
    }

    pub fn report(&self) -> OutdatedReport {
        let (_reg, p) = progress();
        let r = outdated(self.root(), &self.opts().outdated, &p).unwrap();
        for row in &r.dependencies {
            assert!(row.error.is_none(), "{row:?}");
        }
        r
    }

    pub fn update(
        &self,
        report: &OutdatedReport,
        request: &UpdateRequest,
    ) -> shipdeck_base::error::Result<UpdateOutcome> {
        let (_reg, p) = progress();
        update(self.root(), report, request, &self.opts(), &p)
    }

    /// Every branch, with the commit it points at.
    pub fn branches(&self) -> BTreeMap<String, git2::Oid> {
        self.repo
            .branches(Some(git2::BranchType::Local))
            .unwrap()
            .map(|b| {
                let (b, _) = b.unwrap();
                (b.name().unwrap().unwrap().to_string(), b.get().target().unwrap())
            })
            .collect()
    }

    /// A file as a commit holds it.
    pub fn at(&self, commit: &str, rel: &str) -> String {
        let c = self
            .repo
            .find_commit(git2::Oid::from_str(commit).unwrap())
            .unwrap();
        let entry = c.tree().unwrap().get_path(Path::new(rel)).unwrap();
        let blob = self.repo.find_blob(entry.id()).unwrap();
        String::from_utf8(blob.content().to_vec()).unwrap()
    }

    /// HEAD, the branches, the worktrees and every file of the checkout
    /// (outside .git): what no update may change.
    pub fn state(
        &self,
    ) -> (
        String,
        BTreeMap<String, git2::Oid>,
        usize,
        BTreeMap<PathBuf, Vec<u8>>,
    ) {
        let head = self.repo.head().unwrap().target().unwrap().to_string();
        let worktrees = self.repo.worktrees().unwrap().len();
        let mut files = BTreeMap::new();
        let mut stack = vec![self.root().to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if e.file_name() == ".git" {
                    continue;
                }
                let ft = e.file_type().unwrap();
                if ft.is_dir() {
                    stack.push(p);
                } else if ft.is_file() {
                    files.insert(p.clone(), std::fs::read(&p).unwrap());
                }
            }
        }
        (head, self.branches(), worktrees, files)
    }
}

/// One commit on `branch`, whose parent is `base`; its id.
pub fn one_commit(ws: &Ws, branch: &str, base: git2::Oid) -> String {
    let b = ws.repo.find_branch(branch, git2::BranchType::Local).unwrap();
    let c = b.get().peel_to_commit().unwrap();
    assert_eq!(c.parent_ids().collect::<Vec<_>>(), vec![base], "{branch}");
    c.id().to_string()
}

/// Locked versions of a Cargo.lock, by name.
fn cargo_lock(text: &str) -> BTreeMap<String, String> {
    let doc: toml::Table = text.parse().unwrap();
    doc["package"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["version"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn cargo_registry() -> server::Registry {
    start(|u, _| {
        if u == "/index/config.json" {
            return Answer::ok("application/json", br#"{"dl":"http://127.0.0.1:9/dl"}"#.to_vec());
        }
        server::cargo_answer(u)
    })
}

const CARGO_TOML: &str = "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n# integer printing; 0.4 for the old MSRV\nitoa = \"0.4\"   # keep this comment\nanyhow = { version = \"1.0.40\", default-features = false }\n";

fn cargo_ws(reg: &server::Registry) -> Ws {
    let ws = Ws::new();
    ws.write("Cargo.toml", CARGO_TOML);
    ws.write("src/lib.rs", "");
    ws.write(".gitignore", "/target\n");
    ws.write(
        ".cargo/config.toml",
        &format!(
            "[source.crates-io]\nreplace-with = \"local\"\n[source.local]\nregistry = \"sparse+{}/index/\"\n",
            reg.base
        ),
    );
    ws.tool("cargo", &["generate-lockfile"]);
    ws.tool("cargo", &["update", "-p", "anyhow", "--precise", "1.0.40"]);
    ws.commit_all("demo crate");
    ws
}

#[test]
fn cargo_branches_hold_the_lock_cargo_wrote() {
    let reg = cargo_registry();
    let ws = cargo_ws(&reg);
    let report = ws.report();
    let before = ws.state();
    let base = ws.repo.head().unwrap().target().unwrap();
    let out = ws.update(&report, &UpdateRequest::default()).unwrap();
    assert_eq!(ws.state(), (before.0.clone(), ws.branches(), 0, before.3.clone()));
    assert_eq!(before.0, ws.repo.head().unwrap().target().unwrap().to_string());
    let names: Vec<&str> = out.branches.iter().map(|b| b.branch.as_str()).collect();
    let lock = cargo_lock(&ws.read("Cargo.lock"));
    let (itoa, anyhow) = (lock["itoa"].clone(), lock["anyhow"].clone());
    assert_eq!(itoa, "0.4.8");
    assert_eq!(anyhow, "1.0.40");
    let latest = |n: &str| {
        report
            .dependencies
            .iter()
            .find(|r| r.name == n)
            .unwrap()
            .latest
            .clone()
            .unwrap()
    };
    let (itoa_to, anyhow_to) = (latest("itoa"), latest("anyhow"));
    assert_eq!(
        names,
        vec![
            format!("shipdeck/deps/cargo/anyhow-{anyhow_to}"),
            format!("shipdeck/deps/cargo/itoa-{itoa_to}")
        ]
    );

    // anyhow: the requirement allows the update; only Cargo.lock moves.
    let b = &out.branches[0];
    let c = one_commit(&ws, &b.branch, base);
    assert_eq!(b.commit.as_deref(), Some(c.as_str()));
    assert_eq!(ws.at(&c, "Cargo.toml"), CARGO_TOML);
    let l = cargo_lock(&ws.at(&c, "Cargo.lock"));
    assert_eq!(
        (l["anyhow"].as_str(), l["itoa"].as_str()),
        (anyhow_to.as_str(), "0.4.8")
    );
    assert_eq!(
        b.commands,
        vec![format!("cargo update -p anyhow@1.0.40 --precise {anyhow_to}")]
    );
    let msg = ws
        .repo
        .find_commit(git2::Oid::from_str(&c).unwrap())
        .unwrap()
        .message()
        .unwrap()
        .to_string();
    assert!(
        msg.starts_with(&format!("chore(deps): bump anyhow from 1.0.40 to {anyhow_to}\n")),
        "{msg}"
    );
    let bumps = parse_bump_trailers(&msg);
    assert_eq!(bumps, b.bumps);
    assert_eq!(bumps[0].class, Class::Patch);
    assert_eq!(bumps[0].requirement_to, "1.0.40");

    // itoa: a major update; the requirement moves in its own style, the
    // comments stay, and Cargo.lock holds exactly the target.
    let b = &out.branches[1];
    let c = one_commit(&ws, &b.branch, base);
    assert_eq!(
        ws.at(&c, "Cargo.toml"),
        CARGO_TOML.replace("itoa = \"0.4\"", "itoa = \"1.0\"")
    );
    let l = cargo_lock(&ws.at(&c, "Cargo.lock"));
    assert_eq!(
        (l["itoa"].as_str(), l["anyhow"].as_str()),
        (itoa_to.as_str(), "1.0.40")
    );
    assert!(
        b.diff.contains("-itoa = \"0.4\"") && b.diff.contains("+itoa = \"1.0\""),
        "{}",
        b.diff
    );
    assert_eq!(b.bumps[0].class, Class::Major);

    // Running again: the branches exist; refused, nothing made.
    let again = ws.update(&report, &UpdateRequest::default()).unwrap_err();
    assert_eq!(again.code(), "dependencies.branch_exists");
    assert_eq!(ws.repo.worktrees().unwrap().len(), 0);
}

#[test]
fn a_patch_limit_takes_the_highest_patch_release() {
    let reg = cargo_registry();
    let ws = cargo_ws(&reg);
    let report = ws.report();
    let request = UpdateRequest {
        class: Some(Class::Patch),
        dry_run: true,
        ..UpdateRequest::default()
    };
    let out = ws.update(&report, &request).unwrap();
    // itoa 0.4.8 is the last 0.4 release: no patch to take.
    let names: Vec<(&str, &str)> = out
        .branches
        .iter()
        .flat_map(|b| b.bumps.iter().map(|x| (x.name.as_str(), x.to.as_str())))
        .collect();
    let anyhow = &report.dependencies.iter().find(|r| r.name == "anyhow").unwrap();
    assert_eq!(names, vec![("anyhow", anyhow.latest.as_deref().unwrap())]);
}

const PACKAGE_JSON: &str = "{\n  \"name\": \"web\",\n  \"version\": \"1.0.0\",\n  \"private\": true,\n  \"dependencies\": {\n    \"left-pad\": \"^1.1.0\",\n    \"ms\":   \"~0.7.1\"\n  }\n}\n";

pub fn npm_registry() -> server::Registry {
    start(|u, _| server::npm_answer(u))
}

/// package.json and the package-lock.json npm writes for left-pad 1.1.0
/// and ms 0.7.1.
pub fn npm_ws(reg: &server::Registry) -> Ws {
    let ws = Ws::new();
    ws.write(".npmrc", &format!("registry={}/npm/\n", reg.base));
    ws.write(".gitignore", "node_modules/\n*.log\n");
    ws.write("package.json", PACKAGE_JSON);
    ws.tool(
        "npm",
        &[
            "install",
            "--package-lock-only",
            "--ignore-scripts",
            "left-pad@1.1.0",
            "ms@0.7.1",
        ],
    );
    ws.write("package.json", PACKAGE_JSON);
    ws.tool("npm", &["install", "--package-lock-only", "--ignore-scripts"]);
    ws.commit_all("web app");
    ws
}

fn npm_locked(text: &str, name: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    v["packages"][format!("node_modules/{name}")]["version"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn npm_group_branch_holds_the_lock_npm_wrote() {
    let reg = npm_registry();
    let ws = npm_ws(&reg);
    assert_eq!(npm_locked(&ws.read("package-lock.json"), "left-pad"), "1.1.0");
    let report = ws.report();
    let before = ws.state();
    let base = ws.repo.head().unwrap().target().unwrap();
    let request = UpdateRequest {
        group: true,
        ..UpdateRequest::default()
    };
    let out = ws.update(&report, &request).unwrap();
    let after = ws.state();
    assert_eq!((&after.0, after.2, &after.3), (&before.0, 0, &before.3));
    assert_eq!(out.branches.len(), 1);
    let b = &out.branches[0];
    assert!(b.branch.starts_with("shipdeck/deps/all-"), "{}", b.branch);
    let c = one_commit(&ws, &b.branch, base);
    let pkg = ws.at(&c, "package.json");
    assert_eq!(pkg, PACKAGE_JSON.replace("\"~0.7.1\"", "\"~2.1.3\""));
    let lock = ws.at(&c, "package-lock.json");
    assert_eq!(npm_locked(&lock, "left-pad"), "1.3.0");
    assert_eq!(npm_locked(&lock, "ms"), "2.1.3");
    let lock: serde_json::Value = serde_json::from_str(&lock).unwrap();
    assert_eq!(lock["packages"][""]["dependencies"]["ms"], "~2.1.3");
    assert_eq!(lock["packages"][""]["dependencies"]["left-pad"], "^1.1.0");
    assert!(
        b.message
            .starts_with("chore(deps): bump 2 dependencies\n\n| Package |"),
        "{}",
        b.message
    );
    assert!(
        b.message
            .contains("| ms | 0.7.1 | 2.1.3 | major | package.json |"),
        "{}",
        b.message
    );
    assert_eq!(parse_bump_trailers(&b.message).len(), 2);
    assert_eq!(
        b.commands[0],
        "npm install --package-lock-only --ignore-scripts --no-audit --no-fund left-pad@1.3.0 ms@2.1.3"
    );
}

#[test]
fn a_dry_run_writes_nothing_and_its_digest_guards_the_real_run() {
    let reg = npm_registry();
    let ws = npm_ws(&reg);
    let report = ws.report();
    let before = ws.state();
    let request = UpdateRequest {
        only: vec!["ms".into()],
        dry_run: true,
        ..UpdateRequest::default()
    };
    let out = ws.update(&report, &request).unwrap();
    assert_eq!(ws.state(), before);
    assert!(out.dry_run);
    assert_eq!(out.branches.len(), 1);
    let b = &out.branches[0];
    assert_eq!(b.branch, "shipdeck/deps/npm/ms-2.1.3");
    assert_eq!(b.commit, None);
    assert!(
        b.diff
            .contains("-    \"ms\":   \"~0.7.1\"\n+    \"ms\":   \"~2.1.3\"\n"),
        "{}",
        b.diff
    );
    assert!(
        b.commands.iter().any(|c| c.ends_with("ms@2.1.3")),
        "{:?}",
        b.commands
    );
    assert!(
        b.message
            .starts_with("chore(deps): bump ms from 0.7.1 to 2.1.3\n"),
        "{}",
        b.message
    );
    let again = ws.update(&report, &request).unwrap();
    assert_eq!(again.digest, out.digest);

    let wrong = UpdateRequest {
        dry_run: false,
        expect: Some("0123456789abcdef0123456789abcdef".into()),
        ..request.clone()
    };
    assert_eq!(
        ws.update(&report, &wrong).unwrap_err().code(),
        "dependencies.plan_changed"
    );
    assert_eq!(ws.state(), before);
    let right = UpdateRequest {
        dry_run: false,
        expect: Some(out.digest.clone()),
        ..request
    };
    let made = ws.update(&report, &right).unwrap();
    assert_eq!(made.digest, out.digest);
    assert!(ws.branches().contains_key("shipdeck/deps/npm/ms-2.1.3"));
}
