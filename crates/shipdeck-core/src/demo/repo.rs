//! The demo builder's git plumbing: files, signatures at the planned
//! times, staging and commits.

use std::path::Path;

use chrono::{DateTime, Utc};
use git2::{Oid, Signature, Time};
use rand::Rng;

use super::content::AUTHORS;
use super::Builder;
use crate::error::{Error, Result};

impl Builder {
    pub(super) fn write(&self, rel: &str, text: &str) -> Result<()> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(Error::io("create", parent))?;
        }
        std::fs::write(&path, text).map_err(Error::io("write", &path))
    }

    pub(super) fn append(&self, rel: &str, text: &str) -> Result<()> {
        let path = self.root.join(rel);
        let mut current = std::fs::read_to_string(&path).unwrap_or_default();
        current.push_str(text);
        self.write(rel, &current)
    }

    /// The time the next commit will get.
    pub(super) fn now(&self) -> DateTime<Utc> {
        self.times[self.tick.min(self.times.len() - 1)]
    }

    pub(super) fn signature(&mut self) -> Result<(Signature<'static>, DateTime<Utc>)> {
        let (name, email, offset) = AUTHORS[self.rng.random_range(0..AUTHORS.len())];
        let when = self.now();
        self.tick += 1;
        Ok((
            Signature::new(name, email, &Time::new(when.timestamp(), offset))?,
            when,
        ))
    }

    /// Stages `paths` (removing those no longer on disk) and writes a tree.
    pub(super) fn stage(&self, paths: &[String]) -> Result<Oid> {
        let mut index = self.repo.index()?;
        for p in paths {
            if self.root.join(p).exists() {
                index.add_path(Path::new(p))?;
            } else {
                index.remove_path(Path::new(p))?;
            }
        }
        index.write()?;
        Ok(index.write_tree()?)
    }

    pub(super) fn commit_tree(
        &mut self,
        message: &str,
        tree: Oid,
        update_head: bool,
        extra_parent: Option<Oid>,
    ) -> Result<(Oid, DateTime<Utc>)> {
        let (sig, when) = self.signature()?;
        let tree = self.repo.find_tree(tree)?;
        let mut parents = Vec::new();
        if let Ok(head) = self.repo.head() {
            parents.push(head.peel_to_commit()?);
        }
        if let Some(extra) = extra_parent {
            parents.push(self.repo.find_commit(extra)?);
        }
        let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
        let oid = self.repo.commit(
            update_head.then_some("HEAD"),
            &sig,
            &sig,
            message,
            &tree,
            &parent_refs,
        )?;
        Ok((oid, when))
    }

    pub(super) fn commit(&mut self, message: &str, paths: &[String]) -> Result<Oid> {
        let tree = self.stage(paths)?;
        Ok(self.commit_tree(message, tree, true, None)?.0)
    }

    pub(super) fn author_of(&self, commit: Oid) -> Result<Signature<'static>> {
        let c = self.repo.find_commit(commit)?;
        let a = c.author();
        Ok(Signature::new(
            a.name().unwrap_or("unknown"),
            a.email().unwrap_or(""),
            &a.when(),
        )?)
    }
}
