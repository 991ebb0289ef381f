//! Helpers for the secrets tests: real git repositories in temp dirs, and
//! sample secrets built at run time so this repository holds none.
#![allow(dead_code)]

use std::path::Path;

use git2::{Oid, Repository, Signature, Time};
use shipdeck_base::jobs::{CancellationToken, Progress};

pub fn progress() -> Progress {
    Progress::detached(CancellationToken::new())
}

/// A GitHub classic token shape (`ghp_` + 36), from parts.
pub fn github_token(seed: &str) -> String {
    // The seed tells tokens apart; the fixed tail gives them the entropy
    // of a real token (low-entropy placeholders are not reported).
    let body: String = seed
        .chars()
        .chain("q8Zr2Lm5Xw9Tn3Vb7Kp1Hj4Gf6Dd0Ss".chars())
        .cycle()
        .take(36)
        .collect();
    ["gh", "p_", &body].concat()
}

/// An AWS access key id shape, from parts.
pub fn aws_key(seed: &str) -> String {
    let body: String = seed.chars().cycle().take(16).collect();
    ["AK", "IA", &body].concat()
}

pub fn write(root: &Path, rel: &str, content: &str) {
    let p = root.join(rel);
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(p, content).unwrap();
}

/// Stages everything in the work tree (deletions too) and commits on HEAD.
pub fn commit_all(repo: &Repository, msg: &str, when: i64) -> Oid {
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all(["*"].iter(), None).unwrap();
    index.write().unwrap();
    let tree_id = index.write_tree().unwrap();
    let tree = repo.find_tree(tree_id).unwrap();
    let sig = Signature::new("Ada Dev", "ada@example.test", &Time::new(when, 0)).unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, msg, &tree, &parents)
        .unwrap()
}

pub fn init(root: &Path) -> Repository {
    Repository::init(root).unwrap()
}
