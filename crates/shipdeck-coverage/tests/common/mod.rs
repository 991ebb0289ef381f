//! Helpers shared by the coverage tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use shipdeck_base::config::CoverageArea;
use shipdeck_base::jobs::{CancellationToken, Progress};
use shipdeck_coverage::{report, CoverageReport, ReportOptions};

pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

pub fn run(root: &Path, files: &[&str]) -> shipdeck_base::error::Result<CoverageReport> {
    run_areas(root, files, BTreeMap::new())
}

pub fn run_areas(
    root: &Path,
    files: &[&str],
    areas: BTreeMap<String, CoverageArea>,
) -> shipdeck_base::error::Result<CoverageReport> {
    let opts = ReportOptions {
        files: files.iter().map(PathBuf::from).collect(),
        areas,
    };
    report(root, &opts, &Progress::detached(CancellationToken::new()))
}

/// The folder scripts/setup.sh installs the peer tools into
/// (`$SHIPDECK_TOOLS`, default `~/.cache/shipdeck-tools`).
pub fn tools() -> PathBuf {
    std::env::var_os("SHIPDECK_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/shipdeck-tools")
        })
}

/// cargo-llvm-cov as scripts/setup.sh builds it (the version in
/// scripts/tools.env), with the toolchain's llvm-tools beside it.
pub fn cargo_llvm_cov() -> PathBuf {
    let env = include_str!("../../../../scripts/tools.env");
    let version = env
        .lines()
        .find_map(|l| l.strip_prefix("CARGO_LLVM_COV_VERSION="))
        .and_then(|v| v.split_whitespace().next())
        .expect("CARGO_LLVM_COV_VERSION in scripts/tools.env");
    let bin = tools().join(format!("cargo-llvm-cov-{version}/bin/cargo-llvm-cov"));
    assert!(
        bin.is_file(),
        "cargo-llvm-cov is missing at {}: run scripts/setup.sh",
        bin.display()
    );
    bin
}

/// coverage.py from the tools venv scripts/setup.sh makes (or
/// `$SHIPDECK_TOOLS/venv/bin/coverage`).
pub fn coverage_py() -> PathBuf {
    let bin = tools().join("venv/bin/coverage");
    assert!(
        bin.is_file(),
        "coverage.py is missing at {}: run scripts/setup.sh (it runs \
         `$HOME/.cache/shipdeck-tools/venv/bin/pip install 'coverage==7.*'`)",
        bin.display()
    );
    bin
}

/// diff-cover, the patch-coverage peer, from the same tools venv.
pub fn diff_cover() -> PathBuf {
    let bin = coverage_py().with_file_name("diff-cover");
    assert!(
        bin.is_file(),
        "diff-cover is missing at {}: run scripts/setup.sh",
        bin.display()
    );
    bin
}

/// A git repository built by the test, committing everything in its work
/// tree (additions, changes and deletions) on demand.
pub struct Git {
    pub repo: git2::Repository,
    pub root: PathBuf,
    clock: i64,
}

impl Git {
    pub fn init(root: &Path) -> Git {
        std::fs::create_dir_all(root).unwrap();
        let mut opts = git2::RepositoryInitOptions::new();
        opts.initial_head("main");
        let repo = git2::Repository::init_opts(root, &opts).unwrap();
        Git {
            repo,
            root: root.canonicalize().unwrap(),
            clock: 1_700_000_000,
        }
    }

    pub fn write(&self, rel: &str, text: &str) {
        write(&self.root, rel, text);
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.root.join(rel)).unwrap();
    }

    /// Stages the whole work tree and commits it on HEAD.
    pub fn commit(&mut self, message: &str) -> git2::Oid {
        let mut index = self.repo.index().unwrap();
        index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        let tree = index.write_tree().unwrap();
        self.commit_tree("HEAD", tree, message)
    }

    /// Commits `tree` on `refname` (its current commit, if any, the parent).
    pub fn commit_tree(&mut self, refname: &str, tree: git2::Oid, message: &str) -> git2::Oid {
        self.clock += 3600;
        let sig = git2::Signature::new("Dev", "dev@example.com", &git2::Time::new(self.clock, 0)).unwrap();
        let tree = self.repo.find_tree(tree).unwrap();
        let parent = self
            .repo
            .revparse_single(refname)
            .ok()
            .and_then(|o| o.peel_to_commit().ok());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        self.repo
            .commit(Some(refname), &sig, &sig, message, &tree, &parents)
            .unwrap()
    }

    /// A branch at HEAD.
    pub fn branch(&self, name: &str) {
        let head = self.repo.head().unwrap().peel_to_commit().unwrap();
        self.repo.branch(name, &head, false).unwrap();
    }

    /// Commits on branch `name` (not checked out) its tree with `rel`
    /// replaced by `text`.
    pub fn commit_on(&mut self, name: &str, rel: &str, text: &str) {
        let refname = format!("refs/heads/{name}");
        let tree = {
            let tip = self
                .repo
                .revparse_single(&refname)
                .unwrap()
                .peel_to_commit()
                .unwrap();
            let blob = self.repo.blob(text.as_bytes()).unwrap();
            let mut tb = self.repo.treebuilder(Some(&tip.tree().unwrap())).unwrap();
            tb.insert(rel, blob, 0o100_644).unwrap();
            tb.write().unwrap()
        };
        self.commit_tree(&refname, tree, "base moves on");
    }
}

/// Runs `bin args…` in `dir`, failing the test with its output on error.
pub fn run_tool(dir: &Path, bin: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env_remove("COVERAGE_FILE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} {args:?} failed:\n{}\n{}",
        bin.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
